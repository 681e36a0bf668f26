/* SPDX-License-Identifier: MIT */
/*
 * test_core_yaml.c: the located YAML/JSON tree (gw__ydoc_parse) and the
 * typed binding helpers of ybind.c (gw__y_expect, _check_keys, _require,
 * _str, _num, _int, _bool, _loc).
 *
 * Positions are 1-based (line, column) of each node's first character,
 * counted by hand in the comments; messages are checked verbatim.
 */
#include <gigawatt/gigawatt.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static gw__ydoc *parse_ok(const char *text, const char *path)
{
    gw__ydoc *d = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw__ydoc_parse(ctx, text, strlen(text), path, &d, &err);
    if (rc != GW_OK) {
        char buf[1024];
        fail_msg("parse failed: %s", gw_error_format(&err, buf, sizeof buf));
    }
    assert_non_null(d);
    return d;
}

/* Parses text expecting failure; checks code and the formatted line. */
static void parse_fails(const char *text, size_t len, const char *path, gw_status want,
                        const char *line)
{
    gw__ydoc *d = (gw__ydoc *)(uintptr_t)1;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw__ydoc_parse(ctx, text, len, path, &d, &err);
    assert_int_equal(rc, want);
    assert_int_equal(err.code, want);
    assert_null(d);
    char buf[1024];
    assert_string_equal(gw_error_format(&err, buf, sizeof buf), line);
}

static void assert_pos(const gw__ynode *n, int line, int col)
{
    assert_non_null(n);
    if (n->line != line || n->column != col)
        fail_msg("node at %d:%d, expected %d:%d", n->line, n->column, line, col);
}

/* ---- The tree --------------------------------------------------------------- */

static void test_tree_and_positions(void **state)
{
    (void)state;
    /*        col 1234567890
     * line 1:    a: 1
     * line 2:    b:
     * line 3:      c: [x, "y"]
     */
    gw__ydoc *d = parse_ok("a: 1\nb:\n  c: [x, \"y\"]\n", "t.yaml");
    const gw__ynode *root = d->root;
    assert_int_equal(root->kind, GW_Y_MAP);
    assert_int_equal(root->n, 2);
    assert_string_equal(root->keys[0]->scalar, "a");
    assert_pos(root->keys[0], 1, 1);
    const gw__ynode *a = gw__ymap_get(root, "a");
    assert_string_equal(a->scalar, "1");
    assert_pos(a, 1, 4);
    assert_false(a->quoted);
    const gw__ynode *b = gw__ymap_get(root, "b");
    assert_int_equal(b->kind, GW_Y_MAP);
    assert_pos(b, 3, 3); /* a block mapping starts at its first key */
    const gw__ynode *c = gw__ymap_get(b, "c");
    assert_int_equal(c->kind, GW_Y_SEQ);
    assert_int_equal(c->n, 2);
    assert_pos(c, 3, 6);
    assert_pos(c->vals[0], 3, 7);
    /* A quoted scalar is located at its opening quote (column 10), not at
     * the text inside (libfyaml's mark, column 11). */
    assert_pos(c->vals[1], 3, 10);
    assert_string_equal(c->vals[1]->scalar, "y");
    assert_true(c->vals[1]->quoted); /* quoted scalars are never null/bool/number */
    assert_string_equal(d->path, "t.yaml");
    /* Lookups that do not apply give NULL. */
    assert_null(gw__ymap_get(root, "zz"));
    assert_null(gw__ymap_get(c, "x"));
    assert_null(gw__ymap_get(NULL, "a"));
    assert_null(gw__ymap_get(root, NULL));
    gw__ydoc_free(d);
    gw__ydoc_free(NULL);
}

static void test_many_items_grow(void **state)
{
    (void)state;
    /* 1000 keys and a 1000-item list exercise the doubling growth (8, 16, ...). */
    size_t cap = 20000, used = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int i = 0; i < 1000; i++)
        used += (size_t)snprintf(text + used, cap - used, "k%d: %d\n", i, i);
    used += (size_t)snprintf(text + used, cap - used, "list: [");
    for (int i = 0; i < 1000; i++)
        used += (size_t)snprintf(text + used, cap - used, "%s%d", i ? "," : "", i);
    snprintf(text + used, cap - used, "]\n");
    gw__ydoc *d = parse_ok(text, "big.yaml");
    assert_int_equal(d->root->n, 1001);
    assert_string_equal(gw__ymap_get(d->root, "k999")->scalar, "999");
    const gw__ynode *l = gw__ymap_get(d->root, "list");
    assert_int_equal(l->n, 1000);
    assert_string_equal(l->vals[537]->scalar, "537");
    gw__ydoc_free(d);
    free(text);
}

