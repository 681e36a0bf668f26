/* SPDX-License-Identifier: MIT */
/*
 * test_net_train.c: the network model inside the training search and the
 * full re-timing of a step (gw_net_step), on scenarios from scenarios/:
 *
 *   1. Pipeline sends that cross buildings are charged on the campus link:
 *      a DualPipe layout whose stage boundary sits on a slow campus link
 *      gets slower in the search's closed form and in the simulation,
 *      and the two agree (before, DualPipe took its sends as free).
 *   2. The rank order sets the groups' placement: a non-default order
 *      moves TP (or EP) out of the scale-up domain, the search and the
 *      simulated step both slow down, and the simulation times the group
 *      with the stride the order gives.
 *   3. A bad rank order is a located error.
 */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */

#include "test_env.h"

typedef struct fixture {
    gw_ctx *ctx;
    gw_catalog *cat;
} fixture;

static int setup(void **state)
{
    static fixture f;
    if (gw_test_open(&f.ctx, &f.cat) != 0)
        return -1;
    gw_ctx_set_threads(f.ctx, 1);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gw_test_close(f->ctx, f->cat);
    return 0;
}

/* A configuration to fix (0: searched) and what came out. */
typedef struct job {
    const char *scenario; /* under scenarios/ */
    const char *sets[8];
    const char *model; /* NULL: the scenario's */
    int tp, pp, ep, cp, dp;
    const char *order;
} job;

typedef struct outcome {
    gw_status rc;
    gw_error err;
    double search_s; /* the closed form's step */
    double alone_s;  /* the simulation's (each collective alone) */
    double pp_s;     /* exposed PP sends */
    double tp_s;     /* exposed TP communication */
    gw_net_step_result st;
} outcome;

static void run_job(fixture *f, const job *j, outcome *out)
{
    memset(out, 0, sizeof *out);
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/%s", GW_SOURCE_DIR, j->scenario);
    size_t n_sets = 0;
    while (n_sets < 8 && j->sets[n_sets])
        n_sets++;
    gw_scenario *sc = NULL;
    gw_error *err = &out->err;
    gw_status rc = gw_scenario_load(f->ctx, path, j->sets, n_sets, &sc, err);
    assert_int_equal(rc, GW_OK);
    const gw_accel *a = NULL;
    const gw_system *sys = NULL;
    const gw_model *m = NULL;
    assert_int_equal(gw_scenario_resolve(f->ctx, sc, f->cat, &a, &sys, &m, err), GW_OK);
    if (j->model)
        assert_int_equal(gw_catalog_model_find(f->cat, j->model, &m, err), GW_OK);
    gw_net_topo *topo = calloc(1, sizeof *topo);
    assert_non_null(topo);
    assert_int_equal(
        gw_net_topo_from_scenario(f->ctx, f->cat, sc, GW_SOURCE_DIR "/data", topo, err), GW_OK);
    gw_train_opts o;
    gw_plan_train_opts(sc, &o);
    o.data_dir = GW_SOURCE_DIR "/data";
    o.max_idle_frac = 0.0;
    o.batch_slack = 0.05;
    o.top_k = 0;
    o.feed_min_mfu = 0.0;
    if (j->tp)
        o.tp = j->tp;
    if (j->pp)
        o.pp = j->pp;
    if (j->ep)
        o.ep = j->ep;
    if (j->cp)
        o.cp = j->cp;
    if (j->dp)
        o.dp = j->dp;
    if (j->order)
        o.rank_order = j->order;
    gw_net_comm *nc = NULL;
    assert_int_equal(gw_net_comm_new(f->ctx, topo, o.n_gpus, &nc, err), GW_OK);
    o.comm = gw_net_comm_model(nc);
    gw_train_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    out->rc = gw_train_plan(f->ctx, f->cat, m, a, sys, &o, r, err);
    if (out->rc == GW_OK) {
        out->search_s = r->best.time.step_s;
        out->pp_s = r->best.time.pp_comm_s;
        out->tp_s = r->best.time.tp_comm_s;
        gw_net_comm_free(nc);
        assert_int_equal(gw_net_comm_new(f->ctx, topo, r->best.gpus_used, &nc, err), GW_OK);
        o.comm = gw_net_comm_model(nc);
        assert_int_equal(gw_net_step(f->ctx, topo, f->cat, m, a, sys, &o, &r->best, &out->st, err),
                         GW_OK);
        out->alone_s = out->st.step_alone_s;
    }
    free(r);
    gw_net_comm_free(nc);
    free(topo);
    gw_scenario_free(sc);
}

/* The stride the step simulation used for the collectives of one kind
 * (-1: none recorded). */
static int call_stride(const gw_net_step_result *st, int kind)
{
    for (size_t i = 0; i < st->n_calls; i++)
        if (st->call[i].kind == kind)
            return st->call[i].stride;
    return -1;
}

/* 2,048 H800 (DeepSeek-V3, DualPipe), PP16 over 2 buildings: the stage
 * boundary in the middle crosses the campus link. 128 GPUs x 50 GB/s of
 * NICs behind 10 GB/s is 640x slower than the NICs: each 58 MB send takes
 * ~0.9 s, longer than a micro-batch, so DualPipe can no longer hide it. */
