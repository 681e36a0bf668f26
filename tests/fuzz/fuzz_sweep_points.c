/* SPDX-License-Identifier: MIT */
/*
 * fuzz_sweep_points.c: libFuzzer harness for the --points FILE of
 * `gigawatt sweep` (gw_cli_points_parse in src/cli/sweep_points.c): a
 * header line of scenario keys, then one row of comma-separated values per
 * point. The input is the file's text.
 *
 * Checked besides the sanitizers: a rejected file leaves nothing and a
 * one-line message "LINE:COL: ..." or "LINE: ..." whose line exists in the
 * input (or "no points ..."); an accepted one has 1 to
 * GW_CLI_POINTS_MAX_KEYS distinct, non-empty keys and n_points rows of
 * exactly n_keys values, none holding a comma or a line end, and a column
 * marked numeric only when each of its values reads as a number.
 *
 * Build: make fuzz (clang, -DGW_FUZZ=ON); CMakeLists.txt compiles
 * src/cli/sweep_points.c into this harness. The corpus in
 * corpus/sweep_points/ is replayed by ctest (fuzz_replay/sweep_points).
 */
#include "cli/cli.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_cli_points p;
    char msg[300];
    bool ok = gw_cli_points_parse((const char *)data, size, &p, msg, sizeof msg);
    if (!ok) {
        if (p.cells || p.n_points || p.n_keys || !msg[0] || strchr(msg, '\n'))
            abort();
        if (strncmp(msg, "no points", 9) != 0) {
            char *end = NULL;
            unsigned long line = strtoul(msg, &end, 10);
            size_t lines = 1;
            for (size_t i = 0; i < size; i++)
                lines += data[i] == '\n';
            if (end == msg || *end != ':' || line < 1 || line > lines)
                abort();
        }
        return 0;
    }
    if (p.n_keys < 1 || p.n_keys > GW_CLI_POINTS_MAX_KEYS || p.n_points < 1 || !p.cells)
        abort();
    for (size_t k = 0; k < p.n_keys; k++) {
        if (!p.keys[k][0] || strchr(p.keys[k], ','))
            abort();
        for (size_t j = 0; j < k; j++) {
            if (strcmp(p.keys[j], p.keys[k]) == 0)
                abort();
        }
    }
    for (size_t k = 0; k < p.n_keys; k++) {
        bool all_num = true;
        for (size_t i = 0; i < p.n_points; i++) {
            const char *v = p.cells[i * p.n_keys + k];
            double num;
            if (!v || strpbrk(v, ",\n"))
                abort();
            all_num = all_num && gw_plan_sweep_value_num(v, &num);
        }
        if (all_num != p.numeric[k])
            abort();
    }
    gw_cli_points_free(&p);
    return 0;
}
