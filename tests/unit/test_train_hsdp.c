/* SPDX-License-Identifier: MIT */
/*
 * test_train_hsdp.c: hybrid sharding (gw_train_config.zero_shard;
 * docs/models/train.md, data-parallel communication): a shard group equal
 * to the whole DP group is plain ZeRO, bit for bit; the sharded state
 * divides by the shard group, not the DP group; the replicas' gradient
 * all-reduce is charged at the comm model's price; on a slow scale-out
 * fabric HSDP inside a scale-up domain beats ZeRO-3 over every rank; a
 * shard group that does not divide DP x CP is rejected; the search keeps a
 * fixed shard group; a bad CSV cell is an error naming the column.
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

typedef gw_test_train fixture;
GW_TEST_TRAIN_FIXTURE("h100-sxm")

/* FSDP-style layout on dp GPUs: no TP/PP, one sequence per micro-batch. */
static gw_train_config fsdp(int dp, int zero, int shard)
{
    gw_train_config c;
    memset(&c, 0, sizeof c);
    c.tp = c.pp = c.vpp = c.cp = c.ep = c.etp = 1;
    c.dp = dp;
    c.micro_batch = 1;
    c.recompute = GW_TRAIN_RECOMPUTE_SELECTIVE;
    c.zero = zero;
    c.zero_shard = shard;
    c.precision = GW_PREC_BF16;
    return c;
}

static gw_train_eval eval_b(fixture *f, const gw_train_params *p, const gw_train_topo *t,
                            gw_train_config c, double batch)
{
    gw_model m = gw_test_llama7b();
    gw_train_eval e;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_train_eval_config(&m, f->accel, t, p, NULL, &c, 4096, batch, &e, &err),
                     GW_OK);
    return e;
}

/* One micro-batch per DP rank per step. */
static gw_train_eval eval(fixture *f, const gw_train_params *p, const gw_train_topo *t,
                          gw_train_config c)
{
    return eval_b(f, p, t, c, c.dp);
}

static void whole_group_is_plain_zero(void **state)
{
    fixture *f = *state;
    for (int z = 1; z <= 3; z++) {
        gw_train_eval a = eval(f, &f->p, &f->topo, fsdp(128, z, 0));
        gw_train_eval b = eval(f, &f->p, &f->topo, fsdp(128, z, 128));
        assert_int_equal(a.reject, GW_TRAIN_OK);
        assert_int_equal(b.reject, GW_TRAIN_OK);
        assert_true(a.time.step_s == b.time.step_s);
        assert_true(a.mem.total_bytes == b.mem.total_bytes);
    }
    /* Without ZeRO there is no sharded state: the shard group is moot
     * (7B with whole optimizer state does not fit an 80 GB GPU either way). */
    gw_train_eval a = eval(f, &f->p, &f->topo, fsdp(128, 0, 0));
    gw_train_eval b = eval(f, &f->p, &f->topo, fsdp(128, 0, 8));
    assert_int_equal(a.reject, b.reject);
    assert_true(a.mem.total_bytes == b.mem.total_bytes);
}

static void state_divides_by_the_shard_group(void **state)
{
    fixture *f = *state;
    gw_train_eval a = eval(f, &f->p, &f->topo, fsdp(128, 3, 0));
    gw_train_eval b = eval(f, &f->p, &f->topo, fsdp(128, 3, 8));
    assert_int_equal(b.reject, GW_TRAIN_OK);
    /* 128 / 8 = 16 times the optimizer state, gradients and weights. */
    assert_true(fabs(b.mem.optimizer_bytes / a.mem.optimizer_bytes - 16.0) < 1e-9);
    assert_true(fabs(b.mem.grads_bytes / a.mem.grads_bytes - 16.0) < 1e-9);
    assert_true(fabs(b.mem.weights_bytes / a.mem.weights_bytes - 16.0) < 1e-9);
    /* The optimizer step updates 16 times the parameters per GPU. */
    assert_true(fabs(b.time.optimizer_s / a.time.optimizer_s - 16.0) < 1e-9);
}

/* With nothing overlapped (dp_overlap 0) and one bucket, ZeRO-1 HSDP pays
 * the shard group's reduce-scatter and all-gather plus the replicas'
 * all-reduce of each rank's gradient shard, at the comm model's prices. */
static void replica_allreduce_is_charged(void **state)
{
    fixture *f = *state;
    gw_train_params p = f->p;
    p.dp_overlap = 0.0;
    p.dp_bucket_params = 1e15; /* one bucket: no per-bucket latency to count */
    p.dp_bucket_params_per_rank = 0.0;
    gw_train_eval e = eval(f, &p, &f->topo, fsdp(128, 1, 8));
    assert_int_equal(e.reject, GW_TRAIN_OK);
    const gw_train_comm_model *cm = gw_train_comm_alphabeta();
    /* ZeRO-1 keeps whole weights: parameters per GPU from their bytes. */
    double params = e.mem.weights_bytes / p.weight_bytes_per_param;
    double gb = p.grad_bytes_per_param;
    gw_train_group shard = {8, 8, 1, GW_TRAIN_GROUP_DP};
    gw_train_group reps = {16, 1, 8, GW_TRAIN_GROUP_DP};
    double rs = cm->reducescatter_s(cm->ud, &f->topo, shard, params * gb);
    double ag = cm->allgather_s(cm->ud, &f->topo, shard, params * 2.0);
    double ar = cm->allreduce_s(cm->ud, &f->topo, reps, params * gb / 8);
    assert_true(ar > 0.1 * (rs + ag)); /* the scale-out part is not negligible */
    /* Each collective also pays one NCCL latency (microseconds). */
    assert_true(e.time.dp_comm_s >= rs + ag + ar);
    assert_true(e.time.dp_comm_s <= rs + ag + ar + 1e-3);
}

