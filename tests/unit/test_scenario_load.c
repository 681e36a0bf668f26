/* SPDX-License-Identifier: MIT */
/*
 * test_scenario_load.c: scenario files (gw_scenario_load[_buffer]), the
 * built-in default scenario, `--set key.path=value` overrides, the schema's
 * defaults and checks, and gw_scenario_resolve against the catalog.
 *
 * Expected values come from the YAML text of each test (or, for the default
 * scenario, from scenarios/default.yaml, quoted in the comments) converted
 * to base SI units by hand. Error lines are checked verbatim in the CLI's
 * "path:line:col: where: message" shape.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, unsetenv */

#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/core_internal.h"

static gw_ctx *ctx;
static gw_catalog *cat;

static int setup(void **state)
{
    (void)state;
    unsetenv("GIGAWATT_DATA"); /* the embedded catalog, whatever the caller's shell says */
    ctx = gw_ctx_new(NULL, NULL);
    if (!ctx)
        return -1;
    return gw_catalog_load(ctx, NULL, &cat, NULL) == GW_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    gw_catalog_free(cat);
    gw_ctx_free(ctx);
    return 0;
}

#define REL_EPS 1e-12
static void assert_rel(double got, double want)
{
    if (!(fabs(got - want) <= fabs(want) * REL_EPS))
        fail_msg("got %.17g, expected %.17g", got, want);
}

/* A valid, small scenario (the shape of the tests/errors cases). */
static const char *minimal = "schema_version: 1\n"
                             "name: t\n"
                             "site:\n"
                             "  power: 100 MW\n"
                             "cluster:\n"
                             "  accelerator: h100-sxm\n"
                             "  gpus: 1024\n"
                             "workload:\n"
                             "  model: llama3.1-8b\n"
                             "  tokens: 1T\n";

static gw_scenario *load_ok(const char *yaml, const char *const *sets, size_t n_sets)
{
    gw_scenario *sc = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc =
        gw_scenario_load_buffer(ctx, yaml, strlen(yaml), "s.yaml", sets, n_sets, &sc, &err);
    if (rc != GW_OK) {
        char buf[1024];
        fail_msg("load failed: %s", gw_error_format(&err, buf, sizeof buf));
    }
    assert_non_null(sc);
    return sc;
}

/* Loads expecting failure; checks the code and the formatted error line. */
static void load_fails(const char *yaml, const char *const *sets, size_t n_sets, gw_status want,
                       const char *line)
{
    gw_scenario *sc = (gw_scenario *)(uintptr_t)1;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw_scenario_load_buffer(ctx, yaml, yaml ? strlen(yaml) : 0, "s.yaml", sets,
                                           n_sets, &sc, &err);
    char buf[1024];
    gw_error_format(&err, buf, sizeof buf);
    if (rc != want)
        fail_msg("got %s (%s), expected %s", gw_status_name(rc), buf, gw_status_name(want));
    assert_int_equal(err.code, want);
    assert_null(sc);
    assert_string_equal(buf, line);
}

/* ---- The default scenario ------------------------------------------------------- */

/* The embedded copy is the file in the tree (the build re-embeds on change). */
static void test_default_is_embedded_file(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(
        gw__file_read(ctx, GW_SOURCE_DIR "/scenarios/default.yaml", 1u << 20, &buf, &len, &err),
        GW_OK);
    assert_string_equal(gw_scenario_default_yaml(), buf);
    gw_free(ctx, buf);
}

static void test_default_loads(void **state)
{
    (void)state;
    gw_scenario *sc = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_scenario_load(ctx, NULL, NULL, 0, &sc, &err), GW_OK);
    assert_string_equal(sc->path, "(built-in default)");
    /* The issue's definition of the default (issue 2, item 5): a
     * Colossus-II-like site of about 1 GW, GB200 NVL72-class racks, training
     * a frontier MoE model on tens of trillions of tokens. The exact figures
     * are the lead's to tune, so the test checks the definition:
     *   0.5 GW <= site.power <= 2 GW, 1e13 <= tokens < 1e14,
     *   a 72-GPU scale-up domain (NVL72), and a model with experts. */
    assert_true(sc->site.power_w >= 0.5e9 && sc->site.power_w <= 2e9);
    assert_true(sc->workload.tokens >= 1e13 && sc->workload.tokens < 1e14);
    /* 1 GW at ~1.2 kW per GB200 plus cooling and hosts is several hundred
     * thousand GPUs; 100k is a loose floor. */
    assert_true(sc->cluster.gpus >= 1e5);
    /* Phases are in date order and each names a size. */
    assert_true(sc->site.n_phases <= GW_SCENARIO_MAX_PHASES);
    for (size_t i = 0; i < sc->site.n_phases; i++) {
        const gw_phase *ph = &sc->site.phases[i];
        assert_int_equal(strlen(ph->date), 10);
        assert_true(ph->gpus > 0 || ph->power_w > 0);
        if (i > 0)
            assert_true(strcmp(sc->site.phases[i - 1].date, ph->date) <= 0);
    }
    /* The default resolves against the embedded catalog. */
    const gw_accel *a = NULL;
    const gw_system *s = NULL;
    const gw_model *m = NULL;
    assert_int_equal(gw_scenario_resolve(ctx, sc, cat, &a, &s, &m, &err), GW_OK);
    assert_int_equal(s->scaleup_domain, 72);
    assert_string_equal(s->accelerator, a->name);
    assert_true(m->n_experts > 0);
    assert_true(m->params_active < m->params_total);

    /* Each value is the file's text converted by gw_unit_parse: the binding
     * stores what the YAML says, in base units. */
    gw__ydoc *d = NULL;
    const char *y = gw_scenario_default_yaml();
    assert_int_equal(gw__ydoc_parse(ctx, y, strlen(y), "default.yaml", &d, &err), GW_OK);
    const gw__ynode *cl = gw__ymap_get(d->root, "cluster");
    const gw__ynode *wl = gw__ymap_get(d->root, "workload");
    const gw__ynode *si = gw__ymap_get(d->root, "site");
    double v;
    assert_int_equal(gw_unit_parse(gw__ymap_get(si, "power")->scalar, GW_DIM_POWER, &v, NULL),
                     GW_OK);
    assert_rel(sc->site.power_w, v);
    assert_int_equal(gw_unit_parse(gw__ymap_get(cl, "gpus")->scalar, GW_DIM_TOKENS, &v, NULL),
                     GW_OK);
    assert_rel(sc->cluster.gpus, v);
    assert_int_equal(gw_unit_parse(gw__ymap_get(wl, "tokens")->scalar, GW_DIM_TOKENS, &v, NULL),
                     GW_OK);
    assert_rel(sc->workload.tokens, v);
    assert_string_equal(sc->cluster.accelerator, gw__ymap_get(cl, "accelerator")->scalar);
    assert_string_equal(sc->workload.model, gw__ymap_get(wl, "model")->scalar);
    gw__ydoc_free(d);
    gw_scenario_free(sc);
}

