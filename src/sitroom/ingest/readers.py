"""Turn what the user names (files, folders, JSON Lines, URLs, feeds) into raw inputs.

Each input comes out as a ``RawInput`` (the bytes as received plus what the reader
knew: for HTML the extracted article text, for text files the decoded text) or an
``InputError`` naming it and the problem; one bad input never stops the others.

A spec is
  * a file: ``.txt`` ``.md`` ``.markdown`` (text), ``.html`` ``.htm`` (article page),
    ``.jsonl`` ``.json`` (records of ``{"id","url","outlet","published","title","text"}``),
    ``.csv`` (a row per report, with those columns: ``ingest/tables.py``; sitroom's own
    exports are refused with an error naming the file),
    ``.xml`` ``.rss`` ``.atom`` (a feed whose entries are fetched); any other name is
    sniffed (a feed, HTML, or else text);
  * a folder: those files inside it, recursively, in sorted order, hidden ones skipped;
  * an http(s) URL: a page, a text file, JSON Lines, or an RSS/Atom feed, told apart by
    content type and by sniffing the body.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, Literal
from urllib.parse import urljoin

import feedparser
from lxml import etree

from sitroom.ingest.decode import decode_bytes
from sitroom.ingest.fetch import Fetcher, FetchError
from sitroom.ingest.html import NotAnArticle, article_from_html
from sitroom.models import InputError, RawInput

Item = RawInput | InputError
Kind = Literal["text", "markdown", "html", "jsonl", "json", "feed"]

EXTENSIONS: dict[str, Kind] = {
    ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".xml": "feed", ".rss": "feed", ".atom": "feed",
}
TEXT_TYPES = {"text": "text/plain", "markdown": "text/markdown"}
HTML_TYPES = {"text/html", "application/xhtml+xml"}
FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+xml"}
XML_TYPES = {"application/xml", "text/xml"}
JSONL_TYPES = {"application/jsonl", "application/x-jsonl", "application/x-ndjson", "application/json-lines",
               "application/jsonlines"}
# served for anything by some hosts (raw file hosts, misconfigured servers): trust the body
VAGUE_TYPES = {"", "text/plain", "application/octet-stream", "binary/octet-stream"}

MAX_FILE_BYTES = 50_000_000   # far beyond any article; JSON Lines files are streamed instead
# Limits on one input, so that no input can exhaust the parser or abort the run: far beyond
# any real report, and each one a clear error naming the input when exceeded.
MAX_RECORD_BYTES = 10_000_000  # one JSON Lines line (or one .json document's record)
MAX_JSON_DEPTH = 100           # arrays/objects inside one another (a record is flat)
MAX_NUMBER_DIGITS = 100        # digits of one JSON integer (Python refuses 4,300 and more)
MAX_XML_DEPTH = 256            # elements inside one another in a feed (libxml2's own limit)
EMPTY = "empty document"
OFFLINE = "offline mode: URL not fetched"
RECORD_KEYS = ("id", "url", "outlet", "published", "title", "author", "text")
TABLE_EXTENSIONS = (".csv",)   # a corpus as a table (ingest/tables.py)


def iter_inputs(specs: Sequence[str], *, online: bool = True, fetcher: Fetcher | None = None) -> Iterator[Item]:
    """Every input the specs name, in order, as RawInput or InputError.

    URLs are fetched through ``fetcher`` (one per run: it holds the run's limits on
    fetches and per-host pacing); a default one is made when none is given.
    """
    own = Fetcher() if online and fetcher is None else None
    try:
        for spec in specs:
            spec = spec.strip()
            if not spec:  # Path("") is the current folder: never read that by accident
                yield InputError(origin="(blank)", problem="an input name is blank")
                continue
            yield from _guarded(spec, _read_spec(spec, online=online, fetcher=fetcher or own))
    finally:
        if own is not None:
            own.close()


def _read_spec(spec: str, *, online: bool, fetcher: Fetcher | None) -> Iterator[Item]:
    if _is_url(spec):
        yield from read_url(spec, online=online, fetcher=fetcher)
        return
    path = Path(spec).expanduser()
    if path.is_dir():
        yield from read_directory(path, online=online, fetcher=fetcher)
    else:
        yield from read_file(path, online=online, fetcher=fetcher)


def _guarded(spec: str, items: Iterator[Item]) -> Iterator[Item]:
    """The last line of defence: a reader that raises (a bug, or a parser's limit we did
    not foresee) costs what is left of this spec, named, never the specs after it."""
    last = spec
    try:
        for item in items:
            last = item.origin
            yield item
    except (Exception, RecursionError) as exc:  # noqa: BLE001 - reported, not hidden
        where = spec if last == spec else f"{spec} (after {last})"
        yield InputError(origin=where, problem=f"cannot read ({exc.__class__.__name__}: {_short(exc)}); "
                                              "the rest of this input was skipped")


def _short(exc: BaseException, limit: int = 300) -> str:
    text = str(exc)
    return text if len(text) <= limit else text[:limit] + "..."


# ---------------------------------------------------------------- files and folders


def read_directory(root: Path, *, online: bool = True, fetcher: Fetcher | None = None) -> Iterator[Item]:
    """The inputs in a folder and its subfolders, sorted by path, hidden ones skipped."""
    found: list[Path] = []
    errors: list[InputError] = []

    def unreadable(exc: OSError) -> None:
        errors.append(InputError(origin=str(exc.filename or root), problem=f"cannot read: {_os_reason(exc)}"))

    # os.walk does not follow symlinked folders: no cycles, nothing read twice
    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]  # .git, .cache, ...
        found += [Path(dirpath, f) for f in filenames
                  if not f.startswith(".") and (Path(f).suffix.lower() in EXTENSIONS
                                                or Path(f).suffix.lower() in TABLE_EXTENSIONS)]
    if not found and not errors:
        yield InputError(origin=str(root), problem="no inputs in this folder (looked for "
                         + " ".join(sorted(EXTENSIONS)) + ")")
    # sorted by path parts: a folder's files stay together, in the same order on every system
    for path in sorted(found, key=lambda p: p.relative_to(root).parts):
        yield from read_file(path, online=online, fetcher=fetcher)
    yield from errors


def read_file(path: Path, *, online: bool = True, fetcher: Fetcher | None = None) -> Iterator[Item]:
    """The input(s) one file holds: one for a page or text, one per record for JSON."""
    origin = str(path)
    kind = EXTENSIONS.get(path.suffix.lower())
    try:
        size = path.stat().st_size
        if not path.is_file():
            yield InputError(origin=origin, problem="not a regular file or a folder")
            return
        if kind == "jsonl" or (kind == "json" and size > MAX_FILE_BYTES):
            yield from _jsonl_file(path)
            return
        if path.suffix.lower() in TABLE_EXTENSIONS:
            from sitroom.ingest.tables import read_csv

            yield from read_csv(path, _record_input)
            return
        if size > MAX_FILE_BYTES:
            yield InputError(origin=origin, problem=f"too large for a report ({size:,} bytes)")
            return
        raw = path.read_bytes()
    except OSError as exc:
        yield InputError(origin=origin, problem=f"cannot read: {_os_reason(exc)}")
        return
    if not raw.strip():
        yield InputError(origin=origin, problem=EMPTY)
        return
    if kind is None:
        kind = _sniff(raw) or "text"
    yield from _read_bytes(raw, origin, kind, url=None, declared=None, online=online, fetcher=fetcher)


def _read_bytes(raw: bytes, origin: str, kind: Kind, *, url: str | None, declared: str | None,
                online: bool, fetcher: Fetcher | None = None) -> Iterator[Item]:
    if kind == "html":
        yield _html_input(raw, origin, url=url, declared=declared)
    elif kind == "feed":
        yield from _feed_entries(raw, origin, online=online, fetcher=fetcher)
    elif kind == "jsonl":
        yield from _records_or_empty(_split_lines(raw), origin)
    elif kind == "json":
        yield from _json_document(raw, origin)
    else:
        yield _text_input(raw, origin, TEXT_TYPES[kind], url=url, declared=declared)


def _text_input(raw: bytes, origin: str, content_type: str, *, url: str | None = None,
                declared: str | None = None) -> Item:
    # decoded here rather than later so that binary and empty files are named at intake
    try:
        text = decode_bytes(raw, origin, declared)
    except ValueError as exc:
        return InputError(origin=origin, problem=str(exc))
    if not text.strip():
        return InputError(origin=origin, problem=EMPTY)
    return RawInput(origin=origin, raw=raw, content_type=content_type, url=url, text=text)


def _html_input(raw: bytes, origin: str, *, url: str | None, declared: str | None = None) -> Item:
    try:
        text, meta = article_from_html(raw, url, declared=declared)
    except (ValueError, NotAnArticle) as exc:  # not text, or not an article
        return InputError(origin=origin, problem=str(exc))
    return RawInput(origin=origin, raw=raw, content_type="text/html", url=meta.url or url, outlet=meta.outlet,
                    title=meta.title, published=meta.published, author=meta.author, text=text)


# ---------------------------------------------------------------- JSON Lines and JSON


def read_jsonl(raw: bytes, origin: str) -> Iterator[Item]:
    """One RawInput per JSON Lines record in ``raw``; an InputError per bad line."""
    yield from _records_or_empty(_split_lines(raw), origin)


def _jsonl_file(path: Path) -> Iterator[Item]:
    # streamed: a collection can be far larger than memory wants to hold at once
    with path.open("rb") as f:  # binary lines end at b"\n" only (U+2028 may sit inside a string)
        yield from _records_or_empty(_bounded_lines(f), str(path))


def _records_or_empty(lines: Iterable[tuple[int, bytes | None]], origin: str) -> Iterator[Item]:
    seen = False
    for item in _records(lines, origin):
        seen = True
        yield item
    if not seen:  # blank lines only (or a byte-order mark and blank lines)
        yield InputError(origin=origin, problem=EMPTY)


def _bounded_lines(f: BinaryIO, limit: int | None = None) -> Iterator[tuple[int, bytes | None]]:
    """Numbered lines of a binary file; None for a line over ``limit`` bytes, which is
    skipped without ever being held whole in memory."""
    limit = limit or MAX_RECORD_BYTES
    n = 0
    while line := f.readline(limit + 1):
        n += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := f.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield n, None
        else:
            yield n, line


def _split_lines(raw: bytes) -> Iterable[tuple[int, bytes | None]]:
    return ((n, line if len(line) <= MAX_RECORD_BYTES else None) for n, line in enumerate(raw.split(b"\n"), 1))


def _records(lines: Iterable[tuple[int, bytes | None]], origin: str) -> Iterator[Item]:
    from sitroom.ingest.tables import is_own_export, own_export_error

    first = True
    for n, line in lines:
        where = f"{origin} line {n}"
        if line is None:
            yield InputError(origin=where, problem=f"line too long (over {MAX_RECORD_BYTES:,} bytes; "
                                                   "one record is one report)")
            continue
        line = line.rstrip(b"\r\n")
        if n == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 BOM some editors write
        if not line.strip():
            continue
        try:
            rec = parse_json(line.decode("utf-8"))
        except UnicodeDecodeError:
            yield InputError(origin=where, problem="not UTF-8 (JSON Lines files must be UTF-8)")
            continue
        except json.JSONDecodeError as exc:
            yield InputError(origin=where, problem=f"malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        except JSONLimitError as exc:
            yield InputError(origin=where, problem=str(exc))
            continue
        if first and is_own_export(rec):   # our own export given back: refused whole
            yield own_export_error(origin)
            return
        first = False
        yield _record_input(rec, line, where)


class JSONLimitError(ValueError):
    """JSON that is well-formed, or may be, but beyond what one input may hold."""


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Do arrays and objects nest more than ``limit`` deep in ``text`` (JSON)? Linear in
    the text and without recursion; brackets inside strings do not count."""
    if text.count("[") + text.count("{") <= limit:  # the common case, in C
        return False
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    depth = 0
    for c in brackets:
        depth += 1 if c in "[{" else -1
        if depth > limit:
            return True
    return False


