/* SPDX-License-Identifier: MIT */
/*
 * hf_config.c: Hugging Face config.json import (gw_catalog_model_from_hf) and
 * the parameter counts of a gw_model (gw_catalog_model_params).
 *
 * The importer reads the keys that the transformers library's configuration
 * classes define for each model_type (GPT2Config, LlamaConfig, MistralConfig,
 * MixtralConfig, Qwen2Config, Qwen3Config, Qwen3MoeConfig, DeepseekV3Config,
 * NemotronConfig, BloomConfig, GptOssConfig) and maps them onto gw_model.
 * Every size that decides the parameter count is required: where transformers
 * would silently fall back to a class default (often the flagship model's
 * value), we report the missing key instead, so a truncated config never
 * yields a plausible but wrong model. Keys that only change numerics (rope,
 * eps, dropout, initialisation) are ignored.
 *
 * Parameter counts follow the module structure of the transformers modeling
 * files of each architecture, tensor by tensor; docs/models/params.md gives
 * each formula with its source and the published totals it reproduces.
 *
 * Deliberate choices:
 *   - DeepSeek-V3's multi-token-prediction module (num_nextn_predict_layers)
 *     is not counted: the published 671B total / 37B active exclude it (the
 *     685B of the Hugging Face checkpoint include its 14B). It is a training-
 *     time extra: gw_model.n_mtp_layers keeps the count and the train module
 *     adds its compute and memory.
 *   - Qwen3-MoE's mlp_only_layers and decoder_sparse_step decide how many
 *     layers are dense; gw_model stores that number as first_k_dense (with
 *     moe_layer_freq 1), which gives the right counts but not the positions.
 *   - Norms: LayerNorm (weight and bias) for the ungated-MLP families (GPT-2,
 *     BLOOM, Nemotron's LayerNorm1P), RMSNorm (weight only) otherwise.
 *
 * Not done: vision/audio towers, quantisation metadata, tokenizer files.
 */
#include <gigawatt/catalog.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/core_internal.h"

/* Largest width/vocabulary size accepted: far above any published model,
 * and small enough that products stay exact in double. */
#define HF_MAX_SIZE                                                      \
    (1LL << 28) /* so 4 * hidden (GPT-2/BLOOM MLP) and qk_nope + qk_rope \
                 * (MLA head_dim) fit in an int */
/* Largest layer count accepted (published models have at most a few
 * hundred): bounds the per-layer loops on hostile input. */
#define HF_MAX_LAYERS (1LL << 16)

/* A NULL-terminated list of alternative key names, canonical name first. */
#define KEYS(...) ((const char *const[]){__VA_ARGS__, NULL})

typedef struct hf_reader {
    gw_ctx *ctx;
    const gw__ydoc *d;
    const gw__ynode *root;
    const char *type; /* model_type, for messages */
    gw_error *err;
} hf_reader;

/* ---- Typed reads with located errors ------------------------------------- */

static bool is_null(const gw__ynode *n)
{
    if (!n)
        return true;
    if (n->kind != GW_Y_SCALAR || n->quoted)
        return false;
    return strcmp(n->scalar, "null") == 0 || strcmp(n->scalar, "~") == 0 || n->scalar[0] == '\0';
}

/* The first of names present in the config (a null value counts as
 * present). *key = the name found, or names[0] when none is. */
static const gw__ynode *hf_find(const hf_reader *h, const char *const *names, const char **key)
{
    for (const char *const *k = names; *k; k++) {
        const gw__ynode *n = gw__ymap_get(h->root, *k);
        if (n) {
            *key = *k;
            return n;
        }
    }
    *key = names[0];
    return NULL;
}

static gw_status hf_missing(const hf_reader *h, const char *key)
{
    gw__err(h->err, GW_ESCHEMA, "missing required key \"%s\" for model_type \"%s\"", key, h->type);
    gw__y_loc(h->d, h->root, key, h->err);
    return GW_ESCHEMA;
}

enum { HF_REQUIRED = 0, HF_OPTIONAL = 1, HF_NULLABLE = 2 };

/* Reads an integer size. mode: HF_REQUIRED (present and not null),
 * HF_OPTIONAL (absent or null: def), HF_NULLABLE (must be present; null: def).
 * min is 1 for sizes (GW_ERANGE "expected a positive integer") or 0. */
