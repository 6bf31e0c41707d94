"""Incidents as stored records: tables any tool reads, ids minted once and kept,
incremental fusion that recomputes only what a new report touches, re-extraction that
flags reviewed incidents, stores of older versions migrated with their ids, and
undated incidents shown and filtered as unknown."""
import sqlite3
from datetime import date

import pytest
from fastapi.testclient import TestClient

from incident_corpus import (MARKET_A, MARKET_B, MARKET_C, MON, PROTEST_LESK, SHELLING, UNDATED, Mention, Report,
                             add, facts)
from sitroom.api.app import create_app
from sitroom.fuse import picture, stored
from sitroom.fuse.incidents import merge
from sitroom.store import migrations
from sitroom.store.db import Store


def active(store: Store):
    return picture.build(store, include_rejected=True).incidents


def market(store: Store):
    return next(i for i in active(store) if i.place == "Varnovo")


def test_tables_read_with_duckdb_and_pandas(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    pd = pytest.importorskip("pandas")
    path = tmp_path / "s.db"
    store = Store(str(path))
    add(store, [MARKET_A, MARKET_B, PROTEST_LESK, UNDATED])
    store.engine.dispose()
    with sqlite3.connect(path) as con:  # what an analyst's notebook does: plain SQL, no sitroom
        incidents = pd.read_sql_query("SELECT * FROM incidents", con)
        links = pd.read_sql_query("SELECT * FROM incident_mentions", con)
    got = duckdb.sql("""
        SELECT i.id, i.place, i.event_type, i.date_precision, i.killed_low, i.killed_high, count(*) AS mentions,
               count(DISTINCT m.source_id) AS sources
        FROM incidents i JOIN links m ON m.incident_id = i.id
        WHERE i.status = 'active' GROUP BY ALL ORDER BY i.place""").df()
    assert list(got["place"]) == ["Dunmar", "Kelmira", "Varnovo"]
    row = got[got["place"] == "Varnovo"].iloc[0]
    assert row["mentions"] == 2 and row["sources"] == 2 and (row["killed_low"], row["killed_high"]) == (4, 6)
    assert got[got["place"] == "Dunmar"].iloc[0]["date_precision"] == "unknown"
    assert set(incidents.columns) >= {"id", "collection", "needs_review", "parent_id", "created_at", "updated_at",
                                      "method", "label", "date_start"}
    assert len(links) == 4 and links["mention_key"].is_unique


def test_ids_are_minted_once_and_sort_by_creation(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    add(store, [MARKET_A])
    first = market(store)
    assert first.id.startswith("i") and len(first.id) == 27 and stored.id_time(first.id) is not None
    add(store, [PROTEST_LESK])
    ids = sorted(i.id for i in active(store))
    assert ids[0] == first.id  # ULIDs sort by when they were minted
    ms = [stored.new_id() for _ in range(200)]
    assert ms == sorted(ms) and len(set(ms)) == 200


def test_a_new_report_attaches_and_only_touched_incidents_are_recomputed(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    add(store, [MARKET_A, PROTEST_LESK])
    before = {i.id: i for i in active(store)}
    protest = next(i for i in before.values() if i.place == "Kelmira")
    add(store, [MARKET_B])
    after = {i.id: i for i in active(store)}
    assert set(after) == set(before)  # joined the stored incident: no new id
    m = market(store)
    assert sorted(m.articles) == ["varnovo-hill", "varnovo-river"] and (m.killed_low, m.killed_high) == (4, 6)
    assert after[protest.id].updated_at == protest.updated_at  # untouched
    assert m.updated_at > before[m.id].updated_at


def test_reading_fuses_nothing(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    add(store, [MARKET_A, MARKET_B, PROTEST_LESK])
    key = store.fingerprint()
    client = TestClient(create_app(str(tmp_path / "s.db")))
    for path in ("/", "/api/incidents", "/api/map.geojson", "/review", "/api/review-queue"):
        assert client.get(path).status_code == 200
    picture.build(store)
    assert store.fingerprint() == key


def test_incremental_fusion_groups_as_the_batch_merge_does(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    for r in (MARKET_A, PROTEST_LESK, MARKET_B, UNDATED, MARKET_C):  # one report at a time
        add(store, [r])
    pic = picture.build(store)
    refs = [ref for inc in pic.incidents for ref in inc.mentions]
    key = lambda ref: (ref.source_id, ref.mention.start)  # noqa: E731
    assert {frozenset(map(key, i.mentions)) for i in pic.incidents} == \
        {frozenset(map(key, i.mentions)) for i in merge(refs)}


def test_a_mention_fitting_two_incidents_joins_them(tmp_path):
    """Single link, as merge() does: a report placed between two stored incidents (each
    within reach of it, out of reach of each other) joins them; the older id survives
    and the other resolves to it."""
    store = Store(str(tmp_path / "s.db"))
    west = Report("varnovo-west", "River Post", "Rockets landed in Varnovo on Monday, officials said.",
                  [Mention("Rockets landed", SHELLING, "Varnovo", MON)])
    east = Report("selka-east", "Lviv Ledger", "Shelling hit Selka on Monday night, the mayor said.",
                  [Mention("Shelling hit", SHELLING, "Selka", MON)])
    add(store, [west])
    add(store, [east])
    first, second = sorted(i.id for i in active(store))
    middle = Report("midway", "Wire", "Artillery pounded Midway on Monday, residents said.",
                    [Mention("Artillery pounded", SHELLING, "Midway", MON)])
    add(store, [middle])
    (joined,) = active(store)
    assert joined.id == first and sorted(joined.articles) == ["midway", "selka-east", "varnovo-west"]
    assert picture.find(store, second)[0].id == first


def test_reextraction_moving_a_mention_out_of_a_reviewed_incident_is_audited_and_flagged(tmp_path):
    db = str(tmp_path / "s.db")
    store = Store(db)
    ids = add(store, [MARKET_A, MARKET_B])
    inc = market(store)
    store.add_user("ana", "analyst", "hospital-lists-agree")
    client = TestClient(create_app(db))
    token = client.post("/api/login", json={"name": "ana", "password": "hospital-lists-agree"}).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert client.post(f"/api/incidents/{inc.id}/review", json={"action": "accept"}, headers=auth).status_code == 200
    # a better extractor now reads the second report as a protest elsewhere
    moved = Report(MARKET_B.ext, MARKET_B.outlet, MARKET_B.text,
                   [Mention("drone struck", ("Protests", "Peaceful protest"), "Kelmira", MON)])
    store.save_facts(ids[MARKET_B.ext], facts(moved))
    stored.fuse_pending(store)
    got = picture.find(store, inc.id)[0]
    assert got.id == inc.id and got.articles == ["varnovo-river"]       # the id is kept
    assert got.needs_review and "re-extraction" in got.review_reason
    log = [r for r in store.reviews(f"incident:{inc.id}") if r.action == "moved-out"]
    assert log and log[0].data["mentions"][0]["article"] == "varnovo-hill" and log[0].data["mentions"][0]["now_in"]
    queue = client.get("/api/review-queue").json()
    assert queue[0]["incident"]["id"] == inc.id and queue[0]["reasons"][0].startswith("needs review")
    # the analyst looks again and accepts: the flag goes
    client.post(f"/api/incidents/{inc.id}/review", json={"action": "accept"}, headers=auth)
    assert not picture.find(store, inc.id)[0].needs_review


def test_an_unreviewed_incident_whose_reports_vanish_goes_and_a_reviewed_one_stays_as_gone(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    ids = add(store, [PROTEST_LESK, UNDATED])
    protest = next(i for i in active(store) if i.place == "Kelmira")
    arrests = next(i for i in active(store) if i.place == "Dunmar")
    from sitroom.fuse import review
    from sitroom.store.db import User

    ana = User(id=1, name="ana", role="analyst")
    review.decide(store, ana, arrests.id, "accept", review.NoData())
    for r in (PROTEST_LESK, UNDATED):
        store.save_facts(ids[r.ext], facts(Report(r.ext, r.outlet, r.text, [])))
    stored.fuse_pending(store)
    assert picture.find(store, protest.id)[0] is None
    gone = picture.find(store, arrests.id)[0]
    assert gone.status == "gone" and gone.needs_review


def test_undated_incidents_are_unknown_never_none_and_match_no_date_filter(tmp_path):
    db = str(tmp_path / "s.db")
    add(Store(db), [MARKET_A, UNDATED])
    client = TestClient(create_app(db))
    every = client.get("/api/incidents").json()
    undated = next(i for i in every if i["place"] == "Dunmar")
    assert undated["date_start"] is None and undated["date_known"] is False and undated["date_precision"] == "unknown"
    for params in ({"since": "2000-01-01"}, {"until": "2100-01-01"}, {"since": "2000-01-01", "until": "2100-01-01"}):
        assert [i["place"] for i in client.get("/api/incidents", params=params).json()] == ["Varnovo"]
    for page in ("/", f"/incidents/{undated['id']}", "/review"):
        text = client.get(page).text
        assert "date unknown" in text and ">None<" not in text and "None –" not in text


def test_an_older_store_keeps_its_incident_ids_and_decisions(tmp_path):
    """A store from before incidents were stored: its incidents get the ids they had
    (derived from their first report), so analysts' decisions keep their targets."""
    from sitroom.fuse.incidents import stable_id

    path = tmp_path / "old.db"
    store = Store(str(path))
    add(store, [MARKET_A, MARKET_B, PROTEST_LESK], fuse=False)
    refs = [r for inc in merge(_refs(store)) for r in inc.mentions]
    old_market = next(i for i in merge(refs) if i.mentions[0].mention.place == "Varnovo")
    legacy = stable_id(old_market.mentions)
    store.engine.dispose()
    con = sqlite3.connect(path)  # as a store of the previous schema, with a decision on the old id
    con.executescript("DROP TABLE incident_blocks; DROP TABLE incident_mentions; DROP TABLE incidents; "
                      # a column event mentions gained since (read when the incidents are adopted)
                      "ALTER TABLE events DROP COLUMN actor_types; "
                      f"DELETE FROM schema_version WHERE version >= {migrations.STEPS.index(migrations._v8_incidents) + 1};")
    con.execute("INSERT INTO reviews (target, action, data, user_name, at) VALUES (?, 'edit', ?, 'ana', "
                "'2024-03-06 10:00:00')", (f"incident:{legacy}", '{"label": "Market shelling, checked"}'))
    con.execute("INSERT INTO reviews (target, action, data, user_name, at) VALUES (?, 'accept', '{}', 'ana', "
                "'2024-03-06 10:05:00')", (f"incident:{legacy}",))
    con.commit()
    con.close()
    store = Store(str(path))
    inc = picture.find(store, legacy)[0]
    assert inc is not None and inc.id == legacy
    assert inc.label == "Market shelling, checked" and inc.review == "accepted by ana"  # the edit survives accept
    assert sorted(inc.articles) == ["varnovo-hill", "varnovo-river"]
    Store(str(path))  # reopening applies nothing twice


def _refs(store: Store):
    from sitroom.fuse.incidents import MentionRef

    out = []
    for s in store.iter_sources():
        for m in store.facts(s.id).events:
            out.append(MentionRef(mention=m, source_id=s.id, article=s.article_id, origin_group=f"g{s.id}",
                                  published=s.meta.published, outlet=s.meta.outlet))
    return out


def test_deleting_a_source_recomputes_its_incidents(tmp_path):
    from typer.testing import CliRunner

    from sitroom.cli import app

    db = str(tmp_path / "s.db")
    store = Store(db)
    add(store, [MARKET_A, MARKET_B])
    inc = market(store)
    r = CliRunner().invoke(app, ["--db", db, "delete", "varnovo-hill", "--reason", "a copy of another", "--yes"])
    assert r.exit_code == 0, r.output
    got = picture.find(store, inc.id)[0]
    assert got.articles == ["varnovo-river"] and (got.killed_low, got.killed_high) == (4, 4)
    assert all(t.article == "varnovo-river" for t in got.toll_trail)


def test_reextract_refuses_and_keeps_ids(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    add(store, [MARKET_A, MARKET_B, PROTEST_LESK, UNDATED])
    before = {i.id: sorted(i.articles) for i in active(store)}
    done = stored.refuse(store)
    assert done["sources"] == 4
    assert {i.id: sorted(i.articles) for i in active(store)} == before
    assert date(2024, 3, 4) == market(store).date_start == MON
