/* SPDX-License-Identifier: MIT */
/*
 * test_catalog_resolve.c: gw_scenario_resolve, now in the catalog layer
 * (src/catalog/resolve.c): how a switched accelerator finds its system, and
 * how a config.json path that cannot be read is reported.
 *
 * The catalog facts used (data/systems.yaml): gb200-nvl72 holds gb200 and
 * dgx-h100 is the first system holding h100-sxm.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, unsetenv */
#include <gigawatt/gigawatt.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static gw_ctx *ctx;
static gw_catalog *cat;
static char notes[1024]; /* diagnostics received, one per line */

static void collect(void *ud, int level, const char *msg)
{
    (void)ud;
    size_t used = strlen(notes);
    snprintf(notes + used, sizeof notes - used, "%d: %s\n", level, msg);
}

static int setup(void **state)
{
    (void)state;
    unsetenv("GIGAWATT_DATA");
    ctx = gw_ctx_new(NULL, NULL);
    if (!ctx)
        return -1;
    gw_ctx_set_diag(ctx, collect, NULL);
    return gw_catalog_load(ctx, NULL, &cat, NULL) == GW_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    gw_catalog_free(cat);
    gw_ctx_free(ctx);
    return 0;
}

/* A scenario for gb200 in its NVL72 rack, as scenarios/default.yaml has. */
static const char *gb200 = "cluster:\n"
                           "  accelerator: gb200\n"
                           "  system: gb200-nvl72\n"
                           "  gpus: 1024\n"
                           "workload:\n"
                           "  model: llama3.1-8b\n";

static gw_scenario *load(const char *yaml, const char *const *sets, size_t n_sets)
{
    gw_scenario *sc = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    if (gw_scenario_load_buffer(ctx, yaml, strlen(yaml), "s.yaml", sets, n_sets, &sc, &err) !=
        GW_OK) {
        char buf[1024];
        fail_msg("load failed: %s", gw_error_format(&err, buf, sizeof buf));
    }
    return sc;
}

/* --set cluster.accelerator=h100-sxm on a file that names gb200-nvl72: the
 * file's system was for the file's GPU, so h100-sxm's default (dgx-h100)
 * is used and a note (level 0) says so. It used to fail until
 * cluster.system was set too. */
static void test_switched_accelerator_takes_its_default_system(void **state)
{
    (void)state;
    const char *sets[] = {"cluster.accelerator=h100-sxm"};
    gw_scenario *sc = load(gb200, sets, 1);
    const gw_accel *a = NULL;
    const gw_system *s = NULL;
    gw_error err;
    notes[0] = '\0';
    assert_int_equal(gw_scenario_resolve(ctx, sc, cat, &a, &s, NULL, &err), GW_OK);
    assert_string_equal(a->name, "h100-sxm");
    assert_string_equal(s->name, "dgx-h100");
    /* The scenario now agrees, for the modules that read cluster.system. */
    assert_string_equal(sc->cluster.system, "dgx-h100");
    assert_string_equal(notes, "0: cluster.system: \"gb200-nvl72\" holds gb200, not h100-sxm; "
                               "using h100-sxm's default system \"dgx-h100\" (--set "
                               "cluster.system=NAME to choose another)\n");
    gw_scenario_free(sc);
}

/* A mismatch the user wrote explicitly stays an error: both in the file
 * (line 3, col 11), or the system given by --set as well. */
static void test_explicit_mismatch_is_an_error(void **state)
{
    (void)state;
    const char *file = "cluster:\n  accelerator: h100-sxm\n  system: gb200-nvl72\n";
    gw_scenario *sc = load(file, NULL, 0);
    const gw_accel *a = NULL;
    const gw_system *s = NULL;
    gw_error err;
    char buf[1024];
    notes[0] = '\0';
    assert_int_equal(gw_scenario_resolve(ctx, sc, cat, &a, &s, NULL, &err), GW_ESCHEMA);
    assert_string_equal(gw_error_format(&err, buf, sizeof buf),
                        "s.yaml:3:11: cluster.system: system \"gb200-nvl72\" holds gb200, not "
                        "h100-sxm (leave cluster.system out for h100-sxm's default)");
    gw_scenario_free(sc);

    const char *sets[] = {"cluster.accelerator=h100-sxm", "cluster.system=gb200-nvl72"};
    sc = load(gb200, sets, 2);
    assert_int_equal(gw_scenario_resolve(ctx, sc, cat, &a, &s, NULL, &err), GW_ESCHEMA);
    assert_string_equal(gw_error_format(&err, buf, sizeof buf),
                        "--set cluster.system: system \"gb200-nvl72\" holds gb200, not h100-sxm "
                        "(leave cluster.system out for h100-sxm's default)");
    assert_string_equal(notes, ""); /* no note when nothing was substituted */
    gw_scenario_free(sc);
}

/* A config.json that cannot be read: the message names the file and the
 * location is the --set key (the CLI maps a located GW_EIO to exit 2). A
 * directory says so instead of "read error". */
static void test_model_file_errors_name_the_file(void **state)
{
    (void)state;
    const char *sets[] = {"workload.model=/nonexistent/config.json"};
    gw_scenario *sc = load(gb200, sets, 1);
    const gw_model *m = NULL;
    gw_error err;
    char buf[1024];
    assert_int_equal(gw_scenario_resolve(ctx, sc, cat, NULL, NULL, &m, &err), GW_EIO);
    assert_string_equal(gw_error_format(&err, buf, sizeof buf),
                        "--set workload.model: /nonexistent/config.json: cannot open: No such "
                        "file or directory");
    assert_null(m);
    gw_scenario_free(sc);

    char tmpdir[] = "/tmp/gw_test_resolve_XXXXXX";
    assert_non_null(mkdtemp(tmpdir));
    char path[256], set[300];
    snprintf(path, sizeof path, "%s/d.json", tmpdir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(set, sizeof set, "workload.model=%s", path);
    const char *dir[] = {set};
    sc = load(gb200, dir, 1);
    assert_int_equal(gw_scenario_resolve(ctx, sc, cat, NULL, NULL, &m, &err), GW_EIO);
    char want[512];
    snprintf(want, sizeof want, "--set workload.model: %s: is a directory, expected a file", path);
    assert_string_equal(gw_error_format(&err, buf, sizeof buf), want);
    gw_scenario_free(sc);
    rmdir(path);
    rmdir(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_switched_accelerator_takes_its_default_system),
        cmocka_unit_test(test_explicit_mismatch_is_an_error),
        cmocka_unit_test(test_model_file_errors_name_the_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
