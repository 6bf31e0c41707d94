"""CSV of one table (``export/tables.py``: sources, incidents, incident_mentions, or one
kind of fact) with provenance columns: article, URL, SHA-256 of the archived source, and
each fact's clean and raw offsets."""
from __future__ import annotations

import csv
from pathlib import Path

from sitroom.export import tables
from sitroom.store.db import Store


def write(store: Store, path: Path, kind: str = "figures", collection: str | None = None,
          reviewed_only: bool = False) -> int:
    tables.check(kind)
    cols = tables.columns(kind)
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for row in tables.rows(store, kind, collection=collection, reviewed_only=reviewed_only):
            w.writerow([tables.text(row.get(c)) for c in cols])
            n += 1
    return n
