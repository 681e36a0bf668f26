/* SPDX-License-Identifier: MIT */
/*
 * test_train_emit.c: gw_train_emit writes a plan's configuration as
 * Megatron-LM flags, Megatron-Bridge overrides and torchtitan TOML. A real
 * plan with --tp 8 --pp 16 must come out with those sizes and with the
 * data-parallel size, micro-batch and batch the search chose; hand-built
 * results check each mapping rule (pipeline split, recomputation, ZeRO,
 * FP8 recipe, MoE dispatch and routing groups) against values derived in
 * the comments; bad arguments and allocation failures fail cleanly.
 */
#include <gigawatt/gigawatt.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_alloc.h"
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

/* Renders and returns the text (caller frees with gw_free). */
static char *emit(gw_ctx *ctx, const gw_train_result *r, gw_train_emit_fmt fmt)
{
    char *text = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw_train_emit(ctx, r, fmt, &text, &err);
    if (rc != GW_OK)
        print_error("gw_train_emit: %s\n", err.msg);
    assert_int_equal(rc, GW_OK);
    assert_non_null(text);
    assert_true(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
    return text;
}

static void has(const char *text, const char *needle)
{
    if (strstr(text, needle) == NULL) {
        print_error("missing \"%s\" in:\n%s\n", needle, text);
        fail();
    }
}

static void lacks(const char *text, const char *needle)
{
    if (strstr(text, needle) != NULL) {
        print_error("unexpected \"%s\" in:\n%s\n", needle, text);
        fail();
    }
}

/* ---- A real plan: llama3.1-405b, --tp 8 --pp 16 -------------------------- */

static void fixed_tp8_pp16(void **state)
{
    fixture *f = *state;
    const gw_model *m = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_catalog_model_find(f->cat, "llama3.1-405b", &m, &err), GW_OK);
    gw_train_opts o;
    gw_train_opts_init(&o);
    o.n_gpus = 16384;
    o.seq_len = 8192;
    o.global_batch_tokens = 16e6; /* "16M" = 2048 sequences of 8192 (Llama 3) */
    o.batch_slack = 0.05;
    o.tp = 8;
    o.pp = 16;
    o.params = &f->p;
    gw_train_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    assert_int_equal(gw_train_plan(f->ctx, f->cat, m, f->h100, NULL, &o, r, &err), GW_OK);
    assert_ptr_equal(r->model_def, m);
    assert_ptr_equal(r->accel_def, f->h100);
    const gw_train_config *c = &r->best.cfg;
    char want[160];

    char *t = emit(f->ctx, r, GW_TRAIN_EMIT_MEGATRON);
    has(t, "  --tensor-model-parallel-size 8\n");
    has(t, "  --pipeline-model-parallel-size 16\n");
    has(t, "  --num-layers 126\n");
    has(t, "  --num-query-groups 8\n");
    snprintf(want, sizeof want, "  --context-parallel-size %d\n", c->cp);
    has(t, want);
    snprintf(want, sizeof want, "  --micro-batch-size %d\n", c->micro_batch);
    has(t, want);
    snprintf(want, sizeof want, "  --global-batch-size %.0f\n", c->global_batch_seqs);
    has(t, want);
    /* Megatron derives DP from the world size: 16384 / (8 x 16 x cp). */
    assert_int_equal(c->dp * 8 * 16 * c->cp, 16384);
    snprintf(want, sizeof want, "data-parallel size %d is derived: world size 16384", c->dp);
    has(t, want);
    lacks(t, "--expert-model-parallel-size"); /* dense model */
    gw_free(f->ctx, t);

    t = emit(f->ctx, r, GW_TRAIN_EMIT_NEMO);
    has(t, "  model.tensor_model_parallel_size=8\n");
    has(t, "  model.pipeline_model_parallel_size=16\n");
    snprintf(want, sizeof want, "  train.global_batch_size=%.0f\n", c->global_batch_seqs);
    has(t, want);
    gw_free(f->ctx, t);

    t = emit(f->ctx, r, GW_TRAIN_EMIT_TORCHTITAN);
    has(t, "\ntensor_parallel_degree = 8\n");
    has(t, "\npipeline_parallel_degree = 16\n");
    /* With PP, one step runs all micro-batches of a replica: B / dp. */
    snprintf(want, sizeof want, "\nlocal_batch_size = %.0f\n", c->global_batch_seqs / c->dp);
    has(t, want);
    snprintf(want, sizeof want, "\npipeline_parallel_microbatch_size = %d\n", c->micro_batch);
    has(t, want);
    gw_free(f->ctx, t);
    free(r);
}

