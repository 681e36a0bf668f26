/* SPDX-License-Identifier: MIT */
/*
 * gigawatt/infer.h: the inference-serving model. Given a model
 * architecture (gw_model), an accelerator (gw_accel), a GPU count and a
 * workload (input and output lengths per request, concurrency), it
 * computes
 *   - the memory of a serving replica per GPU: weights at their precision
 *     (BF16, FP8, FP4), the KV cache per token (GQA heads sharded by TP,
 *     MLA's compressed latent replicated), and the largest batch that fits;
 *   - one decode step: weight and KV-cache reads at HBM bandwidth, the
 *     experts an MoE layer actually touches for the step's tokens, the
 *     GEMM and attention FLOPs, TP all-reduces and EP all-to-alls over the
 *     scale-up domain (gw_train_comm_model);
 *   - one request's prefill: GEMMs at the accelerator's measured matmul
 *     ceiling, causal attention;
 *   - continuous batching in steady state (prefill chunks mixed into the
 *     decode iterations): tokens/s per GPU, time to first token (TTFT),
 *     time per output token (TPOT), tokens/s per user;
 *   - a search over TP, EP, precision and batch for the most tokens/s per
 *     GPU under optional TTFT/TPOT bounds, and the throughput-interactivity
 *     frontier (tokens/s per GPU against tokens/s per user);
 *   - AI-factory figures from a site's facility power and $/GPU-hour;
 * and validates its predictions against published serving measurements.
 *
 * Equations, sources and what is not modelled: docs/models/infer.md.
 * Parameters come from data/infer.yaml (each with its source, fitted ones
 * with the data they were fitted to) and, for the matmul ceiling and the
 * collective model, data/train.yaml.
 *
 * Thread-safety: every function is reentrant; results are plain structs
 * owned by the caller.
 */
#ifndef GIGAWATT_INFER_H
#define GIGAWATT_INFER_H

#include <gigawatt/catalog.h>
#include <gigawatt/core.h>
#include <gigawatt/report.h>
#include <gigawatt/train.h>

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Value of an integer field of gw_infer_opts meaning "search this". */
#define GW_INFER_ANY (-1)
/* Most points kept on the throughput-interactivity frontier. */
#define GW_INFER_MAX_FRONTIER 48

/* ---- Parameters (data/infer.yaml) ------------------------------------- */

typedef struct gw_infer_params {
    double prefill_gemm_eff;      /* prefill GEMMs: fraction of the matmul ceiling */
    double decode_gemm_eff;       /* decode GEMMs when compute-bound: same */
    double attn_eff;              /* prefill attention core: fraction of the BF16 peak */
    double decode_mem_eff;        /* decode weight and KV reads: fraction of HBM bandwidth */
    double step_overhead_s;       /* per engine iteration: scheduling, sampling, launch */
    double kernel_floor_s;        /* shortest GPU kernel (launch to completion) */
    double kernels_per_layer;     /* kernels of one layer in one decode step */
    double mem_util;              /* share of usable memory the engine allocates */
    double runtime_reserve_bytes; /* per GPU: activations, CUDA graphs, workspaces */
    double kv_waste;              /* paged KV cache: share of blocks not filled */
    double chunk_tokens;          /* chunked prefill: tokens per iteration */
    double max_batch;             /* engine bound on running sequences per replica */
    double scaleup_latency_s;     /* per step of a small-message collective on NVLink */
    double moe_imbalance;         /* busiest expert load / mean, for expert compute */
    double act_bytes;             /* bytes per activation element exchanged (BF16) */
    double disagg_max_load;       /* highest prefill-pool load in the queueing term */
    double expert_grouped;        /* 1: expert GEMMs at data/train.yaml's grouped-GEMM
                                     efficiencies; 0: at the dense rate */
} gw_infer_params;

/* Loads data/infer.yaml from data_dir (NULL: $GIGAWATT_DATA, else the
 * embedded copy). Errors: GW_EIO, GW_EPARSE, GW_ESCHEMA, GW_EUNIT, GW_ERANGE
 * with file:line:col. */
GW_API gw_status gw_infer_params_load(gw_ctx *ctx, const char *data_dir, gw_infer_params *out,
                                      gw_error *err);

/* ---- Configuration, options, results ---------------------------------- */

