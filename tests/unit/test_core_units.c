/* SPDX-License-Identifier: MIT */
/*
 * test_core_units.c: quantities with units (gw_unit_parse), formatting with
 * SI prefixes (gw_unit_format), base unit names, precisions, and the strict
 * number parsers behind them.
 *
 * Expected values are the unit definitions themselves: decimal prefixes
 * (1 GB = 1e9 B), binary ones only when spelled KiB/MiB/GiB, bits are 1/8
 * byte, a year is 365.25 days. Error texts are checked verbatim because the
 * CLI prints them as they are.
 */
#include <gigawatt/gigawatt.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/core_internal.h"

/* Relative tolerance for values that pass through one multiplication. */
#define REL_EPS 1e-12

static void assert_rel(double got, double want)
{
    double tol = fabs(want) * REL_EPS;
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, expected %.17g", got, want);
}

static double parse_ok(const char *text, gw_dim dim)
{
    double v = -12345.0;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw_unit_parse(text, dim, &v, &err);
    if (rc != GW_OK)
        fail_msg("\"%s\": %s: %s", text, gw_status_name(rc), err.msg);
    return v;
}

static void parse_fails(const char *text, gw_dim dim, gw_status want, const char *msg)
{
    double v = -12345.0;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw_unit_parse(text, dim, &v, &err);
    assert_int_equal(rc, want);
    assert_int_equal(err.code, want);
    assert_string_equal(err.msg, msg);
    assert_true(v == -12345.0); /* *out untouched on failure */
}

/* Range messages state their bounds exactly: a bound that the friendly
 * format would round (1e-6 as "0.0%", 3.2e8 s as "10.1 years") is written
 * with enough digits instead, so the text never admits the rejected value;
 * an excluded minimum says "greater than". */
static void test_range_describe_exact(void **state)
{
    (void)state;
    char b[128];
    assert_string_equal(gw_range_describe(1, 0, 1e8, GW_DIM_TOKENS, b, sizeof b),
                        "must be between 1 and 100 million inclusive");
    assert_string_equal(gw_range_describe(0, 1, 1.0, GW_DIM_FRACTION, b, sizeof b),
                        "must be greater than 0% and at most 100%");
    assert_string_equal(gw_range_describe(1e-6, 0, 1.0, GW_DIM_FRACTION, b, sizeof b),
                        "must be between 0.0001% and 100% inclusive");
    assert_string_equal(gw_range_describe(0, 1, 3.2e8, GW_DIM_TIME, b, sizeof b),
                        "must be greater than 0 s and at most 3.2e+08 s");
    assert_string_equal(gw_range_describe(1e-3, 0, HUGE_VAL, GW_DIM_TIME, b, sizeof b),
                        "must be at least 1 ms");
    assert_string_equal(gw_range_describe(0, 0, HUGE_VAL, GW_DIM_POWER, b, sizeof b),
                        "must not be negative");
    assert_string_equal(gw_range_describe(0, 1, HUGE_VAL, GW_DIM_POWER, b, sizeof b),
                        "must be greater than 0 W");
    assert_string_equal(gw_range_describe(1, 0, 1e13, GW_DIM_POWER, b, sizeof b),
                        "must be between 1 W and 10 TW inclusive");
    /* 1234.5 W would show as "1.23 kW": more digits make it exact. */
    assert_string_equal(gw_range_describe(1234.5, 0, HUGE_VAL, GW_DIM_POWER, b, sizeof b),
                        "must be at least 1234.5 W");
    /* Truncates safely. */
    assert_string_equal(gw_range_describe(1, 0, 2, GW_DIM_NONE, b, 8), "must be");
}

/* ---- Parsing: one case per dimension ------------------------------------ */

/* Text that strtod would read but no one means: hexadecimal (strtod reads
 * "0x10" as 16) and spaces around the value. YAML trims plain scalars, so
 * those spaces come from quotes or from --set key=" 5"; they used to be
 * trimmed silently. Spaces inside ("700 W") stay fine. */
