/* SPDX-License-Identifier: MIT */
/*
 * cmd_sweep.c: `gigawatt sweep`, the scenario over a grid of values. Each
 * point is `gigawatt run|train ... --set KEY=VALUE ... --json` run in-process
 * through gw_cli_invoke_hooked (so its JSON is the one the command prints);
 * points run in parallel OpenMP threads and, when built with Open MPI and
 * started by mpirun, on every rank (static interleave; rank 0 collects and
 * is the only SQLite writer). Results go to SQLite in batched transactions:
 * a rerun with the same arguments skips the points already stored, so a
 * killed sweep resumes without losing or duplicating rows (docs/CLI.md).
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream, getline, strdup, strndup */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef GW_HAVE_MPI
#include <mpi.h>
#endif

#define SWEEP_SCHEMA "1"
#define MAX_KEYS     32
#define MAX_PASS     256
/* A batch is committed after this many rows or this many seconds. */
#define BATCH_ROWS 64
#define BATCH_S    1.0

/* A headline figure: its column, its key path in the command's document,
 * and the factor from the document's unit to the column's. */
typedef struct output {
    const char *col, *path;
    double scale;
} output;

static const output run_outputs[] = {
    {"step_s", "train.best.step_time_s", 1.0},
    {"mfu", "train.best.mfu_frac", 1.0},
    {"tokens_per_s", "train.best.tokens_per_s", 1.0},
    {"goodput", "headline.goodput", 1.0},
    {"training_time_s", "headline.training_time_with_failures_s", 1.0},
    {"interruptions_per_day", "headline.interruptions_per_day", 1.0},
    {"power_mw", "headline.facility_power_w", 1e-6},
    {"gpus_in_budget", "headline.gpus_in_budget", 1.0},
    {"capex_usd", "headline.capex_usd", 1.0},
    {"usd_per_gpu_hour", "headline.usd_per_gpu_hour", 1.0},
    {"run_cost_usd", "headline.run_cost_usd", 1.0},
};
static const output train_outputs[] = {
    {"step_s", "train.best.step_time_s", 1.0},
    {"mfu", "train.best.mfu_frac", 1.0},
    {"tokens_per_s", "train.best.tokens_per_s", 1.0},
    {"gpus_used", "train.best.gpus_used", 1.0},
    {"tp", "train.best.tp", 1.0},
    {"pp", "train.best.pp", 1.0},
    {"dp", "train.best.dp", 1.0},
    {"cp", "train.best.cp", 1.0},
    {"ep", "train.best.ep", 1.0},
};
#define N_RUN_OUT   (sizeof run_outputs / sizeof run_outputs[0])
#define N_TRAIN_OUT (sizeof train_outputs / sizeof train_outputs[0])
#define MAX_OUT     16

/* The points: a grid of axes (--vary) or the rows of a CSV (--points). */
typedef struct sweep {
    gw_cli *cli;
    const char *command; /* "run" or "train" */
    const output *outs;
    size_t n_outs;
    gw_sweep_axis axes[MAX_KEYS]; /* --vary: one axis per key */
    size_t n_keys;
    bool grid;    /* axes form a grid; else CSV rows */
    char **cells; /* CSV: n_points x n_keys value texts */
    size_t n_points;
    char *pass[MAX_PASS]; /* arguments passed to every point */
    int n_pass;
    char *sets[MAX_PASS]; /* the --set values among them */
    size_t n_sets;
} sweep;

typedef struct result {
    size_t idx;
    int ok;              /* 1 ok, 0 error row, -1 usage error (stop) */
    double out[MAX_OUT]; /* NaN where absent */
    char *error, *json;  /* malloc'ed */
    const sweep *s;
} result;

static void help(void)
{
    printf("usage: gigawatt sweep [SCENARIO.yaml] --vary KEY=VALUES [--vary ...] [OPTIONS]\n"
           "       gigawatt sweep --points FILE.csv [OPTIONS]\n"
           "       gigawatt sweep --db FILE.db --csv FILE.csv\n\n"
           "Runs `gigawatt run` (or train) for every point of a grid of scenario values and\n"
           "stores one row per point (varied inputs, headline outputs, full JSON) in SQLite.\n"
           "A rerun with the same arguments skips the points already stored (resume).\n\n"
           "options:\n"
           "  --vary KEY=VALUES   values of a scenario key: a list \"10k,100k,1M\", a range\n"
           "                      A:B:STEP (\"1k:8k:1k\") or a log range A:B:logN (N values);\n"
           "                      several --vary make a grid (the first varies slowest)\n"
           "  --points FILE.csv   the points instead: header = keys, one row per point\n"
           "  --command CMD       run (default) or train, run for every point\n"
           "  -j, --threads N     points run in parallel (default: all cores)\n"
           "  --db FILE           the SQLite results (default sweep.db); also -o FILE\n"
           "  --overwrite         replace a --db holding a sweep with other arguments\n"
           "  --csv FILE          also write the results table as CSV (without JSON)\n"
           "  -q, --quiet         no progress bar and no summary line\n"
           "  --set, --data, --gpus, --power ... and SCENARIO.yaml are passed to every point.\n"
           "With Open MPI: mpirun -n N gigawatt sweep ... spreads the points over the ranks.\n");
}

