/* SPDX-License-Identifier: MIT */
/*
 * rules.c: export-control thresholds (data/export_rules.yaml), TPP and PD of
 * an accelerator, and its classification under the October 2022 and October
 * 2023 rules, the January 2026 case-by-case band and the Section 232 Annex I
 * tariff bands, with the licence outcome for a destination.
 *
 *   TPP = max over precisions p of (dense rate_p in TFLOP/s or TOPS) x bits_p
 *         (FR 2023-23055 p-938: 2 x MacTOPS x bit length; the tracker's
 *         guidance: the bit length that gives the highest TPP; dense rates)
 *   PD  = TPP / applicable die area in mm^2 (FR 2023-23055 p-945)
 *
 * Sources: data/reference/export_control.md, which relies on secondary
 * summaries (Thompson Hine; Spencer Kelly's Export Control Toolkit). Not
 * modelled: end-use/end-user rules, the Entity List, 3A090.c (HBM stacks),
 * licence exceptions other than NAC/ACA, the rescinded AI Diffusion rule.
 * Not legal advice.
 */
#include <gigawatt/policy.h>

#include <math.h>
#include <string.h>

#include "core/core_internal.h"
#include "econ/econ_internal.h"

/* ---- Names -------------------------------------------------------------------- */

static const char *const rule_names[] = {"oct2022", "oct2023", "jan2026"};

gw_status gw_policy_rule_parse(const char *text, gw_policy_rule *out)
{
    for (size_t i = 0; text && i < sizeof rule_names / sizeof rule_names[0]; i++) {
        if (gw__streq_nocase(text, rule_names[i])) {
            *out = (gw_policy_rule)i;
            return GW_OK;
        }
    }
    return GW_EPARSE;
}

const char *gw_policy_rule_name(gw_policy_rule r)
{
    return (unsigned)r < 3u ? rule_names[r] : "?";
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
        return "licence, presumption of approval";
    case GW_LICENCE_CASE_BY_CASE:
        return "licence, case-by-case review";
    case GW_LICENCE_DENIAL:
        return "licence, presumption of denial";
    }
    return "?";
}

/* ---- Loading ------------------------------------------------------------------- */

static gw_status str_into(const gw__ydoc *d, const gw__ynode *map, const char *key,
                          const char *where, char *dst, size_t n, gw_error *err)
{
    gw__ynode *v = NULL;
    const char *s = NULL;
    gw_status rc = gw__y_require(d, map, key, where, &v, err);
    if (rc == GW_OK)
        rc = gw__y_str(d, v, where, &s, err);
    if (rc == GW_OK)
        gw__strlcpy(dst, s, n);
    return rc;
}

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
        if (rc != GW_OK)
            return rc;
        gw__strlcpy(dst + i * width, s, width);
    }
    *n_out = seq->n;
    return GW_OK;
}

