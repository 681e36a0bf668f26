/* SPDX-License-Identifier: MIT */
/*
 * yaml.c: YAML and JSON input as a small tree whose every node knows its line
 * and column. Built on libfyaml's event parser (libfyaml 0.7, Debian 12):
 * events carry start marks for every node, while the document API of that
 * version exposes marks only for scalars, and located errors are the point.
 *
 * Deliberately rejected: anchors/aliases (a scenario that needs them is
 * better split; aliases also make "billion laughs" inputs possible), complex
 * keys, duplicate keys and multi-document streams. Inputs are bounded in
 * size, depth and node count before they can exhaust memory.
 *
 * libfyaml allocates its own parser state with the C allocator; the tree
 * itself lives in an arena from the context's allocator.
 */
#include <gigawatt/core.h>

#include <libfyaml.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core_internal.h"

#define MAX_MAP_KEYS 100000u

typedef struct frame {
    gw__ynode *node;
    gw__ynode *pending_key; /* MAP: key read, value not yet */
} frame;

/* ---- Duplicate-key set ---------------------------------------------------- */

/* One open-addressing hash set of (mapping, key) pairs for the whole
 * document, so duplicate-key checking costs O(1) per key instead of a scan
 * of the mapping's earlier keys (99k keys in one mapping took 33 s that way).
 * Slots hold key nodes; the owning mapping is kept alongside. The table is
 * at most half full and, like the tree, bounded by GW_YAML_MAX_NODES. */
typedef struct keyset {
    gw_ctx *ctx;
    const gw__ynode **maps; /* owning mapping of each slot, NULL = empty */
    const gw__ynode **keys; /* key node of each slot */
    size_t cap, n;          /* cap is a power of two */
} keyset;

static size_t key_hash(const gw__ynode *map, const char *s)
{
    /* FNV-1a over the text, mixed with the mapping's address. */
    uint64_t h = 1469598103934665603ull ^ (uint64_t)(uintptr_t)map;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        h ^= *c;
        h *= 1099511628211ull;
    }
    h ^= h >> 29;
    return (size_t)h;
}

static void keyset_free(keyset *ks)
{
    gw_free(ks->ctx, (void *)ks->maps);
    gw_free(ks->ctx, (void *)ks->keys);
    ks->maps = ks->keys = NULL;
    ks->cap = ks->n = 0;
}

/* Finds the slot of (map, key): the existing entry or the empty slot where
 * it would go. */
static size_t keyset_slot(const keyset *ks, const gw__ynode *map, const char *key)
{
    size_t mask = ks->cap - 1, i = key_hash(map, key) & mask;
    while (ks->maps[i] && !(ks->maps[i] == map && strcmp(ks->keys[i]->scalar, key) == 0))
        i = (i + 1) & mask;
    return i;
}

static gw_status keyset_grow(keyset *ks)
{
    size_t cap = ks->cap ? ks->cap * 2 : 64;
    keyset bigger = {ks->ctx, gw_calloc(ks->ctx, cap, sizeof *ks->maps),
                     gw_calloc(ks->ctx, cap, sizeof *ks->keys), cap, 0};
    if (!bigger.maps || !bigger.keys) {
        keyset_free(&bigger);
        return GW_ENOMEM;
    }
    for (size_t i = 0; i < ks->cap; i++) {
        if (!ks->maps[i])
            continue;
        size_t j = keyset_slot(&bigger, ks->maps[i], ks->keys[i]->scalar);
        bigger.maps[j] = ks->maps[i];
        bigger.keys[j] = ks->keys[i];
        bigger.n++;
    }
    keyset_free(ks);
    *ks = bigger;
    return GW_OK;
}

/* Adds key to map's set; *dup is the earlier key node with the same text,
 * or NULL when key is new. */
static gw_status keyset_add(keyset *ks, const gw__ynode *map, const gw__ynode *key,
                            const gw__ynode **dup)
{
    *dup = NULL;
    if (2 * (ks->n + 1) > ks->cap && keyset_grow(ks) != GW_OK)
        return GW_ENOMEM;
    size_t i = keyset_slot(ks, map, key->scalar);
    if (ks->maps[i]) {
        *dup = ks->keys[i];
        return GW_OK;
    }
    ks->maps[i] = map;
    ks->keys[i] = key;
    ks->n++;
    return GW_OK;
}

