/* SPDX-License-Identifier: MIT */
/*
 * report.c: writes a gw_rel_result into a gw_doc (JSON keys snake_case with
 * unit suffixes, numbers in base SI units, fractions as "frac").
 */
#include <gigawatt/rel.h>
#include <gigawatt/report.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>

static void dist(gw_doc *doc, gw_doc_node *parent, const char *key, const char *label,
                 const gw_rel_dist *d, const char *unit)
{
    gw_doc_node *o = gw_doc_obj(doc, parent, key, label);
    gw_doc_num(doc, o, "mean", "mean", d->mean, unit);
    gw_doc_num(doc, o, "sd", "standard deviation", d->sd, unit);
    gw_doc_num(doc, o, "p5", "5th percentile", d->p5, unit);
    gw_doc_num(doc, o, "p50", "median", d->p50, unit);
    gw_doc_num(doc, o, "p95", "95th percentile", d->p95, unit);
}

const char *gw_rel_lever_set_str(unsigned set, char *buf, size_t len)
{
    if (!buf || len == 0)
        return "";
    buf[0] = '\0';
    size_t used = 0;
    for (unsigned k = 0; k < GW_REL_N_LEVERS; k++) {
        if (!(set & (1u << k)))
            continue;
        int n = snprintf(buf + used, len - used, "%s%s", used ? "+" : "",
                         gw_rel_lever_name((gw_rel_lever)k));
        if (n < 0 || (size_t)n >= len - used)
            return buf;
        used += (size_t)n;
    }
    if (used == 0)
        snprintf(buf, len, "none");
    return buf;
}

void gw_rel_report_levers_row(gw_doc *doc, gw_doc_node *arr, const gw_rel_result *r)
{
    if (!doc || !arr || !r)
        return;
    const gw_rel_levers *lv = &r->lever_search;
    static const char *const keys[GW_REL_N_LEVERS] = {"in_memory", "elastic", "partial",
                                                      "hot_spares", "fast_detect"};
    gw_doc_node *o = gw_doc_obj(doc, arr, NULL, NULL);
    char set[96];
    gw_doc_num(doc, o, "gpus", "GPUs", r->gpus, "");
    gw_doc_num(doc, o, "none", "no lever", lv->goodput_none, "frac");
    for (unsigned k = 0; k < GW_REL_N_LEVERS; k++)
        gw_doc_num(doc, o, keys[k], gw_rel_lever_name((gw_rel_lever)k), lv->goodput_alone[k],
                   "frac");
    gw_doc_num(doc, o, "all", "all five", lv->goodput_all, "frac");
    if (lv->found) {
        gw_doc_str(doc, o, "cheapest", "cheapest set reaching target",
                   gw_rel_lever_set_str(lv->best_set, set, sizeof set));
        gw_doc_num(doc, o, "cheapest_goodput", "its goodput", lv->best_goodput, "frac");
        gw_doc_num(doc, o, "spare_gpus", "spare GPUs", lv->best_spare_gpus, "");
        gw_doc_num(doc, o, "cost_usd", "spare cost", lv->best_cost_usd, "USD");
    } else {
        /* No set reaches the target: show the best one instead. */
        gw_doc_str(doc, o, "cheapest", "cheapest set reaching target", "none");
        gw_doc_num(doc, o, "cheapest_goodput", "its goodput", (double)NAN, "frac");
        gw_doc_num(doc, o, "spare_gpus", "spare GPUs", (double)NAN, "");
        gw_doc_num(doc, o, "cost_usd", "spare cost", (double)NAN, "USD");
    }
    gw_doc_str(doc, o, "best", "best set", gw_rel_lever_set_str(lv->max_set, set, sizeof set));
    gw_doc_num(doc, o, "best_goodput", "best goodput", lv->max_goodput, "frac");
}

