"""The store as flat tables, one per kind: what the CSV (``export --format csv --kind
KIND``), Parquet (one file per kind), HXL and JSON Lines exports write.

Kinds: ``sources``, ``incidents``, ``incident_mentions`` and the facts ``figures``,
``quotes``, ``places``, ``dates``, ``events``, ``entities``. Every column is flat (a list
is joined with "; "), and every row of a fact or mention carries its provenance: the
article, the source's URL and SHA-256, its span in the clean text (``start``/``end``) and
in the archived raw text (``raw_start``/``raw_end``), and the sentence. Facts are read
as analysts reviewed them (``fuse.review.reviewed_facts``).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sitroom.models import CleanText, Source
from sitroom.store.db import Store
from sitroom.store.schema import FACT_TABLES

KINDS = ("sources", "incidents", "incident_mentions", "figures", "quotes", "places", "dates", "events", "entities")
FACT_KINDS = ("figures", "quotes", "places", "dates", "events", "entities")
PROVENANCE = ["article", "source_id", "url", "sha256", "start", "end", "raw_start", "raw_end", "sentence"]
SOURCE_COLUMNS = ["source_id", "article", "title", "outlet", "url", "origin", "published", "first_published",
                  "syndicated_from", "syndicated_url", "author", "language", "sha256", "captured_at",
                  "content_type", "status", "note", "text"]
INCIDENT_COLUMNS = ["incident_id", "collection", "event_type", "sub_event_type", "label", "date_start", "date_end",
                    "date_precision", "date_known", "place", "country", "country_name", "admin1", "lat", "lon",
                    "geo_precision", "actors", "actor_types", "killed_low", "killed_best", "killed_high",
                    "injured_low", "injured_best", "injured_high", "grade", "grade_reason", "independent_sources",
                    "articles", "outlets", "review", "status", "parent_id", "confidence", "needs_review",
                    "created_at", "updated_at"]
MENTION_COLUMNS = ["incident_id", *PROVENANCE, "outlet", "published", "trigger", "event_type", "sub_event_type",
                   "stance", "place", "country", "date_start", "date_end", "killed", "injured", "actors"]


class UnknownKind(ValueError):
    pass


def check(kind: str) -> str:
    if kind not in KINDS:
        raise UnknownKind(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    return kind


def source_url(s: Source | None) -> str | None:
    """The URL a source was read from (its page's, else its origin when that is one)."""
    if s is None:
        return None
    return s.meta.url or (s.origin if "://" in (s.origin or "") else None)


def _fact_fields(kind: str) -> list[str]:
    _, rec = FACT_TABLES[kind]
    return [f.name for f in dataclasses.fields(rec) if f.name not in ("source_id", "start", "end", "sentence")]


def columns(kind: str) -> list[str]:
    check(kind)
    if kind == "sources":
        return list(SOURCE_COLUMNS)
    if kind == "incidents":
        return list(INCIDENT_COLUMNS)
    if kind == "incident_mentions":
        return list(MENTION_COLUMNS)
    extra = ["incident_id"] if kind in ("figures", "events") else []
    return [*PROVENANCE, *_fact_fields(kind), *extra]


def flat(value: Any) -> Any:
    """A cell: lists joined with "; ", dicts as "key=value; ...", everything else as is."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(str(flat(v)) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    return value


def _source_row(s: Source) -> dict:
    from sitroom.report.titles import shown

    m = s.meta
    return {"source_id": s.id, "article": s.article_id, "title": shown(m.title, s.origin, m.url), "outlet": m.outlet,
            "url": source_url(s), "origin": s.origin, "published": m.published, "first_published": m.first_published,
            "syndicated_from": m.syndicated_from, "syndicated_url": m.syndicated_url, "author": m.author,
            "language": m.language, "sha256": s.sha256, "captured_at": s.captured_at, "content_type": s.content_type,
            "status": s.status, "note": s.note, "text": s.text}


def incident_row(inc, collection: str | None = None) -> dict:
    from sitroom.export import geo
    from sitroom.fuse import grading

    g = grading.grade(inc)
    c = geo.country(inc.country)
    return {"incident_id": inc.id, "collection": getattr(inc, "collection", None), "event_type": inc.event_type,
            "sub_event_type": inc.sub_event_type, "label": inc.label, "date_start": inc.date_start,
            "date_end": inc.date_end, "date_precision": inc.date_precision if inc.date_start else "unknown",
            "date_known": inc.date_start is not None, "place": inc.place, "country": inc.country,
            "country_name": c.name if c else None, "admin1": geo.admin1(inc.country, inc.lat, inc.lon) or None,
            "lat": inc.lat, "lon": inc.lon, "geo_precision": inc.geo_precision, "actors": flat(inc.actors),
            "actor_types": flat(inc.actor_types or {}), "killed_low": inc.killed_low, "killed_best": inc.killed_best,
            "killed_high": inc.killed_high, "injured_low": inc.injured_low, "injured_best": inc.injured_best,
            "injured_high": inc.injured_high, "grade": g.grade, "grade_reason": g.reason,
            "independent_sources": g.independent_sources, "articles": flat(inc.articles),
            "outlets": flat(sorted({m.outlet or m.article for m in inc.mentions})), "review": inc.review,
            "status": getattr(inc, "status", None), "parent_id": inc.parent_id, "confidence": inc.confidence,
            "needs_review": bool(getattr(inc, "needs_review", False)), "created_at": getattr(inc, "created_at", None),
            "updated_at": getattr(inc, "updated_at", None)}


def _provenance(s: Source, rec) -> dict:
    raw_start, raw_end = CleanText(text=s.text, offsets=s.offsets).raw_span(rec.start, rec.end)
    return {"article": s.article_id, "source_id": s.id, "url": source_url(s), "sha256": s.sha256,
            "start": rec.start, "end": rec.end, "raw_start": raw_start, "raw_end": raw_end, "sentence": rec.sentence}


def rows(store: Store, kind: str, collection: str | None = None, reviewed_only: bool = False,
         pic=None) -> Iterator[dict]:
    """The rows of one kind (of ``collection``), each a dict of ``columns(kind)``."""
    from sitroom.fuse import picture
    from sitroom.fuse.review import reviewed_facts

    check(kind)
    if kind == "sources":
        for s in store.iter_sources(collection=collection):
            yield _source_row(s)
        return
    if pic is None and kind in ("incidents", "incident_mentions", "figures", "events"):
        pic = picture.build(store, reviewed_only=reviewed_only, collection=collection)
    if kind == "incidents":
        for inc in pic.incidents:
            yield incident_row(inc)
        return
    if kind == "incident_mentions":
        for inc in pic.incidents:
            for m in inc.mentions:
                s = pic.sources.get(m.source_id)
                if s is None:
                    continue
                ev = m.mention
                yield {"incident_id": inc.id, **_provenance(s, ev), "outlet": m.outlet, "published": m.published,
                       "trigger": ev.trigger, "event_type": ev.event_type, "sub_event_type": ev.sub_event_type,
                       "stance": ev.stance, "place": ev.place, "country": ev.country, "date_start": ev.date_start,
                       "date_end": ev.date_end, "killed": ev.killed, "injured": ev.injured, "actors": ev.actors}
        return
    fields = _fact_fields(kind)
    reviews = store.reviews()
    for s in store.iter_sources(collection=collection):
        if s.status != "done":
            continue
        for rec in getattr(reviewed_facts(store, s, reviews), kind):
            row = _provenance(s, rec)
            row.update({k: flat(getattr(rec, k)) for k in fields})
            if kind in ("figures", "events"):
                row["incident_id"] = pic.incident_of(s.id, rec.sentence) if pic else None
            yield row


def text(value: Any) -> str:
    """A cell as CSV text: "" for None, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
