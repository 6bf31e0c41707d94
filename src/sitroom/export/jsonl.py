"""JSON Lines: one record per line, everything the store holds with its provenance."""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sitroom.fuse.review import reviewed_facts
from sitroom.models import CleanText
from sitroom.store.db import Store

FACT_KINDS = ("entities", "places", "dates", "figures", "quotes", "events")


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def records(store: Store, collection: str | None = None) -> Iterator[dict[str, Any]]:
    """A "source" record per source (of ``collection``), then one record per fact (type =
    its kind)."""
    reviews = store.reviews()
    for s in store.iter_sources(collection=collection):
        meta = {k: _plain(v) for k, v in dataclasses.asdict(s.meta).items()}
        yield {"type": "source", "source_id": s.id, "article": s.article_id, "origin": s.origin,
               "sha256": s.sha256, "captured_at": _plain(s.captured_at), "content_type": s.content_type,
               "status": s.status, "note": s.note, **meta, "text": s.text}
        if s.status != "done":
            continue
        facts = reviewed_facts(store, s, reviews)
        clean = CleanText(text=s.text, offsets=s.offsets)
        for kind in FACT_KINDS:
            for rec in getattr(facts, kind):
                row = {k: _plain(v) for k, v in dataclasses.asdict(rec).items()}
                row["raw_start"], row["raw_end"] = clean.raw_span(rec.start, rec.end)
                yield {"type": kind[:-1] if kind != "entities" else "entity", "article": s.article_id, **row}


def write(store: Store, path: Path, collection: str | None = None) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for rec in records(store, collection):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n
