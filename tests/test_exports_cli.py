"""The command line's errors: a store that does not exist, unknown series, kinds and
formats, report suffixes; untitled sources shown by URL or file name."""
from pathlib import Path

import pytest
from typer.testing import CliRunner

import export_corpus as ec
from sitroom.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "s.db"
    ec.build(str(path))
    return str(path)


@pytest.mark.parametrize("args", [["incidents"], ["sources"], ["figures", "--series", "killed"], ["compare"],
                                  ["collections"], ["verify"], ["show", "1"], ["report", "-o", "{tmp}/r.html"],
                                  ["export", "-f", "jsonl", "-o", "{tmp}/e.jsonl"], ["users", "list"],
                                  ["compare-with", "{tmp}/ref.csv"], ["backup", "{tmp}/b.db"]])
def test_a_store_that_does_not_exist_is_an_error_and_is_not_created(tmp_path, args):
    typo = tmp_path / "typo.db"
    (tmp_path / "ref.csv").write_text("event_id_cnty,event_date\n")
    r = runner.invoke(app, ["--db", str(typo), *[a.replace("{tmp}", str(tmp_path)) for a in args]])
    assert r.exit_code == 2, r.output
    assert "no store at" in r.output and "typo.db" in r.output
    assert not typo.exists()


def test_analyze_and_users_add_create_a_store(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("Shells hit the market of Varnovo on Monday, officials said.")
    fresh = tmp_path / "new.db"
    assert runner.invoke(app, ["--db", str(fresh), "analyze", "--offline", str(report)]).exit_code == 0
    assert fresh.exists()
    other = tmp_path / "users.db"
    r = runner.invoke(app, ["--db", str(other), "users", "add", "desk", "--role", "analyst",
                            "--password", "a long enough passphrase 7"])
    assert r.exit_code == 0, r.output
    assert other.exists()


def test_unknown_series_kinds_and_formats_list_the_valid_ones(db, tmp_path):
    r = runner.invoke(app, ["--db", db, "figures", "--series", "kiled"])
    assert r.exit_code == 2 and "kiled" in r.output and "killed" in r.output and "displaced" in r.output
    r = runner.invoke(app, ["--db", db, "export", "-f", "csv", "--kind", "incident", "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 2 and "incident_mentions" in r.output and "entities" in r.output
    r = runner.invoke(app, ["--db", db, "export", "-f", "hxl", "--kind", "quotes", "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 2 and "incidents" in r.output and "figures" in r.output
    r = runner.invoke(app, ["--db", db, "export", "-f", "xlsx", "-o", str(tmp_path / "x.xlsx")])
    assert r.exit_code == 2 and "acled" in r.output and "parquet" in r.output


def test_report_writes_text_or_refuses_a_suffix_it_cannot_honour(db, tmp_path):
    txt = tmp_path / "sitrep.txt"
    assert runner.invoke(app, ["--db", db, "report", "-o", str(txt)]).exit_code == 0
    body = txt.read_text()
    assert "<html" not in body.lower() and "<svg" not in body and body.startswith("# ")
    r = runner.invoke(app, ["--db", db, "report", "-o", str(tmp_path / "sitrep.docx")])
    assert r.exit_code == 2 and ".html" in r.output and ".md" in r.output
    assert not (tmp_path / "sitrep.docx").exists()


def test_untitled_sources_show_their_url_or_file_name(db, tmp_path):
    r = runner.invoke(app, ["--db", db, "sources"])
    assert r.exit_code == 0
    # the untitled source's row: its id, then its file's name as the title (not the path)
    assert "reports/" not in r.output
    assert any(ln.count("tal-semr") == 2 for ln in r.output.splitlines()), r.output
    md = tmp_path / "s.md"
    assert runner.invoke(app, ["--db", db, "report", "-o", str(md)]).exit_code == 0
    assert "Levant Daily — tal-semra-deal.txt" in md.read_text()


def test_shown_titles():
    from sitroom.report.titles import shown

    assert shown("A title", "x.txt") == "A title"
    assert shown(None, "/data/in/report-7.html") == "report-7.html"
    assert shown("", "wire.jsonl#12") == "wire.jsonl#12"
    assert shown(None, "https://example.org/a", None) == "https://example.org/a"
    assert shown(None, "reports/x.txt", "https://example.org/b") == "https://example.org/b"
