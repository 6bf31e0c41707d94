"""Evidence: every origin of identical bytes, re-verification, chain of custody, WARC,
deletion and redaction with the decision in the audit log, and safe backups."""
import hashlib
import json
import os
import sqlite3
import subprocess
import threading

import pytest
from sqlalchemy import text as sql
from typer.testing import CliRunner

from sitroom import pipeline
from sitroom.cli import app
from sitroom.store import migrations
from sitroom.store.db import Store, StoreError, User
from sitroom.store.evidence import custody, origin_uri, verify

runner = CliRunner(env={"COLUMNS": "240"})

WITNESS = "Oksana Demchuk"
REPORT = (f"Shelling hit the grain terminal at Portovo on Thursday and three dock workers were injured, the "
          f"regional administration said.\n\n\"We ran to the shelter when the first blast came,\" said {WITNESS}, "
          f"a crane operator at the terminal. \"The second one hit the silo.\"\n\nFirefighters put out the blaze "
          f"by the evening, officials said.\n")
OTHER = ("Heavy rain flooded the lower town of Sarnak on Monday, and about 1,200 people moved to schools and a "
         "sports hall, the civil protection agency said. Roads to the valley stayed closed.\n")


def cli(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory):
    """A store analyzed once with the real model: the report under eleven names and one
    other report; tests work on copies of it."""
    base = tmp_path_factory.mktemp("evidence")
    folder = base / "in"
    folder.mkdir()
    for i in range(11):
        (folder / f"copy-{i:02d}.txt").write_text(REPORT)
    (folder / "other.txt").write_text(OTHER)
    db = base / "s.db"
    r = cli("--db", db, "analyze", folder)
    assert r.exit_code == 0, r.output
    return db, folder


@pytest.fixture
def store_copy(analyzed, tmp_path):
    db, folder = analyzed
    Store(str(db)).backup(tmp_path / "s.db")
    return tmp_path / "s.db", folder


def the_report(store: Store):
    return next(s for s in store.iter_sources() if WITNESS.split()[0] in s.text or "█" in s.text)


# ---------------------------------------------------------------- origins


def test_every_origin_of_identical_bytes_is_recorded_with_its_capture_time(store_copy):
    db, folder = store_copy
    store = Store(str(db))
    assert len(store.sources()) == 2
    src = the_report(store)
    origins = store.origins(src.id)
    assert [o["origin"] for o in origins] == [str(folder / f"copy-{i:02d}.txt") for i in range(11)]
    assert all(o["captured_at"] and o["captures"] == 1 for o in origins)
    assert [o["captured_at"] for o in origins] == sorted(o["captured_at"] for o in origins)
    # analysing again records a later capture of the same origins, not new rows
    r = cli("--db", db, "analyze", folder / "copy-03.txt")
    assert r.exit_code == 0 and "1 already archived" in r.output
    again = {o["origin"]: o for o in store.origins(src.id)}
    assert len(again) == 11
    o3 = again[str(folder / "copy-03.txt")]
    assert o3["captures"] == 2 and o3["last_captured_at"] > o3["captured_at"]


