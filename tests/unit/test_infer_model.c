/* SPDX-License-Identifier: MIT */
/*
 * test_infer_model.c: the serving model of src/infer against hand
 * computations (KV-cache bytes of a GQA and an MLA model), physical bounds
 * (decode tokens/s per GPU never above the HBM-bandwidth or compute bound)
 * and the plan's invariants (frontier order, totals, error paths).
 */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

typedef struct fixture {
    gw_ctx *ctx;
    gw_catalog *cat;
    gw_infer_params ip;
    gw_train_params *tp;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->ctx = gw_ctx_new(NULL, NULL);
    gw_ctx_set_threads(f->ctx, 1);
    f->tp = calloc(1, sizeof *f->tp);
    if (gw_catalog_load(f->ctx, NULL, &f->cat, NULL) != GW_OK ||
        gw_infer_params_load(f->ctx, NULL, &f->ip, NULL) != GW_OK ||
        gw_train_params_load(f->ctx, NULL, f->tp, NULL) != GW_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gw_catalog_free(f->cat);
    free(f->tp);
    gw_ctx_free(f->ctx);
    free(f);
    return 0;
}

static const gw_model *model(fixture *f, const char *name)
{
    const gw_model *m = NULL;
    assert_int_equal(gw_catalog_model_find(f->cat, name, &m, NULL), GW_OK);
    return m;
}

static const gw_accel *gpu(fixture *f, const char *name)
{
    const gw_accel *a = NULL;
    assert_int_equal(gw_catalog_accel_find(f->cat, name, &a, NULL), GW_OK);
    return a;
}

static void kv_cache_bytes(void **state)
{
    fixture *f = *state;
    /* Llama 3.1 70B (GQA): 80 layers x (K + V) x 8 KV heads x 128 dims x
     * 2 B (BF16) = 327,680 B per token; 4096 tokens: 1,342,177,280 B. */
    const gw_model *llama = model(f, "llama3.1-70b");
    assert_int_equal(llama->n_layers, 80);
    assert_int_equal(llama->n_kv_heads, 8);
    assert_true(fabs(gw_infer_kv_bytes(llama, 1, 2.0) - 327680.0) < 1e-6);
    assert_true(fabs(gw_infer_kv_bytes(llama, 4096, 2.0) - 1342177280.0) < 1e-3);
    /* FP8 KV halves it. */
    assert_true(fabs(gw_infer_kv_bytes(llama, 1, 1.0) - 163840.0) < 1e-6);
    /* DeepSeek-V3 (MLA): 61 layers x (kv_lora_rank 512 + rope dim 64) x
     * 2 B = 70,272 B per token (DeepSeek-V2 table 1: (d_c + d_h^R) l). */
    const gw_model *ds = model(f, "deepseek-v3");
    assert_int_equal(ds->n_layers, 61);
    assert_int_equal(ds->kv_lora_rank, 512);
    assert_int_equal(ds->qk_rope_head_dim, 64);
    assert_true(fabs(gw_infer_kv_bytes(ds, 1, 2.0) - 70272.0) < 1e-6);

    /* Per GPU: GQA shards the 8 KV heads over TP8 (one head each, 1/8),
     * TP16 replicates (still one head per GPU); MLA's latent is held whole
     * by every TP rank. */
    gw_infer_opts o;
    gw_infer_opts_init(&o);
    o.n_gpus = 16;
    gw_train_topo topo;
    gw_train_topo_for(f->cat, gpu(f, "h200-sxm"), NULL, f->tp, &topo);
    gw_infer_config c = {8, 1, GW_PREC_BF16, GW_PREC_BF16, 1.0, 1, 0, 0, 0, 0, 0.0};
    gw_infer_eval e;
    assert_int_equal(
        gw_infer_eval_config(llama, gpu(f, "h200-sxm"), &topo, &f->ip, f->tp, &o, &c, &e, NULL),
        GW_OK);
    assert_true(fabs(e.kv_bytes_per_token - 327680.0 / 8) < 1e-6);
    c.tp = 16;
    assert_int_equal(
        gw_infer_eval_config(llama, gpu(f, "h200-sxm"), &topo, &f->ip, f->tp, &o, &c, &e, NULL),
        GW_OK);
    assert_true(fabs(e.kv_bytes_per_token - 327680.0 / 8) < 1e-6);
    c.tp = 8;
    c.precision = GW_PREC_FP8;
    assert_int_equal(
        gw_infer_eval_config(ds, gpu(f, "h200-sxm"), &topo, &f->ip, f->tp, &o, &c, &e, NULL),
        GW_OK);
    assert_true(fabs(e.kv_bytes_per_token - 70272.0) < 1e-6);
}

/* Decode tokens/s per GPU never exceeds the step's HBM-bandwidth bound or
 * its compute bound, over dense and MoE models, layouts, precisions and
 * batches; the MoE experts touched for one token are top_k / E. */
static void decode_bounds(void **state)
{
    fixture *f = *state;
    static const char *const models[] = {"llama3.1-70b", "llama3.1-8b", "deepseek-v3",
                                         "mixtral-8x7b", "qwen3-235b-a22b"};
    static const char *const gpus[] = {"h100-sxm", "h200-sxm", "b200", "mi300x"};
    static const gw_precision precs[] = {GW_PREC_BF16, GW_PREC_FP8, GW_PREC_FP4};
    size_t n_checked = 0;
    for (size_t im = 0; im < sizeof models / sizeof models[0]; im++) {
        const gw_model *m = model(f, models[im]);
        for (size_t ig = 0; ig < sizeof gpus / sizeof gpus[0]; ig++) {
            const gw_accel *a = gpu(f, gpus[ig]);
            gw_train_topo topo;
            gw_train_topo_for(f->cat, a, NULL, f->tp, &topo);
            gw_infer_opts o;
            gw_infer_opts_init(&o);
            o.n_gpus = 64;
            for (int tp = 1; tp <= 8; tp *= 2) {
                for (int ep = 1; ep <= 64; ep = ep == 1 ? 2 * tp : 2 * ep) {
                    for (size_t ip = 0; ip < 3; ip++) {
                        for (double b = 1; b <= 4096; b *= 4)
                            for (int pp = 1; pp <= 4; pp *= 2) {
                                gw_infer_config c = {tp, ep, precs[ip], GW_PREC_BF16, b, pp, 0,
                                                     0,  0,  0,         0.0};
                                gw_infer_eval e;
                                assert_int_equal(gw_infer_eval_config(m, a, &topo, &f->ip, f->tp,
                                                                      &o, &c, &e, NULL),
                                                 GW_OK);
                                if (e.reject == GW_INFER_REJECT_LAYOUT)
                                    continue;
                                assert_true(e.decode_tokens_per_s_per_gpu > 0);
                                assert_true(e.decode_tokens_per_s_per_gpu <=
                                            e.bound_hbm_tokens_per_s_per_gpu);
                                assert_true(e.decode_tokens_per_s_per_gpu <=
                                            e.bound_compute_tokens_per_s_per_gpu);
                                if (pp > 1) {
                                    /* The slowest stage of pp holds ceil(L/pp) layers. */
                                    double L = m->n_layers;
                                    assert_true(fabs(e.pp_bubble -
                                                     (1.0 - (L / pp) / ceil(L / pp))) < 1e-12);
                                    assert_true(fabs(e.tpot_s - pp * e.step_s) < 1e-15);
                                    assert_true(e.p2p_s > 0);
                                }
                                /* With prefill mixed in, fewer output tokens. */
                                assert_true(e.output_tokens_per_s_per_gpu * o.n_gpus /
                                                (e.replicas * e.replica_gpus) <=
                                            e.decode_tokens_per_s_per_gpu * (1 + 1e-12));
                                if (m->n_experts > 0 && b == 1 && ep <= tp)
                                    assert_true(fabs(e.experts_touched -
                                                     (double)m->top_k / m->n_experts) < 1e-12);
                                n_checked++;
                            }
                    }
                }
            }
        }
    }
    assert_true(n_checked > 500);
}

static void plan_invariants(void **state)
{
    fixture *f = *state;
    gw_infer_opts o;
    gw_infer_opts_init(&o);
    o.n_gpus = 16;
    o.input_len = 2048;
    o.output_len = 512;
    gw_infer_result *r = calloc(1, sizeof *r);
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_infer_plan(f->ctx, f->cat, model(f, "llama3.1-70b"), gpu(f, "h100-sxm"),
                                   NULL, &o, r, &err),
                     GW_OK);
    assert_true(r->n_feasible > 0 && r->n_frontier > 1);
    const gw_infer_eval *b = &r->best;
    assert_true(fabs(b->output_tokens_per_s_per_gpu * 16 - b->output_tokens_per_s) <
                1e-9 * b->output_tokens_per_s);
    assert_true(fabs(b->total_tokens_per_s_per_gpu - b->output_tokens_per_s_per_gpu * 5.0) <
                1e-9 * b->total_tokens_per_s_per_gpu);
    assert_true(b->kv_bytes <= b->kv_free_bytes);
    /* The frontier: tokens/s per user falls and tokens/s per GPU rises. */
    for (size_t i = 1; i < r->n_frontier; i++) {
        assert_true(r->frontier[i].output_tokens_per_s_per_user <=
                    r->frontier[i - 1].output_tokens_per_s_per_user);
        assert_true(r->frontier[i].output_tokens_per_s_per_gpu >
                    r->frontier[i - 1].output_tokens_per_s_per_gpu);
    }
    /* A TPOT bound keeps the best within it and costs throughput. */
    double free_best = b->output_tokens_per_s_per_gpu;
    o.tpot_s = 0.02;
    assert_int_equal(gw_infer_plan(f->ctx, f->cat, model(f, "llama3.1-70b"), gpu(f, "h100-sxm"),
                                   NULL, &o, r, &err),
                     GW_OK);
    assert_true(r->best.tpot_s <= 0.02);
    assert_true(r->best.output_tokens_per_s_per_gpu <= free_best);
    /* Factory: 1 MW / (facility W per GPU) GPUs x tokens/s per GPU. */
    assert_int_equal(gw_infer_factory(r, 2000.0, 1.2, 2.0, &err), GW_OK);
    assert_true(fabs(r->output_tokens_per_s_per_mw - r->best.output_tokens_per_s_per_gpu * 500.0) <
                1e-6);
    assert_true(
        fabs(r->facility_j_per_output_token * r->best.output_tokens_per_s_per_gpu - 2000.0) < 1e-6);
    free(r);
}

