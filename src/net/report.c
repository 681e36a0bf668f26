/* SPDX-License-Identifier: MIT */
/*
 * report.c: the net module's results as gw_doc objects, and the topology of
 * a scenario (site plan -> fabric -> topology).
 */
#include "net_internal.h"

#include <math.h>
#include <string.h>

#include "core/core_internal.h"

gw_status gw_net_topo_from_scenario(gw_ctx *ctx, const gw_catalog *cat, const gw_scenario *sc,
                                    const char *data_dir, gw_net_topo *out, gw_error *err)
{
    gw_site_result *site = gw_calloc(ctx, 1, sizeof *site);
    gw_train_params *tp = gw_calloc(ctx, 1, sizeof *tp);
    gw_status rc = GW_ENOMEM;
    if (!site || !tp) {
        gw__err(err, rc, "out of memory");
        goto out;
    }
    rc = gw_site_plan(ctx, cat, sc, site, err);
    if (rc == GW_OK)
        rc = gw_train_params_load(ctx, data_dir, tp, err);
    gw_net_fabric f;
    if (rc == GW_OK)
        rc = gw_net_fabric_from_site(site, sc, tp, &f, err);
    if (rc == GW_OK) {
        rc = gw_net_topo_build(&f, out, err);
        /* Point at the scenario key that set the bad value. */
        if (rc != GW_OK && err && err->where[0] && err->line == 0) {
            char key[sizeof err->where];
            gw__strlcpy(key, err->where, sizeof key);
            err->where[0] = '\0';
            gw__scenario_locate(sc, key, err);
            if (!err->where[0])
                gw__strlcpy(err->where, key, sizeof err->where);
        }
    }
out:
    gw_free(ctx, site);
    gw_free(ctx, tp);
    return rc;
}

void gw_net_topo_report(gw_doc *doc, gw_doc_node *parent, const gw_net_topo *t)
{
    static const char *const tier_names[GW_NET_MAX_TIERS] = {"leaf", "spine", "core", "super-core"};
    if (!doc || !t)
        return;
    if (!parent)
        parent = gw_doc_root(doc);
    const gw_net_fabric *f = &t->f;
    gw_doc_node *n = gw_doc_obj(doc, parent, "topology", "Network topology");
    gw_doc_num(doc, n, "gpus", "GPUs", f->gpus, "");
    gw_doc_int(doc, n, "scaleup_domain", "NVLink domain (GPUs)", f->scaleup_domain);
    gw_doc_num(doc, n, "scaleup_Bps", "NVLink per GPU per direction", f->scaleup_Bps, "B/s");
    gw_doc_num(doc, n, "nic_Bps", "Scale-out per GPU per direction", f->nic_Bps * f->nics_per_gpu,
               "B/s");
    gw_doc_int(doc, n, "rails", "Rails (GPUs per node)", f->gpus_per_node);
    gw_doc_int(doc, n, "planes", "Planes", f->planes);
    if (f->planes_down > 0)
        gw_doc_int(doc, n, "planes_down", "Planes down", f->planes_down);
    gw_doc_int(doc, n, "radix", "Switch radix at NIC speed", f->radix);
    gw_doc_int(doc, n, "tiers", "Switch tiers per plane", t->tiers);
    gw_doc_num(doc, n, "bisection_Bps", "Bisection bandwidth (per direction)", t->bisection_Bps,
               "B/s");
    if (f->buildings > 1) {
        gw_doc_int(doc, n, "buildings", "Buildings", f->buildings);
        gw_doc_num(doc, n, "building_Bps", "Campus link per building per direction",
                   f->building_Bps, "B/s");
    }
    if (f->sites > 1) {
        gw_doc_int(doc, n, "sites", "Sites (WAN)", f->sites);
        gw_doc_num(doc, n, "site_Bps", "WAN per site per direction", f->site_Bps, "B/s");
        gw_doc_num(doc, n, "site_latency_s", "WAN latency (one way)", f->site_latency_s, "s");
    }
    gw_doc_bool(doc, n, "pxn", "PXN (rail crossing over NVLink)", f->pxn);
    gw_doc_str(doc, n, "in_network", "In-network reduction",
               f->nvls_eff > 0 && f->sharp_eff > 0 ? "NVLS in the NVLink domain, SHARP across"
               : f->nvls_eff > 0                   ? "NVLS in the NVLink domain"
               : f->sharp_eff > 0                  ? "SHARP in the scale-out switches"
                                                   : "none");
    if (f->sharp_eff > 0)
        gw_doc_str(doc, n, "in_network_assumes", "  SHARP assumes",
                   "NCCL's SHARP plugin and the fabric's aggregation manager "
                   "(network.in_network: nvls without them)");
    if (f->n_failed > 0) {
        gw_doc_node *fl = gw_doc_arr(doc, n, "failed_switches", "Named failed switches");
        for (int i = 0; i < f->n_failed; i++) {
            gw_doc_node *row = gw_doc_obj(doc, fl, NULL, NULL);
            gw_doc_str(doc, row, "tier", "Tier", gw_net_tier_name(f->failed_tier[i]));
            gw_doc_num(doc, row, "index", "Index (all planes)", f->failed_index[i], "");
            double pp = t->switches[f->failed_tier[i]];
            gw_doc_num(doc, row, "plane", "Plane", pp > 0 ? floor(f->failed_index[i] / pp) : 0, "");
        }
    }
    gw_doc_node *tiers = gw_doc_arr(doc, n, "tiers_detail", "Tiers");
    double O = 1.0;
    for (int j = 0; j < t->tiers; j++) {
        gw_doc_node *row = gw_doc_obj(doc, tiers, NULL, NULL);
        gw_doc_str(doc, row, "tier", "Tier", tier_names[j]);
        gw_doc_num(doc, row, "switches", "Switches (all planes)", t->switches[j] * f->planes, "");
        bool top = j == t->tiers - 1;
        int d = top ? f->radix : t->leaf_down[j];
        gw_doc_int(doc, row, "ports_down", "Ports down", d);
        gw_doc_int(doc, row, "ports_up", "Ports up", top ? 0 : f->radix - d);
        if (!top) {
            O *= (double)d / (double)(f->radix - d);
            gw_doc_num(doc, row, "oversubscription", "Oversubscription (down:up)",
                       (double)d / (double)(f->radix - d), "");
            gw_doc_num(doc, row, "cumulative_oversubscription", "Cumulative oversubscription", O,
                       "");
            gw_doc_num(doc, row, "gpus_below", "GPUs under one unit",
                       j == 0 ? (double)t->leaf_gpus : t->subtree_gpus[j], "");
            gw_doc_num(doc, row, "links_down_frac", "Uplinks down", f->down_frac[j], "");
        }
    }
}

