/* SPDX-License-Identifier: MIT */
/*
 * test_rel_montecarlo.c: the discrete-event simulation agrees with the
 * analytic model where the formulas hold (Poisson failures, unlimited
 * spares, long runs), is deterministic for a seed whatever the thread
 * count, and responds in the right direction where the formulas do not
 * hold (finite spare pool).
 *
 * Statistical tolerances: a count of a Poisson process of mean m averaged
 * over n trials has standard error sqrt(m/n); we allow 4 standard errors
 * (false-alarm probability ~6e-5 per check). The goodput is a ratio over a
 * finite window, biased by edge effects of order (interval + recovery) /
 * window; we allow 0.003 absolute plus 4 standard errors of the mean.
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

static void llama_job(gw_rel_job *job)
{
    gw_rel_job_init(job);
    job->gpus = 16384;
    job->gpus_per_node = 8;
    job->duration_s = 54.0 * 86400.0;
    job->data_dir = DATA_DIR;
    job->trials = 400;
    job->seed = 12345;
}

static void check_agreement(const gw_rel_result *r)
{
    double n = (double)r->trials;
    double se_g = r->mc_goodput.sd / sqrt(n);
    print_message("analytic %.5f  MC %.5f +- %.5f  (unexpected %.2f vs %.2f)\n", r->goodput,
                  r->mc_goodput.mean, se_g, r->mc_unexpected.mean, r->unexpected_interruptions);
    assert_true(fabs(r->mc_goodput.mean - r->goodput) <= 0.003 + 4.0 * se_g);
    double m = r->unexpected_interruptions;
    assert_true(fabs(r->mc_unexpected.mean - m) <= 4.0 * sqrt(m / n) + 1e-9);
    double p = r->planned_interruptions;
    assert_true(fabs(r->mc_planned.mean - p) <= 4.0 * sqrt(p / n) + 1e-9);
}

/* Llama 3 run, default policy (synchronous, optimal interval, planned
 * maintenance, stragglers): analytic 0.938. Per-cause means within 4 SE. */
static void test_agree_llama3(void **state)
{
    (void)state;
    gw_rel_job job;
    llama_job(&job);
    gw_rel_result r;
    gw_error err;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_OK);
    check_agreement(&r);
    for (size_t i = 0; i < r.n_causes; i++) {
        double m = r.causes[i].expected;
        assert_true(fabs(r.causes[i].mc_mean - m) <= 4.0 * sqrt(m / 400.0) + 1e-9);
    }
}

/* Many failures per run: 131,072 GPUs of RSC-1 (MTTF 0.225 h), asynchronous
 * checkpoints with a long write (commit lag), 30-minute recovery, 10-day
 * window: goodput well below 1, where errors in the formula would show. */
static void test_agree_async_heavy(void **state)
{
    (void)state;
    gw_rel_job job;
    llama_job(&job);
    job.profile = "rsc1-projection";
    job.gpus = 131072;
    job.duration_s = 10.0 * 86400.0;
    job.checkpoint_async = true;
    job.checkpoint_write_Bps = 5e11;
    job.restart_s = 1500.0;
    job.detect_s = 300.0;
    job.trials = 300;
    gw_rel_result r;
    gw_error err;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_OK);
    assert_true(r.goodput < 0.5);
    check_agreement(&r);
}

/* Work mode: the mean wall-clock time to do W of work is W / goodput
 * (renewal-reward), within 1%. */
static void test_agree_work_mode(void **state)
{
    (void)state;
    gw_rel_job job;
    llama_job(&job);
    job.duration_s = 0.0;
    job.work_s = 30.0 * 86400.0;
    job.gpus = 65536;
    gw_rel_result r;
    gw_error err;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_OK);
    print_message("wall analytic %.0f MC %.0f\n", r.wall_s, r.mc_wall_s.mean);
    assert_true(fabs(r.mc_wall_s.mean / r.wall_s - 1.0) < 0.01);
    assert_true(r.mc_completed_frac == 1.0);
}

