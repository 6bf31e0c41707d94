"""One extractor that raises never costs a document its other facts: the failure is
recorded with the source and the extractor's name, and the source is done."""
from datetime import date

from sitroom import pipeline
from sitroom.extract import document, method
from sitroom.store.db import Store


def _broken(ctx):
    raise KeyError("a rule without its handler")


def test_failure_is_recorded_and_other_facts_kept(tmp_path, monkeypatch):
    # a deliberately broken extractor in place of the quotes extractor
    registry = [(name, _broken if name == "quotes" else fn) for name, fn in document.EXTRACTORS]
    monkeypatch.setattr(document, "EXTRACTORS", registry)
    report = tmp_path / "r.jsonl"
    report.write_text('{"id": "x1", "published": "2024-02-02", "text": "Floods swept through Sylhet on Monday, '
                      'killing 14 people. \\"We lost everything,\\" said Rahim Uddin, a farmer."}\n')
    store = Store(str(tmp_path / "s.db"))
    result = pipeline.analyze([str(report)], store, online=False)
    assert result.ok and len(result.extracted) == 1
    assert len(result.extractor_failures) == 1 and "quotes" in result.extractor_failures[0].problem
    sid = result.extracted[0]
    facts = store.facts(sid)
    assert [f.extractor for f in facts.failures] == ["quotes"]
    assert "KeyError" in facts.failures[0].error and "test_extractor_isolation.py" not in facts.failures[0].where
    assert facts.quotes == []
    assert any(p.surface == "Sylhet" for p in facts.places)
    assert any(f.value == 14 and f.category == "killed" for f in facts.figures)
    assert store.pending_ids() == []
    # every fact records the method that produced it, and the store says what it stands for
    stamp = method.current().stamp
    assert {p.method for p in facts.places} == {stamp}
    assert [m["stamp"] for m in store.methods()] == [stamp]


def test_a_clean_run_clears_old_failures(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    report = tmp_path / "r.txt"
    report.write_text("Aid convoys reached Goma on Tuesday.\n")
    pipeline.analyze([str(report)], store, online=False)
    sid = store.source_ids()[0]
    facts = document.extract_document("Aid convoys reached Goma on Tuesday.", date(2024, 1, 1))
    assert facts.failures == []
    store.save_facts(sid, facts)
    assert store.failures(sid) == []


def test_a_later_step_that_fails_keeps_the_facts_it_came_back_to(monkeypatch):
    """The step that gives numbers in quotations their speaker comes back to the figures:
    where it raises, the figures stay as the figures extractor made them."""
    steps = [name for name, _ in document.EXTRACTORS]
    assert steps.count("figures") == 2 and steps.index("quotes") < len(steps) - 1 - steps[::-1].index("figures")
    registry, seen = [], 0
    for name, fn in document.EXTRACTORS:
        if name == "figures":
            seen += 1
            if seen == 2:
                fn = _broken
        registry.append((name, fn))
    monkeypatch.setattr(document, "EXTRACTORS", registry)
    facts = document.extract_document('Rebels shelled Goma on Monday, killing 14 people, officials said.',
                                      date(2024, 2, 2))
    assert [f.extractor for f in facts.failures] == ["figures"]
    assert any(f.value == 14 and f.category == "killed" for f in facts.figures)
    assert facts.events   # the events still read the figures
