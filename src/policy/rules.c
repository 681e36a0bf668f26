/* SPDX-License-Identifier: MIT */
/*
 * rules.c: export-control thresholds, destination groups and chip-specific
 * measures (data/export_rules.yaml), TPP and PD of an accelerator, its
 * classification under the October 2022 and October 2023 rules, the January
 * 2026 case-by-case band and the Section 232 Annex I tariff bands, and the
 * licence answer for a destination under each rule (oct2022, oct2023, the
 * rescinded AI Diffusion rule jan2025, jan2026) with the measures taken under
 * it (the 2025 H20 letter and 15% licences, the H200 arrangement), worded
 * with the rule's name and date and the export_control.md section.
 *
 *   TPP = max over precisions p of (dense rate_p in TFLOP/s or TOPS) x bits_p
 *         (FR 2023-23055 p-938: 2 x MacTOPS x bit length; the tracker's
 *         guidance: the bit length that gives the highest TPP; dense rates)
 *   PD  = TPP / applicable die area in mm^2 (FR 2023-23055 p-945)
 *
 * Sources: data/reference/export_control.md, which relies on secondary
 * summaries (Thompson Hine; Spencer Kelly's Export Control Toolkit); the
 * country-group members cite 15 CFR Part 740 Supp. 1 and FR 2025-00636. Not
 * modelled: end-use/end-user rules, the Entity List, 3A090.c (HBM stacks),
 * licence exceptions other than NAC/ACA, AI Diffusion VEU routes and quota
 * accounting, whether a licence is granted. Not legal advice.
 */
#include <gigawatt/policy.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core_internal.h"
#include "econ/econ_internal.h"

/* ---- Names -------------------------------------------------------------------- */

/* Indexed by gw_policy_rule (append-only values). */
static const char *const rule_names[GW_POLICY_N_RULES] = {"oct2022", "oct2023", "jan2026",
                                                          "jan2025"};

gw_status gw_policy_rule_parse(const char *text, gw_policy_rule *out)
{
    for (size_t i = 0; text && i < GW_POLICY_N_RULES; i++) {
        if (gw__streq_nocase(text, rule_names[i])) {
            *out = (gw_policy_rule)i;
            return GW_OK;
        }
    }
    return GW_EPARSE;
}

const char *gw_policy_rule_name(gw_policy_rule r)
{
    return (unsigned)r < (unsigned)GW_POLICY_N_RULES ? rule_names[r] : "?";
}

const char *gw_policy_class_name(gw_policy_class c)
{
    switch (c) {
    case GW_POLICY_3A090_A:
        return "3A090.a";
    case GW_POLICY_3A090_B:
        return "3A090.b";
    case GW_POLICY_NOT_CONTROLLED:
        break;
    }
    return "not controlled";
}

const char *gw_policy_licence_name(gw_policy_licence l)
{
    switch (l) {
    case GW_LICENCE_NONE:
        return "no licence required";
    case GW_LICENCE_NOTIFY:
        return "licence exception NAC (notify BIS)";
    case GW_LICENCE_APPROVAL:
        return "licence required, presumption of approval";
    case GW_LICENCE_CASE_BY_CASE:
        return "licence required, case-by-case review";
    case GW_LICENCE_DENIAL:
        return "licence required, presumption of denial";
    case GW_LICENCE_ACA:
        return "licence exception ACA (no notification)";
    case GW_LICENCE_REQUIRED:
        return "licence required (review policy not stated in the reference)";
    case GW_LICENCE_QUOTA:
        return "licence required, Tier-2 country cap";
    case GW_LICENCE_CONDITIONAL:
        return "licence required, licences issued on conditions";
    }
    return "?";
}

/* Group names of data/export_rules.yaml, by bit number of gw_policy_group. */
static const char *const group_keys[GW_POLICY_N_GROUPS] = {"home", "china", "d5", "d1_d4", "tier1"};
static const char *const group_titles[GW_POLICY_N_GROUPS] = {
    "home country", "China/HK/Macau", "D:5 + Macau", "D:1/D:4", "AI Diffusion Tier 1"};

/* ---- Loading ------------------------------------------------------------------- */

/* The list under key of map, with at most max items (what, e.g. "bands",
 * names them in the error). *out is set only on GW_OK. */
static gw_status bounded_list(const gw__ydoc *d, const gw__ynode *map, const char *key,
                              const char *where, size_t max, const char *what, gw__ynode **out,
                              gw_error *err)
{
    gw__ynode *seq = NULL;
    gw_status rc = gw__y_require(d, map, key, where, &seq, err);
    if (rc == GW_OK)
        rc = gw__y_expect(d, seq, GW_Y_SEQ, where, err);
    if (rc == GW_OK && seq->n > max) {
        rc = gw__err(err, GW_ERANGE, "at most %zu %s", max, what);
        gw__y_loc(d, seq, where, err);
    }
    if (rc == GW_OK)
        *out = seq;
    return rc;
}

static gw_status str_into(const gw__ydoc *d, const gw__ynode *map, const char *key,
                          const char *where, char *dst, size_t n, gw_error *err)
{
    gw__ynode *v = NULL;
    const char *s = NULL;
    gw_status rc = gw__y_require(d, map, key, where, &v, err);
    if (rc == GW_OK)
        rc = gw__y_str(d, v, where, &s, err);
    if (rc == GW_OK && strlen(s) >= n) {
        rc = gw__err(err, GW_ERANGE, "at most %zu characters", n - 1);
        gw__y_loc(d, v, where, err);
    }
    if (rc == GW_OK)
        gw__strlcpy(dst, s, n);
    return rc;
}