/* Keys the file leaves out keep the documented defaults (scenario.h). */
static void test_defaults_for_absent_keys(void **state)
{
    (void)state;
    gw_scenario *sc = load_ok(minimal, NULL, 0);
    assert_string_equal(sc->name, "t");
    assert_string_equal(sc->description, "");
    assert_string_equal(sc->path, "s.yaml");
    assert_rel(sc->site.power_w, 1e8); /* 100 MW */
    assert_true(sc->site.pue == 0.0);  /* 0 = catalog default for the cooling */
    assert_string_equal(sc->site.cooling, "liquid");
    assert_int_equal(sc->site.n_phases, 0);
    assert_string_equal(sc->cluster.system, "");
    assert_rel(sc->cluster.gpus, 1024.0);
    assert_rel(sc->cluster.oversubscription, 1.0);
    assert_int_equal(sc->cluster.planes, 1);
    assert_rel(sc->workload.tokens, 1e12); /* 1T */
    assert_rel(sc->workload.seq_len, 8192.0);
    assert_int_equal(sc->workload.precision, GW_PREC_BF16);
    assert_rel(sc->workload.mfu_assumed, 0.4);
    assert_true(sc->economics.electricity_usd_per_j == 0.0);
    assert_int_equal(sc->economics.tariff_exempt, 0);
    assert_string_equal(sc->policy.destination, "US");
    assert_string_equal(sc->policy.rule, "oct2023");
    gw_scenario_free(sc);
    gw_scenario_free(NULL);
}

