/* SPDX-License-Identifier: MIT */
/*
 * plan.c: `gigawatt run` as a library call. Resolves the scenario against
 * the catalog, writes the first-order picture (GPUs, peak FLOP/s, power,
 * model size, training compute and ideal times), then each module's result.
 *
 * First-order figures and their sources:
 *   - training compute 6 N D: Kaplan et al., "Scaling Laws for Neural
 *     Language Models" (2020), eq. 2.1 / Table 1; attention term from the
 *     same table with the causal mask halving the score FLOPs (as in
 *     Narayanan et al. SC21 eq. 3 without recompute).
 *   - IT power from the catalog's server/rack wall power (data/systems.yaml).
 *
 * Then, in dependency order: site (power, racks, network) -> train (step
 * time, best parallelism, run length) -> rel (interruptions and goodput on
 * the failure-free run length) -> econ (capex, opex, $/GPU-hour, and the run
 * cost from the GPU-hours including failures) -> policy (export status).
 * A module that cannot answer (e.g. no feasible parallel configuration) is
 * reported in the notes and the rest still run: a partial picture with the
 * reason is more useful to a planner than none. Its section still appears,
 * holding only "not_computed": the reason, so no section vanishes silently.
 */
#include <gigawatt/econ.h>
#include <gigawatt/infer.h>
#include <gigawatt/net.h>
#include <gigawatt/plan.h>
#include <gigawatt/policy.h>
#include <gigawatt/rel.h>
#include <gigawatt/site.h>
#include <gigawatt/train.h>

#include <math.h>
#include <string.h>

#include "core/core_internal.h"
#include "plan/plan_internal.h"

void gw_plan_compute_flop(const gw_model *m, double tokens, double seq, double *flop_6nd,
                          double *flop_with_attention)
{
    double n = m->params_active > 0 ? m->params_active : m->params_total;
    /* Embedding lookups are not matmuls; Kaplan's N excludes them. The LM
     * head is a matmul and stays (it is in params_embedding when untied). */
    double emb = (double)m->vocab * (double)m->hidden;
    if (m->learned_pos_emb)
        emb += (double)m->max_seq * (double)m->hidden;
    double n_nonemb = n - emb > 0 ? n - emb : n;
    double base = 6.0 * n_nonemb * tokens;
    double d_qk = m->head_dim, d_v = m->head_dim;
    if (m->kv_lora_rank > 0) {
        d_qk = (double)(m->qk_nope_head_dim + m->qk_rope_head_dim);
        d_v = m->v_head_dim;
    }
    double attn_per_token =
        3.0 * 2.0 * (double)m->n_layers * (seq / 2.0) * (double)m->n_heads * (d_qk + d_v);
    *flop_6nd = base;
    *flop_with_attention = base + attn_per_token * tokens;
}

static void scenario_section(gw_doc *doc, gw_doc_node *parent, const gw_scenario *sc)
{
    gw_doc_node *o = gw_doc_obj(doc, parent, "scenario", "Scenario");
    gw_doc_str(doc, o, "name", "name", sc->name);
    gw_doc_str(doc, o, "description", "description", sc->description);
    gw_doc_str(doc, o, "path", "file", sc->path);
}

/* The section of a module that could not answer: key and title as the
 * module's own report, with the reason in place of the figures. */
static void not_computed(gw_doc *doc, gw_doc_node *parent, const char *key, const char *title,
                         const char *reason)
{
    gw_doc_node *o = gw_doc_obj(doc, parent, key, title);
    gw_doc_str(doc, o, "not_computed", "not computed", reason);
}

/* The few numbers that carry the story, first in the summary: what the
 * site's power buys versus the headline GPU count, how long the run takes
 * with failures, what a GPU-hour and the run cost, and the export status. */
static void headline(gw_doc *doc, gw_doc_node *hl, const gw_scenario *sc,
                     const gw_site_result *site, const gw_train_result *tr,
                     const gw_rel_result *rel, const gw_econ_result *econ, const gw_econ_run *run,
                     const gw_policy_chip *chip, const char *net_line,
                     const char *const *layout_lines)
{
    gw_doc_num(doc, hl, "gpus", "GPUs (scenario)", sc->cluster.gpus, "");
    if (site) {
        gw_doc_num(doc, hl, "facility_power_w", "facility power they need",
                   site->power_for_requested_w > 0 ? site->power_for_requested_w
                                                   : site->facility_power_w,
                   "W");
        if (site->budget_w > 0) {
            gw_doc_num(doc, hl, "site_power_w", "site power budget", site->budget_w, "W");
            gw_doc_num(doc, hl, "gpus_in_budget", "GPUs the budget powers", site->gpus_in_budget,
                       "");
            if (!site->fits_budget)
                gw_doc_note(doc,
                            "the site's %.2f GW powers about %.0f %s GPUs, not the %.0f of the "
                            "scenario, which need %.2f GW at the facility",
                            site->budget_w / 1e9, site->gpus_in_budget, site->accel->name,
                            sc->cluster.gpus,
                            (site->power_for_requested_w > 0 ? site->power_for_requested_w
                                                             : site->facility_power_w) /
                                1e9);
        }
        gw_doc_num(doc, hl, "gpus_per_gw", "GPUs per GW (facility)", site->gpus_per_gw, "");
    }
    if (tr) {
        const gw_train_config *c = &tr->best.cfg;
        char cfg[160];
        gw__snprintf(cfg, sizeof cfg, "TP%d PP%d VPP%d DP%d CP%d EP%d mb%d ZeRO-%d %s %s", c->tp,
                     c->pp, c->vpp, c->dp, c->cp, c->ep, c->micro_batch, c->zero,
                     gw_train_recompute_name(c->recompute), gw_precision_name(c->precision));
        gw_doc_str(doc, hl, "parallelism", "best parallelism", cfg);
        gw_train_report_figure(doc, hl, tr, "step_time_s", "step time", tr->best.time.step_s, "s",
                               false);
        gw_train_report_figure(doc, hl, tr, "mfu", "MFU", tr->best.mfu, "frac", true);
        if (net_line && net_line[0])
            gw_doc_str(doc, hl, "network", "network", net_line);
        if (tr->run_s > 0) {
            gw_train_report_figure(doc, hl, tr, "training_time_s", "training time (no failures)",
                                   tr->run_s, "s", false);
            if (rel) {
                gw_doc_num(doc, hl, "goodput", "goodput", rel->goodput, "frac");
                {
                    /* The lever search of rel (docs/models/rel.md R12). */
                    const gw_rel_levers *lv = &rel->lever_search;
                    char set[96], line[256];
                    if (lv->found)
                        gw__snprintf(line, sizeof line, "%.1f%% with %s; %.0f spare GPUs, $%.3gM",
                                     100.0 * lv->best_goodput,
                                     gw_rel_lever_set_str(lv->best_set, set, sizeof set),
                                     lv->best_spare_gpus, lv->best_cost_usd / 1e6);
                    else
                        gw__snprintf(line, sizeof line,
                                     "no lever set reaches %.0f%%; best %.1f%% with %s",
                                     100.0 * rel->target_goodput, 100.0 * lv->max_goodput,
                                     gw_rel_lever_set_str(lv->max_set, set, sizeof set));
                    gw_doc_str(doc, hl, "goodput_levers", "goodput with FT levers", line);
                }
                /* The layout answers (layout_section), after the whole-cluster job. */
                static const char *const lk[][2] = {{"largest_job", "largest efficient sync job"},
                                                    {"largest_job_goodput", "its goodput"},
                                                    {"rest_of_gpus", "best use of the GPUs"}};
                for (size_t i = 0; layout_lines && i < 3; i++)
                    if (layout_lines[i] && layout_lines[i][0])
                        gw_doc_str(doc, hl, lk[i][0], lk[i][1], layout_lines[i]);
                /* Beyond the rel model's wall-clock cap the run does not
                 * finish: an interruption comes before the work between two
                 * checkpoints is done (1e194 years is not an answer). */
                double with_s = rel->goodput > 0 ? tr->run_s / rel->goodput : HUGE_VAL;
                if (rel->max_wall_s > 0 && with_s > rel->max_wall_s) {
                    char why[160];
                    gw__snprintf(why, sizeof why,
                                 "does not finish within %.3g years: an interruption every "
                                 "%.3g s",
                                 rel->max_wall_s / (365.25 * 86400.0), rel->mtti_all_s);
                    gw_doc_na(doc, hl, "training_time_with_failures_s",
                              "training time with failures", "s", why);
                } else {
                    gw_train_report_figure(doc, hl, tr, "training_time_with_failures_s",
                                           "training time with failures", with_s, "s", false);
                }
                gw_doc_num(doc, hl, "interruptions_per_day", "interruptions per day",
                           rel->interruptions_per_day, "");
            }
        }
    }
    if (econ) {
        gw_doc_num(doc, hl, "capex_usd", "capex", econ->capex_usd, "USD");
        gw_doc_num(doc, hl, "usd_per_gpu_hour", "all-in $ per GPU-hour", econ->usd_per_gpu_hour,
                   "USD");
    }
    if (run && run->interval_level > 0)
        gw_doc_range(doc, hl, "run_cost_usd", "cost of the training run", run->cost_usd,
                     run->cost_usd * run->interval_lo_factor,
                     run->cost_usd * run->interval_hi_factor, run->interval_level, "USD");
    else if (run)
        gw_doc_num(doc, hl, "run_cost_usd", "cost of the training run", run->cost_usd, "USD");
    if (chip && chip->accel) {
        char ex[200];
        gw__snprintf(ex, sizeof ex, "%s; to %s: %s", gw_policy_class_name(chip->oct2023),
                     chip->destination, gw_policy_licence_name(chip->licence));
        gw_doc_str(doc, hl, "export", "export control", ex);
    }
}

