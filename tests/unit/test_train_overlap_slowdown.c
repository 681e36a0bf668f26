/* SPDX-License-Identifier: MIT */
/*
 * test_train_overlap_slowdown.c: what hidden FSDP traffic still costs
 * (data/train.yaml overlap_slowdown; docs/models/train.md, data-parallel
 * communication). Under ZeRO-3 every second of gather / reduce-scatter the
 * model hides behind compute adds overlap_slowdown seconds, shown as
 * dp_slowdown_s inside the exposed DP time: exactly the slowdown times the
 * traffic that was hidden (all of it minus what is exposed), nothing when
 * nothing is hidden, and linear in the slowdown. The ZeRO-1/2 reduction
 * under the last backward pass (Megatron's) is not charged.
 */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "test_env.h"

typedef gw_test_train fixture;
GW_TEST_TRAIN_FIXTURE("h100-sxm")

/* A 13B-class dense model: big enough that its FSDP gathers are a sizeable
 * share of a micro-batch's compute on 4 nodes. */
static gw_model dense13b(void)
{
    gw_model m;
    memset(&m, 0, sizeof m);
    m.name = "dense-13b-test";
    m.model_type = "llama";
    m.n_layers = 40;
    m.hidden = 5120;
    m.n_heads = 40;
    m.n_kv_heads = 40;
    m.head_dim = 128;
    m.ffn_hidden = 13824;
    m.vocab = 32000;
    m.max_seq = 4096;
    m.mlp = GW_MLP_SWIGLU;
    return m;
}

/* FSDP-style layout on dp GPUs, micro-batch 2, 4 micro-batches per step. */
static gw_train_eval eval(fixture *f, const gw_train_params *p, int dp, int zero)
{
    gw_model m = dense13b();
    gw_train_config c;
    memset(&c, 0, sizeof c);
    c.tp = c.pp = c.vpp = c.cp = c.ep = c.etp = 1;
    c.dp = dp;
    c.micro_batch = 2;
    c.recompute = GW_TRAIN_RECOMPUTE_FULL;
    c.zero = zero;
    c.precision = GW_PREC_BF16;
    gw_train_eval e;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(
        gw_train_eval_config(&m, f->accel, &f->topo, p, NULL, &c, 4096, 8.0 * dp, &e, &err), GW_OK);
    assert_int_equal(e.reject, GW_TRAIN_OK);
    assert_int_equal(e.grad_accum, 4);
    return e;
}

static void charges_the_hidden_fsdp_traffic(void **state)
{
    fixture *f = *state;
    assert_true(f->p.overlap_slowdown > 0.1 && f->p.overlap_slowdown < 0.4);
    gw_train_params off = f->p;
    off.overlap_slowdown = 0.0;
    gw_train_params bare = off; /* nothing hidden: all the traffic, exposed */
    bare.dp_overlap = 0.0;
    gw_train_eval with = eval(f, &f->p, 32, 3);
    gw_train_eval without = eval(f, &off, 32, 3);
    gw_train_eval all = eval(f, &bare, 32, 3);
    double hidden = all.time.dp_comm_s - without.time.dp_comm_s;
    print_message("traffic %g s, exposed %g s, slowdown %g s, step %g -> %g s\n",
                  all.time.dp_comm_s, without.time.dp_comm_s, with.time.dp_slowdown_s,
                  without.time.step_s, with.time.step_s);
    /* The case is one where most of the traffic hides: the term has
     * something to charge. */
    assert_true(hidden > 0.5 * all.time.dp_comm_s);
    assert_true(without.time.dp_slowdown_s == 0.0);
    assert_true(fabs(with.time.dp_slowdown_s - f->p.overlap_slowdown * hidden) <=
                1e-9 * with.time.step_s);
    assert_true(fabs(with.time.dp_comm_s - without.time.dp_comm_s - with.time.dp_slowdown_s) <=
                1e-9 * with.time.step_s);
    assert_true(fabs(with.time.step_s - without.time.step_s - with.time.dp_slowdown_s) <=
                1e-9 * with.time.step_s);
    /* Linear in the slowdown. */
    gw_train_params twice = f->p;
    twice.overlap_slowdown = 2.0 * f->p.overlap_slowdown;
    gw_train_eval w2 = eval(f, &twice, 32, 3);
    assert_true(fabs(w2.time.dp_slowdown_s - 2.0 * with.time.dp_slowdown_s) <=
                1e-9 * w2.time.step_s);
    /* Nothing hidden, nothing charged. */
    gw_train_params bare_on = bare;
    bare_on.overlap_slowdown = f->p.overlap_slowdown;
    gw_train_eval b = eval(f, &bare_on, 32, 3);
    assert_true(b.time.dp_slowdown_s == 0.0);
    assert_true(b.time.step_s == all.time.step_s);
}

/* ZeRO-1/2 (the gradient reduction under the last backward pass, as
 * Megatron's distributed optimizer runs it) is not charged. ZeRO-2: 13B
 * with whole weights fits 80 GB only with sharded gradients. */
static void megatron_reduction_is_not_charged(void **state)
{
    fixture *f = *state;
    gw_train_params off = f->p;
    off.overlap_slowdown = 0.0;
    gw_train_eval with = eval(f, &f->p, 32, 2);
    gw_train_eval without = eval(f, &off, 32, 2);
    assert_true(with.time.dp_comm_s > 0.0);
    assert_true(with.time.dp_slowdown_s == 0.0);
    assert_true(with.time.step_s == without.time.step_s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(charges_the_hidden_fsdp_traffic),
        cmocka_unit_test(megatron_reduction_is_not_charged),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
