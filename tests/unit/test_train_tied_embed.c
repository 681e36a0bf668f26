/* SPDX-License-Identifier: MIT */
/*
 * test_train_tied_embed.c: the all-reduce of tied embedding gradients
 * between the first and last pipeline stages (docs/models/train.md,
 * data-parallel communication). With tied input and output embeddings and
 * PP > 1 the two stages hold copies of one vocab x hidden matrix, and
 * Megatron-LM / Megatron-Core / DeepSpeed all-reduce its gradient between
 * them after the data-parallel reduction, exposed: tied_embed_s is that
 * all-reduce (two ranks, vocab x hidden / TP gradients), inside dp_comm_s
 * and the step; nothing without PP or without tied embeddings (DualPipe,
 * which keeps the first and last stages on one rank, skips it too).
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

/* Llama-2-7B's shape on tp x pp x 8 GPUs, ZeRO-1, 8 micro-batches. */
static gw_train_eval eval(fixture *f, const gw_model *m, int tp, int pp)
{
    gw_train_config c;
    memset(&c, 0, sizeof c);
    c.tp = tp;
    c.pp = pp;
    c.vpp = c.cp = c.ep = c.etp = 1;
    c.dp = 8;
    c.micro_batch = 1;
    c.recompute = GW_TRAIN_RECOMPUTE_NONE;
    c.zero = 1;
    c.precision = GW_PREC_BF16;
    gw_train_eval e;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(
        gw_train_eval_config(m, f->accel, &f->topo, &f->p, NULL, &c, 4096, 64.0, &e, &err), GW_OK);
    assert_int_equal(e.reject, GW_TRAIN_OK);
    return e;
}

static void tied_stages_all_reduce_the_embedding(void **state)
{
    fixture *f = *state;
    gw_model tied = gw_test_llama7b();
    tied.tied_embeddings = true;
    gw_model untied = tied;
    untied.tied_embeddings = false;
    /* TP 2, PP 4, DP 8: 64 GPUs; the pipeline's ranks are 16 apart, so the
     * first and last stages sit on different 8-GPU nodes. */
    gw_train_eval t = eval(f, &tied, 2, 4);
    gw_train_eval u = eval(f, &untied, 2, 4);
    assert_true(u.time.tied_embed_s == 0.0);
    const gw_train_comm_model *cm = gw_train_comm_alphabeta();
    gw_train_group g = {2, 1, 16 * 3, GW_TRAIN_GROUP_PP};
    double bytes = (double)tied.vocab * tied.hidden / 2 * f->p.grad_bytes_per_param;
    double want = cm->allreduce_s(cm->ud, &f->topo, g, bytes);
    print_message("tied-embedding all-reduce %g s of %g s exposed DP, step %g s\n",
                  t.time.tied_embed_s, t.time.dp_comm_s, t.time.step_s);
    assert_true(want > 0.0);
    assert_true(fabs(t.time.tied_embed_s - want) <= 1e-12 * t.time.step_s);
    assert_true(t.time.dp_comm_s >= t.time.tied_embed_s);
    /* Twice the vocabulary, about twice the time (bandwidth-bound). */
    gw_model big = tied;
    big.vocab = 2 * tied.vocab;
    gw_train_eval b = eval(f, &big, 2, 4);
    assert_true(b.time.tied_embed_s > 1.8 * t.time.tied_embed_s);
}

static void nothing_without_two_stages(void **state)
{
    fixture *f = *state;
    gw_model tied = gw_test_llama7b();
    tied.tied_embeddings = true;
    assert_true(eval(f, &tied, 2, 1).time.tied_embed_s == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tied_stages_all_reduce_the_embedding),
        cmocka_unit_test(nothing_without_two_stages),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
