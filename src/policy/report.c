/* SPDX-License-Identifier: MIT */
/*
 * report.c: writes export-control classifications (one chip, all chips) and
 * the compliant-cluster comparison into a gw_doc, citing the rule and its
 * source in the output.
 */
#include <gigawatt/policy.h>

#include <math.h>
#include <string.h>

#include "core/core_internal.h"

static const char *band_name(const gw_policy_rules *R, int band)
{
    if (band <= 0 || (size_t)band > R->n_bands)
        return "none";
    return R->bands[band - 1].name;
}

/* "D:5 + Macau, D:1/D:4" ... for the destination's group bits. */
static void groups_text(unsigned bits, char *buf, size_t n)
{
    static const char *const titles[GW_POLICY_N_GROUPS] = {
        "home country", "China/HK/Macau", "D:5 + Macau", "D:1/D:4", "AI Diffusion Tier 1"};
    buf[0] = '\0';
    size_t used = 0;
    for (size_t g = 0; g < GW_POLICY_N_GROUPS; g++) {
        if (!(bits & (1u << g)))
            continue;
        gw__snprintf(buf + used, n - used, "%s%s", used ? ", " : "", titles[g]);
        used = strlen(buf);
    }
    if (!buf[0])
        gw__snprintf(buf, n, "none listed (not D:1/D:4/D:5, not Tier 1)");
}

void gw_policy_chip_report(gw_doc *doc, gw_doc_node *parent, const gw_policy_rules *R,
                           const gw_policy_chip *c)
{
    if (!doc || !R || !c || !c->accel || (unsigned)c->rule >= (unsigned)GW_POLICY_N_RULES)
        return;
    if (!parent)
        parent = gw_doc_root(doc);
    const gw_policy_rule_info *in = &R->info[c->rule];
    char groups[160];
    groups_text(c->groups, groups, sizeof groups);
    gw_doc_node *n = gw_doc_obj(doc, parent, "export", "Export control");
    gw_doc_str(doc, n, "accelerator", "Accelerator", c->accel->name);
    gw_doc_str(doc, n, "display_name", "Name", c->accel->display_name);
    gw_doc_bool(doc, n, "datacenter", "Designed for data centres", c->accel->datacenter);
    gw_doc_num(doc, n, "tpp", "TPP (dense rate x bits, max)", c->tpp, "");
    gw_doc_str(doc, n, "tpp_precision", "TPP precision", gw_precision_name(c->tpp_precision));
    gw_doc_num(doc, n, "die_area_mm2", "Applicable die area (mm2)", c->accel->die_area_mm2, "");
    gw_doc_num(doc, n, "pd", "Performance density (TPP/mm2)", c->pd, "");
    gw_doc_num(doc, n, "io_Bps", "Scale-up I/O (bidirectional)", c->io_Bps, "B/s");
    gw_doc_num(doc, n, "dram_Bps", "DRAM bandwidth", c->dram_Bps, "B/s");
    gw_doc_str(doc, n, "oct2023_class", "Oct-2023 ECCN", gw_policy_class_name(c->oct2023));
    gw_doc_str(doc, n, "oct2023_clause", "Oct-2023 clause", c->oct2023_clause);
    gw_doc_bool(doc, n, "oct2022_controlled", "Controlled under Oct-2022", c->oct2022_controlled);
    gw_doc_bool(doc, n, "jan2026_case_by_case", "In Jan-2026 case-by-case band", c->jan2026_band);
    gw_doc_str(doc, n, "sec232_band", "Section 232 tariff band", band_name(R, c->sec232_band));
    if (c->sec232_band > 0)
        gw_doc_num(doc, n, "sec232_rate", "Section 232 duty (unless exempt)", R->sec232_rate,
                   "frac");
    gw_doc_str(doc, n, "destination", "Destination", c->destination);
    gw_doc_str(doc, n, "destination_groups", "Destination groups", groups);
    gw_doc_str(doc, n, "rule", "Rule", gw_policy_rule_name(c->rule));
    gw_doc_str(doc, n, "rule_name", "Rule name", in->name);
    gw_doc_str(doc, n, "rule_date", "In force from", in->date);
    if (in->rescinded[0])
        gw_doc_str(doc, n, "rule_rescinded", "Rescinded (never applied)", in->rescinded);
    gw_doc_str(doc, n, "rule_title", "Rule title", in->title);
    gw_doc_str(doc, n, "licence", "Licence", gw_policy_licence_name(c->licence));
    gw_doc_str(doc, n, "answer", "Answer", c->answer);
    if (c->has_measure)
        gw_doc_str(doc, n, "measures", "Chip-specific measures", c->measures);
    if (c->share > 0.0)
        gw_doc_num(doc, n, "revenue_share", "Share paid to the US government", c->share, "frac");
    gw_doc_str(doc, n, "reason", "Reason", c->reason);
    gw_doc_str(doc, n, "reference", "Reference (export_control.md section)", in->reference);
    gw_doc_str(doc, n, "source", "Rule source", in->source);
    if (c->sec232_band > 0)
        gw_doc_str(doc, n, "sec232_source", "Tariff source", R->src_sec232);
    gw_doc_note(doc, "export: answers from secondary summaries of the Federal Register "
                     "(data/reference/export_control.md); end-use and Entity List rules are not "
                     "modelled; not legal advice.");
}

