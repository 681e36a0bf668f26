/* SPDX-License-Identifier: MIT */
/*
 * comm.c: the built-in collective time model (alpha-beta, hierarchical)
 * behind the gw_train_comm_model interface, and the network figures of an
 * accelerator (scale-up and scale-out bandwidth per GPU).
 *
 * Model (Thakur, Rabenseifner and Gropp, "Optimization of Collective
 * Communication Operations in MPICH", IJHPCA 2005; NCCL's ring and double
 * binary tree algorithms):
 *   ring all-gather / reduce-scatter of B bytes over n ranks:
 *       (n-1) alpha + (n-1)/n B / beta
 *   ring all-reduce = reduce-scatter + all-gather;
 *   tree all-reduce: 2 log2(n) alpha + 2 B / beta (pipelined double binary
 *       tree: latency logarithmic, bandwidth term about twice B/beta at
 *       the leaves); the faster of ring and tree is used;
 *   across domains, all-gather / reduce-scatter may also run as recursive
 *       halving/doubling: ceil(log2 n) alpha + (n-1)/n B / beta;
 *   hierarchical groups (n_local ranks per scale-up domain, n/n_local
 *       domains, one NIC rail per GPU): reduce-scatter inside the domain,
 *       the collective on B/n_local across domains over the NICs (one ring
 *       per rail, in parallel), all-gather inside the domain;
 *   all-to-all: each rank sends B (n-1)/n bytes, the intra-domain share
 *       at NVLink bandwidth and the rest through its NIC, concurrently;
 *   p2p: alpha + B / beta.
 * beta is the nominal per-direction bandwidth times an achieved-efficiency
 * factor from data/train.yaml (NCCL bus bandwidth relative to line rate).
 *
 * Not modelled here: congestion, oversubscription, adaptive routing, SHARP
 * in-network reduction. The flow-level simulator of the net module can
 * replace this model through the same interface.
 */
#include "train_internal.h"

#include "core/core_internal.h"

#include <math.h>
#include <string.h>

static double up_bw(const gw_train_topo *t)
{
    return t->scaleup_Bps * t->scaleup_eff;
}

static double out_bw(const gw_train_topo *t)
{
    return t->scaleout_Bps * t->scaleout_eff;
}

/* Ring all-gather or reduce-scatter on one level. */
static double ring_half(int n, double bytes, double bw, double alpha)
{
    if (n <= 1 || bytes <= 0)
        return 0.0;
    return (n - 1) * (alpha + bytes / n / bw);
}

/* lg: log2(n), the tree's depth (given: gw__train_ab_terms holds it). */
static double level_allreduce_l(int n, double bytes, double bw, double alpha, double lg)
{
    if (n <= 1 || bytes <= 0)
        return 0.0;
    double ring = 2.0 * ring_half(n, bytes, bw, alpha);
    double tree = 2.0 * lg * alpha + 2.0 * bytes / bw;
    return ring < tree ? ring : tree;
}

static double level_allreduce(int n, double bytes, double bw, double alpha)
{
    return level_allreduce_l(n, bytes, bw, alpha, n > 1 && bytes > 0 ? log2((double)n) : 0.0);
}

/* Across domains: the faster of the ring and recursive halving/doubling
 * (log2(n) latency steps, same bandwidth term; NCCL's PAT algorithm for
 * large rank counts), which matters for DP groups of thousands of ranks.
 * steps: ceil(log2(n)). */
static double scaleout_half_l(int n, double bytes, double bw, double alpha, double steps)
{
    double ring = ring_half(n, bytes, bw, alpha);
    if (n <= 1 || bytes <= 0)
        return ring;
    double rd = steps * alpha + (n - 1) * (bytes / n / bw);
    return rd < ring ? rd : ring;
}

static double scaleout_half(int n, double bytes, double bw, double alpha)
{
    return scaleout_half_l(n, bytes, bw, alpha, n > 1 && bytes > 0 ? ceil(log2((double)n)) : 0.0);
}

