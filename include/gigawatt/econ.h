/* SPDX-License-Identifier: MIT */
/*
 * gigawatt/econ.h: economics of a site. Capex by category (GPU systems,
 * scale-out network, storage, facility, land, tariffs), opex per year (energy,
 * maintenance, staff), the capital recovery factor from the cost of capital
 * and the useful lives, and from those the all-in cost per GPU-hour; the cost
 * of one training run from its GPU-hours; staged financing (investment
 * released per GW deployed) with a cash-flow table; and low/base/high cases
 * from the ranges of prices, PUE, electricity and useful life.
 *
 * Defaults and price ranges come from data/econ.yaml (with sources) and the
 * facility catalog. Equations and sources: docs/models/econ.md.
 */
#ifndef GIGAWATT_ECON_H
#define GIGAWATT_ECON_H

#include <gigawatt/catalog.h>
#include <gigawatt/core.h>
#include <gigawatt/report.h>
#include <gigawatt/scenario.h>
#include <gigawatt/site.h>

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Defaults (data/econ.yaml) ------------------------------------------- */

typedef struct gw_econ_range {
    double low, base, high; /* base SI units; low <= base <= high */
} gw_econ_range;

#define GW_ECON_MAX_PRICES 32

/* All-in IT price of one GPU slot (GPU plus its share of the server or rack:
 * CPUs, memory, NVLink switches, NICs, chassis), per accelerator. */
typedef struct gw_econ_price {
    char accelerator[64]; /* catalog name */
    gw_econ_range usd;    /* per GPU */
} gw_econ_price;

typedef struct gw_econ_defaults {
    double cost_of_capital;      /* fraction per year */
    double maintenance_frac;     /* of IT capex per year */
    double facility_life_s;      /* useful life of the building and power plant */
    double land_usd_per_w;       /* per W of facility power (0 = not counted) */
    double staff_usd_per_w_year; /* per W of facility power and year (0 = not counted) */
    double storage_power_frac;   /* storage power as a fraction of compute IT power */
    double storage_capex_frac;   /* storage capex as a fraction of GPU-system capex */
    double server_overhead_frac; /* server share over the bare GPU price */
    double billable_frac;        /* fraction of hours that a GPU-hour is charged for */
    int optics_per_link;         /* transceivers per switch link */
    /* Fallbacks where the network catalog has no value. */
    double switch_power_w, switch_price_usd, optic_power_w, optic_price_usd;
    double cable_price_usd, nic_price_usd;
    /* Ranges: base is replaced by the catalog / scenario value where given. */
    gw_econ_range electricity_usd_per_j;
    gw_econ_range pue_liquid, pue_air;
    gw_econ_range facility_usd_per_w;
    gw_econ_range depreciation_s;
    double price_spread_frac; /* +/- on GPU prices without an explicit range */
    double tranche_usd_per_w; /* staged financing released per W deployed */
    bool tariff_systems, tariff_network, tariff_storage, tariff_facility;
    /* Published reference ranges (for checks and the report). */
    gw_econ_range ref_gpus_per_gw, ref_capex_usd_per_gw, ref_hardware_usd_per_gw;
    size_t n_prices;
    gw_econ_price prices[GW_ECON_MAX_PRICES];
} gw_econ_defaults;

/* Loads data/econ.yaml from the catalog's directory (or the embedded copy
 * when the catalog is embedded). Errors: GW_EIO, GW_EPARSE, GW_ESCHEMA,
 * GW_EUNIT, GW_ERANGE with file:line:col. Fills *out (no allocation kept).
 * Thread-safe. */
GW_API gw_status gw_econ_defaults_load(gw_ctx *ctx, const gw_catalog *cat, gw_econ_defaults *out,
                                       gw_error *err);

/* The GPU-slot price range of an accelerator: the data/econ.yaml entry, else
 * the catalog system price per GPU, else the catalog GPU price times
 * (1 + server_overhead_frac). *basis (static string) says which.
 * GW_ENOTFOUND when no price is known. */
GW_API gw_status gw_econ_gpu_price(const gw_econ_defaults *def, const gw_catalog *cat,
                                   const gw_accel *a, gw_econ_range *out, const char **basis,
                                   gw_error *err);

/* Capital recovery factor r(1+r)^n / ((1+r)^n - 1), n in years (1/n when
 * r = 0). Returns NaN for n <= 0 or r < 0. */
GW_API double gw_econ_crf(double rate, double years);

/* ---- Evaluation --------------------------------------------------------- */

