#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Opens a gigawatt HTML report in headless Chromium (Debian's chromium and
chromium-driver, python3-selenium) and checks that it rendered offline:

  - no console errors or warnings of level SEVERE (goog:loggingPrefs browser log);
  - no network request other than the file itself (performance log:
    Network.requestWillBeSent), the page's CSP (default-src 'none') also
    refuses any;
  - every chart rendered: vega-embed resolved, its <div> holds an SVG, and the
    main mark layer has the number of marks the page announces (data-marks:
    one bar or point per data row, one path per line series);
  - saves a full-page screenshot (and one per chart with --charts DIR).

usage: check_report.py REPORT.html SCREENSHOT.png [--charts DIR]
Exit 0: all good; 1: a check failed; 77: the browser tooling is missing (skip).
"""
import json
import os
import shutil
import sys
import time


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    html, shot = os.path.abspath(sys.argv[1]), sys.argv[2]
    charts_dir = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--charts" else None
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        print("SKIP: python3-selenium is not installed (apt-get install python3-selenium)")
        return 77
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_bin = shutil.which("chromedriver")
    if not browser or not driver_bin:
        print("SKIP: chromium and chromium-driver are not installed")
        return 77
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1100,900", "--no-first-run", "--disable-extensions",
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--disable-default-apps"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    drv = webdriver.Chrome(service=Service(driver_bin), options=opts)
    failures = []
    try:
        url = "file://" + html
        drv.get(url)
        n_charts = len(drv.find_elements("css selector", "div.chart"))
        deadline = time.time() + 30
        while time.time() < deadline:
            done = drv.execute_script("return (window.gwRendered||0)+(window.gwFailed||0)")
            if done >= n_charts:
                break
            time.sleep(0.2)
        rendered = drv.execute_script("return window.gwRendered||0")
        if n_charts == 0:
            failures.append("no charts in the page")
        if rendered != n_charts:
            failures.append("%d of %d charts rendered" % (rendered, n_charts))
        for el in drv.find_elements("css selector", "div.chart"):
            cid = el.get_attribute("id")
            mark = el.get_attribute("data-mark")
            want = int(el.get_attribute("data-marks"))
            kind = {"bar": "rect", "line": "line", "point": "symbol"}[mark]
            # the main layer: the first mark group of that type in each cell
            got = drv.execute_script(
                """
                var el = arguments[0], kind = arguments[1];
                if (!el.querySelector('svg')) return -1;
                var n = 0;
                el.querySelectorAll('g.mark-' + kind + '.role-mark').forEach(function (g) {
                  var name = g.getAttribute('class');
                  if (/layer_0_marks|(^| )marks( |$)|child_marks/.test(name) &&
                      !/layer_[1-9]/.test(name))
                    n += g.querySelectorAll(':scope > path, :scope > line').length;
                });
                return n;""", el, kind)
            if got < 0:
                failures.append("%s: no SVG" % cid)
            elif got != want:
                failures.append("%s: %d %s marks, expected %d" % (cid, got, kind, want))
            else:
                print("ok %s: %d %s marks" % (cid, got, kind))
            if charts_dir:
                os.makedirs(charts_dir, exist_ok=True)
                el.screenshot(os.path.join(charts_dir, cid + ".png"))
        for entry in drv.get_log("browser"):
            if entry.get("level") in ("SEVERE", "WARNING"):
                failures.append("console %s: %s" % (entry["level"], entry["message"]))
        for entry in drv.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            if msg.get("method") == "Network.requestWillBeSent":
                req = msg["params"]["request"]["url"]
                if req != url and not req.startswith("data:"):
                    failures.append("network request: %s" % req)
        height = drv.execute_script("return document.body.scrollHeight")
        drv.set_window_size(1100, min(int(height) + 40, 12000))
        os.makedirs(os.path.dirname(os.path.abspath(shot)), exist_ok=True)
        drv.save_screenshot(shot)
    finally:
        drv.quit()
    for f in failures:
        print("FAIL " + f)
    if not failures:
        print("ok: %d charts rendered, no console errors, no network requests; screenshot %s"
              % (n_charts, shot))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
