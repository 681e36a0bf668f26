/* SPDX-License-Identifier: MIT */
/*
 * netbom.c: first-order bill of materials of a rail-optimised fat tree
 * (folded Clos) for the scale-out fabric: tiers from the switch radix and
 * the leaf oversubscription, switches per tier, links, cables, transceivers
 * and NICs, with their power and cost.
 *
 * Model (docs/models/site.md):
 *   k  switch radix at the NIC port speed, o leaf oversubscription (>= 1),
 *   d  = floor(k o / (1 + o)) leaf ports facing endpoints (k/2 when o = 1),
 *   capacity(1) = k, capacity(t) = k d (k/2)^(t-2) endpoints per plane,
 *   which is k^2/2 and k^3/4 for a non-blocking tree (o = 1).
 *   Leaves L1 = ceil(E/d); uplinks U1 = L1 (k - d); a middle tier has
 *   S = ceil(U/(k/2)) switches with U' = S k/2 uplinks; the top tier has
 *   S = ceil(U/k) switches (all ports down).
 * Rail optimisation changes which leaf a NIC port lands on, not the counts,
 * so the same formulas serve. Planes are independent copies of the tree over
 * which the NIC ports are spread evenly.
 *
 * Checked against NVIDIA's DGX SuperPOD B200 reference architecture (switch
 * and cable counts for 2 to 64 scalable units, radix 64):
 * https://docs.nvidia.com/dgx-superpod/reference-architecture-scalable-infrastructure-b200/latest/dgx-superpod-architecture.html
 *
 * Not modelled: traffic, routing, cable lengths (copper versus optics by
 * distance), spare ports, management and storage fabrics.
 */
#include <gigawatt/site.h>

#include <math.h>
#include <string.h>

#include "core/core_internal.h"

static gw_status bad(gw_error *err, const char *where, const char *msg)
{
    gw__err(err, GW_ERANGE, "%s", msg);
    gw__err_loc(err, NULL, 0, 0, where);
    return GW_ERANGE;
}

/* Ports down of a middle-tier switch for its oversubscription o (0 or 1:
 * k/2, non-blocking). */
static int mid_down(int k, double o)
{
    if (!(o > 1.0))
        return k / 2;
    int d = (int)floor((double)k * o / (1.0 + o));
    return d >= k ? k - 1 : d;
}

/* Largest endpoint count of one plane with t tiers. */
static double capacity(const gw_netbom_params *p, int k, int d, int t)
{
    if (t <= 1)
        return (double)k;
    double c = (double)k * (double)d;
    for (int j = 1; j <= t - 2; j++)
        c *= mid_down(k, j == 1 ? p->spine_oversubscription : p->core_oversubscription);
    return c;
}

gw_status gw_site_netbom(const gw_netbom_params *p, gw_netbom *out, gw_error *err)
{
    if (!p || !out)
        return gw__err(err, GW_EINVAL, "gw_site_netbom: NULL argument");
    if (!(p->gpus >= 0.0) || !isfinite(p->gpus))
        return bad(err, "cluster.gpus", "GPU count must be a non-negative number");
    if (p->nics_per_gpu < 1)
        return bad(err, "nics_per_gpu", "expected at least one NIC port per GPU");
    if (p->radix < 4 || p->radix % 2 != 0)
        return bad(err, "cluster.switch", "switch radix must be an even number >= 4");
    if (!(p->oversubscription >= 1.0) || !isfinite(p->oversubscription))
        return bad(err, "cluster.oversubscription", "oversubscription must be >= 1");
    if (p->planes < 1)
        return bad(err, "cluster.planes", "expected at least one plane");
    if (p->scaleup_domain < 1)
        return bad(err, "scaleup_domain", "scale-up domain must be >= 1 GPU");
    if (p->optics_per_link < 0)
        return bad(err, "optics_per_link", "must not be negative");

    gw_netbom b;
    memset(&b, 0, sizeof b);
    const int k = p->radix;
    const double o = p->oversubscription;
    int d = (int)floor((double)k * o / (1.0 + o));
    if (d < k / 2)
        d = k / 2;
    if (d >= k)
        d = k - 1;
    b.leaf_down_ports = d;
    b.planes = p->planes;
    b.endpoints = ceil(p->gpus) * p->nics_per_gpu;
    b.endpoints_per_plane = ceil(b.endpoints / p->planes);
    b.scaleup_domains = ceil(p->gpus / p->scaleup_domain);

    int t = 1;
    while (t <= GW_NETBOM_MAX_TIERS && capacity(p, k, d, t) < b.endpoints_per_plane)
        t++;
    if (t > GW_NETBOM_MAX_TIERS) {
        gw__err(err, GW_EINFEASIBLE,
                "%.0f endpoints per plane need more than %d switch tiers at radix %d; "
                "add planes or use a higher-radix switch",
                b.endpoints_per_plane, GW_NETBOM_MAX_TIERS, k);
        gw__err_loc(err, NULL, 0, 0, "cluster.planes");
        return GW_EINFEASIBLE;
    }
    b.tiers = t;
    b.capacity_per_plane = capacity(p, k, d, t);

    const double E = b.endpoints_per_plane;
    double sw[GW_NETBOM_MAX_TIERS] = {0}, ln[GW_NETBOM_MAX_TIERS] = {0};
    if (E > 0.0) {
        ln[0] = E;
        if (t == 1) {
            sw[0] = 1.0;
        } else {
            sw[0] = ceil(E / d);
            double up = sw[0] * (k - d);
            for (int i = 1; i < t; i++) {
                ln[i] = up;
                if (i == t - 1) {
                    sw[i] = ceil(up / k);
                } else {
                    int di =
                        mid_down(k, i == 1 ? p->spine_oversubscription : p->core_oversubscription);
                    sw[i] = ceil(up / di);
                    up = sw[i] * (k - di);
                }
            }
        }
    }
    for (int i = 0; i < GW_NETBOM_MAX_TIERS; i++) {
        b.switches_per_tier[i] = sw[i] * p->planes;
        b.links_per_tier[i] = ln[i] * p->planes;
        b.switches += b.switches_per_tier[i];
        b.links += b.links_per_tier[i];
    }
    b.nics = b.endpoints;
    b.cables = b.links;
    b.transceivers = b.links * p->optics_per_link;

    b.nic_power_w = b.nics * p->nic_power_w;
    b.switch_power_w = b.switches * p->switch_power_w;
    b.optics_power_w = b.transceivers * p->optic_power_w;
    b.power_w = b.nic_power_w + b.switch_power_w + b.optics_power_w;
    b.nic_cost_usd = b.nics * p->nic_price_usd;
    b.switch_cost_usd = b.switches * p->switch_price_usd;
    b.optics_cost_usd = b.transceivers * p->optic_price_usd;
    b.cable_cost_usd = b.cables * p->cable_price_usd;
    b.cost_usd = b.nic_cost_usd + b.switch_cost_usd + b.optics_cost_usd + b.cable_cost_usd;
    *out = b;
    return GW_OK;
}

