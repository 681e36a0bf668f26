/* SPDX-License-Identifier: MIT */
/*
 * validate.c: serving predictions against published measurements. Reads
 * a CSV (data/validation/serving.csv; one row per measured point: model,
 * GPU, GPU count, layout, precisions, framework, lengths, concurrency,
 * measured tokens/s per GPU and its source) with libcsv, predicts each
 * row with gw_infer_plan at the row's layout and concurrency, and reports
 * the signed and absolute errors. With loso, the fitted parameters of
 * data/infer.yaml (decode_mem_eff, step_overhead) are refitted on every
 * other source's rows and the held-out source predicted with them
 * (leave-one-source-out), and once on all rows (the values to record).
 *
 * Does not: download anything, or evaluate rows whose GPU or model is
 * unknown (they carry the reason and are left out of the statistics).
 */
#include "infer_internal.h"

#include "core/core_internal.h"

#include <csv.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS   32
#define ROW_BYTES  8192
#define MAX_ROWS   10000
#define MAX_MODELS 64

enum col {
    C_ID,
    C_MODEL,
    C_GPU,
    C_NGPU,
    C_TP,
    C_EP,
    C_PREC,
    C_KVPREC,
    C_FRAMEWORK,
    C_IN,
    C_OUT,
    C_CONC,
    C_METRIC,
    C_MEAS,
    C_SOURCE,
    C_N_
};

static const char *const col_names[C_N_] = {"id",         "model",
                                            "gpu",        "num_gpus",
                                            "tp",         "ep",
                                            "precision",  "kv_precision",
                                            "framework",  "input_len",
                                            "output_len", "concurrency",
                                            "metric",     "measured_tokens_per_s_per_gpu",
                                            "source"};

typedef struct vspec {
    int line;
    char id[96], source[48], reason[160], metric[16];
    const gw_model *model;
    const gw_accel *accel;
    gw_infer_opts o;
    double measured;
} vspec;

typedef struct vset {
    gw_ctx *ctx;
    const gw_catalog *cat;
    char path[256], dir[512];
    vspec *rows;
    size_t n_rows;
    gw_model *models[MAX_MODELS];
    char *model_paths[MAX_MODELS];
    size_t n_models;
    char buf[ROW_BYTES];
    size_t used, off[MAX_COLS], nf;
    bool overflow, have_header;
    int line, row_start;
    int col[C_N_];
    gw_status rc;
    gw_error *err;
} vset;

/* ---- CSV ---------------------------------------------------------------- */

static void on_field(void *s, size_t len, void *data)
{
    vset *v = data;
    const char *f = s ? s : "";
    for (size_t i = 0; i < len; i++)
        v->line += f[i] == '\n';
    if (v->nf >= MAX_COLS || v->used + len + 1 > sizeof v->buf) {
        v->overflow = true;
        return;
    }
    v->off[v->nf++] = v->used;
    memcpy(v->buf + v->used, f, len);
    v->buf[v->used + len] = '\0';
    v->used += len + 1;
}

static const char *fld(const vset *v, enum col c)
{
    int i = v->col[c];
    if (i < 0 || (size_t)i >= v->nf)
        return "";
    return v->buf + v->off[i];
}

