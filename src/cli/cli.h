/* SPDX-License-Identifier: MIT */
/*
 * cli.h: shared plumbing of the `gigawatt` command. The CLI is a thin client
 * of libgigawatt: it includes only <gigawatt/...> headers, parses flags, calls the
 * library, renders the resulting gw_doc and maps statuses to exit codes
 * (0 ok, 1 runtime failure, 2 usage or input error).
 *
 * Each command lives in cmd_<name>.c and has the signature of gw_cli_cmd_fn.
 */
#ifndef GW_CLI_H
#define GW_CLI_H

#include <gigawatt/gigawatt.h>

#include <stdbool.h>
#include <stdio.h>

#define GW_CLI_MAX_SETS 64

/* A growing string (web_body.c): p is NUL terminated; oom is set, and
 * nothing more appended, when memory runs out. Start from {0}; free(p). */
typedef struct gw_cli_sbuf {
    char *p;
    size_t len, cap;
    bool oom;
} gw_cli_sbuf;
void gw_cli_sb_putc(gw_cli_sbuf *b, char c);
void gw_cli_sb_puts(gw_cli_sbuf *b, const char *s);
/* s as a JSON string literal. */
void gw_cli_sb_json_str(gw_cli_sbuf *b, const char *s);

/* The body of `gigawatt web`'s POST /api/run and /api/report (web_body.c):
 * a flat JSON object of scenario overrides, {"cluster.gpus": 200000}, as
 * "KEY=VALUE" strings for --set, in the body's order (malloc'd). One more
 * than GW_CLI_MAX_SETS is kept, so that "too many" is the CLI's own error. */
typedef struct gw_cli_web_body {
    char *sets[GW_CLI_MAX_SETS + 1];
    size_t n;
} gw_cli_web_body;
/* Parses body (len bytes, any bytes). An empty body is no overrides. On
 * failure returns false with o empty and msg holding "request body:LINE:COL:
 * what was expected", or "--set KEY: ..." for a value that names a
 * config.json file (the server reads no file a request names). */
bool gw_cli_web_body_parse(const char *body, size_t len, gw_cli_web_body *o, char *msg,
                           size_t msg_len);
void gw_cli_web_body_free(gw_cli_web_body *o);

/* The --points FILE of `gigawatt sweep` (sweep_points.c): a header line of
 * scenario keys, then one line of comma-separated values per point (no
 * quoting; blank lines and a CR before each line end ignored). */
#define GW_CLI_POINTS_MAX_KEYS 32
typedef struct gw_cli_points {
    size_t n_keys;
    char keys[GW_CLI_POINTS_MAX_KEYS][128];
    bool numeric[GW_CLI_POINTS_MAX_KEYS]; /* every value of the column is a number */
    char **cells;                         /* n_points x n_keys value texts (malloc'd) */
    size_t n_points;
} gw_cli_points;
/* Parses text (len bytes, any bytes). On failure returns false with p
 * empty and msg holding "LINE:COL: what was expected" (or "LINE: ..." for a
 * row as a whole, "no points ..." for a file without rows). */
bool gw_cli_points_parse(const char *text, size_t len, gw_cli_points *p, char *msg, size_t msg_len);
void gw_cli_points_free(gw_cli_points *p);

/* Called by gw_cli_emit with each result document before it is rendered
 * (gigawatt sweep reads a point's headline figures from it). */
typedef void (*gw_cli_doc_hook)(void *ud, const gw_doc *doc);

/* Options common to every command, parsed by gw_cli_common_opt(). */
typedef struct gw_cli {
    gw_ctx *ctx;
    const char *prog;                  /* "gigawatt" */
    const char *cmd;                   /* "train" */
    FILE *out;                         /* reports (gw_cli_emit); NULL = stdout */
    FILE *errout;                      /* error messages; NULL = stderr */
    gw_error *last_err;                /* OUT: the last error reported, or NULL (borrowed) */
    bool json;                         /* --json */
    bool html;                         /* gw_cli_emit renders HTML (gigawatt report) */
    const char *csv;                   /* --csv PATH-IN-DOC (tables only) or NULL */
    const char *output;                /* -o/--output FILE (written atomically) or NULL */
    const char *data_dir;              /* --data DIR or NULL */
    const char *sets[GW_CLI_MAX_SETS]; /* --set key=value, in order */
    size_t n_sets;
    bool quiet;      /* --quiet: no progress bar */
    int threads;     /* --threads N (0 = all cores) */
    gw_catalog *cat; /* loaded lazily by gw_cli_catalog() */
    /* Progress bar (gw_cli_progress): the current operation's total, its
     * first report (units done, monotonic seconds) and the latest. */
    uint64_t progress_total, progress_done0, progress_done;
    double progress_t0_s;
    gw_cli_doc_hook doc_hook; /* see gw_cli_invoke_hooked, or NULL */
    void *doc_hook_ud;
    char rank_order_set[64]; /* --rank-order X as "network.rank_order=X" */
} gw_cli;

