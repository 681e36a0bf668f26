/* SPDX-License-Identifier: MIT */
/*
 * step.c: memory per GPU and step time of one parallel configuration.
 *
 * Step time (docs/models/train.md has the equations and sources):
 *   t_step = (m + (pp-1)/vpp) * t_mb + t_pp + t_dp,exposed + t_opt + t_0
 * where m = global_batch / (micro_batch * dp) micro-batches per pipeline,
 * t_mb = forward + backward (+ recomputation) time of one micro-batch on
 * the busiest pipeline stage, including exposed TP / CP / EP collectives;
 * (pp-1)/vpp is the bubble of the interleaved 1F1B schedule (Narayanan et
 * al. SC21, section 2.2). Compute time of a GEMM is F / (peak x eff_max) +
 * t_kernel (a fixed per-kernel overhead, so that small GEMMs run below the
 * large-GEMM efficiency); the attention core runs at attn_eff of the BF16
 * peak; element-wise work is bytes / (HBM bandwidth x mem_eff).
 *
 * Memory: weights, gradients, optimizer state under ZeRO 0..3; activations
 * per Korthikanti et al. 2022 (Table 2) with in-flight micro-batches of the
 * first stage of a 1F1B schedule; logits; workspace; fragmentation.
 *
 * Pipeline stages may hold unequal layer counts (gw_train_pp_split): the
 * step runs at the pace of the slowest stage, memory is that of the
 * stage holding the most parameters plus the most in-flight activations.
 *
 * Not modelled: stragglers, network contention between jobs or between TP
 * and DP traffic, host offload, DualPipe.
 */
#include "train_internal.h"

#include "core/core_internal.h"

#include <math.h>
#include <string.h>

static double dmax(double a, double b)
{
    return a > b ? a : b;
}

static double dmin(double a, double b)
{
    return a < b ? a : b;
}

/* Ranks of a group with stride `stride` (in the Megatron rank order
 * tp-cp-ep-dp-pp) that share one scale-up domain. */
static int local_ranks(int n, int stride, int domain)
{
    if (stride >= domain)
        return 1;
    int l = domain / stride;
    if (l >= n)
        return n;
    /* Largest divisor of n not above l. */
    while (l > 1 && n % l != 0)
        l--;
    return l;
}

/* Strides of the parallel dimensions under the rank order P->order
 * (Megatron-Core's RankGenerator): dense ranks tp, cp, dp, pp (ep of size
 * 1) and expert ranks etp, ep, expert-dp, pp (cp of size 1), each stride
 * the product of the sizes of the dimensions before it in the order.
 * Returns false when the two layouts put a pipeline stage on different
 * ranks (a pp position whose inner dense and expert sizes differ). */
typedef struct rank_strides {
    int tp, cp, dp, pp; /* dense */
    int ep, edp;        /* expert */
} rank_strides;

static bool strides_of(const int order[5], int tp, int cp, int dp, int pp, int etp, int ep, int edp,
                       rank_strides *r)
{
    const int dense[5] = {tp, cp, 1, dp, pp};
    const int expert[5] = {etp, 1, ep, edp, pp};
    int sd[5], se[5];
    int a = 1, b = 1;
    for (int i = 0; i < 5; i++) {
        int d = order[i];
        sd[d] = a;
        se[d] = b;
        a *= dense[d];
        b *= expert[d];
    }
    r->tp = sd[0];
    r->cp = sd[1];
    r->dp = sd[3];
    r->pp = sd[4];
    r->ep = se[2];
    r->edp = se[3];
    return sd[4] == se[4];
}

/* The group of the ranks that vary over two dimensions (na members stride
 * sa, nb members stride sb; the gradient reduction over DP x CP). An
 * arithmetic progression when one dimension is trivial or the outer one
 * starts where the inner one ends (adjacent in the rank order). Otherwise
 * (another dimension in between) it is not one: it is timed as the
 * progression of the same members per scale-up domain and the same span
 * (stride span / members), an approximation (docs/models/train.md). */
static gw_train_group pair_group(int na, int sa, int nb, int sb, int dom, int kind)
{
    gw_train_group g;
    g.kind = kind;
    if (nb == 1 || na == 1) {
        int n = na * nb, st = na == 1 ? sb : sa;
        g.n = n;
        g.stride = st;
        g.n_local = local_ranks(n, st, dom);
        return g;
    }
    if (sb < sa) { /* inner first */
        int t = na;
        na = nb;
        nb = t;
        t = sa;
        sa = sb;
        sb = t;
    }
    g.n = na * nb;
    if (sb == sa * na) {
        g.stride = sa;
        g.n_local = local_ranks(g.n, sa, dom);
        return g;
    }
    g.n_local = sb >= dom ? local_ranks(na, sa, dom) : na * local_ranks(nb, sb, dom);
    g.stride = sb / na > 0 ? sb / na : 1;
    return g;
}

/* NCCL's latency of one collective over group g (kind 0 all-gather, 1
 * reduce-scatter, 2 all-reduce), from its own cost model (src/graph/
 * tuning.cc): a ring pays baseLat + one step latency per hop, nRanks - 1
 * hops (twice for all-reduce) of which nNodes - 1 (twice) cross the network;
 * all-reduce may run as a double binary tree instead (2 (local - 1) intra
 * + 2 log2(nodes) inter steps), whichever is faster. */
static double dp_latency(const gw_train_params *p, gw_train_group g, int kind)
{
    if (g.n <= 1)
        return 0.0;
    int nl = g.n_local > 0 ? g.n_local : 1;
    double nodes = (double)g.n / nl;
    double steps = g.n - 1.0, inter = nodes - 1.0;
    double ring = p->nccl_ring_base_latency_s + (steps - inter) * p->nccl_ring_nvlink_step_s +
                  inter * p->nccl_ring_net_step_s;
    if (kind != 2)
        return ring;
    ring = p->nccl_ring_base_latency_s +
           2.0 * ((steps - inter) * p->nccl_ring_nvlink_step_s + inter * p->nccl_ring_net_step_s);
    if (nodes > 1)
        ring *= p->nccl_ring_allreduce_plateau;
    double tree =
        2.0 * ((nl - 1.0) * p->nccl_tree_nvlink_step_s + log2(nodes) * p->nccl_tree_net_step_s);
    return tree < ring ? tree : ring;
}

/* nb collectives of kind `kind` moving `bytes` in all over group g: the comm
 * model's time for the whole volume (its bandwidth term; its own latency,
 * charged once, stays) plus NCCL's latency of each of the nb collectives.
 * The comm model sees one call per kind, so a network simulator behind it
 * records the step's DP traffic as before. */
static double dp_coll(const gw_train_params *p, const gw_train_topo *topo,
                      const gw_train_comm_model *cm, gw_train_group g, int kind, double bytes,
                      double nb)
{
    if (g.n <= 1 || bytes <= 0)
        return 0.0;
    double (*f)(void *, const gw_train_topo *, gw_train_group, double) = kind == 0 ? cm->allgather_s
                                                                         : kind == 1
                                                                             ? cm->reducescatter_s
                                                                             : cm->allreduce_s;
    return f(cm->ud, topo, g, bytes) + nb * dp_latency(p, g, kind);
}

/* The data-parallel collectives of one group (dense DP or expert DP) over
 * the step, added to the running totals: the gradient reduction (all-reduce
 * without ZeRO, reduce-scatter with it), the parameter all-gather of ZeRO-1/2
 * once per step, and ZeRO-3's gathers before forward and backward of every
 * micro-batch (*per_mb). *_1 collect one collective of each kind, the one
 * nothing can hide. params: the group's parameters; nb: collectives per
 * step (buckets or FSDP units). rep: replicas under hybrid sharding (1:
 * plain ZeRO); *rep_ar / *rep_1 collect the replicas' all-reduce (also in
 * *grad / *grad_1), which ZeRO-3 pays once per step, not per micro-batch.
 * ar_full: ZeRO-1/2 gradients all-reduced in full (GW_TRAIN_DP_SYNC_AFTER_
 * ALLREDUCE) instead of reduce-scattered. */
