/* SPDX-License-Identifier: MIT */
/*
 * gigawatt/gigawatt.h: umbrella header of libgigawatt, a planner and
 * simulator for gigawatt-scale AI training clusters. Include this one.
 */
#ifndef GIGAWATT_H
#define GIGAWATT_H

#include <gigawatt/core.h>
#include <gigawatt/report.h>
#include <gigawatt/catalog.h>
#include <gigawatt/scenario.h>
#include <gigawatt/plan.h>
/* module headers (one line each, added by each module) */
#include <gigawatt/train.h>
#include <gigawatt/rel.h>
#include <gigawatt/site.h>
#include <gigawatt/econ.h>
#include <gigawatt/policy.h>
#include <gigawatt/net.h>
#include <gigawatt/infer.h>

#endif /* GIGAWATT_H */