/* Same seed, 1 or 2 threads: identical distributions, bit for bit. */
static void test_deterministic_threads(void **state)
{
    (void)state;
    gw_rel_job job;
    llama_job(&job);
    job.trials = 64;
    gw_rel_result a, b, c;
    gw_error err;
    gw_ctx_set_threads(ctx, 1);
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &a, &err), GW_OK);
    gw_ctx_set_threads(ctx, 2);
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &b, &err), GW_OK);
    gw_ctx_set_threads(ctx, 0);
    assert_memory_equal(&a.mc_goodput, &b.mc_goodput, sizeof a.mc_goodput);
    assert_memory_equal(&a.mc_wall_s, &b.mc_wall_s, sizeof a.mc_wall_s);
    assert_memory_equal(&a.mc_unexpected, &b.mc_unexpected, sizeof a.mc_unexpected);
    for (size_t i = 0; i < a.n_causes; i++)
        assert_true(a.causes[i].mc_mean == b.causes[i].mc_mean);
    job.seed = 54321;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &c, &err), GW_OK);
    assert_true(c.mc_goodput.mean != a.mc_goodput.mean);
}

/* Weibull (k = 0.5, young fleet): the simulated count follows the
 * time-varying hazard, so its mean matches the analytic expectation (the
 * integral of the hazard) within 4 SE. */
static void test_weibull_counts(void **state)
{
    (void)state;
    gw_rel_job job;
    llama_job(&job);
    job.weibull_shape = 0.5;
    job.fleet_age_s = 5.0 * 86400.0;
    gw_rel_result r;
    gw_error err;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_OK);
    double m = r.unexpected_interruptions, n = (double)r.trials;
    assert_true(fabs(r.mc_unexpected.mean - m) <= 4.0 * sqrt(m / n));
}

/* Spares. A pool that never runs dry changes nothing: with 10% spare nodes
 * (205) and ~30 nodes in repair at any time, no failure waits, and the
 * random streams are consumed identically, so the results are identical.
 * With no spares each hardware failure waits a full repair (here 1 day), so
 * goodput collapses. */
static void test_spares(void **state)
{
    (void)state;
    gw_rel_job job;
    llama_job(&job);
    job.trials = 50;
    gw_rel_result u, big, none;
    gw_error err;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &u, &err), GW_OK);
    job.spares_frac = 0.10;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &big, &err), GW_OK);
    assert_true(big.mc_goodput.mean == u.mc_goodput.mean);
    job.spares_frac = 0.0;
    job.repair_s = 86400.0;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &none, &err), GW_OK);
    assert_true(none.mc_goodput.mean < 0.5 * u.mc_goodput.mean);
    assert_true(none.n_notes > 0); /* the analytic model says it ignores the waits */
}

/* The interval search finds a goodput at least as good (up to noise) as
 * the analytic optimum's, at an interval of the same order. */
static void test_interval_search(void **state)
{
    (void)state;
    gw_rel_job job;
    llama_job(&job);
    job.gpus = 65536;
    job.trials = 200;
    job.search_interval = true;
    job.search_trials = 100;
    gw_rel_result r;
    gw_error err;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_OK);
    print_message("best %.0f s (%.4f), analytic %.0f s (%.4f)\n", r.mc_best_interval_s,
                  r.mc_best_goodput, r.checkpoint_interval_s, r.goodput);
    assert_true(r.mc_best_interval_s > r.checkpoint_interval_s / 3.0);
    assert_true(r.mc_best_interval_s < r.checkpoint_interval_s * 3.0);
    assert_true(r.mc_best_goodput > r.goodput - 0.01);
}

static int cancel_after(void *ud, uint64_t done, uint64_t total)
{
    (void)total;
    int *calls = ud;
    (*calls)++;
    return done >= 10;
}

/* A progress callback that asks to stop cancels the run. */
static void test_cancel(void **state)
{
    (void)state;
    int calls = 0;
    gw_ctx_set_progress(ctx, cancel_after, &calls);
    gw_rel_job job;
    llama_job(&job);
    job.trials = 2000;
    gw_rel_result r;
    gw_error err;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_ECANCELED);
    assert_true(calls > 0);
    gw_ctx_set_progress(ctx, NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agree_llama3),    cmocka_unit_test(test_agree_async_heavy),
        cmocka_unit_test(test_agree_work_mode), cmocka_unit_test(test_deterministic_threads),
        cmocka_unit_test(test_weibull_counts),  cmocka_unit_test(test_spares),
        cmocka_unit_test(test_interval_search), cmocka_unit_test(test_cancel),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
