/* SPDX-License-Identifier: MIT */
/*
 * error.c: status names, the error record and its compiler-style formatting.
 * The innermost code that knows a location fills it; outer layers may add
 * context but never overwrite a more precise location (STYLE.md section 3).
 */
#include <gigawatt/core.h>

#include <stdio.h>
#include <string.h>

#include "core/core_internal.h"

static const struct {
    const char *name;
    const char *text;
} status_table[] = {
    [GW_OK] = {"GW_OK", "success"},
    [GW_ENOMEM] = {"GW_ENOMEM", "out of memory"},
    [GW_EINVAL] = {"GW_EINVAL", "invalid argument"},
    [GW_EIO] = {"GW_EIO", "input/output error"},
    [GW_EPARSE] = {"GW_EPARSE", "input is not well-formed"},
    [GW_ESCHEMA] = {"GW_ESCHEMA", "input does not match the schema"},
    [GW_EUNIT] = {"GW_EUNIT", "missing or wrong unit"},
    [GW_ERANGE] = {"GW_ERANGE", "value out of range"},
    [GW_ENOTFOUND] = {"GW_ENOTFOUND", "not found in the catalog"},
    [GW_EINFEASIBLE] = {"GW_EINFEASIBLE", "no feasible configuration"},
    [GW_ECANCELED] = {"GW_ECANCELED", "canceled"},
    [GW_EINTERNAL] = {"GW_EINTERNAL", "internal error (a gigawatt bug)"},
    [GW_EUSAGE] = {"GW_EUSAGE", "usage error"},
};

#define N_STATUS (sizeof status_table / sizeof status_table[0])

const char *gw_status_name(gw_status s)
{
    if ((size_t)s < N_STATUS)
        return status_table[s].name;
    return "GW_E?";
}

const char *gw_status_str(gw_status s)
{
    if ((size_t)s < N_STATUS)
        return status_table[s].text;
    return "unknown status";
}

int gw_status_exit_code(gw_status s)
{
    switch (s) {
    case GW_OK:
        return 0;
    case GW_EPARSE:
    case GW_ESCHEMA:
    case GW_EUNIT:
    case GW_ERANGE:
    case GW_ENOTFOUND:
    case GW_EUSAGE:
    case GW_EINFEASIBLE:
        return 2;
    case GW_EIO:
    case GW_ENOMEM:
    case GW_EINVAL:
    case GW_ECANCELED:
    case GW_EINTERNAL:
        return 1;
    }
    return 1;
}

/* Appends printf-style text at *used, never overflowing buf. */
static void append(char *buf, size_t n, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t n, size_t *used, const char *fmt, ...)
{
    if (*used + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *used, n - *used, fmt, ap);
    va_end(ap);
    if (w < 0)
        return;
    *used += (size_t)w < n - *used ? (size_t)w : n - *used - 1;
}

char *gw_error_format(const gw_error *err, char *buf, size_t buf_len)
{
    if (!buf || buf_len == 0)
        return buf;
    buf[0] = '\0';
    if (!err)
        return buf;
    size_t used = 0;
    if (err->path[0]) {
        if (err->line > 0 && err->column > 0)
            append(buf, buf_len, &used, "%s:%d:%d: ", err->path, err->line, err->column);
        else if (err->line > 0)
            append(buf, buf_len, &used, "%s:%d: ", err->path, err->line);
        else
            append(buf, buf_len, &used, "%s: ", err->path);
    }
    if (err->where[0])
        append(buf, buf_len, &used, "%s: ", err->where);
    append(buf, buf_len, &used, "%s", err->msg[0] ? err->msg : gw_status_str(err->code));
    return buf;
}

void gw__strlcpy(char *dst, const char *src, size_t n)
{
    if (!dst || n == 0)
        return;
    if (!src)
        src = "";
    size_t len = strlen(src);
    if (len >= n)
        len = n - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

void gw__snprintf(char *dst, size_t n, const char *fmt, ...)
{
    if (!dst || n == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(dst, n, fmt, ap);
    va_end(ap);
    if (r < 0)
        dst[0] = '\0';
}

gw_status gw__err(gw_error *err, gw_status code, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    if (r < 0)
        err->msg[0] = '\0';
    /* One line, whatever input text was echoed into it ("got \"1\n2\""). */
    for (char *c = err->msg; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = ' ';
    return code;
}

void gw__err_loc(gw_error *err, const char *path, int line, int column, const char *where)
{
    if (!err)
        return;
    if (err->line > 0)
        return; /* a more precise location is already there */
    if (path)
        gw__strlcpy(err->path, path, sizeof err->path);
    err->line = line;
    err->column = column;
    if (where && !err->where[0])
        gw__strlcpy(err->where, where, sizeof err->where);
}

void gw__err_clear(gw_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

gw_status gw__err_internal(gw_error *err, const char *file, int line)
{
    return gw__err(err, GW_EINTERNAL, "internal check failed at %s:%d", file, line);
}
