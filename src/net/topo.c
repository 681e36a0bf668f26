/* SPDX-License-Identifier: MIT */
/*
 * topo.c: the fabric of the flow model and its routes.
 *
 * Structure (docs/models/net.md):
 *   - scale-up: each NVLink domain is a non-blocking switch; every GPU has
 *     one link out and one link in of the NVLink bandwidth;
 *   - scale-out, per plane: a rail-optimised folded Clos of radix k (the
 *     site's bill of materials, gw_site_netbom). A tier-t switch has d_t
 *     ports down and k - d_t up, d_t = floor(k o_t / (1 + o_t)) for the
 *     tier's oversubscription o_t (d_t = k/2 non-blocking); the top tier has
 *     all k down. A leaf serves one rail (local GPU index) of a scalable
 *     unit of d_0 nodes; a tier-t sub-tree (t >= 1) a contiguous range of
 *     scalable units;
 *   - planes: identical fabrics; a GPU's NIC ports are spread over them and
 *     NCCL spreads a transfer over all its NICs, so a flow is split evenly.
 *     Because the planes are identical the split flows get identical rates
 *     (the symmetry argument of solve.c), and one aggregated plane whose
 *     links carry planes_up times a plane's capacity gives the same times;
 *   - sub-tree uplinks are aggregated into one pipe per direction (fluid
 *     ECMP: adaptive routing / packet spraying spreads a sub-tree's traffic
 *     over all its uplinks; static hashing collisions are not modelled);
 *   - buildings: each holds an equal share of the job on a fat tree of its
 *     own, joined by a campus link of building_Bps per direction each way.
 */
#include "net_internal.h"

#include <math.h>
#include <string.h>

#include "core/core_internal.h"

/* A range error at a scenario key. */
#define bad(err, where, ...) \
    (gw__err((err), GW_ERANGE, __VA_ARGS__), gw__err_loc((err), NULL, 0, 0, (where)), GW_ERANGE)

/* Ports down of a tier's switches for an oversubscription o (netbom.c). */
static int down_ports(int k, double o)
{
    int d = (int)floor((double)k * o / (1.0 + o));
    if (d < k / 2)
        d = k / 2;
    if (d >= k)
        d = k - 1;
    return d;
}

static gw_status check_failures(const gw_net_topo *t, gw_error *err);

