/* SPDX-License-Identifier: MIT */
/*
 * ybind.c: typed access to YAML/JSON trees with located errors. Every
 * failure names the file, line, column and key path and says what was
 * expected, e.g.
 *   scenarios/x.yaml:12:7: cluster.gpus: expected a positive integer, got "-3"
 */
#include <gigawatt/core.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/core_internal.h"

static const char *kind_name(gw__ykind k)
{
    switch (k) {
    case GW_Y_SCALAR:
        return "a scalar value";
    case GW_Y_MAP:
        return "a mapping (key: value pairs)";
    case GW_Y_SEQ:
        return "a list";
    }
    return "?";
}

static bool is_null(const gw__ynode *n)
{
    if (!n)
        return true;
    if (n->kind != GW_Y_SCALAR || n->quoted)
        return false;
    const char *s = n->scalar;
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

void gw__y_loc(const gw__ydoc *d, const gw__ynode *n, const char *where, gw_error *err)
{
    if (!err)
        return;
    if (n && n->line < 0) { /* a --set override: there is no file position */
        err->path[0] = '\0';
        err->line = 0;
        err->column = 0;
        gw__snprintf(err->where, sizeof err->where, "--set %s", where ? where : "");
        return;
    }
    err->line = 0;             /* the node is the most precise location we have */
    if (!n && d && !d->root) { /* an empty document: its start */
        gw__err_loc(err, d->path, 1, 1, NULL);
    } else {
        gw__err_loc(err, d ? d->path : "", n ? n->line : 0, n ? n->column : 0, NULL);
    }
    if (where)
        gw__strlcpy(err->where, where, sizeof err->where);
}

gw_status gw__y_expect(const gw__ydoc *d, const gw__ynode *n, gw__ykind kind, const char *where,
                       gw_error *err)
{
    if (n && n->kind == kind && !(kind == GW_Y_SCALAR && is_null(n)))
        return GW_OK;
    if (!n || is_null(n))
        gw__err(err, GW_ESCHEMA, "expected %s, got nothing", kind_name(kind));
    else
        gw__err(err, GW_ESCHEMA, "expected %s, got %s", kind_name(kind), kind_name(n->kind));
    gw__y_loc(d, n, where, err);
    return GW_ESCHEMA;
}

gw_status gw__y_check_keys(const gw__ydoc *d, const gw__ynode *map, const char *const *allowed,
                           const char *where, gw_error *err)
{
    gw_status rc = gw__y_expect(d, map, GW_Y_MAP, where, err);
    if (rc != GW_OK)
        return rc;
    for (size_t i = 0; i < map->n; i++) {
        const char *k = map->keys[i]->scalar;
        bool ok = false;
        for (const char *const *a = allowed; *a; a++) {
            if (strcmp(*a, k) == 0) {
                ok = true;
                break;
            }
        }
        if (ok)
            continue;
        char list[300];
        size_t used = 0;
        list[0] = '\0';
        for (const char *const *a = allowed; *a; a++) {
            size_t need = strlen(*a) + 2;
            if (used + need + 6 >= sizeof list) { /* keep room for ", ..." */
                gw__strlcpy(list + used, ", ...", sizeof list - used);
                break;
            }
            int w = snprintf(list + used, sizeof list - used, "%s%s", a == allowed ? "" : ", ", *a);
            if (w < 0)
                break;
            used += (size_t)w;
        }
        gw__suggest sg;
        gw__suggest_init(&sg, k);
        for (const char *const *a = allowed; *a; a++)
            gw__suggest_add(&sg, *a);
        char hint[96];
        gw__err(err, GW_ESCHEMA, "unknown key \"%s\"%s (expected one of: %s)", k,
                gw__suggest_text(&sg, hint, sizeof hint), list);
        char w[128];
        gw__snprintf(w, sizeof w, "%s%s%s", where && where[0] ? where : "",
                     where && where[0] ? "." : "", k);
        gw__y_loc(d, map->keys[i], w, err);
        return GW_ESCHEMA;
    }
    return GW_OK;
}

gw_status gw__y_require(const gw__ydoc *d, const gw__ynode *map, const char *key, const char *where,
                        gw__ynode **out, gw_error *err)
{
    gw__ynode *v = gw__ymap_get(map, key);
    if (!v) {
        gw__err(err, GW_ESCHEMA, "missing required key \"%s\"", key);
        gw__y_loc(d, map, where, err);
        return GW_ESCHEMA;
    }
    *out = v;
    return GW_OK;
}

gw_status gw__y_str(const gw__ydoc *d, const gw__ynode *n, const char *where, const char **out,
                    gw_error *err)
{
    gw_status rc = gw__y_expect(d, n, GW_Y_SCALAR, where, err);
    if (rc != GW_OK) {
        if (err && n && n->kind == GW_Y_SCALAR)
            gw__err(err, GW_ESCHEMA, "expected a string, got nothing");
        return rc;
    }
    *out = n->scalar;
    return GW_OK;
}

gw_status gw__y_num(const gw__ydoc *d, const gw__ynode *n, const char *where, gw_dim dim,
                    double min, double max, double *out, gw_error *err)
{
    gw_status rc = gw__y_expect(d, n, GW_Y_SCALAR, where, err);
    if (rc != GW_OK)
        return rc;
    double v;
    rc = gw_unit_parse(n->scalar, dim, &v, err);
    if (rc != GW_OK) {
        gw__y_loc(d, n, where, err);
        return rc;
    }
    if (!(v >= min && v <= max)) {
        char range[128];
        if (min == 0.0 && v < 0.0) /* exact whatever the maximum */
            gw__err(err, GW_ERANGE, "must not be negative, got \"%s\"", n->scalar);
        else
            gw__err(err, GW_ERANGE, "%s, got \"%s\"",
                    gw_range_describe(min, 0, max, dim, range, sizeof range), n->scalar);
        gw__y_loc(d, n, where, err);
        return GW_ERANGE;
    }
    *out = v;
    return GW_OK;
}

gw_status gw__y_count(const gw__ydoc *d, const gw__ynode *n, const char *where, double min,
                      double max, double *out, gw_error *err)
{
    double v;
    gw_status rc = gw__y_num(d, n, where, GW_DIM_TOKENS, min, max, &v, err);
    if (rc != GW_OK)
        return rc;
    if (floor(v) != v) {
        gw__err(err, GW_ERANGE, "expected a whole number, got \"%s\"", n->scalar);
        gw__y_loc(d, n, where, err);
        return GW_ERANGE;
    }
    *out = v;
    return GW_OK;
}

gw_status gw__y_int(const gw__ydoc *d, const gw__ynode *n, const char *where, long long min,
                    long long max, long long *out, gw_error *err)
{
    gw_status rc = gw__y_expect(d, n, GW_Y_SCALAR, where, err);
    if (rc != GW_OK)
        return rc;
    long long v;
    if (gw__parse_ll(n->scalar, &v) != GW_OK) {
        gw__err(err, GW_ESCHEMA, "expected an integer, got \"%s\"", n->scalar);
        gw__y_loc(d, n, where, err);
        return GW_ESCHEMA;
    }
    if (v < min || v > max) {
        if (min == max)
            gw__err(err, GW_ERANGE, "expected %lld, got \"%s\"", min, n->scalar);
        else if (min == 1 && v < 1)
            gw__err(err, GW_ERANGE, "expected a positive integer, got \"%s\"", n->scalar);
        else
            gw__err(err, GW_ERANGE,
                    "expected an integer between %lld and %lld inclusive, got \"%s\"", min, max,
                    n->scalar);
        gw__y_loc(d, n, where, err);
        return GW_ERANGE;
    }
    *out = v;
    return GW_OK;
}

gw_status gw__y_bool(const gw__ydoc *d, const gw__ynode *n, const char *where, bool *out,
                     gw_error *err)
{
    gw_status rc = gw__y_expect(d, n, GW_Y_SCALAR, where, err);
    if (rc != GW_OK)
        return rc;
    const char *s = n->scalar;
    if (!n->quoted && (strcmp(s, "true") == 0 || strcmp(s, "True") == 0)) {
        *out = true;
        return GW_OK;
    }
    if (!n->quoted && (strcmp(s, "false") == 0 || strcmp(s, "False") == 0)) {
        *out = false;
        return GW_OK;
    }
    gw__err(err, GW_ESCHEMA, "expected true or false, got \"%s\"", s);
    gw__y_loc(d, n, where, err);
    return GW_ESCHEMA;
}