static void plan_errors(void **state)
{
    fixture *f = *state;
    gw_infer_opts o;
    gw_infer_opts_init(&o);
    o.n_gpus = 8;
    gw_infer_result *r = calloc(1, sizeof *r);
    gw_error err;
    /* Below one kernel. */
    memset(&err, 0, sizeof err);
    o.tpot_s = 1e-7;
    assert_int_equal(gw_infer_plan(f->ctx, f->cat, model(f, "llama3.1-70b"), gpu(f, "h100-sxm"),
                                   NULL, &o, r, &err),
                     GW_ERANGE);
    assert_string_equal(err.where, "tpot");
    /* Above a kernel but below any decode step of a 70B model. */
    memset(&err, 0, sizeof err);
    o.tpot_s = 1e-4;
    assert_int_equal(gw_infer_plan(f->ctx, f->cat, model(f, "llama3.1-70b"), gpu(f, "h100-sxm"),
                                   NULL, &o, r, &err),
                     GW_ERANGE);
    assert_string_equal(err.where, "tpot");
    /* A batch beyond every layout's memory. */
    memset(&err, 0, sizeof err);
    o.tpot_s = 0;
    o.concurrency = 1e6;
    assert_int_equal(gw_infer_plan(f->ctx, f->cat, model(f, "llama3.1-70b"), gpu(f, "h100-sxm"),
                                   NULL, &o, r, &err),
                     GW_ERANGE);
    assert_string_equal(err.where, "concurrency");
    free(r);
}

