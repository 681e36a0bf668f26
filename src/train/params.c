/* SPDX-License-Identifier: MIT */
/*
 * params.c: loads the step-model parameters from data/train.yaml (every
 * value with a unit and a source, fitted values with the data set they were
 * fitted to), option defaults and enum names of the train module.
 */
#include "train_internal.h"

#include "core/core_internal.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

/* ---- Names ------------------------------------------------------------- */

const char *gw_train_recompute_name(gw_train_recompute r)
{
    switch (r) {
    case GW_TRAIN_RECOMPUTE_NONE:
        return "none";
    case GW_TRAIN_RECOMPUTE_SELECTIVE:
        return "selective";
    case GW_TRAIN_RECOMPUTE_FULL:
        return "full";
    default:
        return "?";
    }
}

gw_status gw_train_recompute_parse(const char *text, gw_train_recompute *out)
{
    static const gw_train_recompute all[] = {GW_TRAIN_RECOMPUTE_NONE, GW_TRAIN_RECOMPUTE_SELECTIVE,
                                             GW_TRAIN_RECOMPUTE_FULL};
    if (text == NULL)
        return GW_EPARSE;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (gw__streq_nocase(text, gw_train_recompute_name(all[i]))) {
            *out = all[i];
            return GW_OK;
        }
    }
    return GW_EPARSE;
}

const char *gw_train_fp8_recipe_name(gw_train_fp8_recipe r)
{
    switch (r) {
    case GW_TRAIN_FP8_TENSOR:
        return "tensor";
    case GW_TRAIN_FP8_BLOCK:
        return "block";
    default:
        return "?";
    }
}

gw_status gw_train_fp8_recipe_parse(const char *text, gw_train_fp8_recipe *out)
{
    if (text == NULL)
        return GW_EPARSE;
    if (gw__streq_nocase(text, "tensor")) {
        *out = GW_TRAIN_FP8_TENSOR;
        return GW_OK;
    }
    if (gw__streq_nocase(text, "block")) {
        *out = GW_TRAIN_FP8_BLOCK;
        return GW_OK;
    }
    return GW_EPARSE;
}

const char *gw_train_dp_sync_name(gw_train_dp_sync s)
{
    switch (s) {
    case GW_TRAIN_DP_SYNC_OVERLAP:
        return "overlap";
    case GW_TRAIN_DP_SYNC_AFTER:
        return "after";
    case GW_TRAIN_DP_SYNC_AFTER_ALLREDUCE:
        return "after-allreduce";
    default:
        return "?";
    }
}

gw_status gw_train_dp_sync_parse(const char *text, gw_train_dp_sync *out)
{
    static const gw_train_dp_sync all[] = {GW_TRAIN_DP_SYNC_OVERLAP, GW_TRAIN_DP_SYNC_AFTER,
                                           GW_TRAIN_DP_SYNC_AFTER_ALLREDUCE};
    if (text == NULL)
        return GW_EPARSE;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (gw__streq_nocase(text, gw_train_dp_sync_name(all[i]))) {
            *out = all[i];
            return GW_OK;
        }
    }
    return GW_EPARSE;
}

const char *gw_train_cp_comm_name(gw_train_cp_comm c)
{
    switch (c) {
    case GW_TRAIN_CP_RING:
        return "ring";
    case GW_TRAIN_CP_ALLGATHER:
        return "allgather";
    case GW_TRAIN_CP_A2A:
        return "a2a";
    default:
        return "?";
    }
}

gw_status gw_train_cp_comm_parse(const char *text, gw_train_cp_comm *out)
{
    static const gw_train_cp_comm all[] = {GW_TRAIN_CP_RING, GW_TRAIN_CP_ALLGATHER,
                                           GW_TRAIN_CP_A2A};
    if (text == NULL)
        return GW_EPARSE;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (gw__streq_nocase(text, gw_train_cp_comm_name(all[i]))) {
            *out = all[i];
            return GW_OK;
        }
    }
    return GW_EPARSE;
}

void gw_train_opts_init(gw_train_opts *o)
{
    memset(o, 0, sizeof *o);
    o->seq_len = 8192;
    o->global_batch_tokens = 16.0 * 1024 * 1024;
    o->tp = o->pp = o->vpp = o->dp = o->cp = o->ep = o->etp = o->micro_batch = GW_TRAIN_ANY;
    o->recompute = GW_TRAIN_ANY;
    o->zero = GW_TRAIN_ANY;
    o->precision = GW_PREC_BF16;
    o->top_k = 5;
    o->max_micro_batch = 8;
    o->max_vpp = 8;
    o->pp_first = o->pp_last = GW_TRAIN_ANY;
    o->batch_slack = 0.0;
    o->max_idle_frac = 0.0;
    o->flash_attention = true;
    o->tp_comm_overlap = true;
    o->seq_parallel = true;
    o->moe_dedup_dispatch = true;
    o->moe_a2a_overlap = true;
}

/* ---- data/train.yaml --------------------------------------------------- */

typedef struct pdef {
    const char *key;
    gw_dim dim;
    double min, max;
    size_t off;
} pdef;

#define P_(k, d, lo, hi, field)                        \
    {                                                  \
        k, d, lo, hi, offsetof(gw_train_params, field) \
    }

