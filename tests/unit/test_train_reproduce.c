/* SPDX-License-Identifier: MIT */
/*
 * test_train_reproduce.c: one configuration, one answer (issue 15 item 5).
 * For every row of data/validation/calibration.csv, `gigawatt train` given
 * the row's layout (its empty cells left to the search, as validate does)
 * and the software facts of its run profile in data/train.yaml, as flags,
 * must print the step time `validate` predicts for that row, to 1e-9.
 * A fact that `train` could not be told (a hidden default that differs
 * from validate's) makes a row fail here. validate times collectives
 * without in-network reduction (the calibration rows do not say whether
 * their runs used NVLS or SHARP), so train is told network.in_network=off:
 * with it, the fabric's closed form takes SHARP where the catalog's
 * switch has it (docs/models/net.md section 4).
 */
#define _POSIX_C_SOURCE 200809L /* popen */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_env.h"

#define CSV GW_SOURCE_DIR "/data/validation/calibration.csv"

typedef struct fixture {
    gw_ctx *ctx;
    gw_catalog *cat;
} fixture;

static int setup(void **state)
{
    static fixture f;
    if (gw_test_open(&f.ctx, &f.cat) != 0)
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gw_test_close(f->ctx, f->cat);
    return 0;
}

/* Appends " flag value" to cmd when value is not empty. */
static void opt(char *cmd, size_t n, const char *flag, const char *value)
{
    if (value[0] == '\0')
        return;
    size_t used = strlen(cmd);
    snprintf(cmd + used, n - used, " %s %s", flag, value);
}

/* The step time of train.best in a --json document, or NaN. */
static double best_step(const char *json)
{
    const char *b = strstr(json, "\"best\": {");
    const char *s = b ? strstr(b, "\"step_time_s\": {") : NULL;
    const char *v = s ? strstr(s, "\"value\": ") : NULL;
    return v ? strtod(v + 9, NULL) : (double)NAN;
}

