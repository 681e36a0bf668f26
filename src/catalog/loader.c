/* SPDX-License-Identifier: MIT */
/*
 * loader.c: the data/ catalogs (accelerators, systems, network parts,
 * facility defaults, reference sites, model index) into typed structs.
 *
 * Every value in a catalog file is written as
 *     key: {value: "989.4 TFLOP/s", source: "...", confidence: high, note: "..."}
 * and must carry a source (a citation, or a key of the file's `sources:`
 * map). The loader parses the unit, checks the range, stores the base-SI
 * number in the struct and keeps the sourced record in `fields` for
 * `gigawatt catalog show`. See data/SCHEMA.md.
 *
 * Not done here: Hugging Face config parsing (hf_config.c) and the checks
 * that belong to the models using the values.
 */
#include <gigawatt/catalog.h>

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_internal.h"

#define MAX_ENTRIES 4096

typedef enum vkind { V_DBL, V_INT } vkind;

typedef struct vspec {
    const char *key;
    gw_dim dim;
    double min, max;
    vkind kind;
    size_t offset; /* into the entry struct */
} vspec;

struct gw_catalog {
    gw_ctx *ctx;
    gw__arena *arena;
    const char *origin;
    gw_accel *accels;
    size_t n_accels;
    const char ***accel_aliases; /* per accel, NULL-terminated */
    gw_system *systems;
    size_t n_systems;
    gw_nic *nics;
    size_t n_nics;
    gw_switch *switches;
    size_t n_switches;
    gw_optic *optics;
    size_t n_optics;
    gw_site_ref *sites;
    size_t n_sites;
    gw_facility facility;
    gw_model **models;
    size_t n_models;
    const char ***model_aliases;
};

typedef struct loader {
    gw_catalog *cat;
    const char *data_dir;
    gw__ydoc *doc;      /* file being read */
    gw__ynode *sources; /* its `sources:` map, or NULL */
} loader;

/* ---- Generic helpers --------------------------------------------------- */

static gw_status open_file(loader *L, const char *rel, gw_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    char shown[512];
    gw_status rc = gw__data_read(L->cat->ctx, L->data_dir, rel, &buf, &len, shown, err);
    if (rc != GW_OK)
        return rc;
    rc = gw__ydoc_parse(L->cat->ctx, buf, len, shown, &L->doc, err);
    gw_free(L->cat->ctx, buf);
    if (rc != GW_OK)
        return rc;
    gw__ynode *root = L->doc->root;
    if ((rc = gw__y_expect(L->doc, root, GW_Y_MAP, "", err)) != GW_OK)
        return rc;
    gw__ynode *sv;
    if ((rc = gw__y_require(L->doc, root, "schema_version", "", &sv, err)) != GW_OK)
        return rc;
    long long v;
    if ((rc = gw__y_int(L->doc, sv, "schema_version", 1, 1, &v, err)) != GW_OK)
        return rc;
    L->sources = gw__ymap_get(root, "sources");
    if (L->sources && (rc = gw__y_expect(L->doc, L->sources, GW_Y_MAP, "sources", err)) != GW_OK)
        return rc;
    return GW_OK;
}

static void close_file(loader *L)
{
    gw__ydoc_free(L->doc);
    L->doc = NULL;
    L->sources = NULL;
}

static const char *dup(loader *L, const char *s)
{
    return gw__arena_strdup(L->cat->arena, s);
}

static gw_status opt_str(loader *L, gw__ynode *entry, const char *key, const char *where,
                         const char **out, gw_error *err)
{
    gw__ynode *n = gw__ymap_get(entry, key);
    *out = "";
    if (!n)
        return GW_OK;
    char w[160];
    gw__snprintf(w, sizeof w, "%s.%s", where, key);
    const char *s;
    gw_status rc = gw__y_str(L->doc, n, w, &s, err);
    if (rc != GW_OK)
        return rc;
    *out = dup(L, s);
    return *out ? GW_OK : gw__err(err, GW_ENOMEM, "out of memory loading the catalog");
}

static gw_status req_str(loader *L, gw__ynode *entry, const char *key, const char *where,
                         const char **out, gw_error *err)
{
    gw__ynode *n;
    gw_status rc = gw__y_require(L->doc, entry, key, where, &n, err);
    if (rc != GW_OK)
        return rc;
    return opt_str(L, entry, key, where, out, err);
}

static gw_status opt_bool(loader *L, gw__ynode *entry, const char *key, const char *where,
                          bool *out, gw_error *err)
{
    gw__ynode *n = gw__ymap_get(entry, key);
    if (!n)
        return GW_OK;
    char w[160];
    gw__snprintf(w, sizeof w, "%s.%s", where, key);
    return gw__y_bool(L->doc, n, w, out, err);
}