/* Pipeline parallelism: a model whose BF16 weights exceed one 8-GPU
 * node (Llama 3.1 405B, 810 GB > 8 x 80 GB) has no layout without
 * pipeline stages on 16 H100 and one with them; stages halve the weights
 * and the KV cache per GPU. */
static void pipeline_layouts(void **state)
{
    fixture *f = *state;
    const gw_model *m = model(f, "llama3.1-405b");
    gw_infer_opts o;
    gw_infer_opts_init(&o);
    o.n_gpus = 16;
    o.precision = GW_PREC_BF16;
    gw_infer_result *r = calloc(1, sizeof *r);
    gw_error err;
    memset(&err, 0, sizeof err);
    o.pp = 1;
    assert_int_equal(gw_infer_plan(f->ctx, f->cat, m, gpu(f, "h100-sxm"), NULL, &o, r, &err),
                     GW_EINFEASIBLE);
    o.pp = GW_INFER_ANY;
    assert_int_equal(gw_infer_plan(f->ctx, f->cat, m, gpu(f, "h100-sxm"), NULL, &o, r, &err),
                     GW_OK);
    assert_true(r->best.pp >= 2);
    assert_true(r->best.replica_gpus == r->best.cfg.tp * r->best.pp);
    free(r);

    /* Per GPU: PP2 holds half the layers' weights and KV of PP1. */
    const gw_model *l70 = model(f, "llama3.1-70b");
    gw_train_topo topo;
    gw_train_topo_for(f->cat, gpu(f, "h200-sxm"), NULL, f->tp, &topo);
    gw_infer_opts_init(&o);
    o.n_gpus = 16;
    gw_infer_config c1 = {8, 1, GW_PREC_BF16, GW_PREC_BF16, 4.0, 1, 0, 0, 0, 0, 0.0};
    gw_infer_config c2 = c1;
    c2.pp = 2;
    gw_infer_eval e1, e2;
    assert_int_equal(
        gw_infer_eval_config(l70, gpu(f, "h200-sxm"), &topo, &f->ip, f->tp, &o, &c1, &e1, NULL),
        GW_OK);
    assert_int_equal(
        gw_infer_eval_config(l70, gpu(f, "h200-sxm"), &topo, &f->ip, f->tp, &o, &c2, &e2, NULL),
        GW_OK);
    assert_true(fabs(e2.kv_bytes_per_token * 2 - e1.kv_bytes_per_token) < 1e-9);
    assert_true(e2.weight_bytes < 0.6 * e1.weight_bytes);
    assert_int_equal(e2.replica_gpus, 16);
    assert_true(e2.pp_bubble == 0.0); /* 80 layers split evenly */
    /* Fewer sequences than stages: a bubble, and less throughput than a
     * full pipeline. */
    c2.batch = 0.5;
    assert_int_equal(
        gw_infer_eval_config(l70, gpu(f, "h200-sxm"), &topo, &f->ip, f->tp, &o, &c2, &e1, NULL),
        GW_OK);
    assert_true(fabs(e1.pp_bubble - 0.5) < 1e-12);
    c2.batch = 1.0;
    assert_int_equal(
        gw_infer_eval_config(l70, gpu(f, "h200-sxm"), &topo, &f->ip, f->tp, &o, &c2, &e2, NULL),
        GW_OK);
    assert_true(e1.output_tokens_per_s < 0.51 * e2.output_tokens_per_s);
}

