/* SPDX-License-Identifier: MIT */
/*
 * test_policy_classify.c: TPP, PD and the ECCN 3A090 classification of every
 * accelerator in the catalog against the table of
 * data/reference/export_control.md section 2, computed from
 * data/accelerators.yaml and data/export_rules.yaml (nothing hard-coded in
 * the library); plus the rule boundaries on synthetic chips.
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
    gw_policy_rules rules;
} fixture;

static int setup(void **state)
{
    static fixture f;
    gw_error err;
    memset(&err, 0, sizeof err);
    if (gw_test_open(&f.ctx, &f.cat) != 0)
        return -1;
    if (gw_policy_rules_load(f.ctx, f.cat, &f.rules, &err) != GW_OK)
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

/* One row of export_control.md section 2. tpp_tol is relative: 0.1% for
 * published rates, 2% for rows marked "est." or "~". pd < 0: n/a. */
typedef struct row {
    const char *name;
    double tpp, tpp_tol;
    double pd, pd_tol;
    gw_policy_class cls;
} row;

static const row table[] = {
    /* A100: BF16 312 x 16 = 4,992; PD 4,992 / 826 = 6.04; a.1 (also a.2). */
    {"a100-sxm-80gb", 4992, 1e-3, 6.04, 0.01, GW_POLICY_3A090_A},
    /* H100 / H800 / H200: FP8 1,978.9 x 8 = 15,832; 15,832 / 814 = 19.45. */
    {"h100-sxm", 15832, 1e-3, 19.45, 0.01, GW_POLICY_3A090_A},
    {"h800-sxm", 15832, 1e-3, 19.45, 0.01, GW_POLICY_3A090_A},
    {"h200-sxm", 15832, 1e-3, 19.45, 0.01, GW_POLICY_3A090_A},
    /* H20: FP8 296 x 8 = 2,368 < 2,400 (not b.1); PD 2.91 < 3.2 (not b.2). */
    {"h20", 2368, 1e-3, 2.91, 0.01, GW_POLICY_NOT_CONTROLLED},
    /* Blackwell: FP4 x 4; PD on an estimated ~1,600 mm2. */
    {"b200", 36000, 1e-3, 22.5, 0.1, GW_POLICY_3A090_A},
    {"b300", 54250, 0.04, 34.0, 1.5, GW_POLICY_3A090_A},
    {"gb200", 40000, 1e-3, 25.0, 0.1, GW_POLICY_3A090_A},
    {"gb300", 60000, 1e-3, 37.5, 0.1, GW_POLICY_3A090_A},
    /* RTX PRO 6000 Server: ~8,000 (est.), PD ~10.7 (est.). */
    {"rtx-pro-6000", 8000, 0.02, 10.7, 0.2, GW_POLICY_3A090_A},
    /* AMD: FP8 2,614.9 x 8 = 20,919; MI355X FP6 ~10,066 x 6 ~ 60,400 (est.). */
    {"mi300x", 20919, 1e-3, -1, 0, GW_POLICY_3A090_A},
    {"mi325x", 20919, 1e-3, -1, 0, GW_POLICY_3A090_A},
    {"mi355x", 60400, 0.02, -1, 0, GW_POLICY_3A090_A},
    /* TPUs: BF16 459 x 16 = 7,344; INT8 1,836 x 8 = 14,688 ("would be" a). */
    {"tpu-v5p", 7344, 1e-3, -1, 0, GW_POLICY_3A090_A},
    {"tpu-v6e", 14688, 1e-3, -1, 0, GW_POLICY_3A090_A},
    /* Ascend 910C: BF16 ~780 x 16 ~ 12,500 (analyst est.). */
    {"ascend-910c", 12500, 0.02, -1, 0, GW_POLICY_3A090_A},
};

