/* SPDX-License-Identifier: MIT */
/*
 * report.c: a serving plan as a gw_doc ("infer"): inputs, the best
 * configuration (layout, memory, step breakdown, serving figures), the
 * throughput-interactivity frontier as a table and the AI-factory figures.
 */
#include "infer_internal.h"

#include "core/core_internal.h"

#include <stdio.h>
#include <string.h>

static size_t one_layout(int tp, int ep, int pp, int dpa, char *buf, size_t n)
{
    if (ep > 1)
        gw__snprintf(buf, n, "TP%d EP%d%s", tp, ep, dpa > 1 ? " (DP attention)" : "");
    else
        gw__snprintf(buf, n, "TP%d", tp);
    size_t k = strlen(buf);
    if (pp > 1 && k + 1 < n)
        gw__snprintf(buf + k, n - k, " PP%d", pp);
    return strlen(buf);
}

static void layout_text(const gw_infer_eval *e, char *buf, size_t n)
{
    size_t k = one_layout(e->cfg.tp, e->cfg.ep, e->pp, e->attn_dp, buf, n);
    if (k + 1 < n)
        gw__snprintf(buf + k, n - k, " %s/KV %s", gw_precision_name(e->cfg.precision),
                     gw_precision_name(e->cfg.kv_precision));
    k = strlen(buf);
    if (e->cfg.disagg && k + 1 < n) {
        char pre[64];
        int pdpa = e->cfg.pre_ep > e->cfg.pre_tp ? e->cfg.pre_ep / e->cfg.pre_tp : 1;
        one_layout(e->cfg.pre_tp, e->cfg.pre_ep, e->cfg.pre_pp, pdpa, pre, sizeof pre);
        gw__snprintf(buf + k, n - k, "; disagg %.0fP(%s):%.0fD", e->prefill_gpus, pre,
                     e->decode_gpus);
    }
}

static void eval_report(gw_doc *doc, gw_doc_node *n, const gw_infer_eval *e)
{
    char lay[160];
    layout_text(e, lay, sizeof lay);
    gw_doc_str(doc, n, "layout", "layout", lay);
    gw_doc_int(doc, n, "tp", "TP", e->cfg.tp);
    gw_doc_int(doc, n, "ep", "EP", e->cfg.ep);
    gw_doc_int(doc, n, "pp", "PP (pipeline stages)", e->pp);
    gw_doc_str(doc, n, "precision", "weights", gw_precision_name(e->cfg.precision));
    gw_doc_str(doc, n, "kv_precision", "KV cache", gw_precision_name(e->cfg.kv_precision));
    gw_doc_int(doc, n, "replica_gpus", "GPUs per replica", e->replica_gpus);
    gw_doc_num(doc, n, "replicas", "replicas", e->replicas, "");
    gw_doc_num(doc, n, "batch", "sequences per attention group", e->cfg.batch, "");
    gw_doc_num(doc, n, "output_tokens_per_s", "output tokens/s (all GPUs)", e->output_tokens_per_s,
               "tokens/s");
    gw_doc_num(doc, n, "output_tokens_per_s_per_gpu", "output tokens/s per GPU",
               e->output_tokens_per_s_per_gpu, "tokens/s");
    gw_doc_num(doc, n, "total_tokens_per_s_per_gpu", "input+output tokens/s per GPU",
               e->total_tokens_per_s_per_gpu, "tokens/s");
    gw_doc_num(doc, n, "output_tokens_per_s_per_user", "output tokens/s per user",
               e->output_tokens_per_s_per_user, "tokens/s");
    gw_doc_num(doc, n, "ttft_s", "time to first token", e->ttft_s, "s");
    gw_doc_num(doc, n, "tpot_s", "time per output token", e->tpot_s, "s");
}

