"""Evidence: re-verifying the archive, a source's chain of custody, the archive as WARC.

Built on the store's own reads (``Store.iter_archive``, ``origins``, ``source_record``,
``reviews``); the writes that change evidence (deletion, redaction, backup) are store
methods, each one transaction with its decision in the audit log.
"""
from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sitroom import __version__
from sitroom.store.db import Store, _decode_offsets

STATUSES = ("pending", "done", "skipped", "failed")


@dataclass
class Verification:
    checked: int = 0
    redacted: int = 0                                   # checked against their redacted hash
    mismatches: list[dict] = field(default_factory=list)  # {id, article, expected, actual}
    problems: list[str] = field(default_factory=list)     # structural: half-stored, duplicate, orphan

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.problems


def verify(store: Store) -> Verification:
    """Re-hash every archived source's bytes against the hash recorded at capture (or at
    its redaction) and check that every source is whole: bytes and clean text present, a
    clean-to-raw offset for every clean character, a known status, at least one origin,
    no content archived twice, nothing left of a source that is gone."""
    out = Verification()
    for row in store.iter_archive():
        out.checked += 1
        expected = row["redacted_sha256"] or row["sha256"]
        out.redacted += bool(row["redacted_sha256"])
        actual = hashlib.sha256(row["raw"] or b"").hexdigest()
        article = row["external_id"] or str(row["id"])
        if actual != expected:
            out.mismatches.append({"id": row["id"], "article": article, "origin": row["origin"],
                                   "expected": expected, "actual": actual})
        if not row["raw"] or not (row["text"] or "").strip():
            out.problems.append(f"source {row['id']} ({article}): bytes or text missing")
        try:
            offsets = _decode_offsets(row["offsets"] or "")
        except (ValueError, TypeError):
            offsets = None
        if offsets is None or len(offsets) != len(row["text"] or ""):
            out.problems.append(f"source {row['id']} ({article}): the clean-to-raw offsets do not cover the text")
        if row["status"] not in STATUSES:
            out.problems.append(f"source {row['id']} ({article}): unknown status {row['status']!r}")
    checks = store.archive_checks()
    out.problems += [f"the same content archived twice (sha256 {h})" for h in checks["duplicate_hashes"]]
    out.problems += [f"source {s} has no recorded origin" for s in checks["sources_without_origin"]]
    out.problems += [f"an origin recorded twice for {s}" for s in checks["duplicate_origins"]]
    out.problems += [f"{o}, which is not in the store" for o in checks["orphans"]]
    return out


# ---------------------------------------------------------------- chain of custody


def _iso(value: Any) -> Any:
    """Times as ISO 8601 (stored times are UTC: marked Z), dates as YYYY-MM-DD."""
    if isinstance(value, datetime):
        return value.isoformat() + ("Z" if value.tzinfo is None else "")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def custody(store: Store, ref: str, *, incidents: bool = True) -> dict:
    """The chain of custody of one source (by id or external id) as a JSON-ready dict:
    its hash and capture, every origin of the same bytes, each transformation from the
    bytes to the facts (with the hash of what each step produced and the method that made
    the facts), and every decision on it in the audit log (on the source itself, on its
    facts and, with ``incidents``, on the incidents it reports)."""
    source = store.find_source(ref)
    rec = store.source_record(source.id)
    current = hashlib.sha256(source.raw).hexdigest()
    methods = {m["stamp"]: m for m in store.methods()}
    facts = store.facts(source.id)
    html = source.content_type in ("text/html", "application/xhtml+xml")
    steps: list[dict] = [
        {"step": "captured", "at": _iso(source.captured_at), "sha256": source.sha256, "bytes": len(source.raw),
         "content_type": source.content_type,
         "what": "the bytes as received; sha256 is their hash, the identity of the source"},
        {"step": "decoded", "sha256": _text_hash(source.raw_text), "characters": len(source.raw_text),
         "what": ("article text found in the page by trafilatura (page furniture left out)" if html else
                  "the record's text field" if source.content_type == "application/json" else
                  "bytes decoded to text (BOM, UTF-8, declared charset, then detection)")},
        {"step": "cleaned", "sha256": _text_hash(source.text), "characters": len(source.text),
         "what": "page furniture and markup removed; every clean character keeps its offset in the decoded text"},
        {"step": "described", "metadata": {k: _iso(v) for k, v in vars(source.meta).items()},
         "what": "title, outlet, dates and language from the input and the text"},
    ]
    if rec["status"] == "done":
        steps.append({"step": "extracted", "at": _iso(rec["analyzed_at"]),
                      "methods": [methods.get(s, {"stamp": s}) for s in rec["methods"]],
                      "facts": {k: len(getattr(facts, k)) for k in ("places", "dates", "figures", "quotes",
                                                                     "entities", "events")},
                      "extractor_failures": [{"extractor": f.extractor, "error": f.error} for f in facts.failures]})
    elif rec["status"] in ("skipped", "failed"):
        steps.append({"step": rec["status"], "at": _iso(rec["analyzed_at"]), "why": rec["note"]})
    else:
        steps.append({"step": "pending", "what": "archived, not yet extracted"})
    reviews = [r for r in store.reviews() if _concerns(r.target, source)]
    for r in reviews:
        if r.action == "redact" and r.target == f"source:{source.id}":
            steps.append({"step": "redacted", "at": _iso(r.at), "by": r.user_name, "reason": r.note,
                          "sha256_after": r.data.get("sha256_after"), "fields": r.data.get("fields")})
    incident_ids: list[str] = []
    incident_error = None
    if incidents:
        try:
            from sitroom.store import incidents as incident_sql

            incident_ids = store.incident_read(lambda conn: incident_sql.incidents_of_source(conn, source.id))
        except Exception as exc:  # noqa: BLE001 - the custody of the bytes does not depend on it
            incident_error = f"{exc.__class__.__name__}: {exc}"
        wanted = {f"incident:{i}" for i in incident_ids}
        reviews += [r for r in store.reviews() if r.target in wanted or
                    (r.action == "merge" and isinstance(r.data, dict) and f"incident:{r.data.get('into')}" in wanted)]
    reviews.sort(key=lambda r: r.id)
    seen: set[int] = set()
    out = {
        "sitroom": __version__,
        "exported_at": _iso(datetime.now(UTC).replace(tzinfo=None)),
        "source": {"id": source.id, "external_id": source.external_id, "sha256": source.sha256,
                   "captured_at": _iso(source.captured_at), "content_type": source.content_type,
                   "bytes": len(source.raw), "status": rec["status"],
                   "redacted": ({"at": _iso(rec["redacted_at"]), "sha256": rec["redacted_sha256"]}
                                if rec["redacted_sha256"] else None),
                   "stored_sha256": current,
                   "verified": current == (rec["redacted_sha256"] or source.sha256)},
        "origins": [{k: _iso(v) for k, v in o.items()} for o in store.origins(source.id)],
        "transformations": steps,
        "incidents": incident_ids,
        "reviews": [{"id": r.id, "target": r.target, "action": r.action, "data": r.data, "by": r.user_name,
                     "at": _iso(r.at), "note": r.note} for r in reviews if not (r.id in seen or seen.add(r.id))],
    }
    if incident_error:
        out["incidents_error"] = incident_error
    return out


