"""Fetching pages and feeds from a server of our own on loopback (no network).

Loopback is refused by default (see test_ssrf.py): these tests allow it explicitly, and
pace nothing (the per-host interval is a setting, set to 0 here)."""
import json
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sitroom.ingest.fetch import USER_AGENT, Fetcher, FetchError
from sitroom.ingest.fetch import fetch as _fetch
from sitroom.ingest.readers import iter_inputs
from sitroom.models import InputError, RawInput

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
TEXT = "Flooding closed the coastal highway on Monday, the council said. About 400 people slept in a sports hall.\n"


class Site:
    """Routes of a loopback server: path -> (status, content type, body, extra headers)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, str, bytes, dict[str, str]]] = {}
        self.user_agents: list[str] = []
        self.base = ""

    def add(self, path: str, body: bytes | str, ctype: str = "text/html; charset=utf-8", status: int = 200,
            **headers: str) -> None:
        data = body.replace("{base}", self.base).encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = (status, ctype, data, headers)


@pytest.fixture(scope="module")
def site():
    s = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            s.user_agents.append(self.headers.get("User-Agent", ""))
            if self.path == "/slow":  # sends headers, then drips the body
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                for _ in range(30):
                    try:
                        self.wfile.write(b"x" * 10)
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(0.1)
                return
            status, ctype, body, headers = s.routes.get(self.path, (404, "text/plain", b"not found", {}))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    s.base = f"http://127.0.0.1:{server.server_address[1]}"

    def read(name: str) -> str:
        return (FIXTURES / name).read_text(encoding="utf-8")

    s.add("/article", read("article.html"))
    s.add("/second", read("second.html"), "text/html")  # no charset: from the <meta>
    s.add("/links", read("links.html"))
    s.add("/feed.rss", read("feed.rss.in"), "application/rss+xml")
    s.add("/feed.atom", read("feed.atom.in"), "application/atom+xml")
    s.add("/feed-as-html", read("feed.atom.in"), "text/html")  # misconfigured servers do this
    s.add("/feed.xml", read("feed.atom.in"), "application/xml")
    s.add("/moved", b"", "text/plain", status=301, Location="/article")
    s.add("/note.txt", TEXT, "text/plain; charset=utf-8")
    s.add("/note.md", "# Update\n\n" + TEXT, "text/markdown")
    s.add("/cyrillic.txt", "Спасатели разбирают завалы после удара.".encode("cp1251"),
          "text/plain; charset=windows-1251")
    s.add("/batch.jsonl", json.dumps({"id": "u1", "text": TEXT}) + '\n{"id": "u2"}\n', "application/x-ndjson")
    s.add("/image.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
    s.add("/empty", b"", "text/html")
    s.add("/big", b"y" * 5000, "text/plain")
    s.add("/error", "boom", "text/plain", status=500)
    s.add("/feeds/relative.rss", read("feed.rss.in").replace("{base}/", "../"), "application/rss+xml")
    s.add("/nested-feed.rss", read("feed.rss.in").replace("{base}/article", "{base}/feed.atom"), "application/rss+xml")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield s
    server.shutdown()
    server.server_close()


def fetch(url, **kw):
    return _fetch(url, allow_private=True, **kw)


def inputs(*specs, online=True):
    with Fetcher(allow_private=True, host_interval=0) as fetcher:
        return list(iter_inputs(list(specs), online=online, fetcher=fetcher))


# ---------------------------------------------------------------- fetch()


def test_fetch_returns_body_type_and_final_url(site):
    got = fetch(site.base + "/moved")
    assert got.status == 200 and got.url == site.base + "/moved" and got.final_url == site.base + "/article"
    assert got.content_type == "text/html" and got.charset == "utf-8"
    assert got.raw == (FIXTURES / "article.html").read_bytes() and got.fetched_at.tzinfo is None
    assert site.user_agents[-1] == USER_AGENT and USER_AGENT.startswith("sitroom/")


@pytest.mark.parametrize("path, reason", [("/nowhere", "HTTP 404 Not Found"),
                                          ("/error", "HTTP 500 Internal Server Error")])
def test_fetch_http_errors(site, path, reason):
    with pytest.raises(FetchError) as err:
        fetch(site.base + path)
    assert err.value.url == site.base + path and err.value.reason == reason
    assert str(err.value) == f"{site.base}{path}: {reason}"


def test_fetch_limits_size_and_time(site):
    with pytest.raises(FetchError, match="too large"):
        fetch(site.base + "/big", max_bytes=1000)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch(site.base + "/slow", timeout=0.5)  # each read is quick; the whole is not
    assert time.monotonic() - started < 2.5


def test_fetch_refused_connection_and_bad_scheme():
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchError, match="connection refused"):
        fetch(f"http://127.0.0.1:{port}/x", timeout=5)
    with pytest.raises(FetchError, match="not an http"):
        fetch("ftp://127.0.0.1/x")


# ---------------------------------------------------------------- URLs through the readers


def test_page_url_is_extracted_and_archived_as_received(site):
    (item,) = inputs(site.base + "/article")
    assert isinstance(item, RawInput) and item.content_type == "text/html"
    assert item.origin == site.base + "/article"
    assert item.raw == (FIXTURES / "article.html").read_bytes()
    assert (item.title, item.author, item.outlet) == ("Landslide buries road to Kolvara", "Mira Dalton",
                                                      "Valley Courier")
    assert item.published == date(2023, 11, 7)
    assert "about 3,000 residents" in item.text and "Subscribe" not in item.text


def test_rss_and_atom_feeds_fetch_each_entry_and_failures_do_not_stop_the_rest(site):
    got = inputs(site.base + "/feed.rss", site.base + "/feed.atom")
    assert [type(i).__name__ for i in got] == ["RawInput", "InputError", "RawInput", "RawInput", "InputError"]
    landslide, gone, shelters_rss, shelters_atom, index = got
    assert landslide.title == "Landslide buries road to Kolvara" and landslide.origin == site.base + "/article"
    assert gone.origin == site.base + "/gone" and "404" in gone.problem
    assert shelters_rss.title == shelters_atom.title == "Shelters fill as river keeps rising"
    assert shelters_atom.published == date(2023, 11, 8) and shelters_atom.author == "Tomas Reyes"
    assert index.origin == site.base + "/links" and "no article text found" in index.problem


def test_feed_is_recognised_by_its_body_whatever_the_content_type(site):
    for path in ("/feed-as-html", "/feed.xml"):
        got = inputs(site.base + path)
        assert [getattr(i, "title", None) for i in got] == ["Shelters fill as river keeps rising", None]


def test_entry_linking_to_another_feed_is_not_followed(site):
    got = inputs(site.base + "/nested-feed.rss")
    nested = [i for i in got if i.origin == site.base + "/feed.atom"]
    assert len(nested) == 1 and isinstance(nested[0], InputError) and "another feed" in nested[0].problem
    assert sum(isinstance(i, RawInput) for i in got) == 1


def test_text_markdown_and_jsonl_urls(site):
    note, md, cyr, u1, u2 = inputs(site.base + "/note.txt", site.base + "/note.md", site.base + "/cyrillic.txt",
                                   site.base + "/batch.jsonl")
    assert note.content_type == "text/plain" and note.text == TEXT and note.url == site.base + "/note.txt"
    assert md.content_type == "text/markdown"
    assert cyr.text == "Спасатели разбирают завалы после удара."
    assert u1.external_id == "u1" and u1.origin == site.base + "/batch.jsonl line 1"
    assert isinstance(u2, InputError) and u2.origin.endswith("line 2") and "missing 'text'" in u2.problem


def test_bad_urls_become_errors_and_the_others_go_on(site):
    got = inputs(site.base + "/image.png", site.base + "/nowhere", site.base + "/empty", site.base + "/links",
                 site.base + "/second")
    problems = [i.problem for i in got[:4]]
    assert all(isinstance(i, InputError) for i in got[:4])
    assert "unsupported content type image/png" in problems[0]
    assert problems[1] == "HTTP 404 Not Found"
    assert problems[2] == "empty document"
    assert problems[3] == "no article text found (is this a news article page?)"
    assert isinstance(got[4], RawInput) and got[4].title == "Shelters fill as river keeps rising"


def test_offline_mode_fetches_nothing(site):
    before = len(site.user_agents)
    got = inputs(site.base + "/article", site.base + "/feed.rss", online=False)
    assert [(i.origin, i.problem) for i in got] == [(site.base + "/article", "offline mode: URL not fetched"),
                                                     (site.base + "/feed.rss", "offline mode: URL not fetched")]
    assert len(site.user_agents) == before


def test_relative_entry_links_resolve_against_the_feed_url(site):
    got = inputs(site.base + "/feeds/relative.rss")
    assert [i.origin for i in got] == [site.base + "/article", site.base + "/gone", site.base + "/second"]
    assert [type(i).__name__ for i in got] == ["RawInput", "InputError", "RawInput"]
