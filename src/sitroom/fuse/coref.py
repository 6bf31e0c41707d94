"""Event coreference: the evidence that two mentions name one happening, and the actors
they name.

Within one report the extractor groups mentions into event frames (``extract/events.py``:
trigger families, definite anaphora to the nearest compatible earlier mention, shared
place and date). Across reports, a pair of mentions is scored here from what they share;
``fuse/incidents.py`` clusters with this score (``merge``) and attaches new mentions with
it (``attach_score``), so that both decide by the same evidence:

- **type**: ``data/event_compatibility.tsv`` says which ACLED types and sub-types may name
  one happening and how much that says (an explosion of unknown cause and a strike on one
  site may; a ceasefire and a blast may not). Umbrella happenings (trigger families with
  ``umbrella`` yes in ``event_families.tsv``: an offensive, a siege, an exodus) never join
  concrete incidents: they are linked as parent and part instead.
- **date**: ranges that overlap (a day of slack); an undated mention is weak evidence.
- **place**: the same name or one facility spelled two ways, or named in two languages
  and alphabets (kinds of facility from ``lexicons/place_kinds.tsv``, name words compared
  by their ``skeleton``: "Al-Nour hospital", "hôpital Al-Nour", "больница Аль-Нур"); a
  facility inside a town (within ``FACILITY_KM``, or a facility and the bare name it is
  named after or called by); two named settlements are two places unless a few kilometres
  apart (two happenings on one day in one region stay apart); an area only by its name
  (area reports are attached later, see ``incidents._attach_areas``). Two reports that
  name no place at all may be one happening (0.6), but an incident no report locates is
  held together by its dates: every two of them within ``SLACK`` (``incidents.can_join``).
- **site**: the kind of place hit ("hospital", "church"): two different sites are two
  happenings, whatever else they share (a cannot-link kept for whole clusters).
- **actors**, **tolls** and the **words** of the describing sentences (content-word stems
  and names, Ochiai overlap) add to a pair that the rest leaves weak.

    score = type weight x place x date + bonus(site, actors, tolls, words), capped at 1

Actors (ACLED-style): the extractor names each party canonically from the report itself
(definitions "the Rapid Defence Corps (RDC)", "RDC, the ...", a demonym before a force noun
-> "Military Forces of <country>") and types it with ACLED's inter codes from
``lexicons/actor_types.tsv``. Aliases defined in one report ("RDC" for its long name)
hold for every report merged with it; a user's actors file (``SITROOM_ACTORS``: CSV with
name, aliases separated by ";", inter) adds aliases across languages. No table here
names a real group.
"""
from __future__ import annotations

import csv
import functools
import math
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sitroom.extract import lexicon
from sitroom.models import EventMention

DATA = Path(__file__).resolve().parent.parent / "data"

MAX_KM = 50.0            # points farther apart are never one happening
SAME_PLACE_KM = 5.0      # two settlement names this close: one place spelled or geocoded two ways
FACILITY_KM = 10.0       # a facility and the town around it
SLACK = timedelta(days=1)
UMBRELLA_DAYS = 3        # an offensive spanning fewer days is the battle itself

REMOTE, BATTLE, VAC = "Explosions/Remote violence", "Battles", "Violence against civilians"
STRAT, PROTEST, RIOT = "Strategic developments", "Protests", "Riots"
VIOLENT = (REMOTE, BATTLE, VAC)

INTER = {"1": "State forces", "2": "Rebel groups", "3": "Political militias", "4": "Identity militias",
         "5": "Rioters", "6": "Protesters", "7": "Civilians", "8": "External/Other forces"}


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


# ---------------------------------------------------------------- trigger families


@functools.lru_cache(maxsize=8)
def _families(lang: str) -> dict:
    return lexicon.table("event_families", lang)


@functools.lru_cache(maxsize=1)
def _languages(kind: str) -> tuple[str, ...]:
    """The languages a lexicon has rows for, English first."""
    langs = dict.fromkeys(r.lang for r in lexicon.rows(kind, None))
    return tuple(sorted(langs, key=lambda x: (x != "en", x)))


