"""Run the registered extractors over one document, in order.

A new extractor is one module with ``extract(ctx: DocContext) -> list[Fact]`` and one
line in ``EXTRACTORS``. Later extractors may read what earlier ones put on the context
(figures read dates and entities; quotes read entities).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sitroom.extract import dates, entities, events, figures, places, quotes
from sitroom.extract.context import DocContext
from sitroom.extract.nlp import english
from sitroom.models import DocumentFacts

# (context attribute, extractor): run in this order
EXTRACTORS: list[tuple[str, Callable[[DocContext], list]]] = [
    ("places", places.extract),
    ("entities", entities.extract),
    ("dates", dates.extract),
    ("figures", figures.extract),
    ("quotes", quotes.extract),
    ("events", events.extract),
]


def parse(text: str, published: date | None, title: str | None = None,
          language: str = "en") -> DocContext:
    return DocContext(text=text, doc=english()(text), published=published,
                      language=language, title=title)


def extract_document(text: str, published: date | None, title: str | None = None,
                     language: str = "en", ctx: DocContext | None = None) -> DocumentFacts:
    """All facts of one clean English text. ``ctx`` lets a caller reuse a parse."""
    ctx = ctx or parse(text, published, title, language)
    for attr, fn in EXTRACTORS:
        setattr(ctx, attr, fn(ctx))
    return DocumentFacts(language=language, entities=ctx.entities, places=ctx.places,
                         dates=ctx.dates, figures=ctx.figures, quotes=ctx.quotes,
                         events=ctx.events)
