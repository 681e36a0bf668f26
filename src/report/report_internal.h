/* SPDX-License-Identifier: MIT */
/*
 * report_internal.h: the gw_doc tree as the renderers of src/report/ see it.
 *
 * A document is one arena (core_internal.h) holding every node and string.
 * Children are kept in insertion order as a singly linked list with a tail
 * pointer, so building is O(1) per value (objects also check for an existing
 * key, which is O(keys) and keeps keys unique). The notes array is a normal
 * child of the root, created first and rendered specially.
 */
#ifndef GW_REPORT_INTERNAL_H
#define GW_REPORT_INTERNAL_H

#include <gigawatt/report.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core_internal.h"

typedef enum gw__dkind {
    GW_D_OBJ = 0,
    GW_D_ARR,
    GW_D_NUM,
    GW_D_INT,
    GW_D_STR,
    GW_D_BOOL
} gw__dkind;

struct gw_doc_node {
    gw__dkind kind;
    const char *key;           /* arena; NULL for array elements */
    const char *label;         /* arena; NULL: show the key */
    const char *unit;          /* GW_D_NUM: arena, never NULL ("" for plain numbers) */
    double num;                /* GW_D_NUM */
    bool has_range;            /* GW_D_NUM with a prediction interval (gw_doc_range) */
    double lo, hi, level;      /* the interval, when has_range */
    int64_t i;                 /* GW_D_INT */
    const char *str;           /* GW_D_STR: arena; GW_D_NUM: why it is n/a, or NULL */
    bool b;                    /* GW_D_BOOL */
    gw_doc_node *first, *last; /* GW_D_OBJ / GW_D_ARR children, in order */
    gw_doc_node *next;         /* next sibling */
    size_t n;                  /* number of children */
};

struct gw_doc {
    gw__arena *arena; /* owns the doc itself, every node and every string */
    gw_doc_node *root;
    gw_doc_node *notes; /* root's "notes" array */
    gw_status status;   /* sticky: GW_ENOMEM after the first failed allocation */
};

/* Key or label to show for a node: label if set, else key, else "". */
const char *gw__report_label(const gw_doc_node *n);

/* Shortest text that reads back as exactly v with strtod ("%.15g" .. "%.17g").
 * v must be finite. Returns buf. */
char *gw__report_fmt_double(double v, char *buf, size_t buf_len);

/* True when every element of array a is an object (and a has at least one). */
bool gw__report_is_table(const gw_doc_node *a);

/* Columns of a table: the union of the element keys in first-seen order,
 * as pointers to the first node seen with that key. *out is allocated with
 * gw_malloc on ctx (caller frees). Returns GW_OK or GW_ENOMEM. Columns whose
 * values are objects or arrays in every row are left out when scalars_only. */
gw_status gw__report_columns(gw_ctx *ctx, const gw_doc_node *a, bool scalars_only,
                             const gw_doc_node ***out, size_t *n_out);

/* Value of key in object o, or NULL. */
const gw_doc_node *gw__report_child(const gw_doc_node *o, const char *key);

/* The context the document allocates from. */
gw_ctx *gw__report_ctx(const gw_doc *doc);

#endif /* GW_REPORT_INTERNAL_H */
