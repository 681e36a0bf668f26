/* SPDX-License-Identifier: MIT */
/*
 * evaluate.c: capex, opex, capital recovery and the all-in cost per GPU-hour
 * of a planned site, its low/base/high cases, the staged-financing cash-flow
 * table, and the cost of one training run.
 *
 *   capex   = N p_gpu + C_net + s C_sys + c_fac P_IT + c_land P_fac + tariff
 *   CRF(r,n) = r (1+r)^n / ((1+r)^n - 1)            (capital recovery factor)
 *   annual  = CRF(r, n_IT) capex_IT + CRF(r, n_fac) C_fac + r C_land
 *             + P_fac x 1 yr x price_energy + m capex_IT + staff
 *   $/GPU-h = annual / (N x 8766 h x billable fraction)
 *
 * The energy term runs the site at its maximum facility power all year, an
 * upper bound. Not modelled: taxes, insurance, residual value, construction
 * interest, price declines over the life.
 * Equations and sources: docs/models/econ.md.
 */
#include <gigawatt/econ.h>

#include <math.h>
#include <string.h>

#include "core/core_internal.h"
#include "econ/econ_internal.h"

double gw_econ_crf(double rate, double years)
{
    if (!(years > 0.0) || !(rate >= 0.0))
        return (double)NAN;
    if (rate == 0.0)
        return 1.0 / years;
    double g = pow(1.0 + rate, years);
    return rate * g / (g - 1.0);
}

/* Inputs of one case. */
typedef struct case_in {
    double gpu_price, pue, elec, fac_per_w, dep_s;
} case_in;

/* Capex by category; shared by all cases. */
typedef struct capex_parts {
    double systems, network, storage, facility, land, tariff, total, it;
} capex_parts;

static void capex_of(const gw_econ_defaults *def, const gw_site_result *s, double gpu_price,
                     double fac_per_w, double tariff_rate, capex_parts *c)
{
    memset(c, 0, sizeof *c);
    c->systems = s->gpus * gpu_price;
    /* NICs are priced with the servers (they sit in the node or tray). */
    c->network = s->net.switch_cost_usd + s->net.optics_cost_usd + s->net.cable_cost_usd;
    c->storage = def->storage_capex_frac * c->systems;
    c->facility = fac_per_w * s->it_power_w;
    c->land = def->land_usd_per_w * s->facility_power_w;
    double base =
        (def->tariff_systems ? c->systems : 0.0) + (def->tariff_network ? c->network : 0.0) +
        (def->tariff_storage ? c->storage : 0.0) + (def->tariff_facility ? c->facility : 0.0);
    c->tariff = tariff_rate * base;
    c->it = c->systems + c->network + c->storage + c->tariff;
    c->total = c->it + c->facility + c->land;
}

static void case_eval(const gw_econ_defaults *def, const gw_site_result *s, double rate,
                      double maint, double tariff_rate, const case_in *in, gw_econ_case *out,
                      double *energy_usd, double *capital, capex_parts *parts)
{
    capex_parts c;
    capex_of(def, s, in->gpu_price, in->fac_per_w, tariff_rate, &c);
    double years = in->dep_s / GW__ECON_S_PER_YEAR;
    double crf_it = gw_econ_crf(rate, years);
    double crf_fac = gw_econ_crf(rate, def->facility_life_s / GW__ECON_S_PER_YEAR);
    double fac_w = in->pue * s->it_power_w;
    double cap = c.it * crf_it + c.facility * crf_fac + c.land * rate;
    double energy = fac_w * GW__ECON_S_PER_YEAR * in->elec;
    double annual = cap + energy + maint * c.it + def->staff_usd_per_w_year * fac_w;
    out->gpu_price_usd = in->gpu_price;
    out->pue = in->pue;
    out->electricity_usd_per_j = in->elec;
    out->facility_usd_per_w = in->fac_per_w;
    out->depreciation_s = in->dep_s;
    out->capex_usd = c.total;
    out->annual_cost_usd = annual;
    double hours = s->gpus * GW__ECON_HOURS_PER_YEAR * def->billable_frac;
    out->usd_per_gpu_hour = hours > 0.0 ? annual / hours : (double)NAN;
    out->capex_usd_per_gw = fac_w > 0.0 ? c.total / (fac_w / 1e9) : (double)NAN;
    if (energy_usd)
        *energy_usd = energy;
    if (capital)
        *capital = cap;
    if (parts)
        *parts = c;
}

