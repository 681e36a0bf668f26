/* SPDX-License-Identifier: MIT */
/*
 * search.c: exhaustive search of parallel configurations (gw_train_plan)
 * and single-configuration evaluation (gw_train_eval_config).
 *
 * The space: precision x TP (divisors of the GPU count up to the scale-up
 * domain, dividing the heads) x CP x PP (up to the layer count) x DP (the
 * rest) x EP (MoE: divisors of the expert count within DP x CP x TP) x
 * micro-batch (divisors of the per-replica batch up to max_micro_batch) x
 * vpp (dividing the layers of a stage) x recompute x ZeRO. Every point is
 * evaluated (no sampling); fixed dimensions are not enumerated. The outer
 * (tp, cp, pp) triples are distributed over OpenMP threads; each thread
 * keeps its own best and top-k lists, merged at the end, so the result does
 * not depend on the thread count. No allocation happens in the inner loop.
 */
#include "train_internal.h"

#include <gsl/gsl_cdf.h>

#include "core/core_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define MAX_DIV    4096
#define MAX_SPLITS 8
/* Hybrid-sharding candidates (docs/models/train.md, "How the search
 * chooses the shard group"): the DP x CP ranks of one scale-up domain and
 * its multiples by 2, 4 and 8 (x 2^SHARD_DOUBLINGS), besides the whole
 * group: the shard groups production stacks use (one node or NVLink
 * domain, or a few of them). A search-space bound, like the CP sizes. */
#define SHARD_DOUBLINGS 3
#define MAX_SHARDS      (SHARD_DOUBLINGS + 1)
#define PEND_CAP        4096 /* deferred shard trials per triple before they run early */

/* A configuration whose shard-group candidates wait for the end of its
 * triple: its whole-group version was feasible; ub bounds the throughput
 * any candidate can reach. */
typedef struct pend {
    gw_train_config c;
    double ub;
    int shards[MAX_SHARDS];
    int n;
    long long tri, seq; /* the triple and the order within it: the last pass's order */
} pend;

/* Pipeline stage splits tried for pp stages of vpp chunks on a model of L
 * layers (docs/models/train.md, "Uneven pipeline stages"), as (first,
 * last) layer counts, 0 = not given. pp dividing L (nothing fixed): the
 * even split only, as before. Otherwise the middle stages hold m =
 * ceil(L / pp) layers (the fewest the slowest stage can have) and the first
 * and last stages share the rest r = L - (pp - 2) m: moving a layer from
 * them into a middle stage that has room never slows the step (the pace
 * is the slowest stage's) nor adds memory, so only the splits of r are
 * tried, and only four of them: all on the first stage (the remainder on
 * the last: Megatron's --decoder-last-pipeline-num-layers), all on the
 * last (the lightest first stage, fewest in-flight activations), and the
 * two halves (Llama 3's balanced stages). r < 2: one layer each, the
 * middle stages m or m - 1. One side fixed: the other gets what the middle
 * stages leave. pp = 2: the four splits nearest the middle. Only splits
 * gw_train_pp_split accepts, without repeats. Returns how many. */
static int pp_splits(int L, int pp, int vpp, int fg, int lg, int (*out)[2], int cap)
{
    gw_train_config c;
    int n = 0, a, b, d;
    memset(&c, 0, sizeof c);
    c.pp = pp;
    c.vpp = vpp;
    fg = fg > 0 ? fg : 0;
    lg = lg > 0 ? lg : 0;
    int cf[8], cl[8], nc = 0;
    if (pp <= 1 || (fg == 0 && lg == 0 && L % pp == 0)) {
        cf[nc] = 0;
        cl[nc++] = 0;
    } else if (fg > 0 && lg > 0) {
        cf[nc] = fg;
        cl[nc++] = lg;
    } else if (pp == 2) {
        for (int k = 0; k < 4; k++) {
            int l = k == 0 ? L / 2 : k == 1 ? L / 2 + 1 : L / 2 - (k - 1);
            if ((fg == 0 || L - l == fg) && (lg == 0 || l == lg)) {
                cf[nc] = L - l;
                cl[nc++] = l;
            }
        }
        if (nc == 0) {
            cf[nc] = fg;
            cl[nc++] = lg;
        }
    } else if (fg > 0 || lg > 0) {
        int g = fg > 0 ? fg : lg;
        int m = (L - g + pp - 2) / (pp - 1);
        int o = L - g - (pp - 2) * m;
        o = o < 1 ? 1 : o;
        cf[nc] = fg > 0 ? fg : o;
        cl[nc++] = lg > 0 ? lg : o;
    } else {
        int m = (L + pp - 1) / pp, r = L - (pp - 2) * m;
        if (r < 2) {
            cf[nc] = 1;
            cl[nc++] = 1;
        } else {
            int lo = r - m > 1 ? r - m : 1, hi = r - 1 < m ? r - 1 : m;
            const int ls[4] = {lo, r / 2, r - r / 2, hi};
            for (int k = 0; k < 4; k++) {
                cf[nc] = r - ls[k];
                cl[nc++] = ls[k];
            }
        }
    }
    for (int i = 0; i < nc && n < cap; i++) {
        c.pp_first = cf[i];
        c.pp_last = cl[i];
        if (!gw_train_pp_split(L, &c, &a, &d, &b) || (fg > 0 && a != fg) || (lg > 0 && b != lg))
            continue;
        /* Keep each split once (the default may repeat a listed one). */
        bool dup = false;
        for (int k = 0; k < n && !dup; k++) {
            gw_train_config q = c;
            int a2, b2, d2;
            q.pp_first = out[k][0];
            q.pp_last = out[k][1];
            dup = gw_train_pp_split(L, &q, &a2, &d2, &b2) && a2 == a && b2 == b && d2 == d;
        }
        if (dup)
            continue;
        out[n][0] = cf[i];
        out[n][1] = cl[i];
        n++;
    }
    return n;
}

static int divisors(double n, int limit, int *out, int max_out)
{
    int k = 0;
    if (n < 1)
        return 0;
    for (int d = 1; d <= limit && (double)d <= n && k < max_out; d++) {
        if (fmod(n, (double)d) == 0.0)
            out[k++] = d;
    }
    return k;
}

/* ---- Top-k lists ------------------------------------------------------- */

/* One per thread, side by side in one array: the padding keeps a
 * thread's counters (written every evaluation) off the cache line that
 * holds the next thread's n, cap and best entry (false sharing). */
enum { TOPK_PAD = 64 };
typedef struct topk {
    int n, cap;
    gw_train_eval e[GW_TRAIN_MAX_TOP + 1];
    uint64_t n_eval, n_feas;
    uint64_t n_rej[GW_TRAIN_REJECT_COUNT_];
    uint64_t n_rej_shard; /* rejected: a fixed zero_shard does not divide their DP x CP */
    bool shard_fit;       /* some layout's DP x CP divides by the fixed zero_shard */
    gw_train_eval whole;  /* shard group searched: the best without hybrid sharding */
    bool has_whole;
    struct pend *pend; /* shard trials deferred to the end of the triple (or NULL) */
    int n_pend;
    struct pend *late; /* ... then to the end of the search (survivors of the triple) */
    size_t n_late, cap_late;
    bool late_oom; /* the late list could not grow: trials ran at the triple's end */
    gw_ctx *ctx_a; /* for growing late */
    char pad[TOPK_PAD];
} topk;

static bool same_layout(const gw_train_config *a, const gw_train_config *b)
{
    return a->tp == b->tp && a->pp == b->pp && a->cp == b->cp && a->dp == b->dp && a->ep == b->ep &&
           a->etp == b->etp && a->micro_batch == b->micro_batch && a->vpp == b->vpp &&
           a->precision == b->precision;
}