/* A sequence of strings into dst (width bytes each, at most max). */
static gw_status list_into(const gw__ydoc *d, const gw__ynode *map, const char *key,
                           const char *where, char *dst, size_t width, size_t max, size_t *n_out,
                           gw_error *err)
{
    gw__ynode *seq = NULL;
    gw_status rc = gw__y_require(d, map, key, where, &seq, err);
    if (rc == GW_OK)
        rc = gw__y_expect(d, seq, GW_Y_SEQ, where, err);
    if (rc != GW_OK)
        return rc;
    if (seq->n > max) {
        gw__err(err, GW_ERANGE, "at most %zu entries", max);
        gw__y_loc(d, seq, where, err);
        return GW_ERANGE;
    }
    for (size_t i = 0; i < seq->n; i++) {
        const char *s = NULL;
        rc = gw__y_str(d, seq->vals[i], where, &s, err);
        if (rc == GW_OK && (!s[0] || strlen(s) >= width)) {
            rc = gw__err(err, GW_ERANGE, "expected 1 to %zu characters", width - 1);
            gw__y_loc(d, seq->vals[i], where, err);
        }
        if (rc != GW_OK)
            return rc;
        gw__strlcpy(dst + i * width, s, width);
    }
    *n_out = seq->n;
    return GW_OK;
}

/* name, date, title, source, reference and (optional) rescinded of a rule. */
static gw_status info_into(const gw__ydoc *d, const gw__ynode *sec, const char *key,
                           gw_policy_rule_info *info, gw_error *err)
{
    char where[64];
    struct {
        const char *key;
        char *dst;
        size_t n;
    } f[] = {{"name", info->name, sizeof info->name},
             {"date", info->date, sizeof info->date},
             {"title", info->title, sizeof info->title},
             {"source", info->source, sizeof info->source},
             {"reference", info->reference, sizeof info->reference}};
    gw_status rc = GW_OK;
    for (size_t i = 0; rc == GW_OK && i < sizeof f / sizeof f[0]; i++) {
        gw__snprintf(where, sizeof where, "%s.%s", key, f[i].key);
        rc = str_into(d, sec, f[i].key, where, f[i].dst, f[i].n, err);
    }
    if (rc == GW_OK && gw__ymap_get(sec, "rescinded")) {
        gw__snprintf(where, sizeof where, "%s.rescinded", key);
        rc = str_into(d, sec, "rescinded", where, info->rescinded, sizeof info->rescinded, err);
    }
    return rc;
}

static const char *country_of(const gw_policy_rules *R, const char *code)
{
    for (size_t i = 0; code && i < R->n_countries; i++)
        if (gw__streq_nocase(code, R->countries[i].alpha2))
            return R->countries[i].alpha2;
    return NULL;
}

/* A group code such as "D5": a member that is not a country. */
static const char *group_code_of(const gw_policy_rules *R, const char *code)
{
    for (size_t g = 0; code && g < GW_POLICY_N_GROUPS; g++)
        for (size_t i = 0; i < R->n_members[g]; i++)
            if (gw__streq_nocase(code, R->members[g][i]) && !country_of(R, R->members[g][i]))
                return R->members[g][i];
    return NULL;
}

/* Group code syntax: "D" and one digit (country groups D:1 ... D:5). */
static bool is_group_code(const char *s)
{
    return (s[0] == 'D' || s[0] == 'd') && s[1] >= '1' && s[1] <= '9' && s[2] == '\0';
}

static gw_status load_countries(const gw__ydoc *d, const gw__ynode *dest, gw_policy_rules *r,
                                gw_error *err)
{
    gw__ynode *c = NULL, *codes = NULL;
    const char *w = "destinations.countries.codes";
    gw_status rc = gw__econ_section(d, dest, "countries", &c, err);
    if (rc == GW_OK && !gw__ymap_get(c, "source")) {
        rc = gw__err(err, GW_ESCHEMA, "the country list needs a source");
        gw__y_loc(d, c, "destinations.countries", err);
    }
    if (rc == GW_OK)
        rc = bounded_list(d, c, "codes", w, GW_POLICY_MAX_COUNTRIES, "countries", &codes, err);
    for (size_t i = 0; rc == GW_OK && i < codes->n; i++) {
        const gw__ynode *e = codes->vals[i];
        const char *a2 = NULL, *a3 = NULL, *name = NULL;
        rc = gw__y_expect(d, e, GW_Y_SEQ, w, err);
        if (rc == GW_OK && e->n != 3) {
            rc = gw__err(err, GW_ESCHEMA, "expected [alpha-2, alpha-3, name]");
            gw__y_loc(d, e, w, err);
        }
        if (rc == GW_OK)
            rc = gw__y_str(d, e->vals[0], w, &a2, err);
        if (rc == GW_OK)
            rc = gw__y_str(d, e->vals[1], w, &a3, err);
        if (rc == GW_OK)
            rc = gw__y_str(d, e->vals[2], w, &name, err);
        if (rc == GW_OK && (strlen(a2) != 2 || strlen(a3) != 3 || !name[0] ||
                            strlen(name) >= sizeof r->countries[0].name)) {
            rc = gw__err(err, GW_ESCHEMA, "expected a 2-letter code, a 3-letter code and a name");
            gw__y_loc(d, e, w, err);
        }
        if (rc == GW_OK) {
            gw__strlcpy(r->countries[i].alpha2, a2, sizeof r->countries[i].alpha2);
            gw__strlcpy(r->countries[i].alpha3, a3, sizeof r->countries[i].alpha3);
            gw__strlcpy(r->countries[i].name, name, sizeof r->countries[i].name);
            r->n_countries = i + 1;
        }
    }
    gw__ynode *al = NULL;
    if (rc == GW_OK)
        rc = bounded_list(d, dest, "aliases", "destinations.aliases", GW_POLICY_MAX_ALIASES,
                          "aliases", &al, err);
    for (size_t i = 0; rc == GW_OK && i < al->n; i++) {
        /* Each alias is [spelling, alpha-2 code]. */
        const gw__ynode *e = al->vals[i];
        rc = gw__y_expect(d, e, GW_Y_SEQ, "destinations.aliases", err);
        if (rc == GW_OK && e->n != 2) {
            rc = gw__err(err, GW_ESCHEMA, "expected [spelling, alpha-2 code]");
            gw__y_loc(d, e, "destinations.aliases", err);
        }
        for (size_t k = 0; rc == GW_OK && k < 2; k++) {
            const char *s = NULL;
            rc = gw__y_str(d, e->vals[k], "destinations.aliases", &s, err);
            if (rc == GW_OK && (!s[0] || strlen(s) >= sizeof r->aliases[0][0])) {
                rc = gw__err(err, GW_ERANGE, "expected a short code");
                gw__y_loc(d, e->vals[k], "destinations.aliases", err);
            }
            if (rc == GW_OK && k == 1 && !country_of(r, s)) {
                rc = gw__err(err, GW_ESCHEMA, "\"%s\" is not in destinations.countries", s);
                gw__y_loc(d, e->vals[k], "destinations.aliases", err);
            }
            if (rc == GW_OK)
                gw__strlcpy(r->aliases[i][k], s, sizeof r->aliases[i][k]);
        }
        if (rc == GW_OK)
            r->n_aliases = i + 1;
    }
    return rc;
}

