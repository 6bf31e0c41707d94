"""A team's store: several runs write to one PostgreSQL server at once (the postgres_url
fixture starts a real one). Each source is claimed before it is extracted, a claim that a
killed run left behind is released, facts cannot be written twice, and incremental fusion
run by several writers at once opens no incident twice. The same claim API on SQLite."""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import threading
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from incident_corpus import MARKET_A, MARKET_B, MARKET_C, PROTEST_LESK, UNDATED, Mention, Report, SHELLING, facts
from incident_corpus import add as add_reports
from incident_corpus import source as make_source
from sitroom import pipeline
from sitroom.fuse.stored import fuse_pending
from sitroom.store.db import ClaimLost, Store, new_claim
from sitroom.store.schema import FACT_TABLES, incident_mentions, sources
from test_postgres import fresh_db

TOWNS = ["Bergen", "Cusco", "Dunedin", "Winnipeg", "Tampere", "Salta", "Arequipa", "Trondheim"]
SAID = ["the regional governor", "the health ministry", "a local aid group", "the civil defence agency"]


def corpus(path) -> None:
    """Short reports of our own: an event per town, most of them told by two outlets."""
    lines = []
    for i in range(14):
        town = TOWNS[i % len(TOWNS)]
        n = 5 + 3 * (i % len(TOWNS))
        text_ = (f"Shelling hit the market in {town} on Monday, and at least {n} people were killed, "
                 f"{SAID[i % len(SAID)]} said.\n\nRoads out of {town} stayed closed overnight"
                 f"{' after the attack' if i >= len(TOWNS) else ''}.\n")
        lines.append(json.dumps({"id": f"r{i:02d}", "outlet": f"Outlet {i % 5}", "published": "2024-05-07",
                                 "text": text_}))
    path.write_text("\n".join(lines) + "\n")


def snapshot(store: Store) -> dict:
    """What a run leaves, free of ids and times: each source's status and facts, and the
    active incidents as the sets of reports they hold."""
    out = {"sources": {}, "incidents": set()}
    ext = {}
    with store.engine.connect() as conn:
        for row in conn.execute(select(sources.c.id, sources.c.external_id, sources.c.status,
                                       sources.c.claimed_by)).mappings():
            ext[row["id"]] = row["external_id"]
            assert row["claimed_by"] is None
            kinds = {}
            for name, (table, _) in FACT_TABLES.items():
                rows = conn.execute(select(table).where(table.c.source_id == row["id"])
                                    .order_by(table.c.ordinal)).mappings().all()
                kinds[name] = [{k: v for k, v in r.items() if k not in ("id", "source_id")} for r in rows]
            out["sources"][row["external_id"]] = (row["status"], kinds)
        links = conn.execute(text("SELECT m.incident_id, m.source_id, m.mention_key FROM incident_mentions m "
                                  "JOIN incidents i ON i.id = m.incident_id WHERE i.status = 'active'")).all()
        dup = conn.execute(select(incident_mentions.c.source_id, incident_mentions.c.mention_key)
                           .group_by(incident_mentions.c.source_id, incident_mentions.c.mention_key)
                           .having(text("count(*) > 1"))).all()
    assert dup == []
    by_incident: dict[str, set] = {}
    for iid, sid, key in links:
        by_incident.setdefault(iid, set()).add((ext[sid], key))
    out["incidents"] = {frozenset(v) for v in by_incident.values()}
    return out


def _run(url: str, barrier, queue) -> None:
    """One `analyze` run in its own process (forked after the models were loaded)."""
    store = Store(url)
    barrier.wait()
    result = pipeline.extract_pending(store)
    queue.put({"pid": os.getpid(), "extracted": result.extracted, "errors": [e.problem for e in result.errors],
               "fused": result.fused_sources})
    store.engine.dispose()