/* Smaller is better: step time, then memory (ties are broken
 * deterministically by the configuration so results do not depend on the
 * thread schedule). */
static bool better(const gw_train_eval *a, const gw_train_eval *b)
{
    /* Throughput (tokens/s of the job) first: configurations may differ in
     * batch (batch_slack) and GPUs used (max_idle_frac). */
    if (a->tokens_per_s != b->tokens_per_s)
        return a->tokens_per_s > b->tokens_per_s;
    if (a->mem.total_bytes != b->mem.total_bytes)
        return a->mem.total_bytes < b->mem.total_bytes;
    const gw_train_config *x = &a->cfg, *y = &b->cfg;
    int kx[] = {x->tp,      x->pp,
                x->cp,      x->ep,
                x->etp,     x->micro_batch,
                x->vpp,     (int)x->recompute,
                x->zero,    (int)x->precision,
                x->cp_comm, x->pp_first,
                x->pp_last, x->zero_shard};
    int ky[] = {y->tp,      y->pp,
                y->cp,      y->ep,
                y->etp,     y->micro_batch,
                y->vpp,     (int)y->recompute,
                y->zero,    (int)y->precision,
                y->cp_comm, y->pp_first,
                y->pp_last, y->zero_shard};
    for (size_t i = 0; i < sizeof kx / sizeof kx[0]; i++) {
        if (kx[i] != ky[i])
            return kx[i] < ky[i];
    }
    return false;
}

static void topk_add(topk *t, const gw_train_eval *e)
{
    /* One entry per layout: keep the better of configurations that differ
     * only in ZeRO stage or recomputation. */
    for (int i = 0; i < t->n; i++) {
        if (same_layout(&t->e[i].cfg, &e->cfg)) {
            if (!better(e, &t->e[i]))
                return;
            /* Remove i, then insert e below. */
            memmove(&t->e[i], &t->e[i + 1], (size_t)(t->n - i - 1) * sizeof t->e[0]);
            t->n--;
            break;
        }
    }
    if (t->n == t->cap && !better(e, &t->e[t->n - 1]))
        return;
    int pos = t->n < t->cap ? t->n : t->cap - 1;
    while (pos > 0 && better(e, &t->e[pos - 1])) {
        t->e[pos] = t->e[pos - 1];
        pos--;
    }
    t->e[pos] = *e;
    if (t->n < t->cap)
        t->n++;
}

/* Evaluates c into *e and counts it: evaluated, rejected by reason, or
 * feasible and offered to the top-k list. */
static inline void tally(topk *t, const gw__train_pre *P, const gw_train_config *c,
                         gw_train_eval *e)
{
    gw__train_eval(P, c, e);
    t->n_eval++;
    t->n_rej[e->reject]++;
    if (e->reject == GW_TRAIN_OK) {
        t->n_feas++;
        topk_add(t, e);
    }
}

