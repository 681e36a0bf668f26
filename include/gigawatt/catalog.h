/* SPDX-License-Identifier: MIT */
/*
 * gigawatt/catalog.h: typed catalogs loaded from data/ (accelerators,
 * systems/racks, NICs, switches, optics, facility defaults, reference sites,
 * failure rates, model architectures) and the Hugging Face config importer.
 *
 * Catalog entries are plain, read-only structs so that models can read them
 * in tight loops. Every numeric value also appears in the entry's `fields`
 * array with its unit, source and confidence, which is what `gigawatt catalog
 * show` prints. All values are in base SI units (FLOP/s, B, B/s, W, USD, s).
 * A value of 0 means "not known / not supported" unless a field says
 * otherwise; check `fields` for the reason.
 *
 * Lifetime: every pointer handed out by a gw_catalog is borrowed and valid
 * until gw_catalog_free. A loaded catalog is immutable and may be read from
 * many threads at once.
 */
#ifndef GIGAWATT_CATALOG_H
#define GIGAWATT_CATALOG_H

#include <gigawatt/core.h>
#include <gigawatt/scenario.h>

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One sourced value, as written in the data file. */
typedef struct gw_field {
    const char *key;        /* "bf16_flops", "tdp_w" ... (JSON key) */
    double value;           /* base SI units; NaN when the value is text-only */
    const char *unit;       /* base unit text ("FLOP/s", "W", "" ...) */
    const char *text;       /* value as written in the file ("989.4 TFLOP/s") */
    const char *source;     /* citation (URL or reference), never NULL/empty */
    const char *confidence; /* "high", "medium", "low", "est." or "" */
    const char *note;       /* optional remark, "" if none */
} gw_field;

/* ---- Accelerators ------------------------------------------------------ */

typedef struct gw_accel {
    const char *name;                 /* catalog key: "h100-sxm" */
    const char *display_name;         /* "H100 SXM5 80GB" */
    const char *vendor;               /* "NVIDIA" */
    const char *launch;               /* "2022" (free text) */
    const char *interconnect;         /* "NVLink 4 + NVSwitch" */
    bool datacenter;                  /* designed/marketed for data centres (export rules) */
    double peak_flops[GW_PREC_COUNT]; /* dense peak per precision, FLOP/s; 0 = none */
    double mem_bytes;                 /* physical HBM/GDDR capacity */
    double mem_usable_bytes;          /* usable capacity (= mem_bytes when not stated) */
    double mem_Bps;                   /* memory bandwidth, bytes/s */
    double scaleup_Bps;               /* scale-up bandwidth per GPU, bidirectional total */
    int scaleup_domain;               /* GPUs in one scale-up (NVLink) domain */
    double nvls_eff;                  /* NVLink SHARP (in-switch reduction, NCCL NVLS): the share
                                         of the ring's achieved NVLink bandwidth it reaches; 0 = the
                                         NVLink switches of this GPU cannot reduce */
    double nvls_latency_s;            /* an NVLS all-reduce's fixed latency (NCCL's tuner) */
    double tdp_w;                     /* module power */
    double die_area_mm2;              /* applicable die area for PD; 0 = not published */
    double price_low_usd, price_high_usd; /* per GPU (0 = no estimate) */
    const gw_field *fields;               /* every sourced value, in file order */
    size_t n_fields;
} gw_accel;

/* ---- Systems (servers / racks), network parts, facility ---------------- */

typedef struct gw_system {
    const char *name; /* "dgx-h100", "gb200-nvl72" */
    const char *display_name;
    const char *accelerator; /* catalog name of its GPU */
    int gpus_per_node;       /* GPUs per server / compute tray */
    int gpus_per_rack;       /* GPUs per rack */
    int scaleup_domain;      /* GPUs per NVLink domain in this system */
    double node_power_w;     /* max wall power per node (0 if rack-level only) */
    double rack_power_w;     /* max wall power per rack */
    int nics_per_gpu;        /* scale-out NICs per GPU */
    const char *nic;         /* catalog name of its scale-out NIC */
    double price_usd;        /* per node (or per rack for rack-scale systems) */
    bool price_per_rack;
    const char *cooling; /* "air" or "liquid" */
    const gw_field *fields;
    size_t n_fields;
} gw_system;