gw_status gw_net_topo_build(const gw_net_fabric *f, gw_net_topo *out, gw_error *err)
{
    if (!f || !out)
        return gw__err(err, GW_EINVAL, "gw_net_topo_build: NULL argument");
    memset(out, 0, sizeof *out);
    if (!(f->gpus >= 1.0) || !isfinite(f->gpus) || f->gpus > 1e8)
        return bad(err, "cluster.gpus", "expected 1 to 1e8 GPUs, got %g", f->gpus);
    if (f->gpus_per_node < 1)
        return bad(err, "gpus_per_node", "expected at least one GPU per node, got %g",
                   (double)f->gpus_per_node);
    if (f->scaleup_domain < 1 ||
        (f->scaleup_domain > 1 && f->scaleup_domain % f->gpus_per_node != 0))
        return bad(err, "scaleup_domain",
                   "the NVLink domain (%g GPUs) must be 1 or a whole number of nodes",
                   (double)f->scaleup_domain);
    if (f->scaleup_domain > 1 && !(f->scaleup_Bps > 0.0))
        return bad(err, "scaleup_bandwidth", "NVLink bandwidth must be positive, got %g",
                   f->scaleup_Bps);
    if (!(f->nic_Bps > 0.0))
        return bad(err, "cluster.nic", "NIC bandwidth must be positive, got %g", f->nic_Bps);
    if (f->nics_per_gpu < 1)
        return bad(err, "nics_per_gpu", "expected at least one NIC port per GPU, got %g",
                   (double)f->nics_per_gpu);
    if (f->radix < 4 || f->radix % 2 != 0)
        return bad(err, "cluster.switch", "switch radix must be an even number >= 4, got %g",
                   (double)f->radix);
    if (f->planes < 1)
        return bad(err, "cluster.planes", "expected at least one plane, got %g", (double)f->planes);
    if (f->planes_down < 0 || f->planes_down >= f->planes)
        return bad(err, "network.planes_down",
                   "failed planes must be fewer than the planes, got %g", (double)f->planes_down);
    if (f->nics_per_gpu % f->planes != 0 && f->planes % f->nics_per_gpu != 0)
        return bad(err, "cluster.planes",
                   "the NIC ports of a GPU must spread evenly over the planes (%g planes)",
                   (double)f->planes);
    for (int t = 0; t < GW_NET_MAX_TIERS; t++) {
        static const char *const ow[GW_NET_MAX_TIERS] = {
            "cluster.oversubscription", "network.spine_oversubscription",
            "network.core_oversubscription", "network.core_oversubscription"};
        static const char *const fw[GW_NET_MAX_TIERS] = {
            "network.leaf_links_down", "network.spine_links_down", "network.core_links_down",
            "network.core_links_down"};
        if (!(f->oversub[t] >= 1.0) || !isfinite(f->oversub[t]))
            return bad(err, ow[t], "oversubscription must be >= 1, got %g", f->oversub[t]);
        if (!(f->down_frac[t] >= 0.0 && f->down_frac[t] < 1.0))
            return bad(err, fw[t], "the fraction of links down must be in [0, 1), got %g",
                       f->down_frac[t]);
    }
    if (f->buildings < 1)
        return bad(err, "network.buildings", "expected at least one building, got %g",
                   (double)f->buildings);
    if (f->buildings > 1 && !(f->building_Bps > 0.0))
        return bad(err, "network.buildings",
                   "inter-building bandwidth must be positive with %g buildings",
                   (double)f->buildings);
    int sites = f->sites > 0 ? f->sites : 1;
    if (sites > 1 && f->buildings % sites != 0)
        return bad(err, "network.sites",
                   "the %g buildings must split evenly over the sites (network.buildings a "
                   "multiple of network.sites)",
                   (double)f->buildings);
    if (sites > 1 && !(f->site_Bps > 0.0))
        return bad(err, "network.sites",
                   "a WAN bandwidth (network.site_link_bandwidth) must be "
                   "given with %g sites",
                   (double)sites);
    if (!(f->scaleup_eff > 0.0 && f->scaleup_eff <= 1.0) ||
        !(f->scaleout_eff > 0.0 && f->scaleout_eff <= 1.0))
        return bad(err, "efficiency", "achieved bandwidth fractions must be in (0, 1], got %g",
                   f->scaleout_eff);

    gw_net_topo t;
    memset(&t, 0, sizeof t);
    t.f = *f;
    const int k = f->radix;
    t.planes_up = f->planes - f->planes_down;
    t.ports_per_gpu = f->nics_per_gpu >= f->planes ? f->nics_per_gpu / f->planes : 1;
    t.plane_Bps = f->nic_Bps * f->nics_per_gpu / f->planes;
    /* Whole nodes per building. */
    t.building_gpus = ceil(f->gpus / f->buildings / f->gpus_per_node) * f->gpus_per_node;
    t.site_gpus = t.building_gpus * (f->buildings / sites);
    for (int i = 0; i < GW_NET_MAX_TIERS; i++)
        t.leaf_down[i] = down_ports(k, f->oversub[i]);

    /* Tiers per plane for one building's endpoints (netbom.c's rule). */
    double E = t.building_gpus * t.ports_per_gpu;
    double capt = (double)k;
    int T = 1;
    while (capt < E && T < GW_NET_MAX_TIERS) {
        T++;
        capt = (double)k * t.leaf_down[0];
        for (int j = 1; j <= T - 2; j++)
            capt *= t.leaf_down[j];
    }
    if (capt < E) {
        gw__err(err, GW_ERANGE,
                "%.0f endpoints per plane need more than %d switch tiers at radix %d; add "
                "planes, buildings or use a higher-radix switch",
                E, GW_NET_MAX_TIERS, k);
        gw__err_loc(err, NULL, 0, 0, "cluster.switch");
        return GW_ERANGE;
    }
    t.tiers = T;
    if (f->n_failed < 0 || f->n_failed > GW_NET_MAX_FAILED)
        return bad(err, "network.failures", "at most %g named failures", (double)GW_NET_MAX_FAILED);

    const int gpn = f->gpus_per_node;
    t.leaf_gpus = t.leaf_down[0] / t.ports_per_gpu;
    if (t.leaf_gpus < 1)
        t.leaf_gpus = 1;
    if (T == 1) {
        /* One switch per plane: every GPU on it. */
        t.subtree_gpus[0] = t.building_gpus;
    } else {
        t.subtree_gpus[0] = (double)t.leaf_gpus * gpn; /* a scalable unit */
        double su_per = fmax(1.0, floor((double)t.leaf_down[1] / gpn));
        for (int j = 1; j <= T - 2; j++) {
            if (j > 1)
                su_per *= t.leaf_down[j];
            t.subtree_gpus[j] = su_per * t.subtree_gpus[0];
        }
    }
    /* Up capacity of a sub-tree, all planes up, nominal: GPUs x NIC / the
     * cumulative oversubscription x the links left. */
    double nic_all = f->nic_Bps * f->nics_per_gpu * t.planes_up / f->planes;
    double O = 1.0;
    for (int j = 0; j <= T - 2; j++) {
        O *= (double)t.leaf_down[j] / (double)(k - t.leaf_down[j]);
        double g = j == 0 ? (double)t.leaf_gpus : t.subtree_gpus[j];
        t.subtree_up_Bps[j] = g * nic_all / O * (1.0 - f->down_frac[j]);
    }
    /* Bisection of one building (all planes): half the GPUs' NICs over the
     * worst cumulative oversubscription, or the campus links. */
    double worst = 1.0, Oc = 1.0;
    for (int j = 0; j <= T - 2; j++) {
        Oc *= (double)t.leaf_down[j] / (double)(k - t.leaf_down[j]) / (1.0 - f->down_frac[j]);
        if (Oc > worst)
            worst = Oc;
    }
    t.bisection_Bps = t.building_gpus / 2.0 * nic_all / worst;
    if (f->buildings > 1)
        t.bisection_Bps =
            fmin(t.bisection_Bps * f->buildings, f->building_Bps * f->buildings / 2.0);
    if (sites > 1)
        t.bisection_Bps = fmin(t.bisection_Bps, f->site_Bps * sites / 2.0);
    /* Switches per plane (netbom.c's counting, with the upper tiers'
     * own port split). */
    if (T == 1) {
        t.switches[0] = 1.0 * f->buildings;
    } else {
        double sw = ceil(E / t.leaf_down[0]);
        t.switches[0] = sw;
        double up = sw * (k - t.leaf_down[0]);
        for (int j = 1; j < T; j++) {
            if (j == T - 1) {
                t.switches[j] = ceil(up / k);
            } else {
                t.switches[j] = ceil(up / t.leaf_down[j]);
                up = t.switches[j] * (k - t.leaf_down[j]);
            }
        }
        for (int j = 0; j < T; j++)
            t.switches[j] *= f->buildings;
    }
    gw_status frc = check_failures(&t, err);
    if (frc != GW_OK)
        return frc;
    *out = t;
    return GW_OK;
}

