/* SPDX-License-Identifier: MIT */
/*
 * test_rel_errors.c: error paths of the reliability model: bad jobs
 * (GW_EINVAL), unknown profiles (GW_ENOTFOUND with the list), and malformed
 * data/failures.yaml files, each with its exact code, location and message.
 */
#define _POSIX_C_SOURCE 200809L
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_alloc.h"

#define DATA_DIR GW_SOURCE_DIR "/data"

static gw_ctx *ctx;
static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    ctx = gw_ctx_new(NULL, NULL);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gw_rel_errXXXXXX");
    return ctx && mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char p[128];
    snprintf(p, sizeof p, "%s/failures.yaml", tmpdir);
    remove(p);
    rmdir(tmpdir);
    gw_ctx_free(ctx);
    return 0;
}

static void job_init(gw_rel_job *job, const char *dir)
{
    gw_rel_job_init(job);
    job->gpus = 1024;
    job->gpus_per_node = 8;
    job->duration_s = 86400.0;
    job->data_dir = dir;
}

static gw_status plan_with(const char *yaml, gw_error *err)
{
    char p[128];
    snprintf(p, sizeof p, "%s/failures.yaml", tmpdir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(yaml, f);
    fclose(f);
    gw_rel_job job;
    job_init(&job, tmpdir);
    gw_rel_result r;
    memset(err, 0, sizeof *err);
    return gw_rel_plan(ctx, NULL, &job, &r, err);
}

#define HEAD                                                                         \
    "schema_version: 1\n"                                                            \
    "default_profile: p\n"                                                           \
    "profiles:\n"                                                                    \
    "  - name: p\n"                                                                  \
    "    source: test\n"                                                             \
    "    reference: {gpus: 8, gpus_per_node: 8, nics_per_gpu: 1, switch_radix: 64, " \
    "duration: 1 d}\n"                                                               \
    "    causes:\n"

#define JOB                                                    \
    "job:\n"                                                   \
    "  checkpoint_bytes_per_param: {value: 14, source: s}\n"   \
    "  storage_write_per_gpu: {value: 80 MB/s, source: s}\n"   \
    "  snapshot_per_gpu: {value: 25 GB/s, source: s}\n"        \
    "  detect: {value: 60 s, source: s}\n"                     \
    "  restart_reference: {value: 240 s, source: s}\n"         \
    "  restart_reference_gpus: {value: 16384, source: s}\n"    \
    "  restart_per_doubling: {value: 30 s, source: s}\n"       \
    "  restart_min: {value: 60 s, source: s}\n"                \
    "  repair: {value: 3 d, source: s}\n"                      \
    "  spare_quantile: {value: 0.999, source: s}\n"            \
    "  straggler_node_fraction: {value: 0.5%, source: s}\n"    \
    "  straggler_slowdown: {value: 0.7%, source: s}\n"         \
    "  lemon_rate_multiplier: {value: 206, source: s}\n"       \
    "  reference_age: {value: 180 d, source: s}\n"             \
    "  switch_radix: {value: 64, source: s}\n"                 \
    "  default_params: {value: 405e9, source: s}\n"            \
    "  target_goodput: {value: 90%, source: s}\n"              \
    "  max_wall_factor: {value: 10, source: s}\n"              \
    "  longest_run: {value: 100 years, source: s}\n"           \
    "  search_span: {value: 8, source: s}\n"                   \
    "  min_interval: {value: 30 s, source: s}\n"               \
    "  detect_fast: {value: 10 s, source: s}\n"                \
    "  hot_restart_reference: {value: 20 s, source: s}\n"      \
    "  hot_restart_reference_gpus: {value: 1024, source: s}\n" \
    "  peer_copy_per_gpu: {value: 12.5 GB/s, source: s}\n"     \
    "  elastic_pause: {value: 5 s, source: s}\n"               \
    "  replica_gpus: {value: 128, source: s}\n"                \
    "  replica_state_per_gpu: {value: 44.3 GB, source: s}\n"

/* A minimal valid file plans: one GPU cause at 1e-5 /h on 1024 GPUs for a
 * day gives 1024 x 24 x 1e-5 = 0.24576 expected interruptions. */
static void test_minimal_ok(void **state)
{
    (void)state;
    gw_error err;
    assert_int_equal(plan_with(HEAD "      - {name: g, category: GPU, scope: gpu, hardware: true, "
                                    "rate: {value: 1e-5 /h, source: s}}\n" JOB,
                               &err),
                     GW_OK);
    gw_rel_job job;
    job_init(&job, tmpdir);
    gw_rel_result r;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_OK);
    assert_true(fabs(r.unexpected_interruptions - 0.24576) < 1e-9);
}