static gw_status load_groups(const gw__ydoc *d, const gw__ynode *dest, gw_policy_rules *r,
                             gw_error *err)
{
    gw_status rc = GW_OK;
    for (size_t g = 0; rc == GW_OK && g < GW_POLICY_N_GROUPS; g++) {
        char where[64];
        gw__ynode *sec = NULL;
        gw__snprintf(where, sizeof where, "destinations.%s", group_keys[g]);
        rc = gw__econ_section(d, dest, group_keys[g], &sec, err);
        if (rc == GW_OK && !gw__ymap_get(sec, "source")) {
            rc = gw__err(err, GW_ESCHEMA, "a destination group needs a source");
            gw__y_loc(d, sec, where, err);
        }
        gw__snprintf(where, sizeof where, "destinations.%s.members", group_keys[g]);
        if (rc == GW_OK)
            rc = list_into(d, sec, "members", where, &r->members[g][0][0], sizeof r->members[g][0],
                           GW_POLICY_MAX_DEST, &r->n_members[g], err);
        for (size_t i = 0; rc == GW_OK && i < r->n_members[g]; i++) {
            const char *m = r->members[g][i];
            if (!country_of(r, m) && !is_group_code(m)) {
                rc = gw__err(err, GW_ESCHEMA,
                             "\"%s\" is neither in destinations.countries nor a group code "
                             "such as D5",
                             m);
                gw__y_loc(d, gw__ymap_get(sec, "members")->vals[i], where, err);
            }
        }
    }
    return rc;
}

static gw_status load_measures(const gw__ydoc *d, gw_policy_rules *r, gw_error *err)
{
    gw__ynode *seq = NULL;
    gw_status rc = bounded_list(d, d->root, "measures", "measures", GW_POLICY_MAX_MEASURES,
                                "measures", &seq, err);
    for (size_t i = 0; rc == GW_OK && i < seq->n; i++) {
        const gw__ynode *m = seq->vals[i];
        gw_policy_measure *o = &r->measures[i];
        char where[64], w2[80];
        gw__snprintf(where, sizeof where, "measures[%zu]", i);
        rc = gw__y_expect(d, m, GW_Y_MAP, where, err);
        struct {
            const char *key;
            char *dst;
            size_t n;
        } f[] = {{"name", o->name, sizeof o->name},
                 {"date", o->date, sizeof o->date},
                 {"text", o->text, sizeof o->text},
                 {"source", o->source, sizeof o->source},
                 {"reference", o->reference, sizeof o->reference}};
        for (size_t k = 0; rc == GW_OK && k < sizeof f / sizeof f[0]; k++) {
            gw__snprintf(w2, sizeof w2, "%s.%s", where, f[k].key);
            rc = str_into(d, m, f[k].key, w2, f[k].dst, f[k].n, err);
        }
        gw__snprintf(w2, sizeof w2, "%s.accelerators", where);
        if (rc == GW_OK)
            rc = list_into(d, m, "accelerators", w2, &o->accels[0][0], sizeof o->accels[0],
                           GW_POLICY_MAX_LISTED, &o->n_accels, err);
        /* destinations: group names; rules: rule names. */
        char names[GW_POLICY_MAX_LISTED][16];
        size_t n = 0;
        gw__snprintf(w2, sizeof w2, "%s.destinations", where);
        if (rc == GW_OK)
            rc = list_into(d, m, "destinations", w2, &names[0][0], sizeof names[0],
                           GW_POLICY_MAX_LISTED, &n, err);
        for (size_t k = 0; rc == GW_OK && k < n; k++) {
            size_t g = 0;
            while (g < GW_POLICY_N_GROUPS && strcmp(names[k], group_keys[g]) != 0)
                g++;
            if (g == GW_POLICY_N_GROUPS) {
                rc = gw__err(err, GW_ESCHEMA,
                             "unknown group \"%s\" (home, china, d5, d1_d4 or tier1)", names[k]);
                gw__y_loc(d, gw__ymap_get(m, "destinations")->vals[k], w2, err);
            } else {
                o->groups |= 1u << g;
            }
        }
        gw__snprintf(w2, sizeof w2, "%s.rules", where);
        if (rc == GW_OK)
            rc = list_into(d, m, "rules", w2, &names[0][0], sizeof names[0], GW_POLICY_MAX_LISTED,
                           &n, err);
        for (size_t k = 0; rc == GW_OK && k < n; k++) {
            gw_policy_rule rule;
            if (gw_policy_rule_parse(names[k], &rule) != GW_OK) {
                rc = gw__err(err, GW_ESCHEMA, "unknown rule \"%s\"", names[k]);
                gw__y_loc(d, gw__ymap_get(m, "rules")->vals[k], w2, err);
            } else {
                o->rules |= 1u << (unsigned)rule;
            }
        }
        char lic[16] = "";
        gw__snprintf(w2, sizeof w2, "%s.licence", where);
        if (rc == GW_OK)
            rc = str_into(d, m, "licence", w2, lic, sizeof lic, err);
        if (rc == GW_OK) {
            if (strcmp(lic, "required") == 0) {
                o->licence = GW_LICENCE_REQUIRED;
            } else if (strcmp(lic, "conditional") == 0) {
                o->licence = GW_LICENCE_CONDITIONAL;
            } else if (strcmp(lic, "note") == 0) {
                o->licence = GW_LICENCE_NONE;
            } else {
                rc = gw__err(err, GW_ESCHEMA, "expected required, conditional or note, got \"%s\"",
                             lic);
                gw__y_loc(d, gw__ymap_get(m, "licence"), w2, err);
            }
        }
        if (rc == GW_OK && gw__ymap_get(m, "share"))
            rc = gw__econ_value(d, m, where, "share", GW_DIM_FRACTION, 0.0, 1.0, &o->share, err);
        if (rc == GW_OK)
            r->n_measures = i + 1;
    }
    return rc;
}

