"""Run the registered extractors over one document, in order.

A new extractor is one module with ``extract(ctx: DocContext) -> list[Fact]`` and one
line in ``EXTRACTORS``. Later extractors may read what earlier ones put on the context
(figures read dates and entities; quotes read entities).

Each extractor runs on its own: one that raises is recorded (``DocumentFacts.failures``,
with the extractor's name and the error) and the document keeps every other extractor's
facts; the ones after it read an empty list where its facts would be.
"""
from __future__ import annotations

import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sitroom.extract import dates, entities, events, figures, places, quotes
from sitroom.extract import method
from sitroom.extract.context import DocContext
from sitroom.extract.nlp import english, tokenizer_for
from sitroom.models import DocumentFacts, ExtractorFailure

# (context attribute, extractor): run in this order
EXTRACTORS: list[tuple[str, Callable[[DocContext], list]]] = [
    ("places", places.extract),
    ("entities", entities.extract),
    ("dates", dates.extract),
    ("figures", figures.extract),
    ("quotes", quotes.extract),
    ("events", events.extract),
]


# What runs on languages the English model does not read: the gazetteer finds places by
# their names in Latin and Cyrillic scripts, and dates are read with dateparser's
# multilingual data; figures, quotes and incidents need a parser and wait for one.
MULTILINGUAL = ("places", "dates")


def parse(text: str, published: date | None, title: str | None = None,
          language: str = "en") -> DocContext:
    nlp = english() if language == "en" else tokenizer_for(language)
    return DocContext(text=text, doc=nlp(text), published=published, language=language, title=title)


def extract_document(text: str, published: date | None, title: str | None = None,
                     language: str = "en", ctx: DocContext | None = None) -> DocumentFacts:
    """All facts of one clean text (for other languages than English, places and dates).
    ``ctx`` lets a caller reuse a parse."""
    ctx = ctx or parse(text, published, title, language)
    stamp = method.current().stamp
    failures: list[ExtractorFailure] = []
    for attr, fn in EXTRACTORS:
        if language == "en" or attr in MULTILINGUAL:
            try:
                setattr(ctx, attr, fn(ctx))
            except Exception as exc:  # noqa: BLE001 - one extractor's bug must not cost the others
                setattr(ctx, attr, [])
                failures.append(ExtractorFailure(extractor=attr, error=f"{exc.__class__.__name__}: {exc}",
                                                 where=_where(exc), method=stamp))
    return DocumentFacts(language=language, method=stamp, failures=failures, entities=ctx.entities,
                         places=ctx.places, dates=ctx.dates, figures=ctx.figures, quotes=ctx.quotes,
                         events=ctx.events)


def _where(exc: BaseException) -> str:
    """The innermost frame in sitroom's own code: where to look."""
    here = Path(__file__).resolve().parent.parent
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        p = Path(frame.filename).resolve()
        if here in p.parents:
            return f"{p.relative_to(here).as_posix()}:{frame.lineno} in {frame.name}"
    return ""
