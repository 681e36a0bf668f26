/* SPDX-License-Identifier: MIT */
/*
 * flops.c: FLOPs, parameter counts, element-wise traffic and stored
 * activations per token of a transformer layer, from a gw_model, and the
 * per-iteration FLOP totals (model FLOPs = MFU basis, hardware FLOPs = HFU
 * basis including recomputation).
 *
 * Counting rules (docs/models/train.md):
 *   - a GEMM of an (M x K) by (K x N) matrix costs 2MNK FLOPs; per token,
 *     a projection from d_in to d_out costs 2 d_in d_out;
 *   - backward costs twice forward (weight and input gradients);
 *   - the attention core is causal: each query attends to s/2 keys on
 *     average, so QK^T + AV cost 2 (s/2)(d_qk + d_v) per head per token;
 *     sliding-window layers attend to min(s, window) keys;
 *   - grouped-query attention shrinks K/V projections to n_kv_heads;
 *     multi-head latent attention (DeepSeek-V2/V3) uses the LoRA ranks;
 *   - MoE layers cost the router, top_k routed experts and the shared
 *     experts per token; dense-first layers and moe_layer_freq follow the
 *     HF config;
 *   - the embedding lookup costs no FLOPs; the LM head costs 2hV.
 *   Narayanan et al., "Efficient Large-Scale Language Model Training on GPU
 *   Clusters Using Megatron-LM", SC21 (eq. 3), and Korthikanti et al.,
 *   "Reducing Activation Recomputation in Large Transformer Models", 2022
 *   (activation memory, section 4) are the sources of the closed forms.
 *
 * Not modelled: norms, rotary embeddings and softmax as FLOPs (they are
 * memory-bound work, counted as bytes in step.c), biases.
 */
#include "train_internal.h"

#include <math.h>
#include <string.h>

/* ---- Per-layer shapes ------------------------------------------------ */

static int moe_layers(const gw_model *m)
{
    if (m->n_experts <= 0)
        return 0;
    int freq = m->moe_layer_freq > 0 ? m->moe_layer_freq : 1;
    int n = 0;
    for (int i = 0; i < m->n_layers; i++) {
        if (i >= m->first_k_dense && i % freq == 0)
            n++;
    }
    return n;
}

