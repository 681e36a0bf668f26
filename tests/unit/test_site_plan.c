/* SPDX-License-Identifier: MIT */
/*
 * test_site_plan.c: the site planner on the built-in default scenario
 * (Colossus-II-like: ~1 GW budget, GB200 NVL72, the one-million-GPU
 * headline): GPUs per GW inside the published range, the power identity,
 * sizing from a budget, power sources, phases, and located input errors.
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
    gw_error err;
    memset(&err, 0, sizeof err);
    if (gw_test_open(&f.ctx, &f.cat) != 0)
        return -1;
    if (gw_econ_defaults_load(f.ctx, f.cat, &f.def, &err) != GW_OK)
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

/* A fresh copy of the default scenario for each test. */
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

/* GPUs per GW of the default site must fall in the published range of
 * data/econ.yaml: 333k (Abilene, 400k GB200 in 1.2 GW) to 500k (Huang, 4-5M
 * GPUs per 10 GW). Both the GPU-sized plan and what the 1 GW budget powers. */
static void default_in_published_range(void **state)
{
    fixture *f = *state;
    gw_site_result r;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_site_plan(f->ctx, f->cat, f->sc, &r, &err), GW_OK);
    assert_true(r.gpus_per_gw >= f->def.ref_gpus_per_gw.low);
    assert_true(r.gpus_per_gw <= f->def.ref_gpus_per_gw.high);
    assert_true(r.budget_w > 0.0);
    double per_gw = r.gpus_in_budget / (r.budget_w / 1e9);
    assert_true(per_gw >= f->def.ref_gpus_per_gw.low && per_gw <= f->def.ref_gpus_per_gw.high);
    /* The headline: one million GPUs do not fit in ~1 GW. */
    if (r.requested_gpus >= 1e6)
        assert_false(r.fits_budget);
}

/* P_fac = PUE (N P_sys + P_switch + P_optics + P_storage), with P_sys the
 * catalog's rack power / GPUs per rack (or node power / GPUs per node). */
static void power_identity(void **state)
{
    fixture *f = *state;
    gw_site_result r;
    assert_int_equal(gw_site_plan(f->ctx, f->cat, f->sc, &r, NULL), GW_OK);
    const gw_system *s = r.system;
    double sys = s->rack_power_w > 0 && s->gpus_per_rack > 0 ? s->rack_power_w / s->gpus_per_rack
                                                             : s->node_power_w / s->gpus_per_node;
    assert_true(fabs(r.system_power_per_gpu_w - sys) < 1e-9 * sys);
    double it = r.gpus * sys + r.net.switch_power_w + r.net.optics_power_w + r.storage_w;
    assert_true(fabs(r.it_power_w - it) < 1e-6 * it);
    assert_true(fabs(r.facility_power_w - r.pue * it) < 1e-6 * it);
    assert_true(fabs(r.storage_w - f->def.storage_power_frac * r.gpus * sys) < 1e-6 * it);
    assert_true(r.racks == ceil(r.gpus / s->gpus_per_rack));
}

/* From a 1 GW budget: a whole number of racks that fits, and one more rack
 * that does not. */
static void from_power(void **state)
{
    fixture *f = *state;
    f->sc->cluster.gpus = 0.0;
    f->sc->site.power_w = 1e9;
    f->sc->site.n_phases = 0;
    gw_site_result r, r2;
    assert_int_equal(gw_site_plan(f->ctx, f->cat, f->sc, &r, NULL), GW_OK);
    assert_int_equal(r.mode, GW_SITE_FROM_POWER);
    int unit = r.system->gpus_per_rack > 0 ? r.system->gpus_per_rack : r.system->gpus_per_node;
    assert_true(fmod(r.gpus, unit) == 0.0);
    assert_true(r.facility_power_w <= 1e9);
    f->sc->cluster.gpus = r.gpus + unit;
    assert_int_equal(gw_site_plan(f->ctx, f->cat, f->sc, &r2, NULL), GW_OK);
    assert_true(r2.facility_power_w > 1e9);
}

/* Firm supply = grid + on-site generation; batteries do not count. A grid
 * of 0 means unlimited. */
