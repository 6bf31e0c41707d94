"""Turn what the user names (files, folders, JSON Lines, URLs, feeds) into raw inputs.

Each input comes out as a ``RawInput`` (the bytes as received plus what the reader
knew) or an ``InputError`` naming it and the problem; one bad input never stops the
others.
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import feedparser

from sitroom.ingest.decode import decode_bytes
from sitroom.ingest.fetch import FetchError, fetch
from sitroom.ingest.html import NotAnArticle, article_from_html
from sitroom.models import InputError, RawInput

TEXT_EXT = {".txt": "text/plain", ".text": "text/plain", ".md": "text/markdown", ".markdown": "text/markdown"}
HTML_EXT = {".html", ".htm", ".xhtml"}
JSONL_EXT = {".jsonl", ".ndjson", ".json"}
FEED_EXT = {".rss", ".atom", ".xml"}
KNOWN_EXT = set(TEXT_EXT) | HTML_EXT | JSONL_EXT | FEED_EXT
FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml"}

Item = RawInput | InputError


def iter_inputs(specs: Sequence[str], *, online: bool = True) -> Iterator[Item]:
    for spec in specs:
        if spec.startswith(("http://", "https://")):
            if not online:
                yield InputError(origin=spec, problem="offline mode: URL not fetched")
            else:
                yield from read_url(spec)
            continue
        path = Path(spec)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*")
                           if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts))
            for p in files:
                if p.suffix.lower() in KNOWN_EXT:
                    yield from read_file(p)
        else:
            yield from read_file(path)


def read_file(path: Path) -> Iterator[Item]:
    origin = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        yield InputError(origin=origin, problem=f"cannot read: {exc.strerror or exc}")
        return
    if not raw.strip():
        yield InputError(origin=origin, problem="empty document")
        return
    ext = path.suffix.lower()
    if ext in JSONL_EXT:
        yield from read_jsonl(raw, origin)
    elif ext in HTML_EXT or (ext not in KNOWN_EXT and _sniff_html(raw)):
        yield _html_input(raw, origin, url=None)
    elif ext in FEED_EXT:
        yield from _feed_entries(raw, origin)
    else:
        yield RawInput(origin=origin, raw=raw, content_type=TEXT_EXT.get(ext, "text/plain"))


def _sniff_html(raw: bytes) -> bool:
    head = raw[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def _html_input(raw: bytes, origin: str, url: str | None, declared: str | None = None) -> Item:
    try:
        html = decode_bytes(raw, origin, declared)
        text, meta = article_from_html(html, url)
    except (ValueError, NotAnArticle) as exc:
        return InputError(origin=origin, problem=str(exc))
    return RawInput(origin=origin, raw=raw, content_type="text/html", url=meta.url or url, outlet=meta.outlet,
                    title=meta.title, published=meta.published, author=meta.author, text=text)


def read_jsonl(raw: bytes, origin: str) -> Iterator[Item]:
    try:
        text = decode_bytes(raw, origin)
    except ValueError as exc:
        yield InputError(origin=origin, problem=str(exc))
        return
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{origin} line {n}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(origin=where, problem=f"malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        problem = _check_record(rec)
        if problem:
            yield InputError(origin=where, problem=problem)
            continue
        try:
            published = date.fromisoformat(rec["published"][:10]) if rec.get("published") else None
        except ValueError:
            yield InputError(origin=where, problem=f"'published' is not a YYYY-MM-DD date: {rec['published']!r}")
            continue
        yield RawInput(origin=where, raw=line.encode("utf-8"), content_type="application/json",
                       external_id=str(rec["id"]) if rec.get("id") is not None else None, url=rec.get("url"),
                       outlet=rec.get("outlet"), title=rec.get("title"), published=published,
                       author=rec.get("author"), text=rec["text"])


def _check_record(rec: object) -> str | None:
    if not isinstance(rec, dict):
        return "a line must be a JSON object"
    if not isinstance(rec.get("text"), str):
        return "missing 'text' (a string)"
    if not rec["text"].strip():
        return "empty document ('text' is blank)"
    for key in ("url", "outlet", "published", "title", "author"):
        if rec.get(key) is not None and not isinstance(rec[key], str):
            return f"'{key}' must be a string or null"
    if rec.get("id") is not None and not isinstance(rec["id"], (str, int)):
        return "'id' must be a string or a number"
    return None


def read_url(url: str) -> Iterator[Item]:
    try:
        page = fetch(url)
    except FetchError as exc:
        yield InputError(origin=url, problem=exc.reason)
        return
    head = page.raw[:512].lstrip().lower()
    if page.content_type in FEED_TYPES or head.startswith(b"<?xml") and (b"<rss" in page.raw[:2048] or b"<feed" in page.raw[:2048]):
        yield from _feed_entries(page.raw, url)
    elif page.content_type in ("text/html", "application/xhtml+xml") or _sniff_html(page.raw):
        yield _html_input(page.raw, url, page.final_url, page.charset)
    elif page.content_type.startswith("text/"):
        yield RawInput(origin=url, raw=page.raw, content_type=page.content_type, url=page.final_url)
    else:
        yield InputError(origin=url, problem=f"unsupported content type {page.content_type or 'unknown'}")


def _feed_entries(raw: bytes, origin: str) -> Iterator[Item]:
    feed = feedparser.parse(raw)
    if not feed.entries:
        yield InputError(origin=origin, problem="not an RSS/Atom feed, or a feed with no entries")
        return
    for entry in feed.entries:
        link = entry.get("link")
        if not link:
            yield InputError(origin=origin, problem=f"feed entry {entry.get('title', '?')!r} has no link")
            continue
        for item in read_url(link):
            if isinstance(item, RawInput) and item.outlet is None:
                item.outlet = feed.feed.get("title")
            yield item
