"""Parquet: one file per table (``export/tables.py``'s kinds: sources.parquet,
incidents.parquet, incident_mentions.parquet, figures.parquet, ...) in a folder, for
pandas, DuckDB, R's arrow or any warehouse. Needs pyarrow (the optional extra
``sitroom[parquet]``); without it the export stops with an error that says so."""
from __future__ import annotations

from pathlib import Path

from sitroom.export import tables
from sitroom.store.db import Store


class MissingDependency(ValueError):
    pass


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:
        raise MissingDependency("the Parquet export needs pyarrow: pip install 'sitroom[parquet]' "
                                "(or pip install pyarrow)") from exc
    return pyarrow


def write(store: Store, folder: Path, collection: str | None = None, reviewed_only: bool = False) -> int:
    """Write every table; returns the number of rows written in all."""
    pa = _pyarrow()
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{folder} is a file: the Parquet export writes a folder (one file per table)")
    folder.mkdir(parents=True, exist_ok=True)
    from sitroom.fuse import picture

    pic = picture.build(store, reviewed_only=reviewed_only, collection=collection)
    total = 0
    for kind in tables.KINDS:
        cols = tables.columns(kind)
        rows = [{c: r.get(c) for c in cols} for r in tables.rows(store, kind, collection=collection,
                                                                 reviewed_only=reviewed_only, pic=pic)]
        table = pa.Table.from_pylist(rows) if rows else pa.table({c: pa.array([], pa.string()) for c in cols})
        table = table.replace_schema_metadata({"generator": "sitroom", "table": kind})
        import pyarrow.parquet as pq

        pq.write_table(table, folder / f"{kind}.parquet")
        total += len(rows)
    return total
