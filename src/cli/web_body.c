/* SPDX-License-Identifier: MIT */
/*
 * web_body.c: the request body of `gigawatt web`'s POST /api/run and
 * /api/report (cmd_web.c): a flat JSON object of scenario overrides,
 * {"cluster.gpus": 200000, "site.power": "300 MW"}, turned into the
 * "KEY=VALUE" strings of --set. Kept apart from cmd_web.c (and from
 * libmicrohttpd) so that tests/fuzz/fuzz_web_body.c fuzzes it in every
 * build. Also the growing string the server writes its JSON answers with.
 */
#include "cli.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- A growing string ------------------------------------------------------ */

void gw_cli_sb_putc(gw_cli_sbuf *b, char c)
{
    if (b->oom)
        return;
    if (b->len + 2 > b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        char *p = realloc(b->p, cap); /* checksrc:allow (CLI, not the library) */
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
}

void gw_cli_sb_puts(gw_cli_sbuf *b, const char *s)
{
    for (; *s; s++)
        gw_cli_sb_putc(b, *s);
}

void gw_cli_sb_json_str(gw_cli_sbuf *b, const char *s)
{
    gw_cli_sb_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            gw_cli_sb_putc(b, '\\');
            gw_cli_sb_putc(b, (char)c);
        } else if (c < 0x20 || c == 0x7f) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", c);
            gw_cli_sb_puts(b, esc);
        } else {
            gw_cli_sb_putc(b, (char)c);
        }
    }
    gw_cli_sb_putc(b, '"');
}

/* ---- The body ---------------------------------------------------------------- */

void gw_cli_web_body_free(gw_cli_web_body *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->sets[i]); /* checksrc:allow */
    o->n = 0;
}

typedef struct jparse {
    const char *body, *s, *end;
    char *msg;
    size_t msg_len;
    bool failed;
} jparse;

static void jws(jparse *j)
{
    while (j->s < j->end && (*j->s == ' ' || *j->s == '\t' || *j->s == '\n' || *j->s == '\r'))
        j->s++;
}

/* "request body:LINE:COL: what", the position of at (1-based; a column
 * counts bytes, as JSON parsers do). */
