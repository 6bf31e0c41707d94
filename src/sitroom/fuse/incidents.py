"""Incidents across documents: mentions of the same happening merged, every one kept.

Two mentions of different reports are one incident when the evidence of ``fuse/coref.py``
says so (``coref.score`` at ``JOIN_THRESHOLD`` or above: compatible types, overlapping
dates, one place or a facility inside its town, no two different sites, with shared
actors, tolls and words to carry a weak pair); two mentions of one report were told apart
or joined by the extractor's event frames. Candidate pairs come from blocking on (type
family, week, place name or grid cell), so the cost grows with the number of mentions,
not its square; groups are closed with union-find, and two groups whose sites differ (a
church and a hospital) are never joined, nor two unlocated groups whose dates lie more
than a day apart (complete link on dates where no place ties reports together: daily
reports of shelling "somewhere" would otherwise chain into one incident; ``can_join``).
``attach_score`` scores a new mention against a stored incident's mentions with the same
evidence (incremental fusion), and ``area_fit`` places an area-wide report in the store as
``merge`` does in a batch.

Umbrella happenings (a siege, an offensive, a campaign, an exodus) are incidents of their
own and never merge with the incidents inside them: an incident within an umbrella's span
and place is linked to it as a part (``Incident.parent_id``, ``Incident.parts``).

Tolls follow UCDP: low and high are the smallest and largest whole-incident figures
reported across mentions; best is the latest figure of a toll that rises over time (a
series, 9 -> 23 -> 41, is not a contradiction), else the median of the highest figure
each independent source gives; the reasoning (which source gave which number, as of
which day, on whose word) is kept as ``toll_trail``. Two different numbers for the same
day from independent sources are a contradiction (``toll_contested``).
"""
from __future__ import annotations

import hashlib
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sitroom.fuse import coref
from sitroom.fuse.coref import (  # noqa: F401 - the names the extractor and tests use
    MAX_KM, SLACK, blast_word, km, name_tokens, other_kind, similar_names,
)
from sitroom.models import EventMention

# An incident reported only to an area (a region, a country) is the incident of a place
# inside it when that is the one such incident of its type and time (or the one most
# sources report, twice as many as the next). Regions have no boundaries here, so "inside"
# is the same country and within this distance of the area's centre: a first-level region's
# centre lies within some 250 km of its towns in most countries (larger provinces and
# federal states are the exception, and then the country check still holds).
REGION_KM = 300.0
PART_KM = 25.0           # an incident this close to a town's umbrella (its siege) is inside it
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
    as_of: date | None = None          # the day the count refers to
    attributed_to: str | None = None   # who gives the number (None: the outlet)


@dataclass(kw_only=True)
class Incident:
    id: str
    event_type: str
    sub_event_type: str
    label: str
    date_start: date | None
    date_end: date | None
    date_precision: str               # day | week | month | year | unknown (no report dates it)
    place: str | None
    country: str | None
    lat: float | None
    lon: float | None
    geo_precision: str
    actors: list[str]                  # canonical names, perpetrator first
    killed_low: int | None = None
    killed_best: int | None = None
    killed_high: int | None = None
    injured_low: int | None = None
    injured_best: int | None = None
    injured_high: int | None = None
    mentions: list[MentionRef] = field(default_factory=list)
    toll_trail: list[TollReport] = field(default_factory=list)
    review: str | None = None          # "accepted by ana", "rejected by ...": see fuse/review.py
    actor_types: dict[str, str] = field(default_factory=dict)   # actor -> ACLED inter code
    umbrella: str = ""                 # "siege", "offensive", "flight": a happening that holds others
    parent_id: str | None = None       # the umbrella incident this one is part of
    parts: list[str] = field(default_factory=list)   # an umbrella's parts
    confidence: float = 1.0            # the weakest join that made the incident (1: one report)
    toll_series: bool = False          # the killed toll rose over time (one series, not a contradiction)
    toll_contested: bool = False       # independent sources give different tolls for one day

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

    @property
    def date_known(self) -> bool:
        return self.date_start is not None


REMOTE, BATTLE, VAC = coref.REMOTE, coref.BATTLE, coref.VAC
STRAT, PROTEST, RIOT = coref.STRAT, coref.PROTEST, coref.RIOT