/* Parses an entry's `values:` map against specs into obj and a field list. */
static gw_status parse_values(loader *L, gw__ynode *entry, const char *where, const vspec *specs,
                              size_t n_specs, void *obj, const gw_field **fields_out, size_t *n_out,
                              gw_error *err)
{
    *fields_out = NULL;
    *n_out = 0;
    gw__ynode *vals = gw__ymap_get(entry, "values");
    if (!vals)
        return GW_OK;
    char w[192];
    gw__snprintf(w, sizeof w, "%s.values", where);
    const char *allowed[64];
    size_t na = 0;
    for (size_t i = 0; i < n_specs && na < 63; i++)
        allowed[na++] = specs[i].key;
    allowed[na] = NULL;
    gw_status rc = gw__y_check_keys(L->doc, vals, allowed, w, err);
    if (rc != GW_OK)
        return rc;
    gw_field *fields = gw__arena_alloc(L->cat->arena, (vals->n ? vals->n : 1) * sizeof *fields);
    if (!fields)
        return gw__err(err, GW_ENOMEM, "out of memory loading the catalog");
    static const char *const value_keys[] = {"value", "source", "confidence", "note", NULL};
    for (size_t i = 0; i < vals->n; i++) {
        const char *key = vals->keys[i]->scalar;
        const vspec *sp = NULL;
        for (size_t j = 0; j < n_specs; j++)
            if (strcmp(specs[j].key, key) == 0)
                sp = &specs[j];
        if (GW_NEVER(!sp))
            return gw__err_internal(err, __FILE__, __LINE__);
        char wk[256];
        gw__snprintf(wk, sizeof wk, "%s.%s", w, key);
        gw__ynode *rec = vals->vals[i];
        if ((rc = gw__y_check_keys(L->doc, rec, value_keys, wk, err)) != GW_OK)
            return rc;
        gw__ynode *vn, *sn;
        char wv[272];
        if ((rc = gw__y_require(L->doc, rec, "value", wk, &vn, err)) != GW_OK)
            return rc;
        if ((rc = gw__y_require(L->doc, rec, "source", wk, &sn, err)) != GW_OK)
            return rc;
        gw__snprintf(wv, sizeof wv, "%s.source", wk);
        const char *src;
        if ((rc = gw__y_str(L->doc, sn, wv, &src, err)) != GW_OK)
            return rc;
        if (!src[0]) {
            gw__err(err, GW_ESCHEMA,
                    "empty source: every value needs a citation "
                    "(data/SCHEMA.md)");
            gw__y_loc(L->doc, sn, wv, err);
            return GW_ESCHEMA;
        }
        gw__ynode *ref = gw__ymap_get(L->sources, src);
        if (ref) {
            gw__snprintf(wv, sizeof wv, "sources.%s", src);
            if ((rc = gw__y_str(L->doc, ref, wv, &src, err)) != GW_OK)
                return rc;
        }
        gw__snprintf(wv, sizeof wv, "%s.value", wk);
        double v;
        if ((rc = gw__y_num(L->doc, vn, wv, sp->dim, sp->min, sp->max, &v, err)) != GW_OK)
            return rc;
        unsigned char *base = obj;
        if (sp->kind == V_INT) {
            if (v != floor(v)) {
                gw__err(err, GW_ESCHEMA, "expected a whole number, got \"%s\"", vn->scalar);
                gw__y_loc(L->doc, vn, wv, err);
                return GW_ESCHEMA;
            }
            int iv = (int)v;
            memcpy(base + sp->offset, &iv, sizeof iv);
        } else {
            memcpy(base + sp->offset, &v, sizeof v);
        }
        gw_field *f = &fields[i];
        f->key = key; /* re-duplicated below */
        f->value = v;
        f->unit = gw_unit_base(sp->dim);
        const char *conf = "", *note = "";
        if ((rc = opt_str(L, rec, "confidence", wk, &conf, err)) != GW_OK)
            return rc;
        if ((rc = opt_str(L, rec, "note", wk, &note, err)) != GW_OK)
            return rc;
        f->key = dup(L, key);
        f->text = dup(L, vn->scalar);
        f->source = dup(L, src);
        f->confidence = conf;
        f->note = note;
        if (!f->key || !f->text || !f->source)
            return gw__err(err, GW_ENOMEM, "out of memory loading the catalog");
    }
    *fields_out = fields;
    *n_out = vals->n;
    return GW_OK;
}

/* Reads the list under `key`, returning it and checking its size. */
static gw_status get_list(loader *L, const char *key, gw__ynode **out, gw_error *err)
{
    gw_status rc = gw__y_require(L->doc, L->doc->root, key, "", out, err);
    if (rc != GW_OK)
        return rc;
    if ((rc = gw__y_expect(L->doc, *out, GW_Y_SEQ, key, err)) != GW_OK)
        return rc;
    if ((*out)->n > MAX_ENTRIES) {
        gw__err(err, GW_ERANGE, "too many entries (limit %d)", MAX_ENTRIES);
        gw__y_loc(L->doc, *out, key, err);
        return GW_ERANGE;
    }
    return GW_OK;
}

static gw_status aliases(loader *L, gw__ynode *entry, const char *where, const char ***out,
                         gw_error *err)
{
    gw__ynode *a = gw__ymap_get(entry, "aliases");
    size_t n = a ? a->n : 0;
    const char **list = gw__arena_alloc(L->cat->arena, (n + 1) * sizeof *list);
    if (!list)
        return gw__err(err, GW_ENOMEM, "out of memory loading the catalog");
    *out = list;
    if (!a)
        return GW_OK;
    char w[160];
    gw__snprintf(w, sizeof w, "%s.aliases", where);
    gw_status rc = gw__y_expect(L->doc, a, GW_Y_SEQ, w, err);
    if (rc != GW_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        const char *s;
        if ((rc = gw__y_str(L->doc, a->vals[i], w, &s, err)) != GW_OK)
            return rc;
        list[i] = dup(L, s);
        if (!list[i])
            return gw__err(err, GW_ENOMEM, "out of memory loading the catalog");
    }
    return GW_OK;
}

/* ---- Accelerators -------------------------------------------------------- */

