/* SPDX-License-Identifier: MIT */
/*
 * test_rel_extreme.c: the reliability model over the whole input range the
 * CLI allows (issue 10: `rel --gpus 1000000000` aborted inside GSL's
 * incomplete gamma function). The spare-pool Poisson quantile is checked
 * against its definition, summed independently here, and across the switch
 * to the normal expansion; gw_rel_plan is swept over extreme jobs (a crash
 * or abort fails the test binary) and must return GW_OK with a goodput in
 * [0, 1], or the Monte Carlo's clear GW_ERANGE when a trial would simulate
 * too many interruptions.
 */
#define _POSIX_C_SOURCE 200809L
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rel/rel_internal.h"

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

/* P(X <= k) for X ~ Poisson(mu) by summing the pmf in log space: an
 * independent computation of what the library gets from GSL. */
static double cdf_sum(double k, double mu)
{
    double s = 0.0;
    for (double j = 0.0; j <= k; j += 1.0)
        s += exp(j * log(mu) - mu - lgamma(j + 1.0));
    return s;
}

/* The quantile is the smallest k with P(X <= k) >= q. */
static void poisson_exact(void **state)
{
    (void)state;
    const double mus[] = {1e-3, 0.5, 3.0, 40.0, 900.0};
    const double qs[] = {0.5, 0.9, 0.999, 0.999999};
    for (size_t i = 0; i < sizeof mus / sizeof mus[0]; i++) {
        for (size_t j = 0; j < sizeof qs / sizeof qs[0]; j++) {
            double k = gw__rel_poisson_quantile(mus[i], qs[j]);
            assert_true(k >= 0.0 && k == floor(k));
            /* The tolerance covers rounding in the two sums, not the answer. */
            assert_true(cdf_sum(k, mus[i]) >= qs[j] - 1e-9);
            if (k > 0.0)
                assert_true(cdf_sum(k - 1.0, mus[i]) < qs[j] + 1e-9);
        }
    }
    assert_true(gw__rel_poisson_quantile(0.0, 0.999) == 0.0);
    assert_true(gw__rel_poisson_quantile(-1.0, 0.999) == 0.0);
}

/* Above GW__REL_POISSON_EXACT_MAX the normal expansion takes over: just
 * above the switch it agrees with the exact quantile just below it within
 * one count; up to 1e300 it never aborts, never decreases with mu and stays
 * within mu + z sqrt(mu) + 2 (z = 3.09 for q = 0.999). */
static void poisson_large(void **state)
{
    (void)state;
    const double q = 0.999, z = 3.090232306167813;
    double below = gw__rel_poisson_quantile(GW__REL_POISSON_EXACT_MAX, q);
    double above = gw__rel_poisson_quantile(GW__REL_POISSON_EXACT_MAX * (1.0 + 1e-12), q);
    assert_true(fabs(above - below) <= 1.0);
    double prev = 0.0;
    for (double mu = 1e-2; mu < 1e300; mu *= 3.7) {
        double k = gw__rel_poisson_quantile(mu, q);
        assert_true(isfinite(k));
        assert_true(k >= prev);
        assert_true(k >= mu - 1.0);
        assert_true(k <= mu + z * sqrt(mu) + 2.0 + 1e-12 * mu);
        prev = k;
    }
}

static void job_init(gw_rel_job *job, double gpus, double scale, double days, bool work)
{
    gw_rel_job_init(job);
    job->gpus = gpus;
    job->gpus_per_node = 8;
    job->rate_scale = scale;
    if (work)
        job->work_s = days * 86400.0;
    else
        job->duration_s = days * 86400.0;
}

/* Every combination of the extremes the `rel` flags allow. */
static void plan_sweep(void **state)
{
    (void)state;
    const double gpus[] = {1.0, 1e3, 1e6, 1e9};
    const double scales[] = {1e-9, 1.0, 1e3, 1e6};
    const double days[] = {1e-6, 30.0, 1e6};
    const double shapes[] = {1.0, 0.05, 20.0};
    size_t n = 0;
    for (size_t a = 0; a < 4; a++)
        for (size_t b = 0; b < 4; b++)
            for (size_t c = 0; c < 3; c++)
                for (size_t d = 0; d < 3; d++)
                    for (int mode = 0; mode < 4; mode++) {
                        gw_rel_job job;
                        job_init(&job, gpus[a], scales[b], days[c], mode & 1);
                        job.weibull_shape = shapes[d];
                        job.checkpoint_async = (mode & 2) != 0;
                        job.lemon_fraction = 0.999;
                        job.spares_frac = 0.01;
                        gw_rel_result r;
                        gw_error err;
                        memset(&err, 0, sizeof err);
                        gw_status rc = gw_rel_plan(ctx, NULL, &job, &r, &err);
                        if (rc != GW_OK)
                            fail_msg("gpus %g scale %g days %g shape %g mode %d: %s", gpus[a],
                                     scales[b], days[c], shapes[d], mode, err.msg);
                        assert_true(r.goodput >= 0.0 && r.goodput <= 1.0);
                        assert_true(r.spares_needed >= 0.0);
                        assert_true(r.checkpoint_interval_s > 0.0);
                        n++;
                    }
    assert_int_equal(n, 4u * 4u * 3u * 3u * 4u);
}

/* The two command lines, with a Monte Carlo: each trial would have
 * to simulate millions of interruptions, so the library refuses with a
 * message; a 1000-GPU job (about 15 interruptions in 30 days) runs. */
static void mc_limit(void **state)
{
    (void)state;
    const double cases[][2] = {{1e9, 1.0}, {1e6, 1e3}};
    for (size_t i = 0; i < 2; i++) {
        gw_rel_job job;
        job_init(&job, cases[i][0], cases[i][1], 30.0, false);
        job.trials = 2;
        gw_rel_result r;
        gw_error err;
        memset(&err, 0, sizeof err);
        assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_ERANGE);
        assert_non_null(strstr(err.msg, "Monte Carlo: about"));
        assert_non_null(strstr(err.msg, "interruptions per trial"));
    }
    gw_rel_job job;
    job_init(&job, 1e3, 1.0, 30.0, false);
    job.trials = 2;
    gw_rel_result r;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_OK);
    assert_true(r.mc_goodput.mean > 0.0 && r.mc_goodput.mean <= 1.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(poisson_exact),
        cmocka_unit_test(poisson_large),
        cmocka_unit_test(plan_sweep),
        cmocka_unit_test(mc_limit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