/* ---- the points --------------------------------------------------------- */

static const char *point_value(const sweep *s, size_t idx, size_t k, size_t *choice)
{
    if (s->grid)
        return s->axes[k].values[choice[k]];
    return s->cells[idx * s->n_keys + k];
}

static void point_choice(const sweep *s, size_t idx, size_t *choice)
{
    if (s->grid)
        gw_plan_sweep_grid_point(s->axes, s->n_keys, idx, choice);
}

static void doc_hook(void *ud, const gw_doc *doc)
{
    result *r = ud;
    gw_doc_node *root = gw_doc_root((gw_doc *)(uintptr_t)doc);
    for (size_t o = 0; o < r->s->n_outs; o++) {
        double v = gw_doc_node_num(gw_doc_get(root, r->s->outs[o].path));
        r->out[o] = isfinite(v) ? v * r->s->outs[o].scale : (double)NAN;
    }
}

/* Runs point idx in-process; fills r (caller frees r->error, r->json). */
static void run_point(const sweep *s, size_t idx, result *r)
{
    memset(r, 0, sizeof *r);
    r->idx = idx;
    r->s = s;
    for (size_t o = 0; o < MAX_OUT; o++)
        r->out[o] = (double)NAN;
    char *argv[MAX_PASS + 2 * MAX_KEYS + 8];
    char *kv[MAX_KEYS];
    int argc = 0;
    argv[argc++] = (char *)(uintptr_t) "gigawatt";
    argv[argc++] = (char *)(uintptr_t)s->command;
    for (int i = 0; i < s->n_pass; i++)
        argv[argc++] = s->pass[i];
    size_t choice[MAX_KEYS];
    point_choice(s, idx, choice);
    for (size_t k = 0; k < s->n_keys; k++) {
        const char *key = s->grid ? s->axes[k].key : s->axes[k].key;
        const char *val = point_value(s, idx, k, choice);
        size_t n = strlen(key) + strlen(val) + 2;
        kv[k] = malloc(n);
        if (kv[k])
            snprintf(kv[k], n, "%s=%s", key, val);
        argv[argc++] = (char *)(uintptr_t) "--set";
        argv[argc++] = kv[k] ? kv[k] : (char *)(uintptr_t) "";
    }
    argv[argc++] = (char *)(uintptr_t) "--json";
    argv[argc++] = (char *)(uintptr_t) "--threads";
    argv[argc++] = (char *)(uintptr_t) "1";
    argv[argc] = NULL;
    char *obuf = NULL, *ebuf = NULL;
    size_t olen = 0, elen = 0;
    FILE *out = open_memstream(&obuf, &olen), *err = open_memstream(&ebuf, &elen);
    gw_error last;
    int rc = 1;
    if (out && err)
        rc = gw_cli_invoke_hooked(argc, argv, out, err, &last, doc_hook, r);
    if (out)
        fclose(out);
    if (err)
        fclose(err);
    for (size_t k = 0; k < s->n_keys; k++)
        free(kv[k]);
    if (rc == 0) {
        r->ok = 1;
        r->json = obuf;
        free(ebuf);
        return;
    }
    free(obuf);
    r->ok = last.code == GW_EUSAGE ? -1 : 0;
    /* The message the command printed, without "gigawatt CMD: " and the
     * newline; the first error line when there are notes. */
    char *msg = ebuf ? ebuf : NULL;
    if (msg) {
        char *line = msg, *e;
        while ((e = strchr(line, '\n')) && strstr(line, ": note: ") && strstr(line, ": note: ") < e)
            line = e + 1;
        if ((e = strchr(line, '\n')))
            *e = '\0';
        /* "gigawatt: msg" or "gigawatt train: msg" -> "msg" */
        size_t pl = strlen("gigawatt");
        if (strncmp(line, "gigawatt", pl) == 0) {
            const char *c = line[pl] == ':' ? line + pl : strchr(line + pl, ':');
            if (c && c[1] == ' ' &&
                (line[pl] == ':' || strncmp(line + pl + 1, s->command, strlen(s->command)) == 0))
                line += (size_t)(c + 2 - line);
        }
        r->error = strdup(line);
        free(ebuf);
    }
    if (!r->error)
        r->error = strdup(rc == 1 ? "runtime failure" : "input error");
}

