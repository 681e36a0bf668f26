/* SPDX-License-Identifier: MIT */
/*
 * test_report_range.c: a figure with its prediction interval (gw_doc_range)
 * renders as "5.63 s (4.9–6.6, 80%)" in text, as {value, lo, hi, level} in
 * JSON, as the value in CSV, and reads back as a number.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static char *render(const gw_doc *doc, int kind)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(kind == 0 ? gw_report_text(doc, f) : gw_report_json(doc, f), GW_OK);
    fclose(f);
    return buf;
}

static void range_renders(void **state)
{
    (void)state;
    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    gw_doc *doc = gw_doc_new(ctx);
    gw_doc_node *o = gw_doc_obj(doc, gw_doc_root(doc), "train", "Training");
    gw_doc_range(doc, o, "step_time_s", "step time", 5.63, 4.9, 6.6, 0.8, "s");
    gw_doc_range(doc, o, "mfu_frac", "MFU", 0.452, 0.401, 0.503, 0.8, "frac");
    gw_doc_range(doc, o, "cost_usd", "cost", 4.39e9, 3.91e9, 5.31e9, 0.8, "USD");
    gw_doc_num(doc, o, "plain_s", "plain", 2.0, "s");

    char *text = render(doc, 0);
    assert_non_null(strstr(text, "step time  5.63 s (4.9\u20136.6, 80%)\n"));
    assert_non_null(strstr(text, "MFU        45.2% (40.1\u201350.3, 80%)\n"));
    assert_non_null(strstr(text, "cost       $4.39B ($3.91B\u2013$5.31B, 80%)\n"));
    assert_non_null(strstr(text, "plain      2 s\n"));
    free(text);

    char *json = render(doc, 1);
    assert_non_null(strstr(json, "\"step_time_s\": {\n      \"value\": 5.63,\n      \"lo\": 4.9,\n"
                                 "      \"hi\": 6.6,\n      \"level\": 0.8\n    }"));
    assert_non_null(strstr(json, "\"plain_s\": 2"));
    free(json);

    const gw_doc_node *n = gw_doc_get(gw_doc_root(doc), "train.step_time_s");
    assert_true(gw_doc_node_num(n) == 5.63);
    double lo = 0, hi = 0, level = 0;
    assert_true(gw_doc_node_range(n, &lo, &hi, &level));
    assert_true(lo == 4.9 && hi == 6.6 && level == 0.8);
    assert_false(
        gw_doc_node_range(gw_doc_get(gw_doc_root(doc), "train.plain_s"), NULL, NULL, NULL));
    gw_doc_free(doc);
    gw_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(range_renders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
