/* SPDX-License-Identifier: MIT */
/*
 * charts.c: the series behind `gigawatt report` (gw_plan_run_charts). Each
 * chart is a "charts" element saying what to draw (mark, fields, axes) and
 * holding its data rows; gw_report_html turns it into a Vega-Lite spec. The
 * numbers come from the module results of the same plan run (read back from
 * the document sections, or from the results when the document does not
 * hold them, e.g. the step-time breakdown of the alternatives), plus two
 * small computations of their own, both stated in their captions:
 *   - goodput and interruptions at other cluster sizes: gw_rel_plan on the
 *     scenario's failure model with the failure-free run length scaled as
 *     if the step time scaled perfectly with GPUs (run_s x gpus0 / gpus);
 *   - export classification of every catalog accelerator (gw_policy_tpp,
 *     gw_policy_pd, gw_policy_classify) against the October 2023 rule.
 */
#include <gigawatt/catalog.h>
#include <gigawatt/policy.h>
#include <gigawatt/rel.h>

#include <math.h>
#include <string.h>

#include "core/core_internal.h"
#include "plan/plan_internal.h"

/* Cluster sizes of the goodput chart, as multiples of the scenario's job. */
static const double size_factors[] = {1.0 / 64, 1.0 / 16, 1.0 / 4, 1.0 / 2, 1.0, 2.0, 4.0};

static gw_doc_node *chart(gw_doc *doc, gw_doc_node *charts, const char *id, const char *title,
                          const char *caption, const char *mark, const char *x, const char *x_type,
                          const char *x_title, const char *y, const char *y_title)
{
    gw_doc_node *c = gw_doc_obj(doc, charts, NULL, NULL);
    gw_doc_str(doc, c, "id", "id", id);
    gw_doc_str(doc, c, "title", "title", title);
    gw_doc_str(doc, c, "caption", "caption", caption);
    gw_doc_str(doc, c, "mark", "mark", mark);
    gw_doc_str(doc, c, "x", "x", x);
    gw_doc_str(doc, c, "x_type", "x type", x_type);
    gw_doc_str(doc, c, "x_title", "x title", x_title);
    gw_doc_str(doc, c, "y", "y", y);
    gw_doc_str(doc, c, "y_type", "y type", "quantitative");
    gw_doc_str(doc, c, "y_title", "y title", y_title);
    return c;
}

static double num_at(const gw_doc_node *parent, const char *path)
{
    const gw_doc_node *n = gw_doc_get(parent, path);
    return n ? gw_doc_node_num(n) : (double)NAN;
}

static void rule(gw_doc *doc, gw_doc_node *rules, const char *axis, double v, const char *label)
{
    gw_doc_node *r = gw_doc_obj(doc, rules, NULL, NULL);
    gw_doc_str(doc, r, "axis", "axis", axis);
    gw_doc_num(doc, r, "value", "value", v, "");
    gw_doc_str(doc, r, "label", "label", label);
}

static void cfg_name(const gw_train_eval *e, const char *prefix, char *buf, size_t len)
{
    const gw_train_config *c = &e->cfg;
    gw__snprintf(buf, len, "%s TP%d PP%d DP%d CP%d EP%d mb%d", prefix, c->tp, c->pp, c->dp, c->cp,
                 c->ep, c->micro_batch);
}

static void step_rows(gw_doc *doc, gw_doc_node *data, const gw_train_eval *e, const char *name)
{
    const gw_train_time *t = &e->time;
    const struct {
        const char *part;
        double s;
    } parts[] = {
        {"compute (math)", t->compute_s - t->memory_bound_s},
        {"compute (memory-bound)", t->memory_bound_s},
        {"TP comm (exposed)", t->tp_comm_s},
        {"CP comm (exposed)", t->cp_comm_s},
        {"EP all-to-all (exposed)", t->ep_comm_s},
        {"PP comm (exposed)", t->pp_comm_s},
        {"DP comm (exposed)", t->dp_comm_s},
        {"pipeline bubble", t->bubble_s},
        {"optimizer", t->optimizer_s},
        {"overhead", t->overhead_s},
        {"host (exposed)", t->host_s},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!(parts[i].s > 0))
            continue;
        gw_doc_node *r = gw_doc_obj(doc, data, NULL, NULL);
        gw_doc_str(doc, r, "config", "configuration", name);
        gw_doc_str(doc, r, "part", "part", parts[i].part);
        gw_doc_num(doc, r, "time_s", "time per step", parts[i].s, "s");
    }
}

