/* SPDX-License-Identifier: MIT */
/*
 * step.c: the per-configuration serving model. One replica of max(tp, ep)
 * GPUs serves requests of input_len prompt tokens and output_len generated
 * tokens with continuous batching; this file computes its memory, one
 * decode iteration, one prefill and the steady-state rates.
 *
 * Model (docs/models/infer.md has every equation with its source):
 *   memory per GPU  = weights / shard + batch x KV(mean context) / shard
 *                     + runtime reserve <= memory_usable x mem_util;
 *   decode step     = max(HBM time, compute time, kernel floor)
 *                     + TP/EP collectives + host overhead,
 *     HBM time      = (dense weights + touched experts + KV reads)
 *                     / (HBM bandwidth x decode_mem_eff), the experts an
 *                     MoE layer touches for T tokens E (1 - (1 - k/E)^T);
 *     compute time  = GEMM FLOPs / (matmul ceiling x eff)
 *                     + attention FLOPs / (BF16 peak x attn_eff);
 *   prefill         = the same GEMMs over the prompt at the prefill
 *                     efficiency plus causal attention (s^2 / 2 keys);
 *   steady state    = every decode iteration also carries the prefill of
 *                     batch / output_len new requests (chunked prefill,
 *                     Agrawal et al., Sarathi-Serve, OSDI 2024); TPOT is
 *                     that iteration, TTFT the prompt's chunks.
 *
 * Not modelled here (bounded in docs/models/infer.md): speculative
 * decoding, prefix caching, request-length distributions (each request
 * has the mean lengths), queueing beyond the closed-loop concurrency,
 * pipeline parallelism, preemption and swapping.
 */
#include "infer_internal.h"

#include "core/core_internal.h"
#include "train/train_internal.h"

#include <math.h>
#include <string.h>

double gw_infer_kv_bytes(const gw_model *m, double ctx_tokens, double kv_bytes_per_elem)
{
    if (m == NULL || !(ctx_tokens > 0) || m->n_layers <= 0)
        return 0.0;
    double per_layer;
    if (m->kv_lora_rank > 0) {
        /* MLA caches the joint latent c_KV and the decoupled rope key
         * (DeepSeek-V2, arXiv 2405.04434, section 2.1.4 and table 1:
         * (d_c + d_h^R) l elements per token). */
        per_layer = ((double)m->kv_lora_rank + m->qk_rope_head_dim) * kv_bytes_per_elem;
    } else {
        double heads = m->n_heads > 0 ? m->n_heads : 1;
        double d = m->head_dim > 0 ? m->head_dim : (double)m->hidden / heads;
        double g = m->n_kv_heads > 0 ? m->n_kv_heads : heads;
        per_layer = 2.0 * g * d * kv_bytes_per_elem; /* K and V */
    }
    double L = m->n_layers;
    double nsl = m->sliding_window > 0 ? m->n_sliding_layers : 0;
    if (nsl > L)
        nsl = L;
    double win = m->sliding_window > 0 && m->sliding_window < ctx_tokens ? m->sliding_window
                                                                         : ctx_tokens;
    return per_layer * ((L - nsl) * ctx_tokens + nsl * win);
}

/* Share of a sequence's KV cache held by one GPU of a tp-way attention
 * group: GQA shards the KV heads (replicated when tp exceeds them); MLA's
 * latent is shared by all heads, so every TP rank holds all of it. */
static double kv_shard(const gw_model *m, int tp)
{
    if (m->kv_lora_rank > 0)
        return 1.0;
    double g = m->n_kv_heads > 0 ? m->n_kv_heads : (m->n_heads > 0 ? m->n_heads : 1);
    return ceil(g / tp) / g;
}

