/* SPDX-License-Identifier: MIT */
/*
 * params.c: loads the serving-model parameters from data/infer.yaml (every
 * value with a unit and a source; fitted values name what they were fitted
 * to) and the option defaults of the infer module.
 */
#include "infer_internal.h"

#include "core/core_internal.h"

#include <stddef.h>
#include <string.h>

void gw_infer_opts_init(gw_infer_opts *o)
{
    memset(o, 0, sizeof *o);
    o->n_gpus = 8;
    o->input_len = 1024;
    o->output_len = 1024;
    o->tp = o->ep = GW_INFER_ANY;
    o->precision = GW_INFER_ANY;
    o->kv_precision = GW_PREC_BF16;
    o->pp = GW_INFER_ANY;
}

const char *gw_infer_reject_name(gw_infer_reject r)
{
    switch (r) {
    case GW_INFER_OK:
        return "ok";
    case GW_INFER_REJECT_MEMORY:
        return "memory";
    case GW_INFER_REJECT_TTFT:
        return "ttft";
    case GW_INFER_REJECT_TPOT:
        return "tpot";
    case GW_INFER_REJECT_LAYOUT:
        return "layout";
    default:
        return "?";
    }
}

double gw__infer_prec_bytes(const gw_train_params *tp, gw_precision p)
{
    switch (p) {
    case GW_PREC_FP4:
        return tp != NULL && tp->fp4_bytes_per_elem > 0 ? tp->fp4_bytes_per_elem : 0.5625;
    case GW_PREC_FP8:
    case GW_PREC_INT8:
        return 1.0;
    case GW_PREC_FP6:
        return 0.75;
    case GW_PREC_FP64:
        return 8.0;
    case GW_PREC_TF32:
        return 4.0;
    default:
        return 2.0;
    }
}

const char *const gw__infer_fit_names[GW__INFER_N_FIT] = {"prefill_gemm_eff", "attn_eff"};

double *gw__infer_fit_slot(gw_infer_params *p, int i)
{
    return i == 0 ? &p->prefill_gemm_eff : &p->attn_eff;
}

/* ---- data/infer.yaml ---------------------------------------------------- */

typedef struct pdef {
    const char *key;
    gw_dim dim;
    double min, max;
    size_t off;
} pdef;

#define P_(k, d, lo, hi, field)                        \
    {                                                  \
        k, d, lo, hi, offsetof(gw_infer_params, field) \
    }

static const pdef defs[] = {
    P_("prefill_gemm_eff", GW_DIM_FRACTION, 0.05, 1.0, prefill_gemm_eff),
    P_("decode_gemm_eff", GW_DIM_FRACTION, 0.05, 1.0, decode_gemm_eff),
    P_("attn_eff", GW_DIM_FRACTION, 0.05, 1.0, attn_eff),
    P_("decode_mem_eff", GW_DIM_FRACTION, 0.05, 1.0, decode_mem_eff),
    P_("step_overhead", GW_DIM_TIME, 0.0, 1.0, step_overhead_s),
    P_("kernel_floor", GW_DIM_TIME, 1e-7, 1e-3, kernel_floor_s),
    P_("kernels_per_layer", GW_DIM_NONE, 1.0, 1000.0, kernels_per_layer),
    P_("mem_util", GW_DIM_FRACTION, 0.1, 1.0, mem_util),
    P_("runtime_reserve", GW_DIM_BYTES, 0.0, 1e12, runtime_reserve_bytes),
    P_("kv_waste", GW_DIM_FRACTION, 0.0, 0.9, kv_waste),
    P_("chunk_tokens", GW_DIM_TOKENS, 16.0, 1e7, chunk_tokens),
    P_("max_batch", GW_DIM_NONE, 1.0, 1e6, max_batch),
    P_("scaleup_latency", GW_DIM_TIME, 0.0, 1e-3, scaleup_latency_s),
    P_("moe_imbalance", GW_DIM_NONE, 1.0, 8.0, moe_imbalance),
    P_("act_bytes", GW_DIM_BYTES, 0.5, 8.0, act_bytes),
    P_("disagg_max_load", GW_DIM_FRACTION, 0.5, 0.999, disagg_max_load),
    P_("expert_grouped", GW_DIM_NONE, 0.0, 1.0, expert_grouped),
};

