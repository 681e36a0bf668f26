/* SPDX-License-Identifier: MIT */
/*
 * gigawatt/plan.h: the whole picture for one scenario. gw_plan_run reads a
 * scenario once, runs every module on it (site, training, reliability, cost,
 * export control) and writes all their results into one gw_doc, which
 * `gigawatt run` renders. Each module can also be called on its own through
 * its header; this is the one place that wires them together.
 */
#ifndef GIGAWATT_PLAN_H
#define GIGAWATT_PLAN_H

#include <gigawatt/catalog.h>
#include <gigawatt/core.h>
#include <gigawatt/report.h>
#include <gigawatt/scenario.h>
#include <gigawatt/train.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Runs every module on sc and writes the results under parent (normally the
 * document root): sections "scenario", "cluster", "power", "model",
 * "compute", then each module's section. Figures that are first-order
 * estimates say so in the document's notes.
 * Errors: GW_ENOTFOUND (scenario names an unknown accelerator/model, located
 * at the scenario key), GW_EINFEASIBLE, GW_ENOMEM. sc may be modified only by
 * caching an imported model (gw_scenario_resolve).
 * Thread-safety: one call per scenario at a time. */
GW_API gw_status gw_plan_run(gw_ctx *ctx, const gw_catalog *cat, gw_scenario *sc, gw_doc *doc,
                             gw_doc_node *parent, gw_error *err);

/* gw_plan_run plus the report's chart series: a "charts" array under
 * parent (step-time breakdown and memory of the best and runner-up layouts,
 * goodput and interruptions against cluster size, power GPU -> IT ->
 * facility, build-out phases, capex/opex, $/GPU-hour and run cost
 * low/base/high, export classification of the catalog), each element in the
 * chart format gw_report_html renders (docs/REPORT.md). Errors as
 * gw_plan_run. */
GW_API gw_status gw_plan_run_charts(gw_ctx *ctx, const gw_catalog *cat, gw_scenario *sc,
                                    gw_doc *doc, gw_doc_node *parent, gw_error *err);

/* The stable entry point of `gigawatt report` and `gigawatt web`: runs the
 * plan with charts for sc and writes the self-contained HTML report (title,
 * headline, charts with captions and data tables, notes; vega inlined) to
 * out. Errors as gw_plan_run, GW_EIO on a write error. */
GW_API gw_status gw_plan_report_html(gw_ctx *ctx, const gw_catalog *cat, gw_scenario *sc, FILE *out,
                                     gw_error *err);

/* First-order training compute (FLOP) for tokens tokens of sequence length
 * seq: 6 * N_active * tokens (Kaplan et al. 2020) and the same plus causal
 * attention-score FLOPs, 3 * 2 * 2 * L * s/2 * n_heads * (d_qk + d_v) per
 * token (QK^T and AV, forward + 2x backward, half for the causal mask). */
/* Training options from a scenario's workload and cluster keys (GPUs,
 * sequence, batch, tokens, precision, software facts, tolerances), on top
 * of gw_train_opts_init. The one mapping `run`, `net` and the tests share. */
GW_API void gw_plan_train_opts(const gw_scenario *sc, gw_train_opts *o);

GW_API void gw_plan_compute_flop(const gw_model *m, double tokens, double seq, double *flop_6nd,
                                 double *flop_with_attention);

/* ---- Sweeps (`gigawatt sweep`): the grid of scenario overrides ----------
 *
 * One axis is one `--vary KEY=SPEC`: the scenario key and its values as
 * --set texts. SPEC is a comma-separated list of items; each item is a value
 * ("10k", "1 GW", "h100-sxm") or a range:
 *   A:B:STEP   A, A+STEP, ... up to B inclusive (STEP may be negative)
 *   A:B:logN   N values from A to B evenly spaced in log (A, B > 0); when A
 *              and B are whole numbers the values are rounded to whole
 *              numbers (duplicates dropped), so 10k:1M:log5 gives
 *              10000,31623,100000,316228,1000000.
 * Range ends and steps take the units --set takes ("1GW:3GW:500MW"); a
 * range's values are written in base units ("1500000000 W"). Several axes
 * make a grid, the first axis varying slowest. */
#define GW_SWEEP_MAX_VALUES 1000000   /* values on one axis */
#define GW_SWEEP_MAX_POINTS 100000000 /* points in one grid */

typedef struct gw_sweep_axis {
    char key[128]; /* "cluster.gpus" */
    size_t n;      /* number of values */
    char **values; /* n --set value texts (allocated with the context) */
    bool numeric;  /* every value is a number (with or without a unit) */
    double *num;   /* n values in base units (NaN where not numeric) */
} gw_sweep_axis;

/* Parses "KEY=SPEC" into *axis (zeroed first). Errors: GW_EUSAGE for a
 * missing "=", an empty key or value, a bad number, range or step, or too
 * many values; err->where is "--vary". Free with gw_plan_sweep_axis_free. */
GW_API gw_status gw_plan_sweep_axis_parse(gw_ctx *ctx, const char *spec, gw_sweep_axis *axis,
                                          gw_error *err);
GW_API void gw_plan_sweep_axis_free(gw_ctx *ctx, gw_sweep_axis *axis); /* NULL is a no-op */

/* A value as a number in base units: a bare number ("16k", "1e6", "12%")
 * or one with a unit --set takes ("1 GW", "2.5 USD/MWh"). False if none. */
GW_API bool gw_plan_sweep_value_num(const char *text, double *out);

/* The number of points of the grid of n_axes axes (1 for none). Errors:
 * GW_EUSAGE when it exceeds GW_SWEEP_MAX_POINTS. */
GW_API gw_status gw_plan_sweep_grid_size(const gw_sweep_axis *axes, size_t n_axes, size_t *n_points,
                                         gw_error *err);

/* The value index on each axis of grid point idx (< grid size), first axis
 * slowest: choice[a] for a in 0..n_axes-1. */
GW_API void gw_plan_sweep_grid_point(const gw_sweep_axis *axes, size_t n_axes, size_t idx,
                                     size_t *choice);

/* Checks that "key=value" is a valid --set override (known key, value of
 * the right type, unit and range) by applying the n_sets overrides sets
 * (the command's own --set, may be NULL) and then it to the built-in default
 * scenario. Errors as gw_scenario_load reports them for --set. */
GW_API gw_status gw_plan_sweep_check(gw_ctx *ctx, const char *const *sets, size_t n_sets,
                                     const char *key, const char *value, gw_error *err);

#ifdef __cplusplus
}
#endif
#endif /* GIGAWATT_PLAN_H */
