/* SPDX-License-Identifier: MIT */
/*
 * fuzz_sweep_vary.c: libFuzzer harness for `gigawatt sweep --vary
 * KEY=SPEC` (gw_plan_sweep_axis_parse: lists, linear and log ranges with
 * units), the grid the axes make (gw_plan_sweep_grid_size,
 * gw_plan_sweep_grid_point) and the check of a value as --set would take
 * it (gw_plan_sweep_check).
 *
 * Input layout: up to four lines, one --vary spec each.
 *
 * Checked besides the sanitizers: a rejected spec is a usage error with a
 * message whose where names "--vary"; a parsed axis has a key, 1 to
 * GW_SWEEP_MAX_VALUES values, and finite numbers when it is numeric; the
 * grid's points index inside every axis; checking a value fails only with
 * an input error located at "--set ..." (no file position).
 *
 * Build: make fuzz (clang, -DGW_FUZZ=ON). The corpus in
 * corpus/sweep_vary/ is replayed by ctest (fuzz_replay/sweep_vary).
 */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_AXES 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    if (strlen(text) != size) { /* a NUL byte: argv cannot hold one */
        free(text);
        return 0;
    }
    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    if (!ctx)
        abort();
    gw_sweep_axis axes[MAX_AXES];
    size_t n_axes = 0;
    char *line = text;
    bool ok = true;
    while (line && n_axes < MAX_AXES && ok) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        gw_error err;
        memset(&err, 0, sizeof err);
        gw_sweep_axis *ax = &axes[n_axes];
        gw_status rc = gw_plan_sweep_axis_parse(ctx, line, ax, &err);
        char msg[1024];
        gw_error_format(&err, msg, sizeof msg);
        if (rc != GW_OK) {
            if (err.code != rc || err.msg[0] == '\0' || rc == GW_EINTERNAL || rc == GW_EINVAL)
                abort();
            if (rc != GW_ENOMEM && (rc != GW_EUSAGE || strncmp(err.where, "--vary", 6) != 0))
                abort();
            gw_plan_sweep_axis_free(ctx, ax);
            ok = false;
            break;
        }
        if (!ax->key[0] || ax->n < 1 || ax->n > GW_SWEEP_MAX_VALUES || !ax->values || !ax->num)
            abort();
        for (size_t i = 0; i < ax->n; i++) {
            if (!ax->values[i] || (ax->numeric && !isfinite(ax->num[i])))
                abort();
        }
        n_axes++;
        line = nl ? nl + 1 : NULL;
    }
    if (ok && n_axes > 0) {
        size_t n_points = 0;
        gw_error err;
        memset(&err, 0, sizeof err);
        gw_status rc = gw_plan_sweep_grid_size(axes, n_axes, &n_points, &err);
        if (rc == GW_OK) {
            size_t choice[MAX_AXES];
            size_t probe[2] = {0, n_points - 1};
            for (int k = 0; k < 2; k++) {
                if (n_points < 1 || n_points > GW_SWEEP_MAX_POINTS)
                    abort();
                gw_plan_sweep_grid_point(axes, n_axes, probe[k], choice);
                for (size_t a = 0; a < n_axes; a++) {
                    if (choice[a] >= axes[a].n)
                        abort();
                }
            }
        } else if (rc != GW_EUSAGE || err.code != rc || err.msg[0] == '\0') {
            abort();
        }
        /* The first and last value of the first axis, as --set would take it. */
        size_t pick[2] = {0, axes[0].n - 1};
        for (int k = 0; k < 2; k++) {
            memset(&err, 0, sizeof err);
            rc = gw_plan_sweep_check(ctx, NULL, 0, axes[0].key, axes[0].values[pick[k]], &err);
            char msg[1024];
            gw_error_format(&err, msg, sizeof msg);
            if (rc != GW_OK &&
                (err.code != rc || err.msg[0] == '\0' || rc == GW_EINTERNAL || rc == GW_EINVAL ||
                 (rc != GW_ENOMEM && (err.path[0] != '\0' || strncmp(err.where, "--set", 5) != 0))))
                abort();
        }
    }
    for (size_t a = 0; a < n_axes; a++)
        gw_plan_sweep_axis_free(ctx, &axes[a]);
    gw_ctx_free(ctx);
    free(text);
    return 0;
}
