/* SPDX-License-Identifier: MIT */
/*
 * traffic.c: collectives -> flows, isomorphic components, and the
 * simulation entry points.
 *
 * Algorithms (NCCL 2.2x, as documented in its source and the nccl-tests
 * PERFORMANCE.md; docs/models/net.md):
 *   ring: one channel per member GPU of a node; channel c visits each node's
 *     members starting at the c-th and leaves the node to the next node's
 *     c-th member, so inter-node hops stay on one rail (PXN carries the last
 *     member's data over NVLink to that rail's NIC). Every ring edge carries
 *     (n-1)/n of the buffer per channel share (2 (n-1)/n for all-reduce),
 *     pipelined: all edges at once; 2(n-1) (or n-1) step latencies;
 *   tree (all-reduce): NCCL's double binary tree across nodes (half the
 *     channels on each tree), a chain inside each node; reduce up and
 *     broadcast down pipelined, so each tree edge carries the channel's share
 *     both ways at once; 2 (depth + chain) step latencies;
 *   hierarchical: reduce-scatter over the members in one NVLink domain,
 *     the collective across domains on 1/n_local of the buffer (rings of
 *     the members with the same position, one per position), all-gather in
 *     the domain; three phases one after another;
 *   direct: all-to-all sends buffer/n to every other member at once;
 *     send/recv sends the buffer to the next member (a ring, as
 *     nccl-tests' sendrecv_perf does).
 */
#include "net_internal.h"

#include <math.h>
#include <string.h>

#include "core/core_internal.h"

static const char *const coll_names[GW_NET_COLL_COUNT_] = {
    "all-reduce", "all-gather", "reduce-scatter", "all-to-all", "sendrecv"};
static const char *const algo_names[GW_NET_ALGO_COUNT_] = {
    "auto", "ring", "tree", "hierarchical", "direct", "halving-doubling", "in-network"};

const char *gw_net_coll_name(gw_net_coll c)
{
    return (unsigned)c < GW_NET_COLL_COUNT_ ? coll_names[c] : "?";
}

const char *gw_net_algo_name(gw_net_algo a)
{
    return (unsigned)a < GW_NET_ALGO_COUNT_ ? algo_names[a] : "?";
}

/* Compares ignoring '-', '_' and case. */
static bool loose_eq(const char *a, const char *b)
{
    for (;;) {
        while (*a == '-' || *a == '_')
            a++;
        while (*b == '-' || *b == '_')
            b++;
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
        if (!x)
            return true;
        a++;
        b++;
    }
}

gw_status gw_net_coll_parse(const char *s, gw_net_coll *out)
{
    for (int i = 0; s && i < GW_NET_COLL_COUNT_; i++) {
        if (loose_eq(s, coll_names[i])) {
            *out = (gw_net_coll)i;
            return GW_OK;
        }
    }
    if (s && (loose_eq(s, "alltoall") || loose_eq(s, "a2a"))) {
        *out = GW_NET_ALLTOALL;
        return GW_OK;
    }
    if (s && (loose_eq(s, "p2p") || loose_eq(s, "send-recv"))) {
        *out = GW_NET_SENDRECV;
        return GW_OK;
    }
    return GW_ERANGE;
}

gw_status gw_net_algo_parse(const char *s, gw_net_algo *out)
{
    for (int i = 0; s && i < GW_NET_ALGO_COUNT_; i++) {
        if (loose_eq(s, algo_names[i])) {
            *out = (gw_net_algo)i;
            return GW_OK;
        }
    }
    if (s && loose_eq(s, "hier")) {
        *out = GW_NET_ALGO_HIER;
        return GW_OK;
    }
    if (s && (loose_eq(s, "nvls") || loose_eq(s, "sharp") || loose_eq(s, "innet"))) {
        *out = GW_NET_ALGO_INNET;
        return GW_OK;
    }
    return GW_ERANGE;
}

double gw_net_busbw_factor(gw_net_coll c, int n)
{
    if (n <= 1)
        return 1.0;
    switch (c) {
    case GW_NET_ALLREDUCE:
        return 2.0 * (n - 1) / n;
    case GW_NET_ALLGATHER:
    case GW_NET_REDUCESCATTER:
    case GW_NET_ALLTOALL:
        return (double)(n - 1) / n;
    default:
        return 1.0;
    }
}

/* ---- Group geometry ---------------------------------------------------------------- */

/* Members of one group that share a node / an NVLink domain (groups are
 * arithmetic progressions, so every node holding members holds the same
 * number when it divides). */
static int per_unit(const gw_net_op *op, double unit)
{
    if (op->stride >= unit)
        return 1;
    int c = (int)floor(unit / op->stride);
    if (c > op->n)
        c = op->n;
    while (c > 1 && op->n % c != 0)
        c--;
    return c;
}

static double steps_of(const gw_net_op *op, gw_net_algo a, const gw_net_fabric *f)
{
    int n = op->n;
    if (a == GW_NET_ALGO_INNET) {
        /* Inside a domain one NVLS latency (NCCL's figure for the reduce
         * and the multicast); across domains SHARP's way up and down
         * (each a route latency, or the NVLS one where it is longer). */
        int c = per_unit(op, f->scaleup_domain);
        return c >= n ? 1.0 : 2.0;
    }
    if (a == GW_NET_ALGO_HALVING) {
        double k = ceil(log2((double)n));
        return op->coll == GW_NET_ALLREDUCE ? 2.0 * k : k;
    }
    if (a == GW_NET_ALGO_HIER) {
        int c = per_unit(op, f->scaleup_domain);
        double k = op->coll == GW_NET_ALLREDUCE ? 2.0 : 1.0;
        return k * ((c - 1.0) + (n / c - 1.0));
    }
    switch (op->coll) {
    case GW_NET_ALLREDUCE:
        if (a == GW_NET_ALGO_TREE) {
            int c = per_unit(op, f->gpus_per_node);
            int cd = per_unit(op, f->scaleup_domain);
            if (cd > c && cd <= 32)
                c = cd;
            int m = n / c;
            return 2.0 * (ceil(log2((double)m)) + (c - 1));
        }
        return 2.0 * (n - 1);
    case GW_NET_ALLGATHER:
    case GW_NET_REDUCESCATTER:
        return n - 1.0;
    default:
        return 1.0;
    }
}

static bool multiple(double a, double b);

