"""GeoJSON of incidents: one Point feature per located incident, for maps and GIS."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sitroom.fuse import grading, picture
from sitroom.store.db import Store


def collection(store: Store, reviewed_only: bool = False, of: str | None = None) -> dict[str, Any]:
    """The located incidents (of the collection ``of``: all when None). An undated one has
    ``date_start`` null and ``date_known`` false."""
    features = []
    for inc in picture.build(store, reviewed_only=reviewed_only, collection=of).incidents:
        if inc.lat is None or inc.lon is None:
            continue
        g = grading.grade(inc)
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [inc.lon, inc.lat]},
            "properties": {
                "id": inc.id, "event_type": inc.event_type, "sub_event_type": inc.sub_event_type,
                "label": inc.label, "date_start": inc.date_start.isoformat() if inc.date_start else None,
                "date_end": inc.date_end.isoformat() if inc.date_end else None,
                "date_precision": inc.date_precision if inc.date_start else "unknown",
                "date_known": inc.date_start is not None, "collection": getattr(inc, "collection", None),
                "place": inc.place, "country": inc.country,
                "geo_precision": inc.geo_precision, "actors": inc.actors,
                "killed_low": inc.killed_low, "killed_best": inc.killed_best, "killed_high": inc.killed_high,
                "injured_low": inc.injured_low, "injured_best": inc.injured_best, "injured_high": inc.injured_high,
                "grade": g.grade, "grade_reason": g.reason, "independent_sources": g.independent_sources,
                "articles": inc.articles,
            }})
    return {"type": "FeatureCollection", "features": features}


def write(store: Store, path: Path, reviewed_only: bool = False, collection_name: str | None = None) -> int:
    fc = collection(store, reviewed_only, collection_name)
    path.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    return len(fc["features"])