/* Decode attention FLOPs per token per layer over ctx cached tokens. */
static double decode_attn_flops(const gw_model *m, const gw__train_pre *P, double ctx)
{
    double win = m->sliding_window > 0 && m->sliding_window < ctx ? m->sliding_window : ctx;
    double L = m->n_layers;
    double nsl = m->sliding_window > 0 ? (m->n_sliding_layers < L ? m->n_sliding_layers : L) : 0;
    double keys = ((L - nsl) * ctx + nsl * win) / L;
    if (m->kv_lora_rank > 0)
        /* Absorbed MLA (DeepSeek-V2 section 2.1.3): q . [c; k_rope] over
         * d_c + d_rope and the weighted sum of c over d_c, per head. */
        return 2.0 * keys * P->heads * (2.0 * m->kv_lora_rank + m->qk_rope_head_dim);
    return 2.0 * keys * P->heads * (P->dqk + P->dv);
}

typedef struct comm_ctx {
    const gw_train_comm_model *cm;
    const gw_train_topo *topo;
    int tp, ep, R, nd, nm;
    double h, k, act;
    bool dp_attn;
} comm_ctx;

/* Collectives of one forward pass over n tokens per attention group:
 * two TP all-reduces per dense layer (attention output, MLP output), one
 * per MoE layer plus either the MoE all-reduce (experts sharded by TP) or
 * EP dispatch and combine all-to-alls (experts spread over ep GPUs). */
static double comm_time(const comm_ctx *c, double n)
{
    if (n <= 0)
        return 0.0;
    double t = 0.0;
    int dom = c->topo->scaleup_domain > 0 ? c->topo->scaleup_domain : 1;
    if (c->tp > 1) {
        gw_train_group g = {c->tp, c->tp < dom ? c->tp : dom, 1, GW_TRAIN_GROUP_TP};
        double ar = c->cm->allreduce_s(c->cm->ud, c->topo, g, n * c->h * c->act);
        t += (2.0 * c->nd + (c->dp_attn ? 1.0 : 2.0) * c->nm) * ar;
    }
    if (c->dp_attn && c->nm > 0) {
        gw_train_group g = {c->R, c->R < dom ? c->R : dom, c->tp, GW_TRAIN_GROUP_EP};
        double send = n / c->tp * c->k * c->h * c->act;
        t += 2.0 * c->nm * c->cm->alltoall_s(c->cm->ud, c->topo, g, send);
    }
    return t;
}

