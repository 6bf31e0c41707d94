"""Throughput of ``analyze`` next to a bare spaCy pass over the same texts, in one run.

    python bench/throughput.py [--copies 10] [--corpus FILE.jsonl]

Each copy of the corpus gets a distinct marker line so that archiving does not
deduplicate it. Reports documents/s and words/s for: the full analyze (archive + clean +
metadata + extraction + store), and ``nlp.pipe`` alone with the same model.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from sitroom import pipeline
from sitroom.extract.gazetteer import gazetteer
from sitroom.extract.nlp import english
from sitroom.store.db import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=SHARED / "seeds" / "corpus.jsonl")
    ap.add_argument("--copies", type=int, default=10)
    args = ap.parse_args()
    # JSON Lines are split at "\n" only: splitlines() also splits at U+0085, U+2028...,
    # which JSON strings may hold unescaped
    base = [json.loads(line) for line in args.corpus.read_text(encoding="utf-8").split("\n") if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "bench.jsonl"
        texts = []
        with corpus.open("w", encoding="utf-8") as fh:
            for i in range(args.copies):
                for rec in base:
                    rec = dict(rec, id=f"{rec['id']}-{i}", text=rec["text"] + f"\n\n(copy {i})")
                    texts.append(rec["text"])
                    fh.write(json.dumps(rec) + "\n")
        words = sum(len(t.split()) for t in texts)
        nlp = english()
        nlp("warm up")
        t0 = time.perf_counter()
        gazetteer()  # a one-off cost per process, reported apart
        t_gaz = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts):
            pass
        t_spacy = time.perf_counter() - t0
        store = Store(str(Path(tmp) / "bench.db"))
        t0 = time.perf_counter()
        result = pipeline.analyze([str(corpus)], store, online=False)
        t_an = time.perf_counter() - t0
    n = len(texts)
    print(f"{n} documents, {words} words (gazetteer loaded once in {t_gaz:.1f} s, not counted)")
    print(f"{'':14s}{'docs/s':>10s}{'words/s':>12s}{'seconds':>10s}")
    print(f"{'bare spaCy':14s}{n / t_spacy:10.1f}{words / t_spacy:12.0f}{t_spacy:10.2f}")
    print(f"{'analyze':14s}{n / t_an:10.1f}{words / t_an:12.0f}{t_an:10.2f}")
    print(f"analyze / bare spaCy time: {t_an / t_spacy:.2f}x  ({len(result.extracted)} extracted, {len(result.errors)} errors)")


if __name__ == "__main__":
    main()
