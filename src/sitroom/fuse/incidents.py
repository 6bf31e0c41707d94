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

import hashlib
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sitroom.models import EventMention

MAX_KM = 50.0
SLACK = timedelta(days=1)
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


def same_incident(a: EventMention, b: EventMention) -> bool:
    if a.event_type != b.event_type:
        return False
    if a.sub_event_type != b.sub_event_type and "Other" not in (a.sub_event_type, b.sub_event_type) \
            and a.event_type != "Battles":
        return False
    if a.date_start and b.date_start and a.date_end and b.date_end:
        if a.date_start - SLACK > b.date_end or b.date_start - SLACK > a.date_end:
            return False
    if a.place and b.place and a.place == b.place:
        return True
    if a.lat is None or b.lat is None:
        return a.place is None and b.place is None
    # points (and facilities placed at their town) are compared by distance; an area, or a
    # place located by the area around it, matches the same name only (two unknown villages
    # share their region's centre)
    if a.geo_precision not in ("point", "near") or b.geo_precision not in ("point", "near"):
        return False
    return km(a.lat, a.lon, b.lat, b.lon) <= MAX_KM


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

    Blocking: a mention is compared only with earlier mentions of its event type, in a week
    its date range touches, either of the same place name or in a neighbouring grid cell.
    """
    parent = list(range(len(refs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(refs):
        m = r.mention
        weeks = _weeks(m) if m.date_start else {None}
        point = m.geo_precision == "point" and m.lat is not None
        for w in weeks:
            keys = [(m.event_type, w, "name", m.place)]
            if point:
                cy, cx = _cell(m.lat, m.lon)
                near = [(m.event_type, w, "cell", (cy + dy, cx + dx)) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
            else:
                near = []
            for key in keys + near:
                for j in index.get(key, ()):
                    if find(i) != find(j) and same_incident(m, refs[j].mention):
                        parent[find(i)] = find(j)
            index[keys[0]].append(i)
            if point:
                index[(m.event_type, w, "cell", _cell(m.lat, m.lon))].append(i)
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


def stable_id(group: list[MentionRef]) -> str:
    """An id that survives re-analysis and new sources: named after the mention of the
    earliest-archived source (sources are numbered as they arrive, so a later report that
    joins the incident does not rename it), its offset and place (one sentence can report
    the same happening in two places, "A and B")."""
    first = min(f"{r.source_id:012d}\x00{r.article}\x00{r.mention.start:09d}\x00{r.mention.place}" for r in group)
    return "i" + hashlib.sha1(first.encode()).hexdigest()[:10]


def _incident(group: list[MentionRef]) -> Incident:
    ms = [r.mention for r in group]
    asserted = [m for m in ms if m.stance != "denied"] or ms
    # the most precise mention describes where and when
    lead = min(asserted, key=lambda m: (_PRECISION.get(m.date_precision, 3),
                                        {"point": 0, "near": 1, "admin": 2, "region": 3, "country": 4}.get(m.geo_precision, 5),
                                        m.sub_event_type == "Other"))
    starts = [m.date_start for m in asserted if m.date_start]
    ends = [m.date_end for m in asserted if m.date_end]
    d0 = lead.date_start or (min(starts) if starts else None)
    d1 = lead.date_end or (max(ends) if ends else None)
    actors: list[str] = []
    for m in asserted:
        for a in filter(None, (x.strip() for x in m.actors.split(";"))):
            if a not in actors:
                actors.append(a)
    inc = Incident(id="", event_type=lead.event_type, sub_event_type=lead.sub_event_type, label=lead.label,
                   date_start=d0, date_end=d1, date_precision=lead.date_precision, place=lead.place,
                   country=lead.country, lat=lead.lat, lon=lead.lon, geo_precision=lead.geo_precision,
                   actors=actors, mentions=group)
    _tolls(inc, group)
    return inc


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