/* Disaggregated prefill/decode: the pools fit in the GPUs, the KV
 * transfer is the prompt's cache over the right link (hand computation),
 * TPOT is a decode-only step, and the search with --disagg is never
 * worse than without it. */
static void disaggregated(void **state)
{
    fixture *f = *state;
    const gw_model *m = model(f, "llama3.1-70b");
    const gw_accel *a = gpu(f, "h100-sxm");
    gw_train_topo topo;
    gw_train_topo_for(f->cat, a, NULL, f->tp, &topo);
    gw_infer_opts o;
    gw_infer_opts_init(&o);
    o.n_gpus = 64;
    o.input_len = 4096;
    o.output_len = 512;
    gw_infer_config c = {4, 1, GW_PREC_FP8, GW_PREC_BF16, 32.0, 1, 1, 8, 1, 1, 0.7};
    gw_infer_eval e, co;
    assert_int_equal(gw_infer_eval_config(m, a, &topo, &f->ip, f->tp, &o, &c, &e, NULL), GW_OK);
    assert_int_equal(e.reject, GW_INFER_OK);
    assert_true(e.prefill_gpus >= 8 && e.decode_gpus >= 4);
    assert_true(e.prefill_gpus + e.decode_gpus <= 64);
    assert_true(fmod(e.prefill_gpus, 8) == 0 && fmod(e.decode_gpus, 4) == 0);
    assert_true(e.prefill_load <= 0.7 + 1e-9 || e.prefill_load <= f->ip.disagg_max_load);
    /* The prompt's KV cache: 4096 x 327,680 B; 12 GPUs > the 8-GPU node:
     * over the network, 4 links (min of the replica sizes). */
    assert_true(fabs(e.kv_transfer_bytes - 4096.0 * 327680.0) < 1e-3);
    assert_false(e.kv_transfer_scaleup);
    double want = topo.scaleout_latency_s +
                  e.kv_transfer_bytes / (4.0 * topo.scaleout_Bps * topo.scaleout_eff);
    assert_true(fabs(e.kv_transfer_s - want) < 1e-12);
    assert_true(e.ttft_s > e.kv_transfer_s + e.prefill_latency_s);
    /* TPOT: a decode-only step, shorter than the colocated iteration. */
    gw_infer_config cc = c;
    cc.disagg = 0;
    assert_int_equal(gw_infer_eval_config(m, a, &topo, &f->ip, f->tp, &o, &cc, &co, NULL), GW_OK);
    assert_true(fabs(e.tpot_s - co.decode_step_s) < 1e-15);
    assert_true(e.tpot_s < co.tpot_s);
    /* Output never above the decode pool's HBM bound. */
    assert_true(e.output_tokens_per_s <=
                e.decode_gpus * co.bound_hbm_tokens_per_s_per_gpu * (1 + 1e-12));
    /* Prefill TP1 x 2 and decode TP1 x 2 on GB200 NVL72: within one
     * domain, the transfer goes over NVLink. */
    const gw_accel *gb = NULL;
    assert_int_equal(gw_catalog_accel_find(f->cat, "gb200", &gb, NULL), GW_OK);
    {
        gw_train_topo t2;
        gw_train_topo_for(f->cat, gb, NULL, f->tp, &t2);
        assert_true(t2.scaleup_domain >= 16);
        {
            gw_infer_config c2 = {4, 1, GW_PREC_FP8, GW_PREC_BF16, 32.0, 1, 1, 4, 1, 1, 0.7};
            assert_int_equal(gw_infer_eval_config(m, gb, &t2, &f->ip, f->tp, &o, &c2, &e, NULL),
                             GW_OK);
            assert_true(e.kv_transfer_scaleup);
        }
    }
    /* Bad disaggregated inputs are errors, not crashes. */
    gw_infer_config bad = c;
    bad.pre_tp = 0;
    assert_int_equal(gw_infer_eval_config(m, a, &topo, &f->ip, f->tp, &o, &bad, &e, NULL),
                     GW_EINVAL);
    bad = c;
    bad.prefill_util = 1.0;
    assert_int_equal(gw_infer_eval_config(m, a, &topo, &f->ip, f->tp, &o, &bad, &e, NULL),
                     GW_EINVAL);
    /* Search: with disaggregation the best is at least as good. */
    gw_infer_result *r = calloc(1, sizeof *r);
    o.tpot_s = 0.02;
    assert_int_equal(gw_infer_plan(f->ctx, f->cat, m, a, NULL, &o, r, NULL), GW_OK);
    double coloc = r->best.output_tokens_per_s_per_gpu;
    o.disagg = true;
    assert_int_equal(gw_infer_plan(f->ctx, f->cat, m, a, NULL, &o, r, NULL), GW_OK);
    assert_true(r->best.output_tokens_per_s_per_gpu >= coloc);
    assert_true(r->best.tpot_s <= 0.02);
    assert_true(r->search_wall_s < 1.0);
    /* With a concurrency, the decode pool's batch follows its replicas. */
    o.tpot_s = 0;
    o.concurrency = 256;
    assert_int_equal(gw_infer_plan(f->ctx, f->cat, m, a, NULL, &o, r, NULL), GW_OK);
    if (r->best.cfg.disagg)
        assert_true(
            fabs(r->best.cfg.batch * r->best.decode_replicas * r->best.attn_dp * r->best.pp - 256) <
            1e-6 * 256);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kv_cache_bytes),   cmocka_unit_test(decode_bounds),
        cmocka_unit_test(plan_invariants),  cmocka_unit_test(plan_errors),
        cmocka_unit_test(pipeline_layouts), cmocka_unit_test(disaggregated),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
