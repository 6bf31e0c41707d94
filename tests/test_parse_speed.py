"""Speed-ups that must not change what is read: the attribute ruler read from
dictionaries gives spaCy's own annotations, date patterns are matched once per text,
the cached name normaliser folds as before."""
from __future__ import annotations

from datetime import date

import pytest

from sitroom.extract import dates
from sitroom.extract.context import DocContext
from sitroom.extract.document import extract_document, parse
from sitroom.extract.gazetteer import norm
from sitroom.extract.nlp import FastAttributeRuler, english

TEXTS = [
    "The governor said on Tuesday that 14 people were killed when floodwater swept through Lower Tessam.\n\n"
    "\"We haven't got enough boats,\" she told reporters. Isn't it obvious? I'd say it is, y'all.",
    "Gonna be a long night: there are 300 families gotta leave Karvo Ridge, and let's not forget the "
    "ones who didn't make it. It was raining; the roads that lead north weren't open.",
    "Rebels shelled the market at dawn. Aid workers, whose convoy had been stopped, said they'd return "
    "once the fighting ends. He does n't know whether it's safe. Nothin' moved.",
]


def _annotations(doc):
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in doc]


def test_attribute_ruler_from_dictionaries_matches_spacys():
    nlp = english()
    fast = nlp.get_pipe("attribute_ruler")
    assert isinstance(fast, FastAttributeRuler)
    from spacy.pipeline import AttributeRuler

    ref = AttributeRuler(nlp.vocab)
    ref.add_patterns(fast_patterns := _patterns(nlp))
    assert len(fast_patterns) > 100
    for text in TEXTS:
        a, b = nlp.make_doc(text), nlp.make_doc(text)
        for name, proc in nlp.pipeline:
            a = proc(a)
            b = ref(b) if name == "attribute_ruler" else proc(b)
        assert _annotations(a) == _annotations(b)


def _shipped_model():
    import importlib

    from sitroom.extract.nlp import MODEL_NAMES

    for name in MODEL_NAMES:   # the model as shipped, none of our changes
        try:
            return importlib.import_module(name).load()
        except ImportError:
            continue
    pytest.skip("no English model package")


def _patterns(nlp):
    return _shipped_model().get_pipe("attribute_ruler").patterns


def test_lemmas_are_spacys_own():
    """Our lemmatizer keeps each lemma once worked out and tests its word index as a set:
    the lemmas are those of the model as shipped, inflected and unknown words included."""
    shipped = _shipped_model()
    texts = TEXTS + [
        "The oxen were driven across the fords; the herders' wives fled, carrying the smallest children.",
        "Gunmen had been seizing trucks, looting warehouses and burning the granaries of three villages.",
        "Floodwaters were rising faster than the dykes could be mended, the engineers warned, worried.",
        "Mortars struck the camps again; the UN said the displaced were better housed in schools.",
    ]
    for text in texts * 2:           # the second time, every lemma comes from the cache
        ours = english()(text)
        theirs = shipped(text)
        assert [(t.text, t.lemma_) for t in ours] == [(t.text, t.lemma_) for t in theirs]


def test_date_matches_are_found_once_and_anchor_does_not_change_them():
    text = "On 3 March 2023 the river rose. By Friday, 40 homes were flooded, officials said last week."
    ctx = parse(text, None)
    first = dates._matches(ctx, "en")
    assert dates._matches(ctx, "en") is first          # kept on the context
    anchor = dates.anchor_from_text(ctx)
    assert anchor == date(2023, 3, 3)
    ctx.published = anchor
    got = [(d.start, d.end, d.value) for d in dates.extract(ctx)]
    fresh = DocContext(text=text, doc=ctx.doc, published=anchor)
    assert got == [(d.start, d.end, d.value) for d in dates.extract(fresh)]
    facts = extract_document(text, None)
    assert [(d.start, d.end) for d in facts.dates] == [(s, e) for s, e, _ in got]


@pytest.mark.parametrize("name,key", [("Port-au-Prince", "port au prince"), ("D.C.", "dc"), ("São Tomé", "sao tome"),
                                      ("Nur’s", "nur s"), ("  Al  Wadi ", "al wadi"), ("O'Hara", "o hara")])
def test_norm_folds_case_accents_and_punctuation(name, key):
    assert norm(name) == key
    assert norm(name) == key   # cached: the same answer again


def test_date_patterns_are_skipped_only_where_they_cannot_match():
    """A pattern is not run over a text holding none of the words every match of it
    holds; folding keeps the letters re matches case-insensitively ("ſ" for "s")."""
    import re

    from sitroom.extract.fast_patterns import could_match, fold, needed_words

    pat = re.compile(r"(?i)\b(?:(?:\d+|a\s+few)\s+(?:days|weeks)\s+ago|last\s+spring)\b")
    words = needed_words(pat)
    assert words and all(len(w) >= 2 for w in words)
    for text in ("Talks resumed in Goma a few weeks ago.", "LAST SPRING the dam broke at Kherson.",
                 "the levee held laſt ſpring", "The siege of Mosul lasted nine months."):
        assert could_match(words, fold(text), text) == bool(pat.search(text)), text
    assert needed_words(re.compile(r"\d{4}")) is None        # digits alone: always run
    texts = ["Fighting near Bamako on 3 March 2024 left 12 dead; two days later the army withdrew.",
             "No date here at all, only 45 displaced families in Bunia.",
             "Since last weekend, 300 homes have flooded every day in Sylhet, the district said on Monday."]
    for text in texts:
        ctx = parse(text, date(2024, 3, 10))
        gated = [(h, m.span()) for h, m in dates._matches(ctx, "en")]
        full = [(r.handler, m.span()) for r in dates.RULES for m in r.pattern.finditer(text)]
        assert gated == full


def test_texts_parsed_together_are_parsed_as_one_at_a_time():
    """Parsing several texts in one batch shares the model's calls, not its reading: every
    annotation is what ``parse_text`` gives each text alone (a run with no full stop cut
    before the parse included)."""
    from sitroom.extract.nlp import parse_text, parse_texts

    nlp = english()
    long_run = "Aid reached " + ", ".join(f"village {i}" for i in range(120)) + " before the roads closed."
    texts = TEXTS + [long_run, "", "Shelling hit Kherson.\n\nTwo people died, officials said."]
    together = parse_texts(nlp, texts)
    for text, doc in zip(texts, together):
        alone = parse_text(nlp, text)
        assert doc.text == text
        assert _annotations(doc) == _annotations(alone)
        assert [e.text for e in doc.ents] == [e.text for e in alone.ents]
        assert [s.start for s in doc.sents] == [s.start for s in alone.sents]
