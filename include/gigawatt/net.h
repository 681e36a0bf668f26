/* SPDX-License-Identifier: MIT */
/*
 * gigawatt/net.h: the flow-level network model. A topology (scale-up
 * domains, a rail-optimised k-tier fat tree per plane, buildings joined by
 * inter-building links, failed links), traffic expanded from collectives of
 * a parallel configuration into flows, and a max-min fair (progressive
 * filling) solver with event-driven flow completion and per-hop latency.
 *
 * Scale: the solver runs on a quotient of the flow/link graph. Flows and
 * links are coloured by refinement until every link of a class carries the
 * same number of flows of each flow class (an equitable partition); the
 * max-min fair rates are then equal within a class and one variable per
 * class is exact. Groups that never leave a sub-tree are simulated once per
 * distinct sub-tree (isomorphic, independent components). Before the
 * refinement, the tree and hierarchical all-reduces generate one flow per
 * orbit of the rail rotation (and of the node mirror, for the tree), which
 * gives the same classes at a fraction of the cost. The expanded
 * problem (one variable per flow) is kept for checks up to
 * GW_NET_EXPANDED_MAX_GPUS. docs/models/net.md has the equations, the
 * symmetry argument and what is not modelled.
 *
 * Thread-safety: every function is reentrant; a gw_net_topo is read-only
 * after gw_net_topo_build and may be shared by threads.
 */
#ifndef GIGAWATT_NET_H
#define GIGAWATT_NET_H

#include <gigawatt/catalog.h>
#include <gigawatt/core.h>
#include <gigawatt/report.h>
#include <gigawatt/scenario.h>
#include <gigawatt/site.h>
#include <gigawatt/train.h>

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GW_NET_MAX_TIERS         4
#define GW_NET_EXPANDED_MAX_GPUS 65536
#define GW_NET_MAX_OPS           8
#define GW_NET_MAX_HOT           8
#define GW_NET_MAX_FAILED        16
/* --algo auto simulates the algorithms whose expansion stays within this
 * many solver variables, then only the cheapest one beyond it (when its
 * step latencies alone could still win). */
#define GW_NET_AUTO_MAX_VARS 4e6

/* ---- Topology ------------------------------------------------------------ */

/* The fabric, as the site's network bill of materials describes it
 * (gw_netbom_params) plus what only the flow model needs. Bandwidths are
 * per direction, bytes/s. */
typedef struct gw_net_fabric {
    double gpus;                        /* GPUs attached (the job is placed on 0..gpus-1) */
    int gpus_per_node;                  /* GPUs per server / compute tray = rails per plane */
    int scaleup_domain;                 /* GPUs per NVLink domain (a multiple of gpus_per_node) */
    double scaleup_Bps;                 /* NVLink per GPU per direction */
    double nic_Bps;                     /* per NIC port per direction */
    int nics_per_gpu;                   /* NIC ports per GPU, all planes */
    int radix;                          /* switch ports at the NIC port speed, even >= 4 */
    int planes;                         /* independent fabrics the NIC ports are spread over */
    int planes_down;                    /* failed planes (their NIC ports carry nothing) */
    double oversub[GW_NET_MAX_TIERS];   /* tier t switches: down:up bandwidth, >= 1;
                                           [0] the leaf (cluster.oversubscription) */
    double down_frac[GW_NET_MAX_TIERS]; /* fraction of tier t's uplinks down, [0, 1) */
    double nic_latency_s;               /* endpoint: NIC + cable */
    double switch_latency_s;            /* per switch traversed */
    double scaleup_latency_s;           /* GPU to GPU over NVLink */
    double scaleup_eff, scaleout_eff;   /* achieved fraction of line rate (data/train.yaml) */
    bool pxn;                           /* rail-crossing traffic first moves over NVLink to the
                                           GPU on the destination's rail (NCCL PXN; default on) */
    int buildings;                      /* the job split over this many buildings (>= 1) */
    double building_Bps;                /* per building per direction to the campus core */
    double building_latency_s;          /* one way, building to building */
    int sites;                          /* the buildings split evenly over this many sites (>= 1;
                                           it divides buildings) */
    double site_Bps;                    /* a site's WAN capacity per direction (links x rate) */
    double site_latency_s;              /* one way, site to site */
    double nvls_eff;                    /* in-switch reduction in the NVLink domain (NVLS): share of
                                           the ring's achieved NVLink bandwidth; 0 = none */
    double nvls_latency_s;              /* an NVLS reduction's fixed latency (reduce + multicast) */
    double sharp_eff;                   /* in-network reduction in the scale-out switches (SHARP):
                                           share of the achieved port bandwidth; 0 = none */
    /* Named failed switches (network.failures, --fail): tier (0 leaf ..
     * 3), index over the tier's switches of all planes and buildings,
     * plane-major (plane p's switches are p x per-plane count + 0..). */
    int n_failed;
    int failed_tier[GW_NET_MAX_FAILED];
    double failed_index[GW_NET_MAX_FAILED];
} gw_net_fabric;