static gw_status hf_int_range(const hf_reader *h, const char *const *names, int mode, long long min,
                              long long max, int def, int *out)
{
    const char *key;
    const gw__ynode *n = hf_find(h, names, &key);
    if (!n && mode != HF_OPTIONAL)
        return hf_missing(h, key);
    if (is_null(n)) {
        if (mode == HF_REQUIRED) {
            gw__err(h->err, GW_ESCHEMA, "expected an integer, got null");
            gw__y_loc(h->d, n, key, h->err);
            return GW_ESCHEMA;
        }
        *out = def;
        return GW_OK;
    }
    long long v;
    gw_status rc = gw__y_int(h->d, n, key, min, max, &v, h->err);
    if (rc != GW_OK)
        return rc;
    *out = (int)v;
    return GW_OK;
}

/* A size (up to HF_MAX_SIZE). */
static gw_status hf_int(const hf_reader *h, const char *const *names, int mode, long long min,
                        int def, int *out)
{
    return hf_int_range(h, names, mode, min, HF_MAX_SIZE, def, out);
}

/* A layer count (up to HF_MAX_LAYERS). */
static gw_status hf_layers(const hf_reader *h, const char *const *names, int *out)
{
    return hf_int_range(h, names, HF_REQUIRED, 1, HF_MAX_LAYERS, 0, out);
}

static gw_status hf_bool(const hf_reader *h, const char *key, bool def, bool *out)
{
    const gw__ynode *n = gw__ymap_get(h->root, key);
    if (is_null(n)) {
        *out = def;
        return GW_OK;
    }
    return gw__y_bool(h->d, n, key, out, h->err);
}

/* Error on a combination of sizes, located at the key that is wrong. */
static gw_status hf_bad(const hf_reader *h, const char *key, const char *msg)
{
    gw__err(h->err, GW_ERANGE, "%s", msg);
    const gw__ynode *n = gw__ymap_get(h->root, key);
    gw__y_loc(h->d, n ? n : h->root, key, h->err);
    return GW_ERANGE;
}

/* ---- Shared pieces of the decoder families ---------------------------------- */

/* head_dim: explicit when given, else hidden / heads (which must divide). */
static gw_status hf_head_dim(const hf_reader *h, gw_model *m, bool required)
{
    gw_status rc =
        hf_int(h, KEYS("head_dim"), required ? HF_REQUIRED : HF_OPTIONAL, 1, 0, &m->head_dim);
    if (rc != GW_OK || m->head_dim > 0)
        return rc;
    if (m->hidden % m->n_heads != 0) {
        char msg[160];
        gw__snprintf(msg, sizeof msg,
                     "hidden size %d is not a multiple of %d heads and head_dim is not given",
                     m->hidden, m->n_heads);
        return hf_bad(h, "num_attention_heads", msg);
    }
    m->head_dim = m->hidden / m->n_heads;
    return GW_OK;
}

static gw_status hf_kv_heads(const hf_reader *h, gw_model *m)
{
    gw_status rc =
        hf_int(h, KEYS("num_key_value_heads"), HF_OPTIONAL, 1, m->n_heads, &m->n_kv_heads);
    if (rc != GW_OK)
        return rc;
    if (m->n_kv_heads > m->n_heads || m->n_heads % m->n_kv_heads != 0) {
        char msg[160];
        gw__snprintf(msg, sizeof msg, "%d key/value heads do not divide %d attention heads",
                     m->n_kv_heads, m->n_heads);
        return hf_bad(h, "num_key_value_heads", msg);
    }
    return GW_OK;
}

/* Counts "sliding_attention" entries of layer_types when present (which then
 * must list every layer); else returns GW_OK leaving *n as it is. */
static gw_status hf_layer_types(const hf_reader *h, const gw_model *m, int *n)
{
    const gw__ynode *lt = gw__ymap_get(h->root, "layer_types");
    if (is_null(lt))
        return GW_OK;
    gw_status rc = gw__y_expect(h->d, lt, GW_Y_SEQ, "layer_types", h->err);
    if (rc != GW_OK)
        return rc;
    if (lt->n != (size_t)m->n_layers) {
        char msg[160];
        gw__snprintf(msg, sizeof msg, "lists %zu layers but the model has %d", lt->n, m->n_layers);
        return hf_bad(h, "layer_types", msg);
    }
    int count = 0;
    for (size_t i = 0; i < lt->n; i++) {
        const char *s;
        rc = gw__y_str(h->d, lt->vals[i], "layer_types", &s, h->err);
        if (rc != GW_OK)
            return rc;
        if (strcmp(s, "sliding_attention") == 0)
            count++;
    }
    *n = count;
    return GW_OK;
}

