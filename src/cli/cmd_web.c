/* SPDX-License-Identifier: MIT */
/*
 * cmd_web.c: `gigawatt web [SCENARIO.yaml] [--port N] [--bind ADDR]`: a local
 * what-if page served with libmicrohttpd (docs/CLI.md, "web").
 *
 *   GET  /             the page (src/cli/web_page.html, embedded at build)
 *   GET  /api/info     {"version", "scenario", "report"}
 *   GET  /api/catalog  the document of `gigawatt catalog --json`
 *   POST /api/run      body {"cluster.gpus": 200000, ...}: the document of
 *                      `gigawatt run [SCENARIO] --json --set cluster.gpus=200000 ...`
 *   POST /api/report   the same overrides: the HTML of `gigawatt report`
 *                      (when this build has that command)
 *
 * Every plan runs in-process through gw_cli_invoke (invoke.c), the path of the
 * program and of the Python binding, with in-memory streams: a value the
 * CLI rejects gets HTTP 400 with the one line the CLI prints for it.
 *
 * Threads: libmicrohttpd runs one thread per connection
 * (MHD_USE_THREAD_PER_CONNECTION), so a slow request (a large plan, a client
 * sending its body slowly) never holds up another. gw_cli_invoke is safe to
 * call from several threads at once: each call has its own context, catalog,
 * scenario and document, the library keeps no mutable global state (its one
 * process-wide setting, GSL's error handler, is made once through
 * call_once in src/core/ctx.c), and the streams are the request's own. The
 * only state shared here is read-only after start-up (the options) plus one
 * atomic request counter. So nothing is serialised.
 *
 * Limits: request bodies up to --max-body bytes (413 beyond), at most
 * --max-connections connections at once (further ones are refused by the
 * library), idle connections closed after WEB_IDLE_TIMEOUT_S. There is no
 * authentication: it binds 127.0.0.1 unless --bind says otherwise.
 *
 * Built without libmicrohttpd (no GW_HAVE_MHD), the command says so and
 * exits 2; its --help is the same either way.
 */
#define _XOPEN_SOURCE 700 /* open_memstream */
#include "cli.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WEB_DEFAULT_PORT            8765
#define WEB_DEFAULT_MAX_BODY        65536 /* bytes: 64 overrides fit many times over */
#define WEB_DEFAULT_MAX_CONNECTIONS 256   /* one thread each */
#define WEB_IDLE_TIMEOUT_S          60u   /* an idle connection is closed after this */

static void help(void)
{
    printf("usage: gigawatt web [SCENARIO.yaml] [--port N] [--bind ADDR] [--max-body BYTES]\n"
           "                    [--max-connections N] [--set KEY=VALUE ...] [--data DIR]\n\n"
           "Serves a local what-if page: controls for the main scenario keys (GPU count,\n"
           "accelerator, model, batch, prices, failure rates) that re-run the plan of\n"
           "`gigawatt run` in-process through a JSON API and redraw the headline.\n"
           "Stops on Ctrl-C. No authentication: it listens on 127.0.0.1 unless --bind says\n"
           "otherwise (docs/CLI.md, \"web\": the API and the security note).\n\n"
           "options:\n"
           "  --port N             TCP port (default %d; 0: a free port, printed)\n"
           "  --bind ADDR          IPv4 address to listen on (default 127.0.0.1)\n"
           "  --max-body BYTES     largest request body accepted (default %d; 413 beyond)\n"
           "  --max-connections N  connections served at once, a thread each (default %d)\n"
           "  --set KEY=VALUE      a base override applied before each request's own\n"
           "  --data DIR           catalogs for every request (see 'gigawatt --help')\n\n"
           "API: POST /api/run with a JSON object of scenario overrides, e.g.\n"
           "  curl -d '{\"cluster.gpus\": 200000}' http://127.0.0.1:%d/api/run\n"
           "answers the document of `gigawatt run --json --set cluster.gpus=200000`;\n"
           "a bad value gets 400 and {\"error\": \"<the CLI's message>\"}.\n",
           WEB_DEFAULT_PORT, WEB_DEFAULT_MAX_BODY, WEB_DEFAULT_MAX_CONNECTIONS, WEB_DEFAULT_PORT);
}

/* The server's options: set before it starts, read-only while it runs. */
typedef struct web_opts {
    const char *scenario; /* SCENARIO.yaml or NULL (the built-in default) */
    const char *bind;     /* "127.0.0.1" */
    long long port;
    long long max_body;
    long long max_conns;
    gw_cli *cli; /* --data, --set, --threads: copied into each run */
} web_opts;

#ifdef GW_HAVE_MHD
/* ---- One command in-process ------------------------------------------------ */

