"""Article text and metadata from an HTML page, with trafilatura."""
from __future__ import annotations

from datetime import date

import trafilatura

from sitroom.models import Metadata

MIN_ARTICLE_CHARS = 200


class NotAnArticle(ValueError):
    pass


def article_from_html(html: str, url: str | None = None) -> tuple[str, Metadata]:
    """(text with paragraphs separated by blank lines, metadata) or NotAnArticle."""
    # no deduplicate=True: its cache spans documents and would strip from a second page the
    # paragraphs it shares with a first (wire copy, or the same page fetched again)
    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False, favor_precision=True)
    if not text or len(text) < MIN_ARTICLE_CHARS or text.count(" ") < 30:
        raise NotAnArticle("no article text found (is this a news article page?)")
    doc = trafilatura.extract_metadata(html, default_url=url)
    meta = Metadata(url=url)
    if doc is not None:
        meta.title = doc.title or None
        meta.author = doc.author or None
        meta.outlet = doc.sitename or None
        meta.url = doc.url or url
        if doc.date:
            try:
                meta.published = date.fromisoformat(doc.date[:10])
            except ValueError:
                pass
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    if meta.title and paragraphs and paragraphs[0].strip() != meta.title.strip():
        paragraphs.insert(0, meta.title.strip())  # the headline is part of what the page says
    return "\n\n".join(paragraphs), meta
