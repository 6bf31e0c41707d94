"""Article text and metadata from an HTML page, with trafilatura.

The page's boilerplate (menus, footers, link lists, comments) is left out; what comes
back is the article as paragraphs separated by blank lines, headline first, with the
title, author, date, site name and URL the page declares. A page without an article
(an index of links, a login wall) is refused with :class:`NotAnArticle`.
"""
from __future__ import annotations

from datetime import date

import trafilatura

from sitroom.ingest.decode import declared_in_markup, decode_bytes
from sitroom.models import Metadata

NOT_AN_ARTICLE = "no article text found (is this a news article page?)"
MIN_ARTICLE_CHARS = 200   # a short news brief is ~400; a caption or teaser is below this
MIN_ARTICLE_WORDS = 30

# Dates from the page's markup only (meta tags, <time>, bylines). htmldate's extensive
# search would otherwise take a date from the body, usually that of an event reported
# in the article rather than the article's own; dates in the text are for metadata.py.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


class NotAnArticle(ValueError):
    """The page has no main text long enough to be a news article."""


def article_from_html(raw: bytes | str, url: str | None = None, *,
                      declared: str | None = None) -> tuple[str, Metadata]:
    """(article text, metadata) of an HTML page; NotAnArticle, or ValueError for bytes
    that are not text. ``declared`` is the charset a server gave for ``raw`` bytes."""
    html = raw if isinstance(raw, str) else decode_bytes(raw, url or "page", declared or declared_in_markup(raw))
    # no deduplicate=True: its cache spans documents and would strip from a second page the
    # paragraphs it shares with a first (wire copy, or the same page fetched again)
    doc = trafilatura.bare_extraction(html, url=url, favor_precision=True, include_comments=False,
                                      include_tables=False, with_metadata=True,
                                      date_extraction_params=_DATE_PARAMS)
    text = (doc.text or "") if doc is not None else ""
    if not _is_article(text):
        raise NotAnArticle(NOT_AN_ARTICLE)
    meta = Metadata(url=url)
    meta.title = _clean(doc.title)
    meta.author = _clean(doc.author)
    meta.outlet = _clean(doc.sitename)
    meta.url = doc.url or url
    meta.published = _iso_date(doc.date)
    paragraphs = [" ".join(p.split()) for p in text.split("\n") if p.strip()]
    if meta.title and paragraphs and paragraphs[0] != " ".join(meta.title.split()):
        paragraphs.insert(0, meta.title)  # the headline is part of what the page says
    return "\n\n".join(paragraphs), meta


def _is_article(text: str) -> bool:
    if len(text) < MIN_ARTICLE_CHARS:
        return False
    # scripts written without spaces (Chinese, Japanese, Thai) have few "words"
    spaced = sum(c.isspace() for c in text) / len(text) > 0.05
    return len(text.split()) >= MIN_ARTICLE_WORDS or not spaced


def _clean(value: str | None) -> str | None:
    value = " ".join(value.split()) if value else ""
    return value or None


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
