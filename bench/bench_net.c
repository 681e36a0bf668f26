/* SPDX-License-Identifier: MIT */
/*
 * bench_net.c: speed and memory of the flow-level network model (issue 11
 * targets, 2-core machine):
 *   1. 64 MB all-reduce on 16,384 GPUs (2-tier fat tree, H100 nodes,
 *      hierarchical ring and the automatic choice): < 0.1 s, < 100 MB RSS;
 *   2. all-reduce on 1,048,576 GPUs over a 4-tier fat tree: < 1 s, < 1 GB;
 *   3. EP all-to-all (groups of 64) on 1,048,576 GPUs: < 1 s, < 1 GB; and
 *      the default scenario's shapes on 1M GPUs in NVL72 racks (EP
 *      all-to-all of 128 ranks 16 apart, TP all-gather, DP ring
 *      all-reduce), where the domains do not tile the groups;
 *   4. the same 16,384-GPU all-reduce expanded (one variable per flow),
 *      against the collapsed solver;
 *   5. the search's closed form: collective-model calls per second;
 *   6. the training search on one thread with the fat tree's closed form
 *      against the alpha-beta model (target: >= 1M evaluations/s/core);
 *   7. side by side with SimGrid (tests/net/ORACLE.md) on 4,096 GPUs with
 *      contended flows (a 3:1 leaf, 10% of the spine uplinks down): our
 *      solve in-process, from the collectives to the completion times,
 *      against the SimGrid oracle run on the same flows (written by
 *      gw_net_dump_oracle), in this one run; the times must agree within
 *      1% and the solve be >= 100x faster. Skipped when the oracle is not
 *      built (GW_SIMGRID_ORACLE, or the environment variable of that name).
 * Prints wall and CPU time (min of runs for the fast cases), peak RSS
 * (VmHWM, the process so far) and the answer of each case.
 * Run: make bench, or build/bench_net (cmake --build build --target bench_net)
 */
#define _POSIX_C_SOURCE 200809L
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef GW_SIMGRID_ORACLE
#define GW_SIMGRID_ORACLE ""
#endif

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of this process (the machine may be shared: wall time then
 * counts the other load too). */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Peak resident set size so far, MB (Linux /proc/self/status VmHWM). */
static double peak_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return 0.0;
    char line[256];
    double kb = 0.0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = atof(line + 6);
    fclose(f);
    return kb / 1024.0;
}

static gw_net_fabric fabric(double gpus, int gpn, int dom, double nvl, double nic, int radix)
{
    gw_net_fabric f;
    memset(&f, 0, sizeof f);
    f.gpus = gpus;
    f.gpus_per_node = gpn;
    f.scaleup_domain = dom;
    f.scaleup_Bps = nvl;
    f.nic_Bps = nic;
    f.nics_per_gpu = 1;
    f.radix = radix;
    f.planes = 1;
    for (int i = 0; i < GW_NET_MAX_TIERS; i++)
        f.oversub[i] = 1.0;
    f.scaleup_latency_s = 8e-6;
    f.nic_latency_s = 15e-6;
    f.switch_latency_s = 330e-9;
    f.scaleup_eff = 0.8;
    f.scaleout_eff = 0.85;
    f.pxn = true;
    f.buildings = 1;
    return f;
}

