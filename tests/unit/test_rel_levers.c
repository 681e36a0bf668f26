/* SPDX-License-Identifier: MIT */
/*
 * test_rel_levers.c: failure units per hardware generation and the
 * fault-tolerance levers of the reliability model (docs/models/rel.md,
 * R1a-R1b and R9-R12).
 *
 * The lever equations are checked on a one-cause failure file written by the
 * test, so every expected value can be derived by hand in the comments; the
 * generation rules are checked on the real data/failures.yaml against the
 * Llama 3 profile (the H100 reference run must not move) and a GB200 NVL72
 * job (node rates per GPU of host, rack parts, proxies).
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

#define DATA_DIR GW_SOURCE_DIR "/data"

static gw_ctx *ctx;
static gw_catalog *cat;
static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    ctx = gw_ctx_new(NULL, NULL);
    gw_error err;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gw_rel_levXXXXXX");
    if (!ctx || !mkdtemp(tmpdir))
        return -1;
    return gw_catalog_load(ctx, DATA_DIR, &cat, &err) == GW_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char p[128];
    snprintf(p, sizeof p, "%s/failures.yaml", tmpdir);
    remove(p);
    rmdir(tmpdir);
    gw_catalog_free(cat);
    gw_ctx_free(ctx);
    return 0;
}

/* One failure cause: a GPU-scoped, hardware, 1e-4 per GPU-hour. The job
 * parameters are those of data/failures.yaml (the lever ones included). */
static const char one_cause[] =
    "schema_version: 1\n"
    "default_profile: p\n"
    "profiles:\n"
    "  - name: p\n"
    "    source: test\n"
    "    reference: {gpus: 8, gpus_per_node: 8, nics_per_gpu: 1, switch_radix: 64, duration: 1 d}\n"
    "    causes:\n"
    "      - {name: g, category: GPU, scope: gpu, hardware: true, rate: {value: 1e-4 /h, source: "
    "s}}\n"
    "job:\n"
    "  checkpoint_bytes_per_param: {value: 14, source: s}\n"
    "  storage_write_per_gpu: {value: 81.4 MB/s, source: s}\n"
    "  snapshot_per_gpu: {value: 25 GB/s, source: s}\n"
    "  detect: {value: 60 s, source: s}\n"
    "  restart_reference: {value: 240 s, source: s}\n"
    "  restart_reference_gpus: {value: 16384, source: s}\n"
    "  restart_per_doubling: {value: 30 s, source: s}\n"
    "  restart_min: {value: 60 s, source: s}\n"
    "  repair: {value: 3 d, source: s}\n"
    "  spare_quantile: {value: 0.999, source: s}\n"
    "  straggler_node_fraction: {value: 0.5%, source: s}\n"
    "  straggler_slowdown: {value: 0.7%, source: s}\n"
    "  lemon_rate_multiplier: {value: 206, source: s}\n"
    "  reference_age: {value: 180 d, source: s}\n"
    "  switch_radix: {value: 64, source: s}\n"
    "  default_params: {value: 405e9, source: s}\n"
    "  target_goodput: {value: 90%, source: s}\n"
    "  max_wall_factor: {value: 10, source: s}\n"
    "  longest_run: {value: 100 years, source: s}\n"
    "  search_span: {value: 8, source: s}\n"
    "  min_interval: {value: 30 s, source: s}\n"
    "  detect_fast: {value: 10 s, source: s}\n"
    "  hot_restart_reference: {value: 20 s, source: s}\n"
    "  hot_restart_reference_gpus: {value: 1024, source: s}\n"
    "  peer_copy_per_gpu: {value: 12.5 GB/s, source: s}\n"
    "  elastic_pause: {value: 5 s, source: s}\n"
    "  replica_gpus: {value: 128, source: s}\n"
    "  replica_state_per_gpu: {value: 44.3 GB, source: s}\n";

