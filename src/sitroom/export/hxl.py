"""HXL CSV (the Humanitarian Exchange Language HDX reads): a human header row, then a row
of hashtags, then the data. The column-to-hashtag mapping is data
(``data/export/hxl.tsv``); tables: ``incidents`` (the default) and ``figures``."""
from __future__ import annotations

import csv
import functools
from pathlib import Path

from sitroom.export import geo, tables
from sitroom.store.db import Store

HXL_TABLES = ("incidents", "figures")


@functools.lru_cache(maxsize=1)
def mapping() -> dict[str, list[dict[str, str]]]:
    """table -> its columns in order: {column, header, hashtag, datatype}."""
    out: dict[str, list[dict[str, str]]] = {}
    for r in geo.table("hxl"):
        out.setdefault(r["table"], []).append(r)
    return out


def write(store: Store, path: Path, kind: str = "incidents", collection: str | None = None,
          reviewed_only: bool = False) -> int:
    if kind not in HXL_TABLES:
        raise ValueError(f"no HXL export of {kind!r}: one of {', '.join(HXL_TABLES)}")
    cols = mapping()[kind]
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([c["header"] for c in cols])
        w.writerow([c["hashtag"] for c in cols])
        for row in tables.rows(store, kind, collection=collection, reviewed_only=reviewed_only):
            if kind == "incidents":
                c = geo.country(row.get("country"))
                row["country_iso3"] = c.iso3 if c else None
            w.writerow([tables.text(row.get(c["column"])) for c in cols])
            n += 1
    return n
