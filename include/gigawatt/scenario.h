/* SPDX-License-Identifier: MIT */
/*
 * gigawatt/scenario.h: the scenario, one model of the world that every module
 * reads. Loaded from YAML (see docs/SCENARIO.md and scenarios/default.yaml),
 * then patched by `--set key.path=value` overrides, then validated against a
 * schema table: unknown keys, wrong types, missing units and out-of-range
 * values are errors with file:line:col and the key path.
 *
 * All quantities are stored in base SI units (W, s, B, B/s, USD, J). A value
 * that the file leaves out keeps the documented default; fields whose default
 * comes from the catalog (PUE, prices ...) are 0 / NaN here and are resolved
 * by the module that uses them, which says so in its notes.
 */
#ifndef GIGAWATT_SCENARIO_H
#define GIGAWATT_SCENARIO_H

#include <gigawatt/core.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GW_SCENARIO_MAX_PHASES   16
#define GW_SCENARIO_MAX_FAILURES 16

/* A build-out phase: on `date`, `gpus` of `accelerator` (or `power_w` worth)
 * come online. */
typedef struct gw_phase {
    const char *name;        /* "colossus-1", "phase-2" */
    const char *date;        /* ISO date "2026-01-17" (validated, increasing) */
    const char *accelerator; /* catalog name */
    double gpus;             /* 0 = derive from power_w */
    double power_w;          /* facility power of the phase; 0 = derive from gpus */
} gw_phase;

typedef struct gw_scenario {
    const char *name; /* scenario.name */
    const char *description;
    const char *path; /* file it came from, or "(built-in default)" */

    struct {
        const char *name;
        const char *location;
        double power_w;         /* utility power budget (facility), 0 = unconstrained */
        double pue;             /* 0 = catalog default for the cooling type */
        const char *cooling;    /* "liquid" or "air" */
        double grid_w;          /* power sources: grid import limit (0 = unlimited) */
        double onsite_gen_w;    /* on-site generation (turbines) */
        double battery_w;       /* battery discharge power */
        double storage_power_w; /* storage + CPU-only hosts, 0 = catalog estimate */
        size_t n_phases;
        gw_phase phases[GW_SCENARIO_MAX_PHASES];
    } site;

    struct {
        const char *accelerator;   /* catalog name, e.g. "gb200" */
        const char *system;        /* server/rack catalog name; "" = default for the GPU */
        double gpus;               /* GPU count */
        const char *nic;           /* scale-out NIC, "" = the system's */
        const char *fabric_switch; /* scale-out switch, "" = default */
        const char *topology;      /* "fat-tree" (rail-optimised) */
        double oversubscription;   /* >= 1 */
        int planes;                /* parallel network planes */
        double allow_idle_gpus;    /* fraction of GPUs the search may leave idle (default 0) */
    } cluster;

    struct {
        const char *model;          /* catalog name or path to a HF config.json */
        double tokens;              /* training tokens */
        double seq_len;             /* tokens per sequence */
        double global_batch_tokens; /* tokens per optimizer step */
        gw_precision precision;
        double mfu_assumed; /* first-order utilisation for ideal times */
        /* Training software (gw_train_opts): */
        const char *fp8_recipe; /* "tensor", "block", "" = model profile / tensor */
        const char *cp_comm;    /* "ring", "allgather", "a2a", "any" */
        int cuda_graphs;        /* 1: MoE expert blocks in CUDA graphs, 0: eager,
                                   -1 (default): not stated -- read as eager, with
                                   the interval covering both */
        int flash_attention;    /* 1 (default): fused attention kernels */
        int tp_comm_overlap;    /* 1 (default): TP collectives overlapped with GEMMs */
        int sequence_parallel;  /* 1 (default): Megatron sequence parallelism with TP */
        double batch_tolerance; /* the batch may move by this fraction (default 0) */
        int pp_first_layers;    /* layers on the first / last pipeline stage; 0 (default): */
        int pp_last_layers;     /* searched (gw_train_opts.pp_first / pp_last) */
        int zero_shard;         /* ZeRO shard group (gw_train_opts.zero_shard); 0 */
                                /* (default, or "whole"): the whole data-parallel */
                                /* group; -1 ("any"): searched (GW_TRAIN_ANY) */
        int moe_a2a_overlap;    /* 1 (default): MoE all-to-all overlapped (Megatron-Core's
                                   1F1B A2A overlap), 0: fully exposed */
        const char *dp_sync;    /* DP gradient sync: "overlap", "after", "after-allreduce",
                                   "" (default) = not stated, read as overlap */
    } workload;

    struct {
        double electricity_usd_per_j; /* 0 = catalog default */
        double depreciation_s;        /* 0 = catalog default */
        double cost_of_capital;       /* fraction per year */
        double maintenance_frac;      /* of capex per year */
        double facility_usd_per_w;    /* 0 = catalog default */
        double gpu_price_usd;         /* 0 = catalog estimate */
        double tariff_rate;           /* fraction, applied to tariffed parts */
        int tariff_exempt;            /* 1 = US data-centre exemption applies */
    } economics;

    struct {
        const char *destination; /* ISO country or group: "US", "CN", "D5" ... */
        const char *rule;        /* "oct2023", "oct2022", "jan2026" */
    } policy;

    struct {
        double checkpoint_interval_s; /* 0 = optimal (Young/Daly) */
        double checkpoint_write_Bps;  /* storage write bandwidth, 0 = default */
        double restart_s;             /* 0 = model default */
        double spares_frac;           /* hot spares as a fraction of GPUs */
        double rate_scale;            /* factor on every unexpected failure rate; 0 = 1 */
    } reliability;

    /* The flow-level network model (gigawatt net, docs/models/net.md). The
     * leaf oversubscription and the planes are cluster.oversubscription and
     * cluster.planes. */
    struct {
        const char *model;             /* "flow" (default) or "alpha-beta" */
        double spine_oversubscription; /* tier-1 switches down:up, >= 1 */
        double core_oversubscription;  /* tier-2 and above, >= 1 */
        double leaf_links_down;        /* fraction of leaf uplinks failed */
        double spine_links_down;
        double core_links_down;
        int planes_down;     /* failed planes */
        int buildings;       /* the cluster split over this many buildings */
        double building_Bps; /* per building per direction to the campus */
        double building_latency_s;
        int sites;              /* multi-site training: the buildings split over
                                   this many sites joined by a WAN link (>= 1) */
        int site_links;         /* WAN links per site (each way) */
        double site_link_Bps;   /* per WAN link per direction */
        double site_latency_s;  /* one way, site to site */
        int pxn;                /* 1 (default): NCCL PXN rail-crossing over NVLink */
        const char *in_network; /* "auto" (default): NVLS / SHARP where the hardware
                                   has it; "off" */
        const char *rank_order; /* parallel dimensions innermost first, a permutation
                                   of tp, cp, ep, dp, pp; default "tp-cp-ep-dp-pp"
                                   (Megatron-Core's order) */
        /* Named failed switches: tier "leaf", "spine", "core" or
         * "super-core" (tiers 0-3), index over that tier's switches of all
         * planes and buildings (plane-major; docs/models/net.md). */
        size_t n_failures;
        struct {
            const char *tier;
            double index;
        } failures[GW_SCENARIO_MAX_FAILURES];
    } network;

    /* Inference serving (gigawatt infer, docs/models/infer.md). Appended:
     * earlier fields keep their offsets. */
    struct {
        const char *model;        /* catalog name or config.json; "" = workload.model */
        double gpus;              /* GPUs serving; 0 = cluster.gpus */
        double input_len;         /* prompt tokens per request */
        double output_len;        /* generated tokens per request */
        double concurrency;       /* requests in flight over all GPUs; 0 = searched */
        const char *precision;    /* "bf16", "fp8", "fp4" or "any" */
        const char *kv_precision; /* "bf16", "fp8" or "any" */
        int tp, ep;               /* 0 = searched */
        double ttft_s, tpot_s;    /* latency bounds; 0 = none */
        /* Appended. */
        int pp;                       /* pipeline stages; 0 = searched */
        int disagg;                   /* 1: also search disaggregated prefill/decode */
        double demand_tokens_per_day; /* output tokens per day to serve (gigawatt
                                         run: GPUs, MW, training/serving split); 0 = none */
    } serving;

    /* Issue 12 (appended: earlier fields keep their offsets). Keys
     * workload.batch_policy, workload.min_mfu (docs/models/batch.md). */
    struct {
        const char *policy; /* "fixed" (default): the batch as given, moved only by
                               workload.batch_tolerance; "critical": the search may
                               raise it up to the critical batch, never beyond */
        double min_mfu;     /* MFU floor of "the largest efficient synchronous job"
                               (default 0.3) */
    } batch;
    /* Fault-tolerance levers, keys reliability.* (docs/models/rel.md). */
    struct {
        int in_memory_checkpoint; /* 1: peer/in-memory checkpoints (lever inmem) */
        int elastic;              /* 1: elastic data parallelism */
        int partial_restart;      /* 1: only the affected replica restarts */
        int hot_spares;           /* 1: in-job warm spares (swap, no rescheduling) */
        int fast_detect;          /* 1: in-band failure detection */
        int async_checkpoint;     /* 1: asynchronous checkpoints */
        double detect_s;          /* failure detection time; 0: data default */
        double target_goodput;    /* goodput the lever search aims for; 0: data default */
        double replica_gpus;      /* GPUs per DP replica (elastic, partial); 0: derived */
    } ft;
    /* Loosely coupled training across buildings (keys loose.*,
     * docs/models/loose.md). */
    struct {
        int replicas;       /* DiLoCo replicas; 0: network.buildings */
        double sync_every;  /* H: inner steps between outer synchronisations */
        double outer_bytes; /* bytes per parameter of the outer gradient exchange */
    } loose;
} gw_scenario;

