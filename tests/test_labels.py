"""Labels that say what happened: "<event noun> [of/on <target>] in/near <place>", at most 80
characters, never "Other", a bare type name or "None"; on sentences of our own from
several countries."""
from datetime import date

import pytest

from sitroom.extract.document import extract_document
from sitroom.fuse import coref
from sitroom.fuse.incidents import MentionRef, merge

PUB = date(2024, 5, 15)

ACLED_NAMES = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
               "Strategic developments", "Air/drone strike", "Shelling/artillery/missile attack", "Armed clash",
               "Attack", "Other", "Peaceful protest", "Arrests", "Agreement", "Abduction/forced disappearance",
               "Looting/property destruction", "Government regains territory", "Non-state actor overtakes territory"}


def incident_labels(text: str) -> list[str]:
    facts = extract_document(text, PUB)
    assert facts.failures == [], facts.failures
    refs = [MentionRef(mention=m, source_id=1, article="a1", origin_group="g1") for m in facts.events]
    return [i.label for i in merge(refs)]


CASES = [
    ("A drone strike hit a fuel convoy near Tillaberi on Sunday, killing 11 drivers.",
     "Drone strike on a fuel convoy"),
    ("Artillery shelled a school in Kidal on Monday, wounding six pupils.", "on a school in Kidal"),
    ("Gunmen stormed a school in Kaduna on Friday and abducted 20 pupils.", "Abduction of pupils in Kaduna"),
    ("Thousands of residents fled Palma on Saturday as insurgents advanced.", "from Palma"),
    ("Police arrested 40 opposition supporters in Harare on Tuesday.", "Arrests"),
    ("Rebels seized the town of Bunia after heavy fighting on Monday.", "in Bunia"),
    ("A fuel depot exploded in Beira on Monday.", "Explosion in Beira"),
    ("Thousands of teachers marched through Lima on Tuesday to demand higher pay.", "in Lima"),
]


@pytest.mark.parametrize("text, part", CASES, ids=[c[1] for c in CASES])
def test_labels_name_the_happening_its_target_and_place(text, part):
    labels = incident_labels(text)
    assert any(part in label for label in labels), labels


@pytest.mark.parametrize("text", [c[0] for c in CASES])
def test_labels_are_never_a_bare_type_other_or_none(text):
    for label in incident_labels(text):
        assert label and len(label) <= 80
        assert label not in ACLED_NAMES and "None" not in label and not label.startswith("Other")


def test_a_long_target_and_place_are_shortened_to_80_characters():
    label = coref.compose_label("Drone strike", "on", "a convoy of fuel tankers and buses carrying displaced families",
                                "Municipality of the Western Highlands district", "point")
    assert len(label) <= 80 and label.startswith("Drone strike")
    assert coref.compose_label("Shelling", "of", None, None, "region") == "Shelling (place unknown)"


def test_the_noun_fits_the_incident_type():
    noun, prep = coref.label_noun("Explosions/Remote violence", "Shelling/artillery/missile attack",
                                  ["massacre", "shelled", "strike"])
    assert noun == "Shelling" and prep == "of"
    noun, _ = coref.label_noun("Strategic developments", "Other", ["ghost-word"])
    assert noun != "Other"
