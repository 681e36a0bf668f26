/* SPDX-License-Identifier: MIT */
/*
 * test_policy_answers.c: the answer table of the export-control rules. For
 * each chip data/reference/export_control.md names, each kind of destination
 * and each rule of data/export_rules.yaml, the licence answer the document
 * gives, with the section it comes from ("sN" = section N of
 * export_control.md). The destinations:
 *
 *   CN  China: country group D:5 + Macau, the Oct-2022 scope, the Jan-2026
 *       case-by-case zone, AI Diffusion Tier 3 (arms-embargoed).
 *   AE  United Arab Emirates: country group D:4, AI Diffusion Tier 2.
 *   IN  India: in none of D:1/D:4/D:5, AI Diffusion Tier 2.
 *   GB  United Kingdom: in none of D:1/D:4/D:5, AI Diffusion Tier 1.
 *
 * The rules (s1 and s3):
 *   oct2022  TPP >= 4800 and I/O >= 600 GB/s, to China/Macau: a licence
 *            (the reference gives no review policy); else none.
 *   oct2023  3A090.a: D:5 + Macau presumption of denial, D:1/D:4
 *            presumption of approval, others none. 3A090.b: NAC / ACA.
 *            The H20 (outside 3A090) got an 'is-informed' licence letter
 *            on 2025-04-09 and licences with a 15% revenue share from
 *            2025-08-11 while this rule was in force.
 *   jan2025  AI Diffusion (rescinded before it applied): 3A090.a worldwide,
 *            Tier 1 none, Tier 2 capped, Tier 3 denied.
 *   jan2026  as oct2023, but China/Macau get case-by-case review for chips
 *            with TPP < 21,000 and DRAM < 6,500 GB/s; the H200 ships to
 *            approved customers with 25% to the US government (s3 2025-12-08).
 */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
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
    if (gw_policy_rules_load(f.ctx, f.cat, &f.rules, &err) != GW_OK) {
        char buf[1024];
        print_error("%s\n", gw_error_format(&err, buf, sizeof buf));
        return -1;
    }
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gw_test_close(f->ctx, f->cat);
    return 0;
}

/* Short names for the table. SKIP: the document gives no basis. */
#define NO   GW_LICENCE_NONE
#define REQ  GW_LICENCE_REQUIRED
#define DEN  GW_LICENCE_DENIAL
#define APP  GW_LICENCE_APPROVAL
#define CBC  GW_LICENCE_CASE_BY_CASE
#define CAP  GW_LICENCE_QUOTA
#define COND GW_LICENCE_CONDITIONAL
#define SKIP (-1)

/* Columns in gw_policy_rule order would be oct2022, oct2023, jan2026,
 * jan2025; the table reads in date order instead. */
enum { C_OCT2022, C_OCT2023, C_JAN2025, C_JAN2026, N_COLS };
static const gw_policy_rule col_rule[N_COLS] = {GW_POLICY_OCT2022, GW_POLICY_OCT2023,
                                                GW_POLICY_JAN2025, GW_POLICY_JAN2026};

typedef struct row {
    const char *chip, *dest;
    int licence[N_COLS];
    const char *cites; /* where in export_control.md each answer comes from */
} row;

