"""Time expressions, resolved against the publication date, with their precision.

dateparser reads absolute dates well but returns nothing for "last December" or
"since June", reads a bare month as a day and durations as "ago" (see
notes/dependencies), and its ``search_dates`` finds weekdays in "We" and "sat". So the
expressions are found with patterns of our own and resolved by calendar rules:

- absolute: "28 September 2023", "Friday 22 September 2023", "September 20" (the most
  recent one, or the next one in a future-tense clause), "in October 2020", "in 1991",
  "the 2020 war", "the 1990s", "mid-2022", ranges ("from 20 to 22 September",
  "between 2019 and 2021", "1992-94");
- relative to the publication date: "yesterday", "last night", "on Monday" (most recent,
  or next in a future-tense clause), "last week" (previous Monday-Sunday week),
  "last December", "since June", "two months ago", "earlier this month", seasons,
  "in recent weeks", durations of an ongoing state ("for nine months") as ranges ending
  at publication, "Now" opening a clause (the time of writing);
- relative to the narrative: "a year earlier", "two days later", "the next day" (from the
  date the narrative last named), "after one day of fighting" (the day the narrative is
  on), "in the weeks preceding <event>" (the weeks before the event: a date named with it,
  else the report's first dated event).

In other languages (``ctx.language``) only absolute dates and "yesterday"-like words are
read: the month names and relative words come from dateparser's locale data and
dateparser (RELATIVE_BASE = publication, dates from the past) parses the spans found.
The English patterns run on English only; spaCy's parse decides tense (future clauses
look forward), adverbs ("overnight") and counts that look like years ("2500 families").
"""
from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import dateparser

from sitroom.extract.context import DocContext
from sitroom.extract.rules import RuleTable, rule
from sitroom.models import TimeExpr

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "a single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
                "twenty": 20, "thirty": 30, "several": 3, "a few": 3, "few": 3, "a couple of": 2, "couple of": 2}
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
# how far back "in recent weeks" / "in the weeks before" reach, in days
VAGUE_SPAN = {"day": 7, "week": 28, "month": 91}

