"""Live monitoring (`sitroom watch`): feeds served by a loopback server of our own (allowed
explicitly: loopback is refused by default), conditional GET, backoff, new items attached
to the stored incidents without a re-fusion, notifications to a file, a loopback webhook
and the store (GET /api/changes), and the service's health endpoint."""
import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sitroom.api.app import create_app
from sitroom.cli import app as cli
from sitroom.ingest import watch as watching
from sitroom.ingest.fetch import Fetcher
from sitroom.settings import Settings
from sitroom.store.db import Store

PAGE = ("<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{text}</p>"
        "<p>Aid groups asked for safe access to the area and said that more help was needed for the families "
        "who had lost their homes and their livelihoods.</p></article></body></html>")
REPORTS = {
    "/a/1.html": ("Market shelled in Cusco",
                  "Shelling hit the market in Cusco on Monday, and at least 5 people were killed, the regional "
                  "governor said. Roads out of Cusco stayed closed overnight."),
    "/a/2.html": ("Floods in Dunedin",
                  "Floodwater swept through Dunedin on Monday, and at least 40 families were displaced, police "
                  "said. Schools in Dunedin stayed closed."),
    "/a/3.html": ("Cusco toll rises",
                  "The toll of the shelling of the market in Cusco on Monday rose to 12 people killed, the health "
                  "ministry said on Wednesday. Roads out of Cusco stayed closed."),
}


def rss(paths: list[str], base: str) -> str:
    items = "".join(f"<item><title>{REPORTS[p][0]}</title><link>{base}{p}</link><guid>{base}{p}</guid>"
                    f"<pubDate>{'Wed, 08 May 2024' if p.endswith('3.html') else 'Tue, 07 May 2024'} 09:00:00 GMT"
                    f"</pubDate></item>" for p in paths)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Andes Wire</title><link>{base}/</link>'
            f"<description>news</description>{items}</channel></rss>")


class Site:
    def __init__(self):
        self.feed_paths = ["/a/1.html", "/a/2.html"]
        self.etag = '"v1"'
        self.requests: list[tuple[str, str | None]] = []  # (path, If-None-Match)
        self.posts: list[dict] = []
        self.base = ""


