/* SPDX-License-Identifier: MIT */
/*
 * defaults.c: loads data/econ.yaml (planner and economic defaults, price
 * ranges, reference anchors) into a gw_econ_defaults, and resolves the price
 * of a GPU slot from it and the catalog.
 *
 * It does not hold any number itself: every value comes from the data file,
 * whose entries carry their sources. Values are written either as a scalar
 * with a unit or as {value, source, confidence}; a map without a non-empty
 * source is rejected.
 */
#include <gigawatt/econ.h>

#include <math.h>
#include <string.h>

#include "core/core_internal.h"
#include "econ/econ_internal.h"

/* ---- Data-file helpers ----------------------------------------------------- */

gw_status gw__econ_section(const gw__ydoc *d, const gw__ynode *map, const char *key,
                           gw__ynode **out, gw_error *err)
{
    gw_status rc = gw__y_require(d, map, key, key, out, err);
    if (rc != GW_OK)
        return rc;
    return gw__y_expect(d, *out, GW_Y_MAP, key, err);
}

gw_status gw__econ_value(const gw__ydoc *d, const gw__ynode *map, const char *section,
                         const char *key, gw_dim dim, double min, double max, double *out,
                         gw_error *err)
{
    char where[128];
    gw__snprintf(where, sizeof where, "%s.%s", section, key);
    gw__ynode *n = NULL;
    gw_status rc = gw__y_require(d, map, key, where, &n, err);
    if (rc != GW_OK)
        return rc;
    if (n->kind == GW_Y_MAP) {
        gw__ynode *src = gw__ymap_get(n, "source");
        if (!src || src->kind != GW_Y_SCALAR || !src->scalar || !src->scalar[0]) {
            gw__err(err, GW_ESCHEMA, "value without a source");
            gw__y_loc(d, n, where, err);
            return GW_ESCHEMA;
        }
        gw__ynode *v = NULL;
        rc = gw__y_require(d, n, "value", where, &v, err);
        if (rc != GW_OK)
            return rc;
        n = v;
    }
    return gw__y_num(d, n, where, dim, min, max, out, err);
}

const char *gw__econ_data_dir(const gw_catalog *cat)
{
    const char *o = cat ? gw_catalog_origin(cat) : NULL;
    if (!o || !o[0] || o[0] == '(')
        return NULL;
    return o;
}

gw_status gw__econ_ydoc_read(gw_ctx *ctx, const gw_catalog *cat, const char *rel, gw__ydoc **out,
                             gw_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    char shown[512];
    *out = NULL;
    gw_status rc = gw__data_read(ctx, gw__econ_data_dir(cat), rel, &buf, &len, shown, err);
    if (rc != GW_OK)
        return rc;
    rc = gw__ydoc_parse(ctx, buf, len, shown, out, err);
    gw_free(ctx, buf);
    if (rc != GW_OK)
        return rc;
    if (!(*out)->root || (*out)->root->kind != GW_Y_MAP) {
        gw__err(err, GW_ESCHEMA, "expected a mapping at the top level");
        gw__err_loc(err, shown, 1, 1, NULL);
        gw__ydoc_free(*out);
        *out = NULL;
        return GW_ESCHEMA;
    }
    return GW_OK;
}

/* ---- econ.yaml ------------------------------------------------------------- */

static gw_status load_range(const gw__ydoc *d, const gw__ynode *sec, const char *name,
                            const char *lo, const char *base, const char *hi, gw_dim dim,
                            double min, double max, gw_econ_range *out, gw_error *err)
{
    gw_status rc = gw__econ_value(d, sec, name, lo, dim, min, max, &out->low, err);
    if (rc == GW_OK && base)
        rc = gw__econ_value(d, sec, name, base, dim, min, max, &out->base, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, sec, name, hi, dim, min, max, &out->high, err);
    if (rc != GW_OK)
        return rc;
    if (!base)
        out->base = 0.5 * (out->low + out->high);
    if (!(out->low <= out->base && out->base <= out->high)) {
        gw__err(err, GW_ERANGE, "%s: %s must not exceed %s", name, lo, hi);
        gw__y_loc(d, sec, name, err);
        return GW_ERANGE;
    }
    return GW_OK;
}

