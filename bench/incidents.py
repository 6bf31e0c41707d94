"""Incidents across sources: the clustering itself (B-cubed over mentions) and the eval
scorer's incident section, on the development set and the seeds.

    python bench/incidents.py [--only devset|seeds] [--direct] [--json]

The real path is measured by default: ``pipeline.analyze`` into a temporary SQLite store,
then the eval export (incidents with no date are left out, as the export does).
``--direct`` instead merges the store's mentions with ``fuse.incidents.merge`` in one
batch (the clustering alone, without the store's incremental fusion).

B-cubed, mention-level mapping. Gold incidents list the articles that report them, so a
*mention* here is an (article, incident) pair: gold mentions are (a, g) for each article a
of gold incident g; predicted mentions are (a, p) for each article a of predicted
incident p. Predicted incidents are aligned one-to-one with gold incidents as
``../shared/eval/score.py`` aligns them (same event type, dates within a day, places
within 50 km or of one name; best pairs first). A predicted mention (a, p) is the twin of
the gold mention (a, g) when p is aligned with g and a reports g; other mentions are
twinless. Scores follow Cai & Strube (2010, "Evaluation metrics for end-to-end
coreference resolution"), B3_sys:

- precision, over predicted mentions: for a twinned (a, p), the share of p's mentions
  that are twins of g's mentions, |A(p) & A(g)| / |A(p)|; a twinless one counts 1/|A(p)|
  (only itself is right in its cluster);
- recall, over gold mentions: for a twinned (a, g), |A(p) & A(g)| / |A(g)|; a twinless one
  (the article's report of g was not found, or sits in an incident aligned elsewhere)
  counts 1/|A(g)|;
- F1, their harmonic mean. A missed incident lowers recall, a spurious one precision, a
  split incident both, a merge of two incidents precision.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from common import ROOT, SHARED, BenchResult, Metric, Timer, cli, km, load_scorer

SETS = {"devset": (ROOT / ".devset" / "corpus.jsonl", SHARED / "devset" / "gold.json", "development set"),
        "seeds": (SHARED / "seeds" / "corpus.jsonl", SHARED / "seeds" / "gold.json", "seeds")}
DIRECT = False


def predict(corpus: Path, direct: bool = False) -> dict:
    from sitroom import pipeline
    from sitroom.export import eval as eval_export
    from sitroom.store.db import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "inc.db"))
        result = pipeline.analyze([str(corpus)], store, online=False)
        for e in [*result.errors, *result.extractor_failures]:
            print(f"{e}", file=sys.stderr)
        if not direct:
            return eval_export.build(store, corpus=corpus.name)
        return {"incidents": [eval_export.incident_record(i) for i in _merged(store) if i.date_start is not None]}


def _merged(store):
    from sitroom.fuse.incidents import MentionRef, merge
    from sitroom.fuse.independence import SourceText, origin_groups

    sources = {s.id: s for s in store.iter_sources()}
    groups = origin_groups([SourceText(source_id=s.id, text=s.text, outlet=s.meta.outlet,
                                       syndicated_from=s.meta.syndicated_from) for s in sources.values()])
    refs = []
    for m in store.all_facts("events"):
        s = sources[m.source_id]
        refs.append(MentionRef(mention=m, source_id=s.id, article=s.article_id, origin_group=groups[s.id],
                               published=s.meta.first_published or s.meta.published, outlet=s.meta.outlet))
    return merge(refs)


def _day(v: str | None) -> date | None:
    try:
        return date.fromisoformat(v[:10]) if v else None
    except ValueError:
        return None


def _match(g: dict, p: dict) -> float | None:
    """The eval scorer's incident alignment (score.py, score_incidents)."""
    if g.get("event_type") != p.get("event_type"):
        return None
    ga, gb = _day(g.get("date_start")), _day(g.get("date_end") or g.get("date_start"))
    pa, pb = _day(p.get("date_start")), _day(p.get("date_end") or p.get("date_start"))
    if not (ga and gb and pa and pb):
        return None
    if ga - timedelta(days=1) > pb or pa - timedelta(days=1) > gb:
        return None
    lg, lp = g.get("location") or {}, p.get("location") or {}
    if lg.get("lat") is not None and lp.get("lat") is not None:
        d = km(lg["lat"], lg["lon"], lp["lat"], lp["lon"])
        if d > 50:
            return None
        close = 1 - d / 50
    elif (lg.get("name") or "").lower() and (lg.get("name") or "").lower() == (lp.get("name") or "").lower():
        close = 0.5
    else:
        return None
    shared = set(g.get("mentions") or []) & set(p.get("mentions") or [])
    return close + len(shared) + (g.get("sub_event_type") == p.get("sub_event_type"))