/* The Llama-shaped core shared by llama, mistral, mixtral, qwen2, qwen3,
 * qwen3_moe, nemotron and gpt_oss. */
static gw_status hf_decoder(const hf_reader *h, gw_model *m, bool tie_default,
                            bool head_dim_required, bool ffn_required)
{
    gw_status rc;
    if ((rc = hf_int(h, KEYS("hidden_size"), HF_REQUIRED, 1, 0, &m->hidden)) != GW_OK ||
        (rc = hf_layers(h, KEYS("num_hidden_layers"), &m->n_layers)) != GW_OK ||
        (rc = hf_int(h, KEYS("num_attention_heads"), HF_REQUIRED, 1, 0, &m->n_heads)) != GW_OK ||
        (rc = hf_int(h, KEYS("intermediate_size"), ffn_required ? HF_REQUIRED : HF_OPTIONAL, 1, 0,
                     &m->ffn_hidden)) != GW_OK ||
        (rc = hf_int(h, KEYS("vocab_size"), HF_REQUIRED, 1, 0, &m->vocab)) != GW_OK ||
        (rc = hf_int(h, KEYS("max_position_embeddings"), HF_OPTIONAL, 1, 0, &m->max_seq)) != GW_OK)
        return rc;
    if ((rc = hf_kv_heads(h, m)) != GW_OK || (rc = hf_head_dim(h, m, head_dim_required)) != GW_OK)
        return rc;
    if ((rc = hf_bool(h, "tie_word_embeddings", tie_default, &m->tied_embeddings)) != GW_OK ||
        (rc = hf_bool(h, "attention_bias", false, &m->attn_bias)) != GW_OK ||
        (rc = hf_bool(h, "mlp_bias", false, &m->mlp_bias)) != GW_OK)
        return rc;
    m->mlp = GW_MLP_SWIGLU;
    m->moe_layer_freq = 1;
    return GW_OK;
}

/* Mistral-style sliding window: every layer uses it when it is set. */
static gw_status hf_sliding_all(const hf_reader *h, gw_model *m)
{
    gw_status rc = hf_int(h, KEYS("sliding_window"), HF_OPTIONAL, 1, 0, &m->sliding_window);
    if (rc == GW_OK && m->sliding_window > 0)
        m->n_sliding_layers = m->n_layers;
    return rc;
}

/* Qwen2/Qwen3: with use_sliding_window, layers from max_window_layers on use
 * the window (transformers Qwen2Config.layer_types). */
static gw_status hf_sliding_qwen(const hf_reader *h, gw_model *m)
{
    bool use = false;
    gw_status rc = hf_bool(h, "use_sliding_window", false, &use);
    if (rc != GW_OK || !use)
        return rc;
    int window = 0, max_window_layers = m->n_layers;
    if ((rc = hf_int(h, KEYS("sliding_window"), HF_OPTIONAL, 1, 0, &window)) != GW_OK ||
        (rc = hf_int(h, KEYS("max_window_layers"), HF_OPTIONAL, 0, m->n_layers,
                     &max_window_layers)) != GW_OK)
        return rc;
    if (window > 0) {
        m->sliding_window = window;
        m->n_sliding_layers = max_window_layers < m->n_layers ? m->n_layers - max_window_layers : 0;
        return hf_layer_types(h, m, &m->n_sliding_layers);
    }
    return GW_OK;
}

static gw_status hf_top_k(const hf_reader *h, gw_model *m, const char *const *names)
{
    gw_status rc = hf_int(h, names, HF_REQUIRED, 1, 0, &m->top_k);
    if (rc == GW_OK && m->top_k > m->n_experts) {
        char msg[160];
        gw__snprintf(msg, sizeof msg, "%d experts per token exceed the %d experts", m->top_k,
                     m->n_experts);
        const char *key;
        (void)hf_find(h, names, &key);
        return hf_bad(h, key, msg);
    }
    return rc;
}

/* ---- One reader per model_type ----------------------------------------------- */

