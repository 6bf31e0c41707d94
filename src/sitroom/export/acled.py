"""ACLED CSV: the 31 fields of an ACLED event (the ``acled`` client's ``AcledEvent``, in
its order), with ACLED's codes and spellings, so that tools written for ACLED's exports
read ours unchanged.

- One row per event, day and location, as ACLED codes them: an incident reported over
  several days without a daily breakdown is spread evenly over its days (fatalities
  divided, the remainder on the first days), one row a day.
- ``fatalities``: the most conservative whole-incident toll (the low); 0 when no toll is
  reported (ACLED's convention) and on non-violent events (peaceful protests, strategic
  developments: ``data/export/acled_disorder.tsv``). The range is in ``notes``.
- Every row has an ``event_date``: an undated incident is coded to the day its first
  report was published, with ``time_precision`` 3 and a note saying so.
- ``time_precision``: 1 day, 2 week, 3 month or longer; ``geo_precision``: 1 the named
  point, 2 near it or a part of a region, 3 a larger area (ACLED's codebook).
- Country names, numeric ISO codes, regions and admin1 from the gazetteer's country data
  (``export/geo.py``); an incident with neither a place nor a country is left out (ACLED
  codes no event it cannot locate).
- ``inter1``/``inter2``: ACLED's actor codes (1 state forces ... 8 external forces) from
  the stored actors' types; ``interaction`` the two codes, the lower first (an actor on
  its own: its code and 0).
- ``timestamp``: when the incident was last recomputed (Unix seconds), as ACLED stamps a
  row's last change. ``tags`` stays empty: our grade and its reason go in ``notes``.
"""
from __future__ import annotations

import calendar
import csv
import functools
import hashlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlparse

from sitroom.export import geo
from sitroom.fuse import grading, picture
from sitroom.store.db import Store

COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
           "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
           "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
           "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
           "fatalities", "tags", "timestamp"]
_TIME = {"day": 1, "week": 2}
_GEO = {"point": 1, "near": 2, "admin": 2, "region": 3, "country": 3}
MAX_DAYS = 31          # a longer span is one row with month precision, not a row a day
_SCALES = ("Local", "Subnational", "National", "Regional", "International", "New media", "Other")
_DEFAULT_ACTOR = {"Protests": ("Protesters", 6), "Riots": ("Rioters", 5)}
UNIDENTIFIED = ("Unidentified Armed Group", 3)   # ACLED's name and code for an unnamed perpetrator


@functools.lru_cache(maxsize=1)
def _disorder() -> dict[tuple[str, str], tuple[str, bool]]:
    return {(r["event_type"], r["sub_event_type"]): (r["disorder_type"], r["fatalities"] == "yes")
            for r in geo.table("acled_disorder")}


def disorder(event_type: str, sub_event_type: str) -> tuple[str, bool]:
    """(ACLED's disorder type, whether fatalities are coded) of a type."""
    t = _disorder()
    return t.get((event_type, sub_event_type)) or t.get((event_type, "*")) or ("Political violence", True)


@functools.lru_cache(maxsize=1)
def _scales() -> dict[str, str]:
    from sitroom.extract import lexicon

    out = {r["term"].lower(): r["scale"] for r in geo.table("source_scale")}
    for r in lexicon.rows("wire_agencies", None):
        out.setdefault(r.term.lower(), "International")
        out.setdefault(r.agency.lower(), "International")
    return out


def source_scale(outlets: list[tuple[str | None, str | None]], iso2: str | None) -> str:
    """ACLED's source_scale of a row's sources, as ACLED joins several ("National-International").
    ``outlets``: (outlet name, URL) pairs."""
    scales = _scales()
    found = set()
    for name, url in outlets:
        host = (urlparse(url).hostname or "").removeprefix("www.") if url else ""
        s = scales.get(host) or scales.get((name or "").lower().removeprefix("www."))
        if s is None and host:
            s = next((v for k, v in scales.items() if "." in k and host.endswith("." + k)), None)
        if s is None and host and iso2 and host.rsplit(".", 1)[-1] == iso2.lower():
            s = "National"
        found.add(s or "Other")
    return "-".join(s for s in _SCALES if s in found)


def _epoch(when: datetime | None) -> int:
    when = when or datetime.now(timezone.utc).replace(tzinfo=None)
    if when.tzinfo is not None:
        return int(when.timestamp())
    return calendar.timegm(when.timetuple())


def _digits(incident_id: str) -> str:
    """The digits of an incident's ACLED id: a ULID's milliseconds and the last three
    digits of its random part (unique unless a thousand incidents share a millisecond); an
    older store's id by its hash."""
    from sitroom.fuse.stored import _CROCKFORD

    body = incident_id[1:]
    if len(incident_id) == 27 and all(c in _CROCKFORD for c in body):
        n = 0
        for c in body:
            n = n * 32 + _CROCKFORD.index(c)
        return f"{n >> 80}{(n & ((1 << 80) - 1)) % 1000:03d}"
    return str(int(hashlib.sha256(incident_id.encode()).hexdigest(), 16) % 10**15)


