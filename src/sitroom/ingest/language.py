"""Which language a source is in (ISO 639-1), offline and deterministic.

langdetect (character n-gram profiles shipped with the package, no downloads) with a
fixed seed, plus a check on the letters that only one of the East Slavic alphabets
has, so that Russian and Ukrainian are told apart even where their n-grams are close.
"""
from __future__ import annotations

import re

from langdetect import DetectorFactory, LangDetectException, detect_langs

DetectorFactory.seed = 0  # langdetect samples at random; the same text must give the same answer

MIN_LETTERS = 20          # below this, any answer is a guess: "und"
MIN_CONFIDENCE = 0.5
SAMPLE_CHARS = 5000       # enough for a stable answer; long reports need not be read whole

_URLS = re.compile(r"https?://\S+|www\.\S+|\S+@\S+")

# Letters of one alphabet and not the other (lower case; text is lower-cased first).
_UK_ONLY = set("їєґі")     # і is also Belarusian, which has ў
_RU_ONLY = set("ыэё")      # ы and э are also Belarusian
_CYRILLIC_LANGS = {"ru", "uk", "bg", "mk", "be", "sr"}


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``'s language ("en", "ru", "uk", ...), or "und"."""
    sample = _URLS.sub(" ", text[:SAMPLE_CHARS])
    if sum(c.isalpha() for c in sample) < MIN_LETTERS:
        return "und"
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return "und"
    if best.prob < MIN_CONFIDENCE:
        return "und"
    lang = best.lang.split("-")[0]  # "zh-cn" -> "zh"
    return _east_slavic(sample, lang) if lang in _CYRILLIC_LANGS else lang


def _east_slavic(sample: str, lang: str) -> str:
    """Correct a ru/uk (or Bulgarian/Macedonian) guess from alphabet-specific letters."""
    low = sample.lower()
    if "ў" in low:
        return lang  # Belarusian: has both і and ы; leave it to the n-grams
    uk = sum(low.count(c) for c in _UK_ONLY)
    ru = sum(low.count(c) for c in _RU_ONLY)
    # Bulgarian and Macedonian have none of these letters: one is enough to overrule them.
    # Between Russian and Ukrainian a quoted name ("Київ" in Russian text) adds one, so
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
