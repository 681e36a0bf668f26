/* SPDX-License-Identifier: MIT */
/*
 * report.c: writes a gw_train_result into a gw_doc (JSON keys snake_case
 * with unit suffixes, base SI units; notes for every approximation).
 */
#include "train_internal.h"

#include "core/core_internal.h"

#include <math.h>
#include <string.h>

static void cfg_doc(gw_doc *doc, gw_doc_node *n, const gw_train_config *c, bool full)
{
    gw_doc_int(doc, n, "tp", "TP", c->tp);
    gw_doc_int(doc, n, "pp", "PP", c->pp);
    gw_doc_int(doc, n, "vpp", full ? "virtual stages" : "VPP", c->vpp);
    gw_doc_int(doc, n, "dp", "DP", c->dp);
    gw_doc_int(doc, n, "cp", "CP", c->cp);
    if (full && c->cp > 1)
        gw_doc_str(doc, n, "cp_comm", "CP exchange of attention inputs",
                   gw_train_cp_comm_name((gw_train_cp_comm)c->cp_comm));
    gw_doc_int(doc, n, "ep", "EP", c->ep);
    if (full || c->ep > 1 || c->etp > 1)
        gw_doc_int(doc, n, "etp", full ? "expert TP" : "ETP", c->etp > 0 ? c->etp : 1);
    gw_doc_int(doc, n, "micro_batch", full ? "micro-batch (sequences)" : "mb", c->micro_batch);
    gw_doc_str(doc, n, "recompute", "recompute", gw_train_recompute_name(c->recompute));
    gw_doc_int(doc, n, "zero", full ? "ZeRO stage" : "ZeRO", c->zero);
    if (c->zero >= 1 && c->zero_shard > 0 && c->zero_shard < c->dp * c->cp)
        gw_doc_int(doc, n, "zero_shard", full ? "ZeRO shard group (hybrid sharding)" : "shard",
                   c->zero_shard);
    gw_doc_str(doc, n, "precision", "precision", gw_precision_name(c->precision));
    if (full)
        gw_doc_bool(doc, n, "sequence_parallel", "sequence parallel", c->seq_parallel);
}

static void time_doc(gw_doc *doc, gw_doc_node *parent, const gw_train_time *t)
{
    gw_doc_node *n = gw_doc_obj(doc, parent, "breakdown", "step time breakdown");
    gw_doc_num(doc, n, "compute_s", "compute (incl. element-wise)", t->compute_s, "s");
    gw_doc_num(doc, n, "memory_bound_s", "  of which memory-bound", t->memory_bound_s, "s");
    gw_doc_num(doc, n, "tp_comm_s", "exposed TP communication", t->tp_comm_s, "s");
    gw_doc_num(doc, n, "cp_comm_s", "exposed CP communication", t->cp_comm_s, "s");
    gw_doc_num(doc, n, "ep_alltoall_s", "exposed EP all-to-all", t->ep_comm_s, "s");
    if (t->ep_alltoall_total_s > 0) {
        gw_doc_num(doc, n, "ep_alltoall_total_s", "  EP all-to-all before overlap",
                   t->ep_alltoall_total_s, "s");
        gw_doc_num(doc, n, "ep_remote_copies", "  token copies across scale-out per MoE layer",
                   t->ep_remote_copies, "");
    }
    if (t->host_s > 0)
        gw_doc_num(doc, n, "host_s", "exposed host op issue (MoE experts)", t->host_s, "s");
    gw_doc_num(doc, n, "pp_comm_s", "PP point-to-point", t->pp_comm_s, "s");
    gw_doc_num(doc, n, "dp_comm_s", "exposed DP communication", t->dp_comm_s, "s");
    if (t->dp_slowdown_s > 0)
        gw_doc_num(doc, n, "dp_slowdown_s", "  of which compute slowed by overlapped FSDP traffic",
                   t->dp_slowdown_s, "s");
    if (t->tied_embed_s > 0)
        gw_doc_num(doc, n, "tied_embed_s", "  of which tied-embedding gradient all-reduce",
                   t->tied_embed_s, "s");
    gw_doc_num(doc, n, "bubble_s", "pipeline bubble", t->bubble_s, "s");
    gw_doc_num(doc, n, "optimizer_s", "optimizer step", t->optimizer_s, "s");
    gw_doc_num(doc, n, "overhead_s", "fixed overhead", t->overhead_s, "s");
}

