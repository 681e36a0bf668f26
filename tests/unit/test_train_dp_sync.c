/* SPDX-License-Identifier: MIT */
/*
 * test_train_dp_sync.c: how the data-parallel gradient sync is scheduled,
 * as a software fact (gw_train_opts.dp_sync; docs/models/train.md,
 * software facts):
 *   - overlap (default): the reduction hides behind the last backward
 *     pass and the ZeRO-1/2 gather behind the first forward pass;
 *   - after: both exposed, so the DP time is the plain sum of the two,
 *     the same as overlap with nothing to hide behind (dp_overlap 0);
 *   - after-allreduce: as after, with the ZeRO-1/2 gradients all-reduced
 *     in full (about twice the reduce-scatter's bytes on the wire); with
 *     ZeRO 0 the reduction already is an all-reduce;
 *   - ZeRO-3 is not affected;
 *   - the fact reaches the model from the name parser, the run profile
 *     (bloom: after-allreduce), the CSV column, the scenario key and the
 *     CLI flag, and a bad value is an error naming where it is.
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

typedef gw_test_train fixture;
GW_TEST_TRAIN_FIXTURE("h100-sxm")

/* Llama-2-7B on 32 GPUs: TP 2, PP 2, DP 8 (across nodes), 8 micro-batches
 * of one sequence per pipeline. */
static gw_train_eval plan(fixture *f, const gw_train_params *p, int zero, int dp_sync)
{
    gw_model m = gw_test_llama7b();
    gw_train_opts o;
    gw_train_opts_init(&o);
    o.params = p;
    o.n_gpus = 32;
    o.seq_len = 4096;
    o.global_batch_seqs = 64;
    o.tp = 2;
    o.pp = 2;
    o.vpp = 1;
    o.cp = o.ep = o.etp = o.micro_batch = 1;
    o.dp = 8;
    o.zero = zero;
    o.recompute = GW_TRAIN_RECOMPUTE_SELECTIVE;
    o.top_k = 0;
    o.dp_sync = dp_sync;
    gw_train_result r;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_train_plan(f->ctx, f->cat, &m, f->accel, NULL, &o, &r, &err), GW_OK);
    assert_int_equal(r.best.reject, GW_TRAIN_OK);
    assert_int_equal(r.best.grad_accum, 8);
    assert_int_equal(r.dp_sync, dp_sync);
    return r.best;
}

static bool near(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fabs(b);
}

static void after_exposes_reduction_and_gather(void **state)
{
    fixture *f = *state;
    assert_true(f->p.dp_overlap > 0);
    gw_train_params bare = f->p; /* nothing to hide behind: the plain sum */
    bare.dp_overlap = 0.0;
    gw_train_eval ovl = plan(f, &f->p, 1, GW_TRAIN_DP_SYNC_OVERLAP);
    gw_train_eval aft = plan(f, &f->p, 1, GW_TRAIN_DP_SYNC_AFTER);
    gw_train_eval sum = plan(f, &bare, 1, GW_TRAIN_DP_SYNC_OVERLAP);
    gw_train_eval aft_bare = plan(f, &bare, 1, GW_TRAIN_DP_SYNC_AFTER);
    assert_true(ovl.time.dp_comm_s > 0);
    assert_true(aft.time.dp_comm_s > ovl.time.dp_comm_s);
    assert_true(near(aft.time.dp_comm_s, sum.time.dp_comm_s));
    assert_true(near(aft_bare.time.dp_comm_s, aft.time.dp_comm_s));
    /* Only the DP term moves. */
    assert_true(near(aft.time.step_s - aft.time.dp_comm_s, ovl.time.step_s - ovl.time.dp_comm_s));
    assert_true(aft.time.step_s > ovl.time.step_s);
}

