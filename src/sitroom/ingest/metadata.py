"""Find a source's metadata in its text when the input lacks it.

Title, author and date come from the header lines pasted pages keep ("Headline",
"Byline", "14 February 2021", "Sunday 14 February 2021, by SURNAME Given"). A
republished page names its origin in words ("Date first published: ...", "This article
first appeared in X", "Republished from X") or in a credit block at its foot (an outlet
name above the original URL); both give ``syndicated_from`` and ``first_published``.
Wire copy credits its agency in the story's dateline ("GOMA, Congo (AP) — ...",
"Niamey, 3 mars (Sahel Presse/AFP) – ..."): on another outlet's page, that agency is the
origin (lexicon wire_agencies names it). What the input states wins over what is inferred.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import lru_cache
from urllib.parse import urlparse

import dateparser

from sitroom.extract.fast_patterns import fold
from sitroom.models import Metadata

_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
DATE_RE = re.compile(
    _WEEKDAY + r"(?:\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTHS + r",?\s+\d{4}"
    r"|" + _MONTHS + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
_FIRST_PUBLISHED = re.compile(
    r"(?:date\s+)?(?:first|originally)\s+(?:published|appeared|posted)"
    r"(?:\s+(?:in|on|by|at)\s+(?P<outlet>[^:,.()\n]{2,60}?))?"
    r"(?:\s*(?:on|:|-|,)\s*|\s+)(?P<date>" + DATE_RE.pattern + r")",
    re.IGNORECASE,
)
_ORIGIN_OUTLET = re.compile(
    r"(?:(?:this\s+(?:article|story|piece)\s+)?(?:was\s+)?(?:first|originally)\s+"
    r"(?:published|appeared|ran)\s+(?:in|on|by|at)|republished\s+(?:from|with\s+permission\s+(?:of|from))"
    r"|reprinted\s+from|cross-posted\s+from)\s+(?:the\s+)?"
    r"(?P<outlet>[A-Z][\w'’&.-]*(?:\s+[A-Z][\w'’&.-]*){0,5})",
)
_ORIGIN_WORDS = ("first", "originally", "republished", "reprinted", "cross-posted")
_BY = re.compile(r"\bby\s+(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})")
_NAME_LINE = re.compile(r"^(?:By\s+)?(?P<name>[A-Z][a-z'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})$")
_URL = re.compile(r"<?(https?://[^\s>]+)>?")
_HEADER_PARAS = 5


def find_metadata(raw_text: str, clean: str, given: Metadata) -> Metadata:
    """``given`` (from the input or the HTML) completed from the text."""
    paras = [p.strip() for p in clean.split("\n\n") if p.strip()]
    header = paras[:_HEADER_PARAS]
    found = Metadata()
    if paras and _looks_like_title(paras[0]):
        found.title = paras[0]
    found.author = _author(header, found.title)
    for p in header:
        m = _date_in(p)
        if m and (d := parse_date(m.group(0))):
            found.published = d
            break
    # both patterns need one of these words: most pages are not scanned (the same matches)
    words = fold(raw_text)
    if ("first" in words or "originally" in words) and (m := _FIRST_PUBLISHED.search(raw_text)):
        found.first_published = parse_date(m.group("date"))
        if m.group("outlet"):
            found.syndicated_from = m.group("outlet").strip()
    if any(w in words for w in _ORIGIN_WORDS) and (m := _ORIGIN_OUTLET.search(raw_text)):
        found.syndicated_from = found.syndicated_from or m.group("outlet").strip().rstrip(".")
    credit = _credit_block(raw_text, given.url)
    if credit:
        name, url = credit
        found.syndicated_from = found.syndicated_from or name
        found.syndicated_url = url
    wire = _wire_dateline(clean)
    out = replace(given)
    if wire and out.syndicated_from is None and not found.syndicated_from and not _agency_page(out.outlet, *wire):
        found.syndicated_from = wire[1]
    for f in ("title", "author", "published", "first_published", "syndicated_from", "syndicated_url"):
        if getattr(out, f) is None:
            setattr(out, f, getattr(found, f))
    if out.outlet is None and out.url:
        out.outlet = urlparse(out.url).netloc.removeprefix("www.") or None
    if out.syndicated_from and out.outlet and _same_outlet(out.syndicated_from, out.outlet):
        out.syndicated_from = None  # a page crediting itself is not a republication
    return out


# how far into the text a story's dateline stands (after a headline, a byline, page furniture)
_DATELINE_CHARS = 400


@lru_cache(maxsize=1)
def _wire_credit():
    """ "(AP) —", "(Sahel Presse/AFP) –", "(Reuters) -": an agency credited in parentheses, alone
    or after the outlet's own name, before a dash (agency names: lexicon wire_agencies)."""
    from sitroom.extract import lexicon

    names = lexicon.alternation("wire_agencies", None)
    pattern = re.compile(r"\((?:[^()\n/]{1,40}/)?(?P<agency>" + names + r")(?:/[^()\n]{1,40})?\)\s*[-–—]")
    return pattern, lexicon.table("wire_agencies", None)