gw_status gw_policy_rules_load(gw_ctx *ctx, const gw_catalog *cat, gw_policy_rules *out,
                               gw_error *err)
{
    if (!ctx || !out)
        return gw__err(err, GW_EINVAL, "gw_policy_rules_load: NULL argument");
    gw_policy_rules *r = gw_malloc(ctx, sizeof *r);
    if (!r)
        return gw__err(err, GW_ENOMEM, "out of memory loading the export rules");
    memset(r, 0, sizeof *r);
    gw__ydoc *d = NULL;
    gw_status rc = gw__econ_ydoc_read(ctx, cat, "export_rules.yaml", &d, err);
    if (rc != GW_OK) {
        gw_free(ctx, r);
        return rc;
    }
    const double inf = (double)INFINITY;
    gw__ynode *o23 = NULL, *o22 = NULL, *j26 = NULL, *j25 = NULL, *s232 = NULL, *dest = NULL;
    rc = gw__econ_section(d, d->root, "oct2023", &o23, err);
    struct {
        const char *key;
        double *dst;
    } o23v[] = {{"a_tpp", &r->a_tpp},           {"a2_tpp", &r->a2_tpp},
                {"a2_pd", &r->a2_pd},           {"b1_tpp_min", &r->b1_tpp_min},
                {"b1_tpp_max", &r->b1_tpp_max}, {"b1_pd_min", &r->b1_pd_min},
                {"b_pd_max", &r->b_pd_max},     {"b2_tpp", &r->b2_tpp},
                {"b2_pd_min", &r->b2_pd_min},   {"non_datacenter_tpp", &r->ndc_tpp}};
    for (size_t i = 0; rc == GW_OK && i < sizeof o23v / sizeof o23v[0]; i++)
        rc =
            gw__econ_value(d, o23, "oct2023", o23v[i].key, GW_DIM_NONE, 0.0, inf, o23v[i].dst, err);
    if (rc == GW_OK)
        rc = info_into(d, o23, "oct2023", &r->info[GW_POLICY_OCT2023], err);
    if (rc == GW_OK)
        rc = gw__econ_section(d, d->root, "oct2022", &o22, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, o22, "oct2022", "tpp", GW_DIM_NONE, 0.0, inf, &r->oct2022_tpp, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, o22, "oct2022", "io_bw", GW_DIM_BANDWIDTH, 0.0, inf,
                            &r->oct2022_io_Bps, err);
    if (rc == GW_OK)
        rc = info_into(d, o22, "oct2022", &r->info[GW_POLICY_OCT2022], err);
    if (rc == GW_OK)
        rc = gw__econ_section(d, d->root, "jan2026", &j26, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, j26, "jan2026", "tpp_max", GW_DIM_NONE, 0.0, inf, &r->jan2026_tpp,
                            err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, j26, "jan2026", "dram_bw_max", GW_DIM_BANDWIDTH, 0.0, inf,
                            &r->jan2026_dram_Bps, err);
    if (rc == GW_OK)
        rc = info_into(d, j26, "jan2026", &r->info[GW_POLICY_JAN2026], err);
    if (rc == GW_OK)
        rc = gw__econ_section(d, d->root, "jan2025", &j25, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, j25, "jan2025", "tier2_cap_gpus", GW_DIM_NONE, 0.0, inf,
                            &r->jan2025_cap_gpus, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, j25, "jan2025", "licence_free_gpus", GW_DIM_NONE, 0.0, inf,
                            &r->jan2025_free_gpus, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, j25, "jan2025", "uveu_share", GW_DIM_FRACTION, 0.0, 1.0,
                            &r->jan2025_uveu_share, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, j25, "jan2025", "nveu_gpus", GW_DIM_NONE, 0.0, inf,
                            &r->jan2025_nveu_gpus, err);
    if (rc == GW_OK)
        rc = info_into(d, j25, "jan2025", &r->info[GW_POLICY_JAN2025], err);
    if (rc == GW_OK)
        rc = gw__econ_section(d, d->root, "sec232", &s232, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, s232, "sec232", "rate", GW_DIM_FRACTION, 0.0, 10.0, &r->sec232_rate,
                            err);
    if (rc == GW_OK)
        rc = str_into(d, s232, "source", "sec232.source", r->src_sec232, sizeof r->src_sec232, err);
    gw__ynode *bands = NULL;
    if (rc == GW_OK)
        rc = bounded_list(d, s232, "bands", "sec232.bands", GW_POLICY_MAX_BANDS, "bands", &bands,
                          err);
    for (size_t i = 0; rc == GW_OK && i < bands->n; i++) {
        const gw__ynode *b = bands->vals[i];
        char where[48];
        gw__snprintf(where, sizeof where, "sec232.bands[%zu]", i);
        rc = gw__y_expect(d, b, GW_Y_MAP, where, err);
        if (rc == GW_OK)
            rc = str_into(d, b, "name", where, r->bands[i].name, sizeof r->bands[i].name, err);
        if (rc == GW_OK)
            rc = gw__econ_value(d, b, where, "tpp_min", GW_DIM_NONE, 0.0, inf, &r->bands[i].tpp_min,
                                err);
        if (rc == GW_OK)
            rc = gw__econ_value(d, b, where, "tpp_max", GW_DIM_NONE, 0.0, inf, &r->bands[i].tpp_max,
                                err);
        if (rc == GW_OK)
            rc = gw__econ_value(d, b, where, "dram_bw_min", GW_DIM_BANDWIDTH, 0.0, inf,
                                &r->bands[i].dram_min_Bps, err);
        if (rc == GW_OK)
            rc = gw__econ_value(d, b, where, "dram_bw_max", GW_DIM_BANDWIDTH, 0.0, inf,
                                &r->bands[i].dram_max_Bps, err);
        if (rc == GW_OK)
            r->n_bands = i + 1;
    }
    if (rc == GW_OK)
        rc = gw__econ_section(d, d->root, "destinations", &dest, err);
    if (rc == GW_OK)
        rc = load_countries(d, dest, r, err);
    if (rc == GW_OK)
        rc = load_groups(d, dest, r, err);
    if (rc == GW_OK)
        rc = load_measures(d, r, err);
    /* The legacy source strings of the report. */
    gw__strlcpy(r->src_oct2023, r->info[GW_POLICY_OCT2023].source, sizeof r->src_oct2023);
    gw__strlcpy(r->src_oct2022, r->info[GW_POLICY_OCT2022].source, sizeof r->src_oct2022);
    gw__strlcpy(r->src_jan2026, r->info[GW_POLICY_JAN2026].source, sizeof r->src_jan2026);
    gw__ydoc_free(d);
    if (rc == GW_OK)
        *out = *r;
    gw_free(ctx, r);
    return rc;
}

