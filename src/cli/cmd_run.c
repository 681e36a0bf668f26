/* SPDX-License-Identifier: MIT */
/*
 * cmd_run.c: `gigawatt run [SCENARIO.yaml]` (and plain `gigawatt`): the whole
 * picture for a scenario, computed by gw_plan_run in the library.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static void help(void)
{
    printf("usage: gigawatt run [SCENARIO.yaml] [--set KEY=VALUE ...] [--rank-order O] [--json]\n"
           "                    [-o FILE]\n\n"
           "Loads the scenario (the built-in Colossus-II-like default when none is given),\n"
           "applies --set overrides and prints the whole picture: cluster, power, model,\n"
           "training, reliability, cost and export status.\n\n"
           "examples:\n"
           "  gigawatt\n"
           "  gigawatt run scenarios/stargate-abilene.yaml --json\n"
           "  gigawatt run --set cluster.gpus=200000 --set cluster.accelerator=h100-sxm \\\n"
           "               --set cluster.system=dgx-h100\n\n"
           "options:\n"
           "  --rank-order O  rank order of the training job's parallel dimensions,\n"
           "                  innermost first: a permutation of tp, cp, ep, dp, pp (default\n"
           "                  tp-cp-ep-dp-pp; the same as --set network.rank_order=O)\n"
           "  --set, --json, -o FILE, --data DIR (see 'gigawatt --help')\n");
}

int gw_cmd_run(gw_cli *cli, int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 0; i < argc; i++) {
        if (gw_cli_is_help(argv[i])) {
            help();
            return 0;
        }
        int c = gw_cli_rank_order_opt(cli, argc, argv, &i);
        if (c == 0)
            c = gw_cli_common_opt(cli, argc, argv, &i);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        if (gw_cli_positional(cli, argv[i], &path) != 0)
            return 2;
    }
    gw_catalog *cat = NULL;
    gw_scenario *sc = NULL;
    int code = gw_cli_setup(cli, path, NULL, &cat, &sc);
    if (code != 0)
        return code;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc;
    gw_doc *doc = gw_cli_doc(cli);
    if (!doc) {
        gw_scenario_free(sc);
        return 1;
    }
    rc = gw_plan_run(cli->ctx, cat, sc, doc, gw_doc_root(doc), &err);
    if (rc != GW_OK) {
        gw_doc_free(doc);
        gw_scenario_free(sc);
        return gw_cli_fail(cli, &err);
    }
    code = gw_cli_emit(cli, doc);
    gw_doc_free(doc);
    gw_scenario_free(sc);
    return code;
}