static double clamp_lo(double range_lo, double base)
{
    return range_lo < base ? range_lo : base;
}

static double clamp_hi(double range_hi, double base)
{
    return range_hi > base ? range_hi : base;
}

/* ---- Staged financing ------------------------------------------------------------ */

static void add_flow(gw_econ_result *e, const char *label, const char *date, double power_w,
                     double capex)
{
    if (e->n_flows >= GW_ECON_MAX_FLOWS)
        return;
    gw_econ_flow *f = &e->flows[e->n_flows];
    memset(f, 0, sizeof *f);
    gw__strlcpy(f->label, label, sizeof f->label);
    gw__strlcpy(f->date, date ? date : "", sizeof f->date);
    f->power_w = power_w;
    f->capex_usd = capex;
    f->tranche_usd = e->tranche_usd_per_w * power_w;
    f->net_usd = capex - f->tranche_usd;
    const gw_econ_flow *prev = e->n_flows ? &e->flows[e->n_flows - 1] : NULL;
    f->cum_capex_usd = (prev ? prev->cum_capex_usd : 0.0) + capex;
    f->cum_tranche_usd = (prev ? prev->cum_tranche_usd : 0.0) + f->tranche_usd;
    f->cum_net_usd = (prev ? prev->cum_net_usd : 0.0) + f->net_usd;
    e->n_flows++;
}

static void financing(const gw_econ_defaults *def, const gw_catalog *cat, const gw_site_result *s,
                      gw_econ_result *e)
{
    e->tranche_usd_per_w = def->tranche_usd_per_w;
    if (s->n_phases > 0) {
        for (size_t i = 0; i < s->n_phases; i++) {
            const gw_site_phase *p = &s->phases[i];
            double price = e->gpu_price_usd;
            const gw_accel *a = NULL;
            gw_econ_range r;
            if (gw_catalog_accel_find(cat, p->accelerator, &a, NULL) == GW_OK && a != s->accel &&
                gw_econ_gpu_price(def, cat, a, &r, NULL, NULL) == GW_OK)
                price = r.base;
            double net_per_gpu = s->gpus > 0.0 ? e->capex_network_usd / s->gpus : 0.0;
            double sys = p->gpus * price;
            double it = sys * (1.0 + def->storage_capex_frac) + p->gpus * net_per_gpu;
            double capex = it * (1.0 + e->tariff_rate) + e->base.facility_usd_per_w * p->it_power_w;
            add_flow(e, p->name[0] ? p->name : "phase", p->date, p->facility_power_w, capex);
        }
        return;
    }
    /* No phases: one row per GW deployed (bigger steps beyond the table size). */
    double total = s->facility_power_w;
    if (!(total > 0.0))
        return;
    double step = 1e9;
    while (ceil(total / step) > GW_ECON_MAX_FLOWS)
        step *= 2.0;
    double done = 0.0;
    for (int i = 1; done < total && e->n_flows < GW_ECON_MAX_FLOWS; i++) {
        double w = total - done < step ? total - done : step;
        char label[64];
        gw__snprintf(label, sizeof label, "GW %.1f-%.1f", done / 1e9, (done + w) / 1e9);
        add_flow(e, label, "", w, e->capex_usd * w / total);
        done += w;
    }
}

/* ---- Evaluation --------------------------------------------------------------------- */

