/* SPDX-License-Identifier: MIT */
/*
 * cmd_infer.c: `gigawatt infer`: serving throughput, latency, the
 * throughput-interactivity frontier and the AI-factory figures (tokens/s
 * per MW, energy per token, $ per million tokens) of a model on N GPUs;
 * with --validate, predictions against published serving measurements.
 * Values not given as flags come from the scenario's serving.* keys (and
 * workload.model, cluster.accelerator, cluster.gpus). The work is done by
 * gw_infer_plan, gw_site_plan and gw_econ_evaluate; this file parses flags
 * and renders.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("usage: gigawatt infer [SCENARIO.yaml] [--model NAME|config.json] [--gpu NAME]\n"
           "                      [--gpus N] [--system NAME] [--tp N] [--ep N] [--pp N]\n"
           "                      [--precision bf16|fp8|fp4|any] [--kv-precision bf16|fp8|any]\n"
           "                      [--input-len T] [--output-len T] [--concurrency N]\n"
           "                      [--ttft S] [--tpot S] [--disagg] [--json]\n"
           "       gigawatt infer --validate FILE.csv [--loso]\n\n"
           "Predicts the serving throughput of a model with continuous batching: output\n"
           "tokens/s over all GPUs and per GPU, time to first token (TTFT), time per output\n"
           "token (TPOT) and tokens/s per user, searching replica layouts (TP, EP), weight\n"
           "and KV precisions and batches for the most tokens/s per GPU within the latency\n"
           "bounds, with the throughput-interactivity frontier and the AI-factory figures\n"
           "(tokens/s per MW of facility power, energy per token, $ per million tokens).\n"
           "Defaults come from the scenario (serving.*, workload.model, cluster.*).\n\n"
           "  --model        catalog model name or a Hugging Face config.json\n"
           "  --gpu          accelerator catalog name (h100-sxm, b200, ...)\n"
           "  --gpus         GPUs serving (replicas of TP x EP GPUs fill them)\n"
           "  --system       server/rack catalog name (network figures)\n"
           "  --tp --ep      fix tensor / expert parallelism of a replica (EP > TP: the\n"
           "                 attention runs data-parallel over EP/TP groups)\n"
           "  --pp N         fix the pipeline stages of a replica (default: 1, 2, 4, 8\n"
           "                 searched)\n"
           "  --precision    weights and GEMMs: bf16, fp8, fp4 or any (searched)\n"
           "  --kv-precision KV cache: bf16 (default), fp8 or any\n"
           "  --input-len    prompt tokens per request (default 1024)\n"
           "  --output-len   generated tokens per request (default 1024, >= 1)\n"
           "  --concurrency  requests in flight over all GPUs (default: searched)\n"
           "  --ttft S       bound on the time to first token (e.g. 2s, 500ms)\n"
           "  --tpot S       bound on the time per output token (e.g. 50ms)\n"
           "  --disagg       also search disaggregated serving: separate prefill and\n"
           "                 decode pools, the KV cache sent between them, the best\n"
           "                 pool ratio\n"
           "  --validate F   predict the rows of a serving-measurement CSV\n"
           "                 (data/validation/serving.csv) and print the errors\n"
           "  --loso         with --validate: leave-one-source-out errors (the fitted\n"
           "                 parameters refitted without each source's rows)\n\n"
           "options: --json, -o FILE, --set KEY=VALUE, --data DIR, --threads N\n");
}

static bool ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* "bf16"/"fp8"/"fp4"/"any" -> gw_precision or GW_INFER_ANY; -2 when not
 * allowed (kv: bf16, fp8, any). */
static int prec_value(const char *v, bool kv)
{
    gw_precision p;
    if (strcmp(v, "any") == 0)
        return GW_INFER_ANY;
    if (gw_precision_parse(v, &p) != GW_OK)
        return -2;
    if (p == GW_PREC_BF16 || p == GW_PREC_FP8 || (!kv && p == GW_PREC_FP4))
        return (int)p;
    return -2;
}

static int run_validate(gw_cli *cli, const char *path, bool loso)
{
    int code = 0;
    gw_catalog *cat = gw_cli_catalog(cli, &code);
    if (!cat)
        return code;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_infer_validation *v = NULL;
    gw_status rc = gw_infer_validate_file(cli->ctx, cat, path, cli->data_dir, loso, &v, &err);
    if (rc != GW_OK)
        return gw_cli_fail(cli, &err);
    gw_doc *doc = gw_cli_doc(cli);
    if (!doc) {
        gw_infer_validation_free(cli->ctx, v);
        return 1;
    }
    gw_infer_validation_report(doc, gw_doc_root(doc), v);
    code = gw_cli_emit(cli, doc);
    gw_doc_free(doc);
    gw_infer_validation_free(cli->ctx, v);
    return code;
}

/* Facility power per GPU and $/GPU-hour of n_gpus of accel on the
 * scenario's site (gw_site_plan, gw_econ_evaluate); a note when they
 * cannot be computed. */