def compatible_types(a: EventMention, b: EventMention, a_blast: bool = False, b_blast: bool = False) -> bool:
    """Can two mentions of one report name one happening (the extractor's event frames)?
    The same type with sub-types that can describe one happening (a strike called a
    missile attack by one side and an air strike by the other; a clash in which ground
    changed hands), an explosion of unknown cause and a strike or attack, an arrest and an
    abduction (typed by who detains), a protest and a riot. Other strategic developments
    must agree on the sub-type (a ceasefire is not an arrest)."""
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


def _same_frame(a: EventMention, b: EventMention) -> bool:
    """Two mentions of one report: one happening only when the extractor's frames gave them
    the same type, place and date."""
    return (a.event_type, a.sub_event_type, a.place) == (b.event_type, b.sub_event_type, b.place) and \
        compatible_types(a, b, blast_word(a.trigger), blast_word(b.trigger)) and coref.overlap(a, b, timedelta(0)) \
        and coref.umbrella(a) == coref.umbrella(b)


def pair_score(a: MentionRef, b: MentionRef, aliases: coref.Aliases | None = None) -> float:
    """The evidence that two mentions name one happening (0..1)."""
    if a.source_id == b.source_id:
        return 1.0 if _same_frame(a.mention, b.mention) else 0.0
    return coref.score(a.mention, b.mention, aliases)


def same_incident(a: EventMention, b: EventMention, same_source: bool = False) -> bool:
    """Do two mentions name one happening (see ``pair_score``)?"""
    if same_source:
        return _same_frame(a, b)
    return coref.score(a, b) >= JOIN_THRESHOLD


def family(m: EventMention) -> str:
    """The blocking key of a mention's type: types that may name one happening share it."""
    if coref.umbrella(m):
        return "umbrella"
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


def _facility_words(m: EventMention) -> frozenset[str]:
    """The distinctive words of a mention's place name (their skeletons): a facility spelled
    two ways, or named in two languages, and a facility and the town it is named after share
    them."""
    return name_tokens(m.place or "")[0]


JOIN_THRESHOLD = 0.6


def merge(refs: list[MentionRef], *, asserted_only: bool = False) -> list[Incident]:
    """Group mentions into incidents (denials join the incident they deny). With
    ``asserted_only``, incidents that rest only on denials or unconfirmed reports are left out
    (what an event dataset codes).

    Blocking: a mention is compared only with earlier mentions of its type family (types
    that may name one happening), in a week its date range touches (an undated mention:
    any), either of the same place name or in a neighbouring grid cell.
    """
    aliases = coref.Aliases.of(r.mention for r in refs)
    parent = list(range(len(refs)))
    sites: dict[int, set[str]] = {i: coref.mention_sites(r.mention) for i, r in enumerate(refs)}
    # unlocated groups: their date bounds (complete link on dates, see ``can_join``)
    spans: dict[int, coref.Bounds] = {i: coref.bounds([r.mention]) for i, r in enumerate(refs)
                                      if r.mention.place is None}
    # groups holding strikes dated to a day: those days' bounds (see ``strike_days``)
    days: dict[int, frozenset[date]] = {i: d for i, r in enumerate(refs) if (d := strike_days([r.mention]))}
    weakest: dict[int, float] = {}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int, s: float) -> None:
        ri, rj = find(i), find(j)
        if ri == rj:
            return
        parent[ri] = rj
        sites[rj] = sites.get(rj, set()) | sites.pop(ri, set())
        si, sj = spans.pop(ri, None), spans.pop(rj, None)
        if si is not None and sj is not None:
            spans[rj] = coref.join_bounds(si, sj)
        di, dj = days.pop(ri, frozenset()), days.pop(rj, frozenset())
        if di or dj:
            days[rj] = di | dj
        weakest[rj] = min(weakest.pop(ri, 1.0), weakest.get(rj, 1.0), s)

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
        seen: set[int] = set()
        for j in candidates:
            if j in seen:
                continue
            seen.add(j)
            ri, rj = find(i), find(j)
            if ri == rj or coref.sites_conflict(sites.get(ri, set()), sites.get(rj, set())):
                continue
            if ri in spans and rj in spans and not coref.coherent(coref.join_bounds(spans[ri], spans[rj])):
                continue
            if not days_meet(days.get(ri, frozenset()), days.get(rj, frozenset())):
                continue
            s = pair_score(refs[i], refs[j], aliases)
            if s >= JOIN_THRESHOLD:
                union(i, j, s)

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
    _attach_areas(refs, find, union)
    groups: dict[int, list[MentionRef]] = defaultdict(list)
    for i, r in enumerate(refs):
        groups[find(i)].append(r)
    incidents = []
    for root, g in groups.items():
        if asserted_only and not any(r.mention.stance in ("asserted", "claimed") for r in g):
            continue
        inc = _incident(g, aliases)
        inc.confidence = round(weakest.get(root, 1.0), 3)
        incidents.append(inc)
    incidents.sort(key=lambda inc: (inc.date_start or date.min, inc.label))
    seen: set[str] = set()
    for inc in incidents:
        inc.id = stable_id(inc.mentions)
        while inc.id in seen:  # never two incidents with one id, whatever the reports
            inc.id += "x"
        seen.add(inc.id)
    link_parts(incidents)
    return incidents