static void mem_doc(gw_doc *doc, gw_doc_node *parent, const gw_train_memory *m)
{
    gw_doc_node *n = gw_doc_obj(doc, parent, "memory", "memory per GPU (busiest stage)");
    gw_doc_num(doc, n, "weights_bytes", "weights", m->weights_bytes, "B");
    gw_doc_num(doc, n, "grads_bytes", "gradients", m->grads_bytes, "B");
    gw_doc_num(doc, n, "optimizer_bytes", "optimizer state", m->optimizer_bytes, "B");
    if (m->expert_state_bytes > 0)
        gw_doc_num(doc, n, "expert_state_bytes", "  routed experts' share of the three above",
                   m->expert_state_bytes, "B");
    gw_doc_num(doc, n, "activations_bytes", "activations (in flight)", m->activations_bytes, "B");
    if (m->expert_state_bytes > 0)
        gw_doc_num(doc, n, "expert_activations_bytes", "  of which routed experts",
                   m->expert_activations_bytes, "B");
    gw_doc_num(doc, n, "buffers_bytes", "buffers, logits, workspace", m->buffers_bytes, "B");
    gw_doc_num(doc, n, "fragmentation_bytes", "fragmentation allowance", m->fragmentation_bytes,
               "B");
    gw_doc_num(doc, n, "total_bytes", "total", m->total_bytes, "B");
    gw_doc_num(doc, n, "capacity_bytes", "usable capacity", m->capacity_bytes, "B");
}

static void eval_doc(gw_doc *doc, gw_doc_node *n, const gw_train_eval *e, bool full, int n_layers)
{
    cfg_doc(doc, n, &e->cfg, full);
    int sf, sm, sl;
    if (full && e->cfg.pp > 1 && gw_train_pp_split(n_layers, &e->cfg, &sf, &sm, &sl) &&
        (sf != sm || sl != sm)) {
        /* Uneven stages only: the even split is what PP says. */
        char st[96];
        int rest = n_layers - sf - sl, nm = e->cfg.pp - 2;
        if (e->cfg.pp > 2 && rest == nm * sm)
            gw__snprintf(st, sizeof st, "first %d, %d x %d, last %d", sf, nm, sm, sl);
        else if (e->cfg.pp > 2) /* middle stages of sm and sm - 1 layers */
            gw__snprintf(st, sizeof st, "first %d, %d x %d + %d x %d, last %d", sf,
                         rest - nm * (sm - 1), sm, nm - (rest - nm * (sm - 1)), sm - 1, sl);
        else
            gw__snprintf(st, sizeof st, "first %d, last %d", sf, sl);
        gw_doc_str(doc, n, "pp_stage_layers", "layers per pipeline stage", st);
    }
    if (full)
        gw_doc_int(doc, n, "grad_accum", "micro-batches per step", e->grad_accum);
    gw_doc_num(doc, n, "global_batch_seqs", full ? "global batch (sequences)" : "batch",
               e->cfg.global_batch_seqs, "");
    gw_doc_num(doc, n, "gpus_used", "GPUs used", e->gpus_used, "");
    gw_doc_num(doc, n, "step_time_s", "step time", e->time.step_s, "s");
    gw_doc_num(doc, n, "mfu_frac", full ? "MFU (model FLOPs / peak of precision)" : "MFU", e->mfu,
               "frac");
    if (full) {
        gw_doc_num(doc, n, "mfu_bf16_frac", "MFU vs BF16 peak", e->mfu_bf16, "frac");
        gw_doc_num(doc, n, "hfu_frac", "HFU (incl. recompute)", e->hfu, "frac");
        gw_doc_num(doc, n, "tokens_per_s", "throughput", e->tokens_per_s, "tok/s");
        gw_doc_num(doc, n, "flops_per_gpu", "model FLOP/s per GPU", e->flops_per_gpu, "FLOP/s");
        time_doc(doc, n, &e->time);
        mem_doc(doc, n, &e->mem);
    } else {
        gw_doc_num(doc, n, "memory_bytes", "memory per GPU", e->mem.total_bytes, "B");
        gw_doc_str(doc, n, "why", "why it loses", e->why);
    }
}

