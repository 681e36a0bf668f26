/* SPDX-License-Identifier: MIT */
/*
 * fuzz_web_body.c: libFuzzer harness for the request body of `gigawatt
 * web` (POST /api/run, /api/report): gw_cli_web_body_parse in
 * src/cli/web_body.c, the flat JSON object of scenario overrides, then the
 * overrides it yields applied to the built-in default scenario as the
 * server's `gigawatt run --set ...` does (gw_scenario_load), without the
 * plan itself.
 *
 * Checked besides the sanitizers: a rejected body leaves no override and
 * a one-line message "request body:LINE:COL: ..." with the position inside
 * the body, or "--set KEY: ..." for a config.json path; an accepted body
 * gives at most GW_CLI_MAX_SETS + 1 "KEY=VALUE" strings with a non-empty
 * key, and no value naming a .json file; loading them fails only with an
 * input error located at "--set ..." (no file position), never a bug.
 *
 * Build: make fuzz (clang, -DGW_FUZZ=ON); CMakeLists.txt compiles
 * src/cli/web_body.c into this harness. The corpus in corpus/web_body/ is
 * replayed by ctest (fuzz_replay/web_body).
 */
#include "cli/cli.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The position in "request body:LINE:COL: " lies inside the body (or just
 * past its end). */
static void check_position(const char *msg, const uint8_t *data, size_t size)
{
    const char *p = msg + strlen("request body:");
    char *end = NULL;
    long line = strtol(p, &end, 10);
    if (end == p || *end != ':')
        abort();
    p = end + 1;
    long col = strtol(p, &end, 10);
    if (end == p || strncmp(end, ": ", 2) != 0 || end[2] == '\0')
        abort();
    long lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if (line < 1 || line > lines || col < 1 || (size_t)col > size + 1)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_cli_web_body o;
    memset(&o, 0, sizeof o);
    char msg[400];
    bool ok = gw_cli_web_body_parse((const char *)data, size, &o, msg, sizeof msg);
    if (!ok) {
        if (o.n != 0 || strchr(msg, '\n') != NULL)
            abort();
        if (strncmp(msg, "request body:", 13) == 0)
            check_position(msg, data, size);
        else if (strncmp(msg, "--set ", 6) != 0 || !strstr(msg, "config.json path"))
            abort();
        return 0;
    }
    if (o.n > GW_CLI_MAX_SETS + 1)
        abort();
    const char *sets[GW_CLI_MAX_SETS + 1];
    for (size_t i = 0; i < o.n; i++) {
        const char *eq = strchr(o.sets[i], '=');
        size_t n = strlen(o.sets[i]);
        if (!eq || eq == o.sets[i] || (n > 5 && strcmp(o.sets[i] + n - 5, ".json") == 0))
            abort();
        sets[i] = o.sets[i];
    }
    /* As `gigawatt run --set ...` loads them (the built-in scenario). */
    gw_ctx *ctx = gw_ctx_new(NULL, NULL);
    if (!ctx)
        abort();
    gw_scenario *sc = (gw_scenario *)(uintptr_t)1; /* must be reset to NULL on failure */
    gw_error err;
    memset(&err, 0, sizeof err);
    gw_status rc = gw_scenario_load(ctx, NULL, sets, o.n, &sc, &err);
    char line[1024];
    gw_error_format(&err, line, sizeof line);
    if (rc != GW_OK) {
        if (sc != NULL || err.code != rc || err.msg[0] == '\0' || rc == GW_EINTERNAL ||
            rc == GW_EINVAL)
            abort();
        /* The override is named: no file position, "--set KEY" as where. */
        if (rc != GW_ENOMEM && (err.path[0] != '\0' || strncmp(err.where, "--set", 5) != 0))
            abort();
    } else {
        gw_scenario_free(sc);
    }
    gw_ctx_free(ctx);
    gw_cli_web_body_free(&o);
    return 0;
}
