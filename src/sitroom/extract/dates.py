"""Time expressions, typed and valued as TIMEX3 and resolved against the publication date.

dateparser reads absolute dates well but returns nothing for "last December" or
"since June", reads a bare month as a day and durations as "ago" (see
notes/dependencies), and its ``search_dates`` finds weekdays in "We" and "sat". So the
expressions are found with patterns of our own and resolved by calendar rules; the words
they are made of (numbers, units, seasons, parts of the day, references such as "now")
are data, in ``data/lexicons/date_words.tsv``.

Every expression gets a TIMEX3 type and value (TimeML, as TempEval-3 scores them):

- DATE, resolved against the publication date: "14 February 2021", "September 20" (the
  most recent one, the next one in a future or present-tense clause), "in October 2020",
  "in 1991", "the 1990s", "mid-2022", "the fourth quarter", ranges ("from 20 to 22
  September", "between 2019 and 2021"); "yesterday", "on Monday" (most recent, or next in
  a future-tense clause), "last week" (the previous ISO week, value ``2024-W10``), "this
  week" (the ISO week of publication), "last December", "since June", "through June"
  (this June when written in March and the clause is not in the past), "two months ago",
  "four years ago" (year precision), "earlier this month", seasons ("2023-SU");
- DATE relative to the narrative: "a year earlier", "two days later", "the next day" (from
  the date the narrative last named), "after one day of fighting" (the day the narrative
  is on);
- TIME: "Friday afternoon", "last night", "15:00 GMT Saturday", "at 8 pm";
- DURATION: "for three weeks" (P3W), "a decade", "the past two years", "18-month",
  "in recent weeks" and "in the weeks preceding <event>" (vague: PXW, no calendar window);
  a state that has lasted up to publication ("under siege for nine months", "over the
  past week") also gets its window ending at publication;
- SET: "every week" (P1W), "daily", "annually";
- references with no calendar value: "now", "currently" (PRESENT_REF), "recently", "in
  the past" (PAST_REF), "the future" (FUTURE_REF).

``extract`` returns the expressions that have a calendar window (``TimeExpr``, what the
other extractors read and the store keeps); ``timexes`` returns every TIMEX3 with its
extent (without the preposition before it), type and value.

In other languages (``ctx.language``) absolute dates, months named alone (after a
preposition, with a part of the month or a relative word: "en marzo", "Anfang Mai",
"septembre dernier"), weekdays (with a part of the day, "Dienstagabend"), the weekend,
ranges of days or weekdays and "yesterday"-like words are read: month and weekday names
and relative words come from dateparser's locale data and the date lexicon (the names and
words the locales lack: "в марте", "أيار", "vergangene Woche", "أول أمس"); a date is read
from the pattern's groups, dateparser (RELATIVE_BASE = publication, dates from the past)
parsing what they do not give. Digits in Arabic-Indic script read as ASCII ones. The English
patterns run on English only; spaCy's parse decides tense (future and present-tense
clauses look forward), adverbs ("overnight") and counts that look like years ("2500
families").
"""
from __future__ import annotations

import calendar
import functools
import re
from bisect import bisect_left, insort
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import dateparser

from sitroom.extract import lexicon
from sitroom.extract.context import PAGE_DATE_LABEL, DocContext
from sitroom.extract.rules import RuleTable, rule
from sitroom.extract.fast_patterns import could_match, fold, needed_words
from sitroom.models import TimeExpr

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}
SEASON_OF_MONTH = {m: code for code, (a, b) in SEASON_MONTHS.items()
                   for m in ([12, 1, 2] if code == "WI" else range(a, b + 1))}


def _words(role: str, lang: str | None = "en") -> dict[str, str]:
    """term (lower case) -> value, for one role of the date lexicon."""
    return {r.term.lower(): r.value for r in lexicon.rows("date_words", lang) if r.role == role}


def _alt(role: str, lang: str | None = "en") -> str:
    return lexicon.alternation("date_words", lang, role=role)


NUMBERS = _words("number")            # "three" -> "3", "several" -> "X"
UNITS = _words("unit")                # "week" -> "W", "decade" -> "10Y", "hour" -> "TH"
SEASONS = _words("season")            # "summer" -> "SU"
PARTS_OF_DAY = _words("part_of_day")  # "night" -> "NI"
REFS = _words("ref")                  # "now" -> "PRESENT_REF"
SETS = _words("set")                  # "weekly" -> "P1W"