static void train_reproduces_validate(void **state)
{
    fixture *f = *state;
    gw_error err;
    gw_train_params p;
    assert_int_equal(gw_train_params_load(f->ctx, GW_SOURCE_DIR "/data", &p, &err), GW_OK);
    gw_train_validation *v = NULL;
    assert_int_equal(gw_train_validate_file(f->ctx, f->cat, CSV, &p, &v, &err), GW_OK);

    FILE *in = fopen(CSV, "r");
    assert_non_null(in);
    static char line[65536], cmd[4096], out[1 << 20];
    assert_non_null(fgets(line, sizeof line, in)); /* header */
    /* The optional columns this file carries, last in the header: the
     * software facts and the fabric its sources state. */
    line[strcspn(line, "\r\n")] = '\0';
    const char *tail = strstr(line, ",source,");
    assert_non_null(tail);
    assert_string_equal(tail, ",source,sequence_parallel,nic_gbps,flash_attention,"
                              "tp_comm_overlap,cuda_graphs,fp8_recipe,zero_shard,moe_a2a_overlap,"
                              "dp_sync");
    size_t row = 0, n_checked = 0, n_failed = 0;
    while (fgets(line, sizeof line, in)) {
        line[strcspn(line, "\r\n")] = '\0';
        /* Stated facts (the last nine fields, no commas in them) win over
         * the profile, as in validate. */
        const char *fact[9]; /* sequence_parallel, nic_gbps, flash, overlap, graphs, recipe,
                                zero_shard, moe_a2a_overlap, dp_sync */
        for (int k = 8; k >= 0; k--) {
            char *comma = strrchr(line, ',');
            assert_non_null(comma);
            fact[k] = comma + 1;
            *comma = '\0';
        }
        const char *sp_fact = fact[0];
        const char *nic = fact[1];
        /* The first 18 columns hold no commas or quotes. */
        char *c[18];
        char *q = line;
        for (int k = 0; k < 18; k++) {
            c[k] = q;
            q = strchr(q, ',');
            assert_non_null(q);
            *q++ = '\0';
        }
        assert_true(row < v->n_rows);
        const gw_train_vrow *r = &v->rows[row++];
        assert_string_equal(r->id, c[0]);
        assert_true(r->ok);
        /* The run profile validate applies: the longest matching prefix. */
        size_t best = 0;
        int k_prof = -1;
        for (size_t k = 0; k < p.n_profiles; k++) {
            size_t n = strlen(p.profile[k].prefix);
            if (n > best && strncmp(c[0], p.profile[k].prefix, n) == 0) {
                best = n;
                k_prof = (int)k;
            }
        }
        char zero[16] = "any", maxvpp[16] = "", gbytes[32] = "", imb[32] = "", gbt[64];
        if (c[11][0] != '\0')
            snprintf(zero, sizeof zero, "%s", c[11]);
        snprintf(gbt, sizeof gbt, "%.17g", strtod(c[15], NULL) * strtod(c[13], NULL));
        bool flash = true, overlap = true, seqpar = true, graphs = false, a2a = true;
        int recipe = GW_TRAIN_FP8_TENSOR;
        int dp_sync = GW_TRAIN_DP_SYNC_OVERLAP;
        if (k_prof >= 0) {
            flash = p.profile[k_prof].flash_attention;
            overlap = p.profile[k_prof].tp_comm_overlap;
            seqpar = p.profile[k_prof].seq_parallel;
            graphs = p.profile[k_prof].cuda_graphs;
            recipe = p.profile[k_prof].fp8_recipe;
            a2a = p.profile[k_prof].moe_a2a_overlap;
            dp_sync = p.profile[k_prof].dp_sync;
            if (c[11][0] == '\0' && p.profile[k_prof].zero >= 0)
                snprintf(zero, sizeof zero, "%d", p.profile[k_prof].zero);
            if (c[6][0] == '\0' && p.profile[k_prof].max_vpp > 0)
                snprintf(maxvpp, sizeof maxvpp, "%d", p.profile[k_prof].max_vpp);
            if (p.profile[k_prof].grad_bytes_per_param > 0)
                snprintf(gbytes, sizeof gbytes, "%gB", p.profile[k_prof].grad_bytes_per_param);
            if (p.profile[k_prof].moe_imbalance > 0)
                snprintf(imb, sizeof imb, "%g", p.profile[k_prof].moe_imbalance);
        }
        if (sp_fact[0] != '\0')
            seqpar = strcmp(sp_fact, "true") == 0;
        if (fact[2][0] != '\0')
            flash = strcmp(fact[2], "true") == 0;
        if (fact[3][0] != '\0')
            overlap = strcmp(fact[3], "true") == 0;
        if (fact[4][0] != '\0')
            graphs = strcmp(fact[4], "true") == 0;
        if (fact[7][0] != '\0')
            a2a = strcmp(fact[7], "true") == 0;
        if (fact[8][0] != '\0') {
            gw_train_dp_sync ds;
            assert_int_equal(gw_train_dp_sync_parse(fact[8], &ds), GW_OK);
            dp_sync = (int)ds;
        }
        if (fact[5][0] != '\0') {
            gw_train_fp8_recipe fr;
            assert_int_equal(gw_train_fp8_recipe_parse(fact[5], &fr), GW_OK);
            recipe = (int)fr;
        }
        snprintf(cmd, sizeof cmd,
                 "GIGAWATT_DATA=%s/data %s train --json -q --tokens 0 --top 0 --batch-tolerance 0 "
                 "--allow-idle-gpus 0 "
                 "--set network.in_network=off "
                 "--model %s/data/validation/%s --gpu %s --gpus %s --tp %s --pp %s --cp %s "
                 "--ep %s --dp %s --seq %s --global-batch-tokens %s --precision %s --zero %s "
                 "--recompute %s --flash-attention %s --tp-comm-overlap %s "
                 "--sequence-parallel %s --moe-a2a-overlap %s --dp-sync %s --fp8-recipe %s%s",
                 GW_SOURCE_DIR, GW_BINARY, GW_SOURCE_DIR, c[1], c[2], c[3], c[4], c[5], c[7], c[8],
                 c[10], c[13], gbt, c[16], zero, c[12][0] ? c[12] : "any", flash ? "on" : "off",
                 overlap ? "on" : "off", seqpar ? "on" : "off", a2a ? "on" : "off",
                 gw_train_dp_sync_name((gw_train_dp_sync)dp_sync),
                 gw_train_fp8_recipe_name((gw_train_fp8_recipe)recipe),
                 graphs ? " --cuda-graphs" : " --no-cuda-graphs");
        opt(cmd, sizeof cmd, "--vpp", strcmp(c[5], "1") == 0 ? "1" : c[6]);
        opt(cmd, sizeof cmd, "--etp", c[9]);
        opt(cmd, sizeof cmd, "--micro-batch", c[14]);
        opt(cmd, sizeof cmd, "--max-vpp", maxvpp);
        opt(cmd, sizeof cmd, "--grad-reduce-bytes", gbytes);
        opt(cmd, sizeof cmd, "--moe-imbalance", imb);
        char nicbw[48] = "";
        if (nic[0] != '\0')
            snprintf(nicbw, sizeof nicbw, "%sGb/s", nic);
        opt(cmd, sizeof cmd, "--nic-bandwidth", nicbw);
        opt(cmd, sizeof cmd, "--zero-shard", fact[6]);
        FILE *pipe = popen(cmd, "r");
        assert_non_null(pipe);
        size_t len = fread(out, 1, sizeof out - 1, pipe);
        out[len] = '\0';
        int status = pclose(pipe);
        double got = best_step(out);
        n_checked++;
        if (status != 0 || !(fabs(got - r->predicted_s) <= 1e-9 * r->predicted_s)) {
            print_error("%s: train %.9g s, validate %.9g s (exit %d)\n  %s\n", r->id, got,
                        r->predicted_s, status, cmd);
            n_failed++;
        }
    }
    fclose(in);
    assert_int_equal(n_checked, v->n_rows);
    assert_int_equal(n_failed, 0);
    gw_train_validation_free(f->ctx, v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(train_reproduces_validate),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
