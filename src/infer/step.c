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
 *                     that iteration, TTFT the prompt's chunks;
 *   pipeline (pp)   = the slowest stage (ceil(L/pp) layers) runs one
 *                     micro-batch per step plus a stage-to-stage send;
 *                     pp micro-batches in flight, TPOT = pp x stage step;
 *   disaggregated   = decode-only steps in a decode pool, a prefill pool
 *                     of full chunks sized to a target load (M/D/1 wait),
 *                     the prompt's KV cache sent between them.
 *
 * Not modelled here (bounded in docs/models/infer.md): speculative
 * decoding, prefix caching, request-length distributions (each request
 * has the mean lengths), queueing beyond the closed-loop concurrency,
 * preemption and swapping.
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
    double win =
        m->sliding_window > 0 && m->sliding_window < ctx_tokens ? m->sliding_window : ctx_tokens;
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

/* One colocated replica (prefill mixed into the decode iterations), or
 * with pp > 1 one pipeline stage of it. Fills everything of out except
 * the disaggregated pools. */
static void eval_coloc(const gw_model *m, const gw_accel *a, const gw_train_topo *topo,
                       const gw_infer_params *ip, const gw_train_params *tpp,
                       const gw_infer_opts *o, const gw_infer_config *cfg, gw_infer_eval *out)
{
    memset(out, 0, sizeof *out);
    out->cfg = *cfg;

    gw__train_pre P;
    gw__train_pre_init(&P, m, a, topo, tpp, gw_train_comm_alphabeta(), o->input_len, 1.0,
                       o->n_gpus);
    const int tp = cfg->tp, ep = cfg->ep;
    const int pp = cfg->pp > 1 ? cfg->pp : 1;
    const double E = m->n_experts;
    const bool moe = m->n_experts > 0 && P.n_moe > 0;
    const double k = moe ? (m->top_k > 0 ? m->top_k : 1) : 0.0;
    const int R = tp > ep ? tp : ep;
    const int dpa = ep > tp ? ep / tp : 1;
    out->pp = pp;
    out->replica_gpus = R * pp;
    out->attn_dp = dpa;
    out->replicas = floor(o->n_gpus / (R * pp));

    /* Layout: experts need a model with experts; tp and ep nest; the
     * heads split evenly; the stages hold at least one layer; the
     * precision exists on the chip. */
    gw_precision prec = cfg->precision;
    bool bad = (!moe && ep > 1) || (ep > tp && ep % tp != 0) ||
               (ep > 1 && ep < tp && tp % ep != 0) || R * pp > o->n_gpus || m->n_heads % tp != 0 ||
               (moe && ep > 1 && m->n_experts % ep != 0) || pp > m->n_layers || prec < 0 ||
               prec >= GW_PREC_COUNT || !(a->peak_flops[prec] > 0) || !(a->mem_Bps > 0) ||
               !(a->mem_usable_bytes > 0);
    if (bad) {
        out->reject = GW_INFER_REJECT_LAYOUT;
        return;
    }

    const double wb = gw__infer_prec_bytes(tpp, prec);
    const double kvb = gw__infer_prec_bytes(tpp, cfg->kv_precision);
    const double act = ip->act_bytes;
    const double L = P.L, nm = P.n_moe, nd = L - nm;
    /* The slowest pipeline stage holds ceil(L / pp) layers: its share of
     * every per-layer quantity (weights, KV, FLOPs, collectives). */
    const double fL = ceil(L / pp) / L;
    /* With pp > 1 and fewer sequences than stages, only b x pp of the pp
     * micro-batches exist (one sequence each): the rest is bubble. */
    const double occ = pp > 1 && cfg->batch < 1.0 ? cfg->batch : 1.0;
    const double b = pp > 1 && cfg->batch < 1.0 ? 1.0 : cfg->batch;
    const double in = o->input_len, outl = o->output_len;

    /* ---- Memory ------------------------------------------------------- */
    const double p_dense = nd * P.p_layer_dense + nm * P.p_layer_moe_shared;
    const double p_experts = moe ? nm * E * P.p_expert : 0.0;
    const double p_head = P.p_head;
    const double p_emb = m->tied_embeddings ? 0.0 : P.p_emb;
    /* Embedding and LM head stay in BF16 in quantised checkpoints (vLLM
     * and SGLang FP8/FP4 schemes quantise the linear layers only); with
     * pipeline stages the first holds the embedding, the last the head. */
    double p_ends = pp > 1 ? fmax(p_head, p_emb) : p_head + p_emb;
    out->weight_bytes = (p_dense * wb / tp + p_experts * wb / R) * fL + p_ends * act / tp;
    const double usable = a->mem_usable_bytes * ip->mem_util - ip->runtime_reserve_bytes;
    const double ctx_mean = in + outl / 2.0;
    const double shard = kv_shard(m, tp) * fL;
    const double kv_seq = gw_infer_kv_bytes(m, ctx_mean, kvb) * shard;
    out->kv_bytes_per_token = gw_infer_kv_bytes(m, 1.0, kvb) * shard;
    out->kv_free_bytes = usable - out->weight_bytes;
    /* A stage holds the cache of all pp micro-batches for its layers. */
    out->kv_bytes = b * occ * pp * kv_seq;
    double mb = out->kv_free_bytes > 0 && kv_seq > 0
                    ? floor(out->kv_free_bytes * (1.0 - ip->kv_waste) / (kv_seq * pp))
                    : 0.0;
    if (mb > ip->max_batch / pp)
        mb = floor(ip->max_batch / pp);
    out->max_batch = mb;

    /* ---- Per-token FLOPs (whole layer, unsharded) ---------------------- */
    const double f_dense_tok = nd * (P.f_attn_proj + P.f_out + P.f_mlp) +
                               nm * (P.f_attn_proj + P.f_out + P.f_router + P.f_shared);
    const double f_exp_tok = nm * k * P.f_expert;
    const double rate = a->peak_flops[prec] * P.mm[prec];
    const double attn_rate = a->peak_flops[GW_PREC_BF16] > 0
                                 ? a->peak_flops[GW_PREC_BF16] * ip->attn_eff
                                 : a->peak_flops[prec] * ip->attn_eff;
    /* Expert GEMMs run as grouped GEMMs below the dense rate; FP8/FP4
     * ones, quantised per expert, at grouped_gemm_eff_fp8 of the dense
     * FP8 rate (data/train.yaml, shared with the training model). */
    double ge = tpp->grouped_gemm_eff > 0 ? tpp->grouped_gemm_eff : 1.0;
    if ((prec == GW_PREC_FP8 || prec == GW_PREC_FP4) && tpp->grouped_gemm_eff_fp8 > 0)
        ge = tpp->grouped_gemm_eff_fp8;
    const double xr = ip->expert_grouped > 0.5 ? ge : 1.0; /* expert rate / dense rate */
    const double bw = a->mem_Bps * ip->decode_mem_eff;
    const double floor_s = L * fL * ip->kernels_per_layer * ip->kernel_floor_s;

    comm_ctx cc = {
        gw_train_comm_alphabeta(), topo, tp, ep, R, (int)nd, (int)nm, P.h, k, act, ep > tp};
    /* Stage-to-stage sends: the micro-batch's hidden states, across
     * scale-up domains when the replica spans more than one. */
    const int dom = topo->scaleup_domain > 0 ? topo->scaleup_domain : 1;
    const bool pp_cross = R * pp > dom;
    const gw_train_comm_model *cm = gw_train_comm_alphabeta();
#define P2P(ntok) (pp > 1 ? cm->p2p_s(cm->ud, topo, pp_cross, (ntok)*P.h * act) : 0.0)

    /* ---- One decode step (b sequences per attention group) ------------- */
    /* Tokens reaching the experts in one step: every attention group's. */
    double T = b * dpa;
    double touched = moe ? 1.0 - pow(1.0 - k / E, T) : 0.0;
    double w_read = ((p_dense * wb) / tp + p_experts * wb / R * touched) * fL + p_head * act / tp;
    double kv_read = b * kv_seq;
    double gemm_dec = (b * f_dense_tok / tp + T * f_exp_tok * ip->moe_imbalance / R / xr) * fL +
                      b * P.f_head / tp;
    double attn_dec = b * L * fL * decode_attn_flops(m, &P, ctx_mean) / tp;
    double t_mem_dec = (w_read + kv_read) / bw;
    double t_comp_dec = gemm_dec / (rate * ip->decode_gemm_eff) + attn_dec / attn_rate;
    double t_comm_dec = comm_time(&cc, b) * fL;
    double p2p_dec = P2P(b);
    double step_dec =
        fmax(fmax(t_mem_dec, t_comp_dec), floor_s) + t_comm_dec + p2p_dec + ip->step_overhead_s;
    out->decode_step_s = step_dec;
    out->experts_touched = touched;
    out->decode_tokens_per_s_per_gpu = occ * T / step_dec / (R * pp);
    out->bound_hbm_tokens_per_s_per_gpu = occ * T / (R * pp) / ((w_read + kv_read) / a->mem_Bps);
    out->bound_compute_tokens_per_s_per_gpu =
        occ * T / (R * pp) /
        (((b * f_dense_tok / tp + T * f_exp_tok / R) * fL + b * P.f_head / tp) /
             a->peak_flops[prec] +
         attn_dec / fmax(a->peak_flops[GW_PREC_BF16], a->peak_flops[prec]));

    /* ---- One request's prefill (alone) ---------------------------------- */
    /* GEMMs over the prompt (the LM head for the last token only), the
     * causal attention core (P.f_core: s/2 keys on average per query);
     * per stage. */
    double gemm_pre =
        (in * f_dense_tok / tp + in * f_exp_tok * ip->moe_imbalance / R / xr) * fL + P.f_head / tp;
    double attn_pre = in * L * fL * P.f_core / tp;
    double t_pre_comp = gemm_pre / (rate * ip->prefill_gemm_eff) + attn_pre / attn_rate;
    double n_chunks = ceil(in / ip->chunk_tokens);
    double chunk = in / n_chunks;
    double w_all = ((p_dense * wb) / tp + p_experts * wb / R) * fL + p_head * act / tp;
    double t_chunk_alone = fmax(fmax(t_pre_comp / n_chunks, w_all / bw), floor_s) +
                           comm_time(&cc, chunk) * fL + P2P(chunk) + ip->step_overhead_s;
    /* The chunks flow through the stages one after another. */
    out->prefill_s = (n_chunks + pp - 1) * t_chunk_alone;

    /* A prefill-only replica under load: iterations of chunk_tokens
     * tokens (prompts packed together), each stage one chunk at a time. */
    double cfull = ip->chunk_tokens;
    double t_it_full = fmax(fmax(t_pre_comp / in * cfull, w_all / bw), floor_s) +
                       comm_time(&cc, cfull) * fL + P2P(cfull) + ip->step_overhead_s;
    out->prefill_tokens_per_s_replica = cfull / t_it_full;
    out->prefill_latency_s = (ceil(in / cfull) + pp - 1) * t_it_full;

    /* ---- Steady state: decode iterations carrying the average prefill --- */
    /* b sequences per group each live output_len iterations, so
     * b / output_len requests start (and are prefilled) per iteration. */
    double pre_per_it = b / outl;
    double T_mix = T * (1.0 + in / outl);
    double touched_mix = moe ? 1.0 - pow(1.0 - k / E, T_mix) : 0.0;
    double w_read_mix =
        ((p_dense * wb) / tp + p_experts * wb / R * touched_mix) * fL + p_head * act / tp;
    double t_mem = (w_read_mix + kv_read) / bw;
    double t_comp = t_comp_dec + pre_per_it * t_pre_comp;
    double t_comm = comm_time(&cc, b * (1.0 + in / outl)) * fL;
    double p2p = P2P(b * (1.0 + in / outl));
    out->step_mem_s = t_mem;
    out->step_compute_s = t_comp;
    out->step_comm_s = t_comm;
    out->p2p_s = p2p;
    out->step_overhead_s = ip->step_overhead_s;
    out->step_prefill_s = pre_per_it * t_pre_comp;
    out->step_s = fmax(fmax(t_mem, t_comp), floor_s) + t_comm + p2p + ip->step_overhead_s;
    out->weight_read_bytes = w_read_mix;
    out->kv_read_bytes = kv_read;
    /* Bubble: the slowest stage sets the pace (the others hold L/pp
     * layers of its ceil(L/pp)), and missing micro-batches idle stages. */
    out->pp_bubble = pp > 1 ? 1.0 - occ * (L / pp) / ceil(L / pp) : 0.0;

    /* TTFT: the request waits on average half an iteration, then its
     * chunks ride n_chunks iterations next to the running decodes, and
     * pass through the pp stages. */
    double t_chunk_it = fmax(fmax(t_mem, t_comp_dec + t_pre_comp / n_chunks), floor_s) +
                        comm_time(&cc, b + chunk) * fL + P2P(b + chunk) + ip->step_overhead_s;
    out->ttft_s = 0.5 * out->step_s * pp + (n_chunks + pp - 1) * t_chunk_it;
    /* A token passes every stage; pp micro-batches are in flight. */
    out->tpot_s = out->step_s * pp;
    out->output_tokens_per_s = out->replicas * occ * T / out->step_s;
    out->output_tokens_per_s_per_gpu = out->output_tokens_per_s / o->n_gpus;
    out->total_tokens_per_s_per_gpu = out->output_tokens_per_s_per_gpu * (1.0 + in / outl);
    out->output_tokens_per_s_per_user = 1.0 / out->tpot_s;
    double share = out->step_prefill_s / out->step_s;
    out->prefill_share = share < 1.0 ? share : 1.0;
#undef P2P

    if (out->kv_free_bytes <= 0 || b > mb)
        out->reject = GW_INFER_REJECT_MEMORY;
    else if (o->ttft_s > 0 && out->ttft_s > o->ttft_s)
        out->reject = GW_INFER_REJECT_TTFT;
    else if (o->tpot_s > 0 && out->tpot_s > o->tpot_s)
        out->reject = GW_INFER_REJECT_TPOT;
}