static void reference_table(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const row *r = &table[i];
        const gw_accel *a = NULL;
        gw_error err;
        memset(&err, 0, sizeof err);
        assert_int_equal(gw_catalog_accel_find(f->cat, r->name, &a, &err), GW_OK);
        gw_policy_chip c;
        assert_int_equal(gw_policy_classify(&f->rules, a, "CN", GW_POLICY_OCT2023, &c, &err),
                         GW_OK);
        if (fabs(c.tpp - r->tpp) > r->tpp_tol * r->tpp)
            fail_msg("%s: TPP %.1f, expected %.1f", r->name, c.tpp, r->tpp);
        if (r->pd < 0.0) {
            assert_true(isnan(c.pd));
        } else if (fabs(c.pd - r->pd) > r->pd_tol) {
            fail_msg("%s: PD %.3f, expected %.2f", r->name, c.pd, r->pd);
        }
        if (c.oct2023 != r->cls)
            fail_msg("%s: class %s, expected %s", r->name, gw_policy_class_name(c.oct2023),
                     gw_policy_class_name(r->cls));
    }
}

static const gw_accel *find(fixture *f, const char *name)
{
    const gw_accel *a = NULL;
    assert_int_equal(gw_catalog_accel_find(f->cat, name, &a, NULL), GW_OK);
    return a;
}

/* Oct-2022: TPP >= 4800 and I/O >= 600 GB/s. A100 (600 GB/s) is controlled,
 * H800 (400 GB/s) is not: why it shipped to China until Nov 2023; H20's TPP
 * is below 4800. Under Oct-2023 to CN the H800 is denied. */
static void oct2022_h800(void **state)
{
    fixture *f = *state;
    gw_policy_chip c;
    assert_int_equal(
        gw_policy_classify(&f->rules, find(f, "h800-sxm"), "CN", GW_POLICY_OCT2022, &c, NULL),
        GW_OK);
    assert_false(c.oct2022_controlled);
    assert_true(c.allowed);
    assert_int_equal(c.licence, GW_LICENCE_NONE);
    assert_int_equal(
        gw_policy_classify(&f->rules, find(f, "a100-sxm-80gb"), "CN", GW_POLICY_OCT2022, &c, NULL),
        GW_OK);
    assert_true(c.oct2022_controlled);
    assert_false(c.allowed);
    assert_int_equal(
        gw_policy_classify(&f->rules, find(f, "h800-sxm"), "CN", GW_POLICY_OCT2023, &c, NULL),
        GW_OK);
    assert_int_equal(c.licence, GW_LICENCE_DENIAL);
    assert_false(c.allowed);
}

/* Jan-2026 band (TPP < 21,000 and DRAM < 6,500 GB/s): H200 (15,832; 4.8 TB/s)
 * and MI325X (20,919; 6.0 TB/s) inside, B200 (36,000) outside. Section 232
 * Annex bands: H200 in band 1 (14,000-17,500; 4,500-5,000 GB/s), MI325X in
 * band 2, H100 (3.35 TB/s) in none. */
static void jan2026_and_sec232(void **state)
{
    fixture *f = *state;
    gw_policy_chip c;
    assert_int_equal(
        gw_policy_classify(&f->rules, find(f, "h200-sxm"), "CN", GW_POLICY_JAN2026, &c, NULL),
        GW_OK);
    assert_true(c.jan2026_band);
    assert_int_equal(c.licence, GW_LICENCE_CASE_BY_CASE);
    assert_int_equal(c.sec232_band, 1);
    assert_int_equal(
        gw_policy_classify(&f->rules, find(f, "mi325x"), "CN", GW_POLICY_JAN2026, &c, NULL), GW_OK);
    assert_true(c.jan2026_band);
    assert_int_equal(c.sec232_band, 2);
    assert_int_equal(
        gw_policy_classify(&f->rules, find(f, "b200"), "CN", GW_POLICY_JAN2026, &c, NULL), GW_OK);
    assert_false(c.jan2026_band);
    assert_int_equal(c.licence, GW_LICENCE_DENIAL);
    assert_int_equal(c.sec232_band, 0);
    assert_int_equal(
        gw_policy_classify(&f->rules, find(f, "h100-sxm"), "US", GW_POLICY_JAN2026, &c, NULL),
        GW_OK);
    assert_int_equal(c.sec232_band, 0);
    assert_int_equal(c.licence, GW_LICENCE_NONE);
}