static gw_status read_value(const gw__ydoc *d, const gw__ynode *entry, const char *where,
                            const pdef *def, double *out, gw_error *err)
{
    static const char *const keys[] = {"value", "source", "fitted_to", "confidence", "note", NULL};
    gw__ynode *v = NULL, *src = NULL;
    gw_status rc = gw__y_expect(d, entry, GW_Y_MAP, where, err);
    if (rc == GW_OK)
        rc = gw__y_check_keys(d, entry, keys, where, err);
    if (rc == GW_OK)
        rc = gw__y_require(d, entry, "source", where, &src, err);
    if (rc == GW_OK)
        rc = gw__y_require(d, entry, "value", where, &v, err);
    if (rc == GW_OK)
        rc = gw__y_num(d, v, where, def->dim, def->min, def->max, out, err);
    return rc;
}

gw_status gw_infer_params_load(gw_ctx *ctx, const char *data_dir, gw_infer_params *out,
                               gw_error *err)
{
    static const char *const top[] = {"schema_version", "params", NULL};
    char *buf = NULL;
    size_t len = 0;
    char shown[512], where[96];
    gw__ydoc *d = NULL;
    gw__ynode *params = NULL, *ver = NULL;
    gw_infer_params p;
    long long v = 0;

    if (ctx == NULL || out == NULL)
        return gw__err(err, GW_EINVAL, "gw_infer_params_load: NULL argument");
    memset(&p, 0, sizeof p);
    gw_status rc = gw__data_read(ctx, data_dir, "infer.yaml", &buf, &len, shown, err);
    if (rc != GW_OK)
        return rc;
    rc = gw__ydoc_parse(ctx, buf, len, shown, &d, err);
    if (rc == GW_OK)
        rc = gw__y_expect(d, d->root, GW_Y_MAP, "infer.yaml", err);
    if (rc == GW_OK)
        rc = gw__y_check_keys(d, d->root, top, "", err);
    if (rc == GW_OK)
        rc = gw__y_require(d, d->root, "schema_version", "schema_version", &ver, err);
    if (rc == GW_OK)
        rc = gw__y_int(d, ver, "schema_version", 1, 1, &v, err);
    if (rc == GW_OK)
        rc = gw__y_require(d, d->root, "params", "params", &params, err);
    if (rc == GW_OK)
        rc = gw__y_expect(d, params, GW_Y_MAP, "params", err);
    for (size_t i = 0; rc == GW_OK && i < params->n; i++) {
        const char *key = params->keys[i]->scalar;
        const pdef *def = NULL;
        for (size_t j = 0; j < sizeof defs / sizeof defs[0]; j++) {
            if (strcmp(defs[j].key, key) == 0)
                def = &defs[j];
        }
        gw__snprintf(where, sizeof where, "params.%s", key);
        if (def == NULL) {
            rc = gw__err(err, GW_ESCHEMA, "unknown parameter \"%s\"", key);
            gw__y_loc(d, params->keys[i], where, err);
            break;
        }
        double x = 0.0;
        rc = read_value(d, params->vals[i], where, def, &x, err);
        if (rc == GW_OK)
            memcpy((char *)&p + def->off, &x, sizeof x);
    }
    for (size_t j = 0; rc == GW_OK && j < sizeof defs / sizeof defs[0]; j++) {
        if (gw__ymap_get(params, defs[j].key) == NULL) {
            rc = gw__err(err, GW_ESCHEMA, "missing parameter \"%s\"", defs[j].key);
            gw__y_loc(d, params, "params", err);
        }
    }
    if (rc == GW_OK)
        *out = p;
    gw__ydoc_free(d);
    gw_free(ctx, buf);
    return rc;
}