static double ab_half(const gw_train_topo *t, gw_train_group g, double bytes)
{
    int nl = g.n_local > 0 ? g.n_local : 1;
    if (g.n <= 1)
        return 0.0;
    if (nl >= g.n)
        return ring_half(g.n, bytes, up_bw(t), t->scaleup_latency_s);
    int nd = g.n / nl;
    return ring_half(nl, bytes, up_bw(t), t->scaleup_latency_s) +
           scaleout_half(nd, bytes / nl, out_bw(t), t->scaleout_latency_s);
}

static double ab_allgather(void *ud, const gw_train_topo *t, gw_train_group g, double bytes)
{
    (void)ud;
    return ab_half(t, g, bytes);
}

static double ab_reducescatter(void *ud, const gw_train_topo *t, gw_train_group g, double bytes)
{
    (void)ud;
    return ab_half(t, g, bytes);
}

static double ab_allreduce(void *ud, const gw_train_topo *t, gw_train_group g, double bytes)
{
    (void)ud;
    int nl = g.n_local > 0 ? g.n_local : 1;
    if (g.n <= 1)
        return 0.0;
    if (nl >= g.n)
        return level_allreduce(g.n, bytes, up_bw(t), t->scaleup_latency_s);
    int nd = g.n / nl;
    return 2.0 * ring_half(nl, bytes, up_bw(t), t->scaleup_latency_s) +
           level_allreduce(nd, bytes / nl, out_bw(t), t->scaleout_latency_s);
}

static double ab_alltoall(void *ud, const gw_train_topo *t, gw_train_group g, double bytes)
{
    (void)ud;
    int nl = g.n_local > 0 ? g.n_local : 1;
    if (g.n <= 1 || bytes <= 0)
        return 0.0;
    if (nl > g.n)
        nl = g.n;
    double intra = bytes * (nl - 1) / g.n;
    double inter = bytes * (g.n - nl) / g.n;
    double ti = intra / up_bw(t) + (nl - 1) * t->scaleup_latency_s;
    double to =
        inter > 0 ? inter / out_bw(t) + t->scaleout_latency_s * log2((double)g.n / nl + 1.0) : 0.0;
    return ti > to ? ti : to;
}

static double ab_p2p(void *ud, const gw_train_topo *t, bool cross_domain, double bytes)
{
    (void)ud;
    if (bytes <= 0)
        return 0.0;
    if (cross_domain)
        return t->scaleout_latency_s + bytes / out_bw(t);
    return t->scaleup_latency_s + bytes / up_bw(t);
}

/* ---- The same with a group's terms computed once ------------------------ */

void gw__train_ab_terms_init(gw_train_group g, gw__train_ab_terms *a)
{
    memset(a, 0, sizeof *a);
    a->n = g.n;
    a->nl = g.n_local > 0 ? g.n_local : 1;
    if (a->nl > g.n)
        a->nl = g.n > 0 ? g.n : 1;
    a->nd = g.n / a->nl;
    if (g.n > 1) {
        int top = a->nl >= g.n ? g.n : a->nd; /* the ranks the tree spans */
        a->log2_top = top > 1 ? log2((double)top) : 0.0;
        a->clog2_nd = a->nd > 1 ? ceil(log2((double)a->nd)) : 0.0;
        a->log2_a2a = log2((double)g.n / a->nl + 1.0);
    }
}

/* ab_half, ab_allreduce and ab_alltoall, term for term (n_local clamped
 * to n changes none of them: n_local >= n is one level either way). */
double gw__train_ab_half(const gw_train_topo *t, const gw__train_ab_terms *a, double bytes)
{
    if (a->n <= 1)
        return 0.0;
    if (a->nl >= a->n)
        return ring_half(a->n, bytes, up_bw(t), t->scaleup_latency_s);
    return ring_half(a->nl, bytes, up_bw(t), t->scaleup_latency_s) +
           scaleout_half_l(a->nd, bytes / a->nl, out_bw(t), t->scaleout_latency_s, a->clog2_nd);
}

