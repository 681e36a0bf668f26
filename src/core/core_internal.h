/* SPDX-License-Identifier: MIT */
/*
 * core_internal.h: library-internal services shared by every module: error
 * helpers, the arena, the YAML/JSON document tree (built on libfyaml's event
 * parser, so every node knows its line and column), typed value binding with
 * located errors, and access to data files (embedded or from a directory).
 *
 * Nothing here is exported: symbols are gw__core_* / gw__* and hidden.
 */
#ifndef GW_CORE_INTERNAL_H
#define GW_CORE_INTERNAL_H

#include <gigawatt/core.h>

#include <stdarg.h>
#include <stdbool.h>

/* ---- Assertion vocabulary (STYLE.md §3.7) ------------------------------ */

/* Defensive checks that stay in release builds. Use as
 *   if (GW_NEVER(n < 0)) return gw__err_internal(err, __FILE__, __LINE__);
 */
#define GW_ALWAYS(x) (__builtin_expect(!!(x), 1))
#define GW_NEVER(x)  (__builtin_expect(!!(x), 0))
/* Marks a boundary that tests must cover (no-op; greppable). */
#define GW_TESTCASE(x) ((void)0)

/* ---- Errors ------------------------------------------------------------ */

/* Sets err->code and err->msg (printf-style); leaves location fields as they
 * are. err may be NULL. Returns code so callers can `return gw__err(...)`. */
