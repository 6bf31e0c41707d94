"""What a source is called where it has no title: its URL, else its file's name."""
from __future__ import annotations

from pathlib import PurePath


def shown(title: str | None, origin: str | None, url: str | None = None) -> str:
    """The title, else the URL (the page's, else the origin when it is one), else the name
    of the file it was read from (with its line for a JSON Lines record: "reports.jsonl#3")."""
    if title and title.strip():
        return title.strip()
    if url:
        return url
    origin = origin or ""
    if "://" in origin:
        return origin
    path, sep, line = origin.partition("#")
    name = PurePath(path).name or path
    return f"{name}{sep}{line}" if name else "(untitled)"
