/* SPDX-License-Identifier: MIT */
/*
 * gigawatt/rel.h: reliability of one synchronous training job: how often it is
 * interrupted and by what, the best checkpoint interval, and the goodput
 * (effective training time ratio), analytically and by Monte Carlo.
 *
 * The failure model lives in data/failures.yaml: named *profiles*, each a list
 * of causes with a rate per component-hour and a scope (per GPU, node, NIC,
 * fabric link, switch or job). A job's interruption rate is the sum over
 * causes of rate x component count, counts derived from the GPU count, the
 * catalog system (GPUs per node, NICs per GPU) and a fat-tree count of the
 * scale-out fabric. Profiles: "llama3-production" (default; Llama 3 405B run,
 * Table 5 of arXiv 2407.21783) and the Meta research-cluster rates
 * ("rsc1-projection", "rsc2-projection", "rsc1-observed"; arXiv 2410.21680).
 * docs/MODELS.md ("rel") gives every equation, its source and its limits.
 *
 * Job model: the job stops on any failure; it loses the work since the last
 * committed checkpoint, waits detection + restart (+ the wait for a spare
 * node when the spare pool is empty), and failures during recovery restart
 * the recovery. Checkpoints are synchronous (the job blocks for the whole
 * write) or asynchronous (it blocks for a snapshot to host memory; the
 * checkpoint commits when the background write ends). Planned maintenance
 * stops the job after a checkpoint (no lost work, restart cost only).
 *
 * Thread-safety: every function is reentrant; gw_rel_plan uses the
 * context's thread count for the Monte Carlo (OpenMP) and calls the
 * context's progress callback from one thread at a time.
 */
#ifndef GIGAWATT_REL_H
#define GIGAWATT_REL_H

#include <gigawatt/catalog.h>
#include <gigawatt/core.h>
#include <gigawatt/report.h>
#include <gigawatt/scenario.h>

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GW_REL_MAX_CAUSES 32 /* causes per profile (more is GW_ERANGE at load) */
#define GW_REL_NAME_LEN   64
#define GW_REL_MAX_NOTES  12

/* What a cause's rate is counted per. */
typedef enum gw_rel_scope {
    GW_REL_SCOPE_GPU = 0, /* per GPU-hour (GPU, HBM, NVLink, per-rank software) */
    GW_REL_SCOPE_NODE,    /* per node-hour (host CPU, memory, SSD, PSU, chassis) */
    GW_REL_SCOPE_NIC,     /* per scale-out NIC-hour */
    GW_REL_SCOPE_LINK,    /* per scale-out fabric link-hour (cables, optics, ports) */
    GW_REL_SCOPE_SWITCH,  /* per scale-out switch-hour */
    GW_REL_SCOPE_JOB,     /* per job-hour (whole-job events, planned maintenance) */
    GW_REL_SCOPE_RACK,    /* per rack-scale NVLink domain-hour (NVL72: switch trays, power
                             shelves); 0 units on systems whose domain is one node */
    GW_REL_SCOPE_COUNT_
} gw_rel_scope;

/* "gpu", "node", "nic", "link", "switch", "job", "rack". Never NULL. */
GW_API const char *gw_rel_scope_name(gw_rel_scope s);

/* Fault-tolerance levers (docs/models/rel.md, "Fault-tolerance levers"); a
 * lever set is a bit mask of (1u << lever). Append only. */
typedef enum gw_rel_lever {
    GW_REL_LEVER_INMEM = 0,   /* in-memory / peer checkpoints: snapshot, copy to a peer host */
    GW_REL_LEVER_ELASTIC,     /* elastic data parallelism: go on with fewer replicas */
    GW_REL_LEVER_PARTIAL,     /* partial restart: only the affected replica restarts */
    GW_REL_LEVER_HOT_SPARES,  /* in-job hot spares: swap in a warm node, no rescheduling */
    GW_REL_LEVER_FAST_DETECT, /* in-band failure detection (heartbeats, transport timeouts) */
    GW_REL_N_LEVERS
} gw_rel_lever;

/* "in-memory", "elastic", "partial", "hot-spares", "fast-detect"; "?" if out of range. */
GW_API const char *gw_rel_lever_name(gw_rel_lever l);

/* ---- The job ------------------------------------------------------------ */

/* One training job and its fault-tolerance policy. Initialise with
 * gw_rel_job_init, then set what you know; a field left at its initial value
 * takes the documented default from data/failures.yaml or the catalog.
 * Strings are borrowed for the duration of the call only. */
