"""English place resolution by the report's own context: a people's adjective before a kind
word ("the Scottish city of X") puts the town in that country or region; names of a list
closed by a plural street word ("A and B streets") are streets of the report's town, not the
far towns that share their names; a square or park named like a far-away town is the
report's own; the report's main town, where names the gazetteer lacks are placed, is the one
its other places lie near, not a famous town it only compares itself to; a name the
gazetteer lacks stays where the report first placed it (one sense per report, tested in
French). Sentences of our own, several countries."""
from __future__ import annotations

import pytest

from test_places_local_en import by_surface
from test_places_resolution_en import near, resolve


# ------------------------------------------------------------------ "the <people's> town of X"


def test_a_peoples_adjective_before_city_of_puts_the_town_in_that_region():
    got = resolve("Floods cut off the Scottish city of Perth on Tuesday, police said.", ["Scottish", "Perth"])
    assert got["Perth"].country == "GB" and near(got["Perth"], 56.4, -3.4)


def test_a_peoples_adjective_before_town_of_beats_a_famous_namesake():
    ps = by_surface("Officials in the Canadian city of London said the river rose overnight.")
    assert ps["London"].country == "CA" and near(ps["London"], 42.98, -81.25)


def test_a_peoples_adjective_picks_the_namesake_of_its_country():
    ps = by_surface("Rescuers reached the American town of Paris after the tornado tore through.")
    assert ps["Paris"].country == "US"


def test_a_peoples_adjective_of_the_towns_own_country_keeps_it():
    ps = by_surface("Shelling hit the Ukrainian town of Kherson overnight, the governor said.")
    assert ps["Kherson"].country == "UA"


# ------------------------------------------------------------------ lists of streets


def test_names_of_a_street_list_are_streets_of_the_reports_town():
    text = "Flood water closed Lyon and Verona streets in downtown Dayton, Ohio, on Monday."
    got = resolve(text, ["Lyon", "Verona", "Dayton", "Ohio"])
    for name in ("Lyon", "Verona"):
        assert got[name].kind == "route" and near(got[name], 39.76, -84.19), name


def test_a_street_list_found_unaided_gives_no_far_town():
    ps = by_surface("Flood water closed Lyon and Verona streets in downtown Dayton, Ohio, on Monday.")
    assert all(p.country == "US" for p in ps.values())
    for p in ps.values():
        assert near(p, 39.76, -84.19, 200), p.surface


def test_a_street_list_keeps_a_namesake_town_near_the_report():
    # "Lagos and Ikorodu roads" in a Lagos report: the towns they are named after are at hand
    text = "Traffic stood still on Ikorodu and Ikeja roads in Lagos, Nigeria, on Friday."
    got = resolve(text, ["Ikorodu", "Ikeja", "Lagos", "Nigeria"])
    assert near(got["Ikorodu"], 6.6, 3.5) and near(got["Ikeja"], 6.6, 3.35)


# ------------------------------------------------------------------ squares and parks


def test_a_square_named_like_a_far_town_is_the_reports_own():
    got = resolve("Protesters gathered in Franklin Square in Nashville, Tennessee, on Sunday.",
                  ["Franklin Square", "Nashville", "Tennessee"])
    assert near(got["Franklin Square"], 36.17, -86.78)


# ------------------------------------------------------------------ the report's main town


def test_the_main_town_is_the_one_the_reports_places_lie_near():
    text = ("'It feels like Darwin,' a resident said of the new suburb between Parramatta and Penrith in "
            "New South Wales. Buses run to Kellyville Junction.")
    got = resolve(text, ["Darwin", "Parramatta", "Penrith", "New South Wales", "Kellyville Junction"])
    assert near(got["Kellyville Junction"], -33.8, 150.9)
    assert near(got["Darwin"], -12.46, 130.84)   # the far town compared to is still itself


def test_the_main_town_near_other_places_in_a_kenyan_report():
    text = ("Traders compared the market to Mombasa's. It stands between Nakuru and Naivasha, and "
            "buses stop at Kivumbini Stage.")
    got = resolve(text, ["Mombasa", "Nakuru", "Naivasha", "Kivumbini Stage"])
    assert near(got["Kivumbini Stage"], -0.5, 36.2)


# ------------------------------------------------------------------ world cities and their namesakes


def test_a_world_city_beats_a_village_of_the_reports_country_far_from_its_places():
    text = ("ATLANTA — Regulators in Georgia fined the hospital chain, which runs clinics in Savannah, Augusta "
            "and Columbus, on Thursday. Its London-based insurer disputed the claims, and adjusters in Macon "
            "reviewed the files.")
    got = resolve(text, ["ATLANTA", "Georgia", "Savannah", "Augusta", "Columbus", "London", "Macon"])
    assert got["London"].country == "GB"
    assert got["Columbus"].country == "US" and near(got["Columbus"], 32.46, -84.99)   # the report's own


def test_a_namesake_of_a_world_city_near_the_reports_places_stays_local():
    got = resolve("Police in Corbin, Kentucky, said the suspect fled north to London on Tuesday.",
                  ["Corbin", "Kentucky", "London"])
    assert got["London"].country == "US" and near(got["London"], 37.13, -84.08)


