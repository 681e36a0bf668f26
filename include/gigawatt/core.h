/* SPDX-License-Identifier: MIT */
/*
 * gigawatt/core.h: status codes, the error record, the context (allocator,
 * diagnostics, limits), SI units, precisions and the RNG seed.
 *
 * Every fallible function in libgigawatt returns a gw_status and, on failure,
 * fills a caller-provided gw_error (which may be NULL). Nothing in the library
 * prints or exits; warnings go to the context's diagnostics callback.
 */
#ifndef GIGAWATT_CORE_H
#define GIGAWATT_CORE_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define GW_API __attribute__((visibility("default")))
#else
#define GW_API
#endif

#define GW_VERSION_MAJOR  0
#define GW_VERSION_MINOR  1
#define GW_VERSION_PATCH  0
#define GW_VERSION_STRING "0.1.0"

/* Version of the --json document layout (docs/JSON-SCHEMA.md). Bumped on any
 * incompatible change; additions keep the number. */
#define GW_JSON_SCHEMA_VERSION 2

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. APPEND ONLY: never renumber or remove. */
typedef enum gw_status {
    GW_OK = 0,
    GW_ENOMEM,      /* allocation failed (or the test allocator said so) */
    GW_EINVAL,      /* caller bug: bad argument to an API function */
    GW_EIO,         /* a file could not be opened, read or written */
    GW_EPARSE,      /* input is not well-formed YAML/JSON/CSV */
    GW_ESCHEMA,     /* well-formed, but a field is missing, unknown or of the wrong type */
    GW_EUNIT,       /* value lacks a unit or has the wrong dimension */
    GW_ERANGE,      /* value outside its physically meaningful range */
    GW_ENOTFOUND,   /* name not in the catalog */
    GW_EINFEASIBLE, /* no configuration satisfies the constraints */
    GW_ECANCELED,   /* the progress callback asked to stop */
    GW_EINTERNAL,   /* an invariant broke inside gigawatt: a gigawatt bug */
    GW_EUSAGE       /* bad command-line usage (unknown flag, missing argument) */
} gw_status;

/* Filled on failure; fixed size so the error path never allocates. Fields
 * that do not apply are 0 / "". */
typedef struct gw_error {
    gw_status code;
    char path[256];   /* input file, or "" */
    int line, column; /* 1-based position in path; 0 if unknown */
    char where[128];  /* key path "cluster.gpus" or flag "--set" */
    char msg[512];    /* one line, lower-case start, no trailing newline */
} gw_error;

/* "GW_EPARSE": stable, for JSON and tests. Never NULL. */
GW_API const char *gw_status_name(gw_status s);
/* "input is not well-formed": a short human description. Never NULL. */
GW_API const char *gw_status_str(gw_status s);
/* 2 for input and usage errors (EPARSE, ESCHEMA, EUNIT, ERANGE, ENOTFOUND,
 * EUSAGE, EINFEASIBLE), 1 for runtime failures, 0 for GW_OK: the CLI's
 * exit-status rule, kept here so every front end agrees. */
GW_API int gw_status_exit_code(gw_status s);

/* Formats err as one compiler-style line without newline:
 * "path:line:col: where: msg" (parts that are empty are left out).
 * Returns buf. */
GW_API char *gw_error_format(const gw_error *err, char *buf, size_t buf_len);

/* ---- Context ----------------------------------------------------------- */

/* Allocator: realloc semantics (ptr NULL = malloc, size 0 = free, returns NULL
 * on failure). ud is the user pointer given with it. */
typedef void *(*gw_alloc_fn)(void *ud, void *ptr, size_t size);

/* Diagnostics callback: level 0 = note, 1 = warning. msg is one line. */
typedef void (*gw_diag_fn)(void *ud, int level, const char *msg);

/* Progress callback: done of total units; return non-zero to cancel
 * (the operation then fails with GW_ECANCELED). */
typedef int (*gw_progress_fn)(void *ud, uint64_t done, uint64_t total);

typedef struct gw_ctx gw_ctx;

/* Creates a context using malloc/free, or the given allocator when alloc is
 * non-NULL. Returns NULL only if the first allocation fails. It also turns
 * GSL's abort-on-error handler off (gsl_set_error_handler_off, a process-wide
 * GSL setting): libgigawatt checks every GSL status and reports gw_status.
 * Thread-safety: a context may be shared by threads for allocation only if
 * the allocator is thread-safe (the default one is). */
GW_API gw_ctx *gw_ctx_new(gw_alloc_fn alloc, void *alloc_ud);
GW_API void gw_ctx_free(gw_ctx *ctx); /* NULL is a no-op */
GW_API void gw_ctx_set_diag(gw_ctx *ctx, gw_diag_fn fn, void *ud);
GW_API void gw_ctx_set_progress(gw_ctx *ctx, gw_progress_fn fn, void *ud);
/* Number of worker threads for searches and Monte Carlo; 0 = all cores. */
GW_API void gw_ctx_set_threads(gw_ctx *ctx, int n_threads);
GW_API int gw_ctx_threads(const gw_ctx *ctx);

