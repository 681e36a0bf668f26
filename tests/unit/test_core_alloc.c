/* SPDX-License-Identifier: MIT */
/*
 * test_core_alloc.c: fault injection through the allocator (curl's torture
 * mode, SQLite's malloc tests) and the arena.
 *
 * For each operation, the test allocator fails the 1st, 2nd, 3rd ...
 * allocation in turn until the operation succeeds without a failure. Every
 * failing run must return GW_ENOMEM with a message, leave *out NULL, and,
 * once the context is freed, leave no block allocated (the allocator counts
 * live blocks). A second pass fails every allocation from the Nth on, so
 * that cleanup paths which themselves allocate are exercised too.
 *
 * libfyaml's own parser state uses the C allocator, not the context's, so
 * its allocations are not injected here (ASan/LSan cover its leaks).
 */
#define _POSIX_C_SOURCE 200809L /* unsetenv */

#include <gigawatt/gigawatt.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core_internal.h"
#include "test_alloc.h"

/* Guards against an operation that never stops allocating. */
#define MAX_ALLOCS 200000ul

typedef gw_status (*op_fn)(gw_ctx *ctx, void *arg, gw_error *err);

/* Runs op with the Nth allocation failing, N = 1, 2, ... until op succeeds
 * with no allocation refused. Returns the number of allocations op makes. */
static unsigned long torture(const char *name, op_fn op, void *arg, int fail_all_after)
{
    unsigned long n;
    for (n = 1; n < MAX_ALLOCS; n++) {
        gw_test_alloc ta;
        gw_test_alloc_init(&ta);
        gw_ctx *ctx = gw_ctx_new(gw_test_alloc_fn, &ta);
        assert_non_null(ctx);
        gw_test_alloc_arm(&ta, n, fail_all_after);
        gw_error err;
        memset(&err, 0, sizeof err);
        gw_status rc = op(ctx, arg, &err);
        unsigned long failed = ta.n_failed, made = ta.n_allocs;
        gw_test_alloc_arm(&ta, 0, 0);
        gw_ctx_free(ctx);
        if (ta.live_blocks != 0 || ta.live_bytes != 0)
            fail_msg("%s: failing allocation %lu leaked %ld blocks (%zu bytes)", name, n,
                     ta.live_blocks, ta.live_bytes);
        if (failed == 0) {
            /* Nothing was refused: the operation must have succeeded. */
            if (rc != GW_OK)
                fail_msg("%s: failed with %s (%s) with no allocation refused", name,
                         gw_status_name(rc), err.msg);
            return made;
        }
        if (rc != GW_ENOMEM || err.code != GW_ENOMEM || !err.msg[0])
            fail_msg("%s: failing allocation %lu of %lu gave %s (\"%s\"), expected GW_ENOMEM", name,
                     n, made, gw_status_name(rc), err.msg);
    }
    fail_msg("%s: still allocating after %lu allocations", name, n);
    return n;
}

/* ---- Operations under test --------------------------------------------------- */

static gw_status op_catalog(gw_ctx *ctx, void *arg, gw_error *err)
{
    (void)arg;
    gw_catalog *c = (gw_catalog *)(uintptr_t)1;
    gw_status rc = gw_catalog_load(ctx, NULL, &c, err);
    if (rc == GW_OK) {
        gw_catalog_free(c);
    } else if (c != NULL) {
        fail_msg("gw_catalog_load left *out set on failure");
    }
    return rc;
}

static gw_status op_scenario(gw_ctx *ctx, void *arg, gw_error *err)
{
    const char *const *sets = arg;
    size_t n = 0;
    while (sets && sets[n])
        n++;
    gw_scenario *sc = (gw_scenario *)(uintptr_t)1;
    gw_status rc = gw_scenario_load(ctx, NULL, sets, n, &sc, err);
    if (rc == GW_OK)
        gw_scenario_free(sc);
    else if (sc != NULL)
        fail_msg("gw_scenario_load left *out set on failure");
    return rc;
}

