/* SPDX-License-Identifier: MIT */
/*
 * validate.c: the network model against published collective measurements
 * (data/validation/collectives.csv, COLLECTIVES.md): each row's system as a
 * fabric (the catalog's NVLink for the accelerator, the row's NICs, a
 * non-blocking radix-64 tree: the sources rarely state the fabric), its
 * collective simulated at its size, and the bandwidth the source reports
 * (busbw, else algbw, else size / time; DeepEP rows: the bottleneck link's
 * achieved bandwidth) compared. Nothing here is fitted to these rows: the
 * efficiencies and latencies are data/train.yaml's.
 */
#include "net_internal.h"

#include <csv.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_internal.h"

#define NAN_SIZE (-1.0) /* a size cell that is not a usable number */

enum {
    C_ID,
    C_FAMILY,
    C_COLL,
    C_ACCEL,
    C_GPUS,
    C_NODES,
    C_GPN,
    C_DOM,
    C_NIC,
    C_NICS,
    C_ALGO,
    C_SIZE,
    C_ALGBW,
    C_BUSBW,
    C_TIME,
    C_METRIC,
    C_N_
};
static const char *const col_names[C_N_] = {
    "id",         "family",       "collective",    "accelerator",
    "gpus",       "nodes",        "gpus_per_node", "scaleup_domain",
    "nic_Gbps",   "nics_per_gpu", "algo",          "size_bytes",
    "algbw_GBps", "busbw_GBps",   "time_us",       "bw_metric"};

typedef struct vctx {
    gw_ctx *ctx;
    const gw_catalog *cat;
    const gw_train_params *tp;
    const char *path;
    int col[C_N_];
    char *field[64];
    size_t nf;
    int line;
    bool header_done;
    gw_status rc;
    gw_error *err;
    gw_net_validation *out;
    size_t cap;
} vctx;

static void on_field(void *s, size_t len, void *ud)
{
    vctx *v = ud;
    if (v->rc != GW_OK || v->nf >= 64)
        return;
    char *c = gw_malloc(v->ctx, len + 1);
    if (!c) {
        v->rc = GW_ENOMEM;
        return;
    }
    memcpy(c, s, len);
    c[len] = '\0';
    v->field[v->nf++] = c;
}

static const char *fld(const vctx *v, int c)
{
    int i = v->col[c];
    return i >= 0 && (size_t)i < v->nf ? v->field[i] : "";
}

static double num(const char *s)
{
    if (!s || !*s)
        return (double)NAN;
    char *end = NULL;
    double x = strtod(s, &end);
    return end && end != s ? x : (double)NAN;
}

/* A whole number in [1, hi] from a cell, else 0 (blank, NaN, out of range:
 * no undefined float-to-int conversion). */
static int small_int(double x, double hi)
{
    return x >= 1.0 && x <= hi ? (int)x : 0;
}

/* The first integer in a text such as "nvlink-8 (H800 ...)". */
static int first_int(const char *s)
{
    while (*s && !isdigit((unsigned char)*s))
        s++;
    long v = *s ? strtol(s, NULL, 10) : 0;
    return v >= 1 && v <= 1000000 ? (int)v : 0;
}

static bool contains(const char *s, const char *needle)
{
    size_t n = strlen(needle);
    for (; *s; s++) {
        size_t i = 0;
        while (i < n && s[i] && tolower((unsigned char)s[i]) == needle[i])
            i++;
        if (i == n)
            return true;
    }
    return false;
}

