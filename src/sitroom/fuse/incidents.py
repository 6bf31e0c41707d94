"""Incidents across documents: mentions of the same happening merged, every one kept.

Two mentions are the same incident when they share the ACLED event type, their date
ranges overlap (a day of slack for time zones and "yesterday"), and they are in the same
place (within ``MAX_KM``, or the same area name when one is only located to an area).
Candidate pairs come from blocking on (event type, week) so that the cost grows with the
number of mentions, not its square; groups are closed with union-find.

Tolls follow UCDP: low and high are the smallest and largest whole-incident figures
reported across mentions, best is the latest figure from the most-corroborated sources
(here: the median of the highest figure each independent source gives), and the
reasoning (which source gave which number on which day) is kept as ``toll_trail``.
"""
from __future__ import annotations

import functools
import hashlib
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sitroom.extract import lexicon
from sitroom.models import EventMention

MAX_KM = 50.0
SLACK = timedelta(days=1)
# An incident reported only to an area (a region, a country) is the incident of a place
# inside it when that is the one such incident of its type and time (or the one most
# sources report, twice as many as the next). Regions have no boundaries here, so "inside"
# is the same country and within this distance of the area's centre: a first-level region's
# centre lies within some 250 km of its towns in most countries (larger provinces and
# federal states are the exception, and then the country check still holds).
REGION_KM = 300.0
_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}


@dataclass(kw_only=True)
class MentionRef:
    """A mention with the source it came from (and the source's independence group)."""

    mention: EventMention
    source_id: int
    article: str                      # external id or source id, for exports
    origin_group: str                 # sources republishing one story share a group
    published: date | None = None
    outlet: str | None = None


@dataclass(kw_only=True)
class TollReport:
    article: str
    outlet: str | None
    published: date | None
    killed: int | None
    injured: int | None
    sentence: str


@dataclass(kw_only=True)
class Incident:
    id: str
    event_type: str
    sub_event_type: str
    label: str
    date_start: date | None
    date_end: date | None
    date_precision: str
    place: str | None
    country: str | None
    lat: float | None
    lon: float | None
    geo_precision: str
    actors: list[str]
    killed_low: int | None = None
    killed_best: int | None = None
    killed_high: int | None = None
    injured_low: int | None = None
    injured_best: int | None = None
    injured_high: int | None = None
    mentions: list[MentionRef] = field(default_factory=list)
    toll_trail: list[TollReport] = field(default_factory=list)
    review: str | None = None          # "accepted by ana", "rejected by ...": see fuse/review.py

    @property
    def articles(self) -> list[str]:
        return sorted({m.article for m in self.mentions})

    @property
    def rejected(self) -> bool:
        return (self.review or "").startswith("rejected")

    @property
    def reviewed(self) -> bool:
        """Accepted, edited or split off by an analyst."""
        return (self.review or "").startswith(("accepted", "edited", "split"))

    @property
    def independent_sources(self) -> int:
        return len({m.origin_group for m in self.mentions if m.mention.stance != "denied"})


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


REMOTE, BATTLE, VAC = "Explosions/Remote violence", "Battles", "Violence against civilians"
STRAT, PROTEST, RIOT = "Strategic developments", "Protests", "Riots"


@functools.lru_cache(maxsize=4096)
def other_kind(word: str, lang: str = "en") -> str:
    """What a "Strategic developments / Other" trigger names: "blast" (an explosion of unknown
    cause, which may be a strike reported elsewhere), "flight" (a mass flight) or "siege"
    (a blockade, a siege, an encirclement), from event_triggers.tsv; inflected forms
    ("exploded", "blockading") are matched by their stem."""
    w = (word or "").lower().split()[-1] if (word or "").strip() else ""
    rows = lexicon.table("event_triggers", lang)
    best = ""
    for t, r in rows.items():
        if r.sub_event_type != "Other" and r.needs != "blast":
            continue
        if w == t or (w.startswith(t.rstrip("e")) and len(w) - len(t) <= 3 and len(t) >= 4):
            kind = r.needs if r.needs in ("blast", "flight") else "siege"
            if w == t:
                return kind
            best = best or kind
    return best