static void after_allreduce_reduces_in_full(void **state)
{
    fixture *f = *state;
    gw_train_eval rs = plan(f, &f->p, 1, GW_TRAIN_DP_SYNC_AFTER);
    gw_train_eval ar = plan(f, &f->p, 1, GW_TRAIN_DP_SYNC_AFTER_ALLREDUCE);
    assert_true(ar.time.dp_comm_s > rs.time.dp_comm_s);
    /* ZeRO 0 reduces by all-reduce already (no gather): after-allreduce is
     * after there, and its time is the all-reduce alone. */
    gw_train_eval z0 = plan(f, &f->p, 0, GW_TRAIN_DP_SYNC_AFTER);
    gw_train_eval z0ar = plan(f, &f->p, 0, GW_TRAIN_DP_SYNC_AFTER_ALLREDUCE);
    assert_true(near(z0.time.dp_comm_s, z0ar.time.dp_comm_s));
    double allreduce = z0.time.dp_comm_s;
    /* ZeRO-1: ar = all-reduce + gather, rs = reduce-scatter + gather, so
     * the reduce-scatter is the all-reduce less their difference; the
     * all-reduce moves twice its bytes (latency terms aside). */
    double reduce_scatter = allreduce - (ar.time.dp_comm_s - rs.time.dp_comm_s);
    assert_true(reduce_scatter > 0);
    double ratio = allreduce / reduce_scatter;
    assert_true(ratio > 1.7 && ratio < 2.3);
}

static void zero3_is_not_affected(void **state)
{
    fixture *f = *state;
    gw_train_eval ovl = plan(f, &f->p, 3, GW_TRAIN_DP_SYNC_OVERLAP);
    gw_train_eval aft = plan(f, &f->p, 3, GW_TRAIN_DP_SYNC_AFTER);
    gw_train_eval ar = plan(f, &f->p, 3, GW_TRAIN_DP_SYNC_AFTER_ALLREDUCE);
    assert_true(ovl.time.dp_comm_s > 0);
    assert_true(ovl.time.step_s == aft.time.step_s);
    assert_true(ovl.time.step_s == ar.time.step_s);
    assert_true(ovl.time.dp_comm_s == ar.time.dp_comm_s);
}

static void names_round_trip(void **state)
{
    (void)state;
    static const gw_train_dp_sync all[] = {GW_TRAIN_DP_SYNC_OVERLAP, GW_TRAIN_DP_SYNC_AFTER,
                                           GW_TRAIN_DP_SYNC_AFTER_ALLREDUCE};
    assert_string_equal(gw_train_dp_sync_name(GW_TRAIN_DP_SYNC_OVERLAP), "overlap");
    assert_string_equal(gw_train_dp_sync_name(GW_TRAIN_DP_SYNC_AFTER), "after");
    assert_string_equal(gw_train_dp_sync_name(GW_TRAIN_DP_SYNC_AFTER_ALLREDUCE), "after-allreduce");
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        gw_train_dp_sync s = GW_TRAIN_DP_SYNC_OVERLAP;
        assert_int_equal(gw_train_dp_sync_parse(gw_train_dp_sync_name(all[i]), &s), GW_OK);
        assert_int_equal(s, all[i]);
    }
    gw_train_dp_sync s = GW_TRAIN_DP_SYNC_AFTER;
    assert_int_equal(gw_train_dp_sync_parse("allreduce", &s), GW_EPARSE);
    assert_int_equal(gw_train_dp_sync_parse("", &s), GW_EPARSE);
    assert_int_equal(gw_train_dp_sync_parse(NULL, &s), GW_EPARSE);
    assert_int_equal(s, GW_TRAIN_DP_SYNC_AFTER); /* untouched */
}

/* Out of range in the options: rejected by the plan, the field named. */
static void bad_opts_value_rejected(void **state)
{
    fixture *f = *state;
    gw_model m = gw_test_llama7b();
    gw_train_opts o;
    gw_train_opts_init(&o);
    o.params = &f->p;
    o.n_gpus = 8;
    o.seq_len = 4096;
    o.global_batch_seqs = 16;
    o.dp_sync = 3;
    gw_train_result r;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_train_plan(f->ctx, f->cat, &m, f->accel, NULL, &o, &r, &err), GW_EINVAL);
    assert_non_null(strstr(err.msg, "dp_sync"));
}