static void predict(vctx *v, gw_net_vrow *r)
{
    const gw_accel *a = NULL;
    /* "a100-sxm (memory not stated)": the first catalog name the leading
     * word begins (the NVLink figures do not depend on the memory). */
    char word[48];
    gw__strlcpy(word, fld(v, C_ACCEL), sizeof word);
    word[strcspn(word, " (")] = '\0';
    if (gw_catalog_accel_find(v->cat, word, &a, NULL) != GW_OK && word[0]) {
        for (size_t i = 0; i < gw_catalog_n_accels(v->cat); i++) {
            const gw_accel *c = gw_catalog_accel_at(v->cat, i);
            if (c && strncmp(c->name, word, strlen(word)) == 0) {
                a = c;
                break;
            }
        }
    }
    if (!a) {
        gw__snprintf(r->skipped, sizeof r->skipped, "accelerator not in the catalog");
        return;
    }
    double gpus = num(fld(v, C_GPUS));
    if (!(gpus >= 2)) {
        gw__snprintf(r->skipped, sizeof r->skipped, "GPU count not stated");
        return;
    }
    if (gpus > 65536 || gpus != floor(gpus)) {
        gw__snprintf(r->skipped, sizeof r->skipped, "GPU count outside 2..65536");
        return;
    }
    const char *algo = fld(v, C_ALGO);
    bool innet = contains(algo, "nvls") || contains(algo, "sharp") || contains(algo, "collnet");
    bool off = contains(algo, "disabled") || contains(algo, "enable=0") ||
               contains(algo, "no nvlink sharp") || contains(algo, "on or off");
    /* NVLS rows run the in-network algorithm where the catalog says the
     * GPU's NVLink switches reduce (nvls_efficiency); the others keep the
     * fabric without it, as NCCL does with NCCL_NVLS_ENABLE=0. */
    bool nvls_row = innet && !off;
    if (nvls_row && !(a->nvls_eff > 0.0)) {
        gw__snprintf(r->skipped, sizeof r->skipped,
                     "in-switch reduction on a GPU the catalog gives none");
        return;
    }
    int gpn = small_int(num(fld(v, C_GPN)), 1024);
    double nodes = num(fld(v, C_NODES));
    if (gpn < 1)
        gpn = nodes >= 1 && nodes <= gpus ? (int)(gpus / nodes) : (gpus < 8 ? (int)gpus : 8);
    if (gpn < 1)
        gpn = 1;
    /* "nvl72 racks; job uses 3 partitions of 4 GPUs": the partition is
     * the NVLink domain the job sees. */
    const char *dtext = fld(v, C_DOM);
    const char *part = strstr(dtext, "partitions of ");
    int dom = part ? first_int(part) : first_int(dtext);
    if (dom < 1)
        dom = gpn;
    if (dom % gpn != 0)
        dom = gpn;
    double nic = num(fld(v, C_NIC));
    int nics = small_int(num(fld(v, C_NICS)), 64);
    if (!(nic > 0) || !(nic < 1e6))
        nic = 400.0;
    if (nics < 1)
        nics = 1;
    gw_net_fabric f;
    memset(&f, 0, sizeof f);
    f.gpus = ceil(gpus / gpn) * gpn;
    f.gpus_per_node = gpn;
    f.scaleup_domain = dom;
    f.scaleup_Bps = a->scaleup_Bps / 2.0;
    f.nic_Bps = nic * 1e9 / 8.0;
    f.nics_per_gpu = nics;
    f.radix = 64;
    f.planes = 1;
    for (int i = 0; i < GW_NET_MAX_TIERS; i++)
        f.oversub[i] = 1.0;
    f.scaleup_latency_s = v->tp->scaleup_latency_s;
    f.nic_latency_s = v->tp->scaleout_latency_s;
    f.scaleup_eff = v->tp->scaleup_bw_eff;
    f.scaleout_eff = v->tp->scaleout_bw_eff;
    f.pxn = true;
    f.buildings = 1;
    f.nvls_eff = nvls_row ? a->nvls_eff : 0.0;
    f.nvls_latency_s = a->nvls_latency_s;
    gw_net_topo t;
    gw_error e2;
    memset(&e2, 0, sizeof e2);
    if (gw_net_topo_build(&f, &t, &e2) != GW_OK) {
        gw__snprintf(r->skipped, sizeof r->skipped, "fabric: %s", e2.msg);
        return;
    }
    const char *coll = fld(v, C_COLL);
    bool ep = strncmp(coll, "ep-", 3) == 0;
    gw_net_op op;
    memset(&op, 0, sizeof op);
    op.n = (int)gpus;
    op.stride = 1;
    if (ep) {
        op.coll = GW_NET_ALLTOALL;
    } else if (gw_net_coll_parse(coll, &op.coll) != GW_OK) {
        gw__snprintf(r->skipped, sizeof r->skipped, "unknown collective");
        return;
    }
    if (contains(algo, "ring"))
        op.algo = GW_NET_ALGO_RING;
    else if (contains(algo, "tree"))
        op.algo = GW_NET_ALGO_TREE;
    double size = num(fld(v, C_SIZE));
    if (!(size <= 1e15))
        size = NAN_SIZE;
    bool bottleneck = ep && !(size > 0);
    /* A bandwidth quoted without a size is the plateau of large messages:
     * 16 GiB, the largest size nccl-tests runs by default scripts use. */
    op.bytes = size > 0 ? size : 17179869184.0;
    r->size = size > 0 ? size : 0.0;
    double job = gpus;
    if (fmod(f.gpus, gpus) != 0.0) {
        gw__snprintf(r->skipped, sizeof r->skipped, "GPU count not a whole number of nodes");
        return;
    }
    gw_net_sim_result s;
    if (gw_net_simulate(v->ctx, &t, job, &op, 1, GW_NET_MODE_COLLAPSED, &s, &e2) != GW_OK) {
        gw__snprintf(r->skipped, sizeof r->skipped, "%s", e2.msg);
        return;
    }
    r->algo = s.op[0].algo;
    double meas_bus = num(fld(v, C_BUSBW)), meas_alg = num(fld(v, C_ALGBW));
    double meas_t = num(fld(v, C_TIME));
    if (bottleneck) {
        /* DeepEP's figure: the bytes its bottleneck link carried / time. */
        const char *want = gpus > gpn ? "NIC" : "NVLink";
        double best = 0.0;
        for (size_t i = 0; i < s.n_hot; i++)
            if (strstr(s.hot[i].name, want) || (gpus > gpn && strstr(s.hot[i].name, "leaf")))
                best = fmax(best, s.hot[i].busy_frac * s.hot[i].Bps);
        r->predicted_GBps = best / 1e9;
        r->measured_GBps = meas_alg > 0 ? meas_alg : meas_bus;
        gw__strlcpy(r->metric, "link", sizeof r->metric);
    } else if (meas_bus > 0 && !ep) {
        r->predicted_GBps = s.op[0].busbw_Bps / 1e9;
        r->measured_GBps = meas_bus;
        gw__strlcpy(r->metric, "busbw", sizeof r->metric);
    } else if (meas_alg > 0) {
        r->predicted_GBps = s.op[0].algbw_Bps / 1e9;
        r->measured_GBps = meas_alg;
        gw__strlcpy(r->metric, "algbw", sizeof r->metric);
    } else if (meas_t > 0 && size > 0) {
        r->predicted_GBps = s.op[0].algbw_Bps / 1e9;
        r->measured_GBps = size / (meas_t * 1e-6) / 1e9;
        gw__strlcpy(r->metric, "algbw", sizeof r->metric);
    } else {
        gw__snprintf(r->skipped, sizeof r->skipped, "no bandwidth or time to compare");
        return;
    }
    if (!(r->measured_GBps > 0) || !(r->predicted_GBps > 0)) {
        gw__snprintf(r->skipped, sizeof r->skipped, "nothing to compare");
        return;
    }
    r->error = r->predicted_GBps / r->measured_GBps - 1.0;
}