_MN = (r"January|February|March|April|May|June|July|August|September|October|November|December|"
       r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec")
_M = r"(?P<month>" + _MN + r")\.?"
_M1 = r"(?P<month1>" + _MN + r")\.?"
_ORD = r"(?:st|nd|rd|th)?"
_Y = r"(?P<year>1[0-9]{3}|20[0-9]{2})"
_WDN = r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_WD = r"(?:(?P<weekday>" + _WDN + r"),?[^\S\n]+(?:the\s+)?)?"
_LEAD = r"(?:(?:[Aa]lso|[Ee]ven|[Oo]nly|[Jj]ust)\s+)?"
_PREP_WORDS = (r"[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]y|[Ff]rom|[Ii]n|[Oo]n|[Dd]uring|[Bb]efore|[Aa]fter|[Tt]hroughout|[Tt]hrough|"
               r"[Aa]s of|[Aa]s early as|[Ee]arly|[Ll]ate|[Ss]tarting|"
               r"(?:(?:[Aa]t|[Bb]y|[Ii]n|[Ss]ince|[Uu]ntil|[Ff]rom)\s+)?(?:the\s+)?(?:end|start|beginning|middle) of")
_PREP = r"(?P<prep>" + _LEAD + r"(?:" + _PREP_WORDS + r")\s+(?:the\s+)?)?"
_PART = r"(?:(?P<part>[Ee]arly|[Mm]id|[Ll]ate)(?:-|\s+))?"
_TENS = "|".join(t for t, v in NUMBERS.items() if v.isdigit() and 20 <= int(v) <= 90 and int(v) % 10 == 0)
_ONES = "|".join(t for t, v in NUMBERS.items() if v.isdigit() and 1 <= int(v) <= 9 and " " not in t and len(t) > 2)
_NUMW = r"(?P<n>\d+(?:\.\d+)?|(?i:(?:" + _TENS + r")-(?:" + _ONES + r")|" + _alt("number") + r"))"
_UNIT = r"(?P<unit>(?i:centuries|" + _alt("unit") + r")s?)"
_CAL_UNIT = r"(?P<unit>(?i:day|week|fortnight|month|quarter|year|decade)s?)"
_SEP = r"\s*(?:-|–|—|to|and|until|till|through|thru)\s*"
_DURATION_PREFIX = (r"(?:(?:more than|less than|fewer than|over|under|nearly|almost|about|around|some|at least|"
                    r"at most|a mere|only|just|roughly|approximately|up to)\s+)?")
_POD = r"(?P<pod>" + _alt("part_of_day") + r")"
_CLOCK = (r"(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\b\.?)|"
          r"(?P<h2>[01]?\d|2[0-3]):(?P<mi2>[0-5]\d)(?![:\d])|"
          r"(?P<h3>[01]\d|2[0-3])(?P<mi3>[0-5]\d)(?=\s*(?:UTC|GMT|hours|hrs)\b)")
_TZ = r"(?:\s*(?P<tz>UTC|GMT|Z|[ECMP][SD]T|local time)(?:\s*\(?\s*[+-]\s*\d{1,2}(?::?\d{2})?\s*\)?)?)?"


@dataclass
class Timex:
    """One TIMEX3: its extent in the text (without the preposition before it), type and value."""
    start: int
    end: int
    type: str          # DATE | TIME | DURATION | SET
    value: str         # "2013-03-22", "2013-W11", "P3W", "PRESENT_REF", "XXXX-WXX-1"
    surface: str


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
    ttype: str = "DATE"
    tvalue: str | None = None
    core: tuple[int, int] | None = None        # the TIMEX3 extent where it is not start..end less a preposition
    parts: list["_Hit"] = field(default_factory=list)  # a range joined from two expressions


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


def _num(word: str | None) -> int | float | None:
    """A count: digits, a number word ("three", "twenty-five"); None for a vague one ("several")."""
    if not word:
        return 1
    w = " ".join(word.lower().split())
    if re.fullmatch(r"\d+(?:\.\d+)?", w):
        return float(w) if "." in w else int(w)
    v = NUMBERS.get(w)
    if v is None and "-" in w:
        a, _, b = w.partition("-")
        va, vb = NUMBERS.get(a), NUMBERS.get(b)
        return int(va) + int(vb) if va and vb and va.isdigit() and vb.isdigit() else None
    return int(v) if v and v.isdigit() else None


def _n(word: str) -> int:
    """A count for calendar arithmetic (vague counts read as a few)."""
    v = _num(word)
    return int(v) if v is not None else 3


def _unit_code(word: str) -> str:
    w = word.lower()
    w = "century" if w == "centuries" else w
    return UNITS.get(w) or UNITS.get(w[:-1] if w.endswith("s") else w) or "D"


def _period(n: int | float | None, code: str, half: bool = False) -> str:
    """TIMEX3 duration value: (3, "W") -> "P3W", (None, "Y") -> "PXY", (2, "TH") -> "PT2H"."""
    mult, t, unit = re.fullmatch(r"(\d*)(T?)([A-Z]+)", code).groups()
    k = int(mult or 1)
    if n is None:
        num = "X"
    else:
        v = n * k + (k / 2 if half else 0)
        num = str(int(v)) if float(v).is_integer() else f"{v:g}"
    return f"P{t}{num}{unit}"


def _dt(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 12)


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    i = y * 12 + (m - 1) + k
    return i // 12, i % 12 + 1


def _month_of(m: re.Match, key: str = "month") -> int:
    return MONTHS[m.group(key).lower().rstrip(".")]


def _year_of_weekday(month: int, day: int, weekday: int) -> date | None:
    """The latest day-month up to today that fell on ``weekday`` ("Thursday 14 March":
    2024), within the last 28 years (the calendar repeats)."""
    today = date.today()
    for y in range(today.year, today.year - 29, -1):
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if d <= today and d.weekday() == weekday:
            return d
    return None


def _iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


NONE = (None, None, "none")  # a resolved expression with no calendar window (a duration, "now")


class _Resolver:
    """Calendar rules; each method returns (date_start, date_end, precision), ``NONE``
    for an expression with a TIMEX3 value but no calendar window, or None (not a time
    expression after all)."""

    def __init__(self, ctx: DocContext):
        self.ctx = ctx
        self.anchor = ctx.published
        self.last: _Hit | None = None       # the last day/week/month named: for "a year earlier"
        self.last_day: _Hit | None = None   # the last day named (not the dateline): "the next day"
        self.hit: _Hit | None = None        # the hit being resolved

    def _timex(self, ttype: str, value: str | None = None):
        self.hit.ttype = ttype
        if value is not None:
            self.hit.tvalue = value

    # ---------------------------------------------------------------- absolute
    def full_date(self, m: re.Match):
        day, month, year = int(m.group("day")), _month_of(m), _y(m)
        if not 1 <= day <= calendar.monthrange(year or 2000, month)[1]:
            return None
        if year:
            return date(year, month, day), date(year, month, day), "day"
        if not self.anchor:
            # "Thursday, March 14" in a report with no date: the weekday gives the year
            d = _year_of_weekday(month, day, WEEKDAYS[m.group("weekday").lower()]) if m.group("weekday") else None
            return (d, d, "day") if d else None
        d = self._nearest_day(month, day)
        return d, d, "day"

    def _nearest_day(self, month: int, day: int) -> date:
        """A day-month without a year: the most recent one (a month of slack for reports
        dated a little early), the next one in a future or present-tense clause."""
        a = self.anchor
        prep = ((self.hit.m.groupdict().get("prep") if self.hit and self.hit.m else None) or "").split()
        fwd = self._forward(prep[-1] if prep else "")
        if fwd == "future" or (fwd == "present" and (month, day) >= (a.month, a.day)):
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
        return self._day_range(int(m.group("d1")), month1, int(m.group("d2")), month2, _y(m))

    def _day_range(self, d1: int, month1: int, d2: int, month2: int, year: int | None):
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
        prep = (m.group("prep") or "").lower().split()
        a = self.anchor
        if rel == "next":
            year = a.year + (month <= a.month)
        elif rel == "last":
            year = a.year - (month >= a.month)
        elif rel == "this":
            year = a.year
        elif m.groupdict().get("ofrel"):  # "October of next year"
            year = a.year + {"next": 1, "last": -1}.get(m.group("ofrel").lower(), 0)
        elif "since" not in prep and (fwd := self._forward(prep[-1] if prep else "")) and \
                (fwd == "future" or month >= a.month):
            year = a.year + (month < a.month)
        else:
            year = a.year - (month > a.month)
        return date(year, month, 1), _month_end(year, month), "month"

    def year(self, m: re.Match):
        y = _y(m)
        return date(y, 1, 1), date(y, 12, 31), "year"

    def year_range(self, m: re.Match):
        y1, y2 = _year_pair(m)
        h = self.hit
        h.parts = [_Hit(m.start("y1"), m.end("y1"), "year", None, date(y1, 1, 1), date(y1, 12, 31), "year",
                        tvalue=str(y1)),
                   _Hit(m.start("y2"), m.end("y2"), "year", None, date(y2, 1, 1), date(y2, 12, 31), "year",
                        tvalue=str(y2))]
        h.tvalue = f"{y1}/{y2}"
        return date(y1, 1, 1), date(y2, 12, 31), "range"

    def decade(self, m: re.Match):
        y = int(m.group("decade"))
        part = (m.group("part") or "").lower()
        self._timex("DATE", str(y)[:3])
        if part == "early":
            return date(y, 1, 1), date(y + 3, 12, 31), "range"
        if part == "mid":
            return date(y + 3, 1, 1), date(y + 6, 12, 31), "range"
        if part == "late":
            return date(y + 6, 1, 1), date(y + 9, 12, 31), "range"
        return date(y, 1, 1), date(y + 9, 12, 31), "decade"

    def short_decade(self, m: re.Match):
        """"the 80s": the 1980s."""
        y = 1900 + int(m.group("dd"))
        self._timex("DATE", str(y)[:3])
        return date(y, 1, 1), date(y + 9, 12, 31), "decade"

    def century(self, m: re.Match):
        """"the 20th century": TIMEX3 value "19", no calendar window worth keeping."""
        c = int(m.group("c"))
        if not 1 <= c <= 21:
            return None
        self._timex("DATE", f"{c - 1:02d}")
        self.hit.core = (m.start("c"), m.end())
        return NONE

    def quarter(self, m: re.Match):
        """"the first quarter of 2009", "the fourth quarter", "Q3", "the second half of last year"."""
        g = m.groupdict()
        ordw = (g.get("ord") or g.get("qn") or "").lower()
        half = (g.get("q") or "").lower() == "half"
        count = 2 if half else 4
        k = {"first": 1, "1st": 1, "1": 1, "second": 2, "2nd": 2, "2": 2, "third": 3, "3rd": 3, "3": 3,
             "fourth": 4, "4th": 4, "4": 4}.get(ordw)
        year, rel = _y(m), (g.get("rel") or "").lower()
        if year is None and not self.anchor:
            return None
        a = self.anchor
        months = 12 // count
        current = ((a.month - 1) // months + 1) if a else None
        if ordw in ("final", "last") and year is None and not rel:
            k = current - 1 if current > 1 else count  # the last quarter completed
            year = a.year - (current == 1)
        elif ordw in ("final", "last"):
            k = count
        if k is None or k > count:
            return None
        if year is None:
            year = a.year + {"last": -1, "previous": -1, "next": 1}.get(rel, 0)
            if not rel and k > current and self._past():
                year -= 1  # "the fourth quarter" in spring: last year's
        start = date(year, (k - 1) * months + 1, 1)
        end = _month_end(year, k * months)
        self._timex("DATE", f"{year}-{'H' if half else 'Q'}{k}")
        return start, end, "range"

    # ---------------------------------------------------------------- relative to publication
    def day_word(self, m: re.Match):
        if not self.anchor:
            return None
        w = " ".join(m.group("word").lower().split())
        shift = {"yesterday": -1, "last night": -1, "overnight": -1, "tomorrow": 1,
                 "the day before yesterday": -2, "the day after tomorrow": 2}.get(w, 0)
        d = self.anchor + timedelta(days=shift)
        pod = {"last night": "NI", "tonight": "NI"}.get(w) or next(
            (PARTS_OF_DAY[p] for p in PARTS_OF_DAY if w.startswith("this ") and w.endswith(p)), None)
        if pod:
            self._timex("TIME", f"{d.isoformat()}T{pod}")
        return d, d, "day"

    def _weekday_date(self, wd: int, rel: str = "") -> date:
        a = self.anchor
        if rel in ("next", "next_or_same") or (rel != "last" and self._future()):
            delta = (wd - a.weekday()) % 7 or (7 if rel == "next" else 0)
            return a + timedelta(days=delta)
        delta = (a.weekday() - wd) % 7
        if rel == "last" and delta == 0:
            delta = 7
        return a - timedelta(days=delta)

    def _nearest_weekday(self, wd: int) -> date:
        """Where the anchor is a day the story names, not "today" (``anchor_estimated``):
        the nearest such weekday, either side."""
        ahead = self.anchor + timedelta(days=(wd - self.anchor.weekday()) % 7)
        behind = self.anchor - timedelta(days=(self.anchor.weekday() - wd) % 7)
        return ahead if (ahead - self.anchor) < (self.anchor - behind) else behind

    def weekday(self, m: re.Match):
        """"on Monday", "last Friday", "Sunday night" (TIME), "this Tuesday (17)", "Thursday
        (Oct 19)": a date in brackets says which one."""
        if not self.anchor:
            return None
        rel = (m.group("rel") or "").lower()
        prep = (m.group("prep") or "").split()
        if not rel and prep and self._forward(prep[-1]) and prep[-1].lower() in ("until", "till"):
            rel = "next_or_same"
        d = self._weekday_date(WEEKDAYS[m.group("wday").lower()], rel)
        if not rel and self.ctx.anchor_estimated:
            d = self._nearest_weekday(WEEKDAYS[m.group("wday").lower()])
        if m.groupdict().get("pday"):
            pd = int(m.group("pday"))
            month = _month_of(m, "pmonth") if m.group("pmonth") else None
            cands = []
            for k in (-1, 0, 1):
                y, mo = _add_months(d.year, d.month, k)
                if (month is None or mo == month) and pd <= calendar.monthrange(y, mo)[1]:
                    cands.append(date(y, mo, pd))
            if not cands:
                return None
            d = min(cands, key=lambda c: abs((c - d).days))
        if m.groupdict().get("pod"):
            self._timex("TIME", f"{d.isoformat()}T{PARTS_OF_DAY[m.group('pod').lower()]}")
        return d, d, "day"

    def clock(self, m: re.Match):
        """"at 8 pm", "15:00 GMT Saturday", "0800 UTC": TIME on the day named with it (a
        calendar day), else on the day the narrative is on (no window of its own)."""
        h = int(m.group("h") or m.group("h2") or m.group("h3"))
        mi = int(m.group("mi") or m.group("mi2") or m.group("mi3") or 0)
        ampm = (m.group("ampm") or "").lower().replace(".", "").replace(" ", "")
        if ampm:
            if not 1 <= h <= 12:
                return None
            h = (h % 12) + (12 if ampm.startswith("p") else 0)
        z = "Z" if (m.group("tz") or "") in ("UTC", "GMT", "Z") else ""
        clock = f"{h:02d}:{mi:02d}{z}"
        day = None
        wday, dword = m.group("wday") or m.group("wday2"), m.group("dword") or m.group("dword2")
        if self.anchor and wday:
            before = re.search(r"(\w+)\s+$", self.ctx.text[max(0, m.start() - 8):m.start()])
            until = before is not None and before.group(1).lower() in ("until", "till") and \
                self._forward(before.group(1))
            day = self._weekday_date(WEEKDAYS[wday.lower()], "next_or_same" if until else "")
        elif self.anchor and dword:
            day = self.anchor + timedelta(days={"yesterday": -1, "tomorrow": 1}.get(dword.lower(), 0))
        elif self.anchor and m.group("cmonth"):
            month, cday = _month_of(m, "cmonth"), int(m.group("cday"))
            if cday > calendar.monthrange(self.anchor.year, month)[1]:
                return None
            day = self._nearest_day(month, cday)
        if day is not None:
            self._timex("TIME", f"{day.isoformat()}T{clock}")
            return day, day, "day"
        base = self.last_day.d0 if self.last_day else self.anchor
        self._timex("TIME", f"{base.isoformat() if base else 'XXXX-XX-XX'}T{clock}")
        return NONE

    def relative_period(self, m: re.Match):
        """"last week" (the previous ISO week), "this month", "next year", "the end of last
        year"; "the past week", "the coming month": a rolling window (DURATION)."""
        if not self.anchor:
            return None
        rel, unit = m.group("rel").lower(), m.group("unit").lower()
        a = self.anchor
        if m.group("the") and rel in ("past", "coming", "next") and unit != "weekend" and not m.group("edge"):
            # "the past week", "the coming month": a rolling window ("the last week" is the
            # previous calendar week, as "last week")
            self._timex("DURATION", _period(1, UNITS.get(unit, "D")))
            if rel in ("coming", "next"):
                return NONE
            if unit == "week":
                return a - timedelta(days=7), a, "range"
            y, mo = _add_months(a.year, a.month, -(1 if unit == "month" else 12))
            return date(y, mo, min(a.day, calendar.monthrange(y, mo)[1])), a, "range"
        if rel == "past":
            rel = "last"
        step = -1 if rel in ("last", "previous") else 1 if rel in ("next", "coming") else 0
        if m.group("edge") and not rel and unit != "weekend" and self._past():
            # "peaked by the end of the year" written in March: last year's end
            probe = {"week": a + timedelta(days=6 - a.weekday()), "month": _month_end(a.year, a.month),
                     "year": date(a.year, 12, 31)}[unit] if "end" in m.group("edge").lower() else None
            if probe is not None and probe > a:
                step = -1
        if unit == "weekend":
            sat = a - timedelta(days=(a.weekday() - 5) % 7)
            if step == 0:
                sat = a - timedelta(days=a.weekday()) + timedelta(days=5)  # the weekend of this week
            elif step == 1:
                sat = a + timedelta(days=(5 - a.weekday()) % 7 or 7)
            elif step == -1 and a.weekday() >= 5:
                sat -= timedelta(days=7)
            return sat, sat + timedelta(days=1), "range"
        if unit == "week":
            monday = a - timedelta(days=a.weekday()) + timedelta(weeks=step)
            return monday, monday + timedelta(days=6), "week"
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
        """"two months ago" (a month), "four years ago" (a year), "a year earlier" (from the
        date the narrative last named, at its precision)."""
        direction = (m.group("dir") or m.group("dir2")).lower()
        base, prec_hint = self.anchor, None
        if direction in ("earlier", "later", "before", "after"):
            if self.last is not None:
                base, prec_hint = self.last.d0, self.last.prec
            elif direction in ("later", "after"):
                return None  # "four years later" with nothing named before it
        n = _num(m.group("n"))
        if n is None or not float(n).is_integer():
            # "several years ago", "a few days later": some time before, vaguely
            self._timex("DATE", "FUTURE_REF" if direction in ("later", "after") else "PAST_REF")
            return NONE
        if not base:
            return None
        n = int(n)
        sign = 1 if direction in ("later", "after") else -1
        code = _unit_code(m.group("unit"))
        if code == "D":
            d = base + timedelta(days=sign * n)
            return d, d, "day"
        if code in ("W", "2W"):
            d = base + timedelta(weeks=sign * n * (2 if code == "2W" else 1))
            if prec_hint == "day":
                return d, d, "day"
            monday = d - timedelta(days=d.weekday())
            return monday, monday + timedelta(days=6), "week"
        months = n * {"M": 1, "Q": 3, "Y": 12, "10Y": 120, "100Y": 1200}.get(code, 12)
        y, mo = _add_months(base.year, base.month, sign * months)
        if code in ("10Y", "100Y") or (code == "Y" and (direction == "ago" or
                                                         prec_hint in ("year", "decade", "season", "range"))):
            return date(y, 1, 1), date(y, 12, 31), "year"
        return date(y, mo, 1), _month_end(y, mo), "month"

    def season(self, m: re.Match):
        """"during the summer": the latest summer that has begun (the next one in a
        future-tense clause); "last summer": the latest one that has ended."""
        code = SEASONS[m.group("season").lower()]
        s0, s1 = SEASON_MONTHS[code]
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
        """"for three weeks" (P3W), "a decade", "18-month", "the past two years". A state
        that has lasted up to publication ("under siege for nine months", "over the past
        three weeks") also gets its window, ending at publication."""
        rel = (m.groupdict().get("rel") or "").lower()
        n = _num(m.group("n")) if m.group("n") else 1 if rel else None  # "the past decade"; "for years": some
        code = _unit_code(m.group("unit"))
        self._timex("DURATION", _period(n, code, bool(m.groupdict().get("half"))))
        after_for = re.search(r"\b[Ff]or\s+$", self.ctx.text[max(0, m.start() - 4):m.start()])
        if n is None or not float(n).is_integer() or code.startswith("T") or not self.anchor:
            return NONE
        if not (rel in ("past", "last") or (after_for and not rel and self._ongoing())):
            return NONE
        n = int(n)
        days = {"D": 1, "W": 7, "2W": 14}.get(code)
        if days:
            start = self.anchor - timedelta(days=n * days)
        else:
            months = n * {"M": 1, "Q": 3, "Y": 12, "10Y": 120, "100Y": 1200}.get(code, 12)
            y, mo = _add_months(self.anchor.year, self.anchor.month, -months)
            start = date(y, mo, min(self.anchor.day, calendar.monthrange(y, mo)[1]))
        return start, self.anchor, "range"

    def duration_pair(self, m: re.Match):
        """"between 12 and 18 months": two durations (the first takes the unit of the second)."""
        n1, n2 = _num(m.group("n1")), _num(m.group("n"))
        if n1 is None or n2 is None or n1 >= n2:
            return None
        code = _unit_code(m.group("unit"))
        self._timex("DURATION", _period(n2, code))
        self.hit.parts = [_Hit(m.start("n1"), m.end("n1"), "duration", None, ttype="DURATION", tvalue=_period(n1, code)),
                          _Hit(m.start("n"), m.end(), "duration", None, ttype="DURATION", tvalue=_period(n2, code))]
        return NONE

    def vague(self, m: re.Match):
        """"in recent weeks", "in the coming days", "in the weeks preceding the vote": some
        weeks, kept vague (PXW) rather than made an exact window."""
        self._timex("DURATION", _period(None, _unit_code(m.group("unit"))))
        if m.groupdict().get("core"):
            self.hit.core = (m.start("core"), m.end("core"))
        return NONE

    def ref(self, m: re.Match):
        """"now", "currently" (PRESENT_REF), "recently" (PAST_REF), "the future": no calendar value."""
        self._timex("DATE", REFS[" ".join(m.group("ref").lower().split())])
        return NONE

    def every(self, m: re.Match):
        """"every week" (P1W), "each year", "every other day", "every Monday", "every morning"."""
        what = m.group("what").lower()
        n = _num(m.group("n")) if m.group("n") else (2 if m.group("other") else 1)
        what1 = what[:-1] if what.endswith("s") and what[:-1] in (*UNITS, *WEEKDAYS, *PARTS_OF_DAY) else what
        if what1 in WEEKDAYS:
            value = f"XXXX-WXX-{WEEKDAYS[what1] + 1}"
        elif what1 in PARTS_OF_DAY:
            value = f"XXXX-XX-XXT{PARTS_OF_DAY[what1]}"
        elif what1 in SEASONS:
            value = f"XXXX-{SEASONS[what1]}"
        elif what1 == "weekend":
            value = "XXXX-WXX-WE"
        else:
            value = _period(n, _unit_code(what1))
        self._timex("SET", value)
        return NONE

    def set_word(self, m: re.Match):
        """"daily", "weekly", "annually"; "5% a year"."""
        w = (m.group("set") or m.group("set2")).lower()
        self._timex("SET", SETS.get(w) or _period(1, _unit_code(w)))
        return NONE

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

    def this_day(self, m: re.Match):
        """"end the day", "later in the day": the day the narrative is on (no window of its own)."""
        base = self.last_day.d0 if self.last_day else self.anchor
        if base is None:
            return None
        self._timex("DATE", base.isoformat())
        return NONE

    def span_of(self, m: re.Match):
        """"after three days of talks": the day(s) the narrative is on (a DURATION with its window)."""
        base = self.last_day.d0 if self.last_day else None
        n = _n(m.group("n"))
        self._timex("DURATION", f"P{n}D")
        if base is None:
            return NONE
        if n == 1:
            return base, base, "day"
        return base, base + timedelta(days=n - 1), "range"

    # ---------------------------------------------------------------- other languages
    def foreign(self, m: re.Match):
        """A day or a month of another language: "3 mai", "6. Februar 2023", "12 أيار 2024",
        "août 2023", read from the pattern's groups (the month's name from the locale and
        the lexicon); dateparser reads what the groups do not give."""
        g = m.groupdict()
        has_day = bool(g.get("day"))
        d = self._from_groups(m)
        if d is None:
            s = m.group(0)[m.start("day") - m.start():] if has_day else m.group(0)
            settings = {"PREFER_DAY_OF_MONTH": "first", "PREFER_DATES_FROM": "past"}
            if self.anchor:
                settings["RELATIVE_BASE"] = _dt(self.anchor)
            elif not g.get("year"):
                return None
            try:
                d = dateparser.parse(s, languages=[self.ctx.language], settings=settings)
            except Exception:  # noqa: BLE001 - dateparser raises on odd locale data
                d = None
            d = d.date() if d is not None else None
        if d is None:
            return None
        if has_day:
            self._part_of_day(m, d)
            return d, d, "day"
        return date(d.year, d.month, 1), _month_end(d.year, d.month), "month"

    def _from_groups(self, m: re.Match) -> date | None:
        """The date the pattern's own groups give. Without a year: a day-month the nearest
        one before the anchor (a month of slack for reports dated a little early); with
        its weekday and no anchor, the latest year in which that day fell on that weekday
        ("jeudi 14 mars")."""
        g = m.groupdict()
        month = self.hit.extra.get("months", {}).get((g.get("month") or "").lower().rstrip("."))
        if not month:
            return None
        day = int(g["day"]) if g.get("day") else 1
        if not 1 <= day <= calendar.monthrange(2000, month)[1]:
            return None
        if g.get("year"):
            try:
                return date(int(g["year"]), month, day)
            except ValueError:
                return None
        wd = self.hit.extra.get("weekdays", {}).get((g.get("lwday") or "").lower())
        if self.anchor is None:
            return _year_of_weekday(month, day, wd) if g.get("day") and wd is not None else None
        a = self.anchor
        y = a.year if date(a.year, month, min(day, 28)) <= a + timedelta(days=30) else a.year - 1
        return date(y, month, min(day, calendar.monthrange(y, month)[1]))

    def _part_of_day(self, m: re.Match, d: date) -> None:
        pod = m.groupdict().get("pod1") or m.groupdict().get("pod2")
        if pod:
            code = self.hit.extra.get("pods", {}).get(pod.lower())
            if code:
                self._timex("TIME", f"{d.isoformat()}T{code}")

    def foreign_month(self, m: re.Match):
        """A month named alone: "en marzo", "Anfang Mai", "septembre dernier", "в марте
        прошлого года", "في آذار الماضي": the latest one up to this month (of the year it
        names), the last one before this month after "last", the next one after "next"."""
        g = m.groupdict()
        month = self.hit.extra["months"].get(g["month"].lower())
        if month is None:
            return None
        rel = self.hit.extra["mrel"].get((g.get("mrel0") or g.get("mrel1") or "").lower(), "")
        if g.get("year"):
            year = int(g["year"])
        elif not self.anchor:
            return None
        else:
            a = self.anchor
            year = {"last": a.year - (month >= a.month), "next": a.year + (month <= a.month), "this": a.year,
                    "year-1": a.year - 1, "year+1": a.year + 1}.get(rel, a.year - (month > a.month))
        return date(year, month, 1), _month_end(year, month), "month"

    def foreign_weekday(self, m: re.Match):
        """"mardi", "am Dienstag", "во вторник", "mardi soir" (TIME): the most recent one."""
        if not self.anchor:
            return None
        wd = self.hit.extra["weekdays"].get(m.group("wname").lower())
        if wd is None:
            return None
        d = self._nearest_weekday(wd) if self.ctx.anchor_estimated else self._weekday_date(wd)
        self._part_of_day(m, d)
        return d, d, "day"

    def foreign_day_range(self, m: re.Match):
        """"entre le 3 et le 6 mai", "26-29 October" in another language."""
        month = self.hit.extra["months"].get(m.group("month").lower().rstrip("."))
        if month is None:
            return None
        return self._day_range(int(m.group("d1")), month, int(m.group("d2")), month, _y(m))

    def foreign_rel(self, m: re.Match):
        if not self.anchor:
            return None
        key = self.hit.extra["rel"].get(" ".join(m.group("rw").lower().split()))
        if key is None:
            return None
        n_s, unit = re.match(r"(?:in )?(\d+) (\w+)", key).groups()
        n = int(n_s) * (1 if key.startswith("in ") else -1)
        a = self.anchor
        if unit == "day":
            d = a + timedelta(days=n)
            return d, d, "day"
        if unit == "week":
            monday = a - timedelta(days=a.weekday()) + timedelta(weeks=n)
            return monday, monday + timedelta(days=6), "week"
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
        heads = [v, *([v.head] if v.dep_ in ("xcomp", "ccomp", "conj", "advcl") else [])]
        for h in heads:
            for c in h.children:
                if c.dep_ in ("aux", "auxpass") and c.lower_ in ("will", "'ll", "shall", "wo", "may", "might",
                                                                 "could", "would", "should"):
                    return True
            if h.lemma_.lower() in ("due", "schedule", "plan", "expect", "set") and \
                    any(c.lower_ in ("is", "are", "be") for c in h.children) and v is not h:
                return True
            if h.lower_ == "going" and any(c.dep_ == "xcomp" for c in h.children):
                return True
        return False

    def _forward(self, prep: str = "") -> str | None:
        """Does a day or month named without a year look forward? In a future clause, in
        an infinitive ("the programme is to run through June") and in a present-tense one
        ("the mandate runs through June"), or after "until" in any but the simple past
        ("postponed until Saturday"); not in a past or perfect clause, nor in a report of
        speech ("said on 3 May"). "future": the next one, even next year; "present": a
        later one of this year only (the present tense often narrates the past too)."""
        if self._future():
            return "future"
        v = self._verb()
        if v is None:
            return None
        aux = [c for c in v.children if c.dep_ in ("aux", "auxpass")]
        simple_past = v.tag_ == "VBD" or any(c.tag_ == "VBD" for c in aux)
        if prep.lower() in ("until", "till") and not simple_past:
            return "future"
        if v.lemma_.lower() in ("say", "tell", "report", "announce", "add", "state"):
            return None
        if any(c.tag_ == "TO" for c in aux) or (v.tag_ == "VB" and v.dep_ in ("xcomp", "relcl", "acl")):
            # an infinitive looks ahead of its clause: "the programme is to run through June",
            # but "agreed in October to sell" is about a past agreement
            return None if v.dep_ == "xcomp" and v.head.tag_ in ("VBD", "VBN") else "future"
        if simple_past or v.tag_ == "VBN" and any(c.lower_ in ("has", "have", "had", "'ve", "'d") for c in aux):
            return None
        if v.tag_ in ("VBZ", "VBP") or any(c.tag_ in ("VBZ", "VBP") for c in aux):
            return "present"
        return None

    def _past(self) -> bool:
        v = self._verb()
        if v is None:
            return False
        for w in (v, *([v.head] if v.dep_ == "conj" else [])):  # "started ... and peaked by"
            aux = [c for c in w.children if c.dep_ in ("aux", "auxpass")]
            if w.tag_ == "VBD" or any(c.tag_ == "VBD" or c.lower_ in ("has", "have", "had") for c in aux):
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
    from sitroom.extract.fast_patterns import compile_fast   # same matches, faster scan (speed only)

    return compile_fast(p, flags)


_SET_WORDS = "|".join(re.escape(w) for w in sorted(SETS, key=len, reverse=True))
_REF_WORDS = _alt("ref")

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
         'on 14 February 2021'),
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
        r"(?:(?P<rel>[Ll]ast|[Nn]ext|[Tt]his)\s+)?" + _M + r"\b(?!\s+\d|-\d)(?:\s+of\s+(?P<ofrel>next|last|this)\s+year\b)?"),
         "month_only",
         'since June'),
    # quarters and halves: "the first quarter of 2009", "the fourth quarter", "Q3 2024"
    rule(_c(r"(?:[Tt]he\s+)?(?P<ord>first|second|third|fourth|final|last|1st|2nd|3rd|4th)[\s-]+(?P<q>quarter|half)"
        r"(?:\s+of\s+(?:(?:the\s+)?(?P<rel>this|last|next|previous)\s+year|(?:fiscal\s+)?" + _Y + r"|the\s+year))?\b"
        r"(?!\s+(?:of\s+(?:the|a|an|its|their|his|her)\b|century|mile))"), "quarter",
         'in the first quarter of 2009'),
    rule(_c(r"\bQ(?P<qn>[1-4])(?:\s+" + _Y + r")?\b"), "quarter",
         'results for Q3 2024', name="quarter_q"),
    # years, decades and centuries
    rule(_c(_PREP + r"(?:the\s+)?" + _PART + r"(?P<decade>1[0-9]{2}0|20[0-9]0)'?s\b"), "decade",
         'in the 1990s'),
    rule(_c(r"(?:(?<=\bthe\s)|(?<=\bthe\s')|(?<=\band\s)|(?<=\band\s'))(?P<dd>[2-9]0)s\b"), "short_decade",
         'the cars of the 70s and 80s'),
    rule(_c(r"(?:[Tt]he\s+)?(?P<c>\d{1,2})(?:st|nd|rd|th)[\s-]+[Cc]entury\b"), "century",
         'in the 20th century'),
    rule(_c(r"(?P<prep>" + _LEAD + r"(?:[Ff]rom|[Bb]etween|[Ii]n|[Dd]uring|[Oo]ver)\s+(?:the\s+(?:years\s+)?)?)?"
        r"(?P<y1>1[5-9][0-9]{2}|20[0-9]{2})(?P<sep>" + _SEP + r")(?P<y2>(?:1[5-9]|20)[0-9]{2}|[0-9]{2})\b"
        r"(?![-/.,]\d)"), "year_range",
         'between 2019 and 2021'),
    rule(_c(r"(?P<prep>" + _LEAD + r"(?:" + _PREP_WORDS + r"|[Oo]f|[Bb]etween|[Tt]hrough)\s+)?" + _PART +
        r"(?:(?P<the>[Tt]he)\s+)?" + _Y + r"\b(?:\s+(?P<noun>[a-z]+))?"), "year",
         'in 1991'),
    # days named relative to publication
    rule(_c(r"(?:(?:[Ee]arlier|[Ll]ater)\s+)?(?P<word>(?:[Tt]he day (?:before yesterday|after tomorrow))|[Yy]esterday|[Tt]oday|"
        r"[Tt]omorrow|[Ll]ast night|[Tt]his (?:morning|afternoon|evening)|[Tt]onight|[Oo]vernight)\b"), "day_word",
         'yesterday'),
    rule(_c(r"(?P<prep>" + _LEAD + r"(?:[Oo]n|[Ss]ince|[Bb]y|[Uu]ntil|[Tt]ill|[Ee]arly|[Ll]ate|[Bb]efore|[Aa]fter|[Ff]rom)\s+)?"
        r"(?:(?P<rel>[Ll]ast|[Nn]ext|[Tt]his|[Pp]ast)\s+)?(?P<wday>" + _WDN + r")"
        r"(?:\s+(?P<pod>night|morning|evening|afternoon))?\b"
        r"(?:\s*\((?:" + r"(?P<pmonth>" + _MN + r")\.?\s+)?(?P<pday>\d{1,2})\))?(?!,?\s+(?:the\s+)?\d)"), "weekday",
         'on Monday'),
    # clock times: "at 8 pm", "15:00 GMT Saturday", "0800 UTC"
    rule(_c(r"(?:(?:(?P<wday>" + _WDN + r")|(?P<dword>[Tt]oday|[Yy]esterday|[Tt]omorrow))\s+(?:at\s+)?)?"
        r"(?<![\d:.,$£€])(?:" + _CLOCK + r")" + _TZ +
        r"(?(wday)|(?(dword)|(?:,?\s+(?:on\s+)?(?P<wday2>" + _WDN + r")|\s+(?P<dword2>today|yesterday|tomorrow)|"
        r"(?=,?\s+(?:on\s+)?(?P<cmonth>" + _MN + r")\.?\s+(?P<cday>\d{1,2})(?:st|nd|rd|th)?\b))?))"
        r"(?![\d:])"), "clock",
         'at 8 pm'),
    rule(_c(r"(?:(?:[Ee]arlier|[Ll]ater|[Ee]arly|[Ll]ate)\s+(?:in\s+)?)?"
        r"(?P<edge>(?:the\s+)?(?:end|start|beginning|middle|rest)\s+of\s+)?"
        r"(?P<the>[Tt]he\s+)?(?P<rel>[Ll]ast|[Nn]ext|[Tt]his|[Pp]revious|[Pp]ast|[Cc]oming)\s+"
        r"(?:(?:fiscal|financial|calendar)\s+)?(?P<unit>week|weekend|month|year)\b(?!\s+of\b)"), "relative_period",
         'last week'),
    rule(_c(r"(?P<edge>(?:[Tt]he\s+)?(?:end|start|beginning|middle)\s+of\s+)(?:the\s+)?(?P<rel>)(?P<the>)(?P<unit>year|month|week)\b"
        r"(?!\s+(?:of|before|after|in)\b)"), "relative_period",
         'at the end of the year', name="edge_of_period"),
    rule(_c(r"(?:[Oo]ver|[Dd]uring|[Aa]t|[Oo]n|[Tt]hrough|[Bb]y)\s+the\s+(?P<unit>weekend)\b|"
        r"(?<![Aa]\s)(?<![Ee]very\s)(?<![Ee]ach\s)(?<![Ll]ong\s)(?<![Oo]ne\s)\bweekend(?='s|\s+[a-z])"), "weekend",
         'over the weekend'),
    rule(_c(r"\b" + _DURATION_PREFIX + _NUMW + r"\s+" + _CAL_UNIT + r"\s+(?:(?P<dir>ago|earlier|later)\b|(?P<dir2>before|after)(?=\s*[,.;)]))",
        re.I), "ago",
         'two months ago'),
    rule(_c(r"(?P<prep>" + _LEAD + r"(?:[Dd]uring|[Ii]n|[Oo]ver|[Ss]ince|[Tt]hroughout|[Bb]y|[Uu]ntil|[Ll]ate|[Ee]arly)\s+)?"
        r"(?:(?:the|early|late|mid-?)\s+)?(?:(?P<rel>[Ll]ast|[Tt]his|[Nn]ext|[Pp]ast)\s+)?(?:(?:early|late|mid-?)\s*)?"
        r"(?P<season>[Ss]pring|[Ss]ummer|[Aa]utumn|[Ww]inter)(?:\s+(?:of\s+)?" + _Y + r")?\b"
        r"(?!\s+(?:[Oo]lympics|[Gg]ames|[Pp]alace|[Ss]chool|[Ss]olstice|[Ss]ession|[Ee]xhibition|[Cc]ollection))"), "season",
         'last summer'),
    # sets: "every week", "each year", "daily", "5% a year"
    rule(_c(r"\b(?:[Ee]very|[Ee]ach)\s+(?:(?P<other>other)\s+)?(?:" + _NUMW + r"\s+)?"
        r"(?P<what>(?i:" + _alt("unit") + r"|weekend|" + _WDN + r"|" + _alt("part_of_day") + r"|" + _alt("season") +
        r")s?)\b"), "every",
         'every week'),
    rule(_c(r"(?<![\w-])(?P<set>" + _SET_WORDS + r")(?![\w-])|(?:(?<=\d\s)|(?<=%\s)|(?<=percent\s)|(?<=times\s))"
        r"(?:a|an|per)\s+(?P<set2>day|week|month|year)\b"), "set_word",
         'the agency reports weekly'),
    rule(_c(r"(?:(?<=\bafter\s)|(?<=\bwithin\s))(?:just\s+|only\s+)?(?P<n>one|a single|two|three|four|five|\d)\s+days?(?=\s+of\s+\w)",
        re.I), "span_of",
         'after three days of talks'),
    # durations: "for nine months", "a decade", "the past two years", "18-month", "two and a half years"
    rule(_c(r"(?:(?P<the>[Tt]he)\s+(?P<rel>past|last|next|coming|previous|following)\s+)?" + _DURATION_PREFIX + _NUMW +
        r"(?P<half>\s+and\s+a\s+half)?(?:[\s-]+|\s+(?:more|straight|consecutive|full|long|whole|additional)\s+)" + _UNIT +
        r"(?![\w-])(?![\s-]+olds?\b|\s+of\s+age)"), "duration",
         'for nine months'),
    rule(_c(r"(?P<the>[Tt]he)\s+(?P<rel>past|last|next|coming|following)\s+(?P<n>)(?P<unit>decade|century|fortnight)\b"),
         "duration", 'over the past decade', name="duration_the_unit"),
    rule(_c(r"(?:(?<=\b[Ff]or\s)|(?<=\b[Ii]n\s)|(?<=\b[Ww]ithin\s))(?P<n>)(?P<unit>days|weeks|months|years|decades|hours|minutes)\b"
        r"(?!\s+(?:of|to come|ago|later|earlier|before|after)\b)"), "duration",
         'for years', name="vague_duration"),
    rule(_c(r"(?:(?<=\b[Oo]ver\s)|(?<=\b[Ff]or\s)|(?<=\b[Ii]n\s))the\s+(?P<n>)(?P<unit>years|decades)\b"
        r"(?!\s+(?:\d|of|before|after|since|when|that|to come|ahead)\b)"),
         "duration", 'over the years', name="vague_duration_the_years"),
    rule(_c(r"\b(?P<n>)(?P<unit>decades|years|months|weeks)-long\b"), "duration", 'a decades-long dispute',
         name="vague_duration_long"),
    rule(_c(r"\b(?P<n>)(?P<unit>seconds|minutes|hours|days|weeks|months|years|decades)(?=\s+(?:before|after|later|earlier)\b)"),
         "duration", 'minutes before the blast', name="vague_duration_before"),
    rule(_c(r"\b(?P<n1>\d+|(?i:" + _alt("number") + r"))\s+(?:and|to|or|-|–)\s+" + _NUMW + r"\s+" + _UNIT + r"(?![\w-])"),
         "duration_pair", 'between 12 and 18 months'),
    rule(_c(r"(?:(?:[Ii]n|[Oo]ver|[Dd]uring)\s+)?(?:the\s+)?(?P<dir>recent|past|coming|next)\s+(?:few\s+)?"
        r"(?P<unit>day|week|month|year|decade)s\b(?!\s+(?:before|preceding|after|following|leading))"), "vague",
         'in recent weeks'),
    rule(_c(r"(?:[Ii]n|[Oo]ver|[Dd]uring)\s+(?P<core>the\s+(?:(?:few|last|first)\s+)?(?P<unit>day|week|month)s)\s+"
        r"(?:preceding|before|leading up to|prior to|following|after)\b"), "vague",
         'in the weeks preceding the vote', name="vague_around"),
    # references without a calendar value: "now", "currently", "recently", "in the past"
    rule(_c(r"(?<![\w-])(?P<ref>(?i:" + _REF_WORDS + r"))(?![\w-])"), "ref",
         'Now the town is quiet.'),
    # relative to the narrative
    rule(_c(r"(?:" + "|".join(rf"(?<=\b{w}\s)" for w in ("end", "ended", "ending", "ends", "finish", "finished",
                                                          "finishing", "close", "closed", "closing", "start",
                                                          "started", "for", "in", "of")) +
        r")(?P<core>the\s+day)\b(?!\s+(?:before|after|of|when|that|on|in|it|he|she|they)\b)"),
         "this_day", 'shares rose 2% to end the day higher'),
    rule(_c(r"(?:(?:[Ll]ater|[Ee]arlier)\s+)?(?:[Tt]he\s+(?:next|following|previous|prior|same)\s+(?:day|morning|evening|night|week)|"
        r"[Tt]he\s+day\s+(?:before|after)(?!\s+(?:yesterday|tomorrow))|[Tt]hat\s+(?:same\s+)?(?:day|morning|evening|night))\b"), "anaphor_day",
         'the next day'),
])

