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

/* What the training-model tests share: the catalog, data/train.yaml's
 * parameters, one accelerator and its default topology. */
typedef struct gw_test_train {
    gw_ctx *ctx;
    gw_catalog *cat;
    gw_train_params p;
    const gw_accel *accel;
    gw_train_topo topo;
} gw_test_train;

/* Fills *f for accelerator `accel` (catalog name), printing the located
 * error on failure. Returns 0 or -1 (a cmocka group-setup result). */
int gw_test_train_open(gw_test_train *f, const char *accel);
/* Frees what gw_test_train_open made. */
void gw_test_train_close(gw_test_train *f);
/* The cmocka group set-up and tear-down of a test file whose state is a
 * gw_test_train for accelerator `accel`. */
#define GW_TEST_TRAIN_FIXTURE(accel)             \
    static int setup(void **state)               \
    {                                            \
        static gw_test_train f_;                 \
        if (gw_test_train_open(&f_, accel) != 0) \
            return -1;                           \
        *state = &f_;                            \
        return 0;                                \
    }                                            \
    static int teardown(void **state)            \
    {                                            \
        gw_test_train_close(*state);             \
        return 0;                                \
    }

/* Round synthetic step-model parameters (GEMMs at half of peak, memory and
 * links at full rate, mixed-precision Adam state), for tests that check
 * the model's arithmetic rather than data/train.yaml's values. Everything
 * else is 0. */
gw_train_params gw_test_unit_params(void);

/* Llama-2-7B's shape (32 layers, hidden 4096, SwiGLU 11008, vocab 32000). */
gw_model gw_test_llama7b(void);

/* Runs `gigawatt ARGS` (the built CLI, GW_BINARY, with GIGAWATT_DATA
 * unset) through the shell; its stdout and stderr together land in *out
 * (NUL-terminated, at most 1 MiB; the caller frees). Returns the exit
 * status, or -1 when the command could not be run or read (*out NULL). */
int gw_test_cli(const char *args, char **out);

#endif /* GW_TEST_ENV_H */
