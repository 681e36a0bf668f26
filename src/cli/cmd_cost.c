/* SPDX-License-Identifier: MIT */
/*
 * cmd_cost.c: `gigawatt cost [SCENARIO.yaml] [--gpu-hours H]`: capex by
 * category, opex, all-in $/GPU-hour with low/base/high cases, staged
 * financing, and the cost of a training run of H GPU-hours. The site is
 * planned first (gw_site_plan), then priced (gw_econ_evaluate).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void help(void)
{
    printf(
        "usage: gigawatt cost [SCENARIO.yaml] [--gpu-hours H] [--energy E]\n"
        "                     [--power P | --gpus N] [--set KEY=VALUE ...] [--json]\n\n"
        "Capex by category (GPU systems, network, storage, facility, tariffs), opex per\n"
        "year, capital recovery and the all-in cost per GPU-hour, with low/base/high\n"
        "cases from the price, PUE, electricity and useful-life ranges in data/econ.yaml,\n"
        "and the staged-financing cash flow. With --gpu-hours, also the cost of one\n"
        "training run of that many GPU-hours.\n\n"
        "options:\n"
        "  --gpu-hours H  GPU-hours of a training run (e.g. 2.788e6)\n"
        "  --energy E     facility energy of the run (e.g. 50GWh); default: estimated\n"
        "  --power P      size the site from a power budget instead of cluster.gpus\n"
        "  --gpus N       size the site from a GPU count\n"
        "  --set, --json, -o FILE, --data DIR (see 'gigawatt --help')\n\n"
        "examples:\n"
        "  gigawatt cost\n"
        "  gigawatt cost scenarios/deepseek-h800.yaml --gpu-hours 2.788e6\n"
        "  gigawatt cost --set economics.tariff_exempt=false --set economics.tariff_rate=25%%\n");
}

int gw_cmd_cost(gw_cli *cli, int argc, char **argv)
{
    const char *path = NULL;
    gw_cli_sizing size = {0.0, 0.0};
    double gpu_hours = 0.0, energy_j = 0.0;
    for (int i = 0; i < argc; i++) {
        if (gw_cli_is_help(argv[i])) {
            help();
            return 0;
        }
        int c = gw_cli_common_opt(cli, argc, argv, &i);
        if (c == 0)
            c = gw_cli_sizing_opt(cli, argc, argv, &i, &size);
        if (c == 0)
            c = gw_cli_num_opt(cli, argc, argv, &i, "--gpu-hours", GW_DIM_TOKENS, 1e-9, 1e15,
                               &gpu_hours);
        if (c == 0)
            c = gw_cli_num_opt(cli, argc, argv, &i, "--energy", GW_DIM_ENERGY, 0.0, 1e22,
                               &energy_j);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        if (gw_cli_positional(cli, argv[i], &path) != 0)
            return 2;
    }
    if (!gw_cli_sizing_check(cli, &size))
        return 2;
    if (energy_j > 0.0 && !(gpu_hours > 0.0))
        return gw_cli_usage_error(cli, "--energy needs --gpu-hours");
    gw_catalog *cat = NULL;
    gw_scenario *sc = NULL;
    int code = gw_cli_setup(cli, path, &size, &cat, &sc);
    if (code != 0)
        return code;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc;
    gw_site_result site;
    gw_econ_result econ;
    gw_econ_run run;
    rc = gw_site_plan(cli->ctx, cat, sc, &site, &err);
    if (rc == GW_OK)
        rc = gw_econ_evaluate(cli->ctx, cat, sc, &site, &econ, &err);
    if (rc == GW_OK && gpu_hours > 0.0)
        rc = gw_econ_run_cost(&econ, gpu_hours, energy_j, &run, &err);
    if (rc != GW_OK) {
        gw_scenario_free(sc);
        return gw_cli_fail(cli, &err);
    }
    gw_doc *doc = gw_cli_doc(cli);
    if (!doc) {
        gw_scenario_free(sc);
        return 1;
    }
    gw_doc_node *root = gw_doc_root(doc);
    gw_doc_str(doc, root, "scenario", "Scenario", sc->name ? sc->name : "");
    gw_doc_str(doc, root, "accelerator", "Accelerator", site.accel->name);
    gw_doc_num(doc, root, "facility_power_w", "Facility power", site.facility_power_w, "W");
    gw_econ_report(doc, root, &econ);
    if (gpu_hours > 0.0)
        gw_econ_run_report(doc, root, &run);
    code = gw_cli_emit(cli, doc);
    gw_doc_free(doc);
    gw_scenario_free(sc);
    return code;
}
