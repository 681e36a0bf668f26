/* SPDX-License-Identifier: MIT */
/*
 * test_core_suggest.c: "did you mean" (src/core/suggest.c). Each expected
 * suggestion is worked out by hand from the optimal-string-alignment
 * distance (insert, delete, substitute, swap two adjacent characters: 1
 * each) and the limits: 2 edits, 1 for 3-character names, none for shorter
 * ones; else a completion of a prefix of at least 3 characters.
 */
#include <gigawatt/gigawatt.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/core_internal.h"

static const char *suggest(const char *name, const char *const *cands, char *buf, size_t n)
{
    gw__suggest s;
    gw__suggest_init(&s, name);
    for (; *cands; cands++)
        gw__suggest_add(&s, *cands);
    return gw__suggest_text(&s, buf, n);
}

static void test_distances(void **state)
{
    (void)state;
    char b[128];
    const char *keys[] = {"accelerator", "system", "gpus", "nic", "switch", NULL};
    /* One insertion. */
    assert_string_equal(suggest("gpu", keys, b, sizeof b), "; did you mean \"gpus\"?");
    /* One transposition ("ys" for "sy"): 1, not 2 as in plain Levenshtein. */
    assert_string_equal(suggest("ssytem", keys, b, sizeof b), "; did you mean \"system\"?");
    /* Two edits (a deletion and a substitution) on a long name. */
    assert_string_equal(suggest("acelerater", keys, b, sizeof b),
                        "; did you mean \"accelerator\"?");
    /* Three edits: too far. */
    assert_string_equal(suggest("swtchxx", keys, b, sizeof b), "");
    /* Case is ignored, as in catalog look-ups. */
    assert_string_equal(suggest("GPUS_", keys, b, sizeof b), "; did you mean \"gpus\"?");
    /* Short names: "nc" is one edit from "nic", but two-letter guesses
     * would match anything, so none. */
    assert_string_equal(suggest("nc", keys, b, sizeof b), "");
    /* A prefix of at least 3 characters completes to the shortest name. */
    const char *chips[] = {"h100-sxm", "h100-sxm-nvl", "h200-sxm", NULL};
    assert_string_equal(suggest("h100-s", chips, b, sizeof b), "; did you mean \"h100-sxm\"?");
    /* An edit beats a completion: "h200-sx" is 1 from "h200-sxm". */
    assert_string_equal(suggest("h200-sx", chips, b, sizeof b), "; did you mean \"h200-sxm\"?");
    /* The exact name is never suggested. */
    assert_string_equal(suggest("gpus", keys, b, sizeof b), "");
}

static void test_ties(void **state)
{
    (void)state;
    char b[128];
    /* "fp3" is one substitution from each of fp8, fp6 and fp4. */
    const char *precs[] = {"fp64", "tf32", "bf16", "fp16", "fp8", "fp6", "fp4", "int8", NULL};
    assert_string_equal(suggest("fp3", precs, b, sizeof b),
                        "; did you mean \"fp8\", \"fp6\" or \"fp4\"?");
    /* Two equally close; a repeated candidate (a name and its alias) once. */
    const char *two[] = {"abcx", "abcy", "abcx", NULL};
    assert_string_equal(suggest("abcz", two, b, sizeof b), "; did you mean \"abcx\" or \"abcy\"?");
    /* Four equally close: no guess. */
    const char *four[] = {"abcw", "abcx", "abcy", "abcv", NULL};
    assert_string_equal(suggest("abcz", four, b, sizeof b), "");
    /* A closer one offered later replaces a tie: "abcxy" and "abcyx" are
     * 2 from "abcde", "abcdf" is 1. */
    const char *later[] = {"abcxy", "abcyx", "abcdf", NULL};
    assert_string_equal(suggest("abcde", later, b, sizeof b), "; did you mean \"abcdf\"?");
    /* Over-long names are not compared. */
    char big[100];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    const char *bigs[] = {big, NULL};
    assert_string_equal(suggest(big + 1, bigs, b, sizeof b), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distances),
        cmocka_unit_test(test_ties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
