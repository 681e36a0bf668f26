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
GW_API gw_status gw_plan_report_html(gw_ctx *ctx, const gw_catalog *cat, gw_scenario *sc,
                                     FILE *out, gw_error *err);

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

#ifdef __cplusplus
}
#endif
#endif /* GIGAWATT_PLAN_H */
