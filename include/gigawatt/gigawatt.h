/* SPDX-License-Identifier: MIT */
/*
 * gigawatt/gigawatt.h: umbrella header of libgigawatt, a planner and
 * simulator for gigawatt-scale AI training clusters. Include this one.
 */
#ifndef GIGAWATT_H
#define GIGAWATT_H

#include <gigawatt/catalog.h>
#include <gigawatt/core.h>
#include <gigawatt/plan.h>
#include <gigawatt/report.h>
#include <gigawatt/scenario.h>
/* module headers (one line each, added by each module) */
#include <gigawatt/econ.h>
#include <gigawatt/infer.h>
#include <gigawatt/net.h>
#include <gigawatt/policy.h>
#include <gigawatt/rel.h>
#include <gigawatt/site.h>
#include <gigawatt/train.h>

#endif /* GIGAWATT_H */