static void row_error(vset *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void row_error(vset *v, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    gw__err(v->err, GW_ESCHEMA, "%s", msg);
    gw__err_loc(v->err, v->path, v->row_start, 0, NULL);
    v->rc = GW_ESCHEMA;
}

/* A number column: blank -> dflt when blank_ok. */
static bool get_num(vset *v, enum col c, bool blank_ok, double dflt, double lo, double hi,
                    double *out)
{
    const char *s = fld(v, c);
    if (s[0] == '\0' && blank_ok) {
        *out = dflt;
        return true;
    }
    if (gw__parse_double(s, out) != GW_OK || !(*out >= lo) || !(*out <= hi)) {
        row_error(v, "%s: expected a number in [%g, %g], got \"%s\"", col_names[c], lo, hi, s);
        return false;
    }
    return true;
}

static const gw_model *find_model(vset *v, const char *name, char *reason, size_t n)
{
    const gw_model *m = NULL;
    if (strstr(name, ".json") == NULL) {
        if (v->cat != NULL && gw_catalog_model_find(v->cat, name, &m, NULL) == GW_OK)
            return m;
        gw__snprintf(reason, n, "unknown model \"%s\"", name);
        return NULL;
    }
    char full[1024];
    if (name[0] == '/')
        gw__strlcpy(full, name, sizeof full);
    else
        gw__snprintf(full, sizeof full, "%s%s", v->dir, name);
    for (size_t i = 0; i < v->n_models; i++) {
        if (strcmp(v->model_paths[i], full) == 0)
            return v->models[i];
    }
    if (v->n_models >= MAX_MODELS) {
        gw__snprintf(reason, n, "more than %d model configs", MAX_MODELS);
        return NULL;
    }
    gw_model *mm = NULL;
    gw_error e;
    memset(&e, 0, sizeof e);
    if (gw_catalog_model_from_hf(v->ctx, full, NULL, &mm, &e) != GW_OK) {
        gw__snprintf(reason, n, "model config: %s", e.msg);
        return NULL;
    }
    size_t l = strlen(full) + 1;
    char *p = gw_malloc(v->ctx, l);
    if (p == NULL) {
        gw_model_free(v->ctx, mm);
        v->rc = GW_ENOMEM;
        return NULL;
    }
    memcpy(p, full, l);
    v->models[v->n_models] = mm;
    v->model_paths[v->n_models++] = p;
    return mm;
}

static int prec_of(const char *s, bool kv, gw_precision *out)
{
    if (s[0] == '\0') {
        *out = GW_PREC_BF16;
        return 0;
    }
    if (gw_precision_parse(s, out) != GW_OK)
        return -1;
    if (*out == GW_PREC_BF16 || *out == GW_PREC_FP8 || (!kv && *out == GW_PREC_FP4))
        return 0;
    return -1;
}

static void on_row(int term, void *data)
{
    (void)term;
    vset *v = data;
    if (v->rc != GW_OK)
        goto reset;
    v->line++;
    if (v->overflow) {
        row_error(v, "row too long (max %d columns, %d bytes)", MAX_COLS, ROW_BYTES);
        goto reset;
    }
    if (v->nf == 0 || (v->nf == 1 && v->buf[v->off[0]] == '\0') || v->buf[v->off[0]] == '#')
        goto reset;
    if (!v->have_header) {
        for (int c = 0; c < C_N_; c++) {
            v->col[c] = -1;
            for (size_t i = 0; i < v->nf; i++) {
                if (strcmp(v->buf + v->off[i], col_names[c]) == 0)
                    v->col[c] = (int)i;
            }
            if (v->col[c] < 0) {
                row_error(v, "missing column \"%s\"", col_names[c]);
                goto reset;
            }
        }
        v->have_header = true;
        goto reset;
    }
    if (v->n_rows >= MAX_ROWS) {
        gw__err(v->err, GW_ERANGE, "more than %d rows", MAX_ROWS);
        gw__err_loc(v->err, v->path, v->row_start, 0, NULL);
        v->rc = GW_ERANGE;
        goto reset;
    }
    vspec *r = &v->rows[v->n_rows];
    memset(r, 0, sizeof *r);
    r->line = v->row_start;
    gw__strlcpy(r->id, fld(v, C_ID), sizeof r->id);
    gw__strlcpy(r->source, fld(v, C_ID), sizeof r->source);
    r->source[strcspn(r->source, "-")] = '\0';
    gw__strlcpy(r->metric, fld(v, C_METRIC), sizeof r->metric);
    if (strcmp(r->metric, "output") != 0 && strcmp(r->metric, "total") != 0) {
        row_error(v, "metric: expected output or total, got \"%s\"", r->metric);
        goto reset;
    }
    if (fld(v, C_SOURCE)[0] == '\0') {
        row_error(v, "source: every row needs its source");
        goto reset;
    }
    gw_infer_opts_init(&r->o);
    double ng = 0, tp = 0, ep = 0;
    gw_precision p = GW_PREC_BF16, kp = GW_PREC_BF16;
    if (!get_num(v, C_NGPU, false, 0, 1, 1e6, &ng) || !get_num(v, C_TP, true, 0, 1, 1024, &tp) ||
        !get_num(v, C_EP, true, 0, 1, 65536, &ep) ||
        !get_num(v, C_IN, false, 0, 1, 1e7, &r->o.input_len) ||
        !get_num(v, C_OUT, false, 0, 1, 1e7, &r->o.output_len) ||
        !get_num(v, C_CONC, true, 0, 1, 1e9, &r->o.concurrency) ||
        !get_num(v, C_MEAS, false, 0, 1e-6, 1e9, &r->measured))
        goto reset;
    if (prec_of(fld(v, C_PREC), false, &p) != 0 || prec_of(fld(v, C_KVPREC), true, &kp) != 0) {
        row_error(v, "precision: expected bf16, fp8 or fp4 (kv_precision: bf16 or fp8)");
        goto reset;
    }
    r->o.n_gpus = ng;
    r->o.queue_excess = true; /* burst benchmarks queue what does not fit */
    r->o.pp = 1;              /* the rows run no pipeline stages */
    r->o.tp = tp > 0 ? (int)tp : GW_INFER_ANY;
    r->o.ep = ep > 0 ? (int)ep : GW_INFER_ANY;
    r->o.precision = (int)p;
    r->o.kv_precision = (int)kp;
    if (v->cat == NULL || gw_catalog_accel_find(v->cat, fld(v, C_GPU), &r->accel, NULL) != GW_OK)
        gw__snprintf(r->reason, sizeof r->reason, "unknown gpu \"%s\"", fld(v, C_GPU));
    else
        r->model = find_model(v, fld(v, C_MODEL), r->reason, sizeof r->reason);
    if (v->rc == GW_OK)
        v->n_rows++;
reset:
    v->nf = 0;
    v->used = 0;
    v->overflow = false;
    v->row_start = v->line;
}

static void vset_free(vset *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < v->n_models; i++) {
        gw_model_free(v->ctx, v->models[i]);
        gw_free(v->ctx, v->model_paths[i]);
    }
    gw_free(v->ctx, v->rows);
    gw_free(v->ctx, v);
}

