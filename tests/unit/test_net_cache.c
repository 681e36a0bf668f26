/* SPDX-License-Identifier: MIT */
/*
 * test_net_cache.c: the search's table of per-group terms in the net
 * module's collective model (src/net/comm.c, nc_lookup) gives the same
 * bits as the formulas evaluated on every call (gw__net_comm_uncached).
 *
 *   1. Random fabrics (tiers, oversubscription, failed links, planes and
 *      named switches, buildings and sites, NVLS and SHARP), random jobs,
 *      random groups drawn from a pool larger than the table (so lookups
 *      hit, fill and overflow), random link figures and sizes: every
 *      collective of the model, bit for bit.
 *   2. The same from four threads at once on one model (the search's
 *      OpenMP threads share it): every answer bit for bit.
 * Seeds are fixed; a failure prints the case.
 */
#define _POSIX_C_SOURCE 200809L
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */

#include "net/net_internal.h"

/* xorshift64*: reproducible, no libc rand. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

static int pick(uint64_t *s, int n)
{
    return (int)(rng_next(s) % (uint64_t)n);
}

static double unif(uint64_t *s)
{
    return (double)(rng_next(s) >> 11) / 9007199254740992.0;
}

/* A random fabric; false when it does not build (that draw is skipped). */
static bool random_topo(uint64_t *s, gw_net_topo *t, double *job)
{
    static const int gpn_dom[][2] = {{8, 8}, {4, 72}, {4, 4}, {8, 64}, {4, 144}, {8, 576}};
    static const double gpus[] = {1024, 4096, 16384, 65536, 1048576, 9216, 73728};
    static const int radix[] = {32, 64, 128, 256};
    static const double over[] = {1.0, 1.0, 2.0, 3.0, 4.0};
    static const double down[] = {0.0, 0.0, 0.01, 0.1};
    gw_net_fabric f;
    memset(&f, 0, sizeof f);
    int k = pick(s, 6);
    f.gpus_per_node = gpn_dom[k][0];
    f.scaleup_domain = gpn_dom[k][1];
    f.gpus = gpus[pick(s, 7)];
    f.radix = radix[pick(s, 4)];
    f.scaleup_Bps = 200e9 + 800e9 * unif(s);
    f.nic_Bps = 25e9 + 75e9 * unif(s);
    f.planes = 1 << pick(s, 4);
    f.nics_per_gpu = f.planes;
    f.planes_down = pick(s, 3) == 0 ? pick(s, f.planes) : 0;
    for (int i = 0; i < GW_NET_MAX_TIERS; i++) {
        f.oversub[i] = over[pick(s, 5)];
        f.down_frac[i] = down[pick(s, 4)];
    }
    f.nic_latency_s = 2e-6 + 5e-6 * unif(s);
    f.switch_latency_s = 1e-6 * unif(s);
    f.scaleup_latency_s = 1e-6 + 9e-6 * unif(s);
    f.scaleup_eff = 0.6 + 0.4 * unif(s);
    f.scaleout_eff = 0.6 + 0.4 * unif(s);
    f.pxn = pick(s, 2) == 0;
    f.buildings = 1 << pick(s, 3);
    f.building_Bps = 1e12 * (0.5 + 50 * unif(s));
    f.building_latency_s = 1e-5;
    f.sites = f.buildings > 1 && pick(s, 2) == 0 ? 2 : 1;
    f.site_Bps = f.sites > 1 ? 1e12 * (0.5 + 5 * unif(s)) : 0.0;
    f.site_latency_s = f.sites > 1 ? 1e-3 : 0.0;
    f.nvls_eff = pick(s, 2) == 0 ? 0.5 + 0.5 * unif(s) : 0.0;
    f.nvls_latency_s = 1e-5 + 3e-5 * unif(s);
    f.sharp_eff = pick(s, 2) == 0 ? 0.5 + 0.5 * unif(s) : 0.0;
    if (pick(s, 3) == 0) {
        f.n_failed = 1;
        f.failed_tier[0] = pick(s, 2);
        f.failed_index[0] = pick(s, 8);
    }
    gw_error err;
    memset(&err, 0, sizeof err);
    if (gw_net_topo_build(&f, t, &err) != GW_OK)
        return false;
    static const double share[] = {1.0, 0.5, 0.25, 0.75};
    *job = f.gpus * share[pick(s, 4)];
    return true;
}

