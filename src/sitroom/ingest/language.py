"""Which language a source is in (ISO 639-1), offline and deterministic.

lingua (``lingua-language-detector``: n-gram models inside its wheel, no downloads)
restricted to the languages sitroom reads and to the ones most often beside them in
crisis reporting, so that a text in a language we do not read is named ("Armenian",
"Persian", "Bulgarian") instead of being taken for its nearest read neighbour (Persian
for Arabic, Bulgarian for Russian). Far better than langdetect on headlines and one-line
reports. A check on the letters that only one of the East Slavic alphabets has settles
Russian against Ukrainian where the models hesitate. What each language gets read for
is the registry in extract/document.py (``READ``).
"""
from __future__ import annotations

import functools
import re

MIN_LETTERS = 20          # below this, any answer is a guess: "und"
MIN_CONFIDENCE = 0.35     # lingua's relative confidence of the best language
SAMPLE_CHARS = 3000       # enough for a stable answer; long reports need not be read whole

_URLS = re.compile(r"https?://\S+|www\.\S+|\S+@\S+")

# the languages we read, and those that share their scripts and are often beside them in
# crisis reporting (so that they are named, not misread); languages with a script of their
# own are told by the script alone
READ_LANGS = ("en", "fr", "de", "es", "it", "pt", "pl", "nl", "tr", "ro", "ru", "uk", "ar")
NEIGHBOUR_LANGS = ("az", "sw", "so", "id", "hr", "cs", "hu",    # Latin script
                   "be", "bg", "sr", "mk", "kk",                # Cyrillic
                   "fa", "ur",                                  # Arabic script
                   "hy", "ka", "he", "el", "hi", "bn", "zh", "ja", "ko", "th")

# Letters of one alphabet and not the other (lower case; text is lower-cased first).
_UK_ONLY = set("їєґі")     # і is also Belarusian, which has ў
_RU_ONLY = set("ыэё")      # ы and э are also Belarusian
_CYRILLIC_LANGS = {"ru", "uk", "bg", "mk", "be", "sr", "kk"}

_NAMES = {"und": "an undetermined language"}


@functools.lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in READ_LANGS + NEIGHBOUR_LANGS]
    return LanguageDetectorBuilder.from_languages(*langs).build()


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``'s language ("en", "ru", "uk", "hy", ...), or "und"."""
    sample = _URLS.sub(" ", text[:SAMPLE_CHARS])
    if not _has_letters(sample, MIN_LETTERS):
        return "und"
    values = _detector().compute_language_confidence_values(sample)
    if not values or values[0].value < MIN_CONFIDENCE:
        return "und"
    lang = values[0].language.iso_code_639_1.name.lower()
    return _east_slavic(sample, lang) if lang in _CYRILLIC_LANGS else lang


def _has_letters(text: str, n: int) -> bool:
    """Whether ``text`` holds at least ``n`` letters (read only as far as the n-th)."""
    for c in text:
        if c.isalpha():
            n -= 1
            if n <= 0:
                return True
    return n <= 0


def language_name(code: str | None) -> str:
    """The English name of an ISO 639-1 code ("hy" -> "Armenian"); the code itself when
    it is not one lingua knows."""
    code = (code or "und").lower()
    if code in _NAMES:
        return _NAMES[code]
    try:
        from lingua import IsoCode639_1, Language

        return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())).name.title()
    except (AttributeError, ValueError, ImportError):
        return code


def _east_slavic(sample: str, lang: str) -> str:
    """Correct a ru/uk (or Bulgarian/Macedonian) guess from alphabet-specific letters."""
    low = sample.lower()
    if "ў" in low:
        return lang  # Belarusian: has both і and ы; leave it to the n-grams
    uk = sum(low.count(c) for c in _UK_ONLY)
    ru = sum(low.count(c) for c in _RU_ONLY)
    # Bulgarian and Macedonian have none of these letters: one is enough to overrule them.
    # Between Russian and Ukrainian a quoted name ("Харків" in Russian text) adds one, so
    # it takes two, and none of the other alphabet's own letters.
    if lang in {"bg", "mk"}:
        if uk and not ru:
            return "uk"
        if ru and not uk:
            return "ru"
    elif lang == "ru" and uk >= 2 and not ru:
        return "uk"
    elif lang == "uk" and ru >= 2 and not uk:
        return "ru"
    return lang
