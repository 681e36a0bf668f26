/* SPDX-License-Identifier: MIT */
/*
 * cmd_rel.c: `gigawatt rel`: interruptions, checkpoint interval and goodput
 * of one synchronous training job, analytically and by Monte Carlo
 * (gw_rel_plan). The job comes from flags (--gpu/--gpus ...), from a
 * scenario file, or from the built-in default scenario when neither is given.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void help(void)
{
    printf(
        "usage: gigawatt rel [SCENARIO.yaml] [--gpu NAME --gpus N] [options]\n\n"
        "Interruptions by cause, mean time to interruption, the optimal checkpoint interval\n"
        "and the goodput (effective training time ratio) of one synchronous training job.\n"
        "Without --gpu the job is the scenario's cluster (the built-in default scenario when\n"
        "no file is given).\n\n"
        "job:\n"
        "  --gpu NAME            accelerator (catalog name), e.g. h100-sxm\n"
        "  --system NAME         server/rack system (default: the accelerator's)\n"
        "  --gpus N              GPUs in the job\n"
        "  --gpus-per-node N     override the system's GPUs per node\n"
        "  --days D              wall-clock window in days (e.g. 54; default 30)\n"
        "  --work-days D         failure-free compute time of the run instead of a window\n"
        "  --params P            model parameters (e.g. 405e9; default from data/failures.yaml)\n"
        "  --model NAME          catalog model (its parameter count)\n"
        "  --checkpoint-bytes B  checkpoint size (default: params x bytes/param)\n"
        "failure model:\n"
        "  --profile NAME        failure profile in data/failures.yaml (--list-profiles)\n"
        "  --rate-scale X        multiply unexpected failure rates by X\n"
        "  --lemon FRAC          unscreened lemon-node fraction (e.g. 1.2%%)\n"
        "  --weibull K           Weibull shape of hardware failures (1 = exponential)\n"
        "  --fleet-age DUR       component age at job start (Weibull), e.g. 30d\n"
        "policy:\n"
        "  --interval DUR        checkpoint interval (default: optimal), e.g. 10min\n"
        "  --write-bw BW         checkpoint write bandwidth, e.g. 2TB/s\n"
        "  --async               asynchronous checkpoints (snapshot, background write)\n"
        "  --detect DUR          failure detection time\n"
        "  --restart DUR         restart time (default grows with job size)\n"
        "  --spares FRAC         hot-spare nodes as a fraction of nodes (default unlimited)\n"
        "  --repair DUR          node repair time\n"
        "  --no-stragglers       stragglers are detected and removed\n"
        "  --target G            goodput target for the 'what it takes' answers (0.9)\n"
        "fault-tolerance levers (docs/models/rel.md):\n"
        "  --in-memory           in-memory checkpoints copied to a peer host (no storage read)\n"
        "  --elastic             elastic data parallelism: go on with fewer replicas\n"
        "  --partial             partial restart: only the affected replica restarts\n"
        "  --hot-spares          in-job hot spares: swap in a warm node, no rescheduling\n"
        "  --fast-detect         in-band failure detection (heartbeats, transport timeouts)\n"
        "  --replica-gpus N      GPUs per data-parallel replica (default: from the model size)\n"
        "  --lever-search        goodput under each lever alone and the cheapest set reaching\n"
        "                        the target, at each of --lever-gpus\n"
        "  --lever-gpus LIST     GPU counts of the lever search (default 100k,300k,1M)\n"
        "Monte Carlo:\n"
        "  --trials N            simulate N runs (0: analytic only)\n"
        "  --seed S              random seed (default 1)\n"
        "  --search              search the interval that maximises simulated goodput\n"
        "  --search-trials N     trials per search point (default min(trials, 200))\n\n"
        "options: --json, --csv rel.causes, -o FILE, --data DIR, --set KEY=VALUE, --threads N,\n"
        "         --quiet (see 'gigawatt --help')\n");
}

static int list_profiles(gw_cli *cli)
{
    char names[32][GW_REL_NAME_LEN];
    size_t n = 0, def = 0;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw_rel_profiles(cli->ctx, cli->data_dir, names, 32, &n, &def, &err);
    if (rc != GW_OK)
        return gw_cli_fail(cli, &err);
    gw_doc *doc = gw_cli_doc(cli);
    if (!doc)
        return 1;
    gw_doc_node *arr = gw_doc_arr(doc, gw_doc_root(doc), "profiles", "Failure profiles");
    for (size_t i = 0; i < n && i < 32; i++) {
        gw_doc_node *o = gw_doc_obj(doc, arr, NULL, NULL);
        gw_doc_str(doc, o, "name", "profile", names[i]);
        gw_doc_bool(doc, o, "default", "default", i == def);
    }
    int code = gw_cli_emit(cli, doc);
    gw_doc_free(doc);
    return code;
}

/* The lever a flag names, or -1. */
static int lever_flag(const char *a)
{
    static const char *const flags[GW_REL_N_LEVERS] = {"--in-memory", "--elastic", "--partial",
                                                       "--hot-spares", "--fast-detect"};
    for (int k = 0; k < (int)GW_REL_N_LEVERS; k++) {
        if (strcmp(a, flags[k]) == 0)
            return k;
    }
    return -1;
}