def _word_forms(w: str) -> list[str]:
    """A word and, in Arabic script, the word with its proclitics taken off."""
    if any("\u0600" <= c <= "\u06ff" for c in w):
        from sitroom.extract.nlp import arabic_stems
        return list(dict.fromkeys([w, *arabic_stems(w)]))
    return [w]


def _stem_match(w: str, t: str) -> bool:
    """An inflected form of a lexicon term: "shelled" of "shell", "обстреляли" of
    "обстрел"; three-letter terms only in a script without letter case ("قصفت" of "قصف")."""
    if " " in t or t.startswith("sub:"):
        return False
    if len(t) < 4:
        return len(t) == 3 and not t.isascii() and t.lower() == t.upper() and w.startswith(t) and len(w) - len(t) <= 2
    stem = t[:-1] if t.endswith("e") else t
    return w.startswith(stem) and len(w) - len(t) <= 3


@functools.lru_cache(maxsize=8192)
def family_of(trigger: str, lang: str = "en"):
    """The ``event_families.tsv`` row of a trigger: the longest term the trigger phrase holds
    ("drone strike" before "strike"), else a word's inflected form ("shelled", "exploded").
    A trigger of another language than ``lang`` (a mention carries its words, not its
    language) is looked up in every language's rows after ``lang``'s."""
    words = re.findall(r"[\w'-]+", (trigger or "").lower())
    langs = [lang] + [x for x in _languages("event_families") if x != lang]
    for L in langs:
        table = _families(L)
        if not table:
            continue
        for n in range(len(words), 0, -1):
            for i in range(len(words) - n + 1):
                for form in ([" ".join(words[i:i + n])] if n > 1 else _word_forms(words[i])):
                    row = table.get(form)
                    if row is not None:
                        return row
        for w in reversed(words):
            best = None
            for form in _word_forms(w):
                for t, row in table.items():
                    if _stem_match(form, t) and (best is None or len(t) > len(best[0])):
                        best = (t, row)
            if best:
                return best[1]
    return None


def family(trigger: str, lang: str = "en") -> str:
    row = family_of(trigger, lang)
    return row.family if row is not None else ""


def sub_noun(sub_event_type: str, lang: str = "en") -> str:
    row = (_families(lang) or _families("en")).get(f"sub:{sub_event_type}".lower())
    return row.noun if row is not None else sub_event_type


@functools.lru_cache(maxsize=4096)
def other_kind(word: str, lang: str = "en") -> str:
    """What a "Strategic developments / Other" trigger names: "blast" (an explosion of unknown
    cause, which may be a strike reported elsewhere), "flight" (a mass flight) or "siege"
    (a blockade, a siege, an encirclement), from event_triggers.tsv; inflected forms
    ("exploded", "blockading") are matched by their stem; a word of another language than
    ``lang`` by that language's rows."""
    w = (word or "").lower().split()[-1] if (word or "").strip() else ""
    for L in [lang] + [x for x in _languages("event_triggers") if x != lang]:
        best = ""
        for t, r in lexicon.table("event_triggers", L).items():
            if r.sub_event_type != "Other" and r.needs != "blast":
                continue
            kind = r.needs if r.needs in ("blast", "flight") else "siege"
            for form in _word_forms(w):
                if form == t:
                    return kind
                if " " not in t and (form.startswith(t.rstrip("e")) and len(form) - len(t) <= 3 and len(t) >= 4
                                     or _stem_match(form, t)):
                    best = best or kind
        if best:
            return best
    return ""


def blast_word(word: str, lang: str = "en") -> bool:
    """A word of the explosion family ("blast", "exploded"; event_triggers.tsv, needs "blast")."""
    return other_kind(word, lang) == "blast"


def umbrella(m: EventMention) -> bool:
    """A happening that holds others: an offensive, a campaign, a siege, a blockade, an
    exodus (its trigger's family is marked ``umbrella``)."""
    if m.event_type == STRAT and m.sub_event_type == "Other" and other_kind(m.trigger) in ("siege", "flight"):
        return True
    row = family_of(m.trigger)
    if row is None or row.umbrella != "yes":
        return False
    if m.event_type == STRAT:
        return True
    # an offensive or campaign reported over a day or two is its battle, not an umbrella
    return bool(m.date_start and m.date_end and (m.date_end - m.date_start).days >= UMBRELLA_DAYS)


