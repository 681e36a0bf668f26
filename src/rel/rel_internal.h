/* SPDX-License-Identifier: MIT */
/*
 * rel_internal.h: declarations shared by the files of the rel module: the
 * loaded failure catalog (model.c), component counting and the analytic
 * goodput model (analytic.c), the Monte Carlo engine (montecarlo.c).
 */
#ifndef GW_REL_INTERNAL_H
#define GW_REL_INTERNAL_H

#include <gigawatt/rel.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GW__REL_MAX_PROFILES    16
#define GW__REL_MAX_GENERATIONS 8
#define GW__REL_MAX_NAMES       8 /* measured_on / systems entries */
#define GW__REL_MAX_GEN_CAUSES  8

/* ---- Failure catalog (data/failures.yaml) ------------------------------ */

typedef struct gw__rel_cause_def {
    char name[GW_REL_NAME_LEN];
    char category[GW_REL_NAME_LEN];
    gw_rel_scope scope;
    bool hardware;
    bool planned;
    bool proxy;                     /* rate carried over from another generation (data says so) */
    double rate_s;                  /* per component per second */
    double observed;                /* count in the reference run; NaN if none */
    char replaces[GW_REL_NAME_LEN]; /* generation causes: the node cause it takes over, or "" */
} gw__rel_cause_def;

typedef struct gw__rel_profile {
    char name[GW_REL_NAME_LEN];
    double ref_gpus;
    int ref_gpus_per_node, ref_nics_per_gpu, ref_switch_radix;
    double ref_duration_s;
    size_t n_measured_on; /* accelerators the rates were measured on (0: not said) */
    char measured_on[GW__REL_MAX_NAMES][GW_REL_NAME_LEN];
    size_t n_causes;
    gw__rel_cause_def causes[GW_REL_MAX_CAUSES];
} gw__rel_profile;

/* Parts of rack-scale systems (data/failures.yaml `generations`), added to
 * any profile on the listed systems. */
typedef struct gw__rel_generation {
    char name[GW_REL_NAME_LEN];
    size_t n_systems;
    char systems[GW__REL_MAX_NAMES][GW_REL_NAME_LEN];
    size_t n_causes;
    gw__rel_cause_def causes[GW__REL_MAX_GEN_CAUSES];
} gw__rel_generation;

/* The `job:` section: defaults of gw_rel_job, all base SI units. */
typedef struct gw__rel_params {
    double ckpt_bytes_per_param;
    double storage_write_per_gpu_Bps;
    double snapshot_per_gpu_Bps;
    double detect_s;
    double restart_ref_s, restart_ref_gpus, restart_per_doubling_s, restart_min_s;
    double repair_s;
    double spare_quantile;
    double straggler_node_fraction, straggler_slowdown;
    double lemon_rate_multiplier;
    double reference_age_s;
    double switch_radix;
    double default_params;
    double target_goodput;
    double max_wall_factor;
    double longest_run_s;
    double search_span;
    double min_interval_s;
    /* Fault-tolerance levers. */
    double detect_fast_s;
    double hot_restart_ref_s, hot_restart_ref_gpus;
    double peer_copy_per_gpu_Bps;
    double elastic_pause_s;
    double replica_gpus;
    double replica_state_per_gpu_bytes;
} gw__rel_params;

typedef struct gw__rel_model {
    size_t n_profiles;
    size_t default_index;
    gw__rel_profile profiles[GW__REL_MAX_PROFILES];
    size_t n_generations;
    gw__rel_generation generations[GW__REL_MAX_GENERATIONS];
    gw__rel_params p;
} gw__rel_model;

/* Loads data/failures.yaml (data_dir as gw__data_read). Caller frees with
 * gw__rel_model_free. */
gw_status gw__rel_model_load(gw_ctx *ctx, const char *data_dir, gw__rel_model **out, gw_error *err);
/* Its parser: failures.yaml's text (len bytes), named shown in messages
 * (file:line:col). *out is set only on GW_OK. */
gw_status gw__rel_model_parse(gw_ctx *ctx, const char *buf, size_t len, const char *shown,
                              gw__rel_model **out, gw_error *err);
void gw__rel_model_free(gw_ctx *ctx, gw__rel_model *m);
/* Profile by name (case-insensitive), or NULL. */
const gw__rel_profile *gw__rel_profile_find(const gw__rel_model *m, const char *name);

/* Generation whose `systems` lists `system` (case-insensitive), or NULL. */
const gw__rel_generation *gw__rel_generation_for(const gw__rel_model *m, const char *system);

/* ---- Component counts ---------------------------------------------------- */

typedef struct gw__rel_counts {
    double gpus, nodes, nics, links, switches;
    double racks; /* rack-scale NVLink domains (0: none) */
    int tiers;
} gw__rel_counts;

/* Folded-Clos (fat-tree) estimate for `endpoints` NIC ports and switches of
 * `radix` ports: tiers t = least t with endpoints <= 2 (radix/2)^t (1 if
 * endpoints <= radix); links = t x endpoints (host links plus one link per
 * endpoint between consecutive tiers); switches = (t-1) ceil(2E/radix) +
 * ceil(E/radix). */