/* One replica layout. A replica holds max(tp, ep) GPUs: attention and
 * dense layers are sharded tp-way; with ep > tp the attention runs
 * data-parallel over ep / tp groups ("DP attention") and the routed
 * experts are spread over ep GPUs; with ep == 1 the experts are sharded
 * tp-way like the dense layers. */
typedef struct gw_infer_config {
    int tp, ep;
    gw_precision precision;    /* weights and GEMMs: BF16, FP8 or FP4 */
    gw_precision kv_precision; /* KV cache: BF16 or FP8 */
    double batch;              /* sequences in flight per attention group (per
                                  pipeline micro-batch with pp > 1) */
    /* Appended (zero = the earlier behaviour). */
    int pp; /* pipeline stages of a replica (0 or 1: none) */
    /* Disaggregated prefill and decode (disagg != 0): the fields above are
     * the decode pool's layout; the prefill pool runs replicas of
     * pre_tp x pre_ep x pre_pp GPUs at the same weight precision, sized so
     * that it runs at prefill_util of its capacity. */
    int disagg;
    int pre_tp, pre_ep, pre_pp;
    double prefill_util; /* (0, 1): target load of the prefill pool */
} gw_infer_config;

typedef enum gw_infer_reject {
    GW_INFER_OK = 0,
    GW_INFER_REJECT_MEMORY, /* weights alone, or the batch's KV cache, do not fit */
    GW_INFER_REJECT_TTFT,   /* above the TTFT bound */
    GW_INFER_REJECT_TPOT,   /* above the TPOT bound */
    GW_INFER_REJECT_LAYOUT, /* divisibility, unsupported precision */
    GW_INFER_REJECT_COUNT_
} gw_infer_reject;

/* One evaluated configuration. Per-GPU figures are for a GPU of an
 * attention group; rates are over all GPUs of the run unless named
 * per_gpu / per_user. */
typedef struct gw_infer_eval {
    gw_infer_config cfg;
    int replica_gpus; /* max(tp, ep) */
    int attn_dp;      /* attention groups per replica */
    double replicas;  /* floor(n_gpus / replica_gpus) */
    /* Memory per GPU, bytes. */
    double weight_bytes;
    double kv_bytes_per_token; /* one token of one sequence, on one GPU */
    double kv_free_bytes;      /* for the KV cache after weights and reserve */
    double kv_bytes;           /* the batch's cache at the mean context */
    double max_batch;          /* sequences per attention group that fit */
    /* One decode iteration (mixed with the average prefill load), s. */
    double step_s, step_mem_s, step_compute_s, step_comm_s, step_overhead_s;
    double step_prefill_s;                   /* prefill compute + comm mixed into one iteration */
    double weight_read_bytes, kv_read_bytes; /* per GPU per decode step */
    double experts_touched;                  /* share of the local routed experts read per step */
    double prefill_s;                        /* one request's prefill alone */
    /* Serving figures. */
    double ttft_s, tpot_s;
    double output_tokens_per_s; /* all GPUs of the run */
    double output_tokens_per_s_per_gpu;
    double total_tokens_per_s_per_gpu; /* input + output */
    double output_tokens_per_s_per_user;
    double prefill_share; /* share of GPU time spent on prefill (cost split) */
    /* Bounds (tests): decode tokens/s per GPU at this batch if the step
     * took only its minimal HBM traffic at peak bandwidth, or only its
     * FLOPs at peak compute. */
    double bound_hbm_tokens_per_s_per_gpu, bound_compute_tokens_per_s_per_gpu;
    double decode_tokens_per_s_per_gpu; /* decode steps alone (no prefill mixed in) */
    gw_infer_reject reject;
    /* Appended: pipeline parallelism. step_s is one stage's time for one
     * micro-batch; TPOT = pp x step_s. */
    int pp;
    double p2p_s;         /* stage-to-stage activation send per micro-batch */
    double pp_bubble;     /* share of stage time idle: stage imbalance
                             (ceil(L/pp) layers on the slowest stage) and
                             micro-batches fewer than stages */
    double decode_step_s; /* a decode-only stage step (no prefill mixed in) */
    /* A prefill-only replica (the prefill pool of disaggregated serving):
     * input tokens/s at full chunks and one prompt's latency under load. */
    double prefill_tokens_per_s_replica, prefill_latency_s;
    /* Disaggregated serving (cfg.disagg): the pools, the KV transfer. */
    double prefill_gpus, decode_gpus; /* GPUs used by each pool */
    double prefill_replicas, decode_replicas;
    double prefill_load;      /* prefill pool utilisation */
    double kv_transfer_bytes; /* one request's KV cache, prefill -> decode */
    double kv_transfer_s;     /* its transfer time */
    bool kv_transfer_scaleup; /* over the scale-up domain (else the network) */
} gw_infer_eval;

