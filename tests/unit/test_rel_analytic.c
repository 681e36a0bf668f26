/* SPDX-License-Identifier: MIT */
/*
 * test_rel_analytic.c: component counts, the closed-form goodput and the
 * derived job parameters of the reliability model, each against a value
 * derived by hand in the comment above the test.
 */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/core_internal.h"
#include "rel/rel_internal.h"

#define DATA_DIR GW_SOURCE_DIR "/data"

static gw_ctx *ctx;
static gw__rel_model *model;

static int setup(void **state)
{
    (void)state;
    ctx = gw_ctx_new(NULL, NULL);
    gw_error err;
    return ctx && gw__rel_model_load(ctx, DATA_DIR, &model, &err) == GW_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    gw__rel_model_free(ctx, model);
    gw_ctx_free(ctx);
    return 0;
}

static void llama_job(gw_rel_job *job)
{
    gw_rel_job_init(job);
    job->gpus = 16384;
    job->gpus_per_node = 8;
    job->duration_s = 54.0 * 86400.0;
    job->data_dir = DATA_DIR;
}

static bool near(double a, double b, double rel)
{
    return fabs(a - b) <= rel * fabs(b);
}

/* Folded Clos of radix k = 64 (32 down, 32 up per switch):
 *   E = 64: one switch, 64 links (t = 1);
 *   E = 2048 = 2 x 32^2: two tiers, leaves 2048/32 = 64, spines 2048/64 = 32,
 *     96 switches, 2 x 2048 = 4096 links;
 *   E = 16384: three tiers (2 x 32^2 < E <= 2 x 32^3), 512 + 512 + 256 =
 *     1280 switches, 3 x 16384 = 49152 links;
 *   E = 1e6: four tiers, 3 x 31250 + 15625 = 109375 switches, 4e6 links. */
static void test_fabric_count(void **state)
{
    (void)state;
    gw__rel_counts c;
    gw__rel_fabric_count(64, 64, &c);
    assert_int_equal(c.tiers, 1);
    assert_true(c.switches == 1.0 && c.links == 64.0);
    gw__rel_fabric_count(2048, 64, &c);
    assert_int_equal(c.tiers, 2);
    assert_true(c.switches == 96.0 && c.links == 4096.0);
    gw__rel_fabric_count(16384, 64, &c);
    assert_int_equal(c.tiers, 3);
    assert_true(c.switches == 1280.0 && c.links == 49152.0);
    gw__rel_fabric_count(1e6, 64, &c);
    assert_int_equal(c.tiers, 4);
    assert_true(c.switches == 109375.0 && c.links == 4e6);
    /* Given counts override the estimate; nodes round up. */
    gw__rel_counts_make(1001, 8, 1, 64, 5000, 77, &c);
    assert_true(c.nodes == 126.0 && c.links == 5000.0 && c.switches == 77.0 && c.tiers == 0);
}

static gw__rel_sim base_sim(void)
{
    gw__rel_sim s;
    memset(&s, 0, sizeof s);
    s.shape = 1.0;
    s.sigma = 1.0;
    s.tau_s = 1000.0;
    s.block_s = 10.0;
    s.write_s = 10.0;
    s.detect_s = 100.0;
    s.restart_s = 500.0;
    s.spare_nodes = -1.0;
    return s;
}

/* Synchronous checkpoints, no planned stops: the renewal-reward goodput is
 * Daly's (2006) exact expression G = tau / (M e^{R/M} (e^{(tau+delta)/M} - 1))
 * with tau = 1000 s, delta = 10 s, R = 600 s, M = 36000 s:
 * e^{1010/36000} - 1 = 0.028452, e^{600/36000} = 1.016806,
 * G = 1000 / (36000 x 1.016806 x 0.028452) = 0.96016. */
static void test_goodput_daly(void **state)
{
    (void)state;
    gw__rel_sim s = base_sim();
    double M = 36000.0;
    double want = 1000.0 / (M * exp(600.0 / M) * expm1(1010.0 / M));
    assert_true(near(want, 0.96016, 1e-4));
    assert_true(near(gw__rel_goodput(&s, 1.0 / M, 0.0), want, 1e-12));
}

/* Without failures only the checkpoint cost remains: G = tau / (tau + delta)
 * = 1000 / 1010; with stragglers (sigma = 1.01) the cycle is 1010 + 10. */
static void test_goodput_no_failures(void **state)
{
    (void)state;
    gw__rel_sim s = base_sim();
    assert_true(near(gw__rel_goodput(&s, 0.0, 0.0), 1000.0 / 1010.0, 1e-12));
    s.sigma = 1.01;
    assert_true(near(gw__rel_goodput(&s, 0.0, 0.0), 1000.0 / 1020.0, 1e-12));
}

