"""Scale: the reading side and incremental fusion on stores of many sources and incidents.

    python bench/scale.py                      # 100k sources and incidents (fill: a few minutes)
    python bench/scale.py --sizes 10000 30000  # smaller stores
    python bench/scale.py --requests 50 --keep /tmp/scale.db

A store is filled synthetically with generated reports of our own: invented towns on a
grid in several countries, six event types, two years of dates, tolls, sixty outlets.
Each report tells of one happening, and about one in three also recalls an earlier one
(another outlet's report of it), so that incidents have one to several mentions. The rows
are the ones the pipeline writes (``sources`` with their independence groups,
``source_origins``, ``events`` and their search index, ``incidents`` computed with
``fuse.incidents.summarise`` as fusion computes them, ``incident_mentions``,
``incident_blocks``, and each source's independence signature and LSH band keys,
``source_signatures`` and ``source_bands``), inserted in bulk.

Then, on each store:
- the app (FastAPI's TestClient, its start-up included) answers the incident list, a
  filtered list (one type, one country, one month), the map's GeoJSON (one month) and
  the ``/compare`` page: the first request after start apart, then p50 and p95 of the
  others (targets: p95 < 100 ms; the first request no slower than the others);
- 100 new reports (archived and "extracted" through the store's API: sixty that tell of
  stored happenings, forty of new ones) are attached by ``fuse_pending`` (target < 10 s).
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, BenchResult, Metric  # noqa: E402

from sqlalchemy import insert  # noqa: E402

from sitroom.fuse import independence  # noqa: E402
from sitroom.fuse.incidents import MentionRef, summarise  # noqa: E402
from sitroom.fuse.stored import Member, _row_values, block_keys, mention_keys, new_id  # noqa: E402
from sitroom.models import DocumentFacts, EventMention, Metadata, Source  # noqa: E402
from sitroom.store import incidents as incident_sql  # noqa: E402
from sitroom.store.db import Store, _origin_key, _source_row  # noqa: E402
from sitroom.store.schema import FACT_TABLES, incident_blocks, incident_mentions, incidents, source_origins, sources  # noqa: E402

TYPES = [("Battles", "Armed clash", "clashes broke out"),
         ("Explosions/Remote violence", "Shelling/artillery/missile attack", "shells hit"),
         ("Explosions/Remote violence", "Air/drone strike", "a drone struck"),
         ("Violence against civilians", "Attack", "gunmen attacked"),
         ("Protests", "Peaceful protest", "hundreds protested"),
         ("Riots", "Mob violence", "a mob stormed")]
# invented towns on a grid over four countries (the codes only place them)
COUNTRIES = [("UA", 46.0, 30.0), ("SD", 12.0, 26.0), ("ML", 14.0, -6.0), ("MM", 19.0, 95.0)]
SYL = ["var", "sel", "kel", "dun", "tal", "mir", "os", "bre", "nok", "lut", "zan", "pe", "ru", "chi", "ba", "go"]
FILLER = ["officials", "witnesses", "residents", "medics", "local", "reported", "morning", "evening", "near",
          "market", "school", "road", "bridge", "district", "police", "council", "said", "later", "again", "area"]
OUTLETS = [f"{a} {b}" for a in ("River", "Hill", "Plain", "Coast", "Valley", "Lake") for b in
           ("Post", "Courier", "Daily", "Wire", "Herald", "Monitor", "Times", "Voice", "Echo", "Ledger")]
DAY0 = date(2024, 1, 1)
DAYS = 730


def towns(n_per_country: int = 900) -> list[tuple[str, float, float, str]]:
    out, seen = [], set()
    side = int(n_per_country ** 0.5)
    rnd = random.Random(11)
    for cc, lat0, lon0 in COUNTRIES:
        for i in range(side):
            for j in range(side):
                while True:
                    name = "".join(rnd.choice(SYL) for _ in range(rnd.choice((2, 3)))).capitalize()
                    if name not in seen:
                        seen.add(name)
                        break
                out.append((name, lat0 + i * 0.21, lon0 + j * 0.27, cc))
    return out


@dataclass
class Happening:
    kind: int
    town: tuple
    day: date
    killed: int | None


def sentence(rnd: random.Random, h: Happening, outlet: str) -> tuple[str, str]:
    trig = TYPES[h.kind][2]
    toll = f", killing {h.killed} people" if h.killed else ""
    filler = " ".join(f"{rnd.choice(FILLER)} {rnd.randrange(10, 999)}" for _ in range(3))
    s = f"In {h.town[0]} {trig} on {h.day:%d %B %Y}{toll}, {filler}, {outlet} said."
    return s, trig


def mention(text: str, sent: str, trig: str, h: Happening, at: int) -> EventMention:
    etype, sub, _ = TYPES[h.kind]
    name, lat, lon, cc = h.town
    start = at + sent.index(trig)
    return EventMention(start=start, end=start + len(trig), sentence=sent, trigger=trig, event_type=etype,
                        sub_event_type=sub, label=f"{sub} in {name}", place=name, country=cc, lat=lat, lon=lon,
                        geo_precision="point", date_start=h.day, date_end=h.day, date_precision="day",
                        killed=h.killed, actors="", stance="asserted")


def report(rnd: random.Random, ext: str, outlet: str, hs: list[Happening]) -> tuple[Source, list[EventMention]]:
    text, ms = "", []
    for h in hs:
        sent, trig = sentence(rnd, h, outlet)
        at = len(text) + (1 if text else 0)
        text = f"{text} {sent}" if text else sent
        ms.append(mention(text, sent, trig, h, at))
    raw = text.encode()
    published = max(h.day for h in hs) + timedelta(days=1)
    src = Source(external_id=ext, origin=f"bench:{ext}", sha256=hashlib.sha256(raw).hexdigest(),
                 captured_at=datetime(2026, 1, 1), content_type="text/plain", raw=raw, raw_text=text, text=text,
                 offsets=list(range(len(text))),
                 meta=Metadata(title=text[:50], outlet=outlet, published=published, language="en"))
    return src, ms


def happenings(n: int, places: list, seed: int = 5) -> list[Happening]:
    """n happenings in distinct (town, type, week) slots, so that each is one incident."""
    rnd = random.Random(seed)
    slots = set()
    out = []
    while len(out) < n:
        k, t, d = rnd.randrange(len(TYPES)), rnd.randrange(len(places)), rnd.randrange(DAYS)
        if (k, t, d // 7) in slots:
            continue
        slots.add((k, t, d // 7))
        out.append(Happening(k, places[t], DAY0 + timedelta(days=d), rnd.choice([None, None, rnd.randrange(1, 60)])))
    return out


def fill(path: str, n: int, seed: int = 5) -> dict:
    """A store of n sources and n incidents (about 1.3 n mentions), in bulk."""
    t0 = time.perf_counter()
    rnd = random.Random(seed)
    places = towns()
    hs = happenings(n, places, seed)
    store = Store(path)
    now = incident_sql.now()
    events_t = FACT_TABLES["events"][0]
    members: list[list[Member]] = [[] for _ in range(n)]
    src_rows, origin_rows, event_rows, made = [], [], [], []
    for i in range(n):
        told, homes = [hs[i]], [i]
        if i > 50 and rnd.random() < 0.3:
            homes.append(rnd.randrange(max(0, i - 3000), i))
            told.append(hs[homes[-1]])
        outlet = OUTLETS[i % len(OUTLETS)]
        src, ms = report(rnd, f"r{i}", outlet, told)
        sid = i + 1
        row = _source_row(src)
        row.update(id=sid, status="done", analyzed_at=now, fused_at=now, collection="default")
        src_rows.append(row)
        origin_rows.append(dict(source_id=sid, origin=src.origin, origin_key=_origin_key(src.origin), url=None,
                                external_id=src.external_id, captured_at=src.captured_at,
                                last_captured_at=src.captured_at, captures=1))
        made.append((sid, src, ms, homes))
    t_gen = time.perf_counter() - t0
    # independence signatures and groups, as fusion stores them
    sigs = independence.signatures([independence.SourceText(source_id=sid, text=src.text, outlet=src.meta.outlet,
                                                             syndicated_from=None) for sid, src, _, _ in made])
    groups = independence.group_signatures(sigs)
    sig_rows, band_rows = independence.stored_rows(sigs)
    for row in src_rows:
        row["origin_group"] = groups[row["id"]]
    t_group = time.perf_counter() - t0 - t_gen
    for sid, src, ms, homes in made:
        keys = mention_keys(ms)
        for j, (m, key) in enumerate(zip(ms, keys)):
            r = m.__dict__.copy()
            r.update(source_id=sid, ordinal=j, method="bench")
            event_rows.append(r)
            ref = MentionRef(mention=m, source_id=sid, article=src.external_id, origin_group=groups[sid],
                             published=src.meta.published, outlet=src.meta.outlet)
            members[homes[j]].append(
                Member(ref=ref, key=key, score=1.0, how="opened" if j == 0 else "attached"))
    t_gen = time.perf_counter() - t0
    inc_rows, link_rows, block_rows = [], [], []
    for i, mems in enumerate(members):
        iid = new_id()
        inc = summarise([m.ref for m in mems], iid)
        values = _row_values(inc, mems, {})
        inc_rows.append(incident_sql._encode({"id": iid, "collection": "default", "status": "active", "edits": {},
                                              "review": None, "split_from": None, "needs_review": False,
                                              "created_at": now, **values}))
        for m in mems:
            mm = m.ref.mention
            link_rows.append(dict(incident_id=iid, source_id=m.ref.source_id, mention_key=m.key, start=mm.start,
                                  end=mm.end, place=mm.place, trigger=mm.trigger, event_type=mm.event_type,
                                  score=m.score, how=m.how, pinned=False, review_id=None, added_at=now))
        block_rows += [dict(incident_id=iid, family=f, week=w, loc=loc[:200])
                       for f, w, loc in sorted(block_keys([m.ref.mention for m in mems]))]
    t_fuse = time.perf_counter() - t0 - t_gen - t_group
    with store.engine.begin() as conn:
        for table, rows in ((sources, src_rows), (source_origins, origin_rows), (events_t, event_rows),
                            (incidents, inc_rows), (incident_mentions, link_rows), (incident_blocks, block_rows)):
            for k in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[k:k + 5000])
        incident_sql.write_signatures(conn, sig_rows, band_rows)
        if store.has_fts:
            conn.exec_driver_sql("INSERT INTO events_fts (sentence, source_id, start) "
                                 "SELECT sentence, source_id, start FROM events")
    t_all = time.perf_counter() - t0
    store.engine.dispose()
    return {"sources": n, "incidents": n, "mentions": len(event_rows), "seconds": t_all,
            "groups": len(set(groups.values())), "generate_s": t_gen, "group_s": t_group, "summarise_s": t_fuse,
            "insert_s": t_all - t_gen - t_group - t_fuse,
            "happenings": hs, "places": places}


# ---------------------------------------------------------------- reading

def pct(times: list[float], q: float) -> float:
    s = sorted(times)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def read_latency(path: str, hs: list[Happening], requests: int) -> dict:
    from fastapi.testclient import TestClient

    from sitroom.api.app import create_app

    month = hs[len(hs) // 2].day.replace(day=1)
    until = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    cases = {
        "incident list (100 a page)": ("/api/incidents", {"limit": 100}),
        "filtered list (type, country, month)": ("/api/incidents", {"event_type": "Protests", "country": "UA",
                                                                    "since": str(month), "until": str(until),
                                                                    "limit": 100}),
        "map GeoJSON (one month)": ("/api/map.geojson", {"since": str(month), "until": str(until)}),
        "/compare": ("/compare", {}),
    }
    out = {}
    for name, (url, params) in cases.items():
        gc.collect()
        t0 = time.perf_counter()
        app = create_app(path)
        with TestClient(app) as client:
            start = time.perf_counter() - t0
            t0 = time.perf_counter()
            r = client.get(url, params=params)
            first = (time.perf_counter() - t0) * 1000
            r.raise_for_status()
            times = []
            for _ in range(requests if url != "/compare" else max(5, requests // 3)):
                t0 = time.perf_counter()
                r = client.get(url, params=params)
                times.append((time.perf_counter() - t0) * 1000)
                r.raise_for_status()
        out[name] = {"start_s": start, "first_ms": first, "p50_ms": statistics.median(times),
                     "p95_ms": pct(times, 0.95), "n": len(times), "bytes": len(r.content)}
        print(f"  {name:38s} start {start:6.2f} s  first {first:8.1f} ms  p50 {out[name]['p50_ms']:7.1f} ms  "
              f"p95 {out[name]['p95_ms']:7.1f} ms", flush=True)
    return out


# ---------------------------------------------------------------- incremental fusion

def attach_new(path: str, hs: list[Happening], places: list, n_new: int = 100, seed: int = 9) -> dict:
    from sitroom.fuse.stored import fuse_pending

    rnd = random.Random(seed)
    store = Store(path)
    before = store.incident_read(lambda c: incident_sql.fingerprint(c))[0]
    n_fit = n_new * 6 // 10
    for i in range(n_new):
        if i < n_fit:
            h = rnd.choice(hs)
        else:  # a happening after every stored one: a new incident
            h = Happening(rnd.randrange(len(TYPES)), rnd.choice(places), DAY0 + timedelta(days=DAYS + 30 + i),
                          rnd.randrange(1, 30))
        src, ms = report(rnd, f"new{i}", rnd.choice(OUTLETS) + " Online", [h])
        sid, _ = store.add_source(src)
        store.save_facts(sid, DocumentFacts(language="en", events=ms))
    t0 = time.perf_counter()
    counts = fuse_pending(store)
    dt = time.perf_counter() - t0
    after = store.incident_read(lambda c: incident_sql.fingerprint(c))[0]
    store.engine.dispose()
    print(f"  fuse_pending of {n_new} new reports: {dt:.2f} s, {counts}, incidents {before} -> {after} "
          f"(expected +{n_new - n_fit})", flush=True)
    return {"seconds": dt, "new_reports": n_new, "fitting": n_fit, "opened": after - before, **counts}


# ---------------------------------------------------------------- the benchmark

def run_size(n: int, requests: int, keep: str | None = None) -> BenchResult:
    with tempfile.TemporaryDirectory() as tmp:
        path = keep or str(Path(tmp) / f"scale{n}.db")
        if keep and Path(keep).exists():
            Path(keep).unlink()
        print(f"store of {n} sources and incidents:", flush=True)
        f = fill(path, n)
        print(f"  filled in {f['seconds']:.1f} s ({f['mentions']} mentions, {f['groups']} independence groups; "
              f"generate {f['generate_s']:.1f} s, group {f['group_s']:.1f} s, summarise {f['summarise_s']:.1f} s, "
              f"insert {f['insert_s']:.1f} s)", flush=True)
        lat = read_latency(path, f["happenings"], requests)
        fu = attach_new(path, f["happenings"], f["places"])
    res = BenchResult(dataset=f"generated store, {n} sources and incidents", name=f"scale_{n}", docs=n,
                      seconds=f["seconds"], subset=f"{n}")
    for name, v in lat.items():
        res.metrics.append(Metric(name, "p95 ms", round(v["p95_ms"], 1), n=v["n"], target=100.0,
                                  higher_is_better=False))
        res.metrics.append(Metric(name, "p50 ms", round(v["p50_ms"], 1), n=v["n"], higher_is_better=False))
        res.metrics.append(Metric(name, "first request ms", round(v["first_ms"], 1), higher_is_better=False,
                                  target=round(v["p95_ms"], 1)))
        res.metrics.append(Metric(name, "app start s", round(v["start_s"], 2), higher_is_better=False))
    res.metrics.append(Metric("fuse_pending, 100 new reports", "seconds", round(fu["seconds"], 2), n=100,
                              target=10.0, higher_is_better=False))
    res.metrics.append(Metric("fill", "seconds", round(f["seconds"], 1), n=n, higher_is_better=False))
    res.notes.append(json.dumps({"fill": {k: v for k, v in f.items() if k not in ("happenings", "places")},
                                 "fusion": fu}, default=str))
    return res


def table(results: list[BenchResult]) -> str:
    lines = ["| store | measure | first request | p50 | p95 | target |", "|---|---|---|---|---|---|"]
    for r in results:
        tasks = dict.fromkeys(m.task for m in r.metrics)
        for t in tasks:
            ms = {m.metric: m.value for m in r.metrics if m.task == t}
            if "p95 ms" in ms:
                lines.append(f"| {r.subset} | {t} | {ms['first request ms']:.0f} ms | {ms['p50 ms']:.0f} ms | "
                             f"{ms['p95 ms']:.0f} ms | p95 < 100 ms, first <= p95 |")
            elif "seconds" in ms and t != "fill":
                lines.append(f"| {r.subset} | {t} | | | {ms['seconds']:.2f} s | < 10 s |")
            elif t == "fill":
                lines.append(f"| {r.subset} | fill (bulk) | | | {ms['seconds']:.0f} s | minutes |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--keep", help="write the (last) store here and keep it")
    args = ap.parse_args()
    results = [run_size(n, args.requests, args.keep) for n in args.sizes]
    print(table(results))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "scale.json"
    out.write_text(json.dumps([r.to_json() for r in results], indent=1, default=str), encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    main()
