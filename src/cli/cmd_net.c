/* SPDX-License-Identifier: MIT */
/*
 * cmd_net.c: `gigawatt net`: the flow-level network model of a scenario's
 * fabric: the topology, the nccl-tests view of a collective over a size
 * range, one training step's traffic with the busiest links, the check
 * against published measurements, and the SimGrid oracle's exchange file.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(void)
{
    printf(
        "usage: gigawatt net [SCENARIO.yaml] [--gpu NAME] [--system NAME] [--gpus N]\n"
        "                    [--collective C] [--size S | --sizes A:B] [--ranks N] [--stride S]\n"
        "                    [--algo A] [--job-gpus N] [--fail TIER:I] [--expanded] [--step]\n"
        "                    [--rank-order O]\n"
        "                    [--validate FILE.csv]\n"
        "                    [--oracle FILE] [--set KEY=VALUE ...] [--json] [-o FILE]\n\n"
        "The flow-level network model of the scenario's fabric (the built-in default\n"
        "when none is given): the topology (tiers, switches, bisection, oversubscription\n"
        "per tier), then a collective timed like nccl-tests (size, time, algorithm and bus\n"
        "bandwidth) with every group of the job running it at once and the busiest links.\n"
        "The network section of the scenario sets spine/core oversubscription, failed\n"
        "links and planes, buildings and their campus links (docs/models/net.md).\n\n"
        "options:\n"
        "  --gpu NAME      accelerator (catalog name); its default system unless --system\n"
        "  --system NAME   server or rack system (catalog name)\n"
        "  --gpus N        GPUs on the fabric (the job uses all of them)\n"
        "  --collective C  all-reduce (default), all-gather, reduce-scatter, all-to-all,\n"
        "                  sendrecv\n"
        "  --size S        message size per rank as nccl-tests counts it (default 64MB)\n"
        "  --sizes A:B     sizes from A to B, doubling (nccl-tests -b A -e B -f 2)\n"
        "  --ranks N       ranks per group (default: all GPUs)\n"
        "  --stride S      GPUs between consecutive group members (default 1)\n"
        "  --job-gpus N    the collective runs on the first N GPUs only, the rest of\n"
        "                  the fabric idle (default: all; compare with all to see what\n"
        "                  a second job on the same spine costs)\n"
        "  --algo A        ring, tree, hierarchical, halving-doubling, direct,\n"
        "                  in-network (NVLS in a domain: all-reduce, all-gather,\n"
        "                  reduce-scatter; SHARP across: all-reduce; where the\n"
        "                  hardware has it) or auto (default: the fastest)\n"
        "  --fail TIER:I   the I-th switch of TIER (leaf, spine, core, super-core;\n"
        "                  numbered over all planes, plane-major) has failed; repeat\n"
        "                  for more (adds to the scenario's network.failures)\n"
        "  --expanded      solve one variable per flow instead of the exact quotient\n"
        "                  (up to 65536 GPUs; the answer is the same, slower)\n"
        "  --step          also plan the scenario's training job and simulate one step's\n"
        "                  traffic (DP, EP, CP, TP, PP contending) against the closed form\n"
        "  --rank-order O  with --step: the rank order of the parallel dimensions,\n"
        "                  innermost first (default tp-cp-ep-dp-pp; network.rank_order)\n"
        "  --validate FILE the model against published measurements (a collectives CSV,\n"
        "                  data/validation/collectives.csv); no topology needed\n"
        "  --oracle FILE   write the expanded flows in the SimGrid oracle's format\n"
        "                  (tests/net/ORACLE.md) and print the solver's completion times\n"
        "  --set, --json, -o FILE, --data DIR (see 'gigawatt --help')\n");
}

/* Parses "A:B" of byte sizes. */
static bool parse_sizes(gw_cli *cli, const char *v, double *lo, double *hi)
{
    const char *colon = strchr(v, ':');
    if (!colon) {
        gw_cli_usage_error(cli, "--sizes: expected A:B (e.g. 1MB:8GB), got \"%s\"", v);
        return false;
    }
    char a[64];
    size_t n = (size_t)(colon - v);
    if (n >= sizeof a)
        n = sizeof a - 1;
    memcpy(a, v, n);
    a[n] = '\0';
    if (!gw_cli_parse_num(cli, "--sizes", a, GW_DIM_BYTES, 1.0, 1e13, lo) ||
        !gw_cli_parse_num(cli, "--sizes", colon + 1, GW_DIM_BYTES, 1.0, 1e13, hi))
        return false;
    if (*hi < *lo) {
        gw_cli_usage_error(cli, "--sizes: the end %s is below the start", colon + 1);
        return false;
    }
    return true;
}

