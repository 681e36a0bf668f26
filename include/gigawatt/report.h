/* SPDX-License-Identifier: MIT */
/*
 * gigawatt/report.h: the result document and its renderers.
 *
 * Every module writes its result into a gw_doc: a small tree of objects,
 * arrays and values where every number is in base SI units and carries its
 * unit and a human label. Renderers only render a gw_doc: as an aligned text
 * summary, as JSON (docs/JSON-SCHEMA.md) or as CSV for arrays of rows. This
 * keeps one description of each result and many views of it.
 *
 * Building never fails midway for the caller: the first allocation failure is
 * remembered (sticky, as SQLite's mallocFailed) and reported by
 * gw_doc_status() and by every renderer, so builders need no error checks.
 */
#ifndef GIGAWATT_REPORT_H
#define GIGAWATT_REPORT_H

#include <gigawatt/core.h>

#include <stdbool.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gw_doc gw_doc;
typedef struct gw_doc_node gw_doc_node;

/* Creates an empty document whose root is an object. Caller owns it; free
 * with gw_doc_free. Returns NULL on allocation failure. */
GW_API gw_doc *gw_doc_new(gw_ctx *ctx);
GW_API void gw_doc_free(gw_doc *doc); /* NULL is a no-op */
/* Borrowed, valid until doc is freed. */
GW_API gw_doc_node *gw_doc_root(gw_doc *doc);
/* GW_OK, or GW_ENOMEM if any build call failed. */
GW_API gw_status gw_doc_status(const gw_doc *doc);

/* Adding children. parent must be an object (then key is required) or an
 * array (then key is ignored and may be NULL). key is the JSON key: lower
 * snake_case ending in the unit suffix of STYLE.md (_w, _s, _bytes, _usd ...).
 * label is the text shown in the summary (NULL: the key is shown). Strings
 * are copied into the document. Returned nodes are borrowed (valid until the
 * doc is freed); they are NULL after an allocation failure, and every
 * function accepts a NULL parent as a no-op so builders can chain. */
GW_API gw_doc_node *gw_doc_obj(gw_doc *doc, gw_doc_node *parent, const char *key,
                               const char *label);
GW_API gw_doc_node *gw_doc_arr(gw_doc *doc, gw_doc_node *parent, const char *key,
                               const char *label);
/* A number in base units. unit: base unit text ("W", "s", "B", "FLOP/s",
 * "USD", "" for plain numbers, "%" is NOT used: fractions stay 0..1 and use
 * unit "frac", rendered as a percentage in text). */
GW_API void gw_doc_num(gw_doc *doc, gw_doc_node *parent, const char *key, const char *label,
                       double v, const char *unit);
/* A number with a prediction interval: v and its interval [lo, hi] at
 * probability level (0..1, e.g. 0.8). JSON renders an object
 * {"value": v, "lo": lo, "hi": hi, "level": level}; text renders
 * "5.63 s (4.9–6.6, 80%)"; CSV the value. gw_doc_node_num returns v. */
GW_API void gw_doc_range(gw_doc *doc, gw_doc_node *parent, const char *key, const char *label,
                         double v, double lo, double hi, double level, const char *unit);
GW_API void gw_doc_int(gw_doc *doc, gw_doc_node *parent, const char *key, const char *label,
                       int64_t v);
/* A number that is unknown or could not be computed: JSON null, an empty CSV
 * cell, "n/a" in text, or "n/a (reason)" when reason is not NULL (copied).
 * unit as for gw_doc_num. */
GW_API void gw_doc_na(gw_doc *doc, gw_doc_node *parent, const char *key, const char *label,
                      const char *unit, const char *reason);
GW_API void gw_doc_str(gw_doc *doc, gw_doc_node *parent, const char *key, const char *label,
                       const char *v);
GW_API void gw_doc_bool(gw_doc *doc, gw_doc_node *parent, const char *key, const char *label,
                        bool v);
/* Appends a note (approximation, extrapolation, assumption) to the document's
 * top-level "notes" array; the text renderer prints them at the end. */
GW_API void gw_doc_note(gw_doc *doc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Lookup for tests and for front ends: the child of an object by key path
 * "train.best.step_time_s" (dots separate keys; "[3]" indexes arrays).
 * Returns NULL if absent. */
GW_API const gw_doc_node *gw_doc_get(const gw_doc_node *node, const char *path);
GW_API double gw_doc_node_num(const gw_doc_node *node); /* NaN if not a number */
/* A range node's interval: true and *lo, *hi, *level set; false for any
 * other node (NULL-safe). */
GW_API bool gw_doc_node_range(const gw_doc_node *node, double *lo, double *hi, double *level);
GW_API const char *gw_doc_node_str(const gw_doc_node *node); /* NULL if not a string */

/* ---- Renderers ---------------------------------------------------------- */

/* Human summary: objects are sections, arrays of objects are tables, numbers
 * get SI prefixes. Returns GW_EIO on a write error, or the doc's status. */
GW_API gw_status gw_report_text(const gw_doc *doc, FILE *out);
/* JSON: one document, 2-space indented, with "schema_version" and
 * "generator" at the top. Numbers in base SI units; NaN/inf become null. */
GW_API gw_status gw_report_json(const gw_doc *doc, FILE *out);
/* Self-contained HTML page (docs/REPORT.md): the root's "title", "headline"
 * and "notes", and one Vega-Lite chart with caption and data table per
 * element of the root's "charts" array (the chart fields are listed in
 * src/report/html.c and docs/REPORT.md). The vega libraries are inlined: the
 * page makes no network request. GW_EIO on a write error. */
GW_API gw_status gw_report_html(const gw_doc *doc, FILE *out);
/* CSV of the array at path (each element an object whose keys are the
 * columns). GW_ENOTFOUND if path is not an array of objects. */
GW_API gw_status gw_report_csv(const gw_doc *doc, const char *path, FILE *out);
/* The key paths gw_report_csv accepts for doc (its tables: non-empty arrays
 * of objects outside arrays), comma-separated in document order, into buf
 * (always terminated; cut at len). Returns the number of tables. */
GW_API size_t gw_report_csv_tables(const gw_doc *doc, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* GIGAWATT_REPORT_H */