static void test_parse_rejects_hex_and_outer_spaces(void **state)
{
    (void)state;
    parse_fails("0x10", GW_DIM_TOKENS, GW_EPARSE,
                "expected a count such as \"15T\", \"16M\" or \"30e12\", got \"0x10\" (write it "
                "in decimal: hexadecimal is not accepted)");
    parse_fails("-0X1p3 MW", GW_DIM_POWER, GW_EPARSE,
                "expected a power such as \"700 W\" or \"1 GW\", got \"-0X1p3 MW\" (write it in "
                "decimal: hexadecimal is not accepted)");
    parse_fails("$0x10", GW_DIM_MONEY, GW_EPARSE,
                "expected an amount such as \"25000 USD\" or \"2.5 MUSD\", got \"$0x10\" (write "
                "it in decimal: hexadecimal is not accepted)");
    parse_fails(" 5", GW_DIM_TOKENS, GW_EPARSE,
                "expected a count such as \"15T\", \"16M\" or \"30e12\", got \" 5\" (remove the "
                "space at the start or end)");
    parse_fails("1 GW ", GW_DIM_POWER, GW_EPARSE,
                "expected a power such as \"700 W\" or \"1 GW\", got \"1 GW \" (remove the space "
                "at the start or end)");
    parse_fails("\t0.4", GW_DIM_FRACTION, GW_EPARSE,
                /* the message is one line: the tab is shown as a space */
                "expected a fraction such as \"0.4\" or \"40%\", got \" 0.4\" (remove the space "
                "at the start or end)");
    /* Decimal numbers that merely start with 0 are fine. */
    assert_rel(parse_ok("0.5 kW", GW_DIM_POWER), 500.0);
    assert_rel(parse_ok("010", GW_DIM_TOKENS), 10.0);
}

static void test_parse_power_energy(void **state)
{
    (void)state;
    assert_rel(parse_ok("700 W", GW_DIM_POWER), 700.0);
    assert_rel(parse_ok("700W", GW_DIM_POWER), 700.0); /* spaces are optional */
    assert_rel(parse_ok("1.5 kW", GW_DIM_POWER), 1500.0);
    assert_rel(parse_ok("490 MW", GW_DIM_POWER), 4.9e8);
    assert_rel(parse_ok("-5 MW", GW_DIM_POWER), -5e6); /* sign parses; range is the caller's */
    assert_rel(parse_ok(".5 kW", GW_DIM_POWER), 500.0);
    /* 1 kWh = 1000 W * 3600 s = 3.6e6 J; 10 MWh = 3.6e10 J. */
    assert_rel(parse_ok("1 kWh", GW_DIM_ENERGY), 3.6e6);
    assert_rel(parse_ok("10 MWh", GW_DIM_ENERGY), 3.6e10);
    assert_rel(parse_ok("2 GJ", GW_DIM_ENERGY), 2e9);
}

static void test_parse_time(void **state)
{
    (void)state;
    assert_rel(parse_ok("30 s", GW_DIM_TIME), 30.0);
    assert_rel(parse_ok("2 h", GW_DIM_TIME), 7200.0);
    assert_rel(parse_ok("250 ms", GW_DIM_TIME), 0.25);
    assert_rel(parse_ok("54 days", GW_DIM_TIME), 54.0 * 86400.0); /* 4,665,600 s */
    assert_rel(parse_ok("1 week", GW_DIM_TIME), 604800.0);
    /* A Julian year: 365.25 * 86400 = 31,557,600 s; a month is 1/12 of it. */
    assert_rel(parse_ok("1 yr", GW_DIM_TIME), 31557600.0);
    assert_rel(parse_ok("5 years", GW_DIM_TIME), 5.0 * 31557600.0);
    assert_rel(parse_ok("1 month", GW_DIM_TIME), 31557600.0 / 12.0);
}

static void test_parse_bytes_bandwidth(void **state)
{
    (void)state;
    assert_rel(parse_ok("80 GB", GW_DIM_BYTES), 80e9);                 /* decimal */
    assert_rel(parse_ok("80 GiB", GW_DIM_BYTES), 80.0 * 1073741824.0); /* binary only if spelled */
    assert_rel(parse_ok("1 KiB", GW_DIM_BYTES), 1024.0);
    assert_rel(parse_ok("3.35 TB/s", GW_DIM_BANDWIDTH), 3.35e12);
    /* Bits are an eighth of a byte: 400 Gb/s = 400e9 / 8 = 5e10 B/s. */
    assert_rel(parse_ok("400 Gb/s", GW_DIM_BANDWIDTH), 5e10);
    assert_rel(parse_ok("400 Gbps", GW_DIM_BANDWIDTH), 5e10);
    assert_rel(parse_ok("1.6 Tb/s", GW_DIM_BANDWIDTH), 2e11);
    assert_rel(parse_ok("900 GB/s", GW_DIM_BANDWIDTH), 9e11);
}