_MN = (r"January|February|March|April|May|June|July|August|September|October|November|December|"
       r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec")
_M = r"(?P<month>" + _MN + r")\.?"
_M1 = r"(?P<month1>" + _MN + r")\.?"
_ORD = r"(?:st|nd|rd|th)?"
_Y = r"(?P<year>1[0-9]{3}|20[0-9]{2})"
_WD = r"(?:(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+(?:the\s+)?)?"
_LEAD = r"(?:(?:[Aa]lso|[Ee]ven|[Oo]nly|[Jj]ust)\s+)?"
_PREP_WORDS = (r"[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]y|[Ff]rom|[Ii]n|[Oo]n|[Dd]uring|[Bb]efore|[Aa]fter|[Tt]hroughout|[Tt]hrough|"
               r"[Aa]s of|[Aa]s early as|[Ee]arly|[Ll]ate|[Ss]tarting|"
               r"(?:(?:[Aa]t|[Bb]y|[Ii]n|[Ss]ince|[Uu]ntil|[Ff]rom)\s+)?(?:the\s+)?(?:end|start|beginning|middle) of")
_PREP = r"(?P<prep>" + _LEAD + r"(?:" + _PREP_WORDS + r")\s+(?:the\s+)?)?"
_PART = r"(?:(?P<part>[Ee]arly|[Mm]id|[Ll]ate)(?:-|\s+))?"
_NUMW = (r"(?P<n>\d+|a|an|one|a single|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
         r"twenty|thirty|several|a few|a couple of)")
_UNIT = r"(?P<unit>day|week|month|year|decade)s?"
_SEP = r"\s*(?:-|–|—|to|and|until|till|through|thru)\s*"
_DURATION_PREFIX = r"(?:(?:more than|over|nearly|almost|about|around|some|at least)\s+)?"


@dataclass
class _Hit:
    start: int
    end: int
    method: str
    m: re.Match | None
    d0: date | None = None
    d1: date | None = None
    prec: str = "day"
    dateline: bool = False
    extra: dict = field(default_factory=dict)


def _year_pair(m: re.Match) -> tuple[int, int]:
    y1, y2s = int(m.group("y1")), m.group("y2")
    return y1, (int(y2s) if len(y2s) == 4 else (y1 // 100) * 100 + int(y2s))


def _valid_range(m: re.Match, method: str) -> bool:
    """"between 3 and 5 May" but not "on 3 and 5 May"; "1992-94" but not "1992 to 94"."""
    sep = m.group("sep").strip().lower()
    prep = (m.group("prep") or "").lower()
    if sep == "and" and "between" not in prep:
        return False
    if method == "year_range":
        y1, y2 = _year_pair(m)
        if not 0 < y2 - y1 <= 60:
            return False
        if len(m.group("y2")) == 2 and sep not in ("-", "–", "—"):
            return False
        if not prep and sep not in ("-", "–", "—", "to", "through", "until"):
            return False
    return True


def _y(m: re.Match, key: str = "year") -> int | None:
    v = m.groupdict().get(key)
    return int(v) if v else None


def _n(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word.lower(), 1)


def _dt(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 12)


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    i = y * 12 + (m - 1) + k
    return i // 12, i % 12 + 1


def _month_of(m: re.Match, key: str = "month") -> int:
    return MONTHS[m.group(key).lower().rstrip(".")]


class _Resolver:
    """Calendar rules; each method returns (date_start, date_end, precision) or None."""

    def __init__(self, ctx: DocContext):
        self.ctx = ctx
        self.anchor = ctx.published
        self.last: _Hit | None = None       # the last day/week/month named: for "a year earlier"
        self.last_day: _Hit | None = None   # the last day named (not the dateline): "the next day"
        self.hit: _Hit | None = None        # the hit being resolved

    # ---------------------------------------------------------------- absolute
    def full_date(self, m: re.Match):
        day, month, year = int(m.group("day")), _month_of(m), _y(m)
        if not 1 <= day <= calendar.monthrange(year or 2000, month)[1]:
            return None
        if year:
            return date(year, month, day), date(year, month, day), "day"
        if not self.anchor:
            return None
        d = self._nearest_day(month, day)
        return d, d, "day"

    def _nearest_day(self, month: int, day: int) -> date:
        """A day-month without a year: the most recent one (a month of slack for reports
        dated a little early), the next one in a future-tense clause."""
        a = self.anchor
        if self._future():
            y = a.year if (month, day) >= (a.month, a.day) else a.year + 1
        else:
            y = a.year if date(a.year, month, min(day, 28)) <= a + timedelta(days=30) else a.year - 1
        return date(y, month, min(day, calendar.monthrange(y, month)[1]))

    def iso_date(self, m: re.Match):
        try:
            d = date(int(m.group("y")), int(m.group("mo")), int(m.group("d")))
        except ValueError:
            return None
        return d, d, "day"

    def numeric_date(self, m: re.Match):
        a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("y"))
        day, month = (b, a) if b > 12 >= a and self.ctx.language == "en" else (a, b)
        try:
            d = date(y, month, day)
        except ValueError:
            return None
        return d, d, "day"

    def day_range(self, m: re.Match):
        """"from 20 to 22 September", "September 20-22", "between 3 and 5 March 2024"."""
        month2 = _month_of(m) if m.group("month") else _month_of(m, "month1")
        month1 = _month_of(m, "month1") if m.group("month1") else month2
        d1, d2, year = int(m.group("d1")), int(m.group("d2")), _y(m)
        if year is None:
            if not self.anchor:
                return None
            year = self._nearest_day(month2, min(d2, 28)).year
        y1 = year - 1 if month1 > month2 else year
        try:
            start, end = date(y1, month1, d1), date(year, month2, d2)
        except ValueError:
            return None
        if end < start:
            return None
        return start, end, "range"

    def month_year(self, m: re.Match):
        month, year = _month_of(m), _y(m)
        return date(year, month, 1), _month_end(year, month), "month"

    def month_only(self, m: re.Match):
        if not self.anchor:
            return None
        month = _month_of(m)
        rel = (m.group("rel") or "").lower()
        a = self.anchor
        if rel == "next" or (not rel and self._future()):
            year = a.year + (month < a.month if rel != "next" else month <= a.month)
        elif rel == "last":
            year = a.year - (month >= a.month)
        elif rel == "this":
            year = a.year
        else:
            year = a.year - (month > a.month)
        return date(year, month, 1), _month_end(year, month), "month"

    def year(self, m: re.Match):
        y = _y(m)
        return date(y, 1, 1), date(y, 12, 31), "year"

    def year_range(self, m: re.Match):
        y1, y2 = _year_pair(m)
        return date(y1, 1, 1), date(y2, 12, 31), "range"

    def decade(self, m: re.Match):
        y = int(m.group("decade"))
        part = (m.group("part") or "").lower()
        if part == "early":
            return date(y, 1, 1), date(y + 3, 12, 31), "range"
        if part == "mid":
            return date(y + 3, 1, 1), date(y + 6, 12, 31), "range"
        if part == "late":
            return date(y + 6, 1, 1), date(y + 9, 12, 31), "range"
        return date(y, 1, 1), date(y + 9, 12, 31), "decade"

    # ---------------------------------------------------------------- relative to publication
    def day_word(self, m: re.Match):
        if not self.anchor:
            return None
        w = " ".join(m.group("word").lower().split())
        shift = {"yesterday": -1, "last night": -1, "overnight": -1, "tomorrow": 1,
                 "the day before yesterday": -2, "the day after tomorrow": 2}.get(w, 0)
        d = self.anchor + timedelta(days=shift)
        return d, d, "day"

    def now(self, m: re.Match):
        """"Now ..." opening a clause: the time of writing, the publication day or the one
        before it (reports are written the day before they appear as often as not)."""
        if not self.anchor:
            return None
        return self.anchor - timedelta(days=1), self.anchor, "range"

    def weekday(self, m: re.Match):
        if not self.anchor:
            return None
        wd = WEEKDAYS[m.group("wday").lower()]
        rel = (m.group("rel") or "").lower()
        a = self.anchor
        if rel == "next" or (rel != "last" and self._future()):
            delta = (wd - a.weekday()) % 7 or (7 if rel == "next" else 0)
            d = a + timedelta(days=delta)
        else:
            delta = (a.weekday() - wd) % 7
            if rel == "last" and delta == 0:
                delta = 7
            d = a - timedelta(days=delta)
        return d, d, "day"

    def relative_period(self, m: re.Match):
        if not self.anchor:
            return None
        rel, unit = m.group("rel").lower(), m.group("unit").lower()
        a = self.anchor
        if rel == "past" or (rel == "last" and m.group("the") and unit != "weekend"):
            # "the past week", "over the last year": a rolling window up to publication
            if unit == "week":
                return a - timedelta(days=7), a, "range"
            if unit == "weekend":
                rel = "last"
            else:
                y, mo = _add_months(a.year, a.month, -(1 if unit == "month" else 12))
                return date(y, mo, min(a.day, calendar.monthrange(y, mo)[1])), a, "range"
        if rel == "coming":
            days = {"week": 7, "weekend": 7, "month": 30, "year": 365}[unit]
            return a, a + timedelta(days=days), "range"
        step = -1 if rel in ("last", "previous") else 1 if rel == "next" else 0
        if unit == "weekend":
            sat = a - timedelta(days=(a.weekday() - 5) % 7)
            if step == 1 or (step == 0 and self._future()):
                sat = a + timedelta(days=(5 - a.weekday()) % 7 or 7)
            elif step == -1 and a.weekday() >= 5:
                sat -= timedelta(days=7)
            return sat, sat + timedelta(days=1), "range"
        if unit == "week":
            monday = a - timedelta(days=a.weekday()) + timedelta(weeks=step)
            end = monday + timedelta(days=6)
            return monday, (min(end, a) if step == 0 else end), "week"
        if unit == "month":
            y, mo = _add_months(a.year, a.month, step)
            return date(y, mo, 1), _month_end(y, mo), "month"
        return date(a.year + step, 1, 1), date(a.year + step, 12, 31), "year"

    def weekend(self, m: re.Match):
        """"over the weekend": the last one before publication, the next in a future clause."""
        if not self.anchor:
            return None
        a = self.anchor
        if self._future():
            sat = a + timedelta(days=(5 - a.weekday()) % 7)
        else:
            sat = a - timedelta(days=(a.weekday() - 5) % 7)
            if sat + timedelta(days=1) > a and a.weekday() < 5:
                sat -= timedelta(days=7)
        return sat, sat + timedelta(days=1), "range"

    def ago(self, m: re.Match):
        direction = (m.group("dir") or m.group("dir2")).lower()
        base, prec_hint = self.anchor, None
        if direction in ("earlier", "later", "before", "after"):
            if self.last is not None:
                base, prec_hint = self.last.d0, self.last.prec
            elif direction in ("later", "after"):
                return None  # "four years later" with nothing named before it
        if not base:
            return None
        n = _n(m.group("n"))
        sign = 1 if direction in ("later", "after") else -1
        unit = m.group("unit").lower()
        if unit == "day":
            d = base + timedelta(days=sign * n)
            return d, d, "day"
        if unit == "week":
            d = base + timedelta(weeks=sign * n)
            if prec_hint == "day":
                return d, d, "day"
            monday = d - timedelta(days=d.weekday())
            return monday, monday + timedelta(days=6), "week"
        months = n * {"month": 1, "year": 12, "decade": 120}[unit]
        y, mo = _add_months(base.year, base.month, sign * months)
        if unit == "decade" or (unit == "year" and prec_hint in ("year", "decade", "season", "range")):
            return date(y, 1, 1), date(y, 12, 31), "year"
        return date(y, mo, 1), _month_end(y, mo), "month"

    def season(self, m: re.Match):
        """"during the summer": the latest summer that has begun (the next one in a
        future-tense clause); "last summer": the latest one that has ended."""
        s0, s1 = SEASONS[m.group("season").lower()]
        year = _y(m)
        rel = (m.group("rel") or "").lower()
        if year is None:
            if not self.anchor:
                return None
            a = self.anchor
            if s0 == 12:
                base = a.year if a.month == 12 else a.year - 1
            else:
                base = a.year if a.month >= s0 else a.year - 1
            ongoing = a <= _month_end(base + (s1 < s0), s1)
            if rel == "last":
                year = base - 1 if ongoing else base
            elif rel == "next":
                year = base + 1
            elif rel == "this":
                year = (base if ongoing or a.month <= 6 else base + 1) if s0 == 12 else a.year
            elif self._future():
                year = base if ongoing else base + 1
            else:
                year = base
        start = date(year, s0, 1)
        end = _month_end(year + (s1 < s0), s1)
        return start, end, "season"

    def duration(self, m: re.Match):
        """A state that has lasted up to publication ("under siege for nine months")."""
        if not self.anchor or not self._ongoing():
            return None
        n = _n(m.group("n"))
        unit = m.group("unit").lower()
        days = {"day": 1, "week": 7}.get(unit)
        if days:
            start = self.anchor - timedelta(days=n * days)
        else:
            months = n * {"month": 1, "year": 12, "decade": 120}[unit]
            y, mo = _add_months(self.anchor.year, self.anchor.month, -months)
            start = date(y, mo, min(self.anchor.day, calendar.monthrange(y, mo)[1]))
        return start, self.anchor, "range"

    def recent(self, m: re.Match):
        """"in recent weeks", "in the coming days": a vague window at publication."""
        if not self.anchor:
            return None
        span = timedelta(days=VAGUE_SPAN[m.group("unit").lower()])
        if m.group("dir").lower() in ("coming", "next"):
            return self.anchor, self.anchor + span, "range"
        return self.anchor - span, self.anchor, "range"

    # ---------------------------------------------------------------- relative to the narrative
    def anaphor_day(self, m: re.Match):
        """"the next day", "the day before", "that same day": from the last day named."""
        if self.last_day is None:
            return None
        w = " ".join(m.group(0).lower().split())
        shift = 1 if re.search(r"next|following|after|later", w) else -1 if re.search(r"before|previous|prior|eve", w) else 0
        if "week" in w:
            d = self.last_day.d0 + timedelta(weeks=shift)
            monday = d - timedelta(days=d.weekday())
            return monday, monday + timedelta(days=6), "week"
        d = self.last_day.d0 + timedelta(days=shift)
        return d, d, "day"

    def span_of(self, m: re.Match):
        """"after one day of fighting": the day(s) the narrative is on."""
        base = self.last_day.d0 if self.last_day else None
        if base is None:
            return None
        n = _n(m.group("n"))
        if n == 1:
            return base, base, "day"
        return base, base + timedelta(days=n - 1), "range"

    def around_event(self, m: re.Match):
        """"in the weeks preceding <event>": resolved in a second pass (see _around)."""
        return date.min, date.min, "range"

    # ---------------------------------------------------------------- other languages
    def foreign(self, m: re.Match):
        s = m.group(0)
        settings = {"PREFER_DAY_OF_MONTH": "first", "PREFER_DATES_FROM": "past"}
        if self.anchor:
            settings["RELATIVE_BASE"] = _dt(self.anchor)
        elif not m.groupdict().get("year"):
            return None
        try:
            d = dateparser.parse(s, languages=[self.ctx.language], settings=settings)
        except Exception:  # noqa: BLE001 - dateparser raises on odd locale data
            return None
        if d is None:
            return None
        d = d.date()
        has_day = bool(m.groupdict().get("day"))
        if has_day:
            if not m.groupdict().get("year") and self.anchor and d > self.anchor + timedelta(days=30):
                d = d.replace(year=d.year - 1)
            return d, d, "day"
        return date(d.year, d.month, 1), _month_end(d.year, d.month), "month"

    def foreign_rel(self, m: re.Match):
        if not self.anchor:
            return None
        key = self.hit.extra.get("rel") or ""
        n_s, unit = re.match(r"(?:in )?(\d+) (\w+)", key).groups()
        n = int(n_s) * (1 if key.startswith("in ") else -1)
        a = self.anchor
        if unit == "day":
            d = a + timedelta(days=n)
            return d, d, "day"
        if unit == "week":
            monday = a - timedelta(days=a.weekday()) + timedelta(weeks=n)
            return monday, (min(monday + timedelta(days=6), a) if n == 0 else monday + timedelta(days=6)), "week"
        if unit == "month":
            y, mo = _add_months(a.year, a.month, n)
            return date(y, mo, 1), _month_end(y, mo), "month"
        return date(a.year + n, 1, 1), date(a.year + n, 12, 31), "year"

    # ---------------------------------------------------------------- clause reading
    def _verb(self):
        h = self.hit
        span = self.ctx.doc.char_span(h.start, h.end, alignment_mode="expand") if h else None
        if span is None or len(span) == 0:
            return None
        for tok in [span.root, *span.root.ancestors]:
            if tok.pos_ in ("VERB", "AUX"):
                return tok
        return None

    def _future(self) -> bool:
        """Is the clause holding the hit about the future ("will meet on Monday")?"""
        v = self._verb()
        if v is None:
            return False
        heads = [v, *([v.head] if v.dep_ in ("xcomp", "ccomp", "conj") else [])]
        for h in heads:
            for c in h.children:
                if c.dep_ in ("aux", "auxpass") and c.lower_ in ("will", "'ll", "shall", "wo", "may", "might",
                                                                 "could", "would"):
                    return True
            if h.lemma_.lower() in ("due", "schedule", "plan", "expect", "set") and \
                    any(c.lower_ in ("is", "are", "be") for c in h.children) and v is not h:
                return True
            if h.lower_ == "going" and any(c.dep_ == "xcomp" for c in h.children):
                return True
        return False

    def _ongoing(self) -> bool:
        """A duration reaches publication unless its clause is simple past ("stayed for
        two weeks") or future."""
        v = self._verb()
        if v is None:
            return True
        aux = {c.lower_ for c in v.children if c.dep_ in ("aux", "auxpass")}
        if aux & {"will", "'ll", "shall", "would", "could", "might"}:
            return False
        if v.tag_ == "VBD" and not aux & {"have", "has", "'ve", "'s"}:
            return False
        if aux & {"had", "'d"}:
            return False
        return True


# ---------------------------------------------------------------- English patterns

def _c(p: str, flags: int = 0) -> re.Pattern:
    return re.compile(p, flags)


# Each rule names the _Resolver method that resolves its match (checked by tests/test_rules.py).
RULES = RuleTable("dates.en", _Resolver, [
    # ranges of days: "from 20 to 22 September", "between 3 and 5 March 2024", "20-22 Sept"
    rule(_c(r"(?P<prep>" + _LEAD + r"(?:[Ff]rom|[Bb]etween|[Oo]n|[Ii]n|[Dd]uring)\s+)?(?:the\s+)?(?P<d1>\d{1,2})" + _ORD +
        r"(?:\s+(?:of\s+)?" + _M1 + r")?(?P<sep>" + _SEP + r")(?:the\s+)?(?P<d2>\d{1,2})" + _ORD + r"\s+(?:of\s+)?" + _M +
        r"(?:,?\s+" + _Y + r")?\b"), "day_range",
         'from 20 to 22 September'),
    rule(_c(r"(?P<prep>" + _LEAD + r"(?:[Ff]rom|[Bb]etween|[Oo]n|[Ii]n|[Dd]uring)\s+)?" + _M1 + r"\s+(?P<d1>\d{1,2})" + _ORD +
        r"(?P<sep>" + _SEP + r")" + r"(?:" + _M + r"\s+)?(?P<d2>\d{1,2})" + _ORD + r"\b(?:,?\s+" + _Y + r")?"
        r"(?!\s*(?:%|per|people|km|kilomet|miles))"), "day_range",
         'from June 10 to 12', name="day_range_mdy"),
    # single days
    rule(_c(_PREP + r"(?P<core>" + _WD + r"(?P<day>\d{1,2})" + _ORD + r"\s+(?:of\s+)?" + _M + r"(?:,?\s+" + _Y + r")?)\b"), "full_date",
         'on 28 September 2023'),
    rule(_c(_PREP + r"(?P<core>" + _WD + _M + r"\s+(?P<day>\d{1,2})" + _ORD + r"\b(?:,?\s+" + _Y + r")?)"
        r"(?!\s*(?:%|per|people|km|kilomet|miles|-))"), "full_date",
         'on September 20, 2023'),
    rule(_c(_PREP + r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})\b"), "iso_date",
         '2023-09-20'),
    rule(_c(_PREP + r"(?<![\d/.])(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>(?:19|20)\d{2})\b(?![/.]\d)"), "numeric_date",
         '20/09/2023'),
    # months
    rule(_c(_PREP + _PART + _M + r",?\s+(?:of\s+)?" + _Y + r"\b"), "month_year",
         'in October 2020'),
    rule(_c(r"(?P<prep>" + _LEAD + r"(?:" + _PREP_WORDS + r"|[Oo]f)\s+(?:the\s+)?)?" + _PART +
        r"(?:(?P<rel>[Ll]ast|[Nn]ext|[Tt]his)\s+)?" + _M + r"\b(?!\s+\d|-\d)"), "month_only",
         'since June'),
    # years and decades
    rule(_c(_PREP + r"(?:the\s+)?" + _PART + r"(?P<decade>1[0-9]{2}0|20[0-9]0)'?s\b"), "decade",
         'in the 1990s'),
    rule(_c(r"(?P<prep>" + _LEAD + r"(?:[Ff]rom|[Bb]etween|[Ii]n|[Dd]uring|[Oo]ver)\s+(?:the\s+(?:years\s+)?)?)?"
        r"(?P<y1>1[5-9][0-9]{2}|20[0-9]{2})(?P<sep>" + _SEP + r")(?P<y2>(?:1[5-9]|20)[0-9]{2}|[0-9]{2})\b"
        r"(?![-/.,]\d)"), "year_range",
         'between 2019 and 2021'),
    rule(_c(r"(?P<prep>" + _LEAD + r"(?:" + _PREP_WORDS + r"|[Oo]f|[Bb]etween|[Tt]hrough)\s+)?" + _PART +
        r"(?:(?P<the>[Tt]he)\s+)?" + _Y + r"\b(?:\s+(?P<noun>[a-z]+))?"), "year",
         'in 1991'),
    # days named relative to publication
    rule(_c(r"(?P<word>(?:[Tt]he day (?:before yesterday|after tomorrow))|[Yy]esterday|[Tt]oday|[Tt]omorrow|"
        r"[Ll]ast night|[Tt]his (?:morning|afternoon|evening)|[Tt]onight|[Oo]vernight)\b"), "day_word",
         'yesterday'),
    rule(_c(r"(?:(?<=[.!?…:;\"“‘(\n]\s)|(?<=[.!?…:;\"“‘(\n])|(?<=\.\.\.\s)|^)(?P<word>Now)\b(?!\s+that\b|,?\s+(?:is|was)\b)",
        re.M), "now",
         'Now the town is quiet.'),
    rule(_c(r"(?P<prep>" + _LEAD + r"(?:[Oo]n|[Ss]ince|[Bb]y|[Uu]ntil|[Tt]ill|[Ee]arly|[Ll]ate|[Bb]efore|[Aa]fter|[Ff]rom)\s+)?"
        r"(?:(?P<rel>[Ll]ast|[Nn]ext|[Tt]his|[Pp]ast)\s+)?(?P<wday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
        r"(?:\s+(?:night|morning|evening|afternoon))?\b(?!,?\s+(?:the\s+)?\d)"), "weekday",
         'on Monday'),
    rule(_c(r"(?:(?:[Ee]arlier|[Ll]ater|[Ee]arly|[Ll]ate)\s+(?:in\s+)?)?(?P<the>[Tt]he\s+)?(?P<rel>[Ll]ast|[Nn]ext|[Tt]his|[Pp]revious|[Pp]ast|"
        r"[Cc]oming)\s+(?P<unit>week|weekend|month|year)\b(?!\s+of\b)"), "relative_period",
         'last week'),
    rule(_c(r"(?:[Oo]ver|[Dd]uring|[Aa]t|[Oo]n)\s+the\s+(?P<unit>weekend)\b"), "weekend",
         'over the weekend'),
    rule(_c(r"\b" + _NUMW + r"\s+" + _UNIT + r"\s+(?:(?P<dir>ago|earlier|later)\b|(?P<dir2>before|after)(?=\s*[,.;)]))",
        re.I), "ago",
         'two months ago'),
    rule(_c(r"(?P<prep>" + _LEAD + r"(?:[Dd]uring|[Ii]n|[Oo]ver|[Ss]ince|[Tt]hroughout|[Bb]y|[Uu]ntil|[Ll]ate|[Ee]arly)\s+)?"
        r"(?:(?:the|early|late|mid-?)\s+)?(?:(?P<rel>[Ll]ast|[Tt]his|[Nn]ext|[Pp]ast)\s+)?(?:(?:early|late|mid-?)\s*)?"
        r"(?P<season>[Ss]pring|[Ss]ummer|[Aa]utumn|[Ww]inter)(?:\s+(?:of\s+)?" + _Y + r")?\b"
        r"(?!\s+(?:[Oo]lympics|[Gg]ames|[Pp]alace|[Ss]chool|[Ss]olstice))"), "season",
         'last summer'),
    rule(_c(r"(?<=\bfor\s)(?:the\s+(?:past|last)\s+)?" + _DURATION_PREFIX + _NUMW + r"\s+" + _UNIT +
        r"\b(?!\s+(?:old|of\s+age|later|earlier|ago|before|after))", re.I), "duration",
         'for nine months'),
    rule(_c(r"(?:[Ii]n|[Oo]ver|[Dd]uring|[Ff]or)\s+the\s+(?:past|last)\s+" + _NUMW + r"\s+" + _UNIT + r"\b", re.I), "duration",
         'over the past three weeks'),
    rule(_c(r"(?:[Ii]n|[Oo]ver|[Dd]uring)\s+(?:the\s+)?(?P<dir>recent|past|coming|next)\s+(?:few\s+)?(?P<unit>day|week|month)s\b"
        r"(?!\s+(?:before|preceding|after|following|leading))"), "recent",
         'in recent weeks'),
    # relative to the narrative
    rule(_c(r"(?:(?:[Ll]ater|[Ee]arlier)\s+)?(?:[Tt]he\s+(?:next|following|previous|prior|same)\s+(?:day|morning|evening|night|week)|"
        r"[Tt]he\s+day\s+(?:before|after)(?!\s+(?:yesterday|tomorrow))|[Tt]hat\s+(?:same\s+)?(?:day|morning|evening|night))\b"), "anaphor_day",
         'the next day'),
    rule(_c(r"(?:(?<=\bafter\s)|(?<=\bwithin\s))(?:just\s+|only\s+)?(?P<n>one|a single|two|three|four|five|\d)\s+days?(?=\s+of\s+\w)",
        re.I), "span_of",
         'after one day of fighting'),
    rule(_c(r"(?P<prep>[Ii]n|[Oo]ver|[Dd]uring)\s+the\s+(?:(?:few|last|first)\s+)?(?P<unit>day|week|month)s\s+"
        r"(?P<rel>preceding|before|leading up to|prior to|following|after)"), "around_event",
         'in the weeks preceding the vote'),
])

_NOT_A_YEAR_AFTER = re.compile(r"^\s*(?:people|persons|civilians|soldiers|troops|fighters|km|kilomet|miles|metres|meters|"
                               r"tons|tonnes|dollars|euros|families|homes|houses|buildings|refugees|men|women|children|"
                               r"%|-year|percent|per\b|[a-z]*-(?:strong|old)|[-–]\d)", re.I)
_NOT_A_YEAR_BEFORE = re.compile(r"(?:[$€£#]|\d[,.]|No\.|number|about|some|least|than|nearly|around|almost|over|"
                                r"approximately|roughly|total of|up to)\s*$", re.I)
# nouns a year can name as an event: "the 2020 war"
_YEAR_NOUNS = re.compile(r"^(?:war|wars|election|elections|conflict|offensive|earthquake|quake|invasion|ceasefire|"
                         r"truce|agreement|accord|accords|deal|treaty|revolution|uprising|coup|referendum|census|flood|"
                         r"floods|famine|genocide|massacre|crisis|protests|riots|attack|attacks|siege|blockade|"
                         r"campaign|tsunami|cyclone|hurricane|typhoon|storm|drought|fighting|clashes|escalation|"
                         r"independence|election|vote|polls|war|crackdown|purge|exodus|disaster|outbreak)$")
_DATELINE_MAX_WORDS = 12


# ---------------------------------------------------------------- other languages

_FOREIGN_YEAR_PREPS = {
    "fr": r"en|depuis|jusqu'en|dès|avant|après", "es": r"en|desde|hasta|antes de|después de",
    "pt": r"em|desde|até|antes de|depois de", "it": r"nel|dal|fino al|prima del|dopo il",
    "de": r"im Jahr|seit|bis|vor|nach", "nl": r"in|sinds|tot", "ru": r"в|с|до|после",
    "uk": r"в|у|з|до|після", "tr": r"", "ar": r"في|منذ|عام",
}


@functools.lru_cache(maxsize=32)
def _foreign_patterns(lang: str) -> tuple[tuple[re.Pattern, str, dict], ...]:
    """Patterns for absolute dates and "yesterday"-like words in ``lang``, from
    dateparser's locale data (month names, relative words)."""
    try:
        from dateparser.languages.loader import default_loader
        info = default_loader.get_locale(lang).info
    except Exception:  # noqa: BLE001 - unknown language
        return ()
    names = set()
    for key in ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december"):
        names.update(n for n in info.get(key, []) if len(n) >= 3 and not n.isdigit())
    if not names:
        return ()
    month = r"(?P<month>" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\.?"
    link = r"(?:\s+(?:de|del|di|do|da|of)\s+|,?\s+|\s*\.\s*)"
    day = r"(?P<day>\d{1,2})(?:\.|er|º|ª|°|-?го|-?е)?"
    year = r"(?P<year>1[5-9]\d{2}|20\d{2})"
    b, e = r"(?<![\w\d])", r"(?![\w\d])"
    pats: list[tuple[re.Pattern, str, dict]] = [
        (re.compile(b + day + link + month + r"(?:" + link + year + r")?" + e, re.I), "foreign", {}),
        (re.compile(b + month + r"\s+" + day + r",?\s+" + year + e, re.I), "foreign", {}),
        (re.compile(b + month + link + year + e, re.I), "foreign", {}),
        (re.compile(b + r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})" + e), "iso_date", {}),
        (re.compile(r"(?<![\d/.])(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>(?:19|20)\d{2})\b(?![/.]\d)"),
         "numeric_date", {}),
    ]
    preps = _FOREIGN_YEAR_PREPS.get(lang)
    if preps:
        pats.append((re.compile(b + r"(?P<prep>(?:" + preps + r")\s+)" + _Y + e, re.I), "year", {}))
    for key, words in (info.get("relative-type") or {}).items():
        if not re.fullmatch(r"(?:in )?[012] (?:day|week|month|year)(?: ago)?", key):
            continue
        for w in words:
            if len(w) >= 3:
                pats.append((re.compile(b + re.escape(w) + e, re.I), "foreign_rel", {"rel": key}))
    return tuple(pats)


# ---------------------------------------------------------------- the extractor

def extract(ctx: DocContext) -> list[TimeExpr]:
    text = ctx.text
    english = (ctx.language or "en").split("-")[0].lower() == "en"
    found: list[_Hit] = []
    if english:
        for r in RULES:
            for m in r.pattern.finditer(text):
                hit = _english_hit(ctx, m, r.handler)
                if hit is not None:
                    found.append(hit)
    else:
        for pat, method, extra in _foreign_patterns((ctx.language or "").split("-")[0].lower()):
            for m in pat.finditer(text):
                if method == "year" and not _plausible_year(ctx, m):
                    continue
                found.append(_Hit(m.start(), m.end(), method, m, extra=extra))
    chosen = _longest_first(found)

    res = _Resolver(ctx)
    out: list[_Hit] = []
    for hit in chosen:
        res.hit = hit
        got = getattr(res, hit.method)(hit.m)
        if got is None:
            continue
        hit.d0, hit.d1, hit.prec = got
        hit.dateline = _is_dateline(text, hit)
        out.append(hit)
        if hit.dateline or hit.method in ("around_event", "span_of"):
            continue
        if hit.method not in ("duration", "recent", "now"):
            res.last = hit
        if hit.prec == "day":
            res.last_day = hit
    out = _merge_ranges(text, out)
    _around(out, ctx.published)
    return [_record(ctx, h) for h in out if h.d0 and h.d0 != date.min]


def _english_hit(ctx: DocContext, m: re.Match, method: str) -> _Hit | None:
    text = ctx.text
    start, end = m.start(), m.end()
    if end - start < 3:
        return None
    if method in ("day_range", "year_range") and not _valid_range(m, method):
        return None
    if method == "year":
        if not _plausible_year(ctx, m):
            return None
        if m.group("the"):  # "the 2020 war": the year with its noun, no preposition
            start, end = m.start("the"), m.end("noun")
        else:
            end = m.end("year")
    elif method == "month_only" and not _plausible_month(ctx, m):
        return None
    elif method == "day_word" and m.group(0)[0].isupper() and not _sentence_initial(text, m.start()):
        return None  # "Thinking About Tomorrow": a capitalised day word mid-sentence is a title
    elif method == "weekday" and not (m.group("prep") or m.group("rel")) and _in_name(text, start):
        return None  # "Black Friday", "Bloody Sunday": a weekday in a name
    elif method == "day_word" and m.group("word").lower() == "overnight" and not _is_adverb(ctx, m.start(), end):
        return None
    elif method == "season" and not _plausible_season(text, m):
        return None
    if _inside_name(ctx, start, end, method):
        return None
    return _Hit(start, end, method, m)


def _longest_first(found: list[_Hit]) -> list[_Hit]:
    """Longest match wins where expressions overlap."""
    chosen: list[_Hit] = []
    for hit in sorted(found, key=lambda h: (-(h.end - h.start), h.start)):
        if all(hit.end <= c.start or hit.start >= c.end for c in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


_RANGE_GAP = re.compile(r"^\s*(?:-|–|—|to|and|until|till|through|thru)\s*$", re.I)
_RANGE_START = re.compile(r"^(?:from|between|since)\b", re.I)
_RANGE_END = re.compile(r"^(?:until|till|to|through)\b", re.I)


def _merge_ranges(text: str, hits: list[_Hit]) -> list[_Hit]:
    """"from March to May 2023", "between 20 September and 2 October", "from 1988 until
    1994": two expressions joined into one range."""
    out: list[_Hit] = []
    for h in hits:
        prev = out[-1] if out else None
        if prev is not None and h.start - prev.end <= 12 and prev.d0 and h.d0 and not prev.dateline and \
                "around_event" not in (prev.method, h.method):
            gap = text[prev.end:h.start]
            first, second = text[prev.start:prev.end], text[h.start:h.end]
            joined = (_RANGE_GAP.match(gap) and (_RANGE_START.match(first) or gap.strip() in ("-", "–", "—"))
                      and not (gap.strip().lower() == "and" and not first.lower().startswith("between"))) or \
                     (not gap.strip() and _RANGE_END.match(second) and
                      (_RANGE_START.match(first) or (prev.prec == h.prec and prev.method in ("month_only", "year"))))
            if joined and prev.method == "month_only" and h.m is not None and h.m.groupdict().get("year"):
                # "from March to May 2023": the first month takes the year of the second
                y = h.d0.year - (prev.d0.month > h.d0.month)
                prev.d0 = date(y, prev.d0.month, 1)
            if joined and h.d1 >= prev.d0 and (h.d1 - prev.d0).days < 366 * 60:
                merged = _Hit(prev.start, h.end, "range", None, prev.d0, h.d1, "range")
                out[-1] = merged
                continue
        out.append(h)
    return out


def _around(hits: list[_Hit], published: date | None) -> None:
    """"in the weeks preceding <event>": the weeks before the date named with the event
    (the next expression, if it follows closely), else before the first event the
    report dates (its lede), else before publication."""
    story = next((h for h in hits if h.prec == "day" and not h.dateline
                  and h.method not in ("around_event", "span_of")), None)
    for i, h in enumerate(hits):
        if h.method != "around_event":
            continue
        nxt = hits[i + 1] if i + 1 < len(hits) else None
        unit, rel = h.m.group("unit").lower(), h.m.group("rel").lower()
        span = timedelta(days=VAGUE_SPAN[unit])
        if nxt is not None and nxt.start - h.end <= 60 and nxt.d0 and nxt.d0 != date.min and nxt.prec != "day":
            # "in the weeks before the 2020 election": some weeks in or just before that period
            if rel in ("following", "after"):
                h.d0, h.d1 = nxt.d0, nxt.d1 + span
            else:
                h.d0, h.d1 = nxt.d0 - span, nxt.d1
            h.prec = "range"
            continue
        if nxt is not None and nxt.start - h.end <= 60 and nxt.d0 and nxt.d0 != date.min:
            ref = nxt.d0
        else:
            ref = story.d0 if story is not None else published
        if ref is None:
            h.d0 = None
            continue
        if rel in ("following", "after"):
            h.d0, h.d1 = ref + timedelta(days=1), ref + span
        else:
            h.d0, h.d1 = ref - span, ref - timedelta(days=1)
        h.prec = "range"


def _record(ctx: DocContext, h: _Hit) -> TimeExpr:
    text = ctx.text
    start, end = h.start, h.end
    while end > start and text[end - 1] in " ,.;:":
        end -= 1
    sent = ctx.sentence_of(start, end)
    return TimeExpr(start=start, end=end, sentence=sent.text.strip(), surface=text[start:end],
                    value=_value(h.d0, h.d1, h.prec), precision=h.prec, date_start=h.d0, date_end=h.d1,
                    anchor=ctx.published)


def _is_dateline(text: str, h: _Hit) -> bool:
    """A date standing on a short line of its own near the top (dateline, byline)."""
    if h.start > max(600, len(text) // 10) or h.prec != "day":
        return False
    a = text.rfind("\n", 0, h.start) + 1
    b = text.find("\n", h.end)
    line = text[a:b if b >= 0 else len(text)]
    rest = line.replace(text[h.start:h.end], " ")
    return len(re.findall(r"[^\W\d_]+", rest)) <= _DATELINE_MAX_WORDS and not re.search(r"[.!?]\s+[A-Z]", rest)


def _token_span(ctx: DocContext, start: int, end: int):
    return ctx.doc.char_span(start, end, alignment_mode="expand")


def _inside_name(ctx: DocContext, start: int, end: int, method: str) -> bool:
    """A month or weekday inside a person's or organisation's name ("June Carter")."""
    if method not in ("month_only", "weekday", "season"):
        return False
    for ent in ctx.doc.ents:
        if ent.start_char <= start and end <= ent.end_char and ent.label_ in ("PERSON", "ORG", "WORK_OF_ART", "EVENT") \
                and len(ent.text) > end - start:
            return True
    return False


def _is_adverb(ctx: DocContext, start: int, end: int) -> bool:
    span = _token_span(ctx, start, end)
    return span is not None and len(span) > 0 and span[0].pos_ == "ADV"


def _plausible_year(ctx: DocContext, m: re.Match) -> bool:
    text = ctx.text
    y = _y(m)
    if y is None:
        return False
    prep = m.groupdict().get("prep")
    part = m.groupdict().get("part")
    if m.groupdict().get("the") and not _YEAR_NOUNS.match((m.group("noun") or "").strip()) and \
            not _singular_noun_after(ctx, m.end("year")):
        return False  # "the 1990 people": a number
    if not (prep or part) and not 1800 <= y <= (ctx.published.year if ctx.published else date.today().year) + 30:
        return False
    if prep and not 1000 <= y <= 2100:
        return False
    ys, ye = m.start("year"), m.end("year")
    before, after = text[max(0, m.start() - 14):m.start()], text[ye:ye + 14]
    if _NOT_A_YEAR_AFTER.match(after) or _NOT_A_YEAR_BEFORE.search(before):
        return False
    if re.match(r"^(?:[,.]\d|[-–/]\d|\s*\d)", after) or re.search(r"(?:\d[,.]?|[-–/])$", before):
        return False
    if not (prep or part or m.groupdict().get("the")):
        label = re.search(r"\b([A-Z][a-z]*\.?)\s+$", before)
        if label and label.group(1).rstrip(".").lower() not in MONTHS and label.group(1).lower() not in SEASONS:
            return False  # "Resolution 2334", "Flight 2017", "Highway 1990": a number in a name
        span = _token_span(ctx, ys, ye)
        if span is not None and len(span) == 1 and span[0].ent_type_ != "DATE":
            tok = span[0]
            if tok.ent_type_ in ("CARDINAL", "MONEY", "QUANTITY", "PERCENT") or \
                    (tok.dep_ == "nummod" and tok.head.tag_ in ("NNS", "NNPS")):
                return False
    return True


def _singular_noun_after(ctx: DocContext, pos: int) -> bool:
    span = _token_span(ctx, pos, min(len(ctx.text), pos + 1))
    if span is None:
        return False
    nxt = ctx.doc[span.end] if span.end < len(ctx.doc) else None
    return nxt is not None and nxt.tag_ == "NN"


def _in_name(text: str, i: int) -> bool:
    """Is the word at ``i`` preceded by a capitalised word that does not open a sentence?"""
    w = re.search(r"([A-Z][a-z]+)\s+$", text[max(0, i - 25):i])
    return bool(w) and not _sentence_initial(text, i - len(w.group(0))) and \
        w.group(1) not in ("On", "By", "Since", "Until", "Last", "Next", "This", "Early", "Late")


def _sentence_initial(text: str, i: int) -> bool:
    before = text[max(0, i - 3):i]
    return i == 0 or bool(re.search(r"(?:[.!?:\n]\s*|[\"“(]\s*|^\s*)$", before))


def _plausible_month(ctx: DocContext, m: re.Match) -> bool:
    month = m.group("month")
    if not month[0].isupper():
        return False
    # "may" and "march" are also a verb and a noun: only with a preposition or "last/next"
    if month.lower().rstrip(".") in ("may", "march", "jan", "mar", "dec", "sep", "oct", "nov", "jun", "jul", "aug",
                                     "apr", "feb") and not (m.group("prep") or m.group("rel") or m.group("part")):
        return False
    return True


def _plausible_season(text: str, m: re.Match) -> bool:
    season = m.group("season")
    if season[0].isupper() and not _sentence_initial(text, m.start("season")) and \
            not (m.group("prep") or m.group("rel") or m.groupdict().get("year")):
        return False  # "Arab Spring", "Operation Winter Storm"
    if season.lower() == "fall" and not (m.group("prep") or m.group("rel") or m.groupdict().get("year")):
        return False  # the verb
    if season.lower() == "spring" and re.match(r"\s+(?:water|of\b)", text[m.end():m.end() + 9]):
        return False
    return True


def _value(d0: date, d1: date, prec: str) -> str:
    if prec == "day":
        return d0.isoformat()
    if prec == "month":
        return d0.strftime("%Y-%m")
    if prec == "year":
        return str(d0.year)
    return f"{d0.isoformat()}/{d1.isoformat()}"
