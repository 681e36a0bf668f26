/* SPDX-License-Identifier: MIT */
/*
 * test_train_memory.c: memory per GPU and step-time building blocks of the
 * train module against hand-computed values: Korthikanti et al. 2022
 * activation closed forms, ZeRO sharding, pipeline in-flight micro-batches,
 * the pipeline bubble and the alpha-beta collectives.
 */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "test_env.h"
#include "train/train_internal.h"

/* GPT shape as in Korthikanti 2022: MHA, head_dim = h/a, GELU, f = 4h. */
static gw_model gpt(void)
{
    gw_model m;
    memset(&m, 0, sizeof m);
    m.name = "gpt-test";
    m.n_layers = 4;
    m.hidden = 1024;
    m.n_heads = 16;
    m.n_kv_heads = 16;
    m.head_dim = 64;
    m.ffn_hidden = 4096;
    m.vocab = 1000;
    m.max_seq = 2048;
    m.mlp = GW_MLP_GELU;
    return m;
}

static gw_accel gpu(void)
{
    gw_accel a;
    memset(&a, 0, sizeof a);
    a.name = "test-gpu";
    a.peak_flops[GW_PREC_BF16] = 1e15;
    a.mem_bytes = a.mem_usable_bytes = 1e12; /* large: nothing is rejected */
    a.mem_Bps = 2e12;
    a.scaleup_Bps = 800e9;
    a.scaleup_domain = 8;
    a.tdp_w = 700;
    return a;
}

static gw_train_params params(void)
{
    gw_train_params p = gw_test_unit_params();
    p.legacy_score_bytes = 11;
    return p;
}

static gw_train_config cfg(int tp, int pp, int dp)
{
    gw_train_config c;
    memset(&c, 0, sizeof c);
    c.tp = tp;
    c.pp = pp;
    c.dp = dp;
    c.cp = c.ep = c.etp = c.vpp = 1;
    c.micro_batch = 1;
    c.precision = GW_PREC_BF16;
    c.seq_parallel = tp > 1;
    return c;
}

static void eval_legacy(const gw_model *m, const gw_accel *a, const gw_train_params *p,
                        const gw_train_config *c, double B, gw_train_eval *e)
{
    gw__train_pre P;
    gw_train_topo t;
    gw_train_topo_for(NULL, a, NULL, p, &t);
    gw__train_pre_init(&P, m, a, &t, p, gw_train_comm_alphabeta(), 2048, B,
                       (double)c->tp * c->pp * c->dp * c->cp);
    P.flash = false; /* Korthikanti's setting: unfused attention, dropout */
    gw__train_eval(&P, c, e);
}

static void korthikanti_activations(void **state)
{
    (void)state;
    gw_model m = gpt();
    gw_accel a = gpu();
    gw_train_params p = params();
    gw_train_eval e;
    const double s = 2048, h = 1024, heads = 16, L = 4;

    /* No recompute, TP 4 with sequence parallelism (Korthikanti Table 2):
     * per layer s*b*h*34/t + 5*a*s^2*b/t, b = 1, pp = 1 (one micro-batch
     * in flight), 4 layers. */
    gw_train_config c = cfg(4, 1, 1);
    c.recompute = GW_TRAIN_RECOMPUTE_NONE;
    eval_legacy(&m, &a, &p, &c, 1, &e);
    double expect = L * (s * h * 34.0 / 4 + 5.0 * heads * s * s / 4);
    assert_true(fabs(e.mem.activations_bytes - expect) < 1e-6 * expect);

    /* Selective recompute drops the 5as^2b term: 34sbh/t per layer. */
    c.recompute = GW_TRAIN_RECOMPUTE_SELECTIVE;
    eval_legacy(&m, &a, &p, &c, 1, &e);
    expect = L * s * h * 34.0 / 4;
    assert_true(fabs(e.mem.activations_bytes - expect) < 1e-6 * expect);

    /* Full recompute keeps the layer input only: 2sbh/t per layer. */
    c.recompute = GW_TRAIN_RECOMPUTE_FULL;
    eval_legacy(&m, &a, &p, &c, 1, &e);
    expect = L * s * h * 2.0 / 4;
    assert_true(fabs(e.mem.activations_bytes - expect) < 1e-6 * expect);

    /* Without sequence parallelism the 10sbh of norms, inputs and dropout
     * masks are replicated: 10sbh + 24sbh/t (Korthikanti eq. 2). */
    c.recompute = GW_TRAIN_RECOMPUTE_SELECTIVE;
    c.seq_parallel = false;
    eval_legacy(&m, &a, &p, &c, 1, &e);
    expect = L * s * h * (10.0 + 24.0 / 4);
    assert_true(fabs(e.mem.activations_bytes - expect) < 1e-6 * expect);
}