/* Every key of the schema, each converted by hand. */
static void test_every_key(void **state)
{
    (void)state;
    const char *y = "name: all\n"
                    "description: every key\n"
                    "site:\n"
                    "  name: s\n"
                    "  location: l\n"
                    "  power: 150 MW\n"
                    "  pue: 1.2\n"
                    "  cooling: air\n"
                    "  grid: 100 MW\n"
                    "  onsite_generation: 40 MW\n"
                    "  battery: 10 MW\n"
                    "  storage_power: 5 MW\n"
                    "  phases:\n"
                    "    - {name: a, date: 2025-01-01, accelerator: h100, gpus: 16k}\n"
                    "    - {date: 2025-06-01, accelerator: b200, power: 50 MW}\n"
                    "cluster:\n"
                    "  accelerator: H100\n"
                    "  system: dgx-h100\n"
                    "  gpus: 100k\n"
                    "  nic: cx7\n"
                    "  switch: qm9700\n"
                    "  topology: fat-tree\n"
                    "  oversubscription: 2\n"
                    "  planes: 8\n"
                    "workload:\n"
                    "  model: llama3.1-405b\n"
                    "  tokens: 15.6T\n"
                    "  seq_len: 8k\n"
                    "  global_batch_tokens: 16M\n"
                    "  precision: fp16\n"
                    "  mfu: 0.38\n"
                    "economics:\n"
                    "  electricity_price: 80 USD/MWh\n"
                    "  depreciation: 5 yr\n"
                    "  cost_of_capital: 10%\n"
                    "  maintenance: 0.03\n"
                    "  facility_cost: 11.7 USD/W\n"
                    "  gpu_price: 30000 USD\n"
                    "  tariff_rate: 25%\n"
                    "  tariff_exempt: true\n"
                    "policy:\n"
                    "  destination: CN\n"
                    "  rule: jan2026\n"
                    "reliability:\n"
                    "  checkpoint_interval: 30 min\n"
                    "  checkpoint_bandwidth: 1 TB/s\n"
                    "  restart_time: 10 min\n"
                    "  spares: 1%\n";
    gw_scenario *sc = load_ok(y, NULL, 0);
    assert_string_equal(sc->description, "every key");
    assert_string_equal(sc->site.location, "l");
    assert_rel(sc->site.power_w, 150e6);
    assert_rel(sc->site.pue, 1.2);
    assert_string_equal(sc->site.cooling, "air");
    assert_rel(sc->site.grid_w, 100e6);
    assert_rel(sc->site.onsite_gen_w, 40e6);
    assert_rel(sc->site.battery_w, 10e6);
    assert_rel(sc->site.storage_power_w, 5e6);
    assert_int_equal(sc->site.n_phases, 2);
    assert_string_equal(sc->site.phases[0].name, "a");
    assert_rel(sc->site.phases[0].gpus, 16e3);
    assert_string_equal(sc->site.phases[1].name, ""); /* optional */
    assert_string_equal(sc->site.phases[1].accelerator, "b200");
    assert_rel(sc->site.phases[1].power_w, 50e6);
    assert_true(sc->site.phases[1].gpus == 0.0);
    assert_string_equal(sc->cluster.accelerator, "H100");
    assert_string_equal(sc->cluster.nic, "cx7");
    assert_string_equal(sc->cluster.fabric_switch, "qm9700");
    assert_rel(sc->cluster.gpus, 1e5);
    assert_rel(sc->cluster.oversubscription, 2.0);
    assert_int_equal(sc->cluster.planes, 8);
    assert_rel(sc->workload.tokens, 15.6e12);
    assert_rel(sc->workload.seq_len, 8e3); /* "8k" is decimal: 8000, not 8192 */
    assert_rel(sc->workload.global_batch_tokens, 16e6);
    assert_int_equal(sc->workload.precision, GW_PREC_BF16); /* fp16 runs at the BF16 rate */
    assert_rel(sc->workload.mfu_assumed, 0.38);
    assert_rel(sc->economics.electricity_usd_per_j, 80.0 / 3.6e9);
    assert_rel(sc->economics.depreciation_s, 5.0 * 31557600.0);
    assert_rel(sc->economics.cost_of_capital, 0.1);
    assert_rel(sc->economics.maintenance_frac, 0.03);
    assert_rel(sc->economics.facility_usd_per_w, 11.7);
    assert_rel(sc->economics.gpu_price_usd, 30000.0);
    assert_rel(sc->economics.tariff_rate, 0.25);
    assert_int_equal(sc->economics.tariff_exempt, 1);
    assert_string_equal(sc->policy.destination, "CN");
    assert_string_equal(sc->policy.rule, "jan2026");
    assert_rel(sc->reliability.checkpoint_interval_s, 1800.0);
    assert_rel(sc->reliability.checkpoint_write_Bps, 1e12);
    assert_rel(sc->reliability.restart_s, 600.0);
    assert_rel(sc->reliability.spares_frac, 0.01);
    /* Catalog names are matched case-insensitively on resolve (H100 -> h100-sxm). */
    const gw_accel *a = NULL;
    const gw_system *s = NULL;
    const gw_model *m = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_scenario_resolve(ctx, sc, cat, &a, &s, &m, &err), GW_OK);
    assert_string_equal(a->name, "h100-sxm");
    assert_string_equal(s->name, "dgx-h100");
    assert_string_equal(m->name, "llama3.1-405b");
    gw_scenario_free(sc);
}

/* An empty section ("economics:" with nothing under it) is allowed. */
static void test_empty_sections(void **state)
{
    (void)state;
    gw_scenario *sc = load_ok("economics:\npolicy:\n", NULL, 0);
    assert_string_equal(sc->policy.rule, "oct2023");
    gw_scenario_free(sc);
}

/* ---- Input errors, verbatim (library side of tests/errors) ------------------------ */