/* ---- SQLite ------------------------------------------------------------- */

typedef struct db {
    sqlite3 *h;
    sqlite3_stmt *ins;
    int in_batch;
    double batch_t0;
} db;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Appends "name" (a quoted SQL identifier) to buf. */
static void ident(char *buf, size_t n, const char *name)
{
    size_t l = strlen(buf);
    if (l + 1 < n)
        buf[l++] = '"';
    for (const char *p = name; *p && l + 3 < n; p++) {
        if (*p == '"')
            buf[l++] = '"';
        buf[l++] = *p;
    }
    if (l + 1 < n)
        buf[l++] = '"';
    buf[l] = '\0';
}

static void cat(char *buf, size_t n, const char *s)
{
    size_t l = strlen(buf);
    snprintf(buf + l, n - l, "%s", s);
}

static int db_fail(gw_cli *cli, db *d, const char *what)
{
    fprintf(gw_cli_errf(cli), "gigawatt sweep: %s: %s\n", what,
            d->h ? sqlite3_errmsg(d->h) : "cannot open");
    return 1;
}

static int exec(db *d, const char *sql)
{
    return sqlite3_exec(d->h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : 1;
}

static int db_meta_get(db *d, const char *key, char *buf, size_t n)
{
    sqlite3_stmt *st;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(d->h, "SELECT value FROM sweep_meta WHERE key = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return 1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int found = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        snprintf(buf, n, "%s", v ? (const char *)v : "");
        found = 1;
    }
    sqlite3_finalize(st);
    return found ? 0 : 1;
}

static int db_meta_put(db *d, const char *key, const char *value)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->h, "INSERT OR REPLACE INTO sweep_meta(key, value) VALUES(?, ?)", -1,
                           &st, NULL) != SQLITE_OK)
        return 1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : 1;
    sqlite3_finalize(st);
    return rc;
}

static bool has_table(db *d, const char *name)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->h, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", -1,
                           &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    bool yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

/* Opens (creating or checking) the results of sweep s with canonical
 * arguments args. Returns 0, or the exit code after printing. */