/* ---- TPP and PD ------------------------------------------------------------------ */

double gw_policy_tpp(const gw_accel *a, gw_precision *prec)
{
    double best = 0.0;
    gw_precision bp = GW_PREC_BF16;
    if (!a)
        return 0.0;
    for (int p = 0; p < GW_PREC_COUNT; p++) {
        /* Rates are stored in FLOP/s (or OP/s); TPP counts in TFLOP/s. */
        double t = a->peak_flops[p] / 1e12 * gw_precision_bits((gw_precision)p);
        /* Equal TPP at several precisions (H100: FP8 and INT8; B200: FP4, FP8,
         * BF16): name the narrowest, as datasheets and the reference do. */
        bool tie = best > 0.0 && fabs(t - best) <= 1e-4 * best;
        if (tie) {
            if (gw_precision_bits((gw_precision)p) < gw_precision_bits(bp))
                bp = (gw_precision)p;
            if (t > best)
                best = t;
        } else if (t > best) {
            best = t;
            bp = (gw_precision)p;
        }
    }
    if (prec)
        *prec = bp;
    return best;
}

double gw_policy_pd(const gw_accel *a)
{
    if (!a || !(a->die_area_mm2 > 0.0))
        return (double)NAN;
    return gw_policy_tpp(a, NULL) / a->die_area_mm2;
}

/* Appends to a NUL-terminated buffer of n bytes, truncating. */
static void appendf(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t n, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(buf + used, n - used, fmt, ap);
    va_end(ap);
}

/* ---- Destinations ----------------------------------------------------------------- */