typedef int (*gw_cli_cmd_fn)(gw_cli *cli, int argc, char **argv);

/* Tries to consume a common option at argv[*i] (advancing *i past its
 * argument). Returns 1 if consumed, 0 if not a common option, -1 after
 * printing a usage error (then return 2). */
int gw_cli_common_opt(gw_cli *cli, int argc, char **argv, int *i);

/* --rank-order ORDER (net, train, run): checked here (a usage error naming
 * the flag, exit 2) and applied as --set network.rank_order=ORDER at its
 * place among the --set options. Returns 1 if consumed, 0 if argv[*i] is
 * not --rank-order, -1 after printing a usage error. */
int gw_cli_rank_order_opt(gw_cli *cli, int argc, char **argv, int *i);

/* Reads the value of option argv[*i] ("--tp 8" or "--tp=8"). Returns NULL
 * after printing "missing value for --tp". */
const char *gw_cli_optval(gw_cli *cli, int argc, char **argv, int *i);

/* True when argv[*i] is the option `name` (exact, or "name=value"). */
bool gw_cli_is_opt(const char *arg, const char *name);

/* Typed flag values: print "gigawatt: --tp: expected a positive integer,
 * got "x"" and return false on error. */
bool gw_cli_parse_int(gw_cli *cli, const char *flag, const char *text, long long min, long long max,
                      long long *out);
bool gw_cli_parse_num(gw_cli *cli, const char *flag, const char *text, gw_dim dim, double min,
                      double max, double *out);

/* A count of whole things (--gpus, --seq): a number of dimension
 * GW_DIM_TOKENS ("16k", "1e6") in [min, max] that is a whole number. */
bool gw_cli_parse_count(gw_cli *cli, const char *flag, const char *text, double min, double max,
                        double *out);

/* A number-valued option: when argv[*i] is `name` ("--power 1GW" or
 * "--power=1GW"), reads and parses its value into *out. Returns 1 if
 * consumed, 0 if argv[*i] is another option, -1 after printing the error. */
int gw_cli_num_opt(gw_cli *cli, int argc, char **argv, int *i, const char *name, gw_dim dim,
                   double min, double max, double *out);

/* --power P / --gpus N, the two ways to size a site: parsed by
 * gw_cli_sizing_opt, applied to a loaded scenario by gw_cli_apply_sizing
 * (the chosen one replaces the scenario's GPU count or budget and its
 * phases). gw_cli_sizing_check prints the usage error when both are given. */
typedef struct gw_cli_sizing {
    double power_w, gpus;
} gw_cli_sizing;
int gw_cli_sizing_opt(gw_cli *cli, int argc, char **argv, int *i, gw_cli_sizing *s);
bool gw_cli_sizing_check(gw_cli *cli, const gw_cli_sizing *s);
void gw_cli_apply_sizing(gw_scenario *sc, const gw_cli_sizing *s);

/* Loads the scenario at path (NULL: the built-in default) with the --set
 * overrides. Returns NULL after printing the error, with *exit_code set. */
gw_scenario *gw_cli_scenario(gw_cli *cli, const char *path, int *exit_code);

/* A command's one positional argument (a scenario path, a chip name):
 * stores arg in *slot, or prints "unknown option" for an unconsumed option
 * and "unexpected argument" when *slot is taken. Returns 0, or 2 after
 * printing. */
int gw_cli_positional(gw_cli *cli, const char *arg, const char **slot);

/* Loads the catalog and the scenario at path (NULL: the built-in default)
 * with the --set overrides, then applies sizing s (may be NULL). Returns 0,
 * or the exit code after printing the error (nothing to free then). */
