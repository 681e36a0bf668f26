/* SPDX-License-Identifier: MIT */
/*
 * text.c: the human summary renderer (gw_report_text).
 *
 * Layout, for a reader at a terminal:
 *   - each object is a section: its label on one line, its children indented
 *     by two spaces below it; top-level sections are separated by a blank line;
 *   - scalars are "label  value" lines whose values start in one column per
 *     section (labels are padded to the longest label of the section);
 *   - numbers get an SI prefix and their unit through gw_unit_format
 *     ("1.20 GW"); unit "frac" (a 0..1 fraction) is shown as a percentage
 *     and NaN as "n/a" (both also by gw_unit_format), "n/a (reason)" for
 *     gw_doc_na with a reason;
 *     integers are grouped by thousands ("1,048,576"); booleans are yes/no;
 *   - an array of objects is a table: a header row of column labels, then
 *     one row per element, numbers right-aligned, text left-aligned;
 *   - an array of scalars is one line, comma-separated;
 *   - the document's notes come last, under "Notes:";
 *   - the root "command" string (JSON metadata) is not shown.
 *
 * Not done: line wrapping (long strings stay on one line), colours, and
 * nested containers inside table rows (those columns are left out; the JSON
 * output has them).
 */
#include <gigawatt/report.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"

/* Cell and value texts are short: numbers are under 32 characters, and
 * strings longer than this are cut in tables (never in "label value" lines,
 * which print strings directly). */
#define TEXT_CELL_MAX 256

typedef struct text_out {
    FILE *f;
    gw_ctx *ctx;
    gw_status st; /* GW_OK, or the first failure (GW_EIO, GW_ENOMEM) */
} text_out;

/* ---- Low-level output -------------------------------------------------- */

static void put(text_out *o, const char *s)
{
    if (o->st == GW_OK && fputs(s, o->f) == EOF)
        o->st = GW_EIO;
}

static void put_spaces(text_out *o, size_t n)
{
    while (n-- > 0 && o->st == GW_OK)
        if (fputc(' ', o->f) == EOF)
            o->st = GW_EIO;
}

/* Writes a string with control characters replaced by spaces, so one value
 * always stays on one line. */
static void put_clean(text_out *o, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p && o->st == GW_OK; p++) {
        int c = (*p < 0x20 || *p == 0x7f) ? ' ' : *p;
        if (fputc(c, o->f) == EOF)
            o->st = GW_EIO;
    }
}

/* Display width: UTF-8 code points (continuation bytes do not count). */
static size_t disp_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            w++;
    return w;
}

/* ---- Value formatting ---------------------------------------------------- */

static void fmt_int(int64_t v, char *buf, size_t len)
{
    char digits[32];
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    (void)snprintf(digits, sizeof digits, "%" PRIu64, mag);
    size_t nd = strlen(digits);
    size_t j = 0;
    if (v < 0 && j + 1 < len)
        buf[j++] = '-';
    for (size_t i = 0; i < nd && j + 1 < len; i++) {
        if (i > 0 && (nd - i) % 3 == 0 && j + 1 < len)
            buf[j++] = ',';
        if (j + 1 < len)
            buf[j++] = digits[i];
    }
    buf[j] = '\0';
}

/* The text after the value's unit, or "" when it has none: "s" of "5.63
 * s", "%" of "45.2%". */
static const char *unit_tail(const char *formatted)
{
    const char *sp = strrchr(formatted, ' ');
    if (sp != NULL)
        return sp + 1;
    size_t n = strlen(formatted);
    return n > 0 && formatted[n - 1] == '%' ? formatted + n - 1 : formatted + n;
}

/* Appends " (lo–hi, 80%)" to a formatted value; the bounds drop the unit
 * when it is the value's own ("5.63 s (4.9–6.6, 80%)"). */
static void append_range(const gw_doc_node *n, char *buf, size_t len)
{
    char lo[48], hi[48];
    (void)gw_unit_format(n->lo, n->unit, lo, sizeof lo);
    (void)gw_unit_format(n->hi, n->unit, hi, sizeof hi);
    const char *tv = unit_tail(buf), *tl = unit_tail(lo), *th = unit_tail(hi);
    if (*tv != '\0' && strcmp(tv, tl) == 0 && strcmp(tv, th) == 0) {
        size_t cut = (size_t)(tl - lo);
        lo[cut > 0 && lo[cut - 1] == ' ' ? cut - 1 : cut] = '\0';
        cut = (size_t)(th - hi);
        hi[cut > 0 && hi[cut - 1] == ' ' ? cut - 1 : cut] = '\0';
    }
    size_t used = strlen(buf);
    if (used < len)
        (void)snprintf(buf + used, len - used, " (%s\u2013%s, %.0f%%)", lo, hi, 100.0 * n->level);
}

