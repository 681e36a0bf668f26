/* SPDX-License-Identifier: MIT */
/*
 * econ_internal.h: helpers shared by the econ module's files, and used by
 * site and policy to read their data files the same way: sourced values
 * ({value, source, confidence} or a scalar with a unit), located errors, and
 * the catalog's data directory.
 */
#ifndef GW_ECON_INTERNAL_H
#define GW_ECON_INTERNAL_H

#include <gigawatt/econ.h>

#include "core/core_internal.h"

/* Hours in a year of 365.25 days (the unit table's "yr"). */
#define GW__ECON_HOURS_PER_YEAR 8766.0
#define GW__ECON_S_PER_HOUR     3600.0
#define GW__ECON_S_PER_YEAR     (GW__ECON_HOURS_PER_YEAR * GW__ECON_S_PER_HOUR)

/* The data directory the catalog came from, or NULL when it is embedded. */
const char *gw__econ_data_dir(const gw_catalog *cat);
/* Reads and parses data file rel (e.g. "econ.yaml") from the catalog's
 * directory or the embedded copy; the root must be a mapping. Caller frees
 * *out with gw__ydoc_free. */
gw_status gw__econ_ydoc_read(gw_ctx *ctx, const gw_catalog *cat, const char *rel, gw__ydoc **out,
                             gw_error *err);
/* *out = the mapping at key of map (required). */
gw_status gw__econ_section(const gw__ydoc *d, const gw__ynode *map, const char *key,
                           gw__ynode **out, gw_error *err);
/* A required sourced value section.key of dimension dim in [min, max]. */
gw_status gw__econ_value(const gw__ydoc *d, const gw__ynode *map, const char *section,
                         const char *key, gw_dim dim, double min, double max, double *out,
                         gw_error *err);

#endif /* GW_ECON_INTERNAL_H */
