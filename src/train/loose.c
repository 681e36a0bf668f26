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
 * Quality: published studies cover a range of replicas, H and model sizes
 * (data/train.yaml loose_*); outside it the result says so and gives no
 * number. No loss figure is modelled: the repo holds no table of them.
 */
#include <gigawatt/train.h>

#include <math.h>
#include <string.h>

#include "core/core_internal.h"

gw_status gw_train_loose_eval(const gw_train_params *p, const gw_train_loose_in *in,
                              gw_train_loose *out, gw_error *err)
{
    if (!p || !in || !out)
        return gw__err(err, GW_EINVAL, "gw_train_loose_eval: bad argument");
    if (!(in->replicas >= 1) || !(in->sync_every >= 1) || !(in->outer_bytes > 0) ||
        !(in->params > 0) || !(in->inner_step_s > 0) || !(in->link_Bps > 0) ||
        in->latency_s < 0 || in->grad_bytes < 0)
        return gw__err(err, GW_EINVAL, "gw_train_loose_eval: replicas, H, bytes, parameters, "
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
    /* The published range (no extrapolation outside it). */
    out->in_range = true;
    out->why[0] = '\0';
    if (R > p->loose_max_replicas) {
        out->in_range = false;
        gw__snprintf(out->why, sizeof out->why, "%.0f replicas, above the %.0f published studies "
                     "cover", R, p->loose_max_replicas);
    } else if (in->params > p->loose_max_params) {
        out->in_range = false;
        gw__snprintf(out->why, sizeof out->why, "a %.3g-parameter model, above the %.3g the "
                     "published studies cover", in->params, p->loose_max_params);
    } else if (in->sync_every < p->loose_min_h || in->sync_every > p->loose_max_h) {
        out->in_range = false;
        gw__snprintf(out->why, sizeof out->why, "H = %.0f inner steps, outside the published "
                     "%.0f-%.0f", in->sync_every, p->loose_min_h, p->loose_max_h);
    }
    return GW_OK;
}
