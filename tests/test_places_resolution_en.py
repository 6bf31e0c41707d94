"""English toponym resolution with the names given (places.resolve_spans): abbreviations
spelled by the document's own countries and states, peoples' and regions' adjectives,
lists of places read as lists, a state the document names, and features the gazetteer
lacks. Sentences of our own, on several crises."""
from __future__ import annotations

from datetime import date

from sitroom.extract import places
from sitroom.extract.document import parse
from sitroom.extract.gazetteer import km


def resolve(text: str, names: list[str]) -> dict[str, object]:
    """Each name (its first occurrence after the previous one) resolved with the spans given."""
    ctx = parse(text, date(2024, 3, 4))
    spans, pos = [], 0
    for n in names:
        i = text.index(n, pos)
        spans.append((i, i + len(n)))
        pos = i + 1
    got = places.resolve_spans(ctx, spans)
    out: dict[str, object] = {}
    for n, p in zip(names, got):
        out.setdefault(n, p)
    return out


def near(p, lat: float, lon: float, limit: float = 161) -> bool:
    return p is not None and p.lat is not None and km((p.lat, p.lon), (lat, lon)) <= limit


def test_initials_of_a_country_the_document_names():
    text = ("Mining strikes spread across South Africa this week. Unions in SA said wages had "
            "fallen behind inflation in Rustenburg.")
    ps = resolve(text, ["South Africa", "SA", "Rustenburg"])
    assert ps["SA"].country == "ZA" and near(ps["SA"], -29.0, 24.0, 300)


def test_initials_of_a_state_of_the_documents_country():
    text = "Bushfires near Perth forced evacuations, and WA police closed roads into Mandurah in Australia."
    ps = resolve(text, ["Perth", "WA", "Mandurah", "Australia"])
    assert ps["WA"].country == "AU" and ps["WA"].kind == "region"


def test_a_state_code_after_a_county():
    text = "GREENVILLE COUNTY, SC - Flash floods damaged homes along the river on Monday."
    ps = resolve(text, ["GREENVILLE COUNTY", "SC"])
    assert ps["SC"].country == "US" and near(ps["SC"], 33.8, -80.9, 200)


def test_adjectives_of_peoples_and_regions():
    text = ("Serb and Bosnian officials met in Sarajevo, while Sicilian fishermen rescued migrants "
            "and Siberian wildfires burned.")
    ps = resolve(text, ["Serb", "Bosnian", "Sarajevo", "Sicilian", "Siberian"])
    assert ps["Serb"].country == "RS" and ps["Bosnian"].country == "BA"
    assert near(ps["Sicilian"], 37.6, 14.0, 200)
    assert near(ps["Siberian"], 60.0, 100.0, 1000)


def test_an_arab_adjective_is_not_a_small_us_town():
    ps = resolve("Arab foreign ministers met in Amman to discuss the ceasefire in Yemen.", ["Arab", "Amman", "Yemen"])
    assert ps["Arab"].country != "US" and near(ps["Arab"], 24.0, 45.0, 1500)


def test_a_list_of_cities_is_not_a_town_in_a_state():
    text = "The envoy held talks in Washington, New York and Chicago before flying to Nairobi."
    ps = resolve(text, ["Washington", "New York", "Chicago", "Nairobi"])
    assert near(ps["Washington"], 38.9, -77.04)


def test_a_town_followed_by_its_state_is_still_read_as_inside_it():
    ps = resolve("Tornadoes struck Jackson, Mississippi, on Sunday.", ["Jackson", "Mississippi"])
    assert near(ps["Jackson"], 32.3, -90.18)


def test_a_bare_name_of_a_state_the_document_names_is_the_state():
    text = ("OLYMPIA, Wash. - Wildfire crews from across Washington were sent to the eastern "
            "counties, the state's emergency office said.")
    ps = resolve(text, ["OLYMPIA", "Wash.", "Washington"])
    assert ps["Washington"].kind == "region" and near(ps["Washington"], 47.4, -120.5, 300)


def test_a_feature_the_gazetteer_lacks_is_placed_at_the_documents_town():
    text = ("Flames neared Bakersfield, California, on Monday. Crews evacuated Greenfield Meadow "
            "Elementary and the Riverbend Golf Club. Shelters in Bakersfield filled by night.")
    ps = resolve(text, ["Bakersfield", "California", "Greenfield Meadow Elementary", "Riverbend Golf Club",
                        "Bakersfield"])
    assert near(ps["Greenfield Meadow Elementary"], 35.37, -119.02, 60)
    assert near(ps["Riverbend Golf Club"], 35.37, -119.02, 60)


def test_a_small_town_backed_by_its_neighbours_keeps_them():
    text = "Floods closed roads between Paris, Texas, and Clarksville, and shelters opened in Bogata."
    ps = resolve(text, ["Paris", "Texas", "Clarksville", "Bogata"])
    assert ps["Paris"].country == "US"
