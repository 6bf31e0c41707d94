"""JSON Lines: one record per line, everything the store holds with its provenance.

Every line has a ``type``; each type has a JSON Schema in ``docs/schemas/<type>.schema.json``:

- ``export``: the first line: generator ("sitroom"), version, when, which collection;
- ``source``: an archived source (metadata, hash, clean text);
- ``incident``: an incident as stored (``export/tables.py``'s incidents columns);
- ``entity``, ``place``, ``date``, ``figure``, ``quote``, ``event``: one fact each, with
  its article, URL, SHA-256, clean and raw offsets and sentence. A figure's ``value`` is
  a number; a date's is ``date_value`` (a string such as "2024-03-04" or "2024-W10"), so
  that no field changes its type between lines.

``sitroom analyze`` refuses such a file (``ingest/tables.py``): an export is not reports.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sitroom.export import tables
from sitroom.store.db import Store

FACT_KINDS = ("entities", "places", "dates", "figures", "quotes", "events")
TYPE_OF = {"entities": "entity", "places": "place", "dates": "date", "figures": "figure", "quotes": "quote",
           "events": "event", "sources": "source", "incidents": "incident"}
TYPES = ("export", "source", "incident", *(TYPE_OF[k] for k in FACT_KINDS))


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def records(store: Store, collection: str | None = None) -> Iterator[dict[str, Any]]:
    """The header, then a "source" record per source (of ``collection``), an "incident"
    record per incident, then one record per fact (type = its kind)."""
    from sitroom import __version__
    from sitroom.fuse import picture

    yield {"type": "export", "generator": "sitroom", "version": __version__,
           "generated_at": datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None).isoformat(),
           "collection": collection, "types": list(TYPES)}
    pic = picture.build(store, collection=collection)
    for kind in ("sources", "incidents", *FACT_KINDS):
        for row in tables.rows(store, kind, collection=collection, pic=pic):
            rec = {"type": TYPE_OF[kind], **{k: _plain(v) for k, v in row.items()}}
            if kind == "dates":
                rec["date_value"] = rec.pop("value")
            yield rec


def write(store: Store, path: Path, collection: str | None = None) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for rec in records(store, collection):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n
