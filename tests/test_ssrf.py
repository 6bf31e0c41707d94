"""Safe fetching (ingest/fetch.py) against servers of our own on loopback: what a feed or
a URL may make sitroom fetch. Nothing here waits on real time for pacing: the clock and
sleep of the fetcher are injected, and the tests assert when requests started on it."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from sitroom import pipeline
from sitroom.cli import app
from sitroom.ingest.fetch import (HOST_INTERVAL, MAX_FETCHES, PER_HOST, Fetcher, FetchError, FetchRefused, address_problem,
                                  fetch)
from sitroom.ingest.readers import iter_inputs
from sitroom.models import InputError, RawInput
from sitroom.store.db import Store

PAGE = ("<html><head><title>Depot fire</title></head><body><article><p>Fire broke out at the fuel depot on "
        "Tuesday night and crews fought it until dawn, the fire service said. Two workers were treated for "
        "smoke inhalation.</p><p>Residents of nearby streets were told to keep their windows shut.</p>"
        "</article></body></html>")


class Server:
    """A loopback server that records every request it gets (path, Host header)."""

    def __init__(self, host: str = "127.0.0.1"):
        self.requests: list[tuple[str, str]] = []
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.hold = None  # a callable run inside each request (to observe concurrency)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append((self.path, self.headers.get("Host", "")))
                if outer.hold:
                    outer.hold()
                status, headers, body = outer.routes.get(self.path, (200, {"Content-Type": "text/html"},
                                                                     PAGE.encode()))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://{host}:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def redirect(self, path: str, to: str, status: int = 302) -> None:
        self.routes[path] = (status, {"Location": to}, b"")

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture
def other():
    """A second loopback server on 127.0.0.2 (Linux routes all of 127/8 to loopback)."""
    try:
        s = Server("127.0.0.2")
    except OSError:
        pytest.skip("cannot listen on 127.0.0.2 here")
    yield s
    s.close()


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


# ---------------------------------------------------------------- addresses


@pytest.mark.parametrize("address, problem", [
    ("127.0.0.1", "a loopback address"), ("127.8.9.10", "a loopback address"), ("::1", "a loopback address"),
    ("10.1.2.3", "a private address"), ("172.16.0.1", "a private address"), ("192.168.1.1", "a private address"),
    ("fd00::1", "a private address"), ("169.254.169.254", "a link-local address"), ("fe80::1", "a link-local address"),
    ("224.0.0.1", "a multicast address"), ("ff02::1", "a multicast address"), ("0.0.0.0", "an unspecified address"),
    ("::", "an unspecified address"), ("240.0.0.1", "a private address"), ("100.64.0.1", "not a public address"),
    ("::ffff:127.0.0.1", "a loopback address"), ("::ffff:10.0.0.1", "a private address"),
    ("2002:7f00:1::", "a loopback address"),  # 6to4 around 127.0.0.1
    ("8.8.8.8", None), ("1.1.1.1", None), ("2606:4700:4700::1111", None), ("::ffff:8.8.8.8", None),
])
def test_address_classes(address, problem):
    assert address_problem(address) == problem


def test_defaults_are_the_documented_limits():
    f = Fetcher()
    assert (f.max_fetches, f.host_interval, f.per_host) == (MAX_FETCHES, HOST_INTERVAL, PER_HOST) == (500, 1.0, 2)
    assert f.allowed is False


# ---------------------------------------------------------------- refused destinations


def test_loopback_is_refused_by_default_and_nothing_reaches_it(server, monkeypatch):
    monkeypatch.delenv("SITROOM_ALLOW_PRIVATE", raising=False)
    with pytest.raises(FetchRefused) as err:
        fetch(server.base + "/admin")
    assert err.value.url == server.base + "/admin"
    assert err.value.reason == ("refused: 127.0.0.1 is a loopback address; allow it with --allow-private or "
                                "SITROOM_ALLOW_PRIVATE")
    assert server.requests == []
    # allowed explicitly, or by the setting
    assert fetch(server.base + "/admin", allow_private=True).status == 200
    monkeypatch.setenv("SITROOM_ALLOW_PRIVATE", "1")
    assert fetch(server.base + "/admin").status == 200
    monkeypatch.setenv("SITROOM_ALLOW_PRIVATE", "10.0.0.0/8")  # a network list that leaves loopback out
    with pytest.raises(FetchRefused):
        fetch(server.base + "/admin")
    assert len(server.requests) == 2


@pytest.mark.parametrize("host", ["localhost", "2130706433", "0x7f000001", "127.1", "[::ffff:127.0.0.1]"])
def test_names_and_numeric_forms_that_resolve_to_loopback_are_refused(server, host):
    url = f"http://{host}:{server.port}/admin"
    with pytest.raises(FetchRefused, match="loopback address"):
        fetch(url, allow_private=False)
    assert server.requests == []


@pytest.mark.parametrize("url, words", [
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://10.255.255.1/", "10.255.255.1 is a private address"),
    ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
    ("http://0.0.0.0:9/", "0.0.0.0 is an unspecified address"),
    ("http://[fe80::1]/", "fe80::1 is a link-local address"),
])
def test_private_link_local_multicast_and_unspecified_destinations_are_refused_before_connecting(url, words):
    with pytest.raises(FetchRefused) as err:
        fetch(url, allow_private=False, timeout=2)
    assert words in err.value.reason  # refused, not timed out: no connection was tried


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://127.0.0.1:70/", "dict://x:11/"])
def test_only_http_and_https(url):
    with pytest.raises(FetchRefused, match="not an http"):
        fetch(url, allow_private=True)


def test_feed_entry_pointing_at_loopback_is_neither_fetched_nor_archived(server, tmp_path, monkeypatch):
    monkeypatch.delenv("SITROOM_ALLOW_PRIVATE", raising=False)
    feed = tmp_path / "feed.rss"
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
                    f"<item><title>Admin</title><link>http://localhost:{server.port}/admin</link></item>"
                    f"<item><title>Metadata</title><link>http://169.254.169.254/latest/</link></item>"
                    f"</channel></rss>")
    store = Store(str(tmp_path / "s.db"))
    result = pipeline.ingest([str(feed)], store, online=True)
    assert [e.origin for e in result.errors] == [f"http://localhost:{server.port}/admin",
                                                 "http://169.254.169.254/latest/"]
    assert all("refused" in e.problem for e in result.errors)
    assert server.requests == [] and store.sources() == []


def test_cli_refuses_loopback_unless_allowed(server, tmp_path, monkeypatch):
    monkeypatch.delenv("SITROOM_ALLOW_PRIVATE", raising=False)
    runner = CliRunner(env={"COLUMNS": "240"})
    db = str(tmp_path / "s.db")
    r = runner.invoke(app, ["--db", db, "analyze", server.base + "/admin"])
    assert r.exit_code == 1 and "127.0.0.1 is a loopback address" in r.output and "--allow-private" in r.output
    assert server.requests == [] and Store(db).sources() == []
    r = runner.invoke(app, ["--db", db, "analyze", "--allow-private", server.base + "/admin"])
    assert r.exit_code == 0, r.output
    assert "1 new source(s)" in r.output and len(server.requests) == 1


# ---------------------------------------------------------------- redirects and DNS


def test_every_redirect_is_checked_again(server, other):
    server.redirect("/go", other.base + "/secret")
    server.redirect("/file", "file:///etc/passwd")
    server.redirect("/here", "/page")  # same host, allowed
    only_first = Fetcher(allow_private=["127.0.0.1/32"], host_interval=0)
    with pytest.raises(FetchRefused) as err:
        only_first.fetch(server.base + "/go")
    assert err.value.reason == f"redirected to {other.base}/secret: refused: 127.0.0.2 is a loopback address; " \
                               "allow it with --allow-private or SITROOM_ALLOW_PRIVATE"
    assert other.requests == []
    with pytest.raises(FetchRefused, match="redirected to file:///etc/passwd: not an http"):
        only_first.fetch(server.base + "/file")
    got = only_first.fetch(server.base + "/here")
    assert got.final_url == server.base + "/page" and got.redirects == [server.base + "/here"]
    assert got.address == "127.0.0.1"
    # allowed both: followed
    both = Fetcher(allow_private=True, host_interval=0)
    assert both.fetch(server.base + "/go").final_url == other.base + "/secret"
    assert other.requests == [("/secret", f"127.0.0.2:{other.port}")]


def test_redirect_loops_end(server):
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    with pytest.raises(FetchError, match="too many redirects"):
        Fetcher(allow_private=True, host_interval=0, max_redirects=5).fetch(server.base + "/a")
    assert len(server.requests) == 6


def test_connection_goes_to_the_checked_address_without_a_second_lookup(server, other):
    """A rebinding name: the first answer is allowed, later answers are not. The fetcher
    looks the name up once per connection and connects to the address it checked, so
    the later answer is never used; the request still names the host."""
    answers = []

    def rebinding(host, port):
        answers.append(host)
        return ["127.0.0.1"] if len(answers) == 1 else ["127.0.0.2"]

    f = Fetcher(allow_private=["127.0.0.1/32"], host_interval=0, resolve=rebinding)
    got = f.fetch(f"http://news.rebind.test:{server.port}/story")
    assert got.status == 200 and got.address == "127.0.0.1"
    assert answers == ["news.rebind.test"]
    assert server.requests == [("/story", f"news.rebind.test:{server.port}")] and other.requests == []


def test_a_name_with_any_refused_address_is_refused(server):
    f = Fetcher(allow_private=["127.0.0.1/32"], host_interval=0, resolve=lambda h, p: ["127.0.0.1", "10.0.0.7"])
    with pytest.raises(FetchRefused, match="mixed.test resolves to 10.0.0.7, a private address"):
        f.fetch(f"http://mixed.test:{server.port}/x")
    assert server.requests == []


def test_unknown_host_is_a_clear_error():
    with pytest.raises(FetchError, match="host not found"):
        fetch("http://no-such-host.invalid/", allow_private=True)


# ---------------------------------------------------------------- limits and pacing


def test_fetches_per_run_are_capped(server, tmp_path):
    feed = tmp_path / "big.rss"
    items = "".join(f"<item><title>Story {i}</title><link>{server.base}/p{i}</link></item>" for i in range(20))
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>')
    with Fetcher(allow_private=True, host_interval=0, max_fetches=5) as f:
        got = list(iter_inputs([str(feed), server.base + "/after"], fetcher=f))
    assert sum(isinstance(i, RawInput) for i in got) == 5 and len(server.requests) == 5
    assert isinstance(got[5], InputError) and got[5].origin == str(feed)
    assert got[5].problem == ("15 feed entries not fetched: the limit of 5 fetches per run was reached "
                              "(raise it with --max-fetch)")
    assert isinstance(got[6], InputError) and "limit of 5 fetches" in got[6].problem
    assert f.fetches == 5


def test_requests_to_one_host_are_paced_and_other_hosts_do_not_wait(server, other):
    clock = FakeClock()
    f = Fetcher(allow_private=True, host_interval=1.0, clock=clock, sleep=clock.sleep)
    for url in (server.base + "/1", other.base + "/1", server.base + "/2", server.base + "/3", other.base + "/2"):
        f.fetch(url)
    starts: dict[str, list[float]] = {}
    for at, url in f.log:
        starts.setdefault(url.split("/")[2], []).append(at)
    assert starts == {f"127.0.0.1:{server.port}": [0.0, 1.0, 2.0], f"127.0.0.2:{other.port}": [0.0, 2.0]}
    assert clock.slept == [1.0, 1.0]  # only the second and third request to the first host waited
    # a redirect to the same host is a request to it like any other
    server.redirect("/moved", "/4")
    f.fetch(server.base + "/moved")
    assert [at for at, url in f.log[-2:]] == [3.0, 4.0]


def test_at_most_two_requests_open_to_one_host(server):
    lock = threading.Condition()
    state = {"open": 0, "peak": 0}

    def hold():  # each request stays open until a third one is (never, if the cap holds), or 0.5 s
        with lock:
            state["open"] += 1
            state["peak"] = max(state["peak"], state["open"])
            lock.notify_all()
            lock.wait_for(lambda: state["open"] >= 3, timeout=0.5)
            state["open"] -= 1

    server.hold = hold
    f = Fetcher(allow_private=True, host_interval=0)
    errors = []

    def get(i):
        try:
            f.fetch(f"{server.base}/p{i}")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=get, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and len(server.requests) == 6
    assert state["peak"] == 2
