"""`analyze --workers N`: extraction on a local Dask cluster, one writer (the client).

A run over 200 generated short reports is killed with SIGKILL half-way through the
extraction, then run again: nothing is archived twice, every source is extracted once,
and the facts are exactly those of a one-process run. Re-ingest hashes first: known
bytes under a new name only add their origin.
"""
import dataclasses
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from sitroom import pipeline
from sitroom.store.db import Store

DOCS = 200
TOWNS = ["Varenko", "Lusaba", "Qarin", "Tolmez", "Bekumi", "Miradel", "Sunjo", "Kerevan", "Amundi", "Osterholm"]
EVENTS = [("Shelling hit the market in {town} on {day}", "killed", "people"),
          ("Floodwater swept through {town} on {day}", "displaced", "families"),
          ("A landslide buried houses above {town} on {day}", "missing", "residents"),
          ("A drone struck a fuel depot near {town} on {day}", "injured", "workers"),
          ("Fighting around {town} forced families to flee on {day}", "displaced", "people")]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SAID = ["the regional governor", "the health ministry", "a local aid group", "the civil defence agency", "police"]


def report(i: int, rng: random.Random) -> str:
    event, category, who = EVENTS[i % len(EVENTS)]
    town, day = rng.choice(TOWNS), rng.choice(DAYS)
    return (f"Report {i}. {event.format(town=town, day=day)}, and at least {rng.randint(3, 900)} {who} were "
            f"{category}, {rng.choice(SAID)} said.\n\n\"We are still counting,\" said Mara Velkovic, an official "
            f"in {town}. Another {rng.randint(2, 60)} people were taken to hospital.\n")


def make_corpus(folder: Path) -> None:
    rng = random.Random(13)
    folder.mkdir()
    for i in range(DOCS):
        (folder / f"r{i:03d}.txt").write_text(report(i, rng), encoding="utf-8")


def cli(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "sitroom.cli", "--db", str(db), "analyze", "--offline", *args]


def done_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT count(*) FROM sources WHERE status != 'pending'").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def facts_by_content(db: Path) -> dict:
    """sha256 -> (status, every fact of every kind as plain data) for each source. The
    method stamp (which code made a fact) is left out: it is provenance, not the fact."""
    store = Store(str(db))
    out = {}
    for s in store.iter_sources():
        f = store.facts(s.id)
        out[s.sha256] = (s.status, {k: [{n: v for n, v in dataclasses.asdict(x).items() if n != "method"}
                                        for x in getattr(f, k)]
                                    for k in ("places", "entities", "dates", "figures", "quotes", "events")})
    store.engine.dispose()
    return out


def stop_leftovers(procs: list[psutil.Process]) -> list[int]:
    """Worker processes still alive some seconds after their client was killed (they
    should follow it); killed by their id. Returns those that had to be killed."""
    deadline = time.monotonic() + 30
    alive = [p for p in procs if p.is_running()]
    while alive and time.monotonic() < deadline:
        time.sleep(0.5)
        alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    for p in alive:
        p.kill()
    return [p.pid for p in alive]


