"""End to end in a real headless Chromium (Debian's chromium and chromium-driver) over a
real server started on the seed corpus (the pictures in the README: on the demo corpus). Skipped, saying why, where Chromium is missing."""
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, SHARED

pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

_DBS: dict[str, str] = {}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def _serve(corpus: Path):
    import uvicorn

    from sitroom import pipeline
    from sitroom.api.app import create_app
    from sitroom.store.db import Store

    tmp = Path(tempfile.mkdtemp(prefix="sitroom-web-"))
    db = str(tmp / "s.db")
    assert pipeline.analyze([str(corpus)], Store(db), online=False).ok
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    _DBS[url] = db
    yield url
    srv.should_exit = True
    thread.join(5)
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def server():
    if not (SHARED / "seeds" / "corpus.jsonl").exists():
        pytest.skip("../shared/seeds is not beside the checkout")
    yield from _serve(SHARED / "seeds" / "corpus.jsonl")


@pytest.fixture(scope="module")
def demo_server():
    """The demo corpus of our own (demo/reports): what the README's pictures show."""
    yield from _serve(ROOT / "demo" / "reports")


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and DRIVER):
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium chromium-driver)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="sitroom-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,1000", f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def submit(browser, css: str) -> None:
    """Click a submit button and wait for the next page (a click returns before it loads)."""
    old = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, css).click()

    def next_page_loaded(driver) -> bool:
        try:
            old.tag_name  # still the old document
            return False
        except WebDriverException:  # stale, or "node does not belong to the document"
            return driver.execute_script("return document.readyState") == "complete"

    WebDriverWait(browser, 15, ignored_exceptions=(WebDriverException,)).until(next_page_loaded)


def map_count(browser) -> int:
    """Incidents the Leaflet map drew (it fetches them from the API after the page loads)."""
    WebDriverWait(browser, 15).until(
        lambda d: d.find_element(By.ID, "leaflet-map").get_attribute("data-count") is not None)
    return int(browser.find_element(By.ID, "leaflet-map").get_attribute("data-count"))


def test_map_shows_incidents_and_a_filter_narrows_them(server, browser):
    browser.get(server + "/")
    rows = browser.find_elements(By.CSS_SELECTOR, "#incidents tr.incident")
    assert map_count(browser) >= 5 and len(rows) >= 5
    # markers (alone or in clusters) and the bundled country outlines are on the map
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".marker-cluster, path.incident-marker"))
    WebDriverWait(browser, 15).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".leaflet-overlay-pane path")) > 50)
    total = map_count(browser)
    Select(browser.find_element(By.NAME, "event_type")).select_by_visible_text("Explosions/Remote violence")
    submit(browser, "form.filters button")
    narrowed = browser.find_elements(By.CSS_SELECTOR, "#incidents tr.incident")
    assert 0 < len(narrowed) < len(rows)
    assert 0 < map_count(browser) < total
    assert all("Shelling" in r.text or "strike" in r.text.lower() for r in narrowed)


def test_incident_page_highlights_its_sentences(server, browser):
    browser.get(server + "/")
    submit(browser, "#incidents tr.incident a")
    marks = browser.find_elements(By.CSS_SELECTOR, "#mentions mark.trigger")
    assert marks and all(m.text for m in marks)
    submit(browser, "#mentions a")
    assert browser.find_elements(By.CSS_SELECTOR, "#text mark.places")
    assert "SHA-256" in browser.find_element(By.ID, "meta").text


@pytest.fixture(scope="module")
def accounts(server):
    from sitroom.store.db import Store

    db = server_db(server)
    store = Store(db)
    store.add_user("ana", "analyst", "analyst-pass")
    store.add_user("vic", "viewer", "viewer-pass")


def server_db(url: str) -> str:
    return _DBS[url]


def log_in(browser, server, name, password):
    browser.delete_all_cookies()
    browser.get(server + "/login")
    browser.find_element(By.NAME, "name").send_keys(name)
    browser.find_element(By.NAME, "password").send_keys(password)
    submit(browser, "#login button")