#define MAX_LEVER_GPUS 8

/* "100k,300k,1M" -> counts; false (after a usage error) on a bad list. */
static bool parse_lever_gpus(gw_cli *cli, const char *text, double *out, size_t *n)
{
    char buf[256];
    *n = 0;
    if (strlen(text) >= sizeof buf || text[0] == '\0') {
        gw_cli_usage_error(cli, "--lever-gpus: expected a comma-separated list of GPU counts");
        return false;
    }
    memcpy(buf, text, strlen(text) + 1);
    char *p = buf;
    while (p) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (*n >= MAX_LEVER_GPUS) {
            gw_cli_usage_error(cli, "--lever-gpus: at most %d counts", MAX_LEVER_GPUS);
            return false;
        }
        double v = 0.0;
        if (!gw_cli_parse_num(cli, "--lever-gpus", p, GW_DIM_TOKENS, 1.0, 1e9, &v))
            return false;
        if (floor(v) != v) {
            gw_cli_usage_error(cli, "--lever-gpus: expected whole numbers, got %.17g", v);
            return false;
        }
        out[(*n)++] = v;
        p = comma ? comma + 1 : NULL;
    }
    return true;
}

typedef struct num_flag {
    const char *flag;
    gw_dim dim;
    double lo, hi;
    double *dst;
} num_flag;