/* GPU and IT power straight from the catalog, for when the site module
 * cannot answer (it gives the full picture otherwise). */
static void first_order_power(gw_doc *doc, gw_doc_node *parent, const gw_scenario *sc,
                              const gw_accel *a, const gw_system *sys)
{
    double gpus = sc->cluster.gpus;
    gw_doc_node *pw = gw_doc_obj(doc, parent, "power", "Power (first order)");
    double tdp_total = a->tdp_w * gpus;
    double racks = ceil(gpus / (double)sys->gpus_per_rack);
    double it_w;
    if (sys->rack_power_w > 0 && sys->gpus_per_rack > 0)
        it_w = racks * sys->rack_power_w;
    else
        it_w = ceil(gpus / (double)sys->gpus_per_node) * sys->node_power_w;
    gw_doc_num(doc, pw, "gpu_tdp_w", "GPU power (TDP x GPUs)", tdp_total, "W");
    gw_doc_num(doc, pw, "racks", "racks", racks, "");
    gw_doc_num(doc, pw, "it_power_w", "IT power (server/rack wall power)", it_w, "W");
    if (sc->site.power_w > 0) {
        gw_doc_num(doc, pw, "site_power_w", "site power budget", sc->site.power_w, "W");
        gw_doc_num(doc, pw, "it_to_site_ratio", "IT power / site budget", it_w / sc->site.power_w,
                   "frac");
        if (it_w > sc->site.power_w)
            gw_doc_note(doc,
                        "%.0f GPUs need %.2f GW of IT power before cooling, above the site's "
                        "%.2f GW budget",
                        gpus, it_w / 1e9, sc->site.power_w / 1e9);
    }
}

/* Job sizes to try, largest first: n itself, then c * 2^k <= n for
 * c in {15, 9, 7, 5, 3, 1}, down to n / 2. */
static size_t job_sizes(double n, double *out, size_t max)
{
    static const double odd[] = {15, 9, 7, 5, 3, 1};
    size_t k = 0;
    out[k++] = n;
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        double p = 1;
        while (odd[i] * p * 2 <= n)
            p *= 2;
        for (; p >= 1 && odd[i] * p >= n / 2 && k < max; p /= 2) {
            double v = odd[i] * p;
            bool dup = false;
            for (size_t j = 0; j < k; j++)
                dup = dup || out[j] == v;
            if (!dup && v < n)
                out[k++] = v;
        }
    }
    /* insertion sort, descending (k is small) */
    for (size_t i = 1; i < k; i++) {
        double v = out[i];
        size_t j = i;
        while (j > 0 && out[j - 1] < v) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = v;
    }
    return k;
}

/* ---- The modules, in dependency order ----------------------------------- */

typedef struct plan_state {
    gw_net_topo net;
    char net_line[200]; /* the headline's network line ("" without one) */
    gw_site_result site;
    gw_train_result train;
    gw_rel_result rel;
    gw_rel_result rel_job;    /* the largest efficient synchronous job */
    char layout_line[3][400]; /* its headline lines ("" without) */
    gw_econ_result econ;
    gw_econ_run run;
    gw_policy_rules rules;
    gw_policy_chip chip;
    gw_infer_result infer;
    char serve_line[200]; /* the headline's serving line ("" without one) */
} plan_state;

/* Reports a module that could not answer, without failing the whole run,
 * when the reason is the scenario's content rather than a bug. */
static bool soft_failure(gw_status rc)
{
    return rc == GW_EINFEASIBLE || rc == GW_ENOTFOUND || rc == GW_ERANGE;
}

/* The data directory the catalog came from (--data DIR or $GIGAWATT_DATA),
 * or NULL for the embedded copy: train.yaml, infer.yaml and the fabric's
 * parameters are read from the same place as the catalog (as gw_rel_plan and
 * the econ module do), not silently from the embedded copy. */
static const char *plan_data_dir(const gw_catalog *cat)
{
    const char *o = cat ? gw_catalog_origin(cat) : NULL;
    return o && o[0] && o[0] != '(' ? o : NULL;
}