static int db_open(const sweep *s, const char *path, const char *args, bool overwrite, db *d)
{
    gw_cli *cli = s->cli;
    memset(d, 0, sizeof *d);
    if (overwrite) {
        char side[4096];
        remove(path);
        snprintf(side, sizeof side, "%s-journal", path);
        remove(side);
        snprintf(side, sizeof side, "%s-wal", path);
        remove(side);
    }
    if (sqlite3_open_v2(path, &d->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        fprintf(gw_cli_errf(cli), "gigawatt sweep: %s: cannot open: %s\n", path,
                sqlite3_errmsg(d->h));
        return 2;
    }
    sqlite3_busy_timeout(d->h, 10000);
    char old[65536];
    if (!has_table(d, "sweep_meta")) {
        if (sqlite3_exec(d->h, "SELECT 1 FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK) {
            fprintf(
                gw_cli_errf(cli),
                "gigawatt sweep: %s: not a sweep database (%s); use --overwrite to replace it\n",
                path, sqlite3_errmsg(d->h));
            return 2;
        }
        if (has_table(d, "points")) {
            fprintf(gw_cli_errf(cli),
                    "gigawatt sweep: %s: not a sweep database; use --overwrite to replace it\n",
                    path);
            return 2;
        }
        char sql[16384] = "CREATE TABLE points(idx INTEGER PRIMARY KEY";
        for (size_t k = 0; k < s->n_keys; k++) {
            cat(sql, sizeof sql, ", ");
            ident(sql, sizeof sql, s->axes[k].key);
            cat(sql, sizeof sql, s->axes[k].numeric ? " REAL" : " TEXT");
        }
        for (size_t o = 0; o < s->n_outs; o++) {
            cat(sql, sizeof sql, ", ");
            ident(sql, sizeof sql, s->outs[o].col);
            cat(sql, sizeof sql, " REAL");
        }
        cat(sql, sizeof sql, ", status TEXT, error TEXT, json TEXT)");
        char varied[4096] = "", outs[1024] = "";
        for (size_t k = 0; k < s->n_keys; k++) {
            cat(varied, sizeof varied, k ? "\t" : "");
            cat(varied, sizeof varied, s->axes[k].key);
        }
        for (size_t o = 0; o < s->n_outs; o++) {
            cat(outs, sizeof outs, o ? "\t" : "");
            cat(outs, sizeof outs, s->outs[o].col);
        }
        if (exec(d, "BEGIN") ||
            exec(d, "CREATE TABLE sweep_meta(key TEXT PRIMARY KEY, value TEXT)") || exec(d, sql) ||
            db_meta_put(d, "schema", SWEEP_SCHEMA) || db_meta_put(d, "command", s->command) ||
            db_meta_put(d, "varied", varied) || db_meta_put(d, "outputs", outs) ||
            db_meta_put(d, "args", args) || exec(d, "COMMIT"))
            return db_fail(cli, d, path);
    } else if (db_meta_get(d, "args", old, sizeof old) != 0 || strcmp(old, args) != 0) {
        fprintf(
            gw_cli_errf(cli),
            "gigawatt sweep: %s holds a sweep with other arguments; use --overwrite to replace it "
            "or another --db\n",
            path);
        return 2;
    }
    char sql[16384] = "INSERT INTO points(idx";
    for (size_t k = 0; k < s->n_keys; k++) {
        cat(sql, sizeof sql, ", ");
        ident(sql, sizeof sql, s->axes[k].key);
    }
    for (size_t o = 0; o < s->n_outs; o++) {
        cat(sql, sizeof sql, ", ");
        ident(sql, sizeof sql, s->outs[o].col);
    }
    cat(sql, sizeof sql, ", status, error, json) VALUES(?");
    for (size_t i = 0; i < s->n_keys + s->n_outs + 3; i++)
        cat(sql, sizeof sql, ", ?");
    cat(sql, sizeof sql, ")");
    if (sqlite3_prepare_v2(d->h, sql, -1, &d->ins, NULL) != SQLITE_OK)
        return db_fail(cli, d, path);
    return 0;
}

static int db_commit(db *d)
{
    if (!d->in_batch)
        return 0;
    d->in_batch = 0;
    return exec(d, "COMMIT");
}

/* Stores result r (in the current batch; commits when the batch is full
 * or old). Returns 0 or 1 on a database error. */
static int db_put(const sweep *s, db *d, const result *r)
{
    if (!d->in_batch) {
        if (exec(d, "BEGIN"))
            return 1;
        d->in_batch = 1;
        d->batch_t0 = now_s();
    }
    sqlite3_stmt *st = d->ins;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    int c = 1;
    sqlite3_bind_int64(st, c++, (sqlite3_int64)r->idx);
    size_t choice[MAX_KEYS];
    point_choice(s, r->idx, choice);
    for (size_t k = 0; k < s->n_keys; k++, c++) {
        const char *v = point_value(s, r->idx, k, choice);
        double num;
        if (s->axes[k].numeric && gw_plan_sweep_value_num(v, &num))
            sqlite3_bind_double(st, c, num);
        else
            sqlite3_bind_text(st, c, v, -1, SQLITE_TRANSIENT);
    }
    for (size_t o = 0; o < s->n_outs; o++, c++)
        if (isfinite(r->out[o]))
            sqlite3_bind_double(st, c, r->out[o]);
    sqlite3_bind_text(st, c++, r->ok == 1 ? "ok" : "error", -1, SQLITE_STATIC);
    if (r->error)
        sqlite3_bind_text(st, c, r->error, -1, SQLITE_TRANSIENT);
    c++;
    if (r->json)
        sqlite3_bind_text(st, c, r->json, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        return 1;
    d->in_batch++;
    if (d->in_batch > BATCH_ROWS || now_s() - d->batch_t0 > BATCH_S)
        return db_commit(d);
    return 0;
}

static void db_close(db *d)
{
    if (d->ins)
        sqlite3_finalize(d->ins);
    if (d->h)
        sqlite3_close(d->h);
    memset(d, 0, sizeof *d);
}

/* Writes one CSV field (quoted when it holds , " or a line break). */
static void csv_field(FILE *f, const char *v)
{
    if (!strpbrk(v, ",\"\n\r")) {
        fputs(v, f);
        return;
    }
    fputc('"', f);
    for (; *v; v++) {
        if (*v == '"')
            fputc('"', f);
        fputc(*v, f);
    }
    fputc('"', f);
}

/* The points table (all but json) as CSV at path, via path.tmp + rename. */
static int export_csv(gw_cli *cli, db *d, const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(gw_cli_errf(cli), "gigawatt sweep: %s: cannot write: %s\n", tmp, strerror(errno));
        return 1;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->h, "SELECT * FROM points ORDER BY idx", -1, &st, NULL) != SQLITE_OK) {
        fclose(f);
        remove(tmp);
        return db_fail(cli, d, "--csv");
    }
    int nc = sqlite3_column_count(st), first = 1;
    for (int c = 0; c < nc; c++) {
        if (strcmp(sqlite3_column_name(st, c), "json") == 0)
            continue;
        if (!first)
            fputc(',', f);
        first = 0;
        csv_field(f, sqlite3_column_name(st, c));
    }
    fputc('\n', f);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        first = 1;
        for (int c = 0; c < nc; c++) {
            if (strcmp(sqlite3_column_name(st, c), "json") == 0)
                continue;
            if (!first)
                fputc(',', f);
            first = 0;
            int t = sqlite3_column_type(st, c);
            if (t == SQLITE_FLOAT) {
                fprintf(f, "%.17g", sqlite3_column_double(st, c));
            } else if (t != SQLITE_NULL) {
                const unsigned char *v = sqlite3_column_text(st, c);
                csv_field(f, v ? (const char *)v : "");
            }
        }
        fputc('\n', f);
    }
    sqlite3_finalize(st);
    if (fclose(f) != 0 || rc != SQLITE_DONE || rename(tmp, path) != 0) {
        remove(tmp);
        fprintf(gw_cli_errf(cli), "gigawatt sweep: %s: cannot write\n", path);
        return 1;
    }
    return 0;
}

