/* SPDX-License-Identifier: MIT */
/*
 * test_policy_compliant.c: the compliant-cluster planner. For China under
 * the October 2023 rule only chips outside 3A090.a (or in 3A090.b) may ship:
 * of the catalog's planned chips that is the H20, so it must be the best
 * allowed option and deliver less peak compute in the same power than the
 * best unrestricted chip. Under the October 2022 rule the H800 (400 GB/s
 * NVLink) becomes allowed and beats the H20.
 */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */

#include "test_env.h"

typedef struct fixture {
    gw_ctx *ctx;
    gw_catalog *cat;
    gw_scenario *sc;
    gw_policy_rules rules;
    gw_policy_compliant *out;
} fixture;

static int setup(void **state)
{
    static fixture f;
    if (gw_test_open(&f.ctx, &f.cat) != 0)
        return -1;
    if (gw_policy_rules_load(f.ctx, f.cat, &f.rules, NULL) != GW_OK)
        return -1;
    if (gw_scenario_load(f.ctx, NULL, NULL, 0, &f.sc, NULL) != GW_OK)
        return -1;
    f.out = calloc(1, sizeof *f.out);
    *state = &f;
    return f.out ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    free(f->out);
    gw_scenario_free(f->sc);
    gw_test_close(f->ctx, f->cat);
    return 0;
}

static const char *best(const gw_policy_compliant *c, int i)
{
    return i >= 0 ? c->options[i].chip.accel->name : "";
}

static void china_oct2023(void **state)
{
    fixture *f = *state;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_policy_compliant_plan(f->ctx, f->cat, f->sc, &f->rules, "CN",
                                              GW_POLICY_OCT2023, 100e6, 3.3e24, f->out, &err),
                     GW_OK);
    const gw_policy_compliant *c = f->out;
    assert_string_equal(best(c, c->best_allowed), "h20");
    assert_true(c->best_any >= 0 && c->best_any != c->best_allowed);
    const gw_policy_option *a = &c->options[c->best_allowed], *u = &c->options[c->best_any];
    assert_true(a->facility_power_w <= 100e6 && u->facility_power_w <= 100e6);
    assert_true(a->train_cost_usd > u->train_cost_usd);
    /* T = C / (N peak MFU) and GPU-hours = N T / 3600. */
    double t = 3.3e24 / (a->peak_flops * c->mfu);
    assert_true(fabs(a->train_time_s - t) < 1e-9 * t);
    assert_true(fabs(a->train_gpu_hours - a->gpus * t / 3600.0) < 1e-6 * a->train_gpu_hours);
}

static void china_oct2022(void **state)
{
    fixture *f = *state;
    assert_int_equal(gw_policy_compliant_plan(f->ctx, f->cat, f->sc, &f->rules, "CN",
                                              GW_POLICY_OCT2022, 100e6, 0.0, f->out, NULL),
                     GW_OK);
    const gw_policy_compliant *c = f->out;
    const char *b = best(c, c->best_allowed);
    /* Highest peak among chips under the Oct-2022 line: an H800-class part. */
    assert_true(strcmp(b, "h20") != 0);
    assert_false(c->options[c->best_allowed].chip.oct2022_controlled);
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_policy_compliant_plan(f->ctx, f->cat, f->sc, &f->rules, "CN",
                                              GW_POLICY_OCT2022, -1.0, 0.0, f->out, &err),
                     GW_ERANGE);
    assert_string_equal(err.where, "--power");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(china_oct2023),
        cmocka_unit_test(china_oct2022),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
