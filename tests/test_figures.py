"""Figures on sentences of our own, from several kinds of crisis."""
from datetime import date

import pytest

from sitroom.extract import dates, entities, figures
from sitroom.extract.document import parse

PUB = date(2024, 3, 10)


def figs(text):
    ctx = parse(text, PUB)
    ctx.entities = entities.extract(ctx)
    ctx.dates = dates.extract(ctx)
    return [(f.value, f.category, f.qualifier) for f in figures.extract(ctx)], ctx


@pytest.mark.parametrize("text, expected", [
    ("The death toll rose to 1,200 on Sunday, the health ministry said.", [(1200, "killed", "exact")]),
    ("Some 3,000 families were displaced by the fighting.", [(3000, "displaced", "about")]),
    ("The strike killed at least 12 people and wounded 40 others, officials said.",
     [(12, "killed", "at_least"), (40, "injured", "exact")]),
    ("Over 2 million people have fled the country since the war began.", [(2_000_000, "displaced", "more_than")]),
    ("Police said 300 protesters were arrested in the capital.", [(300, "detained", "exact")]),
    ("Rescuers evacuated 150 residents from the flooded district.", [(150, "evacuated", "exact")]),
    ("Up to 500 migrants arrived on the island on Friday.", [(500, "arrived", "up_to")]),
    ("Five journalists were detained by the security services.", [(5, "detained", "exact")]),
    ("At least 40 people were killed and 120 injured in the blast.",
     [(40, "killed", "at_least"), (120, "injured", "exact")]),
    ("The town, home to about 50,000 people, was cut off.", [(50000, "population", "about")]),
])
def test_counts_of_people(text, expected):
    got, _ = figs(text)
    assert got == expected


@pytest.mark.parametrize("text", [
    "The 45-year-old man drove 30 kilometres to the border.",
    "Hundreds were injured and tens of thousands displaced.",
    "The army lost 3 tanks and 12 armoured vehicles in 2022.",
    "Prices rose by 40% in two weeks.",
    "The mayor was one of the victims.",
])
def test_not_figures(text):
    got, _ = figs(text)
    assert got == []


def test_range_attribution_and_provenance():
    text = "Between 20 and 30 people are missing after the landslide, according to the Red Cross."
    ctx = parse(text, PUB)
    ctx.dates = dates.extract(ctx)
    (f,) = figures.extract(ctx)
    assert (f.low, f.high, f.qualifier, f.category) == (20, 30, "range", "missing")
    assert f.attributed_to == "Red Cross"
    assert f.sentence == text and text[f.start:f.end].startswith("20")
