/* SPDX-License-Identifier: MIT */
/*
 * html.c: the self-contained HTML report renderer (gw_report_html).
 *
 * Renders a gw_doc whose root holds a "charts" array (built by the plan
 * layer, gw_plan_charts, or by the sweep reader of the CLI) plus, when
 * present, "headline" (a key figures table) and "notes". Each chart is an
 * object describing WHAT to draw, not how (see docs/REPORT.md):
 *   id, title, caption              text
 *   mark                            "bar" (stacked by color), "line", "point"
 *   x, y, color, facet, label       field names of the data rows (color,
 *                                   facet, label optional)
 *   x_type, y_type                  Vega-Lite types (default: quantitative)
 *   x_title, y_title                axis titles
 *   x_log, y_log                    log scales
 *   highlight                       a boolean field: rows drawn as a marker
 *   rules                           [{axis: "x"|"y", value, label}] lines
 *   data                            array of row objects
 * This file turns each into a Vega-Lite spec with the data inlined, a
 * caption and a <details><table> of the data. The vega, vega-lite and
 * vega-embed builds (third_party/vega/, embedded into the binary at build
 * time) are inlined so the page makes no network request; a CSP meta tag
 * (default-src 'none') makes the browser refuse any that slipped in.
 */
#include <gigawatt/report.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"

typedef struct html_out {
    FILE *f;
    gw_status st;
} html_out;

static void put(html_out *o, const char *s)
{
    if (o->st == GW_OK && fputs(s, o->f) == EOF)
        o->st = GW_EIO;
}

static void putn(html_out *o, const char *s, size_t n)
{
    if (o->st == GW_OK && n > 0 && fwrite(s, 1, n, o->f) != n)
        o->st = GW_EIO;
}

/* Text into HTML element content or a quoted attribute. */
static void put_text(html_out *o, const char *s)
{
    for (; s && *s && o->st == GW_OK; s++) {
        switch (*s) {
        case '&':
            put(o, "&amp;");
            break;
        case '<':
            put(o, "&lt;");
            break;
        case '>':
            put(o, "&gt;");
            break;
        case '"':
            put(o, "&quot;");
            break;
        default:
            putn(o, s, 1);
        }
    }
}

/* A JSON string safe inside <script>: '<', '>' and '&' as \u escapes. */
static void put_jstr(html_out *o, const char *s)
{
    put(o, "\"");
    for (; s && *s && o->st == GW_OK; s++) {
        unsigned char c = (unsigned char)*s;
        char buf[8];
        if (c == '"' || c == '\\') {
            buf[0] = '\\';
            buf[1] = (char)c;
            putn(o, buf, 2);
        } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            snprintf(buf, sizeof buf, "\\u%04x", c);
            put(o, buf);
        } else {
            putn(o, s, 1);
        }
    }
    put(o, "\"");
}

static void put_jnum(html_out *o, double v)
{
    char buf[40];
    if (!isfinite(v)) {
        put(o, "null");
        return;
    }
    put(o, gw__report_fmt_double(v, buf, sizeof buf));
}

static const char *str_of(const gw_doc_node *o, const char *key)
{
    const gw_doc_node *n = gw__report_child(o, key);
    return n && n->kind == GW_D_STR ? n->str : NULL;
}

static bool bool_of(const gw_doc_node *o, const char *key)
{
    const gw_doc_node *n = gw__report_child(o, key);
    return n && n->kind == GW_D_BOOL && n->b;
}

/* One scalar as a JSON value (rows are flat: containers become null). */
static void put_jvalue(html_out *o, const gw_doc_node *n)
{
    switch (n->kind) {
    case GW_D_NUM:
        put_jnum(o, n->num);
        break;
    case GW_D_INT: {
        char buf[32];
        snprintf(buf, sizeof buf, "%" PRId64, n->i);
        put(o, buf);
        break;
    }
    case GW_D_STR:
        put_jstr(o, n->str);
        break;
    case GW_D_BOOL:
        put(o, n->b ? "true" : "false");
        break;
    default:
        put(o, "null");
    }
}

