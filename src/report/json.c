/* SPDX-License-Identifier: MIT */
/*
 * json.c: the JSON renderer (gw_report_json), layout in docs/JSON-SCHEMA.md.
 *
 * Output is one RFC 8259 document, 2-space indented, ending in a newline:
 *   {"schema_version": N, "generator": "gigawatt X.Y.Z", "command": ...,
 *    "notes": [...], <every other top-level key in insertion order>}
 * Numbers are in base SI units exactly as stored: integers print exactly,
 * doubles print as the shortest of %.15g..%.17g that reads back to the same
 * double, and NaN or infinities (which JSON cannot express) become null.
 * Strings are escaped per RFC 8259 section 7: '"', '\\' and every control
 * character below U+0020 (the short forms \b \f \n \r \t where they exist,
 * \u00XX otherwise). Bytes that are not well-formed UTF-8 (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF) are each replaced by
 * U+FFFD, so the output is always valid UTF-8 whatever the builders stored.
 *
 * Not done: labels and units are not written (keys carry the unit suffix;
 * the text renderer shows labels). No streaming API: the document is small.
 */
#include <gigawatt/report.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"

typedef struct json_out {
    FILE *f;
    gw_status st;
} json_out;

static void put(json_out *o, const char *s)
{
    if (o->st == GW_OK && fputs(s, o->f) == EOF)
        o->st = GW_EIO;
}

static void put_indent(json_out *o, size_t depth)
{
    for (size_t i = 0; i < depth && o->st == GW_OK; i++)
        put(o, "  ");
}

/* ---- Strings --------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at p (1..4), or 0 if the bytes
 * there are not one (RFC 3629 table 3-7 of Unicode's "well-formed byte
 * sequences"). p is NUL-terminated, so reading past a short sequence stops at
 * the NUL, which is never a continuation byte. */
static size_t utf8_len(const unsigned char *p)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return (p[1] >= 0x80 && p[1] <= 0xBF) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned char lo = 0x80, hi = 0xBF;
        if (c == 0xE0)
            lo = 0xA0; /* no overlong forms */
        if (c == 0xED)
            hi = 0x9F; /* no UTF-16 surrogates */
        if (p[1] < lo || p[1] > hi)
            return 0;
        return (p[2] >= 0x80 && p[2] <= 0xBF) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned char lo = 0x80, hi = 0xBF;
        if (c == 0xF0)
            lo = 0x90; /* no overlong forms */
        if (c == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
        if (p[1] < lo || p[1] > hi)
            return 0;
        if (p[2] < 0x80 || p[2] > 0xBF)
            return 0;
        return (p[3] >= 0x80 && p[3] <= 0xBF) ? 4 : 0;
    }
    return 0;
}

static void put_string(json_out *o, const char *s)
{
    put(o, "\"");
    const unsigned char *p = (const unsigned char *)s;
    while (*p && o->st == GW_OK) {
        unsigned char c = *p;
        char esc[8];
        if (c == '"') {
            put(o, "\\\"");
            p++;
        } else if (c == '\\') {
            put(o, "\\\\");
            p++;
        } else if (c < 0x20) {
            switch (c) {
            case '\b':
                put(o, "\\b");
                break;
            case '\f':
                put(o, "\\f");
                break;
            case '\n':
                put(o, "\\n");
                break;
            case '\r':
                put(o, "\\r");
                break;
            case '\t':
                put(o, "\\t");
                break;
            default:
                (void)snprintf(esc, sizeof esc, "\\u%04x", (unsigned)c);
                put(o, esc);
                break;
            }
            p++;
        } else {
            size_t n = utf8_len(p);
            if (n == 0) {
                put(o, "\\ufffd"); /* one replacement per bad byte */
                p++;
            } else {
                if (fwrite(p, 1, n, o->f) != n)
                    o->st = GW_EIO;
                p += n;
            }
        }
    }
    put(o, "\"");
}

/* ---- Values ------------------------------------------------------------------ */

static void put_value(json_out *o, const gw_doc_node *n, size_t depth);

