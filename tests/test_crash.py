"""Crash test: `sitroom analyze` is killed with SIGKILL at random points of its work, again
and again on one store until nothing is left to do (then on a fresh store); after every
kill the store must be whole (no source archived twice, no hash mismatch, no half-stored
source or half-written set of facts) and a last run must leave exactly what an
uninterrupted run does.

CI runs a short version (3 runs killed, 29 inputs). The long run behind the README's figures:

    SITROOM_CRASH_TRIALS=50 SITROOM_CRASH_DOCS=150 SITROOM_CRASH_SEED=1 \\
        python -m pytest -q -s tests/test_crash.py

(``SITROOM_CRASH_REPORT=path.json`` also writes the figures as JSON.)
"""
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitroom.store.db import Store
from sitroom.store.evidence import verify

TRIALS = int(os.environ.get("SITROOM_CRASH_TRIALS", "3"))
DOCS = int(os.environ.get("SITROOM_CRASH_DOCS", "24"))
SEED = int(os.environ.get("SITROOM_CRASH_SEED", str(random.randrange(1 << 30))))

TOWNS = ["Varenko", "Lusaba", "Qarin", "Tolmez", "Ostrava Nova", "Bekumi", "Halden Cross", "Miradel", "Sunjo",
         "Kerevan", "Pella Rock", "Amundi"]
EVENTS = [("shelling hit the market in {town} on {day}", "killed", "people"),
          ("floodwater swept through {town} on {day}", "displaced", "families"),
          ("a landslide buried houses above {town} on {day}", "missing", "residents"),
          ("a drone struck a fuel depot near {town} on {day}", "injured", "workers"),
          ("fighting around {town} forced families to flee on {day}", "displaced", "people")]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SOURCES = ["the regional governor", "the health ministry", "a local aid group", "the civil defence agency",
           "police"]


def report(i: int, rng: random.Random) -> str:
    event, category, who = EVENTS[i % len(EVENTS)]
    town, day = rng.choice(TOWNS), rng.choice(DAYS)
    n, m = rng.randint(3, 900), rng.randint(2, 60)
    said = rng.choice(SOURCES)
    return (f"Report {i}: {event.format(town=town, day=day).capitalize()}, and at least {n} {who} were {category}, "
            f"{said} said.\n\n\"We are still counting,\" said an official in {town}. Another {m} people were "
            f"taken to hospital, and roads out of {town} stayed closed overnight.\n")


def make_corpus(folder: Path, docs: int, rng: random.Random) -> None:
    """Texts, Markdown, HTML pages, a JSON Lines file, identical bytes under several names,
    and one bad input."""
    folder.mkdir()
    records = []
    for i in range(docs):
        text = report(i, rng)
        kind = i % 4
        if kind == 0:
            (folder / f"r{i:03d}.txt").write_text(text)
        elif kind == 1:
            (folder / f"r{i:03d}.md").write_text(f"# Report {i}\n\n{text}")
        elif kind == 2:
            paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
            (folder / f"r{i:03d}.html").write_text(f"<html><head><title>Report {i}</title></head><body><article>"
                                                   f"{paras}</article></body></html>")
        else:
            records.append(json.dumps({"id": f"rec-{i}", "text": text}))
    (folder / "wire.jsonl").write_text("\n".join(records) + "\n")
    for copy in ("copy-a.txt", "copy-b.txt", "copy-c.txt"):  # the same bytes under several names
        (folder / copy).write_text(report(0, random.Random(SEED)) + "\n(repeat)\n")
    (folder / "broken.txt").write_bytes(bytes(range(256)) * 4)


