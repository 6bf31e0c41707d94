"""Fuzzing every reader (hypothesis), and the extractors on fuzzed text.

Readers: whatever bytes come in under whatever name (text, Markdown, HTML, JSON Lines,
JSON, RSS/Atom), reading never raises; each input comes out as a RawInput or an
InputError; every RawInput either becomes a Source (decoded, cleaned, described) that the
store archives and gives back whole, or a ValueError naming the problem.

Extractors (read-only: through ``extract_document``): on fuzzed report-like text no
exception escapes, no extractor fails, and every fact's span lies inside the text.

CI runs a few hundred examples. The long run behind the README's figures:

    SITROOM_FUZZ_EXAMPLES=5000 python -m pytest -q -s tests/test_fuzz.py

(every test then runs that many examples, the extractor test a fifth of them;
``SITROOM_FUZZ_REPORT=path.json`` writes the counts, the slowest example and any
failure as JSON).
"""
import json
import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitroom import pipeline
from sitroom.ingest.clean import clean_text
from sitroom.ingest.readers import iter_inputs, read_jsonl
from sitroom.models import InputError, RawInput, Source
from sitroom.store.db import Store

EXAMPLES = int(os.environ.get("SITROOM_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("SITROOM_FUZZ_EXAMPLES"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
STATS: dict[str, dict] = {}


def tally(name: str, seconds: float, failure: str | None = None, example: object = None) -> None:
    s = STATS.setdefault(name, {"examples": 0, "slowest_s": 0.0, "slowest": None, "over_5s": 0, "failures": []})
    s["examples"] += 1
    if seconds > s["slowest_s"]:
        s["slowest_s"], s["slowest"] = round(seconds, 3), repr(example)[:500]
    s["over_5s"] += seconds > 5
    if failure and len(s["failures"]) < 20:
        s["failures"].append(failure)


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    line = {k: {"examples": v["examples"], "slowest_s": v["slowest_s"], "over_5s": v["over_5s"],
                "failures": len(v["failures"])} for k, v in STATS.items()}
    print("\nfuzz:", json.dumps(line))
    if os.environ.get("SITROOM_FUZZ_REPORT"):
        Path(os.environ["SITROOM_FUZZ_REPORT"]).write_text(json.dumps(STATS, indent=2, ensure_ascii=True))


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory(prefix="sitroom-fuzz-") as d:
        path = Path(d)
        yield path, Store(str(path / "fuzz.db"))


# ---------------------------------------------------------------- strategies

ODD = ["\u2028", "\u2029", "\u0085", "\x00", "\ufeff", "\u200b", "\u202e", "\u0301", "\ufffd", "\U0001f525", "\r",
       "\r\n", "\t", "\x0b", "\x1b", "\xa0", "\u00ad", "ﬁ", "İ", "ß", "\U00010348"]
WORDS = ["killed", "wounded", "at least", "between", "and", "about", "people", "displaced", "said", "according to",
         "on Monday", "January 1,", "2024-02-30", "12/31/2023", "1,200", "1.5 million", "dozens", "-3", "½", "0",
         "99999999999999999999", "“", "”", '"', "'", "(", ")", "—", "-", ":", ";", ".", ",", "!", "?", "...", "\n",
         "\n\n", "Mr.", "Dr", "the", "city of", "village", "north of", "Somalia", "Kharkiv", "Idlib", "Lagos", "Paris",
         "Minister", "spokesman", "told reporters", "children", "including", "more than", "up to", "nearly", "%",
         "km", "#", "*", "**", "[link](http://x)", "<b>", "&amp;", "http://example.org/a", "@user", "UN", "U.S.",
         "20 killed and 30 injured", "from 5 to 10", "hundreds", "twenty-one", "3rd", "1990s", "last week",
         "yesterday", "Sunday night", "2 a.m.", "14:30", "GMT", "+0300", "Ms", "Colonel", "President"]
text_odd = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(ODD),
                              st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)),
                    max_size=80).map(" ".join)
plain_text = st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=600), text_odd)

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                         st.text(max_size=40), text_odd)
json_values = st.recursive(json_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                                 st.dictionaries(st.text(max_size=8), inner,
                                                                                 max_size=4)), max_leaves=20)
