/* SPDX-License-Identifier: MIT */
/*
 * comm.c: the network model in the training search and the re-timing of a
 * training step.
 *
 * Search (gw_net_comm_model): the alpha-beta model of src/train/comm.c with
 * the scale-out bandwidth divided by a slowdown >= 1 from the fluid fat
 * tree's bottleneck bound, every group of the kind running at once. For a
 * group of n ranks s GPUs apart (block s n), a tier-t unit of G_t GPUs
 * whose uplinks give each GPU NIC (1 - f_t) / O_t (O_t the cumulative
 * oversubscription up to tier t, f_t the fraction of its links down):
 *   ring-like traffic (ring, p2p): the fraction of GPUs whose next member
 *     is outside the unit is delta = min(1, s' / G_t) when s n > G_t (s'
 *     the members' spacing across domains), else 0;
 *   all-to-all: the fraction of the network traffic that leaves the unit
 *     is (n - m_t) / (n - n_local), m_t the members inside the unit;
 *   slowdown = max(1, max_t delta_t O_t / (1 - f_t)), the same with the
 *     building's campus link (GPUs x NIC over its bandwidth), and x planes /
 *     planes up for failed planes.
 * On a non-blocking fabric with one building the slowdown is 1 and the
 * model equals the alpha-beta model exactly. It is a bound, not a
 * simulation: gw_net_step re-times the chosen configuration with the flow
 * solver and reports the difference.
 *
 * The search evaluates millions of configurations but only hundreds to a
 * few thousand distinct groups (n, n_local, stride; the default 1M-GPU
 * search: 6,652): everything above that does not depend on the bytes (the
 * slowdowns, which in-network reduction applies, its NIC leg's slowdown,
 * the alpha-beta model's logarithms) is computed once per group and per
 * comm model (one search) into a table (nc_lookup), and each call pays a
 * lookup plus the bytes' arithmetic. The table is filled lazily and lock-free; its
 * answers are bit-identical to the formulas (nc_*_ref, kept as the
 * reference; tests/unit/test_net_cache.c compares them).
 */
#include "net_internal.h"

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core_internal.h"
#include "train/train_internal.h"

/* One group's byte-independent terms (the key: n, n_local, stride; the
 * group's kind does not enter the formulas): the slowdowns of ring-like
 * traffic, all-to-all and pipeline sends; innet: which in-network
 * reduction innet_s would take (NC_INNET_*), cm its ranks per domain,
 * sharp_slow its NIC leg's slowdown; and the alpha-beta model's own. */
enum { NC_INNET_NONE = 0, NC_INNET_NVLS, NC_INNET_SHARP };
typedef struct nc_entry {
    atomic_uint state; /* NC_EMPTY, NC_FILLING, NC_READY */
    int n, n_local, stride;
    double ring_slow, a2a_slow, sr_slow;
    int innet, cm;
    double sharp_slow;
    gw__train_ab_terms ab; /* the alpha-beta model's terms of the group */
} nc_entry;

/* The table: open addressing, NC_PROBES slots from the key's hash. A
 * slot is claimed by one thread (compare-and-swap EMPTY -> FILLING),
 * filled, then published (READY, release); readers read a READY slot
 * only (acquire), and a slot once READY never changes. A thread that
 * finds its key being filled, or no free slot, computes the terms itself
 * for that call: nothing waits. */
enum { NC_SLOTS = 16384, NC_PROBES = 8 };
enum { NC_EMPTY = 0, NC_FILLING, NC_READY };
/* The table starts as gw_calloc's zero bytes, EMPTY, without a pass of
 * atomic_init over its 1.5 MB (pages a small search never touches stay
 * unmapped): a lock-free atomic_uint is a plain unsigned. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the table needs lock-free atomic_uint");

struct gw_net_comm {
    gw_ctx *ctx;
    const gw_net_topo *t;
    double job;
    gw_train_comm_model model;
    /* Units the job outgrows (tiers, then the building) and the GPU-
     * normalised uplink ratio O_t / (1 - f_t) of each, precomputed: the
     * search calls slowdown() ~10^7 times a second. */
    int nu;
    double units[GW_NET_MAX_TIERS + 2], ratio[GW_NET_MAX_TIERS + 2];
    double plane_factor;
    /* In-network reduction where the hardware has it (0: none): NVLS in
     * the NVLink domain, SHARP in the scale-out switches. */
    double nvls_eff, nvls_lat, sharp_eff;
    int dom;
    double p2p_slow; /* a pipeline send across domains (nc_p2p) */
    nc_entry cache[NC_SLOTS];
};