static void write_one_cause(void)
{
    char p[128];
    snprintf(p, sizeof p, "%s/failures.yaml", tmpdir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(one_cause, f);
    fclose(f);
}

/* 8192 GPUs, 8 per node, 405B parameters (5.67 TB checkpoint), 30-day
 * window, no stragglers: lambda = 8192 x 1e-4 / 3600 s = 2.27556e-4 /s. */
static void one_cause_job(gw_rel_job *job, unsigned levers)
{
    gw_rel_job_init(job);
    job->gpus = 8192;
    job->gpus_per_node = 8;
    job->duration_s = 30 * 86400.0;
    job->stragglers_removed = true;
    job->levers = levers;
    job->data_dir = tmpdir;
}

#define LAMBDA (8192.0 * 1e-4 / 3600.0)
#define BIT(l) (1u << (unsigned)(l))

static void plan_ok(const gw_rel_job *job, gw_rel_result *r)
{
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw_rel_plan(ctx, cat, job, r, &err);
    if (rc != GW_OK)
        fail_msg("gw_rel_plan: %s", err.msg);
}

/* Elastic alone (R10): every failure is contained (one GPU cause). The job
 * stalls for detection + quorum change, 60 + 5 s, and runs without the
 * replica until its node is repaired (3 d = 259200 s). Replicas: 8192 / 128
 * = 64 (5.67 TB / 44.3 GB = 128 GPUs, the data default too).
 *   A = (1 - 2.27556e-4 x 65) (1 - 2.27556e-4 x 259200 / 64)
 *     = 0.985209 x 0.078400 = 0.077240.
 * With no job-wide failure the interval is the whole window and the
 * checkpoint overhead is block / window, negligible (8.5 s / 30 d). */
static void test_elastic_alone(void **state)
{
    (void)state;
    write_one_cause();
    gw_rel_job job;
    one_cause_job(&job, BIT(GW_REL_LEVER_ELASTIC));
    gw_rel_result r;
    plan_ok(&job, &r);
    assert_true(fabs(r.replica_gpus - 128.0) < 1e-9);
    double A = (1.0 - LAMBDA * 65.0) * (1.0 - LAMBDA * 259200.0 / 64.0);
    assert_true(fabs(A - 0.077240) < 1e-5);
    assert_true(fabs(r.goodput - A) < 1e-5);
    /* Elastic alone holds no spares. */
    assert_true(r.lever_search.goodput_alone[GW_REL_LEVER_ELASTIC] == r.goodput);
}

/* Partial restart alone (R11): the job waits while one 128-GPU replica
 * restarts, restart(128) = max(60, 240 + 30 log2(128/16384)) = 60 s, and
 * fetches its 5.67 TB / 128 = 44.3 GB from a peer replica at 12.5 GB/s
 * (3.5438 s); no rollback.
 *   A = 1 - 2.27556e-4 x (60 + 60 + 3.5438) = 0.971887. */
static void test_partial_alone(void **state)
{
    (void)state;
    write_one_cause();
    gw_rel_job job;
    one_cause_job(&job, BIT(GW_REL_LEVER_PARTIAL));
    gw_rel_result r;
    plan_ok(&job, &r);
    double fetch = 405e9 * 14.0 / 128.0 / 12.5e9;
    double A = 1.0 - LAMBDA * (60.0 + 60.0 + fetch);
    assert_true(fabs(A - 0.971887) < 1e-5);
    assert_true(fabs(r.goodput - A) < 1e-5);
}

/* Elastic + hot spares + fast detection: detection 10 s, the replica comes
 * back after detection + hot restart of 128 GPUs (20 s: below the 1024-GPU
 * reference the restart stays at 20 s) + the 3.5438 s fetch.
 *   A = (1 - lambda x 15) (1 - lambda x 33.5438 / 64) = 0.996587 x 0.999881. */
static void test_elastic_hot_fast(void **state)
{
    (void)state;
    write_one_cause();
    gw_rel_job job;
    one_cause_job(&job, BIT(GW_REL_LEVER_ELASTIC) | BIT(GW_REL_LEVER_HOT_SPARES) |
                            BIT(GW_REL_LEVER_FAST_DETECT));
    gw_rel_result r;
    plan_ok(&job, &r);
    double fetch = 405e9 * 14.0 / 128.0 / 12.5e9;
    double A = (1.0 - LAMBDA * 15.0) * (1.0 - LAMBDA * (10.0 + 20.0 + fetch) / 64.0);
    assert_true(fabs(r.goodput - A) < 1e-5);
    assert_true(fabs(r.detect_s - 10.0) < 1e-12);
    /* Hot spares restart the whole job in 20 + 30 log2(8192/1024) = 110 s. */
    assert_true(fabs(r.restart_s - 110.0) < 1e-9);
}

/* In-memory checkpoints (R9): the job blocks only for the device-to-host
 * snapshot of its shard, 5.67 TB / 8192 / 25 GB/s = 27.7 ms, and the
 * checkpoint commits after the copy to a peer, 692 MB / 12.5 GB/s = 55.4
 * ms; the storage write (8.5 s) is left to planned stops. */
static void test_in_memory(void **state)
{
    (void)state;
    write_one_cause();
    gw_rel_job job;
    one_cause_job(&job, BIT(GW_REL_LEVER_INMEM));
    gw_rel_result r0, r;
    plan_ok(&job, &r);
    one_cause_job(&job, 0);
    plan_ok(&job, &r0);
    double shard = 405e9 * 14.0 / 8192.0;
    assert_true(r.checkpoint_async);
    assert_true(fabs(r.checkpoint_block_s - shard / 25e9) < 1e-12);
    assert_true(r.goodput > r0.goodput);
    assert_true(fabs(r.lever_search.goodput_alone[GW_REL_LEVER_INMEM] - r.goodput) < 1e-12);
    assert_true(fabs(r.lever_search.goodput_none - r0.goodput) < 1e-12);
}

/* The search (R12): with every lever the goodput is the best; the cheapest
 * set reaching 90% holds the spare pool unless it is elastic alone. */
static void test_search(void **state)
{
    (void)state;
    write_one_cause();
    gw_rel_job job;
    one_cause_job(&job, 0);
    gw_rel_result r;
    plan_ok(&job, &r);
    const gw_rel_levers *lv = &r.lever_search;
    assert_true(lv->found);
    assert_true(lv->best_goodput >= 0.9);
    assert_true(lv->max_goodput >= lv->goodput_all - 1e-12);
    for (unsigned k = 0; k < GW_REL_N_LEVERS; k++)
        assert_true(lv->goodput_alone[k] <= lv->max_goodput + 1e-12);
    /* Pool: Poisson 99.9% quantile of nodes in repair, mean lambda x 3 d =
     * 58.98 nodes, x 8 GPUs. */
    assert_true(lv->spare_pool_gpus > 8.0 * 58.98 && lv->spare_pool_gpus < 8.0 * 90.0);
    assert_true(lv->best_spare_gpus == lv->spare_pool_gpus);
    char buf[96];
    assert_string_equal(gw_rel_lever_set_str(0, buf, sizeof buf), "none");
    assert_string_equal(
        gw_rel_lever_set_str(BIT(GW_REL_LEVER_ELASTIC) | BIT(GW_REL_LEVER_HOT_SPARES), buf,
                             sizeof buf),
        "elastic+hot-spares");
    assert_string_equal(gw_rel_lever_name(GW_REL_N_LEVERS), "?");
}

/* The H100 reference run does not move: 8-GPU nodes, no rack domain, no
 * proxies; Llama 3's 419 +-10%. */
static void test_h100_unchanged(void **state)
{
    (void)state;
    gw_rel_job job;
    gw_rel_job_init(&job);
    job.accelerator = "h100-sxm";
    job.gpus = 16384;
    job.duration_s = 54 * 86400.0;
    job.data_dir = DATA_DIR;
    gw_rel_result r;
    plan_ok(&job, &r);
    assert_true(fabs(r.unexpected_interruptions - 419.0) <= 0.10 * 419.0);
    assert_true(r.node_rate_factor == 1.0);
    assert_true(r.racks == 0.0);
    assert_int_equal((int)r.n_proxy, 0);
}

/* GB200 NVL72 (R1a, R1b): 4-GPU trays take node rates x 4/8; the rack's
 * power shelves replace the trays' power supplies; 16384 GPUs are
 * ceil(16384/72) = 228 rack domains; every rate is a proxy. The node part
 * of Llama 3's mix (46 of 419 events, power supplies 3 of them) halves:
 * without the fix the same cluster would have 43 more node events per 54
 * days, the ~11% of issue 12 (46/419). */
static void test_gb200_units(void **state)
{
    (void)state;
    gw_rel_job job;
    gw_rel_job_init(&job);
    job.accelerator = "gb200";
    job.gpus = 16384;
    job.duration_s = 54 * 86400.0;
    job.data_dir = DATA_DIR;
    gw_rel_result r;
    plan_ok(&job, &r);
    assert_string_equal(r.system, "gb200-nvl72");
    assert_true(fabs(r.node_rate_factor - 0.5) < 1e-12);
    assert_true(r.racks == 228.0);
    assert_int_equal(r.rack_gpus, 72);
    assert_int_equal((int)r.n_proxy, (int)r.n_causes);
    double node = 0.0, rack = 0.0, psu = -1.0;
    for (size_t i = 0; i < r.n_causes; i++) {
        const gw_rel_cause *c = &r.causes[i];
        if (c->scope == GW_REL_SCOPE_NODE)
            node += c->expected;
        if (c->scope == GW_REL_SCOPE_RACK) {
            rack += c->expected;
            assert_true(c->gpus_out == 72.0);
        }
        if (strcmp(c->name, "Power supply") == 0)
            psu = c->expected;
    }
    assert_true(psu < 0.0); /* replaced by the rack power shelf */
    /* Node causes less the power supply: 43 events on 2048 8-GPU servers;
     * 4096 trays at half the rate give 43 again. */
    assert_true(fabs(node - 43.0) < 0.5);
    /* Rack: 228 x 54 d x 24 h x (1.899e-4 + 1.017e-5) /h = 59.1. */
    assert_true(fabs(rack - 228.0 * 1296.0 * (1.899e-4 + 1.017e-5)) < 0.01);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_elastic_alone),    cmocka_unit_test(test_partial_alone),
        cmocka_unit_test(test_elastic_hot_fast), cmocka_unit_test(test_in_memory),
        cmocka_unit_test(test_search),           cmocka_unit_test(test_h100_unchanged),
        cmocka_unit_test(test_gb200_units),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
