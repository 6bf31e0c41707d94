"""Entities: people and organisations with aliases and roles, on sentences written for these tests."""
from __future__ import annotations

from datetime import date

import pytest

from sitroom.extract.document import extract_document


def ents(text: str):
    return extract_document(text, date(2024, 3, 1)).entities


def by_text(entities, text):
    return [e for e in entities if e.text == text]


def test_surname_and_title_resolve_to_full_name():
    es = ents("Kenyan President William Ruto visited the flooded district on Monday. "
              "Ruto promised new shelters. Later, President Ruto met aid workers.")
    rutos = [e for e in es if e.label == "PERSON"]
    assert rutos and all(e.canonical == "William Ruto" for e in rutos)
    assert any(e.text == "Ruto" for e in rutos)
    assert all(e.role and "President" in e.role for e in rutos)


def test_byline_capitals_put_in_reading_order():
    es = ents("Flood toll rises\n\nby OKAFOR Chidi\n\nRescuers searched the river banks on Sunday.")
    people = [e for e in es if e.label == "PERSON"]
    assert any(e.canonical == "Chidi Okafor" for e in people)


def test_acronym_becomes_alias_of_the_organisation():
    es = ents("The World Health Organization (WHO) warned of cholera. "
              "WHO said it had sent 10 tonnes of supplies.")
    who = [e for e in es if e.text == "WHO"]
    assert who and all(e.canonical == "World Health Organization" for e in who)
    assert all(e.label == "ORG" for e in who)


def test_roles_from_titles_and_appositions():
    es = ents("Lebanon's health minister, Firass Abiad, said hospitals were full. "
              "Samir Haddad, a 52-year-old fisherman, lost his boat. "
              "Caretaker Prime Minister Najib Mikati called for calm.")
    roles = {e.canonical: e.role for e in es if e.label == "PERSON"}
    assert roles.get("Firass Abiad") == "Lebanon's health minister"
    assert roles.get("Samir Haddad") == "fisherman"
    assert roles.get("Najib Mikati") and "Prime Minister" in roles["Najib Mikati"]


def test_apposition_with_role_makes_an_unknown_name_a_person():
    es = ents("Tadesse, a farmer, walked for three days to reach the camp.")
    assert any(e.canonical == "Tadesse" and e.label == "PERSON" and e.role == "farmer" for e in es)


def test_possessive_and_trailing_s_kept_right():
    es = ents("Mr Okonjo described the situation as grim. Amara Okonjo's office issued a statement.")
    names = {e.canonical for e in es if e.label == "PERSON"}
    assert "Amara Okonjo" in names
    assert not any(n.endswith("Guterre") for n in names)


def test_places_are_not_people():
    es = ents("Hundreds of families fled to Goma after the rebels entered the village of Kibumba. "
              "The mayor of Goma, Jean Kabuya, said schools were shut.")
    people = {e.canonical for e in es if e.label == "PERSON"}
    assert "Jean Kabuya" in people
    assert "Goma" not in people and "Kibumba" not in people


@pytest.mark.parametrize("text,name", [
    ("Niger's army chief, General Moussa Salaou Barmou, rejected the talks. Barmou left for Abuja.",
     "Moussa Salaou Barmou"),
    ("Ambassador to the UN Linda Thomas-Greenfield spoke first. Thomas-Greenfield asked for a vote.",
     "Linda Thomas-Greenfield"),
])
def test_names_with_particles_and_hyphens(text, name):
    es = ents(text)
    assert any(e.canonical == name for e in es)
    short = [e for e in es if e.text != name and e.canonical == name]
    assert short, "the later short mention resolves to the full name"
    assert all(e.label == "PERSON" for e in short)


def test_organisation_words_make_an_organisation():
    es = ents("The Centre for Humanitarian Dialogue hosted the talks.")
    assert any(e.label == "ORG" and e.canonical == "Centre for Humanitarian Dialogue" for e in es)


def test_offsets_and_sentence_point_into_the_text():
    text = "Aid arrived late. Health Minister Maria Lopez said 40 clinics were closed."
    for e in ents(text):
        assert text[e.start:e.end] == e.text
        assert e.text in e.sentence


def test_place_before_a_title_is_not_part_of_the_name():
    es = ents("Odesa governor Petro Kovalchuk said two people were wounded.")
    person = [e for e in es if e.label == "PERSON"]
    assert person and person[0].canonical == "Petro Kovalchuk" and "Odesa" in person[0].role


def test_acronym_resolves_to_the_name_with_those_initials():
    es = ents("The World Food Programme warned of famine. The WFP said 2 million people needed aid.")
    assert [e.canonical for e in es if e.text == "WFP"] == ["World Food Programme"]


def test_headline_organisation_ends_at_its_organisation_word():
    es = ents("Ghana Army Chief Mensah Confirms Troop Withdrawal\n\nMensah said the troops had left.")
    assert not any(e.label == "ORG" and "Confirms" in e.text for e in es)
    assert any(e.label == "PERSON" and e.canonical == "Mensah" and "Chief" in e.role for e in es)


def test_gender_only_from_the_words_with_the_name():
    from sitroom.extract.entities import gender_of
    from sitroom.extract.document import parse, extract_document as run

    text = "Spokeswoman Dana Ruiz met Mr Lee and Sam Ortega."
    ctx = parse(text, date(2024, 3, 1))
    people = {e.canonical: e for e in run(text, date(2024, 3, 1), ctx=ctx).entities if e.label == "PERSON"}
    assert gender_of(ctx.doc, people["Dana Ruiz"]) == "f"
    assert gender_of(ctx.doc, people["Lee"]) == "m"
    assert gender_of(ctx.doc, people["Sam Ortega"]) is None
