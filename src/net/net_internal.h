/* SPDX-License-Identifier: MIT */
/*
 * net_internal.h: the net module's internals. A max-min problem (links and
 * flows, expanded or a quotient), the solver, the colour refinement that
 * builds the quotient, and the topology's routes.
 */
#ifndef GW_NET_INTERNAL_H
#define GW_NET_INTERNAL_H

#include <gigawatt/net.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Link kinds of one component (the aggregated plane: every network link
 * carries all planes that are up). */
enum {
    GW__NL_NVL_OUT = 0,
    GW__NL_NVL_IN,
    GW__NL_NIC_UP,
    GW__NL_NIC_DOWN,
    GW__NL_PIPE_UP, /* a sub-tree's links to the tier above */
    GW__NL_PIPE_DOWN,
    GW__NL_BLD_UP, /* a building's links to the campus */
    GW__NL_BLD_DOWN,
    GW__NL_SITE_UP, /* a site's WAN links */
    GW__NL_SITE_DOWN,
    GW__NL_KINDS_
};

/* A max-min fair sharing problem. Flows of op o, phase p are released when
 * every flow of (o, p - 1) has completed (phase 0: at the op's start) and
 * become active lat seconds later. In a quotient, a flow is a class of
 * mult_f flows and a link a class of mult_l links; w is the load a class's
 * per-flow rate puts on one link of the class (mult_f x hops / mult_l). */
typedef struct gw__netp {
    size_t nl, nf, ni;    /* links, flows, route incidences */
    double *cap, *mult_l; /* per link */
    uint32_t *kind_l;     /* link kind << 8 | tier, for reports */
    double *bytes, *lat, *mult_f, *start;
    uint16_t *op, *phase;
    size_t *off; /* route of flow f: lk[off[f] .. off[f+1]) */
    uint32_t *lk;
    double *w;
    double *done;        /* out: completion time of each flow */
    double *carried;     /* out: bytes over each link (per link) */
    size_t cap_f, cap_i; /* allocated flows / incidences */
} gw__netp;

gw_status gw__netp_init(gw_ctx *ctx, gw__netp *p, size_t nl, size_t nf_hint, size_t ni_hint);
void gw__netp_free(gw_ctx *ctx, gw__netp *p);
/* Appends a bundle of mult identical flows (same route, size, start):
 * one variable, the per-flow rate, loading each link of its route mult
 * times (exact: max-min gives identical flows identical rates). */
gw_status gw__netp_add(gw_ctx *ctx, gw__netp *p, double bytes, double lat, double start, int op,
                       int phase, const uint32_t *route, int n, double mult);
/* Solves: done[] and carried[]. */
gw_status gw__netp_solve(gw_ctx *ctx, gw__netp *p, gw_error *err);
/* Builds the quotient q of the expanded problem e by colour refinement. */
gw_status gw__netp_quotient(gw_ctx *ctx, const gw__netp *e, gw__netp *q, uint32_t **flow_class,
                            gw_error *err);

/* Topology helpers (topo.c). A component is the GPU range [g0, g0 + n). */
typedef struct gw__comp {
    const gw_net_topo *t;
    double g0;
    size_t n;                       /* GPUs */
    size_t n_leaf;                  /* leaves (scalable unit x rail) touched */
    size_t n_sub[GW_NET_MAX_TIERS]; /* tier t sub-trees touched, t >= 1 */
    size_t n_bld;
    size_t n_site; /* sites touched (0: one site) */
    size_t base[GW_NET_MAX_TIERS + 4];
    size_t n_links;
    double cap[GW__NL_KINDS_]; /* per kind; pipes per tier below */
    double pipe_cap[GW_NET_MAX_TIERS];
    /* Integer forms for routing (GPU indices and unit sizes are whole). */
    uint64_t g0i, dom, gpn, bld; /* bld 0: one building */
    uint64_t site;               /* GPUs per site; 0: one site */
    uint64_t unit[GW_NET_MAX_TIERS], per_bld[GW_NET_MAX_TIERS], u0[GW_NET_MAX_TIERS];
} gw__comp;

void gw__comp_init(gw__comp *c, const gw_net_topo *t, double g0, size_t n);
/* Route from GPU a to GPU b (component-local indices); returns the hop
 * count (<= 16) and the latency. */
int gw__comp_route(const gw__comp *c, size_t a, size_t b, uint32_t *route, double *lat);
/* Fills cap[] and kind_l[] of a problem over the component's links (named
 * failures applied). */
void gw__comp_links(const gw__comp *c, gw__netp *p);
/* What the named failures take from the worst-hit unit among the first
 * job GPUs: lost[j] the fraction of its tier-j uplink capacity (after the
 * fraction of links down), nic_lost the fraction of its GPUs' NIC
 * capacity (a failed leaf). The search's closed form charges these. */
void gw__net_named_loss(const gw_net_topo *t, double job, double lost[GW_NET_MAX_TIERS],
                        double *nic_lost);
/* Lowers the capacities of the links the named failures hit. */
void gw__comp_failures(const gw__comp *c, gw__netp *p);
/* Rail orbits (topo.c): whether rotating every node's local GPU index maps
 * the component's fabric onto itself, and whether mirroring its nodes
 * does too; the number of links of the rail view (one representative per
 * orbit, mirrored nodes folded onto the lower half when mirror is set);
 * the representative of link l; and the view's cap[], kind_l[] and
 * mult_l[] (the orbit's size, 0 for a link that represents none). */
bool gw__comp_rail_ok(const gw__comp *c);
bool gw__comp_mirror_ok(const gw__comp *c);
size_t gw__comp_rail_nlinks(const gw__comp *c);
uint32_t gw__comp_rail_link(const gw__comp *c, bool mirror, uint32_t l);
void gw__comp_rail_links(const gw__comp *c, bool mirror, gw__netp *p);

/* Expanded flows in the largest component the ops would simulate (the
 * costliest applicable algorithm of each): what a simulation costs. */
double gw__net_estimate_flows(const gw_net_topo *t, double job, const gw_net_op *ops, size_t n_ops);
/* Switches comm's collective model to the formulas evaluated on every
 * call (no table): the reference the table is tested against. */
void gw__net_comm_uncached(gw_net_comm *c);
/* gw_net_simulate with a budget: GW_ERANGE when an algorithm that could
 * be the fastest (AUTO) or the one asked for would expand more than
 * max_vars solver variables (the step simulation's bound on its cost). */
gw_status gw__net_simulate_capped(gw_ctx *ctx, const gw_net_topo *t, double job,
                                  const gw_net_op *ops, size_t n_ops, gw_net_mode mode,
                                  double max_vars, gw_net_sim_result *out, gw_error *err);
/* Name of a link kind for reports. */
const char *gw__net_kind_name(uint32_t kind_tier, char *buf, size_t n);

#endif /* GW_NET_INTERNAL_H */
