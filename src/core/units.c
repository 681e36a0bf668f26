/* SPDX-License-Identifier: MIT */
/*
 * units.c: parsing of quantities with units ("989.4 TFLOP/s", "1 GW",
 * "16M", "12%") into base SI units, and formatting back with SI prefixes.
 * Scenario and catalog files carry units on every dimensioned value
 * (SimGrid's xbt_parse_units is the model) so that Gb/s vs GB/s or ms vs s
 * mix-ups become load errors instead of silent factors of 8 or 1000.
 *
 * Decimal prefixes throughout (GB = 1e9 B); binary ones only when spelled
 * KiB/MiB/GiB/TiB. A year is 365.25 days, a month 1/12 of that.
 */
#include <gigawatt/core.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_internal.h"

typedef struct unit_def {
    const char *text; /* normalised: no spaces */
    gw_dim dim;
    double factor; /* to base SI */
} unit_def;

#define YEAR_S 31557600.0

static const unit_def units[] = {
    {"W", GW_DIM_POWER, 1.0},
    {"kW", GW_DIM_POWER, 1e3},
    {"MW", GW_DIM_POWER, 1e6},
    {"GW", GW_DIM_POWER, 1e9},
    {"TW", GW_DIM_POWER, 1e12},
    {"J", GW_DIM_ENERGY, 1.0},
    {"kJ", GW_DIM_ENERGY, 1e3},
    {"MJ", GW_DIM_ENERGY, 1e6},
    {"GJ", GW_DIM_ENERGY, 1e9},
    {"Wh", GW_DIM_ENERGY, 3600.0},
    {"kWh", GW_DIM_ENERGY, 3.6e6},
    {"MWh", GW_DIM_ENERGY, 3.6e9},
    {"GWh", GW_DIM_ENERGY, 3.6e12},
    {"TWh", GW_DIM_ENERGY, 3.6e15},
    {"ns", GW_DIM_TIME, 1e-9},
    {"us", GW_DIM_TIME, 1e-6},
    {"ms", GW_DIM_TIME, 1e-3},
    {"s", GW_DIM_TIME, 1.0},
    {"sec", GW_DIM_TIME, 1.0},
    {"min", GW_DIM_TIME, 60.0},
    {"h", GW_DIM_TIME, 3600.0},
    {"hr", GW_DIM_TIME, 3600.0},
    {"hour", GW_DIM_TIME, 3600.0},
    {"hours", GW_DIM_TIME, 3600.0},
    {"d", GW_DIM_TIME, 86400.0},
    {"day", GW_DIM_TIME, 86400.0},
    {"days", GW_DIM_TIME, 86400.0},
    {"week", GW_DIM_TIME, 604800.0},
    {"weeks", GW_DIM_TIME, 604800.0},
    {"month", GW_DIM_TIME, YEAR_S / 12.0},
    {"months", GW_DIM_TIME, YEAR_S / 12.0},
    {"yr", GW_DIM_TIME, YEAR_S},
    {"year", GW_DIM_TIME, YEAR_S},
    {"years", GW_DIM_TIME, YEAR_S},
    {"B", GW_DIM_BYTES, 1.0},
    {"KB", GW_DIM_BYTES, 1e3},
    {"kB", GW_DIM_BYTES, 1e3},
    {"MB", GW_DIM_BYTES, 1e6},
    {"GB", GW_DIM_BYTES, 1e9},
    {"TB", GW_DIM_BYTES, 1e12},
    {"PB", GW_DIM_BYTES, 1e15},
    {"EB", GW_DIM_BYTES, 1e18},
    {"KiB", GW_DIM_BYTES, 1024.0},
    {"MiB", GW_DIM_BYTES, 1048576.0},
    {"GiB", GW_DIM_BYTES, 1073741824.0},
    {"TiB", GW_DIM_BYTES, 1099511627776.0},
    {"B/s", GW_DIM_BANDWIDTH, 1.0},
    {"KB/s", GW_DIM_BANDWIDTH, 1e3},
    {"kB/s", GW_DIM_BANDWIDTH, 1e3},
    {"MB/s", GW_DIM_BANDWIDTH, 1e6},
    {"GB/s", GW_DIM_BANDWIDTH, 1e9},
    {"TB/s", GW_DIM_BANDWIDTH, 1e12},
    {"PB/s", GW_DIM_BANDWIDTH, 1e15},
    {"b/s", GW_DIM_BANDWIDTH, 0.125},
    {"bps", GW_DIM_BANDWIDTH, 0.125},
    {"Kb/s", GW_DIM_BANDWIDTH, 125.0},
    {"kb/s", GW_DIM_BANDWIDTH, 125.0},
    {"Mb/s", GW_DIM_BANDWIDTH, 1.25e5},
    {"Mbps", GW_DIM_BANDWIDTH, 1.25e5},
    {"Gb/s", GW_DIM_BANDWIDTH, 1.25e8},
    {"Gbps", GW_DIM_BANDWIDTH, 1.25e8},
    {"Tb/s", GW_DIM_BANDWIDTH, 1.25e11},
    {"Tbps", GW_DIM_BANDWIDTH, 1.25e11},
    {"FLOP/s", GW_DIM_FLOPS, 1.0},
    {"FLOPS", GW_DIM_FLOPS, 1.0},
    {"GFLOP/s", GW_DIM_FLOPS, 1e9},
    {"GFLOPS", GW_DIM_FLOPS, 1e9},
    {"TFLOP/s", GW_DIM_FLOPS, 1e12},
    {"TFLOPS", GW_DIM_FLOPS, 1e12},
    {"PFLOP/s", GW_DIM_FLOPS, 1e15},
    {"PFLOPS", GW_DIM_FLOPS, 1e15},
    {"EFLOP/s", GW_DIM_FLOPS, 1e18},
    {"EFLOPS", GW_DIM_FLOPS, 1e18},
    {"ZFLOP/s", GW_DIM_FLOPS, 1e21},
    {"OP/s", GW_DIM_FLOPS, 1.0},
    {"TOP/s", GW_DIM_FLOPS, 1e12},
    {"TOPS", GW_DIM_FLOPS, 1e12},
    {"POP/s", GW_DIM_FLOPS, 1e15},
    {"POPS", GW_DIM_FLOPS, 1e15},
    {"FLOP", GW_DIM_FLOP, 1.0},
    {"GFLOP", GW_DIM_FLOP, 1e9},
    {"TFLOP", GW_DIM_FLOP, 1e12},
    {"PFLOP", GW_DIM_FLOP, 1e15},
    {"EFLOP", GW_DIM_FLOP, 1e18},
    {"ZFLOP", GW_DIM_FLOP, 1e21},
    {"YFLOP", GW_DIM_FLOP, 1e24},
    {"USD", GW_DIM_MONEY, 1.0},
    {"$", GW_DIM_MONEY, 1.0},
    {"kUSD", GW_DIM_MONEY, 1e3},
    {"k$", GW_DIM_MONEY, 1e3},
    {"MUSD", GW_DIM_MONEY, 1e6},
    {"M$", GW_DIM_MONEY, 1e6},
    {"BUSD", GW_DIM_MONEY, 1e9},
    {"B$", GW_DIM_MONEY, 1e9},
    {"TUSD", GW_DIM_MONEY, 1e12},
    {"USD/J", GW_DIM_PRICE_ENERGY, 1.0},
    {"USD/kWh", GW_DIM_PRICE_ENERGY, 1.0 / 3.6e6},
    {"USD/MWh", GW_DIM_PRICE_ENERGY, 1.0 / 3.6e9},
    {"c/kWh", GW_DIM_PRICE_ENERGY, 0.01 / 3.6e6},
    {"cents/kWh", GW_DIM_PRICE_ENERGY, 0.01 / 3.6e6},
    {"USD/W", GW_DIM_MONEY_PER_POWER, 1.0},
    {"USD/kW", GW_DIM_MONEY_PER_POWER, 1e-3},
    {"USD/MW", GW_DIM_MONEY_PER_POWER, 1e-6},
    {"kUSD/kW", GW_DIM_MONEY_PER_POWER, 1.0},
    {"MUSD/MW", GW_DIM_MONEY_PER_POWER, 1.0},
    {"BUSD/GW", GW_DIM_MONEY_PER_POWER, 1.0},
    {"mm2", GW_DIM_AREA, 1e-6},
    {"mm^2", GW_DIM_AREA, 1e-6},
    {"cm2", GW_DIM_AREA, 1e-4},
    {"m2", GW_DIM_AREA, 1.0},
    {"m^2", GW_DIM_AREA, 1.0},
    {"sqft", GW_DIM_AREA, 0.09290304},
    {"/s", GW_DIM_RATE, 1.0},
    {"/h", GW_DIM_RATE, 1.0 / 3600.0},
    {"/hour", GW_DIM_RATE, 1.0 / 3600.0},
    {"/day", GW_DIM_RATE, 1.0 / 86400.0},
    {"/yr", GW_DIM_RATE, 1.0 / YEAR_S},
    {"/year", GW_DIM_RATE, 1.0 / YEAR_S},
};