_NOT_A_YEAR_AFTER = re.compile(r"^\s*(?:people|persons|civilians|soldiers|troops|fighters|km|kilomet|miles|metres|meters|"
                               r"tons|tonnes|dollars|euros|families|homes|houses|buildings|refugees|men|women|children|"
                               r"%|-year|percent|per\b|[a-z]*-(?:strong|old)|[-–]\d)", re.I)
_NOT_A_YEAR_BEFORE = re.compile(r"(?:[$€£#]|\d[,.]|No\.|number|about|some|least|than|nearly|around|almost|over|"
                                r"approximately|roughly|total of|up to)\s*$", re.I)
_YEAR_NOUNS = frozenset(_words("event_noun"))  # nouns a year can name as an event: "the 2020 war"
_DATELINE_MAX_WORDS = 12
_DATELINE_MAX_CHARS = 400    # a longer line is no dateline
_META_LABEL_MAX_CHARS = 200  # nor is a date that long after its line's start after a label
_LEADING_PREP = re.compile(r"(?i:" + _alt("prep") + r")\s+")


# ---------------------------------------------------------------- other languages

@functools.lru_cache(maxsize=32)
def _foreign_patterns(lang: str) -> tuple[tuple[re.Pattern, str, dict], ...]:
    """Patterns for absolute dates, months named alone, weekdays, the weekend, ranges and
    "yesterday"-like words in ``lang``, from dateparser's locale data (month and weekday
    names, relative words) and the date lexicon (month names and relative words the locale
    lacks, parts of the day and of the month, range words, the weekend)."""
    try:
        from dateparser.languages.loader import default_loader
        info = default_loader.get_locale(lang).info
    except Exception:  # noqa: BLE001 - unknown language
        return ()
    month_of: dict[str, int] = {}
    for i, key in enumerate(("january", "february", "march", "april", "may", "june", "july", "august", "september",
                             "october", "november", "december"), start=1):
        month_of.update({n.lower(): i for n in info.get(key, []) if len(n) >= 3 and not n.isdigit()})
    month_of.update({n: int(v) for n, v in _words("month", lang).items()})  # names the locale lacks
    if not month_of:
        return ()
    # a month named alone takes its full names only: not "mar" (also "sea"), "aug"
    full_month = {n for n in month_of if not any(o != n and o.startswith(n) for o in month_of)}
    weekday_of: dict[str, int] = {}
    for i, key in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")):
        names = {n.lower() for n in info.get(key, [])}
        # full names only: not abbreviations ("серед" of "середа" is also "among")
        weekday_of.update({n: i for n in names if len(n) >= 5 and not any(o != n and o.startswith(n) for o in names)})
    pods = _words("part_of_day", lang)

    def alt(names) -> str:
        return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))

    # "12 أيار/مايو 2024": a month written in two calendars' names
    month = r"(?P<month>" + alt(month_of) + r")\.?(?:\s*[/(]\s*(?:" + alt(month_of) + r")\s*\)?)?"
    link = r"(?:\s+(?:de|del|di|do|da|of)\s+|,?\s+|\s*\.\s*)"
    day = r"(?P<day>\d{1,2})(?:\.|er|º|ª|°|-?го|-?е)?"
    year = r"(?P<year>1[5-9]\d{2}|20\d{2})"
    clitic = _alt("proclitic", lang)
    b = r"(?:(?<![\w\d])|(?<=(?<![\w\d])(?:" + clitic + r")))" if clitic else r"(?<![\w\d])"
    e = r"(?![\w\d])"
    wname = (r"(?P<wname>" + alt(weekday_of) + r")") if weekday_of else None
    pod1 = (r"(?:(?P<pod1>" + alt(pods) + r")\s+)?") if pods else ""
    # "mardi soir", "Dienstagabend" (German writes the part of the day onto the weekday)
    pod2 = (r"(?:\s*(?P<pod2>" + alt(pods) + r"))?") if pods else ""
    extra = {"months": month_of, "weekdays": weekday_of, "pods": pods}
    lead_wday = (r"(?:(?P<lwday>" + alt(weekday_of) + r"),?\s+)?") if weekday_of else ""
    pats: list[tuple[re.Pattern, str, dict]] = [
        (re.compile(b + pod1 + lead_wday + day + link + month + r"(?:" + link + year + r")?" + e, re.I),
         "foreign", extra),
        (re.compile(b + lead_wday + month + r"\s+" + day + r",?\s+" + year + e, re.I), "foreign", extra),
        (re.compile(b + month + link + year + e, re.I), "foreign", extra),
        (re.compile(b + r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})" + e), "iso_date", extra),
        (re.compile(r"(?<![\d/.])(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>(?:19|20)\d{2})\b(?![/.]\d)"),
         "numeric_date", extra),
    ]
    # a month named alone: after a preposition ("en marzo", "в марте"), with a part of the
    # month ("Anfang Mai") or a relative word ("septembre dernier", "im vergangenen Mai")
    parts = {r.term.lower(): r.value for r in lexicon.rows("date_words", lang) if r.role == "month_part"}
    rel_pre, rel_post = _words("month_rel_pre", lang), _words("month_rel_post", lang)
    mpreps = _alt("month_prep", lang)
    if mpreps or parts or rel_pre or rel_post:
        bare = r"(?P<month>" + alt(full_month) + r")"
        part = (r"(?:(?P<mpart>" + alt(parts) + r")(?:(?<=-)|\s+))?") if parts else ""
        pre = (r"(?:(?P<mrel0>" + alt(rel_pre) + r")\s+)?") if rel_pre else ""
        tail = [link + year] + ([r"\s+(?P<mrel1>" + alt(rel_post) + r")"] if rel_post else [])
        pats.append((re.compile(
            b + (r"(?:(?P<mprep>" + mpreps + r")\s+)?" if mpreps else "") +
            r"(?P<core>" + part + pre + bare + r"(?:\s*/\s*(?:" + alt(full_month) + r"))?" +
            r"(?:" + "|".join(tail) + r")?)" + e + r"(?!\s*\d)", re.I),
            "foreign_month", {**extra, "parts": parts, "mrel": {**rel_pre, **rel_post}}))
    joins = _alt("range_join", lang)
    if joins:
        pats.append((re.compile(b + r"(?P<d1>\d{1,2})(?:\.|er)?\s*(?:[-–]|(?:" + joins + r"))\s*(?:le\s+|el\s+)?"
                                r"(?P<d2>\d{1,2})(?:\.|er)?" + link + month + r"(?:" + link + year + r")?" + e, re.I),
                     "foreign_day_range", extra))
    if wname:
        pats.append((re.compile(b + pod1 + wname + pod2 + e, re.I), "foreign_weekday", extra))
    weekend = _alt("weekend", lang)
    if weekend:
        pats.append((re.compile(b + r"(?:" + weekend + r")" + e, re.I), "weekend", extra))
    preps = _alt("year_prep", lang)
    if preps:
        pats.append((re.compile(b + r"(?P<prep>(?:" + preps + r")\s+)" + _Y + e, re.I), "year", extra))
    relative = {k: list(v) for k, v in (info.get("relative-type") or {}).items()}
    for r in lexicon.rows("date_words", lang):
        if r.role == "relative":
            relative.setdefault(r.value, []).append(r.term)
    # one pattern for all of them ("2 day" alone, Arabic "يومين", is a count of days, not a date)
    key_of = {w.lower(): key for key, words in relative.items() for w in words
              if len(w) >= 3 and re.fullmatch(r"in [012] (?:day|week|month|year)|[012] (?:day|week|month|year) ago", key)}
    if key_of:
        pats.append((re.compile(b + r"(?P<rw>" + alt(key_of) + r")" + e, re.I), "foreign_rel", {"rel": key_of}))
    return tuple(pats)


