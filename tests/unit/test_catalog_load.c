/* SPDX-License-Identifier: MIT */
/*
 * test_catalog_load.c: the data/ catalogs (gw_catalog_load).
 *
 *   1. The embedded catalog loads and every kind has entries.
 *   2. Every accelerator of data/reference/hardware.csv is present, and
 *      its dense BF16 peak, memory and TDP equal the csv's where the csv has
 *      a number (the csv is parsed here on its own, so a typo in data/
 *      cannot hide behind the same typo in the test).
 *   3. Every sourced field of every entry has a non-empty source and one of
 *      the confidence levels of data/SCHEMA.md.
 *   4. Lookups: by name, alias, any letter case; not-found messages.
 *   5. A broken copy of data/ in a temporary folder (a value without a
 *      source, a wrong unit, an unknown key, an empty source) gives the
 *      exact located error.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, setenv, unsetenv */

#include <gigawatt/gigawatt.h>

#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/core_internal.h"

static gw_ctx *ctx;
static gw_catalog *cat;

static int setup(void **state)
{
    (void)state;
    unsetenv("GIGAWATT_DATA");
    ctx = gw_ctx_new(NULL, NULL);
    if (!ctx)
        return -1;
    gw_error err;
    memset(&err, 0, sizeof err);
    if (gw_catalog_load(ctx, NULL, &cat, &err) != GW_OK) {
        char buf[1024];
        print_error("catalog: %s\n", gw_error_format(&err, buf, sizeof buf));
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    gw_catalog_free(cat);
    gw_ctx_free(ctx);
    return 0;
}

/* ---- 1. Loads -------------------------------------------------------------------- */

static void test_embedded_loads(void **state)
{
    (void)state;
    assert_string_equal(gw_catalog_origin(cat), "(embedded)");
    assert_true(gw_catalog_n_accels(cat) >= 17); /* the 17 rows of hardware.csv */
    assert_true(gw_catalog_n_models(cat) >= 8);  /* the 8 models named in issue 2 */
    assert_true(gw_catalog_n_systems(cat) > 0);
    assert_true(gw_catalog_n_nics(cat) > 0);
    assert_true(gw_catalog_n_switches(cat) > 0);
    assert_true(gw_catalog_n_optics(cat) > 0);
    assert_true(gw_catalog_n_sites(cat) > 0);
    const gw_facility *f = gw_catalog_facility(cat);
    assert_non_null(f);
    /* PUE is a ratio >= 1; liquid cooling needs less overhead than air. */
    assert_true(f->pue_liquid >= 1.0 && f->pue_liquid <= f->pue_air);
    /* Out-of-range indexes give NULL, not a stray pointer. */
    assert_null(gw_catalog_accel_at(cat, gw_catalog_n_accels(cat)));
    assert_null(gw_catalog_model_at(cat, gw_catalog_n_models(cat)));
    assert_null(gw_catalog_system_at(cat, gw_catalog_n_systems(cat)));
    assert_null(gw_catalog_nic_at(cat, gw_catalog_n_nics(cat)));
    assert_null(gw_catalog_switch_at(cat, gw_catalog_n_switches(cat)));
    assert_null(gw_catalog_optic_at(cat, gw_catalog_n_optics(cat)));
    assert_null(gw_catalog_site_at(cat, gw_catalog_n_sites(cat)));
    /* NULL catalogs are harmless. */
    assert_int_equal(gw_catalog_n_accels(NULL), 0);
    assert_null(gw_catalog_facility(NULL));
    assert_string_equal(gw_catalog_origin(NULL), "");
    gw_catalog_free(NULL);
    /* Names are unique (case-insensitively) within each kind. */
    for (size_t i = 0; i < gw_catalog_n_accels(cat); i++)
        for (size_t j = i + 1; j < gw_catalog_n_accels(cat); j++)
            assert_false(gw__streq_nocase(gw_catalog_accel_at(cat, i)->name,
                                          gw_catalog_accel_at(cat, j)->name));
}

/* ---- 2. hardware.csv ------------------------------------------------------------------ */

#define MAX_COLS 64

/* Splits one csv line in place (RFC 4180 quotes, "" for a quote). */
static int csv_split(char *line, char **cols)
{
    int n = 0;
    char *p = line;
    while (n < MAX_COLS) {
        char *out = p;
        cols[n++] = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '\0')
                    break;
                if (*p == '"' && p[1] == '"') {
                    *out++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *out++ = *p++;
                }
            }
        }
        while (*p && *p != ',')
            *out++ = *p++;
        int end = *p == '\0';
        *out = '\0';
        if (end)
            break;
        p++;
    }
    return n;
}