static gw_status load_bool(const gw__ydoc *d, const gw__ynode *sec, const char *key, bool *out,
                           gw_error *err)
{
    gw__ynode *n = NULL;
    gw_status rc = gw__y_require(d, sec, key, key, &n, err);
    if (rc != GW_OK)
        return rc;
    return gw__y_bool(d, n, key, out, err);
}

static gw_status load_prices(const gw__ydoc *d, const gw__ynode *sec, gw_econ_defaults *out,
                             gw_error *err)
{
    gw_status rc = gw__econ_value(d, sec, "gpu_prices", "server_overhead", GW_DIM_FRACTION, 0.0,
                                  10.0, &out->server_overhead_frac, err);
    if (rc != GW_OK)
        return rc;
    gw__ynode *entries = NULL;
    rc = gw__y_require(d, sec, "entries", "gpu_prices.entries", &entries, err);
    if (rc == GW_OK)
        rc = gw__y_expect(d, entries, GW_Y_SEQ, "gpu_prices.entries", err);
    if (rc != GW_OK)
        return rc;
    if (entries->n > GW_ECON_MAX_PRICES) {
        gw__err(err, GW_ERANGE, "at most %d entries", GW_ECON_MAX_PRICES);
        gw__y_loc(d, entries, "gpu_prices.entries", err);
        return GW_ERANGE;
    }
    for (size_t i = 0; i < entries->n; i++) {
        const gw__ynode *e = entries->vals[i];
        char where[64];
        gw__snprintf(where, sizeof where, "gpu_prices.entries[%zu]", i);
        rc = gw__y_expect(d, e, GW_Y_MAP, where, err);
        gw__ynode *name = NULL;
        if (rc == GW_OK)
            rc = gw__y_require(d, e, "accelerator", where, &name, err);
        const char *s = NULL;
        if (rc == GW_OK)
            rc = gw__y_str(d, name, where, &s, err);
        gw_econ_price *p = &out->prices[i];
        if (rc == GW_OK) {
            gw__strlcpy(p->accelerator, s, sizeof p->accelerator);
            rc = load_range(d, e, where, "low", "base", "high", GW_DIM_MONEY, 0.0, 1e9, &p->usd,
                            err);
        }
        if (rc != GW_OK)
            return rc;
    }
    out->n_prices = entries->n;
    return GW_OK;
}