/* One set of totals (the low, base or high case). */
typedef struct gw_econ_case {
    double gpu_price_usd, pue, electricity_usd_per_j, facility_usd_per_w, depreciation_s;
    double capex_usd;
    double annual_cost_usd; /* capital recovery + opex */
    double usd_per_gpu_hour;
    double capex_usd_per_gw; /* capex / facility power */
} gw_econ_case;

#define GW_ECON_MAX_FLOWS (GW_SCENARIO_MAX_PHASES + 16)

/* One row of the staged-financing cash-flow table. */
typedef struct gw_econ_flow {
    char label[64];     /* phase name or "GW 1" */
    char date[32];      /* phase date or "" */
    double power_w;     /* facility power added */
    double capex_usd;   /* investment needed */
    double tranche_usd; /* financing released for this step */
    double net_usd;     /* capex - tranche (equity / other debt) */
    double cum_capex_usd, cum_tranche_usd, cum_net_usd;
} gw_econ_flow;

typedef struct gw_econ_result {
    double gpus, it_power_w, facility_power_w;
    double gpu_price_usd;        /* all-in per GPU slot, before tariff */
    const char *gpu_price_basis; /* static text */
    /* Capex by category. */
    double capex_systems_usd, capex_network_usd, capex_storage_usd;
    double capex_facility_usd, capex_land_usd, capex_tariff_usd, capex_usd;
    double capex_it_usd; /* systems + network + storage + tariff */
    double tariff_rate;  /* as applied (0 when exempt) */
    bool tariff_exempt;
    /* Capital recovery. */
    double cost_of_capital, depreciation_s, facility_life_s, crf_it, crf_facility;
    double capital_usd_per_year;
    /* Opex. */
    double energy_j_per_year, electricity_usd_per_j, energy_usd_per_year;
    double maintenance_usd_per_year, staff_usd_per_year, opex_usd_per_year;
    double annual_cost_usd;
    double usd_per_gpu_hour;
    double energy_usd_per_gpu_hour;
    double capex_usd_per_gw, hardware_usd_per_gw;
    gw_econ_case low, base, high;
    /* Staged financing. */
    double tranche_usd_per_w;
    size_t n_flows;
    gw_econ_flow flows[GW_ECON_MAX_FLOWS];
    /* Reference ranges copied from the defaults, and whether we fall in them. */
    gw_econ_range ref_gpus_per_gw, ref_capex_usd_per_gw, ref_hardware_usd_per_gw;
} gw_econ_result;

/* Evaluates the economics of a planned site. Scenario economics override
 * the defaults (0 = default). Returns GW_OK; GW_ENOTFOUND when the GPU has no
 * price (err->where = "economics.gpu_price"); GW_ERANGE for cross-field
 * errors; errors of gw_econ_defaults_load. Thread-safe for distinct results. */
GW_API gw_status gw_econ_evaluate(gw_ctx *ctx, const gw_catalog *cat, const gw_scenario *sc,
                                  const gw_site_result *site, gw_econ_result *out, gw_error *err);

/* Cost of one training run. */
typedef struct gw_econ_run {
    double gpu_hours;
    double energy_j; /* facility energy of the run */
    double cost_usd; /* gpu_hours x all-in $/GPU-hour */
    double cost_low_usd, cost_high_usd;
    double energy_cost_usd; /* energy_j x electricity price (included in cost_usd) */
    double wall_time_s;     /* gpu_hours / GPUs of the site */
    /* Prediction interval of gpu_hours when it comes from the step-time
     * model (gw_train_result's interval; set by the caller after
     * gw_econ_run_cost, 0: none): every figure above scales with it. */
    double interval_level, interval_lo_factor, interval_hi_factor;
} gw_econ_run;

/* Costs a run of gpu_hours (> 0) on the evaluated site. energy_j: facility
 * energy of the run, or 0 to estimate it as gpu_hours x facility power per
 * GPU. GW_ERANGE for gpu_hours <= 0 (err->where = "gpu_hours"). Pure. */
GW_API gw_status gw_econ_run_cost(const gw_econ_result *e, double gpu_hours, double energy_j,
                                  gw_econ_run *out, gw_error *err);

/* Writes the result as an object "cost" under parent (root when NULL). */
GW_API void gw_econ_report(gw_doc *doc, gw_doc_node *parent, const gw_econ_result *e);
/* Writes a run's cost as an object "run_cost" under parent (root when NULL). */
GW_API void gw_econ_run_report(gw_doc *doc, gw_doc_node *parent, const gw_econ_run *r);

#ifdef __cplusplus
}
#endif
#endif /* GIGAWATT_ECON_H */
