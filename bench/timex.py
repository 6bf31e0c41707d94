"""Time expressions (TIMEX3) on two public gold sets, scored as TempEval-3 Task A scores them.

    python bench/timex.py [--only tempeval3|meantime_timex] [--slice] [--limit N]

- TempEval-3 platinum (SemEval-2013 Task 1 test set: 20 English news documents of March
  2013, TimeML), ``../shared/benchmarks/tempeval3-platinum/te3-platinum.tar.gz``;
- MEANTIME English (120 Wikinews articles, NewsReader), the TIMEX3 markables of the
  intra-document annotation, ``../shared/benchmarks/meantime-en/*.tar.gz``.

Both are read from the tarballs at run time (nothing is copied). Each document's text
goes through sitroom's time-expression extraction (``sitroom.extract.dates.timexes``)
with the document creation time (DCT) as the publication date. TempEval-3 runs on the
``<TEXT>`` element; MEANTIME's text is rebuilt from its tokens (title, then the dateline,
then the body), and its creation-time TIMEX3 (the dateline) is left out of the gold and
of the prediction, as TempEval-3 leaves out the DCT. MEANTIME annotates the title, the
dateline and the first four sentences of each article: the whole text is read, and only
expressions in that part are scored. MEANTIME's empty TIMEX3 (no tokens:
values inferred by the annotators) are not in the text and are not scored.

Scores (TempEval-3 Task A, UzZaman et al. 2013): a predicted and a gold expression match
*strictly* when their extents are the same, *relaxed* when they overlap (one-to-one,
greedy, longest overlap first); value F1 is F1 over the relaxed matches whose TIMEX3
``value`` is also the same (TempEval-3's rank score); type F1 likewise for ``type``.
"DATE" scores the gold DATE expressions against the predicted ones typed DATE; "all"
scores every type (DATE, TIME, DURATION, SET). A document whose extraction raises counts
as a failure and contributes no predictions.
"""
from __future__ import annotations

import re
import sys
import tarfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from common import (BENCHMARKS, BenchResult, Metric, Timer, cli, prf, progress, select, slice_ids,
                    subset_label)

TE3 = BENCHMARKS / "tempeval3-platinum" / "te3-platinum.tar.gz"
MEANTIME = BENCHMARKS / "meantime-en" / "meantime_newsreader_english_oct15.tar.gz"
NAMES = ["tempeval3", "meantime_timex"]

# Published Task A scores on TempEval-3 platinum (PROVENANCE.md), as shares
PEERS_TE3 = {
    ("all", "value F1"): {"HeidelTime": 0.7761, "SUTime": 0.6738},
    ("all", "strict F1"): {"HeidelTime": 0.8134},
    ("all", "relaxed F1"): {"HeidelTime": 0.9030},
    ("all", "strict P"): {"HeidelTime": 0.8385},
    ("all", "strict R"): {"HeidelTime": 0.7899},
    ("all", "relaxed P"): {"HeidelTime": 0.9308},
    ("all", "relaxed R"): {"HeidelTime": 0.8768},
    ("all", "type F1"): {"HeidelTime": 0.8209},
}
TARGETS = {("DATE", "value F1"): 0.85, ("all", "value F1"): 0.78}


@dataclass
class Timex:
    start: int
    end: int
    type: str
    value: str
    text: str = ""


@dataclass
class Doc:
    id: str
    text: str
    dct: date
    gold: list[Timex]
    exclude: list[tuple[int, int]] = field(default_factory=list)  # the DCT's span in the text
    scored_until: int | None = None  # annotated text ends here (MEANTIME: the first six sentences)


# ---------------------------------------------------------------- readers

