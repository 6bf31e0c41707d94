"""The ACLED export, read by the `acled` client's own row parser and checked against its
event model (the 31 fields, their order and types) and ACLED's codebook."""
import csv
import datetime as dt
import typing

import countrystatecity_countries as csc
import pytest
from acled.clients.acled_data_client import AcledDataClient
from acled.models.data_models import AcledEvent
from typer.testing import CliRunner

import export_corpus as ec
from sitroom.cli import app
from sitroom.export import acled

runner = CliRunner()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    d = tmp_path_factory.mktemp("acled")
    ec.build(str(d / "s.db"))
    out = d / "acled.csv"
    r = runner.invoke(app, ["--db", str(d / "s.db"), "export", "--format", "acled", "-o", str(out)])
    assert r.exit_code == 0, r.output
    with out.open(newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    with out.open(newline="", encoding="utf-8") as fh:
        return header, list(csv.DictReader(fh))


def _parse(row: dict) -> dict:
    client = object.__new__(AcledDataClient)   # the parser needs no connection
    return client._parse_event(dict(row))


def test_fields_are_the_client_models_in_its_order(exported):
    header, rows = exported
    assert header == list(AcledEvent.__annotations__) and len(header) == 31


def test_every_row_passes_the_clients_parser_with_the_models_types(exported):
    _, rows = exported
    assert rows
    hints = typing.get_type_hints(AcledEvent)
    for row in rows:
        ev = _parse(row)
        assert isinstance(ev["event_date"], dt.date) and isinstance(ev["timestamp"], dt.datetime)
        assert ev["year"] == ev["event_date"].year
        for name, hint in hints.items():
            optional = type(None) in typing.get_args(hint)
            base = next((a for a in typing.get_args(hint) if a is not type(None)), hint)
            value = row[name]
            if value == "":
                assert optional or base is str, (name, row)
                continue
            if base is int:
                int(value)
            elif base is float:
                float(value)


def test_acled_codes_and_spellings(exported):
    _, rows = exported
    by_loc = {}
    for r in rows:
        by_loc.setdefault(r["location"], []).append(r)
    (market,) = by_loc["Varnovo"]
    ukraine = next(c for c in csc.get_countries() if c.iso2 == "UA")
    assert market["country"] == "Ukraine" and int(market["iso"]) == int(ukraine.numeric_code)
    assert market["region"] == "Europe"
    assert market["event_id_cnty"].startswith("UKR") and market["event_id_cnty"][3:].isdigit()
    assert market["admin1"] in {s.name for s in csc.get_states_of_country("UA")}
    assert (market["inter1"], market["inter2"], market["interaction"]) == ("1", "7", "17")
    assert market["civilian_targeting"] == "Civilian targeting"
    assert market["fatalities"] == "4"                      # the low of 4 and 6
    assert market["source_scale"] == "National-International"   # a .ua outlet and a wire agency
    assert market["disorder_type"] == "Political violence" and market["tags"] == ""
    assert "corroborated" not in market["tags"] and "4-6" in market["notes"]
    (drone,) = by_loc["Ostrelka"]
    assert drone["source_scale"] == "New media" and drone["inter1"] == "3"   # unnamed perpetrator
    assert drone["actor1"] == "Unidentified Armed Group (Ukraine)" and drone["fatalities"] == "0"


def test_a_multi_day_incident_is_spread_evenly_over_its_days(exported):
    _, rows = exported
    clash = sorted((r for r in rows if r["event_type"] == "Battles"), key=lambda r: r["event_date"])
    assert [r["event_date"] for r in clash] == ["2024-03-04", "2024-03-05", "2024-03-06"]
    assert sum(int(r["fatalities"]) for r in clash) == 7 and {r["fatalities"] for r in clash} == {"3", "2"}
    assert len({r["event_id_cnty"] for r in clash}) == 3 and all(r["country"] == "Niger" for r in clash)
    assert {(r["inter1"], r["inter2"], r["interaction"]) for r in clash} == {("1", "2", "12")}


def test_non_violent_events_carry_no_fatalities(exported):
    _, rows = exported
    protest = next(r for r in rows if r["event_type"] == "Protests")
    deal = next(r for r in rows if r["sub_event_type"] == "Agreement")
    assert protest["fatalities"] == deal["fatalities"] == "0"
    assert protest["disorder_type"] == "Demonstrations" and protest["inter1"] == "6"
    assert protest["interaction"] == "60" and protest["actor1"] == "Protesters (Niger)"
    assert deal["disorder_type"] == "Strategic developments" and deal["country"] == "Syria"


def test_an_undated_incident_gets_a_date_with_month_precision(exported):
    _, rows = exported
    arrest = next(r for r in rows if r["sub_event_type"] == "Arrests")
    assert arrest["event_date"] == "2024-03-07" and arrest["time_precision"] == "3"
    assert "Date not reported" in arrest["notes"] and arrest["country"] == "South Sudan"
    assert arrest["region"] == "Eastern Africa"


def test_ids_are_unique_and_stable(tmp_path, exported):
    _, rows = exported
    assert len({r["event_id_cnty"] for r in rows}) == len(rows)
    store = ec.build(str(tmp_path / "s.db"))
    first = [r["event_id_cnty"] for r in acled.rows(store)]
    assert first == [r["event_id_cnty"] for r in acled.rows(store)]


def test_interaction_codes():
    assert acled.disorder("Riots", "Mob violence")[0] == "Political violence"
    assert acled.disorder("Protests", "Excessive force against protesters") == ("Political violence; Demonstrations",
                                                                               True)
    assert acled.disorder("Protests", "Peaceful protest") == ("Demonstrations", False)