static void test_bad_scope(void **state)
{
    (void)state;
    gw_error err;
    assert_int_equal(plan_with(HEAD "      - {name: g, category: GPU, scope: pods, "
                                    "rate: {value: 1e-5 /h, source: s}}\n" JOB,
                               &err),
                     GW_ESCHEMA);
    assert_int_equal(err.line, 8);
    assert_int_equal(err.column, 41); /* "pods" starts at column 41 of line 8 */
    assert_string_equal(err.where, "profiles[0].causes[0].scope");
    assert_string_equal(err.msg, "unknown scope \"pods\" (expected one of: gpu, node, nic, "
                                 "link, switch, job, rack)");
}

static void test_missing_source(void **state)
{
    (void)state;
    gw_error err;
    assert_int_equal(plan_with(HEAD "      - {name: g, category: GPU, scope: gpu, "
                                    "rate: {value: 1e-5 /h}}\n" JOB,
                               &err),
                     GW_ESCHEMA);
    assert_int_equal(err.line, 8);
    assert_string_equal(err.msg, "missing required key \"source\"");
}

static void test_rate_without_unit(void **state)
{
    (void)state;
    gw_error err;
    assert_int_equal(plan_with(HEAD "      - {name: g, category: GPU, scope: gpu, "
                                    "rate: {value: 1e-5, source: s}}\n" JOB,
                               &err),
                     GW_EUNIT);
    assert_int_equal(err.line, 8);
    assert_string_equal(err.where, "profiles[0].causes[0].rate.value");
}

static void test_missing_job_key(void **state)
{
    (void)state;
    gw_error err;
    assert_int_equal(plan_with(HEAD "      - {name: g, category: GPU, scope: gpu, "
                                    "rate: {value: 1e-5 /h, source: s}}\n"
                                    "job:\n  detect: {value: 60 s, source: s}\n",
                               &err),
                     GW_ESCHEMA);
    assert_string_equal(err.msg, "missing required key \"checkpoint_bytes_per_param\"");
}

static void test_unknown_profile(void **state)
{
    (void)state;
    gw_rel_job job;
    job_init(&job, DATA_DIR);
    job.profile = "nope";
    gw_rel_result r;
    gw_error err;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_ENOTFOUND);
    assert_non_null(strstr(err.msg, "unknown failure profile \"nope\""));
    assert_non_null(strstr(err.msg, "llama3-production"));
}

static void test_bad_jobs(void **state)
{
    (void)state;
    gw_rel_job job;
    gw_rel_result r;
    gw_error err;
    job_init(&job, DATA_DIR);
    job.gpus = 0.0;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_EINVAL);
    job_init(&job, DATA_DIR);
    job.duration_s = 0.0;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_EINVAL);
    assert_string_equal(err.msg, "give the run's duration_s (window) or work_s");
    job_init(&job, DATA_DIR);
    job.checkpoint_interval_s = -5.0;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_EINVAL);
    job_init(&job, DATA_DIR);
    job.gpus_per_node = 0;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_EINVAL);
    job_init(&job, DATA_DIR);
    job.restart_s = (double)NAN;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_EINVAL);
    assert_int_equal(gw_rel_plan(ctx, NULL, NULL, &r, &err), GW_EINVAL);
}

static void test_missing_file(void **state)
{
    (void)state;
    gw_rel_job job;
    job_init(&job, "/nonexistent/gw_rel_dir");
    gw_rel_result r;
    gw_error err;
    assert_int_equal(gw_rel_plan(ctx, NULL, &job, &r, &err), GW_EIO);
}

/* Allocation failures: failing the 1st, 2nd, ... allocation of a plan with
 * a Monte Carlo gives GW_ENOMEM and leaks nothing; past the last allocation
 * the plan succeeds. */
static void test_enomem(void **state)
{
    (void)state;
    gw_test_alloc ta;
    gw_test_alloc_init(&ta);
    gw_ctx *c = gw_ctx_new(gw_test_alloc_fn, &ta);
    assert_non_null(c);
    long base = ta.live_blocks;
    gw_rel_job job;
    job_init(&job, DATA_DIR);
    job.trials = 8;
    job.search_interval = true;
    job.search_trials = 4;
    job.spares_frac = 0.01;
    gw_rel_result r;
    gw_error err;
    bool ok = false;
    for (unsigned long n = 1; n < 100000 && !ok; n++) {
        gw_test_alloc_arm(&ta, n, 0);
        gw_status rc = gw_rel_plan(c, NULL, &job, &r, &err);
        if (rc == GW_OK)
            ok = true;
        else
            assert_int_equal(rc, GW_ENOMEM);
        assert_int_equal(ta.live_blocks, base);
    }
    assert_true(ok);
    gw_test_alloc_arm(&ta, 0, 0);
    gw_ctx_free(c);
    assert_int_equal(ta.live_blocks, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_ok),      cmocka_unit_test(test_bad_scope),
        cmocka_unit_test(test_missing_source),  cmocka_unit_test(test_rate_without_unit),
        cmocka_unit_test(test_missing_job_key), cmocka_unit_test(test_unknown_profile),
        cmocka_unit_test(test_bad_jobs),        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_enomem),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
