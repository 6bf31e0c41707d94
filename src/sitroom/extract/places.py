"""Places: find mentions, resolve them with the offline gazetteer, disambiguate.

The small spaCy model labels many places of the Sahel or the Andes as people or
organisations (notes/dependencies), so labels are hints only: every capitalised run of
tokens is looked up in the gazetteer (longest name first), and the gazetteer, the words
around the name ("the village of", "President", "told") and the document's other places
decide. Ambiguous names go to the candidate nearest the document's unambiguous places
and in the countries it names; a misspelt name in a place context is matched fuzzily
against the places near those; a place the gazetteer lacks gets the coordinates of the
smallest enclosing area the text names, with the precision saying so.

Nationality words ("Kenyan", "Sri Lankans") are kept as kind ``demonym`` at their country
(the shared demonym table); a country or capital that acts as its government ("Moscow
said", "Germany's foreign ministry") as kind ``metonym``; neither is a location
(models.NOT_LOCATIONS). "Town, Area" ("London, Ontario", "Springfield, Ill.") puts the town
inside the area; an area named after a town ("X County") is located at that town. The
gazetteer's own levels are the priors: a country's name is the country before any namesake
town, first-level divisions weigh their share of the country's people (a US state millions,
a parish of Bermuda thousands), population among towns (weighted up, so a famous city beats
a village named after it), then the document's countries and places, and how many of the
document's other names have a candidate near each candidate (``_support``: a town named
beside its neighbours is the local one). The words around a name make it a town whatever
NER says ("Xville, Ohio", datelines, "R-Xville", "Xville-based", "an Xville man", "John
Smith of Xville"); short capitalised abbreviations ("EU", "MoD") never match small towns'
alternate names. Names inside longer names ("Texas" in "Texas Department of Health") stay
part of them; ``embedded`` finds them for the geoparsing benchmarks whose convention counts
them. Every word
list is a lexicon (place_words, place_region_demonyms, place_state_abbreviations,
place_inflections, and the shared titles, org_words, speech_verbs and demonyms tables).
"""
from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from spacy.tokens import Span, Token

from sitroom.extract import lexicon
from sitroom.extract.context import PAGE_DATE_LABEL, DocContext
from sitroom.extract.gazetteer import Entry, Gazetteer, acronym_aliases, gazetteer, km, norm, us_counties
from sitroom.extract.nlp import arabic_proclitics, arabic_skeleton, arabic_stems, fold_apostrophes, latin_skeleton, \
    lemma_candidates, morph_analyzer, nominatives
from sitroom.models import Place

def _words(role: str, lang: str = "en") -> dict[str, str]:
    """term -> kind of the place_words lexicon rows of one role."""
    return {r.term: r.kind for r in lexicon.rows("place_words", lang) if r.role == role}


def _alt(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=lambda w: (-len(w), w)))


FACILITY_WORDS = _words("facility")
NAMED_FACILITY = {w.title(): k for w, k in _words("named_head").items()}
SETTLEMENT_CUES = re.compile(r"\b(?:" + _alt(_words("settlement_cue")) + r")s?(?:\s+of)?,?\s*$", re.I)
REGION_CUES = re.compile(r"^\s+(?:" + _alt(_words("region_cue")) + r")\b", re.I)
PLACE_PREPS = set(_words("prep"))
PLACE_VERBS = set(_words("verb"))
# people's titles and honorifics before a name ("President", "Mr"): the shared titles table
TITLES = lexicon.terms("titles", type="role") | lexicon.terms("titles", type="honorific")
SPEECH_VERBS = lexicon.terms("speech_verbs")
METONYM_VERBS = SPEECH_VERBS | set(_words("metonym_verb"))
LITERAL_VERBS = set(_words("literal_verb"))
# "Ripley said", "Lincoln has": a name followed by a finite verb of saying or an auxiliary
SPEECH_AFTER = re.compile(r"^\s*(?:" + _alt(_words("speech_after")) + r")\b")
FUZZY_MIN = 85.0
# a lower-case facility word after a name: "Kharkiv airport", "Zaporizhzhia nuclear power plant"
FACILITY_AFTER = re.compile(r"^\s+(" + _alt(_words("facility_phrase")).replace(r"\ ", r"\s+") + r")\b", re.I)
# capitalised words that may follow a place's name without making it another name
GENERIC_AFTER = set(_words("generic_after"))
ADMIN_SUFFIX = set(_words("admin_suffix"))
ADMIN_SUFFIX_LC = set(_words("admin_suffix_lc"))
AREA_SUFFIX = {w.lower() for w in _words("area_suffix")}
AREA_SUFFIX_TITLE = set(_words("area_suffix"))   # "County", "Parish", "Borough": US counties
_COMMON = set(_words("common"))
NOT_PLACE_LABELS = ("DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "LANGUAGE")
# head words of organisations named after a place ("Arakan Army", "Lagos Herald"): the shared table
ORG_HEADS = lexicon.terms("org_words")
NEAR_KM = 250.0
ACRONYMS = acronym_aliases()
_GOVERNMENT_WORDS = set(_words("government"))
# nationality words -> ISO2 (shared demonym table) and region adjectives -> region name
DEMONYMS = {t: r.country for t, r in lexicon.table("demonyms").items() if r.country}
REGION_DEMONYMS = {t: r.region for t, r in lexicon.table("place_region_demonyms").items()}
STATE_ABBR = {r.term: (r.country, r.state) for r in lexicon.rows("place_state_abbreviations")}
# languages whose parse has a tagger's part of speech (Ukrainian's comes from a dictionary)
TAGGED = ("en", "fr", "ru")


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
    within: Entry | None = None        # "London, Ontario": the area written after it, which contains it
    admin: bool = False                # "X County": an area named after the place X
    own: str | None = None             # the country chosen for it in a first pass (not its own context)
    named_after: tuple[Entry, ...] = ()  # "Mopti Central Market": the town a facility's name starts with
    support: dict | None = None        # (surface, gid) -> how much the document's other names back it
    sure: bool = False                 # the words around it make it a town ("Xville, Ohio", "an Xville man")
    part: bool = False                 # after a compass word ("South Leeds"): kept where the report's other places share its country


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
        m = _given(g, start, end, surface)
        ms.append(m)
    _contained(ctx, g, ms)
    _street_lists(ctx, ms)
    _context_initials(g, ms)
    _given_named_after(g, ms)
    by_span = {(p.start, p.end): p for p in _resolve(ctx, g, ms, given=True)}
    return [by_span.get((s, e)) for s, e in spans]


def embedded(ctx: DocContext, found: list[Place]) -> list[Place]:
    """Places named inside longer names: "Texas" in "the Texas Department of Health", "Dublin"
    in "Dublin City Council", "Nebraska" in "University of Nebraska". sitroom keeps such a
    name part of the longer one (``extract`` returns none of these); some geoparsing
    conventions annotate them as toponyms, so the benchmarks' adapters add them from here.
    ``found``: what ``extract`` returned for the same context. A country, region or bloc
    counts; a town counts where the text also names it alone or it lies within NEAR_KM of
    the document's own places (a city's name in a local body's name), not a person's name
    and not a far namesake. One pass over the runs of capitalised words (bounded as ``_find``)."""
    g = gazetteer()
    taken = [(p.start, p.end) for p in found]
    alone = {norm(p.surface) for p in found}
    persons = {(e.start_char, e.end_char) for e in ctx.doc.ents if e.label_ in ("PERSON", "NORP")}
    spans: list[tuple[int, int]] = []
    for run in _runs(ctx, g):
        if len(run) < 2:
            continue
        i = 0
        while i < len(run):
            ctx.check()
            # "Cooke County" heading a local body ("Cooke County Sheriff's Office"): the county
            k = next((k for k in range(i + 1, min(len(run), i + 3)) if run[k].lower_ in AREA_SUFFIX
                      and run[k].text[:1].isupper()), None)
            if k is not None and (i == 0 or run[i - 1].lower_ == "of") and \
                    all(run[x].is_alpha and run[x].lower_ not in AREA_SUFFIX for x in range(i, k)):
                start, end = run[i].idx, run[k].idx + len(run[k].text)
                if not any(a < end and start < b for a, b in taken):
                    spans.append((start, end))
                i = k + 1
                continue
            hit = None
            for j in range(min(len(run), i + 4), i, -1):
                start, end = run[i].idx, run[j - 1].idx + len(run[j - 1].text)
                if j - i == len(run) or not _cap(run[i]) or not _cap(run[j - 1]):
                    continue
                surface = ctx.text[start:end]
                if surface.lower() in JOINERS or norm(surface) in LEADING_STOP:
                    continue
                cands = _not_acronym_towns(surface, g.lookup(surface))
                if cands:
                    hit = (j, start, end, surface, cands)
                    break
            if hit is None:
                i += 1
                continue
            j, start, end, surface, cands = hit
            lead = i == 0 or run[i - 1].lower_ == "of" or (i > 1 and run[i - 2].lower_ == "of" and run[i - 1].lower_ == "the")
            i0, i = i, j
            if not lead or run[i0].ent_type_ == "PERSON":
                continue   # the name's head ("Dublin City Council") or what it is "of" ("University of
                # Nebraska"), not a word inside it ("Graham Middle School", "Performing Arts Center")
            if any(a < end and start < b for a, b in taken) or any(a <= start and end <= b for a, b in persons):
                continue
            if run[0].i > 0 and ctx.doc[run[0].i - 1].lower_.rstrip(".") in TITLES:
                continue
            first = ctx.doc.char_span(start, end, alignment_mode="expand")
            if first is not None and len(first) == 1 and (first[0].is_stop or first[0].lower_ in _COMMON):
                continue
            # the place's own name, not one of its alternate names ("Center", "Day"); a division
            # of a populous country, not a parish of a small one
            own = [c for c in cands if norm(c.name) == norm(surface) or c.kind in ("country", "bloc")]
            if any(c.kind in ("country", "bloc", "water") or c.gid.startswith("continent:")
                   or (c.kind == "region" and c.population >= 500_000) or c.kind == "settlement" for c in own):
                spans.append((start, end))
    if not spans:
        return []
    places_ = resolve_spans(ctx, [(p.start, p.end) for p in found] + spans)[len(found):]
    anchors = [(p.lat, p.lon) for p in found if p.lat is not None and p.kind not in ("country", "demonym")]
    countries = {p.country for p in found if p.country}
    out = []
    for (start, end), p in zip(spans, places_):
        if p is None or p.lat is None:
            continue
        if p.kind in ("settlement", "region") and norm(p.name) != norm(p.surface) and p.country \
                and not p.gazetteer_id.startswith(("country:", "area:")):
            continue   # resolved to another place's alternate name
        if p.kind == "settlement" and norm(p.surface) not in alone \
                and not any(km((p.lat, p.lon), a) <= NEAR_KM for a in anchors):
            continue   # a town's name inside an organisation's, with nothing of the text near it
        if p.kind == "region" and p.country and p.country not in countries and norm(p.surface) not in alone:
            continue   # a division of a country the text is not about ("Holy Cross Cemetery")
        if re.match(r"\s+(?:War|Wars|Revolution|Crisis)\b", ctx.text[end:end + 12]):
            continue   # an event named after a place ("Gulf War"): the event, not the place
        out.append(p)
    return out


def _given(g: Gazetteer, start: int, end: int, surface: str) -> _Mention:
    """A mention of a given name: a demonym, a name of the gazetteer, a state's abbreviation,
    or an area named after a place ("X County")."""
    dem = _demonym_entry(g, surface)
    if dem is not None:
        return _Mention(start=start, end=end, surface=surface, cands=(dem,), kind_hint="demonym", labelled=True)
    cands = () if surface in STATE_ABBR else _not_acronym_towns(surface, g.lookup(surface)) \
        or _article_variants(g, surface, add=True)
    if not cands and surface in STATE_ABBR:
        st = g.state(*STATE_ABBR[surface])
        cands = (st,) if st is not None else ()
    words = surface.split()
    if not cands and len(words) > 1 and words[-1].lower() in ADMIN_SUFFIX:
        cands = g.lookup(" ".join(words[:-1]))
        towns = _county_towns(surface, cands)
        if towns is not None:
            return _Mention(start=start, end=end, surface=surface, cands=towns, unknown=not towns, kind_hint="region",
                            admin=True, labelled=True)
        if cands:
            return _Mention(start=start, end=end, surface=surface, cands=cands, kind_hint="region", admin=True,
                            labelled=True)
    if not cands and words and words[0].lower() == "the":
        cands = g.lookup(" ".join(words[1:]))
    if not cands and len(words) > 1 and words[-1].lower() in AREA_SUFFIX:   # a county the gazetteer lacks
        return _Mention(start=start, end=end, surface=surface, cands=(), unknown=True, kind_hint="region",
                        admin=True, labelled=True)
    hint = NAMED_FACILITY.get(words[-1]) if len(words) > 1 and cands else None   # "X Square", "X Park"
    return _Mention(start=start, end=end, surface=surface, cands=cands, unknown=not cands, labelled=True,
                    kind_hint=hint)


def _given_named_after(g: Gazetteer, ms: list[_Mention]) -> None:
    """A given name the gazetteer lacks that opens with a place ("X Republic", "X Regional
    Hospital"): there, when that place is an area or a town the document names on its own
    (a person's name opens many names: "Wilberforce Library", "Mandela College")."""
    named = {norm(m.surface) for m in ms if not m.unknown}
    for m in ms:
        words = m.surface.split()
        if not m.unknown or m.admin or len(words) < 2 or words[-1].lower() in ADMIN_SUFFIX | AREA_SUFFIX:
            continue   # "X County", "X Township": placed by the report's own places
        for k in range(len(words) - 1, 0, -1):
            head = " ".join(words[:k])
            if len(head) < 3 or norm(head) in JOINERS or not head[:1].isupper():
                continue
            cands = tuple(c for c in g.lookup(head) if c.kind == "region"
                          or (c.kind == "settlement" and norm(head) in named))
            if cands:
                m.named_after = cands
                break


def _county_towns(surface: str, cands: tuple[Entry, ...]) -> tuple[Entry, ...] | None:
    """For "X County" (or Parish, Borough) that names US counties: the towns X among ``cands``
    in a state that has such a county (none: the report's own places will locate it); None
    where no US county has that name ("Turkana County" keeps its candidates)."""
    words = surface.split()
    if len(words) < 2 or words[-1].lower() not in AREA_SUFFIX:
        return None
    states = us_counties().get(norm(surface))
    if states is None:
        return None
    return tuple(c for c in cands if c.country == "US" and c.admin1 in states and c.kind == "settlement")


_NOT_LATIN_LETTER = re.compile(r"[^A-Za-z]")
# "former Yugoslavia", "ex-Yugoslavia": a lower-case prefix that is part of a name
_FORMER_BEFORE = re.compile(r"(?:\b(former|ex)-?\s?|\b(ex)-)$")


def _not_acronym_towns(surface: str, cands: tuple[Entry, ...]) -> tuple[Entry, ...]:
    """An all-capital short name ("EU", "SA", "US") is an abbreviation: of a country, a state,
    an area or a big city ("NYC"), never a small town whose name it spells ("Eu", "Us")."""
    letters = _NOT_LATIN_LETTER.sub("", surface)
    if len(letters) <= 4 and surface.endswith(".") and not letters.isupper():
        # "Inc.", "Corp.": an abbreviated word; a town only under its own name
        return tuple(c for c in cands if c.kind != "settlement" or norm(c.name) == norm(surface))
    if not (len(letters) <= 4 and any(ch.isupper() for ch in letters[1:])):
        return cands
    if letters.isupper():
        return tuple(c for c in cands if c.kind != "settlement" or c.population >= 100_000 or c.capital)
    # "MoD", "DoD": mixed-case abbreviations of bodies; a town only under its own name
    return tuple(c for c in cands if c.kind != "settlement" or norm(c.name) == norm(surface))


_INITIALS = re.compile(r"[A-Z](?:[A-Z&]|\.(?=[A-Z])){1,3}\.?")


def _initials(name: str) -> str:
    """"South Africa" -> "SA", "Trinidad and Tobago" -> "TT", "New South Wales" -> "NSW"."""
    return "".join(w[0] for w in re.split(r"[\s-]+", name) if w[:1].isupper())


def _context_initials(g: Gazetteer, ms: list[_Mention]) -> None:
    """An all-capital abbreviation the gazetteer does not know ("SA", "WA", "SC", "T&T") stands
    for a country the document names whose initials it spells, else for a first-level
    division, by its code or initials, of a country the document names or places in."""
    todo = [m for m in ms if m.unknown and not m.cands and _INITIALS.fullmatch(m.surface.strip())]
    if not todo:
        return
    named: Counter = Counter()
    for m in ms:
        if m.cands and m.kind_hint != "demonym" and len({c.country for c in m.cands}) == 1 and m.cands[0].country:
            named[m.cands[0].country] += 10   # unambiguous places first, then any candidate's country
        for cc in {c.country for c in m.cands if c.country}:
            named[cc] += 1
    for m in todo:
        key = re.sub(r"[^A-Z]", "", m.surface)
        # "Horry County, SC": the abbreviation of a state that has the county before it
        prev = max((x for x in ms if x.end <= m.start and x.admin), key=lambda x: x.end, default=None)
        if prev is not None and key in us_counties().get(norm(prev.surface), ()) and g.state("US", key) is not None:
            m.cands, m.unknown = (g.state("US", key),), False
            continue
        hits = [e for cc, _ in named.most_common() if (e := g.country(cc)) is not None and _initials(e.name) == key]
        if not hits:
            for cc, _ in named.most_common():
                hits = [s for s in _states_of(g, cc) if s.gid.rsplit("-", 1)[-1] == key
                        or (len(key) > 1 and _initials(s.name) == key)]
                if hits:
                    break
        if len(hits) == 1 or (hits and len({h.gid for h in hits}) == 1):
            m.cands, m.unknown = (hits[0],), False


def _demonym_entry(g: Gazetteer, surface: str) -> Entry | None:
    """The country (or region) of a nationality word: "Peruvian" -> Peru."""
    key = " ".join(surface.split()).lower()
    if key in REGION_DEMONYMS:   # first: "English" is England's, though the shared table gives the UK
        cands = g.lookup(REGION_DEMONYMS[key])   # the region's own entry, not a country it is an alias of
        return next((c for c in cands if norm(c.name) == norm(REGION_DEMONYMS[key])), next(iter(cands), None))
    if key in DEMONYMS:
        return g.country(DEMONYMS[key])
    return None


# ---------------------------------------------------------------- finding


# lower-case words inside names: "Bosnia and Herzegovina" is looked up whole, "Rostov on Don",
# "Dar es Salaam", "Ras al Ain", "Bandar Seri Begawan" (hyphenated forms are glued anyway)
JOINERS = set(_words("joiner"))
LEADING_STOP = set(_words("leading_stop"))


def _cap(tok: Token) -> bool:
    """Capitalised, or an Arabic article glued to a capitalised name ("al-Noura")."""
    t = tok.text
    return (t[:1].isupper() and any(c.isalpha() for c in t)) or bool(_ARTICLE.match(t))


_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ed|es|er|et|ez)-[A-Z]")
_ARTICLE_TOKEN = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ed|es|er|et|ez)$")