/* Whether an algorithm applies to the op on this fabric. */
static bool algo_ok(const gw_net_op *op, gw_net_algo a, const gw_net_fabric *f)
{
    double dom = f->scaleup_domain;
    int c_node = per_unit(op, f->gpus_per_node);
    int c_dom = per_unit(op, dom);
    switch (a) {
    case GW_NET_ALGO_RING:
        return op->coll == GW_NET_ALLREDUCE || op->coll == GW_NET_ALLGATHER ||
               op->coll == GW_NET_REDUCESCATTER;
    case GW_NET_ALGO_TREE: {
        int c = c_dom > c_node && c_dom <= 32 ? c_dom : c_node;
        return op->coll == GW_NET_ALLREDUCE && op->n / c > 1;
    }
    case GW_NET_ALGO_HIER:
        /* Only when every NVLink domain holds exactly c_dom members of a
         * group: with groups that straddle domains (32 ranks 4 apart in
         * 72-GPU domains) the "intra-domain" phases would cross the
         * network, which no library does. */
        return (op->coll == GW_NET_ALLREDUCE || op->coll == GW_NET_ALLGATHER ||
                op->coll == GW_NET_REDUCESCATTER) &&
               f->scaleup_domain > 1 && c_dom > 1 && op->n / c_dom > 1 &&
               (double)c_dom * op->stride == dom;
    case GW_NET_ALGO_DIRECT:
        return op->coll == GW_NET_ALLTOALL || op->coll == GW_NET_SENDRECV;
    case GW_NET_ALGO_HALVING:
        /* NCCL's PAT: all-gather and reduce-scatter with one rank per node,
         * power-of-two groups (NCCL 2.23 release notes). */
        return (op->coll == GW_NET_ALLGATHER || op->coll == GW_NET_REDUCESCATTER) && c_node == 1 &&
               op->n > 1 && (op->n & (op->n - 1)) == 0;
    case GW_NET_ALGO_INNET:
        /* Inside one domain: all-reduce, all-gather and reduce-scatter
         * (NCCL's NVLS kernels); the domain's switches must reduce and
         * multicast (NVLS) and the group's blocks tile the domain. Across
         * domains, all-reduce only (NCCL's CollNet / NVLS-tree
         * all-gather and reduce-scatter are not modelled): the scale-out
         * switches must reduce (SHARP), with one member per domain, or
         * the domain's members reduced by NVLS first (every domain
         * holding c_dom members, as for the hierarchical algorithm). */
        if (op->n < 2 || (op->coll != GW_NET_ALLREDUCE && op->coll != GW_NET_ALLGATHER &&
                          op->coll != GW_NET_REDUCESCATTER))
            return false;
        if (dom > 1 && c_dom == op->n && multiple(dom, op->stride * op->n))
            return f->nvls_eff > 0.0;
        if (op->coll != GW_NET_ALLREDUCE || !(f->sharp_eff > 0.0) || op->n / c_dom < 2)
            return false;
        if (c_dom == 1)
            return op->stride >= dom;
        return f->nvls_eff > 0.0 && (double)c_dom * op->stride == dom;
    default:
        return false;
    }
}

/* ---- Flow generation ------------------------------------------------------------------ */

typedef struct gen {
    gw_ctx *ctx;
    const gw__comp *c;
    gw__netp *p;
    int op;
    double start;
    double max_lat;
    bool rail;   /* rail orbits: only flows from rail 0, on the rail view's links */
    bool mirror; /* and only from the lower half of the nodes */
} gen;

/* mult identical flows from a to b. */
static gw_status flow_k(gen *g, size_t a, size_t b, double bytes, int phase, double mult)
{
    uint32_t route[24];
    double lat = 0.0;
    /* Rail orbits (rail_symmetric): every orbit of flows under the rotation
     * of the rails has exactly one flow leaving a GPU of rail 0 (the
     * rotation moves every GPU), which stands for the gpn of them. The
     * others' latencies equal their representative's. */
    if (g->rail && (g->c->g0i + a) % g->c->gpn != 0)
        return GW_OK;
    /* With the mirror too (an even number N of nodes, so it moves every
     * node), the flows from nodes below N / 2 stand for their mirror
     * images as well. */
    if (g->mirror && a / g->c->gpn >= g->c->n / g->c->gpn / 2)
        return GW_OK;
    int h = gw__comp_route(g->c, a, b, route, &lat);
    if (lat > g->max_lat)
        g->max_lat = lat;
    if (g->rail) {
        for (int i = 0; i < h; i++)
            route[i] = gw__comp_rail_link(g->c, g->mirror, route[i]);
        mult *= (double)g->c->gpn * (g->mirror ? 2.0 : 1.0);
    }
    return gw__netp_add(g->ctx, g->p, bytes, lat, g->start, g->op, phase, route, h, mult);
}

static gw_status flow(gen *g, size_t a, size_t b, double bytes, int phase)
{
    return flow_k(g, a, b, bytes, phase, 1.0);
}

/* NCCL's binary tree (ncclGetBtree): parent of rank r of n, -1 for the root. */
static int btree_parent(int n, int r)
{
    if (r == 0)
        return -1;
    int bit = 1;
    while (bit < n && !(bit & r))
        bit <<= 1;
    int up = (r ^ bit) | (bit << 1);
    if (up >= n)
        up = r ^ bit;
    return up;
}

/* Second tree of the double binary tree (ncclGetDtree): mirrored for an
 * even rank count, shifted by one for an odd one. */
static int dtree_parent(int n, int r)
{
    if (n % 2 == 0) {
        int p = btree_parent(n, n - 1 - r);
        return p < 0 ? -1 : n - 1 - p;
    }
    int p = btree_parent(n, (r - 1 + n) % n);
    return p < 0 ? -1 : (p + 1) % n;
}

/* Runs of consecutive members of the group m0 + s i that share an NVLink
 * domain (without NVLink, every member is a run). Returns the start index
 * of each run and n as a sentinel (caller frees with gw_free), the number
 * of runs and the shortest run; NULL when out of memory. */
static int *member_runs(gen *g, const gw_net_op *op, size_t m0, int *nr, int *lmin)
{
    const double D = g->c->t->f.scaleup_domain > 1 ? g->c->t->f.scaleup_domain : 0.0;
    int *st = gw_malloc(g->ctx, ((size_t)op->n + 1) * sizeof *st);
    if (!st)
        return NULL;
    int k = 0;
    double prev = -1.0;
    for (int i = 0; i < op->n; i++) {
        double gi = g->c->g0 + (double)m0 + op->stride * i;
        double dom = D > 0 ? floor(gi / D) : gi;
        if (i == 0 || dom != prev)
            st[k++] = i;
        prev = dom;
    }
    st[k] = op->n;
    int m = op->n;
    for (int j = 0; j < k; j++)
        if (st[j + 1] - st[j] < m)
            m = st[j + 1] - st[j];
    *nr = k;
    *lmin = m;
    return st;
}

/* One flow on an explicit route (the in-network reduction's legs to a
 * switch and back); never under rail orbits (rail_symmetric). */
static gw_status route_flow(gen *g, const uint32_t *route, int h, double lat, double bytes)
{
    if (lat > g->max_lat)
        g->max_lat = lat;
    return gw__netp_add(g->ctx, g->p, bytes, lat, g->start, g->op, 0, route, h, 1.0);
}

/* Up-links (tier pipes, building link) of the route from a towards b,
 * in order; returns their count. */
static int up_links(const gw__comp *c, size_t a, size_t b, uint32_t *up, double *lat)
{
    uint32_t r[24];
    int h = gw__comp_route(c, a, b, r, lat), k = 0;
    size_t bb = c->base[GW_NET_MAX_TIERS], sb = c->base[GW_NET_MAX_TIERS + 1];
    for (int i = 0; i < h; i++) {
        bool is_up = (r[i] >= bb && r[i] < bb + c->n_bld) || (r[i] >= sb && r[i] < sb + c->n_site);
        for (int j = 0; j < GW_NET_MAX_TIERS && !is_up; j++)
            is_up = c->n_sub[j] > 0 && r[i] >= c->base[j] && r[i] < c->base[j] + c->n_sub[j];
        if (is_up)
            up[k++] = r[i];
    }
    return k;
}

