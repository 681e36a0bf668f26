/* SPDX-License-Identifier: MIT */
/*
 * cli.c: option plumbing shared by every command: common flags, typed flag
 * values, error printing with exit codes, atomic output and the progress bar.
 */
#define _XOPEN_SOURCE 700 /* realpath, mkstemp, fchmod, lstat, clock_gettime */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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

/* Where messages go: the caller's stream (the Python binding's buffer), else
 * stderr. */
FILE *gw_cli_errf(const gw_cli *cli)
{
    return cli->errout ? cli->errout : stderr;
}

int gw_cli_usage_error(gw_cli *cli, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    FILE *f = gw_cli_errf(cli);
    if (cli->last_err) {
        va_list ap2;
        va_copy(ap2, ap);
        memset(cli->last_err, 0, sizeof *cli->last_err);
        cli->last_err->code = GW_EUSAGE;
        vsnprintf(cli->last_err->msg, sizeof cli->last_err->msg, fmt, ap2);
        va_end(ap2);
    }
    /* Before the command is known (options ahead of it): "gigawatt: ...". */
    const char *sp = cli->cmd ? " " : "", *cmd = cli->cmd ? cli->cmd : "";
    fprintf(f, "%s%s%s: ", cli->prog, sp, cmd);
    vfprintf(f, fmt, ap);
    fprintf(f, " (see '%s%s%s --help')\n", cli->prog, sp, cmd);
    va_end(ap);
    return 2;
}

int gw_cli_rank_order_opt(gw_cli *cli, int argc, char **argv, int *i)
{
    if (!gw_cli_is_opt(argv[*i], "--rank-order"))
        return 0;
    const char *v = gw_cli_optval(cli, argc, argv, i);
    if (!v)
        return -1;
    gw_error err;
    memset(&err, 0, sizeof err);
    if (gw_train_rank_order_parse(v, &err) != GW_OK || !v[0]) {
        gw_cli_usage_error(cli, "--rank-order: %s",
                           v[0] ? err.msg : "expected an order such as tp-cp-ep-dp-pp");
        return -1;
    }
    if (cli->n_sets >= GW_CLI_MAX_SETS) {
        gw_cli_usage_error(cli, "too many --set options (limit %d)", GW_CLI_MAX_SETS);
        return -1;
    }
    snprintf(cli->rank_order_set, sizeof cli->rank_order_set, "network.rank_order=%s", v);
    cli->sets[cli->n_sets++] = cli->rank_order_set;
    return 1;
}