typedef struct gw_nic {
    const char *name, *display_name;
    double port_Bps; /* per direction, bytes/s */
    double power_w, price_usd;
    const gw_field *fields;
    size_t n_fields;
} gw_nic;

typedef struct gw_switch {
    const char *name, *display_name;
    const char *kind; /* "infiniband", "ethernet", "nvlink" */
    int radix;        /* ports at port_Bps */
    double port_Bps;  /* per port per direction, bytes/s */
    double latency_s; /* per hop */
    double sharp_eff; /* in-network reduction (InfiniBand SHARP, NCCL CollNet): share
                         of the achieved port bandwidth it reaches; 0 = none */
    double power_w, price_usd;
    const gw_field *fields;
    size_t n_fields;
} gw_switch;

typedef struct gw_optic {
    const char *name, *display_name;
    double port_Bps;
    double power_w, price_usd;
    const gw_field *fields;
    size_t n_fields;
} gw_optic;

/* Facility and economic defaults (one set). */
typedef struct gw_facility {
    double pue_liquid, pue_air;    /* ratio */
    double construction_usd_per_w; /* facility capex per W of IT power */
    double electricity_usd_per_j;  /* energy price */
    double depreciation_s;         /* server useful life */
    const gw_field *fields;
    size_t n_fields;
} gw_facility;

/* A published reference site (Colossus, Abilene ...), for `catalog sites`. */
typedef struct gw_site_ref {
    const char *name, *display_name, *location;
    double power_w;          /* facility power */
    double gpus;             /* GPU count */
    const char *accelerator; /* catalog name, or "" if mixed/unknown */
    const gw_field *fields;
    size_t n_fields;
} gw_site_ref;

/* ---- Model architectures ---------------------------------------------- */

typedef enum gw_mlp_kind {
    GW_MLP_GELU = 0, /* ungated: up, act, down (GPT-2/3, BLOOM) */
    GW_MLP_SWIGLU,   /* gated: gate, up, act, down (Llama, Mixtral, Qwen, DeepSeek) */
    GW_MLP_RELU2     /* ungated squared-ReLU (Nemotron) */
} gw_mlp_kind;

typedef struct gw_model {
    const char *name;       /* catalog key or file stem: "llama3.1-405b" */
    const char *model_type; /* HF model_type: "llama", "deepseek_v3" ... */
    const char *source;     /* where the config came from */
    int n_layers;
    int hidden;     /* d_model */
    int n_heads;    /* query heads */
    int n_kv_heads; /* key/value heads (GQA); = n_heads for MHA */
    int head_dim;   /* per-head dimension of q/k (and v unless MLA) */
    int ffn_hidden; /* dense MLP intermediate size */
    int vocab;
    int max_seq; /* max_position_embeddings */
    gw_mlp_kind mlp;
    bool tied_embeddings;
    bool attn_bias; /* q/k/v/o biases (GPT-2, BLOOM, Qwen2 qkv) */
    bool mlp_bias;
    bool learned_pos_emb; /* GPT-2 style absolute position table */
    /* Mixture of experts (n_experts == 0: dense). */
    int n_experts;         /* routed experts per MoE layer */
    int top_k;             /* routed experts per token */
    int moe_ffn_hidden;    /* intermediate size of one routed expert */
    int n_shared_experts;  /* always-active experts per MoE layer */
    int shared_ffn_hidden; /* intermediate size of one shared expert */
    int first_k_dense;     /* leading dense layers (DeepSeek) */
    int moe_layer_freq;    /* every Nth layer is MoE (1 = all after first_k_dense) */
    /* Multi-head latent attention (kv_lora_rank == 0: not MLA). */
    int q_lora_rank; /* 0 = no query compression */
    int kv_lora_rank;
    int qk_nope_head_dim, qk_rope_head_dim, v_head_dim;
    /* Sliding-window attention: layers that use it and the window (tokens). */
    int sliding_window; /* 0 = none */
    int n_sliding_layers;
    /* Multi-token prediction modules trained with the model (DeepSeek-V3
     * num_nextn_predict_layers): not in the parameter counts (the published
     * totals exclude them), but computed by the train module. */
    int n_mtp_layers;
    /* Derived counts, computed at load (gw_catalog_model_params). */
    double params_total;     /* all parameters incl. embeddings */
    double params_active;    /* parameters touched per token (MoE: top_k + shared) */
    double params_embedding; /* input embedding (+ untied output head) */
    /* Published totals from the catalog index (0 = none), for checks. */
    double published_total, published_active;
} gw_model;