def test_review_edit_persists_and_is_audited(server, browser, accounts):
    log_in(browser, server, "ana", "analyst-pass")
    browser.get(server + "/")
    link = browser.find_element(By.CSS_SELECTOR, "#incidents tr.incident a")
    href = link.get_attribute("href")
    submit(browser, "#incidents tr.incident a")
    Select(browser.find_element(By.NAME, "action")).select_by_visible_text("edit")
    browser.find_element(By.NAME, "label").send_keys("Checked against hospital lists")
    browser.find_element(By.NAME, "note").send_keys("two sources agree")
    submit(browser, "#review button")
    browser.get(href)  # a fresh load: the edit is stored, not just shown
    assert browser.find_element(By.TAG_NAME, "h1").text == "Checked against hospital lists"
    assert browser.find_element(By.ID, "review").text == "edited by ana"
    browser.get(server + "/audit")
    assert "ana" in browser.find_element(By.ID, "audit").text and "two sources agree" in browser.page_source


def test_a_viewers_edit_is_refused(server, browser, accounts):
    log_in(browser, server, "vic", "viewer-pass")
    browser.get(server + "/")
    submit(browser, "#incidents tr.incident a")
    before = browser.find_element(By.TAG_NAME, "h1").text
    Select(browser.find_element(By.NAME, "action")).select_by_visible_text("reject")
    submit(browser, "#review button")
    assert browser.find_element(By.ID, "error").text == "403"
    browser.back()
    browser.refresh()
    assert browser.find_element(By.TAG_NAME, "h1").text == before


def _incident_page(browser, server, want_two_articles: bool = False) -> str:
    """The address of an incident page (one reported by two articles, if asked)."""
    import json
    from urllib.request import urlopen

    incidents = json.loads(urlopen(server + "/api/incidents").read())
    inc = next(i for i in reversed(incidents) if len(i["articles"]) >= (2 if want_two_articles else 1))
    return server + f"/incidents/{inc['id']}"


def _record(browser, action: str, **fields) -> None:
    Select(browser.find_element(By.NAME, "action")).select_by_visible_text(action)
    form = browser.find_element(By.CSS_SELECTOR, "form#review")
    for name, value in fields.items():
        box = form.find_element(By.NAME, name)
        box.clear()
        box.send_keys(value)
    submit(browser, "#review button")


def test_an_edit_then_accept_keeps_the_edit(server, browser, accounts):
    log_in(browser, server, "ana", "analyst-pass")
    href = _incident_page(browser, server)
    browser.get(href)
    _record(browser, "edit", label="Shelling of the river district")
    _record(browser, "accept", note="agrees with the hospital list")
    browser.get(href)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Shelling of the river district"
    assert browser.find_element(By.ID, "review").text == "accepted by ana"
    actions = [li.find_element(By.TAG_NAME, "b").text for li in browser.find_elements(By.CSS_SELECTOR, "#history li")]
    assert actions[-2:] == ["edit", "accept"]


def test_a_decision_is_reverted_from_the_incident_page(server, browser, accounts):
    log_in(browser, server, "ana", "analyst-pass")
    href = _incident_page(browser, server)
    browser.get(href)
    machine = browser.find_element(By.TAG_NAME, "h1").text
    _record(browser, "edit", label="A label that was a mistake")
    assert browser.find_element(By.TAG_NAME, "h1").text == "A label that was a mistake"
    edit = [li for li in browser.find_elements(By.CSS_SELECTOR, "#history li.decision")
            if "A label that was a mistake" in li.text][-1]
    decision = edit.get_attribute("data-id")
    submit(browser, f'#history li[data-id="{decision}"] form.revert button')
    browser.get(href)
    assert browser.find_element(By.TAG_NAME, "h1").text == machine  # the label before the edit
    reverted = browser.find_element(By.CSS_SELECTOR, f'#history li[data-id="{decision}"] .state').text
    assert reverted.startswith("reverted by")  # the decision is still in the log, marked
    assert "revert" in [li.find_element(By.TAG_NAME, "b").text for li in browser.find_elements(By.CSS_SELECTOR, "#history li")]