def _json_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise JSONLimitError(f"a number is too long ({len(digits.lstrip('-')):,} digits; "
                             f"the limit is {MAX_NUMBER_DIGITS})")
    return int(digits)


def parse_json(text: str) -> Any:
    """``json.loads`` within the limits on one input: nesting depth, number length, and
    strings that are valid Unicode (JSON's \\ud800 escapes can spell lone surrogates,
    which no UTF-8 store or file can hold). Raises JSONDecodeError or JSONLimitError."""
    if json_too_deep(text):
        raise JSONLimitError(f"nested too deeply (more than {MAX_JSON_DEPTH} levels of arrays or objects)")
    try:
        doc = json.loads(text, parse_int=_json_int)
    except RecursionError:  # not reached after the depth check; kept as a guard
        raise JSONLimitError(f"nested too deeply (more than {MAX_JSON_DEPTH} levels of arrays or objects)") from None
    except ValueError as exc:
        if isinstance(exc, (json.JSONDecodeError, JSONLimitError)):
            raise
        raise JSONLimitError(f"a value cannot be read ({exc})") from None
    return doc


def _surrogate_problem(value: str, field: str) -> str | None:
    """A lone surrogate (from a \\ud800-style escape) in ``value``, named, or None."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        char = value[exc.start]
        return (f"'{field}' holds a lone surrogate (\\u{ord(char):04x} at character {exc.start + 1}), "
                "which is not valid Unicode text")
    return None


def _json_document(raw: bytes, origin: str) -> Iterator[Item]:
    """A .json file: one record, an array of records, or (commonly) JSON Lines."""
    try:
        text = decode_bytes(raw, origin)
    except ValueError as exc:
        yield InputError(origin=origin, problem=str(exc))
        return
    try:
        doc = parse_json(text)
    except json.JSONDecodeError:  # not one JSON document: read it as JSON Lines
        yield from _records_or_empty(_split_lines(raw), origin)
        return
    except JSONLimitError as exc:
        yield InputError(origin=origin, problem=str(exc))
        return
    if isinstance(doc, list):
        if not doc:
            yield InputError(origin=origin, problem=EMPTY + " (an empty JSON array)")
        for i, rec in enumerate(doc, 1):
            # each record archived on its own: its own bytes, so identical records dedupe
            # and different ones do not share a hash
            try:
                own = json.dumps(rec, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate: _record_input names it when it is in a field
                own = json.dumps(rec).encode("ascii")
            yield _record_input(rec, own, f"{origin} item {i}")
    else:
        yield _record_input(doc, raw, origin)


def _record_input(rec: Any, raw: bytes, where: str) -> Item:
    problem = _check_record(rec)
    if problem:
        return InputError(origin=where, problem=problem)
    try:
        published = _record_date(rec.get("published"))
    except ValueError:
        return InputError(origin=where, problem=f"'published' is not a YYYY-MM-DD date: {rec['published']!r}")
    return RawInput(origin=where, raw=raw, content_type="application/json",
                    external_id=str(rec["id"]) if rec.get("id") not in (None, "") else None,
                    url=rec.get("url") or None, outlet=rec.get("outlet") or None, title=rec.get("title") or None,
                    published=published, author=rec.get("author") or None, text=rec["text"])


def _check_record(rec: Any) -> str | None:
    if not isinstance(rec, dict):
        return f"a record must be a JSON object, not {_json_type(rec)}"
    if "text" not in rec or rec["text"] is None:
        return "missing 'text' (the report itself, a string)"
    if not isinstance(rec["text"], str):
        return f"'text' must be a string, not {_json_type(rec['text'])}"
    if not rec["text"].strip():
        return f"{EMPTY} ('text' is blank)"
    for key in ("url", "outlet", "published", "title", "author"):
        if rec.get(key) is not None and not isinstance(rec[key], str):
            return f"'{key}' must be a string or null, not {_json_type(rec[key])}"
    if rec.get("id") is not None and (isinstance(rec["id"], bool) or not isinstance(rec["id"], (str, int))):
        return f"'id' must be a string or a number, not {_json_type(rec['id'])}"
    for key in RECORD_KEYS:
        if isinstance(rec.get(key), str) and (problem := _surrogate_problem(rec[key], key)):
            return problem
    return None


def _record_date(value: str | None) -> date | None:
    """"YYYY-MM-DD", or an ISO timestamp whose day is taken; ValueError otherwise."""
    if not value or not value.strip():
        return None
    return date.fromisoformat(value.strip()[:10])


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "true/false", int: "a number",
             float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


# ---------------------------------------------------------------- URLs and feeds


def read_url(url: str, *, online: bool = True, fetcher: Fetcher | None = None) -> Iterator[Item]:
    """The input(s) at a URL: a page, a text, JSON Lines, or each entry of a feed."""
    if online and fetcher is None:
        with Fetcher() as own:
            yield from _read_url(url, online=online, feed_ok=True, fetcher=own)
        return
    yield from _read_url(url, online=online, feed_ok=True, fetcher=fetcher)


def _read_url(url: str, *, online: bool, feed_ok: bool, fetcher: Fetcher | None) -> Iterator[Item]:
    if not online or fetcher is None:
        yield InputError(origin=url, problem=OFFLINE)
        return
    try:
        page = fetcher.fetch(url)
    except FetchError as exc:
        yield InputError(origin=url, problem=exc.reason)
        return
    if not page.raw.strip():
        yield InputError(origin=url, problem=EMPTY)
        return
    kind = _kind_of_response(page.content_type, page.raw, page.final_url)
    if kind is None:
        yield InputError(origin=url, problem=f"unsupported content type {page.content_type or '(none given)'}")
    elif kind == "feed" and not feed_ok:
        yield InputError(origin=url, problem="a feed entry links to another feed, not to a page")
    else:
        capture = {"fetched_at": page.fetched_at, "final_url": page.final_url, "redirects": page.redirects,
                   "address": page.address, "status": page.status, "content_type": page.content_type}
        for item in _read_bytes(page.raw, url, kind, url=page.final_url, declared=page.charset, online=online,
                                fetcher=fetcher):
            if isinstance(item, RawInput) and kind != "feed":  # a feed's entries are fetched on their own
                item.capture = capture
            yield item


def _kind_of_response(ctype: str, raw: bytes, final_url: str) -> Kind | None:
    sniffed = _sniff(raw)
    if ctype in FEED_TYPES:
        return "html" if sniffed == "html" else "feed"
    if ctype in HTML_TYPES:
        return "feed" if sniffed == "feed" else "html"  # feeds are often served as text/html
    if ctype in XML_TYPES:
        return sniffed if sniffed in ("feed", "html") else None
    if ctype in JSONL_TYPES or (ctype in ("application/json", *VAGUE_TYPES) and _url_ext(final_url) == "jsonl"):
        return "jsonl"
    if ctype == "application/json":
        return "json"
    if ctype in ("text/markdown", "text/x-markdown"):
        return "markdown"
    if ctype in VAGUE_TYPES:
        return sniffed or (EXTENSIONS.get("." + _url_ext(final_url)) or "text")
    if ctype.startswith("text/"):
        return sniffed or "text"
    return None


def _url_ext(url: str) -> str:
    path = url.split("?", 1)[0].split("#", 1)[0]
    last = path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


def _feed_entries(raw: bytes, origin: str, *, online: bool, fetcher: Fetcher | None = None) -> Iterator[Item]:
    if (problem := _xml_limit_problem(raw)):
        yield InputError(origin=origin, problem=problem)
        return
    feed = feedparser.parse(raw)  # always bytes: given a URL string, feedparser would fetch it
    # feedparser makes "entries" of any XML with <item>s: ask for a feed's own root too
    if not feed.get("version") and _sniff(raw) != "feed":
        yield InputError(origin=origin, problem="not an RSS/Atom feed")
        return
    if not feed.entries:
        yield InputError(origin=origin, problem="the feed has no entries")
        return
    outlet = _plain(feed.feed.get("title"))
    seen: set[str] = set()
    for n, entry in enumerate(feed.entries, 1):
        link = (entry.get("link") or "").strip()
        if link and _is_url(origin):
            link = urljoin(origin, link)  # relative links are relative to the feed's own URL
        title = _plain(entry.get("title"))
        if not link:
            yield InputError(origin=f"{origin} entry {n}", problem=f"feed entry {title or '(untitled)'!r} has no link")
            continue
        if link in seen:  # some feeds list a story twice (updated, or in two sections)
            continue
        seen.add(link)
        if not _is_url(link):
            yield InputError(origin=link, problem=f"feed entry link is not an http(s) URL (in {origin})")
            continue
        if online and fetcher is not None and fetcher.remaining == 0:
            left = len(feed.entries) - n + 1
            yield InputError(origin=origin, problem=f"{left} feed entr{'y' if left == 1 else 'ies'} not fetched: the "
                                                    f"limit of {fetcher.max_fetches} fetches per run was reached "
                                                    "(raise it with --max-fetch)")
            return
        for item in _read_url(link, online=online, feed_ok=False, fetcher=fetcher):
            if isinstance(item, RawInput):
                # the page's own description wins; the feed fills in what the page lacks
                item.outlet = item.outlet or outlet
                item.title = item.title or title
                item.author = item.author or _plain(entry.get("author"))
                item.published = item.published or _entry_date(entry)
            yield item


def _xml_limit_problem(raw: bytes) -> str | None:
    """Elements nested beyond MAX_XML_DEPTH, found by libxml2 in microseconds (the feed
    parser itself would take minutes on a deep enough document)."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        etree.fromstring(raw, parser)
    except (etree.XMLSyntaxError, ValueError):
        pass  # not well-formed: the feed parser, which is lenient, decides
    for e in parser.error_log:
        if e.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in e.message:
            return f"nested too deeply (more than {MAX_XML_DEPTH} levels of elements)"
    return None


def _entry_date(entry: Any) -> date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday) if parsed else None


def _plain(value: str | None) -> str | None:
    # feed titles may carry markup or entities that feedparser leaves in
    if not value:
        return None
    value = " ".join(re.sub(r"<[^>]+>", " ", value).split())
    return value or None


# ---------------------------------------------------------------- sniffing


_PROLOG = re.compile(rb"\A(?:\s+|\xef\xbb\xbf|<\?xml[^>]*\?>|<!--.*?-->|<!doctype\s+(?!html)[^>]*>)+",
                     re.DOTALL | re.IGNORECASE)
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>]", re.IGNORECASE)
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title|article|main|div|p|h1)[\s>/]",
                         re.IGNORECASE)


def _sniff(raw: bytes) -> Kind | None:
    """"feed" or "html" from the first tag of the body, else None (not markup)."""
    head = raw[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 markup: look at it as ASCII
        head = head.decode("utf-16", "ignore").encode("ascii", "ignore")
    m = _PROLOG.match(head)
    head = head[m.end():] if m else head
    if _FEED_ROOT.match(head):
        return "feed"
    if _HTML_START.match(head):
        return "html"
    return None


def _is_url(spec: str) -> bool:
    return spec.strip().lower().startswith(("http://", "https://"))


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
