/* SPDX-License-Identifier: MIT */
/*
 * gigawatt/policy.h: US export controls on AI accelerators (ECCN 3A090) and
 * the Section 232 chip tariff bands, applied to the accelerator catalog.
 *
 * Total Processing Performance TPP = max over precisions of dense rate (in
 * TFLOP/s or TOPS) x bit width; performance density PD = TPP / applicable die
 * area (mm^2). Classification under the October 2023 rule (3A090.a / .b / not
 * controlled), the October 2022 rule (TPP and interconnect, for history), the
 * January 2026 case-by-case band (TPP and DRAM bandwidth) and the Section 232
 * Annex I bands. Thresholds and sources live in data/export_rules.yaml; the
 * reference is data/reference/export_control.md. Not legal advice.
 *
 * A compliant-cluster planner picks the accelerators that a destination may
 * receive and compares what the same power budget or the same training run
 * gives with them versus unrestricted chips. Details: docs/models/policy.md.
 */
#ifndef GIGAWATT_POLICY_H
#define GIGAWATT_POLICY_H

#include <gigawatt/catalog.h>
#include <gigawatt/core.h>
#include <gigawatt/report.h>
#include <gigawatt/scenario.h>

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gw_policy_class {
    GW_POLICY_NOT_CONTROLLED = 0,
    GW_POLICY_3A090_B = 1,
    GW_POLICY_3A090_A = 2
} gw_policy_class;

/* Rules, as their answers stood while each was the rule in force (see
 * docs/models/policy.md). APPEND ONLY: the values are stable. */
typedef enum gw_policy_rule {
    GW_POLICY_OCT2022 = 0, /* TPP >= 4800 and I/O >= 600 GB/s (2022-10-07, superseded) */
    GW_POLICY_OCT2023 = 1, /* TPP / PD thresholds (effective 2023-11-17) and the measures
                              taken under it (H20 letter 2025-04, licences 2025-08) */
    GW_POLICY_JAN2026 = 2, /* Oct-2023 classes + case-by-case band for China/Macau
                              (2026-01-15) and the H200 arrangement */
    GW_POLICY_JAN2025 = 3  /* AI Diffusion rule (2025-01-15), rescinded 2025-05-13 */
} gw_policy_rule;

#define GW_POLICY_N_RULES 4

/* The licence answer. APPEND ONLY: the values are stable. */
typedef enum gw_policy_licence {
    GW_LICENCE_NONE = 0,     /* no licence needed */
    GW_LICENCE_NOTIFY,       /* licence exception NAC with notification (D:5 / Macau) */
    GW_LICENCE_APPROVAL,     /* licence, presumption of approval (D:1 / D:4) */
    GW_LICENCE_CASE_BY_CASE, /* licence, case-by-case review (Jan-2026 band) */
    GW_LICENCE_DENIAL,       /* licence, presumption of denial */
    GW_LICENCE_ACA,          /* licence exception ACA, no notification (D:1 / D:4) */
    GW_LICENCE_REQUIRED,     /* licence required; the reference states no review policy */
    GW_LICENCE_QUOTA,        /* licence required, country cap (AI Diffusion Tier 2) */
    GW_LICENCE_CONDITIONAL   /* licence required; licences issued on a condition (H20 15%) */
} gw_policy_licence;

#define GW_POLICY_MAX_BANDS     4
#define GW_POLICY_MAX_DEST      32
#define GW_POLICY_MAX_LISTED    16
#define GW_POLICY_MAX_COUNTRIES 256
#define GW_POLICY_MAX_MEASURES  8
#define GW_POLICY_MAX_ALIASES   8

/* Destination groups of data/export_rules.yaml (bit flags). */
typedef enum gw_policy_group {
    GW_POLICY_GROUP_HOME = 1 << 0,  /* the exporting country (US) */
    GW_POLICY_GROUP_CHINA = 1 << 1, /* CN, HK, MO */
    GW_POLICY_GROUP_D5 = 1 << 2,    /* country group D:5 plus Macau (and HK) */
    GW_POLICY_GROUP_D1_D4 = 1 << 3, /* D:1 / D:4 outside D:5 */
    GW_POLICY_GROUP_TIER1 = 1 << 4  /* AI Diffusion Tier 1 */
} gw_policy_group;

#define GW_POLICY_N_GROUPS 5

/* What a rule is: short name ("Oct-2023 rule"), effective date, the rule's
 * full title, its sources and the section of export_control.md. */
typedef struct gw_policy_rule_info {
    char name[32];
    char date[16];      /* YYYY-MM-DD, effective */
    char rescinded[16]; /* YYYY-MM-DD or "" */
    char title[256];
    char source[320];
    char reference[256];
} gw_policy_rule_info;

