/* SPDX-License-Identifier: MIT */
/*
 * train_internal.h: declarations shared by the files of the train module
 * (params.c comm.c flops.c step.c search.c report.c validate.c).
 *
 * The step model is split in two: gw__train_pre_init() computes, once per
 * (model, GPU, sequence, batch), every constant that does not depend on
 * the parallel configuration; gw__train_eval() then evaluates one
 * configuration with a few hundred floating-point operations and no
 * allocation, which is what makes the exhaustive search fast.
 */
#ifndef GW_TRAIN_INTERNAL_H
#define GW_TRAIN_INTERNAL_H

#include <gigawatt/train.h>

typedef struct gw__train_pre {
    const gw_model *m;
    const gw_accel *a;
    const gw_train_params *p;
    const gw_train_topo *topo;
    const gw_train_comm_model *comm;
    double s;  /* sequence length, tokens */
    double B;  /* global batch, sequences */
    double N;  /* GPUs */
    int L;     /* layers */
    int n_moe; /* MoE layers */
    double h, heads, kv_heads, dqk, dv, V;
    /* Forward GEMM FLOPs per token (unsharded, whole layer). */
    double f_attn_proj;  /* q, k, v (MLA: all projections) */
    double f_out;        /* attention output projection */
    double f_mlp;        /* dense MLP */
    double f_router;     /* MoE router */
    double f_expert;     /* one routed expert (per routed token) */
    double f_shared;     /* all shared experts */
    double f_head;       /* LM head */
    double n_proj_gemms; /* GEMM kernels of the attention projections (fwd) */
    /* Attention core forward FLOPs per token per layer (causal), averaged
     * over layers (sliding-window layers attend to the window only). */
    double f_core;
    /* Element-wise traffic per token per layer, forward, in elements:
     * split in the part sharded by TP only with SP (hidden-sized) and the
     * part always sharded (head- and FFN-sized). */
    double ew_h_dense, ew_f_dense, ew_f_moe;
    /* Activation bytes per token per layer stored for backward (Korthikanti
     * 2022 generalised): hidden-sized part (sharded with SP) and the part
     * sharded by TP always, plus the attention score term per token per
     * query (x s x heads). */
    double act_h_dense, act_t_dense, act_t_moe, act_h_moe;
    /* Parameters. */
    double p_layer_dense;      /* attention + norms + dense MLP */
    double p_layer_moe_shared; /* attention + norms + router + shared experts */
    double p_expert;           /* one routed expert */
    double p_emb, p_head;
    double moe_fwd_flops_per_token; /* layer-average forward FLOPs per token */
    double fwd_flops_per_token;     /* whole model, MTP modules included */
    double n_mtp;                   /* multi-token-prediction modules (last stage) */
    double f_mtp;                   /* forward FLOPs per token of one MTP module: its
                                       layer, the 2h -> h projection and the LM head */
    double p_mtp;                   /* parameters of one MTP module (layer + projection
                                       + norms; embedding and head shared) */
    double peak_bf16;
    double mm[GW_PREC_COUNT]; /* measured matmul ceiling, fraction of the peak */
    bool flash;               /* fused attention */
    bool tp_overlap;          /* TP comm overlap available */
    double grad_bytes;        /* main-grad buffer and DP gradient reduction, bytes per param */
    bool dualpipe;            /* DualPipe schedule (DeepSeek-V3) */
    int node_limit;           /* MoE node-limited routing, 0 = none */
    bool fp8_dispatch;        /* MoE dispatch in FP8 */
    bool ep_dedup;            /* MoE dispatch sends one copy per remote node (DeepEP) */
    bool fp8_grouped_native;  /* FP8 grouped GEMMs at the dense FP8 rate (DeepGEMM) */
    bool cuda_graphs;         /* no per-expert host overhead (graphs or one grouped kernel) */
    bool a2a_overlap;         /* the framework overlaps the MoE all-to-all (ep_overlap) */
    int fp8_recipe;           /* gw_train_fp8_recipe */
    int dp_sync;              /* gw_train_dp_sync */
    int order[5];             /* rank order: order[position] = 0 tp 1 cp 2 ep 3 dp 4 pp,
                                 innermost first (default 0 1 2 3 4, Megatron's) */
} gw__train_pre;

/* gw_train_params_load's parser: data/train.yaml's text (len bytes), named
 * shown in messages (file:line:col). *out is written only on GW_OK. */
gw_status gw__train_params_parse(gw_ctx *ctx, const char *buf, size_t len, const char *shown,
                                 gw_train_params *out, gw_error *err);

/* Fraction of a's dense peak its measured matmul ceiling reaches in prec
 * (data/train.yaml matmul_ceiling), or the default fraction. */
double gw__train_matmul_frac(const gw_train_params *p, const gw_accel *a, int prec);

void gw__train_pre_init(gw__train_pre *P, const gw_model *m, const gw_accel *a,
                        const gw_train_topo *topo, const gw_train_params *p,
                        const gw_train_comm_model *comm, double seq_len, double global_batch_seqs,
                        double n_gpus);

/* Evaluates one configuration (allocation-free). e->reject is set. */
void gw__train_eval(const gw__train_pre *P, const gw_train_config *c, gw_train_eval *e);

/* Ranks of c's DP x CP group inside one scale-up domain (hybrid-sharding
 * candidates of the search); 0: no consistent rank strides. */
int gw__train_dp_local(const gw__train_pre *P, const gw_train_config *c);

/* Fills the "why" text of alt relative to best. */
void gw__train_why(const gw_train_eval *best, gw_train_eval *alt);

/* Canonical name of a reject reason ("memory" ...). */
const char *gw__train_reject_name(gw_train_reject r);

/* The alpha-beta model (comm.c) with a group's terms computed once: what
 * depends on the group only (ranks per level, the logarithms of the tree,
 * halving/doubling and all-to-all latencies), for a model that calls it
 * for the same groups many times (the net module's table, one per
 * search). Each gives the same bits as the gw_train_comm_alphabeta()
 * function it names. */
typedef struct gw__train_ab_terms {
    int n, nl, nd;   /* ranks; per domain (n_local, clamped to 1..n); domains n / nl */
    double log2_top; /* log2 of the ranks the tree spans (n in one domain, else nd) */
    double clog2_nd; /* ceil(log2(nd)): recursive halving/doubling steps */
    double log2_a2a; /* log2(n / nl + 1): all-to-all latency steps */
} gw__train_ab_terms;

void gw__train_ab_terms_init(gw_train_group g, gw__train_ab_terms *a);
/* all-gather and reduce-scatter */
double gw__train_ab_half(const gw_train_topo *t, const gw__train_ab_terms *a, double bytes);
double gw__train_ab_allreduce(const gw_train_topo *t, const gw__train_ab_terms *a, double bytes);
double gw__train_ab_alltoall(const gw_train_topo *t, const gw__train_ab_terms *a, double bytes);
double gw__train_ab_p2p(const gw_train_topo *t, bool cross_domain, double bytes);

#endif /* GW_TRAIN_INTERNAL_H */