static void dp_group_colls(const gw_train_params *p, const gw_train_topo *topo,
                           const gw_train_comm_model *cm, gw_train_group g, int zero, int rep,
                           double params, double grad_bytes, double weight_bytes, double nb,
                           bool ar_full, double *grad, double *grad_1, double *gather,
                           double *gather_1, double *per_mb, double *rep_ar, double *rep_1)
{
    /* ar_full (ZeRO-1/2 only): the gradients are all-reduced in full over
     * the whole group, as DeepSpeed's BF16 optimizer does under pipeline
     * parallelism; the all-reduce already sums across any replicas, so
     * there is no separate replica step. */
    if (ar_full && zero >= 1 && zero < 3) {
        double x = dp_coll(p, topo, cm, g, 2, params * grad_bytes, nb);
        *grad += x;
        *grad_1 += x / nb;
        int inner = rep > 1 ? g.n / rep : g.n;
        gw_train_group gs = g;
        gs.n = inner;
        gs.n_local = g.n_local < inner ? g.n_local : inner;
        double y = dp_coll(p, topo, cm, gs, 0, params * weight_bytes, nb);
        *gather += y;
        *gather_1 += y / nb;
        return;
    }
    /* Hybrid sharding (rep > 1 replicas): the ZeRO collectives run over
     * the inner g.n / rep ranks (the shard group), and each rank's
     * reduced gradient shard is then all-reduced across the replicas (the
     * same ranks of the other shard groups, rep of them at stride
     * g.stride x shard), as PyTorch HSDP and Megatron's distributed-
     * optimizer instances do. The shard group is taken as a contiguous
     * run of the group's ranks. */
    gw_train_group gs = g, gr = g;
    if (zero >= 1 && rep > 1) {
        gs.n = g.n / rep;
        gs.n_local = g.n_local < gs.n ? g.n_local : gs.n;
        gr.n = rep;
        gr.stride = g.stride * gs.n;
        gr.n_local = g.n_local > gs.n ? g.n_local / gs.n : 1;
    }
    double x = dp_coll(p, topo, cm, gs, zero == 0 ? 2 : 1, params * grad_bytes, nb);
    if (zero >= 1 && rep > 1) {
        double ar = dp_coll(p, topo, cm, gr, 2, params * grad_bytes / gs.n, nb);
        x += ar;
        *rep_ar += ar;
        *rep_1 += ar / nb;
    }
    *grad += x;
    *grad_1 += x / nb;
    if (zero >= 1) {
        double y = dp_coll(p, topo, cm, gs, 0, params * weight_bytes, nb);
        if (zero < 3)
            *gather += y;
        else
            *per_mb += 2.0 * y;
        *gather_1 += y / nb;
    }
}

const char *gw__train_reject_name(gw_train_reject r)
{
    switch (r) {
    case GW_TRAIN_OK:
        return "ok";
    case GW_TRAIN_REJECT_DIVISIBILITY:
        return "divisibility";
    case GW_TRAIN_REJECT_DOMAIN:
        return "scale-up domain";
    case GW_TRAIN_REJECT_MEMORY:
        return "memory";
    case GW_TRAIN_REJECT_PRECISION:
        return "precision";
    case GW_TRAIN_REJECT_COUNT_:
    default:
        return "?";
    }
}

/* ---- Pipeline stages --------------------------------------------------- */

/* Megatron-Core's rules (megatron/core/transformer/transformer_config.py
 * and transformer_block.py, NVIDIA/Megatron-LM @d98e8a64): without
 * --decoder-first/last-pipeline-num-layers every stage holds layers / pp;
 * with them, the stages not given share the rest equally; its
 * --pipeline-model-parallel-layout places any count on any stage (the
 * DeepSeek-V3 recipe's 61 layers on 16 stages). gigawatt takes: first and
 * last counts (given, or a middle stage's size), the middle stages holding
 * the rest as evenly as possible (mid or mid - 1 layers each); neither
 * given and pp not dividing the layers: ceil(layers / pp) per stage, the
 * remainder on the last (floor(layers / pp) where the remainder would be
 * below one). Interleaved, the busiest stage must cut into vpp equal
 * chunks (Megatron requires it of every stage given by count; a layout
 * cuts the others unevenly). */
bool gw_train_pp_split(int L, const gw_train_config *c, int *first, int *mid, int *last)
{
    int f = 0, md = 0, l = 0;
    *first = *mid = *last = 0;
    if (c == NULL || L < 1 || c->pp < 1)
        return false;
    const int pp = c->pp, v = c->vpp > 0 ? c->vpp : 1;
    const int fg = c->pp_first > 0 ? c->pp_first : 0, lg = c->pp_last > 0 ? c->pp_last : 0;
    if (pp == 1) {
        *first = *mid = *last = L;
        return true;
    }
    if (pp > L)
        return false;
    if (pp == 2) {
        if (fg == 0 && lg == 0) {
            f = (L + 1) / 2;
            l = L - f;
        } else {
            f = fg > 0 ? fg : L - lg;
            l = lg > 0 ? lg : L - fg;
        }
        md = f;
        if (f < 1 || l < 1 || f + l != L)
            return false;
    } else {
        if (fg == 0 && lg == 0) {
            int m0 = (L + pp - 1) / pp;
            f = m0;
            l = L - (pp - 1) * m0;
            if (l < 1)
                l = L / pp;
        } else if (lg == 0) {
            f = fg;
            l = (L - fg + pp - 2) / (pp - 1);
        } else if (fg == 0) {
            l = lg;
            f = (L - lg + pp - 2) / (pp - 1);
        } else {
            f = fg;
            l = lg;
        }
        int rest = L - f - l;
        if (f < 1 || l < 1 || rest < pp - 2)
            return false;
        md = (rest + pp - 3) / (pp - 2);
    }
    int big = f > md ? f : md;
    big = big > l ? big : l;
    if (big % v != 0)
        return false;
    *first = f;
    *mid = md;
    *last = l;
    return true;
}

/* ---- Evaluation -------------------------------------------------------- */