static void hot_report(gw_doc *doc, gw_doc_node *n, const gw_net_sim_result *s)
{
    gw_doc_node *hot = gw_doc_arr(doc, n, "hot_links", "Busiest links");
    for (size_t i = 0; i < s->n_hot; i++) {
        gw_doc_node *row = gw_doc_obj(doc, hot, NULL, NULL);
        gw_doc_str(doc, row, "link", "Link", s->hot[i].name);
        gw_doc_num(doc, row, "count", "Links (aggregated planes)", s->hot[i].count, "");
        gw_doc_num(doc, row, "capacity_Bps", "Capacity each", s->hot[i].Bps, "B/s");
        gw_doc_num(doc, row, "busy", "Busy (of the whole time)", s->hot[i].busy_frac, "");
    }
}

void gw_net_sim_report(gw_doc *doc, gw_doc_node *parent, const char *key,
                       const gw_net_sim_result *s)
{
    if (!doc || !s)
        return;
    if (!parent)
        parent = gw_doc_root(doc);
    gw_doc_node *n = gw_doc_obj(doc, parent, key, "Flow simulation");
    gw_doc_num(doc, n, "flows", "Flows (whole job, planes aggregated)", s->flows, "");
    gw_doc_num(doc, n, "components", "Link-disjoint components", s->components, "");
    gw_doc_num(doc, n, "component_types", "Component types simulated", s->component_types, "");
    gw_doc_num(doc, n, "flow_classes", "Flow classes solved", s->flow_classes, "");
    gw_doc_num(doc, n, "link_classes", "Link classes solved", s->link_classes, "");
    gw_doc_str(doc, n, "mode", "Solver", s->collapsed ? "collapsed (exact quotient)" : "expanded");
    hot_report(doc, n, s);
}

void gw_net_step_report(gw_doc *doc, gw_doc_node *parent, const gw_net_step_result *s)
{
    static const char *const kinds[] = {"other", "tp", "cp", "ep", "dp", "edp", "pp", "?"};
    if (!doc || !s)
        return;
    if (!parent)
        parent = gw_doc_root(doc);
    gw_doc_node *n = gw_doc_obj(doc, parent, "step_traffic", "One training step on the fabric");
    gw_doc_num(doc, n, "step_alphabeta_s", "Step time, topology-free alpha-beta",
               s->step_alphabeta_s, "s");
    gw_doc_num(doc, n, "step_closed_form_s", "Step time, search's network model",
               s->step_closed_form_s, "s");
    gw_doc_num(doc, n, "step_alone_s", "Step time, each collective simulated alone",
               s->step_alone_s, "s");
    gw_doc_num(doc, n, "step_contended_s", "Step time, all kinds contending", s->step_contended_s,
               "s");
    gw_doc_node *calls = gw_doc_arr(doc, n, "collectives", "Collectives of one step");
    for (size_t i = 0; i < s->n_calls; i++) {
        gw_doc_node *row = gw_doc_obj(doc, calls, NULL, NULL);
        gw_doc_str(doc, row, "group", "Group", kinds[s->call[i].kind & 7]);
        gw_doc_str(doc, row, "collective", "Collective", gw_net_coll_name(s->call[i].coll));
        gw_doc_int(doc, row, "ranks", "Ranks", s->call[i].n);
        gw_doc_int(doc, row, "stride", "GPUs apart", s->call[i].stride);
        gw_doc_num(doc, row, "bytes", "Bytes per rank", s->call[i].bytes, "B");
        gw_doc_num(doc, row, "closed_form_s", "Closed form", s->call[i].closed_form_s, "s");
        if (s->call[i].simulated) {
            gw_doc_str(doc, row, "algorithm", "Algorithm", gw_net_algo_name(s->call[i].algo));
            gw_doc_num(doc, row, "alone_s", "Simulated alone", s->call[i].alone_s, "s");
            gw_doc_num(doc, row, "contended_s", "Simulated, contended", s->call[i].contended_s,
                       "s");
        } else {
            gw_doc_na(doc, row, "alone_s", "Simulated alone", "s", s->call[i].why);
        }
    }
    if (s->contended_run)
        gw_net_sim_report(doc, n, "contended_simulation", &s->sim);
    else
        gw_doc_na(doc, n, "contended_simulation", "Flow simulation, all kinds contending", "",
                  s->contended_why);
}