static void test_parse_compute_money_area(void **state)
{
    (void)state;
    assert_rel(parse_ok("989.4 TFLOP/s", GW_DIM_FLOPS), 989.4e12);
    assert_rel(parse_ok("989.4 TFLOPS", GW_DIM_FLOPS), 989.4e12);
    assert_rel(parse_ok("1979 TOP/s", GW_DIM_FLOPS), 1979e12); /* INT8 ops share the dimension */
    assert_rel(parse_ok("2.5 PFLOP/s", GW_DIM_FLOPS), 2.5e15);
    assert_rel(parse_ok("3.8e25 FLOP", GW_DIM_FLOP), 3.8e25);
    assert_rel(parse_ok("25000 USD", GW_DIM_MONEY), 25000.0);
    assert_rel(parse_ok("$25000", GW_DIM_MONEY), 25000.0); /* leading dollar sign */
    assert_rel(parse_ok("2.5 MUSD", GW_DIM_MONEY), 2.5e6);
    assert_rel(parse_ok("3 B$", GW_DIM_MONEY), 3e9);
    /* 80 USD/MWh = 80 / 3.6e9 USD/J. */
    assert_rel(parse_ok("80 USD/MWh", GW_DIM_PRICE_ENERGY), 80.0 / 3.6e9);
    /* 5 cents/kWh = 0.05 USD / 3.6e6 J. */
    assert_rel(parse_ok("5 c/kWh", GW_DIM_PRICE_ENERGY), 0.05 / 3.6e6);
    assert_rel(parse_ok("11.7 USD/W", GW_DIM_MONEY_PER_POWER), 11.7);
    assert_rel(parse_ok("11.7 BUSD/GW", GW_DIM_MONEY_PER_POWER), 11.7); /* same ratio */
    assert_rel(parse_ok("1200 USD/kW", GW_DIM_MONEY_PER_POWER), 1.2);
    /* Areas are stored in m2: 814 mm2 = 814e-6 m2. */
    assert_rel(parse_ok("814 mm2", GW_DIM_AREA), 814e-6);
    assert_rel(parse_ok("814 mm^2", GW_DIM_AREA), 814e-6);
    assert_rel(parse_ok("2 /day", GW_DIM_RATE), 2.0 / 86400.0);
    assert_rel(parse_ok("0.1 /yr", GW_DIM_RATE), 0.1 / 31557600.0);
}

static void test_parse_counts_fractions(void **state)
{
    (void)state;
    /* Counts take an optional k/M/B/T suffix (B = billion, G too). */
    assert_rel(parse_ok("15T", GW_DIM_TOKENS), 15e12);
    assert_rel(parse_ok("16M", GW_DIM_TOKENS), 16e6);
    assert_rel(parse_ok("671B", GW_DIM_TOKENS), 671e9);
    assert_rel(parse_ok("16k", GW_DIM_TOKENS), 16e3);
    assert_rel(parse_ok("30e12", GW_DIM_TOKENS), 30e12);
    assert_rel(parse_ok("1000000", GW_DIM_TOKENS), 1e6);
    /* Fractions: plain or percent (40% = 0.4). */
    assert_rel(parse_ok("40%", GW_DIM_FRACTION), 0.4);
    assert_rel(parse_ok("12 %", GW_DIM_FRACTION), 0.12);
    assert_rel(parse_ok("0.4", GW_DIM_FRACTION), 0.4);
    assert_rel(parse_ok("1.5", GW_DIM_NONE), 1.5);
    assert_rel(parse_ok("-2", GW_DIM_NONE), -2.0);
}

/* ---- Parsing errors, verbatim ------------------------------------------- */

