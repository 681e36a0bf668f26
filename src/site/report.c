/* SPDX-License-Identifier: MIT */
/*
 * report.c: writes a gw_site_result into a gw_doc (object "site"): the plan,
 * the budget versus the requested GPU count, power sources, the network bill
 * of materials and the phases, with notes stating the approximations.
 */
#include <gigawatt/site.h>

#include <math.h>

#include "core/core_internal.h"

static void budget_section(gw_doc *doc, gw_doc_node *site, const gw_site_result *r)
{
    gw_doc_node *b = gw_doc_obj(doc, site, "budget", "Power budget vs GPU count");
    gw_doc_num(doc, b, "budget_w", "Site power budget", r->budget_w, "W");
    if (r->budget_w > 0.0)
        gw_doc_num(doc, b, "gpus_in_budget", "GPUs the budget powers", r->gpus_in_budget, "");
    if (r->requested_gpus > 0.0) {
        gw_doc_num(doc, b, "requested_gpus", "Requested GPUs (cluster.gpus)", r->requested_gpus,
                   "");
        gw_doc_num(doc, b, "power_for_requested_w", "Facility power the requested GPUs need",
                   r->power_for_requested_w, "W");
    }
    gw_doc_bool(doc, b, "fits_budget", "Fits the budget", r->fits_budget);
    if (r->budget_w > 0.0 && r->requested_gpus > 0.0 && r->power_for_requested_w > 0.0) {
        gw_doc_num(doc, b, "requested_over_budget", "Requested power / budget",
                   r->power_for_requested_w / r->budget_w, "");
        char a[32], c[32];
        gw_doc_note(doc,
                    "site: %.0f %s GPUs need %s of facility power at PUE %.2f; the %s budget "
                    "powers %.0f of them (%.0f per GW).",
                    r->requested_gpus, r->accel->name,
                    gw_unit_format(r->power_for_requested_w, "W", a, sizeof a), r->pue,
                    gw_unit_format(r->budget_w, "W", c, sizeof c), r->gpus_in_budget,
                    r->gpus_per_gw);
    }
}

static void sources_section(gw_doc *doc, gw_doc_node *site, const gw_site_result *r)
{
    gw_doc_node *s = gw_doc_obj(doc, site, "power_sources", "Power sources");
    gw_doc_bool(doc, s, "given", "Limits given", r->sources_given);
    if (!r->sources_given) {
        gw_doc_str(doc, s, "grid", "Grid import", "unlimited (site.grid not set)");
        return;
    }
    gw_doc_num(doc, s, "grid_w", "Grid import limit", r->grid_w, "W");
    gw_doc_num(doc, s, "onsite_generation_w", "On-site generation", r->onsite_gen_w, "W");
    gw_doc_num(doc, s, "battery_w", "Battery discharge (buffer, not firm)", r->battery_w, "W");
    gw_doc_num(doc, s, "firm_supply_w", "Firm supply (grid + generation)", r->firm_supply_w, "W");
    gw_doc_num(doc, s, "supply_margin_w", "Firm supply - facility power", r->supply_margin_w, "W");
    gw_doc_bool(doc, s, "supply_ok", "Firm supply carries the site", r->supply_ok);
    if (!r->supply_ok) {
        char a[32];
        gw_doc_note(doc,
                    "site: firm supply is short by %s; batteries (%.0f MW) only buffer "
                    "transients and cannot carry a sustained deficit.",
                    gw_unit_format(-r->supply_margin_w, "W", a, sizeof a), r->battery_w / 1e6);
    }
}

