"""What `analyze` takes from a table: a CSV of reports is a corpus, any other CSV and
sitroom's own JSON Lines export are refused with an error naming the file."""
import csv

from typer.testing import CliRunner

import export_corpus as ec
from sitroom.cli import app
from sitroom.ingest.readers import iter_inputs
from sitroom.models import InputError, RawInput
from sitroom.store.db import Store

runner = CliRunner()


def _write_csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_a_csv_with_the_input_columns_is_read_as_a_corpus(tmp_path):
    corpus = tmp_path / "desk.csv"
    _write_csv(corpus, ["ID", "url", "outlet", "published", "title", "text"], [
        ["r1", "https://example.org/a", "Coast Herald", "2024-05-02", "Flooding", "Floods cut the coast road, "
         "officials said on Thursday.\nTwo bridges were closed."],
        ["r2", "", "Valley Times", "", "", "Farmers protested in the valley town on Friday."],
    ])
    items = list(iter_inputs([str(corpus)], online=False))
    assert all(isinstance(i, RawInput) for i in items), items
    first, second = items
    assert (first.external_id, first.outlet, str(first.published), first.url) == (
        "r1", "Coast Herald", "2024-05-02", "https://example.org/a")
    assert "Two bridges" in first.text and first.content_type == "text/csv"
    assert second.url is None and second.published is None and second.title is None
    assert first.origin.endswith("desk.csv row 2")
    db = tmp_path / "s.db"
    r = runner.invoke(app, ["--db", str(db), "analyze", "--offline", str(corpus)])
    assert r.exit_code == 0, r.output
    assert {s["external_id"] for s in Store(str(db)).sources()} == {"r1", "r2"}


def test_any_other_csv_is_an_error_naming_the_file_and_the_columns(tmp_path):
    other = tmp_path / "budget.csv"
    _write_csv(other, ["item", "cost"], [["tents", "300"]])
    (err,) = list(iter_inputs([str(other)], online=False))
    assert isinstance(err, InputError) and err.origin == str(other)
    assert "item, cost" in err.problem and "id, url, outlet, published, title" in err.problem
    r = runner.invoke(app, ["--db", str(tmp_path / "s.db"), "analyze", "--offline", str(other)])
    assert r.exit_code == 1 and "budget.csv" in r.output and "text" in r.output


def test_analyze_refuses_sitroom_exports(tmp_path):
    db = str(tmp_path / "s.db")
    ec.build(db)
    jl = tmp_path / "everything.jsonl"
    assert runner.invoke(app, ["--db", db, "export", "-f", "jsonl", "-o", str(jl)]).exit_code == 0
    figs = tmp_path / "quotes.csv"
    assert runner.invoke(app, ["--db", db, "export", "-f", "csv", "--kind", "quotes", "-o", str(figs)]).exit_code == 0
    acled = tmp_path / "acled.csv"
    assert runner.invoke(app, ["--db", db, "export", "-f", "acled", "-o", str(acled)]).exit_code == 0
    before = len(Store(db).sources())
    for path in (jl, figs, acled):
        r = runner.invoke(app, ["--db", db, "analyze", "--offline", str(path)])
        assert r.exit_code == 1 and path.name in r.output, r.output
    r = runner.invoke(app, ["--db", db, "analyze", "--offline", str(jl)])
    assert "sitroom export" in r.output
    assert len(Store(db).sources()) == before          # nothing archived