static const pdef defs[] = {
    P_("gemm_eff_max_bf16", GW_DIM_FRACTION, 0.05, 1.0, gemm_eff_max[GW_PREC_BF16]),
    P_("gemm_eff_max_fp8", GW_DIM_FRACTION, 0.05, 1.0, gemm_eff_max[GW_PREC_FP8]),
    P_("gemm_eff_max_fp4", GW_DIM_FRACTION, 0.05, 1.0, gemm_eff_max[GW_PREC_FP4]),
    P_("gemm_half_flop", GW_DIM_FLOP, 0.0, 1e15, gemm_half_flop),
    P_("attn_eff", GW_DIM_FRACTION, 0.05, 1.0, attn_eff),
    P_("mem_eff", GW_DIM_FRACTION, 0.05, 1.0, mem_eff),
    P_("elementwise_bytes_per_elem", GW_DIM_BYTES, 0.0, 64.0, elementwise_bytes_per_elem),
    P_("fp8_cast_bytes_per_elem", GW_DIM_BYTES, 0.0, 64.0, fp8_cast_bytes_per_elem),
    P_("fp4_bytes_per_elem", GW_DIM_BYTES, 0.25, 2.0, fp4_bytes_per_elem),
    P_("fp8_block_bytes_per_elem", GW_DIM_BYTES, 1.0, 2.0, fp8_block_bytes_per_elem),
    P_("scaleup_bw_eff", GW_DIM_FRACTION, 0.05, 1.0, scaleup_bw_eff),
    P_("scaleout_bw_eff", GW_DIM_FRACTION, 0.05, 1.0, scaleout_bw_eff),
    P_("scaleup_latency", GW_DIM_TIME, 0.0, 1e-3, scaleup_latency_s),
    P_("scaleout_latency", GW_DIM_TIME, 0.0, 1e-3, scaleout_latency_s),
    P_("default_nic_per_gpu", GW_DIM_BANDWIDTH, 1e6, 1e13, default_nic_Bps),
    P_("tp_overlap", GW_DIM_FRACTION, 0.0, 1.0, tp_overlap),
    P_("dp_overlap", GW_DIM_FRACTION, 0.0, 1.0, dp_overlap),
    P_("cp_overlap", GW_DIM_FRACTION, 0.0, 1.0, cp_overlap),
    P_("ep_overlap", GW_DIM_FRACTION, 0.0, 1.0, ep_overlap),
    P_("overlap_slowdown", GW_DIM_FRACTION, 0.0, 1.0, overlap_slowdown),
    P_("grad_reduce_bytes_per_param", GW_DIM_BYTES, 1.0, 8.0, grad_bytes_per_param),
    P_("moe_imbalance", GW_DIM_NONE, 1.0, 8.0, moe_imbalance),
    P_("grouped_gemm_eff", GW_DIM_FRACTION, 0.05, 1.0, grouped_gemm_eff),
    P_("grouped_gemm_eff_fp8", GW_DIM_FRACTION, 0.05, 1.0, grouped_gemm_eff_fp8),
    P_("host_op_time", GW_DIM_TIME, 0.0, 1e-3, host_op_time),
    P_("expert_host_ops_bf16", GW_DIM_NONE, 0.0, 1000.0, expert_host_ops[GW_PREC_BF16]),
    P_("expert_host_ops_fp8", GW_DIM_NONE, 0.0, 1000.0, expert_host_ops[GW_PREC_FP8]),
    P_("expert_host_ops_fp8_block", GW_DIM_NONE, 0.0, 1000.0, expert_host_ops_block),
    P_("optimizer_bytes_per_param", GW_DIM_BYTES, 0.0, 64.0, optimizer_bytes_per_param),
    P_("weight_bytes_per_param", GW_DIM_BYTES, 0.5, 8.0, weight_bytes_per_param),
    P_("grad_acc_bytes_per_param", GW_DIM_BYTES, 0.0, 8.0, grad_acc_bytes_per_param),
    P_("mem_fragmentation", GW_DIM_FRACTION, 0.0, 1.0, mem_frag_frac),
    P_("mem_workspace", GW_DIM_BYTES, 0.0, 1e11, mem_workspace_bytes),
    P_("optimizer_bytes_moved_per_param", GW_DIM_BYTES, 0.0, 256.0,
       optimizer_bytes_moved_per_param),
    P_("step_overhead", GW_DIM_TIME, 0.0, 60.0, step_overhead_s),
    P_("legacy_score_bytes", GW_DIM_BYTES, 0.0, 64.0, legacy_score_bytes),
    P_("cp_min_tokens_per_rank", GW_DIM_TOKENS, 1.0, 1e9, cp_min_tokens),
    P_("critical_batch_coef", GW_DIM_NONE, 1e-6, 1e6, crit_batch_coef),
    P_("critical_batch_exp", GW_DIM_NONE, 0.0, 1.0, crit_batch_exp),
    P_("critical_batch_compute_min", GW_DIM_NONE, 1.0, 1e40, crit_batch_cmin),
    P_("critical_batch_compute_max", GW_DIM_NONE, 1.0, 1e40, crit_batch_cmax),
    P_("loose_dp_loss_exp", GW_DIM_NONE, -1.0, -1e-3, loose_dp_loss_exp),
    P_("loose_compute_params_exp", GW_DIM_NONE, 1.0, 3.0, loose_compute_params_exp),
    P_("nccl_ring_base_latency", GW_DIM_TIME, 0.0, 1e-3, nccl_ring_base_latency_s),
    P_("nccl_ring_nvlink_step_latency", GW_DIM_TIME, 0.0, 1e-3, nccl_ring_nvlink_step_s),
    P_("nccl_ring_net_step_latency", GW_DIM_TIME, 0.0, 1e-3, nccl_ring_net_step_s),
    P_("nccl_ring_allreduce_plateau", GW_DIM_NONE, 1.0, 10.0, nccl_ring_allreduce_plateau),
    P_("nccl_tree_nvlink_step_latency", GW_DIM_TIME, 0.0, 1e-3, nccl_tree_nvlink_step_s),
    P_("nccl_tree_net_step_latency", GW_DIM_TIME, 0.0, 1e-3, nccl_tree_net_step_s),
    P_("dp_bucket_params", GW_DIM_TOKENS, 1.0, 1e12, dp_bucket_params),
    P_("dp_bucket_params_per_rank", GW_DIM_TOKENS, 0.0, 1e12, dp_bucket_params_per_rank),
};

