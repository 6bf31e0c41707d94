"""Every benchmark in one run: sitroom beside the published peers, as in the README.

    python bench/run_all.py              # all sets, whole; prints one table, writes bench/results/
    python bench/run_all.py --slice      # only the CI slices (what tests/test_bench_floors.py holds)
    python bench/run_all.py --readme     # also rewrite the README's "Quality" table from the results

Modules: geoparse (GeoWebNews, LGL, GeoVirus, TR-News), timex (TempEval-3 platinum,
MEANTIME), quotes (GUM news, MEANTIME speech events), articles (Zyte), devset (the
development set, where its texts are rebuilt), failures (every public article through the
extraction), and the seeds.
"""
from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import time

from common import RESULTS, ROOT, SLICES, BenchResult, best_peer, fmt, save, show

MODULES = ["geoparse", "timex", "quotes", "articles", "failures", "devset"]
README = ROOT / "README.md"
START, END = "<!-- quality:start -->", "<!-- quality:end -->"


def run_modules(slices: bool, limit: int | None, only: list[str] | None) -> list[BenchResult]:
    results: list[BenchResult] = []
    for name in only or MODULES:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            print(f"bench/{name}.py: not available ({exc})", file=sys.stderr)
            continue
        t0 = time.perf_counter()
        got = mod.run(limit=limit, slices=slices)
        print(f"bench/{name}.py: {len(got)} result(s) in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        results.extend(got)
    if not slices and limit is None and (only is None or "devset" in only):
        import devset

        results.extend(devset.seeds())
    return results


def _cell(m) -> str:
    ours = fmt(m.value, m.metric)
    if m.target is not None and m.value is not None:
        met = m.value >= m.target if m.higher_is_better else m.value <= m.target
        ours = f"**{ours}**" if met else ours
    return ours


def markdown(results: list[BenchResult], full: bool = False) -> str:
    """The public benchmarks, one row a metric, sitroom beside the best published peer
    (``full``: every metric; else those with a peer or a target, the headline ones)."""
    lines = ["| benchmark | task | metric | sitroom | best published peer | target |",
             "|---|---|---|---|---|---|"]
    for r in results:
        if r.name.startswith(GOLD_SETS):
            continue
        for m in r.metrics:
            if not full and not m.peers and m.target is None and not m.metric.startswith(HEADLINE):
                continue
            peer = best_peer(m)
            lines.append(f"| {r.dataset} | {m.task} | {m.metric} | {_cell(m)} | "
                         f"{f'{peer[0]} {fmt(peer[1], m.metric)}' if peer else '—'} | "
                         f"{fmt(m.target, m.metric) if m.target is not None else ''} |")
        if r.failures and not any(m.metric == "documents failed" for m in r.metrics):
            lines.append(f"| {r.dataset} | extraction | documents failed | {r.failures} of {r.docs} | — | 0 |")
    return "\n".join(lines)


def gold_table(results: list[BenchResult]) -> str:
    """The development set (per language) and the seeds: one row a group, one column a score
    of ../shared/eval/score.py (bold: the English target of the "Generalise" issue reached)."""
    first = ["all", "en", "other_languages"]
    rows = sorted((r for r in results if r.name.startswith(GOLD_SETS)),
                  key=lambda r: (r.name.startswith("seeds"), r.name.split("_", 1)[-1] not in first,
                                 first.index(r.name.split("_", 1)[-1]) if r.name.split("_", 1)[-1] in first else 0,
                                 r.name))
    if not rows:
        return ""
    cols: list[str] = []
    for r in rows:
        for m in r.metrics:
            if m.key not in cols:
                cols.append(m.key)
    lines = ["| set | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    for r in rows:
        by = {m.key: m for m in r.metrics}
        lines.append(f"| {r.dataset.replace('(', '').replace(')', '')}, {r.docs} articles | "
                     + " | ".join(_cell(by[c]) if c in by else "" for c in cols) + " |")
    return "\n".join(lines)


GOLD_SETS = ("devset", "seeds")
HEADLINE = ("F1", "acc@161")   # shown in the README even without a peer or a target


def write_quality_doc(results: list[BenchResult]) -> None:
    """docs/quality.md: every metric of every set (the README shows the headline ones)."""
    stamp = time.strftime("%Y-%m-%d")
    (ROOT / "docs" / "quality.md").write_text(
        f"# Every benchmark figure\n\nMeasured {stamp} with `python bench/run_all.py --readme` "
        f"(whole sets; bold: a target of the issues reached). The README shows the headline rows.\n\n"
        f"{markdown(results, full=True)}\n\n## Development set and seeds\n\n{gold_table(results)}\n",
        encoding="utf-8")


def write_readme(results: list[BenchResult]) -> None:
    text = README.read_text(encoding="utf-8")
    stamp = time.strftime("%Y-%m-%d")
    block = (f"{START}\nMeasured {stamp} with `python bench/run_all.py --readme` (whole sets; bold: a target "
             f"of the issues reached; every metric in [docs/quality.md](docs/quality.md)).\n\n"
             f"{markdown(results)}\n\nThe development set (three crises, six languages; English targets of "
             f"the issues in bold where reached) and the two seed articles, scored by `../shared/eval/score.py`:"
             f"\n\n{gold_table(results)}\n{END}")
    write_quality_doc(results)
    if START in text:
        text = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    README.write_text(text, encoding="utf-8")


# README order: geoparsing, time, quotes, article bodies, the development set, seeds, failures
ORDER = ["geowebnews", "lgl", "geovirus", "trnews", "tempeval", "meantime", "gum", "zyte", "devset", "seeds",
         "failures"]


def load_saved() -> list[BenchResult]:
    from common import Metric

    out = []
    for p in RESULTS.glob("*.json"):
        d = json.loads(p.read_text(encoding="utf-8"))
        if "metrics" not in d:
            continue   # the speed and scale runs keep their own reports (bench/speed.py, bench/scale.py)
        d["metrics"] = [Metric(**m) for m in d["metrics"]]
        out.append(BenchResult(**d))
    rank = lambda r: (next((i for i, k in enumerate(ORDER) if r.name.startswith(k)), len(ORDER)), r.name)
    return sorted(out, key=rank)


FLOORS = SLICES / "floors.json"
MARGIN = 0.02


def set_floors(results: list[BenchResult]) -> None:
    """Floors = slice score - 0.02, never lowered here (lower one by hand, saying why)."""
    floors = json.loads(FLOORS.read_text(encoding="utf-8")) if FLOORS.exists() else {}
    for r in results:
        have = floors.setdefault(r.name, {})
        for m in r.metrics:
            if m.value is None or not m.higher_is_better or m.value - MARGIN <= 0:
                continue
            have[m.key] = round(max(have.get(m.key, 0.0), m.value - MARGIN), 3)
    FLOORS.write_text(json.dumps(floors, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"floors written to {FLOORS}", file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--slice", action="store_true", help="only the CI slices")
    ap.add_argument("--limit", type=int, help="only the first N documents of each set")
    ap.add_argument("--only", nargs="+", choices=MODULES, help="only these modules")
    ap.add_argument("--readme", action="store_true", help="rewrite the README's quality table")
    ap.add_argument("--set-floors", action="store_true",
                    help="with --slice: raise the CI floors (bench/slices/floors.json) to today's slice scores - 0.02")
    ap.add_argument("--from-saved", action="store_true",
                    help="do not run: show (and with --readme write) the results saved in bench/results/")
    args = ap.parse_args()
    results = load_saved() if args.from_saved else run_modules(args.slice, args.limit, args.only)
    show(results)
    if not args.from_saved:
        save(results)
    if args.set_floors:
        if not args.slice:
            ap.error("--set-floors needs --slice: floors hold on the CI slices")
        set_floors(results)
    if args.readme:  # always from the saved whole-set results, so every row is a whole run
        write_readme(load_saved())
    return 0


if __name__ == "__main__":
    sys.exit(main())