static double cum_oversub(const gw_net_topo *t, int j)
{
    double O = 1.0;
    for (int i = 0; i <= j; i++)
        O *= (double)t->leaf_down[i] / (double)(t->f.radix - t->leaf_down[i]);
    return O;
}

static double unit_gpus(const gw_net_topo *t, int j)
{
    return t->subtree_gpus[j];
}

static void precompute(gw_net_comm *c)
{
    const gw_net_topo *t = c->t;
    const gw_net_fabric *f = &t->f;
    double nic_all = f->nic_Bps * f->nics_per_gpu * t->planes_up / f->planes;
    /* Named failed switches: the worst-hit unit of each tier (the job
     * waits for its slowest group). */
    double lost[GW_NET_MAX_TIERS], nic_lost = 0.0;
    gw__net_named_loss(t, c->job, lost, &nic_lost);
    c->nu = 0;
    for (int j = 0; j <= t->tiers - 2; j++) {
        if (c->job <= unit_gpus(t, j))
            continue;
        c->units[c->nu] = unit_gpus(t, j);
        c->ratio[c->nu++] = cum_oversub(t, j) / ((1.0 - f->down_frac[j]) * (1.0 - lost[j]));
    }
    if (f->buildings > 1 && f->building_Bps > 0.0 && c->job > t->building_gpus) {
        c->units[c->nu] = t->building_gpus;
        c->ratio[c->nu++] = nic_all * t->building_gpus / f->building_Bps;
    }
    if (f->sites > 1 && f->site_Bps > 0.0 && c->job > t->site_gpus) {
        c->units[c->nu] = t->site_gpus;
        c->ratio[c->nu++] = nic_all * t->site_gpus / f->site_Bps;
    }
    c->plane_factor = (double)f->planes / (double)t->planes_up / (1.0 - nic_lost);
    c->nvls_eff = f->nvls_eff;
    c->nvls_lat = f->nvls_latency_s;
    c->sharp_eff = f->sharp_eff;
    c->dom = f->scaleup_domain;
}

/* In-network reduction, as the simulation generates it (traffic.c,
 * innet_flows): whether it applies to group g, and its time when every
 * group of the kind runs at once. NVLS in one domain (all-reduce: each
 * member's NVLink carries (1 + 1/n) B each way; all-gather: B/n out, B in;
 * reduce-scatter: B out, B/n in, NCCL issue 1083), NVLS then SHARP across
 * domains (all-reduce only: NVLink B + B/c, NIC B/c, one reduced stream
 * per position and sub-tree on the uplinks), each divided by its
 * efficiency. Returns 0 where it does not apply. coll: 0 all-gather, 1
 * reduce-scatter, 2 all-reduce. */
static double innet_s(const gw_net_comm *c, const gw_train_topo *tt, gw_train_group g, int coll,
                      double B)
{
    if (g.n < 2 || B <= 0)
        return 0.0;
    const double s = g.stride > 0 ? g.stride : 1.0;
    const int dom = c->dom;
    int cm = g.n_local > 0 ? g.n_local : 1;
    if (cm > g.n)
        cm = g.n;
    const double nvl = tt->scaleup_Bps * tt->scaleup_eff;
    const double lat_nv = fmax(tt->scaleup_latency_s, c->nvls_lat);
    if (dom > 1 && cm == g.n && fmod((double)dom, s * g.n) == 0.0) {
        if (!(c->nvls_eff > 0.0))
            return 0.0;
        double per = coll == 2 ? (1.0 + 1.0 / g.n) * B : B;
        return lat_nv + per / (c->nvls_eff * nvl);
    }
    if (coll != 2 || !(c->sharp_eff > 0.0) || g.n / cm < 2)
        return 0.0;
    if (cm == 1 ? s < dom : !(c->nvls_eff > 0.0 && cm * s == dom))
        return 0.0;
    double t_nv = cm > 1 ? lat_nv + (B + B / cm) / (c->nvls_eff * nvl) : 0.0;
    /* The NIC leg, slowed where a sub-tree's uplinks carry more reduced
     * streams than its GPUs' share: a unit of G GPUs holds max(1, G/(s c))
     * members of each (group, position) reduction, each sending one
     * stream of B/c. */
    double slow = 1.0;
    for (int u = 0; u < c->nu; u++) {
        double G = c->units[u];
        if (s * g.n <= G)
            continue;
        double sl = c->ratio[u] / fmax(1.0, G / (s * cm));
        if (sl > slow)
            slow = sl;
    }
    double nic = tt->scaleout_Bps * tt->scaleout_eff / (slow * c->plane_factor);
    double t_sh = tt->scaleout_latency_s + B / cm / c->sharp_eff / nic;
    return fmax(t_nv, t_sh);
}

