/* SPDX-License-Identifier: MIT */
/*
 * fuzz_units.c: libFuzzer harness for quantities with units (gw_unit_parse),
 * unit formatting (gw_unit_format), precisions and the strict number
 * parsers. The first input byte picks the dimension, the rest is the text.
 * Checked besides the sanitizers: a parse that succeeds gives a finite
 * value, errors carry a message, formatting always NUL-terminates within the
 * buffer (also for tiny buffers), and strict numbers agree with unit
 * parsing for GW_DIM_NONE (to one unit in the last place).
 */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    gw_dim dim = (gw_dim)(data[0] % (unsigned)GW_DIM_COUNT_);
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';

    double v = 0.0;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw_unit_parse(text, dim, &v, &err);
    if (rc == GW_OK) {
        if (!isfinite(v))
            abort();
    } else if ((rc != GW_EPARSE && rc != GW_EUNIT) || err.code != rc || !err.msg[0]) {
        abort();
    }

    /* Format the value (or raw bytes as a double) with every base unit into
     * buffers of several sizes, with guard bytes after the buffer. */
    double raw = 0.0;
    if (size - 1 >= sizeof raw)
        memcpy(&raw, data + 1, sizeof raw);
    const double vals[] = {v, raw};
    static const size_t lens[] = {1, 2, 5, 16, 64};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        for (int d = 0; d < GW_DIM_COUNT_; d++) {
            for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
                char buf[80];
                memset(buf, 'X', sizeof buf);
                gw_unit_format(vals[i], gw_unit_base((gw_dim)d), buf, lens[l]);
                if (memchr(buf, '\0', lens[l]) == NULL || buf[lens[l]] != 'X')
                    abort();
            }
        }
    }

    gw_precision p;
    if (gw_precision_parse(text, &p) == GW_OK && (p >= GW_PREC_COUNT || gw_precision_bits(p) <= 0))
        abort();

    /* The strict parser (strtod) and unit parsing (strtold, then rounded to
     * double) may differ by one unit in the last place: double rounding
     * (fuzz finding, "2" followed by 127 zeros). More is a bug. */
    double d1;
    if (gw__parse_double(text, &d1) == GW_OK) {
        double d2;
        if (!isfinite(d1) || gw_unit_parse(text, GW_DIM_NONE, &d2, NULL) != GW_OK ||
            fabs(d1 - d2) > fabs(d1) * 4.5e-16)
            abort();
    }
    long long ll;
    if (gw__parse_ll(text, &ll) == GW_OK && gw__parse_double(text, &d1) == GW_OK &&
        fabs(d1 - (double)ll) > fabs(d1) * 1e-15)
        abort();
    free(text);
    return 0;
}
