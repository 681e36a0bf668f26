/* SPDX-License-Identifier: MIT */
/*
 * emit.c: gw_train_emit, the best configuration of a training plan written
 * in a training framework's own terms: Megatron-LM pretrain_gpt.py flags,
 * NeMo Megatron-Bridge run_recipe.py ConfigContainer overrides, or
 * torchtitan job-config TOML sections.
 *
 * A renderer only: it reads the gw_train_result (the chosen configuration,
 * the MoE schedule options in effect, the borrowed model and GPU) and
 * writes text; it computes nothing about performance. Where a framework has
 * no equivalent for a setting the model assumed, it writes a comment line
 * ('#') saying so instead of inventing a flag.
 *
 * It deliberately does not emit data, tokenizer, optimizer, learning-rate
 * or checkpoint settings (not part of a plan), nor model facts gigawatt does
 * not record (normalisation, rotary base, vocabulary padding): those come
 * from the model's own recipe.
 *
 * Flag names and the file/version defining each one: docs/EMIT.md, from
 *   - NVIDIA/Megatron-LM main (core_v0.15.0rc7-2333-gd98e8a64dd, 2026-08-22):
 *     megatron/training/arguments.py, megatron/core/model_parallel_config.py,
 *     megatron/core/transformer/transformer_config.py (dataclass fields that
 *     ArgumentGroupFactory in megatron/training/argument_utils.py turns into
 *     "--field-name" flags);
 *   - NVIDIA-NeMo/Megatron-Bridge main (v0.2.0rc6-2335-g067f987df,
 *     2026-08-22): scripts/training/run_recipe.py (KEY=VALUE overrides),
 *     scripts/translate_mlm_to_bridge.py (the Megatron-LM flag -> override
 *     table), src/megatron/bridge/training/mixed_precision.py (presets);
 *   - pytorch/torchtitan v0.2.2 (2026-02-20), the last release with TOML job
 *     configs: torchtitan/config/job_config.py.
 */
#include "train_internal.h"

#include "core/core_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- Growable text buffer ---------------------------------------------- */

typedef struct ebuf {
    gw_ctx *ctx;
    char *p; /* owned, NUL-terminated */
    size_t len, cap;
    gw_status st; /* sticky: the first failure */
} ebuf;

/* Replicas of the ZeRO-sharded state under hybrid sharding (1: plain
 * ZeRO over the whole DP x CP group, or no ZeRO). */
static int hsdp_replicas(const gw_train_config *c)
{
    int g = c->dp * c->cp;
    if (c->zero < 1 || c->zero_shard <= 0 || c->zero_shard >= g || g % c->zero_shard != 0)
        return 1;
    return g / c->zero_shard;
}