static int do_validate(gw_cli *cli, const char *path)
{
    int code = 0;
    gw_catalog *cat = gw_cli_catalog(cli, &code);
    if (!cat)
        return code;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_train_params *tp = calloc(1, sizeof *tp);
    if (!tp) {
        fprintf(gw_cli_errf(cli), "gigawatt: out of memory\n");
        return 1;
    }
    gw_status rc = gw_train_params_load(cli->ctx, cli->data_dir, tp, &err);
    gw_net_validation v;
    memset(&v, 0, sizeof v);
    if (rc == GW_OK)
        rc = gw_net_validate(cli->ctx, cat, tp, path, &v, &err);
    free(tp);
    if (rc != GW_OK)
        return gw_cli_fail(cli, &err);
    gw_doc *doc = gw_cli_doc(cli);
    if (!doc) {
        gw_net_validation_free(cli->ctx, &v);
        return 1;
    }
    gw_doc_str(doc, gw_doc_root(doc), "file", "File", path);
    gw_net_validation_report(doc, gw_doc_root(doc), &v);
    gw_doc_note(doc, "fabrics: the catalog's NVLink for the accelerator, the row's NICs on a "
                     "non-blocking radix-64 fat tree (the sources rarely state more); "
                     "efficiencies and latencies from data/train.yaml, not fitted to these rows");
    code = gw_cli_emit(cli, doc);
    if (code == 0 && !cli->json && !cli->output && !cli->csv)
        fprintf(cli->out ? cli->out : stdout,
                "net validate: %zu rows compared, median |error| %.1f%%, mean %.1f%%, max "
                "%.1f%%, %zu beyond 30%%\n",
                v.n_used, 100.0 * v.median_abs, 100.0 * v.mean_abs, 100.0 * v.max_abs, v.n_over_30);
    gw_doc_free(doc);
    gw_net_validation_free(cli->ctx, &v);
    return code;
}

