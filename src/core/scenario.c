/* SPDX-License-Identifier: MIT */
/*
 * scenario.c: loading, overriding and validating scenario files.
 *
 * The schema is a table (one row per scalar field: key path, type, unit
 * dimension, range, offset into gw_scenario), so that unknown keys, wrong
 * types, missing units and out-of-range values are all caught in one place
 * with file:line:col. `--set key.path=value` overrides patch the YAML tree
 * before binding, so an override is checked exactly like the file would be;
 * its errors are located at "--set key.path".
 *
 * Not done here: anything that needs the catalog (does the accelerator
 * exist, which system holds it, does the model fit). Core is the lowest
 * layer and knows no catalog: gw_scenario_resolve lives in
 * src/catalog/resolve.c and reads the locations it needs through the
 * gw__scenario_* hooks declared in core_internal.h.
 */
#include <gigawatt/scenario.h>

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core_internal.h"

/* F_COUNT: a whole count (GPUs, tokens per sequence) that may carry a k/M/B/T
 * suffix ("16M"), unlike F_INT. */
/* F_NUM_GT: a number in (min, max], min excluded: for keys whose absence
 * means "use the default", where an explicit 0 used to be replaced by that
 * default without a word. */
typedef enum ftype {
    F_STR,
    F_NUM,
    F_NUM_GT,
    F_COUNT,
    F_INT,
    F_BOOL,
    F_PREC,
    F_ENUM,
    F_ORDER, /* a rank order, gw__rank_order_parse */
    F_SHARD  /* a ZeRO shard group: an integer in [min, max], "any" (-1) or "whole" (0) */
} ftype;

typedef struct field {
    const char *path; /* "site.power" */
    ftype type;
    gw_dim dim;
    double min, max;
    size_t offset;
    const char *enums; /* F_ENUM: "|liquid|air|"; F_NUM_GT: what leaving it out gives */
} field;

#define OFF(m) offsetof(gw_scenario, m)
#define BIG    1e30

