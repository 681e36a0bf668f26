/* SPDX-License-Identifier: MIT */
/*
 * gigawatt/site.h: the site planner. From a power budget to GPUs, or from a
 * GPU count to megawatts: server/rack wall power from the system catalog,
 * plus scale-out network power (from a first-order network bill of
 * materials), plus storage, times the PUE of the cooling type. Racks, nodes,
 * scale-up domains, power sources (grid, on-site generation, batteries) and a
 * phased build-out with per-phase and cumulative GPUs, MW and peak FLOP/s.
 *
 * The network bill of materials (gw_site_netbom) is a closed-form
 * rail-optimised fat tree: tiers from the switch radix and oversubscription,
 * switches per tier, links, transceivers, NICs, power and cost. It is checked
 * against NVIDIA's DGX SuperPOD B200 reference architecture.
 *
 * Equations and sources: docs/models/site.md.
 */
#ifndef GIGAWATT_SITE_H
#define GIGAWATT_SITE_H

#include <gigawatt/catalog.h>
#include <gigawatt/core.h>
#include <gigawatt/report.h>
#include <gigawatt/scenario.h>

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Network bill of materials ----------------------------------------- */

#define GW_NETBOM_MAX_TIERS 4

/* Inputs of the fat-tree bill of materials. Prices and powers may be 0
 * (then the matching totals are 0). */
typedef struct gw_netbom_params {
    double gpus;                       /* GPUs on the scale-out fabric, >= 0 */
    int nics_per_gpu;                  /* scale-out NIC ports per GPU, >= 1 */
    int radix;                         /* switch ports at the NIC port speed, even, >= 4 */
    double oversubscription;           /* leaf downlink:uplink bandwidth ratio, >= 1 */
    int planes;                        /* independent fabrics the NIC ports are spread over, >= 1 */
    int scaleup_domain;                /* GPUs per scale-up (NVLink) domain, >= 1 */
    int optics_per_link;               /* transceivers per switch link (2 = optical both ends) */
    double nic_power_w, nic_price_usd; /* per NIC port */
    double switch_power_w, switch_price_usd; /* per switch */
    double optic_power_w, optic_price_usd;   /* per transceiver */
    double cable_price_usd;                  /* per cable */
    /* Middle tiers' down:up ratio (tier 1, tiers 2+); 0 or 1: non-blocking
     * (k/2 down, k/2 up). */
    double spine_oversubscription, core_oversubscription;
} gw_netbom_params;

/* A fat tree's bill of materials, summed over all planes. Tier 0 is the leaf
 * tier; links_per_tier[0] are endpoint-leaf links, [1] leaf-spine, and so on. */
typedef struct gw_netbom {
    double endpoints; /* NIC ports, all planes */
    double endpoints_per_plane;
    int planes;
    int tiers;                 /* switch tiers of one plane, 1..GW_NETBOM_MAX_TIERS */
    int leaf_down_ports;       /* leaf ports facing endpoints */
    double capacity_per_plane; /* largest endpoint count with `tiers` tiers */
    double switches_per_tier[GW_NETBOM_MAX_TIERS];
    double links_per_tier[GW_NETBOM_MAX_TIERS];
    double scaleup_domains; /* ceil(gpus / scaleup_domain) */
    double nics, switches, links, cables, transceivers;
    double nic_power_w, switch_power_w, optics_power_w, power_w;
    double nic_cost_usd, switch_cost_usd, optics_cost_usd, cable_cost_usd, cost_usd;
} gw_netbom;

/* Builds the bill of materials of a rail-optimised fat tree.
 * Tiers: the smallest t with capacity(t) >= endpoints per plane, where
 * capacity(1) = k and capacity(t) = k * d * (k/2)^(t-2), d = leaf downlinks
 * = floor(k * o / (1 + o)) (k^2/2 and k^3/4 when o = 1).
 * Returns GW_OK; GW_EINVAL for a NULL pointer; GW_ERANGE for a parameter
 * outside its range (err->where names it); GW_EINFEASIBLE when one plane would
 * need more than GW_NETBOM_MAX_TIERS tiers. Pure function, thread-safe. */
GW_API gw_status gw_site_netbom(const gw_netbom_params *p, gw_netbom *out, gw_error *err);

