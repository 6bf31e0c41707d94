"""The only module that speaks HTTP: safe, bounded GETs for every part that fetches
(``analyze``, a later ``watch``, notifiers).

Every failure comes out as a :class:`FetchError` carrying the URL and a reason a user
can act on (HTTP status, timeout, DNS, refused connection, too large, a refused address).

What a :class:`Fetcher` guarantees (one fetcher per run):

* http(s) only, at the start and after every redirect (redirects are followed here, hop
  by hop, never by the HTTP library);
* the host is resolved once per connection, every address it resolves to is checked, and
  the connection is made to a checked address (no second lookup a rebinding DNS server
  could answer differently); loopback, private, link-local, multicast, reserved and
  other non-public addresses are refused unless allowed (``allow_private``, the
  ``--allow-private`` option or the ``SITROOM_ALLOW_PRIVATE`` setting: ``1`` for all, or
  a comma-separated list of networks such as ``10.0.0.0/8,127.0.0.1/32``);
* at most ``max_fetches`` requests per run (500 by default, redirects included), at
  least ``host_interval`` seconds between the starts of two requests to one host (1 s),
  at most ``per_host`` requests (so connections) open to one host at once (2);
* a time limit on each request as a whole and a limit on the body's size.

Environment proxies are not used (``trust_env=False``): through a proxy, the address
actually connected to could not be checked.
"""
from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import urljoin

import httpcore
import httpx

from sitroom import __version__

# Named, with a way to find out who we are: sites block anonymous scrapers, and an
# operator who sees us in their logs should know what we do with their pages.
USER_AGENT = (f"sitroom/{__version__} (+https://github.com/sitroom/sitroom; "
              "archives news reports for crisis analysis)")
ACCEPT = ("text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
          "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5")

