"""p50/p95 latency of the incident list and map endpoints on a store of many incidents.

    python bench/api_latency.py [--incidents 100000] [--requests 50]

Builds a SQLite store with synthetic sources and incident mentions (one mention per
incident, spread over a year and a wide area so that they do not merge), starts the app
on a real server on loopback, and times requests with httpx after one warm-up request
(the first request builds the cross-source picture; it is reported apart).
"""
from __future__ import annotations

import argparse
import hashlib
import random
import socket
import statistics
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import insert

from sitroom.api.app import create_app
from sitroom.store.db import Store
from sitroom.store.schema import FACT_TABLES, sources

TYPES = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
         ("Violence against civilians", "Attack"), ("Protests", "Peaceful protest"),
         ("Strategic developments", "Other")]


def build_store(path: str, n: int, per_source: int = 20) -> None:
    rnd = random.Random(3)
    store = Store(path)
    table = FACT_TABLES["events"][0]
    day0 = date(2024, 1, 1)
    with store.engine.begin() as conn:
        n_sources = max(1, n // per_source)
        rows = []
        for i in range(n_sources):
            text = f"Synthetic report {i} " + " ".join(rnd.choice(["shelling", "clashes", "protest", "town", "village",
                                                                    "forces", "civilians", "market"]) for _ in range(60))
            raw = text.encode()
            rows.append(dict(external_id=f"s{i}", origin="bench", sha256=hashlib.sha256(raw).hexdigest(),
                             captured_at=datetime(2025, 1, 1), content_type="text/plain", raw=raw, raw_text=text,
                             text=text, offsets="[]", outlet=f"Outlet {i % 40}", status="done", language="en"))
        conn.execute(insert(sources), rows)
        events = []
        for k in range(n):
            etype, sub = rnd.choice(TYPES)
            d = day0 + timedelta(days=rnd.randrange(366))
            events.append(dict(source_id=1 + k // per_source, start=k, end=k + 1, sentence=f"Event {k} happened.",
                               trigger="happened", event_type=etype, sub_event_type=sub, label=f"{sub} {k}",
                               actors="", place=f"P{k}", country="XX", lat=-60 + rnd.random() * 120,
                               lon=-170 + rnd.random() * 340, geo_precision="point", date_start=d, date_end=d,
                               date_precision="day", killed=rnd.choice([None, rnd.randrange(1, 40)]), injured=None,
                               stance="asserted"))
            if len(events) == 20000:
                conn.execute(insert(table), events)
                events = []
        if events:
            conn.execute(insert(table), events)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=50)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        build_store(db, args.incidents)
        print(f"store with {args.incidents} incident mentions built in {time.perf_counter() - t0:.1f} s")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(timeout=600) as client:
            t0 = time.perf_counter()
            client.get(base + "/api/incidents", params={"limit": 1})
            print(f"first request (builds the picture): {time.perf_counter() - t0:.1f} s")
            cases = {
                "incident list, 100 per page": ("/api/incidents", {"limit": 100}),
                "incident list, one type and month": ("/api/incidents", {"event_type": "Protests", "since": "2024-05-01",
                                                                         "until": "2024-05-31", "limit": 100}),
                "map, one month (GeoJSON)": ("/api/map.geojson", {"since": "2024-05-01", "until": "2024-05-31"}),
            }
            print(f"{'endpoint':40s}{'p50 ms':>10s}{'p95 ms':>10s}")
            for name, (path, params) in cases.items():
                times = []
                for _ in range(args.requests):
                    t0 = time.perf_counter()
                    r = client.get(base + path, params=params)
                    r.raise_for_status()
                    times.append((time.perf_counter() - t0) * 1000)
                times.sort()
                p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
                print(f"{name:40s}{statistics.median(times):10.1f}{p95:10.1f}")
        server.should_exit = True


if __name__ == "__main__":
    main()