static void factory(gw_cli *cli, gw_doc *doc, const gw_catalog *cat, gw_scenario *sc,
                    const gw_accel *accel, const gw_system *sys, gw_infer_result *res)
{
    gw_site_result *site = calloc(1, sizeof *site);
    gw_econ_result *econ = calloc(1, sizeof *econ);
    gw_error err;
    memset(&err, 0, sizeof err);
    if (!site || !econ) {
        free(site);
        free(econ);
        return;
    }
    sc->cluster.accelerator = accel->name;
    sc->cluster.system = sys ? sys->name : "";
    sc->cluster.nic = "";
    sc->cluster.fabric_switch = "";
    sc->cluster.gpus = res->opts.n_gpus;
    sc->site.n_phases = 0;
    sc->site.power_w = 0;
    gw_status rc = gw_site_plan(cli->ctx, cat, sc, site, &err);
    if (rc == GW_OK)
        rc = gw_econ_evaluate(cli->ctx, cat, sc, site, econ, &err);
    if (rc == GW_OK && site->gpus > 0)
        rc = gw_infer_factory(res, site->facility_power_w / site->gpus, site->pue,
                              econ->usd_per_gpu_hour, &err);
    if (rc != GW_OK) {
        char buf[700];
        gw_doc_note(doc, "infer: no AI-factory figures: %s",
                    gw_error_format(&err, buf, sizeof buf));
    }
    free(site);
    free(econ);
}

