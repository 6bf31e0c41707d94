"""Bytes to text: BOMs, the declared charset, UTF-8, then detection; binary is refused."""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

_BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for c in text if (ord(c) < 32 and c not in "\n\r\t\f") or c == "\ufffd")
    return bad / len(text) > 0.01


def decode_bytes(raw: bytes, origin: str, declared: str | None = None) -> str:
    """Decode ``raw`` or raise ValueError saying why it cannot be read as text."""
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            return raw.decode(enc)
    candidates = [declared] if declared else []
    candidates.append("utf-8")
    for enc in candidates:
        try:
            text = raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if not _looks_binary(text):
            return text
        raise ValueError("binary content, not text")
    best = from_bytes(raw).best()
    if best is None or best.encoding is None or best.percent_chaos > 20:
        raise ValueError("cannot decode: not UTF-8 and no reliable encoding detected")
    text = str(best)
    if _looks_binary(text):
        raise ValueError("binary content, not text")
    return text