/* Asynchronous: the commit lags the snapshot by the write time W, so a
 * failure loses on average W more work. Renewal reward with lambda = 1/M,
 * cycle c = tau + b (b the snapshot time):
 *   committed cycles per run interval E[G] = e^{-lambda W} / (e^{lambda c} - 1),
 *   G = tau E[G] / (M + (e^{lambda R} - 1) M).
 * tau = 1000, b = 1, W = 100, R = 600, M = 36000:
 *   E[G] = e^{-1/360} / (e^{1001/36000} - 1) = 35.368, G = 0.96621. It must beat
 * a synchronous checkpoint of the same 100 s write (G = 0.88048 by Daly). */
static void test_goodput_async(void **state)
{
    (void)state;
    gw__rel_sim s = base_sim();
    s.async = true;
    s.block_s = 1.0;
    s.write_s = 100.0;
    double M = 36000.0, l = 1.0 / M;
    double eg = exp(-l * 100.0) / expm1(l * 1001.0);
    double want = 1000.0 * eg / (M * exp(l * 600.0));
    assert_true(near(gw__rel_goodput(&s, l, 0.0), want, 1e-12));
    assert_true(near(want, 0.96621, 1e-4));
    gw__rel_sim y = base_sim();
    y.block_s = y.write_s = 100.0;
    double sync = gw__rel_goodput(&y, l, 0.0);
    assert_true(near(sync, 1000.0 / (M * exp(600.0 / M) * expm1(1100.0 / M)), 1e-12));
    assert_true(want > sync);
}

/* Planned stops cost a flush and a restart but lose no work; adding them at
 * the unexpected rate must lower the goodput less than doubling the
 * unexpected rate does, and more than not having them. */
static void test_goodput_planned(void **state)
{
    (void)state;
    gw__rel_sim s = base_sim();
    double l = 1.0 / 36000.0;
    double g0 = gw__rel_goodput(&s, l, 0.0);
    double gp = gw__rel_goodput(&s, l, l);
    double g2 = gw__rel_goodput(&s, 2.0 * l, 0.0);
    assert_true(gp < g0 && gp > g2);
    /* First order: planned loss = lambda (W + restart) = 510/36000 = 1.42%. */
    assert_true(fabs((g0 - gp) - 510.0 / 36000.0) < 0.004);
}

/* The interval used by default maximises the exact goodput; for delta << M
 * it lies within a few percent of Daly's higher-order estimate
 * sqrt(2 delta M)[1 + sqrt(delta/2M)/3 + delta/18M] - delta
 * (Llama 3: delta = 4.25 s, M = 3.09 h: about 305 s). Moving 20% either
 * way must not increase the goodput. */
static void test_optimal_interval(void **state)
{
    (void)state;
    gw_rel_job job;
    llama_job(&job);
    gw_rel_result r;
    gw_error err;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_OK);
    double d = r.checkpoint_block_s, M = r.mtti_s;
    assert_true(near(r.young_interval_s, sqrt(2.0 * d * M), 1e-12));
    assert_true(near(r.checkpoint_interval_s, r.daly_interval_s, 0.05));
    double g = r.goodput;
    gw_rel_result r2;
    job.checkpoint_interval_s = 1.2 * r.checkpoint_interval_s;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r2, &err), GW_OK);
    assert_true(r2.goodput <= g + 1e-12);
    job.checkpoint_interval_s = 0.8 * r.checkpoint_interval_s;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r2, &err), GW_OK);
    assert_true(r2.goodput <= g + 1e-12);
}

/* Checkpoint size = params x bytes/param (data: 14 B for mixed-precision
 * Adam), write time = size / (per-GPU bandwidth x GPUs), and the restart
 * time grows by restart_per_doubling per doubling of the job. */
static void test_job_parameters(void **state)
{
    (void)state;
    const gw__rel_params *p = &model->p;
    gw_rel_job job;
    llama_job(&job);
    job.params = 1e12;
    gw_rel_result r;
    gw_error err;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_OK);
    assert_true(near(r.checkpoint_bytes, 1e12 * p->ckpt_bytes_per_param, 1e-12));
    assert_true(near(r.checkpoint_write_s,
                     r.checkpoint_bytes / (p->storage_write_per_gpu_Bps * 16384.0), 1e-12));
    double r1 = r.restart_s;
    job.gpus = 4.0 * p->restart_ref_gpus;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_OK);
    assert_true(near(r.restart_s, p->restart_ref_s + 2.0 * p->restart_per_doubling_s, 1e-12));
    assert_true(r.restart_s > r1);
    /* Stragglers: slowdown x P(at least one of 2048 nodes) = s (1 - (1-f)^2048). */
    job.gpus = 16384;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_OK);
    double want = p->straggler_slowdown * (1.0 - pow(1.0 - p->straggler_node_fraction, 2048.0));
    assert_true(near(r.straggler_slowdown, want, 1e-9));
    job.stragglers_removed = true;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_OK);
    assert_true(r.straggler_slowdown == 0.0);
}

