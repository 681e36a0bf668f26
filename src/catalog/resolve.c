/* SPDX-License-Identifier: MIT */
/*
 * resolve.c: a scenario's names -> catalog entries (gw_scenario_resolve).
 *
 * This is where the scenario (core) meets the catalog, so it lives in the
 * catalog layer: core never calls up (tools/checksrc.sh checks it). The
 * scenario's input locations come through the gw__scenario_* hooks, so an
 * unknown name is reported at the key that gave it (file:line:col, or
 * "--set key"), and a model imported from a config.json path is owned by
 * the scenario through gw__scenario_attach.
 *
 * Switching accelerators with `--set cluster.accelerator=...` while the
 * file names a system for the old one picks the new accelerator's default
 * system (gw_catalog_system_for, as `gigawatt rel --gpu` does) and says so
 * in a note; a mismatch the user wrote explicitly stays an error.
 *
 * Not done here: checks that need a model (does it fit, is the
 * parallelism feasible), which belong to the modules.
 */
#include <gigawatt/catalog.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core_internal.h"

static bool ends_with_json(const char *s)
{
    size_t n = strlen(s);
    return n > 5 && strcmp(s + n - 5, ".json") == 0;
}

static void free_model(gw_ctx *ctx, void *m)
{
    gw_model_free(ctx, m);
}

static gw_status resolve_system(gw_ctx *ctx, gw_scenario *sc, const gw_catalog *cat,
                                const gw_accel *a, const gw_system **system, gw_error *err)
{
    gw_status rc;
    if (!sc->cluster.system[0]) {
        rc = gw_catalog_system_for(cat, a, system, err);
        if (rc != GW_OK)
            gw__scenario_locate(sc, "cluster.accelerator", err);
        return rc;
    }
    const gw_system *s = NULL;
    rc = gw_catalog_system_find(cat, sc->cluster.system, &s, err);
    if (rc != GW_OK) {
        gw__scenario_locate(sc, "cluster.system", err);
        return rc;
    }
    if (gw__streq_nocase(s->accelerator, a->name)) {
        *system = s;
        return GW_OK;
    }
    /* The accelerator was switched by --set and the system only comes from
     * the file: the file's system was meant for the file's accelerator. */
    if (gw__scenario_from_set(sc, "cluster.accelerator") &&
        !gw__scenario_from_set(sc, "cluster.system")) {
        const gw_system *d = NULL;
        if (gw_catalog_system_for(cat, a, &d, NULL) == GW_OK) {
            /* The modules read cluster.system too: make the scenario agree. */
            if (gw__scenario_set_str(sc, "cluster.system", d->name) != GW_OK)
                return gw__err(err, GW_ENOMEM, "out of memory resolving cluster.system");
            gw__diag(ctx, 0,
                     "cluster.system: \"%s\" holds %s, not %s; using %s's default system \"%s\" "
                     "(--set cluster.system=NAME to choose another)",
                     s->name, s->accelerator, a->name, a->name, d->name);
            *system = d;
            return GW_OK;
        }
    }
    gw__err(err, GW_ESCHEMA,
            "system \"%s\" holds %s, not %s (leave cluster.system out for %s's default)", s->name,
            s->accelerator, a->name, a->name);
    gw__scenario_locate(sc, "cluster.system", err);
    return GW_ESCHEMA;
}

static gw_status resolve_model(gw_ctx *ctx, gw_scenario *sc, const gw_catalog *cat,
                               const gw_model **model, gw_error *err)
{
    const char *m = sc->workload.model;
    gw_status rc;
    if (!m[0]) {
        gw__err(err, GW_ESCHEMA, "missing required key \"model\"");
        gw__scenario_locate(sc, "workload.model", err);
        return GW_ESCHEMA;
    }
    if (!ends_with_json(m)) {
        rc = gw_catalog_model_find(cat, m, model, err);
        if (rc != GW_OK)
            gw__scenario_locate(sc, "workload.model", err);
        return rc;
    }
    if (!gw__scenario_attached(sc)) {
        /* A relative path is relative to the scenario file. */
        char full[1024];
        const char *base = sc->path ? sc->path : "";
        const char *slash = strrchr(base, '/');
        if (m[0] == '/' || !slash)
            gw__strlcpy(full, m, sizeof full);
        else
            gw__snprintf(full, sizeof full, "%.*s/%s", (int)(slash - base), base, m);
        gw_model *owned = NULL;
        rc = gw_catalog_model_from_hf(ctx, full, NULL, &owned, err);
        if (rc == GW_EIO && err) {
            /* Name the file in the message: the location is the scenario
             * key that gave it, which replaces the config.json path. */
            char msg[sizeof err->msg];
            gw__strlcpy(msg, err->msg, sizeof msg);
            gw__err(err, GW_EIO, "%s: %s", full, msg);
            memset(err->path, 0, sizeof err->path);
            err->line = err->column = 0;
            gw__scenario_locate(sc, "workload.model", err);
        }
        if (rc != GW_OK)
            return rc;
        gw__scenario_attach(sc, owned, free_model);
    }
    *model = gw__scenario_attached(sc);
    return GW_OK;
}

gw_status gw_scenario_resolve(gw_ctx *ctx, gw_scenario *sc, const gw_catalog *cat,
                              const gw_accel **accel, const gw_system **system,
                              const gw_model **model, gw_error *err)
{
    gw__err_clear(err); /* a reused record must not keep an old location */
    if (!sc || !cat)
        return gw__err(err, GW_EINVAL, "gw_scenario_resolve: bad argument");
    if (!ctx)
        ctx = gw__scenario_ctx(sc);
    gw_status rc;
    if (accel || system) {
        const gw_accel *a = NULL;
        if (!sc->cluster.accelerator[0]) {
            gw__err(err, GW_ESCHEMA, "missing required key \"accelerator\"");
            gw__scenario_locate(sc, "cluster.accelerator", err);
            return GW_ESCHEMA;
        }
        rc = gw_catalog_accel_find(cat, sc->cluster.accelerator, &a, err);
        if (rc != GW_OK) {
            gw__scenario_locate(sc, "cluster.accelerator", err);
            return rc;
        }
        if (accel)
            *accel = a;
        if (system && (rc = resolve_system(ctx, sc, cat, a, system, err)) != GW_OK)
            return rc;
    }
    if (model)
        return resolve_model(ctx, sc, cat, model, err);
    return GW_OK;
}