static const char *const tier_names[GW_NET_MAX_TIERS] = {"leaf", "spine", "core", "super-core"};

int gw_net_tier_parse(const char *s)
{
    for (int i = 0; s && i < GW_NET_MAX_TIERS; i++)
        if (strcmp(s, tier_names[i]) == 0)
            return i;
    return -1;
}

const char *gw_net_tier_name(int tier)
{
    return tier >= 0 && tier < GW_NET_MAX_TIERS ? tier_names[tier] : "?";
}

/* ---- Named failures --------------------------------------------------------
 *
 * A failed switch of tier t in plane p takes its share of the aggregated
 * plane's capacity:
 *  - a leaf (one rail of one scalable unit): its GPUs' NIC links and the
 *    leaf's uplinks lose 1 / planes_up (with one plane up they would be cut
 *    off: an error);
 *  - a tier-t switch, t >= 1, one of the `per` tier-t switches of its
 *    tier-t sub-tree per plane (the building's at the top tier): every
 *    tier-(t-1) sub-tree (leaf, for t = 1) below it and the sub-tree
 *    itself lose 1 / (per x planes_up) of their uplinks (a rail-optimised
 *    Clos spreads each one's uplinks evenly over the switches above).
 * Switch w of a tier (per plane) lies in building w / (per-plane count /
 * buildings); leaves are numbered scalable unit-major, rail-minor. */

static size_t sub_of(const gw__comp *c, uint64_t g, int j);

typedef struct fail_geo {
    int tier;
    double bld, first, count; /* affected GPUs [first, first + count) */
    double frac;              /* of each affected link's nominal capacity */
} fail_geo;

static gw_status fail_geometry(const gw_net_topo *t, int i, fail_geo *g, gw_error *err)
{
    const gw_net_fabric *f = &t->f;
    int tier = f->failed_tier[i];
    double idx = f->failed_index[i];
    char where[64];
    gw__snprintf(where, sizeof where, "network.failures[%d].index", i);
    if (tier < 0 || tier >= t->tiers) {
        gw__err(err, GW_ERANGE, "the fabric has %d switch tier%s (%s%s%s); no %s to fail", t->tiers,
                t->tiers == 1 ? "" : "s", tier_names[0], t->tiers > 1 ? " to " : "",
                t->tiers > 1 ? tier_names[t->tiers - 1] : "",
                tier >= 0 && tier < GW_NET_MAX_TIERS ? tier_names[tier] : "such tier");
        gw__err_loc(err, NULL, 0, 0, where);
        return GW_ERANGE;
    }
    double per_plane = t->switches[tier];
    double total = per_plane * f->planes;
    if (!(idx >= 0 && idx < total)) {
        gw__err(err, GW_ERANGE,
                "%s switch %.0f does not exist: the fabric has %.0f (0 to %.0f; "
                "%.0f per plane x %d planes)",
                tier_names[tier], idx, total, total - 1, per_plane, f->planes);
        gw__err_loc(err, NULL, 0, 0, where);
        return GW_ERANGE;
    }
    int plane = (int)floor(idx / per_plane);
    double w = idx - plane * per_plane;
    if (plane >= f->planes - f->planes_down) {
        g->count = 0.0; /* a switch of a failed plane: nothing more lost */
        return GW_OK;
    }
    double per_bld = per_plane / f->buildings;
    double b = floor(w / per_bld), wl = w - b * per_bld;
    g->tier = tier;
    g->bld = b;
    double bg = t->building_gpus;
    if (tier == 0) {
        if (t->tiers == 1) {
            g->first = b * bg;
            g->count = bg;
        } else {
            double su = floor(wl / f->gpus_per_node);
            g->first = b * bg + su * t->subtree_gpus[0] + fmod(wl, f->gpus_per_node);
            g->count = t->subtree_gpus[0]; /* every gpn-th GPU of the unit: one rail */
        }
        if (t->planes_up <= 1) {
            gw__err(err, GW_ERANGE,
                    "leaf %.0f is the only plane of its GPUs: they would be cut off (fail "
                    "a plane with network.planes_down, or add planes)",
                    idx);
            gw__err_loc(err, NULL, 0, 0, where);
            return GW_ERANGE;
        }
        g->frac = 1.0 / t->planes_up;
        return GW_OK;
    }
    double span = tier <= t->tiers - 2 ? t->subtree_gpus[tier] : bg;
    double subs = ceil(bg / span);
    double per = per_bld / subs;
    double s = floor(wl / per);
    g->first = b * bg + s * span;
    g->count = fmin(span, bg - s * span);
    g->frac = 1.0 / (per * t->planes_up);
    return GW_OK;
}

static gw_status check_failures(const gw_net_topo *t, gw_error *err)
{
    double lost[GW_NET_MAX_FAILED];
    fail_geo g[GW_NET_MAX_FAILED];
    for (int i = 0; i < t->f.n_failed; i++) {
        memset(&g[i], 0, sizeof g[i]);
        gw_status rc = fail_geometry(t, i, &g[i], err);
        if (rc != GW_OK)
            return rc;
        lost[i] = g[i].frac;
        /* Failures of the same unit add up; all of it gone is an error. */
        for (int j = 0; j < i; j++)
            if (g[j].count > 0 && g[i].count > 0 && g[j].tier == g[i].tier &&
                g[j].first == g[i].first) {
                lost[i] += g[j].frac;
            }
        if (lost[i] >= 1.0 - 1e-12) {
            gw__err(err, GW_ERANGE, "with this failure every %s uplink of its unit is down",
                    tier_names[g[i].tier]);
            char where[64];
            gw__snprintf(where, sizeof where, "network.failures[%d].index", i);
            gw__err_loc(err, NULL, 0, 0, where);
            return GW_ERANGE;
        }
    }
    return GW_OK;
}

