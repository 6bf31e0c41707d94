"""Review writes under load: N clients on loopback for S seconds, then every acknowledged
write is looked for in the store's audit log (none may be lost) and every page is read.

    python bench/load.py [--clients 8] [--seconds 60] [--db STORE]

Without ``--db`` a small store is made (the test store of tests/trust_store.py). The
server runs as its own process (``sitroom serve``), as users run it; the clients are
threads with their own connections, half posting incident reviews (accept with a note
naming the write) and half reading the incident list and pages. tests/test_load.py runs a
short version; the README's "Reliability" section gives the long run.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class LoadResult:
    clients: int
    seconds: float
    writes_acknowledged: int = 0
    writes_refused: int = 0           # 4xx/5xx answers to writes (not acknowledged, so not owed)
    reads: int = 0
    read_errors: int = 0
    lost: list[str] = field(default_factory=list)   # acknowledged notes missing from the audit log
    latencies_ms: list[float] = field(default_factory=list)

    def summary(self) -> dict:
        lat = sorted(self.latencies_ms) or [0.0]
        return {"clients": self.clients, "seconds": round(self.seconds, 1),
                "writes acknowledged": self.writes_acknowledged, "writes refused": self.writes_refused,
                "reads": self.reads, "read errors": self.read_errors, "lost writes": len(self.lost),
                "p50 ms": round(lat[len(lat) // 2], 1), "p95 ms": round(lat[int(len(lat) * 0.95)], 1)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``sitroom serve`` on a free loopback port, in its own process."""

    def __init__(self, db: str):
        self.db, self.port = db, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        import httpx

        exe = [sys.executable, "-m", "sitroom.cli"]
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.proc = subprocess.Popen([*exe, "--db", self.db, "serve", "--port", str(self.port)], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(300):
            try:
                if httpx.get(self.url + "/openapi.json", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("the server did not start")

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def run_load(url: str, key: str, clients: int, seconds: float) -> LoadResult:
    import httpx

    res = LoadResult(clients=clients, seconds=seconds)
    headers = {"Authorization": f"Bearer {key}"}
    incidents = httpx.get(url + "/api/incidents", headers=headers, timeout=30).json()
    if not incidents:
        raise RuntimeError("the store has no incident to review")
    ids = [i["id"] for i in incidents]
    lock = threading.Lock()
    acknowledged: list[str] = []
    stop = time.monotonic() + seconds

    def writer(n: int) -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=30) as c:
            k = 0
            while time.monotonic() < stop:
                note = f"load-{n}-{k}"
                k += 1
                t0 = time.perf_counter()
                try:
                    r = c.post(f"/api/incidents/{ids[k % len(ids)]}/review", json={"action": "accept", "note": note})
                except httpx.HTTPError:
                    with lock:
                        res.writes_refused += 1
                    continue
                with lock:
                    res.latencies_ms.append((time.perf_counter() - t0) * 1000)
                    if r.status_code == 200:
                        res.writes_acknowledged += 1
                        acknowledged.append(note)
                    else:
                        res.writes_refused += 1

    def reader(n: int) -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=30) as c:
            k = 0
            while time.monotonic() < stop:
                path = ("/api/incidents", "/", f"/incidents/{ids[k % len(ids)]}", "/api/map.geojson")[k % 4]
                k += 1
                t0 = time.perf_counter()
                try:
                    ok = c.get(path).status_code == 200
                except httpx.HTTPError:
                    ok = False
                with lock:
                    res.latencies_ms.append((time.perf_counter() - t0) * 1000)
                    res.reads += 1
                    res.read_errors += not ok

    threads = [threading.Thread(target=writer if i % 2 == 0 else reader, args=(i,)) for i in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    res.seconds = time.monotonic() - t0
    res.lost = sorted(set(acknowledged) - audited_notes(url, headers))
    return res


def audited_notes(url: str, headers: dict) -> set[str]:
    import httpx

    return {r.get("note") for r in httpx.get(url + "/api/audit", headers=headers, timeout=60).json()}


def make_store(path: str) -> str:
    """A small store with an analyst's review key (the test store of the access tests)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import trust_store

    store = trust_store.build(path)
    return store.add_api_key("ana", scope="review", label="load test")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=60.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "load.db")
        key = make_store(db)
        with Server(db) as srv:
            res = run_load(srv.url, key, args.clients, args.seconds)
    print(json.dumps(res.summary(), indent=1))
    return 1 if res.lost or res.read_errors else 0


if __name__ == "__main__":
    sys.exit(main())