static const row table[] = {
    /* H20: TPP 2,368 < 4,800 (not Oct-2022); outside 3A090 (s2: TPP < 2,400
     * rules out b.1, PD 2.91 < 3.2 rules out b.2); to China a licence from
     * the 2025-04 letter, issued with 15% from 2025-08 (s3), under oct2023
     * and still under jan2026 (the Jan-2026 band covers controlled chips). */
    {"h20", "CN", {NO, COND, NO, COND}, "s2 H20 row; s3 2025-04-09/14, 2025-08-11"},
    {"h20", "AE", {NO, NO, NO, NO}, "s2 H20 row: outside 3A090; the letter names China and D:5"},
    {"h20", "IN", {NO, NO, NO, NO}, "s2 H20 row"},
    {"h20", "GB", {NO, NO, NO, NO}, "s2 H20 row"},
    /* H800: 400 GB/s NVLink, so exportable under Oct-2022 (s1, s3
     * 2023-03-21); 3A090.a under Oct-2023 (s2) -> D:5 denial, D:4 approval
     * (s1 Tier 1); AI Diffusion Tier 3 denied, Tier 2 capped (s3 2025-01);
     * Jan-2026: TPP 15,832 < 21,000, DRAM 3.35 TB/s < 6,500 GB/s -> case by
     * case for China (s3 2026-01-13/15). */
    {"h800-sxm", "CN", {NO, DEN, DEN, CBC}, "s1 Oct-2022; s1 Tier 1; s3 2025-01, 2026-01"},
    {"h800-sxm", "AE", {NO, APP, CAP, APP}, "s1 Tier 1 (D:4 approval); s3 2025-01 Tier 2"},
    {"h800-sxm", "GB", {NO, NO, NO, NO}, "s1 (not D:1/D:4/D:5); s3 2025-01 Tier 1"},
    /* H100: 900 GB/s NVLink, controlled under Oct-2022; else as the H800. */
    {"h100-sxm", "CN", {REQ, DEN, DEN, CBC}, "s1 Oct-2022; s2 H100 row; s3 2026-01"},
    {"h100-sxm", "AE", {NO, APP, CAP, APP}, "s1 Tier 1; s3 2025-01 Tier 2"},
    {"h100-sxm", "IN", {NO, NO, CAP, NO}, "s1 (India not D:1/D:4/D:5); s3 2025-01 Tier 2"},
    {"h100-sxm", "GB", {NO, NO, NO, NO}, "s1; s3 2025-01 Tier 1"},
    /* H200: s2 "January 2026: China case-by-case licence zone". */
    {"h200-sxm", "CN", {REQ, DEN, DEN, CBC}, "s2 H200 row; s3 2025-12-08, 2026-01-13/15"},
    {"h200-sxm", "AE", {NO, APP, CAP, APP}, "s1 Tier 1; s3 2025-01 Tier 2"},
    {"h200-sxm", "GB", {NO, NO, NO, NO}, "s1; s3 2025-01 Tier 1"},
    /* B200: s2 "Outside the January 2026 case-by-case zone (TPP > 21,000)";
     * Blackwell excluded from the H200 arrangement (s3 2025-12-08). */
    {"b200", "CN", {REQ, DEN, DEN, DEN}, "s2 B200 row; s3 2025-12-08, 2026-01-13/15"},
    {"b200", "AE", {NO, APP, CAP, APP}, "s1 Tier 1; s3 2025-01 Tier 2"},
    {"b200", "IN", {NO, NO, CAP, NO}, "s1; s3 2025-01 Tier 2"},
    {"b200", "GB", {NO, NO, NO, NO}, "s1; s3 2025-01 Tier 1"},
    /* A100: 600 GB/s, the Oct-2022 line (s1); TPP 4,992 in the Jan-2026 band. */
    {"a100-sxm-80gb", "CN", {REQ, DEN, DEN, CBC}, "s1 Oct-2022; s2 A100 row; s3 2026-01"},
    /* TPP > 21,000: outside the Jan-2026 band (s2 rows, s3 2026-01). */
    {"b300", "CN", {SKIP, DEN, DEN, DEN}, "s2 B300 row (TPP ~52,500)"},
    {"gb200", "CN", {SKIP, DEN, DEN, DEN}, "s2 GB200 row (TPP 40,000)"},
    {"gb300", "CN", {SKIP, DEN, DEN, DEN}, "s2 GB300 row (TPP 60,000)"},
    {"mi355x", "CN", {SKIP, DEN, DEN, DEN}, "s2 MI355X row (TPP ~60,400)"},
    /* TPP < 21,000 and DRAM < 6,500 GB/s: inside the band. */
    {"mi300x", "CN", {SKIP, DEN, DEN, CBC}, "s2 MI300X row (TPP 20,919)"},
    {"mi325x", "CN", {SKIP, DEN, DEN, CBC}, "s2 MI325X row: January 2026 case-by-case zone"},
    {"tpu-v5p", "CN", {SKIP, DEN, DEN, CBC}, "s2 TPU v5p row: would be 3A090.a (TPP 7,344)"},
    {"tpu-v6e", "CN", {SKIP, DEN, DEN, CBC}, "s2 TPU v6e row: would be 3A090.a (TPP 14,688)"},
    {"rtx-pro-6000", "CN", {SKIP, DEN, DEN, CBC}, "s2 RTX PRO 6000 row: 3A090.a, ~8,000"},
    {"ascend-910c", "CN", {SKIP, DEN, DEN, CBC}, "s2 Ascend row (classified as if US)"},
};

/* The chips of s2 that are 3A090.a data-centre parts: to AE (D:4, Tier 2)
 * and GB (Tier 1, no D group) their answers follow from s1 and s3 alone. */
static const char *const a_chips[] = {"a100-sxm-80gb", "b300",        "gb200",  "gb300",
                                      "mi300x",        "mi325x",      "mi355x", "tpu-v5p",
                                      "tpu-v6e",       "rtx-pro-6000"};

static const gw_accel *find(fixture *f, const char *name)
{
    const gw_accel *a = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    if (gw_catalog_accel_find(f->cat, name, &a, &err) != GW_OK)
        fail_msg("%s: not in the catalog: %s", name, err.msg);
    return a;
}

static void check(fixture *f, const char *chip, const char *dest, int col, int want,
                  const char *cites)
{
    if (want == SKIP)
        return;
    gw_policy_chip c;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_policy_classify(&f->rules, find(f, chip), dest, col_rule[col], &c, &err),
                     GW_OK);
    if ((int)c.licence != want)
        fail_msg("%s to %s under %s: got \"%s\", expected \"%s\" (%s)\n  answer: %s", chip, dest,
                 gw_policy_rule_name(col_rule[col]), gw_policy_licence_name(c.licence),
                 gw_policy_licence_name((gw_policy_licence)want), cites, c.answer);
    /* Every answer names its rule and date and the reference section. */
    const gw_policy_rule_info *in = &f->rules.info[col_rule[col]];
    char head[96];
    snprintf(head, sizeof head, "under the %s (%s)", in->name, in->date);
    if (!strstr(c.answer, head) || !strstr(c.answer, gw_policy_licence_name(c.licence)))
        fail_msg("%s to %s: answer lacks \"%s\": %s", chip, dest, head, c.answer);
    if (!strstr(c.answer, "export_control.md section"))
        fail_msg("%s to %s: answer lacks the reference section: %s", chip, dest, c.answer);
}