/* Whether failure g takes capacity from the tier-j pipes (or, j < 0, the
 * NICs) of the unit holding GPU x. */
static bool fail_covers(const gw_net_topo *t, const fail_geo *g, int j, double x)
{
    if (!(g->count > 0) || x < g->first || x >= g->first + g->count)
        return false;
    if (g->tier == 0) {
        if (j > 0 || (j == 0 && t->tiers < 2))
            return false;
        double step = t->tiers == 1 ? 1.0 : (double)t->f.gpus_per_node;
        return fmod(x - g->first, step) == 0.0;
    }
    return j >= 0 && (j == g->tier || j == g->tier - 1);
}

void gw__net_named_loss(const gw_net_topo *t, double job, double lost[GW_NET_MAX_TIERS],
                        double *nic_lost)
{
    for (int j = 0; j < GW_NET_MAX_TIERS; j++)
        lost[j] = 0.0;
    *nic_lost = 0.0;
    fail_geo g[GW_NET_MAX_FAILED];
    int n = 0;
    for (int i = 0; i < t->f.n_failed && n < GW_NET_MAX_FAILED; i++) {
        memset(&g[n], 0, sizeof g[n]);
        if (fail_geometry(t, i, &g[n], NULL) == GW_OK && g[n].count > 0 && g[n].first < job)
            n++;
    }
    /* Units nest (a tier-t unit holds whole tier-(t-1) units), so the
     * unit that loses most is one whose failures' smallest range starts
     * where one failure's range starts: the candidates are those starts. */
    for (int j = -1; j <= t->tiers - 2 && j < GW_NET_MAX_TIERS; j++) {
        double worst = 0.0;
        for (int c = 0; c < n; c++) {
            if (!fail_covers(t, &g[c], j, g[c].first))
                continue;
            double sum = 0.0;
            for (int k = 0; k < n; k++)
                if (fail_covers(t, &g[k], j, g[c].first))
                    sum += g[k].frac;
            if (sum > worst)
                worst = sum;
        }
        if (j < 0)
            *nic_lost = worst;
        else
            lost[j] = worst;
    }
}

/* ---- Components and routes ---------------------------------------------- */

/* Global index of GPU g's unit of G GPUs. Each building has a fabric of
 * its own, so units restart at every building boundary. */
static double unit_index(const gw_net_topo *t, double g, double G)
{
    if (t->f.buildings <= 1)
        return floor(g / G);
    double bg = t->building_gpus;
    double b = floor(g / bg);
    return b * ceil(bg / G) + floor((g - b * bg) / G);
}

static size_t span(const gw_net_topo *t, double g0, size_t n, double unit)
{
    return (size_t)(unit_index(t, g0 + (double)n - 1.0, unit) - unit_index(t, g0, unit)) + 1;
}

void gw__comp_init(gw__comp *c, const gw_net_topo *t, double g0, size_t n)
{
    memset(c, 0, sizeof *c);
    c->t = t;
    c->g0 = g0;
    c->n = n;
    const gw_net_fabric *f = &t->f;
    const int T = t->tiers;
    size_t b = 4 * n;
    for (int j = 0; j <= T - 2; j++) {
        size_t ns = j == 0 ? span(t, g0, n, t->subtree_gpus[0]) * (size_t)f->gpus_per_node
                           : span(t, g0, n, t->subtree_gpus[j]);
        if (j == 0)
            c->n_leaf = ns;
        c->n_sub[j] = ns;
        c->base[j] = b;
        b += 2 * ns;
    }
    c->n_bld = f->buildings > 1 ? (size_t)(floor((g0 + (double)n - 1.0) / t->building_gpus) -
                                           floor(g0 / t->building_gpus)) +
                                      1
                                : 0;
    c->base[GW_NET_MAX_TIERS] = b;
    b += 2 * c->n_bld;
    c->n_site =
        f->sites > 1
            ? (size_t)(floor((g0 + (double)n - 1.0) / t->site_gpus) - floor(g0 / t->site_gpus)) + 1
            : 0;
    c->base[GW_NET_MAX_TIERS + 1] = b;
    b += 2 * c->n_site;
    c->n_links = b;

    double nic = f->nic_Bps * f->nics_per_gpu * t->planes_up / f->planes * f->scaleout_eff;
    double nvl = f->scaleup_domain > 1 ? f->scaleup_Bps * f->scaleup_eff : nic;
    c->cap[GW__NL_NVL_OUT] = c->cap[GW__NL_NVL_IN] = nvl;
    c->cap[GW__NL_NIC_UP] = c->cap[GW__NL_NIC_DOWN] = nic;
    for (int j = 0; j <= T - 2; j++)
        c->pipe_cap[j] = t->subtree_up_Bps[j] * f->scaleout_eff;
    c->cap[GW__NL_BLD_UP] = c->cap[GW__NL_BLD_DOWN] = f->building_Bps * f->scaleout_eff;
    c->g0i = (uint64_t)g0;
    c->dom = (uint64_t)(f->scaleup_domain > 1 ? f->scaleup_domain : 1);
    c->gpn = (uint64_t)f->gpus_per_node;
    c->bld = f->buildings > 1 ? (uint64_t)t->building_gpus : 0;
    c->site = f->sites > 1 ? (uint64_t)t->site_gpus : 0;
    c->cap[GW__NL_SITE_UP] = c->cap[GW__NL_SITE_DOWN] = f->site_Bps * f->scaleout_eff;
    for (int j = 0; j <= T - 2; j++) {
        c->unit[j] = (uint64_t)t->subtree_gpus[j];
        c->per_bld[j] = c->bld ? (c->bld + c->unit[j] - 1) / c->unit[j] : 0;
        c->u0[j] = c->bld ? (c->g0i / c->bld) * c->per_bld[j] + (c->g0i % c->bld) / c->unit[j]
                          : c->g0i / c->unit[j];
    }
}

