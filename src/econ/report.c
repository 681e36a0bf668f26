/* SPDX-License-Identifier: MIT */
/*
 * report.c: writes a gw_econ_result (object "cost") and a gw_econ_run
 * (object "run_cost") into a gw_doc, with the published reference ranges
 * and notes on what the numbers include.
 */
#include <gigawatt/econ.h>

#include <math.h>

#include "core/core_internal.h"
#include "econ/econ_internal.h"

static void case_row(gw_doc *doc, gw_doc_node *arr, const char *name, const gw_econ_case *c)
{
    gw_doc_node *row = gw_doc_obj(doc, arr, NULL, NULL);
    gw_doc_str(doc, row, "case", "Case", name);
    gw_doc_num(doc, row, "gpu_price_usd", "GPU slot", c->gpu_price_usd, "USD");
    gw_doc_num(doc, row, "pue", "PUE", c->pue, "");
    gw_doc_num(doc, row, "electricity_usd_per_j", "Electricity", c->electricity_usd_per_j, "USD/J");
    gw_doc_num(doc, row, "facility_usd_per_w", "Facility", c->facility_usd_per_w, "USD/W");
    gw_doc_num(doc, row, "depreciation_s", "Life", c->depreciation_s, "s");
    gw_doc_num(doc, row, "capex_usd", "Capex", c->capex_usd, "USD");
    gw_doc_num(doc, row, "capex_usd_per_gw", "Capex per GW", c->capex_usd_per_gw, "USD");
    gw_doc_num(doc, row, "annual_cost_usd", "Annual cost", c->annual_cost_usd, "USD");
    gw_doc_num(doc, row, "usd_per_gpu_hour", "$/GPU-hour", c->usd_per_gpu_hour, "USD");
}

static void ref_row(gw_doc *doc, gw_doc_node *arr, const char *what, double v,
                    const gw_econ_range *r, const char *unit)
{
    gw_doc_node *row = gw_doc_obj(doc, arr, NULL, NULL);
    gw_doc_str(doc, row, "metric", "Metric", what);
    gw_doc_num(doc, row, "value", "This site", v, unit);
    gw_doc_num(doc, row, "low", "Published low", r->low, unit);
    gw_doc_num(doc, row, "base", "Published base", r->base, unit);
    gw_doc_num(doc, row, "high", "Published high", r->high, unit);
    gw_doc_bool(doc, row, "in_range", "In range", v >= r->low && v <= r->high);
}

