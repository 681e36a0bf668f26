/* SPDX-License-Identifier: MIT */
/*
 * test_cli_progress.c: the progress bar's line (issue 10: it had no ETA).
 * The CLI's plumbing is compiled into this test (src/cli/cli.c) so that its
 * file-local formatter can be checked with chosen times: the remaining time
 * is the elapsed time scaled by the units left over the units done since
 * the operation's first report.
 */
#include "cli/cli.c"

#include <setjmp.h>
#include <stddef.h>

#include <cmocka.h>

static void line_eta(void **state)
{
    (void)state;
    char buf[160];
    /* Half of 100 units in 10 s from the start: 50 left at 5 units/s = 10 s. */
    progress_line(buf, sizeof buf, 50, 100, 0, 10.0);
    assert_string_equal(buf,
                        "[####################                    ]  50%  elapsed 10s  ETA 10s");
    /* First report at 20 units; 40 more in 20 s is 2 units/s; 40 left: 20 s. */
    progress_line(buf, sizeof buf, 60, 100, 20, 20.0);
    assert_string_equal(buf,
                        "[########################                ]  60%  elapsed 20s  ETA 20s");
    /* Nothing done since the first report: no rate yet. */
    progress_line(buf, sizeof buf, 20, 100, 20, 0.0);
    assert_string_equal(buf, "[########                                ]  20%  elapsed 0s  ETA --");
    /* 1 of 1000 in 187 s: 999 x 187 s = 186813 s = 2 d 3 h 53 min. */
    progress_line(buf, sizeof buf, 1, 1000, 0, 187.0);
    assert_string_equal(
        buf, "[                                        ]   0%  elapsed 3m07s  ETA 2d03h");
    /* Done: nothing left. */
    progress_line(buf, sizeof buf, 100, 100, 0, 3725.0);
    assert_string_equal(buf,
                        "[########################################] 100%  elapsed 1h02m  ETA 0s");
}

static void durations(void **state)
{
    (void)state;
    char buf[32];
    const struct {
        double s;
        const char *want;
    } cases[] = {{0.4, "0s"},        {59.4, "59s"},     {60.0, "1m00s"},
                 {3599.0, "59m59s"}, {3600.0, "1h00m"}, {86399.0, "23h59m"},
                 {86400.0, "1d00h"}, {-1.0, "--"},      {(double)NAN, "--"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        progress_dur(buf, sizeof buf, cases[i].s);
        assert_string_equal(buf, cases[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(line_eta),
        cmocka_unit_test(durations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