typedef struct run_out {
    int rc;    /* gw_cli_invoke's exit status; -1: could not run */
    char *out; /* stdout of the command (malloc'd) */
    size_t out_len;
    char *err; /* stderr of the command (malloc'd) */
    size_t err_len;
} run_out;

static void run_out_free(run_out *r)
{
    free(r->out); /* checksrc:allow */
    free(r->err); /* checksrc:allow */
    memset(r, 0, sizeof *r);
}

/* gw_cli_invoke takes char ** as main does; it does not write to the strings. */
static char *arg(const char *s)
{
    return (char *)(uintptr_t)s;
}

/* Runs `gigawatt CMD [SCENARIO] [--data DIR] [--threads N] --set BASE...
 * --set REQ... EXTRA...` with in-memory streams (open_memstream). */
static void run_cmd(const web_opts *w, const char *cmd, bool with_scenario,
                    const gw_cli_web_body *o, const char *const *extra, run_out *r)
{
    memset(r, 0, sizeof *r);
    r->rc = -1;
    enum { MAX_ARGS = 16 + 4 * GW_CLI_MAX_SETS };
    char *argv[MAX_ARGS + 1];
    int argc = 0;
    char threads[32];
    argv[argc++] = arg("gigawatt");
    argv[argc++] = arg(cmd);
    if (with_scenario && w->scenario)
        argv[argc++] = arg(w->scenario);
    if (w->cli->data_dir) {
        argv[argc++] = arg("--data");
        argv[argc++] = arg(w->cli->data_dir);
    }
    if (w->cli->threads > 0) {
        snprintf(threads, sizeof threads, "%d", w->cli->threads);
        argv[argc++] = arg("--threads");
        argv[argc++] = threads;
    }
    for (size_t i = 0; with_scenario && i < w->cli->n_sets; i++) {
        argv[argc++] = arg("--set");
        argv[argc++] = arg(w->cli->sets[i]);
    }
    for (size_t i = 0; o && i < o->n; i++) {
        argv[argc++] = arg("--set");
        argv[argc++] = o->sets[i];
    }
    for (; extra && *extra && argc < MAX_ARGS; extra++)
        argv[argc++] = arg(*extra);
    argv[argc] = NULL;

    FILE *out = open_memstream(&r->out, &r->out_len);
    FILE *err = open_memstream(&r->err, &r->err_len);
    if (out && err)
        r->rc = gw_cli_invoke(argc, argv, out, err, NULL);
    if (out)
        fclose(out);
    if (err)
        fclose(err);
}

/* The line the CLI printed for the error: the last line of its messages
 * that is not a note or a warning (those come before it). */
static void error_line(const run_out *r, char *buf, size_t n)
{
    snprintf(buf, n, "gigawatt: the command failed without a message");
    if (!r->err)
        return;
    const char *p = r->err;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        bool diag =
            strncmp(p, "gigawatt: note: ", 16) == 0 || strncmp(p, "gigawatt: warning: ", 19) == 0;
        if (len && !diag)
            snprintf(buf, n, "%.*s", (int)len, p);
        p += len + (nl ? 1 : 0);
    }
}

#include <arpa/inet.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdatomic.h>
#include <unistd.h>

/* The page, from src/cli/web_page.html (tools/embed_page.cmake). */
extern const unsigned char gw_cli_web_page[];
extern const size_t gw_cli_web_page_len;

/* Per connection: the body read so far. */
typedef struct web_req {
    char *body;
    size_t len;
    bool too_big;
} web_req;

