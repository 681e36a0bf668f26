/* SPDX-License-Identifier: MIT */
/*
 * bench_report.c: speed of `gigawatt report` as a library call
 * (gw_plan_report_html on the built-in default scenario, page written to
 * /dev/null). Target (issue 13): under 3 s on the 2-core machine. Prints the
 * catalog load, and the best and median of 5 report runs.
 * Run: make bench && ./build/bench_report
 */
#define _POSIX_C_SOURCE 200809L
#include <gigawatt/gigawatt.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(void)
{
    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    gw_catalog *cat = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    double t0 = now_s();
    if (!ctx || gw_catalog_load(ctx, NULL, &cat, &err) != GW_OK) {
        fprintf(stderr, "catalog: %s\n", err.msg);
        return 1;
    }
    printf("catalog load            %8.3f s\n", now_s() - t0);
    FILE *out = fopen("/dev/null", "w");
    if (!out)
        return 1;
    enum { RUNS = 5 };
    double t[RUNS];
    for (int i = 0; i < RUNS; i++) {
        const char *y = gw_scenario_default_yaml();
        gw_scenario *sc = NULL;
        if (gw_scenario_load_buffer(ctx, y, strlen(y), "default", NULL, 0, &sc, &err) != GW_OK) {
            fprintf(stderr, "scenario: %s\n", err.msg);
            return 1;
        }
        t0 = now_s();
        gw_status rc = gw_plan_report_html(ctx, cat, sc, out, &err);
        t[i] = now_s() - t0;
        gw_scenario_free(sc);
        if (rc != GW_OK) {
            fprintf(stderr, "report: %s\n", err.msg);
            return 1;
        }
    }
    for (int i = 1; i < RUNS; i++) /* insertion sort */
        for (int j = i; j > 0 && t[j - 1] > t[j]; j--) {
            double v = t[j];
            t[j] = t[j - 1];
            t[j - 1] = v;
        }
    printf("report (default)        %8.3f s best, %.3f s median of %d (target < 3 s)\n", t[0],
           t[RUNS / 2], RUNS);
    fclose(out);
    gw_catalog_free(cat);
    gw_ctx_free(ctx);
    return 0;
}
