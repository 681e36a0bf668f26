/* SPDX-License-Identifier: MIT */
/*
 * bench_montecarlo.c: speed of the reliability Monte Carlo (gw_rel_plan with
 * trials). Target (issue 6): 1,000 trials of a 100-day run on 1,000,000 GPUs
 * in under 10 s on a 2-core machine.
 *
 * Cases (GB200 NVL72 compute trays, 4 GPUs per node, default failure
 * profile llama3-production, 405B-parameter checkpoints):
 *   1. 100-day wall-clock window, default policy (~54,000 interruptions per
 *      trial: the cost is per interruption, not per component);
 *   2. 100 days of work with a policy that reaches ~90% goodput (rates /30,
 *      async checkpoints), so every trial runs to completion;
 *   3. the Llama 3 run (16,384 H100, 54 days), 10,000 trials;
 *   4. case 1 with the interval search (14 points x 200 trials).
 * Prints the wall time, trials per second and interruptions per second, and
 * the machine's core count. Run: make bench && ./build/bench_montecarlo
 */
#define _POSIX_C_SOURCE 200809L
#include <gigawatt/gigawatt.h>

#include <omp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int run_case(gw_ctx *ctx, const char *name, const gw_rel_job *job)
{
    gw_rel_result *r = gw_calloc(ctx, 1, sizeof *r);
    if (!r)
        return 1;
    gw_error err;
    memset(&err, 0, sizeof err);
    double t0 = now_s();
    gw_status rc = gw_rel_plan(ctx, NULL, job, r, &err);
    double dt = now_s() - t0;
    if (rc != GW_OK) {
        fprintf(stderr, "%s: %s\n", name, err.msg);
        gw_free(ctx, r);
        return 1;
    }
    double events = (r->mc_unexpected.mean + r->mc_planned.mean) * (double)r->trials;
    printf("%-44s %6llu trials %8.3f s  %9.0f trials/s  %6.1f M interruptions/s  "
           "goodput %.4f (analytic %.4f)",
           name, (unsigned long long)r->trials, dt, (double)r->trials / dt, events / dt / 1e6,
           r->mc_goodput.mean, r->goodput);
    if (job->search_interval)
        printf("  best interval %.0f s", r->mc_best_interval_s);
    printf("\n");
    gw_free(ctx, r);
    return 0;
}

int main(void)
{
    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    if (!ctx)
        return 1;
    printf("bench_montecarlo: %ld online cores, OpenMP max threads %d\n",
           sysconf(_SC_NPROCESSORS_ONLN), omp_get_max_threads());
    int bad = 0;
    gw_rel_job job;
    gw_rel_job_init(&job);
    job.data_dir = GW_SOURCE_DIR "/data";
    job.gpus = 1e6;
    job.gpus_per_node = 4;
    job.duration_s = 100.0 * 86400.0;
    job.trials = 1000;
    job.seed = 1;
    bad |= run_case(ctx, "1M GB200, 100-day window, default policy", &job);

    gw_rel_job w = job;
    w.duration_s = 0.0;
    w.work_s = 100.0 * 86400.0;
    w.rate_scale = 1.0 / 30.0;
    w.checkpoint_async = true;
    bad |= run_case(ctx, "1M GB200, 100 days of work, rates/30, async", &w);

    gw_rel_job l;
    gw_rel_job_init(&l);
    l.data_dir = job.data_dir;
    l.gpus = 16384;
    l.gpus_per_node = 8;
    l.duration_s = 54.0 * 86400.0;
    l.trials = 10000;
    l.seed = 1;
    bad |= run_case(ctx, "Llama 3: 16,384 H100, 54 days", &l);

    gw_rel_job s = job;
    s.search_interval = true;
    bad |= run_case(ctx, "1M GB200, 100-day window + interval search", &s);
    gw_ctx_free(ctx);
    return bad;
}