/* A synthetic data-centre chip with dense BF16 rate tpp/16 TFLOP/s and a die
 * area giving the wanted PD. */
static gw_accel synth(double tpp, double pd, bool dc)
{
    gw_accel a;
    memset(&a, 0, sizeof a);
    a.name = "synthetic";
    a.datacenter = dc;
    a.peak_flops[GW_PREC_BF16] = tpp / 16.0 * 1e12;
    a.die_area_mm2 = tpp / pd;
    return a;
}

static gw_policy_class cls(fixture *f, double tpp, double pd, bool dc)
{
    gw_accel a = synth(tpp, pd, dc);
    gw_policy_chip c;
    assert_int_equal(gw_policy_classify(&f->rules, &a, "CN", GW_POLICY_OCT2023, &c, NULL), GW_OK);
    return c.oct2023;
}

/* The thresholds of section 1: a.1 TPP >= 4800; a.2 TPP >= 1600 and
 * PD >= 5.92; b.1 2400 <= TPP < 4800 and 1.6 <= PD < 5.92; b.2 TPP >= 1600
 * and 3.2 <= PD < 5.92; non-data-centre ICs only at TPP >= 4800. */
static void boundaries(void **state)
{
    fixture *f = *state;
    assert_int_equal(cls(f, 4800, 1.0, true), GW_POLICY_3A090_A);
    assert_int_equal(cls(f, 4790, 1.0, true), GW_POLICY_NOT_CONTROLLED);
    assert_int_equal(cls(f, 1600, 5.92, true), GW_POLICY_3A090_A);
    assert_int_equal(cls(f, 1600, 5.9, true), GW_POLICY_3A090_B);
    assert_int_equal(cls(f, 2400, 1.6, true), GW_POLICY_3A090_B);
    assert_int_equal(cls(f, 2390, 1.6, true), GW_POLICY_NOT_CONTROLLED);
    assert_int_equal(cls(f, 2400, 1.5, true), GW_POLICY_NOT_CONTROLLED);
    assert_int_equal(cls(f, 1600, 3.2, true), GW_POLICY_3A090_B);
    assert_int_equal(cls(f, 1590, 3.2, true), GW_POLICY_NOT_CONTROLLED);
    assert_int_equal(cls(f, 4790, 8.0, false), GW_POLICY_NOT_CONTROLLED);
    assert_int_equal(cls(f, 4800, 8.0, false), GW_POLICY_3A090_A);
}

/* NAC: a 3A090.b chip to CN ships with notification; to a D:1/D:4 country
 * (AE, in D:4) a 3A090.a chip needs a licence with presumption of approval;
 * India is in none of D:1/D:4/D:5, so the Oct-2023 rule needs no licence. */
static void licences(void **state)
{
    fixture *f = *state;
    gw_accel a = synth(3000, 4.0, true);
    gw_policy_chip c;
    assert_int_equal(gw_policy_classify(&f->rules, &a, "CN", GW_POLICY_OCT2023, &c, NULL), GW_OK);
    assert_int_equal(c.licence, GW_LICENCE_NOTIFY);
    assert_true(c.allowed);
    assert_int_equal(
        gw_policy_classify(&f->rules, find(f, "h100-sxm"), "AE", GW_POLICY_OCT2023, &c, NULL),
        GW_OK);
    assert_int_equal(c.licence, GW_LICENCE_APPROVAL);
    assert_true(c.allowed);
    assert_int_equal(
        gw_policy_classify(&f->rules, find(f, "h100-sxm"), "IN", GW_POLICY_OCT2023, &c, NULL),
        GW_OK);
    assert_int_equal(c.licence, GW_LICENCE_NONE);
    gw_policy_rule r;
    assert_int_equal(gw_policy_rule_parse("JAN2026", &r), GW_OK);
    assert_int_equal(r, GW_POLICY_JAN2026);
    assert_int_equal(gw_policy_rule_parse("oct2024", &r), GW_EPARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reference_table),    cmocka_unit_test(oct2022_h800),
        cmocka_unit_test(jan2026_and_sec232), cmocka_unit_test(boundaries),
        cmocka_unit_test(licences),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