/* The down-link paired with up-link l (same sub-tree or building). */
static uint32_t down_of(const gw__comp *c, uint32_t l)
{
    size_t bb = c->base[GW_NET_MAX_TIERS], sb = c->base[GW_NET_MAX_TIERS + 1];
    if (l >= bb && l < bb + c->n_bld)
        return (uint32_t)(l + c->n_bld);
    if (l >= sb && l < sb + c->n_site)
        return (uint32_t)(l + c->n_site);
    for (int j = 0; j < GW_NET_MAX_TIERS; j++)
        if (c->n_sub[j] > 0 && l >= c->base[j] && l < c->base[j] + c->n_sub[j])
            return (uint32_t)(l + c->n_sub[j]);
    return l;
}

/* In-network reduction (all-reduce), pipelined in one phase as NCCL's NVLS
 * and NVLS-tree / CollNet kernels run it:
 *  - NVLS in a domain of c members: each member's NVLink carries B out
 *    (the switch reads every member's buffer to reduce it) and B / c in
 *    (its reduced share), then B / c out (its share, multicast by the
 *    switch) and B in: (1 + 1/c) B each way, one flow through the switch
 *    and back, inflated by 1 / nvls_eff (NCCL's NVLS efficiency, so that
 *    contending flows see the time it really holds the link);
 *  - SHARP across domains on the share B / c of each position j: every
 *    member's NIC sends B / c up and receives B / c, and every sub-tree
 *    (and building) holding members of the position below the group's
 *    top switch carries ONE reduced stream of B / c each way on its
 *    uplinks (the switches aggregate), inflated by 1 / sharp_eff. */
static gw_status innet_flows(gen *g, const gw_net_op *op, size_t m0)
{
    const gw__comp *c = g->c;
    const gw_net_fabric *f = &c->t->f;
    const int n = op->n;
    const size_t s = (size_t)op->stride;
    const double B = op->bytes;
    const size_t N = c->n;
    int cm = per_unit(op, f->scaleup_domain);
    if (cm > n)
        cm = n;
    const int doms = n / cm;
    gw_status rc = GW_OK;
    uint32_t route[24];
    double lat = 0.0;
#define M(i) (m0 + s * (size_t)(i))
    if (cm > 1 && doms == 1 && op->coll != GW_NET_ALLREDUCE) {
        /* NVLS all-gather (B the gathered output): each member sends its
         * B / c once to the multicast address and receives B; NVLS
         * reduce-scatter: the switch reads all of every member's B and
         * hands it its reduced B / c (NCCL issue 1083: "NVLS: Send S,
         * Receive S/N" for reduce-scatter, "Send S/N, Receive S" for
         * all-gather). One flow each way per member. */
        double out = op->coll == GW_NET_ALLGATHER ? B / cm : B;
        double in = op->coll == GW_NET_ALLGATHER ? B : B / cm;
        for (int i = 0; i < n && rc == GW_OK; i++) {
            int h = gw__comp_route(c, M(i), M(i), route, &lat);
            if (f->nvls_latency_s > lat)
                lat = f->nvls_latency_s;
            if (h != 2)
                return GW_EINTERNAL;
            rc = route_flow(g, route, 1, lat, out / f->nvls_eff);
            if (rc == GW_OK)
                rc = route_flow(g, route + 1, 1, lat, in / f->nvls_eff);
        }
        return rc;
    }
    if (cm > 1) {
        double nv = (1.0 + 1.0 / cm) * B / f->nvls_eff;
        if (doms > 1)
            nv = (B + B / cm) / f->nvls_eff;
        for (int i = 0; i < n && rc == GW_OK; i++) {
            int h = gw__comp_route(c, M(i), M(i), route, &lat);
            if (f->nvls_latency_s > lat)
                lat = f->nvls_latency_s;
            rc = route_flow(g, route, h, lat, nv);
        }
    }
    if (doms < 2)
        return rc;
    const double sb = B / cm / f->sharp_eff;
    for (int j = 0; j < cm && rc == GW_OK; j++) {
        size_t first = M(j), last = M((doms - 1) * cm + j);
        double glat = 0.0;
        uint32_t prev[8];
        int np = 0;
        (void)up_links(c, first, last, prev, &glat);
        np = 0;
        for (int d = 0; d < doms && rc == GW_OK; d++) {
            size_t u = M(d * cm + j);
            uint32_t nic[2] = {(uint32_t)(2 * N + u), (uint32_t)(3 * N + u)};
            rc = route_flow(g, nic, 2, glat, sb);
            /* The path up to the group's top: the longer of the paths
             * towards the first and the last member. */
            uint32_t u1[8], u2[8];
            double l1, l2;
            int k1 = up_links(c, u, first, u1, &l1);
            int k2 = up_links(c, u, last, u2, &l2);
            uint32_t *up = k1 >= k2 ? u1 : u2;
            int k = k1 >= k2 ? k1 : k2;
            for (int i = 0; i < k && rc == GW_OK; i++) {
                bool seen = false;
                for (int q = 0; q < np && !seen; q++)
                    seen = prev[q] == up[i];
                if (seen)
                    continue;
                uint32_t pr[2] = {up[i], down_of(c, up[i])};
                rc = route_flow(g, pr, 2, glat, sb);
            }
            memcpy(prev, up, (size_t)k * sizeof *up);
            np = k;
        }
    }
    return rc;
#undef M
}