static int col_index(char **cols, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(cols[i], name) == 0)
            return i;
    fail_msg("hardware.csv has no column %s", name);
    return -1;
}

/* The catalog entry for a csv name: the shortest prefix of its words,
 * lower-cased and joined with '-', that the catalog knows as a name or
 * alias ("A100 SXM4 80GB" -> "a100", "TPU v5p (optional)" -> "tpu-v5p",
 * "RTX PRO 6000 ..." -> "rtx-pro-6000"). */
static const gw_accel *csv_accel(const char *csv_name)
{
    char key[128];
    size_t k = 0;
    for (const char *c = csv_name; *c && k + 2 < sizeof key; c++) {
        if (*c == ' ' || *c == '(') {
            key[k] = '\0';
            const gw_accel *a = NULL;
            if (k && gw_catalog_accel_find(cat, key, &a, NULL) == GW_OK)
                return a;
            if (*c == '(')
                break;
            if (k)
                key[k++] = '-';
            continue;
        }
        key[k++] = (char)((*c >= 'A' && *c <= 'Z') ? *c - 'A' + 'a' : *c);
    }
    key[k] = '\0';
    const gw_accel *a = NULL;
    if (gw_catalog_accel_find(cat, key, &a, NULL) == GW_OK)
        return a;
    return NULL;
}

/* Compares a csv cell with a catalog value. The cell's leading number is
 * the csv's figure in csv units (TFLOP/s, GB, W), scale converts it to
 * base SI. A cell starting with a digit must match exactly (to 1e-9: both
 * are the same decimal text); a cell starting with '~' is the csv's own
 * estimate and must match within 5% (GB200 memory: "~186 usable ...; 192
 * physical" against the 192 GB physical capacity, 3.2% apart); an empty
 * or purely textual cell has no figure to compare. Returns 1 if compared. */
static int check_cell(const char *row, const char *col, const char *cell, double scale, double got)
{
    while (*cell == ' ')
        cell++;
    int approx = 0;
    if (*cell == '~') {
        approx = 1;
        cell++;
    }
    if (!(*cell >= '0' && *cell <= '9'))
        return 0;
    double want = strtod(cell, NULL) * scale;
    double tol = approx ? 0.05 : 1e-9;
    if (!(fabs(got - want) <= tol * want))
        fail_msg("%s: %s: catalog %.6g, hardware.csv %.6g (\"%s\")", row, col, got, want, cell);
    return 1;
}

static void test_hardware_csv(void **state)
{
    (void)state;
    FILE *f = fopen(GW_SOURCE_DIR "/data/reference/hardware.csv", "r");
    assert_non_null(f); /* in the repository: a missing copy is a failure */
    static char line[16384];
    char *cols[MAX_COLS];
    assert_non_null(fgets(line, sizeof line, f));
    line[strcspn(line, "\r\n")] = '\0';
    int nh = csv_split(line, cols);
    int c_name = col_index(cols, nh, "accelerator");
    int c_bf16 = col_index(cols, nh, "bf16_fp16_tflops_dense");
    int c_mem = col_index(cols, nh, "hbm_gb");
    int c_tdp = col_index(cols, nh, "tdp_w");
    int rows = 0, compared = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        int n = csv_split(line, cols);
        assert_true(n > c_tdp);
        rows++;
        const gw_accel *a = csv_accel(cols[c_name]);
        if (!a) {
            fail_msg("hardware.csv row \"%s\" has no catalog accelerator", cols[c_name]);
            continue; /* not reached: fail_msg ends the test (tells gcc a is non-NULL) */
        }
        /* csv units: TFLOP/s (1e12 FLOP/s), GB (1e9 B, decimal), W. */
        compared +=
            check_cell(cols[c_name], "bf16", cols[c_bf16], 1e12, a->peak_flops[GW_PREC_BF16]);
        compared += check_cell(cols[c_name], "memory", cols[c_mem], 1e9, a->mem_bytes);
        compared += check_cell(cols[c_name], "tdp", cols[c_tdp], 1.0, a->tdp_w);
    }
    fclose(f);
    assert_int_equal(rows, 17);
    /* 17 rows x 3 columns less the 8 empty or textual cells of the csv
     * (bf16: RTX PRO 6000, Ascend 910B; TDP: MI325X, TPU v5p, v6e, 910C; ...):
     * most figures must have been compared, so a parsing slip cannot pass. */
    assert_true(compared >= 40);
}