static gw_status read_value(const gw__ydoc *d, const gw__ynode *entry, const char *where,
                            gw_dim dim, double lo, double hi, double *out, gw_error *err)
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
        rc = gw__y_num(d, v, where, dim, lo, hi, out, err);
    return rc;
}

/* Checks entry i of a profile table (run_profiles, model_profiles): within
 * the table's capacity cap (n_have entries so far), a mapping of the known
 * keys with a source. Fills where with the entry's key path. */
static gw_status profile_entry(const gw__ydoc *d, const gw__ynode *map, size_t i,
                               const char *section, const char *what, const char *const *keys,
                               size_t n_have, size_t cap, char *where, size_t where_len,
                               gw_error *err)
{
    gw_status rc;
    gw__snprintf(where, where_len, "%s.%s", section, map->keys[i]->scalar);
    if (n_have >= cap) {
        rc = gw__err(err, GW_ERANGE, "too many %s (max %zu)", what, cap);
        gw__y_loc(d, map->keys[i], where, err);
        return rc;
    }
    rc = gw__y_expect(d, map->vals[i], GW_Y_MAP, where, err);
    if (rc == GW_OK)
        rc = gw__y_check_keys(d, map->vals[i], keys, where, err);
    gw__ynode *src = NULL;
    if (rc == GW_OK)
        rc = gw__y_require(d, map->vals[i], "source", where, &src, err);
    return rc;
}

/* The optional fp8_recipe key of a profile entry; absent: per-tensor. */
static gw_status read_fp8_recipe(const gw__ydoc *d, const gw__ynode *entry, const char *where,
                                 int *out, gw_error *err)
{
    gw_train_fp8_recipe fr = GW_TRAIN_FP8_TENSOR;
    const gw__ynode *n = gw__ymap_get(entry, "fp8_recipe");
    if (n != NULL &&
        (n->kind != GW_Y_SCALAR || gw_train_fp8_recipe_parse(n->scalar, &fr) != GW_OK)) {
        gw_status rc = gw__err(err, GW_ESCHEMA, "expected \"tensor\" or \"block\"");
        gw__y_loc(d, n, where, err);
        return rc;
    }
    *out = (int)fr;
    return GW_OK;
}

/* The optional dp_sync key of a run profile; absent: overlap. */
static gw_status read_dp_sync(const gw__ydoc *d, const gw__ynode *entry, const char *where,
                              int *out, gw_error *err)
{
    gw_train_dp_sync ds = GW_TRAIN_DP_SYNC_OVERLAP;
    const gw__ynode *n = gw__ymap_get(entry, "dp_sync");
    if (n != NULL && (n->kind != GW_Y_SCALAR || gw_train_dp_sync_parse(n->scalar, &ds) != GW_OK)) {
        gw_status rc =
            gw__err(err, GW_ESCHEMA, "expected \"overlap\", \"after\" or \"after-allreduce\"");
        gw__y_loc(d, n, where, err);
        return rc;
    }
    *out = (int)ds;
    return GW_OK;
}

