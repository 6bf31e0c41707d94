"""Run the registered extractors over one document, in order.

A new extractor is one module with ``extract(ctx: DocContext) -> list[Fact]`` and one
line in ``EXTRACTORS``. Later extractors may read what earlier ones put on the context
(figures read dates and entities; quotes read entities; events read them all). A step may
come back to an earlier kind: after the quotes, a number inside a quotation takes its
speaker as who gives it (``figures.speakers_from_quotes``).

Each extractor runs on its own: one that raises is recorded (``DocumentFacts.failures``,
with the extractor's name and the error) and the document keeps every other extractor's
facts; the ones after it read an empty list where its facts would be (a step that comes
back to a kind and raises leaves that kind's facts as they were).

Bounded work per document: a time budget (``time_budget`` seconds, or a ``deadline`` on
``time.monotonic()``) is checked while parsing (between pieces of a long text), before
each extractor and inside the extractors' loops (``DocContext.check``); once it has run
out, ``TimeBudgetExceeded`` stops the document (no partial facts: the pipeline marks the
source failed with the reason ``time_budget``). A clean text longer than ``CHUNK_ABOVE``
characters is read in chunks of about ``CHUNK_CHARS`` (cut at paragraph breaks, else
line breaks, sentence ends, spaces), each parsed and extracted on its own, and the
facts' offsets moved back into the whole text.
"""
from __future__ import annotations

import functools
import time
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sitroom.extract import dates, entities, events, figures, places, quotes
from sitroom.extract import method
from sitroom.extract.context import DocContext, TimeBudgetExceeded  # noqa: F401 - raised through here
from sitroom.extract.nlp import parse_text, parse_texts, pipeline_for, split_text  # noqa: F401 - pipeline_for re-exported
from sitroom.models import DocumentFacts, ExtractorFailure

DEFAULT_TIME_BUDGET = 30.0     # seconds per document (the setting time_budget, analyze --time-budget)
CHUNK_ABOVE = 2_000_000        # a clean text longer than this (characters) is read in chunks
CHUNK_CHARS = 100_000          # of about this many characters
KINDS = ("entities", "places", "dates", "figures", "quotes", "events")

# (context attribute, extractor): run in this order
EXTRACTORS: list[tuple[str, Callable[[DocContext], list]]] = [
    ("places", places.extract),
    ("entities", entities.extract),
    ("dates", dates.extract),
    ("figures", figures.extract),
    ("quotes", quotes.extract),
    ("figures", figures.speakers_from_quotes),   # a number inside a quotation: its speaker gives it
    ("events", events.extract),
]


# The registry of what is read in which language (ISO 639-1): the one place that says it.
# pipeline.EXTRACTED_LANGUAGES, the read level of each source (``sitroom sources``, the run
# summary) and the extractors run below all come from here. A language not listed is
# archived and tagged, not read: nothing is read with another language's rules.
# Places are found in every script by lemma, case and exonym (extract/nlp.py gives the
# lemmas), dates with each language's month and weekday names.
PLACES_AND_DATES = ("places", "dates")
MULTILINGUAL = PLACES_AND_DATES   # the older name of the same tuple
READ: dict[str, tuple[str, ...]] = {
    "en": KINDS,
    # every kind, from each language's rows of the lexicons (number and casualty words, verbs
    # of saying, titles, trigger lemmas) and its pipeline (extract/nlp.py)
    **{lang: KINDS for lang in ("fr", "de", "es", "ru", "uk", "ar")},
    # read with the same shared rules and dateparser's data for them, without lexicon rows of their own yet
    **{lang: PLACES_AND_DATES for lang in ("it", "pt", "pl", "nl", "tr", "ro")},
}
FULL, PLACES_DATES, NONE = "full", "places and dates", "none"


def kinds_for(language: str | None) -> tuple[str, ...]:
    """The kinds of facts extracted from a text in ``language`` (empty: not read)."""
    return READ.get(language or "und", ())


def read_level(language: str | None) -> str:
    """``full``, ``places and dates`` or ``none``: how far a text in ``language`` is read."""
    kinds = set(kinds_for(language))
    if not kinds:
        return NONE
    return FULL if kinds >= set(KINDS) else PLACES_DATES if kinds == set(PLACES_AND_DATES) \
        else ", ".join(k for k in KINDS if k in kinds)


def extracted_languages() -> frozenset[str]:
    """The languages that are read at all."""
    return frozenset(lang for lang, kinds in READ.items() if kinds)


def deadline_for(time_budget: float | None) -> float | None:
    """The ``time.monotonic()`` deadline of a budget in seconds (None or 0: no limit)."""
    return time.monotonic() + time_budget if time_budget else None


@functools.lru_cache(maxsize=None)
def warm_up(language: str = "en") -> None:
    """Load once what extraction in ``language`` loads on first use (the spaCy pipeline,
    the gazetteer, lexicons), so that no document's time budget pays for it."""
    extract_document("Officials said on Monday that three people were killed in Paris, France.", date(2024, 1, 1),
                     language=language)