/* A figure of the best configuration with the result's prediction
 * interval: time-like figures scale with the step time, rate-like ones
 * (throughput, MFU) inversely. Without an interval, a plain number. */
void gw_train_report_figure(gw_doc *doc, gw_doc_node *n, const gw_train_result *r, const char *key,
                            const char *label, double v, const char *unit, bool rate)
{
    if (!(r->interval_level > 0)) {
        gw_doc_num(doc, n, key, label, v, unit);
        return;
    }
    double lo = rate ? v / r->interval_hi_factor : v * r->interval_lo_factor;
    double hi = rate ? v / r->interval_lo_factor : v * r->interval_hi_factor;
    gw_doc_range(doc, n, key, label, v, lo, hi, r->interval_level, unit);
}

/* One "largest job" row: GPUs, layout, MFU; or why none. */
static void feed_doc(gw_doc *doc, gw_doc_node *n, const gw_train_eval *e, double min_mfu,
                     double peak_mfu, double peak_gpus)
{
    if (e->gpus_used > 0) {
        char lay[96];
        gw__snprintf(lay, sizeof lay, "TP%d PP%d VPP%d DP%d CP%d EP%d", e->cfg.tp, e->cfg.pp,
                     e->cfg.vpp, e->cfg.dp, e->cfg.cp, e->cfg.ep);
        gw_doc_num(doc, n, "gpus", "largest synchronous job (GPUs)", e->gpus_used, "");
        gw_doc_str(doc, n, "layout", "its layout", lay);
        gw_doc_num(doc, n, "mfu", "its MFU", e->mfu, "frac");
        gw_doc_num(doc, n, "step_s", "its step time", e->time.step_s, "s");
        gw_doc_num(doc, n, "tokens_per_gpu", "tokens per GPU per step",
                   e->tokens_per_s * e->time.step_s / e->gpus_used, "");
    } else {
        char why[160];
        gw__snprintf(why, sizeof why,
                     "no GPU count reaches %.0f%% MFU; the best is %.1f%% on "
                     "%.0f GPUs",
                     100.0 * min_mfu, 100.0 * peak_mfu, peak_gpus);
        gw_doc_na(doc, n, "gpus", "largest synchronous job (GPUs)", "", why);
    }
}

/* Batch-size limits (docs/models/batch.md): the critical batch, and the
 * largest synchronous job each batch feeds at the MFU floor. */
