"""CSV of one kind of fact (figures, quotes, places, dates, events) with provenance columns."""
from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

from sitroom.store.db import Store
from sitroom.store.schema import FACT_TABLES


def write(store: Store, path: Path, kind: str = "figures", collection: str | None = None) -> int:
    if kind not in FACT_TABLES:
        raise ValueError(f"unknown kind {kind!r}: one of {', '.join(FACT_TABLES)}")
    _, record = FACT_TABLES[kind]
    names = [f.name for f in dataclasses.fields(record)]
    article = {s.id: s.article_id for s in store.iter_sources(collection=collection)}
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["article", *names])
        for rec in store.all_facts(kind):
            if rec.source_id not in article:  # another collection's
                continue
            w.writerow([article[rec.source_id], *(getattr(rec, k) for k in names)])
            n += 1
    return n