def code(m: EventMention) -> tuple[str, str]:
    if m.event_type == STRAT and m.sub_event_type == "Other":
        kind = other_kind(m.trigger)
        return (STRAT, f"Other:{kind}" if kind else "Other")
    return (m.event_type, m.sub_event_type)


@functools.lru_cache(maxsize=1)
def _compat() -> dict[tuple[str, str, str, str], float]:
    out: dict[tuple[str, str, str, str], float] = {}
    with (DATA / "event_compatibility.tsv").open(encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    for row in csv.DictReader(lines, delimiter="\t"):
        w = float(row["weight"])
        out[(row["type_a"], row["sub_a"], row["type_b"], row["sub_b"])] = w
        out[(row["type_b"], row["sub_b"], row["type_a"], row["sub_a"])] = w
    return out


@functools.lru_cache(maxsize=4096)
def _code_weight(a: tuple[str, str], b: tuple[str, str]) -> float:
    if a == b:
        return 1.0
    table = _compat()
    best = 0.0
    for sa in (a[1], "*"):
        for sb in (b[1], "*"):
            best = max(best, table.get((a[0], sa, b[0], sb), 0.0))
    return best


def type_weight(a: EventMention, b: EventMention) -> float:
    """How far two mentions' types may name one happening (0: never)."""
    if umbrella(a) != umbrella(b):
        return 0.0
    return _code_weight(code(a), code(b))


# ---------------------------------------------------------------- places


@functools.lru_cache(maxsize=None)
def _name_words(lang: str = "en") -> tuple[frozenset[str], frozenset[str]]:
    heads = lexicon.terms("event_cues", lang, cue="place_head")
    fillers = lexicon.terms("event_cues", lang, cue="place_filler")
    return heads, fillers


@functools.lru_cache(maxsize=1)
def _place_kinds() -> dict[str, str]:
    """Facility words of every language (folded) -> their kind ("hôpital", "Krankenhaus",
    "больница" -> hospital; ``lexicons/place_kinds.tsv``), with the English place heads."""
    out = {fold(t): t for t in _name_words()[0]}
    for r in lexicon.rows("place_kinds", None):
        out.setdefault(fold(r.term), r.kind)
    return out


def _kind_of(word: str) -> str | None:
    """The kind a (folded) word of a place name names: the word itself or, in a script
    without letter case or in Cyrillic, an inflected form ("больнице", "лікарні")."""
    kinds = _place_kinds()
    if word in kinds:
        return kinds[word]
    if not word.isascii() and len(word) >= 5:
        for n in (1, 2):
            stem = word[:-n]
            for t, k in kinds.items():
                if len(t) >= 4 and not t.isascii() and " " not in t and (t.startswith(stem) or stem.startswith(t[:-1]))\
                        and abs(len(t) - len(word)) <= 2:
                    return k
    return None


@functools.lru_cache(maxsize=1)
def _latin() -> dict[str, str]:
    """Cyrillic letters in Latin letters (``lexicons/translit.tsv``, Russian then Ukrainian)."""
    out: dict[str, str] = {}
    for lang in ("ru", "uk"):
        for r in lexicon.rows("translit", lang):
            if r.at == "any" and len(r.term) == 1:
                out.setdefault(r.term, r.latin)
    return out


def skeleton(word: str) -> str:
    """A spelling-blind key of a name word, the same across transliterations and case
    endings: Cyrillic in Latin letters, "kh" as "h", then the first letter and the
    consonants after it, doubled letters once ("Rahma", "Рахма" -> "rhm"; "Тесловке",
    "Teslovka" -> "tslvk"; "Nour", "Noor" -> "nr")."""
    table = _latin()
    w = "".join(table.get(c, c) for c in fold(word))
    w = re.sub(r"[^\w]", "", w).replace("kh", "h")
    if not w:
        return ""
    out = w[0] + re.sub(r"[aeiouy]", "", w[1:])
    return re.sub(r"(.)\1+", r"\1", out)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@functools.lru_cache(maxsize=4096)
def name_tokens(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """(distinctive words, kinds) of a place name, in any language: "Al-Nour Teaching
    Hospital" -> ({"nr", "tchng"}, {"hospital"}); "hôpital Al-Nour" -> ({"nr"},
    {"hospital"}). Distinctive words are given as their ``skeleton``, so that one name
    written in two alphabets or two transliterations shares them."""
    heads, fillers = _name_words()
    words = [w for w in re.split(r"[^\w]+", fold(name)) if w and not w.isdigit()]
    kinds = {w: _kind_of(w) for w in words}
    table = _latin()
    latin = {w: re.sub(r"[^\w]", "", "".join(table.get(c, c) for c in w)) for w in words}   # "аль" -> "al"
    peoples = _peoples()
    # a people's adjective in the name is its country, in every language ("Turkish hospital",
    # "hôpital turc", "المستشفى التركي": one hospital)
    return (frozenset(f"@{peoples[w]}" if w in peoples else skeleton(w) for w in words
                      if not kinds[w] and w not in fillers and latin[w] not in fillers and len(latin[w]) > 2) - {""},
            frozenset(k for k in kinds.values() if k))


@functools.lru_cache(maxsize=1)
def _peoples() -> dict[str, str]:
    """People's adjectives of every language (folded) -> their country (``lexicons/demonyms.tsv``)."""
    return {fold(r.term): r.country for r in lexicon.rows("demonyms", None) if r.country and r.form == "adj"}


def similar_names(a: str, b: str) -> bool:
    """One facility spelled two ways ("Bamako railway station", "Bamako train station";
    "Al-Noor General Hospital", "Noor hospital"; "hôpital Al-Noor"): the same kind of place
    and a distinctive word in common. Settlements and areas must be named the same."""
    (da, ha), (db, hb) = name_tokens(a), name_tokens(b)
    return bool(ha and hb and ha & hb and da & db)


def named_within(a: str, b: str) -> bool:
    """A facility and a bare name it is called by ("Mirna hospital", "Mirna"; "gare de
    Lomé", "Lomé"): every distinctive word of the bare name is the facility's (a facility
    named after its town, or one called by its name alone). Never two facilities."""
    (da, ha), (db, hb) = name_tokens(a), name_tokens(b)
    if bool(ha) == bool(hb):
        return False
    bare = db if ha else da
    full = da if ha else db
    return bool(bare) and any(len(w) >= 3 for w in bare) and bare <= full


def facility(m: EventMention) -> bool:
    return bool(m.place and name_tokens(m.place)[1])


def broader(town: EventMention, site: EventMention) -> bool:
    """The town-wide mention spans more days than the site's and contains them: an umbrella
    over the site's happening (its parent), not another report of it."""
    if not (town.date_start and town.date_end and site.date_start and site.date_end):
        return False
    return town.date_start <= site.date_start and site.date_end <= town.date_end and \
        (town.date_end - town.date_start) > (site.date_end - site.date_start)


def _spelled_apart(a: EventMention, b: EventMention) -> bool:
    """Names tie a facility to its bare name unless both are located and far apart (a
    "Mirna hospital" in another country than the town of Mirna)."""
    if a.country and b.country and a.country != b.country and a.geo_precision in ("point", "near") \
            and b.geo_precision in ("point", "near"):
        return False
    if a.lat is None or b.lat is None or a.geo_precision not in ("point", "near") \
            or b.geo_precision not in ("point", "near"):
        return True
    return km(a.lat, a.lon, b.lat, b.lon) <= MAX_KM


def place_score(a: EventMention, b: EventMention) -> float | None:
    """1 the same place; less for a facility in its town or two spellings of one place;
    None: two places."""
    if a.place and b.place and (a.place == b.place or similar_names(a.place, b.place)):
        return 1.0
    if a.place and b.place and named_within(a.place, b.place) and _spelled_apart(a, b):
        site, town = (a, b) if name_tokens(a.place)[1] else (b, a)
        return None if broader(town, site) and not getattr(town, "site", None) else 0.7
    if a.lat is None or b.lat is None:
        return 0.6 if a.place is None and b.place is None else None
    # an area, or a place located by the area around it, matches the same name only
    if a.geo_precision not in ("point", "near") or b.geo_precision not in ("point", "near"):
        return None
    if (a.geo_precision == "near") != (b.geo_precision == "near"):
        site, town = (a, b) if a.geo_precision == "near" else (b, a)
        if broader(town, site) and not getattr(town, "site", None):
            return None   # killings across a town over days and a killing at its hospital: part, not whole
    d = km(a.lat, a.lon, b.lat, b.lon)
    fa, fb = facility(a), facility(b)
    if fa and fb:
        if not (name_tokens(a.place)[1] & name_tokens(b.place)[1]):
            return None   # a church and a hospital
        return 0.7 if d <= 2.0 else None
    if fa or fb:
        return 0.7 if d <= FACILITY_KM else None
    if d <= SAME_PLACE_KM:
        return 0.8
    return 0.3 if d <= MAX_KM else None


# ---------------------------------------------------------------- dates


def date_score(a: EventMention, b: EventMention) -> float | None:
    if not (a.date_start and b.date_start and a.date_end and b.date_end):
        return 0.75
    if a.date_start > b.date_end or b.date_start > a.date_end:
        if a.date_start - SLACK > b.date_end or b.date_start - SLACK > a.date_end:
            return None
        return 0.7
    wide = max((a.date_end - a.date_start).days, (b.date_end - b.date_start).days)
    return 1.0 if wide <= 2 else 0.9


Bounds = tuple  # (latest start, earliest end) of a group's dated mentions, or (None, None)


def bounds(ms) -> Bounds:
    """(latest start, earliest end) of the dated mentions among ``ms``: a group whose every
    two mentions overlap (with ``SLACK``) has latest start - SLACK <= earliest end."""
    dated = [m for m in ms if m.date_start and m.date_end]
    starts = [m.date_start for m in dated]
    ends = [m.date_end for m in dated]
    return (max(starts), min(ends)) if starts else (None, None)


def join_bounds(a: Bounds, b: Bounds) -> Bounds:
    if a[0] is None:
        return b
    if b[0] is None:
        return a
    return max(a[0], b[0]), min(a[1], b[1])


def coherent(b: Bounds) -> bool:
    """Every two dated mentions of a group overlap, with a day of slack (complete link)."""
    return b[0] is None or b[0] - SLACK <= b[1]


def overlap(a: EventMention, b: EventMention, slack: timedelta = SLACK) -> bool:
    if a.date_start and b.date_start and a.date_end and b.date_end:
        return not (a.date_start - slack > b.date_end or b.date_start - slack > a.date_end)
    return True


# ---------------------------------------------------------------- sites


_GENERIC_SITES = frozenset({"city", "town", "village", "home", "homes", "house", "houses", "neighbourhood",
                            "neighborhood", "residential", "positions", "position", "military", "area"})


def site_of(m: EventMention) -> str | None:
    """The kind of place hit ("hospital", "church"), from the mention's target, else from
    its facility's name."""
    s = getattr(m, "site", None)
    if s:
        s = s.lower()
        return None if s in _GENERIC_SITES else s.rstrip("s") if s.endswith("s") and len(s) > 4 else s
    if facility(m):
        heads = name_tokens(m.place)[1]
        return sorted(heads)[0] if heads else None
    return None


# ---------------------------------------------------------------- actors


def actor_key(name: str) -> str:
    text = fold(name)
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip())
    return re.sub(r"[^\w]+", " ", text).strip()


@functools.lru_cache(maxsize=4)
def _user_actors(path: str) -> tuple[dict[str, str], dict[str, str]]:
    """A user's actors file: CSV with columns name, aliases (;-separated), inter."""
    aliases: dict[str, str] = {}
    inter: dict[str, str] = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), 2):
            name = (row.get("name") or "").strip()
            if not name:
                raise ValueError(f"{path} line {n}: needs a name")
            for a in [name, *(row.get("aliases") or "").split(";")]:
                if a.strip():
                    aliases[actor_key(a)] = name
            if (row.get("inter") or "").strip():
                inter[name] = row["inter"].strip()
    return aliases, inter


