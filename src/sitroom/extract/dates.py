"""Time expressions, resolved against the publication date, with their precision.

dateparser reads absolute dates well but returns nothing for "last December" or
"since June", reads a bare month as a day and durations as "ago" (see
notes/dependencies), and its ``search_dates`` finds weekdays in "We" and "sat". So the
expressions are found with patterns of our own and resolved by calendar rules: the most
recent weekday for "on Monday", the previous Monday-Sunday week for "last week", the
most recent such month for "last December", seasons as month ranges, "two months ago",
"a year earlier" (from the date the narrative last named), durations ("for nine months")
as ranges ending at publication. dateparser parses the absolute day-month-year forms,
in other languages too.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta

import dateparser

from sitroom.extract.context import DocContext
from sitroom.models import TimeExpr

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3, "a few": 3,
                "few": 3, "a couple of": 2, "couple of": 2}
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}

_M = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|" \
     r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_M2 = _M.replace("?P<month>", "?P<month2>")
_WD = r"(?:(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"
_PREP = r"(?P<prep>(?:(?:[Aa]lso|[Ee]ven|[Oo]nly|[Aa]nd)\s+)?(?:[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]y|[Ff]rom|[Ii]n|[Oo]n|[Dd]uring|" \
        r"[Bb]efore|[Aa]fter|[Ee]arly|[Ll]ate|[Ss]tarting|[Ee]nd of|[Ss]tart of|[Bb]eginning of)\s+(?:the\s+)?)?"
_NUMW = r"(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a few|a couple of)"
_UNIT = r"(?P<unit>day|week|month|year|decade)s?"


def _y(m: re.Match, key: str = "year") -> int | None:
    v = m.groupdict().get(key)
    return int(v) if v else None


class _Resolver:
    def __init__(self, anchor: date | None):
        self.anchor = anchor
        self.last: TimeExpr | None = None   # for "a year earlier"

    # each returns (date_start, date_end, precision) or None
    def full_date(self, m: re.Match):
        d = dateparser.parse(m.group("core"), languages=["en"],
                             settings={"REQUIRE_PARTS": ["day", "month"], "PREFER_DAY_OF_MONTH": "first",
                                       "RELATIVE_BASE": _dt(self.anchor) if self.anchor else None,
                                       "PREFER_DATES_FROM": "past"} if self.anchor else
                             {"REQUIRE_PARTS": ["day", "month", "year"]})
        if d is None:
            return None
        d = d.date()
        if not m.groupdict().get("year") and self.anchor and d > self.anchor + timedelta(days=30):
            d = d.replace(year=d.year - 1)
        return d, d, "day"

    def month_year(self, m: re.Match):
        month, year = MONTHS[m.group("month").lower().rstrip(".")], _y(m)
        return date(year, month, 1), _month_end(year, month), "month"

    def month_only(self, m: re.Match):
        if not self.anchor:
            return None
        month = MONTHS[m.group("month").lower().rstrip(".")]
        rel = (m.group("rel") or "").lower()
        year = self.anchor.year
        if rel == "next":
            year += month <= self.anchor.month
        elif rel == "last" or month > self.anchor.month:
            year -= month >= self.anchor.month if rel == "last" else 1
        return date(year, month, 1), _month_end(year, month), "month"

    def year(self, m: re.Match):
        y = _y(m)
        if not 1000 <= y <= 2100:
            return None
        return date(y, 1, 1), date(y, 12, 31), "year"

    def decade(self, m: re.Match):
        y = int(m.group("decade"))
        return date(y, 1, 1), date(y + 9, 12, 31), "decade"

    def day_word(self, m: re.Match):
        if not self.anchor:
            return None
        w = m.group("word").lower()
        d = self.anchor - timedelta(days=1) if w in ("yesterday", "last night") else \
            self.anchor + timedelta(days=1) if w == "tomorrow" else self.anchor
        return d, d, "day"

    def weekday(self, m: re.Match):
        if not self.anchor:
            return None
        wd = WEEKDAYS[m.group("wday").lower()]
        rel = (m.group("rel") or "").lower()
        if rel == "next":
            delta = (wd - self.anchor.weekday()) % 7 or 7
            d = self.anchor + timedelta(days=delta)
        else:
            delta = (self.anchor.weekday() - wd) % 7
            if rel == "last" and delta == 0:
                delta = 7
            d = self.anchor - timedelta(days=delta)
        return d, d, "day"

    def relative_period(self, m: re.Match):
        if not self.anchor:
            return None
        rel, unit = m.group("rel").lower(), m.group("unit").lower()
        a = self.anchor
        step = -1 if rel in ("last", "past", "previous") else 1 if rel == "next" else 0
        if unit == "week":
            monday = a - timedelta(days=a.weekday()) + timedelta(weeks=step)
            end = monday + timedelta(days=6)
            return monday, (min(end, a) if step == 0 else end), "week"
        if unit == "month":
            y, mo = _add_months(a.year, a.month, step)
            return date(y, mo, 1), _month_end(y, mo), "month"
        if unit == "year":
            return date(a.year + step, 1, 1), date(a.year + step, 12, 31), "year"
        return None

    def ago(self, m: re.Match):
        base = self.anchor
        if m.group("dir").lower() in ("earlier", "later"):
            base = self.last.date_start if self.last else self.anchor
            prec_hint = self.last.precision if self.last else None
        else:
            prec_hint = None
        if not base:
            return None
        n = NUMBER_WORDS.get(m.group("n").lower()) if not m.group("n").isdigit() else int(m.group("n"))
        sign = 1 if m.group("dir").lower() == "later" else -1
        unit = m.group("unit").lower()
        if unit == "day":
            d = base + timedelta(days=sign * n)
            return d, d, "day"
        if unit == "week":
            d = base + timedelta(weeks=sign * n)
            monday = d - timedelta(days=d.weekday())
            return monday, monday + timedelta(days=6), "week"
        months = n * {"month": 1, "year": 12, "decade": 120}[unit]
        y, mo = _add_months(base.year, base.month, sign * months)
        if unit == "month" or prec_hint == "month" or (unit == "year" and prec_hint in ("month", "day", None)):
            return date(y, mo, 1), _month_end(y, mo), "month"
        return date(y, 1, 1), date(y, 12, 31), "year"

    def season(self, m: re.Match):
        s0, s1 = SEASONS[m.group("season").lower()]
        year = _y(m)
        rel = (m.group("rel") or "").lower()
        if year is None:
            if not self.anchor:
                return None
            year = self.anchor.year
            if rel == "last" or (s0 > self.anchor.month and s0 != 12):
                year -= 1
        start = date(year, s0, 1)
        end = _month_end(year + (s1 < s0), s1)
        return start, end, "season"

    def duration(self, m: re.Match):
        if not self.anchor:
            return None
        n = NUMBER_WORDS.get(m.group("n").lower()) if not m.group("n").isdigit() else int(m.group("n"))
        unit = m.group("unit").lower()
        days = {"day": 1, "week": 7}.get(unit)
        if days:
            start = self.anchor - timedelta(days=n * days)
        else:
            months = n * {"month": 1, "year": 12, "decade": 120}[unit]
            y, mo = _add_months(self.anchor.year, self.anchor.month, -months)
            start = date(y, mo, min(self.anchor.day, calendar.monthrange(y, mo)[1]))
        return start, self.anchor, "range"


def _dt(d: date):
    from datetime import datetime
    return datetime(d.year, d.month, d.day, 12)


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    i = y * 12 + (m - 1) + k
    return i // 12, i % 12 + 1


# (pattern, resolver method name). Order matters only for equal-length overlaps.
PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(_PREP + r"(?P<core>" + _WD + r"\d{1,2}(?:st|nd|rd|th)?\s+" + _M + r"(?:,?\s+(?P<year>\d{4}))?)\b"), "full_date"),
    (re.compile(_PREP + r"(?P<core>" + _WD + _M + r"\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?)\b(?!\s*(?:%|people|km))"), "full_date"),
    (re.compile(_PREP + r"(?P<core>\d{4}-\d{2}-\d{2})\b"), "full_date"),
    (re.compile(_PREP + r"(?:(?:early|mid|late)-?\s*)?" + _M + r",?\s+(?P<year>\d{4})\b"), "month_year"),
    (re.compile(r"(?P<prep>(?:[Ss]ince|[Uu]ntil|[Ii]n|[Bb]y|[Ff]rom|[Dd]uring|[Ee]arly|[Ll]ate|[Tt]ill)\s+(?:(?:early|mid|late)-?\s*)?)?"
                r"(?:(?P<rel>[Ll]ast|[Nn]ext|[Tt]his)\s+)?" + _M + r"\b(?!\s+\d)"), "month_only"),
    (re.compile(_PREP + r"(?:the\s+)?(?P<decade>1[89]\d0|20\d0)s\b"), "decade"),
    (re.compile(r"(?P<prep>(?:[Ss]ince|[Uu]ntil|[Tt]ill|[Ii]n|[Bb]y|[Ff]rom|[Dd]uring|[Bb]efore|[Aa]fter|[Oo]f)\s+)?"
                r"(?:(?P<the>[Tt]he)\s+)?(?P<year>1[0-9]{3}|20[0-9]{2})\b"
                r"(?(the)(?:\s+(?P<noun>war|election|elections|conflict|offensive|earthquake|invasion|ceasefire|"
                r"agreement|revolution|uprising|coup|referendum|census|flood|floods|famine|genocide|massacre|crisis)\b)?|)"), "year"),
    (re.compile(r"(?P<word>[Yy]esterday|[Tt]oday|[Tt]omorrow|[Ll]ast night|[Tt]his morning|[Tt]onight|[Tt]his evening)\b"), "day_word"),
    (re.compile(r"(?P<prep>(?:(?:[Aa]lso|[Ee]ven|[Aa]nd)\s+)?(?:[Oo]n|[Ss]ince|[Bb]y|[Uu]ntil|[Ee]arly|[Ll]ate)\s+)?"
                r"(?:(?P<rel>[Ll]ast|[Nn]ext|[Tt]his)\s+)?(?P<wday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
                r"(?:\s+(?:night|morning|evening|afternoon))?\b(?!,?\s+\d)"), "weekday"),
    (re.compile(r"(?P<rel>[Ll]ast|[Nn]ext|[Tt]his|[Pp]revious|[Pp]ast)\s+(?P<unit>week|month|year)\b"), "relative_period"),
    (re.compile(_NUMW + r"\s+" + _UNIT + r"\s+(?P<dir>ago|earlier|later)\b", re.I), "ago"),
    (re.compile(r"(?P<prep>(?:[Dd]uring|[Ii]n|[Oo]ver|[Ss]ince|[Tt]hroughout|[Bb]y)\s+)?(?:the\s+)?(?:(?P<rel>[Ll]ast|[Tt]his|[Pp]ast)\s+)?"
                r"(?P<season>[Ss]pring|[Ss]ummer|[Aa]utumn|[Ww]inter)(?:\s+(?:of\s+)?(?P<year>\d{4}))?\b"), "season"),
    (re.compile(r"(?<=\bfor\s)(?:the\s+(?:past|last)\s+)?" + _NUMW + r"\s+" + _UNIT + r"\b(?!\s+(?:old|of\s+age|later|earlier|ago))", re.I), "duration"),
    (re.compile(r"(?:[Ii]n|[Oo]ver|[Dd]uring)\s+the\s+(?:past|last)\s+" + _NUMW + r"\s+" + _UNIT + r"\b", re.I), "duration"),
]
_NOT_A_YEAR_AFTER = re.compile(r"^\s*(?:people|persons|civilians|soldiers|troops|km|kilomet|miles|metres|meters|"
                               r"tons|tonnes|dollars|euros|families|homes|houses|refugees|men|women|children|%|-year)", re.I)
_NOT_A_YEAR_BEFORE = re.compile(r"(?:[$€£]|\d[,.]|No\.|number|about|some|least|than|nearly|around|over)\s*$", re.I)


def extract(ctx: DocContext) -> list[TimeExpr]:
    text = ctx.text
    found: list[tuple[int, int, str, re.Match]] = []
    for pat, method in PATTERNS:
        for m in pat.finditer(text):
            if m.end() - m.start() < 3:
                continue
            if method == "year" and not _plausible_year(text, m):
                continue
            if method == "month_only" and not _plausible_month(text, m):
                continue
            if method in ("day_word", "weekday") and m.group(0)[0].isupper() and not _sentence_initial(text, m.start()):
                continue  # "Thinking About Tomorrow": a capitalised day word mid-sentence is a title
            found.append((m.start(), m.end(), method, m))
    # longest match wins where expressions overlap
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    chosen: list[tuple[int, int, str, re.Match]] = []
    for item in sorted(found, key=lambda t: -(t[1] - t[0])):
        if all(item[1] <= c[0] or item[0] >= c[1] for c in chosen):
            chosen.append(item)
    chosen.sort()
    res = _Resolver(ctx.published)
    out: list[TimeExpr] = []
    for start, end, method, m in chosen:
        got = getattr(res, method)(m)
        if got is None:
            continue
        d0, d1, prec = got
        value = _value(d0, d1, prec)
        sent = ctx.sentence_of(start, end)
        te = TimeExpr(start=start, end=end, sentence=sent.text.strip(), surface=text[start:end].strip(),
                      value=value, precision=prec, date_start=d0, date_end=d1, anchor=ctx.published)
        out.append(te)
        if prec in ("day", "month", "week"):
            res.last = te
    return out


def _plausible_year(text: str, m: re.Match) -> bool:
    if m.group("the") and not m.group("noun"):
        return False  # "the 1990" without a noun: a number
    before, after = text[max(0, m.start() - 12):m.start()], text[m.end():m.end() + 12]
    if _NOT_A_YEAR_AFTER.match(after) or _NOT_A_YEAR_BEFORE.search(before):
        return False
    if re.match(r"^[,.]\d", after) or re.search(r"\d[,.]?$", before):
        return False
    return True


def _sentence_initial(text: str, i: int) -> bool:
    before = text[max(0, i - 3):i]
    return i == 0 or bool(re.search(r"(?:[.!?:\n]\s*|[\"“(]\s*|^\s*)$", before))


def _plausible_month(text: str, m: re.Match) -> bool:
    month = m.group("month")
    # "may" and "march" are also a verb and a noun: only with a preposition or "last/next"
    if month.lower() in ("may", "march", "jan", "mar", "dec") and not (m.group("prep") or m.group("rel")):
        return False
    return month[0].isupper()


def _value(d0: date, d1: date, prec: str) -> str:
    if prec == "day":
        return d0.isoformat()
    if prec == "month":
        return d0.strftime("%Y-%m")
    if prec == "year":
        return str(d0.year)
    return f"{d0.isoformat()}/{d1.isoformat()}"