/* Formats a scalar node's value (numbers, ints, bools; strings copied and,
 * when longer than the buffer, cut). */
static void fmt_value(const gw_doc_node *n, char *buf, size_t len)
{
    switch (n->kind) {
    case GW_D_NUM:
        /* SI prefixes, "frac" as a percentage, NaN as "n/a": gw_unit_format;
         * gw_doc_na's reason follows in parentheses, a range its interval. */
        if (isnan(n->num) && n->str)
            (void)snprintf(buf, len, "n/a (%s)", n->str);
        else
            (void)gw_unit_format(n->num, n->unit, buf, len);
        if (n->has_range && !isnan(n->num))
            append_range(n, buf, len);
        break;
    case GW_D_INT:
        fmt_int(n->i, buf, len);
        break;
    case GW_D_BOOL:
        gw__strlcpy(buf, n->b ? "yes" : "no", len);
        break;
    case GW_D_STR:
        gw__strlcpy(buf, n->str, len);
        break;
    case GW_D_OBJ:
    case GW_D_ARR:
        gw__strlcpy(buf, "-", len);
        break;
    }
}

static bool is_scalar(const gw_doc_node *n)
{
    return n->kind != GW_D_OBJ && n->kind != GW_D_ARR;
}

static bool is_numeric(const gw_doc_node *n)
{
    return n->kind == GW_D_NUM || n->kind == GW_D_INT;
}

/* Prints a scalar value; strings are printed whole. */
static void put_value(text_out *o, const gw_doc_node *n)
{
    if (n->kind == GW_D_STR) {
        put_clean(o, n->str);
        return;
    }
    if (n->kind == GW_D_NUM && isnan(n->num) && n->str) {
        put(o, "n/a (");
        put_clean(o, n->str);
        put(o, ")");
        return;
    }
    char buf[TEXT_CELL_MAX];
    fmt_value(n, buf, sizeof buf);
    put(o, buf);
}

/* An array whose elements are all scalars (or which is empty). */
static bool is_scalar_array(const gw_doc_node *a)
{
    if (a->kind != GW_D_ARR)
        return false;
    for (const gw_doc_node *c = a->first; c; c = c->next)
        if (!is_scalar(c))
            return false;
    return true;
}

/* ---- Tables -------------------------------------------------------------- */

/* One table line: the header (row NULL) or an element. Numeric columns are
 * right-aligned (their header too); the last text column is not padded, so
 * lines carry no trailing blanks. */
static void table_row(text_out *o, const gw_doc_node *row, const gw_doc_node **cols,
                      const size_t *width, size_t n_cols, size_t indent)
{
    char buf[TEXT_CELL_MAX];
    put_spaces(o, indent);
    for (size_t j = 0; j < n_cols; j++) {
        if (!row) {
            gw__strlcpy(buf, gw__report_label(cols[j]), sizeof buf);
        } else {
            const gw_doc_node *cell = gw__report_child(row, cols[j]->key);
            if (cell)
                fmt_value(cell, buf, sizeof buf);
            else
                gw__strlcpy(buf, "-", sizeof buf);
        }
        size_t w = disp_width(buf);
        size_t pad = width[j] > w ? width[j] - w : 0;
        if (j > 0)
            put_spaces(o, 2);
        if (is_numeric(cols[j])) {
            put_spaces(o, pad);
            put_clean(o, buf);
        } else {
            put_clean(o, buf);
            if (j + 1 < n_cols)
                put_spaces(o, pad);
        }
    }
    put(o, "\n");
}

static void render_table(text_out *o, const gw_doc_node *a, size_t indent)
{
    const gw_doc_node **cols = NULL;
    size_t n_cols = 0;
    gw_status st = gw__report_columns(o->ctx, a, true, &cols, &n_cols);
    if (st != GW_OK) {
        o->st = st;
        return;
    }
    if (n_cols == 0) {
        gw_free(o->ctx, cols);
        return;
    }
    size_t *width = gw_calloc(o->ctx, n_cols, sizeof *width);
    if (!width) {
        gw_free(o->ctx, cols);
        o->st = GW_ENOMEM;
        return;
    }
    char buf[TEXT_CELL_MAX];
    for (size_t j = 0; j < n_cols; j++)
        width[j] = disp_width(gw__report_label(cols[j]));
    for (const gw_doc_node *row = a->first; row; row = row->next) {
        for (size_t j = 0; j < n_cols; j++) {
            const gw_doc_node *cell = gw__report_child(row, cols[j]->key);
            if (cell)
                fmt_value(cell, buf, sizeof buf);
            else
                gw__strlcpy(buf, "-", sizeof buf);
            size_t w = disp_width(buf);
            if (w > width[j])
                width[j] = w;
        }
    }
    /* Header row, then one line per element. */
    table_row(o, NULL, cols, width, n_cols, indent);
    for (const gw_doc_node *row = a->first; row; row = row->next)
        table_row(o, row, cols, width, n_cols, indent);
    gw_free(o->ctx, width);
    gw_free(o->ctx, cols);
}

