/* SPDX-License-Identifier: MIT */
/*
 * montecarlo.c: discrete-event simulation of one synchronous training run,
 * repeated over independent trials (OpenMP), and the search for the
 * checkpoint interval that maximises the simulated goodput.
 *
 * Events are interruptions only. All causes of a group (hardware, other
 * unexpected, planned) are superposed into one Poisson process of the group's
 * total rate, and the cause of each event is drawn by its share, so the cost
 * of a trial is proportional to its number of interruptions, not to the
 * number of components. Checkpoints are not events: between two
 * interruptions the number of completed and committed checkpoint cycles is
 * computed in closed form. The hardware group may follow a Weibull hazard
 * (non-homogeneous Poisson process, sampled by inverting its cumulative
 * hazard). A finite spare pool is a FIFO of repair completion times (repairs
 * take a constant time, so they complete in failure order).
 *
 * Randomness: each trial has its own GSL mt19937 stream seeded from
 * (seed, trial) through splitmix64, so results do not depend on the thread
 * count or the schedule. Not modelled: correlated failures (a switch taking
 * several nodes down at once), failures of the spare nodes themselves, the
 * storage system's own failures.
 */
#include <gigawatt/rel.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/core_internal.h"
#include "rel/rel_internal.h"

/* ---- Random streams ---------------------------------------------------------- */