def bcubed(gold: list[dict], pred: list[dict], greedy) -> tuple[float, float, float]:
    """B3_sys over (article, incident) mentions (see the module's docstring)."""
    pairs = greedy(gold, pred, _match)
    aligned = {pi: gi for gi, pi in pairs}
    gold_of = {gi: pi for gi, pi in pairs}
    precisions, recalls = [], []
    for pi, p in enumerate(pred):
        ap = set(p.get("mentions") or [])
        ag = set(gold[aligned[pi]].get("mentions") or []) if pi in aligned else set()
        for a in ap:
            precisions.append(len(ap & ag) / len(ap) if a in ag else 1 / len(ap))
    for gi, g in enumerate(gold):
        ag = set(g.get("mentions") or [])
        ap = set(pred[gold_of[gi]].get("mentions") or []) if gi in gold_of else set()
        for a in ag:
            recalls.append(len(ap & ag) / len(ag) if a in ap else 1 / len(ag))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(limit: int | None = None, slices: bool = False, only: str | None = None) -> list[BenchResult]:
    scorer = load_scorer()
    out = []
    for name, (corpus, gold_path, label) in SETS.items():
        if only and name != only:
            continue
        if not corpus.exists():
            print(f"{corpus} is missing (see ../shared/devset/README.md)", file=sys.stderr)
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        with Timer() as t:
            pred = predict(corpus, DIRECT)
        flat = scorer.flatten({"incidents": scorer.score_incidents(gold, pred)})
        bp, br, bf = bcubed(gold.get("incidents") or [], pred.get("incidents") or [], scorer.greedy)
        n_gold = len(gold.get("incidents") or [])
        metrics = [Metric("incidents", "F1", flat.get("incidents.found.f1"), n=n_gold),
                   Metric("incidents", "precision", flat.get("incidents.found.precision"), n=n_gold),
                   Metric("incidents", "recall", flat.get("incidents.found.recall"), n=n_gold),
                   Metric("incidents", "sub-type agrees", flat.get("incidents.sub_type_agrees")),
                   Metric("incidents", "killed range agrees", flat.get("incidents.killed_range_agrees")),
                   Metric("incidents", "mention sets (Jaccard)", flat.get("incidents.mentions_jaccard")),
                   Metric("clustering", "B-cubed precision", round(bp, 3)),
                   Metric("clustering", "B-cubed recall", round(br, 3)),
                   Metric("clustering", "B-cubed F1", round(bf, 3))]
        out.append(BenchResult(dataset=f"incidents, {label}" + (" (merge alone)" if DIRECT else ""),
                               name=f"incidents_{name}" + ("_direct" if DIRECT else ""), metrics=metrics,
                               docs=len(gold.get("articles") or []), seconds=t.seconds))
    return out


def main() -> int:
    global DIRECT
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--direct", action="store_true")
    args, rest = ap.parse_known_args()
    DIRECT = args.direct
    sys.argv = [sys.argv[0], *rest]
    return cli(run, list(SETS), __doc__)


if __name__ == "__main__":
    sys.exit(main())
