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
    /* The levers in use (reliability.* keys; 0: not in use). */
    unsigned lv = 0;
    if (sc->ft.in_memory_checkpoint)
        lv |= 1u << GW_REL_LEVER_INMEM;
    if (sc->ft.elastic)
        lv |= 1u << GW_REL_LEVER_ELASTIC;
    if (sc->ft.partial_restart)
        lv |= 1u << GW_REL_LEVER_PARTIAL;
    if (sc->ft.hot_spares)
        lv |= 1u << GW_REL_LEVER_HOT_SPARES;
    if (sc->ft.fast_detect)
        lv |= 1u << GW_REL_LEVER_FAST_DETECT;
    job->levers = lv;
    job->checkpoint_async = sc->ft.async_checkpoint != 0;
    job->detect_s = sc->ft.detect_s;
    job->target_goodput = sc->ft.target_goodput;
    job->replica_gpus = sc->ft.replica_gpus;
    job->rate_scale = sc->reliability.rate_scale; /* 0: 1 */
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

double gw__rel_solve(gw__rel_sim *s, double fixed_tau_s, double horizon_s, double lu, double lp,
                     double *tau_out)
{
    opt_ctx o = {fixed_tau_s, horizon_s};
    return solve(s, &o, lu, lp, tau_out);
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
    if (job->levers >= (1u << GW_REL_N_LEVERS))
        return gw__err(err, GW_EINVAL, "levers: unknown lever bit in 0x%x", job->levers);
    if (!(job->replica_gpus >= 0.0) || isinf(job->replica_gpus) || job->rack_gpus < 0)
        return gw__err(err, GW_EINVAL, "replica_gpus and rack_gpus must not be negative");
    return GW_OK;
}

/* What the catalog says about the job's hardware. */
typedef struct hw_info {
    int gpn, npg;       /* GPUs per node, NICs per GPU */
    int rack_gpus;      /* GPUs per rack-scale NVLink domain; 0: none */
    double price_gpu;   /* USD per GPU; NaN if unknown */
    const char *accel;  /* catalog accelerator name, or NULL */
    const char *system; /* catalog system name, or NULL */
} hw_info;

static double price_per_gpu(const gw_system *sys, const gw_accel *a)
{
    int per = sys ? (sys->price_per_rack ? sys->gpus_per_rack : sys->gpus_per_node) : 0;
    if (sys && sys->price_usd > 0.0 && per > 0)
        return sys->price_usd / (double)per;
    if (a && a->price_low_usd > 0.0 && a->price_high_usd > 0.0)
        return 0.5 * (a->price_low_usd + a->price_high_usd);
    return (double)NAN;
}