double gw__train_ab_allreduce(const gw_train_topo *t, const gw__train_ab_terms *a, double bytes)
{
    if (a->n <= 1)
        return 0.0;
    if (a->nl >= a->n)
        return level_allreduce_l(a->n, bytes, up_bw(t), t->scaleup_latency_s, a->log2_top);
    return 2.0 * ring_half(a->nl, bytes, up_bw(t), t->scaleup_latency_s) +
           level_allreduce_l(a->nd, bytes / a->nl, out_bw(t), t->scaleout_latency_s, a->log2_top);
}

double gw__train_ab_alltoall(const gw_train_topo *t, const gw__train_ab_terms *a, double bytes)
{
    const int nl = a->nl;
    if (a->n <= 1 || bytes <= 0)
        return 0.0;
    double intra = bytes * (nl - 1) / a->n;
    double inter = bytes * (a->n - nl) / a->n;
    double ti = intra / up_bw(t) + (nl - 1) * t->scaleup_latency_s;
    double to = inter > 0 ? inter / out_bw(t) + t->scaleout_latency_s * a->log2_a2a : 0.0;
    return ti > to ? ti : to;
}

double gw__train_ab_p2p(const gw_train_topo *t, bool cross_domain, double bytes)
{
    return ab_p2p(NULL, t, cross_domain, bytes);
}

static const gw_train_comm_model alphabeta = {
    "alpha-beta (ring/tree, hierarchical)",
    NULL,
    ab_allreduce,
    ab_allgather,
    ab_reducescatter,
    ab_alltoall,
    ab_p2p,
    NULL,
};

const gw_train_comm_model *gw_train_comm_alphabeta(void)
{
    return &alphabeta;
}

/* ---- Network figures of an accelerator ------------------------------- */

void gw_train_topo_for(const gw_catalog *cat, const gw_accel *a, const gw_system *sys,
                       const gw_train_params *p, gw_train_topo *out)
{
    memset(out, 0, sizeof *out);
    out->scaleup_Bps = a->scaleup_Bps / 2.0; /* catalog: bidirectional total */
    out->scaleup_domain = a->scaleup_domain > 0 ? a->scaleup_domain : 1;
    out->scaleup_latency_s = p->scaleup_latency_s;
    out->scaleout_latency_s = p->scaleout_latency_s;
    out->scaleup_eff = p->scaleup_bw_eff;
    out->scaleout_eff = p->scaleout_bw_eff;

    /* Explicit per-accelerator figures in data/train.yaml win: the
     * catalog's first system for a GPU may not be the one the published
     * runs used (DGX A100 has one 200 Gb/s HDR NIC per GPU). */
    for (size_t i = 0; i < p->n_nic_overrides; i++) {
        if (gw__streq_nocase(p->nic_override[i].accel, a->name)) {
            out->scaleout_Bps = p->nic_override[i].Bps;
            break;
        }
    }
    if (cat != NULL && sys == NULL) {
        const gw_system *s = NULL;
        if (gw_catalog_system_for(cat, a, &s, NULL) == GW_OK)
            sys = s;
    }
    if (sys != NULL) {
        if (sys->scaleup_domain > 0)
            out->scaleup_domain = sys->scaleup_domain;
        if (out->scaleout_Bps <= 0 && cat != NULL && sys->nic != NULL && sys->nic[0] != '\0') {
            const gw_nic *nic = NULL;
            if (gw_catalog_nic_find(cat, sys->nic, &nic, NULL) == GW_OK && nic->port_Bps > 0)
                out->scaleout_Bps = nic->port_Bps * (sys->nics_per_gpu > 0 ? sys->nics_per_gpu : 1);
        }
    }
    if (out->scaleout_Bps <= 0)
        out->scaleout_Bps = p->default_nic_Bps;
    if (out->scaleup_Bps <= 0) {
        /* No scale-up fabric (PCIe cards): the NIC is the only path. */
        out->scaleup_Bps = out->scaleout_Bps;
        out->scaleup_domain = 1;
    }
}