void gw__comp_links(const gw__comp *c, gw__netp *p)
{
    const size_t n = c->n;
    for (size_t i = 0; i < n; i++) {
        p->cap[i] = c->cap[GW__NL_NVL_OUT];
        p->kind_l[i] = (uint32_t)GW__NL_NVL_OUT << 8 | 0xff;
        p->cap[n + i] = c->cap[GW__NL_NVL_IN];
        p->kind_l[n + i] = (uint32_t)GW__NL_NVL_IN << 8 | 0xff;
        p->cap[2 * n + i] = c->cap[GW__NL_NIC_UP];
        p->kind_l[2 * n + i] = (uint32_t)GW__NL_NIC_UP << 8 | 0xff;
        p->cap[3 * n + i] = c->cap[GW__NL_NIC_DOWN];
        p->kind_l[3 * n + i] = (uint32_t)GW__NL_NIC_DOWN << 8 | 0xff;
    }
    for (int j = 0; j <= c->t->tiers - 2; j++) {
        for (size_t s = 0; s < c->n_sub[j]; s++) {
            p->cap[c->base[j] + s] = c->pipe_cap[j];
            p->kind_l[c->base[j] + s] = (uint32_t)GW__NL_PIPE_UP << 8 | (uint32_t)j;
            p->cap[c->base[j] + c->n_sub[j] + s] = c->pipe_cap[j];
            p->kind_l[c->base[j] + c->n_sub[j] + s] = (uint32_t)GW__NL_PIPE_DOWN << 8 | (uint32_t)j;
        }
    }
    size_t bb = c->base[GW_NET_MAX_TIERS];
    for (size_t s = 0; s < c->n_bld; s++) {
        p->cap[bb + s] = c->cap[GW__NL_BLD_UP];
        p->kind_l[bb + s] = (uint32_t)GW__NL_BLD_UP << 8 | 0xff;
        p->cap[bb + c->n_bld + s] = c->cap[GW__NL_BLD_DOWN];
        p->kind_l[bb + c->n_bld + s] = (uint32_t)GW__NL_BLD_DOWN << 8 | 0xff;
    }
    size_t sb = c->base[GW_NET_MAX_TIERS + 1];
    for (size_t s = 0; s < c->n_site; s++) {
        p->cap[sb + s] = c->cap[GW__NL_SITE_UP];
        p->kind_l[sb + s] = (uint32_t)GW__NL_SITE_UP << 8 | 0xff;
        p->cap[sb + c->n_site + s] = c->cap[GW__NL_SITE_DOWN];
        p->kind_l[sb + c->n_site + s] = (uint32_t)GW__NL_SITE_DOWN << 8 | 0xff;
    }
    for (size_t l = 0; l < p->nl; l++)
        p->mult_l[l] = 1.0;
    gw__comp_failures(c, p);
}

void gw__comp_failures(const gw__comp *c, gw__netp *p)
{
    const gw_net_topo *t = c->t;
    const size_t n = c->n;
    const double g0 = c->g0, g1 = c->g0 + (double)n;
    for (int i = 0; i < t->f.n_failed; i++) {
        fail_geo g;
        memset(&g, 0, sizeof g);
        if (fail_geometry(t, i, &g, NULL) != GW_OK || !(g.count > 0))
            continue;
        if (g.tier == 0) {
            /* T = 1: the building's one switch per plane, every GPU of it;
             * else one rail of a unit: every gpn-th GPU from first. Their
             * NICs, and the leaf's uplinks. */
            double step = t->tiers == 1 ? 1.0 : (double)c->gpn;
            bool leaf_done = false;
            for (double x = g.first; x < g.first + g.count; x += step) {
                if (x < g0 || x >= g1)
                    continue;
                size_t a = (size_t)(x - g0);
                p->cap[2 * n + a] -= c->cap[GW__NL_NIC_UP] * g.frac;
                p->cap[3 * n + a] -= c->cap[GW__NL_NIC_DOWN] * g.frac;
                if (t->tiers >= 2 && !leaf_done) {
                    size_t s = sub_of(c, (uint64_t)x, 0);
                    p->cap[c->base[0] + s] -= c->pipe_cap[0] * g.frac;
                    p->cap[c->base[0] + c->n_sub[0] + s] -= c->pipe_cap[0] * g.frac;
                    leaf_done = true;
                }
            }
            continue;
        }
        /* Tier t >= 1: the uplinks of every tier-(t-1) sub-tree below it
         * (leaves for t = 1: every rail) and of its own sub-tree. */
        for (int j = g.tier - 1; j <= g.tier && j <= t->tiers - 2; j++) {
            double step = t->subtree_gpus[j];
            for (double x = g.first; x < g.first + g.count; x += step) {
                for (uint64_t r = 0; r < (j == 0 ? c->gpn : 1); r++) {
                    double y = x + (double)r;
                    if (y < g0 || y >= g1)
                        continue;
                    size_t s = sub_of(c, (uint64_t)y, j);
                    p->cap[c->base[j] + s] -= c->pipe_cap[j] * g.frac;
                    p->cap[c->base[j] + c->n_sub[j] + s] -= c->pipe_cap[j] * g.frac;
                }
            }
        }
    }
}

