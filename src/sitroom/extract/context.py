"""What every extractor receives: one parsed document and the facts found so far.

Bounded work: the context carries the document's deadline (``check()`` raises
``TimeBudgetExceeded`` once it has passed; extractors call it in their loops) and
indexes that answer "which sentence holds this offset", "which facts start in this
span" and "which facts cover this offset" without a scan of the document per question.
"""
from __future__ import annotations

import re
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Span, Token

from sitroom.models import Entity, EventMention, Figure, Place, Quote, TimeExpr

# a page's date label at the head of its text ("date 2024-05-01 ..."), as saved pages and
# excerpts carry it: not a word of the report (not a place, not part of a quotation)
PAGE_DATE_LABEL = re.compile(r"\A\s*date\s+(?P<y>\d{4})-(?P<m>\d{2})(?:-(?P<d>\d{2}))?\b\s*", re.I)


class Sentence(Span):
    """A sentence of the parse whose tokens are made once: spaCy makes a new ``Token`` for
    each token on each walk over a ``Span`` (about 0.2 us), and the extractors walk every
    sentence many times. Otherwise a ``Span``."""

    def __iter__(self):
        tokens = self.__dict__.get("_tokens")
        if tokens is None:
            tokens = self.__dict__["_tokens"] = list(Span.__iter__(self))
        return iter(tokens)


class TimeBudgetExceeded(BaseException):
    """A document took longer than its time budget. A ``BaseException`` (as asyncio's
    cancellation is), so that no extractor's ``except Exception`` swallows it: it stops
    the whole document, which the pipeline marks failed with the reason ``time_budget``."""

    reason = "time_budget"

    def __init__(self, budget: float | None, where: str = ""):
        self.budget, self.where = budget, where
        limit = f"{budget:g} s" if budget is not None else "its time budget"
        super().__init__(f"extraction took longer than {limit}" + (f" (stopped in {where})" if where else ""))


@dataclass
class DocContext:
    text: str                      # clean text
    doc: Doc                       # spaCy parse of ``text`` (offsets are the same)
    published: date | None         # anchor for relative dates
    language: str = "en"
    title: str | None = None
    # filled in extractor order (see extract/document.py): later ones may read earlier ones
    entities: list[Entity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    dates: list[TimeExpr] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[EventMention] = field(default_factory=list)
    # time.monotonic() after which check() raises; None: no limit
    deadline: float | None = None
    budget: float | None = None    # the budget in seconds the deadline was set from (for messages)
    stage: str = ""                # the extractor running now (for messages)
    # True when ``published`` is not the report's date but the day its own text supplies
    # (dates.anchor_from_text): a weekday then goes to the nearest such day, either side
    anchor_estimated: bool = False
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    # ---------------------------------------------------------------- the time budget

    def check(self) -> None:
        """Raise ``TimeBudgetExceeded`` once the document's deadline has passed. Cheap:
        call it once per loop step over matches, tokens or sentences."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TimeBudgetExceeded(self.budget, self.stage)

    # ---------------------------------------------------------------- sentences

    def sentences(self) -> list[Span]:
        """The sentences of the parse, in order (computed once)."""
        got = self._cache.get("sents")
        if got is None:
            toks = self.tokens()
            sents = []
            for s in self.doc.sents:
                sent = Sentence(self.doc, s.start, s.end)
                sent.__dict__["_tokens"] = toks[s.start:s.end]
                sents.append(sent)
            got = self._cache["sents"] = (sents, [s.start for s in sents], [s.start_char for s in sents])
        return got[0]

    def tokens(self) -> list[Token]:
        """The document's tokens, made once (see ``Sentence``); a sentence's are the same
        objects."""
        got = self._cache.get("tokens")
        if got is None:
            got = self._cache["tokens"] = list(self.doc)
        return got

    def sentence_of(self, start: int, end: int | None = None) -> Span:
        """The spaCy sentence containing char ``start`` (for an offset between two
        sentences, the one before it)."""
        self.sentences()
        sents, tok_starts, char_starts = self._cache["sents"]
        if not sents:
            return self.doc[:]
        tok = self.doc.char_span(start, end or start + 1, alignment_mode="expand")
        if tok is not None and len(tok) > 0:
            return sents[max(0, bisect_right(tok_starts, tok[0].i) - 1)]
        return sents[max(0, bisect_right(char_starts, start) - 1)]

    def sentence_text(self, sent: Span) -> str:
        """``sent.text.strip()``, computed once per sentence (every fact stores its sentence)."""
        texts = self._cache.setdefault("sent_text", {})
        key = (sent.start, sent.end)
        got = texts.get(key)
        if got is None:
            got = texts[key] = sent.text.strip()
        return got

    # ---------------------------------------------------------------- named entities

    def ent_covering(self, start: int, end: int):
        """The spaCy entity (``doc.ents``, which never overlap) whose characters hold
        [start, end), or None."""
        ents, starts, _ = self._ents()
        i = bisect_right(starts, start) - 1
        if i >= 0 and end <= ents[i].end_char:
            return ents[i]
        return None

    def ents_ending_at(self, char: int) -> list:
        """The spaCy entities that end at char ``char``."""
        return self._ents()[2].get(char, [])

    def ents_starting_at(self, char: int) -> list:
        ents, starts, _ = self._ents()
        i = bisect_left(starts, char)
        return [e for e in ents[i:i + 1] if e.start_char == char]

    def _ents(self):
        got = self._cache.get("ents")
        if got is None:
            ents = list(self.doc.ents)
            by_end: dict[int, list] = {}
            for e in ents:
                by_end.setdefault(e.end_char, []).append(e)
            got = self._cache["ents"] = (ents, [e.start_char for e in ents], by_end)
        return got

    # ---------------------------------------------------------------- facts by offset

    def _by_start(self, kind: str) -> tuple[list, list[int], int]:
        facts = getattr(self, kind)
        got = self._cache.get(kind)
        if got is None or got[0][0] is not facts or got[0][1] != len(facts):  # a new or grown list
            order = sorted(range(len(facts)), key=lambda i: facts[i].start)
            longest = max((f.end - f.start for f in facts), default=0)
            got = self._cache[kind] = ((facts, len(facts)), [facts[i] for i in order], [facts[i].start for i in order],
                                       order, longest)
        _, ordered, starts, order, longest = got
        return ordered, starts, longest

    def facts_in(self, kind: str, start: int, end: int) -> list:
        """The facts of ``kind`` ("places", "dates", "figures", ...) that start in
        [start, end), in the order of the context's list: ``[f for f in ctx.<kind> if
        start <= f.start < end]`` without a scan of the list."""
        ordered, starts, _ = self._by_start(kind)
        a, b = bisect_left(starts, start), bisect_left(starts, end)
        if b - a <= 1:
            return ordered[a:b]
        order = self._cache[kind][3]
        return [ordered[i] for i in sorted(range(a, b), key=lambda i: order[i])]

    def facts_at(self, kind: str, pos: int) -> list:
        """The facts of ``kind`` that cover char ``pos`` (start <= pos < end), in the
        order of the context's list."""
        ordered, starts, longest = self._by_start(kind)
        a, b = bisect_left(starts, pos - longest), bisect_right(starts, pos)
        hits = [i for i in range(a, b) if pos < ordered[i].end]
        if len(hits) > 1:
            order = self._cache[kind][3]
            hits.sort(key=lambda i: order[i])
        return [ordered[i] for i in hits]