record_keys = st.sampled_from(["id", "url", "outlet", "published", "title", "author", "text", "extra"])
records = st.dictionaries(record_keys, json_values, max_size=7)


@st.composite
def jsonl_bytes(draw) -> bytes:
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.integers(0, 6))
        if kind <= 2:
            rec = draw(records)
            if draw(st.booleans()):
                rec["text"] = draw(plain_text)
            lines.append(json.dumps(rec, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass"))
        elif kind == 3:  # escapes that spell lone surrogates, deep nesting, long numbers
            trick = draw(st.sampled_from(['"\\ud800"', '"\\udfff x"', '"\\ud83d\\ude00"',
                                          "[" * 150 + "]" * 150, "9" * 5000, "-" + "1" * 101, "1e999999",
                                          '"' + "a" * 3000 + '"', "NaN", "-Infinity"]))
            lines.append(f'{{"id": "t", "text": {trick}, "title": {trick}}}'.encode())
        elif kind == 4:
            lines.append(draw(st.binary(max_size=200)))
        else:
            good = json.dumps({"id": draw(st.text(max_size=5)), "text": draw(plain_text)}).encode()
            cut = draw(st.integers(0, len(good)))
            lines.append(good[:cut] + draw(st.binary(max_size=5)) + good[cut:])
    sep = draw(st.sampled_from([b"\n", b"\r\n", b"\n\n", "\u2028".encode()]))
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + sep.join(lines)


TAGS = ["p", "div", "article", "main", "h1", "span", "a", "b", "script", "style", "title", "head", "body", "html",
        "table", "td", "tr", "ul", "li", "br", "meta", "nav", "footer", "figure", "figcaption", "time", "svg",
        "noscript", "iframe", "template", "!--", "![CDATA["]
ENTITIES = ["&amp;", "&#xD800;", "&#0;", "&#x10FFFF;", "&#1114112;", "&nbsp;", "&lt;", "&#x202E;", "&bogus;",
            "&#99999999999;", "&"]


@st.composite
def html_bytes(draw) -> bytes:
    parts = [draw(st.sampled_from(["", "<!DOCTYPE html>", "<?xml version='1.0'?>", "\ufeff"]))]
    depth = 0
    for _ in range(draw(st.integers(0, 60))):
        choice = draw(st.integers(0, 5))
        if choice == 0:
            tag = draw(st.sampled_from(TAGS))
            attrs = draw(st.sampled_from(["", ' class="article"', ' charset="utf-8"', ' property="og:title" '
                                          'content="T"', ' name="author" content="A"', ' http-equiv="refresh"',
                                          " datetime='2024-01-01'", ' content="2099-99-99"', " a=\"&#xD800;\""]))
            parts.append(f"<{tag}{attrs}>")
            depth += 1
        elif choice == 1 and depth:
            parts.append(f"</{draw(st.sampled_from(TAGS))}>")
            depth -= 1
        elif choice == 2:
            parts.append(draw(st.sampled_from(ENTITIES)))
        else:
            parts.append(draw(plain_text))
    text = "".join(parts)
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1251", "utf-32"]))
    return text.encode(encoding, "replace")


@st.composite
def feed_bytes(draw) -> bytes:
    items = []
    for _ in range(draw(st.integers(0, 4))):
        title = draw(plain_text).replace("<", "&lt;")
        link = draw(st.sampled_from(["http://example.org/a", "", "javascript:alert(1)", "file:///etc/passwd",
                                     "/relative", "http://[::1]/", "http://%zz/"]))
        items.append(f"<item><title>{title}</title><link>{link}</link>"
                     f"<pubDate>{draw(st.sampled_from(['Mon, 01 Jan 2024 00:00:00 GMT', 'garbage', '']))}</pubDate>"
                     f"</item>")
    root = draw(st.sampled_from(['<rss version="2.0"><channel><title>{t}</title>{i}</channel></rss>',
                                 '<feed xmlns="http://www.w3.org/2005/Atom"><title>{t}</title>{i}</feed>',
                                 "<rss>{i}", "<rdf:RDF>{t}{i}</rdf:RDF>"]))
    body = root.format(t=draw(plain_text).replace("<", "&lt;"), i="".join(items))
    if draw(st.booleans()):
        body = '<?xml version="1.0" encoding="utf-8"?>' + body
    if draw(st.integers(0, 5)) == 0:
        body = body[: draw(st.integers(0, len(body)))]
    return body.encode("utf-8", "replace")


any_bytes = st.one_of(st.binary(max_size=800), plain_text.map(lambda t: t.encode("utf-8", "replace")))


# ---------------------------------------------------------------- the property


def check_inputs(store: Store, path: Path, raw: bytes, name: str) -> None:
    path.write_bytes(raw)
    started = time.monotonic()
    failure = None
    try:
        items = list(iter_inputs([str(path)], online=False))
        assert items, "a spec gave nothing at all"
        for item in items:
            assert isinstance(item, (RawInput, InputError)), item
            if isinstance(item, InputError):
                assert item.origin and item.problem
                continue
            try:
                source = pipeline.build_source(item)
            except ValueError as exc:
                assert str(exc)
                continue
            assert isinstance(source, Source) and source.text.strip()
            assert len(source.offsets) == len(source.text)
            assert all(0 <= o < max(1, len(source.raw_text)) for o in source.offsets)
            sid, _ = store.add_source(source)
            back = store.get_source(sid)
            assert back.sha256 == source.sha256
    except Exception as exc:
        failure = f"{exc.__class__.__name__}: {exc} on {raw[:300]!r}"
        raise
    finally:
        tally(name, time.monotonic() - started, failure, raw)


@FUZZ
@given(raw=any_bytes, suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl", ".json", ".rss", ".xyz"]))
def test_any_bytes_under_any_name(workdir, raw, suffix):
    folder, store = workdir
    check_inputs(store, folder / f"input{suffix}", raw, "bytes under any name")


@FUZZ
@given(raw=jsonl_bytes())
def test_json_lines_and_json(workdir, raw):
    folder, store = workdir
    check_inputs(store, folder / "batch.jsonl", raw, "json lines")
    check_inputs(store, folder / "batch.json", raw, "json")
    items = list(read_jsonl(raw, "mem.jsonl"))
    assert all(isinstance(i, (RawInput, InputError)) for i in items)


@FUZZ
@given(raw=html_bytes())
def test_html_pages(workdir, raw):
    folder, store = workdir
    check_inputs(store, folder / "page.html", raw, "html")


@FUZZ
@given(raw=feed_bytes())
def test_feeds(workdir, raw):
    folder, store = workdir
    check_inputs(store, folder / "feed.rss", raw, "feeds")


@FUZZ
@given(text=plain_text, kind=st.sampled_from([".txt", ".md"]))
def test_text_and_markdown(workdir, text, kind):
    folder, store = workdir
    check_inputs(store, folder / f"note{kind}", text.encode("utf-8"), "text and markdown")


# ---------------------------------------------------------------- extractors (read-only)

EXTRACT = settings(FUZZ, max_examples=max(10, EXAMPLES // 5))


@pytest.mark.slow
@EXTRACT
@given(text=text_odd.filter(lambda t: t.strip()), language=st.sampled_from(["en", "en", "en", "fr", "de"]))
def test_extractors_on_fuzzed_text(text, language):
    from sitroom.extract.document import extract_document

    if "extractors" not in STATS:  # load the models before the first timed example
        for lang in ("en", "fr", "de"):
            extract_document("Warm-up in Paris on Monday.", None, None, language=lang)
    clean = clean_text(text).text
    if not clean.strip():
        return
    started = time.monotonic()
    failure = None
    try:
        facts = extract_document(clean, None, None, language=language)
        failure = "; ".join(f"{f.extractor}: {f.error} at {f.where}" for f in facts.failures) or None
        assert facts.failures == [], failure
        for kind in ("places", "dates", "figures", "quotes", "entities", "events"):
            for f in getattr(facts, kind):
                assert 0 <= f.start <= f.end <= len(clean), (kind, f)
    except Exception as exc:
        failure = failure or f"{exc.__class__.__name__}: {exc}"
        failure += f" on {clean[:300]!r} ({language})"
        raise
    finally:
        tally("extractors", time.monotonic() - started, failure, (clean, language))