static void test_parse_errors(void **state)
{
    (void)state;
    parse_fails("100", GW_DIM_POWER, GW_EUNIT,
                "missing unit: expected a power such as \"700 W\" or \"1 GW\", got \"100\"");
    parse_fails("100 GB", GW_DIM_POWER, GW_EUNIT,
                "wrong unit \"GB\": expected a power such as \"700 W\" or \"1 GW\"");
    parse_fails("3 furlongs", GW_DIM_TIME, GW_EUNIT,
                "unknown unit \"furlongs\": expected a time such as \"30 s\", \"2 h\" or "
                "\"54 days\"");
    /* Units are case-sensitive: mW would be milliwatts, so "gw" is not guessed. */
    parse_fails("1 gw", GW_DIM_POWER, GW_EUNIT,
                "unknown unit \"gw\": expected a power such as \"700 W\" or \"1 GW\"");
    parse_fails("lots", GW_DIM_TOKENS, GW_EPARSE,
                "expected a count such as \"15T\", \"16M\" or \"30e12\", got \"lots\"");
    parse_fails("16 X", GW_DIM_TOKENS, GW_EUNIT,
                "expected a count such as \"15T\", \"16M\" or \"30e12\", got \"16 X\"");
    parse_fails("1.5 W", GW_DIM_NONE, GW_EUNIT,
                "expected a plain number without a unit, got \"1.5 W\"");
    parse_fails("40 pct", GW_DIM_FRACTION, GW_EUNIT,
                "expected a fraction such as \"0.4\" or \"40%\", got \"40 pct\"");
    parse_fails("", GW_DIM_POWER, GW_EPARSE,
                "expected a power such as \"700 W\" or \"1 GW\", got \"\"");
    /* inf, nan and numbers beyond double range are not numbers here. */
    parse_fails("inf W", GW_DIM_POWER, GW_EPARSE,
                "expected a power such as \"700 W\" or \"1 GW\", got \"inf W\"");
    parse_fails("nan", GW_DIM_NONE, GW_EPARSE, "expected a plain number, got \"nan\"");
    parse_fails("1e999 W", GW_DIM_POWER, GW_EPARSE,
                "expected a power such as \"700 W\" or \"1 GW\", got \"1e999 W\"");
    /* A unit longer than any known one (31 chars max) is rejected as text. */
    parse_fails("5 WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", GW_DIM_POWER, GW_EPARSE,
                "expected a power such as \"700 W\" or \"1 GW\", got "
                "\"5 WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW\"");
}

static void test_parse_bad_arguments(void **state)
{
    (void)state;
    double v;
    gw_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(gw_unit_parse(NULL, GW_DIM_POWER, &v, &err), GW_EINVAL);
    assert_int_equal(gw_unit_parse("1 W", GW_DIM_POWER, NULL, &err), GW_EINVAL);
    assert_int_equal(gw_unit_parse("1 W", GW_DIM_COUNT_, &v, &err), GW_EINVAL);
    /* err may be NULL. */
    assert_int_equal(gw_unit_parse("1 W", GW_DIM_TIME, &v, NULL), GW_EUNIT);
    assert_int_equal(gw_unit_parse("1 W", GW_DIM_POWER, &v, NULL), GW_OK);
}

/* The location fields of err belong to the caller (who knows the file). */
static void test_parse_keeps_location(void **state)
{
    (void)state;
    gw_error err;
    memset(&err, 0, sizeof err);
    gw__strlcpy(err.path, "s.yaml", sizeof err.path);
    err.line = 7;
    err.column = 9;
    gw__strlcpy(err.where, "site.power", sizeof err.where);
    double v;
    assert_int_equal(gw_unit_parse("100", GW_DIM_POWER, &v, &err), GW_EUNIT);
    assert_string_equal(err.path, "s.yaml");
    assert_int_equal(err.line, 7);
    assert_int_equal(err.column, 9);
    assert_string_equal(err.where, "site.power");
}

/* A number that is finite but whose product with the unit factor is not
 * (1e308 * 1e12) must not come back as GW_OK with an infinite value
 * (regression: it once did; corpus/units/regress-overflow-inf). */
static void test_parse_overflow_not_infinite(void **state)
{
    (void)state;
    double v = 0.0;
    gw_status rc = gw_unit_parse("1e308 TW", GW_DIM_POWER, &v, NULL);
    assert_int_not_equal(rc, GW_OK);
    rc = gw_unit_parse("1e308T", GW_DIM_TOKENS, &v, NULL);
    assert_int_not_equal(rc, GW_OK);
}

/* ---- Base units and formatting ------------------------------------------- */