def _runs(ctx: DocContext, g: Gazetteer | None = None) -> list[list[Token]]:
    """Runs of capitalised tokens per sentence: hyphenated names glued whole ("Port-au-Prince",
    "Port-au-Prince"), lower-case name particles between capitals ("Dar es Salaam"), a
    leading sentence word ("The", "In") dropped, trailing lower-case parts ("-backed") too."""
    doc = ctx.doc
    lang = ctx.language
    runs: list[list[Token]] = []
    cur: list[Token] = []

    def close():
        nonlocal cur
        r = cur
        while r and (not _cap(r[-1]) or r[-1].text == "-"):
            r = r[:-1]
        while r and (r[0].lower_ in LEADING_STOP
                     or (lang != "en" and len(r) > 1 and (r[0].is_stop or r[0].lower_ in _preps(lang))
                         and not (g is not None and norm(f"{r[0].text} {r[1].text}") in g))):
            r = r[1:]
        if len(r) > 2 and r[0].text in ("D", "R", "I") and r[1].text == "-":
            r = r[2:]   # "R-Xville": a legislator's party and home town
        while r and not _cap(r[0]) and not (len(r) > 2 and _ARTICLE_TOKEN.match(r[0].text) and r[1].text == "-"):
            r = r[1:]
        if r:
            runs.append(r)
        cur = []

    toks = ctx.tokens()
    for tok in toks:
        prev = toks[tok.i - 1] if tok.i > 0 else None
        touching = prev is not None and tok.idx == prev.idx + len(prev.text)
        glued = bool(cur) and touching and (tok.text == "-" or prev.text == "-") and not tok.is_sent_start
        spaced = prev is not None and tok.idx == prev.idx + len(prev.text) + 1 and prev.whitespace_ == " "
        nxt = toks[tok.i + 1] if tok.i + 1 < len(toks) else None
        if glued:
            cur.append(tok)
            continue
        if _cap(tok):
            if cur and (tok.is_sent_start or not spaced):
                close()
            if not cur and prev is not None and prev.text == "-" and touching and prev.i > 0 \
                    and _ARTICLE_TOKEN.match(toks[prev.i - 1].text) and toks[prev.i - 1].idx + len(toks[prev.i - 1].text) == prev.idx:
                cur.extend([toks[prev.i - 1], prev])   # "al-Nour": the article glued before a name
            cur.append(tok)
            continue
        if cur and g is not None and tok.lower_ in ("'s", "’s") and touching and nxt is not None and _cap(nxt) \
                and nxt.idx == tok.idx + len(tok.text) + 1 \
                and any(norm(ctx.text[c.idx:nxt.idx + len(nxt.text)]) in g for c in cur):
            cur.append(tok)   # "Cox's Bazar", "Martha's Vineyard": a possessive inside a known name
            continue
        if cur and tok.lower_ in JOINERS and spaced and nxt is not None and not nxt.is_sent_start \
                and (_cap(nxt) or nxt.text == "-") and nxt.idx == tok.idx + len(tok.text) + (nxt.text != "-") \
                and not (lang == "en" and len(cur) == 1 and cur[0].is_sent_start and cur[0].tag_ in _COMMON_TAGS
                         and cur[0].lower_ not in _KIND_WORDS):
            cur.append(tok)   # "University of X", "City of X" are names; "Shelling of X", a sentence's first word, is not
            continue
        if cur:
            close()
    if cur:
        close()
    return runs


MAX_NAME_TOKENS = 8
_COMMON_TAGS = frozenset(("NN", "NNS", "VBG", "VBN", "VBD", "VBZ", "JJ"))   # a word capitalised only as a sentence's first
_KIND_WORDS = frozenset(_words("settlement_cue") | _words("region_cue"))     # "City of X", "Province of X": names


def _find(ctx: DocContext, g: Gazetteer) -> list[_Mention]:
    text = ctx.text
    out: list[_Mention] = []
    ent_label = {}
    for ent in ctx.doc.ents:
        for t in ent:
            ent_label[t.i] = ent
    persons = _person_names(ctx)
    runs = _runs(ctx, g)
    for run in runs:
        i = 0
        while i < len(run):
            if not _cap(run[i]) and not (i == 0 and _ARTICLE_TOKEN.match(run[i].text)):
                i += 1
                continue
            taken = False
            dem = _demonym_at(ctx, g, run, i, ent_label)
            if dem is not None and i == 0 and len(run) > dem[0] and run[-1].text in NAMED_FACILITY:
                dem = None   # "Kuwaiti Friendship Hospital": the facility's own name
            ctx.check()
            # no gazetteer name is longer than MAX_NAME_TOKENS words: longer spans are not looked up
            for j in range(min(len(run), i + MAX_NAME_TOKENS), i, -1):
                if dem is not None and j - i <= dem[0]:
                    break   # "Sri Lankan": a nationality word, unless a longer name holds it ("American Samoa")
                start, end = run[i].idx, run[j - 1].idx + len(run[j - 1].text)
                surface = text[start:end]
                # "former Yugoslavia", "ex-Yugoslavia": a lower-case prefix that is part of a name
                pre = _FORMER_BEFORE.search(text[max(0, start - 8):start])
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
                    cands = _not_acronym_towns(surface, g.lookup(surface)) \
                        or (_foreign_lookup(g, surface, ctx.language, respell=i == 0) if ctx.language != "en" else ()) \
                        or _article_variants(g, surface, add=j == i + 1 and run[i].i in ent_label
                                             and ent_label[run[i].i].label_ in ("GPE", "LOC"))
                if run[j - 1].text == "-":
                    continue   # "France-" of "France-Presse", "Canada-" of "Canada-US"
                if not cands or surface in STATE_ABBR or (surface + "." in STATE_ABBR and text[end:end + 1] == "."):
                    continue   # "Ill.", "Kan.": a state's abbreviation, read as such below
                if run[-1].text in NAMED_FACILITY and j <= len(run) - 1 and i == 0:
                    continue  # "Independence Square": the whole run names one facility
                left = run[i - 1] if i > 0 and run[i - 1].lower_ not in ("'s", "’s") else None
                right = run[j] if j < len(run) and run[j].lower_ not in ("'s", "’s") else None
                suffix = right if right is not None and right.lower_ in ADMIN_SUFFIX else None
                # "Ohio State Patrol", "Kano State Governor": the place heads a longer name (its own name is the place)
                heads = suffix is not None and suffix.lower_ == "state" and j + 1 < len(run) and _cap(run[j + 1])
                after_tok = ctx.doc[run[j - 1].i + 1] if run[j - 1].i + 1 < len(ctx.doc) else None
                if suffix is None and right is None and after_tok is not None and after_tok.text in ADMIN_SUFFIX_LC \
                        and after_tok.idx == end + 1:
                    suffix = after_tok   # "Ogun state", "Benue state"
                if suffix is not None and not any(c.kind == "country" for c in cands):
                    # "Anderson County", "Rapides Parish", "Lagos State": the area itself, or the
                    # area named after the place where the gazetteer lacks it
                    if not _acceptable(ctx, run[i], suffix, surface, cands, ent_label, left, None, persons):
                        continue
                    regions = tuple(c for c in cands if c.kind == "region")
                    j = j + 1 if suffix is right else j
                    full_end = suffix.idx + len(suffix.text)
                    towns = _county_towns(text[start:full_end], cands)
                    if towns is not None:   # a US county: its namesake town in a state that has it, or the report's places
                        out.append(_Mention(start=start, end=full_end, surface=text[start:full_end], cands=towns,
                                            unknown=not towns, kind_hint="region", admin=True, labelled=True))
                        i, taken = j, True
                        break
                    # "Lagos State" names the area; so does "Kano state" (Kano alone is the city);
                    # in "the Borno state" the name is "Borno", a region whatever follows it
                    if not heads and (suffix is right or not regions or any(c.kind == "settlement" for c in cands)):
                        end = suffix.idx + len(suffix.text)
                    if heads and not regions:
                        cands = tuple(c for c in cands if norm(c.name) == norm(surface)) or cands
                    m = _Mention(start=start, end=end, surface=text[start:end], cands=regions or cands,
                                 kind_hint="region" if regions or not heads else None, admin=not regions and not heads,
                                 labelled=True)
                    out.append(m)
                    i, taken = j, True
                    break
                if not _acceptable(ctx, run[i], run[j - 1], surface, cands, ent_label, left, right, persons):
                    continue
                m = _Mention(start=start, end=end, surface=surface, cands=cands,
                             labelled=any(ent_label.get(t.i) is not None and ent_label[t.i].label_ in ("GPE", "LOC", "FAC")
                                          for t in run[i:j]))
                m.sure = not m.labelled and _looks_like_town(ctx, run[i], run[j - 1], cands)
                m.part = left is not None and right is None and run[i].i - left.i == 1 and _direction_before(ctx, left)
                _facility(ctx, m, run[j - 1])
                out.append(m)
                i, taken = j, True
                break
            if not taken and dem is not None:
                n, e = dem
                last = run[i + n - 1]
                out.append(_Mention(start=run[i].idx, end=last.idx + len(last.text),
                                    surface=text[run[i].idx:last.idx + len(last.text)], cands=(e,),
                                    kind_hint="demonym", labelled=True))
                i, taken = i + n, True
            if not taken:
                unk = _unknown(ctx, g, run, i)
                if unk:
                    out.append(unk)
                i += 1
    out = [m for m in out if not _kicker(text, m)]
    if ctx.language != "en":
        out += _foreign_mentions(ctx, g)
    if ctx.language == "en":
        out = _area_lists(ctx, g, out)
        out += _repeated(ctx, g, out, runs)
    out = _drop_overlaps(out + _abbreviations(ctx, g, out) + _lowercase_datelines(ctx, g)
                         + _people_named_facilities(ctx))
    _contained(ctx, g, out)
    if ctx.language == "en":
        _street_lists(ctx, out)
    return out


def _repeated(ctx: DocContext, g: Gazetteer, ms: list[_Mention], runs: list[list[Token]]) -> list[_Mention]:
    """A town or area the text names as a place once is that place where its name stands alone
    again (one sense per report): "Xville's council", "Xville police" after "in Xville", though
    NER reads the bare name as a person or a body. Not a name that opens a longer one, one
    after a title, nor a speaker ("Xville said")."""
    known = {m.surface: m for m in ms if m.cands and not m.unknown and not m.facility and m.kind_hint != "demonym"
             and (m.labelled or m.sure or m.within is not None) and m.end - m.start > 3
             and any(c.kind in ("settlement", "region") for c in m.cands)}
    if not known:
        return []
    persons = _person_names(ctx)
    taken = [(m.start, m.end) for m in ms]
    out = []
    ents = None
    for run in runs:
        start, end = run[0].idx, run[-1].idx + len(run[-1].text)
        m = known.get(ctx.text[start:end])
        if m is None or m.surface in persons or any(a < end and start < b for a, b in taken):
            continue
        prev = ctx.doc[run[0].i - 1] if run[0].i > 0 else None
        nxt = ctx.doc[run[-1].i + 1] if run[-1].i + 1 < len(ctx.doc) else None
        if prev is not None and prev.lower_.rstrip(".") in TITLES:
            continue
        if nxt is not None and (nxt.lemma_ in SPEECH_VERBS or nxt.lower_ in SPEECH_VERBS or nxt.text == "&"):
            continue   # "Xville said", "Xville & Sons"
        if prev is not None and prev.lower_ == "the" and not any(c.kind == "country" for c in m.cands):
            continue   # "the White House", "the Centre": a building's or a body's name, not the place's
        if run[0].ent_type_ and ents is None:
            ents = {t.i: e for e in ctx.doc.ents for t in e}
        ent = ents.get(run[0].i) if run[0].ent_type_ else None
        if ent is not None and (ent.label_ in NOT_PLACE_LABELS or (ent.label_ == "PERSON" and len(ent) > len(run))):
            continue
        out.append(_Mention(start=start, end=end, surface=m.surface, cands=m.cands, kind_hint=m.kind_hint,
                            within=m.within, admin=m.admin, labelled=m.labelled, sure=m.sure))
    return out


ADMIN_PLURAL = _words("admin_plural")
_LIST_ITEM = r"[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,2}"
_AREA_LIST = re.compile(r"(?<![\w-])((?:" + _LIST_ITEM + r"[ \t]*,[ \t]*)*" + _LIST_ITEM + r"[ \t]*,?[ \t]+(?:and|or|&)[ \t]+"
                        + _LIST_ITEM + r")[ \t]+(" + _alt(ADMIN_PLURAL) + r")\b")