static const char *const base_names[GW_DIM_COUNT_] = {
    [GW_DIM_NONE] = "",
    [GW_DIM_POWER] = "W",
    [GW_DIM_ENERGY] = "J",
    [GW_DIM_TIME] = "s",
    [GW_DIM_BYTES] = "B",
    [GW_DIM_BANDWIDTH] = "B/s",
    [GW_DIM_FLOPS] = "FLOP/s",
    [GW_DIM_FLOP] = "FLOP",
    [GW_DIM_MONEY] = "USD",
    [GW_DIM_PRICE_ENERGY] = "USD/J",
    [GW_DIM_MONEY_PER_POWER] = "USD/W",
    [GW_DIM_AREA] = "m2",
    [GW_DIM_TOKENS] = "",
    [GW_DIM_FRACTION] = "frac",
    [GW_DIM_RATE] = "/s",
};

/* Examples shown in error messages, one per dimension. */
static const char *const examples[GW_DIM_COUNT_] = {
    [GW_DIM_NONE] = "a plain number",
    [GW_DIM_POWER] = "a power such as \"700 W\" or \"1 GW\"",
    [GW_DIM_ENERGY] = "an energy such as \"10 MWh\"",
    [GW_DIM_TIME] = "a time such as \"30 s\", \"2 h\" or \"54 days\"",
    [GW_DIM_BYTES] = "a size such as \"80 GB\"",
    [GW_DIM_BANDWIDTH] = "a bandwidth such as \"3.35 TB/s\" or \"400 Gb/s\"",
    [GW_DIM_FLOPS] = "a rate such as \"989.4 TFLOP/s\"",
    [GW_DIM_FLOP] = "an amount of compute such as \"3.8e25 FLOP\"",
    [GW_DIM_MONEY] = "an amount such as \"25000 USD\" or \"2.5 MUSD\"",
    [GW_DIM_PRICE_ENERGY] = "an energy price such as \"80 USD/MWh\"",
    [GW_DIM_MONEY_PER_POWER] = "a cost per power such as \"11.7 USD/W\"",
    [GW_DIM_AREA] = "an area such as \"814 mm2\"",
    [GW_DIM_TOKENS] = "a count such as \"15T\", \"16M\" or \"30e12\"",
    [GW_DIM_FRACTION] = "a fraction such as \"0.4\" or \"40%\"",
    [GW_DIM_RATE] = "a rate such as \"2 /day\"",
};