void gw_plan_train_opts(const gw_scenario *sc, gw_train_opts *o)
{
    gw_train_opts_init(o);
    o->n_gpus = sc->cluster.gpus;
    o->seq_len = sc->workload.seq_len;
    if (sc->workload.global_batch_tokens > 0)
        o->global_batch_tokens = sc->workload.global_batch_tokens;
    o->tokens = sc->workload.tokens;
    o->precision = (int)sc->workload.precision;
    /* Facts the scenario does not state (cuda_graphs -1, fp8_recipe "")
     * are read as the defaults and widen the interval (unknown_facts). */
    o->cuda_graphs = sc->workload.cuda_graphs == 1;
    if (sc->workload.cuda_graphs < 0)
        o->unknown_facts |= GW_TRAIN_FACT_CUDA_GRAPHS;
    o->batch_slack = sc->workload.batch_tolerance;
    o->max_idle_frac = sc->cluster.allow_idle_gpus;
    o->batch_critical = strcmp(sc->batch.policy, "critical") == 0;
    o->feed_min_mfu = sc->batch.min_mfu;
    o->flash_attention = sc->workload.flash_attention != 0;
    o->tp_comm_overlap = sc->workload.tp_comm_overlap != 0;
    o->moe_a2a_overlap = sc->workload.moe_a2a_overlap != 0;
    o->seq_parallel = sc->workload.sequence_parallel != 0;
    if (sc->workload.pp_first_layers > 0)
        o->pp_first = sc->workload.pp_first_layers;
    if (sc->workload.pp_last_layers > 0)
        o->pp_last = sc->workload.pp_last_layers;
    o->zero_shard = sc->workload.zero_shard; /* -1 ("any") is GW_TRAIN_ANY */
    gw_train_fp8_recipe fr;
    gw_train_cp_comm cc;
    if (gw_train_fp8_recipe_parse(sc->workload.fp8_recipe, &fr) == GW_OK)
        o->fp8_recipe = (int)fr;
    else
        o->unknown_facts |= GW_TRAIN_FACT_FP8_RECIPE;
    /* dp_sync "" (not stated) stays overlap, the Megatron-Core default. */
    gw_train_dp_sync ds;
    if (gw_train_dp_sync_parse(sc->workload.dp_sync, &ds) == GW_OK)
        o->dp_sync = (int)ds;
    if (strcmp(sc->workload.cp_comm, "any") == 0)
        o->cp_comm = GW_TRAIN_ANY;
    else if (gw_train_cp_comm_parse(sc->workload.cp_comm, &cc) == GW_OK)
        o->cp_comm = (int)cc;
    o->rank_order = sc->network.rank_order;
}

/* What the network costs the job: the fabric, the exposed communication of
 * the chosen layout, and its step time on a topology-free network (the
 * alpha-beta model: the fabric's oversubscription, failures and buildings
 * removed). */
static void net_section(gw_ctx *ctx, const gw_catalog *cat, const gw_model *m, const gw_accel *a,
                        const gw_system *sys, const gw_train_opts *to, gw_doc *doc,
                        gw_doc_node *parent, plan_state *st)
{
    const gw_train_eval *ev = &st->train.best;
    const gw_train_time *tm = &ev->time;
    double comm = tm->tp_comm_s + tm->cp_comm_s + tm->ep_comm_s + tm->pp_comm_s + tm->dp_comm_s;
    double ideal = 0.0;
    gw_error e2;
    gw__err_clear(&e2);
    if (gw_net_retime(ctx, cat, m, a, sys, to, ev, gw_train_comm_alphabeta(), &ideal, &e2) != GW_OK)
        ideal = 0.0;
    gw_doc_node *n = gw_doc_obj(doc, parent, "network", "Network");
    gw_net_topo_report(doc, n, &st->net);
    gw_doc_str(doc, n, "model", "Collective model in the search", st->train.comm_model);
    gw_doc_num(doc, n, "exposed_comm_s", "Exposed communication per step", comm, "s");
    gw_doc_num(doc, n, "exposed_comm_frac", "Share of the step", comm / tm->step_s, "frac");
    if (ideal > 0) {
        gw_doc_num(doc, n, "step_topology_free_s", "Step on a topology-free network", ideal, "s");
        gw_doc_num(doc, n, "fabric_slowdown", "Fabric slowdown (step / topology-free step)",
                   tm->step_s / ideal, "");
    }
    char *line = st->net_line;
    gw__snprintf(line, sizeof st->net_line,
                 "%d-tier fat tree, %.3g PB/s bisection; communication %.0f%% of the step%s",
                 st->net.tiers, st->net.bisection_Bps / 1e15, 100.0 * comm / tm->step_s,
                 ideal > 0 && tm->step_s > ideal * 1.0005 ? " (fabric adds time: see Network)"
                                                          : "");
    gw_doc_note(doc, "network: the search times collectives with the fat tree's bottleneck bound "
                     "(every group of a kind at once); `gigawatt net --step` simulates the "
                     "chosen step's flows with all kinds contending");
}

/* serving.precision / kv_precision strings: a gw_precision or
 * GW_INFER_ANY ("any" or unknown: the scenario loader has checked them). */
static int serving_prec(const char *v)
{
    gw_precision p;
    if (v == NULL || strcmp(v, "any") == 0 || gw_precision_parse(v, &p) != GW_OK)
        return GW_INFER_ANY;
    return (int)p;
}

/* Serving: what the site would produce serving the scenario's model (or
 * serving.model) with the serving.* settings: tokens/s, per GPU and per
 * MW, $ per million tokens at the site's $/GPU-hour; with
 * serving.demand_tokens_per_day, the GPUs and facility power that demand
 * needs and the split of the site between serving and training. */