/* ---- Hand-built results -------------------------------------------------- */

/* A 10-layer dense model: h = 1024, 8 heads of 128 (no --kv-channels since
 * 8 x 128 = 1024), GQA with 2 KV heads, SwiGLU, untied, RoPE. */
static gw_model dense10(void)
{
    gw_model m;
    memset(&m, 0, sizeof m);
    m.name = "dense10";
    m.model_type = "llama";
    m.n_layers = 10;
    m.hidden = 1024;
    m.n_heads = 8;
    m.n_kv_heads = 2;
    m.head_dim = 128;
    m.ffn_hidden = 4096;
    m.vocab = 32000;
    m.max_seq = 4096;
    m.mlp = GW_MLP_SWIGLU;
    return m;
}

/* TP 2, PP 4, VPP 3, DP 2 on 16 GPUs; 16 sequences of 4096 tokens,
 * micro-batch 1 (8 per replica), full recomputation, ZeRO 1, FP8
 * per-tensor. */
static void result_init(gw_train_result *r, const gw_model *m, const gw_accel *a)
{
    memset(r, 0, sizeof *r);
    r->model = m->name;
    r->accel = a->name;
    r->model_def = m;
    r->accel_def = a;
    r->n_gpus = 16;
    r->seq_len = 4096;
    r->n_feasible = 1;
    r->topo.scaleup_domain = 8;
    r->tp_comm_overlap = true;
    r->moe_dedup_dispatch = true;
    gw_train_config *c = &r->best.cfg;
    c->tp = 2;
    c->pp = 4;
    c->vpp = 3;
    c->dp = 2;
    c->cp = 1;
    c->ep = 1;
    c->etp = 1;
    c->micro_batch = 1;
    c->recompute = GW_TRAIN_RECOMPUTE_FULL;
    c->zero = 1;
    c->precision = GW_PREC_FP8;
    c->seq_parallel = true;
    c->global_batch_seqs = 16;
    r->best.grad_accum = 8;
    r->best.gpus_used = 16;
    r->global_batch_seqs = 16;
}

