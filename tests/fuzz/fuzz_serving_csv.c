/* SPDX-License-Identifier: MIT */
/*
 * fuzz_serving_csv.c: libFuzzer harness for the serving-measurement CSV
 * reader of `gigawatt infer --validate` (gw_infer_validate_file, libcsv
 * underneath). The input
 * is written to a temporary file next to a copy of nothing else, so model
 * configs it names are missing: those rows must be reported as not
 * evaluated, never crash. Checked besides the sanitizers: failures are
 * input errors with a message, and a success accounts for every row.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx) {
        ctx = gw_ctx_new(NULL, NULL);
        gw_ctx_set_threads(ctx, 1);
        if (!ctx || gw_catalog_load(ctx, NULL, &cat, NULL) != GW_OK)
            abort();
    }
    char path[] = "/tmp/gw_fuzz_scsv_XXXXXX";
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
    gw_infer_validation *v = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw_infer_validate_file(ctx, cat, path, NULL, false, &v, &err);
    unlink(path);
    if (rc == GW_OK) {
        if (!v || v->n_ok > v->n_rows)
            abort();
        gw_infer_validation_free(ctx, v);
    } else if ((rc != GW_EPARSE && rc != GW_ESCHEMA && rc != GW_ERANGE && rc != GW_EIO) ||
               !err.msg[0]) {
        abort();
    }
    return 0;
}
