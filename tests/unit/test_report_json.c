/* SPDX-License-Identifier: MIT */
/*
 * test_report_json.c: the JSON and CSV renderers.
 *
 * JSON: exact text for small documents (layout, header order, escaping,
 * numbers), then a round trip through the core JSON/YAML parser
 * (gw__ydoc_parse in JSON mode), which rejects anything that is not JSON.
 * CSV: RFC 4180 quoting, column union, errors.
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

#include "core/core_internal.h"

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

#define HEADER "{\n  \"schema_version\": 2,\n  \"generator\": \"gigawatt " GW_VERSION_STRING "\",\n"

/* Renders doc as JSON into a malloc'd string (caller frees). */
static char *json_of(const gw_doc *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(gw_report_json(d, f), GW_OK);
    fclose(f);
    return buf;
}

static char *csv_of(const gw_doc *d, const char *path, gw_status want)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(gw_report_csv(d, path, f), want);
    fclose(f);
    return buf;
}

/* The empty document: header, then the always-present notes array. */
static void test_empty(void **state)
{
    (void)state;
    gw_doc *d = gw_doc_new(ctx);
    char *s = json_of(d);
    assert_string_equal(s, HEADER "  \"notes\": []\n}\n");
    free(s);
    gw_doc_free(d);
}

/* Layout: "command" goes right after the header and "notes" after it, even
 * when added last; nested containers are indented by two spaces; a builder's
 * own "schema_version" cannot override the renderer's. */
static void test_layout(void **state)
{
    (void)state;
    gw_doc *d = gw_doc_new(ctx);
    gw_doc_node *r = gw_doc_root(d);
    gw_doc_node *site = gw_doc_obj(d, r, "site", "Site");
    gw_doc_num(d, site, "power_w", "Power", 1e9, "W");
    gw_doc_node *arr = gw_doc_arr(d, site, "halls", NULL);
    gw_doc_int(d, arr, NULL, NULL, 1);
    gw_doc_int(d, arr, NULL, NULL, 2);
    gw_doc_obj(d, site, "empty", NULL);
    gw_doc_str(d, r, "command", NULL, "run");
    gw_doc_int(d, r, "schema_version", NULL, 99);
    gw_doc_note(d, "first-order estimate");
    char *s = json_of(d);
    assert_string_equal(s, HEADER "  \"command\": \"run\",\n"
                                  "  \"notes\": [\n    \"first-order estimate\"\n  ],\n"
                                  "  \"site\": {\n"
                                  "    \"power_w\": 1000000000,\n"
                                  "    \"halls\": [\n      1,\n      2\n    ],\n"
                                  "    \"empty\": {}\n"
                                  "  }\n}\n");
    free(s);
    gw_doc_free(d);
}

/* RFC 8259 section 7 escapes; invalid UTF-8 bytes become U+FFFD (one per
 * byte); valid multi-byte UTF-8 passes through unchanged. */
static void test_escaping(void **state)
{
    (void)state;
    gw_doc *d = gw_doc_new(ctx);
    gw_doc_node *r = gw_doc_root(d);
    gw_doc_str(d, r, "q", NULL, "a\"b\\c/d");
    gw_doc_str(d, r, "c", NULL, "\b\f\n\r\t\x01\x1f\x7f");
    gw_doc_str(d, r, "u", NULL, "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"); /* é € 😀 */
    gw_doc_str(d, r, "bad", NULL, "x\xff\xc3(\xed\xa0\x80\xc0\xaf");       /* invalid */
    gw_doc_str(d, r, "ke\"y", NULL, "");
    char *s = json_of(d);
    assert_string_equal(s, HEADER
                        "  \"notes\": [],\n"
                        "  \"q\": \"a\\\"b\\\\c/d\",\n"
                        "  \"c\": \"\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\",\n"
                        "  \"u\": \"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\",\n"
                        "  \"bad\": \"x\\ufffd\\ufffd(\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\",\n"
                        "  \"ke\\\"y\": \"\"\n}\n");
    free(s);
    gw_doc_free(d);
}