/* A random group: sizes, domain members and strides as the search forms
 * them (powers of two, the domain's divisors) and some arbitrary ones. */
static gw_train_group random_group(uint64_t *s, int dom, double job)
{
    gw_train_group g;
    g.kind = pick(s, 6);
    g.n = pick(s, 4) == 0 ? 1 + pick(s, 3000) : 1 << pick(s, 13);
    switch (pick(s, 4)) {
    case 0:
        g.n_local = 0;
        break;
    case 1:
        g.n_local = 1;
        break;
    case 2:
        g.n_local = g.n < dom ? g.n : dom;
        break;
    default:
        g.n_local = 1 + pick(s, g.n);
        break;
    }
    int maxs = (int)fmax(1.0, job / g.n);
    g.stride = pick(s, 5) == 0   ? pick(s, 3)
               : pick(s, 2) == 0 ? 1 << pick(s, 14)
                                 : 1 + pick(s, maxs);
    return g;
}

static gw_train_topo random_tt(uint64_t *s, const gw_net_topo *t)
{
    gw_train_topo tt;
    memset(&tt, 0, sizeof tt);
    tt.scaleup_Bps = t->f.scaleup_Bps * (0.5 + unif(s));
    tt.scaleout_Bps = t->f.nic_Bps * t->f.nics_per_gpu * (0.5 + unif(s));
    tt.scaleup_eff = 0.5 + 0.5 * unif(s);
    tt.scaleout_eff = 0.5 + 0.5 * unif(s);
    tt.scaleup_latency_s = pick(s, 2) == 0 ? t->f.scaleup_latency_s : 5e-5 * unif(s);
    tt.scaleout_latency_s = 1e-6 + 2e-5 * unif(s);
    tt.scaleup_domain = t->f.scaleup_domain;
    return tt;
}

static double random_bytes(uint64_t *s)
{
    int k = pick(s, 20);
    if (k == 0)
        return 0.0;
    if (k == 1)
        return -1.0;
    return pow(10.0, 10.0 * unif(s));
}

/* Every collective of the model: out[0..7]. */
static void all_colls(const gw_train_comm_model *m, const gw_train_topo *tt, gw_train_group g,
                      double b, double out[8])
{
    out[0] = m->allreduce_s(m->ud, tt, g, b);
    out[1] = m->allgather_s(m->ud, tt, g, b);
    out[2] = m->reducescatter_s(m->ud, tt, g, b);
    out[3] = m->alltoall_s(m->ud, tt, g, b);
    out[4] = m->p2p_s(m->ud, tt, true, b);
    out[5] = m->p2p_s(m->ud, tt, false, b);
    out[6] = m->sendrecv_s(m->ud, tt, g, true, b);
    out[7] = m->sendrecv_s(m->ud, tt, g, false, b);
}

enum { POOL = 1500, CALLS = 3000, TOPOS = 300 };

static size_t compare(const gw_train_comm_model *mc, const gw_train_comm_model *mu,
                      const gw_train_topo *tt, gw_train_group g, double b, int topo)
{
    double c[8], u[8];
    all_colls(mc, tt, g, b, c);
    all_colls(mu, tt, g, b, u);
    for (int k = 0; k < 8; k++) {
        if (memcmp(&c[k], &u[k], sizeof c[k]) != 0) {
            fprintf(stderr,
                    "topology %d, collective %d, group n %d n_local %d stride %d, %.17g B: "
                    "cached %.17g, formula %.17g\n",
                    topo, k, g.n, g.n_local, g.stride, b, c[k], u[k]);
            fail();
        }
    }
    return 8;
}

