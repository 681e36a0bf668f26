/* SPDX-License-Identifier: MIT */
/*
 * plan_internal.h: what plan.c hands the chart builder (charts.c) after the
 * modules ran: their results, any of which may be NULL when that module
 * could not answer (its charts are then left out, and a note says so).
 */
#ifndef GW_PLAN_INTERNAL_H
#define GW_PLAN_INTERNAL_H

#include <gigawatt/plan.h>
#include <gigawatt/policy.h>
#include <gigawatt/rel.h>
#include <gigawatt/train.h>

typedef struct gw__plan_results {
    const gw_accel *accel;
    const gw_model *model;
    const gw_train_result *train; /* NULL: no training plan */
    double job_gpus;              /* GPUs of the training job */
    const gw_rel_result *rel;     /* NULL: no reliability result */
    const gw_policy_rules *rules; /* NULL: rules not loaded */
} gw__plan_results;

/* Adds the "charts" array under parent (see gw_plan_run_charts), reading the
 * module sections already written under parent and the results in r. */
gw_status gw__plan_charts(gw_ctx *ctx, const gw_catalog *cat, const gw_scenario *sc,
                          const gw__plan_results *r, gw_doc *doc, gw_doc_node *parent);

#endif /* GW_PLAN_INTERNAL_H */