static void batch_limits_doc(gw_doc *doc, gw_doc_node *o, const gw_train_result *r)
{
    if (r->critical_batch_tokens <= 0 && r->feed_min_mfu <= 0)
        return;
    gw_doc_node *b = gw_doc_obj(doc, o, "batch_limits", "batch-size limits");
    if (r->critical_batch_tokens > 0) {
        gw_doc_num(doc, b, "compute_flop", "run compute C (model FLOPs)", r->critical_compute_flop,
                   "FLOP");
        gw_doc_num(doc, b, "critical_batch_tokens", "critical batch 0.292 C^0.3271 (tokens)",
                   r->critical_batch_tokens, "");
        gw_doc_num(doc, b, "batch_tokens", "batch used (tokens)", r->tokens_per_step, "");
        gw_doc_num(doc, b, "batch_vs_critical", "batch / critical batch",
                   r->tokens_per_step / r->critical_batch_tokens, "");
        gw_doc_bool(doc, b, "in_fit_range", "C inside the fit's range", r->critical_in_range);
        if (!r->critical_in_range)
            gw_doc_note(doc,
                        "train: the critical-batch fit (DeepSeek LLM) covers 1e17-3e20 "
                        "FLOP; this run's %.3g FLOP lies outside, so its critical batch of "
                        "%.3g M tokens is an extrapolation (docs/models/batch.md)",
                        r->critical_compute_flop, r->critical_batch_tokens / 1e6);
        if (r->tokens_per_step > r->critical_batch_tokens * 1.0005)
            gw_doc_note(doc,
                        "train: the batch (%.3g M tokens) is %.2fx the critical batch "
                        "(%.3g M): above it the fit expects a worse loss for the same "
                        "compute (docs/models/batch.md)",
                        r->tokens_per_step / 1e6, r->tokens_per_step / r->critical_batch_tokens,
                        r->critical_batch_tokens / 1e6);
    }
    if (r->feed_min_mfu <= 0)
        return;
    gw_doc_num(doc, b, "min_mfu", "MFU floor (workload.min_mfu, --min-mfu)", r->feed_min_mfu,
               "frac");
    gw_doc_node *f = gw_doc_obj(doc, b, "at_batch", "with the batch used");
    feed_doc(doc, f, &r->feed, r->feed_min_mfu, r->feed_peak_mfu, r->feed_peak_gpus);
    if (r->feed_crit_batch_seqs > 0) {
        gw_doc_node *c = gw_doc_obj(doc, b, "at_critical", "with the critical batch");
        gw_doc_num(doc, c, "batch_seqs", "batch (sequences)", r->feed_crit_batch_seqs, "");
        feed_doc(doc, c, &r->feed_crit, r->feed_min_mfu, r->feed_crit_peak_mfu,
                 r->feed_crit_peak_gpus);
    }
    if (r->feed.gpus_used > 0 && r->n_gpus > r->feed.gpus_used)
        gw_doc_note(doc,
                    "train: the batch of %.0f sequences feeds at most %.0f GPUs at %.0f%% "
                    "MFU or more; the job has %.0f, %.2fx that (%.0f GPUs beyond what the "
                    "batch can feed)",
                    r->global_batch_seqs, r->feed.gpus_used, 100.0 * r->feed_min_mfu, r->n_gpus,
                    r->n_gpus / r->feed.gpus_used, r->n_gpus - r->feed.gpus_used);
    else if (r->feed.gpus_used <= 0)
        gw_doc_note(doc,
                    "train: no GPU count reaches %.0f%% MFU with a batch of %.0f "
                    "sequences (best %.1f%% on %.0f GPUs): the job's %.0f GPUs are beyond "
                    "what the batch feeds at that MFU",
                    100.0 * r->feed_min_mfu, r->global_batch_seqs, 100.0 * r->feed_peak_mfu,
                    r->feed_peak_gpus, r->n_gpus);
}

