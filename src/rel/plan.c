/* SPDX-License-Identifier: MIT */
/*
 * plan.c: gw_rel_plan, the entry point of the reliability model. It turns a
 * gw_rel_job into component counts and per-cause interruption rates (profile
 * of data/failures.yaml), derives the checkpoint and restart costs, picks the
 * checkpoint interval (numerical optimum of the exact goodput of analytic.c,
 * with Young's and Daly's closed forms reported beside it), computes the
 * analytic goodput and what it would take to reach the target goodput, then
 * runs the Monte Carlo and the interval search when asked.
 *
 * Formulas and sources: docs/models/rel.md. Young: J. W. Young, "A first
 * order approximation to the optimum checkpoint interval", CACM 17(9), 1974.
 * Daly: FGCS 22 (2006) 303-312, eq. 37.
 */
#include <gigawatt/rel.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core_internal.h"
#include "rel/rel_internal.h"

/* ---- Job helpers ------------------------------------------------------------ */

void gw_rel_job_init(gw_rel_job *job)
{
    if (!job)
        return;
    memset(job, 0, sizeof *job);
    job->spares_frac = -1.0;
}

void gw_rel_job_from_scenario(const gw_scenario *sc, const gw_model *model, double work_s,
                              gw_rel_job *job)
{
    if (!sc || !job)
        return;
    job->accelerator = sc->cluster.accelerator;
    job->system = (sc->cluster.system && sc->cluster.system[0]) ? sc->cluster.system : NULL;
    job->gpus = sc->cluster.gpus;
    if (model)
        job->params = model->params_total;
    job->work_s = work_s;
    job->checkpoint_interval_s = sc->reliability.checkpoint_interval_s;
    job->checkpoint_write_Bps = sc->reliability.checkpoint_write_Bps;
    job->restart_s = sc->reliability.restart_s;
    job->spares_frac = sc->reliability.spares_frac > 0.0 ? sc->reliability.spares_frac : -1.0;
}