int gw_cmd_net(gw_cli *cli, int argc, char **argv)
{
    const char *path = NULL, *gpu = NULL, *sys = NULL, *validate = NULL, *oracle = NULL;
    gw_cli_sizing size = {0.0, 0.0};
    gw_net_coll coll = GW_NET_ALLREDUCE;
    gw_net_algo algo = GW_NET_ALGO_AUTO;
    double s_lo = 64e6, s_hi = 64e6, ranks = 0, stride = 1, job_gpus = 0;
    bool expanded = false, step = false;
    const char *fail_tier[GW_SCENARIO_MAX_FAILURES];
    double fail_index[GW_SCENARIO_MAX_FAILURES];
    size_t n_fail = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (gw_cli_is_help(a)) {
            help();
            return 0;
        }
        int c = gw_cli_rank_order_opt(cli, argc, argv, &i);
        if (c == 0)
            c = gw_cli_common_opt(cli, argc, argv, &i);
        if (c == 0)
            c = gw_cli_sizing_opt(cli, argc, argv, &i, &size);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        const char *v = NULL;
        if (gw_cli_is_opt(a, "--gpu")) {
            if (!(gpu = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
        } else if (gw_cli_is_opt(a, "--system")) {
            if (!(sys = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
        } else if (gw_cli_is_opt(a, "--collective")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            if (gw_net_coll_parse(v, &coll) != GW_OK)
                return gw_cli_usage_error(cli,
                                          "--collective: expected all-reduce, all-gather, "
                                          "reduce-scatter, all-to-all or sendrecv, got \"%s\"",
                                          v);
        } else if (gw_cli_is_opt(a, "--algo")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            if (gw_net_algo_parse(v, &algo) != GW_OK)
                return gw_cli_usage_error(cli,
                                          "--algo: expected ring, tree, hierarchical, "
                                          "halving-doubling, direct, in-network or auto, "
                                          "got \"%s\"",
                                          v);
        } else if ((c = gw_cli_num_opt(cli, argc, argv, &i, "--size", GW_DIM_BYTES, 1.0, 1e13,
                                       &s_lo)) != 0) {
            if (c < 0)
                return 2;
            s_hi = s_lo;
        } else if (gw_cli_is_opt(a, "--sizes")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)) || !parse_sizes(cli, v, &s_lo, &s_hi))
                return 2;
        } else if (gw_cli_is_opt(a, "--ranks")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)) ||
                !gw_cli_parse_count(cli, "--ranks", v, 1, 1e8, &ranks))
                return 2;
        } else if (gw_cli_is_opt(a, "--stride")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)) ||
                !gw_cli_parse_count(cli, "--stride", v, 1, 1e8, &stride))
                return 2;
        } else if (gw_cli_is_opt(a, "--job-gpus")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)) ||
                !gw_cli_parse_count(cli, "--job-gpus", v, 1, 1e8, &job_gpus))
                return 2;
        } else if (gw_cli_is_opt(a, "--validate")) {
            if (!(validate = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
        } else if (gw_cli_is_opt(a, "--oracle")) {
            if (!(oracle = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
        } else if (gw_cli_is_opt(a, "--fail")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            const char *colon = strchr(v, ':');
            char tier[16];
            size_t tl = colon ? (size_t)(colon - v) : 0;
            char *end = NULL;
            double idx = colon ? strtod(colon + 1, &end) : -1.0;
            if (tl > 0 && tl < sizeof tier) {
                memcpy(tier, v, tl);
                tier[tl] = '\0';
            } else {
                tier[0] = '\0';
            }
            int tn = gw_net_tier_parse(tier);
            if (tn < 0 || !end || *end != '\0' || end == colon + 1 || !(idx >= 0) ||
                idx != floor(idx) || idx > 1e9)
                return gw_cli_usage_error(cli,
                                          "--fail: expected TIER:INDEX with TIER leaf, "
                                          "spine, core or super-core and INDEX a switch "
                                          "number from 0, got \"%s\"",
                                          v);
            if (n_fail >= GW_SCENARIO_MAX_FAILURES)
                return gw_cli_usage_error(cli, "--fail: at most %d failed switches",
                                          GW_SCENARIO_MAX_FAILURES);
            fail_tier[n_fail] = gw_net_tier_name(tn);
            fail_index[n_fail++] = idx;
        } else if (strcmp(a, "--expanded") == 0) {
            expanded = true;
        } else if (strcmp(a, "--step") == 0) {
            step = true;
        } else if (gw_cli_positional(cli, a, &path) != 0) {
            return 2;
        }
    }
    if (!gw_cli_sizing_check(cli, &size))
        return 2;
    if (validate)
        return do_validate(cli, validate);

    gw_catalog *cat = NULL;
    gw_scenario *sc = NULL;
    int code = gw_cli_setup(cli, path, &size, &cat, &sc);
    if (code != 0)
        return code;
    if (gpu) {
        sc->cluster.accelerator = gpu;
        sc->cluster.system = "";
        sc->cluster.nic = "";
        sc->cluster.fabric_switch = "";
        sc->site.n_phases = 0;
    }
    if (sys)
        sc->cluster.system = sys;
    /* --fail adds to the scenario's network.failures. */
    size_t n_file_fail = sc->network.n_failures;
    if (n_file_fail + n_fail > GW_SCENARIO_MAX_FAILURES) {
        gw_scenario_free(sc);
        return gw_cli_usage_error(cli, "--fail: at most %d failed switches with the scenario's",
                                  GW_SCENARIO_MAX_FAILURES);
    }
    for (size_t k = 0; k < n_fail; k++) {
        sc->network.failures[n_file_fail + k].tier = fail_tier[k];
        sc->network.failures[n_file_fail + k].index = fail_index[k];
    }
    sc->network.n_failures = n_file_fail + n_fail;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_net_topo topo;
    gw_status rc = gw_net_topo_from_scenario(cli->ctx, cat, sc, cli->data_dir, &topo, &err);
    size_t bad_fail;
    if (rc != GW_OK && sscanf(err.where, "network.failures[%zu]", &bad_fail) == 1 &&
        bad_fail >= n_file_fail) {
        /* A --fail entry: name the flag, not the scenario file. */
        err.path[0] = '\0';
        err.line = err.column = 0;
        snprintf(err.where, sizeof err.where, "--fail");
    }
    if (rc != GW_OK) {
        if (gpu && strcmp(err.where, "cluster.accelerator") == 0) {
            err.path[0] = '\0';
            err.line = err.column = 0;
            snprintf(err.where, sizeof err.where, "--gpu");
        }
        gw_scenario_free(sc);
        return gw_cli_fail(cli, &err);
    }
    double job = topo.f.gpus;
    if (job_gpus > 0) {
        if (job_gpus > job) {
            gw_scenario_free(sc);
            return gw_cli_usage_error(cli, "--job-gpus %.0f is more than the fabric's %.0f GPUs",
                                      job_gpus, job);
        }
        job = job_gpus;
    }
    int n = ranks > 0 ? (int)ranks : (int)(job / stride);
    if (ranks <= 0 && stride > 1 && fmod(job, stride) != 0) {
        gw_scenario_free(sc);
        return gw_cli_usage_error(cli, "--stride %.0f does not divide the %.0f GPUs", stride, job);
    }

    if (oracle) {
        FILE *f = fopen(oracle, "w");
        if (!f) {
            gw_scenario_free(sc);
            fprintf(gw_cli_errf(cli), "gigawatt: %s: cannot write\n", oracle);
            return 1;
        }
        gw_net_op op = {coll, algo, n, stride, s_lo, 0.0, NULL};
        rc =
            gw_net_dump_oracle(cli->ctx, &topo, job, &op, 1, f, cli->out ? cli->out : stdout, &err);
        int close_rc = fclose(f);
        gw_scenario_free(sc);
        if (rc != GW_OK) {
            remove(oracle);
            return gw_cli_fail(cli, &err);
        }
        return close_rc == 0 ? 0 : 1;
    }

    gw_doc *doc = gw_cli_doc(cli);
    if (!doc) {
        gw_scenario_free(sc);
        return 1;
    }
    gw_doc_node *root = gw_doc_root(doc);
    gw_doc_str(doc, root, "scenario", "Scenario", sc->name ? sc->name : "");
    gw_net_topo_report(doc, root, &topo);
    gw_doc_node *cn = gw_doc_obj(doc, root, "collective", "Collective (nccl-tests view)");
    gw_doc_str(doc, cn, "collective", "Collective", gw_net_coll_name(coll));
    gw_doc_num(doc, cn, "ranks", "Ranks per group", n, "");
    gw_doc_num(doc, cn, "stride", "GPUs between members", stride, "");
    gw_doc_num(doc, cn, "groups", "Groups at once", job / n, "");
    gw_doc_num(doc, cn, "job_gpus", "GPUs running it", job, "");
    gw_doc_node *rows = gw_doc_arr(doc, cn, "sizes", "Sizes");
    gw_net_sim_result last;
    memset(&last, 0, sizeof last);
    for (double s = s_lo; s <= s_hi * (1 + 1e-12) && rc == GW_OK; s *= 2.0) {
        gw_net_op op = {coll, algo, n, stride, s, 0.0, NULL};
        rc = gw_net_simulate(cli->ctx, &topo, job, &op, 1,
                             expanded ? GW_NET_MODE_EXPANDED : GW_NET_MODE_COLLAPSED, &last, &err);
        if (rc != GW_OK)
            break;
        gw_doc_node *row = gw_doc_obj(doc, rows, NULL, NULL);
        gw_doc_num(doc, row, "size_bytes", "size", s, "B");
        gw_doc_str(doc, row, "algorithm", "algorithm", gw_net_algo_name(last.op[0].algo));
        gw_doc_num(doc, row, "time_s", "time", last.op[0].time_s, "s");
        gw_doc_num(doc, row, "algbw_GBps", "algbw (GB/s)", last.op[0].algbw_Bps / 1e9, "");
        gw_doc_num(doc, row, "busbw_GBps", "busbw (GB/s)", last.op[0].busbw_Bps / 1e9, "");
    }
    if (rc == GW_OK)
        gw_net_sim_report(doc, cn, "simulation", &last);
    if (rc == GW_OK && step) {
        const gw_accel *a = NULL;
        const gw_system *ss = NULL;
        const gw_model *m = NULL;
        rc = gw_scenario_resolve(cli->ctx, sc, cat, &a, &ss, &m, &err);
        gw_train_opts to;
        gw_plan_train_opts(sc, &to);
        to.n_gpus = job;
        to.data_dir = cli->data_dir;
        gw_net_comm *nc = NULL;
        if (rc == GW_OK)
            rc = gw_net_comm_new(cli->ctx, &topo, job, &nc, &err);
        to.comm = gw_net_comm_model(nc);
        to.feed_min_mfu = 0.0; /* the step of the chosen layout only */
        gw_train_result *tr = calloc(1, sizeof *tr);
        gw_net_step_result *st = calloc(1, sizeof *st);
        if (!tr || !st) {
            rc = GW_ENOMEM;
            err.code = rc;
            snprintf(err.msg, sizeof err.msg, "out of memory");
        }
        if (rc == GW_OK)
            rc = gw_train_plan(cli->ctx, cat, m, a, ss, &to, tr, &err);
        if (rc == GW_OK) {
            gw_net_comm_free(nc);
            rc = gw_net_comm_new(cli->ctx, &topo, tr->best.gpus_used, &nc, &err);
            to.comm = gw_net_comm_model(nc);
        }
        if (rc == GW_OK)
            rc = gw_net_step(cli->ctx, &topo, cat, m, a, ss, &to, &tr->best, st, &err);
        if (rc == GW_OK) {
            const gw_train_config *c = &tr->best.cfg;
            gw_doc_node *sn = gw_doc_obj(doc, root, "training", "Training job on this fabric");
            gw_doc_str(doc, sn, "model", "Model", tr->model);
            gw_doc_num(doc, sn, "gpus", "GPUs used", tr->best.gpus_used, "");
            char lay[96];
            snprintf(lay, sizeof lay, "TP%d PP%d DP%d CP%d EP%d", c->tp, c->pp, c->dp, c->cp,
                     c->ep);
            gw_doc_str(doc, sn, "layout", "Layout", lay);
            if (strcmp(tr->rank_order, "tp-cp-ep-dp-pp") != 0)
                gw_doc_str(doc, sn, "rank_order", "Rank order (innermost first)", tr->rank_order);
            gw_net_step_report(doc, sn, st);
        }
        gw_net_comm_free(nc);
        free(tr);
        free(st);
    }
    if (rc == GW_OK) {
        gw_doc_note(doc, "flow-level model: max-min fair sharing of link bandwidth with per-hop "
                         "latency; no packet-level effects, congestion-control dynamics or "
                         "static-hash (ECMP) collisions: adaptive routing is assumed to spread a "
                         "sub-tree's traffic over all its uplinks (docs/models/net.md)");
        code = gw_cli_emit(cli, doc);
    } else {
        code = gw_cli_fail(cli, &err);
    }
    gw_doc_free(doc);
    gw_scenario_free(sc);
    return code;
}
