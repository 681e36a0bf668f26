/* SPDX-License-Identifier: MIT */
/*
 * test_train_a2a_overlap.c: the MoE all-to-all overlap as a software fact
 * (gw_train_opts.moe_a2a_overlap; docs/models/train.md, software facts):
 *   - off: the exposed EP time is the whole dispatch + combine; on: the
 *     share (1 - ep_overlap) of it, but only where Megatron-Core's 1F1B
 *     A2A overlap can run (PP 1 or interleaved, no full recomputation,
 *     two or more micro-batches); DualPipe keeps its own rule either way;
 *   - the fact reaches the model from the scenario key
 *     (workload.moe_a2a_overlap), a CSV column of `validate` and a run
 *     profile of data/train.yaml (deepep: off), and a bad value is an
 *     error naming where it is (file:line, --set key, CSV row and column,
 *     the CLI flag with exit status 2);
 *   - --emit writes Megatron-LM's and Megatron-Bridge's switches only
 *     where the plan timed the overlap.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_env.h"
#include "train/train_internal.h"

static gw_model moe_model(int layers)
{
    gw_model m;
    memset(&m, 0, sizeof m);
    m.name = "moe-a2a-test";
    m.n_layers = layers;
    m.hidden = 256;
    m.n_heads = 4;
    m.n_kv_heads = 4;
    m.head_dim = 64;
    m.ffn_hidden = 512;
    m.vocab = 100;
    m.max_seq = 512;
    m.mlp = GW_MLP_SWIGLU;
    m.n_experts = 16;
    m.top_k = 2;
    m.moe_ffn_hidden = 128;
    m.moe_layer_freq = 1;
    return m;
}

/* One scale-up domain of 8 GPUs: EP 8 inside it, PP across domains. */
static gw_accel gpu(void)
{
    gw_accel a;
    memset(&a, 0, sizeof a);
    a.name = "test-gpu";
    a.peak_flops[GW_PREC_BF16] = 1e15;
    a.mem_bytes = a.mem_usable_bytes = 1e12;
    a.mem_Bps = 2e12;
    a.scaleup_Bps = 100e9;
    a.scaleup_domain = 8;
    a.tdp_w = 700;
    return a;
}

static gw_train_params params(void)
{
    gw_train_params p = gw_test_unit_params();
    p.ep_overlap = 0.3;
    return p;
}

/* EP 8 x DP 8 per pipeline stage, pp stages of vpp chunks, seqs sequences
 * of one per micro-batch. */
static gw_train_eval plan(int layers, int pp, int vpp, double seqs, int recompute, bool a2a,
                          bool dualpipe)
{
    gw_model m = moe_model(layers);
    gw_accel a = gpu();
    gw_train_params p = params();
    gw_train_opts o;
    gw_train_opts_init(&o);
    o.params = &p;
    o.n_gpus = 8.0 * pp;
    o.seq_len = 512;
    o.global_batch_seqs = seqs;
    o.tp = o.cp = o.etp = o.micro_batch = 1;
    o.pp = pp;
    o.vpp = vpp;
    o.dp = o.ep = 8;
    o.zero = 1;
    o.recompute = recompute;
    o.top_k = 0;
    o.cuda_graphs = true; /* no host term in the way */
    o.moe_a2a_overlap = a2a;
    o.dualpipe = dualpipe;
    gw_train_result r;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    assert_non_null(ctx);
    gw_ctx_set_threads(ctx, 1);
    assert_int_equal(gw_train_plan(ctx, NULL, &m, &a, NULL, &o, &r, &err), GW_OK);
    gw_ctx_free(ctx);
    assert_int_equal(r.best.reject, GW_TRAIN_OK);
    assert_true(r.moe_a2a_overlap == a2a);
    return r.best;
}

static bool near(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fabs(b);
}

static void off_exposes_the_whole_all_to_all(void **state)
{
    (void)state;
    const int none = GW_TRAIN_RECOMPUTE_NONE;
    /* PP 1, 8 micro-batches per pipeline. */
    gw_train_eval off = plan(2, 1, 1, 64, none, false, false);
    gw_train_eval on = plan(2, 1, 1, 64, none, true, false);
    assert_true(off.time.ep_alltoall_total_s > 0);
    assert_true(near(off.time.ep_comm_s, off.time.ep_alltoall_total_s));
    assert_true(near(on.time.ep_alltoall_total_s, off.time.ep_alltoall_total_s));
    assert_true(near(on.time.ep_comm_s, (1.0 - 0.3) * on.time.ep_alltoall_total_s));
    assert_true(on.time.step_s < off.time.step_s);
}

