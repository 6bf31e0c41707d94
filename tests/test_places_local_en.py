"""English local-news place patterns: lists of areas closed by a plural area word ("A, B and C
counties"), a town after a street address, a compass word before a place the gazetteer does
not hold with it ("Central X"), a place named again on its own after the text has named it as a
place (one sense per report), a state heading a longer name ("X State Government"). Sentences
of our own, several countries."""
from __future__ import annotations

from datetime import date

from sitroom.extract.document import extract_document
from sitroom.extract.gazetteer import km


def places(text: str):
    facts = extract_document(text, date(2024, 3, 4))
    assert not facts.failures
    return facts.places


def surfaces(text: str) -> list[str]:
    return [p.surface for p in places(text)]


def by_surface(text: str) -> dict:
    return {p.surface: p for p in places(text)}


# ------------------------------------------------------------------ lists of areas


def test_each_us_county_of_a_list_is_an_area_of_the_state_named():
    ps = by_surface("Wildfires forced evacuations in Yavapai, Coconino and Mohave counties of Arizona on Friday.")
    for name in ("Yavapai", "Coconino", "Mohave"):
        assert ps[name].kind == "region" and ps[name].country == "US", name
        assert km((ps[name].lat, ps[name].lon), (34.3, -111.7)) < 400, name


def test_each_nigerian_state_of_a_list_is_that_state():
    ps = by_surface("Bandits raided villages in Katsina and Kaduna states overnight.")
    assert ps["Katsina"].kind == "region" and ps["Katsina"].country == "NG"
    assert ps["Kaduna"].kind == "region" and ps["Kaduna"].country == "NG"


def test_each_kenyan_county_of_a_list_is_that_county():
    ps = by_surface("Drought has hit Turkana and Marsabit counties hardest.")
    assert {ps["Turkana"].country, ps["Marsabit"].country} == {"KE"}
    assert ps["Marsabit"].kind == "region"


def test_indian_districts_named_after_their_towns_are_placed_there():
    ps = by_surface("Landslides blocked roads in Darjeeling and Jalpaiguri districts.")
    assert ps["Darjeeling"].country == "IN" and ps["Jalpaiguri"].country == "IN"
    assert km((ps["Jalpaiguri"].lat, ps["Jalpaiguri"].lon), (26.5, 88.7)) < 100


def test_a_list_without_a_plural_area_word_is_not_made_of_areas():
    # a list of people closed by a plural noun that is no area word
    assert not {"Smith", "Jones"} & set(surfaces("Smith, Jones and Brown families were evacuated."))


# ------------------------------------------------------------------ a town after a street address


def test_a_town_after_a_british_street_address():
    ps = by_surface("Mary Stone, 52, of 27 Chapel Lane, Tewkesbury, was fined on Monday.")
    assert ps["Tewkesbury"].country == "GB"


def test_a_town_after_an_australian_street_address():
    ps = by_surface("Tom Reid, 31, of 8 Beach Road, Wollongong, appeared in court.")
    assert ps["Wollongong"].country == "AU"


def test_a_town_after_a_nigerian_street_address():
    ps = by_surface("Amina Bello, 30, of 4 Market Road, Kaduna, was arrested.")
    assert ps["Kaduna"].country == "NG"


# ------------------------------------------------------------------ compass words


def test_a_compass_word_before_a_state_names_part_of_that_state():
    ps = by_surface("Storms lashed Central Queensland on Monday.")
    assert ps["Queensland"].country == "AU" and ps["Queensland"].kind == "region"


def test_a_compass_word_before_a_nigerian_area():
    ps = by_surface("Herders clashed with farmers in Southern Kaduna last week.")
    assert ps["Kaduna"].country == "NG"


def test_a_compass_word_inside_a_longer_name_does_not_free_the_place():
    # "... of West X" heads no place here: the whole is an organisation's name
    assert "Virginia" not in surfaces("A campaign by the Rural Water Council of West Virginia began.")


def test_a_compass_word_does_not_free_a_region_of_a_country_the_report_is_not_about():
    # "Kano" alone is a state of another country; the report is about Kenya
    found = places("Cases rose in Nairobi. Clinics in Central Kano were full.")
    assert not any(p.surface == "Kano" and p.country != "KE" for p in found)


def test_a_compass_word_before_a_small_namesake_town_frees_nothing():
    assert "Wing" not in surfaces("Staff in the East Wing met on Tuesday.")


# ------------------------------------------------------------------ one sense per report


def test_a_town_named_as_a_place_is_that_place_when_named_again_alone():
    ps = places("Floods cut roads around Tamale on Monday. Tamale police said two people drowned. "
                "Tamale's mayor visited the camps.")
    assert [p.surface for p in ps].count("Tamale") == 3
    assert {p.country for p in ps if p.surface == "Tamale"} == {"GH"}


def test_a_person_is_not_a_place_because_a_namesake_town_is_named():
    found = surfaces("Edward Bendigo said the plan would fail. Bendigo added that he would appeal.")
    assert "Bendigo" not in found


def test_a_speaker_is_not_made_a_place_by_an_earlier_mention():
    ps = places("Aid reached Lokoja on Friday. Lokoja said it needed more tents.")
    assert [p.surface for p in ps].count("Lokoja") == 1


# ------------------------------------------------------------------ a state heading a longer name


def test_a_state_heading_a_body_is_the_state_alone():
    ps = by_surface("Officials of the Ogun State Government visited Abeokuta.")
    assert "Ogun" in ps and ps["Ogun"].kind == "region" and ps["Ogun"].country == "NG"
    assert "Ogun State" not in ps


def test_a_state_named_with_its_word_alone_keeps_the_word():
    assert "Ekiti State" in surfaces("Gunmen attacked a village in Ekiti State.")


def test_a_us_state_heading_its_police_is_the_state():
    ps = by_surface("Officers of the Ohio State Patrol closed the road.")
    assert ps["Ohio"].country == "US"


# ------------------------------------------------------------------ small boundary fixes


def test_a_country_before_a_hyphen_is_the_country_alone():
    assert {"Kenya", "Uganda"} <= set(surfaces("Trucks queued at the Kenya-Uganda border."))
    assert "Kenya-" not in surfaces("Trucks queued at the Kenya-Uganda border.")


def test_a_number_opening_a_sentence_is_not_part_of_a_county():
    found = surfaces("Two Maricopa County deputies were hurt.")
    assert "Maricopa County" in found and "Two Maricopa County" not in found


def test_a_bare_water_word_is_not_a_town():
    assert "Lake" not in surfaces("Divers searched Lake Wendouree near Ballarat.")
