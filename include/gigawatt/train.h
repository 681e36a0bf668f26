/* SPDX-License-Identifier: MIT */
/*
 * gigawatt/train.h: the training performance model. Given a model
 * architecture (gw_model), an accelerator (gw_accel), a GPU count and a
 * batch, it computes
 *   - FLOPs per iteration per operation (model FLOPs = MFU basis, hardware
 *     FLOPs incl. recomputation = HFU basis),
 *   - memory per GPU (weights, gradients, optimizer state under ZeRO 0..3,
 *     activations per Korthikanti et al. 2022, pipeline in-flight
 *     micro-batches, buffers, fragmentation allowance),
 *   - step time for TP x PP (x vpp) x DP x CP x EP with a breakdown
 *     (compute, exposed TP / CP / EP / PP / DP communication, bubble,
 *     optimizer),
 *   - the fastest feasible parallel configuration by exhaustive search,
 *   - whole-run figures (days, GPU-hours, GPU energy),
 * and validates its predictions against published runs (CSV).
 *
 * Equations, sources and assumptions: docs/models/train.md. Parameters
 * (efficiencies, overheads, fallback NIC bandwidths) come from
 * data/train.yaml, with the data set they were fitted to.
 *
 * Thread-safety: every function is reentrant; results are plain structs
 * owned by the caller. gw_train_plan uses OpenMP threads per gw_ctx_threads.
 */
#ifndef GIGAWATT_TRAIN_H
#define GIGAWATT_TRAIN_H

#include <gigawatt/catalog.h>
#include <gigawatt/core.h>
#include <gigawatt/report.h>

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Value of an integer field of gw_train_opts meaning "search this
 * dimension". */
#define GW_TRAIN_ANY (-1)
/* Most alternatives kept in a result. */
#define GW_TRAIN_MAX_TOP 32

typedef enum gw_train_recompute {
    GW_TRAIN_RECOMPUTE_NONE = 0,  /* keep every activation */
    GW_TRAIN_RECOMPUTE_SELECTIVE, /* recompute attention core (Korthikanti 2022) */
    GW_TRAIN_RECOMPUTE_FULL       /* keep layer inputs only; recompute forward */
} gw_train_recompute;

/* "none", "selective", "full"; parse returns GW_EPARSE on other text. */
GW_API const char *gw_train_recompute_name(gw_train_recompute r);
GW_API gw_status gw_train_recompute_parse(const char *text, gw_train_recompute *out);

/* FP8 scaling recipe. It changes how many host ops each MoE expert costs:
 * per-tensor scaling quantises every expert's tensors on their own (an amax
 * pass, then a cast); block scaling (MXFP8 32-element blocks, DeepSeek's
 * 1x128 tiles) quantises all experts in one fused grouped kernel. */
typedef enum gw_train_fp8_recipe {
    GW_TRAIN_FP8_TENSOR = 0, /* per-tensor (delayed or current) scaling; Hopper default */
    GW_TRAIN_FP8_BLOCK       /* block scaling (MXFP8, 1x128 tiles) */
} gw_train_fp8_recipe;

/* "tensor", "block"; parse returns GW_EPARSE on other text. */
GW_API const char *gw_train_fp8_recipe_name(gw_train_fp8_recipe r);
GW_API gw_status gw_train_fp8_recipe_parse(const char *text, gw_train_fp8_recipe *out);

/* How the data-parallel gradient sync of ZeRO 0-2 is scheduled. Megatron-
 * Core overlaps the gradient reduction with the last backward pass and the
 * ZeRO-1/2 parameter all-gather with the first forward pass
 * (--overlap-grad-reduce / --overlap-param-gather); DeepSpeed's pipeline
 * engine and Megatron-LM before 2023 run them after the backward pass and
 * inside the optimizer step. ZeRO-3 (FSDP) is not affected: its per-micro-
 * batch collectives are scheduled by the sharding itself. */
typedef enum gw_train_dp_sync {
    GW_TRAIN_DP_SYNC_OVERLAP = 0,    /* overlapped (Megatron-Core; default) */
    GW_TRAIN_DP_SYNC_AFTER,          /* reduction after the last backward, gather in the
                                        optimizer step; both exposed */
    GW_TRAIN_DP_SYNC_AFTER_ALLREDUCE /* as AFTER, and ZeRO-1/2 gradients all-reduced in
                                        full instead of reduce-scattered (DeepSpeed's BF16
                                        optimizer under pipeline parallelism) */
} gw_train_dp_sync;

/* "overlap", "after", "after-allreduce"; parse returns GW_EPARSE on other
 * text. */
GW_API const char *gw_train_dp_sync_name(gw_train_dp_sync s);
GW_API gw_status gw_train_dp_sync_parse(const char *text, gw_train_dp_sync *out);

/* How context-parallel ranks exchange attention inputs. */
typedef enum gw_train_cp_comm {
    GW_TRAIN_CP_RING = 0,  /* K/V chunks passed around a ring, overlapped with the
                              attention of the previous chunk (ring attention;
                              Megatron-Core's default p2p) */
    GW_TRAIN_CP_ALLGATHER, /* K/V all-gathered before attention, dK/dV reduce-scattered
                              after, not overlapped (Llama 3, section 3.3.2) */
    GW_TRAIN_CP_A2A        /* all-to-all of Q, K, V to head-sharded full sequences and of
                              the output back (DeepSpeed-Ulysses); needs the local heads
                              divisible by cp */
} gw_train_cp_comm;

/* "ring", "allgather", "a2a"; parse returns GW_EPARSE on other text. */
GW_API const char *gw_train_cp_comm_name(gw_train_cp_comm c);
GW_API gw_status gw_train_cp_comm_parse(const char *text, gw_train_cp_comm *out);

/* ---- Parameters (data/train.yaml) ------------------------------------- */

/* Efficiencies and overheads of the step-time model. Every field is read
 * from data/train.yaml (which states its source or what it was fitted to).
 * Public so that calibration tools can vary them. */
