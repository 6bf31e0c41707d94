"""Every public article through the whole extraction: how many lose an extractor.

    python bench/failures.py [--slice] [--limit N]

Reads the texts of every set in ../shared/benchmarks (GeoWebNews, LGL, GeoVirus,
TR-News, TempEval-3, MEANTIME, GUM news, re3d, the Zyte pages as sitroom reads them) and,
where it is rebuilt, the development set; runs ``extract_document`` on each and counts
the documents on which an extractor raised (the target is 0), printing each failure with
the extractor and where. The CI slice (``bench/slices/failures.txt``) is 100 documents
drawn across the sets by a fixed rule.
"""
from __future__ import annotations

import gzip
import io
import json
import sys
import tarfile
from collections import Counter
from dataclasses import dataclass
from datetime import date

from common import BENCHMARKS, ROOT, BenchResult, Metric, Timer, cli, progress, select, slice_ids, subset_label

NAME = "failures"


@dataclass
class Text:
    id: str                # "<set>:<document id>"
    text: str
    published: date | None
    title: str | None = None


def _geoparse() -> list[Text]:
    import geoparse

    out = []
    for name in geoparse.NAMES:
        ds = geoparse.DATASETS[name]
        out += [Text(f"{name}:{d.id}", d.text, d.published, d.title) for d in ds.loader(ds.path, {})]
    return out


def _timex() -> list[Text]:
    import timex

    return ([Text(f"tempeval3:{d.id}", d.text, d.dct) for d in timex.tempeval_docs()]
            + [Text(f"meantime:{d.id}", d.text, d.dct) for d in timex.meantime_docs()])


def _gum() -> list[Text]:
    import quotes

    return [Text(f"gum:{d.id}", d.text, d.published, d.title) for d in quotes.gum_docs()]


def _re3d() -> list[Text]:
    out = []
    with tarfile.open(BENCHMARKS / "re3d" / "re3d_without_bbc.tar.gz") as tar:
        for m in sorted(tar.getmembers(), key=lambda m: m.name):
            if m.name.endswith("documents.json"):
                for line in io.TextIOWrapper(tar.extractfile(m), encoding="utf-8"):
                    if line.strip():
                        d = json.loads(line)
                        out.append(Text(f"re3d:{d['_id']}", d.get("text") or "", None, d.get("title")))
    return out


def _zyte() -> list[Text]:
    import articles

    out = []
    for p in articles.pages():
        html = gzip.decompress((articles.SET / "html" / f"{p.id}.html.gz").read_bytes())
        body = articles.sitroom_body(html, p.url)
        if body:
            out.append(Text(f"zyte:{p.id}", body, None))
    return out


def _devset() -> list[Text]:
    corpus = ROOT / ".devset" / "corpus.jsonl"
    if not corpus.exists():
        return []
    out = []
    for line in corpus.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            d = json.loads(line)
            pub = date.fromisoformat(d["published"]) if d.get("published") else None
            out.append(Text(f"devset:{d['id']}", d["text"], pub, d.get("title")))
    return out


def texts() -> list[Text]:
    return [*_geoparse(), *_timex(), *_gum(), *_re3d(), *_zyte(), *_devset()]


def run(limit: int | None = None, slices: bool = False, only: str | None = None) -> list[BenchResult]:
    from sitroom.extract.document import extract_document
    from sitroom.ingest.language import detect_language

    ids = slice_ids(NAME) if slices else None
    docs = select(texts(), ids, limit)
    failed: Counter = Counter()
    lost_docs = 0
    with Timer() as t:
        for d in progress(docs, "extracting every public article"):
            lang = detect_language(d.text) if d.id.startswith("devset:") else "en"
            facts = extract_document(d.text, d.published, d.title, language=lang)
            if facts.failures:
                lost_docs += 1
            for f in facts.failures:
                failed[f.extractor] += 1
                print(f"{d.id}: the {f.extractor} extractor failed: {f.error} ({f.where})", file=sys.stderr)
    metrics = [Metric("extraction", "documents failed", lost_docs, len(docs), higher_is_better=False, target=0)]
    metrics += [Metric("extraction", f"{name} extractor failed", n, len(docs), higher_is_better=False)
                for name, n in sorted(failed.items())]
    return [BenchResult(dataset="every public article", name=NAME, metrics=metrics, docs=len(docs),
                        failures=lost_docs, seconds=round(t.seconds, 1), subset=subset_label(ids, limit))]


def write_slice(n: int = 100) -> None:
    """The CI slice: n documents spread evenly over the whole list (development set excluded:
    CI has no texts of it)."""
    docs = [d for d in texts() if not d.id.startswith("devset:")]
    step = max(1, len(docs) // n)
    chosen = [d.id for d in docs[::step]][:n]
    (ROOT / "bench" / "slices" / f"{NAME}.txt").write_text(
        f"# every {step}th document of bench/failures.py's list (development set excluded)\n"
        + "\n".join(chosen) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if "--write-slice" in sys.argv:
        write_slice()
        sys.exit(0)
    sys.exit(cli(run, [NAME], __doc__))
