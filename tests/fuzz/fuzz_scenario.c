/* SPDX-License-Identifier: MIT */
/*
 * fuzz_scenario.c: libFuzzer harness for scenario files. The input is a
 * scenario YAML document; it is loaded, and when it loads, resolved against
 * the embedded catalog (accelerator, system and, unless it names a
 * config.json file, the model). Checked besides the sanitizers: the status
 * and the error record agree, a failure leaves *out NULL and a message, and
 * a loaded scenario satisfies the schema's ranges.
 *
 * Build: make fuzz (clang, -DGW_FUZZ=ON). The corpus in corpus/scenario/ is
 * replayed by ctest (fuzz_replay/scenario) in every build.
 */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Loaded once and kept for the process (reachable, so not a leak). */
    static gw_ctx *cat_ctx;
    static gw_catalog *cat;
    if (!cat_ctx) {
        cat_ctx = gw_ctx_new(NULL, NULL);
        if (!cat_ctx || gw_catalog_load(cat_ctx, NULL, &cat, NULL) != GW_OK)
            abort();
    }
    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    if (!ctx)
        abort();
    gw_scenario *sc = (gw_scenario *)(uintptr_t)1; /* must be reset to NULL on failure */
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc =
        gw_scenario_load_buffer(ctx, (const char *)data, size, "fuzz.yaml", NULL, 0, &sc, &err);
    char line[1024];
    gw_error_format(&err, line, sizeof line);
    if (rc != GW_OK) {
        if (sc != NULL || err.code != rc || err.msg[0] == '\0')
            abort();
        /* Input errors only: the loader must never report a bug or a bad API use. */
        if (rc == GW_EINTERNAL || rc == GW_EINVAL)
            abort();
    } else {
        if (!sc || sc->cluster.planes < 1 || sc->cluster.planes > 16 ||
            sc->site.n_phases > GW_SCENARIO_MAX_PHASES || !(sc->site.power_w >= 0) ||
            !isfinite(sc->workload.tokens) || !sc->name || !sc->cluster.accelerator)
            abort();
        const gw_accel *a = NULL;
        const gw_system *s = NULL;
        const gw_model *m = NULL;
        size_t ml = strlen(sc->workload.model);
        int json = ml >= 5 && strcmp(sc->workload.model + ml - 5, ".json") == 0;
        memset(&err, 0, sizeof err);
        rc = gw_scenario_resolve(ctx, sc, cat, &a, &s, json ? NULL : &m, &err);
        gw_error_format(&err, line, sizeof line);
        if (rc != GW_OK && (err.code != rc || err.msg[0] == '\0' || rc == GW_EINTERNAL))
            abort();
        if (rc == GW_OK && (!a || !s || (!json && !m)))
            abort();
        gw_scenario_free(sc);
    }
    gw_ctx_free(ctx);
    return 0;
}