static const field fields[] = {
    {"name", F_STR, GW_DIM_NONE, 0, 0, OFF(name), NULL},
    {"description", F_STR, GW_DIM_NONE, 0, 0, OFF(description), NULL},
    {"site.name", F_STR, GW_DIM_NONE, 0, 0, OFF(site.name), NULL},
    {"site.location", F_STR, GW_DIM_NONE, 0, 0, OFF(site.location), NULL},
    {"site.power", F_NUM, GW_DIM_POWER, 0, 1e13, OFF(site.power_w), NULL},
    {"site.pue", F_NUM, GW_DIM_NONE, 1.0, 3.0, OFF(site.pue), NULL},
    {"site.cooling", F_ENUM, GW_DIM_NONE, 0, 0, OFF(site.cooling), "|liquid|air|"},
    {"site.grid", F_NUM, GW_DIM_POWER, 0, 1e13, OFF(site.grid_w), NULL},
    {"site.onsite_generation", F_NUM, GW_DIM_POWER, 0, 1e13, OFF(site.onsite_gen_w), NULL},
    {"site.battery", F_NUM, GW_DIM_POWER, 0, 1e13, OFF(site.battery_w), NULL},
    {"site.storage_power", F_NUM, GW_DIM_POWER, 0, 1e13, OFF(site.storage_power_w), NULL},
    {"cluster.accelerator", F_STR, GW_DIM_NONE, 0, 0, OFF(cluster.accelerator), NULL},
    {"cluster.system", F_STR, GW_DIM_NONE, 0, 0, OFF(cluster.system), NULL},
    {"cluster.gpus", F_COUNT, GW_DIM_TOKENS, 1, 1e8, OFF(cluster.gpus), NULL},
    {"cluster.nic", F_STR, GW_DIM_NONE, 0, 0, OFF(cluster.nic), NULL},
    {"cluster.switch", F_STR, GW_DIM_NONE, 0, 0, OFF(cluster.fabric_switch), NULL},
    {"cluster.topology", F_ENUM, GW_DIM_NONE, 0, 0, OFF(cluster.topology), "|fat-tree|"},
    {"cluster.oversubscription", F_NUM, GW_DIM_NONE, 1, 64, OFF(cluster.oversubscription), NULL},
    {"cluster.planes", F_INT, GW_DIM_NONE, 1, 16, OFF(cluster.planes), NULL},
    {"cluster.allow_idle_gpus", F_NUM, GW_DIM_FRACTION, 0, 0.5, OFF(cluster.allow_idle_gpus), NULL},
    {"workload.model", F_STR, GW_DIM_NONE, 0, 0, OFF(workload.model), NULL},
    {"workload.tokens", F_NUM, GW_DIM_TOKENS, 1, 1e17, OFF(workload.tokens), NULL},
    {"workload.seq_len", F_COUNT, GW_DIM_TOKENS, 1, 1e8, OFF(workload.seq_len), NULL},
    {"workload.global_batch_tokens", F_NUM, GW_DIM_TOKENS, 1, 1e12,
     OFF(workload.global_batch_tokens), NULL},
    {"workload.precision", F_PREC, GW_DIM_NONE, 0, 0, OFF(workload.precision), NULL},
    {"workload.mfu", F_NUM_GT, GW_DIM_FRACTION, 0, 1.0, OFF(workload.mfu_assumed),
     "the default 40%"},
    {"workload.fp8_recipe", F_ENUM, GW_DIM_NONE, 0, 0, OFF(workload.fp8_recipe), "|tensor|block|"},
    {"workload.cp_comm", F_ENUM, GW_DIM_NONE, 0, 0, OFF(workload.cp_comm),
     "|ring|allgather|a2a|any|"},
    {"workload.cuda_graphs", F_BOOL, GW_DIM_NONE, 0, 0, OFF(workload.cuda_graphs), NULL},
    {"workload.batch_tolerance", F_NUM, GW_DIM_FRACTION, 0, 0.5, OFF(workload.batch_tolerance),
     NULL},
    {"workload.flash_attention", F_BOOL, GW_DIM_NONE, 0, 0, OFF(workload.flash_attention), NULL},
    {"workload.tp_comm_overlap", F_BOOL, GW_DIM_NONE, 0, 0, OFF(workload.tp_comm_overlap), NULL},
    {"workload.moe_a2a_overlap", F_BOOL, GW_DIM_NONE, 0, 0, OFF(workload.moe_a2a_overlap), NULL},
    {"workload.dp_sync", F_ENUM, GW_DIM_NONE, 0, 0, OFF(workload.dp_sync),
     "|overlap|after|after-allreduce|"},
    {"workload.sequence_parallel", F_BOOL, GW_DIM_NONE, 0, 0, OFF(workload.sequence_parallel),
     NULL},
    {"workload.pp_first_layers", F_INT, GW_DIM_NONE, 1, 1000000, OFF(workload.pp_first_layers),
     NULL},
    {"workload.pp_last_layers", F_INT, GW_DIM_NONE, 1, 1000000, OFF(workload.pp_last_layers), NULL},
    {"workload.zero_shard", F_SHARD, GW_DIM_NONE, 1, 1e9, OFF(workload.zero_shard), NULL},
    {"economics.electricity_price", F_NUM_GT, GW_DIM_PRICE_ENERGY, 0, 1e-3,
     OFF(economics.electricity_usd_per_j), "the catalog's price"},
    {"economics.depreciation", F_NUM, GW_DIM_TIME, 86400.0, 3.2e9, OFF(economics.depreciation_s),
     NULL},
    {"economics.cost_of_capital", F_NUM, GW_DIM_FRACTION, 0, 1.0, OFF(economics.cost_of_capital),
     NULL},
    {"economics.maintenance", F_NUM, GW_DIM_FRACTION, 0, 1.0, OFF(economics.maintenance_frac),
     NULL},
    {"economics.facility_cost", F_NUM_GT, GW_DIM_MONEY_PER_POWER, 0, 1e3,
     OFF(economics.facility_usd_per_w), "the catalog's cost"},
    {"economics.gpu_price", F_NUM_GT, GW_DIM_MONEY, 0, 1e8, OFF(economics.gpu_price_usd),
     "the catalog's estimate"},
    {"economics.tariff_rate", F_NUM, GW_DIM_FRACTION, 0, 5.0, OFF(economics.tariff_rate), NULL},
    {"economics.tariff_exempt", F_BOOL, GW_DIM_NONE, 0, 0, OFF(economics.tariff_exempt), NULL},
    {"policy.destination", F_STR, GW_DIM_NONE, 0, 0, OFF(policy.destination), NULL},
    {"policy.rule", F_ENUM, GW_DIM_NONE, 0, 0, OFF(policy.rule),
     "|oct2023|oct2022|jan2026|jan2025|"},
    {"reliability.checkpoint_interval", F_NUM_GT, GW_DIM_TIME, 0, 3.2e8,
     OFF(reliability.checkpoint_interval_s), "the optimal interval (Young/Daly)"},
    {"reliability.checkpoint_bandwidth", F_NUM_GT, GW_DIM_BANDWIDTH, 0, 1e16,
     OFF(reliability.checkpoint_write_Bps), "the model's default"},
    {"reliability.restart_time", F_NUM_GT, GW_DIM_TIME, 0, 8.64e6, OFF(reliability.restart_s),
     "the model's default"},
    {"reliability.spares", F_NUM, GW_DIM_FRACTION, 0, 1.0, OFF(reliability.spares_frac), NULL},
    {"reliability.rate_scale", F_NUM_GT, GW_DIM_NONE, 0, 1e6, OFF(reliability.rate_scale),
     "1 (the catalog's rates)"},
    {"network.model", F_ENUM, GW_DIM_NONE, 0, 0, OFF(network.model), "|flow|alpha-beta|"},
    {"network.spine_oversubscription", F_NUM, GW_DIM_NONE, 1, 64,
     OFF(network.spine_oversubscription), NULL},
    {"network.core_oversubscription", F_NUM, GW_DIM_NONE, 1, 64, OFF(network.core_oversubscription),
     NULL},
    {"network.leaf_links_down", F_NUM, GW_DIM_FRACTION, 0, 0.99, OFF(network.leaf_links_down),
     NULL},
    {"network.spine_links_down", F_NUM, GW_DIM_FRACTION, 0, 0.99, OFF(network.spine_links_down),
     NULL},
    {"network.core_links_down", F_NUM, GW_DIM_FRACTION, 0, 0.99, OFF(network.core_links_down),
     NULL},
    {"network.planes_down", F_INT, GW_DIM_NONE, 0, 15, OFF(network.planes_down), NULL},
    {"network.buildings", F_INT, GW_DIM_NONE, 1, 64, OFF(network.buildings), NULL},
    {"network.building_bandwidth", F_NUM_GT, GW_DIM_BANDWIDTH, 0, 1e17, OFF(network.building_Bps),
     "no inter-building link"},
    {"network.building_latency", F_NUM, GW_DIM_TIME, 0, 1.0, OFF(network.building_latency_s), NULL},
    {"network.sites", F_INT, GW_DIM_NONE, 1, 64, OFF(network.sites), NULL},
    {"network.site_links", F_INT, GW_DIM_NONE, 1, 100000, OFF(network.site_links), NULL},
    {"network.site_link_bandwidth", F_NUM_GT, GW_DIM_BANDWIDTH, 0, 1e17, OFF(network.site_link_Bps),
     "no WAN link"},
    {"network.site_latency", F_NUM, GW_DIM_TIME, 0, 10.0, OFF(network.site_latency_s), NULL},
    {"network.pxn", F_BOOL, GW_DIM_NONE, 0, 0, OFF(network.pxn), NULL},
    {"network.in_network", F_ENUM, GW_DIM_NONE, 0, 0, OFF(network.in_network), "|auto|nvls|off|"},
    {"network.rank_order", F_ORDER, GW_DIM_NONE, 0, 0, OFF(network.rank_order), NULL},
    {"workload.batch_policy", F_ENUM, GW_DIM_NONE, 0, 0, OFF(batch.policy), "|fixed|critical|"},
    {"workload.min_mfu", F_NUM_GT, GW_DIM_FRACTION, 0, 1.0, OFF(batch.min_mfu), "the default 30%"},
    {"reliability.in_memory_checkpoint", F_BOOL, GW_DIM_NONE, 0, 0, OFF(ft.in_memory_checkpoint),
     NULL},
    {"reliability.elastic", F_BOOL, GW_DIM_NONE, 0, 0, OFF(ft.elastic), NULL},
    {"reliability.partial_restart", F_BOOL, GW_DIM_NONE, 0, 0, OFF(ft.partial_restart), NULL},
    {"reliability.hot_spares", F_BOOL, GW_DIM_NONE, 0, 0, OFF(ft.hot_spares), NULL},
    {"reliability.fast_detect", F_BOOL, GW_DIM_NONE, 0, 0, OFF(ft.fast_detect), NULL},
    {"reliability.async_checkpoint", F_BOOL, GW_DIM_NONE, 0, 0, OFF(ft.async_checkpoint), NULL},
    {"reliability.detect_time", F_NUM_GT, GW_DIM_TIME, 0, 86400.0, OFF(ft.detect_s),
     "the model's default"},
    {"reliability.target_goodput", F_NUM_GT, GW_DIM_FRACTION, 0, 0.999, OFF(ft.target_goodput),
     "the default 90%"},
    {"reliability.replica_gpus", F_COUNT, GW_DIM_TOKENS, 1, 1e8, OFF(ft.replica_gpus), NULL},
    {"loose.replicas", F_INT, GW_DIM_NONE, 1, 1024, OFF(loose.replicas), NULL},
    {"loose.sync_every", F_COUNT, GW_DIM_TOKENS, 1, 1e6, OFF(loose.sync_every), NULL},
    {"loose.outer_bytes", F_NUM, GW_DIM_NONE, 0.125, 8, OFF(loose.outer_bytes), NULL},
    {"serving.model", F_STR, GW_DIM_NONE, 0, 0, OFF(serving.model), NULL},
    {"serving.gpus", F_COUNT, GW_DIM_TOKENS, 1, 1e8, OFF(serving.gpus), NULL},
    {"serving.input_len", F_COUNT, GW_DIM_TOKENS, 1, 1e7, OFF(serving.input_len), NULL},
    {"serving.output_len", F_COUNT, GW_DIM_TOKENS, 1, 1e7, OFF(serving.output_len), NULL},
    {"serving.concurrency", F_COUNT, GW_DIM_TOKENS, 1, 1e9, OFF(serving.concurrency), NULL},
    {"serving.precision", F_ENUM, GW_DIM_NONE, 0, 0, OFF(serving.precision), "|any|bf16|fp8|fp4|"},
    {"serving.kv_precision", F_ENUM, GW_DIM_NONE, 0, 0, OFF(serving.kv_precision),
     "|bf16|fp8|any|"},
    {"serving.tp", F_INT, GW_DIM_NONE, 1, 1024, OFF(serving.tp), NULL},
    {"serving.ep", F_INT, GW_DIM_NONE, 1, 65536, OFF(serving.ep), NULL},
    {"serving.ttft", F_NUM_GT, GW_DIM_TIME, 0, 3600, OFF(serving.ttft_s), "no TTFT bound"},
    {"serving.tpot", F_NUM_GT, GW_DIM_TIME, 0, 60, OFF(serving.tpot_s), "no TPOT bound"},
    {"serving.pp", F_INT, GW_DIM_NONE, 1, 64, OFF(serving.pp), NULL},
    {"serving.disagg", F_BOOL, GW_DIM_NONE, 0, 0, OFF(serving.disagg), NULL},
    {"serving.demand_tokens_per_day", F_NUM_GT, GW_DIM_TOKENS, 0, 1e20,
     OFF(serving.demand_tokens_per_day), "no serving demand"},
};
#define N_FIELDS (sizeof fields / sizeof fields[0])