/* ---- Tree building -------------------------------------------------------- */

static gw_status grow(gw__ydoc *d, gw__ynode *n)
{
    if (n->n < n->cap)
        return GW_OK;
    size_t cap = n->cap ? n->cap * 2 : 8;
    gw__ynode **vals = gw__arena_alloc(d->arena, cap * sizeof *vals);
    gw__ynode **keys = NULL;
    if (!vals)
        return GW_ENOMEM;
    if (n->kind == GW_Y_MAP) {
        keys = gw__arena_alloc(d->arena, cap * sizeof *keys);
        if (!keys)
            return GW_ENOMEM;
        if (n->n)
            memcpy(keys, n->keys, n->n * sizeof *keys);
        n->keys = keys;
    }
    if (n->n)
        memcpy(vals, n->vals, n->n * sizeof *vals);
    n->vals = vals;
    n->cap = cap;
    return GW_OK;
}

static gw_status fail_at(gw__ydoc *d, gw_error *err, gw_status code, int line, int col,
                         const char *msg)
{
    gw__err(err, code, "%s", msg);
    gw__err_loc(err, d->path, line, col, NULL);
    return code;
}

/* Attaches child to the frame on top of the stack. */
static gw_status attach(gw__ydoc *d, keyset *ks, frame *top, gw__ynode *child, gw_error *err)
{
    gw__ynode *p = top->node;
    if (p->kind == GW_Y_SEQ) {
        if (grow(d, p) != GW_OK)
            return gw__err(err, GW_ENOMEM, "out of memory reading YAML");
        p->vals[p->n++] = child;
        return GW_OK;
    }
    if (!top->pending_key) {
        if (child->kind != GW_Y_SCALAR)
            return fail_at(d, err, GW_EPARSE, child->line, child->column,
                           "mapping keys must be plain scalars");
        if (p->n >= MAX_MAP_KEYS)
            return fail_at(d, err, GW_ERANGE, child->line, child->column,
                           "too many keys in one mapping");
        const gw__ynode *first = NULL;
        if (keyset_add(ks, p, child, &first) != GW_OK)
            return gw__err(err, GW_ENOMEM, "out of memory reading YAML");
        if (first) {
            gw__err(err, GW_EPARSE, "duplicate key \"%s\" (first at line %d)", child->scalar,
                    first->line);
            gw__err_loc(err, d->path, child->line, child->column, NULL);
            return GW_EPARSE;
        }
        top->pending_key = child;
        return GW_OK;
    }
    if (grow(d, p) != GW_OK)
        return gw__err(err, GW_ENOMEM, "out of memory reading YAML");
    p->keys[p->n] = top->pending_key;
    p->vals[p->n] = child;
    p->n++;
    top->pending_key = NULL;
    return GW_OK;
}

static gw_status parser_error(gw__ydoc *d, struct fy_diag *diag, gw_error *err)
{
    void *iter = NULL;
    struct fy_diag_error *e = diag ? fy_diag_errors_iterate(diag, &iter) : NULL;
    if (e) {
        char msg[400];
        gw__strlcpy(msg, e->msg ? e->msg : "syntax error", sizeof msg);
        /* libfyaml messages start with a capital or a quote; ours are lower-case. */
        if (msg[0] >= 'A' && msg[0] <= 'Z' && !(msg[1] >= 'A' && msg[1] <= 'Z'))
            msg[0] = (char)(msg[0] - 'A' + 'a');
        gw__err(err, GW_EPARSE, "invalid YAML/JSON: %s", msg);
        gw__err_loc(err, d->path, e->line, e->column, NULL); /* already 1-based */
        return GW_EPARSE;
    }
    gw__err(err, GW_EPARSE, "invalid YAML/JSON");
    gw__err_loc(err, d->path, 0, 0, NULL);
    return GW_EPARSE;
}

