/* SPDX-License-Identifier: MIT */
/*
 * test_econ_cost.c: economics of the default scenario (capex per GW and IT
 * capex per GW inside the published ranges of data/econ.yaml), the capital
 * recovery factor, the $/GPU-hour identity, tariffs, the low/base/high
 * ordering, staged financing and the cost of a training run.
 */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */

#include "test_env.h"

typedef struct fixture {
    gw_ctx *ctx;
    gw_catalog *cat;
    gw_scenario *sc;
    gw_econ_defaults def;
} fixture;

static int setup(void **state)
{
    static fixture f;
    if (gw_test_open(&f.ctx, &f.cat) != 0)
        return -1;
    if (gw_econ_defaults_load(f.ctx, f.cat, &f.def, NULL) != GW_OK)
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gw_test_close(f->ctx, f->cat);
    return 0;
}

static int load_default(void **state)
{
    fixture *f = *state;
    return gw_test_default_scenario(f->ctx, &f->sc);
}

static int free_scenario(void **state)
{
    fixture *f = *state;
    gw_scenario_free(f->sc);
    f->sc = NULL;
    return 0;
}

static void evaluate(fixture *f, gw_site_result *s, gw_econ_result *e)
{
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_site_plan(f->ctx, f->cat, f->sc, s, &err), GW_OK);
    assert_int_equal(gw_econ_evaluate(f->ctx, f->cat, f->sc, s, e, &err), GW_OK);
}

/* CRF(r, n) = r (1+r)^n / ((1+r)^n - 1): 1/n at r = 0; at 8% over 6 years
 * 0.08 x 1.586874 / 0.586874 = 0.216315; over 15 years 0.116830. */
static void crf(void **state)
{
    (void)state;
    assert_true(fabs(gw_econ_crf(0.0, 5.0) - 0.2) < 1e-12);
    assert_true(fabs(gw_econ_crf(0.08, 6.0) - 0.216315) < 1e-6);
    assert_true(fabs(gw_econ_crf(0.08, 15.0) - 0.116830) < 1e-6);
    assert_true(isnan(gw_econ_crf(0.08, 0.0)));
    assert_true(isnan(gw_econ_crf(-0.1, 5.0)));
}

/* The default site's capex per GW (Huang ~$50B; range $38-80B) and IT capex
 * per GW (Huang ~$35B of NVIDIA content; range $28-50B) fall inside the
 * published ranges of data/econ.yaml. */
static void default_in_published_range(void **state)
{
    fixture *f = *state;
    gw_site_result s;
    gw_econ_result e;
    evaluate(f, &s, &e);
    assert_true(e.capex_usd_per_gw >= f->def.ref_capex_usd_per_gw.low);
    assert_true(e.capex_usd_per_gw <= f->def.ref_capex_usd_per_gw.high);
    assert_true(e.hardware_usd_per_gw >= f->def.ref_hardware_usd_per_gw.low);
    assert_true(e.hardware_usd_per_gw <= f->def.ref_hardware_usd_per_gw.high);
}

/* Identities: capex is the sum of its categories; the annual cost is the
 * capital charge plus opex; $/GPU-hour = annual / (N x 8766 h x billable);
 * energy = facility power x 8766 h x price. */
static void identities(void **state)
{
    fixture *f = *state;
    gw_site_result s;
    gw_econ_result e;
    evaluate(f, &s, &e);
    double sum = e.capex_systems_usd + e.capex_network_usd + e.capex_storage_usd +
                 e.capex_tariff_usd + e.capex_facility_usd + e.capex_land_usd;
    assert_true(fabs(e.capex_usd - sum) < 1e-6 * sum);
    assert_true(fabs(e.capex_systems_usd - s.gpus * e.gpu_price_usd) < 1e-6 * sum);
    double annual = e.capital_usd_per_year + e.opex_usd_per_year;
    assert_true(fabs(e.annual_cost_usd - annual) < 1e-6 * annual);
    double hours = s.gpus * 8766.0 * f->def.billable_frac;
    assert_true(fabs(e.usd_per_gpu_hour - annual / hours) < 1e-9 * e.usd_per_gpu_hour);
    double energy = s.facility_power_w * 8766.0 * 3600.0 * e.electricity_usd_per_j;
    assert_true(fabs(e.energy_usd_per_year - energy) < 1e-6 * energy);
    assert_true(e.low.usd_per_gpu_hour <= e.base.usd_per_gpu_hour);
    assert_true(e.base.usd_per_gpu_hour <= e.high.usd_per_gpu_hour);
    assert_true(e.low.capex_usd <= e.base.capex_usd && e.base.capex_usd <= e.high.capex_usd);
}