static void test_errors_located(void **state)
{
    (void)state;
    /* Replaces line 7 ("  gpus: 1024") of the minimal scenario. */
    char y[512];
    const char *head = "schema_version: 1\nname: t\nsite:\n  power: 100 MW\ncluster:\n"
                       "  accelerator: h100-sxm\n";
    const char *tail = "workload:\n  model: llama3.1-8b\n  tokens: 1T\n";
    static const struct {
        const char *line7; /* text of line 7 */
        gw_status code;
        const char *err;
    } cases[] = {
        /* "  gpus: -3": the value starts at column 9; 1..1e8 is "1 and 100 million". */
        {"  gpus: -3", GW_ERANGE,
         "s.yaml:7:9: cluster.gpus: must be between 1 and 100 million inclusive, got \"-3\""},
        {"  gpus: lots", GW_EPARSE,
         "s.yaml:7:9: cluster.gpus: expected a count such as \"15T\", \"16M\" or \"30e12\", got "
         "\"lots\""},
        {"  gpus: [1, 2]", GW_ESCHEMA,
         "s.yaml:7:9: cluster.gpus: expected a scalar value, got a list"},
        {"  gpu: 1024", GW_ESCHEMA,
         "s.yaml:7:3: cluster.gpu: unknown key \"gpu\"; did you mean \"gpus\"? (expected one of: "
         "accelerator, system, gpus, "
         "nic, switch, topology, oversubscription, planes, allow_idle_gpus)"},
        {"  planes: 17", GW_ERANGE,
         "s.yaml:7:11: cluster.planes: expected an integer between 1 and 16 inclusive, got \"17\""},
        {"  planes: 2.5", GW_ESCHEMA,
         "s.yaml:7:11: cluster.planes: expected an integer, got \"2.5\""},
        {"  topology: torus", GW_ESCHEMA,
         "s.yaml:7:13: cluster.topology: expected one of fat-tree, got \"torus\""},
        {"  oversubscription: 0.5", GW_ERANGE,
         "s.yaml:7:21: cluster.oversubscription: must be between 1 and 64 inclusive, got \"0.5\""},
        {"  oversubscription: 2 W", GW_EUNIT,
         "s.yaml:7:21: cluster.oversubscription: expected a plain number without a unit, got "
         "\"2 W\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(y, sizeof y, "%s%s\n%s", head, cases[i].line7, tail);
        load_fails(y, NULL, 0, cases[i].code, cases[i].err);
    }
}

static void test_errors_sections(void **state)
{
    (void)state;
    load_fails("", NULL, 0, GW_ESCHEMA,
               "s.yaml:1:1: empty scenario: expected a mapping with site, cluster and workload "
               "sections");
    load_fails("schema_version: 2\n", NULL, 0, GW_ERANGE,
               "s.yaml:1:17: schema_version: expected 1, got \"2\"");
    load_fails("name: t\nsite: 5\n", NULL, 0, GW_ESCHEMA,
               "s.yaml:2:7: site: expected a mapping (key: value pairs), got a scalar value");
    load_fails("name: t\nclutser:\n  gpus: 8\n", NULL, 0, GW_ESCHEMA,
               "s.yaml:2:1: clutser: unknown key \"clutser\"; did you mean \"cluster\"? (expected "
               "one of: schema_version, "
               "name, description, site, cluster, workload, economics, policy, reliability, "
               "network, serving, loose)");
    load_fails("- a\n- b\n", NULL, 0, GW_ESCHEMA,
               "s.yaml:1:1: expected a mapping (key: value pairs), got a list");
    load_fails("site:\n  cooling: water\n", NULL, 0, GW_ESCHEMA,
               "s.yaml:2:12: site.cooling: expected one of liquid/air, got \"water\"");
    load_fails("site:\n  pue: 0.5\n", NULL, 0, GW_ERANGE,
               "s.yaml:2:8: site.pue: must be between 1 and 3 inclusive, got \"0.5\"");
    load_fails("site:\n  power: 100\n", NULL, 0, GW_EUNIT,
               "s.yaml:2:10: site.power: missing unit: expected a power such as \"700 W\" or "
               "\"1 GW\", got \"100\"");
    load_fails("workload:\n  mfu: 150%\n", NULL, 0, GW_ERANGE,
               "s.yaml:2:8: workload.mfu: must be greater than 0% and at most 100%, got \"150%\"");
    load_fails("workload:\n  precision: fp3\n", NULL, 0, GW_ESCHEMA,
               "s.yaml:2:14: workload.precision: expected a precision (fp64, tf32, bf16, fp16, "
               "fp8, fp6, fp4, int8), got \"fp3\"; did you mean \"fp8\", \"fp6\" or "
               "\"fp4\"?");
    load_fails("economics:\n  tariff_exempt: yes\n", NULL, 0, GW_ESCHEMA,
               "s.yaml:2:18: economics.tariff_exempt: expected true or false, got \"yes\"");
    load_fails("policy:\n  rule: may2027\n", NULL, 0, GW_ESCHEMA,
               "s.yaml:2:9: policy.rule: expected one of oct2023/oct2022/jan2026/jan2025, got "
               "\"may2027\"");
}

static void test_errors_phases(void **state)
{
    (void)state;
    load_fails("site:\n  phases:\n    - {date: 2026-13-01, accelerator: h100, gpus: 100}\n", NULL,
               0, GW_ESCHEMA,
               "s.yaml:3:14: site.phases[0].date: expected a date YYYY-MM-DD, got \"2026-13-01\"");
    load_fails("site:\n  phases:\n    - {date: 2026-05-01, accelerator: h100, gpus: 100}\n"
               "    - {date: 2025-01-01, accelerator: h100, gpus: 100}\n",
               NULL, 0, GW_ERANGE,
               "s.yaml:4:14: site.phases[1].date: phase dates must not go backwards: "
               "\"2025-01-01\" is before the previous phase");
    load_fails("site:\n  phases:\n    - {date: 2026-01-01, accelerator: h100}\n", NULL, 0,
               GW_ESCHEMA, "s.yaml:3:7: site.phases[0]: a phase needs \"gpus\" or \"power\"");
    load_fails("site:\n  phases:\n    - {date: 2026-01-01, gpus: 8}\n", NULL, 0, GW_ESCHEMA,
               "s.yaml:3:7: site.phases[0]: missing required key \"accelerator\"");
    load_fails("site:\n  phases:\n    - {date: 2026-01-01, accelerator: h100, gpus: 8, gpu: 8}\n",
               NULL, 0, GW_ESCHEMA,
               "s.yaml:3:54: site.phases[0].gpu: unknown key \"gpu\"; did you mean \"gpus\"? "
               "(expected one of: name, "
               "date, accelerator, gpus, power)");
    load_fails("site:\n  phases: {a: 1}\n", NULL, 0, GW_ESCHEMA,
               "s.yaml:2:11: site.phases: expected a list, got a mapping (key: value pairs)");
    /* GW_SCENARIO_MAX_PHASES (16) phases load, 17 do not. */
    char y[4096];
    for (int n = 16; n <= 17; n++) {
        size_t used = (size_t)snprintf(y, sizeof y, "site:\n  phases:\n");
        for (int i = 0; i < n; i++)
            used +=
                (size_t)snprintf(y + used, sizeof y - used,
                                 "    - {date: 2025-01-%02d, accelerator: h100, gpus: 8}\n", i + 1);
        if (n == 16) {
            gw_scenario *sc = load_ok(y, NULL, 0);
            assert_int_equal(sc->site.n_phases, 16);
            assert_string_equal(sc->site.phases[15].date, "2025-01-16");
            gw_scenario_free(sc);
        } else {
            load_fails(y, NULL, 0, GW_ERANGE,
                       "s.yaml:3:5: site.phases: at most 16 phases are supported, got 17");
        }
    }
}

/* Values echoed in a message must not break the one-line rule: a quoted
 * value with a newline would make the CLI print two lines (regression: the
 * newline was once copied into err.msg). */
static void test_error_is_one_line(void **state)
{
    (void)state;
    const char *y = "cluster:\n  gpus: \"1\\n2\"\n";
    gw_scenario *sc = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    /* "1\n2" parses as the number 1 with the unit "2": a unit error. */
    assert_int_equal(gw_scenario_load_buffer(ctx, y, strlen(y), "s.yaml", NULL, 0, &sc, &err),
                     GW_EUNIT);
    char buf[1024];
    gw_error_format(&err, buf, sizeof buf);
    for (const char *c = buf; *c; c++)
        assert_true((unsigned char)*c >= 0x20);
}

/* A gw_error reused for a second call describes the second failure only:
 * no location left over from the first (callers such as the CLI reuse one
 * record). Regression: public entry points once kept the stale line
 * ("s.yaml:2:9: cluster.gpus: cannot open: ..." for a missing file). */
static void test_error_record_reused(void **state)
{
    (void)state;
    gw_scenario *sc = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    const char *y = "cluster:\n  gpus: -3\n";
    assert_int_equal(gw_scenario_load_buffer(ctx, y, strlen(y), "s.yaml", NULL, 0, &sc, &err),
                     GW_ERANGE);
    assert_int_equal(err.line, 2);
    assert_int_equal(gw_scenario_load(ctx, "/nonexistent/x.yaml", NULL, 0, &sc, &err), GW_EIO);
    char buf[1024];
    gw_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "/nonexistent/x.yaml: cannot open: No such file or directory");
}

