/* SPDX-License-Identifier: MIT */
/*
 * test_train_flops.c: FLOP counts of the train module against values
 * computed by hand for small models (every expected value is derived in
 * the comment next to it).
 */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "train/train_internal.h"

/* A tiny GPT: 2 layers, h = 64, 4 heads of 16, MHA, GELU MLP f = 256,
 * vocab 100, untied. */
static gw_model tiny(void)
{
    gw_model m;
    memset(&m, 0, sizeof m);
    m.name = "tiny";
    m.model_type = "gpt2";
    m.n_layers = 2;
    m.hidden = 64;
    m.n_heads = 4;
    m.n_kv_heads = 4;
    m.head_dim = 16;
    m.ffn_hidden = 256;
    m.vocab = 100;
    m.max_seq = 32;
    m.mlp = GW_MLP_GELU;
    return m;
}

static void dense_forward(void **state)
{
    (void)state;
    gw_model m = tiny();
    gw_train_flops f;
    /* s = 32, B = 2: 64 tokens. Per token per layer: QKV 2*64*(64+2*64) =
     * 24576; output 2*64*64 = 8192; MLP 2*2*64*256 = 65536; causal core
     * s*heads*(d+d) = 32*4*32 = 4096. LM head 2*64*100 = 12800. */
    gw_train_flops_compute(&m, 32, 2, GW_TRAIN_RECOMPUTE_NONE, &f);
    assert_true(fabs(f.qkv - 64.0 * 2 * 24576) < 1e-6);
    assert_true(fabs(f.attn_out - 64.0 * 2 * 8192) < 1e-6);
    assert_true(fabs(f.mlp - 64.0 * 2 * 65536) < 1e-6);
    assert_true(fabs(f.attn_core - 64.0 * 2 * 4096) < 1e-6);
    assert_true(fabs(f.lm_head - 64.0 * 12800) < 1e-6);
    assert_true(f.embedding == 0.0);
    /* forward = 64 * (2 * 102400 + 12800) = 13,926,400; model = 3x. */
    assert_true(fabs(f.forward - 13926400.0) < 1e-6);
    assert_true(fabs(f.model - 3.0 * 13926400.0) < 1e-6);
    assert_true(fabs(f.per_token_model - 3.0 * 217600.0) < 1e-9);
    assert_true(f.recompute == 0.0 && f.hardware == f.model);
}

static void recompute_flops(void **state)
{
    (void)state;
    gw_model m = tiny();
    gw_train_flops f;
    /* Full recompute repeats the forward of every layer (not the head):
     * 64 * 2 * 102400 = 13,107,200. */
    gw_train_flops_compute(&m, 32, 2, GW_TRAIN_RECOMPUTE_FULL, &f);
    assert_true(fabs(f.recompute - 13107200.0) < 1e-6);
    assert_true(fabs(f.hardware - (f.model + 13107200.0)) < 1e-6);
    /* Selective recompute repeats the attention core only: 64*2*4096. */
    gw_train_flops_compute(&m, 32, 2, GW_TRAIN_RECOMPUTE_SELECTIVE, &f);
    assert_true(fabs(f.recompute - 524288.0) < 1e-6);
}

static void gqa_and_gated(void **state)
{
    (void)state;
    gw_model m = tiny();
    m.n_kv_heads = 1;
    m.mlp = GW_MLP_SWIGLU;
    gw_train_flops f;
    /* GQA with one KV head: QKV = 2*64*(64 + 2*16) = 12288 per token per
     * layer. SwiGLU: three matrices, 2*3*64*256 = 98304. */
    gw_train_flops_compute(&m, 32, 1, GW_TRAIN_RECOMPUTE_NONE, &f);
    assert_true(fabs(f.qkv - 32.0 * 2 * 12288) < 1e-6);
    assert_true(fabs(f.mlp - 32.0 * 2 * 98304) < 1e-6);
}

static void moe_layers(void **state)
{
    (void)state;
    gw_model m = tiny();
    m.mlp = GW_MLP_SWIGLU;
    m.n_experts = 4;
    m.top_k = 2;
    m.moe_ffn_hidden = 32;
    m.n_shared_experts = 1;
    m.shared_ffn_hidden = 16;
    m.first_k_dense = 1; /* layer 0 dense, layer 1 MoE */
    m.moe_layer_freq = 1;
    gw_train_flops f;
    /* Per token: dense layer MLP 2*3*64*256 = 98304; MoE layer: 2 routed
     * experts 2*(2*3*64*32) = 24576 + shared 2*3*64*16 = 6144; router
     * 2*64*4 = 512 (one MoE layer). */
    gw_train_flops_compute(&m, 32, 1, GW_TRAIN_RECOMPUTE_NONE, &f);
    assert_true(fabs(f.mlp - 32.0 * (98304 + 24576 + 6144)) < 1e-6);
    assert_true(fabs(f.moe_router - 32.0 * 512) < 1e-6);
}

static void mla_projections(void **state)
{
    (void)state;
    gw_model m = tiny();
    m.kv_lora_rank = 8;
    m.q_lora_rank = 0;
    m.qk_nope_head_dim = 16;
    m.qk_rope_head_dim = 4;
    m.v_head_dim = 16;
    gw_train_flops f;
    /* MLA (DeepSeek-V2 eq. 9-18), no query compression: q = 2*64*4*(16+4)
     * = 10240; KV latent + rope key 2*64*(8+4) = 1536; up-projection of the
     * latent to per-head k_nope and v 2*8*4*(16+16) = 2048: 13824 per token
     * per layer. Output 2*4*16*64 = 8192. Core: s*heads*(20+16) = 4608. */
    gw_train_flops_compute(&m, 32, 1, GW_TRAIN_RECOMPUTE_NONE, &f);
    assert_true(fabs(f.qkv - 32.0 * 2 * 13824) < 1e-6);
    assert_true(fabs(f.attn_out - 32.0 * 2 * 8192) < 1e-6);
    assert_true(fabs(f.attn_core - 32.0 * 2 * 4608) < 1e-6);
}

static void sliding_window(void **state)
{
    (void)state;
    gw_model m = tiny();
    m.sliding_window = 8;
    m.n_sliding_layers = 1;
    gw_train_flops f;
    /* One full causal layer (32*4*32 = 4096 per token) and one window-8
     * layer (2*8*4*32 = 2048 per token): 32 tokens * 6144. */
    gw_train_flops_compute(&m, 32, 1, GW_TRAIN_RECOMPUTE_NONE, &f);
    assert_true(fabs(f.attn_core - 32.0 * 6144) < 1e-6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dense_forward),   cmocka_unit_test(recompute_flops),
        cmocka_unit_test(gqa_and_gated),   cmocka_unit_test(moe_layers),
        cmocka_unit_test(mla_projections), cmocka_unit_test(sliding_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