static const char *const sections[] = {
    "schema_version", "name",        "description", "site",    "cluster", "workload", "economics",
    "policy",         "reliability", "network",     "serving", "loose",   NULL};
static const char *const phase_keys[] = {"name", "date", "accelerator", "gpus", "power", NULL};

/* The private scenario: the public struct first, so a gw_scenario* is one. */
typedef struct scenario_priv {
    gw_scenario pub;
    gw_ctx *ctx;
    gw__ydoc *doc;              /* owns every string of pub */
    gw__ynode *nodes[N_FIELDS]; /* where each field came from, for later errors */
    gw__ynode *phase_nodes[GW_SCENARIO_MAX_PHASES];
    gw__ynode *failure_nodes[GW_SCENARIO_MAX_FAILURES]; /* network.failures[i].index */
    /* One object owned on behalf of a higher layer (the model that
     * gw_scenario_resolve imports from a config.json path), freed with the
     * scenario; core does not know its type. */
    void *attached;
    void (*attached_free)(gw_ctx *ctx, void *obj);
} scenario_priv;

static void set_defaults(gw_scenario *sc)
{
    sc->name = "unnamed";
    sc->description = "";
    sc->site.name = "";
    sc->site.location = "";
    sc->site.cooling = "liquid";
    sc->cluster.accelerator = "";
    sc->cluster.system = "";
    sc->cluster.gpus = 0;
    sc->cluster.nic = "";
    sc->cluster.fabric_switch = "";
    sc->cluster.topology = "fat-tree";
    sc->cluster.oversubscription = 1.0;
    sc->cluster.planes = 1;
    sc->workload.model = "";
    sc->workload.seq_len = 8192;
    sc->workload.precision = GW_PREC_BF16;
    sc->workload.mfu_assumed = 0.4;
    sc->workload.fp8_recipe = "";
    sc->workload.cuda_graphs = -1; /* not stated */
    sc->workload.cp_comm = "ring";
    /* The training software a current Megatron-Core / NeMo stack runs. */
    sc->workload.flash_attention = 1;
    sc->workload.tp_comm_overlap = 1;
    sc->workload.moe_a2a_overlap = 1;
    sc->workload.dp_sync = "";
    sc->workload.sequence_parallel = 1;
    sc->policy.destination = "US";
    sc->policy.rule = "oct2023";
    sc->network.model = "flow";
    sc->network.spine_oversubscription = 1.0;
    sc->network.core_oversubscription = 1.0;
    sc->network.buildings = 1;
    sc->network.building_latency_s = 0.0;
    sc->network.pxn = 1;
    sc->network.sites = 1;
    sc->network.site_links = 1;
    sc->network.in_network = "auto";
    sc->network.rank_order = "tp-cp-ep-dp-pp";
    sc->serving.model = "";
    sc->serving.input_len = 1024;
    sc->serving.output_len = 1024;
    sc->serving.precision = "any";
    sc->serving.kv_precision = "bf16";
    sc->batch.policy = "fixed";
    sc->batch.min_mfu = 0.3;
    sc->loose.sync_every = 100;
    sc->loose.outer_bytes = 4;
}

