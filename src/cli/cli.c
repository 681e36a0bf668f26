/* SPDX-License-Identifier: MIT */
/*
 * cli.c: option plumbing shared by every command: common flags, typed flag
 * values, error printing with exit codes, atomic output and the progress bar.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool gw_cli_is_opt(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

const char *gw_cli_optval(gw_cli *cli, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const char *eq = strchr(arg, '=');
    if (arg[0] == '-' && arg[1] == '-' && eq)
        return eq + 1;
    if (*i + 1 >= argc) {
        gw_cli_usage_error(cli, "missing value for %s", arg);
        return NULL;
    }
    (*i)++;
    return argv[*i];
}

int gw_cli_usage_error(gw_cli *cli, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s %s: ", cli->prog, cli->cmd ? cli->cmd : "");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see '%s %s --help')\n", cli->prog, cli->cmd ? cli->cmd : "");
    va_end(ap);
    return 2;
}

int gw_cli_common_opt(gw_cli *cli, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (strcmp(a, "--json") == 0) {
        cli->json = true;
        return 1;
    }
    if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
        cli->quiet = true;
        return 1;
    }
    if (gw_cli_is_opt(a, "--csv")) {
        const char *v = gw_cli_optval(cli, argc, argv, i);
        if (!v)
            return -1;
        cli->csv = v;
        return 1;
    }
    if (gw_cli_is_opt(a, "--output") || strcmp(a, "-o") == 0) {
        const char *v = gw_cli_optval(cli, argc, argv, i);
        if (!v)
            return -1;
        if (!v[0]) {
            gw_cli_usage_error(cli, "--output: expected a file name");
            return -1;
        }
        cli->output = v;
        return 1;
    }
    if (gw_cli_is_opt(a, "--data")) {
        const char *v = gw_cli_optval(cli, argc, argv, i);
        if (!v)
            return -1;
        cli->data_dir = v;
        return 1;
    }
    if (gw_cli_is_opt(a, "--set")) {
        const char *v = gw_cli_optval(cli, argc, argv, i);
        if (!v)
            return -1;
        if (cli->n_sets >= GW_CLI_MAX_SETS) {
            gw_cli_usage_error(cli, "too many --set options (limit %d)", GW_CLI_MAX_SETS);
            return -1;
        }
        cli->sets[cli->n_sets++] = v;
        return 1;
    }
    if (gw_cli_is_opt(a, "--threads")) {
        const char *v = gw_cli_optval(cli, argc, argv, i);
        long long n;
        if (!v || !gw_cli_parse_int(cli, "--threads", v, 0, 4096, &n))
            return -1;
        cli->threads = (int)n;
        gw_ctx_set_threads(cli->ctx, cli->threads);
        return 1;
    }
    return 0;
}

bool gw_cli_parse_int(gw_cli *cli, const char *flag, const char *text, long long min,
                      long long max, long long *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    /* strtoll skips leading spaces: " 5" is a quoting slip, not 5. */
    const char *digits = text + (text[0] == '+' || text[0] == '-');
    if (!text[0] || errno || !end || *end || !(*digits >= '0' && *digits <= '9')) {
        gw_cli_usage_error(cli, "%s: expected an integer, got \"%s\"", flag, text);
        return false;
    }
    if (v < min || v > max) {
        if (min == 1)
            gw_cli_usage_error(cli, "%s: expected a positive integer up to %lld, got \"%s\"",
                               flag, max, text);
        else
            gw_cli_usage_error(cli,
                               "%s: expected an integer between %lld and %lld inclusive, got "
                               "\"%s\"",
                               flag, min, max, text);
        return false;
    }
    *out = v;
    return true;
}

bool gw_cli_parse_num(gw_cli *cli, const char *flag, const char *text, gw_dim dim, double min,
                      double max, double *out)
{
    gw_error err;
    memset(&err, 0, sizeof err);
    double v;
    if (gw_unit_parse(text, dim, &v, &err) != GW_OK) {
        gw_cli_usage_error(cli, "%s: %s", flag, err.msg);
        return false;
    }
    if (!(v >= min && v <= max)) {
        /* Exact bounds: "between 1.000e-09 and ..." once read as "> 0". */
        char range[128];
        gw_cli_usage_error(cli, "%s: %s, got \"%s\"", flag,
                           gw_range_describe(min, 0, max, dim, range, sizeof range), text);
        return false;
    }
    *out = v;
    return true;
}

int gw_cli_fail(gw_cli *cli, const gw_error *err)
{
    char buf[1024];
    gw_error_format(err, buf, sizeof buf);
    fprintf(stderr, "%s: %s\n", cli->prog, buf);
    int code = gw_status_exit_code(err->code);
    /* An input file that cannot be read is the user's input error (a wrong
     * path, located by the file or by the key or flag that named it, such as
     * "--set workload.model"); write failures are reported by gw_cli_emit
     * with status 1. */
    if (err->code == GW_EIO && (err->path[0] || err->where[0]))
        code = 2;
    return code ? code : 1;
}

gw_catalog *gw_cli_catalog(gw_cli *cli, int *exit_code)
{
    if (cli->cat)
        return cli->cat;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw_catalog_load(cli->ctx, cli->data_dir, &cli->cat, &err);
    if (rc != GW_OK) {
        *exit_code = gw_cli_fail(cli, &err);
        /* A broken catalog is an input error whoever wrote it. */
        if (*exit_code == 1 && rc == GW_EIO)
            *exit_code = 2;
        return NULL;
    }
    return cli->cat;
}

