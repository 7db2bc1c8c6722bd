#!/usr/bin/env python3
"""The search page of `kosearch http` in headless Chromium: type a query,
submit, see the passage with the words highlighted, follow "did you mean"
and the next page, and search again with scripts turned off.
Drives Debian's chromium through chromedriver's WebDriver protocol (plain
HTTP, no client library) and keeps a screenshot in the build folder.

Usage: http_browser_test.py PATH/TO/kosearch SOURCE_ROOT SCREENSHOT.png
Skipped (exit 77) when chromium or chromedriver is not installed."""
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

kosearch, root, screenshot = sys.argv[1:4]
SKIP = 77
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C WebDriver element key

chromium = shutil.which("chromium") or shutil.which("chromium-browser")
chromedriver = shutil.which("chromedriver")
if not chromium or not chromedriver:
    print("SKIP: chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")
    sys.exit(SKIP)
# Debian's /usr/bin/chromium is a wrapper script; chromedriver wants the program.
if os.path.exists("/usr/lib/chromium/chromium"):
    chromium = "/usr/lib/chromium/chromium"

passed = failed = 0


def check(description, condition):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {description}", file=sys.stderr)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, probe, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = probe()
        except RuntimeError:  # asked while the browser loads the next page
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


class WebDriver:
    def __init__(self, base):
        self.base = base
        self.session = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response)["value"]
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{method} {path}: {error.read().decode(errors='replace')[:300]}")

    def start(self, args):
        options = {"binary": chromium, "args": args}
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}}
        self.session = "/session/" + self.call("POST", "/session", caps)["sessionId"]

    def go(self, url):
        self.call("POST", self.session + "/url", {"url": url})

    def find(self, css):
        found = self.call("POST", self.session + "/elements", {"using": "css selector", "value": css})
        return [item[ELEMENT] for item in found]

    def type(self, element, text):
        self.call("POST", f"{self.session}/element/{element}/value", {"text": text})

    def click(self, element):
        self.call("POST", f"{self.session}/element/{element}/click", {})

    def script(self, code):
        return self.call("POST", self.session + "/execute/sync", {"script": code, "args": []})

    def screenshot(self, path):
        with open(path, "wb") as out:
            out.write(base64.b64decode(self.call("GET", self.session + "/screenshot")))

    def text(self, element):
        return self.call("GET", f"{self.session}/element/{element}/text")

    def stop(self):
        if self.session:
            try:
                self.call("DELETE", self.session)
            except Exception:
                pass
            self.session = None


HITS_SCRIPT = """
return [...document.querySelectorAll('article.hit')].map(hit => ({
  section: (hit.querySelector('.section') || {}).textContent || '',
  marks: [...hit.querySelectorAll('mark')].map(m => m.textContent),
  markColor: hit.querySelector('mark') ? getComputedStyle(hit.querySelector('mark')).backgroundColor : ''
}));"""

work = tempfile.mkdtemp()
env = dict(os.environ, KOSEARCH_DB=os.path.join(work, "db"))
processes = []
driver = None
try:
    subprocess.run([kosearch, "index", "corpus/"], cwd=root, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = open(os.path.join(work, "server.log"), "w+")
    server = subprocess.Popen([kosearch, "http", "--host", "127.0.0.1", "--port", "0", "--quiet"],
                              env=env, stderr=log)
    processes.append(server)

    def server_url():
        log.seek(0)
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)/", log.read())
        return found and found.group(1)

    base = wait_for("the server", server_url)

    driver_port = free_port()
    processes.append(subprocess.Popen([chromedriver, f"--port={driver_port}"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    driver = WebDriver(f"http://127.0.0.1:{driver_port}")

    def driver_ready():
        try:
            return driver.call("GET", "/status").get("ready")
        except Exception:
            return False

    wait_for("chromedriver", driver_ready)
    driver.start(["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--window-size=1100,760", "--lang=ko-KR", f"--user-data-dir={work}/profile"])

    driver.go(base + "/")
    box = driver.find("input[name=q]")
    check("the page has a search box", len(box) == 1)
    driver.type(box[0], "깔끔이봉사단")
    driver.click(driver.find("button[type=submit]")[0])
    hits = wait_for("highlighted hits", lambda: [h for h in driver.script(HITS_SCRIPT) if h["marks"]])
    check("the first hit is the cleaning section (청소 분야)", "청소 분야" in hits[0]["section"])
    check("the words are highlighted", "깔끔이봉사단" in hits[0]["marks"])
    check("a highlight has a background colour",
          hits[0]["markColor"] not in ("", "rgba(0, 0, 0, 0)", "transparent"))
    status = driver.script("return document.getElementById('status').textContent")
    check("the page says how many passages were found", "건" in status)
    check("the address holds the query, for bookmarks and the back button",
          "q=%EA%B9%94%EB%81%94%EC%9D%B4%EB%B4%89%EC%82%AC%EB%8B%A8" in driver.script("return location.search"))
    driver.screenshot(screenshot)
    check("a screenshot is kept", os.path.getsize(screenshot) > 10000)

    # "Did you mean": a near miss offers the indexed word as a link.
    driver.go(base + "/?q=%EA%B5%AC%EB%A1%9C%EA%B3%A0")
    notice = wait_for("the suggestion", lambda: driver.find("#suggestion a"))
    check("a near miss offers 구로구", driver.script(
        "return document.querySelector('#suggestion a').textContent") == "구로구")
    driver.click(notice[0])
    wait_for("the suggested search", lambda: driver.script(
        "return document.getElementById('q').value") == "구로구")
    check("following the suggestion searches it", "%EA%B5%AC%EB%A1%9C%EA%B5%AC" in
          driver.script("return location.search"))

    # Paging: the second page starts at the eleventh passage.
    driver.go(base + "/?q=%EA%B5%AC%EB%A1%9C%EA%B5%AC")
    wait_for("the page links", lambda: driver.find("#pages a"))
    driver.click(driver.find("#pages a")[-1])
    wait_for("the second page", lambda: "11" in driver.script(
        "return document.getElementById('status').textContent"))
    check("the next page is the second", "offset=10" in driver.script("return location.search"))

    # Without JavaScript the server's page is the whole search.
    driver.stop()
    driver.start(["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--blink-settings=scriptEnabled=false", f"--user-data-dir={work}/profile2"])
    driver.go(base + "/")
    driver.type(wait_for("the search box", lambda: driver.find("input[name=q]"))[0], "깔끔이봉사단")
    driver.click(driver.find("button[type=submit]")[0])
    marks = wait_for("hits without scripts", lambda: driver.find("article.hit mark"))
    check("without JavaScript the search still finds and highlights",
          driver.text(marks[0]) == "깔끔이봉사단")
    # The page's script leaves empty filters out of the address: here they are in.
    check("scripts were really off", "since=&" in driver.call("GET", driver.session + "/url"))
except RuntimeError as error:
    failed += 1
    print(f"FAIL: {error}", file=sys.stderr)
finally:
    if driver:
        driver.stop()
    for process in processes:
        process.terminate()
        process.wait()
    shutil.rmtree(work, ignore_errors=True)

print(f"{passed} passed, {failed} failed; screenshot: {screenshot}")
sys.exit(1 if failed else 0)