/* The flows of one group with members m0 + s i (component-local). */
static gw_status group_flows(gen *g, const gw_net_op *op, gw_net_algo a, size_t m0)
{
    const gw_net_fabric *f = &g->c->t->f;
    const int n = op->n;
    const size_t s = (size_t)op->stride;
    const double B = op->bytes;
    gw_status rc = GW_OK;
#define M(i) (m0 + s * (size_t)(i))
    if (op->coll == GW_NET_SENDRECV) {
        for (int i = 0; i < n && rc == GW_OK; i++)
            rc = flow(g, M(i), M((i + 1) % n), B, 0);
        return rc;
    }
    if (op->coll == GW_NET_ALLTOALL) {
        for (int i = 0; i < n && rc == GW_OK; i++)
            for (int j = 0; j < n && rc == GW_OK; j++)
                if (i != j)
                    rc = flow(g, M(i), M(j), B / n, 0);
        return rc;
    }
    double fac = op->coll == GW_NET_ALLREDUCE ? 2.0 * (n - 1) / n : (double)(n - 1) / n;
    if (a == GW_NET_ALGO_RING) {
        /* Runs of consecutive members in one NVLink domain (a group of 64
         * ranks 4 apart in 72-GPU domains has runs of 18 and less). One
         * channel per member of the shortest run, at most 32 (NCCL's
         * limit): channel ch enters each run at its ch-th member, visits the
         * run over NVLink and leaves from the member before it to the next
         * run's ch-th member (PXN keeps the hop on one rail). */
        int nr = 0, lmin = 0;
        int *st = member_runs(g, op, m0, &nr, &lmin);
        if (!st)
            return GW_ENOMEM;
        if (nr <= 1) {
            for (int i = 0; i < n && rc == GW_OK; i++)
                rc = flow(g, M(i), M((i + 1) % n), fac * B, 0);
            gw_free(g->ctx, st);
            return rc;
        }
        /* Channels: the longest run's members, at most 32; a shorter run
         * (a partial domain at the end of the job) takes several channels
         * per member, channel ch entering at member ch mod L. */
        int lmax = 0;
        for (int k = 0; k < nr; k++)
            if (st[k + 1] - st[k] > lmax)
                lmax = st[k + 1] - st[k];
        (void)lmin;
        int C = lmax < 32 ? lmax : 32;
        double share = fac * B / C;
        for (int k = 0; k < nr && rc == GW_OK; k++) {
            int base = st[k], L = st[k + 1] - st[k], next = st[(k + 1) % nr];
            int Ln = st[(k + 1) % nr + 1] - next;
            /* Hop q -> q+1 is in every channel's walk but those entering at
             * q + 1: one bundle of the channels that use it. */
            for (int q = 0; q < L && rc == GW_OK && L > 1; q++) {
                int r = (q + 1) % L;
                double enter = r < C ? (double)((C - 1 - r) / L + 1) : 0.0;
                double mult = C - enter;
                if (mult > 0)
                    rc = flow_k(g, M(base + q), M(base + (q + 1) % L), share, 0, mult);
            }
            for (int ch = 0; ch < C && rc == GW_OK; ch++)
                rc = flow(g, M(base + (ch % L + L - 1) % L), M(next + ch % Ln), share, 0);
        }
        gw_free(g->ctx, st);
        return rc;
    }
    if (a == GW_NET_ALGO_TREE) {
        int c = per_unit(op, f->gpus_per_node);
        int cd = per_unit(op, f->scaleup_domain);
        if (cd > c && cd <= 32)
            c = cd; /* the domain is the tree's node, as for the ring */
        int nodes = n / c;
        /* Every channel (one per member of a node, on that member's rail)
         * carries half its share on each tree, so every NIC serves both
         * trees: interior in one, a leaf in the other (NCCL's balance). */
        int chans = 2 * c;
        double share = B / chans;
        for (int k = 0; k < nodes && rc == GW_OK && c > 1; k++) {
            /* Chains inside the node from each channel's head (member
             * ch / 2): hop q -> q+1 is in every chain but those headed by
             * q + 1, 2 (c - 1) channels, both ways (one bundle each). */
            int base = k * c;
            for (int q = 0; q < c && rc == GW_OK; q++) {
                size_t u = M(base + q), v = M(base + (q + 1) % c);
                rc = flow_k(g, v, u, share, 0, 2.0 * (c - 1));
                if (rc == GW_OK)
                    rc = flow_k(g, u, v, share, 0, 2.0 * (c - 1));
            }
        }
        for (int ch = 0; ch < chans && rc == GW_OK; ch++) {
            int cc = ch / 2;
            for (int k = 0; k < nodes && rc == GW_OK; k++) {
                int base = k * c;
                int par = ch % 2 == 0 ? btree_parent(nodes, k) : dtree_parent(nodes, k);
                if (par >= 0 && rc == GW_OK) {
                    size_t u = M(base + cc), v = M(par * c + cc);
                    rc = flow(g, u, v, share, 0);
                    if (rc == GW_OK)
                        rc = flow(g, v, u, share, 0);
                }
            }
        }
        return rc;
    }
    if (a == GW_NET_ALGO_HALVING) {
        /* Recursive halving (Thakur et al. 2005): in step k every member
         * trades half of what it still holds with the member n / 2^(k+1)
         * away; recursive doubling for all-gather runs the steps in
         * reverse with growing halves. Each step is a phase (its own
         * latency). */
        int steps = 0;
        while ((1 << steps) < n)
            steps++;
        int ph = 0;
        if (op->coll != GW_NET_ALLGATHER) {
            for (int k = 0; k < steps && rc == GW_OK; k++, ph++) {
                int d = n >> (k + 1);
                double b = B / (double)(2 << k);
                for (int i = 0; i < n && rc == GW_OK; i++)
                    rc = flow(g, M(i), M(i ^ d), b, ph);
            }
        }
        if (op->coll != GW_NET_REDUCESCATTER) {
            double base_b = op->coll == GW_NET_ALLGATHER ? B / n : B / n;
            for (int k = 0; k < steps && rc == GW_OK; k++, ph++) {
                int d = 1 << k;
                double b = base_b * (double)(1 << k);
                for (int i = 0; i < n && rc == GW_OK; i++)
                    rc = flow(g, M(i), M(i ^ d), b, ph);
            }
        }
        return rc;
    }
    if (a == GW_NET_ALGO_INNET)
        return innet_flows(g, op, m0);
    /* Hierarchical. */
    int c = per_unit(op, f->scaleup_domain);
    int doms = n / c;
    double intra = (double)(c - 1) / c * B;
    double inter_b = B / c;
    double inter = (op->coll == GW_NET_ALLREDUCE ? 2.0 : 1.0) * (doms - 1.0) / doms * inter_b;
    int ph_in = 0, ph_x = 1, ph_out = 2;
    if (op->coll == GW_NET_ALLGATHER) {
        ph_x = 0;
        ph_out = 1;
        ph_in = -1;
    } else if (op->coll == GW_NET_REDUCESCATTER) {
        ph_in = 0;
        ph_x = 1;
        ph_out = -1;
    }
    for (int d = 0; d < doms && rc == GW_OK; d++) {
        for (int j = 0; j < c && rc == GW_OK; j++) {
            size_t u = M(d * c + j), v = M(d * c + (j + 1) % c);
            if (ph_in >= 0)
                rc = flow(g, u, v, intra, ph_in);
            if (ph_out >= 0 && rc == GW_OK)
                rc = flow(g, u, v, intra, ph_out);
            if (rc == GW_OK)
                rc = flow(g, u, M(((d + 1) % doms) * c + j), inter, ph_x);
        }
    }
    return rc;
#undef M
}

static double est_flows_per_gpu(const gw_net_op *op, gw_net_algo a, const gw_net_fabric *f)
{
    if (op->coll == GW_NET_ALLTOALL)
        return op->n - 1.0;
    if (a == GW_NET_ALGO_INNET)
        return 2.0 + GW_NET_MAX_TIERS;
    if (a == GW_NET_ALGO_TREE)
        return 4.0 * per_unit(op, f->gpus_per_node) + 2.0;
    if (a == GW_NET_ALGO_HIER)
        return 3.0;
    if (a == GW_NET_ALGO_HALVING)
        return 2.0 * ceil(log2((double)op->n));
    if (a == GW_NET_ALGO_RING)
        return fmax((double)per_unit(op, f->gpus_per_node),
                    per_unit(op, f->scaleup_domain) <= 32 ? per_unit(op, f->scaleup_domain) : 0);
    return 1.0;
}

/* Solver variables per GPU before the quotient (bundles count once): what
 * a simulation costs. */
static double est_vars_per_gpu(const gw_net_op *op, gw_net_algo a)
{
    if (op->coll == GW_NET_ALLTOALL)
        return op->n - 1.0;
    switch (a) {
    case GW_NET_ALGO_TREE:
        return 6.0;
    case GW_NET_ALGO_HIER:
        return 3.0;
    case GW_NET_ALGO_INNET:
        return 3.0;
    case GW_NET_ALGO_RING:
        return 2.0;
    case GW_NET_ALGO_HALVING:
        return (op->coll == GW_NET_ALLREDUCE ? 2.0 : 1.0) * ceil(log2((double)op->n));
    default:
        return 1.0;
    }
}

/* ---- Components -------------------------------------------------------------------------- */

static bool multiple(double a, double b)
{
    return b > 0 && fmod(a, b) == 0.0;
}

static double gcd_d(double a, double b)
{
    while (b > 0.5) {
        double r = fmod(a, b);
        a = b;
        b = r;
    }
    return a;
}

