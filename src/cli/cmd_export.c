/* SPDX-License-Identifier: MIT */
/*
 * cmd_export.c: `gigawatt export NAME | --compare | --destination D --power P`:
 * export-control classification of one accelerator (TPP, PD, ECCN 3A090
 * class, licence for a destination, Section 232 band), of every catalog chip,
 * or the compliant-cluster comparison for a destination and power budget.
 * The rules are in data/export_rules.yaml; the logic in the policy module.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(void)
{
    printf("usage: gigawatt export NAME [--destination D] [--rule R] [--json]\n"
           "       gigawatt export --compare [--destination D] [--rule R] [--json]\n"
           "       gigawatt export --destination D --power P [--train-flop C] [--rule R]\n"
           "                       [--scenario FILE] [--set KEY=VALUE ...] [--json]\n\n"
           "Total Processing Performance (TPP = dense rate x bit width, max over precisions),\n"
           "performance density (PD = TPP / die area) and the ECCN 3A090 classification under\n"
           "the October 2023 rule, the October 2022 rule (TPP and I/O; why the H800 shipped),\n"
           "the January 2026 case-by-case band and the Section 232 tariff bands, with the\n"
           "licence a destination needs under the rule (and the chip-specific measures such\n"
           "as the 2025 H20 licences), citing data/reference/export_control.md. Not legal\n"
           "advice. The third form plans the same power budget with\n"
           "every chip and compares the best one the destination may receive with the best\n"
           "overall (and the time and cost of C FLOP of training).\n\n"
           "options:\n"
           "  --destination D  ISO 3166-1 alpha-2 country (US, CN, AE, GB ...) or group D5;\n"
           "                   default: the scenario's; unknown codes are rejected\n"
           "  --rule R         oct2022, oct2023, jan2025 (rescinded AI Diffusion rule) or\n"
           "                   jan2026; default: the scenario's\n"
           "  --compare        table of every catalog accelerator\n"
           "  --power P        facility power budget for the compliant-cluster comparison\n"
           "  --train-flop C   training compute to price (e.g. 3.3e24)\n"
           "  --scenario FILE  scenario for the other settings (default: built-in)\n"
           "  --set, --json, -o FILE, --data DIR (see 'gigawatt --help')\n\n"
           "examples:\n"
           "  gigawatt export h20 --destination CN\n"
           "  gigawatt export h800-sxm --destination CN --rule oct2022\n"
           "  gigawatt export --compare --destination CN --rule jan2026\n"
           "  gigawatt export --destination CN --power 100MW --train-flop 3.3e24\n");
}

int gw_cmd_export(gw_cli *cli, int argc, char **argv)
{
    const char *name = NULL, *dest = NULL, *rule_s = NULL, *scen = NULL;
    bool compare = false;
    double power_w = 0.0, flop = 0.0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            help();
            return 0;
        }
        int c = gw_cli_common_opt(cli, argc, argv, &i);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        if (strcmp(argv[i], "--compare") == 0) {
            compare = true;
            continue;
        }
        if (gw_cli_is_opt(argv[i], "--destination")) {
            dest = gw_cli_optval(cli, argc, argv, &i);
            if (!dest)
                return 2;
            continue;
        }
        if (gw_cli_is_opt(argv[i], "--rule")) {
            rule_s = gw_cli_optval(cli, argc, argv, &i);
            if (!rule_s)
                return 2;
            continue;
        }
        if (gw_cli_is_opt(argv[i], "--scenario")) {
            scen = gw_cli_optval(cli, argc, argv, &i);
            if (!scen)
                return 2;
            continue;
        }
        if (gw_cli_is_opt(argv[i], "--power")) {
            const char *v = gw_cli_optval(cli, argc, argv, &i);
            if (!v || !gw_cli_parse_num(cli, "--power", v, GW_DIM_POWER, 1.0, 1e13, &power_w))
                return 2;
            continue;
        }
        if (gw_cli_is_opt(argv[i], "--train-flop")) {
            const char *v = gw_cli_optval(cli, argc, argv, &i);
            if (!v || !gw_cli_parse_num(cli, "--train-flop", v, GW_DIM_TOKENS, 1.0, 1e35, &flop))
                return 2;
            continue;
        }
        if (gw_cli_positional(cli, argv[i], &name) != 0)
            return 2;
    }
    int modes = (name != NULL) + compare + (power_w > 0.0);
    if (modes == 0)
        return gw_cli_usage_error(cli, "expected an accelerator NAME, --compare or --power");
    if (modes > 1)
        return gw_cli_usage_error(cli, "NAME, --compare and --power exclude each other");
    if (flop > 0.0 && !(power_w > 0.0))
        return gw_cli_usage_error(cli, "--train-flop needs --power");
    gw_policy_rule rule = GW_POLICY_OCT2023;
    if (rule_s && gw_policy_rule_parse(rule_s, &rule) != GW_OK)
        return gw_cli_usage_error(
            cli, "--rule: expected oct2022, oct2023, jan2025 or jan2026, got \"%s\"", rule_s);

    int code = 0;
    gw_catalog *cat = gw_cli_catalog(cli, &code);
    if (!cat)
        return code;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_scenario *sc = NULL;
    gw_status rc = gw_scenario_load(cli->ctx, scen, cli->sets, cli->n_sets, &sc, &err);
    if (rc != GW_OK)
        return gw_cli_fail(cli, &err);
    if (!rule_s && sc->policy.rule && sc->policy.rule[0] &&
        gw_policy_rule_parse(sc->policy.rule, &rule) != GW_OK) {
        fprintf(
            gw_cli_errf(cli),
            "gigawatt: policy.rule: expected oct2022, oct2023, jan2025 or jan2026, got \"%s\"\n",
            sc->policy.rule);
        gw_scenario_free(sc);
        return 2;
    }
    bool dest_flag = dest != NULL;
    if (!dest)
        dest = sc->policy.destination && sc->policy.destination[0] ? sc->policy.destination : "US";
    gw_policy_rules rules;
    rc = gw_policy_rules_load(cli->ctx, cat, &rules, &err);
    /* An unknown destination is an input error, named by the flag or the
     * scenario key it came from, before any output. */
    if (rc == GW_OK) {
        rc = gw_policy_destination_check(&rules, dest, &dest, &err);
        if (rc != GW_OK && dest_flag)
            snprintf(err.where, sizeof err.where, "--destination");
    }
    if (rc != GW_OK) {
        gw_scenario_free(sc);
        return gw_cli_fail(cli, &err);
    }
    gw_doc *doc = gw_cli_doc(cli);
    gw_policy_chip *chips = NULL;
    gw_policy_compliant *cmp = NULL;
    if (!doc) {
        gw_scenario_free(sc);
        return 1;
    }
    gw_doc_node *root = gw_doc_root(doc);
    if (name) {
        const gw_accel *a = NULL;
        gw_policy_chip chip;
        rc = gw_catalog_accel_find(cat, name, &a, &err);
        if (rc == GW_OK)
            rc = gw_policy_classify(&rules, a, dest, rule, &chip, &err);
        if (rc == GW_OK)
            gw_policy_chip_report(doc, root, &rules, &chip);
    } else if (compare) {
        size_t n = gw_catalog_n_accels(cat);
        chips = calloc(n ? n : 1, sizeof *chips);
        if (!chips) {
            rc = GW_ENOMEM;
            err.code = GW_ENOMEM;
            snprintf(err.msg, sizeof err.msg, "out of memory");
        }
        for (size_t i = 0; rc == GW_OK && i < n; i++)
            rc = gw_policy_classify(&rules, gw_catalog_accel_at(cat, i), dest, rule, &chips[i],
                                    &err);
        if (rc == GW_OK)
            gw_policy_compare_report(doc, root, &rules, chips, n);
    } else {
        cmp = calloc(1, sizeof *cmp);
        if (!cmp) {
            rc = GW_ENOMEM;
            err.code = GW_ENOMEM;
            snprintf(err.msg, sizeof err.msg, "out of memory");
        }
        if (rc == GW_OK)
            rc = gw_policy_compliant_plan(cli->ctx, cat, sc, &rules, dest, rule, power_w, flop, cmp,
                                          &err);
        if (rc == GW_OK)
            gw_policy_compliant_report(doc, root, cmp);
    }
    if (rc == GW_OK)
        code = gw_cli_emit(cli, doc);
    else
        code = gw_cli_fail(cli, &err);
    free(chips);
    free(cmp);
    gw_doc_free(doc);
    gw_scenario_free(sc);
    return code;
}
