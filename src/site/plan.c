/* SPDX-License-Identifier: MIT */
/*
 * plan.c: the site planner. Sizes a site from a power budget or a GPU count:
 *
 *   P_IT       = N x P_sys + P_net(N) + P_storage
 *   P_facility = PUE x P_IT
 *
 * P_sys is the wall power of one GPU's share of its server or rack (node or
 * rack maximum power from the system catalog, e.g. DGX H100 ~10.2 kW / 8,
 * GB200 NVL72 ~120 kW / 72: hardware_notes.md convention 4), P_net the
 * switches and transceivers of the scale-out fat tree (netbom.c; NICs are
 * inside the system's wall power), P_storage a fraction of compute power
 * (data/econ.yaml) or the scenario's site.storage_power, and the PUE that of
 * the cooling type (data/facility.yaml). From a budget, N is the largest
 * whole number of racks (or nodes) whose facility power fits.
 *
 * Also: power sources (grid + on-site generation must carry the facility;
 * batteries only buffer), and a phased build-out planned phase by phase.
 *
 * Not modelled: part-load power (all power figures are maxima), derating,
 * redundancy (N+1 feeds), cooling limits per rack, transmission losses.
 * Equations and sources: docs/models/site.md.
 */
#include <gigawatt/econ.h>
#include <gigawatt/site.h>

#include <math.h>
#include <string.h>

#include "core/core_internal.h"
#include "econ/econ_internal.h"

/* Everything needed to price one accelerator's power. */
typedef struct plan_hw {
    const gw_accel *a;
    const gw_system *s;
    const gw_nic *nic;
    const gw_switch *sw;
    const gw_optic *opt;
    const char *cooling;
    double pue;
    double sys_w;         /* wall power per GPU */
    double storage_frac;  /* of compute IT power */
    double storage_abs_w; /* absolute storage power, when the scenario gives one */
    int unit;             /* GPUs per rack (or node): the rounding step */
    gw_netbom_params np;
} plan_hw;

typedef struct plan_power {
    double compute_w, network_w, storage_w, it_w, facility_w;
    gw_netbom bom;
} plan_power;

static gw_status loc(gw_error *err, const gw_scenario *sc, const char *where, gw_status rc)
{
    gw__err_loc(err, sc && sc->path ? sc->path : NULL, 0, 0, where);
    return rc;
}

static bool nonempty(const char *s)
{
    return s && s[0];
}

/* ---- Hardware resolution ------------------------------------------------------ */

static const gw_switch *default_switch(const gw_catalog *cat, double nic_Bps)
{
    const gw_switch *best = NULL;
    for (size_t i = 0; i < gw_catalog_n_switches(cat); i++) {
        const gw_switch *s = gw_catalog_switch_at(cat, i);
        if (!s || (s->kind && gw__streq_nocase(s->kind, "nvlink")) || s->radix < 4)
            continue;
        bool match = nic_Bps > 0.0 && fabs(s->port_Bps - nic_Bps) <= 1e-6 * nic_Bps;
        bool best_match = best && nic_Bps > 0.0 && fabs(best->port_Bps - nic_Bps) <= 1e-6 * nic_Bps;
        if (!best || (match && !best_match) || (match == best_match && s->radix > best->radix))
            best = s;
    }
    return best;
}

static const gw_optic *default_optic(const gw_catalog *cat, double port_Bps)
{
    const gw_optic *best = NULL;
    for (size_t i = 0; i < gw_catalog_n_optics(cat); i++) {
        const gw_optic *o = gw_catalog_optic_at(cat, i);
        if (!o || o->port_Bps <= 0.0)
            continue;
        /* The smallest optic that carries the port; else the largest. */
        if (!best)
            best = o;
        else if (o->port_Bps >= port_Bps &&
                 (best->port_Bps < port_Bps || o->port_Bps < best->port_Bps))
            best = o;
        else if (best->port_Bps < port_Bps && o->port_Bps > best->port_Bps)
            best = o;
    }
    return best;
}

