/* SPDX-License-Identifier: MIT */
/*
 * model.c: loads data/failures.yaml, the failure-rate catalog of the rel
 * module: named profiles (lists of causes with a rate per component-hour and a
 * scope) and the `job:` defaults (checkpoint size per parameter, storage and
 * snapshot bandwidth, detection, restart, repair, stragglers, lemon nodes).
 *
 * Every numeric value is a sourced map {value, source, confidence, note}
 * whose value carries a unit (gw_unit_parse). The `validation:` list is read
 * by the tests only and is accepted here without interpretation.
 *
 * Sources: see data/failures.yaml and docs/models/rel.md.
 */
#include <gigawatt/rel.h>

#include <math.h>
#include <string.h>

#include "core/core_internal.h"
#include "rel/rel_internal.h"

/* ---- Helpers --------------------------------------------------------------- */

static const char *const sourced_keys[] = {"value", "source", "confidence", "note", NULL};

/* A sourced value {value: "14", source: "...", ...}; the source is required. */
static gw_status sourced(const gw__ydoc *d, const gw__ynode *n, const char *where, gw_dim dim,
                         double min, double max, double *out, gw_error *err)
{
    gw_status rc = gw__y_check_keys(d, n, sourced_keys, where, err);
    if (rc != GW_OK)
        return rc;
    gw__ynode *v = NULL, *src = NULL;
    rc = gw__y_require(d, n, "value", where, &v, err);
    if (rc == GW_OK)
        rc = gw__y_require(d, n, "source", where, &src, err);
    if (rc != GW_OK)
        return rc;
    const char *s = NULL;
    rc = gw__y_str(d, src, where, &s, err);
    if (rc != GW_OK)
        return rc;
    if (s[0] == '\0') {
        gw__err(err, GW_ESCHEMA, "empty source");
        gw__y_loc(d, src, where, err);
        return GW_ESCHEMA;
    }
    char w[128];
    gw__snprintf(w, sizeof w, "%s.value", where);
    return gw__y_num(d, v, w, dim, min, max, out, err);
}

static gw_status copy_str(const gw__ydoc *d, const gw__ynode *map, const char *key,
                          const char *where, char *dst, size_t dst_len, gw_error *err)
{
    gw__ynode *n = NULL;
    gw_status rc = gw__y_require(d, map, key, where, &n, err);
    const char *s = NULL;
    if (rc == GW_OK)
        rc = gw__y_str(d, n, where, &s, err);
    if (rc != GW_OK)
        return rc;
    if (strlen(s) >= dst_len) {
        gw__err(err, GW_ERANGE, "%s is longer than %zu characters", key, dst_len - 1);
        gw__y_loc(d, n, where, err);
        return GW_ERANGE;
    }
    gw__strlcpy(dst, s, dst_len);
    return GW_OK;
}

static gw_status opt_bool(const gw__ydoc *d, const gw__ynode *map, const char *key,
                          const char *where, bool *out, gw_error *err)
{
    gw__ynode *n = gw__ymap_get(map, key);
    *out = false;
    if (!n)
        return GW_OK;
    char w[128];
    gw__snprintf(w, sizeof w, "%s.%s", where, key);
    return gw__y_bool(d, n, w, out, err);
}

const char *gw_rel_scope_name(gw_rel_scope s)
{
    static const char *const names[GW_REL_SCOPE_COUNT_] = {"gpu",    "node", "nic", "link",
                                                           "switch", "job",  "rack"};
    if ((int)s < 0 || s >= GW_REL_SCOPE_COUNT_)
        return "?";
    return names[s];
}

static gw_status parse_scope(const gw__ydoc *d, const gw__ynode *n, const char *where,
                             gw_rel_scope *out, gw_error *err)
{
    const char *s = NULL;
    gw_status rc = gw__y_str(d, n, where, &s, err);
    if (rc != GW_OK)
        return rc;
    for (int i = 0; i < (int)GW_REL_SCOPE_COUNT_; i++) {
        if (strcmp(s, gw_rel_scope_name((gw_rel_scope)i)) == 0) {
            *out = (gw_rel_scope)i;
            return GW_OK;
        }
    }
    gw__err(err, GW_ESCHEMA,
            "unknown scope \"%s\" (expected one of: gpu, node, nic, link, switch, job, rack)", s);
    gw__y_loc(d, n, where, err);
    return GW_ESCHEMA;
}

