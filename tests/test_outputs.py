"""Reports and exports over a store analysed from our own corpus (real pipeline, real store)."""
import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitroom.cli import app

STORY = Path(__file__).parent / "fixtures" / "story.jsonl"
runner = CliRunner(env={"COLUMNS": "240"})


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("out") / "s.db"
    r = runner.invoke(app, ["--db", str(path), "analyze", str(STORY)])
    assert r.exit_code == 0, r.output
    return str(path)


def test_incidents_command_shows_range_and_grade(db):
    r = runner.invoke(app, ["--db", db, "incidents", "--detail"])
    assert r.exit_code == 0
    assert "7/" in r.output and "/12" in r.output and "contested" in r.output
    assert "[denied]" in r.output


def test_figure_series_in_time_order_with_who_gives_it(db):
    r = runner.invoke(app, ["--db", db, "figures", "--series", "killed"])
    assert r.exit_code == 0
    lines = [ln for ln in r.output.splitlines() if "2024-03" in ln]
    assert lines[0].index("2024-03-04") < 20 and "2024-03-06" in lines[-1]
    assert "doctors at the city hospital" in r.output


def test_compare_outlets(db):
    r = runner.invoke(app, ["--db", db, "compare"])
    assert r.exit_code == 0
    assert "River Post" in r.output and "Southern Courier" in r.output


def test_report_html_is_cited_self_contained_and_escaped(db, tmp_path):
    out = tmp_path / "sitrep.html"
    assert runner.invoke(app, ["--db", db, "report", "-o", str(out)]).exit_code == 0
    page = out.read_text()
    assert "<svg" in page and 'href="#c1"' in page and 'id="c1"' in page
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")
    assert "Kherson" in page
    md = tmp_path / "sitrep.md"
    assert runner.invoke(app, ["--db", db, "report", "-o", str(md)]).exit_code == 0
    text = md.read_text()
    assert "## Key figures" in text and "[^1]:" in text


def test_exports(db, tmp_path):
    gj = tmp_path / "i.geojson"
    assert runner.invoke(app, ["--db", db, "export", "--format", "geojson", "-o", str(gj)]).exit_code == 0
    fc = json.loads(gj.read_text())
    assert fc["type"] == "FeatureCollection" and fc["features"]
    lon, lat = fc["features"][0]["geometry"]["coordinates"]
    assert 30 < lon < 35 and 45 < lat < 48                      # Kherson
    ac = tmp_path / "acled.csv"
    assert runner.invoke(app, ["--db", db, "export", "--format", "acled", "-o", str(ac)]).exit_code == 0
    rows = list(csv.DictReader(ac.open()))
    assert {"event_date", "event_type", "sub_event_type", "fatalities", "geo_precision", "time_precision"} <= set(rows[0])
    assert any(r["event_type"] == "Explosions/Remote violence" and r["location"] == "Kherson" for r in rows)
    fc_csv = tmp_path / "figures.csv"
    assert runner.invoke(app, ["--db", db, "export", "--format", "csv", "--kind", "quotes", "-o", str(fc_csv)]).exit_code == 0
    quotes = list(csv.DictReader(fc_csv.open()))
    assert quotes and {"speaker", "sentence", "start", "end", "article"} <= set(quotes[0])
    bad = runner.invoke(app, ["--db", db, "export", "--format", "csv", "--kind", "nope", "-o", str(fc_csv)])
    assert bad.exit_code == 2 and "nope" in bad.output
