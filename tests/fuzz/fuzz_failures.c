/* SPDX-License-Identifier: MIT */
/*
 * fuzz_failures.c: libFuzzer harness for the reliability model's failure
 * catalog, data/failures.yaml (gw__rel_model_parse, the parser behind
 * gw_rel_plan; a user replaces the file with `--data DIR` or
 * $GIGAWATT_DATA). The input is the file's text, named
 * "fuzz/failures.yaml".
 *
 * Checked besides the sanitizers: the status and the error record agree; a
 * failure is an input error with a message that names the file, a line and
 * a column (except "input too large") and leaves *out NULL. A catalog that
 * loads is then used: written to a temporary data directory, it plans a
 * 16,384-GPU job analytically (gw_rel_plan, no Monte Carlo) under each of
 * its profiles, which must succeed or fail with an input error, and give a
 * goodput in [0, 1] and finite, non-negative interruption figures.
 *
 * Build: make fuzz (clang, -DGW_FUZZ=ON). The corpus in corpus/failures/
 * is replayed by ctest (fuzz_replay/failures).
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <gigawatt/gigawatt.h>

#include "rel/rel_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NAME "fuzz/failures.yaml"

static gw_ctx *cat_ctx;
static gw_catalog *cat;
static char dir[] = "/tmp/gw_fuzz_failures_XXXXXX";
static char file[sizeof dir + 32];

static void cleanup(void)
{
    unlink(file);
    rmdir(dir);
}

static void setup(void)
{
    cat_ctx = gw_ctx_new(NULL, NULL);
    if (!cat_ctx || gw_catalog_load(cat_ctx, NULL, &cat, NULL) != GW_OK || !mkdtemp(dir))
        abort();
    gw_ctx_set_threads(cat_ctx, 1);
    snprintf(file, sizeof file, "%s/failures.yaml", dir);
    atexit(cleanup);
}

static void plan(const uint8_t *data, size_t size, const gw__rel_model *m)
{
    FILE *f = fopen(file, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    for (size_t i = 0; i < m->n_profiles; i++) {
        gw_rel_job job;
        gw_rel_job_init(&job);
        job.accelerator = "h100-sxm";
        job.gpus = 16384;
        job.duration_s = 54.0 * 86400.0;
        job.profile = m->profiles[i].name;
        job.data_dir = dir;
        gw_rel_result *r = calloc(1, sizeof *r);
        if (!r)
            abort();
        gw_error err;
        memset(&err, 0, sizeof err);
        gw_status rc = gw_rel_plan(cat_ctx, cat, &job, r, &err);
        if (rc != GW_OK) {
            if (err.code != rc || err.msg[0] == '\0' || rc == GW_EINTERNAL || rc == GW_EINVAL)
                abort();
        } else if (!(r->goodput >= 0 && r->goodput <= 1) || !(r->mtti_s >= 0) ||
                   !(r->checkpoint_interval_s >= 0) || isnan(r->mtti_all_s)) {
            abort();
        }
        free(r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cat_ctx)
        setup();
    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    if (!ctx)
        abort();
    gw__rel_model *m = (gw__rel_model *)(uintptr_t)1; /* must stay as it is on failure */
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw__rel_model_parse(ctx, (const char *)data, size, NAME, &m, &err);
    char line[1024];
    gw_error_format(&err, line, sizeof line);
    if (rc != GW_OK) {
        if (m != (gw__rel_model *)(uintptr_t)1 || err.code != rc || err.msg[0] == '\0' ||
            rc == GW_EINTERNAL || rc == GW_EINVAL)
            abort();
        if (rc != GW_ENOMEM && strcmp(err.path, NAME) != 0)
            abort(); /* the file must be named */
        if (rc != GW_ENOMEM && strncmp(err.msg, "input too large", 15) != 0 &&
            (err.line < 1 || err.column < 1))
            abort(); /* and the place in it */
    } else {
        if (!m || m->n_profiles < 1 || m->n_profiles > GW__REL_MAX_PROFILES ||
            m->default_index >= m->n_profiles || m->n_generations > GW__REL_MAX_GENERATIONS)
            abort();
        plan(data, size, m);
        gw__rel_model_free(ctx, m);
    }
    gw_ctx_free(ctx);
    return 0;
}
