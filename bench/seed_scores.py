"""Score the extraction on a gold-annotated corpus (default: the seeds) without a store.

    python bench/seed_scores.py [--section places] [--corpus C.jsonl --gold G.json] [--dump pred.json]

Runs clean -> metadata -> extract -> eval records in-process, then ../shared/eval/score.py.
The end-to-end path (``sitroom analyze`` + ``sitroom export --format eval``) is tested in
tests/test_seed_floors.py; this is the quick loop for working on one extractor.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from datetime import date
from pathlib import Path

from sitroom.export.eval import document_records, incident_record
from sitroom.extract.document import extract_document
from sitroom.fuse.incidents import MentionRef, merge
from sitroom.ingest.clean import clean_text
from sitroom.ingest.metadata import find_metadata
from sitroom.models import Metadata

SHARED = Path(__file__).resolve().parents[2] / "shared"


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def predict(corpus: Path) -> dict:
    pred = {"corpus": corpus.name, "articles": [], "figures": [], "incidents": [], "quotes": [],
            "places": [], "dates": []}
    refs: list[MentionRef] = []
    for line in corpus.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        clean = clean_text(rec["text"])
        given = Metadata(title=rec.get("title"), outlet=rec.get("outlet"), url=rec.get("url"),
                         published=date.fromisoformat(rec["published"]) if rec.get("published") else None)
        meta = find_metadata(rec["text"], clean.text, given)
        published = meta.first_published or meta.published
        pred["articles"].append({"id": rec["id"], "published": published.isoformat() if published else None,
                                 "syndicated_from": meta.syndicated_from, "title": meta.title})
        facts = extract_document(clean.text, published, meta.title)
        for name, rows in document_records(rec["id"], facts).items():
            pred[name].extend(rows)
        refs.extend(MentionRef(mention=m, source_id=0, article=rec["id"], origin_group=rec["id"],
                               published=published, outlet=meta.outlet) for m in facts.events)
    pred["incidents"] = [incident_record(inc) for inc in merge(refs, asserted_only=True)]
    return pred


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
