/* SPDX-License-Identifier: MIT */
/*
 * test_core_error.c: status names and texts, the CLI exit-status rule, the
 * error record (gw__err, gw__err_loc, gw__err_clear) and its compiler-style
 * formatting, the bounded string helpers, and the context (allocator,
 * diagnostics, progress, threads).
 *
 * The formatted line is what the CLI prints after "gigawatt: ", so its
 * shape "path:line:col: where: msg" is checked verbatim, including the
 * shapes with parts missing.
 */
#include <gigawatt/gigawatt.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/core_internal.h"
#include "test_alloc.h"

static gw_error located(const char *path, int line, int col, const char *where, const char *msg)
{
    gw_error e;
    memset(&e, 0, sizeof e);
    e.code = GW_ERANGE;
    gw__strlcpy(e.path, path, sizeof e.path);
    e.line = line;
    e.column = col;
    gw__strlcpy(e.where, where, sizeof e.where);
    gw__strlcpy(e.msg, msg, sizeof e.msg);
    return e;
}

/* ---- Status codes --------------------------------------------------------- */

static void test_status_names(void **state)
{
    (void)state;
    /* The names are the enum spellings (stable, used in JSON). */
    static const char *const names[] = {
        "GW_OK",        "GW_ENOMEM",    "GW_EINVAL", "GW_EIO",       "GW_EPARSE",
        "GW_ESCHEMA",   "GW_EUNIT",     "GW_ERANGE", "GW_ENOTFOUND", "GW_EINFEASIBLE",
        "GW_ECANCELED", "GW_EINTERNAL", "GW_EUSAGE"};
    for (int s = 0; s <= GW_EUSAGE; s++) {
        assert_string_equal(gw_status_name((gw_status)s), names[s]);
        /* Every code has a non-empty description. */
        assert_true(gw_status_str((gw_status)s)[0] != '\0');
    }
    assert_string_equal(gw_status_str(GW_EPARSE), "input is not well-formed");
    assert_string_equal(gw_status_str(GW_ENOMEM), "out of memory");
    /* Unknown codes (from a newer library, say) still give a string. */
    assert_string_equal(gw_status_name((gw_status)999), "GW_E?");
    assert_string_equal(gw_status_str((gw_status)999), "unknown status");
}

static void test_exit_codes(void **state)
{
    (void)state;
    /* 2: the user can fix it (input or usage); 1: runtime failure; 0: OK. */
    assert_int_equal(gw_status_exit_code(GW_OK), 0);
    static const gw_status input[] = {GW_EPARSE,    GW_ESCHEMA, GW_EUNIT,      GW_ERANGE,
                                      GW_ENOTFOUND, GW_EUSAGE,  GW_EINFEASIBLE};
    for (size_t i = 0; i < sizeof input / sizeof input[0]; i++)
        assert_int_equal(gw_status_exit_code(input[i]), 2);
    static const gw_status runtime[] = {GW_EIO, GW_ENOMEM, GW_EINVAL, GW_ECANCELED, GW_EINTERNAL};
    for (size_t i = 0; i < sizeof runtime / sizeof runtime[0]; i++)
        assert_int_equal(gw_status_exit_code(runtime[i]), 1);
    assert_int_equal(gw_status_exit_code((gw_status)999), 1);
}

/* ---- Formatting ------------------------------------------------------------ */

static void test_format_shapes(void **state)
{
    (void)state;
    char buf[1024];
    gw_error e =
        located("s.yaml", 7, 9, "cluster.gpus", "must be between 1 and 100 million, got \"-3\"");
    assert_string_equal(gw_error_format(&e, buf, sizeof buf),
                        "s.yaml:7:9: cluster.gpus: must be between 1 and 100 million, got \"-3\"");
    /* Line without column. */
    e = located("s.yaml", 7, 0, "", "bad");
    assert_string_equal(gw_error_format(&e, buf, sizeof buf), "s.yaml:7: bad");
    /* File only (I/O errors). */
    e = located("no-such-file.yaml", 0, 0, "", "cannot open: No such file or directory");
    assert_string_equal(gw_error_format(&e, buf, sizeof buf),
                        "no-such-file.yaml: cannot open: No such file or directory");
    /* Key path only (--set overrides have no file position). */
    e = located("", 0, 0, "--set cluster.gpus", "must be between 1 and 100 million, got \"-1\"");
    assert_string_equal(gw_error_format(&e, buf, sizeof buf),
                        "--set cluster.gpus: must be between 1 and 100 million, got \"-1\"");
    /* Message only. */
    e = located("", 0, 0, "", "just the message");
    assert_string_equal(gw_error_format(&e, buf, sizeof buf), "just the message");
    /* No message: the status text stands in. */
    e = located("", 0, 0, "", "");
    e.code = GW_ENOMEM;
    assert_string_equal(gw_error_format(&e, buf, sizeof buf), "out of memory");
    /* NULL err gives an empty line. */
    assert_string_equal(gw_error_format(NULL, buf, sizeof buf), "");
}

