/* SPDX-License-Identifier: MIT */
/*
 * solve.c: max-min fair bandwidth sharing with event-driven completion,
 * and the quotient that makes it cheap at scale.
 *
 * Rates (progressive filling, Bertsekas & Gallager, Data Networks, 6.5.2):
 * every unfrozen flow's rate grows at the same pace; a link saturates when
 * its load sum_f w_fl r_f reaches its capacity, and the flows through it
 * freeze. In bottleneck order: the link with the smallest fair level
 * (remaining capacity / unfrozen weight) saturates first; levels never fall
 * as flows freeze, so a lazy min-heap of levels is exact. Events: a flow
 * becomes active at its release (its op's previous phase done, or the op's
 * start) plus its route latency; rates are recomputed at every activation
 * and completion; a flow completes when its bytes are sent.
 *
 * Quotient (the symmetry argument, docs/models/net.md): colour flows by
 * (bytes, latency, start, op, phase) and links by capacity, then refine --
 * a flow's new colour is its colour plus the multiset of its links'
 * colours, a link's its colour plus the multiset of its flows' colours --
 * until the number of colours stops growing. The result is an equitable
 * partition: every link of class L carries the same number of flows of
 * class F, and every flow of F crosses the same number of links of L.
 * Progressive filling treats flows of one class identically at every step
 * (they see identical links), so the max-min rates and completion times
 * are constant on classes and one variable per class is exact, with the
 * load of class F on one link of L = r_F x |F| x hops(F, L) / |L|.
 * Multisets are hashed (64-bit, order-independent sums of mixed values); a
 * collision would merge two classes, which the expanded-versus-collapsed
 * tests would catch.
 */
#include "net_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_internal.h"

#define GROW(ctx, ptr, n)                                          \
    do {                                                           \
        void *np_ = gw_realloc((ctx), (ptr), (n) * sizeof *(ptr)); \
        if (!np_)                                                  \
            return GW_ENOMEM;                                      \
        (ptr) = np_;                                               \
    } while (0)

static gw_status grow_flows(gw_ctx *ctx, gw__netp *p, size_t nf)
{
    GROW(ctx, p->bytes, nf);
    GROW(ctx, p->lat, nf);
    GROW(ctx, p->mult_f, nf);
    GROW(ctx, p->start, nf);
    GROW(ctx, p->op, nf);
    GROW(ctx, p->phase, nf);
    GROW(ctx, p->off, nf + 1);
    GROW(ctx, p->done, nf);
    p->cap_f = nf;
    return GW_OK;
}

static gw_status grow_inc(gw_ctx *ctx, gw__netp *p, size_t ni)
{
    GROW(ctx, p->lk, ni);
    GROW(ctx, p->w, ni);
    p->cap_i = ni;
    return GW_OK;
}

gw_status gw__netp_init(gw_ctx *ctx, gw__netp *p, size_t nl, size_t nf_hint, size_t ni_hint)
{
    memset(p, 0, sizeof *p);
    p->nl = nl;
    p->cap = gw_calloc(ctx, nl ? nl : 1, sizeof *p->cap);
    p->mult_l = gw_calloc(ctx, nl ? nl : 1, sizeof *p->mult_l);
    p->kind_l = gw_calloc(ctx, nl ? nl : 1, sizeof *p->kind_l);
    p->carried = gw_calloc(ctx, nl ? nl : 1, sizeof *p->carried);
    if (!p->cap || !p->mult_l || !p->kind_l || !p->carried)
        return GW_ENOMEM;
    if (grow_flows(ctx, p, nf_hint ? nf_hint : 16) != GW_OK ||
        grow_inc(ctx, p, ni_hint ? ni_hint : 64) != GW_OK)
        return GW_ENOMEM;
    p->off[0] = 0;
    return GW_OK;
}