static void put_number(json_out *o, double v)
{
    if (!isfinite(v)) {
        put(o, "null");
        return;
    }
    char buf[40];
    put(o, gw__report_fmt_double(v, buf, sizeof buf));
}

static void put_member_key(json_out *o, const char *key, size_t depth)
{
    put_indent(o, depth);
    put_string(o, key);
    put(o, ": ");
}

static void put_container(json_out *o, const gw_doc_node *n, size_t depth)
{
    bool obj = n->kind == GW_D_OBJ;
    if (n->n == 0) {
        put(o, obj ? "{}" : "[]");
        return;
    }
    put(o, obj ? "{\n" : "[\n");
    for (const gw_doc_node *c = n->first; c && o->st == GW_OK; c = c->next) {
        if (obj)
            put_member_key(o, c->key, depth + 1);
        else
            put_indent(o, depth + 1);
        put_value(o, c, depth + 1);
        put(o, c->next ? ",\n" : "\n");
    }
    put_indent(o, depth);
    put(o, obj ? "}" : "]");
}

static void put_value(json_out *o, const gw_doc_node *n, size_t depth)
{
    char buf[32];
    switch (n->kind) {
    case GW_D_OBJ:
    case GW_D_ARR:
        put_container(o, n, depth);
        break;
    case GW_D_NUM:
        if (n->has_range) {
            /* docs/JSON-SCHEMA.md: a figure with its prediction interval. */
            const char *keys[] = {"value", "lo", "hi", "level"};
            const double vals[] = {n->num, n->lo, n->hi, n->level};
            put(o, "{\n");
            for (size_t k = 0; k < 4; k++) {
                put_member_key(o, keys[k], depth + 1);
                put_number(o, vals[k]);
                put(o, k < 3 ? ",\n" : "\n");
            }
            put_indent(o, depth);
            put(o, "}");
            break;
        }
        put_number(o, n->num);
        break;
    case GW_D_INT:
        (void)snprintf(buf, sizeof buf, "%" PRId64, n->i);
        put(o, buf);
        break;
    case GW_D_STR:
        put_string(o, n->str);
        break;
    case GW_D_BOOL:
        put(o, n->b ? "true" : "false");
        break;
    }
}

/* ---- Entry point ----------------------------------------------------------- */

gw_status gw_report_json(const gw_doc *doc, FILE *out)
{
    if (!doc)
        return GW_ENOMEM; /* gw_doc_new failed: see gw_doc_status */
    if (!out)
        return GW_EINVAL;
    if (doc->status != GW_OK)
        return doc->status;
    json_out o = {out, GW_OK};
    /* Header members, then "command" and "notes", then the rest in order.
     * A builder's own "schema_version" or "generator" key is left out: the
     * renderer's values are the documented ones. */
    const gw_doc_node *command = gw__report_child(doc->root, "command");
    const gw_doc_node *own_sv = gw__report_child(doc->root, "schema_version");
    const gw_doc_node *own_gen = gw__report_child(doc->root, "generator");
    char sv[32];
    (void)snprintf(sv, sizeof sv, "%d", GW_JSON_SCHEMA_VERSION);
    put(&o, "{\n");
    put_member_key(&o, "schema_version", 1);
    put(&o, sv);
    put(&o, ",\n");
    put_member_key(&o, "generator", 1);
    put_string(&o, "gigawatt " GW_VERSION_STRING);
    if (command) {
        put(&o, ",\n");
        put_member_key(&o, "command", 1);
        put_value(&o, command, 1);
    }
    put(&o, ",\n");
    put_member_key(&o, "notes", 1);
    put_value(&o, doc->notes, 1);
    for (const gw_doc_node *c = doc->root->first; c && o.st == GW_OK; c = c->next) {
        if (c == command || c == doc->notes || c == own_sv || c == own_gen)
            continue;
        put(&o, ",\n");
        put_member_key(&o, c->key, 1);
        put_value(&o, c, 1);
    }
    put(&o, "\n}\n");
    if (o.st == GW_OK && (fflush(out) == EOF || ferror(out)))
        o.st = GW_EIO;
    return o.st;
}