static gw_status read_gpt2(const hf_reader *h, gw_model *m)
{
    gw_status rc;
    int inner = 0;
    if ((rc = hf_int(h, KEYS("n_embd", "hidden_size"), HF_REQUIRED, 1, 0, &m->hidden)) != GW_OK ||
        (rc = hf_layers(h, KEYS("n_layer", "num_hidden_layers"), &m->n_layers)) != GW_OK ||
        (rc = hf_int(h, KEYS("n_head", "num_attention_heads"), HF_REQUIRED, 1, 0, &m->n_heads)) !=
            GW_OK ||
        (rc = hf_int(h, KEYS("n_positions", "max_position_embeddings"), HF_REQUIRED, 1, 0,
                     &m->max_seq)) != GW_OK ||
        (rc = hf_int(h, KEYS("vocab_size"), HF_REQUIRED, 1, 0, &m->vocab)) != GW_OK ||
        (rc = hf_int(h, KEYS("n_inner"), HF_OPTIONAL, 1, 0, &inner)) != GW_OK ||
        (rc = hf_bool(h, "tie_word_embeddings", true, &m->tied_embeddings)) != GW_OK)
        return rc;
    if (m->hidden % m->n_heads != 0)
        return hf_bad(h, "n_head", "n_embd is not a multiple of n_head");
    m->n_kv_heads = m->n_heads;
    m->head_dim = m->hidden / m->n_heads;
    /* transformers GPT2MLP: inner_dim = n_inner if not None else 4 * hidden. */
    m->ffn_hidden = inner > 0 ? inner : 4 * m->hidden;
    m->mlp = GW_MLP_GELU;
    m->attn_bias = m->mlp_bias = true;
    m->learned_pos_emb = true;
    m->moe_layer_freq = 1;
    return GW_OK;
}

static gw_status read_bloom(const hf_reader *h, gw_model *m)
{
    gw_status rc;
    if ((rc = hf_int(h, KEYS("hidden_size", "n_embed"), HF_REQUIRED, 1, 0, &m->hidden)) != GW_OK ||
        (rc = hf_layers(h, KEYS("n_layer", "num_hidden_layers"), &m->n_layers)) != GW_OK ||
        (rc = hf_int(h, KEYS("n_head", "num_attention_heads"), HF_REQUIRED, 1, 0, &m->n_heads)) !=
            GW_OK ||
        (rc = hf_int(h, KEYS("vocab_size"), HF_REQUIRED, 1, 0, &m->vocab)) != GW_OK ||
        (rc = hf_int(h, KEYS("seq_length"), HF_OPTIONAL, 1, 0, &m->max_seq)) != GW_OK ||
        (rc = hf_bool(h, "tie_word_embeddings", true, &m->tied_embeddings)) != GW_OK)
        return rc;
    if (m->hidden % m->n_heads != 0)
        return hf_bad(h, "n_head", "hidden_size is not a multiple of n_head");
    m->n_kv_heads = m->n_heads;
    m->head_dim = m->hidden / m->n_heads;
    m->ffn_hidden = 4 * m->hidden; /* BloomMLP: dense_h_to_4h */
    m->mlp = GW_MLP_GELU;
    m->attn_bias = m->mlp_bias = true;
    m->moe_layer_freq = 1;
    return GW_OK;
}

static gw_status read_llama(const hf_reader *h, gw_model *m)
{
    return hf_decoder(h, m, false, false, true);
}

static gw_status read_mistral(const hf_reader *h, gw_model *m)
{
    gw_status rc = hf_decoder(h, m, false, false, true);
    return rc != GW_OK ? rc : hf_sliding_all(h, m);
}

static gw_status read_mixtral(const hf_reader *h, gw_model *m)
{
    gw_status rc = hf_decoder(h, m, false, false, true);
    if (rc == GW_OK)
        rc = hf_int(h, KEYS("num_local_experts"), HF_REQUIRED, 1, 0, &m->n_experts);
    if (rc == GW_OK)
        rc = hf_top_k(h, m, KEYS("num_experts_per_tok"));
    if (rc == GW_OK)
        rc = hf_sliding_all(h, m);
    m->moe_ffn_hidden = m->ffn_hidden; /* MixtralBlockSparseTop2MLP: intermediate_size */
    return rc;
}

static gw_status read_qwen2(const hf_reader *h, gw_model *m)
{
    gw_status rc = hf_decoder(h, m, false, false, true);
    m->attn_bias = true; /* Qwen2Attention: q/k/v with bias, o without */
    return rc != GW_OK ? rc : hf_sliding_qwen(h, m);
}