void gw__train_eval(const gw__train_pre *P, const gw_train_config *c, gw_train_eval *e)
{
    const gw_train_params *p = P->p;
    const gw_train_topo *topo = P->topo;
    const gw_train_comm_model *cm = P->comm;
    const gw_model *m = P->m;
    const int tp = c->tp, pp = c->pp, cp = c->cp, dp = c->dp, ep = c->ep;
    const int vpp = c->vpp;
    const int etp = c->etp > 0 ? c->etp : 1;
    const double mb = c->micro_batch;

    memset(e, 0, sizeof *e);
    e->cfg = *c;
    e->reject = GW_TRAIN_OK;

    /* ---- Validity ---- */
    const double B = c->global_batch_seqs > 0 ? c->global_batch_seqs : P->B;
    const double used = (double)tp * pp * cp * dp;
    e->cfg.global_batch_seqs = B;
    e->gpus_used = used;
    if (used > P->N || tp < 1 || pp < 1 || cp < 1 || dp < 1 || vpp < 1 || ep < 1 || mb < 1) {
        e->reject = GW_TRAIN_REJECT_DIVISIBILITY;
        return;
    }
    double seqs_per_dp = B / dp;
    if (seqs_per_dp != floor(seqs_per_dp) || fmod(seqs_per_dp, mb) != 0.0) {
        e->reject = GW_TRAIN_REJECT_DIVISIBILITY;
        return;
    }
    if (m->n_heads % tp != 0 || (m->n_kv_heads > 0 && m->n_kv_heads % tp != 0 &&
                                 tp % m->n_kv_heads != 0 && m->kv_lora_rank == 0)) {
        e->reject = GW_TRAIN_REJECT_DIVISIBILITY;
        return;
    }
    if (pp > P->L || (vpp > 1 && pp == 1) || fmod(P->s, (double)(cp > 1 ? 2 * cp : 1)) != 0.0) {
        e->reject = GW_TRAIN_REJECT_DIVISIBILITY;
        return;
    }
    /* Layers per stage: first (with the embedding), each middle one, last
     * (with the LM head, loss and MTP modules); see gw_train_pp_split. */
    int sfirst, smid, slast;
    if (!gw_train_pp_split(P->L, c, &sfirst, &smid, &slast)) {
        e->reject = GW_TRAIN_REJECT_DIVISIBILITY;
        return;
    }
    const int lbusy = sfirst > smid ? sfirst : smid; /* the busiest stage without the head */
    const int lmax = lbusy > slast ? lbusy : slast;  /* layers on the largest stage */
    const int nlast = slast;
    if (m->n_experts > 0) {
        if (m->n_experts % ep != 0 || (dp * cp * tp / etp) % ep != 0 || tp % etp != 0) {
            e->reject = GW_TRAIN_REJECT_DIVISIBILITY;
            return;
        }
    } else if (ep != 1) {
        e->reject = GW_TRAIN_REJECT_DIVISIBILITY;
        return;
    }
    /* Hybrid sharding: zshard ranks of the DP x CP group hold one copy of
     * the ZeRO-sharded state, replicated zrep times; the expert-DP group
     * splits into the same zrep replicas. */
    const int zshard = c->zero >= 1 && c->zero_shard > 0 ? c->zero_shard : dp * cp;
    const int zrep = dp * cp / zshard;
    if (c->zero_shard < 0 || (dp * cp) % zshard != 0 ||
        (zrep > 1 && ((dp * cp * tp / (etp * ep)) % zrep) != 0)) {
        e->reject = GW_TRAIN_REJECT_DIVISIBILITY;
        return;
    }
    if (tp > topo->scaleup_domain) {
        e->reject = GW_TRAIN_REJECT_DOMAIN;
        return;
    }
    const double peak = P->a->peak_flops[c->precision];
    const double emax = p->gemm_eff_max[c->precision] * P->mm[c->precision];
    if (!(peak > 0) || !(emax > 0) || !(P->peak_bf16 > 0)) {
        e->reject = GW_TRAIN_REJECT_PRECISION;
        return;
    }

    const double m_mb = seqs_per_dp / mb; /* micro-batches per pipeline */
    /* DualPipe feeds micro-batches from both ends of the pipeline: it needs
     * an even number of stages (>= 2) and no interleaving; otherwise the
     * run falls back to 1F1B with the framework's EP overlap. */
    const bool dual = P->dualpipe && pp >= 2 && pp % 2 == 0 && vpp == 1;
    const double T = mb * P->s / cp; /* tokens per micro-batch per GPU (before TP) */
    const double sp = (c->seq_parallel && tp > 1) ? tp : 1.0;
    const double nmoe_frac = (double)P->n_moe / P->L;
    const double k = m->top_k > 0 ? m->top_k : 0;

    /* ---- Compute per layer per micro-batch (forward) ---- */
    const double gemm_rate_bf16 =
        P->peak_bf16 * P->mm[GW_PREC_BF16] * p->gemm_eff_max[GW_PREC_BF16];
    const double t_kernel = p->gemm_half_flop / gemm_rate_bf16;
    const double gemm_rate = peak * emax;
    const double mem_rate = P->a->mem_Bps * p->mem_eff;
    const double attn_rate = P->peak_bf16 * p->attn_eff;

    /* Attention (both layer kinds). */
    double f_proj = T * (P->f_attn_proj + P->f_out) / tp;
    double t_proj = f_proj / gemm_rate + (P->n_proj_gemms + 1.0) * t_kernel;
    double t_core;
    if (P->flash) {
        t_core = T * P->f_core / tp / attn_rate;
    } else {
        /* Unfused attention (pre-FlashAttention Megatron-LM): batched
         * GEMMs over the full s x s score matrix (the causal mask is
         * applied, not skipped: 2x the causal FLOPs) at the BF16 GEMM rate,
         * plus the scores written and re-read by the fused
         * scale-mask-softmax and dropout kernels. */
        t_core = 2.0 * T * P->f_core / tp / gemm_rate_bf16 + 2.0 * t_kernel +
                 T * (P->heads / tp) * P->s * p->legacy_score_bytes / mem_rate;
    }
    /* Dense MLP. */
    double t_mlp = T * P->f_mlp / tp / gemm_rate + 2.0 * t_kernel;
    /* MoE: routed expert tokens per GPU (balanced x imbalance), local
     * experts as one grouped GEMM. */
    double t_moe = 0.0;
    if (P->n_moe > 0) {
        double loc_tokens = T * k * p->moe_imbalance / tp;
        double f_exp = loc_tokens * P->f_expert;
        double ge = p->grouped_gemm_eff > 0 ? p->grouped_gemm_eff : 1.0;
        if ((c->precision == GW_PREC_FP8 || c->precision == GW_PREC_FP4) &&
            p->grouped_gemm_eff_fp8 > 0 && !P->fp8_grouped_native)
            ge = p->grouped_gemm_eff_fp8;
        t_moe = f_exp / (gemm_rate * ge) + 2.0 * t_kernel + T * P->f_router / tp / gemm_rate +
                t_kernel +
                (P->f_shared > 0 ? T * P->f_shared / tp / gemm_rate + 2.0 * t_kernel : 0.0);
    }
    /* Element-wise (bytes). FP8 adds casts of GEMM inputs. */
    double epb = p->elementwise_bytes_per_elem;
    double cast = (c->precision == GW_PREC_FP8 || c->precision == GW_PREC_FP4)
                      ? p->fp8_cast_bytes_per_elem * T *
                            (2.0 * P->h / sp + (P->heads * P->dv + m->ffn_hidden) / tp)
                      : 0.0;
    /* MoE layers cast the routed copies instead of the dense MLP input:
     * k x imbalance token copies of h (fc1 input) and of f_e (fc2 input)
     * per token, plus the shared experts' inputs (Transformer Engine
     * grouped linear quantises every expert's input; DeepSeek-V3 3.3.2). */
    double cast_moe = 0.0;
    if (cast > 0 && P->n_moe > 0) {
        double kk = k * p->moe_imbalance;
        cast_moe = p->fp8_cast_bytes_per_elem * T *
                   (2.0 * P->h / sp + (P->heads * P->dv + kk * (P->h + m->moe_ffn_hidden) +
                                       (double)m->n_shared_experts * m->shared_ffn_hidden) /
                                          tp);
    }
    double ew_dense = T * epb * (P->ew_h_dense / sp + P->ew_f_dense / tp) + cast;
    double ew_moe = T * epb * (P->ew_h_dense / sp + P->ew_f_moe / tp) + cast_moe;
    double t_ew_dense = ew_dense / mem_rate;
    double t_ew_moe = ew_moe / mem_rate;

    /* ---- Collectives per layer ---- */
    const int dom = topo->scaleup_domain;
    /* Group strides from the rank order (Megatron's tp-cp-ep-dp-pp by
     * default: TP contiguous, CP tp apart, EP etp apart, ...). */
    rank_strides rs;
    const int edp_n = dp * cp * tp / (etp * ep) > 0 ? dp * cp * tp / (etp * ep) : 1;
    if (!strides_of(P->order, tp, cp, dp, pp, etp, ep, edp_n, &rs)) {
        e->reject = GW_TRAIN_REJECT_DIVISIBILITY;
        return;
    }
    double t_tp_layer = 0.0; /* forward, one layer, exposed */
    if (tp > 1) {
        gw_train_group g = {tp, local_ranks(tp, rs.tp, dom), rs.tp, GW_TRAIN_GROUP_TP};
        double bytes = T * P->h * 2.0;
        double one = c->seq_parallel ? cm->allgather_s(cm->ud, topo, g, bytes) +
                                           cm->reducescatter_s(cm->ud, topo, g, bytes)
                                     : cm->allreduce_s(cm->ud, topo, g, bytes);
        t_tp_layer = 2.0 * one * (1.0 - (P->tp_overlap ? p->tp_overlap : 0.0));
        /* MoE layers with expert TP < TP dispatch the SP-sharded tokens of
         * each rank directly (all-to-all): only the attention block keeps
         * its TP all-gather / reduce-scatter pair. */
        if (P->n_moe > 0 && etp < tp)
            t_tp_layer *= 1.0 - 0.5 * nmoe_frac;
    }
    double t_cp_layer_f = 0.0, t_cp_layer_b = 0.0;
    if (cp > 1) {
        gw_train_group g = {cp, local_ranks(cp, rs.cp, dom), rs.cp, GW_TRAIN_GROUP_CP};
        double kv_heads_loc = dmax(1.0, P->kv_heads / tp);
        double bytes = cp * T * kv_heads_loc * (P->dqk + P->dv) * 2.0;
        if (c->cp_comm == GW_TRAIN_CP_A2A) {
            /* Ulysses: every rank trades its s/cp tokens of all local heads
             * for all s tokens of heads/cp heads (Q, K, V in, output back;
             * the backward pass moves their gradients). K/V heads fewer
             * than cp are replicated so that each rank gets one. */
            double heads_loc = P->heads / tp;
            if (fmod(heads_loc, cp) != 0.0) {
                e->reject = GW_TRAIN_REJECT_DIVISIBILITY;
                return;
            }
            double kv_send = dmax(kv_heads_loc, cp);
            double t = cm->alltoall_s(cm->ud, topo, g,
                                      T * (heads_loc * P->dqk + kv_send * (P->dqk + P->dv)) * 2.0) +
                       cm->alltoall_s(cm->ud, topo, g, T * heads_loc * P->dv * 2.0);
            t_cp_layer_f = t;
            t_cp_layer_b = t;
        } else if (c->cp_comm == GW_TRAIN_CP_ALLGATHER) {
            /* Llama 3: gather K and V of the whole sequence before
             * attention (any mask works), gather again and reduce-scatter
             * dK, dV in the backward pass; nothing overlapped. */
            t_cp_layer_f = cm->allgather_s(cm->ud, topo, g, bytes);
            t_cp_layer_b = t_cp_layer_f + cm->reducescatter_s(cm->ud, topo, g, bytes);
        } else {
            /* Ring exchange of K and V (Megatron-Core CP, Liu et al. ring
             * attention): every rank receives the other cp-1 KV chunks,
             * each while it computes attention on the previous one. */
            double t = cm->allgather_s(cm->ud, topo, g, bytes);
            t_cp_layer_f = dmax(0.0, t - p->cp_overlap * t_core);
            t_cp_layer_b = dmax(0.0, 2.0 * t - p->cp_overlap * 2.0 * t_core);
        }
    }
    double t_ep_layer = 0.0; /* forward dispatch + combine, exposed */
    double t_ep_a2a = 0.0;   /* same, before overlap */
    const bool low_prec = c->precision == GW_PREC_FP8 || c->precision == GW_PREC_FP4;
    if (P->n_moe > 0 && ep > 1) {
        /* Expert ranks: etp innermost, then EP (Megatron-Core expert rank
         * order etp-ep-dp-pp over the tp x cp x dp ranks). */
        gw_train_group g = {ep, local_ranks(ep, rs.ep, dom), rs.ep, GW_TRAIN_GROUP_EP};
        /* Token copies leaving each rank: k per token; with node-limited
         * routing (DeepSeek-V3 section 2.1.2: each token reaches at most M
         * nodes, then NVLink forwards to the experts), the copies that
         * cross the scale-out network drop from k (ep - n_local)/ep to
         * min(M, nodes) (nodes - 1)/nodes; the uniform all-to-all of the
         * comm model is charged with that effective copy count. */
        double copies = k;
        int nodes = g.n / (g.n_local > 0 ? g.n_local : 1);
        if (nodes > 1 && (P->node_limit > 0 || P->ep_dedup)) {
            /* Remote copies per token that cross the scale-out network.
             * Plain all-to-all: k (nodes - 1)/nodes. Per-node deduplicated
             * dispatch (DeepEP / HybridEP, DeepSeek-V3 section 3.2.2): one
             * copy per remote node holding >= 1 of the token's experts,
             * forwarded over NVLink inside the node: (nodes - 1)(1 - q),
             * q = C(E - E/nodes, k) / C(E, k) the chance that a node holds
             * none of the k experts (uniform routing). Node-limited
             * routing caps the nodes reached at M. */
            double remote = k * (nodes - 1.0) / nodes;
            if (P->ep_dedup) {
                double E = m->n_experts, En = E / nodes, q = 1.0;
                for (int i = 0; i < (int)k; i++)
                    q *= (E - En - i) > 0 ? (E - En - i) / (E - i) : 0.0;
                remote = dmin(remote, (nodes - 1.0) * (1.0 - q));
            }
            if (P->node_limit > 0)
                remote = dmin(remote, dmin(P->node_limit, nodes) * (nodes - 1.0) / nodes);
            copies = dmin(k, remote / ((g.n - g.n_local) / (double)g.n));
        }
        e->time.ep_remote_copies = copies * (g.n - g.n_local) / (double)g.n;
        /* FP8 dispatch carries its scales: one per 128-element tile
         * (DeepSeek-V3) or 32-element block (MXFP8) with block scaling. */
        double disp_b =
            P->fp8_dispatch && low_prec
                ? (P->fp8_recipe == GW_TRAIN_FP8_BLOCK ? p->fp8_block_bytes_per_elem : 1.0)
                : 2.0;
        /* The rank of the busiest experts receives (and returns)
         * moe_imbalance x the mean share of the copies. */
        copies *= p->moe_imbalance;
        double t = cm->alltoall_s(cm->ud, topo, g, T / tp * copies * P->h * disp_b) +
                   cm->alltoall_s(cm->ud, topo, g, T / tp * copies * P->h * 2.0);
        t_ep_a2a = t;
        /* Megatron-Core's batch-level A2A overlap runs one micro-batch's
         * forward with another's backward (combined 1F1B): it needs PP 1 or
         * an interleaved pipeline, no full recomputation and a second
         * micro-batch (transformer_config.py asserts; combined_1f1b.py runs
         * the first forward and the last backward alone). Elsewhere, or
         * when the framework has no such overlap, the all-to-all is exposed. */
        bool a2a_ovl = P->a2a_overlap && (pp == 1 || vpp > 1) &&
                       c->recompute != GW_TRAIN_RECOMPUTE_FULL && m_mb >= 2.0;
        t_ep_layer = t * (1.0 - (dual || !a2a_ovl ? 0.0 : p->ep_overlap));
    }

    /* ---- Host-bound expert blocks ---- */
    /* Dropless routing makes the host wait for the GPU once per MoE layer
     * (Megatron-Core's all-to-all dispatcher copies the token counts per
     * expert to the host before the all-to-all; the grouped GEMM takes them
     * as a host list), which drains the queue of launched kernels. After
     * that sync the host issues every local expert's GEMMs, quantisations
     * and allocations one by one while the GPU runs them: the expert block
     * takes max(GPU time, host issue time). Grouped kernels (DeepGEMM) or
     * CUDA graphs issue the block at once. */
    double t_host_layer = 0.0; /* exposed, per MoE layer, fwd + bwd (+ recompute) */
    if (P->n_moe > 0 && !P->cuda_graphs && !(low_prec && P->fp8_grouped_native)) {
        double e_local = (double)m->n_experts / ep;
        double rec = c->recompute == GW_TRAIN_RECOMPUTE_FULL ? 1.0 : 0.0;
        /* Forward issues about a third of the ops (2 of the 6 GEMMs).
         * Unquantised precisions cost what BF16 does. */
        double ops = !low_prec                             ? p->expert_host_ops[GW_PREC_BF16]
                     : P->fp8_recipe == GW_TRAIN_FP8_BLOCK ? p->expert_host_ops_block
                                                           : p->expert_host_ops[c->precision];
        double host = e_local * ops * p->host_op_time * (1.0 + rec / 3.0);
        double gpu = t_moe * (3.0 + rec);
        t_host_layer = dmax(0.0, host - gpu);
    }

    /* ---- Per-layer forward / backward / recompute ---- */
    double fwd_dense = t_proj + t_core + t_mlp + t_ew_dense;
    double fwd_moe = t_proj + t_core + t_moe + t_ew_moe;
    double fwd_c = (1.0 - nmoe_frac) * fwd_dense + nmoe_frac * fwd_moe; /* compute */
    double ew_c = (1.0 - nmoe_frac) * t_ew_dense + nmoe_frac * t_ew_moe;
    double ep_f = t_ep_layer, ep_b = t_ep_layer;
    if (dual && t_ep_a2a > 0) {
        /* DualPipe (DeepSeek-V3 section 3.2.1): the all-to-all of one
         * micro-batch runs under the computation of the paired one; only
         * what exceeds the MoE layer's compute is exposed. */
        ep_f = dmax(0.0, t_ep_a2a - fwd_moe);
        ep_b = dmax(0.0, t_ep_a2a - 2.0 * fwd_moe);
    }
    double comm_f = t_tp_layer + t_cp_layer_f + nmoe_frac * ep_f;
    double comm_b = t_tp_layer + t_cp_layer_b + nmoe_frac * ep_b;
    double bwd_c = 2.0 * fwd_c;
    double rec_c = 0.0, rec_comm = 0.0, rec_ew = 0.0;
    if (c->recompute == GW_TRAIN_RECOMPUTE_FULL) {
        rec_c = fwd_c;
        rec_comm = comm_f;
    } else if (c->recompute == GW_TRAIN_RECOMPUTE_SELECTIVE) {
        if (P->flash) {
            /* Fused attention keeps no score matrix: selective
             * recomputation is Megatron-Core's module recompute of the
             * norms and the activation functions (--recompute-modules
             * layernorm mlp/moe_act), i.e. their element-wise work again
             * in the backward pass: two norms (read h, write h) and the
             * activation (read 2 or 3, write 1 per FFN element). */
            double act_n = m->mlp == GW_MLP_SWIGLU ? 3.0 : 2.0;
            double fa_dense = act_n * m->ffn_hidden;
            double fa_moe = act_n * (k * p->moe_imbalance * m->moe_ffn_hidden +
                                     (double)m->n_shared_experts * m->shared_ffn_hidden);
            double fa = (1.0 - nmoe_frac) * fa_dense + nmoe_frac * fa_moe;
            rec_c = T * epb * (4.0 * P->h / sp + fa / tp) / mem_rate;
            rec_ew = rec_c;
        } else {
            rec_c = t_core;
        }
    }
    double layer_c = fwd_c + bwd_c + rec_c;
    double layer_comm = comm_f + comm_b + rec_comm + nmoe_frac * t_host_layer;
    double layer_ew = 3.0 * ew_c + (c->recompute == GW_TRAIN_RECOMPUTE_FULL ? ew_c : rec_ew);

    /* LM head + loss on the last stage (embedding lookup: negligible). */
    double t_head = 3.0 * (T * P->f_head / tp / gemm_rate + t_kernel) +
                    3.0 * T * (P->V / tp) * 2.0 * epb / mem_rate;

    /* Multi-token prediction modules (DeepSeek-V3 section 2.2) on the last
     * stage: one layer of the model's kind, the 2h -> h projection and the
     * shared LM head again, per module. */
    double mtp_c = 0.0, mtp_comm = 0.0;
    if (P->n_mtp > 0) {
        const bool moe_x = P->n_moe > 0;
        const bool full = c->recompute == GW_TRAIN_RECOMPUTE_FULL;
        double fwd_x = moe_x ? fwd_moe : fwd_dense;
        double proj = T * 4.0 * P->h * P->h / tp / gemm_rate + t_kernel;
        double rec_x =
            full ? fwd_x + proj : (c->recompute == GW_TRAIN_RECOMPUTE_SELECTIVE ? rec_c : 0.0);
        double cf_x = t_tp_layer + t_cp_layer_f + (moe_x ? ep_f : 0.0);
        double cb_x = t_tp_layer + t_cp_layer_b + (moe_x ? ep_b : 0.0);
        mtp_c = P->n_mtp * (3.0 * (fwd_x + proj) + rec_x + t_head);
        mtp_comm = P->n_mtp * (cf_x + cb_x + (full ? cf_x : 0.0) + (moe_x ? t_host_layer : 0.0));
    }

    double stage_c, stage_comm, stage_ew;
    if (pp == 1) {
        stage_c = P->L * layer_c + t_head + mtp_c;
        stage_comm = P->L * layer_comm + mtp_comm;
        stage_ew = P->L * layer_ew;
    } else {
        /* The pipeline runs at the pace of its slowest stage: the first
         * and middle stages' layers (the embedding lookup is negligible)
         * or the last stage's layers with the LM head, loss and MTP. */
        double busy = lbusy * (layer_c + layer_comm);
        double last = nlast * (layer_c + layer_comm) + t_head + mtp_c + mtp_comm;
        if (last > busy) {
            stage_c = nlast * layer_c + t_head + mtp_c;
            stage_comm = nlast * layer_comm + mtp_comm;
            stage_ew = nlast * layer_ew;
        } else {
            stage_c = lbusy * layer_c;
            stage_comm = lbusy * layer_comm;
            stage_ew = lbusy * layer_ew;
        }
    }
    double t_mb = stage_c + stage_comm;

    /* ---- Pipeline ---- */
    /* 1F1B interleaved: (pp-1)/vpp micro-batch times. DualPipe: (pp/2 - 1)
     * (F&B + B - 3W) (DeepSeek-V3 Table 2), about (pp/2 - 1)/3 micro-batch
     * times with F = B = W. */
    double bubble_mb = dual ? dmax(0.0, pp / 2.0 - 1.0) / 3.0 : (pp - 1.0) / vpp;
    double t_pp = 0.0;
    if (pp > 1) {
        bool cross = rs.pp >= dom;
        double bytes = T * P->h * 2.0 / sp;
        gw_train_group gp = {pp, 1, rs.pp, GW_TRAIN_GROUP_PP};
        double t = cm->sendrecv_s ? cm->sendrecv_s(cm->ud, topo, gp, cross, bytes)
                                  : cm->p2p_s(cm->ud, topo, cross, bytes);
        if (sp == 1.0 && tp > 1) {
            /* Without sequence parallelism every TP rank holds the whole
             * boundary activation. Megatron-LM's scatter/gather exchange
             * (Narayanan et al., SC21, section 4.1; on unless
             * --no-scatter-gather-tensors-in-pipeline) sends 1/tp of it per
             * rank across the stage boundary and all-gathers it over the
             * scale-up links on arrival. */
            gw_train_group g = {tp, local_ranks(tp, rs.tp, dom), rs.tp, GW_TRAIN_GROUP_TP};
            t = (cm->sendrecv_s ? cm->sendrecv_s(cm->ud, topo, gp, cross, bytes / tp)
                                : cm->p2p_s(cm->ud, topo, cross, bytes / tp)) +
                cm->allgather_s(cm->ud, topo, g, bytes);
        }
        /* Forward activations and backward gradients cross vpp stage
         * boundaries per micro-batch per rank; 1F1B exchanges them with
         * batched send/recv, on the critical path. */
        t_pp = 2.0 * vpp * (m_mb + pp - 1.0) * t;
        if (dual) {
            /* DualPipe overlaps the sends with the paired micro-batch's
             * computation. Micro-batches enter from both ends, so each
             * direction of a stage boundary carries one send per
             * micro-batch (one stream's activation, the other's gradient)
             * while each stage spends t_mb on it: in steady state only a
             * send slower than a micro-batch (a boundary on a slow campus
             * or WAN link, whose time the comm model reports) is exposed,
             * m times. */
            t_pp = m_mb * dmax(0.0, t - t_mb);
        }
    }

    /* ---- Parameters per GPU (the stage holding the most) ---- */
    /* First stage: its layers and the embedding; middle stages: their
     * layers; last stage: its layers, the LM head and the MTP modules
     * (DeepSeek-V3; embedding and head shared). pp 1: all of them. */
    double p_nonexp = 0.0, p_exp = 0.0;
    int nst = lmax; /* layers of that stage */
    const double n_exp_all = m->n_experts > 0 ? m->n_experts : 0;
    const double mtp_ex = P->n_moe > 0 ? m->n_experts * P->p_expert : 0.0;
    if (pp == 1) {
        double dense_layers = lmax * (1.0 - nmoe_frac);
        double moe_layers_ = lmax * nmoe_frac;
        p_nonexp = (dense_layers * P->p_layer_dense + moe_layers_ * P->p_layer_moe_shared +
                    P->p_emb + (m->tied_embeddings ? 0.0 : P->p_head)) /
                   tp;
        p_exp = moe_layers_ * n_exp_all * P->p_expert / (ep * etp);
        if (P->n_mtp > 0) {
            p_nonexp += P->n_mtp * (P->p_mtp - mtp_ex) / tp;
            p_exp += P->n_mtp * mtp_ex / (ep * etp);
        }
    } else {
        const int nsl[3] = {sfirst, smid, nlast};
        const double extra[3] = {P->p_emb, 0.0, P->p_head};
        double best = -1.0;
        for (int s = 0; s < 3; s++) {
            if (s == 1 && pp < 3)
                continue;
            double dl = nsl[s] * (1.0 - nmoe_frac), ml = nsl[s] * nmoe_frac;
            double ne = (dl * P->p_layer_dense + ml * P->p_layer_moe_shared + extra[s]) / tp;
            double ex = ml * n_exp_all * P->p_expert / (ep * etp);
            if (s == 2 && P->n_mtp > 0) {
                ne += P->n_mtp * (P->p_mtp - mtp_ex) / tp;
                ex += P->n_mtp * mtp_ex / (ep * etp);
            }
            if (ne + ex > best) {
                best = ne + ex;
                p_nonexp = ne;
                p_exp = ex;
                nst = nsl[s];
            }
        }
    }
    double p_gpu = p_nonexp + p_exp;

    /* ---- Data-parallel communication ---- */
    /* The gradient reduction and parameter gather run as many collectives
     * (buckets, FSDP units), each paying NCCL's latency: a flat ring over
     * every rank of the group for all-gather / reduce-scatter (NCCL has no
     * tree for them), so the latency grows with the ring length; all-reduce
     * takes the faster of ring and tree (dp_latency below). */
    double t_dp = 0.0;
    double t_dp_mb = 0.0;   /* ZeRO-3: per micro-batch gathers */
    double t_dp_slow = 0.0; /* ZeRO-3: compute slowed by the traffic hidden beside it */
    {
        int dp_grp = dp * cp; /* gradients are reduced over DP x CP */
        int edp = dp * cp * tp / (etp * ep);
        gw_train_group gd = pair_group(cp, rs.cp, dp, rs.dp, dom, GW_TRAIN_GROUP_DP);
        gw_train_group ge = {edp > 0 ? edp : 1, local_ranks(edp > 0 ? edp : 1, rs.edp, dom), rs.edp,
                             GW_TRAIN_GROUP_EDP};
        double gb = P->grad_bytes;
        double wb = 2.0;
        /* Collectives per step: FSDP (ZeRO-2/3) one per wrapped layer of
         * the stage; Megatron DDP buckets of max(40M, 1M x DP) params. */
        double layers_stage = pp == 1 ? P->L : nst;
        double bucket = dmax(p->dp_bucket_params, p->dp_bucket_params_per_rank * dp_grp);
        double nb_d = c->zero >= 2 ? layers_stage
                      : bucket > 0 ? dmax(1.0, ceil(p_nonexp / bucket))
                                   : 1.0;
        double nb_e = c->zero >= 2 ? layers_stage * nmoe_frac
                      : bucket > 0 ? dmax(1.0, ceil(p_exp / bucket))
                                   : 1.0;
        if (nb_e < 1.0)
            nb_e = 1.0;
        /* Not every stack overlaps the sync (P->dp_sync). DeepSpeed's
         * PipelineEngine runs its ReduceGrads instruction after the last
         * backward pass; with BF16 and ZeRO-1 _bf16_reduce_grads all-reduces
         * the FP32 gradients in full (buffered_allreduce_fallback) and the
         * BF16 optimizer all-gathers the updated parameters inside its step
         * (BLOOM-176B, Megatron-DeepSpeed); Megatron-LM before
         * --overlap-grad-reduce (2023) all-reduced after
         * forward_backward_func. ZeRO-3 keeps FSDP's own schedule. */
        const bool after = P->dp_sync != GW_TRAIN_DP_SYNC_OVERLAP && c->zero < 3;
        const bool ar_full = after && P->dp_sync == GW_TRAIN_DP_SYNC_AFTER_ALLREDUCE;
        double grad = 0.0, gather = 0.0;
        double grad_1 = 0.0, gather_1 = 0.0; /* one collective (the unhidden last / first) */
        double rep_ar = 0.0, rep_1 = 0.0;    /* hybrid sharding: the replicas' all-reduce
                                                 (in grad, grad_1) */
        if (dp_grp > 1)
            dp_group_colls(p, topo, cm, gd, c->zero, zrep, p_nonexp, gb, wb, nb_d, ar_full, &grad,
                           &grad_1, &gather, &gather_1, &t_dp_mb, &rep_ar, &rep_1);
        if (p_exp > 0 && ge.n > 1)
            dp_group_colls(p, topo, cm, ge, c->zero, zrep, p_exp, gb, wb, nb_e, ar_full, &grad,
                           &grad_1, &gather, &gather_1, &t_dp_mb, &rep_ar, &rep_1);
        /* Gradient reduction overlaps the backward pass of the last
         * micro-batch, the parameter gather the first forward pass
         * (Megatron --overlap-grad-reduce / --overlap-param-gather); the
         * last bucket's reduction (after the backward ends) and the first
         * bucket's gather (before the forward starts) have nothing to hide
         * behind. */
        double bwd_window = after ? 0.0 : p->dp_overlap * (bwd_c + rec_c) * nst;
        double fwd_window = after ? 0.0 : p->dp_overlap * fwd_c * nst;
        t_dp = dmax(grad_1, grad - bwd_window) + dmax(gather_1, gather - fwd_window);
        if (c->zero == 3) {
            /* FSDP: gathers before forward and backward, gradient
             * reduce-scatter after each backward, overlapped with compute.
             * Hybrid sharding all-reduces the accumulated gradient shard
             * across replicas once per step, during the last backward
             * (FSDP2 set_requires_all_reduce(False) on the other
             * micro-batches; Megatron-FSDP reduces once per step). */
            double per = t_dp_mb + grad - rep_ar;
            double exposed = dmax(0.0, per - p->dp_overlap * t_mb);
            double rep_exposed = dmax(rep_1, rep_ar - bwd_window);
            /* What FSDP hides still costs: its collectives run beside
             * every layer's kernels and take SMs and memory bandwidth
             * from them. Overlapped compute slows by 18.9 % on average
             * (up to 40 %; Lee et al. 2025, arXiv 2507.03114), so each
             * hidden second stretches compute by overlap_slowdown. Not
             * charged to Megatron's bucketed reduction or to TP, CP, EP:
             * tp_overlap is a fitted net share, and charging the others
             * made the held-out Megatron weak-scaling rows worse
             * (docs/models/train.md). */
            t_dp = dmax(m_mb * exposed, grad_1 - rep_1 + gather_1) + rep_exposed;
            t_dp_slow = p->overlap_slowdown * dmax(0.0, m_mb * per + rep_ar - t_dp);
            t_dp += t_dp_slow;
            t_dp_mb = exposed;
        }
    }

    /* Tied embeddings under pipeline parallelism: the first stage's word
     * embedding and the last stage's output layer are copies of one
     * matrix, so after the data-parallel reduction their gradients are
     * all-reduced between the two stages, synchronously, after everything
     * else (Megatron-LM train_step "All-reduce word_embeddings' grad across
     * first and last stages"; Megatron-Core finalize_model_grads
     * _allreduce_embedding_grads; DeepSpeed's pipeline ReduceTiedGrads):
     * exposed. Large only for big vocabularies on slow links (BLOOM: 250k
     * x 14336 / TP 4 in FP32 over 50 Gb/s, ~0.6 s). DualPipe keeps the
     * first and last stages on one rank. */
    double t_tied = 0.0;
    if (pp > 1 && m->tied_embeddings && !dual) {
        int dist = rs.pp * (pp - 1);
        gw_train_group g2 = {2, dist < dom ? 2 : 1, dist, GW_TRAIN_GROUP_PP};
        t_tied = cm->allreduce_s(cm->ud, topo, g2, (double)m->vocab * P->h / tp * P->grad_bytes);
        t_dp += t_tied;
    }

    /* ---- Optimizer ---- */
    double p_opt = c->zero >= 1 ? p_gpu / zshard : p_gpu;
    double t_opt = p_opt * p->optimizer_bytes_moved_per_param / mem_rate;

    /* ---- Total ---- */
    gw_train_time *tm = &e->time;
    tm->compute_s = (m_mb + 0.0) * stage_c;
    tm->memory_bound_s = m_mb * stage_ew;
    tm->bubble_s = bubble_mb * t_mb;
    double comm_total = m_mb * stage_comm;
    double cf = layer_comm > 0 ? comm_total / layer_comm : 0.0;
    double tpx = (t_tp_layer * 2.0 + (c->recompute == GW_TRAIN_RECOMPUTE_FULL ? t_tp_layer : 0));
    tm->tp_comm_s = cf * tpx;
    tm->cp_comm_s = cf * (t_cp_layer_f + t_cp_layer_b);
    tm->ep_comm_s =
        cf * nmoe_frac * (ep_f + ep_b + (c->recompute == GW_TRAIN_RECOMPUTE_FULL ? ep_f : 0.0));
    tm->ep_alltoall_total_s = m_mb * (pp == 1 ? P->L : lmax) * nmoe_frac * t_ep_a2a *
                              (2.0 + (c->recompute == GW_TRAIN_RECOMPUTE_FULL ? 1.0 : 0.0));
    tm->host_s = cf * nmoe_frac * t_host_layer;
    tm->pp_comm_s = t_pp;
    tm->dp_comm_s = t_dp;
    tm->dp_slowdown_s = t_dp_slow;
    tm->tied_embed_s = t_tied;
    tm->optimizer_s = t_opt;
    tm->overhead_s = p->step_overhead_s;
    tm->step_s = m_mb * t_mb + tm->bubble_s + t_pp + t_dp + t_opt + tm->overhead_s;
    e->grad_accum = (int)m_mb;

    /* ---- Memory ---- */
    gw_train_memory *mm = &e->mem;
    const bool low = c->precision == GW_PREC_FP8 || c->precision == GW_PREC_FP4;
    /* Bytes per element of the low-precision copies: FP8 1 B (block-scaled:
     * plus its share of the block scale), NVFP4 4 bits plus one FP8 scale
     * per 16 elements (fp4_bytes_per_elem). */
    const double lpb = c->precision == GW_PREC_FP4           ? p->fp4_bytes_per_elem
                       : P->fp8_recipe == GW_TRAIN_FP8_BLOCK ? p->fp8_block_bytes_per_elem
                                                             : 1.0;
    const double save = low ? 2.0 - lpb : 0.0; /* saved per stored GEMM input element */
    double fp8_w = low ? lpb : 0.0;
    /* DualPipe keeps two copies of the parameters (DeepSeek-V3 3.2.1). */
    double copies_w = dual ? 2.0 : 1.0;
    double wbytes = copies_w * p_gpu * (p->weight_bytes_per_param + fp8_w);
    double gbytes =
        copies_w * p_gpu *
        (P->grad_bytes < p->grad_acc_bytes_per_param ? P->grad_bytes : p->grad_acc_bytes_per_param);
    double obytes = p_gpu * p->optimizer_bytes_per_param;
    double shard = zshard;
    if (c->zero >= 1)
        obytes /= shard;
    if (c->zero >= 2)
        gbytes /= shard;
    if (c->zero >= 3)
        wbytes /= shard;
    mm->weights_bytes = wbytes;
    mm->grads_bytes = gbytes;
    mm->optimizer_bytes = obytes;
    mm->expert_state_bytes = p_gpu > 0 ? (wbytes + gbytes + obytes) * p_exp / p_gpu : 0.0;

    /* Activations of one layer for one micro-batch. */
    double act_layer;
    double act_expert_tok = 0.0; /* routed-expert part of act_layer */
    double tokens = T;           /* per GPU before TP */
    if (c->recompute == GW_TRAIN_RECOMPUTE_FULL) {
        act_layer = tokens * 2.0 * P->h / sp;
    } else {
        /* Legacy runs trained with dropout: two h-sized masks. FP8 keeps
         * the GEMM inputs it casts (QKV and fc1 inputs, fc2 input) in FP8
         * for the backward pass (Transformer Engine): 1 byte less each. */
        double masks = P->flash ? 0.0 : 2.0 * P->h;
        double f8h = save * 2.0 * P->h;
        double f8t = save * (double)m->ffn_hidden;
        double kr = (m->top_k > 0 ? m->top_k : 1) * p->moe_imbalance;
        /* FP8: the dispatched expert inputs (k copies of h, fc1 input)
         * and the fc2 inputs are kept as their FP8 casts: 1 byte less. */
        double f8m = save * (kr * (double)m->moe_ffn_hidden + k * P->h);
        double mla_sel = 0.0;
        if (c->recompute == GW_TRAIN_RECOMPUTE_SELECTIVE && P->flash) {
            if (m->kv_lora_rank > 0) {
                /* MLA up-projection recompute (Megatron-Core mla_up_proj,
                 * DeepSeek-V3 3.3.2): per-head q, k, v are rebuilt from
                 * the latents, which are stored instead (2 bytes each). */
                double qh = (double)m->qk_nope_head_dim + m->qk_rope_head_dim;
                mla_sel = 2.0 * (P->heads * qh * 2.0 + P->heads * m->v_head_dim) -
                          2.0 *
                              ((double)(m->q_lora_rank > 0 ? m->q_lora_rank : 0) + m->kv_lora_rank +
                               m->qk_rope_head_dim) *
                              tp;
                if (mla_sel < 0)
                    mla_sel = 0;
            }
            /* Module recompute of norms and activation functions: the
             * norm outputs (QKV and MLP inputs, 2h + 2h bytes, or FP8
             * copies 1 + 1 byte per element) and the activation outputs
             * (fc2 inputs, 2f bytes, 1f in FP8) are not stored. */
            f8h = 4.0 * P->h;
            f8t = 2.0 * m->ffn_hidden;
            f8m = 2.0 * (kr * (double)m->moe_ffn_hidden +
                         (double)m->n_shared_experts * m->shared_ffn_hidden) +
                  save * k * P->h;
        }
        double dense =
            tokens * ((P->act_h_dense + masks - f8h) / sp + (P->act_t_dense - f8t - mla_sel) / tp);
        double moe =
            tokens * ((P->act_h_moe + masks - f8h) / sp + (P->act_t_moe - f8m - mla_sel) / tp);
        act_layer = (1.0 - nmoe_frac) * dense + nmoe_frac * moe;
        /* Expert share: dispatched copies and expert internals. */
        double kr2 = (m->top_k > 0 ? m->top_k : 0) * p->moe_imbalance;
        double ex =
            2.0 * k * P->h + kr2 * ((m->mlp == GW_MLP_SWIGLU) ? 6.0 : 4.0) * m->moe_ffn_hidden;
        ex -= save * (k * P->h + kr2 * m->moe_ffn_hidden);
        if (c->recompute == GW_TRAIN_RECOMPUTE_SELECTIVE && P->flash)
            ex -= (2.0 - save) * kr2 * m->moe_ffn_hidden;
        act_expert_tok = nmoe_frac * tokens * dmax(0.0, ex) / tp;
        if (c->recompute == GW_TRAIN_RECOMPUTE_NONE && !P->flash) {
            /* Attention scores, softmax and dropout mask: 5 a s^2 b / t
             * (Korthikanti 2022 eq. 1); CP ranks hold s/cp queries. Fused
             * (flash) attention keeps only O(s) statistics instead. */
            act_layer += 5.0 * P->heads / tp * tokens * P->s;
        }
    }
    double inflight = pp > 1 ? dmin(pp + (dual ? 1.0 : 0.0), m_mb) : 1.0;
    double interleave = pp > 1 && vpp > 1 ? 1.0 + (pp - 1.0) / (pp * (double)vpp) : 1.0;
    /* The first stage holds pp micro-batches of its layers in flight
     * (1F1B); interleaved, Megatron-Core's warm-up runs 2(pp-1) + (vpp-1)pp
     * model chunks of sfirst/vpp layers before the first backward, i.e.
     * sfirst (pp + (pp-1)/vpp) layer-micro-batches -- but never more chunks
     * than the step has (m micro-batches x vpp chunks = m sfirst layers), so
     * with m = pp interleaving costs no activation memory over 1F1B. The
     * second stage holds one micro-batch fewer (2(pp-2) + (vpp-1)pp + 1
     * chunks interleaved: pp + (pp-3)/vpp micro-batches): with a lighter
     * first stage (uneven split) it can be the most loaded one. The last
     * stage holds one micro-batch of its layers and the MTP modules, plus
     * the FP32 logits kept for the loss backward; the busiest of the
     * stages sets the memory. */
    double first_layers =
        pp == 1 ? P->L + P->n_mtp : dmin(sfirst * inflight * interleave, sfirst * m_mb);
    double second_layers = 0.0;
    if (pp >= 3) {
        double x1 = vpp > 1 ? pp + (pp - 3.0) / vpp : pp - 1.0;
        second_layers = dmin(smid * (x1 + (dual ? 1.0 : 0.0)), smid * m_mb);
    }
    double last_layers = pp == 1 ? first_layers : nlast + P->n_mtp;
    double logits = tokens * P->V / tp * 4.0;
    double first_dyn = act_layer * first_layers + (pp == 1 ? logits : 0.0);
    double second_dyn = act_layer * second_layers;
    double last_dyn = act_layer * last_layers + logits;
    bool first_busier = first_dyn >= last_dyn && first_dyn >= second_dyn;
    bool second_busier = !first_busier && second_dyn >= last_dyn;
    double act_layers = first_busier ? first_layers : second_busier ? second_layers : last_layers;
    mm->activations_bytes = act_layer * act_layers;
    mm->expert_activations_bytes = act_expert_tok * act_layers;
    mm->buffers_bytes =
        p->mem_workspace_bytes + ((first_busier || second_busier) && pp > 1 ? 0.0 : logits);
    double mused = mm->weights_bytes + mm->grads_bytes + mm->optimizer_bytes +
                   mm->activations_bytes + mm->buffers_bytes;
    /* Weights, gradients and optimizer state live in contiguous buffers
     * (Megatron DDP grad buffers, distributed-optimizer shards): the
     * fragmentation allowance applies to the dynamic allocations. */
    mm->fragmentation_bytes = (mm->activations_bytes + mm->buffers_bytes) * p->mem_frag_frac;
    mm->total_bytes = mused + mm->fragmentation_bytes;
    mm->capacity_bytes = P->a->mem_usable_bytes > 0 ? P->a->mem_usable_bytes : P->a->mem_bytes;

    /* ---- Rates ---- */
    double tokens_step = B * P->s;
    double model_flops = tokens_step * 3.0 * P->fwd_flops_per_token;
    double rec = 0.0;
    if (c->recompute == GW_TRAIN_RECOMPUTE_FULL)
        rec = tokens_step * (P->fwd_flops_per_token - P->f_head);
    else if (c->recompute == GW_TRAIN_RECOMPUTE_SELECTIVE)
        rec = tokens_step * P->L * P->f_core;
    e->tokens_per_s = tokens_step / tm->step_s;
    e->flops_per_gpu = model_flops / tm->step_s / used;
    e->mfu = e->flops_per_gpu / peak;
    e->mfu_bf16 = e->flops_per_gpu / P->peak_bf16;
    e->hfu = (model_flops + rec) / tm->step_s / used / peak;

    if (mm->total_bytes > mm->capacity_bytes)
        e->reject = GW_TRAIN_REJECT_MEMORY;
}