typedef struct gw_rel_job {
    /* Cluster. gpus is required; the rest is derived when 0 / NULL. */
    const char *accelerator; /* catalog accelerator name ("h100-sxm") */
    const char *system;      /* catalog system; NULL: the accelerator's default */
    double gpus;             /* GPUs in the job, >= 1 */
    int gpus_per_node;       /* 0: from the catalog system */
    int nics_per_gpu;        /* 0: from the catalog system (1 if it says 0) */
    int switch_radix;        /* scale-out switch ports; 0: data default */
    double n_switches;       /* scale-out switches; 0: fat-tree estimate */
    double n_links;          /* scale-out links (cables); 0: fat-tree estimate */
    int rack_gpus;           /* GPUs per rack-scale NVLink domain; 0: from the catalog
                                system (0 there when its domain is one node) */

    /* Failure model. */
    const char *profile;   /* failures.yaml profile; NULL: its default_profile */
    double rate_scale;     /* multiplies every unexpected rate; 0: 1 */
    double weibull_shape;  /* hardware hazard shape k; 0: 1 (exponential) */
    double fleet_age_s;    /* component age at job start (Weibull only); 0: data default */
    double lemon_fraction; /* unscreened lemon nodes, fraction; 0: none */

    /* The run: either a wall-clock window or an amount of work. */
    double duration_s;       /* wall-clock window (e.g. 54 days); used when work_s == 0 */
    double work_s;           /* failure-free compute time of the run; 0: window mode */
    double params;           /* model parameters; 0: data default */
    double checkpoint_bytes; /* 0: params x checkpoint bytes/param (data) */

    /* Fault-tolerance policy. */
    double checkpoint_interval_s; /* compute time between checkpoints; 0: the interval that
                                     maximises the analytic goodput (not below the data's
                                     min_interval) */
    double checkpoint_write_Bps;  /* storage write bandwidth; 0: per-GPU default x gpus */
    bool checkpoint_async;        /* snapshot to host memory, write in the background */
    double detect_s;              /* failure detection time; 0: data default */
    double restart_s;             /* restart/re-initialisation; 0: size-dependent default */
    double spares_frac;           /* hot-spare nodes per job node; < 0: unlimited */
    double repair_s;              /* time to repair a failed node; 0: data default */
    bool stragglers_removed;      /* straggler nodes are found and excluded (no slowdown) */
    double target_goodput;        /* for the "what it takes" answers; 0: data default (0.9) */
    unsigned levers;              /* fault-tolerance levers in use, mask of 1u << gw_rel_lever */
    double replica_gpus;          /* GPUs per data-parallel replica (elastic, partial);
                                     0: the larger of the data default and the GPUs that
                                     hold the checkpoint state at the data's state per GPU */

    /* Monte Carlo (trials == 0: analytic only). */
    uint64_t trials;
    uint64_t seed;
    bool search_interval;   /* search the interval that maximises simulated goodput */
    uint64_t search_trials; /* trials per search point; 0: min(trials, 200) */

    const char *data_dir; /* failures.yaml location; NULL: the catalog's origin,
                             else $GIGAWATT_DATA, else the embedded copy */
} gw_rel_job;

/* Sets every field to its "use the default" value (spares_frac = -1:
 * unlimited spares; everything else 0 / NULL / false). Never fails. */
GW_API void gw_rel_job_init(gw_rel_job *job);

/* Fills a job from a scenario: cluster.accelerator/system/gpus,
 * reliability.* (scenario spares 0 means "unlimited"), the model's total
 * parameter count (model may be NULL: data default) and the run's
 * failure-free compute time work_s (0: window mode with duration_s unset,
 * which gw_rel_plan then rejects). Borrowed strings point into sc. Does not
 * touch the Monte Carlo fields. Never fails. */
GW_API void gw_rel_job_from_scenario(const gw_scenario *sc, const gw_model *model, double work_s,
                                     gw_rel_job *job);

/* ---- The result --------------------------------------------------------- */

