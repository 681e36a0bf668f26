/* SPDX-License-Identifier: MIT */
/* test_env.c: shared unit-test set-up (see test_env.h). */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen */
#include "test_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

int gw_test_train_open(gw_test_train *f, const char *accel)
{
    gw_error err;
    memset(&err, 0, sizeof err);
    memset(f, 0, sizeof *f);
    if (gw_test_open(&f->ctx, &f->cat) != 0)
        return -1;
    if (gw_train_params_load(f->ctx, GW_SOURCE_DIR "/data", &f->p, &err) != GW_OK ||
        gw_catalog_accel_find(f->cat, accel, &f->accel, &err) != GW_OK) {
        char buf[1024];
        fprintf(stderr, "test set-up: %s\n", gw_error_format(&err, buf, sizeof buf));
        gw_test_close(f->ctx, f->cat);
        return -1;
    }
    gw_train_topo_for(f->cat, f->accel, NULL, &f->p, &f->topo);
    return 0;
}

void gw_test_train_close(gw_test_train *f)
{
    gw_test_close(f->ctx, f->cat);
}

gw_model gw_test_llama7b(void)
{
    gw_model m;
    memset(&m, 0, sizeof m);
    m.name = "llama-7b-test";
    m.model_type = "llama";
    m.n_layers = 32;
    m.hidden = 4096;
    m.n_heads = 32;
    m.n_kv_heads = 32;
    m.head_dim = 128;
    m.ffn_hidden = 11008;
    m.vocab = 32000;
    m.max_seq = 4096;
    m.mlp = GW_MLP_SWIGLU;
    return m;
}

gw_train_params gw_test_unit_params(void)
{
    gw_train_params p;
    memset(&p, 0, sizeof p);
    for (int i = 0; i < GW_PREC_COUNT; i++)
        p.gemm_eff_max[i] = 0.5;
    p.attn_eff = 0.5;
    p.mem_eff = 1.0;
    p.elementwise_bytes_per_elem = 2;
    p.scaleup_bw_eff = 1.0;
    p.scaleout_bw_eff = 1.0;
    p.default_nic_Bps = 50e9;
    p.grad_bytes_per_param = 4;
    p.moe_imbalance = 1.0;
    p.grouped_gemm_eff = 1.0;
    p.optimizer_bytes_per_param = 12;
    p.weight_bytes_per_param = 2;
    p.grad_acc_bytes_per_param = 4;
    p.cp_min_tokens = 1;
    return p;
}

int gw_test_cli(const char *args, char **out)
{
    *out = NULL;
    char path[] = "/tmp/gw_test_cli_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "GIGAWATT_DATA= '%s' %s >'%s' 2>&1", GW_BINARY, args, path);
    int st = system(cmd);
    FILE *in = fdopen(fd, "rb");
    char *buf = calloc(1, 1 << 20);
    if (!in || !buf) {
        free(buf);
        if (in)
            fclose(in);
        else
            close(fd);
        remove(path);
        return -1;
    }
    size_t n = fread(buf, 1, (1 << 20) - 1, in);
    buf[n] = '\0';
    fclose(in);
    remove(path);
    *out = buf;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