def test_concurrent_analyze_runs_give_the_facts_and_incidents_of_one_run(postgres_url, tmp_path):
    inputs = tmp_path / "reports.jsonl"
    corpus(inputs)
    one = Store(fresh_db(postgres_url))
    single = pipeline.analyze([str(inputs)], one, online=False)  # loads the models before the fork
    assert single.ok and len(single.extracted) == 14
    reference = snapshot(one)
    assert len(reference["incidents"]) >= len(TOWNS) - 1

    url = fresh_db(postgres_url)
    team = Store(url)
    archived = pipeline.ingest([str(inputs)], team, online=False)
    assert len(archived.added) == 14
    team.engine.dispose()
    one.engine.dispose()
    ctx = multiprocessing.get_context("fork")
    runs = 3
    barrier, queue = ctx.Barrier(runs), ctx.Queue()
    procs = [ctx.Process(target=_run, args=(url, barrier, queue)) for _ in range(runs)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert all(r["errors"] == [] for r in results), results
    extracted = [sid for r in results for sid in r["extracted"]]
    assert len(extracted) == len(set(extracted)) == 14  # each source extracted by exactly one run
    assert snapshot(Store(url)) == reference


def test_concurrent_fusion_opens_no_incident_twice(postgres_url):
    reports = [MARKET_A, MARKET_B, MARKET_C, PROTEST_LESK, UNDATED]
    one = Store(fresh_db(postgres_url))
    add_reports(one, reports)
    reference = snapshot(one)

    url = fresh_db(postgres_url)
    team = Store(url)
    add_reports(team, reports, fuse=False)
    stores = [Store(url) for _ in range(4)]
    barrier, done, failures = threading.Barrier(4), [], []

    def fuse(store):
        barrier.wait()
        try:
            done.append(fuse_pending(store)["sources"])
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=fuse, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == [] and len(done) == 4
    assert snapshot(team) == reference
    assert fuse_pending(team) == {"sources": 0, "incidents": 0}


def test_a_claim_is_held_then_released_when_its_run_dies_or_its_lease_runs_out(postgres_url):
    url = fresh_db(postgres_url)
    store = Store(url)
    ids = add_reports(store, [MARKET_A, MARKET_B, PROTEST_LESK], fuse=False)
    with store.engine.begin() as conn:  # archived, not yet extracted
        conn.execute(sources.update().values(status="pending"))
    first = sorted(ids.values())
    # a run that claims a source and is killed before it stores anything
    ctx = multiprocessing.get_context("fork")
    store.engine.dispose()
    claimed = ctx.Queue()

    def claim_and_hang(url=url):
        s = Store(url)
        claimed.put(s.claim_pending(new_claim()))
        time.sleep(600)

    proc = ctx.Process(target=claim_and_hang)
    proc.start()
    held = claimed.get(timeout=60)
    assert held == [first[0]]
    # a run of another host holds the next one, with a short lease
    other = "elsewhere.example/4242/99/abcdef"
    assert store.claim_pending(other, lease_seconds=1.0) == [first[1]]
    mine = new_claim()
    assert store.claim_pending(mine, limit=5) == [first[2]]  # both held: only the free one
    assert store.claim_pending(new_claim()) == []
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    assert store.reap_claims() == 1  # the dead process of this host: released at once
    assert store.claim_pending(mine) == [first[0]]
    until = next(c["claimed_until"] for c in store.claims() if c["claimed_by"] == other)
    while datetime.now(timezone.utc).replace(tzinfo=None) <= until:  # the other host's lease runs out
        time.sleep(0.2)
    assert store.claim_pending(mine) == [first[1]]
    # the other host's run comes back and would store: its claim is lost, nothing is written
    with pytest.raises(ClaimLost):
        store.save_facts(first[1], facts(MARKET_B), claim=other)
    assert store.get_source(first[1]).status == "pending"
    store.save_facts(first[1], facts(MARKET_B), claim=mine)
    assert len(store.facts(first[1]).events) == 1 and store.get_source(first[1]).status == "done"
    assert all(c["claimed_by"] == mine for c in store.claims())


def test_a_source_s_facts_cannot_be_written_twice(postgres_url):
    store = Store(fresh_db(postgres_url))
    sid, _ = store.add_source(make_source(MARKET_A))
    store.save_facts(sid, facts(MARKET_A))
    events, _ = FACT_TABLES["events"]
    row = {k: v for k, v in store.engine.connect().execute(select(events).where(events.c.source_id == sid))
           .mappings().one().items() if k != "id"}
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(insert(events).values(**row))  # a second writer's copy of the same fact
    store.save_facts(sid, facts(MARKET_A))  # a re-extraction replaces, never doubles
    assert len(store.facts(sid).events) == 1


def test_the_claim_api_on_sqlite(tmp_path):
    store = Store(str(tmp_path / "team.db"))
    ids = sorted(add_reports(store, [MARKET_A, PROTEST_LESK, UNDATED], fuse=False).values())
    with store.engine.begin() as conn:
        conn.execute(sources.update().values(status="pending"))
    a, b = new_claim(), new_claim()
    assert store.claim_pending(a) == [ids[0]] and store.claim_pending(b, limit=5) == ids[1:]
    assert store.claim_pending(new_claim()) == []
    store.release_claim(ids[0], a)
    with pytest.raises(ClaimLost):
        store.save_facts(ids[1], facts(PROTEST_LESK), claim=a)
    store.save_facts(ids[1], facts(PROTEST_LESK), claim=b)
    store.mark_failed(ids[2], "error", "boom", claim=b)
    assert [s["status"] for s in store.sources()] == ["pending", "done", "failed"]
    assert store.claims() == []


def test_an_older_store_gains_claims_and_unique_facts(tmp_path):
    import sqlite3

    from sitroom.store import migrations

    path = tmp_path / "old.db"
    store = Store(str(path))
    ids = add_reports(store, [MARKET_A, Report("tolmez", "Wire", "Shells hit Tolmez on Monday.",
                                               [Mention("Shells hit", SHELLING, None, None)])])
    store.engine.dispose()
    con = sqlite3.connect(path)  # as a store of the previous schema
    con.executescript("DROP INDEX uq_events_ordinal; ALTER TABLE events DROP COLUMN ordinal; "
                      "ALTER TABLE sources DROP COLUMN claimed_by; ALTER TABLE sources DROP COLUMN claimed_until; "
                      "DROP TABLE feeds; DROP TABLE feed_items; DROP TABLE changes; "
                      "ALTER TABLE users DROP COLUMN changes_seen_at; "
                      f"DELETE FROM schema_version WHERE version >= "
                      f"{migrations.STEPS.index(migrations._v9_claims_and_feeds) + 1};")
    con.close()
    store = Store(str(path))
    assert store.claim_pending(new_claim()) == []
    store.save_facts(ids["tolmez"], facts(Report("tolmez", "Wire", "Shells hit Tolmez on Monday.",
                                                 [Mention("Shells hit", SHELLING, None, None)])))
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT ordinal FROM events WHERE source_id = :s"), {"s": ids["tolmez"]}).all() == [(0,)]
        assert conn.execute(text("SELECT count(*) FROM feeds")).scalar() == 0