static void put_rows(html_out *o, const gw_doc_node *data)
{
    put(o, "[");
    for (const gw_doc_node *r = data ? data->first : NULL; r; r = r->next) {
        put(o, r == data->first ? "{" : ",{");
        for (const gw_doc_node *c = r->first; c; c = c->next) {
            if (c != r->first)
                put(o, ",");
            put_jstr(o, c->key);
            put(o, ":");
            put_jvalue(o, c);
        }
        put(o, "}");
    }
    put(o, "]");
}

/* Largest |value| of field over the chart's data rows (0: none). */
static double max_abs(const gw_doc_node *c, const char *field)
{
    const gw_doc_node *data = gw__report_child(c, "data");
    double m = 0;
    for (const gw_doc_node *r = data ? data->first : NULL; field && r; r = r->next) {
        const gw_doc_node *v = gw__report_child(r, field);
        double x = v ? fabs(gw_doc_node_num(v)) : 0;
        m = isfinite(x) && x > m ? x : m;
    }
    return m;
}

/* Axis labels with SI prefixes ("2G", "60k") from this magnitude on. */
#define HTML_SI_AXIS_FROM 1e5

/* An encoding channel {"field": f, "type": t, "title": ..., scale}. si:
 * SI-prefixed axis labels. */
static void put_channel(html_out *o, const char *name, const char *field, const char *type,
                        const char *title, bool log, bool keep_order, bool si)
{
    put_jstr(o, name);
    put(o, ":{\"field\":");
    put_jstr(o, field);
    put(o, ",\"type\":");
    put_jstr(o, type ? type : "quantitative");
    if (title) {
        put(o, ",\"title\":");
        put_jstr(o, title);
    }
    if (log)
        put(o, ",\"scale\":{\"type\":\"log\"}");
    if (keep_order)
        put(o, ",\"sort\":null");
    if (si)
        put(o, ",\"axis\":{\"format\":\"~s\"}");
    put(o, "}");
}

static void put_xy(html_out *o, const gw_doc_node *c)
{
    const char *xt = str_of(c, "x_type"), *yt = str_of(c, "y_type");
    bool x_nominal = xt && (strcmp(xt, "nominal") == 0 || strcmp(xt, "ordinal") == 0);
    put_channel(o, "x", str_of(c, "x"), xt, str_of(c, "x_title"), bool_of(c, "x_log"), x_nominal,
                !x_nominal && max_abs(c, str_of(c, "x")) >= HTML_SI_AXIS_FROM);
    put(o, ",");
    /* stacked bars reach the sum of a stack: size the labels by the sum */
    put_channel(o, "y", str_of(c, "y"), yt, str_of(c, "y_title"), bool_of(c, "y_log"), false,
                max_abs(c, str_of(c, "y")) >= HTML_SI_AXIS_FROM / 10);
}