static uint64_t splitmix64(uint64_t x)
{
    /* Steele, Lea, Flood, "Fast splittable pseudorandom number generators",
     * OOPSLA 2014 (the finaliser constants of SplitMix64). */
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

static unsigned long trial_seed(uint64_t seed, uint64_t trial)
{
    uint64_t x = splitmix64(seed ^ splitmix64(trial));
    x ^= x >> 32; /* mt19937 keeps the low 32 bits of its seed */
    return (unsigned long)(x & 0xFFFFFFFFULL);
}

/* ---- Spare pool ------------------------------------------------------------------ */

typedef struct ring {
    double *t; /* repair completion times, FIFO */
    size_t cap, head, size;
    double spares; /* pool size S */
} ring;

static void ring_push(ring *q, double v)
{
    q->t[(q->head + q->size) % q->cap] = v;
    q->size++;
}

static void ring_pop(ring *q)
{
    q->head = (q->head + 1) % q->cap;
    q->size--;
}

/* A node fails at t and goes to repair; returns how long the job waits for
 * a replacement (0 while the pool has a spare). */
static double spare_wait(ring *q, double t, double repair_s)
{
    while (q->size > 0 && q->t[q->head] <= t)
        ring_pop(q);
    if ((double)q->size < q->spares) {
        if (q->size + 1 < q->cap) /* a full ring means a pool too large to run dry */
            ring_push(q, t + repair_s);
        return 0.0;
    }
    ring_push(q, t + repair_s);
    double w = q->t[q->head] - t;
    ring_pop(q);
    return w > 0.0 ? w : 0.0;
}

/* ---- One trial ------------------------------------------------------------------ */

typedef struct trial_out {
    double goodput, wall_s;
    uint32_t unexpected, planned;
    bool completed;
} trial_out;

static double next_time(const gw__rel_sim *s, int g, double t, gsl_rng *rng)
{
    double lam = s->g[g].rate_s;
    if (!(lam > 0.0))
        return HUGE_VAL;
    double e = -log(gsl_rng_uniform_pos(rng));
    if (g == GW__REL_G_HW && s->shape != 1.0) {
        double a = s->age_ref_s, k = s->shape;
        double x = pow((s->age0_s + t) / a, k) + e * k / (lam * a);
        return a * pow(x, 1.0 / k) - s->age0_s;
    }
    return t + e / lam;
}

static size_t pick(const gw__rel_group *g, gsl_rng *rng)
{
    double u = gsl_rng_uniform(rng);
    size_t lo = 0, hi = g->n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (u < g->cum[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return g->cause[lo];
}

static int first_event(const double nxt[GW__REL_N_GROUPS])
{
    int gi = 0;
    for (int k = 1; k < GW__REL_N_GROUPS; k++)
        if (nxt[k] < nxt[gi])
            gi = k;
    return gi;
}

static void run_trial(const gw__rel_sim *s, gsl_rng *rng, ring *q, uint64_t *cc, trial_out *o)
{
    const bool work_mode = s->work_s > 0.0;
    const double end = work_mode ? s->max_wall_s : s->duration_s;
    const double tau = s->tau_s, sig = s->sigma, blk = s->block_s;
    const double cyc = tau * sig + blk;
    const double lag = s->async ? s->write_s : 0.0;
    const bool finite_spares = s->spare_nodes >= 0.0;
    double nxt[GW__REL_N_GROUPS];
    for (int k = 0; k < GW__REL_N_GROUPS; k++)
        nxt[k] = next_time(s, k, 0.0, rng);
    double t_run = 0.0, wc = 0.0, wall = end;
    uint32_t nu = 0, np = 0;
    bool completed = false;
    if (q) {
        q->head = 0;
        q->size = 0;
    }
    for (;;) {
        int gi = first_event(nxt);
        double tn = nxt[gi];
        if (work_mode) {
            double rem = s->work_s - wc;
            double m = ceil(rem / tau);
            double tf = t_run + rem * sig + (m > 1.0 ? (m - 1.0) * blk : 0.0);
            if (tf <= tn && tf <= end) {
                wall = tf;
                wc = s->work_s;
                completed = true;
                break;
            }
        }
        if (tn >= end) {
            double e = end - t_run, n = floor(e / cyc);
            wc += n * tau + fmin((e - n * cyc) / sig, tau);
            if (work_mode && wc > s->work_s)
                wc = s->work_s;
            wall = end;
            break;
        }
        double e = tn - t_run, n = floor(e / cyc);
        size_t ci = pick(&s->g[gi], rng);
        cc[ci]++;
        nxt[gi] = next_time(s, gi, tn, rng);
        double rec_end, spare_ready = 0.0;
        if (gi == GW__REL_G_PLANNED) {
            np++;
            wc += n * tau + fmin((e - n * cyc) / sig, tau); /* checkpoint on demand */
            rec_end = tn + (s->flush_s > 0.0 ? s->flush_s : s->write_s) + s->restart_s;
        } else {
            nu++;
            double nc = s->async ? (e >= lag ? floor((e - lag) / cyc) : 0.0) : n;
            wc += nc * tau;
            double w = (finite_spares && gi == GW__REL_G_HW) ? spare_wait(q, tn, s->repair_s) : 0.0;
            spare_ready = tn + s->detect_s + w;
            rec_end = spare_ready + s->restart_s;
        }
        /* Recovery: unexpected failures restart it; planned stops are absorbed. */
        for (;;) {
            gi = first_event(nxt);
            tn = nxt[gi];
            if (tn >= rec_end || tn >= end)
                break;
            ci = pick(&s->g[gi], rng);
            cc[ci]++;
            nxt[gi] = next_time(s, gi, tn, rng);
            if (gi == GW__REL_G_PLANNED) {
                np++;
                continue;
            }
            nu++;
            double w = (finite_spares && gi == GW__REL_G_HW) ? spare_wait(q, tn, s->repair_s) : 0.0;
            spare_ready = fmax(spare_ready, tn + s->detect_s + w);
            rec_end = fmax(tn + s->detect_s, spare_ready) + s->restart_s;
        }
        if (rec_end >= end) {
            wall = end;
            break;
        }
        t_run = rec_end;
    }
    o->wall_s = wall;
    o->goodput = wall > 0.0 ? wc / wall : 0.0;
    o->unexpected = nu;
    o->planned = np;
    o->completed = completed;
}

/* ---- Parallel driver ------------------------------------------------------------- */

gw_status gw__rel_mc_run(gw_ctx *ctx, const gw__rel_sim *s, uint64_t n, uint64_t seed,
                         uint64_t progress_offset, uint64_t progress_total, gw__rel_mc_out *out,
                         gw_error *err)
{
    int nt = gw_ctx_threads(ctx);
    if (nt <= 0)
        nt = omp_get_max_threads();
    if ((uint64_t)nt > n)
        nt = n > 0 ? (int)n : 1;
    size_t nc = s->n_causes;
    /* Outstanding repairs never exceed the pool + 1; beyond 2^20 the ring
     * stops growing (a pool that large does not run dry in practice). */
    double want = s->spare_nodes >= 0.0 ? s->spare_nodes + 2.0 : 0.0;
    size_t cap = want > 1048576.0 ? 1048576u : (size_t)want;
    uint64_t *cc = gw_calloc(ctx, (size_t)nt * (nc ? nc : 1), sizeof *cc);
    double *rings = cap ? gw_calloc(ctx, (size_t)nt * cap, sizeof *rings) : NULL;
    if (!cc || (cap && !rings)) {
        gw_free(ctx, cc);
        gw_free(ctx, rings);
        return gw__err(err, GW_ENOMEM, "out of memory for the Monte Carlo");
    }
    int failed_alloc = 0, canceled = 0;
    uint64_t done = 0, reported = 0, completed = 0;
    uint64_t step = n / 200 > 0 ? n / 200 : 1;

#pragma omp parallel num_threads(nt) reduction(+ : completed)
    {
        int tid = omp_get_thread_num();
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        ring q = {rings ? rings + (size_t)tid * cap : NULL, cap, 0, 0, s->spare_nodes};
        uint64_t *mycc = cc + (size_t)tid * (nc ? nc : 1);
        if (!rng) {
#pragma omp atomic write
            failed_alloc = 1;
        }
#pragma omp for schedule(dynamic, 4)
        for (uint64_t i = 0; i < n; i++) {
            int stop;
#pragma omp atomic read
            stop = canceled;
            if (stop || !rng)
                continue;
            gsl_rng_set(rng, trial_seed(seed, i));
            trial_out o;
            run_trial(s, rng, cap ? &q : NULL, mycc, &o);
            out->goodput[i] = o.goodput;
            out->wall_s[i] = o.wall_s;
            out->unexpected[i] = (double)o.unexpected;
            out->planned[i] = (double)o.planned;
            if (o.completed)
                completed++;
            uint64_t d;
#pragma omp atomic capture
            d = ++done;
            if (d % step == 0 || d == n) {
#pragma omp critical(gw_rel_progress)
                {
                    if (d > reported) {
                        reported = d;
                        if (gw__progress(ctx, progress_offset + d, progress_total)) {
#pragma omp atomic write
                            canceled = 1;
                        }
                    }
                }
            }
        }
        if (rng)
            gsl_rng_free(rng);
    }
    for (int t = 0; t < nt; t++)
        for (size_t k = 0; k < nc; k++)
            out->cause_counts[k] += cc[(size_t)t * nc + k];
    out->completed = completed;
    gw_free(ctx, cc);
    gw_free(ctx, rings);
    if (failed_alloc)
        return gw__err(err, GW_ENOMEM, "out of memory for random number generators");
    if (canceled)
        return gw__err(err, GW_ECANCELED, "Monte Carlo canceled by the progress callback");
    return GW_OK;
}

/* ---- Summary and interval search ------------------------------------------------ */

static void dist(double *v, size_t n, gw_rel_dist *d)
{
    d->mean = gsl_stats_mean(v, 1, n);
    d->sd = n > 1 ? gsl_stats_sd_m(v, 1, n, d->mean) : 0.0;
    gsl_sort(v, 1, n);
    d->p5 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.05);
    d->p50 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.50);
    d->p95 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.95);
}