# ------------------------------------------------------------------ page labels and facilities


def test_a_section_label_run_into_the_headline_is_no_place():
    text = ("date 2024-05-02 AFRICA Five killed in drone strike on Gao market\n"
            "Five civilians were killed on Tuesday when a drone hit the market in Gao, officials said.")
    assert "AFRICA" not in by_surface(text)


def test_a_continent_opening_a_sentence_stays_a_place():
    assert "Africa" in by_surface("Africa has the youngest population in the world, the report said.")


def test_a_facility_is_at_the_town_of_its_name_not_at_a_town_with_that_alternate_name():
    ps = by_surface("A drone hit the Gao market on Tuesday, killing four traders.")
    (p,) = [p for s, p in ps.items() if s.startswith("Gao")]
    assert p.country == "ML"


# ------------------------------------------------------------------ names the gazetteer lacks


def test_a_name_the_gazetteer_lacks_is_at_the_town_its_sentence_places_in_a_state():
    got = resolve("The storm hit Naples, Florida on Sunday and flooded the gym at Seagate Ridge High School.",
                  ["Naples", "Florida", "Seagate Ridge High School"])
    assert near(got["Seagate Ridge High School"], 26.14, -81.8, 25)


def test_a_body_named_after_a_state_is_at_the_reports_town_in_that_state():
    text = ("Flooding closed roads across Naples, Florida, on Monday. Students at Florida Gulf Lakes University "
            "were sent home, the county said.")
    got = resolve(text, ["Naples", "Florida", "Florida Gulf Lakes University"])
    assert near(got["Florida Gulf Lakes University"], 26.14, -81.8, 25)


# ------------------------------------------------------------------ "X, a village ..."


@pytest.mark.parametrize("lang,text", [
    ("en", "Few managed to reach Kolomba, a small locality about 40 miles from Goma."),
    ("fr", "Les secours ont enfin gagné Kolomba, une petite localité proche de Goma, mardi."),
    ("de", "Nur wenige erreichten Kolomba, ein Dorf etwa 40 Kilometer von Goma entfernt."),
])
def test_a_name_the_text_calls_a_town_in_apposition_is_a_place(lang, text):
    from datetime import date

    from sitroom.extract.document import extract_document

    facts = extract_document(text, date(2024, 3, 4), language=lang)
    (p,) = [p for p in facts.places if p.surface == "Kolomba"]
    assert p.country == "CD" and near(p, -1.68, 29.22, 100)


def test_a_person_followed_by_a_city_title_is_no_place():
    ps = by_surface("The plan was drafted by Amos Kiptoo, Nakuru city administrator, and approved on Monday.")
    assert "Amos Kiptoo" not in ps


def test_a_name_given_a_distance_right_after_it_is_a_place():
    ps = by_surface("More than 26,000 people have fled Goma since Sunday, many toward Kolomba, about 70 km west.")
    assert ps["Kolomba"].country == "CD" and near(ps["Kolomba"], -1.68, 29.22, 100)


def test_an_age_after_a_name_is_no_distance():
    assert "Amos Kiptoo" not in by_surface("The plan was backed by Amos Kiptoo, 45, a councillor in Nakuru.")


# ------------------------------------------------------------------ one sense per report

SAME_FACILITY_LATER = [
    "Une frappe a touché l’hôpital Nour-Amani de Goma, dans l’est du pays, mardi.\n\n"
    "L’hôpital Nour-Amani avait subi des dégâts le 9 mai, comme l’avait rapporté l’évêque de Normandie.",
    "Une frappe a touché l’hôpital Nour-Amani de Goma, dans l’est du pays, mardi.\n\n"
    "L’hôpital Nour-Amani, financé depuis la Bretagne, avait subi des dégâts le 9 mai.",
]


@pytest.mark.parametrize("text", SAME_FACILITY_LATER)
def test_a_name_the_gazetteer_lacks_stays_where_the_report_first_placed_it(text):
    """A later sentence naming a far region (a bishop's see, a donor's region) does not move
    the facility there: one name, one place, in one report."""
    from datetime import date

    from sitroom.extract.document import extract_document

    got = [p for p in extract_document(text, date(2024, 5, 15), language="fr").places if "Nour-Amani" in p.surface]
    assert len(got) == 2
    assert {p.country for p in got} == {"CD"} and all(near(p, -1.67, 29.23) for p in got)


def test_a_sentences_first_word_of_a_happening_does_not_make_a_name_with_of():
    """"Shelling of Nikopol leaves two dead": "Shelling" is capitalised only as the first word,
    so "of Nikopol" is a place, not what a name is "of" (as in "University of Nairobi")."""
    ps = by_surface("Shelling of Nikopol leaves two dead, the governor said.")
    assert ps["Nikopol"].country == "UA"
    ps = by_surface("Flooding of Beira worsened overnight, aid groups said.")
    assert ps["Beira"].country == "MZ"