static gw_status vset_load(gw_ctx *ctx, const gw_catalog *cat, const char *csv_path, vset **out,
                           gw_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    struct csv_parser cp;
    gw_status rc = gw__file_read(ctx, csv_path, 16u * 1024u * 1024u, &buf, &len, err);
    if (rc != GW_OK) {
        gw__err_loc(err, csv_path, 0, 0, NULL);
        return rc;
    }
    vset *v = gw_calloc(ctx, 1, sizeof *v);
    if (v != NULL)
        v->rows = gw_calloc(ctx, MAX_ROWS, sizeof *v->rows);
    if (v == NULL || v->rows == NULL) {
        if (v != NULL)
            gw_free(ctx, v);
        gw_free(ctx, buf);
        return gw__err(err, GW_ENOMEM, "out of memory");
    }
    v->ctx = ctx;
    v->cat = cat;
    v->err = err;
    v->line = 1;
    v->row_start = 1;
    gw__strlcpy(v->path, csv_path, sizeof v->path);
    {
        const char *slash = strrchr(csv_path, '/');
        size_t n = slash ? (size_t)(slash - csv_path) + 1 : 0;
        if (n >= sizeof v->dir)
            n = sizeof v->dir - 1;
        memcpy(v->dir, csv_path, n);
        v->dir[n] = '\0';
    }
    if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        gw_free(ctx, buf);
        vset_free(v);
        return gw__err(err, GW_ENOMEM, "out of memory");
    }
    size_t done = csv_parse(&cp, buf, len, on_field, on_row, v);
    if (v->rc == GW_OK && done != len) {
        int line = 1;
        for (size_t i = 0; i < done && i < len; i++)
            line += buf[i] == '\n';
        gw__err(err, GW_EPARSE, "malformed CSV: %s", csv_strerror(csv_error(&cp)));
        gw__err_loc(err, csv_path, line, 0, NULL);
        v->rc = GW_EPARSE;
    }
    if (v->rc == GW_OK && csv_fini(&cp, on_field, on_row, v) != 0) {
        gw__err(err, GW_EPARSE, "malformed CSV: %s (unterminated quoted field?)",
                csv_strerror(csv_error(&cp)));
        gw__err_loc(err, csv_path, v->row_start, 0, NULL);
        v->rc = GW_EPARSE;
    }
    csv_free(&cp);
    gw_free(ctx, buf);
    if (v->rc == GW_OK && !v->have_header) {
        gw__err(err, GW_ESCHEMA, "empty CSV: no header row");
        gw__err_loc(err, csv_path, 1, 0, NULL);
        v->rc = GW_ESCHEMA;
    }
    if (v->rc != GW_OK) {
        rc = v->rc;
        if (rc == GW_ENOMEM)
            gw__err(err, GW_ENOMEM, "out of memory");
        vset_free(v);
        return rc;
    }
    v->err = NULL;
    *out = v;
    return GW_OK;
}

