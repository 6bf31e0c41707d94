"""Bounded work per input (issue 9): a per-document time budget that marks a document
failed with its reason (not pending, not retried on every run), very long texts read in
chunks with their facts' offsets kept, sentences and parse walks bounded, and inputs
built to make quadratic code show extracted correctly. Behaviour only: no timings."""
import json
import re
import time
from datetime import date

import pytest
from typer.testing import CliRunner

from sitroom import pipeline
from sitroom.cli import app
from sitroom.extract import document, nlp
from sitroom.extract.context import TimeBudgetExceeded
from sitroom.extract.nlp import MAX_SENT_TOKENS, english, parse_text, split_text
from sitroom.store.db import Store

PUB = date(2024, 3, 1)
runner = CliRunner(env={"COLUMNS": "240"})

REPORTS = [
    "Floodwater cut the road to Sylhet on Monday and 300 families moved to a school, the mayor said.",
    "Gunmen killed 12 villagers in a town near Kaduna on Tuesday night, and the police said the attackers fled.",
    "Aid convoys reached Goma on Wednesday after fighting eased, the United Nations said.",
]


def _jsonl(tmp_path, texts, name="batch.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps({"id": f"r{i}", "published": "2024-03-01", "text": t}) + "\n"
                            for i, t in enumerate(texts)))
    return path


def _status(store):
    return {s["external_id"]: s["status"] for s in store.sources()}


# ---------------------------------------------------------------- the time budget


def test_a_tiny_configured_budget_marks_each_document_failed_and_the_run_goes_on(tmp_path, monkeypatch):
    db = tmp_path / "s.db"
    batch = _jsonl(tmp_path, REPORTS)
    monkeypatch.setenv("SITROOM_TIME_BUDGET", "0.000001")
    r = runner.invoke(app, ["--db", str(db), "analyze", str(batch)])
    assert r.exit_code == 1
    assert "time_budget" in r.output and "--retry-failed" in r.output
    store = Store(str(db))
    assert _status(store) == {"r0": "failed", "r1": "failed", "r2": "failed"}   # every one was tried
    failed = store.failed_sources()
    assert [f["reason"] for f in failed] == ["time_budget"] * 3
    assert all("longer than 1e-06 s" in f["note"] for f in failed)
    assert store.pending_ids() == []

    # a later run does not pay for them again ...
    monkeypatch.delenv("SITROOM_TIME_BUDGET")
    r = runner.invoke(app, ["--db", str(db), "analyze"])
    assert r.exit_code == 0 and "0 extracted" in r.output
    assert set(_status(store).values()) == {"failed"}
    # ... until asked to
    r = runner.invoke(app, ["--db", str(db), "analyze", "--retry-failed", "--time-budget", "120"])
    assert r.exit_code == 0, r.output
    assert set(_status(store).values()) == {"done"} and store.failed_sources() == []
    sid = next(s["id"] for s in store.sources() if s["external_id"] == "r1")
    assert any(f.value == 12 and f.category == "killed" for f in store.facts(sid).figures)


def _stall(ctx):
    """A deliberately slow extractor: on a text asking for it, it loops until the
    document's budget stops it (as a runaway extractor would, checking its budget)."""
    if "STALL" in ctx.text:
        while True:
            ctx.check()
            time.sleep(0.01)
    return []


def test_the_document_over_budget_is_failed_and_the_next_one_is_extracted(tmp_path, monkeypatch):
    assert document.EXTRACTORS[4][0] == "quotes"
    monkeypatch.setattr(document, "EXTRACTORS", [*document.EXTRACTORS[:4], ("quotes", _stall),
                                                 *document.EXTRACTORS[5:]])
    batch = _jsonl(tmp_path, [REPORTS[0], "STALL: " + REPORTS[1], REPORTS[2]])
    store = Store(str(tmp_path / "s.db"))
    result = pipeline.analyze([str(batch)], store, online=False, time_budget=3)
    assert _status(store) == {"r0": "done", "r1": "failed", "r2": "done"}
    (failed,) = store.failed_sources()
    assert failed["reason"] == "time_budget" and "the quotes extractor" in failed["note"]
    assert result.failed == [failed["id"]] and len(result.extracted) == 2
    assert store.facts(failed["id"]).figures == []   # no half-extracted facts
    # not retried by a plain run; retried (and extracted) with retry_failed
    assert pipeline.extract_pending(store, time_budget=3).extracted == []
    monkeypatch.undo()
    again = pipeline.extract_pending(store, retry_failed=True)
    assert again.extracted == [failed["id"]] and _status(store)["r1"] == "done"


