"""sitroom against a reference dataset: which of the reference's events sitroom also
found, which it missed, and which incidents sitroom has that the reference does not.

Reads an ACLED CSV (ACLED's own downloads, its API's CSV, or ``sitroom export --format
acled``: recognised by ``event_id_cnty``) or a UCDP GED CSV (``type_of_violence``,
``date_start``). A reference event and an incident match when

- their types share a family (``data/export/reference_families.tsv``: a shelling matches
  a UCDP state-based or one-sided event, a protest a protest);
- their dates overlap, give or take ``days`` (1 by default; more where the reference dates
  an event to a week or a month, and an undated incident matches only such an event);
- their places lie within ``km`` of each other (25 by default; 100 when either is only
  located to a region or country), or, where either has no coordinates, they name the
  same location in the same country.

Each reference event matches at most one incident (the nearest in time, then space); an
incident may match several reference events (ACLED codes a multi-day incident as a row a
day). By default only the reference events inside the store's dates (and countries) are
compared: sitroom cannot find what its reports do not cover.

    >>> from sitroom.report import reference                       # doctest: +SKIP
    >>> result = reference.compare(store, "acled_2024.csv")
    >>> result.recall, len(result.missed), len(result.extra)
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sitroom.export import geo

ACLED_COLUMNS = ("event_id_cnty", "event_date", "event_type", "latitude", "longitude")
UCDP_COLUMNS = ("id", "type_of_violence", "date_start", "date_end", "latitude", "longitude")
AREA_KM = 100.0
_SLACK = {2: 7, 3: 31, 4: 31, 5: 366}   # days a date of that precision may be off (ACLED 2-3, UCDP 2-5)


class ReferenceError(ValueError):
    """A file that is not a reference dataset sitroom reads."""


@dataclass
class RefEvent:
    id: str
    dataset: str                  # "acled" | "ucdp"
    type: str                     # ACLED's event type, or UCDP's type_of_violence ("1", "2", "3")
    start: date
    end: date
    lat: float | None
    lon: float | None
    location: str
    country: str                  # as the file writes it
    fatalities: int | None
    precise: bool = True          # located to a point (not a region or country)
    slack: int = 0                # days its date may be off (ACLED's time precision 2: a week, 3: a month)

    @property
    def families(self) -> frozenset[str]:
        return families(self.dataset, self.type)


@dataclass
class Match:
    ref: RefEvent
    incident: object              # a StoredIncident
    km: float | None
    days: int


@dataclass
class Comparison:
    dataset: str
    path: str
    matched: list[Match] = field(default_factory=list)
    missed: list[RefEvent] = field(default_factory=list)
    extra: list = field(default_factory=list)        # incidents the reference does not have
    outside: int = 0                                 # reference events outside the store's dates/countries

    @property
    def recall(self) -> float | None:
        n = len(self.matched) + len(self.missed)
        return len(self.matched) / n if n else None

    @property
    def found_incidents(self) -> list:
        seen: dict[str, object] = {}
        for m in self.matched:
            seen.setdefault(m.incident.id, m.incident)
        return list(seen.values())


@functools.lru_cache(maxsize=1)
def _families() -> dict[tuple[str, str], frozenset[str]]:
    return {(r["dataset"], r["type"]): frozenset(f.strip() for f in r["families"].split(";") if f.strip())
            for r in geo.table("reference_families")}


def families(dataset: str, type_: str) -> frozenset[str]:
    return _families().get((dataset, str(type_).strip()), frozenset())


def _date(value: str) -> date:
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d/%m/%Y", "%m/%d/%Y"):
        try:
            return datetime.strptime(value[:10] if fmt == "%Y-%m-%d" else value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {value!r}")


def _float(value: str) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _int(value: str) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except ValueError:
        return None


def read(path: str | Path) -> tuple[str, list[RefEvent]]:
    """(dataset, events) of an ACLED or UCDP GED CSV; ReferenceError for anything else."""
    path = Path(path)
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ReferenceError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    with fh:
        reader = csv.DictReader(fh)
        cols = {c.strip() for c in (reader.fieldnames or [])}
        if set(ACLED_COLUMNS) <= cols:
            dataset = "acled"
        elif set(UCDP_COLUMNS) <= cols:
            dataset = "ucdp"
        else:
            raise ReferenceError(f"{path}: not an ACLED or UCDP GED CSV (its columns: "
                                 f"{', '.join(sorted(cols)[:12]) or 'none'}); an ACLED CSV has "
                                 f"{', '.join(ACLED_COLUMNS)}, a UCDP GED CSV {', '.join(UCDP_COLUMNS)}")
        events = []
        for n, row in enumerate(reader, 2):
            row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
            try:
                if dataset == "acled":
                    day = _date(row["event_date"])
                    events.append(RefEvent(
                        id=row["event_id_cnty"], dataset=dataset, type=row["event_type"], start=day, end=day,
                        lat=_float(row["latitude"]), lon=_float(row["longitude"]), location=row.get("location", ""),
                        country=row.get("country", ""), fatalities=_int(row.get("fatalities", "")),
                        precise=(_int(row.get("geo_precision", "")) or 1) == 1,
                        slack=_SLACK.get(_int(row.get("time_precision", "")) or 1, 0)))
                else:
                    start = _date(row["date_start"])
                    end = _date(row["date_end"]) if row.get("date_end") else start
                    events.append(RefEvent(
                        id=row["id"], dataset=dataset, type=row["type_of_violence"], start=start, end=max(start, end),
                        lat=_float(row["latitude"]), lon=_float(row["longitude"]),
                        location=row.get("where_coordinates") or row.get("adm_2") or row.get("adm_1") or "",
                        country=row.get("country", ""), fatalities=_int(row.get("best", "")),
                        precise=(_int(row.get("where_prec", "")) or 1) <= 2,
                        slack=_SLACK.get(_int(row.get("date_prec", "")) or 1, 0)))
            except (KeyError, ValueError) as exc:
                raise ReferenceError(f"{path} row {n}: {exc}") from exc
    return dataset, events


def _iso2(name: str) -> str | None:
    c = geo.by_name(name)
    return c.iso2 if c else None


def _km(ref: RefEvent, inc) -> float | None:
    if None in (ref.lat, ref.lon, inc.lat, inc.lon):
        return None
    return geo.km((ref.lat, ref.lon), (inc.lat, inc.lon))


def _pair(ref: RefEvent, inc, km_: float, days: int) -> tuple[int, float] | None:
    """(days apart, km apart) when ``ref`` and ``inc`` can be one event, else None."""
    if not (ref.families & families("acled", inc.event_type)):
        return None
    if inc.date_start is None:   # an undated incident: only a reference event dated as loosely
        if not ref.slack:
            return None
        apart = ref.slack
    else:
        start, end = inc.date_start, inc.date_end or inc.date_start
        slack = timedelta(days=days + ref.slack)
        if ref.start > end + slack or ref.end < start - slack:
            return None
        apart = 0 if ref.start <= end and ref.end >= start else min(abs((ref.start - end).days),
                                                                    abs((start - ref.end).days))
    dist = _km(ref, inc)
    if dist is None:
        same = (ref.location or "").lower() == (inc.place or "").lower() and ref.location
        if not same or (inc.country and _iso2(ref.country) not in (None, inc.country)):
            return None
        return apart, 0.0
    area = not ref.precise or inc.geo_precision in ("region", "country", "admin")
    if dist > (max(km_, AREA_KM) if area else km_):
        return None
    return apart, dist


def compare(store, path: str | Path, *, km: float = 25.0, days: int = 1, collection: str | None = None,
            everything: bool = False) -> Comparison:
    """Compare the store's incidents (of ``collection``) with a reference file.
    ``everything``: compare every reference event, not only those inside the store's dates
    and countries."""
    from sitroom.fuse import picture

    dataset, refs = read(path)
    incidents = [i for i in picture.build(store, asserted_only=True, collection=collection).incidents]
    out = Comparison(dataset=dataset, path=str(path))
    dated = [i for i in incidents if i.date_start]
    if not everything:
        if dated:
            lo = min(i.date_start for i in dated) - timedelta(days=days)
            hi = max(i.date_end or i.date_start for i in dated) + timedelta(days=days)
        countries = {i.country for i in incidents if i.country}
        kept = []
        for r in refs:
            inside = bool(dated) and r.end >= lo and r.start <= hi
            iso = _iso2(r.country)
            if inside and (not countries or iso is None or iso in countries):
                kept.append(r)
        out.outside = len(refs) - len(kept)
        refs = kept
    hit: set[str] = set()
    for r in refs:
        best = None
        for inc in incidents:
            p = _pair(r, inc, km, days)
            if p is not None and (best is None or p < best[0]):
                best = (p, inc)
        if best is None:
            out.missed.append(r)
        else:
            (apart, dist), inc = best
            out.matched.append(Match(ref=r, incident=inc, km=round(dist, 1), days=apart))
            hit.add(inc.id)
    out.extra = [i for i in incidents if i.id not in hit]
    return out


def write_csv(result: Comparison, path: Path) -> int:
    """One row per reference event (found or missed) and per incident the reference lacks."""
    cols = ["status", "reference_id", "reference_date", "reference_type", "reference_location", "reference_country",
            "reference_fatalities", "incident_id", "incident_date", "incident_type", "incident_place", "km", "days"]
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(cols)

        def ref_cells(r):
            return [r.id, r.start.isoformat(), r.type, r.location, r.country, "" if r.fatalities is None else r.fatalities]

        def inc_cells(i):
            return [i.id, i.date_start.isoformat() if i.date_start else "", i.sub_event_type, i.place or ""]

        for m in result.matched:
            w.writerow(["found", *ref_cells(m.ref), *inc_cells(m.incident), m.km, m.days])
        for r in result.missed:
            w.writerow(["missed", *ref_cells(r), "", "", "", "", "", ""])
        for i in result.extra:
            w.writerow(["only sitroom", "", "", "", "", "", "", *inc_cells(i), "", ""])
        n = len(result.matched) + len(result.missed) + len(result.extra)
    return n