static gw_status load_profiles(const gw__ydoc *d, const gw__ynode *map, gw_train_params *p,
                               gw_error *err)
{
    static const char *const keys[] = {"flash_attention",
                                       "tp_comm_overlap",
                                       "sequence_parallel",
                                       "grad_bytes_per_param",
                                       "zero",
                                       "max_vpp",
                                       "moe_imbalance",
                                       "cuda_graphs",
                                       "fp8_recipe",
                                       "moe_a2a_overlap",
                                       "dp_sync",
                                       "source",
                                       NULL};
    char where[160];
    gw_status rc;
    if (map == NULL)
        return GW_OK;
    rc = gw__y_expect(d, map, GW_Y_MAP, "run_profiles", err);
    if (rc != GW_OK)
        return rc;
    for (size_t i = 0; i < map->n; i++) {
        const gw__ynode *e = map->vals[i];
        rc = profile_entry(d, map, i, "run_profiles", "run profiles", keys, p->n_profiles,
                           sizeof p->profile / sizeof p->profile[0], where, sizeof where, err);
        if (rc != GW_OK)
            return rc;
        bool v[3] = {true, true, true};
        for (size_t k = 0; k < 3; k++) {
            gw__ynode *n = gw__ymap_get(e, keys[k]);
            if (n != NULL) {
                rc = gw__y_bool(d, n, where, &v[k], err);
                if (rc != GW_OK)
                    return rc;
            }
        }
        gw__strlcpy(p->profile[p->n_profiles].prefix, map->keys[i]->scalar,
                    sizeof p->profile[0].prefix);
        p->profile[p->n_profiles].flash_attention = v[0];
        p->profile[p->n_profiles].tp_comm_overlap = v[1];
        p->profile[p->n_profiles].seq_parallel = v[2];
        p->profile[p->n_profiles].grad_bytes_per_param = 0.0;
        p->profile[p->n_profiles].zero = -1;
        p->profile[p->n_profiles].max_vpp = 0;
        {
            long long z = -1, vm = 0;
            gw__ynode *zn = gw__ymap_get(e, "zero");
            if (zn != NULL && (rc = gw__y_int(d, zn, where, 0, 3, &z, err)) != GW_OK)
                return rc;
            gw__ynode *vn = gw__ymap_get(e, "max_vpp");
            if (vn != NULL && (rc = gw__y_int(d, vn, where, 1, 1024, &vm, err)) != GW_OK)
                return rc;
            p->profile[p->n_profiles].zero = (int)z;
            p->profile[p->n_profiles].max_vpp = (int)vm;
        }
        p->profile[p->n_profiles].moe_imbalance = 0.0;
        p->profile[p->n_profiles].cuda_graphs = false;
        rc = read_fp8_recipe(d, e, where, &p->profile[p->n_profiles].fp8_recipe, err);
        if (rc != GW_OK)
            return rc;
        gw__ynode *cgn = gw__ymap_get(e, "cuda_graphs");
        if (cgn != NULL) {
            rc = gw__y_bool(d, cgn, where, &p->profile[p->n_profiles].cuda_graphs, err);
            if (rc != GW_OK)
                return rc;
        }
        p->profile[p->n_profiles].moe_a2a_overlap = true;
        gw__ynode *aon = gw__ymap_get(e, "moe_a2a_overlap");
        if (aon != NULL) {
            rc = gw__y_bool(d, aon, where, &p->profile[p->n_profiles].moe_a2a_overlap, err);
            if (rc != GW_OK)
                return rc;
        }
        rc = read_dp_sync(d, e, where, &p->profile[p->n_profiles].dp_sync, err);
        if (rc != GW_OK)
            return rc;
        gw__ynode *imn = gw__ymap_get(e, "moe_imbalance");
        if (imn != NULL) {
            rc = gw__y_num(d, imn, where, GW_DIM_NONE, 1.0, 8.0,
                           &p->profile[p->n_profiles].moe_imbalance, err);
            if (rc != GW_OK)
                return rc;
        }
        gw__ynode *gbn = gw__ymap_get(e, "grad_bytes_per_param");
        if (gbn != NULL) {
            rc = gw__y_num(d, gbn, where, GW_DIM_BYTES, 1.0, 8.0,
                           &p->profile[p->n_profiles].grad_bytes_per_param, err);
            if (rc != GW_OK)
                return rc;
        }
        p->n_profiles++;
    }
    return GW_OK;
}

static gw_status load_model_profiles(const gw__ydoc *d, const gw__ynode *map, gw_train_params *p,
                                     gw_error *err)
{
    static const char *const keys[] = {
        "dualpipe", "fp8_dispatch", "moe_node_limit", "fp8_grouped_native", "fp8_recipe", "source",
        NULL};
    char where[160];
    gw_status rc;
    if (map == NULL)
        return GW_OK;
    rc = gw__y_expect(d, map, GW_Y_MAP, "model_profiles", err);
    if (rc != GW_OK)
        return rc;
    for (size_t i = 0; i < map->n; i++) {
        const gw__ynode *e = map->vals[i];
        rc = profile_entry(d, map, i, "model_profiles", "model profiles", keys, p->n_model_profiles,
                           sizeof p->model_profile / sizeof p->model_profile[0], where,
                           sizeof where, err);
        if (rc != GW_OK)
            return rc;
        bool dual = false, f8 = false, nat = false;
        long long lim = 0;
        gw__ynode *n = gw__ymap_get(e, "dualpipe");
        if (n != NULL && (rc = gw__y_bool(d, n, where, &dual, err)) != GW_OK)
            return rc;
        n = gw__ymap_get(e, "fp8_dispatch");
        if (n != NULL && (rc = gw__y_bool(d, n, where, &f8, err)) != GW_OK)
            return rc;
        n = gw__ymap_get(e, "fp8_grouped_native");
        if (n != NULL && (rc = gw__y_bool(d, n, where, &nat, err)) != GW_OK)
            return rc;
        n = gw__ymap_get(e, "moe_node_limit");
        if (n != NULL && (rc = gw__y_int(d, n, where, 0, 1024, &lim, err)) != GW_OK)
            return rc;
        gw__strlcpy(p->model_profile[p->n_model_profiles].model_type, map->keys[i]->scalar,
                    sizeof p->model_profile[0].model_type);
        p->model_profile[p->n_model_profiles].dualpipe = dual;
        p->model_profile[p->n_model_profiles].fp8_dispatch = f8;
        p->model_profile[p->n_model_profiles].fp8_grouped_native = nat;
        p->model_profile[p->n_model_profiles].moe_node_limit = (int)lim;
        rc = read_fp8_recipe(d, e, where, &p->model_profile[p->n_model_profiles].fp8_recipe, err);
        if (rc != GW_OK)
            return rc;
        p->n_model_profiles++;
    }
    return GW_OK;
}