def test_an_extraction_that_raises_is_failed_with_its_reason_and_the_run_goes_on(tmp_path, monkeypatch):
    real_parse = document.parse

    def parse(text, *a, **kw):
        if "BREAK" in text:
            raise MemoryError("a deliberately failing parse")
        return real_parse(text, *a, **kw)

    real_many = document.parse_many

    def parse_many(texts, *a, **kw):   # parsed together: the batch fails, then each text alone
        if any("BREAK" in t for t, _, _ in texts):
            raise MemoryError("a deliberately failing parse")
        return real_many(texts, *a, **kw)

    monkeypatch.setattr(document, "parse", parse)
    monkeypatch.setattr(document, "parse_many", parse_many)
    batch = _jsonl(tmp_path, ["BREAK " + REPORTS[0], REPORTS[1]])
    store = Store(str(tmp_path / "s.db"))
    result = pipeline.analyze([str(batch)], store, online=False)
    assert _status(store) == {"r0": "failed", "r1": "done"}
    (failed,) = store.failed_sources()
    assert failed["reason"] == "error" and "MemoryError" in failed["note"]
    assert any("marked failed" in e.problem for e in result.errors)
    assert store.archive_checks()["unknown_status"] == []


def test_facts_a_store_cannot_hold_fail_that_source_only(tmp_path):
    batch = _jsonl(tmp_path, ["Officials said 99999999999999999999999999 people fled Mosul on Monday.", REPORTS[1]])
    store = Store(str(tmp_path / "s.db"))
    pipeline.analyze([str(batch)], store, online=False)
    assert _status(store) == {"r0": "done", "r1": "done"}  # an impossible count is no figure


def test_a_deadline_already_passed_stops_the_parse_of_a_long_text_before_it_starts():
    text = "Rebels shelled the town on Monday, officials said.\n\n" * 3000   # 150 KB: parsed in pieces
    with pytest.raises(TimeBudgetExceeded) as exc:
        document.parse(text, PUB, deadline=time.monotonic() - 1)
    assert exc.value.reason == "time_budget" and "parsing" in str(exc.value)
    with pytest.raises(TimeBudgetExceeded):
        document.extract_document(REPORTS[0], PUB, deadline=time.monotonic() - 1)


# ---------------------------------------------------------------- size: chunks and pieces


def test_split_text_covers_the_text_and_cuts_at_paragraphs_then_sentences_then_spaces():
    text = "".join(f"Paragraph {i} says a thing. It says another.\n\n" for i in range(200))
    pieces = split_text(text, 1000)
    assert "".join(text[a:b] for a, b in pieces) == text
    assert all(b - a <= 1000 for a, b in pieces[:-1])
    assert all(text[:b].endswith("\n\n") for a, b in pieces[:-1])      # whole paragraphs
    one = "Shelling went on. " * 200                                     # no paragraph break
    pieces = split_text(one, 500)
    assert "".join(one[a:b] for a, b in pieces) == one and all(one[:b].endswith(". ") for a, b in pieces[:-1])
    blob = "x" * 2500                                                    # nothing to cut at
    assert split_text(blob, 1000) == [(0, 1000), (1000, 2000), (2000, 2500)]


def test_a_long_text_is_read_in_chunks_with_offsets_in_the_whole_text(monkeypatch):
    paras = [f"Gunmen killed {i + 3} villagers near Kaduna on 2{i % 8} February 2024, police said." for i in range(12)]
    text = "\n\n".join(paras) + "\n"
    whole = document.extract_document(text, PUB)
    monkeypatch.setattr(document, "CHUNK_ABOVE", 500)
    monkeypatch.setattr(document, "CHUNK_CHARS", 200)
    chunked = document.extract_document(text, PUB)
    assert len(split_text(text, 200)) >= 5
    for kind in ("dates", "figures", "places"):
        got = getattr(chunked, kind)
        assert got, kind
        assert [(f.start, f.end) for f in got] == [(f.start, f.end) for f in getattr(whole, kind)], kind
    for d in chunked.dates:
        assert text[d.start:d.end] == d.surface
    for f in chunked.figures:
        assert f.sentence in text and text[f.start:f.end] in f.sentence
    assert [f.value for f in chunked.figures] == list(range(3, 15))