static void on_row(int c, void *ud)
{
    (void)c;
    vctx *v = ud;
    v->line++;
    if (v->rc != GW_OK)
        goto reset;
    if (!v->header_done) {
        for (int k = 0; k < C_N_; k++) {
            v->col[k] = -1;
            for (size_t i = 0; i < v->nf; i++)
                if (strcmp(v->field[i], col_names[k]) == 0)
                    v->col[k] = (int)i;
        }
        static const int need[] = {C_ID, C_FAMILY, C_COLL, C_ACCEL, C_GPUS, C_SIZE, C_BUSBW};
        for (size_t k = 0; k < sizeof need / sizeof need[0]; k++) {
            if (v->col[need[k]] < 0) {
                v->rc = gw__err(v->err, GW_ESCHEMA, "missing column \"%s\"", col_names[need[k]]);
                gw__err_loc(v->err, v->path, 1, 0, NULL);
                goto reset;
            }
        }
        v->header_done = true;
        goto reset;
    }
    if (v->nf == 0)
        goto reset;
    gw_net_validation *o = v->out;
    if (o->n_rows == v->cap) {
        size_t nc = v->cap ? 2 * v->cap : 64;
        gw_net_vrow *nr = gw_realloc(v->ctx, o->rows, nc * sizeof *nr);
        if (!nr) {
            v->rc = gw__err(v->err, GW_ENOMEM, "out of memory");
            goto reset;
        }
        o->rows = nr;
        v->cap = nc;
    }
    gw_net_vrow *r = &o->rows[o->n_rows++];
    memset(r, 0, sizeof *r);
    gw__strlcpy(r->id, fld(v, C_ID), sizeof r->id);
    gw__strlcpy(r->family, fld(v, C_FAMILY), sizeof r->family);
    gw__strlcpy(r->collective, fld(v, C_COLL), sizeof r->collective);
    gw__strlcpy(r->accelerator, fld(v, C_ACCEL), sizeof r->accelerator);
    r->gpus = num(fld(v, C_GPUS));
    predict(v, r);
reset:
    for (size_t i = 0; i < v->nf; i++)
        gw_free(v->ctx, v->field[i]);
    v->nf = 0;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

gw_status gw_net_validate(gw_ctx *ctx, const gw_catalog *cat, const gw_train_params *tp,
                          const char *path, gw_net_validation *out, gw_error *err)
{
    if (!cat || !tp || !path || !out)
        return gw__err(err, GW_EINVAL, "gw_net_validate: NULL argument");
    memset(out, 0, sizeof *out);
    char *buf = NULL;
    size_t len = 0;
    gw_status rc = gw__file_read(ctx, path, 16u * 1024u * 1024u, &buf, &len, err);
    if (rc != GW_OK) {
        gw__err_loc(err, path, 0, 0, NULL);
        return rc;
    }
    vctx v;
    memset(&v, 0, sizeof v);
    v.ctx = ctx;
    v.cat = cat;
    v.tp = tp;
    v.path = path;
    v.err = err;
    v.out = out;
    struct csv_parser cp;
    if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        gw_free(ctx, buf);
        return gw__err(err, GW_ENOMEM, "out of memory");
    }
    size_t done = csv_parse(&cp, buf, len, on_field, on_row, &v);
    if (v.rc == GW_OK && done != len) {
        v.rc = gw__err(err, GW_EPARSE, "malformed CSV: %s", csv_strerror(csv_error(&cp)));
        gw__err_loc(err, path, v.line + 1, 0, NULL);
    }
    if (v.rc == GW_OK && csv_fini(&cp, on_field, on_row, &v) != 0) {
        v.rc = gw__err(err, GW_EPARSE, "malformed CSV: %s", csv_strerror(csv_error(&cp)));
        gw__err_loc(err, path, v.line + 1, 0, NULL);
    }
    for (size_t i = 0; i < v.nf; i++)
        gw_free(ctx, v.field[i]);
    csv_free(&cp);
    gw_free(ctx, buf);
    if (v.rc == GW_OK && !v.header_done) {
        v.rc = gw__err(err, GW_ESCHEMA, "empty file: expected a header row");
        gw__err_loc(err, path, 1, 0, NULL);
    }
    if (v.rc != GW_OK) {
        gw_net_validation_free(ctx, out);
        return v.rc;
    }
    double *e = gw_malloc(ctx, (out->n_rows ? out->n_rows : 1) * sizeof *e);
    if (!e) {
        gw_net_validation_free(ctx, out);
        return gw__err(err, GW_ENOMEM, "out of memory");
    }
    size_t n = 0;
    double sum = 0.0;
    for (size_t i = 0; i < out->n_rows; i++) {
        const gw_net_vrow *r = &out->rows[i];
        if (r->skipped[0])
            continue;
        double a = fabs(r->error);
        e[n++] = a;
        sum += a;
        if (a > out->max_abs)
            out->max_abs = a;
        if (a > 0.30)
            out->n_over_30++;
    }
    out->n_used = n;
    if (n > 0) {
        qsort(e, n, sizeof *e, cmp_d);
        out->median_abs = n % 2 ? e[n / 2] : 0.5 * (e[n / 2 - 1] + e[n / 2]);
        out->mean_abs = sum / (double)n;
    }
    gw_free(ctx, e);
    return GW_OK;
}