/* Parameter counts of one model (recomputes the derived fields). */
typedef struct gw_model_params {
    double embedding; /* input embedding (+ position table) */
    double lm_head;   /* untied output projection (0 if tied) */
    double attn_per_layer;
    double mlp_dense_per_layer;
    double moe_total_per_layer;  /* router + all experts + shared */
    double moe_active_per_layer; /* router + top_k experts + shared */
    double norms_per_layer;
    double total, active;
} gw_model_params;

GW_API void gw_catalog_model_params(const gw_model *m, gw_model_params *out);

/* Imports a Hugging Face config.json. model_type must be one of gpt2, llama,
 * mistral, mixtral, qwen2, qwen3, qwen3_moe, deepseek_v3, nemotron, bloom,
 * gpt_oss. name: the model's name (NULL: the file stem). Errors: GW_EIO (file),
 * GW_EPARSE (not JSON, with line/col), GW_ESCHEMA (missing field or unknown
 * model_type; err->where names the field), GW_ERANGE (non-positive size).
 * The model is owned by the caller: free with gw_model_free. */
GW_API gw_status gw_catalog_model_from_hf(gw_ctx *ctx, const char *path, const char *name,
                                          gw_model **out, gw_error *err);
/* Same from a buffer; path is used in messages only (may be NULL). */
GW_API gw_status gw_catalog_model_from_hf_buffer(gw_ctx *ctx, const char *buf, size_t len,
                                                 const char *path, const char *name, gw_model **out,
                                                 gw_error *err);
GW_API void gw_model_free(gw_ctx *ctx, gw_model *m); /* NULL is a no-op */

/* ---- The catalog ------------------------------------------------------- */

typedef struct gw_catalog gw_catalog;

/* Loads every catalog. data_dir NULL: the $GIGAWATT_DATA directory if set,
 * else the copy embedded in the library at build time. Errors name the file,
 * line and column (GW_EPARSE, GW_ESCHEMA, GW_EUNIT, GW_ERANGE, GW_EIO).
 * Caller owns *out. */
GW_API gw_status gw_catalog_load(gw_ctx *ctx, const char *data_dir, gw_catalog **out,
                                 gw_error *err);
GW_API void gw_catalog_free(gw_catalog *cat); /* NULL is a no-op */
/* Where the catalog came from: a directory path or "(embedded)". */
GW_API const char *gw_catalog_origin(const gw_catalog *cat);

/* Counts and indexed access (borrowed pointers). */
GW_API size_t gw_catalog_n_accels(const gw_catalog *cat);
GW_API const gw_accel *gw_catalog_accel_at(const gw_catalog *cat, size_t i);
GW_API size_t gw_catalog_n_models(const gw_catalog *cat);
GW_API const gw_model *gw_catalog_model_at(const gw_catalog *cat, size_t i);
GW_API size_t gw_catalog_n_systems(const gw_catalog *cat);
GW_API const gw_system *gw_catalog_system_at(const gw_catalog *cat, size_t i);
GW_API size_t gw_catalog_n_nics(const gw_catalog *cat);
GW_API const gw_nic *gw_catalog_nic_at(const gw_catalog *cat, size_t i);
GW_API size_t gw_catalog_n_switches(const gw_catalog *cat);
GW_API const gw_switch *gw_catalog_switch_at(const gw_catalog *cat, size_t i);
GW_API size_t gw_catalog_n_optics(const gw_catalog *cat);
GW_API const gw_optic *gw_catalog_optic_at(const gw_catalog *cat, size_t i);
GW_API size_t gw_catalog_n_sites(const gw_catalog *cat);
GW_API const gw_site_ref *gw_catalog_site_at(const gw_catalog *cat, size_t i);
GW_API const gw_facility *gw_catalog_facility(const gw_catalog *cat);