void gw__netp_free(gw_ctx *ctx, gw__netp *p)
{
    if (!p)
        return;
    gw_free(ctx, p->cap);
    gw_free(ctx, p->mult_l);
    gw_free(ctx, p->kind_l);
    gw_free(ctx, p->carried);
    gw_free(ctx, p->bytes);
    gw_free(ctx, p->lat);
    gw_free(ctx, p->mult_f);
    gw_free(ctx, p->start);
    gw_free(ctx, p->op);
    gw_free(ctx, p->phase);
    gw_free(ctx, p->off);
    gw_free(ctx, p->done);
    gw_free(ctx, p->lk);
    gw_free(ctx, p->w);
    memset(p, 0, sizeof *p);
}

gw_status gw__netp_add(gw_ctx *ctx, gw__netp *p, double bytes, double lat, double start, int op,
                       int phase, const uint32_t *route, int n, double mult)
{
    if (p->nf + 1 >= p->cap_f && grow_flows(ctx, p, p->cap_f * 2 + 16) != GW_OK)
        return GW_ENOMEM;
    if (p->ni + (size_t)n > p->cap_i && grow_inc(ctx, p, (p->ni + (size_t)n) * 2) != GW_OK)
        return GW_ENOMEM;
    size_t f = p->nf++;
    p->bytes[f] = bytes;
    p->lat[f] = lat;
    p->start[f] = start;
    p->mult_f[f] = mult;
    p->op[f] = (uint16_t)op;
    p->phase[f] = (uint16_t)phase;
    /* A link standing for mult_l links (an orbit, a class) takes its share
     * of the flows' load (mult_l is 1 in an expanded problem). */
    for (int i = 0; i < n; i++) {
        p->lk[p->ni] = route[i];
        p->w[p->ni] = mult / p->mult_l[route[i]];
        p->ni++;
    }
    p->off[f + 1] = p->ni;
    return GW_OK;
}

/* ---- Solver ------------------------------------------------------------------ */

typedef struct heap_item {
    double key;
    uint32_t l;
} heap_item;

static void heap_push(heap_item *h, size_t *n, double key, uint32_t l)
{
    size_t i = (*n)++;
    h[i].key = key;
    h[i].l = l;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (h[up].key <= h[i].key)
            break;
        heap_item tmp = h[up];
        h[up] = h[i];
        h[i] = tmp;
        i = up;
    }
}

static heap_item heap_pop(heap_item *h, size_t *n)
{
    heap_item top = h[0];
    h[0] = h[--(*n)];
    size_t i = 0;
    for (;;) {
        size_t a = 2 * i + 1, b = a + 1, m = i;
        if (a < *n && h[a].key < h[m].key)
            m = a;
        if (b < *n && h[b].key < h[m].key)
            m = b;
        if (m == i)
            break;
        heap_item tmp = h[m];
        h[m] = h[i];
        h[i] = tmp;
        i = m;
    }
    return top;
}

static void sift_down(heap_item *h, size_t n, size_t i)
{
    for (;;) {
        size_t a = 2 * i + 1, b = a + 1, m = i;
        if (a < n && h[a].key < h[m].key)
            m = a;
        if (b < n && h[b].key < h[m].key)
            m = b;
        if (m == i)
            break;
        heap_item tmp = h[m];
        h[m] = h[i];
        h[i] = tmp;
        i = m;
    }
}

typedef struct solver {
    gw__netp *p;
    size_t *loff;    /* link -> incidences (transpose) */
    uint32_t *lflow; /* flow of each transposed incidence */
    double *lw;
    double *rem_cap, *sumw, *rate, *left;
    uint8_t *state; /* 0 waiting, 1 active, 2 done */
    uint8_t *frozen;
    heap_item *heap;
    double *release; /* per flow: activation time (INFINITY until released) */
    uint32_t *act;   /* the active flows (state 1), n_act of them */
    size_t n_act;
    uint32_t *wait; /* the waiting flows (state 0), n_wait of them */
    size_t n_wait;
    uint32_t *used; /* links the active flows cross, n_used of them */
    size_t n_used;
    uint8_t *lmark;
} solver;

/* Max-min rates of the active flows (state 1). Only the links they cross
 * are touched, and the heap of their fair levels is built in linear time
 * (the solver's cost at a million GPUs is this function, once per
 * event). */
