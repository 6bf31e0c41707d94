"""Time expressions on sentences of our own, resolved against a publication date."""
from datetime import date

import pytest

from sitroom.extract import dates
from sitroom.extract.document import parse

PUB = date(2024, 3, 14)  # a Thursday


def values(text, pub=PUB):
    ctx = parse(text, pub)
    return {d.surface: d.value for d in dates.extract(ctx)}


@pytest.mark.parametrize("text, surface, value", [
    ("Shelling resumed on Monday.", "on Monday", "2024-03-11"),
    ("The convoy was hit yesterday.", "yesterday", "2024-03-13"),
    ("Last night, drones struck the port.", "Last night", "2024-03-13"),
    ("Talks collapsed last week.", "last week", "2024-03-04/2024-03-10"),
    ("The siege began last December.", "last December", "2023-12"),
    ("The town has been cut off since June.", "since June", "2023-06"),
    ("Fighting broke out on 3 February 2024.", "on 3 February 2024", "2024-02-03"),
    ("The dam was breached on March 2.", "on March 2", "2024-03-02"),
    ("The first war ended in 1994.", "in 1994", "1994"),
    ("Aid was cut in October 2023.", "in October 2023", "2023-10"),
    ("Two months ago, the border closed.", "Two months ago", "2024-01"),
    ("Crossings were closed during the summer.", "during the summer", "2023-06-01/2023-08-31"),
    ("We have lived under siege for nine months.", "nine months", "2023-06-14/2024-03-14"),
    ("Two months ago the ministry warned of famine. A year earlier it had asked for aid.",
     "A year earlier", "2023-01"),
])
def test_resolved(text, surface, value):
    assert values(text).get(surface) == value


@pytest.mark.parametrize("text", [
    "The 45-year-old teacher walked 20 km.",
    "They may return when the roads reopen.",
    "Some 2,000 people fled.",
    "Her book Waiting For Tomorrow sold well.",
])
def test_not_dates(text):
    assert values(text) == {}


def test_provenance_and_unanchored_documents():
    text = "Shelling resumed on Monday after the ceasefire of 12 January 2024."
    ctx = parse(text, None)
    got = dates.extract(ctx)
    assert [d.value for d in got] == ["2024-01-12"]   # relative ones need a publication date
    d = got[0]
    assert text[d.start:d.end] == d.surface and d.sentence == text
