"""Countries and first-level divisions for exports, from the gazetteer's country data
(countrystatecity-countries): a country's name, numeric ISO 3166-1 code, ISO3 and region
as ACLED spells them (``data/export/acled_*.tsv`` where ACLED differs), and the
first-level division (admin1) a point lies in, as the nearest town of the country's
town list places it. The package has no second- or third-level divisions, so admin2 and
admin3 stay empty."""
from __future__ import annotations

import csv
import functools
import math
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "export"
ADMIN1_KM = 60.0  # a town farther than this from the point says nothing about its division


def table(name: str) -> list[dict[str, str]]:
    """A TSV of ``data/export`` (``#`` lines are comments) as a list of dicts."""
    with (DATA / f"{name}.tsv").open(encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines, delimiter="\t")]


@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    numeric: int
    name: str          # as ACLED spells it
    region: str        # ACLED's region
    lat: float
    lon: float


@functools.lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """ISO2 -> Country."""
    import countrystatecity_countries as csc

    spelled = {r["iso2"]: r for r in table("acled_countries")}
    regions = {r["subregion"]: r["region"] for r in table("acled_regions")}
    out = {}
    for c in csc.get_countries():
        if not c.iso2:
            continue
        o = spelled.get(c.iso2, {})
        try:
            numeric = int(c.numeric_code or 0)
        except ValueError:
            numeric = 0
        out[c.iso2] = Country(iso2=c.iso2, iso3=c.iso3 or c.iso2, numeric=numeric, name=o.get("country") or c.name,
                              region=o.get("region") or regions.get(c.subregion or "", c.region or ""),
                              lat=float(c.latitude or 0), lon=float(c.longitude or 0))
    return out


def country(iso2: str | None) -> Country | None:
    return countries().get((iso2 or "").upper()) if iso2 else None


def by_name(name: str) -> Country | None:
    """A country by its name (ACLED's spelling, the gazetteer's, or ISO2/ISO3)."""
    key = (name or "").strip().lower()
    if not key:
        return None
    for c in countries().values():
        if key in (c.name.lower(), c.iso2.lower(), c.iso3.lower()):
            return c
    import countrystatecity_countries as csc

    for c in csc.get_countries():
        if c.name.lower() == key:
            return countries().get(c.iso2)
    return None


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (la1, lo1), (la2, lo2) = a, b
    p1, p2 = math.radians(la1), math.radians(la2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


@functools.lru_cache(maxsize=64)
def _towns(iso2: str) -> tuple[list[tuple[float, float, str]], dict[str, str]]:
    import countrystatecity_countries as csc

    try:
        states = {str(s.id): s.name for s in csc.get_states_of_country(iso2)}
        towns = [(float(t.latitude), float(t.longitude), str(t.state_id)) for t in csc.get_cities_of_country(iso2)
                 if t.latitude is not None and t.longitude is not None]
    except Exception:  # a country the package has no file for
        return [], {}
    return towns, states


def admin1(iso2: str | None, lat: float | None, lon: float | None) -> str:
    """The first-level division a point lies in (the nearest town's, within ADMIN1_KM);
    "" when the country or point is unknown or no town is near."""
    if not iso2 or lat is None or lon is None:
        return ""
    towns, states = _towns(iso2.upper())
    best, name = ADMIN1_KM, ""
    for tlat, tlon, sid in towns:
        if abs(tlat - lat) > 1.0 or abs(tlon - lon) > 1.5:
            continue
        d = km((lat, lon), (tlat, tlon))
        if d < best:
            best, name = d, states.get(sid, "")
    return name
