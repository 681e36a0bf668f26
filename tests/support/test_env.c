/* SPDX-License-Identifier: MIT */
/* test_env.c: shared unit-test set-up (see test_env.h). */
#include "test_env.h"

#include <stdio.h>
#include <string.h>

int gw_test_open(gw_ctx **ctx, gw_catalog **cat)
{
    gw_error err;
    memset(&err, 0, sizeof err);
    *cat = NULL;
    *ctx = gw_ctx_new(NULL, NULL);
    if (!*ctx)
        return -1;
    if (gw_catalog_load(*ctx, GW_SOURCE_DIR "/data", cat, &err) != GW_OK) {
        char buf[1024];
        fprintf(stderr, "test set-up: catalog: %s\n", gw_error_format(&err, buf, sizeof buf));
        gw_ctx_free(*ctx);
        *ctx = NULL;
        return -1;
    }
    return 0;
}

void gw_test_close(gw_ctx *ctx, gw_catalog *cat)
{
    gw_catalog_free(cat);
    gw_ctx_free(ctx);
}

int gw_test_default_scenario(gw_ctx *ctx, gw_scenario **sc)
{
    gw_scenario_free(*sc);
    *sc = NULL;
    return gw_scenario_load(ctx, NULL, NULL, 0, sc, NULL) == GW_OK ? 0 : -1;
}