def test_a_text_longer_than_a_parse_piece_gets_one_parse_with_the_same_offsets(monkeypatch):
    monkeypatch.setattr(nlp, "PARSE_PIECE_CHARS", 500)
    text = "".join(f"Aid reached camp {i} in Goma on Monday, officials said.\n\n" for i in range(40))
    doc = parse_text(english(), text)
    assert doc.text == text
    assert [s.start_char for s in doc.sents] == [s.start_char for s in english()(text).sents]
    assert [(e.start_char, e.label_) for e in doc.ents] == [(e.start_char, e.label_) for e in english()(text).ents]
    checks = []
    parse_text(english(), text, check=lambda: checks.append(1))
    assert len(checks) == len(split_text(text, 500)) >= 5   # the budget is checked between pieces


# ---------------------------------------------------------------- sentences and walks bounded


def test_no_sentence_is_longer_than_the_cap_and_ordinary_sentences_are_untouched():
    nlp = english()
    long = "Shelling hit " + ", ".join(f"the village of Alpha{i}" for i in range(400)) + " overnight."
    doc = parse_text(nlp, long)
    assert max(len(s) for s in doc.sents) <= MAX_SENT_TOKENS
    assert doc.text == long
    prose = ("The army said on Monday that it had retaken the town after three days of fighting. "
             "Residents who fled last week began to return, a local official said.\n\n")
    a, b = nlp(prose), parse_text(nlp, prose)
    assert [(t.text, t.dep_, t.head.i, t.is_sent_start) for t in a] == \
        [(t.text, t.dep_, t.head.i, t.is_sent_start) for t in b]


def test_sentence_of_answers_for_offsets_in_and_between_sentences():
    ctx = document.parse("Rain fell on Monday.\n\nThe river rose on Tuesday.", PUB)
    assert ctx.sentence_of(0).text.startswith("Rain")
    assert ctx.sentence_of(25).text.startswith("The river")
    assert ctx.sentence_of(21).text.startswith("Rain")   # the blank line: the sentence before it


# ---------------------------------------------------------------- adversarial inputs, extracted


def test_a_repeated_date_22_kb_long_is_every_date():
    text = "January 1, " * 2000                      # used to take seconds (quadratic)
    facts = document.extract_document(text, PUB)
    assert not facts.failures
    assert len(facts.dates) == 2000
    assert {d.value for d in facts.dates} == {"2024-01-01"}
    assert all(text[d.start:d.end] == d.surface == "January 1" for d in facts.dates)
    assert all(len(d.sentence) < 3000 for d in facts.dates)   # no fact stores the whole text as its sentence


def test_many_counts_with_places_dates_and_speakers_are_each_read_as_one_alone_is():
    towns = ["Alpha", "Bravo", "Corvo", "Delta", "Ecker"]
    sentences = [f"In {towns[i % 5]}ville, {i % 90 + 2} people were killed on Monday, police chief Amina "
                 f"Diallo said." for i in range(150)]                      # 150 figures, dates, speakers
    text = " ".join(sentences)
    facts = document.extract_document(text, PUB)
    assert not facts.failures
    (alone,) = document.extract_document(sentences[0], PUB).figures
    assert alone.category == "killed" and alone.as_of == PUB and "Diallo" in alone.attributed_to
    assert [f.value for f in facts.figures] == [i % 90 + 2 for i in range(150)]
    assert {(f.category, f.as_of, f.attributed_to, f.subject) for f in facts.figures} == \
        {(alone.category, alone.as_of, alone.attributed_to, alone.subject)}
    assert all(text[f.start:f.end] == str(f.value) for f in facts.figures)
    assert len(facts.dates) == 150 and len(facts.quotes) == 150


def test_a_long_coordination_of_numbers_is_no_count():
    text = "between " + " and ".join(str(i) for i in range(1, 2500))         # ~24 KB, one "sentence"
    facts = document.extract_document(text, PUB)
    assert not facts.failures
    assert facts.figures == []
    assert all(re.fullmatch(r"1[89]\d\d|20\d\d", d.surface) and d.precision == "year" for d in facts.dates)


def test_a_long_quotation_and_a_run_of_names_are_extracted_without_failure():
    quote = '"' + "the army will hold the line and the people will stay " * 160 + '," the mayor said.'
    names = " ".join(f"Ahmed{chr(65 + i % 26)} Khan{chr(65 + i // 26 % 26)}" for i in range(800))
    for text in (quote, names):
        facts = document.extract_document(text, PUB)
        assert not facts.failures
        for kind in ("entities", "places", "dates", "figures", "quotes", "events"):
            for f in getattr(facts, kind):
                assert 0 <= f.start <= f.end <= len(text) and len(f.sentence) < 5000