typedef struct mc_buf {
    gw__rel_mc_out o;
    double *block;
    uint64_t *counts;
} mc_buf;

static gw_status buf_new(gw_ctx *ctx, uint64_t n, size_t nc, mc_buf *b, gw_error *err)
{
    memset(b, 0, sizeof *b);
    if (n > SIZE_MAX / (4 * sizeof(double)))
        return gw__err(err, GW_ERANGE, "too many trials");
    b->block = gw_malloc(ctx, (size_t)n * 4 * sizeof(double));
    b->counts = gw_calloc(ctx, nc ? nc : 1, sizeof *b->counts);
    if (!b->block || !b->counts) {
        gw_free(ctx, b->block);
        gw_free(ctx, b->counts);
        return gw__err(err, GW_ENOMEM, "out of memory for %llu trials", (unsigned long long)n);
    }
    b->o.goodput = b->block;
    b->o.wall_s = b->block + n;
    b->o.unexpected = b->block + 2 * n;
    b->o.planned = b->block + 3 * n;
    b->o.cause_counts = b->counts;
    return GW_OK;
}

static void buf_free(gw_ctx *ctx, mc_buf *b)
{
    gw_free(ctx, b->block);
    gw_free(ctx, b->counts);
}

static gw_status mean_goodput(gw_ctx *ctx, const gw__rel_sim *base, double tau, uint64_t n,
                              uint64_t seed, uint64_t *off, uint64_t total, mc_buf *b, double *out,
                              gw_error *err)
{
    gw__rel_sim s = *base;
    s.tau_s = tau;
    memset(b->counts, 0, (s.n_causes ? s.n_causes : 1) * sizeof *b->counts);
    gw_status rc = gw__rel_mc_run(ctx, &s, n, seed, *off, total, &b->o, err);
    *off += n;
    if (rc == GW_OK)
        *out = gsl_stats_mean(b->o.goodput, 1, n);
    return rc;
}