/* ---- Binding ------------------------------------------------------------- */

static gw_status bind_field(scenario_priv *p, const field *f, gw__ynode *n, gw_error *err)
{
    unsigned char *base = (unsigned char *)&p->pub;
    void *dst = base + f->offset;
    const gw__ydoc *d = p->doc;
    gw_status rc = GW_OK;
    switch (f->type) {
    case F_STR: {
        const char *s;
        rc = gw__y_str(d, n, f->path, &s, err);
        if (rc == GW_OK)
            memcpy(dst, &s, sizeof s);
        break;
    }
    case F_ORDER: {
        const char *s;
        rc = gw__y_str(d, n, f->path, &s, err);
        if (rc != GW_OK)
            break;
        int order[GW__RANK_DIMS];
        char why[200];
        if (!gw__rank_order_parse(s, order, why, sizeof why)) {
            gw__err(err, GW_ESCHEMA, "%s", why);
            gw__y_loc(d, n, f->path, err);
            return GW_ESCHEMA;
        }
        memcpy(dst, &s, sizeof s);
        break;
    }
    case F_ENUM: {
        const char *s;
        rc = gw__y_str(d, n, f->path, &s, err);
        if (rc != GW_OK)
            break;
        char pat[64];
        gw__snprintf(pat, sizeof pat, "|%s|", s);
        if (!strstr(f->enums, pat) || strchr(s, '|')) {
            char list[128];
            gw__strlcpy(list, f->enums + 1, sizeof list);
            size_t l = strlen(list);
            if (l)
                list[l - 1] = '\0';
            for (char *c = list; *c; c++)
                if (*c == '|')
                    *c = '/';
            gw__suggest sg;
            gw__suggest_init(&sg, s);
            char *save = NULL, opts[128];
            gw__strlcpy(opts, list, sizeof opts);
            for (char *o = opts; o && *o; o = save) {
                save = strchr(o, '/');
                if (save)
                    *save++ = '\0';
                gw__suggest_add(&sg, o);
            }
            char hint[96];
            gw__err(err, GW_ESCHEMA, "expected one of %s, got \"%s\"%s", list, s,
                    gw__suggest_text(&sg, hint, sizeof hint));
            gw__y_loc(d, n, f->path, err);
            return GW_ESCHEMA;
        }
        memcpy(dst, &s, sizeof s);
        break;
    }
    case F_NUM_GT: {
        double v;
        rc = gw__y_num(d, n, f->path, f->dim, -HUGE_VAL, HUGE_VAL, &v, err);
        if (rc == GW_OK && !(v > f->min && v <= f->max)) {
            char range[128];
            gw_range_describe(f->min, 1, f->max, f->dim, range, sizeof range);
            if (v == f->min)
                gw__err(err, GW_ERANGE, "%s, got \"%s\" (leave %s out for %s)", range, n->scalar,
                        f->path, f->enums);
            else
                gw__err(err, GW_ERANGE, "%s, got \"%s\"", range, n->scalar);
            gw__y_loc(d, n, f->path, err);
            return GW_ERANGE;
        }
        if (rc == GW_OK)
            memcpy(dst, &v, sizeof v);
        break;
    }
    case F_NUM:
    case F_COUNT: {
        double v;
        rc = f->type == F_COUNT ? gw__y_count(d, n, f->path, f->min, f->max, &v, err)
                                : gw__y_num(d, n, f->path, f->dim, f->min, f->max, &v, err);
        if (rc == GW_OK)
            memcpy(dst, &v, sizeof v);
        break;
    }
    case F_SHARD: {
        const char *s = NULL;
        long long v;
        rc = gw__y_str(d, n, f->path, &s, err);
        if (rc != GW_OK)
            break;
        if (strcmp(s, "any") == 0 || strcmp(s, "whole") == 0) {
            int iv = strcmp(s, "any") == 0 ? -1 : 0;
            memcpy(dst, &iv, sizeof iv);
            break;
        }
        if (gw__parse_ll(s, &v) != GW_OK) {
            gw__err(err, GW_ESCHEMA, "expected a rank count, any or whole, got \"%s\"", s);
            gw__y_loc(d, n, f->path, err);
            return GW_ESCHEMA;
        }
        rc = gw__y_int(d, n, f->path, (long long)f->min, (long long)f->max, &v, err);
        if (rc == GW_OK) {
            int iv = (int)v;
            memcpy(dst, &iv, sizeof iv);
        }
        break;
    }
    case F_INT: {
        long long v;
        rc = gw__y_int(d, n, f->path, (long long)f->min, (long long)f->max, &v, err);
        if (rc == GW_OK) {
            int iv = (int)v;
            memcpy(dst, &iv, sizeof iv);
        }
        break;
    }
    case F_BOOL: {
        bool v;
        rc = gw__y_bool(d, n, f->path, &v, err);
        if (rc == GW_OK) {
            int iv = v ? 1 : 0;
            memcpy(dst, &iv, sizeof iv);
        }
        break;
    }
    case F_PREC: {
        const char *s;
        rc = gw__y_str(d, n, f->path, &s, err);
        if (rc != GW_OK)
            break;
        gw_precision prec;
        if (gw_precision_parse(s, &prec) != GW_OK) {
            static const char *const precs[] = {"fp64", "tf32", "bf16", "fp16",
                                                "fp8",  "fp6",  "fp4",  "int8"};
            gw__suggest sg;
            gw__suggest_init(&sg, s);
            for (size_t i = 0; i < sizeof precs / sizeof precs[0]; i++)
                gw__suggest_add(&sg, precs[i]);
            char hint[96];
            gw__err(err, GW_ESCHEMA,
                    "expected a precision (fp64, tf32, bf16, fp16, fp8, fp6, "
                    "fp4, int8), got \"%s\"%s",
                    s, gw__suggest_text(&sg, hint, sizeof hint));
            gw__y_loc(d, n, f->path, err);
            return GW_ESCHEMA;
        }
        memcpy(dst, &prec, sizeof prec);
        break;
    }
    }
    return rc;
}