/* ---- 3. Sources ------------------------------------------------------------------------ */

static void check_fields(const char *kind, const char *name, const gw_field *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const gw_field *fl = &fields[i];
        if (!fl->key || !fl->key[0] || !fl->text || !fl->text[0] || !fl->unit || !fl->note)
            fail_msg("%s %s: field %zu incomplete", kind, name, i);
        if (!fl->source || !fl->source[0])
            fail_msg("%s %s: %s has no source", kind, name, fl->key);
        const char *c = fl->confidence;
        if (!c || !(strcmp(c, "high") == 0 || strcmp(c, "medium") == 0 || strcmp(c, "low") == 0 ||
                    strcmp(c, "est.") == 0))
            fail_msg("%s %s: %s has confidence \"%s\"", kind, name, fl->key, c ? c : "(null)");
    }
}

static void test_every_field_sourced(void **state)
{
    (void)state;
    size_t total = 0;
    for (size_t i = 0; i < gw_catalog_n_accels(cat); i++) {
        const gw_accel *a = gw_catalog_accel_at(cat, i);
        assert_true(a->n_fields > 0);
        check_fields("accelerator", a->name, a->fields, a->n_fields);
        total += a->n_fields;
    }
    for (size_t i = 0; i < gw_catalog_n_systems(cat); i++) {
        const gw_system *s = gw_catalog_system_at(cat, i);
        check_fields("system", s->name, s->fields, s->n_fields);
        total += s->n_fields;
    }
    for (size_t i = 0; i < gw_catalog_n_nics(cat); i++) {
        const gw_nic *x = gw_catalog_nic_at(cat, i);
        check_fields("nic", x->name, x->fields, x->n_fields);
        total += x->n_fields;
    }
    for (size_t i = 0; i < gw_catalog_n_switches(cat); i++) {
        const gw_switch *x = gw_catalog_switch_at(cat, i);
        check_fields("switch", x->name, x->fields, x->n_fields);
        total += x->n_fields;
    }
    for (size_t i = 0; i < gw_catalog_n_optics(cat); i++) {
        const gw_optic *x = gw_catalog_optic_at(cat, i);
        check_fields("optic", x->name, x->fields, x->n_fields);
        total += x->n_fields;
    }
    for (size_t i = 0; i < gw_catalog_n_sites(cat); i++) {
        const gw_site_ref *x = gw_catalog_site_at(cat, i);
        check_fields("site", x->name, x->fields, x->n_fields);
        total += x->n_fields;
    }
    const gw_facility *f = gw_catalog_facility(cat);
    check_fields("facility", "defaults", f->fields, f->n_fields);
    total += f->n_fields;
    for (size_t i = 0; i < gw_catalog_n_models(cat); i++) {
        const gw_model *m = gw_catalog_model_at(cat, i);
        assert_non_null(m->source);
        assert_true(m->source[0] != '\0');
    }
    assert_true(total > 100);
    /* The stored number is the text converted: spot-check every BF16 field. */
    for (size_t i = 0; i < gw_catalog_n_accels(cat); i++) {
        const gw_accel *a = gw_catalog_accel_at(cat, i);
        for (size_t j = 0; j < a->n_fields; j++) {
            if (strcmp(a->fields[j].key, "bf16_flops") != 0)
                continue;
            double v;
            assert_int_equal(gw_unit_parse(a->fields[j].text, GW_DIM_FLOPS, &v, NULL), GW_OK);
            assert_true(v == a->fields[j].value && v == a->peak_flops[GW_PREC_BF16]);
            assert_string_equal(a->fields[j].unit, "FLOP/s");
        }
    }
}

/* ---- 4. Lookups ------------------------------------------------------------------------- */