/* ---- Overrides ------------------------------------------------------------------------ */

static void test_overrides_apply(void **state)
{
    (void)state;
    /* Replace a value, add a key to an existing section, create a section. */
    const char *sets[] = {
        "cluster.gpus=2048",     "site.pue=1.3",           "economics.electricity_price=80 USD/MWh",
        "reliability.spares=5%", "workload.precision=fp8", "name=patched"};
    gw_scenario *sc = load_ok(minimal, sets, sizeof sets / sizeof sets[0]);
    assert_rel(sc->cluster.gpus, 2048.0);
    assert_rel(sc->site.pue, 1.3);
    assert_rel(sc->site.power_w, 1e8); /* untouched */
    assert_rel(sc->economics.electricity_usd_per_j, 80.0 / 3.6e9);
    assert_rel(sc->reliability.spares_frac, 0.05);
    assert_int_equal(sc->workload.precision, GW_PREC_FP8);
    assert_string_equal(sc->name, "patched");
    gw_scenario_free(sc);
}

/* workload.zero_shard: a rank count, "any" (searched: -1, GW_TRAIN_ANY) or
 * "whole" (0, as when absent); anything else is an error at the key. */
static void test_zero_shard_key(void **state)
{
    (void)state;
    gw_scenario *sc = load_ok(minimal, NULL, 0);
    assert_int_equal(sc->workload.zero_shard, 0);
    gw_scenario_free(sc);
    const char *any[] = {"workload.zero_shard=any"};
    sc = load_ok(minimal, any, 1);
    assert_int_equal(sc->workload.zero_shard, -1);
    assert_int_equal(sc->workload.zero_shard, GW_TRAIN_ANY);
    gw_scenario_free(sc);
    const char *whole[] = {"workload.zero_shard=whole"};
    sc = load_ok(minimal, whole, 1);
    assert_int_equal(sc->workload.zero_shard, 0);
    gw_scenario_free(sc);
    const char *eight[] = {"workload.zero_shard=8"};
    sc = load_ok(minimal, eight, 1);
    assert_int_equal(sc->workload.zero_shard, 8);
    gw_scenario_free(sc);
    const char *bad[] = {"workload.zero_shard=some"};
    gw_scenario *out = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_not_equal(
        gw_scenario_load_buffer(ctx, minimal, strlen(minimal), "s.yaml", bad, 1, &out, &err),
        GW_OK);
    assert_null(out);
    assert_non_null(strstr(err.msg, "expected a rank count, any or whole"));
    const char *zero[] = {"workload.zero_shard=0"};
    memset(&err, 0, sizeof err);
    assert_int_equal(
        gw_scenario_load_buffer(ctx, minimal, strlen(minimal), "s.yaml", zero, 1, &out, &err),
        GW_ERANGE);
}

/* Issue 12 keys: batch policy, MFU floor, fault-tolerance levers, loose
 * coupling; defaults when absent, values when set, errors when bad. */