const char *gw_unit_base(gw_dim dim)
{
    if ((unsigned)dim < GW_DIM_COUNT_)
        return base_names[dim];
    return "";
}

gw_status gw__parse_double(const char *s, double *out)
{
    if (!s || !*s)
        return GW_EPARSE;
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (!(isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))))
        return GW_EPARSE; /* rejects inf, nan and empty signs */
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        return GW_EPARSE; /* hex: strtod would read it */
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno == ERANGE || !end || *end != '\0' || !isfinite(v))
        return GW_EPARSE;
    *out = v;
    return GW_OK;
}

gw_status gw__parse_ll(const char *s, long long *out)
{
    if (!s || !*s)
        return GW_EPARSE;
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (!isdigit((unsigned char)*p))
        return GW_EPARSE;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno == ERANGE || !end || *end != '\0')
        return GW_EPARSE;
    *out = v;
    return GW_OK;
}

bool gw__streq_nocase(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    while (*a && *b) {
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
        a++;
        b++;
    }
    return *a == *b;
}

/* Splits "  989.4 TFLOP/s " into the number and the unit with spaces removed. */
static gw_status split(const char *text, long double *num, double *exact, char *unit,
                       size_t unit_len)
{
    while (isspace((unsigned char)*text))
        text++;
    const char *p = text;
    if (*p == '$') { /* "$25000" */
        p++;
    }
    const char *q = p;
    if (*q == '+' || *q == '-')
        q++;
    if (!(isdigit((unsigned char)*q) || (*q == '.' && isdigit((unsigned char)q[1]))))
        return GW_EPARSE;
    char *end = NULL;
    errno = 0;
    /* long double, so "2.039 TB/s" scales to exactly 2039000000000 B/s. */
    long double v = strtold(p, &end);
    if (errno == ERANGE || !end || end == p || !isfinite((double)v))
        return GW_EPARSE;
    size_t u = 0;
    if (p != text) /* leading '$' */
        unit[u++] = '$';
    for (const char *c = end; *c; c++) {
        if (isspace((unsigned char)*c))
            continue;
        if (u + 1 >= unit_len)
            return GW_EPARSE;
        unit[u++] = *c;
    }
    unit[u] = '\0';
    *num = v;
    /* For a factor of 1 the number as written, rounded once (strtold then a
     * cast would round twice and can differ by one ulp). */
    *exact = strtod(p, NULL);
    return GW_OK;
}

