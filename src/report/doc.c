/* SPDX-License-Identifier: MIT */
/*
 * doc.c: the gw_doc result tree (include/gigawatt/report.h).
 *
 * Every node and string lives in one arena owned by the document, so a
 * document is freed in one call and builders never free anything. The first
 * failed allocation sets a sticky GW_ENOMEM (SQLite's mallocFailed idea):
 * later build calls become no-ops that return NULL, renderers report the
 * status, and builders need no error checks.
 *
 * Keys are unique within an object: adding a key that is already present
 * replaces the old value in place (its position is kept), so a later, more
 * precise figure overrides an earlier one. The root's "notes" array is
 * reserved: it is created with the document, gw_doc_note() appends to it,
 * gw_doc_arr(doc, root, "notes", ...) returns it instead of replacing it, and
 * other values under that key are ignored (gw_doc_obj returns NULL).
 *
 * Not done here: validation of key spelling (snake_case + unit suffix) is a
 * review rule, not a run-time check.
 */
#include <gigawatt/report.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"

/* Longest path segment gw_doc_get accepts (keys are short snake_case). */
#define DOC_MAX_KEY 256

/* ---- Construction ------------------------------------------------------ */

gw_doc *gw_doc_new(gw_ctx *ctx)
{
    gw__arena *arena = gw__arena_new(ctx);
    if (!arena)
        return NULL;
    gw_doc *doc = gw__arena_alloc(arena, sizeof *doc);
    gw_doc_node *root = gw__arena_alloc(arena, sizeof *root);
    gw_doc_node *notes = gw__arena_alloc(arena, sizeof *notes);
    char *notes_key = gw__arena_strdup(arena, "notes");
    if (!doc || !root || !notes || !notes_key) {
        gw__arena_free(arena);
        return NULL;
    }
    doc->arena = arena;
    doc->status = GW_OK;
    root->kind = GW_D_OBJ;
    notes->kind = GW_D_ARR;
    notes->key = notes_key;
    notes->label = gw__arena_strdup(arena, "Notes");
    if (!notes->label) {
        gw__arena_free(arena);
        return NULL;
    }
    root->first = root->last = notes;
    root->n = 1;
    doc->root = root;
    doc->notes = notes;
    return doc;
}

void gw_doc_free(gw_doc *doc)
{
    if (!doc)
        return;
    gw__arena_free(doc->arena); /* the doc itself lives in its arena */
}

gw_doc_node *gw_doc_root(gw_doc *doc)
{
    return doc ? doc->root : NULL;
}

gw_status gw_doc_status(const gw_doc *doc)
{
    if (!doc)
        return GW_ENOMEM; /* gw_doc_new failed: the caller chained on NULL */
    return doc->status;
}

gw_ctx *gw__report_ctx(const gw_doc *doc)
{
    return gw__arena_ctx(doc->arena);
}

static void *doc_alloc(gw_doc *doc, size_t n)
{
    void *p = gw__arena_alloc(doc->arena, n);
    if (!p)
        doc->status = GW_ENOMEM;
    return p;
}

static const char *doc_strdup(gw_doc *doc, const char *s)
{
    if (!s)
        return NULL;
    char *p = gw__arena_strdup(doc->arena, s);
    if (!p)
        doc->status = GW_ENOMEM;
    return p;
}

/* Links node n into parent under key, replacing an existing value with the
 * same key in an object. */
static void doc_link(gw_doc_node *parent, gw_doc_node *n)
{
    if (parent->kind == GW_D_OBJ) {
        gw_doc_node *prev = NULL;
        for (gw_doc_node *c = parent->first; c; prev = c, c = c->next) {
            if (strcmp(c->key, n->key) == 0) {
                n->next = c->next;
                if (prev)
                    prev->next = n;
                else
                    parent->first = n;
                if (parent->last == c)
                    parent->last = n;
                return;
            }
        }
    }
    n->next = NULL;
    if (parent->last)
        parent->last->next = n;
    else
        parent->first = n;
    parent->last = n;
    parent->n++;
}

/* Allocates a node of the given kind under parent; NULL on failure, on a
 * NULL doc/parent, on a failed doc, or when parent is not a container or an
 * object child has no key. */
