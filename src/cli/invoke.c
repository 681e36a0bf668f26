/* SPDX-License-Identifier: MIT */
/*
 * invoke.c: one `gigawatt` command line, run in-process. gw_cli_invoke picks
 * the subcommand, sets up the context (diagnostics to the message stream) and
 * returns the exit status (0 ok, 1 runtime failure, 2 usage or input error).
 * With no command it runs the built-in default scenario.
 *
 * main.c is this call with stdout and stderr; the Python binding
 * (python/gigawatt/_gigawatt.c) calls it with in-memory streams and reads
 * the --json document and the last error back, so the program and the
 * binding share one code path. It does not install signal handlers, change
 * the locale or touch any process-wide state.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

typedef struct command {
    const char *name;
    gw_cli_cmd_fn fn;
    const char *summary;
} command;

static const command commands[] = {
    {"run", gw_cmd_run, "everything for a scenario: site, training, reliability, cost, export"},
    {"report", gw_cmd_report, "self-contained HTML report with charts of a scenario"},
    {"train", gw_cmd_train, "step time, MFU, memory and the best parallelism for a model"},
    {"infer", gw_cmd_infer, "serving tokens/s per GPU, TTFT/TPOT, frontier, tokens per MW and $"},
    {"validate", gw_cmd_validate, "predicted vs measured step times of published runs (CSV)"},
    {"rel", gw_cmd_rel, "interruptions, checkpoint interval and goodput (analytic, Monte Carlo)"},
    {"site", gw_cmd_site, "power, racks, network bill of materials and build-out phases"},
    {"net", gw_cmd_net, "network topology, collectives (nccl-tests view) and a step's traffic"},
    {"cost", gw_cmd_cost, "capex, opex, $/GPU-hour and cost of a training run"},
    {"export", gw_cmd_export, "export-control classification (TPP, PD) and compliant clusters"},
    {"sweep", gw_cmd_sweep, "run or train over a grid of scenario values (threads, MPI, SQLite)"},
    {"web", gw_cmd_web, "a local what-if page and JSON API (libmicrohttpd)"},
    {"catalog", gw_cmd_catalog, "list or show accelerators, models, network parts and sites"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: gigawatt [COMMAND] [OPTIONS]\n\n"
               "A planner and simulator for gigawatt-scale AI training clusters.\n"
               "With no command, runs `gigawatt run` on the built-in default scenario.\n\n"
               "commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\ncommon options (every command; before or after its name):\n"
               "  --json              one JSON document on stdout (docs/JSON-SCHEMA.md)\n"
               "  --csv TABLE         the table at TABLE (a key path) as CSV\n"
               "  -o, --output FILE   write the output to FILE (atomically)\n"
               "  --set KEY=VALUE     override a scenario value, e.g. --set cluster.gpus=200000\n"
               "  --data DIR          read catalogs from DIR instead of the built-in copy\n"
               "                      (also $GIGAWATT_DATA)\n"
               "  --threads N         worker threads (default: all cores)\n"
               "  -q, --quiet         no progress bar\n"
               "  -h, --help          help for a command\n"
               "  --version           print the version\n\n"
               "exit status: 0 ok, 1 runtime failure, 2 usage or input error\n");
}

bool gw_cli_has_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0)
            return true;
    return false;
}

/* Diagnostics callback: ud is the message stream. */
static void diag_to_stream(void *ud, int level, const char *msg)
{
    fprintf(ud, "gigawatt: %s: %s\n", level ? "warning" : "note", msg);
}

int gw_cli_invoke(int argc, char **argv, FILE *out, FILE *errout, gw_error *last_err)
{
    return gw_cli_invoke_hooked(argc, argv, out, errout, last_err, NULL, NULL);
}

int gw_cli_invoke_hooked(int argc, char **argv, FILE *out, FILE *errout, gw_error *last_err,
                         gw_cli_doc_hook hook, void *ud)
{
    if (last_err)
        memset(last_err, 0, sizeof *last_err);
    gw_cli cli;
    memset(&cli, 0, sizeof cli);
    cli.prog = "gigawatt";
    cli.out = out;
    cli.errout = errout;
    cli.last_err = last_err;
    cli.doc_hook = hook;
    cli.doc_hook_ud = ud;
    cli.ctx = gw_ctx_new(NULL, NULL);
    if (!cli.ctx) {
        fprintf(errout, "gigawatt: out of memory\n");
        if (last_err) {
            last_err->code = GW_ENOMEM;
            snprintf(last_err->msg, sizeof last_err->msg, "out of memory");
        }
        return 1;
    }
    gw_ctx_set_diag(cli.ctx, diag_to_stream, errout);
    gw_ctx_set_progress(cli.ctx, gw_cli_progress, &cli);

    int rc;
    const command *cmd = NULL;
    int first = 1;
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
                      strcmp(argv[1], "help") == 0)) {
        usage(out);
        rc = 0;
        goto done;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        fprintf(out, "gigawatt %s (JSON schema %d)\n", GW_VERSION_STRING, GW_JSON_SCHEMA_VERSION);
        rc = 0;
        goto done;
    }
    /* Common options may come before the command: gigawatt --json run. */
    for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
        if (gw_cli_is_help(argv[first]) || strcmp(argv[first], "--version") == 0)
            break;
        int c = gw_cli_common_opt(&cli, argc, argv, &first);
        if (c < 0) {
            rc = 2;
            goto done;
        }
        if (c == 0)
            break; /* a command's own option: gigawatt [OPTIONS] = gigawatt run */
    }
    if (first < argc && argv[first][0] != '-') {
        for (size_t i = 0; i < N_COMMANDS; i++)
            if (strcmp(argv[first], commands[i].name) == 0)
                cmd = &commands[i];
        if (!cmd && first == 1) {
            fprintf(errout, "gigawatt: unknown command \"%s\" (see 'gigawatt --help')\n",
                    argv[first]);
            if (last_err) {
                last_err->code = GW_EUSAGE;
                snprintf(last_err->msg, sizeof last_err->msg, "unknown command \"%s\"",
                         argv[first]);
            }
            rc = 2;
            goto done;
        }
        if (cmd)
            first++;
    }
    if (!cmd)
        cmd = &commands[0]; /* gigawatt [OPTIONS] [SCENARIO] = gigawatt run ... */
    cli.cmd = cmd->name;
    rc = cmd->fn(&cli, argc - first, argv + first);
done:
    gw_catalog_free(cli.cat);
    gw_ctx_free(cli.ctx);
    return rc;
}