static double lcm_d(double a, double b)
{
    return a / gcd_d(a, b) * b;
}

/* The component size: the smallest U, a multiple of every op's block and
 * of the node, that nests with every unit of the hierarchy (U divides it
 * or it divides U: scalable units, sub-trees, buildings). Traffic then
 * never leaves a component and components own the links inside them (an
 * NVLink domain's links are per GPU, so a domain split between two
 * components shares none). Components differ only in where the NVLink
 * domains fall on them (comp_types). Else the job. */
static double component_size(const gw_net_topo *t, double job, const gw_net_op *ops, size_t n_ops)
{
    /* Named failures make the units unequal: the whole job is one. */
    if (t->f.n_failed > 0)
        return job;
    double U0 = (double)t->f.gpus_per_node;
    for (size_t i = 0; i < n_ops; i++)
        U0 = lcm_d(U0, ops[i].stride * ops[i].n);
    double units[GW_NET_MAX_TIERS + 2];
    int nu = 0;
    if (t->tiers >= 2)
        for (int j = 0; j <= t->tiers - 2; j++)
            units[nu++] = t->subtree_gpus[j];
    if (t->f.buildings > 1)
        units[nu++] = t->building_gpus;
    if (t->f.sites > 1)
        units[nu++] = t->site_gpus;
    /* A component inside a scalable unit keeps its traffic on its leaves
     * only when every flow between rails moves over NVLink (PXN, or inside
     * a domain). Without NVLink or PXN such a flow climbs the leaf's
     * uplinks, which the unit's other components share: then the component
     * must hold whole scalable units. */
    bool on_leaves = t->f.pxn && t->f.scaleup_domain > 1;
    for (double U = U0; U < job; U += U0) {
        bool ok = true;
        for (int u = 0; u < nu && ok; u++)
            ok = (multiple(units[u], U) && (on_leaves || u > 0 || t->tiers < 2)) ||
                 multiple(U, units[u]);
        if (ok)
            return U;
        if (U > 64.0 * U0 && U > 1e5)
            break; /* nests only with the whole job */
    }
    return job;
}

/* Component types (the symmetry argument, docs/models/net.md): whole
 * components of U GPUs at k U are link-disjoint and identical but for the
 * offset of the NVLink domains on them, k U mod D, which repeats with
 * period m = D / gcd(U, D) in k. Component k is isomorphic to component
 * k mod m (the translation by a multiple of m U maps domains onto domains,
 * and every unit nests with U, so it maps the units' links too); one
 * simulation per type, weighted by its count, is exact. Returns the
 * number of types m (at most full); type i has floor((full - 1 - i) / m)
 * + 1 components. */
static size_t comp_types(const gw_net_topo *t, double U, double full)
{
    double D = t->f.scaleup_domain > 1 ? (double)t->f.scaleup_domain : 1.0;
    double m = D / gcd_d(U, D);
    if (m > full)
        m = full;
    return (size_t)m;
}

/* GPUs a collapsed simulation expands: one component per type and the
 * partial one. */
static double sim_gpus(const gw_net_topo *t, double job, const gw_net_op *ops, size_t n_ops)
{
    double U = component_size(t, job, ops, n_ops);
    double full = floor(job / U), rest = job - full * U;
    return U * (double)comp_types(t, U, full) + rest;
}

double gw__net_estimate_flows(const gw_net_topo *t, double job, const gw_net_op *ops, size_t n_ops)
{
    double U = sim_gpus(t, job, ops, n_ops);
    double per = 0.0;
    for (size_t i = 0; i < n_ops; i++) {
        /* AUTO: the cheapest applicable algorithm (the search skips the
         * costly ones when a cheaper one exists). */
        double best = 0.0;
        for (int a = GW_NET_ALGO_RING; a < GW_NET_ALGO_COUNT_; a++)
            if ((ops[i].algo == GW_NET_ALGO_AUTO || ops[i].algo == (gw_net_algo)a) &&
                algo_ok(&ops[i], (gw_net_algo)a, &t->f)) {
                double v = est_vars_per_gpu(&ops[i], (gw_net_algo)a);
                best = best > 0.0 ? fmin(best, v) : v;
            }
        per += best;
    }
    return U * per;
}

/* Tree node size of a tree all-reduce (group_flows): the members in one
 * node, or in one NVLink domain of at most 32 of them. */
static int tree_unit(const gw_net_op *op, const gw_net_fabric *f)
{
    int c = per_unit(op, f->gpus_per_node);
    int cd = per_unit(op, f->scaleup_domain);
    return cd > c && cd <= 32 ? cd : c;
}

/* Symmetries of the ops' flows in a component that the generator can use
 * (rail_symmetric). */
enum { SYM_NONE = 0, SYM_RAIL, SYM_RAIL_MIRROR };

/* Whether the ops' flows in component c are invariant under the rotation
 * of the rails (gw__comp_rail_ok: the fabric is), so that one flow per
 * orbit, those leaving rail 0, can be generated (docs/models/net.md,
 * "Rail orbits"). Shown for two algorithms whose structure sits on whole
 * nodes, groups m0 + s i with s dividing the node and gpn / s members per
 * node (blocks of s n GPUs are whole nodes, and the rotation maps group o
 * to group o + 1 of the same block, or group s - 1 to group 0 shifted by
 * one member):
 *   tree: channel cc on member cc of every tree node maps to channel
 *     cc + 1 (of the same tree: the trees are over nodes), the cyclic chain
 *     q -> q + 1 inside a node to q + 1 -> q + 2; this needs the tree node
 *     to be one physical node (tree_unit x s = gpn);
 *   hierarchical: the cyclic ring over a domain's members maps to itself
 *     shifted when the domain is one node (domain = gpn), and the ring
 *     across domains of position j to that of position j + 1.
 * Anything else keeps the full expansion. Tree all-reduces over an even
 * number m of tree nodes are invariant under the mirror of the nodes as
 * well (gw__comp_mirror_ok: the fabric is): NCCL's second tree is the
 * first mirrored (dtree_parent), so channel 2cc's edge k -> parent(k) maps
 * to channel 2cc + 1's edge m-1-k -> m-1-parent(k), block b to block
 * count-1-b, and chains stay chains. (For odd m the second tree is
 * shifted, not mirrored; the ring across domains of the hierarchical
 * algorithm would run backwards.) */
static int rail_symmetric(const gw__comp *c, const gw_net_op *ops, const gw_net_algo *algos,
                          size_t n_ops)
{
    if (!gw__comp_rail_ok(c) || c->t->f.n_failed > 0)
        return SYM_NONE;
    bool mirror = gw__comp_mirror_ok(c);
    const gw_net_fabric *f = &c->t->f;
    const int gpn = f->gpus_per_node;
    for (size_t i = 0; i < n_ops; i++) {
        const gw_net_op *op = &ops[i];
        double s = op->stride;
        if (s > gpn || fmod((double)gpn, s) != 0.0)
            return SYM_NONE;
        int members = (int)((double)gpn / s);
        if (op->n % members != 0)
            return SYM_NONE;
        if (algos[i] == GW_NET_ALGO_TREE) {
            if (tree_unit(op, f) != members)
                return SYM_NONE;
            if ((op->n / members) % 2 != 0)
                mirror = false;
        } else if (algos[i] == GW_NET_ALGO_HIER) {
            if (f->scaleup_domain != gpn || per_unit(op, f->scaleup_domain) != members)
                return SYM_NONE;
            mirror = false;
        } else {
            return SYM_NONE;
        }
    }
    return mirror ? SYM_RAIL_MIRROR : SYM_RAIL;
}