void gw_net_validation_free(gw_ctx *ctx, gw_net_validation *v)
{
    if (!v)
        return;
    gw_free(ctx, v->rows);
    memset(v, 0, sizeof *v);
}

void gw_net_validation_report(gw_doc *doc, gw_doc_node *parent, const gw_net_validation *v)
{
    if (!doc || !v)
        return;
    if (!parent)
        parent = gw_doc_root(doc);
    gw_doc_node *n = gw_doc_obj(doc, parent, "validation", "Published collective measurements");
    gw_doc_node *rows = gw_doc_arr(doc, n, "rows", "Rows");
    for (size_t i = 0; i < v->n_rows; i++) {
        const gw_net_vrow *r = &v->rows[i];
        gw_doc_node *row = gw_doc_obj(doc, rows, NULL, NULL);
        gw_doc_str(doc, row, "id", "id", r->id);
        gw_doc_str(doc, row, "collective", "collective", r->collective);
        gw_doc_num(doc, row, "gpus", "GPUs", r->gpus, "");
        if (r->skipped[0]) {
            gw_doc_str(doc, row, "skipped", "skipped", r->skipped);
            continue;
        }
        gw_doc_num(doc, row, "size_bytes", "size", r->size, "B");
        gw_doc_str(doc, row, "metric", "metric", r->metric);
        gw_doc_str(doc, row, "algorithm", "algorithm", gw_net_algo_name(r->algo));
        gw_doc_num(doc, row, "measured_GBps", "measured GB/s", r->measured_GBps, "");
        gw_doc_num(doc, row, "predicted_GBps", "model GB/s", r->predicted_GBps, "");
        gw_doc_num(doc, row, "error", "error", r->error, "frac");
    }
    gw_doc_int(doc, n, "rows_compared", "Rows compared", (int64_t)v->n_used);
    gw_doc_int(doc, n, "rows_skipped", "Rows skipped", (int64_t)(v->n_rows - v->n_used));
    gw_doc_num(doc, n, "median_abs_error", "Median |error|", v->median_abs, "frac");
    gw_doc_num(doc, n, "mean_abs_error", "Mean |error|", v->mean_abs, "frac");
    gw_doc_num(doc, n, "max_abs_error", "Max |error|", v->max_abs, "frac");
    gw_doc_int(doc, n, "over_30pct", "Rows beyond 30%", (int64_t)v->n_over_30);
}