static void test_lookup(void **state)
{
    (void)state;
    const gw_accel *a = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_catalog_accel_find(cat, "h100-sxm", &a, &err), GW_OK);
    assert_string_equal(a->name, "h100-sxm");
    /* Any case, and aliases (data/accelerators.yaml: aliases of h100-sxm). */
    const gw_accel *b = NULL;
    assert_int_equal(gw_catalog_accel_find(cat, "H100-SXM", &b, &err), GW_OK);
    assert_ptr_equal(a, b);
    assert_int_equal(gw_catalog_accel_find(cat, "H100", &b, &err), GW_OK);
    assert_ptr_equal(a, b);
    assert_int_equal(gw_catalog_accel_find(cat, "a100", &b, &err), GW_OK);
    assert_string_equal(b->name, "a100-sxm-80gb");
    const gw_model *m = NULL;
    assert_int_equal(gw_catalog_model_find(cat, "META-LLAMA/LLAMA-3.1-8B", &m, &err), GW_OK);
    assert_string_equal(m->name, "llama3.1-8b");
    const gw_system *s = NULL;
    assert_int_equal(gw_catalog_system_find(cat, "GB200-NVL72", &s, &err), GW_OK);
    assert_string_equal(s->accelerator, "gb200");
    /* The default system for an accelerator holds it. */
    assert_int_equal(gw_catalog_accel_find(cat, "gb200", &a, &err), GW_OK);
    assert_int_equal(gw_catalog_system_for(cat, a, &s, &err), GW_OK);
    assert_string_equal(s->accelerator, "gb200");
    /* Every system names a catalog accelerator (checked at load). */
    for (size_t i = 0; i < gw_catalog_n_systems(cat); i++)
        assert_int_equal(
            gw_catalog_accel_find(cat, gw_catalog_system_at(cat, i)->accelerator, &a, NULL), GW_OK);
    const gw_nic *nic = NULL;
    assert_int_equal(gw_catalog_nic_find(cat, gw_catalog_nic_at(cat, 0)->name, &nic, &err), GW_OK);
    const gw_switch *sw = NULL;
    assert_int_equal(gw_catalog_switch_find(cat, gw_catalog_switch_at(cat, 0)->name, &sw, &err),
                     GW_OK);
    assert_int_equal(gw_catalog_accel_find(NULL, "x", &a, &err), GW_EINVAL);
    assert_int_equal(gw_catalog_accel_find(cat, NULL, &a, &err), GW_EINVAL);
}

/* The not-found message lists the known names in catalog order. */
static void test_not_found(void **state)
{
    (void)state;
    char want[1024];
    size_t used = (size_t)snprintf(
        want, sizeof want, "unknown accelerator \"h1000\"; did you mean \"h100\"? (known: ");
    for (size_t i = 0; i < gw_catalog_n_accels(cat); i++)
        used += (size_t)snprintf(want + used, sizeof want - used, "%s%s", i ? ", " : "",
                                 gw_catalog_accel_at(cat, i)->name);
    snprintf(want + used, sizeof want - used, ")");
    /* The list is cut at 400 characters; the accelerator names fit. */
    assert_true(used < 400);
    const gw_accel *a = (const gw_accel *)(uintptr_t)1;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_catalog_accel_find(cat, "h1000", &a, &err), GW_ENOTFOUND);
    assert_int_equal(err.code, GW_ENOTFOUND);
    assert_string_equal(err.msg, want);
    assert_true(a == (const gw_accel *)(uintptr_t)1); /* *out untouched */
    /* Models: too many to list, so the list ends in ", ...". */
    const gw_model *m = NULL;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_catalog_model_find(cat, "llama9-1t", &m, &err), GW_ENOTFOUND);
    const char *prefix = "unknown model \"llama9-1t\" (give a config.json path, or one of: ";
    assert_memory_equal(err.msg, prefix, strlen(prefix));
    assert_non_null(strstr(err.msg, gw_catalog_model_at(cat, 0)->name));
    const gw_system *s = NULL;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_catalog_system_find(cat, "nope", &s, &err), GW_ENOTFOUND);
    assert_memory_equal(err.msg, "unknown system \"nope\" (known: ", 30);
    const gw_nic *nic = NULL;
    assert_int_equal(gw_catalog_nic_find(cat, "nope", &nic, &err), GW_ENOTFOUND);
    assert_memory_equal(err.msg, "unknown NIC \"nope\" (known: ", 27);
    const gw_switch *sw = NULL;
    assert_int_equal(gw_catalog_switch_find(cat, "nope", &sw, &err), GW_ENOTFOUND);
    assert_memory_equal(err.msg, "unknown switch \"nope\" (known: ", 30);
    /* An accelerator no system holds. */
    gw_accel fake;
    memset(&fake, 0, sizeof fake);
    fake.name = "imaginary";
    assert_int_equal(gw_catalog_system_for(cat, &fake, &s, &err), GW_ENOTFOUND);
    assert_string_equal(err.msg, "no server or rack in the catalog holds \"imaginary\"");
}