#define A(m) offsetof(gw_accel, m)
static const vspec accel_specs[] = {
    {"fp64_flops", GW_DIM_FLOPS, 0, 1e17, V_DBL, A(peak_flops[GW_PREC_FP64])},
    {"tf32_flops", GW_DIM_FLOPS, 0, 1e17, V_DBL, A(peak_flops[GW_PREC_TF32])},
    {"bf16_flops", GW_DIM_FLOPS, 0, 1e17, V_DBL, A(peak_flops[GW_PREC_BF16])},
    {"fp8_flops", GW_DIM_FLOPS, 0, 1e17, V_DBL, A(peak_flops[GW_PREC_FP8])},
    {"fp6_flops", GW_DIM_FLOPS, 0, 1e17, V_DBL, A(peak_flops[GW_PREC_FP6])},
    {"fp4_flops", GW_DIM_FLOPS, 0, 1e17, V_DBL, A(peak_flops[GW_PREC_FP4])},
    {"int8_ops", GW_DIM_FLOPS, 0, 1e17, V_DBL, A(peak_flops[GW_PREC_INT8])},
    {"memory", GW_DIM_BYTES, 1e6, 1e14, V_DBL, A(mem_bytes)},
    {"memory_usable", GW_DIM_BYTES, 1e6, 1e14, V_DBL, A(mem_usable_bytes)},
    {"memory_bandwidth", GW_DIM_BANDWIDTH, 1e6, 1e15, V_DBL, A(mem_Bps)},
    {"scaleup_bandwidth", GW_DIM_BANDWIDTH, 1e6, 1e15, V_DBL, A(scaleup_Bps)},
    {"scaleup_domain", GW_DIM_NONE, 1, 1e6, V_INT, A(scaleup_domain)},
    {"nvls_efficiency", GW_DIM_NONE, 0, 1, V_DBL, A(nvls_eff)},
    {"nvls_latency", GW_DIM_TIME, 0, 1e-2, V_DBL, A(nvls_latency_s)},
    {"tdp", GW_DIM_POWER, 1, 1e5, V_DBL, A(tdp_w)},
    {"die_area", GW_DIM_AREA, 1e-6, 1e-2, V_DBL, A(die_area_mm2)},
    {"transistors", GW_DIM_NONE, 0, 1e14, V_DBL, SIZE_MAX},
    {"price_low", GW_DIM_MONEY, 0, 1e8, V_DBL, A(price_low_usd)},
    {"price_high", GW_DIM_MONEY, 0, 1e8, V_DBL, A(price_high_usd)},
};

typedef struct accel_scratch {
    gw_accel a;
    double scratch; /* for values kept only in `fields` */
} accel_scratch;

static gw_status load_accels(loader *L, gw_error *err)
{
    gw_status rc = open_file(L, "accelerators.yaml", err);
    if (rc != GW_OK)
        return rc;
    static const char *const top[] = {"schema_version", "sources", "accelerators", NULL};
    static const char *const keys[] = {
        "name",       "aliases",     "display_name", "vendor", "launch", "interconnect",
        "datacenter", "form_factor", "notes",        "values", NULL};
    if ((rc = gw__y_check_keys(L->doc, L->doc->root, top, "", err)) != GW_OK)
        return rc;
    gw__ynode *list;
    if ((rc = get_list(L, "accelerators", &list, err)) != GW_OK)
        return rc;
    gw_catalog *c = L->cat;
    c->accels = gw__arena_alloc(c->arena, (list->n + 1) * sizeof *c->accels);
    c->accel_aliases = gw__arena_alloc(c->arena, (list->n + 1) * sizeof *c->accel_aliases);
    if (!c->accels || !c->accel_aliases)
        return gw__err(err, GW_ENOMEM, "out of memory loading the catalog");
    /* vspec offsets for "transistors" point nowhere: parse into a scratch. */
    for (size_t i = 0; i < list->n; i++) {
        gw__ynode *e = list->vals[i];
        char w[64];
        gw__snprintf(w, sizeof w, "accelerators[%zu]", i);
        if ((rc = gw__y_check_keys(L->doc, e, keys, w, err)) != GW_OK)
            return rc;
        gw_accel *a = &c->accels[i];
        a->datacenter = true;
        if ((rc = req_str(L, e, "name", w, &a->name, err)) != GW_OK ||
            (rc = opt_str(L, e, "display_name", w, &a->display_name, err)) != GW_OK ||
            (rc = opt_str(L, e, "vendor", w, &a->vendor, err)) != GW_OK ||
            (rc = opt_str(L, e, "launch", w, &a->launch, err)) != GW_OK ||
            (rc = opt_str(L, e, "interconnect", w, &a->interconnect, err)) != GW_OK ||
            (rc = opt_bool(L, e, "datacenter", w, &a->datacenter, err)) != GW_OK ||
            (rc = aliases(L, e, w, &c->accel_aliases[i], err)) != GW_OK)
            return rc;
        /* Parse into a scratch copy with room for the unused spec offsets. */
        accel_scratch tmp;
        memset(&tmp, 0, sizeof tmp);
        vspec specs[sizeof accel_specs / sizeof accel_specs[0]];
        memcpy(specs, accel_specs, sizeof specs);
        for (size_t j = 0; j < sizeof specs / sizeof specs[0]; j++)
            if (specs[j].offset == SIZE_MAX)
                specs[j].offset = offsetof(accel_scratch, scratch);
        if ((rc = parse_values(L, e, w, specs, sizeof specs / sizeof specs[0], &tmp, &a->fields,
                               &a->n_fields, err)) != GW_OK)
            return rc;
        memcpy(a->peak_flops, tmp.a.peak_flops, sizeof a->peak_flops);
        a->mem_bytes = tmp.a.mem_bytes;
        a->mem_usable_bytes = tmp.a.mem_usable_bytes > 0 ? tmp.a.mem_usable_bytes : a->mem_bytes;
        a->mem_Bps = tmp.a.mem_Bps;
        a->scaleup_Bps = tmp.a.scaleup_Bps;
        a->scaleup_domain = tmp.a.scaleup_domain > 0 ? tmp.a.scaleup_domain : 1;
        a->nvls_eff = tmp.a.nvls_eff;
        a->nvls_latency_s = tmp.a.nvls_latency_s;
        a->tdp_w = tmp.a.tdp_w;
        a->die_area_mm2 = tmp.a.die_area_mm2 * 1e6; /* m2 -> mm2 */
        a->price_low_usd = tmp.a.price_low_usd;
        a->price_high_usd = tmp.a.price_high_usd;
        for (size_t k = 0; k < i; k++) {
            if (gw__streq_nocase(c->accels[k].name, a->name)) {
                gw__err(err, GW_ESCHEMA, "duplicate accelerator name \"%s\"", a->name);
                gw__y_loc(L->doc, gw__ymap_get(e, "name"), w, err);
                return GW_ESCHEMA;
            }
        }
    }
    c->n_accels = list->n;
    close_file(L);
    return GW_OK;
}

/* ---- Systems ------------------------------------------------------------- */