static void fill_rates(solver *s)
{
    gw__netp *p = s->p;
    for (size_t k = 0; k < s->n_used; k++)
        s->lmark[s->used[k]] = 0;
    s->n_used = 0;
    for (size_t k = 0; k < s->n_act; k++) {
        uint32_t f = s->act[k];
        s->frozen[f] = 0;
        s->rate[f] = 0.0;
        for (size_t i = p->off[f]; i < p->off[f + 1]; i++) {
            uint32_t l = p->lk[i];
            if (!s->lmark[l]) {
                s->lmark[l] = 1;
                s->used[s->n_used++] = l;
                s->rem_cap[l] = p->cap[l];
                s->sumw[l] = 0.0;
            }
            s->sumw[l] += p->w[i];
        }
    }
    size_t hn = 0;
    for (size_t k = 0; k < s->n_used; k++) {
        uint32_t l = s->used[k];
        if (s->sumw[l] > 0.0) {
            s->heap[hn].key = s->rem_cap[l] / s->sumw[l];
            s->heap[hn++].l = l;
        }
    }
    for (size_t i = hn / 2; i-- > 0;)
        sift_down(s->heap, hn, i);
    while (hn > 0) {
        heap_item it = heap_pop(s->heap, &hn);
        uint32_t l = it.l;
        if (s->sumw[l] <= 1e-12)
            continue;
        double lvl = s->rem_cap[l] / s->sumw[l];
        if (lvl < 0.0)
            lvl = 0.0;
        if (lvl > it.key * (1.0 + 1e-12) + 1e-300) {
            heap_push(s->heap, &hn, lvl, l); /* stale: its level rose */
            continue;
        }
        for (size_t j = s->loff[l]; j < s->loff[l + 1]; j++) {
            uint32_t f = s->lflow[j];
            if (s->frozen[f] || s->state[f] != 1)
                continue;
            s->frozen[f] = 1;
            s->rate[f] = lvl;
            for (size_t i = p->off[f]; i < p->off[f + 1]; i++) {
                uint32_t l2 = p->lk[i];
                s->rem_cap[l2] -= p->w[i] * lvl;
                s->sumw[l2] -= p->w[i];
            }
        }
        s->sumw[l] = 0.0;
    }
}