static void test_kind_parse(void **state)
{
    (void)state;
    gw_catalog_kind k;
    assert_int_equal(gw_catalog_kind_parse("accelerators", &k), GW_OK);
    assert_int_equal(k, GW_CATALOG_ACCELERATORS);
    assert_int_equal(gw_catalog_kind_parse("models", &k), GW_OK);
    assert_int_equal(k, GW_CATALOG_MODELS);
    assert_int_equal(gw_catalog_kind_parse("network", &k), GW_OK);
    assert_int_equal(k, GW_CATALOG_NETWORK);
    assert_int_equal(gw_catalog_kind_parse("sites", &k), GW_OK);
    assert_int_equal(k, GW_CATALOG_SITES);
    assert_int_equal(gw_catalog_kind_parse("gizmos", &k), GW_EPARSE);
}

/* ---- 5. Broken copies of data/ ----------------------------------------------------------- */

static char tmp[256];

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    assert_non_null(in);
    FILE *out = fopen(to, "wb");
    assert_non_null(out);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    fclose(out);
}

/* Copies the regular files of from/ (and of its sub-folders) into to/. */
static void copy_tree(const char *from, const char *to)
{
    DIR *d = opendir(from);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char a[1024], b[1024];
        snprintf(a, sizeof a, "%s/%s", from, e->d_name);
        snprintf(b, sizeof b, "%s/%s", to, e->d_name);
        struct stat st;
        assert_int_equal(stat(a, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            assert_int_equal(mkdir(b, 0700), 0);
            copy_tree(a, b);
        } else if (S_ISREG(st.st_mode)) {
            copy_file(a, b);
        }
    }
    closedir(d);
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char a[1024];
        snprintf(a, sizeof a, "%s/%s", path, e->d_name);
        struct stat st;
        if (stat(a, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(a);
        else
            unlink(a);
    }
    closedir(d);
    rmdir(path);
}

static int setup_copy(void **state)
{
    (void)state;
    snprintf(tmp, sizeof tmp, "/tmp/gw_test_catalog_XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    copy_tree(GW_SOURCE_DIR "/data", tmp);
    return 0;
}

static int teardown_copy(void **state)
{
    (void)state;
    remove_tree(tmp);
    return 0;
}

static char *original; /* accelerators.yaml as in the repository */

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    return b;
}

/* The first "tdp:" value record of accelerators.yaml: its line, the
 * columns of the key, of '{' and of the value text, and its entry index. */
typedef struct tdp_site {
    const char *line_start;
    int line, col_key, col_brace, col_value, entry;
} tdp_site;

static tdp_site find_tdp(const char *text)
{
    tdp_site t;
    memset(&t, 0, sizeof t);
    const char *p = strstr(text, "      tdp: {value: ");
    assert_non_null(p);
    t.line_start = p;
    t.line = 1;
    t.entry = -1;
    for (const char *c = text; c < p; c++) {
        if (*c == '\n')
            t.line++;
        if (*c == '\n' && strncmp(c + 1, "  - name:", 9) == 0)
            t.entry++;
    }
    t.col_key = 7;    /* six spaces of indentation */
    t.col_brace = 12; /* "      tdp: {" */
    t.col_value = 20; /* "      tdp: {value: " */
    return t;
}

/* Writes accelerators.yaml with the text of [from, to) replaced by repl,
 * loads the copy and returns the error line. */
static gw_status load_patched(const char *from_text, size_t from_len, const char *repl, char *line,
                              size_t line_len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/accelerators.yaml", tmp);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    size_t head = (size_t)(from_text - original);
    fwrite(original, 1, head, f);
    fputs(repl, f);
    fputs(from_text + from_len, f);
    fclose(f);
    gw_catalog *c = (gw_catalog *)(uintptr_t)1;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw_catalog_load(ctx, tmp, &c, &err);
    assert_int_equal(err.code, rc);
    if (rc == GW_OK)
        gw_catalog_free(c);
    else
        assert_null(c);
    gw_error_format(&err, line, line_len);
    return rc;
}

static void test_copy_loads_unchanged(void **state)
{
    (void)state;
    gw_catalog *c = NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_catalog_load(ctx, tmp, &c, &err), GW_OK);
    assert_string_equal(gw_catalog_origin(c), tmp);
    assert_int_equal(gw_catalog_n_accels(c), gw_catalog_n_accels(cat));
    gw_catalog_free(c);
    /* GIGAWATT_DATA does the same when no folder is given. */
    setenv("GIGAWATT_DATA", tmp, 1);
    assert_int_equal(gw_catalog_load(ctx, NULL, &c, &err), GW_OK);
    assert_string_equal(gw_catalog_origin(c), tmp);
    gw_catalog_free(c);
    unsetenv("GIGAWATT_DATA");
}