int gw_cli_common_opt(gw_cli *cli, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (strcmp(a, "--json") == 0) {
        if (cli->csv) {
            gw_cli_usage_error(cli, "--json and --csv exclude each other");
            return -1;
        }
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
        if (cli->json) {
            gw_cli_usage_error(cli, "--json and --csv exclude each other");
            return -1;
        }
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
        cli->output = strcmp(v, "-") == 0 ? NULL : v; /* "-o -": stdout */
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

bool gw_cli_parse_int(gw_cli *cli, const char *flag, const char *text, long long min, long long max,
                      long long *out)
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
            gw_cli_usage_error(cli, "%s: expected a positive integer up to %lld, got \"%s\"", flag,
                               max, text);
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

bool gw_cli_parse_count(gw_cli *cli, const char *flag, const char *text, double min, double max,
                        double *out)
{
    double v;
    if (!gw_cli_parse_num(cli, flag, text, GW_DIM_TOKENS, min, max, &v))
        return false;
    if (v != floor(v)) {
        gw_cli_usage_error(cli, "%s: expected a whole number, got \"%s\"", flag, text);
        return false;
    }
    *out = v;
    return true;
}

int gw_cli_fail(gw_cli *cli, const gw_error *err)
{
    char buf[1024];
    gw_error_format(err, buf, sizeof buf);
    fprintf(gw_cli_errf(cli), "%s: %s\n", cli->prog, buf);
    if (cli->last_err)
        *cli->last_err = *err;
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

/* ---- Output file (-o) ------------------------------------------------------ */

/* Where -o writes: a temporary file beside the final target, renamed over it
 * on success. The target is the named file, or the file a symbolic link
 * names (the link stays a link); an existing target keeps its mode and,
 * where permitted, its owner. */
typedef struct out_file {
    char target[PATH_MAX];
    char tmp[PATH_MAX + 16];
    FILE *f;
} out_file;

static const char *file_kind(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISSOCK(m))
        return "a socket";
    return "a special file";
}

/* Opens the temporary file for cli->output. Returns 0, or the exit status
 * after printing why (2: the target may not be replaced; 1: I/O failure). */
static int out_open(gw_cli *cli, out_file *o)
{
    struct stat st;
    const char *name = cli->output;
    bool exists = lstat(name, &st) == 0;
    bool link = exists && S_ISLNK(st.st_mode);
    if (!exists && errno != ENOENT) {
        fprintf(gw_cli_errf(cli), "%s: %s: cannot write: %s\n", cli->prog, name, strerror(errno));
        return 1;
    }
    if (link && (!realpath(name, o->target) || stat(o->target, &st) != 0)) {
        fprintf(gw_cli_errf(cli),
                "%s %s: --output %s: a symbolic link to a missing file; nothing written\n",
                cli->prog, cli->cmd, name);
        return 2;
    }
    if (exists && !S_ISREG(st.st_mode)) {
        fprintf(gw_cli_errf(cli), "%s %s: --output %s: %s%s, not a regular file; nothing written\n",
                cli->prog, cli->cmd, name, link ? "links to " : "", file_kind(st.st_mode));
        return 2;
    }
    if (!link && strlen(name) >= sizeof o->target) {
        fprintf(gw_cli_errf(cli), "%s: %s: file name too long\n", cli->prog, name);
        return 2;
    }
    if (!link)
        snprintf(o->target, sizeof o->target, "%s", name);
    int n = snprintf(o->tmp, sizeof o->tmp, "%s.tmpXXXXXX", o->target);
    if (n < 0 || (size_t)n >= sizeof o->tmp) {
        fprintf(gw_cli_errf(cli), "%s: %s: file name too long\n", cli->prog, name);
        return 2;
    }
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        fprintf(gw_cli_errf(cli), "%s: %s: cannot write: %s\n", cli->prog, o->target,
                strerror(errno));
        return 1;
    }
    mode_t mode;
    if (exists) {
        mode = st.st_mode & 07777;
        if (fchown(fd, st.st_uid, st.st_gid) != 0) {
            /* Not permitted (not root): the new file is the writer's. */
        }
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if (fchmod(fd, mode) != 0 || !(o->f = fdopen(fd, "w"))) {
        fprintf(gw_cli_errf(cli), "%s: %s: cannot write: %s\n", cli->prog, o->tmp, strerror(errno));
        close(fd);
        remove(o->tmp);
        return 1;
    }
    return 0;
}

int gw_cli_emit(gw_cli *cli, gw_doc *doc)
{
    if (gw_doc_status(doc) != GW_OK) {
        fprintf(gw_cli_errf(cli), "%s: out of memory building the report\n", cli->prog);
        return 1;
    }
    if (cli->doc_hook)
        cli->doc_hook(cli->doc_hook_ud, doc);
    FILE *out = stdout;
    out_file of;
    if (cli->output) {
        int code = out_open(cli, &of);
        if (code != 0)
            return code;
        out = of.f;
    }
    /* The caller's stream (the Python binding's buffer) instead of stdout;
     * the caller flushes and closes it. */
    if (!cli->output && cli->out)
        out = cli->out;
    gw_status rc;
    if (cli->json)
        rc = gw_report_json(doc, out);
    else if (cli->html)
        rc = gw_report_html(doc, out);
    else if (cli->csv)
        rc = gw_report_csv(doc, cli->csv, out);
    else
        rc = gw_report_text(doc, out);
    if (cli->output) {
        if (fclose(out) != 0 && rc == GW_OK)
            rc = GW_EIO;
        if (rc == GW_OK && rename(of.tmp, of.target) != 0)
            rc = GW_EIO;
        if (rc != GW_OK)
            remove(of.tmp);
    } else if (fflush(out) != 0 && rc == GW_OK) {
        rc = GW_EIO;
    }
    if (rc == GW_ENOTFOUND) {
        char tables[1024];
        if (gw_report_csv_tables(doc, tables, sizeof tables) > 0)
            fprintf(gw_cli_errf(cli),
                    "%s %s: --csv %s: no such table in this report (tables: %s)\n", cli->prog,
                    cli->cmd, cli->csv, tables);
        else
            fprintf(gw_cli_errf(cli), "%s %s: --csv %s: this report has no tables\n", cli->prog,
                    cli->cmd, cli->csv);
        return 2;
    }
    if (rc != GW_OK) {
        fprintf(gw_cli_errf(cli), "%s: cannot write the report: %s\n", cli->prog,
                gw_status_str(rc));
        return 1;
    }
    return 0;
}

/* ---- Progress bar ----------------------------------------------------------- */

/* A duration for the progress line: "42s", "3m07s", "2h05m", "3d04h"; "--"
 * when unknown (negative or not finite). */
static void progress_dur(char *buf, size_t n, double s)
{
    if (!(s >= 0.0) || s > 1e9) {
        snprintf(buf, n, "--");
        return;
    }
    unsigned long t = (unsigned long)(s + 0.5);
    if (t < 60)
        snprintf(buf, n, "%lus", t);
    else if (t < 3600)
        snprintf(buf, n, "%lum%02lus", t / 60, t % 60);
    else if (t < 86400)
        snprintf(buf, n, "%luh%02lum", t / 3600, t % 3600 / 60);
    else
        snprintf(buf, n, "%lud%02luh", t / 86400, t % 86400 / 3600);
}

/* The progress line after `done` of `total` units: bar, percentage, time
 * elapsed since the operation's first report (elapsed_s, when done0 units
 * were done) and the time remaining at the rate seen since then. */
static void progress_line(char *buf, size_t n, uint64_t done, uint64_t total, uint64_t done0,
                          double elapsed_s)
{
    const int width = 40;
    double frac = total ? (double)done / (double)total : 0.0;
    if (frac > 1.0)
        frac = 1.0;
    int filled = (int)((double)width * frac);
    double left_s = done > done0 && done <= total
                        ? elapsed_s * (double)(total - done) / (double)(done - done0)
                        : -1.0;
    char el[32], eta[32];
    progress_dur(el, sizeof el, elapsed_s);
    progress_dur(eta, sizeof eta, left_s);
    snprintf(buf, n, "[%.*s%*s] %3d%%  elapsed %s  ETA %s", filled,
             "########################################", width - filled, "", (int)(100.0 * frac),
             el, eta);
}

static double monotonic_s(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int gw_cli_progress(void *ud, uint64_t done, uint64_t total)
{
    gw_cli *cli = ud;
    if (cli->quiet || cli->json || !isatty(2) || total == 0)
        return 0;
    double now = monotonic_s();
    /* A new operation (another total, or counting from the start again). */
    if (total != cli->progress_total || done < cli->progress_done) {
        cli->progress_total = total;
        cli->progress_done0 = done;
        cli->progress_t0_s = now;
    }
    cli->progress_done = done;
    char line[160];
    progress_line(line, sizeof line, done, total, cli->progress_done0, now - cli->progress_t0_s);
    fprintf(stderr, "\r%s\033[K", line);
    if (done >= total) {
        fprintf(stderr, "\r\033[K");
        cli->progress_total = 0;
    }
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
    if (!gw_cli_is_opt(argv[*i], "--gpus"))
        return 0;
    const char *v = gw_cli_optval(cli, argc, argv, i);
    if (!v || !gw_cli_parse_count(cli, "--gpus", v, 1.0, 1e9, &s->gpus))
        return -1;
    return 1;
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
        fprintf(gw_cli_errf(cli), "%s: out of memory\n", cli->prog);
        return NULL;
    }
    gw_doc_str(doc, gw_doc_root(doc), "command", "command", cli->cmd ? cli->cmd : "");
    return doc;
}