int gw_cli_setup(gw_cli *cli, const char *path, const gw_cli_sizing *s, gw_catalog **cat,
                 gw_scenario **sc);

/* A new result document whose "command" is cli->cmd. Returns NULL after
 * printing "out of memory" (exit status 1). Caller frees with gw_doc_free. */
gw_doc *gw_cli_doc(gw_cli *cli);

/* True for "-h" and "--help". */
bool gw_cli_is_help(const char *arg);

/* The catalog (loaded on first use from --data / GIGAWATT_DATA / embedded).
 * Returns NULL after printing the error (exit 2 or 1 per gw_cli_fail). */
gw_catalog *gw_cli_catalog(gw_cli *cli, int *exit_code);

/* Prints a library error as "gigawatt: path:line:col: where: msg" (to
 * cli->errout, else stderr), copies it to *cli->last_err when set, and returns
 * the exit code for it. */
int gw_cli_fail(gw_cli *cli, const gw_error *err);
/* Prints "gigawatt CMD: msg" for a usage error and returns 2; with
 * cli->last_err set, also records it there as GW_EUSAGE with msg. */
int gw_cli_usage_error(gw_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Renders doc (text, or JSON with --json, or CSV with --csv) to stdout or to
 * --output (via FILE.tmp then rename, so no partial file is left). Returns
 * the exit code. */
int gw_cli_emit(gw_cli *cli, gw_doc *doc);

/* Progress bar on stderr when it is a terminal and not --quiet/--json, with
 * the time elapsed and an ETA: "[####    ]  42%  elapsed 12s  ETA 17s". */
int gw_cli_progress(void *ud, uint64_t done, uint64_t total);

/* The whole command line (argv[0] is the program name, argv[1] the
 * command; none = `run`), as the `gigawatt` program runs it: reports go to
 * out, messages and diagnostics to errout, and the last error reported
 * (library or usage) is copied to *last_err when it is not NULL (zeroed
 * first, so code GW_OK means none). Returns the exit status (0 ok, 1 runtime
 * failure, 2 usage or input error). Used by main.c and the Python binding
 * (python/gigawatt/_gigawatt.c). Thread-safety: each call has its own context
 * and catalog, so calls in different threads do not interfere. */
int gw_cli_invoke(int argc, char **argv, FILE *out, FILE *errout, gw_error *last_err);

/* gw_cli_invoke, and hook(ud, doc) is called with the result document just
 * before it is rendered (gigawatt sweep), when there is one. */
int gw_cli_invoke_hooked(int argc, char **argv, FILE *out, FILE *errout, gw_error *last_err,
                         gw_cli_doc_hook hook, void *ud);
/* True when this build has the command `name` ("report"). */
bool gw_cli_has_command(const char *name);

/* Where a command's messages go: cli->errout (the Python binding's buffer),
 * else stderr. */
FILE *gw_cli_errf(const gw_cli *cli);

/* Commands (cmd_*.c). */
int gw_cmd_run(gw_cli *cli, int argc, char **argv);
int gw_cmd_report(gw_cli *cli, int argc, char **argv);
/* report_sweep.c: is path an SQLite file; `gigawatt report SWEEP.db`. */
bool gw__cli_is_sqlite(const char *path);
int gw__cli_report_sweep(gw_cli *cli, const char *path, const char *x, const char *y);
int gw_cmd_catalog(gw_cli *cli, int argc, char **argv);
int gw_cmd_train(gw_cli *cli, int argc, char **argv);
int gw_cmd_validate(gw_cli *cli, int argc, char **argv);
int gw_cmd_site(gw_cli *cli, int argc, char **argv);
int gw_cmd_net(gw_cli *cli, int argc, char **argv);
int gw_cmd_cost(gw_cli *cli, int argc, char **argv);
int gw_cmd_export(gw_cli *cli, int argc, char **argv);
int gw_cmd_rel(gw_cli *cli, int argc, char **argv);
int gw_cmd_infer(gw_cli *cli, int argc, char **argv);
int gw_cmd_sweep(gw_cli *cli, int argc, char **argv);
int gw_cmd_web(gw_cli *cli, int argc, char **argv);

#endif /* GW_CLI_H */