/* True when s holds a hexadecimal number ("0x10", "-0X1p3"): strtod reads
 * those, but nobody writes a GPU count or a power in hex, so it is a typo. */
static bool is_hex(const char *s)
{
    if (*s == '$')
        s++;
    if (*s == '+' || *s == '-')
        s++;
    return s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

static gw_status unit_parse(const char *text, gw_dim dim, double *out, gw_error *err)
{
    if (!text || !out || (unsigned)dim >= GW_DIM_COUNT_)
        return gw__err(err, GW_EINVAL, "gw_unit_parse: bad argument");
    size_t tlen = strlen(text);
    /* YAML trims plain scalars, so a space at either end came from quotes
     * or from the command line (--set key=" 5"): likely a mistake. */
    if (tlen && (isspace((unsigned char)text[0]) || isspace((unsigned char)text[tlen - 1])))
        return gw__err(err, GW_EPARSE,
                       "expected %s, got \"%s\" (remove the space at the start or end)",
                       examples[dim], text);
    if (is_hex(text))
        return gw__err(err, GW_EPARSE,
                       "expected %s, got \"%s\" (write it in decimal: hexadecimal is not "
                       "accepted)",
                       examples[dim], text);
    long double v;
    double exact;
    char unit[32];
    if (split(text, &v, &exact, unit, sizeof unit) != GW_OK)
        return gw__err(err, GW_EPARSE, "expected %s, got \"%s\"", examples[dim], text);
    if (dim == GW_DIM_NONE) {
        if (unit[0])
            return gw__err(err, GW_EUNIT, "expected %s without a unit, got \"%s\"", examples[dim],
                           text);
        *out = exact;
        return GW_OK;
    }
    if (dim == GW_DIM_FRACTION) {
        if (!unit[0]) {
            *out = exact;
            return GW_OK;
        }
        if (strcmp(unit, "%") == 0) {
            *out = (double)(v / 100.0L);
            return GW_OK;
        }
        return gw__err(err, GW_EUNIT, "expected %s, got \"%s\"", examples[dim], text);
    }
    if (dim == GW_DIM_TOKENS) {
        static const struct {
            const char *s;
            double f;
        } sfx[] = {{"", 1.0},  {"k", 1e3}, {"K", 1e3},  {"M", 1e6},
                   {"B", 1e9}, {"G", 1e9}, {"T", 1e12}, {"P", 1e15}};
        for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
            if (strcmp(unit, sfx[i].s) == 0) {
                *out = sfx[i].f == 1.0 ? exact : (double)(v * (long double)sfx[i].f);
                return GW_OK;
            }
        }
        return gw__err(err, GW_EUNIT, "expected %s, got \"%s\"", examples[dim], text);
    }
    if (!unit[0])
        return gw__err(err, GW_EUNIT, "missing unit: expected %s, got \"%s\"", examples[dim], text);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(units[i].text, unit) == 0) {
            if (units[i].dim != dim)
                return gw__err(err, GW_EUNIT, "wrong unit \"%s\": expected %s", unit,
                               examples[dim]);
            *out = units[i].factor == 1.0 ? exact : (double)(v * (long double)units[i].factor);
            return GW_OK;
        }
    }
    return gw__err(err, GW_EUNIT, "unknown unit \"%s\": expected %s", unit, examples[dim]);
}

gw_status gw_unit_parse(const char *text, gw_dim dim, double *out, gw_error *err)
{
    if (!out)
        return gw__err(err, GW_EINVAL, "gw_unit_parse: bad argument");
    double v = 0.0;
    gw_status rc = unit_parse(text, dim, &v, err);
    if (rc != GW_OK)
        return rc;
    if (!isfinite(v)) /* "1e308 GW": finite as written, not in watts */
        return gw__err(err, GW_EPARSE, "number too large: \"%s\"", text);
    *out = v;
    return GW_OK;
}