gw_status gw_econ_evaluate(gw_ctx *ctx, const gw_catalog *cat, const gw_scenario *sc,
                           const gw_site_result *site, gw_econ_result *out, gw_error *err)
{
    if (!ctx || !cat || !sc || !site || !out || !site->accel)
        return gw__err(err, GW_EINVAL, "gw_econ_evaluate: NULL argument");
    gw_econ_defaults def;
    gw_status rc = gw_econ_defaults_load(ctx, cat, &def, err);
    if (rc != GW_OK)
        return rc;
    const char *path = sc->path;
    const gw_facility *fac = gw_catalog_facility(cat);
    gw_econ_result e;
    memset(&e, 0, sizeof e);

    /* GPU slot price. */
    gw_econ_range price;
    if (sc->economics.gpu_price_usd > 0.0) {
        price.base = sc->economics.gpu_price_usd;
        price.low = price.base * (1.0 - def.price_spread_frac);
        price.high = price.base * (1.0 + def.price_spread_frac);
        e.gpu_price_basis = "scenario economics.gpu_price";
    } else {
        rc = gw_econ_gpu_price(&def, cat, site->accel, &price, &e.gpu_price_basis, err);
        if (rc != GW_OK) {
            gw__err_loc(err, path, 0, 0, "economics.gpu_price");
            return rc;
        }
    }
    if (!(sc->economics.tariff_rate >= 0.0) || sc->economics.tariff_rate > 10.0) {
        gw__err(err, GW_ERANGE, "tariff rate must be between 0 and 1000%%");
        gw__err_loc(err, path, 0, 0, "economics.tariff_rate");
        return GW_ERANGE;
    }

    /* Base values: scenario, else catalog, else data/econ.yaml. */
    double elec = sc->economics.electricity_usd_per_j > 0.0 ? sc->economics.electricity_usd_per_j
                  : fac && fac->electricity_usd_per_j > 0.0 ? fac->electricity_usd_per_j
                                                            : def.electricity_usd_per_j.base;
    double facw = sc->economics.facility_usd_per_w > 0.0     ? sc->economics.facility_usd_per_w
                  : fac && fac->construction_usd_per_w > 0.0 ? fac->construction_usd_per_w
                                                             : def.facility_usd_per_w.base;
    double dep = sc->economics.depreciation_s > 0.0 ? sc->economics.depreciation_s
                 : fac && fac->depreciation_s > 0.0 ? fac->depreciation_s
                                                    : def.depreciation_s.base;
    double rate =
        sc->economics.cost_of_capital > 0.0 ? sc->economics.cost_of_capital : def.cost_of_capital;
    double maint = sc->economics.maintenance_frac > 0.0 ? sc->economics.maintenance_frac
                                                        : def.maintenance_frac;
    bool air = site->cooling && gw__streq_nocase(site->cooling, "air");
    const gw_econ_range *pr = air ? &def.pue_air : &def.pue_liquid;
    bool pue_fixed = sc->site.pue > 0.0;

    e.tariff_exempt = sc->economics.tariff_exempt != 0;
    e.tariff_rate = e.tariff_exempt ? 0.0 : sc->economics.tariff_rate;

    case_in lo = {
        clamp_lo(price.low, price.base), pue_fixed ? site->pue : clamp_lo(pr->low, site->pue),
        clamp_lo(def.electricity_usd_per_j.low, elec), clamp_lo(def.facility_usd_per_w.low, facw),
        /* longer life = lower annual cost */
        clamp_hi(def.depreciation_s.low, dep)};
    case_in ba = {price.base, site->pue, elec, facw, dep};
    case_in hi = {
        clamp_hi(price.high, price.base), pue_fixed ? site->pue : clamp_hi(pr->high, site->pue),
        clamp_hi(def.electricity_usd_per_j.high, elec), clamp_hi(def.facility_usd_per_w.high, facw),
        clamp_lo(def.depreciation_s.high, dep)};

    capex_parts c;
    double energy_usd = 0.0, capital = 0.0;
    case_eval(&def, site, rate, maint, e.tariff_rate, &ba, &e.base, &energy_usd, &capital, &c);
    case_eval(&def, site, rate, maint, e.tariff_rate, &lo, &e.low, NULL, NULL, NULL);
    case_eval(&def, site, rate, maint, e.tariff_rate, &hi, &e.high, NULL, NULL, NULL);

    e.gpus = site->gpus;
    e.it_power_w = site->it_power_w;
    e.facility_power_w = site->facility_power_w;
    e.gpu_price_usd = price.base;
    e.capex_systems_usd = c.systems;
    e.capex_network_usd = c.network;
    e.capex_storage_usd = c.storage;
    e.capex_facility_usd = c.facility;
    e.capex_land_usd = c.land;
    e.capex_tariff_usd = c.tariff;
    e.capex_usd = c.total;
    e.capex_it_usd = c.it;
    e.cost_of_capital = rate;
    e.depreciation_s = dep;
    e.facility_life_s = def.facility_life_s;
    e.crf_it = gw_econ_crf(rate, dep / GW__ECON_S_PER_YEAR);
    e.crf_facility = gw_econ_crf(rate, def.facility_life_s / GW__ECON_S_PER_YEAR);
    e.capital_usd_per_year = capital;
    e.energy_j_per_year = site->facility_power_w * GW__ECON_S_PER_YEAR;
    e.electricity_usd_per_j = elec;
    e.energy_usd_per_year = energy_usd;
    e.maintenance_usd_per_year = maint * c.it;
    e.staff_usd_per_year = def.staff_usd_per_w_year * site->facility_power_w;
    e.opex_usd_per_year = e.energy_usd_per_year + e.maintenance_usd_per_year + e.staff_usd_per_year;
    e.annual_cost_usd = e.base.annual_cost_usd;
    e.usd_per_gpu_hour = e.base.usd_per_gpu_hour;
    double hours = site->gpus * GW__ECON_HOURS_PER_YEAR * def.billable_frac;
    e.energy_usd_per_gpu_hour = hours > 0.0 ? energy_usd / hours : (double)NAN;
    double gw = site->facility_power_w / 1e9;
    e.capex_usd_per_gw = gw > 0.0 ? c.total / gw : (double)NAN;
    e.hardware_usd_per_gw = gw > 0.0 ? c.it / gw : (double)NAN;
    e.ref_gpus_per_gw = def.ref_gpus_per_gw;
    e.ref_capex_usd_per_gw = def.ref_capex_usd_per_gw;
    e.ref_hardware_usd_per_gw = def.ref_hardware_usd_per_gw;
    financing(&def, cat, site, &e);
    *out = e;
    return GW_OK;
}

