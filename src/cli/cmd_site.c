/* SPDX-License-Identifier: MIT */
/*
 * cmd_site.c: `gigawatt site [SCENARIO.yaml] [--power P | --gpus N]`: power,
 * racks, network bill of materials, power sources and build-out phases of a
 * scenario, computed by gw_site_plan in the library.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void help(void)
{
    printf("usage: gigawatt site [SCENARIO.yaml] [--power P | --gpus N] [--set KEY=VALUE ...]\n"
           "                     [--json] [-o FILE]\n\n"
           "Sizes the site: from a power budget to GPUs (--power 1GW) or from a GPU count to\n"
           "megawatts (--gpus 1000000). Shows server/rack wall power, network and storage\n"
           "power, PUE, racks, the scale-out network bill of materials, power sources and\n"
           "the build-out phases of the scenario (the built-in default when none is given).\n\n"
           "options:\n"
           "  --power P   facility power budget (e.g. 300MW, 1.2GW); sizes the GPUs\n"
           "  --gpus N    GPU count; sizes the power\n"
           "  --set, --json, -o FILE, --data DIR (see 'gigawatt --help')\n");
}

int gw_cmd_site(gw_cli *cli, int argc, char **argv)
{
    const char *path = NULL;
    gw_cli_sizing size = {0.0, 0.0};
    for (int i = 0; i < argc; i++) {
        if (gw_cli_is_help(argv[i])) {
            help();
            return 0;
        }
        int c = gw_cli_common_opt(cli, argc, argv, &i);
        if (c == 0)
            c = gw_cli_sizing_opt(cli, argc, argv, &i, &size);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        if (gw_cli_positional(cli, argv[i], &path) != 0)
            return 2;
    }
    if (!gw_cli_sizing_check(cli, &size))
        return 2;
    gw_catalog *cat = NULL;
    gw_scenario *sc = NULL;
    int code = gw_cli_setup(cli, path, &size, &cat, &sc);
    if (code != 0)
        return code;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc;
    gw_site_result r;
    rc = gw_site_plan(cli->ctx, cat, sc, &r, &err);
    if (rc != GW_OK && size.power_w > 0.0 && strcmp(err.where, "site.power") == 0) {
        /* The budget came from --power, not from the scenario file. */
        err.path[0] = '\0';
        err.line = err.column = 0;
        snprintf(err.where, sizeof err.where, "--power");
    }
    if (rc != GW_OK) {
        gw_scenario_free(sc);
        return gw_cli_fail(cli, &err);
    }
    gw_doc *doc = gw_cli_doc(cli);
    if (!doc) {
        gw_scenario_free(sc);
        return 1;
    }
    gw_doc_str(doc, gw_doc_root(doc), "scenario", "Scenario", sc->name ? sc->name : "");
    gw_site_report(doc, gw_doc_root(doc), &r);
    code = gw_cli_emit(cli, doc);
    gw_doc_free(doc);
    gw_scenario_free(sc);
    return code;
}