gw_status gw_econ_defaults_load(gw_ctx *ctx, const gw_catalog *cat, gw_econ_defaults *out,
                                gw_error *err)
{
    if (!ctx || !out)
        return gw__err(err, GW_EINVAL, "gw_econ_defaults_load: NULL argument");
    gw__ydoc *d = NULL;
    gw_status rc = gw__econ_ydoc_read(ctx, cat, "econ.yaml", &d, err);
    if (rc != GW_OK)
        return rc;
    gw_econ_defaults v;
    memset(&v, 0, sizeof v);
    const gw__ynode *root = d->root;
    gw__ynode *fin = NULL, *site = NULL, *net = NULL, *rng = NULL, *tar = NULL, *gp = NULL,
              *ref = NULL;
    const double inf = (double)INFINITY;
    double opl = 0.0, tranche_per_gw = 0.0;

    rc = gw__econ_section(d, root, "finance", &fin, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, fin, "finance", "cost_of_capital", GW_DIM_FRACTION, 0.0, 1.0,
                            &v.cost_of_capital, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, fin, "finance", "maintenance", GW_DIM_FRACTION, 0.0, 1.0,
                            &v.maintenance_frac, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, fin, "finance", "facility_life", GW_DIM_TIME, 1.0, inf,
                            &v.facility_life_s, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, fin, "finance", "land", GW_DIM_MONEY_PER_POWER, 0.0, inf,
                            &v.land_usd_per_w, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, fin, "finance", "staff", GW_DIM_MONEY_PER_POWER, 0.0, inf,
                            &v.staff_usd_per_w_year, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, fin, "finance", "billable_fraction", GW_DIM_FRACTION, 0.01, 1.0,
                            &v.billable_frac, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, fin, "finance", "depreciation_low_cost", GW_DIM_TIME, 1.0, inf,
                            &v.depreciation_s.low, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, fin, "finance", "depreciation_high_cost", GW_DIM_TIME, 1.0, inf,
                            &v.depreciation_s.high, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, fin, "finance", "tranche_per_gw", GW_DIM_MONEY, 0.0, inf,
                            &tranche_per_gw, err);
    v.tranche_usd_per_w = tranche_per_gw / 1e9;
    v.depreciation_s.base = 0.5 * (v.depreciation_s.low + v.depreciation_s.high);

    if (rc == GW_OK)
        rc = gw__econ_section(d, root, "site", &site, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, site, "site", "storage_power", GW_DIM_FRACTION, 0.0, 1.0,
                            &v.storage_power_frac, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, site, "site", "storage_capex", GW_DIM_FRACTION, 0.0, 1.0,
                            &v.storage_capex_frac, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, site, "site", "optics_per_link", GW_DIM_NONE, 0.0, 4.0, &opl, err);
    v.optics_per_link = (int)opl;

    if (rc == GW_OK)
        rc = gw__econ_section(d, root, "network_fallback", &net, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, net, "network_fallback", "switch_power", GW_DIM_POWER, 0.0, inf,
                            &v.switch_power_w, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, net, "network_fallback", "switch_price", GW_DIM_MONEY, 0.0, inf,
                            &v.switch_price_usd, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, net, "network_fallback", "optic_power", GW_DIM_POWER, 0.0, inf,
                            &v.optic_power_w, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, net, "network_fallback", "optic_price", GW_DIM_MONEY, 0.0, inf,
                            &v.optic_price_usd, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, net, "network_fallback", "cable_price", GW_DIM_MONEY, 0.0, inf,
                            &v.cable_price_usd, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, net, "network_fallback", "nic_price", GW_DIM_MONEY, 0.0, inf,
                            &v.nic_price_usd, err);

    if (rc == GW_OK)
        rc = gw__econ_section(d, root, "ranges", &rng, err);
    if (rc == GW_OK)
        rc = load_range(d, rng, "ranges", "electricity_low", "electricity_base", "electricity_high",
                        GW_DIM_PRICE_ENERGY, 0.0, inf, &v.electricity_usd_per_j, err);
    if (rc == GW_OK)
        rc = load_range(d, rng, "ranges", "pue_liquid_low", "pue_liquid_base", "pue_liquid_high",
                        GW_DIM_NONE, 1.0, 5.0, &v.pue_liquid, err);
    if (rc == GW_OK)
        rc = load_range(d, rng, "ranges", "pue_air_low", "pue_air_base", "pue_air_high",
                        GW_DIM_NONE, 1.0, 5.0, &v.pue_air, err);
    if (rc == GW_OK)
        rc = load_range(d, rng, "ranges", "facility_low", "facility_base", "facility_high",
                        GW_DIM_MONEY_PER_POWER, 0.0, inf, &v.facility_usd_per_w, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, rng, "ranges", "price_spread", GW_DIM_FRACTION, 0.0, 0.95,
                            &v.price_spread_frac, err);

    if (rc == GW_OK)
        rc = gw__econ_section(d, root, "tariffs", &tar, err);
    if (rc == GW_OK)
        rc = load_bool(d, tar, "systems", &v.tariff_systems, err);
    if (rc == GW_OK)
        rc = load_bool(d, tar, "network", &v.tariff_network, err);
    if (rc == GW_OK)
        rc = load_bool(d, tar, "storage", &v.tariff_storage, err);
    if (rc == GW_OK)
        rc = load_bool(d, tar, "facility", &v.tariff_facility, err);

    if (rc == GW_OK)
        rc = gw__econ_section(d, root, "gpu_prices", &gp, err);
    if (rc == GW_OK)
        rc = load_prices(d, gp, &v, err);

    if (rc == GW_OK)
        rc = gw__econ_section(d, root, "references", &ref, err);
    if (rc == GW_OK)
        rc = load_range(d, ref, "references", "gpus_per_gw_low", "gpus_per_gw_base",
                        "gpus_per_gw_high", GW_DIM_NONE, 0.0, inf, &v.ref_gpus_per_gw, err);
    if (rc == GW_OK)
        rc = load_range(d, ref, "references", "capex_per_gw_low", "capex_per_gw_base",
                        "capex_per_gw_high", GW_DIM_MONEY, 0.0, inf, &v.ref_capex_usd_per_gw, err);
    if (rc == GW_OK)
        rc = load_range(d, ref, "references", "hardware_per_gw_low", "hardware_per_gw_base",
                        "hardware_per_gw_high", GW_DIM_MONEY, 0.0, inf, &v.ref_hardware_usd_per_gw,
                        err);
    gw__ydoc_free(d);
    if (rc == GW_OK)
        *out = v;
    return rc;
}