/* Default scenario resolved against a catalog: both loads under injection. */
static gw_status op_scenario_resolve(gw_ctx *ctx, void *arg, gw_error *err)
{
    gw_catalog *c = NULL;
    gw_status rc = gw_catalog_load(ctx, NULL, &c, err);
    if (rc != GW_OK)
        return rc;
    gw_scenario *sc = NULL;
    rc = gw_scenario_load(ctx, NULL, NULL, 0, &sc, err);
    if (rc == GW_OK) {
        const gw_accel *a;
        const gw_system *s;
        const gw_model *m;
        rc = gw_scenario_resolve(ctx, sc, c, &a, &s, &m, err);
        gw_scenario_free(sc);
    }
    (void)arg;
    gw_catalog_free(c);
    return rc;
}

static gw_status op_hf(gw_ctx *ctx, void *arg, gw_error *err)
{
    const char *json = arg;
    gw_model *m = (gw_model *)(uintptr_t)1;
    gw_status rc =
        gw_catalog_model_from_hf_buffer(ctx, json, strlen(json), "m.json", NULL, &m, err);
    if (rc == GW_OK)
        gw_model_free(ctx, m);
    else if (m != NULL)
        fail_msg("gw_catalog_model_from_hf_buffer left *out set on failure");
    return rc;
}

static gw_status op_ydoc(gw_ctx *ctx, void *arg, gw_error *err)
{
    const char *y = arg;
    gw__ydoc *d = NULL;
    gw_status rc = gw__ydoc_parse(ctx, y, strlen(y), "t.yaml", &d, err);
    gw__ydoc_free(d);
    return rc;
}

/* ---- Tests --------------------------------------------------------------------- */

static void test_torture_catalog(void **state)
{
    (void)state;
    unsigned long n = torture("gw_catalog_load", op_catalog, NULL, 0);
    /* Reading ~10 files and ~40 model configs takes well over 100 blocks. */
    assert_true(n > 100);
    torture("gw_catalog_load (all after N fail)", op_catalog, NULL, 1);
}

static void test_torture_default_scenario(void **state)
{
    (void)state;
    assert_true(torture("gw_scenario_load(default)", op_scenario, NULL, 0) > 1);
    torture("gw_scenario_load(default, all after N fail)", op_scenario, NULL, 1);
}

static void test_torture_overrides(void **state)
{
    (void)state;
    /* Overrides allocate nodes: a replaced value, a new key in an existing
     * section, and a new section. */
    static const char *const sets[] = {"cluster.gpus=2048", "site.pue=1.3", "reliability.spares=5%",
                                       NULL};
    torture("gw_scenario_load(default, --set)", op_scenario, (void *)(uintptr_t)sets, 0);
    torture("gw_scenario_load(default, --set, all after N fail)", op_scenario,
            (void *)(uintptr_t)sets, 1);
}

static void test_torture_resolve(void **state)
{
    (void)state;
    torture("catalog + scenario + resolve", op_scenario_resolve, NULL, 0);
}

static void test_torture_hf(void **state)
{
    (void)state;
    static const char json[] =
        "{\"model_type\": \"deepseek_v3\", \"hidden_size\": 64, \"num_hidden_layers\": 3,"
        " \"num_attention_heads\": 4, \"intermediate_size\": 128, \"vocab_size\": 100,"
        " \"q_lora_rank\": 16, \"kv_lora_rank\": 8, \"qk_nope_head_dim\": 8,"
        " \"qk_rope_head_dim\": 4, \"v_head_dim\": 8, \"n_routed_experts\": 8,"
        " \"num_experts_per_tok\": 2, \"moe_intermediate_size\": 32, \"n_shared_experts\": 1,"
        " \"first_k_dense_replace\": 1}";
    torture("gw_catalog_model_from_hf_buffer", op_hf, (void *)(uintptr_t)json, 0);
}