static double min_innet(const gw_net_comm *c, const gw_train_topo *tt, gw_train_group g, int coll,
                        double B, double t)
{
    if (!(c->nvls_eff > 0.0) && !(c->sharp_eff > 0.0))
        return t;
    double x = innet_s(c, tt, g, coll, B);
    return x > 0.0 && x < t ? x : t;
}

/* kind: 0 ring-like with spacing sp, 1 all-to-all with n_local. */
static double slowdown(const gw_net_comm *c, int kind, int n, double stride, double sp, int n_local)
{
    double s = stride > 0 ? stride : 1.0;
    double blk = s * n;
    double worst = 1.0;
    for (int u = 0; u < c->nu; u++) {
        double G = c->units[u];
        if (blk <= G)
            continue;
        double delta;
        if (kind == 0) {
            delta = fmin(1.0, sp / G);
        } else {
            double m = fmax(1.0, fmin((double)n, floor(G / s)));
            double remote = (double)n - (n_local > 0 ? n_local : 1);
            delta = remote > 0 ? ((double)n - m) / remote : 0.0;
        }
        double sl = delta * c->ratio[u];
        if (sl > worst)
            worst = sl;
    }
    return worst * c->plane_factor;
}

static gw_train_topo scaled(const gw_train_topo *tt, double slow)
{
    gw_train_topo t2 = *tt;
    if (slow != 1.0)
        t2.scaleout_Bps /= slow;
    return t2;
}

static double ring_slow(const gw_net_comm *c, gw_train_group g)
{
    double s = g.stride > 0 ? g.stride : 1.0;
    double sp = s * (g.n_local > 1 ? g.n_local : 1);
    return slowdown(c, 0, g.n, s, sp, g.n_local);
}

/* The reference: the formulas, evaluated on every call. */

static double nc_allreduce_ref(void *ud, const gw_train_topo *tt, gw_train_group g, double bytes)
{
    const gw_train_comm_model *ab = gw_train_comm_alphabeta();
    gw_train_topo t2 = scaled(tt, ring_slow(ud, g));
    return min_innet(ud, tt, g, 2, bytes, ab->allreduce_s(ab->ud, &t2, g, bytes));
}

static double nc_allgather_ref(void *ud, const gw_train_topo *tt, gw_train_group g, double bytes)
{
    const gw_train_comm_model *ab = gw_train_comm_alphabeta();
    gw_train_topo t2 = scaled(tt, ring_slow(ud, g));
    return min_innet(ud, tt, g, 0, bytes, ab->allgather_s(ab->ud, &t2, g, bytes));
}

static double nc_reducescatter_ref(void *ud, const gw_train_topo *tt, gw_train_group g,
                                   double bytes)
{
    const gw_train_comm_model *ab = gw_train_comm_alphabeta();
    gw_train_topo t2 = scaled(tt, ring_slow(ud, g));
    return min_innet(ud, tt, g, 1, bytes, ab->reducescatter_s(ab->ud, &t2, g, bytes));
}

static double nc_alltoall_ref(void *ud, const gw_train_topo *tt, gw_train_group g, double bytes)
{
    const gw_train_comm_model *ab = gw_train_comm_alphabeta();
    double s = g.stride > 0 ? g.stride : 1.0;
    gw_train_topo t2 = scaled(tt, slowdown(ud, 1, g.n, s, s, g.n_local));
    return ab->alltoall_s(ab->ud, &t2, g, bytes);
}

/* A pipeline send: the stage partner is job/pp GPUs away, unknown here;
 * every tier the job spans is charged in full (the partner is in another
 * unit), an upper bound for small strides. */
static double nc_p2p_ref(void *ud, const gw_train_topo *tt, bool cross, double bytes)
{
    const gw_net_comm *c = ud;
    const gw_train_comm_model *ab = gw_train_comm_alphabeta();
    double slow = cross ? slowdown(c, 0, 2, c->job / 2.0, c->job / 2.0, 1) : 1.0;
    gw_train_topo t2 = scaled(tt, slow);
    return ab->p2p_s(ab->ud, &t2, cross, bytes);
}