gw_status gw__err(gw_error *err, gw_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets the location, unless a more precise one (line > 0) is already there. */
void gw__err_loc(gw_error *err, const char *path, int line, int column, const char *where);
/* Clears err to GW_OK with empty fields. */
void gw__err_clear(gw_error *err);
gw_status gw__err_internal(gw_error *err, const char *file, int line);
/* Safe snprintf that always terminates and never overflows (truncates). */
void gw__strlcpy(char *dst, const char *src, size_t n);
void gw__snprintf(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Diagnostics: forwards a warning/note to the context's callback (if any). */
void gw__diag(gw_ctx *ctx, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Progress: returns non-zero if the callback asked to cancel. */
int gw__progress(gw_ctx *ctx, uint64_t done, uint64_t total);

/* ---- Arena ------------------------------------------------------------- */

/* A bump allocator for lifetime groups (a scenario, a catalog, a document).
 * Allocations are 16-byte aligned and freed all at once. */
typedef struct gw__arena gw__arena;
gw__arena *gw__arena_new(gw_ctx *ctx);
void gw__arena_free(gw__arena *a);                   /* NULL is a no-op */
void *gw__arena_alloc(gw__arena *a, size_t n);       /* zeroed; NULL on ENOMEM */
char *gw__arena_strdup(gw__arena *a, const char *s); /* NULL s -> "" */
char *gw__arena_strndup(gw__arena *a, const char *s, size_t n);
char *gw__arena_printf(gw__arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
gw_ctx *gw__arena_ctx(const gw__arena *a);

/* ---- YAML / JSON document tree ----------------------------------------- */

typedef enum gw__ykind { GW_Y_SCALAR = 0, GW_Y_MAP, GW_Y_SEQ } gw__ykind;

typedef struct gw__ynode gw__ynode;
struct gw__ynode {
    gw__ykind kind;
    int line, column;   /* 1-based position of the node's first character */
    const char *scalar; /* GW_Y_SCALAR: NUL-terminated text (arena) */
    bool quoted;        /* scalar was quoted (so never null/bool/number) */
    size_t n;           /* MAP: pairs; SEQ: items */
    gw__ynode **keys;   /* MAP: key nodes (scalars) */
    gw__ynode **vals;   /* MAP: values; SEQ: items */
    size_t cap;
};

typedef struct gw__ydoc {
    gw__arena *arena; /* owns every node and string */
    gw__ynode *root;  /* NULL for an empty document */
    const char *path; /* for messages ("" if none) */
} gw__ydoc;

/* Limits that keep hostile inputs bounded (checked before allocating). */
#define GW_YAML_MAX_BYTES (16u * 1024u * 1024u)
#define GW_YAML_MAX_DEPTH 64
#define GW_YAML_MAX_NODES 1000000u

/* Parses YAML (JSON is accepted, being YAML) into a tree. Duplicate keys,
 * anchors/aliases and multi-document streams are rejected (GW_EPARSE) with
 * line:col. path is used in messages. Caller owns *out (gw__ydoc_free). */
gw_status gw__ydoc_parse(gw_ctx *ctx, const char *buf, size_t len, const char *path, gw__ydoc **out,
                         gw_error *err);
/* Reads path (GW_EIO on failure) then parses. */
gw_status gw__ydoc_load(gw_ctx *ctx, const char *path, gw__ydoc **out, gw_error *err);
void gw__ydoc_free(gw__ydoc *doc);

/* Value of key in a mapping, or NULL. */
gw__ynode *gw__ymap_get(const gw__ynode *map, const char *key);

/* Typed access with located errors. `where` is the key path for messages.
 * Each returns GW_OK or fills err with path:line:col, where and a message
 * naming what was expected. */
gw_status gw__y_expect(const gw__ydoc *d, const gw__ynode *n, gw__ykind kind, const char *where,
                       gw_error *err);
/* Rejects keys of map that are not in allowed (NULL-terminated). */
gw_status gw__y_check_keys(const gw__ydoc *d, const gw__ynode *map, const char *const *allowed,
                           const char *where, gw_error *err);
/* Requires key to be present; *out = its node. */
gw_status gw__y_require(const gw__ydoc *d, const gw__ynode *map, const char *key, const char *where,
                        gw__ynode **out, gw_error *err);
gw_status gw__y_str(const gw__ydoc *d, const gw__ynode *n, const char *where, const char **out,
                    gw_error *err);
/* Number with unit of dimension dim, in [min, max] (inclusive). */
gw_status gw__y_num(const gw__ydoc *d, const gw__ynode *n, const char *where, gw_dim dim,
                    double min, double max, double *out, gw_error *err);
/* A whole count (GW_DIM_TOKENS: "1024", "16M", "2e5") in [min, max]
 * (inclusive): GW_ERANGE for a fraction such as "1000000.5". */
gw_status gw__y_count(const gw__ydoc *d, const gw__ynode *n, const char *where, double min,
                      double max, double *out, gw_error *err);
/* Integer (no unit) in [min, max]. */
gw_status gw__y_int(const gw__ydoc *d, const gw__ynode *n, const char *where, long long min,
                    long long max, long long *out, gw_error *err);
gw_status gw__y_bool(const gw__ydoc *d, const gw__ynode *n, const char *where, bool *out,
                     gw_error *err);
/* Fills err's location from node n (path, line, column, where). */
void gw__y_loc(const gw__ydoc *d, const gw__ynode *n, const char *where, gw_error *err);

/* ---- Data files ---------------------------------------------------------- */

/* Reads data file rel (e.g. "accelerators.yaml", "models/gpt3-175b.json"):
 * from data_dir if non-NULL, else from $GIGAWATT_DATA if set, else from the
 * copy embedded at build time. *buf is owned by the caller (gw_free) and NUL
 * terminated; *shown_path (arena-free, static or caller buffer of 512 bytes)
 * names it for messages: "data/accelerators.yaml" for embedded files. */
gw_status gw__data_read(gw_ctx *ctx, const char *data_dir, const char *rel, char **buf, size_t *len,
                        char shown_path[512], gw_error *err);
/* Reads any file fully (GW_EIO, GW_ERANGE above max bytes). Caller frees. */
gw_status gw__file_read(gw_ctx *ctx, const char *path, size_t max_bytes, char **buf, size_t *len,
                        gw_error *err);

/* Embedded data (generated by tools/embed.c at build time). */
typedef struct gw__embedded_file {
    const char *path; /* relative to data/, or "scenarios/default.yaml" */
    const unsigned char *data;
    size_t len;
} gw__embedded_file;
extern const gw__embedded_file gw__embedded_files[];
extern const size_t gw__n_embedded_files;

/* ---- Did you mean (suggest.c) ------------------------------------------ */

/* Finds the known name closest to an unknown one: offer each candidate
 * with gw__suggest_add, then read gw__suggest_best (borrowed from the
 * candidates, or NULL when none is close: edit distance <= 2, 1 for names
 * of 3 characters, 0 below, or a completion of a prefix of at least 3
 * characters). Case-insensitive. */
#define GW__SUGGEST_MAX_TIED 2
typedef struct gw__suggest {
    const char *name;
    const char *best; /* borrowed candidate, or NULL */
    int best_score;
    size_t n_tied; /* other candidates as close as best (may exceed the array) */
    const char *tied[GW__SUGGEST_MAX_TIED];
} gw__suggest;
void gw__suggest_init(gw__suggest *s, const char *name);
void gw__suggest_add(gw__suggest *s, const char *candidate);
const char *gw__suggest_best(const gw__suggest *s);
/* "; did you mean \"best\"?" (or two or three equally close names), or ""
 * when none is close or more than three are, into buf, for appending to a
 * message. */
const char *gw__suggest_text(const gw__suggest *s, char *buf, size_t n);

/* ---- Scenario hooks for the layers above core ---------------------------- */

/* Core cannot call the catalog, so the catalog's gw_scenario_resolve reaches
 * what the scenario knows about its own input through these. */
typedef struct gw_scenario gw_scenario;
/* Fills err's location from the node that set key path (file:line:col, or
 * "--set path" for an override); just the path and key if it was not set. */
void gw__scenario_locate(const gw_scenario *sc, const char *path, gw_error *err);
/* True when the value of key path came from a --set override. */
bool gw__scenario_from_set(const gw_scenario *sc, const char *path);
/* Replaces the text of string field path with a copy of value (owned by
 * the scenario; its location stays that of the value it replaces).
 * GW_EINVAL for a path that is not a string field, GW_ENOMEM. */
gw_status gw__scenario_set_str(gw_scenario *sc, const char *path, const char *value);
/* One object owned by the scenario on behalf of a higher layer: attach
 * frees any previous one, and gw_scenario_free calls free_fn(ctx, obj). */
void gw__scenario_attach(gw_scenario *sc, void *obj, void (*free_fn)(gw_ctx *ctx, void *obj));
void *gw__scenario_attached(const gw_scenario *sc); /* borrowed, or NULL */
gw_ctx *gw__scenario_ctx(const gw_scenario *sc);

/* ---- Numbers -------------------------------------------------------------- */

/* Strict strtod: the whole string must be a finite number (GW_EPARSE). */
gw_status gw__parse_double(const char *s, double *out);
gw_status gw__parse_ll(const char *s, long long *out);
bool gw__streq_nocase(const char *a, const char *b);

/* ---- Rank order (order.c) ------------------------------------------------ */

/* The parallel dimensions in a rank order: 0 tp, 1 cp, 2 ep, 3 dp, 4 pp
 * (gw__rank_dims names them). */
#define GW__RANK_DIMS 5
extern const char *const gw__rank_dims[GW__RANK_DIMS];
/* Parses "tp-cp-ep-dp-pp"-style text (all five, each once, innermost
 * first; NULL or "" is that default) into order[position] = dimension.
 * On a bad text writes why into msg and returns false. */
bool gw__rank_order_parse(const char *s, int order[GW__RANK_DIMS], char *msg, size_t n);

#endif /* GW_CORE_INTERNAL_H */
