/* SPDX-License-Identifier: MIT */
/*
 * test_train_pipeline.c: uneven pipeline stages (docs/models/train.md,
 * "Uneven pipeline stages"): the split rules of gw_train_pp_split, the
 * search accepting layer counts PP does not divide (61 layers on PP 16),
 * the step paced by the slowest stage (a lighter last stage wins when the
 * LM head is large), memory from the most loaded stage, and the even split
 * unchanged when PP divides the layers.
 */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_env.h"

typedef struct fixture {
    gw_ctx *ctx;
    gw_catalog *cat;
    gw_train_params p;
    const gw_accel *h100;
} fixture;

static int setup(void **state)
{
    static fixture f;
    gw_error err;
    memset(&err, 0, sizeof err);
    if (gw_test_open(&f.ctx, &f.cat) != 0 ||
        gw_train_params_load(f.ctx, GW_SOURCE_DIR "/data", &f.p, &err) != GW_OK ||
        gw_catalog_accel_find(f.cat, "h100-sxm", &f.h100, &err) != GW_OK) {
        print_error("setup: %s\n", err.msg);
        return -1;
    }
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gw_test_close(f->ctx, f->cat);
    return 0;
}

/* A dense decoder of L layers, h = 4096, vocabulary V. */
static gw_model dense(int L, int V)
{
    gw_model m;
    memset(&m, 0, sizeof m);
    m.name = "dense-test";
    m.model_type = "llama";
    m.n_layers = L;
    m.hidden = 4096;
    m.n_heads = 32;
    m.n_kv_heads = 8;
    m.head_dim = 128;
    m.ffn_hidden = 14336;
    m.vocab = V;
    m.max_seq = 8192;
    m.mlp = GW_MLP_SWIGLU;
    return m;
}

static gw_train_config cfg(int pp, int vpp, int first, int last)
{
    gw_train_config c;
    memset(&c, 0, sizeof c);
    c.tp = 8;
    c.pp = pp;
    c.vpp = vpp;
    c.dp = 1;
    c.cp = c.ep = c.etp = 1;
    c.micro_batch = 1;
    c.recompute = GW_TRAIN_RECOMPUTE_FULL;
    c.precision = GW_PREC_BF16;
    c.seq_parallel = true;
    c.pp_first = first;
    c.pp_last = last;
    return c;
}

static void split_rules(void **state)
{
    (void)state;
    int f, m, l;
    /* Even: every stage L / pp. */
    gw_train_config c = cfg(16, 1, 0, 0);
    assert_true(gw_train_pp_split(64, &c, &f, &m, &l));
    assert_int_equal(f, 4);
    assert_int_equal(m, 4);
    assert_int_equal(l, 4);
    /* 61 on 16 without a split: ceil(61/16) = 4 per stage, 1 on the last. */
    assert_true(gw_train_pp_split(61, &c, &f, &m, &l));
    assert_int_equal(f, 4);
    assert_int_equal(m, 4);
    assert_int_equal(l, 1);
    /* DeepSeek-V3's Megatron layout: 3 + 14 x 4 + 2, interleaved by 2
     * (the busiest stage, 4 layers, cuts into 2 chunks). */
    c = cfg(16, 2, 3, 2);
    assert_true(gw_train_pp_split(61, &c, &f, &m, &l));
    assert_int_equal(f, 3);
    assert_int_equal(m, 4);
    assert_int_equal(l, 2);
    c.vpp = 3; /* 4 layers do not cut into 3 chunks */
    assert_false(gw_train_pp_split(61, &c, &f, &m, &l));
    /* Megatron's rule with one count given: the other stages equal. */
    c = cfg(8, 1, 0, 14);
    assert_true(gw_train_pp_split(126, &c, &f, &m, &l));
    assert_int_equal(f, 16);
    assert_int_equal(m, 16);
    assert_int_equal(l, 14);
    /* Llama 3's balanced stages: 126 layers as 15 + 6 x 16 + 15. */
    c = cfg(8, 8, 15, 15);
    assert_true(gw_train_pp_split(126, &c, &f, &m, &l));
    assert_int_equal(m, 16);
    /* Impossible: the middle stages would get no layer. */
    c = cfg(16, 1, 30, 30);
    assert_false(gw_train_pp_split(61, &c, &f, &m, &l));
    c = cfg(2, 1, 10, 10);
    assert_false(gw_train_pp_split(61, &c, &f, &m, &l));
}

