/* SPDX-License-Identifier: MIT */
/*
 * report.c (catalog): the catalog as result documents: tables of entries for
 * `gigawatt catalog KIND`, and one entry with the source and confidence of
 * every value for `gigawatt catalog show NAME`.
 */
#include <gigawatt/catalog.h>
#include <gigawatt/report.h>

#include <math.h>
#include <string.h>

#include "core/core_internal.h"

gw_status gw_catalog_kind_parse(const char *text, gw_catalog_kind *out)
{
    static const struct {
        const char *name;
        gw_catalog_kind kind;
    } kinds[] = {{"all", GW_CATALOG_ALL},           {"accelerators", GW_CATALOG_ACCELERATORS},
                 {"gpus", GW_CATALOG_ACCELERATORS}, {"models", GW_CATALOG_MODELS},
                 {"systems", GW_CATALOG_SYSTEMS},   {"network", GW_CATALOG_NETWORK},
                 {"sites", GW_CATALOG_SITES}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (text && strcmp(text, kinds[i].name) == 0) {
            *out = kinds[i].kind;
            return GW_OK;
        }
    }
    return GW_EPARSE;
}

static void fields_report(gw_doc *doc, gw_doc_node *parent, const gw_field *f, size_t n)
{
    gw_doc_node *arr = gw_doc_arr(doc, parent, "values", "Values (each with its source)");
    for (size_t i = 0; i < n; i++) {
        gw_doc_node *o = gw_doc_obj(doc, arr, NULL, NULL);
        gw_doc_str(doc, o, "key", "key", f[i].key);
        gw_doc_num(doc, o, "value", "value", f[i].value, f[i].unit);
        gw_doc_str(doc, o, "unit", "unit", f[i].unit);
        gw_doc_str(doc, o, "as_written", "as written", f[i].text);
        gw_doc_str(doc, o, "confidence", "confidence", f[i].confidence);
        gw_doc_str(doc, o, "source", "source", f[i].source);
        if (f[i].note && f[i].note[0])
            gw_doc_str(doc, o, "note", "note", f[i].note);
    }
}

/* A catalog value: 0 stands for "not given" in the catalog files (an A100
 * has no FP8 rate, a TPU no published TDP), shown as n/a (JSON null, an
 * empty CSV cell), never as 0. */
static void value(gw_doc *doc, gw_doc_node *o, const char *key, const char *label, double v,
                  const char *unit)
{
    if (v > 0.0)
        gw_doc_num(doc, o, key, label, v, unit);
    else
        gw_doc_na(doc, o, key, label, unit, NULL);
}

static void count(gw_doc *doc, gw_doc_node *o, const char *key, const char *label, int64_t v)
{
    if (v > 0)
        gw_doc_int(doc, o, key, label, v);
    else
        gw_doc_na(doc, o, key, label, "", NULL);
}

static void accel_row(gw_doc *doc, gw_doc_node *o, const gw_accel *a)
{
    gw_doc_str(doc, o, "name", "name", a->name);
    gw_doc_str(doc, o, "display_name", "accelerator", a->display_name);
    gw_doc_str(doc, o, "vendor", "vendor", a->vendor);
    value(doc, o, "bf16_flops", "BF16 dense", a->peak_flops[GW_PREC_BF16], "FLOP/s");
    value(doc, o, "fp8_flops", "FP8 dense", a->peak_flops[GW_PREC_FP8], "FLOP/s");
    value(doc, o, "fp4_flops", "FP4 dense", a->peak_flops[GW_PREC_FP4], "FLOP/s");
    value(doc, o, "memory_bytes", "memory", a->mem_bytes, "B");
    value(doc, o, "memory_bandwidth_Bps", "mem BW", a->mem_Bps, "B/s");
    value(doc, o, "scaleup_bandwidth_Bps", "scale-up BW", a->scaleup_Bps, "B/s");
    count(doc, o, "scaleup_domain", "domain", a->scaleup_domain);
    value(doc, o, "tdp_w", "TDP", a->tdp_w, "W");
}

