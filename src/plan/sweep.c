/* SPDX-License-Identifier: MIT */
/*
 * sweep.c: the grid of a parameter sweep (`gigawatt sweep`). Parses the
 * --vary specs (lists, linear and log ranges) into axes of --set value
 * texts, numbers grid points (first axis slowest) and checks a value as
 * --set would. Running the points, the SQLite store and the threads and
 * ranks live in the CLI (src/cli/cmd_sweep.c), which runs each point
 * through the same in-process path as `gigawatt run --json`.
 */
#include <gigawatt/plan.h>
#include <gigawatt/scenario.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_internal.h"

/* Dimensions a range end or a value may carry, tried in order (a bare
 * number parses as GW_DIM_TOKENS, which takes the k/M/B/T suffixes). */
static const gw_dim value_dims[] = {
    GW_DIM_TOKENS,       GW_DIM_FRACTION,        GW_DIM_POWER, GW_DIM_ENERGY, GW_DIM_TIME,
    GW_DIM_BYTES,        GW_DIM_BANDWIDTH,       GW_DIM_FLOPS, GW_DIM_FLOP,   GW_DIM_MONEY,
    GW_DIM_PRICE_ENERGY, GW_DIM_MONEY_PER_POWER, GW_DIM_AREA,  GW_DIM_RATE,
};
#define N_VALUE_DIMS (sizeof value_dims / sizeof value_dims[0])

/* The first dimension text parses in, or -1. */
static int value_dim(const char *text, double *out)
{
    for (size_t i = 0; i < N_VALUE_DIMS; i++) {
        gw_error e;
        memset(&e, 0, sizeof e);
        if (gw_unit_parse(text, value_dims[i], out, &e) == GW_OK && isfinite(*out))
            return (int)i;
    }
    return -1;
}

bool gw_plan_sweep_value_num(const char *text, double *out)
{
    return value_dim(text, out) >= 0;
}

static gw_status usage(gw_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static gw_status usage(gw_error *err, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    gw_status rc = gw__err(err, GW_EUSAGE, "%s", msg);
    gw__err_loc(err, "", 0, 0, "--vary");
    return rc;
}

/* Appends value text v (copied) to the axis. */
static gw_status push(gw_ctx *ctx, gw_sweep_axis *ax, size_t *cap, const char *v, gw_error *err)
{
    if (ax->n >= GW_SWEEP_MAX_VALUES)
        return usage(err, "%s: more than %d values", ax->key, GW_SWEEP_MAX_VALUES);
    if (ax->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 8;
        char **nv = gw_realloc(ctx, ax->values, nc * sizeof *nv);
        if (!nv)
            return gw__err(err, GW_ENOMEM, "out of memory");
        ax->values = nv;
        *cap = nc;
    }
    size_t len = strlen(v);
    char *copy = gw_malloc(ctx, len + 1);
    if (!copy)
        return gw__err(err, GW_ENOMEM, "out of memory");
    memcpy(copy, v, len + 1);
    ax->values[ax->n++] = copy;
    return GW_OK;
}

/* A range value in base units as --set text: "1500000000 W", "16384". */
static void range_text(char *buf, size_t n, double v, int dim)
{
    const char *unit = value_dims[dim] == GW_DIM_TOKENS || value_dims[dim] == GW_DIM_FRACTION
                           ? ""
                           : gw_unit_base(value_dims[dim]);
    gw__snprintf(buf, n, "%.15g%s%s", v, unit[0] ? " " : "", unit);
}

/* Expands range item "A:B:STEP" or "A:B:logN" onto the axis. */
static gw_status expand_range(gw_ctx *ctx, gw_sweep_axis *ax, size_t *cap, char *item,
                              gw_error *err)
{
    char *c1 = strchr(item, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1 || !c2 || strchr(c2 + 1, ':'))
        return usage(err, "%s: range \"%s\" is not A:B:STEP or A:B:logN", ax->key, item);
    *c1 = *c2 = '\0';
    const char *sa = item, *sb = c1 + 1, *ss = c2 + 1;
    double a, b;
    int da = value_dim(sa, &a), db = value_dim(sb, &b);
    if (da < 0 || db < 0 || da != db) {
        *c1 = *c2 = ':';
        return usage(err, "%s: range \"%s\" needs two numbers of the same unit", ax->key, item);
    }
    char buf[64];
    if (strncmp(ss, "log", 3) == 0) {
        char *end;
        long n = strtol(ss + 3, &end, 10);
        if (*end || end == ss + 3 || n < 2 || n > GW_SWEEP_MAX_VALUES || !(a > 0.0) || !(b > 0.0)) {
            *c1 = *c2 = ':';
            return usage(err, "%s: log range \"%s\" needs A, B > 0 and logN with N >= 2", ax->key,
                         item);
        }
        bool whole = a == floor(a) && b == floor(b);
        double prev = (double)NAN;
        for (long i = 0; i < n; i++) {
            double t = (double)i / (double)(n - 1);
            double v = i == n - 1 ? b : a * pow(b / a, t);
            if (whole)
                v = round(v);
            if (v == prev)
                continue;
            prev = v;
            range_text(buf, sizeof buf, v, da);
            gw_status rc = push(ctx, ax, cap, buf, err);
            if (rc != GW_OK)
                return rc;
        }
        return GW_OK;
    }
    double step;
    int ds = value_dim(ss, &step);
    if (ds < 0 && ss[0] == '-') {
        ds = value_dim(ss + 1, &step); /* "-1 GW": the unit parser wants no sign */
        step = -step;
    }
    if (ds != da || step == 0.0 || (b - a) / step < 0.0) {
        *c1 = *c2 = ':';
        return usage(err,
                     "%s: range \"%s\" needs a non-zero STEP of the ends' unit going from A to B",
                     ax->key, item);
    }
    double span = (b - a) / step;
    if (span >= (double)GW_SWEEP_MAX_VALUES) {
        *c1 = *c2 = ':';
        return usage(err, "%s: range \"%s\" has more than %d values", ax->key, item,
                     GW_SWEEP_MAX_VALUES);
    }
    /* The relative slack keeps B when rounding leaves span a hair below it. */
    size_t n = (size_t)floor(span * (1.0 + 1e-12) + 1e-9) + 1;
    for (size_t i = 0; i < n; i++) {
        range_text(buf, sizeof buf, a + (double)i * step, da);
        gw_status rc = push(ctx, ax, cap, buf, err);
        if (rc != GW_OK)
            return rc;
    }
    return GW_OK;
}

gw_status gw_plan_sweep_axis_parse(gw_ctx *ctx, const char *spec, gw_sweep_axis *axis,
                                   gw_error *err)
{
    memset(axis, 0, sizeof *axis);
    const char *eq = strchr(spec, '=');
    if (!eq)
        return usage(err, "expected KEY=VALUES, got \"%s\"", spec);
    size_t klen = (size_t)(eq - spec);
    while (klen > 0 && spec[klen - 1] == ' ')
        klen--;
    if (klen == 0 || klen >= sizeof axis->key)
        return usage(err, "expected KEY=VALUES with a key, got \"%s\"", spec);
    memcpy(axis->key, spec, klen);
    axis->key[klen] = '\0';
    size_t len = strlen(eq + 1);
    char *list = gw_malloc(ctx, len + 1);
    if (!list)
        return gw__err(err, GW_ENOMEM, "out of memory");
    memcpy(list, eq + 1, len + 1);
    size_t cap = 0;
    gw_status rc = GW_OK;
    char *p = list;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        while (*p == ' ')
            p++;
        size_t il = strlen(p);
        while (il > 0 && p[il - 1] == ' ')
            p[--il] = '\0';
        if (!*p) {
            rc = usage(err, "%s: empty value in \"%s\"", axis->key, eq + 1);
            break;
        }
        rc = strchr(p, ':') ? expand_range(ctx, axis, &cap, p, err) : push(ctx, axis, &cap, p, err);
        if (rc != GW_OK || !comma)
            break;
        p = comma + 1;
    }
    gw_free(ctx, list);
    if (rc == GW_OK) {
        axis->num = gw_malloc(ctx, axis->n * sizeof *axis->num);
        if (!axis->num)
            rc = gw__err(err, GW_ENOMEM, "out of memory");
    }
    if (rc != GW_OK) {
        gw_plan_sweep_axis_free(ctx, axis);
        return rc;
    }
    axis->numeric = true;
    for (size_t i = 0; i < axis->n; i++)
        if (!gw_plan_sweep_value_num(axis->values[i], &axis->num[i])) {
            axis->num[i] = (double)NAN;
            axis->numeric = false;
        }
    return GW_OK;
}