static gw_status serving_section(gw_ctx *ctx, const gw_catalog *cat, const gw_scenario *sc,
                                 const gw_accel *a, const gw_system *sys, const gw_model *m,
                                 const gw_site_result *site, const gw_econ_result *econ,
                                 gw_doc *doc, gw_doc_node *parent, plan_state *st, gw_error *err)
{
    char msg[1100];
    gw_error sub;
    gw__err_clear(&sub);
    const gw_model *sm = m;
    gw_model *owned = NULL;
    gw_status rc = GW_OK;
    const char *name = sc->serving.model;
    if (name != NULL && name[0]) {
        size_t n = strlen(name);
        if ((n > 5 && strcmp(name + n - 5, ".json") == 0) || strchr(name, '/') != NULL) {
            rc = gw_catalog_model_from_hf(ctx, name, NULL, &owned, &sub);
            sm = owned;
        } else {
            rc = gw_catalog_model_find(cat, name, &sm, &sub);
        }
        if (rc != GW_OK) {
            gw__strlcpy(sub.where, "serving.model", sizeof sub.where);
            gw__strlcpy(sub.path, sc->path, sizeof sub.path);
            *err = sub;
            return rc;
        }
    }
    /* GPUs serving: serving.gpus, else the site's (those its power
     * budget feeds when it does not feed them all). */
    double gpus = sc->serving.gpus > 0 ? sc->serving.gpus : sc->cluster.gpus;
    if (sc->serving.gpus <= 0 && site != NULL && !site->fits_budget && site->gpus_in_budget >= 1)
        gpus = floor(site->gpus_in_budget);
    gw_infer_opts o;
    gw_infer_opts_init(&o);
    o.n_gpus = gpus;
    o.input_len = sc->serving.input_len;
    o.output_len = sc->serving.output_len;
    o.concurrency = sc->serving.concurrency;
    o.tp = sc->serving.tp > 0 ? sc->serving.tp : GW_INFER_ANY;
    o.ep = sc->serving.ep > 0 ? sc->serving.ep : GW_INFER_ANY;
    o.pp = sc->serving.pp > 0 ? sc->serving.pp : GW_INFER_ANY;
    o.precision = serving_prec(sc->serving.precision);
    o.kv_precision = serving_prec(sc->serving.kv_precision);
    o.ttft_s = sc->serving.ttft_s;
    o.tpot_s = sc->serving.tpot_s;
    o.disagg = sc->serving.disagg != 0;
    o.data_dir = plan_data_dir(cat);
    gw_infer_result *r = &st->infer;
    rc = gw_infer_plan(ctx, cat, sm, a, sys, &o, r, &sub);
    if (rc == GW_OK && site != NULL && econ != NULL && site->gpus > 0)
        rc = gw_infer_factory(r, site->facility_power_w / site->gpus, site->pue,
                              econ->usd_per_gpu_hour, &sub);
    if (rc != GW_OK) {
        gw_model_free(ctx, owned);
        if (!soft_failure(rc) && rc != GW_ERANGE && rc != GW_EINVAL) {
            *err = sub;
            return rc;
        }
        gw_doc_note(doc, "serve: %s", gw_error_format(&sub, msg, sizeof msg));
        not_computed(doc, parent, "serve", "Serving", msg);
        return GW_OK;
    }
    const gw_infer_eval *b = &r->best;
    gw_doc_node *n = gw_doc_obj(doc, parent, "serve", "Serving (gigawatt infer)");
    gw_doc_str(doc, n, "model", "model served", sm->name);
    gw_doc_num(doc, n, "gpus", "GPUs serving", gpus, "");
    gw_doc_num(doc, n, "input_len", "input tokens per request", o.input_len, "tokens");
    gw_doc_num(doc, n, "output_len", "output tokens per request", o.output_len, "tokens");
    char lay[64];
    gw__snprintf(lay, sizeof lay, "TP%d EP%d PP%d %s%s", b->cfg.tp, b->cfg.ep, b->pp,
                 gw_precision_name(b->cfg.precision), b->cfg.disagg ? " disaggregated" : "");
    gw_doc_str(doc, n, "layout", "best replica layout", lay);
    gw_doc_num(doc, n, "output_tokens_per_s", "output tokens/s (all serving GPUs)",
               b->output_tokens_per_s, "tokens/s");
    gw_doc_num(doc, n, "output_tokens_per_s_per_gpu", "output tokens/s per GPU",
               b->output_tokens_per_s_per_gpu, "tokens/s");
    gw_doc_num(doc, n, "output_tokens_per_s_per_user", "output tokens/s per user",
               b->output_tokens_per_s_per_user, "tokens/s");
    gw_doc_num(doc, n, "ttft_s", "time to first token", b->ttft_s, "s");
    gw_doc_num(doc, n, "tpot_s", "time per output token", b->tpot_s, "s");
    gw_doc_num(doc, n, "output_tokens_per_day", "output tokens per day",
               b->output_tokens_per_s * 86400.0, "tokens");
    if (r->has_factory) {
        gw_doc_num(doc, n, "output_tokens_per_s_per_mw", "output tokens/s per MW (facility)",
                   r->output_tokens_per_s_per_mw, "tokens/s");
        gw_doc_num(doc, n, "facility_j_per_output_token", "facility energy per output token",
                   r->facility_j_per_output_token, "J");
        gw_doc_num(doc, n, "usd_per_m_input_tokens", "$ per million input tokens",
                   r->usd_per_m_input_tokens, "USD");
        gw_doc_num(doc, n, "usd_per_m_output_tokens", "$ per million output tokens",
                   r->usd_per_m_output_tokens, "USD");
    }
    double demand = sc->serving.demand_tokens_per_day;
    if (demand > 0 && b->output_tokens_per_s_per_gpu > 0) {
        gw_doc_node *d = gw_doc_obj(doc, n, "demand", "Serving demand and the site split");
        /* Whole replicas of the best layout serve the demand. */
        double per_gpu_day = b->output_tokens_per_s_per_gpu * 86400.0;
        double rg = b->replica_gpus > 0 ? b->replica_gpus : 1;
        double need = ceil(demand / per_gpu_day / rg) * rg;
        gw_doc_num(doc, d, "demand_tokens_per_day", "output tokens per day demanded", demand,
                   "tokens");
        gw_doc_num(doc, d, "gpus_needed", "GPUs to serve it", need, "");
        if (r->has_factory)
            gw_doc_num(doc, d, "facility_w_needed", "facility power to serve it",
                       need * r->facility_w_per_gpu, "W");
        double share = need / gpus;
        gw_doc_num(doc, d, "serving_share", "share of the serving GPUs", share, "frac");
        if (share <= 1.0) {
            gw_doc_num(doc, d, "gpus_left_for_training", "GPUs left for training", gpus - need, "");
            gw_doc_num(doc, d, "training_share", "share left for training", 1.0 - share, "frac");
            gw__snprintf(st->serve_line, sizeof st->serve_line,
                         "%.0f output tokens/s/GPU; %.3g tokens/day need %.3g%% of the GPUs",
                         b->output_tokens_per_s_per_gpu, demand, 100.0 * share);
        } else {
            gw_doc_num(doc, d, "gpus_short", "GPUs short of the demand", need - gpus, "");
            gw__snprintf(st->serve_line, sizeof st->serve_line,
                         "%.0f output tokens/s/GPU; %.3g tokens/day need %.3gx the GPUs",
                         b->output_tokens_per_s_per_gpu, demand, share);
        }
    } else {
        gw__snprintf(st->serve_line, sizeof st->serve_line,
                     "%.0f output tokens/s/GPU, %.3g tokens/day (%s)",
                     b->output_tokens_per_s_per_gpu, b->output_tokens_per_s * 86400.0, sm->name);
    }
    gw_doc_note(doc,
                "serve: the site's GPUs serving %s at the serving.* settings (max-throughput "
                "point within the latency bounds); training and serving figures are "
                "alternatives for the same GPUs, the demand split divides them "
                "(docs/models/infer.md)",
                sm->name);
    gw_model_free(ctx, owned);
    return GW_OK;
}

/* The questions of issue 12 (docs/models/batch.md, loose.md, rel.md): the
 * largest synchronous job the batch feeds at the MFU floor, its goodput
 * without and with the cheapest sufficient lever set, and the best use
 * of the rest of the GPUs, as several such jobs or as one loosely coupled
 * job (DiLoCo) across buildings, in useful FLOP/s. */