/* ---- MPI: results travel to rank 0 as one byte message ------------------ */

#ifdef GW_HAVE_MPI
#define TAG_RESULT 7

/* [idx u64][ok i32][n_out doubles][errlen u64][err][jsonlen u64][json] */
static char *pack(const sweep *s, const result *r, size_t *len)
{
    size_t el = r->error ? strlen(r->error) : 0, jl = r->json ? strlen(r->json) : 0;
    size_t n = 8 + 4 + 8 * s->n_outs + 8 + el + 8 + jl;
    char *b = malloc(n), *p = b;
    if (!b)
        return NULL;
    uint64_t u = r->idx;
    int32_t ok = r->ok;
    memcpy(p, &u, 8), p += 8;
    memcpy(p, &ok, 4), p += 4;
    memcpy(p, r->out, 8 * s->n_outs), p += 8 * s->n_outs;
    u = el, memcpy(p, &u, 8), p += 8;
    memcpy(p, r->error ? r->error : "", el), p += el;
    u = jl, memcpy(p, &u, 8), p += 8;
    memcpy(p, r->json ? r->json : "", jl);
    *len = n;
    return b;
}

static int unpack(const sweep *s, const char *b, size_t n, result *r)
{
    memset(r, 0, sizeof *r);
    r->s = s;
    uint64_t u, el, jl;
    int32_t ok;
    if (n < 8 + 4 + 8 * s->n_outs + 8)
        return 1;
    const char *p = b;
    memcpy(&u, p, 8), p += 8;
    memcpy(&ok, p, 4), p += 4;
    memcpy(r->out, p, 8 * s->n_outs), p += 8 * s->n_outs;
    memcpy(&el, p, 8), p += 8;
    if ((size_t)(p - b) + el + 8 > n)
        return 1;
    r->idx = (size_t)u;
    r->ok = ok;
    if (el) {
        r->error = strndup(p, el);
    }
    p += el;
    memcpy(&jl, p, 8), p += 8;
    if ((size_t)(p - b) + jl > n)
        return 1;
    if (jl)
        r->json = strndup(p, jl);
    return 0;
}

static int recv_result(const sweep *s, result *r)
{
    MPI_Status stt;
    int cnt;
    MPI_Probe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &stt);
    MPI_Get_count(&stt, MPI_BYTE, &cnt);
    char *b = malloc(cnt > 0 ? (size_t)cnt : 1);
    if (!b)
        return 1;
    MPI_Recv(b, cnt, MPI_BYTE, stt.MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    int rc = unpack(s, b, (size_t)cnt, r);
    free(b);
    return rc;
}
#endif

/* ---- arguments ---------------------------------------------------------- */