static void mem_rows(gw_doc *doc, gw_doc_node *data, const gw_train_eval *e, const char *name)
{
    const gw_train_memory *m = &e->mem;
    const struct {
        const char *part;
        double b;
    } parts[] = {
        {"weights", m->weights_bytes},           {"gradients", m->grads_bytes},
        {"optimizer state", m->optimizer_bytes}, {"activations", m->activations_bytes},
        {"buffers", m->buffers_bytes},           {"fragmentation", m->fragmentation_bytes},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!(parts[i].b > 0))
            continue;
        gw_doc_node *r = gw_doc_obj(doc, data, NULL, NULL);
        gw_doc_str(doc, r, "config", "configuration", name);
        gw_doc_str(doc, r, "part", "part", parts[i].part);
        gw_doc_num(doc, r, "memory_bytes", "memory per GPU", parts[i].b, "B");
    }
}

static void train_charts(gw_doc *doc, gw_doc_node *charts, const gw_train_result *tr)
{
    char name[96];
    gw_doc_node *c =
        chart(doc, charts, "step", "Step time: best configuration and runners-up",
              "Where one training step's time goes for the best parallel layout "
              "and the next-best layouts of the search (gw_train_plan, "
              "docs/models/train.md); communication is the part not hidden "
              "behind compute.",
              "bar", "config", "nominal", "configuration", "time_s", "time per step (s)");
    gw_doc_str(doc, c, "color", "color", "part");
    gw_doc_node *data = gw_doc_arr(doc, c, "data", "data");
    cfg_name(&tr->best, "best:", name, sizeof name);
    step_rows(doc, data, &tr->best, name);
    for (size_t i = 0; i < tr->n_top; i++) {
        char pre[16];
        gw__snprintf(pre, sizeof pre, "#%zu:", i + 2);
        cfg_name(&tr->top[i], pre, name, sizeof name);
        step_rows(doc, data, &tr->top[i], name);
    }

    c = chart(doc, charts, "memory", "Memory per GPU against capacity",
              "Memory one GPU holds in the busiest pipeline stage for the same layouts "
              "(gw_train_plan's memory model), against the GPU's usable memory (dashed line, "
              "data/accelerators.yaml).",
              "bar", "config", "nominal", "configuration", "memory_bytes",
              "memory per GPU (bytes)");
    gw_doc_str(doc, c, "color", "color", "part");
    data = gw_doc_arr(doc, c, "data", "data");
    cfg_name(&tr->best, "best:", name, sizeof name);
    mem_rows(doc, data, &tr->best, name);
    for (size_t i = 0; i < tr->n_top; i++) {
        char pre[16];
        gw__snprintf(pre, sizeof pre, "#%zu:", i + 2);
        cfg_name(&tr->top[i], pre, name, sizeof name);
        mem_rows(doc, data, &tr->top[i], name);
    }
    rule(doc, gw_doc_arr(doc, c, "rules", "rules"), "y", tr->best.mem.capacity_bytes, "capacity");
}

