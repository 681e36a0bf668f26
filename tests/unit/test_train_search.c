/* SPDX-License-Identifier: MIT */
/*
 * test_train_search.c: the parallelism search (gw_train_plan): fixed
 * dimensions are honoured, the result does not depend on the thread count,
 * infeasible problems fail with GW_EINFEASIBLE, whole-run figures follow
 * from the step time, and the report carries the breakdown.
 */
#define _POSIX_C_SOURCE 200809L
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_env.h"

typedef struct fixture {
    gw_ctx *ctx;
    gw_catalog *cat;
    gw_train_params p;
    const gw_accel *h100;
} fixture;

/* A 1.3B-class GPT: 24 layers, h = 2048, 16 heads, f = 8192, V = 50257. */
static gw_model gpt(void)
{
    gw_model m;
    memset(&m, 0, sizeof m);
    m.name = "gpt-1.3b";
    m.model_type = "gpt2";
    m.n_layers = 24;
    m.hidden = 2048;
    m.n_heads = 16;
    m.n_kv_heads = 16;
    m.head_dim = 128;
    m.ffn_hidden = 8192;
    m.vocab = 50257;
    m.max_seq = 2048;
    m.mlp = GW_MLP_GELU;
    return m;
}

/* Field-wise comparison (struct padding is unspecified). */
static void same_cfg(const gw_train_config *a, const gw_train_config *b)
{
    assert_int_equal(a->tp, b->tp);
    assert_int_equal(a->pp, b->pp);
    assert_int_equal(a->vpp, b->vpp);
    assert_int_equal(a->dp, b->dp);
    assert_int_equal(a->cp, b->cp);
    assert_int_equal(a->ep, b->ep);
    assert_int_equal(a->micro_batch, b->micro_batch);
    assert_int_equal(a->recompute, b->recompute);
    assert_int_equal(a->zero, b->zero);
    assert_int_equal(a->precision, b->precision);
    assert_true(a->global_batch_seqs == b->global_batch_seqs);
}

static int setup(void **state)
{
    static fixture f;
    gw_error err;
    memset(&err, 0, sizeof err);
    if (gw_test_open(&f.ctx, &f.cat) != 0 ||
        gw_train_params_load(f.ctx, GW_SOURCE_DIR "/data", &f.p, &err) != GW_OK ||
        gw_catalog_accel_find(f.cat, "h100-sxm", &f.h100, &err) != GW_OK) {
        print_error("setup: %s\n", err.msg);
        return -1;
    }
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gw_test_close(f->ctx, f->cat);
    return 0;
}

static void fixed_dimensions(void **state)
{
    fixture *f = *state;
    gw_model m = gpt();
    gw_train_opts o;
    gw_train_opts_init(&o);
    o.n_gpus = 64;
    o.seq_len = 2048;
    o.global_batch_seqs = 512;
    o.params = &f->p;
    o.tp = 2;
    o.pp = 2;
    o.zero = 1;
    gw_train_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_train_plan(f->ctx, f->cat, &m, f->h100, NULL, &o, r, &err), GW_OK);
    /* 64 GPUs = 2 x 2 x cp x dp with cp = 1 (2048 tokens < 2 x 4096 per
     * CP rank), so dp = 16 and 512 / 16 = 32 sequences per replica. */
    assert_int_equal(r->best.cfg.tp, 2);
    assert_int_equal(r->best.cfg.pp, 2);
    assert_int_equal(r->best.cfg.cp, 1);
    assert_int_equal(r->best.cfg.dp, 16);
    assert_int_equal(r->best.cfg.zero, 1);
    assert_int_equal(r->best.grad_accum * r->best.cfg.micro_batch, 32);
    for (size_t i = 0; i < r->n_top; i++) {
        assert_int_equal(r->top[i].cfg.tp, 2);
        assert_true(r->top[i].tokens_per_s <= r->best.tokens_per_s);
        assert_true(r->top[i].why[0] != '\0');
    }
    /* Tokens/s = tokens per step / step time; MFU = model FLOPs / (step x
     * GPUs x peak). */
    assert_true(fabs(r->best.tokens_per_s * r->best.time.step_s - 512.0 * 2048) < 1e-3);
    assert_true(fabs(r->best.mfu - r->flops.model / (r->best.time.step_s * 64 *
                                                     f->h100->peak_flops[GW_PREC_BF16])) < 1e-9);
    free(r);
}