int gw_cmd_infer(gw_cli *cli, int argc, char **argv)
{
    const char *model_arg = NULL, *gpu_arg = NULL, *sys_arg = NULL, *path = NULL;
    const char *validate = NULL;
    bool loso = false;
    double gpus = 0, in_len = 0, out_len = 0, conc = 0, ttft = 0, tpot = 0;
    long long tp = 0, ep = 0, ppv = 0;
    bool disagg = false;
    int prec = -3, kvprec = -3;

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (gw_cli_is_help(a)) {
            help();
            return 0;
        }
        int c = gw_cli_common_opt(cli, argc, argv, &i);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        const char *v = NULL;
        if (gw_cli_is_opt(a, "--model")) {
            if (!(model_arg = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
        } else if (gw_cli_is_opt(a, "--gpu")) {
            if (!(gpu_arg = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
        } else if (gw_cli_is_opt(a, "--system")) {
            if (!(sys_arg = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
        } else if (gw_cli_is_opt(a, "--validate")) {
            if (!(validate = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
        } else if (strcmp(a, "--loso") == 0) {
            loso = true;
        } else if (gw_cli_is_opt(a, "--gpus")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)) ||
                !gw_cli_parse_count(cli, "--gpus", v, 1, 1e8, &gpus))
                return 2;
        } else if (gw_cli_is_opt(a, "--input-len")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)) ||
                !gw_cli_parse_count(cli, "--input-len", v, 1, 1e7, &in_len))
                return 2;
        } else if (gw_cli_is_opt(a, "--output-len")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)) ||
                !gw_cli_parse_count(cli, "--output-len", v, 1, 1e7, &out_len))
                return 2;
        } else if (gw_cli_is_opt(a, "--concurrency")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)) ||
                !gw_cli_parse_count(cli, "--concurrency", v, 1, 1e9, &conc))
                return 2;
        } else if (gw_cli_is_opt(a, "--tp")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)) ||
                !gw_cli_parse_int(cli, "--tp", v, 1, 1024, &tp))
                return 2;
        } else if (gw_cli_is_opt(a, "--pp")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)) ||
                !gw_cli_parse_int(cli, "--pp", v, 1, 64, &ppv))
                return 2;
        } else if (strcmp(a, "--disagg") == 0) {
            disagg = true;
        } else if (gw_cli_is_opt(a, "--ep")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)) ||
                !gw_cli_parse_int(cli, "--ep", v, 1, 65536, &ep))
                return 2;
        } else if (gw_cli_is_opt(a, "--precision") || gw_cli_is_opt(a, "--kv-precision")) {
            bool kv = gw_cli_is_opt(a, "--kv-precision");
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            int p = prec_value(v, kv);
            if (p == -2)
                return gw_cli_usage_error(cli, "%s: expected %s or any, got \"%s\"",
                                          kv ? "--kv-precision" : "--precision",
                                          kv ? "bf16, fp8" : "bf16, fp8, fp4", v);
            *(kv ? &kvprec : &prec) = p;
        } else if ((c = gw_cli_num_opt(cli, argc, argv, &i, "--ttft", GW_DIM_TIME, 1e-9, 3600.0,
                                       &ttft)) != 0) {
            if (c < 0)
                return 2;
        } else if ((c = gw_cli_num_opt(cli, argc, argv, &i, "--tpot", GW_DIM_TIME, 1e-9, 60.0,
                                       &tpot)) != 0) {
            if (c < 0)
                return 2;
        } else if (gw_cli_positional(cli, a, &path) != 0) {
            return 2;
        }
    }
    if (loso && !validate)
        return gw_cli_usage_error(cli, "--loso needs --validate FILE.csv");
    if (validate)
        return run_validate(cli, validate, loso);

    gw_catalog *cat = NULL;
    gw_scenario *sc = NULL;
    int code = gw_cli_setup(cli, path, NULL, &cat, &sc);
    if (code != 0)
        return code;
    gw_error err;
    memset(&err, 0, sizeof err);
    const gw_accel *accel = NULL;
    const gw_system *sys = NULL;
    const gw_model *model = NULL;
    gw_model *owned = NULL;
    gw_status rc = GW_OK;
    const char *margs = model_arg ? model_arg : sc->serving.model;
    const char *mflag = model_arg ? "--model" : "serving.model";
    if (!margs[0] || !gpu_arg) {
        const gw_accel *sa = NULL;
        const gw_system *ss = NULL;
        const gw_model *sm = NULL;
        rc = gw_scenario_resolve(cli->ctx, sc, cat, &sa, &ss, margs[0] ? NULL : &sm, &err);
        if (rc != GW_OK)
            goto fail;
        if (!gpu_arg) {
            accel = sa;
            if (!sys_arg)
                sys = ss;
        }
        if (!margs[0])
            model = sm;
    }
    if (gpu_arg) {
        rc = gw_catalog_accel_find(cat, gpu_arg, &accel, &err);
        if (rc != GW_OK) {
            snprintf(err.where, sizeof err.where, "--gpu");
            goto fail;
        }
    }
    if (sys_arg) {
        rc = gw_catalog_system_find(cat, sys_arg, &sys, &err);
        if (rc != GW_OK) {
            snprintf(err.where, sizeof err.where, "--system");
            goto fail;
        }
    }
    if (margs[0]) {
        if (ends_with(margs, ".json") || strchr(margs, '/') != NULL) {
            rc = gw_catalog_model_from_hf(cli->ctx, margs, NULL, &owned, &err);
            model = owned;
        } else {
            rc = gw_catalog_model_find(cat, margs, &model, &err);
            if (rc != GW_OK)
                snprintf(err.where, sizeof err.where, "%s", mflag);
        }
        if (rc != GW_OK)
            goto fail;
    }

    gw_infer_opts o;
    gw_infer_opts_init(&o);
    o.n_gpus = gpus > 0 ? gpus : sc->serving.gpus > 0 ? sc->serving.gpus : sc->cluster.gpus;
    o.input_len = in_len > 0 ? in_len : sc->serving.input_len;
    o.output_len = out_len > 0 ? out_len : sc->serving.output_len;
    o.concurrency = conc > 0 ? conc : sc->serving.concurrency;
    o.tp = tp > 0 ? (int)tp : sc->serving.tp > 0 ? sc->serving.tp : GW_INFER_ANY;
    o.ep = ep > 0 ? (int)ep : sc->serving.ep > 0 ? sc->serving.ep : GW_INFER_ANY;
    o.pp = ppv > 0 ? (int)ppv : sc->serving.pp > 0 ? sc->serving.pp : GW_INFER_ANY;
    o.disagg = disagg || sc->serving.disagg;
    o.precision = prec != -3 ? prec : prec_value(sc->serving.precision, false);
    o.kv_precision = kvprec != -3 ? kvprec : prec_value(sc->serving.kv_precision, true);
    o.ttft_s = ttft > 0 ? ttft : sc->serving.ttft_s;
    o.tpot_s = tpot > 0 ? tpot : sc->serving.tpot_s;
    o.data_dir = cli->data_dir;
    if (!(o.n_gpus >= 1)) {
        rc = GW_ERANGE;
        snprintf(err.where, sizeof err.where, "--gpus");
        snprintf(err.msg, sizeof err.msg, "no GPU count (give --gpus or cluster.gpus)");
        err.code = rc;
        goto fail;
    }

    gw_infer_result *res = calloc(1, sizeof *res);
    gw_doc *doc = gw_cli_doc(cli);
    if (!res || !doc) {
        free(res);
        gw_doc_free(doc);
        gw_model_free(cli->ctx, owned);
        gw_scenario_free(sc);
        return 1;
    }
    rc = gw_infer_plan(cli->ctx, cat, model, accel, sys, &o, res, &err);
    if (rc != GW_OK) {
        /* Name what the user typed: the flag or the scenario key. */
        if (strcmp(err.where, "tpot") == 0)
            snprintf(err.where, sizeof err.where, "%s", tpot > 0 ? "--tpot" : "serving.tpot");
        else if (strcmp(err.where, "ttft") == 0)
            snprintf(err.where, sizeof err.where, "%s", ttft > 0 ? "--ttft" : "serving.ttft");
        else if (strcmp(err.where, "concurrency") == 0)
            snprintf(err.where, sizeof err.where, "%s",
                     conc > 0 ? "--concurrency" : "serving.concurrency");
        code = gw_cli_fail(cli, &err);
    } else {
        factory(cli, doc, cat, sc, accel, sys, res);
        gw_infer_report(doc, gw_doc_root(doc), res);
        code = gw_cli_emit(cli, doc);
    }
    gw_doc_free(doc);
    free(res);
    gw_model_free(cli->ctx, owned);
    gw_scenario_free(sc);
    return code;
fail:
    gw_model_free(cli->ctx, owned);
    gw_scenario_free(sc);
    return gw_cli_fail(cli, &err);
}