void gw_infer_report(gw_doc *doc, gw_doc_node *parent, const gw_infer_result *r)
{
    if (doc == NULL || r == NULL)
        return;
    if (parent == NULL)
        parent = gw_doc_root(doc);
    gw_doc_node *n = gw_doc_obj(doc, parent, "infer", "Inference serving");
    gw_doc_node *in = gw_doc_obj(doc, n, "inputs", "Inputs");
    gw_doc_str(doc, in, "model", "model", r->model);
    gw_doc_str(doc, in, "accelerator", "accelerator", r->accel);
    gw_doc_num(doc, in, "gpus", "GPUs", r->opts.n_gpus, "");
    gw_doc_num(doc, in, "input_len", "input tokens per request", r->opts.input_len, "tokens");
    gw_doc_num(doc, in, "output_len", "output tokens per request", r->opts.output_len, "tokens");
    if (r->opts.concurrency > 0)
        gw_doc_num(doc, in, "concurrency", "requests in flight", r->opts.concurrency, "");
    else
        gw_doc_na(doc, in, "concurrency", "requests in flight", "", "searched");
    if (r->opts.ttft_s > 0)
        gw_doc_num(doc, in, "ttft_bound_s", "TTFT bound", r->opts.ttft_s, "s");
    if (r->opts.tpot_s > 0)
        gw_doc_num(doc, in, "tpot_bound_s", "TPOT bound", r->opts.tpot_s, "s");

    const gw_infer_eval *b = &r->best;
    gw_doc_node *best =
        gw_doc_obj(doc, n, "best", "Best configuration (most output tokens/s per GPU)");
    eval_report(doc, best, b);
    gw_doc_node *mem = gw_doc_obj(doc, best, "memory", "Memory per GPU");
    gw_doc_num(doc, mem, "weights_bytes", "weights", b->weight_bytes, "B");
    gw_doc_num(doc, mem, "kv_cache_bytes", "KV cache of the batch", b->kv_bytes, "B");
    gw_doc_num(doc, mem, "kv_free_bytes", "free for the KV cache", b->kv_free_bytes, "B");
    gw_doc_num(doc, mem, "kv_bytes_per_token", "KV cache per token", b->kv_bytes_per_token, "B");
    gw_doc_num(doc, mem, "max_batch", "largest batch that fits", b->max_batch, "");
    gw_doc_node *st = gw_doc_obj(doc, best, "step", "Decode iteration (with mixed-in prefill)");
    gw_doc_num(doc, st, "step_s", "iteration", b->step_s, "s");
    gw_doc_num(doc, st, "hbm_s", "HBM reads (weights + KV)", b->step_mem_s, "s");
    gw_doc_num(doc, st, "compute_s", "compute (decode + prefill)", b->step_compute_s, "s");
    gw_doc_num(doc, st, "prefill_s", "of which prefill", b->step_prefill_s, "s");
    gw_doc_num(doc, st, "comm_s", "TP/EP collectives", b->step_comm_s, "s");
    gw_doc_num(doc, st, "overhead_s", "host overhead", b->step_overhead_s, "s");
    gw_doc_num(doc, st, "weight_read_bytes", "weights read per GPU", b->weight_read_bytes, "B");
    gw_doc_num(doc, st, "kv_read_bytes", "KV read per GPU", b->kv_read_bytes, "B");
    if (b->experts_touched > 0)
        gw_doc_num(doc, st, "experts_touched", "routed experts touched", b->experts_touched,
                   "frac");
    gw_doc_num(doc, st, "prefill_alone_s", "one prefill alone", b->prefill_s, "s");
    if (b->pp > 1) {
        gw_doc_num(doc, st, "p2p_s", "stage-to-stage send", b->p2p_s, "s");
        gw_doc_num(doc, st, "pp_bubble", "pipeline bubble (stage imbalance, missing micro-batches)",
                   b->pp_bubble, "frac");
    }
    if (b->cfg.disagg) {
        gw_doc_node *d = gw_doc_obj(doc, best, "disagg", "Disaggregated prefill and decode");
        gw_doc_num(doc, d, "prefill_gpus", "prefill pool GPUs", b->prefill_gpus, "");
        gw_doc_num(doc, d, "decode_gpus", "decode pool GPUs", b->decode_gpus, "");
        gw_doc_num(doc, d, "prefill_to_decode_gpus", "pool ratio (prefill / decode GPUs)",
                   b->decode_gpus > 0 ? b->prefill_gpus / b->decode_gpus : 0.0, "");
        gw_doc_int(doc, d, "prefill_tp", "prefill TP", b->cfg.pre_tp);
        gw_doc_int(doc, d, "prefill_ep", "prefill EP", b->cfg.pre_ep);
        gw_doc_int(doc, d, "prefill_pp", "prefill PP", b->cfg.pre_pp > 1 ? b->cfg.pre_pp : 1);
        gw_doc_num(doc, d, "prefill_load", "prefill pool load", b->prefill_load, "frac");
        gw_doc_num(doc, d, "prefill_tokens_per_s_per_replica", "prefill tokens/s per replica",
                   b->prefill_tokens_per_s_replica, "tokens/s");
        gw_doc_num(doc, d, "kv_transfer_bytes", "KV cache sent per request", b->kv_transfer_bytes,
                   "B");
        gw_doc_num(doc, d, "kv_transfer_s", "KV transfer time", b->kv_transfer_s, "s");
        gw_doc_str(doc, d, "kv_transfer_link", "KV transfer over",
                   b->kv_transfer_scaleup ? "scale-up domain" : "scale-out network");
    }

    if (r->has_factory) {
        gw_doc_node *f = gw_doc_obj(doc, n, "factory", "AI factory");
        gw_doc_num(doc, f, "facility_w", "facility power", r->facility_w, "W");
        gw_doc_num(doc, f, "pue", "PUE", r->pue, "");
        gw_doc_num(doc, f, "output_tokens_per_s_per_mw", "output tokens/s per MW (facility)",
                   r->output_tokens_per_s_per_mw, "tokens/s");
        gw_doc_num(doc, f, "output_tokens_per_s_per_gw", "output tokens/s per GW (facility)",
                   r->output_tokens_per_s_per_mw * 1e3, "tokens/s");
        gw_doc_num(doc, f, "facility_j_per_output_token", "facility energy per output token",
                   r->facility_j_per_output_token, "J");
        gw_doc_num(doc, f, "usd_per_gpu_hour", "all-in $ per GPU-hour", r->usd_per_gpu_hour, "USD");
        gw_doc_num(doc, f, "usd_per_m_input_tokens", "$ per million input tokens",
                   r->usd_per_m_input_tokens, "USD");
        gw_doc_num(doc, f, "usd_per_m_output_tokens", "$ per million output tokens",
                   r->usd_per_m_output_tokens, "USD");
    }

    gw_doc_node *fr = gw_doc_arr(
        doc, n, "frontier", "Throughput-interactivity frontier (tokens/s per GPU vs per user)");
    for (size_t i = 0; i < r->n_frontier; i++) {
        const gw_infer_eval *e = &r->frontier[i];
        char lay[160];
        layout_text(e, lay, sizeof lay);
        gw_doc_node *row = gw_doc_obj(doc, fr, NULL, NULL);
        gw_doc_num(doc, row, "output_tokens_per_s_per_user", "tok/s/user",
                   e->output_tokens_per_s_per_user, "tokens/s");
        gw_doc_num(doc, row, "output_tokens_per_s_per_gpu", "tok/s/GPU",
                   e->output_tokens_per_s_per_gpu, "tokens/s");
        gw_doc_str(doc, row, "layout", "layout", lay);
        gw_doc_num(doc, row, "batch", "batch", e->cfg.batch, "");
        gw_doc_num(doc, row, "ttft_s", "TTFT", e->ttft_s, "s");
        gw_doc_num(doc, row, "tpot_s", "TPOT", e->tpot_s, "s");
    }
    gw_doc_node *se = gw_doc_obj(doc, n, "search", "Search");
    gw_doc_int(doc, se, "evaluated", "configurations evaluated", (int64_t)r->n_evaluated);
    gw_doc_int(doc, se, "feasible", "feasible", (int64_t)r->n_feasible);
    for (int k = 1; k < GW_INFER_REJECT_COUNT_; k++) {
        char key[48], label[64];
        snprintf(key, sizeof key, "rejected_%s", gw_infer_reject_name((gw_infer_reject)k));
        snprintf(label, sizeof label, "rejected (%s)", gw_infer_reject_name((gw_infer_reject)k));
        gw_doc_int(doc, se, key, label, (int64_t)r->n_rejected[k]);
    }
    gw_doc_note(doc,
                "infer: continuous batching in steady state with every request at the mean "
                "lengths; each decode iteration carries the prefill of batch/output_len new "
                "requests (chunked prefill)%s; speculative decoding and prefix caching are "
                "not modelled (docs/models/infer.md)",
                r->opts.disagg ? "; disaggregated pools (--disagg) run decode-only steps and "
                                 "full prefill chunks, a prefill pool queue (M/D/1) and the KV "
                                 "transfer"
                               : "");
}
