"""Speed: ``analyze`` beside a bare spaCy pass over the same texts, Dask workers, 10k documents.

    python bench/speed.py [--limit N]                  # bare spaCy vs analyze, same texts, one run
    python bench/speed.py --workers 1,2 [--docs 600]   # Dask: 1 worker vs 2 on the cores here
    python bench/speed.py --generated 10000 [--workers 2]   # 10k generated short reports

**bare** (the default): the texts of the public news sets in ``../shared/benchmarks``
(GeoWebNews, LGL, GeoVirus, TR-News: 1,000+ real articles), timed in one process and one
run, models loaded before the clocks start (spaCy's, the gazetteer, the language
identifier's): ``en_core_web_sm``'s full pipeline as
shipped (``spacy.load``: none of our components or speed-ups) over every text
(``nlp.pipe``, the bare pass), the same with our attribute ruler, lemmatizer and entity decoding (the
same annotations, faster), our parse alone, then ``sitroom analyze`` over the same texts
(archive, clean, language, metadata, parse, every extractor, store, fusion), then the
same inputs analysed again (re-ingest: hashed first, nothing new). Reports CPU and wall
seconds per 1,000 words, the share of each phase, the ratio to the bare pass (the
issue's target: analyze at >= 1.0x the bare pass's throughput) and how many sentences
a selective parse could leave untagged (``selectable``).

**--workers**: generated short reports (names of our own) through ``analyze`` with each
worker count (a local Dask cluster; 0 means one process, no Dask): wall seconds with
start-up, and documents per second in the steady state (after the first 10% came back);
the target is 2 workers >= 1.5x one worker.

**--generated**: N generated reports through ``analyze`` (one process, or ``--workers``):
seconds for each 1,000 documents (near-linear is the target) and the peak resident
memory of the process (and of the workers) after each 1,000 (flat is the target).

Results: ``bench/results/speed.json``, ``speed_workers.json``, ``speed_generated.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCHMARKS, RESULTS  # noqa: E402

SETS = [("geowebnews", "geowebnews/GWN.xml.gz", "file"), ("lgl", "lgl/lgl.xml.gz", "docid"),
        ("geovirus", "geovirus/GeoVirus.xml.gz", None), ("trnews", "tr-news/TR-News.xml.gz", "docid")]


def news_texts(limit: int | None = None) -> list[dict]:
    """The articles of the four public geoparsing sets: id, title, text."""
    import gzip
    import xml.etree.ElementTree as ET

    out = []
    for name, path, key in SETS:
        root = ET.parse(gzip.open(BENCHMARKS / path)).getroot()
        for i, a in enumerate(root.iter("article")):
            text = (a.find("text").text or "").strip()
            title = a.find("title")
            if text:
                out.append({"id": f"{name}-{a.get(key) if key else i}", "text": text,
                            "title": title.text if title is not None and title.text else None})
    return out[:limit] if limit else out


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu() -> float:
    t = os.times()
    return t.user + t.system


# ---------------------------------------------------------------- bare spaCy vs analyze


def shipped_english():
    """``en_core_web_sm`` as shipped: none of our components or speed-ups (the bare pass)."""
    import importlib

    import spacy

    from sitroom.extract.nlp import MODEL_NAMES

    for name in MODEL_NAMES:
        try:
            return spacy.load(name)
        except OSError:
            try:
                return importlib.import_module(name).load()
            except ImportError:
                continue
    raise SystemExit("no English model installed")


def bench_bare(limit: int | None) -> dict:
    from sitroom import pipeline
    from sitroom.extract.document import warm_up
    from sitroom.extract.gazetteer import gazetteer
    from sitroom.extract.nlp import english
    from sitroom.ingest.language import detect_language
    from sitroom.store.db import Store

    docs = news_texts(limit)
    texts = [d["text"] for d in docs]
    words = sum(len(t.split()) for t in texts)
    t0, c0 = time.perf_counter(), cpu()
    gazetteer()
    t_gaz = (time.perf_counter() - t0, cpu() - c0)
    nlp = english()
    warm_up("en")
    nlp("warm up")
    # the language identifier's models load on first use, as spaCy's do at spacy.load:
    # before the clocks start for both
    detect_language("Officials said on Monday that the road to the border was open again.")
    shipped = shipped_english()
    shipped("warm up")

    # the bare pass: the model as shipped, every component as spaCy runs it
    t0, c0 = time.perf_counter(), cpu()
    for _ in shipped.pipe(texts):
        pass
    bare = (time.perf_counter() - t0, cpu() - c0)
    # the same pass without the entity recogniser: its share of the bare pass
    t0, c0 = time.perf_counter(), cpu()
    with shipped.select_pipes(disable=["ner"]):
        for _ in shipped.pipe(texts):
            pass
    no_ner = (time.perf_counter() - t0, cpu() - c0)
    # the model with our faster attribute ruler, lemmatizer and entity decoding (same annotations), as the
    # bare pass was measured before: what the rest of analyze costs beyond our own pipeline
    t0, c0 = time.perf_counter(), cpu()
    for _ in nlp.pipe(texts):
        pass
    ours_pipe = (time.perf_counter() - t0, cpu() - c0)
    # our own parse alone (the same model, with paragraph breaks and bounded sentences, the
    # texts parsed together as analyze claims them), no extractor: the most analyze could
    # reach without leaving text unparsed
    t0, c0 = time.perf_counter(), cpu()
    for i in range(0, len(texts), pipeline.CLAIM_BATCH):
        pipeline.parse_together([(t, None, None, "en") for t in texts[i:i + pipeline.CLAIM_BATCH]])
    parse_only = (time.perf_counter() - t0, cpu() - c0)

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "news.jsonl"
        with corpus.open("w", encoding="utf-8") as fh:
            for d in docs:
                fh.write(json.dumps(d, ensure_ascii=False) + "\n")
        store = Store(str(Path(tmp) / "speed.db"))
        t0, c0 = time.perf_counter(), cpu()
        res = pipeline.ingest([str(corpus)], store, online=False)
        t_ing = (time.perf_counter() - t0, cpu() - c0)
        pipeline.extract_pending(store, res)
        an = (time.perf_counter() - t0, cpu() - c0)
        t0, c0 = time.perf_counter(), cpu()
        again = pipeline.ingest([str(corpus)], store, online=False)
        re_ing = (time.perf_counter() - t0, cpu() - c0)
        store.engine.dispose()
    assert len(again.duplicates) == len(res.added), "re-ingest archived something twice"
    kw = words / 1000
    out = {
        "documents": len(docs), "words": words, "sets": [s[0] for s in SETS],
        "parse_mode": "full",
        "gazetteer_open_s": round(t_gaz[0], 3),
        "bare_spacy": {"wall_s": round(bare[0], 2), "cpu_s": round(bare[1], 2),
                       "cpu_s_per_1k_words": round(bare[1] / kw, 4)},
        "ner_share_of_bare": round(1 - no_ner[1] / bare[1], 3),
        "our_pipeline_pipe": {"wall_s": round(ours_pipe[0], 2), "cpu_s": round(ours_pipe[1], 2),
                              "vs_bare": round(bare[1] / ours_pipe[1], 3)},
        "parse_only": {"wall_s": round(parse_only[0], 2), "cpu_s": round(parse_only[1], 2),
                       "vs_bare": round(bare[1] / parse_only[1], 3)},
        "analyze": {"wall_s": round(an[0], 2), "cpu_s": round(an[1], 2), "cpu_s_per_1k_words": round(an[1] / kw, 4),
                    "archive_wall_s": round(t_ing[0], 2), "extract_wall_s": round(res.extract_seconds, 2),
                    "writer_s": round(res.writer_seconds, 2), "fuse_s": round(res.fuse_seconds, 2),
                    "extracted": len(res.extracted), "failed": len(res.failed)},
        "reingest": {"wall_s": round(re_ing[0], 2), "cpu_s": round(re_ing[1], 2),
                     "share_of_analyze": round(re_ing[0] / an[0], 3)},
        "selective_parse_ceiling": (stats := selectable(texts)),
        "throughput_vs_bare": round(bare[1] / an[1], 3),   # >= 1.0: analyze as fast as the bare pass (CPU)
        "throughput_vs_bare_wall": round(bare[0] / an[0], 3),
        "target": 1.0, "peak_rss_mb": round(peak_mb()),
    }
    print(f"{len(docs)} articles, {words} words (GeoWebNews, LGL, GeoVirus, TR-News); parse: {out['parse_mode']}; "
          f"gazetteer opened in {t_gaz[0]:.2f} s")
    print(f"{'':22s}{'wall s':>9s}{'CPU s':>9s}{'CPU s/1k words':>16s}{'vs bare':>9s}")
    print(f"{'bare spaCy (pipe)':22s}{bare[0]:9.1f}{bare[1]:9.1f}{bare[1] / kw:16.4f}{1.0:9.2f}")
    print(f"{'  without entities':22s}{no_ner[0]:9.1f}{no_ner[1]:9.1f}{no_ner[1] / kw:16.4f}"
          f"   (the entity recogniser: {1 - no_ner[1] / bare[1]:.0%} of the bare pass)")
    print(f"{'same, our components':22s}{ours_pipe[0]:9.1f}{ours_pipe[1]:9.1f}{ours_pipe[1] / kw:16.4f}"
          f"{bare[1] / ours_pipe[1]:9.2f}   (attribute ruler, lemmatizer, entity decoding: same annotations)")
    print(f"{'our parse alone':22s}{parse_only[0]:9.1f}{parse_only[1]:9.1f}{parse_only[1] / kw:16.4f}"
          f"{bare[1] / parse_only[1]:9.2f}")
    print(f"{'analyze':22s}{an[0]:9.1f}{an[1]:9.1f}{an[1] / kw:16.4f}{bare[1] / an[1]:9.2f}")
    print(f"{'  of which archive':22s}{t_ing[0]:9.1f}{t_ing[1]:9.1f}")
    print(f"{'  extraction':22s}{res.extract_seconds:9.1f}   (writer {res.writer_seconds:.1f} s)")
    print(f"{'  fusion':22s}{res.fuse_seconds:9.1f}")
    print(f"{'re-ingest (known)':22s}{re_ing[0]:9.1f}{re_ing[1]:9.1f}   ({re_ing[0] / an[0]:.1%} of analyze)")
    print(f"a selective parse could skip at most: {1 - stats['sentences_with_cue']:.1%} of sentences "
          f"({1 - stats['tokens_with_cue_or_neighbour']:.1%} of tokens once neighbours are kept); with the "
          f"narrow cue {1 - stats['narrow_sentences_with_cue']:.1%} "
          f"({1 - stats['narrow_tokens_with_cue_or_neighbour']:.1%} of tokens with neighbours); "
          f"the entity recogniser could skip {1 - stats['tokens_in_sentences_with_a_name_or_number']:.1%} of tokens")
    return out


def selectable(texts: list[str]) -> dict:
    """What a selective parse would have to parse (issue 13 item 1): the share of
    sentences (rule-based split, at tokenizer speed) holding a cue, and with their
    neighbours (one sentence either side). Two cues: the broad one (a digit, a number
    word, a capitalised word inside the sentence, an event trigger, a verb of saying, a
    quotation mark) and the narrow one (the same, but a capitalised word counts only
    where it is a gazetteer name, alone or with the next word, or a title, organisation
    word or demonym, and is no stop word). Number words are those that say a number
    ("three", "dozen", "million"), not the articles and joiners of the number lexicon."""
    import spacy

    from sitroom.extract import lexicon
    from sitroom.extract.gazetteer import gazetteer, norm

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    numbers = frozenset(r.term.lower() for r in lexicon.rows("figure_number_words", "en")
                        if r.kind in ("unit", "ten", "scale", "dozen", "half"))   # not "a", "and"
    words = lexicon.terms("event_triggers", "en") | lexicon.terms("speech_verbs", "en") | numbers
    actors = lexicon.terms("titles", "en") | lexicon.terms("org_words", "en") | lexicon.terms("demonyms", "en")
    g = gazetteer()
    quotes = set('"“”«»„')

    def word_cue(t) -> bool:
        low = t.lower_
        return any(c.isdigit() for c in t.text) or low in words or low.rstrip("s") in words or t.text in quotes

    def name_cue(s, i: int) -> bool:
        t = s[i]
        if not (t.is_alpha and t.text[:1].isupper()) or t.is_stop:   # "The", "He": no name
            return False
        if t.lower_ in actors or g.get(norm(t.text)):
            return True
        return i + 1 < len(s) and s[i + 1].text[:1].isupper() and bool(g.get(norm(f"{t.text} {s[i + 1].text}")))

    n = toks = named_toks = 0
    got = {"broad": [0, 0, 0], "narrow": [0, 0, 0]}   # sentences with a cue, with a neighbour's, their tokens
    for doc in nlp.pipe(texts):
        sents = list(doc.sents)
        n += len(sents)
        toks += len(doc)
        # the entity recogniser (58% of the bare pass) is read for names, numbers and dates:
        # sentences without a capitalised word (other than a stop word) or a digit could skip it
        named_toks += sum(len(s) for s in sents if any(
            (t.is_alpha and t.text[:1].isupper() and not t.is_stop) or any(c.isdigit() for c in t.text) for t in s))
        wordy = [[word_cue(t) for t in s] for s in sents]
        flags = {"broad": [any(w or (i > 0 and t.is_alpha and t.text[:1].isupper()) for i, (t, w) in enumerate(zip(s, ws)))
                           for s, ws in zip(sents, wordy)],
                 "narrow": [any(ws) or any(name_cue(s, i) for i in range(len(s))) for s, ws in zip(sents, wordy)]}
        for kind, fl in flags.items():
            wide = [f or (i > 0 and fl[i - 1]) or (i + 1 < len(fl) and fl[i + 1]) for i, f in enumerate(fl)]
            got[kind][0] += sum(fl)
            got[kind][1] += sum(wide)
            got[kind][2] += sum(len(s) for s, w in zip(sents, wide) if w)
    out: dict = {"sentences": n, "tokens_in_sentences_with_a_name_or_number": round(named_toks / toks, 4) if toks else None}
    for kind, (cue, near, toks_near) in got.items():
        pre = "" if kind == "broad" else "narrow_"
        out[f"{pre}sentences_with_cue"] = round(cue / n, 4) if n else None
        out[f"{pre}sentences_with_cue_or_neighbour"] = round(near / n, 4) if n else None
        out[f"{pre}tokens_with_cue_or_neighbour"] = round(toks_near / toks, 4) if toks else None
    return out


# ---------------------------------------------------------------- generated reports

# invented town names, one per happening (first syllable x second), so that reports of
# different happenings never share a town and a day: a real feed has many incidents, each
# reported a few times, not a few incidents reported thousands of times
HEADS = ["Var", "Lus", "Qar", "Tol", "Bek", "Mir", "Sun", "Ker", "Amu", "Ost", "Pel", "Hal", "Dor", "Fen", "Gal",
         "Jor", "Kum", "Nad", "Ruv", "Zel"]
TAILS = ["enko", "aba", "in", "mez", "umi", "adel", "jo", "evan", "ndi", "holm", "rock", "cross", "avo", "eta",
         "ugu", "asht", "ira", "obek", "ento", "uli", "agor", "esk", "imba", "ova", "uran"]
EVENTS = [("Shelling hit the market in {town} on {day}", "killed", "people"),
          ("Floodwater swept through {town} on {day}", "displaced", "families"),
          ("A landslide buried houses above {town} on {day}", "missing", "residents"),
          ("A drone struck a fuel depot near {town} on {day}", "injured", "workers"),
          ("Fighting around {town} forced families to flee on {day}", "displaced", "people")]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SAID = ["the regional governor", "the health ministry", "a local aid group", "the civil defence agency", "police"]


def generated(n: int, seed: int = 13, per_happening: int = 3) -> list[dict]:
    """N short reports, ``per_happening`` of them on each happening (its own town, event
    and day), published the day after it, over consecutive days of 2024."""
    from datetime import date, timedelta

    rng = random.Random(seed)
    out = []
    for i in range(n):
        h = i // per_happening
        town = HEADS[h % len(HEADS)] + TAILS[(h // len(HEADS)) % len(TAILS)]
        if h >= len(HEADS) * len(TAILS):
            town += f" {chr(65 + (h // (len(HEADS) * len(TAILS))) % 26)}"
        event, category, who = EVENTS[h % len(EVENTS)]
        happened = date(2024, 1, 1) + timedelta(days=h // 8)
        day = DAYS[happened.weekday()]
        text = (f"Report {i}. {event.format(town=town, day=day)}, and at least {rng.randint(3, 900)} {who} were "
                f"{category}, {rng.choice(SAID)} said.\n\n\"We are still counting,\" said an official in {town}. "
                f"Another {rng.randint(2, 60)} people were taken to hospital, and roads out of {town} stayed "
                f"closed overnight.\n")
        out.append({"id": f"gen-{i}", "text": text, "published": (happened + timedelta(days=1)).isoformat()})
    return out


def _children_rss_mb() -> float:
    try:
        import psutil

        return sum(c.memory_info().rss for c in psutil.Process().children(recursive=True)) / 2**20
    except Exception:  # noqa: BLE001
        return 0.0


def run_generated(n: int, workers: int, block: int) -> dict:
    from sitroom import pipeline
    from sitroom.store.db import Store

    docs = generated(n)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "gen.jsonl"
        corpus.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
        store = Store(str(Path(tmp) / "gen.db"))
        t0 = time.perf_counter()
        res = pipeline.ingest([str(corpus)], store, online=False)
        t_ing = time.perf_counter() - t0
        marks: list[tuple[int, float, float, float]] = []
        done = [0]

        def tick(_sid: int) -> None:
            done[0] += 1
            if done[0] % block == 0 or done[0] == 1:
                marks.append((done[0], time.perf_counter(), peak_mb(), _children_rss_mb()))

        t1 = time.perf_counter()
        pipeline.extract_pending(store, res, on_source=tick, workers=workers or None, fuse=False)
        t_ex = time.perf_counter() - t1
        t2 = time.perf_counter()
        pipeline.fuse_stored(store, res)
        t_fuse = time.perf_counter() - t2
        store.engine.dispose()
    first = next((m for m in marks if m[0] >= max(1, n // 10)), marks[0])
    steady = (n - first[0]) / (marks[-1][1] - first[1]) if len(marks) > 1 and marks[-1][1] > first[1] else None
    blocks = [{"documents": b[0], "seconds": round(b[1] - a[1], 2), "peak_rss_mb": round(b[2]),
               "workers_rss_mb": round(b[3])} for a, b in zip(marks, marks[1:])]
    return {"documents": n, "workers": workers, "archive_s": round(t_ing, 2), "extract_wall_s": round(t_ex, 2),
            "fuse_s": round(t_fuse, 2), "writer_s": round(res.writer_seconds, 2),
            "writer_share": round(res.writer_seconds / t_ex, 3) if t_ex else None,
            "steady_docs_per_s": round(steady, 2) if steady else None, "extracted": len(res.extracted),
            "blocks": blocks}


def bench_workers(counts: list[int], n: int) -> dict:
    runs = [run_generated(n, w, max(1, n // 20)) for w in counts]
    print(f"{n} generated reports, extraction on Dask workers (0: one process, no Dask)")
    print(f"{'workers':>8s}{'wall s':>9s}{'docs/s steady':>15s}{'writer share':>14s}")
    for r in runs:
        print(f"{r['workers']:8d}{r['extract_wall_s']:9.1f}{(r['steady_docs_per_s'] or 0):15.2f}"
              f"{(r['writer_share'] or 0):14.1%}")
    by = {r["workers"]: r for r in runs}
    out = {"documents": n, "cores": os.cpu_count(), "runs": runs}
    if 1 in by and 2 in by and by[1]["steady_docs_per_s"] and by[2]["steady_docs_per_s"]:
        out["two_vs_one_steady"] = round(by[2]["steady_docs_per_s"] / by[1]["steady_docs_per_s"], 3)
        out["two_vs_one_wall"] = round(by[1]["extract_wall_s"] / by[2]["extract_wall_s"], 3)
        out["target"] = 1.5
        print(f"2 workers vs 1: {out['two_vs_one_steady']:.2f}x steady, {out['two_vs_one_wall']:.2f}x wall "
              f"(target 1.5x; {os.cpu_count()} cores)")
    return out


def bench_generated(n: int, workers: int) -> dict:
    r = run_generated(n, workers, 1000)
    print(f"{n} generated reports, {'one process' if not workers else f'{workers} Dask workers'}: "
          f"extraction {r['extract_wall_s']:.0f} s, fusion {r['fuse_s']:.0f} s, writer share "
          f"{(r['writer_share'] or 0):.0%}")
    print(f"{'documents':>10s}{'s per block':>12s}{'peak RSS MB':>12s}{'workers MB':>11s}")
    for b in r["blocks"]:
        print(f"{b['documents']:10d}{b['seconds']:12.1f}{b['peak_rss_mb']:12d}{b['workers_rss_mb']:11d}")
    secs = [b["seconds"] for b in r["blocks"][1:]] or [0]
    r["last_over_first_block"] = round(secs[-1] / secs[0], 3) if secs[0] else None
    return r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, help="only the first N articles (bare mode)")
    ap.add_argument("--workers", help="worker counts to compare (e.g. 1,2; 0 = one process, no Dask)")
    ap.add_argument("--docs", type=int, default=600, help="generated reports for --workers")
    ap.add_argument("--generated", type=int, help="N generated reports through analyze (e.g. 10000)")
    ap.add_argument("--no-save", action="store_true", help="print only (no bench/results/*.json)")
    args = ap.parse_args()
    if args.generated:
        out, name = bench_generated(args.generated, int(args.workers or 0)), f"speed_generated_{args.generated}"
    elif args.workers:
        out, name = bench_workers([int(x) for x in args.workers.split(",")], args.docs), "speed_workers"
    else:
        out, name = bench_bare(args.limit), "speed"
    out["cpu_count"] = os.cpu_count()
    if not args.no_save and not args.limit:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"{name}.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