#define S(m) offsetof(gw_system, m)
static const vspec system_specs[] = {
    {"gpus_per_node", GW_DIM_NONE, 1, 1e4, V_INT, S(gpus_per_node)},
    {"gpus_per_rack", GW_DIM_NONE, 1, 1e5, V_INT, S(gpus_per_rack)},
    {"scaleup_domain", GW_DIM_NONE, 1, 1e6, V_INT, S(scaleup_domain)},
    {"node_power", GW_DIM_POWER, 1, 1e7, V_DBL, S(node_power_w)},
    {"rack_power", GW_DIM_POWER, 1, 1e8, V_DBL, S(rack_power_w)},
    {"nics_per_gpu", GW_DIM_NONE, 0, 64, V_INT, S(nics_per_gpu)},
    {"price", GW_DIM_MONEY, 0, 1e10, V_DBL, S(price_usd)},
};

static gw_status load_systems(loader *L, gw_error *err)
{
    gw_status rc = open_file(L, "systems.yaml", err);
    if (rc != GW_OK)
        return rc;
    static const char *const top[] = {"schema_version", "sources", "systems", NULL};
    static const char *const keys[] = {
        "name",           "display_name", "accelerator", "cooling", "nic",
        "price_per_rack", "notes",        "aliases",     "values",  NULL};
    if ((rc = gw__y_check_keys(L->doc, L->doc->root, top, "", err)) != GW_OK)
        return rc;
    gw__ynode *list;
    if ((rc = get_list(L, "systems", &list, err)) != GW_OK)
        return rc;
    gw_catalog *c = L->cat;
    c->systems = gw__arena_alloc(c->arena, (list->n + 1) * sizeof *c->systems);
    if (!c->systems)
        return gw__err(err, GW_ENOMEM, "out of memory loading the catalog");
    for (size_t i = 0; i < list->n; i++) {
        gw__ynode *e = list->vals[i];
        char w[64];
        gw__snprintf(w, sizeof w, "systems[%zu]", i);
        if ((rc = gw__y_check_keys(L->doc, e, keys, w, err)) != GW_OK)
            return rc;
        gw_system *s = &c->systems[i];
        if ((rc = req_str(L, e, "name", w, &s->name, err)) != GW_OK ||
            (rc = opt_str(L, e, "display_name", w, &s->display_name, err)) != GW_OK ||
            (rc = req_str(L, e, "accelerator", w, &s->accelerator, err)) != GW_OK ||
            (rc = opt_str(L, e, "cooling", w, &s->cooling, err)) != GW_OK ||
            (rc = opt_str(L, e, "nic", w, &s->nic, err)) != GW_OK ||
            (rc = opt_bool(L, e, "price_per_rack", w, &s->price_per_rack, err)) != GW_OK ||
            (rc = parse_values(L, e, w, system_specs, sizeof system_specs / sizeof system_specs[0],
                               s, &s->fields, &s->n_fields, err)) != GW_OK)
            return rc;
        /* Cross-reference (accelerators.yaml is loaded first): the system's
         * accelerator must exist; the message points at its value. */
        const gw_accel *a;
        if (gw_catalog_accel_find(c, s->accelerator, &a, NULL) != GW_OK) {
            char wa[80];
            gw__snprintf(wa, sizeof wa, "%s.accelerator", w);
            rc = gw__err(err, GW_ENOTFOUND,
                         "system \"%s\" names unknown accelerator \"%s\" "
                         "(expected a name of accelerators.yaml)",
                         s->name, s->accelerator);
            gw__y_loc(L->doc, gw__ymap_get(e, "accelerator"), wa, err);
            return rc;
        }
        if (!s->cooling[0])
            s->cooling = "air";
        if (s->gpus_per_node <= 0)
            s->gpus_per_node = 8;
        if (s->gpus_per_rack <= 0)
            s->gpus_per_rack = s->gpus_per_node;
        if (s->scaleup_domain <= 0)
            s->scaleup_domain = s->gpus_per_node;
        if (s->nics_per_gpu <= 0)
            s->nics_per_gpu = 1;
    }
    c->n_systems = list->n;
    close_file(L);
    return GW_OK;
}

/* ---- Network parts ------------------------------------------------------- */

#define N(m) offsetof(gw_nic, m)
static const vspec nic_specs[] = {
    {"port_bandwidth", GW_DIM_BANDWIDTH, 1e6, 1e14, V_DBL, N(port_Bps)},
    {"power", GW_DIM_POWER, 0, 1e4, V_DBL, N(power_w)},
    {"price", GW_DIM_MONEY, 0, 1e7, V_DBL, N(price_usd)},
};
#define W(m) offsetof(gw_switch, m)
static const vspec switch_specs[] = {
    {"radix", GW_DIM_NONE, 1, 1e5, V_INT, W(radix)},
    {"port_bandwidth", GW_DIM_BANDWIDTH, 1e6, 1e15, V_DBL, W(port_Bps)},
    {"latency", GW_DIM_TIME, 0, 1e-3, V_DBL, W(latency_s)},
    {"sharp_efficiency", GW_DIM_NONE, 0, 1, V_DBL, W(sharp_eff)},
    {"power", GW_DIM_POWER, 0, 1e6, V_DBL, W(power_w)},
    {"price", GW_DIM_MONEY, 0, 1e8, V_DBL, W(price_usd)},
};
#define O(m) offsetof(gw_optic, m)
static const vspec optic_specs[] = {
    {"bandwidth", GW_DIM_BANDWIDTH, 0, 1e14, V_DBL, O(port_Bps)},
    {"power", GW_DIM_POWER, 0, 1e3, V_DBL, O(power_w)},
    {"price", GW_DIM_MONEY, 0, 1e6, V_DBL, O(price_usd)},
};