void gw_plan_sweep_axis_free(gw_ctx *ctx, gw_sweep_axis *axis)
{
    if (!axis)
        return;
    for (size_t i = 0; i < axis->n; i++)
        gw_free(ctx, axis->values[i]);
    gw_free(ctx, axis->values);
    gw_free(ctx, axis->num);
    memset(axis, 0, sizeof *axis);
}

gw_status gw_plan_sweep_grid_size(const gw_sweep_axis *axes, size_t n_axes, size_t *n_points,
                                  gw_error *err)
{
    size_t n = 1;
    for (size_t a = 0; a < n_axes; a++) {
        if (axes[a].n == 0 || n > GW_SWEEP_MAX_POINTS / axes[a].n) {
            *n_points = 0;
            return usage(err, "the grid has %s points (limit %d)",
                         axes[a].n == 0 ? "no" : "too many", GW_SWEEP_MAX_POINTS);
        }
        n *= axes[a].n;
    }
    *n_points = n;
    return GW_OK;
}

void gw_plan_sweep_grid_point(const gw_sweep_axis *axes, size_t n_axes, size_t idx, size_t *choice)
{
    for (size_t a = n_axes; a-- > 0;) {
        choice[a] = idx % axes[a].n;
        idx /= axes[a].n;
    }
}

gw_status gw_plan_sweep_check(gw_ctx *ctx, const char *const *sets, size_t n_sets, const char *key,
                              const char *value, gw_error *err)
{
    size_t klen = strlen(key), vlen = strlen(value);
    char *kv = gw_malloc(ctx, klen + vlen + 2);
    const char **all = gw_malloc(ctx, (n_sets + 1) * sizeof *all);
    if (!kv || !all) {
        gw_free(ctx, kv);
        gw_free(ctx, all);
        return gw__err(err, GW_ENOMEM, "out of memory");
    }
    memcpy(kv, key, klen);
    kv[klen] = '=';
    memcpy(kv + klen + 1, value, vlen + 1);
    for (size_t i = 0; i < n_sets; i++)
        all[i] = sets[i];
    all[n_sets] = kv;
    gw_scenario *sc = NULL;
    gw_status rc = gw_scenario_load(ctx, NULL, all, n_sets + 1, &sc, err);
    gw_scenario_free(sc);
    gw_free(ctx, kv);
    gw_free(ctx, all);
    return rc;
}