typedef struct gw_train_params {
    /* GEMMs: rate = matmul ceiling x gemm_eff_max[p] x F / (F + gemm_half_flop),
     * F = FLOPs of one GEMM on one GPU after sharding, the ceiling the
     * accelerator's measured maximum achievable matmul rate (matmul_ceiling
     * below). Index: gw_precision. */
    double gemm_eff_max[GW_PREC_COUNT]; /* fraction of the matmul ceiling, 0..1 */
    double gemm_half_flop;              /* FLOP: GEMM size at half of eff_max (at BF16) */
    double attn_eff;                    /* flash-attention core, fraction of BF16 peak */
    double mem_eff;                     /* element-wise kernels, fraction of HBM bandwidth */
    double elementwise_bytes_per_elem;  /* bytes moved per activation element per pass */
    double fp8_cast_bytes_per_elem;     /* extra bytes per GEMM input element for FP8 casts */
    double fp4_bytes_per_elem;          /* stored bytes per element of an NVFP4 tensor */
    double fp8_block_bytes_per_elem;    /* same, block-scaled FP8 (value + its share of
                                           the block's scale) */
    /* Communication (alpha-beta). */
    double scaleup_bw_eff;       /* achieved / nominal per-direction NVLink bandwidth */
    double scaleout_bw_eff;      /* achieved / nominal NIC bandwidth */
    double scaleup_latency_s;    /* per collective step inside the domain */
    double scaleout_latency_s;   /* per collective step across NICs */
    double default_nic_Bps;      /* scale-out per GPU per direction when unknown */
    double tp_overlap;           /* fraction of TP comm hidden behind GEMMs, 0..1 */
    double dp_overlap;           /* fraction of the last backward usable to hide DP comm */
    double cp_overlap;           /* fraction of CP KV exchange hidden behind attention */
    double ep_overlap;           /* fraction of EP all-to-all hidden */
    double overlap_slowdown;     /* compute seconds lost per second of FSDP (ZeRO-3) traffic
                                    hidden beside it */
    double grad_bytes_per_param; /* DP gradient reduction precision, bytes */
    /* MoE. */
    double moe_imbalance;                  /* busiest expert load / mean, >= 1 */
    double grouped_gemm_eff;               /* grouped expert GEMM efficiency relative to dense */
    double grouped_gemm_eff_fp8;           /* same for FP8/FP4 expert GEMMs, relative to the
                                              dense FP8/FP4 rate (per-expert quantisation) */
    double host_op_time;                   /* host (CPU) time to issue one framework op, s */
    double expert_host_ops[GW_PREC_COUNT]; /* host ops per local expert per MoE layer per
                                           micro-batch (forward + backward) without CUDA
                                           graphs; index gw_precision (FP4 as FP8);
                                           FP8 entry: per-tensor scaling */
    double expert_host_ops_block;          /* same, block-scaled FP8/FP4 (fused grouped
                                              quantisation) */
    /* Memory. */
    double optimizer_bytes_per_param;       /* Adam state + fp32 master, bytes */
    double weight_bytes_per_param;          /* working weights, bytes (bf16) */
    double grad_acc_bytes_per_param;        /* gradient accumulation buffer, bytes */
    double mem_frag_frac;                   /* fragmentation allowance, fraction of usage */
    double mem_workspace_bytes;             /* CUDA context + NCCL + cuBLAS workspace per GPU */
    double optimizer_bytes_moved_per_param; /* HBM traffic of one Adam step per param */
    double step_overhead_s;                 /* fixed per-iteration overhead (launch, sync) */
    double legacy_score_bytes;              /* unfused attention: bytes per score element, fwd */
    double cp_min_tokens;                   /* search: CP only while s / cp >= this many tokens */
    /* Critical (compute-optimal) batch B = coef x C^exp tokens, fitted on
     * compute budgets [cmin, cmax] FLOP (DeepSeek LLM, docs/models/batch.md). */
    double crit_batch_coef, crit_batch_exp, crit_batch_cmin, crit_batch_cmax;
    /* Loosely coupled training (docs/models/loose.md): the exponent of
     * data-parallel loss in model size and of compute in model size, which
     * turn a loss penalty into compute, and the published DiLoCo loss next
     * to data-parallel training (data/train.yaml loose_quality), one row
     * per published (model size, replicas, H). */
    double loose_dp_loss_exp, loose_compute_params_exp;
    size_t n_loose_pts;
    struct {
        double params, replicas, sync_every; /* N, M, H of the published run */
        double dp_loss, loss;                /* data-parallel and DiLoCo eval loss */
        char ref[48];                        /* short citation (paper, table) */
    } loose_pt[64];
    /* Data-parallel collectives as NCCL runs them (data/train.yaml): per-
     * collective latency of a flat ring over all ranks of the group (grows
     * with the ring length) or of the double binary tree (all-reduce only),
     * and the number of collectives (buckets, FSDP units) per step. */
    double nccl_ring_base_latency_s;    /* fixed part of one ring collective */
    double nccl_ring_nvlink_step_s;     /* per ring step between GPUs of one node */
    double nccl_ring_net_step_s;        /* per ring step between nodes */
    double nccl_ring_allreduce_plateau; /* multi-node ring all-reduce latency factor */
    double nccl_tree_nvlink_step_s;     /* per tree step inside a node */
    double nccl_tree_net_step_s;        /* per tree level between nodes */
    double dp_bucket_params;            /* DDP / distributed-optimizer bucket, params */
    double dp_bucket_params_per_rank;   /* bucket grows by this many params per DP rank */
    /* Scale-out NIC bandwidth per GPU per direction for known accelerators
     * (fallback when the catalog gives no system/NIC). */
    size_t n_nic_overrides;
    struct {
        char accel[32];
        double Bps;
    } nic_override[16];
    /* Measured maximum achievable matmul rate (MAMF) per accelerator and
     * precision, FLOP/s (0 = not measured), and the fraction of the dense
     * peak assumed for accelerators or precisions without a measurement. */
    size_t n_matmul;
    struct {
        char accel[32];
        double flops[GW_PREC_COUNT];
    } matmul[24];
    double matmul_default_frac[GW_PREC_COUNT];
    /* Software facts of published runs, by id prefix (validation only):
     * whether the framework had FlashAttention, TP comm overlap and
     * sequence parallelism. */
    size_t n_profiles;
    struct {
        char prefix[48];
        bool flash_attention, tp_comm_overlap, seq_parallel;
        double grad_bytes_per_param; /* 0: params default */
        int zero;                    /* ZeRO stage for empty cells, -1: search */
        double moe_imbalance;        /* MoE load of the runs, 0: params default */
        int max_vpp;                 /* interleaving bound for empty cells, 0: none */
        bool cuda_graphs;            /* the runs captured MoE blocks in CUDA graphs */
        int fp8_recipe;              /* gw_train_fp8_recipe of the runs */
        bool moe_a2a_overlap;        /* the runs overlapped the MoE all-to-all (default true) */
        int dp_sync;                 /* gw_train_dp_sync of the runs (default overlap) */
    } profile[16];
    /* Training-system facts of model families, by HF model_type. */
    /* Published whole-run figures to compare with (model, GPU). */
    size_t n_published;
    struct {
        char model[48], accel[32];
        double gpu_hours, tokens;
    } published[8];
    size_t n_model_profiles;
    struct {
        char model_type[32];
        bool dualpipe, fp8_dispatch;
        bool fp8_grouped_native; /* FP8 grouped expert GEMMs at the dense FP8 rate
                                    (DeepGEMM), not grouped_gemm_eff_fp8 */
        int moe_node_limit;
        int fp8_recipe; /* gw_train_fp8_recipe of the model's own runs */
    } model_profile[8];
    /* How the fitted values were obtained (data/train.yaml fit_plan): the
     * gw_train_fit stages, in order, that gw_train_crossval reruns with one
     * source family left out at a time. */
    size_t n_fit_stages;
    /* Prediction interval of a step time (data/train.yaml
     * prediction_interval): log(measured / predicted) on held-out runs is
     * taken as normal with this mean and standard deviation; the interval
     * at level is predicted x exp(mean +- z sd). level 0: none. */
    double interval_level, interval_log_mean, interval_log_sd;
    struct {
        char params[256]; /* comma-separated gw_train_fit parameter names */
        int subset;       /* rows minimised on: 0 all, 1 dense, 2 MoE/FP8/CP */
    } fit_stage[8];
} gw_train_params;