static void answer_table(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        for (int col = 0; col < N_COLS; col++)
            check(f, table[i].chip, table[i].dest, col, table[i].licence[col], table[i].cites);
    for (size_t i = 0; i < sizeof a_chips / sizeof a_chips[0]; i++) {
        static const int ae[N_COLS] = {NO, APP, CAP, APP}, gb[N_COLS] = {NO, NO, NO, NO};
        for (int col = 0; col < N_COLS; col++) {
            check(f, a_chips[i], "AE", col, ae[col], "s1 Tier 1 (D:4); s3 2025-01 Tier 2");
            check(f, a_chips[i], "GB", col, gb[col], "s1; s3 2025-01 Tier 1");
        }
    }
}

/* The special arrangements are stated, with their dates and shares (s3):
 * the H20's 15% under oct2023 and jan2026, the H200's 25% under jan2026;
 * the rescinded AI Diffusion rule says it never applied. */
static void arrangements(void **state)
{
    fixture *f = *state;
    gw_policy_chip c;
    assert_int_equal(
        gw_policy_classify(&f->rules, find(f, "h20"), "CN", GW_POLICY_OCT2023, &c, NULL), GW_OK);
    assert_true(c.has_measure && c.allowed);
    assert_true(fabs(c.share - 0.15) < 1e-12);
    assert_non_null(strstr(c.answer, "'is-informed' letter (2025-04-09)"));
    assert_non_null(strstr(c.answer, "15% revenue share (2025-08-11)"));
    /* D:5 outside China: the letter applies, the 15% licences do not. */
    assert_int_equal(
        gw_policy_classify(&f->rules, find(f, "h20"), "RU", GW_POLICY_JAN2026, &c, NULL), GW_OK);
    assert_int_equal(c.licence, GW_LICENCE_REQUIRED);
    assert_false(c.allowed);
    assert_int_equal(
        gw_policy_classify(&f->rules, find(f, "h200-sxm"), "CN", GW_POLICY_JAN2026, &c, NULL),
        GW_OK);
    assert_true(fabs(c.share - 0.25) < 1e-12);
    assert_non_null(strstr(c.measures, "approved customers"));
    /* Under oct2023 the 2025-12-08 arrangement is not part of the answer. */
    assert_int_equal(
        gw_policy_classify(&f->rules, find(f, "h200-sxm"), "CN", GW_POLICY_OCT2023, &c, NULL),
        GW_OK);
    assert_false(c.has_measure);
    assert_int_equal(
        gw_policy_classify(&f->rules, find(f, "h100-sxm"), "AE", GW_POLICY_JAN2025, &c, NULL),
        GW_OK);
    assert_false(c.in_force);
    assert_non_null(strstr(c.answer, "would have been"));
    assert_non_null(strstr(c.answer, "rescinded 2025-05-13"));
    /* The home country never needs a licence, whatever the chip. */
    assert_int_equal(
        gw_policy_classify(&f->rules, find(f, "b200"), "US", GW_POLICY_JAN2026, &c, NULL), GW_OK);
    assert_int_equal(c.licence, GW_LICENCE_NONE);
    assert_false(c.has_measure);
}

/* Unknown destinations are rejected with GW_ENOTFOUND and a hint; known
 * codes are case-insensitive and come back canonical. */
static void destinations(void **state)
{
    fixture *f = *state;
    const char *code = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_policy_destination_check(&f->rules, "ae", &code, &err), GW_OK);
    assert_string_equal(code, "AE");
    assert_int_equal(gw_policy_destination_check(&f->rules, "d5", &code, &err), GW_OK);
    assert_string_equal(code, "D5");
    static const struct {
        const char *text, *hint;
    } bad[] = {{"XX", NULL},
               {"China", "\"CN\""},
               {"CHN", "\"CN\""},
               {"UK", "\"GB\""},
               {"", NULL},
               {"United Arab", "\"AE\""},
               {"ZZZZZZZZZZZZZZZZZZZZZZZZ", NULL}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        assert_int_equal(gw_policy_destination_check(&f->rules, bad[i].text, NULL, &err),
                         GW_ENOTFOUND);
        assert_string_equal(err.where, "policy.destination");
        assert_non_null(strstr(err.msg, "ISO 3166-1 alpha-2"));
        if (bad[i].hint)
            assert_non_null(strstr(err.msg, bad[i].hint));
        else
            assert_null(strstr(err.msg, "did you mean"));
    }
    gw_policy_chip c;
    assert_int_equal(
        gw_policy_classify(&f->rules, find(f, "h20"), "XX", GW_POLICY_OCT2023, &c, &err),
        GW_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answer_table),
        cmocka_unit_test(arrangements),
        cmocka_unit_test(destinations),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