gw_status gw_policy_rules_load(gw_ctx *ctx, const gw_catalog *cat, gw_policy_rules *out,
                               gw_error *err)
{
    if (!ctx || !out)
        return gw__err(err, GW_EINVAL, "gw_policy_rules_load: NULL argument");
    gw__ydoc *d = NULL;
    gw_status rc = gw__econ_ydoc_read(ctx, cat, "export_rules.yaml", &d, err);
    if (rc != GW_OK)
        return rc;
    gw_policy_rules r;
    memset(&r, 0, sizeof r);
    const double inf = (double)INFINITY;
    gw__ynode *o23 = NULL, *o22 = NULL, *j26 = NULL, *s232 = NULL, *dest = NULL, *inf_n = NULL;
    rc = gw__econ_section(d, d->root, "oct2023", &o23, err);
    struct {
        const char *key;
        double *dst;
    } o23v[] = {{"a_tpp", &r.a_tpp},           {"a2_tpp", &r.a2_tpp},
                {"a2_pd", &r.a2_pd},           {"b1_tpp_min", &r.b1_tpp_min},
                {"b1_tpp_max", &r.b1_tpp_max}, {"b1_pd_min", &r.b1_pd_min},
                {"b_pd_max", &r.b_pd_max},     {"b2_tpp", &r.b2_tpp},
                {"b2_pd_min", &r.b2_pd_min},   {"non_datacenter_tpp", &r.ndc_tpp}};
    for (size_t i = 0; rc == GW_OK && i < sizeof o23v / sizeof o23v[0]; i++)
        rc =
            gw__econ_value(d, o23, "oct2023", o23v[i].key, GW_DIM_NONE, 0.0, inf, o23v[i].dst, err);
    if (rc == GW_OK)
        rc = str_into(d, o23, "source", "oct2023.source", r.src_oct2023, sizeof r.src_oct2023, err);
    if (rc == GW_OK)
        rc = gw__econ_section(d, d->root, "oct2022", &o22, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, o22, "oct2022", "tpp", GW_DIM_NONE, 0.0, inf, &r.oct2022_tpp, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, o22, "oct2022", "io_bw", GW_DIM_BANDWIDTH, 0.0, inf,
                            &r.oct2022_io_Bps, err);
    if (rc == GW_OK)
        rc = str_into(d, o22, "source", "oct2022.source", r.src_oct2022, sizeof r.src_oct2022, err);
    if (rc == GW_OK)
        rc = gw__econ_section(d, d->root, "jan2026", &j26, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, j26, "jan2026", "tpp_max", GW_DIM_NONE, 0.0, inf, &r.jan2026_tpp,
                            err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, j26, "jan2026", "dram_bw_max", GW_DIM_BANDWIDTH, 0.0, inf,
                            &r.jan2026_dram_Bps, err);
    if (rc == GW_OK)
        rc = str_into(d, j26, "source", "jan2026.source", r.src_jan2026, sizeof r.src_jan2026, err);
    if (rc == GW_OK)
        rc = gw__econ_section(d, d->root, "sec232", &s232, err);
    if (rc == GW_OK)
        rc = gw__econ_value(d, s232, "sec232", "rate", GW_DIM_FRACTION, 0.0, 10.0, &r.sec232_rate,
                            err);
    if (rc == GW_OK)
        rc = str_into(d, s232, "source", "sec232.source", r.src_sec232, sizeof r.src_sec232, err);
    gw__ynode *bands = NULL;
    if (rc == GW_OK)
        rc = gw__y_require(d, s232, "bands", "sec232.bands", &bands, err);
    if (rc == GW_OK)
        rc = gw__y_expect(d, bands, GW_Y_SEQ, "sec232.bands", err);
    if (rc == GW_OK && bands->n > GW_POLICY_MAX_BANDS) {
        rc = gw__err(err, GW_ERANGE, "at most %d bands", GW_POLICY_MAX_BANDS);
        gw__y_loc(d, bands, "sec232.bands", err);
    }
    for (size_t i = 0; rc == GW_OK && i < bands->n; i++) {
        const gw__ynode *b = bands->vals[i];
        char where[48];
        gw__snprintf(where, sizeof where, "sec232.bands[%zu]", i);
        rc = gw__y_expect(d, b, GW_Y_MAP, where, err);
        if (rc == GW_OK)
            rc = str_into(d, b, "name", where, r.bands[i].name, sizeof r.bands[i].name, err);
        if (rc == GW_OK)
            rc = gw__econ_value(d, b, where, "tpp_min", GW_DIM_NONE, 0.0, inf, &r.bands[i].tpp_min,
                                err);
        if (rc == GW_OK)
            rc = gw__econ_value(d, b, where, "tpp_max", GW_DIM_NONE, 0.0, inf, &r.bands[i].tpp_max,
                                err);
        if (rc == GW_OK)
            rc = gw__econ_value(d, b, where, "dram_bw_min", GW_DIM_BANDWIDTH, 0.0, inf,
                                &r.bands[i].dram_min_Bps, err);
        if (rc == GW_OK)
            rc = gw__econ_value(d, b, where, "dram_bw_max", GW_DIM_BANDWIDTH, 0.0, inf,
                                &r.bands[i].dram_max_Bps, err);
        if (rc == GW_OK)
            r.n_bands = i + 1;
    }
    if (rc == GW_OK)
        rc = gw__econ_section(d, d->root, "destinations", &dest, err);
    if (rc == GW_OK)
        rc = list_into(d, dest, "restricted", "destinations.restricted", &r.restricted[0][0],
                       sizeof r.restricted[0], GW_POLICY_MAX_DEST, &r.n_restricted, err);
    if (rc == GW_OK)
        rc = list_into(d, dest, "free", "destinations.free", &r.free_dest[0][0],
                       sizeof r.free_dest[0], GW_POLICY_MAX_DEST, &r.n_free, err);
    if (rc == GW_OK)
        rc = gw__econ_section(d, d->root, "is_informed", &inf_n, err);
    if (rc == GW_OK)
        rc = list_into(d, inf_n, "accelerators", "is_informed.accelerators", &r.informed[0][0],
                       sizeof r.informed[0], GW_POLICY_MAX_LISTED, &r.n_informed, err);
    if (rc == GW_OK)
        rc = str_into(d, inf_n, "note", "is_informed.note", r.informed_note, sizeof r.informed_note,
                      err);
    gw__ydoc_free(d);
    if (rc == GW_OK)
        *out = r;
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

/* ---- Classification --------------------------------------------------------------- */

static bool in_list(const char *s, const char (*list)[8], size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        if (gw__streq_nocase(s, list[i]))
            return true;
    return false;
}

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

gw_status gw_policy_classify(const gw_policy_rules *R, const gw_accel *a, const char *destination,
                             gw_policy_rule rule, gw_policy_chip *out, gw_error *err)
{
    if (!R || !a || !out)
        return gw__err(err, GW_EINVAL, "gw_policy_classify: NULL argument");
    if ((unsigned)rule > (unsigned)GW_POLICY_JAN2026)
        return gw__err(err, GW_EINVAL, "gw_policy_classify: unknown rule");
    gw_policy_chip c;
    memset(&c, 0, sizeof c);
    c.accel = a;
    c.tpp = gw_policy_tpp(a, &c.tpp_precision);
    c.pd = gw_policy_pd(a);
    c.io_Bps = a->scaleup_Bps;
    c.dram_Bps = a->mem_Bps;
    c.rule = rule;
    gw__strlcpy(c.destination, destination && destination[0] ? destination : "US",
                sizeof c.destination);
    classify_oct2023(R, &c);
    c.oct2022_controlled = c.tpp >= R->oct2022_tpp && c.io_Bps >= R->oct2022_io_Bps;
    c.jan2026_band = c.oct2023 != GW_POLICY_NOT_CONTROLLED && c.tpp < R->jan2026_tpp &&
                     c.dram_Bps < R->jan2026_dram_Bps;
    for (size_t i = 0; i < R->n_bands; i++) {
        if (c.tpp >= R->bands[i].tpp_min && c.tpp <= R->bands[i].tpp_max &&
            c.dram_Bps >= R->bands[i].dram_min_Bps && c.dram_Bps <= R->bands[i].dram_max_Bps) {
            c.sec232_band = (int)i + 1;
            break;
        }
    }
    for (size_t i = 0; i < R->n_informed; i++)
        if (name_listed(a->name, R->informed[i]))
            c.is_informed = true;

    /* Licence outcome for the destination. */
    const bool restricted = in_list(c.destination, R->restricted, R->n_restricted);
    const bool home = in_list(c.destination, R->free_dest, R->n_free);
    char pdtxt[32];
    if (isnan(c.pd))
        gw__snprintf(pdtxt, sizeof pdtxt, "n/a");
    else
        gw__snprintf(pdtxt, sizeof pdtxt, "%.2f", c.pd);
    if (home) {
        c.licence = GW_LICENCE_NONE;
        gw__snprintf(c.reason, sizeof c.reason, "domestic destination %s: no export licence",
                     c.destination);
    } else if (rule == GW_POLICY_OCT2022) {
        bool ctl = c.oct2022_controlled;
        c.licence = !ctl ? GW_LICENCE_NONE : restricted ? GW_LICENCE_DENIAL : GW_LICENCE_NONE;
        gw__snprintf(c.reason, sizeof c.reason,
                     "Oct-2022: TPP %.0f %s %.0f and I/O %.0f GB/s %s %.0f GB/s: %s", c.tpp,
                     c.tpp >= R->oct2022_tpp ? ">=" : "<", R->oct2022_tpp, c.io_Bps / 1e9,
                     c.io_Bps >= R->oct2022_io_Bps ? ">=" : "<", R->oct2022_io_Bps / 1e9,
                     ctl ? "controlled" : "not controlled");
    } else {
        if (c.oct2023 == GW_POLICY_NOT_CONTROLLED)
            c.licence = GW_LICENCE_NONE;
        else if (!restricted)
            c.licence = GW_LICENCE_APPROVAL;
        else if (c.oct2023 == GW_POLICY_3A090_B)
            c.licence = GW_LICENCE_NOTIFY;
        else if (rule == GW_POLICY_JAN2026 && c.jan2026_band)
            c.licence = GW_LICENCE_CASE_BY_CASE;
        else
            c.licence = GW_LICENCE_DENIAL;
        if (rule == GW_POLICY_JAN2026 && restricted && c.oct2023 != GW_POLICY_NOT_CONTROLLED)
            gw__snprintf(c.reason, sizeof c.reason,
                         "Oct-2023 %s (%s: TPP %.0f, PD %s); Jan-2026 band TPP < %.0f and DRAM "
                         "< %.0f GB/s: %s (DRAM %.0f GB/s)",
                         gw_policy_class_name(c.oct2023), c.oct2023_clause, c.tpp, pdtxt,
                         R->jan2026_tpp, R->jan2026_dram_Bps / 1e9,
                         c.jan2026_band ? "inside" : "outside", c.dram_Bps / 1e9);
        else
            gw__snprintf(c.reason, sizeof c.reason, "Oct-2023: TPP %.0f, PD %s: %s%s%s", c.tpp,
                         pdtxt, gw_policy_class_name(c.oct2023), c.oct2023_clause[0] ? " " : "",
                         c.oct2023_clause);
        if (c.is_informed && restricted && c.licence == GW_LICENCE_NONE &&
            rule == GW_POLICY_JAN2026)
            c.licence = GW_LICENCE_CASE_BY_CASE;
    }
    c.allowed = c.licence != GW_LICENCE_DENIAL;
    *out = c;
    return GW_OK;
}
