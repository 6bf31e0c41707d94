"""GeoJSON of incidents: one Point feature per located incident, for maps and GIS.

Each feature has an ``id`` (the incident's) and flat properties (lists joined with "; ",
as GDAL and spreadsheet tools read them); an undated incident has ``date_start`` null,
``date_known`` false and ``date_precision`` "unknown". The API serves it as
``application/geo+json`` (MEDIA_TYPE, RFC 7946)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sitroom.fuse import grading, picture
from sitroom.store.db import Store

MEDIA_TYPE = "application/geo+json"


def collection(store: Store, reviewed_only: bool = False, of: str | None = None) -> dict[str, Any]:
    """The located incidents (of the collection ``of``: all when None). An undated one has
    ``date_start`` null and ``date_known`` false."""
    return {"type": "FeatureCollection",
            "features": features(picture.build(store, reviewed_only=reviewed_only, collection=of).incidents)}


def features(incidents) -> list[dict[str, Any]]:
    """One Point feature per located incident of ``incidents`` (the API's downloads of a
    filtered view use it too)."""
    features = []
    for inc in incidents:
        if inc.lat is None or inc.lon is None:
            continue
        g = grading.grade(inc)
        features.append({
            "type": "Feature", "id": inc.id,
            "geometry": {"type": "Point", "coordinates": [inc.lon, inc.lat]},
            "properties": {
                "id": inc.id, "event_type": inc.event_type, "sub_event_type": inc.sub_event_type,
                "label": inc.label, "date_start": inc.date_start.isoformat() if inc.date_start else None,
                "date_end": inc.date_end.isoformat() if inc.date_end else None,
                "date_precision": inc.date_precision if inc.date_start else "unknown",
                "date_known": inc.date_start is not None, "collection": getattr(inc, "collection", None),
                "place": inc.place, "country": inc.country,
                "geo_precision": inc.geo_precision, "actors": "; ".join(inc.actors),
                "killed_low": inc.killed_low, "killed_best": inc.killed_best, "killed_high": inc.killed_high,
                "injured_low": inc.injured_low, "injured_best": inc.injured_best, "injured_high": inc.injured_high,
                "grade": g.grade, "grade_reason": g.reason, "independent_sources": g.independent_sources,
                "articles": "; ".join(inc.articles),
            }})
    return features


def write(store: Store, path: Path, reviewed_only: bool = False, collection_name: str | None = None) -> int:
    fc = collection(store, reviewed_only, collection_name)
    path.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    return len(fc["features"])