/* ---- Report ----------------------------------------------------------------- */

void gw_site_netbom_report(gw_doc *doc, gw_doc_node *parent, const char *key, const gw_netbom *b)
{
    static const char *const tier_names[GW_NETBOM_MAX_TIERS] = {"leaf", "spine", "core",
                                                                "super-core"};
    static const char *const link_names[GW_NETBOM_MAX_TIERS] = {"endpoint-leaf", "leaf-spine",
                                                                "spine-core", "core-super-core"};
    if (!doc || !b)
        return;
    if (!parent)
        parent = gw_doc_root(doc);
    gw_doc_node *n = gw_doc_obj(doc, parent, key ? key : "network", "Scale-out network (BOM)");
    gw_doc_int(doc, n, "planes", "Planes", b->planes);
    gw_doc_int(doc, n, "tiers", "Switch tiers per plane", b->tiers);
    gw_doc_num(doc, n, "endpoints", "NIC ports (all planes)", b->endpoints, "");
    gw_doc_num(doc, n, "capacity_per_plane", "Max endpoints per plane", b->capacity_per_plane, "");
    gw_doc_int(doc, n, "leaf_down_ports", "Leaf ports to endpoints", b->leaf_down_ports);
    gw_doc_num(doc, n, "scaleup_domains", "Scale-up domains", b->scaleup_domains, "");
    gw_doc_node *tiers = gw_doc_arr(doc, n, "tiers_detail", "Tiers");
    for (int i = 0; i < b->tiers && i < GW_NETBOM_MAX_TIERS; i++) {
        gw_doc_node *row = gw_doc_obj(doc, tiers, NULL, NULL);
        gw_doc_str(doc, row, "tier", "Tier", tier_names[i]);
        gw_doc_num(doc, row, "switches", "Switches", b->switches_per_tier[i], "");
        gw_doc_str(doc, row, "links_below", "Links below", link_names[i]);
        gw_doc_num(doc, row, "links", "Links", b->links_per_tier[i], "");
    }
    gw_doc_num(doc, n, "nics", "NIC ports", b->nics, "");
    gw_doc_num(doc, n, "switches", "Switches", b->switches, "");
    gw_doc_num(doc, n, "cables", "Cables", b->cables, "");
    gw_doc_num(doc, n, "transceivers", "Transceivers", b->transceivers, "");
    gw_doc_num(doc, n, "switch_power_w", "Switch power", b->switch_power_w, "W");
    gw_doc_num(doc, n, "optics_power_w", "Optics power", b->optics_power_w, "W");
    gw_doc_num(doc, n, "nic_power_w", "NIC power", b->nic_power_w, "W");
    gw_doc_num(doc, n, "power_w", "Network power", b->power_w, "W");
    gw_doc_num(doc, n, "switch_cost_usd", "Switch cost", b->switch_cost_usd, "USD");
    gw_doc_num(doc, n, "optics_cost_usd", "Optics cost", b->optics_cost_usd, "USD");
    gw_doc_num(doc, n, "cable_cost_usd", "Cable cost", b->cable_cost_usd, "USD");
    gw_doc_num(doc, n, "nic_cost_usd", "NIC cost", b->nic_cost_usd, "USD");
    gw_doc_num(doc, n, "cost_usd", "Network cost", b->cost_usd, "USD");
}
