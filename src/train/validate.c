/* SPDX-License-Identifier: MIT */
/*
 * validate.c: predictions against published training runs. Reads a CSV in
 * the schema of reference/runs/README.md with libcsv, loads each row's
 * Hugging Face config (relative to the CSV's folder, cached per path),
 * predicts the step time of the row's parallel configuration with
 * gw_train_plan (dimensions left empty in the CSV are searched for the
 * fastest feasible value: published runs are tuned), and summarises the
 * signed and absolute errors, overall and for the dense / extended (MoE,
 * FP8/FP4, CP) subsets. gw_train_fit adjusts chosen parameters to minimise
 * the errors over the whole file (coordinate descent within plausible
 * bounds).
 *
 * Does not: download anything, or evaluate rows whose GPU or model type is
 * unknown (they are reported with the reason and counted separately).
 */
#include "train_internal.h"

#include "core/core_internal.h"

#include <csv.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS   64
#define ROW_BYTES  65536
#define MAX_ROWS   100000
#define MAX_MODELS 512

enum col {
    C_ID,
    C_MODEL,
    C_GPU,
    C_NGPU,
    C_TP,
    C_PP,
    C_VPP,
    C_CP,
    C_EP,
    C_ETP,
    C_DP,
    C_ZERO,
    C_RECOMP,
    C_SEQ,
    C_MB,
    C_GB,
    C_PREC,
    C_MEAS,
    C_N_
};

static const char *const col_names[C_N_] = {"id",           "model_config", "gpu",
                                            "num_gpus",     "tp",           "pp",
                                            "vpp",          "cp",           "ep",
                                            "etp",          "dp",           "zero",
                                            "recompute",    "seq_len",      "micro_batch",
                                            "global_batch", "precision",    "measured_step_time_s"};

/* Optional columns: software facts a row's source states, overriding its
 * run profile (empty cell: the profile's). */
enum fact { F_FLASH, F_OVERLAP, F_SEQPAR, F_GRAPHS, F_RECIPE, F_A2A, F_DPSYNC, F_N_ };
static const char *const fact_names[F_N_] = {
    "flash_attention", "tp_comm_overlap", "sequence_parallel", "cuda_graphs", "fp8_recipe",
    "moe_a2a_overlap", "dp_sync"};

/* One parsed row. */
typedef struct vspec {
    int line;
    char id[128];
    char family[64];
    char reason[256]; /* non-empty: cannot be evaluated */
    int model;        /* index into models, -1 if none */
    const gw_accel *accel;
    gw_train_opts o;
    double measured_s;
    bool extended;
    int fact[F_N_]; /* -1: not stated; 0/1; F_RECIPE: gw_train_fp8_recipe;
                       F_DPSYNC: gw_train_dp_sync */
    double nic_Bps; /* optional nic_gbps column: the run's scale-out bandwidth
                       per GPU per direction, bytes/s (0: not stated) */
} vspec;

typedef struct vset {
    gw_ctx *ctx;
    const gw_catalog *cat;
    char path[256];
    char dir[512];
    vspec *rows;
    size_t n_rows, cap_rows;
    gw_model *models[MAX_MODELS];
    char *model_paths[MAX_MODELS];
    gw_status model_rc[MAX_MODELS];
    char model_err[MAX_MODELS][200];
    size_t n_models;
    /* parser state */
    char buf[ROW_BYTES];
    size_t used, off[MAX_COLS], nf;
    bool overflow;
    int line, row_start;
    int col[C_N_];
    int fact_col[F_N_]; /* -1: column absent */
    int nic_col;        /* nic_gbps, -1: column absent */
    int split_col[2];   /* pp_first_layers, pp_last_layers; -1: column absent */
    int shard_col;      /* zero_shard, -1: column absent */
    bool have_header;
    size_t n_header;
    gw_status rc;
    gw_error *err;
} vset;

/* ---- CSV callbacks ----------------------------------------------------- */