/* ---- Rail orbits ----------------------------------------------------------
 *
 * Rotating every node's local GPU index by one (rail r -> r + 1 mod gpn)
 * maps the component's fabric onto itself when the component holds whole
 * nodes and every unit above the node (NVLink domain, scalable unit,
 * sub-tree, building) holds whole nodes: NVLink, NIC and leaf links move to
 * the next rail's, the pipes of tiers >= 1 and the campus links stay put,
 * and routes and latencies commute with the rotation (PXN's hop to the
 * destination's rail rotates with both ends). The rail view numbers one
 * representative per orbit: node x of the per-GPU kinds, scalable unit u
 * of the leaf pipes, and every upper link as itself; mult_l is the orbit's
 * size.
 *
 * Mirroring the component's nodes (node x -> N - 1 - x, rails kept) is a
 * symmetry too when every unit either tiles the component from its start
 * or holds all of it: unit i maps to unit count - 1 - i, routes and
 * latencies commute. With it the view keeps node min(x, N - 1 - x) (and
 * unit min(i, count - 1 - i)); the mirrored copies stay in the numbering
 * with mult_l 0 and carry nothing. */

bool gw__comp_rail_ok(const gw__comp *c)
{
    const uint64_t gpn = c->gpn;
    /* Several sites: the rail view has no WAN links; full expansion. */
    if (c->site)
        return false;
    /* dom 1: no NVLink, every flow between GPUs takes the network. */
    if (gpn < 2 || c->g0i % gpn != 0 || c->n % gpn != 0 || (c->dom > 1 && c->dom % gpn != 0) ||
        c->bld % gpn != 0)
        return false;
    for (int j = 0; j <= c->t->tiers - 2; j++)
        if (c->unit[j] % gpn != 0)
            return false;
    return true;
}

/* The component tiles units of u GPUs from its start, or lies in one. */
static bool mirrors(const gw__comp *c, uint64_t u)
{
    if (u <= 1)
        return true;
    return (c->g0i % u == 0 && c->n % u == 0) || c->g0i / u == (c->g0i + c->n - 1) / u;
}

bool gw__comp_mirror_ok(const gw__comp *c)
{
    if (!gw__comp_rail_ok(c) || (c->n / c->gpn) % 2 != 0 || !mirrors(c, c->dom) ||
        !mirrors(c, c->bld))
        return false;
    for (int j = 0; j <= c->t->tiers - 2; j++)
        if (!mirrors(c, c->unit[j]) || (c->bld && c->bld % c->unit[j] != 0))
            return false;
    return true;
}

/* Links of the rail view, laid out as the component's with every per-GPU
 * kind and the leaf pipes divided by gpn. */
static size_t rail_base(const gw__comp *c, int j)
{
    const size_t gpn = (size_t)c->gpn, nodes = c->n / gpn;
    size_t b = 4 * nodes;
    for (int i = 0; i < j && i <= c->t->tiers - 2; i++)
        b += 2 * (i == 0 ? c->n_sub[0] / gpn : c->n_sub[i]);
    return b;
}

size_t gw__comp_rail_nlinks(const gw__comp *c)
{
    return rail_base(c, GW_NET_MAX_TIERS) + 2 * c->n_bld;
}

/* Unit i of count, mirrored onto the lower half when mirror is set. */
static size_t fold(size_t i, size_t count, bool mirror)
{
    return mirror && count - 1 - i < i ? count - 1 - i : i;
}

/* Size of the orbit of unit i of count whose links stand for per links
 * each (0: not the representative). */
static double orbit(size_t i, size_t count, bool mirror, double per)
{
    if (!mirror)
        return per;
    if (count - 1 - i < i)
        return 0.0;
    return count - 1 - i == i ? per : 2.0 * per;
}

uint32_t gw__comp_rail_link(const gw__comp *c, bool mirror, uint32_t l)
{
    const size_t n = c->n, gpn = (size_t)c->gpn, nodes = n / gpn;
    if (l < 4 * n) /* kind l / n, GPU l % n (component-local, g0 whole nodes) */
        return (uint32_t)((l / n) * nodes + fold((l % n) / gpn, nodes, mirror));
    for (int j = 0; j <= c->t->tiers - 2; j++) {
        size_t ns = c->n_sub[j];
        if (l >= c->base[j] + 2 * ns)
            continue;
        size_t off = l - c->base[j], dir = off / ns, s = off % ns;
        if (j == 0) /* s = scalable unit x gpn + rail */
            return (uint32_t)(rail_base(c, 0) + dir * (ns / gpn) + fold(s / gpn, ns / gpn, mirror));
        return (uint32_t)(rail_base(c, j) + dir * ns + fold(s, ns, mirror));
    }
    size_t off = l - c->base[GW_NET_MAX_TIERS], dir = off / c->n_bld, s = off % c->n_bld;
    return (uint32_t)(rail_base(c, GW_NET_MAX_TIERS) + dir * c->n_bld + fold(s, c->n_bld, mirror));
}

