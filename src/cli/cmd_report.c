/* SPDX-License-Identifier: MIT */
/*
 * cmd_report.c: `gigawatt report [SCENARIO.yaml] -o report.html`: the plan of
 * a scenario with its chart series (gw_plan_run_charts) rendered as one
 * self-contained HTML page (gw_report_html; docs/REPORT.md).
 */
#include "cli.h"

#include <gigawatt/plan.h>

#include <stdio.h>
#include <string.h>

static void help(void)
{
    printf("usage: gigawatt report [SCENARIO.yaml] [--set KEY=VALUE ...] [-o FILE] [--json]\n"
           "       gigawatt report SWEEP.db [--x KEY] [--y OUTPUT] [-o FILE]\n\n"
           "Runs the whole plan of the scenario (as `gigawatt run`) and writes one\n"
           "self-contained HTML page: the headline and a chart for each part (step time,\n"
           "memory, goodput against cluster size, power, build-out, cost, export\n"
           "classification), each with a caption and a table of its data. The charting\n"
           "library (Vega-Lite) is inlined: the page opens offline and makes no network\n"
           "request. Without -o the page goes to standard output; --json prints the\n"
           "document with its chart series instead.\n\n"
           "Given a sweep database (the SQLite file of `gigawatt sweep`), draws each output\n"
           "against the first varied key, one line per value of the other varied keys;\n"
           "--x KEY picks the varied key and --y OUTPUT one output.\n\n"
           "examples:\n"
           "  gigawatt report -o report.html\n"
           "  gigawatt report scenarios/stargate-abilene.yaml -o abilene.html\n"
           "  gigawatt report --set cluster.gpus=100000 -o 100k.html\n"
           "  gigawatt report sweep.db --x cluster.gpus --y goodput -o sweep.html\n\n"
           "options: --x KEY, --y OUTPUT (sweep databases), --set, --json, -o FILE,\n"
           "         --data DIR (see 'gigawatt --help')\n");
}

int gw_cmd_report(gw_cli *cli, int argc, char **argv)
{
    const char *path = NULL, *x = NULL, *y = NULL;
    for (int i = 0; i < argc; i++) {
        if (gw_cli_is_help(argv[i])) {
            help();
            return 0;
        }
        if (gw_cli_is_opt(argv[i], "--x") || gw_cli_is_opt(argv[i], "--y")) {
            bool is_x = argv[i][2] == 'x';
            const char *v = gw_cli_optval(cli, argc, argv, &i);
            if (!v)
                return 2;
            *(is_x ? &x : &y) = v;
            continue;
        }
        int c = gw_cli_common_opt(cli, argc, argv, &i);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        if (gw_cli_positional(cli, argv[i], &path) != 0)
            return 2;
    }
    if (cli->csv) {
        fprintf(gw_cli_errf(cli),
                "%s report: --csv is not supported, use `%s run --csv` (see '%s report --help')\n",
                cli->prog, cli->prog, cli->prog);
        return 2;
    }
    if (path && gw__cli_is_sqlite(path)) {
        if (cli->n_sets > 0) {
            fprintf(gw_cli_errf(cli),
                    "%s report: --set applies to a scenario, not to the sweep "
                    "database %s\n",
                    cli->prog, path);
            return 2;
        }
        return gw__cli_report_sweep(cli, path, x, y);
    }
    if (x || y) {
        fprintf(gw_cli_errf(cli),
                "%s report: --x and --y choose the axes of a sweep database (SWEEP.db), not of "
                "a scenario (see '%s report --help')\n",
                cli->prog, cli->prog);
        return 2;
    }
    gw_catalog *cat = NULL;
    gw_scenario *sc = NULL;
    int code = gw_cli_setup(cli, path, NULL, &cat, &sc);
    if (code != 0)
        return code;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_doc *doc = gw_cli_doc(cli);
    if (!doc) {
        gw_scenario_free(sc);
        return 1;
    }
    gw_doc_node *root = gw_doc_root(doc);
    char title[300];
    snprintf(title, sizeof title, "gigawatt report: %s",
             sc->name && sc->name[0] ? sc->name : "scenario");
    gw_doc_str(doc, root, "title", "title", title);
    if (sc->description && sc->description[0])
        gw_doc_str(doc, root, "subtitle", "subtitle", sc->description);
    gw_status rc = gw_plan_run_charts(cli->ctx, cat, sc, doc, root, &err);
    if (rc != GW_OK) {
        gw_doc_free(doc);
        gw_scenario_free(sc);
        return gw_cli_fail(cli, &err);
    }
    cli->html = !cli->json;
    code = gw_cli_emit(cli, doc);
    gw_doc_free(doc);
    gw_scenario_free(sc);
    return code;
}