/* Checks an ISO date "YYYY-MM-DD"; returns days-ish ordinal for ordering. */
static bool parse_date(const char *s, long *ord)
{
    int y, m, d;
    char extra;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3)
        return false;
    if (s[4] != '-' || s[7] != '-' || y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    *ord = (long)y * 400L + (long)m * 32L + (long)d;
    return true;
}

static gw_status bind_phases(scenario_priv *p, gw__ynode *seq, gw_error *err)
{
    const gw__ydoc *d = p->doc;
    gw_status rc = gw__y_expect(d, seq, GW_Y_SEQ, "site.phases", err);
    if (rc != GW_OK)
        return rc;
    if (seq->n > GW_SCENARIO_MAX_PHASES) {
        gw__err(err, GW_ERANGE, "at most %d phases are supported, got %zu", GW_SCENARIO_MAX_PHASES,
                seq->n);
        gw__y_loc(d, seq, "site.phases", err);
        return GW_ERANGE;
    }
    long prev = -1;
    for (size_t i = 0; i < seq->n; i++) {
        gw__ynode *ph = seq->vals[i];
        char w[96], wk[128];
        gw__snprintf(w, sizeof w, "site.phases[%zu]", i);
        rc = gw__y_check_keys(d, ph, phase_keys, w, err);
        if (rc != GW_OK)
            return rc;
        gw_phase *out = &p->pub.site.phases[i];
        p->phase_nodes[i] = ph;
        gw__ynode *n;
        out->name = "";
        if ((n = gw__ymap_get(ph, "name")) != NULL) {
            gw__snprintf(wk, sizeof wk, "%s.name", w);
            if ((rc = gw__y_str(d, n, wk, &out->name, err)) != GW_OK)
                return rc;
        }
        gw__snprintf(wk, sizeof wk, "%s.date", w);
        if ((rc = gw__y_require(d, ph, "date", w, &n, err)) != GW_OK)
            return rc;
        if ((rc = gw__y_str(d, n, wk, &out->date, err)) != GW_OK)
            return rc;
        long ord;
        if (!parse_date(out->date, &ord)) {
            gw__err(err, GW_ESCHEMA, "expected a date YYYY-MM-DD, got \"%s\"", out->date);
            gw__y_loc(d, n, wk, err);
            return GW_ESCHEMA;
        }
        if (ord < prev) {
            gw__err(err, GW_ERANGE,
                    "phase dates must not go backwards: \"%s\" is before the "
                    "previous phase",
                    out->date);
            gw__y_loc(d, n, wk, err);
            return GW_ERANGE;
        }
        prev = ord;
        gw__snprintf(wk, sizeof wk, "%s.accelerator", w);
        if ((rc = gw__y_require(d, ph, "accelerator", w, &n, err)) != GW_OK)
            return rc;
        if ((rc = gw__y_str(d, n, wk, &out->accelerator, err)) != GW_OK)
            return rc;
        gw__ynode *g = gw__ymap_get(ph, "gpus"), *pw = gw__ymap_get(ph, "power");
        if (!g && !pw) {
            gw__err(err, GW_ESCHEMA, "a phase needs \"gpus\" or \"power\"");
            gw__y_loc(d, ph, w, err);
            return GW_ESCHEMA;
        }
        if (g) {
            gw__snprintf(wk, sizeof wk, "%s.gpus", w);
            if ((rc = gw__y_count(d, g, wk, 1, 1e8, &out->gpus, err)) != GW_OK)
                return rc;
        }
        if (pw) {
            gw__snprintf(wk, sizeof wk, "%s.power", w);
            if ((rc = gw__y_num(d, pw, wk, GW_DIM_POWER, 1, 1e13, &out->power_w, err)) != GW_OK)
                return rc;
        }
    }
    p->pub.site.n_phases = seq->n;
    return GW_OK;
}