gw_status gw__rel_mc_summarise(gw_ctx *ctx, const gw__rel_sim *s, const gw_rel_job *job,
                               gw_rel_result *r, gw_error *err)
{
    uint64_t n = job->trials;
    uint64_t ns = job->search_trials > 0 ? job->search_trials : (n < 200 ? n : 200);
    const int n_search_evals = 14; /* bracket shrinks 0.618^12: ~3% in the interval */
    uint64_t total = n + (job->search_interval ? ns * (uint64_t)n_search_evals : 0);
    uint64_t off = 0;
    /* A trial simulates every interruption one by one: refuse before hours
     * of work (and before the per-trial uint32 counters could wrap). */
    double end = s->work_s > 0.0 ? s->max_wall_s : s->duration_s;
    double events = (gw__rel_group_mean_rate(s, GW__REL_G_HW, end) + s->g[GW__REL_G_SW].rate_s +
                     s->g[GW__REL_G_PLANNED].rate_s) *
                    end;
    if (!(events <= GW__REL_MC_MAX_EVENTS))
        return gw__err(err, GW_ERANGE,
                       "Monte Carlo: about %.3g interruptions per trial, more than the %.0e "
                       "it simulates; use the analytic answer (trials 0) or a smaller job",
                       events, GW__REL_MC_MAX_EVENTS);
    mc_buf b;
    gw_status rc = buf_new(ctx, n > ns ? n : ns, s->n_causes, &b, err);
    if (rc != GW_OK)
        return rc;

    if (job->search_interval) {
        /* Golden-section search over log(interval) with common random numbers
         * (the same trial streams at every point), around the analytic optimum. */
        double span = 8.0;
        double lo = s->tau_s / span, hi = s->tau_s * span;
        double floor_s = s->tau_floor_s > 0.0 ? s->tau_floor_s : 1.0;
        if (s->async && s->write_s / s->sigma > floor_s)
            floor_s = s->write_s / s->sigma;
        if (lo < floor_s)
            lo = floor_s;
        if (hi < 2.0 * lo)
            hi = 2.0 * lo;
        const double gr = 0.6180339887498949;
        double a = log(lo), z = log(hi);
        double x1 = z - gr * (z - a), x2 = a + gr * (z - a), f1 = 0.0, f2 = 0.0;
        rc = mean_goodput(ctx, s, exp(x1), ns, job->seed, &off, total, &b, &f1, err);
        if (rc == GW_OK)
            rc = mean_goodput(ctx, s, exp(x2), ns, job->seed, &off, total, &b, &f2, err);
        for (int i = 2; i < n_search_evals && rc == GW_OK; i++) {
            if (f1 < f2) {
                a = x1;
                x1 = x2;
                f1 = f2;
                x2 = a + gr * (z - a);
                rc = mean_goodput(ctx, s, exp(x2), ns, job->seed, &off, total, &b, &f2, err);
            } else {
                z = x2;
                x2 = x1;
                f2 = f1;
                x1 = z - gr * (z - a);
                rc = mean_goodput(ctx, s, exp(x1), ns, job->seed, &off, total, &b, &f1, err);
            }
        }
        if (rc == GW_OK) {
            r->mc_best_interval_s = f1 >= f2 ? exp(x1) : exp(x2);
            r->mc_best_goodput = f1 >= f2 ? f1 : f2;
        }
    }
    if (rc == GW_OK) {
        memset(b.counts, 0, (s->n_causes ? s->n_causes : 1) * sizeof *b.counts);
        rc = gw__rel_mc_run(ctx, s, n, job->seed, off, total, &b.o, err);
    }
    if (rc == GW_OK) {
        size_t nn = (size_t)n;
        for (size_t k = 0; k < s->n_causes; k++)
            r->causes[k].mc_mean = (double)b.counts[k] / (double)n;
        r->mc_completed_frac = (double)b.o.completed / (double)n;
        r->mc_interval_s = s->tau_s;
        dist(b.o.goodput, nn, &r->mc_goodput);
        dist(b.o.wall_s, nn, &r->mc_wall_s);
        dist(b.o.unexpected, nn, &r->mc_unexpected);
        dist(b.o.planned, nn, &r->mc_planned);
    }
    buf_free(ctx, &b);
    return rc;
}