static void phases_section(gw_doc *doc, gw_doc_node *site, const gw_site_result *r)
{
    if (r->n_phases == 0)
        return;
    gw_doc_node *arr = gw_doc_arr(doc, site, "phases", "Build-out phases");
    for (size_t i = 0; i < r->n_phases; i++) {
        const gw_site_phase *p = &r->phases[i];
        gw_doc_node *row = gw_doc_obj(doc, arr, NULL, NULL);
        gw_doc_str(doc, row, "name", "Phase", p->name);
        gw_doc_str(doc, row, "date", "Date", p->date);
        gw_doc_str(doc, row, "accelerator", "GPU", p->accelerator);
        gw_doc_num(doc, row, "gpus", "GPUs", p->gpus, "");
        gw_doc_num(doc, row, "racks", "Racks", p->racks, "");
        gw_doc_num(doc, row, "facility_power_w", "Power", p->facility_power_w, "W");
        gw_doc_num(doc, row, "peak_flops", "Peak", p->peak_flops, "FLOP/s");
        gw_doc_num(doc, row, "cum_gpus", "Cum. GPUs", p->cum_gpus, "");
        gw_doc_num(doc, row, "cum_facility_power_w", "Cum. power", p->cum_facility_power_w, "W");
        gw_doc_num(doc, row, "cum_peak_flops", "Cum. peak", p->cum_peak_flops, "FLOP/s");
    }
    if (r->budget_w > 0.0 && r->phases_facility_power_w > r->budget_w) {
        char a[32], b[32];
        gw_doc_note(doc, "site: the phases together draw %s, above the %s site budget.",
                    gw_unit_format(r->phases_facility_power_w, "W", a, sizeof a),
                    gw_unit_format(r->budget_w, "W", b, sizeof b));
    }
}

void gw_site_report(gw_doc *doc, gw_doc_node *parent, const gw_site_result *r)
{
    if (!doc || !r || !r->accel || !r->system)
        return;
    if (!parent)
        parent = gw_doc_root(doc);
    gw_doc_node *s = gw_doc_obj(doc, parent, "site", "Site");
    gw_doc_str(doc, s, "mode", "Sized from",
               r->mode == GW_SITE_FROM_GPUS ? "GPU count" : "power budget");
    gw_doc_str(doc, s, "accelerator", "Accelerator", r->accel->name);
    gw_doc_str(doc, s, "system", "System", r->system->name);
    gw_doc_str(doc, s, "cooling", "Cooling", r->cooling);
    gw_doc_num(doc, s, "pue", "PUE", r->pue, "");
    gw_doc_num(doc, s, "gpus", "GPUs", r->gpus, "");
    gw_doc_num(doc, s, "nodes", "Nodes / compute trays", r->nodes, "");
    gw_doc_num(doc, s, "racks", "Racks", r->racks, "");
    gw_doc_num(doc, s, "system_power_per_gpu_w", "System wall power per GPU",
               r->system_power_per_gpu_w, "W");
    gw_doc_num(doc, s, "facility_power_per_gpu_w", "Facility power per GPU",
               r->facility_power_per_gpu_w, "W");
    gw_doc_num(doc, s, "compute_it_w", "Compute IT power", r->compute_it_w, "W");
    gw_doc_num(doc, s, "network_w", "Network power (switches + optics)", r->network_w, "W");
    gw_doc_num(doc, s, "storage_w", "Storage power", r->storage_w, "W");
    gw_doc_num(doc, s, "it_power_w", "IT power", r->it_power_w, "W");
    gw_doc_num(doc, s, "overhead_w", "Cooling and distribution (PUE - 1)", r->overhead_w, "W");
    gw_doc_num(doc, s, "facility_power_w", "Facility power", r->facility_power_w, "W");
    gw_doc_num(doc, s, "gpus_per_gw", "GPUs per GW", r->gpus_per_gw, "");
    gw_doc_str(doc, s, "peak_precision", "Peak precision", gw_precision_name(r->precision));
    gw_doc_num(doc, s, "peak_flops", "Peak dense compute", r->peak_flops, "FLOP/s");
    budget_section(doc, s, r);
    sources_section(doc, s, r);
    gw_site_netbom_report(doc, s, "network", &r->net);
    if (r->fabric_switch)
        gw_doc_str(doc, s, "fabric_switch", "Scale-out switch", r->fabric_switch->name);
    if (r->nic)
        gw_doc_str(doc, s, "nic", "Scale-out NIC", r->nic->name);
    phases_section(doc, s, r);
    gw_doc_note(doc, "site: power figures are node/rack maxima (no part-load); NIC power is "
                     "inside the system wall power; the network is a first-order fat-tree BOM.");
    if (r->network_w > 0.0 && r->fabric_switch && r->fabric_switch->power_w <= 0.0)
        gw_doc_note(doc,
                    "site: switch \"%s\" has no power figure in the catalog; used the "
                    "data/econ.yaml fallback (low confidence).",
                    r->fabric_switch->name);
}