static gw_status goodput_chart(gw_ctx *ctx, const gw_catalog *cat, const gw_scenario *sc,
                               const gw__plan_results *r, gw_doc *doc, gw_doc_node *charts)
{
    gw_rel_result *res = gw_calloc(ctx, 1, sizeof *res);
    if (!res)
        return GW_ENOMEM;
    gw_doc_node *c = chart(doc, charts, "goodput", "Goodput and interruptions against cluster size",
                           "The reliability model (gw_rel_plan, data/failures.yaml, "
                           "docs/models/rel.md) at other job sizes, the current scenario "
                           "marked. Approximation: the failure-free run length at another "
                           "size is the scenario's scaled as if step time scaled perfectly "
                           "with GPUs.",
                           "line", "gpus", "quantitative", "GPUs in the job", "value", "value");
    gw_doc_str(doc, c, "facet", "facet", "metric");
    gw_doc_bool(doc, c, "x_log", "x log", true);
    gw_doc_str(doc, c, "highlight", "highlight", "current");
    gw_doc_node *data = gw_doc_arr(doc, c, "data", "data");
    for (size_t i = 0; i < sizeof size_factors / sizeof size_factors[0]; i++) {
        double g = round(r->job_gpus * size_factors[i]);
        if (g < 1)
            continue;
        gw_rel_job job;
        gw_rel_job_init(&job);
        gw_rel_job_from_scenario(sc, r->model, r->train->run_s * r->job_gpus / g, &job);
        job.gpus = g;
        gw_error e;
        gw__err_clear(&e);
        if (gw_rel_plan(ctx, cat, &job, res, &e) != GW_OK)
            continue;
        bool cur = size_factors[i] == 1.0;
        gw_doc_node *row = gw_doc_obj(doc, data, NULL, NULL);
        gw_doc_num(doc, row, "gpus", "GPUs", g, "");
        gw_doc_str(doc, row, "metric", "metric", "goodput (fraction)");
        gw_doc_num(doc, row, "value", "value", res->goodput, "");
        gw_doc_bool(doc, row, "current", "current scenario", cur);
        row = gw_doc_obj(doc, data, NULL, NULL);
        gw_doc_num(doc, row, "gpus", "GPUs", g, "");
        gw_doc_str(doc, row, "metric", "metric", "interruptions per day");
        gw_doc_num(doc, row, "value", "value", res->interruptions_per_day, "");
        gw_doc_bool(doc, row, "current", "current scenario", cur);
    }
    gw_free(ctx, res);
    return GW_OK;
}

static void power_chart(gw_doc *doc, gw_doc_node *charts, const gw_doc_node *plan,
                        const gw_scenario *sc, const gw_accel *a)
{
    const gw_doc_node *site = gw_doc_get(plan, "site");
    double it = num_at(site, "it_power_w");
    if (!isfinite(it))
        return;
    gw_doc_node *c = chart(doc, charts, "power", "Power: GPUs, IT, facility",
                           "The GPUs' rated power (TDP x GPUs, data/accelerators.yaml), the IT "
                           "load at the wall (servers and racks, network, storage: the site "
                           "plan, data/systems.yaml) and the facility power with cooling and "
                           "distribution (PUE).",
                           "bar", "stage", "nominal", "", "power_w", "power (W)");
    gw_doc_str(doc, c, "color", "color", "part");
    gw_doc_node *data = gw_doc_arr(doc, c, "data", "data");
    const struct {
        const char *stage, *part;
        double w;
    } rows[] = {
        {"1. GPUs (TDP)", "GPUs", a->tdp_w * sc->cluster.gpus},
        {"2. IT (wall)", "servers and racks", num_at(site, "compute_it_w")},
        {"2. IT (wall)", "network", num_at(site, "network_w")},
        {"2. IT (wall)", "storage", num_at(site, "storage_w")},
        {"3. facility", "IT", it},
        {"3. facility", "cooling and distribution", num_at(site, "overhead_w")},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (!isfinite(rows[i].w))
            continue;
        gw_doc_node *r = gw_doc_obj(doc, data, NULL, NULL);
        gw_doc_str(doc, r, "stage", "stage", rows[i].stage);
        gw_doc_str(doc, r, "part", "part", rows[i].part);
        gw_doc_num(doc, r, "power_w", "power", rows[i].w, "W");
    }
}