static gw_status read_qwen3(const hf_reader *h, gw_model *m)
{
    gw_status rc = hf_decoder(h, m, false, true, true);
    return rc != GW_OK ? rc : hf_sliding_qwen(h, m);
}

static gw_status read_qwen3_moe(const hf_reader *h, gw_model *m)
{
    gw_status rc = hf_decoder(h, m, false, true, true);
    int step = 1;
    if (rc == GW_OK)
        rc = hf_int(h, KEYS("num_experts"), HF_REQUIRED, 0, 0, &m->n_experts);
    if (rc != GW_OK)
        return rc;
    if (m->n_experts > 0) {
        if ((rc = hf_top_k(h, m, KEYS("num_experts_per_tok"))) != GW_OK ||
            (rc = hf_int(h, KEYS("moe_intermediate_size"), HF_REQUIRED, 1, 0,
                         &m->moe_ffn_hidden)) != GW_OK ||
            (rc = hf_int(h, KEYS("decoder_sparse_step"), HF_OPTIONAL, 1, 1, &step)) != GW_OK)
            return rc;
    }
    /* Qwen3MoeDecoderLayer: sparse iff layer not in mlp_only_layers and
     * num_experts > 0 and (layer_idx + 1) % decoder_sparse_step == 0. */
    const gw__ynode *only = gw__ymap_get(h->root, "mlp_only_layers");
    if (!is_null(only) && (rc = gw__y_expect(h->d, only, GW_Y_SEQ, "mlp_only_layers", h->err)))
        return rc;
    bool *dense = gw_calloc(h->ctx, (size_t)m->n_layers, sizeof *dense);
    if (!dense)
        return gw__err(h->err, GW_ENOMEM, "out of memory reading %s", h->d->path);
    for (size_t j = 0; !is_null(only) && j < only->n; j++) {
        long long idx;
        rc = gw__y_int(h->d, only->vals[j], "mlp_only_layers", 0, m->n_layers - 1, &idx, h->err);
        if (rc != GW_OK) {
            gw_free(h->ctx, dense);
            return rc;
        }
        dense[idx] = true;
    }
    int n_dense = 0;
    for (int i = 0; i < m->n_layers; i++)
        n_dense += dense[i] || m->n_experts == 0 || (i + 1) % step != 0;
    gw_free(h->ctx, dense);
    m->first_k_dense = n_dense;
    m->moe_layer_freq = 1;
    return hf_sliding_qwen(h, m);
}

static gw_status read_deepseek_v3(const hf_reader *h, gw_model *m)
{
    gw_status rc = hf_decoder(h, m, false, false, true);
    if (rc != GW_OK)
        return rc;
    /* MLA (DeepseekV3Attention): every head has its own keys and values
     * decompressed from the shared latent, so n_kv_heads = n_heads. */
    m->n_kv_heads = m->n_heads;
    if ((rc = hf_int(h, KEYS("q_lora_rank"), HF_NULLABLE, 1, 0, &m->q_lora_rank)) != GW_OK ||
        (rc = hf_int(h, KEYS("kv_lora_rank"), HF_REQUIRED, 1, 0, &m->kv_lora_rank)) != GW_OK ||
        (rc = hf_int(h, KEYS("qk_nope_head_dim"), HF_REQUIRED, 1, 0, &m->qk_nope_head_dim)) !=
            GW_OK ||
        (rc = hf_int(h, KEYS("qk_rope_head_dim"), HF_REQUIRED, 1, 0, &m->qk_rope_head_dim)) !=
            GW_OK ||
        (rc = hf_int(h, KEYS("v_head_dim"), HF_REQUIRED, 1, 0, &m->v_head_dim)) != GW_OK ||
        (rc = hf_int(h, KEYS("n_routed_experts"), HF_NULLABLE, 0, 0, &m->n_experts)) != GW_OK ||
        (rc = hf_int(h, KEYS("num_nextn_predict_layers"), HF_OPTIONAL, 0, 0, &m->n_mtp_layers)) !=
            GW_OK)
        return rc;
    m->head_dim = m->qk_nope_head_dim + m->qk_rope_head_dim;
    if (m->n_experts > 0) {
        if ((rc = hf_top_k(h, m, KEYS("num_experts_per_tok"))) != GW_OK ||
            (rc = hf_int(h, KEYS("moe_intermediate_size"), HF_REQUIRED, 1, 0,
                         &m->moe_ffn_hidden)) != GW_OK ||
            (rc = hf_int(h, KEYS("n_shared_experts"), HF_NULLABLE, 0, 0, &m->n_shared_experts)) !=
                GW_OK ||
            (rc = hf_int(h, KEYS("first_k_dense_replace"), HF_OPTIONAL, 0, 0, &m->first_k_dense)) !=
                GW_OK ||
            (rc = hf_int(h, KEYS("moe_layer_freq"), HF_OPTIONAL, 1, 1, &m->moe_layer_freq)) !=
                GW_OK)
            return rc;
        /* DeepseekV3MoE.shared_experts: one MLP of moe_intermediate_size *
         * n_shared_experts, counted as n_shared experts of one size. */
        m->shared_ffn_hidden = m->n_shared_experts > 0 ? m->moe_ffn_hidden : 0;
    }
    return GW_OK;
}