/* A fractional GPU count is refused with the value as given: %g used to
 * print 1000000.5 as "1e+06", which reads like a valid count. */
/* Batch-size limits (docs/models/batch.md): the critical batch follows
 * B1 from the run's compute; batch_critical raises a smaller batch up to
 * it and never past it; the feed scan's job meets the MFU floor, and a
 * floor nothing reaches gives no job. */
static void critical_batch_and_feed(void **state)
{
    fixture *f = *state;
    gw_model m = gpt();
    gw_train_opts o;
    gw_train_opts_init(&o);
    o.n_gpus = 64;
    o.seq_len = 2048;
    o.global_batch_seqs = 64; /* 131k tokens, far below the bound */
    o.tokens = 26e9;
    o.params = &f->p;
    o.feed_min_mfu = 0.2;
    gw_train_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_train_plan(f->ctx, f->cat, &m, f->h100, NULL, &o, r, &err), GW_OK);
    double c = r->flops.per_token_model * 26e9;
    assert_true(fabs(r->critical_compute_flop / c - 1.0) < 1e-9);
    double want = f->p.crit_batch_coef * pow(c, f->p.crit_batch_exp);
    assert_true(fabs(r->critical_batch_tokens / want - 1.0) < 1e-9);
    assert_false(r->batch_raised);
    assert_true(r->global_batch_seqs == 64); /* fixed policy: kept */
    if (r->feed.gpus_used > 0) {
        assert_true(r->feed.mfu >= 0.2);
        assert_true(r->feed_peak_mfu >= r->feed.mfu);
    }
    /* Critical policy: raised to the bound, never beyond. */
    o.global_batch_seqs = 0;
    o.global_batch_tokens = 64 * 2048.0;
    o.batch_critical = true;
    o.batch_slack = 0.05;
    assert_int_equal(gw_train_plan(f->ctx, f->cat, &m, f->h100, NULL, &o, r, &err), GW_OK);
    assert_true(r->batch_raised);
    assert_true(r->tokens_per_step <= r->critical_batch_tokens);
    assert_true(r->tokens_per_step >= 0.9 * r->critical_batch_tokens);
    assert_true(r->requested_batch_seqs == 64);
    /* An MFU floor nothing reaches: no job, the peak says how far. */
    o.feed_min_mfu = 0.99;
    assert_int_equal(gw_train_plan(f->ctx, f->cat, &m, f->h100, NULL, &o, r, &err), GW_OK);
    assert_true(r->feed.gpus_used == 0);
    assert_true(r->feed_peak_mfu > 0 && r->feed_peak_mfu < 0.99);
    free(r);
}