void gw__train_pre_init(gw__train_pre *P, const gw_model *m, const gw_accel *a,
                        const gw_train_topo *topo, const gw_train_params *p,
                        const gw_train_comm_model *comm, double seq_len, double global_batch_seqs,
                        double n_gpus)
{
    const double h = m->hidden;
    const double heads = m->n_heads;
    double g = m->n_kv_heads > 0 ? m->n_kv_heads : m->n_heads;
    const double s = seq_len;
    const bool gated = m->mlp == GW_MLP_SWIGLU;
    const double mats = gated ? 3.0 : 2.0;
    double dqk, dv;

    P->m = m;
    for (int i = 0; i < 5; i++)
        P->order[i] = i; /* Megatron's tp-cp-ep-dp-pp */
    P->a = a;
    P->p = p;
    P->topo = topo;
    P->comm = comm;
    P->s = s;
    P->B = global_batch_seqs;
    P->N = n_gpus;
    P->L = m->n_layers;
    P->n_moe = moe_layers(m);
    P->h = h;
    P->heads = heads;
    P->kv_heads = g;
    P->V = m->vocab;
    P->peak_bf16 = a->peak_flops[GW_PREC_BF16];
    for (int q = 0; q < GW_PREC_COUNT; q++)
        P->mm[q] = gw__train_matmul_frac(p, a, q);
    P->flash = true;
    P->tp_overlap = true;
    P->grad_bytes = p->grad_bytes_per_param;
    P->dualpipe = false;
    P->node_limit = 0;
    P->fp8_dispatch = false;
    P->ep_dedup = true;
    P->fp8_grouped_native = false;
    P->cuda_graphs = false;
    P->a2a_overlap = true;
    P->dp_sync = GW_TRAIN_DP_SYNC_OVERLAP;

    if (m->kv_lora_rank > 0) {
        /* MLA (DeepSeek-V2 section 2.1): q = W_uq W_dq x (or W_q x), the
         * joint KV latent c = W_dkv x (+ decoupled rope key), then per-head
         * k_nope and v from c. */
        double qh = (double)m->qk_nope_head_dim + m->qk_rope_head_dim;
        double q = m->q_lora_rank > 0 ? 2.0 * h * m->q_lora_rank + 2.0 * m->q_lora_rank * heads * qh
                                      : 2.0 * h * heads * qh;
        double kv = 2.0 * h * ((double)m->kv_lora_rank + m->qk_rope_head_dim) +
                    2.0 * m->kv_lora_rank * heads * ((double)m->qk_nope_head_dim + m->v_head_dim);
        dqk = qh;
        dv = m->v_head_dim;
        P->f_attn_proj = q + kv;
        P->n_proj_gemms = m->q_lora_rank > 0 ? 4.0 : 3.0;
        g = heads; /* the decompressed K and V are per head */
    } else {
        double d = m->head_dim > 0 ? m->head_dim : h / heads;
        dqk = d;
        dv = d;
        P->f_attn_proj = 2.0 * h * (heads * d + 2.0 * g * d);
        P->n_proj_gemms = 1.0;
    }
    P->dqk = dqk;
    P->dv = dv;
    P->f_out = 2.0 * heads * dv * h;
    P->f_mlp = 2.0 * mats * h * m->ffn_hidden;
    P->f_router = m->n_experts > 0 ? 2.0 * h * m->n_experts : 0.0;
    P->f_expert = m->n_experts > 0 ? 2.0 * mats * h * m->moe_ffn_hidden : 0.0;
    P->f_shared = 2.0 * mats * h * (double)m->n_shared_experts * m->shared_ffn_hidden;
    P->f_head = 2.0 * h * m->vocab;

    /* Attention core per token, causal (s/2 keys) or sliding window. */
    {
        double full = s * heads * (dqk + dv);
        double win = m->sliding_window > 0 && m->sliding_window < s
                         ? 2.0 * m->sliding_window * heads * (dqk + dv)
                         : full;
        double nsl = m->sliding_window > 0 ? m->n_sliding_layers : 0;
        if (nsl > m->n_layers)
            nsl = m->n_layers;
        P->f_core = ((m->n_layers - nsl) * full + nsl * win) / m->n_layers;
    }

    /* Element-wise traffic (elements per token per layer, forward): two
     * norms (read + write), two residual adds (2 reads + 1 write), rotary
     * embedding on q and k (read + write), the activation function
     * (ungated: read f, write f; gated: read 2f, write f). */
    {
        double act = gated ? 3.0 : 2.0;
        double rope = 2.0 * (heads + g) * dqk;
        P->ew_h_dense = 10.0 * h;
        P->ew_f_dense = rope + act * m->ffn_hidden;
        /* MoE: routed tokens are permuted into expert order and back
         * (4 top_k h), each expert's activation, the shared experts. */
        double k = m->top_k > 0 ? m->top_k : 1;
        P->ew_f_moe = rope + 4.0 * k * h + k * p->moe_imbalance * act * m->moe_ffn_hidden +
                      act * (double)m->n_shared_experts * m->shared_ffn_hidden;
    }

    /* Stored activations, bytes per token per layer (Korthikanti 2022,
     * section 4.1, generalised to GQA/gated MLPs). Hidden-sized tensors
     * sharded by TP only with sequence parallelism: 2 norm inputs (4h),
     * QKV and MLP inputs (2h + 2h) = 8h, plus two dropout masks (2h) in
     * the legacy (pre-FlashAttention, dropout 0.1) profile. Always
     * sharded: Q, K, V, attention output (2 bytes each), MLP internals
     * (ungated: 2f + 2f; gated: gate + up 4f, activation output 2f). */
    {
        double attn_t = 2.0 * heads * dqk + 2.0 * g * dqk + 2.0 * g * dv + 2.0 * heads * dv;
        double mlp_t = gated ? 6.0 * m->ffn_hidden : 4.0 * m->ffn_hidden;
        double k = m->top_k > 0 ? m->top_k : 1;
        double moe_t = 2.0 * k * h +
                       k * p->moe_imbalance * (gated ? 6.0 : 4.0) * m->moe_ffn_hidden +
                       (gated ? 6.0 : 4.0) * (double)m->n_shared_experts * m->shared_ffn_hidden;
        P->act_h_dense = 8.0 * h; /* + 2h dropout masks when P->flash is false */
        P->act_t_dense = attn_t + mlp_t;
        P->act_h_moe = 8.0 * h;
        P->act_t_moe = attn_t + moe_t;
    }

    /* Parameters. */
    {
        double attn = (P->f_attn_proj + P->f_out) / 2.0 + 2.0 * h;
        P->p_layer_dense = attn + P->f_mlp / 2.0;
        P->p_layer_moe_shared = attn + P->f_router / 2.0 + P->f_shared / 2.0;
        P->p_expert = P->f_expert / 2.0;
        P->p_emb = (double)m->vocab * h + (m->learned_pos_emb ? (double)m->max_seq * h : 0.0);
        P->p_head = (double)m->vocab * h; /* a copy on the last stage even when tied */
    }

    {
        double k = m->top_k > 0 ? m->top_k : 0;
        double dense = P->f_attn_proj + P->f_out + P->f_core + P->f_mlp;
        double moe =
            P->f_attn_proj + P->f_out + P->f_core + P->f_router + k * P->f_expert + P->f_shared;
        double L = m->n_layers;
        P->moe_fwd_flops_per_token = moe;
        /* DeepSeek-V3 section 2.2: each MTP module is a projection of the
         * concatenated [norm(h); norm(emb)] (2h -> h), one transformer
         * block of the model's kind (an MoE block there) and the shared
         * output head. */
        P->n_mtp = m->n_mtp_layers > 0 ? m->n_mtp_layers : 0;
        P->f_mtp = (P->n_moe > 0 ? moe : dense) + 2.0 * (2.0 * h) * h + P->f_head;
        P->p_mtp =
            (P->n_moe > 0 ? P->p_layer_moe_shared + m->n_experts * P->p_expert : P->p_layer_dense) +
            2.0 * h * h + 2.0 * h;
        P->fwd_flops_per_token =
            (L - P->n_moe) * dense + P->n_moe * moe + P->f_head + P->n_mtp * P->f_mtp;
    }
}