/* One interruption cause as applied to the job. */
typedef struct gw_rel_cause {
    char name[GW_REL_NAME_LEN];     /* "Faulty GPU" */
    char category[GW_REL_NAME_LEN]; /* "GPU", "Host", "Network", "Software", "Planned" ... */
    gw_rel_scope scope;
    bool planned;           /* planned maintenance (no lost work) */
    bool hardware;          /* needs a node swap (consumes a spare) */
    double units;           /* components of the scope in the job */
    double rate_per_unit_s; /* per component per second (after scale, lemons) */
    double rate_s;          /* job total, per second (mean over the run) */
    double expected;        /* expected count over the run's wall-clock time */
    double share;           /* of all unexpected (or of all planned) */
    double observed;        /* count in the profile's reference run, given only when the
                               job is that run (same GPUs, window mode, same duration) */
    double mc_mean;         /* Monte Carlo mean count; NaN without Monte Carlo */
    bool proxy;             /* rate carried over from another generation (see rel.md) */
    bool contained;         /* confined to one data-parallel replica (elastic/partial apply) */
    double gpus_out;        /* GPUs a hardware failure takes out (node or rack domain) */
} gw_rel_cause;

/* The lever search of one job: goodput under each lever alone and the cheapest
 * set that reaches the target (analytic, eq. R9-R12 of rel.md). */
typedef struct gw_rel_levers {
    double goodput_none;                   /* no lever (the baseline of this table) */
    double goodput_alone[GW_REL_N_LEVERS]; /* each lever alone */
    double goodput_all;                    /* every lever */
    bool found;                            /* some set reaches target_goodput */
    unsigned best_set;                     /* cheapest such set (fewest levers on a tie) */
    double best_goodput;
    double best_spare_gpus; /* GPUs held as spares by that set */
    double best_cost_usd;   /* best_spare_gpus x price_per_gpu_usd */
    unsigned max_set;       /* set with the highest goodput */
    double max_goodput;
    double spare_pool_gpus;   /* GPUs a spare pool must hold (99.9% quantile) */
    double price_per_gpu_usd; /* from the catalog system; NaN if unknown */
} gw_rel_levers;

/* Summary of a simulated distribution. */
typedef struct gw_rel_dist {
    double mean, sd, p5, p50, p95;
} gw_rel_dist;

typedef struct gw_rel_result {
    char profile[GW_REL_NAME_LEN];
    char system[GW_REL_NAME_LEN]; /* catalog system used, "" if counts were given */

    /* Components in the job. */
    double gpus, nodes, nics, links, switches;
    double racks;            /* rack-scale NVLink domains (0 when the domain is one node) */
    int rack_gpus;           /* GPUs per rack domain (0: none) */
    int fabric_tiers;        /* fat-tree tiers (0 when counts were given) */
    double node_rate_factor; /* applied to node-scoped rates: this node's GPUs / the
                                profile's reference node's GPUs (1 when equal) */
    size_t n_proxy;          /* causes whose rate is a proxy from another generation */

    /* Interruption rates (means over the run). */
    double rate_unexpected_s; /* per second */
    double rate_planned_s;
    double mtti_s;                   /* mean time to (unexpected) interruption */
    double mtti_all_s;               /* including planned */
    double unexpected_interruptions; /* expected count over wall_s */
    double planned_interruptions;
    double interruptions_per_day; /* all, per wall-clock day */

    /* Checkpoint and restart. */
    double params;
    double checkpoint_bytes;
    double checkpoint_write_Bps;
    double checkpoint_write_s; /* full write of one checkpoint */
    double checkpoint_block_s; /* time the job is blocked per checkpoint */
    bool checkpoint_async;
    double checkpoint_interval_s; /* used (compute time between checkpoints) */
    double young_interval_s;      /* sqrt(2 delta M) */
    double daly_interval_s;       /* Daly (2006) higher-order optimum */
    double detect_s, restart_s;
    double recovery_s;         /* detect + restart */
    double straggler_slowdown; /* fractional wall-time increase */
    double lemon_factor;       /* multiplier applied to hardware rates */
    double weibull_shape;
    double spare_nodes;   /* pool size; -1 unlimited */
    double spares_needed; /* nodes in repair at the 99.9th percentile */
    double repair_s;

    /* Analytic answer. */
    bool window_mode;       /* true: duration given; false: work given */
    double work_s;          /* useful (failure-free) compute time */
    double wall_s;          /* wall-clock time */
    double goodput;         /* work_s / wall_s, 0..1 */
    double loss_checkpoint; /* first-order breakdown of 1 - goodput, fractions */
    double loss_rework;     /* work lost since the last checkpoint */
    double loss_recovery;   /* detection + restart + spare waits */
    double loss_planned;
    double loss_straggler;

    /* What it takes to reach target_goodput (analytic), each lever alone with
     * the interval re-optimised; NaN when that lever alone cannot reach it. */
    double target_goodput;
    double req_recovery_s; /* longest detect+restart (scaled together) */
    double req_write_Bps;  /* least checkpoint write bandwidth */
    double req_rate_scale; /* largest factor on all unexpected rates */

    /* Fault-tolerance levers: those in use and the search over all sets. */
    unsigned levers;
    double replica_gpus;     /* GPUs per data-parallel replica */
    double rate_contained_s; /* unexpected rate confined to one replica */
    gw_rel_levers lever_search;

    /* Monte Carlo (trials == 0: not run; then all NaN). */
    uint64_t trials;
    uint64_t seed;
    gw_rel_dist mc_goodput;
    gw_rel_dist mc_wall_s;
    gw_rel_dist mc_unexpected;
    gw_rel_dist mc_planned;
    double mc_completed_frac;  /* work mode: trials that finished within the wall cap */
    double mc_interval_s;      /* interval simulated */
    double mc_best_interval_s; /* search: interval maximising mean goodput (NaN if none) */
    double mc_best_goodput;

    size_t n_causes;
    gw_rel_cause causes[GW_REL_MAX_CAUSES];
    size_t n_notes;
    char notes[GW_REL_MAX_NOTES][256]; /* approximations and clamps, one line each */

    /* Work mode: the longest wall-clock time the model reports (longest_run
     * of data/failures.yaml); a wall_s beyond it means the run does not
     * finish (goodput near zero). 0 in window mode. */
    double max_wall_s;
} gw_rel_result;