/* ---- Formatting ---------------------------------------------------------- */

static char *fmt_time(double v, char *buf, size_t n)
{
    double a = fabs(v);
    if (a >= 2.0 * YEAR_S)
        snprintf(buf, n, "%.3g years", v / YEAR_S);
    else if (a >= 2.0 * 86400.0)
        snprintf(buf, n, "%.3g days", v / 86400.0);
    else if (a >= 2.0 * 3600.0)
        snprintf(buf, n, "%.3g h", v / 3600.0);
    else if (a >= 120.0)
        snprintf(buf, n, "%.3g min", v / 60.0);
    else if (a >= 1.0 || a == 0.0)
        snprintf(buf, n, "%.3g s", v);
    else if (a >= 1e-3)
        snprintf(buf, n, "%.3g ms", v * 1e3);
    else if (a >= 1e-6)
        snprintf(buf, n, "%.3g us", v * 1e6);
    else
        snprintf(buf, n, "%.3g ns", v * 1e9);
    return buf;
}

char *gw_unit_format(double v, const char *unit, char *buf, size_t buf_len)
{
    if (!buf || buf_len == 0)
        return buf;
    if (!unit)
        unit = "";
    if (isnan(v)) {
        snprintf(buf, buf_len, "n/a");
        return buf;
    }
    if (isinf(v)) {
        snprintf(buf, buf_len, "%s", v > 0 ? "unbounded" : "-unbounded");
        return buf;
    }
    if (strcmp(unit, "frac") == 0) {
        snprintf(buf, buf_len, "%.1f%%", v * 100.0);
        return buf;
    }
    if (strcmp(unit, "s") == 0)
        return fmt_time(v, buf, buf_len);
    double a = fabs(v);
    if (strcmp(unit, "USD") == 0) {
        static const char *const m[] = {"", "k", "M", "B", "T"};
        int i = 0;
        while (a >= 1000.0 && i < 4) {
            a /= 1000.0;
            v /= 1000.0;
            i++;
        }
        snprintf(buf, buf_len, "$%.3g%s", v, m[i]);
        return buf;
    }
    if (strcmp(unit, "m2") == 0 && fabs(v) < 1.0) { /* areas scale squared: mm2, not um2 */
        snprintf(buf, buf_len, "%.4g mm2", v * 1e6);
        return buf;
    }
    if (strcmp(unit, "USD/J") == 0) { /* energy prices are quoted per MWh */
        snprintf(buf, buf_len, "%.3g USD/MWh", v * 3.6e9);
        return buf;
    }
    if (strcmp(unit, "J") == 0 && fabs(v) >= 3.6e6) { /* energy in watt-hours */
        return gw_unit_format(v / 3600.0, "Wh", buf, buf_len);
    }
    if (strcmp(unit, "FLOP") == 0) { /* yotta and zetta read badly; 6.6e24 does not */
        snprintf(buf, buf_len, "%.3g FLOP", v);
        return buf;
    }
    if (!unit[0]) {
        static const struct {
            double f;
            const char *word;
        } big[] = {{1e12, "trillion"}, {1e9, "billion"}, {1e6, "million"}};
        for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
            if (a >= big[i].f && a < 1e15) {
                snprintf(buf, buf_len, "%.4g %s", v / big[i].f, big[i].word);
                return buf;
            }
        }
        if (a >= 1e15 || (a > 0 && a < 1e-3))
            snprintf(buf, buf_len, "%.3e", v);
        else if (a == floor(a) || a >= 1000.0)
            snprintf(buf, buf_len, "%.0f", v);
        else
            snprintf(buf, buf_len, "%.4g", v);
        return buf;
    }
    static const char *const up[] = {"", "k", "M", "G", "T", "P", "E", "Z", "Y"};
    static const char *const down[] = {"", "m", "u", "n"};
    if (a == 0.0) {
        snprintf(buf, buf_len, "0 %s", unit);
        return buf;
    }
    int i = 0;
    while (a >= 1000.0 && i < 8) {
        a /= 1000.0;
        v /= 1000.0;
        i++;
    }
    if (i == 0 && a < 1.0) {
        int j = 0;
        while (a < 1.0 && j < 3) {
            a *= 1000.0;
            v *= 1000.0;
            j++;
        }
        snprintf(buf, buf_len, "%.3g %s%s", v, down[j], unit);
        return buf;
    }
    snprintf(buf, buf_len, "%.3g %s%s", v, up[i], unit);
    return buf;
}