def _wire_dateline(clean: str) -> tuple[str, str] | None:
    """An agency's credit in the story's dateline ("GOMA, Congo (AP) — ...", "Niamey,
    3 mars (Sahel Presse/AFP) – ..."): the story is that agency's copy, republished. (the
    credit as written, the agency's one name), or None. A credit further down the page (a
    photo's "(Reuters) - A boat ...") is no dateline."""
    pattern, agencies = _wire_credit()
    m = pattern.search(clean, 0, _DATELINE_CHARS + 60)
    if m is None or m.start() > _DATELINE_CHARS:
        return None
    written = m.group("agency")
    row = agencies.get(written.lower())
    return written, row.agency if row is not None else written


def _agency_page(outlet: str | None, written: str, agency: str) -> bool:
    """Is the outlet the agency itself ("AP News", "apnews.com", "Reuters", "afp.com")?
    Compared by the outlet's first word: a short credit ("AP") is inside many names."""
    words = re.findall(r"[a-z0-9]+", (outlet or "").lower())
    if not words:
        return False
    first, whole = words[0], "".join(re.findall(r"[a-z0-9]+", agency.lower()))
    return first in (written.lower(), written.lower() + "news", whole) or "".join(words).startswith(whole)


_YEAR = re.compile(r"\d{4}")


def _date_in(p: str) -> re.Match | None:
    """``DATE_RE.search(p)``, run only where there are four digits (every form of it has a
    year): its case-folded weekdays and months are slow to try on a long paragraph."""
    return DATE_RE.search(p) if _YEAR.search(p) else None


def _looks_like_title(p: str) -> bool:
    return len(p) <= 200 and "\n" not in p and not DATE_RE.fullmatch(p) and not p.endswith((".", ","))


def _author(header: list[str], title: str | None) -> str | None:
    for p in header:
        if p == title:
            continue
        if m := _NAME_LINE.match(p):
            return m.group("name")
        if _date_in(p) and (m := _BY.search(p)):
            return person_name(m.group("name"))
    return None


def person_name(name: str) -> str:
    """Bylines that give the surname first in capitals ("PHIPPS Mike") -> "Mike Phipps"."""
    parts = name.split()
    caps = [w for w in parts if w.isupper() and len(w) > 1]
    if caps and len(caps) < len(parts):
        rest = [w for w in parts if w not in caps]
        return " ".join(rest + [w.capitalize() for w in caps])
    return name


def _credit_block(raw_text: str, page_url: str | None) -> tuple[str, str] | None:
    """An outlet name on its own line above a URL, at the foot of the page."""
    lines = [ln.strip() for ln in raw_text.strip().splitlines() if ln.strip()]
    tail = lines[-4:]
    for i in range(len(tail) - 1, 0, -1):
        m = _URL.fullmatch(tail[i])
        if not m:
            continue
        name = tail[i - 1]
        url = m.group(1)
        if page_url and urlparse(page_url).netloc == urlparse(url).netloc:
            return None
        words = name.split()
        if 1 <= len(words) <= 6 and name[0].isupper() and not name.endswith((".", ":", "?", "!")):
            return name, url
    return None


def _same_outlet(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"[^a-z0-9]", "", s.lower())
    na, nb = norm(a), norm(b)
    return bool(na) and (na in nb or nb in na)


_MONTH_NUMBERS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                                                   "oct", "nov", "dec"))}
_PLAIN_DATE = re.compile(
    r"(?:[a-z]+day,?\s+)?(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m1>[a-z]{3})[a-z]*\.?,?\s+(?P<y1>\d{4})"
    r"|(?P<m2>[a-z]{3})[a-z]*\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{4})"
    r"|(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2}))")


@lru_cache(maxsize=4096)
def parse_date(text: str) -> date | None:
    """A date as ``DATE_RE`` finds them ("Monday, 4 March 2024", "March 4, 2024",
    "2024-03-04"), read directly; anything else through dateparser (~14 ms a call)."""
    m = _PLAIN_DATE.fullmatch(text.strip().lower())
    if m:
        y, mo, d = (m.group("y1") or m.group("y2") or m.group("y3"), m.group("m1") or m.group("m2") or m.group("m3"),
                    m.group("d1") or m.group("d2") or m.group("d3"))
        month = int(mo) if mo.isdigit() else _MONTH_NUMBERS.get(mo)
        if month is not None:
            try:
                return date(int(y), month, int(d))
            except ValueError:
                pass   # no such day: dateparser's reading ("2024-13-01" as 13 January), or none
    d = dateparser.parse(text, languages=["en"],
                         settings={"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DAY_OF_MONTH": "first"})
    return d.date() if d else None
