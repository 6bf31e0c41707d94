"""Bounded work on adversarial inputs: seconds per extractor on texts built to make
quadratic code show, at doubling sizes (issue 9, "Bounded work per input").

    python bench/adversarial.py [--sizes 11000 22000 44000] [--only dates names] [--limit-s 120]
                                [--src OTHER/src] [--pipeline 10000000] [--json]

Inputs (each built to a given number of characters; none from any corpus):

- ``dates``: "January 1, " repeated (every one a date; no full stop anywhere);
- ``coordination``: "between 1 and 2 and 3 and ..." (a coordination of numbers);
- ``number-list``: "Shelling killed 1, 2, 3, ..., N people.";
- ``quotation``: one quotation with no full stop in it;
- ``names``: capitalised names one after another;
- ``figures``: one short sentence with a count, a place, a date and a speaker, repeated
  (many facts of every kind: every fact-by-fact lookup shows);
- ``no-stop``: "the men the men ..." (one sentence of the whole text);
- ``reports``: an ordinary paragraph repeated (the control: linear before and after);
- ``speech``: '"...," said <name>.' repeated (a quote per sentence, a speaker each);
- ``speakers``: quotes, "she said", "it said", "the agency said", "the president said"
  repeated (every way of finding a speaker that searches back);
- ``paragraphs``: a quotation reopened at every paragraph and never closed;
- ``titles``: "Health Minister X Y and Minister Y met Mr X." (titles, surnames, honorifics);
- ``surnames``: "Minister <given> Khan said so." with a new given name each time (many
  people sharing a surname);
- ``acronyms``: "The Agency For X Y Relief (AFXYR) and the AFXYR said so." with a new
  acronym each time.

Each (input, size) runs in a child process with a wall-clock limit, so that code that
does not finish cannot stop the table; "timeout" is printed instead. The ``growth``
column is log2(t(2n) / t(n)) of the whole extraction between the two largest sizes:
about 1 is linear, 2 quadratic. ``--src`` measures another checkout's ``src`` (for
instance a worktree of the commit before this work) with this script's inputs.
``--pipeline N`` also runs one text of N characters through ``pipeline.analyze`` with
the default time budget and reports the source's status and reason.

Measured on a shared 2-core machine (times vary with its load; the growth is what
matters): seconds of the slow extractor at 11 / 22 / 44 KB, before (commit fd78e5b, the
extractors and the parse as they were; "--" did not finish in 120 s) and after:

=============  ==========  ===========================  ====================
input          extractor   before (11 / 22 / 44 KB)     after
=============  ==========  ===========================  ====================
dates          dates       1.7 / 7.6 / 43.0             0.17 / 0.42 / 1.15
coordination   figures     0.42 / 0.80 / 8.7            0.21 / 0.30 / 0.66
number-list    figures     23.3 / -- / --               0.28 / 0.44 / 1.05
quotation      quotes      81.3 / -- / --               0.51 / 0.81 / 2.27
figures        dates       0.48 / 1.79 / 4.43           0.13 / 0.25 / 0.58
reports        events      0.20 / 0.45 / 1.68           0.07 / 0.22 / 0.45
names          places      5.7 / 8.4 / 14.4             2.2 / 2.7 / 7.9
names          entities    1.9 / 2.6 / 9.3              0.9 / 2.1 / 5.5
=============  ==========  ===========================  ====================

``--pipeline 10000000`` (10 MB of ordinary paragraphs through ``analyze``): before, the
source failed after 26 s and stayed pending, paid again by every later run; after, it is
read in chunks, stopped by the 30 s budget and marked failed (``time_budget``), in 60 s
for the whole run of which about 30 s archiving the text (cleaning, language, metadata).

The parse itself (spaCy) is linear: 0.5-0.6 s per 11 KB here. "names" stays
superlinear in places.py (every sub-span of a run of capitalised words is looked up in
the gazetteer, each lookup normalising the span: cubic in the run, which the sentence
cap now bounds).

quotes.py and entities.py, second pass (seconds of the extractor at 11 / 22 / 44 KB;
before: commit ffedac4, with the table above done; after: quotations, entities and names
taken kept in order and found by bisection, paragraphs of a quotation read once, the
speakers heard searched back only over their window, indexes by surname, given name,
name ending, acronym, initials, role word and organisation word):

=============  ==========  ===========================  ====================
input          extractor   before (11 / 22 / 44 KB)     after
=============  ==========  ===========================  ====================
speech         entities    0.14 / 0.50 / 1.92           0.04 / 0.05 / 0.10
speech         quotes      0.20 / 0.55 / 1.13           0.05 / 0.09 / 0.31
speakers       quotes      0.15 / 0.22 / 0.63           0.06 / 0.13 / 0.39
paragraphs     quotes      0.03 / 0.09 / 0.36           0.02 / 0.03 / 0.06
quotation      quotes      0.69 / 1.15 / 2.67           0.38 / 0.50 / 0.80
titles         entities    0.21 / 0.91 / 2.48           0.07 / 0.20 / 0.19
surnames       entities    0.15 / 0.54 / 2.72           0.10 / 0.20 / 0.47
surnames       quotes      0.05 / 0.23 / 0.83           0.05 / 0.06 / 0.10
acronyms       entities    0.53 / 2.45 / 8.04           0.07 / 0.07 / 0.14
names          entities    0.72 / 1.61 / 5.34           0.07 / 0.15 / 0.28
=============  ==========  ===========================  ====================

The machine was loaded while these ran; counted Python calls (cProfile), which do not
depend on the load, double exactly with the size for both extractors on every input
from 11 to 88 KB (speech: 190k / 381k / 763k / 1525k calls in quotes). Facts are the
same as before on the 33 development-set documents, the two seeds, 200 GeoWebNews
articles and these inputs.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, BenchResult, Metric

NAME = "adversarial"
EXTRACTORS = ("places", "entities", "dates", "figures", "quotes", "events")


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _joined(items, size: int, sep: str) -> str:
    out, n = [], 0
    for it in items:
        if n >= size:
            break
        out.append(it)
        n += len(it) + len(sep)
    return sep.join(out)


def _counting(start: int = 1):
    i = start
    while True:
        yield str(i)
        i += 1


INPUTS = {
    "dates": lambda n: _repeat("January 1, ", n),
    "coordination": lambda n: "between " + _joined(_counting(), n, " and "),
    "number-list": lambda n: "Shelling killed " + _joined(_counting(), n, ", ") + " people.",
    "quotation": lambda n: '"' + _repeat("the army said it will hold the line ", n - 2) + '"',
    "names": lambda n: _joined((f"Ahmed{chr(65 + i % 26)} Khan{chr(65 + i // 26 % 26)}" for i in range(10 ** 7)), n, " "),
    "figures": lambda n: _joined((f"In Alpha{i % 50} village, {i % 90 + 2} people were killed on Monday, "
                                  f"police chief Ali Khan said." for i in range(10 ** 7)), n, " "),
    "no-stop": lambda n: _repeat("the men ", n),
    "reports": lambda n: _repeat("Rebels shelled Kharkiv on Monday, killing 3 people, officials said.\n\n", n),
    # quotes.py and entities.py
    "speech": lambda n: _joined((f'"We will stay in the city," said Amina Diallo{chr(65 + i % 26)}.'
                                 for i in range(10 ** 7)), n, " "),
    "speakers": lambda n: _joined((f'"We will stay in the city," said Amina Diallo{chr(65 + i % 26)}, a nurse. The '
                                   f'agency said the road to Alpha{i % 50} was cut. "We have nothing left," she said. '
                                   f'It said aid was late. The president said the talks would go on.'
                                   for i in range(10 ** 7)), n, " "),
    "paragraphs": lambda n: _repeat('"We will stay in the city and we will not leave our homes\n\n', n),
    "titles": lambda n: _joined((f"Health Minister Ahmed{chr(65 + i % 26)} Khan{chr(65 + i // 26 % 26)} and "
                                 f"Minister Khan{chr(65 + i // 26 % 26)} met Mr Ahmed{chr(65 + i % 26)}."
                                 for i in range(10 ** 7)), n, " "),
    "surnames": lambda n: _joined((f"Minister {chr(65 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676 % 26)}med "
                                   f"Khan said so." for i in range(10 ** 7)), n, " "),
    "acronyms": lambda n: _joined((f"The Agency For {chr(65 + i % 26)}ero {chr(65 + i // 26 % 26)}eta Relief "
                                   f"(AF{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}R) and the "
                                   f"AF{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}R said so."
                                   for i in range(10 ** 7)), n, " "),
}

# ---------------------------------------------------------------- one measurement (child process)

def _measure(kind: str, size: int) -> dict:
    from datetime import date

    if os.environ.get("ADVERSARIAL_SRC"):  # --src: that checkout before this one (common.py put ours first)
        sys.path.insert(0, os.environ["ADVERSARIAL_SRC"])

    from sitroom.extract import document

    document.extract_document("Rebels shelled Kharkiv on Monday, killing 3 people, \"We hold,\" Ali Khan said.",
                              date(2024, 3, 1))  # models, gazetteer and lexicons load outside the timing
    text = INPUTS[kind](size)
    out: dict = {"input": kind, "chars": len(text)}
    t0 = time.perf_counter()
    ctx = document.parse(text, date(2024, 3, 1))
    out["parse"] = time.perf_counter() - t0
    for attr, fn in document.EXTRACTORS:
        t = time.perf_counter()
        try:
            facts = fn(ctx)
            out[attr + "_n"] = len(facts)
        except Exception as exc:  # noqa: BLE001 - measured, not fatal
            facts = getattr(ctx, attr) if attr in out else []   # a second step keeps the first's facts
            out[attr + "_error"] = f"{exc.__class__.__name__}: {exc}"[:200]
        setattr(ctx, attr, facts)
        out[attr] = out.get(attr, 0.0) + time.perf_counter() - t
    out["total"] = time.perf_counter() - t0
    try:
        import resource

        out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    except ImportError:
        pass
    return out


def _child(kind: str, size: int, limit_s: float, src: str | None) -> dict:
    env = dict(os.environ)
    if src:
        env["ADVERSARIAL_SRC"] = str(Path(src).resolve())
    cmd = [sys.executable, str(Path(__file__).resolve()), "--_child", kind, str(size)]
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=limit_s, cwd=tempfile.gettempdir())
    except subprocess.TimeoutExpired:
        return {"input": kind, "chars": size, "timeout": limit_s}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode or not lines:
        return {"input": kind, "chars": size, "error": (proc.stderr or proc.stdout)[-500:]}
    return json.loads(lines[-1])


def _pipeline(size: int, src: str | None, limit_s: float) -> dict:
    """One text of ``size`` characters through pipeline.analyze (default time budget)."""
    code = f"""