static void pipeline_layout(void **state)
{
    fixture *f = *state;
    gw_model m = dense10();
    gw_train_result r;
    result_init(&r, &m, f->h100);
    /* 10 layers on 4 stages: ceil(10/4) = 3 per stage, the last takes
     * 10 - 3 x 3 = 1. With 3 virtual stages the last rank's 1 layer does
     * not divide by 3, which Megatron-Core's TransformerConfig rejects for
     * --decoder-last-pipeline-num-layers, so the split is written as a
     * layout: virtual stage k on rank k % 4, chunk k / 4; ranks 0-2 hold
     * one layer per chunk, rank 3 one layer in chunk 0 and none in chunks
     * 1 and 2 (stages 7 and 11). */
    char *t = emit(f->ctx, &r, GW_TRAIN_EMIT_MEGATRON);
    has(t, "  --pipeline-model-parallel-layout \"Et|t|t|t|t|t|t||t|t|t|L\"\n");
    lacks(t, "--num-virtual-stages-per-pipeline-rank"); /* exclusive with a layout */
    lacks(t, "--decoder-last-pipeline-num-layers");
    has(t, "  --recompute-granularity full\n  --recompute-method uniform\n"
           "  --recompute-num-layers 1\n");
    has(t, "  --use-distributed-optimizer\n");
    has(t, "  --overlap-grad-reduce\n  --overlap-param-gather\n");
    has(t, "  --fp8-format hybrid\n  --fp8-recipe tensorwise\n");
    has(t, "  --sequence-parallel\n  --tp-comm-overlap\n");
    has(t, "  --group-query-attention\n  --num-query-groups 2\n");
    lacks(t, "--kv-channels");
    gw_free(f->ctx, t);
    t = emit(f->ctx, &r, GW_TRAIN_EMIT_NEMO);
    has(t, "  'model.pipeline_model_parallel_layout=\"Et|t|t|t|t|t|t||t|t|t|L\"'\n");
    has(t, "  mixed_precision=bf16_with_fp8_current_scaling_mixed\n");
    has(t, "  ddp.use_distributed_optimizer=true\n");
    gw_free(f->ctx, t);
    /* torchtitan: one layer per virtual stage, 4 x 3 = 12 stages for 10
     * layers: the last stage is 2 layers lighter. */
    t = emit(f->ctx, &r, GW_TRAIN_EMIT_TORCHTITAN);
    has(t, "pipeline_parallel_schedule = \"Interleaved1F1B\"\n");
    has(t, "pipeline_parallel_layers_per_stage = 1\n");
    has(t, "pipeline_parallel_last_stage_less_layers = 2\n");
    has(t, "local_batch_size = 8\n"); /* 16 sequences / DP 2 */
    has(t, "mode = \"full\"\n");
    has(t, "converters = [\"quantize.linear.float8\"]\n");
    has(t, "[quantize.linear.float8]\nrecipe_name = \"tensorwise\"\n");
    gw_free(f->ctx, t);

    /* Without interleaving the remainder goes in the flag. */
    r.best.cfg.vpp = 1;
    t = emit(f->ctx, &r, GW_TRAIN_EMIT_MEGATRON);
    has(t, "  --decoder-last-pipeline-num-layers 1\n");
    lacks(t, "--pipeline-model-parallel-layout");
    gw_free(f->ctx, t);
    t = emit(f->ctx, &r, GW_TRAIN_EMIT_NEMO);
    has(t, "  model.num_layers_in_last_pipeline_stage=1\n");
    gw_free(f->ctx, t);
    t = emit(f->ctx, &r, GW_TRAIN_EMIT_TORCHTITAN);
    has(t, "pipeline_parallel_schedule = \"1F1B\"\n");
    has(t, "pipeline_parallel_layers_per_stage = 3\n");
    gw_free(f->ctx, t);

    /* 8 layers split evenly: 2 per stage, 1 per virtual stage. */
    m.n_layers = 8;
    r.best.cfg.vpp = 2;
    t = emit(f->ctx, &r, GW_TRAIN_EMIT_MEGATRON);
    has(t, "  --num-virtual-stages-per-pipeline-rank 2\n");
    lacks(t, "--decoder-last-pipeline-num-layers");
    lacks(t, "--pipeline-model-parallel-layout");
    gw_free(f->ctx, t);
    t = emit(f->ctx, &r, GW_TRAIN_EMIT_NEMO);
    has(t, "  model.virtual_pipeline_model_parallel_size=2\n");
    gw_free(f->ctx, t);
    t = emit(f->ctx, &r, GW_TRAIN_EMIT_TORCHTITAN);
    has(t, "pipeline_parallel_last_stage_less_layers = 0\n");
    gw_free(f->ctx, t);
}