void gw_policy_compare_report(gw_doc *doc, gw_doc_node *parent, const gw_policy_rules *R,
                              const gw_policy_chip *chips, size_t n)
{
    if (!doc || !R || !chips)
        return;
    if (!parent)
        parent = gw_doc_root(doc);
    gw_doc_node *arr = gw_doc_arr(doc, parent, "chips", "Export classification of every chip");
    for (size_t i = 0; i < n; i++) {
        const gw_policy_chip *c = &chips[i];
        gw_doc_node *row = gw_doc_obj(doc, arr, NULL, NULL);
        gw_doc_str(doc, row, "accelerator", "Chip", c->accel->name);
        gw_doc_num(doc, row, "tpp", "TPP", c->tpp, "");
        gw_doc_str(doc, row, "tpp_precision", "at", gw_precision_name(c->tpp_precision));
        gw_doc_num(doc, row, "pd", "PD", c->pd, "");
        gw_doc_str(doc, row, "oct2023_class", "Oct-2023", gw_policy_class_name(c->oct2023));
        gw_doc_bool(doc, row, "oct2022_controlled", "Oct-2022 ctl", c->oct2022_controlled);
        gw_doc_bool(doc, row, "jan2026_case_by_case", "Jan-2026 band", c->jan2026_band);
        gw_doc_str(doc, row, "sec232_band", "S232 band", band_name(R, c->sec232_band));
        gw_doc_str(doc, row, "licence", "Licence", gw_policy_licence_name(c->licence));
    }
    for (size_t i = 0; i < n; i++)
        if (chips[i].has_measure)
            gw_doc_note(doc, "export: %s: %s", chips[i].accel->name, chips[i].measures);
    if (n > 0) {
        gw_doc_node *m = gw_doc_obj(doc, parent, "rules", "Rules applied");
        gw_doc_str(doc, m, "destination", "Destination", chips[0].destination);
        gw_doc_str(doc, m, "rule", "Licence rule", gw_policy_rule_name(chips[0].rule));
        if ((unsigned)chips[0].rule < (unsigned)GW_POLICY_N_RULES) {
            const gw_policy_rule_info *in = &R->info[chips[0].rule];
            gw_doc_str(doc, m, "rule_name", "Rule name", in->name);
            gw_doc_str(doc, m, "rule_date", "In force from", in->date);
            if (in->rescinded[0])
                gw_doc_str(doc, m, "rule_rescinded", "Rescinded (never applied)", in->rescinded);
            gw_doc_str(doc, m, "reference", "Reference (export_control.md section)", in->reference);
        }
        gw_doc_str(doc, m, "oct2023_source", "Oct-2023 source", R->src_oct2023);
        gw_doc_str(doc, m, "oct2022_source", "Oct-2022 source", R->src_oct2022);
        gw_doc_str(doc, m, "jan2026_source", "Jan-2026 source", R->src_jan2026);
        gw_doc_str(doc, m, "sec232_source", "Section 232 source", R->src_sec232);
    }
    gw_doc_note(doc,
                "export: TPP = max over precisions of dense TFLOP/s (or TOPS) x bit width; "
                "PD = TPP / applicable die area; PD is n/a where the die area is unpublished.");
}