/* Numbers: integers exact over the whole int64 range; doubles shortest
 * round-trip (0.1 stays "0.1", 1/3 needs 16 digits); NaN and infinities,
 * which JSON cannot express, become null. */
static void test_numbers(void **state)
{
    (void)state;
    gw_doc *d = gw_doc_new(ctx);
    gw_doc_node *r = gw_doc_root(d);
    gw_doc_int(d, r, "imax", NULL, INT64_MAX);
    gw_doc_int(d, r, "imin", NULL, INT64_MIN);
    gw_doc_num(d, r, "tenth", NULL, 0.1, "");
    gw_doc_num(d, r, "third", NULL, 1.0 / 3.0, "");
    gw_doc_num(d, r, "big_flops", NULL, 2.5e18, "FLOP/s");
    gw_doc_num(d, r, "tiny_s", NULL, 1.5e-9, "s");
    gw_doc_num(d, r, "nan", NULL, (double)NAN, "");
    gw_doc_num(d, r, "inf", NULL, (double)INFINITY, "");
    gw_doc_num(d, r, "ninf", NULL, -(double)INFINITY, "");
    gw_doc_bool(d, r, "t", NULL, true);
    gw_doc_bool(d, r, "f", NULL, false);
    char *s = json_of(d);
    assert_string_equal(s, HEADER "  \"notes\": [],\n"
                                  "  \"imax\": 9223372036854775807,\n"
                                  "  \"imin\": -9223372036854775808,\n"
                                  "  \"tenth\": 0.1,\n"
                                  "  \"third\": 0.3333333333333333,\n"
                                  "  \"big_flops\": 2.5e+18,\n"
                                  "  \"tiny_s\": 1.5e-09,\n"
                                  "  \"nan\": null,\n  \"inf\": null,\n  \"ninf\": null,\n"
                                  "  \"t\": true,\n  \"f\": false\n}\n");
    free(s);
    gw_doc_free(d);
}

/* Round trip: a document with every kind of node is parsed back by the core
 * parser in JSON mode (path ending in .json), and values compare equal:
 * doubles bit-for-bit, since the text is a round-trip representation. */
static void test_round_trip(void **state)
{
    (void)state;
    gw_doc *d = gw_doc_new(ctx);
    gw_doc_node *r = gw_doc_root(d);
    gw_doc_str(d, r, "command", NULL, "train");
    gw_doc_node *t = gw_doc_obj(d, r, "train", "Training");
    double vals[] = {0.1, 1.0 / 3.0, 6.02214076e23, 5e-324, 1.7976931348623157e308, -2.5, 0.0};
    gw_doc_node *a = gw_doc_arr(d, t, "vals", NULL);
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        gw_doc_num(d, a, NULL, NULL, vals[i], "");
    gw_doc_node *rows = gw_doc_arr(d, t, "rows", NULL);
    for (int i = 0; i < 3; i++) {
        gw_doc_node *row = gw_doc_obj(d, rows, NULL, NULL);
        gw_doc_int(d, row, "tp", NULL, 1 << i);
        gw_doc_str(d, row, "name", NULL, "tab\there \"quoted\" \xe2\x82\xac");
    }
    gw_doc_note(d, "control \x02 char");
    char *s = json_of(d);
    gw__ydoc *y = NULL;
    gw_error err;
    gw_status rc = gw__ydoc_parse(ctx, s, strlen(s), "out.json", &y, &err);
    if (rc != GW_OK) {
        char buf[1024];
        fail_msg("%s\n%s", gw_error_format(&err, buf, sizeof buf), s);
    }
    const gw__ynode *root = y->root;
    assert_int_equal(root->kind, GW_Y_MAP);
    /* Key order: schema_version, generator, command, notes, train. */
    assert_int_equal(root->n, 5);
    assert_string_equal(root->keys[0]->scalar, "schema_version");
    assert_string_equal(root->vals[0]->scalar, "2");
    assert_string_equal(root->keys[1]->scalar, "generator");
    assert_string_equal(root->keys[2]->scalar, "command");
    assert_string_equal(root->keys[3]->scalar, "notes");
    assert_string_equal(root->vals[3]->vals[0]->scalar, "control \x02 char");
    const gw__ynode *train = gw__ymap_get(root, "train");
    const gw__ynode *yv = gw__ymap_get(train, "vals");
    assert_int_equal(yv->n, sizeof vals / sizeof vals[0]);
    for (size_t i = 0; i < yv->n; i++) {
        /* strtod, not gw__parse_double: the latter rejects subnormals. */
        char *end = NULL;
        double back = strtod(yv->vals[i]->scalar, &end);
        assert_true(*end == '\0');
        assert_true(back == vals[i]);
    }
    const gw__ynode *yr = gw__ymap_get(train, "rows");
    assert_int_equal(yr->n, 3);
    assert_string_equal(gw__ymap_get(yr->vals[2], "tp")->scalar, "4");
    assert_string_equal(gw__ymap_get(yr->vals[2], "name")->scalar,
                        "tab\there \"quoted\" \xe2\x82\xac");
    gw__ydoc_free(y);
    free(s);
    gw_doc_free(d);
}