/* A 25% tariff on the categories data/econ.yaml names (systems, network,
 * storage; not the building) adds 0.25 x their sum; the US data-centre
 * exemption removes it. */
static void tariffs(void **state)
{
    fixture *f = *state;
    gw_site_result s;
    gw_econ_result e;
    f->sc->economics.tariff_rate = 0.25;
    f->sc->economics.tariff_exempt = 0;
    evaluate(f, &s, &e);
    double base = (f->def.tariff_systems ? e.capex_systems_usd : 0.0) +
                  (f->def.tariff_network ? e.capex_network_usd : 0.0) +
                  (f->def.tariff_storage ? e.capex_storage_usd : 0.0) +
                  (f->def.tariff_facility ? e.capex_facility_usd : 0.0);
    assert_true(fabs(e.capex_tariff_usd - 0.25 * base) < 1e-6 * base);
    f->sc->economics.tariff_exempt = 1;
    evaluate(f, &s, &e);
    assert_true(e.capex_tariff_usd == 0.0);
    assert_true(e.tariff_exempt);
}

/* Staged financing: the tranche of each step is $/W x its power and the
 * cumulative net need is the running sum of capex - tranche. */
static void financing(void **state)
{
    fixture *f = *state;
    gw_site_result s;
    gw_econ_result e;
    evaluate(f, &s, &e);
    assert_true(e.n_flows > 0);
    double cum = 0.0;
    for (size_t i = 0; i < e.n_flows; i++) {
        const gw_econ_flow *x = &e.flows[i];
        assert_true(fabs(x->tranche_usd - e.tranche_usd_per_w * x->power_w) < 1.0);
        cum += x->capex_usd - x->tranche_usd;
        assert_true(fabs(x->cum_net_usd - cum) < 1e-6 * fabs(cum) + 1.0);
    }
    /* Without phases: one row per GW of facility power, capex in proportion. */
    f->sc->site.n_phases = 0;
    evaluate(f, &s, &e);
    assert_int_equal(e.n_flows, (size_t)ceil(s.facility_power_w / 1e9));
    assert_true(fabs(e.flows[e.n_flows - 1].cum_capex_usd - e.capex_usd) < 1e-6 * e.capex_usd);
}

/* A run of H GPU-hours costs H x $/GPU-hour (all-in, low and high cases);
 * without an energy figure it draws H x facility power per GPU. DeepSeek-V3:
 * 2.788M GPU-hours. */
static void run_cost(void **state)
{
    fixture *f = *state;
    gw_site_result s;
    gw_econ_result e;
    gw_econ_run r;
    evaluate(f, &s, &e);
    assert_int_equal(gw_econ_run_cost(&e, 2.788e6, 0.0, &r, NULL), GW_OK);
    assert_true(fabs(r.cost_usd - 2.788e6 * e.usd_per_gpu_hour) < 1e-6 * r.cost_usd);
    assert_true(r.cost_low_usd <= r.cost_usd && r.cost_usd <= r.cost_high_usd);
    double ej = 2.788e6 * 3600.0 * s.facility_power_w / s.gpus;
    assert_true(fabs(r.energy_j - ej) < 1e-6 * ej);
    assert_true(fabs(r.energy_cost_usd - ej * e.electricity_usd_per_j) < 1e-6 * r.energy_cost_usd);
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_econ_run_cost(&e, -1.0, 0.0, &r, &err), GW_ERANGE);
    assert_string_equal(err.where, "gpu_hours");
}

/* A scenario GPU price replaces the catalog's, with the +/- spread. */
static void scenario_price(void **state)
{
    fixture *f = *state;
    gw_site_result s;
    gw_econ_result e;
    f->sc->economics.gpu_price_usd = 50000.0;
    evaluate(f, &s, &e);
    assert_true(e.gpu_price_usd == 50000.0);
    assert_true(fabs(e.low.gpu_price_usd - 50000.0 * (1.0 - f->def.price_spread_frac)) < 1e-6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crf),
        cmocka_unit_test_setup_teardown(default_in_published_range, load_default, free_scenario),
        cmocka_unit_test_setup_teardown(identities, load_default, free_scenario),
        cmocka_unit_test_setup_teardown(tariffs, load_default, free_scenario),
        cmocka_unit_test_setup_teardown(financing, load_default, free_scenario),
        cmocka_unit_test_setup_teardown(run_cost, load_default, free_scenario),
        cmocka_unit_test_setup_teardown(scenario_price, load_default, free_scenario),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