/* ---- Profiles -------------------------------------------------------------- */

/* A list of names (measured_on, systems), at most GW__REL_MAX_NAMES. */
static gw_status parse_names(const gw__ydoc *d, const gw__ynode *n, const char *where,
                             char (*dst)[GW_REL_NAME_LEN], size_t *n_out, gw_error *err)
{
    gw_status rc = gw__y_expect(d, n, GW_Y_SEQ, where, err);
    if (rc != GW_OK)
        return rc;
    if (n->n == 0 || n->n > GW__REL_MAX_NAMES) {
        gw__err(err, GW_ERANGE, "expected 1 to %d names, got %zu", GW__REL_MAX_NAMES, n->n);
        gw__y_loc(d, n, where, err);
        return GW_ERANGE;
    }
    for (size_t i = 0; i < n->n; i++) {
        const char *s = NULL;
        rc = gw__y_str(d, n->vals[i], where, &s, err);
        if (rc != GW_OK)
            return rc;
        if (strlen(s) >= GW_REL_NAME_LEN) {
            gw__err(err, GW_ERANGE, "name longer than %d characters", GW_REL_NAME_LEN - 1);
            gw__y_loc(d, n->vals[i], where, err);
            return GW_ERANGE;
        }
        gw__strlcpy(dst[i], s, GW_REL_NAME_LEN);
    }
    *n_out = n->n;
    return GW_OK;
}

/* gen: a generation's cause, which may name the node cause it `replaces`. */
static gw_status parse_cause(const gw__ydoc *d, const gw__ynode *n, const char *where, bool gen,
                             gw__rel_cause_def *c, gw_error *err)
{
    static const char *const keys[] = {"name",     "category", "scope", "hardware", "planned",
                                       "observed", "rate",     "proxy", NULL};
    static const char *const gen_keys[] = {"name", "category", "scope",    "hardware", "planned",
                                           "rate", "proxy",    "replaces", NULL};
    gw_status rc = gw__y_check_keys(d, n, gen ? gen_keys : keys, where, err);
    if (rc == GW_OK)
        rc = copy_str(d, n, "name", where, c->name, sizeof c->name, err);
    if (rc == GW_OK)
        rc = copy_str(d, n, "category", where, c->category, sizeof c->category, err);
    gw__ynode *v = NULL;
    char w[128];
    if (rc == GW_OK)
        rc = gw__y_require(d, n, "scope", where, &v, err);
    if (rc == GW_OK) {
        gw__snprintf(w, sizeof w, "%s.scope", where);
        rc = parse_scope(d, v, w, &c->scope, err);
    }
    if (rc == GW_OK)
        rc = opt_bool(d, n, "hardware", where, &c->hardware, err);
    if (rc == GW_OK)
        rc = opt_bool(d, n, "planned", where, &c->planned, err);
    if (rc == GW_OK)
        rc = opt_bool(d, n, "proxy", where, &c->proxy, err);
    c->replaces[0] = '\0';
    if (rc == GW_OK && gen && gw__ymap_get(n, "replaces"))
        rc = copy_str(d, n, "replaces", where, c->replaces, sizeof c->replaces, err);
    c->observed = (double)NAN;
    if (rc == GW_OK && (v = gw__ymap_get(n, "observed")) != NULL) {
        long long k = 0;
        gw__snprintf(w, sizeof w, "%s.observed", where);
        rc = gw__y_int(d, v, w, 0, 1000000000LL, &k, err);
        c->observed = (double)k;
    }
    if (rc == GW_OK)
        rc = gw__y_require(d, n, "rate", where, &v, err);
    if (rc == GW_OK) {
        gw__snprintf(w, sizeof w, "%s.rate", where);
        rc = sourced(d, v, w, GW_DIM_RATE, 0.0, 1.0, &c->rate_s, err);
    }
    if (rc == GW_OK && c->planned && c->hardware) {
        gw__err(err, GW_ESCHEMA, "a cause cannot be both planned and hardware");
        gw__y_loc(d, n, where, err);
        rc = GW_ESCHEMA;
    }
    return rc;
}