static gw_status load_published(const gw__ydoc *d, const gw__ynode *map, gw_train_params *p,
                                gw_error *err)
{
    static const char *const keys[] = {"model",  "accelerator", "gpu_hours",
                                       "tokens", "source",      NULL};
    char where[160];
    gw_status rc;
    if (map == NULL)
        return GW_OK;
    rc = gw__y_expect(d, map, GW_Y_MAP, "published_runs", err);
    if (rc != GW_OK)
        return rc;
    for (size_t i = 0; i < map->n; i++) {
        const gw__ynode *e = map->vals[i];
        gw__ynode *n = NULL;
        const char *str = NULL;
        gw__snprintf(where, sizeof where, "published_runs.%s", map->keys[i]->scalar);
        if (p->n_published >= sizeof p->published / sizeof p->published[0]) {
            rc = gw__err(err, GW_ERANGE, "too many published runs (max %zu)",
                         sizeof p->published / sizeof p->published[0]);
            gw__y_loc(d, map->keys[i], where, err);
            return rc;
        }
        size_t k = p->n_published;
        rc = gw__y_expect(d, e, GW_Y_MAP, where, err);
        if (rc == GW_OK)
            rc = gw__y_check_keys(d, e, keys, where, err);
        if (rc == GW_OK)
            rc = gw__y_require(d, e, "source", where, &n, err);
        if (rc == GW_OK)
            rc = gw__y_require(d, e, "model", where, &n, err);
        if (rc == GW_OK)
            rc = gw__y_str(d, n, where, &str, err);
        if (rc != GW_OK)
            return rc;
        gw__strlcpy(p->published[k].model, str, sizeof p->published[k].model);
        rc = gw__y_require(d, e, "accelerator", where, &n, err);
        if (rc == GW_OK)
            rc = gw__y_str(d, n, where, &str, err);
        if (rc != GW_OK)
            return rc;
        gw__strlcpy(p->published[k].accel, str, sizeof p->published[k].accel);
        rc = gw__y_require(d, e, "gpu_hours", where, &n, err);
        if (rc == GW_OK)
            rc = gw__y_num(d, n, where, GW_DIM_TOKENS, 1.0, 1e12, &p->published[k].gpu_hours, err);
        if (rc == GW_OK)
            rc = gw__y_require(d, e, "tokens", where, &n, err);
        if (rc == GW_OK)
            rc = gw__y_num(d, n, where, GW_DIM_TOKENS, 1.0, 1e18, &p->published[k].tokens, err);
        if (rc != GW_OK)
            return rc;
        p->n_published++;
    }
    return GW_OK;
}

/* fit_plan: a list of {params: "a,b,c", subset: all|dense|extended,
 * source}. Each name must be one gw_train_fit can fit. */
static gw_status load_fit_plan(const gw__ydoc *d, const gw__ynode *seq, gw_train_params *p,
                               gw_error *err)
{
    static const char *const keys[] = {"params", "subset", "source", NULL};
    static const char *const subsets[] = {"all", "dense", "extended"};
    char where[64];
    gw_status rc;
    if (seq == NULL)
        return GW_OK;
    rc = gw__y_expect(d, seq, GW_Y_SEQ, "fit_plan", err);
    if (rc != GW_OK)
        return rc;
    for (size_t i = 0; i < seq->n; i++) {
        const gw__ynode *e = seq->vals[i];
        gw__ynode *n = NULL, *src = NULL;
        const char *names = NULL, *sub = NULL;
        gw__snprintf(where, sizeof where, "fit_plan[%zu]", i);
        if (p->n_fit_stages >= sizeof p->fit_stage / sizeof p->fit_stage[0]) {
            rc = gw__err(err, GW_ERANGE, "too many fit stages (max %zu)",
                         sizeof p->fit_stage / sizeof p->fit_stage[0]);
            gw__y_loc(d, e, where, err);
            return rc;
        }
        rc = gw__y_expect(d, e, GW_Y_MAP, where, err);
        if (rc == GW_OK)
            rc = gw__y_check_keys(d, e, keys, where, err);
        if (rc == GW_OK)
            rc = gw__y_require(d, e, "source", where, &src, err);
        if (rc == GW_OK)
            rc = gw__y_require(d, e, "subset", where, &n, err);
        if (rc == GW_OK)
            rc = gw__y_str(d, n, where, &sub, err);
        if (rc != GW_OK)
            return rc;
        int subset = -1;
        for (int k = 0; k < 3; k++) {
            if (strcmp(sub, subsets[k]) == 0)
                subset = k;
        }
        if (subset < 0) {
            rc = gw__err(err, GW_ESCHEMA, "expected all, dense or extended, got \"%s\"", sub);
            gw__y_loc(d, n, where, err);
            return rc;
        }
        rc = gw__y_require(d, e, "params", where, &n, err);
        if (rc == GW_OK)
            rc = gw__y_str(d, n, where, &names, err);
        if (rc != GW_OK)
            return rc;
        if (strlen(names) >= sizeof p->fit_stage[0].params) {
            rc = gw__err(err, GW_ERANGE, "parameter list longer than %zu characters",
                         sizeof p->fit_stage[0].params - 1);
            gw__y_loc(d, n, where, err);
            return rc;
        }
        /* Every name must be fittable: a typo would silently fit nothing. */
        const char *q = names;
        while (*q != '\0') {
            size_t len = strcspn(q, ",");
            char one[64];
            if (len == 0 || len >= sizeof one) {
                rc = gw__err(err, GW_ESCHEMA,
                             "expected comma-separated parameter names, got "
                             "\"%s\"",
                             names);
                gw__y_loc(d, n, where, err);
                return rc;
            }
            memcpy(one, q, len);
            one[len] = '\0';
            if (!gw_train_fit_param_known(one)) {
                rc =
                    gw__err(err, GW_ESCHEMA, "\"%s\" is not a parameter gw_train_fit can fit", one);
                gw__y_loc(d, n, where, err);
                return rc;
            }
            q += len;
            if (*q == ',')
                q++;
        }
        gw__strlcpy(p->fit_stage[p->n_fit_stages].params, names, sizeof p->fit_stage[0].params);
        p->fit_stage[p->n_fit_stages].subset = subset;
        p->n_fit_stages++;
    }
    return GW_OK;
}