import json, tempfile, time, os
from sitroom import pipeline
from sitroom.store.db import Store
d = tempfile.mkdtemp()
p = os.path.join(d, "big.txt")
unit = "Rebels shelled Kharkiv on Monday, killing 3 people, officials said. The army denied it.\\n\\n"
open(p, "w").write((unit * ({size} // len(unit) + 1))[:{size}])
st = Store(os.path.join(d, "s.db"))
t = time.perf_counter()
r = pipeline.analyze([p], st, online=False)
src = st.sources()[0] if st.sources() else {{}}
print(json.dumps({{"chars": {size}, "seconds": time.perf_counter() - t, "status": src.get("status"),
                  "note": (src.get("note") or "")[:200], "extracted": len(r.extracted), "failed": len(r.failed)
                  if hasattr(r, "failed") else None, "errors": [e.problem[:200] for e in r.errors]}}))
"""
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = str(Path(src).resolve()) + os.pathsep + env.get("PYTHONPATH", "")
    try:
        proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                              timeout=limit_s, cwd=tempfile.gettempdir())
    except subprocess.TimeoutExpired:
        return {"chars": size, "timeout": limit_s}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    return json.loads(lines[-1]) if lines else {"chars": size, "error": proc.stderr[-500:]}


# ---------------------------------------------------------------- the table

def _growth(rows: list[dict], key: str = "total") -> float | None:
    done = [r for r in rows if isinstance(r.get(key), (int, float))]
    if len(done) < 2 or done[-2][key] <= 0.05:
        return None
    a, b = done[-2], done[-1]
    return math.log2(b[key] / a[key]) / math.log2(b["chars"] / a["chars"])


def run(*, limit: int | None = None, slices: bool = False, only: str | None = None,
        sizes: tuple[int, ...] = (11_000, 22_000, 44_000), limit_s: float = 120.0,
        src: str | None = None) -> list[BenchResult]:
    """One result per input: seconds of each extractor at each size (lower is better)."""
    kinds = [only] if only else list(INPUTS)
    if slices:  # the CI slice: the smallest size only
        sizes = sizes[:1]
    results = []
    for kind in kinds[:limit] if limit else kinds:
        rows = []
        t0 = time.perf_counter()
        for size in sizes:
            row = _child(kind, size, limit_s, src)
            rows.append(row)
            if "timeout" in row or "error" in row:
                break  # a larger one would not finish either
        res = BenchResult(dataset=f"adversarial: {kind}", name=f"{NAME}-{kind}", docs=len(rows),
                          seconds=time.perf_counter() - t0, subset="all" if not slices else "slice")
        for row in rows:
            for attr in ("parse", *EXTRACTORS, "total"):
                v = row.get(attr)
                res.metrics.append(Metric(task=f"{attr} at {row['chars']} chars", metric="seconds",
                                          value=round(v, 3) if isinstance(v, (int, float)) else None,
                                          n=row.get(attr + "_n"), higher_is_better=False))
            if "timeout" in row:
                res.notes.append(f"{row['chars']} chars: did not finish in {row['timeout']:g} s")
            if "error" in row:
                res.notes.append(f"{row['chars']} chars: {row['error']}")
                res.failures += 1
            res.failures += sum(1 for k in row if k.endswith("_error"))
        g = _growth(rows)
        if g is not None:
            res.metrics.append(Metric(task="whole extraction", metric="growth exponent", value=round(g, 2),
                                      higher_is_better=False, target=1.2))
        res.notes.append(json.dumps(rows))
        results.append(res)
    return results


def show(results: list[BenchResult]) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title="seconds per extractor on adversarial inputs (facts found)")
    for col in ("input", "chars", "parse", *EXTRACTORS, "total", "growth"):
        t.add_column(col, justify="left" if col == "input" else "right")
    for r in results:
        rows = json.loads(r.notes[-1])
        g = r.get("whole extraction / growth exponent")
        for i, row in enumerate(rows):
            if "timeout" in row or "error" in row:
                t.add_row(r.dataset.split(": ")[1], str(row["chars"]),
                          f"timeout ({row['timeout']:g} s)" if "timeout" in row else "error", *[""] * 8)
                continue
            cells = []
            for attr in ("parse", *EXTRACTORS, "total"):
                v = row.get(attr)
                n = row.get(attr + "_n")
                cells.append(f"{v:.2f}" + (f" ({n})" if n else "") + (" ERR" if attr + "_error" in row else ""))
            t.add_row(r.dataset.split(": ")[1], str(row["chars"]), *cells,
                      f"{g:.2f}" if g is not None and i == len(rows) - 1 else "")
    Console(width=200).print(t)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[11_000, 22_000, 44_000])
    ap.add_argument("--only", nargs="+", choices=list(INPUTS))
    ap.add_argument("--limit-s", type=float, default=120.0, help="wall-clock limit of one measurement")
    ap.add_argument("--src", help="measure this src folder (another checkout) instead of this one")
    ap.add_argument("--pipeline", type=int, metavar="CHARS", help="also run a text this long through analyze")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--_child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._child:
        print(json.dumps(_measure(args._child[0], int(args._child[1]))))
        return 0
    results = []
    for kind in args.only or list(INPUTS):
        results += run(only=kind, sizes=tuple(args.sizes), limit_s=args.limit_s, src=args.src)
    big = _pipeline(args.pipeline, args.src, max(args.limit_s, 600)) if args.pipeline else None
    if args.json:
        print(json.dumps({"results": [r.to_json() for r in results], "pipeline": big}, indent=1))
    else:
        show(results)
        if big:
            print("pipeline:", json.dumps(big))
    return 0


if __name__ == "__main__":
    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