/* A pipeline send with the stages' placement known. */
static double nc_sendrecv_ref(void *ud, const gw_train_topo *tt, gw_train_group g, bool cross,
                              double bytes)
{
    const gw_train_comm_model *ab = gw_train_comm_alphabeta();
    double s = g.stride > 0 ? g.stride : 1.0;
    double slow = cross ? slowdown(ud, 0, g.n, s, s, 1) : 1.0;
    gw_train_topo t2 = scaled(tt, slow);
    return ab->p2p_s(ab->ud, &t2, cross, bytes);
}

/* ---- The search's table ---------------------------------------------------------- */

/* Which in-network reduction innet_s takes for group g, without the bytes
 * (the same tests in the same order). */
static void innet_class(const gw_net_comm *c, gw_train_group g, nc_entry *e)
{
    e->innet = NC_INNET_NONE;
    e->cm = 1;
    e->sharp_slow = 1.0;
    if (g.n < 2 || (!(c->nvls_eff > 0.0) && !(c->sharp_eff > 0.0)))
        return;
    const double s = g.stride > 0 ? g.stride : 1.0;
    const int dom = c->dom;
    int cm = g.n_local > 0 ? g.n_local : 1;
    if (cm > g.n)
        cm = g.n;
    e->cm = cm;
    if (dom > 1 && cm == g.n && fmod((double)dom, s * g.n) == 0.0) {
        if (c->nvls_eff > 0.0)
            e->innet = NC_INNET_NVLS;
        return;
    }
    if (!(c->sharp_eff > 0.0) || g.n / cm < 2)
        return;
    if (cm == 1 ? s < dom : !(c->nvls_eff > 0.0 && cm * s == dom))
        return;
    double slow = 1.0;
    for (int u = 0; u < c->nu; u++) {
        double G = c->units[u];
        if (s * g.n <= G)
            continue;
        double sl = c->ratio[u] / fmax(1.0, G / (s * cm));
        if (sl > slow)
            slow = sl;
    }
    e->innet = NC_INNET_SHARP;
    e->sharp_slow = slow;
}

static void nc_fill(const gw_net_comm *c, gw_train_group g, nc_entry *e)
{
    e->n = g.n;
    e->n_local = g.n_local;
    e->stride = g.stride;
    double s = g.stride > 0 ? g.stride : 1.0;
    e->ring_slow = ring_slow(c, g);
    e->a2a_slow = slowdown(c, 1, g.n, s, s, g.n_local);
    e->sr_slow = slowdown(c, 0, g.n, s, s, 1);
    innet_class(c, g, e);
    gw__train_ab_terms_init(g, &e->ab);
}

static uint32_t nc_hash(gw_train_group g)
{
    uint32_t h = (uint32_t)g.n * 0x9E3779B1u ^ (uint32_t)g.n_local * 0x85EBCA77u ^
                 (uint32_t)g.stride * 0xC2B2AE3Du;
    return h ^ (h >> 15);
}

/* The slow path of nc_lookup: claims a free slot and fills it, or fills
 * tmp (the slot is being filled by another thread, or none is free). */
static const nc_entry *nc_miss(gw_net_comm *c, gw_train_group g, uint32_t h, nc_entry *tmp)
{
    for (int k = 0; k < NC_PROBES; k++) {
        nc_entry *e = &c->cache[(h + (uint32_t)k) & (NC_SLOTS - 1)];
        unsigned st = atomic_load_explicit(&e->state, memory_order_acquire);
        if (st == NC_READY) {
            if (e->n == g.n && e->n_local == g.n_local && e->stride == g.stride)
                return e;
            continue;
        }
        unsigned want = NC_EMPTY;
        if (st == NC_EMPTY &&
            atomic_compare_exchange_strong_explicit(&e->state, &want, NC_FILLING,
                                                    memory_order_acq_rel, memory_order_acquire)) {
            nc_fill(c, g, e);
            atomic_store_explicit(&e->state, NC_READY, memory_order_release);
            return e;
        }
        break; /* being filled (perhaps with this key): do not wait */
    }
    nc_fill(c, g, tmp);
    return tmp;
}

/* Group g's terms: a READY slot of the table (the usual case: its first
 * slot), else nc_miss. The slots are the only part of the model the
 * search writes. */