static void hsdp_wins_on_a_slow_fabric(void **state)
{
    fixture *f = *state;
    gw_train_topo t = f->topo;
    t.scaleout_Bps = 1e9; /* 8 Gb/s per GPU */
    /* Eight micro-batches per step: ZeRO-3 over 128 ranks gathers the
     * weights across the slow links before forward and backward of every
     * micro-batch; HSDP keeps the gathers on NVLink and sends one gradient
     * shard per step across. (With one micro-batch the bytes across are
     * alike: two BF16 gathers and an FP32 reduce-scatter against an FP32
     * all-reduce.) */
    gw_train_eval plain = eval_b(f, &f->p, &t, fsdp(128, 3, 0), 8 * 128);
    gw_train_eval hsdp = eval_b(f, &f->p, &t, fsdp(128, 3, 8), 8 * 128);
    assert_int_equal(plain.reject, GW_TRAIN_OK);
    assert_int_equal(hsdp.reject, GW_TRAIN_OK);
    assert_int_equal(hsdp.grad_accum, 8);
    print_message("plain %g s (dp %g), hsdp %g s (dp %g)\n", plain.time.step_s,
                  plain.time.dp_comm_s, hsdp.time.step_s, hsdp.time.dp_comm_s);
    assert_true(hsdp.time.dp_comm_s < 0.25 * plain.time.dp_comm_s);
    assert_true(hsdp.time.step_s < 0.7 * plain.time.step_s);
}

static void indivisible_shard_is_rejected(void **state)
{
    fixture *f = *state;
    gw_train_eval e = eval(f, &f->p, &f->topo, fsdp(128, 3, 6));
    assert_int_equal(e.reject, GW_TRAIN_REJECT_DIVISIBILITY);
    e = eval(f, &f->p, &f->topo, fsdp(128, 3, -2));
    assert_int_equal(e.reject, GW_TRAIN_REJECT_DIVISIBILITY);
}

static void search_keeps_the_shard_group(void **state)
{
    fixture *f = *state;
    gw_model m = gw_test_llama7b();
    gw_train_opts o;
    gw_train_opts_init(&o);
    o.n_gpus = 128;
    o.seq_len = 4096;
    o.global_batch_seqs = 512;
    o.zero = 3;
    o.zero_shard = 8;
    o.top_k = 3;
    o.params = &f->p;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_train_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    assert_int_equal(gw_train_plan(f->ctx, f->cat, &m, f->accel, NULL, &o, r, &err), GW_OK);
    assert_int_equal(r->best.cfg.zero_shard, 8);
    assert_int_equal((r->best.cfg.dp * r->best.cfg.cp) % 8, 0);
    o.zero_shard = -2; /* -1 is GW_TRAIN_ANY: searched */
    assert_int_equal(gw_train_plan(f->ctx, f->cat, &m, f->accel, NULL, &o, r, &err), GW_ERANGE);
    assert_string_equal(err.where, "zero_shard");
    /* The launch settings carry it: Megatron's optimizer instances,
     * torchtitan's replicate x shard degrees. */
    o.zero_shard = 8;
    assert_int_equal(gw_train_plan(f->ctx, f->cat, &m, f->accel, NULL, &o, r, &err), GW_OK);
    char *text = NULL;
    assert_int_equal(gw_train_emit(f->ctx, r, GW_TRAIN_EMIT_MEGATRON, &text, &err), GW_OK);
    char want[96];
    snprintf(want, sizeof want, "--num-distributed-optimizer-instances %d\n",
             r->best.cfg.dp * r->best.cfg.cp / 8);
    assert_non_null(strstr(text, want));
    gw_free(f->ctx, text);
    assert_int_equal(gw_train_emit(f->ctx, r, GW_TRAIN_EMIT_TORCHTITAN, &text, &err), GW_OK);
    assert_non_null(strstr(text, "data_parallel_shard_degree = 8\n"));
    gw_free(f->ctx, text);
    free(r);
}

static void csv_cell_is_checked(void **state)
{
    fixture *f = *state;
    char path[] = "/tmp/gw_hsdp_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *out = fdopen(fd, "w");
    assert_non_null(out);
    fprintf(out,
            "id,model_config,gpu,num_gpus,tp,pp,vpp,cp,ep,etp,dp,zero,recompute,seq_len,"
            "micro_batch,global_batch,precision,measured_step_time_s,derivation,"
            "source_metric,source,zero_shard\n"
            "t-1,%s/data/models/llama-2-7b.json,h100-sxm,16,1,1,1,1,1,,16,3,selective,"
            "4096,1,16,bf16,1.0,d,m,s,6\n",
            GW_SOURCE_DIR);
    fclose(out);
    gw_train_validation *v = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw_train_validate_file(f->ctx, f->cat, path, &f->p, &v, &err);
    remove(path);
    assert_int_not_equal(rc, GW_OK);
    assert_non_null(strstr(err.msg, "zero_shard"));
    assert_int_equal(err.line, 2);
    gw_train_validation_free(f->ctx, v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_group_is_plain_zero),
        cmocka_unit_test(state_divides_by_the_shard_group),
        cmocka_unit_test(replica_allreduce_is_charged),
        cmocka_unit_test(hsdp_wins_on_a_slow_fabric),
        cmocka_unit_test(indivisible_shard_is_rejected),
        cmocka_unit_test(search_keeps_the_shard_group),
        cmocka_unit_test(csv_cell_is_checked),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