def _concerns(target: str, source) -> bool:
    return target == f"source:{source.id}" or (target.startswith("fact:") and f":{source.sha256[:16]}:" in target)


# ---------------------------------------------------------------- WARC


def origin_uri(origin: str) -> str:
    """A URI for an origin: the URL itself, or a file: URI (JSON Lines records keep their
    line or item number as a fragment)."""
    if origin.lower().startswith(("http://", "https://")):
        return origin
    path, frag = origin, ""
    for word in (" line ", " item ", " entry "):
        head, sep, tail = origin.rpartition(word)
        if sep and tail.isdigit():
            path, frag = head, f"#{word.strip()}={tail}"
            break
    p = Path(path)
    uri = p.as_uri() if p.is_absolute() else "file:" + quote(path)
    return uri + frag


def write_warc(store: Store, path: str | Path, collection: str | None = None) -> int:
    """The archive as a WARC 1.1 file (gzipped per record when the name ends in .gz): per
    source a ``resource`` record of the stored bytes at its first origin and capture time,
    a ``metadata`` record (JSON: hashes, origins, redaction) and a ``revisit`` record for
    every other origin of the same bytes (the sources of ``collection``: all when None).
    Returns the number of sources written."""
    from warcio.warcwriter import WARCWriter

    path = Path(path)
    n = 0
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=path.suffix == ".gz", warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, {
            "software": f"sitroom/{__version__}", "format": "WARC File Format 1.1",
            "description": "sources archived by sitroom, as received (redacted ones as redacted)"}))
        for source in store.iter_sources(collection=collection):
            origins = store.origins(source.id) or [{"origin": source.origin, "captured_at": source.captured_at,
                                                    "url": source.meta.url}]
            rec = store.source_record(source.id)
            first = origins[0]
            uri = origin_uri(first["origin"])
            date = _warc_date(first["captured_at"])
            stored = hashlib.sha256(source.raw).hexdigest()
            resource = writer.create_warc_record(
                uri, "resource", payload=io.BytesIO(source.raw), length=len(source.raw),
                warc_content_type=source.content_type,
                warc_headers_dict={"WARC-Date": date, "WARC-Sitroom-SHA256": stored,
                                   "WARC-Sitroom-Source": str(source.id)})
            writer.write_record(resource)
            rid = resource.rec_headers.get_header("WARC-Record-ID")
            meta = json.dumps({"source_id": source.id, "external_id": source.external_id, "sha256": source.sha256,
                               "stored_sha256": stored,
                               "redacted": ({"at": _iso(rec["redacted_at"]), "sha256": rec["redacted_sha256"]}
                                            if rec["redacted_sha256"] else None),
                               "origins": [{k: _iso(v) for k, v in o.items()} for o in origins]},
                              ensure_ascii=False).encode("utf-8")
            writer.write_record(writer.create_warc_record(
                uri, "metadata", payload=io.BytesIO(meta), length=len(meta), warc_content_type="application/json",
                warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": rid}))
            digest = resource.rec_headers.get_header("WARC-Payload-Digest")
            for o in origins[1:]:
                revisit = writer.create_revisit_record(origin_uri(o["origin"]), digest, uri, date,
                                                       warc_headers_dict={"WARC-Date": _warc_date(o["captured_at"]),
                                                                          "WARC-Refers-To": rid})
                revisit.rec_headers.replace_header("WARC-Profile",
                                                   "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest")
                writer.write_record(revisit)
            n += 1
    return n


def _warc_date(value: datetime | str) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.rstrip("Z"))
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