/* Plans one job: loads the failure profile, counts components, computes the
 * analytic answers and, when job->trials > 0, runs the Monte Carlo (and the
 * interval search when job->search_interval).
 *
 * cat: catalog for accelerator/system lookups; may be NULL when the job gives
 * gpus_per_node (then nics_per_gpu defaults to 1). out: filled on success
 * (caller-allocated, no ownership inside: nothing to free).
 * Returns GW_OK; GW_EINVAL (NULL job/out, gpus < 1, neither window nor work,
 * negative values); GW_ENOTFOUND (accelerator, system or profile not found);
 * GW_EIO/GW_EPARSE/GW_ESCHEMA/GW_EUNIT/GW_ERANGE from data/failures.yaml
 * (located); GW_ECANCELED (progress callback); GW_ENOMEM.
 * Complexity: analytic O(causes); Monte Carlo O(trials x interruptions),
 * parallel over trials, results independent of the thread count. */
GW_API gw_status gw_rel_plan(gw_ctx *ctx, const gw_catalog *cat, const gw_rel_job *job,
                             gw_rel_result *out, gw_error *err);

/* Writes a result into parent (an object node, e.g. gw_doc_obj(doc, root,
 * "rel", "Reliability")): plain keys such as unexpected_interruptions,
 * planned_interruptions, mtti_s, checkpoint_interval_s, goodput, a "causes"
 * table and, with Monte Carlo, a "montecarlo" object; notes go to the
 * document's notes. Never fails (the doc keeps allocation failures). */
GW_API void gw_rel_report(gw_doc *doc, gw_doc_node *parent, const gw_rel_result *r);

/* Writes a lever set as "in-memory+elastic" ("none" for 0) into buf (always
 * NUL-terminated, truncated to len). Returns buf. */
GW_API const char *gw_rel_lever_set_str(unsigned set, char *buf, size_t len);

/* Writes one row of a lever table (the lever search of r, for r->gpus GPUs)
 * into arr (an array node, e.g. gw_doc_arr(doc, parent, "lever_search", ...)):
 * gpus, goodput with no lever, with each lever alone and with all, the
 * cheapest set reaching the target with its goodput, spare GPUs and cost.
 * Never fails. */
GW_API void gw_rel_report_levers_row(gw_doc *doc, gw_doc_node *arr, const gw_rel_result *r);

/* Names of the profiles in data/failures.yaml (data_dir as in gw_rel_job),
 * copied into names[0..max); *n gets the number found (may exceed max);
 * *default_index the default's index. Errors as gw_rel_plan's data errors. */
GW_API gw_status gw_rel_profiles(gw_ctx *ctx, const char *data_dir, char (*names)[GW_REL_NAME_LEN],
                                 size_t max, size_t *n, size_t *default_index, gw_error *err);

#ifdef __cplusplus
}
#endif
#endif /* GIGAWATT_REL_H */
