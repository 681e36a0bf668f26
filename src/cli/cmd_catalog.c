/* SPDX-License-Identifier: MIT */
/*
 * cmd_catalog.c: `gigawatt catalog [accelerators|models|network|sites]` and
 * `gigawatt catalog show NAME`: what the catalogs hold, every value with its
 * source. The listing logic lives in the library (gw_catalog_report_*); this
 * file parses arguments and renders.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static void help(void)
{
    printf("usage: gigawatt catalog [accelerators|models|systems|network|sites] [--json]\n"
           "       gigawatt catalog show NAME [--json]\n\n"
           "Lists what the catalogs in data/ hold (all kinds when none is given), or shows one\n"
           "entry (accelerator, model, system, NIC, switch, optic or site) with the source and\n"
           "confidence of every value.\n\n"
           "options: --json, --csv TABLE, -o FILE, --data DIR (see 'gigawatt --help')\n");
}

int gw_cmd_catalog(gw_cli *cli, int argc, char **argv)
{
    const char *pos[3] = {NULL, NULL, NULL};
    int n_pos = 0;
    for (int i = 0; i < argc; i++) {
        if (gw_cli_is_help(argv[i])) {
            help();
            return 0;
        }
        int c = gw_cli_common_opt(cli, argc, argv, &i);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        if (argv[i][0] == '-')
            return gw_cli_usage_error(cli, "unknown option \"%s\"", argv[i]);
        if (n_pos >= 2)
            return gw_cli_usage_error(cli, "unexpected argument \"%s\"", argv[i]);
        pos[n_pos++] = argv[i];
    }
    const char *kind = pos[0] ? pos[0] : "all";
    gw_catalog_kind k;
    if (strcmp(kind, "show") == 0) {
        if (!pos[1])
            return gw_cli_usage_error(cli, "show: expected a NAME");
    } else if (pos[1]) {
        return gw_cli_usage_error(cli, "unexpected argument \"%s\"", pos[1]);
    } else if (gw_catalog_kind_parse(kind, &k) != GW_OK) {
        return gw_cli_usage_error(cli,
                                  "unknown catalog \"%s\" (expected accelerators, models, "
                                  "systems, network, sites or show NAME)",
                                  kind);
    }
    int code = 0;
    gw_catalog *cat = gw_cli_catalog(cli, &code);
    if (!cat)
        return code;
    gw_doc *doc = gw_cli_doc(cli);
    if (!doc)
        return 1;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc;
    if (strcmp(kind, "show") == 0)
        rc = gw_catalog_report_show(cat, pos[1], doc, gw_doc_root(doc), &err);
    else
        rc = gw_catalog_report_list(cat, k, doc, gw_doc_root(doc), &err);
    if (rc != GW_OK) {
        gw_doc_free(doc);
        return gw_cli_fail(cli, &err);
    }
    code = gw_cli_emit(cli, doc);
    gw_doc_free(doc);
    return code;
}