int gw_cmd_rel(gw_cli *cli, int argc, char **argv)
{
    gw_rel_job job, fl; /* fl: what the flags say, laid over the scenario's job */
    gw_rel_job_init(&job);
    gw_rel_job_init(&fl);
    const char *scenario = NULL, *gpu = NULL, *model_name = NULL;
    double gpus = 0.0, days = 0.0, work_days = 0.0, gpn = 0.0, trials = 0.0, seed = 1.0;
    double search_trials = 0.0, spares = -1.0;
    bool list = false, lever_search = false;
    const char *lever_gpus = NULL;
    num_flag nums[] = {
        {"--gpus", GW_DIM_TOKENS, 1.0, 1e9, &gpus},
        {"--gpus-per-node", GW_DIM_NONE, 1.0, 1024.0, &gpn},
        {"--days", GW_DIM_NONE, 1e-6, 1e6, &days},
        {"--work-days", GW_DIM_NONE, 1e-6, 1e6, &work_days},
        {"--params", GW_DIM_TOKENS, 1.0, 1e16, &fl.params},
        {"--checkpoint-bytes", GW_DIM_BYTES, 1.0, 1e18, &fl.checkpoint_bytes},
        {"--rate-scale", GW_DIM_NONE, 1e-9, 1e6, &fl.rate_scale},
        {"--lemon", GW_DIM_FRACTION, 0.0, 0.999, &fl.lemon_fraction},
        {"--weibull", GW_DIM_NONE, 0.05, 20.0, &fl.weibull_shape},
        {"--fleet-age", GW_DIM_TIME, 1.0, 1e10, &fl.fleet_age_s},
        {"--interval", GW_DIM_TIME, 1e-3, 1e9, &fl.checkpoint_interval_s},
        {"--write-bw", GW_DIM_BANDWIDTH, 1.0, 1e18, &fl.checkpoint_write_Bps},
        {"--detect", GW_DIM_TIME, 1e-6, 1e8, &fl.detect_s},
        {"--restart", GW_DIM_TIME, 1e-6, 1e8, &fl.restart_s},
        {"--spares", GW_DIM_FRACTION, 0.0, 10.0, &spares},
        {"--repair", GW_DIM_TIME, 1e-3, 1e10, &fl.repair_s},
        {"--target", GW_DIM_FRACTION, 0.01, 0.9999, &fl.target_goodput},
        {"--trials", GW_DIM_TOKENS, 0.0, 1e9, &trials},
        {"--seed", GW_DIM_NONE, 0.0, 9007199254740992.0, &seed},
        {"--search-trials", GW_DIM_TOKENS, 1.0, 1e9, &search_trials},
        {"--replica-gpus", GW_DIM_TOKENS, 1.0, 1e9, &fl.replica_gpus},
    };
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
        bool done = false;
        for (size_t k = 0; k < sizeof nums / sizeof nums[0] && !done; k++) {
            if (!gw_cli_is_opt(a, nums[k].flag))
                continue;
            const char *v = gw_cli_optval(cli, argc, argv, &i);
            if (!v || !gw_cli_parse_num(cli, nums[k].flag, v, nums[k].dim, nums[k].lo, nums[k].hi,
                                        nums[k].dst))
                return 2;
            done = true;
        }
        if (done)
            continue;
        const char **strs[] = {&gpu, &fl.system, &fl.profile, &model_name, &lever_gpus};
        const char *sflags[] = {"--gpu", "--system", "--profile", "--model", "--lever-gpus"};
        for (size_t k = 0; k < 5 && !done; k++) {
            if (!gw_cli_is_opt(a, sflags[k]))
                continue;
            const char *v = gw_cli_optval(cli, argc, argv, &i);
            if (!v)
                return 2;
            *strs[k] = v;
            done = true;
        }
        if (done)
            continue;
        if (strcmp(a, "--async") == 0) {
            fl.checkpoint_async = true;
        } else if (strcmp(a, "--no-stragglers") == 0) {
            fl.stragglers_removed = true;
        } else if (strcmp(a, "--search") == 0) {
            fl.search_interval = true;
        } else if (strcmp(a, "--list-profiles") == 0) {
            list = true;
        } else if (strcmp(a, "--lever-search") == 0) {
            lever_search = true;
        } else if (lever_flag(a) >= 0) {
            fl.levers |= 1u << (unsigned)lever_flag(a);
        } else if (a[0] == '-') {
            return gw_cli_usage_error(cli, "unknown option \"%s\"", a);
        } else if (scenario) {
            return gw_cli_usage_error(cli, "unexpected argument \"%s\"", a);
        } else {
            scenario = a;
        }
    }
    if (list)
        return list_profiles(cli);
    double lv_gpus[MAX_LEVER_GPUS] = {1e5, 3e5, 1e6};
    size_t n_lv = 3;
    if (lever_gpus && !lever_search)
        return gw_cli_usage_error(cli, "--lever-gpus: needs --lever-search");
    if (lever_gpus && !parse_lever_gpus(cli, lever_gpus, lv_gpus, &n_lv))
        return 2;
    if (days > 0.0 && work_days > 0.0)
        return gw_cli_usage_error(cli, "--days and --work-days exclude each other");
    if (gpu && scenario)
        return gw_cli_usage_error(cli, "--gpu: give either a scenario file or --gpu, not both");
    if (gpu && !(gpus > 0.0))
        return gw_cli_usage_error(cli, "--gpus: required with --gpu");
    if (fl.search_interval && !(trials > 0.0))
        return gw_cli_usage_error(cli, "--search: needs --trials N");
    if (floor(gpus) != gpus)
        return gw_cli_usage_error(cli, "--gpus: expected a whole number, got %.17g", gpus);
    if (floor(gpn) != gpn || floor(trials) != trials || floor(seed) != seed)
        return gw_cli_usage_error(cli, "--gpus-per-node, --trials and --seed take integers");

    int code = 0;
    gw_catalog *cat = gw_cli_catalog(cli, &code);
    if (!cat)
        return code;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_scenario *sc = NULL;
    const gw_model *model = NULL;
    gw_model *model_owned = NULL;
    gw_status rc = GW_OK;
    if (!gpu) {
        const gw_accel *acc = NULL;
        const gw_system *sys = NULL;
        rc = gw_scenario_load(cli->ctx, scenario, cli->sets, cli->n_sets, &sc, &err);
        if (rc == GW_OK)
            rc = gw_scenario_resolve(cli->ctx, sc, cat, &acc, &sys, &model, &err);
        if (rc != GW_OK)
            goto fail;
        gw_rel_job_from_scenario(sc, model, 0.0, &job);
        if (sys)
            job.system = sys->name;
        if (gpus > 0.0)
            job.gpus = gpus;
    } else {
        if (cli->n_sets > 0)
            return gw_cli_usage_error(cli, "--set: applies to a scenario, not to --gpu");
        job.accelerator = gpu;
        job.gpus = gpus;
    }
    /* Flags win over the scenario. */
    if (fl.system)
        job.system = fl.system;
    job.profile = fl.profile;
    {
        double *dst[] = {&job.params,
                         &job.checkpoint_bytes,
                         &job.rate_scale,
                         &job.lemon_fraction,
                         &job.weibull_shape,
                         &job.fleet_age_s,
                         &job.checkpoint_interval_s,
                         &job.checkpoint_write_Bps,
                         &job.detect_s,
                         &job.restart_s,
                         &job.repair_s,
                         &job.target_goodput};
        const double src[] = {fl.params,
                              fl.checkpoint_bytes,
                              fl.rate_scale,
                              fl.lemon_fraction,
                              fl.weibull_shape,
                              fl.fleet_age_s,
                              fl.checkpoint_interval_s,
                              fl.checkpoint_write_Bps,
                              fl.detect_s,
                              fl.restart_s,
                              fl.repair_s,
                              fl.target_goodput};
        for (size_t k = 0; k < sizeof src / sizeof src[0]; k++)
            if (src[k] > 0.0)
                *dst[k] = src[k];
    }
    /* Flags add to the scenario's reliability.* levers (a scenario lever
     * stays on unless the scenario key says false). */
    job.checkpoint_async = job.checkpoint_async || fl.checkpoint_async;
    job.stragglers_removed = fl.stragglers_removed;
    job.levers |= fl.levers;
    if (fl.replica_gpus > 0.0)
        job.replica_gpus = fl.replica_gpus;
    job.search_interval = fl.search_interval;
    if (model_name) {
        rc = gw_catalog_model_find(cat, model_name, &model, &err);
        if (rc != GW_OK)
            goto fail;
        if (!(fl.params > 0.0))
            job.params = model->params_total;
    }
    job.gpus_per_node = (int)gpn;
    if (spares >= 0.0)
        job.spares_frac = spares;
    job.trials = (uint64_t)trials;
    job.seed = (uint64_t)seed;
    job.search_trials = (uint64_t)search_trials;
    job.data_dir = cli->data_dir;
    bool defaulted = false;
    if (work_days > 0.0) {
        job.work_s = work_days * 86400.0;
        job.duration_s = 0.0;
    } else {
        job.work_s = 0.0;
        defaulted = !(days > 0.0);
        job.duration_s = (days > 0.0 ? days : 30.0) * 86400.0;
    }

    gw_rel_result *res = gw_calloc(cli->ctx, 1, sizeof *res);
    if (!res) {
        rc = GW_ENOMEM;
        gw_cli_fail(cli, &err);
        goto fail;
    }
    rc = gw_rel_plan(cli->ctx, cat, &job, res, &err);
    if (rc != GW_OK) {
        gw_free(cli->ctx, res);
        goto fail;
    }
    gw_doc *doc = gw_cli_doc(cli);
    if (!doc) {
        gw_free(cli->ctx, res);
        gw_scenario_free(sc);
        gw_model_free(cli->ctx, model_owned);
        return 1;
    }
    gw_doc_node *root = gw_doc_root(doc);
    if (sc)
        gw_doc_str(doc, root, "scenario", "scenario", sc->name);
    gw_doc_str(doc, root, "accelerator", "accelerator", job.accelerator ? job.accelerator : "");
    if (defaulted)
        gw_doc_note(doc, "rel: no --days or --work-days given: a 30-day wall-clock window");
    if (res->trials > 0)
        gw_doc_note(doc, "rel: Monte Carlo with %llu trials, seed %llu",
                    (unsigned long long)res->trials, (unsigned long long)res->seed);
    gw_doc_node *relnode = gw_doc_obj(doc, root, "rel", "Reliability");
    gw_rel_report(doc, relnode, res);
    if (lever_search) {
        /* The same job at each size, analytic only. */
        gw_doc_node *arr = gw_doc_arr(doc, relnode, "lever_search", "Lever search");
        gw_rel_job lj = job;
        lj.trials = 0;
        lj.search_interval = false;
        for (size_t k = 0; k < n_lv && rc == GW_OK; k++) {
            lj.gpus = lv_gpus[k];
            rc = gw_rel_plan(cli->ctx, cat, &lj, res, &err);
            if (rc == GW_OK)
                gw_rel_report_levers_row(doc, arr, res);
        }
        if (rc != GW_OK) {
            gw_free(cli->ctx, res);
            gw_doc_free(doc);
            goto fail;
        }
        gw_doc_note(doc, "rel: lever search: analytic, same job and failure model at each size; "
                         "levers as in docs/models/rel.md");
    }
    gw_free(cli->ctx, res);
    code = gw_cli_emit(cli, doc);
    gw_doc_free(doc);
    gw_scenario_free(sc);
    gw_model_free(cli->ctx, model_owned);
    return code;
fail:
    gw_scenario_free(sc);
    gw_model_free(cli->ctx, model_owned);
    return gw_cli_fail(cli, &err);
}
