/* SPDX-License-Identifier: MIT */
/*
 * fuzz_catalog.c: libFuzzer harness for the catalog files a user replaces
 * with `--data DIR` (or $GIGAWATT_DATA): data/accelerators.yaml,
 * systems.yaml, network.yaml, facility.yaml, sites.yaml, models/index.yaml
 * (gw_catalog_load), econ.yaml (gw_econ_defaults_load), export_rules.yaml
 * (gw_policy_rules_load) and infer.yaml (gw_infer_params_load).
 *
 * Input layout: the first line names one of those files; the rest is its
 * text. A temporary data directory holds the embedded copy of every data
 * file; the named one is replaced by the input, everything is loaded from
 * the directory, and the embedded text is put back.
 *
 * Checked besides the sanitizers: each status and error record agree; a
 * failure is an input error (never a bug or a bad API use) whose message
 * names a file of the directory (or the directory itself) and, except for
 * whole-file errors ("input too large", a cross-reference between files),
 * a line and a column. A catalog that loads is then used: the built-in
 * scenario's site is planned on it (gw_site_plan), and with export rules
 * that load every accelerator is classified for "CN" under every rule;
 * those must succeed or fail with an input error, with finite figures.
 *
 * Build: make fuzz (clang, -DGW_FUZZ=ON). The corpus in corpus/catalog/ is
 * replayed by ctest (fuzz_replay/catalog).
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */
#include <gigawatt/gigawatt.h>

#include "core/core_internal.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const files[] = {"accelerators.yaml", "systems.yaml",      "network.yaml",
                                    "facility.yaml",     "sites.yaml",        "models/index.yaml",
                                    "econ.yaml",         "export_rules.yaml", "infer.yaml"};
#define N_FILES (sizeof files / sizeof files[0])

static char dir[] = "/tmp/gw_fuzz_catalog_XXXXXX";

static void write_file(const char *rel, const void *data, size_t len)
{
    char path[sizeof dir + 300];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    /* Its folders first (models/, scenarios/, third_party/...). */
    for (char *p = path + sizeof dir; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        if (mkdir(path, 0700) != 0 && access(path, F_OK) != 0)
            abort();
        *p = '/';
    }
    FILE *f = fopen(path, "wb");
    if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0)
        abort();
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void cleanup(void)
{
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void setup(void)
{
    if (!mkdtemp(dir))
        abort();
    for (size_t i = 0; i < gw__n_embedded_files; i++)
        write_file(gw__embedded_files[i].path, gw__embedded_files[i].data,
                   gw__embedded_files[i].len);
    atexit(cleanup);
}

static const gw__embedded_file *embedded(const char *rel)
{
    for (size_t i = 0; i < gw__n_embedded_files; i++) {
        if (strcmp(gw__embedded_files[i].path, rel) == 0)
            return &gw__embedded_files[i];
    }
    abort();
}

/* An error record of a loader: agrees with rc, an input error, located. */
static void check_error(gw_status rc, const gw_error *err)
{
    char line[1024];
    gw_error_format(err, line, sizeof line);
    if (err->code != rc || err->msg[0] == '\0' || rc == GW_EINTERNAL || rc == GW_EINVAL)
        abort();
    if (rc == GW_ENOMEM)
        return;
    if (strncmp(err->path, dir, strlen(dir)) != 0)
        abort(); /* the file (or the directory) must be named */
    if (strncmp(err->msg, "input too large", 15) != 0 && (err->line < 1 || err->column < 1))
        abort(); /* and the place in it */
}

static void use_catalog(gw_ctx *ctx, const gw_catalog *cat)
{
    gw_scenario *sc = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    if (gw_scenario_load(ctx, NULL, NULL, 0, &sc, &err) != GW_OK)
        abort();
    gw_site_result *site = calloc(1, sizeof *site);
    if (!site)
        abort();
    gw_status rc = gw_site_plan(ctx, cat, sc, site, &err);
    if (rc != GW_OK) {
        char line[1024];
        gw_error_format(&err, line, sizeof line);
        if (err.code != rc || err.msg[0] == '\0' || rc == GW_EINTERNAL || rc == GW_EINVAL)
            abort();
    } else if (!isfinite(site->facility_power_w) || !(site->facility_power_w >= 0) ||
               !isfinite(site->gpus) || !(site->gpus >= 0) || !(site->pue >= 1)) {
        abort();
    }
    free(site);
    gw_scenario_free(sc);

    gw_policy_rules *rules = malloc(sizeof *rules);
    if (!rules)
        abort();
    memset(&err, 0, sizeof err);
    rc = gw_policy_rules_load(ctx, cat, rules, &err);
    if (rc != GW_OK) {
        check_error(rc, &err);
    } else {
        gw_policy_chip *chip = malloc(sizeof *chip);
        if (!chip)
            abort();
        for (size_t i = 0; i < gw_catalog_n_accels(cat); i++) {
            for (int r = 0; r < GW_POLICY_N_RULES; r++) {
                memset(&err, 0, sizeof err);
                rc = gw_policy_classify(rules, gw_catalog_accel_at(cat, i), "CN", (gw_policy_rule)r,
                                        chip, &err);
                if (rc != GW_OK && (rc == GW_EINTERNAL || rc == GW_EINVAL || err.code != rc))
                    abort();
                if (rc == GW_OK && (!(chip->tpp >= 0) || isinf(chip->tpp)))
                    abort();
            }
        }
        free(chip);
    }
    free(rules);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        setup();
        ready = true;
    }
    const uint8_t *nl = memchr(data, '\n', size);
    if (!nl)
        return 0;
    size_t name_len = (size_t)(nl - data), which = N_FILES;
    for (size_t i = 0; i < N_FILES; i++) {
        if (strlen(files[i]) == name_len && memcmp(files[i], data, name_len) == 0)
            which = i;
    }
    if (which == N_FILES)
        return 0;
    const char *rel = files[which];
    write_file(rel, nl + 1, size - name_len - 1);

    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    if (!ctx)
        abort();
    gw_ctx_set_threads(ctx, 1);
    gw_catalog *cat = (gw_catalog *)(uintptr_t)1; /* must be reset to NULL on failure */
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw_catalog_load(ctx, dir, &cat, &err);
    if (rc != GW_OK) {
        if (cat != NULL)
            abort();
        check_error(rc, &err);
    } else {
        gw_econ_defaults *ed = malloc(sizeof *ed);
        if (!ed)
            abort();
        memset(&err, 0, sizeof err);
        rc = gw_econ_defaults_load(ctx, cat, ed, &err);
        if (rc != GW_OK)
            check_error(rc, &err);
        free(ed);
        use_catalog(ctx, cat);
        gw_catalog_free(cat);
    }
    gw_infer_params *ip = malloc(sizeof *ip);
    if (!ip)
        abort();
    memset(&err, 0, sizeof err);
    rc = gw_infer_params_load(ctx, dir, ip, &err);
    if (rc != GW_OK)
        check_error(rc, &err);
    free(ip);
    gw_ctx_free(ctx);

    const gw__embedded_file *e = embedded(rel);
    write_file(rel, e->data, e->len);
    return 0;
}