static inline const nc_entry *nc_lookup(gw_net_comm *c, gw_train_group g, nc_entry *tmp)
{
    uint32_t h = nc_hash(g);
    const nc_entry *e = &c->cache[h & (NC_SLOTS - 1)];
    if (atomic_load_explicit(&e->state, memory_order_acquire) == NC_READY && e->n == g.n &&
        e->n_local == g.n_local && e->stride == g.stride)
        return e;
    return nc_miss(c, g, h, tmp);
}

/* min_innet with the group's class from the table: innet_s's arithmetic
 * on the bytes, in the same order. */
static double nc_innet_min(const gw_net_comm *c, const nc_entry *e, const gw_train_topo *tt, int n,
                           int coll, double B, double t)
{
    if (e->innet == NC_INNET_NONE || B <= 0)
        return t;
    const double nvl = tt->scaleup_Bps * tt->scaleup_eff;
    const double lat_nv = fmax(tt->scaleup_latency_s, c->nvls_lat);
    double x;
    if (e->innet == NC_INNET_NVLS) {
        double per = coll == 2 ? (1.0 + 1.0 / n) * B : B;
        x = lat_nv + per / (c->nvls_eff * nvl);
    } else {
        if (coll != 2)
            return t;
        const int cm = e->cm;
        double t_nv = cm > 1 ? lat_nv + (B + B / cm) / (c->nvls_eff * nvl) : 0.0;
        double nic = tt->scaleout_Bps * tt->scaleout_eff / (e->sharp_slow * c->plane_factor);
        double t_sh = tt->scaleout_latency_s + B / cm / c->sharp_eff / nic;
        x = fmax(t_nv, t_sh);
    }
    return x > 0.0 && x < t ? x : t;
}

static double nc_allreduce(void *ud, const gw_train_topo *tt, gw_train_group g, double bytes)
{
    gw_net_comm *c = ud;
    nc_entry tmp;
    const nc_entry *e = nc_lookup(c, g, &tmp);
    gw_train_topo t2 = scaled(tt, e->ring_slow);
    return nc_innet_min(c, e, tt, g.n, 2, bytes, gw__train_ab_allreduce(&t2, &e->ab, bytes));
}

/* All-gather (coll 0) and reduce-scatter (coll 1) cost alike: half an
 * all-reduce's ring, or the in-network path when that is faster. */
static double nc_half(void *ud, const gw_train_topo *tt, gw_train_group g, int coll, double bytes)
{
    gw_net_comm *c = ud;
    nc_entry tmp;
    const nc_entry *e = nc_lookup(c, g, &tmp);
    gw_train_topo t2 = scaled(tt, e->ring_slow);
    return nc_innet_min(c, e, tt, g.n, coll, bytes, gw__train_ab_half(&t2, &e->ab, bytes));
}

static double nc_allgather(void *ud, const gw_train_topo *tt, gw_train_group g, double bytes)
{
    return nc_half(ud, tt, g, 0, bytes);
}

static double nc_reducescatter(void *ud, const gw_train_topo *tt, gw_train_group g, double bytes)
{
    return nc_half(ud, tt, g, 1, bytes);
}

static double nc_alltoall(void *ud, const gw_train_topo *tt, gw_train_group g, double bytes)
{
    nc_entry tmp;
    const nc_entry *e = nc_lookup(ud, g, &tmp);
    gw_train_topo t2 = scaled(tt, e->a2a_slow);
    return gw__train_ab_alltoall(&t2, &e->ab, bytes);
}

static double nc_p2p(void *ud, const gw_train_topo *tt, bool cross, double bytes)
{
    const gw_net_comm *c = ud;
    gw_train_topo t2 = scaled(tt, cross ? c->p2p_slow : 1.0);
    return gw__train_ab_p2p(&t2, cross, bytes);
}

static double nc_sendrecv(void *ud, const gw_train_topo *tt, gw_train_group g, bool cross,
                          double bytes)
{
    double slow = 1.0;
    nc_entry tmp;
    if (cross)
        slow = nc_lookup(ud, g, &tmp)->sr_slow;
    gw_train_topo t2 = scaled(tt, slow);
    return gw__train_ab_p2p(&t2, cross, bytes);
}

