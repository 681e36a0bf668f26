/* SPDX-License-Identifier: MIT */
/*
 * compliant.c: the compliant-cluster planner. For every catalog accelerator
 * it classifies the chip for a destination, plans a site of the given power
 * budget with it (gw_site_plan), prices it (gw_econ_evaluate) and, when a
 * training compute C is given, the time and cost of C:
 *
 *   T = C / (N x peak x MFU),   GPU-hours = N T / 3600 s,
 *   cost = GPU-hours x all-in $/GPU-hour.
 *
 * The best allowed option is then compared with the best option overall
 * (the H20/H800 versus H100/B200 question). Not modelled: scaling losses
 * that differ between chips (the MFU is the scenario's for all), interconnect
 * limits of cut-down parts (the H800's 400 GB/s NVLink), licence timelines.
 */
#include <gigawatt/econ.h>
#include <gigawatt/policy.h>
#include <gigawatt/site.h>

#include <math.h>
#include <string.h>

#include "core/core_internal.h"

static bool better(const gw_policy_option *a, const gw_policy_option *b, bool by_cost)
{
    if (!b)
        return true;
    if (by_cost)
        return a->train_cost_usd < b->train_cost_usd;
    return a->peak_flops > b->peak_flops;
}

static void plan_one(gw_ctx *ctx, const gw_catalog *cat, const gw_scenario *sc, double power_w,
                     double train_flop, gw_policy_option *o)
{
    gw_scenario s2 = *sc;
    s2.cluster.accelerator = o->chip.accel->name;
    s2.cluster.system = "";
    s2.cluster.nic = "";
    s2.cluster.fabric_switch = "";
    s2.cluster.gpus = 0.0;
    s2.site.power_w = power_w;
    s2.site.cooling = "";
    s2.site.n_phases = 0;
    s2.site.grid_w = 0.0;
    s2.economics.gpu_price_usd = 0.0;
    gw_site_result site;
    gw_econ_result econ;
    gw_error e;
    gw__err_clear(&e);
    const gw_system *sys = NULL;
    if (gw_catalog_system_for(cat, o->chip.accel, &sys, NULL) != GW_OK) {
        gw__strlcpy(o->skip_reason, "no server or rack for it in the catalog",
                    sizeof o->skip_reason);
        return;
    }
    if (gw_site_plan(ctx, cat, &s2, &site, &e) != GW_OK ||
        gw_econ_evaluate(ctx, cat, &s2, &site, &econ, &e) != GW_OK) {
        gw__strlcpy(o->skip_reason, e.msg, sizeof o->skip_reason);
        return;
    }
    o->planned = true;
    o->gpus = site.gpus;
    o->facility_power_w = site.facility_power_w;
    o->peak_flops = site.peak_flops;
    o->capex_usd = econ.capex_usd;
    o->usd_per_gpu_hour = econ.usd_per_gpu_hour;
    o->flops_per_w = site.facility_power_w > 0.0 ? site.peak_flops / site.facility_power_w : 0.0;
    o->flops_per_usd = econ.capex_usd > 0.0 ? site.peak_flops / econ.capex_usd : 0.0;
    double mfu = sc->workload.mfu_assumed;
    if (train_flop > 0.0 && mfu > 0.0 && site.peak_flops > 0.0) {
        o->train_time_s = train_flop / (site.peak_flops * mfu);
        o->train_gpu_hours = site.gpus * o->train_time_s / 3600.0;
        o->train_cost_usd = o->train_gpu_hours * econ.usd_per_gpu_hour;
    }
}

gw_status gw_policy_compliant_plan(gw_ctx *ctx, const gw_catalog *cat, const gw_scenario *sc,
                                   const gw_policy_rules *rules, const char *destination,
                                   gw_policy_rule rule, double power_w, double train_flop,
                                   gw_policy_compliant *out, gw_error *err)
{
    if (!ctx || !cat || !sc || !rules || !out)
        return gw__err(err, GW_EINVAL, "gw_policy_compliant_plan: NULL argument");
    if (!(power_w > 0.0) || !isfinite(power_w)) {
        gw__err(err, GW_ERANGE, "the power budget must be positive");
        gw__err_loc(err, NULL, 0, 0, "--power");
        return GW_ERANGE;
    }
    if (!(train_flop >= 0.0) || !isfinite(train_flop)) {
        gw__err(err, GW_ERANGE, "training compute must not be negative");
        gw__err_loc(err, NULL, 0, 0, "--train-flop");
        return GW_ERANGE;
    }
    const char *code = NULL;
    gw_status rc0 =
        gw_policy_destination_check(rules, destination ? destination : "US", &code, err);
    if (rc0 != GW_OK)
        return rc0;
    memset(out, 0, sizeof *out);
    gw__strlcpy(out->destination, code, sizeof out->destination);
    out->rule = rule;
    out->power_w = power_w;
    out->train_flop = train_flop;
    out->mfu = sc->workload.mfu_assumed;
    out->precision = sc->workload.precision;
    out->best_allowed = -1;
    out->best_any = -1;
    size_t n = gw_catalog_n_accels(cat);
    if (n > GW_POLICY_MAX_OPTIONS)
        n = GW_POLICY_MAX_OPTIONS;
    bool by_cost = train_flop > 0.0 && out->mfu > 0.0;
    for (size_t i = 0; i < n; i++) {
        gw_policy_option *o = &out->options[i];
        gw_status rc = gw_policy_classify(rules, gw_catalog_accel_at(cat, i), out->destination,
                                          rule, &o->chip, err);
        if (rc != GW_OK)
            return rc;
        plan_one(ctx, cat, sc, power_w, train_flop, o);
        out->n_options = i + 1;
        if (!o->planned)
            continue;
        if (better(o, out->best_any >= 0 ? &out->options[out->best_any] : NULL, by_cost))
            out->best_any = (int)i;
        if (o->chip.allowed &&
            better(o, out->best_allowed >= 0 ? &out->options[out->best_allowed] : NULL, by_cost))
            out->best_allowed = (int)i;
    }
    return GW_OK;
}