def _actors(inc, country_name: str) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(actor1 side, actor2 side) as lists of (name, inter code): the first is the actor,
    the rest its associates. An actor without a code takes the code ACLED gives the
    event's unnamed actors (protesters 6, rioters 5, an unidentified armed group 3)."""
    typed = []
    for a in inc.actors:
        code = str((inc.actor_types or {}).get(a) or "").strip()
        typed.append((a, int(code) if code.isdigit() else None))
    if not typed:
        name, code = _DEFAULT_ACTOR.get(inc.event_type, UNIDENTIFIED)
        typed = [(f"{name} ({country_name})" if country_name else name, code)]
    first_default = _DEFAULT_ACTOR.get(inc.event_type, UNIDENTIFIED)[1]
    n1, c1 = typed[0]
    side1 = [(n1, c1 if c1 is not None else first_default)]
    side2: list[tuple[str, int]] = []
    for name, code in typed[1:]:
        if code is None:
            code = 7 if inc.event_type == "Violence against civilians" else side1[0][1]
        if code == side1[0][1] and not side2 and inc.event_type in ("Protests", "Riots"):
            side1.append((name, code))        # protesters with protesters: associates
        elif not side2:
            side2.append((name, code))
        elif code == side1[0][1]:
            side1.append((name, code))
        else:
            side2.append((name, code))
    if inc.event_type == "Violence against civilians" and not side2:
        side2 = [(f"Civilians ({country_name})" if country_name else "Civilians", 7)]
    return side1, side2


def _days(inc, first_published: date | None) -> tuple[list[date], int, str]:
    """The days of an incident's rows, its time precision and a note."""
    if inc.date_start is None:
        day = first_published or (inc.created_at.date() if inc.created_at else date.today())
        return [day], 3, " Date not reported: coded to the day its first report was published."
    start, end = inc.date_start, inc.date_end or inc.date_start
    precision = _TIME.get(inc.date_precision, 3)
    if precision == 1 and start < end:
        n = (end - start).days + 1
        if n <= MAX_DAYS:
            return [start + timedelta(days=k) for k in range(n)], 1, ""
        return [start], 3, f" Reported over {n} days ({start} to {end})."
    return [start], precision, ""


def rows(store: Store, reviewed_only: bool = False, collection: str | None = None) -> Iterator[dict]:
    """ACLED rows of the asserted incidents (of ``collection``)."""
    pic = picture.build(store, asserted_only=True, reviewed_only=reviewed_only, collection=collection)
    umbrellas = {inc.parent_id for inc in pic.incidents if inc.parent_id}
    for inc in pic.incidents:
        if inc.id in umbrellas:
            continue  # a siege or offensive whose parts are coded: ACLED codes the parts
        c = geo.country(inc.country)
        lat, lon, location, geo_precision = inc.lat, inc.lon, inc.place, _GEO.get(inc.geo_precision, 3)
        if lat is None or lon is None:
            if c is None:
                continue
            lat, lon, location, geo_precision = c.lat, c.lon, c.name, 3
        if c is None:
            continue
        g = grading.grade(inc)
        side1, side2 = _actors(inc, c.name)
        inter1 = side1[0][1]
        inter2 = side2[0][1] if side2 else None
        interaction = min(inter1, inter2) * 10 + max(inter1, inter2) if inter2 is not None else inter1 * 10
        disorder_type, violent = disorder(inc.event_type, inc.sub_event_type)
        civilian = "Civilian targeting" if disorder_type.startswith("Political violence") and (
            inc.event_type == "Violence against civilians" or any(code == 7 for _, code in side2)) else ""
        published = sorted(m.published for m in inc.mentions if m.published)
        days, precision, date_note = _days(inc, published[0] if published else None)
        total = (inc.killed_low or 0) if violent else 0
        per, extra = divmod(total, len(days))
        outlets = sorted({(m.outlet or m.article) for m in inc.mentions})
        urls = []
        for m in inc.mentions:
            s = pic.sources.get(m.source_id)
            urls.append((m.outlet, s.meta.url if s else None))
        toll = "" if inc.killed_low is None else (
            f" Fatalities reported: {inc.killed_low}" + ("" if inc.killed_high in (None, inc.killed_low)
                                                         else f"-{inc.killed_high}") + ".")
        if not violent and inc.killed_low:
            toll += " ACLED codes no fatalities on this event type."
        spread = f" Fatalities spread evenly over {len(days)} days." if len(days) > 1 and total else ""
        base = {
            "disorder_type": disorder_type, "event_type": inc.event_type, "sub_event_type": inc.sub_event_type,
            "actor1": side1[0][0], "assoc_actor_1": "; ".join(n for n, _ in side1[1:]), "inter1": inter1,
            "actor2": side2[0][0] if side2 else "", "assoc_actor_2": "; ".join(n for n, _ in side2[1:]),
            "inter2": inter2 if inter2 is not None else "", "interaction": interaction,
            "civilian_targeting": civilian, "iso": c.numeric, "region": c.region, "country": c.name,
            "admin1": geo.admin1(c.iso2, lat, lon), "admin2": "", "admin3": "",
            "location": location or c.name, "latitude": round(float(lat), 4), "longitude": round(float(lon), 4),
            "geo_precision": geo_precision, "source": "; ".join(outlets),
            "source_scale": source_scale(urls, c.iso2), "tags": "",
            "timestamp": _epoch(inc.updated_at or inc.created_at),
        }
        digits = _digits(inc.id)
        for k, day in enumerate(days):
            yield {**base, "event_id_cnty": f"{c.iso3}{digits}{k:02d}", "event_date": day.isoformat(),
                   "year": day.year, "time_precision": precision,
                   "fatalities": per + (1 if k < extra else 0),
                   "notes": f"On {day.isoformat()}, {inc.label}. {g.grade}: {g.reason}.{toll}{spread}{date_note}"
                            f" [sitroom incident {inc.id}]"}


def write(store: Store, path: Path, reviewed_only: bool = False, collection: str | None = None) -> int:
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        for row in rows(store, reviewed_only, collection):
            w.writerow(row)
            n += 1
    return n