/* The layers of one chart: main mark, highlight, labels, rules. */
static void put_layers(html_out *o, const gw_doc_node *c)
{
    const char *mark = str_of(c, "mark");
    const char *color = str_of(c, "color");
    const char *hl = str_of(c, "highlight");
    const char *label = str_of(c, "label");
    put(o, "\"layer\":[{\"mark\":{\"type\":");
    put_jstr(o, mark ? mark : "point");
    if (mark && strcmp(mark, "point") == 0)
        put(o, ",\"filled\":true,\"size\":60");
    put(o, ",\"tooltip\":{\"content\":\"data\"}},\"encoding\":{");
    put_xy(o, c);
    if (color) {
        put(o, ",");
        put_channel(o, "color", color, "nominal", str_of(c, "color_title"), false, true, false);
    }
    put(o, "}}");
    if (hl) {
        put(o, ",{\"transform\":[{\"filter\":{\"field\":");
        put_jstr(o, hl);
        put(o, ",\"equal\":true}}],\"mark\":{\"type\":\"point\",\"shape\":\"diamond\","
               "\"filled\":true,\"size\":160,\"color\":\"#d62728\"},\"encoding\":{");
        put_xy(o, c);
        put(o, "}}");
    }
    if (label) {
        put(o, ",{\"mark\":{\"type\":\"text\",\"align\":\"left\",\"dx\":5,\"fontSize\":9},"
               "\"encoding\":{");
        put_xy(o, c);
        put(o, ",\"text\":{\"field\":");
        put_jstr(o, label);
        put(o, "}}}");
    }
    const gw_doc_node *rules = gw__report_child(c, "rules");
    for (const gw_doc_node *r = rules ? rules->first : NULL; r; r = r->next) {
        const char *axis = str_of(r, "axis");
        const gw_doc_node *v = gw__report_child(r, "value");
        if (!axis || !v)
            continue;
        bool is_x = strcmp(axis, "x") == 0;
        put(o, ",{\"mark\":{\"type\":\"rule\",\"strokeDash\":[4,3],\"color\":\"#666\"},"
               "\"encoding\":{");
        put(o, is_x ? "\"x\":{\"datum\":" : "\"y\":{\"datum\":");
        put_jnum(o, gw_doc_node_num(v));
        put(o, "}}}");
        const char *text = str_of(r, "label");
        if (text) {
            put(o, ",{\"mark\":{\"type\":\"text\",\"color\":\"#666\",\"fontSize\":9,");
            put(o, is_x ? "\"angle\":270,\"align\":\"left\",\"baseline\":\"bottom\",\"dy\":-2,"
                          "\"y\":0},\"encoding\":{\"x\":{\"datum\":"
                        : "\"align\":\"left\",\"baseline\":\"bottom\",\"x\":2},"
                          "\"encoding\":{\"y\":{\"datum\":");
            put_jnum(o, gw_doc_node_num(v));
            put(o, "},\"text\":{\"value\":");
            put_jstr(o, text);
            put(o, "}}}");
        }
    }
    put(o, "]");
}

/* The Vega-Lite spec of chart c with its data inlined. */
static void put_spec(html_out *o, const gw_doc_node *c)
{
    const char *facet = str_of(c, "facet");
    put(o, "{\"data\":{\"values\":");
    put_rows(o, gw__report_child(c, "data"));
    put(o, "},");
    if (facet) {
        put(o, "\"facet\":{\"row\":{\"field\":");
        put_jstr(o, facet);
        put(o, ",\"type\":\"nominal\",\"sort\":null,\"title\":null}},"
               "\"resolve\":{\"scale\":{\"y\":\"independent\"}},"
               "\"spec\":{\"width\":560,\"height\":150,");
        put_layers(o, c);
        put(o, "}}");
    } else {
        put(o, "\"width\":560,\"height\":280,");
        put_layers(o, c);
        put(o, "}");
    }
}

/* Marks the browser test expects of the main layer: one bar or point per
 * row with a finite y, one line per (facet, color) series. */
static size_t expected_marks(const gw_doc_node *c)
{
    const gw_doc_node *data = gw__report_child(c, "data");
    const char *mark = str_of(c, "mark");
    const char *y = str_of(c, "y");
    bool line = mark && strcmp(mark, "line") == 0;
    const char *keys[2] = {str_of(c, "facet"), str_of(c, "color")};
    size_t n = 0;
    for (const gw_doc_node *r = data ? data->first : NULL; r; r = r->next) {
        const gw_doc_node *yv = y ? gw__report_child(r, y) : NULL;
        if (!yv || !isfinite(gw_doc_node_num(yv)))
            continue;
        if (!line) {
            n++;
            continue;
        }
        /* a new series unless an earlier row with a finite y shares it */
        bool seen = false;
        for (const gw_doc_node *p = data->first; p != r && !seen; p = p->next) {
            const gw_doc_node *py = gw__report_child(p, y);
            if (!py || !isfinite(gw_doc_node_num(py)))
                continue;
            bool same = true;
            for (int k = 0; k < 2; k++) {
                if (!keys[k])
                    continue;
                const char *a = str_of(r, keys[k]), *b = str_of(p, keys[k]);
                same = same && a && b && strcmp(a, b) == 0;
            }
            seen = same;
        }
        n += !seen;
    }
    return n;
}

