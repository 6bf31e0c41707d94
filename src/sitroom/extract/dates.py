"""Placeholder: replaced by the real dates extractor."""
from __future__ import annotations

from sitroom.extract.context import DocContext


def extract(ctx: DocContext) -> list:
    return []
