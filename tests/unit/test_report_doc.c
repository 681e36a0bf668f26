/* SPDX-License-Identifier: MIT */
/*
 * test_report_doc.c: the gw_doc tree: building, key order, replacement of
 * duplicate keys, path lookup, notes, NULL chaining and the sticky ENOMEM.
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

/* A small document used by several tests:
 * { train: { best: { step_time_s: 1.5, tp: 8 }, runs: [ {id: "a"}, {id: "b"} ] },
 *   name: "x", ok: true } */
static gw_doc *sample(void)
{
    gw_doc *d = gw_doc_new(ctx);
    assert_non_null(d);
    gw_doc_node *r = gw_doc_root(d);
    gw_doc_node *train = gw_doc_obj(d, r, "train", "Training");
    gw_doc_node *best = gw_doc_obj(d, train, "best", "Best plan");
    gw_doc_num(d, best, "step_time_s", "Step time", 1.5, "s");
    gw_doc_int(d, best, "tp", "TP", 8);
    gw_doc_node *runs = gw_doc_arr(d, train, "runs", "Runs");
    gw_doc_node *a = gw_doc_obj(d, runs, NULL, NULL);
    gw_doc_str(d, a, "id", "Id", "a");
    gw_doc_node *b = gw_doc_obj(d, runs, "ignored", NULL);
    gw_doc_str(d, b, "id", "Id", "b");
    gw_doc_str(d, r, "name", NULL, "x");
    gw_doc_bool(d, r, "ok", "OK", true);
    assert_int_equal(gw_doc_status(d), GW_OK);
    return d;
}

/* Paths: dots between keys, [N] for array elements, also chained. */
static void test_get_paths(void **state)
{
    (void)state;
    gw_doc *d = sample();
    const gw_doc_node *r = gw_doc_root(d);
    assert_true(gw_doc_node_num(gw_doc_get(r, "train.best.step_time_s")) == 1.5);
    assert_true(gw_doc_node_num(gw_doc_get(r, "train.best.tp")) == 8.0); /* ints are numbers */
    assert_string_equal(gw_doc_node_str(gw_doc_get(r, "train.runs[1].id")), "b");
    assert_string_equal(gw_doc_node_str(gw_doc_get(r, "train.runs[0].id")), "a");
    assert_string_equal(gw_doc_node_str(gw_doc_get(r, "name")), "x");
    const gw_doc_node *runs = gw_doc_get(r, "train.runs");
    assert_string_equal(gw_doc_node_str(gw_doc_get(runs, "[1].id")), "b");
    /* Absent or malformed paths. */
    assert_null(gw_doc_get(r, "train.runs[2]"));
    assert_null(gw_doc_get(r, "train.best.nope"));
    assert_null(gw_doc_get(r, "train..best"));
    assert_null(gw_doc_get(r, "train."));
    assert_null(gw_doc_get(r, "train.runs[x]"));
    assert_null(gw_doc_get(r, "train.runs[1"));
    assert_null(gw_doc_get(r, "train.runs[1]id"));
    assert_null(gw_doc_get(r, "name[0]"));
    assert_null(gw_doc_get(r, "train.runs[99999999999999999999999]"));
    assert_null(gw_doc_get(NULL, "name"));
    assert_null(gw_doc_get(r, NULL));
    assert_true(gw_doc_get(r, "") == r);
    /* Type-mismatched accessors. */
    assert_true(isnan(gw_doc_node_num(gw_doc_get(r, "name"))));
    assert_true(isnan(gw_doc_node_num(NULL)));
    assert_null(gw_doc_node_str(gw_doc_get(r, "ok")));
    gw_doc_free(d);
}