static void model_row(gw_doc *doc, gw_doc_node *o, const gw_model *m)
{
    gw_doc_str(doc, o, "name", "name", m->name);
    gw_doc_str(doc, o, "model_type", "type", m->model_type);
    gw_doc_int(doc, o, "layers", "layers", m->n_layers);
    gw_doc_int(doc, o, "hidden", "hidden", m->hidden);
    gw_doc_int(doc, o, "experts", "experts", m->n_experts);
    value(doc, o, "params_total", "total params", m->params_total, "");
    value(doc, o, "params_active", "active params", m->params_active, "");
    value(doc, o, "published_total", "published", m->published_total, "");
}

static void system_row(gw_doc *doc, gw_doc_node *o, const gw_system *s)
{
    gw_doc_str(doc, o, "name", "name", s->name);
    gw_doc_str(doc, o, "accelerator", "accelerator", s->accelerator);
    gw_doc_int(doc, o, "gpus_per_node", "GPUs/node", s->gpus_per_node);
    count(doc, o, "gpus_per_rack", "GPUs/rack", s->gpus_per_rack);
    count(doc, o, "scaleup_domain", "domain", s->scaleup_domain);
    value(doc, o, "node_power_w", "node power", s->node_power_w, "W");
    value(doc, o, "rack_power_w", "rack power", s->rack_power_w, "W");
    gw_doc_str(doc, o, "cooling", "cooling", s->cooling);
}

gw_status gw_catalog_report_list(const gw_catalog *cat, gw_catalog_kind kind, gw_doc *doc,
                                 gw_doc_node *parent, gw_error *err)
{
    if (!cat || !doc)
        return gw__err(err, GW_EINVAL, "gw_catalog_report_list: bad argument");
    gw_doc_str(doc, parent, "origin", "catalog", gw_catalog_origin(cat));
    if (kind == GW_CATALOG_ALL || kind == GW_CATALOG_ACCELERATORS) {
        gw_doc_node *arr = gw_doc_arr(doc, parent, "accelerators", "Accelerators (dense peaks)");
        for (size_t i = 0; i < gw_catalog_n_accels(cat); i++)
            accel_row(doc, gw_doc_obj(doc, arr, NULL, NULL), gw_catalog_accel_at(cat, i));
    }
    if (kind == GW_CATALOG_ALL || kind == GW_CATALOG_MODELS) {
        gw_doc_node *arr = gw_doc_arr(doc, parent, "models", "Models");
        for (size_t i = 0; i < gw_catalog_n_models(cat); i++)
            model_row(doc, gw_doc_obj(doc, arr, NULL, NULL), gw_catalog_model_at(cat, i));
    }
    if (kind == GW_CATALOG_ALL || kind == GW_CATALOG_SYSTEMS) {
        gw_doc_node *arr = gw_doc_arr(doc, parent, "systems", "Servers and racks");
        for (size_t i = 0; i < gw_catalog_n_systems(cat); i++)
            system_row(doc, gw_doc_obj(doc, arr, NULL, NULL), gw_catalog_system_at(cat, i));
    }
    if (kind == GW_CATALOG_ALL || kind == GW_CATALOG_NETWORK) {
        gw_doc_node *arr = gw_doc_arr(doc, parent, "nics", "NICs");
        for (size_t i = 0; i < gw_catalog_n_nics(cat); i++) {
            const gw_nic *x = gw_catalog_nic_at(cat, i);
            gw_doc_node *o = gw_doc_obj(doc, arr, NULL, NULL);
            gw_doc_str(doc, o, "name", "name", x->name);
            gw_doc_str(doc, o, "display_name", "NIC", x->display_name);
            value(doc, o, "port_bandwidth_Bps", "port", x->port_Bps, "B/s");
            value(doc, o, "power_w", "power", x->power_w, "W");
            value(doc, o, "price_usd", "price", x->price_usd, "USD");
        }
        arr = gw_doc_arr(doc, parent, "switches", "Switches");
        for (size_t i = 0; i < gw_catalog_n_switches(cat); i++) {
            const gw_switch *x = gw_catalog_switch_at(cat, i);
            gw_doc_node *o = gw_doc_obj(doc, arr, NULL, NULL);
            gw_doc_str(doc, o, "name", "name", x->name);
            gw_doc_str(doc, o, "kind", "kind", x->kind);
            count(doc, o, "radix", "radix", x->radix);
            value(doc, o, "port_bandwidth_Bps", "port", x->port_Bps, "B/s");
            value(doc, o, "power_w", "power", x->power_w, "W");
            value(doc, o, "price_usd", "price", x->price_usd, "USD");
        }
        arr = gw_doc_arr(doc, parent, "optics", "Optics and cables");
        for (size_t i = 0; i < gw_catalog_n_optics(cat); i++) {
            const gw_optic *x = gw_catalog_optic_at(cat, i);
            gw_doc_node *o = gw_doc_obj(doc, arr, NULL, NULL);
            gw_doc_str(doc, o, "name", "name", x->name);
            value(doc, o, "bandwidth_Bps", "bandwidth", x->port_Bps, "B/s");
            value(doc, o, "power_w", "power", x->power_w, "W");
            value(doc, o, "price_usd", "price", x->price_usd, "USD");
        }
    }
    if (kind == GW_CATALOG_ALL || kind == GW_CATALOG_SITES) {
        gw_doc_node *arr = gw_doc_arr(doc, parent, "sites", "Reference sites");
        for (size_t i = 0; i < gw_catalog_n_sites(cat); i++) {
            const gw_site_ref *x = gw_catalog_site_at(cat, i);
            gw_doc_node *o = gw_doc_obj(doc, arr, NULL, NULL);
            gw_doc_str(doc, o, "name", "name", x->name);
            gw_doc_str(doc, o, "location", "location", x->location);
            value(doc, o, "power_w", "power", x->power_w, "W");
            value(doc, o, "gpus", "GPUs", x->gpus, "");
            gw_doc_str(doc, o, "accelerator", "accelerator", x->accelerator);
        }
    }
    return gw_doc_status(doc);
}

