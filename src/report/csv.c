/* SPDX-License-Identifier: MIT */
/*
 * csv.c: the CSV renderer (gw_report_csv) for arrays of rows.
 *
 * Output follows RFC 4180: a header line of the JSON keys (the union of the
 * rows' keys, in first-seen order), then one record per array element, every
 * line ended by CRLF (section 2.1). A field is enclosed in double quotes when
 * it contains a comma, a double quote, CR or LF, or starts or ends with a
 * space (so spreadsheet tools keep it); quotes inside are doubled (2.7).
 * Values are machine-readable, as in JSON: numbers in base SI units with the
 * shortest round-trip text, integers exact, booleans true/false; NaN and
 * infinities, missing keys, and nested objects or arrays are empty fields.
 *
 * Not done: units in the header (the key suffix carries them, e.g. "tdp_w"),
 * and nested tables (render the inner array on its own with its path).
 */
#include <gigawatt/report.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"

typedef struct csv_out {
    FILE *f;
    gw_status st;
} csv_out;

static void put(csv_out *o, const char *s)
{
    if (o->st == GW_OK && fputs(s, o->f) == EOF)
        o->st = GW_EIO;
}

static void put_field(csv_out *o, const char *s)
{
    size_t len = strlen(s);
    bool quote = strpbrk(s, ",\"\r\n") != NULL || (len > 0 && (s[0] == ' ' || s[len - 1] == ' '));
    if (!quote) {
        put(o, s);
        return;
    }
    put(o, "\"");
    for (const char *p = s; *p && o->st == GW_OK; p++) {
        if (*p == '"')
            put(o, "\"\"");
        else if (fputc(*p, o->f) == EOF)
            o->st = GW_EIO;
    }
    put(o, "\"");
}

static void put_cell(csv_out *o, const gw_doc_node *n)
{
    char buf[40];
    if (!n)
        return;
    switch (n->kind) {
    case GW_D_NUM:
        if (isfinite(n->num))
            put(o, gw__report_fmt_double(n->num, buf, sizeof buf));
        break;
    case GW_D_INT:
        (void)snprintf(buf, sizeof buf, "%" PRId64, n->i);
        put(o, buf);
        break;
    case GW_D_STR:
        put_field(o, n->str);
        break;
    case GW_D_BOOL:
        put(o, n->b ? "true" : "false");
        break;
    case GW_D_OBJ:
    case GW_D_ARR:
        break;
    }
}

gw_status gw_report_csv(const gw_doc *doc, const char *path, FILE *out)
{
    if (!doc)
        return GW_ENOMEM; /* gw_doc_new failed: see gw_doc_status */
    if (!out || !path)
        return GW_EINVAL;
    if (doc->status != GW_OK)
        return doc->status;
    const gw_doc_node *a = gw_doc_get(doc->root, path);
    if (!a || a->kind != GW_D_ARR)
        return GW_ENOTFOUND;
    if (a->n == 0)
        return GW_OK; /* no rows and therefore no known columns */
    if (!gw__report_is_table(a))
        return GW_ENOTFOUND;
    gw_ctx *ctx = gw__report_ctx(doc);
    const gw_doc_node **cols = NULL;
    size_t n_cols = 0;
    gw_status st = gw__report_columns(ctx, a, false, &cols, &n_cols);
    if (st != GW_OK)
        return st;
    csv_out o = {out, GW_OK};
    if (n_cols > 0) {
        for (size_t j = 0; j < n_cols; j++) {
            if (j > 0)
                put(&o, ",");
            put_field(&o, cols[j]->key);
        }
        put(&o, "\r\n");
        for (const gw_doc_node *row = a->first; row && o.st == GW_OK; row = row->next) {
            for (size_t j = 0; j < n_cols; j++) {
                if (j > 0)
                    put(&o, ",");
                put_cell(&o, gw__report_child(row, cols[j]->key));
            }
            put(&o, "\r\n");
        }
    }
    gw_free(ctx, cols);
    if (o.st == GW_OK && (fflush(out) == EOF || ferror(out)))
        o.st = GW_EIO;
    return o.st;
}

/* ---- Table listing (for "no such table" errors) ------------------------- */

static void list_tables(const gw_doc_node *o, const char *prefix, char *buf, size_t len, size_t *n)
{
    for (const gw_doc_node *c = o->first; c; c = c->next) {
        if (!c->key || (c->kind != GW_D_OBJ && c->kind != GW_D_ARR))
            continue;
        char path[256];
        (void)snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", c->key);
        if (c->kind == GW_D_OBJ) {
            list_tables(c, path, buf, len, n);
        } else if (c->n > 0 && gw__report_is_table(c)) {
            size_t used = strlen(buf);
            if (used < len)
                (void)snprintf(buf + used, len - used, "%s%s", *n ? ", " : "", path);
            (*n)++;
        }
    }
}

size_t gw_report_csv_tables(const gw_doc *doc, char *buf, size_t len)
{
    if (!buf || len == 0)
        return 0;
    buf[0] = '\0';
    size_t n = 0;
    if (doc && doc->root)
        list_tables(doc->root, "", buf, len, &n);
    return n;
}
