#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Structural test of `gigawatt report` (no browser needed):
  - the page is self-contained: no <script src>, <link>, <img src=http>, iframe;
    the CSP meta tag is default-src 'none'; vega, vega-lite, vega-embed inlined;
  - every expected chart is there with a caption, a data table and a Vega-Lite
    spec whose inline data equals the chart series of `gigawatt report --json`;
  - figures in the chart data agree with `gigawatt run --json` for the same
    scenario (capex by component, the $/GPU-hour cases, the phases);
  - the headline table is present.
usage: check_structure.py GIGAWATT_BINARY WORKDIR
"""
import json
import os
import re
import subprocess
import sys
import time

EXPECTED = ["step", "memory", "goodput", "power", "phases", "cost", "range", "export"]


def fail(msg):
    print("FAIL " + msg)
    sys.exit(1)


def main():
    gw, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    page = os.path.join(work, "report-structure.html")
    t0 = time.monotonic()
    subprocess.run([gw, "report", "-o", page], check=True)
    print("gigawatt report (default scenario): %.2f s wall" % (time.monotonic() - t0))
    html = open(page, encoding="utf-8").read()
    doc = json.loads(subprocess.run([gw, "report", "--json"], check=True,
                                    capture_output=True, text=True).stdout)
    run = json.loads(subprocess.run([gw, "run", "--json"], check=True,
                                    capture_output=True, text=True).stdout)

    for bad in (r"<script[^>]*\ssrc=", r"<link\b", r"<iframe\b", r"<img[^>]*src=\"?http"):
        if re.search(bad, html, re.I):
            fail("external resource tag %s" % bad)
    if "default-src 'none'" not in html:
        fail("no CSP default-src 'none'")
    for lib in ('var n="6.5.0"', "vegaEmbed", "vega-embed"):
        if lib not in html:
            fail("charting library not inlined (%s missing)" % lib)
    if 'id=headline' not in html:
        fail("no headline table")

    charts = {c["id"]: c for c in doc["charts"]}
    if sorted(charts) != sorted(EXPECTED):
        fail("charts %s, expected %s" % (sorted(charts), sorted(EXPECTED)))
    for k, cid in enumerate(c["id"] for c in doc["charts"]):
        c = charts[cid]
        if 'id="chart-%s"' % cid not in html:
            fail("chart %s: no div" % cid)
        m = re.search(r'<script type="application/json" id="spec-%d">(.*?)</script>' % k, html,
                      re.S)
        if not m:
            fail("chart %s: no spec" % cid)
        spec = json.loads(m.group(1))
        if spec["data"]["values"] != c["data"] or not c["data"]:
            fail("chart %s: spec data differ from the chart series (or are empty)" % cid)
        if not c.get("caption") or c["caption"] not in html.replace("&amp;", "&"):
            fail("chart %s: no caption" % cid)
        section = html[html.index('id="chart-%s"' % cid):]
        section = section[:section.index("</section>")]
        if section.count("<tr>") != len(c["data"]) + 1:
            fail("chart %s: table has %d rows, data %d" % (cid, section.count("<tr>") - 1,
                                                           len(c["data"])))
    # the chart numbers are the modules' numbers
    cost = {r["component"]: r["usd"] for r in charts["cost"]["data"] if r["kind"] == "capex"}
    for comp in ("systems", "network", "facility"):
        if abs(cost[comp] - run["cost"]["capex"][comp + "_usd"]) > 1e-6 * abs(cost[comp]):
            fail("capex %s: chart %g, run %g" % (comp, cost[comp],
                                                  run["cost"]["capex"][comp + "_usd"]))
    gph = [r["usd"] for r in charts["range"]["data"] if r["metric"] == "$ per GPU-hour"]
    if gph != [c["usd_per_gpu_hour"] for c in run["cost"]["cases"]]:
        fail("$/GPU-hour cases differ from run --json")
    cur = [r for r in charts["goodput"]["data"] if r["current"] and r["metric"].startswith("goodput")]
    if len(cur) != 1 or abs(cur[0]["value"] - run["headline"]["goodput"]) > 1e-9:
        fail("goodput at the current size differs from the headline")
    gpus = [r["value"] for r in charts["phases"]["data"] if r["metric"] == "GPUs"]
    if gpus != [p["cum_gpus"] for p in run["site"]["phases"]]:
        fail("phases differ from run --json")
    step = sum(r["time_s"] for r in charts["step"]["data"] if r["config"].startswith("best"))
    if abs(step - run["train"]["best"]["step_time_s"]["value"]) > 0.02 * step:
        fail("best step parts sum to %g s, step time %g s" %
             (step, run["train"]["best"]["step_time_s"]["value"]))
    print("ok: %d charts with spec, data, caption and table; figures match run --json"
          % len(charts))


if __name__ == "__main__":
    main()