static void phases_chart(gw_doc *doc, gw_doc_node *charts, const gw_doc_node *plan)
{
    const gw_doc_node *ph = gw_doc_get(plan, "site.phases");
    if (!ph || !gw_doc_get(ph, "[0]"))
        return;
    gw_doc_node *c = chart(doc, charts, "phases", "Build-out phases over time",
                           "Cumulative GPUs, facility power and peak FLOP/s after each phase "
                           "of the scenario's site.phases (the site plan).",
                           "line", "date", "temporal", "phase date", "value", "value");
    gw_doc_str(doc, c, "facet", "facet", "metric");
    gw_doc_node *data = gw_doc_arr(doc, c, "data", "data");
    static const struct {
        const char *key, *metric, *unit;
    } m[] = {{"cum_gpus", "GPUs", ""},
             {"cum_facility_power_w", "facility power (W)", "W"},
             {"cum_peak_flops", "peak FLOP/s", "FLOP/s"}};
    for (size_t k = 0; k < sizeof m / sizeof m[0]; k++) {
        char path[32];
        for (int i = 0;; i++) {
            gw__snprintf(path, sizeof path, "[%d]", i);
            const gw_doc_node *p = gw_doc_get(ph, path);
            if (!p)
                break;
            const gw_doc_node *d = gw_doc_get(p, "date");
            gw_doc_node *r = gw_doc_obj(doc, data, NULL, NULL);
            gw_doc_str(doc, r, "date", "date", d ? gw_doc_node_str(d) : "");
            gw_doc_str(doc, r, "phase", "phase", gw_doc_node_str(gw_doc_get(p, "name")));
            gw_doc_str(doc, r, "metric", "metric", m[k].metric);
            gw_doc_num(doc, r, "value", "value", num_at(p, m[k].key), m[k].unit);
        }
    }
}

static void cost_charts(gw_doc *doc, gw_doc_node *charts, const gw_doc_node *plan)
{
    const gw_doc_node *cost = gw_doc_get(plan, "cost");
    if (!cost || !gw_doc_get(cost, "capex"))
        return;
    gw_doc_node *c = chart(doc, charts, "cost", "Capex and yearly opex by component",
                           "The cost model (gw_econ_evaluate, data/costs.yaml, "
                           "docs/models/econ.md) at its base case.",
                           "bar", "component", "nominal", "", "usd", "USD");
    gw_doc_str(doc, c, "facet", "facet", "kind");
    gw_doc_node *data = gw_doc_arr(doc, c, "data", "data");
    static const struct {
        const char *kind, *key, *name;
    } rows[] = {{"capex", "capex.systems_usd", "systems"},
                {"capex", "capex.network_usd", "network"},
                {"capex", "capex.storage_usd", "storage"},
                {"capex", "capex.tariff_usd", "tariff"},
                {"capex", "capex.facility_usd", "facility"},
                {"capex", "capex.land_usd", "land"},
                {"opex per year", "opex.energy_usd_per_year", "energy"},
                {"opex per year", "opex.maintenance_usd_per_year", "maintenance"},
                {"opex per year", "opex.staff_usd_per_year", "staff"}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double v = num_at(cost, rows[i].key);
        if (!isfinite(v))
            continue;
        gw_doc_node *r = gw_doc_obj(doc, data, NULL, NULL);
        gw_doc_str(doc, r, "kind", "kind", rows[i].kind);
        gw_doc_str(doc, r, "component", "component", rows[i].name);
        gw_doc_num(doc, r, "usd", "USD", v, "USD");
    }

    c = chart(doc, charts, "range", "$ per GPU-hour and cost of the run: low, base, high",
              "All-in $ per GPU-hour of the cost model's low, base and high cases "
              "(data/costs.yaml ranges), and the training run's cost: its GPU-hours "
              "(including failures) at those prices.",
              "bar", "case", "nominal", "", "usd", "USD");
    gw_doc_str(doc, c, "facet", "facet", "metric");
    gw_doc_str(doc, c, "color", "color", "case");
    data = gw_doc_arr(doc, c, "data", "data");
    for (int i = 0;; i++) {
        char path[32];
        gw__snprintf(path, sizeof path, "cases[%d]", i);
        const gw_doc_node *k = gw_doc_get(cost, path);
        if (!k)
            break;
        gw_doc_node *r = gw_doc_obj(doc, data, NULL, NULL);
        gw_doc_str(doc, r, "metric", "metric", "$ per GPU-hour");
        gw_doc_str(doc, r, "case", "case", gw_doc_node_str(gw_doc_get(k, "case")));
        gw_doc_num(doc, r, "usd", "USD", num_at(k, "usd_per_gpu_hour"), "USD");
    }
    const gw_doc_node *run = gw_doc_get(plan, "run_cost");
    if (run) {
        const char *names[] = {"low", "base", "high"};
        double v[] = {num_at(run, "cost_low_usd"), num_at(run, "cost_usd"),
                      num_at(run, "cost_high_usd")};
        for (int i = 0; i < 3; i++) {
            gw_doc_node *r = gw_doc_obj(doc, data, NULL, NULL);
            gw_doc_str(doc, r, "metric", "metric", "cost of the run");
            gw_doc_str(doc, r, "case", "case", names[i]);
            gw_doc_num(doc, r, "usd", "USD", v[i], "USD");
        }
    }
}