/* What to evaluate. Start from gw_infer_opts_init. */
typedef struct gw_infer_opts {
    double n_gpus;                  /* GPUs of the run (integer valued, >= 1) */
    double input_len;               /* tokens per request prompt (>= 1) */
    double output_len;              /* tokens generated per request (>= 1) */
    double concurrency;             /* requests in flight over all GPUs; 0: searched */
    int tp, ep;                     /* > 0 fixed; GW_INFER_ANY searched */
    int precision;                  /* gw_precision, or GW_INFER_ANY (BF16, FP8, FP4) */
    int kv_precision;               /* gw_precision (BF16 or FP8), or GW_INFER_ANY */
    double ttft_s, tpot_s;          /* latency bounds, 0: none */
    bool disagg;                    /* also search disaggregated prefill/decode pools */
    int pp;                         /* > 0 fixed pipeline stages; GW_INFER_ANY searched
                                       (0 is taken as 1 for callers predating it) */
    bool queue_excess;              /* requests beyond what fits wait in a queue (the batch
                                       is capped at the largest that fits: burst
                                       benchmarks); false: such a concurrency is rejected */
    const char *data_dir;           /* catalog directory (data/), NULL: embedded */
    const gw_infer_params *params;  /* NULL: loaded from data/infer.yaml */
    const gw_train_params *tparams; /* NULL: loaded from data/train.yaml */
} gw_infer_opts;

GW_API void gw_infer_opts_init(gw_infer_opts *o);

typedef struct gw_infer_result {
    const char *model, *accel; /* borrowed from the gw_model / gw_accel */
    gw_infer_opts opts;        /* as given (params pointers not kept valid) */
    gw_infer_eval best;        /* valid when n_feasible > 0 */
    size_t n_frontier;         /* Pareto points, tokens/s per user descending */
    gw_infer_eval frontier[GW_INFER_MAX_FRONTIER];
    uint64_t n_evaluated, n_feasible;
    uint64_t n_rejected[GW_INFER_REJECT_COUNT_];
    double fastest_tpot_s, fastest_ttft_s; /* lowest over every layout at batch 1 */
    double search_wall_s;
    gw_train_topo topo;
    /* AI-factory figures (gw_infer_factory; has_factory false until then). */
    bool has_factory;
    double facility_w_per_gpu, pue, usd_per_gpu_hour;
    double output_tokens_per_s_per_mw;
    double facility_j_per_output_token;
    double usd_per_m_input_tokens, usd_per_m_output_tokens;
    double facility_w; /* all GPUs of the run */
} gw_infer_result;

/* Evaluates one configuration (no search): the replica's memory, decode
 * step, prefill and steady-state serving figures. Rejections (memory,
 * layout, latency bounds of opts) are not errors: out->reject says why.
 * cfg->batch must be > 0. Returns GW_EINVAL for NULL pointers or sizes
 * < 1 (with cfg->disagg: also pre_tp, pre_ep < 1, pre_pp < 0 or a
 * prefill_util outside (0, 1)). Allocation-free; thread-safe. */
GW_API gw_status gw_infer_eval_config(const gw_model *m, const gw_accel *a,
                                      const gw_train_topo *topo, const gw_infer_params *ip,
                                      const gw_train_params *tp, const gw_infer_opts *o,
                                      const gw_infer_config *cfg, gw_infer_eval *out,
                                      gw_error *err);

/* KV-cache bytes of one sequence of ctx tokens for the whole model (all
 * layers, all KV heads, unsharded) at kv_bytes_per_elem bytes per element:
 * GQA 2 x kv_heads x head_dim per layer; MLA (kv_lora_rank > 0) the
 * compressed latent plus the decoupled rope key, kv_lora_rank +
 * qk_rope_head_dim per layer; sliding-window layers hold at most the
 * window. Pure. */