gw_status gw__netp_solve(gw_ctx *ctx, gw__netp *p, gw_error *err)
{
    (void)err;
    gw_status rc = GW_ENOMEM;
    solver s;
    memset(&s, 0, sizeof s);
    s.p = p;
    size_t nl = p->nl, nf = p->nf;
    s.loff = gw_calloc(ctx, nl + 1, sizeof *s.loff);
    s.lflow = gw_malloc(ctx, (p->ni ? p->ni : 1) * sizeof *s.lflow);
    s.rem_cap = gw_malloc(ctx, (nl ? nl : 1) * sizeof(double));
    s.sumw = gw_malloc(ctx, (nl ? nl : 1) * sizeof(double));
    s.heap = gw_malloc(ctx, (2 * nl + 1) * sizeof *s.heap);
    s.rate = gw_malloc(ctx, (nf ? nf : 1) * sizeof(double));
    s.left = gw_malloc(ctx, (nf ? nf : 1) * sizeof(double));
    s.release = gw_malloc(ctx, (nf ? nf : 1) * sizeof(double));
    s.state = gw_calloc(ctx, nf ? nf : 1, 1);
    s.frozen = gw_calloc(ctx, nf ? nf : 1, 1);
    s.act = gw_malloc(ctx, (nf ? nf : 1) * sizeof *s.act);
    s.wait = gw_malloc(ctx, (nf ? nf : 1) * sizeof *s.wait);
    s.used = gw_malloc(ctx, (nl ? nl : 1) * sizeof *s.used);
    s.lmark = gw_calloc(ctx, nl ? nl : 1, 1);
    if (!s.loff || !s.lflow || !s.rem_cap || !s.sumw || !s.heap || !s.rate || !s.left ||
        !s.release || !s.state || !s.frozen || !s.act || !s.wait || !s.used || !s.lmark)
        goto out;
    for (size_t i = 0; i < p->ni; i++)
        s.loff[p->lk[i] + 1]++;
    for (size_t l = 0; l < nl; l++)
        s.loff[l + 1] += s.loff[l];
    {
        size_t *pos = gw_malloc(ctx, (nl ? nl : 1) * sizeof *pos);
        if (!pos)
            goto out;
        memcpy(pos, s.loff, nl * sizeof *pos);
        for (size_t f = 0; f < nf; f++)
            for (size_t i = p->off[f]; i < p->off[f + 1]; i++)
                s.lflow[pos[p->lk[i]]++] = (uint32_t)f;
        gw_free(ctx, pos);
    }
    memset(p->carried, 0, nl * sizeof *p->carried);

    /* Phases: per op, the flows left in each; cur[o] is the op's running
     * phase, the lowest with flows left. */
    int max_op = 0, max_ph = 0;
    for (size_t f = 0; f < nf; f++) {
        if (p->op[f] > max_op)
            max_op = p->op[f];
        if (p->phase[f] > max_ph)
            max_ph = p->phase[f];
    }
    size_t nph = (size_t)(max_op + 1) * (size_t)(max_ph + 1);
    double *pending = gw_calloc(ctx, nph, sizeof *pending);
    int *cur = gw_calloc(ctx, (size_t)(max_op + 1), sizeof *cur);
    uint8_t *advanced = gw_calloc(ctx, (size_t)(max_op + 1), 1);
    if (!pending || !cur || !advanced) {
        gw_free(ctx, pending);
        gw_free(ctx, cur);
        gw_free(ctx, advanced);
        goto out;
    }
#define PH(o, ph) ((size_t)(o) * (size_t)(max_ph + 1) + (size_t)(ph))
    for (size_t f = 0; f < nf; f++)
        pending[PH(p->op[f], p->phase[f])] += 1.0;
    for (int o = 0; o <= max_op; o++)
        while (cur[o] < max_ph && pending[PH(o, cur[o])] <= 0.0)
            cur[o]++;
    for (size_t f = 0; f < nf; f++) {
        s.left[f] = p->bytes[f];
        p->done[f] = (double)NAN;
        s.release[f] = p->phase[f] == cur[p->op[f]] ? p->start[f] + p->lat[f] : (double)INFINITY;
        s.wait[s.n_wait++] = (uint32_t)f;
    }

    /* Events. The active and waiting lists keep flow order, so that sums
     * over them run in the order of a scan of all flows. */
    double now = 0.0;
    size_t n_done = 0;
    size_t guard = 0;
    while (n_done < nf) {
        if (++guard > 4 * nf + 64) {
            rc = gw__err(err, GW_EINTERNAL, "network solver did not converge");
            goto out2;
        }
        double next_act = (double)INFINITY;
        size_t nw = 0;
        bool any_act = false;
        for (size_t k = 0; k < s.n_wait; k++) {
            uint32_t f = s.wait[k];
            if (s.release[f] <= now * (1.0 + 1e-15) + 1e-18) {
                s.state[f] = 1;
                any_act = true;
                continue;
            }
            if (s.release[f] < next_act)
                next_act = s.release[f];
            s.wait[nw++] = f;
        }
        s.n_wait = nw;
        if (any_act) {
            s.n_act = 0;
            for (size_t f = 0; f < nf; f++)
                if (s.state[f] == 1)
                    s.act[s.n_act++] = (uint32_t)f;
        }
        fill_rates(&s);
        double dt = next_act - now;
        for (size_t k = 0; k < s.n_act; k++) {
            uint32_t f = s.act[k];
            if (s.left[f] <= 0.0)
                dt = 0.0;
            else if (s.rate[f] > 0.0 && s.left[f] / s.rate[f] < dt)
                dt = s.left[f] / s.rate[f];
        }
        if (!isfinite(dt)) {
            rc = gw__err(err, GW_EINTERNAL, "network solver: flows with no rate and no event");
            goto out2;
        }
        if (dt < 0.0)
            dt = 0.0;
        now += dt;
        bool any_adv = false;
        size_t na = 0;
        for (size_t k = 0; k < s.n_act; k++) {
            uint32_t f = s.act[k];
            double sent = s.rate[f] * dt;
            if (sent > s.left[f])
                sent = s.left[f];
            s.left[f] -= sent;
            for (size_t i = p->off[f]; i < p->off[f + 1]; i++)
                p->carried[p->lk[i]] += sent * p->w[i];
            if (s.left[f] > 1e-9 * p->bytes[f] + 1e-12) {
                s.act[na++] = f;
                continue;
            }
            s.left[f] = 0.0;
            s.state[f] = 2;
            p->done[f] = now;
            n_done++;
            int o = p->op[f];
            if ((pending[PH(o, p->phase[f])] -= 1.0) <= 0.0 && p->phase[f] == cur[o]) {
                while (cur[o] < max_ph && pending[PH(o, cur[o])] <= 0.0)
                    cur[o]++;
                advanced[o] = 1;
                any_adv = true;
            }
        }
        s.n_act = na;
        if (any_adv) {
            for (size_t k = 0; k < s.n_wait; k++) {
                uint32_t f = s.wait[k];
                int o = p->op[f];
                if (advanced[o] && p->phase[f] == cur[o] && !isfinite(s.release[f]))
                    s.release[f] = fmax(now, p->start[f]) + p->lat[f];
            }
            memset(advanced, 0, (size_t)(max_op + 1));
        }
    }
    rc = GW_OK;
#undef PH
out2:
    gw_free(ctx, pending);
    gw_free(ctx, cur);
    gw_free(ctx, advanced);
out:
    gw_free(ctx, s.loff);
    gw_free(ctx, s.lflow);
    gw_free(ctx, s.rem_cap);
    gw_free(ctx, s.sumw);
    gw_free(ctx, s.heap);
    gw_free(ctx, s.rate);
    gw_free(ctx, s.left);
    gw_free(ctx, s.release);
    gw_free(ctx, s.state);
    gw_free(ctx, s.frozen);
    gw_free(ctx, s.act);
    gw_free(ctx, s.wait);
    gw_free(ctx, s.used);
    gw_free(ctx, s.lmark);
    return rc;
}