/* loose_quality: a list of {params, replicas, sync_every, dp_loss, loss,
 * ref, source}, one published (N, M, H) setting each; no setting twice. */
static gw_status load_loose_quality(const gw__ydoc *d, const gw__ynode *seq, gw_train_params *p,
                                    gw_error *err)
{
    static const char *const keys[] = {"params", "replicas", "sync_every", "dp_loss",
                                       "loss",   "ref",      "source",     NULL};
    char where[64], w2[96];
    gw_status rc;
    if (seq == NULL)
        return GW_OK;
    rc = gw__y_expect(d, seq, GW_Y_SEQ, "loose_quality", err);
    if (rc != GW_OK)
        return rc;
    for (size_t i = 0; i < seq->n; i++) {
        const gw__ynode *e = seq->vals[i];
        gw__ynode *n = NULL;
        const char *ref = NULL;
        gw__snprintf(where, sizeof where, "loose_quality[%zu]", i);
        if (p->n_loose_pts >= sizeof p->loose_pt / sizeof p->loose_pt[0]) {
            rc = gw__err(err, GW_ERANGE, "too many loose_quality rows (max %zu)",
                         sizeof p->loose_pt / sizeof p->loose_pt[0]);
            gw__y_loc(d, e, where, err);
            return rc;
        }
        size_t k = p->n_loose_pts;
        rc = gw__y_expect(d, e, GW_Y_MAP, where, err);
        if (rc == GW_OK)
            rc = gw__y_check_keys(d, e, keys, where, err);
        if (rc == GW_OK)
            rc = gw__y_require(d, e, "source", where, &n, err);
        if (rc == GW_OK)
            rc = gw__y_require(d, e, "ref", where, &n, err);
        if (rc == GW_OK)
            rc = gw__y_str(d, n, where, &ref, err);
        if (rc != GW_OK)
            return rc;
        if (strlen(ref) >= sizeof p->loose_pt[0].ref) {
            rc = gw__err(err, GW_ERANGE, "ref longer than %zu characters",
                         sizeof p->loose_pt[0].ref - 1);
            gw__y_loc(d, n, where, err);
            return rc;
        }
        gw__strlcpy(p->loose_pt[k].ref, ref, sizeof p->loose_pt[k].ref);
        static const struct {
            const char *key;
            gw_dim dim;
            double lo, hi;
            bool count;
            size_t off;
        } f[] = {
            {"params", GW_DIM_TOKENS, 1e6, 1e14, true,
             offsetof(gw_train_params, loose_pt[0].params)},
            {"replicas", GW_DIM_TOKENS, 1, 1e6, true,
             offsetof(gw_train_params, loose_pt[0].replicas)},
            {"sync_every", GW_DIM_TOKENS, 1, 1e6, true,
             offsetof(gw_train_params, loose_pt[0].sync_every)},
            {"dp_loss", GW_DIM_NONE, 0.01, 100, false,
             offsetof(gw_train_params, loose_pt[0].dp_loss)},
            {"loss", GW_DIM_NONE, 0.01, 100, false, offsetof(gw_train_params, loose_pt[0].loss)},
        };
        for (size_t j = 0; j < sizeof f / sizeof f[0]; j++) {
            double v = 0.0;
            gw__snprintf(w2, sizeof w2, "%s.%s", where, f[j].key);
            rc = gw__y_require(d, e, f[j].key, where, &n, err);
            if (rc == GW_OK)
                rc = f[j].count ? gw__y_count(d, n, w2, f[j].lo, f[j].hi, &v, err)
                                : gw__y_num(d, n, w2, f[j].dim, f[j].lo, f[j].hi, &v, err);
            if (rc != GW_OK)
                return rc;
            memcpy((char *)p + f[j].off + k * sizeof p->loose_pt[0], &v, sizeof v);
        }
        for (size_t j = 0; j < k; j++) {
            if (p->loose_pt[j].params == p->loose_pt[k].params &&
                p->loose_pt[j].replicas == p->loose_pt[k].replicas &&
                p->loose_pt[j].sync_every == p->loose_pt[k].sync_every) {
                rc = gw__err(err, GW_ESCHEMA,
                             "the same params, replicas and sync_every as "
                             "loose_quality[%zu]: one row per published setting",
                             j);
                gw__y_loc(d, e, where, err);
                return rc;
            }
        }
        p->n_loose_pts++;
    }
    return GW_OK;
}

/* prediction_interval: {level, log_mean, log_sd, source, fitted_to}. */
static gw_status load_interval(const gw__ydoc *d, const gw__ynode *map, gw_train_params *p,
                               gw_error *err)
{
    static const char *const keys[] = {"level",     "log_mean", "log_sd", "source",
                                       "fitted_to", "coverage", NULL};
    const char *where = "prediction_interval";
    gw__ynode *n = NULL;
    if (map == NULL)
        return GW_OK;
    gw_status rc = gw__y_expect(d, map, GW_Y_MAP, where, err);
    if (rc == GW_OK)
        rc = gw__y_check_keys(d, map, keys, where, err);
    if (rc == GW_OK)
        rc = gw__y_require(d, map, "source", where, &n, err);
    if (rc == GW_OK)
        rc = gw__y_require(d, map, "level", where, &n, err);
    if (rc == GW_OK)
        rc = gw__y_num(d, n, "prediction_interval.level", GW_DIM_FRACTION, 0.5, 0.99,
                       &p->interval_level, err);
    if (rc == GW_OK)
        rc = gw__y_require(d, map, "log_mean", where, &n, err);
    if (rc == GW_OK)
        rc = gw__y_num(d, n, "prediction_interval.log_mean", GW_DIM_NONE, -1.0, 1.0,
                       &p->interval_log_mean, err);
    if (rc == GW_OK)
        rc = gw__y_require(d, map, "log_sd", where, &n, err);
    if (rc == GW_OK)
        rc = gw__y_num(d, n, "prediction_interval.log_sd", GW_DIM_NONE, 0.0, 2.0,
                       &p->interval_log_sd, err);
    return rc;
}