static int run(gw_ctx *ctx, const char *name, const gw_net_fabric *f, gw_net_op op,
               gw_net_mode mode)
{
    gw_net_topo t;
    gw_error err;
    memset(&err, 0, sizeof err);
    if (gw_net_topo_build(f, &t, &err) != GW_OK) {
        fprintf(stderr, "%s: %s\n", name, err.msg);
        return 1;
    }
    double m0 = peak_mb(), dt = 1e30, dc = 1e30;
    gw_net_sim_result r;
    /* The min of a few runs for the fast cases: the machine may be shared. */
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now_s(), c0 = cpu_s();
        gw_status rc = gw_net_simulate(ctx, &t, f->gpus, &op, 1, mode, &r, &err);
        double w = now_s() - t0, c = cpu_s() - c0;
        if (rc != GW_OK) {
            fprintf(stderr, "%s: %s\n", name, err.msg);
            return 1;
        }
        dt = w < dt ? w : dt;
        dc = c < dc ? c : dc;
        if (w > 2.0)
            break;
    }
    /* The collective's own time beside its bus bandwidth: a latency-bound
     * algorithm (a hierarchical ring across 2,048 or 131,072 nodes pays
     * 2 (nodes - 1) step latencies) shows a bus bandwidth near zero. */
    printf("%-52s %8.3f s (cpu %.3f s)  peak RSS %7.1f MB (+%.1f)  %-12s %9.3g ms, busbw %7.3g "
           "GB/s  flows %.3g -> %.0f classes\n",
           name, dt, dc, peak_mb(), peak_mb() - m0, gw_net_algo_name(r.op[0].algo),
           r.op[0].time_s * 1e3, r.op[0].busbw_Bps / 1e9, r.flows, r.flow_classes);
    return 0;
}

/* Completion times of a file of "flow <id> <time>" lines into t[id]
 * (ids < n); returns how many were read. */
static size_t read_times(const char *path, double *t, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[256];
    size_t k = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long id;
        double v;
        if (sscanf(line, "flow %lu %lf", &id, &v) == 2 && id < n) {
            t[id] = v;
            k++;
        }
    }
    fclose(f);
    return k;
}

/* Case 7: ops on a 4,096-GPU fabric, solved by gigawatt in-process and by
 * the SimGrid oracle on the same expanded flows. Returns 1 on failure. */
static int vs_simgrid(gw_ctx *ctx, const char *oracle, const char *name, const gw_net_fabric *f,
                      const gw_net_op *ops, size_t n_ops)
{
    gw_net_topo t;
    gw_error err;
    memset(&err, 0, sizeof err);
    if (gw_net_topo_build(f, &t, &err) != GW_OK) {
        fprintf(stderr, "%s: %s\n", name, err.msg);
        return 1;
    }
    /* Ours: the collapsed solve, min of 5 runs. */
    gw_net_sim_result r;
    double ours = 1e30, ours_cpu = 1e30;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now_s(), c0 = cpu_s();
        if (gw_net_simulate(ctx, &t, f->gpus, ops, n_ops, GW_NET_MODE_COLLAPSED, &r, &err) !=
            GW_OK) {
            fprintf(stderr, "%s: %s\n", name, err.msg);
            return 1;
        }
        double w = now_s() - t0, c = cpu_s() - c0;
        ours = w < ours ? w : ours;
        ours_cpu = c < ours_cpu ? c : ours_cpu;
    }
    /* Our expanded solver (one variable per flow, the problem SimGrid
     * solves), once, for reference. */
    gw_net_sim_result rx;
    double t0 = now_s();
    if (gw_net_simulate(ctx, &t, f->gpus, ops, n_ops, GW_NET_MODE_EXPANDED, &rx, &err) != GW_OK) {
        fprintf(stderr, "%s: %s\n", name, err.msg);
        return 1;
    }
    double expanded = now_s() - t0;
    /* The same flows for SimGrid, and our expanded solver's time of each. */
    char in[] = "/tmp/gw_bench_net_XXXXXX";
    int fd = mkstemp(in);
    if (fd < 0)
        return 1;
    char ours_path[64], sg_path[64], sg_err[64];
    snprintf(ours_path, sizeof ours_path, "%s.ours", in);
    snprintf(sg_path, sizeof sg_path, "%s.sg", in);
    snprintf(sg_err, sizeof sg_err, "%s.err", in);
    FILE *fl = fdopen(fd, "w"), *tm = fopen(ours_path, "w");
    int bad = 1;
    double *a = NULL, *b = NULL;
    if (!fl || !tm)
        goto out;
    gw_status rc = gw_net_dump_oracle(ctx, &t, f->gpus, ops, n_ops, fl, tm, &err);
    fclose(fl);
    fclose(tm);
    fl = tm = NULL;
    if (rc != GW_OK) {
        fprintf(stderr, "%s: %s\n", name, err.msg);
        goto out;
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "'%s' --time '%s' > '%s' 2> '%s'", oracle, in, sg_path, sg_err);
    t0 = now_s();
    int st = system(cmd);
    double sg = now_s() - t0;
    if (st != 0) {
        fprintf(stderr, "%s: the SimGrid oracle failed (%s)\n", name, sg_err);
        goto out;
    }
    /* Its own account of the simulation alone (no parsing, no platform). */
    double sg_sim = 0.0;
    FILE *e = fopen(sg_err, "r");
    if (e) {
        char line[512];
        while (fgets(line, sizeof line, e)) {
            const char *p = strstr(line, "simulation ");
            if (p)
                sg_sim = atof(p + strlen("simulation "));
        }
        fclose(e);
    }
    size_t n = 0;
    for (size_t i = 0; i < n_ops; i++)
        n += (size_t)(r.op[i].flows + 0.5);
    a = calloc(n + 1, sizeof *a);
    b = calloc(n + 1, sizeof *b);
    if (!a || !b)
        goto out;
    size_t na = read_times(ours_path, a, n + 1), nb = read_times(sg_path, b, n + 1);
    double worst = 0.0, last = 0.0;
    for (size_t i = 0; i < na && i < nb; i++) {
        if (b[i] > 0)
            worst = fmax(worst, fabs(a[i] - b[i]) / b[i]);
        last = fmax(last, b[i]);
    }
    /* The collapsed answer: the job's last completion (direct algorithms
     * have one step: no step latencies beyond the route's). */
    double coll = fabs(r.time_s - last) / last;
    bad = na != nb || na == 0 || worst > 0.01 || coll > 0.01 || ours * 100.0 > sg;
    printf("%-52s gigawatt %.4f s (cpu %.4f s, %.0f classes) vs SimGrid %.2f s "
           "(simulation alone %.2f s): %.0fx (%.0fx vs its simulation); gigawatt expanded "
           "%.3f s (%.0fx); %zu flows, max relative difference %.1e per flow, %.1e in the "
           "job's time%s\n",
           name, ours, ours_cpu, r.flow_classes, sg, sg_sim, sg / ours, sg_sim / ours, expanded,
           sg / expanded, na, worst, coll, bad ? "  FAIL" : "");