/* Loosely coupled training (docs/models/loose.md L1-L4). */
static void loose_times(void **state)
{
    fixture *f = *state;
    gw_train_loose_in in;
    memset(&in, 0, sizeof in);
    in.replicas = 4;
    in.sync_every = 100;
    in.outer_bytes = 4;
    in.params = 1e9;
    in.inner_step_s = 1.0;
    in.link_Bps = 1e9;
    in.latency_s = 0.01;
    gw_train_loose lo;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_train_loose_eval(&f->p, &in, &lo, &err), GW_OK);
    /* V = 2 x 3/4 x 1e9 x 4 = 6e9 B; T = 6 s + 6 x 0.01 s. */
    assert_true(fabs(lo.outer_bytes_per_replica - 6e9) < 1);
    assert_true(fabs(lo.outer_sync_s - 6.06) < 1e-9);
    assert_true(fabs(lo.blocking_frac - 6.06 / 106.06) < 1e-12);
    assert_true(lo.streaming_frac == 0.0); /* hidden behind 100 s of steps */
    /* Hierarchical DP: 2 x 3/4 x 1e9 x 2 B = 3e9 B per step. */
    assert_true(fabs(lo.hdp_bytes_per_step - 3e9) < 1);
    assert_true(lo.in_range);
    /* Longer sync than H steps: Streaming shows the rest. */
    in.sync_every = 1;
    assert_int_equal(gw_train_loose_eval(&f->p, &in, &lo, &err), GW_OK);
    assert_true(fabs(lo.streaming_frac - 5.06 / 6.06) < 1e-12);
    assert_false(lo.in_range); /* H = 1 is below the published range */
    in.sync_every = 100;
    in.replicas = 300;
    assert_int_equal(gw_train_loose_eval(&f->p, &in, &lo, &err), GW_OK);
    assert_false(lo.in_range);
    assert_non_null(strstr(lo.why, "replicas"));
    in.link_Bps = 0;
    assert_int_equal(gw_train_loose_eval(&f->p, &in, &lo, &err), GW_EINVAL);
}

/* One setting's quality figure. */
static gw_train_loose quality_at(const gw_train_params *p, double n, double m, double h, bool moe)
{
    gw_train_loose_in in;
    memset(&in, 0, sizeof in);
    in.replicas = m;
    in.sync_every = h;
    in.outer_bytes = 4;
    in.params = n;
    in.inner_step_s = 1.0;
    in.link_Bps = 1e9;
    in.moe = moe;
    gw_train_loose lo;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_train_loose_eval(p, &in, &lo, &err), GW_OK);
    assert_true(lo.quality_known);
    return lo;
}

/* The quality cost (docs/models/loose.md Q1-Q3): every published row comes
 * back exactly; the interpolation is monotone where the rows are; outside
 * them the nearest row is given, flagged; the compute factor follows Q3. */