/* ---- Sections -------------------------------------------------------------- */

static void render_obj(text_out *o, const gw_doc_node *obj, size_t indent, bool top,
                       const gw_doc_node *skip, const gw_doc_node *skip2);

/* Label width of the "label  value" lines of one object. */
static size_t label_width(const gw_doc_node *obj, const gw_doc_node *skip, const gw_doc_node *skip2)
{
    size_t w = 0;
    for (const gw_doc_node *c = obj->first; c; c = c->next) {
        if (c == skip || c == skip2)
            continue;
        if (is_scalar(c) || (is_scalar_array(c))) {
            size_t lw = disp_width(gw__report_label(c));
            if (lw > w)
                w = lw;
        }
    }
    return w;
}

static void render_scalar_line(text_out *o, const gw_doc_node *c, size_t indent, size_t width)
{
    const char *label = gw__report_label(c);
    put_spaces(o, indent);
    put_clean(o, label);
    put_spaces(o, width - disp_width(label) + 2);
    if (is_scalar(c)) {
        put_value(o, c);
    } else if (c->n == 0) {
        put(o, "(none)");
    } else {
        for (const gw_doc_node *e = c->first; e; e = e->next) {
            put_value(o, e);
            if (e->next)
                put(o, ", ");
        }
    }
    put(o, "\n");
}

/* An array that is neither a table nor all scalars: elements one by one. */
static void render_mixed_array(text_out *o, const gw_doc_node *a, size_t indent)
{
    size_t i = 0;
    for (const gw_doc_node *e = a->first; e; e = e->next, i++) {
        char idx[32];
        (void)snprintf(idx, sizeof idx, "[%zu]", i);
        if (is_scalar(e)) {
            put_spaces(o, indent);
            put(o, idx);
            put(o, "  ");
            put_value(o, e);
            put(o, "\n");
        } else if (e->kind == GW_D_OBJ) {
            put_spaces(o, indent);
            put(o, idx);
            put(o, "\n");
            render_obj(o, e, indent + 2, false, NULL, NULL);
        } else {
            put_spaces(o, indent);
            put(o, idx);
            put(o, "\n");
            render_mixed_array(o, e, indent + 2);
        }
    }
}

static void render_obj(text_out *o, const gw_doc_node *obj, size_t indent, bool top,
                       const gw_doc_node *skip, const gw_doc_node *skip2)
{
    size_t width = label_width(obj, skip, skip2);
    bool printed = false; /* something already printed at this level */
    bool after_section = false;
    for (const gw_doc_node *c = obj->first; c && o->st == GW_OK; c = c->next) {
        if (c == skip || c == skip2)
            continue;
        if (is_scalar(c) || is_scalar_array(c)) {
            if (top && after_section)
                put(o, "\n"); /* top-level sections stand apart */
            render_scalar_line(o, c, indent, width);
            printed = true;
            after_section = false;
            continue;
        }
        if (top && printed)
            put(o, "\n");
        after_section = true;
        put_spaces(o, indent);
        put_clean(o, gw__report_label(c));
        put(o, "\n");
        if (c->kind == GW_D_OBJ)
            render_obj(o, c, indent + 2, false, NULL, NULL);
        else if (gw__report_is_table(c))
            render_table(o, c, indent + 2);
        else
            render_mixed_array(o, c, indent + 2);
        printed = true;
    }
}

/* ---- Entry point ----------------------------------------------------------- */

gw_status gw_report_text(const gw_doc *doc, FILE *out)
{
    if (!doc)
        return GW_ENOMEM; /* gw_doc_new failed: see gw_doc_status */
    if (!out)
        return GW_EINVAL;
    if (doc->status != GW_OK)
        return doc->status;
    text_out o = {out, gw__report_ctx(doc), GW_OK};
    /* The root "command" string is JSON metadata (docs/JSON-SCHEMA.md): the
     * reader of the summary typed the command and does not need it back. */
    const gw_doc_node *command = gw__report_child(doc->root, "command");
    if (command && command->kind != GW_D_STR)
        command = NULL;
    render_obj(&o, doc->root, 0, true, doc->notes, command);
    if (doc->notes->n > 0) {
        if (doc->root->n > (command ? 2u : 1u))
            put(&o, "\n");
        put(&o, "Notes:\n");
        for (const gw_doc_node *c = doc->notes->first; c; c = c->next) {
            put(&o, "  - ");
            put_value(&o, c);
            put(&o, "\n");
        }
    }
    if (o.st == GW_OK && (fflush(out) == EOF || ferror(out)))
        o.st = GW_EIO;
    return o.st;
}