static gw_status load_network(loader *L, gw_error *err)
{
    gw_status rc = open_file(L, "network.yaml", err);
    if (rc != GW_OK)
        return rc;
    static const char *const top[] = {"schema_version", "sources", "nics",
                                      "switches",       "optics",  NULL};
    static const char *const keys[] = {"name",  "display_name", "kind", "aliases",
                                       "notes", "values",       NULL};
    if ((rc = gw__y_check_keys(L->doc, L->doc->root, top, "", err)) != GW_OK)
        return rc;
    gw_catalog *c = L->cat;
    gw__ynode *list;
    /* NICs */
    if ((rc = get_list(L, "nics", &list, err)) != GW_OK)
        return rc;
    c->nics = gw__arena_alloc(c->arena, (list->n + 1) * sizeof *c->nics);
    if (!c->nics)
        return gw__err(err, GW_ENOMEM, "out of memory loading the catalog");
    for (size_t i = 0; i < list->n; i++) {
        gw__ynode *e = list->vals[i];
        char w[64];
        gw__snprintf(w, sizeof w, "nics[%zu]", i);
        gw_nic *x = &c->nics[i];
        if ((rc = gw__y_check_keys(L->doc, e, keys, w, err)) != GW_OK ||
            (rc = req_str(L, e, "name", w, &x->name, err)) != GW_OK ||
            (rc = opt_str(L, e, "display_name", w, &x->display_name, err)) != GW_OK ||
            (rc = parse_values(L, e, w, nic_specs, sizeof nic_specs / sizeof nic_specs[0], x,
                               &x->fields, &x->n_fields, err)) != GW_OK)
            return rc;
    }
    c->n_nics = list->n;
    /* Switches */
    if ((rc = get_list(L, "switches", &list, err)) != GW_OK)
        return rc;
    c->switches = gw__arena_alloc(c->arena, (list->n + 1) * sizeof *c->switches);
    if (!c->switches)
        return gw__err(err, GW_ENOMEM, "out of memory loading the catalog");
    for (size_t i = 0; i < list->n; i++) {
        gw__ynode *e = list->vals[i];
        char w[64];
        gw__snprintf(w, sizeof w, "switches[%zu]", i);
        gw_switch *x = &c->switches[i];
        if ((rc = gw__y_check_keys(L->doc, e, keys, w, err)) != GW_OK ||
            (rc = req_str(L, e, "name", w, &x->name, err)) != GW_OK ||
            (rc = opt_str(L, e, "display_name", w, &x->display_name, err)) != GW_OK ||
            (rc = opt_str(L, e, "kind", w, &x->kind, err)) != GW_OK ||
            (rc = parse_values(L, e, w, switch_specs, sizeof switch_specs / sizeof switch_specs[0],
                               x, &x->fields, &x->n_fields, err)) != GW_OK)
            return rc;
    }
    c->n_switches = list->n;
    /* Optics */
    if ((rc = get_list(L, "optics", &list, err)) != GW_OK)
        return rc;
    c->optics = gw__arena_alloc(c->arena, (list->n + 1) * sizeof *c->optics);
    if (!c->optics)
        return gw__err(err, GW_ENOMEM, "out of memory loading the catalog");
    for (size_t i = 0; i < list->n; i++) {
        gw__ynode *e = list->vals[i];
        char w[64];
        gw__snprintf(w, sizeof w, "optics[%zu]", i);
        gw_optic *x = &c->optics[i];
        if ((rc = gw__y_check_keys(L->doc, e, keys, w, err)) != GW_OK ||
            (rc = req_str(L, e, "name", w, &x->name, err)) != GW_OK ||
            (rc = opt_str(L, e, "display_name", w, &x->display_name, err)) != GW_OK ||
            (rc = parse_values(L, e, w, optic_specs, sizeof optic_specs / sizeof optic_specs[0], x,
                               &x->fields, &x->n_fields, err)) != GW_OK)
            return rc;
    }
    c->n_optics = list->n;
    close_file(L);
    return GW_OK;
}

/* ---- Facility defaults --------------------------------------------------- */

/* The facility file holds many sourced values; the struct keeps the ones the
 * models read directly, the rest stay in `fields` for modules to look up. */
typedef struct facility_scratch {
    gw_facility f;
    double other;
} facility_scratch;
#define F(m) offsetof(facility_scratch, f.m)
#define FX   offsetof(facility_scratch, other)

static gw_status load_facility(loader *L, gw_error *err)
{
    gw_status rc = open_file(L, "facility.yaml", err);
    if (rc != GW_OK)
        return rc;
    static const char *const top[] = {"schema_version", "sources", "values", "notes", NULL};
    if ((rc = gw__y_check_keys(L->doc, L->doc->root, top, "", err)) != GW_OK)
        return rc;
    gw__ynode *vals = gw__ymap_get(L->doc->root, "values");
    if ((rc = gw__y_expect(L->doc, vals, GW_Y_MAP, "values", err)) != GW_OK)
        return rc;
    /* Known keys get typed dimensions; unknown keys in this file are kept as
     * plain sourced fields (dimension from the unit), so the data can grow
     * ahead of the code. */
    static const struct {
        const char *key;
        gw_dim dim;
        size_t off;
    } known[] = {
        {"pue_liquid", GW_DIM_NONE, F(pue_liquid)},
        {"pue_air", GW_DIM_NONE, F(pue_air)},
        {"construction_cost", GW_DIM_MONEY_PER_POWER, F(construction_usd_per_w)},
        {"electricity_price", GW_DIM_PRICE_ENERGY, F(electricity_usd_per_j)},
        {"depreciation", GW_DIM_TIME, F(depreciation_s)},
    };
    vspec specs[64];
    size_t ns = 0;
    for (size_t i = 0; i < vals->n && ns < 64; i++) {
        const char *k = vals->keys[i]->scalar;
        vspec sp = {k, GW_DIM_NONE, -1e30, 1e30, V_DBL, FX};
        bool found = false;
        for (size_t j = 0; j < sizeof known / sizeof known[0]; j++) {
            if (strcmp(known[j].key, k) == 0) {
                sp.dim = known[j].dim;
                sp.offset = known[j].off;
                sp.min = 0;
                found = true;
            }
        }
        if (!found) {
            /* Infer the dimension from the written unit. */
            gw__ynode *v = gw__ymap_get(vals->vals[i], "value");
            if (v && v->kind == GW_Y_SCALAR) {
                static const gw_dim try_dims[] = {
                    GW_DIM_NONE,         GW_DIM_POWER,           GW_DIM_MONEY, GW_DIM_TIME,
                    GW_DIM_PRICE_ENERGY, GW_DIM_MONEY_PER_POWER, GW_DIM_BYTES, GW_DIM_BANDWIDTH,
                    GW_DIM_ENERGY,       GW_DIM_FRACTION,        GW_DIM_TOKENS};
                for (size_t t = 0; t < sizeof try_dims / sizeof try_dims[0]; t++) {
                    double tmp;
                    if (gw_unit_parse(v->scalar, try_dims[t], &tmp, NULL) == GW_OK) {
                        sp.dim = try_dims[t];
                        break;
                    }
                }
            }
        }
        specs[ns++] = sp;
    }
    facility_scratch fs;
    memset(&fs, 0, sizeof fs);
    gw_facility *f = &L->cat->facility;
    if ((rc = parse_values(L, L->doc->root, "", specs, ns, &fs, &f->fields, &f->n_fields, err)) !=
        GW_OK)
        return rc;
    f->pue_liquid = fs.f.pue_liquid > 0 ? fs.f.pue_liquid : 0;
    f->pue_air = fs.f.pue_air;
    f->construction_usd_per_w = fs.f.construction_usd_per_w;
    f->electricity_usd_per_j = fs.f.electricity_usd_per_j;
    f->depreciation_s = fs.f.depreciation_s;
    close_file(L);
    return GW_OK;
}