static bool jfail_at(jparse *j, const char *at, const char *what)
{
    if (j->failed)
        return false;
    j->failed = true;
    int line = 1, col = 1;
    for (const char *p = j->body; p < at && p < j->end; p++) {
        if (*p == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    snprintf(j->msg, j->msg_len, "request body:%d:%d: %s", line, col, what);
    return false;
}

static bool jfail(jparse *j, const char *what)
{
    return jfail_at(j, j->s, what);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A JSON string at j->s (at its opening quote) appended to b as UTF-8. */
static bool jstring(jparse *j, gw_cli_sbuf *b)
{
    const char *open = j->s;
    j->s++;
    while (j->s < j->end && *j->s != '"') {
        const char *at = j->s;
        unsigned char c = (unsigned char)*j->s++;
        if (c < 0x20)
            return jfail_at(j, at,
                            "control character in a string (write it as \\n, \\t, "
                            "\\u00XX)");
        if (c != '\\') {
            gw_cli_sb_putc(b, (char)c);
            continue;
        }
        if (j->s >= j->end)
            break;
        char e = *j->s++;
        const char *plain = strchr("\"\\/bfnrt", e);
        if (e && plain) {
            static const char out[] = "\"\\/\b\f\n\r\t";
            gw_cli_sb_putc(b, out[plain - "\"\\/bfnrt"]);
            continue;
        }
        if (e != 'u' || j->end - j->s < 4)
            return jfail_at(j, at,
                            "bad escape in a string (expected one of \\\" \\\\ \\/ \\b "
                            "\\f \\n \\r \\t \\uXXXX)");
        unsigned cp = 0;
        for (int k = 0; k < 4; k++) {
            int h = hexval(*j->s++);
            if (h < 0)
                return jfail_at(j, at, "bad \\u escape in a string (expected 4 hex digits)");
            cp = cp * 16u + (unsigned)h;
        }
        /* Scenario keys and values are ASCII or plain UTF-8 text: no NUL,
         * no surrogate pairs needed for anything in the catalogs. */
        if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
            return jfail_at(j, at,
                            "unsupported \\u escape in a string (\\u0000 and "
                            "surrogates are not accepted)");
        if (cp < 0x80) {
            gw_cli_sb_putc(b, (char)cp);
        } else if (cp < 0x800) {
            gw_cli_sb_putc(b, (char)(0xC0 | (cp >> 6)));
            gw_cli_sb_putc(b, (char)(0x80 | (cp & 0x3F)));
        } else {
            gw_cli_sb_putc(b, (char)(0xE0 | (cp >> 12)));
            gw_cli_sb_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
            gw_cli_sb_putc(b, (char)(0x80 | (cp & 0x3F)));
        }
    }
    if (j->s >= j->end)
        return jfail_at(j, open, "unterminated string (expected a closing '\"')");
    j->s++;
    return true;
}

/* A scalar value (string, number, true, false) appended to b as --set
 * would take it: numbers as written ("2e5" stays "2e5", so the scenario's
 * own parser and its messages judge it). */
static bool jvalue(jparse *j, gw_cli_sbuf *b)
{
    jws(j);
    if (j->s >= j->end)
        return jfail(j, "expected a value (a string, number or boolean)");
    if (*j->s == '"')
        return jstring(j, b);
    if (*j->s == '{' || *j->s == '[')
        return jfail(j, "values must be strings, numbers or booleans (a flat object of "
                        "\"section.key\": value)");
    if (j->end - j->s >= 4 && strncmp(j->s, "null", 4) == 0)
        return jfail(j, "null is not a value: leave the key out for its default");
    const char *start = j->s;
    while (j->s < j->end && *j->s && strchr("+-.0123456789eEtrufals", *j->s))
        j->s++;
    size_t n = (size_t)(j->s - start);
    bool word =
        (n == 4 && strncmp(start, "true", 4) == 0) || (n == 5 && strncmp(start, "false", 5) == 0);
    size_t digits = 0; /* the body need not be NUL-terminated: no strspn */
    while (digits < n && strchr("+-.0123456789eE", start[digits]))
        digits++;
    bool num = n > 0 && digits == n;
    if (!word && !num)
        return jfail_at(j, start, "expected a value (a string, number or boolean)");
    for (size_t k = 0; k < n; k++)
        gw_cli_sb_putc(b, start[k]);
    return true;
}

/* The one kind of value that names a file: a model's config.json path
 * (src/catalog/resolve.c imports any value ending in ".json"). A request
 * must not make the server read files, so it is refused. */
static bool names_a_file(const char *set, char *msg, size_t msg_len)
{
    const char *eq = strchr(set, '=');
    size_t n = eq ? strlen(eq) : 0;
    if (n > 5 && strcmp(eq + n - 5, ".json") == 0) {
        snprintf(msg, msg_len,
                 "--set %.*s: a config.json path is not accepted over HTTP (the server reads "
                 "no file a request names); use a catalog name",
                 (int)(eq - set), set);
        return true;
    }
    return false;
}

/* gw_cli_web_body_parse, which frees what this kept when it fails. */
static bool parse_body(const char *body, size_t len, gw_cli_web_body *o, char *msg, size_t msg_len)
{
    jparse jp = {body, body, body + len, msg, msg_len, false};
    jparse *j = &jp;
    o->n = 0;
    if (msg_len)
        msg[0] = '\0';
    const char *nul = memchr(body, '\0', len);
    if (nul)
        return jfail_at(j, nul, "NUL byte (expected JSON text)");
    jws(j);
    if (j->s >= j->end)
        return true; /* an empty body: no overrides */
    if (*j->s != '{')
        return jfail(j, "expected a JSON object of scenario overrides, e.g. "
                        "{\"cluster.gpus\": 200000}");
    j->s++;
    jws(j);
    if (j->s < j->end && *j->s == '}') {
        j->s++;
    } else {
        for (;;) {
            jws(j);
            if (j->s >= j->end || *j->s != '"')
                return jfail(j, "expected a key in double quotes");
            const char *key = j->s;
            gw_cli_sbuf b = {0};
            bool ok = jstring(j, &b);
            if (ok && (!b.p || !b.p[0] || strchr(b.p, '=')))
                ok = jfail_at(j, key,
                              "keys are scenario keys such as \"cluster.gpus\" (not "
                              "empty, no '=')");
            jws(j);
            if (ok && (j->s >= j->end || *j->s != ':'))
                ok = jfail(j, "expected ':' after a key");
            if (ok) {
                j->s++;
                gw_cli_sb_putc(&b, '=');
                ok = jvalue(j, &b);
            }
            if (ok && b.oom)
                ok = jfail_at(j, key, "out of memory");
            if (ok && o->n >= GW_CLI_MAX_SETS + 1) /* the CLI reports the first one over */
                ok = jfail_at(j, key, "too many overrides");
            if (!ok) {
                free(b.p); /* checksrc:allow */
                return false;
            }
            o->sets[o->n++] = b.p;
            jws(j);
            if (j->s < j->end && *j->s == ',') {
                j->s++;
                continue;
            }
            if (j->s < j->end && *j->s == '}') {
                j->s++;
                break;
            }
            return jfail(j, "expected ',' or '}'");
        }
    }
    jws(j);
    if (j->s != j->end)
        return jfail(j, "text after the object");
    for (size_t i = 0; i < o->n; i++) {
        if (names_a_file(o->sets[i], msg, msg_len))
            return false;
    }
    return true;
}

bool gw_cli_web_body_parse(const char *body, size_t len, gw_cli_web_body *o, char *msg,
                           size_t msg_len)
{
    bool ok = parse_body(body, len, o, msg, msg_len);
    if (!ok)
        gw_cli_web_body_free(o);
    return ok;
}