typedef struct gw_scenario_doc gw_scenario_doc;

/* Loads a scenario from a YAML file (path NULL: the built-in default,
 * scenarios/default.yaml embedded at build time), applies the overrides
 * ("key.path=value" strings, as given to --set) in order, then validates.
 * An override with an unknown key, a bad value or no '=' fails with
 * err->where = "--set" and the key. Caller owns *out (gw_scenario_free).
 * Errors: GW_EIO, GW_EPARSE, GW_ESCHEMA, GW_EUNIT, GW_ERANGE. */
GW_API gw_status gw_scenario_load(gw_ctx *ctx, const char *path, const char *const *overrides,
                                  size_t n_overrides, gw_scenario **out, gw_error *err);
/* Same from a buffer; path names it in messages. */
GW_API gw_status gw_scenario_load_buffer(gw_ctx *ctx, const char *buf, size_t len, const char *path,
                                         const char *const *overrides, size_t n_overrides,
                                         gw_scenario **out, gw_error *err);
GW_API void gw_scenario_free(gw_scenario *sc); /* NULL is a no-op */

/* The built-in default scenario's YAML text (borrowed, static). */
GW_API const char *gw_scenario_default_yaml(void);

/* gw_scenario_resolve (names -> catalog entries) is declared in
 * <gigawatt/catalog.h>: the scenario is core, below the catalog. */

#ifdef __cplusplus
}
#endif
#endif /* GIGAWATT_SCENARIO_H */