static void pipeline_inflight(void **state)
{
    (void)state;
    gw_model m = gpt();
    gw_accel a = gpu();
    gw_train_params p = params();
    gw_train_eval e;
    const double s = 2048, h = 1024;

    /* PP 2, 8 micro-batches, 1F1B: stage 0 holds pp = 2 micro-batches of
     * its L/pp = 2 layers (Korthikanti section 4.2.3). */
    gw_train_config c = cfg(1, 2, 1);
    c.recompute = GW_TRAIN_RECOMPUTE_FULL;
    eval_legacy(&m, &a, &p, &c, 8, &e);
    double per_layer = s * h * 2.0;
    assert_true(fabs(e.mem.activations_bytes - 2 * 2 * per_layer) < 1e-6 * per_layer);
    /* Interleaved with vpp = 2: factor 1 + (pp-1)/(pp*vpp) = 1.25. */
    c.vpp = 2;
    eval_legacy(&m, &a, &p, &c, 8, &e);
    assert_true(fabs(e.mem.activations_bytes - 1.25 * 2 * 2 * per_layer) < 1e-6 * per_layer);
    /* With only m = pp = 2 micro-batches the warm-up cannot run more than
     * the step's m x vpp = 4 chunks of 1 layer: 4 layer-micro-batches, the
     * same as 1F1B (megatron/core/pipeline_parallel/schedules.py, interleaved:
     * warm-up = min(total, 2(pp-1) + (vpp-1) pp) chunks), not 1.25 x 4. */
    eval_legacy(&m, &a, &p, &c, 2, &e);
    assert_true(fabs(e.mem.activations_bytes - 2 * 2 * per_layer) < 1e-6 * per_layer);
    /* Back to m = 8 for the bubble check. */
    eval_legacy(&m, &a, &p, &c, 8, &e);
    /* Bubble: (pp-1)/vpp of one micro-batch time; with m = 8 micro-batches
     * the compute is 8 micro-batch times, so bubble/compute = 1/(2*8). */
    assert_true(fabs(e.time.bubble_s / e.time.compute_s - 1.0 / 16.0) < 0.02);
    assert_int_equal(e.grad_accum, 8);
}

static void zero_sharding(void **state)
{
    (void)state;
    gw_model m = gpt();
    gw_accel a = gpu();
    gw_train_params p = params();
    gw_train_eval e0, e1, e2, e3;
    /* DP 8: ZeRO-1 divides optimizer state by 8, ZeRO-2 also gradients,
     * ZeRO-3 also weights (Rajbhandari et al. SC20, Fig. 1). Weights 2 B,
     * gradients 4 B, optimizer 12 B per parameter. */
    gw_train_config c = cfg(1, 1, 8);
    c.recompute = GW_TRAIN_RECOMPUTE_FULL;
    for (int z = 0; z <= 3; z++) {
        c.zero = z;
        eval_legacy(&m, &a, &p, &c, 8, z == 0 ? &e0 : z == 1 ? &e1 : z == 2 ? &e2 : &e3);
    }
    double n = e0.mem.weights_bytes / 2.0; /* parameters per GPU */
    /* 4 layers * 12h^2 (+ 2h norms, bias-free) + embedding + head. */
    double expect_n = 4 * (12.0 * 1024 * 1024 + 2 * 1024) + 2 * 1000 * 1024;
    assert_true(fabs(n - expect_n) < 1e-6 * expect_n);
    assert_true(fabs(e0.mem.optimizer_bytes - 12 * n) < 1e-3);
    assert_true(fabs(e1.mem.optimizer_bytes - 12 * n / 8) < 1e-3);
    assert_true(fabs(e1.mem.grads_bytes - 4 * n) < 1e-3);
    assert_true(fabs(e2.mem.grads_bytes - 4 * n / 8) < 1e-3);
    assert_true(fabs(e2.mem.weights_bytes - 2 * n) < 1e-3);
    assert_true(fabs(e3.mem.weights_bytes - 2 * n / 8) < 1e-3);
}

static void alpha_beta(void **state)
{
    (void)state;
    const gw_train_comm_model *cm = gw_train_comm_alphabeta();
    gw_train_topo t;
    memset(&t, 0, sizeof t);
    t.scaleup_Bps = 400e9;
    t.scaleout_Bps = 50e9;
    t.scaleup_eff = t.scaleout_eff = 1.0;
    t.scaleup_domain = 8;
    /* Ring all-gather of 8 GB over 8 ranks in one domain, no latency:
     * (n-1)/n * B / beta = 7/8 * 8e9 / 400e9 = 17.5 ms. */
    gw_train_group g = {8, 8, 1, GW_TRAIN_GROUP_TP};
    assert_true(fabs(cm->allgather_s(cm->ud, &t, g, 8e9) - 0.0175) < 1e-12);
    /* All-reduce = reduce-scatter + all-gather: 35 ms (ring beats tree's
     * 2 B / beta = 40 ms). */
    assert_true(fabs(cm->allreduce_s(cm->ud, &t, g, 8e9) - 0.035) < 1e-12);
    /* Hierarchical, 16 ranks = 2 domains of 8: intra all-gather 17.5 ms,
     * then across domains 1/2 * (8e9/8) / 50e9 = 10 ms. */
    gw_train_group h = {16, 8, 1, GW_TRAIN_GROUP_TP};
    assert_true(fabs(cm->allgather_s(cm->ud, &t, h, 8e9) - 0.0275) < 1e-12);
    /* p2p across domains: 1 GB / 50 GB/s = 20 ms. */
    assert_true(fabs(cm->p2p_s(cm->ud, &t, true, 1e9) - 0.02) < 1e-12);
    /* All-to-all of 8 GB over 16 ranks, 8 per domain: 7/16 of it inside
     * (3.5 GB / 400 GB/s = 8.75 ms), 8/16 outside (4 GB / 50 GB/s = 80 ms):
     * the slower path bounds it. */
    assert_true(fabs(cm->alltoall_s(cm->ud, &t, h, 8e9) - 0.08) < 1e-12);
}

