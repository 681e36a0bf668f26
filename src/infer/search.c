/* SPDX-License-Identifier: MIT */
/*
 * search.c: the serving plan. Enumerates replica layouts (TP a power of
 * two within the scale-up domain; EP for MoE models a power of two
 * multiple of TP dividing the experts), weight and KV precisions and
 * batches (the concurrency when given, else a geometric grid up to the
 * largest batch that fits), keeps the most output tokens/s per GPU within
 * the TTFT/TPOT bounds and the Pareto frontier of tokens/s per GPU
 * against tokens/s per user (the throughput-interactivity curve serving
 * benchmarks draw).
 *
 * Pipeline stages (1, 2, 4, 8 unless fixed) are part of the layout.
 * With opts.disagg, every decode layout and batch is also evaluated as
 * the decode pool of disaggregated serving, against each prefill layout
 * on the Pareto set of prefill tokens/s per GPU against prompt latency
 * and each target prefill-pool load (the pool ratio follows from it).
 *
 * Does not: search speculative decoding (docs/models/infer.md).
 */
#include "infer_internal.h"

#include "core/core_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_POINTS 16384
/* Prefill layouts kept per precision for disaggregated serving. */
#define MAX_PRE 6
/* Target loads of the prefill pool searched: each gives a pool ratio;
 * lower loads buy TTFT (less queueing) with prefill GPUs. */
static const double prefill_loads[] = {0.5, 0.7, 0.85};
#define N_LOADS (sizeof prefill_loads / sizeof prefill_loads[0])

