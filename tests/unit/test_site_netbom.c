/* SPDX-License-Identifier: MIT */
/*
 * test_site_netbom.c: the fat-tree bill of materials against NVIDIA's DGX
 * SuperPOD B200 reference architecture (network_facility.csv rows "DGX
 * SuperPOD (B200 RA) N SU": radix-64 InfiniBand, one 400G NIC per GPU,
 * 256 GPUs per SU) and the radix formulas k^2/2 and k^3/4.
 */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */

static gw_netbom_params params(double gpus, int radix)
{
    gw_netbom_params p;
    memset(&p, 0, sizeof p);
    p.gpus = gpus;
    p.nics_per_gpu = 1;
    p.radix = radix;
    p.oversubscription = 1.0;
    p.planes = 1;
    p.scaleup_domain = 8;
    p.optics_per_link = 2;
    return p;
}

/* SuperPOD B200 RA rows: SUs, leaf, spine, core switches; every tier's
 * cable count equals the GPU count (non-blocking). With k = 64, leaves hold
 * 32 GPUs (N/32), and a 2-tier tree ends at k^2/2 = 2048 GPUs (8 SU) with
 * N/64 spines; beyond it the spines become middle tier (N/32) and the core
 * has N/64 switches. */
static void superpod_b200(void **state)
{
    (void)state;
    static const struct {
        int su;
        double leaf, spine, core;
    } rows[] = {{2, 16, 8, 0},      {4, 32, 16, 0},      {8, 64, 32, 0},
                {16, 128, 128, 64}, {32, 256, 256, 128}, {64, 512, 512, 256}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double gpus = rows[i].su * 256.0;
        gw_netbom_params p = params(gpus, 64);
        gw_netbom b;
        assert_int_equal(gw_site_netbom(&p, &b, NULL), GW_OK);
        assert_int_equal(b.tiers, rows[i].core > 0 ? 3 : 2);
        assert_true(b.switches_per_tier[0] == rows[i].leaf);
        assert_true(b.switches_per_tier[1] == rows[i].spine);
        assert_true(b.switches_per_tier[2] == rows[i].core);
        assert_true(b.links_per_tier[0] == gpus); /* node-leaf cables */
        assert_true(b.links_per_tier[1] == gpus); /* leaf-spine cables */
        assert_true(b.links_per_tier[2] == (rows[i].core > 0 ? gpus : 0.0));
        assert_true(b.scaleup_domains == gpus / 8.0);
        assert_true(b.transceivers == 2.0 * b.links);
    }
}

/* Capacity: 2-tier k^2/2, 3-tier k^3/4 (2,048 / 65,536 at k = 64;
 * 10,368 / 746,496 at k = 144); one more endpoint needs one more tier. */
static void radix_formulas(void **state)
{
    (void)state;
    static const struct {
        int k;
        double two, three;
    } cases[] = {{64, 2048, 65536}, {128, 8192, 524288}, {144, 10368, 746496}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gw_netbom b;
        gw_netbom_params p = params(cases[i].two, cases[i].k);
        assert_int_equal(gw_site_netbom(&p, &b, NULL), GW_OK);
        assert_int_equal(b.tiers, 2);
        assert_true(b.capacity_per_plane == cases[i].two);
        p.gpus = cases[i].two + 1;
        assert_int_equal(gw_site_netbom(&p, &b, NULL), GW_OK);
        assert_int_equal(b.tiers, 3);
        assert_true(b.capacity_per_plane == cases[i].three);
        p.gpus = cases[i].three + 1;
        assert_int_equal(gw_site_netbom(&p, &b, NULL), GW_OK);
        assert_int_equal(b.tiers, 4);
    }
}

/* Oversubscription 2:1 at k = 64: leaves keep floor(64 x 2/3) = 42 ports
 * down, 22 up; a 2-tier plane holds 64 x 42 = 2,688 endpoints. For 2,688
 * GPUs: 64 leaves, 64 x 22 = 1,408 uplinks, ceil(1408/64) = 22 spines. */
static void oversubscription(void **state)
{
    (void)state;
    gw_netbom_params p = params(2688, 64);
    p.oversubscription = 2.0;
    gw_netbom b;
    assert_int_equal(gw_site_netbom(&p, &b, NULL), GW_OK);
    assert_int_equal(b.leaf_down_ports, 42);
    assert_int_equal(b.tiers, 2);
    assert_true(b.switches_per_tier[0] == 64);
    assert_true(b.links_per_tier[1] == 1408);
    assert_true(b.switches_per_tier[1] == 22);
}

/* Planes split the NIC ports: 16,384 GPUs with 8 NIC ports each over 8
 * planes is 8 planes of 16,384 endpoints, 3 tiers each at k = 64; switch
 * counts are 8x the single-plane B200 64-SU row (512/512/256). Power and
 * cost scale with the counts. */
static void planes_power_cost(void **state)
{
    (void)state;
    gw_netbom_params p = params(16384, 64);
    p.nics_per_gpu = 8;
    p.planes = 8;
    p.switch_power_w = 1000.0;
    p.switch_price_usd = 20000.0;
    p.optic_power_w = 10.0;
    p.optic_price_usd = 500.0;
    p.cable_price_usd = 50.0;
    p.nic_power_w = 20.0;
    p.nic_price_usd = 1000.0;
    gw_netbom b;
    assert_int_equal(gw_site_netbom(&p, &b, NULL), GW_OK);
    assert_int_equal(b.tiers, 3);
    assert_true(b.switches_per_tier[0] == 8 * 512.0);
    assert_true(b.switches_per_tier[2] == 8 * 256.0);
    assert_true(b.switches == 8 * 1280.0);
    assert_true(b.nics == 8 * 16384.0);
    assert_true(fabs(b.switch_power_w - b.switches * 1000.0) < 1e-6);
    assert_true(fabs(b.power_w - (b.switches * 1000.0 + b.transceivers * 10.0 + b.nics * 20.0)) <
                1e-6);
    assert_true(fabs(b.cost_usd - (b.switches * 2e4 + b.transceivers * 500.0 + b.cables * 50.0 +
                                   b.nics * 1000.0)) < 1e-3);
}

/* Bad parameters are located errors. */
static void errors(void **state)
{
    (void)state;
    gw_netbom b;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_netbom_params p = params(100, 63);
    assert_int_equal(gw_site_netbom(&p, &b, &err), GW_ERANGE);
    assert_string_equal(err.where, "cluster.switch");
    p = params(100, 64);
    p.oversubscription = 0.5;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_site_netbom(&p, &b, &err), GW_ERANGE);
    assert_string_equal(err.where, "cluster.oversubscription");
    p = params(1e9, 8); /* capacity(4) = 8 x 4 x 4 x 4 = 512 */
    assert_int_equal(gw_site_netbom(&p, &b, &err), GW_EINFEASIBLE);
    assert_int_equal(gw_site_netbom(NULL, &b, &err), GW_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(superpod_b200),    cmocka_unit_test(radix_formulas),
        cmocka_unit_test(oversubscription), cmocka_unit_test(planes_power_cost),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
