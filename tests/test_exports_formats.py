"""HXL, Parquet, GeoJSON, JSON Lines and the facts CSV, each read with the tool its users
read it with (libhxl, pandas, DuckDB, pyarrow, jsonschema) and checked for provenance."""
import csv
import hashlib
import json
from pathlib import Path

import duckdb
import hxl
import jsonschema
import pandas as pd
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import export_corpus as ec
from sitroom.api.app import create_app
from sitroom.cli import app
from sitroom.export import hxl as hxl_export
from sitroom.export import tables

runner = CliRunner()
SCHEMAS = Path(__file__).resolve().parent.parent / "docs" / "schemas"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("formats") / "s.db"
    ec.build(str(path))
    return str(path)


def export(db, *args):
    r = runner.invoke(app, ["--db", db, "export", *map(str, args)])
    assert r.exit_code == 0, r.output
    return r


def _hxl(path):
    return hxl.data(str(path), hxl.InputOptions(allow_local=True))


def test_hxl_incidents_and_figures_read_by_libhxl(db, tmp_path):
    out = tmp_path / "incidents.csv"
    export(db, "--format", "hxl", "-o", out)
    data = _hxl(out)
    tags = data.display_tags
    for tag in ("#event+code", "#date+occurred", "#event+type", "#group+name", "#country+name", "#country+code",
                "#adm1+name", "#loc+name", "#geo+lat", "#geo+lon", "#affected+killed", "#meta+source"):
        assert tag in tags, tag
    rows = list(_hxl(out))
    market = next(r for r in rows if r.get("#loc+name") == "Varnovo")
    assert market.get("#country+code") == "UKR" and market.get("#country+name") == "Ukraine"
    assert market.get("#affected+killed+min") == "4" and "Reuters" in market.get("#meta+source")
    # every column's values have the datatype the mapping declares
    schema_rows = [["#valid_tag", "#valid_datatype"]] + [
        [c["hashtag"], c["datatype"]] for c in hxl_export.mapping()["incidents"] if c["datatype"] != "text"]
    problems = []
    assert hxl.schema(schema_rows, callback=problems.append).validate(_hxl(out)), [str(p) for p in problems]

    figs = tmp_path / "figures.csv"
    export(db, "--format", "hxl", "--kind", "figures", "-o", figs)
    rows = list(_hxl(figs))
    assert {"#indicator+num", "#meta+url", "#meta+hash", "#event+code"} <= set(_hxl(figs).display_tags)
    killed = next(r for r in rows if r.get("#indicator+name") == "killed" and r.get("#indicator+num") == "4")
    assert killed.get("#meta+hash") and killed.get("#event+code")       # traced to its source and incident
    schema_rows = [["#valid_tag", "#valid_datatype"]] + [
        [c["hashtag"], c["datatype"]] for c in hxl_export.mapping()["figures"] if c["datatype"] != "text"]
    problems = []
    assert hxl.schema(schema_rows, callback=problems.append).validate(_hxl(figs)), [str(p) for p in problems]


def test_parquet_one_file_per_table_read_by_pandas_and_duckdb(db, tmp_path):
    folder = tmp_path / "pq"
    export(db, "--format", "parquet", "-o", folder)
    assert sorted(p.stem for p in folder.glob("*.parquet")) == sorted(tables.KINDS)
    incidents = pd.read_parquet(folder / "incidents.parquet")
    assert list(incidents.columns) == tables.columns("incidents")
    assert set(incidents["place"]) >= {"Varnovo", "Kelmira", "Dunmar"}
    assert pq.read_schema(folder / "incidents.parquet").metadata[b"generator"] == b"sitroom"
    con = duckdb.connect()
    n, = con.execute(f"select count(*) from read_parquet('{folder / 'incident_mentions.parquet'}') m "
                     f"join read_parquet('{folder / 'incidents.parquet'}') i using (incident_id) "
                     "where i.place = 'Varnovo'").fetchone()
    assert n == 2
    figs = con.execute(f"select f.value, f.sha256, s.sha256, f.raw_start, f.raw_end, s.text from "
                       f"read_parquet('{folder / 'figures.parquet'}') f join "
                       f"read_parquet('{folder / 'sources.parquet'}') s using (source_id)").fetchall()
    assert figs and all(fs == ss for _, fs, ss, *_ in figs)
    dates = pd.read_parquet(folder / "dates.parquet")
    assert str(dates["date_start"].iloc[0]) == "2024-03-04"