def _area_lists(ctx: DocContext, g: Gazetteer, ms: list[_Mention]) -> list[_Mention]:
    """"Becker, Clay and Polk counties", "Kano and Kaduna states": each name of a list closed by
    a plural area word is such an area (a US county by the county table, else a region of the
    gazetteer under that name); what the runs made of them (a person's name, a town) gives way."""
    text = ctx.text
    add: list[_Mention] = []
    for mo in _AREA_LIST.finditer(text):
        singular = ADMIN_PLURAL[mo.group(2).lower()]
        first = len(add)
        for im in re.finditer(_LIST_ITEM, mo.group(1)):
            words = [(w.start(), w.end()) for w in re.finditer(r"\S+", im.group(0))]
            for k in range(len(words)):   # "Upper Vellmoor": the longest tail that names such an area
                start, end = mo.start(1) + im.start() + words[k][0], mo.start(1) + im.start() + words[-1][1]
                name = text[start:end]
                if norm(name) in JOINERS or norm(name) in LEADING_STOP:
                    continue
                full = f"{name} {singular}"
                towns = _county_towns(full, g.lookup(name)) if singular in AREA_SUFFIX_TITLE else None
                if towns is not None:
                    add.append(_Mention(start=start, end=end, surface=name, cands=towns, unknown=not towns,
                                        kind_hint="region", admin=True, labelled=True))
                    break
                regions = tuple(c for c in g.lookup(full) + g.lookup(name) if c.kind == "region" and c.country) \
                    or tuple(c for c in g.lookup(name) if c.kind == "settlement" and c.population >= 10_000
                             and singular not in AREA_SUFFIX_TITLE)   # "Pune and Nashik districts": named after the towns
                if regions:
                    add.append(_Mention(start=start, end=end, surface=name, cands=tuple(dict.fromkeys(regions)),
                                        kind_hint="region", labelled=True))
                    break
        # the counties of one list lie in one state: the one most of them share ("Cooke, Grayson and
        # Love counties" is not three counties of three states)
        states = Counter(st for m in add[first:] if m.admin
                         for st in sorted(us_counties().get(norm(f"{m.surface} {singular}"), ())))
        # the state the report names first where several share the most (else the first in order)
        named = [c.admin1 for m in ms for c in m.cands[:1] if c.gid.startswith("state:US")]
        best, n = max(states.items(), key=lambda kv: (kv[1], kv[0] in named, kv[0]), default=(None, 0))
        if n >= 2:
            for m in add[first:]:
                if m.admin and best in us_counties().get(norm(f"{m.surface} {singular}"), ()):
                    m.cands = tuple(c for c in m.cands if c.admin1 == best)
                    m.unknown = not m.cands
    if not add:
        return ms
    return [m for m in ms if not any(a.start < m.end and m.start < a.end for a in add)] + add


_STREET_LIST = re.compile(r"(?<![\w-])((?:" + _LIST_ITEM + r"[ \t]*,[ \t]*)*" + _LIST_ITEM + r"[ \t]*,?[ \t]+(?:and|or|&)[ \t]+"
                          + _LIST_ITEM + r")[ \t]+(?:" + _alt(_words("street_plural")) + r")\b")


def _street_lists(ctx: DocContext, ms: list[_Mention]) -> None:
    """"Lyon and Verona streets": each name of a list closed by a plural street word is a
    street, of the report's town unless a town of its name lies near the report's others."""
    for mo in _STREET_LIST.finditer(ctx.text):
        for m in ms:
            if mo.start(1) <= m.start and m.end <= mo.end(1) and m.kind_hint != "demonym":
                m.kind_hint = "route"   # (a town of that name near the report's own may be what it is named after)


# "mogadishu, Somalia (AP) —", "goma, Congo —": a dateline typed in lower case
_LOWER_DATELINE = re.compile(r"(?m)^(?:[ \t]*date\s+\d{4}-\d{2}(?:-\d{2})?[ \t]*)?[ \t]*"
                             r"(?P<name>[a-z][a-z'’-]{2,20}(?: [a-z][a-z'’-]{2,20})?)"
                             r"(?=,\s*[A-Z][\w .'’-]{1,30}?\s*(?:\([\w .]{1,20}\))?\s*[-–—]\s)")


def _lowercase_datelines(ctx: DocContext, g: Gazetteer) -> list[_Mention]:
    out = []
    for m in _LOWER_DATELINE.finditer(ctx.text):
        cands = tuple(c for c in g.lookup(m.group("name")) if c.kind != "settlement" or c.population >= 10_000)
        if cands:
            out.append(_Mention(start=m.start("name"), end=m.end("name"), surface=m.group("name"), cands=cands,
                                labelled=True))
    return out


def _kicker(text: str, m: _Mention) -> bool:
    """"AFRICA", "EUROPE" alone on a line: a page's section label, not a place of the story."""
    a = text.rfind("\n", 0, m.start) + 1
    b = text.find("\n", m.end)
    line = PAGE_DATE_LABEL.sub("", text[a:b if b >= 0 else len(text)]).strip()
    if not (m.surface.isupper() and len(m.surface) > 3 and any(
            c.gid.startswith("continent:") or c.gid.startswith("area:") and c.kind == "region" for c in m.cands)):
        return False
    if line == m.surface:
        return True
    # a page's label run into its headline by the cleaner ("date 2024-05-02 AFRICA Five killed in ..."):
    # first on its line, and no dateline after it
    before = PAGE_DATE_LABEL.sub("", text[a:m.start]).strip()
    after = text[m.end:m.end + 60]
    return not before and bool(re.match(r"\s+[A-Z0-9]", after)) and not _DATELINE_AFTER.match(after) \
        and not _CAPS_DATELINE_AFTER.match(after)


@functools.lru_cache(maxsize=None)
def _endings(lang: str) -> tuple[tuple[str, str], ...]:
    rows = lexicon.rows("place_inflections", lang) if lang != "en" else ()
    return tuple(sorted(((r.term, r.replacement) for r in rows), key=lambda x: -len(x[0])))


_ARABIC_ARTICLE = re.compile(r"^(?:a|e)(?:l|d|r|s|sh|t|z|n)[- ](?=\w)", re.I)


def _article_variants(g: Gazetteer, surface: str, add: bool = False) -> tuple[Entry, ...]:
    """An Arabic name transliterated with another article ("Al Qusayr" / "El-Qusayr" /
    "Qusayr"): the gazetteer lists one or two of the spellings of each place. ``add``: a
    name known to be a place but written without its article ("Qusayr") is also looked up
    with one (only then: a capitalised word is not a town because "Al" + it is one)."""
    m = _ARABIC_ARTICLE.match(surface)
    if not m:
        if not add or " " in surface or len(surface) < 4 or not surface[1:].islower():
            return ()
        low = surface.lower()
        sun = "ash " if low.startswith("sh") else f"a{low[0]} " if low[0] in "dnrstz" else None
        for art in ("al ", "el ", *((sun,) if sun else ())):   # "Ar Raqqah": the article takes a sun letter's sound
            cands = tuple(c for c in g.lookup(art + surface) if c.kind != "settlement" or c.population >= 10_000)
            if cands:
                return cands
        return ()
    rest = surface[m.end():]
    for art in ("al-", "el-", "al ", "el ", "as-", "ad-", ""):
        cands = g.lookup(art + rest)
        if cands:
            return tuple(c for c in cands if c.kind != "settlement" or c.population >= 1000) or ()
    return ()


def _inflected(g: Gazetteer, surface: str, lang: str) -> tuple[Entry, ...]:
    """A name in an inflected form ("Львові", "Одессе", "Berlins"): the gazetteer's entries of
    its own form, found by replacing the case ending (place_inflections). Each word of a name
    of up to two words changes alike ("Нижнего Новгорода")."""
    endings = _endings(lang)
    words = surface.split()
    if not endings or len(words) > 2:
        return ()

    def forms(w: str) -> list[str]:
        return [w[:-len(e)] + r for e, r in endings if w.endswith(e) and len(w) - len(e) >= 3]

    for variant in ([f] for f in forms(words[0])) if len(words) == 1 else \
            ([a, b] for a in forms(words[0]) + [words[0]] for b in forms(words[1]) + [words[1]]):
        cands = g.lookup(" ".join(variant))
        if cands:
            return tuple(c for c in cands if c.kind != "settlement" or c.population >= 1000) or ()
    return ()


def _person_names(ctx: DocContext) -> set[str]:
    """Surnames and first names of the people the text names in full ("John Ripley" ->
    "Ripley"): a bare one of them later is that person, not a town of the same name."""
    out = set()
    for ent in ctx.doc.ents:
        if ent.label_ == "PERSON" and len(ent) >= 2 and all(t.text[:1].isupper() for t in ent) \
                and ent[-1].lower_ not in ADMIN_SUFFIX and ent[-1].lower_ not in GENERIC_AFTER:
            out.add(ent[-1].text)
            out.add(ent[0].text)
    return out


def _demonym_at(ctx: DocContext, g: Gazetteer, run: list[Token], i: int, ent_label: dict) -> tuple[int, Entry] | None:
    """A nationality word at run[i] (one or two words): how many tokens, and its country."""
    for n in (2, 1):
        if i + n > len(run):
            continue
        toks = run[i:i + n]
        if any(t.text == "-" for t in toks):
            continue
        e = _demonym_entry(g, ctx.text[toks[0].idx:toks[-1].idx + len(toks[-1].text)])
        if e is None:
            continue
        ent = ent_label.get(toks[0].i)
        if ent is not None and ent.label_ == "LANGUAGE":
            return None   # "in Turkish": the language
        prev = ctx.doc[toks[0].i - 1] if toks[0].i > 0 else None
        nxt = ctx.doc[toks[-1].i + 1] if toks[-1].i + 1 < len(ctx.doc) else None
        cue = _lw("region_cue", ctx.language)
        if ((prev is not None and prev.lower_ in cue) or (nxt is not None and nxt.lower_ in cue)) \
                and any(c.kind == "region" and c.country for c in g.lookup(toks[0].text if n == 1 else
                                                                         ctx.text[toks[0].idx:toks[-1].idx + len(toks[-1].text)])):
            return None   # "the Amhara region", "région Amhara": the region named after its people
        if prev is not None and prev.lower_ in ("in", "speak", "speaks", "spoke", "speaking", "into", "from") \
                and (nxt is None or nxt.pos_ not in ("NOUN", "PROPN", "ADJ")) and n == 1 and not toks[0].text.endswith("s"):
            return None   # "written in English.", "translated from Arabic"
        return n, e
    return None


def _abbreviations(ctx: DocContext, g: Gazetteer, ms: list[_Mention]) -> list[_Mention]:
    """US states and Canadian provinces abbreviated after a town ("Springfield, Ill.", "Kingston,
    Ont."); dotted two-letter forms ("N.Y.", "D.C.") anywhere."""
    if not STATE_ABBR:
        return []
    out = []
    taken = {(m.start, m.end) for m in ms}
    ends = {m.end for m in ms}
    for mo in _ABBR_RE().finditer(ctx.text):
        ab = mo.group(1)
        start, end = mo.start(1), mo.start(1) + len(ab)
        after_town = any(ctx.text[e:start].strip() == "," for e in ends if e < start and start - e <= 3)
        if not after_town and ab.count(".") < 2:
            continue
        st = g.state(*STATE_ABBR[ab])
        if st is None or (start, end) in taken:
            continue
        out.append(_Mention(start=start, end=end, surface=ab, cands=(st,), kind_hint="region", labelled=True))
    return out


@functools.lru_cache(maxsize=1)
def _ABBR_RE() -> re.Pattern:
    alts = "|".join(re.escape(a) for a in sorted(STATE_ABBR, key=lambda a: (-len(a), a)))
    return re.compile(r"(?<![\w.])(" + alts + r")(?![\w])")


def _contained(ctx: DocContext, g: Gazetteer, ms: list[_Mention]) -> None:
    """"London, Ontario", "Paris, Texas", "Springfield, Ill.": a name followed by a comma and an
    area that can contain it is a place inside that area; the area is the state or country."""
    ms.sort(key=lambda m: m.start)
    for a, b in zip(ms, ms[1:]):
        if a.kind_hint == "demonym" and a.cands and b.cands and b.kind_hint != "demonym" \
                and _KIND_OF.fullmatch(ctx.text[a.end:b.start]):
            # "the English city of X", "the Malian town of X": inside the people's country or region
            inner = tuple(c for c in b.cands if c is not a.cands[0] and _inside(c, a.cands[0]))
            if inner:
                b.cands, b.within = inner, a.cands[0]
            continue
        if not a.cands or not b.cands or not re.fullmatch(r"\s*,\s*", ctx.text[a.end:b.start]):
            continue
        if a.kind_hint == "demonym" or b.kind_hint == "demonym":
            continue
        areas = [c for c in b.cands if c.kind == "country" or c.gid.startswith("state:")]
        if not areas:
            continue
        inner = [c for c in a.cands if c.kind != "country" and any(_inside(c, x) for x in areas)]
        if not inner:
            continue
        if _listed(ctx, b, ms) and all(c.population < 100_000 for c in inner) and any(
                (c.capital or c.population >= 1_000_000) and norm(c.name) == norm(a.surface) for c in a.cands):
            continue   # "stops in Washington, New York and Boston": a list of places, not a town in a state
        best = next(x for x in areas if any(_inside(c, x) for c in inner))
        a.cands, a.within = tuple(inner), best
        b.cands = (best,)


_KIND_OF = re.compile(r"\s+(?:" + _alt(_words("settlement_cue") | _words("region_cue")) + r")\s+of\s+", re.I)


def _listed(ctx: DocContext, b: _Mention, ms: list[_Mention]) -> bool:
    """``b`` is followed by another place of a list ("..., New York and Boston")."""
    nxt = next((m for m in ms if m.start >= b.end), None)
    return nxt is not None and bool(re.fullmatch(r"\s*(?:,|,?\s*(?:and|or))\s*", ctx.text[b.end:nxt.start]))


def _inside(c: Entry, area: Entry) -> bool:
    if c.country != area.country or c is area:
        return False
    if area.kind == "country":
        return True
    if c.admin1 and area.admin1 and c.country == "US":
        return c.admin1 == area.admin1   # GeoNames and ISO codes agree for US states
    return km((c.lat, c.lon), (area.lat, area.lon)) < 1000


# "X, a town ...", "X, the capital of ...", "X, a small village": the text calls it a place
_CALLED_A_PLACE = re.compile(r"^(?:'s|’s)?\s*,\s*(?:the|a|an)\s+(?:[a-z-]+\s+){0,2}?"
                             r"(?:capital|city|town|village|hamlet|settlement|suburb|district|region|province)\b")