static void test_issue12_keys(void **state)
{
    (void)state;
    gw_scenario *sc = load_ok(minimal, NULL, 0);
    assert_string_equal(sc->batch.policy, "fixed");
    assert_rel(sc->batch.min_mfu, 0.3);
    assert_int_equal(sc->ft.elastic, 0);
    assert_rel(sc->loose.sync_every, 100.0);
    assert_rel(sc->loose.outer_bytes, 4.0);
    assert_int_equal(sc->loose.replicas, 0);
    gw_scenario_free(sc);
    const char *sets[] = {"workload.batch_policy=critical",
                          "workload.min_mfu=25%",
                          "reliability.in_memory_checkpoint=true",
                          "reliability.elastic=true",
                          "reliability.partial_restart=true",
                          "reliability.hot_spares=true",
                          "reliability.fast_detect=true",
                          "reliability.async_checkpoint=true",
                          "reliability.detect_time=10 s",
                          "reliability.target_goodput=95%",
                          "reliability.replica_gpus=832",
                          "loose.replicas=4",
                          "loose.sync_every=500",
                          "loose.outer_bytes=2"};
    sc = load_ok(minimal, sets, sizeof sets / sizeof sets[0]);
    assert_string_equal(sc->batch.policy, "critical");
    assert_rel(sc->batch.min_mfu, 0.25);
    assert_int_equal(sc->ft.in_memory_checkpoint, 1);
    assert_int_equal(sc->ft.elastic, 1);
    assert_int_equal(sc->ft.partial_restart, 1);
    assert_int_equal(sc->ft.hot_spares, 1);
    assert_int_equal(sc->ft.fast_detect, 1);
    assert_int_equal(sc->ft.async_checkpoint, 1);
    assert_rel(sc->ft.detect_s, 10.0);
    assert_rel(sc->ft.target_goodput, 0.95);
    assert_rel(sc->ft.replica_gpus, 832.0);
    assert_int_equal(sc->loose.replicas, 4);
    assert_rel(sc->loose.sync_every, 500.0);
    assert_rel(sc->loose.outer_bytes, 2.0);
    gw_scenario_free(sc);
    const char *e1[] = {"workload.batch_policy=huge"};
    load_fails(minimal, e1, 1, GW_ESCHEMA,
               "--set workload.batch_policy: expected one of fixed/critical, got \"huge\"");
    const char *e2[] = {"loose.outer_bytes=16"};
    load_fails(minimal, e2, 1, GW_ERANGE,
               "--set loose.outer_bytes: must be between 0.125 and 8 inclusive, got \"16\"");
    const char *e3[] = {"reliability.elastic=maybe"};
    load_fails(minimal, e3, 1, GW_ESCHEMA,
               "--set reliability.elastic: expected true or false, got \"maybe\"");
    const char *e4[] = {"reliability.detect_time=5"};
    load_fails(minimal, e4, 1, GW_EUNIT,
               "--set reliability.detect_time: missing unit: expected a time such as \"30 s\", "
               "\"2 h\" or \"54 days\", got \"5\"");
}

static void test_overrides_order_and_text(void **state)
{
    (void)state;
    /* Later overrides win; the value is everything after the first '='. */
    const char *sets[] = {"cluster.gpus=1", "cluster.gpus=16k", "description=a=b"};
    gw_scenario *sc = load_ok(minimal, sets, 3);
    assert_rel(sc->cluster.gpus, 16e3);
    assert_string_equal(sc->description, "a=b");
    gw_scenario_free(sc);
    /* An override fills an empty section, and works on an empty document. */
    const char *set2[] = {"economics.maintenance=2%", "site.power=1 GW"};
    sc = load_ok("economics:\nsite:\n", set2, 2);
    assert_rel(sc->economics.maintenance_frac, 0.02);
    assert_rel(sc->site.power_w, 1e9);
    gw_scenario_free(sc);
    const char *set3[] = {"cluster.gpus=8"};
    sc = load_ok("", set3, 1);
    assert_rel(sc->cluster.gpus, 8.0);
    gw_scenario_free(sc);
}

/* The default scenario with overrides, as `gigawatt run --set` does. */
static void test_overrides_on_default(void **state)
{
    (void)state;
    const char *sets[] = {"cluster.gpus=100000", "cluster.accelerator=h100",
                          "cluster.system=dgx-h100"};
    gw_scenario *sc = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_scenario_load(ctx, NULL, sets, 3, &sc, &err), GW_OK);
    assert_rel(sc->cluster.gpus, 1e5);
    const gw_accel *a = NULL;
    const gw_system *s = NULL;
    assert_int_equal(gw_scenario_resolve(ctx, sc, cat, &a, &s, NULL, &err), GW_OK);
    assert_string_equal(a->name, "h100-sxm");
    assert_string_equal(s->name, "dgx-h100");
    gw_scenario_free(sc);
}