static void overlap_only_where_megatron_runs_it(void **state)
{
    (void)state;
    const int none = GW_TRAIN_RECOMPUTE_NONE, full = GW_TRAIN_RECOMPUTE_FULL;
    /* Full recomputation: no overlap (Megatron-Core asserts it off). */
    gw_train_eval fo = plan(2, 1, 1, 64, full, true, false);
    gw_train_eval ff = plan(2, 1, 1, 64, full, false, false);
    assert_true(near(fo.time.ep_comm_s, fo.time.ep_alltoall_total_s));
    assert_true(near(fo.time.step_s, ff.time.step_s));
    /* One micro-batch: nothing to pair it with. */
    gw_train_eval m1 = plan(2, 1, 1, 8, none, true, false);
    assert_int_equal(m1.grad_accum, 1);
    assert_true(near(m1.time.ep_comm_s, m1.time.ep_alltoall_total_s));
    /* PP 2 without interleaving: none; with interleaving (VPP 2): on. */
    gw_train_eval p1on = plan(4, 2, 1, 64, none, true, false);
    gw_train_eval p1off = plan(4, 2, 1, 64, none, false, false);
    assert_true(near(p1on.time.step_s, p1off.time.step_s));
    assert_true(p1on.time.ep_comm_s > 0);
    gw_train_eval p2on = plan(4, 2, 2, 64, none, true, false);
    gw_train_eval p2off = plan(4, 2, 2, 64, none, false, false);
    assert_true(near(p2on.time.ep_comm_s, (1.0 - 0.3) * p2off.time.ep_comm_s));
    assert_true(p2on.time.step_s < p2off.time.step_s);
    /* DualPipe (PP 2, no interleaving) keeps its own overlap: the fact
     * does not move it. */
    gw_train_eval don = plan(4, 2, 1, 64, none, true, true);
    gw_train_eval doff = plan(4, 2, 1, 64, none, false, true);
    assert_true(near(don.time.step_s, doff.time.step_s));
}

static void scenario_key_reaches_the_opts(void **state)
{
    (void)state;
    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    assert_non_null(ctx);
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_scenario *sc = NULL;
    gw_train_opts o;
    assert_int_equal(gw_scenario_load(ctx, NULL, NULL, 0, &sc, &err), GW_OK);
    gw_plan_train_opts(sc, &o);
    assert_true(o.moe_a2a_overlap); /* default: on, as current Megatron-Core */
    gw_scenario_free(sc);
    const char *off[] = {"workload.moe_a2a_overlap=false"};
    assert_int_equal(gw_scenario_load(ctx, NULL, off, 1, &sc, &err), GW_OK);
    gw_plan_train_opts(sc, &o);
    assert_false(o.moe_a2a_overlap);
    gw_scenario_free(sc);
    const char *bad[] = {"workload.moe_a2a_overlap=sometimes"};
    sc = NULL;
    assert_int_not_equal(gw_scenario_load(ctx, NULL, bad, 1, &sc, &err), GW_OK);
    assert_null(sc);
    assert_non_null(strstr(err.where, "workload.moe_a2a_overlap"));
    assert_non_null(strstr(err.msg, "expected true or false"));
    gw_ctx_free(ctx);
}

/* data/train.yaml run profiles: deepep says off, mbridge leaves the
 * default (on); a value that is not a boolean is an error at its line. */
static void run_profile_is_read_and_checked(void **state)
{
    (void)state;
    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    assert_non_null(ctx);
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_train_params p;
    assert_int_equal(gw_train_params_load(ctx, GW_SOURCE_DIR "/data", &p, &err), GW_OK);
    int seen = 0;
    for (size_t k = 0; k < p.n_profiles; k++) {
        if (strcmp(p.profile[k].prefix, "deepep") == 0) {
            assert_false(p.profile[k].moe_a2a_overlap);
            seen++;
        } else if (strcmp(p.profile[k].prefix, "mbridge") == 0) {
            assert_true(p.profile[k].moe_a2a_overlap);
            seen++;
        }
    }
    assert_int_equal(seen, 2);

    FILE *in = fopen(GW_SOURCE_DIR "/data/train.yaml", "rb");
    assert_non_null(in);
    static char buf[1 << 20];
    size_t len = fread(buf, 1, sizeof buf - 1, in);
    fclose(in);
    buf[len] = '\0';
    char *at = strstr(buf, "\n  deepep: {");
    assert_non_null(at);
    char *v = strstr(at, "moe_a2a_overlap: false");
    assert_non_null(v);
    memcpy(v + strlen("moe_a2a_overlap: "), "maybe", 5); /* "false" -> "maybe" */
    int line = 1;
    for (const char *c = buf; c <= at; c++)
        line += *c == '\n';
    assert_int_not_equal(gw__train_params_parse(ctx, buf, len, "train.yaml", &p, &err), GW_OK);
    assert_int_equal(err.line, line);
    assert_non_null(strstr(err.where, "deepep"));
    gw_ctx_free(ctx);
}

/* A one-row validation CSV for Qwen3-30B-A3B on 16 H100 (EP 8, PP 1, 8
 * micro-batches) under id with the given moe_a2a_overlap cell; returns
 * the prediction, or -1 on an error (err filled). */
