/* SPDX-License-Identifier: MIT */
/*
 * loose.c: loosely coupled training across buildings (docs/models/loose.md).
 *
 * DiLoCo (Douillard et al. 2023, arXiv 2311.08105): R replicas, each a
 * synchronous job on its own building's fabric, take H inner optimizer
 * steps alone; then the outer gradients (parameter deltas) are averaged
 * over the inter-building links, a ring all-reduce of P parameters at b
 * bytes each: every replica sends and receives 2 (R - 1) / R x P x b
 * bytes, in 2 (R - 1) latency-bound hops. Blocking DiLoCo stops for it;
 * Streaming DiLoCo (Douillard et al. 2025, arXiv 2501.18512) overlaps it
 * with the next H inner steps, so only the part longer than them shows.
 *
 * Hierarchical data parallelism for comparison: the same replicas as one
 * synchronous job, the gradient reduced inside each building and then
 * across buildings every step (P x grad bytes through the same ring).
 *
 * Quality (docs/models/loose.md Q1-Q3): the published evaluation loss of
 * DiLoCo next to data-parallel training of the same model on the same
 * tokens (data/train.yaml loose_quality: Charles et al. 2025 at H = 30,
 * Streaming DiLoCo at H = 100). The relative penalty L / L_DP - 1 is
 * interpolated piecewise-linearly in log N along each published replica
 * count, then in log M between the two bracketing counts, then in log H
 * between the two bracketing H; table rows come back exactly. Outside the
 * rows (or for an MoE model: the studies train dense ones) no number is
 * extrapolated: the nearest published row is reported instead, flagged.
 */
#include <gigawatt/train.h>

#include <math.h>
#include <string.h>

#include "core/core_internal.h"

/* ---- Quality: the published table (docs/models/loose.md Q1-Q3) --------- */

/* Relative loss penalty of published row i. */
static double row_pen(const gw_train_params *p, size_t i)
{
    return p->loose_pt[i].loss / p->loose_pt[i].dp_loss - 1.0;
}

/* Linear interpolation in log x between (x0, y0) and (x1, y1); x0 == x1
 * (an exact row) gives y0. */
static double lerp_log(double x, double x0, double y0, double x1, double y1)
{
    if (!(x1 > x0))
        return y0;
    return y0 + log(x / x0) / log(x1 / x0) * (y1 - y0);
}

/* Row i's coordinate c: 0 model size, 1 replicas, 2 H. */
static double coord(const gw_train_params *p, size_t i, int c)
{
    return c == 0 ? p->loose_pt[i].params
                  : (c == 1 ? p->loose_pt[i].replicas : p->loose_pt[i].sync_every);
}

/* The published values of coordinate c nearest x from below (*lo) and
 * above (*hi) among rows whose replicas equal m (m <= 0: any) and whose H
 * equals h (h <= 0: any); false when x lies outside them. */
static bool bracket(const gw_train_params *p, int c, double x, double m, double h, double *lo,
                    double *hi)
{
    bool have_lo = false, have_hi = false;
    for (size_t i = 0; i < p->n_loose_pts; i++) {
        if ((m > 0 && p->loose_pt[i].replicas != m) || (h > 0 && p->loose_pt[i].sync_every != h))
            continue;
        double v = coord(p, i, c);
        if (v <= x && (!have_lo || v > *lo)) {
            *lo = v;
            have_lo = true;
        }
        if (v >= x && (!have_hi || v < *hi)) {
            *hi = v;
            have_hi = true;
        }
    }
    return have_lo && have_hi;
}

/* The rows an interpolation used (at most 2 x 2 x 2). */
typedef struct used_rows {
    size_t idx[8];
    size_t n;
} used_rows;

/* The penalty of the row at exactly (N, M, H), noted in *u; false if none. */
static bool row_at(const gw_train_params *p, double n, double m, double h, double *pen,
                   used_rows *u)
{
    for (size_t i = 0; i < p->n_loose_pts; i++) {
        if (p->loose_pt[i].params == n && p->loose_pt[i].replicas == m &&
            p->loose_pt[i].sync_every == h) {
            *pen = row_pen(p, i);
            if (u->n < sizeof u->idx / sizeof u->idx[0])
                u->idx[u->n++] = i;
            return true;
        }
    }
    return false;
}