static void on_field(void *s, size_t len, void *data)
{
    vset *v = data;
    const char *f = s ? s : "";
    for (size_t i = 0; i < len; i++) {
        if (f[i] == '\n')
            v->line++;
    }
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

static bool is_blank(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '\0';
}

static gw_status row_error(vset *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static gw_status row_error(vset *v, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    gw__err(v->err, GW_ESCHEMA, "%s", msg);
    gw__err_loc(v->err, v->path, v->row_start, 0, NULL);
    v->rc = GW_ESCHEMA;
    return v->rc;
}

/* Integer column: blank -> GW_TRAIN_ANY when allowed. */
static bool get_int(vset *v, enum col c, bool blank_ok, int *out)
{
    const char *s = fld(v, c);
    if (is_blank(s)) {
        if (blank_ok) {
            *out = GW_TRAIN_ANY;
            return true;
        }
        row_error(v, "%s: required value missing", col_names[c]);
        return false;
    }
    long long x = 0;
    if (gw__parse_ll(s, &x) != GW_OK || x < 0 || x > 100000000) {
        row_error(v, "%s: expected a non-negative integer, got \"%s\"", col_names[c], s);
        return false;
    }
    *out = (int)x;
    return true;
}

static bool get_num(vset *v, enum col c, double *out)
{
    const char *s = fld(v, c);
    if (gw__parse_double(s, out) != GW_OK || !(*out > 0)) {
        row_error(v, "%s: expected a positive number, got \"%s\"", col_names[c], s);
        return false;
    }
    return true;
}

static int model_index(vset *v, const char *rel, char *reason, size_t reason_len)
{
    char full[1024];
    if (rel[0] == '/')
        gw__strlcpy(full, rel, sizeof full);
    else
        gw__snprintf(full, sizeof full, "%s%s", v->dir, rel);
    for (size_t i = 0; i < v->n_models; i++) {
        if (strcmp(v->model_paths[i], full) == 0) {
            if (v->model_rc[i] != GW_OK) {
                gw__strlcpy(reason, v->model_err[i], reason_len);
                return -1;
            }
            return (int)i;
        }
    }
    if (v->n_models >= MAX_MODELS) {
        gw__strlcpy(reason, "too many distinct model configs", reason_len);
        return -1;
    }
    size_t i = v->n_models++;
    size_t n = strlen(full) + 1;
    v->model_paths[i] = gw_malloc(v->ctx, n);
    if (v->model_paths[i] == NULL) {
        v->n_models--;
        v->rc = GW_ENOMEM;
        return -1;
    }
    memcpy(v->model_paths[i], full, n);
    gw_error e;
    gw__err_clear(&e);
    v->model_rc[i] = gw_catalog_model_from_hf(v->ctx, full, NULL, &v->models[i], &e);
    if (v->model_rc[i] != GW_OK) {
        char msg[600];
        gw_error_format(&e, msg, sizeof msg);
        gw__snprintf(v->model_err[i], sizeof v->model_err[i], "model config: %s", msg);
        v->models[i] = NULL;
        gw__strlcpy(reason, v->model_err[i], reason_len);
        return -1;
    }
    return (int)i;
}

static void on_row(int c, void *data)
{
    vset *v = data;
    (void)c;
    int start = v->row_start;
    v->line++;
    if (v->rc != GW_OK)
        goto reset;
    if (v->overflow) {
        gw__err(v->err, GW_ERANGE, "row longer than %d bytes or %d columns", ROW_BYTES, MAX_COLS);
        gw__err_loc(v->err, v->path, start, 0, NULL);
        v->rc = GW_ERANGE;
        goto reset;
    }
    if (!v->have_header) {
        for (int k = 0; k < C_N_; k++) {
            v->col[k] = -1;
            for (size_t i = 0; i < v->nf; i++) {
                if (strcmp(v->buf + v->off[i], col_names[k]) == 0)
                    v->col[k] = (int)i;
            }
            if (v->col[k] < 0) {
                gw__err(v->err, GW_ESCHEMA, "missing column \"%s\" in the header", col_names[k]);
                gw__err_loc(v->err, v->path, start, 0, NULL);
                v->rc = GW_ESCHEMA;
                goto reset;
            }
        }
        v->nic_col = -1;
        v->split_col[0] = v->split_col[1] = -1;
        v->shard_col = -1;
        for (size_t i = 0; i < v->nf; i++) {
            if (strcmp(v->buf + v->off[i], "zero_shard") == 0)
                v->shard_col = (int)i;
            if (strcmp(v->buf + v->off[i], "nic_gbps") == 0)
                v->nic_col = (int)i;
            if (strcmp(v->buf + v->off[i], "pp_first_layers") == 0)
                v->split_col[0] = (int)i;
            if (strcmp(v->buf + v->off[i], "pp_last_layers") == 0)
                v->split_col[1] = (int)i;
        }
        for (int k = 0; k < F_N_; k++) {
            v->fact_col[k] = -1;
            for (size_t i = 0; i < v->nf; i++) {
                if (strcmp(v->buf + v->off[i], fact_names[k]) == 0)
                    v->fact_col[k] = (int)i;
            }
        }
        v->n_header = v->nf;
        v->have_header = true;
        goto reset;
    }
    if (v->nf != v->n_header) {
        char a[32], b[32];
        gw__snprintf(a, sizeof a, "%zu", v->nf);
        gw__snprintf(b, sizeof b, "%zu", v->n_header);
        gw__err(v->err, GW_EPARSE, "row has %s fields, the header has %s", a, b);
        gw__err_loc(v->err, v->path, start, 0, NULL);
        v->rc = GW_EPARSE;
        goto reset;
    }
    if (v->n_rows >= MAX_ROWS) {
        gw__err(v->err, GW_ERANGE, "more than %d rows", MAX_ROWS);
        gw__err_loc(v->err, v->path, start, 0, NULL);
        v->rc = GW_ERANGE;
        goto reset;
    }
    if (v->n_rows == v->cap_rows) {
        size_t nc = v->cap_rows ? 2 * v->cap_rows : 64;
        vspec *nr = gw_realloc(v->ctx, v->rows, nc * sizeof *nr);
        if (nr == NULL) {
            v->rc = GW_ENOMEM;
            goto reset;
        }
        v->rows = nr;
        v->cap_rows = nc;
    }
    {
        vspec *r = &v->rows[v->n_rows];
        memset(r, 0, sizeof *r);
        r->line = start;
        r->model = -1;
        v->row_start = start;
        gw__strlcpy(r->id, fld(v, C_ID), sizeof r->id);
        {
            size_t k = 0;
            const char *id = r->id;
            while (id[k] && id[k] != '-' && k < sizeof r->family - 1) {
                r->family[k] = id[k];
                k++;
            }
            r->family[k] = '\0';
        }
        gw_train_opts_init(&r->o);
        r->o.top_k = 0;
        int ngpu = 0, tp = 0, pp = 0, vpp = 0, cp = 0, ep = 0, etp = 0, dp = 0, zero = 0, mb = 0;
        double seq = 0, gb = 0;
        if (!get_int(v, C_NGPU, false, &ngpu) || !get_int(v, C_TP, false, &tp) ||
            !get_int(v, C_PP, false, &pp) || !get_int(v, C_VPP, true, &vpp) ||
            !get_int(v, C_CP, false, &cp) || !get_int(v, C_EP, false, &ep) ||
            !get_int(v, C_ETP, true, &etp) || !get_int(v, C_DP, false, &dp) ||
            !get_int(v, C_ZERO, true, &zero) || !get_int(v, C_MB, true, &mb) ||
            !get_num(v, C_SEQ, &seq) || !get_num(v, C_GB, &gb) ||
            !get_num(v, C_MEAS, &r->measured_s))
            goto reset;
        if (ngpu < 1 || tp < 1 || pp < 1 || cp < 1 || ep < 1 || dp < 1 ||
            (vpp != GW_TRAIN_ANY && vpp < 1) || (mb != GW_TRAIN_ANY && mb < 1) ||
            (zero != GW_TRAIN_ANY && zero > 3)) {
            row_error(v, "%s: a parallel size is out of range in row \"%s\"", "tp/pp/cp/ep/dp",
                      r->id);
            goto reset;
        }
        r->o.n_gpus = ngpu;
        r->o.tp = tp;
        r->o.pp = pp;
        r->o.vpp = pp == 1 ? 1 : vpp;
        r->o.cp = cp;
        r->o.ep = ep;
        r->o.etp = etp;
        r->o.dp = dp;
        r->o.zero = zero;
        r->o.micro_batch = mb;
        r->o.seq_len = seq;
        r->o.global_batch_seqs = gb;
        const char *rcs = fld(v, C_RECOMP);
        if (is_blank(rcs)) {
            r->o.recompute = GW_TRAIN_ANY;
        } else {
            gw_train_recompute rr;
            if (gw_train_recompute_parse(rcs, &rr) != GW_OK) {
                row_error(v, "%s: expected none, selective or full, got \"%s\"",
                          col_names[C_RECOMP], rcs);
                goto reset;
            }
            r->o.recompute = (int)rr;
        }
        gw_precision prec;
        if (gw_precision_parse(fld(v, C_PREC), &prec) != GW_OK) {
            row_error(v, "%s: unknown precision \"%s\"", col_names[C_PREC], fld(v, C_PREC));
            goto reset;
        }
        r->o.precision = (int)prec;
        for (int k = 0; k < F_N_; k++) {
            const char *f = v->fact_col[k] >= 0 ? v->buf + v->off[v->fact_col[k]] : "";
            r->fact[k] = -1;
            if (is_blank(f))
                continue;
            if (k == F_RECIPE) {
                gw_train_fp8_recipe fr;
                if (gw_train_fp8_recipe_parse(f, &fr) != GW_OK) {
                    row_error(v, "%s: expected tensor or block, got \"%s\"", fact_names[k], f);
                    goto reset;
                }
                r->fact[k] = (int)fr;
            } else if (k == F_DPSYNC) {
                gw_train_dp_sync ds;
                if (gw_train_dp_sync_parse(f, &ds) != GW_OK) {
                    row_error(v, "%s: expected overlap, after or after-allreduce, got \"%s\"",
                              fact_names[k], f);
                    goto reset;
                }
                r->fact[k] = (int)ds;
            } else if (strcmp(f, "true") == 0 || strcmp(f, "on") == 0 || strcmp(f, "1") == 0) {
                r->fact[k] = 1;
            } else if (strcmp(f, "false") == 0 || strcmp(f, "off") == 0 || strcmp(f, "0") == 0) {
                r->fact[k] = 0;
            } else {
                row_error(v, "%s: expected true or false, got \"%s\"", fact_names[k], f);
                goto reset;
            }
        }
        /* Optional stage split (empty: searched, as train does). */
        for (int k = 0; k < 2; k++) {
            static const char *const sn[2] = {"pp_first_layers", "pp_last_layers"};
            const char *f = v->split_col[k] >= 0 ? v->buf + v->off[v->split_col[k]] : "";
            if (is_blank(f))
                continue;
            double x = 0.0;
            if (gw__parse_double(f, &x) != GW_OK || x != floor(x) || x < 1 || x > 1e6 || pp < 2) {
                row_error(v,
                          "%s: expected a whole number of layers >= 1 (and pp >= 2), got "
                          "\"%s\"",
                          sn[k], f);
                goto reset;
            }
            if (k == 0)
                r->o.pp_first = (int)x;
            else
                r->o.pp_last = (int)x;
        }
        /* Optional ZeRO shard group (empty: the whole DP x CP group). */
        if (v->shard_col >= 0 && !is_blank(v->buf + v->off[v->shard_col])) {
            const char *f = v->buf + v->off[v->shard_col];
            double x = 0.0;
            if (gw__parse_double(f, &x) != GW_OK || x != floor(x) || x < 1 || x > (double)dp * cp ||
                (dp * cp) % (int)x != 0 || zero == 0) {
                row_error(v,
                          "zero_shard: expected a divisor of dp x cp = %d (with zero >= 1), "
                          "got \"%s\"",
                          dp * cp, f);
                goto reset;
            }
            r->o.zero_shard = (int)x;
        }
        r->nic_Bps = 0.0;
        if (v->nic_col >= 0 && !is_blank(v->buf + v->off[v->nic_col])) {
            const char *f = v->buf + v->off[v->nic_col];
            double g = 0.0;
            if (gw__parse_double(f, &g) != GW_OK || !(g > 0) || g > 1e5) {
                row_error(v, "nic_gbps: expected a bandwidth in Gb/s (0 < x <= 100000), got \"%s\"",
                          f);
                goto reset;
            }
            r->nic_Bps = g * 1e9 / 8.0;
        }
        r->extended = ep > 1 || cp > 1 || prec == GW_PREC_FP8 || prec == GW_PREC_FP4;
        if ((double)tp * pp * cp * dp != (double)ngpu) {
            gw__snprintf(r->reason, sizeof r->reason, "tp*pp*cp*dp = %d != num_gpus %d",
                         tp * pp * cp * dp, ngpu);
        }
        if (v->cat == NULL) {
            gw__strlcpy(r->reason, "no catalog", sizeof r->reason);
        } else if (r->reason[0] == '\0' &&
                   gw_catalog_accel_find(v->cat, fld(v, C_GPU), &r->accel, NULL) != GW_OK) {
            gw__snprintf(r->reason, sizeof r->reason, "unknown gpu \"%s\"", fld(v, C_GPU));
        }
        if (r->reason[0] == '\0') {
            r->model = model_index(v, fld(v, C_MODEL), r->reason, sizeof r->reason);
            if (r->model >= 0 && v->models[r->model]->n_experts > 0)
                r->extended = true;
        }
        if (v->rc != GW_OK)
            goto reset;
        v->n_rows++;
    }
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
    gw_status rc = gw__file_read(ctx, csv_path, 64u * 1024u * 1024u, &buf, &len, err);
    if (rc != GW_OK) {
        gw__err_loc(err, csv_path, 0, 0, NULL);
        return rc;
    }
    vset *v = gw_calloc(ctx, 1, sizeof *v);
    if (v == NULL) {
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
    /* A UTF-8 byte-order mark (spreadsheet exports) is not part of the
     * first column name. */
    size_t skip = len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
                          (unsigned char)buf[2] == 0xBF
                      ? 3
                      : 0;
    size_t done = skip + csv_parse(&cp, buf + skip, len - skip, on_field, on_row, v);
    if (v->rc == GW_OK && done != len) {
        /* Count the line of the failing byte. */
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

/* ---- Evaluation -------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Which error a statistic is over. */
enum efield { E_MODEL, E_BASELINE, E_IN_SAMPLE };

static bool row_error_of(const gw_train_vrow *r, enum efield f, double *e)
{
    if (!r->ok)
        return false;
    switch (f) {
    case E_MODEL:
        *e = r->error;
        return true;
    case E_BASELINE:
        *e = r->baseline_error;
        return r->baseline_s > 0;
    case E_IN_SAMPLE:
        *e = (r->in_sample_s - r->measured_s) / r->measured_s;
        return r->in_sample_s > 0;
    }
    return false;
}

/* Stats of |error| over the rows of subset which (0 all, 1 dense, 2
 * extended) and family (NULL: any); *mean_signed (may be NULL) gets the
 * mean signed error. */
static void stats_of(const gw_train_validation *val, gw_train_vstats *st, int which,
                     const char *family, enum efield f, double *scratch, double *mean_signed)
{
    size_t n = 0;
    double sum = 0, sgn = 0, mx = -1;
    memset(st, 0, sizeof *st);
    for (size_t i = 0; i < val->n_rows; i++) {
        const gw_train_vrow *r = &val->rows[i];
        double err = 0;
        if ((which == 1 && r->extended) || (which == 2 && !r->extended))
            continue;
        if (family != NULL && strcmp(r->family, family) != 0)
            continue;
        if (!row_error_of(r, f, &err))
            continue;
        double e = fabs(err);
        scratch[n++] = e;
        sum += e;
        sgn += err;
        if (e > mx) {
            mx = e;
            st->i_max = i;
        }
    }
    st->n = n;
    if (mean_signed != NULL)
        *mean_signed = n > 0 ? sgn / (double)n : 0.0;
    if (n == 0)
        return;
    qsort(scratch, n, sizeof *scratch, cmp_double);
    st->median_abs = n % 2 ? scratch[n / 2] : 0.5 * (scratch[n / 2 - 1] + scratch[n / 2]);
    st->mean_abs = sum / (double)n;
    st->max_abs = mx;
}

static void stats(gw_train_validation *val, gw_train_vstats *st, int which, double *scratch)
{
    stats_of(val, st, which, NULL, E_MODEL, scratch, NULL);
}

/* Families in order of first appearance, with the model's stats (and the
 * baseline's when it has been computed). */
static void family_stats(gw_train_validation *val, double *scratch)
{
    val->n_families = 0;
    for (size_t i = 0; i < val->n_rows; i++) {
        const char *f = val->rows[i].family;
        bool seen = false;
        for (size_t k = 0; k < val->n_families; k++)
            seen = seen || strcmp(val->families[k].name, f) == 0;
        if (seen || val->n_families >= GW_TRAIN_MAX_FAMILIES)
            continue;
        gw_train_vfamily *fam = &val->families[val->n_families++];
        memset(fam, 0, sizeof *fam);
        gw__strlcpy(fam->name, f, sizeof fam->name);
    }
    for (size_t k = 0; k < val->n_families; k++) {
        gw_train_vfamily *fam = &val->families[k];
        stats_of(val, &fam->model, 0, fam->name, E_MODEL, scratch, &fam->mean_error);
        if (val->has_baseline)
            stats_of(val, &fam->baseline, 0, fam->name, E_BASELINE, scratch,
                     &fam->baseline_mean_error);
    }
}

static gw_status vset_eval(const vset *v, const gw_train_params *p, gw_train_validation *val)
{
    for (size_t i = 0; i < v->n_rows; i++) {
        const vspec *s = &v->rows[i];
        gw_train_vrow *r = &val->rows[i];
        memset(r, 0, sizeof *r);
        gw__strlcpy(r->id, s->id, sizeof r->id);
        gw__strlcpy(r->family, s->family, sizeof r->family);
        r->line = s->line;
        r->extended = s->extended;
        r->measured_s = s->measured_s;
        if (s->reason[0] != '\0') {
            gw__strlcpy(r->reason, s->reason, sizeof r->reason);
            continue;
        }
        gw_train_opts o = s->o;
        o.params = p;
        /* Software facts of the source (data/train.yaml run_profiles):
         * longest matching id prefix. */
        size_t best_len = 0;
        for (size_t k = 0; k < p->n_profiles; k++) {
            size_t n = strlen(p->profile[k].prefix);
            if (n > best_len && strncmp(s->id, p->profile[k].prefix, n) == 0) {
                best_len = n;
                o.flash_attention = p->profile[k].flash_attention;
                o.tp_comm_overlap = p->profile[k].tp_comm_overlap;
                o.seq_parallel = p->profile[k].seq_parallel;
                o.grad_bytes_per_param = p->profile[k].grad_bytes_per_param;
                o.moe_imbalance = p->profile[k].moe_imbalance;
                o.cuda_graphs = p->profile[k].cuda_graphs;
                o.fp8_recipe = p->profile[k].fp8_recipe;
                o.moe_a2a_overlap = p->profile[k].moe_a2a_overlap;
                o.dp_sync = p->profile[k].dp_sync;
                if (s->o.zero == GW_TRAIN_ANY && p->profile[k].zero >= 0)
                    o.zero = p->profile[k].zero;
                if (s->o.vpp == GW_TRAIN_ANY && p->profile[k].max_vpp > 0)
                    o.max_vpp = p->profile[k].max_vpp;
            }
        }
        /* Facts the row's own source states win over its profile. */
        if (s->fact[F_FLASH] >= 0)
            o.flash_attention = s->fact[F_FLASH] != 0;
        if (s->fact[F_OVERLAP] >= 0)
            o.tp_comm_overlap = s->fact[F_OVERLAP] != 0;
        if (s->fact[F_SEQPAR] >= 0)
            o.seq_parallel = s->fact[F_SEQPAR] != 0;
        if (s->fact[F_GRAPHS] >= 0)
            o.cuda_graphs = s->fact[F_GRAPHS] != 0;
        if (s->fact[F_RECIPE] >= 0)
            o.fp8_recipe = s->fact[F_RECIPE];
        if (s->fact[F_A2A] >= 0)
            o.moe_a2a_overlap = s->fact[F_A2A] != 0;
        if (s->fact[F_DPSYNC] >= 0)
            o.dp_sync = s->fact[F_DPSYNC];
        if (s->nic_Bps > 0)
            o.scaleout_Bps = s->nic_Bps;
        gw_train_result res;
        gw_error e;
        gw__err_clear(&e);
        gw_status rc =
            gw_train_plan(v->ctx, v->cat, v->models[s->model], s->accel, NULL, &o, &res, &e);
        if (rc == GW_ENOMEM)
            return rc;
        if (rc != GW_OK) {
            gw__strlcpy(r->reason, e.msg, sizeof r->reason);
            continue;
        }
        r->ok = true;
        r->eval = res.best;
        r->predicted_s = res.best.time.step_s;
        r->error = (r->predicted_s - r->measured_s) / r->measured_s;
    }
    val->n_rows = v->n_rows;
    val->n_ok = 0;
    for (size_t i = 0; i < v->n_rows; i++)
        val->n_ok += val->rows[i].ok;
    val->n_skipped = val->n_rows - val->n_ok;
    double *scratch = gw_malloc(v->ctx, (v->n_rows + 1) * sizeof *scratch);
    if (scratch == NULL)
        return GW_ENOMEM;
    stats(val, &val->all, 0, scratch);
    stats(val, &val->dense, 1, scratch);
    stats(val, &val->extended, 2, scratch);
    family_stats(val, scratch);
    gw_free(v->ctx, scratch);
    return GW_OK;
}

static gw_train_validation *val_new(gw_ctx *ctx, const vset *v)
{
    gw_train_validation *val = gw_calloc(ctx, 1, sizeof *val);
    if (val == NULL)
        return NULL;
    val->rows = gw_calloc(ctx, v->n_rows + 1, sizeof *val->rows);
    if (val->rows == NULL) {
        gw_free(ctx, val);
        return NULL;
    }
    gw__strlcpy(val->path, v->path, sizeof val->path);
    return val;
}

void gw_train_validation_free(gw_ctx *ctx, gw_train_validation *v)
{
    if (v == NULL)
        return;
    gw_free(ctx, v->rows);
    gw_free(ctx, v);
}

/* *p, or data/train.yaml loaded into *lp when *p is NULL. */
static gw_status params_or_default(gw_ctx *ctx, const gw_train_params **p, gw_train_params *lp,
                                   gw_error *err)
{
    if (*p != NULL)
        return GW_OK;
    gw_status rc = gw_train_params_load(ctx, NULL, lp, err);
    if (rc == GW_OK)
        *p = lp;
    return rc;
}

gw_status gw_train_validate_file(gw_ctx *ctx, const gw_catalog *cat, const char *csv_path,
                                 const gw_train_params *p, gw_train_validation **out, gw_error *err)
{
    gw_train_params lp;
    vset *v = NULL;
    gw_status rc;
    if (ctx == NULL || csv_path == NULL || out == NULL)
        return gw__err(err, GW_EINVAL, "gw_train_validate_file: bad argument");
    rc = params_or_default(ctx, &p, &lp, err);
    if (rc != GW_OK)
        return rc;
    rc = vset_load(ctx, cat, csv_path, &v, err);
    if (rc != GW_OK)
        return rc;
    gw_train_validation *val = val_new(ctx, v);
    if (val == NULL) {
        vset_free(v);
        return gw__err(err, GW_ENOMEM, "out of memory");
    }
    rc = vset_eval(v, p, val);
    vset_free(v);
    if (rc != GW_OK) {
        gw_train_validation_free(ctx, val);
        return gw__err(err, rc, "out of memory");
    }
    *out = val;
    return GW_OK;
}

/* ---- Fitting ----------------------------------------------------------- */

typedef struct fitpar {
    const char *name;
    size_t off;
    double lo, hi; /* plausible range */
} fitpar;

#define F_(n, field, lo, hi)                        \
    {                                               \
        n, offsetof(gw_train_params, field), lo, hi \
    }

static const fitpar fit_space[] = {
    F_("gemm_eff_max_bf16", gemm_eff_max[GW_PREC_BF16], 0.6, 1.0),
    F_("gemm_eff_max_fp8", gemm_eff_max[GW_PREC_FP8], 0.5, 1.0),
    F_("gemm_half_flop", gemm_half_flop, 0.0, 60e9),
    F_("attn_eff", attn_eff, 0.25, 0.75),
    F_("mem_eff", mem_eff, 0.5, 0.95),
    F_("elementwise_bytes_per_elem", elementwise_bytes_per_elem, 1.0, 8.0),
    F_("tp_overlap", tp_overlap, 0.0, 0.9),
    F_("dp_overlap", dp_overlap, 0.0, 1.0),
    F_("scaleup_bw_eff", scaleup_bw_eff, 0.5, 0.95),
    F_("step_overhead", step_overhead_s, 0.0, 0.5),
    F_("grouped_gemm_eff", grouped_gemm_eff, 0.3, 1.0),
    F_("grouped_gemm_eff_fp8", grouped_gemm_eff_fp8, 0.3, 1.0),
    F_("host_op_time", host_op_time, 5e-6, 50e-6),
    F_("moe_imbalance", moe_imbalance, 1.0, 1.5),
    F_("ep_overlap", ep_overlap, 0.0, 0.9),
    F_("overlap_slowdown", overlap_slowdown, 0.0, 0.4),
    F_("cp_overlap", cp_overlap, 0.0, 1.0),
    F_("fp8_cast_bytes_per_elem", fp8_cast_bytes_per_elem, 0.0, 6.0),
    F_("legacy_score_bytes", legacy_score_bytes, 4.0, 24.0),
    F_("gemm_eff_max_fp4", gemm_eff_max[GW_PREC_FP4], 0.3, 1.0),
    F_("scaleout_bw_eff", scaleout_bw_eff, 0.5, 0.95),
};

bool gw_train_fit_param_known(const char *name)
{
    for (size_t j = 0; name != NULL && j < sizeof fit_space / sizeof fit_space[0]; j++) {
        if (strcmp(name, fit_space[j].name) == 0)
            return true;
    }
    return false;
}

/* Objective: mean |log(pred/meas)| + the max over rows (weighted), on the
 * selected subset (0 all, 1 dense, 2 extended), leaving out the rows of
 * family exclude (NULL: none). */
static double objective(const gw_train_validation *val, int which, const char *exclude)
{
    double sum = 0, mx = 0;
    size_t n = 0;
    for (size_t i = 0; i < val->n_rows; i++) {
        const gw_train_vrow *r = &val->rows[i];
        if ((which == 1 && r->extended) || (which == 2 && !r->extended))
            continue;
        if (exclude != NULL && strcmp(r->family, exclude) == 0)
            continue;
        if (!r->ok)
            return 1e9;
        double e = fabs(log(r->predicted_s / r->measured_s));
        sum += e;
        if (e > mx)
            mx = e;
        n++;
    }
    if (n == 0)
        return 1e9;
    return sum / (double)n + 0.25 * mx;
}

/* The fit_space entries named in a comma-separated list (unknown names are
 * skipped); returns how many, at most cap. */
static size_t select_list(const char *list, const fitpar **sel, size_t cap)
{
    size_t ns = 0;
    while (list != NULL && *list != '\0' && ns < cap) {
        size_t len = strcspn(list, ",");
        for (size_t j = 0; j < sizeof fit_space / sizeof fit_space[0]; j++) {
            if (strlen(fit_space[j].name) == len && strncmp(list, fit_space[j].name, len) == 0)
                sel[ns++] = &fit_space[j];
        }
        list += len;
        if (*list == ',')
            list++;
    }
    return ns;
}

/* Coordinate descent of the ns parameters sel over their plausible ranges,
 * minimising the objective on subset without family exclude. val is
 * scratch (left evaluated at the fitted *p). */
static gw_status fit_vset(const vset *v, gw_train_validation *val, const fitpar *const *sel,
                          size_t ns, int subset, int rounds, const char *exclude,
                          gw_train_params *p)
{
    gw_status rc = vset_eval(v, p, val);
    double best = objective(val, subset, exclude);
    for (int round = 0; rc == GW_OK && round < rounds; round++) {
        for (size_t k = 0; k < ns && rc == GW_OK; k++) {
            double *x = (double *)((char *)p + sel[k]->off);
            double lo = sel[k]->lo, hi = sel[k]->hi;
            /* Golden-section-free grid refinement: 11 points over the
             * range, then 11 points around the best, twice. */
            double a = lo, b = hi, xbest = *x;
            for (int pass = 0; pass < 3 && rc == GW_OK; pass++) {
                for (int g = 0; g <= 10; g++) {
                    double t = a + (b - a) * g / 10.0;
                    double old = *x;
                    *x = t;
                    rc = vset_eval(v, p, val);
                    if (rc != GW_OK)
                        break;
                    double f = objective(val, subset, exclude);
                    if (f < best - 1e-12) {
                        best = f;
                        xbest = t;
                    }
                    *x = old;
                }
                *x = xbest;
                double w = (b - a) / 10.0;
                a = xbest - w > lo ? xbest - w : lo;
                b = xbest + w < hi ? xbest + w : hi;
            }
        }
    }
    if (rc == GW_OK)
        rc = vset_eval(v, p, val);
    return rc;
}

gw_status gw_train_fit(gw_ctx *ctx, const gw_catalog *cat, const char *csv_path,
                       const char *const *names, size_t n_names, int subset, int rounds,
                       gw_train_params *p, gw_train_validation **out, gw_error *err)
{
    vset *v = NULL;
    if (ctx == NULL || csv_path == NULL || p == NULL)
        return gw__err(err, GW_EINVAL, "gw_train_fit: bad argument");
    /* Every name must be a fit parameter: an ignored typo would fit nothing
     * and look like a result. */
    for (size_t i = 0; i < n_names; i++) {
        bool known = false;
        for (size_t j = 0; j < sizeof fit_space / sizeof fit_space[0] && !known; j++)
            known = names[i] && strcmp(names[i], fit_space[j].name) == 0;
        if (!known) {
            char list[400] = "";
            size_t used = 0;
            for (size_t j = 0; j < sizeof fit_space / sizeof fit_space[0]; j++) {
                gw__snprintf(list + used, sizeof list - used, "%s%s", j ? ", " : "",
                             fit_space[j].name);
                used = strlen(list);
            }
            return gw__err(err, GW_ENOTFOUND, "unknown fit parameter \"%s\" (parameters: %s)",
                           names[i] ? names[i] : "(null)", list);
        }
    }
    gw_status rc = vset_load(ctx, cat, csv_path, &v, err);
    if (rc != GW_OK)
        return rc;
    gw_train_validation *val = val_new(ctx, v);
    if (val == NULL) {
        vset_free(v);
        return gw__err(err, GW_ENOMEM, "out of memory");
    }
    const fitpar *sel[32];
    size_t ns = 0;
    for (size_t i = 0; i < n_names && ns < 32; i++)
        ns += select_list(names[i], sel + ns, 32 - ns);
    rc = fit_vset(v, val, sel, ns, subset, rounds, NULL, p);
    vset_free(v);
    if (rc != GW_OK) {
        gw_train_validation_free(ctx, val);
        return gw__err(err, rc, "out of memory");
    }
    if (out != NULL)
        *out = val;
    else
        gw_train_validation_free(ctx, val);
    return GW_OK;
}

/* ---- Cross-validation and the constant-MFU baseline -------------------- */

/* Mean and population sd of log(measured / predicted) over the evaluated
 * rows, leaving out family exclude (NULL: none). */
static void log_ratio_moments(const gw_train_validation *v, const char *exclude, double *mean,
                              double *sd)
{
    double s1 = 0, s2 = 0;
    size_t n = 0;
    for (size_t i = 0; i < v->n_rows; i++) {
        const gw_train_vrow *r = &v->rows[i];
        if (!r->ok || (exclude != NULL && strcmp(r->family, exclude) == 0))
            continue;
        double x = log(r->measured_s / r->predicted_s);
        s1 += x;
        s2 += x * x;
        n++;
    }
    *mean = n > 0 ? s1 / (double)n : 0.0;
    double var = n > 0 ? s2 / (double)n - *mean * *mean : 0.0;
    *sd = var > 0 ? sqrt(var) : 0.0;
}

/* The interval of the held-out rows at level, and its leave-one-family-out
 * coverage. */
static void interval_check(gw_train_validation *v, double level)
{
    double z = gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * level);
    v->interval_level = level;
    log_ratio_moments(v, NULL, &v->interval_log_mean, &v->interval_log_sd);
    v->interval_lo_factor = exp(v->interval_log_mean - z * v->interval_log_sd);
    v->interval_hi_factor = exp(v->interval_log_mean + z * v->interval_log_sd);
    size_t n = 0, inside = 0;
    for (size_t k = 0; k < v->n_families; k++) {
        double mu, sd;
        log_ratio_moments(v, v->families[k].name, &mu, &sd);
        for (size_t i = 0; i < v->n_rows; i++) {
            const gw_train_vrow *r = &v->rows[i];
            if (!r->ok || strcmp(r->family, v->families[k].name) != 0)
                continue;
            double x = log(r->measured_s / r->predicted_s);
            n++;
            inside += fabs(x - mu) <= z * sd;
        }
    }
    v->interval_inside = inside;
    v->interval_coverage = n > 0 ? (double)inside / (double)n : 0.0;
}

/* Widens val's per-parameter fold spread by the values fitted in q (first:
 * the first fold, which sets the list). */
static void fold_spread(gw_train_validation *val, const gw_train_params *q, bool first)
{
    const fitpar *sel[32];
    if (first)
        val->n_fold_params = 0;
    for (size_t st = 0; st < q->n_fit_stages; st++) {
        size_t ns = select_list(q->fit_stage[st].params, sel, 32);
        for (size_t j = 0; j < ns; j++) {
            double x = *(const double *)((const char *)q + sel[j]->off);
            size_t k = 0;
            while (k < val->n_fold_params && strcmp(val->fold_param[k].name, sel[j]->name) != 0)
                k++;
            if (k == val->n_fold_params) {
                if (k >= sizeof val->fold_param / sizeof val->fold_param[0])
                    continue;
                gw__strlcpy(val->fold_param[k].name, sel[j]->name, sizeof val->fold_param[k].name);
                val->fold_param[k].lo = val->fold_param[k].hi = x;
                val->fold_param[k].range_lo = sel[j]->lo;
                val->fold_param[k].range_hi = sel[j]->hi;
                val->n_fold_params++;
            }
            if (x < val->fold_param[k].lo)
                val->fold_param[k].lo = x;
            if (x > val->fold_param[k].hi)
                val->fold_param[k].hi = x;
        }
    }
}

/* Runs p's fit plan on the rows of v other than family exclude (NULL:
 * all), every planned parameter started from the middle of its plausible
 * range, so that the result depends on the rows and the plan only (not on
 * the values data/train.yaml holds). fold is scratch; *q the result. */
static gw_status run_plan(const vset *v, gw_train_validation *fold, const gw_train_params *p,
                          int rounds, const char *exclude, gw_train_params *q)
{
    const fitpar *sel[32];
    size_t ns;
    gw_status rc = GW_OK;
    *q = *p;
    for (size_t st = 0; st < q->n_fit_stages; st++) {
        ns = select_list(q->fit_stage[st].params, sel, 32);
        for (size_t j = 0; j < ns; j++)
            *(double *)((char *)q + sel[j]->off) = 0.5 * (sel[j]->lo + sel[j]->hi);
    }
    for (size_t st = 0; st < q->n_fit_stages && rc == GW_OK; st++) {
        ns = select_list(q->fit_stage[st].params, sel, 32);
        rc = fit_vset(v, fold, sel, ns, q->fit_stage[st].subset, rounds, exclude, q);
    }
    return rc;
}

gw_status gw_train_fit_plan(gw_ctx *ctx, const gw_catalog *cat, const char *csv_path,
                            const gw_train_params *p, int rounds, gw_train_params *fitted,
                            gw_train_validation **out, gw_error *err)
{
    gw_train_params lp, q;
    vset *v = NULL;
    gw_train_validation *fold = NULL, *val = NULL;
    gw_status rc;
    if (ctx == NULL || csv_path == NULL || fitted == NULL)
        return gw__err(err, GW_EINVAL, "gw_train_fit_plan: bad argument");
    rc = params_or_default(ctx, &p, &lp, err);
    if (rc != GW_OK)
        return rc;
    if (p->n_fit_stages == 0)
        return gw__err(err, GW_EINVAL, "no fit_plan in data/train.yaml: nothing to fit");
    rc = vset_load(ctx, cat, csv_path, &v, err);
    if (rc != GW_OK)
        return rc;
    fold = val_new(ctx, v);
    if (fold == NULL) {
        vset_free(v);
        return gw__err(err, GW_ENOMEM, "out of memory");
    }
    rc = run_plan(v, fold, p, rounds, NULL, &q);
    if (rc == GW_OK && out != NULL) {
        val = val_new(ctx, v);
        rc = val == NULL ? GW_ENOMEM : vset_eval(v, &q, val);
    }
    vset_free(v);
    gw_train_validation_free(ctx, fold);
    if (rc != GW_OK) {
        gw_train_validation_free(ctx, val);
        return gw__err(err, rc, "out of memory");
    }
    *fitted = q;
    if (out != NULL)
        *out = val;
    return GW_OK;
}

gw_status gw_train_crossval(gw_ctx *ctx, const gw_catalog *cat, const char *csv_path,
                            const gw_train_params *p, int rounds, gw_train_validation **out,
                            gw_error *err)
{
    gw_train_params lp;
    vset *v = NULL;
    gw_train_validation *val = NULL, *fold = NULL;
    double *scratch = NULL;
    gw_status rc;
    if (ctx == NULL || csv_path == NULL || out == NULL)
        return gw__err(err, GW_EINVAL, "gw_train_crossval: bad argument");
    rc = params_or_default(ctx, &p, &lp, err);
    if (rc != GW_OK)
        return rc;
    if (p->n_fit_stages == 0)
        return gw__err(err, GW_EINVAL, "no fit_plan in data/train.yaml: nothing to refit");
    rc = vset_load(ctx, cat, csv_path, &v, err);
    if (rc != GW_OK)
        return rc;
    val = val_new(ctx, v);
    fold = val_new(ctx, v);
    scratch = gw_malloc(ctx, (v->n_rows + 1) * sizeof *scratch);
    if (val == NULL || fold == NULL || scratch == NULL) {
        rc = GW_ENOMEM;
        goto fail;
    }
    /* In-sample: the parameters as given. Rows are then overwritten family
     * by family with the held-out predictions. */
    rc = vset_eval(v, p, val);
    if (rc != GW_OK)
        goto fail;
    for (size_t i = 0; i < val->n_rows; i++)
        val->rows[i].in_sample_s = val->rows[i].ok ? val->rows[i].predicted_s : 0.0;
    stats_of(val, &val->in_sample, 0, NULL, E_IN_SAMPLE, scratch, NULL);
    if (val->n_families < 2) {
        rc = gw__err(err, GW_ERANGE,
                     "leave-one-family-out needs rows of at least two source families (id "
                     "prefixes); this file has %zu",
                     val->n_families);
        gw__err_loc(err, csv_path, 0, 0, NULL);
        goto fail;
    }
    for (size_t k = 0; k < val->n_families; k++) {
        const char *fam = val->families[k].name;
        gw_train_params q;
        /* Every planned parameter starts from the middle of its range, not
         * from its data/train.yaml value (fitted with this family in). */
        rc = run_plan(v, fold, p, rounds, fam, &q);
        if (rc != GW_OK)
            goto fail;
        fold_spread(val, &q, k == 0);
        for (size_t i = 0; i < val->n_rows; i++) {
            gw_train_vrow *r = &val->rows[i];
            if (strcmp(r->family, fam) != 0)
                continue;
            double ins = r->in_sample_s;
            *r = fold->rows[i];
            r->in_sample_s = ins;
        }
    }
    val->n_ok = 0;
    for (size_t i = 0; i < val->n_rows; i++)
        val->n_ok += val->rows[i].ok;
    val->n_skipped = val->n_rows - val->n_ok;
    val->held_out = true;
    val->cv_rounds = rounds;
    stats(val, &val->all, 0, scratch);
    stats(val, &val->dense, 1, scratch);
    stats(val, &val->extended, 2, scratch);
    family_stats(val, scratch);
    interval_check(val, p->interval_level > 0 ? p->interval_level : 0.8);
    *out = val;
    val = NULL;
fail:
    if (rc == GW_ENOMEM)
        gw__err(err, GW_ENOMEM, "out of memory");
    gw_free(ctx, scratch);
    gw_train_validation_free(ctx, fold);
    gw_train_validation_free(ctx, val);
    vset_free(v);
    return rc;
}

/* Geometric median of the measured MFUs of the training rows for row i:
 * same precision (any when none), other families when held_out. 0 when no
 * row qualifies. */
static double baseline_mfu_for(const gw_train_validation *v, const gw_train_vrow *target,
                               bool held_out, int prec, double *scratch)
{
    for (int any_prec = 0; any_prec < 2; any_prec++) {
        size_t n = 0;
        for (size_t j = 0; j < v->n_rows; j++) {
            const gw_train_vrow *r = &v->rows[j];
            if (!r->ok || !(r->measured_mfu > 0))
                continue;
            if (held_out && target != NULL && strcmp(r->family, target->family) == 0)
                continue;
            if (!any_prec && (int)r->eval.cfg.precision != prec)
                continue;
            scratch[n++] = log(r->measured_mfu);
        }
        if (n == 0)
            continue;
        qsort(scratch, n, sizeof *scratch, cmp_double);
        return exp(n % 2 ? scratch[n / 2] : 0.5 * (scratch[n / 2 - 1] + scratch[n / 2]));
    }
    return 0.0;
}

gw_status gw_train_baseline(gw_ctx *ctx, gw_train_validation *v, bool held_out)
{
    if (ctx == NULL || v == NULL)
        return GW_EINVAL;
    double *scratch = gw_malloc(ctx, (v->n_rows + 1) * sizeof *scratch);
    if (scratch == NULL)
        return GW_ENOMEM;
    /* eval.mfu x predicted_s is the model FLOPs over (GPUs x peak): the
     * same for any parameters, so the measured MFU needs no FLOP count of
     * its own. */
    for (size_t i = 0; i < v->n_rows; i++) {
        gw_train_vrow *r = &v->rows[i];
        r->measured_mfu =
            r->ok && r->measured_s > 0 ? r->eval.mfu * r->predicted_s / r->measured_s : 0.0;
    }
    for (size_t i = 0; i < v->n_rows; i++) {
        gw_train_vrow *r = &v->rows[i];
        r->baseline_s = r->baseline_error = 0.0;
        if (!(r->measured_mfu > 0))
            continue;
        double m = baseline_mfu_for(v, r, held_out, (int)r->eval.cfg.precision, scratch);
        if (!(m > 0))
            continue;
        /* At constant MFU m the step takes model FLOPs / (GPUs x peak x m)
         * = measured_s x measured_mfu / m. */
        r->baseline_s = r->measured_s * r->measured_mfu / m;
        r->baseline_error = (r->baseline_s - r->measured_s) / r->measured_s;
    }
    for (int k = 0; k < GW_PREC_COUNT; k++) {
        bool any = false;
        for (size_t i = 0; i < v->n_rows; i++)
            any = any || (v->rows[i].measured_mfu > 0 && (int)v->rows[i].eval.cfg.precision == k);
        v->baseline_mfu[k] = any ? baseline_mfu_for(v, NULL, false, k, scratch) : 0.0;
    }
    v->has_baseline = true;
    v->baseline_held_out = held_out;
    stats_of(v, &v->baseline_all, 0, NULL, E_BASELINE, scratch, NULL);
    family_stats(v, scratch);
    gw_free(ctx, scratch);
    return GW_OK;
}

/* ---- Report ------------------------------------------------------------ */

static void stats_doc(gw_doc *doc, gw_doc_node *o, const char *key, const char *label,
                      const gw_train_validation *v, const gw_train_vstats *s)
{
    gw_doc_node *n = gw_doc_obj(doc, o, key, label);
    gw_doc_int(doc, n, "runs", "runs evaluated", (int64_t)s->n);
    gw_doc_num(doc, n, "median_abs_error_frac", "median |error|", s->median_abs, "frac");
    gw_doc_num(doc, n, "mean_abs_error_frac", "mean |error|", s->mean_abs, "frac");
    gw_doc_num(doc, n, "max_abs_error_frac", "max |error|", s->max_abs, "frac");
    if (s->n > 0)
        gw_doc_str(doc, n, "max_id", "worst run", v->rows[s->i_max].id);
}

void gw_train_validation_report(gw_doc *doc, gw_doc_node *parent, const gw_train_validation *v)
{
    if (doc == NULL || v == NULL)
        return;
    if (parent == NULL)
        parent = gw_doc_root(doc);
    gw_doc_node *o = gw_doc_obj(doc, parent, "validate", "Validation against published runs");
    gw_doc_str(doc, o, "file", "file", v->path);
    gw_doc_node *rows = gw_doc_arr(doc, o, "runs", "runs");
    for (size_t i = 0; i < v->n_rows; i++) {
        const gw_train_vrow *r = &v->rows[i];
        gw_doc_node *n = gw_doc_obj(doc, rows, NULL, NULL);
        gw_doc_str(doc, n, "id", "id", r->id);
        gw_doc_str(doc, n, "family", "family", r->family);
        gw_doc_num(doc, n, "measured_s", "measured", r->measured_s, "s");
        if (r->ok) {
            const gw_train_config *c = &r->eval.cfg;
            char cfg[160];
            gw__snprintf(cfg, sizeof cfg, "tp%d pp%d vpp%d cp%d ep%d dp%d mb%d %s zero%d %s", c->tp,
                         c->pp, c->vpp, c->cp, c->ep, c->dp, c->micro_batch,
                         gw_train_recompute_name(c->recompute), c->zero,
                         gw_precision_name(c->precision));
            if (c->zero >= 1 && c->zero_shard > 0 && c->zero_shard < c->dp * c->cp) {
                size_t k = strlen(cfg);
                gw__snprintf(cfg + k, sizeof cfg - k, " shard%d", c->zero_shard);
            }
            if (c->pp_first > 0 || c->pp_last > 0) {
                /* An uneven stage split (the search sets one only then). */
                size_t k = strlen(cfg);
                gw__snprintf(cfg + k, sizeof cfg - k, " stages first%d last%d", c->pp_first,
                             c->pp_last);
            }
            gw_doc_num(doc, n, "predicted_s", "predicted", r->predicted_s, "s");
            gw_doc_num(doc, n, "error_frac", "error", r->error, "frac");
            gw_doc_str(doc, n, "set", "set", r->extended ? "moe/fp8/cp" : "dense");
            gw_doc_str(doc, n, "config", "configuration evaluated (empty CSV cells searched)", cfg);
            gw_doc_num(doc, n, "mfu_frac", "MFU", r->eval.mfu, "frac");
            if (v->held_out)
                gw_doc_num(doc, n, "in_sample_predicted_s", "predicted in sample", r->in_sample_s,
                           "s");
            if (v->has_baseline && r->baseline_s > 0) {
                gw_doc_num(doc, n, "measured_mfu_frac", "measured MFU", r->measured_mfu, "frac");
                gw_doc_num(doc, n, "baseline_predicted_s", "constant-MFU baseline", r->baseline_s,
                           "s");
                gw_doc_num(doc, n, "baseline_error_frac", "baseline error", r->baseline_error,
                           "frac");
            }
        } else {
            gw_doc_str(doc, n, "reason", "not evaluated", r->reason);
        }
    }
    gw_doc_int(doc, o, "runs_total", "runs in file", (int64_t)v->n_rows);
    gw_doc_int(doc, o, "runs_evaluated", "runs evaluated", (int64_t)v->n_ok);
    gw_doc_int(doc, o, "runs_skipped", "runs not evaluated", (int64_t)v->n_skipped);
    stats_doc(doc, o, "summary", "all runs", v, &v->all);
    stats_doc(doc, o, "dense", "dense BF16 runs", v, &v->dense);
    stats_doc(doc, o, "extended", "MoE / FP8 / CP runs", v, &v->extended);
    gw_doc_str(doc, o, "predictions", "predictions",
               v->held_out ? "held out: leave one source family out (parameters refitted "
                             "without the row's family)"
                           : "in sample: the parameters of data/train.yaml");
    if (v->held_out) {
        gw_doc_int(doc, o, "cv_rounds", "fit passes per stage", v->cv_rounds);
        stats_doc(doc, o, "in_sample", "all runs, in sample (for reference)", v, &v->in_sample);
        gw_doc_node *iv = gw_doc_obj(doc, o, "interval", "prediction interval");
        gw_doc_num(doc, iv, "level", "level", v->interval_level, "frac");
        gw_doc_num(doc, iv, "log_mean", "mean of log(measured/predicted)", v->interval_log_mean,
                   "");
        gw_doc_num(doc, iv, "log_sd", "sd of log(measured/predicted)", v->interval_log_sd, "");
        gw_doc_num(doc, iv, "coverage_frac", "leave-one-family-out coverage", v->interval_coverage,
                   "frac");
        gw_doc_int(doc, iv, "rows_inside", "rows inside their interval",
                   (int64_t)v->interval_inside);
        gw_doc_node *fs = gw_doc_obj(doc, o, "fold_spread",
                                     "fitted values over the folds, per planned parameter");
        for (size_t k = 0; k < v->n_fold_params; k++) {
            gw_doc_node *q = gw_doc_obj(doc, fs, v->fold_param[k].name, v->fold_param[k].name);
            gw_doc_num(doc, q, "lo", "lowest fold value", v->fold_param[k].lo, "");
            gw_doc_num(doc, q, "hi", "highest fold value", v->fold_param[k].hi, "");
            gw_doc_num(doc, q, "range_lo", "plausible range, low", v->fold_param[k].range_lo, "");
            gw_doc_num(doc, q, "range_hi", "plausible range, high", v->fold_param[k].range_hi, "");
        }
    }
    if (v->has_baseline) {
        gw_doc_node *b = gw_doc_obj(doc, o, "baseline", "constant-MFU baseline");
        gw_doc_str(doc, b, "fit", "fitted on",
                   v->baseline_held_out ? "the other families' rows (held out)" : "all rows");
        gw_doc_node *m = gw_doc_obj(doc, b, "mfu_by_precision", "MFU by precision (all rows)");
        for (int k = 0; k < GW_PREC_COUNT; k++) {
            if (v->baseline_mfu[k] > 0)
                gw_doc_num(doc, m, gw_precision_name((gw_precision)k), NULL, v->baseline_mfu[k],
                           "frac");
        }
        stats_doc(doc, b, "summary", "all runs", v, &v->baseline_all);
    }
    gw_doc_node *fams = gw_doc_arr(doc, o, "families", "source families");
    for (size_t k = 0; k < v->n_families; k++) {
        const gw_train_vfamily *f = &v->families[k];
        if (f->model.n == 0)
            continue;
        gw_doc_node *n = gw_doc_obj(doc, fams, NULL, NULL);
        gw_doc_str(doc, n, "family", "family", f->name);
        gw_doc_int(doc, n, "runs", "runs", (int64_t)f->model.n);
        gw_doc_num(doc, n, "mean_abs_error_frac", "mean |error|", f->model.mean_abs, "frac");
        gw_doc_num(doc, n, "mean_error_frac", "mean error", f->mean_error, "frac");
        gw_doc_num(doc, n, "max_abs_error_frac", "max |error|", f->model.max_abs, "frac");
        if (v->has_baseline) {
            gw_doc_num(doc, n, "baseline_mean_abs_error_frac", "baseline mean |error|",
                       f->baseline.mean_abs, "frac");
            gw_doc_num(doc, n, "baseline_max_abs_error_frac", "baseline max |error|",
                       f->baseline.max_abs, "frac");
            gw_doc_bool(doc, n, "model_beats_baseline", "model beats baseline",
                        f->model.mean_abs < f->baseline.mean_abs);
        }
    }
}