/* A chip-specific measure on top of a rule (a letter, a licensing deal). */
typedef struct gw_policy_measure {
    char name[64];
    char date[16];
    size_t n_accels;
    char accels[GW_POLICY_MAX_LISTED][32]; /* catalog names; "h20" also lists "h20-96gb" */
    unsigned groups;                       /* gw_policy_group bits it applies to */
    unsigned rules;                        /* bit (1 << gw_policy_rule) per rule */
    gw_policy_licence licence;             /* REQUIRED, CONDITIONAL or NONE (a note) */
    double share;                          /* revenue share paid to the US (0 = none) */
    char text[320];
    char source[320];
    char reference[128];
} gw_policy_measure;

/* Thresholds of data/export_rules.yaml (TPP is dimensionless, PD in TPP per
 * mm^2, bandwidths in bytes/s). Sources are the files' citations. */
typedef struct gw_policy_rules {
    /* October 2023, 3A090.a: TPP >= a_tpp, or TPP >= a2_tpp and PD >= a2_pd. */
    double a_tpp, a2_tpp, a2_pd;
    /* 3A090.b: b1_tpp_min <= TPP < b1_tpp_max and b1_pd_min <= PD < b_pd_max,
     * or TPP >= b2_tpp and b2_pd_min <= PD < b_pd_max. */
    double b1_tpp_min, b1_tpp_max, b1_pd_min, b_pd_max, b2_tpp, b2_pd_min;
    double ndc_tpp; /* non-data-centre ICs are controlled only at TPP >= this */
    /* October 2022: TPP >= oct2022_tpp and bidirectional I/O >= oct2022_io_Bps. */
    double oct2022_tpp, oct2022_io_Bps;
    /* January 2026 case-by-case band: TPP < jan2026_tpp and DRAM < jan2026_dram_Bps. */
    double jan2026_tpp, jan2026_dram_Bps;
    /* AI Diffusion (rescinded): Tier-2 country cap and licence-free order
     * size (GPUs), UVEU share of global capacity, NVEU GPUs over two years. */
    double jan2025_cap_gpus, jan2025_free_gpus, jan2025_uveu_share, jan2025_nveu_gpus;
    /* Section 232 Annex I bands (inclusive). */
    double sec232_rate;
    size_t n_bands;
    struct {
        char name[48];
        double tpp_min, tpp_max, dram_min_Bps, dram_max_Bps;
    } bands[GW_POLICY_MAX_BANDS];
    /* Destination groups, indexed by the bit number of gw_policy_group. */
    size_t n_members[GW_POLICY_N_GROUPS];
    char members[GW_POLICY_N_GROUPS][GW_POLICY_MAX_DEST][8];
    /* ISO 3166-1 countries: alpha-2, alpha-3, short name. */
    size_t n_countries;
    struct {
        char alpha2[4], alpha3[4];
        char name[48];
    } countries[GW_POLICY_MAX_COUNTRIES];
    size_t n_aliases; /* common non-ISO spellings: "UK" -> "GB" */
    char aliases[GW_POLICY_MAX_ALIASES][2][8];
    gw_policy_rule_info info[GW_POLICY_N_RULES]; /* indexed by gw_policy_rule */
    size_t n_measures;
    gw_policy_measure measures[GW_POLICY_MAX_MEASURES];
    char src_oct2023[320], src_oct2022[320], src_jan2026[320], src_sec232[512];
} gw_policy_rules;

/* Loads data/export_rules.yaml from the catalog's directory (or the embedded
 * copy): thresholds, rules, destination groups, ISO 3166-1 countries and
 * measures. Errors: GW_ENOMEM, GW_EIO, GW_EPARSE, GW_ESCHEMA (also a group
 * member that is neither a listed country nor a group code, an unknown rule
 * or group in a measure), GW_EUNIT, GW_ERANGE with file:line:col. Fills
 * *out (about 40 KB) only on success; keeps no allocation. Thread-safe. */
GW_API gw_status gw_policy_rules_load(gw_ctx *ctx, const gw_catalog *cat, gw_policy_rules *out,
                                      gw_error *err);

/* "oct2022", "oct2023", "jan2025", "jan2026" (case-insensitive). GW_EPARSE otherwise. */
GW_API gw_status gw_policy_rule_parse(const char *text, gw_policy_rule *out);
GW_API const char *gw_policy_rule_name(gw_policy_rule r);
GW_API const char *gw_policy_class_name(gw_policy_class c); /* "3A090.a" ... */
GW_API const char *gw_policy_licence_name(gw_policy_licence l);

/* Checks a destination: an ISO 3166-1 alpha-2 code of the rules' country
 * list or a group code such as "D5" (case-insensitive). On success *code
 * (may be NULL) points at the canonical upper-case code, borrowed from
 * rules. GW_ENOTFOUND otherwise, where = "policy.destination", with a
 * message that explains the valid codes and, when one is close (an alpha-3
 * code, a country name or its start, "UK"), suggests it. Pure. */
GW_API gw_status gw_policy_destination_check(const gw_policy_rules *rules, const char *text,
                                             const char **code, gw_error *err);