/* Loads data/train.yaml from data_dir (NULL: $GIGAWATT_DATA, else the copy
 * embedded at build time). Errors: GW_EIO, GW_EPARSE, GW_ESCHEMA, GW_EUNIT,
 * GW_ERANGE with file:line:col. */
GW_API gw_status gw_train_params_load(gw_ctx *ctx, const char *data_dir, gw_train_params *out,
                                      gw_error *err);

/* ---- Communication model interface ----------------------------------- */

/* Which parallel dimension a group belongs to. */
typedef enum gw_train_group_kind {
    GW_TRAIN_GROUP_OTHER = 0,
    GW_TRAIN_GROUP_TP,
    GW_TRAIN_GROUP_CP,
    GW_TRAIN_GROUP_EP,
    GW_TRAIN_GROUP_DP,  /* gradients of the dense parameters: DP x CP */
    GW_TRAIN_GROUP_EDP, /* gradients of the experts */
    GW_TRAIN_GROUP_PP
} gw_train_group_kind;

/* A communicator group: n ranks, n_local of them in each scale-up domain
 * (n_local divides n; n_local == n: the group is inside one domain);
 * stride: GPUs between consecutive members with ranks placed in Megatron
 * order (tp, cp, ep, dp, pp; 0: unknown), for topology-aware models. */
typedef struct gw_train_group {
    int n;
    int n_local;
    int stride;
    int kind; /* gw_train_group_kind */
} gw_train_group;

/* Link properties the default model uses (per GPU, per direction). */
typedef struct gw_train_topo {
    double scaleup_Bps;  /* NVLink per direction (catalog bidirectional / 2) */
    double scaleout_Bps; /* NICs per GPU per direction */
    double scaleup_latency_s, scaleout_latency_s;
    double scaleup_eff, scaleout_eff; /* achieved fraction of nominal bandwidth */
    int scaleup_domain;               /* GPUs per scale-up domain */
} gw_train_topo;

/* Collective time model, replaceable (e.g. by the flow-level network
 * simulator). bytes: the full buffer size per rank (for all-gather: the
 * gathered output; for reduce-scatter: the input; for all-to-all: the data
 * each rank sends in total; for p2p: the message). Each returns seconds,
 * >= 0. The functions must be reentrant: the search calls them from many
 * threads with the same ud. */
typedef struct gw_train_comm_model {
    const char *name;
    void *ud;
    double (*allreduce_s)(void *ud, const gw_train_topo *t, gw_train_group g, double bytes);
    double (*allgather_s)(void *ud, const gw_train_topo *t, gw_train_group g, double bytes);
    double (*reducescatter_s)(void *ud, const gw_train_topo *t, gw_train_group g, double bytes);
    double (*alltoall_s)(void *ud, const gw_train_topo *t, gw_train_group g, double bytes);
    /* cross_domain: the two ranks are in different scale-up domains. */
    double (*p2p_s)(void *ud, const gw_train_topo *t, bool cross_domain, double bytes);
    /* Optional (NULL: p2p_s): a pipeline send between stages, every rank of
     * group g (the pipeline: n stages, stride GPUs apart) sending at once,
     * for models that know the placement. */
    double (*sendrecv_s)(void *ud, const gw_train_topo *t, gw_train_group g, bool cross_domain,
                         double bytes);
} gw_train_comm_model;

/* The built-in alpha-beta model: ring (bandwidth-optimal) or double binary
 * tree (latency-optimal), whichever is faster, hierarchical over the
 * scale-up domain then the NICs. Static, never NULL. */
GW_API const gw_train_comm_model *gw_train_comm_alphabeta(void);

/* ---- Configuration, options, results --------------------------------- */

/* One parallel configuration. */
typedef struct gw_train_config {
    int tp, pp, vpp, dp, cp, ep, etp;
    int micro_batch; /* sequences per micro-batch per DP rank */
    gw_train_recompute recompute;
    int zero;                 /* 0..3 */
    gw_precision precision;   /* GEMM precision: BF16, FP8 or FP4 */
    bool seq_parallel;        /* Megatron sequence parallelism (tp > 1) */
    int cp_comm;              /* gw_train_cp_comm (meaningful when cp > 1) */
    double global_batch_seqs; /* sequences per step; 0: the plan's batch */
    /* Transformer layers on the first and on the last pipeline stage
     * (Megatron-Core --decoder-first/last-pipeline-num-layers; Llama 3's
     * balanced stages); the other stages share the rest equally. 0: not
     * given -- the even split when pp divides the layers, otherwise
     * ceil(layers / pp) per stage with the remainder on the last one. One
     * given: the other stage is a middle-sized one (Megatron's rule).
     * gw_train_pp_split gives the split a configuration runs. */
    int pp_first, pp_last;
    /* ZeRO shard group (hybrid sharding: PyTorch HSDP, Megatron's
     * --num-distributed-optimizer-instances, MaxText's ICI-FSDP x DCN-data
     * split): the ZeRO-sharded state is split over this many ranks of the
     * DP x CP group and replicated dp x cp / zero_shard times; gradients
     * are reduce-scattered in the shard group, then all-reduced across the
     * replicas. Must divide dp x cp (and the replicas the expert-DP
     * group). 0: the whole DP x CP group (plain ZeRO). Ignored with
     * zero = 0. */
    int zero_shard;
} gw_train_config;