/* ---- Quotient by colour refinement ---------------------------------------------- */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static uint64_t hash_double(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return mix64(u + 0x9e3779b97f4a7c15ULL);
}

/* Open-addressing map from 64-bit colours to dense class ids. A slot
 * holds its key, id and stamp together: one cache line per probe (the
 * refinement's cost at a million GPUs is these probes). */
typedef struct cslot {
    uint64_t key;
    uint32_t val;
    uint32_t stamp; /* in use when it is the map's gen */
} cslot;

typedef struct cmap {
    cslot *slot;
    uint32_t gen;
    size_t cap, n;
} cmap;

static gw_status cmap_init(gw_ctx *ctx, cmap *m, size_t n)
{
    m->cap = 16;
    while (m->cap < 2 * n + 16)
        m->cap <<= 1;
    m->slot = gw_calloc(ctx, m->cap, sizeof *m->slot);
    m->n = 0;
    m->gen = 1;
    return m->slot ? GW_OK : GW_ENOMEM;
}

static uint32_t cmap_get(cmap *m, uint64_t k)
{
    /* Colours are mix64 outputs already: their low bits are uniform. */
    size_t i = (size_t)k & (m->cap - 1);
    while (m->slot[i].stamp == m->gen) {
        if (m->slot[i].key == k)
            return m->slot[i].val;
        i = (i + 1) & (m->cap - 1);
    }
    m->slot[i].stamp = m->gen;
    m->slot[i].key = k;
    m->slot[i].val = (uint32_t)m->n++;
    return m->slot[i].val;
}

static void cmap_free(gw_ctx *ctx, cmap *m)
{
    gw_free(ctx, m->slot);
}