static void export_chart(const gw_catalog *cat, const gw_scenario *sc, const gw__plan_results *r,
                         gw_doc *doc, gw_doc_node *charts)
{
    const gw_policy_rules *ru = r->rules;
    gw_doc_node *c =
        chart(doc, charts, "export", "Export classification of the catalog's accelerators",
              "Total processing performance (TPP) against performance density "
              "(TPP per mm2 of die) of every accelerator in data/accelerators.yaml "
              "(gw_policy_tpp, gw_policy_pd), coloured by their October 2023 ECCN "
              "(gw_policy_classify, data/export.yaml); dashed lines are the 3A090 "
              "thresholds; the scenario's accelerator is marked.",
              "point", "tpp", "quantitative", "TPP", "pd", "performance density");
    gw_doc_str(doc, c, "color", "color", "class");
    gw_doc_str(doc, c, "label", "label", "accelerator");
    gw_doc_str(doc, c, "highlight", "highlight", "current");
    gw_doc_node *data = gw_doc_arr(doc, c, "data", "data");
    gw_policy_chip chip;
    for (size_t i = 0; i < gw_catalog_n_accels(cat); i++) {
        const gw_accel *a = gw_catalog_accel_at(cat, i);
        gw_precision p;
        double tpp = gw_policy_tpp(a, &p), pd = gw_policy_pd(a);
        if (!(tpp > 0) || !isfinite(pd))
            continue;
        gw_error e;
        gw__err_clear(&e);
        const char *cls = "?";
        if (gw_policy_classify(ru, a, sc->policy.destination, GW_POLICY_OCT2023, &chip, &e) ==
            GW_OK)
            cls = gw_policy_class_name(chip.oct2023);
        gw_doc_node *row = gw_doc_obj(doc, data, NULL, NULL);
        gw_doc_str(doc, row, "accelerator", "accelerator", a->name);
        gw_doc_num(doc, row, "tpp", "TPP", tpp, "");
        gw_doc_num(doc, row, "pd", "performance density", pd, "");
        gw_doc_str(doc, row, "class", "ECCN (Oct 2023)", cls);
        gw_doc_bool(doc, row, "current", "scenario's accelerator", a == r->accel);
    }
    gw_doc_node *rules = gw_doc_arr(doc, c, "rules", "rules");
    rule(doc, rules, "x", ru->a_tpp, "3A090.a: TPP");
    rule(doc, rules, "x", ru->a2_tpp, "3A090.a.2: TPP (with PD)");
    rule(doc, rules, "y", ru->a2_pd, "3A090.a.2: PD");
    rule(doc, rules, "y", ru->b1_pd_min, "3A090.b: PD");
}

gw_status gw__plan_charts(gw_ctx *ctx, const gw_catalog *cat, const gw_scenario *sc,
                          const gw__plan_results *r, gw_doc *doc, gw_doc_node *parent)
{
    gw_doc_node *charts = gw_doc_arr(doc, parent, "charts", "Charts");
    if (r->train && r->train->n_feasible > 0)
        train_charts(doc, charts, r->train);
    else
        gw_doc_note(doc, "report: no training plan, so no step-time and memory charts");
    if (r->train && r->train->run_s > 0 && r->rel) {
        gw_status rc = goodput_chart(ctx, cat, sc, r, doc, charts);
        if (rc != GW_OK)
            return rc;
    } else {
        gw_doc_note(doc, "report: no reliability result, so no goodput chart");
    }
    power_chart(doc, charts, parent, sc, r->accel);
    phases_chart(doc, charts, parent);
    cost_charts(doc, charts, parent);
    if (r->rules)
        export_chart(cat, sc, r, doc, charts);
    return gw_doc_status(doc);
}