static void test_torture_ydoc(void **state)
{
    (void)state;
    /* Enough nodes to grow lists and maps past their first capacity (8). */
    static char y[8192];
    size_t used = 0;
    for (int i = 0; i < 40; i++)
        used +=
            (size_t)snprintf(y + used, sizeof y - used, "k%d: [a, b, c, d, e, f, g, h, i, j]\n", i);
    torture("gw__ydoc_parse", op_ydoc, y, 0);
}

/* ---- Arena ----------------------------------------------------------------------- */

static void test_arena(void **state)
{
    (void)state;
    gw_test_alloc ta;
    gw_test_alloc_init(&ta);
    gw_ctx *ctx = gw_ctx_new(gw_test_alloc_fn, &ta);
    gw__arena *a = gw__arena_new(ctx);
    assert_non_null(a);
    assert_ptr_equal(gw__arena_ctx(a), ctx);
    /* Every block is 16-byte aligned and zeroed, whatever the request. */
    for (size_t n = 0; n < 300; n += 7) {
        unsigned char *p = gw__arena_alloc(a, n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16u, 0);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(p[i], 0);
        memset(p, 0xAB, n);
    }
    /* A request larger than any chunk gets its own. */
    unsigned char *big = gw__arena_alloc(a, 1u << 20);
    assert_non_null(big);
    memset(big, 1, 1u << 20);
    /* Strings. */
    assert_string_equal(gw__arena_strdup(a, "hello"), "hello");
    assert_string_equal(gw__arena_strdup(a, NULL), "");
    assert_string_equal(gw__arena_strndup(a, "abcdef", 3), "abc");
    assert_string_equal(gw__arena_printf(a, "%s-%d", "gpu", 72), "gpu-72");
    /* Absurd sizes are refused, not wrapped around. */
    assert_null(gw__arena_alloc(a, SIZE_MAX));
    assert_null(gw__arena_alloc(a, SIZE_MAX / 2 + 1));
    assert_null(gw__arena_alloc(NULL, 8));
    /* A refused chunk gives NULL and the arena stays usable. */
    gw_test_alloc_arm(&ta, 1, 0);
    assert_null(gw__arena_alloc(a, 1u << 21));
    gw_test_alloc_arm(&ta, 0, 0);
    assert_non_null(gw__arena_alloc(a, 16));
    gw__arena_free(a);
    gw__arena_free(NULL);
    assert_int_equal(ta.live_blocks, 1); /* only the context is left */
    gw_ctx_free(ctx);
    assert_int_equal(ta.live_blocks, 0);
}

/* The test allocator itself: counts, failure arming, realloc keeping data. */
static void test_test_allocator(void **state)
{
    (void)state;
    gw_test_alloc ta;
    gw_test_alloc_init(&ta);
    void *p = gw_test_alloc_fn(&ta, NULL, 10);
    assert_non_null(p);
    assert_int_equal(ta.live_blocks, 1);
    assert_true(ta.live_bytes == 10);
    memcpy(p, "123456789", 10);
    gw_test_alloc_arm(&ta, 1, 0);
    /* A refused realloc keeps the old block valid and counted. */
    assert_null(gw_test_alloc_fn(&ta, p, 100));
    assert_string_equal(p, "123456789");
    assert_true(ta.live_bytes == 10);
    p = gw_test_alloc_fn(&ta, p, 100); /* the 2nd allocation succeeds */
    assert_non_null(p);
    assert_string_equal(p, "123456789");
    assert_true(ta.live_bytes == 100 && ta.peak_bytes == 100);
    assert_int_equal(ta.n_allocs, 2);
    assert_int_equal(ta.n_failed, 1);
    assert_null(gw_test_alloc_fn(&ta, p, 0));
    assert_int_equal(ta.live_blocks, 0);
    assert_true(ta.live_bytes == 0);
}

int main(void)
{
    unsetenv("GIGAWATT_DATA");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_test_allocator),
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_torture_ydoc),
        cmocka_unit_test(test_torture_hf),
        cmocka_unit_test(test_torture_default_scenario),
        cmocka_unit_test(test_torture_overrides),
        cmocka_unit_test(test_torture_catalog),
        cmocka_unit_test(test_torture_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