/* FNV-1a of text, for the canonical arguments of a --points file. */
static uint64_t fnv(uint64_t h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Reads --points FILE (gw_cli_points_parse, sweep_points.c): header =
 * keys, then one row of values per point. *hash: FNV-1a of the file's
 * bytes. Returns 0 or exit code. */
_Static_assert(GW_CLI_POINTS_MAX_KEYS <= MAX_KEYS, "--points keys fit the axes");
static int read_points(sweep *s, const char *path, uint64_t *hash)
{
    gw_cli *cli = s->cli;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(gw_cli_errf(cli), "gigawatt sweep: --points %s: cannot read: %s\n", path,
                strerror(errno));
        return 2;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? 2 * cap : 65536;
            char *nt = realloc(text, cap);
            if (!nt) {
                rc = 1;
                break;
            }
            text = nt;
        }
        size_t got = fread(text + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (!rc && ferror(f)) {
        fprintf(gw_cli_errf(cli), "gigawatt sweep: --points %s: read error\n", path);
        rc = 2;
    }
    fclose(f);
    if (rc) {
        free(text);
        return rc;
    }
    *hash = fnv(14695981039346656037ULL, text ? text : "", len);
    gw_cli_points p;
    char msg[300];
    if (!gw_cli_points_parse(text ? text : "", len, &p, msg, sizeof msg)) {
        bool located = msg[0] >= '0' && msg[0] <= '9';
        fprintf(gw_cli_errf(cli), "gigawatt sweep: --points %s:%s%s\n", path, located ? "" : " ",
                msg);
        free(text);
        return strstr(msg, "out of memory") ? 1 : 2;
    }
    free(text);
    for (size_t k = 0; k < p.n_keys; k++) {
        snprintf(s->axes[k].key, sizeof s->axes[k].key, "%s", p.keys[k]);
        s->axes[k].numeric = p.numeric[k];
    }
    s->n_keys = p.n_keys;
    s->n_points = p.n_points;
    s->cells = p.cells; /* freed with the sweep */
    return 0;
}

/* Checks every distinct value of every key as --set would take it. */
static int check_values(sweep *s)
{
    gw_error err;
    for (size_t k = 0; k < s->n_keys; k++) {
        size_t n = s->grid ? s->axes[k].n : s->n_points;
        for (size_t i = 0; i < n; i++) {
            const char *v = s->grid ? s->axes[k].values[i] : s->cells[i * s->n_keys + k];
            if (!s->grid && i > 0 && strcmp(v, s->cells[(i - 1) * s->n_keys + k]) == 0)
                continue;
            memset(&err, 0, sizeof err);
            if (gw_plan_sweep_check(s->cli->ctx, (const char *const *)s->sets, s->n_sets,
                                    s->axes[k].key, v, &err) != GW_OK) {
                size_t wl = strlen(err.where);
                if (strncmp(err.where, "--set", 5) == 0 && wl + 1 < sizeof err.where) {
                    memmove(err.where + 6, err.where + 5, wl - 4); /* "--set x" -> "--vary x" */
                    memcpy(err.where, "--vary", 6);
                }
                int code = gw_cli_fail(s->cli, &err);
                return code == 0 ? 2 : code;
            }
        }
    }
    return 0;
}

static void free_result(result *r)
{
    free(r->error);
    free(r->json);
    r->error = r->json = NULL;
}

/* ---- the command -------------------------------------------------------- */

static int add_pass(gw_cli *cli, sweep *s, const char *a)
{
    if (s->n_pass >= MAX_PASS)
        return gw_cli_usage_error(cli, "too many arguments");
    s->pass[s->n_pass++] = (char *)(uintptr_t)a;
    return 0;
}

/* The done flags of the points already in the database. */
static int load_done(db *d, unsigned char *done, size_t n)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->h, "SELECT idx FROM points", -1, &st, NULL) != SQLITE_OK)
        return 1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        sqlite3_int64 i = sqlite3_column_int64(st, 0);
        if (i >= 0 && (size_t)i < n)
            done[i] = 1;
    }
    sqlite3_finalize(st);
    return 0;
}

typedef struct tally {
    size_t ok, err, done, total;
    int db_err;
} tally;

/* Rank 0: stores r and counts it (inside the critical section). */
static void collect(sweep *s, db *d, tally *t, result *r)
{
    if (db_put(s, d, r) != 0)
        t->db_err = 1;
    if (r->ok == 1)
        t->ok++;
    else
        t->err++;
    t->done++;
    gw_cli_progress(s->cli, t->done, t->total);
}