gw_status gw_catalog_report_show(const gw_catalog *cat, const char *name, gw_doc *doc,
                                 gw_doc_node *parent, gw_error *err)
{
    if (!cat || !doc || !name)
        return gw__err(err, GW_EINVAL, "gw_catalog_report_show: bad argument");
    const gw_accel *a;
    if (gw_catalog_accel_find(cat, name, &a, NULL) == GW_OK) {
        gw_doc_node *o = gw_doc_obj(doc, parent, "accelerator", "Accelerator");
        gw_doc_str(doc, o, "name", "name", a->name);
        gw_doc_str(doc, o, "display_name", "display name", a->display_name);
        gw_doc_str(doc, o, "vendor", "vendor", a->vendor);
        gw_doc_str(doc, o, "launch", "launch", a->launch);
        gw_doc_str(doc, o, "interconnect", "interconnect", a->interconnect);
        gw_doc_bool(doc, o, "datacenter", "data-centre part", a->datacenter);
        fields_report(doc, o, a->fields, a->n_fields);
        return gw_doc_status(doc);
    }
    const gw_model *m;
    if (gw_catalog_model_find(cat, name, &m, NULL) == GW_OK) {
        gw_doc_node *o = gw_doc_obj(doc, parent, "model", "Model");
        model_row(doc, o, m);
        gw_doc_str(doc, o, "source", "source", m->source ? m->source : "");
        gw_doc_int(doc, o, "heads", "attention heads", m->n_heads);
        gw_doc_int(doc, o, "kv_heads", "key/value heads", m->n_kv_heads);
        gw_doc_int(doc, o, "head_dim", "head dim", m->head_dim);
        gw_doc_int(doc, o, "ffn_hidden", "MLP hidden", m->ffn_hidden);
        gw_doc_int(doc, o, "vocab", "vocabulary", m->vocab);
        gw_doc_int(doc, o, "top_k", "experts per token", m->top_k);
        gw_doc_int(doc, o, "moe_ffn_hidden", "expert hidden", m->moe_ffn_hidden);
        gw_doc_int(doc, o, "shared_experts", "shared experts", m->n_shared_experts);
        gw_doc_int(doc, o, "kv_lora_rank", "MLA kv rank", m->kv_lora_rank);
        value(doc, o, "published_active", "published active", m->published_active, "");
        return gw_doc_status(doc);
    }
    const gw_system *s;
    if (gw_catalog_system_find(cat, name, &s, NULL) == GW_OK) {
        gw_doc_node *o = gw_doc_obj(doc, parent, "system", "Server / rack");
        system_row(doc, o, s);
        gw_doc_str(doc, o, "nic", "NIC", s->nic);
        fields_report(doc, o, s->fields, s->n_fields);
        return gw_doc_status(doc);
    }
    for (size_t i = 0; i < gw_catalog_n_nics(cat); i++) {
        const gw_nic *x = gw_catalog_nic_at(cat, i);
        if (gw__streq_nocase(x->name, name)) {
            gw_doc_node *o = gw_doc_obj(doc, parent, "nic", "NIC");
            gw_doc_str(doc, o, "name", "name", x->name);
            gw_doc_str(doc, o, "display_name", "display name", x->display_name);
            fields_report(doc, o, x->fields, x->n_fields);
            return gw_doc_status(doc);
        }
    }
    for (size_t i = 0; i < gw_catalog_n_switches(cat); i++) {
        const gw_switch *x = gw_catalog_switch_at(cat, i);
        if (gw__streq_nocase(x->name, name)) {
            gw_doc_node *o = gw_doc_obj(doc, parent, "switch", "Switch");
            gw_doc_str(doc, o, "name", "name", x->name);
            gw_doc_str(doc, o, "display_name", "display name", x->display_name);
            gw_doc_str(doc, o, "kind", "kind", x->kind);
            fields_report(doc, o, x->fields, x->n_fields);
            return gw_doc_status(doc);
        }
    }
    for (size_t i = 0; i < gw_catalog_n_optics(cat); i++) {
        const gw_optic *x = gw_catalog_optic_at(cat, i);
        if (gw__streq_nocase(x->name, name)) {
            gw_doc_node *o = gw_doc_obj(doc, parent, "optic", "Optic");
            gw_doc_str(doc, o, "name", "name", x->name);
            gw_doc_str(doc, o, "display_name", "display name", x->display_name);
            fields_report(doc, o, x->fields, x->n_fields);
            return gw_doc_status(doc);
        }
    }
    for (size_t i = 0; i < gw_catalog_n_sites(cat); i++) {
        const gw_site_ref *x = gw_catalog_site_at(cat, i);
        if (gw__streq_nocase(x->name, name)) {
            gw_doc_node *o = gw_doc_obj(doc, parent, "site", "Reference site");
            gw_doc_str(doc, o, "name", "name", x->name);
            gw_doc_str(doc, o, "display_name", "display name", x->display_name);
            gw_doc_str(doc, o, "location", "location", x->location);
            gw_doc_str(doc, o, "accelerator", "accelerator", x->accelerator);
            fields_report(doc, o, x->fields, x->n_fields);
            return gw_doc_status(doc);
        }
    }
    if (gw__streq_nocase(name, "facility")) {
        const gw_facility *f = gw_catalog_facility(cat);
        gw_doc_node *o = gw_doc_obj(doc, parent, "facility", "Facility and economic defaults");
        fields_report(doc, o, f->fields, f->n_fields);
        return gw_doc_status(doc);
    }
    gw__suggest sg;
    gw__suggest_init(&sg, name);
    for (size_t i = 0; i < gw_catalog_n_accels(cat); i++)
        gw__suggest_add(&sg, gw_catalog_accel_at(cat, i)->name);
    for (size_t i = 0; i < gw_catalog_n_models(cat); i++)
        gw__suggest_add(&sg, gw_catalog_model_at(cat, i)->name);
    for (size_t i = 0; i < gw_catalog_n_systems(cat); i++)
        gw__suggest_add(&sg, gw_catalog_system_at(cat, i)->name);
    for (size_t i = 0; i < gw_catalog_n_nics(cat); i++)
        gw__suggest_add(&sg, gw_catalog_nic_at(cat, i)->name);
    for (size_t i = 0; i < gw_catalog_n_switches(cat); i++)
        gw__suggest_add(&sg, gw_catalog_switch_at(cat, i)->name);
    for (size_t i = 0; i < gw_catalog_n_optics(cat); i++)
        gw__suggest_add(&sg, gw_catalog_optic_at(cat, i)->name);
    for (size_t i = 0; i < gw_catalog_n_sites(cat); i++)
        gw__suggest_add(&sg, gw_catalog_site_at(cat, i)->name);
    gw__suggest_add(&sg, "facility");
    char hint[96];
    return gw__err(err, GW_ENOTFOUND,
                   "nothing named \"%s\" in the catalogs%s (try 'gigawatt catalog' for the list)",
                   name, gw__suggest_text(&sg, hint, sizeof hint));
}