static void precision_and_zero(void **state)
{
    fixture *f = *state;
    gw_model m = dense10();
    gw_train_result r;
    result_init(&r, &m, f->h100);
    /* Block-scaled FP8 on Hopper: 1x128 tiles ("blockwise"); torchtitan has
     * no such recipe and says so instead of emitting a converter. */
    r.fp8_recipe = GW_TRAIN_FP8_BLOCK;
    r.best.cfg.zero = 3;
    char *t = emit(f->ctx, &r, GW_TRAIN_EMIT_MEGATRON);
    has(t, "  --fp8-recipe blockwise\n");
    has(t, "  --use-megatron-fsdp\n  --data-parallel-sharding-strategy optim_grads_params\n");
    gw_free(f->ctx, t);
    t = emit(f->ctx, &r, GW_TRAIN_EMIT_NEMO);
    has(t, "  mixed_precision=bf16_with_fp8_subchannel_scaling_mixed\n");
    gw_free(f->ctx, t);
    t = emit(f->ctx, &r, GW_TRAIN_EMIT_TORCHTITAN);
    has(t, "# FP8 with 1x128 block scaling on h100-sxm: no torchtitan recipe");
    lacks(t, "converters");
    has(t, "data_parallel_shard_degree = 2\nfsdp_reshard_after_forward = \"always\"\n");
    gw_free(f->ctx, t);

    /* A GPU with FP4 tensor cores (Blackwell) runs block scaling as MXFP8. */
    gw_accel bw = *f->h100;
    bw.name = "fp4-gpu";
    bw.peak_flops[GW_PREC_FP4] = 1e16;
    r.accel_def = &bw;
    t = emit(f->ctx, &r, GW_TRAIN_EMIT_MEGATRON);
    has(t, "  --fp8-format e4m3\n  --fp8-recipe mxfp8\n");
    gw_free(f->ctx, t);
    t = emit(f->ctx, &r, GW_TRAIN_EMIT_TORCHTITAN);
    has(t, "[quantize.linear.mx]\nrecipe_name = \"mxfp8_cublas\"\n");
    gw_free(f->ctx, t);

    /* ZeRO 0 with TP: plain DDP in Megatron (no optimizer flag), and a
     * comment in torchtitan, which refuses DDP with other parallelisms. */
    r.accel_def = f->h100;
    r.best.cfg.zero = 0;
    r.best.cfg.precision = GW_PREC_BF16;
    t = emit(f->ctx, &r, GW_TRAIN_EMIT_MEGATRON);
    lacks(t, "--use-distributed-optimizer");
    lacks(t, "--overlap-param-gather");
    lacks(t, "--fp8");
    has(t, "  --bf16\n");
    gw_free(f->ctx, t);
    t = emit(f->ctx, &r, GW_TRAIN_EMIT_TORCHTITAN);
    has(t, "data_parallel_replicate_degree = 2\ndata_parallel_shard_degree = 1\n");
    has(t, "DDP has not supported > 1D parallelism");
    gw_free(f->ctx, t);
}

static void moe_routing(void **state)
{
    fixture *f = *state;
    gw_model m = dense10();
    m.n_layers = 4;
    m.n_experts = 16;
    m.top_k = 2;
    m.moe_ffn_hidden = 512;
    m.first_k_dense = 1;
    gw_train_result r;
    result_init(&r, &m, f->h100);
    r.best.cfg.pp = 1;
    r.best.cfg.vpp = 1;
    r.best.cfg.dp = 8;
    r.best.cfg.ep = 8;
    r.topo.scaleup_domain = 4;
    r.moe_node_limit = 1;
    r.best.gpus_used = 16;
    /* EP 8 with ETP 1 over 4-GPU domains spans 8 / 4 = 2 domains: DeepEP
     * dispatch, and node-limited routing as 2 router groups, 1 chosen.
     * Layer 0 is dense, layers 1-3 MoE. */
    char *t = emit(f->ctx, &r, GW_TRAIN_EMIT_MEGATRON);
    has(t, "  --moe-layer-freq \"([0]*1+[1]*3)\"\n");
    has(t, "  --expert-model-parallel-size 8\n  --expert-tensor-parallel-size 1\n");
    has(t, "  --moe-token-dispatcher-type flex\n  --moe-flex-dispatcher-backend deepep\n");
    has(t, "  --moe-router-num-groups 2\n  --moe-router-group-topk 1\n");
    gw_free(f->ctx, t);
    t = emit(f->ctx, &r, GW_TRAIN_EMIT_NEMO);
    has(t, "  model.moe_layer_freq=[0,1,1,1]\n");
    has(t, "  model.moe_router_num_groups=2\n");
    gw_free(f->ctx, t);
    t = emit(f->ctx, &r, GW_TRAIN_EMIT_TORCHTITAN);
    has(t, "expert_parallel_degree = 8\n");
    has(t, "expert_parallel_comm_backend = \"deepep\"\n");
    has(t, "# node-limited routing (at most 1 nodes): a model-flavor setting");
    gw_free(f->ctx, t);

    /* Inside one 8-GPU domain: plain all-to-all, no router groups. */
    r.topo.scaleup_domain = 8;
    t = emit(f->ctx, &r, GW_TRAIN_EMIT_MEGATRON);
    has(t, "  --moe-token-dispatcher-type alltoall\n");
    lacks(t, "--moe-router-num-groups");
    gw_free(f->ctx, t);
}

