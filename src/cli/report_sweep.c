/* SPDX-License-Identifier: MIT */
/*
 * report_sweep.c: `gigawatt report SWEEP.db`: draws a sweep database (the
 * SQLite file `gigawatt sweep` writes) as the same self-contained HTML page
 * as a scenario report (gw_report_html), one chart per output against one
 * varied input, one line per value of the other varied inputs.
 *
 * The schema read (version 1, written by `gigawatt sweep`, docs/CLI.md):
 *   sweep_meta(key TEXT PRIMARY KEY, value TEXT) with rows schema = "1",
 *     command = "train" | "run", varied = keys joined by TAB, outputs =
 *     output column names joined by TAB;
 *   points(idx INTEGER PRIMARY KEY, one column per varied key named as the
 *     key, one REAL column per output, status TEXT, error TEXT, json TEXT).
 * Anything else (not SQLite, a missing table or column, another schema) is
 * an input error: one line naming the file, exit status 2.
 */
#include "cli.h"

#include <gigawatt/report.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SWEEP_MAX_KEYS 32

typedef struct sweep_db {
    sqlite3 *db;
    const char *path;
    char *varied_text, *outputs_text, *command;
    char *varied[SWEEP_MAX_KEYS], *outputs[SWEEP_MAX_KEYS];
    size_t n_varied, n_outputs;
} sweep_db;

/* True when the file starts with the SQLite header. */
bool gw__cli_is_sqlite(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char head[16];
    bool yes =
        fread(head, 1, sizeof head, f) == sizeof head && memcmp(head, "SQLite format 3", 16) == 0;
    fclose(f);
    return yes;
}

static int bad(gw_cli *cli, const sweep_db *s, const char *what, const char *detail)
{
    fprintf(gw_cli_errf(cli), "%s report: %s: not a gigawatt sweep database: %s%s%s\n", cli->prog,
            s->path, what, detail ? ": " : "", detail ? detail : "");
    return 2;
}

static char *dup(const char *t)
{
    size_t n = strlen(t) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, t, n);
    return d;
}

static char *meta(sweep_db *s, const char *key)
{
    sqlite3_stmt *st = NULL;
    char *v = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM sweep_meta WHERE key = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        v = dup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}

static size_t split_tabs(char *text, char **out, size_t max)
{
    size_t n = 0;
    for (char *p = text; p && *p && n < max;) {
        out[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = '\0';
        p = t + 1;
    }
    return n;
}

static void sweep_close(sweep_db *s)
{
    free(s->varied_text);
    free(s->outputs_text);
    free(s->command);
    sqlite3_close(s->db);
}

/* Opens the database and reads its metadata; 0 or an exit status. */
static int sweep_open(gw_cli *cli, sweep_db *s)
{
    if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return bad(cli, s, "cannot open", sqlite3_errmsg(s->db));
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT key, value FROM sweep_meta", -1, &st, NULL) != SQLITE_OK)
        return bad(cli, s, "no table sweep_meta", sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    char *schema = meta(s, "schema");
    bool ok = schema && strcmp(schema, "1") == 0;
    free(schema);
    if (!ok)
        return bad(cli, s, "sweep_meta has no schema = 1 row", NULL);
    s->command = meta(s, "command");
    s->varied_text = meta(s, "varied");
    s->outputs_text = meta(s, "outputs");
    if (!s->command || !s->varied_text || !s->outputs_text)
        return bad(cli, s, "sweep_meta lacks command, varied or outputs", NULL);
    s->n_varied = split_tabs(s->varied_text, s->varied, SWEEP_MAX_KEYS);
    s->n_outputs = split_tabs(s->outputs_text, s->outputs, SWEEP_MAX_KEYS);
    if (s->n_varied == 0 || s->n_outputs == 0)
        return bad(cli, s, "no varied keys or no outputs in sweep_meta", NULL);
    if (sqlite3_prepare_v2(s->db, "SELECT idx, status FROM points LIMIT 1", -1, &st, NULL) !=
        SQLITE_OK)
        return bad(cli, s, "no table points", sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    /* Every varied key and output is a column of points (a double-quoted
     * name that is not a column would read as a string literal). */
    for (size_t i = 0; i < s->n_varied + s->n_outputs; i++) {
        const char *name = i < s->n_varied ? s->varied[i] : s->outputs[i - s->n_varied];
        bool found = false;
        if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM pragma_table_info('points') WHERE name = ?",
                               -1, &st, NULL) != SQLITE_OK)
            return bad(cli, s, "cannot read the columns of points", sqlite3_errmsg(s->db));
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
        if (!found)
            return bad(cli, s, "points lacks a varied or output column", name);
    }
    return 0;
}

static void put_ident(char *buf, size_t len, const char *name)
{
    size_t k = strlen(buf);
    if (k + 1 < len)
        buf[k++] = '"';
    for (const char *p = name; *p && k + 3 < len; p++) {
        if (*p == '"')
            buf[k++] = '"';
        buf[k++] = *p;
    }
    if (k + 1 < len)
        buf[k++] = '"';
    buf[k] = '\0';
}

static void put_list(FILE *f, char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? ", " : "", list[i]);
}