static void layout_section(gw_ctx *ctx, const gw_catalog *cat, const gw_scenario *sc,
                           const gw_model *m, gw_doc *doc, gw_doc_node *parent, plan_state *st,
                           bool have_rel)
{
    const gw_train_result *tr = &st->train;
    if (tr->feed_min_mfu <= 0)
        return;
    bool crit = tr->feed_crit.gpus_used > tr->feed.gpus_used;
    const gw_train_eval *j = crit ? &tr->feed_crit : &tr->feed;
    double bseq = crit ? tr->feed_crit_batch_seqs : tr->global_batch_seqs;
    double gpus = sc->cluster.gpus;
    char line[320], set[96];
    gw_doc_node *o = gw_doc_obj(doc, parent, "layout", "Job layout");
    gw_doc_num(doc, o, "min_mfu", "MFU floor (workload.min_mfu)", tr->feed_min_mfu, "frac");
    if (j->gpus_used <= 0) {
        double pk =
            tr->feed_crit_peak_mfu > tr->feed_peak_mfu ? tr->feed_crit_peak_mfu : tr->feed_peak_mfu;
        double pg = tr->feed_crit_peak_mfu > tr->feed_peak_mfu ? tr->feed_crit_peak_gpus
                                                               : tr->feed_peak_gpus;
        gw__snprintf(line, sizeof line,
                     "none at %.0f%% MFU: the best layout of this batch reaches %.1f%% (on %.0f "
                     "GPUs)",
                     100.0 * tr->feed_min_mfu, 100.0 * pk, pg);
        gw_doc_str(doc, o, "largest_job", "largest efficient synchronous job", line);
        gw__strlcpy(st->layout_line[0], line, sizeof st->layout_line[0]);
        return;
    }
    char lay[96];
    gw__snprintf(lay, sizeof lay, "TP%d PP%d VPP%d DP%d CP%d EP%d", j->cfg.tp, j->cfg.pp,
                 j->cfg.vpp, j->cfg.dp, j->cfg.cp, j->cfg.ep);
    gw_doc_num(doc, o, "job_gpus", "largest efficient synchronous job (GPUs)", j->gpus_used, "");
    gw_doc_str(doc, o, "job_layout", "its layout", lay);
    gw_doc_num(doc, o, "job_batch_seqs", "its batch (sequences)", bseq, "");
    gw_doc_num(doc, o, "job_batch_tokens", "its batch (tokens)", bseq * tr->seq_len, "");
    gw_doc_str(doc, o, "job_batch_kind", "batch", crit ? "critical batch" : "the batch used");
    gw_doc_num(doc, o, "job_mfu", "its MFU", j->mfu, "frac");
    gw_doc_num(doc, o, "job_step_s", "its step time", j->time.step_s, "s");
    gw__snprintf(line, sizeof line,
                 "%.0f GPUs (%s), batch %.0f sequences (%.3g M tokens), MFU "
                 "%.1f%%",
                 j->gpus_used, lay, bseq, bseq * tr->seq_len / 1e6, 100.0 * j->mfu);
    gw__strlcpy(st->layout_line[0], line, sizeof st->layout_line[0]);

    /* Its reliability: the same run (tokens) on this job alone. */
    gw_rel_job job;
    gw_rel_job_init(&job);
    double work = tr->run_tokens > 0 && j->tokens_per_s > 0 ? tr->run_tokens / j->tokens_per_s
                                                            : 30.0 * 86400.0;
    gw_rel_job_from_scenario(sc, m, work, &job);
    job.gpus = j->gpus_used;
    gw_error sub;
    gw__err_clear(&sub);
    double g0 = (double)NAN, g1 = (double)NAN;
    bool have_rj = gw_rel_plan(ctx, cat, &job, &st->rel_job, &sub) == GW_OK;
    if (have_rj) {
        const gw_rel_levers *lv = &st->rel_job.lever_search;
        g0 = st->rel_job.goodput;
        g1 = lv->found ? lv->best_goodput : lv->max_goodput;
        gw_doc_num(doc, o, "job_goodput", "its goodput, no lever", g0, "frac");
        gw_doc_num(doc, o, "job_goodput_levers", "its goodput, cheapest sufficient lever set", g1,
                   "frac");
        gw_doc_str(doc, o, "job_lever_set", "that lever set",
                   gw_rel_lever_set_str(lv->found ? lv->best_set : lv->max_set, set, sizeof set));
        if (lv->found) {
            gw_doc_num(doc, o, "job_spare_gpus", "its spare GPUs", lv->best_spare_gpus, "");
            gw_doc_num(doc, o, "job_lever_cost_usd", "its lever cost", lv->best_cost_usd, "USD");
        }
        gw__snprintf(line, sizeof line, "%.1f%% without levers; %.1f%% with %s", 100.0 * g0,
                     100.0 * g1,
                     g0 >= st->rel_job.target_goodput && lv->best_set == 0 ? "none needed" : set);
        gw__strlcpy(st->layout_line[1], line, sizeof st->layout_line[1]);
    } else {
        char msg[600];
        gw_doc_note(doc, "layout: reliability of the %.0f-GPU job: %s", j->gpus_used,
                    gw_error_format(&sub, msg, sizeof msg));
    }
    double gj = have_rj ? g1 : 1.0;

    /* The rest of the GPUs: several such jobs, or one loosely coupled job. */
    double n_jobs = floor(gpus / j->gpus_used);
    double one_job = tr->best.flops_per_gpu * tr->best.gpus_used *
                     (have_rel && st->rel.goodput > 0 ? st->rel.goodput : 1.0);
    double many = n_jobs * j->gpus_used * j->flops_per_gpu * gj;
    gw_doc_num(doc, o, "n_jobs", "such jobs the GPUs hold", n_jobs, "");
    gw_doc_num(doc, o, "useful_flops_one_job",
               "useful FLOP/s, one job on all GPUs (goodput "
               "without levers)",
               one_job, "FLOP/s");
    gw_doc_num(doc, o, "useful_flops_jobs", "useful FLOP/s, that many efficient jobs", many,
               "FLOP/s");

    gw_train_params tp;
    gw__err_clear(&sub);
    if (gw_train_params_load(ctx, plan_data_dir(cat), &tp, &sub) != GW_OK)
        return;
    double R = sc->loose.replicas > 0
                   ? sc->loose.replicas
                   : (sc->network.buildings > 1 ? sc->network.buildings : n_jobs);
    if (R > n_jobs)
        R = n_jobs;
    if (R < 2) {
        gw_doc_str(doc, o, "loose", "loosely coupled", "needs at least two replicas");
        return;
    }
    gw_train_loose_in li;
    memset(&li, 0, sizeof li);
    li.replicas = R;
    li.sync_every = sc->loose.sync_every;
    li.outer_bytes = sc->loose.outer_bytes;
    li.params = m->params_total;
    li.inner_step_s = j->time.step_s;
    bool campus = sc->network.buildings > 1 && sc->network.building_Bps > 0;
    li.link_Bps = campus ? sc->network.building_Bps / ceil(R / sc->network.buildings)
                         : j->gpus_used * tr->topo.scaleout_Bps;
    li.latency_s = sc->network.building_latency_s;
    li.moe = m->n_experts > 0;
    gw_train_loose lo;
    if (gw_train_loose_eval(&tp, &li, &lo, &sub) != GW_OK)
        return;
    gw_doc_node *l = gw_doc_obj(doc, o, "loose", "loosely coupled (DiLoCo) across replicas");
    gw_doc_num(doc, l, "replicas", "replicas (loose.replicas)", R, "");
    gw_doc_num(doc, l, "sync_every", "inner steps per outer sync H (loose.sync_every)",
               li.sync_every, "");
    gw_doc_str(doc, l, "links", "links between replicas",
               campus ? "inter-building (network.building_bandwidth)"
                      : "the building's scale-out fabric (network.buildings 1)");
    gw_doc_num(doc, l, "link_Bps", "bandwidth per replica per direction", li.link_Bps, "B/s");
    gw_doc_num(doc, l, "outer_bytes", "outer sync traffic per replica", lo.outer_bytes_per_replica,
               "B");
    gw_doc_num(doc, l, "outer_sync_s", "outer sync time", lo.outer_sync_s, "s");
    gw_doc_num(doc, l, "inner_window_s", "H inner steps", li.sync_every * li.inner_step_s, "s");
    gw_doc_num(doc, l, "blocking_frac", "wall time in the sync (DiLoCo)", lo.blocking_frac, "frac");
    gw_doc_num(doc, l, "streaming_frac", "wall time in the sync (Streaming DiLoCo)",
               lo.streaming_frac, "frac");
    gw_doc_num(doc, l, "hdp_sync_s", "hierarchical DP: cross-replica gradient sync per step",
               lo.hdp_sync_s, "s");
    gw_doc_num(doc, l, "hdp_frac", "hierarchical DP: wall time in that sync", lo.hdp_frac, "frac");
    gw_doc_num(doc, l, "traffic_ratio", "hierarchical DP traffic / DiLoCo traffic",
               lo.traffic_ratio, "");
    double loose_useful = R * j->gpus_used * j->flops_per_gpu * gj * (1.0 - lo.streaming_frac);
    gw_doc_num(doc, l, "useful_flops",
               "useful FLOP/s (Streaming DiLoCo, before any quality "
               "cost)",
               loose_useful, "FLOP/s");
    /* Quality (docs/models/loose.md Q1-Q3): interpolated inside the
     * published rows; outside, the nearest published row, flagged. */
    char fp[16] = "", qline[600] = "", qshort[200] = "";
    double qf = lo.quality_known ? lo.compute_factor : 1.0;
    if (lo.fig_params >= 1e9)
        gw__snprintf(fp, sizeof fp, "%.3gB", lo.fig_params / 1e9);
    else
        gw__snprintf(fp, sizeof fp, "%.3gM", lo.fig_params / 1e6);
    if (!lo.quality_known) {
        gw__snprintf(qline, sizeof qline, "not quantified: %s", lo.why);
        gw__strlcpy(qshort, "not quantified", sizeof qshort);
    } else if (lo.in_range) {
        gw__snprintf(qline, sizeof qline,
                     "%+.2f%% eval loss vs data-parallel training (%s); "
                     "worth x%.3f of its compute in data-parallel terms",
                     100.0 * lo.loss_penalty, lo.fig_ref, lo.compute_factor);
        gw__snprintf(qshort, sizeof qshort,
                     "%.0f in data-parallel terms (quality %+.2f%% loss, "
                     "x%.2f compute, published range)",
                     loose_useful * qf / 1e18, 100.0 * lo.loss_penalty, lo.compute_factor);
    } else {
        gw__snprintf(qline, sizeof qline,
                     "outside the published range: %s. Nearest published "
                     "figure, not a prediction: %+.2f%% eval loss, x%.3f compute, at %.0f "
                     "replicas, H %.0f, %s parameters (%s)",
                     lo.why, 100.0 * lo.loss_penalty, lo.compute_factor, lo.fig_replicas,
                     lo.fig_sync_every, fp, lo.fig_ref);
        gw__snprintf(qshort, sizeof qshort,
                     "quality cost outside the published range (nearest "
                     "published figure %+.2f%% loss, x%.2f compute, at %.0f replicas, %s: %.0f, "
                     "not a prediction)",
                     100.0 * lo.loss_penalty, lo.compute_factor, lo.fig_replicas, fp,
                     loose_useful * qf / 1e18);
    }
    gw_doc_str(doc, l, "quality", "quality cost vs synchronous training", qline);
    gw_doc_bool(doc, l, "quality_in_range", "quality figure inside the published range",
                lo.in_range);
    if (lo.quality_known) {
        gw_doc_num(doc, l, "loss_penalty", "eval loss vs data-parallel, relative", lo.loss_penalty,
                   "frac");
        gw_doc_num(doc, l, "compute_factor", "loss-equivalent data-parallel compute factor",
                   lo.compute_factor, "");
        gw_doc_num(doc, l, "figure_replicas", "figure's replicas", lo.fig_replicas, "");
        gw_doc_num(doc, l, "figure_sync_every", "figure's H", lo.fig_sync_every, "");
        gw_doc_num(doc, l, "figure_params", "figure's model size (parameters)", lo.fig_params, "");
        gw_doc_str(doc, l, "figure_source", "figure's source", lo.fig_ref);
        gw_doc_str(doc, l, "quality_covers", "published range", lo.covers);
        gw_doc_num(doc, l, "useful_flops_quality",
                   lo.in_range ? "useful FLOP/s in data-parallel terms (x compute factor)"
                               : "useful FLOP/s x the nearest published figure's factor",
                   loose_useful * qf, "FLOP/s");
    }
    if (!lo.in_range)
        gw_doc_note(doc,
                    "layout: loosely coupled training with %s: no published study covers "
                    "it, so its quality cost is not extrapolated; the figure shown is the "
                    "nearest published one (%s), not a prediction (docs/models/loose.md)",
                    lo.why, lo.covers);
    char pw[96] = "";
    if (st->site.budget_w > 0 && st->site.gpus_in_budget < gpus)
        gw__snprintf(pw, sizeof pw, " (the power budget runs %.0f of them)",
                     floor(st->site.gpus_in_budget / j->gpus_used));
    gw__snprintf(st->layout_line[2], sizeof st->layout_line[2],
                 "%.0f jobs of %.0f GPUs%s: %.0f EFLOP/s useful vs %.1f for one job on all; or "
                 "DiLoCo over %.0f replicas, H %.0f: %.3g s sync per %.3g s of steps, %.0f "
                 "EFLOP/s useful before quality; %s",
                 n_jobs, j->gpus_used, pw, many / 1e18, one_job / 1e18, R, li.sync_every,
                 lo.outer_sync_s, li.sync_every * li.inner_step_s, loose_useful / 1e18, qshort);
    /* The target of issue 12: >= 90% goodput and >= 30% MFU for one job. */
    if (have_rj) {
        double tg = st->rel_job.target_goodput;
        bool met = g1 >= tg && j->mfu >= tr->feed_min_mfu;
        gw__snprintf(line, sizeof line,
                     "%s: %.0f GPUs, %.1f%% MFU, %.1f%% goodput (targets "
                     "%.0f%% / %.0f%%)",
                     met ? "met" : "not met", j->gpus_used, 100.0 * j->mfu, 100.0 * g1,
                     100.0 * tr->feed_min_mfu, 100.0 * tg);
        gw_doc_str(doc, o, "target", "goodput and MFU targets", line);
    }
}