static void names_and_errors(void **state)
{
    fixture *f = *state;
    gw_train_emit_fmt fmt = GW_TRAIN_EMIT_NEMO;
    for (int i = 0; i < (int)GW_TRAIN_EMIT_COUNT_; i++) {
        assert_int_equal(gw_train_emit_parse(gw_train_emit_name((gw_train_emit_fmt)i), &fmt),
                         GW_OK);
        assert_int_equal((int)fmt, i);
    }
    assert_int_equal(gw_train_emit_parse("deepspeed", &fmt), GW_EPARSE);
    assert_int_equal(gw_train_emit_parse("Megatron", &fmt), GW_EPARSE);
    assert_string_equal(gw_train_emit_name(GW_TRAIN_EMIT_COUNT_), "?");

    gw_model m = dense10();
    gw_train_result r;
    result_init(&r, &m, f->h100);
    char sentinel[] = "untouched";
    char *out = sentinel;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_train_emit(f->ctx, &r, GW_TRAIN_EMIT_COUNT_, &out, &err), GW_EINVAL);
    assert_ptr_equal(out, sentinel);
    r.n_feasible = 0;
    assert_int_equal(gw_train_emit(f->ctx, &r, GW_TRAIN_EMIT_MEGATRON, &out, &err), GW_EINVAL);
    assert_ptr_equal(out, sentinel);
    r.n_feasible = 1;
    r.model_def = NULL;
    assert_int_equal(gw_train_emit(f->ctx, &r, GW_TRAIN_EMIT_MEGATRON, &out, NULL), GW_EINVAL);
    assert_ptr_equal(out, sentinel);
}

/* Every allocation of a render fails in turn: GW_ENOMEM, *out untouched,
 * nothing leaked; then the unarmed render succeeds. */
static void allocation_failures(void **state)
{
    fixture *f = *state;
    gw_model m = dense10();
    gw_train_result r;
    result_init(&r, &m, f->h100);
    for (int fmt = 0; fmt < (int)GW_TRAIN_EMIT_COUNT_; fmt++) {
        gw_test_alloc ta;
        gw_test_alloc_init(&ta);
        gw_ctx *ctx = gw_ctx_new(gw_test_alloc_fn, &ta);
        assert_non_null(ctx);
        long base = ta.live_blocks;
        unsigned long n = 1;
        for (;; n++) {
            gw_test_alloc_arm(&ta, n, 0);
            char *out = NULL;
            gw_error err;
            memset(&err, 0, sizeof err);
            gw_status rc = gw_train_emit(ctx, &r, (gw_train_emit_fmt)fmt, &out, &err);
            if (ta.n_failed == 0) {
                assert_int_equal(rc, GW_OK);
                gw_free(ctx, out);
                break;
            }
            assert_int_equal(rc, GW_ENOMEM);
            assert_null(out);
            assert_int_equal(ta.live_blocks, base);
        }
        assert_true(n > 1); /* the render allocated at least once */
        gw_ctx_free(ctx);
        assert_int_equal(ta.live_blocks, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixed_tp8_pp16),     cmocka_unit_test(pipeline_layout),
        cmocka_unit_test(precision_and_zero), cmocka_unit_test(moe_routing),
        cmocka_unit_test(names_and_errors),   cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