typedef struct comp_out {
    double op_done[GW_NET_MAX_OPS]; /* last completion minus start */
    double op_lat[GW_NET_MAX_OPS];  /* largest route latency */
    double flows, flow_classes, link_classes;
    /* per link kind-tier: max utilisation numerator (carried / cap) and count */
    double kt_busy[GW__NL_KINDS_ * 8], kt_count[GW__NL_KINDS_ * 8], kt_cap[GW__NL_KINDS_ * 8];
} comp_out;

static size_t kt_index(uint32_t kt)
{
    uint32_t kind = kt >> 8, tier = kt & 0xff;
    return (size_t)kind * 8 + (tier < 7 ? tier : 7);
}

static gw_status run_component(gw_ctx *ctx, const gw_net_topo *t, double g0, size_t n,
                               const gw_net_op *ops, const gw_net_algo *algos, size_t n_ops,
                               bool collapse, comp_out *co, gw_error *err)
{
    gw__comp c;
    gw__comp_init(&c, t, g0, n);
    gw__netp e;
    double est = 0.0;
    for (size_t i = 0; i < n_ops; i++)
        est += (double)n * est_flows_per_gpu(&ops[i], algos[i], &t->f);
    if (est > 6e7)
        return gw__err(err, GW_ERANGE,
                       "%.3g flows in one component is beyond what the simulator expands; "
                       "use fewer ranks per all-to-all group",
                       est);
    /* The quotient needs no more than one flow per rail orbit when the
     * traffic is symmetric under rotating the rails (collapsed mode only:
     * the expanded mode is the reference it is checked against). */
    int sym = collapse ? rail_symmetric(&c, ops, algos, n_ops) : SYM_NONE;
    bool rail = sym != SYM_NONE, mirror = sym == SYM_RAIL_MIRROR;
    if (rail)
        est /= (double)c.gpn * (mirror ? 2.0 : 1.0);
    gw_status rc = gw__netp_init(ctx, &e, rail ? gw__comp_rail_nlinks(&c) : c.n_links,
                                 (size_t)est + 16, (size_t)(est * 6) + 64);
    if (rc != GW_OK) {
        gw__netp_free(ctx, &e);
        return gw__err(err, GW_ENOMEM, "out of memory");
    }
    if (rail)
        gw__comp_rail_links(&c, mirror, &e);
    else
        gw__comp_links(&c, &e);
    gen g = {ctx, &c, &e, 0, 0.0, 0.0, rail, mirror};
    for (size_t i = 0; i < n_ops && rc == GW_OK; i++) {
        g.op = (int)i;
        g.start = ops[i].start_s;
        g.max_lat = 0.0;
        double blk = ops[i].stride * ops[i].n;
        for (double b0 = 0; b0 + blk <= (double)n && rc == GW_OK; b0 += blk)
            for (size_t o = 0; o < (size_t)ops[i].stride && rc == GW_OK; o++)
                rc = group_flows(&g, &ops[i], algos[i], (size_t)b0 + o);
        co->op_lat[i] = g.max_lat;
    }
    if (rc != GW_OK) {
        gw__netp_free(ctx, &e);
        return gw__err(err, rc, "out of memory building flows");
    }
    co->flows = 0.0;
    for (size_t f = 0; f < e.nf; f++)
        co->flows += e.mult_f[f];
    gw__netp q;
    gw__netp *solve = &e;
    uint32_t *fcls = NULL;
    if (collapse) {
        rc = gw__netp_quotient(ctx, &e, &q, &fcls, err);
        if (rc != GW_OK) {
            gw__netp_free(ctx, &e);
            return gw__err(err, rc, "out of memory in the quotient");
        }
        solve = &q;
    }
    rc = gw__netp_solve(ctx, solve, err);
    if (rc == GW_OK) {
        co->flow_classes = (double)solve->nf;
        co->link_classes = (double)solve->nl;
        for (size_t i = 0; i < n_ops; i++)
            co->op_done[i] = 0.0;
        for (size_t f = 0; f < solve->nf; f++) {
            int o = solve->op[f];
            double d = solve->done[f] - ops[o].start_s;
            if (d > co->op_done[o])
                co->op_done[o] = d;
        }
        for (size_t l = 0; l < solve->nl; l++) {
            size_t k = kt_index(solve->kind_l[l]);
            /* carried is per link of the class (w is per link). */
            double per = solve->carried[l] / solve->cap[l];
            if (per > co->kt_busy[k])
                co->kt_busy[k] = per;
            co->kt_count[k] += solve->mult_l[l];
            co->kt_cap[k] = solve->cap[l];
        }
    }
    if (collapse)
        gw__netp_free(ctx, &q);
    gw_free(ctx, fcls);
    gw__netp_free(ctx, &e);
    return rc;
}

static gw_status check_ops(const gw_net_topo *t, double job, const gw_net_op *ops, size_t n_ops,
                           gw_error *err)
{
    if (!(job >= 1.0) || job > t->f.gpus)
        return gw__err(err, GW_ERANGE, "the job needs %.0f GPUs; the fabric has %.0f", job,
                       t->f.gpus);
    if (n_ops < 1 || n_ops > GW_NET_MAX_OPS)
        return gw__err(err, GW_EINVAL, "expected 1 to %d collectives", GW_NET_MAX_OPS);
    for (size_t i = 0; i < n_ops; i++) {
        const gw_net_op *o = &ops[i];
        if (o->n < 1 || !(o->stride >= 1.0) || o->stride != floor(o->stride) ||
            !(o->bytes >= 0.0) || !isfinite(o->bytes))
            return gw__err(err, GW_ERANGE, "collective %zu: bad ranks, stride or size", i);
        if (!multiple(job, o->stride * o->n))
            return gw__err(err, GW_ERANGE,
                           "%s over %d ranks %g GPUs apart does not tile the %.0f GPUs of the job",
                           gw_net_coll_name(o->coll), o->n, o->stride, job);
        if (o->algo != GW_NET_ALGO_AUTO && !algo_ok(o, o->algo, &t->f))
            return gw__err(err, GW_ERANGE, "the %s algorithm does not apply to %s over %d ranks",
                           gw_net_algo_name(o->algo), gw_net_coll_name(o->coll), o->n);
    }
    return GW_OK;
}

