/* SPDX-License-Identifier: MIT */
/*
 * sweep_points.c: the --points FILE of `gigawatt sweep` (cmd_sweep.c): a
 * header line of scenario keys, then one line of values per point, plain
 * comma-separated fields (no quoting), blank lines skipped. Kept apart
 * from cmd_sweep.c (SQLite, MPI) so that tests/fuzz/fuzz_sweep_points.c
 * fuzzes it in every build.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gw_cli_points_free(gw_cli_points *p)
{
    if (p->cells) {
        for (size_t i = 0; i < p->n_points * p->n_keys; i++)
            free(p->cells[i]); /* checksrc:allow (CLI, not the library) */
        free(p->cells);        /* checksrc:allow */
    }
    p->cells = NULL;
    p->n_points = 0;
    p->n_keys = 0;
}

static bool fail(char *msg, size_t msg_len, size_t line, size_t col, const char *what,
                 const char *arg)
{
    if (col)
        snprintf(msg, msg_len, "%zu:%zu: %s%s", line, col, what, arg ? arg : "");
    else
        snprintf(msg, msg_len, "%zu: %s%s", line, what, arg ? arg : "");
    return false;
}

/* One header field: its key, or false with msg. */
static bool header_field(gw_cli_points *p, const char *f, size_t n, size_t line, size_t col,
                         char *msg, size_t msg_len)
{
    if (p->n_keys >= GW_CLI_POINTS_MAX_KEYS) {
        char what[80];
        snprintf(what, sizeof what, "too many columns (at most %d keys)", GW_CLI_POINTS_MAX_KEYS);
        return fail(msg, msg_len, line, col, what, NULL);
    }
    if (n == 0)
        return fail(msg, msg_len, line, col,
                    "empty column name (expected a scenario key such "
                    "as cluster.gpus)",
                    NULL);
    if (n >= sizeof p->keys[0])
        return fail(msg, msg_len, line, col, "column name too long", NULL);
    char *key = p->keys[p->n_keys];
    memcpy(key, f, n);
    key[n] = '\0';
    for (size_t j = 0; j < p->n_keys; j++) {
        if (strcmp(p->keys[j], key) == 0)
            return fail(msg, msg_len, line, col, "the key is given twice: ", key);
    }
    p->numeric[p->n_keys] = true;
    p->n_keys++;
    return true;
}

/* Parses one row (len bytes at s, no line end) into the cells of point
 * p->n_points; on failure frees the cells it stored. */
static bool row_cells(gw_cli_points *p, const char *s, size_t len, size_t line, size_t *cells_cap,
                      size_t *k, char *msg, size_t msg_len)
{
    size_t col = 1;
    const char *end = s + len;
    const char *f = s;
    for (;;) {
        const char *comma = memchr(f, ',', (size_t)(end - f));
        size_t n = (size_t)((comma ? comma : end) - f);
        if (*k >= p->n_keys) {
            char what[80];
            snprintf(what, sizeof what, "expected %zu value%s (one per key), got more", p->n_keys,
                     p->n_keys == 1 ? "" : "s");
            return fail(msg, msg_len, line, col, what, NULL);
        }
        if (p->n_points * p->n_keys + *k >= *cells_cap) {
            size_t cap = *cells_cap ? 2 * *cells_cap : 64;
            char **nc = realloc(p->cells, cap * sizeof *nc); /* checksrc:allow */
            if (!nc)
                return fail(msg, msg_len, line, 0, "out of memory", NULL);
            p->cells = nc;
            *cells_cap = cap;
        }
        char *v = malloc(n + 1); /* checksrc:allow */
        if (!v)
            return fail(msg, msg_len, line, 0, "out of memory", NULL);
        memcpy(v, f, n);
        v[n] = '\0';
        p->cells[p->n_points * p->n_keys + *k] = v;
        double num;
        if (!gw_plan_sweep_value_num(v, &num))
            p->numeric[*k] = false;
        (*k)++;
        if (!comma)
            break;
        col += n + 1;
        f = comma + 1;
    }
    if (*k != p->n_keys) {
        char what[80];
        snprintf(what, sizeof what, "expected %zu value%s (one per key), got %zu", p->n_keys,
                 p->n_keys == 1 ? "" : "s", *k);
        return fail(msg, msg_len, line, 0, what, NULL);
    }
    return true;
}

static bool row(gw_cli_points *p, const char *s, size_t len, size_t line, size_t *cells_cap,
                char *msg, size_t msg_len)
{
    size_t k = 0;
    if (!row_cells(p, s, len, line, cells_cap, &k, msg, msg_len)) {
        for (size_t i = 0; i < k; i++)
            free(p->cells[p->n_points * p->n_keys + i]); /* checksrc:allow */
        return false;
    }
    p->n_points++;
    return true;
}

static bool parse(const char *text, size_t len, gw_cli_points *p, char *msg, size_t msg_len)
{
    size_t cells_cap = 0, line = 0;
    bool have_header = false;
    const char *s = text, *end = text + len;
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        size_t l = 1, c = 1;
        for (const char *q = text; q < nul; q++) {
            if (*q == '\n') {
                l++;
                c = 1;
            } else {
                c++;
            }
        }
        return fail(msg, msg_len, l, c, "NUL byte (expected text)", NULL);
    }
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        size_t n = (size_t)(le - s);
        line++;
        while (n > 0 && s[n - 1] == '\r')
            n--;
        if (n > 0) {
            if (!have_header) {
                const char *f = s;
                size_t col = 1;
                for (;;) {
                    const char *comma = memchr(f, ',', (size_t)(s + n - f));
                    size_t fl = (size_t)((comma ? comma : s + n) - f);
                    if (!header_field(p, f, fl, line, col, msg, msg_len))
                        return false;
                    if (!comma)
                        break;
                    col += fl + 1;
                    f = comma + 1;
                }
                have_header = true;
            } else if (!row(p, s, n, line, &cells_cap, msg, msg_len)) {
                return false;
            }
        }
        s = nl ? nl + 1 : end;
    }
    if (p->n_points == 0) {
        snprintf(msg, msg_len,
                 "no points (expected a header line of keys, then one row of "
                 "values per point)");
        return false;
    }
    return true;
}

bool gw_cli_points_parse(const char *text, size_t len, gw_cli_points *p, char *msg, size_t msg_len)
{
    memset(p, 0, sizeof *p);
    if (msg_len)
        msg[0] = '\0';
    bool ok = parse(text, len, p, msg, msg_len);
    if (!ok)
        gw_cli_points_free(p);
    return ok;
}