@pytest.fixture
def site():
    s = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            s.requests.append((self.path, self.headers.get("If-None-Match")))
            if self.path == "/feed.xml":
                if self.headers.get("If-None-Match") == s.etag:
                    self.send_response(304)
                    self.send_header("ETag", s.etag)
                    self.end_headers()
                    return
                body, ctype, extra = rss(s.feed_paths, s.base).encode(), "application/rss+xml", {"ETag": s.etag}
            elif self.path in REPORTS:
                title, text = REPORTS[self.path]
                body, ctype, extra = PAGE.format(title=title, text=text).encode(), "text/html; charset=utf-8", {}
            else:
                self.send_response(500 if self.path == "/broken.xml" else 404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            s.posts.append(json.loads(self.rfile.read(n)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield s
    server.shutdown()
    server.server_close()


def loopback_fetcher():
    return Fetcher(allow_private=["127.0.0.1/32"], host_interval=0.0)


def stored_incidents(store: Store) -> dict[str, dict]:
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, place, killed_best, updated_at FROM incidents "
                                    "WHERE status = 'active'").mappings().all()
    return {r["id"]: dict(r) for r in rows}


def test_watch_follows_a_feed_conditionally_and_attaches_new_items_without_refusion(site, tmp_path):
    db, notes = str(tmp_path / "watch.db"), tmp_path / "changes.jsonl"
    runner = CliRunner(env={"COLUMNS": "240"})
    args = ["--db", db, "watch", "--once", "--allow-network", "127.0.0.1/32", "--notify", str(notes),
            "--notify", f"{site.base}/hook", f"{site.base}/feed.xml"]
    r = runner.invoke(cli, args)
    assert r.exit_code == 0, r.output
    assert "2 new item(s)" in r.output
    store = Store(db)
    assert sorted(s["title"] for s in store.sources()) == ["Floods in Dunedin", "Market shelled in Cusco"]
    first = stored_incidents(store)
    cusco = next(i for i, row in first.items() if row["place"] == "Cusco")
    written = [json.loads(line) for line in notes.read_text().splitlines()]
    assert {n["incident"]["id"] for n in written if n["kind"] == "new_incident"} == set(first)
    assert [p["type"] for p in site.posts] == ["sitroom.changes"]
    assert {c["incident"]["id"] for c in site.posts[0]["changes"]} == set(first)
    state = store.feed_state(f"{site.base}/feed.xml")
    assert state["etag"] == '"v1"' and state["status"] == 200 and state["items"] == 2

    # the second round asks conditionally, is told nothing changed, and ingests nothing
    site.requests.clear()
    r = runner.invoke(cli, args)
    assert r.exit_code == 0, r.output
    assert site.requests == [("/feed.xml", '"v1"')]
    assert "0 new item(s), 0 new source(s)" in r.output
    assert len(store.sources()) == 2 and len(site.posts) == 1
    assert store.feed_state(f"{site.base}/feed.xml")["status"] == 304

    # the feed publishes a new report of the Cusco shelling: fetched alone, attached to its
    # incident; the other incident is not recomputed (no re-fusion)
    site.feed_paths.append("/a/3.html")
    site.etag = '"v2"'
    site.requests.clear()
    rnd = watching.watch(store, [f"{site.base}/feed.xml"], rounds=1, make_fetcher=loopback_fetcher,
                         notify_to=[f"{site.base}/hook"])
    assert [p for p, _ in site.requests] == ["/feed.xml", "/a/3.html"]
    assert [(p.outcome, p.new) for p in rnd.polls] == [("new", 1)]
    after = stored_incidents(store)
    assert set(after) == set(first)
    assert all(after[i]["updated_at"] == first[i]["updated_at"] for i in after if i != cusco)
    assert after[cusco]["updated_at"] > first[cusco]["updated_at"] and after[cusco]["killed_best"] == 12
    kinds = {(n["kind"], n["incident"]["id"]) for n in site.posts[-1]["changes"]}
    assert ("toll_rise", cusco) in kinds and all(i == cusco for _, i in kinds)
    rise = next(n for n in site.posts[-1]["changes"] if n["kind"] == "toll_rise")
    assert (rise["toll"], rise["previous"], rise["current"]) == ("killed", 5, 12)
    assert rise["incident"]["killed"]["best"] == 12 and rise["incident"]["place"] == "Cusco"

    # what changed, from the API: no login for health; changes since a time
    client = TestClient(create_app(db, Settings()))
    h = client.get("/api/health")
    assert h.status_code == 200 and h.json()["status"] == "ok" and h.json()["sources"] == 3
    since = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    got = client.get("/api/changes", params={"since": since}).json()
    assert {(c["kind"], c["incident"]["id"]) for c in got["changes"]} >= kinds
    assert set(got["incidents"]["opened"]) == set(first)


def test_a_failing_feed_backs_off_and_a_user_sees_changes_since_their_last_visit(site, tmp_path):
    db = str(tmp_path / "watch.db")
    store = Store(db)
    broken = f"{site.base}/broken.xml"
    rnd = watching.watch(store, [broken, f"{site.base}/feed.xml"], rounds=1, make_fetcher=loopback_fetcher)
    assert [p.outcome for p in rnd.polls] == ["failed", "new"]
    state = store.feed_state(broken)
    assert state["failures"] == 1 and "HTTP 500" in state["error"] and state["retry_after"] > state["checked_at"]
    site.requests.clear()
    rnd = watching.watch(store, [broken, f"{site.base}/feed.xml"], rounds=1, make_fetcher=loopback_fetcher)
    assert [p.outcome for p in rnd.polls] == ["backoff", "not_modified"]
    assert [p for p, _ in site.requests] == ["/feed.xml"]  # the failing feed is left alone while it backs off

    store.add_user("ana", "analyst", "a long enough passphrase")
    client = TestClient(create_app(db, Settings(private=True)))
    assert client.get("/api/health").status_code == 200  # no login for health, even on a private store
    assert client.get("/api/changes").status_code == 401
    token = client.post("/api/login", json={"name": "ana", "password": "a long enough passphrase"}).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    first = client.get("/api/changes", headers=auth).json()
    assert {c["kind"] for c in first["changes"]} == {"new_incident"}
    assert sorted(c["incident"]["id"] for c in first["changes"]) == sorted(stored_incidents(store))
    assert client.get("/api/changes", headers=auth).json()["changes"] == []  # nothing since the last visit


def test_every_is_a_duration():
    assert watching.parse_every("10m") == 600 and watching.parse_every("1h30m") == 5400
    assert watching.parse_every("45") == 45
    with pytest.raises(ValueError):
        watching.parse_every("soon")