static gw_status simulate_fixed(gw_ctx *ctx, const gw_net_topo *t, double job, const gw_net_op *ops,
                                const gw_net_algo *algos, size_t n_ops, gw_net_mode mode,
                                gw_net_sim_result *out, gw_error *err)
{
    bool collapse = mode != GW_NET_MODE_EXPANDED;
    double U = collapse ? component_size(t, job, ops, n_ops) : job;
    if (!collapse && job > GW_NET_EXPANDED_MAX_GPUS)
        return gw__err(err, GW_ERANGE, "the expanded mode is for up to %d GPUs, not %.0f",
                       GW_NET_EXPANDED_MAX_GPUS, job);
    double full = floor(job / U);
    double rest = job - full * U;
    size_t types = collapse ? comp_types(t, U, full) : 1;
    /* a: the whole components, merged over their types (counts weighted);
     * b: the partial one. */
    comp_out a, b, one;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    gw_status rc = GW_OK;
    for (size_t k = 0; k < types && rc == GW_OK; k++) {
        memset(&one, 0, sizeof one);
        rc =
            run_component(ctx, t, (double)k * U, (size_t)U, ops, algos, n_ops, collapse, &one, err);
        if (rc != GW_OK)
            break;
        for (size_t i = 0; i < n_ops; i++) {
            a.op_done[i] = fmax(a.op_done[i], one.op_done[i]);
            a.op_lat[i] = fmax(a.op_lat[i], one.op_lat[i]);
        }
        double cnt = floor((full - 1.0 - (double)k) / (double)types) + 1.0;
        a.flows += one.flows * cnt;
        a.flow_classes += one.flow_classes;
        a.link_classes += one.link_classes;
        for (size_t q = 0; q < GW__NL_KINDS_ * 8; q++) {
            a.kt_busy[q] = fmax(a.kt_busy[q], one.kt_busy[q]);
            a.kt_count[q] += one.kt_count[q] * cnt;
            a.kt_cap[q] = fmax(a.kt_cap[q], one.kt_cap[q]);
        }
    }
    if (rc == GW_OK && rest > 0)
        rc = run_component(ctx, t, full * U, (size_t)rest, ops, algos, n_ops, collapse, &b, err);
    if (rc != GW_OK)
        return rc;
    memset(out, 0, sizeof *out);
    out->n_ops = n_ops;
    out->collapsed = collapse;
    out->components = full + (rest > 0 ? 1 : 0);
    out->component_types = (double)types + (rest > 0 ? 1 : 0);
    out->flows = a.flows + b.flows;
    out->flow_classes = a.flow_classes + b.flow_classes;
    out->link_classes = a.link_classes + b.link_classes;
    gw__comp cj;
    gw__comp_init(&cj, t, 0.0, (size_t)job);
    out->links = (double)cj.n_links;
    for (size_t i = 0; i < n_ops; i++) {
        double d = fmax(a.op_done[i], b.op_done[i]);
        double lat = fmax(a.op_lat[i], b.op_lat[i]);
        /* Step latencies beyond the first; halving-doubling's steps are
         * phases, each already waiting for its route latency. */
        double extra = algos[i] == GW_NET_ALGO_HALVING
                           ? 0.0
                           : (steps_of(&ops[i], algos[i], &t->f) - 1.0) * lat;
        if (ops[i].bytes <= 0.0 || ops[i].n <= 1) {
            d = 0.0;
            extra = 0.0;
        }
        out->op[i].algo = algos[i];
        out->op[i].time_s = d + (extra > 0 ? extra : 0.0);
        out->op[i].algbw_Bps = out->op[i].time_s > 0 ? ops[i].bytes / out->op[i].time_s : 0.0;
        out->op[i].busbw_Bps = out->op[i].algbw_Bps * gw_net_busbw_factor(ops[i].coll, ops[i].n);
        out->op[i].flows = job * est_flows_per_gpu(&ops[i], algos[i], &t->f);
        double end = ops[i].start_s + out->op[i].time_s;
        if (end > out->time_s)
            out->time_s = end;
    }
    /* Hottest link kinds: bytes carried per link over capacity x time. */
    typedef struct {
        size_t k;
        double u;
    } hk;
    hk hot[GW__NL_KINDS_ * 8];
    size_t nh = 0;
    for (size_t k = 0; k < GW__NL_KINDS_ * 8; k++) {
        double busy = fmax(a.kt_busy[k], b.kt_busy[k]);
        if (busy <= 0.0 || out->time_s <= 0.0)
            continue;
        hot[nh].k = k;
        hot[nh++].u = busy / out->time_s;
    }
    for (size_t i = 0; i < nh; i++)
        for (size_t j = i + 1; j < nh; j++)
            if (hot[j].u > hot[i].u) {
                hk tmp = hot[i];
                hot[i] = hot[j];
                hot[j] = tmp;
            }
    for (size_t i = 0; i < nh && i < GW_NET_MAX_HOT; i++) {
        size_t k = hot[i].k;
        gw_net_hot_link *h = &out->hot[out->n_hot++];
        uint32_t kt = (uint32_t)(k / 8) << 8 | (uint32_t)(k % 8 == 7 ? 0xff : k % 8);
        gw__net_kind_name(kt, h->name, sizeof h->name);
        h->tier = (k % 8 == 7) ? -1 : (int)(k % 8);
        h->count = a.kt_count[k] + b.kt_count[k];
        h->busy_frac = hot[i].u > 1.0 ? 1.0 : hot[i].u;
        h->Bps = fmax(a.kt_cap[k], b.kt_cap[k]);
    }
    return GW_OK;
}

gw_status gw_net_simulate(gw_ctx *ctx, const gw_net_topo *t, double job, const gw_net_op *ops,
                          size_t n_ops, gw_net_mode mode, gw_net_sim_result *out, gw_error *err)
{
    return gw__net_simulate_capped(ctx, t, job, ops, n_ops, mode, (double)INFINITY, out, err);
}