/* Disaggregated serving: a decode pool of cfg's layout running decode
 * steps only, a prefill pool of pre_tp x pre_ep x pre_pp replicas sized
 * to run at prefill_util of its capacity, and each request's KV cache
 * sent from one to the other (DistServe, Zhong et al., OSDI 2024;
 * Splitwise, Patel et al., ISCA 2024). */
static void eval_disagg(const gw_model *m, const gw_accel *a, const gw_train_topo *topo,
                        const gw_infer_params *ip, const gw_train_params *tpp,
                        const gw_infer_opts *o, const gw_infer_config *cfg, gw_infer_eval *out)
{
    gw_infer_config dc = *cfg, pc = *cfg;
    dc.disagg = 0;
    pc.disagg = 0;
    pc.tp = cfg->pre_tp;
    pc.ep = cfg->pre_ep;
    pc.pp = cfg->pre_pp;
    pc.batch = 1.0;
    gw_infer_opts no_bounds = *o;
    no_bounds.ttft_s = no_bounds.tpot_s = 0.0;
    gw_infer_eval pe;
    eval_coloc(m, a, topo, ip, tpp, &no_bounds, &dc, out);
    out->cfg = *cfg;
    eval_coloc(m, a, topo, ip, tpp, &no_bounds, &pc, &pe);
    if (out->reject == GW_INFER_REJECT_LAYOUT || pe.reject == GW_INFER_REJECT_LAYOUT) {
        out->reject = GW_INFER_REJECT_LAYOUT;
        return;
    }
    const double N = o->n_gpus, in = o->input_len, outl = o->output_len;
    const double Rd = out->replica_gpus, Rp = pe.replica_gpus;
    const int pp = out->pp;
    const double occ = pp > 1 && cfg->batch < 1.0 ? cfg->batch : 1.0;
    const double T = (pp > 1 && cfg->batch < 1.0 ? 1.0 : cfg->batch) * out->attn_dp;
    /* Output tokens/s of one decode replica: pp micro-batches of T. */
    const double dec_rep = occ * T / out->decode_step_s;
    const double pre_rep = pe.prefill_tokens_per_s_replica; /* input tokens/s */

    /* KV transfer: the prompt's whole cache, from the prefill replica's
     * GPUs to the decode replica's, in parallel over min(Rp, Rd) links;
     * over NVLink when both replicas fit in one scale-up domain (an NVL72
     * rack), else over the scale-out network (RDMA, Mooncake). */
    const int dom = topo->scaleup_domain > 0 ? topo->scaleup_domain : 1;
    const double kvb = gw__infer_prec_bytes(tpp, cfg->kv_precision);
    const bool su = Rp + Rd <= dom;
    const double link =
        su ? topo->scaleup_Bps * topo->scaleup_eff : topo->scaleout_Bps * topo->scaleout_eff;
    const double lat = su ? topo->scaleup_latency_s : topo->scaleout_latency_s;
    const double links = Rp < Rd ? Rp : Rd;
    out->kv_transfer_bytes = gw_infer_kv_bytes(m, in, kvb);
    out->kv_transfer_scaleup = su;
    out->kv_transfer_s = link > 0 ? lat + out->kv_transfer_bytes / (links * link) : 0.0;
    /* Requests/s one decode replica's links can receive. */
    const double kv_req_cap =
        out->kv_transfer_bytes > 0 && link > 0 ? Rd * link / out->kv_transfer_bytes : 1e300;

    /* Pool sizes: prefill GPUs per decode GPU so that the prefill pool
     * runs at prefill_util; whole replicas. */
    double x = (dec_rep / outl * in / Rd) / (cfg->prefill_util * pre_rep / Rp);
    double nd = floor(N / (1.0 + x) / Rd);
    if (nd < 1)
        nd = 1;
    double np = floor((N - nd * Rd) / Rp);
    while (np < 1 && nd > 1) {
        nd -= 1;
        np = floor((N - nd * Rd) / Rp);
    }
    if (np < 1) {
        out->reject = GW_INFER_REJECT_LAYOUT; /* too few GPUs for two pools */
        return;
    }
    out->decode_replicas = nd;
    out->prefill_replicas = np;
    out->decode_gpus = nd * Rd;
    out->prefill_gpus = np * Rp;
    out->replicas = nd;
    double rate_out = nd * dec_rep;
    double cap_pre_out = np * pre_rep * outl / in;
    double cap_kv_out = nd * kv_req_cap * outl;
    if (cap_pre_out < rate_out)
        rate_out = cap_pre_out;
    if (cap_kv_out < rate_out)
        rate_out = cap_kv_out;
    double rho = rate_out * in / outl / (np * pre_rep);
    if (rho > ip->disagg_max_load)
        rho = ip->disagg_max_load;
    out->prefill_load = rho;
    /* TTFT: queueing at the prefill pool (M/D/1 mean wait rho / (2 (1 -
     * rho)) service times), the prompt's prefill, the KV transfer, and
     * half a decode step to join the running batch. */
    out->ttft_s = pe.prefill_latency_s * (1.0 + rho / (2.0 * (1.0 - rho))) + out->kv_transfer_s +
                  0.5 * out->decode_step_s * pp;
    out->prefill_s = pe.prefill_s;
    out->prefill_tokens_per_s_replica = pre_rep;
    out->prefill_latency_s = pe.prefill_latency_s;
    out->step_s = out->decode_step_s;
    out->tpot_s = out->decode_step_s * pp;
    out->step_prefill_s = 0.0;
    out->output_tokens_per_s = rate_out;
    out->output_tokens_per_s_per_gpu = rate_out / N;
    out->total_tokens_per_s_per_gpu = out->output_tokens_per_s_per_gpu * (1.0 + in / outl);
    out->output_tokens_per_s_per_user = 1.0 / out->tpot_s;
    /* Cost split: the GPUs of each pool. */
    out->prefill_share = out->prefill_gpus / (out->prefill_gpus + out->decode_gpus);
    /* Bounds: decode GPUs only do decode. */
    out->decode_tokens_per_s_per_gpu = dec_rep / Rd;

    if (out->reject == GW_INFER_REJECT_MEMORY)
        return;
    if (pe.kv_free_bytes <= 0 || pe.max_batch < 1)
        out->reject = GW_INFER_REJECT_MEMORY;
    else if (o->ttft_s > 0 && out->ttft_s > o->ttft_s)
        out->reject = GW_INFER_REJECT_TTFT;
    else if (o->tpot_s > 0 && out->tpot_s > o->tpot_s)
        out->reject = GW_INFER_REJECT_TPOT;
    else
        out->reject = GW_INFER_OK;
}