/* ---- Reference sites ----------------------------------------------------- */

#define R(m) offsetof(gw_site_ref, m)
static const vspec site_specs[] = {
    {"power", GW_DIM_POWER, 0, 1e13, V_DBL, R(power_w)},
    {"gpus", GW_DIM_TOKENS, 0, 1e9, V_DBL, R(gpus)},
};

static gw_status load_sites(loader *L, gw_error *err)
{
    gw_status rc = open_file(L, "sites.yaml", err);
    if (rc != GW_OK)
        return rc;
    static const char *const top[] = {"schema_version", "sources", "sites", NULL};
    static const char *const keys[] = {"name",  "display_name", "location", "accelerator",
                                       "notes", "values",       NULL};
    if ((rc = gw__y_check_keys(L->doc, L->doc->root, top, "", err)) != GW_OK)
        return rc;
    gw__ynode *list;
    if ((rc = get_list(L, "sites", &list, err)) != GW_OK)
        return rc;
    gw_catalog *c = L->cat;
    c->sites = gw__arena_alloc(c->arena, (list->n + 1) * sizeof *c->sites);
    if (!c->sites)
        return gw__err(err, GW_ENOMEM, "out of memory loading the catalog");
    for (size_t i = 0; i < list->n; i++) {
        gw__ynode *e = list->vals[i];
        char w[64];
        gw__snprintf(w, sizeof w, "sites[%zu]", i);
        gw_site_ref *s = &c->sites[i];
        if ((rc = gw__y_check_keys(L->doc, e, keys, w, err)) != GW_OK ||
            (rc = req_str(L, e, "name", w, &s->name, err)) != GW_OK ||
            (rc = opt_str(L, e, "display_name", w, &s->display_name, err)) != GW_OK ||
            (rc = opt_str(L, e, "location", w, &s->location, err)) != GW_OK ||
            (rc = opt_str(L, e, "accelerator", w, &s->accelerator, err)) != GW_OK ||
            (rc = parse_values(L, e, w, site_specs, sizeof site_specs / sizeof site_specs[0], s,
                               &s->fields, &s->n_fields, err)) != GW_OK)
            return rc;
    }
    c->n_sites = list->n;
    close_file(L);
    return GW_OK;
}

/* ---- Models -------------------------------------------------------------- */

typedef struct model_scratch {
    double total, active;
} model_scratch;
static const vspec model_specs[] = {
    {"published_total", GW_DIM_TOKENS, 0, 1e16, V_DBL, offsetof(model_scratch, total)},
    {"published_active", GW_DIM_TOKENS, 0, 1e16, V_DBL, offsetof(model_scratch, active)},
};

static gw_status load_models(loader *L, gw_error *err)
{
    gw_status rc = open_file(L, "models/index.yaml", err);
    if (rc != GW_OK)
        return rc;
    static const char *const top[] = {"schema_version", "sources", "models", NULL};
    static const char *const keys[] = {"name",   "file",  "aliases", "display_name",
                                       "source", "notes", "values",  NULL};
    if ((rc = gw__y_check_keys(L->doc, L->doc->root, top, "", err)) != GW_OK)
        return rc;
    gw__ynode *list;
    if ((rc = get_list(L, "models", &list, err)) != GW_OK)
        return rc;
    gw_catalog *c = L->cat;
    c->models = gw__arena_alloc(c->arena, (list->n + 1) * sizeof *c->models);
    c->model_aliases = gw__arena_alloc(c->arena, (list->n + 1) * sizeof *c->model_aliases);
    if (!c->models || !c->model_aliases)
        return gw__err(err, GW_ENOMEM, "out of memory loading the catalog");
    for (size_t i = 0; i < list->n; i++) {
        gw__ynode *e = list->vals[i];
        char w[64];
        gw__snprintf(w, sizeof w, "models[%zu]", i);
        const char *name, *file, *source;
        model_scratch ms = {0, 0};
        const gw_field *fields;
        size_t n_fields;
        if ((rc = gw__y_check_keys(L->doc, e, keys, w, err)) != GW_OK ||
            (rc = req_str(L, e, "name", w, &name, err)) != GW_OK ||
            (rc = req_str(L, e, "file", w, &file, err)) != GW_OK ||
            (rc = opt_str(L, e, "source", w, &source, err)) != GW_OK ||
            (rc = aliases(L, e, w, &c->model_aliases[i], err)) != GW_OK ||
            (rc = parse_values(L, e, w, model_specs, sizeof model_specs / sizeof model_specs[0],
                               &ms, &fields, &n_fields, err)) != GW_OK)
            return rc;
        char rel[300];
        gw__snprintf(rel, sizeof rel, "models/%s", file);
        char *buf = NULL;
        size_t len = 0;
        char shown[512];
        if ((rc = gw__data_read(c->ctx, L->data_dir, rel, &buf, &len, shown, err)) != GW_OK) {
            /* Point at the entry that names the file, with why it failed. */
            if (err) {
                char why[sizeof err->msg], wf[80];
                gw__strlcpy(why, err->msg, sizeof why);
                gw__snprintf(wf, sizeof wf, "%s.file", w);
                gw__err(err, rc, "%s: %s (expected a config.json in the models folder)", shown,
                        why);
                gw__y_loc(L->doc, gw__ymap_get(e, "file"), wf, err);
            }
            return rc;
        }
        gw_model *m = NULL;
        rc = gw_catalog_model_from_hf_buffer(c->ctx, buf, len, shown, name, &m, err);
        gw_free(c->ctx, buf);
        if (rc != GW_OK)
            return rc;
        c->models[i] = m;
        c->n_models = i + 1;
        m->published_total = ms.total;
        m->published_active = ms.active;
        if (source[0])
            m->source = source;
    }
    close_file(L);
    return GW_OK;
}