static void test_copy_errors(void **state)
{
    (void)state;
    char path[512], line[1024], want[1024];
    snprintf(path, sizeof path, "%s/accelerators.yaml", tmp);
    original = read_all(path);
    tdp_site t = find_tdp(original);
    const char *eol = strchr(t.line_start, '\n');
    assert_non_null(eol);
    size_t len = (size_t)(eol - t.line_start);

    /* (a) A value without a source: the record {value: 400 W, confidence: ...}
     * lacks "source", located at its '{'. */
    char repl[512];
    snprintf(repl, sizeof repl, "      tdp: {value: 400 W, confidence: high}");
    assert_int_equal(load_patched(t.line_start, len, repl, line, sizeof line), GW_ESCHEMA);
    snprintf(want, sizeof want,
             "%s:%d:%d: accelerators[%d].values.tdp: missing required key \"source\"", path, t.line,
             t.col_brace, t.entry);
    assert_string_equal(line, want);

    /* (b) A wrong unit: 400 GB is a size, not a power; located at the value. */
    snprintf(repl, sizeof repl, "      tdp: {value: 400 GB, source: x, confidence: high}");
    assert_int_equal(load_patched(t.line_start, len, repl, line, sizeof line), GW_EUNIT);
    snprintf(want, sizeof want,
             "%s:%d:%d: accelerators[%d].values.tdp.value: wrong unit \"GB\": expected a power "
             "such as \"700 W\" or \"1 GW\"",
             path, t.line, t.col_value, t.entry);
    assert_string_equal(line, want);

    /* (c) An unknown key in values: located at the key, listing the keys. */
    snprintf(repl, sizeof repl, "      tdpp: {value: 400 W, source: x, confidence: high}");
    assert_int_equal(load_patched(t.line_start, len, repl, line, sizeof line), GW_ESCHEMA);
    snprintf(want, sizeof want,
             "%s:%d:%d: accelerators[%d].values.tdpp: unknown key \"tdpp\"; did you mean \"tdp\"? "
             "(expected one of: "
             "fp64_flops, tf32_flops, bf16_flops, fp8_flops, fp6_flops, fp4_flops, int8_ops, "
             "memory, memory_usable, memory_bandwidth, scaleup_bandwidth, scaleup_domain, "
             "nvls_efficiency, nvls_latency, tdp, "
             "die_area, transistors, price_low, price_high)",
             path, t.line, t.col_key, t.entry);
    assert_string_equal(line, want);

    /* (d) A value out of range: a 0 W TDP (the range is 1 W .. 100 kW). */
    snprintf(repl, sizeof repl, "      tdp: {value: 0 W, source: x, confidence: high}");
    assert_int_equal(load_patched(t.line_start, len, repl, line, sizeof line), GW_ERANGE);
    snprintf(want, sizeof want,
             "%s:%d:%d: accelerators[%d].values.tdp.value: must be between 1 W and 100 kW "
             "inclusive, got "
             "\"0 W\"",
             path, t.line, t.col_value, t.entry);
    assert_string_equal(line, want);

    /* (e) YAML syntax: an unclosed flow mapping. */
    snprintf(repl, sizeof repl, "      tdp: {value: 400 W, source: x");
    assert_int_equal(load_patched(t.line_start, len, repl, line, sizeof line), GW_EPARSE);
    assert_memory_equal(line, path, strlen(path));
    assert_non_null(strstr(line, ": invalid YAML/JSON: "));

    /* Restore, so the later tests see a good copy. */
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(original, f);
    fclose(f);
}

/* An empty source ("") breaks the rule "every value has a source"
 * (data/SCHEMA.md: source "yes, and never empty"); regression: a quoted
 * empty source was once accepted. */
