/* SPDX-License-Identifier: MIT */
/*
 * analytic.c: component counts of a job and the closed-form goodput of the
 * job model that montecarlo.c simulates.
 *
 * The goodput formula is exact for the simulated model when failures are
 * Poisson (exponential inter-arrival), the spare pool never runs dry and the
 * run is long against the interruption interval: it is the renewal-reward
 * ratio over one "run interval + recovery" cycle (docs/models/rel.md, R5-R8).
 * For synchronous checkpoints without planned stops it reduces to Daly's
 * expression T = M e^{R/M} (e^{(tau+delta)/M} - 1) T_s / tau (J. T. Daly, "A
 * higher order estimate of the optimum checkpoint interval for restart
 * dumps", Future Generation Computer Systems 22 (2006) 303-312, eq. 20).
 *
 * The spare-pool quantile is the Poisson quantile: exact (through the
 * regularised incomplete gamma function) for means up to
 * GW__REL_POISSON_EXACT_MAX, the Cornish-Fisher normal expansion above it.
 *
 * Not modelled here: the wait for a spare node (the Monte Carlo simulates a
 * finite pool), time-varying (Weibull) rates, which callers average over the
 * run first.
 */
#include <gigawatt/rel.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>

#include "rel/rel_internal.h"

/* ---- Counts ------------------------------------------------------------------ */

void gw__rel_fabric_count(double endpoints, double radix, gw__rel_counts *c)
{
    double half = radix / 2.0;
    int t = 1;
    if (endpoints > radix) {
        t = 2;
        double cap = 2.0 * half * half;
        while (endpoints > cap && t < 16) {
            cap *= half;
            t++;
        }
    }
    c->tiers = t;
    c->links = (double)t * endpoints;
    if (t == 1)
        c->switches = ceil(endpoints / radix);
    else
        c->switches = (double)(t - 1) * ceil(2.0 * endpoints / radix) + ceil(endpoints / radix);
}

void gw__rel_counts_make(double gpus, int gpus_per_node, int nics_per_gpu, double radix,
                         double links, double switches, gw__rel_counts *c)
{
    c->gpus = gpus;
    c->racks = 0.0;
    c->nodes = ceil(gpus / (double)gpus_per_node);
    c->nics = gpus * (double)nics_per_gpu;
    gw__rel_fabric_count(c->nics, radix, c);
    if (links > 0.0 || switches > 0.0)
        c->tiers = 0;
    if (links > 0.0)
        c->links = links;
    if (switches > 0.0)
        c->switches = switches;
}

double gw__rel_scope_units(const gw__rel_counts *c, gw_rel_scope s)
{
    switch (s) {
    case GW_REL_SCOPE_GPU:
        return c->gpus;
    case GW_REL_SCOPE_NODE:
        return c->nodes;
    case GW_REL_SCOPE_NIC:
        return c->nics;
    case GW_REL_SCOPE_LINK:
        return c->links;
    case GW_REL_SCOPE_SWITCH:
        return c->switches;
    case GW_REL_SCOPE_RACK:
        return c->racks;
    case GW_REL_SCOPE_JOB:
    case GW_REL_SCOPE_COUNT_:
        break;
    }
    return 1.0;
}

/* ---- Rates ------------------------------------------------------------------- */

double gw__rel_group_mean_rate(const gw__rel_sim *s, int group, double wall_s)
{
    double lam = s->g[group].rate_s;
    if (group != GW__REL_G_HW || s->shape == 1.0 || !(wall_s > 0.0) || lam <= 0.0)
        return lam;
    /* Hazard h(a) = r (a/a_ref)^(k-1); cumulative over [a0, a0+T] is
     * r a_ref / k [((a0+T)/a_ref)^k - (a0/a_ref)^k]. */
    double k = s->shape, a = s->age_ref_s;
    double H = lam * a / k * (pow((s->age0_s + wall_s) / a, k) - pow(s->age0_s / a, k));
    return H / wall_s;
}

/* ---- Goodput ------------------------------------------------------------------- */