static bool in_list(char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

/* One chart: output y against varied x, a series per other varied values. */
static int sweep_chart(gw_cli *cli, sweep_db *s, gw_doc *doc, gw_doc_node *charts, size_t k,
                       const char *x, const char *y)
{
    char sql[4096] = "SELECT ";
    put_ident(sql, sizeof sql, x);
    strncat(sql, ", ", sizeof sql - strlen(sql) - 1);
    put_ident(sql, sizeof sql, y);
    for (size_t i = 0; i < s->n_varied; i++) {
        if (strcmp(s->varied[i], x) == 0)
            continue;
        strncat(sql, ", ", sizeof sql - strlen(sql) - 1);
        put_ident(sql, sizeof sql, s->varied[i]);
    }
    strncat(sql, " FROM points ORDER BY idx", sizeof sql - strlen(sql) - 1);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return bad(cli, s, "points lacks a varied or output column", sqlite3_errmsg(s->db));

    char title[256], caption[768];
    snprintf(title, sizeof title, "%s against %s", y, x);
    snprintf(caption, sizeof caption,
             "Output %s of `gigawatt %s` at each point of the sweep %s, against the varied "
             "input %s%s. Points that failed or have no value are left out.",
             y, s->command, s->path, x,
             s->n_varied > 1 ? "; one line per combination of the other varied inputs" : "");
    gw_doc_node *c = gw_doc_obj(doc, charts, NULL, NULL);
    char id[64];
    snprintf(id, sizeof id, "sweep-%zu", k);
    gw_doc_str(doc, c, "id", "id", id);
    gw_doc_str(doc, c, "title", "title", title);
    gw_doc_str(doc, c, "caption", "caption", caption);
    gw_doc_str(doc, c, "mark", "mark", "line");
    gw_doc_str(doc, c, "x", "x", "x");
    gw_doc_str(doc, c, "x_title", "x title", x);
    gw_doc_str(doc, c, "y", "y", "y");
    gw_doc_str(doc, c, "y_title", "y title", y);
    if (s->n_varied > 1) {
        gw_doc_str(doc, c, "color", "color", "series");
        gw_doc_str(doc, c, "color_title", "color title", "other inputs");
    }
    gw_doc_node *data = gw_doc_arr(doc, c, "data", "data");
    bool numeric = true;
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 1) == SQLITE_NULL)
            continue;
        gw_doc_node *r = gw_doc_obj(doc, data, NULL, NULL);
        int xt = sqlite3_column_type(st, 0);
        if (xt == SQLITE_INTEGER || xt == SQLITE_FLOAT) {
            double v = sqlite3_column_double(st, 0);
            gw_doc_num(doc, r, "x", x, v, "");
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        } else {
            numeric = false;
            const unsigned char *t = sqlite3_column_text(st, 0);
            gw_doc_str(doc, r, "x", x, t ? (const char *)t : "");
        }
        gw_doc_num(doc, r, "y", y, sqlite3_column_double(st, 1), "");
        if (s->n_varied > 1) {
            char series[512] = "";
            int col = 2;
            for (size_t i = 0; i < s->n_varied; i++) {
                if (strcmp(s->varied[i], x) == 0)
                    continue;
                const unsigned char *t = sqlite3_column_text(st, col++);
                size_t len = strlen(series);
                snprintf(series + len, sizeof series - len, "%s%s=%s", len ? ", " : "",
                         s->varied[i], t ? (const char *)t : "");
            }
            gw_doc_str(doc, r, "series", "other inputs", series);
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return bad(cli, s, "reading points failed", sqlite3_errmsg(s->db));
    gw_doc_str(doc, c, "x_type", "x type", numeric ? "quantitative" : "ordinal");
    gw_doc_str(doc, c, "y_type", "y type", "quantitative");
    if (numeric && lo > 0 && hi / lo >= 100)
        gw_doc_bool(doc, c, "x_log", "x log", true);
    return 0;
}

int gw__cli_report_sweep(gw_cli *cli, const char *path, const char *x, const char *y)
{
    sweep_db s;
    memset(&s, 0, sizeof s);
    s.path = path;
    int code = sweep_open(cli, &s);
    if (code == 0 && x && !in_list(s.varied, s.n_varied, x)) {
        fprintf(gw_cli_errf(cli), "%s report: --x %s: not a varied key of %s (varied: ", cli->prog,
                x, path);
        put_list(gw_cli_errf(cli), s.varied, s.n_varied);
        fputs(")\n", gw_cli_errf(cli));
        code = 2;
    }
    if (code == 0 && y && !in_list(s.outputs, s.n_outputs, y)) {
        fprintf(gw_cli_errf(cli), "%s report: --y %s: not an output of %s (outputs: ", cli->prog, y,
                path);
        put_list(gw_cli_errf(cli), s.outputs, s.n_outputs);
        fputs(")\n", gw_cli_errf(cli));
        code = 2;
    }
    gw_doc *doc = code == 0 ? gw_cli_doc(cli) : NULL;
    if (code == 0 && !doc)
        code = 1;
    if (code == 0) {
        gw_doc_node *root = gw_doc_root(doc);
        char title[512];
        snprintf(title, sizeof title, "gigawatt sweep: %s", path);
        gw_doc_str(doc, root, "title", "title", title);
        gw_doc_node *charts = gw_doc_arr(doc, root, "charts", "Charts");
        const char *xk = x ? x : s.varied[0];
        for (size_t i = 0; i < s.n_outputs && code == 0; i++)
            if (!y || strcmp(y, s.outputs[i]) == 0)
                code = sweep_chart(cli, &s, doc, charts, i, xk, s.outputs[i]);
        if (code == 0) {
            cli->html = !cli->json;
            code = gw_cli_emit(cli, doc);
        }
    }
    gw_doc_free(doc);
    sweep_close(&s);
    return code;
}