void gw_econ_report(gw_doc *doc, gw_doc_node *parent, const gw_econ_result *e)
{
    if (!doc || !e)
        return;
    if (!parent)
        parent = gw_doc_root(doc);
    gw_doc_node *c = gw_doc_obj(doc, parent, "cost", "Cost");
    gw_doc_num(doc, c, "gpus", "GPUs", e->gpus, "");
    gw_doc_num(doc, c, "gpu_price_usd", "All-in price per GPU slot", e->gpu_price_usd, "USD");
    gw_doc_str(doc, c, "gpu_price_basis", "Price basis", e->gpu_price_basis);

    gw_doc_node *k = gw_doc_obj(doc, c, "capex", "Capex");
    gw_doc_num(doc, k, "systems_usd", "GPU systems (servers/racks)", e->capex_systems_usd, "USD");
    gw_doc_num(doc, k, "network_usd", "Scale-out network", e->capex_network_usd, "USD");
    gw_doc_num(doc, k, "storage_usd", "Storage", e->capex_storage_usd, "USD");
    gw_doc_num(doc, k, "tariff_usd", "Tariffs", e->capex_tariff_usd, "USD");
    gw_doc_num(doc, k, "facility_usd", "Facility (building, power, cooling)", e->capex_facility_usd,
               "USD");
    gw_doc_num(doc, k, "land_usd", "Land", e->capex_land_usd, "USD");
    gw_doc_num(doc, k, "total_usd", "Total capex", e->capex_usd, "USD");
    gw_doc_num(doc, k, "it_usd", "IT capex (systems + network + storage + tariff)", e->capex_it_usd,
               "USD");
    gw_doc_num(doc, k, "usd_per_gw", "Capex per GW of facility power", e->capex_usd_per_gw, "USD");
    gw_doc_num(doc, k, "it_usd_per_gw", "IT capex per GW", e->hardware_usd_per_gw, "USD");

    gw_doc_node *t = gw_doc_obj(doc, c, "tariff", "Tariff");
    gw_doc_num(doc, t, "rate", "Rate applied", e->tariff_rate, "frac");
    gw_doc_bool(doc, t, "exempt", "US data-centre exemption", e->tariff_exempt);

    gw_doc_node *f = gw_doc_obj(doc, c, "capital", "Capital recovery");
    gw_doc_num(doc, f, "cost_of_capital", "Cost of capital", e->cost_of_capital, "frac");
    gw_doc_num(doc, f, "depreciation_s", "IT useful life", e->depreciation_s, "s");
    gw_doc_num(doc, f, "facility_life_s", "Facility life", e->facility_life_s, "s");
    gw_doc_num(doc, f, "crf_it", "CRF (IT)", e->crf_it, "");
    gw_doc_num(doc, f, "crf_facility", "CRF (facility)", e->crf_facility, "");
    gw_doc_num(doc, f, "usd_per_year", "Capital charge per year", e->capital_usd_per_year, "USD");

    gw_doc_node *o = gw_doc_obj(doc, c, "opex", "Opex per year");
    gw_doc_num(doc, o, "energy_j_per_year", "Facility energy", e->energy_j_per_year, "J");
    gw_doc_num(doc, o, "electricity_usd_per_j", "Electricity price", e->electricity_usd_per_j,
               "USD/J");
    gw_doc_num(doc, o, "energy_usd_per_year", "Energy", e->energy_usd_per_year, "USD");
    gw_doc_num(doc, o, "maintenance_usd_per_year", "Maintenance", e->maintenance_usd_per_year,
               "USD");
    gw_doc_num(doc, o, "staff_usd_per_year", "Staff", e->staff_usd_per_year, "USD");
    gw_doc_num(doc, o, "total_usd_per_year", "Opex", e->opex_usd_per_year, "USD");

    gw_doc_num(doc, c, "annual_cost_usd", "All-in cost per year", e->annual_cost_usd, "USD");
    gw_doc_num(doc, c, "usd_per_gpu_hour", "All-in $ per GPU-hour", e->usd_per_gpu_hour, "USD");
    gw_doc_num(doc, c, "energy_usd_per_gpu_hour", "of which energy", e->energy_usd_per_gpu_hour,
               "USD");

    gw_doc_node *cases = gw_doc_arr(doc, c, "cases", "Low / base / high");
    case_row(doc, cases, "low", &e->low);
    case_row(doc, cases, "base", &e->base);
    case_row(doc, cases, "high", &e->high);

    gw_doc_node *refs = gw_doc_arr(doc, c, "references", "Published anchors");
    double gpw = e->facility_power_w > 0.0 ? e->gpus / (e->facility_power_w / 1e9) : 0.0;
    ref_row(doc, refs, "GPUs per GW", gpw, &e->ref_gpus_per_gw, "");
    ref_row(doc, refs, "capex per GW", e->capex_usd_per_gw, &e->ref_capex_usd_per_gw, "USD");
    ref_row(doc, refs, "IT capex per GW", e->hardware_usd_per_gw, &e->ref_hardware_usd_per_gw,
            "USD");

    if (e->n_flows > 0) {
        gw_doc_num(doc, c, "tranche_usd_per_w", "Financing released per W deployed",
                   e->tranche_usd_per_w, "USD/W");
        gw_doc_node *fl = gw_doc_arr(doc, c, "financing", "Staged financing cash flow");
        for (size_t i = 0; i < e->n_flows; i++) {
            const gw_econ_flow *x = &e->flows[i];
            gw_doc_node *row = gw_doc_obj(doc, fl, NULL, NULL);
            gw_doc_str(doc, row, "step", "Step", x->label);
            gw_doc_str(doc, row, "date", "Date", x->date);
            gw_doc_num(doc, row, "power_w", "Power", x->power_w, "W");
            gw_doc_num(doc, row, "capex_usd", "Capex", x->capex_usd, "USD");
            gw_doc_num(doc, row, "tranche_usd", "Tranche", x->tranche_usd, "USD");
            gw_doc_num(doc, row, "net_usd", "Net need", x->net_usd, "USD");
            gw_doc_num(doc, row, "cum_net_usd", "Cum. net", x->cum_net_usd, "USD");
        }
        gw_doc_note(doc, "cost: financing tranches follow the NVIDIA-OpenAI letter of intent "
                         "($10B per GW deployed): announced intent, not a contract.");
    }
    gw_doc_note(doc, "cost: $/GPU-hour charges every hour of the year at full facility power "
                     "(an upper bound on energy); divide by utilisation for $/useful GPU-hour.");
    gw_doc_note(doc, "cost: GPU-slot price basis: %s; NICs are priced with the servers.",
                e->gpu_price_basis ? e->gpu_price_basis : "unknown");
}

/* A run figure, with the step-time prediction interval when the GPU-hours
 * came from the training model. */
static void run_figure(gw_doc *doc, gw_doc_node *n, const gw_econ_run *r, const char *key,
                       const char *label, double v, const char *unit)
{
    if (r->interval_level > 0)
        gw_doc_range(doc, n, key, label, v, v * r->interval_lo_factor, v * r->interval_hi_factor,
                     r->interval_level, unit);
    else
        gw_doc_num(doc, n, key, label, v, unit);
}

void gw_econ_run_report(gw_doc *doc, gw_doc_node *parent, const gw_econ_run *r)
{
    if (!doc || !r)
        return;
    if (!parent)
        parent = gw_doc_root(doc);
    gw_doc_node *n = gw_doc_obj(doc, parent, "run_cost", "Training run cost");
    run_figure(doc, n, r, "gpu_hours", "GPU-hours", r->gpu_hours, "");
    run_figure(doc, n, r, "wall_time_s", "Wall time on this site", r->wall_time_s, "s");
    run_figure(doc, n, r, "energy_j", "Facility energy", r->energy_j, "J");
    run_figure(doc, n, r, "energy_cost_usd", "Energy cost (included)", r->energy_cost_usd, "USD");
    run_figure(doc, n, r, "cost_usd", "Cost (all-in)", r->cost_usd, "USD");
    gw_doc_num(doc, n, "cost_low_usd", "Cost (low case)", r->cost_low_usd, "USD");
    gw_doc_num(doc, n, "cost_high_usd", "Cost (high case)", r->cost_high_usd, "USD");
}