static gw_status run_modules(gw_ctx *ctx, const gw_catalog *cat, gw_scenario *sc, const gw_accel *a,
                             const gw_system *sys, const gw_model *m, gw_doc *doc,
                             gw_doc_node *parent, gw_doc_node *hl, gw_doc_node *co, double flop,
                             double peak, bool charts, gw_error *err)
{
    plan_state *st = gw_calloc(ctx, 1, sizeof *st);
    if (!st)
        return gw__err(err, GW_ENOMEM, "out of memory planning the scenario");
    gw_net_comm *nc = NULL; /* the fabric's collective model, when there is one */
    gw_status rc;
    gw_error sub;
    char msg[1100];
    double gpus = sc->cluster.gpus;

    /* Site: power, racks, network, phases. */
    bool have_site = false;
    gw__err_clear(&sub);
    rc = gw_site_plan(ctx, cat, sc, &st->site, &sub);
    if (rc == GW_OK) {
        have_site = true;
        gw_site_report(doc, parent, &st->site);
    } else if (soft_failure(rc)) {
        gw_doc_note(doc, "site: %s", gw_error_format(&sub, msg, sizeof msg));
        not_computed(doc, parent, "site", "Site", msg);
        first_order_power(doc, parent, sc, a, sys);
    } else {
        *err = sub;
        goto done;
    }

    /* Training: the step-time model and the parallelism search. */
    bool have_train = false;
    gw_train_opts to;
    gw_plan_train_opts(sc, &to);
    to.top_k = 3;
    to.data_dir = plan_data_dir(cat);
    /* The fabric's collective model (network.model: flow, the default):
     * the closed-form bound of the site's fat tree in the search. */
    bool have_net = false;
    if (have_site && strcmp(sc->network.model, "flow") == 0) {
        gw__err_clear(&sub);
        rc = gw_net_topo_from_scenario(ctx, cat, sc, plan_data_dir(cat), &st->net, &sub);
        if (rc == GW_OK)
            rc = gw_net_comm_new(ctx, &st->net, gpus, &nc, &sub);
        if (rc == GW_OK) {
            have_net = true;
            to.comm = gw_net_comm_model(nc);
        } else if (soft_failure(rc)) {
            gw_doc_note(doc, "network: %s; collectives use the alpha-beta model",
                        gw_error_format(&sub, msg, sizeof msg));
        } else {
            *err = sub;
            goto done;
        }
    }
    /* A synchronous job rarely uses every GPU of a site: TP, PP, EP and the
     * batch divide by powers of two, and a million does not. When the whole
     * cluster has no valid layout, try the largest job sizes c * 2^k (c odd
     * and small) down to half the cluster, as a planner would, and say so. */
    double sizes[1 + 6 * 64];
    size_t n_sizes = job_sizes(gpus, sizes, sizeof sizes / sizeof sizes[0]);
    gw_error first;
    gw__err_clear(&first);
    for (size_t i = 0; i < n_sizes; i++) {
        to.n_gpus = sizes[i];
        gw__err_clear(&sub);
        rc = gw_train_plan(ctx, cat, m, a, sys, &to, &st->train, &sub);
        if (rc != GW_EINFEASIBLE)
            break;
        if (i == 0)
            first = sub; /* when nothing fits, report why the whole cluster does not */
    }
    if (rc == GW_EINFEASIBLE)
        sub = first;
    bool bad_split = rc == GW_ERANGE &&
                     (strcmp(sub.where, "pp_first") == 0 || strcmp(sub.where, "pp_last") == 0);
    if (bad_split)
        /* The scenario's own split is wrong (an input error, not an
         * infeasible cluster): name its key. */
        gw__strlcpy(sub.where,
                    strcmp(sub.where, "pp_first") == 0 ? "workload.pp_first_layers"
                                                       : "workload.pp_last_layers",
                    sizeof sub.where);
    if (strcmp(sub.where, "zero_shard") == 0)
        gw__strlcpy(sub.where, "workload.zero_shard", sizeof sub.where);
    if (rc == GW_OK) {
        have_train = true;
        if (to.n_gpus < gpus)
            gw_doc_note(doc,
                        "train: no parallel layout divides all %.0f GPUs; the job uses %.0f of "
                        "them (%.1f%%), the rest are spares or other jobs",
                        gpus, to.n_gpus, 100.0 * to.n_gpus / gpus);
        gw_train_report(doc, parent, &st->train);
        if (have_net)
            net_section(ctx, cat, m, a, sys, &to, doc, parent, st);
    } else if (soft_failure(rc) && !bad_split) {
        gw_doc_note(doc, "train: no feasible parallel configuration: %s",
                    gw_error_format(&sub, msg, sizeof msg));
        not_computed(doc, parent, "train", "Training plan", msg);
    } else {
        *err = sub;
        goto done;
    }
    if (co && !have_train && peak > 0) {
        gw_doc_num(doc, co, "mfu_assumed", "assumed utilisation", sc->workload.mfu_assumed, "frac");
        gw_doc_num(doc, co, "ideal_time_at_mfu_s", "time at assumed utilisation",
                   flop / (peak * sc->workload.mfu_assumed), "s");
        gw_doc_note(doc, "training time is first-order (6 N D plus attention at an assumed "
                         "utilisation): the step-time model found no configuration");
    }

    /* Reliability: interruptions and goodput over the failure-free run. */
    bool have_rel = false;
    if (have_train && st->train.run_s > 0) {
        gw_rel_job job;
        gw_rel_job_init(&job);
        gw_rel_job_from_scenario(sc, m, st->train.run_s, &job);
        gw__err_clear(&sub);
        rc = gw_rel_plan(ctx, cat, &job, &st->rel, &sub);
        if (rc == GW_OK) {
            have_rel = true;
            gw_rel_report(doc, gw_doc_obj(doc, parent, "rel", "Reliability"), &st->rel);
        } else if (soft_failure(rc)) {
            gw_doc_note(doc, "rel: %s", gw_error_format(&sub, msg, sizeof msg));
            not_computed(doc, parent, "rel", "Reliability", msg);
        } else {
            *err = sub;
            goto done;
        }
    } else {
        not_computed(doc, parent, "rel", "Reliability",
                     "needs the training run length, which the training plan did not give");
    }

    if (have_train)
        layout_section(ctx, cat, sc, m, doc, parent, st, have_rel);

    /* Economics: capex, opex, $/GPU-hour and the cost of the run. */
    bool have_econ = false;
    if (have_site) {
        gw__err_clear(&sub);
        rc = gw_econ_evaluate(ctx, cat, sc, &st->site, &st->econ, &sub);
        if (rc == GW_OK) {
            have_econ = true;
            gw_econ_report(doc, parent, &st->econ);
        } else if (soft_failure(rc)) {
            gw_doc_note(doc, "cost: %s", gw_error_format(&sub, msg, sizeof msg));
            not_computed(doc, parent, "cost", "Cost", msg);
        } else {
            *err = sub;
            goto done;
        }
    } else {
        not_computed(doc, parent, "cost", "Cost",
                     "needs the site plan (power, racks, network), which could not be made: "
                     "see the Site section");
    }
    if (have_econ && have_train && st->train.gpu_hours > 0) {
        /* GPU-hours of the whole job including failures: the failure-free
         * hours divided by goodput when the reliability model answered. */
        double goodput = have_rel && st->rel.goodput > 0 ? st->rel.goodput : 1.0;
        double gpu_hours = st->train.gpu_hours / goodput;
        gw__err_clear(&sub);
        rc = gw_econ_run_cost(&st->econ, gpu_hours, 0, &st->run, &sub);
        if (rc == GW_OK) {
            /* The GPU-hours come from the step-time model: its interval. */
            st->run.interval_level = st->train.interval_level;
            st->run.interval_lo_factor = st->train.interval_lo_factor;
            st->run.interval_hi_factor = st->train.interval_hi_factor;
            gw_econ_run_report(doc, parent, &st->run);
        } else
            gw_doc_note(doc, "run cost: %s", gw_error_format(&sub, msg, sizeof msg));
    }

    /* Serving: the site's output serving the model. */
    rc = serving_section(ctx, cat, sc, a, sys, m, have_site ? &st->site : NULL,
                         have_econ ? &st->econ : NULL, doc, parent, st, err);
    if (rc != GW_OK)
        goto done;

    /* Export control of the chosen accelerator. */
    gw__err_clear(&sub);
    rc = gw_policy_rules_load(ctx, cat, &st->rules, &sub);
    if (rc == GW_OK) {
        gw_policy_rule rule;
        if (gw_policy_rule_parse(sc->policy.rule, &rule) != GW_OK)
            rule = GW_POLICY_OCT2023;
        rc = gw_policy_classify(&st->rules, a, sc->policy.destination, rule, &st->chip, &sub);
        if (rc == GW_OK)
            gw_policy_chip_report(doc, parent, &st->rules, &st->chip);
    }
    if (rc != GW_OK) {
        *err = sub;
        goto done;
    }

    headline(doc, hl, sc, have_site ? &st->site : NULL, have_train ? &st->train : NULL,
             have_rel ? &st->rel : NULL, have_econ ? &st->econ : NULL,
             have_econ && have_train ? &st->run : NULL, &st->chip, st->net_line,
             (const char *const[]){st->layout_line[0], st->layout_line[1], st->layout_line[2]});
    if (st->serve_line[0])
        gw_doc_str(doc, hl, "serving", "serving", st->serve_line);
    rc = GW_OK;
    if (charts) {
        gw__plan_results pr = {
            a,         m, have_train ? &st->train : NULL, to.n_gpus, have_rel ? &st->rel : NULL,
            &st->rules};
        rc = gw__plan_charts(ctx, cat, sc, &pr, doc, parent);
        if (rc != GW_OK)
            gw__err(err, rc, "out of memory drawing the report's charts");
    }
done:
    gw_net_comm_free(nc);
    gw_free(ctx, st);
    return rc;
}