static atomic_ulong n_requests;
static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static enum MHD_Result send_buf(struct MHD_Connection *con, unsigned status, const char *type,
                                const void *data, size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)(uintptr_t)data, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    /* Everything is inline and the page talks only to this server: the
     * browser refuses any other request (and framing by another site).
     * 'unsafe-eval': the report, shown in an iframe srcdoc that inherits
     * this policy, runs Vega, which compiles its expressions with Function
     * (docs/REPORT.md). */
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
                            "style-src 'unsafe-inline'; img-src data:; connect-src 'self'; "
                            "frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; "
                            "form-action 'none'");
    enum MHD_Result ret = MHD_queue_response(con, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* {"error": msg} with the status. */
static enum MHD_Result send_error(struct MHD_Connection *con, unsigned status, const char *msg)
{
    gw_cli_sbuf b = {0};
    gw_cli_sb_puts(&b, "{\"error\": ");
    gw_cli_sb_json_str(&b, msg);
    gw_cli_sb_puts(&b, "}\n");
    enum MHD_Result ret = b.oom ? MHD_NO : send_buf(con, status, "application/json", b.p, b.len);
    free(b.p); /* checksrc:allow */
    return ret;
}

static bool report_available;

static enum MHD_Result api_plan(const web_opts *w, struct MHD_Connection *con, const web_req *rq,
                                bool report)
{
    gw_cli_web_body o = {0};
    char msg[400];
    if (!gw_cli_web_body_parse(rq->body ? rq->body : "", rq->len, &o, msg, sizeof msg)) {
        char line[440];
        snprintf(line, sizeof line, "gigawatt web: %s", msg);
        return send_error(con, 400, line);
    }
    run_out r;
    if (report) {
        const char *extra[] = {"-o", "-", NULL};
        run_cmd(w, "report", true, &o, extra, &r);
    } else {
        const char *extra[] = {"--json", "--quiet", NULL};
        run_cmd(w, "run", true, &o, extra, &r);
    }
    gw_cli_web_body_free(&o);
    enum MHD_Result ret;
    if (r.rc == 0) {
        ret = send_buf(con, 200, report ? "text/html; charset=utf-8" : "application/json",
                       r.out ? r.out : "", r.out_len);
    } else if (r.rc < 0) {
        ret = send_error(con, 500, "gigawatt web: out of memory");
    } else {
        char line[1200];
        error_line(&r, line, sizeof line);
        ret = send_error(con, r.rc == 2 ? 400 : 500, line);
    }
    run_out_free(&r);
    return ret;
}

static enum MHD_Result api_info(const web_opts *w, struct MHD_Connection *con)
{
    gw_cli_sbuf b = {0};
    gw_cli_sb_puts(&b, "{\"version\": ");
    gw_cli_sb_json_str(&b, GW_VERSION_STRING);
    gw_cli_sb_puts(&b, ", \"scenario\": ");
    gw_cli_sb_json_str(&b, w->scenario ? w->scenario : "(built-in default)");
    gw_cli_sb_puts(&b, report_available ? ", \"report\": true" : ", \"report\": false");
    char lim[96];
    snprintf(lim, sizeof lim, ", \"max_body\": %lld, \"max_connections\": %lld}\n", w->max_body,
             w->max_conns);
    gw_cli_sb_puts(&b, lim);
    enum MHD_Result ret = b.oom ? MHD_NO : send_buf(con, 200, "application/json", b.p, b.len);
    free(b.p); /* checksrc:allow */
    return ret;
}

static enum MHD_Result api_catalog(const web_opts *w, struct MHD_Connection *con)
{
    run_out r;
    const char *extra[] = {"--json", NULL};
    run_cmd(w, "catalog", false, NULL, extra, &r);
    enum MHD_Result ret;
    if (r.rc == 0) {
        ret = send_buf(con, 200, "application/json", r.out ? r.out : "", r.out_len);
    } else {
        char line[1200];
        error_line(&r, line, sizeof line);
        ret = send_error(con, r.rc == 2 ? 400 : 500, line);
    }
    run_out_free(&r);
    return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *con, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    const web_opts *w = cls;
    web_req *rq = *con_cls;
    bool post = strcmp(method, "POST") == 0;
    if (!rq) {
        rq = calloc(1, sizeof *rq); /* checksrc:allow */
        if (!rq)
            return MHD_NO;
        *con_cls = rq;
        atomic_fetch_add(&n_requests, 1);
        /* A declared length over the limit is refused before any is read. */
        const char *cl =
            MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (post && cl && strtoull(cl, NULL, 10) > (unsigned long long)w->max_body)
            rq->too_big = true;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!rq->too_big && rq->len + *upload_size <= (size_t)w->max_body) {
            char *p = realloc(rq->body, rq->len + *upload_size + 1); /* checksrc:allow */
            if (!p)
                return MHD_NO;
            memcpy(p + rq->len, upload, *upload_size);
            rq->len += *upload_size;
            p[rq->len] = '\0';
            rq->body = p;
        } else {
            rq->too_big = true;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (rq->too_big) {
        char msg[160];
        snprintf(msg, sizeof msg, "gigawatt web: request body over %lld bytes (--max-body)",
                 w->max_body);
        return send_error(con, 413, msg);
    }
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0) {
        if (!get)
            return send_error(con, 405, "gigawatt web: use GET for the page");
        return send_buf(con, 200, "text/html; charset=utf-8", gw_cli_web_page, gw_cli_web_page_len);
    }
    if (strcmp(url, "/api/info") == 0)
        return get ? api_info(w, con) : send_error(con, 405, "gigawatt web: use GET");
    if (strcmp(url, "/api/catalog") == 0)
        return get ? api_catalog(w, con) : send_error(con, 405, "gigawatt web: use GET");
    if (strcmp(url, "/api/run") == 0)
        return post ? api_plan(w, con, rq, false)
                    : send_error(con, 405, "gigawatt web: use POST with a JSON object");
    if (strcmp(url, "/api/report") == 0) {
        if (!report_available)
            return send_error(con, 404, "gigawatt web: this build has no `gigawatt report`");
        return post ? api_plan(w, con, rq, true)
                    : send_error(con, 405, "gigawatt web: use POST with a JSON object");
    }
    return send_error(con, 404, "gigawatt web: no such page");
}

static void request_done(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)con;
    (void)toe;
    web_req *rq = *con_cls;
    if (rq) {
        free(rq->body); /* checksrc:allow */
        free(rq);       /* checksrc:allow */
        *con_cls = NULL;
    }
}