# ---------------------------------------------------------------- the extractor

def extract(ctx: DocContext) -> list[TimeExpr]:
    """The time expressions that have a calendar window (what the store keeps)."""
    return [_record(ctx, h) for h in _run(ctx) if h.d0 is not None]




def anchor_from_text(ctx: DocContext) -> date | None:
    """For a report that comes without a publication date: the day its text supplies, so
    that "Thursday" and "14 March" can still be resolved. A page's own date label
    ("date 2024-05-01") first; else the latest day the text names with its year, or with
    its weekday ("jeudi 14 mars": the weekday gives the year) (a report is written on or
    after the last day it names); a label of a month alone gives its year to the days named
    without one ("am 9. Juli" under "date 2019-07"), else stands for the month's last
    day. None when the text names none."""
    label = PAGE_DATE_LABEL.match(ctx.text)
    if label and label.group("d"):
        try:
            return date(int(label.group("y")), int(label.group("m")), int(label.group("d")))
        except ValueError:
            pass
    days = _days_named(ctx, None)
    if label:
        y, mo = int(label.group("y")), int(label.group("m"))
        if not 1 <= mo <= 12:
            return max(days, default=None)
        end = min(_month_end(y, mo), date.today())
        inside = [d for d in days if (d.year, d.month) == (y, mo)] or \
            [d for d in _days_named(ctx, end) if (d.year, d.month) == (y, mo)]
        return max(inside) if inside else end
    return max(days, default=None)


