"""Fetching pages and feeds, from a server of our own on loopback (no network; loopback
allowed explicitly, no pacing)."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sitroom import pipeline
from sitroom.ingest.fetch import Fetcher
from sitroom.ingest.readers import iter_inputs as _iter_inputs
from sitroom.models import InputError, RawInput
from sitroom.store.db import Store

ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Floods cut off Beira | Coast Daily</title>
<meta name="author" content="Rui Matos"><meta property="og:site_name" content="Coast Daily">
<meta property="article:published_time" content="2024-02-12T08:00:00Z"></head><body>
<nav><a href="/">Home</a> &gt; <a href="/news">News</a></nav><article><h1>Floods cut off Beira</h1>
<p>Floodwater cut the road into Beira on Sunday, and at least 1,200 families were evacuated to schools and churches,
the provincial disaster agency said.</p>
<p>"The water came up in an hour," said Ana Sitoe, a market trader in the Munhava district. "We carried the
children on our shoulders."</p>
<p>Rescue teams in boats reached the Praia Nova neighbourhood on Monday morning, where dozens of homes had
collapsed overnight.</p></article><footer>Subscribe to our newsletter</footer></body></html>"""
SECOND = ARTICLE.replace("Floods cut off Beira", "Cholera fears after Beira floods").replace("1,200", "3,400")
LINKS = "<html><body><ul>" + "".join(f'<li><a href="/p{i}">Story {i}</a></li>' for i in range(40)) + "</ul></body></html>"


def rss(base):
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Coast Daily</title><link>{base}/</link>
<item><title>Floods</title><link>{base}/article</link></item>
<item><title>Gone</title><link>{base}/missing</link></item></channel></rss>"""


def atom(base):
    return f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Coast Daily</title>
<entry><title>Cholera</title><link href="{base}/second"/><id>x</id><updated>2024-02-13T00:00:00Z</updated></entry></feed>"""


def loopback() -> Fetcher:
    return Fetcher(allow_private=True, host_interval=0)


def iter_inputs(specs, online=True):
    with loopback() as fetcher:
        yield from _iter_inputs(specs, online=online, fetcher=fetcher)


@pytest.fixture(scope="module")
def site():
    pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body, ctype = pages.get(self.path, (None, None))
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    pages.update({"/article": (ARTICLE, "text/html; charset=utf-8"), "/second": (SECOND, "text/html"),
                  "/links": (LINKS, "text/html"), "/feed.rss": (rss(base), "application/rss+xml"),
                  "/feed.atom": (atom(base), "application/atom+xml")})
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield base
    server.shutdown()


def test_page_is_fetched_extracted_and_described(site):
    (item,) = list(iter_inputs([site + "/article"]))
    assert isinstance(item, RawInput) and item.content_type == "text/html"
    assert item.raw.startswith(b"<!DOCTYPE html>")               # archived as received
    assert item.title == "Floods cut off Beira" and item.outlet == "Coast Daily" and item.author == "Rui Matos"
    assert str(item.published) == "2024-02-12"
    assert "1,200 families" in item.text and "Subscribe" not in item.text and "Home" not in item.text


def test_feeds_fetch_their_entries_and_name_failures(site):
    items = list(iter_inputs([site + "/feed.rss", site + "/feed.atom"]))
    ok = [i for i in items if isinstance(i, RawInput)]
    bad = [i for i in items if isinstance(i, InputError)]
    assert sorted(i.title for i in ok) == ["Cholera fears after Beira floods", "Floods cut off Beira"]
    assert len(bad) == 1 and bad[0].origin.endswith("/missing") and "404" in bad[0].problem


def test_non_article_page_and_offline_mode(site):
    (item,) = list(iter_inputs([site + "/links"]))
    assert isinstance(item, InputError) and "no article text" in item.problem
    (item,) = list(iter_inputs([site + "/article"], online=False))
    assert isinstance(item, InputError) and "offline" in item.problem


def test_analyze_urls_end_to_end(site, tmp_path):
    store = Store(str(tmp_path / "s.db"))
    result = pipeline.analyze([site + "/feed.rss"], store, online=True, fetcher=loopback())
    assert len(result.added) == 1 and len(result.errors) == 1
    (src,) = list(store.iter_sources())
    assert src.meta.url.endswith("/article") and src.origin == site + "/article"
    facts = store.facts(src.id)
    assert any(f.value == 1200 and f.category == "evacuated" for f in facts.figures)
    assert any(p.name == "Beira" for p in facts.places)
    again = pipeline.analyze([site + "/article"], store, online=True, fetcher=loopback())
    assert again.errors == [] and again.added == [] and again.duplicates == [src.id]  # identical bytes
