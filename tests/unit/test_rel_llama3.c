/* SPDX-License-Identifier: MIT */
/*
 * test_rel_llama3.c: the reliability model reproduces Meta's Llama 3 405B
 * pre-training run (arXiv 2407.21783 sec. 3.3.4, Table 5): 16,384 H100 for a
 * 54-day snapshot, 419 unexpected and 47 planned interruptions, effective
 * training time above 90%.
 *
 * Every expected value comes from data/failures.yaml (the profile's
 * `reference` run and each cause's `observed` count), never from this file:
 * the test checks that the per-component rates, scaled by the component
 * counts that the model derives for the reference cluster (nodes from GPUs
 * per node, NICs, fat-tree links), give back the run.
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
static const gw__rel_profile *prof;

static int setup(void **state)
{
    (void)state;
    ctx = gw_ctx_new(NULL, NULL);
    if (!ctx)
        return -1;
    gw_error err;
    if (gw__rel_model_load(ctx, DATA_DIR, &model, &err) != GW_OK)
        return -1;
    prof = &model->profiles[model->default_index];
    return strcmp(prof->name, "llama3-production") == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    gw__rel_model_free(ctx, model);
    gw_ctx_free(ctx);
    return 0;
}

static void reference_job(gw_rel_job *job)
{
    gw_rel_job_init(job);
    job->gpus = prof->ref_gpus;
    job->gpus_per_node = prof->ref_gpus_per_node;
    job->nics_per_gpu = prof->ref_nics_per_gpu;
    job->switch_radix = prof->ref_switch_radix;
    job->duration_s = prof->ref_duration_s;
    job->data_dir = DATA_DIR;
}

static double observed_total(bool planned)
{
    double n = 0.0;
    for (size_t i = 0; i < prof->n_causes; i++)
        if (prof->causes[i].planned == planned)
            n += prof->causes[i].observed;
    return n;
}

/* Expected count = sum over causes of rate x units x 54 days. The rates were
 * derived from the same counts, so with the right component counts (2048
 * nodes, 16384 NICs, 49152 links of a 3-tier radix-64 fat tree) the sum is
 * the observed 419 up to the 4-digit rounding of the rates in the file;
 * the target is +-10%. */
static void test_unexpected_count(void **state)
{
    (void)state;
    gw_rel_job job;
    reference_job(&job);
    gw_rel_result r;
    gw_error err;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_OK);
    double obs = observed_total(false);
    assert_true(obs > 0.0);
    assert_true(fabs(r.unexpected_interruptions - obs) <= 0.10 * obs);
    /* Much tighter in practice: the rounding of the rates is 1e-4 relative. */
    assert_true(fabs(r.unexpected_interruptions - obs) <= 0.01 * obs);
    double obs_pl = observed_total(true);
    assert_true(fabs(r.planned_interruptions - obs_pl) <= 0.10 * obs_pl);
    /* MTTI = 54 d x 24 h / 419 = 3.09 h (reliability.csv llama3-mtbi-derived). */
    assert_true(fabs(r.mtti_s - prof->ref_duration_s / obs) <= 0.01 * r.mtti_s);
}

/* Each cause's share of the unexpected interruptions equals its Table 5
 * count over 419 within 3 percentage points ("within a few points"). */
static void test_cause_shares(void **state)
{
    (void)state;
    gw_rel_job job;
    reference_job(&job);
    gw_rel_result r;
    gw_error err;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_OK);
    double obs = observed_total(false);
    assert_int_equal(r.n_causes, prof->n_causes);
    double gpu_share = 0.0, gpu_obs = 0.0;
    for (size_t i = 0; i < r.n_causes; i++) {
        const gw_rel_cause *c = &r.causes[i];
        if (c->planned)
            continue;
        double want = c->observed / obs;
        assert_true(fabs(c->share - want) <= 0.03);
        if (strcmp(c->category, "GPU") == 0) {
            gpu_share += c->share;
            gpu_obs += c->observed;
        }
    }
    /* GPU causes: 148+72+19+17+6+6 = 268 of 419 = 64% by count (the paper's
     * percentage column sums to 58.7%, with Faulty GPU printed as 30.1%
     * where 148/419 = 35.3%: a known inconsistency of Table 5). */
    assert_true(fabs(gpu_share - gpu_obs / obs) <= 0.03);
}

/* The same run through the catalog: h100-sxm -> dgx-h100 (8 GPUs and 8
 * NICs per node) must give the same counts as the profile's reference. */
static void test_catalog_counts(void **state)
{
    (void)state;
    gw_catalog *cat = NULL;
    gw_error err;
    if (gw_catalog_load(ctx, DATA_DIR, &cat, &err) != GW_OK)
        fail_msg("catalog: %s", err.msg);
    gw_rel_job job;
    reference_job(&job);
    job.gpus_per_node = 0;
    job.nics_per_gpu = 0;
    job.accelerator = "h100-sxm";
    gw_rel_result r;
    assert_int_equal(gw_rel_plan(ctx, cat, &job, &r, &err), GW_OK);
    assert_true(r.nodes == prof->ref_gpus / prof->ref_gpus_per_node);
    assert_true(r.nics == prof->ref_gpus * prof->ref_nics_per_gpu);
    double obs = observed_total(false);
    assert_true(fabs(r.unexpected_interruptions - obs) <= 0.10 * obs);
    gw_catalog_free(cat);
}

/* Effective training time > 90% (Llama 3 sec. 3.3.4) with the default
 * policy: synchronous checkpoints of 405B x 14 B = 5.67 TB at the default
 * storage bandwidth, the optimal interval, 5 min detection + restart.
 * First-order: losses = delta/tau + tau/2M + R/M + planned + stragglers
 * = 1.4% + 1.4% + 2.7% + 0.2% + 0.7% = 6.4%, so about 93.6%. */
static void test_ett_above_90(void **state)
{
    (void)state;
    gw_rel_job job;
    reference_job(&job);
    job.trials = 200;
    job.seed = 7;
    gw_rel_result r;
    gw_error err;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_OK);
    assert_true(r.goodput > 0.90);
    assert_true(r.goodput < 0.99); /* failures must cost something */
    assert_true(r.mc_goodput.mean > 0.90);
    assert_true(r.mc_goodput.p5 > 0.90);
    /* The plausible policy: checkpoint every few minutes (Young: sqrt(2 x
     * 4.25 s x 3.09 h) = 5.1 min). */
    assert_true(r.checkpoint_interval_s > 60.0 && r.checkpoint_interval_s < 1800.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unexpected_count),
        cmocka_unit_test(test_cause_shares),
        cmocka_unit_test(test_catalog_counts),
        cmocka_unit_test(test_ett_above_90),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