static gw_doc_node *doc_add(gw_doc *doc, gw_doc_node *parent, const char *key, const char *label,
                            gw__dkind kind)
{
    if (!doc || !parent || doc->status != GW_OK)
        return NULL;
    if (parent->kind != GW_D_OBJ && parent->kind != GW_D_ARR)
        return NULL;
    if (parent->kind == GW_D_OBJ && (!key || !key[0]))
        return NULL;
    gw_doc_node *n = doc_alloc(doc, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    if (parent->kind == GW_D_OBJ) {
        n->key = doc_strdup(doc, key);
        if (!n->key)
            return NULL;
    }
    if (label) {
        n->label = doc_strdup(doc, label);
        if (!n->label)
            return NULL;
    }
    doc_link(parent, n);
    return n;
}

/* True when a value would overwrite the reserved root "notes" array. */
static bool doc_reserved(const gw_doc *doc, const gw_doc_node *parent, const char *key)
{
    return doc && parent == doc->root && key && strcmp(key, "notes") == 0;
}

gw_doc_node *gw_doc_obj(gw_doc *doc, gw_doc_node *parent, const char *key, const char *label)
{
    if (doc_reserved(doc, parent, key))
        return NULL;
    return doc_add(doc, parent, key, label, GW_D_OBJ);
}

gw_doc_node *gw_doc_arr(gw_doc *doc, gw_doc_node *parent, const char *key, const char *label)
{
    if (doc_reserved(doc, parent, key))
        return doc->status == GW_OK ? doc->notes : NULL;
    return doc_add(doc, parent, key, label, GW_D_ARR);
}

/* A number node (NULL when reserved or out of memory): gw_doc_num,
 * gw_doc_range and gw_doc_na add their parts to it. */
static gw_doc_node *num_node(gw_doc *doc, gw_doc_node *parent, const char *key, const char *label,
                             double v, const char *unit)
{
    if (doc_reserved(doc, parent, key))
        return NULL;
    gw_doc_node *n = doc_add(doc, parent, key, label, GW_D_NUM);
    if (!n)
        return NULL;
    n->num = v;
    n->unit = doc_strdup(doc, unit ? unit : "");
    return n;
}

void gw_doc_num(gw_doc *doc, gw_doc_node *parent, const char *key, const char *label, double v,
                const char *unit)
{
    (void)num_node(doc, parent, key, label, v, unit);
}

void gw_doc_range(gw_doc *doc, gw_doc_node *parent, const char *key, const char *label, double v,
                  double lo, double hi, double level, const char *unit)
{
    gw_doc_node *n = num_node(doc, parent, key, label, v, unit);
    if (!n)
        return;
    n->has_range = true;
    n->lo = lo;
    n->hi = hi;
    n->level = level;
}

void gw_doc_na(gw_doc *doc, gw_doc_node *parent, const char *key, const char *label,
               const char *unit, const char *reason)
{
    gw_doc_node *n = num_node(doc, parent, key, label, (double)NAN, unit);
    if (!n)
        return;
    n->str = reason ? doc_strdup(doc, reason) : NULL;
}

void gw_doc_int(gw_doc *doc, gw_doc_node *parent, const char *key, const char *label, int64_t v)
{
    if (doc_reserved(doc, parent, key))
        return;
    gw_doc_node *n = doc_add(doc, parent, key, label, GW_D_INT);
    if (n)
        n->i = v;
}

void gw_doc_str(gw_doc *doc, gw_doc_node *parent, const char *key, const char *label, const char *v)
{
    if (doc_reserved(doc, parent, key))
        return;
    gw_doc_node *n = doc_add(doc, parent, key, label, GW_D_STR);
    if (n)
        n->str = doc_strdup(doc, v ? v : "");
}

void gw_doc_bool(gw_doc *doc, gw_doc_node *parent, const char *key, const char *label, bool v)
{
    if (doc_reserved(doc, parent, key))
        return;
    gw_doc_node *n = doc_add(doc, parent, key, label, GW_D_BOOL);
    if (n)
        n->b = v;
}

void gw_doc_note(gw_doc *doc, const char *fmt, ...)
{
    if (!doc || !fmt || doc->status != GW_OK)
        return;
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0) {
        va_end(ap2);
        return; /* encoding error in the format: nothing sensible to store */
    }
    char *text = doc_alloc(doc, (size_t)len + 1);
    if (text)
        (void)vsnprintf(text, (size_t)len + 1, fmt, ap2);
    va_end(ap2);
    if (!text)
        return;
    gw_doc_node *n = doc_add(doc, doc->notes, NULL, NULL, GW_D_STR);
    if (n)
        n->str = text;
}

/* ---- Lookup -------------------------------------------------------------- */

const gw_doc_node *gw__report_child(const gw_doc_node *o, const char *key)
{
    if (!o || o->kind != GW_D_OBJ || !key)
        return NULL;
    for (const gw_doc_node *c = o->first; c; c = c->next)
        if (strcmp(c->key, key) == 0)
            return c;
    return NULL;
}