/* Along the rows of replicas m at H h: interpolated in log N. */
static bool along_n(const gw_train_params *p, double n, double m, double h, double *pen,
                    used_rows *u)
{
    double n0 = 0, n1 = 0, y0 = 0, y1 = 0;
    if (!bracket(p, 0, n, m, h, &n0, &n1) || !row_at(p, n0, m, h, &y0, u) ||
        !row_at(p, n1, m, h, &y1, u))
        return false;
    *pen = lerp_log(n, n0, y0, n1, y1);
    return true;
}

/* At H h: along N for the two published replica counts around m, then
 * in log M between them. */
static bool at_h(const gw_train_params *p, double n, double m, double h, double *pen, used_rows *u)
{
    double m0 = 0, m1 = 0, y0 = 0, y1 = 0;
    if (!bracket(p, 1, m, -1, h, &m0, &m1) || !along_n(p, n, m0, h, &y0, u) ||
        !along_n(p, n, m1, h, &y1, u))
        return false;
    *pen = lerp_log(m, m0, y0, m1, y1);
    return true;
}

/* Inside the published rows: the interpolated penalty; false outside. */
static bool interp(const gw_train_params *p, double n, double m, double h, double *pen,
                   used_rows *u)
{
    double h0 = 0, h1 = 0, y0 = 0, y1 = 0;
    if (!bracket(p, 2, h, -1, -1, &h0, &h1) || !at_h(p, n, m, h0, &y0, u) ||
        !at_h(p, n, m, h1, &y1, u))
        return false;
    *pen = lerp_log(h, h0, y0, h1, y1);
    return true;
}

/* The published row nearest (N, M, H): nearest in replicas first (the
 * penalty grows with them), then in H, then in model size, all in log. */
static size_t nearest_row(const gw_train_params *p, double n, double m, double h)
{
    size_t best = 0;
    double bd[3] = {HUGE_VAL, HUGE_VAL, HUGE_VAL};
    const double want[3] = {m, h, n};
    const int order[3] = {1, 2, 0};
    for (size_t i = 0; i < p->n_loose_pts; i++) {
        double d[3];
        for (int k = 0; k < 3; k++)
            d[k] = fabs(log(coord(p, i, order[k]) / want[k]));
        bool better = false;
        for (int k = 0; k < 3; k++) {
            if (d[k] < bd[k] - 1e-12) {
                better = true;
                break;
            }
            if (d[k] > bd[k] + 1e-12)
                break;
        }
        if (better) {
            best = i;
            memcpy(bd, d, sizeof bd);
        }
    }
    return best;
}

/* "35M", "2.4B", "6.5T" parameters. */
static void fmt_params(double n, char *buf, size_t len)
{
    if (n >= 1e12)
        gw__snprintf(buf, len, "%.3gT", n / 1e12);
    else if (n >= 1e9)
        gw__snprintf(buf, len, "%.3gB", n / 1e9);
    else
        gw__snprintf(buf, len, "%.3gM", n / 1e6);
}

