"""compile_fast: the same matches as re.compile (spans, groups, last group), on patterns
with optional leading words and long alternations, patterns whose first characters are
case-insensitive or follow a lookbehind, and on the date rules themselves."""
from __future__ import annotations

import re

import pytest

from sitroom.extract import dates
from sitroom.extract.fast_patterns import compile_fast

TEXTS = [
    "Since early March 2021 the river town of Velmora has flooded twice; in the 1990s it never did.",
    "On Tuesday, 4 June, officials in Tarkesh said at least twelve people died; by the end of the week "
    "the toll had risen to 31.",
    "Also in 2019 and again from 12/03/2020 until 2020-04-01, the district of Ombrin was under curfew.",
    "The past three weeks saw more than forty attacks, roughly one every other day, around Halvik.",
    "Nothing to see here: no dates, no numbers, just words and some Punctuation!",
    "",
    "in in in since Since until the the early late mid-2020s 2020s",
    "\u017fince 2020, SINCE 2021, \u212aelvin 2022, \u0130n 2023 \u0131n 2024: in weeks, in days; Early Spring",
]

PATTERNS = [
    r"(?P<prep>(?:(?:[Aa]lso|[Ee]ven)\s+)?(?:[Ss]ince|[Ii]n|[Oo]n|[Uu]ntil|[Bb]y)\s+)?(?P<year>1[0-9]{3}|20[0-9]{2})\b",
    r"(?:(?P<the>[Tt]he)\s+(?P<rel>past|last|next)\s+)?(?:(?:more than|about|around|roughly)\s+)?"
    r"(?P<n>one|two|three|four|five|six|seven|eight|nine|ten|twelve|forty|\d+)\s+(?P<unit>days?|weeks?|attacks)",
    r"(?:early|late|mid)?-?(?P<decade>1[0-9]{2}0|20[0-9]0)'?s\b",
    r"(?:x)?",                                    # may match empty: left as it is
    r"(?i:(?:since|in)\s+)?\d{4}",                # a case-insensitive part: guarded case-insensitively
    r"(?i:since|kelvin|in)\s+\d{4}",               # its first characters include "\u017f", "\u212a", "\u0130"
    r"(?<=\bin\s)(?P<n>)(?:days|weeks)\b",          # a lookbehind, then an empty group: begins with d or w
    r"(?i)(?:early\s+)?spring",                     # case-insensitive throughout
]


def _all(p: re.Pattern, text: str) -> list:
    return [(m.span(), m.groups(), m.groupdict(), m.lastindex, m.lastgroup) for m in p.finditer(text)]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_same_matches_as_re(pattern):
    plain, fast = re.compile(pattern), compile_fast(pattern)
    assert fast.pattern == plain.pattern and fast.groupindex == plain.groupindex and fast.flags == plain.flags
    for text in TEXTS:
        assert _all(fast, text) == _all(plain, text)


def test_date_rules_match_as_compiled_plainly():
    for r in dates.RULES:
        plain = re.compile(r.pattern.pattern, r.pattern.flags)
        for text in TEXTS + [r.example]:
            assert _all(r.pattern, text) == _all(plain, text), r.handler