gw_status gw_net_comm_new(gw_ctx *ctx, const gw_net_topo *t, double job, gw_net_comm **out,
                          gw_error *err)
{
    if (!t || !out)
        return gw__err(err, GW_EINVAL, "gw_net_comm_new: NULL argument");
    gw_net_comm *c = gw_calloc(ctx, 1, sizeof *c);
    if (!c)
        return gw__err(err, GW_ENOMEM, "out of memory");
    c->ctx = ctx;
    c->t = t;
    c->job = job > 0 ? job : t->f.gpus;
    c->model.name = "fat-tree bottleneck bound (net)";
    c->model.ud = c;
    c->model.allreduce_s = nc_allreduce;
    c->model.allgather_s = nc_allgather;
    c->model.reducescatter_s = nc_reducescatter;
    c->model.alltoall_s = nc_alltoall;
    c->model.p2p_s = nc_p2p;
    c->model.sendrecv_s = nc_sendrecv;
    precompute(c);
    c->p2p_slow = slowdown(c, 0, 2, c->job / 2.0, c->job / 2.0, 1);
    *out = c;
    return GW_OK;
}

const gw_train_comm_model *gw_net_comm_model(const gw_net_comm *c)
{
    return c ? &c->model : NULL;
}

void gw__net_comm_uncached(gw_net_comm *c)
{
    if (!c)
        return;
    c->model.allreduce_s = nc_allreduce_ref;
    c->model.allgather_s = nc_allgather_ref;
    c->model.reducescatter_s = nc_reducescatter_ref;
    c->model.alltoall_s = nc_alltoall_ref;
    c->model.p2p_s = nc_p2p_ref;
    c->model.sendrecv_s = nc_sendrecv_ref;
}

void gw_net_comm_free(gw_net_comm *c)
{
    if (c)
        gw_free(c->ctx, c);
}

/* ---- Re-timing one step ----------------------------------------------------------- */

enum { MODE_RECORD = 0, MODE_ALONE, MODE_CONTENDED };

typedef struct step_ud {
    gw_net_step_result *r;
    const gw_train_comm_model *base; /* the search's model */
    int mode;
    int pp, pp_stride;
    double scale[8]; /* contended / alone per kind */
} step_ud;

static int find_call(const gw_net_step_result *r, gw_net_coll coll, int kind, int n, int stride,
                     double bytes)
{
    for (size_t i = 0; i < r->n_calls; i++)
        if (r->call[i].coll == coll && r->call[i].kind == kind && r->call[i].n == n &&
            r->call[i].stride == stride && r->call[i].bytes == bytes)
            return (int)i;
    return -1;
}

static double step_call(step_ud *u, gw_net_coll coll, int kind, int n, int stride, double bytes,
                        double closed)
{
    gw_net_step_result *r = u->r;
    int i = find_call(r, coll, kind, n, stride, bytes);
    if (u->mode == MODE_RECORD) {
        if (i < 0 && r->n_calls < sizeof r->call / sizeof r->call[0] && n > 1 && bytes > 0) {
            i = (int)r->n_calls++;
            r->call[i].coll = coll;
            r->call[i].kind = kind;
            r->call[i].n = n;
            r->call[i].stride = stride;
            r->call[i].bytes = bytes;
            r->call[i].closed_form_s = closed;
        }
        return closed;
    }
    if (i < 0 || !r->call[i].simulated)
        return closed;
    if (u->mode == MODE_ALONE)
        return r->call[i].alone_s;
    return r->call[i].contended_s;
}

static double st_allreduce(void *ud, const gw_train_topo *t, gw_train_group g, double b)
{
    step_ud *u = ud;
    double c = u->base->allreduce_s(u->base->ud, t, g, b);
    return step_call(u, GW_NET_ALLREDUCE, g.kind, g.n, g.stride, b, c);
}

static double st_allgather(void *ud, const gw_train_topo *t, gw_train_group g, double b)
{
    step_ud *u = ud;
    double c = u->base->allgather_s(u->base->ud, t, g, b);
    return step_call(u, GW_NET_ALLGATHER, g.kind, g.n, g.stride, b, c);
}

static double st_reducescatter(void *ud, const gw_train_topo *t, gw_train_group g, double b)
{
    step_ud *u = ud;
    double c = u->base->reducescatter_s(u->base->ud, t, g, b);
    return step_call(u, GW_NET_REDUCESCATTER, g.kind, g.n, g.stride, b, c);
}

static double st_alltoall(void *ud, const gw_train_topo *t, gw_train_group g, double b)
{
    step_ud *u = ud;
    double c = u->base->alltoall_s(u->base->ud, t, g, b);
    return step_call(u, GW_NET_ALLTOALL, g.kind, g.n, g.stride, b, c);
}

