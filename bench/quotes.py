"""Quotes and speakers on public gold (``../shared/benchmarks``, read in place, never copied).

* **GUM news** (24 Wikinews articles): the quotation spans of the TEI-like XML's
  ``<quote>`` elements. The text is rebuilt from the CoNLL-U's sentence texts (paragraphs
  from ``# newpar``), each XML token is mapped to its characters there (the two files have
  the same tokens in the same order), and sitroom's direct quotes are matched one-to-one
  to the gold spans when they overlap by at least half of the shorter span: precision,
  recall, F1. GUM has no speakers. ``<q>`` (mentions and titles in quotation marks) are
  not quotations and are left out, as nested ``<quote>`` inside another are.
* **MEANTIME English** (120 Wikinews articles): the speech events of the derived file
  (``derived/meantime_speech_events.jsonl.gz``: event mentions of class SPEECH_COGNITIVE
  with their PropBank Arg0, the speaker). Texts are rebuilt from the tarball's tokens
  (title and date as paragraphs of their own). For each event with a speaker, sitroom's
  quotes in the same sentence are candidates; the one nearest the cue word is taken
  (one quote per event). *Speaker accuracy*: that quote's speaker agrees with the gold
  speaker by the scorer's rule (a shared surname or organisation word; a pronoun or
  common-noun speaker stands for every named mention of its entity, read from the
  coreference). *Coverage*: the share of events with a speaker that got a quote, over all
  of them and over the verbs of saying (lemmas in ``speech_verbs.tsv`` with reporting=yes).

Documents on which an extractor raised are counted as failures. Slices (``--slice``):
GUM's 20 train-split documents; MEANTIME's speech-event documents taken every fourth by
document id (26).
"""
from __future__ import annotations

import gzip
import json
import re
import tarfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date

from common import (BENCHMARKS, BenchResult, Metric, Timer, cli, load_scorer, prf, progress, select, slice_ids,
                    subset_label)

GUM = BENCHMARKS / "gum-news" / "gum_news.tar.gz"
MEANTIME = BENCHMARKS / "meantime-en" / "meantime_newsreader_english_oct15.tar.gz"
MEANTIME_EVENTS = BENCHMARKS / "meantime-en" / "derived" / "meantime_speech_events.jsonl.gz"
NAMES = ["gum_quotes", "meantime_speakers"]


@dataclass
class Doc:
    id: str
    text: str
    published: date | None
    title: str | None = None
    gold: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)


def _extract(doc: Doc):
    from sitroom.extract.document import extract_document

    return extract_document(doc.text, doc.published, title=doc.title)


# ---------------------------------------------------------------- GUM


def _gum_text(conllu: str) -> tuple[str, list[tuple[int, int]], dict[str, str]]:
    """The text from the sentence texts, and each word's (start, end) in it."""
    parts: list[str] = []
    pos = 0
    offsets: list[tuple[int, int]] = []
    meta: dict[str, str] = {}
    sent_text = ""
    base = 0
    cursor = 0
    rng_end = -1
    rng_span = (0, 0)
    first = True
    newpar = False
    for line in conllu.split("\n"):
        if line.startswith("# meta::"):
            k, _, v = line[8:].partition(" = ")
            meta[k] = v
        elif line.startswith("# newpar"):
            newpar = True
        elif line.startswith("# text = "):
            sent_text = line[9:]
            sep = "" if first else ("\n\n" if newpar else " ")
            parts.append(sep)
            pos += len(sep)
            base = pos
            parts.append(sent_text)
            pos += len(sent_text)
            cursor = 0
            first = newpar = False
        elif re.match(r"^\d+-\d+\t", line):
            cols = line.split("\t")
            a, b = (int(x) for x in cols[0].split("-"))
            s = _find(sent_text, cols[1], cursor)
            rng_span = (base + s, base + s + len(cols[1]))
            cursor = s + len(cols[1])
            rng_end = b
        elif re.match(r"^\d+\t", line):
            cols = line.split("\t")
            i = int(cols[0])
            if i <= rng_end:
                offsets.append(rng_span)
                continue
            s = _find(sent_text, cols[1], cursor)
            offsets.append((base + s, base + s + len(cols[1])))
            cursor = s + len(cols[1])
        elif not line.strip():
            rng_end = -1
    return "".join(parts), offsets, meta