void gw_policy_compliant_report(gw_doc *doc, gw_doc_node *parent, const gw_policy_compliant *c)
{
    if (!doc || !c)
        return;
    if (!parent)
        parent = gw_doc_root(doc);
    gw_doc_node *n = gw_doc_obj(doc, parent, "compliant", "Compliant cluster");
    gw_doc_str(doc, n, "destination", "Destination", c->destination);
    gw_doc_str(doc, n, "rule", "Rule", gw_policy_rule_name(c->rule));
    gw_doc_num(doc, n, "power_w", "Power budget", c->power_w, "W");
    gw_doc_str(doc, n, "precision", "Precision", gw_precision_name(c->precision));
    if (c->train_flop > 0.0) {
        gw_doc_num(doc, n, "train_flop", "Training compute", c->train_flop, "FLOP");
        gw_doc_num(doc, n, "mfu", "MFU assumed", c->mfu, "frac");
    }
    gw_doc_node *arr = gw_doc_arr(doc, n, "options", "Options in the budget");
    for (size_t i = 0; i < c->n_options; i++) {
        const gw_policy_option *o = &c->options[i];
        if (!o->planned)
            continue;
        gw_doc_node *row = gw_doc_obj(doc, arr, NULL, NULL);
        gw_doc_str(doc, row, "accelerator", "Chip", o->chip.accel->name);
        gw_doc_str(doc, row, "oct2023_class", "ECCN", gw_policy_class_name(o->chip.oct2023));
        gw_doc_bool(doc, row, "allowed", "Allowed", o->chip.allowed);
        gw_doc_num(doc, row, "gpus", "GPUs", o->gpus, "");
        gw_doc_num(doc, row, "peak_flops", "Peak", o->peak_flops, "FLOP/s");
        gw_doc_num(doc, row, "capex_usd", "Capex", o->capex_usd, "USD");
        gw_doc_num(doc, row, "usd_per_gpu_hour", "$/GPU-h", o->usd_per_gpu_hour, "USD");
        gw_doc_num(doc, row, "flops_per_w", "FLOP/s per W", o->flops_per_w, "");
        if (c->train_flop > 0.0) {
            gw_doc_num(doc, row, "train_time_s", "Train time", o->train_time_s, "s");
            gw_doc_num(doc, row, "train_cost_usd", "Train cost", o->train_cost_usd, "USD");
        }
    }
    gw_doc_node *skipped = gw_doc_arr(doc, n, "skipped", "Not planned");
    for (size_t i = 0; i < c->n_options; i++) {
        const gw_policy_option *o = &c->options[i];
        if (o->planned)
            continue;
        gw_doc_node *row = gw_doc_obj(doc, skipped, NULL, NULL);
        gw_doc_str(doc, row, "accelerator", "Chip", o->chip.accel->name);
        gw_doc_str(doc, row, "reason", "Why", o->skip_reason);
    }
    const gw_policy_option *ba = c->best_allowed >= 0 ? &c->options[c->best_allowed] : NULL;
    const gw_policy_option *bu = c->best_any >= 0 ? &c->options[c->best_any] : NULL;
    gw_doc_node *s = gw_doc_obj(doc, n, "summary", "Restricted vs unrestricted");
    gw_doc_str(doc, s, "best_allowed", "Best allowed chip", ba ? ba->chip.accel->name : "none");
    gw_doc_str(doc, s, "best_unrestricted", "Best chip overall",
               bu ? bu->chip.accel->name : "none");
    if (ba && bu) {
        gw_doc_num(doc, s, "peak_ratio", "Allowed / best peak in the budget",
                   bu->peak_flops > 0.0 ? ba->peak_flops / bu->peak_flops : (double)NAN, "");
        if (c->train_flop > 0.0) {
            gw_doc_num(doc, s, "time_ratio", "Allowed / best training time",
                       bu->train_time_s > 0.0 ? ba->train_time_s / bu->train_time_s : (double)NAN,
                       "");
            gw_doc_num(doc, s, "cost_ratio", "Allowed / best training cost",
                       bu->train_cost_usd > 0.0 ? ba->train_cost_usd / bu->train_cost_usd
                                                : (double)NAN,
                       "");
        }
        if (c->train_flop > 0.0 && bu->train_cost_usd > 0.0 && bu->train_time_s > 0.0)
            gw_doc_note(doc,
                        "export: with %s the best chip allowed to %s, the same %.0f MW "
                        "trains %.3g FLOP in %.2fx the time and at %.2fx the cost of %s.",
                        ba->chip.accel->name, c->destination, c->power_w / 1e6, c->train_flop,
                        ba->train_time_s / bu->train_time_s,
                        ba->train_cost_usd / bu->train_cost_usd, bu->chip.accel->name);
        else
            gw_doc_note(doc,
                        "export: with %s the best chip allowed to %s, the same %.0f MW "
                        "gives %.2fx the peak compute of %s.",
                        ba->chip.accel->name, c->destination, c->power_w / 1e6,
                        bu->peak_flops > 0.0 ? ba->peak_flops / bu->peak_flops : 0.0,
                        bu->chip.accel->name);
    }
    gw_doc_note(doc, "export: every chip runs at the scenario's MFU; interconnect limits of "
                     "cut-down parts (H800 NVLink 400 GB/s) are not modelled here.");
}