static void scenario_key_reaches_the_opts(void **state)
{
    fixture *f = *state;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_scenario *sc = NULL;
    gw_train_opts o;
    assert_int_equal(gw_scenario_load(f->ctx, NULL, NULL, 0, &sc, &err), GW_OK);
    gw_plan_train_opts(sc, &o);
    assert_int_equal(o.dp_sync, GW_TRAIN_DP_SYNC_OVERLAP); /* not stated: overlap */
    gw_scenario_free(sc);
    const char *set[] = {"workload.dp_sync=after-allreduce"};
    assert_int_equal(gw_scenario_load(f->ctx, NULL, set, 1, &sc, &err), GW_OK);
    gw_plan_train_opts(sc, &o);
    assert_int_equal(o.dp_sync, GW_TRAIN_DP_SYNC_AFTER_ALLREDUCE);
    gw_scenario_free(sc);
    const char *bad[] = {"workload.dp_sync=sometimes"};
    sc = NULL;
    assert_int_not_equal(gw_scenario_load(f->ctx, NULL, bad, 1, &sc, &err), GW_OK);
    assert_null(sc);
    assert_non_null(strstr(err.where, "workload.dp_sync"));
}

/* data/train.yaml: bloom after-allreduce, megatron-sc21 and korthikanti
 * the default; a bad value is an error at its line. */
static void run_profile_is_read_and_checked(void **state)
{
    fixture *f = *state;
    gw_error err;
    memset(&err, 0, sizeof err);
    int seen = 0;
    for (size_t k = 0; k < f->p.n_profiles; k++) {
        if (strcmp(f->p.profile[k].prefix, "bloom") == 0) {
            assert_int_equal(f->p.profile[k].dp_sync, GW_TRAIN_DP_SYNC_AFTER_ALLREDUCE);
            seen++;
        } else if (strcmp(f->p.profile[k].prefix, "megatron-sc21") == 0 ||
                   strcmp(f->p.profile[k].prefix, "korthikanti") == 0) {
            assert_int_equal(f->p.profile[k].dp_sync, GW_TRAIN_DP_SYNC_OVERLAP);
            seen++;
        }
    }
    assert_int_equal(seen, 3);

    FILE *in = fopen(GW_SOURCE_DIR "/data/train.yaml", "rb");
    assert_non_null(in);
    static char buf[1 << 20];
    size_t len = fread(buf, 1, sizeof buf - 1, in);
    fclose(in);
    buf[len] = '\0';
    char *at = strstr(buf, "\n  bloom: {");
    assert_non_null(at);
    char *v = strstr(at, "dp_sync: after-allreduce");
    assert_non_null(v);
    memcpy(v + strlen("dp_sync: "), "afterXallreduce", 15);
    int line = 1;
    for (const char *c = buf; c <= at; c++)
        line += *c == '\n';
    gw_train_params p;
    assert_int_not_equal(gw__train_params_parse(f->ctx, buf, len, "train.yaml", &p, &err), GW_OK);
    assert_int_equal(err.line, line);
    assert_non_null(strstr(err.where, "bloom"));
    assert_non_null(strstr(err.msg, "after-allreduce"));
}

/* A one-row validation CSV for Llama-2-7B on 32 H100 (TP 2, PP 2, DP 8,
 * ZeRO-1) under id with the given dp_sync cell; the prediction, or -1 on
 * an error (err filled). */
static double csv_predict(fixture *f, const char *id, const char *cell, gw_error *err)
{
    char path[] = "/tmp/gw_dpsync_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *out = fdopen(fd, "w");
    assert_non_null(out);
    fprintf(out,
            "id,model_config,gpu,num_gpus,tp,pp,vpp,cp,ep,etp,dp,zero,recompute,seq_len,"
            "micro_batch,global_batch,precision,measured_step_time_s,derivation,"
            "source_metric,source,dp_sync\n"
            "%s,%s/data/models/llama-2-7b.json,h100-sxm,32,2,2,1,1,1,1,8,1,selective,"
            "4096,1,64,bf16,10.0,d,m,s,%s\n",
            id, GW_SOURCE_DIR, cell);
    fclose(out);
    gw_train_validation *v = NULL;
    gw_status rc = gw_train_validate_file(f->ctx, f->cat, path, &f->p, &v, err);
    remove(path);
    double t = -1;
    if (rc == GW_OK) {
        assert_int_equal(v->n_ok, 1);
        t = v->rows[0].predicted_s;
    }
    gw_train_validation_free(f->ctx, v);
    return t;
}