void gw__comp_rail_links(const gw__comp *c, bool mirror, gw__netp *p)
{
    const size_t gpn = (size_t)c->gpn, nodes = c->n / gpn;
    static const int per_gpu[4] = {GW__NL_NVL_OUT, GW__NL_NVL_IN, GW__NL_NIC_UP, GW__NL_NIC_DOWN};
    for (int k = 0; k < 4; k++)
        for (size_t x = 0; x < nodes; x++) {
            p->cap[(size_t)k * nodes + x] = c->cap[per_gpu[k]];
            p->kind_l[(size_t)k * nodes + x] = (uint32_t)per_gpu[k] << 8 | 0xff;
            p->mult_l[(size_t)k * nodes + x] = orbit(x, nodes, mirror, (double)gpn);
        }
    for (int j = 0; j <= c->t->tiers - 2; j++) {
        size_t ns = j == 0 ? c->n_sub[0] / gpn : c->n_sub[j], b = rail_base(c, j);
        for (size_t s = 0; s < ns; s++)
            for (size_t dir = 0; dir < 2; dir++) {
                p->cap[b + dir * ns + s] = c->pipe_cap[j];
                p->kind_l[b + dir * ns + s] =
                    (uint32_t)(dir ? GW__NL_PIPE_DOWN : GW__NL_PIPE_UP) << 8 | (uint32_t)j;
                p->mult_l[b + dir * ns + s] = orbit(s, ns, mirror, j == 0 ? (double)gpn : 1.0);
            }
    }
    size_t bb = rail_base(c, GW_NET_MAX_TIERS);
    for (size_t s = 0; s < c->n_bld; s++)
        for (size_t dir = 0; dir < 2; dir++) {
            p->cap[bb + dir * c->n_bld + s] = c->cap[dir ? GW__NL_BLD_DOWN : GW__NL_BLD_UP];
            p->kind_l[bb + dir * c->n_bld + s] =
                (uint32_t)(dir ? GW__NL_BLD_DOWN : GW__NL_BLD_UP) << 8 | 0xff;
            p->mult_l[bb + dir * c->n_bld + s] = orbit(s, c->n_bld, mirror, 1.0);
        }
}

/* Index of GPU g's tier-j sub-tree within the component (units restart
 * at every building: unit_index). */
static size_t sub_of(const gw__comp *c, uint64_t g, int j)
{
    uint64_t u = c->bld ? (g / c->bld) * c->per_bld[j] + (g % c->bld) / c->unit[j] : g / c->unit[j];
    u -= c->u0[j];
    if (j == 0)
        return (size_t)(u * c->gpn + g % c->gpn);
    return (size_t)u;
}

int gw__comp_route(const gw__comp *c, size_t a, size_t b, uint32_t *route, double *lat)
{
    const gw_net_topo *t = c->t;
    const gw_net_fabric *f = &t->f;
    const size_t n = c->n;
    const uint64_t ga = c->g0i + a, gb = c->g0i + b;
    int h = 0;
    if (c->dom > 1 && ga / c->dom == gb / c->dom) {
        route[h++] = (uint32_t)a;
        route[h++] = (uint32_t)(n + b);
        *lat = f->scaleup_latency_s;
        return h;
    }
    double L = 0.0;
    size_t src = a;
    uint64_t gs = ga;
    uint64_t ra = ga % c->gpn, rb = gb % c->gpn;
    if (f->pxn && c->dom > 1 && ra != rb) {
        /* PXN: NVLink to the GPU of a's node on b's rail, then its NIC. */
        size_t a2 = a - (size_t)ra + (size_t)rb;
        route[h++] = (uint32_t)a;
        route[h++] = (uint32_t)(n + a2);
        L += f->scaleup_latency_s;
        src = a2;
        gs = c->g0i + a2;
    }
    route[h++] = (uint32_t)(2 * n + src);
    L += f->nic_latency_s;
    const int T = t->tiers;
    int top; /* highest tier whose pipes are crossed (exclusive) */
    bool cross_bld = c->bld && gs / c->bld != gb / c->bld;
    if (cross_bld) {
        top = T - 1;
    } else if (T == 1) {
        top = 0;
    } else if (sub_of(c, gs, 0) == sub_of(c, gb, 0)) {
        top = 0;
    } else {
        top = T - 1;
        for (int j = 1; j <= T - 2; j++) {
            if (sub_of(c, gs, j) == sub_of(c, gb, j)) {
                top = j;
                break;
            }
        }
    }
    for (int j = 0; j < top; j++)
        route[h++] = (uint32_t)(c->base[j] + sub_of(c, gs, j));
    if (cross_bld) {
        size_t bb = c->base[GW_NET_MAX_TIERS];
        uint64_t s0 = c->g0i / c->bld;
        route[h++] = (uint32_t)(bb + (size_t)(gs / c->bld - s0));
        if (c->site && gs / c->site != gb / c->site) {
            /* Across sites: the WAN links of both sites. */
            size_t sb = c->base[GW_NET_MAX_TIERS + 1];
            uint64_t q0 = c->g0i / c->site;
            route[h++] = (uint32_t)(sb + (size_t)(gs / c->site - q0));
            route[h++] = (uint32_t)(sb + c->n_site + (size_t)(gb / c->site - q0));
            L += f->site_latency_s;
        }
        route[h++] = (uint32_t)(bb + c->n_bld + (size_t)(gb / c->bld - s0));
        L += f->building_latency_s + 2.0 * f->switch_latency_s;
    }
    for (int j = top - 1; j >= 0; j--)
        route[h++] = (uint32_t)(c->base[j] + c->n_sub[j] + sub_of(c, gb, j));
    route[h++] = (uint32_t)(3 * n + b);
    L += f->switch_latency_s * (2.0 * top + 1.0);
    *lat = L;
    return h;
}

