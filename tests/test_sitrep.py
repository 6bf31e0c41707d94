"""A situation report an analyst would send (issue 12, item 6): key figures per incident
(its range, its own latest figure, who gives them), footnotes without repeats, undated
things said as "date unknown", a map with outlines and labels that do not overlap, charts
whose legends cover no point, and a PDF that is a clear error where no Chromium is found.

The store is export_corpus's (reports of our own, several countries) and one more report
of a second incident with its own toll (no model is loaded)."""
import re

import pytest
from typer.testing import CliRunner

import export_corpus as ec
from sitroom.cli import app
from sitroom.report import sitrep

SECOND = ec.Doc("selka-depot", "Plains Gazette", "https://plains.example.org/selka",
                "A drone hit a depot in Selka on Thursday; six people were killed, the governor said.",
                [ec.Ev("drone hit", ("Explosions/Remote violence", "Air/drone strike"), "Selka", ec.THU, killed=6)])


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("sitrep") / "s.db"
    ec.build(str(path), docs=[*ec.DOCS, SECOND])
    return str(path)


@pytest.fixture(scope="module")
def report(db):
    from sitroom.store.db import Store

    return sitrep.build(Store(db), title="Situation report: river towns")


def test_key_figures_are_per_incident(report):
    killed = [s.text for s in report.key_figures if s.text.startswith("Killed")]
    market = [t for t in killed if "Varnovo" in t]
    depot = [t for t in killed if "Selka" in t]
    assert len(market) == 1 and len(depot) == 1, killed
    # the market's range is its own two reports' (4 and 6), its latest its own
    assert "4 to 6" in market[0]
    assert "2024-03-07" not in market[0]  # the depot's day is not the market's latest
    # the depot: one figure, said once, with who gives it; no range spanning both
    assert re.search(r": 6, according to ", depot[0]) and " to " not in depot[0].split(":", 1)[1].split(",")[0]
    assert all("4 to 6" not in t for t in depot)
    assert all("according to" in t for t in killed)


def test_footnotes_never_repeat(report):
    for s in report.key_figures + report.timeline + report.contradictions:
        assert len(s.cites) == len(set(s.cites)), s
    md = sitrep.markdown(report)
    for line in md.splitlines():
        refs = re.findall(r"\[\^(\d+)\](?!:)", line)
        assert len(refs) == len(set(refs)), line


def test_nothing_undated_reads_none(report):
    md, page = sitrep.markdown(report), sitrep.to_html(report)
    assert "None" not in md and "None" not in re.sub(r"<[^>]+>", "", page)
    assert "date unknown" in md  # the undated arrests


def _boxes(svg: str) -> list[tuple[float, float, float, float]]:
    out = []
    for m in re.finditer(r'<text class="place-label" x="([\d.]+)" y="([\d.]+)"[^>]*text-anchor="(\w+)">([^<]*)</text>',
                         svg):
        x, y, anchor, text = float(m[1]), float(m[2]), m[3], m[4]
        w = 6.4 * len(text) + 2
        left = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
        out.append((left, y - 10, left + w, y + 3))
    return out


def test_map_has_outlines_and_labels_that_do_not_overlap(report):
    from sitroom.store.db import Store  # noqa: F401

    svg = sitrep.svg_map(report.pic)
    boxes = _boxes(svg)
    assert len(boxes) >= 3
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    # crowded places (several within a few km): the labels still do not overlap
    crowded = [(100.0 + 4 * k, 100.0, 1.0, f"Town number {k}") for k in range(12)]
    placed = sitrep._place_labels(crowded, 400, 300)
    assert 0 < len(placed) < 12
    if sitrep.world_outlines():  # the bundled outlines (npm install)
        assert svg.count('class="outline"') >= 3
    # an incident located only to its region is a ring, not a dot
    assert 'fill="none"' not in svg or any(i.geo_precision in sitrep.HOLLOW for i in report.pic.incidents)


def test_chart_legends_cover_no_point(report):
    killed = next(s for s in report.series if s.category == "killed")
    svg = sitrep.svg_series(killed)
    points = [float(m) for m in re.findall(r'<circle class="point" cx="[\d.]+" cy="([\d.]+)"', svg)]
    legend = [float(m) for m in re.findall(r'<g class="legend-item"><rect x="[\d.]+" y="([\d.]+)"', svg)]
    assert points and len(legend) == len({p.party for p in killed.points if p.as_of})
    assert min(legend) > max(points) + 4


def test_pdf_without_chromium_is_a_clear_error(db, tmp_path, monkeypatch):
    monkeypatch.setenv("SITROOM_CHROMIUM", str(tmp_path / "no-such-chromium"))
    out = tmp_path / "x.pdf"
    r = CliRunner().invoke(app, ["--db", db, "report", "-o", str(out)])
    assert r.exit_code == 1 and "Chromium" in r.output and not out.exists()
    # HTML and Markdown need none
    assert CliRunner().invoke(app, ["--db", db, "report", "-o", str(tmp_path / "x.md")]).exit_code == 0


def test_figures_of_no_incident_from_several_reports_are_never_one_range():
    """Two reports' tolls tied to no incident (a flood in one country, fighting in another)
    are two lines, each with its own source, not "15 to 30" across both."""
    from datetime import date

    from sitroom.fuse import series

    pts = [series.Point(as_of=date(2024, 9, 10), value=15, low=None, high=None, qualifier="at_least",
                        party="civil society groups", article="a1", outlet="Kivu Daily",
                        sentence="At least 15 civilians were killed near the lake.", stock=False),
           series.Point(as_of=date(2024, 9, 11), value=30, low=None, high=None, qualifier="at_least",
                        party="field-note.md", article="a2", outlet=None,
                        sentence="At least 30 people have died in the floods.", stock=False)]
    lines = sitrep.key_figures("killed", series.Series(category="killed", points=pts), {}, sitrep.Citations())
    assert len(lines) == 2 and all(" to " not in s.text.split(":", 1)[1].split(",")[0] for s in lines)
    assert "civil society groups" in lines[0].text and "field-note.md" in lines[1].text
