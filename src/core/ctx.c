/* SPDX-License-Identifier: MIT */
/*
 * ctx.c: the context that every library call hangs off: allocator,
 * diagnostics callback, progress callback and thread count. There is no
 * global mutable state in libgigawatt (STYLE.md section 4.1).
 */
#include <gigawatt/core.h>

#include <gsl/gsl_errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/core_internal.h"

struct gw_ctx {
    gw_alloc_fn alloc;
    void *alloc_ud;
    gw_diag_fn diag;
    void *diag_ud;
    gw_progress_fn progress;
    void *progress_ud;
    int threads;
};

/* The default allocator is the C library's; this file is the one place in
 * src/ allowed to call it. */
static void *default_alloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        free(ptr); /* checksrc:allow */
        return NULL;
    }
    return realloc(ptr, size); /* checksrc:allow */
}

static pthread_once_t gsl_handler_once = PTHREAD_ONCE_INIT;

static void gsl_handler_off(void)
{
    gsl_set_error_handler_off();
}

gw_ctx *gw_ctx_new(gw_alloc_fn alloc, void *alloc_ud)
{
    if (!alloc)
        alloc = default_alloc;
    gw_ctx *ctx = alloc(alloc_ud, NULL, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->alloc = alloc;
    ctx->alloc_ud = alloc_ud;
    ctx->diag = NULL;
    ctx->diag_ud = NULL;
    ctx->progress = NULL;
    ctx->progress_ud = NULL;
    ctx->threads = 0;
    /* GSL's default error handler aborts the process; the library checks
     * every GSL status itself (the one process-wide setting we make). It is
     * a plain global in GSL, so it is written once: contexts made in several
     * threads at once (gigawatt sweep, gigawatt web, the Python binding
     * without the GIL) would otherwise race on it. */
    pthread_once(&gsl_handler_once, gsl_handler_off);
    return ctx;
}

void gw_ctx_free(gw_ctx *ctx)
{
    if (!ctx)
        return;
    ctx->alloc(ctx->alloc_ud, ctx, 0);
}

void gw_ctx_set_diag(gw_ctx *ctx, gw_diag_fn fn, void *ud)
{
    if (!ctx)
        return;
    ctx->diag = fn;
    ctx->diag_ud = ud;
}

void gw_ctx_set_progress(gw_ctx *ctx, gw_progress_fn fn, void *ud)
{
    if (!ctx)
        return;
    ctx->progress = fn;
    ctx->progress_ud = ud;
}

void gw_ctx_set_threads(gw_ctx *ctx, int n_threads)
{
    if (ctx)
        ctx->threads = n_threads < 0 ? 0 : n_threads;
}

int gw_ctx_threads(const gw_ctx *ctx)
{
    return ctx ? ctx->threads : 0;
}

void *gw_malloc(gw_ctx *ctx, size_t n)
{
    if (!ctx)
        return NULL;
    return ctx->alloc(ctx->alloc_ud, NULL, n ? n : 1);
}

void *gw_calloc(gw_ctx *ctx, size_t count, size_t size)
{
    if (!ctx || (size && count > SIZE_MAX / size))
        return NULL;
    size_t n = count * size;
    unsigned char *p = gw_malloc(ctx, n);
    if (p) {
        for (size_t i = 0; i < n; i++)
            p[i] = 0;
    }
    return p;
}

void *gw_realloc(gw_ctx *ctx, void *p, size_t n)
{
    if (!ctx)
        return NULL;
    return ctx->alloc(ctx->alloc_ud, p, n ? n : 1);
}

void gw_free(gw_ctx *ctx, void *p)
{
    if (!ctx || !p)
        return;
    ctx->alloc(ctx->alloc_ud, p, 0);
}

void gw__diag(gw_ctx *ctx, int level, const char *fmt, ...)
{
    if (!ctx || !ctx->diag)
        return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (r < 0)
        return;
    ctx->diag(ctx->diag_ud, level, buf);
}

int gw__progress(gw_ctx *ctx, uint64_t done, uint64_t total)
{
    if (!ctx || !ctx->progress)
        return 0;
    return ctx->progress(ctx->progress_ud, done, total);
}