static void test_format_truncates(void **state)
{
    (void)state;
    gw_error e = located("s.yaml", 7, 9, "cluster.gpus", "message");
    char buf[12];
    memset(buf, 'X', sizeof buf);
    /* "s.yaml:7:9: cluster.gpus: message" cut to 9 chars + NUL. */
    gw_error_format(&e, buf, 10);
    assert_string_equal(buf, "s.yaml:7:");
    assert_int_equal(buf[10], 'X');
    /* Every cut point gives a NUL-terminated prefix of the full line. */
    char full[128], part[128];
    gw_error_format(&e, full, sizeof full);
    for (size_t n = 1; n <= strlen(full) + 1; n++) {
        memset(part, 'X', sizeof part);
        gw_error_format(&e, part, n);
        assert_int_equal(strlen(part), n - 1);
        assert_memory_equal(part, full, n - 1);
    }
    buf[0] = 'Q';
    gw_error_format(&e, buf, 0); /* zero length: untouched */
    assert_int_equal(buf[0], 'Q');
}

/* A maximal record (every field full) formats without overflow. */
static void test_format_full_fields(void **state)
{
    (void)state;
    gw_error e;
    memset(&e, 'a', sizeof e);
    e.code = GW_EPARSE;
    e.path[sizeof e.path - 1] = '\0';
    e.where[sizeof e.where - 1] = '\0';
    e.msg[sizeof e.msg - 1] = '\0';
    e.line = 2147483647;
    e.column = 2147483647;
    char buf[1024];
    gw_error_format(&e, buf, sizeof buf);
    /* 255 + ":2147483647:2147483647: " (24) + 127 + ": " + 511 = 919 chars. */
    assert_int_equal(strlen(buf), 255 + 24 + 127 + 2 + 511);
}

/* ---- The error record --------------------------------------------------------- */

static void test_err_sets_code_and_msg(void **state)
{
    (void)state;
    gw_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(gw__err(&e, GW_EUNIT, "wrong unit \"%s\"", "GB"), GW_EUNIT);
    assert_int_equal(e.code, GW_EUNIT);
    assert_string_equal(e.msg, "wrong unit \"GB\"");
    /* err may be NULL: the code still comes back. */
    assert_int_equal(gw__err(NULL, GW_ERANGE, "x"), GW_ERANGE);
    /* Long messages are cut to the record's 511 characters. */
    char big[2000];
    memset(big, 'm', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    gw__err(&e, GW_EPARSE, "%s", big);
    assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
}

static void test_err_loc_keeps_precise_location(void **state)
{
    (void)state;
    gw_error e;
    memset(&e, 0, sizeof e);
    gw__err_loc(&e, "inner.yaml", 3, 5, "site.power");
    assert_string_equal(e.path, "inner.yaml");
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 5);
    assert_string_equal(e.where, "site.power");
    /* An outer layer adding context must not overwrite it (STYLE.md 3.3). */
    gw__err_loc(&e, "outer.yaml", 1, 1, "site");
    assert_string_equal(e.path, "inner.yaml");
    assert_int_equal(e.line, 3);
    assert_string_equal(e.where, "site.power");
    /* Without a line yet, a location is filled, but an existing where stays. */
    memset(&e, 0, sizeof e);
    gw__strlcpy(e.where, "--set", sizeof e.where);
    gw__err_loc(&e, "f.yaml", 0, 0, "other");
    assert_string_equal(e.path, "f.yaml");
    assert_string_equal(e.where, "--set");
    gw__err_loc(NULL, "x", 1, 1, "y"); /* NULL-safe */

    gw__err_clear(&e);
    assert_int_equal(e.code, GW_OK);
    assert_string_equal(e.path, "");
    assert_string_equal(e.msg, "");
    assert_int_equal(e.line, 0);
    gw__err_clear(NULL);
}

static void test_err_internal(void **state)
{
    (void)state;
    gw_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(gw__err_internal(&e, "loader.c", 42), GW_EINTERNAL);
    assert_string_equal(e.msg, "internal check failed at loader.c:42");
}

static void test_string_helpers(void **state)
{
    (void)state;
    char b[6];
    memset(b, 'X', sizeof b);
    gw__strlcpy(b, "abcdefgh", 4); /* keeps 3 chars + NUL */
    assert_string_equal(b, "abc");
    assert_int_equal(b[4], 'X');
    gw__strlcpy(b, NULL, sizeof b); /* NULL source copies "" */
    assert_string_equal(b, "");
    gw__strlcpy(NULL, "x", 4); /* NULL destination is a no-op */
    gw__snprintf(b, sizeof b, "%d-%s", 12, "345678");
    assert_string_equal(b, "12-34");
    b[0] = 'Q';
    gw__snprintf(b, 0, "%s", "zzz");
    assert_int_equal(b[0], 'Q');
}

/* ---- Context ------------------------------------------------------------------- */

typedef struct diag_rec {
    int n, level;
    char msg[600];
} diag_rec;

