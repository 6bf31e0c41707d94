"""Collections: a store holding several crises. Fusion never joins incidents across
collections unless asked; every view, export, API route and command filters by one."""
import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from incident_corpus import MON, SHELLING, Mention, Report, add
from sitroom.api.app import create_app
from sitroom.cli import app as cli
from sitroom.fuse import picture
from sitroom.store.db import Store

# one happening reported in two collections (two desks covering neighbouring crises)
DESK_A = Report("desk-a-1", "River Post", "Shells hit the market of Varnovo on Monday, killing 4 people.",
                [Mention("Shells hit", SHELLING, "Varnovo", MON, 4)])
DESK_B = Report("desk-b-1", "Hill Courier", "Artillery shelled the Varnovo market on Monday; five died.",
                [Mention("Artillery shelled", SHELLING, "Varnovo", MON, 5)])
DESK_B2 = Report("desk-b-2", "Sahel Wire", "Shelling struck Kelmira on Monday, a local official said.",
                 [Mention("Shelling struck", SHELLING, "Kelmira", MON)])


def test_fusion_stays_within_a_collection_unless_asked(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    add(store, [DESK_A], collection="east")
    add(store, [DESK_B, DESK_B2], collection="south")
    every = picture.build(store).incidents
    assert len([i for i in every if i.place == "Varnovo"]) == 2     # one per collection
    assert {i.collection for i in picture.build(store, collection="east").incidents} == {"east"}
    assert sorted(i.place for i in picture.build(store, collection="south").incidents) == ["Kelmira", "Varnovo"]
    assert {c["name"]: (c["sources"], c["incidents"]) for c in store.collections()} == {"east": (1, 1),
                                                                                       "south": (2, 2)}
    # asked: a third desk's report joins the first desk's incident
    other = Store(str(tmp_path / "t.db"))
    add(other, [DESK_A], collection="east")
    add(other, [DESK_B], collection="south", across=True)
    (joined,) = picture.build(other).incidents
    assert sorted(joined.articles) == ["desk-a-1", "desk-b-1"]
    # and it is in the view of each collection it has reports in
    assert [i.id for i in picture.build(other, collection="south").incidents] == [joined.id]
    assert [i.id for i in picture.build(other, collection="east").incidents] == [joined.id]


def test_every_api_route_and_page_filters_by_collection(tmp_path):
    db = str(tmp_path / "s.db")
    store = Store(db)
    add(store, [DESK_A], collection="east")
    add(store, [DESK_B, DESK_B2], collection="south")
    client = TestClient(create_app(db))
    assert {c["name"] for c in client.get("/api/collections").json()} == {"east", "south"}
    assert len(client.get("/api/incidents").json()) == 3
    east = client.get("/api/incidents", params={"collection": "east"}).json()
    assert [i["collection"] for i in east] == ["east"] and east[0]["articles"] == ["desk-a-1"]
    assert len(client.get("/api/map.geojson", params={"collection": "south"}).json()["features"]) == 2
    assert [s["article"] for s in client.get("/api/sources", params={"collection": "east"}).json()] == ["desk-a-1"]
    assert [q["incident"]["collection"] for q in client.get("/api/review-queue", params={"collection": "south"}).json()] \
        == ["south", "south"]
    assert client.get("/api/figures/killed", params={"collection": "east"}).status_code == 200
    assert client.get("/api/incidents", params={"collection": "nowhere"}).json() == []
    page = client.get("/", params={"collection": "east"}).text
    assert "1 of 1 incident(s)" in page and 'name="collection"' in page
    for path in ("/figures", "/compare", "/review"):
        assert client.get(path, params={"collection": "south"}).status_code == 200


def test_commands_and_exports_take_a_collection(tmp_path, demo_reports):
    db = str(tmp_path / "s.db")
    run = CliRunner(env={"COLUMNS": "200"})
    story = demo_reports.parent.parent / "tests" / "fixtures" / "story.jsonl"
    r = run.invoke(cli, ["--db", db, "analyze", "--collection", "kherson", str(story)])
    assert r.exit_code == 0, r.output
    r = run.invoke(cli, ["--db", db, "analyze", "-c", "rakhine", str(demo_reports / "wire.jsonl")])
    assert r.exit_code == 0 and "fused 3 source(s)" in r.output, r.output
    r = run.invoke(cli, ["--db", db, "collections"])
    assert "kherson" in r.output and "rakhine" in r.output
    r = run.invoke(cli, ["--db", db, "sources", "--collection", "rakhine"])
    assert "demo-01" in r.output and "story-orig" not in r.output
    r = run.invoke(cli, ["--db", db, "incidents", "--collection", "kherson"])
    assert r.exit_code == 0 and "Kherson" in r.output and "Sittwe" not in r.output
    for fmt in ("eval", "jsonl", "geojson", "acled", "csv", "warc"):
        out = tmp_path / f"out.{fmt}"
        r = run.invoke(cli, ["--db", db, "export", "-f", fmt, "--collection", "rakhine", "-o", str(out)])
        assert r.exit_code == 0, r.output
        if fmt != "warc":
            assert "story-orig" not in out.read_text() and "Kherson" not in out.read_text()
    doc = json.loads((tmp_path / "out.eval").read_text())
    assert {a["id"] for a in doc["articles"]} == {"demo-01", "demo-02", "demo-03"}
    r = run.invoke(cli, ["--db", db, "report", "--collection", "kherson", "-o", str(tmp_path / "k.md")])
    assert r.exit_code == 0 and "Sittwe" not in (tmp_path / "k.md").read_text()
    r = run.invoke(cli, ["--db", db, "figures", "--series", "killed", "--collection", "rakhine"])
    assert r.exit_code == 0 and "Kherson" not in r.output
    r = run.invoke(cli, ["--db", db, "compare", "--collection", "rakhine"])
    assert r.exit_code == 0 and "Southern Courier" not in r.output
    # re-extracting one collection re-fuses it and leaves the other alone
    before = {i.id for i in picture.build(Store(db), collection="rakhine").incidents}
    r = run.invoke(cli, ["--db", db, "analyze", "--reextract", "--collection", "kherson"])
    assert r.exit_code == 0 and "6 extracted" in r.output, r.output
    assert {i.id for i in picture.build(Store(db), collection="rakhine").incidents} == before
