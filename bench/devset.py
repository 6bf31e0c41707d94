"""The development set (``../shared/devset``): 33 real reports on three crises in six
languages, scored with ``../shared/eval/score.py``, per language and all together.

    python bench/devset.py [--corpus .devset/corpus.jsonl]

The texts are not in the repository: rebuild them as ``../shared/devset/README.md``
says (into the git-ignored ``.devset/corpus.jsonl``). The real path is measured:
``pipeline.analyze`` into a temporary SQLite store, then the eval export. Incidents are
merged across articles, so they are scored on the whole set only.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from common import ROOT, SHARED, BenchResult, Metric, Timer, cli, load_scorer

GOLD = SHARED / "devset" / "gold.json"
CORPUS = ROOT / ".devset" / "corpus.jsonl"
NAME = "devset"
# (score.py key, label, target for English from the "Generalise" issue)
METRICS = [
    ("figures.typed.f1", "figures", "typed F1", 0.92),
    ("figures.attribution_agrees", "figures", "source agrees", None),
    ("figures.as_of_agrees", "figures", "as-of agrees", None),
    ("places.found.f1", "places", "F1", 0.88),
    ("places.within_25km", "places", "within 25 km", 0.90),
    ("dates.found.f1", "dates", "found F1", 0.85),
    ("dates.value_agrees", "dates", "value agrees", 0.95),
    ("quotes.found.f1", "quotes", "F1", 0.82),
    ("quotes.speaker_agrees", "quotes", "speaker agrees", 0.88),
    ("incidents.found.f1", "incidents", "F1", None),
    ("incidents.sub_type_agrees", "incidents", "sub-type agrees", None),
    ("articles.syndication_agrees", "articles", "origin agrees", None),
    ("mean_f1", "all", "mean F1", None),
]


def predict(corpus: Path) -> tuple[dict, int]:
    from sitroom import pipeline
    from sitroom.export import eval as eval_export
    from sitroom.store.db import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "dev.db"))
        result = pipeline.analyze([str(corpus)], store, online=False)
        for e in [*result.errors, *result.extractor_failures]:
            print(f"{e}", file=sys.stderr)
        failed = len({e.origin for e in result.extractor_failures}) + len(result.errors)
        return eval_export.build(store, corpus=corpus.name), failed


LISTS = ("articles", "figures", "quotes", "places", "dates")


def restrict(doc: dict, ids: set[str]) -> dict:
    """The interchange document limited to some articles (incidents left out)."""
    out = {k: v for k, v in doc.items() if k not in LISTS}
    for k in LISTS:
        out[k] = [x for x in doc.get(k, []) if (x.get("id") if k == "articles" else x.get("article")) in ids]
    out["incidents"] = []
    return out


def run(limit: int | None = None, slices: bool = False, only: str | None = None,
        corpus: Path = CORPUS, gold_path: Path = GOLD, label: str = "development set",
        name: str = NAME) -> list[BenchResult]:
    if not corpus.exists():
        print(f"{corpus} is missing: rebuild the development set's texts as ../shared/devset/README.md says",
              file=sys.stderr)
        return []
    scorer = load_scorer()
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    with Timer() as t:
        pred, failed = predict(corpus)
    langs: dict[str, set[str]] = {}
    for a in gold["articles"]:
        langs.setdefault(a.get("language") or "und", set()).add(a["id"])
    groups = [("all", None), ("en", langs.get("en", set())),
              ("other languages", set().union(*(v for k, v in langs.items() if k != "en")))]
    groups += [(k, v) for k, v in sorted(langs.items()) if k != "en"]
    out = []
    title = label
    for label, ids in groups:
        if only and label != only:
            continue
        g, p = (gold, pred) if ids is None else (restrict(gold, ids), restrict(pred, ids))
        flat = scorer.flatten(scorer.score(g, p))
        metrics = []
        for key, task, metric, target in METRICS:
            if key.startswith("incidents") and ids is not None:
                continue
            if key == "mean_f1" and ids is not None:
                continue  # the mean over lists includes incidents: whole set only
            metrics.append(Metric(task, metric, flat.get(key),
                                  target=target if label == "en" and name == NAME else None))
        out.append(BenchResult(dataset=f"{title} ({label})", name=f"{name}_{label.replace(' ', '_')}",
                               metrics=metrics, docs=len(ids) if ids is not None else len(gold["articles"]),
                               failures=failed if ids is None else 0, seconds=t.seconds))
    return out


def seeds() -> list[BenchResult]:
    """The two seed articles: examples the extraction was first shaped on, not the target."""
    seeds_dir = SHARED / "seeds"
    return run(corpus=seeds_dir / "corpus.jsonl", gold_path=seeds_dir / "gold.json", label="seeds",
               name="seeds", only="all")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--json", action="store_true")
    args, rest = ap.parse_known_args()
    sys.argv = [sys.argv[0], *rest, *(["--json"] if args.json else [])]
    return cli(lambda **kw: run(corpus=args.corpus, **kw), ["all", "en", "other languages"], __doc__)


if __name__ == "__main__":
    sys.exit(main())