static gw_status resolve_hw(const gw_catalog *cat, const gw_scenario *sc,
                            const gw_econ_defaults *def, const char *accel_name,
                            const char *system_name, const char *where_accel,
                            const char *where_system, plan_hw *h, gw_error *err)
{
    memset(h, 0, sizeof *h);
    gw_status rc = gw_catalog_accel_find(cat, accel_name, &h->a, err);
    if (rc != GW_OK)
        return loc(err, sc, where_accel, rc);
    if (nonempty(system_name)) {
        rc = gw_catalog_system_find(cat, system_name, &h->s, err);
        if (rc != GW_OK)
            return loc(err, sc, where_system, rc);
        const gw_accel *sa = NULL;
        if (nonempty(h->s->accelerator) &&
            (gw_catalog_accel_find(cat, h->s->accelerator, &sa, NULL) != GW_OK || sa != h->a)) {
            const gw_system *alt = NULL;
            if (gw_catalog_system_for(cat, h->a, &alt, NULL) != GW_OK)
                alt = NULL;
            gw__err(err, GW_ERANGE, "system \"%s\" holds %s, not %s%s%s%s", h->s->name,
                    h->s->accelerator, h->a->name, alt ? "; set cluster.system to \"" : "",
                    alt ? alt->name : "", alt ? "\"" : "");
            return loc(err, sc, where_system, GW_ERANGE);
        }
    } else {
        rc = gw_catalog_system_for(cat, h->a, &h->s, err);
        if (rc != GW_OK)
            return loc(err, sc, where_system, rc);
    }
    const gw_system *s = h->s;
    if (s->rack_power_w > 0.0 && s->gpus_per_rack > 0)
        h->sys_w = s->rack_power_w / s->gpus_per_rack;
    else if (s->node_power_w > 0.0 && s->gpus_per_node > 0)
        h->sys_w = s->node_power_w / s->gpus_per_node;
    else {
        gw__err(err, GW_EINFEASIBLE, "system \"%s\" has no node or rack power in the catalog",
                s->name);
        return loc(err, sc, where_system, GW_EINFEASIBLE);
    }
    h->unit =
        s->gpus_per_rack > 0 ? s->gpus_per_rack : (s->gpus_per_node > 0 ? s->gpus_per_node : 1);

    /* NIC: the scenario's, else the system's. */
    const char *nic_name = nonempty(sc->cluster.nic) ? sc->cluster.nic : s->nic;
    if (nonempty(nic_name)) {
        rc = gw_catalog_nic_find(cat, nic_name, &h->nic, err);
        if (rc != GW_OK && nonempty(sc->cluster.nic))
            return loc(err, sc, "cluster.nic", rc);
        if (rc != GW_OK)
            h->nic = NULL;
    }
    double nic_Bps = h->nic ? h->nic->port_Bps : 0.0;
    if (nonempty(sc->cluster.fabric_switch)) {
        rc = gw_catalog_switch_find(cat, sc->cluster.fabric_switch, &h->sw, err);
        if (rc != GW_OK)
            return loc(err, sc, "cluster.switch", rc);
    } else {
        h->sw = default_switch(cat, nic_Bps);
    }
    if (!h->sw) {
        gw__err(err, GW_ENOTFOUND, "no scale-out switch in the catalog; set cluster.switch");
        return loc(err, sc, "cluster.switch", GW_ENOTFOUND);
    }
    /* Radix at the NIC port speed: a faster switch port splits (64 x 800G =
     * 128 x 400G), a slower one bonds. */
    int radix = h->sw->radix;
    if (nic_Bps > 0.0 && h->sw->port_Bps > 0.0) {
        double r = floor((double)h->sw->radix * h->sw->port_Bps / nic_Bps);
        radix = (int)r;
        radix -= radix % 2;
    }
    h->opt = default_optic(cat, nic_Bps > 0.0 ? nic_Bps : h->sw->port_Bps);

    /* Cooling and PUE. */
    h->cooling = nonempty(sc->site.cooling) ? sc->site.cooling
                 : nonempty(s->cooling)     ? s->cooling
                                            : "liquid";
    const gw_facility *fac = gw_catalog_facility(cat);
    bool air = gw__streq_nocase(h->cooling, "air");
    double pue_cat = fac ? (air ? fac->pue_air : fac->pue_liquid) : 0.0;
    double pue_def = air ? def->pue_air.base : def->pue_liquid.base;
    h->pue = sc->site.pue > 0.0 ? sc->site.pue : (pue_cat > 0.0 ? pue_cat : pue_def);
    if (!(h->pue >= 1.0)) {
        gw__err(err, GW_ERANGE, "PUE must be at least 1, got %g", h->pue);
        return loc(err, sc, "site.pue", GW_ERANGE);
    }
    h->storage_frac = def->storage_power_frac;
    h->storage_abs_w = sc->site.storage_power_w > 0.0 ? sc->site.storage_power_w : 0.0;

    gw_netbom_params *np = &h->np;
    np->nics_per_gpu = s->nics_per_gpu > 0 ? s->nics_per_gpu : 1;
    np->radix = radix;
    np->oversubscription = sc->cluster.oversubscription >= 1.0 ? sc->cluster.oversubscription : 1.0;
    np->planes = sc->cluster.planes >= 1 ? sc->cluster.planes : 1;
    np->spine_oversubscription = sc->network.spine_oversubscription;
    np->core_oversubscription = sc->network.core_oversubscription;
    np->scaleup_domain = s->scaleup_domain > 0
                             ? s->scaleup_domain
                             : (h->a->scaleup_domain > 0 ? h->a->scaleup_domain : 1);
    np->optics_per_link = def->optics_per_link;
    np->nic_power_w = h->nic ? h->nic->power_w : 0.0;
    np->nic_price_usd = h->nic && h->nic->price_usd > 0.0 ? h->nic->price_usd : def->nic_price_usd;
    np->switch_power_w = h->sw->power_w > 0.0 ? h->sw->power_w : def->switch_power_w;
    np->switch_price_usd = h->sw->price_usd > 0.0 ? h->sw->price_usd : def->switch_price_usd;
    np->optic_power_w = h->opt && h->opt->power_w > 0.0 ? h->opt->power_w : def->optic_power_w;
    np->optic_price_usd =
        h->opt && h->opt->price_usd > 0.0 ? h->opt->price_usd : def->optic_price_usd;
    np->cable_price_usd = def->cable_price_usd;
    if (np->radix < 4) {
        gw__err(err, GW_ERANGE, "switch \"%s\" has too few ports at the NIC speed", h->sw->name);
        return loc(err, sc, "cluster.switch", GW_ERANGE);
    }
    return GW_OK;
}