static int serve(gw_cli *cli, web_opts *w)
{
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)w->port);
    if (inet_pton(AF_INET, w->bind, &addr.sin_addr) != 1)
        return gw_cli_usage_error(cli,
                                  "--bind: expected an IPv4 address such as 127.0.0.1, got "
                                  "\"%s\"",
                                  w->bind);
    /* The scenario is loaded once up front, so a bad file or --set is the
     * usual exit-2 error rather than a 400 on every request. */
    run_out r;
    run_cmd(w, "run", true, NULL, (const char *const[]){"--json", "--quiet", NULL}, &r);
    if (r.rc != 0) {
        char line[1200];
        error_line(&r, line, sizeof line);
        fprintf(gw_cli_errf(cli), "%s\n", line);
        int rc = r.rc < 0 ? 1 : r.rc;
        run_out_free(&r);
        return rc;
    }
    run_out_free(&r);
    report_available = gw_cli_has_command("report");

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
        (uint16_t)w->port, NULL, NULL, handle, w, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)w->max_conns, MHD_OPTION_CONNECTION_TIMEOUT,
        WEB_IDLE_TIMEOUT_S, MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_END);
    if (!d) {
        fprintf(gw_cli_errf(cli), "%s web: cannot listen on %s:%lld: %s\n", cli->prog, w->bind,
                w->port, errno ? strerror(errno) : "libmicrohttpd failed to start");
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : (unsigned)w->port;
    FILE *out = cli->out ? cli->out : stdout;
    fprintf(out, "gigawatt web: serving %s on http://%s:%u/ (Ctrl-C stops)\n",
            w->scenario ? w->scenario : "the built-in default scenario", w->bind, port);
    fflush(out);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    while (!stop_flag)
        pause();
    MHD_stop_daemon(d);
    fprintf(out, "gigawatt web: stopped after %lu requests\n", atomic_load(&n_requests));
    return 0;
}
#endif /* GW_HAVE_MHD */

int gw_cmd_web(gw_cli *cli, int argc, char **argv)
{
    web_opts w;
    memset(&w, 0, sizeof w);
    w.bind = "127.0.0.1";
    w.port = WEB_DEFAULT_PORT;
    w.max_body = WEB_DEFAULT_MAX_BODY;
    w.max_conns = WEB_DEFAULT_MAX_CONNECTIONS;
    w.cli = cli;
    for (int i = 0; i < argc; i++) {
        if (gw_cli_is_help(argv[i])) {
            help();
            return 0;
        }
        int c = gw_cli_common_opt(cli, argc, argv, &i);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        const char *v;
        long long *slot = NULL, lo = 0, hi = 0;
        const char *flag = NULL;
        if (gw_cli_is_opt(argv[i], "--port")) {
            slot = &w.port, lo = 0, hi = 65535, flag = "--port";
        } else if (gw_cli_is_opt(argv[i], "--max-body")) {
            slot = &w.max_body, lo = 1, hi = 1LL << 30, flag = "--max-body";
        } else if (gw_cli_is_opt(argv[i], "--max-connections")) {
            slot = &w.max_conns, lo = 1, hi = 65536, flag = "--max-connections";
        } else if (gw_cli_is_opt(argv[i], "--bind")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            w.bind = v;
            continue;
        }
        if (slot) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)) ||
                !gw_cli_parse_int(cli, flag, v, lo, hi, slot))
                return 2;
            continue;
        }
        if (gw_cli_positional(cli, argv[i], &w.scenario) != 0)
            return 2;
    }
    if (cli->json || cli->csv || cli->output)
        return gw_cli_usage_error(cli, "--json, --csv and -o do not apply (the API answers JSON)");
#ifdef GW_HAVE_MHD
    return serve(cli, &w);
#else
    fprintf(gw_cli_errf(cli),
            "%s web: this gigawatt was built without libmicrohttpd (Debian: libmicrohttpd-dev); "
            "rebuild with it to serve the page\n",
            cli->prog);
    return 2;
#endif
}