static void discard_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Offset of the first byte that is not well-formed UTF-8 (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or len. */
static size_t utf8_bad_offset(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        } else {
            return i;
        }
        if (len - i <= n)
            return i;
        for (size_t k = 1; k <= n; k++) {
            unsigned char b = s[i + k];
            if (b < (k == 1 ? lo : 0x80u) || b > (k == 1 ? hi : 0xBFu))
                return i;
        }
        i += n + 1;
    }
    return len;
}

gw_status gw__ydoc_parse(gw_ctx *ctx, const char *buf, size_t len, const char *path, gw__ydoc **out,
                         gw_error *err)
{
    if (!ctx || !out || (!buf && len))
        return gw__err(err, GW_EINVAL, "gw__ydoc_parse: bad argument");
    *out = NULL;
    if (!path)
        path = "";
    if (len > GW_YAML_MAX_BYTES) {
        gw__err(err, GW_ERANGE, "input too large (%zu bytes, limit %u)", len, GW_YAML_MAX_BYTES);
        gw__err_loc(err, path, 0, 0, NULL);
        return GW_ERANGE;
    }
    /* YAML and JSON are UTF-8 text. Checked before parsing because libfyaml
     * 0.7 loops forever on a '%' directive followed by an invalid byte. */
    size_t bad = utf8_bad_offset((const unsigned char *)buf, len);
    if (bad < len) {
        int line = 1, col = 1;
        for (size_t i = 0; i < bad; i++) {
            if (buf[i] == '\n') {
                line++;
                col = 1;
            } else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
                col++;
            }
        }
        gw__err(err, GW_EPARSE, "invalid UTF-8 (byte 0x%02X): input must be UTF-8 text",
                (unsigned)(unsigned char)buf[bad]);
        gw__err_loc(err, path, line, col, NULL);
        return GW_EPARSE;
    }
    gw__arena *arena = gw__arena_new(ctx);
    gw__ydoc *d = arena ? gw__arena_alloc(arena, sizeof *d) : NULL;
    if (!d) {
        gw__arena_free(arena);
        return gw__err(err, GW_ENOMEM, "out of memory reading %s", path);
    }
    d->arena = arena;
    d->path = gw__arena_strdup(arena, path);
    if (!d->path) {
        gw__arena_free(arena);
        return gw__err(err, GW_ENOMEM, "out of memory reading %s", path);
    }

    /* A private diagnostics object that collects errors instead of printing
     * them: the library never writes to stderr. */
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = discard_output;
    dcfg.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (!diag) {
        gw__arena_free(arena);
        return gw__err(err, GW_ENOMEM, "cannot create the YAML parser");
    }
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG;
    cfg.diag = diag;
    if (ends_with(path, ".json"))
        cfg.flags |= FYPCF_JSON_FORCE;
    struct fy_parser *fyp = fy_parser_create(&cfg);
    if (!fyp) {
        fy_diag_destroy(diag);
        gw__arena_free(arena);
        return gw__err(err, GW_ENOMEM, "cannot create the YAML parser");
    }
    /* libfyaml wants a non-NULL pointer even for empty input. */
    if (fy_parser_set_string(fyp, len ? buf : "", len) != 0) {
        fy_parser_destroy(fyp);
        fy_diag_destroy(diag);
        gw__arena_free(arena);
        return gw__err(err, GW_ENOMEM, "cannot start the YAML parser");
    }

    frame stack[GW_YAML_MAX_DEPTH];
    keyset ks = {ctx, NULL, NULL, 0, 0};
    int depth = 0;
    int n_docs = 0;
    size_t n_nodes = 0;
    gw_status rc = GW_OK;
    struct fy_event *fye;
    int last_line = 1, last_col = 1; /* end of the previous event */
    while ((fye = fy_parser_parse(fyp)) != NULL) {
        const struct fy_mark *m = fy_event_start_mark(fye);
        /* An empty scalar ("gpus:" with nothing after it) has no mark: use
         * the end of the previous event (its key), so errors stay located. */
        int line = m ? m->line + 1 : last_line, col = m ? m->column + 1 : last_col;
        const struct fy_mark *em = fy_event_end_mark(fye);
        if (em) {
            last_line = em->line + 1;
            last_col = em->column + 1;
        }
        gw__ynode *node = NULL;
        switch (fye->type) {
        case FYET_DOCUMENT_START:
            if (++n_docs > 1)
                rc = fail_at(d, err, GW_EPARSE, line, col,
                             "more than one YAML document in the file");
            break;
        case FYET_ALIAS: /* marked after the '*'; point at it */
            rc = fail_at(d, err, GW_EPARSE, line, col > 1 ? col - 1 : col,
                         "aliases (*name) are not supported: write the value out");
            break;
        case FYET_SCALAR:
        case FYET_MAPPING_START:
        case FYET_SEQUENCE_START:
            if (++n_nodes > GW_YAML_MAX_NODES) {
                rc = fail_at(d, err, GW_ERANGE, line, col, "too many YAML nodes");
                break;
            }
            node = gw__arena_alloc(arena, sizeof *node);
            if (!node) {
                rc = gw__err(err, GW_ENOMEM, "out of memory reading YAML");
                break;
            }
            node->line = line;
            node->column = col;
            if (fye->type == FYET_SCALAR) {
                size_t tlen = 0;
                const char *t = fy_token_get_text(fye->scalar.value, &tlen);
                node->kind = GW_Y_SCALAR;
                node->scalar = gw__arena_strndup(arena, t ? t : "", t ? tlen : 0);
                enum fy_scalar_style style = fy_token_scalar_style(fye->scalar.value);
                node->quoted = style != FYSS_PLAIN;
                /* libfyaml marks a quoted scalar at its first character
                 * inside the quotes; point at the opening quote instead. */
                if ((style == FYSS_SINGLE_QUOTED || style == FYSS_DOUBLE_QUOTED) &&
                    node->column > 1)
                    node->column--;
                if (!node->scalar) {
                    rc = gw__err(err, GW_ENOMEM, "out of memory reading YAML");
                    break;
                }
                if (t && memchr(t, '\0', tlen)) {
                    rc = fail_at(d, err, GW_EPARSE, node->line, node->column,
                                 "NUL character in a scalar");
                    break;
                }
            } else {
                node->kind = fye->type == FYET_MAPPING_START ? GW_Y_MAP : GW_Y_SEQ;
            }
            if (depth == 0) {
                d->root = node;
            } else {
                rc = attach(d, &ks, &stack[depth - 1], node, err);
                if (rc != GW_OK)
                    break;
            }
            if (node->kind != GW_Y_SCALAR) {
                if (depth >= GW_YAML_MAX_DEPTH) {
                    rc = fail_at(d, err, GW_ERANGE, line, col, "nesting too deep");
                    break;
                }
                stack[depth].node = node;
                stack[depth].pending_key = NULL;
                depth++;
            }
            break;
        case FYET_MAPPING_END:
        case FYET_SEQUENCE_END:
            if (depth > 0)
                depth--;
            break;
        case FYET_NONE:
        case FYET_STREAM_START:
        case FYET_STREAM_END:
        case FYET_DOCUMENT_END:
            break;
        }
        fy_parser_event_free(fyp, fye);
        if (rc != GW_OK)
            break;
    }
    if (rc == GW_OK && fy_parser_get_stream_error(fyp))
        rc = parser_error(d, diag, err);
    keyset_free(&ks);
    fy_parser_destroy(fyp);
    fy_diag_destroy(diag);
    if (rc != GW_OK) {
        gw__arena_free(arena);
        return rc;
    }
    *out = d;
    return GW_OK;
}

gw_status gw__ydoc_load(gw_ctx *ctx, const char *path, gw__ydoc **out, gw_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    gw_status rc = gw__file_read(ctx, path, GW_YAML_MAX_BYTES, &buf, &len, err);
    if (rc != GW_OK)
        return rc;
    rc = gw__ydoc_parse(ctx, buf, len, path, out, err);
    gw_free(ctx, buf);
    return rc;
}

void gw__ydoc_free(gw__ydoc *doc)
{
    if (doc)
        gw__arena_free(doc->arena);
}

gw__ynode *gw__ymap_get(const gw__ynode *map, const char *key)
{
    if (!map || map->kind != GW_Y_MAP || !key)
        return NULL;
    for (size_t i = 0; i < map->n; i++) {
        if (strcmp(map->keys[i]->scalar, key) == 0)
            return map->vals[i];
    }
    return NULL;
}