static void test_empty_and_json(void **state)
{
    (void)state;
    gw__ydoc *d = parse_ok("", "e.yaml");
    assert_null(d->root); /* an empty document has no root */
    gw__ydoc_free(d);
    d = parse_ok("# only a comment\n", "c.yaml");
    assert_null(d->root);
    gw__ydoc_free(d);
    /* JSON is YAML; a .json path forces JSON mode. */
    d = parse_ok("{\"a\": [1, 2], \"b\": null}", "x.json");
    assert_int_equal(gw__ymap_get(d->root, "a")->n, 2);
    gw__ydoc_free(d);
    /* NULL buffer with zero length is an empty input. */
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw__ydoc_parse(ctx, NULL, 0, NULL, &d, &err), GW_OK);
    assert_null(d->root);
    assert_string_equal(d->path, "");
    gw__ydoc_free(d);
}

/* ---- Rejected inputs ------------------------------------------------------------ */

static void test_rejects(void **state)
{
    (void)state;
    const char *dup = "a: 1\nb: 2\na: 3\n";
    parse_fails(dup, strlen(dup), "s.yaml", GW_EPARSE,
                "s.yaml:3:1: duplicate key \"a\" (first at line 1)");
    /* The alias *s is on line 3 after "cluster: ": the '*' is column 10. */
    const char *alias = "site: &s\n  power: 1 GW\ncluster: *s\n";
    parse_fails(alias, strlen(alias), "s.yaml", GW_EPARSE,
                "s.yaml:3:10: aliases (*name) are not supported: write the value out");
    const char *two = "a: 1\n---\nb: 2\n";
    parse_fails(two, strlen(two), "s.yaml", GW_EPARSE,
                "s.yaml:2:1: more than one YAML document in the file");
    const char *tab = "site:\n\tpower: 1 GW\n";
    parse_fails(tab, strlen(tab), "s.yaml", GW_EPARSE,
                "s.yaml:2:1: invalid YAML/JSON: tab character may not be used as indentation");
    const char *cplx = "? [a, b]\n: c\n";
    parse_fails(cplx, strlen(cplx), "s.yaml", GW_EPARSE,
                "s.yaml:1:3: mapping keys must be plain scalars");
    /* "\0" in a double-quoted scalar would cut strings short in C. The
     * scalar opens at column 7 (libfyaml's raw mark is 8, inside the quote;
     * either is accepted as long as the line is right). */
    const char *nul = "name: \"a\\0b\"\n";
    {
        gw__ydoc *d = NULL;
        gw_error err;
        memset(&err, 0, sizeof err);
        assert_int_equal(gw__ydoc_parse(ctx, nul, strlen(nul), "s.yaml", &d, &err), GW_EPARSE);
        assert_null(d);
        assert_string_equal(err.path, "s.yaml");
        assert_int_equal(err.line, 1);
        assert_true(err.column == 7 || err.column == 8);
        assert_string_equal(err.msg, "NUL character in a scalar");
    }
    const char *json_bad = "{\n  \"model_type\": \"llama\",\n  \"hidden_size\": 64,,\n}\n";
    parse_fails(json_bad, strlen(json_bad), "m.json", GW_EPARSE,
                "m.json:3:21: invalid YAML/JSON: JSON does not allow empty values in a mapping");
}

static void test_depth_limit(void **state)
{
    (void)state;
    /* GW_YAML_MAX_DEPTH (64) nested flow lists load; one more fails at the
     * 65th '[' (column 65). */
    char text[2 * (GW_YAML_MAX_DEPTH + 1) + 1];
    for (int depth = GW_YAML_MAX_DEPTH; depth <= GW_YAML_MAX_DEPTH + 1; depth++) {
        memset(text, '[', (size_t)depth);
        memset(text + depth, ']', (size_t)depth);
        text[2 * depth] = '\0';
        if (depth == GW_YAML_MAX_DEPTH) {
            gw__ydoc *d = parse_ok(text, "deep.yaml");
            gw__ydoc_free(d);
        } else {
            parse_fails(text, strlen(text), "deep.yaml", GW_ERANGE,
                        "deep.yaml:1:65: nesting too deep");
        }
    }
}

static void test_size_limit(void **state)
{
    (void)state;
    /* One byte over GW_YAML_MAX_BYTES is refused before parsing. */
    size_t n = (size_t)GW_YAML_MAX_BYTES + 1;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, ' ', n);
    parse_fails(big, n, "big.yaml", GW_ERANGE,
                "big.yaml: input too large (16777217 bytes, limit 16777216)");
    free(big);
}

