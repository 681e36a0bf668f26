/* SPDX-License-Identifier: MIT */
/*
 * step_time.c: a small program using libgigawatt through its public API only.
 * It loads the catalog (the copy built into the library, or $GIGAWATT_DATA)
 * and a scenario (the built-in default, or the YAML file given), plans it
 * with gw_plan_run (what `gigawatt run` prints) and prints a few figures of
 * the document's "headline" section, in base SI units.
 *
 * Build it against the installed library (`make install`) with
 *
 *     cc examples/step_time.c $(pkg-config --cflags --libs gigawatt)
 *
 * and run it as ./a.out [SCENARIO.yaml]. The build tree also compiles it
 * (target example_step_time), and tests/install/install_test.sh builds it
 * against an installed copy and checks it agrees with `gigawatt run --json`.
 */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The number at key path key of the headline section, or NaN if absent. */
static double headline_num(gw_doc *doc, const char *key)
{
    const gw_doc_node *headline = gw_doc_get(gw_doc_root(doc), "headline");
    return headline ? gw_doc_node_num(gw_doc_get(headline, key)) : (double)NAN;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : NULL;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_catalog *cat = NULL;
    gw_scenario *sc = NULL;
    gw_doc *doc = NULL;
    int code = 1;

    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    if (!ctx) {
        fprintf(stderr, "step_time: out of memory\n");
        return 1;
    }
    gw_status rc = gw_catalog_load(ctx, NULL, &cat, &err);
    if (rc == GW_OK)
        rc = gw_scenario_load(ctx, path, NULL, 0, &sc, &err);
    if (rc == GW_OK) {
        doc = gw_doc_new(ctx);
        rc = doc ? gw_plan_run(ctx, cat, sc, doc, gw_doc_root(doc), &err) : GW_ENOMEM;
    }
    if (rc != GW_OK) {
        char msg[1024];
        fprintf(stderr, "step_time: %s\n",
                err.code != GW_OK ? gw_error_format(&err, msg, sizeof msg) : gw_status_str(rc));
        code = gw_status_exit_code(rc);
        goto done;
    }

    const gw_doc_node *par = gw_doc_get(gw_doc_root(doc), "headline.parallelism");
    printf("gigawatt %s, catalog %s\n", GW_VERSION_STRING, gw_catalog_origin(cat));
    printf("gpus %.0f\n", headline_num(doc, "gpus"));
    printf("parallelism %s\n", par && gw_doc_node_str(par) ? gw_doc_node_str(par) : "?");
    printf("step_time_s %.9g\n", headline_num(doc, "step_time_s"));
    printf("mfu %.6f\n", headline_num(doc, "mfu"));
    printf("training_time_s %.9g\n", headline_num(doc, "training_time_s"));
    code = 0;

done:
    gw_doc_free(doc);
    gw_scenario_free(sc);
    gw_catalog_free(cat);
    gw_ctx_free(ctx);
    return code;
}
