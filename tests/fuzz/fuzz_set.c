/* SPDX-License-Identifier: MIT */
/*
 * fuzz_set.c: libFuzzer harness for `--set key.path=value` overrides.
 *
 * Input layout: lines separated by '\n'. If a line is exactly "%%", the
 * lines before it are a base scenario document (loaded with
 * gw_scenario_load_buffer), and the lines after it are overrides; without
 * "%%" every line is an override applied to the built-in default scenario.
 * Checked besides the sanitizers: status and error record agree, failures
 * leave *out NULL, and an override error is located at "--set" (no file
 * position), unless the base document itself is at fault.
 */
#include <gigawatt/gigawatt.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SETS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';
    /* Find the "%%" separator line. */
    char *base = NULL, *sets = text;
    size_t base_len = 0;
    for (char *p = text; p && *p;) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len == 2 && p[0] == '%' && p[1] == '%') {
            base = text;
            base_len = (size_t)(p - text);
            sets = nl ? nl + 1 : p + len;
            break;
        }
        p = nl ? nl + 1 : NULL;
    }
    const char *ov[MAX_SETS];
    size_t n = 0;
    for (char *p = sets; *p && n < MAX_SETS;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        ov[n++] = p;
        if (!nl)
            break;
        p = nl + 1;
    }
    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    if (!ctx)
        abort();
    gw_scenario *sc = (gw_scenario *)(uintptr_t)1;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc;
    if (base)
        rc = gw_scenario_load_buffer(ctx, base, base_len, "base.yaml", ov, n, &sc, &err);
    else
        rc = gw_scenario_load(ctx, NULL, ov, n, &sc, &err);
    char line[1024];
    gw_error_format(&err, line, sizeof line);
    if (rc != GW_OK) {
        if (sc != NULL || err.code != rc || err.msg[0] == '\0' || rc == GW_EINTERNAL ||
            rc == GW_EINVAL)
            abort();
        /* The default scenario is valid, so with it every error is an override's. */
        if (!base && (err.line != 0 || strncmp(err.where, "--set", 5) != 0))
            abort();
    } else {
        if (!sc)
            abort();
        gw_scenario_free(sc);
    }
    gw_ctx_free(ctx);
    free(text);
    return 0;
}
