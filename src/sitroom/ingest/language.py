"""Which language a source is in (ISO 639-1), offline and deterministic."""
from __future__ import annotations

from langdetect import DetectorFactory, LangDetectException, detect_langs

DetectorFactory.seed = 0  # langdetect is random by default; the same text must give the same answer
MIN_LETTERS = 20


def detect_language(text: str) -> str:
    sample = text[:5000]
    if sum(c.isalpha() for c in sample) < MIN_LETTERS:
        return "und"
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return "und"
    return best.lang.split("-")[0] if best.prob >= 0.5 else "und"