static gw_status parse_reference(const gw__ydoc *d, const gw__ynode *n, const char *where,
                                 gw__rel_profile *p, gw_error *err)
{
    static const char *const keys[] = {"gpus",         "gpus_per_node", "nics_per_gpu",
                                       "switch_radix", "duration",      NULL};
    gw_status rc = gw__y_check_keys(d, n, keys, where, err);
    gw__ynode *v = NULL;
    char w[128];
    long long k = 0;
    if (rc == GW_OK)
        rc = gw__y_require(d, n, "gpus", where, &v, err);
    if (rc == GW_OK) {
        gw__snprintf(w, sizeof w, "%s.gpus", where);
        rc = gw__y_num(d, v, w, GW_DIM_NONE, 1.0, 1e9, &p->ref_gpus, err);
    }
    if (rc == GW_OK)
        rc = gw__y_require(d, n, "gpus_per_node", where, &v, err);
    if (rc == GW_OK) {
        gw__snprintf(w, sizeof w, "%s.gpus_per_node", where);
        rc = gw__y_int(d, v, w, 1, 1024, &k, err);
        p->ref_gpus_per_node = (int)k;
    }
    if (rc == GW_OK)
        rc = gw__y_require(d, n, "nics_per_gpu", where, &v, err);
    if (rc == GW_OK) {
        gw__snprintf(w, sizeof w, "%s.nics_per_gpu", where);
        rc = gw__y_int(d, v, w, 1, 64, &k, err);
        p->ref_nics_per_gpu = (int)k;
    }
    if (rc == GW_OK)
        rc = gw__y_require(d, n, "switch_radix", where, &v, err);
    if (rc == GW_OK) {
        gw__snprintf(w, sizeof w, "%s.switch_radix", where);
        rc = gw__y_int(d, v, w, 2, 4096, &k, err);
        p->ref_switch_radix = (int)k;
    }
    if (rc == GW_OK)
        rc = gw__y_require(d, n, "duration", where, &v, err);
    if (rc == GW_OK) {
        gw__snprintf(w, sizeof w, "%s.duration", where);
        rc = gw__y_num(d, v, w, GW_DIM_TIME, 1.0, 1e10, &p->ref_duration_s, err);
    }
    return rc;
}

static gw_status parse_profile(const gw__ydoc *d, const gw__ynode *n, const char *where,
                               gw__rel_profile *p, gw_error *err)
{
    static const char *const keys[] = {"name",   "description", "source", "reference",
                                       "causes", "measured_on", NULL};
    gw_status rc = gw__y_check_keys(d, n, keys, where, err);
    if (rc == GW_OK)
        rc = copy_str(d, n, "name", where, p->name, sizeof p->name, err);
    p->n_measured_on = 0;
    if (rc == GW_OK && gw__ymap_get(n, "measured_on")) {
        char wm[128];
        gw__snprintf(wm, sizeof wm, "%s.measured_on", where);
        rc = parse_names(d, gw__ymap_get(n, "measured_on"), wm, p->measured_on, &p->n_measured_on,
                         err);
    }
    gw__ynode *v = NULL;
    char w[128];
    if (rc == GW_OK)
        rc = gw__y_require(d, n, "source", where, &v, err);
    if (rc == GW_OK)
        rc = gw__y_require(d, n, "reference", where, &v, err);
    if (rc == GW_OK) {
        gw__snprintf(w, sizeof w, "%s.reference", where);
        rc = parse_reference(d, v, w, p, err);
    }
    if (rc == GW_OK)
        rc = gw__y_require(d, n, "causes", where, &v, err);
    if (rc == GW_OK) {
        gw__snprintf(w, sizeof w, "%s.causes", where);
        rc = gw__y_expect(d, v, GW_Y_SEQ, w, err);
    }
    if (rc != GW_OK)
        return rc;
    if (v->n == 0 || v->n > GW_REL_MAX_CAUSES) {
        gw__err(err, GW_ERANGE, "a profile needs 1 to %d causes, got %zu", GW_REL_MAX_CAUSES, v->n);
        gw__y_loc(d, v, w, err);
        return GW_ERANGE;
    }
    for (size_t i = 0; i < v->n && rc == GW_OK; i++) {
        char wi[128];
        gw__snprintf(wi, sizeof wi, "%s.causes[%zu]", where, i);
        rc = parse_cause(d, v->vals[i], wi, false, &p->causes[i], err);
    }
    p->n_causes = v->n;
    return rc;
}

/* ---- Generations ----------------------------------------------------------- */

