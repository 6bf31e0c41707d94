import hashlib
from datetime import datetime

import pytest
from sqlalchemy import select

from sitroom.models import DocumentFacts, Figure, Metadata, Place, Source
from sitroom.store import migrations
from sitroom.store.db import Store, StoreError
from sitroom.store.schema import sources


def make_source(text: str, ext: str = "x1") -> Source:
    raw = text.encode()
    return Source(external_id=ext, origin="test", sha256=hashlib.sha256(raw).hexdigest(),
                  captured_at=datetime(2024, 1, 1), content_type="text/plain", raw=raw, raw_text=text,
                  text=text, offsets=list(range(len(text))), meta=Metadata(title="T", language="en"))


def test_identical_content_is_archived_once(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    a, created_a = store.add_source(make_source("Twelve people were hurt."))
    b, created_b = store.add_source(make_source("Twelve people were hurt.", ext="again"))
    assert created_a and not created_b and a == b
    assert len(store.sources()) == 1


def test_source_round_trip_keeps_bytes_offsets_and_metadata(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    sid, _ = store.add_source(make_source("Shells hit the market."))
    s = store.get_source(sid)
    assert s.raw == b"Shells hit the market." and s.offsets == list(range(22))
    assert s.meta.title == "T" and s.status == "pending"
    assert store.find_source("x1").id == sid and store.find_source(str(sid)).id == sid
    with pytest.raises(StoreError, match="no source"):
        store.find_source("nope")


def test_facts_replace_in_one_transaction(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    sid, _ = store.add_source(make_source("At least 14 were killed in Goma."))
    sent = "At least 14 were killed in Goma."
    facts = DocumentFacts(language="en", figures=[
        Figure(start=9, end=11, sentence=sent, value=14, category="killed", subject="people",
               qualifier="at_least", cue="At least 14 were killed")],
        places=[Place(start=27, end=31, sentence=sent, surface="Goma", name="Goma", country="CD",
                      lat=-1.68, lon=29.22)])
    store.save_facts(sid, facts)
    store.save_facts(sid, facts)  # re-analysis replaces, never doubles
    got = store.facts(sid)
    assert [f.value for f in got.figures] == [14] and got.places[0].country == "CD"
    assert store.get_source(sid).status == "done" and store.pending_ids() == []


def test_failed_fact_write_leaves_nothing_half_written(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    sid, _ = store.add_source(make_source("Text."))
    bad = DocumentFacts(language="en", figures=[
        Figure(start=0, end=1, sentence="Text.", value=1, category="killed", subject="x", cue="x"),
        Figure(start=0, end=1, sentence="Text.", value=None, category="killed", subject="x", cue="x")])
    bad.figures[1].value = object()  # not storable: the write fails midway
    with pytest.raises(Exception):
        store.save_facts(sid, bad)
    assert store.facts(sid).figures == [] and store.get_source(sid).status == "pending"


def test_schema_version_recorded_and_reopen_is_idempotent(tmp_path):
    path = str(tmp_path / "s.db")
    Store(path)
    store = Store(path)
    with store.engine.connect() as conn:
        assert conn.execute(select(sources.c.id)).all() == []
        assert conn.exec_driver_sql("select max(version) from schema_version").scalar() == len(migrations.STEPS)


def test_concurrent_writers_archive_each_content_once_with_every_origin(tmp_path):
    """Two writers (two stores on one SQLite file, as two `analyze` runs) archive the same
    contents from their own origins at once: each content once, every origin recorded."""
    import threading

    path = str(tmp_path / "s.db")
    Store(path)
    texts = [f"Report {i}: the river rose again overnight." for i in range(40)]
    errors = []

    def writer(name: str) -> None:
        store = Store(path)
        try:
            for t in texts:
                s = make_source(t, ext=None)
                s.origin = f"{name}/{t[:9]}"
                store.add_source(s)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("run-a", "run-b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    store = Store(path)
    assert len(store.sources()) == len(texts)
    for sid in store.source_ids():
        assert sorted(o["origin"].split("/")[0] for o in store.origins(sid)) == ["run-a", "run-b"]


def test_claims_find_pending_sources_by_index_in_an_upgraded_store(tmp_path):
    from sqlalchemy import text

    from sitroom.store.db import new_claim

    store = Store(str(tmp_path / "s.db"))
    ids = [store.add_source(make_source(f"Report {i}: shelling hit the depot.", ext=f"r{i}"))[0] for i in range(6)]
    with store.engine.begin() as conn:   # the store as it was before the index (schema v11)
        conn.execute(text("DROP INDEX ix_sources_status"))
        conn.execute(text("DELETE FROM schema_version WHERE version >= :v"),
                     {"v": migrations.STEPS.index(migrations._v12_status_index) + 1})
        conn.execute(text("UPDATE sources SET status = 'done' WHERE id <= :i"), {"i": ids[3]})
    store.engine.dispose()
    again = Store(str(tmp_path / "s.db"))
    query = ("EXPLAIN QUERY PLAN SELECT id FROM sources WHERE status = 'pending' AND "
             "(claimed_until IS NULL OR claimed_until < '2030-01-01') ORDER BY id LIMIT 1")
    with again.engine.connect() as conn:
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(query).all())
    assert "ix_sources_status" in plan
    claim = new_claim()
    assert again.claim_pending(claim, limit=5) == ids[4:]