/* ---- Ranges --------------------------------------------------------------- */

/* Value of a bound as shown, or NaN when the text does not parse back. */
static double shown_value(const char *text, gw_dim dim)
{
    double v;
    if (gw_unit_parse(text, dim, &v, NULL) == GW_OK)
        return v;
    /* gw_unit_format writes large plain counts as "100 million". */
    static const struct {
        const char *word;
        double f;
    } big[] = {{"million", 1e6}, {"billion", 1e9}, {"trillion", 1e12}};
    char *end = NULL;
    double x = strtod(text, &end);
    if (end == text || *end != ' ')
        return (double)NAN;
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
        if (strcmp(end + 1, big[i].word) == 0)
            return x * big[i].f;
    return (double)NAN;
}

static bool shows_exactly(const char *text, double b, gw_dim dim)
{
    double v = shown_value(text, dim);
    return fabs(v - b) <= 1e-9 * fabs(b) || v == b;
}

/* A bound as text that reads back as exactly b: the friendly format when it
 * is exact ("100 MW", "1 ms"), else more digits ("1e-06" rather than
 * "0.0%", which would admit 0). */
static void format_bound(double b, gw_dim dim, char *buf, size_t n)
{
    const char *unit = gw_unit_base(dim);
    if (dim == GW_DIM_FRACTION) {
        snprintf(buf, n, "%g%%", b * 100.0);
        if (shows_exactly(buf, b, dim))
            return;
    } else {
        gw_unit_format(b, unit, buf, n);
        if (shows_exactly(buf, b, dim))
            return;
    }
    bool has_unit = unit[0] && dim != GW_DIM_FRACTION;
    for (int digits = 3; digits <= 17; digits += 3) {
        snprintf(buf, n, "%.*g%s%s", digits, b, has_unit ? " " : "", has_unit ? unit : "");
        if (strtod(buf, NULL) == b)
            return;
    }
}

char *gw_range_describe(double min, int min_open, double max, gw_dim dim, char *buf, size_t buf_len)
{
    if (!buf || buf_len == 0)
        return buf;
    char lo[48], hi[48];
    format_bound(min, dim, lo, sizeof lo);
    format_bound(max, dim, hi, sizeof hi);
    bool bounded = !isinf(max);
    if (min_open && bounded)
        snprintf(buf, buf_len, "must be greater than %s and at most %s", lo, hi);
    else if (min_open)
        snprintf(buf, buf_len, "must be greater than %s", lo);
    else if (bounded)
        snprintf(buf, buf_len, "must be between %s and %s inclusive", lo, hi);
    else if (min == 0.0)
        snprintf(buf, buf_len, "must not be negative");
    else
        snprintf(buf, buf_len, "must be at least %s", lo);
    return buf;
}

/* ---- Precisions ---------------------------------------------------------- */

static const struct {
    const char *name;
    int bits;
} precs[GW_PREC_COUNT] = {
    [GW_PREC_FP64] = {"fp64", 64}, [GW_PREC_TF32] = {"tf32", 32}, [GW_PREC_BF16] = {"bf16", 16},
    [GW_PREC_FP8] = {"fp8", 8},    [GW_PREC_FP6] = {"fp6", 6},    [GW_PREC_FP4] = {"fp4", 4},
    [GW_PREC_INT8] = {"int8", 8},
};

const char *gw_precision_name(gw_precision p)
{
    if ((unsigned)p < GW_PREC_COUNT)
        return precs[p].name;
    return "?";
}

int gw_precision_bits(gw_precision p)
{
    if ((unsigned)p < GW_PREC_COUNT)
        return precs[p].bits;
    return 0;
}

gw_status gw_precision_parse(const char *text, gw_precision *out)
{
    if (!text || !out)
        return GW_EINVAL;
    if (gw__streq_nocase(text, "fp16")) {
        *out = GW_PREC_BF16;
        return GW_OK;
    }
    for (int i = 0; i < GW_PREC_COUNT; i++) {
        if (gw__streq_nocase(text, precs[i].name)) {
            *out = (gw_precision)i;
            return GW_OK;
        }
    }
    return GW_EPARSE;
}
