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
from sitroom.extract.gazetteer import Entry, Gazetteer, gazetteer, km, norm
from sitroom.models import Place

FACILITY_WORDS = {"airport": "facility", "air base": "facility", "airbase": "facility", "base": "facility",
                  "plant": "facility", "station": "facility", "refinery": "facility", "checkpoint": "route",
                  "seaport": "facility", "market": "facility",
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
# a lower-case facility word after a name: "Kharkiv airport", "Zaporizhzhia nuclear power plant"
FACILITY_AFTER = re.compile(r"^\s+((?:international\s+)?airport|air\s?base|(?:nuclear\s+)?power\s+(?:plant|station)|"
                            r"refinery|hospital|(?:sea)?port|dam|prison|(?:refugee\s+)?camp|square|checkpoint|"
                            r"crossing|bridge|corridor|railway\s+station|train\s+station|market)\b", re.I)
# capitalised words that may follow a place's name without making it another name
GENERIC_AFTER = {"city", "province", "region", "oblast", "governorate", "district", "state", "county", "valley",
                 "municipality", "prefecture", "raion", "island", "islands", "old", "town", "centre", "center"}
_COMMON = {"we", "it", "he", "she", "they", "us", "may", "will", "can", "power", "hope", "unity", "victory",
           "liberty", "independence", "union", "republic", "west", "east", "north", "south", "central",
           "southern", "northern", "eastern", "western", "media", "police", "army", "state", "city", "new",
           "now", "today", "here", "there", "all", "one", "best", "good", "great", "grand", "royal", "national"}
_COMMON |= {"january", "february", "march", "april", "june", "july", "august", "september", "october",
            "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
            "christmas", "easter", "ramadan", "eid", "god", "allah", "lord", "internet", "parliament", "congress",
            "government", "senate", "court", "assembly", "embassy", "ministry", "mission", "council"}
NOT_PLACE_LABELS = ("DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "LANGUAGE")
# head words of organisations named after a place ("Arakan Army", "Kyiv Post")
ORG_HEADS = {"army", "forces", "force", "movement", "party", "front", "council", "ministry", "agency", "committee",
             "union", "bank", "times", "post", "news", "university", "airlines", "airways", "brigade", "battalion",
             "corps", "guard", "guards", "police", "government", "league", "federation", "institute", "foundation",
             "company", "corporation", "group", "club", "fc", "united", "city", "tribune", "herald", "telegraph",
             "journal", "radio", "television", "tv", "network", "church", "academy", "school", "college", "society",
             "association", "organisation", "organization", "alliance", "coalition", "command", "division",
             "regiment", "militia", "service", "services", "office", "department", "embassy", "mission", "commission",
             "parliament", "assembly", "congress", "senate", "court", "tribunal", "declaration", "accords", "accord",
             "agreement", "treaty", "protocol", "process", "conference", "summit", "war", "wars", "crisis"}
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
    fuzzy: bool = False                # matched a misspelt name


def extract(ctx: DocContext) -> list[Place]:
    g = gazetteer()
    mentions = _find(ctx, g)
    resolved = _resolve(ctx, g, mentions)
    return resolved


def resolve_spans(ctx: DocContext, spans: list[tuple[int, int]]) -> list[Place | None]:
    """Resolve names whose spans are given (toponym resolution alone, as the geoparsing
    benchmarks' "gold names given" setting measures it): one Place or None per span."""
    g = gazetteer()
    ms = []
    for start, end in sorted(set(spans)):
        surface = ctx.text[start:end]
        cands = g.lookup(surface)
        ms.append(_Mention(start=start, end=end, surface=surface, cands=cands, unknown=not cands,
                           labelled=True))
    by_span = {(p.start, p.end): p for p in _resolve(ctx, g, ms)}
    return [by_span.get((s, e)) for s, e in spans]


# ---------------------------------------------------------------- finding


# lower-case words inside names: "Bosnia and Herzegovina" is looked up whole, "Rostov on Don",
# "Dar es Salaam", "Ras al Ain", "Bandar Seri Begawan" (hyphenated forms are glued anyway)
JOINERS = {"of", "al", "el", "de", "du", "la", "le", "des", "del", "da", "di", "dos", "das", "van",
           "von", "der", "den", "ad", "ar", "az", "ash", "sur", "upon", "au", "aux", "es", "bin", "ibn"}
LEADING_STOP = {"the", "a", "an", "in", "on", "at", "but", "and", "or", "as", "for", "from", "to", "by", "with",
                "after", "before", "since", "when", "while", "if", "of", "near", "inside", "outside", "across",
                "meanwhile", "elsewhere", "across", "throughout", "during", "despite", "over", "under", "into",
                "then", "so", "yet", "still", "also", "this", "that", "these", "those", "its", "their", "his", "her"}


def _cap(tok: Token) -> bool:
    """Capitalised, or an Arabic article glued to a capitalised name ("al-Noura")."""
    t = tok.text
    return (t[:1].isupper() and any(c.isalpha() for c in t)) or bool(_ARTICLE.match(t))


_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ed|es|er|et|ez)-[A-Z]")


def _runs(ctx: DocContext, g: Gazetteer | None = None) -> list[list[Token]]:
    """Runs of capitalised tokens per sentence: hyphenated names glued whole ("Port-au-Prince",
    "Port-au-Prince"), lower-case name particles between capitals ("Dar es Salaam"), a
    leading sentence word ("The", "In") dropped, trailing lower-case parts ("-backed") too."""
    doc = ctx.doc
    runs: list[list[Token]] = []
    cur: list[Token] = []

    def close():
        nonlocal cur
        r = cur
        while r and (not _cap(r[-1]) or r[-1].text == "-"):
            r = r[:-1]
        while r and r[0].lower_ in LEADING_STOP:
            r = r[1:]
        while r and (not _cap(r[0])):
            r = r[1:]
        if r:
            runs.append(r)
        cur = []

    for tok in doc:
        prev = doc[tok.i - 1] if tok.i > 0 else None
        touching = prev is not None and tok.idx == prev.idx + len(prev.text)
        glued = bool(cur) and touching and (tok.text == "-" or prev.text == "-") and not tok.is_sent_start
        spaced = prev is not None and tok.idx == prev.idx + len(prev.text) + 1 and prev.whitespace_ == " "
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if glued:
            cur.append(tok)
            continue
        if _cap(tok):
            if cur and (tok.is_sent_start or not spaced):
                close()
            cur.append(tok)
            continue
        if cur and g is not None and tok.lower_ in ("'s", "’s") and touching and nxt is not None and _cap(nxt) \
                and nxt.idx == tok.idx + len(tok.text) + 1 \
                and any(norm(ctx.text[c.idx:nxt.idx + len(nxt.text)]) in g for c in cur):
            cur.append(tok)   # "Cox's Bazar", "Martha's Vineyard": a possessive inside a known name
            continue
        if cur and tok.lower_ in JOINERS and spaced and nxt is not None and not nxt.is_sent_start \
                and (_cap(nxt) or nxt.text == "-") and nxt.idx == tok.idx + len(tok.text) + (nxt.text != "-"):
            cur.append(tok)
            continue
        if cur:
            close()
    if cur:
        close()
    return runs


def _find(ctx: DocContext, g: Gazetteer) -> list[_Mention]:
    text = ctx.text
    out: list[_Mention] = []
    ent_label = {}
    for ent in ctx.doc.ents:
        for t in ent:
            ent_label[t.i] = ent
    for run in _runs(ctx, g):
        i = 0
        while i < len(run):
            if not _cap(run[i]):
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
                # "Philadelphi corridor", "Kerch bridge": a named route or crossing beats the town it is named after
                fw = re.match(r"^\s+(corridor|crossing|bridge|strait|gap|route)\b", text[end:end + 12]) \
                    or FACILITY_AFTER.match(text[end:end + 40])
                if fw and (routes := g.lookup(surface + " " + fw.group(1))):
                    end += fw.end()
                    surface, cands = text[start:end], routes
                else:
                    cands = g.lookup(surface)
                if not cands:
                    continue
                if run[-1].text in NAMED_FACILITY and j <= len(run) - 1 and i == 0:
                    continue  # "Independence Square": the whole run names one facility
                left = run[i - 1] if i > 0 and run[i - 1].lower_ not in ("'s", "’s") else None
                right = run[j] if j < len(run) and run[j].lower_ not in ("'s", "’s") else None
                if not _acceptable(ctx, run[i], run[j - 1], surface, cands, ent_label, left, right):
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
                ent_label: dict, left: Token | None = None, right: Token | None = None) -> bool:
    """Whether a gazetteer hit is a place here. ``left``/``right``: capitalised words of the
    same run next to it (the hit is then part of a longer name)."""
    doc = ctx.doc
    partial = left is not None or right is not None
    prev = doc[first.i - 1] if first.i > 0 else None
    nxt_text = ctx.text[last.idx + len(last.text):last.idx + len(last.text) + 20]
    ent = ent_label.get(first.i)
    strong = any(c.kind in ("country", "region", "route", "water") and not c.gid.startswith("state:") for c in cands)
    # part of a longer person or organisation name ("Ivan" in "Ivan Petrov"); a country or
    # region leading a name ("Darfur refugees", "US Agency ...") is still that place
    if ent is not None and ent.label_ in ("PERSON", "ORG", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT", "FAC") and \
            any(t is not None and ent.start <= t.i < ent.end for t in (left, right)):
        rest = [t.lower_ for t in doc[last.i + 1:ent.end]]
        leading = strong and left is None and not any(w in ORG_HEADS for w in rest) and (
            ent.label_ != "PERSON" or (right is not None and (right.tag_ == "NNPS" or right.text.endswith("ans"))))
        if not leading:   # "Jordan" in "Jordan Peterson", "Paris" in "Paris Hilton"
            return False
    if ent is not None and ent.label_ == "NORP" and not strong and not (
            first.pos_ == "PROPN" and first.tag_ != "NNPS"
            and any(c.population >= 100_000 and norm(c.name) == norm(surface) for c in cands)):
        return False  # "Russian", "Sudanese", "Thai": a people, not a place
    if ent is not None and ent.label_ in NOT_PLACE_LABELS and not strong:
        return False  # "March", "Sunday": dates
    if right is not None and right.lower_ in ORG_HEADS and ent is not None and ent.label_ == "ORG":
        return False  # "Arakan Army", "Kyiv Post"
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
    if partial and not (right is not None and left is None and right.lower_ in GENERIC_AFTER):
        return False  # a town's name inside a longer name ("Paris Hilton", "Sydney Morning Herald") is part of that name
    if ent is not None and ent.label_ in ("GPE", "LOC", "FAC"):
        return True
    if max(c.population for c in cands) >= 100_000 and (ent is None or ent.label_ != "PERSON"):
        return True
    if FACILITY_AFTER.match(ctx.text[last.idx + len(last.text):last.idx + len(last.text) + 40]):
        return True  # "Kharkiv airport", "Zaporizhzhia nuclear power plant"
    if prev is not None and (prev.lower_ in PLACE_PREPS or prev.lemma_ in PLACE_VERBS or SETTLEMENT_CUES.search(ctx.text[max(0, first.idx - 25):first.idx])):
        return True
    if re.match(r"^(?:'s|’s)?\s*(?:,\s*(?:the|a)\s+)?(?:capital|city|town|village|region|province|airport)\b", nxt_text):
        return True
    return False


def _facility(ctx: DocContext, m: _Mention, last: Token) -> None:
    after = ctx.text[m.end:m.end + 16]
    fm = FACILITY_AFTER.match(ctx.text[m.end:m.end + 40])
    if fm and not any(c.kind in ("route",) for c in m.cands):
        m.facility = fm.group(1).lower()
        m.end += fm.end()
        m.surface = ctx.text[m.start:m.end]
        m.kind_hint = FACILITY_WORDS.get(m.facility.split()[-1], "facility")
        if all(c.kind == "country" for c in m.cands) and m.facility not in ("border", "crossing"):
            # "the city's Saudi hospital", "the Turkish market": a facility named after a
            # country stands in a town of the text, not at the country's centre
            m.cands, m.unknown = (), True
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
    fa = FACILITY_AFTER.match(ctx.text[end:end + 40])
    if fa and any(g.lookup(ctx.text[t.idx:end]) for t in run[1:]):
        fa = None  # "Shelling of El Fasher market": the market of a known place, found from that place
    ents = [t.ent_type_ for t in run]
    if fa and not surface.isupper() and not any(e in ("NORP", "PERSON") and t.pos_ == "ADJ" for e, t in zip(ents, run)) \
            and not (tok.i > 0 and ctx.doc[tok.i - 1].lower_ in TITLES) and not any(t.lower_ in ORG_HEADS for t in run):
        word = fa.group(1).lower().split()[-1]
        return _Mention(start=start, end=end + fa.end(), surface=ctx.text[start:end + fa.end()], cands=(),
                        unknown=True, kind_hint=FACILITY_WORDS.get(word, "facility"), facility=fa.group(1).lower())
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
    # the countries the document is about: those it names, and those of its unambiguous places
    countries: Counter = Counter()
    for m in ms:
        if m.cands and m.cands[0].kind == "country":
            countries[m.cands[0].country] += 1
        elif len({c.country for c in m.cands}) == 1 and m.cands[0].country:
            countries[m.cands[0].country] += 1
    anchors: list[tuple[str, tuple[float, float]]] = []   # (surface, point): what each mention anchors
    for m in ms:  # unambiguous places anchor the document
        pts = {(round(c.lat, 1), round(c.lon, 1)) for c in m.cands if c.kind != "country"}
        if len(pts) == 1 and m.cands and m.cands[0].kind != "country":
            anchors.append((m.surface, (m.cands[0].lat, m.cands[0].lon)))
    chosen: dict[str, Entry] = {}
    main_pt = None
    for _ in range(2):  # second pass uses the first pass's choices as anchors and main area
        for m in ms:
            if m.cands:
                chosen[m.surface] = best = max(m.cands, key=lambda c: _score(c, m, countries, anchors, main_pt))
                if best.kind != "country":
                    anchors.append((m.surface, (best.lat, best.lon)))
        main = _main_area(ms, chosen)
        main_pt = (main.lat, main.lon) if main is not None and main.kind != "country" else None
    # a small far-away town that only shares a name with a word of the text is not a place here;
    # one the text calls a village is, but not that far-away one
    far = set()
    for m in ms:
        e = chosen.get(m.surface)
        others = [(o.lat, o.lon) for k, o in chosen.items() if k != m.surface and o.kind != "country"]
        if e is not None and e.kind == "settlement" and e.population < 100_000 and not e.capital \
                and min((km((e.lat, e.lon), a) for a in others), default=0) > 800:
            if m.kind_hint == "settlement":
                m.cands, m.unknown = (), True
                chosen.pop(m.surface, None)
            elif not m.kind_hint:
                far.add(m.surface)
    for surface in far:
        del chosen[surface]
    ms = [m for m in ms if m.surface not in far]
    # misspelt names in a place context: fuzzy match against settlements near the document's
    # own towns and main area (not near the centres of whole continents it mentions)
    local = [(e.lat, e.lon) for e in chosen.values() if e.kind == "settlement" or e.gid.startswith("state:")]
    if main_pt is not None:
        local.append(main_pt)
    pool = None
    for m in ms:
        if m.unknown and m.kind_hint == "settlement" and local:
            if pool is None:
                pool = g.names_near(local, NEAR_KM)
            hit = _fuzzy(g, m.surface, local, pool)
            if hit:
                m.cands, m.unknown, m.fuzzy = hit, False, True
                chosen[m.surface] = max(hit, key=lambda c: _score(c, m, countries, anchors, main_pt))
    areas = _main_areas(g, ms, chosen)
    out: list[Place] = []
    prev: _Mention | None = None
    for m in ms:
        sent = ctx.sentence_of(m.start, m.end)
        e = chosen.get(m.surface) if not m.unknown else None
        # "Kharkiv's Kyivskyi district", "Tel Aviv's Hostages Square": inside the town before it
        owner = None
        if prev is not None and re.fullmatch(r"['’]s\s+", ctx.text[prev.end:m.start]) and not prev.unknown:
            o = chosen.get(prev.surface)
            if o is not None and o.kind == "settlement" and not prev.facility:
                owner = o
        if owner is not None and e is not None and e.kind in ("settlement", "region") \
                and km((e.lat, e.lon), (owner.lat, owner.lon)) > 50:
            inside = [c for c in m.cands if c.kind != "country" and km((c.lat, c.lon), (owner.lat, owner.lon)) <= 50]
            e = inside[0] if inside else None
            if e is None:
                m.unknown = True
                m.kind_hint = m.kind_hint or "other"
        prev = m
        if m.unknown or e is None:
            area = owner or _enclosing(m, ms, chosen, sent) or _fallback(m, areas)
            if area is None:
                continue
            precision = "near" if area.kind == "settlement" else "admin" if area.gid.startswith("state:") \
                else "country" if area.kind == "country" else "region"
            out.append(Place(start=m.start, end=m.end, sentence=sent.text.strip(), surface=m.surface, name=m.surface,
                             country=area.country, lat=area.lat, lon=area.lon, kind=m.kind_hint or "other",
                             precision=precision, gazetteer_id=None, admin1=area.admin1, confidence=0.4))
            continue
        kind = e.kind if not m.facility else (m.kind_hint or "facility")
        precision = {"country": "country", "region": "region", "route": "near", "water": "region"}.get(e.kind, "point")
        if m.facility:
            precision = "near"
        if e.gid.startswith("state:"):
            precision = "admin"
        out.append(Place(start=m.start, end=m.end, sentence=sent.text.strip(), surface=m.surface,
                         name=e.name + (f" {m.facility}" if m.facility else ""), country=e.country, lat=e.lat, lon=e.lon,
                         kind=kind, precision=precision, gazetteer_id=e.gid, admin1=e.admin1,
                         confidence=0.6 if m.fuzzy else 1.0 if len(m.cands) == 1 else 0.8))
    return out


def _score(c: Entry, m: _Mention, countries: Counter, anchors: list[tuple[str, tuple[float, float]]],
           main_pt: tuple[float, float] | None = None) -> float:
    s = math.log10(c.population + 10)
    if c.capital:
        s += 2  # a capital is what a bare name of it means, most of the time
    if norm(c.name) == norm(m.surface):
        s += 1.5  # the place's own name rather than one of its alternate names
    if main_pt is not None and c.kind != "country" and km((c.lat, c.lon), main_pt) < 75:
        s += 4  # inside the area the document is about
    if c.country and c.country in countries:
        s += 2 + min(countries[c.country], 3)
    if anchors and c.kind != "country":   # near the document's other places (not its own earlier choice)
        d = min((km((c.lat, c.lon), a) for k, a in anchors if k != m.surface), default=1e9)
        s += 5 if d < 100 else 3 if d < NEAR_KM else 1 if d < 800 else 0
    if m.kind_hint == "settlement":
        s += 4 if c.kind == "settlement" else -2
    elif m.kind_hint == "region":
        s += 4 if c.kind == "region" else 0
    elif c.gid.startswith("state:") and any(x.kind == "settlement" and x.country == c.country
                                            and x.population >= 10_000 for x in m.cands):
        s -= 5  # a bare name is the town more often than the province named after it
    if c.gid.startswith("area:") or c.gid.startswith("user:"):
        s += 10  # our curated areas and the user's places are the authority for their names
    return s


def _fuzzy_area(g: Gazetteer, name: str) -> Entry | None:
    areas = g.areas()
    hit = process.extractOne(norm(name), list(areas), scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
    return areas[hit[0]] if hit else None


def _fuzzy(g: Gazetteer, surface: str, anchors: list[tuple[float, float]],
           pool: list[tuple[str, int]] | None = None) -> tuple[Entry, ...] | None:
    """A settlement near the document's places whose name is one or two letters off."""
    if pool is None:
        pool = g.names_near(anchors, NEAR_KM)
    if not pool:
        return None
    target = norm(surface)
    keys = [k for k, _ in pool]
    hit = process.extractOne(target, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
    if not hit or abs(len(hit[0]) - len(target)) > 2:
        return None
    near = {}
    for k, i in pool:
        if k == hit[0]:
            e = g.entry(i)
            if min(km((e.lat, e.lon), a) for a in anchors) <= NEAR_KM:
                near[e.gid] = e
    return tuple(near.values()) or None


def _main_area(ms: list[_Mention], chosen: dict[str, Entry]) -> Entry | None:
    """The region the document names most (not a continent-sized one), else its country."""
    for kinds in (("region",), ("country",)):
        counts = Counter(chosen[m.surface].gid for m in ms if m.surface in chosen
                         and chosen[m.surface].kind in kinds and chosen[m.surface].country)
        if counts:
            gid = counts.most_common(1)[0][0]
            return next(chosen[m.surface] for m in ms if m.surface in chosen and chosen[m.surface].gid == gid)
    return None


def _main_areas(g: Gazetteer, ms: list[_Mention], chosen: dict[str, Entry]) -> dict[str, Entry]:
    """The document's main country (most of its places lie there), and its most named region
    and town in that country: where a place the gazetteer lacks most likely is."""
    es = [chosen[m.surface] for m in ms if m.surface in chosen and not m.unknown]
    counts = Counter(e.country for e in es if e.country)
    out: dict[str, Entry] = {}
    if not counts:
        return out
    top = counts.most_common(1)[0][0]
    for kind in ("region", "settlement", "country"):
        c = Counter(e.gid for e in es if e.kind == kind and e.country == top)
        if c:
            gid = c.most_common(1)[0][0]
            out[kind] = next(e for e in es if e.gid == gid)
    if "country" not in out:
        country = g.country(top)
        if country is not None:
            out["country"] = country
    return out


def _fallback(m: _Mention, areas: dict[str, Entry]) -> Entry | None:
    order = ("settlement", "region", "country") if m.kind_hint in ("other", "facility", "route") \
        else ("region", "settlement", "country")
    return next((areas[k] for k in order if k in areas), None)


def _enclosing(m: _Mention, ms: list[_Mention], chosen: dict[str, Entry], sent: Span) -> Entry | None:
    """The smallest area named in the same sentence, nearest first (a city for a square or an
    airport, a region for a village, else a town it is near)."""
    same = sorted((o for o in ms if o is not m and not o.unknown and o.surface in chosen
                   and sent.start_char <= o.start < sent.end_char), key=lambda o: abs(o.start - m.start))
    towns = [chosen[o.surface] for o in same if chosen[o.surface].kind == "settlement"]
    regions = [chosen[o.surface] for o in same if chosen[o.surface].kind == "region" and chosen[o.surface].country]
    if m.kind_hint in ("other", "facility", "route"):
        return (towns or regions or [None])[0]
    return (regions or towns or [None])[0]
