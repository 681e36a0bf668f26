/* SPDX-License-Identifier: MIT */
/*
 * test_env.h: the set-up most unit tests share: a context and the catalog of
 * the source tree (data/, not the embedded copy, so a test sees the data as
 * edited), and a fresh default scenario per test.
 */
#ifndef GW_TEST_ENV_H
#define GW_TEST_ENV_H

#include <gigawatt/gigawatt.h>

/* Opens a context and loads GW_SOURCE_DIR/data, printing the located error
 * on failure. Returns 0, or -1 (a cmocka group-setup result). */
int gw_test_open(gw_ctx **ctx, gw_catalog **cat);
/* Frees what gw_test_open made; NULL-safe. */
void gw_test_close(gw_ctx *ctx, gw_catalog *cat);
/* Replaces *sc with a fresh copy of the built-in default scenario.
 * Returns 0 or -1. */
int gw_test_default_scenario(gw_ctx *ctx, gw_scenario **sc);

#endif /* GW_TEST_ENV_H */