/* Keys keep insertion order; a repeated key replaces the value in place. */
static void test_replace_keeps_position(void **state)
{
    (void)state;
    gw_doc *d = gw_doc_new(ctx);
    gw_doc_node *r = gw_doc_root(d);
    gw_doc_int(d, r, "a", NULL, 1);
    gw_doc_int(d, r, "b", NULL, 2);
    gw_doc_int(d, r, "c", NULL, 3);
    gw_doc_str(d, r, "b", NULL, "two");
    assert_string_equal(gw_doc_node_str(gw_doc_get(r, "b")), "two");
    /* Render to JSON to see the order: notes first (empty), then a, b, c. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(gw_report_json(d, f), GW_OK);
    fclose(f);
    assert_string_equal(
        buf, "{\n  \"schema_version\": 2,\n  \"generator\": \"gigawatt " GW_VERSION_STRING
             "\",\n  \"notes\": [],\n  \"a\": 1,\n  \"b\": \"two\",\n  \"c\": 3\n}\n");
    free(buf);
    gw_doc_free(d);
}

/* Notes go to the root's "notes" array in order; formatting is printf's. */
static void test_notes(void **state)
{
    (void)state;
    gw_doc *d = gw_doc_new(ctx);
    gw_doc_note(d, "first %d", 1);
    gw_doc_note(d, "%s", "second");
    const gw_doc_node *r = gw_doc_root(d);
    assert_string_equal(gw_doc_node_str(gw_doc_get(r, "notes[0]")), "first 1");
    assert_string_equal(gw_doc_node_str(gw_doc_get(r, "notes[1]")), "second");
    /* "notes" at the root is reserved: the array is returned, not replaced,
     * and scalars under that key are ignored. */
    gw_doc_node *n = gw_doc_arr(d, gw_doc_root(d), "notes", NULL);
    gw_doc_str(d, n, NULL, NULL, "third");
    gw_doc_str(d, gw_doc_root(d), "notes", NULL, "clobber");
    assert_null(gw_doc_obj(d, gw_doc_root(d), "notes", NULL));
    assert_string_equal(gw_doc_node_str(gw_doc_get(r, "notes[2]")), "third");
    assert_string_equal(gw_doc_node_str(gw_doc_get(r, "notes[0]")), "first 1");
    gw_doc_free(d);
}

/* NULL parents and NULL documents are no-ops, so builders can chain. */
static void test_null_chaining(void **state)
{
    (void)state;
    gw_doc *d = gw_doc_new(ctx);
    gw_doc_node *missing = gw_doc_get(gw_doc_root(d), "nope") ? NULL : NULL;
    assert_null(gw_doc_obj(d, missing, "a", NULL));
    assert_null(gw_doc_arr(d, missing, "a", NULL));
    gw_doc_num(d, missing, "x_w", NULL, 1.0, "W");
    gw_doc_int(NULL, gw_doc_root(d), "x", NULL, 1);
    gw_doc_note(NULL, "x");
    /* Children of an object need keys. */
    assert_null(gw_doc_obj(d, gw_doc_root(d), NULL, NULL));
    assert_null(gw_doc_obj(d, gw_doc_root(d), "", NULL));
    assert_int_equal(gw_doc_status(d), GW_OK);
    assert_null(gw_doc_root(NULL));
    assert_int_equal(gw_doc_status(NULL), GW_ENOMEM);
    gw_doc_free(d);
    gw_doc_free(NULL);
}

/* Labels and strings are copied: the caller's buffers may change. */
static void test_strings_copied(void **state)
{
    (void)state;
    gw_doc *d = gw_doc_new(ctx);
    char key[8] = "k", val[8] = "v";
    gw_doc_str(d, gw_doc_root(d), key, NULL, val);
    key[0] = 'z';
    val[0] = 'w';
    assert_string_equal(gw_doc_node_str(gw_doc_get(gw_doc_root(d), "k")), "v");
    gw_doc_str(d, gw_doc_root(d), "n", NULL, NULL); /* NULL string: "" */
    assert_string_equal(gw_doc_node_str(gw_doc_get(gw_doc_root(d), "n")), "");
    gw_doc_free(d);
}

/* Fault injection: an allocator that fails the Nth call. Every build either
 * fails gw_doc_new (NULL) or ends with status GW_ENOMEM and renderers that
 * return it without writing; the first N large enough succeeds fully. */
static int fail_at, n_allocs;

static void *failing_alloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    if (++n_allocs == fail_at)
        return NULL;
    return realloc(ptr, size);
}

static void test_sticky_enomem(void **state)
{
    (void)state;
    bool succeeded = false;
    int n_enomem = 0;
    for (fail_at = 1; fail_at < 500 && !succeeded; fail_at++) {
        gw_ctx *c = gw_ctx_new(failing_alloc, NULL);
        n_allocs = 0; /* count from here: the context itself may allocate */
        if (!c)
            continue;
        gw_doc *d = gw_doc_new(c);
        gw_doc_node *r = gw_doc_root(d);
        for (int i = 0; i < 200; i++) {
            char key[32];
            snprintf(key, sizeof key, "k%d_s", i);
            gw_doc_node *o = gw_doc_obj(d, r, key, "Section with a long label");
            gw_doc_num(d, o, "v_s", "Value", (double)i, "s");
            gw_doc_note(d, "note %d", i);
        }
        gw_status st = gw_doc_status(d);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        gw_status js = gw_report_json(d, f);
        fclose(f);
        if (st == GW_OK) {
            succeeded = true;
            assert_int_equal(js, GW_OK);
            assert_true(gw_doc_node_num(gw_doc_get(r, "k199_s.v_s")) == 199.0);
        } else {
            assert_int_equal(st, GW_ENOMEM);
            n_enomem++;
            assert_int_equal(js, GW_ENOMEM);
            assert_int_equal(len, 0); /* nothing partial written */
        }
        free(buf);
        gw_doc_free(d);
        gw_ctx_free(c);
    }
    assert_true(succeeded);
    assert_true(n_enomem > 0); /* the failures were exercised */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_paths),      cmocka_unit_test(test_replace_keeps_position),
        cmocka_unit_test(test_notes),          cmocka_unit_test(test_null_chaining),
        cmocka_unit_test(test_strings_copied), cmocka_unit_test(test_sticky_enomem),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