static void test_unit_base(void **state)
{
    (void)state;
    assert_string_equal(gw_unit_base(GW_DIM_POWER), "W");
    assert_string_equal(gw_unit_base(GW_DIM_ENERGY), "J");
    assert_string_equal(gw_unit_base(GW_DIM_TIME), "s");
    assert_string_equal(gw_unit_base(GW_DIM_BYTES), "B");
    assert_string_equal(gw_unit_base(GW_DIM_BANDWIDTH), "B/s");
    assert_string_equal(gw_unit_base(GW_DIM_FLOPS), "FLOP/s");
    assert_string_equal(gw_unit_base(GW_DIM_FLOP), "FLOP");
    assert_string_equal(gw_unit_base(GW_DIM_MONEY), "USD");
    assert_string_equal(gw_unit_base(GW_DIM_AREA), "m2");
    assert_string_equal(gw_unit_base(GW_DIM_FRACTION), "frac");
    assert_string_equal(gw_unit_base(GW_DIM_NONE), "");
    assert_string_equal(gw_unit_base(GW_DIM_COUNT_), "");
    /* Every dimension has a non-NULL base name. */
    for (int d = 0; d < GW_DIM_COUNT_; d++)
        assert_non_null(gw_unit_base((gw_dim)d));
}

static const char *fmt(double v, const char *unit)
{
    static char buf[64];
    return gw_unit_format(v, unit, buf, sizeof buf);
}

static void test_format(void **state)
{
    (void)state;
    /* SI prefixes with three significant digits. */
    assert_string_equal(fmt(1.2e9, "W"), "1.2 GW");
    assert_string_equal(fmt(700.0, "W"), "700 W");
    assert_string_equal(fmt(0.0, "W"), "0 W");
    assert_string_equal(fmt(0.002, "W"), "2 mW");
    assert_string_equal(fmt(989.4e12, "FLOP/s"), "989 TFLOP/s");
    assert_string_equal(fmt(3.35e12, "B/s"), "3.35 TB/s");
    assert_string_equal(fmt(-5e6, "W"), "-5 MW");
    /* Times read in the largest unit that keeps the number >= 2. */
    assert_string_equal(fmt(90.0, "s"), "90 s");
    assert_string_equal(fmt(7200.0, "s"), "2 h");
    assert_string_equal(fmt(54.0 * 86400.0, "s"), "54 days");
    assert_string_equal(fmt(2.0 * 31557600.0, "s"), "2 years");
    assert_string_equal(fmt(5e-4, "s"), "500 us");
    /* Money with k/M/B/T, fractions as percent, areas in mm2. */
    assert_string_equal(fmt(25000.0, "USD"), "$25k");
    assert_string_equal(fmt(2.5e9, "USD"), "$2.5B");
    assert_string_equal(fmt(0.4, "frac"), "40.0%");
    assert_string_equal(fmt(814e-6, "m2"), "814 mm2");
    assert_string_equal(fmt(3.8e25, "FLOP"), "3.8e+25 FLOP");
    /* Plain counts in words up to trillions. */
    assert_string_equal(fmt(1e6, ""), "1 million");
    assert_string_equal(fmt(671e9, ""), "671 billion");
    assert_string_equal(fmt(15e12, ""), "15 trillion");
    assert_string_equal(fmt(42.0, ""), "42");
    assert_string_equal(fmt(0.5, ""), "0.5");
    /* Non-finite values. */
    assert_string_equal(fmt((double)NAN, "W"), "n/a");
    assert_string_equal(fmt((double)INFINITY, "s"), "unbounded");
    assert_string_equal(fmt(-(double)INFINITY, "s"), "-unbounded");
    assert_string_equal(fmt(5.0, NULL), "5");
}

static void test_format_truncates(void **state)
{
    (void)state;
    char buf[8];
    memset(buf, 'X', sizeof buf);
    /* "1.2 GW" needs 7 bytes; 4 give "1.2" and a NUL, and nothing past it. */
    assert_ptr_equal(gw_unit_format(1.2e9, "W", buf, 4), buf);
    assert_string_equal(buf, "1.2");
    assert_int_equal(buf[4], 'X');
    /* A zero-length buffer is left alone. */
    buf[0] = 'Q';
    gw_unit_format(1.0, "W", buf, 0);
    assert_int_equal(buf[0], 'Q');
    assert_null(gw_unit_format(1.0, "W", NULL, 8));
}

/* ---- Precisions ----------------------------------------------------------- */