def user_actors() -> tuple[dict[str, str], dict[str, str]]:
    path = os.environ.get("SITROOM_ACTORS")
    return _user_actors(path) if path else ({}, {})


@dataclass
class Aliases:
    """Alias -> canonical name, from the definitions of every report in a batch and the
    user's actors file: "RDC" and "Rapid Defence Corps" are one actor wherever either is
    written."""

    names: dict[str, str] = field(default_factory=dict)     # actor_key -> canonical
    inter: dict[str, str] = field(default_factory=dict)     # canonical -> inter code

    @classmethod
    def of(cls, mentions) -> Aliases:
        votes: dict[str, Counter] = {}
        for m in mentions:
            for pair in filter(None, (getattr(m, "actor_aliases", "") or "").split("|")):
                short, _, long = pair.partition("=")
                if short and long:
                    votes.setdefault(actor_key(short), Counter())[long.strip()] += 1
        out = cls()
        for k, c in votes.items():
            long = c.most_common(1)[0][0]
            out.names[k] = long
            out.names.setdefault(actor_key(long), long)
        users, inter = user_actors()
        out.names.update(users)
        out.inter.update(inter)
        return out

    def canonical(self, name: str) -> str:
        k = actor_key(name)
        if k in self.names:
            return self.names[k]
        head, _, rest = k.partition(" ")
        if rest and head in self.names and rest in lexicon.table("actor_types"):
            return self.names[head]   # "RDC fighters" where a report spelled out RDC
        return name.strip()