static gw_status parse_generation(const gw__ydoc *d, const gw__ynode *n, const char *where,
                                  gw__rel_generation *g, gw_error *err)
{
    static const char *const keys[] = {"name", "description", "source", "systems", "causes", NULL};
    gw_status rc = gw__y_check_keys(d, n, keys, where, err);
    if (rc == GW_OK)
        rc = copy_str(d, n, "name", where, g->name, sizeof g->name, err);
    gw__ynode *v = NULL;
    char w[128];
    if (rc == GW_OK)
        rc = gw__y_require(d, n, "source", where, &v, err);
    if (rc == GW_OK)
        rc = gw__y_require(d, n, "systems", where, &v, err);
    if (rc == GW_OK) {
        gw__snprintf(w, sizeof w, "%s.systems", where);
        rc = parse_names(d, v, w, g->systems, &g->n_systems, err);
    }
    if (rc == GW_OK)
        rc = gw__y_require(d, n, "causes", where, &v, err);
    if (rc == GW_OK) {
        gw__snprintf(w, sizeof w, "%s.causes", where);
        rc = gw__y_expect(d, v, GW_Y_SEQ, w, err);
    }
    if (rc != GW_OK)
        return rc;
    if (v->n == 0 || v->n > GW__REL_MAX_GEN_CAUSES) {
        gw__err(err, GW_ERANGE, "a generation needs 1 to %d causes, got %zu",
                GW__REL_MAX_GEN_CAUSES, v->n);
        gw__y_loc(d, v, w, err);
        return GW_ERANGE;
    }
    for (size_t i = 0; i < v->n && rc == GW_OK; i++) {
        char wi[128];
        gw__snprintf(wi, sizeof wi, "%s.causes[%zu]", where, i);
        rc = parse_cause(d, v->vals[i], wi, true, &g->causes[i], err);
    }
    g->n_causes = v->n;
    return rc;
}

static gw_status parse_generations(const gw__ydoc *d, const gw__ynode *v, gw__rel_model *m,
                                   gw_error *err)
{
    gw_status rc = gw__y_expect(d, v, GW_Y_SEQ, "generations", err);
    if (rc != GW_OK)
        return rc;
    if (v->n > GW__REL_MAX_GENERATIONS) {
        gw__err(err, GW_ERANGE, "expected at most %d generations, got %zu", GW__REL_MAX_GENERATIONS,
                v->n);
        gw__y_loc(d, v, "generations", err);
        return GW_ERANGE;
    }
    for (size_t i = 0; i < v->n && rc == GW_OK; i++) {
        char w[128];
        gw__snprintf(w, sizeof w, "generations[%zu]", i);
        rc = parse_generation(d, v->vals[i], w, &m->generations[i], err);
    }
    m->n_generations = v->n;
    return rc;
}

const gw__rel_generation *gw__rel_generation_for(const gw__rel_model *m, const char *system)
{
    if (!system || !system[0])
        return NULL;
    for (size_t i = 0; i < m->n_generations; i++) {
        const gw__rel_generation *g = &m->generations[i];
        for (size_t k = 0; k < g->n_systems; k++) {
            if (gw__streq_nocase(g->systems[k], system))
                return g;
        }
    }
    return NULL;
}

/* ---- Job defaults ---------------------------------------------------------- */

typedef struct param_spec {
    const char *key;
    gw_dim dim;
    double min, max;
    size_t offset;
} param_spec;

#define P(key, dim, lo, hi, field)                        \
    {                                                     \
        key, dim, lo, hi, offsetof(gw__rel_params, field) \
    }