/* Derived structure, filled by gw_net_topo_build. */
typedef struct gw_net_topo {
    gw_net_fabric f;
    int tiers;                               /* switch tiers per plane, 1..GW_NET_MAX_TIERS */
    int planes_up;                           /* planes - planes_down */
    int ports_per_gpu;                       /* NIC ports per GPU in one plane (>= 1) */
    double plane_Bps;                        /* one GPU's bandwidth into one plane, per direction */
    int leaf_down[GW_NET_MAX_TIERS];         /* ports down per switch of tier t */
    int leaf_gpus;                           /* GPUs under one leaf (one rail of a scalable unit) */
    double subtree_gpus[GW_NET_MAX_TIERS];   /* GPUs under one tier-t sub-tree, t >= 1
                                                (contiguous GPU ranges); [0]: a scalable
                                                unit (leaf_gpus nodes, all rails) */
    double subtree_up_Bps[GW_NET_MAX_TIERS]; /* a tier-t sub-tree's links to tier t+1,
                                                per direction, after failures */
    double building_gpus;                    /* GPUs per building */
    double site_gpus;                        /* GPUs per site (buildings / sites of them) */
    double bisection_Bps;                    /* per plane, all planes summed, per direction */
    double switches[GW_NET_MAX_TIERS];       /* per plane */
} gw_net_topo;

/* Fills the fabric from a planned site (the same switch radix, leaf
 * oversubscription, planes and NICs as its bill of materials), the
 * accelerator's NVLink, data/train.yaml's latencies and efficiencies, and
 * the scenario's network section (upper-tier oversubscription, failures,
 * buildings, PXN). */
GW_API gw_status gw_net_fabric_from_site(const gw_site_result *site, const gw_scenario *sc,
                                         const gw_train_params *tp, gw_net_fabric *out,
                                         gw_error *err);

/* Checks the fabric and derives the tiers. Errors (GW_ERANGE with
 * err->where naming the scenario key): radix too small for the endpoints
 * (more than GW_NET_MAX_TIERS tiers), oversubscription < 1, zero planes,
 * all planes down, a domain that is not a multiple of the node, a named
 * failure that names no switch of the fabric (where:
 * "network.failures[i].index") or that cuts GPUs off. */
GW_API gw_status gw_net_topo_build(const gw_net_fabric *f, gw_net_topo *out, gw_error *err);

/* Parses a switch tier name ("leaf", "spine", "core", "super-core");
 * -1 when unknown. */
GW_API int gw_net_tier_parse(const char *s);
GW_API const char *gw_net_tier_name(int tier);

/* ---- Traffic -------------------------------------------------------------- */

typedef enum gw_net_coll {
    GW_NET_ALLREDUCE = 0,
    GW_NET_ALLGATHER,
    GW_NET_REDUCESCATTER,
    GW_NET_ALLTOALL,
    GW_NET_SENDRECV, /* pipeline send: member i to member i+1 */
    GW_NET_COLL_COUNT_
} gw_net_coll;

typedef enum gw_net_algo {
    GW_NET_ALGO_AUTO = 0, /* the fastest the collective allows (NCCL's tuner picks too) */
    GW_NET_ALGO_RING,     /* NCCL ring, one channel per rail, rail-aligned (PXN) */
    GW_NET_ALGO_TREE,     /* NCCL double binary tree across nodes, chain inside (all-reduce) */
    GW_NET_ALGO_HIER,     /* reduce-scatter in the NVLink domain, ring across, all-gather */
    GW_NET_ALGO_DIRECT,   /* one flow per pair (all-to-all, send/recv) */
    GW_NET_ALGO_HALVING,  /* recursive halving (reduce-scatter) / doubling (all-gather),
                             NCCL's PAT: one rank per node, power-of-two n, log2 n steps */
    GW_NET_ALGO_INNET,    /* in-network reduction (all-reduce): NVLS in an NVLink domain whose
                             switches reduce, SHARP across domains on switches that do */
    GW_NET_ALGO_COUNT_
} gw_net_algo;

GW_API const char *gw_net_coll_name(gw_net_coll c); /* "all-reduce" ... */
GW_API const char *gw_net_algo_name(gw_net_algo a); /* "ring" ... */
/* Parses "all-reduce", "allreduce", "all_reduce" ...; GW_ERANGE otherwise. */
GW_API gw_status gw_net_coll_parse(const char *s, gw_net_coll *out);
GW_API gw_status gw_net_algo_parse(const char *s, gw_net_algo *out);

