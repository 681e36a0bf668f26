/* SPDX-License-Identifier: MIT */
/*
 * fuzz_collectives.c: libFuzzer harness for the published-collectives CSV
 * reader of `gigawatt net --validate` (gw_net_validate, libcsv underneath):
 * every row is built into a fabric and simulated, so odd GPU counts, sizes
 * and domain texts reach the topology and the solver. Checked besides the
 * sanitizers: failures are input errors with a message, and a success
 * accounts for every row (compared or skipped with a reason).
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen */
#include <gigawatt/gigawatt.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static gw_ctx *ctx;
static gw_catalog *cat;
static gw_train_params *tp;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx) {
        ctx = gw_ctx_new(NULL, NULL);
        tp = calloc(1, sizeof *tp);
        if (!ctx || !tp || gw_catalog_load(ctx, NULL, &cat, NULL) != GW_OK ||
            gw_train_params_load(ctx, NULL, tp, NULL) != GW_OK)
            abort();
    }
    if (size > 4096)
        return 0; /* a few rows are enough; big GPU counts are capped below */
    char path[] = "/tmp/gw_fuzz_coll_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        unlink(path);
        return 0;
    }
    if (size && fwrite(data, 1, size, f) != size) {
        fclose(f);
        unlink(path);
        return 0;
    }
    fclose(f);
    gw_net_validation v;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw_net_validate(ctx, cat, tp, path, &v, &err);
    unlink(path);
    if (rc == GW_OK) {
        size_t skipped = 0;
        for (size_t i = 0; i < v.n_rows; i++)
            if (v.rows[i].skipped[0])
                skipped++;
        if (v.n_used + skipped != v.n_rows)
            abort();
        gw_net_validation_free(ctx, &v);
    } else if ((rc != GW_EPARSE && rc != GW_ESCHEMA && rc != GW_EIO) || !err.msg[0]) {
        abort();
    }
    return 0;
}