static void test_override_errors(void **state)
{
    (void)state;
    /* The exact texts of tests/errors/set-*, at the library level: located at
     * "--set KEY", with no file position. */
    const char *s1[] = {"cluster.gpus"};
    load_fails(minimal, s1, 1, GW_EUSAGE, "--set: expected key.path=value, got \"cluster.gpus\"");
    const char *s2[] = {"=5"};
    load_fails(minimal, s2, 1, GW_EUSAGE, "--set: expected key.path=value, got \"=5\"");
    const char *s3[] = {"cluster.gpu=8"};
    load_fails(minimal, s3, 1, GW_ESCHEMA,
               "--set cluster.gpu: unknown scenario key; did you mean \"cluster.gpus\"? (see "
               "docs/SCENARIO.md for the keys)");
    const char *s4[] = {"cluster=5"};
    load_fails(minimal, s4, 1, GW_ESCHEMA,
               "--set cluster: \"cluster\" is a section: set one of its keys, such as "
               "\"cluster.accelerator\"");
    const char *s5[] = {"cluster.gpus=-1"};
    load_fails(minimal, s5, 1, GW_ERANGE,
               "--set cluster.gpus: must be between 1 and 100 million inclusive, got \"-1\"");
    const char *s6[] = {"site.power=5"};
    load_fails(minimal, s6, 1, GW_EUNIT,
               "--set site.power: missing unit: expected a power such as \"700 W\" or \"1 GW\", "
               "got \"5\"");
    const char *s7[] = {"workload.precision=fp12"};
    load_fails(minimal, s7, 1, GW_ESCHEMA,
               "--set workload.precision: expected a precision (fp64, tf32, bf16, fp16, fp8, fp6, "
               "fp4, int8), got \"fp12\"; did you mean \"fp16\"?");
    const char *s8[] = {"site.phases=1"};
    load_fails(minimal, s8, 1, GW_ESCHEMA,
               "--set site.phases: unknown scenario key (see docs/SCENARIO.md for the keys)");
    /* An empty value is "nothing" for a number. */
    const char *s9[] = {"cluster.gpus="};
    load_fails(minimal, s9, 1, GW_ESCHEMA,
               "--set cluster.gpus: expected a scalar value, got nothing");
    /* Keys of 128 characters or more are refused before any lookup. */
    char longkey[200];
    memset(longkey, 'k', 150);
    memcpy(longkey + 150, "=1", 3);
    const char *s10[] = {longkey};
    char want[300];
    snprintf(want, sizeof want, "--set: key too long in \"%s\"", longkey);
    load_fails(minimal, s10, 1, GW_EUSAGE, want);
    /* A section that is not a mapping cannot take a key. */
    const char *s11[] = {"site.power=1 GW"};
    load_fails("site: 5\n", s11, 1, GW_ESCHEMA, "--set: \"site\" is not a section");
    load_fails("site: [1]\n", s11, 1, GW_ESCHEMA, "--set: \"site\" is not a section");
    /* A value that is a mapping or list cannot be replaced by a scalar. */
    const char *s12[] = {"cluster.gpus=8"};
    load_fails("cluster:\n  gpus: {a: 1}\n", s12, 1, GW_ESCHEMA,
               "--set: cannot replace a section with a value");
    load_fails("cluster:\n  gpus: [1]\n", s12, 1, GW_ESCHEMA,
               "--set: cannot replace a list with a value");
    /* The first failing override stops the load, and an earlier good one
     * changes nothing the caller can see. */
    const char *s13[] = {"cluster.gpus=8", NULL};
    load_fails(minimal, s13, 2, GW_EUSAGE, "--set: expected key.path=value, got \"\"");
}

/* An override on a document whose root is a list is an error about the
 * file (regression, fuzz_set finding: apply_override once appended a key to
 * the list and crashed; corpus/set/regress-segv-seq-root-override). */
static void test_override_on_list_root(void **state)
{
    (void)state;
    const char *s[] = {"site.power=1 GW"};
    gw_scenario *sc = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw_scenario_load_buffer(ctx, "- a\n", 4, "s.yaml", s, 1, &sc, &err);
    assert_int_equal(rc, GW_ESCHEMA);
    assert_null(sc);
    char buf[512];
    assert_string_equal(gw_error_format(&err, buf, sizeof buf),
                        "s.yaml:1:1: expected a mapping (key: value pairs), got a list");
}

/* ---- Files, arguments, resolve ------------------------------------------------------- */

static char tmpdir[256];

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_load_file_and_json_model(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gw_test_scenario_XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    /* A tiny llama: h=64, 2 layers, 4 heads (no GQA), f=128, V=100. */
    write_file(tmpdir, "m.json",
               "{\"model_type\": \"llama\", \"hidden_size\": 64, \"num_hidden_layers\": 2,"
               " \"num_attention_heads\": 4, \"intermediate_size\": 128, \"vocab_size\": 100}");
    write_file(tmpdir, "s.yaml",
               "cluster:\n  accelerator: h100-sxm\n  gpus: 8\nworkload:\n  model: m.json\n"
               "  tokens: 1T\n");
    char path[512];
    snprintf(path, sizeof path, "%s/s.yaml", tmpdir);
    gw_scenario *sc = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_scenario_load(ctx, path, NULL, 0, &sc, &err), GW_OK);
    assert_string_equal(sc->path, path);
    /* The model path is relative to the scenario file's folder. */
    const gw_model *m = NULL;
    assert_int_equal(gw_scenario_resolve(ctx, sc, cat, NULL, NULL, &m, &err), GW_OK);
    assert_string_equal(m->name, "m"); /* the file stem */
    /* Per layer: attention 4*h^2 = 16384, MLP 3*h*f = 24576, two RMSNorms
     * 2*64 = 128; embeddings V*h = 6400 twice (untied); final norm 64.
     * total = 6400*2 + 2*(16384 + 24576 + 128) + 64 = 95040. */
    assert_rel(m->params_total, 95040.0);
    /* Resolving twice reuses the owned model. */
    const gw_model *m2 = NULL;
    assert_int_equal(gw_scenario_resolve(ctx, sc, cat, NULL, NULL, &m2, &err), GW_OK);
    assert_ptr_equal(m, m2);
    gw_scenario_free(sc);

    /* A missing config file is located at workload.model (line 5, col 10). */
    write_file(tmpdir, "s2.yaml",
               "cluster:\n  accelerator: h100-sxm\n  gpus: 8\nworkload:\n  model: nope.json\n");
    snprintf(path, sizeof path, "%s/s2.yaml", tmpdir);
    assert_int_equal(gw_scenario_load(ctx, path, NULL, 0, &sc, &err), GW_OK);
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_scenario_resolve(ctx, sc, cat, NULL, NULL, &m, &err), GW_EIO);
    char buf[1024], want[1024];
    snprintf(want, sizeof want,
             "%s:5:10: workload.model: %s/nope.json: cannot open: No such file or directory", path,
             tmpdir);
    /* The error points at the scenario key whose value names the file, and
     * the message names the file (resolved next to the scenario). */
    assert_string_equal(gw_error_format(&err, buf, sizeof buf), want);
    gw_scenario_free(sc);

    snprintf(path, sizeof path, "%s/m.json", tmpdir);
    unlink(path);
    snprintf(path, sizeof path, "%s/s.yaml", tmpdir);
    unlink(path);
    snprintf(path, sizeof path, "%s/s2.yaml", tmpdir);
    unlink(path);
    rmdir(tmpdir);
}