/* Allocation through the context (all library memory goes through these). */
GW_API void *gw_malloc(gw_ctx *ctx, size_t n);
GW_API void *gw_calloc(gw_ctx *ctx, size_t count, size_t size);
GW_API void *gw_realloc(gw_ctx *ctx, void *p, size_t n);
GW_API void gw_free(gw_ctx *ctx, void *p);

/* ---- Units -------------------------------------------------------------- */

/* Physical dimensions that values in scenarios and catalogs may carry. */
typedef enum gw_dim {
    GW_DIM_NONE = 0,        /* dimensionless number (no unit allowed, except %) */
    GW_DIM_POWER,           /* W: W kW MW GW */
    GW_DIM_ENERGY,          /* J: J kWh MWh GWh */
    GW_DIM_TIME,            /* s: ns us ms s min h d day days week yr year */
    GW_DIM_BYTES,           /* bytes: B KB MB GB TB PB KiB MiB GiB TiB */
    GW_DIM_BANDWIDTH,       /* bytes/s: B/s KB/s MB/s GB/s TB/s, and bits: Gb/s Gbps Tb/s */
    GW_DIM_FLOPS,           /* FLOP/s: TFLOP/s PFLOP/s EFLOP/s (TFLOPS, TOPS accepted) */
    GW_DIM_FLOP,            /* FLOP: FLOP TFLOP PFLOP EFLOP ZFLOP */
    GW_DIM_MONEY,           /* USD: USD $ k$ M$ B$ (and "USD", "M USD", "B USD") */
    GW_DIM_PRICE_ENERGY,    /* USD per J: USD/MWh USD/kWh */
    GW_DIM_MONEY_PER_POWER, /* USD per W: USD/W USD/kW USD/MW */
    GW_DIM_AREA,            /* m^2: mm2 mm^2 m2 */
    GW_DIM_TOKENS,          /* count with optional k M B T suffix (tokens, params) */
    GW_DIM_FRACTION,        /* 0..1, or "N%" */
    GW_DIM_RATE,            /* per second: /s /h /day /yr (failure rates) */
    GW_DIM_COUNT_
} gw_dim;

/* Parses "989.4 TFLOP/s", "1 GW", "16M", "30e12", "12%" into base SI units
 * for the given dimension. A bare number is accepted only for GW_DIM_NONE,
 * GW_DIM_TOKENS and GW_DIM_FRACTION (other dimensions require a unit: the
 * failure is GW_EUNIT). Returns GW_EPARSE for text that is not a number,
 * GW_EUNIT for an unknown unit or one of the wrong dimension. On failure,
 * err->msg says what was expected; err->path/line/where are left untouched. */
GW_API gw_status gw_unit_parse(const char *text, gw_dim dim, double *out, gw_error *err);
/* Base SI unit name of a dimension: "W", "s", "B", "B/s", "FLOP/s" ... */
GW_API const char *gw_unit_base(gw_dim dim);
/* Formats a value in base unit with an SI prefix, e.g. 1.2e9 W -> "1.20 GW";
 * unit is the base unit text ("W", "FLOP/s", "B", "USD", ...). */
GW_API char *gw_unit_format(double v, const char *unit, char *buf, size_t buf_len);
/* Describes the allowed range of a value of dimension dim for an error
 * message, exactly: min is excluded when min_open is non-zero, max (may be
 * INFINITY) is always included. Writes e.g. "must be between 1 and 100
 * million inclusive", "must be at least 1 ms", "must not be negative",
 * "must be greater than 0 s" or "must be greater than 0% and at most 100%".
 * Bounds use gw_unit_format when it shows them exactly, else enough digits
 * to be exact, so a stated bound never admits the rejected value. Returns
 * buf (always terminated; 96 bytes suffice). */
GW_API char *gw_range_describe(double min, int min_open, double max, gw_dim dim, char *buf,
                               size_t buf_len);

/* ---- Precisions -------------------------------------------------------- */

typedef enum gw_precision {
    GW_PREC_FP64 = 0,
    GW_PREC_TF32,
    GW_PREC_BF16, /* also FP16: every catalog chip has equal dense rates */
    GW_PREC_FP8,
    GW_PREC_FP6,
    GW_PREC_FP4,
    GW_PREC_INT8,
    GW_PREC_COUNT
} gw_precision;

/* "bf16", "fp8", ...; parse accepts "fp16" as bf16. Returns GW_EPARSE. */
GW_API const char *gw_precision_name(gw_precision p);
GW_API gw_status gw_precision_parse(const char *text, gw_precision *out);
/* Bits per value of the precision's operand (64, 19 for TF32 counts as 32 in
 * TPP rules, 16, 8, 6, 4, 8). */
GW_API int gw_precision_bits(gw_precision p);

#ifdef __cplusplus
}
#endif
#endif /* GIGAWATT_CORE_H */
