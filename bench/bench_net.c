/* SPDX-License-Identifier: MIT */
/*
 * bench_net.c: speed and memory of the flow-level network model (issue 11
 * targets, 2-core machine):
 *   1. 64 MB all-reduce on 16,384 GPUs (2-tier fat tree, H100 nodes,
 *      hierarchical ring and the automatic choice): < 0.1 s, < 100 MB RSS;
 *   2. all-reduce on 1,048,576 GPUs over a 4-tier fat tree: < 1 s, < 1 GB;
 *   3. EP all-to-all (groups of 64) on 1,048,576 GPUs: < 1 s, < 1 GB;
 *   4. the same 16,384-GPU all-reduce expanded (one variable per flow),
 *      against the collapsed solver;
 *   5. the search's closed form: collective-model calls per second;
 *   6. the training search on one thread with the fat tree's closed form
 *      against the alpha-beta model (target: >= 1M evaluations/s/core).
 * Prints wall time, peak RSS growth (VmHWM) and the answer of each case.
 * Run: make bench && ./build/bench_net
 */
#define _POSIX_C_SOURCE 200809L
#include <gigawatt/gigawatt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
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
    double m0 = peak_mb(), t0 = now_s();
    gw_net_sim_result r;
    gw_status rc = gw_net_simulate(ctx, &t, f->gpus, &op, 1, mode, &r, &err);
    double dt = now_s() - t0;
    if (rc != GW_OK) {
        fprintf(stderr, "%s: %s\n", name, err.msg);
        return 1;
    }
    printf("%-52s %8.3f s  peak RSS %7.1f MB (+%.1f)  %-12s busbw %7.1f GB/s  flows %.3g -> "
           "%.0f classes\n",
           name, dt, peak_mb(), peak_mb() - m0, gw_net_algo_name(r.op[0].algo),
           r.op[0].busbw_Bps / 1e9, r.flows, r.flow_classes);
    return 0;
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
    bad |= run(ctx, "16k H100 all-reduce 64MB, auto (ring/tree/hier)", &h, ar,
               GW_NET_MODE_COLLAPSED);
    ar.algo = GW_NET_ALGO_HIER;
    bad |= run(ctx, "16k H100 all-reduce 64MB, hierarchical, expanded", &h, ar,
               GW_NET_MODE_EXPANDED);
    /* 1M GPUs in 8-GPU NVLink nodes (HGX B200-like: 900 GB/s NVLink, 800G
     * NICs), radix-64 switches: 4 tiers. */
    gw_net_fabric g = fabric(1048576, 8, 8, 900e9, 100e9, 64);
    gw_net_op big = {GW_NET_ALLREDUCE, GW_NET_ALGO_AUTO, 1048576, 1, 64e6, 0.0, NULL};
    bad |= run(ctx, "1M B200 all-reduce 64MB, auto, 4-tier", &g, big, GW_NET_MODE_COLLAPSED);
    big.algo = GW_NET_ALGO_HIER;
    bad |= run(ctx, "1M B200 all-reduce 64MB, hierarchical, 4-tier", &g, big,
               GW_NET_MODE_COLLAPSED);
    gw_net_op a2a = {GW_NET_ALLTOALL, GW_NET_ALGO_DIRECT, 64, 1, 256e6, 0.0, NULL};
    bad |= run(ctx, "1M B200 EP all-to-all (64 ranks) 256MB, 4-tier", &g, a2a,
               GW_NET_MODE_COLLAPSED);
    gw_net_op a2a2 = {GW_NET_ALLTOALL, GW_NET_ALGO_DIRECT, 256, 1, 256e6, 0.0, NULL};
    bad |= run(ctx, "1M B200 EP all-to-all (256 ranks) 256MB, 4-tier", &g, a2a2,
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
                       best, (double)r.n_evaluated / best / 1e6,
                       (unsigned long long)r.n_evaluated);
            }
            gw_net_comm_free(nc);
        }
    }
    gw_catalog_free(cat);
    gw_ctx_free(ctx);
    return bad;
}