static void deepseek_61_on_pp16(void **state)
{
    fixture *f = *state;
    const gw_model *m = NULL;
    const gw_accel *a = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_catalog_model_find(f->cat, "deepseek-v3", &m, &err), GW_OK);
    assert_int_equal(gw_catalog_accel_find(f->cat, "h800-sxm", &a, &err), GW_OK);
    assert_int_equal(m->n_layers, 61);
    gw_train_opts o;
    gw_train_opts_init(&o);
    o.n_gpus = 2048;
    o.seq_len = 4096;
    o.global_batch_seqs = 15360;
    o.params = &f->p;
    o.tp = 1;
    o.pp = 16;
    o.ep = 64;
    o.precision = GW_PREC_FP8;
    gw_train_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    assert_int_equal(gw_train_plan(f->ctx, f->cat, m, a, NULL, &o, r, &err), GW_OK);
    int sf, sm, sl;
    assert_true(gw_train_pp_split(61, &r->best.cfg, &sf, &sm, &sl));
    /* Sensible: the middle stages hold ceil(61/16) = 4 layers, first and
     * last no more, all 61 placed. */
    assert_int_equal(sm, 4);
    assert_true(sf >= 1 && sf <= 4 && sl >= 1 && sl <= 4);
    assert_int_equal(sf + sl + 14 * sm, 61);

    /* A fixed split is kept; one that cannot exist is an input error
     * naming the option. */
    o.pp_first = 3;
    o.pp_last = 2;
    assert_int_equal(gw_train_plan(f->ctx, f->cat, m, a, NULL, &o, r, &err), GW_OK);
    assert_int_equal(r->best.cfg.pp_first, 3);
    assert_int_equal(r->best.cfg.pp_last, 2);
    /* The launch settings carry the split: Megatron's flags without
     * interleaving, a layout when 3 layers do not cut into 2 chunks. */
    char *text = NULL;
    assert_int_equal(gw_train_emit(f->ctx, r, GW_TRAIN_EMIT_MEGATRON, &text, &err), GW_OK);
    assert_non_null(strstr(text, "--decoder-first-pipeline-num-layers 3\n"));
    assert_non_null(strstr(text, "--decoder-last-pipeline-num-layers 2\n"));
    gw_free(f->ctx, text);
    r->best.cfg.vpp = 2;
    text = NULL;
    assert_int_equal(gw_train_emit(f->ctx, r, GW_TRAIN_EMIT_MEGATRON, &text, &err), GW_OK);
    assert_non_null(strstr(text, "--pipeline-model-parallel-layout \"Ett|tt|"));
    assert_null(strstr(text, "--decoder-first-pipeline-num-layers"));
    gw_free(f->ctx, text);
    o.pp_first = 30;
    o.pp_last = 30;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_train_plan(f->ctx, f->cat, m, a, NULL, &o, r, &err), GW_ERANGE);
    assert_string_equal(err.where, "pp_first");
    o.pp_first = GW_TRAIN_ANY;
    o.pp_last = 61;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_train_plan(f->ctx, f->cat, m, a, NULL, &o, r, &err), GW_ERANGE);
    assert_string_equal(err.where, "pp_last");
    free(r);
}

static void eval_one(const fixture *f, const gw_model *m, const gw_train_config *c,
                     gw_train_eval *e)
{
    gw_train_topo t;
    gw_error err;
    gw_train_topo_for(f->cat, f->h100, NULL, &f->p, &t);
    assert_int_equal(gw_train_eval_config(m, f->h100, &t, &f->p, NULL, c, 8192, 64, e, &err),
                     GW_OK);
}