static void loose_quality_table(void **state)
{
    fixture *f = *state;
    const gw_train_params *p = &f->p;
    assert_true(p->n_loose_pts >= 40);
    for (size_t i = 0; i < p->n_loose_pts; i++) {
        gw_train_loose lo = quality_at(p, p->loose_pt[i].params, p->loose_pt[i].replicas,
                                       p->loose_pt[i].sync_every, false);
        assert_true(lo.in_range);
        assert_true(lo.loss_penalty == p->loose_pt[i].loss / p->loose_pt[i].dp_loss - 1.0);
        assert_true(
            fabs(lo.compute_factor - pow(1.0 + lo.loss_penalty, p->loose_compute_params_exp /
                                                                    p->loose_dp_loss_exp)) < 1e-12);
        assert_non_null(strstr(lo.fig_ref, p->loose_pt[i].ref));
    }
    /* Charles et al. Table 4, 2.4B, M = 8: 2.351 / 2.326 - 1 = +1.07%; worth
     * 1.0107^(2 / -0.0953) = 0.80 of data-parallel compute. */
    gw_train_loose lo = quality_at(p, 2.4e9, 8, 30, false);
    assert_true(fabs(lo.loss_penalty - 0.010748) < 1e-5);
    assert_true(fabs(lo.compute_factor - 0.7995) < 1e-3);
    /* Monotone in M (every published size has loss rising with M). */
    static const double sizes[] = {35e6, 200e6, 700e6, 1.3e9, 2e9};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        double prev = -1;
        for (double m = 1; m <= 8; m += 0.25) {
            lo = quality_at(p, sizes[k], m, 30, false);
            assert_true(lo.in_range);
            assert_true(lo.loss_penalty >= prev);
            prev = lo.loss_penalty;
        }
    }
    /* Monotone in N for M = 4 and 8 over Table 4 (35M-2.4B: strictly falling). */
    for (double m = 4; m <= 8; m += 4) {
        double prev = HUGE_VAL;
        for (double n = 35e6; n <= 2.4e9; n *= 1.1) {
            lo = quality_at(p, n, m, 30, false);
            assert_true(lo.in_range);
            assert_true(lo.loss_penalty < prev);
            prev = lo.loss_penalty;
        }
    }
    /* Between H = 30 and H = 100 at 1B, M = 2: between the two figures. */
    gw_train_loose a = quality_at(p, 1e9, 2, 30, false), b = quality_at(p, 1e9, 2, 100, false);
    lo = quality_at(p, 1e9, 2, 55, false);
    assert_true(lo.in_range);
    assert_true(lo.loss_penalty > fmin(a.loss_penalty, b.loss_penalty) &&
                lo.loss_penalty < fmax(a.loss_penalty, b.loss_penalty));
    /* Outside: M = 64 -> the nearest row (M 8, H 30, 2.4B), flagged. */
    lo = quality_at(p, 405e9, 64, 100, false);
    assert_false(lo.in_range);
    assert_non_null(strstr(lo.why, "64 replicas"));
    assert_non_null(strstr(lo.why, "405B-parameter"));
    assert_true(lo.fig_replicas == 8 && lo.fig_sync_every == 30 && lo.fig_params == 2.4e9);
    assert_true(fabs(lo.loss_penalty - 0.010748) < 1e-5);
    /* M = 8 has no rows above 2.4B: 10B is outside though each value is in. */
    lo = quality_at(p, 10e9, 8, 30, false);
    assert_false(lo.in_range);
    assert_non_null(strstr(lo.why, "no published rows"));
    assert_true(lo.fig_replicas == 8 && lo.fig_params == 2.4e9);
    /* H = 500: outside (H 30-100 published). */
    lo = quality_at(p, 1e9, 2, 500, false);
    assert_false(lo.in_range);
    assert_non_null(strstr(lo.why, "H = 500"));
    assert_true(lo.fig_sync_every == 100);
    /* An MoE model: the studies train dense ones. */
    lo = quality_at(p, 1e9, 2, 100, true);
    assert_false(lo.in_range);
    assert_non_null(strstr(lo.why, "mixture-of-experts"));
    /* No table: no figure. */
    gw_train_params *q = malloc(sizeof *q);
    assert_non_null(q);
    *q = *p;
    q->n_loose_pts = 0;
    gw_train_loose_in in;
    memset(&in, 0, sizeof in);
    in.replicas = 2;
    in.sync_every = 100;
    in.outer_bytes = 4;
    in.params = 1e9;
    in.inner_step_s = 1.0;
    in.link_Bps = 1e9;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_train_loose_eval(q, &in, &lo, &err), GW_OK);
    assert_false(lo.quality_known);
    assert_false(lo.in_range);
    free(q);
}

/* data/train.yaml with its text edited: old replaced by new (once). */
static gw_status load_edited(gw_ctx *ctx, const char *old, const char *new_text, gw_error *err)
{
    FILE *in = fopen(GW_SOURCE_DIR "/data/train.yaml", "rb");
    assert_non_null(in);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, in);
    fclose(in);
    buf[n] = '\0';
    char *at = strstr(buf, old);
    assert_non_null(at);
    char dir[] = "/tmp/gw_test_loose_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/train.yaml", dir);
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    fwrite(buf, 1, (size_t)(at - buf), out);
    fputs(new_text, out);
    fputs(at + strlen(old), out);
    fclose(out);
    gw_train_params *p = malloc(sizeof *p);
    assert_non_null(p);
    gw_status rc = gw_train_params_load(ctx, dir, p, err);
    free(p);
    remove(path);
    rmdir(dir);
    return rc;
}