/* Write errors are GW_EIO: a stream opened read-only rejects writes. */
static void test_write_error(void **state)
{
    (void)state;
    gw_doc *d = gw_doc_new(ctx);
    gw_doc_str(d, gw_doc_root(d), "k", NULL, "v");
    FILE *f = fopen("/dev/null", "r");
    if (!f)
        skip();
    assert_int_equal(gw_report_json(d, f), GW_EIO);
    assert_int_equal(gw_report_text(d, f), GW_EIO);
    fclose(f);
    assert_int_equal(gw_report_json(NULL, stdout), GW_ENOMEM);
    gw_doc_free(d);
}

/* ---- CSV -------------------------------------------------------------------- */

/* Columns are the union of keys in first-seen order; missing cells, NaN and
 * nested values are empty; fields with , " CR LF or edge spaces are quoted
 * with inner quotes doubled (RFC 4180 2.6, 2.7); lines end in CRLF (2.1). */
static void test_csv(void **state)
{
    (void)state;
    gw_doc *d = gw_doc_new(ctx);
    gw_doc_node *t = gw_doc_obj(d, gw_doc_root(d), "sweep", NULL);
    gw_doc_node *rows = gw_doc_arr(d, t, "rows", NULL);
    gw_doc_node *a = gw_doc_obj(d, rows, NULL, NULL);
    gw_doc_str(d, a, "name", NULL, "plain");
    gw_doc_num(d, a, "step_time_s", NULL, 0.1, "s");
    gw_doc_int(d, a, "tp", NULL, 8);
    gw_doc_node *b = gw_doc_obj(d, rows, NULL, NULL);
    gw_doc_str(d, b, "name", NULL, "a,b \"c\"\nd");
    gw_doc_num(d, b, "step_time_s", NULL, (double)NAN, "s");
    gw_doc_bool(d, b, "ok", NULL, true);
    gw_doc_obj(d, b, "nested", NULL);
    gw_doc_node *c = gw_doc_obj(d, rows, NULL, NULL);
    gw_doc_str(d, c, "name", NULL, " padded");
    char *s = csv_of(d, "sweep.rows", GW_OK);
    assert_string_equal(s, "name,step_time_s,tp,ok,nested\r\n"
                           "plain,0.1,8,,\r\n"
                           "\"a,b \"\"c\"\"\nd\",,,true,\r\n"
                           "\" padded\",,,,\r\n");
    free(s);
    /* Not an array of objects, absent, or empty. */
    gw_doc_node *scalars = gw_doc_arr(d, t, "scalars", NULL);
    gw_doc_int(d, scalars, NULL, NULL, 1);
    gw_doc_arr(d, t, "none", NULL);
    free(csv_of(d, "sweep.scalars", GW_ENOTFOUND));
    free(csv_of(d, "sweep", GW_ENOTFOUND));
    free(csv_of(d, "nope", GW_ENOTFOUND));
    s = csv_of(d, "sweep.none", GW_OK);
    assert_string_equal(s, "");
    free(s);
    gw_doc_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),      cmocka_unit_test(test_layout),
        cmocka_unit_test(test_escaping),   cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_round_trip), cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_csv),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