def _days_named(ctx: DocContext, anchor: date | None) -> list[date]:
    """The days the text names by their date (not "Monday" or "yesterday"), read against
    ``anchor`` (None: only those with their year, or with their weekday)."""
    saved, ctx.published = ctx.published, anchor
    digits = _ascii_digits(ctx)
    try:
        dated, by_weekday = [], []
        for h in _run(ctx):
            if h.d0 is None or h.prec != "day" or h.d1 > date.today():
                continue
            g = h.m.groupdict() if h.m is not None else {}
            if re.search(r"\b(?:1[89]|20)\d{2}\b", digits[h.start:h.end]) or \
                    (anchor is not None and g.get("day") and g.get("month")):
                dated.append(h.d1)
            elif g.get("day") and g.get("month") and (g.get("lwday") or g.get("weekday")):
                by_weekday.append(h.d1)  # the year the weekday gives: only where no day has its own
        return dated or by_weekday
    finally:
        ctx.published = saved


def timexes(ctx: DocContext) -> list[Timex]:
    """Every TIMEX3 of the text: extent, type and value (a range joined from two
    expressions gives both)."""
    out = []
    for h in _run(ctx):
        for p in (h.parts or [h]):
            s, e = _core(ctx, p)
            out.append(Timex(s, e, p.ttype, p.tvalue or "", ctx.text[s:e]))
    return out


