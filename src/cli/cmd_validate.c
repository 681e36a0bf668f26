/* SPDX-License-Identifier: MIT */
/*
 * cmd_validate.c: `gigawatt validate FILE.csv`: predicted vs measured step
 * times of published training runs. The library (gw_train_validate_file,
 * gw_train_fit) does the work; this file renders. The text output ends with
 * exactly one summary line:
 *   validate: N runs, median |error| X.X%, mean |error| Y.Y%, max |error| Z.Z% (id)
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIT 32

static void help(void)
{
    printf("usage: gigawatt validate FILE.csv [--json] [--fit P1,P2,...] [--fit-subset "
           "all|dense|extended] [--cuda-graphs]\n\n"
           "Predicts the step time of every run in FILE.csv (the schema of\n"
           "reference/runs/README.md: model configs relative to the CSV's folder, one fixed\n"
           "parallel configuration per row; empty vpp/micro_batch/zero/recompute cells are\n"
           "searched for the fastest feasible value) and prints per run: id, measured,\n"
           "predicted and signed error. Runs that cannot be evaluated are listed with the\n"
           "reason and counted separately. The last line summarises |error| over all\n"
           "evaluated runs.\n\n"
           "  --fit P1,P2   fit these data/train.yaml parameters to the file first (coordinate\n"
           "                descent within plausible bounds) and print the fitted values\n"
           "  --fit-subset  rows the fit minimises the error on (default all)\n"
           "  --cuda-graphs read every run as if its MoE expert blocks ran without host\n"
           "                overhead (host_op_time 0), whatever its run profile says\n\n"
           "options: --json, --csv validate.runs (the per-run table), -o FILE, --data DIR,\n"
           "         --threads N\n");
}

static void print_stats(const char *label, const gw_train_validation *v,
                        const gw_train_vstats *s)
{
    if (s->n == 0)
        return;
    printf("%s: %zu runs, median |error| %.1f%%, mean |error| %.1f%%, max |error| %.1f%% (%s)\n",
           label, s->n, 100.0 * s->median_abs, 100.0 * s->mean_abs, 100.0 * s->max_abs,
           v->rows[s->i_max].id);
}

static void print_families(const gw_train_validation *v)
{
    char seen[64][64];
    size_t n_seen = 0;
    for (size_t i = 0; i < v->n_rows && n_seen < 64; i++) {
        const char *f = v->rows[i].family;
        bool dup = false;
        for (size_t j = 0; j < n_seen; j++)
            dup = dup || strcmp(seen[j], f) == 0;
        if (dup)
            continue;
        snprintf(seen[n_seen++], sizeof seen[0], "%s", f);
        size_t n = 0;
        double sum = 0, mx = 0, sgn = 0;
        for (size_t k = 0; k < v->n_rows; k++) {
            const gw_train_vrow *r = &v->rows[k];
            if (!r->ok || strcmp(r->family, f) != 0)
                continue;
            double e = r->error < 0 ? -r->error : r->error;
            sum += e;
            sgn += r->error;
            if (e > mx)
                mx = e;
            n++;
        }
        if (n > 0)
            printf("  family %-14s %2zu runs  mean |error| %5.1f%%  mean error %+6.1f%%  max "
                   "|error| %5.1f%%\n",
                   f, n, 100.0 * sum / (double)n, 100.0 * sgn / (double)n, 100.0 * mx);
    }
}

int gw_cmd_validate(gw_cli *cli, int argc, char **argv)
{
    const char *file = NULL, *fit = NULL;
    int subset = 0;
    bool graphs = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            help();
            return 0;
        }
        int c = gw_cli_common_opt(cli, argc, argv, &i);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        if (gw_cli_is_opt(a, "--fit")) {
            if (!(fit = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
        } else if (gw_cli_is_opt(a, "--fit-subset")) {
            const char *v = gw_cli_optval(cli, argc, argv, &i);
            if (!v)
                return 2;
            if (strcmp(v, "all") == 0)
                subset = 0;
            else if (strcmp(v, "dense") == 0)
                subset = 1;
            else if (strcmp(v, "extended") == 0)
                subset = 2;
            else
                return gw_cli_usage_error(cli, "--fit-subset: expected all, dense or extended, "
                                               "got \"%s\"",
                                          v);
        } else if (strcmp(a, "--cuda-graphs") == 0) {
            graphs = true;
        } else if (a[0] == '-') {
            return gw_cli_usage_error(cli, "unknown option \"%s\"", a);
        } else if (file) {
            return gw_cli_usage_error(cli, "unexpected argument \"%s\"", a);
        } else {
            file = a;
        }
    }
    if (!file)
        return gw_cli_usage_error(cli, "expected a CSV file (see --help)");

    int code = 0;
    gw_catalog *cat = gw_cli_catalog(cli, &code);
    if (!cat)
        return code;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_train_params p;
    gw_status rc = gw_train_params_load(cli->ctx, cli->data_dir, &p, &err);
    if (rc != GW_OK)
        return gw_cli_fail(cli, &err);
    if (graphs)
        p.host_op_time = 0.0;

    gw_train_validation *v = NULL;
    if (fit) {
        char buf[1024];
        const char *names[MAX_FIT];
        size_t n = 0;
        snprintf(buf, sizeof buf, "%s", fit);
        char *save = buf;
        while (save && *save && n < MAX_FIT) {
            char *comma = strchr(save, ',');
            if (comma)
                *comma = '\0';
            names[n++] = save;
            save = comma ? comma + 1 : NULL;
        }
        rc = gw_train_fit(cli->ctx, cat, file, names, n, subset, 3, &p, &v, &err);
        if (rc == GW_ENOTFOUND && !err.path[0] && !err.where[0])
            snprintf(err.where, sizeof err.where, "--fit"); /* a name the flag gave */
    } else {
        rc = gw_train_validate_file(cli->ctx, cat, file, &p, &v, &err);
    }
    if (rc != GW_OK)
        return gw_cli_fail(cli, &err);

    if (cli->json || cli->output || cli->csv) {
        gw_doc *doc = gw_cli_doc(cli);
        if (!doc) {
            gw_train_validation_free(cli->ctx, v);
            return 1;
        }
        gw_train_validation_report(doc, gw_doc_root(doc), v);
        code = gw_cli_emit(cli, doc);
        gw_doc_free(doc);
        gw_train_validation_free(cli->ctx, v);
        return code;
    }

    if (fit) {
        printf("fitted parameters (subset %s):\n",
               subset == 0 ? "all" : subset == 1 ? "dense" : "extended");
        printf("  gemm_eff_max_bf16 %.4f\n  gemm_eff_max_fp8 %.4f\n  gemm_half_flop %.4g\n"
               "  attn_eff %.4f\n  mem_eff %.4f\n  elementwise_bytes_per_elem %.3f\n"
               "  tp_overlap %.4f\n  dp_overlap %.4f\n  scaleup_bw_eff %.4f\n"
               "  step_overhead %.4f\n  grouped_gemm_eff %.4f\n  grouped_gemm_eff_fp8 %.4f\n"
               "  moe_imbalance %.4f\n"
               "  ep_overlap %.4f\n  cp_overlap %.4f\n  fp8_cast_bytes_per_elem %.3f\n"
               "  legacy_score_bytes %.3f\n  gemm_eff_max_fp4 %.4f\n  scaleout_bw_eff %.4f\n"
               "  host_op_time %.3g s\n",
               p.gemm_eff_max[GW_PREC_BF16], p.gemm_eff_max[GW_PREC_FP8], p.gemm_half_flop,
               p.attn_eff, p.mem_eff, p.elementwise_bytes_per_elem, p.tp_overlap, p.dp_overlap,
               p.scaleup_bw_eff, p.step_overhead_s, p.grouped_gemm_eff, p.grouped_gemm_eff_fp8,
               p.moe_imbalance,
               p.ep_overlap, p.cp_overlap, p.fp8_cast_bytes_per_elem, p.legacy_score_bytes,
               p.gemm_eff_max[GW_PREC_FP4], p.scaleout_bw_eff, p.host_op_time);
    }
    printf("%-52s %12s %12s %8s  %s\n", "id", "measured_s", "predicted_s", "error",
           "evaluated as (empty CSV cells searched)");
    for (size_t i = 0; i < v->n_rows; i++) {
        const gw_train_vrow *r = &v->rows[i];
        const gw_train_config *c = &r->eval.cfg;
        if (r->ok)
            printf("%-52s %12.4g %12.4g %+7.1f%%  vpp%d mb%d %s zero%d\n", r->id, r->measured_s,
                   r->predicted_s, 100.0 * r->error, c->vpp, c->micro_batch,
                   gw_train_recompute_name(c->recompute), c->zero);
    }
    for (size_t i = 0; i < v->n_rows; i++) {
        const gw_train_vrow *r = &v->rows[i];
        if (!r->ok)
            printf("%-52s %12.4g %12s  not evaluated: %s\n", r->id, r->measured_s, "-",
                   r->reason);
    }
    print_families(v);
    if (v->n_skipped > 0)
        printf("not evaluated: %zu runs\n", v->n_skipped);
    print_stats("dense", v, &v->dense);
    print_stats("moe/fp8/cp", v, &v->extended);
    if (v->all.n > 0) {
        print_stats("validate", v, &v->all);
    } else {
        printf("validate: 0 runs, median |error| 0.0%%, mean |error| 0.0%%, max |error| 0.0%% "
               "(none)\n");
    }
    gw_train_validation_free(cli->ctx, v);
    return 0;
}