/* Fills the quality fields of out for the setting of in. */
static void quality(const gw_train_params *p, const gw_train_loose_in *in, gw_train_loose *out)
{
    out->in_range = false;
    out->quality_known = false;
    if (p->n_loose_pts == 0) {
        gw__strlcpy(out->why, "no published quality table (data/train.yaml loose_quality)",
                    sizeof out->why);
        return;
    }
    double lo[3], hi[3];
    for (int c = 0; c < 3; c++) {
        lo[c] = hi[c] = coord(p, 0, c);
        for (size_t i = 1; i < p->n_loose_pts; i++) {
            lo[c] = fmin(lo[c], coord(p, i, c));
            hi[c] = fmax(hi[c], coord(p, i, c));
        }
    }
    char a[16], b[16], c[16];
    fmt_params(lo[0], a, sizeof a);
    fmt_params(hi[0], b, sizeof b);
    gw__snprintf(out->covers, sizeof out->covers,
                 "replicas %.0f-%.0f, H %.0f-%.0f, %s-%s "
                 "parameters, dense models; not every combination",
                 lo[1], hi[1], lo[2], hi[2], a, b);
    double n = in->params, m = in->replicas, h = in->sync_every, pen = 0;
    used_rows u = {{0}, 0};
    bool inside = !in->moe && interp(p, n, m, h, &pen, &u);
    if (inside) {
        out->in_range = true;
        out->fig_params = n;
        out->fig_replicas = m;
        out->fig_sync_every = h;
        /* The rows used: their sources, each once. */
        gw__strlcpy(out->fig_ref, "interpolated in ", sizeof out->fig_ref);
        for (size_t k = 0; k < u.n; k++) {
            const char *ref = p->loose_pt[u.idx[k]].ref;
            size_t len = strlen(out->fig_ref);
            if (strstr(out->fig_ref, ref) == NULL)
                gw__snprintf(out->fig_ref + len, sizeof out->fig_ref - len, "%s%s",
                             k > 0 ? "; " : "", ref);
        }
    } else {
        size_t i = nearest_row(p, n, m, h);
        pen = row_pen(p, i);
        out->fig_params = p->loose_pt[i].params;
        out->fig_replicas = p->loose_pt[i].replicas;
        out->fig_sync_every = p->loose_pt[i].sync_every;
        gw__strlcpy(out->fig_ref, p->loose_pt[i].ref, sizeof out->fig_ref);
        fmt_params(n, c, sizeof c);
        /* Every setting outside the published values, in order. */
        char part[4][96];
        size_t np = 0;
        if (m > hi[1] || m < lo[1])
            gw__snprintf(part[np++], sizeof part[0], "%.0f replicas (published %.0f-%.0f)", m,
                         lo[1], hi[1]);
        if (h > hi[2] || h < lo[2])
            gw__snprintf(part[np++], sizeof part[0], "H = %.0f (published %.0f-%.0f)", h, lo[2],
                         hi[2]);
        if (n > hi[0] || n < lo[0])
            gw__snprintf(part[np++], sizeof part[0], "a %s-parameter model (published %s-%s)", c, a,
                         b);
        if (in->moe)
            gw__snprintf(part[np++], sizeof part[0],
                         "a mixture-of-experts model (published: "
                         "dense models)");
        if (np == 0)
            gw__snprintf(part[np++], sizeof part[0],
                         "%.0f replicas at H = %.0f with %s "
                         "parameters (no published rows around it)",
                         m, h, c);
        out->why[0] = '\0';
        for (size_t k = 0; k < np; k++) {
            size_t len = strlen(out->why);
            gw__snprintf(out->why + len, sizeof out->why - len, "%s%s", k > 0 ? ", " : "", part[k]);
        }
    }
    out->quality_known = true;
    out->loss_penalty = pen;
    /* Q3: DP reaches loss L_DP (1 + pen) at N' = N (1 + pen)^(1/alpha); its
     * compute grows as N^k, so the factor is (1 + pen)^(k / alpha). */
    out->compute_factor = pow(1.0 + pen, p->loose_compute_params_exp / p->loose_dp_loss_exp);
}

gw_status gw_train_loose_eval(const gw_train_params *p, const gw_train_loose_in *in,
                              gw_train_loose *out, gw_error *err)
{
    if (!p || !in || !out)
        return gw__err(err, GW_EINVAL, "gw_train_loose_eval: bad argument");
    if (!(in->replicas >= 1) || !(in->sync_every >= 1) || !(in->outer_bytes > 0) ||
        !(in->params > 0) || !(in->inner_step_s > 0) || !(in->link_Bps > 0) || in->latency_s < 0 ||
        in->grad_bytes < 0)
        return gw__err(err, GW_EINVAL,
                       "gw_train_loose_eval: replicas, H, bytes, parameters, "
                       "step time and link bandwidth must be positive");
    memset(out, 0, sizeof *out);
    double R = in->replicas;
    double ring = 2.0 * (R - 1.0) / R;
    double hops = 2.0 * (R - 1.0);
    out->outer_bytes_per_replica = ring * in->params * in->outer_bytes;
    out->outer_sync_s = out->outer_bytes_per_replica / in->link_Bps + hops * in->latency_s;
    double work = in->sync_every * in->inner_step_s;
    out->blocking_frac = out->outer_sync_s / (work + out->outer_sync_s);
    double exposed = out->outer_sync_s > work ? out->outer_sync_s - work : 0.0;
    out->streaming_frac = exposed / (work + exposed);
    out->link_avg_Bps = out->outer_bytes_per_replica / (work + exposed);
    double gb = in->grad_bytes > 0 ? in->grad_bytes : 2.0;
    out->hdp_bytes_per_step = ring * in->params * gb;
    out->hdp_sync_s = out->hdp_bytes_per_step / in->link_Bps + hops * in->latency_s;
    out->hdp_frac = out->hdp_sync_s / (in->inner_step_s + out->hdp_sync_s);
    out->traffic_ratio = out->hdp_bytes_per_step * in->sync_every /
                         (out->outer_bytes_per_replica > 0 ? out->outer_bytes_per_replica : 1);
    quality(p, in, out);
    return GW_OK;
}