static void test_bad_arguments_and_files(void **state)
{
    (void)state;
    gw__ydoc *d = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw__ydoc_parse(NULL, "a: 1", 4, "x", &d, &err), GW_EINVAL);
    assert_int_equal(gw__ydoc_parse(ctx, NULL, 4, "x", &d, &err), GW_EINVAL);
    assert_int_equal(gw__ydoc_parse(ctx, "a: 1", 4, "x", NULL, &err), GW_EINVAL);
    memset(&err, 0, sizeof err);
    assert_int_equal(gw__ydoc_load(ctx, "/nonexistent/dir/s.yaml", &d, &err), GW_EIO);
    char buf[512];
    assert_string_equal(gw_error_format(&err, buf, sizeof buf),
                        "/nonexistent/dir/s.yaml: cannot open: No such file or directory");
    /* A real file loads with its path in the tree. */
    d = NULL;
    assert_int_equal(gw__ydoc_load(ctx, GW_SOURCE_DIR "/scenarios/default.yaml", &d, &err), GW_OK);
    assert_non_null(gw__ymap_get(d->root, "cluster"));
    assert_string_equal(d->path, GW_SOURCE_DIR "/scenarios/default.yaml");
    gw__ydoc_free(d);
}

/* ---- Typed binding (ybind.c) ----------------------------------------------------- */

/*        col 123456789012345
 * line 1:    s: hello
 * line 2:    q: "true"     (located at the quote, column 4)
 * line 3:    n:
 * line 4:    m: {x: 1}
 * line 5:    l: [1]
 * line 6:    p: 100 MW
 * line 7:    i: 1.5
 * line 8:    z: 0
 * line 9:    b: True
 * line 10:   neg: -3 W
 */
static const char *bind_yaml = "s: hello\nq: \"true\"\nn:\nm: {x: 1}\nl: [1]\np: 100 MW\n"
                               "i: 1.5\nz: 0\nb: True\nneg: -3 W\n";

static void expect_err(gw_status rc, gw_status want, const gw_error *err, const char *line)
{
    assert_int_equal(rc, want);
    assert_int_equal(err->code, want);
    char buf[1024];
    assert_string_equal(gw_error_format(err, buf, sizeof buf), line);
}

static void test_bind_kinds(void **state)
{
    (void)state;
    gw__ydoc *d = parse_ok(bind_yaml, "b.yaml");
    const gw__ynode *r = d->root;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw__y_expect(d, gw__ymap_get(r, "m"), GW_Y_MAP, "m", &err), GW_OK);
    expect_err(gw__y_expect(d, gw__ymap_get(r, "s"), GW_Y_MAP, "s", &err), GW_ESCHEMA, &err,
               "b.yaml:1:4: s: expected a mapping (key: value pairs), got a scalar value");
    memset(&err, 0, sizeof err);
    expect_err(gw__y_expect(d, gw__ymap_get(r, "l"), GW_Y_SCALAR, "l", &err), GW_ESCHEMA, &err,
               "b.yaml:5:4: l: expected a scalar value, got a list");
    const char *s = NULL;
    assert_int_equal(gw__y_str(d, gw__ymap_get(r, "s"), "s", &s, &err), GW_OK);
    assert_string_equal(s, "hello");
    gw__ydoc_free(d);
}

/* An empty value ("n:" with nothing after it) is "nothing", and the error
 * must still carry a line and column (STYLE.md 3: every input error is
 * located). libfyaml gives no start mark for the empty scalar, so the
 * position is that of the key's line: line 3 (regression: the message once
 * had no position, "b.yaml: n: expected ..."). */
static void test_bind_empty_value_located(void **state)
{
    (void)state;
    gw__ydoc *d = parse_ok(bind_yaml, "b.yaml");
    const gw__ynode *n = gw__ymap_get(d->root, "n");
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw__y_expect(d, n, GW_Y_SCALAR, "n", &err);
    assert_int_equal(rc, GW_ESCHEMA);
    assert_string_equal(err.msg, "expected a scalar value, got nothing");
    assert_string_equal(err.where, "n");
    assert_int_equal(err.line, 3);
    assert_true(err.column >= 1);
    const char *s = NULL;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw__y_str(d, n, "n", &s, &err), GW_ESCHEMA);
    assert_string_equal(err.msg, "expected a string, got nothing");
    assert_int_equal(err.line, 3);
    gw__ydoc_free(d);
}

