"""Figures over time: running counts by as-of date and by who gives them.

Each figure of a category becomes a point (as-of date, value, who gives it, source).
Counts of people who moved ("fled", "arrived") are cumulative stocks when the text says
"have fled"/"since"; others are flows. Points are flagged when a count from the same
party goes down (a cumulative count cannot), and when independent sources give counts
more than a quarter apart for the same day.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sitroom.models import Figure, Source

CONTRADICTION = 0.25  # relative gap between same-day counts that is flagged


@dataclass(kw_only=True)
class Point:
    as_of: date | None
    value: int
    low: int | None
    high: int | None
    qualifier: str
    party: str                 # who gives the number: the attribution, else the outlet
    article: str
    outlet: str | None
    sentence: str
    stock: bool                # a running total (vs a flow in a period)
    incident: str | None = None  # the incident the count is about, when known
    flags: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class Series:
    category: str
    points: list[Point]

    @property
    def latest(self) -> Point | None:
        dated = [p for p in self.points if p.as_of]
        return max(dated, key=lambda p: (p.as_of, p.value)) if dated else None


_STOCK_WORDS = ("have fled", "has fled", "had fled", "since", "so far", "in total", "total", "toll",
                "have been killed", "have died", "have arrived", "have been displaced", "to date", "risen to", "rose to")


def _shown(s: Source) -> str:
    """A source without an outlet, by its title or file name (never its bare id)."""
    from sitroom.report.titles import shown

    return shown(s.meta.title, s.origin, s.meta.url)


def build(figures: list[Figure], sources: dict[int, Source], category: str,
          incident_of: Callable[[int, str], str | None] | None = None) -> Series:
    points = []
    for f in figures:
        if f.category != category:
            continue
        s = sources[f.source_id]
        low_sentence = f.sentence.lower()
        points.append(Point(as_of=f.as_of, value=f.value, low=f.low, high=f.high, qualifier=f.qualifier,
                            party=f.attributed_to or s.meta.outlet or _shown(s), article=s.article_id,
                            outlet=s.meta.outlet, sentence=f.sentence,
                            stock=category in ("population",) or any(w in low_sentence for w in _STOCK_WORDS),
                            incident=incident_of(f.source_id, f.sentence) if incident_of else None))
    points.sort(key=lambda p: (p.as_of or date.min, p.value))
    _flag(points)
    return Series(category=category, points=points)


def _flag(points: list[Point]) -> None:
    by_party: dict[str, list[Point]] = defaultdict(list)
    for p in points:
        by_party[p.party].append(p)
    for ps in by_party.values():
        for a, b in zip(ps, ps[1:]):
            if b.stock and a.stock and b.as_of and a.as_of and b.as_of > a.as_of and b.value < a.value:
                b.flags.append(f"goes down from {a.value:,} ({a.as_of}) by the same party")
    # counts of one incident (or of the crisis as a whole) given for the same day
    by_day: dict[tuple, list[Point]] = defaultdict(list)
    for p in points:
        if p.as_of:
            by_day[(p.as_of, p.incident)].append(p)
    for (day, _), ps in by_day.items():
        parties = {p.party for p in ps}
        if len(parties) < 2:
            continue
        lo, hi = min(p.value for p in ps), max(p.value for p in ps)
        if hi and (hi - lo) / hi > CONTRADICTION:
            for p in ps:
                p.flags.append(f"same-day counts disagree: {lo:,} to {hi:,} on {day}")
