#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Browser test of `gigawatt web` in headless Chromium (Debian chromium,
chromium-driver, python3-selenium): the page loads with zero console errors
and makes no request outside the server; changing the GPU-count control
re-runs the plan and changes the headline; a bad value shows the CLI's
message. Saves screenshots (SHOTDIR/web-*.png) as CI artefacts.

Exit 77 (skip) when a tool is missing or the program has no server.
Usage: browser_test.py path/to/gigawatt SHOTDIR
"""
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webtest  # noqa: E402

failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


def find_tool(*names):
    for n in names:
        p = shutil.which(n) or (n if os.access(n, os.X_OK) else None)
        if p:
            return p
    return None


def main():
    binary = webtest.binary_from_argv()
    shots = sys.argv[2] if len(sys.argv) > 2 else "."
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
        from selenium.common.exceptions import StaleElementReferenceException
    except ImportError:
        webtest.skip("python3-selenium is not installed")
    chromium = find_tool("chromium", "/usr/bin/chromium", "chromium-browser", "google-chrome")
    driver_bin = find_tool("chromedriver", "/usr/bin/chromedriver")
    if not chromium or not driver_bin:
        webtest.skip("chromium and chromium-driver are not installed")

    srv = webtest.Server(binary)
    os.makedirs(shots, exist_ok=True)
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1280,1000", "--no-first-run", "--disable-extensions",
              "--disable-background-networking", "--disable-component-update"]:
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = None
    try:
        drv = webdriver.Chrome(service=Service(driver_bin), options=opts)
        drv.set_page_load_timeout(60)
        drv.get(srv.url)
        # The page replaces the headline's elements when a plan comes back,
        # so an element read between two polls may be gone: poll again.
        wait = WebDriverWait(drv, 120, poll_frequency=0.2,
                             ignored_exceptions=(StaleElementReferenceException,))
        wait.until(lambda d: d.find_elements(By.ID, "h-gpus")
                   and "plan run" in d.find_element(By.ID, "status").text)
        head0 = drv.find_element(By.ID, "headline").text
        gpus0 = drv.find_element(By.ID, "h-gpus").text
        check(gpus0.replace(",", "").isdigit(), "the headline shows the GPU count (%s)" % gpus0)
        n_accel = len(drv.find_elements(By.CSS_SELECTOR, "#accelerator option"))
        check(n_accel > 3, "the accelerator list is filled from the catalog (%d options)" % n_accel)
        drv.save_screenshot(os.path.join(shots, "web-initial.png"))

        report = drv.execute_script("return !document.getElementById('report-section').hidden")
        if report:
            # The report of the same overrides, drawn in the iframe.
            drv.switch_to.default_content()
            wait.until(lambda d: (d.find_element(By.ID, "report").get_attribute("srcdoc") or "") != "")
            frame = drv.find_element(By.ID, "report")
            drv.switch_to.frame(frame)
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "svg, canvas"))
            n_marks = len(drv.find_elements(By.CSS_SELECTOR, "svg, canvas"))
            drv.switch_to.default_content()
            report0 = drv.find_element(By.ID, "report").get_attribute("srcdoc")
            check(n_marks > 0, "the report is drawn in the page (%d charts)" % n_marks)
        else:
            print("note: this build has no `gigawatt report`; the page shows no report")

        # Change the GPU-count control as a user would: type a new value.
        box = drv.find_element(By.ID, "gpus")
        box.clear()
        box.send_keys("20000")
        t0 = time.monotonic()
        wait.until(lambda d: d.find_element(By.ID, "h-gpus").text.replace(",", "") == "20000"
                   and "plan run" in d.find_element(By.ID, "status").text)
        head1 = drv.find_element(By.ID, "headline").text
        check(head1 != head0, "changing GPUs to 20000 changes the headline (%.2f s)"
              % (time.monotonic() - t0))
        check("20,000" in head1, "the new headline shows 20,000 GPUs")
        if report:
            wait.until(lambda d: d.find_element(By.ID, "report").get_attribute("srcdoc") != report0)
            report1 = drv.find_element(By.ID, "report").get_attribute("srcdoc")
            check(report1 != report0 and "20000" in report1.replace(",", ""),
                  "the report is redrawn for 20000 GPUs")
        drv.save_screenshot(os.path.join(shots, "web-20000-gpus.png"))

        # A bad value: the CLI's message, the last good headline kept.
        box.clear()
        box.send_keys("abc")
        wait.until(lambda d: d.find_element(By.ID, "error").text)
        err = drv.find_element(By.ID, "error").text
        check(err.startswith("gigawatt: --set cluster.gpus:"), "a bad value shows the CLI's message (%s)" % err)
        drv.save_screenshot(os.path.join(shots, "web-bad-value.png"))

        # Only this server was asked for anything.
        urls = drv.execute_script(
            "return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
        outside = [u for u in urls if not u.startswith(srv.url)]
        check(not outside, "no request outside the server (%d requests; outside: %s)"
              % (len(urls), outside))
        logs = drv.get_log("browser")
        errors = [e for e in logs if e.get("level") == "SEVERE"
                  and "/api/run" not in e.get("message", "")]
        # The one 400 answer above is logged by Chrome as a failed resource
        # load; anything else is a real error.
        check(not errors, "zero console errors (%s)" % errors)
        bad400 = [e for e in logs if e.get("level") == "SEVERE" and "/api/run" in e.get("message", "")]
        check(len(bad400) <= 1, "only the deliberate 400 is logged (%d)" % len(bad400))
    finally:
        if drv:
            drv.quit()
        rc, _, err = srv.stop()
    check(rc == 0, "the server stops with status 0 (%s)" % err[-300:])
    print("screenshots in %s" % os.path.abspath(shots))
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