def _run(ctx: DocContext) -> list[_Hit]:
    text = ctx.text
    lang = (ctx.language or "en").split("-")[0].lower()
    found: list[_Hit] = []
    if lang == "en":
        for handler, m in _matches(ctx, lang):
            ctx.check()
            hit = _english_hit(ctx, m, handler)
            if hit is not None:
                found.append(hit)
    else:
        for (method, extra), m in _matches(ctx, lang):
            ctx.check()
            if method == "year" and not _plausible_year(ctx, m):
                continue
            if _after_meta_label(text, m.start()):
                continue
            start = m.start()
            if method == "foreign_month":
                g = m.groupdict()
                if not (g.get("mprep") or g.get("mpart") or g.get("mrel0") or g.get("mrel1") or g.get("year")):
                    continue  # a month's name alone may be a word ("mai", "Mars"): only with a word of time
                start = m.start("core")
            found.append(_Hit(start, m.end(), method, m, extra=extra))
    chosen = _longest_first(found)

    res = _Resolver(ctx)
    out: list[_Hit] = []
    for hit in chosen:
        ctx.check()
        res.hit = hit
        got = getattr(res, hit.method)(hit.m)
        if got is None:
            # the longest reading resolves to nothing ("Five years later" with no date before
            # it): a shorter one inside it may ("Five years")
            for inner in sorted((h for h in found if h is not hit and hit.start <= h.start and h.end <= hit.end),
                                key=lambda h: (h.start - h.end, h.start)):
                res.hit = inner
                got = getattr(res, inner.method)(inner.m)
                if got is not None:
                    hit = inner
                    break
        if got is None:
            continue
        hit.d0, hit.d1, hit.prec = got
        if hit.d0 is None:
            if hit.tvalue:
                out.append(hit)
            continue
        hit.dateline = _is_dateline(text, hit)
        if hit.dateline and ctx.published and hit.d0 > ctx.published + timedelta(days=1) and \
                (hit.method in ("iso_date", "numeric_date") or (hit.m is not None and hit.m.groupdict().get("year"))):
            continue  # a dated line after publication: the page's own stamp (when it was shown), not the story's
        hit.tvalue = hit.tvalue or _timex_value(hit)
        out.append(hit)
        if hit.dateline or hit.method == "span_of":
            continue
        if hit.ttype != "DURATION":
            res.last = hit
        if hit.prec == "day":
            res.last_day = hit
    return _merge_ranges(ctx, out)


