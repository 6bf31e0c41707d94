"""A page that gives no date: once fusion joins it to an incident that dated reports give a
day, its dates are read again against that day (once), so "on Thursday" and "March 3"
resolve; each date keeps that day as its anchor. Reports of our own, two crises."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sitroom import pipeline
from sitroom.store.db import Store


def corpus(tmp_path: Path, reports: list[dict]) -> Path:
    path = tmp_path / "reports.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in reports) + "\n", encoding="utf-8")
    return path


DATED = {"id": "dated-1", "outlet": "Sahel Wire", "published": "2024-05-15",
         "text": "A drone strike hit the cattle market in Gao on Tuesday, killing nine civilians, "
                 "local officials said."}
UNDATED = {"id": "undated-1", "outlet": "Niger Bend Post", "published": None,
           "text": "Nine civilians were killed when a drone struck the cattle market in Gao on Tuesday, "
                   "officials said. On Monday, gunmen had attacked a convoy near Ansongo. "
                   "Residents said a similar strike hit Menaka on March 3."}


def dates_of(store: Store, ext: str) -> dict[str, object]:
    sid = next(s["id"] for s in store.sources() if s["external_id"] == ext)
    return {d.surface: d for d in store.facts(sid).dates}


def test_an_undated_report_is_read_against_the_day_of_the_incident_it_reports(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    result = pipeline.analyze([str(corpus(tmp_path, [DATED, UNDATED]))], store, online=False)
    assert result.ok and len(result.anchored) == 1
    got = dates_of(store, "undated-1")
    tuesday = next(d for s, d in got.items() if "Tuesday" in s)
    assert tuesday.date_start == date(2024, 5, 14) and tuesday.anchor == date(2024, 5, 14)
    monday = next(d for s, d in got.items() if "Monday" in s)
    assert monday.date_start == date(2024, 5, 13)
    march = next(d for s, d in got.items() if "March 3" in s)
    assert march.date_start == date(2024, 3, 3)
    # read so once: another run reads nothing again
    again = pipeline.analyze([str(corpus(tmp_path, [DATED, UNDATED]))], store, online=False)
    assert again.anchored == []
    # the dated report's own dates are untouched
    assert next(d for s, d in dates_of(store, "dated-1").items() if "Tuesday" in s).anchor == date(2024, 5, 15)


def test_an_undated_report_alone_keeps_its_dates_unresolved(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    alone = {**UNDATED, "id": "alone-1"}
    result = pipeline.analyze([str(corpus(tmp_path, [alone]))], store, online=False)
    assert result.ok and result.anchored == []
    assert all(d.anchor is None for d in dates_of(store, "alone-1").values())


def test_the_run_summary_says_which_pages_were_read_against_an_incident_day(tmp_path):
    from typer.testing import CliRunner

    from sitroom.cli import app

    path = corpus(tmp_path, [DATED, UNDATED])
    run = CliRunner().invoke(app, ["--db", str(tmp_path / "s.db"), "analyze", "--offline", str(path)])
    assert run.exit_code == 0, run.output
    assert "1 undated page(s) read again against the day of the incident they report" in run.output


def test_a_page_extracted_again_is_anchored_again(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    path = corpus(tmp_path, [DATED, UNDATED])
    pipeline.analyze([str(path)], store, online=False)
    store.mark_all_pending()
    result = pipeline.extract_pending(store, refuse=True)
    assert len(result.anchored) == 1
    tuesday = next(d for s, d in dates_of(store, "undated-1").items() if "Tuesday" in s)
    assert tuesday.date_start == date(2024, 5, 14)


def test_an_undated_report_is_anchored_on_postgres(tmp_path, postgres_url):
    from test_postgres import fresh_db

    store = Store(fresh_db(postgres_url))
    result = pipeline.analyze([str(corpus(tmp_path, [DATED, UNDATED]))], store, online=False)
    assert result.ok and len(result.anchored) == 1
    tuesday = next(d for s, d in dates_of(store, "undated-1").items() if "Tuesday" in s)
    assert tuesday.date_start == date(2024, 5, 14)
