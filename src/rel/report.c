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