static gw_status read_nemotron(const hf_reader *h, gw_model *m)
{
    gw_status rc = hf_decoder(h, m, false, false, true);
    m->mlp = GW_MLP_RELU2; /* NemotronMLP: up, relu2, down (no gate) */
    return rc;
}

static gw_status read_gpt_oss(const hf_reader *h, gw_model *m)
{
    gw_status rc = hf_decoder(h, m, false, true, true);
    if (rc != GW_OK)
        return rc;
    /* GptOssAttention: q/k/v/o bias = attention_bias (default true);
     * GptOssExperts always carry gate_up and down biases. */
    if ((rc = hf_bool(h, "attention_bias", true, &m->attn_bias)) != GW_OK ||
        (rc = hf_int(h, KEYS("num_local_experts"), HF_REQUIRED, 1, 0, &m->n_experts)) != GW_OK ||
        (rc = hf_top_k(h, m, KEYS("experts_per_token", "num_experts_per_tok"))) != GW_OK ||
        (rc = hf_int(h, KEYS("sliding_window"), HF_OPTIONAL, 1, 0, &m->sliding_window)) != GW_OK)
        return rc;
    m->mlp_bias = true;
    m->moe_ffn_hidden = m->ffn_hidden;
    if (m->sliding_window > 0) {
        /* GptOssConfig default layer_types: sliding on even layer indexes. */
        m->n_sliding_layers = (m->n_layers + 1) / 2;
        rc = hf_layer_types(h, m, &m->n_sliding_layers);
    }
    return rc;
}

typedef gw_status (*hf_read_fn)(const hf_reader *h, gw_model *m);

static const struct {
    const char *type;
    hf_read_fn read;
} hf_types[] = {
    {"gpt2", read_gpt2},           {"llama", read_llama},
    {"mistral", read_mistral},     {"mixtral", read_mixtral},
    {"qwen2", read_qwen2},         {"qwen3", read_qwen3},
    {"qwen3_moe", read_qwen3_moe}, {"deepseek_v3", read_deepseek_v3},
    {"nemotron", read_nemotron},   {"bloom", read_bloom},
    {"gpt_oss", read_gpt_oss},
};
#define HF_N_TYPES (sizeof hf_types / sizeof hf_types[0])

/* ---- Parameter counts ---------------------------------------------------------- */

static bool type_is(const gw_model *m, const char *t)
{
    return m->model_type && strcmp(m->model_type, t) == 0;
}

/* One MLP of intermediate size f: gated (gate, up, down) or ungated (up,
 * down), with biases on each projection when the model has them. */
static double mlp_params(const gw_model *m, double f)
{
    double h = m->hidden;
    if (f <= 0.0)
        return 0.0;
    if (m->mlp == GW_MLP_SWIGLU)
        return 3.0 * h * f + (m->mlp_bias ? 2.0 * f + h : 0.0);
    return 2.0 * h * f + (m->mlp_bias ? f + h : 0.0);
}