def blast_word(word: str, lang: str = "en") -> bool:
    """A word of the explosion family ("blast", "exploded"; event_triggers.tsv, needs "blast")."""
    return other_kind(word, lang) == "blast"


def compatible_types(a: EventMention, b: EventMention, a_blast: bool = False, b_blast: bool = False) -> bool:
    """Can two mentions name one happening? The same type with sub-types that can describe
    one happening (a strike called a missile attack by one side and an air strike by the
    other; a clash in which ground changed hands), an explosion of unknown cause and a
    strike or attack, an arrest and an abduction (typed by who detains), a protest and a
    riot. Other strategic developments must agree on the sub-type (a ceasefire is not an
    arrest)."""
    if a.event_type == b.event_type:
        if a.event_type == STRAT and a.sub_event_type == b.sub_event_type == "Other":
            return other_kind(a.trigger) == other_kind(b.trigger)   # a blockade is not a blast
        return a.event_type in (REMOTE, BATTLE) or a.sub_event_type == b.sub_event_type \
            or {a.sub_event_type, b.sub_event_type} <= {"Peaceful protest", "Protest with intervention",
                                                         "Excessive force against protesters"}
    pair = {a.event_type, b.event_type}
    if (a_blast and a.event_type == STRAT and b.event_type in (REMOTE, VAC)) or \
            (b_blast and b.event_type == STRAT and a.event_type in (REMOTE, VAC)):
        return True
    if pair == {STRAT, VAC} and {a.sub_event_type, b.sub_event_type} == {"Arrests", "Abduction/forced disappearance"}:
        return True
    return pair == {PROTEST, RIOT}


def same_incident(a: EventMention, b: EventMention, same_source: bool = False) -> bool:
    """Compatible types (one happening may be an "explosion" in one report and a "strike" in
    another), date ranges that overlap (a day of slack) and the same place (within
    ``MAX_KM``, or the same area name when one is only located to an area). Two mentions of
    one report were already told apart or joined by the extractor (its event frames give
    the mentions of one happening the same type, place and date): they are one incident
    only when those agree."""
    if same_source:
        return (a.event_type, a.sub_event_type, a.place) == (b.event_type, b.sub_event_type, b.place) and \
            compatible_types(a, b, blast_word(a.trigger), blast_word(b.trigger)) and _overlap(a, b, timedelta(0))
    if not compatible_types(a, b, blast_word(a.trigger), blast_word(b.trigger)):
        return False
    if not _overlap(a, b, SLACK):
        return False
    if a.place and b.place and (a.place == b.place or similar_names(a.place, b.place)):
        return True
    if a.lat is None or b.lat is None:
        return a.place is None and b.place is None
    # points (and facilities placed at their town) are compared by distance; an area, or a
    # place located by the area around it, matches the same name only (two unknown villages
    # share their region's centre)
    if a.geo_precision not in ("point", "near") or b.geo_precision not in ("point", "near"):
        return False
    if (a.geo_precision == "near") != (b.geo_precision == "near"):
        site, town = (a, b) if a.geo_precision == "near" else (b, a)
        if _broader(town, site):
            return False  # killings across a town over days and a killing at its hospital: part, not whole
    return km(a.lat, a.lon, b.lat, b.lon) <= MAX_KM


def _broader(town: EventMention, site: EventMention) -> bool:
    """The town-wide mention spans more days than the site's and contains them: an umbrella
    over the site's happening (its parent), not another report of it."""
    if not (town.date_start and town.date_end and site.date_start and site.date_end):
        return False
    return town.date_start <= site.date_start and site.date_end <= town.date_end and \
        (town.date_end - town.date_start) > (site.date_end - site.date_start)


@functools.lru_cache(maxsize=None)
def _name_words(lang: str = "en") -> tuple[frozenset[str], frozenset[str]]:
    heads = lexicon.terms("event_cues", lang, cue="place_head")
    fillers = lexicon.terms("event_cues", lang, cue="place_filler")
    return heads, fillers