_AREA = ("region", "country")


def _inside(area: EventMention, x: EventMention) -> bool:
    if area.country and x.country and area.country != x.country:
        return False
    if area.geo_precision == "country" or area.lat is None:
        return area.lat is None or bool(area.country and area.country == x.country)
    return x.lat is not None and km(area.lat, area.lon, x.lat, x.lon) <= REGION_KM


def vague(ms) -> bool:
    """Mentions located only to an area (a region, a country) or not at all."""
    return all(m.geo_precision in _AREA or m.place is None for m in ms)


def area_fit(group: list[MentionRef], placed: dict) -> object | None:
    """The incident (a key of ``placed``: key -> its mentions) that an incident located only
    to an area (``group``) is a report of: an incident of a place inside the area (see
    ``REGION_KM``), of a type that may name the same happening, in its time, reported by
    another source; the one such incident, or the one most sources report (twice as many
    as the next). None when there is none or the choice is not clear."""
    fits = []
    for k, h in placed.items():
        if any(coref.type_weight(r.mention, x.mention) > 0
               and coref.overlap(r.mention, x.mention, SLACK)
               and _inside(r.mention, x.mention)
               and r.source_id != x.source_id
               for r in group for x in h if x.mention.geo_precision in ("point", "near")):
            fits.append((len({x.origin_group for x in h}), str(k), k))
    if not fits:
        return None
    fits.sort(key=lambda f: (-f[0], f[1]))
    if len(fits) == 1 or fits[0][0] >= 2 * fits[1][0]:
        return fits[0][2]
    return None


def _attach_areas(refs: list[MentionRef], find, union) -> None:
    """Incidents located only to an area join the incident of a place inside it (see
    ``area_fit``)."""
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(refs)):
        groups[find(i)].append(i)
    vagues = [g for g in groups.values() if vague(refs[i].mention for i in g)]
    placed = [g for g in groups.values() if any(refs[i].mention.geo_precision in ("point", "near") for i in g)]
    by_key: dict[tuple, list[int]] = defaultdict(list)   # blocking: type family and week
    for k, g in enumerate(placed):
        for key in {(family(refs[i].mention), w) for i in g for w in (_weeks(refs[i].mention)
                                                                    if refs[i].mention.date_start else {None})}:
            by_key[key].append(k)
    for g in vagues:
        keys = {(family(refs[i].mention), w) for i in g for w in (_weeks(refs[i].mention)
                                                                 if refs[i].mention.date_start else {None})}
        if any(refs[i].mention.date_start is None for i in g):
            keys |= {k for k in by_key if k[0] in {family(refs[i].mention) for i in g}}
        cands = {k for key in keys for k in by_key.get(key, ())}
        k = area_fit([refs[i] for i in g], {k: [refs[j] for j in placed[k]] for k in sorted(cands)})
        if k is not None:
            union(g[0], placed[k][0], 0.6)