static void csv_column_and_profile_reach_the_model(void **state)
{
    fixture *f = *state;
    gw_error err;
    memset(&err, 0, sizeof err);
    double mc_default = csv_predict(f, "mcore-x", "", &err);
    double mc_ovl = csv_predict(f, "mcore-x", "overlap", &err);
    double mc_after = csv_predict(f, "mcore-x", "after", &err);
    double mc_ar = csv_predict(f, "mcore-x", "after-allreduce", &err);
    assert_true(mc_default > 0);
    assert_true(mc_default == mc_ovl);
    assert_true(mc_after > mc_ovl);
    assert_true(mc_ar > mc_after);
    /* The bloom profile says after-allreduce; the row's own cell wins. */
    double bl_default = csv_predict(f, "bloom-x", "", &err);
    double bl_ar = csv_predict(f, "bloom-x", "after-allreduce", &err);
    double bl_ovl = csv_predict(f, "bloom-x", "overlap", &err);
    assert_true(bl_default == bl_ar);
    assert_true(bl_ovl < bl_ar);
    /* A bad cell: an error naming the column, line 2. */
    assert_true(csv_predict(f, "mcore-x", "sometimes", &err) < 0);
    assert_non_null(strstr(err.msg, "dp_sync"));
    assert_int_equal(err.line, 2);
}

static void cli_flag_and_emit(void **state)
{
    (void)state;
    const char *base = "train --model llama-2-7b --gpu h100-sxm --gpus 32 --seq 4096 "
                       "--global-batch-tokens 256K --tp 2 --pp 2 --micro-batch 1 "
                       "--recompute selective --zero 1";
    char args[512], *out = NULL;
    snprintf(args, sizeof args, "%s --dp-sync after-allreduce --json", base);
    assert_int_equal(gw_test_cli(args, &out), 0);
    assert_non_null(strstr(out, "\"dp_sync\": \"after-allreduce\""));
    free(out);
    /* The default is not echoed (as Megatron-Core's usual stack). */
    snprintf(args, sizeof args, "%s --json", base);
    assert_int_equal(gw_test_cli(args, &out), 0);
    assert_null(strstr(out, "\"dp_sync\""));
    free(out);
    /* --emit: the overlap switches only where the plan timed the overlap. */
    snprintf(args, sizeof args, "%s --emit megatron", base);
    assert_int_equal(gw_test_cli(args, &out), 0);
    assert_non_null(strstr(out, "  --overlap-grad-reduce\n"));
    assert_non_null(strstr(out, "  --overlap-param-gather\n"));
    free(out);
    snprintf(args, sizeof args, "%s --dp-sync after --emit megatron", base);
    assert_int_equal(gw_test_cli(args, &out), 0);
    assert_null(strstr(out, "  --overlap-grad-reduce\n"));
    assert_null(strstr(out, "  --overlap-param-gather\n"));
    assert_non_null(strstr(out, "does not overlap"));
    free(out);
    snprintf(args, sizeof args, "%s --dp-sync after --emit nemo", base);
    assert_int_equal(gw_test_cli(args, &out), 0);
    assert_null(strstr(out, "ddp.overlap_grad_reduce=true"));
    free(out);
    /* A bad value: exit 2, the flag named. */
    snprintf(args, sizeof args, "%s --dp-sync maybe", base);
    assert_int_equal(gw_test_cli(args, &out), 2);
    assert_non_null(strstr(out, "--dp-sync: expected overlap, after or after-allreduce"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(after_exposes_reduction_and_gather),
        cmocka_unit_test(after_allreduce_reduces_in_full),
        cmocka_unit_test(zero3_is_not_affected),
        cmocka_unit_test(names_round_trip),
        cmocka_unit_test(bad_opts_value_rejected),
        cmocka_unit_test(scenario_key_reaches_the_opts),
        cmocka_unit_test(run_profile_is_read_and_checked),
        cmocka_unit_test(csv_column_and_profile_reach_the_model),
        cmocka_unit_test(cli_flag_and_emit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