static double now_s(void)
{
    struct timespec ts;
    (void)timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Pareto order: more tokens/s per user first. */
static int by_user_desc(const void *x, const void *y)
{
    const gw_infer_eval *a = x, *b = y;
    if (a->output_tokens_per_s_per_user != b->output_tokens_per_s_per_user)
        return a->output_tokens_per_s_per_user > b->output_tokens_per_s_per_user ? -1 : 1;
    if (a->output_tokens_per_s_per_gpu != b->output_tokens_per_s_per_gpu)
        return a->output_tokens_per_s_per_gpu > b->output_tokens_per_s_per_gpu ? -1 : 1;
    return 0;
}

static bool better(const gw_infer_eval *a, const gw_infer_eval *b)
{
    if (a->output_tokens_per_s_per_gpu != b->output_tokens_per_s_per_gpu)
        return a->output_tokens_per_s_per_gpu > b->output_tokens_per_s_per_gpu;
    return a->output_tokens_per_s_per_user > b->output_tokens_per_s_per_user;
}

typedef struct plan_state {
    const gw_model *m;
    const gw_accel *a;
    const gw_train_topo *topo;
    const gw_infer_params *ip;
    const gw_train_params *tpp;
    const gw_infer_opts *o;
    gw_infer_result *out;
    gw_infer_eval *pts;
    size_t n_pts;
    bool any_weights_fit, any_layout;
    /* Prefill layouts for the disaggregated pools, per precision. */
    gw_infer_config pre[GW_PREC_COUNT][MAX_PRE];
    int n_pre[GW_PREC_COUNT];
} plan_state;

static void consider(plan_state *st, const gw_infer_config *cfg, bool probe_only)
{
    gw_infer_eval e;
    if (gw_infer_eval_config(st->m, st->a, st->topo, st->ip, st->tpp, st->o, cfg, &e, NULL) !=
        GW_OK)
        return;
    gw_infer_result *r = st->out;
    if (!probe_only) {
        r->n_evaluated++;
        r->n_rejected[e.reject]++;
    }
    if (e.reject == GW_INFER_REJECT_LAYOUT)
        return;
    st->any_layout = true;
    if (e.kv_free_bytes > 0 && e.max_batch >= 1) {
        st->any_weights_fit = true;
        if (cfg->batch <= 1.0) {
            if (r->fastest_tpot_s <= 0 || e.tpot_s < r->fastest_tpot_s)
                r->fastest_tpot_s = e.tpot_s;
            if (r->fastest_ttft_s <= 0 || e.ttft_s < r->fastest_ttft_s)
                r->fastest_ttft_s = e.ttft_s;
        }
    }
    if (e.reject != GW_INFER_OK || probe_only)
        return;
    r->n_feasible++;
    if (r->n_feasible == 1 || better(&e, &r->best))
        r->best = e;
    if (st->n_pts < MAX_POINTS)
        st->pts[st->n_pts++] = e;
}

static void frontier(plan_state *st)
{
    gw_infer_result *r = st->out;
    if (st->n_pts == 0)
        return;
    qsort(st->pts, st->n_pts, sizeof st->pts[0], by_user_desc);
    /* Sweep from the most interactive point: keep a point when it gives
     * more tokens/s per GPU than every more interactive one. */
    size_t n = 0;
    double best_gpu = -1.0;
    for (size_t i = 0; i < st->n_pts; i++) {
        if (st->pts[i].output_tokens_per_s_per_gpu > best_gpu * (1.0 + 1e-9)) {
            best_gpu = st->pts[i].output_tokens_per_s_per_gpu;
            st->pts[n++] = st->pts[i];
        }
    }
    /* Too many: keep both ends and an even subsample between them. */
    if (n <= GW_INFER_MAX_FRONTIER) {
        memcpy(r->frontier, st->pts, n * sizeof st->pts[0]);
        r->n_frontier = n;
        return;
    }
    for (size_t i = 0; i < GW_INFER_MAX_FRONTIER; i++) {
        size_t j = (size_t)llround((double)i * (double)(n - 1) / (GW_INFER_MAX_FRONTIER - 1));
        r->frontier[i] = st->pts[j];
    }
    r->n_frontier = GW_INFER_MAX_FRONTIER;
}

/* Every batch of one layout: the concurrency's when given (and batch 1,
 * for the fastest step), else powers of two up to the largest batch that
 * fits and three points between the last power of two and it. */
static void search_batches(plan_state *st, gw_infer_config *cfg)
{
    const gw_infer_opts *o = st->o;
    int pp = cfg->pp > 1 ? cfg->pp : 1;
    int R = (cfg->tp > cfg->ep ? cfg->tp : cfg->ep) * pp;
    int dpa = cfg->ep > cfg->tp ? cfg->ep / cfg->tp : 1;
    cfg->batch = 1.0;
    if (o->concurrency > 0) {
        double reps = floor(o->n_gpus / R);
        if (!cfg->disagg)
            consider(st, cfg, true); /* the fastest step, for error messages */
        if (reps < 1)
            return;
        cfg->batch = o->concurrency / (reps * dpa * pp);
        /* Disaggregated: the decode pool's replicas depend on the batch
         * (through the pool ratio): a few fixed-point passes. */
        for (int it = 0; cfg->disagg && it < 4; it++) {
            gw_infer_eval pr;
            if (gw_infer_eval_config(st->m, st->a, st->topo, st->ip, st->tpp, o, cfg, &pr, NULL) !=
                    GW_OK ||
                !(pr.decode_replicas >= 1))
                break;
            cfg->batch = o->concurrency / (pr.decode_replicas * dpa * pp);
        }
        if (o->queue_excess) {
            gw_infer_eval probe;
            if (gw_infer_eval_config(st->m, st->a, st->topo, st->ip, st->tpp, o, cfg, &probe,
                                     NULL) == GW_OK &&
                probe.max_batch >= 1 && cfg->batch > probe.max_batch)
                cfg->batch = probe.max_batch;
        }
        consider(st, cfg, false);
        return;
    }
    gw_infer_eval probe;
    if (gw_infer_eval_config(st->m, st->a, st->topo, st->ip, st->tpp, o, cfg, &probe, NULL) !=
            GW_OK ||
        probe.reject == GW_INFER_REJECT_LAYOUT) {
        consider(st, cfg, false); /* counts the rejection */
        return;
    }
    double mb = probe.max_batch;
    if (!(mb >= 1)) {
        consider(st, cfg, false); /* counts the memory rejection */
        return;
    }
    for (double b = 1.0;; b *= 2.0) {
        cfg->batch = b;
        consider(st, cfg, false);
        if (b * 2.0 > mb)
            break;
    }
    double p2 = pow(2.0, floor(log2(mb > 1 ? mb : 1)));
    for (int q = 1; q <= 3 && mb > p2; q++) {
        cfg->batch = floor(p2 + (mb - p2) * q / 3.0);
        if (cfg->batch > p2)
            consider(st, cfg, false);
    }
}

/* The prefill layouts worth a disaggregated prefill pool, per weight
 * precision: those that hold the weights and one prompt, on the Pareto
 * set of prefill tokens/s per GPU (more) against one prompt's latency
 * under load (less); at most MAX_PRE, the fastest per GPU first. */
static void prefill_layouts(plan_state *st, int (*lay)[3], int n_lay)
{
    static const gw_precision precs[] = {GW_PREC_BF16, GW_PREC_FP8, GW_PREC_FP4};
    gw_infer_opts o = *st->o;
    o.ttft_s = o.tpot_s = 0.0;
    for (size_t ip_i = 0; ip_i < sizeof precs / sizeof precs[0]; ip_i++) {
        gw_precision pz = precs[ip_i];
        double rate[MAX_PRE], lat[MAX_PRE];
        int n = 0;
        for (int il = 0; il < n_lay; il++) {
            gw_infer_config c = {lay[il][0], lay[il][1], pz, GW_PREC_BF16, 1.0, lay[il][2], 0,
                                 0,          0,          0,  0.0};
            if (st->o->kv_precision >= 0)
                c.kv_precision = (gw_precision)st->o->kv_precision;
            gw_infer_eval e;
            if (gw_infer_eval_config(st->m, st->a, st->topo, st->ip, st->tpp, &o, &c, &e, NULL) !=
                    GW_OK ||
                e.reject == GW_INFER_REJECT_LAYOUT || !(e.kv_free_bytes > 0) || !(e.max_batch >= 1))
                continue;
            double g = e.prefill_tokens_per_s_replica / e.replica_gpus;
            double l = e.prefill_latency_s;
            /* Dominated by a kept one? Then skip; else drop those it
             * dominates and keep it (replacing the worst when full). */
            bool dominated = false;
            for (int j = 0; j < n && !dominated; j++)
                dominated = rate[j] >= g && lat[j] <= l;
            if (dominated)
                continue;
            int w = 0;
            for (int j = 0; j < n; j++) {
                if (!(g >= rate[j] && l <= lat[j])) {
                    rate[w] = rate[j];
                    lat[w] = lat[j];
                    st->pre[pz][w] = st->pre[pz][j];
                    w++;
                }
            }
            n = w;
            if (n == MAX_PRE) {
                int worst = 0;
                for (int j = 1; j < n; j++)
                    if (rate[j] < rate[worst])
                        worst = j;
                if (rate[worst] >= g)
                    continue;
                n--;
                rate[worst] = rate[n];
                lat[worst] = lat[n];
                st->pre[pz][worst] = st->pre[pz][n];
            }
            rate[n] = g;
            lat[n] = l;
            st->pre[pz][n] = c;
            n++;
        }
        st->n_pre[pz] = n;
    }
}

gw_status gw_infer_plan(gw_ctx *ctx, const gw_catalog *cat, const gw_model *m, const gw_accel *a,
                        const gw_system *sys, const gw_infer_opts *o, gw_infer_result *out,
                        gw_error *err)
{
    if (ctx == NULL || m == NULL || a == NULL || o == NULL || out == NULL)
        return gw__err(err, GW_EINVAL, "gw_infer_plan: NULL argument");
    if (!(o->n_gpus >= 1) || o->n_gpus > 1e8)
        return gw__err(err, GW_EINVAL, "gw_infer_plan: n_gpus must be in [1, 1e8]");
    if (!(o->input_len >= 1) || !(o->output_len >= 1))
        return gw__err(err, GW_EINVAL, "gw_infer_plan: input and output lengths must be >= 1");
    if (!(o->concurrency >= 0) || !(o->ttft_s >= 0) || !(o->tpot_s >= 0))
        return gw__err(err, GW_EINVAL, "gw_infer_plan: negative concurrency or bound");

    double t0 = now_s();
    gw_infer_params ip;
    gw_train_params *tpp = NULL;
    gw_status rc = GW_OK;
    if (o->params != NULL)
        ip = *o->params;
    else
        rc = gw_infer_params_load(ctx, o->data_dir, &ip, err);
    if (rc != GW_OK)
        return rc;
    tpp = gw_malloc(ctx, sizeof *tpp);
    if (tpp == NULL)
        return gw__err(err, GW_ENOMEM, "out of memory");
    if (o->tparams != NULL)
        *tpp = *o->tparams;
    else
        rc = gw_train_params_load(ctx, o->data_dir, tpp, err);
    if (rc != GW_OK) {
        gw_free(ctx, tpp);
        return rc;
    }
    if (o->tpot_s > 0 && o->tpot_s < ip.kernel_floor_s) {
        gw_free(ctx, tpp);
        rc = gw__err(err, GW_ERANGE, "a TPOT bound of %.3g s is below one GPU kernel (%.3g s)",
                     o->tpot_s, ip.kernel_floor_s);
        gw__err_loc(err, NULL, 0, 0, "tpot");
        return rc;
    }
    if (o->ttft_s > 0 && o->ttft_s < ip.kernel_floor_s) {
        gw_free(ctx, tpp);
        rc = gw__err(err, GW_ERANGE, "a TTFT bound of %.3g s is below one GPU kernel (%.3g s)",
                     o->ttft_s, ip.kernel_floor_s);
        gw__err_loc(err, NULL, 0, 0, "ttft");
        return rc;
    }

    gw_infer_result *r = gw_calloc(ctx, 1, sizeof *r);
    gw_infer_eval *pts = gw_malloc(ctx, MAX_POINTS * sizeof *pts);
    if (r == NULL || pts == NULL) {
        gw_free(ctx, r);
        gw_free(ctx, pts);
        gw_free(ctx, tpp);
        return gw__err(err, GW_ENOMEM, "out of memory");
    }
    r->model = m->name;
    r->accel = a->name;
    r->opts = *o;
    r->opts.params = NULL;
    r->opts.tparams = NULL;
    gw_train_topo_for(cat, a, sys, tpp, &r->topo);
    r->topo.scaleup_latency_s = ip.scaleup_latency_s;

    plan_state st;
    memset(&st, 0, sizeof st);
    st.m = m;
    st.a = a;
    st.topo = &r->topo;
    st.ip = &ip;
    st.tpp = tpp;
    st.o = o;
    st.out = r;
    st.pts = pts;
    int dom = r->topo.scaleup_domain > 0 ? r->topo.scaleup_domain : 1;
    const bool moe = m->n_experts > 0;
    static const gw_precision precs[] = {GW_PREC_BF16, GW_PREC_FP8, GW_PREC_FP4};
    static const gw_precision kvps[] = {GW_PREC_BF16, GW_PREC_FP8};

    int pps[8], n_pp = 0;
    if (o->pp > 0)
        pps[n_pp++] = o->pp;
    else if (o->pp == 0)
        pps[n_pp++] = 1;
    for (int pp = 1; o->pp < 0 && pp <= 8 && pp <= m->n_layers && pp <= o->n_gpus; pp *= 2)
        pps[n_pp++] = pp;

    int tps[32], n_tp = 0;
    if (o->tp > 0)
        tps[n_tp++] = o->tp;
    for (int tp = 1; o->tp <= 0 && tp <= dom && tp <= o->n_gpus && n_tp < 32; tp *= 2)
        tps[n_tp++] = tp;
    /* Layouts (TP, EP, PP) in search order. */
    int lay[512][3], n_lay = 0;
    for (int it = 0; it < n_tp; it++) {
        int tpv = tps[it];
        int eps[32], n_ep = 0;
        if (o->ep > 0)
            eps[n_ep++] = o->ep;
        else
            eps[n_ep++] = 1;
        for (double ep = 2.0 * tpv;
             o->ep <= 0 && moe && ep <= o->n_gpus && ep <= m->n_experts && n_ep < 32; ep *= 2.0)
            eps[n_ep++] = (int)ep;
        for (int ie = 0; ie < n_ep; ie++)
            for (int ipp = 0; ipp < n_pp && n_lay < 512; ipp++) {
                lay[n_lay][0] = tpv;
                lay[n_lay][1] = eps[ie];
                lay[n_lay][2] = pps[ipp];
                n_lay++;
            }
    }
    if (o->disagg)
        prefill_layouts(&st, lay, n_lay);
    for (int il = 0; il < n_lay; il++) {
        for (size_t ip_i = 0; ip_i < sizeof precs / sizeof precs[0]; ip_i++) {
            if (o->precision >= 0 && precs[ip_i] != (gw_precision)o->precision)
                continue;
            for (size_t ik = 0; ik < sizeof kvps / sizeof kvps[0]; ik++) {
                if (o->kv_precision >= 0 && kvps[ik] != (gw_precision)o->kv_precision)
                    continue;
                gw_infer_config cfg = {lay[il][0], lay[il][1], precs[ip_i], kvps[ik],
                                       1.0,        lay[il][2], 0,           0,
                                       0,          0,          0.0};
                search_batches(&st, &cfg);
                if (!o->disagg)
                    continue;
                const gw_precision pz = precs[ip_i];
                for (int q = 0; q < st.n_pre[pz]; q++) {
                    for (size_t u = 0; u < N_LOADS; u++) {
                        gw_infer_config dc = cfg;
                        dc.disagg = 1;
                        dc.pre_tp = st.pre[pz][q].tp;
                        dc.pre_ep = st.pre[pz][q].ep;
                        dc.pre_pp = st.pre[pz][q].pp;
                        dc.prefill_util = prefill_loads[u];
                        search_batches(&st, &dc);
                    }
                }
            }
        }
    }

    if (r->n_feasible == 0) {
        if (!st.any_layout) {
            rc = gw__err(err, GW_EINFEASIBLE,
                         "no replica layout is valid for %s on %g %s (heads, experts and "
                         "GPU count must divide; precision must exist on the GPU)",
                         m->name, o->n_gpus, a->name);
        } else if (!st.any_weights_fit) {
            rc = gw__err(err, GW_EINFEASIBLE,
                         "the weights of %s do not fit in any replica layout on %g %s", m->name,
                         o->n_gpus, a->name);
        } else if (o->concurrency > 0 && r->n_rejected[GW_INFER_REJECT_TTFT] == 0 &&
                   r->n_rejected[GW_INFER_REJECT_TPOT] == 0) {
            rc = gw__err(err, GW_ERANGE,
                         "%g requests of %g+%g tokens do not fit in the KV cache of any "
                         "layout on %g %s",
                         o->concurrency, o->input_len, o->output_len, o->n_gpus, a->name);
            gw__err_loc(err, NULL, 0, 0, "concurrency");
        } else if (o->tpot_s > 0 && r->fastest_tpot_s > o->tpot_s) {
            rc = gw__err(err, GW_ERANGE,
                         "a TPOT bound of %.3g s is below the fastest decode step of %s on "
                         "%s (%.3g s at batch 1)",
                         o->tpot_s, m->name, a->name, r->fastest_tpot_s);
            gw__err_loc(err, NULL, 0, 0, "tpot");
        } else if (o->ttft_s > 0 && r->fastest_ttft_s > o->ttft_s) {
            rc = gw__err(err, GW_ERANGE,
                         "a TTFT bound of %.3g s is below the fastest prefill of %s on %s "
                         "(%.3g s at batch 1)",
                         o->ttft_s, m->name, a->name, r->fastest_ttft_s);
            gw__err_loc(err, NULL, 0, 0, "ttft");
        } else {
            rc = gw__err(err, GW_EINFEASIBLE,
                         "no configuration meets both latency bounds (fastest TPOT %.3g s, "
                         "TTFT %.3g s)",
                         r->fastest_tpot_s, r->fastest_ttft_s);
        }
    } else {
        frontier(&st);
        r->search_wall_s = now_s() - t0;
        *out = *r;
    }
    gw_free(ctx, pts);
    gw_free(ctx, r);
    gw_free(ctx, tpp);
    return rc;
}

gw_status gw_infer_factory(gw_infer_result *r, double facility_w_per_gpu, double pue,
                           double usd_per_gpu_hour, gw_error *err)
{
    if (r == NULL || r->n_feasible == 0 || !(facility_w_per_gpu > 0) || !(pue >= 1.0) ||
        !(usd_per_gpu_hour > 0))
        return gw__err(err, GW_EINVAL, "gw_infer_factory: bad argument");
    const gw_infer_eval *b = &r->best;
    double per_gpu = b->output_tokens_per_s_per_gpu;
    double in_per_gpu = per_gpu * r->opts.input_len / r->opts.output_len;
    r->has_factory = true;
    r->facility_w_per_gpu = facility_w_per_gpu;
    r->pue = pue;
    r->usd_per_gpu_hour = usd_per_gpu_hour;
    r->facility_w = facility_w_per_gpu * r->opts.n_gpus;
    r->output_tokens_per_s_per_mw = per_gpu / facility_w_per_gpu * 1e6;
    r->facility_j_per_output_token = per_gpu > 0 ? facility_w_per_gpu / per_gpu : 0.0;
    /* GPU time split between the prompt (prefill share) and generation. */
    double usd_per_gpu_s = usd_per_gpu_hour / 3600.0;
    double share = b->prefill_share;
    r->usd_per_m_output_tokens = per_gpu > 0 ? usd_per_gpu_s * (1.0 - share) / per_gpu * 1e6 : 0.0;
    r->usd_per_m_input_tokens = in_per_gpu > 0 ? usd_per_gpu_s * share / in_per_gpu * 1e6 : 0.0;
    return GW_OK;
}
