/* SPDX-License-Identifier: MIT */
/*
 * bench_sweep: `gigawatt sweep` on 1 thread and on 2 threads, for 1,000
 * `train` points (Llama 3 8B on 64 to 64,000 GPUs, step 64) and 100 `run`
 * points (the default scenario, 10k to 1M GPUs, 100 log steps). Prints the
 * wall time, points/s and the speedup (target: >= 1.8x on 2 cores).
 * Arguments: [TRAIN_POINTS [RUN_POINTS]] to make it shorter. It runs the
 * gigawatt program next to it (the build folder).
 */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
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

/* Runs the sweep with `threads` threads into a fresh DB; returns seconds or
 * a negative number on failure. */
static double run(const char *bin, const char *dir, const char *args, int threads)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' sweep %s -j %d -q --overwrite --db '%s/bench_sweep.db'", bin,
             args, threads, dir);
    double t0 = now_s();
    int rc = system(cmd);
    double dt = now_s() - t0;
    return rc == 0 ? dt : -1.0;
}

static int bench(const char *bin, const char *dir, const char *name, const char *args, long n)
{
    double t1 = run(bin, dir, args, 1), t2 = run(bin, dir, args, 2);
    if (t1 < 0 || t2 < 0) {
        fprintf(stderr, "bench_sweep: %s: the sweep failed\n", name);
        return 1;
    }
    printf(
        "%-6s %5ld points   1 thread %7.2f s (%6.1f points/s)   2 threads %7.2f s (%6.1f points/s)"
        "   speedup %.2fx (target >= 1.8x)\n",
        name, n, t1, (double)n / t1, t2, (double)n / t2, t1 / t2);
    return 0;
}

int main(int argc, char **argv)
{
    long n_train = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
    long n_run = argc > 2 ? strtol(argv[2], NULL, 10) : 100;
    char self[PATH_MAX], bin[PATH_MAX + 16];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0)
        return 1;
    self[len] = '\0';
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = '\0';
    snprintf(bin, sizeof bin, "%s/gigawatt", self);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    printf("bench_sweep: gigawatt sweep, 1 vs 2 threads (%ld cores online)\n", cores);
    char args[512];
    int fail = 0;
    if (n_train > 0) {
        snprintf(args, sizeof args,
                 "--command train --set workload.model=llama3-8b --vary cluster.gpus=64:%ld:64",
                 64 * n_train);
        fail |= bench(bin, self, "train", args, n_train);
    }
    if (n_run > 0) {
        snprintf(args, sizeof args, "--command run --vary cluster.gpus=10k:1M:log%ld", n_run);
        fail |= bench(bin, self, "run", args, n_run);
    }
    char db[PATH_MAX + 32];
    snprintf(db, sizeof db, "%s/bench_sweep.db", self);
    remove(db);
    return fail;
}