static void diag_cb(void *ud, int level, const char *msg)
{
    diag_rec *r = ud;
    r->n++;
    r->level = level;
    gw__strlcpy(r->msg, msg, sizeof r->msg);
}

static int progress_cb(void *ud, uint64_t done, uint64_t total)
{
    uint64_t *last = ud;
    *last = done * 1000u + total;
    return done >= 3; /* asks to cancel from the third unit on */
}

static void test_ctx_callbacks(void **state)
{
    (void)state;
    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    assert_non_null(ctx);
    /* No callback: diagnostics vanish, progress never cancels. */
    gw__diag(ctx, 1, "ignored %d", 1);
    assert_int_equal(gw__progress(ctx, 10, 10), 0);

    diag_rec r;
    memset(&r, 0, sizeof r);
    gw_ctx_set_diag(ctx, diag_cb, &r);
    gw__diag(ctx, 1, "value extrapolated beyond %s", "the table");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.level, 1);
    assert_string_equal(r.msg, "value extrapolated beyond the table");
    /* Messages longer than the 512-byte line buffer are cut, not overflowed. */
    char big[1000];
    memset(big, 'd', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    gw__diag(ctx, 0, "%s", big);
    assert_int_equal(strlen(r.msg), 511);

    uint64_t last = 0;
    gw_ctx_set_progress(ctx, progress_cb, &last);
    assert_int_equal(gw__progress(ctx, 2, 5), 0);
    assert_true(last == 2005);
    assert_int_not_equal(gw__progress(ctx, 3, 5), 0);

    gw_ctx_set_threads(ctx, 4);
    assert_int_equal(gw_ctx_threads(ctx), 4);
    gw_ctx_set_threads(ctx, -3); /* negative means "all cores" (0) */
    assert_int_equal(gw_ctx_threads(ctx), 0);
    assert_int_equal(gw_ctx_threads(NULL), 0);
    gw_ctx_set_diag(NULL, diag_cb, &r); /* NULL-safe setters */
    gw_ctx_set_progress(NULL, progress_cb, &last);
    gw_ctx_set_threads(NULL, 1);
    gw_ctx_free(ctx);
    gw_ctx_free(NULL);
}

static void test_ctx_allocator(void **state)
{
    (void)state;
    gw_test_alloc ta;
    gw_test_alloc_init(&ta);
    gw_ctx *ctx = gw_ctx_new(gw_test_alloc_fn, &ta);
    assert_non_null(ctx);
    assert_int_equal(ta.live_blocks, 1); /* the context itself */

    /* gw_calloc zeroes; gw_realloc keeps the contents. */
    unsigned char *p = gw_calloc(ctx, 10, 4);
    assert_non_null(p);
    for (int i = 0; i < 40; i++)
        assert_int_equal(p[i], 0);
    p[0] = 7;
    p = gw_realloc(ctx, p, 1000);
    assert_non_null(p);
    assert_int_equal(p[0], 7);
    assert_int_equal(ta.live_blocks, 2);
    assert_true(ta.live_bytes >= 1000);
    gw_free(ctx, p);
    gw_free(ctx, NULL); /* no-op */
    assert_int_equal(ta.live_blocks, 1);

    /* count * size overflowing size_t is refused before allocating. */
    unsigned long before = ta.n_allocs;
    assert_null(gw_calloc(ctx, SIZE_MAX / 2, 4));
    assert_int_equal(ta.n_allocs, before);
    /* A zero-byte request still gives a unique, freeable block. */
    void *z = gw_malloc(ctx, 0);
    assert_non_null(z);
    gw_free(ctx, z);
    /* A failing allocator gives NULL, and the library survives it. */
    gw_test_alloc_arm(&ta, 1, 0);
    assert_null(gw_malloc(ctx, 16));
    assert_int_equal(ta.n_failed, 1);
    gw_test_alloc_arm(&ta, 0, 0);
    /* NULL contexts allocate nothing. */
    assert_null(gw_malloc(NULL, 8));
    assert_null(gw_calloc(NULL, 1, 8));
    assert_null(gw_realloc(NULL, NULL, 8));
    gw_free(NULL, NULL);

    gw_ctx_free(ctx);
    assert_int_equal(ta.live_blocks, 0);
    assert_true(ta.live_bytes == 0);

    /* The context's own allocation failing gives NULL. */
    gw_test_alloc_arm(&ta, 1, 0);
    assert_null(gw_ctx_new(gw_test_alloc_fn, &ta));
    assert_int_equal(ta.live_blocks, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_format_shapes),
        cmocka_unit_test(test_format_truncates),
        cmocka_unit_test(test_format_full_fields),
        cmocka_unit_test(test_err_sets_code_and_msg),
        cmocka_unit_test(test_err_loc_keeps_precise_location),
        cmocka_unit_test(test_err_internal),
        cmocka_unit_test(test_string_helpers),
        cmocka_unit_test(test_ctx_callbacks),
        cmocka_unit_test(test_ctx_allocator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