void gw__rel_fabric_count(double endpoints, double radix, gw__rel_counts *c);
/* Counts for a job from its GPU count and per-node figures (fabric by
 * gw__rel_fabric_count unless links/switches > 0 are given). */
void gw__rel_counts_make(double gpus, int gpus_per_node, int nics_per_gpu, double radix,
                         double links, double switches, gw__rel_counts *c);
/* Components of a scope in a job (1 for GW_REL_SCOPE_JOB). */
double gw__rel_scope_units(const gw__rel_counts *c, gw_rel_scope s);

/* ---- Simulation parameters (shared by the analytic model and Monte Carlo) */

typedef struct gw__rel_group {
    double rate_s;                   /* total rate of the group at the reference age */
    size_t n;                        /* causes in the group */
    size_t cause[GW_REL_MAX_CAUSES]; /* index into the result's causes */
    double cum[GW_REL_MAX_CAUSES];   /* cumulative share, cum[n-1] == 1 */
} gw__rel_group;

enum { GW__REL_G_HW = 0, GW__REL_G_SW, GW__REL_G_PLANNED, GW__REL_N_GROUPS };

typedef struct gw__rel_sim {
    gw__rel_group g[GW__REL_N_GROUPS]; /* hardware (aging), other unexpected, planned */
    double shape;                      /* Weibull shape of the hardware group (1 = exponential) */
    double age0_s;                     /* component age at job start */
    double age_ref_s;                  /* age at which rates were measured */
    double tau_s;                      /* compute time per checkpoint cycle (work seconds) */
    double tau_floor_s;                /* shortest interval the optimisers consider */
    double sigma;                      /* wall seconds per work second (1 + straggler slowdown) */
    double block_s;                    /* blocked time per checkpoint */
    double write_s;                    /* full checkpoint write (commit lag if async) */
    double flush_s;                    /* planned stop: write to storage; 0: write_s */
    bool async;                        /* commit lags the snapshot by write_s */
    double detect_s, restart_s;
    double spare_nodes; /* < 0: unlimited */
    double repair_s;
    double work_s;     /* > 0: work mode */
    double duration_s; /* window mode: wall-clock window */
    double max_wall_s; /* work mode: cap */
    size_t n_causes;   /* causes in the result (for per-cause counts) */
} gw__rel_sim;

/* Exact long-run goodput of the simulated model for exponential failures
 * (renewal-reward; docs/models/rel.md eq. R7), with rates lam_u (unexpected)
 * and lam_p (planned) per second. */
double gw__rel_goodput(const gw__rel_sim *s, double lam_u, double lam_p);
/* Optimum (fixed_tau_s > 0: that) interval of s for rates lu, lp, at most
 * horizon_s when there are no failures; returns the goodput, *tau_out the
 * interval (plan.c). */
double gw__rel_solve(gw__rel_sim *s, double fixed_tau_s, double horizon_s, double lu, double lp,
                     double *tau_out);

/* Mean rate of a group over the wall-clock window [0, wall_s] (Weibull). */
double gw__rel_group_mean_rate(const gw__rel_sim *s, int group, double wall_s);

/* Smallest k with P(X <= k) >= q for X ~ Poisson(mu): exact up to
 * GW__REL_POISSON_EXACT_MAX, the Cornish-Fisher expansion (within one count)
 * above. Never calls GSL's error handler, for any mu >= 0 and q in (0, 1);
 * 0 for mu <= 0, HUGE_VAL for q >= 1 or an infinite mu. */
#define GW__REL_POISSON_EXACT_MAX 1e5
double gw__rel_poisson_quantile(double mu, double q);

/* ---- Monte Carlo ---------------------------------------------------------- */

typedef struct gw__rel_mc_out {
    double *goodput, *wall_s, *unexpected, *planned; /* per trial, caller-allocated */
    uint64_t *cause_counts;                          /* n_causes sums over trials */
    uint64_t completed;
} gw__rel_mc_out;

/* Runs trials [0, n) with per-trial GSL streams seeded from (seed, trial),
 * in parallel with `threads` threads (0 = all). Results are independent of
 * the thread count. progress: report done/total through the ctx callback
 * with total_units and offset (for the interval search). */
gw_status gw__rel_mc_run(gw_ctx *ctx, const gw__rel_sim *s, uint64_t n, uint64_t seed,
                         uint64_t progress_offset, uint64_t progress_total, gw__rel_mc_out *out,
                         gw_error *err);

/* Most interruptions one Monte Carlo trial may have to simulate (expected
 * count over the run); larger jobs fail with GW_ERANGE. About 1 s of one core
 * per trial at this size, and far below the 2^32 of a trial's counters. */
#define GW__REL_MC_MAX_EVENTS 1e7

/* Runs the Monte Carlo of gw_rel_plan (and the interval search when the job
 * asks) for the sim s (interval already chosen) and fills r's mc_* fields
 * and the causes' mc_mean. */
gw_status gw__rel_mc_summarise(gw_ctx *ctx, const gw__rel_sim *s, const gw_rel_job *job,
                               gw_rel_result *r, gw_error *err);

#endif /* GW_REL_INTERNAL_H */