static void put_cell(html_out *o, const gw_doc_node *n)
{
    char buf[64];
    switch (n->kind) {
    case GW_D_NUM:
        if (!isfinite(n->num))
            put(o, "n/a");
        else if (n->unit && n->unit[0])
            put_text(o, gw_unit_format(n->num, n->unit, buf, sizeof buf));
        else
            put(o, gw__report_fmt_double(n->num, buf, sizeof buf));
        break;
    case GW_D_INT:
        snprintf(buf, sizeof buf, "%" PRId64, n->i);
        put(o, buf);
        break;
    case GW_D_STR:
        put_text(o, n->str);
        break;
    case GW_D_BOOL:
        put(o, n->b ? "yes" : "no");
        break;
    default:
        break;
    }
}

static void put_table(html_out *o, const gw_doc_node *data)
{
    const gw_doc_node *first = data ? data->first : NULL;
    put(o, "<details><summary>Data table</summary><table><thead><tr>");
    for (const gw_doc_node *c = first ? first->first : NULL; c; c = c->next) {
        put(o, "<th>");
        put_text(o, gw__report_label(c));
        put(o, "</th>");
    }
    put(o, "</tr></thead><tbody>\n");
    for (const gw_doc_node *r = first; r; r = r->next) {
        put(o, "<tr>");
        for (const gw_doc_node *c = r->first; c; c = c->next) {
            put(o, c->kind == GW_D_STR ? "<td>" : "<td class=n>");
            put_cell(o, c);
            put(o, "</td>");
        }
        put(o, "</tr>\n");
    }
    put(o, "</tbody></table></details>\n");
}

/* Headline: a two-column table of the scalars of the "headline" object. */
static void put_headline(html_out *o, const gw_doc_node *hl)
{
    if (!hl || hl->kind != GW_D_OBJ)
        return;
    put(o, "<table class=headline id=headline><tbody>\n");
    for (const gw_doc_node *c = hl->first; c; c = c->next) {
        if (c->kind == GW_D_OBJ || c->kind == GW_D_ARR)
            continue;
        put(o, "<tr><th>");
        put_text(o, gw__report_label(c));
        put(o, "</th><td>");
        put_cell(o, c);
        if (c->kind == GW_D_NUM && c->has_range && isfinite(c->lo) && isfinite(c->hi)) {
            char a[48], b[48], pct[16];
            put(o, " (");
            put_text(o, gw_unit_format(c->lo, c->unit, a, sizeof a));
            put(o, " – ");
            put_text(o, gw_unit_format(c->hi, c->unit, b, sizeof b));
            snprintf(pct, sizeof pct, ", %.0f%%)", 100.0 * c->level);
            put(o, pct);
        }
        put(o, "</td></tr>\n");
    }
    put(o, "</tbody></table>\n");
}

/* An embedded third_party file, without its trailing source-map comment
 * (the map is not shipped; a browser with devtools open would fetch it). */
static bool put_embedded_js(html_out *o, const char *rel)
{
    for (size_t i = 0; i < gw__n_embedded_files; i++) {
        if (strcmp(gw__embedded_files[i].path, rel) != 0)
            continue;
        const char *s = (const char *)gw__embedded_files[i].data;
        size_t n = gw__embedded_files[i].len;
        const char *sm = strstr(s, "//# sourceMappingURL=");
        if (sm)
            n = (size_t)(sm - s);
        putn(o, s, n);
        put(o, "\n");
        return true;
    }
    return false;
}