/* ---- Prediction and fit --------------------------------------------------- */

/* Predicted tokens/s per GPU of row r with parameters ip; 0 and a reason
 * when the plan fails. */
static double predict(gw_ctx *ctx, const gw_catalog *cat, const vspec *r, const gw_infer_params *ip,
                      const gw_train_params *tpp, char *reason, size_t n)
{
    gw_infer_opts o = r->o;
    o.params = ip;
    o.tparams = tpp;
    gw_infer_result *res = gw_malloc(ctx, sizeof *res);
    if (res == NULL)
        return 0.0;
    gw_error e;
    memset(&e, 0, sizeof e);
    double y = 0.0;
    if (gw_infer_plan(ctx, cat, r->model, r->accel, NULL, &o, res, &e) == GW_OK)
        y = strcmp(r->metric, "total") == 0 ? res->best.total_tokens_per_s_per_gpu
                                            : res->best.output_tokens_per_s_per_gpu;
    else if (reason != NULL)
        gw__strlcpy(reason, e.msg, n);
    gw_free(ctx, res);
    return y;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Fit objective over the rows (skip: the held-out source, or NULL): mean
 * |log(predicted / measured)| + 0.25 max, as gw_train_fit. */
static double objective(gw_ctx *ctx, const gw_catalog *cat, const vset *v, const char *skip,
                        const gw_infer_params *ip, const gw_train_params *tpp)
{
    double sum = 0, mx = 0;
    size_t n = 0;
    for (size_t i = 0; i < v->n_rows; i++) {
        const vspec *r = &v->rows[i];
        if (r->reason[0] != '\0' || (skip != NULL && strcmp(r->source, skip) == 0))
            continue;
        double y = predict(ctx, cat, r, ip, tpp, NULL, 0);
        if (!(y > 0))
            continue;
        double e = fabs(log(y / r->measured));
        sum += e;
        mx = e > mx ? e : mx;
        n++;
    }
    return n ? sum / (double)n + 0.25 * mx : 1e30;
}

/* Grid then coordinate refinement over the two fit parameters within
 * their plausible ranges: prefill_gemm_eff 0.1-1.0 of the matmul ceiling,
 * attn_eff 0.1-0.8 of the BF16 peak (FlashAttention-2 to -3). */
static void fit(gw_ctx *ctx, const gw_catalog *cat, const vset *v, const char *skip,
                gw_infer_params *ip, const gw_train_params *tpp)
{
    static const double lo[GW__INFER_N_FIT] = {0.1, 0.1}, hi[GW__INFER_N_FIT] = {1.0, 0.8};
    double best = 1e300, bx = 0, by = 0;
    for (int i = 0; i <= 9; i++) {
        for (int j = 0; j <= 10; j++) {
            *gw__infer_fit_slot(ip, 0) = lo[0] + (hi[0] - lo[0]) * i / 9.0;
            *gw__infer_fit_slot(ip, 1) = lo[1] + (hi[1] - lo[1]) * j / 10.0;
            double f = objective(ctx, cat, v, skip, ip, tpp);
            if (f < best) {
                best = f;
                bx = *gw__infer_fit_slot(ip, 0);
                by = *gw__infer_fit_slot(ip, 1);
            }
        }
    }
    double step[GW__INFER_N_FIT] = {(hi[0] - lo[0]) / 18.0, (hi[1] - lo[1]) / 20.0};
    double x[GW__INFER_N_FIT] = {bx, by};
    for (int round = 0; round < 4; round++) {
        for (int k = 0; k < GW__INFER_N_FIT; k++) {
            for (int s = -1; s <= 1; s += 2) {
                double t[GW__INFER_N_FIT] = {x[0], x[1]};
                t[k] = fmin(hi[k], fmax(lo[k], x[k] + s * step[k]));
                *gw__infer_fit_slot(ip, 0) = t[0];
                *gw__infer_fit_slot(ip, 1) = t[1];
                double f = objective(ctx, cat, v, skip, ip, tpp);
                if (f < best) {
                    best = f;
                    x[0] = t[0];
                    x[1] = t[1];
                }
            }
            step[k] /= 2.0;
        }
    }
    *gw__infer_fit_slot(ip, 0) = x[0];
    *gw__infer_fit_slot(ip, 1) = x[1];
}

static void stats(const gw_infer_validation *v, bool held, double *med, double *mx)
{
    double a[MAX_ROWS];
    size_t n = 0;
    for (size_t i = 0; i < v->n_rows && n < MAX_ROWS; i++) {
        const gw_infer_vrow *r = &v->rows[i];
        if (!r->ok || (held && !(r->held_out > 0)))
            continue;
        a[n++] = fabs(held ? r->held_out_error : r->error);
    }
    *med = *mx = 0;
    if (n == 0)
        return;
    qsort(a, n, sizeof a[0], cmp_double);
    *med = n % 2 ? a[n / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
    *mx = a[n - 1];
}

gw_status gw_infer_validate_file(gw_ctx *ctx, const gw_catalog *cat, const char *csv_path,
                                 const char *data_dir, bool loso, gw_infer_validation **out,
                                 gw_error *err)
{
    if (ctx == NULL || csv_path == NULL || out == NULL)
        return gw__err(err, GW_EINVAL, "gw_infer_validate_file: NULL argument");
    gw_infer_params ip;
    gw_status rc = gw_infer_params_load(ctx, data_dir, &ip, err);
    if (rc != GW_OK)
        return rc;
    gw_train_params *tpp = gw_malloc(ctx, sizeof *tpp);
    if (tpp == NULL)
        return gw__err(err, GW_ENOMEM, "out of memory");
    rc = gw_train_params_load(ctx, data_dir, tpp, err);
    vset *v = NULL;
    if (rc == GW_OK)
        rc = vset_load(ctx, cat, csv_path, &v, err);
    gw_infer_validation *res = NULL;
    if (rc == GW_OK) {
        res = gw_calloc(ctx, 1, sizeof *res);
        if (res != NULL && v->n_rows > 0)
            res->rows = gw_calloc(ctx, v->n_rows, sizeof *res->rows);
        if (res == NULL || (v->n_rows > 0 && res->rows == NULL)) {
            gw_free(ctx, res);
            res = NULL;
            rc = gw__err(err, GW_ENOMEM, "out of memory");
        }
    }
    if (rc != GW_OK || v == NULL || res == NULL) {
        vset_free(v);
        gw_free(ctx, tpp);
        return rc != GW_OK ? rc : gw__err(err, GW_EINTERNAL, "validation set lost");
    }
    gw__strlcpy(res->path, csv_path, sizeof res->path);
    res->n_rows = v->n_rows;
    double sum = 0;
    for (size_t i = 0; i < v->n_rows; i++) {
        const vspec *s = &v->rows[i];
        gw_infer_vrow *r = &res->rows[i];
        gw__strlcpy(r->id, s->id, sizeof r->id);
        gw__strlcpy(r->source, s->source, sizeof r->source);
        gw__strlcpy(r->metric, s->metric, sizeof r->metric);
        gw__strlcpy(r->reason, s->reason, sizeof r->reason);
        r->line = s->line;
        r->measured = s->measured;
        if (s->reason[0] != '\0')
            continue;
        r->predicted = predict(ctx, cat, s, &ip, tpp, r->reason, sizeof r->reason);
        if (!(r->predicted > 0))
            continue;
        r->ok = true;
        r->error = (r->predicted - r->measured) / r->measured;
        sum += r->error;
        res->n_ok++;
    }
    res->mean_signed = res->n_ok ? sum / (double)res->n_ok : 0.0;
    stats(res, false, &res->median_abs, &res->max_abs);
    if (loso) {
        res->has_loso = true;
        for (size_t i = 0; i < v->n_rows; i++) {
            if (!res->rows[i].ok || res->rows[i].held_out > 0)
                continue;
            const char *src = v->rows[i].source;
            gw_infer_params q = ip;
            fit(ctx, cat, v, src, &q, tpp);
            for (size_t j = i; j < v->n_rows; j++) {
                if (!res->rows[j].ok || strcmp(v->rows[j].source, src) != 0)
                    continue;
                double y = predict(ctx, cat, &v->rows[j], &q, tpp, NULL, 0);
                res->rows[j].held_out = y;
                res->rows[j].held_out_error =
                    y > 0 ? (y - v->rows[j].measured) / v->rows[j].measured : 0.0;
            }
        }
        stats(res, true, &res->loso_median_abs, &res->loso_max_abs);
        gw_infer_params all = ip;
        fit(ctx, cat, v, NULL, &all, tpp);
        res->fit[0] = *gw__infer_fit_slot(&all, 0);
        res->fit[1] = *gw__infer_fit_slot(&all, 1);
    }
    vset_free(v);
    gw_free(ctx, tpp);
    *out = res;
    return GW_OK;
}

void gw_infer_validation_free(gw_ctx *ctx, gw_infer_validation *v)
{
    if (v == NULL)
        return;
    gw_free(ctx, v->rows);
    gw_free(ctx, v);
}

void gw_infer_validation_report(gw_doc *doc, gw_doc_node *parent, const gw_infer_validation *v)
{
    if (doc == NULL || v == NULL)
        return;
    if (parent == NULL)
        parent = gw_doc_root(doc);
    gw_doc_node *n = gw_doc_obj(doc, parent, "validate", "Serving predictions vs measurements");
    gw_doc_str(doc, n, "file", "file", v->path);
    gw_doc_node *rows = gw_doc_arr(doc, n, "rows", "Rows (output or total tokens/s per GPU)");
    for (size_t i = 0; i < v->n_rows; i++) {
        const gw_infer_vrow *r = &v->rows[i];
        gw_doc_node *row = gw_doc_obj(doc, rows, NULL, NULL);
        gw_doc_str(doc, row, "id", "id", r->id);
        gw_doc_str(doc, row, "metric", "metric", r->metric);
        gw_doc_num(doc, row, "measured", "measured", r->measured, "tokens/s");
        if (r->ok) {
            gw_doc_num(doc, row, "predicted", "predicted", r->predicted, "tokens/s");
            gw_doc_num(doc, row, "error_frac", "error", r->error, "frac");
            if (v->has_loso)
                gw_doc_num(doc, row, "held_out_error_frac", "held out", r->held_out_error, "frac");
        } else {
            gw_doc_na(doc, row, "predicted", "predicted", "tokens/s", r->reason);
        }
    }
    gw_doc_node *s = gw_doc_obj(doc, n, "summary", "Summary");
    gw_doc_int(doc, s, "rows", "rows", (int64_t)v->n_rows);
    gw_doc_int(doc, s, "evaluated", "evaluated", (int64_t)v->n_ok);
    gw_doc_num(doc, s, "median_abs_error", "median |error|", v->median_abs, "frac");
    gw_doc_num(doc, s, "max_abs_error", "max |error|", v->max_abs, "frac");
    gw_doc_num(doc, s, "mean_error", "mean signed error", v->mean_signed, "frac");
    if (v->has_loso) {
        gw_doc_num(doc, s, "loso_median_abs_error", "leave-one-source-out median |error|",
                   v->loso_median_abs, "frac");
        gw_doc_num(doc, s, "loso_max_abs_error", "leave-one-source-out max |error|",
                   v->loso_max_abs, "frac");
        gw_doc_num(doc, s, "fit_prefill_gemm_eff", "prefill_gemm_eff fitted on all rows", v->fit[0],
                   "frac");
        gw_doc_num(doc, s, "fit_attn_eff", "attn_eff fitted on all rows", v->fit[1], "frac");
    }
}