static const char *const failure_keys[] = {"tier", "index", NULL};

/* network.failures: a list of {tier: leaf|spine|core|super-core, index: N}.
 * Whether the index names a switch of the fabric is checked by the net
 * module (gw_net_topo_build), which points back here with
 * gw__scenario_locate("network.failures[i].index"). */
static gw_status bind_failures(scenario_priv *p, gw__ynode *seq, gw_error *err)
{
    const gw__ydoc *d = p->doc;
    gw_status rc = gw__y_expect(d, seq, GW_Y_SEQ, "network.failures", err);
    if (rc != GW_OK)
        return rc;
    if (seq->n > GW_SCENARIO_MAX_FAILURES) {
        gw__err(err, GW_ERANGE, "at most %d named failures are supported, got %zu",
                GW_SCENARIO_MAX_FAILURES, seq->n);
        gw__y_loc(d, seq, "network.failures", err);
        return GW_ERANGE;
    }
    for (size_t i = 0; i < seq->n; i++) {
        gw__ynode *it = seq->vals[i], *n;
        char w[96], wk[128];
        gw__snprintf(w, sizeof w, "network.failures[%zu]", i);
        if ((rc = gw__y_check_keys(d, it, failure_keys, w, err)) != GW_OK)
            return rc;
        gw__snprintf(wk, sizeof wk, "%s.tier", w);
        if ((rc = gw__y_require(d, it, "tier", w, &n, err)) != GW_OK)
            return rc;
        const char *tier;
        if ((rc = gw__y_str(d, n, wk, &tier, err)) != GW_OK)
            return rc;
        if (strcmp(tier, "leaf") != 0 && strcmp(tier, "spine") != 0 && strcmp(tier, "core") != 0 &&
            strcmp(tier, "super-core") != 0) {
            gw__err(err, GW_ESCHEMA,
                    "expected a switch tier: leaf, spine, core or super-core, got \"%s\"", tier);
            gw__y_loc(d, n, wk, err);
            return GW_ESCHEMA;
        }
        gw__snprintf(wk, sizeof wk, "%s.index", w);
        if ((rc = gw__y_require(d, it, "index", w, &n, err)) != GW_OK)
            return rc;
        long long idx;
        if ((rc = gw__y_int(d, n, wk, 0, 1000000000LL, &idx, err)) != GW_OK)
            return rc;
        p->pub.network.failures[i].tier = tier;
        p->pub.network.failures[i].index = (double)idx;
        p->failure_nodes[i] = n;
    }
    p->pub.network.n_failures = seq->n;
    return GW_OK;
}

static gw_status bind_all(scenario_priv *p, gw_error *err)
{
    const gw__ydoc *d = p->doc;
    gw__ynode *root = d->root;
    if (!root) {
        gw__err(err, GW_ESCHEMA,
                "empty scenario: expected a mapping with site, cluster and "
                "workload sections");
        gw__err_loc(err, d->path, 1, 1, NULL);
        return GW_ESCHEMA;
    }
    gw_status rc = gw__y_check_keys(d, root, sections, "", err);
    if (rc != GW_OK)
        return rc;
    gw__ynode *sv = gw__ymap_get(root, "schema_version");
    if (sv) {
        long long v;
        if ((rc = gw__y_int(d, sv, "schema_version", 1, 1, &v, err)) != GW_OK)
            return rc;
    }
    /* Section mappings: check their keys against the field table. */
    for (const char *const *s = sections + 3; *s; s++) {
        gw__ynode *sec = gw__ymap_get(root, *s);
        if (!sec)
            continue;
        if (sec->kind == GW_Y_SCALAR && sec->scalar[0] == '\0' && !sec->quoted)
            continue; /* "economics:" with nothing under it */
        const char *allowed[32];
        size_t n_allowed = 0;
        size_t plen = strlen(*s);
        for (size_t i = 0; i < N_FIELDS && n_allowed < 30; i++) {
            if (strncmp(fields[i].path, *s, plen) == 0 && fields[i].path[plen] == '.')
                allowed[n_allowed++] = fields[i].path + plen + 1;
        }
        if (strcmp(*s, "site") == 0)
            allowed[n_allowed++] = "phases";
        if (strcmp(*s, "network") == 0)
            allowed[n_allowed++] = "failures";
        allowed[n_allowed] = NULL;
        if ((rc = gw__y_check_keys(d, sec, allowed, *s, err)) != GW_OK)
            return rc;
    }
    for (size_t i = 0; i < N_FIELDS; i++) {
        const char *path = fields[i].path;
        const char *dot = strchr(path, '.');
        gw__ynode *n;
        if (dot) {
            char sec[32];
            gw__strlcpy(sec, path,
                        (size_t)(dot - path) + 1 < sizeof sec ? (size_t)(dot - path) + 1
                                                              : sizeof sec);
            n = gw__ymap_get(gw__ymap_get(root, sec), dot + 1);
        } else {
            n = gw__ymap_get(root, path);
        }
        if (!n)
            continue;
        p->nodes[i] = n;
        if ((rc = bind_field(p, &fields[i], n, err)) != GW_OK)
            return rc;
    }
    gw__ynode *phases = gw__ymap_get(gw__ymap_get(root, "site"), "phases");
    if (phases && (rc = bind_phases(p, phases, err)) != GW_OK)
        return rc;
    gw__ynode *fails = gw__ymap_get(gw__ymap_get(root, "network"), "failures");
    if (fails && (rc = bind_failures(p, fails, err)) != GW_OK)
        return rc;
    return GW_OK;
}

/* ---- Overrides (--set key.path=value) ------------------------------------ */