int gw_cli_emit(gw_cli *cli, gw_doc *doc)
{
    if (gw_doc_status(doc) != GW_OK) {
        fprintf(stderr, "%s: out of memory building the report\n", cli->prog);
        return 1;
    }
    FILE *out = stdout;
    char tmp[4200];
    if (cli->output) {
        snprintf(tmp, sizeof tmp, "%s.tmp", cli->output);
        out = fopen(tmp, "w");
        if (!out) {
            fprintf(stderr, "%s: %s: cannot write: %s\n", cli->prog, tmp, strerror(errno));
            return 1;
        }
    }
    gw_status rc;
    if (cli->json)
        rc = gw_report_json(doc, out);
    else if (cli->csv)
        rc = gw_report_csv(doc, cli->csv, out);
    else
        rc = gw_report_text(doc, out);
    if (cli->output) {
        if (fclose(out) != 0 && rc == GW_OK)
            rc = GW_EIO;
        if (rc == GW_OK && rename(tmp, cli->output) != 0)
            rc = GW_EIO;
        if (rc != GW_OK)
            remove(tmp);
    } else if (fflush(stdout) != 0 && rc == GW_OK) {
        rc = GW_EIO;
    }
    if (rc == GW_ENOTFOUND) {
        fprintf(stderr, "%s %s: --csv %s: no such table in this report\n", cli->prog, cli->cmd,
                cli->csv);
        return 2;
    }
    if (rc != GW_OK) {
        fprintf(stderr, "%s: cannot write the report: %s\n", cli->prog, gw_status_str(rc));
        return 1;
    }
    return 0;
}

int gw_cli_progress(void *ud, uint64_t done, uint64_t total)
{
    gw_cli *cli = ud;
    if (cli->quiet || cli->json || !isatty(2) || total == 0)
        return 0;
    int width = 40;
    int filled = (int)((double)width * (double)done / (double)total);
    if (filled > width)
        filled = width;
    fprintf(stderr, "\r[%.*s%*s] %3d%%", filled, "########################################",
            width - filled, "", (int)(100.0 * (double)done / (double)total));
    if (done >= total)
        fprintf(stderr, "\r%*s\r", width + 8, "");
    fflush(stderr);
    return 0;
}

int gw_cli_num_opt(gw_cli *cli, int argc, char **argv, int *i, const char *name, gw_dim dim,
                   double min, double max, double *out)
{
    if (!gw_cli_is_opt(argv[*i], name))
        return 0;
    const char *v = gw_cli_optval(cli, argc, argv, i);
    if (!v || !gw_cli_parse_num(cli, name, v, dim, min, max, out))
        return -1;
    return 1;
}

int gw_cli_sizing_opt(gw_cli *cli, int argc, char **argv, int *i, gw_cli_sizing *s)
{
    int c = gw_cli_num_opt(cli, argc, argv, i, "--power", GW_DIM_POWER, 1.0, 1e13, &s->power_w);
    if (c != 0)
        return c;
    return gw_cli_num_opt(cli, argc, argv, i, "--gpus", GW_DIM_TOKENS, 1.0, 1e9, &s->gpus);
}

bool gw_cli_sizing_check(gw_cli *cli, const gw_cli_sizing *s)
{
    if (s->power_w > 0.0 && s->gpus > 0.0) {
        gw_cli_usage_error(cli, "--power and --gpus exclude each other");
        return false;
    }
    return true;
}

void gw_cli_apply_sizing(gw_scenario *sc, const gw_cli_sizing *s)
{
    if (s->power_w > 0.0) {
        sc->site.power_w = s->power_w;
        sc->cluster.gpus = 0.0;
        sc->site.n_phases = 0;
    } else if (s->gpus > 0.0) {
        sc->cluster.gpus = floor(s->gpus);
        sc->site.power_w = 0.0;
        sc->site.n_phases = 0;
    }
}

gw_scenario *gw_cli_scenario(gw_cli *cli, const char *path, int *exit_code)
{
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_scenario *sc = NULL;
    if (gw_scenario_load(cli->ctx, path, cli->sets, cli->n_sets, &sc, &err) != GW_OK) {
        *exit_code = gw_cli_fail(cli, &err);
        return NULL;
    }
    return sc;
}

bool gw_cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int gw_cli_positional(gw_cli *cli, const char *arg, const char **slot)
{
    if (arg[0] == '-')
        return gw_cli_usage_error(cli, "unknown option \"%s\"", arg);
    if (*slot)
        return gw_cli_usage_error(cli, "unexpected argument \"%s\"", arg);
    *slot = arg;
    return 0;
}

int gw_cli_setup(gw_cli *cli, const char *path, const gw_cli_sizing *s, gw_catalog **cat,
                 gw_scenario **sc)
{
    int code = 0;
    *sc = NULL;
    *cat = gw_cli_catalog(cli, &code);
    if (!*cat)
        return code;
    *sc = gw_cli_scenario(cli, path, &code);
    if (!*sc)
        return code;
    if (s)
        gw_cli_apply_sizing(*sc, s);
    return 0;
}

gw_doc *gw_cli_doc(gw_cli *cli)
{
    gw_doc *doc = gw_doc_new(cli->ctx);
    if (!doc) {
        fprintf(stderr, "%s: out of memory\n", cli->prog);
        return NULL;
    }
    gw_doc_str(doc, gw_doc_root(doc), "command", "command", cli->cmd ? cli->cmd : "");
    return doc;
}
