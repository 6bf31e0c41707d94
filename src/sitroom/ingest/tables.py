"""Reports given as a table, and sitroom's own exports given back by mistake.

- **CSV corpus**: a CSV whose header names the input columns (``id, url, outlet,
  published, title, author, text``; ``text`` required, the others optional, in any order
  and case) is read as one report per row, as a JSON Lines file's records are. Any other
  CSV (an ACLED or facts export, a spreadsheet) is one error naming the file, the columns
  it has and the columns expected.
- **Our own exports**: JSON Lines written by ``sitroom export`` (every line has a
  ``type``: source, incident, figure, ...) is refused as a whole, with one error naming the
  file, instead of archiving each of its facts as a one-word "report".
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from sitroom.models import InputError, RawInput

INPUT_COLUMNS = ("id", "url", "outlet", "published", "title", "author", "text")
EXPORT_TYPES = frozenset({"export", "source", "incident", "incident_mention", "entity", "place", "date", "figure",
                          "quote", "event"})
MAX_FIELD = 10_000_000   # one cell: one report's text at most


def is_own_export(rec: Any) -> bool:
    """A JSON Lines record written by ``sitroom export --format jsonl``."""
    return (isinstance(rec, dict) and rec.get("type") in EXPORT_TYPES
            and (rec.get("generator") == "sitroom" or "sha256" in rec or "article" in rec or "incident_id" in rec))


def own_export_error(origin: str) -> InputError:
    return InputError(origin=origin, problem="this is a sitroom export (JSON Lines written by `sitroom export`), "
                                             "not reports: nothing of it was archived. Give the reports "
                                             "themselves, or records of {\"id\", \"url\", \"outlet\", "
                                             "\"published\", \"title\", \"text\"}.")


def _expected() -> str:
    return ", ".join(INPUT_COLUMNS) + " (text required)"


def read_csv(path: Path, record_input) -> Iterator[RawInput | InputError]:
    """One input per row of a CSV corpus (see the module's docstring). ``record_input``
    turns a record into a RawInput or InputError, as for JSON Lines records."""
    origin = str(path)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD))
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        yield InputError(origin=origin, problem=f"cannot read: {exc.strerror or exc}")
        return
    with fh:
        try:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                yield InputError(origin=origin, problem="empty document")
                return
            names = [h.strip().lower() for h in header]
            unknown = [h for h in names if h not in INPUT_COLUMNS]
            if "text" not in names or unknown:
                found = ", ".join(header[:12]) + (", ..." if len(header) > 12 else "")
                yield InputError(origin=origin, problem=f"not a CSV of reports: its columns are {found}; "
                                                        f"a CSV of reports has the columns {_expected()}")
                return
            seen = False
            for n, row in enumerate(reader, 2):
                if not any(c.strip() for c in row):
                    continue
                seen = True
                where = f"{origin} row {n}"
                if len(row) != len(names):
                    yield InputError(origin=where, problem=f"{len(row)} cells where the header has {len(names)}")
                    continue
                rec = {k: (v if v.strip() else None) for k, v in zip(names, row)}
                if rec.get("text") is None:
                    rec["text"] = ""
                buf = io.StringIO()
                csv.writer(buf).writerow(row)
                item = record_input(rec, buf.getvalue().encode("utf-8"), where)
                yield replace(item, content_type="text/csv") if isinstance(item, RawInput) else item
            if not seen:
                yield InputError(origin=origin, problem="empty document (a header and no rows)")
        except UnicodeDecodeError:
            yield InputError(origin=origin, problem="not UTF-8 (CSV files of reports must be UTF-8)")
        except csv.Error as exc:
            yield InputError(origin=origin, problem=f"malformed CSV ({exc})")


def first_record(line: bytes) -> Any:
    try:
        return json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