def stable_id(group: list[MentionRef]) -> str:
    """An id that survives re-analysis and new sources: named after the mention of the
    earliest-archived source (sources are numbered as they arrive, so a later report that
    joins the incident does not rename it), its offset and place (one sentence can report
    the same happening in two places, "A and B")."""
    first = min(f"{r.source_id:012d}\x00{r.article}\x00{r.mention.start:09d}\x00{r.mention.place}" for r in group)
    return "i" + hashlib.sha1(first.encode()).hexdigest()[:10]


# ---------------------------------------------------------------- parent and part


_PART_TYPES = {"siege": (REMOTE, BATTLE, VAC), "offensive": (REMOTE, BATTLE, VAC), "flight": ()}


def _holds(u: Incident, inc: Incident) -> bool:
    """Is ``inc`` inside the umbrella ``u``: its type one the umbrella holds, its dates in the
    umbrella's span, its place the umbrella's or inside it?"""
    if inc.event_type not in _PART_TYPES.get(u.umbrella, ()):
        return False
    if not coref.within(inc.date_start, inc.date_end, u.date_start, u.date_end):
        return False
    if u.country and inc.country and u.country != inc.country:
        return False
    if u.place and inc.place and (u.place == inc.place or similar_names(u.place, inc.place)):
        return True
    if u.lat is None or inc.lat is None:
        return u.place is None
    d = km(u.lat, u.lon, inc.lat, inc.lon)
    return d <= (REGION_KM if u.geo_precision in _AREA else PART_KM)


def link_parts(incidents: list[Incident]) -> None:
    """Link each incident to the umbrella that holds it (the one of shortest span): a
    village shelled during the offensive, the hospital stormed during the siege. Umbrellas
    are few: each is compared with the incidents of its country only."""
    umbrellas = [u for u in incidents if u.umbrella and u.date_start]
    if not umbrellas:
        return
    by_country: dict[str | None, list[Incident]] = defaultdict(list)
    for inc in incidents:
        if not inc.umbrella and inc.date_start:
            by_country[inc.country].append(inc)
    best: dict[str, tuple[int, Incident]] = {}
    for u in umbrellas:
        for inc in by_country.get(u.country, ()) if u.country else [x for xs in by_country.values() for x in xs]:
            if _holds(u, inc):
                span = ((u.date_end or u.date_start) - u.date_start).days
                if inc.id not in best or span < best[inc.id][0]:
                    best[inc.id] = (span, u)
    by_id = {i.id: i for i in incidents}
    for iid, (_, u) in best.items():
        by_id[iid].parent_id = u.id
        u.parts.append(iid)


# ---------------------------------------------------------------- the interface incremental fusion uses
# (the store keeps incidents; a new source's mentions are attached one by one)


def unlocated(refs) -> bool:
    """An incident no report locates (no place at all)."""
    return all(r.mention.place is None for r in refs)


def strike_days(ms) -> frozenset[date]:
    """The days of the strikes among ``ms`` dated to a day. A strike, a shelling or an
    explosion happens on one day: two groups none of whose day-dated strikes lie within
    ``SLACK`` of each other are two strikes on one place, even where a report dated only to
    the week would fit both (no chaining through vaguer dates; a report a day off still joins)."""
    return frozenset(m.date_start for m in ms if m.event_type == coref.REMOTE and m.date_precision == "day"
                     and m.date_start is not None and not coref.umbrella(m))


def days_meet(a: frozenset[date], b: frozenset[date]) -> bool:
    """Do two sets of strike days come within ``SLACK`` of each other (or is either empty)?"""
    if not a or not b:
        return True
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return any(d + timedelta(days=k) in large for d in small for k in range(-SLACK.days, SLACK.days + 1))


def can_join(a: list[MentionRef], b: list[MentionRef]) -> bool:
    """May two groups of mentions become one incident whatever their pair scores? Not when
    their sites differ (a church and a hospital), nor, for reports that name no place, when
    some two of their dates are more than ``SLACK`` apart: with no place to tie them, daily
    reports of one kind of happening would otherwise chain, day to day, into one incident
    (complete link on dates for unlocated incidents)."""
    sa: set[str] = set()
    sb: set[str] = set()
    for r in a:
        sa |= coref.mention_sites(r.mention)
    for r in b:
        sb |= coref.mention_sites(r.mention)
    if coref.sites_conflict(sa, sb):
        return False
    if not days_meet(strike_days(r.mention for r in a), strike_days(r.mention for r in b)):
        return False
    if unlocated(a) and unlocated(b):
        return coref.coherent(coref.join_bounds(coref.bounds(r.mention for r in a), coref.bounds(r.mention for r in b)))
    return True