def actors_of(m: EventMention) -> list[tuple[str, str]]:
    """(name, inter code) of a mention's actors, in its order (perpetrator first)."""
    names = [a.strip() for a in (m.actors or "").split(";") if a.strip()]
    codes = [c.strip() for c in (getattr(m, "actor_types", "") or "").split(";")]
    return [(n, codes[i] if i < len(codes) else "") for i, n in enumerate(names)]


def parties(m: EventMention, aliases: Aliases) -> frozenset[str]:
    """The canonical names of a mention's armed parties (civilians and protesters left out:
    they say little about which happening it is)."""
    return frozenset(aliases.canonical(n) for n, c in actors_of(m) if c not in ("6", "7"))


# ---------------------------------------------------------------- words


@functools.lru_cache(maxsize=8)
def _stop(lang: str) -> frozenset[str]:
    try:
        import importlib
        mod = importlib.import_module(f"spacy.lang.{lang}.stop_words")
        return frozenset(mod.STOP_WORDS)
    except Exception:  # a language spaCy has no list for
        return frozenset()


@functools.lru_cache(maxsize=16384)
def words(sentence: str) -> frozenset[str]:
    """Content-word stems of a describing sentence (the first five letters of each word,
    lower-cased, accents folded, stop words and numbers left out): names and nouns, which
    carry across reports and, for names, across many languages."""
    stop = _stop("en")
    out = set()
    for w in re.findall(r"\w+", fold(sentence)):
        if len(w) < 3 or w.isdigit() or w in stop:
            continue
        out.add(w[:5])
    return frozenset(out)