static void dualpipe_pp_crosses_buildings(void **state)
{
    fixture *f = *state;
    job j = {"deepseek-h800.yaml", {NULL}, NULL, 1, 16, 64, 1, 128, NULL};
    outcome base, slow;
    run_job(f, &j, &base);
    assert_int_equal(base.rc, GW_OK);
    assert_true(base.pp_s == 0.0); /* hidden on one building */
    j.sets[0] = "network.buildings=2";
    j.sets[1] = "network.building_bandwidth=10GB/s";
    run_job(f, &j, &slow);
    assert_int_equal(slow.rc, GW_OK);
    assert_true(slow.pp_s > 10.0);
    assert_true(slow.search_s > 1.5 * base.search_s);
    /* The simulation charges the same link: within 10% of the search. */
    assert_true(slow.alone_s > 1.5 * base.alone_s);
    assert_true(fabs(slow.alone_s / slow.search_s - 1.0) < 0.10);
    /* A fast campus link keeps the sends hidden. */
    j.sets[1] = "network.building_bandwidth=100TB/s";
    outcome fast;
    run_job(f, &j, &fast);
    assert_int_equal(fast.rc, GW_OK);
    assert_true(fast.pp_s == 0.0);
    assert_true(fabs(fast.search_s / base.search_s - 1.0) < 1e-9);
}

/* Llama 3.1 70B on 1,024 H100 (8-GPU NVLink domains), TP8 PP4 DP32. In
 * Megatron's order TP is innermost (stride 1, one domain); with dp
 * innermost TP's members are 32 GPUs apart, every TP collective crosses
 * the network, and both the search and the simulation slow down. */
static void rank_order_moves_tp_out_of_the_domain(void **state)
{
    fixture *f = *state;
    job j = {"deepseek-h800.yaml",
             {"cluster.gpus=1024", "cluster.accelerator=h100-sxm", "cluster.system=dgx-h100",
              "cluster.switch=qm9700", "workload.seq_len=8192", "workload.global_batch_tokens=8M",
              NULL},
             "llama3.1-70b",
             8,
             4,
             1,
             1,
             32,
             NULL};
    outcome def, dp_in;
    run_job(f, &j, &def);
    assert_int_equal(def.rc, GW_OK);
    assert_int_equal(call_stride(&def.st, GW_TRAIN_GROUP_TP), 1);
    j.order = "dp-tp-cp-ep-pp";
    run_job(f, &j, &dp_in);
    assert_int_equal(dp_in.rc, GW_OK);
    assert_int_equal(call_stride(&dp_in.st, GW_TRAIN_GROUP_TP), 32);
    assert_int_equal(call_stride(&dp_in.st, GW_TRAIN_GROUP_DP), 1);
    assert_true(dp_in.tp_s > 4.0 * def.tp_s);
    assert_true(dp_in.search_s > 1.1 * def.search_s);
    assert_true(dp_in.alone_s > 1.1 * def.alone_s);
    /* The same order twice gives the same answer (the default, spelled). */
    j.order = "tp-cp-ep-dp-pp";
    outcome again;
    run_job(f, &j, &again);
    assert_true(again.search_s == def.search_s);
}

/* DeepSeek-V3 on 2,048 H800, EP64: Megatron's order puts EP innermost
 * among the expert ranks (stride etp = 1: 8 members per node); with dp
 * before ep, EP members are expert-DP ranks apart. */
static void rank_order_moves_ep(void **state)
{
    fixture *f = *state;
    job j = {"deepseek-h800.yaml", {NULL}, NULL, 1, 16, 64, 1, 128, NULL};
    outcome def, ep_out;
    run_job(f, &j, &def);
    assert_int_equal(def.rc, GW_OK);
    assert_int_equal(call_stride(&def.st, GW_TRAIN_GROUP_EP), 1);
    j.order = "tp-cp-dp-ep-pp";
    run_job(f, &j, &ep_out);
    assert_int_equal(ep_out.rc, GW_OK);
    /* expert DP = 128 / 64 = 2 ranks inside each EP step */
    assert_int_equal(call_stride(&ep_out.st, GW_TRAIN_GROUP_EP), 2);
    assert_true(ep_out.search_s != def.search_s);
}

static void rank_order_errors(void **state)
{
    fixture *f = *state;
    job j = {"deepseek-h800.yaml", {NULL}, NULL, 1, 16, 64, 1, 128, "tp-cp-ep-dp"};
    outcome o;
    run_job(f, &j, &o);
    assert_int_equal(o.rc, GW_ESCHEMA);
    assert_string_equal(o.err.where, "rank_order");
    assert_non_null(strstr(o.err.msg, "missing pp"));
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_train_rank_order_parse("tp-cp-ep-dp-pp", &err), GW_OK);
    assert_int_equal(gw_train_rank_order_parse("pp-dp-ep-cp-tp", &err), GW_OK);
    assert_int_equal(gw_train_rank_order_parse("tp-cp-ep-dp-dp", &err), GW_ESCHEMA);
    assert_int_equal(gw_train_rank_order_parse("tp-cp-ep-dp-pp-", &err), GW_ESCHEMA);
    assert_int_equal(gw_train_rank_order_parse("tp-cp-xp-dp-pp", &err), GW_ESCHEMA);
    assert_int_equal(gw_train_rank_order_parse("tp-cp-ep-dp-pp-tp", &err), GW_ESCHEMA);
    /* In a scenario: file:line:col. */
    const char *yaml = "schema_version: 1\nnetwork:\n  rank_order: tp-pp\n";
    gw_scenario *sc = NULL;
    memset(&err, 0, sizeof err);
    assert_int_equal(
        gw_scenario_load_buffer(f->ctx, yaml, strlen(yaml), "s.yaml", NULL, 0, &sc, &err),
        GW_ESCHEMA);
    assert_int_equal(err.line, 3);
    assert_string_equal(err.where, "network.rank_order");
    gw_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dualpipe_pp_crosses_buildings),
        cmocka_unit_test(rank_order_moves_tp_out_of_the_domain),
        cmocka_unit_test(rank_order_moves_ep),
        cmocka_unit_test(rank_order_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