static void power_sources(void **state)
{
    fixture *f = *state;
    f->sc->site.grid_w = 300e6;
    f->sc->site.onsite_gen_w = 490e6;
    f->sc->site.battery_w = 300e6;
    gw_site_result r;
    assert_int_equal(gw_site_plan(f->ctx, f->cat, f->sc, &r, NULL), GW_OK);
    assert_true(r.sources_given);
    assert_true(fabs(r.firm_supply_w - 790e6) < 1.0);
    assert_true(fabs(r.supply_margin_w - (790e6 - r.facility_power_w)) < 1.0);
    assert_int_equal(r.supply_ok, r.facility_power_w <= 790e6);
    f->sc->site.grid_w = 0.0;
    assert_int_equal(gw_site_plan(f->ctx, f->cat, f->sc, &r, NULL), GW_OK);
    assert_false(r.sources_given);
    assert_true(r.supply_ok);
}

/* Two phases: cumulative GPUs, power and FLOP/s are running sums; a phase
 * given by power gets the GPUs that fit. */
static void phases(void **state)
{
    fixture *f = *state;
    gw_scenario *sc = f->sc;
    sc->site.n_phases = 2;
    memset(sc->site.phases, 0, sizeof sc->site.phases[0] * 2);
    sc->site.phases[0] = (gw_phase){"p1", "2024-07-01", "h100-sxm", 100000, 0};
    sc->site.phases[1] = (gw_phase){"p2", "2025-02-01", "gb200", 0, 300e6};
    gw_site_result r;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_site_plan(f->ctx, f->cat, sc, &r, &err), GW_OK);
    assert_int_equal(r.n_phases, 2);
    assert_true(r.phases[0].gpus == 100000);
    assert_true(r.phases[1].gpus > 0 && r.phases[1].facility_power_w <= 300e6);
    assert_true(r.phases[1].cum_gpus == r.phases[0].gpus + r.phases[1].gpus);
    assert_true(fabs(r.phases[1].cum_facility_power_w -
                     (r.phases[0].facility_power_w + r.phases[1].facility_power_w)) < 1.0);
    assert_true(r.phases[1].cum_peak_flops > r.phases[0].cum_peak_flops);
}

static void expect_error(fixture *f, gw_status code, const char *where)
{
    gw_site_result r;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_site_plan(f->ctx, f->cat, f->sc, &r, &err), code);
    assert_string_equal(err.where, where);
    assert_true(err.msg[0] != '\0');
}

/* Input errors are located by key path. */
static void errors(void **state)
{
    fixture *f = *state;
    gw_scenario *sc = f->sc;
    double gpus = sc->cluster.gpus;
    sc->site.power_w = -5e6;
    expect_error(f, GW_ERANGE, "site.power");
    sc->site.power_w = 0.0;
    sc->cluster.gpus = 0.0;
    expect_error(f, GW_ERANGE, "cluster.gpus");
    sc->cluster.gpus = gpus;
    const char *acc = sc->cluster.accelerator;
    sc->cluster.accelerator = "no-such-gpu";
    expect_error(f, GW_ENOTFOUND, "cluster.accelerator");
    sc->cluster.accelerator = acc;
    sc->site.n_phases = 2;
    sc->site.phases[0] = (gw_phase){"a", "2026-01-01", "gb200", 1000, 0};
    sc->site.phases[1] = (gw_phase){"b", "2025-01-01", "gb200", 1000, 0};
    expect_error(f, GW_ERANGE, "site.phases[1].date");
    sc->site.phases[1] = (gw_phase){"b", "2027-01-01", "warp-drive", 1000, 0};
    expect_error(f, GW_ENOTFOUND, "site.phases[1].accelerator");
    sc->site.phases[1] = (gw_phase){"b", "2027-01-01", "gb200", 0, 0};
    expect_error(f, GW_ERANGE, "site.phases[1].gpus");
    sc->site.n_phases = 0;
    sc->site.pue = 0.8;
    expect_error(f, GW_ERANGE, "site.pue");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(default_in_published_range, load_default, free_scenario),
        cmocka_unit_test_setup_teardown(power_identity, load_default, free_scenario),
        cmocka_unit_test_setup_teardown(from_power, load_default, free_scenario),
        cmocka_unit_test_setup_teardown(power_sources, load_default, free_scenario),
        cmocka_unit_test_setup_teardown(phases, load_default, free_scenario),
        cmocka_unit_test_setup_teardown(errors, load_default, free_scenario),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