/* Attention block of one layer, including its internal norms and sinks. */
static double attn_params(const gw_model *m)
{
    double h = m->hidden, nh = m->n_heads;
    if (m->kv_lora_rank > 0) {
        /* DeepseekV3Attention (MLA): q_a_proj, q_a_layernorm, q_b_proj (or one
         * q_proj without q compression); kv_a_proj_with_mqa to the latent plus
         * the shared rope key, kv_a_layernorm, kv_b_proj to per-head nope keys
         * and values; o_proj. */
        double qk = (double)m->qk_nope_head_dim + m->qk_rope_head_dim;
        double ql = m->q_lora_rank, kvl = m->kv_lora_rank;
        double q = ql > 0.0 ? h * ql + ql + ql * nh * qk : h * nh * qk;
        double kv = h * (kvl + m->qk_rope_head_dim) + kvl +
                    kvl * nh * ((double)m->qk_nope_head_dim + m->v_head_dim);
        double o = nh * m->v_head_dim * h;
        double bias = m->attn_bias ? (ql > 0.0 ? ql : 0.0) + kvl + m->qk_rope_head_dim + h : 0.0;
        return q + kv + o + bias;
    }
    double hd = m->head_dim, kvh = m->n_kv_heads;
    double p = 2.0 * h * nh * hd + 2.0 * h * kvh * hd; /* q, o; k, v */
    if (m->attn_bias) {
        p += nh * hd + 2.0 * kvh * hd; /* q, k, v biases */
        if (!type_is(m, "qwen2"))
            p += h; /* o bias (Qwen2 has none) */
    }
    if (type_is(m, "qwen3") || type_is(m, "qwen3_moe"))
        p += 2.0 * hd; /* q_norm, k_norm: RMSNorm over head_dim */
    if (type_is(m, "gpt_oss"))
        p += nh; /* attention sinks: one logit per head */
    return p;
}

/* Number of MoE layers: layer i is MoE when the model has experts, i is past
 * the leading dense layers and i % moe_layer_freq == 0 (DeepseekV3). */
static int n_moe_layers(const gw_model *m)
{
    if (m->n_experts <= 0)
        return 0;
    int freq = m->moe_layer_freq > 0 ? m->moe_layer_freq : 1;
    int n = 0;
    for (int i = m->first_k_dense > 0 ? m->first_k_dense : 0; i < m->n_layers; i++)
        n += i % freq == 0;
    return n;
}

void gw_catalog_model_params(const gw_model *m, gw_model_params *out)
{
    memset(out, 0, sizeof *out);
    if (!m)
        return;
    double h = m->hidden, v = m->vocab, L = m->n_layers;
    /* LayerNorm (weight + bias) in the ungated families, RMSNorm otherwise. */
    double norm = m->mlp == GW_MLP_SWIGLU ? h : 2.0 * h;

    out->embedding = v * h;
    if (m->learned_pos_emb)
        out->embedding += (double)m->max_seq * h; /* GPT-2 wpe */
    if (type_is(m, "bloom"))
        out->embedding += 2.0 * h; /* word_embeddings_layernorm */
    out->lm_head = m->tied_embeddings ? 0.0 : v * h;
    out->attn_per_layer = attn_params(m);
    out->mlp_dense_per_layer = mlp_params(m, m->ffn_hidden);
    out->norms_per_layer = 2.0 * norm; /* before attention and before the MLP */

    if (m->n_experts > 0) {
        double e = m->n_experts;
        double router = e * h;
        if (type_is(m, "gpt_oss"))
            router += e; /* GptOssTopKRouter bias */
        if (type_is(m, "deepseek_v3"))
            router += e; /* e_score_correction_bias (noaux_tc routing) */
        double expert = mlp_params(m, m->moe_ffn_hidden);
        double shared = (double)m->n_shared_experts * mlp_params(m, m->shared_ffn_hidden);
        out->moe_total_per_layer = router + e * expert + shared;
        out->moe_active_per_layer = router + (double)m->top_k * expert + shared;
    }
    double n_moe = n_moe_layers(m);
    double n_dense = L - n_moe;
    double common = out->embedding + out->lm_head +
                    L * (out->attn_per_layer + out->norms_per_layer) +
                    n_dense * out->mlp_dense_per_layer + norm /* final norm */;
    out->total = common + n_moe * out->moe_total_per_layer;
    out->active = common + n_moe * out->moe_active_per_layer;
}

/* ---- Import -------------------------------------------------------------------- */

/* File stem of path: "dir/llama-3.json" -> "llama-3" (into buf). */
static void file_stem(const char *path, char *buf, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    gw__strlcpy(buf, base, len);
    char *dot = strrchr(buf, '.');
    if (dot && dot != buf)
        *dot = '\0';
}