gw_status gw__net_simulate_capped(gw_ctx *ctx, const gw_net_topo *t, double job,
                                  const gw_net_op *ops, size_t n_ops, gw_net_mode mode,
                                  double max_vars, gw_net_sim_result *out, gw_error *err)
{
    if (!t || !ops || !out)
        return gw__err(err, GW_EINVAL, "gw_net_simulate: NULL argument");
    gw_status rc = check_ops(t, job, ops, n_ops, err);
    if (rc != GW_OK)
        return rc;
    gw_net_algo algos[GW_NET_MAX_OPS];
    /* AUTO: the fastest applicable algorithm of each op run alone, as
     * NCCL's tuner would pick it for this size. */
    for (size_t i = 0; i < n_ops; i++) {
        algos[i] = ops[i].algo;
        if (algos[i] != GW_NET_ALGO_AUTO)
            continue;
        double best = (double)INFINITY;
        /* Fewest latency steps first; an algorithm whose step latencies
         * alone exceed the best time so far cannot win (a ring over a
         * million ranks takes 2 million steps). */
        static const gw_net_algo order[] = {GW_NET_ALGO_INNET,   GW_NET_ALGO_DIRECT,
                                            GW_NET_ALGO_HALVING, GW_NET_ALGO_TREE,
                                            GW_NET_ALGO_HIER,    GW_NET_ALGO_RING};
        double lat_min = fmin(t->f.scaleup_latency_s, t->f.nic_latency_s);
        /* Algorithms whose expansion would exceed GW_NET_AUTO_MAX_VARS are
         * skipped while a cheaper one applies (a double binary tree or
         * halving-doubling over a million ranks: tens of millions of
         * flows, tens of seconds). */
        double U = sim_gpus(t, job, &ops[i], 1);
        double cheapest = (double)INFINITY;
        for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
            if (!algo_ok(&ops[i], order[k], &t->f))
                continue;
            double cost = U * est_vars_per_gpu(&ops[i], order[k]);
            cheapest = fmin(cheapest, cost);
            /* With a budget, an applicable algorithm beyond it might be
             * the fastest: no answer rather than a wrong one, before any
             * costly run. */
            if (cost > max_vars)
                return gw__err(err, GW_ERANGE, "%s: %.2g flows, beyond the budget",
                               gw_net_algo_name(order[k]), cost);
        }
        /* Two rounds: the algorithms within the budget, then the cheapest
         * one over it whose step latencies alone could still beat them
         * (at a million ranks the tree, whose latency is logarithmic). */
        gw_net_algo over = GW_NET_ALGO_AUTO;
        double over_cost = (double)INFINITY;
        /* The over-budget candidate runs first when its step latencies
         * are a tenth of every other's or less (a tree against a ring
         * over a million ranks): then the others' latencies alone exceed
         * its time and they are skipped. The answer is the same either
         * way (the fastest of those that could win); only the cost
         * changes. */
        double lat_in = (double)INFINITY;
        const size_t n_order = sizeof order / sizeof order[0];
        for (size_t k = 0; k < n_order; k++) {
            if (!algo_ok(&ops[i], order[k], &t->f))
                continue;
            double cost = U * est_vars_per_gpu(&ops[i], order[k]);
            if (cost > GW_NET_AUTO_MAX_VARS && cost > cheapest) {
                if (cost < over_cost) {
                    over_cost = cost;
                    over = order[k];
                }
            } else {
                lat_in = fmin(lat_in, steps_of(&ops[i], order[k], &t->f));
            }
        }
        bool over_first =
            over != GW_NET_ALGO_AUTO && 10.0 * steps_of(&ops[i], over, &t->f) <= lat_in;
        for (size_t k0 = 0; k0 <= n_order + 1; k0++) {
            gw_net_algo one;
            /* k0 = 0: the over-budget candidate when it goes first;
             * 1 .. n_order: the others; n_order + 1: it, when last. */
            if (k0 == 0 || k0 == n_order + 1) {
                if (over == GW_NET_ALGO_AUTO || over_first != (k0 == 0))
                    continue;
                one = over;
            } else {
                one = order[k0 - 1];
                if (!algo_ok(&ops[i], one, &t->f))
                    continue;
                double cost = U * est_vars_per_gpu(&ops[i], one);
                if (cost > GW_NET_AUTO_MAX_VARS && cost > cheapest)
                    continue;
            }
            if (steps_of(&ops[i], one, &t->f) * lat_min >= best)
                continue;
            if (U * est_vars_per_gpu(&ops[i], one) > max_vars)
                return gw__err(err, GW_ERANGE, "%s: %.2g flows, beyond the budget",
                               gw_net_algo_name(one), U * est_vars_per_gpu(&ops[i], one));
            gw_net_sim_result r;
            gw_status rc2 = simulate_fixed(ctx, t, job, &ops[i], &one, 1, mode, &r, err);
            if (rc2 == GW_ERANGE)
                continue; /* too large in this algorithm: try the others */
            if (rc2 != GW_OK)
                return rc2;
            if (r.op[0].time_s < best) {
                best = r.op[0].time_s;
                algos[i] = one;
                if (n_ops == 1)
                    *out = r; /* one op: this run is the answer */
            }
        }
        if (algos[i] == GW_NET_ALGO_AUTO)
            return gw__err(err, GW_ERANGE, "no algorithm can simulate %s over %d ranks here",
                           gw_net_coll_name(ops[i].coll), ops[i].n);
    }
    gw__err_clear(err);
    if (n_ops == 1 && ops[0].algo == GW_NET_ALGO_AUTO)
        return GW_OK;
    return simulate_fixed(ctx, t, job, ops, algos, n_ops, mode, out, err);
}

/* ---- Oracle exchange format ---------------------------------------------------------------- */

gw_status gw_net_dump_oracle(gw_ctx *ctx, const gw_net_topo *t, double job, const gw_net_op *ops,
                             size_t n_ops, FILE *flows_out, FILE *times_out, gw_error *err)
{
    if (!t || !ops || !flows_out)
        return gw__err(err, GW_EINVAL, "gw_net_dump_oracle: NULL argument");
    gw_status rc = check_ops(t, job, ops, n_ops, err);
    if (rc != GW_OK)
        return rc;
    if (job > GW_NET_EXPANDED_MAX_GPUS)
        return gw__err(err, GW_ERANGE, "the oracle dump is for up to %d GPUs",
                       GW_NET_EXPANDED_MAX_GPUS);
    gw__comp c;
    gw__comp_init(&c, t, 0.0, (size_t)job);
    gw__netp e;
    rc = gw__netp_init(ctx, &e, c.n_links, 1024, 8192);
    if (rc != GW_OK) {
        gw__netp_free(ctx, &e);
        return gw__err(err, rc, "out of memory");
    }
    gw__comp_links(&c, &e);
    gen g = {ctx, &c, &e, 0, 0.0, 0.0, false, false};
    for (size_t i = 0; i < n_ops && rc == GW_OK; i++) {
        gw_net_algo a = ops[i].algo;
        if (a == GW_NET_ALGO_AUTO)
            a = ops[i].coll == GW_NET_ALLTOALL || ops[i].coll == GW_NET_SENDRECV
                    ? GW_NET_ALGO_DIRECT
                    : GW_NET_ALGO_RING;
        if (a == GW_NET_ALGO_HIER || a == GW_NET_ALGO_HALVING) {
            rc = gw__err(err, GW_ERANGE,
                         "the oracle format has one phase; "
                         "use ring, tree or direct");
            break;
        }
        g.op = (int)i;
        g.start = ops[i].start_s;
        double blk = ops[i].stride * ops[i].n;
        for (double b0 = 0; b0 + blk <= job && rc == GW_OK; b0 += blk)
            for (size_t o = 0; o < (size_t)ops[i].stride && rc == GW_OK; o++)
                rc = group_flows(&g, &ops[i], a, (size_t)b0 + o);
    }
    if (rc == GW_OK)
        rc = gw__netp_solve(ctx, &e, err);
    if (rc == GW_OK) {
        /* Only the links some flow uses; latencies are carried by the
         * first link of each route (a flow's latency is the sum of its
         * links', and the oracle checks that). */
        fprintf(flows_out, "# gigawatt net oracle exchange v1: %.0f GPUs, %zu flows\n", job, e.nf);
        uint8_t *used = gw_calloc(ctx, e.nl ? e.nl : 1, 1);
        if (!used) {
            gw__netp_free(ctx, &e);
            return gw__err(err, GW_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < e.ni; i++)
            used[e.lk[i]] = 1;
        for (size_t l = 0; l < e.nl; l++)
            if (used[l])
                fprintf(flows_out, "link %zu %.17g 0\n", l, e.cap[l]);
        gw_free(ctx, used);
        size_t id = 0;
        for (size_t f = 0; f < e.nf; f++) {
            /* Host ids: the GPU, found from the route's first link. */
            uint32_t l0 = e.lk[e.off[f]], lz = e.lk[e.off[f + 1] - 1];
            size_t src = l0 < 2 * c.n ? l0 % c.n : l0 - 2 * c.n;
            size_t dst = lz < 2 * c.n ? lz - c.n : lz - 3 * c.n;
            /* A bundle is written as its flows, one by one. */
            for (double k = 0; k < e.mult_f[f]; k += 1.0, id++) {
                fprintf(flows_out, "flow %zu %.17g %.17g %zu %zu", id, e.bytes[f],
                        e.start[f] + e.lat[f], src, dst);
                for (size_t i = e.off[f]; i < e.off[f + 1]; i++)
                    fprintf(flows_out, " %u", e.lk[i]);
                fputc('\n', flows_out);
                if (times_out)
                    fprintf(times_out, "flow %zu %.17g\n", id, e.done[f]);
            }
        }
    }
    gw__netp_free(ctx, &e);
    return rc;
}