/* ---- Power of N GPUs ------------------------------------------------------------ */

static gw_status power_of(const plan_hw *h, double gpus, plan_power *p, gw_error *err)
{
    memset(p, 0, sizeof *p);
    gw_netbom_params np = h->np;
    np.gpus = gpus;
    gw_status rc = gw_site_netbom(&np, &p->bom, err);
    if (rc != GW_OK)
        return rc;
    p->compute_w = gpus * h->sys_w;
    /* NICs draw inside the system's wall power; switches and optics add. */
    p->network_w = p->bom.switch_power_w + p->bom.optics_power_w;
    p->storage_w = h->storage_abs_w > 0.0 ? h->storage_abs_w : h->storage_frac * p->compute_w;
    p->it_w = p->compute_w + p->network_w + p->storage_w;
    p->facility_w = h->pue * p->it_w;
    return GW_OK;
}

/* Largest multiple of h->unit GPUs whose facility power fits budget_w. */
static gw_status gpus_for_power(const plan_hw *h, double budget_w, double *gpus, gw_error *err)
{
    const double unit = (double)h->unit;
    double per = h->pue * h->sys_w * (1.0 + (h->storage_abs_w > 0.0 ? 0.0 : h->storage_frac));
    double avail = budget_w - h->pue * h->storage_abs_w;
    double n = floor(avail / per / unit) * unit;
    plan_power p;
    for (int iter = 0; iter < 200 && n >= unit; iter++) {
        gw_status rc = power_of(h, n, &p, err);
        if (rc != GW_OK)
            return rc;
        if (p.facility_w <= budget_w) {
            *gpus = n;
            return GW_OK;
        }
        double over = p.facility_w - budget_w;
        double step = ceil(over / (p.facility_w / n) / unit);
        n -= (step < 1.0 ? 1.0 : step) * unit;
    }
    *gpus = 0.0;
    char have[48], need[48] = "more";
    gw_status rc = power_of(h, unit, &p, err);
    if (rc != GW_OK)
        return rc;
    gw_unit_format(p.facility_w, "W", need, sizeof need);
    gw__err(err, GW_EINFEASIBLE,
            "a power budget of %s does not power one %s rack/node (%d GPUs need %s at the "
            "facility)",
            gw_unit_format(budget_w, "W", have, sizeof have), h->a->name, h->unit, need);
    return GW_EINFEASIBLE;
}

static double peak_of(const gw_accel *a, gw_precision prec, gw_precision *used)
{
    if ((unsigned)prec < GW_PREC_COUNT && a->peak_flops[prec] > 0.0) {
        if (used)
            *used = prec;
        return a->peak_flops[prec];
    }
    if (used)
        *used = GW_PREC_BF16;
    return a->peak_flops[GW_PREC_BF16];
}