static const param_spec param_specs[] = {
    P("checkpoint_bytes_per_param", GW_DIM_NONE, 0.1, 1e3, ckpt_bytes_per_param),
    P("storage_write_per_gpu", GW_DIM_BANDWIDTH, 1.0, 1e15, storage_write_per_gpu_Bps),
    P("snapshot_per_gpu", GW_DIM_BANDWIDTH, 1.0, 1e15, snapshot_per_gpu_Bps),
    P("detect", GW_DIM_TIME, 0.0, 1e7, detect_s),
    P("restart_reference", GW_DIM_TIME, 0.0, 1e7, restart_ref_s),
    P("restart_reference_gpus", GW_DIM_NONE, 1.0, 1e9, restart_ref_gpus),
    P("restart_per_doubling", GW_DIM_TIME, 0.0, 1e6, restart_per_doubling_s),
    P("restart_min", GW_DIM_TIME, 0.0, 1e7, restart_min_s),
    P("repair", GW_DIM_TIME, 0.0, 1e9, repair_s),
    P("spare_quantile", GW_DIM_FRACTION, 0.5, 0.999999, spare_quantile),
    P("straggler_node_fraction", GW_DIM_FRACTION, 0.0, 1.0, straggler_node_fraction),
    P("straggler_slowdown", GW_DIM_FRACTION, 0.0, 10.0, straggler_slowdown),
    P("lemon_rate_multiplier", GW_DIM_NONE, 1.0, 1e6, lemon_rate_multiplier),
    P("reference_age", GW_DIM_TIME, 1.0, 1e10, reference_age_s),
    P("switch_radix", GW_DIM_NONE, 4.0, 4096.0, switch_radix),
    P("default_params", GW_DIM_TOKENS, 1.0, 1e16, default_params),
    P("target_goodput", GW_DIM_FRACTION, 0.01, 0.9999, target_goodput),
    P("max_wall_factor", GW_DIM_NONE, 1.5, 1e4, max_wall_factor),
    P("longest_run", GW_DIM_TIME, 1.0, 1e12, longest_run_s),
    P("search_span", GW_DIM_NONE, 1.5, 1e3, search_span),
    P("min_interval", GW_DIM_TIME, 1e-3, 1e6, min_interval_s),
    P("detect_fast", GW_DIM_TIME, 0.0, 1e7, detect_fast_s),
    P("hot_restart_reference", GW_DIM_TIME, 0.0, 1e7, hot_restart_ref_s),
    P("hot_restart_reference_gpus", GW_DIM_NONE, 1.0, 1e9, hot_restart_ref_gpus),
    P("peer_copy_per_gpu", GW_DIM_BANDWIDTH, 1.0, 1e15, peer_copy_per_gpu_Bps),
    P("elastic_pause", GW_DIM_TIME, 0.0, 1e6, elastic_pause_s),
    P("replica_gpus", GW_DIM_NONE, 1.0, 1e9, replica_gpus),
    P("replica_state_per_gpu", GW_DIM_BYTES, 1.0, 1e15, replica_state_per_gpu_bytes),
};
#undef P
#define N_PARAMS (sizeof param_specs / sizeof param_specs[0])

static gw_status parse_job(const gw__ydoc *d, const gw__ynode *n, gw__rel_params *p, gw_error *err)
{
    const char *keys[N_PARAMS + 1];
    for (size_t i = 0; i < N_PARAMS; i++)
        keys[i] = param_specs[i].key;
    keys[N_PARAMS] = NULL;
    gw_status rc = gw__y_check_keys(d, n, keys, "job", err);
    for (size_t i = 0; i < N_PARAMS && rc == GW_OK; i++) {
        const param_spec *ps = &param_specs[i];
        char w[128];
        gw__snprintf(w, sizeof w, "job.%s", ps->key);
        gw__ynode *v = NULL;
        rc = gw__y_require(d, n, ps->key, "job", &v, err);
        if (rc == GW_OK)
            rc = sourced(d, v, w, ps->dim, ps->min, ps->max,
                         (double *)(void *)((char *)p + ps->offset), err);
    }
    return rc;
}

/* ---- Loader -------------------------------------------------------------- */