/* ---- Site plan ----------------------------------------------------------- */

typedef enum gw_site_mode {
    GW_SITE_FROM_GPUS = 0, /* cluster.gpus given: compute the power */
    GW_SITE_FROM_POWER = 1 /* only site.power given: compute the GPUs it powers */
} gw_site_mode;

/* One build-out phase after planning. Strings are borrowed from the scenario. */
typedef struct gw_site_phase {
    const char *name, *date, *accelerator;
    double gpus, racks;
    double it_power_w, facility_power_w;
    double peak_flops; /* dense, at the workload precision (BF16 if absent) */
    double cum_gpus, cum_facility_power_w, cum_peak_flops;
} gw_site_phase;

typedef struct gw_site_result {
    gw_site_mode mode;
    /* Borrowed from the catalog (valid until it is freed). */
    const gw_accel *accel;
    const gw_system *system;
    const gw_nic *nic;              /* NULL if the catalog has none */
    const gw_switch *fabric_switch; /* NULL if the catalog has none */
    const gw_optic *optic;          /* NULL if the catalog has none */
    const char *cooling;            /* "liquid" / "air" (borrowed) */
    double pue;
    gw_precision precision; /* precision of peak_flops */

    double gpus, nodes, racks;
    double system_power_per_gpu_w;  /* wall power of the server/rack share of one GPU */
    double network_power_per_gpu_w; /* switches + optics per GPU */
    double storage_power_per_gpu_w;
    double facility_power_per_gpu_w;
    double compute_it_w, network_w, storage_w, it_power_w;
    double overhead_w; /* (PUE - 1) x IT: cooling and power distribution */
    double facility_power_w;
    double gpus_per_gw; /* 1 GW / facility power per GPU */
    double peak_flops;  /* dense, all GPUs */

    /* Budget versus headline. */
    double budget_w;              /* site.power (0 = none) */
    double gpus_in_budget;        /* GPUs the budget powers (0 without a budget) */
    double requested_gpus;        /* cluster.gpus (0 = none) */
    double power_for_requested_w; /* facility power of requested_gpus */
    bool fits_budget;             /* facility_power_w <= budget (true without one) */

    /* Power sources. */
    bool sources_given;
    double grid_w, onsite_gen_w, battery_w;
    double firm_supply_w;   /* grid + on-site generation */
    double supply_margin_w; /* firm supply - facility power */
    bool supply_ok;

    gw_netbom net;

    size_t n_phases;
    gw_site_phase phases[GW_SCENARIO_MAX_PHASES];
    double phases_facility_power_w; /* all phases */
    /* The fabric the bill of materials was made for (net's topology is
     * built from the same parameters; gpus is the cluster's). */
    gw_netbom_params net_params;
} gw_site_result;

/* Plans the site of a scenario.
 * Mode: cluster.gpus > 0 sizes the power from the GPUs; otherwise site.power
 * sizes the GPUs (rounded down to whole racks, or nodes). When both are given
 * the result also holds the GPUs that the budget powers and fits_budget.
 * Phases are planned independently, each with its own accelerator.
 * Returns GW_OK; GW_ENOTFOUND (unknown accelerator/system, err->where is the
 * scenario key such as "site.phases[1].accelerator"); GW_ERANGE for
 * cross-field errors (no GPUs and no power, phase dates out of order, PUE
 * below 1), GW_EINFEASIBLE (power budget too small for one rack); errors of
 * gw_econ_defaults_load. The result borrows from cat and sc.
 * Thread-safe for distinct results. */
GW_API gw_status gw_site_plan(gw_ctx *ctx, const gw_catalog *cat, const gw_scenario *sc,
                              gw_site_result *out, gw_error *err);

/* Writes the plan as an object "site" under parent (the document root when
 * parent is NULL), with notes on approximations. */
GW_API void gw_site_report(gw_doc *doc, gw_doc_node *parent, const gw_site_result *r);
/* Writes a network bill of materials as an object `key` under parent. */
GW_API void gw_site_netbom_report(gw_doc *doc, gw_doc_node *parent, const char *key,
                                  const gw_netbom *b);

#ifdef __cplusplus
}
#endif
#endif /* GIGAWATT_SITE_H */