static void cached_equals_formula(void **state)
{
    gw_ctx *ctx = *state;
    uint64_t s = 0x9E3779B97F4A7C15ULL;
    static gw_train_group pool[POOL];
    size_t calls = 0;
    int built = 0, innet = 0, slowed = 0;
    for (int i = 0; i < TOPOS; i++) {
        gw_net_topo t;
        double job;
        if (!random_topo(&s, &t, &job))
            continue;
        built++;
        innet += t.f.nvls_eff > 0.0 || t.f.sharp_eff > 0.0;
        gw_net_comm *cached = NULL, *ref = NULL;
        gw_error err;
        memset(&err, 0, sizeof err);
        assert_int_equal(gw_net_comm_new(ctx, &t, job, &cached, &err), GW_OK);
        assert_int_equal(gw_net_comm_new(ctx, &t, job, &ref, &err), GW_OK);
        gw__net_comm_uncached(ref);
        const gw_train_comm_model *mc = gw_net_comm_model(cached), *mu = gw_net_comm_model(ref);
        for (int k = 0; k < POOL; k++)
            pool[k] = random_group(&s, t.f.scaleup_domain, job);
        gw_train_topo tt = random_tt(&s, &t);
        const gw_train_comm_model *ab = gw_train_comm_alphabeta();
        for (int k = 0; k < CALLS; k++) {
            if (k % 500 == 0)
                tt = random_tt(&s, &t);
            /* A small working set first (hits), then the whole pool
             * (more groups than slots). */
            gw_train_group g = pool[pick(&s, k < CALLS / 2 ? 40 : POOL)];
            double b = random_bytes(&s);
            calls += compare(mc, mu, &tt, g, b, i);
            slowed += mu->allreduce_s(mu->ud, &tt, g, 1e9) != ab->allreduce_s(ab->ud, &tt, g, 1e9);
        }
        gw_net_comm_free(cached);
        gw_net_comm_free(ref);
    }
    /* The draws reach the cases that matter. */
    assert_true(built >= TOPOS / 3);
    assert_true(innet >= built / 4);
    assert_true(slowed > 1000);
    assert_true(calls > 1000000);
}

/* ---- From several threads ------------------------------------------------------------ */

typedef struct worker {
    const gw_train_comm_model *mc, *mu;
    const gw_train_topo *tt;
    const gw_train_group *pool;
    int pool_n;
    uint64_t seed;
    size_t mismatches;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    uint64_t s = w->seed;
    for (int k = 0; k < 20000; k++) {
        gw_train_group g = w->pool[pick(&s, w->pool_n)];
        double b = random_bytes(&s), c[8], u[8];
        all_colls(w->mc, w->tt, g, b, c);
        all_colls(w->mu, w->tt, g, b, u);
        w->mismatches += memcmp(c, u, sizeof c) != 0;
    }
    return NULL;
}

static void threads_share_the_table(void **state)
{
    gw_ctx *ctx = *state;
    uint64_t s = 12345;
    enum { NT = 4 };
    int rounds = 0;
    for (int i = 0; i < 60 && rounds < 8; i++) {
        gw_net_topo t;
        double job;
        if (!random_topo(&s, &t, &job))
            continue;
        rounds++;
        gw_net_comm *cached = NULL, *ref = NULL;
        gw_error err;
        memset(&err, 0, sizeof err);
        assert_int_equal(gw_net_comm_new(ctx, &t, job, &cached, &err), GW_OK);
        assert_int_equal(gw_net_comm_new(ctx, &t, job, &ref, &err), GW_OK);
        gw__net_comm_uncached(ref);
        static gw_train_group pool[POOL];
        for (int k = 0; k < POOL; k++)
            pool[k] = random_group(&s, t.f.scaleup_domain, job);
        gw_train_topo tt = random_tt(&s, &t);
        worker w[NT];
        pthread_t th[NT];
        for (int k = 0; k < NT; k++) {
            w[k] = (worker){gw_net_comm_model(cached), gw_net_comm_model(ref), &tt, pool,
                            k % 2 ? POOL : 64,         rng_next(&s) | 1,       0};
            assert_int_equal(pthread_create(&th[k], NULL, work, &w[k]), 0);
        }
        for (int k = 0; k < NT; k++) {
            assert_int_equal(pthread_join(th[k], NULL), 0);
            assert_int_equal(w[k].mismatches, 0);
        }
        gw_net_comm_free(cached);
        gw_net_comm_free(ref);
    }
    assert_int_equal(rounds, 8);
}

static int setup(void **state)
{
    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    if (!ctx)
        return -1;
    *state = ctx;
    return 0;
}

static int teardown(void **state)
{
    gw_ctx_free(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cached_equals_formula),
        cmocka_unit_test(threads_share_the_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