out:
    if (fl)
        fclose(fl);
    if (tm)
        fclose(tm);
    free(a);
    free(b);
    remove(in);
    remove(ours_path);
    remove(sg_path);
    remove(sg_err);
    return bad;
}

int main(void)
{
    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    if (!ctx)
        return 1;
    printf("bench_net: %ld cores\n", sysconf(_SC_NPROCESSORS_ONLN));
    int bad = 0;
    /* H100 nodes, 400G NICs, radix-64 (2 tiers for 16k: k^2/2 = 2048 per
     * plane... 16k needs 3 tiers at radix 64; use the Quantum-X800 radix
     * 144 for a 2-tier tree, as the target states). */
    gw_net_fabric h = fabric(16384, 8, 8, 450e9, 50e9, 256);
    gw_net_op ar = {GW_NET_ALLREDUCE, GW_NET_ALGO_HIER, 16384, 1, 64e6, 0.0, NULL};
    bad |= run(ctx, "16k H100 all-reduce 64MB, hierarchical", &h, ar, GW_NET_MODE_COLLAPSED);
    ar.algo = GW_NET_ALGO_AUTO;
    bad |=
        run(ctx, "16k H100 all-reduce 64MB, auto (ring/tree/hier)", &h, ar, GW_NET_MODE_COLLAPSED);
    ar.algo = GW_NET_ALGO_HIER;
    bad |=
        run(ctx, "16k H100 all-reduce 64MB, hierarchical, expanded", &h, ar, GW_NET_MODE_EXPANDED);
    /* 1M GPUs in 8-GPU NVLink nodes (HGX B200-like: 900 GB/s NVLink, 800G
     * NICs), radix-64 switches: 4 tiers. */
    gw_net_fabric g = fabric(1048576, 8, 8, 900e9, 100e9, 64);
    gw_net_op big = {GW_NET_ALLREDUCE, GW_NET_ALGO_AUTO, 1048576, 1, 64e6, 0.0, NULL};
    bad |= run(ctx, "1M B200 all-reduce 64MB, auto, 4-tier", &g, big, GW_NET_MODE_COLLAPSED);
    big.algo = GW_NET_ALGO_HIER;
    bad |=
        run(ctx, "1M B200 all-reduce 64MB, hierarchical, 4-tier", &g, big, GW_NET_MODE_COLLAPSED);
    gw_net_op a2a = {GW_NET_ALLTOALL, GW_NET_ALGO_DIRECT, 64, 1, 256e6, 0.0, NULL};
    bad |=
        run(ctx, "1M B200 EP all-to-all (64 ranks) 256MB, 4-tier", &g, a2a, GW_NET_MODE_COLLAPSED);
    gw_net_op a2a2 = {GW_NET_ALLTOALL, GW_NET_ALGO_DIRECT, 256, 1, 256e6, 0.0, NULL};
    bad |= run(ctx, "1M B200 EP all-to-all (256 ranks) 256MB, 4-tier", &g, a2a2,
               GW_NET_MODE_COLLAPSED);

    /* The default scenario's shapes (colossus-2-like: NVL72 racks of
     * 4-GPU nodes, 400G NICs, radix 64, 4 tiers; gigawatt net --step):
     * 72-GPU domains do not tile power-of-two groups, so the job splits
     * into link-disjoint components of 9 types (traffic.c, comp_types). */
    gw_net_fabric d = fabric(1048576, 4, 72, 900e9, 50e9, 64);
    gw_net_op ep = {GW_NET_ALLTOALL, GW_NET_ALGO_DIRECT, 128, 16, 18.5e6, 0.0, NULL};
    bad |= run(ctx, "1M NVL72 EP all-to-all (128 ranks, 16 apart) 18.5MB", &d, ep,
               GW_NET_MODE_COLLAPSED);
    gw_net_op tp = {GW_NET_ALLGATHER, GW_NET_ALGO_AUTO, 32, 1, 134e6, 0.0, NULL};
    bad |= run(ctx, "1M NVL72 TP all-gather (32 ranks) 134MB", &d, tp, GW_NET_MODE_COLLAPSED);
    gw_net_op dpr = {GW_NET_ALLREDUCE, GW_NET_ALGO_RING, 1024, 64, 240e6, 0.0, NULL};
    bad |= run(ctx, "1M NVL72 DP all-reduce ring (1024 ranks, 64 apart)", &d, dpr,
               GW_NET_MODE_COLLAPSED);

    /* The search's closed form. */
    gw_net_topo t;
    gw_error err;
    memset(&err, 0, sizeof err);
    g.oversub[1] = 2.0;
    if (gw_net_topo_build(&g, &t, &err) == GW_OK) {
        gw_net_comm *nc = NULL;
        if (gw_net_comm_new(ctx, &t, 1048576, &nc, &err) == GW_OK) {
            const gw_train_comm_model *m = gw_net_comm_model(nc);
            gw_train_topo tt;
            memset(&tt, 0, sizeof tt);
            tt.scaleup_Bps = 900e9;
            tt.scaleout_Bps = 100e9;
            tt.scaleup_eff = 0.8;
            tt.scaleout_eff = 0.85;
            tt.scaleup_latency_s = 8e-6;
            tt.scaleout_latency_s = 15e-6;
            tt.scaleup_domain = 72;
            double sum = 0.0, t0 = now_s();
            long n = 0;
            for (int rep = 0; rep < 200000; rep++) {
                gw_train_group gd = {1152 + (rep & 7), 1, 16, GW_TRAIN_GROUP_DP};
                gw_train_group ge = {64, 64, 1, GW_TRAIN_GROUP_EP};
                sum += m->allreduce_s(m->ud, &tt, gd, 1e9);
                sum += m->alltoall_s(m->ud, &tt, ge, 1e8);
                sum += m->p2p_s(m->ud, &tt, true, 1e7);
                n += 3;
            }
            double dt = now_s() - t0;
            printf("%-52s %8.3f s  %.1f M calls/s (checksum %.3g)\n",
                   "closed-form collective model (search)", dt, (double)n / dt / 1e6, sum);
            gw_net_comm_free(nc);
        }
    }
    /* 6. The training search with the fabric's collective model. */
    gw_catalog *cat = NULL;
    const gw_model *m = NULL;
    const gw_accel *a = NULL;
    if (gw_catalog_load(ctx, NULL, &cat, &err) == GW_OK &&
        gw_catalog_model_find(cat, "deepseek-v3", &m, &err) == GW_OK &&
        gw_catalog_accel_find(cat, "h800-sxm", &a, &err) == GW_OK) {
        gw_net_fabric hf = fabric(2048, 8, 8, 200e9, 50e9, 64);
        hf.oversub[0] = 2.0;
        gw_net_topo ht;
        gw_net_comm *nc = NULL;
        static gw_train_result r;
        if (gw_net_topo_build(&hf, &ht, &err) == GW_OK &&
            gw_net_comm_new(ctx, &ht, 2048, &nc, &err) == GW_OK) {
            gw_ctx_set_threads(ctx, 1);
            for (int k = 0; k < 2; k++) {
                gw_train_opts o;
                gw_train_opts_init(&o);
                o.n_gpus = 2048;
                o.seq_len = 4096;
                o.global_batch_tokens = 62.9e6;
                o.batch_slack = 0.05;
                o.precision = GW_TRAIN_ANY;
                o.comm = k == 0 ? gw_net_comm_model(nc) : NULL;
                double best = 1e9;
                for (int rep = 0; rep < 3; rep++) {
                    double t0 = now_s();
                    if (gw_train_plan(ctx, cat, m, a, NULL, &o, &r, &err) != GW_OK) {
                        fprintf(stderr, "search: %s\n", err.msg);
                        bad = 1;
                        break;
                    }
                    double dt = now_s() - t0;
                    if (dt < best)
                        best = dt;
                }
                printf("%-52s %8.3f s  %.2f M evaluations/s on one core (%llu)\n",
                       k == 0 ? "deepseek-v3 search, 2,048 H800, 2:1 leaf, net model"
                              : "deepseek-v3 search, 2,048 H800, alpha-beta",
                       best, (double)r.n_evaluated / best / 1e6, (unsigned long long)r.n_evaluated);
            }
            gw_net_comm_free(nc);
        }
    }
    gw_catalog_free(cat);

    /* 7. Side by side with SimGrid. */
    const char *oracle = getenv("GW_SIMGRID_ORACLE");
    if (!oracle || !*oracle)
        oracle = GW_SIMGRID_ORACLE;
    if (!*oracle || access(oracle, X_OK) != 0) {
        printf("%-52s skipped: the SimGrid oracle is not built (tests/net/ORACLE.md)\n",
               "vs SimGrid");
    } else {
        /* tests/net/oracle_compare.py's a2a-4096x4-contended: all-to-all in
         * groups of 4 ranks 1,024 GPUs apart (every flow crosses the
         * oversubscribed leaf uplinks and the failed spine), and with
         * send/recv to the GPU 2,048 away at once: 4 flows out of every GPU. */
        gw_net_fabric c = fabric(4096, 8, 8, 450e9, 50e9, 64);
        c.oversub[0] = 3.0;
        c.down_frac[1] = 0.1;
        gw_net_op mix[2] = {{GW_NET_ALLTOALL, GW_NET_ALGO_DIRECT, 4, 1024, 100e6, 0.0, "ep"},
                            {GW_NET_SENDRECV, GW_NET_ALGO_DIRECT, 2, 2048, 100e6, 0.0, "pp"}};
        bad |= vs_simgrid(ctx, oracle, "4,096 GPUs all-to-all x4, 3:1 leaf (12,288 flows)", &c, mix,
                          1);
        bad |= vs_simgrid(ctx, oracle, "4,096 GPUs, 4 contended flows each (16,384)", &c, mix, 2);
    }
    gw_ctx_free(ctx);
    return bad;
}
