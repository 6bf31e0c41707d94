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
from selenium.webdriver.support.ui import Select  # noqa: E402

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
    yield f"http://127.0.0.1:{port}"
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


def test_map_shows_incidents_and_a_filter_narrows_them(server, browser):
    browser.get(server + "/")
    circles = browser.find_elements(By.CSS_SELECTOR, "#map svg circle")
    rows = browser.find_elements(By.CSS_SELECTOR, "#incidents tr.incident")
    assert len(circles) >= 5 and len(rows) >= 5
    browser.save_screenshot(str(ROOT / "docs" / "map.png"))     # the README shows it
    Select(browser.find_element(By.NAME, "event_type")).select_by_visible_text("Explosions/Remote violence")
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    narrowed = browser.find_elements(By.CSS_SELECTOR, "#incidents tr.incident")
    assert 0 < len(narrowed) < len(rows)
    assert all("Shelling" in r.text or "strike" in r.text.lower() for r in narrowed)


def test_incident_page_highlights_its_sentences(server, browser):
    browser.get(server + "/")
    browser.find_element(By.CSS_SELECTOR, "#incidents tr.incident a").click()
    marks = browser.find_elements(By.CSS_SELECTOR, "#mentions mark.trigger")
    assert marks and all(m.text for m in marks)
    browser.find_element(By.CSS_SELECTOR, "#mentions a").click()
    assert browser.find_elements(By.CSS_SELECTOR, "#text mark.places")
    assert "SHA-256" in browser.find_element(By.ID, "meta").text
