"""The only module that speaks HTTP: one GET, redirects followed, size- and time-bounded.

Every failure comes out as a :class:`FetchError` carrying the URL and a reason a user
can act on (HTTP status, timeout, DNS, refused connection, too large).
"""
from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus

import httpx

from sitroom import __version__

# Named, with a way to find out who we are: sites block anonymous scrapers, and an
# operator who sees us in their logs should know what we do with their pages.
USER_AGENT = (f"sitroom/{__version__} (+https://github.com/sitroom/sitroom; "
              "archives news reports for crisis analysis)")
ACCEPT = ("text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
          "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5")


class FetchError(RuntimeError):
    """A URL could not be fetched; ``reason`` says why, in words."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason = url, reason


@dataclass(kw_only=True)
class Fetched:
    url: str                 # as asked for
    final_url: str           # after redirects
    status: int
    content_type: str        # media type only, lower case ("text/html")
    charset: str | None      # from the Content-Type header, when the server gave one
    raw: bytes               # body as received (transfer compression undone)
    fetched_at: datetime     # UTC, naive


def fetch(url: str, *, timeout: float = 20.0, max_bytes: int = 10_000_000) -> Fetched:
    """GET ``url``; raise FetchError on any failure or a status of 400 and above.

    ``timeout`` bounds the whole exchange, not only each network wait, so a server
    that drips bytes cannot hold a run; ``max_bytes`` bounds the body.
    """
    deadline = time.monotonic() + timeout
    try:
        with (httpx.Client(follow_redirects=True, timeout=timeout, max_redirects=10,
                           headers={"User-Agent": USER_AGENT, "Accept": ACCEPT}) as client,
              client.stream("GET", url) as resp):
            if resp.status_code >= 400:
                raise FetchError(url, f"HTTP {resp.status_code} {_phrase(resp)}".rstrip())
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(url, f"too large ({int(declared):,} bytes; the limit is {max_bytes:,})")
            chunks, size = [], 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(url, f"too large (over {max_bytes:,} bytes)")
                if time.monotonic() > deadline:
                    raise FetchError(url, f"timed out after {timeout:g} s")
                chunks.append(chunk)
            ctype = resp.headers.get("content-type", "")
            return Fetched(url=url, final_url=str(resp.url), status=resp.status_code,
                           content_type=ctype.split(";")[0].strip().lower(),
                           charset=resp.charset_encoding, raw=b"".join(chunks),
                           fetched_at=datetime.now(UTC).replace(tzinfo=None))
    except httpx.TimeoutException:
        raise FetchError(url, f"timed out after {timeout:g} s") from None
    except httpx.TooManyRedirects:
        raise FetchError(url, "too many redirects") from None
    except httpx.ConnectError as exc:
        raise FetchError(url, _connect_reason(exc)) from None
    except httpx.UnsupportedProtocol:
        raise FetchError(url, "not an http(s) URL") from None
    except httpx.InvalidURL as exc:
        raise FetchError(url, f"invalid URL ({exc})") from None
    except httpx.HTTPError as exc:
        raise FetchError(url, f"cannot fetch ({exc.__class__.__name__}: {exc})") from None


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
