/* SPDX-License-Identifier: MIT */
/*
 * fuzz_hf_config.c: libFuzzer harness for the Hugging Face config.json
 * importer (gw_catalog_model_from_hf_buffer). The input is the file's text,
 * named "fuzz.json" (so libfyaml parses it as JSON, as for real configs).
 * Checked besides the sanitizers: the status and the error record agree, a
 * failure leaves *out NULL, and an imported model has finite, positive
 * parameter counts with active <= total.
 */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    if (!ctx)
        abort();
    gw_model *m = (gw_model *)(uintptr_t)1; /* must be reset to NULL on failure */
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc =
        gw_catalog_model_from_hf_buffer(ctx, (const char *)data, size, "fuzz.json", NULL, &m, &err);
    char line[1024];
    gw_error_format(&err, line, sizeof line);
    if (rc != GW_OK) {
        if (m != NULL || err.code != rc || err.msg[0] == '\0' || rc == GW_EINTERNAL ||
            rc == GW_EINVAL)
            abort();
    } else {
        gw_model_params p;
        gw_catalog_model_params(m, &p);
        if (!m || !isfinite(p.total) || !isfinite(p.active) || !(p.total > 0) || !(p.active > 0) ||
            p.active > p.total * (1.0 + 1e-12) || m->params_total != p.total || m->n_layers < 1 ||
            m->hidden < 1 || m->n_heads < 1 || m->n_kv_heads < 1 || m->head_dim < 1)
            abort();
        gw_model_free(ctx, m);
    }
    gw_ctx_free(ctx);
    return 0;
}