/* One collective run by every group of one kind at once. Groups: members
 * base + stride x i (i < n); the job's GPUs [0, job_gpus) are tiled by
 * blocks of stride x n GPUs, each holding stride groups. */
typedef struct gw_net_op {
    gw_net_coll coll;
    gw_net_algo algo;  /* AUTO: resolved by gw_net_simulate */
    int n;             /* ranks per group, >= 1 */
    double stride;     /* GPUs between consecutive members, >= 1 */
    double bytes;      /* per rank, as nccl-tests counts its size */
    double start_s;    /* when the op starts */
    const char *label; /* "dp", "ep" ... (borrowed; may be NULL) */
} gw_net_op;

typedef enum gw_net_mode {
    GW_NET_MODE_AUTO = 0, /* collapsed */
    GW_NET_MODE_COLLAPSED,
    GW_NET_MODE_EXPANDED /* one variable per flow; at most GW_NET_EXPANDED_MAX_GPUS */
} gw_net_mode;

typedef struct gw_net_hot_link {
    char name[64];    /* "leaf uplinks", "nvlink out" ... */
    int tier;         /* switch tier, -1 for endpoint links */
    double count;     /* links of this class (one plane) */
    double busy_frac; /* bytes carried / (capacity x op time) */
    double Bps;       /* capacity per link */
} gw_net_hot_link;

typedef struct gw_net_sim_result {
    size_t n_ops;
    struct {
        gw_net_algo algo;
        double time_s;    /* start to the last byte, with step latencies */
        double algbw_Bps; /* bytes / time_s */
        double busbw_Bps; /* nccl-tests bus bandwidth */
        double flows;     /* in the whole job, one plane */
    } op[GW_NET_MAX_OPS];
    double time_s;                     /* all ops done */
    double flows, links;               /* expanded size (one plane, whole job) */
    double flow_classes, link_classes; /* what the solver ran on */
    double components;                 /* link-disjoint components the job split into */
    double component_types;            /* of them, non-isomorphic ones simulated */
    bool collapsed;                    /* false: solved expanded */
    bool approximate;                  /* a partial component was bounded, not solved */
    size_t n_hot;
    gw_net_hot_link hot[GW_NET_MAX_HOT]; /* busiest link classes first */
} gw_net_sim_result;

/* Simulates the ops together (they contend for the same links) on job_gpus
 * GPUs placed on GPUs 0..job_gpus-1 of the fabric. Returns GW_OK;
 * GW_ERANGE for an op that does not tile the job or an expanded problem
 * that is too large; GW_ENOMEM. */
GW_API gw_status gw_net_simulate(gw_ctx *ctx, const gw_net_topo *t, double job_gpus,
                                 const gw_net_op *ops, size_t n_ops, gw_net_mode mode,
                                 gw_net_sim_result *out, gw_error *err);

/* nccl-tests bus bandwidth factor of a collective on n ranks. */
GW_API double gw_net_busbw_factor(gw_net_coll c, int n);

/* ---- The oracle exchange format (tests/net/ORACLE.md) -------------------- */

/* Writes the expanded flows and links of the ops (start at 0, one phase:
 * the first phase of multi-phase algorithms) in the SimGrid oracle's text
 * format, and the solver's completion time of every flow to times (may be
 * NULL). GW_ERANGE when the expanded problem is too large. */
GW_API gw_status gw_net_dump_oracle(gw_ctx *ctx, const gw_net_topo *t, double job_gpus,
                                    const gw_net_op *ops, size_t n_ops, FILE *flows_out,
                                    FILE *times_out, gw_error *err);

/* ---- Training integration -------------------------------------------------- */

/* A collective model for the training search (gw_train_opts.comm) backed
 * by the topology: per group size and placement, the effective bandwidth
 * of every group of the job running the collective at once (the
 * bottleneck bound of the fluid fat tree, cached), with the alpha-beta
 * latency terms. t must outlive the model. Caller frees with
 * gw_net_comm_free. */
typedef struct gw_net_comm gw_net_comm;
GW_API gw_status gw_net_comm_new(gw_ctx *ctx, const gw_net_topo *t, double job_gpus,
                                 gw_net_comm **out, gw_error *err);
GW_API const gw_train_comm_model *gw_net_comm_model(const gw_net_comm *c);
GW_API void gw_net_comm_free(gw_net_comm *c);

/* One training step's traffic re-timed by the full simulation. The
 * evaluated configuration ev (from gw_train_plan with opts) is evaluated
 * again with its dimensions fixed, once recording every collective it
 * times (kind, group size and placement, bytes), then with each collective
 * replaced by its simulated time: first each kind alone on the job's GPUs
 * (all groups of that kind at once), then all kinds at once (the worst
 * case: DP, EP, CP, TP and PP traffic contending for the same links). */