def similarity(a: EventMention, b: EventMention) -> float:
    wa, wb = words(a.sentence or ""), words(b.sentence or "")
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / math.sqrt(len(wa) * len(wb))


# ---------------------------------------------------------------- the pair score


def score(a: EventMention, b: EventMention, aliases: Aliases | None = None) -> float:
    """How strongly two mentions of different reports name one happening (0..1)."""
    t = type_weight(a, b)
    if t <= 0:
        return 0.0
    sa, sb = site_of(a), site_of(b)
    if sa and sb and sa != sb:
        return 0.0
    p = place_score(a, b)
    if p is None:
        return 0.0
    d = date_score(a, b)
    if d is None:
        return 0.0
    bonus = 0.0
    if sa and sa == sb:
        bonus += 0.1
    al = aliases or Aliases()
    if parties(a, al) & parties(b, al):
        bonus += 0.1
    if a.killed is not None and a.killed == b.killed and a.killed > 0:
        bonus += 0.1
    bonus += 0.15 * min(1.0, max(0.0, (similarity(a, b) - 0.1) / 0.3))
    return min(1.0, t * p * d + bonus)


def sites_conflict(x: set[str], y: set[str]) -> bool:
    """Two groups of mentions whose sites differ are two happenings (a cannot-link)."""
    return bool(x and y and x.isdisjoint(y))