static void test_bind_keys(void **state)
{
    (void)state;
    gw__ydoc *d = parse_ok(bind_yaml, "b.yaml");
    const gw__ynode *r = d->root;
    gw_error err;
    memset(&err, 0, sizeof err);
    static const char *const all[] = {"s", "q", "n", "m", "l", "p", "i", "z", "b", "neg", NULL};
    assert_int_equal(gw__y_check_keys(d, r, all, "", &err), GW_OK);
    /* The unknown key is located at the key itself, its path after "where". */
    static const char *const some[] = {"s", "q", NULL};
    expect_err(gw__y_check_keys(d, r, some, "sec", &err), GW_ESCHEMA, &err,
               "b.yaml:3:1: sec.n: unknown key \"n\" (expected one of: s, q)");
    memset(&err, 0, sizeof err);
    expect_err(gw__y_check_keys(d, r, some, "", &err), GW_ESCHEMA, &err,
               "b.yaml:3:1: n: unknown key \"n\" (expected one of: s, q)");
    gw__ynode *out = NULL;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw__y_require(d, r, "p", "", &out, &err), GW_OK);
    assert_string_equal(out->scalar, "100 MW");
    /* A missing key is located at the mapping that lacks it. */
    expect_err(gw__y_require(d, gw__ymap_get(r, "m"), "y", "m", &out, &err), GW_ESCHEMA, &err,
               "b.yaml:4:4: m: missing required key \"y\"");
    gw__ydoc_free(d);
}

static void test_bind_numbers(void **state)
{
    (void)state;
    gw__ydoc *d = parse_ok(bind_yaml, "b.yaml");
    const gw__ynode *r = d->root;
    const gw__ynode *p = gw__ymap_get(r, "p"), *neg = gw__ymap_get(r, "neg");
    gw_error err;
    memset(&err, 0, sizeof err);
    double v = 0;
    assert_int_equal(gw__y_num(d, p, "p", GW_DIM_POWER, 0, 1e13, &v, &err), GW_OK);
    assert_true(v == 1e8);
    /* The four range messages: [0, max] with a negative value ... */
    expect_err(gw__y_num(d, neg, "neg", GW_DIM_POWER, 0, 1e13, &v, &err), GW_ERANGE, &err,
               "b.yaml:10:6: neg: must not be negative, got \"-3 W\"");
    /* ... [1 W, inf) below its minimum (it used to say "must be positive",
     * which 0.5 W is, yet it is rejected) ... */
    memset(&err, 0, sizeof err);
    expect_err(gw__y_num(d, neg, "neg", GW_DIM_POWER, 1, 1.0 / 0.0, &v, &err), GW_ERANGE, &err,
               "b.yaml:10:6: neg: must be at least 1 W, got \"-3 W\"");
    /* ... [min, inf) above zero; 200 MW formats as "200 MW" ... */
    memset(&err, 0, sizeof err);
    expect_err(gw__y_num(d, p, "p", GW_DIM_POWER, 2e8, 1.0 / 0.0, &v, &err), GW_ERANGE, &err,
               "b.yaml:6:4: p: must be at least 200 MW, got \"100 MW\"");
    /* ... and [min, max] with both bounds formatted in SI prefixes. */
    memset(&err, 0, sizeof err);
    expect_err(gw__y_num(d, p, "p", GW_DIM_POWER, 1, 1e6, &v, &err), GW_ERANGE, &err,
               "b.yaml:6:4: p: must be between 1 W and 1 MW inclusive, got \"100 MW\"");
    /* Unit errors get the node's location added. */
    memset(&err, 0, sizeof err);
    expect_err(gw__y_num(d, p, "p", GW_DIM_TIME, 0, 1e13, &v, &err), GW_EUNIT, &err,
               "b.yaml:6:4: p: wrong unit \"MW\": expected a time such as \"30 s\", \"2 h\" or "
               "\"54 days\"");

    long long i = 0;
    memset(&err, 0, sizeof err);
    expect_err(gw__y_int(d, gw__ymap_get(r, "i"), "i", 1, 10, &i, &err), GW_ESCHEMA, &err,
               "b.yaml:7:4: i: expected an integer, got \"1.5\"");
    memset(&err, 0, sizeof err);
    expect_err(gw__y_int(d, gw__ymap_get(r, "z"), "z", 1, 10, &i, &err), GW_ERANGE, &err,
               "b.yaml:8:4: z: expected a positive integer, got \"0\"");
    memset(&err, 0, sizeof err);
    expect_err(gw__y_int(d, gw__ymap_get(r, "z"), "z", 2, 10, &i, &err), GW_ERANGE, &err,
               "b.yaml:8:4: z: expected an integer between 2 and 10 inclusive, got \"0\"");
    assert_int_equal(gw__y_int(d, gw__ymap_get(r, "z"), "z", 0, 10, &i, &err), GW_OK);
    assert_int_equal(i, 0);
    gw__ydoc_free(d);
}