/* Bad loose_quality rows fail with the row and field named. */
static void loose_quality_yaml_errors(void **state)
{
    fixture *f = *state;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(
        load_edited(f->ctx, "dp_loss: 3.485, loss: 3.482", "dp_loss: -1, loss: 3.482", &err),
        GW_ERANGE);
    char msg[600];
    gw_error_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, "train.yaml:"));
    assert_non_null(strstr(msg, "loose_quality[0].dp_loss: must be between"));
    memset(&err, 0, sizeof err);
    assert_int_equal(
        load_edited(f->ctx, "{params: 90M, replicas: 1,", "{params: 35M, replicas: 1,", &err),
        GW_ESCHEMA);
    gw_error_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, "loose_quality[4]: the same params, replicas and sync_every as "
                                "loose_quality[0]"));
    memset(&err, 0, sizeof err);
    assert_int_not_equal(
        load_edited(f->ctx, "{params: 35M, replicas: 1,", "{params: 35M, replicas: 1.5,", &err),
        GW_OK);
    gw_error_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, "loose_quality[0].replicas: expected a whole number"));
    memset(&err, 0, sizeof err);
    assert_int_equal(load_edited(f->ctx, "{params: 35M, replicas: 1,",
                                 "{params: 35M, replicas: 1, "
                                 "tokens: 1,",
                                 &err),
                     GW_ESCHEMA);
    gw_error_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, "loose_quality[0].tokens: unknown key"));
    memset(&err, 0, sizeof err);
    assert_int_equal(load_edited(f->ctx, "loose_dp_loss_exp: {value: -0.0953",
                                 "loose_dp_loss_exp: {value: 0.0953", &err),
                     GW_ERANGE);
    gw_error_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, "params.loose_dp_loss_exp: must be between -1 and -0.001"));
}

static void fractional_gpus_message(void **state)
{
    fixture *f = *state;
    gw_model m = gpt();
    gw_train_opts o;
    gw_train_opts_init(&o);
    o.n_gpus = 1000000.5;
    o.seq_len = 2048;
    o.global_batch_seqs = 512;
    o.params = &f->p;
    gw_train_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_train_plan(f->ctx, f->cat, &m, f->h100, NULL, &o, r, &err), GW_EINVAL);
    assert_string_equal(err.msg,
                        "GPU count must be a whole number between 1 and 1e9 inclusive, got "
                        "1000000.5");
    free(r);
}

static void thread_independent(void **state)
{
    fixture *f = *state;
    gw_model m = gpt();
    gw_train_opts o;
    gw_train_opts_init(&o);
    o.n_gpus = 256;
    o.seq_len = 2048;
    o.global_batch_tokens = 4e6; /* 1953 sequences -> 2048 (within 5 %) */
    o.batch_slack = 0.05;
    o.params = &f->p;
    o.top_k = 8;
    gw_train_result *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    gw_error err;
    gw_ctx_set_threads(f->ctx, 1);
    assert_int_equal(gw_train_plan(f->ctx, f->cat, &m, f->h100, NULL, &o, a, &err), GW_OK);
    gw_ctx_set_threads(f->ctx, 2);
    assert_int_equal(gw_train_plan(f->ctx, f->cat, &m, f->h100, NULL, &o, b, &err), GW_OK);
    assert_int_equal(a->n_evaluated, b->n_evaluated);
    assert_int_equal(a->n_feasible, b->n_feasible);
    assert_int_equal(a->n_top, b->n_top);
    same_cfg(&a->best.cfg, &b->best.cfg);
    for (size_t i = 0; i < a->n_top; i++)
        same_cfg(&a->top[i].cfg, &b->top[i].cfg);
    assert_true(a->global_batch_seqs == 2048);
    free(a);
    free(b);
}

