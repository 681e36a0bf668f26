/* SPDX-License-Identifier: MIT */
/*
 * test_report_text.c: the human summary renderer, checked verbatim.
 *
 * Number texts come from gw_unit_format (core): "1.2 GW", "2.5 EFLOP/s",
 * "40.0%" for frac 0.4, "n/a" for NaN. The renderer's own rules are what the
 * expected strings pin down: sections, label alignment, thousands grouping,
 * tables with right-aligned numbers and no trailing blanks, and notes last.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */

#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static gw_ctx *ctx;

static int setup(void **state)
{
    (void)state;
    ctx = gw_ctx_new(NULL, NULL);
    return ctx ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    gw_ctx_free(ctx);
    return 0;
}

static char *text_of(const gw_doc *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(gw_report_text(d, f), GW_OK);
    fclose(f);
    return buf;
}

static char *fmt(double v, const char *unit, char *buf, size_t len)
{
    return gw_unit_format(v, unit, buf, len);
}

/* A run-like summary. The root "command" is JSON metadata and not shown.
 * Root scalars align on the longest root label shown ("Scenario", 8, so
 * values start at column 8 + 2; the hidden "Command" does not count); the Cluster section
 * aligns on "Liquid cooled" (13); the nested Peak section on "BF16"/"FP8".
 * The table pads "Plan" to its longest cell ("longer name", 11) and
 * right-aligns TP (width 2) and Step time (width 9, its header). */
static void test_summary(void **state)
{
    (void)state;
    gw_doc *d = gw_doc_new(ctx);
    gw_doc_node *r = gw_doc_root(d);
    gw_doc_str(d, r, "command", "Command label", "run");
    gw_doc_str(d, r, "scenario", "Scenario", "default.yaml");
    gw_doc_node *c = gw_doc_obj(d, r, "cluster", "Cluster");
    gw_doc_int(d, c, "gpus", "GPUs", 1048576);
    gw_doc_num(d, c, "it_power_w", "IT power", 1.2e9, "W");
    gw_doc_num(d, c, "mfu", "Utilisation", 0.4, "frac");
    gw_doc_num(d, c, "unknown_w", "Unknown", (double)NAN, "W");
    gw_doc_bool(d, c, "liquid", "Liquid cooled", true);
    gw_doc_node *pk = gw_doc_obj(d, c, "peak", "Peak");
    gw_doc_num(d, pk, "bf16_flops", "BF16", 2.5e18, "FLOP/s");
    gw_doc_num(d, pk, "fp8_flops", "FP8", 5e18, "FLOP/s");
    gw_doc_node *t = gw_doc_arr(d, r, "plans", "Plans");
    for (int i = 0; i < 3; i++) {
        gw_doc_node *row = gw_doc_obj(d, t, NULL, NULL);
        gw_doc_str(d, row, "name", "Plan", i == 0 ? "a" : "longer name");
        gw_doc_int(d, row, "tp", "TP", 1 << (i * 3));
        gw_doc_num(d, row, "step_time_s", "Step time", 1.5 * (i + 1), "s");
    }
    gw_doc_node *l = gw_doc_arr(d, r, "precisions", "Precisions");
    gw_doc_str(d, l, NULL, NULL, "bf16");
    gw_doc_str(d, l, NULL, NULL, "fp8");
    gw_doc_note(d, "IT power is a first-order estimate.");
    gw_doc_note(d, "second note");

    char w[32], pct[32], na[32], bf[32], f8[32], s1[32], s2[32], s3[32];
    fmt(1.2e9, "W", w, sizeof w);
    fmt(0.4, "frac", pct, sizeof pct);
    fmt((double)NAN, "W", na, sizeof na);
    fmt(2.5e18, "FLOP/s", bf, sizeof bf);
    fmt(5e18, "FLOP/s", f8, sizeof f8);
    fmt(1.5, "s", s1, sizeof s1);
    fmt(3.0, "s", s2, sizeof s2);
    fmt(4.5, "s", s3, sizeof s3);
    char want[2048];
    snprintf(want, sizeof want,
             "Scenario    default.yaml\n"
             "\n"
             "Cluster\n"
             "  GPUs           1,048,576\n"
             "  IT power       %s\n"
             "  Utilisation    %s\n"
             "  Unknown        %s\n"
             "  Liquid cooled  yes\n"
             "  Peak\n"
             "    BF16  %s\n"
             "    FP8   %s\n"
             "\n"
             "Plans\n"
             "  Plan         TP  Step time\n"
             "  a             1  %9s\n"
             "  longer name   8  %9s\n"
             "  longer name  64  %9s\n"
             "\n"
             "Precisions  bf16, fp8\n"
             "\n"
             "Notes:\n"
             "  - IT power is a first-order estimate.\n"
             "  - second note\n",
             w, pct, na, bf, f8, s1, s2, s3);
    char *got = text_of(d);
    assert_string_equal(got, want);
    /* The fixed texts of gw_unit_format this layout was designed with. */
    assert_string_equal(pct, "40.0%");
    assert_string_equal(na, "n/a");
    free(got);
    gw_doc_free(d);
}

