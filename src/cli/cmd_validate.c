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
    printf(
        "usage: gigawatt validate FILE.csv [--json] [--cv family] [--baseline]\n"
        "                         [--fit P1,P2,...] [--fit-subset all|dense|extended] [--fit-plan] "
        "[--cuda-graphs]\n\n"
        "Predicts the step time of every run in FILE.csv (the schema of\n"
        "data/validation/README.md: model configs relative to the CSV's folder, one fixed\n"
        "parallel configuration per row; empty vpp/micro_batch/zero/recompute cells are\n"
        "searched for the fastest feasible value) and prints per run: id, measured,\n"
        "predicted and signed error. Runs that cannot be evaluated are listed with the\n"
        "reason and counted separately. The last line summarises |error| over all\n"
        "evaluated runs.\n\n"
        "  --cv family   held-out errors: refit data/train.yaml's fit_plan with one source\n"
        "                family (id prefix) left out at a time and predict that family;\n"
        "                the last line reads 'validate (held out): ...'\n"
        "  --baseline    also predict every run at one constant MFU per precision, fitted\n"
        "                on the same rows (the other families' with --cv), per family\n"
        "  --fit P1,P2   fit these data/train.yaml parameters to the file first (coordinate\n"
        "                descent within plausible bounds) and print the fitted values\n"
        "  --fit-subset  rows the fit minimises the error on (default all)\n"
        "  --fit-plan    run data/train.yaml's fit_plan on the file (every planned\n"
        "                parameter started from the middle of its range, as each\n"
        "                --cv fold does) and print the fitted values: what train.yaml ships\n"
        "  --cuda-graphs read every run as if its MoE expert blocks ran without host\n"
        "                overhead (host_op_time 0), whatever its run profile says\n\n"
        "options: --json, --csv validate.runs (the per-run table), -o FILE, --data DIR,\n"
        "         --threads N\n");
}

static void print_stats(const char *label, const gw_train_validation *v, const gw_train_vstats *s)
{
    if (s->n == 0)
        return;
    printf("%s: %zu runs, median |error| %.1f%%, mean |error| %.1f%%, max |error| %.1f%% (%s)\n",
           label, s->n, 100.0 * s->median_abs, 100.0 * s->mean_abs, 100.0 * s->max_abs,
           v->rows[s->i_max].id);
}

static void print_families(const gw_train_validation *v)
{
    for (size_t k = 0; k < v->n_families; k++) {
        const gw_train_vfamily *f = &v->families[k];
        if (f->model.n == 0)
            continue;
        printf("  family %-14s %2zu runs  mean |error| %5.1f%%  mean error %+6.1f%%  max "
               "|error| %5.1f%%",
               f->name, f->model.n, 100.0 * f->model.mean_abs, 100.0 * f->mean_error,
               100.0 * f->model.max_abs);
        if (v->has_baseline)
            printf("  | baseline mean |error| %5.1f%%  max |error| %5.1f%%%s",
                   100.0 * f->baseline.mean_abs, 100.0 * f->baseline.max_abs,
                   f->model.mean_abs < f->baseline.mean_abs ? "" : "  (baseline better)");
        printf("\n");
    }
}

