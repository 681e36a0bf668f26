/* SPDX-License-Identifier: MIT */
/*
 * infer_internal.h: declarations shared by the files of the infer module
 * (params.c step.c search.c report.c validate.c).
 */
#ifndef GW_INFER_INTERNAL_H
#define GW_INFER_INTERNAL_H

#include <gigawatt/infer.h>

/* Bytes per stored element of a weight or KV precision (FP4: NVFP4 with
 * its block scales, data/train.yaml fp4_bytes_per_elem). */
double gw__infer_prec_bytes(const gw_train_params *tp, gw_precision p);

/* The fit parameters of data/infer.yaml: names and pointers into p. */
#define GW__INFER_N_FIT 2
extern const char *const gw__infer_fit_names[GW__INFER_N_FIT];
double *gw__infer_fit_slot(gw_infer_params *p, int i);

#endif /* GW_INFER_INTERNAL_H */
