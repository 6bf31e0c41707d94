"""Lexicons: the word lists the extractors read, kept as data, one TSV file per kind.

``src/sitroom/data/lexicons/<kind>.tsv`` has the columns ``lang``, ``term``, the kind's
own fields and ``source`` (where the row comes from: a package, a standard, "sitroom"
for lists of our own). Lines starting with ``#`` are comments. Another language is added
as rows, not as code: the logic that reads a lexicon is shared across languages.

    >>> from sitroom.extract import lexicon
    >>> "say" in lexicon.terms("speech_verbs")          # a set of terms for English
    True
    >>> lexicon.table("demonyms")["ukrainian"].country  # rows keyed by lower-cased term
    'UA'

Rows are named tuples whose fields are the file's columns, so a lexicon is typed by its
header. Files are read once per process.
"""
from __future__ import annotations

import csv
import functools
import hashlib
from collections import namedtuple
from pathlib import Path
from typing import Any

LEXICON_DIR = Path(__file__).resolve().parent.parent / "data" / "lexicons"


class LexiconError(ValueError):
    pass


def path(kind: str) -> Path:
    return LEXICON_DIR / f"{kind}.tsv"


def kinds() -> list[str]:
    return sorted(p.stem for p in LEXICON_DIR.glob("*.tsv"))


@functools.lru_cache(maxsize=None)
def _load(kind: str) -> tuple[Any, ...]:
    p = path(kind)
    if not p.exists():
        raise LexiconError(f"no lexicon {kind!r} (looked for {p})")
    with p.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if not header or header[:2] != ["lang", "term"] or header[-1] != "source":
        raise LexiconError(f"{p.name}: the header must be lang, term, <fields...>, source (got {header})")
    Row = namedtuple(kind.title().replace("_", "") + "Row", header)  # noqa: PYI024 - typed by the file
    out = []
    for n, cells in enumerate(reader, start=2):
        if len(cells) < len(header):
            cells = cells + [""] * (len(header) - len(cells))
        if len(cells) != len(header):
            raise LexiconError(f"{p.name}: row {n} has {len(cells)} cells, the header {len(header)}")
        out.append(Row(*(c.strip() for c in cells)))
    return tuple(out)


def rows(kind: str, lang: str | None = "en") -> tuple[Any, ...]:
    """Every row of a lexicon for one language (``None``: all languages)."""
    return tuple(r for r in _load(kind) if lang is None or r.lang == lang)


@functools.lru_cache(maxsize=None)
def terms(kind: str, lang: str | None = "en", **where: str) -> frozenset[str]:
    """The lower-cased terms of a lexicon, optionally only rows whose fields equal ``where``."""
    return frozenset(r.term.lower() for r in rows(kind, lang)
                     if all(getattr(r, k) == v for k, v in where.items()))


@functools.lru_cache(maxsize=None)
def table(kind: str, lang: str | None = "en") -> dict[str, Any]:
    """Rows keyed by lower-cased term (the first row wins where a term repeats)."""
    out: dict[str, Any] = {}
    for r in rows(kind, lang):
        out.setdefault(r.term.lower(), r)
    return out


def alternation(kind: str, lang: str | None = "en", **where: str) -> str:
    """A regular-expression alternation of the terms, longest first (for patterns that
    need a word list)."""
    import re

    ts = {r.term for r in rows(kind, lang) if all(getattr(r, k) == v for k, v in where.items())}
    return "|".join(re.escape(t) for t in sorted(ts, key=lambda t: (-len(t), t)))


@functools.lru_cache(maxsize=1)
def digest() -> str:
    """SHA-256 over every lexicon file: part of the method stamp of each fact."""
    h = hashlib.sha256()
    for p in sorted(LEXICON_DIR.glob("*.tsv")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()