def _find(text: str, form: str, cursor: int) -> int:
    s = text.find(form, cursor)
    if s < 0:  # a form the sentence text spells otherwise: take the next word
        m = re.compile(r"\S+").search(text, cursor)
        return m.start() if m else cursor
    return s


def _gum_quotes(xml: str) -> list[tuple[int, int]]:
    """(first token, last token + 1) of each outermost ``<quote>``."""
    spans: list[tuple[int, int]] = []
    depth = 0
    n = 0
    start = 0
    for line in xml.split("\n"):
        if not line:
            continue
        if line.startswith("<quote"):
            if depth == 0:
                start = n
            depth += 1
        elif line.startswith("</quote"):
            depth -= 1
            if depth == 0 and n > start:
                spans.append((start, n))
        elif not line.startswith("<"):
            n += 1
    return sorted(set(spans))


def gum_docs() -> list[Doc]:
    files: dict[str, str] = {}
    with tarfile.open(GUM) as tar:
        for m in tar.getmembers():
            if m.isfile() and re.search(r"/(?:xml|conllu)/GUM_news_\w+\.(?:xml|conllu)$", m.name):
                files[m.name.split("/")[-1]] = tar.extractfile(m).read().decode("utf-8")
    out: list[Doc] = []
    for name in sorted(k for k in files if k.endswith(".conllu")):
        stem = name[:-len(".conllu")]
        text, offs, meta = _gum_text(files[name])
        gold = []
        for a, b in _gum_quotes(files[f"{stem}.xml"]):
            s, e = offs[a][0], offs[b - 1][1]
            gold.append((s, e))
        pub = meta.get("dateCreated")
        out.append(Doc(id=stem, text=text, published=date.fromisoformat(pub) if pub else None,
                       title=meta.get("title"), gold=gold))
    return out


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float | None:
    """Characters in common over the shorter span's length (quotation marks not counted)."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return None
    share = inter / max(1, min(a[1] - a[0], b[1] - b[0]))
    return share if share >= 0.5 else None


def _match(gold: list, pred: list, score) -> list[tuple[int, int]]:
    pairs = sorted(((s, gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred)
                    if (s := score(g, p)) is not None), key=lambda t: -t[0])
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return out


def _covered(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    """At least half of ``span``'s characters lie inside ``others``."""
    a, b = span
    inside = sum(max(0, min(b, d) - max(a, c)) for c, d in _merged(others))
    return inside >= 0.5 * max(1, b - a)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def run_gum(limit: int | None = None, slices: bool = False) -> BenchResult:
    ids = slice_ids("gum_quotes") if slices else None
    docs = select(gum_docs(), ids, limit)
    res = BenchResult(dataset="GUM news", name="gum_quotes", docs=len(docs), subset=subset_label(ids, limit))
    n = {"tp_p": 0, "tp_g": 0, "pred": 0, "gold": 0, "all_tp_p": 0, "all_pred": 0, "one_tp": 0}
    annotated = 0
    with Timer() as t:
        for d in progress(docs, "GUM quotes"):
            facts = _extract(d)
            if facts.failures:
                res.failures += 1
                res.notes.append(f"{d.id}: " + "; ".join(f"{f.extractor}: {f.error}" for f in facts.failures))
            pred = [(q.start, q.end) for q in facts.quotes if q.kind == "direct"]
            gold = [_strip_marks(d.text, g) for g in d.gold]
            n["all_pred"] += len(pred)
            n["all_tp_p"] += sum(_covered(p, gold) for p in pred)
            if not gold:
                continue  # quotations left unannotated in this document (see the module's docstring)
            annotated += 1
            n["pred"] += len(pred)
            n["gold"] += len(gold)
            n["tp_p"] += sum(_covered(p, gold) for p in pred)
            n["tp_g"] += sum(_covered(g, pred) for g in gold)
            n["one_tp"] += len(_match(gold, pred, _overlap))
    res.seconds = t.seconds
    p = n["tp_p"] / n["pred"] if n["pred"] else 0.0
    r = n["tp_g"] / n["gold"] if n["gold"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    task = "direct quote spans"
    all_p = n["all_tp_p"] / n["all_pred"] if n["all_pred"] else 0.0
    _, _, one_f = prf(n["one_tp"], n["pred"], n["gold"])
    res.metrics = [Metric(task, "precision", p, n["pred"]), Metric(task, "recall", r, n["gold"]),
                   Metric(task, "F1", f, n["gold"], target=0.85),
                   Metric(task, "F1 one-to-one", one_f, n["gold"]),
                   Metric(task, "precision (all docs)", all_p, n["all_pred"])]
    res.notes.append(f"{annotated} of {len(docs)} documents have <quote> annotations; the others (quotations "
                     "left unannotated) count only in 'precision (all docs)'")
    return res


def _strip_marks(text: str, span: tuple[int, int]) -> tuple[int, int]:
    a, b = span
    while a < b and text[a] in " \"“”'‘’":
        a += 1
    while b > a and text[b - 1] in " \"“”'‘’,.":
        b -= 1
    return a, b


# ---------------------------------------------------------------- MEANTIME


_NO_SPACE_BEFORE = {",", ".", ";", ":", "%", ")", "]", "'s", "n't", "'re", "'ve", "'ll", "'d", "'m", "?", "!", "''",
                    "”", "’", "..."}
_NO_SPACE_AFTER = {"(", "[", "$", "US$", "CA$", "``", "“", "#"}


def _detok(tokens: list[tuple[str, str, str]]) -> tuple[str, dict[str, tuple[int, int]], dict[str, int]]:
    """Tokens (t_id, sentence, word) -> text, each token's span, each sentence's start.
    The title (sentence 0) and the date (sentence 1) are paragraphs of their own."""
    out: list[str] = []
    pos = 0
    spans: dict[str, tuple[int, int]] = {}
    sent_start: dict[str, int] = {}
    prev_word = None
    prev_sent = None
    open_quote = False
    for tid, sent, word in tokens:
        if not word.strip():
            continue
        if word == "``":
            word = "“"
        elif word == "''":
            word = "”"
        elif word == '"':
            word = "“" if not open_quote else "”"
        if word == "“":
            open_quote = True
        elif word == "”":
            open_quote = False
        if prev_sent is None:
            sep = ""
        elif sent != prev_sent:
            sep = "\n\n" if prev_sent in ("0", "1") else " "
            if prev_word == "“":
                sep = ""
        elif word in _NO_SPACE_BEFORE or prev_word in _NO_SPACE_AFTER or prev_word == "“" or \
                (word.startswith("'") and word.lower() in _NO_SPACE_BEFORE):
            sep = ""
        else:
            sep = " "
        out.append(sep)
        pos += len(sep)
        if sent != prev_sent:
            sent_start[sent] = pos
        spans[tid] = (pos, pos + len(word))
        out.append(word)
        pos += len(word)
        prev_word, prev_sent = word, sent
    return "".join(out), spans, sent_start


def _meantime_doc(xml: str) -> tuple[Doc, dict]:
    root = ET.fromstring(xml)
    tokens = [(t.get("t_id"), t.get("sentence"), t.text or "") for t in root.iter("token")]
    text, spans, sent_start = _detok(tokens)
    mk = root.find("Markables")
    mentions: dict[str, dict] = {}
    for el in mk if mk is not None else []:
        tids = [a.get("t_id") for a in el.findall("token_anchor")]
        mentions[el.get("m_id")] = {"tag": el.tag, "tids": tids, "syn": el.get("syntactic_type"),
                                    "text": " ".join(text[spans[t][0]:spans[t][1]] for t in tids if t in spans)}
    entity_of: dict[str, str] = {}
    for rel in root.iter("REFERS_TO"):
        tgt = rel.find("target")
        for src in rel.findall("source"):
            entity_of[src.get("m_id")] = tgt.get("m_id")
    names_of: dict[str, list[str]] = {}
    for mid, ent in entity_of.items():
        m = mentions.get(mid)
        if m and m["tag"] == "ENTITY_MENTION" and m["syn"] in ("NAM", "") and m["text"]:
            names_of.setdefault(ent, []).append(m["text"])
    title = " ".join(w for _, s, w in tokens if s == "0")
    pub = None
    dct = root.find(".//TIMEX3[@functionInDocument='CREATION_TIME']")
    if dct is not None and re.match(r"\d{4}-\d\d-\d\d", dct.get("value") or ""):
        pub = date.fromisoformat(dct.get("value")[:10])
    d = Doc(id=root.get("doc_id"), text=text, published=pub, title=title)
    return d, {"spans": spans, "sent_start": sent_start, "mentions": mentions, "entity_of": entity_of,
               "names_of": names_of}


def meantime_docs() -> list[Doc]:
    events: dict[str, list[dict]] = {}
    with gzip.open(MEANTIME_EVENTS, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                e = json.loads(line)
                events.setdefault(e["doc_id"], []).append(e)
    out: list[Doc] = []
    with tarfile.open(MEANTIME) as tar:
        for m in tar.getmembers():
            if not (m.isfile() and "/intra-doc_annotation/" in m.name and m.name.endswith(".xml")):
                continue
            doc_id = m.name.split("/")[-1].split("_")[0]
            if doc_id not in events:
                continue
            d, info = _meantime_doc(tar.extractfile(m).read().decode("utf-8"))
            d.gold = events[doc_id]
            d.extra = info
            out.append(d)
    return sorted(out, key=lambda d: int(d.id) if d.id.isdigit() else 0)


def _gold_names(d: Doc, ev: dict) -> list[str]:
    """The gold speaker's names: its mention, and for a pronoun or a common noun every named
    mention of the entity it refers to."""
    info = d.extra
    out: list[str] = []
    by_tids = {tuple(m["tids"]): mid for mid, m in info["mentions"].items() if m["tag"] == "ENTITY_MENTION"}
    for sp in ev.get("speakers") or []:
        out.append(sp["text"])
        mid = by_tids.get(tuple(sp.get("token_ids") or []))
        ent = info["entity_of"].get(mid) if mid else None
        if ent and sp.get("syntactic_type") != "NAM":
            out.extend(info["names_of"].get(ent, []))
    return out


def run_meantime(limit: int | None = None, slices: bool = False) -> BenchResult:
    from sitroom.extract import lexicon

    scorer = load_scorer()
    saying = lexicon.terms("speech_verbs", reporting="yes")
    ids = slice_ids("meantime_speakers") if slices else None
    docs = select(meantime_docs(), ids, limit)
    res = BenchResult(dataset="MEANTIME English", name="meantime_speakers", docs=len(docs),
                      subset=subset_label(ids, limit))
    n_events = n_covered = n_say = n_say_covered = agree = 0
    with Timer() as t:
        for d in progress(docs, "MEANTIME speakers"):
            facts = _extract(d)
            if facts.failures:
                res.failures += 1
                res.notes.append(f"{d.id}: " + "; ".join(f"{f.extractor}: {f.error}" for f in facts.failures))
            info = d.extra
            sents = sorted((int(k), v) for k, v in info["sent_start"].items())
            bounds = {str(k): (v, sents[i + 1][1] if i + 1 < len(sents) else len(d.text))
                      for i, (k, v) in enumerate(sents)}
            used: set[int] = set()
            for ev in sorted(d.gold, key=lambda e: int(e["event_mention_id"])):
                if not ev.get("speakers"):
                    continue
                n_events += 1
                say = ev.get("pred", "").lower() in saying
                n_say += say
                a, b = bounds.get(str(ev["sentence"]), (0, 0))
                cue = info["mentions"].get(ev["event_mention_id"], {}).get("tids") or []
                at = info["spans"][cue[0]][0] if cue and cue[0] in info["spans"] else a
                cands = [(abs((q.start if q.start >= at else q.end) - at), k) for k, q in enumerate(facts.quotes)
                         if a <= q.start < b and k not in used]
                if not cands:
                    continue
                _, k = min(cands)
                used.add(k)
                n_covered += 1
                n_say_covered += say
                q = facts.quotes[k]
                agree += any(scorer.same_party(g, q.speaker or "") for g in _gold_names(d, ev))
    res.seconds = t.seconds
    res.metrics = [
        Metric("speaker attribution", "accuracy", agree / n_covered if n_covered else None, n_covered),
        Metric("speech events quoted", "coverage (all)", n_covered / n_events if n_events else None, n_events),
        Metric("speech events quoted", "coverage (verbs of saying)", n_say_covered / n_say if n_say else None, n_say),
    ]
    return res


def run(*, limit: int | None = None, slices: bool = False, only: str | None = None) -> list[BenchResult]:
    out = []
    if only in (None, "gum_quotes"):
        out.append(run_gum(limit, slices))
    if only in (None, "meantime_speakers"):
        out.append(run_meantime(limit, slices))
    return out


def main() -> int:
    return cli(run, NAMES, __doc__)


if __name__ == "__main__":
    raise SystemExit(main())