static int pend_cmp(const void *a, const void *b)
{
    const pend *x = a, *y = b;
    if (x->tri != y->tri)
        return x->tri < y->tri ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void run_shards(const gw__train_pre *P, const pend *p, topk *t);

/* The last pass of the shard trials: every thread's survivors, in the
 * order of the triples (so what the bound prunes does not depend on the
 * thread schedule), against the search's list. Frees the late lists. */
static void late_pass(gw_ctx *ctx, const gw__train_pre *P, topk *loc, int nthreads, topk *all)
{
    size_t n = 0;
    for (int i = 0; i < nthreads; i++)
        n += loc[i].n_late;
    pend *v = n > 0 ? gw_malloc(ctx, n * sizeof *v) : NULL;
    size_t k = 0;
    for (int i = 0; i < nthreads; i++) {
        for (size_t j = 0; j < loc[i].n_late; j++) {
            if (v != NULL)
                v[k++] = loc[i].late[j];
            else /* out of memory: in thread order */
                run_shards(P, &loc[i].late[j], all);
        }
        gw_free(ctx, loc[i].late);
        loc[i].late = NULL;
        loc[i].n_late = loc[i].cap_late = 0;
    }
    if (v == NULL)
        return;
    qsort(v, k, sizeof *v, pend_cmp);
    for (size_t j = 0; j < k; j++)
        run_shards(P, &v[j], all);
    gw_free(ctx, v);
}

/* Adds src's entries and counters to dst. */
static void topk_merge(topk *dst, const topk *src)
{
    for (int j = 0; j < src->n; j++)
        topk_add(dst, &src->e[j]);
    dst->n_eval += src->n_eval;
    dst->n_feas += src->n_feas;
    for (int r = 0; r < GW_TRAIN_REJECT_COUNT_; r++)
        dst->n_rej[r] += src->n_rej[r];
    dst->n_rej_shard += src->n_rej_shard;
    dst->shard_fit = dst->shard_fit || src->shard_fit;
    if (src->has_whole && (!dst->has_whole || better(&src->whole, &dst->whole))) {
        dst->whole = src->whole;
        dst->has_whole = true;
    }
}

/* ---- The search ------------------------------------------------------- */

typedef struct triple {
    int tp, cp, pp;
    long long idx; /* position in the list */
} triple;

typedef struct space {
    const gw__train_pre *P;
    const gw_train_opts *o;
    int precs[3];
    int n_precs;
} space;

/* Shard-group candidates of layout c (dp, cp, tp, pp, etp, ep set) under
 * hybrid sharding searched: the DP x CP ranks inside one scale-up domain
 * (L, from the rank order) times 1, 2, 4, 8, each kept when it is at
 * least 2 ranks (1: every rank holds the whole state, ZeRO-0's memory),
 * below the whole group (evaluated as zero_shard 0), divides DP x CP and
 * leaves a replica count that divides the expert-DP group. Largest first
 * (the search stops at the first one memory rejects: a smaller group
 * holds more state per rank). Returns how many. */
static int shard_candidates(const gw__train_pre *P, const gw_train_config *c, int *out)
{
    const int g = c->dp * c->cp;
    const int etp = c->etp > 0 ? c->etp : 1, ep = c->ep > 0 ? c->ep : 1;
    const int edp = g * c->tp / (etp * ep);
    int n = 0;
    if (g < 4)
        return 0;
    int l = gw__train_dp_local(P, c);
    if (l < 1)
        return 0;
    for (int k = SHARD_DOUBLINGS; k >= 0; k--) {
        long long sh = (long long)l << k;
        if (sh < 2 || sh >= g || g % sh != 0 || edp % (g / sh) != 0)
            continue;
        out[n++] = (int)sh;
    }
    return n;
}

/* The shard group changes only the data-parallel collectives, the
 * optimizer's share and the sharded state (step.c): the step cannot get
 * shorter than the whole group's minus its DP time (a smaller group's
 * optimizer step is longer). The bound on the throughput, or 0 when there
 * is no DP time to save. */
static double shard_ub(const gw_train_eval *whole)
{
    const double rest = whole->time.step_s - whole->time.dp_comm_s;
    if (!(whole->time.dp_comm_s > 0))
        return 0.0;
    if (!(rest > 0))
        return HUGE_VAL;
    return whole->tokens_per_s * (whole->time.step_s / rest) * (1.0 + 1e-9);
}

/* Runs the candidates of p unless the bound cannot enter a full top-k
 * list (topk_add would drop them all: exact). Largest group first,
 * stopping at the first memory rejection (the sharded state per rank only
 * grows as the group shrinks). */
static void run_shards(const gw__train_pre *P, const pend *p, topk *t)
{
    if (!(p->ub > 0) || (t->n == t->cap && p->ub < t->e[t->n - 1].tokens_per_s))
        return;
    gw_train_config c = p->c;
    gw_train_eval e;
    for (int i = 0; i < p->n; i++) {
        c.zero_shard = p->shards[i];
        tally(t, P, &c, &e);
        if (e.reject == GW_TRAIN_REJECT_MEMORY)
            break;
    }
}

/* Queues the candidates of c (whole-group version *whole, feasible) for the
 * end of the triple, when the triple's own top-k list is full and the
 * bound prunes best (the list is the triple's alone, so what is pruned,
 * and the evaluation count, do not depend on the thread schedule); a full
 * queue runs them now. */
static void defer_shards(const gw__train_pre *P, const gw_train_config *c,
                         const gw_train_eval *whole, const int *shards, int n, topk *t)
{
    pend p;
    p.c = *c;
    p.ub = shard_ub(whole);
    p.n = n;
    p.tri = 0;
    p.seq = t->n_pend;
    memcpy(p.shards, shards, (size_t)n * sizeof shards[0]);
    if (!(p.ub > 0))
        return;
    if (t->pend != NULL && t->n_pend < PEND_CAP)
        t->pend[t->n_pend++] = p;
    else
        run_shards(P, &p, t);
}

static void search_triple(const space *S, triple tr, topk *t)
{
    const gw__train_pre *P = S->P;
    const gw_train_opts *o = S->o;
    const gw_model *m = P->m;
    int mbs[64], eps[256];
    gw_train_eval e;
    gw_train_config c;

    double model_par = (double)tr.tp * tr.cp * tr.pp;
    double rest = P->N / model_par;
    if (rest < 1)
        return;
    double dpd;
    if (rest == floor(rest)) {
        dpd = rest;
    } else {
        /* The GPU count is not a multiple of tp x cp x pp: leave up to
         * max_idle_frac of the GPUs idle, taking the DP size with the most
         * factors of two in the allowed range (it divides batches best). */
        double hi = floor(rest);
        double lo = ceil(hi * (1.0 - o->max_idle_frac));
        dpd = 0;
        for (double f = exp2(floor(log2(hi))); f >= 1; f /= 2) {
            double x = floor(hi / f) * f;
            if (x >= lo && x >= 1) {
                dpd = x;
                break;
            }
        }
        if (dpd < 1)
            return;
    }
    if (dpd > 2e9)
        return;
    int dp = (int)dpd;
    if (o->dp > 0 && o->dp != dp)
        return;
    /* The batch: exact when given in sequences; a batch given in tokens
     * may move by batch_slack to a multiple of dp. */
    double Bc = P->B;
    if (fmod(Bc, dpd) != 0.0) {
        /* The tolerance is about the batch asked for, not about the
         * rounded one (batch_seqs may already have moved it). */
        double req = o->global_batch_tokens / o->seq_len;
        double alt = floor(Bc / dpd + 0.5) * dpd;
        if (o->global_batch_seqs > 0 || alt < 1 || fabs(alt - req) > o->batch_slack * req) {
            t->n_eval++;
            t->n_rej[GW_TRAIN_REJECT_DIVISIBILITY]++;
            return;
        }
        Bc = alt;
    }
    double per = Bc / dpd;
    int n_mb;
    if (o->micro_batch > 0) {
        mbs[0] = o->micro_batch;
        n_mb = 1;
    } else {
        n_mb = divisors(per, o->max_micro_batch > 0 ? o->max_micro_batch : 8, mbs, 64);
    }
    /* Expert tensor parallelism: fixed, or (MoE models) every divisor of
     * tp; expert parallelism: fixed, or every divisor of the experts that
     * divides the expert group dp x cp x tp / etp. */
    int etps[64], n_etp = 0;
    if (o->etp > 0) {
        etps[n_etp++] = o->etp;
    } else if (m->n_experts > 0) {
        for (int d = 1; d <= tr.tp && n_etp < 64; d++) {
            if (tr.tp % d == 0)
                etps[n_etp++] = d;
        }
    } else {
        etps[n_etp++] = 1;
    }
    int vmax = tr.pp > 1 ? (o->max_vpp > 0 ? o->max_vpp : 8) : 1;
    int vmin = 1;
    if (o->vpp > 0)
        vmin = vmax = o->vpp;
    int rc_lo = o->recompute >= 0 ? o->recompute : 0;
    int rc_hi = o->recompute >= 0 ? o->recompute : 2;
    int z_lo = o->zero >= 0 ? o->zero : 0;
    int z_hi = o->zero >= 0 ? o->zero : 3;
    /* The CP exchange only matters with cp > 1. */
    int x_lo = tr.cp > 1 && o->cp_comm >= 0 ? o->cp_comm : GW_TRAIN_CP_RING;
    int x_hi = tr.cp > 1 ? (o->cp_comm >= 0 ? o->cp_comm : GW_TRAIN_CP_A2A) : GW_TRAIN_CP_RING;

    c.tp = tr.tp;
    c.cp = tr.cp;
    c.pp = tr.pp;
    c.dp = dp;
    c.global_batch_seqs = Bc;
    c.seq_parallel = tr.tp > 1 && o->seq_parallel;
    c.zero_shard = o->zero_shard > 0 ? o->zero_shard : 0;
    const bool shard_any = o->zero_shard == GW_TRAIN_ANY && z_hi >= 1;
    /* A fixed shard group that does not divide this DP x CP: its ZeRO >= 1
     * configurations are rejected (counted for the message). */
    const bool shard_bad = o->zero_shard > 0 && (dp * tr.cp) % o->zero_shard != 0;
    if (o->zero_shard > 0 && !shard_bad)
        t->shard_fit = true;
    for (int it = 0; it < n_etp; it++) {
        int etp = etps[it];
        int n_ep;
        c.etp = etp;
        if (o->ep > 0) {
            eps[0] = o->ep;
            n_ep = 1;
        } else if (m->n_experts > 0) {
            n_ep = 0;
            int lim = dp * tr.cp * tr.tp / etp;
            for (int d = 1; d <= m->n_experts && d <= lim && n_ep < 256; d++) {
                if (m->n_experts % d == 0 && lim % d == 0)
                    eps[n_ep++] = d;
            }
        } else {
            eps[0] = 1;
            n_ep = 1;
        }
        for (int ip = 0; ip < S->n_precs; ip++) {
            c.precision = (gw_precision)S->precs[ip];
            for (int ie = 0; ie < n_ep; ie++) {
                c.ep = eps[ie];
                int shards[MAX_SHARDS];
                int n_sh = shard_any ? shard_candidates(P, &c, shards) : 0;
                for (int im = 0; im < n_mb; im++) {
                    c.micro_batch = mbs[im];
                    for (int v = vmin; v <= vmax; v++) {
                        int spl[MAX_SPLITS][2];
                        int ns =
                            pp_splits(P->L, tr.pp, v, o->pp_first, o->pp_last, spl, MAX_SPLITS);
                        if (ns == 0) {
                            /* No split runs vpp chunks: a fixed vpp is
                             * evaluated once (and rejected), as before. */
                            if (o->vpp <= 0)
                                continue;
                            spl[0][0] = spl[0][1] = 0;
                            ns = 1;
                        }
                        c.vpp = v;
                        for (int is = 0; is < ns; is++) {
                            c.pp_first = spl[is][0];
                            c.pp_last = spl[is][1];
                            for (int r = rc_lo; r <= rc_hi; r++) {
                                c.recompute = (gw_train_recompute)r;
                                for (int z = z_lo; z <= z_hi; z++) {
                                    c.zero = z;
                                    for (int x = x_lo; x <= x_hi; x++) {
                                        c.cp_comm = x;
                                        tally(t, P, &c, &e);
                                        if (e.reject == GW_TRAIN_OK) {
                                            if (shard_any &&
                                                (!t->has_whole || better(&e, &t->whole))) {
                                                t->whole = e;
                                                t->has_whole = true;
                                            }
                                            if (z >= 1 && n_sh > 0)
                                                defer_shards(P, &c, &e, shards, n_sh, t);
                                        } else if (shard_bad && z >= 1 &&
                                                   e.reject == GW_TRAIN_REJECT_DIVISIBILITY) {
                                            t->n_rej_shard++;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    /* The deferred shard trials: those the triple's own full list rules
     * out are dropped (exact: the search's list is at least as good); the
     * rest wait for the last pass (gw_train_plan), against the search's
     * whole-group list. */
    for (int i = 0; i < t->n_pend; i++) {
        const pend *q = &t->pend[i];
        if (t->n == t->cap && q->ub < t->e[t->n - 1].tokens_per_s)
            continue;
        if (t->n_late == t->cap_late && !t->late_oom) {
            size_t nc = t->cap_late ? 2 * t->cap_late : 256;
            pend *g = gw_realloc(t->ctx_a, t->late, nc * sizeof *g);
            if (g == NULL) {
                t->late_oom = true;
            } else {
                t->late = g;
                t->cap_late = nc;
            }
        }
        if (t->late_oom) {
            run_shards(P, q, t);
        } else {
            t->late[t->n_late] = *q;
            t->late[t->n_late].tri = tr.idx;
            t->n_late++;
        }
    }
    t->n_pend = 0;
}

static double now_s(void)
{
    struct timespec ts;
    (void)timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The largest GPU count one synchronous job of B sequences can use at
 * min_mfu or more (docs/models/batch.md): the chosen layout's TP, CP,
 * ETP, precision and recomputation kept; ZeRO (chosen or 3), TP (the chosen one and
 * the powers of two below it), CP (chosen or 1), PP (every count up to
 * the layers), VPP (1; 2 for powers of two and divisors of the layers),
 * DP (every divisor of B, one sequence per
 * micro-batch) and EP (the largest divisor of the experts <= the chosen
 * EP that divides the expert group) re-chosen. *out gets the largest
 * count (ties: higher MFU), gpus_used 0 when none reaches min_mfu;
 * *peak_mfu and *peak_gpus the highest MFU reached and its count. A few
 * thousand evaluations, allocation-free. */
static void feed_scan(const gw__train_pre *P0, const gw_train_config *base, double B,
                      double min_mfu, gw_train_eval *out, double *peak_mfu, double *peak_gpus)
{
    gw__train_pre P = *P0;
    const gw_model *m = P.m;
    memset(out, 0, sizeof *out);
    *peak_mfu = 0;
    *peak_gpus = 0;
    if (!(B >= 1) || B > 1e9)
        return;
    P.B = B;
    P.N = 1e12; /* the count is what is searched */
    gw_train_config c = *base;
    c.global_batch_seqs = B;
    c.micro_batch = 1;
    c.pp_first = c.pp_last = 0; /* the default split of each stage count */
    gw_train_eval e;
    /* TP: the chosen one and the powers of two below it that divide the
     * heads; CP: the chosen one and 1. */
    int tps[8], n_tp = 0;
    for (int t = base->tp; t >= 1 && n_tp < 8; t /= 2) {
        if (m->n_heads % t == 0)
            tps[n_tp++] = t;
        if (t % 2 != 0)
            break;
    }
    int cps[2] = {base->cp, 1};
    int n_cp = base->cp > 1 ? 2 : 1;
    /* ZeRO: the chosen stage and 3 (a smaller job holds more state per GPU). */
    int zs[2] = {base->zero, 3};
    int n_z = base->zero < 3 ? 2 : 1;
    for (int iz = 0; iz < n_z; iz++)
        for (int it = 0; it < n_tp; it++)
            for (int ic = 0; ic < n_cp; ic++)
                for (int pp = 1; pp <= P.L; pp++) {
                    c.zero = zs[iz];
                    /* Every stage count; two virtual stages only for powers of two
                     * and divisors of the layers (a third of the evaluations). */
                    c.tp = tps[it];
                    c.cp = cps[ic];
                    c.seq_parallel = c.tp > 1 && base->seq_parallel;
                    c.etp = base->etp > c.tp ? c.tp : base->etp;
                    while (c.etp > 1 && c.tp % c.etp != 0)
                        c.etp--;
                    if (c.etp < 1)
                        c.etp = 1;
                    int lmax = (P.L + pp - 1) / pp;
                    for (int v = 1;
                         v <= (pp > 1 && ((pp & (pp - 1)) == 0 || P.L % pp == 0) ? 2 : 1); v++) {
                        if (lmax % v != 0)
                            continue;
                        for (double d = 1; d * d <= B; d++) {
                            if (fmod(B, d) != 0.0)
                                continue;
                            for (int k = 0; k < 2; k++) {
                                double dp = k == 0 ? d : B / d;
                                if (k == 1 && dp == d)
                                    break;
                                if (dp > 1e8)
                                    continue;
                                c.pp = pp;
                                c.vpp = v;
                                c.dp = (int)dp;
                                /* The chosen shard group where it divides
                                 * this DP x CP, else the whole group. */
                                c.zero_shard =
                                    base->zero_shard > 0 && (c.dp * c.cp) % base->zero_shard == 0
                                        ? base->zero_shard
                                        : 0;
                                if (m->n_experts > 0) {
                                    long lim = (long)c.dp * c.cp * c.tp / (c.etp > 0 ? c.etp : 1);
                                    int ep = 0;
                                    for (int x = base->ep; x >= 1; x--) {
                                        if (m->n_experts % x == 0 && lim % x == 0) {
                                            ep = x;
                                            break;
                                        }
                                    }
                                    if (ep < 1)
                                        continue;
                                    c.ep = ep;
                                }
                                gw__train_eval(&P, &c, &e);
                                if (e.reject != GW_TRAIN_OK)
                                    continue;
                                if (e.mfu > *peak_mfu ||
                                    (e.mfu == *peak_mfu && e.gpus_used > *peak_gpus)) {
                                    *peak_mfu = e.mfu;
                                    *peak_gpus = e.gpus_used;
                                }
                                if (e.mfu >= min_mfu &&
                                    (e.gpus_used > out->gpus_used ||
                                     (e.gpus_used == out->gpus_used && e.mfu > out->mfu)))
                                    *out = e;
                            }
                        }
                    }
                }
}

gw_status gw_train_eval_config(const gw_model *m, const gw_accel *a, const gw_train_topo *topo,
                               const gw_train_params *p, const gw_train_comm_model *comm,
                               const gw_train_config *cfg, double seq_len, double global_batch_seqs,
                               gw_train_eval *out, gw_error *err)
{
    gw__train_pre P;
    if (m == NULL || a == NULL || topo == NULL || p == NULL || cfg == NULL || out == NULL ||
        !(seq_len > 0) || !(global_batch_seqs > 0) || m->n_layers < 1 || m->hidden < 1 ||
        m->n_heads < 1)
        return gw__err(err, GW_EINVAL, "gw_train_eval_config: bad argument");
    if (cfg->tp < 1 || cfg->pp < 1 || cfg->dp < 1 || cfg->cp < 1 || cfg->ep < 1 || cfg->vpp < 1 ||
        cfg->micro_batch < 1 || cfg->zero < 0 || cfg->zero > 3)
        return gw__err(err, GW_EINVAL, "gw_train_eval_config: configuration sizes must be >= 1");
    double n = (double)cfg->tp * cfg->pp * cfg->dp * cfg->cp;
    gw__train_pre_init(&P, m, a, topo, p, comm ? comm : gw_train_comm_alphabeta(), seq_len,
                       global_batch_seqs, n);
    gw__train_eval(&P, cfg, out);
    return GW_OK;
}

/* Global batch in sequences. A batch given in tokens ("16M") is rarely an
 * exact number of sequences with useful divisors (16e6 / 8192 = 1953.1):
 * within +-5% of it, take the sequence count with the largest power-of-two
 * factor (then the closest), e.g. 2048 sequences = 16.8M tokens, which is
 * what a "16M-token batch" means in practice (Llama 3, section 3.3). */
static double batch_seqs(const gw_train_opts *o)
{
    if (o->global_batch_seqs > 0)
        return o->global_batch_seqs;
    double target = o->global_batch_tokens / o->seq_len;
    double lo = ceil(target * (1.0 - o->batch_slack)), hi = floor(target * (1.0 + o->batch_slack));
    if (!(target >= 1) || hi < lo || hi - lo > 1e7)
        return floor(target + 0.5);
    double best = floor(target + 0.5);
    double best_f = 0;
    for (double x = lo; x <= hi; x += 1.0) {
        double f = 1;
        while (fmod(x, 2.0 * f) == 0.0)
            f *= 2.0;
        if (f > best_f || (f == best_f && fabs(x - target) < fabs(best - target))) {
            best_f = f;
            best = x;
        }
    }
    return best < 1 ? 1 : best;
}

gw_status gw_train_rank_order_parse(const char *s, gw_error *err)
{
    int order[GW__RANK_DIMS];
    char why[200];
    if (!gw__rank_order_parse(s, order, why, sizeof why))
        return gw__err(err, GW_ESCHEMA, "%s", why);
    return GW_OK;
}

static gw_status check_opts(const gw_model *m, const gw_accel *a, const gw_train_opts *o,
                            gw_error *err)
{
    if (m == NULL || a == NULL || o == NULL)
        return gw__err(err, GW_EINVAL, "gw_train_plan: model, accelerator and options required");
    if (m->n_layers < 1 || m->hidden < 1 || m->n_heads < 1 || m->vocab < 1)
        return gw__err(err, GW_EINVAL, "model %s has a non-positive size", m->name);
    if (!(o->n_gpus >= 1) || o->n_gpus != floor(o->n_gpus) || o->n_gpus > 1e9)
        return gw__err(err, GW_EINVAL,
                       "GPU count must be a whole number between 1 and 1e9 inclusive, got %.15g",
                       o->n_gpus); /* %g would show 1000000.5 as 1e+06 */
    if (!(o->seq_len >= 1) || o->seq_len > 1e8)
        return gw__err(err, GW_EINVAL, "sequence length must be positive, got %g", o->seq_len);
    double seqs = batch_seqs(o);
    if (!(seqs >= 1)) {
        /* An input error, not a caller bug: a batch below one sequence. */
        gw__err_loc(err, NULL, 0, 0,
                    o->global_batch_seqs > 0 ? "global_batch_seqs" : "global_batch_tokens");
        if (o->global_batch_seqs > 0)
            return gw__err(err, GW_ERANGE,
                           "the global batch (%g sequences) holds no whole "
                           "sequence",
                           o->global_batch_seqs);
        return gw__err(err, GW_ERANGE,
                       "the global batch (%g tokens) is smaller than one sequence (%g tokens)",
                       o->global_batch_tokens, o->seq_len);
    }
    if (o->rank_order && o->rank_order[0]) {
        gw_status rc = gw_train_rank_order_parse(o->rank_order, err);
        if (rc != GW_OK) {
            gw__err_loc(err, NULL, 0, 0, "rank_order");
            return rc;
        }
    }
    if (o->top_k < 0 || o->top_k > GW_TRAIN_MAX_TOP)
        return gw__err(err, GW_EINVAL, "top_k must be between 0 and %d", GW_TRAIN_MAX_TOP);
    if (o->zero_shard < 0 && o->zero_shard != GW_TRAIN_ANY) {
        gw__err_loc(err, NULL, 0, 0, "zero_shard");
        return gw__err(err, GW_ERANGE,
                       "the ZeRO shard group must be >= 1 rank (0: the whole "
                       "data-parallel group; GW_TRAIN_ANY: searched), got %d",
                       o->zero_shard);
    }
    if (o->zero > 3 || o->recompute > 2 || o->precision >= GW_PREC_COUNT || o->cp_comm > 2 ||
        o->cp_comm < GW_TRAIN_ANY || o->fp8_recipe < 0 || o->fp8_recipe > 1 || o->dp_sync < 0 ||
        o->dp_sync > 2)
        return gw__err(err, GW_EINVAL,
                       "zero must be 0..3, recompute 0..2, cp_comm 0..2, fp8_recipe 0..1, "
                       "dp_sync 0..2");
    /* A fixed stage split (where: "pp_first" / "pp_last", which callers
     * rename to their flag or key). */
    const int L = m->n_layers;
    const int fl[2] = {o->pp_first, o->pp_last};
    static const char *const fn[2] = {"pp_first", "pp_last"};
    static const char *const fs[2] = {"first", "last"};
    for (int i = 0; i < 2; i++) {
        if (fl[i] == GW_TRAIN_ANY || fl[i] == 0)
            continue;
        if (fl[i] < 1 || fl[i] >= L) {
            gw__err_loc(err, NULL, 0, 0, fn[i]);
            return gw__err(err, GW_ERANGE,
                           "layers on the %s pipeline stage must be between 1 and %d (%s has %d "
                           "layers and at least two stages), got %d",
                           fs[i], L - 1, m->name, L, fl[i]);
        }
        if (o->pp == 1) {
            gw__err_loc(err, NULL, 0, 0, fn[i]);
            return gw__err(err, GW_ERANGE,
                           "layers on the %s pipeline stage need pipeline parallelism (pp >= 2), "
                           "but pp is 1",
                           fs[i]);
        }
    }
    if (fl[0] > 0 && fl[1] > 0 && fl[0] + fl[1] > L) {
        gw__err_loc(err, NULL, 0, 0, fn[0]);
        return gw__err(err, GW_ERANGE,
                       "%d + %d layers on the first and last pipeline stages exceed the %d layers "
                       "of %s",
                       fl[0], fl[1], L, m->name);
    }
    if ((fl[0] > 0 || fl[1] > 0) && o->pp > 1) {
        gw_train_config c;
        int s1, s2, s3;
        memset(&c, 0, sizeof c);
        c.pp = o->pp;
        c.vpp = 1;
        c.pp_first = fl[0] > 0 ? fl[0] : 0;
        c.pp_last = fl[1] > 0 ? fl[1] : 0;
        bool any = false;
        /* Some split with these counts must exist (vpp is checked by the
         * search: interleaving may still rule it out). */
        int spl[MAX_SPLITS][2];
        any = pp_splits(L, o->pp, 1, c.pp_first, c.pp_last, spl, MAX_SPLITS) > 0 ||
              gw_train_pp_split(L, &c, &s1, &s2, &s3);
        if (!any) {
            char what[96];
            if (fl[0] > 0 && fl[1] > 0)
                gw__snprintf(what, sizeof what, "%d layers on the first stage and %d on the last",
                             fl[0], fl[1]);
            else
                gw__snprintf(what, sizeof what, "%d layers on the %s stage",
                             fl[0] > 0 ? fl[0] : fl[1], fl[0] > 0 ? "first" : "last");
            gw__err_loc(err, NULL, 0, 0, fl[0] > 0 ? fn[0] : fn[1]);
            return gw__err(err, GW_ERANGE,
                           "no split of the %d layers of %s over %d pipeline stages has %s "
                           "(each of the %d middle stages needs at least one layer)",
                           L, m->name, o->pp, what, o->pp - 2);
        }
    }
    return GW_OK;
}

/* A software fact the user did not state is not read one way silently:
 * the best configuration is re-timed under every combination of the other
 * readings, and the interval stretched to cover the fastest and slowest
 * (a fact a model profile sets is known). Readings the memory model
 * rejects are skipped: that software could not run the layout. */
static void widen_for_unknown_facts(const gw__train_pre *P, const gw_train_opts *o,
                                    gw_train_result *out)
{
    unsigned unknown = o->unknown_facts & (GW_TRAIN_FACT_CUDA_GRAPHS | GW_TRAIN_FACT_FP8_RECIPE);
    if (P->fp8_recipe != o->fp8_recipe)
        unknown &= ~(unsigned)GW_TRAIN_FACT_FP8_RECIPE;
    double tb = out->best.time.step_s;
    out->unknown_facts = unknown;
    out->facts_step_lo_s = out->facts_step_hi_s = tb;
    if (unknown == 0 || !(tb > 0))
        return;
    double tmin = tb, tmax = tb;
    for (unsigned mask = 1; mask <= unknown; mask++) {
        if ((mask & ~unknown) != 0)
            continue;
        gw__train_pre P2 = *P;
        if (mask & GW_TRAIN_FACT_CUDA_GRAPHS)
            P2.cuda_graphs = !P->cuda_graphs;
        if (mask & GW_TRAIN_FACT_FP8_RECIPE)
            P2.fp8_recipe =
                P->fp8_recipe == GW_TRAIN_FP8_TENSOR ? GW_TRAIN_FP8_BLOCK : GW_TRAIN_FP8_TENSOR;
        gw_train_eval e2;
        gw__train_eval(&P2, &out->best.cfg, &e2);
        if (e2.reject != GW_TRAIN_OK || !(e2.time.step_s > 0))
            continue;
        double t = e2.time.step_s;
        if (fabs(t / tb - 1.0) > 1e-3)
            out->facts_moved |= mask;
        tmin = t < tmin ? t : tmin;
        tmax = t > tmax ? t : tmax;
    }
    out->facts_step_lo_s = tmin;
    out->facts_step_hi_s = tmax;
    if (out->interval_level > 0) {
        out->interval_lo_factor *= tmin / tb;
        out->interval_hi_factor *= tmax / tb;
    }
}

/* The ZeRO shard group of e: its rank count, 0 without ZeRO. */
static int shard_of(const gw_train_eval *e)
{
    const int g = e->cfg.dp * e->cfg.cp;
    if (e->cfg.zero < 1)
        return 0;
    return e->cfg.zero_shard > 0 && e->cfg.zero_shard < g ? e->cfg.zero_shard : g;
}

/* An alternative that loses on DP communication or the optimizer with
 * another shard group than the best's: the why text says both groups. */
static void why_shard(const gw_train_eval *best, gw_train_eval *alt)
{
    int sb = shard_of(best), sa = shard_of(alt);
    bool hb = sb > 0 && sb < best->cfg.dp * best->cfg.cp;
    bool ha = sa > 0 && sa < alt->cfg.dp * alt->cfg.cp;
    if (!(hb || ha) || sa == sb || (!strstr(alt->why, "DP comm") && !strstr(alt->why, "optimizer")))
        return;
    size_t k = strlen(alt->why);
    char a[40], b[40];
    if (ha)
        gw__snprintf(a, sizeof a, "shard %d of %d", sa, alt->cfg.dp * alt->cfg.cp);
    else if (sa > 0)
        gw__snprintf(a, sizeof a, "ZeRO over all %d", sa);
    else
        gw__snprintf(a, sizeof a, "no ZeRO");
    if (hb)
        gw__snprintf(b, sizeof b, "shard %d of %d", sb, best->cfg.dp * best->cfg.cp);
    else if (sb > 0)
        gw__snprintf(b, sizeof b, "ZeRO over all %d", sb);
    else
        gw__snprintf(b, sizeof b, "no ZeRO");
    gw__snprintf(alt->why + k, sizeof alt->why - k, " (%s; best: %s)", a, b);
}

/* Nothing feasible: the rejection reasons by count, most common first,
 * each named ("412 rejected for divisibility (zero_shard 7 divides no
 * DP x CP group), 20 for memory"). A fixed shard group behind every
 * divisibility rejection sets err->where "zero_shard" (callers rename it
 * to their flag or key). */
static gw_status infeasible_err(const topk *all, const gw_model *m, const gw_accel *a,
                                const gw_train_opts *o, gw_error *err)
{
    char why[512] = "";
    bool done[GW_TRAIN_REJECT_COUNT_] = {false};
    const bool shard_none = o->zero_shard > 0 && !all->shard_fit && all->n_rej_shard > 0;
    for (int n = 0; n < GW_TRAIN_REJECT_COUNT_; n++) {
        int r = -1;
        for (int i = 1; i < GW_TRAIN_REJECT_COUNT_; i++) {
            if (!done[i] && all->n_rej[i] > 0 && (r < 0 || all->n_rej[i] > all->n_rej[r]))
                r = i;
        }
        if (r < 0)
            break;
        done[r] = true;
        size_t k = strlen(why);
        gw__snprintf(why + k, sizeof why - k, "%s%llu %s%s", k ? ", " : "",
                     (unsigned long long)all->n_rej[r], k ? "for " : "rejected for ",
                     gw__train_reject_name((gw_train_reject)r));
        k = strlen(why);
        if (r == GW_TRAIN_REJECT_DIVISIBILITY && shard_none)
            gw__snprintf(why + k, sizeof why - k, " (zero_shard %d divides no DP x CP group)",
                         o->zero_shard);
        else if (r == GW_TRAIN_REJECT_DIVISIBILITY && all->n_rej_shard > 0)
            gw__snprintf(why + k, sizeof why - k,
                         " (%llu of them: zero_shard %d does not divide their DP x CP)",
                         (unsigned long long)all->n_rej_shard, o->zero_shard);
    }
    if (shard_none)
        gw__err_loc(err, NULL, 0, 0, "zero_shard");
    return gw__err(err, GW_EINFEASIBLE, "no configuration of %s on %g %s %s (%llu evaluated): %s",
                   m->name, o->n_gpus, a->name,
                   all->n_rej[GW_TRAIN_REJECT_MEMORY] == all->n_eval ? "fits in memory"
                                                                     : "is feasible",
                   (unsigned long long)all->n_eval, why);
}

gw_status gw_train_plan(gw_ctx *ctx, const gw_catalog *cat, const gw_model *m, const gw_accel *a,
                        const gw_system *sys, const gw_train_opts *o, gw_train_result *out,
                        gw_error *err)
{
    gw_train_params lp, lpm;
    const gw_train_params *p;
    gw_train_topo topo;
    gw__train_pre P;
    space S;
    triple *tri = NULL;
    topk *tks = NULL;
    gw_status rc;
    int divs[MAX_DIV];

    if (ctx == NULL || out == NULL)
        return gw__err(err, GW_EINVAL, "gw_train_plan: context and result required");
    rc = check_opts(m, a, o, err);
    if (rc != GW_OK)
        return rc;
    p = o->params;
    if (p == NULL) {
        rc = gw_train_params_load(ctx, o->data_dir, &lp, err);
        if (rc != GW_OK)
            return rc;
        p = &lp;
    }
    const gw_train_comm_model *comm = o->comm ? o->comm : gw_train_comm_alphabeta();
    gw_train_topo_for(cat, a, sys, p, &topo);
    if (o->scaleout_Bps > 0)
        topo.scaleout_Bps = o->scaleout_Bps;
    /* The critical (compute-optimal) batch of the run's compute
     * (docs/models/batch.md); batch_critical raises a smaller batch to it.
     * The tolerance then moves the batch down only: the target is set
     * bound / (1 + slack), so no rounding reaches past the bound. */
    gw_train_opts oc = *o;
    double crit_tokens = 0, crit_c = 0;
    bool crit_raised = false;
    if (o->tokens > 0 && p->crit_batch_coef > 0) {
        gw_train_flops f1;
        gw_train_flops_compute(m, o->seq_len, 1.0, GW_TRAIN_RECOMPUTE_NONE, &f1);
        crit_c = f1.per_token_model * o->tokens;
        crit_tokens = p->crit_batch_coef * pow(crit_c, p->crit_batch_exp);
        double asked =
            o->global_batch_seqs > 0 ? o->global_batch_seqs * o->seq_len : o->global_batch_tokens;
        if (o->batch_critical && crit_tokens > asked &&
            crit_tokens / (1.0 + o->batch_slack) >= o->seq_len) {
            oc.global_batch_seqs = 0;
            oc.global_batch_tokens = crit_tokens / (1.0 + o->batch_slack);
            crit_raised = true;
        }
    }
    double req_user = o->global_batch_seqs > 0 ? o->global_batch_seqs
                                               : floor(o->global_batch_tokens / o->seq_len + 0.5);
    o = &oc;
    double seqs = batch_seqs(o);
    /* MoE load: the busiest expert's tokens over the mean. Options override
     * the data/train.yaml default; a capacity factor drops the tokens above
     * capacity (no padding), so the load is at most the factor. */
    lpm = *p;
    if (o->moe_imbalance >= 1.0)
        lpm.moe_imbalance = o->moe_imbalance;
    if (o->moe_capacity_factor > 0 && lpm.moe_imbalance > o->moe_capacity_factor)
        lpm.moe_imbalance = o->moe_capacity_factor < 1.0 ? 1.0 : o->moe_capacity_factor;
    p = &lpm;
    gw__train_pre_init(&P, m, a, &topo, p, comm, o->seq_len, seqs, o->n_gpus);
    P.flash = o->flash_attention;
    P.tp_overlap = o->tp_comm_overlap;
    if (o->grad_bytes_per_param > 0)
        P.grad_bytes = o->grad_bytes_per_param;
    P.dualpipe = o->dualpipe;
    {
        char why[8];
        (void)gw__rank_order_parse(o->rank_order, P.order, why, sizeof why); /* checked above */
    }
    P.node_limit = o->moe_node_limit;
    P.fp8_dispatch = o->fp8_dispatch;
    P.ep_dedup = o->moe_dedup_dispatch;
    P.fp8_grouped_native = o->fp8_grouped_native;
    P.cuda_graphs = o->cuda_graphs;
    P.a2a_overlap = o->moe_a2a_overlap;
    P.fp8_recipe = o->fp8_recipe;
    P.dp_sync = o->dp_sync;
    for (size_t i = 0; !o->ignore_model_profile && i < p->n_model_profiles; i++) {
        if (m->model_type != NULL &&
            gw__streq_nocase(m->model_type, p->model_profile[i].model_type)) {
            P.dualpipe = P.dualpipe || p->model_profile[i].dualpipe;
            P.fp8_dispatch = P.fp8_dispatch || p->model_profile[i].fp8_dispatch;
            P.fp8_grouped_native = P.fp8_grouped_native || p->model_profile[i].fp8_grouped_native;
            if (P.node_limit == 0)
                P.node_limit = p->model_profile[i].moe_node_limit;
            if (p->model_profile[i].fp8_recipe != GW_TRAIN_FP8_TENSOR)
                P.fp8_recipe = p->model_profile[i].fp8_recipe;
        }
    }
    double t0 = now_s();

    memset(out, 0, sizeof *out);
    out->model = m->name;
    out->accel = a->name;
    out->n_gpus = o->n_gpus;
    out->seq_len = o->seq_len;
    out->global_batch_seqs = seqs;
    out->tokens_per_step = seqs * o->seq_len;
    out->topo = topo;
    out->comm_model = comm->name;
    for (int i = 0; i < GW__RANK_DIMS; i++) {
        if (i)
            gw__strlcpy(out->rank_order + strlen(out->rank_order), "-", 2);
        gw__strlcpy(out->rank_order + strlen(out->rank_order), gw__rank_dims[P.order[i]], 3);
    }
    out->dualpipe = P.dualpipe;
    out->moe_node_limit = P.node_limit;
    out->fp8_dispatch = P.fp8_dispatch;
    out->fp8_grouped_native = P.fp8_grouped_native;
    out->moe_dedup_dispatch = P.ep_dedup;
    out->cuda_graphs = P.cuda_graphs;
    out->fp8_recipe = P.fp8_recipe;
    out->model_def = m;
    out->accel_def = a;
    out->moe_capacity_factor = o->moe_capacity_factor;
    out->tp_comm_overlap = o->tp_comm_overlap;
    out->moe_a2a_overlap = o->moe_a2a_overlap;
    out->dp_sync = o->dp_sync;

    S.P = &P;
    S.o = o;
    S.n_precs = 0;
    if (o->precision >= 0) {
        S.precs[S.n_precs++] = o->precision;
    } else {
        static const int cand[] = {GW_PREC_BF16, GW_PREC_FP8, GW_PREC_FP4};
        for (size_t i = 0; i < 3; i++) {
            if (a->peak_flops[cand[i]] > 0)
                S.precs[S.n_precs++] = cand[i];
        }
    }

    /* Outer triples (tp, cp, pp). */
    int ntp = 0, ncp = 0, npp = 0;
    int tps[64], cps[64], pps[MAX_DIV];
    if (o->tp > 0) {
        tps[ntp++] = o->tp;
    } else {
        int k = divisors(o->max_idle_frac > 0 ? (double)m->n_heads : o->n_gpus, topo.scaleup_domain,
                         divs, MAX_DIV);
        for (int i = 0; i < k && ntp < 64; i++) {
            if (m->n_heads % divs[i] == 0)
                tps[ntp++] = divs[i];
        }
    }
    if (o->cp > 0) {
        cps[ncp++] = o->cp;
    } else {
        /* Powers of two up to 64 that leave every CP rank at least
         * cp_min_tokens_per_rank tokens (data/train.yaml: CP is a
         * long-context technique) in 2 cp chunks (load-balanced causal CP). */
        for (int c = 1; c <= 64 && ncp < 64; c *= 2) {
            if (c == 1 || (fmod(o->seq_len, 2.0 * c) == 0 && o->seq_len / c >= p->cp_min_tokens))
                cps[ncp++] = c;
        }
    }
    if (o->pp > 0) {
        pps[npp++] = o->pp;
    } else if (o->max_idle_frac > 0) {
        /* Idle GPUs allowed: any stage count up to the layer count. */
        for (int k = 1; k <= m->n_layers && npp < MAX_DIV; k++)
            pps[npp++] = k;
    } else {
        npp = divisors(o->n_gpus, m->n_layers, pps, MAX_DIV);
    }
    size_t ntri = (size_t)ntp * (size_t)ncp * (size_t)npp;
    if (ntri == 0)
        ntri = 1;
    tri = gw_malloc(ctx, ntri * sizeof *tri);
    if (tri == NULL)
        return gw__err(err, GW_ENOMEM, "out of memory");
    size_t nt = 0;
    for (int i = 0; i < ntp; i++)
        for (int j = 0; j < ncp; j++)
            for (int k = 0; k < npp; k++) {
                tri[nt].tp = tps[i];
                tri[nt].cp = cps[j];
                tri[nt].pp = pps[k];
                tri[nt].idx = (long long)nt;
                nt++;
            }

    int nthreads = gw_ctx_threads(ctx);
#ifdef _OPENMP
    if (nthreads <= 0)
        nthreads = omp_get_max_threads();
#endif
    if (nthreads <= 0)
        nthreads = 1;
    if ((size_t)nthreads > nt && nt > 0)
        nthreads = (int)nt;
    /* Shard group searched: a second list per thread (per_triple below). */
    const bool per_triple = o->zero_shard == GW_TRAIN_ANY;
    tks = gw_calloc(ctx, (size_t)nthreads * (per_triple ? 2 : 1), sizeof *tks);
    pend *pends = per_triple ? gw_malloc(ctx, (size_t)nthreads * PEND_CAP * sizeof *pends) : NULL;
    if (tks == NULL || (per_triple && pends == NULL)) {
        gw_free(ctx, tks);
        gw_free(ctx, tri);
        return gw__err(err, GW_ENOMEM, "out of memory");
    }
    for (int i = 0; per_triple && i < nthreads; i++) {
        tks[nthreads + i].pend = pends + (size_t)i * PEND_CAP;
        tks[nthreads + i].ctx_a = ctx;
    }
    int cap = o->top_k + 1;
    if (cap > GW_TRAIN_MAX_TOP + 1)
        cap = GW_TRAIN_MAX_TOP + 1;
    for (int i = 0; i < nthreads; i++)
        tks[i].cap = cap;

    long long ntri_ll = (long long)nt;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(nthreads)
#endif
    for (long long i = 0; i < ntri_ll; i++) {
        int th = 0;
#ifdef _OPENMP
        th = omp_get_thread_num();
#endif
        if (per_triple) {
            /* A fresh list per triple: the shard pruning then depends on
             * the triple alone, so the evaluation count does not depend
             * on the thread schedule. */
            topk *loc = &tks[nthreads + th];
            loc->n = 0; /* the entries are not read before they are written */
            loc->cap = cap;
            loc->n_eval = loc->n_feas = loc->n_rej_shard = 0;
            memset(loc->n_rej, 0, sizeof loc->n_rej);
            loc->shard_fit = loc->has_whole = false;
            loc->n_pend = 0;
            search_triple(&S, tri[i], loc);
            topk_merge(&tks[th], loc);
        } else {
            search_triple(&S, tri[i], &tks[th]);
        }
    }

    /* Merge. */
    topk all;
    memset(&all, 0, sizeof all);
    all.cap = cap;
    for (int i = 0; i < nthreads; i++)
        topk_merge(&all, &tks[i]);
    if (per_triple)
        late_pass(ctx, &P, tks + nthreads, nthreads, &all);
    gw_free(ctx, tks);
    gw_free(ctx, pends);
    gw_free(ctx, tri);

    out->n_evaluated = all.n_eval;
    out->n_feasible = all.n_feas;
    memcpy(out->n_rejected, all.n_rej, sizeof out->n_rejected);
    out->search_wall_s = now_s() - t0;
    if (all.n == 0) {
        if (all.n_eval == 0)
            return gw__err(err, GW_EINFEASIBLE,
                           "no parallel configuration divides %g GPUs for %s (check the fixed "
                           "dimensions and the global batch)",
                           o->n_gpus, m->name);
        return infeasible_err(&all, m, a, o, err);
    }
    out->best = all.e[0];
    out->n_top = (size_t)(all.n - 1);
    for (int i = 1; i < all.n; i++) {
        out->top[i - 1] = all.e[i];
        gw__train_why(&out->best, &out->top[i - 1]);
        why_shard(&out->best, &out->top[i - 1]);
    }
    if (all.has_whole && out->best.cfg.zero >= 1 && out->best.cfg.zero_shard > 0) {
        out->shard_whole = all.whole;
        gw__train_why(&out->best, &out->shard_whole);
    }
    out->global_batch_seqs = out->best.cfg.global_batch_seqs;
    out->tokens_per_step = out->global_batch_seqs * o->seq_len;
    out->requested_batch_seqs = req_user;
    out->batch_slack = o->batch_slack;
    out->max_idle_frac = o->max_idle_frac;
    gw_train_flops_compute(m, o->seq_len, out->global_batch_seqs, out->best.cfg.recompute,
                           &out->flops);
    if (p->interval_level > 0) {
        double z = gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * p->interval_level);
        out->interval_level = p->interval_level;
        out->interval_lo_factor = exp(p->interval_log_mean - z * p->interval_log_sd);
        out->interval_hi_factor = exp(p->interval_log_mean + z * p->interval_log_sd);
    }
    widen_for_unknown_facts(&P, o, out);
    out->critical_batch_tokens = crit_tokens;
    out->critical_compute_flop = crit_c;
    out->critical_in_range = crit_c >= p->crit_batch_cmin && crit_c <= p->crit_batch_cmax;
    out->batch_raised = crit_raised;
    if (o->feed_min_mfu > 0) {
        out->feed_min_mfu = o->feed_min_mfu;
        feed_scan(&P, &out->best.cfg, out->global_batch_seqs, o->feed_min_mfu, &out->feed,
                  &out->feed_peak_mfu, &out->feed_peak_gpus);
        if (crit_tokens >= o->seq_len) {
            /* Within the batch tolerance below the bound, the count with
             * the most factors of two (as batch_seqs does). */
            double hi = floor(crit_tokens / o->seq_len);
            double lo = ceil(hi * (1.0 - o->batch_slack));
            double cs = hi, best_f = 0;
            for (double x = hi; x >= lo && x >= 1 && hi - x < 1e6; x -= 1.0) {
                double f = 1;
                while (fmod(x, 2.0 * f) == 0.0)
                    f *= 2.0;
                if (f > best_f) {
                    best_f = f;
                    cs = x;
                }
            }
            out->feed_crit_batch_seqs = cs;
            feed_scan(&P, &out->best.cfg, cs, o->feed_min_mfu, &out->feed_crit,
                      &out->feed_crit_peak_mfu, &out->feed_crit_peak_gpus);
        }
    }
    if (o->tokens > 0) {
        out->run_tokens = o->tokens;
        out->run_s = o->tokens / out->best.tokens_per_s;
        out->gpu_hours = out->run_s * o->n_gpus / 3600.0;
        out->gpu_energy_j = out->run_s * o->n_gpus * a->tdp_w;
        for (size_t i = 0; i < p->n_published; i++) {
            if (gw__streq_nocase(p->published[i].model, m->name) &&
                gw__streq_nocase(p->published[i].accel, a->name))
                out->published_gpu_hours =
                    p->published[i].gpu_hours * o->tokens / p->published[i].tokens;
        }
        if (out->published_gpu_hours > 0 && out->best.cfg.recompute == GW_TRAIN_RECOMPUTE_FULL) {
            /* The published run may have used a lighter recomputation than
             * the memory model allows: the same layout with selective
             * (module) recomputation, memory check ignored, bounds it. */
            gw_train_config c2 = out->best.cfg;
            gw_train_eval e2;
            c2.recompute = GW_TRAIN_RECOMPUTE_SELECTIVE;
            gw__train_eval(&P, &c2, &e2);
            if ((e2.reject == GW_TRAIN_OK || e2.reject == GW_TRAIN_REJECT_MEMORY) &&
                e2.tokens_per_s > 0) {
                out->gpu_hours_selective = o->tokens / e2.tokens_per_s * o->n_gpus / 3600.0;
                out->selective_mem_bytes = e2.mem.total_bytes;
            }
        }
    }
    return GW_OK;
}