static gw_status resolve_node(const gw_catalog *cat, const gw_rel_job *job, hw_info *hw,
                              gw_rel_result *r, gw_error *err)
{
    hw->gpn = job->gpus_per_node;
    hw->npg = job->nics_per_gpu;
    hw->rack_gpus = job->rack_gpus;
    hw->price_gpu = (double)NAN;
    hw->accel = job->accelerator;
    hw->system = job->system;
    const gw_system *sys = NULL;
    const gw_accel *a = NULL;
    if (hw->gpn > 0) {
        if (hw->npg <= 0)
            hw->npg = 1;
        /* The catalog may still know the system's price. */
        if (cat && job->system && job->system[0])
            (void)gw_catalog_system_find(cat, job->system, &sys, NULL);
        if (cat && job->accelerator && job->accelerator[0]) {
            (void)gw_catalog_accel_find(cat, job->accelerator, &a, NULL);
            if (a && !sys)
                (void)gw_catalog_system_for(cat, a, &sys, NULL);
        }
        hw->price_gpu = price_per_gpu(sys, a);
        return GW_OK;
    }
    if (!cat || !job->accelerator || !job->accelerator[0])
        return gw__err(err, GW_EINVAL,
                       "gpus_per_node unknown: give an accelerator and a catalog, or set it");
    gw_status rc;
    if (job->system && job->system[0]) {
        rc = gw_catalog_system_find(cat, job->system, &sys, err);
        if (rc == GW_OK)
            (void)gw_catalog_accel_find(cat, job->accelerator, &a, NULL);
    } else {
        rc = gw_catalog_accel_find(cat, job->accelerator, &a, err);
        if (rc == GW_OK)
            rc = gw_catalog_system_for(cat, a, &sys, err);
    }
    if (rc != GW_OK)
        return rc;
    if (sys->gpus_per_node <= 0)
        return gw__err(err, GW_ERANGE, "system %s has no gpus_per_node", sys->name);
    hw->gpn = sys->gpus_per_node;
    if (hw->npg <= 0)
        hw->npg = sys->nics_per_gpu > 0 ? sys->nics_per_gpu : 1;
    /* A rack-scale system: its NVLink domain spans more than one node. */
    if (hw->rack_gpus <= 0 && sys->scaleup_domain > sys->gpus_per_node && sys->gpus_per_rack > 0)
        hw->rack_gpus = sys->gpus_per_rack;
    hw->price_gpu = price_per_gpu(sys, a);
    hw->system = sys->name;
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

/* True when the profile was measured on another accelerator than the job's:
 * its rates are then proxies (data/failures.yaml `measured_on`). */
static bool profile_is_proxy(const gw__rel_profile *prof, const char *accel)
{
    if (prof->n_measured_on == 0 || !accel || !accel[0])
        return false;
    for (size_t i = 0; i < prof->n_measured_on; i++) {
        if (gw__streq_nocase(prof->measured_on[i], accel))
            return false;
    }
    return true;
}

/* The job's causes: the profile's, less those a generation's rack part
 * replaces, plus the generation's rack parts (R1a). */
static size_t effective_causes(const gw__rel_profile *prof, const gw__rel_generation *gen,
                               const gw__rel_cause_def **out)
{
    size_t n = 0;
    for (size_t i = 0; i < prof->n_causes; i++) {
        bool replaced = false;
        for (size_t k = 0; gen && k < gen->n_causes; k++) {
            if (gen->causes[k].replaces[0] &&
                gw__streq_nocase(gen->causes[k].replaces, prof->causes[i].name) &&
                prof->causes[i].scope == GW_REL_SCOPE_NODE)
                replaced = true;
        }
        if (!replaced)
            out[n++] = &prof->causes[i];
    }
    for (size_t k = 0; gen && k < gen->n_causes && n < GW_REL_MAX_CAUSES; k++)
        out[n++] = &gen->causes[k];
    return n;
}

/* Per-cause rates for the job (R1-R3) and the three superposed groups. */
static void build_causes(const gw__rel_profile *prof, const gw__rel_generation *gen,
                         const gw__rel_counts *cnt, const hw_info *hw, const gw_rel_job *job,
                         const gw__rel_params *p, gw_rel_result *r, gw__rel_sim *s)
{
    double scale = job->rate_scale > 0.0 ? job->rate_scale : 1.0;
    bool is_ref = job->gpus == prof->ref_gpus && !(job->work_s > 0.0) &&
                  fabs(job->duration_s - prof->ref_duration_s) <= 1e-6 * prof->ref_duration_s;
    bool prof_proxy = profile_is_proxy(prof, hw->accel);
    r->lemon_factor = 1.0 + job->lemon_fraction * (p->lemon_rate_multiplier - 1.0);
    /* Node-scoped rates were measured per node of ref_gpus_per_node GPUs;
     * applied per GPU of host hardware on other nodes (R1b). */
    r->node_rate_factor = (double)hw->gpn / (double)prof->ref_gpus_per_node;
    const gw__rel_cause_def *defs[GW_REL_MAX_CAUSES];
    size_t n = effective_causes(prof, gen, defs);
    r->n_causes = n;
    r->n_proxy = 0;
    double contained = 0.0, unexpected = 0.0;
    for (size_t i = 0; i < n; i++) {
        const gw__rel_cause_def *d = defs[i];
        gw_rel_cause *c = &r->causes[i];
        gw__strlcpy(c->name, d->name, sizeof c->name);
        gw__strlcpy(c->category, d->category, sizeof c->category);
        c->scope = d->scope;
        c->planned = d->planned;
        c->hardware = d->hardware;
        c->proxy = d->proxy || prof_proxy;
        r->n_proxy += c->proxy ? 1 : 0;
        c->units = gw__rel_scope_units(cnt, d->scope);
        double unit_factor = d->scope == GW_REL_SCOPE_NODE ? r->node_rate_factor : 1.0;
        c->rate_per_unit_s = d->rate_s * unit_factor * (d->planned ? 1.0 : scale) *
                             (d->hardware ? r->lemon_factor : 1.0);
        c->rate_s = c->units * c->rate_per_unit_s;
        c->observed = is_ref && d >= prof->causes && d < prof->causes + prof->n_causes
                          ? d->observed
                          : (double)NAN;
        c->mc_mean = (double)NAN;
        /* Contained: the failed part belongs to one data-parallel replica
         * (R9); switches, job-wide events and planned stops are not. */
        c->contained =
            !d->planned && d->scope != GW_REL_SCOPE_SWITCH && d->scope != GW_REL_SCOPE_JOB;
        c->gpus_out = !d->hardware                    ? 0.0
                      : d->scope == GW_REL_SCOPE_RACK ? (double)hw->rack_gpus
                                                      : (double)hw->gpn;
        if (!d->planned) {
            unexpected += c->rate_s;
            contained += c->contained ? c->rate_s : 0.0;
        }
        int gi = d->planned ? GW__REL_G_PLANNED : d->hardware ? GW__REL_G_HW : GW__REL_G_SW;
        gw__rel_group *g = &s->g[gi];
        g->cause[g->n] = i;
        g->rate_s += c->rate_s;
        g->cum[g->n] = g->rate_s;
        g->n++;
    }
    r->rate_contained_s = unexpected > 0.0 ? contained / unexpected : 0.0; /* fraction for now */
    for (int gi = 0; gi < GW__REL_N_GROUPS; gi++) {
        gw__rel_group *g = &s->g[gi];
        for (size_t k = 0; k < g->n; k++)
            g->cum[k] = g->rate_s > 0.0 ? g->cum[k] / g->rate_s : (double)(k + 1) / (double)g->n;
        if (g->n)
            g->cum[g->n - 1] = 1.0;
    }
    s->n_causes = n;
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

/* ---- Fault-tolerance levers (R9-R12) ------------------------------------- */

#define LV(l) (1u << (unsigned)(l))

const char *gw_rel_lever_name(gw_rel_lever l)
{
    static const char *const names[GW_REL_N_LEVERS] = {"in-memory", "elastic", "partial",
                                                       "hot-spares", "fast-detect"};
    if ((int)l < 0 || l >= GW_REL_N_LEVERS)
        return "?";
    return names[l];
}

/* Everything the levers change, derived once from the job without levers. */
typedef struct lever_ctx {
    gw__rel_sim base;      /* the job without levers */
    double frac_contained; /* of the unexpected rate, confined to one replica */
    double replicas;       /* data-parallel replicas in the job */
    double snap_s;         /* device-to-host snapshot of a GPU's checkpoint shard */
    double peer_s;         /* copy of that shard to a peer host's memory */
    double fetch_s;        /* a restarted replica fetches its state from a peer replica */
    double storage_s;      /* full checkpoint write to storage */
    double restart_replica_s, hot_restart_job_s, hot_restart_replica_s;
    double detect_fast_s, pause_s, repair_s;
    bool user_detect, user_restart; /* given by the user: levers leave them alone */
    double fixed_tau_s;
} lever_ctx;

/* The job's sim under a lever set: in-memory checkpoints (R9), hot spares
 * and fast detection (R12) change its parameters. */
static void lever_sim(const lever_ctx *L, unsigned set, gw__rel_sim *s)
{
    *s = L->base;
    if (set & LV(GW_REL_LEVER_INMEM)) {
        s->async = true;
        s->block_s = L->snap_s;
        s->write_s = L->peer_s;
        s->flush_s = L->storage_s; /* planned stops still flush to storage */
    }
    if ((set & LV(GW_REL_LEVER_HOT_SPARES)) && !L->user_restart)
        s->restart_s = L->hot_restart_job_s;
    if ((set & LV(GW_REL_LEVER_FAST_DETECT)) && !L->user_detect)
        s->detect_s = L->detect_fast_s;
}

/* Goodput of sim s (already lever_sim'd for set) at mean rates lu
 * (unexpected) and lp (planned). Elastic and partial restarts take the
 * contained failures out of the renewal model (R7) and charge them as an
 * availability factor *avail (R10, R11). */
static double lever_goodput(const lever_ctx *L, unsigned set, gw__rel_sim *s, double lu, double lp,
                            double horizon_s, double *tau, double *avail, double *lu_eff)
{
    bool el = (set & LV(GW_REL_LEVER_ELASTIC)) != 0, pa = (set & LV(GW_REL_LEVER_PARTIAL)) != 0;
    bool hot = (set & LV(GW_REL_LEVER_HOT_SPARES)) != 0;
    double A = 1.0, lj = lu;
    if (el || pa) {
        double lc = L->frac_contained * lu;
        lj = lu - lc;
        double D = s->detect_s;
        double rrep = hot ? L->hot_restart_replica_s : L->restart_replica_s;
        if (el) {
            /* The job stalls for detection and a quorum change, then runs
             * without the replica until it is back (R10). */
            double out = (pa || hot) ? D + rrep + L->fetch_s : L->repair_s;
            double cap = lc * out / L->replicas;
            A = (1.0 - lc * (D + L->pause_s)) * (1.0 - (cap < 1.0 ? cap : 1.0));
        } else {
            /* The job waits while one replica restarts and fetches its state
             * from a peer; no rollback (R11). */
            A = 1.0 - lc * (D + rrep + L->fetch_s);
        }
        A = A > 0.0 ? A : 0.0;
    }
    double g = gw__rel_solve(s, L->fixed_tau_s, horizon_s, lj, lp, tau) * A;
    if (avail)
        *avail = A;
    if (lu_eff)
        *lu_eff = lj;
    return g;
}

/* Spare GPUs a set holds: every set that replaces failed parts needs the
 * pool; elastic alone runs on without the replica until it is repaired. */
static double lever_spares(unsigned set, double pool_gpus)
{
    unsigned need = LV(GW_REL_LEVER_PARTIAL) | LV(GW_REL_LEVER_HOT_SPARES);
    if ((set & LV(GW_REL_LEVER_ELASTIC)) && !(set & need))
        return 0.0;
    return pool_gpus;
}

static unsigned popcount5(unsigned x)
{
    unsigned n = 0;
    for (unsigned k = 0; k < GW_REL_N_LEVERS; k++)
        n += (x >> k) & 1u;
    return n;
}

/* Every lever set (2^5): each alone, and the cheapest that reaches target
 * (fewest spare GPUs, then fewest levers, then highest goodput). */
static void lever_search(const lever_ctx *L, double lu, double lp, double horizon_s, double target,
                         gw_rel_levers *out)
{
    out->found = false;
    out->max_goodput = -1.0;
    double best_spares = HUGE_VAL;
    unsigned best_n = 99;
    for (unsigned set = 0; set < LV(GW_REL_N_LEVERS); set++) {
        gw__rel_sim s;
        lever_sim(L, set, &s);
        double tau = 0.0;
        double g = lever_goodput(L, set, &s, lu, lp, horizon_s, &tau, NULL, NULL);
        if (set == 0)
            out->goodput_none = g;
        if (set == LV(GW_REL_N_LEVERS) - 1u)
            out->goodput_all = g;
        for (unsigned k = 0; k < GW_REL_N_LEVERS; k++) {
            if (set == LV(k))
                out->goodput_alone[k] = g;
        }
        if (g > out->max_goodput) {
            out->max_goodput = g;
            out->max_set = set;
        }
        if (!(g >= target))
            continue;
        double sp = lever_spares(set, out->spare_pool_gpus);
        unsigned n = popcount5(set);
        bool better = !out->found || sp < best_spares ||
                      (sp == best_spares && (n < best_n || (n == best_n && g > out->best_goodput)));
        if (better) {
            out->found = true;
            out->best_set = set;
            out->best_goodput = g;
            best_spares = sp;
            best_n = n;
        }
    }
    if (out->found) {
        out->best_spare_gpus = best_spares;
        out->best_cost_usd = best_spares * out->price_per_gpu_usd;
    } else {
        out->best_set = 0;
        out->best_goodput = out->best_spare_gpus = out->best_cost_usd = (double)NAN;
    }
}

static double hot_restart(const gw__rel_params *p, double gpus)
{
    double r =
        p->hot_restart_ref_s + p->restart_per_doubling_s * log2(gpus / p->hot_restart_ref_gpus);
    return r < p->hot_restart_ref_s ? p->hot_restart_ref_s : r;
}

/* Fills L from the job's lever-free sim s and its result r. */
static void lever_setup(const gw_rel_job *job, const gw__rel_params *p, const hw_info *hw,
                        const gw__rel_sim *s, gw_rel_result *r, lever_ctx *L)
{
    memset(L, 0, sizeof *L);
    L->base = *s;
    L->frac_contained = r->rate_contained_s; /* a fraction until analytic() */
    double rg = job->replica_gpus;
    if (!(rg > 0.0)) {
        rg = ceil(r->checkpoint_bytes / p->replica_state_per_gpu_bytes);
        rg = rg > p->replica_gpus ? rg : p->replica_gpus;
        rg = ceil(rg / (double)hw->gpn) * (double)hw->gpn;
    }
    rg = rg < job->gpus ? rg : job->gpus;
    r->replica_gpus = rg;
    L->replicas = job->gpus / rg;
    double shard = r->checkpoint_bytes / job->gpus;
    L->snap_s = shard / p->snapshot_per_gpu_Bps;
    L->peer_s = shard / p->peer_copy_per_gpu_Bps;
    L->fetch_s = r->checkpoint_bytes / rg / p->peer_copy_per_gpu_Bps;
    L->storage_s = r->checkpoint_write_s;
    L->restart_replica_s = job->restart_s > 0.0 ? job->restart_s : restart_default(p, rg);
    L->hot_restart_job_s = hot_restart(p, job->gpus);
    L->hot_restart_replica_s = job->restart_s > 0.0 ? job->restart_s : hot_restart(p, rg);
    L->detect_fast_s = p->detect_fast_s;
    L->pause_s = p->elastic_pause_s;
    L->repair_s = r->repair_s;
    L->user_detect = job->detect_s > 0.0;
    L->user_restart = job->restart_s > 0.0;
    L->fixed_tau_s = job->checkpoint_interval_s;
}

/* GPUs the spare pool must hold: nodes and rack domains in repair at the
 * spare quantile (Poisson, an M/G/infinity queue). */
static double spare_pool_gpus(const gw_rel_result *r, const hw_info *hw, const gw__rel_params *p)
{
    double node_hw = 0.0, rack_hw = 0.0;
    for (size_t i = 0; i < r->n_causes; i++) {
        const gw_rel_cause *c = &r->causes[i];
        if (!c->hardware)
            continue;
        if (c->scope == GW_REL_SCOPE_RACK)
            rack_hw += c->rate_s;
        else
            node_hw += c->rate_s;
    }
    double nodes = gw__rel_poisson_quantile(node_hw * r->repair_s, p->spare_quantile);
    double racks = gw__rel_poisson_quantile(rack_hw * r->repair_s, p->spare_quantile);
    return nodes * (double)hw->gpn + racks * (double)hw->rack_gpus;
}

/* Rates over the run, interval, goodput (R7), counts, loss breakdown, spares
 * and the "what it takes" answers. */
static void analytic(const gw_rel_job *job, const gw__rel_params *p, const lever_ctx *L,
                     gw__rel_sim *s, gw_rel_result *r)
{
    /* Mean rates over the run (Weibull: iterate on the wall-clock length). */
    double wall = r->window_mode ? job->duration_s : job->work_s;
    double lu = 0.0, lp = s->g[GW__REL_G_PLANNED].rate_s, g = 0.0, tau = 0.0;
    double avail = 1.0, lu_eff = 0.0;
    opt_ctx o = {job->checkpoint_interval_s, wall};
    for (int it = 0; it < (s->shape == 1.0 || r->window_mode ? 1 : 6); it++) {
        lu = gw__rel_group_mean_rate(s, GW__REL_G_HW, wall) + s->g[GW__REL_G_SW].rate_s;
        g = lever_goodput(L, job->levers, s, lu, lp, wall, &tau, &avail, &lu_eff);
        if (!r->window_mode)
            wall = g > 0.0 ? job->work_s / g : s->max_wall_s;
    }
    r->rate_contained_s = L->frac_contained * lu;
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
        double flush = s->flush_s > 0.0 ? s->flush_s : s->write_s;
        double parts[5] = {s->block_s / cyc, lu_eff * (cyc / 2.0 + lag),
                           lu_eff * r->recovery_s + (1.0 - avail), lp * (flush + s->restart_s),
                           1.0 - 1.0 / s->sigma};
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
        q.lu = lu_eff;
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
    hw_info hw;
    rc = resolve_node(cat, job, &hw, r, err);
    if (rc != GW_OK)
        goto done;
    double radix = job->switch_radix > 0 ? (double)job->switch_radix : p->switch_radix;
    gw__rel_counts cnt;
    gw__rel_counts_make(job->gpus, hw.gpn, hw.npg, radix, job->n_links, job->n_switches, &cnt);
    const gw__rel_generation *gen = NULL;
    if (hw.rack_gpus > 0) {
        cnt.racks = ceil(job->gpus / (double)hw.rack_gpus);
        gen = gw__rel_generation_for(m, hw.system);
    }
    r->racks = cnt.racks;
    r->rack_gpus = hw.rack_gpus;
    r->gpus = cnt.gpus;
    r->nodes = cnt.nodes;
    r->nics = cnt.nics;
    r->links = cnt.links;
    r->switches = cnt.switches;
    r->fabric_tiers = cnt.tiers;

    gw__rel_sim s;
    memset(&s, 0, sizeof s);
    build_causes(prof, gen, &cnt, &hw, job, p, r, &s);
    job_costs(&cnt, job, p, r, &s);
    lever_ctx L;
    lever_setup(job, p, &hw, &s, r, &L);
    /* The job's own levers change its sim (and so the Monte Carlo). */
    lever_sim(&L, job->levers, &s);
    r->levers = job->levers;
    r->detect_s = s.detect_s;
    r->restart_s = s.restart_s;
    r->recovery_s = s.detect_s + s.restart_s;
    r->checkpoint_async = s.async;
    r->checkpoint_block_s = s.block_s;
    analytic(job, p, &L, &s, r);
    {
        double wall = r->window_mode ? job->duration_s : r->wall_s;
        gw_rel_levers *lv = &r->lever_search;
        lv->spare_pool_gpus = spare_pool_gpus(r, &hw, p);
        lv->price_per_gpu_usd = hw.price_gpu;
        lever_search(&L, r->rate_unexpected_s, r->rate_planned_s, wall, r->target_goodput, lv);
    }
    if (r->n_proxy > 0)
        add_note(r,
                 "%zu of %zu failure rates are proxies carried over from another generation "
                 "(marked in the causes)",
                 r->n_proxy, r->n_causes);
    if (r->node_rate_factor != 1.0)
        add_note(r,
                 "node-scoped rates measured on %d-GPU nodes applied per GPU of host: x %.3g per "
                 "%d-GPU node",
                 (int)lround((double)hw.gpn / r->node_rate_factor), r->node_rate_factor, hw.gpn);
    if (job->trials > 0 && (job->levers & (LV(GW_REL_LEVER_ELASTIC) | LV(GW_REL_LEVER_PARTIAL))))
        add_note(r, "elastic/partial restarts are analytic only: the Monte Carlo stops the job "
                    "on every failure");

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