static gw_status apply_override(scenario_priv *p, const char *text, gw_error *err)
{
    gw__ydoc *d = p->doc;
    const char *eq = text ? strchr(text, '=') : NULL;
    if (!eq || eq == text) {
        gw__err(err, GW_EUSAGE, "expected key.path=value, got \"%s\"", text ? text : "");
        gw__strlcpy(err ? err->where : NULL, "--set", err ? sizeof err->where : 0);
        return GW_EUSAGE;
    }
    char key[128];
    size_t klen = (size_t)(eq - text);
    if (klen >= sizeof key) {
        gw__err(err, GW_EUSAGE, "key too long in \"%s\"", text);
        gw__strlcpy(err ? err->where : NULL, "--set", err ? sizeof err->where : 0);
        return GW_EUSAGE;
    }
    memcpy(key, text, klen);
    key[klen] = '\0';
    const field *f = NULL;
    for (size_t i = 0; i < N_FIELDS; i++) {
        if (strcmp(fields[i].path, key) == 0)
            f = &fields[i];
    }
    if (!f) {
        char w[160];
        gw__snprintf(w, sizeof w, "--set %s", key);
        for (const char *const *sec = sections + 3; *sec; sec++) {
            if (strcmp(*sec, key) != 0)
                continue;
            const char *first = "";
            for (size_t i = 0; i < N_FIELDS && !first[0]; i++)
                if (strncmp(fields[i].path, key, klen) == 0 && fields[i].path[klen] == '.')
                    first = fields[i].path;
            gw__err(err, GW_ESCHEMA, "\"%s\" is a section: set one of its keys, such as \"%s\"",
                    key, first);
            gw__strlcpy(err ? err->where : NULL, w, err ? sizeof err->where : 0);
            return GW_ESCHEMA;
        }
        gw__suggest sg;
        gw__suggest_init(&sg, key);
        for (size_t i = 0; i < N_FIELDS; i++)
            gw__suggest_add(&sg, fields[i].path);
        char hint[160];
        gw__err(err, GW_ESCHEMA, "unknown scenario key%s (see docs/SCENARIO.md for the keys)",
                gw__suggest_text(&sg, hint, sizeof hint));
        gw__strlcpy(err ? err->where : NULL, w, err ? sizeof err->where : 0);
        return GW_ESCHEMA;
    }
    gw__ynode *val = gw__arena_alloc(d->arena, sizeof *val);
    if (!val)
        return gw__err(err, GW_ENOMEM, "out of memory applying --set");
    val->kind = GW_Y_SCALAR;
    val->line = -1; /* marks an override: errors point at --set */
    val->column = -1;
    val->scalar = gw__arena_strdup(d->arena, eq + 1);
    if (!val->scalar)
        return gw__err(err, GW_ENOMEM, "out of memory applying --set");
    /* Walk/create the mapping path. */
    if (!d->root) {
        d->root = gw__arena_alloc(d->arena, sizeof *d->root);
        if (!d->root)
            return gw__err(err, GW_ENOMEM, "out of memory applying --set");
        d->root->kind = GW_Y_MAP;
    }
    if (d->root->kind != GW_Y_MAP)
        return GW_OK; /* the file's root is wrong: bind_all reports it, located */
    gw__ynode *map = d->root;
    char *part = key;
    for (;;) {
        char *dot = strchr(part, '.');
        if (dot)
            *dot = '\0';
        gw__ynode *child = gw__ymap_get(map, part);
        if (!dot) {
            if (child && child->kind != GW_Y_SCALAR) {
                gw__err(err, GW_ESCHEMA, "cannot replace a %s with a value",
                        child->kind == GW_Y_MAP ? "section" : "list");
                gw__strlcpy(err ? err->where : NULL, "--set", err ? sizeof err->where : 0);
                return GW_ESCHEMA;
            }
            if (child) {
                for (size_t i = 0; i < map->n; i++)
                    if (map->vals[i] == child)
                        map->vals[i] = val;
                return GW_OK;
            }
            child = val;
        } else if (!child || child->kind != GW_Y_MAP) {
            if (child && !(child->kind == GW_Y_SCALAR && child->scalar[0] == '\0')) {
                gw__err(err, GW_ESCHEMA, "\"%s\" is not a section", part);
                gw__strlcpy(err ? err->where : NULL, "--set", err ? sizeof err->where : 0);
                return GW_ESCHEMA;
            }
            gw__ynode *m = gw__arena_alloc(d->arena, sizeof *m);
            if (!m)
                return gw__err(err, GW_ENOMEM, "out of memory applying --set");
            m->kind = GW_Y_MAP;
            m->line = -1;
            m->column = -1;
            if (child) { /* replace the empty scalar */
                for (size_t i = 0; i < map->n; i++)
                    if (map->vals[i] == child)
                        map->vals[i] = m;
                map = m;
                part = dot + 1;
                continue;
            }
            child = m;
        } else {
            map = child;
            part = dot + 1;
            continue;
        }
        /* append (part, child) to map */
        if (map->n == map->cap) {
            size_t cap = map->cap ? map->cap * 2 : 8;
            gw__ynode **k = gw__arena_alloc(d->arena, cap * sizeof *k);
            gw__ynode **v = gw__arena_alloc(d->arena, cap * sizeof *v);
            if (!k || !v)
                return gw__err(err, GW_ENOMEM, "out of memory applying --set");
            if (map->n) {
                memcpy(k, map->keys, map->n * sizeof *k);
                memcpy(v, map->vals, map->n * sizeof *v);
            }
            map->keys = k;
            map->vals = v;
            map->cap = cap;
        }
        gw__ynode *kn = gw__arena_alloc(d->arena, sizeof *kn);
        if (!kn)
            return gw__err(err, GW_ENOMEM, "out of memory applying --set");
        kn->kind = GW_Y_SCALAR;
        kn->line = -1;
        kn->column = -1;
        kn->scalar = gw__arena_strdup(d->arena, part);
        if (!kn->scalar)
            return gw__err(err, GW_ENOMEM, "out of memory applying --set");
        map->keys[map->n] = kn;
        map->vals[map->n] = child;
        map->n++;
        if (!dot)
            return GW_OK;
        map = child;
        part = dot + 1;
    }
}