/* ---- Per-iteration FLOPs --------------------------------------------- */

void gw_train_flops_compute(const gw_model *m, double seq_len, double global_batch_seqs,
                            gw_train_recompute rc, gw_train_flops *out)
{
    gw__train_pre P;
    gw_train_params p;
    gw_accel a;
    memset(&p, 0, sizeof p);
    memset(&a, 0, sizeof a);
    double tokens = seq_len * global_batch_seqs;
    double L = m->n_layers;

    p.moe_imbalance = 1.0;
    gw__train_pre_init(&P, m, &a, NULL, &p, NULL, seq_len, global_batch_seqs, 1.0);
    double k = m->top_k > 0 ? m->top_k : 0;
    double nm = P.n_moe;

    out->qkv = tokens * L * P.f_attn_proj;
    out->attn_core = tokens * L * P.f_core;
    out->attn_out = tokens * L * P.f_out;
    out->mlp = tokens * ((L - nm) * P.f_mlp + nm * (k * P.f_expert + P.f_shared));
    out->moe_router = tokens * nm * P.f_router;
    out->embedding = 0.0;
    out->lm_head = tokens * P.f_head;
    out->mtp = tokens * P.n_mtp * P.f_mtp;
    out->forward = out->qkv + out->attn_core + out->attn_out + out->mlp + out->moe_router +
                   out->embedding + out->lm_head + out->mtp;
    out->model = 3.0 * out->forward;
    switch (rc) {
    case GW_TRAIN_RECOMPUTE_FULL:
        out->recompute = out->forward - out->lm_head - tokens * P.n_mtp * P.f_head;
        break;
    case GW_TRAIN_RECOMPUTE_SELECTIVE:
        out->recompute = out->attn_core;
        break;
    case GW_TRAIN_RECOMPUTE_NONE:
    default:
        out->recompute = 0.0;
        break;
    }
    out->hardware = out->model + out->recompute;
    out->per_token_model = tokens > 0 ? out->model / tokens : 0.0;
}