static bool prefix_nocase(const char *text, const char *name)
{
    size_t n = strlen(text);
    if (n < 3 || strlen(name) < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = text[i], b = name[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return false;
    }
    return true;
}

/* The country a mistyped destination most likely meant: an alias ("UK"),
 * an alpha-3 code ("CHN"), a name ("china") or the start of one ("emir"
 * does not match; "unit" gives the first of the United ...). NULL if none. */
static int suggest(const gw_policy_rules *R, const char *text)
{
    for (size_t i = 0; i < R->n_aliases; i++)
        if (gw__streq_nocase(text, R->aliases[i][0]))
            for (size_t k = 0; k < R->n_countries; k++)
                if (strcmp(R->countries[k].alpha2, R->aliases[i][1]) == 0)
                    return (int)k;
    for (size_t k = 0; k < R->n_countries; k++)
        if (gw__streq_nocase(text, R->countries[k].alpha3) ||
            gw__streq_nocase(text, R->countries[k].name))
            return (int)k;
    for (size_t k = 0; k < R->n_countries; k++)
        if (prefix_nocase(text, R->countries[k].name))
            return (int)k;
    return -1;
}

gw_status gw_policy_destination_check(const gw_policy_rules *R, const char *text, const char **code,
                                      gw_error *err)
{
    if (!R)
        return gw__err(err, GW_EINVAL, "gw_policy_destination_check: NULL argument");
    const char *c = text ? country_of(R, text) : NULL;
    if (!c && text)
        c = group_code_of(R, text);
    if (c) {
        if (code)
            *code = c;
        return GW_OK;
    }
    /* Group codes (members that are not countries), for the message. */
    char groups[64] = "";
    for (size_t g = 0; g < GW_POLICY_N_GROUPS; g++)
        for (size_t i = 0; i < R->n_members[g]; i++) {
            const char *m = R->members[g][i];
            if (country_of(R, m) || strstr(groups, m))
                continue;
            appendf(groups, sizeof groups, "%s%s", groups[0] ? ", " : "", m);
        }
    int k = text && text[0] ? suggest(R, text) : -1;
    char hint[96] = "";
    if (k >= 0)
        gw__snprintf(hint, sizeof hint, "; did you mean \"%s\" (%s)?", R->countries[k].alpha2,
                     R->countries[k].name);
    gw__err(err, GW_ENOTFOUND,
            "unknown destination \"%s\": expected an ISO 3166-1 alpha-2 country code such as "
            "CN, AE, IN, GB or US (%zu in destinations.countries of data/export_rules.yaml)%s%s%s",
            text ? text : "", R->n_countries, groups[0] ? " or the group code " : "", groups, hint);
    gw__err_loc(err, NULL, 0, 0, "policy.destination");
    return GW_ENOTFOUND;
}

static unsigned groups_of(const gw_policy_rules *R, const char *code)
{
    unsigned bits = 0;
    for (size_t g = 0; g < GW_POLICY_N_GROUPS; g++)
        for (size_t i = 0; i < R->n_members[g]; i++)
            if (gw__streq_nocase(code, R->members[g][i]))
                bits |= 1u << g;
    return bits;
}

/* ---- Classification --------------------------------------------------------------- */

/* "h20" lists "h20" and "h20-96gb" but not "h200-sxm". */
static bool name_listed(const char *name, const char *listed)
{
    size_t n = strlen(listed);
    if (strlen(name) < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = name[i], b = listed[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return false;
    }
    return name[n] == '\0' || name[n] == '-';
}

static void classify_oct2023(const gw_policy_rules *R, gw_policy_chip *c)
{
    const double tpp = c->tpp, pd = c->pd;
    const bool has_pd = !isnan(pd);
    c->oct2023 = GW_POLICY_NOT_CONTROLLED;
    c->oct2023_clause[0] = '\0';
    if (!c->accel->datacenter) {
        /* Non-data-centre ICs: controlled only at TPP >= 4800 (p-204). */
        if (tpp >= R->ndc_tpp) {
            c->oct2023 = GW_POLICY_3A090_A;
            gw__strlcpy(c->oct2023_clause, "a.1 (non-DC)", sizeof c->oct2023_clause);
        }
        return;
    }
    if (tpp >= R->a_tpp) {
        c->oct2023 = GW_POLICY_3A090_A;
        gw__strlcpy(c->oct2023_clause, "a.1", sizeof c->oct2023_clause);
    } else if (has_pd && tpp >= R->a2_tpp && pd >= R->a2_pd) {
        c->oct2023 = GW_POLICY_3A090_A;
        gw__strlcpy(c->oct2023_clause, "a.2", sizeof c->oct2023_clause);
    } else if (has_pd && tpp >= R->b1_tpp_min && tpp < R->b1_tpp_max && pd >= R->b1_pd_min &&
               pd < R->b_pd_max) {
        c->oct2023 = GW_POLICY_3A090_B;
        gw__strlcpy(c->oct2023_clause, "b.1", sizeof c->oct2023_clause);
    } else if (has_pd && tpp >= R->b2_tpp && pd >= R->b2_pd_min && pd < R->b_pd_max) {
        c->oct2023 = GW_POLICY_3A090_B;
        gw__strlcpy(c->oct2023_clause, "b.2", sizeof c->oct2023_clause);
    }
}

/* "CN in D:5 + Macau" / "GB in AI Diffusion Tier 1" / "IN in no listed group". */
static void dest_phrase(const gw_policy_chip *c, unsigned mask, char *buf, size_t n)
{
    gw__snprintf(buf, n, "%s in ", c->destination);
    bool any = false;
    for (size_t g = 0; g < GW_POLICY_N_GROUPS; g++)
        if (c->groups & mask & (1u << g)) {
            appendf(buf, n, "%s%s", any ? ", " : "", group_titles[g]);
            any = true;
        }
    if (!any)
        appendf(buf, n, "none of %s",
                (mask & GW_POLICY_GROUP_TIER1)   ? "Tier 1 or Tier 3"
                : (mask & GW_POLICY_GROUP_D1_D4) ? "D:1, D:4, D:5 + Macau"
                                                 : "China/HK/Macau");
}

/* Oct-2023 licence by class and destination group (export_control.md
 * section 1): 3A090.a data-centre chips need a licence for D:1/D:4/D:5 +
 * Macau, presumption of denial for D:5 + Macau and of approval for D:1/D:4;
 * 3A090.b (and non-data-centre 3A090.a) ship under NAC (D:5 + Macau) or ACA
 * (D:1/D:4); other destinations need none. */
static gw_policy_licence oct2023_licence(const gw_policy_chip *c)
{
    bool d5 = c->groups & GW_POLICY_GROUP_D5, d14 = c->groups & GW_POLICY_GROUP_D1_D4;
    if (c->oct2023 == GW_POLICY_NOT_CONTROLLED)
        return GW_LICENCE_NONE;
    if (c->oct2023 == GW_POLICY_3A090_A && c->accel->datacenter)
        return d5 ? GW_LICENCE_DENIAL : d14 ? GW_LICENCE_APPROVAL : GW_LICENCE_NONE;
    return d5 ? GW_LICENCE_NOTIFY : d14 ? GW_LICENCE_ACA : GW_LICENCE_NONE;
}

static void decide(const gw_policy_rules *R, gw_policy_chip *c)
{
    char pdtxt[32], dp[96], cls[192];
    if (isnan(c->pd))
        gw__snprintf(pdtxt, sizeof pdtxt, "n/a");
    else
        gw__snprintf(pdtxt, sizeof pdtxt, "%.2f", c->pd);
    gw__snprintf(cls, sizeof cls, "Oct-2023 class %s%s%s (TPP %.0f, PD %s",
                 gw_policy_class_name(c->oct2023), c->oct2023_clause[0] ? " " : "",
                 c->oct2023_clause, c->tpp, pdtxt);
    if (c->oct2023 == GW_POLICY_NOT_CONTROLLED && c->accel->datacenter && !isnan(c->pd)) {
        /* Which test rules out each 3A090.b clause (export_control.md
         * section 2: "TPP < 2,400 rules out b.1; PD < 3.2 rules out b.2"). */
        if (c->tpp < R->b1_tpp_min)
            appendf(cls, sizeof cls, "; TPP < %.0f rules out b.1", R->b1_tpp_min);
        else if (c->pd < R->b1_pd_min)
            appendf(cls, sizeof cls, "; PD < %.2g rules out b.1", R->b1_pd_min);
        if (c->pd < R->b2_pd_min)
            appendf(cls, sizeof cls, "; PD < %.2g rules out b.2", R->b2_pd_min);
        else if (c->tpp < R->b2_tpp)
            appendf(cls, sizeof cls, "; TPP < %.0f rules out b.2", R->b2_tpp);
    } else if (c->oct2023 == GW_POLICY_NOT_CONTROLLED && !c->accel->datacenter) {
        appendf(cls, sizeof cls, "; not a data-centre IC, controlled only at TPP >= %.0f",
                R->ndc_tpp);
    }
    appendf(cls, sizeof cls, ")");
    const unsigned oct23_groups = GW_POLICY_GROUP_D5 | GW_POLICY_GROUP_D1_D4;
    if (c->groups & GW_POLICY_GROUP_HOME) {
        c->licence = GW_LICENCE_NONE;
        gw__snprintf(c->reason, sizeof c->reason, "domestic destination %s: no export licence",
                     c->destination);
        return;
    }
    switch (c->rule) {
    case GW_POLICY_OCT2022: {
        bool ctl = c->oct2022_controlled, china = c->groups & GW_POLICY_GROUP_CHINA;
        c->licence = ctl && china ? GW_LICENCE_REQUIRED : GW_LICENCE_NONE;
        dest_phrase(c, GW_POLICY_GROUP_CHINA, dp, sizeof dp);
        gw__snprintf(c->reason, sizeof c->reason,
                     "Oct-2022 test TPP %.0f %s %.0f and I/O %.0f GB/s %s %.0f GB/s: %s; %s%s",
                     c->tpp, c->tpp >= R->oct2022_tpp ? ">=" : "<", R->oct2022_tpp, c->io_Bps / 1e9,
                     c->io_Bps >= R->oct2022_io_Bps ? ">=" : "<", R->oct2022_io_Bps / 1e9,
                     ctl ? "controlled" : "not controlled", dp,
                     ctl && !china ? " (outside the rule's destinations)" : "");
        return;
    }
    case GW_POLICY_OCT2023:
        c->licence = oct2023_licence(c);
        dest_phrase(c, oct23_groups, dp, sizeof dp);
        gw__snprintf(c->reason, sizeof c->reason, "%s; %s", cls, dp);
        return;
    case GW_POLICY_JAN2026: {
        c->licence = oct2023_licence(c);
        dest_phrase(c, oct23_groups, dp, sizeof dp);
        bool zone = c->groups & GW_POLICY_GROUP_CHINA;
        if (zone && c->licence == GW_LICENCE_DENIAL && c->jan2026_band)
            c->licence = GW_LICENCE_CASE_BY_CASE;
        if (zone && c->oct2023 != GW_POLICY_NOT_CONTROLLED)
            gw__snprintf(c->reason, sizeof c->reason,
                         "%s; %s; case-by-case band for China/Macau TPP < %.0f and DRAM < %.0f "
                         "GB/s: %s (DRAM %.0f GB/s)",
                         cls, dp, R->jan2026_tpp, R->jan2026_dram_Bps / 1e9,
                         c->jan2026_band ? "inside" : "outside", c->dram_Bps / 1e9);
        else
            gw__snprintf(c->reason, sizeof c->reason, "%s; %s", cls, dp);
        return;
    }
    case GW_POLICY_JAN2025: {
        c->licence = oct2023_licence(c);
        dest_phrase(c, GW_POLICY_GROUP_TIER1 | GW_POLICY_GROUP_D5, dp, sizeof dp);
        bool a_dc = c->oct2023 == GW_POLICY_3A090_A && c->accel->datacenter;
        if (a_dc) {
            /* Worldwide licence for 3A090.a: Tier 1 unrestricted, Tier 3
             * (arms-embargoed, D:5 + Macau) barred, Tier 2 capped. */
            c->licence = (c->groups & GW_POLICY_GROUP_TIER1) ? GW_LICENCE_NONE
                         : (c->groups & GW_POLICY_GROUP_D5)  ? GW_LICENCE_DENIAL
                                                             : GW_LICENCE_QUOTA;
        }
        if (a_dc && c->licence == GW_LICENCE_QUOTA)
            gw__snprintf(c->reason, sizeof c->reason,
                         "%s; %s, so Tier 2: ~%.0f GPUs per country without VEU status, orders "
                         "<= ~%.0f GPUs licence-free, NVEU up to ~%.0f GPUs",
                         cls, dp, R->jan2025_cap_gpus, R->jan2025_free_gpus, R->jan2025_nveu_gpus);
        else
            gw__snprintf(c->reason, sizeof c->reason, "%s; %s%s", cls, dp,
                         a_dc ? "" : " (the worldwide requirement covers 3A090.a only)");
        return;
    }
    }
}

/* Whether measure m changes or qualifies the answer for c (never for the
 * home country). */
static bool applies(const gw_policy_measure *m, const gw_policy_chip *c)
{
    bool listed = false;
    for (size_t k = 0; k < m->n_accels; k++)
        listed = listed || name_listed(c->accel->name, m->accels[k]);
    return listed && (m->rules & (1u << (unsigned)c->rule)) && (m->groups & c->groups) &&
           !(c->groups & GW_POLICY_GROUP_HOME);
}

static void apply_measures(const gw_policy_rules *R, gw_policy_chip *c)
{
    for (size_t i = 0; i < R->n_measures; i++) {
        const gw_policy_measure *m = &R->measures[i];
        if (!applies(m, c))
            continue;
        c->has_measure = true;
        if (m->licence == GW_LICENCE_REQUIRED && c->licence == GW_LICENCE_NONE)
            c->licence = GW_LICENCE_REQUIRED;
        else if (m->licence == GW_LICENCE_CONDITIONAL && c->licence == GW_LICENCE_REQUIRED)
            c->licence = GW_LICENCE_CONDITIONAL;
        if (m->share > 0.0)
            c->share = m->share;
        appendf(c->measures, sizeof c->measures, "%s%s (%s)", c->measures[0] ? "; " : "", m->text,
                m->reference);
    }
}

gw_status gw_policy_classify(const gw_policy_rules *R, const gw_accel *a, const char *destination,
                             gw_policy_rule rule, gw_policy_chip *out, gw_error *err)
{
    if (!R || !a || !out)
        return gw__err(err, GW_EINVAL, "gw_policy_classify: NULL argument");
    if ((unsigned)rule >= (unsigned)GW_POLICY_N_RULES)
        return gw__err(err, GW_EINVAL, "gw_policy_classify: unknown rule");
    const char *code = NULL;
    gw_status rc = gw_policy_destination_check(R, destination ? destination : "US", &code, err);
    if (rc != GW_OK)
        return rc;
    gw_policy_chip *c = out;
    memset(c, 0, sizeof *c);
    c->accel = a;
    c->tpp = gw_policy_tpp(a, &c->tpp_precision);
    c->pd = gw_policy_pd(a);
    c->io_Bps = a->scaleup_Bps;
    c->dram_Bps = a->mem_Bps;
    c->rule = rule;
    gw__strlcpy(c->destination, code, sizeof c->destination);
    c->groups = groups_of(R, code);
    classify_oct2023(R, c);
    c->oct2022_controlled = c->tpp >= R->oct2022_tpp && c->io_Bps >= R->oct2022_io_Bps;
    c->jan2026_band = c->oct2023 != GW_POLICY_NOT_CONTROLLED && c->tpp < R->jan2026_tpp &&
                      c->dram_Bps < R->jan2026_dram_Bps;
    for (size_t i = 0; i < R->n_bands; i++) {
        if (c->tpp >= R->bands[i].tpp_min && c->tpp <= R->bands[i].tpp_max &&
            c->dram_Bps >= R->bands[i].dram_min_Bps && c->dram_Bps <= R->bands[i].dram_max_Bps) {
            c->sec232_band = (int)i + 1;
            break;
        }
    }
    decide(R, c);
    apply_measures(R, c);
    const gw_policy_rule_info *in = &R->info[rule];
    c->in_force = in->rescinded[0] == '\0';
    switch (c->licence) {
    case GW_LICENCE_DENIAL:
    case GW_LICENCE_REQUIRED:
        c->allowed = false;
        break;
    case GW_LICENCE_NONE:
    case GW_LICENCE_NOTIFY:
    case GW_LICENCE_APPROVAL:
    case GW_LICENCE_CASE_BY_CASE:
    case GW_LICENCE_ACA:
    case GW_LICENCE_QUOTA:
    case GW_LICENCE_CONDITIONAL:
        c->allowed = true;
        break;
    }
    gw__snprintf(c->answer, sizeof c->answer, "%s%s under the %s (%s)%s%s%s: %s",
                 c->in_force ? "" : "would have been: ", gw_policy_licence_name(c->licence),
                 in->name, in->date, in->rescinded[0] ? ", rescinded " : "", in->rescinded,
                 in->rescinded[0] ? " before it applied" : "", c->reason);
    /* The measures by name and date; their text is in c->measures. */
    bool first = true;
    for (size_t i = 0; i < R->n_measures; i++) {
        const gw_policy_measure *m = &R->measures[i];
        if (!applies(m, c))
            continue;
        appendf(c->answer, sizeof c->answer, "%s%s (%s)", first ? "; then " : ", ", m->name,
                m->date);
        first = false;
    }
    if (!(c->groups & GW_POLICY_GROUP_HOME))
        appendf(c->answer, sizeof c->answer, " [%s]", in->reference);
    return GW_OK;
}