static gw_status parse_model(const gw__ydoc *d, gw__rel_model *m, gw_error *err)
{
    static const char *const keys[] = {
        "schema_version",  "default_profile",   "profiles",    "job", "validation",
        "validation_ettr", "validation_counts", "generations", NULL};
    const gw__ynode *root = d->root;
    gw_status rc = gw__y_check_keys(d, root, keys, "", err);
    gw__ynode *v = NULL;
    long long ver = 0;
    if (rc == GW_OK)
        rc = gw__y_require(d, root, "schema_version", "", &v, err);
    if (rc == GW_OK)
        rc = gw__y_int(d, v, "schema_version", 1, 1, &ver, err);
    if (rc == GW_OK)
        rc = gw__y_require(d, root, "profiles", "", &v, err);
    if (rc == GW_OK)
        rc = gw__y_expect(d, v, GW_Y_SEQ, "profiles", err);
    if (rc != GW_OK)
        return rc;
    if (v->n == 0 || v->n > GW__REL_MAX_PROFILES) {
        gw__err(err, GW_ERANGE, "expected 1 to %d profiles, got %zu", GW__REL_MAX_PROFILES, v->n);
        gw__y_loc(d, v, "profiles", err);
        return GW_ERANGE;
    }
    for (size_t i = 0; i < v->n && rc == GW_OK; i++) {
        char w[128];
        gw__snprintf(w, sizeof w, "profiles[%zu]", i);
        rc = parse_profile(d, v->vals[i], w, &m->profiles[i], err);
        for (size_t j = 0; j < i && rc == GW_OK; j++) {
            if (gw__streq_nocase(m->profiles[j].name, m->profiles[i].name)) {
                gw__err(err, GW_ESCHEMA, "duplicate profile name \"%s\"", m->profiles[i].name);
                gw__y_loc(d, v->vals[i], w, err);
                rc = GW_ESCHEMA;
            }
        }
    }
    m->n_profiles = v->n;
    if (rc == GW_OK)
        rc = gw__y_require(d, root, "default_profile", "", &v, err);
    const char *def = NULL;
    if (rc == GW_OK)
        rc = gw__y_str(d, v, "default_profile", &def, err);
    if (rc != GW_OK)
        return rc;
    const gw__rel_profile *dp = gw__rel_profile_find(m, def);
    if (!dp) {
        gw__err(err, GW_ESCHEMA, "default_profile \"%s\" is not one of the profiles", def);
        gw__y_loc(d, v, "default_profile", err);
        return GW_ESCHEMA;
    }
    m->default_index = (size_t)(dp - m->profiles);
    m->n_generations = 0;
    if ((v = gw__ymap_get(root, "generations")) != NULL) {
        rc = parse_generations(d, v, m, err);
        if (rc != GW_OK)
            return rc;
    }
    rc = gw__y_require(d, root, "job", "", &v, err);
    if (rc == GW_OK)
        rc = parse_job(d, v, &m->p, err);
    return rc;
}

const gw__rel_profile *gw__rel_profile_find(const gw__rel_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_profiles; i++) {
        if (gw__streq_nocase(m->profiles[i].name, name))
            return &m->profiles[i];
    }
    return NULL;
}

gw_status gw__rel_model_parse(gw_ctx *ctx, const char *buf, size_t len, const char *shown,
                              gw__rel_model **out, gw_error *err)
{
    gw__ydoc *doc = NULL;
    gw__rel_model *m = NULL;
    gw_status rc = gw__ydoc_parse(ctx, buf, len, shown, &doc, err);
    if (rc != GW_OK)
        goto done;
    if (!doc->root) {
        rc = gw__err(err, GW_ESCHEMA, "empty failure catalog");
        gw__err_loc(err, shown, 1, 1, NULL);
        goto done;
    }
    m = gw_calloc(ctx, 1, sizeof *m);
    if (!m) {
        rc = gw__err(err, GW_ENOMEM, "out of memory loading %s", shown);
        goto done;
    }
    rc = parse_model(doc, m, err);
    if (rc != GW_OK)
        goto done;
    *out = m;
    m = NULL;
done:
    gw_free(ctx, m);
    gw__ydoc_free(doc);
    return rc;
}

gw_status gw__rel_model_load(gw_ctx *ctx, const char *data_dir, gw__rel_model **out, gw_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    char shown[512];
    gw_status rc = gw__data_read(ctx, data_dir, "failures.yaml", &buf, &len, shown, err);
    if (rc != GW_OK)
        return rc;
    rc = gw__rel_model_parse(ctx, buf, len, shown, out, err);
    gw_free(ctx, buf);
    return rc;
}

void gw__rel_model_free(gw_ctx *ctx, gw__rel_model *m)
{
    gw_free(ctx, m);
}

gw_status gw_rel_profiles(gw_ctx *ctx, const char *data_dir, char (*names)[GW_REL_NAME_LEN],
                          size_t max, size_t *n, size_t *default_index, gw_error *err)
{
    if (!ctx || !n || (max > 0 && !names))
        return gw__err(err, GW_EINVAL, "gw_rel_profiles: NULL argument");
    gw__rel_model *m = NULL;
    gw_status rc = gw__rel_model_load(ctx, data_dir, &m, err);
    if (rc != GW_OK)
        return rc;
    for (size_t i = 0; i < m->n_profiles && i < max; i++)
        gw__strlcpy(names[i], m->profiles[i].name, GW_REL_NAME_LEN);
    *n = m->n_profiles;
    if (default_index)
        *default_index = m->default_index;
    gw__rel_model_free(ctx, m);
    return GW_OK;
}
