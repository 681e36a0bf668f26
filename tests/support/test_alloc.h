/* SPDX-License-Identifier: MIT */
/*
 * test_alloc.h: a counting allocator for tests that can fail the Nth
 * allocation (curl's torture mode, Lua's memerr.lua, SQLite's malloc tests).
 *
 * Plug it into a context with gw_ctx_new(gw_test_alloc_fn, &ta). Every block
 * carries a small header with its size, so the allocator knows how many
 * blocks and bytes are live: after gw_ctx_free both must be zero, or the
 * library leaked.
 *
 * An "allocation" is a call that asks for memory: a malloc (ptr NULL) or a
 * realloc (ptr and size non-zero). Frees (size 0) never fail and are not
 * counted as allocations.
 */
#ifndef GW_TEST_ALLOC_H
#define GW_TEST_ALLOC_H

#include <stddef.h>

typedef struct gw_test_alloc {
    unsigned long fail_at;  /* fail the allocation with this 1-based index; 0 = never */
    int fail_all_after;     /* non-zero: every allocation from fail_at on fails */
    unsigned long n_allocs; /* allocations attempted since the last reset */
    unsigned long n_failed; /* allocations refused since the last reset */
    long live_blocks;       /* blocks currently allocated (never reset) */
    size_t live_bytes;      /* bytes currently allocated (never reset) */
    size_t peak_bytes;      /* high-water mark of live_bytes */
} gw_test_alloc;

/* Zeroes every field. */
void gw_test_alloc_init(gw_test_alloc *ta);
/* Restarts the allocation count and arms the allocator to fail the
 * fail_at-th allocation from now on (0 = never fail). Live counts are kept. */
void gw_test_alloc_arm(gw_test_alloc *ta, unsigned long fail_at, int fail_all_after);
/* The gw_alloc_fn: realloc semantics, ud is a gw_test_alloc*. */
void *gw_test_alloc_fn(void *ud, void *ptr, size_t size);

#endif /* GW_TEST_ALLOC_H */