def _acceptable(ctx: DocContext, first: Token, last: Token, surface: str, cands: tuple[Entry, ...],
                ent_label: dict, left: Token | None = None, right: Token | None = None,
                persons: set[str] | frozenset = frozenset()) -> bool:
    """Whether a gazetteer hit is a place here. ``left``/``right``: capitalised words of the
    same run next to it (the hit is then part of a longer name)."""
    doc = ctx.doc
    if ctx.language != "en" and left is not None and (not g_has(left) or left.is_stop
                                                     or left.lower_ in _preps(ctx.language)):
        left = None   # a capitalised sentence word or noun before it ("Die Bewohner Berlins", "У Львові")
    tagged = ctx.language in TAGGED   # a part-of-speech tagger worth trusting on names
    if ctx.language != "en" and first is last and all(c.kind == "settlement" for c in cands) \
            and first.i > 0 and doc[first.i - 1].lower_ in _lw("definite", ctx.language) \
            and not any(norm(c.name).startswith(doc[first.i - 1].lower_ + " ") for c in cands):
        return False   # "der Taliban", "la Mecque" aside: towns take no article
    if ctx.language == "de" and first is last and _known_de(first.text) \
            and all(c.kind == "settlement" and c.population < 100_000 for c in cands):
        return False   # "im Zuge": a German noun that is also a small town's name
    if ctx.language != "en" and re.match(r"^-[A-ZА-ЯЁІЇЄҐ]", ctx.text[last.idx + len(last.text):last.idx + len(last.text) + 2]) \
            and not strong_cands(cands):
        return False   # "France-Presse": part of a hyphenated name
    if left is not None and right is None and first.i - left.i == 1 and _direction_before(ctx, left) \
            and norm(f"{left.text} {surface}") not in gazetteer() and first.lower_ not in DIRECTION_BEFORE \
            and any(c.population >= (500_000 if c.kind == "region" else 100_000) for c in cands):
        left = None   # "South Leeds", "East Bristol": a part of the place, named by the place
    if left is not None and left.lower_ == "of" and right is None and left.i > 0 \
            and doc[left.i - 1].ent_type_ == "PERSON" and doc[left.i - 1].lower_ not in ORG_HEADS:
        left = None   # "Mark Jones of Xville": where a person lives, not a part of the person's name
    partial = left is not None or right is not None
    prev = doc[first.i - 1] if first.i > 0 else None
    nxt_text = ctx.text[last.idx + len(last.text):last.idx + len(last.text) + 20]
    ent = ent_label.get(first.i)
    strong = any(c.kind in ("country", "region", "route", "water", "bloc") and not c.gid.startswith("state:")
                 for c in cands)
    # part of a longer person or organisation name ("Ivan" in "Ivan Petrov"); a country or
    # region leading a name ("Sahel refugees", "US Agency ...") is still that place
    if ent is not None and ent.label_ in ("PERSON", "ORG", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT", "FAC") and \
            any(t is not None and ent.start <= t.i < ent.end for t in (left, right)):
        rest = [t.lower_ for t in doc[last.i + 1:ent.end]]
        leading = strong and left is None and not any(w in ORG_HEADS for w in rest) and (
            ent.label_ != "PERSON" or (right is not None and (right.tag_ == "NNPS" or right.text.endswith("ans"))))
        if not leading:   # "Jordan" in "Jordan Peterson", "Paris" in "Paris Hilton"
            return False
    if not partial and not strong and any(fuzz.ratio(norm(c.name), norm(surface)) >= 80 for c in cands) \
            and surface not in persons and _looks_like_town(ctx, first, last, cands):
        return True
    if ent is not None and ent.label_ == "NORP" and not strong and not (
            first.pos_ == "PROPN" and first.tag_ != "NNPS"
            and any(c.population >= 100_000 and norm(c.name) == norm(surface) for c in cands)):
        return False  # "Russian", "Malian", "Thai": a people, not a place
    if ent is not None and ent.label_ in NOT_PLACE_LABELS and not strong:
        return False  # "March", "Sunday": dates
    if right is not None and right.lower_ in ORG_HEADS and ent is not None and ent.label_ == "ORG":
        return False  # "Arakan Army", "Lagos Herald"
    if prev is not None and prev.lower_.rstrip(".") in TITLES:
        return False
    if strong and not surface.isupper() and norm(surface) in ACRONYMS and surface[:1].isupper():
        return False  # "Car", "Us": a country's acronym only in capitals
    if strong:
        return True
    if not partial and len(surface.split()) > 1 and any(
            c.gid.startswith("state:") and c.population >= 1_000_000 and norm(c.name) == norm(surface) for c in cands):
        return True   # a populous division named in full ("New South Wales", "Rio Grande do Sul"), whatever NER says
    if not partial and (SETTLEMENT_CUES.search(ctx.text[max(0, first.idx - 25):first.idx]) or _CALLED_A_PLACE.match(nxt_text)):
        return True  # the text says what it is: "the village of X", "X, a town near ...", whatever NER thinks
    if ent is not None and ent.label_ in ("ORG", "PERSON", "NORP") \
            and not any(fuzz.ratio(norm(c.name), norm(surface)) >= 80 for c in cands):
        return False  # "Al-Shabaab": an alternate name of a town abroad, here an organisation's name
    if first is last and (first.is_stop or first.lower_ in _COMMON):
        return False  # "We", "May", "Hope": common words that are also towns somewhere
    gpe = ent is not None and ent.label_ in ("GPE", "LOC", "FAC")
    if first is last and not gpe and all(c.kind == "settlement" and c.population < 100_000 for c in cands) \
            and not any(fuzz.ratio(norm(c.name), norm(surface)) >= 80 for c in cands) \
            and (ctx.language == "en" or not (prev is not None and prev.lower_ in _preps(ctx.language))):
        return False  # only an alternate name of small towns, and nothing says it is a place here
        # (in another language a town's name is an alternate name: one after a preposition stays)
    after = re.match(r"^\s*([\w-]+)", nxt_text)
    if prev is not None and prev.lower_ == "the" and not any(norm(c.name).startswith("the ") for c in cands) \
            and not gpe and all(c.kind == "settlement" or c.gid.startswith("state:") for c in cands) \
            and not (after and (after.group(1).lower() in GENERIC_AFTER or after.group(1).lower() in ADMIN_SUFFIX
                                or after.group(1).lower() in FACILITY_WORDS)) \
            and not (last.i + 1 < len(doc) and doc[last.i + 1].pos_ in ("NOUN", "PROPN")):
        return False  # "the White House", "the Loop": a building or a common name, not the town
        # (a town's name before a noun is still the town: "the Gainesville sewer system")
    if surface in persons and not (gpe and prev is not None and prev.lower_ in _preps(ctx.language)):
        return False  # "Ripley said", "Lincoln's plan": a person the text names in full
    if first is last and tagged and first.pos_ and first.pos_ not in ("PROPN", "X") and not gpe and not surface.isupper():
        return False  # a capitalised common word ("Day", "Continental", "Shaping") that is a town somewhere
    if ent is not None and ent.label_ == "ORG" and ent.start == first.i and ent.end == last.i + 1 \
            and max(c.population for c in cands) < 100_000 \
            and not (prev is not None and prev.lemma_ in PLACE_VERBS and first.head.i == prev.i
                     and any(fuzz.ratio(norm(c.name), norm(surface)) >= 80 for c in cands)):
        return False  # a small town's name the text uses as an organisation's (not "shelled Xville":
        # the object of a verb that takes places, under the town's own name)
    # a settlement-only name: needs the look of a place
    if SPEECH_AFTER.match(nxt_text) and not (ent is not None and ent.label_ in ("GPE", "LOC", "FAC")) \
            and not (prev is not None and prev.lower_ in _preps(ctx.language) and prev.lower_ not in ("of", "for", "with")):
        return False   # "Xville said": a person; "in Xville was" is still the town
    if surface.isupper() and len(surface) <= 4:
        return False  # acronyms are organisations far more often than towns
    if surface.lower() != surface and max(c.population for c in cands) < 100_000 \
            and surface.lower() in ctx.text and re.search(r"\b" + re.escape(surface.lower()) + r"\b", ctx.text):
        return False  # also used as a common word in this text ("Bath", "Mobile"; a city's name typed
        # in lower case once is still the city)
    if partial and not (right is not None and left is None and right.lower_ in GENERIC_AFTER):
        return False  # a town's name inside a longer name ("Paris Hilton", "Sydney Morning Herald") is part of that name
    if ent is not None and ent.label_ in ("GPE", "LOC", "FAC"):
        return True
    if max(c.population for c in cands) >= 100_000 and (ent is None or ent.label_ != "PERSON"):
        return True
    if FACILITY_AFTER.match(ctx.text[last.idx + len(last.text):last.idx + len(last.text) + 40]):
        return True  # "Kharkiv airport", "Zaporizhzhia nuclear power plant"
    if prev is not None and (prev.lower_ in _preps(ctx.language) or prev.lemma_ in PLACE_VERBS or SETTLEMENT_CUES.search(ctx.text[max(0, first.idx - 25):first.idx])):
        return True
    if ctx.language != "en" and prev is not None and _lemmas_of(prev) & (_lw("settlement_cue", ctx.language)
                                                                       | _lw("region_cue", ctx.language)):
        return True   # "la ville de X", "город X"
    if re.match(r"^(?:'s|’s)?\s*(?:,\s*(?:the|a)\s+)?(?:capital|city|town|village|region|province|airport)\b", nxt_text):
        return True
    return False


DIRECTION_BEFORE = set(_words("direction_before"))


def _direction_before(ctx: DocContext, left: Token) -> bool:
    """``left`` (the word before a name) is a compass word opening the name's run: "North" of
    "South Leeds", "North East" of "North East Fife" (the gazetteer holds the whole
    names it knows; these are the rest)."""
    if ctx.language != "en" or left.lower_ not in DIRECTION_BEFORE and not (
            left.i > 0 and f"{ctx.doc[left.i - 1].lower_} {left.lower_}" in DIRECTION_BEFORE):
        return False
    i = left.i - 1 if left.lower_ not in DIRECTION_BEFORE else left.i
    prev = ctx.doc[i - 1] if i > 0 else None
    return prev is None or (not _cap(prev) and prev.lower_ not in JOINERS) or left.is_sent_start


RESIDENT_AFTER = set(_words("resident_after"))
_AREA_AFTER = re.compile(r"^,\s*([A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})")
_PARTY = re.compile(r"\b[DRI]-$")
_STREET_ADDRESS = re.compile(r"(?:\b\d+[A-Za-z]?(?:[ \t]+[NSEW]\.?)?(?:[ \t]+[A-Z][\w'’-]*\.?){1,3}[ \t]+(?:"
                             + _alt(_words("street_suffix")) + r")|\b(?:Highway|Route|Hwy\.?)[ \t]+\d+[A-Z]?)\.?[ \t]*,[ \t]*$")
_RESIDENT_OF = re.compile(r"\b[A-Z][a-z][\w'’-]*(?:,\s*\d{1,3},)?\s+of\s+$")


def _looks_like_town(ctx: DocContext, first: Token, last: Token, cands: tuple[Entry, ...]) -> bool:
    """Patterns that make a town's name a town whatever NER says: "Xville, Ohio" and
    "Xville, Ohio." (a town inside the state or country written after it), a dateline
    ("XVILLE, Ohio (AP) —", "XVILLE —"), "R-Xville" (a legislator's home town), "Xville-based",
    "an Xville man", "Xville residents", "the Xville area" (resident_after words), "John
    Smith of Xville"."""
    text, doc = ctx.text, ctx.doc
    end = last.idx + len(last.text)
    after = text[end:end + 40]
    m = _AREA_AFTER.match(after)
    if m:
        g = gazetteer()
        name = m.group(1)
        areas = [c for c in g.lookup(name.rstrip(".")) if c.kind == "country" or c.gid.startswith("state:")]
        for ab in (name, name.split()[0], name.split()[0] + "."):
            if ab in STATE_ABBR and (st := g.state(*STATE_ABBR[ab])) is not None:
                areas.append(st)
        if any(_inside(c, a) for c in cands for a in areas):
            return True
    line_start = text.rfind("\n", 0, first.idx) + 1
    if not PAGE_DATE_LABEL.sub("", text[line_start:first.idx]).strip() and _DATELINE_AFTER.match(text[end:end + 60]):
        return True
    if text[first.idx:end].isupper() and _CAPS_DATELINE_AFTER.match(text[end:end + 60]) \
            and not (first is last and (first.is_stop or first.lower_ in _COMMON)) \
            and (first.i == 0 or re.search(r"(?:[.!?\"”]|\b\d{4})\s*$", text[max(0, first.idx - 8):first.idx])):
        return True   # "Title of the story. XVILLE — ...": a dateline after a headline or a byline's date
    if _STREET_ADDRESS.search(text[max(0, first.idx - 80):first.idx]):
        return True   # "of 12 Mill St., Xville", "Highway 29, Xville": the town of a street address
    if first.pos_ != "PROPN" or first.ent_type_ in NOT_PLACE_LABELS:
        return False
    if _PARTY.search(text[max(0, first.idx - 3):first.idx]) or re.match(r"^-(?:based|born|area)\b", after):
        return True
    if first.is_sent_start:
        return False
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if nxt is not None and nxt.lower_ in RESIDENT_AFTER and nxt.idx == end + 1:
        return True
    return bool(_RESIDENT_OF.search(text[max(0, first.idx - 60):first.idx]))


def g_has(tok: Token) -> bool:
    return norm(tok.text) in gazetteer()


def _facility(ctx: DocContext, m: _Mention, last: Token) -> None:
    after = ctx.text[m.end:m.end + 16]
    fm = FACILITY_AFTER.match(ctx.text[m.end:m.end + 40])
    if fm and re.search(r"\b(?:an?|one|another|several|two|three)\s+$", ctx.text[max(0, m.start - 12):m.start], re.I):
        fm = None  # "a Goma hospital": some hospital of the town, not one named after it
    if fm and not any(c.kind in ("route",) for c in m.cands):
        m.facility = fm.group(1).lower()
        m.end += fm.end()
        m.surface = ctx.text[m.start:m.end]
        m.kind_hint = FACILITY_WORDS.get(m.facility.split()[-1], "facility")
        if all(c.kind == "country" for c in m.cands) and m.facility not in ("border", "crossing"):
            # "the city's Turkish hospital", "the Turkish market": a facility named after a
            # country stands in a town of the text, not at the country's centre
            m.cands, m.unknown = (), True
        return
    before = ctx.text[max(0, m.start - 25):m.start]
    if SETTLEMENT_CUES.search(before):
        m.kind_hint = "settlement"
    elif REGION_CUES.match(after):
        m.kind_hint = "region"
    elif ctx.language not in ("en", "ar"):
        m.kind_hint = _cue_before(ctx, m.start) or m.kind_hint


_CUE_JOINERS = frozenset(("de", "d'", "d’", "du", "des", "del", "la", "der", "dem", "von"))


def _cue_before(ctx: DocContext, start: int) -> str | None:
    """"la ville de X", "города X", "région X", "Region X": the kind a head word before a name
    gives it (settlement_cue and region_cue words of the language; "de" and articles between)."""
    span = ctx.doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    i = span.start - 1
    while i >= 0 and ctx.doc[i].lower_ in _CUE_JOINERS and span.start - i <= 2:
        i -= 1
    if i < 0:
        return None
    lemmas = _lemmas_of(ctx.doc[i]) | {ctx.doc[i].lower_}
    if lemmas & _lw("settlement_cue", ctx.language):
        return "settlement"
    if lemmas & _lw("region_cue", ctx.language):
        return "region"
    return None


def _named_after(ctx: DocContext, g: Gazetteer, run: list[Token]) -> tuple[Entry, ...]:
    """The settlements or areas a facility's name opens with ("Gao International Airport",
    "Mopti Central Market"): where the facility most likely is. Countries are left out: a
    facility named after a country ("the Turkish Hospital") stands in a town of the text."""
    for j in range(len(run) - 1, 0, -1):
        name = ctx.text[run[0].idx:run[j - 1].idx + len(run[j - 1].text)]
        if len(name) < 3 or norm(name) in JOINERS or not _cap(run[j - 1]):
            continue  # "Al" of "Al-Noor Hospital": a particle, not a town
        cands = tuple(c for c in g.lookup(name) if c.kind in ("settlement", "region"))
        if cands:
            return cands
    return ()


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
    if square and all(t.ent_type_ == "NORP" or t.lower_ in DEMONYMS for t in run[:-1]):
        return None   # "the Anglican Church", "the Russian Orthodox Church": a body, not a building
    if square:
        return _Mention(start=start, end=end, surface=surface, cands=(), unknown=True,
                        kind_hint=NAMED_FACILITY[surface.split()[-1]], named_after=_named_after(ctx, g, run))
    fw = re.match(r"^\s+(corridor|crossing|bridge)\b", after)
    if fw:  # a misspelt named route: fuzzy against our table of areas
        hit = _fuzzy_area(g, surface + " " + fw.group(1))
        if hit:
            return _Mention(start=start, end=end + fw.end(), surface=ctx.text[start:end + fw.end()], cands=(hit,))
    fa = FACILITY_AFTER.match(ctx.text[end:end + 40])
    if fa and any(t.ent_type_ != "NORP" and g.lookup(ctx.text[t.idx:end]) for t in run[1:]):
        fa = None  # "Shelling of Gao market": the market of a known place, found from that place
    ents = [t.ent_type_ for t in run]
    military = fa is not None and fa.group(1).lower().split()[-1] in ("base", "headquarters", "barracks")
    if fa and not surface.isupper() \
            and not all(e in ("NORP", "PERSON") and t.pos_ == "ADJ" for e, t in zip(ents, run)) \
            and not (tok.i > 0 and ctx.doc[tok.i - 1].lower_ in TITLES) \
            and (military or not any(t.lower_ in ORG_HEADS for t in run)):
        # "the Turkish market" is no name, "the Al-Noor Christian hospital" is; a unit's base is
        # named after the unit ("the Fifth Brigade base")
        word = fa.group(1).lower().split()[-1]
        return _Mention(start=start, end=end + fa.end(), surface=ctx.text[start:end + fa.end()], cands=(),
                        unknown=True, kind_hint=FACILITY_WORDS.get(word, "facility"), facility=fa.group(1).lower())
    if 2 <= len(run) <= 3 and run[-1].lower_ in AREA_SUFFIX and run[-1].text[:1].isupper() \
            and all(t.is_alpha and t.lower_ not in AREA_SUFFIX and t.lower_ not in DEMONYMS for t in run[:-1]) \
            and not (tok.i > 0 and ctx.doc[tok.i - 1].lower_ in TITLES) \
            and not re.match(r"^\s*[A-Z]", after) and not re.match(r"^['’]s\s+[A-Z]", after):
        # "Cooke County", "Rapides Parish": an area the gazetteer lacks, named so (not the head of a
        # longer name: "Cooke County Sheriff's Office"); placed by the report's own places
        return _Mention(start=start, end=end, surface=surface, cands=(), unknown=True, kind_hint="region", admin=True)
    cued = SETTLEMENT_CUES.search(before) if ctx.language == "en" else _cue_before(ctx, start) == "settlement"
    cued = cued or _called_a_settlement(ctx, end)
    coordinated = re.search(r"\b(?:village|town|city|villages|towns|cities)s?\s+of\s+[A-Z][\w-]+\s+and\s+$", ctx.text[max(0, start - 60):start])
    if not (cued or coordinated):
        return None
    if tok.i > 0 and ctx.doc[tok.i - 1].lower_ in TITLES:
        return None
    return _Mention(start=start, end=end, surface=surface, cands=(), unknown=True, kind_hint="settlement")


@functools.lru_cache(maxsize=None)
def _appositive_cue(lang: str) -> re.Pattern:
    words = sorted(t.lower() for t, kind in _words("settlement_cue", lang).items() if kind == "settlement")
    articles = _lw("article", lang)
    # an article and at most two lower-case words before the kind word ("a small village"); none in
    # languages without articles ("X, село ...")
    lead = r"(?:" + _alt(articles) + r")(?:\s+|(?<=['’]))(?:[a-zà-ÿß-]+\s+){0,2}?" if articles else ""
    return re.compile(r"^,\s*" + lead + r"(?i:" + _alt(words) + r")\b")


@functools.lru_cache(maxsize=None)
def _distance_after(lang: str) -> re.Pattern | None:
    """"X, about 70 km west", "X, etwa 40 Kilometer entfernt": a few words, then a number and a
    unit of distance (distance_unit words) right after a name."""
    units = _words("distance_unit", lang)
    return re.compile(r"^,\s*(?:[a-zà-ÿß']+\s+){0,3}\d[\d,.]*\s*(?:" + _alt(units) + r")\b") if units else None


@functools.lru_cache(maxsize=None)
def _distance_bearing(lang: str) -> re.Pattern | None:
    """``_distance_after`` with its number, unit and a bearing after it (place_words bearing
    rows): "X, about 70 km west (of Y)"."""
    units, bearings, leads = _words("distance_unit", lang), _words("bearing", lang), _words("bearing_lead", lang)
    if not units or not bearings:
        return None
    lead = r"(?:(?:" + _alt(leads) + r")\s*)?" if leads else ""
    return re.compile(r"^,\s*(?:[a-zà-ÿß']+\s+){0,3}(?P<n>\d[\d,.]*)\s*(?P<unit>" + _alt(units) + r")\b\s*"
                      + lead + r"(?P<bearing>" + _alt(bearings) + r")\b", re.I)


def _offset_point(ctx: DocContext, m: _Mention, ms: list[_Mention], chosen: dict,
                  home: Entry | None) -> tuple[float, float] | None:
    """Where "X, about 70 km west" puts X: that far, that way, from the town named just
    after the bearing ("... west of Y"), else the town named before it in its sentence, else
    the report's own town (``home``). None where the text gives no distance and bearing, or
    there is no town to measure from."""
    pat = _distance_bearing(ctx.language or "en")
    got = pat.match(ctx.text[m.end:m.end + 80]) if pat is not None else None
    if got is None:
        return None
    lang = ctx.language or "en"
    units = {k.lower(): float(v or 1) for k, v in _words("distance_unit", lang).items()}
    bearings = {k.lower(): float(v) for k, v in _words("bearing", lang).items()}
    try:
        dist = float(got.group("n").replace(",", "")) * units.get(got.group("unit").lower(), 1.0)
    except ValueError:
        return None
    deg = bearings.get(got.group("bearing").lower())
    if deg is None or not 0 < dist <= 1000:
        return None
    sent = ctx.sentence_of(m.start, m.end)
    after = m.end + got.end()
    towns = [o for o in ms if o is not m and not o.unknown and o.surface in chosen
             and chosen[o.surface].kind == "settlement" and sent.start_char <= o.start < sent.end_char]
    ref = next((o for o in towns if 0 <= o.start - after <= 8), None) or \
        next((o for o in reversed(towns) if o.end <= m.start), None)
    e = chosen[ref.surface] if ref is not None else home
    if e is None or e.kind != "settlement":
        return None
    lat1, lon1, th, d = math.radians(e.lat), math.radians(e.lon), math.radians(deg), dist / 6371.0
    lat2 = math.asin(math.sin(lat1) * math.cos(d) + math.cos(lat1) * math.sin(d) * math.cos(th))
    lon2 = lon1 + math.atan2(math.sin(th) * math.sin(d) * math.cos(lat1), math.cos(d) - math.sin(lat1) * math.sin(lat2))
    return round(math.degrees(lat2), 5), round((math.degrees(lon2) + 540) % 360 - 180, 5)


def _called_a_settlement(ctx: DocContext, end: int) -> bool:
    """"X, a village ...", "X, une localité située à ...", "X, ein Dorf ...": the text calls it a
    town right after its name (the language's settlement cue words), or gives its distance
    ("X, about 70 km west")."""
    after = ctx.text[end:end + 50]
    dist = _distance_after(ctx.language)
    return bool(_appositive_cue(ctx.language).match(after) or (dist is not None and dist.match(after)))


def _drop_overlaps(ms: list[_Mention]) -> list[_Mention]:
    ms.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[_Mention] = []
    for m in ms:
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


# ---------------------------------------------------------------- resolving


def _resolve(ctx: DocContext, g: Gazetteer, ms: list[_Mention], given: bool = False) -> list[Place]:
    """Choose each mention's entry and make the places. ``given``: the names are known to be
    places (resolve_spans), so none is dropped as a word that only looks like a far town."""
    # the countries the document is about: those it names, and those of its unambiguous places
    countries: Counter = Counter()
    for m in ms:
        if m.cands and m.cands[0].kind == "country":
            countries[m.cands[0].country] += 1
        elif len({c.country for c in m.cands}) == 1 and m.cands[0].country:
            countries[m.cands[0].country] += 1
    anchors: dict[str, tuple[float, float]] = {}   # surface -> point: what each name anchors (one per name)
    for m in ms:  # unambiguous places anchor the document
        pts = {(round(c.lat, 1), round(c.lon, 1)) for c in m.cands if c.kind != "country"}
        if len(pts) == 1 and m.cands and m.cands[0].kind != "country" and m.kind_hint != "demonym" \
                and not m.cands[0].gid.startswith("continent:") and m.cands[0].country:
            anchors[m.surface] = (m.cands[0].lat, m.cands[0].lon)
    chosen: dict[str, Entry] = {}
    main_pt = None
    _support(ms)
    # states the document names unambiguously ("Olympia, Wash."): a bare name of one is the state
    states = {m.within.gid for m in ms if m.within is not None and m.within.gid.startswith("state:")} | \
        {m.cands[0].gid for m in ms if len(m.cands) == 1 and m.cands[0].gid.startswith("state:")}

    def score(c: Entry, m: _Mention) -> float:
        s = _score(c, m, countries, anchors, main_pt)
        return s + STATE_NAMED if c.gid in states and norm(c.name) == norm(m.surface) else s

    for _ in range(2):  # second pass uses the first pass's choices as anchors and main area
        done: dict[tuple, Entry] = {}   # a name repeated in the same role is decided once per pass
        for m in ms:
            if m.cands:
                key = (m.surface, m.kind_hint, m.within, m.admin, len(m.cands))
                best = done.get(key)
                if best is None:
                    best = done[key] = max(m.cands, key=lambda c: score(c, m))
                chosen[m.surface] = best
                # an area spanning countries (a continent, "the Sahel", "the Alps") is too big to anchor
                if best.kind != "country" and m.kind_hint != "demonym" and best.country:
                    anchors[m.surface] = (best.lat, best.lon)
        main = _main_area(ms, chosen)
        main_pt = (main.lat, main.lon) if main is not None and main.kind != "country" else None
        # the document's countries, now from the first pass's choices (one vote per name)
        countries = Counter(chosen[m.surface].country for m in {m.surface: m for m in ms}.values()
                            if m.surface in chosen and chosen[m.surface].country)
        for m in ms:
            m.own = chosen[m.surface].country if m.surface in chosen else None
    # a small far-away town that only shares a name with a word of the text is not a place here;
    # one the text calls a village is, but not that far-away one
    far = set()
    for m in ms:
        e = chosen.get(m.surface)
        others = [(o.lat, o.lon) for k, o in chosen.items() if k != m.surface and o.kind != "country"]
        if e is not None and e.kind == "settlement" and e.population < 100_000 and not e.capital \
                and m.within is None and not m.admin and not given and not m.sure \
                and min((km((e.lat, e.lon), a) for a in others), default=0) > 800:
            if m.kind_hint == "settlement" or (not m.kind_hint and _called_a_settlement(ctx, m.end)):
                # "X, about 70 km west", "X, a village ...": a town of the report the gazetteer lacks
                m.cands, m.unknown, m.kind_hint = (), True, "settlement"
                chosen.pop(m.surface, None)
            elif not m.kind_hint:
                far.add(m.surface)
    for surface in far:
        chosen.pop(surface, None)
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
    areas = _main_areas(ctx, g, ms, chosen)
    if any(k in areas for k in ("settlement", "region")):
        # a square, park or street named like a town far from every town of the report's country:
        # one of the report's own (a town's name is often a street's in another)
        home = next(iter(areas.values())).country
        towns = [(e.lat, e.lon) for e in [*chosen.values(), *areas.values()] if e.country == home
                 and e.kind == "settlement"]   # (not a state's centre: a state is wide)
        moved = False
        for m in ms:
            e = chosen.get(m.surface)
            if e is not None and e.kind == "settlement" and (m.kind_hint == "route" or given and m.kind_hint in (
                    "other", "facility")) \
                    and min((km((e.lat, e.lon), a) for a in towns if a != (e.lat, e.lon)), default=0) > NEAR_KM:
                m.unknown = True
                chosen.pop(m.surface, None)
                moved = True
        if moved:
            areas = _main_areas(ctx, g, ms, chosen)
    out: list[Place] = []
    prev: _Mention | None = None
    placed_lacking: dict[str, Entry] = {}
    for m in ms:
        sent = ctx.sentence_of(m.start, m.end)
        e = chosen.get(m.surface) if not m.unknown else None
        # "Lagos's Ikeja district", "Kampala's Constitution Square": inside the town before it
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
            named = max(m.named_after, key=lambda c: _score(c, m, countries, anchors, main_pt)) \
                if m.named_after else None
            if named is not None and anchors and min(km((named.lat, named.lon), a) for a in anchors.values()) > 800:
                named = None  # a namesake far from every place of the report
            if named is not None and named.kind == "region" and (town := areas.get("settlement")) is not None \
                    and _inside(town, named):
                named = town   # "Florida Gulf Lakes University" in a report on a Florida town: nearer that town
                # than the state's centre
            key = norm(m.surface)
            # one sense per report: a name the gazetteer lacks, placed once, stays there ("the
            # X hospital" in a later sentence that names an archbishop's see is not moved)
            area = owner or placed_lacking.get(key) or named or _enclosing(m, ms, chosen, sent, ctx.text) \
                or _fallback(m, areas)
            if area is None:
                continue
            placed_lacking.setdefault(key, area)
            precision = "near" if area.kind == "settlement" else "admin" if area.gid.startswith("state:") \
                else "country" if area.kind == "country" else "region"
            lat, lon = area.lat, area.lon
            if m.kind_hint == "settlement" and (pt := _offset_point(ctx, m, ms, chosen, areas.get("settlement"))) \
                    is not None:
                lat, lon, precision = pt[0], pt[1], "near"   # "X, about 70 km west of Y"
            out.append(Place(start=m.start, end=m.end, sentence=sent.text.strip(), surface=m.surface, name=m.surface,
                             country=area.country, lat=lat, lon=lon, kind=m.kind_hint or "other",
                             precision=precision, gazetteer_id=None, admin1=area.admin1, confidence=0.4))
            continue
        others = {chosen[o.surface].country for o in ms
                  if not o.part and o.surface != m.surface and o.surface in chosen and o.kind_hint != "demonym"} \
            if m.part else set()
        if m.part and e.kind != "country" and others and e.country not in others:
            continue   # "West X" of a region no other place of the report shares a country with: a name of its own
        kind = e.kind if not m.facility else (m.kind_hint or "facility")
        precision = {"country": "country", "region": "region", "route": "near", "water": "region", "bloc": "region"}.get(e.kind, "point")
        if m.facility:
            precision = "near"
        if e.gid.startswith("state:"):
            precision = "admin"
        name = e.name + (f" {m.facility}" if m.facility else "")
        if m.admin:   # "X County": located at the place it is named after
            kind, precision, name = "region", "admin", m.surface
        if m.kind_hint == "demonym":
            kind = "demonym"
        elif e.kind == "bloc" or _metonym(ctx, m, e):   # "the EU": its institutions
            kind = "metonym"
        out.append(Place(start=m.start, end=m.end, sentence=sent.text.strip(), surface=m.surface,
                         name=name, country=e.country, lat=e.lat, lon=e.lon,
                         kind=kind, precision=precision, gazetteer_id=e.gid, admin1=e.admin1,
                         confidence=0.6 if m.fuzzy else 1.0 if len(m.cands) == 1 else 0.8))
    return out


SUPPORT_KM = 60.0
SUPPORT_WEIGHT = 2.0
TOWN_POPULATION_WEIGHT = 1.3
ALT_NAME_PENALTY = 3.0
WORLD_CITY_PENALTY = 3.0
STATE_OWN_NAME = 3.0
STATE_NAMED = 10.0     # a state the document names elsewhere unambiguously (after a town, abbreviated)
SUPPORT_CANDS = 40     # candidates of one name that count for its neighbours (the most populous)


def _support(ms: list[_Mention]) -> None:
    """How much the document's other names back each candidate: a name with a candidate
    within SUPPORT_KM of it counts 1/sqrt(its number of candidates), so a town the text
    names beside two of its unambiguous neighbours ("Paris" with "Clarksville" and
    "Sulphur Springs" in Texas) is backed, and a namesake near one of forty "Springfield"s barely.
    Bounded: a grid of 1-degree cells over at most SUPPORT_CANDS candidates a name."""
    by_surface: dict[str, tuple[Entry, ...]] = {}
    for m in ms:
        if m.cands and m.kind_hint != "demonym" and m.surface not in by_surface:
            by_surface[m.surface] = tuple(sorted((c for c in m.cands if c.kind != "country"
                                                  and c.country),
                                                 key=lambda c: -c.population)[:SUPPORT_CANDS])
    grid: dict[tuple[int, int], list[tuple[str, Entry]]] = {}
    for surface, cands in by_surface.items():
        for c in cands:
            grid.setdefault((math.floor(c.lat), math.floor(c.lon)), []).append((surface, c))
    out: dict[tuple[str, str], float] = {}
    for surface, cands in by_surface.items():
        for c in cands:
            near: set[str] = set()
            ci, cj = math.floor(c.lat), math.floor(c.lon)
            for a in (ci - 1, ci, ci + 1):
                for b in (cj - 1, cj, cj + 1):
                    for o, e in grid.get((a, b), ()):
                        if o != surface and o not in near and norm(o) != norm(surface) \
                                and km((c.lat, c.lon), (e.lat, e.lon)) <= SUPPORT_KM:
                            near.add(o)
            if near:
                out[(surface, c.gid)] = sum(1 / math.sqrt(len(by_surface[o])) for o in near)
    for m in ms:
        m.support = out


@functools.lru_cache(maxsize=4096)
def _town_part(surface: str, facility: str) -> str:
    """"Gao market" -> "gao": a facility's town, by whose name its candidates are named."""
    return norm(re.sub(r"(?i)(?:^|\s)" + re.escape(facility) + r"s?(?=\s|$)", " ", surface)) or norm(surface)


def _score(c: Entry, m: _Mention, countries: Counter, anchors: dict[str, tuple[float, float]],
           main_pt: tuple[float, float] | None = None) -> float:
    # population among towns (weighted up: a famous city beats a village named after it unless
    # the document's places are around the village)
    s = math.log10(c.population + 10) * (TOWN_POPULATION_WEIGHT if c.kind == "settlement" else 1)
    backed = m.support.get((m.surface, c.gid), 0.0) if m.support else 0.0
    s += SUPPORT_WEIGHT * min(backed, 2.0)
    surface = _town_part(m.surface, m.facility) if m.facility else norm(m.surface)

    def capital_spelling(country: Entry) -> bool:
        """The name is its capital's own and only a spelling of the country's ("Tunis")."""
        return norm(country.name) != surface and any(
            y.capital and y.country == country.country and norm(y.name) == surface for y in m.cands)

    if c.kind == "country" and capital_spelling(c):
        s -= 20  # the city, as "Kuwait City" would be
    elif c.kind == "settlement" and m.kind_hint != "settlement" and m.within is None \
            and any(x.kind == "country" and not capital_spelling(x) for x in m.cands):
        s -= 6  # a country's name is the country, whatever towns share it ("China", "Italy"), unless
        # the text says it is a town ("the town of X", "X, Texas")
        if norm(c.name) != surface and any(x.kind == "country" and norm(x.name) == surface for x in m.cands):
            s -= ALT_NAME_PENALTY   # and a city that only has the country's name as an alternate one
            # ("Mexico" for its capital) is the city only when the text says so
    if c.capital:
        s += 2  # a capital is what a bare name of it means, most of the time
    if norm(c.name) == surface:
        s += 1.5  # the place's own name rather than one of its alternate names
    elif c.kind == "settlement" and c.population < 100_000 and any(norm(x.name) == surface and x.population >= 100_000
                                        for x in m.cands if x is not c):
        s -= ALT_NAME_PENALTY   # a town's alternate name where a large place bears it as its own
        # ("Washington" for a village once called so, when the capital is called that)
    if main_pt is not None and c.kind != "country" and km((c.lat, c.lon), main_pt) < 75:
        s += 4  # inside the area the document is about
    own = m.own if m.own is not None else m.cands[0].country if m.cands and (
        m.cands[0].kind == "country" or len({x.country for x in m.cands}) == 1) else None
    n = countries.get(c.country, 0) - (1 if c.country and own == c.country else 0)
    if c.country and n > 0:   # the countries the rest of the document names
        s += 2 + min(n, 3)
    d = 1e9
    if anchors and c.kind != "country":   # near the document's other places (not its own earlier choice)
        d = min((km((c.lat, c.lon), a) for k, a in anchors.items() if k != m.surface), default=1e9)
        s += 5 if d < 100 else 3 if d < NEAR_KM else 1 if d < 800 else 0
    if c.kind == "settlement" and d >= NEAR_KM and m.within is None and any(
            x.kind == "settlement" and norm(x.name) == surface and x.population >= max(1_000_000, 100 * c.population)
            for x in m.cands):
        s -= WORLD_CITY_PENALTY   # a village named after a world city, with nothing of the report near it
    if m.kind_hint == "settlement":
        s += 4 if c.kind == "settlement" else -2
    elif m.kind_hint == "region":
        s += 4 if c.kind == "region" else 0
    elif c.gid.startswith("state:") and any(x.kind == "settlement" and x.country == c.country
                                            and x.population >= 100_000 for x in m.cands):
        s -= 5  # a bare name is the city more often than the province named after it
    elif c.gid.startswith("state:"):
        s += 2 + (STATE_OWN_NAME if norm(c.name) == norm(m.surface) and countries.get(c.country) else 0)
        # a first-level division beats the small towns named after it, and in a country the
        # document is about, even near its other places ("states such as California": not a
        # hamlet of Maryland)
    if m.within is not None:
        s += 6 if _inside(c, m.within) else -20
    if c.gid.startswith("area:") or c.gid.startswith("user:"):
        s += 10  # our curated areas and the user's places are the authority for their names
    return s


def _metonym(ctx: DocContext, m: _Mention, e: Entry) -> bool:
    """A country or capital standing for its government: the subject of a verb of saying,
    deciding or acting ("Tokyo said", "Ottawa imposed sanctions", "Chile and Peru agreed"),
    the possessor or modifier of its bodies ("Brazil's military", "US intelligence")."""
    if e.kind == "region" and _acronym_polity(m.surface) and (ctx.language != "en" or e.gid.startswith("area:")):
        return True   # "ДНР", "ЛНР", "DPR": a self-proclaimed polity by its initials names its authorities
        # (in English only our areas' initials: "NY", "CA" are states, written so as places)
    if not (e.kind == "country" or e.capital):
        return False
    if e.kind == "country" and _between_parties(ctx, m):
        return True   # "the war between X and Y": a party, its state
    if ctx.language != "en":
        return _metonym_other(ctx, m, e)
    if _dateline(ctx.text, m):
        return False
    span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    tok = span.root
    nxt = ctx.doc[span.end:span.end + 3]
    if e.kind == "country" and len(nxt) >= 2 and nxt[0].lower_ in ("'s", "’s") \
            and any(t.lower_ in ORG_HEADS or t.lower_ in _GOVERNMENT_WORDS for t in nxt[1:]):
        return True   # "Germany's foreign ministry", "Brazil's military": the state as an actor
    if e.kind == "country" and tok.dep_ in ("compound", "amod") and tok.head.i > tok.i \
            and any(t.lower_ in _GOVERNMENT_WORDS for t in ctx.doc[tok.i + 1:tok.head.i + 1]):
        return True   # "US intelligence", "UK officials": the state's own bodies
    if e.kind == "country" and tok.dep_ == "poss" and (tok.head.lower_ in ORG_HEADS or tok.head.lower_ in _GOVERNMENT_WORDS):
        return True   # "Peru's state-owned oil company": what the state owns and runs
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    if tok.dep_ == "nsubjpass" and tok.head.lemma_.lower() in METONYM_VERBS:
        return True   # "Tokyo was blamed", "Ottawa would be urged": a party to blame or urge
    if tok.dep_ != "nsubj" or tok.head.pos_ not in ("VERB", "AUX"):
        return False
    verb = tok.head
    if verb.pos_ == "AUX" or verb.lemma_ in ("be", "have"):
        return False
    # the subject of a verb of saying or deciding, or of any act but those a place itself does
    # ("lies", "borders", "faced floods"): "Tokyo said", "Chile expelled", "Ottawa takes seriously"
    return verb.lemma_.lower() in METONYM_VERBS or verb.lemma_.lower() not in LITERAL_VERBS


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


ACTOR_WEIGHT = 0.25
COUNTRY_NAME_WEIGHT = 0.9


def _main_areas(ctx: DocContext, g: Gazetteer, ms: list[_Mention], chosen: dict[str, Entry]) -> dict[str, Entry]:
    """The document's main country (most of its places lie there), and its most named region
    and town in that country: where a place the gazetteer lacks most likely is. A country named
    as an actor ("Israel said", "Russia's army") or by its people's adjective says who acts
    more than where: such a use counts ACTOR_WEIGHT of a place named as a place."""
    es = [chosen[m.surface] for m in ms if m.surface in chosen and not m.unknown]
    counts: Counter = Counter()
    for m in ms:
        if m.surface in chosen and not m.unknown and (e := chosen[m.surface]).country:
            actor = m.kind_hint == "demonym" or _metonym(ctx, m, e)
            # a place inside a country says where a little more than the country's own name
            counts[e.country] += ACTOR_WEIGHT if actor else COUNTRY_NAME_WEIGHT if e.kind == "country" else 1.0
    out: dict[str, Entry] = {}
    if not counts:
        return out
    top = counts.most_common(1)[0][0]
    spots = {e.gid: e for e in es if e.kind != "country"}.values()
    for kind in ("region", "settlement", "country"):
        c = Counter(e.gid for e in es if e.kind == kind and e.country == top)
        if c:
            # the most named; among as many names, the one most of the other places lie near
            # (a report's town beside a famous namesake it compares itself to)
            firsts: dict[str, Entry] = {}
            for e in es:
                firsts.setdefault(e.gid, e)
            most = max(c.values())
            tied = [gid for gid in c if c[gid] == most]   # (in order of first mention)
            if len(tied) > 1 and kind != "country":
                near = {gid: sum(1 for o in spots if o.gid != gid and km((firsts[gid].lat, firsts[gid].lon),
                                                                          (o.lat, o.lon)) < NEAR_KM) for gid in tied}
                gid = max(tied, key=lambda k: near[k])
            else:
                gid = tied[0]
            out[kind] = firsts[gid]
    if "country" not in out:
        country = g.country(top)
        if country is not None:
            out["country"] = country
    return out


def _fallback(m: _Mention, areas: dict[str, Entry]) -> Entry | None:
    # a county the gazetteer lacks lies nearer the report's main town than its main region (a state)
    # and so does a feature of no stated kind (a street, a school, a golf club)
    order = ("settlement", "region", "country") if m.kind_hint in ("other", "facility", "route", None) or \
        (m.unknown and m.admin) else ("region", "settlement", "country")
    return next((areas[k] for k in order if k in areas), None)


_CAPS_DATELINE_AFTER = re.compile(r"^(?:,\s*[A-Z][\w.'’ -]{1,30}?)?\s*(?:\([\w .'’-]{1,30}\))?\s*(?:--|[–—]|\s-\s)"
                                  r"[\s–—-]*[\"“]?[A-Z0-9]")
_DATELINE_AFTER = re.compile(r"^(?:,\s*[A-Z][\w.'’ -]{1,30}?)?\s*(?:\([\w .'’-]{1,30}\))?\s*[-–—:]\s")


def _dateline(text: str, m: _Mention) -> bool:
    """"GOMA, Congo (Reuters) - ...": where the report was filed, not where things happened."""
    line_start = text.rfind("\n", 0, m.start) + 1
    before = PAGE_DATE_LABEL.sub("", text[line_start:m.start])  # a page's "date 2024-05-01" label
    return not before.strip() and bool(_DATELINE_AFTER.match(text[m.end:m.end + 60]))


def _enclosing(m: _Mention, ms: list[_Mention], chosen: dict[str, Entry], sent: Span,
               text: str = "") -> Entry | None:
    """The smallest area named in the same sentence, nearest first (a city for a square or an
    airport, a region for a village, else a town it is near); a dateline's city is not one."""
    same = sorted((o for o in ms if o is not m and not o.unknown and o.surface in chosen
                   and sent.start_char <= o.start < sent.end_char and not _dateline(text, o)),
                  key=lambda o: abs(o.start - m.start))
    towns = [chosen[o.surface] for o in same if chosen[o.surface].kind == "settlement"]
    regions = [chosen[o.surface] for o in same if chosen[o.surface].kind == "region" and chosen[o.surface].country]
    if m.kind_hint in ("other", "facility", "route") or (m.unknown and m.admin):   # (a county: nearer a town than its state)
        return (towns or regions or [None])[0]
    if m.kind_hint is None and towns and regions and _inside(towns[0], regions[0]):
        return towns[0]   # "in Naples, Florida ... at X High School": the town the sentence places in its state
    return (regions or towns or [None])[0]


# ---------------------------------------------------------------- other languages
#
# The same finding and resolving as for English, with each language's words as lexicon rows
# (place_words by lang) and its morphology from extract/nlp.py: Russian and Ukrainian names
# are looked up under their nominatives and lemmas ("в Харькове" -> Харьков, "Ливийской
# Республики" -> ливийская республика); an adjective before an area noun names the area
# ("Херсонской области"), before a body of the area the area alone ("Херсонської ОДА"), before a
# facility noun the facility at its town ("Запорізького вокзалу", "Zaporischschjaer
# Bahnhof"); a lower-case head opens a name ("области Херсон", "province du Kivu"); a facility
# noun before a name names a facility ("l'hôpital Al-Nour", "مستشفى كسلا"). Arabic has
# no capitals: every run of up to four words is looked up with its proclitics taken off
# (و ف ب ل ك), and a small town needs a cue word or a preposition before it.


@functools.lru_cache(maxsize=None)
def _lw(role: str, lang: str) -> frozenset[str]:
    """The place_words terms of one role in one language (lower case)."""
    return frozenset(r.term.lower() for r in lexicon.rows("place_words", lang) if r.role == role)


def _preps(lang: str) -> set[str] | frozenset[str]:
    return PLACE_PREPS if lang == "en" else _lw("prep", lang)


@functools.lru_cache(maxsize=100_000)
def _word_forms(word: str, lang: str) -> tuple[str, ...]:
    """The forms a word of a name is looked up under: itself, then (ru/uk) its
    nominatives and lemmas, (de/es) its lemma. Lower case."""
    own = fold_apostrophes(word).lower()
    if lang in ("ru", "uk"):
        more = [fold_apostrophes(f) for f in nominatives(word, lang) + lemma_candidates(word, lang)]
    elif lang in ("de", "es"):
        more = list(lemma_candidates(word, lang))
    else:
        more = []
    return tuple(dict.fromkeys([own, *more]))[:5]


def _lemmas_of(tok: Token) -> frozenset[str]:
    lang = tok.doc.lang_
    return frozenset((tok.lower_, tok.lemma_.lower(), *(_word_forms(tok.text, lang) if lang != "ar" else ())))


def _foreign_lookup(g: Gazetteer, surface: str, lang: str, respell: bool = False) -> tuple[Entry, ...]:
    """A name in an inflected form: its words under their nominatives and lemmas (ru, uk,
    de, es; every combination of the forms of up to three words), else the case endings of
    place_inflections; with ``respell`` (no capitalised word before it: "Олександр Камишін" is
    a person) a Ukrainian name in its Russian and Latin spellings."""
    words = surface.split()
    if lang in ("ru", "uk", "de", "es") and len(words) <= 3:
        per_word = [_word_forms(w, lang) for w in words]
        for combo in itertools.product(*per_word):
            cands = g.lookup(" ".join(combo))
            if cands:
                cands = tuple(c for c in cands if c.kind != "settlement" or c.population >= 1000)
                if cands:
                    return cands
    return _inflected(g, surface, lang) or (_respelled_lookup(g, surface) if lang == "uk" and respell else ())


# Ukrainian letters in the Russian and the Latin (national transliteration) spelling of a name:
# the gazetteer holds Russian and Latin names of most foreign towns, few Ukrainian ones
_UK_TO_RU = str.maketrans({"і": "и", "ї": "и", "є": "е", "ґ": "г", "'": "", "’": "", "ʼ": ""})
_UK_LATIN = {"а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ye", "ж": "zh",
             "з": "z", "и": "y", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n",
             "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
             "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "yu", "я": "ya", "'": "", "’": "", "ʼ": ""}
RESPELLED_MIN_POPULATION = 50_000


def _respelled_lookup(g: Gazetteer, surface: str) -> tuple[Entry, ...]:
    """A Ukrainian name of a foreign town ("Газіантеп", "Тріполі", "Антакія"): looked up in its
    Russian spelling, then in Latin letters with г as g (as a foreign name is written). Towns
    only when large (a word that is not a name rarely spells one), and areas."""
    words = surface.split()
    if not words or len(words) > 2 or not all(w[:1].isupper() for w in words):
        return ()
    forms = [w for w in dict.fromkeys([surface.lower(), *(" ".join(c) for c in itertools.product(
        *(_word_forms(w, "uk")[:3] for w in words)))])]
    for f in forms:
        latin = "".join(_UK_LATIN.get(ch, ch) for ch in f)
        for key in (f.translate(_UK_TO_RU), latin.replace("h", "g") if "kh" not in latin else latin, latin):
            cands = tuple(c for c in g.lookup(key) if c.kind in ("region", "country", "water")
                          or (c.kind == "settlement" and c.population >= RESPELLED_MIN_POPULATION))
            if cands:
                return cands
    return ()


def _area_of_town(g: Gazetteer, town: Entry) -> Entry | None:
    """The first-level division named after a town ("Kharkiv" -> Kharkivska oblast): of the
    town's country, whose name begins as the town's does; else the nearest one within
    200 km."""
    stem = norm(town.name)[:-1]
    states = [e for e in g.get(norm(town.name)) if e.gid.startswith("state:")]
    if len(stem) >= 4:
        for key in _state_keys(g, town.country):
            if key.startswith(stem) and key != norm(town.name):
                return g.state(*key_to_state(g, town.country, key))
    near = [(km((town.lat, town.lon), (s.lat, s.lon)), s) for s in _states_of(g, town.country)]
    near = [x for x in near if x[0] <= 200]
    if states:
        return states[0]
    return min(near, key=lambda x: x[0])[1] if near else None


def _states_of(g: Gazetteer, country: str | None) -> tuple[Entry, ...]:
    return g.states_of(country)   # the index keeps them per country


def _state_keys(g: Gazetteer, country: str | None) -> list[str]:
    return [norm(s.name) for s in _states_of(g, country)]


def key_to_state(g: Gazetteer, country: str | None, key: str) -> tuple[str, str]:
    for s in _states_of(g, country):
        if norm(s.name) == key:
            return s.gid[len("state:"):].split("-", 1)[0], s.gid[len("state:"):].split("-", 1)[1]
    raise KeyError(key)


# endings of adjectives made from town names, and what the town's name ends with instead
_ADJ_ENDINGS = {"ru": ("ский", "цкий", "ский", "ой", "ый", "ий"), "uk": ("ський", "цький", "ий", "ій")}


def _town_of_adjective(g: Gazetteer, lemma: str, lang: str) -> Entry | None:
    """The town an adjective is made from: "херсонський" -> Херсон, "харківський" ->
    Харків, "запорожский" -> Запорожье, "Odessaer" -> Odessa, "Lwiwer" -> Lwiw.
    The most populous match of at least 10,000 people."""
    lemma = lemma.lower()
    stems: list[str] = []
    if lang in ("ru", "uk"):
        for end in ("ий", "ый", "ій", "ой"):
            if lemma.endswith(end):
                s = lemma[:-len(end)]            # донецьк(ий), краматорськ(ий), харківськ(ий)
                stems.append(s)
                for suf in ("ськ", "ск"):
                    if s.endswith(suf):
                        b = s[:-len(suf)]        # харків(ськ), одес(ськ), сум(ськ)
                        stems += [b, b + "а", b + "и", b + "ь", b + "е", b + "я"]
                break
    elif lang == "de" and lemma.endswith("er") and len(lemma) > 5:
        stems += [lemma[:-2], lemma[:-3] if lemma.endswith("aer") else lemma[:-2] + "e"]
    best = None
    for s in stems:
        if len(s) < 3:
            continue
        for c in g.lookup(s):
            if c.kind == "settlement" and c.population >= 10_000 and (best is None or c.population > best.population):
                best = c
    return best


def _region_of_shchyna(g: Gazetteer, lemma: str) -> Entry | None:
    """A Ukrainian or Russian region named after its town with -щина ("Харківщина",
    "Полтавщина", "Луганщина"): the division named after that town."""
    lemma = lemma.lower()
    stems = []
    if lemma.endswith("ччина"):
        b = lemma[:-5]
        stems += [b + "цьк", b + "цк", b + "чі"]
    elif lemma.endswith("щина"):
        b = lemma[:-4]
        stems += [b, b + "ськ", b + "ск", b + "а", b + "и", b + "ів"]
    for s in stems:
        towns = [c for c in g.lookup(s) if c.kind == "settlement" and c.population >= 10_000]
        if towns:
            return _area_of_town(g, max(towns, key=lambda c: c.population))
    return None


def _nom_fem(word: str, lang: str) -> list[str]:
    """Feminine nominative forms of an adjective (for "<adj> область")."""
    out = []
    for p in morph_analyzer(lang).parse(fold_apostrophes(word)):
        if p.tag.POS == "ADJF":
            f = p.inflect({"nomn", "femn", "sing"})
            if f is not None:
                out.append(f.word)
    return list(dict.fromkeys(out))


def _adjective_mentions(ctx: DocContext, g: Gazetteer) -> list[_Mention]:
    """ru/uk: "Херсонской области" (the area), "Херсонської ОДА" (the area named by the
    adjective alone), "Запорізького вокзалу" (a facility at the town); de: "Odessaer
    Bahnhof". And ru/uk regions in -щина ("на Полтавщині")."""
    lang = ctx.language
    doc = ctx.doc
    out: list[_Mention] = []
    admin, body, facility = _lw("admin_noun", lang), _lw("admin_body", lang), _lw("facility", lang)
    for tok in ctx.tokens():
        if not tok.text[:1].isupper() or not tok.is_alpha or len(tok.text) < 4:
            continue
        ctx.check()
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if lang in ("ru", "uk"):
            lemmas = lemma_candidates(tok.text, lang)
            shch = next((lm for lm in lemmas if lm.endswith(("щина", "ччина"))), None)
            if shch:
                area = _region_of_shchyna(g, shch)
                if area is not None:
                    out.append(_Mention(start=tok.idx, end=tok.idx + len(tok.text), surface=tok.text, cands=(area,),
                                        kind_hint="region", labelled=True))
                continue
            adj = [p for p in _parses_of(tok.text, lang) if p.tag.POS == "ADJF"]
            if not adj or nxt is None:
                continue
            nxt_forms = _lemmas_of(nxt)
            nxt2 = doc[nxt.i + 1] if nxt.i + 1 < len(doc) else None
            two = {f"{a} {b}" for a in nxt_forms for b in (_lemmas_of(nxt2) if nxt2 is not None else ())}
            lemma = adj[0].normal_form
            if nxt_forms & admin:
                area = next((c for f in _nom_fem(tok.text, lang) for c in g.lookup(f"{f} {next(iter(nxt_forms & admin))}")
                             if c.kind == "region"), None)
                if area is None and (town := _town_of_adjective(g, lemma, lang)) is not None:
                    area = _area_of_town(g, town)
                if area is not None:
                    end = nxt.idx + len(nxt.text)
                    out.append(_Mention(start=tok.idx, end=end, surface=ctx.text[tok.idx:end], cands=(area,),
                                        kind_hint="region", labelled=True))
            elif nxt_forms & body or two & body or (nxt2 is not None and nxt.is_lower and _lemmas_of(nxt2) & body):
                town = _town_of_adjective(g, lemma, lang)
                area = _area_of_town(g, town) if town is not None else None
                if area is not None:
                    out.append(_Mention(start=tok.idx, end=tok.idx + len(tok.text), surface=tok.text, cands=(area,),
                                        kind_hint="region", labelled=True))
            elif nxt_forms & facility:
                town = _town_of_adjective(g, lemma, lang)
                if town is not None:
                    end = nxt.idx + len(nxt.text)
                    word = next(iter(nxt_forms & facility))
                    out.append(_Mention(start=tok.idx, end=end, surface=ctx.text[tok.idx:end], cands=(town,),
                                        kind_hint=FACILITY_WORDS.get(word, "facility"), facility=word, labelled=True))
        elif lang == "de" and nxt is not None and tok.text.endswith("er") and nxt.text[:1].isupper() \
                and _lemmas_of(nxt) & facility:
            town = _town_of_adjective(g, tok.text, lang)
            if town is not None:
                end = nxt.idx + len(nxt.text)
                word = next(iter(_lemmas_of(nxt) & facility))
                out.append(_Mention(start=tok.idx, end=end, surface=ctx.text[tok.idx:end], cands=(town,),
                                    kind_hint="facility", facility=word, labelled=True))
    return out


def _parses_of(word: str, lang: str):
    return morph_analyzer(lang).parse(fold_apostrophes(word))


_JOIN_DE = {"fr": ("de", "du", "d'", "d’", "des", "de la"), "es": ("de", "del", "de la")}


def _headed_mentions(ctx: DocContext, g: Gazetteer) -> list[_Mention]:
    """A lower-case word that opens a name, before a capitalised one: "заливе Сидра",
    "острові Зміїний", "lac Tchad", "golfe d'Aden", "río Atrato" (head_before words);
    the whole is looked up (the head under its nominatives and lemmas)."""
    lang = ctx.language
    heads = _lw("head_before", lang)
    if not heads:
        return []
    doc, out = ctx.doc, []
    for tok in ctx.tokens():
        if not tok.is_alpha or len(tok.text) < 3:
            continue
        forms = _lemmas_of(tok) | {tok.lower_}
        if not forms & heads:
            continue
        ctx.check()
        j = tok.i + 1
        joiners: list[str] = []
        while j < len(doc) and len(joiners) < 2 and doc[j].lower_ in ("de", "du", "d'", "d’", "des", "la", "del"):
            joiners.append(doc[j].text)
            j += 1
        if j >= len(doc) or not doc[j].text[:1].isupper():
            continue
        best = None
        for k in range(min(len(doc), j + 3), j, -1):
            if not all(t.text[:1].isupper() or t.text == "-" for t in doc[j:k]):
                continue
            name = ctx.text[doc[j].idx:doc[k - 1].idx + len(doc[k - 1].text)]
            name_forms = [name] if lang not in ("ru", "uk") else [name]
            for h in [f for f in forms if f in heads] + [f for f in forms if f not in heads]:
                for nf in name_forms:
                    joined = " ".join([h, *joiners, nf]).replace("’", "'").replace("' ", "'")
                    cands = g.lookup(joined)
                    if cands:
                        best = (k, cands)
                        break
                if best:
                    break
            if best:
                break
        if best:
            k, cands = best
            end = doc[k - 1].idx + len(doc[k - 1].text)
            out.append(_Mention(start=tok.idx, end=end, surface=ctx.text[tok.idx:end], cands=cands, labelled=True))
    return out


_ARTICLE_NAME = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|аль|ал|эль|ель)-", re.I)


def _facility_mentions(ctx: DocContext, g: Gazetteer) -> list[_Mention]:
    """A facility noun before a name ("l'hôpital Al-Nour", "Krankenhauses Nasser",
    "больнице Аль-Нур", "hospital Al Amal"): a facility of that name, at the place named if
    it is one, else located by the areas around it; a German compound ending in a facility
    noun ("Al-Nour-Krankenhaus") too."""
    lang = ctx.language
    facility = _lw("facility", lang)
    if not facility:
        return []
    doc, out = ctx.doc, []
    for tok in ctx.tokens():
        if not tok.is_alpha and "-" not in tok.text:
            continue
        if lang == "de" and "-" in tok.text and tok.text[:1].isupper():
            head, _, last = tok.text.rpartition("-")
            if head and _lemmas_of_word(last, lang) & facility and len(head) >= 3:
                ctx.check()
                word = next(iter(_lemmas_of_word(last, lang) & facility))
                places_ = tuple(c for c in g.lookup(head) if c.kind in ("settlement", "region"))
                out.append(_Mention(start=tok.idx, end=tok.idx + len(tok.text), surface=tok.text, cands=places_,
                                    unknown=not places_, kind_hint=FACILITY_WORDS.get(word, "facility"),
                                    facility=word, labelled=True))
            continue
        forms = _lemmas_of(tok)
        if not forms & facility:
            continue
        ctx.check()
        j = tok.i + 1
        if j >= len(doc) or not doc[j].text[:1].isupper() or doc[j].idx != tok.idx + len(tok.text) + 1:
            continue
        k = j
        while k < len(doc) and k - j < 4 and (doc[k].text[:1].isupper() or doc[k].text == "-") \
                and not (k > j and doc[k].is_sent_start):
            k += 1
        while k > j and doc[k - 1].text == "-":
            k -= 1
        run = doc[j:k]
        name = ctx.text[run[0].idx:run[-1].idx + len(run[-1].text)]
        cands = tuple(c for c in g.lookup(name) if c.kind in ("settlement", "region"))
        if any(c.population >= 100_000 or c.kind == "region" for c in cands) \
                or (not cands and _foreign_lookup(g, name, lang)):
            continue   # "вокзалу Херсона", "hôpital Mossoul": the place, named as such
        cands = ()     # a facility's own name that is also some village's: located by the text's areas
        if ctx.text[run[-1].idx + len(run[-1].text):run[-1].idx + len(run[-1].text) + 1] == ":":
            continue   # a caption's label ("Фото:")
        ent = run[0].ent_type_
        if run[0].is_sent_start or len(name) < 3:
            continue   # "Фото:" opening a caption
        if not cands:
            # a name of its own, not a place: in German a capitalised noun follows anything, so
            # the name must be one no dictionary knows ("Nour", "Al-Amal")
            if ent in ("PERSON",) and not _ARTICLE_NAME.match(name):
                continue
            if lang == "de" and not (_ARTICLE_NAME.match(name) or not _known_de(run[0].text)):
                continue
            if all(t.lower_ in _COMMON or t.is_stop for t in run):
                continue
        word = next(iter(forms & facility))
        end = run[-1].idx + len(run[-1].text)
        # ru/uk: the declined common noun ("больнице", "лікарні") stands in apposition to the
        # facility's own name, which is the name written ("больнице Аль-Нур" -> "Аль-Нур")
        start = run[0].idx if lang in ("ru", "uk") else tok.idx
        out.append(_Mention(start=start, end=end, surface=ctx.text[start:end], cands=cands, unknown=not cands,
                            kind_hint=FACILITY_WORDS.get(word, "facility"), facility=word, labelled=True))
    return out


_ECONOMIC_KINDS = ("market", "port")


def _people_named_facilities(ctx: DocContext) -> list[_Mention]:
    """Facilities named by a people's adjective ("the Turkish hospital", see ``_named_by_people``),
    in every language; located, as other names the gazetteer lacks, by the report's places."""
    lang = ctx.language or "en"
    facility = _people_named_words(lang)
    if not facility or not lexicon.table("demonyms", lang):
        return []
    inflected = lang in ("ru", "uk")   # where a token's one lemma does not say its case forms
    out = []
    for tok in ctx.doc:
        if not tok.is_alpha:
            continue
        forms = {tok.lower_, tok.lemma_.lower()}
        if inflected:
            forms |= _lemmas_of(tok)
        if not forms & facility:
            continue
        ctx.check()
        got = _named_by_people(ctx.doc, tok, lang)
        if got is not None:
            word = next(iter(forms & facility))
            out.append(_Mention(start=got[0], end=got[1], surface=ctx.text[got[0]:got[1]], cands=(), unknown=True,
                                kind_hint=FACILITY_WORDS.get(word, "facility"), facility=word, labelled=True))
    return out


@functools.lru_cache(maxsize=None)
def _people_named_words(lang: str) -> frozenset[str]:
    """Facility words a people's adjective names: buildings ("region" is no facility here),
    not the words whose people's adjective names an economy more often than a place ("the
    American market", "le port chinois")."""
    economic = {r.term.lower() for r in lexicon.rows("place_kinds", lang) if r.kind in _ECONOMIC_KINDS}
    return frozenset(r.term.lower() for r in lexicon.rows("place_words", lang)
                     if r.role == "facility" and r.kind == "facility" and r.term.lower() not in economic)


def _named_by_people(doc, tok: Token, lang: str) -> tuple[int, int] | None:
    """A facility named by the people who built or run it, with the definite article: "the
    Turkish hospital", "l'hôpital turc", "la maternité turque", "المستشفى التركي" (one
    hospital of a town, known by that name; "a French hospital" is any). The people's
    adjective after the noun (fr, es, ar) or before it (en, de, ru, uk); (start, end) of the
    name, without the article."""
    dem = lexicon.table("demonyms", lang)
    if not dem:
        return None

    def people(t: Token) -> bool:
        return t.is_alpha and any(f in dem and dem[f].form == "adj" for f in (t.lower_, *_lemmas_of(t)))

    definite = _lw("definite", lang)
    if lang == "ar":
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if tok.text.startswith("ال") and nxt is not None and nxt.text.startswith("ال") and people(nxt):
            return tok.idx, nxt.idx + len(nxt.text)
        return None
    if lang in ("fr", "es"):
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        before = doc[tok.i - 1] if tok.i > 0 else None
        if nxt is not None and people(nxt) and before is not None and before.lower_ in definite:
            return tok.idx, nxt.idx + len(nxt.text)
        return None
    if tok.i >= 2 and people(doc[tok.i - 1]) and doc[tok.i - 2].lower_ in definite:
        return doc[tok.i - 1].idx, tok.idx + len(tok.text)
    return None


def _lemmas_of_word(word: str, lang: str) -> frozenset[str]:
    return frozenset((word.lower(), *_word_forms(word, lang)))


@functools.lru_cache(maxsize=50_000)
def _known_de(word: str) -> bool:
    import simplemma

    try:
        return bool(simplemma.is_known(word, lang="de") or simplemma.is_known(simplemma.lemmatize(word, lang="de"),
                                                                              lang="de"))
    except Exception:  # noqa: BLE001
        return False


def _is_arabic(tok: Token) -> bool:
    return any("\u0620" <= c <= "\u064A" for c in tok.text) and tok.is_alpha


def _arabic_mentions(ctx: DocContext, g: Gazetteer) -> list[_Mention]:
    """Arabic: every run of up to four Arabic words is looked up, its first word with its
    proclitics taken off (و ف ب ل ك: "وبصلاح الدين" -> "صلاح الدين", the span starting
    after them). Countries, regions, waters and big towns stand alone; a town of fewer than
    100,000 people needs a cue before it (a preposition, "مدينة", "مناطق", a place just
    named and joined by و); common words (place_words common) never stand alone. "مستشفى
    X" is a facility at X; "محافظة X" the area named after the town X."""
    doc = ctx.doc
    common, facil = _lw("common", "ar"), _lw("facility", "ar")
    scue, rcue = _lw("settlement_cue", "ar"), _lw("region_cue", "ar")
    admin, preps = _lw("admin_before", "ar"), _lw("prep", "ar")
    never_alone = {norm(w) for w in common | facil | scue | rcue | admin | preps}
    out: list[_Mention] = []
    pending: list[tuple[int, int, list, bool]] = []   # cued words the gazetteer lacks: (start, end, layers, strong)
    i = 0
    last_end_tok = -2
    while i < len(doc):
        t = doc[i]
        if not _is_arabic(t):
            i += 1
            continue
        ctx.check()
        hit = None
        for n in range(min(4, len(doc) - i), 0, -1):
            toks = doc[i:i + n]
            if any(not _is_arabic(x) for x in toks) or any(x.is_sent_start for x in toks[1:]):
                continue
            rest = " ".join(x.text for x in toks[1:])
            for off, stem in arabic_proclitics(t.text, strip_article=False):
                if len(stem) < 3:
                    continue
                name = stem + (" " + rest if rest else "")
                if n == 1 and norm(stem) in never_alone:
                    continue
                cands = g.lookup(name)
                if cands:
                    hit = (n, off, stem, cands)
                    break
            if hit:
                break
        if hit is None:
            cue = _unknown_cue(doc, i, scue | rcue | admin, preps, last_end_tok, never_alone)
            if cue is not None:
                pending.append((t.idx, t.idx + len(t.text), cue[0], cue[1]))
                last_end_tok = i
            i += 1
            continue
        n, off, stem, cands = hit
        start = t.idx + off
        end = doc[i + n - 1].idx + len(doc[i + n - 1].text)
        prev = doc[i - 1] if i > 0 else None
        prev_stems = set(arabic_stems(prev.text, strip_article=False)) if prev is not None and _is_arabic(prev) else set()
        proclitic = t.text[:off]
        strong = any(c.kind in ("country", "region", "water", "route", "bloc") or c.gid.startswith("continent:")
                     for c in cands)
        big = any(c.kind == "settlement" and (c.population >= 100_000 or c.capital) for c in cands) \
            and (n > 1 or len(stem) > 3)
        cued = bool(prev_stems & (scue | rcue | preps | admin | facil)) or any(ch in proclitic for ch in "بل") \
            or (proclitic.startswith(("و", "ف")) and last_end_tok == i - 1)
        if not (strong or big or cued):
            i += 1
            continue
        if not strong:
            cands = tuple(c for c in cands if c.kind != "settlement" or c.population >= 1000 or cued) or cands
        if prev is not None and prev_stems & admin and not strong:
            # "محافظة الحديدة": the area named after the town
            out.append(_Mention(start=prev.idx, end=end, surface=ctx.text[prev.idx:end], cands=cands,
                                kind_hint="region", admin=True, labelled=True))
        elif prev is not None and prev_stems & facil and not any(c.kind == "country" for c in cands):
            word = next(iter(prev_stems & facil))
            out.append(_Mention(start=prev.idx, end=end, surface=ctx.text[prev.idx:end], cands=cands,
                                kind_hint="facility", facility=word, labelled=True))
        else:
            out.append(_Mention(start=start, end=end, surface=ctx.text[start:end], cands=cands, labelled=True,
                                kind_hint="settlement" if prev_stems & scue and not strong else None))
        last_end_tok = i + n - 1
        i += n
    return out + _skeleton_mentions(ctx, g, out, pending)


def _unknown_cue(doc, i: int, cues: frozenset[str], preps: frozenset[str], last_end_tok: int,
                 never_alone: set[str]) -> tuple[list[tuple[int, str]], bool] | None:
    """A word the gazetteer lacks in a place's position: after a cue noun ("مناطق X", "مدينة
    X"; strong), after a preposition (weak), or joined by و to such a word or a place just
    found ("مناطق X وY"). (its layers of proclitics, strong) or None."""
    t = doc[i]
    layers = [(off, stem) for off, stem in arabic_proclitics(t.text, strip_article=False) if len(stem) >= 3]
    if not layers or any(norm(stem) in never_alone for _, stem in layers) or t.like_num:
        return None
    off = layers[-1][0]
    prev = doc[i - 1] if i > 0 else None
    prev_stems = set(arabic_stems(prev.text, strip_article=False)) if prev is not None and _is_arabic(prev) else set()
    clitic = t.text[:off]
    if prev_stems & cues:
        return layers, True
    if t.text.startswith(("و", "ف")) and last_end_tok == i - 1:
        return layers, True
    if prev_stems & preps or any(ch in clitic for ch in "بل"):
        return layers, False
    return None


def _skeleton_mentions(ctx: DocContext, g: Gazetteer, found: list[_Mention],
                       pending: list[tuple[int, int, list, bool]]) -> list[_Mention]:
    """Arabic names the gazetteer has in Latin letters only ("زليتن" for Zliten): a cued word
    whose consonant skeleton is that of a town of at least 1,000 people within NEAR_KM of the
    text's other places (the whole skeleton; after a cue noun, the consonants alone will do
    where there are four)."""
    anchors = []   # the text's regions and big towns (each point of a name shared by a few)
    for m in found:
        big = [c for c in m.cands if c.country and (c.kind == "region" or c.kind == "settlement"
                                                    and (c.population >= 100_000 or c.capital))]
        if 0 < len({(round(c.lat, 1), round(c.lon, 1)) for c in big}) <= 3:
            anchors += [(c.lat, c.lon) for c in big]
    if not pending or not anchors:
        return []
    anchors = list(dict.fromkeys(anchors))
    pool = [(k, i) for k, i in g.names_near(anchors, NEAR_KM) if k.isascii()]
    out = []
    for start, end, layers, strong in pending:
        ctx.check()
        # the whole skeleton under each layer of proclitics, outermost first ("وكركوك" is و + a
        # name, not و + ك + "ركوك"); then the consonants alone, the proclitic taken off
        tries = [(off, stem, False) for off, stem in layers]
        if strong:
            tries += [(off, stem, True) for off, stem in (layers[1:] or layers)]
        for off, stem, bare_only in tries:
            sk = arabic_skeleton(stem)
            bare = sk.replace("w", "").replace("y", "")
            if len(sk) < 3 or bare_only and len(bare) < 4:
                continue
            best = None
            for k, i in pool:
                lk = latin_skeleton(k)
                if not (lk == sk if not bare_only else lk.replace("w", "").replace("y", "") == bare):
                    continue
                e = g.entry(i)
                if e.population < 1000 or min(km((e.lat, e.lon), a) for a in anchors) > NEAR_KM:
                    continue
                if best is None or e.population > best.population:
                    best = e
            if best is not None:
                out.append(_Mention(start=start + off, end=end, surface=ctx.text[start + off:end], cands=(best,),
                                    labelled=True, kind_hint="settlement"))
                break
    return out


def _foreign_mentions(ctx: DocContext, g: Gazetteer) -> list[_Mention]:
    """The mentions only other languages have (see the section's comment)."""
    lang = ctx.language
    out: list[_Mention] = []
    if lang == "ar":
        return _arabic_mentions(ctx, g)
    if lang in ("ru", "uk", "de"):
        out += _adjective_mentions(ctx, g)
    out += _headed_mentions(ctx, g)
    out += _facility_mentions(ctx, g)
    return out


def _between_parties(ctx: DocContext, m: _Mention) -> bool:
    """A country named as a party: "the war between X and Y", "le conflit entre X et le
    M23", "переговоры между X и Y" (place_words parties_noun and between rows): within a
    few words before it, a word for between, and right before that a word for a war, talks
    or relations. Read on the words, so in every language, parsed or not."""
    lang = ctx.language or "en"
    between, nouns = _lw("between", lang), _lw("parties_noun", lang)
    if not between or not nouns:
        return False
    span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    sent_start = span[0].sent.start if ctx.doc.has_annotation("SENT_START") else 0
    doc = ctx.doc
    for k in range(span.start - 1, max(sent_start, span.start - 7) - 1, -1):
        t = doc[k]
        if t.lower_ in between:
            # the noun of the war or talks: the word before "between", past an adjective or two
            # ("the long war between"), or a phrase that ends there ("alto el fuego entre")
            if any(({w.lower_} | _lemmas_of(w)) & nouns for w in doc[max(sent_start, k - 3):k]):
                return True
            lead = ctx.text[doc[max(sent_start, k - 4)].idx:t.idx].lower().rstrip()
            return any(lead.endswith(n) for n in nouns if " " in n)
        if t.is_punct and t.text not in ("-", "'", "’") or t.is_sent_start:
            return False
    return False


def _metonym_other(ctx: DocContext, m: _Mention, e: Entry) -> bool:
    """A country or capital standing for its state in another language. With a parse (fr,
    ru): the subject of a verb other than those a place itself does ("la Belgique condamne",
    "Израиль отрицает", and each of a list of subjects), the object of a verb of blame
    ("обвиняют Израиль"), a genitive of a body of the state ("Премьер Израиля"). Without
    one (de): the name followed by a verb of saying or acting ("Israel betonte"), or after
    a verb of blame ("warfen Israel vor")."""
    lang = ctx.language
    if _dateline(ctx.text, m) or (e.kind != "country" and not ctx.text[ctx.text.rfind("\n", 0, m.start) + 1:m.start].strip()):
        return False   # a capital opening a line: a dateline ("Niamey (Niger), 14 mai –")
    span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    acts, literal, blame = _lw("metonym_verb", lang), _lw("literal_verb", lang), _lw("blame_verb", lang)
    gov = _lw("government", lang)
    if ctx.doc.has_annotation("DEP"):
        tok = span.root
        if e.kind == "country" and tok.dep_.startswith("nmod") and (
                tok.head.lemma_.lower() in gov or tok.head.head.lemma_.lower() in gov):
            return True
        if e.kind == "country" and tok.dep_.startswith("nmod") and tok.head.dep_.startswith("nmod") \
                and tok.head.head.lemma_.lower() in _lw("named_body", lang):
            return True   # "Армия обороны X", "служба общей безопасности X": X inside a body's name
        while tok.dep_ == "conj" and tok.head is not tok:
            tok = tok.head
        verb = tok.head
        if tok.dep_ in ("obj", "iobj") and verb.lemma_.lower() in blame:
            return True
        if tok.dep_.startswith("nsubj") and verb.pos_ in ("VERB", "AUX"):
            if verb.pos_ == "AUX" or verb.lemma_.lower() in ("être", "avoir", "быть", "стать"):
                return False
            return verb.lemma_.lower() not in literal
        # a parse thrown by a quotation mark glued to the name ("«la Belgique condamne"): read
        # the words, as without a parse
    doc = ctx.doc
    after = doc[span.end] if span.end < len(doc) else None
    if after is not None and _lemmas_of(after) & acts and not after.text[:1].isupper():
        return True
    before = doc[max(0, span.start - 2):span.start]
    return any(_lemmas_of(t) & blame for t in before if not t.is_punct)


def _acronym_polity(surface: str) -> bool:
    """An area written as its initials in capitals ("ДНР", "ЛНР", "ПМР"): a (self-proclaimed)
    polity's authorities and forces, not the land (a land is written out in full)."""
    letters = re.sub(r"\W", "", surface)
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def strong_cands(cands) -> bool:
    return any(c.kind in ("region", "route", "water", "bloc") for c in cands)