double gw__rel_goodput(const gw__rel_sim *s, double lam_u, double lam_p)
{
    double tau = s->tau_s, sig = s->sigma;
    double c = tau * sig + s->block_s;        /* one checkpoint cycle, wall */
    double lag = s->async ? s->write_s : 0.0; /* commit lag after the snapshot */
    double R = s->detect_s + s->restart_s;    /* recovery after an unexpected stop */
    double P = (s->flush_s > 0.0 ? s->flush_s : s->write_s) + s->restart_s; /* flush, restart */
    double L = lam_u + lam_p;
    if (!(L > 0.0))
        return tau / c;
    /* Run interval X ~ Exp(L); it ends with an unexpected stop with
     * probability pu, a planned one with pp. */
    double pu = lam_u / L, pp = lam_p / L;
    /* Committed cycles at an unexpected stop: sum_k P(X >= k c + lag). */
    double cyc = exp(-L * lag) / expm1(L * c);
    /* Work done at a planned stop (committed on demand): (1/sig) times the
     * expected compute time of X over the cycles' compute parts. */
    double work_pl = (-expm1(-L * tau * sig)) / (L * sig) / (-expm1(-L * c));
    /* Expected recovery with restarts on failure during it (only unexpected
     * failures restart it; planned ones are absorbed). */
    double Du, Dp;
    if (lam_u > 0.0) {
        Du = expm1(lam_u * R) / lam_u;
        Dp = -expm1(-lam_u * P) * exp(lam_u * R) / lam_u;
    } else {
        Du = R;
        Dp = P;
    }
    /* Terms with zero weight are left out: their expectations may overflow
     * to infinity at extreme rates, and 0 x inf is NaN. */
    double reward = (pu > 0.0 ? pu * tau * cyc : 0.0) + (pp > 0.0 ? pp * work_pl : 0.0);
    double length = 1.0 / L + (pu > 0.0 ? pu * Du : 0.0) + (pp > 0.0 ? pp * Dp : 0.0);
    double g = reward / length;
    return isnan(g) ? 0.0 : g;
}

/* ---- Poisson quantile (spares) ---------------------------------------------- */

/* P(X <= k) for X ~ Poisson(mu) is the regularised upper incomplete gamma
 * function Q(k + 1, mu) (DLMF 8.4.10). The _e form reports a failure as a
 * status instead of calling GSL's error handler (its large-x asymptotic series
 * does not converge near the mean for mu above about 1e6: the abort of issue
 * 10). Returns false when GSL could not compute it. */
static bool poisson_cdf(double k, double mu, double *out)
{
    gsl_sf_result res;
    int st = gsl_sf_gamma_inc_Q_e(k + 1.0, mu, &res);
    if (st != GSL_SUCCESS || !isfinite(res.val))
        return false;
    *out = res.val;
    return true;
}

/* Cornish-Fisher expansion of the Poisson quantile with a continuity
 * correction: k = mu + z sqrt(mu) + (z^2 - 1)/6 - 1/2, rounded up (N. L.
 * Johnson, A. W. Kemp, S. Kotz, "Univariate Discrete Distributions", 3rd
 * ed., Wiley 2005, sec. 4.5). Its error is below one count for mu >= 1e5. */
static double poisson_quantile_normal(double mu, double q)
{
    double z = gsl_cdf_ugaussian_Pinv(q);
    double k = ceil(mu + z * sqrt(mu) + (z * z - 1.0) / 6.0 - 0.5);
    return k > 0.0 ? k : 0.0;
}

double gw__rel_poisson_quantile(double mu, double q)
{
    if (!(mu > 0.0) || !(q > 0.0))
        return 0.0;
    if (!(q < 1.0) || isinf(mu))
        return HUGE_VAL;
    if (mu > GW__REL_POISSON_EXACT_MAX)
        return poisson_quantile_normal(mu, q);
    /* Bisection on integers: P(X <= lo) < q <= P(X <= hi) (lo = -1: none). */
    double lo = -1.0, hi = ceil(mu), c = 0.0;
    for (int i = 0; i < 64; i++) {
        if (!poisson_cdf(hi, mu, &c))
            return poisson_quantile_normal(mu, q);
        if (c >= q)
            break;
        lo = hi;
        hi = 2.0 * hi + 1.0;
    }
    if (c < q)
        return poisson_quantile_normal(mu, q);
    while (hi - lo > 1.0) {
        double mid = floor(0.5 * (lo + hi));
        if (!poisson_cdf(mid, mu, &c))
            return poisson_quantile_normal(mu, q);
        if (c >= q)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}
