"""The entity recogniser decoded over arrays (``extract/entity_decoder.py``) gives the
entities of spaCy's own decoder, with the same weights, token by token."""
from __future__ import annotations

import pytest
from spacy.tokens import Span

from sitroom.extract.entity_decoder import FastEntityRecognizer
from sitroom.extract.nlp import _preset, english, french

ENGLISH = [
    "Shelling near Vorna Bay killed 11 civilians on Sunday, the regional governor, Ilse Marrow, said.\n\n"
    "The Northern Relief Consortium said 4,300 people had fled "
    "toward Dulan since March 3.",
    "Cyclone Pera made landfall near Port Asembo late on Friday. Red Crescent volunteers counted 37 missing "
    "and 1,200 homes were destroyed in the districts of Kaluma and West Tarro.",
    "\"We need water and medicine,\" Dr. Hamid Sorel of Médecins Sans Frontières told the BBC.  \n"
    "Militia fighters seized the airport at Bekri at about 6 a.m. local time, residents said.",
    "Police in Lanmore said a car bomb outside the Ministry of Finance wounded 23 people. "
    "Two of them remain in a serious state, said a spokesman named Oren Vallis",
    "",
    "Kessel",
    "   \n\n  ",
]

FRENCH = [
    "Des frappes ont tué 9 personnes samedi à Kolenda, a déclaré Jean-Baptiste Moreau, qui parle au nom "
    "des forces armées.\n\nLe Programme alimentaire mondial estime que 20 000 personnes ont fui vers Rassi.",
    "Selon la Croix-Rouge, les inondations ont fait au moins 14 morts dans la province de Tamaro.",
]


def _ents(doc):
    return [(t.ent_iob_, t.ent_type_) for t in doc], [(e.start, e.end, e.label_) for e in doc.ents]


def _before_ner(nlp, texts):
    names = [n for n in nlp.pipe_names if n in ("ner", "english_labels")]
    with nlp.select_pipes(disable=names):
        return list(nlp.pipe([_preset(nlp, t) for t in texts]))


@pytest.mark.parametrize("load,texts,least", [(english, ENGLISH, 8), (french, FRENCH, 5)])
def test_entities_are_spacys_own(load, texts, least):
    nlp = load()
    fast = nlp.get_pipe("ner")
    assert isinstance(fast, FastEntityRecognizer) and fast.supported
    spacys = fast.ner
    docs = _before_ner(nlp, texts)
    one_by_one = [fast(d.copy()) for d in docs]
    together = list(fast.pipe([d.copy() for d in docs], batch_size=4))
    reference = [d.copy() for d in docs]
    for i in range(0, len(reference), 2):
        batch = reference[i:i + 2]
        spacys.set_annotations(batch, spacys.predict(batch))
    assert [_ents(d) for d in one_by_one] == [_ents(d) for d in reference]
    assert [_ents(d) for d in together] == [_ents(d) for d in reference]
    assert sum(len(d.ents) for d in reference) >= least


def test_no_entity_runs_across_a_sentence_or_begins_on_whitespace():
    nlp = english()
    doc = nlp("Aid reached Vorna Bay\n\nRefugee camps near Dulan are full. The statement was signed by "
              "President Maria Lopez")
    for ent in doc.ents:
        assert not any(t.is_space for t in ent)
        assert all(not t.is_sent_start for t in ent[1:])
    assert doc.ents[-1].text == "Maria Lopez"          # an entity may end the text


def test_entities_set_before_are_left_to_spacys_decoder():
    nlp = english()
    fast = nlp.get_pipe("ner")
    [doc] = _before_ner(nlp, ["Officials in Kaluma said the convoy reached Dulan on Tuesday."])
    doc.set_ents([Span(doc, 2, 3, label="ORG")], default="missing")   # "Kaluma", preset
    ref = doc.copy()
    fast(doc)
    fast.ner(ref)
    assert _ents(doc) == _ents(ref)
    assert ("Kaluma", "ORG") in [(e.text, e.label_) for e in doc.ents]