/* ---- Training run ----------------------------------------------------------------- */

gw_status gw_econ_run_cost(const gw_econ_result *e, double gpu_hours, double energy_j,
                           gw_econ_run *out, gw_error *err)
{
    if (!e || !out)
        return gw__err(err, GW_EINVAL, "gw_econ_run_cost: NULL argument");
    if (!(gpu_hours > 0.0) || !isfinite(gpu_hours)) {
        gw__err(err, GW_ERANGE, "GPU-hours must be positive");
        gw__err_loc(err, NULL, 0, 0, "gpu_hours");
        return GW_ERANGE;
    }
    if (!(energy_j >= 0.0)) {
        gw__err(err, GW_ERANGE, "energy must not be negative");
        gw__err_loc(err, NULL, 0, 0, "energy");
        return GW_ERANGE;
    }
    gw_econ_run r;
    memset(&r, 0, sizeof r);
    r.gpu_hours = gpu_hours;
    double w_per_gpu = e->gpus > 0.0 ? e->facility_power_w / e->gpus : 0.0;
    r.energy_j = energy_j > 0.0 ? energy_j : gpu_hours * GW__ECON_S_PER_HOUR * w_per_gpu;
    r.cost_usd = gpu_hours * e->usd_per_gpu_hour;
    r.cost_low_usd = gpu_hours * e->low.usd_per_gpu_hour;
    r.cost_high_usd = gpu_hours * e->high.usd_per_gpu_hour;
    r.energy_cost_usd = r.energy_j * e->electricity_usd_per_j;
    r.wall_time_s = e->gpus > 0.0 ? gpu_hours * GW__ECON_S_PER_HOUR / e->gpus : (double)NAN;
    *out = r;
    return GW_OK;
}