@functools.lru_cache(maxsize=4096)
def name_tokens(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """(distinctive words, kind words) of a place name: "Al-Ahli Arab Hospital" ->
    ({"ahli", "arab"}, {"hospital"})."""
    import re
    import unicodedata
    heads, fillers = _name_words()
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = [w for w in re.split(r"[^\w]+", text) if w and not w.isdigit()]
    return (frozenset(w for w in words if w not in heads and w not in fillers and len(w) > 2),
            frozenset(w for w in words if w in heads))


def similar_names(a: str, b: str) -> bool:
    """One facility spelled two ways ("Bamako railway station", "Bamako train station";
    "Al-Noor General Hospital", "Noor hospital"): the same kind of place and a
    distinctive word in common. Settlements and areas must be named the same."""
    (da, ha), (db, hb) = name_tokens(a), name_tokens(b)
    return bool(ha and hb and ha & hb and da & db)


def _overlap(a: EventMention, b: EventMention, slack: timedelta) -> bool:
    if a.date_start and b.date_start and a.date_end and b.date_end:
        return not (a.date_start - slack > b.date_end or b.date_start - slack > a.date_end)
    return True


def _facility_words(m: EventMention) -> frozenset[str]:
    words, heads = name_tokens(m.place or "")
    return words if heads else frozenset()


def family(m: EventMention) -> str:
    """The blocking key of a mention's type: types that may name one happening share it."""
    if m.event_type in ("Protests", "Riots"):
        return "protest"
    if m.event_type == STRAT and m.sub_event_type != "Arrests" and not blast_word(m.trigger):
        return "strategic"
    return "violence"


def _weeks(m: EventMention) -> set[tuple[int, int]]:
    """ISO weeks touched by a mention's date range (with slack); long ranges: first weeks."""
    d, end = m.date_start - SLACK, (m.date_end or m.date_start) + SLACK
    weeks = set()
    while d <= end and len(weeks) < 8:
        weeks.add(d.isocalendar()[:2])
        d += timedelta(days=7)
    weeks.add(end.isocalendar()[:2])
    return weeks


def _cell(lat: float, lon: float) -> tuple[int, int]:
    # half a degree of latitude (55 km) by one of longitude: neighbours cover MAX_KM everywhere
    # but near the poles
    return int(math.floor(lat * 2)), int(math.floor(lon))


def merge(refs: list[MentionRef], *, asserted_only: bool = False) -> list[Incident]:
    """Group mentions into incidents (denials join the incident they deny). With
    ``asserted_only``, incidents that rest only on denials or unconfirmed reports are left out
    (what an event dataset codes).

    Blocking: a mention is compared only with earlier mentions of its type family (types
    that may name one happening), in a week its date range touches (an undated mention:
    any), either of the same place name or in a neighbouring grid cell.
    """
    parent = list(range(len(refs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index: dict[tuple, list[int]] = defaultdict(list)      # dated mentions, by week
    undated: dict[tuple, list[int]] = defaultdict(list)    # mentions without a date
    every: dict[tuple, list[int]] = defaultdict(list)      # all, for the undated to look in

    def keys(m: EventMention, w) -> list[tuple]:
        fam = family(m)
        out = [(fam, w, "name", m.place)] + [(fam, w, "word", t) for t in _facility_words(m)]
        if m.geo_precision in ("point", "near") and m.lat is not None:
            cy, cx = _cell(m.lat, m.lon)
            out += [(fam, w, "cell", (cy + dy, cx + dx)) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
        return out

    def own(m: EventMention, w) -> list[tuple]:
        k = [(family(m), w, "name", m.place)] + [(family(m), w, "word", t) for t in _facility_words(m)]
        if m.geo_precision in ("point", "near") and m.lat is not None:
            k.append((family(m), w, "cell", _cell(m.lat, m.lon)))
        return k

    def join(i: int, candidates) -> None:
        for j in candidates:
            if find(i) != find(j) and same_incident(refs[i].mention, refs[j].mention,
                                                    same_source=refs[i].source_id == refs[j].source_id):
                parent[find(i)] = find(j)

    for i, r in enumerate(refs):
        m = r.mention
        if m.date_start:
            for w in _weeks(m):
                for key in keys(m, w):
                    join(i, index.get(key, ()))
                for key in own(m, w):
                    index[key].append(i)
            for key in keys(m, None):
                join(i, undated.get(key, ()))
        else:
            for key in keys(m, None):
                join(i, every.get(key, ()))
            for key in own(m, None):
                undated[key].append(i)
        for key in own(m, None):
            every[key].append(i)
    _attach_areas(refs, find, parent)
    groups: dict[int, list[MentionRef]] = defaultdict(list)
    for i, r in enumerate(refs):
        groups[find(i)].append(r)
    incidents = [_incident(g) for g in groups.values()
                 if not asserted_only or any(r.mention.stance in ("asserted", "claimed") for r in g)]
    incidents.sort(key=lambda inc: (inc.date_start or date.min, inc.label))
    seen: set[str] = set()
    for inc in incidents:
        inc.id = stable_id(inc.mentions)
        while inc.id in seen:  # never two incidents with one id, whatever the reports
            inc.id += "x"
        seen.add(inc.id)
    return incidents


_AREA = ("region", "country")


def _inside(area: EventMention, x: EventMention) -> bool:
    if area.country and x.country and area.country != x.country:
        return False
    if area.geo_precision == "country" or area.lat is None:
        return area.lat is None or bool(area.country and area.country == x.country)
    return x.lat is not None and km(area.lat, area.lon, x.lat, x.lon) <= REGION_KM


def _attach_areas(refs: list[MentionRef], find, parent: list[int]) -> None:
    """Incidents located only to an area join the incident of a place inside it (see
    ``REGION_KM``): the one such incident, or the one most sources report."""
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(refs)):
        groups[find(i)].append(i)
    vague = [g for g in groups.values() if all(refs[i].mention.geo_precision in _AREA or refs[i].mention.place is None
                                                for i in g)]
    placed = [g for g in groups.values() if any(refs[i].mention.geo_precision in ("point", "near") for i in g)]
    by_key: dict[tuple, list[int]] = defaultdict(list)   # blocking: type family and week
    for k, g in enumerate(placed):
        for key in {(family(refs[i].mention), w) for i in g for w in (_weeks(refs[i].mention)
                                                                    if refs[i].mention.date_start else {None})}:
            by_key[key].append(k)
    for g in vague:
        keys = {(family(refs[i].mention), w) for i in g for w in (_weeks(refs[i].mention)
                                                                 if refs[i].mention.date_start else {None})}
        if any(refs[i].mention.date_start is None for i in g):
            keys |= {k for k in by_key if k[0] in {family(refs[i].mention) for i in g}}
        cands = {k for key in keys for k in by_key.get(key, ())}
        fits = []
        for k in cands:
            h = placed[k]
            if any(compatible_types(refs[i].mention, refs[j].mention, blast_word(refs[i].mention.trigger),
                                    blast_word(refs[j].mention.trigger))
                   and _overlap(refs[i].mention, refs[j].mention, SLACK)
                   and _inside(refs[i].mention, refs[j].mention)
                   and refs[i].source_id != refs[j].source_id or (refs[i].source_id == refs[j].source_id and False)
                   for i in g for j in h if refs[j].mention.geo_precision in ("point", "near")):
                fits.append((len({refs[j].origin_group for j in h}), k))
        if not fits:
            continue
        fits.sort(reverse=True)
        if len(fits) == 1 or fits[0][0] >= 2 * fits[1][0]:
            h = placed[fits[0][1]]
            parent[find(g[0])] = find(h[0])


def stable_id(group: list[MentionRef]) -> str:
    """An id that survives re-analysis and new sources: named after the mention of the
    earliest-archived source (sources are numbered as they arrive, so a later report that
    joins the incident does not rename it), its offset and place (one sentence can report
    the same happening in two places, "A and B")."""
    first = min(f"{r.source_id:012d}\x00{r.article}\x00{r.mention.start:09d}\x00{r.mention.place}" for r in group)
    return "i" + hashlib.sha1(first.encode()).hexdigest()[:10]


# ---------------------------------------------------------------- the interface incremental fusion uses
# (the store keeps incidents; a new source's mentions are attached one by one)

JOIN_THRESHOLD = 0.5


def attach_score(ref: MentionRef, members: list[MentionRef]) -> float:
    """How strongly a new mention belongs to an incident made of ``members`` (0..1; it
    joins at ``JOIN_THRESHOLD`` or above). The batch ``merge`` decides by the same evidence."""
    return 1.0 if any(same_incident(ref.mention, m.mention, same_source=ref.source_id == m.source_id)
                      for m in members) else 0.0


def summarise(group: list[MentionRef], incident_id: str = "") -> Incident:
    """An incident's fields (type, dates, place, actors, label, tolls) from its mentions."""
    inc = _incident(group)
    inc.id = incident_id or stable_id(group)
    return inc


def _incident(group: list[MentionRef]) -> Incident:
    ms = [r.mention for r in group]
    asserted = [m for m in ms if m.stance != "denied"] or ms
    # the most precise mention describes where and when
    # the most precise mentions say where and when (an area-wide report does not move a
    # town's incident to the area's centre)
    geo = {"point": 0, "near": 1, "admin": 2, "region": 3, "country": 4}
    lead = min(asserted, key=lambda m: (geo.get(m.geo_precision, 5), _PRECISION.get(m.date_precision, 3),
                                        m.sub_event_type == "Other"))
    when = min(asserted, key=lambda m: (_PRECISION.get(m.date_precision, 3), geo.get(m.geo_precision, 5),
                                        m.date_start is None))
    starts = [m.date_start for m in asserted if m.date_start]
    ends = [m.date_end for m in asserted if m.date_end]
    d0 = when.date_start or (min(starts) if starts else None)
    d1 = when.date_end or (max(ends) if ends else None)
    actors: list[str] = []
    for m in asserted:
        for a in filter(None, (x.strip() for x in m.actors.split(";"))):
            if a not in actors:
                actors.append(a)
    etype, sub = _type_of(asserted)
    label = lead.label if (lead.event_type, lead.sub_event_type) == (etype, sub) else \
        (f"{sub} in {lead.place}" if lead.place else sub)
    inc = Incident(id="", event_type=etype, sub_event_type=sub, label=label,
                   date_start=d0, date_end=d1, date_precision=when.date_precision, place=lead.place,
                   country=lead.country, lat=lead.lat, lon=lead.lon, geo_precision=lead.geo_precision,
                   actors=actors, mentions=group)
    _tolls(inc, group)
    return inc


def _type_of(ms: list[EventMention]) -> tuple[str, str]:
    """The type most mentions give (an explosion of unknown cause counts little against a
    strike), then the sub-type most of those give; ties go to the earliest mention."""
    votes: dict[tuple[str, str], float] = {}
    for m in ms:
        w = 0.3 if m.event_type == STRAT and blast_word(m.trigger) else 0.5 if m.sub_event_type == "Arrests" else 1.0
        votes[(m.event_type, m.sub_event_type)] = votes.get((m.event_type, m.sub_event_type), 0.0) + w
    types: dict[str, float] = {}
    for (t, _), w in votes.items():
        types[t] = types.get(t, 0.0) + w
    etype = max(types, key=lambda t: types[t])      # dicts keep the first-seen order for ties
    # a battle in which ground changed hands is typed by who took it
    sub = max((s for (t, s) in votes if t == etype),
              key=lambda s: (s in ("Government regains territory", "Non-state actor overtakes territory"),
                             votes[(etype, s)]))
    return etype, sub


def recompute_tolls(inc: Incident) -> None:
    """Tolls from the incident's current reports (after a merge or split by an analyst)."""
    inc.toll_trail = []
    for what in ("killed", "injured"):
        for k in ("low", "best", "high"):
            setattr(inc, f"{what}_{k}", None)
    _tolls(inc, inc.mentions)


def _tolls(inc: Incident, group: list[MentionRef]) -> None:
    for r in sorted(group, key=lambda r: (r.published or date.min, r.article)):
        m = r.mention
        if m.killed is not None or m.injured is not None:
            inc.toll_trail.append(TollReport(article=r.article, outlet=r.outlet, published=r.published,
                                             killed=m.killed, injured=m.injured, sentence=m.sentence))
    for what in ("killed", "injured"):
        values = [getattr(t, what) for t in inc.toll_trail if getattr(t, what) is not None]
        if not values:
            continue
        per_source: dict[str, int] = {}
        for r in group:
            v = getattr(r.mention, what)
            if v is not None:
                per_source[r.origin_group] = max(per_source.get(r.origin_group, 0), v)
        setattr(inc, f"{what}_low", min(values))
        setattr(inc, f"{what}_high", max(values))
        setattr(inc, f"{what}_best", int(statistics.median_high(per_source.values())))
