/* SPDX-License-Identifier: MIT */
/*
 * test_train_crossval.c: leave-one-family-out cross-validation and the
 * constant-MFU baseline (issue 15 items 1 and 2).
 *
 *   1. No leakage: scaling every measured step time of one family by 3 in a
 *      copy of the calibration CSV leaves that family's held-out
 *      predictions exactly as they were (its rows take no part in its
 *      fold's fit), while the other families' folds, which train on the
 *      scaled rows, change.
 *   2. The baseline is one constant MFU per precision: every row's
 *      baseline_s x that MFU equals measured_s x measured MFU, and with an
 *      odd number of rows of a precision the in-sample geometric median is
 *      one row's MFU, so that row's baseline error is 0.
 *   3. The held-out bounds the model meets today on
 *      data/validation/calibration.csv (113 rows, 11 families: median <= 7 %,
 *      mean <= 10 %, max <= 35 %, every family's mean <= 25 %; issue 15), and held out is never
 * better than in sample by more than noise (a fold that did better than the full fit would be a bug
 * in the bookkeeping); the shipped prediction interval is the one the held-out rows give, and its
 * leave-one-family-out coverage is 70-90 %.
 *   4. A fit_plan naming a parameter gw_train_fit cannot fit is a located
 *      load error.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, unlink, rmdir */
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

#define CSV GW_SOURCE_DIR "/data/validation/calibration.csv"

typedef struct fixture {
    gw_ctx *ctx;
    gw_catalog *cat;
    gw_train_params p;
} fixture;

static int setup(void **state)
{
    static fixture f;
    gw_error err;
    if (gw_test_open(&f.ctx, &f.cat) != 0)
        return -1;
    gw_ctx_set_threads(f.ctx, 1);
    if (gw_train_params_load(f.ctx, GW_SOURCE_DIR "/data", &f.p, &err) != GW_OK)
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gw_test_close(f->ctx, f->cat);
    return 0;
}

static gw_train_validation *crossval(fixture *f, const char *csv)
{
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_train_validation *v = NULL;
    gw_status rc = gw_train_crossval(f->ctx, f->cat, csv, &f->p, 3, &v, &err);
    if (rc != GW_OK) {
        char buf[1024];
        print_error("crossval: %s\n", gw_error_format(&err, buf, sizeof buf));
    }
    assert_int_equal(rc, GW_OK);
    assert_true(v->held_out);
    return v;
}

/* Copies the calibration CSV to path with absolute model paths and the
 * measured step time (column 18) of family fam's rows multiplied by k.
 * Ids, configs and the columns before the step time hold no commas. */