static const gw_doc_node *doc_index(const gw_doc_node *a, size_t i)
{
    if (!a || a->kind != GW_D_ARR || i >= a->n)
        return NULL;
    const gw_doc_node *c = a->first;
    while (c && i--)
        c = c->next;
    return c;
}

const gw_doc_node *gw_doc_get(const gw_doc_node *node, const char *path)
{
    if (!node || !path)
        return NULL;
    const char *p = path;
    while (*p && node) {
        /* One key: up to '.', '[' or the end. */
        size_t klen = strcspn(p, ".[");
        if (klen > 0) {
            char key[DOC_MAX_KEY];
            if (klen >= sizeof key)
                return NULL;
            memcpy(key, p, klen);
            key[klen] = '\0';
            node = gw__report_child(node, key);
            p += klen;
        } else if (p != path || *p != '[') {
            return NULL; /* an empty key is allowed only before a leading [N] */
        }
        /* Any number of [N] indexes. */
        while (node && *p == '[') {
            p++;
            if (*p < '0' || *p > '9')
                return NULL;
            size_t idx = 0;
            while (*p >= '0' && *p <= '9') {
                if (idx > (SIZE_MAX - 9) / 10)
                    return NULL;
                idx = idx * 10 + (size_t)(*p - '0');
                p++;
            }
            if (*p != ']')
                return NULL;
            p++;
            node = doc_index(node, idx);
        }
        if (*p == '.') {
            p++;
            if (!*p || *p == '.' || *p == '[')
                return NULL; /* "a.", "a..b", "a.[1]" */
        } else if (*p) {
            return NULL; /* "a[1]b" */
        }
    }
    return node;
}

double gw_doc_node_num(const gw_doc_node *node)
{
    if (!node)
        return (double)NAN;
    if (node->kind == GW_D_NUM)
        return node->num;
    if (node->kind == GW_D_INT)
        return (double)node->i;
    return (double)NAN;
}

bool gw_doc_node_range(const gw_doc_node *node, double *lo, double *hi, double *level)
{
    if (!node || node->kind != GW_D_NUM || !node->has_range)
        return false;
    if (lo)
        *lo = node->lo;
    if (hi)
        *hi = node->hi;
    if (level)
        *level = node->level;
    return true;
}

const char *gw_doc_node_str(const gw_doc_node *node)
{
    return node && node->kind == GW_D_STR ? node->str : NULL;
}

/* ---- Helpers for the renderers ------------------------------------------- */

const char *gw__report_label(const gw_doc_node *n)
{
    if (n->label && n->label[0])
        return n->label;
    return n->key ? n->key : "";
}

char *gw__report_fmt_double(double v, char *buf, size_t buf_len)
{
    /* Shortest of %.15g .. %.17g that reads back exactly: %.17g always does
     * for IEEE doubles, the shorter ones avoid "0.10000000000000001". */
    for (int prec = 15; prec <= 17; prec++) {
        (void)snprintf(buf, buf_len, "%.*g", prec, v);
        char *end = NULL;
        double back = strtod(buf, &end);
        if (end && *end == '\0' && back == v)
            break;
    }
    return buf;
}

bool gw__report_is_table(const gw_doc_node *a)
{
    if (!a || a->kind != GW_D_ARR || a->n == 0)
        return false;
    for (const gw_doc_node *c = a->first; c; c = c->next)
        if (c->kind != GW_D_OBJ)
            return false;
    return true;
}

static bool is_scalar(const gw_doc_node *n)
{
    return n->kind != GW_D_OBJ && n->kind != GW_D_ARR;
}

gw_status gw__report_columns(gw_ctx *ctx, const gw_doc_node *a, bool scalars_only,
                             const gw_doc_node ***out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    size_t cap = 0;
    for (const gw_doc_node *row = a->first; row; row = row->next)
        cap += row->n;
    if (cap == 0)
        return GW_OK;
    const gw_doc_node **cols = gw_malloc(ctx, cap * sizeof *cols);
    if (!cols)
        return GW_ENOMEM;
    size_t n = 0;
    for (const gw_doc_node *row = a->first; row; row = row->next) {
        for (const gw_doc_node *c = row->first; c; c = c->next) {
            size_t j = 0;
            while (j < n && strcmp(cols[j]->key, c->key) != 0)
                j++;
            if (j < n) {
                /* Prefer a scalar as the column's representative. */
                if (!is_scalar(cols[j]) && is_scalar(c))
                    cols[j] = c;
                continue;
            }
            cols[n++] = c;
        }
    }
    if (scalars_only) {
        size_t k = 0;
        for (size_t j = 0; j < n; j++)
            if (is_scalar(cols[j]))
                cols[k++] = cols[j];
        n = k;
    }
    *out = cols;
    *n_out = n;
    return GW_OK;
}