static double st_p2p(void *ud, const gw_train_topo *t, bool cross, double b)
{
    step_ud *u = ud;
    double c = u->base->p2p_s(u->base->ud, t, cross, b);
    return step_call(u, GW_NET_SENDRECV, GW_TRAIN_GROUP_PP, u->pp, u->pp_stride, b, c);
}

static double st_sendrecv(void *ud, const gw_train_topo *t, gw_train_group g, bool cross, double b)
{
    step_ud *u = ud;
    double c = u->base->sendrecv_s ? u->base->sendrecv_s(u->base->ud, t, g, cross, b)
                                   : u->base->p2p_s(u->base->ud, t, cross, b);
    return step_call(u, GW_NET_SENDRECV, GW_TRAIN_GROUP_PP, g.n, g.stride, b, c);
}

/* Evaluates ev's configuration again, every dimension fixed, with comm. */
gw_status gw_net_retime(gw_ctx *ctx, const gw_catalog *cat, const gw_model *m, const gw_accel *a,
                        const gw_system *sys, const gw_train_opts *opts, const gw_train_eval *ev,
                        const gw_train_comm_model *comm, double *step_s, gw_error *err)
{
    gw_train_opts o = *opts;
    const gw_train_config *c = &ev->cfg;
    o.n_gpus = ev->gpus_used;
    o.tp = c->tp;
    o.pp = c->pp;
    o.vpp = c->vpp;
    o.pp_first = c->pp_first > 0 ? c->pp_first : GW_TRAIN_ANY; /* the stage split too */
    o.pp_last = c->pp_last > 0 ? c->pp_last : GW_TRAIN_ANY;
    o.dp = c->dp;
    o.cp = c->cp;
    o.ep = c->ep;
    o.etp = c->etp;
    o.micro_batch = c->micro_batch;
    o.recompute = (int)c->recompute;
    o.zero = c->zero;
    o.zero_shard = c->zero_shard;
    o.precision = (int)c->precision;
    o.cp_comm = c->cp_comm;
    o.seq_parallel = c->seq_parallel;
    o.global_batch_seqs = c->global_batch_seqs;
    o.batch_slack = 0.0;
    o.max_idle_frac = 0.0;
    o.tokens = 0.0;
    o.batch_critical = false; /* the batch is the configuration's */
    o.feed_min_mfu = 0.0;     /* one configuration re-timed: no batch-limit scan */
    o.top_k = 0;
    o.comm = comm;
    gw_train_result *r = gw_malloc(ctx, sizeof *r);
    if (!r)
        return gw__err(err, GW_ENOMEM, "out of memory");
    gw_status rc = gw_train_plan(ctx, cat, m, a, sys, &o, r, err);
    if (rc == GW_OK)
        *step_s = r->best.time.step_s;
    gw_free(ctx, r);
    return rc;
}