/* ---- Public API ---------------------------------------------------------- */

gw_status gw_catalog_load(gw_ctx *ctx, const char *data_dir, gw_catalog **out, gw_error *err)
{
    gw__err_clear(err); /* a reused record must not keep an old location */
    if (!ctx || !out)
        return gw__err(err, GW_EINVAL, "gw_catalog_load: bad argument");
    *out = NULL;
    gw__arena *arena = gw__arena_new(ctx);
    gw_catalog *c = arena ? gw__arena_alloc(arena, sizeof *c) : NULL;
    if (!c) {
        gw__arena_free(arena);
        return gw__err(err, GW_ENOMEM, "out of memory loading the catalog");
    }
    c->ctx = ctx;
    c->arena = arena;
    loader L = {c, data_dir, NULL, NULL};
    const char *env = getenv("GIGAWATT_DATA");
    if (data_dir && data_dir[0])
        c->origin = gw__arena_strdup(arena, data_dir);
    else if (env && env[0])
        c->origin = gw__arena_strdup(arena, env);
    else
        c->origin = "(embedded)";
    gw_status rc;
    if ((rc = load_accels(&L, err)) != GW_OK || (rc = load_systems(&L, err)) != GW_OK ||
        (rc = load_network(&L, err)) != GW_OK || (rc = load_facility(&L, err)) != GW_OK ||
        (rc = load_sites(&L, err)) != GW_OK || (rc = load_models(&L, err)) != GW_OK) {
        close_file(&L);
        gw_catalog_free(c);
        return rc;
    }
    *out = c;
    return GW_OK;
}

void gw_catalog_free(gw_catalog *cat)
{
    if (!cat)
        return;
    for (size_t i = 0; i < cat->n_models; i++)
        gw_model_free(cat->ctx, cat->models[i]);
    gw__arena_free(cat->arena);
}

const char *gw_catalog_origin(const gw_catalog *cat)
{
    return cat ? cat->origin : "";
}

size_t gw_catalog_n_accels(const gw_catalog *cat)
{
    return cat ? cat->n_accels : 0;
}
const gw_accel *gw_catalog_accel_at(const gw_catalog *cat, size_t i)
{
    return cat && i < cat->n_accels ? &cat->accels[i] : NULL;
}
size_t gw_catalog_n_models(const gw_catalog *cat)
{
    return cat ? cat->n_models : 0;
}
const gw_model *gw_catalog_model_at(const gw_catalog *cat, size_t i)
{
    return cat && i < cat->n_models ? cat->models[i] : NULL;
}
size_t gw_catalog_n_systems(const gw_catalog *cat)
{
    return cat ? cat->n_systems : 0;
}
const gw_system *gw_catalog_system_at(const gw_catalog *cat, size_t i)
{
    return cat && i < cat->n_systems ? &cat->systems[i] : NULL;
}
size_t gw_catalog_n_nics(const gw_catalog *cat)
{
    return cat ? cat->n_nics : 0;
}
const gw_nic *gw_catalog_nic_at(const gw_catalog *cat, size_t i)
{
    return cat && i < cat->n_nics ? &cat->nics[i] : NULL;
}
size_t gw_catalog_n_switches(const gw_catalog *cat)
{
    return cat ? cat->n_switches : 0;
}
const gw_switch *gw_catalog_switch_at(const gw_catalog *cat, size_t i)
{
    return cat && i < cat->n_switches ? &cat->switches[i] : NULL;
}
size_t gw_catalog_n_optics(const gw_catalog *cat)
{
    return cat ? cat->n_optics : 0;
}
const gw_optic *gw_catalog_optic_at(const gw_catalog *cat, size_t i)
{
    return cat && i < cat->n_optics ? &cat->optics[i] : NULL;
}
size_t gw_catalog_n_sites(const gw_catalog *cat)
{
    return cat ? cat->n_sites : 0;
}
const gw_site_ref *gw_catalog_site_at(const gw_catalog *cat, size_t i)
{
    return cat && i < cat->n_sites ? &cat->sites[i] : NULL;
}
const gw_facility *gw_catalog_facility(const gw_catalog *cat)
{
    return cat ? &cat->facility : NULL;
}

/* Builds "known: a, b, c" into buf for not-found messages. */
static void known_list(char *buf, size_t n, size_t count,
                       const char *(*name_at)(const gw_catalog *, size_t), const gw_catalog *cat)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < count && used + 8 < n; i++) {
        int w = snprintf(buf + used, n - used, "%s%s", i ? ", " : "", name_at(cat, i));
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (used + 8 >= n && n > 8)
        gw__strlcpy(buf + n - 8, ", ...", 8);
}

static const char *accel_name_at(const gw_catalog *c, size_t i)
{
    return c->accels[i].name;
}
static const char *model_name_at(const gw_catalog *c, size_t i)
{
    return c->models[i]->name;
}
static const char *system_name_at(const gw_catalog *c, size_t i)
{
    return c->systems[i].name;
}
static const char *nic_name_at(const gw_catalog *c, size_t i)
{
    return c->nics[i].name;
}
static const char *switch_name_at(const gw_catalog *c, size_t i)
{
    return c->switches[i].name;
}