int gw_cmd_validate(gw_cli *cli, int argc, char **argv)
{
    const char *file = NULL, *fit = NULL;
    int subset = 0;
    bool graphs = false, cv = false, baseline = false, plan = false;
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
                return gw_cli_usage_error(cli,
                                          "--fit-subset: expected all, dense or extended, "
                                          "got \"%s\"",
                                          v);
        } else if (gw_cli_is_opt(a, "--cv")) {
            const char *v = gw_cli_optval(cli, argc, argv, &i);
            if (!v)
                return 2;
            if (strcmp(v, "family") != 0)
                return gw_cli_usage_error(cli,
                                          "--cv: expected family (leave one source family "
                                          "out), got \"%s\"",
                                          v);
            cv = true;
        } else if (strcmp(a, "--fit-plan") == 0) {
            plan = true;
        } else if (strcmp(a, "--baseline") == 0) {
            baseline = true;
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
    if (cv && fit)
        return gw_cli_usage_error(cli, "--cv refits data/train.yaml's fit_plan; it cannot be "
                                       "combined with --fit");
    if (plan && (fit || cv))
        return gw_cli_usage_error(cli, "--fit-plan runs data/train.yaml's fit_plan; it cannot "
                                       "be combined with --fit or --cv");

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
    } else if (plan) {
        gw_train_params q;
        rc = gw_train_fit_plan(cli->ctx, cat, file, &p, 3, &q, &v, &err);
        if (rc == GW_OK)
            p = q;
    } else if (cv) {
        rc = gw_train_crossval(cli->ctx, cat, file, &p, 3, &v, &err);
    } else {
        rc = gw_train_validate_file(cli->ctx, cat, file, &p, &v, &err);
    }
    if (rc != GW_OK)
        return gw_cli_fail(cli, &err);
    if (baseline && gw_train_baseline(cli->ctx, v, cv) != GW_OK) {
        gw_train_validation_free(cli->ctx, v);
        fprintf(gw_cli_errf(cli), "gigawatt: out of memory\n");
        return 1;
    }

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

    if (fit || plan) {
        if (plan)
            printf("fitted parameters (data/train.yaml fit_plan, every planned parameter "
                   "started from the middle of its range):\n");
        else
            printf("fitted parameters (subset %s):\n", subset == 0   ? "all"
                                                       : subset == 1 ? "dense"
                                                                     : "extended");
        printf("  gemm_eff_max_bf16 %.4f\n  gemm_eff_max_fp8 %.4f\n  gemm_half_flop %.4g\n"
               "  attn_eff %.4f\n  mem_eff %.4f\n  elementwise_bytes_per_elem %.3f\n"
               "  tp_overlap %.4f\n  dp_overlap %.4f\n  scaleup_bw_eff %.4f\n"
               "  step_overhead %.4f\n  grouped_gemm_eff %.4f\n  grouped_gemm_eff_fp8 %.4f\n"
               "  moe_imbalance %.4f\n"
               "  ep_overlap %.4f\n  cp_overlap %.4f\n  fp8_cast_bytes_per_elem %.3f\n"
               "  legacy_score_bytes %.3f\n  gemm_eff_max_fp4 %.4f\n  scaleout_bw_eff %.4f\n"
               "  host_op_time %.3g s\n  overlap_slowdown %.4f\n",
               p.gemm_eff_max[GW_PREC_BF16], p.gemm_eff_max[GW_PREC_FP8], p.gemm_half_flop,
               p.attn_eff, p.mem_eff, p.elementwise_bytes_per_elem, p.tp_overlap, p.dp_overlap,
               p.scaleup_bw_eff, p.step_overhead_s, p.grouped_gemm_eff, p.grouped_gemm_eff_fp8,
               p.moe_imbalance, p.ep_overlap, p.cp_overlap, p.fp8_cast_bytes_per_elem,
               p.legacy_score_bytes, p.gemm_eff_max[GW_PREC_FP4], p.scaleout_bw_eff, p.host_op_time,
               p.overlap_slowdown);
    }
    printf("%-52s %12s %12s %8s  %s\n", "id", "measured_s", "predicted_s", "error",
           "evaluated as (empty CSV cells searched)");
    for (size_t i = 0; i < v->n_rows; i++) {
        const gw_train_vrow *r = &v->rows[i];
        const gw_train_config *c = &r->eval.cfg;
        if (!r->ok)
            continue;
        char extra[64] = "";
        if (c->zero >= 1 && c->zero_shard > 0 && c->zero_shard < c->dp * c->cp)
            snprintf(extra, sizeof extra, " shard%d", c->zero_shard);
        if (c->pp_first > 0 || c->pp_last > 0)
            snprintf(extra + strlen(extra), sizeof extra - strlen(extra), " stages first%d last%d",
                     c->pp_first, c->pp_last);
        printf("%-52s %12.4g %12.4g %+7.1f%%  vpp%d mb%d %s zero%d%s\n", r->id, r->measured_s,
               r->predicted_s, 100.0 * r->error, c->vpp, c->micro_batch,
               gw_train_recompute_name(c->recompute), c->zero, extra);
    }
    for (size_t i = 0; i < v->n_rows; i++) {
        const gw_train_vrow *r = &v->rows[i];
        if (!r->ok)
            printf("%-52s %12.4g %12s  not evaluated: %s\n", r->id, r->measured_s, "-", r->reason);
    }
    print_families(v);
    if (v->n_skipped > 0)
        printf("not evaluated: %zu runs\n", v->n_skipped);
    print_stats("dense", v, &v->dense);
    print_stats("moe/fp8/cp", v, &v->extended);
    if (v->held_out) {
        print_stats("validate (in sample)", v, &v->in_sample);
        printf("interval (%.0f%%): x%.3f to x%.3f of the prediction (log(measured/predicted) "
               "mean %+.4f, sd %.4f); leave-one-family-out coverage %.1f%% (%zu of %zu)\n",
               100.0 * v->interval_level, v->interval_lo_factor, v->interval_hi_factor,
               v->interval_log_mean, v->interval_log_sd, 100.0 * v->interval_coverage,
               v->interval_inside, v->all.n);
        /* How far each fitted value moved between folds, as a share of the
         * range the fit searches: a wide spread means the rows pin the
         * parameter down weakly. */
        printf("fold spread (fitted value over the folds, share of the searched range):");
        for (size_t k = 0; k < v->n_fold_params; k++) {
            double w = v->fold_param[k].range_hi - v->fold_param[k].range_lo;
            printf("%s %s %.4g..%.4g (%.0f%%)", k ? ";" : "", v->fold_param[k].name,
                   v->fold_param[k].lo, v->fold_param[k].hi,
                   w > 0 ? 100.0 * (v->fold_param[k].hi - v->fold_param[k].lo) / w : 0.0);
        }
        printf("\n");
    }
    if (v->has_baseline) {
        printf("baseline MFU by precision:");
        for (int k = 0; k < GW_PREC_COUNT; k++) {
            if (v->baseline_mfu[k] > 0)
                printf(" %s %.1f%%", gw_precision_name((gw_precision)k),
                       100.0 * v->baseline_mfu[k]);
        }
        printf(" (fitted on all rows)\n");
        print_stats(v->baseline_held_out ? "baseline (held out)" : "baseline", v, &v->baseline_all);
    }
    if (v->all.n > 0) {
        print_stats(v->held_out ? "validate (held out)" : "validate", v, &v->all);
    } else {
        printf("validate: 0 runs, median |error| 0.0%%, mean |error| 0.0%%, max |error| 0.0%% "
               "(none)\n");
    }
    gw_train_validation_free(cli->ctx, v);
    return 0;
}