static void add_note(gw_rel_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(gw_rel_result *r, const char *fmt, ...)
{
    if (r->n_notes >= GW_REL_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    char buf[256];
    /* vsnprintf is the bounded form; the banned list is about unbounded ones. */
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    gw__strlcpy(r->notes[r->n_notes++], buf, sizeof r->notes[0]);
}

/* ---- Interval optimisation --------------------------------------------------- */

static double goodput_at(gw__rel_sim *s, double tau, double lu, double lp)
{
    double keep = s->tau_s;
    s->tau_s = tau;
    double g = gw__rel_goodput(s, lu, lp);
    s->tau_s = keep;
    return g;
}

/* Golden-section search of the goodput over log(tau) in [lo, hi] (the
 * goodput is unimodal in tau: overhead falls as 1/tau, rework grows). */
static double best_tau(gw__rel_sim *s, double lo, double hi, double lu, double lp)
{
    const double gr = 0.6180339887498949; /* (sqrt(5) - 1) / 2 */
    double a = log(lo), b = log(hi);
    double x1 = b - gr * (b - a), x2 = a + gr * (b - a);
    double f1 = goodput_at(s, exp(x1), lu, lp), f2 = goodput_at(s, exp(x2), lu, lp);
    for (int i = 0; i < 200 && b - a > 1e-7; i++) {
        if (f1 < f2) {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + gr * (b - a);
            f2 = goodput_at(s, exp(x2), lu, lp);
        } else {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - gr * (b - a);
            f1 = goodput_at(s, exp(x1), lu, lp);
        }
    }
    return exp(0.5 * (a + b));
}

typedef struct opt_ctx {
    double fixed_tau_s; /* > 0: the user's interval */
    double horizon_s;   /* longest sensible interval */
} opt_ctx;

static double tau_bounds_lo(const gw__rel_sim *s)
{
    double lo = s->tau_floor_s > 0.0 ? s->tau_floor_s : 1.0;
    if (s->async && s->write_s / s->sigma > lo)
        lo = s->write_s / s->sigma;
    return lo;
}

/* Optimum (or fixed) interval and its goodput for the current sim. */
static double solve(gw__rel_sim *s, const opt_ctx *o, double lu, double lp, double *tau_out)
{
    double lo = tau_bounds_lo(s);
    double tau;
    if (o->fixed_tau_s > 0.0) {
        /* The user's interval: only the asynchronous write constraint applies. */
        double lag_lo = s->async ? s->write_s / s->sigma : 0.0;
        tau = o->fixed_tau_s < lag_lo ? lag_lo : o->fixed_tau_s;
    } else if (!(lu + lp > 0.0)) {
        tau = o->horizon_s > lo ? o->horizon_s : lo;
    } else {
        double hi = 20.0 / (lu + lp);
        if (hi < 10.0 * lo)
            hi = 10.0 * lo;
        tau = best_tau(s, lo, hi, lu, lp);
    }
    if (tau_out)
        *tau_out = tau;
    return goodput_at(s, tau, lu, lp);
}

/* Largest x in [lo, hi] with f(x) >= target for f decreasing in x (bisection
 * in log space). Returns NaN if f(lo) < target, hi if f(hi) >= target. */
typedef double (*fx_fn)(void *ud, double x);
static double bisect_decreasing(fx_fn f, void *ud, double lo, double hi, double target)
{
    if (f(ud, lo) < target)
        return (double)NAN;
    if (f(ud, hi) >= target)
        return hi;
    double a = log(lo), b = log(hi);
    for (int i = 0; i < 80; i++) {
        double m = 0.5 * (a + b);
        if (f(ud, exp(m)) >= target)
            a = m;
        else
            b = m;
    }
    return exp(a);
}

typedef struct req_ctx {
    gw__rel_sim s;
    opt_ctx o;
    double lu, lp;
    double ckpt_bytes;
} req_ctx;

static double f_recovery(void *ud, double x)
{
    req_ctx *q = ud;
    gw__rel_sim s = q->s;
    double total = s.detect_s + s.restart_s;
    double f = total > 0.0 ? x / total : 0.0;
    s.detect_s = total > 0.0 ? s.detect_s * f : 0.0;
    s.restart_s = total > 0.0 ? s.restart_s * f : x;
    return solve(&s, &q->o, q->lu, q->lp, NULL);
}

static double f_rate(void *ud, double x)
{
    req_ctx *q = ud;
    gw__rel_sim s = q->s;
    return solve(&s, &q->o, q->lu * x, q->lp, NULL);
}

/* Decreasing in x = 1 / bandwidth. */
static double f_inv_bw(void *ud, double x)
{
    req_ctx *q = ud;
    gw__rel_sim s = q->s;
    s.write_s = q->ckpt_bytes * x;
    s.block_s = s.async ? s.block_s : s.write_s;
    return solve(&s, &q->o, q->lu, q->lp, NULL);
}

/* ---- gw_rel_plan ------------------------------------------------------------ */

static gw_status check_job(const gw_rel_job *job, gw_error *err)
{
    if (!(job->gpus >= 1.0) || job->gpus > 1e9)
        return gw__err(err, GW_EINVAL, "gpus must be between 1 and 1e9, got %g", job->gpus);
    if (!(job->work_s > 0.0) && !(job->duration_s > 0.0))
        return gw__err(err, GW_EINVAL, "give the run's duration_s (window) or work_s");
    const double vals[] = {job->work_s,
                           job->duration_s,
                           job->params,
                           job->checkpoint_bytes,
                           job->checkpoint_interval_s,
                           job->checkpoint_write_Bps,
                           job->detect_s,
                           job->restart_s,
                           job->repair_s,
                           job->rate_scale,
                           job->weibull_shape,
                           job->fleet_age_s,
                           job->lemon_fraction,
                           job->target_goodput};
    static const char *const names[] = {"work_s",
                                        "duration_s",
                                        "params",
                                        "checkpoint_bytes",
                                        "checkpoint_interval_s",
                                        "checkpoint_write_Bps",
                                        "detect_s",
                                        "restart_s",
                                        "repair_s",
                                        "rate_scale",
                                        "weibull_shape",
                                        "fleet_age_s",
                                        "lemon_fraction",
                                        "target_goodput"};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        if (!(vals[i] >= 0.0) || isinf(vals[i]))
            return gw__err(err, GW_EINVAL, "%s must be a finite non-negative number", names[i]);
    }
    if (job->lemon_fraction > 1.0 || job->target_goodput >= 1.0)
        return gw__err(err, GW_EINVAL, "lemon_fraction and target_goodput must be below 1");
    if (job->gpus_per_node < 0 || job->nics_per_gpu < 0 || job->switch_radix < 0 ||
        job->n_links < 0.0 || job->n_switches < 0.0)
        return gw__err(err, GW_EINVAL, "component counts must not be negative");
    if (job->spares_frac > 10.0 || isnan(job->spares_frac))
        return gw__err(err, GW_EINVAL, "spares_frac must be at most 10");
    if (job->weibull_shape > 20.0)
        return gw__err(err, GW_EINVAL, "weibull_shape must be at most 20");
    return GW_OK;
}

static gw_status resolve_node(const gw_catalog *cat, const gw_rel_job *job, int *gpn, int *npg,
                              gw_rel_result *r, gw_error *err)
{
    *gpn = job->gpus_per_node;
    *npg = job->nics_per_gpu;
    if (*gpn > 0) {
        if (*npg <= 0)
            *npg = 1;
        return GW_OK;
    }
    if (!cat || !job->accelerator || !job->accelerator[0])
        return gw__err(err, GW_EINVAL,
                       "gpus_per_node unknown: give an accelerator and a catalog, or set it");
    const gw_system *sys = NULL;
    gw_status rc;
    if (job->system && job->system[0]) {
        rc = gw_catalog_system_find(cat, job->system, &sys, err);
    } else {
        const gw_accel *a = NULL;
        rc = gw_catalog_accel_find(cat, job->accelerator, &a, err);
        if (rc == GW_OK)
            rc = gw_catalog_system_for(cat, a, &sys, err);
    }
    if (rc != GW_OK)
        return rc;
    if (sys->gpus_per_node <= 0)
        return gw__err(err, GW_ERANGE, "system %s has no gpus_per_node", sys->name);
    *gpn = sys->gpus_per_node;
    if (*npg <= 0)
        *npg = sys->nics_per_gpu > 0 ? sys->nics_per_gpu : 1;
    gw__strlcpy(r->system, sys->name, sizeof r->system);
    return GW_OK;
}

static void fill_dist_nan(gw_rel_dist *d)
{
    d->mean = d->sd = d->p5 = d->p50 = d->p95 = (double)NAN;
}

static double restart_default(const gw__rel_params *p, double gpus)
{
    double r = p->restart_ref_s + p->restart_per_doubling_s * log2(gpus / p->restart_ref_gpus);
    return r < p->restart_min_s ? p->restart_min_s : r;
}

/* Per-cause rates for the job (R1-R3) and the three superposed groups. */
static void build_causes(const gw__rel_profile *prof, const gw__rel_counts *cnt,
                         const gw_rel_job *job, const gw__rel_params *p, gw_rel_result *r,
                         gw__rel_sim *s)
{
    double scale = job->rate_scale > 0.0 ? job->rate_scale : 1.0;
    bool is_ref = job->gpus == prof->ref_gpus && !(job->work_s > 0.0) &&
                  fabs(job->duration_s - prof->ref_duration_s) <= 1e-6 * prof->ref_duration_s;
    r->lemon_factor = 1.0 + job->lemon_fraction * (p->lemon_rate_multiplier - 1.0);
    r->n_causes = prof->n_causes;
    for (size_t i = 0; i < prof->n_causes; i++) {
        const gw__rel_cause_def *d = &prof->causes[i];
        gw_rel_cause *c = &r->causes[i];
        gw__strlcpy(c->name, d->name, sizeof c->name);
        gw__strlcpy(c->category, d->category, sizeof c->category);
        c->scope = d->scope;
        c->planned = d->planned;
        c->hardware = d->hardware;
        c->units = gw__rel_scope_units(cnt, d->scope);
        c->rate_per_unit_s =
            d->rate_s * (d->planned ? 1.0 : scale) * (d->hardware ? r->lemon_factor : 1.0);
        c->rate_s = c->units * c->rate_per_unit_s;
        c->observed = is_ref ? d->observed : (double)NAN;
        c->mc_mean = (double)NAN;
        int gi = d->planned ? GW__REL_G_PLANNED : d->hardware ? GW__REL_G_HW : GW__REL_G_SW;
        gw__rel_group *g = &s->g[gi];
        g->cause[g->n] = i;
        g->rate_s += c->rate_s;
        g->cum[g->n] = g->rate_s;
        g->n++;
    }
    for (int gi = 0; gi < GW__REL_N_GROUPS; gi++) {
        gw__rel_group *g = &s->g[gi];
        for (size_t k = 0; k < g->n; k++)
            g->cum[k] = g->rate_s > 0.0 ? g->cum[k] / g->rate_s : (double)(k + 1) / (double)g->n;
        if (g->n)
            g->cum[g->n - 1] = 1.0;
    }
    s->n_causes = prof->n_causes;
    s->shape = job->weibull_shape > 0.0 ? job->weibull_shape : 1.0;
    s->age_ref_s = p->reference_age_s;
    s->age0_s = job->fleet_age_s > 0.0 ? job->fleet_age_s : p->reference_age_s;
    r->weibull_shape = s->shape;
}

/* Stragglers, checkpoint, recovery, spares and the run (R6). */
static void job_costs(const gw__rel_counts *cnt, const gw_rel_job *job, const gw__rel_params *p,
                      gw_rel_result *r, gw__rel_sim *s)
{
    /* Stragglers: a synchronous job runs at its slowest node's pace. */
    double p_strag = -expm1(cnt->nodes * log1p(-p->straggler_node_fraction));
    r->straggler_slowdown = job->stragglers_removed ? 0.0 : p->straggler_slowdown * p_strag;
    s->sigma = 1.0 + r->straggler_slowdown;

    /* Checkpoint. */
    r->params = job->params > 0.0 ? job->params : p->default_params;
    r->checkpoint_bytes =
        job->checkpoint_bytes > 0.0 ? job->checkpoint_bytes : r->params * p->ckpt_bytes_per_param;
    r->checkpoint_write_Bps = job->checkpoint_write_Bps > 0.0
                                  ? job->checkpoint_write_Bps
                                  : p->storage_write_per_gpu_Bps * job->gpus;
    r->checkpoint_write_s = r->checkpoint_bytes / r->checkpoint_write_Bps;
    r->checkpoint_async = job->checkpoint_async;
    double snap_s = r->checkpoint_bytes / job->gpus / p->snapshot_per_gpu_Bps;
    r->checkpoint_block_s = job->checkpoint_async ? snap_s : r->checkpoint_write_s;
    s->write_s = r->checkpoint_write_s;
    s->tau_floor_s = p->min_interval_s;
    s->block_s = r->checkpoint_block_s;
    s->async = job->checkpoint_async;

    /* Recovery, spares. */
    r->detect_s = job->detect_s > 0.0 ? job->detect_s : p->detect_s;
    r->restart_s = job->restart_s > 0.0 ? job->restart_s : restart_default(p, job->gpus);
    r->recovery_s = r->detect_s + r->restart_s;
    r->repair_s = job->repair_s > 0.0 ? job->repair_s : p->repair_s;
    r->spare_nodes = job->spares_frac >= 0.0 ? floor(job->spares_frac * cnt->nodes) : -1.0;
    s->detect_s = r->detect_s;
    s->restart_s = r->restart_s;
    s->repair_s = r->repair_s;
    s->spare_nodes = r->spare_nodes;

    /* Run. */
    r->window_mode = !(job->work_s > 0.0);
    s->work_s = job->work_s;
    s->duration_s = r->window_mode ? job->duration_s : 0.0;
    s->max_wall_s = job->work_s * p->max_wall_factor;
    r->max_wall_s = r->window_mode ? 0.0 : p->longest_run_s;
}

/* Rates over the run, interval, goodput (R7), counts, loss breakdown, spares
 * and the "what it takes" answers. */
static void analytic(const gw_rel_job *job, const gw__rel_params *p, gw__rel_sim *s,
                     gw_rel_result *r)
{
    /* Mean rates over the run (Weibull: iterate on the wall-clock length). */
    double wall = r->window_mode ? job->duration_s : job->work_s;
    double lu = 0.0, lp = s->g[GW__REL_G_PLANNED].rate_s, g = 0.0, tau = 0.0;
    opt_ctx o = {job->checkpoint_interval_s, wall};
    for (int it = 0; it < (s->shape == 1.0 || r->window_mode ? 1 : 6); it++) {
        lu = gw__rel_group_mean_rate(s, GW__REL_G_HW, wall) + s->g[GW__REL_G_SW].rate_s;
        g = solve(s, &o, lu, lp, &tau);
        if (!r->window_mode)
            wall = g > 0.0 ? job->work_s / g : s->max_wall_s;
    }
    if (job->checkpoint_interval_s > 0.0 && tau > job->checkpoint_interval_s)
        add_note(r,
                 "checkpoint interval raised to %.0f s so that an asynchronous write "
                 "ends before the next snapshot",
                 tau);
    s->tau_s = tau;
    r->checkpoint_interval_s = tau;
    r->rate_unexpected_s = lu;
    r->rate_planned_s = lp;
    r->mtti_s = lu > 0.0 ? 1.0 / lu : HUGE_VAL;
    r->mtti_all_s = lu + lp > 0.0 ? 1.0 / (lu + lp) : HUGE_VAL;
    double M = r->mtti_s, d = r->checkpoint_block_s;
    r->young_interval_s = sqrt(2.0 * d * M);
    r->daly_interval_s =
        d < 2.0 * M
            ? sqrt(2.0 * d * M) * (1.0 + sqrt(d / (2.0 * M)) / 3.0 + d / (2.0 * M) / 9.0) - d
            : M;
    r->goodput = g;
    r->wall_s = wall;
    r->work_s = r->window_mode ? g * wall : job->work_s;
    r->unexpected_interruptions = lu * wall;
    r->planned_interruptions = lp * wall;
    r->interruptions_per_day = (lu + lp) * 86400.0;
    double hw_wall = gw__rel_group_mean_rate(s, GW__REL_G_HW, wall);
    double hw_scale = s->g[GW__REL_G_HW].rate_s > 0.0 ? hw_wall / s->g[GW__REL_G_HW].rate_s : 1.0;
    for (size_t i = 0; i < r->n_causes; i++) {
        gw_rel_cause *c = &r->causes[i];
        if (c->hardware) {
            c->rate_s *= hw_scale;
            c->rate_per_unit_s *= hw_scale;
        }
        c->expected = c->rate_s * wall;
        double tot = c->planned ? lp : lu;
        c->share = tot > 0.0 ? c->rate_s / tot : 0.0;
    }

    /* First-order breakdown of the loss, scaled to the exact total. */
    {
        double cyc = tau * s->sigma + s->block_s;
        double lag = s->async ? s->write_s : 0.0;
        double parts[5] = {s->block_s / cyc, lu * (cyc / 2.0 + lag), lu * r->recovery_s,
                           lp * (s->write_s + s->restart_s), 1.0 - 1.0 / s->sigma};
        double sum = 0.0;
        for (int k = 0; k < 5; k++)
            sum += parts[k];
        double f = sum > 0.0 ? (1.0 - g) / sum : 0.0;
        r->loss_checkpoint = parts[0] * f;
        r->loss_rework = parts[1] * f;
        r->loss_recovery = parts[2] * f;
        r->loss_planned = parts[3] * f;
        r->loss_straggler = parts[4] * f;
    }

    /* Spares: nodes in repair ~ Poisson(hardware rate x repair time). */
    r->spares_needed = gw__rel_poisson_quantile(hw_wall * r->repair_s, p->spare_quantile);
    if (r->spare_nodes >= 0.0 && r->spare_nodes < r->spares_needed)
        add_note(r,
                 "spare pool (%.0f nodes) below the %.0f needed at the %.1f%% quantile: "
                 "the analytic goodput ignores waits for spares, the Monte Carlo does not",
                 r->spare_nodes, r->spares_needed, 100.0 * p->spare_quantile);

    /* What it takes to reach the target goodput (each lever alone). */
    r->target_goodput = job->target_goodput > 0.0 ? job->target_goodput : p->target_goodput;
    {
        req_ctx q;
        q.s = *s;
        q.o = o;
        q.o.fixed_tau_s = 0.0;
        q.lu = lu;
        q.lp = lp;
        q.ckpt_bytes = r->checkpoint_bytes;
        double T = r->target_goodput;
        r->req_recovery_s = bisect_decreasing(f_recovery, &q, 1e-3, 1e7, T);
        r->req_rate_scale = bisect_decreasing(f_rate, &q, 1e-6, 1e3, T);
        double inv = bisect_decreasing(f_inv_bw, &q, 1e-18, 1e-3, T);
        r->req_write_Bps = 1.0 / inv; /* NaN stays NaN: unreachable */
    }
    if (s->shape != 1.0)
        add_note(r,
                 "Weibull hazard (shape %.2f): the analytic model uses the mean rate over "
                 "the run; the Monte Carlo samples the time-varying rate",
                 s->shape);
    if (lp > 0.0)
        add_note(r, "planned maintenance: checkpoint on demand, then restart (no detection, "
                    "no lost work)");
}

gw_status gw_rel_plan(gw_ctx *ctx, const gw_catalog *cat, const gw_rel_job *job, gw_rel_result *out,
                      gw_error *err)
{
    if (!ctx || !job || !out)
        return gw__err(err, GW_EINVAL, "gw_rel_plan: NULL argument");
    gw_status rc = check_job(job, err);
    if (rc != GW_OK)
        return rc;
    const char *dir = job->data_dir;
    if (!dir && cat) {
        const char *o = gw_catalog_origin(cat);
        if (o && o[0] && strcmp(o, "(embedded)") != 0)
            dir = o;
    }
    gw__rel_model *m = NULL;
    rc = gw__rel_model_load(ctx, dir, &m, err);
    if (rc != GW_OK)
        return rc;
    gw_rel_result *r = gw_calloc(ctx, 1, sizeof *r);
    if (!r) {
        gw__rel_model_free(ctx, m);
        return gw__err(err, GW_ENOMEM, "out of memory");
    }
    const gw__rel_params *p = &m->p;
    const gw__rel_profile *prof = job->profile && job->profile[0]
                                      ? gw__rel_profile_find(m, job->profile)
                                      : &m->profiles[m->default_index];
    if (!prof) {
        char list[256] = "";
        size_t used = 0;
        for (size_t i = 0; i < m->n_profiles && used + 70 < sizeof list; i++) {
            gw__snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                         m->profiles[i].name);
            used = strlen(list);
        }
        rc = gw__err(err, GW_ENOTFOUND, "unknown failure profile \"%s\" (profiles: %s)",
                     job->profile, list);
        goto done;
    }
    gw__strlcpy(r->profile, prof->name, sizeof r->profile);

    /* Components. */
    int gpn = 0, npg = 0;
    rc = resolve_node(cat, job, &gpn, &npg, r, err);
    if (rc != GW_OK)
        goto done;
    double radix = job->switch_radix > 0 ? (double)job->switch_radix : p->switch_radix;
    gw__rel_counts cnt;
    gw__rel_counts_make(job->gpus, gpn, npg, radix, job->n_links, job->n_switches, &cnt);
    r->gpus = cnt.gpus;
    r->nodes = cnt.nodes;
    r->nics = cnt.nics;
    r->links = cnt.links;
    r->switches = cnt.switches;
    r->fabric_tiers = cnt.tiers;

    gw__rel_sim s;
    memset(&s, 0, sizeof s);
    build_causes(prof, &cnt, job, p, r, &s);
    job_costs(&cnt, job, p, r, &s);
    analytic(job, p, &s, r);

    /* Monte Carlo. */
    r->trials = job->trials;
    r->seed = job->seed;
    fill_dist_nan(&r->mc_goodput);
    fill_dist_nan(&r->mc_wall_s);
    fill_dist_nan(&r->mc_unexpected);
    fill_dist_nan(&r->mc_planned);
    r->mc_completed_frac = (double)NAN;
    r->mc_interval_s = (double)NAN;
    r->mc_best_interval_s = (double)NAN;
    r->mc_best_goodput = (double)NAN;
    if (job->trials > 0) {
        rc = gw__rel_mc_summarise(ctx, &s, job, r, err);
        if (rc != GW_OK)
            goto done;
    }
    *out = *r;
done:
    gw_free(ctx, r);
    gw__rel_model_free(ctx, m);
    return rc;
}