const char *gw__net_kind_name(uint32_t kt, char *buf, size_t n)
{
    static const char *const tiers[] = {"leaf", "spine", "core", "super-core"};
    uint32_t kind = kt >> 8, tier = kt & 0xff;
    const char *tn = tier < 4 ? tiers[tier] : "";
    switch (kind) {
    case GW__NL_NVL_OUT:
        gw__snprintf(buf, n, "NVLink out");
        break;
    case GW__NL_NVL_IN:
        gw__snprintf(buf, n, "NVLink in");
        break;
    case GW__NL_NIC_UP:
        gw__snprintf(buf, n, "NIC to leaf");
        break;
    case GW__NL_NIC_DOWN:
        gw__snprintf(buf, n, "leaf to NIC");
        break;
    case GW__NL_PIPE_UP:
        gw__snprintf(buf, n, "%s uplinks", tn);
        break;
    case GW__NL_PIPE_DOWN:
        gw__snprintf(buf, n, "%s downlinks", tn);
        break;
    case GW__NL_BLD_UP:
        gw__snprintf(buf, n, "building to campus");
        break;
    case GW__NL_BLD_DOWN:
        gw__snprintf(buf, n, "campus to building");
        break;
    case GW__NL_SITE_UP:
        gw__snprintf(buf, n, "site to WAN");
        break;
    case GW__NL_SITE_DOWN:
        gw__snprintf(buf, n, "WAN to site");
        break;
    default:
        gw__snprintf(buf, n, "link");
        break;
    }
    return buf;
}

/* ---- From a planned site -------------------------------------------------------- */

gw_status gw_net_fabric_from_site(const gw_site_result *site, const gw_scenario *sc,
                                  const gw_train_params *tp, gw_net_fabric *out, gw_error *err)
{
    if (!site || !sc || !tp || !out)
        return gw__err(err, GW_EINVAL, "gw_net_fabric_from_site: NULL argument");
    memset(out, 0, sizeof *out);
    const gw_netbom_params *np = &site->net_params;
    const gw_system *sys = site->system;
    const gw_accel *a = site->accel;
    out->gpus = site->gpus;
    out->gpus_per_node = sys && sys->gpus_per_node > 0 ? sys->gpus_per_node : 8;
    out->scaleup_domain = np->scaleup_domain > 0 ? np->scaleup_domain : 1;
    if (out->scaleup_domain > 1 && out->scaleup_domain < out->gpus_per_node)
        out->gpus_per_node = out->scaleup_domain;
    out->scaleup_Bps = a ? a->scaleup_Bps / 2.0 : 0.0; /* catalog: bidirectional */
    out->nic_Bps =
        site->nic && site->nic->port_Bps > 0.0 ? site->nic->port_Bps : tp->default_nic_Bps;
    out->nics_per_gpu = np->nics_per_gpu > 0 ? np->nics_per_gpu : 1;
    /* data/train.yaml's per-accelerator NIC figure (what the published runs
     * had) wins, as in gw_train_topo_for. */
    for (size_t i = 0; a && i < tp->n_nic_overrides; i++) {
        if (gw__streq_nocase(tp->nic_override[i].accel, a->name)) {
            out->nic_Bps = tp->nic_override[i].Bps / out->nics_per_gpu;
            break;
        }
    }
    out->radix = np->radix;
    out->planes = np->planes > 0 ? np->planes : 1;
    out->planes_down = sc->network.planes_down;
    out->oversub[0] = np->oversubscription >= 1.0 ? np->oversubscription : 1.0;
    out->oversub[1] =
        sc->network.spine_oversubscription >= 1.0 ? sc->network.spine_oversubscription : 1.0;
    out->oversub[2] = out->oversub[3] =
        sc->network.core_oversubscription >= 1.0 ? sc->network.core_oversubscription : 1.0;
    out->down_frac[0] = sc->network.leaf_links_down;
    out->down_frac[1] = sc->network.spine_links_down;
    out->down_frac[2] = out->down_frac[3] = sc->network.core_links_down;
    /* Latencies: data/train.yaml's per-step figures are what NCCL takes
     * per ring step end to end (software included); the switch hops are
     * the catalog's. */
    out->scaleup_latency_s = tp->scaleup_latency_s;
    out->switch_latency_s = site->fabric_switch ? site->fabric_switch->latency_s : 0.0;
    out->nic_latency_s = tp->scaleout_latency_s;
    out->scaleup_eff = tp->scaleup_bw_eff;
    out->scaleout_eff = tp->scaleout_bw_eff;
    out->pxn = sc->network.pxn != 0;
    out->buildings = sc->network.buildings > 0 ? sc->network.buildings : 1;
    out->building_Bps = sc->network.building_Bps;
    out->building_latency_s = sc->network.building_latency_s;
    out->sites = sc->network.sites > 0 ? sc->network.sites : 1;
    out->site_Bps =
        sc->network.site_link_Bps * (sc->network.site_links > 0 ? sc->network.site_links : 1);
    out->site_latency_s = sc->network.site_latency_s;
    /* In-network reduction where the hardware has it (data/accelerators.yaml
     * nvls_efficiency, data/network.yaml sharp_efficiency). NVLS is built
     * into NCCL; SHARP on the scale-out switches also needs NCCL's SHARP
     * plugin and the fabric's aggregation manager, so "nvls" keeps NVLS
     * and drops SHARP. */
    const char *inn = sc->network.in_network ? sc->network.in_network : "auto";
    bool innet = strcmp(inn, "off") != 0;
    bool sharp = innet && strcmp(inn, "nvls") != 0;
    out->nvls_eff = innet && a && out->scaleup_domain > 1 ? a->nvls_eff : 0.0;
    out->nvls_latency_s = a ? a->nvls_latency_s : 0.0;
    out->sharp_eff = sharp && site->fabric_switch ? site->fabric_switch->sharp_eff : 0.0;
    for (size_t i = 0; i < sc->network.n_failures && i < GW_NET_MAX_FAILED; i++) {
        out->failed_tier[out->n_failed] = gw_net_tier_parse(sc->network.failures[i].tier);
        out->failed_index[out->n_failed++] = sc->network.failures[i].index;
    }
    return GW_OK;
}