/* matmul_ceiling: {default: {bf16: F, fp8: F, source}, <accel>: {bf16: X TFLOP/s,
 * fp8: X TFLOP/s, source, note}}. A precision an entry leaves out falls back
 * to the default fraction of that accelerator's peak (gw__train_matmul_frac). */
static gw_status load_matmul(const gw__ydoc *d, const gw__ynode *map, gw_train_params *p,
                             gw_error *err)
{
    static const char *const keys[] = {"bf16", "fp8", "fp4", "source", "note", NULL};
    static const struct {
        const char *key;
        int prec;
    } precs[] = {{"bf16", GW_PREC_BF16}, {"fp8", GW_PREC_FP8}, {"fp4", GW_PREC_FP4}};
    char where[160];
    if (map == NULL) {
        gw_status rc = gw__err(err, GW_ESCHEMA, "missing section \"matmul_ceiling\"");
        gw__y_loc(d, d->root, "matmul_ceiling", err);
        return rc;
    }
    gw_status rc = gw__y_expect(d, map, GW_Y_MAP, "matmul_ceiling", err);
    bool have_default = false;
    for (size_t i = 0; rc == GW_OK && i < map->n; i++) {
        const char *name = map->keys[i]->scalar;
        bool dflt = strcmp(name, "default") == 0;
        rc = profile_entry(d, map, i, "matmul_ceiling", "matmul_ceiling entries", keys,
                           dflt ? 0 : p->n_matmul, sizeof p->matmul / sizeof p->matmul[0], where,
                           sizeof where, err);
        if (rc != GW_OK)
            break;
        double *dst = dflt ? p->matmul_default_frac : p->matmul[p->n_matmul].flops;
        for (size_t k = 0; rc == GW_OK && k < sizeof precs / sizeof precs[0]; k++) {
            gw__ynode *n = gw__ymap_get(map->vals[i], precs[k].key);
            char w2[200];
            if (n == NULL) {
                if (dflt)
                    rc = gw__y_require(d, map->vals[i], precs[k].key, where, &n, err);
                continue;
            }
            gw__snprintf(w2, sizeof w2, "%s.%s", where, precs[k].key);
            if (dflt)
                rc = gw__y_num(d, n, w2, GW_DIM_FRACTION, 0.05, 1.0, &dst[precs[k].prec], err);
            else
                rc = gw__y_num(d, n, w2, GW_DIM_FLOPS, 1e12, 1e17, &dst[precs[k].prec], err);
        }
        if (rc != GW_OK)
            break;
        if (dflt) {
            have_default = true;
        } else {
            gw__strlcpy(p->matmul[p->n_matmul].accel, name, sizeof p->matmul[0].accel);
            p->n_matmul++;
        }
    }
    if (rc == GW_OK && !have_default) {
        rc = gw__err(err, GW_ESCHEMA, "matmul_ceiling: missing entry \"default\"");
        gw__y_loc(d, map, "matmul_ceiling", err);
    }
    return rc;
}

