"""English: "X County" / "X Parish" the gazetteer lacks is an area, placed by its namesake
town in a state that has such a county, or by the report's own places (never at a far
namesake town). Sentences of our own, on several crises."""
from __future__ import annotations

from datetime import date

from sitroom.extract.document import extract_document
from sitroom.extract.gazetteer import km


def places(text: str):
    facts = extract_document(text, date(2024, 3, 4))
    assert not facts.failures
    return {p.surface: p for p in facts.places}


def test_a_county_the_gazetteer_lacks_is_recognised_and_placed_by_the_towns_of_the_sentence():
    ps = places("Tornado damage was reported across Tarrant County, and shelters opened near Arlington, Texas.")
    p = ps["Tarrant County"]
    assert p.kind == "region" and p.country == "US"
    assert km((p.lat, p.lon), (32.74, -97.11)) < 100


def test_a_parish_is_an_area_in_its_state():
    ps = places("Floodwater closed schools in Rapides Parish near Alexandria, Louisiana, on Tuesday.")
    p = ps["Rapides Parish"]
    assert p.kind == "region" and p.country == "US"
    assert km((p.lat, p.lon), (31.3, -92.4)) < 161


def test_a_county_is_not_placed_at_a_namesake_town_in_another_state():
    # Tarrant, Alabama is a town; the only Tarrant County is in Texas
    ps = places("Wildfire crews from Tarrant County were sent to Abilene, Texas.")
    p = ps["Tarrant County"]
    assert km((p.lat, p.lon), (33.58, -86.77)) > 500


def test_a_county_outside_the_us_keeps_its_own_candidates():
    ps = places("Drought relief reached Turkana County in northern Kenya.")
    assert ps["Turkana County"].country == "KE"


def test_a_county_heading_a_local_bodys_name_is_not_a_place_of_its_own():
    ps = places("The Cooke County Sheriff's Office said the bridge near Gainesville, Texas, was closed.")
    assert "Cooke County" not in ps