def test_parquet_needs_a_folder(db, tmp_path):
    r = runner.invoke(app, ["--db", db, "export", "--format", "parquet"])
    assert r.exit_code == 2 and "-o DIR" in r.output


def test_geojson_features_have_ids_and_flat_properties(db, tmp_path):
    out = tmp_path / "i.geojson"
    export(db, "--format", "geojson", "-o", out)
    fc = json.loads(out.read_text())
    assert fc["features"]
    for f in fc["features"]:
        assert f["id"] == f["properties"]["id"]
        assert not any(isinstance(v, (list, dict)) for v in f["properties"].values())
        if not f["properties"]["date_known"]:
            assert f["properties"]["date_precision"] == "unknown" and f["properties"]["date_start"] is None
    market = next(f for f in fc["features"] if f["properties"]["place"] == "Varnovo")
    assert market["properties"]["actors"] == "Northern Army; Civilians (Ukraine)"
    assert any(not f["properties"]["date_known"] for f in fc["features"])   # the undated arrests


def test_geojson_read_by_gdal_where_installed(db, tmp_path):
    """GDAL's own reader (ogrinfo) sees every feature with its fields typed; skipped where
    GDAL is not installed (it is not a dependency)."""
    import shutil
    import subprocess

    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo is None:
        pytest.skip("GDAL's ogrinfo is not installed")
    out = tmp_path / "i.geojson"
    export(db, "--format", "geojson", "-o", out)
    n = len(json.loads(out.read_text())["features"])
    info = subprocess.run([ogrinfo, "-ro", "-so", "-al", str(out)], capture_output=True, text=True, timeout=60)
    assert info.returncode == 0, info.stderr
    assert f"Feature Count: {n}" in info.stdout and "Geometry: Point" in info.stdout
    assert "killed_low: Integer" in info.stdout or "killed_low: Integer64" in info.stdout


def test_geojson_route_is_served_as_geo_json(db):
    client = TestClient(create_app(db))
    r = client.get("/api/map.geojson")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    assert all(f["id"] for f in r.json()["features"])
    spec = client.get("/openapi.json").json()
    assert "application/geo+json" in spec["paths"]["/api/map.geojson"]["get"]["responses"]["200"]["content"]


def test_jsonl_every_line_typed_and_valid_against_its_schema(db, tmp_path):
    out = tmp_path / "e.jsonl"
    export(db, "--format", "jsonl", "-o", out)
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    assert recs[0]["type"] == "export" and recs[0]["generator"] == "sitroom"
    schemas = {p.name.split(".")[0]: json.loads(p.read_text()) for p in SCHEMAS.glob("*.schema.json")}
    seen = set()
    for rec in recs:
        assert rec["type"] in schemas, rec["type"]
        jsonschema.validate(rec, schemas[rec["type"]], format_checker=jsonschema.FormatChecker())
        seen.add(rec["type"])
    assert seen >= {"export", "source", "incident", "figure", "date", "place", "quote", "entity", "event"}
    assert all(isinstance(r["value"], int) for r in recs if r["type"] == "figure")
    assert all("value" not in r and isinstance(r["date_value"], str) for r in recs if r["type"] == "date")


def test_facts_csv_rows_trace_to_their_source_without_the_store(db, tmp_path):
    out = tmp_path / "figures.csv"
    export(db, "--format", "csv", "--kind", "figures", "-o", out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    docs = {d.ext: d for d in ec.DOCS}
    assert rows
    for r in rows:
        text = docs[r["article"]].text
        assert r["sha256"] == hashlib.sha256(text.encode()).hexdigest()
        assert text[int(r["raw_start"]):int(r["raw_end"])] in r["sentence"] and r["cue"] in text
        assert r["url"] == (docs[r["article"]].url or "")
    assert any(r["incident_id"] for r in rows)
    for kind in tables.KINDS:
        out = tmp_path / f"{kind}.csv"
        export(db, "--format", "csv", "--kind", kind, "-o", out)
        assert next(csv.reader(out.open(encoding="utf-8"))) == tables.columns(kind)