/* Layers per pipeline stage of configuration c on a model of n_layers
 * layers: *first (first stage, with the embedding), *mid (each stage in
 * between; equal to *first or *last when pp <= 2) and *last (with the LM
 * head, loss and MTP modules); pp = 1: all three n_layers. Returns false
 * when the split cannot run: a stage without layers, sizes that do not add
 * up to n_layers, or an interleaved schedule (vpp > 1) whose busiest stage
 * does not divide into vpp chunks (Megatron-Core's rule; other stages are
 * cut as evenly as its --pipeline-model-parallel-layout allows).
 * Thread-safe. */
GW_API bool gw_train_pp_split(int n_layers, const gw_train_config *c, int *first, int *mid,
                              int *last);

/* What to evaluate. Integer dimensions are fixed when > 0 (recompute,
 * zero, precision when >= 0) and searched when GW_TRAIN_ANY; etp is not
 * searched (GW_TRAIN_ANY means 1). Start from gw_train_opts_init. */
typedef struct gw_train_opts {
    double n_gpus;              /* GPUs in the job (integer valued) */
    double seq_len;             /* tokens per sequence */
    double global_batch_tokens; /* tokens per optimizer step (rounded to sequences) */
    double global_batch_seqs;   /* > 0 overrides global_batch_tokens */
    double tokens;              /* whole-run tokens (0: no whole-run figures) */
    int tp, pp, vpp, dp, cp, ep, etp, micro_batch;
    int recompute;               /* gw_train_recompute or GW_TRAIN_ANY */
    int zero;                    /* 0..3 or GW_TRAIN_ANY */
    int precision;               /* gw_precision or GW_TRAIN_ANY (BF16/FP8/FP4 the GPU has) */
    int top_k;                   /* alternatives to keep, <= GW_TRAIN_MAX_TOP */
    int max_micro_batch;         /* search bound, default 8 */
    int max_vpp;                 /* search bound, default 8 */
    double batch_slack;          /* a batch given in tokens may move by this fraction
                                    so that DP divides it (default 0: exact, the
                                    batch rounded to whole sequences) */
    double max_idle_frac;        /* GPUs that may stay idle when nothing divides the
                                    count exactly (default 0: use all) */
    bool flash_attention;        /* fused attention (no s^2 scores in HBM); default true */
    bool tp_comm_overlap;        /* TP collectives overlapped with GEMMs; default true */
    bool seq_parallel;           /* Megatron sequence parallelism when tp > 1; default true */
    double grad_bytes_per_param; /* main-grad buffer and DP reduction, bytes; 0: params */
    /* MoE schedule options (0/false: the model profile of data/train.yaml
     * for the model's type decides, e.g. DeepSeek-V3). */
    bool dualpipe;                   /* DualPipe: EP all-to-all and PP sends overlapped with a
                                        paired micro-batch; smaller bubble, 2x parameters */
    int moe_node_limit;              /* node-limited routing: each token reaches <= N nodes */
    bool fp8_dispatch;               /* MoE dispatch in FP8 (combine stays BF16) */
    double moe_imbalance;            /* busiest expert's tokens / mean, >= 1; 0: data/train.yaml
                                        (dropless routing with an auxiliary loss); 1: force-
                                        balanced routing (benchmark runs) */
    double moe_capacity_factor;      /* expert capacity / mean tokens; tokens above it are
                                        dropped, so the load is min(imbalance, factor);
                                        0: dropless (default) */
    bool fp8_grouped_native;         /* FP8 grouped expert GEMMs as fast as dense FP8 ones
                                        (DeepSeek's DeepGEMM); false: grouped_gemm_eff_fp8
                                        (Transformer Engine on Hopper) unless the model
                                        profile says so */
    bool moe_dedup_dispatch;         /* inter-node MoE dispatch sends a token once per remote
                                        node and forwards it over NVLink (DeepEP, HybridEP,
                                        DeepSeek-V3); default true. false: plain all-to-all */
    bool cuda_graphs;                /* the framework captures the MoE expert blocks in CUDA
                                        graphs (or launches one grouped kernel per GEMM):
                                        no per-expert host overhead; default false (eager
                                        PyTorch / Transformer Engine, as the published H100
                                        MoE recipes ran) */
    int fp8_recipe;                  /* gw_train_fp8_recipe (default per-tensor) */
    int cp_comm;                     /* gw_train_cp_comm, or GW_TRAIN_ANY to search the three
                                        (default ring, Megatron-Core's) */
    bool ignore_model_profile;       /* do not apply data/train.yaml model_profiles */
    const gw_train_params *params;   /* NULL: loaded from data_dir */
    const char *data_dir;            /* for data/train.yaml; NULL = default */
    const gw_train_comm_model *comm; /* NULL: gw_train_comm_alphabeta() */
    /* Software facts the user did not state (GW_TRAIN_FACT_* bits; default
     * 0: every fact read as set above). The best configuration is
     * re-timed under each other reading of them, and the prediction
     * interval widened to cover every reading (docs/models/train.md). */
    unsigned unknown_facts;
    /* Scale-out bandwidth per GPU per direction, bytes/s, when the run's
     * fabric is known to differ from the accelerator's default system
     * (0: gw_train_topo_for's figure). */
    double scaleout_Bps;
    /* Batch-size limits (docs/models/batch.md; appended). batch_critical:
     * the batch is raised to the critical batch of the run's compute when
     * it is below it (the tolerance batch_slack then moves it down only,
     * never beyond the bound); needs tokens > 0. feed_min_mfu > 0: after
     * the search, find the largest GPU count one synchronous job of this
     * batch (and of the critical batch) can use at that MFU or more. */
    bool batch_critical;
    double feed_min_mfu;
    /* Transformer layers on the first / last pipeline stage (appended):
     * GW_TRAIN_ANY (default) searched -- the even split when pp divides the
     * layers, otherwise the uneven splits of docs/models/train.md
     * ("Uneven pipeline stages"); > 0 fixed (the search keeps only stage
     * counts with that split). */
    int pp_first, pp_last;
    /* Rank order of the parallel dimensions, innermost (fastest-varying
     * GPU index) first: a permutation of tp, cp, ep, dp, pp joined by '-'
     * (Megatron-Core's `order`). NULL or "": "tp-cp-ep-dp-pp". It sets
     * every group's stride (dense ranks tp, cp, dp, pp in this order;
     * expert ranks etp, ep, expert-dp, pp), so which groups stay inside a
     * scale-up domain (docs/models/train.md). Checked by
     * gw_train_rank_order_parse (GW_ESCHEMA, where "rank_order"). */
    const char *rank_order;
    /* ZeRO shard group size (gw_train_config.zero_shard), appended: 0
     * (default) the whole DP x CP group; > 0 fixed (configurations whose
     * DP x CP it does not divide are rejected as indivisible). */
    int zero_shard;
    /* MoE all-to-all overlap (appended): the framework hides ep_overlap
     * (data/train.yaml) of the EP dispatch/combine behind other work, as
     * Megatron-Core's batch-level 1F1B overlap does
     * (--overlap-moe-expert-parallel-comm; applied only where Megatron-Core
     * allows it: PP 1 or interleaved PP, no full recomputation, >= 2
     * micro-batches). Default true (current Megatron-Core recipes); false:
     * the all-to-all is fully exposed (torchtitan's DeepEP MoE, older
     * Megatron-LM). DualPipe keeps its own overlap either way. */
    bool moe_a2a_overlap;
    /* How the DP gradient sync is scheduled (gw_train_dp_sync, appended;
     * default GW_TRAIN_DP_SYNC_OVERLAP). Not applied under ZeRO-3. */
    int dp_sync;
} gw_train_opts;