static bool alias_match(const char *const *aliases, const char *name)
{
    for (; aliases && *aliases; aliases++)
        if (gw__streq_nocase(*aliases, name))
            return true;
    return false;
}

gw_status gw_catalog_accel_find(const gw_catalog *cat, const char *name, const gw_accel **out,
                                gw_error *err)
{
    if (!cat || !name || !out)
        return gw__err(err, GW_EINVAL, "gw_catalog_accel_find: bad argument");
    for (size_t i = 0; i < cat->n_accels; i++) {
        if (gw__streq_nocase(cat->accels[i].name, name) ||
            alias_match(cat->accel_aliases[i], name)) {
            *out = &cat->accels[i];
            return GW_OK;
        }
    }
    gw__suggest sg;
    gw__suggest_init(&sg, name);
    for (size_t i = 0; i < cat->n_accels; i++) {
        gw__suggest_add(&sg, cat->accels[i].name);
        for (const char *const *al = cat->accel_aliases[i]; al && *al; al++)
            gw__suggest_add(&sg, *al);
    }
    char list[400], hint[96];
    known_list(list, sizeof list, cat->n_accels, accel_name_at, cat);
    return gw__err(err, GW_ENOTFOUND, "unknown accelerator \"%s\"%s (known: %s)", name,
                   gw__suggest_text(&sg, hint, sizeof hint), list);
}

gw_status gw_catalog_model_find(const gw_catalog *cat, const char *name, const gw_model **out,
                                gw_error *err)
{
    if (!cat || !name || !out)
        return gw__err(err, GW_EINVAL, "gw_catalog_model_find: bad argument");
    for (size_t i = 0; i < cat->n_models; i++) {
        if (gw__streq_nocase(cat->models[i]->name, name) ||
            alias_match(cat->model_aliases[i], name)) {
            *out = cat->models[i];
            return GW_OK;
        }
    }
    gw__suggest sg;
    gw__suggest_init(&sg, name);
    for (size_t i = 0; i < cat->n_models; i++) {
        gw__suggest_add(&sg, cat->models[i]->name);
        for (const char *const *al = cat->model_aliases[i]; al && *al; al++)
            gw__suggest_add(&sg, *al);
    }
    char list[400], hint[96];
    known_list(list, sizeof list, cat->n_models, model_name_at, cat);
    return gw__err(err, GW_ENOTFOUND,
                   "unknown model \"%s\"%s (give a config.json path, or one of: %s)", name,
                   gw__suggest_text(&sg, hint, sizeof hint), list);
}

gw_status gw_catalog_system_find(const gw_catalog *cat, const char *name, const gw_system **out,
                                 gw_error *err)
{
    if (!cat || !name || !out)
        return gw__err(err, GW_EINVAL, "gw_catalog_system_find: bad argument");
    for (size_t i = 0; i < cat->n_systems; i++) {
        if (gw__streq_nocase(cat->systems[i].name, name)) {
            *out = &cat->systems[i];
            return GW_OK;
        }
    }
    gw__suggest sg;
    gw__suggest_init(&sg, name);
    for (size_t i = 0; i < cat->n_systems; i++)
        gw__suggest_add(&sg, cat->systems[i].name);
    char list[400], hint[96];
    known_list(list, sizeof list, cat->n_systems, system_name_at, cat);
    return gw__err(err, GW_ENOTFOUND, "unknown system \"%s\"%s (known: %s)", name,
                   gw__suggest_text(&sg, hint, sizeof hint), list);
}

gw_status gw_catalog_nic_find(const gw_catalog *cat, const char *name, const gw_nic **out,
                              gw_error *err)
{
    if (!cat || !name || !out)
        return gw__err(err, GW_EINVAL, "gw_catalog_nic_find: bad argument");
    for (size_t i = 0; i < cat->n_nics; i++) {
        if (gw__streq_nocase(cat->nics[i].name, name)) {
            *out = &cat->nics[i];
            return GW_OK;
        }
    }
    gw__suggest sg;
    gw__suggest_init(&sg, name);
    for (size_t i = 0; i < cat->n_nics; i++)
        gw__suggest_add(&sg, cat->nics[i].name);
    char list[400], hint[96];
    known_list(list, sizeof list, cat->n_nics, nic_name_at, cat);
    return gw__err(err, GW_ENOTFOUND, "unknown NIC \"%s\"%s (known: %s)", name,
                   gw__suggest_text(&sg, hint, sizeof hint), list);
}

gw_status gw_catalog_switch_find(const gw_catalog *cat, const char *name, const gw_switch **out,
                                 gw_error *err)
{
    if (!cat || !name || !out)
        return gw__err(err, GW_EINVAL, "gw_catalog_switch_find: bad argument");
    for (size_t i = 0; i < cat->n_switches; i++) {
        if (gw__streq_nocase(cat->switches[i].name, name)) {
            *out = &cat->switches[i];
            return GW_OK;
        }
    }
    gw__suggest sg;
    gw__suggest_init(&sg, name);
    for (size_t i = 0; i < cat->n_switches; i++)
        gw__suggest_add(&sg, cat->switches[i].name);
    char list[400], hint[96];
    known_list(list, sizeof list, cat->n_switches, switch_name_at, cat);
    return gw__err(err, GW_ENOTFOUND, "unknown switch \"%s\"%s (known: %s)", name,
                   gw__suggest_text(&sg, hint, sizeof hint), list);
}

gw_status gw_catalog_system_for(const gw_catalog *cat, const gw_accel *a, const gw_system **out,
                                gw_error *err)
{
    if (!cat || !a || !out)
        return gw__err(err, GW_EINVAL, "gw_catalog_system_for: bad argument");
    for (size_t i = 0; i < cat->n_systems; i++) {
        if (gw__streq_nocase(cat->systems[i].accelerator, a->name)) {
            *out = &cat->systems[i];
            return GW_OK;
        }
    }
    return gw__err(err, GW_ENOTFOUND, "no server or rack in the catalog holds \"%s\"", a->name);
}