def parse(text: str, published: date | None, title: str | None = None,
          language: str = "en", *, time_budget: float | None = None,
          deadline: float | None = None) -> DocContext:
    """Parse a clean text (bounded: see extract/nlp.py) into the context the extractors
    read; ``time_budget``/``deadline`` as for ``extract_document``."""
    nlp = pipeline_for(language)
    if deadline is None:
        deadline = deadline_for(time_budget)
    ctx = DocContext(text=text, doc=None, published=published, language=language, title=title,  # type: ignore[arg-type]
                     deadline=deadline, budget=time_budget, stage="parsing")
    ctx.doc = parse_text(nlp, text, ctx.check)
    ctx.check()
    return ctx


def parse_many(texts: list[tuple[str, date | None, str | None]], language: str) -> list[DocContext]:
    """``parse`` over several (text, published, title) of one language, parsed together
    (``nlp.parse_texts``: the same parses, less CPU per text); each context gets its time
    budget when its extraction starts (``extract_document(ctx=...)``). For texts below
    ``CHUNK_ABOVE`` characters (a longer one is read in chunks, on its own)."""
    docs = parse_texts(pipeline_for(language), [t for t, _, _ in texts])
    return [DocContext(text=t, doc=doc, published=published, language=language, title=title)
            for (t, published, title), doc in zip(texts, docs)]


def extract_document(text: str, published: date | None, title: str | None = None,
                     language: str = "en", ctx: DocContext | None = None, *,
                     time_budget: float | None = None, deadline: float | None = None) -> DocumentFacts:
    """All facts of one clean text (the kinds ``READ`` lists for its language).
    ``ctx`` lets a caller reuse a parse. ``time_budget`` (seconds, from now) or
    ``deadline`` (``time.monotonic()``) bound the work: past it, ``TimeBudgetExceeded``
    is raised (None: no limit)."""
    if deadline is None:
        if ctx is None:
            pipeline_for(language)  # a model loads before the clock starts
        deadline = deadline_for(time_budget)
    if ctx is None and len(text) > CHUNK_ABOVE:
        return _extract_in_chunks(text, published, title, language, deadline, time_budget)
    if ctx is None:
        ctx = parse(text, published, title, language, deadline=deadline, time_budget=time_budget)
    elif deadline is not None:
        ctx.deadline, ctx.budget = deadline, time_budget
    stamp = method.current().stamp
    failures: list[ExtractorFailure] = []
    if ctx.published is None:  # relative dates and as-of dates resolve against what the text says
        try:
            ctx.published = dates.anchor_from_text(ctx)
            ctx.anchor_estimated = ctx.published is not None
        except Exception as exc:  # noqa: BLE001 - then they stay unresolved, nothing else is lost
            failures.append(ExtractorFailure(extractor="dates", error=f"{exc.__class__.__name__}: {exc}",
                                             where=_where(exc), method=stamp))
    kinds = kinds_for(language)
    done: set[str] = set()
    for attr, fn in EXTRACTORS:
        if attr in kinds:
            ctx.stage = f"the {attr} extractor"
            ctx.check()
            try:
                setattr(ctx, attr, fn(ctx))
            except Exception as exc:  # noqa: BLE001 - one extractor's bug must not cost the others
                if attr not in done:     # a later step on the same facts keeps what they were
                    setattr(ctx, attr, [])
                failures.append(ExtractorFailure(extractor=attr, error=f"{exc.__class__.__name__}: {exc}",
                                                 where=_where(exc), method=stamp))
            done.add(attr)
    ctx.stage = ""
    return DocumentFacts(language=language, method=stamp, failures=failures, entities=ctx.entities,
                         places=ctx.places, dates=ctx.dates, figures=ctx.figures, quotes=ctx.quotes,
                         events=ctx.events)


def _extract_in_chunks(text: str, published: date | None, title: str | None, language: str,
                       deadline: float | None, time_budget: float | None) -> DocumentFacts:
    """A very long text, chunk by chunk; offsets moved back into the whole text. Each
    extractor failure is recorded once (with the first chunk it failed on)."""
    out = DocumentFacts(language=language, method=method.current().stamp)
    seen_failures: set[str] = set()
    for a, b in split_text(text, CHUNK_CHARS):
        part = extract_document(text[a:b], published, title, language, deadline=deadline, time_budget=time_budget)
        for kind in KINDS:
            facts = getattr(part, kind)
            for f in facts:
                f.start += a
                f.end += a
            getattr(out, kind).extend(facts)
        for f in part.failures:
            if f.extractor not in seen_failures:
                seen_failures.add(f.extractor)
                f.error = f"{f.error} (in the chunk at characters {a}-{b})"
                out.failures.append(f)
    return out


def _where(exc: BaseException) -> str:
    """The innermost frame in sitroom's own code: where to look."""
    here = Path(__file__).resolve().parent.parent
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        p = Path(frame.filename).resolve()
        if here in p.parents:
            return f"{p.relative_to(here).as_posix()}:{frame.lineno} in {frame.name}"
    return ""