static void test_load_missing_file_and_args(void **state)
{
    (void)state;
    gw_scenario *sc = (gw_scenario *)(uintptr_t)1;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_scenario_load(ctx, "/nonexistent/no-such-file.yaml", NULL, 0, &sc, &err),
                     GW_EIO);
    char buf[512];
    assert_string_equal(gw_error_format(&err, buf, sizeof buf),
                        "/nonexistent/no-such-file.yaml: cannot open: No such file or directory");
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_scenario_load_buffer(NULL, "a: 1", 4, "s", NULL, 0, &sc, &err), GW_EINVAL);
    assert_int_equal(gw_scenario_load_buffer(ctx, NULL, 4, "s", NULL, 0, &sc, &err), GW_EINVAL);
    assert_int_equal(gw_scenario_load_buffer(ctx, "a: 1", 4, "s", NULL, 1, &sc, &err), GW_EINVAL);
    assert_int_equal(gw_scenario_load_buffer(ctx, "a: 1", 4, "s", NULL, 0, NULL, &err), GW_EINVAL);
    /* err may be NULL. */
    assert_int_equal(gw_scenario_load_buffer(ctx, "x: 1", 4, "s", NULL, 0, &sc, NULL), GW_ESCHEMA);
    assert_null(sc);
}

static void test_resolve_errors(void **state)
{
    (void)state;
    gw_error err;
    char buf[1024];
    const gw_accel *a = NULL;
    const gw_system *s = NULL;
    const gw_model *m = NULL;
    /* Unknown accelerator: located at the value (line 6, col 16). */
    const char *y1 = "schema_version: 1\nname: t\nsite:\n  power: 100 MW\ncluster:\n"
                     "  accelerator: h1000\n  gpus: 1024\nworkload:\n  model: llama3.1-8b\n"
                     "  tokens: 1T\n";
    gw_scenario *sc = load_ok(y1, NULL, 0);
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_scenario_resolve(ctx, sc, cat, &a, NULL, NULL, &err), GW_ENOTFOUND);
    gw_error_format(&err, buf, sizeof buf);
    assert_non_null(
        strstr(buf, "s.yaml:6:16: cluster.accelerator: unknown accelerator \"h1000\"; did you "
                    "mean \"h100\"? "
                    "(known: a100-sxm-80gb, "));
    gw_scenario_free(sc);
    /* No accelerator at all. */
    sc = load_ok("workload:\n  model: llama3.1-8b\n", NULL, 0);
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_scenario_resolve(ctx, sc, cat, &a, NULL, NULL, &err), GW_ESCHEMA);
    assert_string_equal(gw_error_format(&err, buf, sizeof buf),
                        "s.yaml: cluster.accelerator: missing required key \"accelerator\"");
    /* No model. */
    memset(&err, 0, sizeof err);
    gw_scenario_free(sc);
    sc = load_ok("cluster:\n  accelerator: h100\n", NULL, 0);
    assert_int_equal(gw_scenario_resolve(ctx, sc, cat, NULL, NULL, &m, &err), GW_ESCHEMA);
    assert_string_equal(gw_error_format(&err, buf, sizeof buf),
                        "s.yaml: workload.model: missing required key \"model\"");
    gw_scenario_free(sc);
    /* A system that holds another accelerator (line 3, col 11). */
    sc = load_ok("cluster:\n  accelerator: gb200\n  system: dgx-h100\n", NULL, 0);
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_scenario_resolve(ctx, sc, cat, &a, &s, NULL, &err), GW_ESCHEMA);
    assert_string_equal(
        gw_error_format(&err, buf, sizeof buf),
        "s.yaml:3:11: cluster.system: system \"dgx-h100\" holds h100-sxm, not gb200 "
        "(leave cluster.system out for gb200's default)");
    gw_scenario_free(sc);
    /* An unknown model by name, located at its value. */
    sc = load_ok("workload:\n  model: llama9-1t\n", NULL, 0);
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_scenario_resolve(ctx, sc, cat, NULL, NULL, &m, &err), GW_ENOTFOUND);
    gw_error_format(&err, buf, sizeof buf);
    assert_non_null(strstr(buf, "s.yaml:2:10: workload.model: unknown model \"llama9-1t\" (give a "
                                "config.json path, or one of: gpt3-175b, "));
    gw_scenario_free(sc);
    assert_int_equal(gw_scenario_resolve(ctx, NULL, cat, &a, NULL, NULL, &err), GW_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_is_embedded_file),
        cmocka_unit_test(test_default_loads),
        cmocka_unit_test(test_defaults_for_absent_keys),
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_empty_sections),
        cmocka_unit_test(test_errors_located),
        cmocka_unit_test(test_errors_sections),
        cmocka_unit_test(test_errors_phases),
        cmocka_unit_test(test_error_is_one_line),
        cmocka_unit_test(test_error_record_reused),
        cmocka_unit_test(test_overrides_apply),
        cmocka_unit_test(test_issue12_keys),
        cmocka_unit_test(test_overrides_order_and_text),
        cmocka_unit_test(test_overrides_on_default),
        cmocka_unit_test(test_override_errors),
        cmocka_unit_test(test_override_on_list_root),
        cmocka_unit_test(test_load_file_and_json_model),
        cmocka_unit_test(test_load_missing_file_and_args),
        cmocka_unit_test(test_resolve_errors),
        cmocka_unit_test(test_zero_shard_key),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
