/* SPDX-License-Identifier: MIT */
/*
 * test_alloc.c: the fail-Nth counting allocator of test_alloc.h. Blocks are
 * prefixed with a 16-byte header holding the requested size, which keeps
 * the payload 16-byte aligned like malloc's and lets frees update the live
 * byte count.
 */
#include "test_alloc.h"

#include <stdlib.h>
#include <string.h>

#define HDR 16u

void gw_test_alloc_init(gw_test_alloc *ta)
{
    memset(ta, 0, sizeof *ta);
}

void gw_test_alloc_arm(gw_test_alloc *ta, unsigned long fail_at, int fail_all_after)
{
    ta->fail_at = fail_at;
    ta->fail_all_after = fail_all_after;
    ta->n_allocs = 0;
    ta->n_failed = 0;
}

static int should_fail(gw_test_alloc *ta)
{
    ta->n_allocs++;
    if (ta->fail_at == 0)
        return 0;
    if (ta->n_allocs == ta->fail_at || (ta->fail_all_after && ta->n_allocs > ta->fail_at)) {
        ta->n_failed++;
        return 1;
    }
    return 0;
}

void *gw_test_alloc_fn(void *ud, void *ptr, size_t size)
{
    gw_test_alloc *ta = ud;
    unsigned char *blk = ptr ? (unsigned char *)ptr - HDR : NULL;
    size_t old = 0;
    if (blk)
        memcpy(&old, blk, sizeof old);
    if (size == 0) { /* free */
        if (blk) {
            ta->live_blocks--;
            ta->live_bytes -= old;
            free(blk);
        }
        return NULL;
    }
    if (size > (size_t)-1 - HDR || should_fail(ta))
        return NULL; /* the old block (if any) stays valid, as with realloc */
    unsigned char *nb = realloc(blk, HDR + size);
    if (!nb)
        return NULL;
    memcpy(nb, &size, sizeof size);
    if (!blk)
        ta->live_blocks++;
    ta->live_bytes = ta->live_bytes - old + size;
    if (ta->live_bytes > ta->peak_bytes)
        ta->peak_bytes = ta->live_bytes;
    return nb + HDR;
}