def test_jsonl_records_keep_their_line_as_origin(tmp_path):
    rec = json.dumps({"id": "r1", "text": OTHER})
    (tmp_path / "a.jsonl").write_text(rec + "\n")
    (tmp_path / "b.jsonl").write_text("\n" + rec + "\n")
    store = Store(str(tmp_path / "s.db"))
    result = pipeline.ingest([str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl")], store, online=False)
    assert len(result.added) == 1 and len(result.duplicates) == 1
    assert [o["origin"] for o in store.origins(result.added[0])] == [f"{tmp_path}/a.jsonl line 1",
                                                                      f"{tmp_path}/b.jsonl line 2"]
    assert origin_uri(f"{tmp_path}/b.jsonl line 2") == f"file://{tmp_path}/b.jsonl#line=2"


def test_an_older_store_gets_its_origins_backfilled(tmp_path):
    path = tmp_path / "old.db"
    store = Store(str(path))
    (tmp_path / "r.txt").write_text(OTHER)
    (sid,) = pipeline.ingest([str(tmp_path / "r.txt")], store, online=False).added
    store.engine.dispose()
    con = sqlite3.connect(path)  # as a store from before the custody step was
    con.executescript("DROP TABLE source_origins; DROP TABLE deleted_sources; "
                      "ALTER TABLE sources DROP COLUMN redacted_sha256; ALTER TABLE sources DROP COLUMN redacted_at; "
                      f"DELETE FROM schema_version WHERE version >= {migrations.STEPS.index(migrations._v7_custody) + 1};")
    con.commit()
    con.close()
    store = Store(str(path))
    (o,) = store.origins(sid)
    assert o["origin"] == str(tmp_path / "r.txt") and o["captured_at"] == store.get_source(sid).captured_at
    assert verify(store).ok
    Store(str(path))  # reopening applies nothing twice


# ---------------------------------------------------------------- verify


def test_verify_reports_changed_bytes_and_half_stored_sources(store_copy):
    db, _ = store_copy
    r = cli("--db", db, "verify")
    assert r.exit_code == 0 and "2 source(s) verified" in r.output
    store = Store(str(db))
    src = the_report(store)
    with store.engine.begin() as conn:
        conn.execute(sql("UPDATE sources SET raw = :raw WHERE id = :id"),
                     {"raw": REPORT.replace("three", "thirty").encode(), "id": src.id})
    v = verify(store)
    assert not v.ok and [m["id"] for m in v.mismatches] == [src.id]
    assert v.mismatches[0]["expected"] == src.sha256
    r = cli("--db", db, "verify")
    assert r.exit_code == 1 and f"CHANGED: source {src.id}" in r.output and src.sha256 in r.output
    other = next(s for s in store.iter_sources() if s.id != src.id)
    with store.engine.begin() as conn:
        conn.execute(sql("UPDATE sources SET text = '' WHERE id = :id"), {"id": other.id})
    assert any(f"source {other.id}" in p and "missing" in p for p in verify(store).problems)


# ---------------------------------------------------------------- custody


def test_custody_exports_hash_capture_origins_transformations_and_reviews(store_copy, tmp_path):
    db, folder = store_copy
    store = Store(str(db))
    src = the_report(store)
    quote = next(q for q in store.facts(src.id).quotes if q.speaker)
    reviewer = User(id=1, name="ana", role="analyst")
    store.add_review(reviewer, f"fact:quotes:{src.sha256[:16]}:{quote.start}:{quote.end}", "accept", note="checked")
    out = tmp_path / "custody.json"
    r = cli("--db", db, "custody", src.id, "-o", out)
    assert r.exit_code == 0, r.output
    c = json.loads(out.read_text())
    assert c["source"]["sha256"] == src.sha256 == hashlib.sha256(REPORT.encode()).hexdigest()
    assert c["source"]["verified"] is True and c["source"]["captured_at"].endswith("Z")
    assert len(c["origins"]) == 11 and c["origins"][0]["origin"] == str(folder / "copy-00.txt")
    steps = [t["step"] for t in c["transformations"]]
    assert steps == ["captured", "decoded", "cleaned", "described", "extracted"]
    extracted = c["transformations"][-1]
    assert extracted["methods"] and extracted["methods"][0]["stamp"] and extracted["facts"]["quotes"] >= 1
    assert c["transformations"][2]["sha256"] == hashlib.sha256(src.text.encode()).hexdigest()
    assert [(x["action"], x["by"], x["note"]) for x in c["reviews"]] == [("accept", "ana", "checked")]
    # stdout, by external id or number; an unknown source is an error
    r = cli("--db", db, "custody", str(src.id))
    assert r.exit_code == 0 and json.loads(r.output)["source"]["id"] == src.id
    assert cli("--db", db, "custody", "nope").exit_code == 1


# ---------------------------------------------------------------- WARC


def test_the_archive_exports_as_warc(store_copy, tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    db, folder = store_copy
    out = tmp_path / "archive.warc.gz"
    r = cli("--db", db, "export", "--format", "warc", "-o", out)
    assert r.exit_code == 0 and "wrote 2 record(s)" in r.output
    store = Store(str(db))
    raws = {s.sha256: s.raw for s in store.iter_sources()}
    kinds, payloads, revisits, metas = [], {}, [], []
    with open(out, "rb") as f:
        for rec in ArchiveIterator(f, check_digests=True):
            kinds.append(rec.rec_type)
            body = rec.content_stream().read()
            if rec.rec_type == "resource":
                payloads[rec.rec_headers.get_header("WARC-Sitroom-SHA256")] = body
                assert rec.rec_headers.get_header("WARC-Target-URI").startswith("file://")
            elif rec.rec_type == "revisit":
                revisits.append(rec.rec_headers.get_header("WARC-Target-URI"))
            elif rec.rec_type == "metadata":
                metas.append(json.loads(body))
    assert kinds[0] == "warcinfo" and kinds.count("resource") == 2 and kinds.count("revisit") == 10
    assert payloads == raws  # the bytes as archived, under their sha256
    assert revisits == [(folder / f"copy-{i:02d}.txt").as_uri() for i in range(1, 11)]
    assert sorted(len(m["origins"]) for m in metas) == [1, 11]


# ---------------------------------------------------------------- deletion and redaction


def test_delete_removes_the_source_records_the_decision_and_refuses_the_bytes_again(store_copy):
    db, folder = store_copy
    store = Store(str(db))
    src = the_report(store)
    r = cli("--db", db, "delete", src.id, "--reason", "published by mistake", "--by", "editor-on-duty", "--yes")
    assert r.exit_code == 0, r.output
    assert [s["id"] for s in store.sources()] != [] and src.id not in store.source_ids()
    assert store.facts(src.id).quotes == [] and store.origins(src.id) == []
    (entry,) = store.reviews(f"source:{src.id}")
    assert (entry.action, entry.user_name, entry.note) == ("delete", "editor-on-duty", "published by mistake")
    assert entry.data["sha256"] == src.sha256 and len(entry.data["origins"]) == 11
    assert verify(store).ok
    r = cli("--db", db, "analyze", folder / "copy-05.txt")
    assert r.exit_code == 0 and "withheld" in r.output and "deleted from the store" in r.output
    assert src.id not in store.source_ids() and len(store.sources()) == 1
    with pytest.raises(StoreError, match="reason"):
        store.delete_source(store.source_ids()[0], by="x", reason=" ")


def test_redact_masks_a_name_everywhere_and_keeps_offsets_and_verification(store_copy):
    db, folder = store_copy
    store = Store(str(db))
    src = the_report(store)
    before = store.facts(src.id)
    assert any(WITNESS in (q.speaker or "") for q in before.quotes)
    r = cli("--db", db, "redact", src.id, "--term", WITNESS.lower(), "--term", "Demchuk",
            "--reason", "the witness asked not to be named", "--by", "desk")
    assert r.exit_code == 0, r.output
    after = store.get_source(src.id)
    low = WITNESS.split()[1].lower()
    for blob in (after.raw.decode(), after.raw_text, after.text, after.meta.title or ""):
        assert low not in blob.lower()
    # masked one for one: the text is the same but for the name, so every offset still holds
    assert after.text == src.text.replace(WITNESS, "██████ ███████") and after.offsets == src.offsets
    facts = store.facts(src.id)
    for kind in ("quotes", "entities", "places", "dates", "figures", "events"):
        for f in getattr(facts, kind):
            assert low not in json.dumps(vars(f), default=str).lower(), (kind, f)
    assert [q.start for q in facts.quotes] == [q.start for q in before.quotes]
    (entry,) = store.reviews(f"source:{src.id}")
    assert entry.action == "redact" and entry.user_name == "desk"
    assert low not in json.dumps(entry.data).lower() and entry.data["sha256"] == src.sha256
    assert entry.data["raw"] == "masked" and entry.data["replaced"] >= 2
    assert store.search_sentences(WITNESS.split()[1]) == set()
    # verify checks the redacted bytes against their recorded hash
    v = verify(store)
    assert v.ok and v.redacted == 1
    # the original bytes coming in again are recognised, never stored again unredacted
    r = cli("--db", db, "analyze", folder / "copy-07.txt")
    assert r.exit_code == 0 and "1 already archived" in r.output
    assert low not in store.get_source(src.id).raw.decode().lower()
    c = custody(store, str(src.id), incidents=False)
    assert c["source"]["redacted"]["sha256"] == entry.data["sha256_after"] and c["source"]["verified"]
    assert c["transformations"][-1]["step"] == "redacted"


def test_redaction_replaces_bytes_where_the_name_cannot_be_masked_in_place(tmp_path):
    page = ("<html><head><title>Port fire</title></head><body><article><p>Fire broke out at the port on Friday "
            "and burned through the night, the harbour master said.</p><p>&quot;It spread along the quay,&quot; "
            "said J&#111;s&eacute; Marlow, a pilot. &quot;Nobody could get near it.&quot;</p>"
            "<p>Crews from three towns helped to put it out by the morning, officials said.</p>"
            "</article></body></html>")
    (tmp_path / "page.html").write_text(page)
    store = Store(str(tmp_path / "s.db"))
    (sid,) = pipeline.ingest([str(tmp_path / "page.html")], store, online=False).added
    assert "José Marlow" in store.get_source(sid).text
    done = store.redact_source(sid, ["José Marlow"], by="desk", reason="safety")
    assert done["raw"] == "replaced"
    s = store.get_source(sid)
    assert "Marlow" not in s.raw.decode() and "Marlow" not in s.text and "████ ██████" in s.text
    assert verify(store).ok


# ---------------------------------------------------------------- backup


def test_backup_of_a_live_sqlite_store_is_a_whole_consistent_copy(tmp_path):
    db = tmp_path / "live.db"
    store = Store(str(db))
    stop = threading.Event()
    written = []

    def writer():  # another writer keeps archiving while the backup runs
        w = Store(str(db))
        i = 0
        while not stop.is_set() and i < 400:
            (tmp_path / f"r{i}.txt").write_text(f"{OTHER} Update number {i}.")
            written.extend(pipeline.ingest([str(tmp_path / f"r{i}.txt")], w, online=False).added)
            i += 1

    t = threading.Thread(target=writer)
    t.start()
    try:
        while len(written) < 5:
            stop.wait(0.01)
        r = cli("--db", db, "backup", tmp_path / "copy.db")
    finally:
        stop.set()
        t.join()
    assert r.exit_code == 0, r.output
    assert "sqlite backup API" in r.output
    copy = Store(str(tmp_path / "copy.db"))
    n = len(copy.sources())
    assert 5 <= n <= len(written) and verify(copy).ok
    assert len(store.sources()) == len(written)
    r = cli("--db", db, "backup", tmp_path / "copy.db")
    assert r.exit_code == 2 and "exists already" in r.output
    assert cli("--db", db, "backup", "--force", tmp_path / "copy.db").exit_code == 0
    assert [p.name for p in tmp_path.glob(".copy.db*")] == []  # no temporary left behind


def test_backup_on_postgresql_uses_pg_dump(postgres_url, tmp_path):
    from test_postgres import fresh_db

    url = fresh_db(postgres_url)
    (tmp_path / "r.txt").write_text(OTHER)
    store = Store(url)
    pipeline.ingest([str(tmp_path / "r.txt")], store, online=False)
    out = tmp_path / "store.dump"
    r = cli("--db", url, "backup", out)
    assert r.exit_code == 0, r.output
    assert "pg_dump" in r.output and out.stat().st_size > 0
    from sitroom.store.db import _pg_dump

    pg_restore = os.path.join(os.path.dirname(_pg_dump()), "pg_restore")
    listing = subprocess.run([pg_restore, "--list", str(out)], capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA public sources" in listing and "TABLE DATA public source_origins" in listing