static void test_precisions(void **state)
{
    (void)state;
    gw_precision p;
    assert_int_equal(gw_precision_parse("bf16", &p), GW_OK);
    assert_int_equal(p, GW_PREC_BF16);
    /* FP16 runs at the BF16 rate on every catalog chip, so it maps there. */
    assert_int_equal(gw_precision_parse("FP16", &p), GW_OK);
    assert_int_equal(p, GW_PREC_BF16);
    assert_int_equal(gw_precision_parse("FP8", &p), GW_OK); /* case-insensitive */
    assert_int_equal(p, GW_PREC_FP8);
    assert_int_equal(gw_precision_parse("fp12", &p), GW_EPARSE);
    assert_int_equal(gw_precision_parse("", &p), GW_EPARSE);
    assert_int_equal(gw_precision_parse(NULL, &p), GW_EINVAL);
    /* Names round-trip and bits are the operand widths. */
    static const int bits[GW_PREC_COUNT] = {64, 32, 16, 8, 6, 4, 8};
    for (int i = 0; i < GW_PREC_COUNT; i++) {
        assert_int_equal(gw_precision_parse(gw_precision_name((gw_precision)i), &p), GW_OK);
        assert_int_equal(p, i);
        assert_int_equal(gw_precision_bits((gw_precision)i), bits[i]);
    }
    assert_string_equal(gw_precision_name(GW_PREC_COUNT), "?");
    assert_int_equal(gw_precision_bits(GW_PREC_COUNT), 0);
}

/* ---- Strict numbers --------------------------------------------------------- */

static void test_strict_numbers(void **state)
{
    (void)state;
    double d;
    assert_int_equal(gw__parse_double("1.5", &d), GW_OK);
    assert_rel(d, 1.5);
    assert_int_equal(gw__parse_double("+.5", &d), GW_OK);
    assert_rel(d, 0.5);
    assert_int_equal(gw__parse_double("-3e2", &d), GW_OK);
    assert_rel(d, -300.0);
    /* Trailing text, leading spaces, inf/nan, overflow and "" are errors. */
    assert_int_equal(gw__parse_double("1.5x", &d), GW_EPARSE);
    assert_int_equal(gw__parse_double(" 1", &d), GW_EPARSE);
    assert_int_equal(gw__parse_double("inf", &d), GW_EPARSE);
    assert_int_equal(gw__parse_double("nan", &d), GW_EPARSE);
    assert_int_equal(gw__parse_double("1e400", &d), GW_EPARSE);
    assert_int_equal(gw__parse_double("", &d), GW_EPARSE);
    assert_int_equal(gw__parse_double(NULL, &d), GW_EPARSE);

    long long v;
    assert_int_equal(gw__parse_ll("42", &v), GW_OK);
    assert_int_equal(v, 42);
    assert_int_equal(gw__parse_ll("-7", &v), GW_OK);
    assert_int_equal(v, -7);
    assert_int_equal(gw__parse_ll("9223372036854775807", &v), GW_OK); /* LLONG_MAX */
    assert_true(v == INT64_MAX);
    assert_int_equal(gw__parse_ll("9223372036854775808", &v), GW_EPARSE); /* one past */
    assert_int_equal(gw__parse_ll("1.0", &v), GW_EPARSE);
    assert_int_equal(gw__parse_ll("0x10", &v), GW_EPARSE);
    assert_int_equal(gw__parse_double("0x10", &d), GW_EPARSE); /* strtod alone reads 16 */
    assert_int_equal(gw__parse_double("-0X1p3", &d), GW_EPARSE);
    assert_int_equal(gw__parse_ll("", &v), GW_EPARSE);

    assert_true(gw__streq_nocase("H100-SXM", "h100-sxm"));
    assert_false(gw__streq_nocase("h100", "h10"));
    assert_false(gw__streq_nocase("h10", "h100"));
    assert_false(gw__streq_nocase(NULL, "a"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_power_energy),
        cmocka_unit_test(test_parse_rejects_hex_and_outer_spaces),
        cmocka_unit_test(test_range_describe_exact),
        cmocka_unit_test(test_parse_time),
        cmocka_unit_test(test_parse_bytes_bandwidth),
        cmocka_unit_test(test_parse_compute_money_area),
        cmocka_unit_test(test_parse_counts_fractions),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_bad_arguments),
        cmocka_unit_test(test_parse_keeps_location),
        cmocka_unit_test(test_parse_overflow_not_infinite),
        cmocka_unit_test(test_unit_base),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_truncates),
        cmocka_unit_test(test_precisions),
        cmocka_unit_test(test_strict_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
