"""Places that name parties and facilities, in several languages, on sentences of our own:
a country named as a party to a war or talks ("the war between X and Y") stands for its
state, not a place; a facility named by the people who built or run it ("the Saudi
hospital", "l'hôpital saoudien", "المستشفى السعودي") is a place of its own, located at the
report's town ("a French hospital" is any); the same facility named so in several languages
is one site; a country glued to a quotation mark ("«la Belgique condamne") still stands
for its government."""
from datetime import date

import pytest

from sitroom.extract.document import extract_document
from sitroom.fuse.coref import similar_names

PUB = date(2024, 5, 15)


def places(lang: str, text: str) -> dict:
    facts = extract_document(text, PUB, language=lang)
    assert not facts.failures
    return {p.surface: p for p in facts.places}


PARTIES = [
    ("en", "The war between Armenia and Azerbaijan has displaced thousands, aid groups said.", ["Armenia", "Azerbaijan"]),
    ("fr", "Le conflit entre la Serbie et le Kosovo s'enlise depuis des mois, et des tirs ont visé Mitrovica.", ["Serbie"]),
    ("de", "Der Krieg zwischen Eritrea und Äthiopien endete vor Jahren.", ["Eritrea", "Äthiopien"]),
    ("es", "Las negociaciones entre Colombia y el ELN se reanudaron en Caracas.", ["Colombia"]),
    ("ru", "Переговоры между Арменией и Азербайджаном продолжатся в Женеве.", ["Арменией", "Азербайджаном"]),
]


@pytest.mark.parametrize("lang,text,parties", PARTIES)
def test_a_country_named_as_a_party_stands_for_its_state(lang, text, parties):
    ps = places(lang, text)
    for name in parties:
        assert ps[name].kind == "metonym", (name, ps[name])


def test_a_border_between_two_countries_is_land():
    ps = places("en", "Floods closed the border between Mali and Niger on Monday.")
    assert ps["Mali"].kind == "country" and ps["Niger"].kind == "country"


BY_PEOPLE = [
    ("en", "Gunmen stormed the Turkish hospital in Mogadishu on Monday, witnesses said.", "Turkish hospital"),
    ("fr", "Des obus ont touché l’hôpital turc de Mogadiscio lundi.", "hôpital turc"),
    ("es", "Varios proyectiles alcanzaron el hospital turco de Mogadiscio el lunes.", "hospital turco"),
    ("de", "Granaten trafen das türkische Krankenhaus in Mogadischu am Montag.", "türkische Krankenhaus"),
    ("ar", "سقطت قذائف على المستشفى التركي في مقديشو يوم الاثنين", "المستشفى التركي"),
]


@pytest.mark.parametrize("lang,text,surface", BY_PEOPLE)
def test_a_facility_named_by_its_people_is_a_place_at_the_reports_town(lang, text, surface):
    ps = places(lang, text)
    p = ps[surface]
    assert p.kind == "facility" and p.country == "SO"
    assert abs(p.lat - 2.04) < 0.2 and abs(p.lon - 45.34) < 0.2


def test_a_facility_with_an_indefinite_article_is_any_such_facility():
    ps = places("fr", "Un hôpital turc a envoyé des médecins à Mogadiscio.")
    assert not any(p.kind == "facility" for p in ps.values())
    ps = places("en", "A Turkish hospital sent doctors to Mogadishu.")
    assert not any(p.kind == "facility" for p in ps.values())


def test_a_region_named_after_its_people_stays_a_region():
    ps = places("en", "Fighting resumed in the Amhara region on Monday.")
    assert ps["Amhara"].kind == "region"


def test_one_facility_named_by_its_people_in_three_languages_is_one_site():
    assert similar_names("hôpital turc", "Turkish General Hospital")
    assert similar_names("المستشفى التركي", "Turkish hospital")
    assert not similar_names("hôpital turc", "Egyptian hospital")


def test_a_country_glued_to_a_quotation_mark_stands_for_its_government():
    ps = places("fr", "Le ministère a publié une note : «la Belgique condamne sans réserve ces tirs».")
    assert ps["Belgique"].kind == "metonym"