/* Bits of gw_train_opts.unknown_facts and gw_train_result.facts_moved. */
enum {
    GW_TRAIN_FACT_CUDA_GRAPHS = 1u, /* MoE expert blocks in CUDA graphs or eager */
    GW_TRAIN_FACT_FP8_RECIPE = 2u   /* FP8 per-tensor or block scaling */
};

/* Checks a rank order text (gw_train_opts.rank_order): GW_OK, or
 * GW_ESCHEMA with a message saying what is wrong (err->where is left for
 * the caller to name the flag or key). */
GW_API gw_status gw_train_rank_order_parse(const char *s, gw_error *err);

/* Defaults: every dimension GW_TRAIN_ANY except precision = BF16, top_k 5,
 * seq_len 8192, global batch 16M tokens, tokens 0, max_micro_batch 8,
 * max_vpp 8, batch_slack and max_idle_frac 0 (the batch and the GPU count
 * are kept exactly; a scenario may allow them to move), flash attention, TP comm
 * overlap and sequence parallelism on, per-node deduplicated MoE dispatch
 * and MoE all-to-all overlap on, MoE imbalance from data/train.yaml, dropless (no capacity factor),
 * no DualPipe/node limit/FP8 dispatch/native FP8 grouped GEMMs unless the model profile says so. */
GW_API void gw_train_opts_init(gw_train_opts *o);

/* FLOPs of one iteration, whole job (all GPUs), by operation. Model FLOPs
 * count each operation once forward and twice backward with causal
 * attention (half the s^2 term); hardware FLOPs add recomputation. */
typedef struct gw_train_flops {
    double qkv, attn_core, attn_out, mlp, moe_router, embedding, lm_head; /* forward, FLOP */
    double mtp;             /* multi-token-prediction modules (DeepSeek-V3), forward */
    double forward;         /* sum of the above */
    double model;           /* 3 x forward: MFU basis */
    double recompute;       /* extra forward work of recomputation */
    double hardware;        /* model + recompute: HFU basis */
    double per_token_model; /* model / tokens */
} gw_train_flops;

typedef struct gw_train_memory {
    double weights_bytes, grads_bytes, optimizer_bytes;
    double activations_bytes; /* in-flight activations of the busiest stage */
    double buffers_bytes;     /* comm buffers, logits, workspace */
    double fragmentation_bytes;
    double total_bytes;
    double capacity_bytes; /* usable memory of the GPU */
    /* MoE: the routed experts' share of weights + gradients + optimizer
     * state (included in the items above), and of the activations. */
    double expert_state_bytes;
    double expert_activations_bytes;
} gw_train_memory;

typedef struct gw_train_time {
    double step_s;         /* one iteration */
    double compute_s;      /* GEMMs + attention + element-wise, critical path */
    double memory_bound_s; /* the element-wise part of compute_s */
    double tp_comm_s, cp_comm_s, ep_comm_s, pp_comm_s, dp_comm_s; /* exposed */
    double dp_slowdown_s;       /* the part of dp_comm_s that is compute slowed by the FSDP
                                   (ZeRO-3) traffic running beside it (overlap_slowdown) */
    double tied_embed_s;        /* the part of dp_comm_s that is the all-reduce of tied
                                   embedding gradients between the first and last stages */
    double ep_alltoall_total_s; /* EP dispatch + combine per step before any overlap */
    double ep_remote_copies;    /* token copies per token per MoE layer that cross the
                                   scale-out network (dispatch; 0: EP inside the domain) */
    double bubble_s;
    double optimizer_s;
    double overhead_s;
    double host_s; /* exposed host (CPU) op-issue time of the MoE expert blocks:
                      what the per-layer host sync of dropless routing leaves
                      uncovered by GPU work (0 with CUDA graphs) */
} gw_train_time;

/* Why a configuration cannot run. */
typedef enum gw_train_reject {
    GW_TRAIN_OK = 0,
    GW_TRAIN_REJECT_DIVISIBILITY, /* gpus, heads, layers, batch do not divide */
    GW_TRAIN_REJECT_DOMAIN,       /* TP/EP group larger than the scale-up domain */
    GW_TRAIN_REJECT_MEMORY,       /* does not fit in GPU memory */
    GW_TRAIN_REJECT_PRECISION,    /* the GPU has no peak for this precision */
    GW_TRAIN_REJECT_COUNT_
} gw_train_reject;

typedef struct gw_train_eval {
    gw_train_config cfg;    /* cfg.global_batch_seqs: the batch evaluated */
    double gpus_used;       /* tp x pp x cp x dp (<= the GPUs given) */
    int grad_accum;         /* micro-batches per pipeline per iteration */
    gw_train_reject reject; /* GW_TRAIN_OK when feasible */
    gw_train_time time;
    gw_train_memory mem;
    double mfu, hfu; /* fractions of the dense peak of cfg.precision */
    double mfu_bf16; /* model FLOP/s over the BF16 peak */
    double tokens_per_s;
    double flops_per_gpu; /* achieved model FLOP/s per GPU */
    char why[200];        /* for alternatives: why it loses to the best */
} gw_train_eval;

