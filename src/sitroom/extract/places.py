"""Places: find mentions, resolve them with the offline gazetteer, disambiguate.

The small spaCy model labels many places of the Caucasus, Sahel or Donbas as people or
organisations (notes/dependencies), so labels are hints only: every capitalised run of
tokens is looked up in the gazetteer (longest name first), and the gazetteer, the words
around the name ("the village of", "President", "told") and the document's other places
decide. Ambiguous names go to the candidate nearest the document's unambiguous places
and in the countries it names; a misspelt name in a place context is matched fuzzily
against the places near those; a place the gazetteer lacks gets the coordinates of the
smallest enclosing area the text names, with the precision saying so.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from spacy.tokens import Span, Token

from sitroom.extract.context import DocContext
from sitroom.extract.gazetteer import Entry, Gazetteer, gazetteer, norm
from sitroom.models import Place

FACILITY_WORDS = {"airport": "facility", "air base": "facility", "airbase": "facility", "base": "facility",
                  "port": "facility", "hospital": "facility", "bridge": "route", "corridor": "route",
                  "crossing": "route", "highway": "route", "road": "route", "border": "route",
                  "square": "other", "dam": "facility", "prison": "facility", "camp": "settlement",
                  "river": "water", "lake": "water", "district": "region", "province": "region",
                  "region": "region", "oblast": "region", "governorate": "region", "valley": "region"}
SETTLEMENT_CUES = re.compile(r"\b(?:village|town|city|hamlet|settlement|capital|suburb|neighbou?rhood|"
                             r"district|camp|municipality|township|commune)s?(?:\s+of)?,?\s*$", re.I)
REGION_CUES = re.compile(r"^\s+(?:region|province|oblast|governorate|state|district)\b", re.I)
PLACE_PREPS = {"in", "at", "near", "from", "to", "into", "outside", "towards", "toward", "around", "across",
               "through", "via", "of", "inside", "between", "and", "over", "on", "for", "against", "with"}
NAMED_FACILITY = {"Square": "other", "Street": "other", "Avenue": "other", "Park": "other", "Airport": "facility",
                  "Bridge": "route", "Crossing": "route", "Stadium": "facility", "Hospital": "facility",
                  "Mosque": "facility", "Church": "facility", "Cathedral": "facility", "Market": "facility",
                  "Prison": "facility", "Camp": "settlement", "Dam": "facility", "Port": "facility"}
PLACE_VERBS = {"reach", "enter", "leave", "shell", "capture", "strike", "hit", "bomb", "attack", "besiege",
               "surround", "seize", "liberate", "visit", "evacuate", "storm", "retake", "recapture", "encircle",
               "bombard", "occupy", "flee", "return", "cross", "raid", "target"}
TITLES = {"president", "mr", "mrs", "ms", "dr", "minister", "general", "gen", "captain", "colonel", "col",
          "lieutenant", "sergeant", "spokesman", "spokeswoman", "spokesperson", "chief", "ambassador", "king",
          "queen", "prince", "sheikh", "pope", "saint", "st", "senator", "rep", "governor", "mayor", "commander",
          "premier", "chancellor", "secretary", "envoy", "director", "professor", "prof", "judge", "rank",
          "activist", "journalist", "reporter", "analyst", "official", "officer", "lord", "lady", "sir"}
SPEECH_AFTER = re.compile(r"^\s*(?:said|says|told|tweeted|wrote|added|stated|declared|announced|replied|"
                          r"claimed|argued|noted|warned|urged|called|has|had|is|was)\b")
FUZZY_MIN = 85.0
_COMMON = {"we", "it", "he", "she", "they", "us", "may", "will", "can", "power", "hope", "unity", "victory",
           "liberty", "independence", "union", "republic", "west", "east", "north", "south", "central",
           "southern", "northern", "eastern", "western", "media", "police", "army", "state", "city", "new",
           "now", "today", "here", "there", "all", "one", "best", "good", "great", "grand", "royal", "national"}
NEAR_KM = 250.0


@dataclass
class _Mention:
    start: int
    end: int
    surface: str
    cands: tuple[Entry, ...]
    kind_hint: str | None = None       # settlement / region / facility word seen around it
    facility: str | None = None        # "airport" etc. appended to the name
    unknown: bool = False              # not in the gazetteer: located by enclosing area
    labelled: bool = False             # spaCy called it GPE/LOC/FAC


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def extract(ctx: DocContext) -> list[Place]:
    g = gazetteer()
    mentions = _find(ctx, g)
    resolved = _resolve(ctx, g, mentions)
    return resolved


# ---------------------------------------------------------------- finding


def _runs(ctx: DocContext) -> list[list[Token]]:
    """Runs of capitalised tokens (with inner hyphens, "of", "D.C."), per sentence."""
    runs: list[list[Token]] = []
    cur: list[Token] = []
    for tok in ctx.doc:
        cap = tok.text[:1].isupper() and any(c.isalpha() for c in tok.text)
        joiner = cur and (tok.text in ("-", "of", "al", "el", "de", "du", "la", "le", "an") or tok.text.startswith("al-")) \
            and tok.i + 1 < len(ctx.doc) and ctx.doc[tok.i + 1].text[:1].isupper()
        if (cap or joiner) and not tok.is_sent_start or (cap and tok.is_sent_start and not cur):
            if cur and (tok.is_sent_start or tok.idx > cur[-1].idx + len(cur[-1].text) + 1 and tok.text != "-"
                        and cur[-1].text != "-"):
                runs.append(cur)
                cur = []
            cur.append(tok)
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return [[t for t in r] for r in runs if r[-1].text not in ("-", "of")] + \
           [r[:-1] for r in runs if r[-1].text in ("-", "of") and len(r) > 1]


def _find(ctx: DocContext, g: Gazetteer) -> list[_Mention]:
    text = ctx.text
    out: list[_Mention] = []
    ent_label = {}
    for ent in ctx.doc.ents:
        for t in ent:
            ent_label[t.i] = ent
    for run in _runs(ctx):
        i = 0
        while i < len(run):
            if run[i].text in ("-", "of") or not run[i].text[:1].isalpha():
                i += 1
                continue
            taken = False
            for j in range(len(run), i, -1):
                start, end = run[i].idx, run[j - 1].idx + len(run[j - 1].text)
                surface = text[start:end]
                # "former Soviet Union", "ex-Soviet Union": a lower-case prefix that is part of a name
                pre = re.search(r"(?:\b(former|ex)-?\s?|\b(ex)-)$", text[max(0, start - 8):start])
                if pre and g.lookup(text[start - len(pre.group(0)):end]):
                    start -= len(pre.group(0))
                    surface = text[start:end]
                # "Lachin corridor", "Kerch bridge": a named route or crossing beats the town it is named after
                fw = re.match(r"^\s+(corridor|crossing|bridge|strait|gap|route)\b", text[end:end + 12])
                if fw and (routes := g.lookup(surface + " " + fw.group(1))):
                    end += fw.end()
                    surface, cands = text[start:end], routes
                else:
                    cands = g.lookup(surface)
                if not cands:
                    continue
                if run[-1].text in NAMED_FACILITY and j <= len(run) - 1 and i == 0:
                    continue  # "Independence Square": the whole run names one facility
                partial = i > 0 or j < len(run)
                if not _acceptable(ctx, run[i], run[j - 1], surface, cands, ent_label, partial):
                    continue
                m = _Mention(start=start, end=end, surface=surface, cands=cands,
                             labelled=any(ent_label.get(t.i) is not None and ent_label[t.i].label_ in ("GPE", "LOC", "FAC")
                                          for t in run[i:j]))
                _facility(ctx, m, run[j - 1])
                out.append(m)
                i, taken = j, True
                break
            if not taken:
                unk = _unknown(ctx, g, run, i)
                if unk:
                    out.append(unk)
                i += 1
    return _drop_overlaps(out)


def _acceptable(ctx: DocContext, first: Token, last: Token, surface: str, cands: tuple[Entry, ...],
                ent_label: dict, partial: bool = False) -> bool:
    doc = ctx.doc
    prev = doc[first.i - 1] if first.i > 0 else None
    nxt_text = ctx.text[last.idx + len(last.text):last.idx + len(last.text) + 20]
    ent = ent_label.get(first.i)
    strong = any(c.kind in ("country", "region", "route", "water") and not c.gid.startswith("state:") for c in cands)
    # part of a longer person or organisation name ("Ivan" in "Ivan Petrov"); a country or
    # region leading a name ("Karabakh Armenians", "US Agency ...") is still that place
    if ent is not None and ent.label_ in ("PERSON", "ORG", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT") and \
            (ent.start < first.i or ent.end > last.i + 1) and not (strong and ent.start == first.i):
        return False
    if ent is not None and ent.label_ == "NORP" and not strong:
        return False
    if prev is not None and prev.lower_.rstrip(".") in TITLES:
        return False
    if strong:
        return True
    if first is last and (first.is_stop or first.lower_ in _COMMON):
        return False  # "We", "May", "Power": common words that are also towns somewhere
    # a settlement-only name: needs the look of a place
    if SPEECH_AFTER.match(nxt_text) and not (ent is not None and ent.label_ in ("GPE", "LOC", "FAC")):
        return False
    if surface.isupper() and len(surface) <= 4:
        return False  # acronyms are organisations far more often than towns
    if re.search(r"\b" + re.escape(surface.lower()) + r"\b", ctx.text) and surface.lower() != surface:
        return False  # also used as a common word in this text
    if ent is not None and ent.label_ in ("GPE", "LOC", "FAC"):
        return True
    labelled = ent is not None and ent.label_ in ("GPE", "LOC", "FAC")
    if partial and not strong:
        return False  # a town's name inside a longer name ("Labour Hub") is part of that name
    if max(c.population for c in cands) >= 100_000 and (ent is None or ent.label_ != "PERSON"):
        return True
    if prev is not None and (prev.lower_ in PLACE_PREPS or prev.lemma_ in PLACE_VERBS or SETTLEMENT_CUES.search(ctx.text[max(0, first.idx - 25):first.idx])):
        return True
    if re.match(r"^(?:'s|’s)?\s*(?:,\s*(?:the|a)\s+)?(?:capital|city|town|village|region|province|airport)\b", nxt_text):
        return True
    return False


def _facility(ctx: DocContext, m: _Mention, last: Token) -> None:
    after = ctx.text[m.end:m.end + 16]
    fm = re.match(r"^\s+(air base|airbase|airport|corridor|crossing|bridge|port|dam|prison|camp|square)\b", after, re.I)
    if fm and not any(c.kind in ("route",) for c in m.cands):
        m.facility = fm.group(1).lower()
        m.end += fm.end()
        m.surface = ctx.text[m.start:m.end]
        m.kind_hint = FACILITY_WORDS.get(m.facility, "facility")
        return
    before = ctx.text[max(0, m.start - 25):m.start]
    if SETTLEMENT_CUES.search(before):
        m.kind_hint = "settlement"
    elif REGION_CUES.match(after):
        m.kind_hint = "region"


def _unknown(ctx: DocContext, g: Gazetteer, run: list[Token], i: int) -> _Mention | None:
    """A name the gazetteer lacks, in a place context ("the village of X", "X Square")."""
    tok = run[i]
    if i != 0:
        return None
    end_tok = run[-1]
    start, end = tok.idx, end_tok.idx + len(end_tok.text)
    surface = ctx.text[start:end]
    before = ctx.text[max(0, start - 25):start]
    after = ctx.text[end:end + 16]
    square = surface.split()[-1] in NAMED_FACILITY and len(surface.split()) > 1
    if square:
        return _Mention(start=start, end=end, surface=surface, cands=(), unknown=True,
                        kind_hint=NAMED_FACILITY[surface.split()[-1]])
    fw = re.match(r"^\s+(corridor|crossing|bridge)\b", after)
    if fw:  # a misspelt named route: fuzzy against our table of areas
        hit = _fuzzy_area(g, surface + " " + fw.group(1))
        if hit:
            return _Mention(start=start, end=end + fw.end(), surface=ctx.text[start:end + fw.end()], cands=(hit,))
    cued = SETTLEMENT_CUES.search(before) or re.match(r"^,\s*(?:a|the)\s+(?:village|town|city)\b", after)
    coordinated = re.search(r"\b(?:village|town|city|villages|towns|cities)s?\s+of\s+[A-Z][\w-]+\s+and\s+$", ctx.text[max(0, start - 60):start])
    if not (cued or coordinated):
        return None
    if tok.i > 0 and ctx.doc[tok.i - 1].lower_ in TITLES:
        return None
    return _Mention(start=start, end=end, surface=surface, cands=(), unknown=True, kind_hint="settlement")


def _drop_overlaps(ms: list[_Mention]) -> list[_Mention]:
    ms.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[_Mention] = []
    for m in ms:
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


# ---------------------------------------------------------------- resolving


def _resolve(ctx: DocContext, g: Gazetteer, ms: list[_Mention]) -> list[Place]:
    countries = Counter(c.country for m in ms for c in m.cands[:1] if c.kind == "country")
    anchors: list[tuple[float, float]] = []
    for m in ms:  # unambiguous places anchor the document
        pts = {(round(c.lat, 1), round(c.lon, 1)) for c in m.cands if c.kind != "country"}
        if len(pts) == 1 and m.cands and m.cands[0].kind != "country":
            anchors.append((m.cands[0].lat, m.cands[0].lon))
    chosen: dict[str, Entry] = {}
    main_pt = None
    for _ in range(2):  # second pass uses the first pass's choices as anchors and main area
        for m in ms:
            if m.cands:
                chosen[m.surface] = best = max(m.cands, key=lambda c: _score(c, m, countries, anchors, main_pt))
                if best.kind != "country":
                    anchors.append((best.lat, best.lon))
        main = _main_area(ms, chosen)
        main_pt = (main.lat, main.lon) if main is not None and main.kind != "country" else None
    # a small far-away town that only shares a name with a word of the text is not a place here
    far = set()
    for m in ms:
        e = chosen.get(m.surface)
        others = [(o.lat, o.lon) for k, o in chosen.items() if k != m.surface and o.kind != "country"]
        if e is not None and e.kind == "settlement" and e.population < 100_000 and not m.kind_hint \
                and min((km((e.lat, e.lon), a) for a in others), default=0) > 800:
            far.add(m.surface)
    for surface in far:
        del chosen[surface]
    ms = [m for m in ms if m.surface not in far]
    # misspelt names in a place context: fuzzy match against places near the anchors
    for m in ms:
        if m.unknown and m.kind_hint == "settlement" and anchors:
            hit = _fuzzy(g, m.surface, anchors)
            if hit:
                m.cands, m.unknown = hit, False
                chosen[m.surface] = max(hit, key=lambda c: _score(c, m, countries, anchors, main_pt))
    main = _main_area(ms, chosen)
    out: list[Place] = []
    for m in ms:
        sent = ctx.sentence_of(m.start, m.end)
        if m.unknown:
            area = _enclosing(ctx, m, ms, chosen, sent) or main
            if area is None:
                continue
            out.append(Place(start=m.start, end=m.end, sentence=sent.text.strip(), surface=m.surface, name=m.surface,
                             country=area.country, lat=area.lat, lon=area.lon, kind=m.kind_hint or "other",
                             precision="near" if area.kind == "settlement" else "region" if area.kind != "country" else "country",
                             gazetteer_id=None, confidence=0.4))
            continue
        e = chosen[m.surface]
        kind = e.kind if not m.facility else (m.kind_hint or "facility")
        precision = {"country": "country", "region": "region", "route": "near", "water": "region"}.get(e.kind, "point")
        if m.facility:
            precision = "near"
        if e.gid.startswith("state:"):
            precision = "admin"
        out.append(Place(start=m.start, end=m.end, sentence=sent.text.strip(), surface=m.surface,
                         name=e.name + (f" {m.facility}" if m.facility else ""), country=e.country, lat=e.lat, lon=e.lon,
                         kind=kind, precision=precision, gazetteer_id=e.gid, admin1=e.admin1,
                         confidence=1.0 if len(m.cands) == 1 else 0.8))
    return out


def _score(c: Entry, m: _Mention, countries: Counter, anchors: list[tuple[float, float]],
           main_pt: tuple[float, float] | None = None) -> float:
    s = math.log10(c.population + 10)
    if norm(c.name) == norm(m.surface):
        s += 1.5  # the place's own name rather than one of its alternate names
    if main_pt is not None and c.kind != "country" and km((c.lat, c.lon), main_pt) < 75:
        s += 4  # inside the area the document is about
    if c.country and c.country in countries:
        s += 2 + min(countries[c.country], 3)
    if anchors and c.kind != "country":
        d = min(km((c.lat, c.lon), a) for a in anchors if a != (c.lat, c.lon)) if any(
            a != (c.lat, c.lon) for a in anchors) else 1e9
        s += 5 if d < 100 else 3 if d < NEAR_KM else 1 if d < 800 else 0
    if m.kind_hint == "settlement":
        s += 4 if c.kind == "settlement" else -2
    elif m.kind_hint == "region":
        s += 4 if c.kind == "region" else 0
    elif c.gid.startswith("state:"):
        s -= 5  # a bare name is the town more often than the province named after it
    if c.gid.startswith("area:") or c.gid.startswith("user:"):
        s += 10  # our curated areas and the user's places are the authority for their names
    return s


def _fuzzy_area(g: Gazetteer, name: str) -> Entry | None:
    areas = g.areas()
    hit = process.extractOne(norm(name), list(areas), scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
    return areas[hit[0]] if hit else None


_NEAR_CACHE: dict[tuple[int, int], list[tuple[str, Entry]]] = {}


def _fuzzy(g: Gazetteer, surface: str, anchors: list[tuple[float, float]]) -> tuple[Entry, ...] | None:
    """A settlement near the document's places whose name is one or two letters off."""
    cells = {(round(a[0]), round(a[1])) for a in anchors}
    pool: dict[str, Entry] = {}
    for cell in cells:
        if cell not in _NEAR_CACHE:
            _NEAR_CACHE[cell] = [(k, e) for k, cands in g.index.items() for e in cands
                                 if e.kind == "settlement" and abs(e.lat - cell[0]) <= 1.5 and abs(e.lon - cell[1]) <= 2]
        for k, e in _NEAR_CACHE[cell]:
            pool.setdefault(k, e)
    if not pool:
        return None
    target = norm(surface)
    hit = process.extractOne(target, list(pool), scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
    if not hit or abs(len(hit[0]) - len(target)) > 2:
        return None
    near = [e for e in g.index.get(hit[0], ()) if e.kind == "settlement"
            and min(km((e.lat, e.lon), a) for a in anchors) <= NEAR_KM]
    return tuple(near) or None


def _main_area(ms: list[_Mention], chosen: dict[str, Entry]) -> Entry | None:
    counts = Counter(chosen[m.surface].gid for m in ms if m.surface in chosen and chosen[m.surface].kind == "region")
    if counts:
        gid = counts.most_common(1)[0][0]
        return next(chosen[m.surface] for m in ms if m.surface in chosen and chosen[m.surface].gid == gid)
    counts = Counter(chosen[m.surface].gid for m in ms if m.surface in chosen and chosen[m.surface].kind == "country")
    if counts:
        gid = counts.most_common(1)[0][0]
        return next(chosen[m.surface] for m in ms if m.surface in chosen and chosen[m.surface].gid == gid)
    return None


def _enclosing(ctx: DocContext, m: _Mention, ms: list[_Mention], chosen: dict[str, Entry], sent: Span) -> Entry | None:
    """The smallest area named in the same sentence (a city for a square, a region for a village)."""
    same = [chosen[o.surface] for o in ms if o is not m and o.surface in chosen
            and sent.start_char <= o.start < sent.end_char]
    if m.kind_hint in ("other", "facility"):
        towns = [e for e in same if e.kind == "settlement"]
        if towns:
            return towns[0]
    regions = [e for e in same if e.kind == "region"]
    return regions[0] if regions else None