/* Integer grouping, negative numbers, booleans, empty arrays, control
 * characters flattened to spaces so a value stays on one line, and labels
 * falling back to keys. */
static void test_scalars(void **state)
{
    (void)state;
    gw_doc *d = gw_doc_new(ctx);
    gw_doc_node *r = gw_doc_root(d);
    gw_doc_int(d, r, "a", NULL, -1234567);
    gw_doc_int(d, r, "b", NULL, 999);
    gw_doc_int(d, r, "c", NULL, INT64_MIN);
    gw_doc_bool(d, r, "d", NULL, false);
    gw_doc_arr(d, r, "e", "Empty");
    gw_doc_str(d, r, "f", NULL, "two\nlines\tand tab");
    char *got = text_of(d);
    assert_string_equal(got, "a      -1,234,567\n"
                             "b      999\n"
                             "c      -9,223,372,036,854,775,808\n"
                             "d      no\n"
                             "Empty  (none)\n"
                             "f      two lines and tab\n");
    free(got);
    gw_doc_free(d);
}

/* A table whose rows have different keys: the columns are the union, in
 * first-seen order; absent cells show "-"; nested containers are left out
 * of tables. Labels with UTF-8 align by code points, not bytes. */
static void test_table_union(void **state)
{
    (void)state;
    gw_doc *d = gw_doc_new(ctx);
    gw_doc_node *t = gw_doc_arr(d, gw_doc_root(d), "rows", "Rows");
    gw_doc_node *a = gw_doc_obj(d, t, NULL, NULL);
    gw_doc_str(d, a, "x", "\xc3\x89t\xc3\xa9", "1"); /* "Été": 3 code points */
    gw_doc_obj(d, a, "nested", NULL);
    gw_doc_node *b = gw_doc_obj(d, t, NULL, NULL);
    gw_doc_int(d, b, "y", "Y", 22);
    char *got = text_of(d);
    assert_string_equal(got, "Rows\n"
                             "  \xc3\x89t\xc3\xa9   Y\n"
                             "  1     -\n"
                             "  -    22\n");
    free(got);
    gw_doc_free(d);
}

/* Only notes (and the hidden command): no leading blank line. A failed
 * doc renders nothing. */
static void test_notes_only(void **state)
{
    (void)state;
    gw_doc *d = gw_doc_new(ctx);
    gw_doc_str(d, gw_doc_root(d), "command", NULL, "catalog");
    gw_doc_note(d, "n");
    char *got = text_of(d);
    assert_string_equal(got, "Notes:\n  - n\n");
    free(got);
    gw_doc_free(d);
    assert_int_equal(gw_report_text(NULL, stdout), GW_ENOMEM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_table_union),
        cmocka_unit_test(test_notes_only),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