/* ---- GPU-slot price ---------------------------------------------------------- */

gw_status gw_econ_gpu_price(const gw_econ_defaults *def, const gw_catalog *cat, const gw_accel *a,
                            gw_econ_range *out, const char **basis, gw_error *err)
{
    if (!def || !a || !out)
        return gw__err(err, GW_EINVAL, "gw_econ_gpu_price: NULL argument");
    const char *b = "";
    for (size_t i = 0; i < def->n_prices; i++) {
        if (gw__streq_nocase(def->prices[i].accelerator, a->name)) {
            *out = def->prices[i].usd;
            if (basis)
                *basis = "data/econ.yaml gpu_prices (all-in GPU slot)";
            return GW_OK;
        }
    }
    double f = 1.0 + def->server_overhead_frac;
    if (a->price_low_usd > 0.0 || a->price_high_usd > 0.0) {
        double lo = a->price_low_usd > 0.0 ? a->price_low_usd : a->price_high_usd;
        double hi = a->price_high_usd > 0.0 ? a->price_high_usd : a->price_low_usd;
        out->low = lo * f;
        out->high = hi * f;
        out->base = 0.5 * (lo + hi) * f;
        if (lo == hi) {
            out->low = out->base * (1.0 - def->price_spread_frac);
            out->high = out->base * (1.0 + def->price_spread_frac);
        }
        b = "catalog GPU price x (1 + server overhead)";
    } else {
        const gw_system *sys = NULL;
        if (!cat || gw_catalog_system_for(cat, a, &sys, NULL) != GW_OK || !sys ||
            sys->price_usd <= 0.0) {
            gw__err(err, GW_ENOTFOUND,
                    "no price known for accelerator \"%s\"; set "
                    "economics.gpu_price",
                    a->name);
            gw__err_loc(err, NULL, 0, 0, "economics.gpu_price");
            return GW_ENOTFOUND;
        }
        int per = sys->price_per_rack ? sys->gpus_per_rack : sys->gpus_per_node;
        if (per <= 0)
            per = 1;
        out->base = sys->price_usd / per;
        out->low = out->base * (1.0 - def->price_spread_frac);
        out->high = out->base * (1.0 + def->price_spread_frac);
        b = "catalog system price per GPU";
    }
    if (basis)
        *basis = b;
    return GW_OK;
}