/* Renumbers colours to dense ids with the map m (sized for n); returns
 * the number of classes. */
static void densify(cmap *m, const uint64_t *col, size_t n, uint32_t *id, size_t *ncls)
{
    if (++m->gen == 0) { /* wrapped: clear the stamps once */
        for (size_t i = 0; i < m->cap; i++)
            m->slot[i].stamp = 0;
        m->gen = 1;
    }
    m->n = 0;
    for (size_t i = 0; i < n; i++)
        id[i] = cmap_get(m, col[i]);
    *ncls = m->n;
}

gw_status gw__netp_quotient(gw_ctx *ctx, const gw__netp *e, gw__netp *q, uint32_t **flow_class,
                            gw_error *err)
{
    (void)err;
    gw_status rc = GW_ENOMEM;
    size_t nl = e->nl, nf = e->nf;
    uint64_t *cl = gw_malloc(ctx, (nl ? nl : 1) * sizeof *cl);
    uint64_t *cf = gw_malloc(ctx, (nf ? nf : 1) * sizeof *cf);
    uint64_t *acc = gw_malloc(ctx, (nl ? nl : 1) * sizeof *acc);
    uint32_t *idl = gw_malloc(ctx, (nl ? nl : 1) * sizeof *idl);
    uint32_t *idf = gw_malloc(ctx, (nf ? nf : 1) * sizeof *idf);
    uint32_t *rep_l = NULL, *rep_f = NULL, *lcls = NULL;
    double *cnt_l = NULL, *cnt_f = NULL;
    memset(q, 0, sizeof *q);
    if (!cl || !cf || !acc || !idl || !idf)
        goto out;
    for (size_t l = 0; l < nl; l++)
        cl[l] = mix64(hash_double(e->cap[l]) ^ mix64(e->kind_l[l] + 7u) ^
                      (hash_double(e->mult_l[l]) * 3u));
    for (size_t f = 0; f < nf; f++)
        cf[f] = mix64(hash_double(e->bytes[f]) ^ (hash_double(e->lat[f]) * 3u) ^
                      (hash_double(e->start[f]) * 5u) ^ (hash_double(e->mult_f[f]) * 7u) ^
                      mix64((uint64_t)e->op[f] << 16 | e->phase[f]));
    size_t ncl = 0, ncf = 0;
    cmap mf, ml;
    memset(&mf, 0, sizeof mf);
    memset(&ml, 0, sizeof ml);
    if (cmap_init(ctx, &mf, nf) != GW_OK || cmap_init(ctx, &ml, nl) != GW_OK) {
        cmap_free(ctx, &mf);
        cmap_free(ctx, &ml);
        goto out;
    }
    densify(&ml, cl, nl, idl, &ncl);
    densify(&mf, cf, nf, idf, &ncf);
    for (int round = 0; round < 64; round++) {
        /* Flows: own colour + multiset of link colours (each link's term
         * mixed once, in cl, which the links' step below rewrites). */
        for (size_t l = 0; l < nl; l++)
            cl[l] = mix64((uint64_t)idl[l] * 0x100000001b3ULL + 1);
        for (size_t f = 0; f < nf; f++) {
            uint64_t h = 0;
            for (size_t i = e->off[f]; i < e->off[f + 1]; i++)
                h += cl[e->lk[i]];
            cf[f] = mix64(((uint64_t)idf[f] << 32) ^ h);
        }
        size_t ncf2 = 0;
        densify(&mf, cf, nf, idf, &ncf2);
        /* Links: own colour + multiset of flow colours. */
        for (size_t l = 0; l < nl; l++)
            acc[l] = 0;
        for (size_t f = 0; f < nf; f++) {
            uint64_t v = mix64((uint64_t)idf[f] * 0x9e3779b97f4a7c15ULL + 3);
            for (size_t i = e->off[f]; i < e->off[f + 1]; i++)
                acc[e->lk[i]] += v;
        }
        for (size_t l = 0; l < nl; l++)
            cl[l] = mix64(((uint64_t)idl[l] << 32) ^ acc[l]);
        size_t ncl2 = 0;
        densify(&ml, cl, nl, idl, &ncl2);
        bool stable = ncf2 == ncf && ncl2 == ncl;
        ncf = ncf2;
        ncl = ncl2;
        if (stable)
            break;
    }
    cmap_free(ctx, &mf);
    cmap_free(ctx, &ml);
    /* The quotient problem. */
    rep_l = gw_malloc(ctx, (ncl ? ncl : 1) * sizeof *rep_l);
    rep_f = gw_malloc(ctx, (ncf ? ncf : 1) * sizeof *rep_f);
    cnt_l = gw_calloc(ctx, ncl ? ncl : 1, sizeof *cnt_l);
    cnt_f = gw_calloc(ctx, ncf ? ncf : 1, sizeof *cnt_f);
    if (!rep_l || !rep_f || !cnt_l || !cnt_f)
        goto out;
    for (size_t l = nl; l-- > 0;) {
        rep_l[idl[l]] = (uint32_t)l;
        cnt_l[idl[l]] += e->mult_l[l]; /* a link of e may stand for an orbit */
    }
    for (size_t f = nf; f-- > 0;) {
        rep_f[idf[f]] = (uint32_t)f;
        cnt_f[idf[f]] += 1.0;
    }
    /* Classes of links that stand for none (mult_l 0: a mirror image in a
     * symmetric view, which no flow crosses) are left out; lcls renumbers
     * the others in order. */
    lcls = gw_malloc(ctx, (ncl ? ncl : 1) * sizeof *lcls);
    if (!lcls)
        goto out;
    size_t nql = 0;
    for (size_t c = 0; c < ncl; c++) {
        lcls[c] = (uint32_t)nql;
        if (cnt_l[c] > 0.0)
            rep_l[nql++] = rep_l[c];
    }
    if (gw__netp_init(ctx, q, nql, ncf + 1, 8 * ncf + 8) != GW_OK)
        goto out;
    for (size_t c = 0; c < nql; c++) {
        q->cap[c] = e->cap[rep_l[c]];
        q->mult_l[c] = 0.0;
        q->kind_l[c] = e->kind_l[rep_l[c]];
    }
    for (size_t c = 0; c < ncl; c++)
        if (cnt_l[c] > 0.0)
            q->mult_l[lcls[c]] = cnt_l[c];
    for (size_t c = 0; c < ncf; c++) {
        size_t f = rep_f[c];
        uint32_t route[64];
        double hops[64];
        int nr = 0;
        for (size_t i = e->off[f]; i < e->off[f + 1]; i++) {
            uint32_t lc = lcls[idl[e->lk[i]]];
            int j = 0;
            while (j < nr && route[j] != lc)
                j++;
            if (j == nr) {
                if (nr == 64)
                    goto out;
                route[nr] = lc;
                hops[nr++] = 0.0;
            }
            hops[j] += 1.0;
        }
        if (gw__netp_add(ctx, q, e->bytes[f], e->lat[f], e->start[f], e->op[f], e->phase[f], route,
                         nr, 1.0) != GW_OK)
            goto out;
        /* A class of cnt expanded flows, each a bundle of mult_f. */
        double flows = cnt_f[c] * e->mult_f[f];
        q->mult_f[c] = flows;
        for (int j = 0; j < nr; j++)
            q->w[q->off[c] + (size_t)j] = flows * hops[j] / q->mult_l[route[j]];
    }
    if (flow_class) {
        *flow_class = idf;
        idf = NULL;
    }
    rc = GW_OK;
out:
    if (rc != GW_OK)
        gw__netp_free(ctx, q);
    gw_free(ctx, cl);
    gw_free(ctx, cf);
    gw_free(ctx, acc);
    gw_free(ctx, idl);
    gw_free(ctx, idf);
    gw_free(ctx, rep_l);
    gw_free(ctx, rep_f);
    gw_free(ctx, lcls);
    gw_free(ctx, cnt_l);
    gw_free(ctx, cnt_f);
    return rc;
}