GW_API double gw_infer_kv_bytes(const gw_model *m, double ctx_tokens, double kv_bytes_per_elem);

/* Plans serving: evaluates every layout, precision and batch that opts
 * leaves open (batch: the concurrency when given, else a geometric grid up
 * to what fits), returns the most output tokens/s per GPU within the
 * bounds and the throughput-interactivity frontier. cat and sys may be
 * NULL (network figures from data/train.yaml). Errors: GW_EINVAL (bad
 * opts), GW_ERANGE with err->where naming the option ("tpot", "ttft":
 * a bound below the fastest decode step or prefill any layout reaches;
 * "concurrency": the batch fits in no layout's memory),
 * GW_EINFEASIBLE (nothing feasible for another reason), parameter-load
 * errors. Complexity: a few thousand evaluations (about ten thousand with
 * opts.disagg), well under a second. */
GW_API gw_status gw_infer_plan(gw_ctx *ctx, const gw_catalog *cat, const gw_model *m,
                               const gw_accel *a, const gw_system *sys, const gw_infer_opts *opts,
                               gw_infer_result *out, gw_error *err);

/* AI-factory figures for a plan: facility power per GPU (W, from the
 * site plan: IT power x PUE), the site's PUE and the all-in $/GPU-hour
 * (econ). Fills tokens/s per MW, facility energy per output token and
 * $ per million input and output tokens (GPU time split between prefill
 * and decode by r->best.prefill_share). GW_EINVAL for non-positive inputs
 * or a plan without a feasible configuration. Pure. */
GW_API gw_status gw_infer_factory(gw_infer_result *r, double facility_w_per_gpu, double pue,
                                  double usd_per_gpu_hour, gw_error *err);

/* Writes a result under parent (NULL: the root) as "infer": inputs, the
 * best configuration with its memory, step breakdown and serving figures,
 * the frontier table and the factory figures; adds notes. */
GW_API void gw_infer_report(gw_doc *doc, gw_doc_node *parent, const gw_infer_result *r);

/* "memory", "ttft", "tpot", "layout". */
GW_API const char *gw_infer_reject_name(gw_infer_reject r);

/* ---- Validation against published serving measurements --------------- */

typedef struct gw_infer_vrow {
    char id[96];
    char source[48]; /* source family (id prefix before the first '-') */
    int line;        /* CSV line */
    bool ok;
    char reason[160];           /* why not evaluated */
    char metric[16];            /* "output" or "total" tokens/s */
    double measured, predicted; /* tokens/s per GPU */
    double error;               /* (predicted - measured) / measured */
    double held_out;            /* prediction with the fitted values refitted without
                                   the row's source (gw_infer_validate with loso); 0 if not */
    double held_out_error;
} gw_infer_vrow;

typedef struct gw_infer_validation {
    size_t n_rows, n_ok;
    gw_infer_vrow *rows; /* owned */
    double median_abs, max_abs, mean_signed;
    bool has_loso;
    double loso_median_abs, loso_max_abs;
    double fit[2]; /* with loso: prefill_gemm_eff and attn_eff fitted on
                      all evaluated rows */
    char path[256];
} gw_infer_validation;

/* Reads a serving-measurement CSV (columns: id, model, gpu, num_gpus, tp,
 * ep, precision, kv_precision, framework, input_len, output_len,
 * concurrency, metric, measured_tokens_per_s_per_gpu, source; see
 * data/validation/serving.csv) and predicts each row; model is a catalog
 * name or a config.json path relative to the CSV. loso: also predict each
 * row with the fitted parameters of data/infer.yaml refitted on the other
 * sources' rows. Errors: GW_EIO, GW_EPARSE (path:line), GW_ESCHEMA
 * (missing column). Rows that cannot be evaluated are not errors.
 * *out owned by the caller: gw_infer_validation_free. */
GW_API gw_status gw_infer_validate_file(gw_ctx *ctx, const gw_catalog *cat, const char *csv_path,
                                        const char *data_dir, bool loso, gw_infer_validation **out,
                                        gw_error *err);
GW_API void gw_infer_validation_free(gw_ctx *ctx, gw_infer_validation *v);
GW_API void gw_infer_validation_report(gw_doc *doc, gw_doc_node *parent,
                                       const gw_infer_validation *v);

#ifdef __cplusplus
}
#endif
#endif /* GIGAWATT_INFER_H */