/* Lemon nodes multiply the hardware rates by 1 + l (m - 1) and leave the
 * others alone: with l = 1.2% and m from data, Faulty GPU scales, Software
 * bug does not. rate_scale multiplies every unexpected rate, not planned. */
static void test_rate_modifiers(void **state)
{
    (void)state;
    gw_rel_job job;
    llama_job(&job);
    gw_rel_result a, b;
    gw_error err;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &a, &err), GW_OK);
    job.lemon_fraction = 0.012;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &b, &err), GW_OK);
    double f = 1.0 + 0.012 * (model->p.lemon_rate_multiplier - 1.0);
    assert_true(near(b.lemon_factor, f, 1e-12));
    for (size_t i = 0; i < a.n_causes; i++) {
        double want = a.causes[i].rate_s * (a.causes[i].hardware ? f : 1.0);
        assert_true(near(b.causes[i].rate_s, want, 1e-12));
    }
    job.lemon_fraction = 0.0;
    job.rate_scale = 2.0;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &b, &err), GW_OK);
    assert_true(near(b.rate_unexpected_s, 2.0 * a.rate_unexpected_s, 1e-12));
    assert_true(near(b.rate_planned_s, a.rate_planned_s, 1e-12));
}

/* Weibull hazard h(a) = r (a/a_ref)^(k-1) over the window [a0, a0+T]:
 * expected hardware failures r a_ref/k [((a0+T)/a_ref)^k - (a0/a_ref)^k].
 * With k = 0.5 and a young fleet (a0 = 10 d < a_ref) this exceeds r T
 * (infant mortality); non-hardware causes keep r T. */
static void test_weibull_expected(void **state)
{
    (void)state;
    gw_rel_job job;
    llama_job(&job);
    gw_rel_result e, w;
    gw_error err;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &e, &err), GW_OK);
    job.weibull_shape = 0.5;
    job.fleet_age_s = 10.0 * 86400.0;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &w, &err), GW_OK);
    double a = model->p.reference_age_s, a0 = job.fleet_age_s, T = job.duration_s, k = 0.5;
    double hw = 0.0, sw = 0.0;
    for (size_t i = 0; i < e.n_causes; i++) {
        if (e.causes[i].planned)
            continue;
        if (e.causes[i].hardware)
            hw += e.causes[i].rate_s;
        else
            sw += e.causes[i].rate_s;
    }
    double want = hw * a / k * (pow((a0 + T) / a, k) - pow(a0 / a, k)) + sw * T;
    assert_true(near(w.unexpected_interruptions, want, 1e-9));
    assert_true(w.unexpected_interruptions > e.unexpected_interruptions);
}

/* "What it takes": plugging each answer back must land on the target. */
static void test_requirements(void **state)
{
    (void)state;
    gw_rel_job job;
    llama_job(&job);
    job.gpus = 131072;
    gw_rel_result r, t;
    gw_error err;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_OK);
    assert_true(r.goodput < r.target_goodput);
    assert_true(r.req_recovery_s > 0.0 && r.req_recovery_s < r.recovery_s);
    double f = r.req_recovery_s / r.recovery_s;
    job.detect_s = r.detect_s * f;
    job.restart_s = r.restart_s * f;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &t, &err), GW_OK);
    assert_true(fabs(t.goodput - r.target_goodput) < 1e-4);
    job.detect_s = job.restart_s = 0.0;
    job.rate_scale = r.req_rate_scale;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &t, &err), GW_OK);
    assert_true(fabs(t.goodput - r.target_goodput) < 1e-4);
    /* At 131K H100 the restart dominates: no bandwidth suffices alone. */
    assert_true(isnan(r.req_write_Bps));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fabric_count),        cmocka_unit_test(test_goodput_daly),
        cmocka_unit_test(test_goodput_no_failures), cmocka_unit_test(test_goodput_async),
        cmocka_unit_test(test_goodput_planned),     cmocka_unit_test(test_optimal_interval),
        cmocka_unit_test(test_job_parameters),      cmocka_unit_test(test_rate_modifiers),
        cmocka_unit_test(test_weibull_expected),    cmocka_unit_test(test_requirements),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