_TAG = re.compile(r"<(/?)(\w+)([^>]*?)(/?)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def _unescape(s: str) -> str:
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'") \
        .replace("&amp;", "&")


def _tml_text(body: str) -> tuple[str, list[Timex]]:
    """Plain text of a TimeML ``<TEXT>`` and its TIMEX3 with character offsets."""
    out: list[str] = []
    n = 0
    gold: list[Timex] = []
    open_tx: dict | None = None
    pos = 0
    for m in _TAG.finditer(body):
        chunk = _unescape(body[pos:m.start()])
        out.append(chunk)
        n += len(chunk)
        pos = m.end()
        if m.group(2) != "TIMEX3":
            continue
        if m.group(1):  # </TIMEX3>
            if open_tx is not None:
                gold.append(Timex(open_tx["start"], n, open_tx["type"], open_tx["value"]))
            open_tx = None
        else:
            attrs = dict(_ATTR.findall(m.group(3)))
            open_tx = {"start": n, "type": attrs.get("type", ""), "value": attrs.get("value", "")}
    out.append(_unescape(body[pos:]))
    text = "".join(out)
    for g in gold:
        g.text = text[g.start:g.end]
    return text, gold


def tempeval_docs() -> list[Doc]:
    docs = []
    with tarfile.open(TE3) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if not (member.name.startswith("te3-platinum/") and member.name.endswith(".tml")):
                continue
            raw = tar.extractfile(member).read().decode("utf-8")
            dct = re.search(r"<DCT>.*?value=\"(\d{4}-\d{2}-\d{2})", raw, re.S).group(1)
            body = raw[raw.index("<TEXT>") + len("<TEXT>"):raw.index("</TEXT>")]
            text, gold = _tml_text(body)
            docs.append(Doc(Path(member.name).stem, text, date.fromisoformat(dct), gold))
    return docs


_NO_SPACE_BEFORE = re.compile(r"^(?:[,.;:!?%)\]}]|'s|'S|n't|'re|'ve|'ll|'d|'m|'|’s|’)$")
_NO_SPACE_AFTER = {"(", "[", "{", "$", "#", "``", "“"}


# MEANTIME annotates the title, the dateline and the first four sentences of the body
MEANTIME_SENTENCES = 6


def meantime_text(tokens: list[tuple[str, int, str]]) -> tuple[str, dict[str, tuple[int, int]]]:
    """Text rebuilt from (t_id, sentence, token) with a detokeniser's spacing; the
    title and the dateline (sentences 0 and 1) on lines of their own."""
    parts: list[str] = []
    spans: dict[str, tuple[int, int]] = {}
    n = 0
    prev_sent, prev_tok, quote_open = None, None, False
    for tid, sent, tok in tokens:
        if prev_sent is None:
            sep = ""
        elif sent != prev_sent and prev_sent <= 1:
            sep = "\n"
        elif _NO_SPACE_BEFORE.match(tok) or prev_tok in _NO_SPACE_AFTER:
            sep = ""
        elif tok == '"':
            sep = "" if quote_open else " "
        elif prev_tok == '"' and quote_open:
            sep = ""
        else:
            sep = " "
        if tok == '"':
            quote_open = not quote_open
        parts.append(sep)
        n += len(sep)
        spans[tid] = (n, n + len(tok))
        parts.append(tok)
        n += len(tok)
        prev_sent, prev_tok = sent, tok
    return "".join(parts), spans


def meantime_docs() -> list[Doc]:
    docs = []
    with tarfile.open(MEANTIME) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if "/intra-doc_annotation/" not in member.name or not member.name.endswith(".xml"):
                continue
            root = ET.fromstring(tar.extractfile(member).read())
            toks = [(t.get("t_id"), int(t.get("sentence")), t.text or "") for t in root.findall("token")]
            text, spans = meantime_text(toks)
            gold, exclude, dct = [], [], None
            sentence = {tid: sent for tid, sent, _ in toks}
            timexes = root.find("Markables").findall("TIMEX3")
            has_dct = any(tx.get("functionInDocument") == "CREATION_TIME" for tx in timexes)
            for tx in timexes:
                ids = [a.get("t_id") for a in tx.findall("token_anchor")]
                # two files mark their dateline (sentence 1) as an ordinary DATE: it is the DCT
                dateline = not has_dct and ids and all(sentence[i] == 1 for i in ids) and tx.get("type") == "DATE"
                if tx.get("functionInDocument") == "CREATION_TIME" or dateline:
                    dct = tx.get("value")
                    if ids:
                        exclude.append((spans[ids[0]][0], spans[ids[-1]][1]))
                    continue
                if not ids:
                    continue
                s, e = spans[ids[0]][0], spans[ids[-1]][1]
                gold.append(Timex(s, e, tx.get("type") or "", tx.get("value") or "", text[s:e]))
            dct_date = _dct(dct)
            if dct_date is None:
                continue
            later = [spans[tid][0] for tid, sent, _ in toks if sent >= MEANTIME_SENTENCES]
            docs.append(Doc(root.get("doc_id"), text, dct_date, sorted(gold, key=lambda g: g.start), exclude,
                            scored_until=min(later) if later else None))
    return docs


def _dct(value: str | None) -> date | None:
    """The creation time; one MEANTIME file writes it DD-MM-YYYY (its dateline says which)."""
    if not value:
        return None
    if m := re.match(r"(\d{4})-(\d{2})-(\d{2})", value):
        return date(*map(int, m.groups()))
    if m := re.match(r"(\d{2})-(\d{2})-(\d{4})$", value):
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return None


# ---------------------------------------------------------------- prediction and scoring

def predict(doc: Doc) -> list[Timex]:
    from sitroom.extract import dates
    from sitroom.extract.document import parse

    ctx = parse(doc.text, doc.dct)
    out = []
    for t in dates.timexes(ctx):
        if doc.scored_until is not None and t.start >= doc.scored_until:
            continue
        if any(t.start < e and s < t.end for s, e in doc.exclude):
            continue
        out.append(Timex(t.start, t.end, t.type, t.value, doc.text[t.start:t.end]))
    return out


def match(gold: list[Timex], pred: list[Timex]) -> list[tuple[int, int]]:
    """One-to-one relaxed matches, the largest overlaps first."""
    cands = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            ov = min(g.end, p.end) - max(g.start, p.start)
            if ov > 0:
                cands.append((-ov, i, j))
    used_g, used_p, pairs = set(), set(), []
    for _, i, j in sorted(cands):
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((i, j))
    return pairs


@dataclass
class Tally:
    gold: int = 0
    pred: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0
    type: int = 0

    def add(self, gold: list[Timex], pred: list[Timex]) -> None:
        self.gold += len(gold)
        self.pred += len(pred)
        for i, j in match(gold, pred):
            g, p = gold[i], pred[j]
            self.relaxed += 1
            self.strict += (g.start, g.end) == (p.start, p.end)
            self.value += norm_value(g.value) == norm_value(p.value)
            self.type += g.type == p.type


def norm_value(v: str) -> str:
    return (v or "").strip().upper()


def metrics_of(t: Tally, scope: str, peers: dict, targets: dict) -> list[Metric]:
    out = []
    for label, tp in (("strict", t.strict), ("relaxed", t.relaxed)):
        p, r, f = prf(tp, t.pred, t.gold)
        for m, v in (("P", p), ("R", r), ("F1", f)):
            if m != "F1" and scope != "all":
                continue
            key = (scope, f"{label} {m}")
            out.append(Metric(f"TIMEX3 {scope}", f"{label} {m}", round(v, 4), n=t.gold,
                              peers=peers.get(key, {}), target=targets.get(key)))
    for label, tp in (("value", t.value), ("type", t.type)):
        if label == "type" and scope != "all":
            continue
        f = prf(tp, t.pred, t.gold)[2]
        key = (scope, f"{label} F1")
        out.append(Metric(f"TIMEX3 {scope}", f"{label} F1", round(f, 4), n=t.gold,
                          peers=peers.get(key, {}), target=targets.get(key)))
    return out


def evaluate(docs: list[Doc], dataset: str, name: str, subset: str, peers: dict,
             verbose: bool = False) -> BenchResult:
    res = BenchResult(dataset=dataset, name=name, subset=subset, docs=len(docs))
    everything, dates_only = Tally(), Tally()
    with Timer() as t:
        for d in progress(docs, dataset):
            try:
                pred = predict(d)
            except Exception as exc:  # noqa: BLE001 - counted, the rest still scored
                res.failures += 1
                res.notes.append(f"{d.id}: {exc.__class__.__name__}: {exc}")
                pred = []
            everything.add(d.gold, pred)
            dates_only.add([g for g in d.gold if g.type == "DATE"], [p for p in pred if p.type == "DATE"])
            if verbose:
                show_errors(d, pred)
    res.seconds = round(t.seconds, 1)
    res.metrics = metrics_of(dates_only, "DATE", peers, TARGETS) + metrics_of(everything, "all", peers, TARGETS)
    res.notes.append(f"{everything.gold} gold TIMEX3 ({dates_only.gold} DATE), {everything.pred} predicted")
    return res


def show_errors(d: Doc, pred: list[Timex]) -> None:
    """Misses, spurious expressions and wrong values of one document (``--errors``)."""
    pairs = match(d.gold, pred)
    mg, mp = {i for i, _ in pairs}, {j for _, j in pairs}
    for i, j in pairs:
        g, p = d.gold[i], pred[j]
        flag = []
        if norm_value(g.value) != norm_value(p.value):
            flag.append("VALUE")
        if g.type != p.type:
            flag.append("TYPE")
        if (g.start, g.end) != (p.start, p.end):
            flag.append("SPAN")
        if flag:
            print(f"{d.id} {d.dct} {'/'.join(flag):16s} gold {g.text!r} {g.type} {g.value} | "
                  f"sys {p.text!r} {p.type} {p.value}")
    for i, g in enumerate(d.gold):
        if i not in mg:
            ctx = d.text[max(0, g.start - 40):g.end + 30].replace("\n", " ")
            print(f"{d.id} {d.dct} MISS             gold {g.text!r} {g.type} {g.value} | ...{ctx}...")
    for j, p in enumerate(pred):
        if j not in mp:
            ctx = d.text[max(0, p.start - 40):p.end + 30].replace("\n", " ")
            print(f"{d.id} {d.dct} SPURIOUS         sys {p.text!r} {p.type} {p.value} | ...{ctx}...")


def run(*, limit: int | None = None, slices: bool = False, only: str | None = None,
        verbose: bool = False) -> list[BenchResult]:
    out = []
    for name, label, load, peers in (("tempeval3", "TempEval-3 platinum", tempeval_docs, PEERS_TE3),
                                     ("meantime_timex", "MEANTIME English (TIMEX3)", meantime_docs, {})):
        if only and only != name:
            continue
        ids = slice_ids(name) if slices else None
        docs = select(load(), ids, limit)
        out.append(evaluate(docs, label, name, subset_label(ids, limit), peers, verbose))
    return out


def main() -> int:
    if "--errors" in sys.argv:  # print each document's errors (development aid)
        sys.argv.remove("--errors")
        return cli(lambda **kw: run(verbose=True, **kw), NAMES, __doc__)
    return cli(run, NAMES, __doc__)


if __name__ == "__main__":
    sys.exit(main())