/* Lookup by name (case-insensitive; aliases accepted). GW_ENOTFOUND with a
 * message listing the closest names when absent. */
GW_API gw_status gw_catalog_accel_find(const gw_catalog *cat, const char *name,
                                       const gw_accel **out, gw_error *err);
GW_API gw_status gw_catalog_model_find(const gw_catalog *cat, const char *name,
                                       const gw_model **out, gw_error *err);
GW_API gw_status gw_catalog_system_find(const gw_catalog *cat, const char *name,
                                        const gw_system **out, gw_error *err);
GW_API gw_status gw_catalog_nic_find(const gw_catalog *cat, const char *name, const gw_nic **out,
                                     gw_error *err);
GW_API gw_status gw_catalog_switch_find(const gw_catalog *cat, const char *name,
                                        const gw_switch **out, gw_error *err);
/* The system (server/rack) to use for an accelerator: the first catalog
 * system whose accelerator matches. GW_ENOTFOUND if none. */
GW_API gw_status gw_catalog_system_for(const gw_catalog *cat, const gw_accel *a,
                                       const gw_system **out, gw_error *err);

/* ---- Scenario resolution ------------------------------------------------ */

/* Resolves a scenario's names against the catalog: accelerator, system,
 * model (a catalog name, or a config.json path relative to the scenario
 * file). Any of accel, system, model may be NULL when not wanted. Returns
 * borrowed pointers: the accelerator and system from cat (valid until cat
 * is freed), the model either from cat or owned by sc (valid until sc is
 * freed).
 *
 * The system: cluster.system when given; else the accelerator's default
 * (gw_catalog_system_for). When cluster.accelerator comes from a --set
 * override and cluster.system only from the file, a system holding another
 * accelerator is replaced by the new accelerator's default (sc's
 * cluster.system is updated, so every module sees the same system) and a
 * note says so (diagnostics callback); a mismatch given explicitly is an
 * error.
 *
 * Errors name the scenario key (file:line:col or "--set key"):
 * GW_ESCHEMA (missing key, system/accelerator mismatch), GW_ENOTFOUND
 * (unknown name, with a suggestion when one is close), and the errors of
 * gw_catalog_model_from_hf for a config.json path (GW_EIO when it cannot
 * be read). Not thread-safe for one sc (it may cache the imported model). */
GW_API gw_status gw_scenario_resolve(gw_ctx *ctx, gw_scenario *sc, const gw_catalog *cat,
                                     const gw_accel **accel, const gw_system **system,
                                     const gw_model **model, gw_error *err);

/* ---- Reports ----------------------------------------------------------- */

struct gw_doc;
struct gw_doc_node;

typedef enum gw_catalog_kind {
    GW_CATALOG_ALL = 0,
    GW_CATALOG_ACCELERATORS,
    GW_CATALOG_MODELS,
    GW_CATALOG_SYSTEMS,
    GW_CATALOG_NETWORK,
    GW_CATALOG_SITES
} gw_catalog_kind;

/* "accelerators", "models", "systems", "network", "sites", "all" -> kind;
 * GW_EPARSE otherwise. */
GW_API gw_status gw_catalog_kind_parse(const char *text, gw_catalog_kind *out);
/* Writes tables of the catalog's entries of a kind under parent. */
GW_API gw_status gw_catalog_report_list(const gw_catalog *cat, gw_catalog_kind kind,
                                        struct gw_doc *doc, struct gw_doc_node *parent,
                                        gw_error *err);
/* Writes one entry (found by name among every kind) with each value's
 * source and confidence. GW_ENOTFOUND when no entry has that name. */
GW_API gw_status gw_catalog_report_show(const gw_catalog *cat, const char *name, struct gw_doc *doc,
                                        struct gw_doc_node *parent, gw_error *err);

#ifdef __cplusplus
}
#endif
#endif /* GIGAWATT_CATALOG_H */