/* TPP of an accelerator: max over precisions of dense rate (TFLOP/s or TOPS)
 * x bits. *prec (may be NULL) gets the precision that gives it. 0 if the
 * accelerator has no rates. */
GW_API double gw_policy_tpp(const gw_accel *a, gw_precision *prec);
/* PD = TPP / die area (mm^2); NaN when the die area is not published. */
GW_API double gw_policy_pd(const gw_accel *a);

/* Classification of one accelerator. */
typedef struct gw_policy_chip {
    const gw_accel *accel; /* borrowed */
    double tpp;
    gw_precision tpp_precision;
    double pd; /* NaN if unknown */
    double io_Bps, dram_Bps;
    gw_policy_class oct2023;
    char oct2023_clause[32]; /* "a.1", "a.2", "b.1", "b.2" or "" */
    bool oct2022_controlled;
    bool jan2026_band; /* controlled and inside the case-by-case band */
    int sec232_band;   /* 1-based Annex band, 0 = none */
    bool has_measure;  /* a chip-specific measure applies (H20 letter, H200 deal) */
    /* Outcome for the destination and rule given. */
    gw_policy_rule rule;
    char destination[16]; /* canonical code */
    unsigned groups;      /* gw_policy_group bits of the destination */
    gw_policy_licence licence;
    bool in_force;      /* false for a rule rescinded before it applied (jan2025) */
    bool allowed;       /* a route exists: no licence, NAC/ACA, approval, case-by-case,
                           a Tier-2 quota or licences issued on a condition */
    double share;       /* revenue share to the US government of a measure (0 = none) */
    char reason[320];   /* one line: the clause that decided, with numbers */
    char measures[640]; /* the measures that changed or qualify the answer, "; "-joined */
    char answer[1024];  /* the full answer: licence, rule name and date, why, measures,
                           reference section */
} gw_policy_chip;

/* Classifies a under rule for destination ("US", "CN", "D5", ...; NULL =
 * "US"). Returns GW_OK, GW_EINVAL for NULL arguments or GW_ENOTFOUND for
 * an unknown destination (see gw_policy_destination_check). Pure. */
GW_API gw_status gw_policy_classify(const gw_policy_rules *rules, const gw_accel *a,
                                    const char *destination, gw_policy_rule rule,
                                    gw_policy_chip *out, gw_error *err);

/* Writes one chip as an object "export" under parent (root when NULL). */
GW_API void gw_policy_chip_report(gw_doc *doc, gw_doc_node *parent, const gw_policy_rules *rules,
                                  const gw_policy_chip *c);
/* Writes a table (array "chips") of every chip under parent (root if NULL). */
GW_API void gw_policy_compare_report(gw_doc *doc, gw_doc_node *parent, const gw_policy_rules *rules,
                                     const gw_policy_chip *chips, size_t n);

/* ---- Compliant cluster ---------------------------------------------------- */

#define GW_POLICY_MAX_OPTIONS 64

typedef struct gw_policy_option {
    gw_policy_chip chip;
    bool planned;                              /* a system and a price were found */
    char skip_reason[160];                     /* why not, when !planned */
    double gpus, facility_power_w, peak_flops; /* in the budget, dense at precision */
    double capex_usd, usd_per_gpu_hour;
    double flops_per_w, flops_per_usd; /* peak FLOP/s per facility W / per capex $ */
    double train_time_s, train_gpu_hours, train_cost_usd; /* 0 when no training FLOP given */
} gw_policy_option;

typedef struct gw_policy_compliant {
    char destination[16];
    gw_policy_rule rule;
    double power_w;    /* facility power budget */
    double train_flop; /* training compute to price (0 = none) */
    double mfu;        /* utilisation for the training time */
    gw_precision precision;
    size_t n_options;
    gw_policy_option options[GW_POLICY_MAX_OPTIONS];
    int best_allowed; /* index of the best allowed option, -1 if none */
    int best_any;     /* best option ignoring the restriction */
} gw_policy_compliant;

/* For every catalog accelerator, plans a site of power_w (> 0) with the
 * scenario's other settings, prices it, and (when train_flop > 0) the time
 * and cost of train_flop at the scenario's MFU. "Best" is the lowest training
 * cost when train_flop > 0, else the highest peak FLOP/s in the budget.
 * Errors: GW_ERANGE (power_w <= 0, where = "--power"), errors of the loaders.
 * Accelerators without a system or price are kept with planned = false. */
GW_API gw_status gw_policy_compliant_plan(gw_ctx *ctx, const gw_catalog *cat, const gw_scenario *sc,
                                          const gw_policy_rules *rules, const char *destination,
                                          gw_policy_rule rule, double power_w, double train_flop,
                                          gw_policy_compliant *out, gw_error *err);
/* Writes the comparison as an object "compliant" under parent (root if NULL). */
GW_API void gw_policy_compliant_report(gw_doc *doc, gw_doc_node *parent,
                                       const gw_policy_compliant *c);

#ifdef __cplusplus
}
#endif
#endif /* GIGAWATT_POLICY_H */
