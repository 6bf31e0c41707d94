"""Article bodies from HTML pages: the Zyte (Scrapinghub) article-extraction benchmark.

    python bench/articles.py [--slice] [--limit N]

sitroom reads an HTML page with ``ingest.html.article_from_html`` (trafilatura with our
settings, headline first); the text it archives is scored against each page's gold
article body with the benchmark's metric, as its README defines it: word 4-gram
shingles (tokens are runs of word characters) counted with multiplicity, per page true
and false positives and false negatives normalised to sum to one, precision averaged
over the pages that predict something, recall over the pages that have a body, and F1
from the two averages. A page sitroom refuses as "not an article" predicts nothing.

The peers' own outputs, shipped with the set, are scored here with the same code, so
the comparison is like for like; their published figures are in PROVENANCE.md.
"""
from __future__ import annotations

import gzip
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass

from common import BENCHMARKS, BenchResult, Metric, Timer, cli, progress, select, slice_ids, subset_label

SET = BENCHMARKS / "article-extraction-benchmark"
NAME = "zyte"
_TOKEN = re.compile(r"\w+")
# published F1 (README "Results" at the commit of PROVENANCE.md)
PUBLISHED = {"rs_trafilatura": 0.970, "Zyte AutoExtract": 0.970, "go_trafilatura": 0.960,
             "trafilatura 2.0.0": 0.958, "Diffbot": 0.951, "newspaper4k": 0.949, "news_please": 0.948,
             "readability.js": 0.947, "readability-lxml": 0.922, "goose3": 0.896, "jusText": 0.804}


@dataclass
class Page:
    id: str
    url: str
    body: str


def pages() -> list[Page]:
    truth = json.loads(gzip.decompress((SET / "ground-truth.json.gz").read_bytes()))
    return [Page(id=k, url=v.get("url") or "", body=v.get("articleBody") or "") for k, v in sorted(truth.items())]


def shingles(text: str, n: int = 4) -> Counter:
    toks = _TOKEN.findall(text or "")
    return Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i:i + n])


def page_counts(gold: str, pred: str) -> tuple[float, float, float]:
    g, p = shingles(gold), shingles(pred)
    tp = sum((g & p).values())
    fp = sum((p - g).values())
    fn = sum((g - p).values())
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def scores(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    def prec(tp, fp, fn):
        return 1.0 if fp == fn == 0 else tp / (tp + fp) if tp + fp else 0.0

    def rec(tp, fp, fn):
        return 1.0 if fp == fn == 0 else tp / (tp + fn) if tp + fn else 0.0

    ps = [prec(*c) for c in counts if c[0] + c[1] > 0]
    rs = [rec(*c) for c in counts if c[0] + c[2] > 0]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def sitroom_body(html: bytes, url: str) -> str:
    """The article text sitroom archives, less the headline paragraph it puts first (the
    gold bodies have no headline; sitroom keeps it so that its facts have offsets)."""
    from sitroom.ingest.html import NotAnArticle, article_from_html

    try:
        text, meta = article_from_html(html, url)
    except NotAnArticle:
        return ""
    head, _, body = text.partition("\n\n")
    return body if meta.title and head == " ".join(meta.title.split()) else text


def peer_bodies(name: str) -> dict[str, str]:
    p = SET / "peer-output" / f"{name}.json.gz"
    data = json.loads(gzip.decompress(p.read_bytes()))
    out = data.get("output", data)
    return {k: (v or {}).get("articleBody") or "" for k, v in out.items()}


def run(limit: int | None = None, slices: bool = False, only: str | None = None) -> list[BenchResult]:
    ids = slice_ids(NAME) if slices else None
    docs = select(pages(), ids, limit)
    ours, failed = [], 0
    with Timer() as t:
        for d in progress(docs, "zyte pages"):
            html = gzip.decompress((SET / "html" / f"{d.id}.html.gz").read_bytes())
            try:
                pred = sitroom_body(html, d.url)
            except Exception as exc:  # noqa: BLE001 - counted, and the run goes on
                print(f"{d.id}: {exc.__class__.__name__}: {exc}", file=sys.stderr)
                pred, failed = "", failed + 1
            ours.append(page_counts(d.body, pred))
    p, r, f = scores(ours)
    peers_f1, peers_p, peers_r = {}, {}, {}
    for name, label in (("trafilatura", "trafilatura 2.0.0 (rescored)"), ("newspaper", "newspaper4k (rescored)"),
                        ("readability_js", "readability.js (rescored)")):
        bodies = peer_bodies(name)
        pp, pr, pf = scores([page_counts(d.body, bodies.get(d.id, "")) for d in docs])
        peers_f1[label], peers_p[label], peers_r[label] = pf, pp, pr
    if ids is None and limit is None:
        peers_f1.update({f"{k} (published)": v for k, v in PUBLISHED.items()})
    n = len(docs)
    res = BenchResult(dataset="Zyte article bodies", name=NAME, docs=n, failures=failed, seconds=t.seconds,
                      subset=subset_label(ids, limit),
                      metrics=[Metric("article body", "F1", f, n, peers_f1),
                               Metric("article body", "precision", p, n, peers_p),
                               Metric("article body", "recall", r, n, peers_r)],
                      notes=["the headline paragraph sitroom puts first in its archived text is not scored"])
    return [res]


if __name__ == "__main__":
    sys.exit(cli(run, [NAME], __doc__))