gw_status gw_net_step(gw_ctx *ctx, const gw_net_topo *t, const gw_catalog *cat, const gw_model *m,
                      const gw_accel *a, const gw_system *sys, const gw_train_opts *opts,
                      const gw_train_eval *ev, gw_net_step_result *out, gw_error *err)
{
    if (!t || !m || !a || !opts || !ev || !out)
        return gw__err(err, GW_EINVAL, "gw_net_step: NULL argument");
    memset(out, 0, sizeof *out);
    const double job = ev->gpus_used;
    gw_status rc = GW_OK;
    const gw_train_comm_model *base = opts->comm ? opts->comm : gw_train_comm_alphabeta();
    step_ud u;
    memset(&u, 0, sizeof u);
    u.r = out;
    u.base = base;
    u.pp = ev->cfg.pp;
    u.pp_stride = ev->cfg.tp * ev->cfg.cp * ev->cfg.dp;
    gw_train_comm_model rec = {"net step (recording)", &u,          st_allreduce, st_allgather,
                               st_reducescatter,       st_alltoall, st_p2p,       st_sendrecv};
    u.mode = MODE_RECORD;
    rc = gw_net_retime(ctx, cat, m, a, sys, opts, ev, &rec, &out->step_closed_form_s, err);
    if (rc == GW_OK)
        rc = gw_net_retime(ctx, cat, m, a, sys, opts, ev, gw_train_comm_alphabeta(),
                           &out->step_alphabeta_s, err);
    if (rc != GW_OK)
        goto done;

    /* Each call alone. */
    int rep[8];
    for (int k = 0; k < 8; k++)
        rep[k] = -1;
    for (size_t i = 0; i < out->n_calls; i++) {
        gw_net_op op = {out->call[i].coll,
                        GW_NET_ALGO_AUTO,
                        out->call[i].n,
                        (double)(out->call[i].stride > 0 ? out->call[i].stride : 1),
                        out->call[i].bytes,
                        0.0,
                        NULL};
        gw_net_sim_result sr;
        gw_error e2;
        memset(&e2, 0, sizeof e2);
        if (fmod(job, op.stride * op.n) != 0.0) {
            gw__strlcpy(out->call[i].why, "does not tile the job", sizeof out->call[i].why);
            continue;
        }
        if (gw__net_estimate_flows(t, job, &op, 1) > GW_NET_STEP_MAX_FLOWS) {
            gw__strlcpy(out->call[i].why, "too many flows to simulate", sizeof out->call[i].why);
            continue;
        }
        /* Capped: an algorithm whose expansion exceeds the budget (a double
         * binary tree over hundreds of ranks on a million GPUs: hundreds of
         * thousands of classes, a minute of solving) keeps the closed form
         * when it could be the fastest, and says so. */
        if (gw__net_simulate_capped(ctx, t, job, &op, 1, GW_NET_MODE_COLLAPSED,
                                    GW_NET_AUTO_MAX_VARS, &sr, &e2) != GW_OK) {
            gw__strlcpy(out->call[i].why, e2.msg, sizeof out->call[i].why);
            continue; /* keeps the closed form */
        }
        out->call[i].simulated = true;
        out->call[i].alone_s = sr.op[0].time_s;
        out->call[i].contended_s = sr.op[0].time_s;
        out->call[i].algo = sr.op[0].algo;
        int k = out->call[i].kind & 7;
        if (rep[k] < 0 || out->call[i].bytes > out->call[rep[k]].bytes)
            rep[k] = (int)i;
    }
    /* The largest call of every kind, all at once. */
    gw_net_op ops[GW_NET_MAX_OPS];
    int who[GW_NET_MAX_OPS];
    size_t nops = 0;
    for (int k = 0; k < 8 && nops < GW_NET_MAX_OPS; k++) {
        if (rep[k] < 0)
            continue;
        int i = rep[k];
        gw_net_op op = {out->call[i].coll,
                        out->call[i].algo,
                        out->call[i].n,
                        (double)(out->call[i].stride > 0 ? out->call[i].stride : 1),
                        out->call[i].bytes,
                        0.0,
                        NULL};
        ops[nops] = op;
        who[nops++] = i;
    }
    double contended_flows = nops > 0 ? gw__net_estimate_flows(t, job, ops, nops) : 0.0;
    if (nops == 0)
        gw__strlcpy(out->contended_why, "no collective was simulated", sizeof out->contended_why);
    else if (contended_flows > GW_NET_STEP_MAX_CONTENDED)
        snprintf(out->contended_why, sizeof out->contended_why,
                 "skipped: %.3g flows together, beyond the %.3g budget; contended = alone",
                 contended_flows, GW_NET_STEP_MAX_CONTENDED);
    if (nops > 0 && contended_flows <= GW_NET_STEP_MAX_CONTENDED) {
        gw_error e2;
        memset(&e2, 0, sizeof e2);
        if (gw_net_simulate(ctx, t, job, ops, nops, GW_NET_MODE_COLLAPSED, &out->sim, &e2) !=
            GW_OK) {
            gw__strlcpy(out->contended_why, e2.msg, sizeof out->contended_why);
        } else {
            out->contended_run = true;
            for (size_t j = 0; j < nops; j++) {
                int i = who[j];
                double alone = out->call[i].alone_s;
                u.scale[out->call[i].kind & 7] = alone > 0 ? out->sim.op[j].time_s / alone : 1.0;
            }
            for (size_t i = 0; i < out->n_calls; i++) {
                double sc = u.scale[out->call[i].kind & 7];
                if (out->call[i].simulated && sc > 0)
                    out->call[i].contended_s = out->call[i].alone_s * sc;
            }
        }
    }
    u.mode = MODE_ALONE;
    rc = gw_net_retime(ctx, cat, m, a, sys, opts, ev, &rec, &out->step_alone_s, err);
    if (rc == GW_OK) {
        u.mode = MODE_CONTENDED;
        rc = gw_net_retime(ctx, cat, m, a, sys, opts, ev, &rec, &out->step_contended_s, err);
    }
done:
    return rc;
}
