"""sitroom against reference datasets (ACLED, UCDP GED): found, missed, only in sitroom,
matched by type family, date (±1 day) and distance. Reference files written here."""
import csv

import pytest
from typer.testing import CliRunner

import export_corpus as ec
from sitroom.cli import app
from sitroom.export import acled
from sitroom.report import reference

runner = CliRunner()
ACLED_HEAD = acled.COLUMNS


def acled_row(**kw):
    row = dict.fromkeys(ACLED_HEAD, "")
    row.update({"geo_precision": "1", "fatalities": "0"}, **{k: str(v) for k, v in kw.items()})
    return row


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return ec.build(str(tmp_path_factory.mktemp("ref") / "s.db"))


@pytest.fixture
def acled_file(tmp_path):
    rows = [
        # the market shelling, a day late and 3 km off: found
        acled_row(event_id_cnty="UKR9001", event_date="2024-03-05", event_type="Explosions/Remote violence",
                  latitude=45.12, longitude=33.23, location="Varnovo outskirts", country="Ukraine", fatalities=5),
        # the clash, coded as ACLED does, a row a day: each found, all the same incident
        *[acled_row(event_id_cnty=f"NER90{d}", event_date=f"2024-03-0{d}", event_type="Battles", latitude=12.41,
                    longitude=14.91, location="Kelmira", country="Niger", fatalities=2) for d in (4, 5, 6)],
        # a battle far from anything sitroom has: missed
        acled_row(event_id_cnty="UKR9002", event_date="2024-03-05", event_type="Battles", latitude=48.0,
                  longitude=37.5, location="Elsewhere", country="Ukraine", fatalities=1),
        # right place and day, wrong family (a protest is no shelling): missed
        acled_row(event_id_cnty="UKR9003", event_date="2024-03-04", event_type="Protests", latitude=45.10,
                  longitude=33.20, location="Varnovo", country="Ukraine"),
        # three days off: missed
        acled_row(event_id_cnty="UKR9004", event_date="2024-03-07", event_type="Explosions/Remote violence",
                  latitude=45.10, longitude=33.20, location="Varnovo", country="Ukraine"),
        # a year before the store's reports: outside what it covers
        acled_row(event_id_cnty="UKR8000", event_date="2023-03-04", event_type="Battles", latitude=45.1,
                  longitude=33.2, location="Varnovo", country="Ukraine"),
    ]
    path = tmp_path / "acled_ref.csv"
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=ACLED_HEAD)
        w.writeheader()
        w.writerows(rows)
    return path


def test_acled_reference_found_missed_and_only_in_sitroom(store, acled_file):
    res = reference.compare(store, acled_file)
    assert res.dataset == "acled" and res.outside == 1
    found = {m.ref.id: m for m in res.matched}
    assert set(found) == {"UKR9001", "NER904", "NER905", "NER906"}
    assert found["UKR9001"].incident.place == "Varnovo" and found["UKR9001"].days == 1
    assert 1 < found["UKR9001"].km < 5
    assert len({found[k].incident.id for k in ("NER904", "NER905", "NER906")}) == 1
    assert {r.id for r in res.missed} == {"UKR9002", "UKR9003", "UKR9004"}
    only = {i.place for i in res.extra}
    assert "Varnovo" not in only and "Kelmira" in only    # the protest there: ACLED's file lacks it
    assert {"Ostrelka", "Tal Semra", "Dunmar"} <= only
    assert res.recall == pytest.approx(4 / 7)
    assert len(reference.compare(store, acled_file, everything=True).missed) == 4


def test_ucdp_reference(store, tmp_path):
    path = tmp_path / "ged.csv"
    cols = ["id", "type_of_violence", "date_start", "date_end", "latitude", "longitude", "where_coordinates",
            "country", "best", "where_prec"]
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        w.writerow(["501", "1", "2024-03-04 00:00:00.000", "2024-03-06 00:00:00.000", "12.40", "14.90",
                    "Kelmira town", "Niger", "7", "1"])
        w.writerow(["502", "3", "2024-03-04", "2024-03-04", "45.10", "33.20", "Varnovo", "Ukraine (Soviet Union)",
                    "4", "1"])
        w.writerow(["503", "2", "2024-03-05", "2024-03-05", "6.9", "31.9", "Somewhere", "South Sudan", "3", "1"])
    res = reference.compare(store, path)
    assert res.dataset == "ucdp"
    assert {m.ref.id: m.incident.place for m in res.matched} == {"501": "Kelmira", "502": "Varnovo"}
    assert [r.id for r in res.missed] == ["503"]


def test_compare_with_command(store, acled_file, tmp_path):
    db = str(store.url.removeprefix("sqlite:///"))
    out = tmp_path / "cmp.csv"
    r = runner.invoke(app, ["--db", db, "compare-with", str(acled_file), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "4 found, 3 missed" in r.output and "only in sitroom" in r.output
    rows = list(csv.DictReader(out.open()))
    assert {r["status"] for r in rows} == {"found", "missed", "only sitroom"}
    bad = tmp_path / "other.csv"
    bad.write_text("item,cost\ntents,3\n")
    r = runner.invoke(app, ["--db", db, "compare-with", str(bad)])
    assert r.exit_code == 2 and "other.csv" in r.output and "event_id_cnty" in r.output


def test_its_own_acled_export_matches_itself(store, tmp_path):
    path = tmp_path / "own.csv"
    acled.write(store, path)
    res = reference.compare(store, path)
    assert not res.missed and not res.extra
    # the undated arrests, coded to a publication day with month precision, match too
    assert any(m.incident.place == "Dunmar" and m.incident.date_start is None for m in res.matched)