_DIGITS = str.maketrans({**{chr(0x660 + i): str(i) for i in range(10)},   # Arabic-Indic
                         **{chr(0x6F0 + i): str(i) for i in range(10)}})  # Eastern Arabic-Indic (Persian, Urdu)


def _ascii_digits(ctx: DocContext) -> str:
    """The text with Arabic-Indic digits written as ASCII ones ("١٢ مايو ٢٠٢٣" -> "12 مايو
    2023"): one character for one, so offsets stay those of the text."""
    got = ctx._cache.get("date_digits")
    if got is None:
        got = ctx._cache["date_digits"] = ctx.text.translate(_DIGITS)
    return got


def _matches(ctx: DocContext, lang: str) -> list[tuple]:
    """(what the pattern is for, match) of every pattern of ``lang`` over the text, in
    the patterns' order; found once per text (``anchor_from_text`` and ``extract`` both
    read them: the filters after the match may read the anchor, the matches do not).
    The patterns read the text with ASCII digits (``_ascii_digits``)."""
    key = ("date_matches", lang)
    got = ctx._cache.get(key)
    if got is None:
        text = _ascii_digits(ctx)
        folded = fold(text)
        got = []
        if lang == "en":
            for r in RULES:
                ctx.check()
                if could_match(_needed(r.pattern), folded, text):
                    got.extend((r.handler, m) for m in r.pattern.finditer(text))
        else:
            for pat, method, extra in _foreign_patterns(lang):
                ctx.check()
                if could_match(_needed(pat), folded, text):
                    got.extend(((method, extra), m) for m in pat.finditer(text))
        ctx._cache[key] = got
    return got


@functools.lru_cache(maxsize=None)
def _needed(pattern: re.Pattern) -> frozenset[str] | None:
    """Words one of which every match of ``pattern`` holds: a text without any is not
    scanned (the same matches; the scans were a tenth of a run)."""
    return needed_words(pattern)


def _english_hit(ctx: DocContext, m: re.Match, method: str) -> _Hit | None:
    text = ctx.text
    start, end = m.start(), m.end()
    if end - start < 3 and method not in ("ref",):
        return None
    if method in ("day_range", "year_range") and not _valid_range(m, method):
        return None
    core = None
    if method == "year":
        if not _plausible_year(ctx, m):
            return None
        if m.group("the"):  # "the 2020 war": the year with its noun, no preposition
            start, end = m.start("the"), m.end("noun")
            core = (m.start("year"), m.end("year"))
        else:
            end = m.end("year")
    elif method == "month_only" and not _plausible_month(ctx, m):
        return None
    elif method == "day_word" and m.group(0)[0].isupper() and not _sentence_initial(text, m.start()):
        return None  # "Thinking About Tomorrow": a capitalised day word mid-sentence is a title
    elif method == "weekday" and not (m.group("prep") or m.group("rel")) and _in_name(text, start, ctx):
        return None  # "Black Friday", "Bloody Sunday": a weekday in a name
    elif method == "day_word" and m.group("word").lower() == "overnight" and not _is_adverb(ctx, m.start(), end):
        return None
    elif method == "season" and not _plausible_season(text, m):
        return None
    elif method == "ref" and not _plausible_ref(ctx, m):
        return None
    elif method == "duration" and not _plausible_duration(ctx, m):
        return None
    elif method == "set_word":
        if m.group("set") and m.group("set")[0].isupper() and not _sentence_initial(text, start):
            return None  # "Weekly Standard"
    elif method == "clock" and not _plausible_clock(text, m):
        return None
    if _inside_name(ctx, start, end, method) or _after_meta_label(text, start):
        return None
    return _Hit(start, end, method, m, core=core)


def _longest_first(found: list[_Hit]) -> list[_Hit]:
    """Longest match wins where expressions overlap."""
    # the chosen ones never overlap: kept sorted by start, only the last one starting
    # before a hit's end can overlap it (O(n log n), not a scan of every chosen one)
    starts: list[tuple[int, int]] = []      # (start, end) of the chosen, sorted
    chosen: list[_Hit] = []
    for hit in sorted(found, key=lambda h: (-(h.end - h.start), h.start)):
        i = bisect_left(starts, (hit.end, -1))
        if i == 0 or starts[i - 1][1] <= hit.start:
            insort(starts, (hit.start, hit.end))
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


_RANGE_GAP = re.compile(r"^\s*(?:-|–|—|to|and|until|till|through|thru)\s*$", re.I)
_RANGE_START = re.compile(r"^(?:from|between|since)\b", re.I)
_RANGE_END = re.compile(r"^(?:until|till|to|through)\b", re.I)


@functools.lru_cache(maxsize=32)
def _range_words(lang: str) -> tuple[re.Pattern, re.Pattern] | None:
    """(joiner, opener before the first end) of a range in another language."""
    joins, starts = _alt("range_join", lang), _alt("range_start", lang)
    if not joins:
        return None
    return (re.compile(r"^\s*(?:-|–|—|" + joins + r")\s*$", re.I),
            re.compile(r"(?:^|[^\w])(?:" + (starts or r"(?!)") + r")\s+(?:le\s+|el\s+)?$", re.I))


def _merge_ranges(ctx: DocContext, hits: list[_Hit]) -> list[_Hit]:
    """"from March to May 2023", "between 20 September and 2 October", "from 1988 until
    1994", "entre dimanche et mercredi": two expressions joined into one range."""
    text = ctx.text
    lang = (ctx.language or "en").split("-")[0].lower()
    foreign = _range_words(lang) if lang != "en" else None
    out: list[_Hit] = []
    for h in hits:
        prev = out[-1] if out else None
        gap = text[prev.end:h.start] if prev is not None else ""
        if prev is not None and h.start - prev.end <= 12 and prev.d0 and h.d0 and not (prev.dateline and "\n" in gap):
            first, second = text[prev.start:prev.end], text[h.start:h.end]
            if foreign is not None:
                opener = foreign[1].search(text[max(0, prev.start - 20):prev.start])
                joined = bool(foreign[0].match(gap) and (opener or gap.strip() in ("-", "–", "—")))
                start = prev.start - len(opener.group(0).lstrip()) if opener else prev.start
            else:
                joined = (_RANGE_GAP.match(gap) and (_RANGE_START.match(first) or gap.strip() in ("-", "–", "—"))
                          and not (gap.strip().lower() == "and" and not first.lower().startswith("between"))) or \
                         (not gap.strip() and _RANGE_END.match(second) and
                          (_RANGE_START.match(first) or (prev.prec == h.prec and prev.method in ("month_only", "year"))))
                start = prev.start
            if joined and prev.method == "month_only" and h.m is not None and h.m.groupdict().get("year"):
                # "from March to May 2023": the first month takes the year of the second
                y = h.d0.year - (prev.d0.month > h.d0.month)
                prev.d0 = date(y, prev.d0.month, 1)
                prev.tvalue = _timex_value(prev)
            if joined and h.d1 >= prev.d0 and (h.d1 - prev.d0).days < 366 * 60:
                merged = _Hit(start, h.end, "range", None, prev.d0, h.d1, "range",
                              parts=[*(prev.parts or [prev]), *(h.parts or [h])])
                merged.tvalue = f"{prev.tvalue}/{h.tvalue}"
                out[-1] = merged
                continue
        out.append(h)
    return out