/* ---- Public API ---------------------------------------------------------- */

gw_status gw_scenario_load_buffer(gw_ctx *ctx, const char *buf, size_t len, const char *path,
                                  const char *const *overrides, size_t n_overrides,
                                  gw_scenario **out, gw_error *err)
{
    gw__err_clear(err); /* a reused record must not keep an old location */
    if (!ctx || !out || (!buf && len) || (n_overrides && !overrides))
        return gw__err(err, GW_EINVAL, "gw_scenario_load_buffer: bad argument");
    *out = NULL;
    scenario_priv *p = gw_calloc(ctx, 1, sizeof *p);
    if (!p)
        return gw__err(err, GW_ENOMEM, "out of memory loading a scenario");
    p->ctx = ctx;
    gw_status rc = gw__ydoc_parse(ctx, buf, len, path ? path : "", &p->doc, err);
    if (rc != GW_OK)
        goto fail;
    set_defaults(&p->pub);
    p->pub.path = p->doc->path;
    for (size_t i = 0; i < n_overrides; i++) {
        if ((rc = apply_override(p, overrides[i], err)) != GW_OK)
            goto fail;
    }
    if ((rc = bind_all(p, err)) != GW_OK)
        goto fail;
    *out = &p->pub;
    return GW_OK;
fail:
    gw_scenario_free(&p->pub);
    return rc;
}

gw_status gw_scenario_load(gw_ctx *ctx, const char *path, const char *const *overrides,
                           size_t n_overrides, gw_scenario **out, gw_error *err)
{
    gw__err_clear(err); /* a reused record must not keep an old location */
    if (!path) {
        const char *y = gw_scenario_default_yaml();
        gw_status rc = gw_scenario_load_buffer(ctx, y, strlen(y), "(built-in default)", overrides,
                                               n_overrides, out, err);
        return rc;
    }
    char *buf = NULL;
    size_t len = 0;
    gw_status rc = gw__file_read(ctx, path, GW_YAML_MAX_BYTES, &buf, &len, err);
    if (rc != GW_OK)
        return rc;
    rc = gw_scenario_load_buffer(ctx, buf, len, path, overrides, n_overrides, out, err);
    gw_free(ctx, buf);
    return rc;
}

void gw_scenario_free(gw_scenario *sc)
{
    if (!sc)
        return;
    scenario_priv *p = (scenario_priv *)sc;
    if (p->attached && p->attached_free)
        p->attached_free(p->ctx, p->attached);
    gw__ydoc_free(p->doc);
    gw_free(p->ctx, p);
}

const char *gw_scenario_default_yaml(void)
{
    for (size_t i = 0; i < gw__n_embedded_files; i++) {
        if (strcmp(gw__embedded_files[i].path, "scenarios/default.yaml") == 0)
            return (const char *)gw__embedded_files[i].data;
    }
    return "";
}

static gw__ynode *field_node(scenario_priv *p, const char *path)
{
    for (size_t i = 0; i < N_FIELDS; i++)
        if (strcmp(fields[i].path, path) == 0)
            return p->nodes[i];
    return NULL;
}

/* ---- Hooks for the layers above (src/catalog/resolve.c) ------------------ */

void gw__scenario_locate(const gw_scenario *sc, const char *path, gw_error *err)
{
    scenario_priv *p = (scenario_priv *)(uintptr_t)sc;
    gw__ynode *n = field_node(p, path);
    size_t fi;
    if (!n && sscanf(path, "network.failures[%zu]", &fi) == 1 && fi < GW_SCENARIO_MAX_FAILURES)
        n = p->failure_nodes[fi];
    if (n)
        gw__y_loc(p->doc, n, path, err);
    else if (err) {
        gw__strlcpy(err->path, p->doc->path, sizeof err->path);
        gw__strlcpy(err->where, path, sizeof err->where);
    }
}

bool gw__scenario_from_set(const gw_scenario *sc, const char *path)
{
    scenario_priv *p = (scenario_priv *)(uintptr_t)sc;
    gw__ynode *n = field_node(p, path);
    return n && n->line < 0;
}

gw_status gw__scenario_set_str(gw_scenario *sc, const char *path, const char *value)
{
    scenario_priv *p = (scenario_priv *)sc;
    for (size_t i = 0; i < N_FIELDS; i++) {
        if (strcmp(fields[i].path, path) != 0 || fields[i].type != F_STR)
            continue;
        const char *copy = gw__arena_strdup(p->doc->arena, value);
        if (!copy)
            return GW_ENOMEM;
        memcpy((unsigned char *)&p->pub + fields[i].offset, &copy, sizeof copy);
        return GW_OK;
    }
    return GW_EINVAL;
}

void *gw__scenario_attached(const gw_scenario *sc)
{
    return ((const scenario_priv *)sc)->attached;
}

gw_ctx *gw__scenario_ctx(const gw_scenario *sc)
{
    return ((const scenario_priv *)sc)->ctx;
}

void gw__scenario_attach(gw_scenario *sc, void *obj, void (*free_fn)(gw_ctx *ctx, void *obj))
{
    scenario_priv *p = (scenario_priv *)sc;
    if (p->attached && p->attached_free)
        p->attached_free(p->ctx, p->attached);
    p->attached = obj;
    p->attached_free = free_fn;
}