static void infeasible_and_run(void **state)
{
    fixture *f = *state;
    gw_model m = gpt();
    m.n_layers = 2400; /* ~1.2T parameters on 8 GPUs: nothing fits */
    gw_train_opts o;
    gw_train_opts_init(&o);
    o.n_gpus = 8;
    o.seq_len = 2048;
    o.global_batch_seqs = 64;
    o.params = &f->p;
    gw_train_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_train_plan(f->ctx, f->cat, &m, f->h100, NULL, &o, r, &err), GW_EINFEASIBLE);
    assert_true(r->n_rejected[GW_TRAIN_REJECT_MEMORY] > 0);
    assert_non_null(strstr(err.msg, "memory"));

    /* Whole run: days = tokens / (tokens/s); GPU-hours = GPUs x seconds /
     * 3600; energy = GPUs x TDP x seconds. */
    m = gpt();
    o.tokens = 1e12;
    assert_int_equal(gw_train_plan(f->ctx, f->cat, &m, f->h100, NULL, &o, r, &err), GW_OK);
    assert_true(fabs(r->run_s - 1e12 / r->best.tokens_per_s) < 1e-6 * r->run_s);
    assert_true(fabs(r->gpu_hours - 8 * r->run_s / 3600) < 1e-6 * r->gpu_hours);
    assert_true(fabs(r->gpu_energy_j - 8 * f->h100->tdp_w * r->run_s) < 1e-6 * r->gpu_energy_j);

    /* The report carries the best configuration and its breakdown. */
    gw_doc *doc = gw_doc_new(f->ctx);
    assert_non_null(doc);
    gw_train_report(doc, NULL, r);
    assert_int_equal(gw_doc_status(doc), GW_OK);
    const gw_doc_node *n = gw_doc_get(gw_doc_root(doc), "train.best.step_time_s");
    assert_non_null(n);
    assert_true(fabs(gw_doc_node_num(n) - r->best.time.step_s) < 1e-12);
    assert_non_null(gw_doc_get(gw_doc_root(doc), "train.best.breakdown.bubble_s"));
    assert_non_null(gw_doc_get(gw_doc_root(doc), "train.run.gpu_hours"));
    gw_doc_free(doc);
    free(r);
}

static void deepseek_v3_gpu_hours(void **state)
{
    fixture *f = *state;
    const gw_model *m = NULL;
    const gw_accel *a = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_catalog_model_find(f->cat, "deepseek-v3", &m, &err), GW_OK);
    assert_int_equal(gw_catalog_accel_find(f->cat, "h800-sxm", &a, &err), GW_OK);
    /* DeepSeek's configuration (PP16, EP64, ZeRO-1, FP8, 4K sequences,
     * 62.9M-token batch = 15360 sequences) for 14.8T tokens: the report
     * publishes 2.664M H800 GPU-hours (issue 4 target: within 20 %). */
    gw_train_opts o;
    gw_train_opts_init(&o);
    o.n_gpus = 2048;
    o.seq_len = 4096;
    o.global_batch_tokens = 62.9e6; /* 15356.4 sequences: "62.9M" is rounded */
    o.batch_slack = 0.05;
    o.tokens = 14.8e12;
    o.tp = 1;
    o.pp = 16;
    o.ep = 64;
    o.zero = 1;
    o.precision = GW_PREC_FP8;
    o.params = &f->p;
    gw_train_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    assert_int_equal(gw_train_plan(f->ctx, f->cat, m, a, NULL, &o, r, &err), GW_OK);
    assert_true(r->global_batch_seqs == 15360);
    assert_true(r->dualpipe);
    assert_true(r->published_gpu_hours > 2.6e6 && r->published_gpu_hours < 2.7e6);
    print_message("deepseek-v3: %.3f M GPU-hours (published 2.664 M)\n", r->gpu_hours / 1e6);
    assert_true(fabs(r->gpu_hours / 2.664e6 - 1.0) <= 0.20);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixed_dimensions),        cmocka_unit_test(fractional_gpus_message),
        cmocka_unit_test(critical_batch_and_feed), cmocka_unit_test(loose_times),
        cmocka_unit_test(loose_quality_table),     cmocka_unit_test(loose_quality_yaml_errors),
        cmocka_unit_test(thread_independent),      cmocka_unit_test(infeasible_and_run),
        cmocka_unit_test(deepseek_v3_gpu_hours),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