def _timex_value(h: _Hit) -> str:
    """The TIMEX3 value of a calendar window at its precision."""
    d0, d1, p = h.d0, h.d1, h.prec
    if p == "day":
        return d0.isoformat()
    if p == "month":
        return d0.strftime("%Y-%m")
    if p == "year":
        return str(d0.year)
    if p == "week":
        return _iso_week(d0)
    if p == "season":
        return f"{d0.year}-{SEASON_OF_MONTH[d0.month]}"
    if p == "decade":
        return str(d0.year)[:3]
    if d0.weekday() == 5 and d1 == d0 + timedelta(days=1):
        return _iso_week(d0) + "-WE"
    return f"{d0.isoformat()}/{d1.isoformat()}"


def _core(ctx: DocContext, h: _Hit) -> tuple[int, int]:
    """The TIMEX3 extent: the expression without the preposition before it."""
    text = ctx.text
    s, e = h.core or (h.start, h.end)
    while e > s and text[e - 1] in " ,.;:":
        e -= 1
    if (ctx.language or "en").split("-")[0].lower() == "en":
        while (m := _LEADING_PREP.match(text, s, e)) and m.end() < e:
            s = m.end()
    return s, e


def _record(ctx: DocContext, h: _Hit) -> TimeExpr:
    text = ctx.text
    start, end = h.start, h.end
    while end > start and text[end - 1] in " ,.;:":
        end -= 1
    sent = ctx.sentence_of(start, end)
    return TimeExpr(start=start, end=end, sentence=ctx.sentence_text(sent), surface=text[start:end],
                    value=_value(h.d0, h.d1, h.prec), precision=h.prec, date_start=h.d0, date_end=h.d1,
                    anchor=ctx.published, timex_type=h.ttype, timex_value=h.tvalue)


def _is_dateline(text: str, h: _Hit) -> bool:
    """A date standing on a short line of its own near the top (dateline, byline)."""
    if h.start > max(600, len(text) // 10) or h.prec != "day":
        return False
    a = text.rfind("\n", max(0, h.start - _DATELINE_MAX_CHARS), h.start) + 1
    b = text.find("\n", h.end, h.end + _DATELINE_MAX_CHARS)
    if (a == 0 and h.start > _DATELINE_MAX_CHARS) or (b < 0 and len(text) - h.end > _DATELINE_MAX_CHARS):
        return False  # a line this long is no dateline (and is not searched through for each date)
    line = text[a:b if b >= 0 else len(text)]
    rest = line.replace(text[h.start:h.end], " ")
    return len(re.findall(r"[^\W\d_]+", rest)) <= _DATELINE_MAX_WORDS and not re.search(r"[.!?]\s+[A-Z]", rest) \
        and not re.search(r"[^\W\d_]{2,}[.!?]\s*$", line)  # a sentence ending on its line is not a dateline


@functools.lru_cache(maxsize=1)
def _meta_label() -> re.Pattern:
    return re.compile(r"^\s*(?:" + _alt("meta_label", None) + r")\s*:?\s*$", re.I)


def _after_meta_label(text: str, start: int) -> bool:
    """"date 2024-03-14" opening a page: the page's metadata, not a date of the story."""
    a = text.rfind("\n", max(0, start - _META_LABEL_MAX_CHARS), start) + 1
    if a == 0 and start > _META_LABEL_MAX_CHARS:
        return False  # more than a label before it on its line
    return bool(_meta_label().match(text, a, start))


def _token_span(ctx: DocContext, start: int, end: int):
    return ctx.doc.char_span(start, end, alignment_mode="expand")


def _inside_name(ctx: DocContext, start: int, end: int, method: str) -> bool:
    """A month or weekday inside a person's or organisation's name ("June Carter")."""
    if method not in ("month_only", "weekday", "season", "set_word", "every", "ref"):
        return False
    ent = ctx.ent_covering(start, end)  # entities never overlap: at most one holds the span
    return ent is not None and ent.label_ in ("PERSON", "ORG", "WORK_OF_ART", "EVENT") and len(ent.text) > end - start


def _is_adverb(ctx: DocContext, start: int, end: int) -> bool:
    span = _token_span(ctx, start, end)
    return span is not None and len(span) > 0 and span[0].pos_ == "ADV"


def _plausible_ref(ctx: DocContext, m: re.Match) -> bool:
    """"now" as an adverb of time (not "now that ..."), "the past" as a time ("in the
    past"), not "the past decade" (a duration: its own rule) or "walked past"."""
    w = " ".join(m.group("ref").lower().split())
    after = ctx.text[m.end():m.end() + 12]
    if w == "now" and re.match(r",?\s+that\b", after):
        return False
    if w in ("the past", "the future") and re.match(r"\s+(?:\d|[a-z]+s\b)", after):
        return False
    if w == "these days" and re.match(r"\s+(?:of|when|before|after)\b", after):
        return False
    if w == "recent" and re.search(r"\bmost\s+$", ctx.text[max(0, m.start() - 6):m.start()]):
        return False  # "the most recent model"
    return True


def _plausible_duration(ctx: DocContext, m: re.Match) -> bool:
    """"a second term", "a quarter of the vote", "one day he ...": not lengths of time."""
    n = (m.group("n") or "").lower()
    unit = m.group("unit").lower().rstrip("s")
    if unit in ("second", "quarter") and n in ("a", "an", "one", ""):
        return False
    if unit in ("day",) and n in ("one", "some") and not m.groupdict().get("rel"):
        before = ctx.text[max(0, m.start() - 12):m.start()].lower()
        if not re.search(r"\b(?:for|in|within|after|over|of|than)\s+$", before):
            return False  # "one day, she ...", "some day"
    before = ctx.text[max(0, m.start() - 2):m.start()]
    if re.search(r"[\d$£€-]$", before):
        return False
    if re.search(r"\b(?:ages?|aged)\s+$", ctx.text[max(0, m.start() - 6):m.start()], re.I) or \
            re.match(r"\s+(?:and|or)\s+(?:older|younger|over|under)\b", ctx.text[m.end():m.end() + 16]):
        return False  # "children ages 6 months and older": an age
    return True


def _plausible_clock(text: str, m: re.Match) -> bool:
    """A clock time needs a clock: "8 pm", "15:00 GMT", "at 10:30"; not "3:1" scores or
    "1.5 million"."""
    if m.group("ampm") or m.group("tz"):
        return True
    if m.group("h3"):
        return False
    before = text[max(0, m.start() - 12):m.start()].lower()
    return bool(m.group("wday") or m.group("dword") or
                re.search(r"\b(?:at|around|about|by|until|till|from|since|after|before|to)\s+$", before))


def _plausible_year(ctx: DocContext, m: re.Match) -> bool:
    text = ctx.text
    y = _y(m)
    if y is None:
        return False
    prep = m.groupdict().get("prep")
    part = m.groupdict().get("part")
    if m.groupdict().get("the") and (m.group("noun") or "").strip() not in _YEAR_NOUNS and \
            _plural_noun_after(ctx, m.end("year")):
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


def _plural_noun_after(ctx: DocContext, pos: int) -> bool:
    """"the 1990 people": the year is a count of what follows (a plural noun, or nothing)."""
    span = _token_span(ctx, pos - 1, pos)
    if span is None or span.end >= len(ctx.doc):
        return True
    nxt = ctx.doc[span.end]
    return nxt.tag_ in ("NNS", "CD") or nxt.is_punct


def _in_name(text: str, i: int, ctx: DocContext | None = None) -> bool:
    """Is the word at ``i`` preceded by a capitalised word that does not open a sentence
    ("Black Friday"), other than the end of a name of its own ("in Asia Monday")?"""
    w = re.search(r"([A-Z][a-z]+)\s+$", text[max(0, i - 25):i])
    if not w or _sentence_initial(text, i - len(w.group(0))) or \
            w.group(1) in ("On", "By", "Since", "Until", "Last", "Next", "This", "Early", "Late"):
        return False
    wend = i - len(w.group(0)) + len(w.group(1))
    if ctx is not None and (any(e.label_ in ("GPE", "LOC", "NORP", "ORG", "PERSON", "FAC") for e in ctx.ents_ending_at(wend))
                            or any(e.label_ == "DATE" for e in ctx.ents_starting_at(i))):
        return False  # "in Asia Monday": a name, then the day
    return True


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


# ---------------------------------------------------------------- what the evaluation format keeps

def in_gold_scope(d: TimeExpr) -> bool:
    """Does the interchange format (``../shared/eval/SCHEMA.md``, the development gold)
    annotate this expression? Calendar dates and ranges resolved against publication
    (with a part of the day: "on Friday night"), not years alone ("in 1991", "the 1990s",
    "from 2019 to 2021"), clock times, durations ("for three weeks", even when their window
    is known) or vague references."""
    if d.timex_type not in ("DATE", "TIME") or d.precision in ("year", "decade"):
        return False
    return not re.fullmatch(r"\d{2,4}(?:/\d{2,4})?", d.timex_value or "")


_SAME_MENTION = re.compile(r"(?:on|at|in|during)\s+")


def mention_key(d: TimeExpr) -> tuple[str, str]:
    """Two mentions of one date that read the same but for a preposition that does not
    change what they say ("Friday", "on Friday") are one expression; "since Friday" and
    "also on Friday" (another report of that day) are others."""
    s = " ".join(d.surface.lower().split())
    while (m := _SAME_MENTION.match(s)) and m.end() < len(s):
        s = s[m.end():]
    return d.value, s