typedef struct gw_train_result {
    const char *model; /* borrowed from the gw_model */
    const char *accel; /* borrowed from the gw_accel */
    double n_gpus, seq_len, global_batch_seqs, tokens_per_step;
    gw_train_flops flops; /* of the best configuration */
    gw_train_eval best;   /* valid when n_feasible > 0 */
    size_t n_top;         /* alternatives after best, sorted by step time */
    gw_train_eval top[GW_TRAIN_MAX_TOP];
    uint64_t n_evaluated, n_feasible;
    uint64_t n_rejected[GW_TRAIN_REJECT_COUNT_];
    double search_wall_s;
    /* Whole run (tokens > 0). */
    double run_tokens, run_s, gpu_hours, gpu_energy_j;
    gw_train_topo topo;          /* network figures used */
    const char *comm_model;      /* name of the collective model */
    bool dualpipe, fp8_dispatch; /* MoE schedule options in effect */
    bool fp8_grouped_native, moe_dedup_dispatch, cuda_graphs;
    int fp8_recipe;
    int moe_node_limit;
    double published_gpu_hours; /* data/train.yaml published run for this model and
                                   GPU scaled to run_tokens (0: none) */
    double gpu_hours_selective; /* with a published run and a best configuration that
                                   needs full recomputation: GPU-hours of the same
                                   layout with selective recomputation, memory check
                                   ignored (0: not computed) */
    double selective_mem_bytes; /* memory per GPU of that variant */
    /* Prediction interval of the best step time (params' interval_level;
     * 0: none): a time-like figure x t has the interval [x lo_factor, x
     * hi_factor], a rate-like one (tokens/s, MFU) [x / hi_factor, x /
     * lo_factor]. From held-out errors of published runs: it does not
     * cover configurations unlike any of them (docs/models/train.md). */
    double interval_level, interval_lo_factor, interval_hi_factor;
    /* What the plan was made for, for renderers such as gw_train_emit
     * (appended; earlier fields keep their offsets). */
    const gw_model *model_def;  /* borrowed: valid while the gw_model lives */
    const gw_accel *accel_def;  /* borrowed: valid while the gw_accel lives */
    double moe_capacity_factor; /* expert capacity / mean tokens; 0: dropless */
    bool tp_comm_overlap;       /* TP collectives assumed overlapped with GEMMs */
    /* What was asked for, to say when the search moved it: the global
     * batch in sequences before any tolerance, and the tolerances. */
    double requested_batch_seqs, batch_slack, max_idle_frac;
    /* Unknown software facts (opts.unknown_facts): the best configuration's
     * step time under the fastest and slowest reading of them, and the
     * facts that moved it (GW_TRAIN_FACT_* bits; 0: none did). The
     * interval factors above already include this spread. */
    unsigned unknown_facts, facts_moved;
    double facts_step_lo_s, facts_step_hi_s;
    /* Batch-size limits (appended; docs/models/batch.md). The critical
     * (compute-optimal) batch of the run's compute C = model FLOPs per
     * token x tokens by the fit of data/train.yaml critical_batch_*; 0
     * without tokens. in_range: C inside the fit's compute range. */
    double critical_batch_tokens, critical_compute_flop;
    bool critical_in_range;
    bool batch_raised; /* batch_critical raised the batch to the bound */
    /* The largest synchronous job at feed_min_mfu (0: not asked): at the
     * batch used (feed) and at the critical batch (feed_crit), with the
     * chosen layout's TP/CP/EP/precision and PP, VPP, DP re-chosen;
     * gpus_used 0 when no GPU count reaches the MFU. feed_peak*: the
     * highest MFU any count reaches with that batch. */
    double feed_min_mfu;
    gw_train_eval feed, feed_crit;
    double feed_peak_mfu, feed_peak_gpus, feed_crit_peak_mfu, feed_crit_peak_gpus;
    double feed_crit_batch_seqs;
    char rank_order[24]; /* the rank order the strides follow ("tp-cp-ep-dp-pp") */
    /* Hybrid sharding searched (zero_shard GW_TRAIN_ANY; appended) and a
     * shard group below the whole DP x CP group chosen: the fastest
     * configuration without hybrid sharding (plain ZeRO or none; what the
     * shard group is chosen against), its why text against the best.
     * cfg.dp 0 otherwise. */
    gw_train_eval shard_whole;
    bool moe_a2a_overlap; /* opts.moe_a2a_overlap: MoE all-to-all overlap asked for */
    int dp_sync;          /* opts.dp_sync: gw_train_dp_sync (appended) */
} gw_train_result;

/* Evaluates one fully specified configuration (no search) on
 * tp x pp x cp x dp GPUs. Rejections (divisibility, memory ...) are not
 * errors: out->reject says why. cfg->global_batch_seqs 0 means
 * global_batch_seqs. Returns GW_EINVAL for bad arguments (NULL pointers,
 * sizes < 1, zero > 3). Allocation-free; thread-safe. */
GW_API gw_status gw_train_eval_config(const gw_model *m, const gw_accel *a,
                                      const gw_train_topo *topo, const gw_train_params *p,
                                      const gw_train_comm_model *comm, const gw_train_config *cfg,
                                      double seq_len, double global_batch_seqs, gw_train_eval *out,
                                      gw_error *err);

/* FLOPs of one iteration (whole job) for a model, sequence and batch. */
GW_API void gw_train_flops_compute(const gw_model *m, double seq_len, double global_batch_seqs,
                                   gw_train_recompute rc, gw_train_flops *out);

/* Network figures for an accelerator: the catalog system/NIC (system NULL:
 * gw_catalog_system_for), else data/train.yaml fallbacks. cat may be NULL. */
GW_API void gw_train_topo_for(const gw_catalog *cat, const gw_accel *a, const gw_system *sys,
                              const gw_train_params *p, gw_train_topo *out);

/* Plans training: evaluates every valid configuration permitted by opts
 * (fixed dimensions are not searched), returns the fastest feasible one and
 * up to opts->top_k alternatives, plus whole-run figures when
 * opts->tokens > 0. cat may be NULL (then network figures come from
 * data/train.yaml); system may be NULL (catalog default for the GPU).
 * Errors: GW_EINVAL (bad opts), GW_ENOMEM, GW_EINFEASIBLE (no configuration
 * fits; out->n_rejected says why, err->msg names the main reason), errors
 * of gw_train_params_load. out is filled on GW_OK and, for the counters, on
 * GW_EINFEASIBLE. Uses gw_ctx_threads(ctx) OpenMP threads (0: all cores);
 * the result does not depend on the thread count. Complexity: the product
 * of the searched dimensions (about 1e4-1e6 evaluations, ~1e7 per second
 * per core); a few kilobytes of allocation outside the inner loop. */
GW_API gw_status gw_train_plan(gw_ctx *ctx, const gw_catalog *cat, const gw_model *m,
                               const gw_accel *a, const gw_system *sys, const gw_train_opts *opts,
                               gw_train_result *out, gw_error *err);

/* Loosely coupled training (DiLoCo, Streaming DiLoCo, hierarchical DP)
 * across buildings: docs/models/loose.md. */
typedef struct gw_train_loose_in {
    double replicas;     /* R, one synchronous job each (e.g. one per building) */
    double sync_every;   /* H: inner steps between outer synchronisations */
    double outer_bytes;  /* bytes per parameter of the outer gradient (4: FP32) */
    double params;       /* parameters exchanged (the whole model) */
    double inner_step_s; /* one replica's step time */
    double link_Bps;     /* per replica, per direction, toward the others */
    double latency_s;    /* per hop */
    double grad_bytes;   /* hierarchical DP gradient bytes per parameter; 0: 2 (BF16) */
    bool moe;            /* a mixture-of-experts model (the studies train dense ones) */
} gw_train_loose_in;