def mention_sites(m: EventMention) -> set[str]:
    s = site_of(m)
    return {s} if s else set()


def within(inner_start: date | None, inner_end: date | None, outer_start: date | None,
           outer_end: date | None) -> bool:
    if not (inner_start and outer_start):
        return False
    return outer_start - SLACK <= inner_start and (inner_end or inner_start) <= (outer_end or outer_start) + SLACK


# ---------------------------------------------------------------- labels

# which families may name an incident of each ACLED type (a label never says "massacre"
# of a shelling the reports agree on)
_FAMILY_TYPES = {
    "explosion": (REMOTE, STRAT), "shelling": (REMOTE,), "missile": (REMOTE,), "strike": (REMOTE,),
    "bombing": (REMOTE,), "attack": (REMOTE, BATTLE, VAC, RIOT), "killing": (VAC, BATTLE, PROTEST),
    "shooting": (VAC, BATTLE, PROTEST), "clash": (BATTLE,), "capture": (BATTLE, STRAT), "offensive": (BATTLE,),
    "siege": (STRAT,), "flight": (STRAT,), "protest": (PROTEST,), "riot": (RIOT,), "agreement": (STRAT,),
    "arrest": (STRAT,), "abduction": (VAC,), "sexual": (VAC,), "looting": (STRAT,), "change": (STRAT,),
    "disrupted": (STRAT,)}
_GENERIC_FAMILIES = {"attack", "incident", "strike"}
# families whose noun must match the sub-type (a capture is not a recapture)
_SUB_FAMILIES = {"Government regains territory": "capture", "Non-state actor overtakes territory": "capture",
                 "Armed clash": "clash", "Abduction/forced disappearance": "abduction", "Arrests": "arrest",
                 "Sexual violence": "sexual", "Looting/property destruction": "looting", "Agreement": "agreement"}


def label_noun(event_type: str, sub: str, triggers: list[str], lang: str = "en") -> tuple[str, str]:
    """(noun, preposition before a target) for a label: the most specific noun the triggers
    give that fits the type ("Missile strike" over "Strike"), else the sub-type's noun."""
    votes: Counter = Counter()
    rows = {}
    want = _SUB_FAMILIES.get(sub)
    for t in triggers:
        row = family_of(t, lang)
        if row is None or row.term.startswith("sub:") or event_type not in _FAMILY_TYPES.get(row.family, ()):
            continue
        if want and row.family != want:
            continue
        if sub == "Government regains territory" and row.noun == "Capture":
            continue
        rows[row.noun] = row
        votes[row.noun] += 1 + (2 if row.family not in _GENERIC_FAMILIES else 0) + (1 if " " in row.noun else 0)
    if votes:
        noun = max(votes, key=lambda n: (votes[n], len(n)))
        return noun, rows[noun].prep
    row = (_families(lang) or _families("en")).get(f"sub:{sub}".lower())
    if row is None:
        return sub, ""
    return row.noun, row.prep


def place_prep(noun: str, lang: str = "en") -> str:
    """"from" for a flight ("Exodus from <town>"), else "" (in / near / at)."""
    row = family_of(noun, lang)
    return "from" if row is not None and row.family == "flight" else ""


MAX_LABEL = 80


def compose_label(noun: str, prep: str, target: str | None, place: str | None, precision: str,
                  facility: bool = False) -> str:
    """"Drone strike on a fuel convoy near <town>", "Shelling of a school in <town>": at most
    ``MAX_LABEL`` characters (the target goes first, then the place is shortened)."""
    head = noun[:1].upper() + noun[1:]
    where = ""
    if place:
        pp = place_prep(noun)
        where = (f" {pp} " if pp else " at " if facility else " near " if precision == "near" else " in ") + place
    else:
        where = " (place unknown)"
    tgt = f" {prep} {target}" if target and prep else ""
    text = head + tgt + where
    if len(text) > MAX_LABEL:
        text = head + where
    if len(text) > MAX_LABEL:
        text = text[:MAX_LABEL - 1].rstrip() + "…"
    return text