static gw_status plan_run(gw_ctx *ctx, const gw_catalog *cat, gw_scenario *sc, gw_doc *doc,
                          gw_doc_node *parent, bool charts, gw_error *err)
{
    if (!ctx || !cat || !sc || !doc)
        return gw__err(err, GW_EINVAL, "gw_plan_run: bad argument");
    const gw_accel *a = NULL;
    const gw_system *sys = NULL;
    const gw_model *m = NULL;
    const char *system_given = sc->cluster.system; /* resolve may substitute it */
    gw_status rc = gw_scenario_resolve(ctx, sc, cat, &a, &sys, &m, err);
    if (rc != GW_OK)
        return rc;
    if (sc->cluster.gpus <= 0) {
        gw__err(err, GW_ESCHEMA, "missing required key \"gpus\"");
        gw__strlcpy(err ? err->where : NULL, "cluster.gpus", err ? sizeof err->where : 0);
        gw__strlcpy(err ? err->path : NULL, sc->path, err ? sizeof err->path : 0);
        return GW_ESCHEMA;
    }
    double gpus = sc->cluster.gpus;
    if (system_given[0] && !gw__streq_nocase(sys->name, system_given))
        gw_doc_note(doc, "cluster.system \"%s\" does not hold %s: used %s's default system \"%s\"",
                    system_given, a->name, a->name, sys->name);
    scenario_section(doc, parent, sc);
    gw_doc_node *hl = gw_doc_obj(doc, parent, "headline", "Headline");

    /* ---- Cluster -------------------------------------------------------- */
    gw_doc_node *cl = gw_doc_obj(doc, parent, "cluster", "Cluster");
    gw_doc_str(doc, cl, "accelerator", "accelerator",
               a->display_name[0] ? a->display_name : a->name);
    gw_doc_str(doc, cl, "system", "server / rack",
               sys->display_name[0] ? sys->display_name : sys->name);
    gw_doc_num(doc, cl, "gpus", "GPUs", gpus, "");
    gw_doc_int(doc, cl, "scaleup_domain", "scale-up domain (GPUs)", sys->scaleup_domain);
    static const gw_precision show[] = {GW_PREC_BF16, GW_PREC_FP8, GW_PREC_FP4};
    gw_doc_node *pk = gw_doc_obj(doc, cl, "peak_flops", "peak dense FLOP/s (whole cluster)");
    for (size_t i = 0; i < sizeof show / sizeof show[0]; i++) {
        double f = a->peak_flops[show[i]];
        if (f <= 0)
            continue;
        char key[32], label[32];
        gw__snprintf(key, sizeof key, "%s_flops", gw_precision_name(show[i]));
        gw__snprintf(label, sizeof label, "%s", gw_precision_name(show[i]));
        gw_doc_num(doc, pk, key, label, f * gpus, "FLOP/s");
    }

    /* ---- Model and compute --------------------------------------------- */
    gw_doc_node *mo = gw_doc_obj(doc, parent, "model", "Model");
    gw_doc_str(doc, mo, "name", "name", m->name);
    gw_doc_str(doc, mo, "model_type", "architecture", m->model_type);
    gw_doc_num(doc, mo, "params_total", "total parameters", m->params_total, "");
    gw_doc_num(doc, mo, "params_active", "active parameters per token", m->params_active, "");

    double f6 = 0, fa = 0, peak = a->peak_flops[sc->workload.precision] * gpus;
    gw_doc_node *co = NULL;
    if (sc->workload.tokens > 0) {
        co = gw_doc_obj(doc, parent, "compute", "Training compute (first order)");
        gw_plan_compute_flop(m, sc->workload.tokens, sc->workload.seq_len, &f6, &fa);
        gw_doc_num(doc, co, "tokens", "training tokens", sc->workload.tokens, "");
        gw_doc_str(doc, co, "precision", "precision", gw_precision_name(sc->workload.precision));
        gw_doc_num(doc, co, "flop_6nd", "6 N_active D", f6, "FLOP");
        gw_doc_num(doc, co, "flop_with_attention", "with causal attention", fa, "FLOP");
        if (peak > 0)
            gw_doc_num(doc, co, "ideal_time_100pct_s", "time at 100% of peak", fa / peak, "s");
        else
            gw_doc_note(doc, "%s has no %s rate in the catalog", a->name,
                        gw_precision_name(sc->workload.precision));
    }

    rc = run_modules(ctx, cat, sc, a, sys, m, doc, parent, hl, co, fa, peak, charts, err);
    if (rc != GW_OK)
        return rc;
    return gw_doc_status(doc);
}