typedef struct gw_train_loose {
    double outer_bytes_per_replica; /* sent (and received) per replica per outer sync */
    double outer_sync_s;            /* its time on the links */
    double blocking_frac;           /* DiLoCo: sync / (H step + sync) of the wall time */
    double streaming_frac;          /* Streaming DiLoCo: the part not hidden by H steps */
    double link_avg_Bps;            /* mean inter-replica traffic per replica */
    double hdp_bytes_per_step;      /* hierarchical DP: per replica per step */
    double hdp_sync_s;
    double hdp_frac;      /* of the wall time, not overlapped */
    double traffic_ratio; /* hierarchical DP bytes / DiLoCo bytes over H steps */
    /* Quality against synchronous data-parallel training of the same model
     * on the same tokens (docs/models/loose.md Q1-Q3). Inside the published
     * range: interpolated between published rows. Outside: the nearest
     * published row (replicas first, then H, then model size), flagged by
     * in_range = false; it is not a prediction for this setting. */
    bool in_range;         /* replicas, model size and H inside the published range */
    char why[320];         /* when not: which settings are outside */
    bool quality_known;    /* a figure below (false: no published table loaded) */
    double loss_penalty;   /* L_DiLoCo / L_DP - 1 (negative: DiLoCo lower) */
    double compute_factor; /* DP compute reaching the same loss / DiLoCo's compute */
    double fig_params, fig_replicas, fig_sync_every; /* the setting the figure is for */
    char fig_ref[96];                                /* its source rows */
    char covers[160];                                /* the published range, in words */
} gw_train_loose;

/* Times and traffic of loosely coupled training, and its quality cost from
 * p's published table (in range: interpolated; outside: the nearest
 * published figure, flagged). GW_EINVAL for non-positive inputs.
 * Allocation-free. */
GW_API gw_status gw_train_loose_eval(const gw_train_params *p, const gw_train_loose_in *in,
                                     gw_train_loose *out, gw_error *err);

/* Writes a result under parent (an object; NULL: the document root) as
 * "train": inputs, best configuration with breakdown, memory, FLOPs,
 * alternatives with reasons, whole-run figures; adds notes. */
GW_API void gw_train_report(gw_doc *doc, gw_doc_node *parent, const gw_train_result *r);

/* Writes figure v of r's best configuration under n (an object) with r's
 * prediction interval: a time-like figure (rate false) scales with the
 * step time, a rate-like one (throughput, MFU) inversely; without an
 * interval, a plain number. For reports that show the plan's figures
 * (gigawatt run's headline). */
GW_API void gw_train_report_figure(gw_doc *doc, gw_doc_node *n, const gw_train_result *r,
                                   const char *key, const char *label, double v, const char *unit,
                                   bool rate);

/* ---- Framework launch configurations ---------------------------------- */

/* Training frameworks gw_train_emit speaks. Flag names, sources and what
 * each framework cannot express: docs/EMIT.md. */
typedef enum gw_train_emit_fmt {
    GW_TRAIN_EMIT_MEGATRON = 0, /* Megatron-LM pretrain_gpt.py flags, as bash arrays */
    GW_TRAIN_EMIT_NEMO,         /* NeMo Megatron-Bridge scripts/training/run_recipe.py
                                   ConfigContainer overrides (KEY=VALUE, one a line) */
    GW_TRAIN_EMIT_TORCHTITAN,   /* torchtitan job-config TOML sections */
    GW_TRAIN_EMIT_COUNT_
} gw_train_emit_fmt;

/* Largest text gw_train_emit writes, bytes (the renderers need a few KB). */
#define GW_TRAIN_EMIT_MAX_BYTES (64 * 1024)

/* "megatron", "nemo", "torchtitan"; "?" out of range. parse returns
 * GW_EPARSE on other text (exact, lower case). */
GW_API const char *gw_train_emit_name(gw_train_emit_fmt f);
GW_API gw_status gw_train_emit_parse(const char *text, gw_train_emit_fmt *out);

/* Renders the best configuration of a plan (r->best, with r->model_def and
 * r->accel_def for the model shape and the GPU) as the framework's launch
 * arguments or config overrides. Settings the framework has no equivalent
 * for become comment lines ('#') saying so; nothing is invented. On GW_OK
 * *out is a NUL-terminated text ending in a newline, owned by the caller:
 * free with gw_free(ctx, *out). Errors: GW_EINVAL (NULL argument, f out of
 * range, a result without a feasible configuration or without model_def /
 * accel_def), GW_ENOMEM, GW_EINTERNAL (text above GW_TRAIN_EMIT_MAX_BYTES);
 * *out is untouched then. Reentrant. */
GW_API gw_status gw_train_emit(gw_ctx *ctx, const gw_train_result *r, gw_train_emit_fmt f,
                               char **out, gw_error *err);

/* ---- Validation against published runs ------------------------------- */

typedef struct gw_train_vrow {
    char id[128];
    char family[64];  /* id prefix (source family) */
    int line;         /* CSV line */
    bool ok;          /* evaluated */
    bool extended;    /* MoE, FP8/FP4 or CP row (issue 4 set) */
    char reason[256]; /* why not evaluated */
    double measured_s, predicted_s;
    double error; /* signed (predicted - measured) / measured */
    /* Cross-validation (gw_train_crossval): predicted_s and error above are
     * held out (parameters refitted without the row's family); in_sample_s
     * is the prediction with the parameters as given. 0 otherwise. */
    double in_sample_s;
    /* Constant-MFU baseline (gw_train_baseline): the step time at one MFU
     * per precision fitted on the other rows (held out) or on all rows.
     * Valid when the validation's has_baseline is set and ok. */
    double baseline_s, baseline_error;
    double measured_mfu; /* model FLOPs / (measured step x GPUs x dense peak) */
    gw_train_eval eval;
} gw_train_vrow;

typedef struct gw_train_vstats {
    size_t n;
    double median_abs, mean_abs, max_abs; /* fractions */
    size_t i_max;                         /* row index of max */
} gw_train_vstats;

/* Errors of one source family (id prefix): the model's and, with a
 * baseline, the constant-MFU baseline's. mean_error is signed. */
typedef struct gw_train_vfamily {
    char name[64];
    gw_train_vstats model, baseline;
    double mean_error, baseline_mean_error;
} gw_train_vfamily;

#define GW_TRAIN_MAX_FAMILIES 32

