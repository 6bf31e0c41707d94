"""The command line end to end on the demo corpus and on bad inputs (real store, real model)."""
import json
import shutil

from typer.testing import CliRunner

from sitroom import pipeline
from sitroom.cli import app
from sitroom.store.db import Store

runner = CliRunner(env={"COLUMNS": "240"})


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_every_command_has_help():
    for cmd in ([], ["analyze"], ["sources"], ["show"], ["export"], ["verify"], ["custody"], ["redact"], ["delete"],
                ["backup"]):
        r = run(*cmd, "--help")
        assert r.exit_code == 0 and "Usage" in r.output


def test_demo_corpus_analyzed_listed_shown_exported(tmp_path, demo_reports):
    db = tmp_path / "demo.db"
    r = run("--db", db, "analyze", demo_reports)
    assert r.exit_code == 0, r.output
    sources = {s["external_id"] or s["origin"]: s for s in Store(str(db)).sources()}
    assert len(sources) == 6
    french = next(s for s in sources.values() if s["origin"].endswith("depeche.txt"))
    # read with the French pipeline and lexicon rows, not with English rules
    assert french["language"] == "fr" and french["status"] == "done"
    assert french["places"] >= 1 and french["quotes"] >= 1
    assert sources["demo-01"]["status"] == "done" and sources["demo-01"]["figures"] >= 1

    r = run("--db", db, "sources")
    assert r.exit_code == 0 and "demo-01" in r.output
    r = run("--db", db, "show", "demo-01")
    assert r.exit_code == 0 and "Sittwe" in r.output and "sha256" in r.output

    out = tmp_path / "facts.jsonl"
    assert run("--db", db, "export", "--format", "jsonl", "-o", out).exit_code == 0
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    figs = [x for x in recs if x["type"] == "figure"]
    assert figs and all(x["sentence"] and x["end"] > x["start"] for x in figs)
    # offsets point into the clean text, raw offsets into the archived text
    src = {x["source_id"]: x for x in recs if x["type"] == "source"}
    for f in figs:
        text = next(s["text"] for s in src.values() if s["article"] == f["article"])
        assert text[f["start"]:f["end"]] in f["sentence"]

    # re-analysing identical content creates nothing new
    r = run("--db", db, "analyze", demo_reports)
    assert r.exit_code == 0 and "0 new source(s), 6 already archived" in r.output


def test_bad_inputs_are_named_and_the_rest_goes_on(tmp_path, demo_reports):
    db = tmp_path / "s.db"
    assert run("--db", db, "analyze", demo_reports / "wire.jsonl").exit_code == 0
    before = Store(str(db)).sources()

    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "empty.txt").write_text("   \n")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (bad / "lines.jsonl").write_text(
        '{"id": "ok-1", "text": "Floods displaced 2,000 people in Beira on Monday, officials said."}\n'
        '{"id": "broken", "text": \n')
    (bad / "links.html").write_text(
        "<html><body><ul>" + "".join(f'<li><a href="/p{i}">Page {i}</a></li>' for i in range(30))
        + "</ul></body></html>")
    r = run("--db", db, "analyze", bad)
    assert r.exit_code == 1
    out = r.output
    assert "empty.txt" in out and "binary.txt" in out and "lines.jsonl" in out and "links.html" in out
    assert "line 2" in out
    after = Store(str(db)).sources()
    assert after[: len(before)] == before                # nothing stored before changed
    assert any(s["external_id"] == "ok-1" and s["status"] == "done" for s in after)


def test_missing_file_is_an_error_not_a_crash(tmp_path):
    r = run("--db", tmp_path / "s.db", "analyze", tmp_path / "nope.txt")
    assert r.exit_code == 1 and "nope.txt" in r.output


def test_interrupted_run_resumes_from_the_archive(tmp_path, demo_reports):
    """Sources archived by a run that stopped before extraction are extracted by the next."""
    store = Store(str(tmp_path / "s.db"))
    archived = pipeline.ingest([str(demo_reports / "wire.jsonl")], store, online=False)
    assert len(archived.added) == 3 and len(store.pending_ids()) == 3
    r = run("--db", tmp_path / "s.db", "analyze", demo_reports / "wire.jsonl")
    assert r.exit_code == 0 and "0 new source(s)" in r.output and "3 extracted" in r.output
    assert store.pending_ids() == []


def test_show_unknown_source(tmp_path):
    Store(str(tmp_path / "s.db"))  # an existing, empty store (a missing one is another error)
    r = run("--db", tmp_path / "s.db", "show", "no-such")
    assert r.exit_code == 1 and "no-such" in r.output


def test_a_failing_extractor_costs_the_document_nothing_else(tmp_path, demo_reports, monkeypatch):
    """An extractor registered by a user that raises on one document: that document keeps
    every other extractor's facts and is done, the failure is recorded with the source and
    the extractor's name, and the run warns about it."""
    from sitroom.extract import document

    def fragile(ctx):
        if "our boats" in ctx.text:
            raise RuntimeError("cannot read this one")
        return []

    monkeypatch.setattr(document, "EXTRACTORS", [*document.EXTRACTORS, ("quotes", fragile)])
    db = tmp_path / "s.db"
    r = run("--db", db, "analyze", demo_reports / "wire.jsonl")
    assert r.exit_code == 0 and "cannot read this one" in r.output and "line 3" in r.output
    assert "quotes extractor failed" in r.output
    store = Store(str(db))
    status = {s["external_id"]: s["status"] for s in store.sources()}
    assert status == {"demo-01": "done", "demo-02": "done", "demo-03": "done"}
    failed = store.failures()
    assert len(failed) == 1 and failed[0].extractor == "quotes" and "cannot read this one" in failed[0].error
    assert store.facts(failed[0].source_id).places  # the other extractors' facts are kept
