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
 */
#include <gigawatt/plan.h>

#include <math.h>
#include <string.h>

#include "core/core_internal.h"

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
    double attn_per_token = 3.0 * 2.0 * (double)m->n_layers * (seq / 2.0) * (double)m->n_heads *
                            (d_qk + d_v);
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

gw_status gw_plan_run(gw_ctx *ctx, const gw_catalog *cat, gw_scenario *sc, gw_doc *doc,
                      gw_doc_node *parent, gw_error *err)
{
    if (!ctx || !cat || !sc || !doc)
        return gw__err(err, GW_EINVAL, "gw_plan_run: bad argument");
    const gw_accel *a = NULL;
    const gw_system *sys = NULL;
    const gw_model *m = NULL;
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
    scenario_section(doc, parent, sc);

    /* ---- Cluster -------------------------------------------------------- */
    gw_doc_node *cl = gw_doc_obj(doc, parent, "cluster", "Cluster");
    gw_doc_str(doc, cl, "accelerator", "accelerator", a->display_name[0] ? a->display_name : a->name);
    gw_doc_str(doc, cl, "system", "server / rack", sys->display_name[0] ? sys->display_name : sys->name);
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

    /* ---- Power (first order) -------------------------------------------- */
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

    /* ---- Model and compute --------------------------------------------- */
    gw_doc_node *mo = gw_doc_obj(doc, parent, "model", "Model");
    gw_doc_str(doc, mo, "name", "name", m->name);
    gw_doc_str(doc, mo, "model_type", "architecture", m->model_type);
    gw_doc_num(doc, mo, "params_total", "total parameters", m->params_total, "");
    gw_doc_num(doc, mo, "params_active", "active parameters per token", m->params_active, "");

    if (sc->workload.tokens > 0) {
        gw_doc_node *co = gw_doc_obj(doc, parent, "compute", "Training compute (first order)");
        double f6, fa;
        gw_plan_compute_flop(m, sc->workload.tokens, sc->workload.seq_len, &f6, &fa);
        double peak = a->peak_flops[sc->workload.precision] * gpus;
        gw_doc_num(doc, co, "tokens", "training tokens", sc->workload.tokens, "");
        gw_doc_str(doc, co, "precision", "precision", gw_precision_name(sc->workload.precision));
        gw_doc_num(doc, co, "flop_6nd", "6 N_active D", f6, "FLOP");
        gw_doc_num(doc, co, "flop_with_attention", "with causal attention", fa, "FLOP");
        if (peak > 0) {
            gw_doc_num(doc, co, "ideal_time_100pct_s", "time at 100% of peak", fa / peak, "s");
            gw_doc_num(doc, co, "mfu_assumed", "assumed utilisation", sc->workload.mfu_assumed,
                       "frac");
            gw_doc_num(doc, co, "ideal_time_at_mfu_s", "time at assumed utilisation",
                       fa / (peak * sc->workload.mfu_assumed), "s");
        } else {
            gw_doc_note(doc, "%s has no %s rate in the catalog", a->name,
                        gw_precision_name(sc->workload.precision));
        }
        gw_doc_note(doc, "training compute and times are first-order: 6 N D plus attention at an "
                         "assumed utilisation, not the step-time model");
    }
    return gw_doc_status(doc);
}
