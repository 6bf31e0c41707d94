"""The evaluation interchange format (``../shared/eval/SCHEMA.md``), a view of the store."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

from sitroom.extract import dates
from sitroom.fuse import picture
from sitroom.fuse.incidents import Incident
from sitroom.fuse.review import reviewed_facts
from sitroom.models import NOT_LOCATIONS, DocumentFacts, Source
from sitroom.store.db import Store


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


def article_record(source: Source) -> dict[str, Any]:
    m = source.meta
    published = m.first_published or m.published  # the story's date, not the repost's
    return {"id": source.article_id, "url": m.url, "outlet": m.outlet,
            "published": published.isoformat() if published else None,
            "language": m.language, "title": m.title, "syndicated_from": m.syndicated_from}


def document_records(aid: str, facts: DocumentFacts,
                     incident_of=lambda source_id, sentence: None) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list] = {"figures": [], "places": [], "dates": [], "quotes": []}
    seen: set = set()
    first_fig: dict[tuple, dict] = {}
    for f in facts.figures:  # one entry per distinct (value, category)
        if (k := ("f", f.value, f.category)) in seen:
            # a headline drops "at least": a later mention's qualifier tells how sure the number is
            rec = first_fig[k]
            if rec["qualifier"] == "exact" and f.qualifier not in ("exact", "range"):
                rec["qualifier"] = f.qualifier
            continue
        seen.add(k)
        out["figures"].append({
            "article": aid, "value": f.value, "low": f.low, "high": f.high, "qualifier": f.qualifier,
            "category": f.category, "subject": f.subject, "incident": incident_of(f.source_id, f.sentence),
            "as_of": f.as_of.isoformat() if f.as_of else None, "attributed_to": f.attributed_to,
            "cue": f.cue, "sentence": f.sentence, "start": f.start, "end": f.end})
        first_fig[k] = out["figures"][-1]
    for p in facts.places:  # one entry per distinct surface form; demonyms and metonyms are not places
        if p.kind in NOT_LOCATIONS or (k := ("p", _key(p.surface))) in seen:
            continue
        seen.add(k)
        out["places"].append({
            "article": aid, "surface": p.surface, "name": p.name, "country": p.country,
            "lat": p.lat, "lon": p.lon, "kind": p.kind, "precision": p.precision,
            "start": p.start, "end": p.end})
    for d in facts.dates:  # calendar dates and ranges; one entry per expression of a day ("Friday", "on Friday")
        if not dates.in_gold_scope(d) or (k := ("d", dates.mention_key(d))) in seen:
            continue
        seen.add(k)
        out["dates"].append({"article": aid, "surface": d.surface, "value": d.value, "refers_to": None,
                             "precision": d.precision, "start": d.start, "end": d.end})
    for q in facts.quotes:
        words = q.text.split()
        out["quotes"].append({
            "article": aid, "speaker": q.speaker, "speaker_role": q.speaker_role, "kind": q.kind,
            "medium": q.medium, "starts_with": " ".join(words[:5]), "text": q.text,
            "start": q.start, "end": q.end})
    return out


def incident_record(inc: Incident) -> dict[str, Any]:
    iso = lambda d: d.isoformat() if d else None
    return {"id": inc.id, "event_type": inc.event_type, "sub_event_type": inc.sub_event_type, "label": inc.label,
            "date_start": iso(inc.date_start), "date_end": iso(inc.date_end or inc.date_start),
            "date_precision": inc.date_precision if inc.date_precision in ("day", "week", "month") else "month",
            "location": {"name": inc.place, "country": inc.country, "lat": inc.lat, "lon": inc.lon,
                         "precision": inc.geo_precision},
            "actors": inc.actors,
            "killed": {"low": inc.killed_low, "high": inc.killed_high},
            "injured": {"low": inc.injured_low, "high": inc.injured_high},
            "mentions": inc.articles, "sources_independent": inc.independent_sources}


def build(store: Store, corpus: str = "sitroom", reviewed_only: bool = False,
          collection: str | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"corpus": corpus, "articles": [], "figures": [], "incidents": [],
                           "quotes": [], "places": [], "dates": []}
    pic = picture.build(store, asserted_only=True, reviewed_only=reviewed_only, collection=collection)
    reviews = store.reviews()
    for source in pic.sources.values():
        doc["articles"].append(article_record(source))
        if source.status != "done":
            continue
        facts = reviewed_facts(store, source, reviews)
        for name, rows in document_records(source.article_id, facts, pic.incident_of).items():
            doc[name].extend(rows)
    # an incident is coded to a date (SCHEMA.md: date_start is a day): one no report dates is left out
    doc["incidents"] = [incident_record(inc) for inc in pic.incidents if inc.date_start is not None]
    return doc


def write(store: Store, path: Path, reviewed_only: bool = False, collection: str | None = None) -> int:
    doc = build(store, reviewed_only=reviewed_only, collection=collection)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(doc["articles"])