def attach_score(ref: MentionRef, members: list[MentionRef]) -> float:
    """How strongly a new mention belongs to an incident made of ``members`` (0..1; it
    joins at ``JOIN_THRESHOLD`` or above). The batch ``merge`` decides by the same evidence:
    the best pair score with a member, and 0 when the two may not join (``can_join``: the
    incident's sites differ from the mention's, or an unlocated incident's dates would
    stretch beyond a day of slack)."""
    if not members or not can_join([ref], members):
        return 0.0
    aliases = coref.Aliases.of([ref.mention, *(m.mention for m in members)])
    return max(pair_score(ref, m, aliases) for m in members)


def summarise(group: list[MentionRef], incident_id: str = "") -> Incident:
    """An incident's fields (type, dates, place, actors, label, tolls) from its mentions."""
    inc = _incident(group, coref.Aliases.of(r.mention for r in group))
    inc.id = incident_id or stable_id(group)
    return inc


def _incident(group: list[MentionRef], aliases: coref.Aliases | None = None) -> Incident:
    aliases = aliases or coref.Aliases()
    ms = [r.mention for r in group]
    asserted = [m for m in ms if m.stance != "denied"] or ms
    # the most precise mentions say where and when (an area-wide report does not move a
    # town's incident to the area's centre)
    geo = {"point": 0, "near": 1, "admin": 2, "region": 3, "country": 4}
    lead = min(asserted, key=lambda m: (geo.get(m.geo_precision, 5), _PRECISION.get(m.date_precision, 3),
                                        m.sub_event_type == "Other"))
    when = min(asserted, key=lambda m: (m.date_start is None, _PRECISION.get(m.date_precision, 3),
                                        geo.get(m.geo_precision, 5)))
    starts = [m.date_start for m in asserted if m.date_start]
    ends = [m.date_end for m in asserted if m.date_end]
    d0 = when.date_start or (min(starts) if starts else None)
    d1 = when.date_end or (max(ends) if ends else None)
    if d0 is not None:
        d0, d1 = _agreed_dates(group, when, (d0, d1))
    etype, sub = _type_of(asserted)
    actors, types = _actors(asserted, aliases)
    umb = [coref.family(m.trigger) or coref.other_kind(m.trigger) or "siege" for m in asserted if coref.umbrella(m)]
    if starts and len(umb) * 2 > len(asserted):
        # a siege, an offensive, an exodus lasts: it spans the days its reports speak of
        # (one report's day of it is not its date)
        d0, d1 = min(starts), max(ends)
    inc = Incident(id="", event_type=etype, sub_event_type=sub, label="",
                   date_start=d0, date_end=d1, date_precision=when.date_precision if d0 else "unknown",
                   place=lead.place, country=lead.country, lat=lead.lat, lon=lead.lon,
                   geo_precision=lead.geo_precision, actors=actors, actor_types=types, mentions=group,
                   umbrella=Counter(umb).most_common(1)[0][0] if len(umb) * 2 > len(asserted) else "")
    inc.label = label(inc, asserted)
    _tolls(inc, group)
    return inc


def _agreed_dates(group: list[MentionRef], when: EventMention, first: tuple) -> tuple:
    """The dates most independent sources give at the best precision any mention gives (one
    vote a source, its own most repeated dates): one report that repeats a wrong weekday in
    four sentences does not outvote three reports that give the right one. Ties keep
    ``first``, the dates of the first most precise mention."""
    rank = _PRECISION.get(when.date_precision, 3)
    refs = [r for r in group if r.mention.stance != "denied"] or group
    per_source: dict[str, Counter] = defaultdict(Counter)
    for r in refs:
        m = r.mention
        if m.date_start is not None and _PRECISION.get(m.date_precision, 3) == rank:
            per_source[r.origin_group or r.article][(m.date_start, m.date_end or m.date_start)] += 1
    votes: Counter = Counter()
    for c in per_source.values():
        votes[c.most_common(1)[0][0]] += 1
    if not votes:
        return first
    top = max(votes.values())
    return first if votes.get((first[0], first[1] or first[0])) == top else \
        min(d for d, n in votes.items() if n == top)


