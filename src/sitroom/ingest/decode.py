"""Bytes to text: BOMs, UTF-8, the declared charset, then detection; binary is refused.

Every reader goes through :func:`decode_bytes`, so a PNG renamed ``.txt`` or a file in
an old code page gives the same clear answer wherever it comes in.
"""
from __future__ import annotations

import codecs
import re

from charset_normalizer import CharsetMatch, from_bytes

# longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]

# When detection finds several encodings equally plausible (short texts), the ones the
# web actually uses win over exotic code pages that happen to decode the same bytes.
_PREFERRED = ["utf_8", "cp1252", "cp1251", "cp1250", "iso8859_15", "latin_1", "koi8_r", "koi8_u", "cp1253",
              "cp1254", "cp1256", "cp1255", "cp1257", "iso8859_2", "iso8859_5", "gb18030", "gbk", "big5",
              "shift_jis", "euc_jp", "euc_kr"]
_PREFERRED = [codecs.lookup(name).name for name in _PREFERRED]  # as _codec() names them

_CHARSET_IN_MARKUP = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE)

NOT_TEXT = "cannot decode: not UTF-8 and no reliable encoding detected"
BINARY = "cannot decode: binary data, not text"


def _codec(name: str | None) -> str | None:
    """Python's name for a charset label, or None for a label Python doesn't know."""
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def _looks_binary(text: str) -> bool:
    # control characters (NUL above all) and replacement marks do not occur in real prose
    if not text:
        return False
    bad = sum(1 for c in text if (ord(c) < 32 and c not in "\n\r\t\f\v\x1b") or c == "\ufffd")
    return bad / len(text) > 0.01


def declared_in_markup(raw: bytes) -> str | None:
    """The charset an HTML ``<meta>`` or an XML declaration names in the first 4 KB."""
    m = _CHARSET_IN_MARKUP.search(raw[:4096])
    if not m:
        return None
    return (m.group(1) or m.group(2)).decode("ascii", "replace")


def decode_bytes(raw: bytes, origin: str, declared: str | None = None) -> str:
    """Decode ``raw`` (from ``origin``) or raise ValueError saying why it is not text.

    Order: a BOM; UTF-8 when the bytes are valid UTF-8 (a declared Latin-1 on a UTF-8
    page is a common server mistake, and legacy text is almost never valid UTF-8 by
    accident); the ``declared`` charset; then statistical detection.
    """
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                return _checked(raw.decode(enc))
            except UnicodeDecodeError:
                raise ValueError(f"cannot decode: bad {enc.upper()} after a byte-order mark") from None
    codec = _codec(declared)
    candidates = ["utf-8", codec] if codec else ["utf-8"]
    if codec and codec.startswith(("utf-16", "utf-32")):
        candidates.reverse()  # wide encodings: ASCII in them is NUL-laden but valid UTF-8
    for enc in candidates:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if not _looks_binary(text):
            return text
    return _checked(_detect(raw))


def _checked(text: str) -> str:
    if _looks_binary(text):
        raise ValueError(BINARY)
    return text


def _detect(raw: bytes) -> str:
    if b"\x00" in raw[:4096] and not _wide_text(raw):
        raise ValueError(BINARY)  # NUL bytes: binary, unless the text is UTF-16/32
    matches = list(from_bytes(raw))
    if not matches:
        raise ValueError(NOT_TEXT)
    least = min(m.percent_chaos for m in matches)
    if least > 20:
        raise ValueError(NOT_TEXT)

    def rank(m: CharsetMatch) -> tuple[float, int]:
        enc = _codec(m.encoding) or m.encoding
        pref = _PREFERRED.index(enc) if enc in _PREFERRED else len(_PREFERRED)
        return (-m.percent_coherence, pref)

    best = min((m for m in matches if m.percent_chaos <= least + 1.0), key=rank)
    return str(best)


def _wide_text(raw: bytes) -> bool:
    # UTF-16/32 text without a BOM: NULs fall on every other (or 3 of 4) bytes
    head = raw[:4096]
    return head[1::2].count(0) > len(head) * 0.4 or head[0::2].count(0) > len(head) * 0.4
