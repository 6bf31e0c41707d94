"""The only module that speaks HTTP."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import httpx

from sitroom import __version__

USER_AGENT = f"sitroom/{__version__} (+https://github.com/sitroom; archiving news reports for analysis)"


class FetchError(RuntimeError):
    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason = url, reason


@dataclass(kw_only=True)
class Fetched:
    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    raw: bytes
    fetched_at: datetime


def fetch(url: str, *, timeout: float = 20.0, max_bytes: int = 10_000_000) -> Fetched:
    try:
        with httpx.Client(follow_redirects=True, timeout=timeout, headers={"User-Agent": USER_AGENT}) as client:
            with client.stream("GET", url) as resp:
                if resp.status_code >= 400:
                    raise FetchError(url, f"HTTP {resp.status_code}")
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchError(url, f"larger than {max_bytes} bytes")
                    chunks.append(chunk)
                ctype = resp.headers.get("content-type", "")
                return Fetched(url=url, final_url=str(resp.url), status=resp.status_code,
                               content_type=ctype.split(";")[0].strip().lower(), charset=resp.charset_encoding,
                               raw=b"".join(chunks), fetched_at=datetime.now(timezone.utc).replace(tzinfo=None))
    except httpx.TimeoutException:
        raise FetchError(url, "timed out") from None
    except httpx.HTTPError as exc:
        raise FetchError(url, f"cannot fetch ({exc.__class__.__name__}: {exc})") from None