def test_a_split_gets_its_own_fields_and_links_parent_and_child(server, browser, accounts):
    log_in(browser, server, "ana", "analyst-pass")
    href = _incident_page(browser, server, want_two_articles=True)
    browser.get(href)
    parent_id = href.rsplit("/", 1)[1]
    articles = browser.find_elements(By.CSS_SELECTOR, "#mentions li a")
    second = sorted({a.text for a in articles})[-1]
    _record(browser, "split", articles=second)
    # the new incident's page: its reports only, and a link back
    assert browser.find_element(By.ID, "split-from").get_attribute("href").endswith(parent_id)
    assert {a.text for a in browser.find_elements(By.CSS_SELECTOR, "#mentions li a")} == {second}
    assert browser.find_element(By.ID, "review").text.startswith(f"split from {parent_id}")
    child = browser.current_url
    assert "None" not in browser.find_element(By.ID, "when").text
    browser.get(href)
    assert second not in {a.text for a in browser.find_elements(By.CSS_SELECTOR, "#mentions li a")}
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#lineage a.split-child")]
    assert child in links


# ---------------------------------------------------------------- the analyst's screen (issue 12, item 5)

def _visible_labels(browser) -> list[dict]:
    return browser.execute_script("""
        return Array.from(document.querySelectorAll('.place-label:not(.hidden-label)')).map(function (n) {
            var r = n.getBoundingClientRect();
            return {text: n.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
        });""")


def _overlap(a: dict, b: dict) -> bool:
    return not (a["right"] <= b["left"] or b["right"] <= a["left"] or a["bottom"] <= b["top"] or b["bottom"] <= a["top"])


def _map_ready(browser) -> None:
    map_count(browser)
    WebDriverWait(browser, 15).until(
        lambda d: d.find_element(By.ID, "leaflet-map").get_attribute("data-labels") is not None)


def test_map_labels_places_without_overlap_and_has_a_legend(server, browser):
    browser.delete_all_cookies()
    browser.get(server + "/")
    _map_ready(browser)
    WebDriverWait(browser, 15).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".leaflet-overlay-pane path")) > 50)
    labels = _visible_labels(browser)
    assert len(labels) >= 2 and all(lab["text"].strip() for lab in labels)
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            assert not _overlap(a, b), (a, b)
    # zoomed in, the labels are laid out again and still do not overlap
    browser.execute_script("document.querySelector('.leaflet-control-zoom-in').click()")
    time.sleep(0.8)
    again = _visible_labels(browser)
    assert again and not any(_overlap(a, b) for i, a in enumerate(again) for b in again[i + 1:])
    legend = browser.find_element(By.ID, "map-legend").text
    below = browser.execute_script("""return document.getElementById('map-legend').getBoundingClientRect().top >=
        document.getElementById('leaflet-map').getBoundingClientRect().bottom""")
    assert below  # the legend covers none of the map
    assert "town or site" in legend and "region or province" in legend and "whole country" in legend
    rows = " ".join(r.text for r in browser.find_elements(By.CSS_SELECTOR, "#incidents tr.incident"))
    shown_types = [t for t in ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests")
                   if t in legend]
    assert shown_types, legend
    # how exact each place is shows in its symbol: a filled dot for a town, a hollow ring for an area
    precisions = {f["properties"]["geo_precision"] for f in _features(server)}
    if precisions & {"point", "near"}:
        assert browser.find_elements(By.CSS_SELECTOR, "path.precision-point, .marker-cluster")
    if precisions & {"region", "admin"}:
        assert browser.find_elements(By.CSS_SELECTOR, "path.precision-area, .marker-cluster")
    assert rows


def _features(server) -> list[dict]:
    import json
    from urllib.request import urlopen

    return json.loads(urlopen(server + "/api/map.geojson").read())["features"]


