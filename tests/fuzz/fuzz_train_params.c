/* SPDX-License-Identifier: MIT */
/*
 * fuzz_train_params.c: libFuzzer harness for the step model's parameter
 * file, data/train.yaml (gw__train_params_parse, the parser behind
 * gw_train_params_load; a user replaces the file with `--data DIR` or
 * $GIGAWATT_DATA). The input is the file's text, named "fuzz/train.yaml".
 *
 * Checked besides the sanitizers: the status and the error record agree; a
 * failure is an input error with a message that names the file and a
 * line and column (except "input too large", about the file as a whole);
 * a failure leaves *out untouched. Parameters that
 * load are then used: one dense and one MoE FP8 configuration are
 * evaluated with them (gw_train_eval_config) and must give a finite,
 * non-negative step time or a rejection, never a crash, a hang or UB
 * (a parameter file in range must not break the model).
 *
 * Build: make fuzz (clang, -DGW_FUZZ=ON). The corpus in
 * corpus/train_params/ is replayed by ctest (fuzz_replay/train_params).
 */
#include <gigawatt/gigawatt.h>

#include "train/train_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NAME "fuzz/train.yaml"

static gw_ctx *cat_ctx;
static gw_catalog *cat;
static const gw_accel *h100;
static const gw_model *dense, *moe;

static void setup(void)
{
    cat_ctx = gw_ctx_new(NULL, NULL);
    if (!cat_ctx || gw_catalog_load(cat_ctx, NULL, &cat, NULL) != GW_OK ||
        gw_catalog_accel_find(cat, "h100-sxm", &h100, NULL) != GW_OK ||
        gw_catalog_model_find(cat, "llama3.1-8b", &dense, NULL) != GW_OK ||
        gw_catalog_model_find(cat, "mixtral-8x7b", &moe, NULL) != GW_OK)
        abort();
}

static void eval_one(const gw_model *m, const gw_train_params *p, const gw_train_config *c)
{
    gw_train_topo t;
    gw_train_eval e;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_train_topo_for(cat, h100, NULL, p, &t);
    if (gw_train_eval_config(m, h100, &t, p, NULL, c, 8192, 256, &e, &err) != GW_OK)
        abort(); /* only bad arguments fail, and these are good */
    if (e.reject == GW_TRAIN_OK &&
        (!isfinite(e.time.step_s) || !(e.time.step_s >= 0) || !isfinite(e.mfu) || !(e.mfu >= 0)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cat_ctx)
        setup();
    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    gw_train_params *p = malloc(sizeof *p);
    if (!ctx || !p)
        abort();
    memset(p, 0x5a, sizeof *p); /* must stay as it is on failure */
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw__train_params_parse(ctx, (const char *)data, size, NAME, p, &err);
    char line[1024];
    gw_error_format(&err, line, sizeof line);
    if (rc != GW_OK) {
        if (err.code != rc || err.msg[0] == '\0' || rc == GW_EINTERNAL || rc == GW_EINVAL)
            abort();
        if (rc != GW_ENOMEM && strcmp(err.path, NAME) != 0)
            abort(); /* the file must be named */
        if (rc != GW_ENOMEM && strncmp(err.msg, "input too large", 15) != 0 &&
            (err.line < 1 || err.column < 1))
            abort(); /* and the place in it */
        for (size_t i = 0; i < sizeof *p; i++) {
            if (((const unsigned char *)p)[i] != 0x5a)
                abort();
        }
    } else {
        gw_train_config c;
        memset(&c, 0, sizeof c);
        c.tp = 8;
        c.pp = 4;
        c.vpp = 2;
        c.dp = 8;
        c.cp = 1;
        c.ep = 1;
        c.etp = 1;
        c.micro_batch = 1;
        c.recompute = GW_TRAIN_RECOMPUTE_SELECTIVE;
        c.zero = 1;
        c.precision = GW_PREC_BF16;
        c.seq_parallel = true;
        eval_one(dense, p, &c);
        c.tp = 2;
        c.pp = 1;
        c.vpp = 1;
        c.dp = 32;
        c.cp = 2;
        c.ep = 8;
        c.zero = 3;
        c.recompute = GW_TRAIN_RECOMPUTE_FULL;
        c.precision = GW_PREC_FP8;
        c.cp_comm = GW_TRAIN_CP_ALLGATHER;
        eval_one(moe, p, &c);
    }
    free(p);
    gw_ctx_free(ctx);
    return 0;
}