/* ISO dates compare as strings once their shape is checked. */
static bool iso_date(const char *s)
{
    if (!s || strlen(s) < 4)
        return false;
    for (size_t i = 0; s[i]; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

/* ---- Plan ------------------------------------------------------------------------- */

static gw_status plan_phases(const gw_catalog *cat, const gw_scenario *sc,
                             const gw_econ_defaults *def, gw_site_result *r, gw_error *err)
{
    double cum_gpus = 0.0, cum_w = 0.0, cum_flops = 0.0;
    const char *prev_date = NULL;
    if (sc->site.n_phases > GW_SCENARIO_MAX_PHASES)
        return loc(err, sc, "site.phases", gw__err(err, GW_ERANGE, "too many phases"));
    for (size_t i = 0; i < sc->site.n_phases; i++) {
        const gw_phase *ph = &sc->site.phases[i];
        char wa[64], wd[64], wg[64];
        gw__snprintf(wa, sizeof wa, "site.phases[%zu].accelerator", i);
        gw__snprintf(wd, sizeof wd, "site.phases[%zu].date", i);
        gw__snprintf(wg, sizeof wg, "site.phases[%zu].gpus", i);
        if (nonempty(ph->date)) {
            if (!iso_date(ph->date)) {
                gw__err(err, GW_ERANGE, "expected an ISO date such as \"2026-01-17\", got \"%s\"",
                        ph->date);
                return loc(err, sc, wd, GW_ERANGE);
            }
            if (prev_date && strcmp(ph->date, prev_date) < 0) {
                gw__err(err, GW_ERANGE, "phase date %s is before the previous phase's %s", ph->date,
                        prev_date);
                return loc(err, sc, wd, GW_ERANGE);
            }
            prev_date = ph->date;
        }
        const char *an = nonempty(ph->accelerator) ? ph->accelerator : sc->cluster.accelerator;
        plan_hw h;
        gw_status rc = resolve_hw(cat, sc, def, an, NULL, wa, wa, &h, err);
        if (rc != GW_OK)
            return rc;
        if (!(ph->gpus >= 0.0) || !(ph->power_w >= 0.0)) {
            gw__err(err, GW_ERANGE, "phase GPUs and power must not be negative");
            return loc(err, sc, wg, GW_ERANGE);
        }
        double n = ph->gpus;
        if (n <= 0.0) {
            if (ph->power_w <= 0.0) {
                gw__err(err, GW_ERANGE, "a phase needs gpus or power");
                return loc(err, sc, wg, GW_ERANGE);
            }
            rc = gpus_for_power(&h, ph->power_w, &n, err);
            if (rc != GW_OK)
                return loc(err, sc, wg, rc);
        }
        plan_power p;
        rc = power_of(&h, n, &p, err);
        if (rc != GW_OK)
            return loc(err, sc, wg, rc);
        gw_site_phase *o = &r->phases[i];
        o->name = ph->name ? ph->name : "";
        o->date = ph->date ? ph->date : "";
        o->accelerator = h.a->name;
        o->gpus = n;
        o->racks = ceil(n / h.unit);
        o->it_power_w = p.it_w;
        o->facility_power_w = p.facility_w;
        o->peak_flops = n * peak_of(h.a, sc->workload.precision, NULL);
        cum_gpus += n;
        cum_w += p.facility_w;
        cum_flops += o->peak_flops;
        o->cum_gpus = cum_gpus;
        o->cum_facility_power_w = cum_w;
        o->cum_peak_flops = cum_flops;
    }
    r->n_phases = sc->site.n_phases;
    r->phases_facility_power_w = cum_w;
    return GW_OK;
}

gw_status gw_site_plan(gw_ctx *ctx, const gw_catalog *cat, const gw_scenario *sc,
                       gw_site_result *out, gw_error *err)
{
    if (!ctx || !cat || !sc || !out)
        return gw__err(err, GW_EINVAL, "gw_site_plan: NULL argument");
    gw_econ_defaults def;
    gw_status rc = gw_econ_defaults_load(ctx, cat, &def, err);
    if (rc != GW_OK)
        return rc;
    if (!(sc->site.power_w >= 0.0))
        return loc(err, sc, "site.power", gw__err(err, GW_ERANGE, "power must not be negative"));
    if (!(sc->cluster.gpus >= 0.0))
        return loc(err, sc, "cluster.gpus",
                   gw__err(err, GW_ERANGE, "GPU count must not be negative"));
    if (sc->cluster.gpus <= 0.0 && sc->site.power_w <= 0.0)
        return loc(err, sc, "cluster.gpus",
                   gw__err(err, GW_ERANGE, "set cluster.gpus or site.power to size the site"));

    gw_site_result r;
    memset(&r, 0, sizeof r);
    plan_hw h;
    rc = resolve_hw(cat, sc, &def, sc->cluster.accelerator, sc->cluster.system,
                    "cluster.accelerator", "cluster.system", &h, err);
    if (rc != GW_OK)
        return rc;
    r.accel = h.a;
    r.system = h.s;
    r.nic = h.nic;
    r.fabric_switch = h.sw;
    r.optic = h.opt;
    r.cooling = h.cooling;
    r.pue = h.pue;
    r.budget_w = sc->site.power_w;
    r.requested_gpus = sc->cluster.gpus;

    if (r.budget_w > 0.0) {
        rc = gpus_for_power(&h, r.budget_w, &r.gpus_in_budget, err);
        if (rc == GW_EINFEASIBLE && sc->cluster.gpus > 0.0) {
            /* The GPU count decides; a budget below one rack is reported. */
            r.gpus_in_budget = 0.0;
            gw__err_clear(err);
            rc = GW_OK;
        }
        if (rc != GW_OK)
            return loc(err, sc, "site.power", rc);
    }
    double n;
    if (sc->cluster.gpus > 0.0) {
        r.mode = GW_SITE_FROM_GPUS;
        n = ceil(sc->cluster.gpus);
    } else {
        r.mode = GW_SITE_FROM_POWER;
        n = r.gpus_in_budget;
    }
    plan_power p;
    rc = power_of(&h, n, &p, err);
    if (rc != GW_OK)
        return loc(err, sc, "cluster", rc);
    r.gpus = n;
    r.nodes = h.s->gpus_per_node > 0 ? ceil(n / h.s->gpus_per_node) : 0.0;
    r.racks = h.s->gpus_per_rack > 0 ? ceil(n / h.s->gpus_per_rack) : r.nodes;
    r.compute_it_w = p.compute_w;
    r.network_w = p.network_w;
    r.storage_w = p.storage_w;
    r.it_power_w = p.it_w;
    r.facility_power_w = p.facility_w;
    r.overhead_w = p.facility_w - p.it_w;
    r.system_power_per_gpu_w = h.sys_w;
    if (n > 0.0) {
        r.network_power_per_gpu_w = p.network_w / n;
        r.storage_power_per_gpu_w = p.storage_w / n;
        r.facility_power_per_gpu_w = p.facility_w / n;
        r.gpus_per_gw = 1e9 / r.facility_power_per_gpu_w;
    }
    r.peak_flops = n * peak_of(h.a, sc->workload.precision, &r.precision);
    r.net = p.bom;
    r.net_params = h.np;
    r.net_params.gpus = n;
    if (r.mode == GW_SITE_FROM_GPUS) {
        r.power_for_requested_w = p.facility_w;
        r.fits_budget = r.budget_w <= 0.0 || p.facility_w <= r.budget_w;
    } else {
        r.fits_budget = true;
    }

    /* Power sources: grid 0 means an unlimited grid import. */
    r.grid_w = sc->site.grid_w;
    r.onsite_gen_w = sc->site.onsite_gen_w;
    r.battery_w = sc->site.battery_w;
    if (!(r.grid_w >= 0.0) || !(r.onsite_gen_w >= 0.0) || !(r.battery_w >= 0.0))
        return loc(err, sc, "site.grid",
                   gw__err(err, GW_ERANGE, "power sources must not be negative"));
    r.sources_given = r.grid_w > 0.0;
    if (r.sources_given) {
        r.firm_supply_w = r.grid_w + r.onsite_gen_w;
        r.supply_margin_w = r.firm_supply_w - r.facility_power_w;
        r.supply_ok = r.supply_margin_w >= 0.0;
    } else {
        r.firm_supply_w = (double)INFINITY;
        r.supply_margin_w = (double)INFINITY;
        r.supply_ok = true;
    }

    rc = plan_phases(cat, sc, &def, &r, err);
    if (rc != GW_OK)
        return rc;
    *out = r;
    return GW_OK;
}