static double csv_predict(const char *id, const char *cell, gw_error *err)
{
    gw_ctx *ctx = NULL;
    gw_catalog *cat = NULL;
    assert_int_equal(gw_test_open(&ctx, &cat), 0);
    gw_train_params p;
    assert_int_equal(gw_train_params_load(ctx, GW_SOURCE_DIR "/data", &p, err), GW_OK);
    char path[] = "/tmp/gw_a2a_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *out = fdopen(fd, "w");
    assert_non_null(out);
    fprintf(out,
            "id,model_config,gpu,num_gpus,tp,pp,vpp,cp,ep,etp,dp,zero,recompute,seq_len,"
            "micro_batch,global_batch,precision,measured_step_time_s,derivation,"
            "source_metric,source,moe_a2a_overlap\n"
            "%s,%s/data/models/qwen3-30b-a3b.json,h100-sxm,16,1,1,1,1,8,1,16,1,selective,"
            "4096,1,128,bf16,10.0,d,m,s,%s\n",
            id, GW_SOURCE_DIR, cell);
    fclose(out);
    gw_train_validation *v = NULL;
    gw_status rc = gw_train_validate_file(ctx, cat, path, &p, &v, err);
    remove(path);
    double t = -1;
    if (rc == GW_OK) {
        assert_int_equal(v->n_ok, 1);
        t = v->rows[0].predicted_s;
    }
    gw_train_validation_free(ctx, v);
    gw_test_close(ctx, cat);
    return t;
}

static void csv_column_and_profile_reach_the_model(void **state)
{
    (void)state;
    gw_error err;
    memset(&err, 0, sizeof err);
    double mb_default = csv_predict("mbridge-x", "", &err);
    double mb_on = csv_predict("mbridge-x", "true", &err);
    double mb_off = csv_predict("mbridge-x", "false", &err);
    assert_true(mb_default > 0 && mb_off > 0);
    assert_true(mb_default == mb_on); /* the mbridge profile: on */
    assert_true(mb_off > mb_on);
    /* The deepep profile says off; the row's own cell wins over it. */
    double dp_default = csv_predict("deepep-x", "", &err);
    double dp_off = csv_predict("deepep-x", "false", &err);
    double dp_on = csv_predict("deepep-x", "true", &err);
    assert_true(dp_default == dp_off);
    assert_true(dp_on < dp_off);
    /* A cell that is not a boolean: an error naming the column, line 2. */
    assert_true(csv_predict("mbridge-x", "sometimes", &err) < 0);
    assert_non_null(strstr(err.msg, "moe_a2a_overlap"));
    assert_int_equal(err.line, 2);
}

static void cli_flag_and_emit(void **state)
{
    (void)state;
    const char *base = "train --model qwen3-30b-a3b --gpu h100-sxm --gpus 16 --seq 4096 "
                       "--global-batch-tokens 512K --tp 1 --pp 1 --ep 8 --micro-batch 1 "
                       "--recompute selective --zero 1 --cuda-graphs";
    char args[512], *out = NULL;
    snprintf(args, sizeof args, "%s --moe-a2a-overlap off --json", base);
    assert_int_equal(gw_test_cli(args, &out), 0);
    assert_non_null(strstr(out, "\"moe_a2a_overlap\": false"));
    free(out);
    snprintf(args, sizeof args, "%s --json", base);
    assert_int_equal(gw_test_cli(args, &out), 0);
    assert_non_null(strstr(out, "\"moe_a2a_overlap\": true"));
    free(out);
    /* --emit: the switches where the plan timed the overlap ... */
    snprintf(args, sizeof args, "%s --emit megatron", base);
    assert_int_equal(gw_test_cli(args, &out), 0);
    assert_non_null(strstr(out, "  --overlap-moe-expert-parallel-comm\n"));
    free(out);
    snprintf(args, sizeof args, "%s --emit nemo", base);
    assert_int_equal(gw_test_cli(args, &out), 0);
    assert_non_null(strstr(out, "  comm_overlap.overlap_moe_expert_parallel_comm=true\n"));
    free(out);
    /* ... and none when it is off or cannot run (full recomputation). */
    snprintf(args, sizeof args, "%s --moe-a2a-overlap off --emit megatron", base);
    assert_int_equal(gw_test_cli(args, &out), 0);
    assert_null(strstr(out, "--overlap-moe-expert-parallel-comm"));
    free(out);
    snprintf(args, sizeof args, "%s --recompute full --emit megatron", base);
    assert_int_equal(gw_test_cli(args, &out), 0);
    assert_null(strstr(out, "  --overlap-moe-expert-parallel-comm\n"));
    assert_non_null(strstr(out, "# EP all-to-all timed exposed"));
    free(out);
    /* A bad value: exit 2, the flag named. */
    snprintf(args, sizeof args, "%s --moe-a2a-overlap maybe", base);
    assert_int_equal(gw_test_cli(args, &out), 2);
    assert_non_null(strstr(out, "--moe-a2a-overlap: expected on or off, got \"maybe\""));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(off_exposes_the_whole_all_to_all),
        cmocka_unit_test(overlap_only_where_megatron_runs_it),
        cmocka_unit_test(scenario_key_reaches_the_opts),
        cmocka_unit_test(run_profile_is_read_and_checked),
        cmocka_unit_test(csv_column_and_profile_reach_the_model),
        cmocka_unit_test(cli_flag_and_emit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