def _visible_rows(browser) -> list:
    return [r for r in browser.find_elements(By.CSS_SELECTOR, "#incidents tr.incident") if r.is_displayed()]


def test_timeline_brush_narrows_list_map_address_and_downloads(server, browser):
    from urllib.parse import parse_qs, urlparse

    from selenium.webdriver.common.action_chains import ActionChains

    browser.delete_all_cookies()
    browser.get(server + "/")
    _map_ready(browser)
    before = len(_visible_rows(browser))
    on_map = map_count(browser)
    dated = [r for r in _visible_rows(browser) if r.get_attribute("data-start")]
    days = sorted({r.get_attribute("data-start") for r in dated})
    assert len(days) >= 2, "the corpus has incidents on several days"
    # drag a few pixels across the slot of a dot inside the axis (not at its ends)
    svg = browser.find_element(By.CSS_SELECTOR, "#timeline svg.timeline")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", svg)
    dots = sorted(browser.find_elements(By.CSS_SELECTOR, "#timeline .tl-dot"), key=lambda c: float(c.get_attribute("cx")))
    dot = dots[len(dots) // 2]
    box = browser.execute_script("var r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width, r.height]", svg)
    d = browser.execute_script("var r = arguments[0].getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]", dot)
    cx = box[0] + box[2] / 2
    ActionChains(browser).move_to_element_with_offset(svg, int(d[0] - cx - 3), int(box[3] / 2 - 8)).click_and_hold() \
        .move_by_offset(3, 0).move_by_offset(3, 0).release().perform()
    WebDriverWait(browser, 5).until(lambda b: "since=" in b.current_url and "until=" in b.current_url)
    query = parse_qs(urlparse(browser.current_url).query)
    since, until = query["since"][0], query["until"][0]
    day = dot.get_attribute("data-start")
    assert since <= until and (since <= dot.get_attribute("data-end") and day <= until)
    shown = _visible_rows(browser)
    assert 0 < len(shown) < before
    for r in shown:  # every row shown overlaps the period
        assert r.get_attribute("data-start") <= until and r.get_attribute("data-end") >= since
    assert browser.find_element(By.ID, "count").text.startswith(f"{len(shown)} of")
    assert browser.find_element(By.NAME, "since").get_attribute("value") == since  # the form says it too
    WebDriverWait(browser, 5).until(lambda b: map_count(b) < on_map)
    csv_link = browser.find_element(By.CSS_SELECTOR, 'a.download[data-format="csv"]').get_attribute("href")
    assert f"since={since}" in csv_link and f"until={until}" in csv_link
    from urllib.request import urlopen

    got = urlopen(csv_link)
    assert got.headers["content-type"].startswith("text/csv")
    assert len(got.read().decode().strip().splitlines()) - 1 == len(shown)
    # the address is the view: loading it again shows the same incidents
    url = browser.current_url
    browser.get(url)
    assert len(_visible_rows(browser)) == len(shown)


def test_phone_layout_stacks_the_panels_without_sideways_scroll(server, browser):
    browser.delete_all_cookies()
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    try:
        for path in ("/", "/figures", "/compare", "/review", "/login", "/no-such-page"):
            browser.get(server + path)
            width = browser.execute_script("return document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
        browser.get(server + "/")
        _map_ready(browser)
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
        boxes = browser.execute_script("""return ['map-panel', 'timeline-panel', 'list-panel'].map(function (id) {
            var r = document.getElementById(id).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; });""")
        for upper, lower in zip(boxes, boxes[1:]):
            assert upper[3] <= lower[1] + 1, boxes  # one below the other
        assert all(b[2] <= 390 for b in boxes), boxes
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_error_pages_are_pages_that_say_what_is_wrong(server, browser):
    browser.delete_all_cookies()
    browser.get(server + "/incidents/no-such-incident")
    assert browser.find_element(By.ID, "error").text == "404"
    assert browser.find_element(By.ID, "error-title").text == "Not found"
    browser.get(server + "/no/such/page")
    assert browser.find_element(By.ID, "error").text == "404" and "/no/such/page" in browser.page_source
    browser.get(server + "/?bbox=somewhere&colour=red")
    assert browser.find_element(By.ID, "error").text == "422"
    problems = browser.find_element(By.ID, "problems").text
    assert "bbox" in problems and "colour" in problems and "no such filter" in problems
    assert browser.find_element(By.CSS_SELECTOR, "header nav a").text  # a page of the site, not JSON


def test_header_shows_who_is_logged_in(server, browser, accounts):
    browser.delete_all_cookies()
    browser.get(server + "/")
    assert browser.find_element(By.ID, "login-link").text == "Log in"
    log_in(browser, server, "ana", "analyst-pass")
    for path in ("/", "/figures", "/no-such-page"):
        browser.get(server + path)
        assert browser.find_element(By.ID, "who").text == "ana", path
        assert "Logged in as ana" in browser.find_element(By.ID, "account").text
        assert not browser.find_elements(By.ID, "login-link") and browser.find_elements(By.ID, "logout")
    browser.delete_all_cookies()


def test_report_prints_to_pdf_with_its_title(server, tmp_path):
    """`sitroom report -o x.pdf`: printed by headless Chromium (issue 12, item 6)."""
    import re

    from typer.testing import CliRunner

    from sitroom.cli import app

    if not CHROMIUM:
        pytest.skip("Chromium is not installed")
    out = tmp_path / "sitrep.pdf"
    r = CliRunner().invoke(app, ["--db", server_db(server), "report", "--title", "Situation report: seed week",
                                 "-o", str(out)])
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 5000
    # the document's title, as Chromium writes it in the PDF's information (plain or UTF-16)
    m = re.search(rb"/Title\s*(\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f]+>)", data)
    assert m, "no /Title in the PDF"
    raw = m.group(1)
    if raw.startswith(b"<"):
        title = bytes.fromhex(raw[1:-1].decode()).decode("utf-16" if raw[1:5].upper() == b"FEFF" else "latin-1")
    else:
        title = raw[1:-1].decode("latin-1")
        if title.startswith("\xfe\xff"):
            title = title.encode("latin-1")[2:].decode("utf-16-be")
    assert title == "Situation report: seed week"
    # more than one page of text: the report's sections were printed, not an error page
    assert data.count(b"/Type /Page") + data.count(b"/Type/Page") >= 2


def test_the_readme_pictures_show_the_demo_corpus(demo_server, browser):
    """The pictures in the README are taken on the demo corpus (reports of our own), with the
    map's labels and legend and the timeline in view; then the same page on a phone."""
    browser.get(demo_server + "/")
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".marker-cluster, path.incident-marker"))
    WebDriverWait(browser, 15).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".leaflet-overlay-pane path")) > 50)
    assert browser.find_elements(By.CSS_SELECTOR, "#incidents tr.incident")
    time.sleep(0.8)  # let the outlines and labels finish painting before the picture
    browser.save_screenshot(str(ROOT / "docs" / "screen-map.png"))
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    try:
        browser.get(demo_server + "/")
        time.sleep(1.0)
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
        browser.save_screenshot(str(ROOT / "docs" / "screen-phone.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_report_the_readme_shows_is_the_demo_corpus_report(demo_server, browser, tmp_path):
    """The situation report of the demo corpus, as its HTML opens in a browser: a map, key
    figures and footnotes in view; the README shows its top (docs/screen-report.png)."""
    from typer.testing import CliRunner

    from sitroom.cli import app

    out = tmp_path / "sitrep.html"
    r = CliRunner().invoke(app, ["--db", server_db(demo_server), "report", "--title", "Situation report: demo week",
                                 "-o", str(out)])
    assert r.exit_code == 0, r.output
    browser.get(out.as_uri())
    assert "Situation report: demo week" in browser.title
    assert browser.find_elements(By.CSS_SELECTOR, "svg")   # the map and charts are inline SVG
    time.sleep(0.5)
    browser.save_screenshot(str(ROOT / "docs" / "screen-report.png"))