static void test_copy_empty_source(void **state)
{
    (void)state;
    char path[512], line[1024];
    snprintf(path, sizeof path, "%s/accelerators.yaml", tmp);
    if (!original)
        original = read_all(path);
    tdp_site t = find_tdp(original);
    size_t len = (size_t)(strchr(t.line_start, '\n') - t.line_start);
    gw_status rc =
        load_patched(t.line_start, len, "      tdp: {value: 400 W, source: \"\", confidence: high}",
                     line, sizeof line);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(original, f);
    fclose(f);
    assert_int_equal(rc, GW_ESCHEMA);
    assert_non_null(strstr(line, "accelerators["));
    assert_non_null(strstr(line, ".values.tdp.source: "));
}

/* Issue 12 item 5: the catalog must not contradict itself across units.
 *   - A rack-priced system whose GPU also has a per-GPU price range: the
 *     range's midpoint times GPUs per rack is within 15 % of the rack price
 *     (GB200 used to carry $71.5k per GPU beside a $2.6M rack, 2x apart).
 *   - data/systems.yaml's convention is MAXIMUM wall power: a rack's power
 *     is at least its GPUs' TDP and at least the maximum power of the nodes
 *     it holds (GB300's "142 kW" next to "8 x 33 kW" of power shelves was
 *     the case that prompted this). */
static void test_units_consistent(void **state)
{
    (void)state;
    size_t n_checked = 0;
    for (size_t i = 0; i < gw_catalog_n_systems(cat); i++) {
        const gw_system *s = gw_catalog_system_at(cat, i);
        const gw_accel *a = NULL;
        gw_error err;
        memset(&err, 0, sizeof err);
        assert_int_equal(gw_catalog_accel_find(cat, s->accelerator, &a, &err), GW_OK);
        if (s->price_per_rack && s->price_usd > 0.0 && a->price_low_usd > 0.0 &&
            a->price_high_usd > 0.0) {
            double mid = 0.5 * (a->price_low_usd + a->price_high_usd);
            double ratio = mid * s->gpus_per_rack / s->price_usd;
            if (fabs(ratio - 1.0) > 0.15)
                fail_msg("%s: per-GPU price %.0f x %d GPUs = %.3g vs rack price %.3g", s->name, mid,
                         s->gpus_per_rack, mid * s->gpus_per_rack, s->price_usd);
            n_checked++;
        }
        if (s->rack_power_w > 0.0 && s->gpus_per_rack > 0) {
            if (s->rack_power_w < s->gpus_per_rack * a->tdp_w)
                fail_msg("%s: rack power %.0f W below its GPUs' TDP %.0f W", s->name,
                         s->rack_power_w, s->gpus_per_rack * a->tdp_w);
            if (s->node_power_w > 0.0 && s->gpus_per_node > 0) {
                double nodes = (double)s->gpus_per_rack / s->gpus_per_node;
                if (s->rack_power_w < 0.99 * nodes * s->node_power_w)
                    fail_msg("%s: rack power %.0f W below %.0f nodes x %.0f W (max convention)",
                             s->name, s->rack_power_w, nodes, s->node_power_w);
            }
        }
    }
    assert_true(n_checked >= 2); /* GB200 and GB300 NVL72 at least */
}

static void test_missing_dir(void **state)
{
    (void)state;
    gw_catalog *c = (gw_catalog *)(uintptr_t)1;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_catalog_load(ctx, "/nonexistent-gw-data", &c, &err), GW_EIO);
    assert_null(c);
    char line[512];
    assert_string_equal(gw_error_format(&err, line, sizeof line),
                        "/nonexistent-gw-data: cannot open the data directory (--data or "
                        "$GIGAWATT_DATA): No such file or directory");
    assert_int_equal(gw_catalog_load(NULL, NULL, &c, &err), GW_EINVAL);
    assert_int_equal(gw_catalog_load(ctx, NULL, NULL, &err), GW_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_embedded_loads),
        cmocka_unit_test(test_hardware_csv),
        cmocka_unit_test(test_every_field_sourced),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_kind_parse),
        cmocka_unit_test(test_units_consistent),
        cmocka_unit_test_setup_teardown(test_copy_loads_unchanged, setup_copy, teardown_copy),
        cmocka_unit_test_setup_teardown(test_copy_errors, setup_copy, teardown_copy),
        cmocka_unit_test_setup_teardown(test_copy_empty_source, setup_copy, teardown_copy),
        cmocka_unit_test(test_missing_dir),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    free(original);
    return rc;
}