ALLOW_PRIVATE_ENV = "SITROOM_ALLOW_PRIVATE"
MAX_FETCHES = 500        # requests per run, redirects included
HOST_INTERVAL = 1.0      # seconds between the starts of two requests to one host
PER_HOST = 2             # requests open to one host at once
MAX_REDIRECTS = 10
TIMEOUT = 20.0
MAX_BYTES = 10_000_000
REDIRECTS = {301, 302, 303, 307, 308}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class FetchError(RuntimeError):
    """A URL could not be fetched; ``reason`` says why, in words."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason = url, reason


class FetchRefused(FetchError):
    """The URL leads to an address this run may not fetch from (or is not http(s))."""


class FetchLimitReached(FetchError):
    """The run has made as many requests as it may."""


@dataclass(kw_only=True)
class Fetched:
    url: str                 # as asked for
    final_url: str           # after redirects
    status: int
    content_type: str        # media type only, lower case ("text/html")
    charset: str | None      # from the Content-Type header, when the server gave one
    raw: bytes               # body as received (transfer compression undone)
    fetched_at: datetime     # UTC, naive
    redirects: list[str] = field(default_factory=list)  # every URL before final_url, in order
    address: str | None = None  # the address the final response came from
    etag: str | None = None           # validators for a later conditional GET
    last_modified: str | None = None  # (status 304: not modified since, raw is empty)


# ---------------------------------------------------------------- addresses


def address_problem(ip: IPAddress | str) -> str | None:
    """Why ``ip`` is not a public address to fetch from ("a loopback address", ...), or None."""
    ip = ipaddress.ip_address(ip)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is a.b.c.d
            return address_problem(ip.ipv4_mapped)
        embedded = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and (problem := address_problem(embedded)):
            return problem
    for test, words in (("is_loopback", "a loopback address"), ("is_unspecified", "an unspecified address"),
                        ("is_link_local", "a link-local address"), ("is_multicast", "a multicast address"),
                        ("is_private", "a private address"), ("is_reserved", "a reserved address")):
        if getattr(ip, test):
            return words
    if not ip.is_global:
        return "not a public address"
    return None


def allowance(value: bool | str | Iterable[str] | None) -> bool | list[Network]:
    """What non-public addresses may be fetched from: True (all), False (none) or a list
    of networks. ``None`` reads the ``SITROOM_ALLOW_PRIVATE`` setting."""
    if value is None:
        from sitroom.settings import load

        value = load().allow_private
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("", "0", "no", "false", "off"):
            return False
        if word in ("1", "yes", "true", "on", "all"):
            return True
        value = [v for v in word.split(",") if v.strip()]
    try:
        return [ipaddress.ip_network(v.strip(), strict=False) for v in value]
    except ValueError as exc:
        raise ValueError(f"{ALLOW_PRIVATE_ENV} / --allow-private: {exc} (give 1, or networks such as "
                         "10.0.0.0/8,127.0.0.1/32)") from None


def _system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for *_, sockaddr in infos:
        if sockaddr[0] not in seen:
            seen.append(sockaddr[0])
    return seen


class _AddressRefused(Exception):
    def __init__(self, host: str, address: str, problem: str):
        super().__init__(f"{host} resolves to {address}, {problem}" if host != address
                         else f"{address} is {problem}")


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves the host once, checks every address, connects to a checked one."""

    def __init__(self, fetcher: Fetcher):
        self.fetcher = fetcher

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable | None = None) -> httpcore.NetworkStream:
        addresses = self.fetcher.checked_addresses(host, port)
        last: Exception | None = None
        for address in addresses:
            try:
                stream = super().connect_tcp(address, port, timeout=timeout, local_address=local_address,
                                             socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            return stream
        assert last is not None
        raise last


# ---------------------------------------------------------------- the fetcher


class _Host:
    def __init__(self, per_host: int):
        self.slots = threading.BoundedSemaphore(per_host)
        self.next_start = float("-inf")


class Fetcher:
    """Safe fetching for one run; thread-safe. Use as a context manager or call close()."""

    def __init__(self, *, allow_private: bool | str | Iterable[str] | None = None, max_fetches: int | None = MAX_FETCHES,
                 host_interval: float = HOST_INTERVAL, per_host: int = PER_HOST, timeout: float = TIMEOUT,
                 max_bytes: int = MAX_BYTES, max_redirects: int = MAX_REDIRECTS,
                 resolve: Callable[[str, int], list[str]] | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        if per_host < 1:
            raise ValueError("per_host must be at least 1")
        self.allowed = allowance(allow_private)
        self.max_fetches = max_fetches
        self.host_interval = max(0.0, host_interval)
        self.per_host = per_host
        self.timeout, self.max_bytes, self.max_redirects = timeout, max_bytes, max_redirects
        self.resolve = resolve or _system_resolve
        self.clock, self.sleep = clock, sleep
        self.fetches = 0                        # requests made (or begun) so far
        self.log: list[tuple[float, str]] = []  # (clock time a request started, URL)
        self._lock = threading.Lock()
        self._hosts: dict[str, _Host] = {}
        self._client: httpx.Client | None = None

    # -- lifecycle

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    @property
    def remaining(self) -> int | None:
        return None if self.max_fetches is None else max(0, self.max_fetches - self.fetches)

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                transport = httpx.HTTPTransport(retries=0)
                # the one seam httpx leaves for the connection itself: our backend resolves,
                # checks and connects; TLS still verifies against the host name (SNI). If a
                # later httpx moves it, fetching stops here rather than going unguarded.
                pool = getattr(transport, "_pool", None)
                if not isinstance(getattr(pool, "_network_backend", None), httpcore.NetworkBackend):
                    raise RuntimeError("this httpx/httpcore has no connection seam sitroom can guard: "
                                       "refusing to fetch (pin httpx<1 / httpcore<2)")
                pool._network_backend = _GuardedBackend(self)
                self._client = httpx.Client(transport=transport, follow_redirects=False, trust_env=False,
                                            headers={"User-Agent": USER_AGENT, "Accept": ACCEPT})
            return self._client

    # -- addresses

    def checked_addresses(self, host: str, port: int) -> list[str]:
        """Every address ``host`` resolves to, each one allowed, or _AddressRefused. One
        lookup: the connection is then made to these addresses, not to the name."""
        try:
            addresses = self.resolve(host, port)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"DNS lookup failed for {host}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"no address for {host}") from socket.gaierror(f"no address for {host}")
        for address in addresses:
            problem = self.address_refusal(address)
            if problem:  # one bad address refuses the name: no mixing public and private answers
                raise _AddressRefused(host, address, problem)
        return addresses

    def address_refusal(self, address: str) -> str | None:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        problem = address_problem(ip)
        if problem is None or self.allowed is True:
            return None
        if self.allowed and any(ip in net for net in self.allowed if net.version == ip.version):
            return None
        return problem

    # -- pacing and limits

    def _host(self, host: str) -> _Host:
        with self._lock:
            if host not in self._hosts:
                self._hosts[host] = _Host(self.per_host)
            return self._hosts[host]

    def _begin(self, url: str, host: str) -> None:
        """Count the request and wait for its turn at ``host``; the caller holds a slot."""
        with self._lock:
            if self.max_fetches is not None and self.fetches >= self.max_fetches:
                raise FetchLimitReached(url, f"not fetched: the limit of {self.max_fetches} fetches per run was "
                                             "reached (raise it with --max-fetch)")
            self.fetches += 1
            h = self._hosts[host]
            now = self.clock()
            start = max(now, h.next_start)
            h.next_start = start + self.host_interval  # reserved now: the next one waits its turn
        if start > now:
            self.sleep(start - now)
        with self._lock:
            self.log.append((start, url))

    # -- the request

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET ``url``; raise FetchError on any failure or a status of 400 and above.
        With ``etag`` / ``last_modified`` (from an earlier answer) the GET is conditional:
        an unchanged resource comes back with status 304 and no body."""
        current, chain = url, []
        conditional = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}
        for _ in range(self.max_redirects + 1):
            target = self._checked_url(url, current, redirected=bool(chain))
            host = target.host
            slot = self._host(host)
            with slot.slots:  # at most per_host requests open to this host
                self._begin(url, host)
                resp = self._get(url, current, conditional)
            if isinstance(resp, Fetched):
                resp.redirects = chain
                return resp
            chain.append(current)
            current = resp
        raise FetchError(url, "too many redirects")

    def _checked_url(self, url: str, current: str, *, redirected: bool) -> httpx.URL:
        where = f"redirected to {current}: " if redirected else ""
        try:
            target = httpx.URL(current)
        except (httpx.InvalidURL, ValueError) as exc:
            raise FetchError(url, f"{where}invalid URL ({exc})") from None
        if target.scheme not in ("http", "https"):
            raise FetchRefused(url, f"{where}not an http(s) URL")
        if not target.host:
            raise FetchError(url, f"{where}invalid URL (no host)")
        return target

    def _get(self, url: str, current: str, conditional: dict | None = None) -> Fetched | str:
        """One request: a Fetched, or the next URL of a redirect."""
        deadline = time.monotonic() + self.timeout
        hop = f"redirected to {current}: " if current != url else ""
        try:
            with self._http().stream("GET", current, timeout=self.timeout, headers=conditional or None) as resp:
                address = _peer(resp)  # while the connection is surely open
                if resp.status_code == 304 and conditional:
                    return Fetched(url=url, final_url=str(resp.url), status=304, content_type="", charset=None,
                                   raw=b"", fetched_at=datetime.now(UTC).replace(tzinfo=None), address=address,
                                   etag=resp.headers.get("etag") or conditional.get("If-None-Match"),
                                   last_modified=resp.headers.get("last-modified")
                                   or conditional.get("If-Modified-Since"))
                if resp.status_code in REDIRECTS:
                    location = resp.headers.get("location", "").strip()
                    if not location:
                        raise FetchError(url, f"{hop}HTTP {resp.status_code} without a Location")
                    return urljoin(current, location)
                if resp.status_code >= 400:
                    raise FetchError(url, f"{hop}HTTP {resp.status_code} {_phrase(resp)}".rstrip())
                declared = resp.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(url, f"too large ({int(declared):,} bytes; the limit is {self.max_bytes:,})")
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(url, f"too large (over {self.max_bytes:,} bytes)")
                    if time.monotonic() > deadline:
                        raise FetchError(url, f"timed out after {self.timeout:g} s")
                    chunks.append(chunk)
                ctype = resp.headers.get("content-type", "")
                return Fetched(url=url, final_url=str(resp.url), status=resp.status_code,
                               content_type=ctype.split(";")[0].strip().lower(),
                               charset=resp.charset_encoding, raw=b"".join(chunks),
                               fetched_at=datetime.now(UTC).replace(tzinfo=None),
                               address=address, etag=resp.headers.get("etag"),
                               last_modified=resp.headers.get("last-modified"))
        except _AddressRefused as exc:
            allow = ("; allow it with --allow-private or SITROOM_ALLOW_PRIVATE" if self.allowed is not True else "")
            raise FetchRefused(url, f"{hop}refused: {exc}{allow}") from None
        except httpx.TimeoutException:
            raise FetchError(url, f"{hop}timed out after {self.timeout:g} s") from None
        except httpx.ConnectError as exc:
            raise FetchError(url, hop + _connect_reason(exc)) from None
        except httpx.UnsupportedProtocol:
            raise FetchRefused(url, f"{hop}not an http(s) URL") from None
        except httpx.InvalidURL as exc:
            raise FetchError(url, f"{hop}invalid URL ({exc})") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"{hop}cannot fetch ({exc.__class__.__name__}: {exc})") from None


    def post(self, url: str, body: bytes, content_type: str = "application/json") -> int:
        """POST ``body`` to ``url`` (a notification to a webhook) under the same rules as a
        GET: http(s) only, checked addresses, pacing, the fetch limit, a time limit;
        redirects are not followed. Returns the status; FetchError on any failure or a
        status of 400 and above."""
        target = self._checked_url(url, url, redirected=False)
        slot = self._host(target.host)
        with slot.slots:
            self._begin(url, target.host)
            try:
                resp = self._http().post(url, content=body, timeout=self.timeout,
                                         headers={"Content-Type": content_type})
            except _AddressRefused as exc:
                allow = ("; allow it with --allow-private or SITROOM_ALLOW_PRIVATE" if self.allowed is not True
                         else "")
                raise FetchRefused(url, f"refused: {exc}{allow}") from None
            except httpx.TimeoutException:
                raise FetchError(url, f"timed out after {self.timeout:g} s") from None
            except httpx.ConnectError as exc:
                raise FetchError(url, _connect_reason(exc)) from None
            except httpx.HTTPError as exc:
                raise FetchError(url, f"cannot post ({exc.__class__.__name__}: {exc})") from None
        if resp.status_code >= 400:
            raise FetchError(url, f"HTTP {resp.status_code} {_phrase(resp)}".rstrip())
        return resp.status_code


def fetch(url: str, *, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES,
          allow_private: bool | str | Iterable[str] | None = None) -> Fetched:
    """GET one URL with the run's safety checks (a one-off :class:`Fetcher`); raise
    FetchError on any failure or a status of 400 and above.

    ``timeout`` bounds each request as a whole, not only each network wait, so a server
    that drips bytes cannot hold a run; ``max_bytes`` bounds the body.
    """
    with Fetcher(allow_private=allow_private, timeout=timeout, max_bytes=max_bytes, max_fetches=None,
                 host_interval=0.0) as fetcher:
        return fetcher.fetch(url)


def _peer(resp: httpx.Response) -> str | None:
    stream = resp.extensions.get("network_stream")
    try:
        peer = stream.get_extra_info("server_addr") if stream is not None else None
    except OSError:
        return None
    return peer[0] if peer else None


def _phrase(resp: httpx.Response) -> str:
    try:
        return HTTPStatus(resp.status_code).phrase
    except ValueError:
        return resp.reason_phrase or ""


def _connect_reason(exc: httpx.ConnectError) -> str:
    cause = exc.__cause__ or exc.__context__
    while cause is not None and not isinstance(cause, OSError):
        cause = cause.__cause__ or cause.__context__
    if isinstance(cause, socket.gaierror):
        return f"host not found (DNS lookup failed: {cause.strerror or cause})"
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    return f"cannot connect ({exc})"
