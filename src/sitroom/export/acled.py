"""ACLED-style CSV: one row per incident with ACLED's column names and codes.

time_precision: 1 day, 2 week, 3 month or longer; geo_precision: 1 the named point,
2 near it / a part of a region, 3 a larger area (ACLED's codebook). Fatalities: the best
estimate; ACLED codes unknown tolls as 0, and so do we, with the range in ``notes``.
"""
from __future__ import annotations

import csv
from pathlib import Path

from sitroom.fuse import grading, picture
from sitroom.store.db import Store

COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
           "sub_event_type", "actor1", "actor2", "country", "location", "latitude", "longitude",
           "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp"]
_TIME = {"day": 1, "week": 2, "month": 3, "year": 3}
_GEO = {"point": 1, "near": 2, "admin": 2, "region": 3, "country": 3}
_DISORDER = {"Protests": "Demonstrations", "Riots": "Demonstrations", "Strategic developments": "Strategic developments"}


def write(store: Store, path: Path, reviewed_only: bool = False, collection: str | None = None) -> int:
    """Undated incidents are written with an empty event_date and year (ACLED codes every
    event to a day; an analyst dates them, or leaves them out)."""
    pic = picture.build(store, asserted_only=True, reviewed_only=reviewed_only, collection=collection)
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        for inc in pic.incidents:
            g = grading.grade(inc)
            outlets = sorted({m.outlet or m.article for m in inc.mentions})
            tolls = "" if inc.killed_low is None else f" Fatalities reported: {inc.killed_low}-{inc.killed_high}."
            w.writerow({
                "event_id_cnty": f"{inc.country or 'XX'}{inc.id}", "event_date": inc.date_start or "",
                "year": inc.date_start.year if inc.date_start else "", "time_precision": _TIME.get(inc.date_precision, 3),
                "disorder_type": _DISORDER.get(inc.event_type, "Political violence"), "event_type": inc.event_type,
                "sub_event_type": inc.sub_event_type, "actor1": inc.actors[0] if inc.actors else "",
                "actor2": inc.actors[1] if len(inc.actors) > 1 else "", "country": inc.country or "",
                "location": inc.place or "", "latitude": inc.lat if inc.lat is not None else "",
                "longitude": inc.lon if inc.lon is not None else "", "geo_precision": _GEO.get(inc.geo_precision, 3),
                "source": "; ".join(outlets), "source_scale": "", "tags": g.grade,
                "notes": f"{inc.label}. {g.reason}.{tolls}" + ("" if inc.date_start else " Date unknown."),
                "fatalities": inc.killed_best or 0, "timestamp": "",
            })
            n += 1
    return n