static void test_bind_bool(void **state)
{
    (void)state;
    gw__ydoc *d = parse_ok(bind_yaml, "b.yaml");
    const gw__ynode *r = d->root;
    gw_error err;
    memset(&err, 0, sizeof err);
    bool b = false;
    assert_int_equal(gw__y_bool(d, gw__ymap_get(r, "b"), "b", &b, &err), GW_OK);
    assert_true(b);
    /* A quoted "true" is a string, not a boolean. */
    expect_err(gw__y_bool(d, gw__ymap_get(r, "q"), "q", &b, &err), GW_ESCHEMA, &err,
               "b.yaml:2:4: q: expected true or false, got \"true\"");
    memset(&err, 0, sizeof err);
    expect_err(gw__y_bool(d, gw__ymap_get(r, "s"), "s", &b, &err), GW_ESCHEMA, &err,
               "b.yaml:1:4: s: expected true or false, got \"hello\"");
    gw__ydoc_free(d);
}

/* Nodes made by --set overrides carry line -1: errors point at "--set key". */
/* Duplicate keys are found through a hash set: three mappings of 99,999
 * keys each (just under the 100,000-key limit of one mapping) load in linear
 * time. The old scan compared each key with every earlier one, about
 * 3 x 99,999^2 / 2 = 1.5e10 string comparisons, 106 s on the reference
 * machine; the set does about 3e5 probes. The bound is loose (20 s of CPU,
 * so sanitizer builds pass) yet two orders of magnitude under the quadratic
 * cost, so it still catches a regression. Equal keys in different mappings
 * are not duplicates; a repeated key at the very end still is. */
static void test_many_keys_linear(void **state)
{
    (void)state;
    const size_t n_keys = 99999, n_maps = 3;
    size_t cap = n_maps * (n_keys * 16 + 8) + 64, used = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (size_t m = 0; m < n_maps; m++) {
        used += (size_t)snprintf(text + used, cap - used, "m%zu:\n", m);
        for (size_t i = 0; i < n_keys; i++)
            used += (size_t)snprintf(text + used, cap - used, "  k%zu: %zu\n", i, i);
    }
    clock_t t0 = clock();
    gw__ydoc *d = parse_ok(text, "big.yaml");
    double cpu_s = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_int_equal(d->root->n, n_maps);
    for (size_t m = 0; m < n_maps; m++)
        assert_int_equal(d->root->vals[m]->n, n_keys);
    assert_string_equal(gw__ymap_get(d->root->vals[2], "k99998")->scalar, "99998");
    gw__ydoc_free(d);
    assert_true(cpu_s < 20.0);

    /* The same text with one more key repeating the first one of m2. */
    used += (size_t)snprintf(text + used, cap - used, "  k0: again\n");
    char want[96];
    snprintf(want, sizeof want, "big.yaml:%zu:3: duplicate key \"k0\" (first at line %zu)",
             n_maps * (n_keys + 1) + 1, 2 * (n_keys + 1) + 2);
    parse_fails(text, used, "big.yaml", GW_EPARSE, want);
    free(text);
}

static void test_loc_override_node(void **state)
{
    (void)state;
    gw__ynode n;
    memset(&n, 0, sizeof n);
    n.kind = GW_Y_SCALAR;
    n.line = -1;
    n.column = -1;
    n.scalar = "5";
    gw_error err;
    memset(&err, 0, sizeof err);
    gw__strlcpy(err.path, "stale.yaml", sizeof err.path);
    double v;
    expect_err(gw__y_num(NULL, &n, "site.power", GW_DIM_POWER, 0, 1e13, &v, &err), GW_EUNIT, &err,
               "--set site.power: missing unit: expected a power such as \"700 W\" or \"1 GW\", "
               "got \"5\"");
    assert_string_equal(err.path, "");
    assert_int_equal(err.line, 0);
    gw__y_loc(NULL, &n, "x", NULL); /* NULL err is fine */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_and_positions),
        cmocka_unit_test(test_many_items_grow),
        cmocka_unit_test(test_empty_and_json),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_bad_arguments_and_files),
        cmocka_unit_test(test_bind_kinds),
        cmocka_unit_test(test_bind_empty_value_located),
        cmocka_unit_test(test_bind_keys),
        cmocka_unit_test(test_bind_numbers),
        cmocka_unit_test(test_bind_bool),
        cmocka_unit_test(test_loc_override_node),
        cmocka_unit_test(test_many_keys_linear),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