def _actors(ms: list[EventMention], aliases: coref.Aliases) -> tuple[list[str], dict[str, str]]:
    """Canonical actors, the most named first among the perpetrators (each mention's first
    actor), then the others; with their ACLED inter codes."""
    first: Counter = Counter()
    other: Counter = Counter()
    types: dict[str, str] = {}
    for m in ms:
        for k, (name, inter) in enumerate(coref.actors_of(m)):
            c = aliases.canonical(name)
            (first if k == 0 else other)[c] += 1
            if inter and c not in types:
                types[c] = inter
    order = [a for a, _ in first.most_common()] + [a for a, _ in other.most_common() if a not in first]
    for a in order:
        if a in aliases.inter:
            types[a] = aliases.inter[a]
    return order, {a: types[a] for a in order if a in types}


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


# ---------------------------------------------------------------- labels


def label(inc: Incident, ms: list[EventMention]) -> str:
    """"<event noun> [of/on <target>] in/near <place>", from the incident's mentions: the
    most specific noun their triggers give for the incident's type, the target they name
    most, the incident's place."""
    same = [m for m in ms if (m.event_type, m.sub_event_type) == (inc.event_type, inc.sub_event_type)] or ms
    noun, prep = coref.label_noun(inc.event_type, inc.sub_event_type, [m.trigger for m in same])
    targets = Counter(m.target for m in same if m.target)
    target = targets.most_common(1)[0][0] if targets and prep else None
    return coref.compose_label(noun, prep, target, inc.place, inc.geo_precision, facility=bool(
        inc.place and name_tokens(inc.place)[1]))


# ---------------------------------------------------------------- tolls


def recompute_tolls(inc: Incident) -> None:
    """Tolls from the incident's current reports (after a merge or split by an analyst)."""
    inc.toll_trail = []
    for what in ("killed", "injured"):
        for k in ("low", "best", "high"):
            setattr(inc, f"{what}_{k}", None)
    inc.toll_series = inc.toll_contested = False
    _tolls(inc, inc.mentions)


def _when(r: MentionRef) -> date:
    return r.mention.toll_as_of or r.published or r.mention.date_end or date.min


def _tolls(inc: Incident, group: list[MentionRef]) -> None:
    for r in sorted(group, key=lambda r: (_when(r), r.article)):
        m = r.mention
        if m.killed is not None or m.injured is not None:
            inc.toll_trail.append(TollReport(article=r.article, outlet=r.outlet, published=r.published,
                                             killed=m.killed, injured=m.injured, sentence=m.sentence,
                                             as_of=m.toll_as_of or r.published, attributed_to=m.toll_source))
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
        series, contested = _series(inc, group, what)
        if what == "killed":
            inc.toll_series, inc.toll_contested = series, contested
        best = max(values) if series else int(statistics.median_high(per_source.values()))
        setattr(inc, f"{what}_best", best)


def _series(inc: Incident, group: list[MentionRef], what: str) -> tuple[bool, bool]:
    """(a rising series, a contradiction): the counts of each day, in time order, never fall
    and some rise; a contradiction is two independent sources giving counts for the same day
    that differ by more than half."""
    by_day: dict[date, dict[str, int]] = defaultdict(dict)
    for r in group:
        v = getattr(r.mention, what)
        if v is None:
            continue
        day = _when(r)
        by_day[day][r.origin_group] = max(by_day[day].get(r.origin_group, 0), v)
    contested = any(len(vs) > 1 and max(vs.values()) > 1.5 * max(1, min(vs.values()))
                    for d, vs in by_day.items() if d != date.min)
    days = sorted(d for d in by_day if d != date.min)
    highs = [max(by_day[d].values()) for d in days]
    lows = [min(by_day[d].values()) for d in days]
    series = len(days) > 1 and len(set(highs)) > 1 and all(lows[k + 1] >= highs[k] * 0.9 for k in range(len(days) - 1))
    return series and not contested, contested
