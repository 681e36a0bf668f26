/* SPDX-License-Identifier: MIT */
/*
 * arena.c: bump allocation for lifetime groups (a scenario and what was
 * loaded for it, a catalog, a result document), freed all at once.
 * Chunks grow geometrically; a request larger than a chunk gets its own.
 * GW_ARENA_CHUNK can be shrunk at compile time (small-constants test build)
 * to give chunk-boundary bugs a chance to show.
 */
#include <gigawatt/core.h>

#include <stdio.h>
#include <string.h>

#include "core/core_internal.h"

#ifndef GW_ARENA_CHUNK
#define GW_ARENA_CHUNK 16384u
#endif

typedef struct chunk {
    struct chunk *next;
    size_t cap, used;
    /* data follows, 16-byte aligned */
} chunk;

#define CHUNK_HDR ((sizeof(chunk) + 15u) & ~(size_t)15u)

struct gw__arena {
    gw_ctx *ctx;
    chunk *head;
    size_t next_cap;
};

gw__arena *gw__arena_new(gw_ctx *ctx)
{
    gw__arena *a = gw_malloc(ctx, sizeof *a);
    if (!a)
        return NULL;
    a->ctx = ctx;
    a->head = NULL;
    a->next_cap = GW_ARENA_CHUNK;
    return a;
}

void gw__arena_free(gw__arena *a)
{
    if (!a)
        return;
    chunk *c = a->head;
    while (c) {
        chunk *next = c->next;
        gw_free(a->ctx, c);
        c = next;
    }
    gw_free(a->ctx, a);
}

gw_ctx *gw__arena_ctx(const gw__arena *a)
{
    return a ? a->ctx : NULL;
}

void *gw__arena_alloc(gw__arena *a, size_t n)
{
    if (!a)
        return NULL;
    if (n > SIZE_MAX / 2)
        return NULL;
    n = (n + 15u) & ~(size_t)15u;
    if (n == 0)
        n = 16;
    chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = a->next_cap;
        if (cap < n)
            cap = n;
        c = gw_malloc(a->ctx, CHUNK_HDR + cap);
        if (!c)
            return NULL;
        c->cap = cap;
        c->used = 0;
        c->next = a->head;
        a->head = c;
        if (a->next_cap < (1u << 24))
            a->next_cap *= 2;
    }
    unsigned char *p = (unsigned char *)c + CHUNK_HDR + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *gw__arena_strndup(gw__arena *a, const char *s, size_t n)
{
    if (!s) {
        s = "";
        n = 0;
    }
    char *d = gw__arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *gw__arena_strdup(gw__arena *a, const char *s)
{
    return gw__arena_strndup(a, s, s ? strlen(s) : 0);
}

char *gw__arena_printf(gw__arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *d = gw__arena_alloc(a, (size_t)n + 1);
    if (!d)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return d;
}
