/* SPDX-License-Identifier: MIT */
/* --vary parsing (lists, ranges, log ranges, errors) and grid numbering of
 * gw_plan_sweep_* (src/plan/sweep.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gigawatt/plan.h>
#include <string.h>

static gw_ctx *ctx;

static void axis_is(const char *spec, const char *key, size_t n, const char *const *values)
{
    gw_sweep_axis ax;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_plan_sweep_axis_parse(ctx, spec, &ax, &err), GW_OK);
    assert_string_equal(ax.key, key);
    assert_int_equal(ax.n, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(ax.values[i], values[i]);
    gw_plan_sweep_axis_free(ctx, &ax);
}

static void axis_fails(const char *spec, const char *needle)
{
    gw_sweep_axis ax;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_plan_sweep_axis_parse(ctx, spec, &ax, &err), GW_EUSAGE);
    assert_string_equal(err.where, "--vary");
    assert_non_null(strstr(err.msg, needle));
    assert_int_equal(ax.n, 0);
}

static void test_list(void **state)
{
    (void)state;
    axis_is("cluster.gpus=10k,100k, 1M", "cluster.gpus", 3,
            (const char *const[]){"10k", "100k", "1M"});
    axis_is("accelerator=h100-sxm,gb200", "accelerator", 2,
            (const char *const[]){"h100-sxm", "gb200"});
    gw_sweep_axis ax;
    gw_error err;
    assert_int_equal(gw_plan_sweep_axis_parse(ctx, "a=16k,x", &ax, &err), GW_OK);
    assert_false(ax.numeric);
    assert_true(ax.num[0] == 16000.0);
    gw_plan_sweep_axis_free(ctx, &ax);
}

static void test_ranges(void **state)
{
    (void)state;
    axis_is("k=1k:4k:1k", "k", 4, (const char *const[]){"1000", "2000", "3000", "4000"});
    axis_is("k=0.1:0.3:0.1", "k", 3, (const char *const[]){"0.1", "0.2", "0.3"});
    axis_is("k=4:1:-1", "k", 4, (const char *const[]){"4", "3", "2", "1"});
    axis_is("k=1:2:5", "k", 1, (const char *const[]){"1"});
    axis_is("k=1 GW:2 GW:500 MW", "k", 3,
            (const char *const[]){"1000000000 W", "1500000000 W", "2000000000 W"});
    axis_is("k=10k:1M:log5", "k", 5,
            (const char *const[]){"10000", "31623", "100000", "316228", "1000000"});
    axis_is("k=1:2:log3,7", "k", 3,
            (const char *const[]){"1", "2", "7"}); /* rounded, deduplicated */
    axis_is("k=0.5:2:log3", "k", 3, (const char *const[]){"0.5", "1", "2"});
}

static void test_errors(void **state)
{
    (void)state;
    axis_fails("cluster.gpus", "KEY=VALUES");
    axis_fails("=1,2", "with a key");
    axis_fails("k=1,,2", "empty value");
    axis_fails("k=1:2", "A:B:STEP");
    axis_fails("k=1:2:3:4", "A:B:STEP");
    axis_fails("k=1:2:0", "non-zero STEP");
    axis_fails("k=1:2:-1", "non-zero STEP");
    axis_fails("k=1 GW:2 GW:1", "non-zero STEP");
    axis_fails("k=a:b:1", "two numbers");
    axis_fails("k=0:1M:log5", "A, B > 0");
    axis_fails("k=1:1M:log1", "N >= 2");
    axis_fails("k=1:1M:logx", "N >= 2");
    axis_fails("k=1:1e9:1", "more than");
}

static void test_grid(void **state)
{
    (void)state;
    gw_sweep_axis ax[3];
    gw_error err;
    assert_int_equal(gw_plan_sweep_axis_parse(ctx, "a=1,2,3", &ax[0], &err), GW_OK);
    assert_int_equal(gw_plan_sweep_axis_parse(ctx, "b=x,y", &ax[1], &err), GW_OK);
    assert_int_equal(gw_plan_sweep_axis_parse(ctx, "c=1:4:1", &ax[2], &err), GW_OK);
    size_t n;
    assert_int_equal(gw_plan_sweep_grid_size(ax, 3, &n, &err), GW_OK);
    assert_int_equal(n, 24);
    assert_int_equal(gw_plan_sweep_grid_size(ax, 0, &n, &err), GW_OK);
    assert_int_equal(n, 1);
    size_t ch[3];
    gw_plan_sweep_grid_point(ax, 3, 0, ch);
    assert_true(ch[0] == 0 && ch[1] == 0 && ch[2] == 0);
    gw_plan_sweep_grid_point(ax, 3, 1, ch); /* the last axis varies fastest */
    assert_true(ch[0] == 0 && ch[1] == 0 && ch[2] == 1);
    gw_plan_sweep_grid_point(ax, 3, 23, ch);
    assert_true(ch[0] == 2 && ch[1] == 1 && ch[2] == 3);
    /* Every point once. */
    int seen[24] = {0};
    for (size_t i = 0; i < 24; i++) {
        gw_plan_sweep_grid_point(ax, 3, i, ch);
        seen[ch[0] * 8 + ch[1] * 4 + ch[2]]++;
    }
    for (size_t i = 0; i < 24; i++)
        assert_int_equal(seen[i], 1);
    /* Too big: 1000 x 1000 x 1000 points. */
    gw_sweep_axis big[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(gw_plan_sweep_axis_parse(ctx, "k=1:1000:1", &big[i], &err), GW_OK);
    assert_int_equal(gw_plan_sweep_grid_size(big, 3, &n, &err), GW_EUSAGE);
    for (int i = 0; i < 3; i++) {
        gw_plan_sweep_axis_free(ctx, &big[i]);
        gw_plan_sweep_axis_free(ctx, &ax[i]);
    }
}

static void test_check(void **state)
{
    (void)state;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_plan_sweep_check(ctx, NULL, 0, "cluster.gpus", "16k", &err), GW_OK);
    memset(&err, 0, sizeof err);
    assert_int_not_equal(gw_plan_sweep_check(ctx, NULL, 0, "cluster.gpuz", "16k", &err), GW_OK);
    assert_non_null(strstr(err.msg, "unknown"));
    memset(&err, 0, sizeof err);
    assert_int_not_equal(gw_plan_sweep_check(ctx, NULL, 0, "cluster.gpus", "lots", &err), GW_OK);
    const char *sets[] = {"workload.model=llama3-8b"};
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_plan_sweep_check(ctx, sets, 1, "cluster.gpus", "64", &err), GW_OK);
}

int main(void)
{
    ctx = gw_ctx_new(NULL, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list), cmocka_unit_test(test_ranges), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_grid), cmocka_unit_test(test_check),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    gw_ctx_free(ctx);
    return rc;
}
