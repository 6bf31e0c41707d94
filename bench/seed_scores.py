"""Score the extraction on a gold-annotated corpus (default: the seeds).

    python bench/seed_scores.py [--section places] [--corpus C.jsonl --gold G.json] [--dump pred.json] [--diff]

Runs the real path (``pipeline.analyze`` into a temporary SQLite store, then the eval
export) and ../shared/eval/score.py, printing one section with ``--section``, and with
``--diff`` the gold items missed and the predicted ones not in the gold.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from pathlib import Path

from sitroom import pipeline
from sitroom.export import eval as eval_export
from sitroom.store.db import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def predict(corpus: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "scores.db"))
        result = pipeline.analyze([str(corpus)], store, online=False)
        for e in result.errors:
            print(f"input error: {e}", file=sys.stderr)
        return eval_export.build(store, corpus=corpus.name)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=SHARED / "seeds" / "corpus.jsonl")
    ap.add_argument("--gold", type=Path, default=SHARED / "seeds" / "gold.json")
    ap.add_argument("--section", help="print only this section (places, dates, figures, quotes, ...)")
    ap.add_argument("--dump", type=Path, help="write the prediction here")
    ap.add_argument("--diff", action="store_true", help="list unmatched gold and predicted items of --section")
    args = ap.parse_args()
    scorer = load_scorer(SHARED / "eval" / "score.py")
    pred = predict(args.corpus)
    if args.dump:
        args.dump.write_text(json.dumps(pred, ensure_ascii=False, indent=1), encoding="utf-8")
    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    result = scorer.score(gold, pred)
    for k, v in scorer.flatten(result).items():
        if args.section and not k.startswith(args.section):
            continue
        if not k.endswith((".tp",)):
            print(f"{k:40s} {v}")
    if args.diff and args.section == "incidents":
        for x in pred["incidents"]:
            print(x["event_type"], "|", x["sub_event_type"], "|", x["label"], x["date_start"], x["date_end"],
                  x["mentions"], x["killed"])
    if args.diff and args.section in ("places", "dates", "figures", "quotes"):
        key = {"places": lambda x: scorer.norm(x.get("surface")), "dates": lambda x: scorer.norm(x.get("surface")),
               "figures": lambda x: (x.get("value"), x.get("category")),
               "quotes": lambda x: " ".join(scorer.norm(x.get("starts_with")).split()[:3])}[args.section]
        g = {(x["article"], key(x)) for x in gold[args.section]}
        p = {(x["article"], key(x)) for x in pred[args.section]}
        print("missed:", sorted(g - p, key=str))
        print("extra: ", sorted(p - g, key=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