static void put(ebuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(ebuf *b, const char *fmt, ...)
{
    if (b->st != GW_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->st = GW_EINTERNAL;
        return;
    }
    size_t need = b->len + (size_t)n + 1;
    if (need > GW_TRAIN_EMIT_MAX_BYTES) {
        b->st = GW_EINTERNAL;
        return;
    }
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 2048;
        while (cap < need)
            cap *= 2;
        if (cap > GW_TRAIN_EMIT_MAX_BYTES)
            cap = GW_TRAIN_EMIT_MAX_BYTES;
        char *p = gw_realloc(b->ctx, b->p, cap);
        if (p == NULL) {
            b->st = GW_ENOMEM;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* ---- Facts shared by the renderers ------------------------------------- */

typedef struct facts {
    const gw_train_result *r;
    const gw_model *m;
    const gw_accel *a;
    const gw_train_config *c;
    int etp;        /* expert TP, >= 1 */
    bool moe;       /* the model has routed experts */
    bool ep_on;     /* MoE with ep > 1 */
    int ep_nodes;   /* scale-up domains the EP group spans (1: inside one) */
    bool deepep;    /* per-node deduplicated dispatch across domains */
    bool mxfp8;     /* block-scaled FP8 means MXFP8 on this GPU */
    int nfirst;     /* layers on the first pipeline stage */
    int lmax;       /* layers on the largest middle stage */
    int nlast;      /* layers on the last stage */
    bool mixed;     /* the middle stages hold lmax and lmax - 1 layers */
    bool uneven;    /* not every stage holds the same count */
    double dp_grad; /* ranks that reduce gradients: dp x cp */
    int a2a;        /* MoE all-to-all overlap of the plan: 1 timed overlapped (Megatron-Core's
                       1F1B A2A overlap), -1 asked for but impossible with this layout, 0 not
                       asked, no EP, or DualPipe in effect */
} facts;

static void facts_init(facts *f, const gw_train_result *r)
{
    memset(f, 0, sizeof *f);
    f->r = r;
    f->m = r->model_def;
    f->a = r->accel_def;
    f->c = &r->best.cfg;
    const gw_train_config *c = f->c;
    f->etp = c->etp > 0 ? c->etp : 1;
    f->moe = f->m->n_experts > 0;
    f->ep_on = f->moe && c->ep > 1;
    /* EP ranks are strided by etp (Megatron-Core expert rank order
     * etp-ep-dp-pp): a domain of D GPUs holds D / etp of them. */
    int dom = r->topo.scaleup_domain > 0 ? r->topo.scaleup_domain : 1;
    int local = f->etp >= dom ? 1 : dom / f->etp;
    if (local > c->ep)
        local = c->ep;
    while (local > 1 && c->ep % local != 0)
        local--;
    f->ep_nodes = f->ep_on ? c->ep / local : 1;
    f->deepep = f->ep_on && f->ep_nodes > 1 && r->moe_dedup_dispatch;
    /* MX formats (MXFP8) arrived with the FP4-capable tensor cores of
     * Blackwell; Hopper runs block scaling as 1x128 tiles instead. */
    f->mxfp8 = f->a->peak_flops[GW_PREC_FP4] > 0;
    /* Pipeline split of the step model (gw_train_pp_split). */
    int L = f->m->n_layers, pp = c->pp > 0 ? c->pp : 1;
    if (!gw_train_pp_split(L, c, &f->nfirst, &f->lmax, &f->nlast)) {
        f->nfirst = f->lmax = f->nlast = (L + pp - 1) / pp; /* not reached: best is valid */
    }
    f->mixed = pp > 2 && L - f->nfirst - f->nlast != (pp - 2) * f->lmax;
    f->uneven = pp > 1 && (f->nfirst != f->lmax || f->nlast != f->lmax || f->mixed);
    f->dp_grad = (double)c->dp * (double)c->cp;
    /* The step model's rule (step.c): PP 1 or interleaved, no full
     * recomputation, two or more micro-batches; DualPipe has its own. */
    bool dual = r->dualpipe && c->pp >= 2 && c->pp % 2 == 0 && c->vpp == 1;
    if (f->ep_on && r->moe_a2a_overlap && !dual)
        f->a2a = (c->pp == 1 || c->vpp > 1) && c->recompute != GW_TRAIN_RECOMPUTE_FULL &&
                         r->best.grad_accum >= 2
                     ? 1
                     : -1;
}

static bool is_moe_layer(const gw_model *m, int i)
{
    int freq = m->moe_layer_freq > 0 ? m->moe_layer_freq : 1;
    return m->n_experts > 0 && i >= m->first_k_dense && i % freq == 0;
}

static bool all_moe(const gw_model *m)
{
    for (int i = 0; i < m->n_layers; i++) {
        if (!is_moe_layer(m, i))
            return false;
    }
    return true;
}

/* Megatron's --moe-layer-freq pattern, run-length coded: "([0]*3+[1]*58)". */
static void moe_pattern_runs(ebuf *b, const gw_model *m)
{
    put(b, "(");
    int i = 0;
    bool first = true;
    while (i < m->n_layers) {
        bool v = is_moe_layer(m, i);
        int j = i;
        while (j < m->n_layers && is_moe_layer(m, j) == v)
            j++;
        put(b, "%s[%d]*%d", first ? "" : "+", v ? 1 : 0, j - i);
        first = false;
        i = j;
    }
    put(b, ")");
}

/* The same pattern as a list: "[0,0,0,1,...]" (Megatron-Bridge). */
static void moe_pattern_list(ebuf *b, const gw_model *m)
{
    put(b, "[");
    for (int i = 0; i < m->n_layers; i++)
        put(b, "%s%d", i ? "," : "", is_moe_layer(m, i) ? 1 : 0);
    put(b, "]");
}

/* Megatron-Core pipeline layout (--pipeline-model-parallel-layout) of the
 * step model's split: virtual stage k lives on rank k % pp as chunk k / pp;
 * a rank's layers are spread over its vpp chunks, the first ones taking the
 * remainder. "E" embedding, "t" a layer, "m" an MTP module, "L" the loss. */
static bool needs_layout(const facts *f)
{
    int vpp = f->c->vpp > 0 ? f->c->vpp : 1;
    return f->uneven && (f->mixed || (vpp > 1 && (f->nfirst % vpp != 0 || f->nlast % vpp != 0 ||
                                                  f->lmax % vpp != 0)));
}

/* Layers of pipeline rank `rank`: first, middle (the first ones lmax, the
 * rest lmax - 1 when mixed), last. */
static int rank_layers(const facts *f, int rank)
{
    int pp = f->c->pp;
    if (rank == 0)
        return f->nfirst;
    if (rank == pp - 1)
        return f->nlast;
    int rest = f->m->n_layers - f->nfirst - f->nlast;
    int full = rest - (pp - 2) * (f->lmax - 1); /* middle ranks with lmax layers */
    return rank <= full ? f->lmax : f->lmax - 1;
}

static void layout(ebuf *b, const facts *f)
{
    int pp = f->c->pp, vpp = f->c->vpp > 0 ? f->c->vpp : 1;
    int n = pp * vpp;
    for (int k = 0; k < n; k++) {
        int rank = k % pp, chunk = k / pp;
        int layers = rank_layers(f, rank);
        int cnt = layers / vpp + (chunk < layers % vpp ? 1 : 0);
        if (k > 0)
            put(b, "|");
        if (k == 0)
            put(b, "E");
        for (int i = 0; i < cnt; i++)
            put(b, "t");
        if (k == n - 1) {
            for (int i = 0; i < f->m->n_mtp_layers; i++)
                put(b, "m");
            put(b, "L");
        }
    }
}

static const char *recompute_text(gw_train_recompute r)
{
    return gw_train_recompute_name(r);
}

static void header(ebuf *b, const facts *f, const char *what)
{
    const gw_train_config *c = f->c;
    put(b, "# %s\n", what);
    put(b,
        "# gigawatt %s plan: %s on %.0f x %s; TP %d, PP %d, VPP %d, DP %d, CP %d, EP %d, "
        "ETP %d,\n",
        GW_VERSION_STRING, f->m->name, f->r->best.gpus_used, f->a->name, c->tp, c->pp, c->vpp,
        c->dp, c->cp, c->ep, f->etp);
    put(b,
        "# micro-batch %d, %d micro-batches per step, global batch %.0f sequences of %.0f "
        "tokens,\n",
        c->micro_batch, f->r->best.grad_accum, c->global_batch_seqs, f->r->seq_len);
    put(b, "# recompute %s, ZeRO %d, %s. Flag sources and gaps: docs/EMIT.md.\n",
        recompute_text(c->recompute), c->zero, gw_precision_name(c->precision));
}

/* ---- Megatron-LM -------------------------------------------------------- */

static const char *mlm_cp_comm(int cc)
{
    switch (cc) {
    case GW_TRAIN_CP_ALLGATHER:
        return "allgather";
    case GW_TRAIN_CP_A2A:
        return "a2a";
    default:
        return "p2p";
    }
}

static void megatron_model(ebuf *b, const facts *f)
{
    const gw_model *m = f->m;
    double seq = f->r->seq_len;
    put(b, "GPT_MODEL_ARGS=(\n");
    put(b, "  --num-layers %d\n", m->n_layers);
    put(b, "  --hidden-size %d\n", m->hidden);
    if (m->ffn_hidden > 0)
        put(b, "  --ffn-hidden-size %d\n", m->ffn_hidden);
    put(b, "  --num-attention-heads %d\n", m->n_heads);
    if (m->kv_lora_rank > 0) {
        put(b, "  --multi-latent-attention\n");
        if (m->q_lora_rank > 0)
            put(b, "  --q-lora-rank %d\n", m->q_lora_rank);
        put(b, "  --kv-lora-rank %d\n", m->kv_lora_rank);
        put(b, "  --qk-head-dim %d\n", m->qk_nope_head_dim);
        put(b, "  --qk-pos-emb-head-dim %d\n", m->qk_rope_head_dim);
        put(b, "  --v-head-dim %d\n", m->v_head_dim);
    } else {
        if (m->n_kv_heads > 0 && m->n_kv_heads != m->n_heads)
            put(b, "  --group-query-attention\n  --num-query-groups %d\n", m->n_kv_heads);
        if (m->head_dim > 0 && m->head_dim * m->n_heads != m->hidden)
            put(b, "  --kv-channels %d\n", m->head_dim);
    }
    put(b, "  --seq-length %.0f\n", seq);
    put(b, "  --max-position-embeddings %.0f\n",
        (double)m->max_seq > seq ? (double)m->max_seq : seq);
    if (m->mlp == GW_MLP_SWIGLU)
        put(b, "  --swiglu\n");
    else if (m->mlp == GW_MLP_RELU2)
        put(b, "  --squared-relu\n");
    if (!m->mlp_bias) {
        put(b, "  --disable-bias-linear\n");
        if (m->attn_bias)
            put(b, "  --add-qkv-bias\n");
    }
    if (!m->tied_embeddings)
        put(b, "  --untie-embeddings-and-output-weights\n");
    if (!m->learned_pos_emb)
        put(b, "  --position-embedding-type rope\n");
    if (f->moe) {
        put(b, "  --num-experts %d\n", m->n_experts);
        put(b, "  --moe-router-topk %d\n", m->top_k);
        put(b, "  --moe-ffn-hidden-size %d\n", m->moe_ffn_hidden);
        if (m->n_shared_experts > 0)
            put(b, "  --moe-shared-expert-intermediate-size %d\n",
                m->n_shared_experts * m->shared_ffn_hidden);
        if (!all_moe(m)) {
            put(b, "  --moe-layer-freq \"");
            moe_pattern_runs(b, m);
            put(b, "\"\n");
        }
        put(b, "  --moe-grouped-gemm\n");
    }
    if (m->n_mtp_layers > 0)
        put(b, "  --mtp-num-layers %d\n", m->n_mtp_layers);
    if (!m->learned_pos_emb)
        put(b,
            "  # rope assumed (no learned position table); rotary base and scaling, "
            "--normalization\n  # (LayerNorm by default) and the tokenizer/vocabulary "
            "(%d) are not in gigawatt's\n  # model record: take them from the model's "
            "recipe\n",
            m->vocab);
    else
        put(b,
            "  # --normalization and the tokenizer/vocabulary (%d) are not in gigawatt's "
            "model record:\n  # take them from the model's recipe\n",
            m->vocab);
    if (m->sliding_window > 0)
        put(b,
            "  # sliding-window attention (%d tokens on %d layers): set --window-size and\n"
            "  # --window-attn-skip-freq from the model's recipe\n",
            m->sliding_window, m->n_sliding_layers);
    put(b, ")\n\n");
}

static void megatron_parallel(ebuf *b, const facts *f)
{
    const gw_train_config *c = f->c;
    const gw_train_result *r = f->r;
    put(b, "MODEL_PARALLEL_ARGS=(\n");
    put(b, "  --tensor-model-parallel-size %d\n", c->tp);
    if (c->tp > 1 && c->seq_parallel)
        put(b, "  --sequence-parallel\n");
    if (c->tp > 1 && c->seq_parallel && r->tp_comm_overlap)
        put(b, "  --tp-comm-overlap\n");
    put(b, "  --pipeline-model-parallel-size %d\n", c->pp);
    if (needs_layout(f)) {
        put(b,
            "  # stages of %d, %d and %d layers (first, middle, last) over %d virtual "
            "stages:\n  # Megatron-Core needs the split as a layout\n",
            f->nfirst, f->lmax, f->nlast, c->vpp);
        put(b, "  --pipeline-model-parallel-layout \"");
        layout(b, f);
        put(b, "\"\n");
    } else {
        if (c->vpp > 1)
            put(b, "  --num-virtual-stages-per-pipeline-rank %d\n", c->vpp);
        if (f->uneven && f->nfirst != f->lmax)
            put(b, "  --decoder-first-pipeline-num-layers %d\n", f->nfirst);
        if (f->uneven && f->nlast != f->lmax)
            put(b, "  --decoder-last-pipeline-num-layers %d\n", f->nlast);
    }
    put(b, "  --context-parallel-size %d\n", c->cp);
    if (c->cp > 1)
        put(b, "  --cp-comm-type %s\n", mlm_cp_comm(c->cp_comm));
    if (f->moe) {
        put(b, "  --expert-model-parallel-size %d\n", c->ep);
        put(b, "  --expert-tensor-parallel-size %d\n", f->etp);
    }
    put(b, "  # data-parallel size %d is derived: world size %.0f / (TP %d x PP %d x CP %d)\n",
        c->dp, r->best.gpus_used, c->tp, c->pp, c->cp);
    put(b, ")\n\n");
}

static void megatron_moe(ebuf *b, const facts *f)
{
    const gw_train_result *r = f->r;
    if (!f->moe)
        return;
    put(b, "MOE_ARGS=(\n");
    if (f->deepep)
        put(b, "  --moe-token-dispatcher-type flex\n  --moe-flex-dispatcher-backend deepep\n");
    else
        put(b, "  --moe-token-dispatcher-type alltoall\n");
    if (r->moe_node_limit > 0 && f->ep_nodes > 1) {
        put(b, "  --moe-router-num-groups %d\n", f->ep_nodes);
        put(b, "  --moe-router-group-topk %d\n",
            r->moe_node_limit < f->ep_nodes ? r->moe_node_limit : f->ep_nodes);
    }
    if (r->moe_capacity_factor > 0)
        put(b, "  --moe-expert-capacity-factor %g\n", r->moe_capacity_factor);
    if (r->cuda_graphs)
        put(b, "  --cuda-graph-impl transformer_engine\n"
               "  # dropless MoE layers are captured in parts (--cuda-graph-modules attn "
               "moe_router\n  # moe_preprocess); whole MoE layers need drop-and-pad\n");
    if (f->a2a > 0)
        put(b, "  --overlap-moe-expert-parallel-comm\n  --delay-wgrad-compute\n");
    else if (f->a2a < 0)
        put(b, "  # EP all-to-all timed exposed: --overlap-moe-expert-parallel-comm needs PP 1\n"
               "  # or interleaving, no full recomputation and 2+ micro-batches\n");
    if (r->dualpipe)
        put(b, "  # DualPipe (DeepSeek-V3): no Megatron-LM schedule; the closest is\n"
               "  # --overlap-moe-expert-parallel-comm (EP all-to-all hidden behind another\n"
               "  # micro-batch in 1F1B)\n");
    if (r->fp8_dispatch)
        put(b, "  # FP8 dispatch: no Megatron-LM flag (a DeepEP kernel option)\n");
    if (r->fp8_grouped_native)
        put(b, "  # FP8 grouped GEMMs at the dense rate (DeepGEMM): no Megatron-LM flag\n");
    put(b, ")\n\n");
}

/* The plan timed the DP sync after the backward pass (dp_sync after or
 * after-allreduce): the overlap switches would launch a faster stack than
 * the one timed. ZeRO-3 keeps FSDP's overlap whatever dp_sync says. */
static bool dp_after(const facts *f)
{
    return f->r->dp_sync != GW_TRAIN_DP_SYNC_OVERLAP && f->c->zero < 3;
}

static void megatron_training(ebuf *b, const facts *f)
{
    const gw_train_config *c = f->c;
    put(b, "TRAINING_ARGS=(\n");
    put(b, "  --micro-batch-size %d\n", c->micro_batch);
    put(b, "  --global-batch-size %.0f\n", c->global_batch_seqs);
    if (c->recompute == GW_TRAIN_RECOMPUTE_SELECTIVE) {
        put(b, "  --recompute-granularity selective\n");
    } else if (c->recompute == GW_TRAIN_RECOMPUTE_FULL) {
        put(b, "  --recompute-granularity full\n  --recompute-method uniform\n"
               "  --recompute-num-layers 1\n");
    }
    switch (c->zero) {
    case 0:
        break;
    case 1:
        put(b, "  --use-distributed-optimizer\n");
        break;
    default:
        put(b, "  --use-megatron-fsdp\n  --data-parallel-sharding-strategy %s\n",
            c->zero == 2 ? "optim_grads" : "optim_grads_params");
        break;
    }
    if (hsdp_replicas(c) > 1)
        put(b, "  --num-distributed-optimizer-instances %d\n", hsdp_replicas(c));
    if (f->dp_grad > 1 && !dp_after(f)) {
        put(b, "  --overlap-grad-reduce\n");
        if (c->zero >= 1)
            put(b, "  --overlap-param-gather\n");
    } else if (f->dp_grad > 1) {
        put(b,
            "  # DP sync timed exposed (dp_sync %s): the chosen stack does not overlap\n"
            "  # it, so no --overlap-grad-reduce / --overlap-param-gather\n",
            gw_train_dp_sync_name((gw_train_dp_sync)f->r->dp_sync));
        if (f->r->dp_sync == GW_TRAIN_DP_SYNC_AFTER_ALLREDUCE && c->zero >= 1)
            put(b, "  # (timed with the gradients all-reduced in full, as DeepSpeed's BF16\n"
                   "  # optimizer does; Megatron's distributed optimizer reduce-scatters)\n");
    }
    put(b, "  --bf16\n");
    if (c->precision == GW_PREC_FP8) {
        if (f->r->fp8_recipe == GW_TRAIN_FP8_BLOCK && f->mxfp8)
            put(b, "  --fp8-format e4m3\n  --fp8-recipe mxfp8\n");
        else if (f->r->fp8_recipe == GW_TRAIN_FP8_BLOCK)
            put(b, "  --fp8-format hybrid\n  --fp8-recipe blockwise\n");
        else
            put(b, "  --fp8-format hybrid\n  --fp8-recipe tensorwise\n");
    } else if (c->precision == GW_PREC_FP4) {
        put(b, "  --fp4-format e2m1\n  --fp4-recipe nvfp4\n");
    }
    put(b, ")\n\n");
}

static void render_megatron(ebuf *b, const facts *f)
{
    header(b, f,
           "Megatron-LM pretrain_gpt.py arguments (bash arrays, as in Megatron-LM's "
           "examples/)");
    megatron_model(b, f);
    megatron_parallel(b, f);
    megatron_moe(b, f);
    megatron_training(b, f);
    put(b,
        "# torchrun --nnodes N --nproc-per-node G pretrain_gpt.py \"${GPT_MODEL_ARGS[@]}\" "
        "\\\n#   \"${MODEL_PARALLEL_ARGS[@]}\" %s\"${TRAINING_ARGS[@]}\" "
        "DATA_AND_LOGGING_ARGS...\n",
        f->moe ? "\"${MOE_ARGS[@]}\" " : "");
}

/* ---- NeMo Megatron-Bridge ------------------------------------------------ */

static const char *bridge_precision(const facts *f)
{
    switch (f->c->precision) {
    case GW_PREC_FP8:
        if (f->r->fp8_recipe == GW_TRAIN_FP8_BLOCK)
            return f->mxfp8 ? "bf16_with_mxfp8_mixed" : "bf16_with_fp8_subchannel_scaling_mixed";
        return "bf16_with_fp8_current_scaling_mixed";
    case GW_PREC_FP4:
        return "bf16_with_nvfp4_mixed";
    default:
        return "bf16_mixed";
    }
}

static void render_nemo(ebuf *b, const facts *f)
{
    const gw_model *m = f->m;
    const gw_train_config *c = f->c;
    const gw_train_result *r = f->r;
    header(b, f,
           "NeMo Megatron-Bridge ConfigContainer overrides (KEY=VALUE) for "
           "scripts/training/run_recipe.py");
    put(b, "BRIDGE_OVERRIDES=(\n");
    put(b, "  model.num_layers=%d\n", m->n_layers);
    put(b, "  model.hidden_size=%d\n", m->hidden);
    if (m->ffn_hidden > 0)
        put(b, "  model.ffn_hidden_size=%d\n", m->ffn_hidden);
    put(b, "  model.num_attention_heads=%d\n", m->n_heads);
    if (m->kv_lora_rank > 0) {
        put(b, "  model.multi_latent_attention=true\n");
        if (m->q_lora_rank > 0)
            put(b, "  model.q_lora_rank=%d\n", m->q_lora_rank);
        put(b, "  model.kv_lora_rank=%d\n", m->kv_lora_rank);
        put(b, "  model.qk_head_dim=%d\n", m->qk_nope_head_dim);
        put(b, "  model.qk_pos_emb_head_dim=%d\n", m->qk_rope_head_dim);
        put(b, "  model.v_head_dim=%d\n", m->v_head_dim);
    } else {
        if (m->n_kv_heads > 0 && m->n_kv_heads != m->n_heads)
            put(b, "  model.num_query_groups=%d\n", m->n_kv_heads);
        if (m->head_dim > 0 && m->head_dim * m->n_heads != m->hidden)
            put(b, "  model.kv_channels=%d\n", m->head_dim);
    }
    put(b, "  model.seq_length=%.0f\n  dataset.seq_length=%.0f\n", r->seq_len, r->seq_len);
    put(b, "  model.max_position_embeddings=%.0f\n",
        (double)m->max_seq > r->seq_len ? (double)m->max_seq : r->seq_len);
    if (m->mlp == GW_MLP_SWIGLU)
        put(b, "  model.gated_linear_unit=true\n  model.activation_func=silu\n");
    else if (m->mlp == GW_MLP_RELU2)
        put(b, "  model.activation_func=squared_relu\n");
    if (!m->mlp_bias) {
        put(b, "  model.add_bias_linear=false\n");
        if (m->attn_bias)
            put(b, "  model.add_qkv_bias=true\n");
    }
    if (!m->tied_embeddings)
        put(b, "  model.share_embeddings_and_output_weights=false\n");
    if (!m->learned_pos_emb)
        put(b, "  model.position_embedding_type=rope\n");
    if (f->moe) {
        put(b, "  model.num_moe_experts=%d\n", m->n_experts);
        put(b, "  model.moe_router_topk=%d\n", m->top_k);
        put(b, "  model.moe_ffn_hidden_size=%d\n", m->moe_ffn_hidden);
        if (m->n_shared_experts > 0)
            put(b, "  model.moe_shared_expert_intermediate_size=%d\n",
                m->n_shared_experts * m->shared_ffn_hidden);
        if (!all_moe(m)) {
            put(b, "  model.moe_layer_freq=");
            moe_pattern_list(b, m);
            put(b, "\n");
        }
        put(b, "  model.moe_grouped_gemm=true\n");
        put(b, "  model.moe_token_dispatcher_type=%s\n", f->deepep ? "flex" : "alltoall");
        if (f->deepep)
            put(b, "  model.moe_flex_dispatcher_backend=deepep\n");
        if (r->moe_node_limit > 0 && f->ep_nodes > 1) {
            put(b, "  model.moe_router_num_groups=%d\n", f->ep_nodes);
            put(b, "  model.moe_router_group_topk=%d\n",
                r->moe_node_limit < f->ep_nodes ? r->moe_node_limit : f->ep_nodes);
        }
        if (r->moe_capacity_factor > 0)
            put(b, "  model.moe_expert_capacity_factor=%g\n", r->moe_capacity_factor);
    }
    if (m->n_mtp_layers > 0)
        put(b, "  model.mtp_num_layers=%d\n", m->n_mtp_layers);
    put(b, "  model.tensor_model_parallel_size=%d\n", c->tp);
    if (c->tp > 1)
        put(b, "  model.sequence_parallel=%s\n", c->seq_parallel ? "true" : "false");
    if (c->tp > 1 && c->seq_parallel && r->tp_comm_overlap)
        put(b, "  model.tp_comm_overlap=true\n");
    put(b, "  model.pipeline_model_parallel_size=%d\n", c->pp);
    if (needs_layout(f)) {
        put(b,
            "  # stages of %d, %d and %d layers (first, middle, last) over %d virtual "
            "stages:\n  # Megatron-Core needs the split as a layout\n",
            f->nfirst, f->lmax, f->nlast, c->vpp);
        put(b, "  'model.pipeline_model_parallel_layout=\"");
        layout(b, f);
        put(b, "\"'\n");
    } else {
        if (c->vpp > 1)
            put(b, "  model.virtual_pipeline_model_parallel_size=%d\n", c->vpp);
        if (f->uneven && f->nfirst != f->lmax)
            put(b, "  model.num_layers_in_first_pipeline_stage=%d\n", f->nfirst);
        if (f->uneven && f->nlast != f->lmax)
            put(b, "  model.num_layers_in_last_pipeline_stage=%d\n", f->nlast);
    }
    put(b, "  model.context_parallel_size=%d\n", c->cp);
    if (c->cp > 1)
        put(b, "  model.cp_comm_type=%s\n", mlm_cp_comm(c->cp_comm));
    if (f->moe) {
        put(b, "  model.expert_model_parallel_size=%d\n", c->ep);
        put(b, "  model.expert_tensor_parallel_size=%d\n", f->etp);
    }
    put(b, "  train.micro_batch_size=%d\n", c->micro_batch);
    put(b, "  train.global_batch_size=%.0f\n", c->global_batch_seqs);
    if (c->recompute == GW_TRAIN_RECOMPUTE_SELECTIVE) {
        put(b, "  model.recompute_granularity=selective\n");
    } else if (c->recompute == GW_TRAIN_RECOMPUTE_FULL) {
        put(b, "  model.recompute_granularity=full\n  model.recompute_method=uniform\n"
               "  model.recompute_num_layers=1\n");
    } else {
        put(b, "  model.recompute_granularity=null\n");
    }
    if (c->zero == 1) {
        put(b, "  ddp.use_distributed_optimizer=true\n");
    } else if (c->zero >= 2) {
        put(b, "  ddp.use_megatron_fsdp=true\n  ddp.data_parallel_sharding_strategy=%s\n",
            c->zero == 2 ? "optim_grads" : "optim_grads_params");
    } else {
        put(b, "  ddp.use_distributed_optimizer=false\n");
    }
    if (hsdp_replicas(c) > 1)
        put(b, "  ddp.num_distributed_optimizer_instances=%d\n", hsdp_replicas(c));
    if (f->dp_grad > 1 && !dp_after(f)) {
        put(b, "  ddp.overlap_grad_reduce=true\n");
        if (c->zero >= 1)
            put(b, "  ddp.overlap_param_gather=true\n");
    } else if (f->dp_grad > 1) {
        put(b,
            "  # DP sync timed exposed (dp_sync %s): the chosen stack does not overlap\n"
            "  # it, so no ddp.overlap_grad_reduce / ddp.overlap_param_gather\n",
            gw_train_dp_sync_name((gw_train_dp_sync)f->r->dp_sync));
        if (f->r->dp_sync == GW_TRAIN_DP_SYNC_AFTER_ALLREDUCE && c->zero >= 1)
            put(b, "  # (timed with the gradients all-reduced in full, as DeepSpeed's BF16\n"
                   "  # optimizer does; Megatron's distributed optimizer reduce-scatters)\n");
    }
    put(b, "  mixed_precision=%s\n", bridge_precision(f));
    if (f->moe && r->cuda_graphs)
        put(b, "  model.cuda_graph_impl=transformer_engine\n");
    if (f->a2a > 0)
        put(b, "  comm_overlap.overlap_moe_expert_parallel_comm=true\n"
               "  comm_overlap.delay_wgrad_compute=true\n"
               "  # (the recipe needs a comm_overlap config; the model.* fields are\n"
               "  # overwritten from it)\n");
    else if (f->a2a < 0)
        put(b, "  # EP all-to-all timed exposed: comm_overlap.overlap_moe_expert_parallel_comm\n"
               "  # needs PP 1 or interleaving, no full recomputation and 2+ micro-batches\n");
    if (f->moe && r->dualpipe)
        put(b, "  # DualPipe (DeepSeek-V3): no Megatron-Bridge schedule; the closest is\n"
               "  # comm_overlap.overlap_moe_expert_parallel_comm=true (EP all-to-all hidden\n"
               "  # behind another micro-batch in 1F1B)\n");
    if (f->moe && r->fp8_dispatch)
        put(b, "  # FP8 dispatch: no Megatron-Bridge field (a DeepEP kernel option)\n");
    if (f->moe && r->fp8_grouped_native)
        put(b, "  # FP8 grouped GEMMs at the dense rate (DeepGEMM): no Megatron-Bridge field\n");
    put(b, "  # data-parallel size %d is derived: world size %.0f / (TP %d x PP %d x CP %d)\n",
        c->dp, r->best.gpus_used, c->tp, c->pp, c->cp);
    put(b, ")\n\n");
    put(b, "# python scripts/training/run_recipe.py --recipe <the model's pretrain recipe> "
           "--mode pretrain \\\n#   \"${BRIDGE_OVERRIDES[@]}\"\n");
}

/* ---- torchtitan --------------------------------------------------------- */

static void render_torchtitan(ebuf *b, const facts *f)
{
    const gw_model *m = f->m;
    const gw_train_config *c = f->c;
    const gw_train_result *r = f->r;
    int vpp = c->vpp > 0 ? c->vpp : 1;
    bool fp8 = c->precision == GW_PREC_FP8;
    bool block = fp8 && r->fp8_recipe == GW_TRAIN_FP8_BLOCK;
    header(b, f,
           "torchtitan job config (TOML, torchtitan v0.2.2 "
           "torchtitan/config/job_config.py): merge into the model's train config");
    put(b,
        "# [model] name and flavor: the torchtitan model matching %s (%d layers, hidden "
        "%d)\n",
        m->name, m->n_layers, m->hidden);
    put(b, "\n[training]\n");
    if (c->pp > 1) {
        /* The pipeline schedule runs every micro-batch of a step. */
        put(b, "local_batch_size = %.0f\n", c->global_batch_seqs / c->dp);
    } else {
        put(b, "local_batch_size = %d\n", c->micro_batch);
    }
    put(b, "global_batch_size = %.0f\n", c->global_batch_seqs);
    put(b, "seq_len = %.0f\n", r->seq_len);

    put(b, "\n[parallelism]\n");
    if (c->zero == 0) {
        put(b, "data_parallel_replicate_degree = %d\n", c->dp);
        put(b, "data_parallel_shard_degree = 1\n");
        if (c->dp > 1 && (c->tp > 1 || c->pp > 1 || c->cp > 1))
            put(b, "# ZeRO 0 with TP/PP/CP: torchtitan v0.2.2 refuses DDP with other "
                   "parallelisms\n# (\"DDP has not supported > 1D parallelism\"); shard "
                   "instead (FSDP)\n");
    } else {
        /* HSDP: torchtitan shards over dp_shard x cp, so the shard group
         * counts CP ranks in. */
        int rep = hsdp_replicas(c);
        put(b, "data_parallel_replicate_degree = %d\n", rep);
        put(b, "data_parallel_shard_degree = %d\n", c->dp / rep);
        put(b, "fsdp_reshard_after_forward = \"%s\"\n", c->zero == 3 ? "always" : "never");
        if (c->zero == 1)
            put(b, "# ZeRO 1 (optimizer state sharded, gradients and weights whole): no "
                   "torchtitan\n# equivalent; FSDP keeping weights gathered from forward to "
                   "backward is the nearest\n");
        else if (c->zero == 2)
            put(b, "# ZeRO 2: FSDP keeping weights gathered from forward to backward is the "
                   "nearest\n");
    }
    put(b, "tensor_parallel_degree = %d\n", c->tp);
    if (c->tp > 1 && r->tp_comm_overlap)
        put(b, "enable_async_tensor_parallel = true\n");
    if (c->tp > 1 && !c->seq_parallel)
        put(b, "# TP without sequence parallelism: no switch, torchtitan always shards "
               "norms along the sequence\n");
    put(b, "pipeline_parallel_degree = %d\n", c->pp);
    if (c->pp > 1) {
        int stages = r->dualpipe && vpp == 1 ? 2 : vpp;
        const char *sched = r->dualpipe && vpp == 1 ? "DualPipeV"
                            : vpp > 1               ? "Interleaved1F1B"
                                                    : "1F1B";
        put(b, "pipeline_parallel_schedule = \"%s\"\n", sched);
        if (r->dualpipe && vpp == 1)
            put(b, "# DualPipeV is DualPipe's V-shaped variant: one weight copy, not the two "
                   "the\n# model assumed for DualPipe\n");
        int lps = f->lmax / stages;
        if (f->lmax % stages == 0 && !f->mixed && f->nfirst <= f->lmax && f->nlast <= f->lmax) {
            put(b, "pipeline_parallel_layers_per_stage = %d\n", lps);
            put(b, "pipeline_parallel_first_stage_less_layers = %d\n", f->lmax - f->nfirst);
            put(b, "pipeline_parallel_last_stage_less_layers = %d\n", f->lmax - f->nlast);
        } else {
            put(b,
                "# %d layers per rank do not split into %d stages; set "
                "module_fqns_per_model_part\n",
                f->lmax, stages);
        }
        put(b, "pipeline_parallel_microbatch_size = %d\n", c->micro_batch);
    }
    put(b, "context_parallel_degree = %d\n", c->cp);
    if (c->cp > 1) {
        if (c->cp_comm == GW_TRAIN_CP_A2A)
            put(b, "# CP all-to-all of heads (Ulysses): no torchtitan equivalent "
                   "(context_parallel_rotate_method\n# is allgather or alltoall)\n");
        else
            put(b, "context_parallel_rotate_method = \"%s\"\n",
                c->cp_comm == GW_TRAIN_CP_ALLGATHER ? "allgather" : "alltoall");
    }
    if (f->moe) {
        put(b, "expert_parallel_degree = %d\n", c->ep);
        if (f->etp == 1 || f->etp == c->tp)
            put(b, "expert_tensor_parallel_degree = %d\n", f->etp);
        else
            put(b, "# expert TP %d: torchtitan supports expert TP 1 or equal to TP (%d) only\n",
                f->etp, c->tp);
        if (f->deepep)
            put(b, "expert_parallel_comm_backend = \"deepep\"\n");
        if (r->moe_node_limit > 0)
            put(b,
                "# node-limited routing (at most %d nodes): a model-flavor setting in torchtitan, "
                "not a job-config key\n",
                r->moe_node_limit);
        if (r->moe_capacity_factor > 0)
            put(b,
                "# capacity factor %g: no torchtitan job-config key (its MoE is "
                "dropless)\n",
                r->moe_capacity_factor);
        if (r->fp8_dispatch)
            put(b, "# FP8 dispatch: no torchtitan job-config key\n");
        if (r->cuda_graphs)
            put(b, "# CUDA graphs of the expert blocks: no torchtitan v0.2.2 job-config "
                   "key\n");
        if (f->a2a > 0)
            put(b, "# the plan hides part of the EP all-to-all (Megatron-Core's 1F1B A2A\n"
                   "# overlap); torchtitan has no such overlap (its DeepEP MoE runs only shared\n"
                   "# experts under the combine): plan with --moe-a2a-overlap off\n");
    }
    if (m->n_mtp_layers > 0)
        put(b,
            "# %d multi-token-prediction module(s): part of the model flavor, not a "
            "job-config key\n",
            m->n_mtp_layers);

    put(b, "\n[activation_checkpoint]\n");
    put(b, "mode = \"%s\"\n", recompute_text(c->recompute));
    if (c->recompute == GW_TRAIN_RECOMPUTE_SELECTIVE)
        put(b, "selective_ac_option = \"op\"\n# torchtitan's per-op policy saves matmul "
               "outputs; the model's selective\n# recomputation (attention core) is close, "
               "not identical\n");

    if (c->tp > 1 && r->tp_comm_overlap)
        put(b, "\n[compile]\nenable = true\n# async TP (the TP overlap the model assumed) "
               "needs torch.compile\n");

    if (fp8 && (!block || f->mxfp8)) {
        const char *lin = block ? "quantize.linear.mx" : "quantize.linear.float8";
        const char *grp = block ? "quantize.grouped_mm.mx" : "quantize.grouped_mm.float8";
        put(b, "\n[model]\n");
        if (f->moe)
            put(b, "converters = [\"%s\", \"%s\"]\n", lin, grp);
        else
            put(b, "converters = [\"%s\"]\n", lin);
        if (block) {
            put(b, "\n[quantize.linear.mx]\nrecipe_name = \"mxfp8_cublas\"\n");
            if (f->moe)
                put(b, "\n[quantize.grouped_mm.mx]\nrecipe_name = \"mxfp8\"\nfqns = "
                       "[\"experts\"]\n");
        } else {
            put(b, "\n[quantize.linear.float8]\nrecipe_name = \"tensorwise\"\n");
            if (f->moe)
                put(b, "\n[quantize.grouped_mm.float8]\nfqns = [\"experts\"]\n");
        }
    } else if (block) {
        put(b,
            "\n# FP8 with 1x128 block scaling on %s: no torchtitan recipe (float8 "
            "recipes are\n# tensorwise, rowwise, rowwise_with_gw_hp; MXFP8 needs "
            "Blackwell); runs BF16 as written\n",
            f->a->name);
    } else if (c->precision == GW_PREC_FP4) {
        put(b, "\n# FP4 (NVFP4) training: no torchtitan v0.2.2 recipe; runs BF16 as "
               "written\n");
    }
}

/* ---- Public API ---------------------------------------------------------- */

static const char *const fmt_names[GW_TRAIN_EMIT_COUNT_] = {"megatron", "nemo", "torchtitan"};

const char *gw_train_emit_name(gw_train_emit_fmt f)
{
    if ((int)f < 0 || f >= GW_TRAIN_EMIT_COUNT_)
        return "?";
    return fmt_names[f];
}

gw_status gw_train_emit_parse(const char *text, gw_train_emit_fmt *out)
{
    if (text == NULL || out == NULL)
        return GW_EINVAL;
    for (int i = 0; i < (int)GW_TRAIN_EMIT_COUNT_; i++) {
        if (strcmp(text, fmt_names[i]) == 0) {
            *out = (gw_train_emit_fmt)i;
            return GW_OK;
        }
    }
    return GW_EPARSE;
}

gw_status gw_train_emit(gw_ctx *ctx, const gw_train_result *r, gw_train_emit_fmt f, char **out,
                        gw_error *err)
{
    if (ctx == NULL || r == NULL || out == NULL)
        return gw__err(err, GW_EINVAL, "gw_train_emit: context, result and output required");
    if ((int)f < 0 || f >= GW_TRAIN_EMIT_COUNT_)
        return gw__err(err, GW_EINVAL, "gw_train_emit: unknown framework %d", (int)f);
    if (r->n_feasible == 0 || r->model_def == NULL || r->accel_def == NULL)
        return gw__err(err, GW_EINVAL, "gw_train_emit: the result holds no feasible configuration");
    facts fa;
    facts_init(&fa, r);
    ebuf b = {ctx, NULL, 0, 0, GW_OK};
    switch (f) {
    case GW_TRAIN_EMIT_MEGATRON:
        render_megatron(&b, &fa);
        break;
    case GW_TRAIN_EMIT_NEMO:
        render_nemo(&b, &fa);
        break;
    default:
        render_torchtitan(&b, &fa);
        break;
    }
    if (b.st != GW_OK) {
        gw_free(ctx, b.p);
        if (b.st == GW_ENOMEM)
            return gw__err(err, GW_ENOMEM, "out of memory rendering the %s configuration",
                           fmt_names[f]);
        return gw__err(err, b.st, "the %s configuration exceeds %d bytes", fmt_names[f],
                       GW_TRAIN_EMIT_MAX_BYTES);
    }
    *out = b.p;
    return GW_OK;
}
