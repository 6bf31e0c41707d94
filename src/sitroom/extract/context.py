"""What every extractor receives: one parsed document and the facts found so far."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Span

from sitroom.models import Entity, EventMention, Figure, Place, Quote, TimeExpr


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

    def sentence_of(self, start: int, end: int | None = None) -> Span:
        """The spaCy sentence containing char ``start``."""
        tok = self.doc.char_span(start, end or start + 1, alignment_mode="expand")
        if tok is None or len(tok) == 0:
            for sent in self.doc.sents:
                if sent.start_char <= start < sent.end_char:
                    return sent
            return self.doc[:]
        return tok[0].sent