@pytest.mark.slow
def test_workers_killed_half_way_resume_to_the_one_process_facts(tmp_path):
    folder = tmp_path / "in"
    make_corpus(folder)

    # the one-process run: the reference
    ref_db = tmp_path / "one.db"
    ref = pipeline.analyze([str(folder)], Store(str(ref_db)), online=False)
    assert ref.ok and len(ref.extracted) == DOCS
    reference = facts_by_content(ref_db)
    assert all(status == "done" for status, _ in reference.values())
    assert sum(len(f["figures"]) for _, f in reference.values()) >= DOCS  # the reports do hold facts

    # two workers, killed (SIGKILL) once about half of the sources are extracted
    db = tmp_path / "dask.db"
    proc = subprocess.Popen(cli(db, "--workers", "2", str(folder)), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    children: list[psutil.Process] = []
    try:
        while proc.poll() is None and done_count(db) < DOCS // 2:
            try:
                children = psutil.Process(proc.pid).children(recursive=True) or children
            except psutil.NoSuchProcess:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be killed half-way"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert children, "no worker processes were started"
    assert stop_leftovers(children) == []   # the workers follow their killed client
    killed_at = done_count(db)
    assert DOCS // 2 <= killed_at < DOCS

    # resumed: every source archived once, the rest extracted, nothing extracted twice
    again = subprocess.run(cli(db, "--workers", "2", str(folder)), capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"0 new source(s), {DOCS} already archived, {DOCS - killed_at} extracted" in again.stdout
    assert "Dask worker" in again.stdout and "writer" in again.stdout   # the writer's share is reported

    store = Store(str(db))
    with store.engine.connect() as conn:
        n, distinct = conn.exec_driver_sql("SELECT count(*), count(DISTINCT sha256) FROM sources").one()
        origins = conn.exec_driver_sql("SELECT count(*), sum(captures) FROM source_origins").one()
    assert (n, distinct) == (DOCS, DOCS)
    assert origins == (DOCS, 2 * DOCS)       # one origin each, captured by both runs
    assert store.claims() == []              # no source left held by the killed run
    store.engine.dispose()
    assert facts_by_content(db) == reference


@pytest.mark.slow
def test_known_bytes_under_a_new_name_add_an_origin_only(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = report(1, random.Random(5))
    (folder / "first.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "s.db"
    store = Store(str(db))
    first = pipeline.analyze([str(folder)], store, online=False)
    assert len(first.added) == 1
    before = facts_by_content(db)

    (folder / "mirror.txt").write_text(text, encoding="utf-8")          # the same bytes, another name
    (folder / "other.txt").write_text(report(2, random.Random(6)), encoding="utf-8")
    second = pipeline.ingest([str(folder)], store, online=False)
    assert len(second.added) == 1 and len(second.duplicates) == 2
    sid = first.added[0]
    assert sorted(o["origin"].rsplit("/", 1)[-1] for o in store.origins(sid)) == ["first.txt", "mirror.txt"]
    assert {o["origin"].rsplit("/", 1)[-1]: o["captures"] for o in store.origins(sid)} == \
        {"first.txt": 2, "mirror.txt": 1}
    after = facts_by_content(db)
    sha = next(iter(before))
    assert after[sha] == before[sha]          # the archived source and its facts are untouched
    assert store.get_source(sid).text and store.get_source(sid).meta.language == "en"


@pytest.mark.slow
def test_workers_and_scheduler_are_exclusive(tmp_path):
    run = subprocess.run(cli(tmp_path / "x.db", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1",
                             str(tmp_path)), capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "give one" in run.stderr


@pytest.mark.slow
def test_an_existing_scheduler_extracts_what_one_process_does(tmp_path):
    from distributed import LocalCluster

    folder = tmp_path / "in"
    folder.mkdir()
    rng = random.Random(21)
    for i in range(6):
        (folder / f"r{i}.txt").write_text(report(i, rng), encoding="utf-8")
    ref_db = tmp_path / "one.db"
    assert pipeline.analyze([str(folder)], Store(str(ref_db)), online=False).ok
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        db = tmp_path / "remote.db"
        run = subprocess.run(cli(db, "--scheduler", cluster.scheduler_address, str(folder)),
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr[-2000:]
        assert "6 extracted" in run.stdout and "1 Dask worker" in run.stdout
    assert facts_by_content(db) == facts_by_content(ref_db)


def test_short_reports_travel_together_and_a_long_one_alone():
    def job(sid: int, size: int) -> pipeline._Job:
        return pipeline._Job(sid=sid, origin=f"r{sid}", lang="en", text="x" * size, published=None, title=None)

    n, size = pipeline.TASK_TEXTS, pipeline.TASK_CHARS
    short = [job(i, 300) for i in range(1, n + 2)]                      # one more than a task holds
    rest = [job(n + 2, size + 1000), job(n + 3, size * 6 // 10), job(n + 4, size * 6 // 10)]
    tasks = pipeline._tasks(short + rest)
    assert [[j.sid for j in t] for t in tasks] == [list(range(1, n + 1)), [n + 1], [n + 2], [n + 3], [n + 4]]
    assert all(len(t) <= pipeline.TASK_TEXTS for t in tasks)
    assert all(len(t) == 1 or sum(len(j.text) for j in t) <= pipeline.TASK_CHARS for t in tasks)