typedef struct gw_train_validation {
    size_t n_rows, n_ok, n_skipped;
    gw_train_vrow *rows; /* owned */
    gw_train_vstats all, dense, extended;
    char path[256];
    /* Families in order of first appearance (at most GW_TRAIN_MAX_FAMILIES;
     * rows of further families count only in the totals). */
    size_t n_families;
    gw_train_vfamily families[GW_TRAIN_MAX_FAMILIES];
    /* gw_train_crossval: rows are held-out predictions; in_sample holds the
     * errors of the parameters as given, over the same rows. */
    bool held_out;
    gw_train_vstats in_sample;
    int cv_rounds;
    /* gw_train_baseline: held_out as above; baseline_mfu is the constant
     * MFU per precision (gw_precision index) fitted on all evaluated rows
     * (0: no row of that precision). */
    bool has_baseline, baseline_held_out;
    gw_train_vstats baseline_all;
    double baseline_mfu[GW_PREC_COUNT];
    /* gw_train_crossval: the prediction interval its held-out rows imply
     * (mean and population sd of log(measured / predicted)) and how well
     * it is calibrated: the share of rows inside the interval at
     * interval_level when each family's interval comes from the other
     * families' rows only. */
    double interval_level, interval_log_mean, interval_log_sd;
    double interval_lo_factor, interval_hi_factor; /* exp(mean -+ z sd) */
    double interval_coverage;
    size_t interval_inside;
    /* gw_train_crossval: how far each planned parameter moved between the
     * folds (lowest and highest fitted value over the folds, and its
     * plausible range): a parameter that spans much of its range is
     * weakly identified by the rows (appended). */
    size_t n_fold_params;
    struct {
        char name[48];
        double lo, hi;             /* over the folds */
        double range_lo, range_hi; /* plausible range the fit searches */
    } fold_param[32];
} gw_train_validation;

/* Reads a calibration CSV (schema of reference/runs/README.md), loads each
 * row's model config (relative to the CSV's folder) and predicts its step
 * time with the row's fixed configuration; unstated dimensions (empty vpp,
 * micro_batch, zero, recompute) are searched for the fastest feasible value.
 * Errors: GW_EIO, GW_EPARSE (malformed CSV; err has path:line), GW_ESCHEMA
 * (missing column). Rows that cannot be evaluated are not errors. p NULL:
 * loaded from data/train.yaml. *out owned by the caller:
 * gw_train_validation_free. */
GW_API gw_status gw_train_validate_file(gw_ctx *ctx, const gw_catalog *cat, const char *csv_path,
                                        const gw_train_params *p, gw_train_validation **out,
                                        gw_error *err);
GW_API void gw_train_validation_free(gw_ctx *ctx, gw_train_validation *v);
/* Writes "validate": rows (id, measured_s, predicted_s, error_frac or
 * reason) and summary stats. */
GW_API void gw_train_validation_report(gw_doc *doc, gw_doc_node *parent,
                                       const gw_train_validation *v);

/* Fits the named parameters of *p (e.g. "gemm_eff_max_bf16", "attn_eff",
 * "tp_overlap") to the runs of a calibration CSV
 * by coordinate descent within physically plausible bounds, minimising
 * mean |log(predicted/measured)| + 0.25 max |log(predicted/measured)| over
 * the subset (0 all rows, 1 dense rows, 2 MoE/FP8/CP rows). rounds: passes
 * over the parameters (2-3 suffice). On GW_OK *p holds the fitted values
 * and *out (if out is not NULL; caller frees) the validation with them.
 * Errors: GW_ENOTFOUND for a name that is not a fit parameter (the message
 * lists them), checked before the CSV is read; those of
 * gw_train_validate_file. Cost: about 30 x rounds x
 * n_names validations. */
GW_API gw_status gw_train_fit(gw_ctx *ctx, const gw_catalog *cat, const char *csv_path,
                              const char *const *names, size_t n_names, int subset, int rounds,
                              gw_train_params *p, gw_train_validation **out, gw_error *err);

/* True when name is a parameter gw_train_fit can fit (see data/train.yaml
 * fit_plan and docs/models/train.md). */
GW_API bool gw_train_fit_param_known(const char *name);

/* The fit plan of p (NULL: data/train.yaml) run on every row of the CSV,
 * the way gw_train_crossval runs it on each fold: every planned parameter
 * started from the middle of its plausible range, then the stages in
 * order. *fitted gets p with the fitted values: what data/train.yaml ships
 * (tests/unit/test_train_crossval.c checks that it does). *out (if not
 * NULL; caller frees) the validation with them. Errors: those of
 * gw_train_validate_file; GW_EINVAL for an empty fit plan. */
GW_API gw_status gw_train_fit_plan(gw_ctx *ctx, const gw_catalog *cat, const char *csv_path,
                                   const gw_train_params *p, int rounds, gw_train_params *fitted,
                                   gw_train_validation **out, gw_error *err);

/* Leave-one-family-out cross-validation. For each source family of the CSV
 * (the id prefix before the first '-'), every parameter named in p's fit
 * plan is reset to the middle of its plausible range (so nothing fitted to
 * the held-out rows leaks in) and the plan's stages are rerun by
 * gw_train_fit's method on the rows of the other families; the family's
 * rows are then predicted with those parameters. *out (caller frees) has
 * the held-out predictions in predicted_s/error (and in all/dense/extended
 * and families), the predictions with p itself in in_sample_s and the
 * in_sample stats. Rows that no fold can evaluate keep their reason.
 * p NULL: data/train.yaml. rounds: passes per stage (as gw_train_fit).
 * Errors: those of gw_train_validate_file; GW_EINVAL for an empty fit plan.
 * Cost: (families) x (cost of the plan's fits). */
GW_API gw_status gw_train_crossval(gw_ctx *ctx, const gw_catalog *cat, const char *csv_path,
                                   const gw_train_params *p, int rounds, gw_train_validation **out,
                                   gw_error *err);

/* The trivial baseline: every evaluated row predicted at one constant MFU
 * per precision, the geometric median of the measured MFUs of the training
 * rows of that precision (of all precisions when none): with held_out, the
 * rows of the other families; otherwise all rows. Fills baseline_s and
 * baseline_error of each row, the families' baseline stats, baseline_all
 * and baseline_mfu (fitted on all rows). The rows' model FLOPs come from
 * their evaluation (eval.mfu x predicted_s), so the baseline uses the same
 * FLOP count as the model. Returns GW_OK, GW_EINVAL or GW_ENOMEM. */
GW_API gw_status gw_train_baseline(gw_ctx *ctx, gw_train_validation *v, bool held_out);

#ifdef __cplusplus
}
#endif
#endif /* GIGAWATT_TRAIN_H */
