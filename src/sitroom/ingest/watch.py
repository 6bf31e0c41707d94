"""Live monitoring: follow RSS/Atom feeds (and plain pages) as they publish.

Each round polls every feed through the run's fetching rules (``ingest/fetch.py``: http(s)
only, checked addresses, limits, pacing) with a conditional GET (the ETag and
Last-Modified of the last answer are kept in the store's ``feeds`` table), fetches only
the entries not seen before (``feed_items``), archives them, extracts what is pending
(each source claimed, as ``analyze`` does) and attaches the new mentions to the stored
incidents incrementally (``fuse.stored.fuse_pending``: only the incidents they touch are
recomputed, never a full re-fusion). What changed (a new incident, a toll that rose, a
figure that contradicts another) is recorded in the store (``GET /api/changes``) and sent
to the notifiers (``report/notify.py``; the payload is described in docs/watch.md).

A feed that fails is polled again only after a backoff that doubles with each failure in
a row (1 minute, 2, 4, ... at most 6 hours); a success clears it. Every step is logged as
one JSON object a line (logger ``sitroom.watch``). ``watch`` stops between two steps when
its ``stop`` event is set (the CLI sets it on SIGTERM and SIGINT).
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from sitroom.ingest.fetch import Fetcher, FetchError
from sitroom.models import InputError, RawInput
from sitroom.pipeline import AnalyzeResult, archive_item, extract_pending
from sitroom.report import notify
from sitroom.store import incidents as incident_sql
from sitroom.store.db import Store
from sitroom.store.schema import incidents

log = logging.getLogger("sitroom.watch")

BACKOFF_BASE = 60.0          # seconds before polling a feed again after its first failure
BACKOFF_MAX = 6 * 3600.0     # the longest wait, however many failures in a row


def event(name: str, **fields) -> None:
    """One structured log line: ``{"event": name, ...}`` (JSON)."""
    log.info(json.dumps({"event": name, **fields}, default=str, ensure_ascii=False))


def parse_every(text: str) -> float:
    """"10m", "90s", "1h", "1h30m" or a number of seconds -> seconds."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        seconds = float(text)
    else:
        parts = re.findall(r"(\d+(?:\.\d+)?)\s*([hms])", text)
        if not parts or "".join(f"{n}{u}" for n, u in parts) != re.sub(r"\s+", "", text):
            raise ValueError(f"not a duration: {text!r} (say 90s, 10m, 1h or 1h30m)")
        seconds = sum(float(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in parts)
    if seconds <= 0:
        raise ValueError("the interval must be more than 0 seconds")
    return seconds


def backoff(failures: int) -> float:
    return min(BACKOFF_MAX, BACKOFF_BASE * 2 ** max(0, failures - 1))


@dataclass
class FeedPoll:
    url: str
    outcome: str                 # new | unchanged | not_modified | failed | backoff
    status: int | None = None    # HTTP status (304: not modified)
    items: int = 0               # entries in the feed (a page: 1)
    new: int = 0                 # entries not seen before, fetched now
    error: str | None = None


@dataclass
class Round:
    polls: list[FeedPoll] = field(default_factory=list)
    result: AnalyzeResult = field(default_factory=AnalyzeResult)
    notifications: list[dict] = field(default_factory=list)
    notify_errors: list[str] = field(default_factory=list)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _entries(raw: bytes, url: str) -> list[dict] | str:
    """A feed's entries as {key, link, title, author, published}, or the problem."""
    import feedparser

    from sitroom.ingest.readers import _entry_date, _plain, _sniff, _xml_limit_problem

    if (problem := _xml_limit_problem(raw)):
        return problem
    feed = feedparser.parse(raw)  # bytes: feedparser fetches nothing
    if not feed.get("version") and _sniff(raw) != "feed":
        return "not an RSS/Atom feed"
    out, seen = [], set()
    from urllib.parse import urljoin

    for entry in feed.entries:
        link = urljoin(url, (entry.get("link") or "").strip()) if entry.get("link") else ""
        if not link.startswith(("http://", "https://")) or link in seen:
            continue
        seen.add(link)
        out.append({"key": _key(entry.get("id") or link), "link": link, "title": _plain(entry.get("title")),
                    "author": _plain(entry.get("author")), "published": _entry_date(entry),
                    "outlet": _plain(feed.feed.get("title"))})
    return out


def poll(store: Store, url: str, fetcher: Fetcher, result: AnalyzeResult, *, collection: str | None = None,
         now: datetime | None = None) -> FeedPoll:
    """Poll one feed (or page) and archive what is new in it."""
    from sitroom.ingest.readers import _kind_of_response, _read_bytes, _read_url

    now = now or _now()
    state = store.feed_state(url)
    if state.get("retry_after") and state["retry_after"] > now:
        return FeedPoll(url, "backoff", error=state.get("error"))
    try:
        page = fetcher.fetch(url, etag=state.get("etag"), last_modified=state.get("last_modified"))
    except FetchError as exc:
        failures = (state.get("failures") or 0) + 1
        store.update_feed(url, checked_at=now, status=None, error=exc.reason[:2000], failures=failures,
                          retry_after=now + timedelta(seconds=backoff(failures)))
        return FeedPoll(url, "failed", error=exc.reason)
    ok = dict(checked_at=now, ok_at=now, status=page.status, error=None, failures=0, retry_after=None)
    if page.status == 304:
        store.update_feed(url, **ok)
        return FeedPoll(url, "not_modified", status=304)
    kind = _kind_of_response(page.content_type, page.raw, page.final_url)
    got = FeedPoll(url, "unchanged", status=page.status)
    if kind == "feed":
        entries = _entries(page.raw, url)
        if isinstance(entries, str):
            store.update_feed(url, **{**ok, "error": entries})
            return FeedPoll(url, "failed", status=page.status, error=entries)
        got.items = len(entries)
        seen = store.seen_items(url, [e["key"] for e in entries])
        for e in entries:
            if e["key"] in seen:
                continue
            if fetcher.remaining == 0:
                result.errors.append(InputError(origin=url, problem="feed entries left for the next round: the "
                                                                    "limit of fetches per round was reached"))
                break
            sid, failed = None, False
            for item in _read_url(e["link"], online=True, feed_ok=False, fetcher=fetcher):
                if isinstance(item, RawInput):
                    item.outlet = item.outlet or e["outlet"]
                    item.title = item.title or e["title"]
                    item.author = item.author or e["author"]
                    item.published = item.published or e["published"]
                else:
                    failed = True
                sid = archive_item(item, store, result, collection=collection) or sid
            if not failed:  # a page that failed is tried again next round
                store.add_feed_item(url, e["key"], e["link"], sid)
                got.new += 1
    elif kind is None:
        store.update_feed(url, **{**ok, "error": f"unsupported content type {page.content_type or '(none)'}"})
        return FeedPoll(url, "failed", status=page.status, error="unsupported content type")
    else:  # a page (or a file of records) watched for new versions: new bytes are a new source
        got.items = 1
        key = _key(hashlib.sha256(page.raw).hexdigest())
        if not store.seen_items(url, [key]):
            capture = {"fetched_at": page.fetched_at, "final_url": page.final_url, "redirects": page.redirects,
                       "address": page.address, "status": page.status, "content_type": page.content_type}
            sid = None
            for item in _read_bytes(page.raw, url, kind, url=page.final_url, declared=page.charset, online=True,
                                    fetcher=fetcher):
                if isinstance(item, RawInput):
                    item.capture = capture
                sid = archive_item(item, store, result, collection=collection) or sid
            store.add_feed_item(url, key, page.final_url, sid)
            got.new = 1
    if got.new:
        got.outcome = "new"
    store.update_feed(url, **ok, etag=page.etag, last_modified=page.last_modified,
                      items=(state.get("items") or 0) + got.new)
    return got


def snapshot(store: Store) -> dict[str, dict]:
    """Active incidents' tolls and whether they are contested (before a round's fusion)."""
    q = select(incidents.c.id, incidents.c.killed_best, incidents.c.injured_best,
               incidents.c.extra.like('%"toll_contested": true%').label("contested")) \
        .where(incidents.c.status == "active")
    return store.incident_read(lambda c: {r.id: {"killed_best": r.killed_best, "injured_best": r.injured_best,
                                                 "contested": bool(r.contested)} for r in c.execute(q)})


def written_since(store: Store, t0: datetime) -> list[dict]:
    def fn(conn):
        ids = list(conn.execute(select(incidents.c.id).where(incidents.c.updated_at >= t0)).scalars())
        return incident_sql.rows(conn, ids=ids, statuses=None) if ids else []

    return store.incident_read(fn)


def watch_round(store: Store, urls: Sequence[str], fetcher: Fetcher, *, notifiers: Sequence = (),
                collection: str | None = None, across: bool = False, time_budget: float | None = None,
                stop: threading.Event | None = None) -> Round:
    """One round: poll every feed, archive what is new, extract it, attach it to the stored
    incidents (incrementally) and notify what changed."""
    rnd = Round()
    for url in urls:
        if stop is not None and stop.is_set():
            break
        p = poll(store, url, fetcher, rnd.result, collection=collection)
        rnd.polls.append(p)
        event("poll", url=url, outcome=p.outcome, status=p.status, items=p.items, new=p.new, error=p.error)
    if stop is not None and stop.is_set() and not rnd.result.added:
        return rnd
    if not (rnd.result.added or store.pending_ids() or store.incident_read(incident_sql.unfused)):
        event("attached", sources=0, extracted=0, fused=0, incidents=0,
              errors=[f"{e.origin}: {e.problem}" for e in rnd.result.errors])
        return rnd  # nothing new: no extraction, no fusion
    before = snapshot(store)
    t0 = incident_sql.now()
    extract_pending(store, rnd.result, time_budget=time_budget, across=across, collection=collection)
    event("attached", sources=len(rnd.result.added), extracted=len(rnd.result.extracted),
          fused=rnd.result.fused_sources, incidents=rnd.result.incidents_touched,
          errors=[f"{e.origin}: {e.problem}" for e in rnd.result.errors])
    rnd.notifications = notify.changes(before, written_since(store, t0))
    for target in [notify.StoreChanges(store), *notifiers]:
        try:
            target.send(rnd.notifications)
        except Exception as exc:  # noqa: BLE001 - one failing target must not stop the others
            rnd.notify_errors.append(f"{target.name}: {exc}")
            event("notify_failed", target=target.name, error=str(exc))
    if rnd.notifications:
        event("notified", changes=len(rnd.notifications),
              kinds=sorted({n["kind"] for n in rnd.notifications}))
    return rnd


def watch(store: Store, urls: Sequence[str], *, every: float = 600.0, rounds: int | None = None,
          stop: threading.Event | None = None, make_fetcher: Callable[[], Fetcher] | None = None,
          notify_to: Sequence[str] = (), collection: str | None = None, across: bool = False,
          time_budget: float | None = None, on_round: Callable[[Round], None] | None = None) -> Round | None:
    """Follow ``urls``: a round every ``every`` seconds until ``stop`` is set (or after
    ``rounds`` rounds: 1 for ``--once``). Each round gets a fresh Fetcher from
    ``make_fetcher`` (its limits are per round). ``notify_to``: JSON Lines files and
    webhook URLs (``notify.targets``). Returns the last round."""
    stop = stop or threading.Event()
    make_fetcher = make_fetcher or Fetcher
    last, n = None, 0
    event("watch_start", feeds=len(urls), every=every, once=rounds == 1)
    while not stop.is_set():
        with make_fetcher() as fetcher:
            targets = notify.targets(notify_to, fetcher=fetcher)
            last = watch_round(store, urls, fetcher, notifiers=targets, collection=collection, across=across,
                               time_budget=time_budget, stop=stop)
        n += 1
        if on_round:
            on_round(last)
        if rounds is not None and n >= rounds:
            break
        stop.wait(every)
    event("watch_stop", rounds=n)
    return last