gw_status gw_plan_run(gw_ctx *ctx, const gw_catalog *cat, gw_scenario *sc, gw_doc *doc,
                      gw_doc_node *parent, gw_error *err)
{
    return plan_run(ctx, cat, sc, doc, parent, false, err);
}

gw_status gw_plan_run_charts(gw_ctx *ctx, const gw_catalog *cat, gw_scenario *sc, gw_doc *doc,
                             gw_doc_node *parent, gw_error *err)
{
    return plan_run(ctx, cat, sc, doc, parent, true, err);
}

gw_status gw_plan_report_html(gw_ctx *ctx, const gw_catalog *cat, gw_scenario *sc, FILE *out,
                              gw_error *err)
{
    if (!ctx || !cat || !sc || !out)
        return gw__err(err, GW_EINVAL, "gw_plan_report_html: bad argument");
    gw_doc *doc = gw_doc_new(ctx);
    if (!doc)
        return gw__err(err, GW_ENOMEM, "out of memory");
    gw_doc_node *root = gw_doc_root(doc);
    char title[300];
    gw__snprintf(title, sizeof title, "gigawatt report: %s",
                 sc->name && sc->name[0] ? sc->name : "scenario");
    gw_doc_str(doc, root, "title", "title", title);
    if (sc->description && sc->description[0])
        gw_doc_str(doc, root, "subtitle", "subtitle", sc->description);
    gw_status rc = gw_plan_run_charts(ctx, cat, sc, doc, root, err);
    if (rc == GW_OK) {
        rc = gw_report_html(doc, out);
        if (rc != GW_OK)
            gw__err(err, rc, rc == GW_EIO ? "write error" : "rendering the HTML report failed");
    }
    gw_doc_free(doc);
    return rc;
}