/* DP collectives pay NCCL's latency per collective (src/graph/tuning.cc):
 * ring all-gather / reduce-scatter 8.4 us + 3.4 us per hop inside a node +
 * 9.6 us per hop between nodes, over every rank of the group; all-reduce
 * the faster of ring and tree. Bandwidth is made free so only latency is
 * left; nothing overlaps (dp_overlap 0). */
static void dp_latency(void **state)
{
    (void)state;
    gw_model m = gpt(); /* 4 layers: FSDP issues one collective per layer */
    gw_accel a = gpu();
    a.scaleup_Bps = 1e30;
    gw_train_params p = params();
    p.default_nic_Bps = 1e30;
    p.nccl_ring_base_latency_s = 8.4e-6;
    p.nccl_ring_nvlink_step_s = 3.4e-6;
    p.nccl_ring_net_step_s = 9.6e-6;
    p.nccl_ring_allreduce_plateau = 1.9;
    p.nccl_tree_nvlink_step_s = 28e-6;
    p.nccl_tree_net_step_s = 50e-6;
    p.dp_bucket_params = 40e6;
    p.dp_bucket_params_per_rank = 1e6;
    gw_train_eval e64, e512, ar;
    gw_train_config c = cfg(1, 1, 64);
    c.recompute = GW_TRAIN_RECOMPUTE_FULL;
    c.zero = 3;
    eval_legacy(&m, &a, &p, &c, 64, &e64);
    /* 64 ranks on 8 nodes of 8: 63 hops, 7 between nodes. Per micro-batch
     * (one here): 4 layers x (2 all-gathers + 1 reduce-scatter). */
    double lat64 = 8.4e-6 + 56 * 3.4e-6 + 7 * 9.6e-6;
    assert_true(fabs(e64.time.dp_comm_s - 12 * lat64) < 1e-9);
    c.dp = 512;
    eval_legacy(&m, &a, &p, &c, 512, &e512);
    double lat512 = 8.4e-6 + 448 * 3.4e-6 + 63 * 9.6e-6;
    assert_true(fabs(e512.time.dp_comm_s - 12 * lat512) < 1e-9);
    assert_true(e512.time.dp_comm_s > 5 * e64.time.dp_comm_s); /* grows with the ring */
    /* Plain DDP all-reduce over 512 ranks (one bucket: 52M params < 512M):
     * ring (8.4 + 2 (448 x 3.4 + 63 x 9.6)) x 1.9 = 8.1 ms loses to the
     * tree's 2 (7 x 28 + log2(64) x 50) = 992 us. */
    c.zero = 0;
    eval_legacy(&m, &a, &p, &c, 512, &ar);
    assert_true(fabs(ar.time.dp_comm_s - 992e-6) < 1e-9);
}

static void rejects(void **state)
{
    (void)state;
    gw_model m = gpt();
    gw_accel a = gpu();
    gw_train_params p = params();
    gw_train_eval e;
    gw_train_config c = cfg(3, 1, 1); /* 16 heads are not divisible by 3 */
    eval_legacy(&m, &a, &p, &c, 1, &e);
    assert_int_equal(e.reject, GW_TRAIN_REJECT_DIVISIBILITY);
    c = cfg(16, 1, 1); /* TP 16 > scale-up domain 8 */
    eval_legacy(&m, &a, &p, &c, 1, &e);
    assert_int_equal(e.reject, GW_TRAIN_REJECT_DOMAIN);
    a.mem_bytes = a.mem_usable_bytes = 1e6; /* 1 MB GPU */
    c = cfg(1, 1, 1);
    eval_legacy(&m, &a, &p, &c, 1, &e);
    assert_int_equal(e.reject, GW_TRAIN_REJECT_MEMORY);
    a = gpu();
    c.precision = GW_PREC_FP8; /* no FP8 peak on this GPU */
    eval_legacy(&m, &a, &p, &c, 1, &e);
    assert_int_equal(e.reject, GW_TRAIN_REJECT_PRECISION);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(korthikanti_activations),
        cmocka_unit_test(pipeline_inflight),
        cmocka_unit_test(zero_sharding),
        cmocka_unit_test(alpha_beta),
        cmocka_unit_test(dp_latency),
        cmocka_unit_test(rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