/* Allocates the model with its strings in one block (freed by gw_model_free). */
static gw_model *model_new(gw_ctx *ctx, const char *name, const char *type, const char *source)
{
    size_t ln = strlen(name) + 1, lt = strlen(type) + 1, ls = strlen(source) + 1;
    gw_model *m = gw_calloc(ctx, 1, sizeof *m + ln + lt + ls);
    if (!m)
        return NULL;
    char *s = (char *)(m + 1);
    memcpy(s, name, ln);
    m->name = s;
    memcpy(s + ln, type, lt);
    m->model_type = s + ln;
    memcpy(s + ln + lt, source, ls);
    m->source = s + ln + lt;
    return m;
}

gw_status gw_catalog_model_from_hf_buffer(gw_ctx *ctx, const char *buf, size_t len,
                                          const char *path, const char *name, gw_model **out,
                                          gw_error *err)
{
    gw__err_clear(err); /* a reused record must not keep an old location */
    if (!ctx || !out || (!buf && len))
        return gw__err(err, GW_EINVAL, "gw_catalog_model_from_hf_buffer: bad argument");
    *out = NULL;
    const char *shown = path ? path : "";
    gw__ydoc *d = NULL;
    gw_model *m = NULL;
    gw_status rc = gw__ydoc_parse(ctx, buf, len, shown, &d, err);
    if (rc != GW_OK)
        return rc;
    if (!d->root || d->root->kind != GW_Y_MAP) {
        rc = gw__err(err, GW_EPARSE, "not a Hugging Face config: expected a JSON object {...}");
        gw__err_loc(err, shown, d->root ? d->root->line : 1, d->root ? d->root->column : 1, NULL);
        goto done;
    }
    hf_reader h = {ctx, d, d->root, "", err};
    const gw__ynode *tn = gw__ymap_get(d->root, "model_type");
    const char *type = NULL;
    if (!tn) {
        rc = gw__err(err, GW_ESCHEMA, "missing required key \"model_type\"");
        gw__y_loc(d, d->root, "model_type", err);
        goto done;
    }
    if ((rc = gw__y_str(d, tn, "model_type", &type, err)) != GW_OK)
        goto done;
    size_t t = 0;
    while (t < HF_N_TYPES && strcmp(hf_types[t].type, type) != 0)
        t++;
    if (t == HF_N_TYPES) {
        rc = gw__err(err, GW_ESCHEMA,
                     "unknown model_type \"%s\" (supported: gpt2, llama, mistral, mixtral, "
                     "qwen2, qwen3, qwen3_moe, deepseek_v3, nemotron, bloom, gpt_oss)",
                     type);
        gw__y_loc(d, tn, "model_type", err);
        goto done;
    }
    h.type = hf_types[t].type;
    char stem[256];
    if (name)
        gw__strlcpy(stem, name, sizeof stem);
    else if (path && path[0])
        file_stem(path, stem, sizeof stem);
    else
        gw__strlcpy(stem, hf_types[t].type, sizeof stem);
    m = model_new(ctx, stem, hf_types[t].type, path && path[0] ? path : "(buffer)");
    if (!m) {
        rc = gw__err(err, GW_ENOMEM, "out of memory reading %s", shown);
        goto done;
    }
    if ((rc = hf_types[t].read(&h, m)) != GW_OK)
        goto done;
    gw_model_params p;
    gw_catalog_model_params(m, &p);
    m->params_total = p.total;
    m->params_active = p.active;
    m->params_embedding = p.embedding + p.lm_head;
    *out = m;
    m = NULL;
done:
    gw_free(ctx, m);
    gw__ydoc_free(d);
    return rc;
}

gw_status gw_catalog_model_from_hf(gw_ctx *ctx, const char *path, const char *name, gw_model **out,
                                   gw_error *err)
{
    gw__err_clear(err); /* a reused record must not keep an old location */
    if (!ctx || !path || !out)
        return gw__err(err, GW_EINVAL, "gw_catalog_model_from_hf: bad argument");
    *out = NULL;
    char *buf = NULL;
    size_t len = 0;
    gw_status rc = gw__file_read(ctx, path, GW_YAML_MAX_BYTES, &buf, &len, err);
    if (rc != GW_OK)
        return rc;
    rc = gw_catalog_model_from_hf_buffer(ctx, buf, len, path, name, out, err);
    gw_free(ctx, buf);
    return rc;
}

void gw_model_free(gw_ctx *ctx, gw_model *m)
{
    if (m)
        gw_free(ctx, m);
}
