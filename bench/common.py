"""What the benchmarks share: where the public gold lies, slices, and how results are
recorded and shown (sitroom beside the published peers of each set's PROVENANCE.md).

Each benchmark module (``bench/geoparse.py``, ``bench/timex.py``, ...) has

    def run(*, limit: int | None = None, slices: bool = False, only: str | None = None)
        -> list[BenchResult]                      # one result per dataset it covers

(``slices``: only the documents of each dataset's CI slice, ``bench/slices/<name>.txt``;
``limit``: the first N documents; ``only``: one dataset by name) and a ``main()`` made
with ``cli()``; ``bench/run_all.py`` runs them all and writes the README's table.
Whole-set results go to ``bench/results/<name>.json``.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BENCHMARKS = SHARED / "benchmarks"
RESULTS = ROOT / "bench" / "results"
SLICES = ROOT / "bench" / "slices"

if str(ROOT / "src") not in sys.path:  # runnable from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))


@dataclass
class Metric:
    task: str                          # "toponym recognition", "value F1 (DATE)"
    metric: str                        # "F1", "acc@161km", "median km"
    value: float | None                # sitroom's score
    n: int | None = None               # items it is computed over
    peers: dict[str, float] = field(default_factory=dict)   # published system -> same metric
    target: float | None = None        # the target, where one is set
    higher_is_better: bool = True

    @property
    def key(self) -> str:
        return f"{self.task} / {self.metric}"


@dataclass
class BenchResult:
    dataset: str                       # "GeoWebNews"
    name: str                          # file stem for results and slices: "geowebnews"
    metrics: list[Metric] = field(default_factory=list)
    docs: int = 0
    failures: int = 0                  # documents on which an extractor raised
    seconds: float = 0.0
    subset: str = "all"                # "all", "slice", "first N"
    notes: list[str] = field(default_factory=list)

    def get(self, key: str) -> float | None:
        return next((m.value for m in self.metrics if m.key == key), None)

    def to_json(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- selection

def slice_ids(name: str) -> set[str] | None:
    """The document ids of a CI slice (``bench/slices/<name>.txt``, one id a line)."""
    p = SLICES / f"{name}.txt"
    if not p.exists():
        return None
    return {line.split("#")[0].strip() for line in p.read_text(encoding="utf-8").splitlines()
            if line.split("#")[0].strip()}


def select(docs: list, ids: set[str] | None, limit: int | None, key: Callable = lambda d: d.id) -> list:
    if ids is not None:
        docs = [d for d in docs if str(key(d)) in ids]
    if limit is not None:
        docs = docs[:limit]
    return docs


def subset_label(ids: set[str] | None, limit: int | None) -> str:
    return "slice" if ids is not None else f"first {limit}" if limit is not None else "all"


# ---------------------------------------------------------------- scoring helpers

def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def median(xs: Iterable[float]) -> float | None:
    xs = sorted(xs)
    if not xs:
        return None
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def load_scorer():
    """``../shared/eval/score.py`` as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("score", SHARED / "eval" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class Timer:
    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0


def progress(items: list, label: str):
    """Iterate with a Rich progress bar on stderr (plain iteration when not a terminal)."""
    from rich.progress import track

    if not sys.stderr.isatty():
        return items
    return track(items, description=label, console=_err(), transient=True)


def _err():
    from rich.console import Console

    return Console(stderr=True)


# ---------------------------------------------------------------- output

def fmt(v: float | None, metric: str = "") -> str:
    if v is None:
        return "—"
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    if "km" in metric and abs(v) > 1.5:  # a distance, not a share
        return f"{v:.0f}"
    return f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"


def show(results: list[BenchResult]) -> None:
    """One table: each metric of each dataset, sitroom beside the best published peer."""
    from rich.console import Console
    from rich.table import Table

    t = Table(title="sitroom beside published peers", show_lines=False)
    for col in ("dataset", "task", "metric", "sitroom", "best published peer", "target", "n"):
        t.add_column(col, justify="right" if col in ("sitroom", "target", "n") else "left")
    for r in results:
        for m in r.metrics:
            peer = best_peer(m)
            t.add_row(r.dataset + ("" if r.subset == "all" else f" ({r.subset})"), m.task, m.metric,
                      fmt(m.value, m.metric), f"{peer[0]} {fmt(peer[1], m.metric)}" if peer else "—",
                      fmt(m.target, m.metric) if m.target is not None else "", str(m.n or ""))
        if r.failures:
            t.add_row(r.dataset, "extraction", "documents failed", str(r.failures), "", "0", str(r.docs))
    Console().print(t)


def best_peer(m: Metric) -> tuple[str, float] | None:
    if not m.peers:
        return None
    pick = max if m.higher_is_better else min
    name = pick(m.peers, key=lambda k: m.peers[k])
    return name, m.peers[name]


def save(results: list[BenchResult]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    for r in results:
        if r.subset != "all":
            continue  # only whole-set runs are the record
        (RESULTS / f"{r.name}.json").write_text(json.dumps(r.to_json(), indent=1, ensure_ascii=False) + "\n",
                                                encoding="utf-8")


def cli(run: Callable[..., list[BenchResult]], names: list[str], doc: str | None = None) -> int:
    """``python bench/<module>.py [--slice] [--limit N] [--json]``."""
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("--slice", action="store_true", help="only the CI slice (bench/slices/<dataset>.txt)")
    ap.add_argument("--limit", type=int, help="only the first N documents of each set")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--only", choices=names, help="one dataset of this module")
    args = ap.parse_args()
    kwargs = {"limit": args.limit}
    if args.only:
        kwargs["only"] = args.only
    if args.slice:
        kwargs["slices"] = True
    results = run(**kwargs)
    if args.json:
        print(json.dumps([r.to_json() for r in results], indent=1, ensure_ascii=False))
    else:
        show(results)
    save(results)
    return 0