gw_status gw_infer_eval_config(const gw_model *m, const gw_accel *a, const gw_train_topo *topo,
                               const gw_infer_params *ip, const gw_train_params *tpp,
                               const gw_infer_opts *o, const gw_infer_config *cfg,
                               gw_infer_eval *out, gw_error *err)
{
    if (m == NULL || a == NULL || topo == NULL || ip == NULL || tpp == NULL || o == NULL ||
        cfg == NULL || out == NULL)
        return gw__err(err, GW_EINVAL, "gw_infer_eval_config: NULL argument");
    if (cfg->tp < 1 || cfg->ep < 1 || cfg->pp < 0 || !(cfg->batch > 0) || !(o->n_gpus >= 1) ||
        !(o->input_len >= 1) || !(o->output_len >= 1) || m->n_layers < 1 || m->hidden < 1)
        return gw__err(err, GW_EINVAL, "gw_infer_eval_config: sizes must be >= 1");
    if (cfg->disagg && (cfg->pre_tp < 1 || cfg->pre_ep < 1 || cfg->pre_pp < 0 ||
                        !(cfg->prefill_util > 0 && cfg->prefill_util < 1.0)))
        return gw__err(err, GW_EINVAL,
                       "gw_infer_eval_config: disaggregated prefill layout sizes must be >= 1 "
                       "and the prefill load in (0, 1)");
    if (cfg->disagg)
        eval_disagg(m, a, topo, ip, tpp, o, cfg, out);
    else
        eval_coloc(m, a, topo, ip, tpp, o, cfg, out);
    return GW_OK;
}