void gw_train_report(gw_doc *doc, gw_doc_node *parent, const gw_train_result *r)
{
    if (doc == NULL || r == NULL)
        return;
    if (parent == NULL)
        parent = gw_doc_root(doc);
    gw_doc_node *o = gw_doc_obj(doc, parent, "train", "Training plan");
    gw_doc_node *in = gw_doc_obj(doc, o, "inputs", "inputs");
    gw_doc_str(doc, in, "model", "model", r->model);
    gw_doc_str(doc, in, "accelerator", "GPU", r->accel);
    gw_doc_num(doc, in, "gpus", "GPUs", r->n_gpus, "");
    gw_doc_num(doc, in, "seq_len", "sequence length (tokens)", r->seq_len, "");
    gw_doc_num(doc, in, "global_batch_seqs", "global batch (sequences)", r->global_batch_seqs, "");
    gw_doc_num(doc, in, "tokens_per_step", "tokens per step", r->tokens_per_step, "");
    gw_doc_num(doc, in, "scaleup_Bps", "NVLink per GPU per direction", r->topo.scaleup_Bps, "B/s");
    gw_doc_int(doc, in, "scaleup_domain", "scale-up domain (GPUs)", r->topo.scaleup_domain);
    gw_doc_num(doc, in, "scaleout_Bps", "scale-out per GPU per direction", r->topo.scaleout_Bps,
               "B/s");
    gw_doc_str(doc, in, "comm_model", "collective model", r->comm_model);
    if (r->rank_order[0] && strcmp(r->rank_order, "tp-cp-ep-dp-pp") != 0)
        gw_doc_str(doc, in, "rank_order", "rank order (innermost first)", r->rank_order);
    /* Shown when not the default (Megatron-Core's overlap), as the rank
     * order is, so that the plans of the usual stack read as before. */
    if (r->dp_sync != GW_TRAIN_DP_SYNC_OVERLAP) {
        gw_doc_str(doc, in, "dp_sync", "DP gradient sync",
                   gw_train_dp_sync_name((gw_train_dp_sync)r->dp_sync));
        if (r->n_feasible > 0 && r->best.cfg.zero == 3)
            gw_doc_note(doc,
                        "train: dp_sync %s does not apply under ZeRO-3 (FSDP keeps its "
                        "per-micro-batch collectives); the best configuration is timed "
                        "with them",
                        gw_train_dp_sync_name((gw_train_dp_sync)r->dp_sync));
    }
    if (r->best.cfg.ep > 1 || r->dualpipe || r->moe_node_limit > 0 || r->fp8_dispatch) {
        gw_doc_bool(doc, in, "dualpipe", "DualPipe schedule", r->dualpipe);
        gw_doc_int(doc, in, "moe_node_limit", "MoE node-limited routing (nodes)",
                   r->moe_node_limit);
        gw_doc_bool(doc, in, "fp8_dispatch", "MoE dispatch in FP8", r->fp8_dispatch);
        gw_doc_bool(doc, in, "moe_dedup_dispatch",
                    "MoE dispatch: one copy per remote node (DeepEP-style)", r->moe_dedup_dispatch);
        gw_doc_bool(doc, in, "fp8_grouped_native",
                    "FP8 grouped expert GEMMs at the dense FP8 rate (DeepGEMM)",
                    r->fp8_grouped_native);
        gw_doc_bool(doc, in, "cuda_graphs", "MoE expert blocks in CUDA graphs", r->cuda_graphs);
        gw_doc_bool(doc, in, "moe_a2a_overlap", "MoE all-to-all overlapped (1F1B A2A overlap)",
                    r->moe_a2a_overlap);
        const gw_train_config *c = &r->best.cfg;
        bool dual = r->dualpipe && c->pp >= 2 && c->pp % 2 == 0 && c->vpp == 1;
        if (r->n_feasible > 0 && c->ep > 1 && r->moe_a2a_overlap && !dual &&
            ((c->pp > 1 && c->vpp <= 1) || c->recompute == GW_TRAIN_RECOMPUTE_FULL ||
             r->best.grad_accum < 2))
            gw_doc_note(doc,
                        "train: the MoE all-to-all is timed fully exposed: the 1F1B A2A "
                        "overlap (Megatron-Core --overlap-moe-expert-parallel-comm) needs PP 1 "
                        "or an interleaved pipeline, no full recomputation and 2 or more "
                        "micro-batches, and the best configuration has %s",
                        c->pp > 1 && c->vpp <= 1                  ? "PP > 1 without interleaving"
                        : c->recompute == GW_TRAIN_RECOMPUTE_FULL ? "full recomputation"
                                                                  : "one micro-batch");
        gw_doc_str(doc, in, "fp8_recipe", "FP8 scaling recipe",
                   gw_train_fp8_recipe_name((gw_train_fp8_recipe)r->fp8_recipe));
    }

    gw_doc_node *s = gw_doc_obj(doc, o, "search", "search");
    gw_doc_int(doc, s, "evaluated", "configurations evaluated", (int64_t)r->n_evaluated);
    gw_doc_int(doc, s, "feasible", "feasible", (int64_t)r->n_feasible);
    gw_doc_int(doc, s, "rejected_divisibility", "rejected: divisibility",
               (int64_t)r->n_rejected[GW_TRAIN_REJECT_DIVISIBILITY]);
    gw_doc_int(doc, s, "rejected_domain", "rejected: TP beyond scale-up domain",
               (int64_t)r->n_rejected[GW_TRAIN_REJECT_DOMAIN]);
    gw_doc_int(doc, s, "rejected_memory", "rejected: out of memory",
               (int64_t)r->n_rejected[GW_TRAIN_REJECT_MEMORY]);
    gw_doc_int(doc, s, "rejected_precision", "rejected: precision unsupported",
               (int64_t)r->n_rejected[GW_TRAIN_REJECT_PRECISION]);
    gw_doc_num(doc, s, "wall_s", "search wall time", r->search_wall_s, "s");

    if (r->n_feasible == 0)
        return;
    if (r->best.gpus_used < r->n_gpus)
        gw_doc_note(doc,
                    "train: %.0f of %.0f GPUs stay idle: the fastest layout uses %.0f, "
                    "within the %.3g%% of idle GPUs allowed (--allow-idle-gpus, "
                    "cluster.allow_idle_gpus; 0 uses every GPU)",
                    r->n_gpus - r->best.gpus_used, r->n_gpus, r->best.gpus_used,
                    100.0 * r->max_idle_frac);
    if (r->batch_raised)
        gw_doc_note(doc,
                    "train: global batch %.0f sequences (%.3g M tokens), raised from the "
                    "%.0f asked for up to the critical batch of %.3g M tokens "
                    "(workload.batch_policy: critical, --batch-limit critical)",
                    r->global_batch_seqs, r->tokens_per_step / 1e6, r->requested_batch_seqs,
                    r->critical_batch_tokens / 1e6);
    else if (r->requested_batch_seqs > 0 && r->global_batch_seqs != r->requested_batch_seqs)
        gw_doc_note(doc,
                    "train: global batch %.0f sequences, not the %.0f asked for (%+.2f%%): "
                    "the fastest layout divides it, within the %.3g%% batch tolerance "
                    "(--batch-tolerance, workload.batch_tolerance; 0 keeps it exact)",
                    r->global_batch_seqs, r->requested_batch_seqs,
                    100.0 * (r->global_batch_seqs / r->requested_batch_seqs - 1.0),
                    100.0 * r->batch_slack);
    gw_doc_node *b = gw_doc_obj(doc, o, "best", "fastest feasible configuration");
    eval_doc(doc, b, &r->best, true, r->model_def ? r->model_def->n_layers : 0);
    /* The same keys again, with their intervals (replaced in place). */
    gw_train_report_figure(doc, b, r, "step_time_s", "step time", r->best.time.step_s, "s", false);
    gw_train_report_figure(doc, b, r, "mfu_frac", "MFU (model FLOPs / peak of precision)",
                           r->best.mfu, "frac", true);
    gw_train_report_figure(doc, b, r, "tokens_per_s", "throughput", r->best.tokens_per_s, "tok/s",
                           true);
    if (r->shard_whole.cfg.dp > 0 && r->shard_whole.reject == GW_TRAIN_OK) {
        /* The shard group the search chose, against the fastest
         * configuration without hybrid sharding. */
        const gw_train_eval *w = &r->shard_whole;
        gw_doc_num(doc, b, "no_hsdp_step_s", "step time without hybrid sharding", w->time.step_s,
                   "s");
        char z[48];
        if (w->cfg.zero >= 1)
            gw__snprintf(z, sizeof z, "ZeRO-%d over all %d DP x CP ranks", w->cfg.zero,
                         w->cfg.dp * w->cfg.cp);
        else
            gw__snprintf(z, sizeof z, "no ZeRO");
        gw_doc_note(doc,
                    "train: ZeRO shard group %d of the %d DP x CP ranks chosen by the search "
                    "(--zero-shard any); the fastest configuration without hybrid sharding "
                    "(TP%d PP%d DP%d CP%d mb%d %s, %s): %s",
                    r->best.cfg.zero_shard, r->best.cfg.dp * r->best.cfg.cp, w->cfg.tp, w->cfg.pp,
                    w->cfg.dp, w->cfg.cp, w->cfg.micro_batch,
                    gw_train_recompute_name(w->cfg.recompute), z, w->why);
    }
    if (r->interval_level > 0)
        gw_doc_note(doc,
                    "train: ranges are %.0f%% prediction intervals of the step time (x%.2f to "
                    "x%.2f), from the model's errors on published runs of source families it "
                    "was not fitted to (validate --cv family); they do not cover software or "
                    "hardware unlike those runs (docs/models/train.md)",
                    100.0 * r->interval_level, r->interval_lo_factor, r->interval_hi_factor);
    if (r->facts_moved != 0) {
        bool g = (r->facts_moved & GW_TRAIN_FACT_CUDA_GRAPHS) != 0;
        bool f8 = (r->facts_moved & GW_TRAIN_FACT_FP8_RECIPE) != 0;
        gw_doc_num(doc, b, "step_s_facts_lo", "step time, fastest reading of unstated facts",
                   r->facts_step_lo_s, "s");
        gw_doc_num(doc, b, "step_s_facts_hi", "step time, slowest reading of unstated facts",
                   r->facts_step_hi_s, "s");
        gw_doc_note(doc,
                    "train: not stated, so not read one way: %s%s%s; the step takes %.3g s to "
                    "%.3g s across their readings (%.3g s as timed), and the interval covers "
                    "all of them. State them to narrow it (%s%s%s)",
                    g ? "whether the MoE expert blocks run in CUDA graphs" : "",
                    g && f8 ? " and " : "", f8 ? "the FP8 scaling recipe" : "", r->facts_step_lo_s,
                    r->facts_step_hi_s, r->best.time.step_s,
                    g ? "--cuda-graphs / --no-cuda-graphs, workload.cuda_graphs" : "",
                    g && f8 ? "; " : "", f8 ? "--fp8-recipe, workload.fp8_recipe" : "");
    }

    gw_doc_node *f = gw_doc_obj(doc, o, "flops", "FLOPs per step (whole job)");
    gw_doc_num(doc, f, "qkv_flop", "QKV projections (fwd)", r->flops.qkv, "FLOP");
    gw_doc_num(doc, f, "attn_core_flop", "attention core, causal (fwd)", r->flops.attn_core,
               "FLOP");
    gw_doc_num(doc, f, "attn_out_flop", "attention output (fwd)", r->flops.attn_out, "FLOP");
    gw_doc_num(doc, f, "mlp_flop", "MLP / experts (fwd)", r->flops.mlp, "FLOP");
    gw_doc_num(doc, f, "router_flop", "MoE router (fwd)", r->flops.moe_router, "FLOP");
    gw_doc_num(doc, f, "lm_head_flop", "LM head (fwd)", r->flops.lm_head, "FLOP");
    if (r->flops.mtp > 0)
        gw_doc_num(doc, f, "mtp_flop", "multi-token prediction modules (fwd)", r->flops.mtp,
                   "FLOP");
    gw_doc_num(doc, f, "model_flop", "model FLOPs (MFU basis, 3x fwd)", r->flops.model, "FLOP");
    gw_doc_num(doc, f, "hardware_flop", "hardware FLOPs (HFU basis, + recompute)",
               r->flops.hardware, "FLOP");
    gw_doc_num(doc, f, "model_flop_per_token", "model FLOPs per token", r->flops.per_token_model,
               "FLOP");

    gw_doc_node *alts = gw_doc_arr(doc, o, "alternatives", "next-best configurations");
    for (size_t i = 0; i < r->n_top; i++) {
        gw_doc_node *n = gw_doc_obj(doc, alts, NULL, NULL);
        eval_doc(doc, n, &r->top[i], false, 0);
    }
    if (r->run_tokens > 0) {
        gw_doc_node *w = gw_doc_obj(doc, o, "run", "whole run (steady state)");
        gw_doc_num(doc, w, "tokens", "tokens", r->run_tokens, "");
        gw_train_report_figure(doc, w, r, "wall_s", "wall-clock time", r->run_s, "s", false);
        gw_train_report_figure(doc, w, r, "days", "days", r->run_s / 86400.0, "", false);
        gw_train_report_figure(doc, w, r, "gpu_hours", "GPU-hours", r->gpu_hours, "", false);
        gw_train_report_figure(doc, w, r, "gpu_energy_j", "GPU energy (TDP x time)",
                               r->gpu_energy_j, "J", false);
        if (r->published_gpu_hours > 0) {
            double d = r->gpu_hours / r->published_gpu_hours - 1.0;
            gw_doc_num(doc, w, "published_gpu_hours", "published GPU-hours (same tokens)",
                       r->published_gpu_hours, "");
            gw_doc_num(doc, w, "vs_published_frac", "prediction vs published", d, "frac");
            gw_doc_note(doc,
                        "train: %.3g M GPU-hours predicted vs %.3g M published (%+.1f%%); "
                        "the model is steady-state (no restarts, evaluation or "
                        "ramp-up, which the published figure includes) and runs with %s "
                        "recomputation, the lightest its memory model fits",
                        r->gpu_hours / 1e6, r->published_gpu_hours / 1e6, 100.0 * d,
                        gw_train_recompute_name(r->best.cfg.recompute));
            if (r->gpu_hours_selective > 0) {
                double d2 = r->gpu_hours_selective / r->published_gpu_hours - 1.0;
                gw_doc_num(doc, w, "gpu_hours_selective",
                           "GPU-hours with selective recompute (memory not checked)",
                           r->gpu_hours_selective, "");
                gw_doc_note(doc,
                            "train: with selective recomputation (norms, activation functions, "
                            "MLA up-projections: what DeepSeek-V3 recomputed) the same layout "
                            "needs %.3g M GPU-hours (%+.0f%% vs published) but %.0f GB per GPU "
                            "in this memory model, above the %.0f GB usable; the published "
                            "run fitted it with FP8 activation caching and storage tricks the "
                            "model does not credit, so the truth lies between the two figures",
                            r->gpu_hours_selective / 1e6, 100.0 * d2, r->selective_mem_bytes / 1e9,
                            r->best.mem.capacity_bytes / 1e9);
            }
        }
        gw_doc_note(doc, "train: whole-run time is steady-state step time x steps; no failures, "
                         "restarts, checkpoints or evaluation (see the rel module); GPU energy at "
                         "TDP, facility power not included");
    }
    batch_limits_doc(doc, o, r);
    gw_doc_note(doc, "train: MFU counts model FLOPs (forward x 3, causal attention, no "
                     "recomputation) over the dense peak of the chosen precision; HFU adds "
                     "recomputation");
    gw_doc_note(doc,
                "train: step time from an analytical model (GEMM efficiency curve, "
                "attention and element-wise rates, %s collectives) fitted to published "
                "runs; see docs/models/train.md",
                r->comm_model);
    if (r->best.time.host_s > 0)
        gw_doc_note(doc,
                    "train: %.3g s of the step is the host issuing MoE expert ops one by one "
                    "(eager Transformer Engine, %s-scaled FP8 where FP8, no CUDA graphs; "
                    "calibrated on Megatron-Bridge 25.11, whose previous release ran the same "
                    "small-expert layouts up to 2x faster); --cuda-graphs gives the tuned-stack "
                    "figure",
                    r->best.time.host_s,
                    gw_train_fp8_recipe_name((gw_train_fp8_recipe)r->fp8_recipe));
}