/* ---- Why an alternative loses ------------------------------------------ */

void gw__train_why(const gw_train_eval *best, gw_train_eval *alt)
{
    gw_train_eval *w = alt;
    const gw_train_time *b = &best->time, *a = &alt->time;
    /* Compare per token of the best's batch (batches may differ). */
    double k = alt->cfg.global_batch_seqs > 0
                   ? best->cfg.global_batch_seqs / alt->cfg.global_batch_seqs
                   : 1.0;
    struct {
        const char *name;
        double d;
    } parts[] = {
        {"compute", k * a->compute_s - b->compute_s},
        {"bubble", k * a->bubble_s - b->bubble_s},
        {"TP comm", k * a->tp_comm_s - b->tp_comm_s},
        {"CP comm", k * a->cp_comm_s - b->cp_comm_s},
        {"EP all-to-all", k * a->ep_comm_s - b->ep_comm_s},
        {"PP p2p", k * a->pp_comm_s - b->pp_comm_s},
        {"DP comm", k * a->dp_comm_s - b->dp_comm_s},
        {"optimizer", k * a->optimizer_s - b->optimizer_s},
    };
    size_t imax = 0;
    for (size_t i = 1; i < sizeof parts / sizeof parts[0]; i++) {
        if (parts[i].d > parts[imax].d)
            imax = i;
    }
    double rel =
        alt->tokens_per_s > 0 ? (best->tokens_per_s / alt->tokens_per_s - 1.0) * 100.0 : 0.0;
    char extra[96] = "";
    if (alt->cfg.recompute != best->cfg.recompute && parts[imax].d > 0 &&
        strcmp(parts[imax].name, "compute") == 0) {
        const char *r = gw_train_recompute_name(alt->cfg.recompute);
        size_t n = 0;
        const char *pre = " (recompute ";
        for (; pre[n] && n < sizeof extra - 1; n++)
            extra[n] = pre[n];
        for (size_t j = 0; r[j] && n < sizeof extra - 2; j++)
            extra[n++] = r[j];
        extra[n++] = ')';
        extra[n] = '\0';
    }
    if (alt->gpus_used < best->gpus_used) {
        /* Fewer GPUs busy: the throughput loss is mostly the idle ones. */
        gw__snprintf(w->why, sizeof w->why,
                     "%+.1f%% time per token: %.0f fewer GPUs used (layout does not divide the "
                     "GPU count)",
                     rel, best->gpus_used - alt->gpus_used);
        return;
    }
    if (parts[imax].d <= 0) {
        gw__snprintf(w->why, sizeof w->why, "%+.1f%% time per token (ties within rounding)", rel);
    } else {
        gw__snprintf(w->why, sizeof w->why, "%+.1f%% time per token: %s %+.3g s per step%s", rel,
                     parts[imax].name, parts[imax].d, extra);
    }
}

/* ---- Hybrid-sharding candidates (search.c) ----------------------------- */

/* Ranks of c's DP x CP group that share one scale-up domain under the
 * rank order (the group's n_local, as the DP collectives see it); 0 when
 * the layout has no consistent strides. */
int gw__train_dp_local(const gw__train_pre *P, const gw_train_config *c)
{
    const int etp = c->etp > 0 ? c->etp : 1, ep = c->ep > 0 ? c->ep : 1;
    const int edp = c->dp * c->cp * c->tp / (etp * ep);
    rank_strides rs;
    if (!strides_of(P->order, c->tp, c->cp, c->dp, c->pp, etp, ep, edp > 0 ? edp : 1, &rs))
        return 0;
    gw_train_group g =
        pair_group(c->cp, rs.cp, c->dp, rs.dp, P->topo->scaleup_domain, GW_TRAIN_GROUP_DP);
    return g.n_local > 0 ? g.n_local : 1;
}