void gw_rel_report(gw_doc *doc, gw_doc_node *parent, const gw_rel_result *r)
{
    if (!doc || !parent || !r)
        return;
    /* Headline figures first, at the top of the object. */
    gw_doc_num(doc, parent, "unexpected_interruptions", "unexpected interruptions (expected)",
               r->unexpected_interruptions, "");
    gw_doc_num(doc, parent, "planned_interruptions", "planned interruptions (expected)",
               r->planned_interruptions, "");
    gw_doc_num(doc, parent, "interruptions_per_day", "interruptions per day",
               r->interruptions_per_day, "");
    gw_doc_num(doc, parent, "mtti_s", "mean time to unexpected interruption", r->mtti_s, "s");
    gw_doc_num(doc, parent, "mtti_all_s", "mean time to any interruption", r->mtti_all_s, "s");
    gw_doc_num(doc, parent, "checkpoint_interval_s", "checkpoint interval",
               r->checkpoint_interval_s, "s");
    gw_doc_num(doc, parent, "goodput", "goodput (effective training time ratio)", r->goodput,
               "frac");
    gw_doc_num(doc, parent, "work_s", "useful compute time", r->work_s, "s");
    if (!r->window_mode && r->max_wall_s > 0.0 && !(r->wall_s <= r->max_wall_s)) {
        /* The renewal answer work/goodput grows without bound (1e194 years);
         * past the model's cap the run simply does not finish. */
        char why[160];
        snprintf(why, sizeof why, "does not finish within %.3g years; goodput %.2f%%",
                 r->max_wall_s / (365.25 * 86400.0), 100.0 * r->goodput);
        gw_doc_na(doc, parent, "wall_s", "wall-clock time", "s", why);
    } else {
        gw_doc_num(doc, parent, "wall_s", "wall-clock time", r->wall_s, "s");
    }
    gw_doc_bool(doc, parent, "window_mode", "fixed wall-clock window", r->window_mode);
    gw_doc_str(doc, parent, "profile", "failure profile", r->profile);
    if (r->system[0])
        gw_doc_str(doc, parent, "system", "system", r->system);

    gw_doc_node *c = gw_doc_obj(doc, parent, "components", "Components in the job");
    gw_doc_num(doc, c, "gpus", "GPUs", r->gpus, "");
    gw_doc_num(doc, c, "nodes", "nodes", r->nodes, "");
    gw_doc_num(doc, c, "nics", "scale-out NICs", r->nics, "");
    gw_doc_num(doc, c, "links", "scale-out links", r->links, "");
    gw_doc_num(doc, c, "switches", "scale-out switches", r->switches, "");
    gw_doc_int(doc, c, "fabric_tiers", "fat-tree tiers (0: given)", r->fabric_tiers);
    if (r->racks > 0.0) {
        gw_doc_num(doc, c, "racks", "rack NVLink domains", r->racks, "");
        gw_doc_int(doc, c, "rack_gpus", "GPUs per rack domain", r->rack_gpus);
    }
    if (r->node_rate_factor != 1.0)
        gw_doc_num(doc, c, "node_rate_factor", "node-rate factor (GPUs per node / reference)",
                   r->node_rate_factor, "");

    gw_doc_node *k = gw_doc_obj(doc, parent, "checkpoint", "Checkpoint and restart");
    gw_doc_num(doc, k, "params", "model parameters", r->params, "");
    gw_doc_num(doc, k, "checkpoint_bytes", "checkpoint size", r->checkpoint_bytes, "B");
    gw_doc_num(doc, k, "checkpoint_write_Bps", "storage write bandwidth", r->checkpoint_write_Bps,
               "B/s");
    gw_doc_num(doc, k, "checkpoint_write_s", "checkpoint write time", r->checkpoint_write_s, "s");
    gw_doc_num(doc, k, "checkpoint_block_s", "job blocked per checkpoint", r->checkpoint_block_s,
               "s");
    gw_doc_bool(doc, k, "checkpoint_async", "asynchronous checkpoints", r->checkpoint_async);
    gw_doc_num(doc, k, "young_interval_s", "Young interval sqrt(2 delta M)", r->young_interval_s,
               "s");
    gw_doc_num(doc, k, "daly_interval_s", "Daly interval", r->daly_interval_s, "s");
    gw_doc_num(doc, k, "detect_s", "failure detection", r->detect_s, "s");
    gw_doc_num(doc, k, "restart_s", "restart", r->restart_s, "s");
    gw_doc_num(doc, k, "recovery_s", "detection + restart", r->recovery_s, "s");
    gw_doc_num(doc, k, "repair_s", "node repair time", r->repair_s, "s");
    gw_doc_num(doc, k, "spare_nodes", "hot-spare nodes (-1: unlimited)", r->spare_nodes, "");
    gw_doc_num(doc, k, "spares_needed", "spare nodes needed", r->spares_needed, "");
    gw_doc_num(doc, k, "straggler_slowdown", "straggler slowdown", r->straggler_slowdown, "frac");
    gw_doc_num(doc, k, "lemon_factor", "lemon-node rate factor", r->lemon_factor, "");
    gw_doc_num(doc, k, "weibull_shape", "hardware hazard shape", r->weibull_shape, "");

    gw_doc_node *g = gw_doc_obj(doc, parent, "losses", "Goodput losses (fractions of wall time)");
    gw_doc_num(doc, g, "checkpoint", "checkpoint writes", r->loss_checkpoint, "frac");
    gw_doc_num(doc, g, "rework", "lost work", r->loss_rework, "frac");
    gw_doc_num(doc, g, "recovery", "detection + restart", r->loss_recovery, "frac");
    gw_doc_num(doc, g, "planned", "planned maintenance", r->loss_planned, "frac");
    gw_doc_num(doc, g, "straggler", "stragglers", r->loss_straggler, "frac");

    gw_doc_node *q = gw_doc_obj(doc, parent, "to_reach_target", "To reach the target goodput");
    gw_doc_num(doc, q, "target_goodput", "target goodput", r->target_goodput, "frac");
    gw_doc_num(doc, q, "max_recovery_s", "longest detection + restart", r->req_recovery_s, "s");
    gw_doc_num(doc, q, "min_checkpoint_write_Bps", "least checkpoint bandwidth", r->req_write_Bps,
               "B/s");
    gw_doc_num(doc, q, "max_rate_scale", "largest factor on failure rates", r->req_rate_scale, "");

    {
        const gw_rel_levers *lv = &r->lever_search;
        char set[96];
        gw_doc_node *l = gw_doc_obj(doc, parent, "levers", "Fault-tolerance levers");
        gw_doc_str(doc, l, "in_use", "levers in use",
                   gw_rel_lever_set_str(r->levers, set, sizeof set));
        gw_doc_num(doc, l, "replica_gpus", "GPUs per data-parallel replica", r->replica_gpus, "");
        gw_doc_num(doc, l, "contained_frac", "failures confined to one replica",
                   r->rate_unexpected_s > 0.0 ? r->rate_contained_s / r->rate_unexpected_s : 0.0,
                   "frac");
        gw_doc_num(doc, l, "spare_pool_gpus", "spare pool (99.9% of GPUs in repair)",
                   lv->spare_pool_gpus, "");
        gw_doc_num(doc, l, "price_per_gpu_usd", "price per GPU", lv->price_per_gpu_usd, "USD");
        gw_rel_report_levers_row(doc, gw_doc_arr(doc, l, "search", "Goodput by lever set"), r);
    }

    gw_doc_node *t = gw_doc_arr(doc, parent, "causes", "Interruptions by cause");
    for (size_t j = 0; j < r->n_causes; j++) {
        const gw_rel_cause *x = &r->causes[j];
        gw_doc_node *o = gw_doc_obj(doc, t, NULL, NULL);
        gw_doc_str(doc, o, "cause", "cause", x->name);
        gw_doc_str(doc, o, "category", "category", x->category);
        gw_doc_str(doc, o, "scope", "per", gw_rel_scope_name(x->scope));
        gw_doc_num(doc, o, "units", "components", x->units, "");
        gw_doc_num(doc, o, "mtbf_per_unit_s", "MTBF per component",
                   x->rate_per_unit_s > 0.0 ? 1.0 / x->rate_per_unit_s : HUGE_VAL, "s");
        gw_doc_num(doc, o, "expected", "expected", x->expected, "");
        gw_doc_num(doc, o, "share", "share", x->share, "frac");
        if (r->n_proxy > 0)
            gw_doc_bool(doc, o, "proxy", "proxy", x->proxy);
        if (r->trials > 0)
            gw_doc_num(doc, o, "mc_mean", "simulated", x->mc_mean, "");
        if (!isnan(x->observed))
            gw_doc_num(doc, o, "observed", "observed (reference run)", x->observed, "");
    }

    if (r->trials > 0) {
        gw_doc_node *m = gw_doc_obj(doc, parent, "montecarlo", "Monte Carlo");
        gw_doc_int(doc, m, "trials", "trials", (int64_t)r->trials);
        if (r->seed <= (uint64_t)INT64_MAX)
            gw_doc_int(doc, m, "seed", "seed", (int64_t)r->seed);
        gw_doc_num(doc, m, "interval_s", "checkpoint interval simulated", r->mc_interval_s, "s");
        dist(doc, m, "goodput", "goodput", &r->mc_goodput, "frac");
        dist(doc, m, "wall_s", "wall-clock time", &r->mc_wall_s, "s");
        dist(doc, m, "unexpected_interruptions", "unexpected interruptions", &r->mc_unexpected, "");
        dist(doc, m, "planned_interruptions", "planned interruptions", &r->mc_planned, "");
        if (!r->window_mode)
            gw_doc_num(doc, m, "completed_frac", "trials completed", r->mc_completed_frac, "frac");
        if (!isnan(r->mc_best_interval_s)) {
            gw_doc_num(doc, m, "best_interval_s", "best interval (search)", r->mc_best_interval_s,
                       "s");
            gw_doc_num(doc, m, "best_goodput", "goodput at the best interval", r->mc_best_goodput,
                       "frac");
        }
    }
    for (size_t j = 0; j < r->n_notes; j++)
        gw_doc_note(doc, "rel: %s", r->notes[j]);
}