gw_status gw__train_params_parse(gw_ctx *ctx, const char *buf, size_t len, const char *shown,
                                 gw_train_params *out, gw_error *err)
{
    gw__ydoc *d = NULL;
    gw_train_params p;
    gw__ynode *params = NULL, *nics = NULL, *ver = NULL;
    char where[160];

    memset(&p, 0, sizeof p);
    gw_status rc = gw__ydoc_parse(ctx, buf, len, shown, &d, err);
    if (rc != GW_OK)
        goto done;
    rc = gw__y_expect(d, d->root, GW_Y_MAP, "train.yaml", err);
    if (rc != GW_OK)
        goto done;
    {
        static const char *const top[] = {
            "schema_version", "params",         "nic_per_gpu", "run_profiles",
            "model_profiles", "published_runs", "fit_plan",    "prediction_interval",
            "matmul_ceiling", "loose_quality",  NULL};
        rc = gw__y_check_keys(d, d->root, top, "", err);
        if (rc != GW_OK)
            goto done;
    }
    rc = gw__y_require(d, d->root, "schema_version", "schema_version", &ver, err);
    if (rc != GW_OK)
        goto done;
    {
        long long v = 0;
        rc = gw__y_int(d, ver, "schema_version", 1, 1, &v, err);
        if (rc != GW_OK)
            goto done;
    }
    rc = gw__y_require(d, d->root, "params", "params", &params, err);
    if (rc == GW_OK)
        rc = gw__y_expect(d, params, GW_Y_MAP, "params", err);
    if (rc != GW_OK)
        goto done;
    for (size_t i = 0; i < params->n; i++) {
        const char *key = params->keys[i]->scalar;
        const pdef *def = NULL;
        for (size_t j = 0; j < sizeof defs / sizeof defs[0]; j++) {
            if (strcmp(defs[j].key, key) == 0) {
                def = &defs[j];
                break;
            }
        }
        gw__snprintf(where, sizeof where, "params.%s", key);
        if (def == NULL) {
            rc = gw__err(err, GW_ESCHEMA, "unknown parameter \"%s\"", key);
            gw__y_loc(d, params->keys[i], where, err);
            goto done;
        }
        double v = 0.0;
        rc = read_value(d, params->vals[i], where, def->dim, def->min, def->max, &v, err);
        if (rc != GW_OK)
            goto done;
        memcpy((char *)&p + def->off, &v, sizeof v);
    }
    for (size_t j = 0; j < sizeof defs / sizeof defs[0]; j++) {
        if (gw__ymap_get(params, defs[j].key) == NULL) {
            rc = gw__err(err, GW_ESCHEMA, "missing parameter \"%s\"", defs[j].key);
            gw__y_loc(d, params, "params", err);
            goto done;
        }
    }
    /* No published FP4 MoE run counts its host ops: NVFP4 quantises each
     * expert's GEMM inputs as FP8 does (amax, cast, scales). */
    p.expert_host_ops[GW_PREC_FP4] = p.expert_host_ops[GW_PREC_FP8];
    /* Each expert's ops without FP8 quantisation (BF16, FP32) stay as loaded. */
    nics = gw__ymap_get(d->root, "nic_per_gpu");
    if (nics != NULL) {
        rc = gw__y_expect(d, nics, GW_Y_MAP, "nic_per_gpu", err);
        if (rc != GW_OK)
            goto done;
        for (size_t i = 0; i < nics->n; i++) {
            if (p.n_nic_overrides >= sizeof p.nic_override / sizeof p.nic_override[0]) {
                rc = gw__err(err, GW_ERANGE, "too many nic_per_gpu entries (max %zu)",
                             sizeof p.nic_override / sizeof p.nic_override[0]);
                gw__y_loc(d, nics->keys[i], "nic_per_gpu", err);
                goto done;
            }
            gw__snprintf(where, sizeof where, "nic_per_gpu.%s", nics->keys[i]->scalar);
            double v = 0.0;
            rc = read_value(d, nics->vals[i], where, GW_DIM_BANDWIDTH, 1e6, 1e13, &v, err);
            if (rc != GW_OK)
                goto done;
            gw__strlcpy(p.nic_override[p.n_nic_overrides].accel, nics->keys[i]->scalar,
                        sizeof p.nic_override[0].accel);
            p.nic_override[p.n_nic_overrides].Bps = v;
            p.n_nic_overrides++;
        }
    }
    rc = load_profiles(d, gw__ymap_get(d->root, "run_profiles"), &p, err);
    if (rc != GW_OK)
        goto done;
    rc = load_model_profiles(d, gw__ymap_get(d->root, "model_profiles"), &p, err);
    if (rc != GW_OK)
        goto done;
    rc = load_published(d, gw__ymap_get(d->root, "published_runs"), &p, err);
    if (rc != GW_OK)
        goto done;
    rc = load_fit_plan(d, gw__ymap_get(d->root, "fit_plan"), &p, err);
    if (rc != GW_OK)
        goto done;
    rc = load_interval(d, gw__ymap_get(d->root, "prediction_interval"), &p, err);
    if (rc != GW_OK)
        goto done;
    rc = load_matmul(d, gw__ymap_get(d->root, "matmul_ceiling"), &p, err);
    if (rc != GW_OK)
        goto done;
    rc = load_loose_quality(d, gw__ymap_get(d->root, "loose_quality"), &p, err);
    if (rc != GW_OK)
        goto done;
    /* Precisions without their own GEMM efficiency use BF16's. */
    for (int i = 0; i < GW_PREC_COUNT; i++) {
        if (p.gemm_eff_max[i] <= 0)
            p.gemm_eff_max[i] = p.gemm_eff_max[GW_PREC_BF16];
    }
    *out = p;
done:
    gw__ydoc_free(d);
    return rc;
}

gw_status gw_train_params_load(gw_ctx *ctx, const char *data_dir, gw_train_params *out,
                               gw_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    char shown[512];
    gw_status rc = gw__data_read(ctx, data_dir, "train.yaml", &buf, &len, shown, err);
    if (rc != GW_OK)
        return rc;
    rc = gw__train_params_parse(ctx, buf, len, shown, out, err);
    gw_free(ctx, buf);
    return rc;
}

double gw__train_matmul_frac(const gw_train_params *p, const gw_accel *a, int prec)
{
    int q = prec == GW_PREC_FP6 ? GW_PREC_FP8 : prec;
    if (q < 0 || q >= GW_PREC_COUNT || a == NULL || !(a->peak_flops[q] > 0))
        return 1.0;
    double dflt = p->matmul_default_frac[q] > 0 ? p->matmul_default_frac[q]
                                                : p->matmul_default_frac[GW_PREC_BF16];
    if (!(dflt > 0))
        dflt = 1.0;
    for (size_t i = 0; i < p->n_matmul; i++) {
        if (!gw__streq_nocase(p->matmul[i].accel, a->name))
            continue;
        /* A precision the entry did not measure takes the entry's next
         * wider measured one (FP4 -> FP8 -> BF16) as a fraction of its own
         * peak: the same chip's software maturity, not the fleet default. */
        int r = q;
        while (!(p->matmul[i].flops[r] > 0) && r != GW_PREC_BF16)
            r = r == GW_PREC_FP4 ? GW_PREC_FP8 : GW_PREC_BF16;
        double f = p->matmul[i].flops[r];
        if (!(f > 0) || !(a->peak_flops[r] > 0))
            return dflt;
        /* A measurement above the catalog's peak means the two disagree on
         * the clock; the peak bounds the rate either way. */
        return f < a->peak_flops[r] ? f / a->peak_flops[r] : 1.0;
    }
    return dflt;
}