int gw_cmd_sweep(gw_cli *cli, int argc, char **argv)
{
    sweep s;
    memset(&s, 0, sizeof s);
    s.cli = cli;
    s.command = "run";
    const char *db_path = cli->output ? cli->output : "sweep.db", *csv = cli->csv, *points = NULL;
    const char *vary[MAX_KEYS];
    size_t n_vary = 0;
    bool overwrite = false;
    long long threads = cli->threads;
    int code = 0;
    if (cli->json)
        return gw_cli_usage_error(cli, "--json: a sweep writes SQLite (--db) and CSV (--csv)");
    for (size_t i = 0; i < cli->n_sets; i++) {
        if (add_pass(cli, &s, "--set") || add_pass(cli, &s, cli->sets[i]))
            return 2;
        s.sets[s.n_sets++] = (char *)(uintptr_t)cli->sets[i];
    }
    if (cli->data_dir && (add_pass(cli, &s, "--data") || add_pass(cli, &s, cli->data_dir)))
        return 2;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v;
        if (gw_cli_is_help(a)) {
            help();
            return 0;
        }
        if (gw_cli_is_opt(a, "--vary")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            if (n_vary >= MAX_KEYS)
                return gw_cli_usage_error(cli, "too many --vary (limit %d)", MAX_KEYS);
            vary[n_vary++] = v;
        } else if (gw_cli_is_opt(a, "--points")) {
            if (!(points = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
        } else if (gw_cli_is_opt(a, "--command")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            if (strcmp(v, "run") != 0 && strcmp(v, "train") != 0)
                return gw_cli_usage_error(cli, "--command: expected run or train, got \"%s\"", v);
            s.command = v;
        } else if (gw_cli_is_opt(a, "--threads") || strcmp(a, "-j") == 0) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)) ||
                !gw_cli_parse_int(cli, "--threads", v, 0, 4096, &threads))
                return 2;
        } else if (gw_cli_is_opt(a, "--db") || gw_cli_is_opt(a, "--output") ||
                   strcmp(a, "-o") == 0) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            if (!v[0])
                return gw_cli_usage_error(cli, "--db: expected a file name");
            db_path = v;
        } else if (gw_cli_is_opt(a, "--csv")) {
            if (!(csv = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
        } else if (strcmp(a, "--overwrite") == 0) {
            overwrite = true;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            cli->quiet = true;
        } else if (strcmp(a, "--json") == 0) {
            return gw_cli_usage_error(cli, "--json: a sweep writes SQLite (--db) and CSV (--csv)");
        } else if (gw_cli_is_opt(a, "--set")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            if (add_pass(cli, &s, "--set") || add_pass(cli, &s, v))
                return 2;
            s.sets[s.n_sets++] = (char *)(uintptr_t)v;
        } else if (add_pass(cli, &s, a)) {
            return 2;
        }
    }
    if (strcmp(s.command, "train") == 0) {
        s.outs = train_outputs;
        s.n_outs = N_TRAIN_OUT;
    } else {
        s.outs = run_outputs;
        s.n_outs = N_RUN_OUT;
    }
    if (n_vary && points)
        return gw_cli_usage_error(cli, "--vary and --points exclude each other");
    if (!n_vary && !points) {
        if (!csv)
            return gw_cli_usage_error(
                cli, "nothing to sweep: give --vary KEY=VALUES or --points FILE.csv");
        /* Export only: --db FILE --csv OUT. */
        db d;
        memset(&d, 0, sizeof d);
        if (access(db_path, R_OK) != 0 ||
            sqlite3_open_v2(db_path, &d.h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            !has_table(&d, "points")) {
            fprintf(gw_cli_errf(cli), "gigawatt sweep: %s: no sweep results to export\n", db_path);
            db_close(&d);
            return 2;
        }
        code = export_csv(cli, &d, csv);
        db_close(&d);
        return code;
    }

    /* The points, checked up front. */
    char *args = NULL;
    size_t args_len = 0;
    FILE *af = open_memstream(&args, &args_len);
    if (!af)
        return 1;
    fprintf(af, "%s", s.command);
    for (int i = 0; i < s.n_pass; i++)
        fprintf(af, "\t%s", s.pass[i]);
    gw_error err;
    if (points) {
        uint64_t h = 0;
        s.grid = false;
        code = read_points(&s, points, &h);
        fprintf(af, "\t--points\t%016llx", (unsigned long long)h);
    } else {
        s.grid = true;
        for (size_t k = 0; k < n_vary && !code; k++) {
            memset(&err, 0, sizeof err);
            if (gw_plan_sweep_axis_parse(cli->ctx, vary[k], &s.axes[k], &err) != GW_OK) {
                fprintf(gw_cli_errf(cli), "gigawatt sweep: --vary: %s\n", err.msg);
                code = 2;
                break;
            }
            s.n_keys = k + 1;
            fprintf(af, "\t--vary\t%s", vary[k]);
        }
        memset(&err, 0, sizeof err);
        if (!code && gw_plan_sweep_grid_size(s.axes, s.n_keys, &s.n_points, &err) != GW_OK) {
            fprintf(gw_cli_errf(cli), "gigawatt sweep: --vary: %s\n", err.msg);
            code = 2;
        }
    }
    fclose(af);
    for (size_t k = 0; !code && k < s.n_keys; k++)
        for (size_t j = 0; j < k; j++)
            if (strcmp(s.axes[k].key, s.axes[j].key) == 0) {
                fprintf(gw_cli_errf(cli), "gigawatt sweep: %s %s: the key is given twice\n",
                        points ? "--points" : "--vary", s.axes[k].key);
                code = 2;
                break;
            }
    if (!code)
        code = check_values(&s);

    int rank = 0, size = 1;
#ifdef GW_HAVE_MPI
    bool mpi = getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
    if (mpi) {
        int provided;
        MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        MPI_Comm_size(MPI_COMM_WORLD, &size);
    }
#endif
    db d;
    memset(&d, 0, sizeof d);
    size_t *pending = NULL;
    unsigned long long np = 0; /* pending points */
    tally t;
    memset(&t, 0, sizeof t);
    double t0 = now_s();
    if (!code && rank == 0) {
        code = db_open(&s, db_path, args, overwrite, &d);
        unsigned char *done = code ? NULL : calloc(s.n_points, 1);
        pending = code ? NULL : malloc(s.n_points * sizeof *pending);
        if (!code && (!done || !pending || load_done(&d, done, s.n_points)))
            code = db_fail(cli, &d, db_path);
        for (size_t i = 0; !code && i < s.n_points; i++)
            if (!done[i])
                pending[np++] = i;
        free(done);
        t.total = np;
        /* The first point alone: a usage error in the passed arguments
         * stops the sweep before any other point runs. */
        if (!code && np > 0) {
            result r;
            run_point(&s, pending[0], &r);
            if (r.ok == -1) {
                fprintf(gw_cli_errf(cli), "gigawatt sweep: %s\n",
                        r.error ? r.error : "usage error");
                code = 2;
            } else {
                collect(&s, &d, &t, &r);
            }
            free_result(&r);
            memmove(pending, pending + 1, (np - 1) * sizeof *pending);
            np--;
        }
    }
#ifdef GW_HAVE_MPI
    if (size > 1) {
        long long hdr[2] = {code, (long long)np};
        MPI_Bcast(hdr, 2, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
        code = (int)hdr[0];
        np = (unsigned long long)hdr[1];
        if (!code && rank != 0)
            pending = malloc((np ? np : 1) * sizeof *pending);
        if (!code) {
            unsigned long long *tmp = malloc((np ? np : 1) * sizeof *tmp);
            for (size_t i = 0; rank == 0 && i < np; i++)
                tmp[i] = pending[i];
            MPI_Bcast(tmp, (int)np, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
            for (size_t i = 0; i < np; i++)
                pending[i] = (size_t)tmp[i];
            free(tmp);
        }
    }
#endif
    if (!code) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        int nt = threads > 0 ? (int)threads : cores > 0 ? (int)cores : 1;
        size_t mine = 0;
        for (size_t k = (size_t)rank; k < np; k += (size_t)size)
            mine++;
        if (nt > (int)mine && mine > 0)
            nt = (int)mine;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt > 0 ? nt : 1)
        for (size_t m = 0; m < mine; m++) {
            size_t idx = pending[(size_t)rank + m * (size_t)size];
            result r;
            run_point(&s, idx, &r);
            if (r.ok == -1)
                r.ok = 0; /* after the first point: an error row */
#pragma omp critical(gw_sweep_collect)
            {
                if (rank == 0) {
                    collect(&s, &d, &t, &r);
#ifdef GW_HAVE_MPI
                    int flag = 1;
                    while (size > 1 && flag) {
                        MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag,
                                   MPI_STATUS_IGNORE);
                        result rr;
                        if (flag && recv_result(&s, &rr) == 0)
                            collect(&s, &d, &t, &rr);
                        if (flag)
                            free_result(&rr);
                    }
#endif
                }
#ifdef GW_HAVE_MPI
                else {
                    size_t len;
                    char *b = pack(&s, &r, &len);
                    if (b)
                        MPI_Send(b, (int)len, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
                    free(b);
                }
#endif
            }
            free_result(&r);
        }
#ifdef GW_HAVE_MPI
        while (rank == 0 && size > 1 && t.done < t.total) {
            result rr;
            if (recv_result(&s, &rr) == 0)
                collect(&s, &d, &t, &rr);
            free_result(&rr);
        }
#endif
    }
    if (rank == 0 && d.h) {
        if (db_commit(&d) != 0 || t.db_err)
            code = code ? code : db_fail(cli, &d, db_path);
        if (!code && csv)
            code = export_csv(cli, &d, csv);
        if (!code && !cli->quiet) {
            double dt = now_s() - t0;
            fprintf(stderr,
                    "gigawatt sweep: %zu points: %zu ok, %zu errors, %zu already stored; %.1f s, "
                    "%.2f points/s; %s\n",
                    s.n_points, t.ok, t.err, s.n_points - t.total, dt,
                    dt > 0 ? (double)t.done / dt : 0.0, db_path);
        }
    }
    db_close(&d);
#ifdef GW_HAVE_MPI
    if (mpi)
        MPI_Finalize();
#endif
    free(pending);
    free(args);
    for (size_t k = 0; k < MAX_KEYS; k++)
        gw_plan_sweep_axis_free(cli->ctx, &s.axes[k]);
    if (s.cells) {
        for (size_t i = 0; i < s.n_points * s.n_keys; i++)
            free(s.cells[i]);
        free(s.cells);
    }
    return code;
}