typedef struct gw_net_step_result {
    size_t n_calls;
    struct {
        gw_net_coll coll;
        int kind; /* gw_train_group_kind */
        int n, stride;
        double bytes;         /* per rank per call */
        double closed_form_s; /* the search's model (gw_net_comm_model) */
        double alone_s;       /* simulated, this kind alone */
        double contended_s;   /* simulated, with the other kinds */
        gw_net_algo algo;
        bool simulated; /* false: kept the closed form (why says why) */
        char why[64];
    } call[16];
    double step_closed_form_s; /* the search's figure */
    double step_alone_s;       /* each collective's simulated time */
    double step_contended_s;   /* all kinds at once */
    double step_alphabeta_s;   /* the topology-free model, for reference */
    gw_net_sim_result sim;     /* the contended simulation */
    bool contended_run;        /* false: sim is empty and contended_why says why */
    char contended_why[96];
} gw_net_step_result;

/* Flows one step simulation may expand (per component); calls beyond it
 * keep the closed form and say so. */
#define GW_NET_STEP_MAX_FLOWS 8e6
/* Solver variables the all-kinds-at-once simulation may expand: the ops
 * together share one component that a pipeline's sends stretch over the
 * whole job, where each alone splits into small ones (at a million GPUs
 * the contended run would take minutes; beyond this it is skipped and the
 * contended figures equal the alone ones). */
#define GW_NET_STEP_MAX_CONTENDED 1e6

GW_API gw_status gw_net_step(gw_ctx *ctx, const gw_net_topo *t, const gw_catalog *cat,
                             const gw_model *m, const gw_accel *a, const gw_system *sys,
                             const gw_train_opts *opts, const gw_train_eval *ev,
                             gw_net_step_result *out, gw_error *err);

/* The step time of ev's configuration (from gw_train_plan with opts)
 * evaluated again with every dimension fixed and the collective model comm
 * (NULL: alpha-beta). */
GW_API gw_status gw_net_retime(gw_ctx *ctx, const gw_catalog *cat, const gw_model *m,
                               const gw_accel *a, const gw_system *sys, const gw_train_opts *opts,
                               const gw_train_eval *ev, const gw_train_comm_model *comm,
                               double *step_s, gw_error *err);

/* The topology of a scenario: plans its site (cluster.gpus of
 * cluster.accelerator on cluster.system) and builds the fabric from the
 * site's bill of materials, data/train.yaml (data_dir, NULL: default) and
 * the scenario's network section. */
GW_API gw_status gw_net_topo_from_scenario(gw_ctx *ctx, const gw_catalog *cat,
                                           const gw_scenario *sc, const char *data_dir,
                                           gw_net_topo *out, gw_error *err);

/* ---- Published measurements ------------------------------------------------- */

typedef struct gw_net_vrow {
    char id[64], family[48], collective[24], accelerator[48];
    double gpus, size;
    char metric[8]; /* "busbw", "algbw" or "link" (DeepEP bottleneck) */
    double measured_GBps, predicted_GBps;
    double error; /* predicted / measured - 1 */
    gw_net_algo algo;
    char skipped[160]; /* why the row is not compared ("" when it is) */
} gw_net_vrow;

typedef struct gw_net_validation {
    size_t n_rows, n_used, n_over_30;
    gw_net_vrow *rows; /* owned: gw_net_validation_free */
    double median_abs, mean_abs, max_abs;
} gw_net_validation;

/* Reads a collectives CSV (data/validation/COLLECTIVES.md) and predicts
 * every row. Errors: GW_EIO, GW_EPARSE and GW_ESCHEMA with file:line. */
GW_API gw_status gw_net_validate(gw_ctx *ctx, const gw_catalog *cat, const gw_train_params *tp,
                                 const char *path, gw_net_validation *out, gw_error *err);
GW_API void gw_net_validation_free(gw_ctx *ctx, gw_net_validation *v);
GW_API void gw_net_validation_report(gw_doc *doc, gw_doc_node *parent, const gw_net_validation *v);

/* ---- Reports ----------------------------------------------------------------- */

GW_API void gw_net_sim_report(gw_doc *doc, gw_doc_node *parent, const char *key,
                              const gw_net_sim_result *s);

GW_API void gw_net_topo_report(gw_doc *doc, gw_doc_node *parent, const gw_net_topo *t);
GW_API void gw_net_step_report(gw_doc *doc, gw_doc_node *parent, const gw_net_step_result *s);

#ifdef __cplusplus
}
#endif
#endif /* GIGAWATT_NET_H */