static void write_scaled(const char *path, const char *fam, double k)
{
    FILE *in = fopen(CSV, "r"), *out = fopen(path, "w");
    assert_non_null(in);
    assert_non_null(out);
    static char line[65536];
    bool header = true;
    while (fgets(line, sizeof line, in)) {
        if (header) {
            fputs(line, out);
            header = false;
            continue;
        }
        char *cols[18];
        char *q = line;
        for (int c = 0; c < 18; c++) {
            cols[c] = q;
            q = strchr(q, ',');
            assert_non_null(q);
            *q++ = '\0';
        }
        /* cols[1] is "../models/x.json", relative to data/validation/. */
        fprintf(out, "%s,%s/data/validation/%s", cols[0], GW_SOURCE_DIR, cols[1]);
        for (int c = 2; c < 17; c++)
            fprintf(out, ",%s", cols[c]);
        double meas = strtod(cols[17], NULL);
        size_t n = strlen(fam);
        if (strncmp(cols[0], fam, n) == 0 && cols[0][n] == '-')
            meas *= k;
        fprintf(out, ",%.17g,%s", meas, q);
    }
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

static void no_leakage(void **state)
{
    fixture *f = *state;
    char dir[] = "/tmp/gw_cv_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char a[256], b[256];
    snprintf(a, sizeof a, "%s/same.csv", dir);
    snprintf(b, sizeof b, "%s/scaled.csv", dir);
    write_scaled(a, "korthikanti", 1.0);
    write_scaled(b, "korthikanti", 3.0);
    gw_train_validation *va = crossval(f, a), *vb = crossval(f, b);
    assert_int_equal(va->n_rows, vb->n_rows);
    size_t n_fam = 0, n_other_changed = 0;
    for (size_t i = 0; i < va->n_rows; i++) {
        const gw_train_vrow *ra = &va->rows[i], *rb = &vb->rows[i];
        assert_string_equal(ra->id, rb->id);
        assert_true(ra->ok && rb->ok);
        if (strcmp(ra->family, "korthikanti") == 0) {
            n_fam++;
            /* Same prediction to the last bit: the fold never saw the rows. */
            assert_true(ra->predicted_s == rb->predicted_s);
            assert_true(fabs(rb->measured_s - 3.0 * ra->measured_s) <= 1e-9 * rb->measured_s);
        } else {
            n_other_changed += ra->predicted_s != rb->predicted_s;
        }
        /* In sample: the parameters as given, whatever the CSV says. */
        assert_true(ra->in_sample_s == rb->in_sample_s);
    }
    assert_int_equal(n_fam, 9);
    /* The test would pass vacuously if the folds ignored training rows. */
    assert_true(n_other_changed > 0);
    gw_train_validation_free(f->ctx, va);
    gw_train_validation_free(f->ctx, vb);
    unlink(a);
    unlink(b);
    rmdir(dir);
}

static void baseline_is_constant_mfu(void **state)
{
    fixture *f = *state;
    gw_error err;
    gw_train_validation *v = NULL;
    assert_int_equal(gw_train_validate_file(f->ctx, f->cat, CSV, &f->p, &v, &err), GW_OK);
    assert_int_equal(gw_train_baseline(f->ctx, v, false), GW_OK);
    assert_true(v->has_baseline);
    int n_prec[GW_PREC_COUNT] = {0}, n_exact[GW_PREC_COUNT] = {0};
    for (size_t i = 0; i < v->n_rows; i++) {
        const gw_train_vrow *r = &v->rows[i];
        assert_true(r->ok);
        int k = (int)r->eval.cfg.precision;
        double m = v->baseline_mfu[k];
        assert_true(m > 0.05 && m < 0.9);
        assert_true(fabs(r->baseline_s * m - r->measured_s * r->measured_mfu) <=
                    1e-9 * r->measured_s);
        n_prec[k]++;
        n_exact[k] += fabs(r->baseline_error) < 1e-12;
    }
    for (int k = 0; k < GW_PREC_COUNT; k++) {
        if (n_prec[k] % 2 == 1)
            assert_true(n_exact[k] >= 1);
    }
    /* The families' baseline stats are filled. */
    assert_true(v->n_families >= 6);
    for (size_t k = 0; k < v->n_families; k++)
        assert_int_equal(v->families[k].baseline.n, v->families[k].model.n);
    gw_train_validation_free(f->ctx, v);
}

static void held_out_bounds(void **state)
{
    fixture *f = *state;
    gw_train_validation *v = crossval(f, CSV);
    assert_int_equal(gw_train_baseline(f->ctx, v, true), GW_OK);
    assert_int_equal(v->all.n, 113);
    assert_int_equal(v->n_families, 11);
    print_message("held out: median %.1f%% mean %.1f%% max %.1f%%; in sample: mean %.1f%%; "
                  "baseline held out: mean %.1f%%\n",
                  100 * v->all.median_abs, 100 * v->all.mean_abs, 100 * v->all.max_abs,
                  100 * v->in_sample.mean_abs, 100 * v->baseline_all.mean_abs);
    /* Issue 15's targets: median <= 7 %, mean <= 10 %, max <= 35 %. Over
     * the six Megatron-family sources alone the median was 7.7 %; with the
     * four families of other stacks folded in (llm-foundry, MaxText, ROCm,
     * torchtitan; 107 rows) it was 8.2 %, mean 8.9 %, max 29.0 %; with the
     * AMD FP8 ceilings 7.9 / 8.8 / 26.4 %; with the B200 DeepEP family (113
     * rows, 11 families) 7.6 / 9.3 / 26.4 %; with the FSDP overlap slowdown
     * 6.9 / 7.9 / 25.9 %; with the sourced MoE all-to-all overlap facts
     * (moe_a2a_overlap) 7.02 / 7.8 / 25.9 %; with mem_eff held at 0.80
     * instead of fitted (it cannot be told from the fitted byte counts)
     * 6.6 / 7.7 / 26.0 %; with the tied-embedding all-reduce and BLOOM's
     * dp_sync fact 6.7 / 7.6 / 26.0 % (docs/models/train.md). */
    assert_true(v->all.median_abs <= 0.07);
    assert_true(v->all.mean_abs <= 0.10);
    assert_true(v->all.max_abs <= 0.35);
    /* Every family, held out, within mean 25 % (worst: deepep 22.2 %, the
     * B200 MoE rows of torchtitan + DeepEP, predicted too fast as torchtitan
     * is on H200, 15.8 %). */
    for (size_t k = 0; k < v->n_families; k++) {
        print_message("  %s: held out mean %.1f%% (baseline %.1f%%)\n", v->families[k].name,
                      100 * v->families[k].model.mean_abs, 100 * v->families[k].baseline.mean_abs);
        assert_true(v->families[k].model.mean_abs <= 0.25);
    }
    assert_true(v->all.mean_abs >= v->in_sample.mean_abs - 0.005);
    /* The model beats the constant-MFU baseline overall, held out, and on
     * every family but maxtext (8.9 % vs 8.4 %: its measured steps show the
     * cross-VM gradient reduction exposed, which no source for those runs
     * states; docs/models/train.md). BLOOM joined the families the model
     * wins with the tied-embedding all-reduce and its dp_sync fact. */
    assert_true(v->all.mean_abs < v->baseline_all.mean_abs);
    for (size_t k = 0; k < v->n_families; k++)
        if (strcmp(v->families[k].name, "maxtext") != 0)
            assert_true(v->families[k].model.mean_abs < v->families[k].baseline.mean_abs);
    /* The interval data/train.yaml ships is the one these held-out rows
     * give (re-run the cross-validation and update prediction_interval
     * when the model changes), and it is calibrated: 70-90 % of the rows
     * fall inside the 80 % interval made from the other families. */
    print_message("interval: mean %.4f sd %.4f (train.yaml %.4f %.4f), coverage %.1f%%\n",
                  v->interval_log_mean, v->interval_log_sd, f->p.interval_log_mean,
                  f->p.interval_log_sd, 100 * v->interval_coverage);
    assert_true(fabs(v->interval_level - f->p.interval_level) < 1e-12);
    assert_true(fabs(v->interval_log_mean - f->p.interval_log_mean) <= 5e-4);
    assert_true(fabs(v->interval_log_sd - f->p.interval_log_sd) <= 5e-4);
    assert_true(v->interval_coverage >= 0.70 && v->interval_coverage <= 0.90);
    /* The fold spread lists every planned parameter once, inside the range
     * the fit searches; at least one is weakly identified (attn_eff spans
     * 93 % of its range over the folds, 2026-12-03), which is what the
     * spread is there to show. */
    size_t planned = 0, wide = 0;
    for (size_t st = 0; st < f->p.n_fit_stages; st++) {
        for (const char *c = f->p.fit_stage[st].params; *c; c++)
            planned += *c == ',';
        planned++;
    }
    assert_int_equal(v->n_fold_params, planned);
    for (size_t k = 0; k < v->n_fold_params; k++) {
        assert_true(v->fold_param[k].lo <= v->fold_param[k].hi);
        assert_true(v->fold_param[k].lo >= v->fold_param[k].range_lo - 1e-12);
        assert_true(v->fold_param[k].hi <= v->fold_param[k].range_hi + 1e-12);
        wide += v->fold_param[k].hi - v->fold_param[k].lo >
                0.5 * (v->fold_param[k].range_hi - v->fold_param[k].range_lo);
    }
    assert_true(wide >= 1);
    gw_train_validation_free(f->ctx, v);
}

/* The fitted values data/train.yaml ships are what its fit plan gives on
 * the calibration rows, run the way each cross-validation fold runs it
 * (gigawatt validate --fit-plan): shipped figures are rounded to 3-4
 * digits, so within 0.5 %. */
static void shipped_values_are_the_plan(void **state)
{
    fixture *f = *state;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_train_params q;
    assert_int_equal(gw_train_fit_plan(f->ctx, f->cat, CSV, &f->p, 3, &q, NULL, &err), GW_OK);
    const struct {
        const char *name;
        double shipped, fitted;
    } v[] = {
        {"gemm_eff_max_bf16", f->p.gemm_eff_max[GW_PREC_BF16], q.gemm_eff_max[GW_PREC_BF16]},
        {"gemm_eff_max_fp8", f->p.gemm_eff_max[GW_PREC_FP8], q.gemm_eff_max[GW_PREC_FP8]},
        {"attn_eff", f->p.attn_eff, q.attn_eff},
        {"elementwise_bytes_per_elem", f->p.elementwise_bytes_per_elem,
         q.elementwise_bytes_per_elem},
        {"tp_overlap", f->p.tp_overlap, q.tp_overlap},
        {"step_overhead", f->p.step_overhead_s, q.step_overhead_s},
        {"legacy_score_bytes", f->p.legacy_score_bytes, q.legacy_score_bytes},
        {"fp8_cast_bytes_per_elem", f->p.fp8_cast_bytes_per_elem, q.fp8_cast_bytes_per_elem},
        {"host_op_time", f->p.host_op_time, q.host_op_time},
    };
    size_t bad = 0;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        if (fabs(v[i].fitted - v[i].shipped) > 0.005 * fabs(v[i].shipped)) {
            print_error("%s: data/train.yaml %.6g, fit_plan %.6g\n", v[i].name, v[i].shipped,
                        v[i].fitted);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void fit_plan_unknown_param(void **state)
{
    fixture *f = *state;
    char dir[] = "/tmp/gw_cvd_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char src[512], dst[512], cmd[1200];
    snprintf(src, sizeof src, "%s/data", GW_SOURCE_DIR);
    snprintf(cmd, sizeof cmd, "cp %s/*.yaml %s/", src, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(dst, sizeof dst, "%s/train.yaml", dir);
    /* A second fit_plan key would be a duplicate: replace the plan. */
    snprintf(cmd, sizeof cmd,
             "sed -i '/^fit_plan:/,$d' %s && printf 'fit_plan:\\n  - {params: \"attn_eff,"
             "atn_eff\", subset: dense, source: \"test\"}\\n' >> %s",
             dst, dst);
    assert_int_equal(system(cmd), 0);
    gw_train_params p;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_train_params_load(f->ctx, dir, &p, &err), GW_ESCHEMA);
    assert_true(err.line > 0);
    assert_string_equal(err.msg, "\"atn_eff\" is not a parameter gw_train_fit can fit");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_leakage),
        cmocka_unit_test(baseline_is_constant_mfu),
        cmocka_unit_test(held_out_bounds),
        cmocka_unit_test(shipped_values_are_the_plan),
        cmocka_unit_test(fit_plan_unknown_param),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