def analyze(db: Path, folder: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sitroom.cli", "--db", str(db), "analyze", "--offline", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def state(db: Path) -> dict:
    """sha256 -> (status, facts per kind) for every source in the store."""
    store = Store(str(db))
    out = {}
    for s in store.iter_sources():
        facts = store.facts(s.id)
        out[s.sha256] = (s.status, tuple(len(getattr(facts, k)) for k in
                                         ("places", "dates", "figures", "quotes", "entities", "events")))
    store.engine.dispose()
    return out


def progress(db: Path) -> tuple[int, int]:
    """(sources archived, sources extracted) as another reader sees them now."""
    if not db.exists():
        return (0, 0)
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            a, e = con.execute("SELECT count(*), sum(status != 'pending') FROM sources").fetchone()
            return (a, e or 0)
        finally:
            con.close()
    except sqlite3.Error:
        return (0, 0)


def check_whole(db: Path, reference: dict) -> list[str]:
    """Problems in the store after a kill (none expected)."""
    store = Store(str(db))
    v = verify(store)  # hashes, wholeness, duplicates, origins, orphans
    problems = [f"hash mismatch: source {m['id']}" for m in v.mismatches] + v.problems
    store.engine.dispose()
    for sha, (status, counts) in state(db).items():
        if sha not in reference:
            problems.append(f"unknown content {sha}")
        elif status == "pending" and any(counts):
            problems.append(f"{sha[:12]} pending with facts {counts}")
        elif status != "pending" and (status, counts) != reference[sha]:
            problems.append(f"{sha[:12]} {status} with facts {counts}, not {reference[sha]}: half-written")
    return problems


def run_and_kill(db: Path, folder: Path, total: int, first_write: float, rng: random.Random) -> dict:
    """One run of `analyze`, killed at a random point of the work still to do: after a
    random number of writes (sources archived plus sources extracted, as another reader
    sees them) and a random few milliseconds more; one time in ten at a random moment
    before the first write (start-up, reading inputs)."""
    a0, e0 = progress(db)
    remaining = (total - a0) + (total - (e0 or 0))
    early = rng.random() < 0.1
    target = 0 if early else rng.randint(1, max(1, remaining))
    delay = rng.uniform(0, first_write) if early else rng.uniform(0, 0.05)
    proc = analyze(db, folder)
    started = time.monotonic()
    while proc.poll() is None:
        a, e = progress(db)
        if (a - a0) + ((e or 0) - (e0 or 0)) >= target:
            break
        time.sleep(0.005)
    time.sleep(delay)
    finished = proc.poll() is not None
    if not finished:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    a, e = progress(db)
    phase = ("finished" if finished else "start-up" if (a, e) == (a0, e0) and early
             else "archiving" if a < total else "extracting" if (e or 0) < total else "after the last write")
    return {"target_writes": target, "at_s": round(time.monotonic() - started, 2), "phase": phase,
            "archived": a, "extracted": e or 0, "writes_in_run": (a - a0) + ((e or 0) - (e0 or 0))}


@pytest.mark.slow
def test_sigkill_during_analyze_never_breaks_the_store(tmp_path):
    rng = random.Random(SEED)
    folder = tmp_path / "in"
    make_corpus(folder, DOCS, rng)
    total = DOCS + 1  # sources: every report, and the bytes shared by three names once

    # an uninterrupted run: the reference, and when its first write comes
    ref_db = tmp_path / "reference.db"
    started = time.monotonic()
    proc = analyze(ref_db, folder)
    first_write = None
    while proc.poll() is None:
        if first_write is None and progress(ref_db)[0]:
            first_write = time.monotonic() - started
        time.sleep(0.01)
    duration = time.monotonic() - started
    assert proc.returncode == 1  # the broken input is reported; the rest is done
    reference = state(ref_db)
    assert len(reference) == total and all(s != "pending" for s, _ in reference.values())

    # rounds: a fresh store each, killed again and again while work is left; the store is
    # checked after every kill, and at the end of a round a last run must leave exactly
    # what the uninterrupted run made
    kills, rounds = [], 0
    while len(kills) < TRIALS:
        rounds += 1
        db = tmp_path / f"crashed-{rounds}.db"
        while len(kills) < TRIALS and progress(db) != (total, total):
            k = run_and_kill(db, folder, total, first_write or 1.0, rng)
            kills.append({"round": rounds, **k})
            problems = check_whole(db, reference)
            assert problems == [], (rounds, k, problems)
        final = analyze(db, folder)
        final.wait()
        assert final.returncode == 1
        assert check_whole(db, reference) == []
        assert state(db) == reference  # everything archived once, extracted once, as if never interrupted
        store = Store(str(db))
        dup_sha = next(s.sha256 for s in store.iter_sources() if s.origin.endswith("copy-a.txt"))
        assert sorted(o["origin"].rsplit("/", 1)[-1] for o in store.origins(store.source_id_by_hash(dup_sha))) == \
            ["copy-a.txt", "copy-b.txt", "copy-c.txt"]
        store.engine.dispose()

    phases = {}
    for k in kills:
        phases[k["phase"]] = phases.get(k["phase"], 0) + 1
    summary = {"seed": SEED, "inputs": DOCS + 5, "sources": total, "runs": TRIALS, "rounds": rounds,
               "sigkills": TRIALS - phases.get("finished", 0), "killed_in": phases,
               "uninterrupted_run_s": round(duration, 1), "problems": 0, "kills": kills}
    print("\ncrash test:", json.dumps({k: v for k, v in summary.items() if k != "kills"}))
    if os.environ.get("SITROOM_CRASH_REPORT"):
        Path(os.environ["SITROOM_CRASH_REPORT"]).write_text(json.dumps(summary, indent=2))
