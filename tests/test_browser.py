"""End to end in a real headless Chromium (Debian's chromium and chromium-driver) over a
real server started on the seed corpus. Skipped, saying why, where Chromium is missing."""
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


@pytest.fixture(scope="module")
def server():
    if not (SHARED / "seeds" / "corpus.jsonl").exists():
        pytest.skip("../shared/seeds is not beside the checkout")
    import uvicorn

    from sitroom import pipeline
    from sitroom.api.app import create_app
    from sitroom.store.db import Store

    tmp = Path(tempfile.mkdtemp(prefix="sitroom-web-"))
    db = str(tmp / "s.db")
    assert pipeline.analyze([str(SHARED / "seeds" / "corpus.jsonl")], Store(db), online=False).ok
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
    time.sleep(0.5)  # let the outlines finish painting before the picture
    browser.save_screenshot(str(ROOT / "docs" / "map.png"))     # the README shows it
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