static const char *const style_css =
    "body{font:14px/1.45 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;"
    "color:#222}h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid "
    "#ddd}table{border-collapse:collapse;font-size:12px}td,th{padding:2px 8px;border-bottom:1px "
    "solid #eee;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".caption{color:#444;font-size:13px}.headline th{font-weight:normal;color:#555}"
    "details{margin:.5em 0}summary{cursor:pointer;color:#1f77b4}.notes li{font-size:12px;"
    "color:#555}\n";

gw_status gw_report_html(const gw_doc *doc, FILE *out)
{
    if (!doc || !out)
        return GW_EINVAL;
    gw_status ds = gw_doc_status(doc);
    if (ds != GW_OK)
        return ds;
    html_out o = {out, GW_OK};
    const gw_doc_node *root = doc->root;
    const char *title = str_of(root, "title");
    if (!title)
        title = "gigawatt report";
    put(&o, "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
            "img-src data:\">\n<meta name=viewport content=\"width=device-width\">\n<title>");
    put_text(&o, title);
    put(&o, "</title>\n<style>");
    put(&o, style_css);
    put(&o, "</style></head><body>\n<h1>");
    put_text(&o, title);
    put(&o, "</h1>\n");
    const char *sub = str_of(root, "subtitle");
    if (sub) {
        put(&o, "<p>");
        put_text(&o, sub);
        put(&o, "</p>\n");
    }
    put_headline(&o, gw__report_child(root, "headline"));

    const gw_doc_node *charts = gw__report_child(root, "charts");
    size_t k = 0;
    for (const gw_doc_node *c = charts ? charts->first : NULL; c; c = c->next, k++) {
        char buf[96];
        const char *id = str_of(c, "id");
        put(&o, "<section class=chart-section><h2>");
        put_text(&o, str_of(c, "title"));
        put(&o, "</h2>\n<div class=chart id=\"chart-");
        put_text(&o, id ? id : "x");
        snprintf(buf, sizeof buf, "\" data-spec=\"spec-%zu\" data-mark=\"", k);
        put(&o, buf);
        put_text(&o, str_of(c, "mark"));
        snprintf(buf, sizeof buf, "\" data-marks=\"%zu\"></div>\n<p class=caption>",
                 expected_marks(c));
        put(&o, buf);
        put_text(&o, str_of(c, "caption"));
        put(&o, "</p>\n");
        put_table(&o, gw__report_child(c, "data"));
        snprintf(buf, sizeof buf, "<script type=\"application/json\" id=\"spec-%zu\">", k);
        put(&o, buf);
        put_spec(&o, c);
        put(&o, "</script></section>\n");
    }

    const gw_doc_node *notes = gw__report_child(root, "notes");
    if (notes && notes->n > 0) {
        put(&o, "<h2>Notes</h2><ul class=notes>\n");
        for (const gw_doc_node *n = notes->first; n; n = n->next) {
            put(&o, "<li>");
            put_text(&o, n->str);
            put(&o, "</li>\n");
        }
        put(&o, "</ul>\n");
    }
    put(&o, "<p class=caption>Made by gigawatt; charts by Vega-Lite (vega 6.4.0, vega-lite "
            "6.5.0, vega-embed 7.3.0, BSD-3-Clause, inlined).</p>\n<script>\n");
    if (!put_embedded_js(&o, "third_party/vega/vega.min.js") ||
        !put_embedded_js(&o, "third_party/vega/vega-lite.min.js") ||
        !put_embedded_js(&o, "third_party/vega/vega-embed.min.js"))
        return GW_ENOTFOUND;
    put(&o, "</script>\n<script>\n"
            "window.gwRendered=0;window.gwFailed=0;\n"
            "document.querySelectorAll('div.chart').forEach(function(el){\n"
            "  var spec=JSON.parse(document.getElementById(el.dataset.spec).textContent);\n"
            "  vegaEmbed(el,spec,{renderer:'svg',actions:false}).then(function(){\n"
            "    el.dataset.rendered='1';window.gwRendered++;})\n"
            "  .catch(function(e){window.gwFailed++;console.error(e);});\n"
            "});\n</script>\n</body></html>\n");
    if (o.st == GW_OK && fflush(out) != 0)
        o.st = GW_EIO;
    return o.st;
}