static void slowest_stage_paces(void **state)
{
    fixture *f = *state;
    gw_train_eval bal, unb, small_bal, small_unb;
    /* 14 layers on 4 stages, middle stages 4 layers. A 1M-token vocabulary
     * makes the LM head worth several layers: the last stage is the
     * slowest, so a lighter one (3 + 4 + 4 + 3, Llama 3's balanced
     * stages) beats a full one (2 + 4 + 4 + 4). */
    gw_model m = dense(14, 1 << 20);
    gw_train_config b = cfg(4, 1, 3, 3), u = cfg(4, 1, 2, 4);
    eval_one(f, &m, &b, &bal);
    eval_one(f, &m, &u, &unb);
    assert_int_equal(bal.reject, GW_TRAIN_OK);
    assert_int_equal(unb.reject, GW_TRAIN_OK);
    assert_true(bal.time.step_s < unb.time.step_s);
    /* The gap is about one layer per micro-batch: the last stage's extra
     * layer, times the micro-batches plus the bubble. */
    assert_true(unb.time.compute_s > bal.time.compute_s);
    /* A small head: the middle stages (4 layers) set the pace whether the
     * first or the last stage is lighter (3 + 4 + 4 + 3 or 4 + 4 + 4 + 2),
     * so both take the same compute time per micro-batch. */
    m = dense(14, 1024);
    gw_train_config u2 = cfg(4, 1, 4, 2);
    eval_one(f, &m, &b, &small_bal);
    eval_one(f, &m, &u2, &small_unb);
    assert_true(fabs(small_bal.time.compute_s - small_unb.time.compute_s) <=
                1e-12 * small_bal.time.compute_s);
}

static void memory_most_loaded_stage(void **state)
{
    fixture *f = *state;
    gw_train_eval e1, e2;
    /* 14 layers on 4 stages: first 1 layer (4 micro-batches in flight =
     * 4 layer-micro-batches), middle stages 4 and 4 layers (the second
     * holds 3 in flight: 12), last 5 (1 in flight: 5 + logits). The
     * second stage is the most loaded: 12 layers' activations. */
    gw_model m = dense(14, 1024);
    gw_train_config c = cfg(4, 1, 1, 5);
    eval_one(f, &m, &c, &e1);
    assert_int_equal(e1.reject, GW_TRAIN_OK);
    /* Full recompute stores each layer's input: s x h x 2 bytes / TP (with
     * sequence parallelism) per layer per micro-batch. */
    double act = 8192.0 * 4096 * 2 / 8;
    assert_true(fabs(e1.mem.activations_bytes - 12 * act) <= 1e-9 * 12 * act);
    /* The same layers with the heavy first stage (5 + 4 + 4 + 1): the
     * first stage holds 4 x 5 = 20. */
    c = cfg(4, 1, 5, 1);
    eval_one(f, &m, &c, &e2);
    assert_true(fabs(e2.mem.activations_bytes - 20 * act) <= 1e-9 * 20 * act);
    assert_true(e2.mem.total_bytes > e1.mem.total_bytes);
}

static void even_split_unchanged(void **state)
{
    fixture *f = *state;
    gw_train_eval a, b;
    /* 16 layers on 4 stages: no split given and 4 + 4 + 4 + 4 given are the
     * same configuration, bit for bit. */
    gw_model m = dense(16, 128256);
    gw_train_config c0 = cfg(4, 2, 0, 0), c1 = cfg(4, 2, 4, 4);
    eval_one(f, &m, &c0, &a);
    eval_one(f, &m, &c1, &b);
    assert_true(a.time.step_s == b.time.step_s);
    assert_true(a.mem.total_bytes == b.mem.total_bytes);
    /* The search keeps the even split when PP divides the layers. */
    gw_train_opts o;
    gw_train_opts_init(&o);
    o.n_gpus = 64;
    o.seq_len = 8192;
    o.global_batch_seqs = 64;
    o.params = &f->p;
    o.pp = 4;
    gw_train_result *r = calloc(1, sizeof *r);
    gw_error err;
    assert_non_null(r);
    assert_int_equal(gw_train_plan(f->ctx, f->cat, &m, f->h100, NULL, &o, r, &err), GW_OK);
    assert_int_equal(r->best.cfg.pp_first, 0);
    assert_int_equal(r->best.cfg.pp_last, 0);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_rules),          cmocka_unit_test(deepseek_61_on_pp16),
        cmocka_unit_test(slowest_stage_paces),  cmocka_unit_test(memory_most_loaded_stage),
        cmocka_unit_test(even_split_unchanged),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