gw_status gw_infer_eval_config(const gw_model *m, const gw_accel *a, const gw_train_topo *topo,
                               const gw_infer_params *ip, const gw_train_params *tpp,
                               const gw_infer_opts *o, const gw_infer_config *cfg,
                               gw_infer_eval *out, gw_error *err)
{
    if (m == NULL || a == NULL || topo == NULL || ip == NULL || tpp == NULL || o == NULL ||
        cfg == NULL || out == NULL)
        return gw__err(err, GW_EINVAL, "gw_infer_eval_config: NULL argument");
    if (cfg->tp < 1 || cfg->ep < 1 || !(cfg->batch > 0) || !(o->n_gpus >= 1) ||
        !(o->input_len >= 1) || !(o->output_len >= 1) || m->n_layers < 1 || m->hidden < 1)
        return gw__err(err, GW_EINVAL, "gw_infer_eval_config: sizes must be >= 1");
    memset(out, 0, sizeof *out);
    out->cfg = *cfg;

    gw__train_pre P;
    gw__train_pre_init(&P, m, a, topo, tpp, gw_train_comm_alphabeta(), o->input_len, 1.0,
                       o->n_gpus);
    const int tp = cfg->tp, ep = cfg->ep;
    const double E = m->n_experts;
    const bool moe = m->n_experts > 0 && P.n_moe > 0;
    const double k = moe ? (m->top_k > 0 ? m->top_k : 1) : 0.0;
    const int R = tp > ep ? tp : ep;
    const int dpa = ep > tp ? ep / tp : 1;
    out->replica_gpus = R;
    out->attn_dp = dpa;
    out->replicas = floor(o->n_gpus / R);

    /* Layout: experts need a model with experts; tp and ep nest; the
     * heads split evenly; the precision exists on the chip. */
    gw_precision prec = cfg->precision;
    bool bad = (!moe && ep > 1) || (ep > tp && ep % tp != 0) || (ep > 1 && ep < tp && tp % ep != 0) ||
               R > o->n_gpus || m->n_heads % tp != 0 || (moe && ep > 1 && m->n_experts % ep != 0) ||
               prec < 0 || prec >= GW_PREC_COUNT || !(a->peak_flops[prec] > 0) ||
               !(a->mem_Bps > 0) || !(a->mem_usable_bytes > 0);
    if (bad) {
        out->reject = GW_INFER_REJECT_LAYOUT;
        return GW_OK;
    }

    const double wb = gw__infer_prec_bytes(tpp, prec);
    const double kvb = gw__infer_prec_bytes(tpp, cfg->kv_precision);
    const double act = ip->act_bytes;
    const double L = P.L, nm = P.n_moe, nd = L - nm;
    const double b = cfg->batch;
    const double in = o->input_len, outl = o->output_len;

    /* ---- Memory ------------------------------------------------------- */
    const double p_dense = nd * P.p_layer_dense + nm * P.p_layer_moe_shared;
    const double p_experts = moe ? nm * E * P.p_expert : 0.0;
    const double p_head = P.p_head;
    const double p_emb = m->tied_embeddings ? 0.0 : P.p_emb;
    /* Embedding and LM head stay in BF16 in quantised checkpoints (vLLM
     * and SGLang FP8/FP4 schemes quantise the linear layers only). */
    out->weight_bytes = p_dense * wb / tp + p_experts * wb / R + (p_head + p_emb) * act / tp;
    const double usable = a->mem_usable_bytes * ip->mem_util - ip->runtime_reserve_bytes;
    const double ctx_mean = in + outl / 2.0;
    const double shard = kv_shard(m, tp);
    const double kv_seq = gw_infer_kv_bytes(m, ctx_mean, kvb) * shard;
    out->kv_bytes_per_token = gw_infer_kv_bytes(m, 1.0, kvb) * shard;
    out->kv_free_bytes = usable - out->weight_bytes;
    out->kv_bytes = b * kv_seq;
    double mb = out->kv_free_bytes > 0 && kv_seq > 0
                    ? floor(out->kv_free_bytes * (1.0 - ip->kv_waste) / kv_seq)
                    : 0.0;
    if (mb > ip->max_batch)
        mb = ip->max_batch;
    out->max_batch = mb;

    /* ---- Per-token FLOPs (whole layer, unsharded) ---------------------- */
    const double f_dense_tok = nd * (P.f_attn_proj + P.f_out + P.f_mlp) +
                               nm * (P.f_attn_proj + P.f_out + P.f_router + P.f_shared);
    const double f_exp_tok = nm * k * P.f_expert;
    const double rate = a->peak_flops[prec] * P.mm[prec];
    const double attn_rate = a->peak_flops[GW_PREC_BF16] > 0
                                 ? a->peak_flops[GW_PREC_BF16] * ip->attn_eff
                                 : a->peak_flops[prec] * ip->attn_eff;
    const double bw = a->mem_Bps * ip->decode_mem_eff;
    const double floor_s = L * ip->kernels_per_layer * ip->kernel_floor_s;

    comm_ctx cc = {gw_train_comm_alphabeta(), topo, tp, ep, R, (int)nd, (int)nm,
                   P.h, k, act, ep > tp};

    /* ---- One decode step (b sequences per attention group) ------------- */
    /* Tokens reaching the experts in one step: every attention group's. */
    double T = b * dpa;
    double touched = moe ? 1.0 - pow(1.0 - k / E, T) : 0.0;
    double w_read = (p_dense * wb + p_head * act) / tp + p_experts * wb / R * touched;
    double kv_read = b * kv_seq;
    double gemm_dec = b * (f_dense_tok + P.f_head) / tp + T * f_exp_tok * ip->moe_imbalance / R;
    double attn_dec = b * L * decode_attn_flops(m, &P, ctx_mean) / tp;
    double t_mem_dec = (w_read + kv_read) / bw;
    double t_comp_dec = gemm_dec / (rate * ip->decode_gemm_eff) + attn_dec / attn_rate;
    double t_comm_dec = comm_time(&cc, b);
    double step_dec = fmax(fmax(t_mem_dec, t_comp_dec), floor_s) + t_comm_dec + ip->step_overhead_s;
    out->experts_touched = touched;
    out->decode_tokens_per_s_per_gpu = T / step_dec / R;
    out->bound_hbm_tokens_per_s_per_gpu = T / R / ((w_read + kv_read) / a->mem_Bps);
    out->bound_compute_tokens_per_s_per_gpu =
        T / R /
        ((b * (f_dense_tok + P.f_head) / tp + T * f_exp_tok / R) / a->peak_flops[prec] +
         attn_dec / fmax(a->peak_flops[GW_PREC_BF16], a->peak_flops[prec]));

    /* ---- One request's prefill (alone) ---------------------------------- */
    /* GEMMs over the prompt (the LM head for the last token only), the
     * causal attention core (P.f_core: s/2 keys on average per query). */
    double gemm_pre = in * f_dense_tok / tp + P.f_head / tp + in * f_exp_tok * ip->moe_imbalance / R;
    double attn_pre = in * L * P.f_core / tp;
    double t_pre_comp = gemm_pre / (rate * ip->prefill_gemm_eff) + attn_pre / attn_rate;
    double n_chunks = ceil(in / ip->chunk_tokens);
    double chunk = in / n_chunks;
    double w_all = (p_dense * wb + p_head * act) / tp + p_experts * wb / R;
    double t_chunk_alone = fmax(fmax(t_pre_comp / n_chunks, w_all / bw), floor_s) +
                           comm_time(&cc, chunk) + ip->step_overhead_s;
    out->prefill_s = n_chunks * t_chunk_alone;

    /* ---- Steady state: decode iterations carrying the average prefill --- */
    /* b sequences per group each live output_len iterations, so
     * b / output_len requests start (and are prefilled) per iteration. */
    double pre_per_it = b / outl;
    double T_mix = T * (1.0 + in / outl);
    double touched_mix = moe ? 1.0 - pow(1.0 - k / E, T_mix) : 0.0;
    double w_read_mix = (p_dense * wb + p_head * act) / tp + p_experts * wb / R * touched_mix;
    double t_mem = (w_read_mix + kv_read) / bw;
    double t_comp = t_comp_dec + pre_per_it * t_pre_comp;
    double t_comm = comm_time(&cc, b * (1.0 + in / outl));
    out->step_mem_s = t_mem;
    out->step_compute_s = t_comp;
    out->step_comm_s = t_comm;
    out->step_overhead_s = ip->step_overhead_s;
    out->step_prefill_s = pre_per_it * t_pre_comp;
    out->step_s = fmax(fmax(t_mem, t_comp), floor_s) + t_comm + ip->step_overhead_s;
    out->weight_read_bytes = w_read_mix;
    out->kv_read_bytes = kv_read;

    /* TTFT: the request waits on average half an iteration, then its
     * chunks ride n_chunks iterations next to the running decodes. */
    double t_chunk_it = fmax(fmax(t_mem, t_comp_dec + t_pre_comp / n_chunks), floor_s) +
                        comm_time(&cc, b + chunk) + ip->step_overhead_s;
    out->ttft_s = 0.5 * out->step_s + n_chunks * t_chunk_it;
    out->tpot_s = out->step_s;
    out->output_tokens_per_s = out->replicas * T / out->step_s;
    out->output_tokens_per_s_per_gpu = out->output_tokens_per_s / o->n_gpus;
    out->total_tokens_per_s_per_gpu = out->output_tokens_per_s_per_gpu * (1.0 + in / outl);
    out->output_tokens_per_s_per_user = 1.0 / out->tpot_s;
    double share = out->step_prefill_s / out->step_s;
    out->prefill_share = share < 1.0 ? share : 1.0;

    if (out->kv_free_bytes <= 0 || b > mb)
        out->reject = GW_INFER_REJECT_MEMORY;
    else if (o->ttft_s > 0 && out->ttft_s > o->ttft_s)
        out->reject = GW_INFER_REJECT_TTFT;
    else if (o->tpot_s > 0 && out->tpot_s > o->tpot_s)
        out->reject = GW_INFER_REJECT_TPOT;
    return GW_OK;
}
