"""Numbers in the text of a language other than English, with their offsets.

The English figure reader finds its numbers with patterns over English number words
(extract/figures.py); the other languages share this reader, whose words all come from
the lexicons (data/lexicons/figure_number_words.tsv, figure_function_words.tsv,
figure_vague.tsv, with their ``lang``):

- digits, with the language's ways of grouping thousands ("2 000", "12.500", "12,500") and
  decimals before a scale word ("1,5 millions"); Eastern Arabic digits are read through
  ``nlp.fold_digits`` (same length: offsets kept);
- a digit scale after digits ("40 тысяч", "7 آلاف", "2 Millionen"), and what is joined to
  it ("36 ألفا و183" is 36,183);
- number words: text2num reads French, Spanish and German ("vingt-sept", "treinta y
  cinco", "dreiundzwanzig"); Russian, Ukrainian and Arabic are read from the table's
  units, tens, hundreds and scales, by lemma ("пятерых" -> пятеро, "двадцяти" -> двадцять)
  or by form without vowel marks and proclitics ("وعشرين" -> عشرين);
- a bare scale word ("тысячи", "آلاف", "Hunderte") is a vague amount, not a number, and so
  is a word the table marks vague by itself ("miles de personas").

``words(text, start, end, lang)`` cuts a stretch of text into words (numbers, letters,
punctuation) with offsets; ``numbers(words, lang)`` finds the numbers among them.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from text_to_num import text2num

from sitroom.extract import lexicon
from sitroom.extract.nlp import fold_apostrophes, fold_digits, lemma_candidates

# languages whose number words text2num reads (the others use the table's values)
TEXT2NUM = frozenset({"fr", "es", "de"})
# a letter, or a combining mark on one (Arabic vowel marks and tatweel, accents)
_LETTER = "(?:[^\\W\\d_]|[\u0300-\u036f\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640])"
_AR_MARKS = re.compile("[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_digits(self) -> bool:
        return self.text[:1].isdigit()

    @property
    def is_alpha(self) -> bool:
        return self.text[:1].isalpha()


@dataclass(frozen=True)
class Number:
    first: int          # index of its first word
    last: int           # index of its last word
    start: int          # characters in the text
    end: int
    value: int
    digits: bool        # written with digits (else words)
    scale: int          # the scale word after the digits ("7 тисяч": 1000), else 1
    collective: bool = False  # "сотні", "десяток": a count only after a qualifier ("близько сотні")


@functools.lru_cache(maxsize=None)
def function_words(role: str, lang: str) -> frozenset[str]:
    return lexicon.terms("figure_function_words", lang, role=role)


@functools.lru_cache(maxsize=None)
def _word_re(lang: str) -> re.Pattern:
    elision = sorted(function_words("elision", lang), key=len, reverse=True)
    el = "|".join(re.escape(e).replace("'", "['’]") for e in elision)
    return re.compile((r"(?:" + el + r")(?=[^\W\d_])|" if el else "")
                      + r"\d+(?:[.,]\d+)*|L+(?:['’ʼ]L+)*(?:-L+)*|[^\w\s]".replace("L", _LETTER), re.I)


def words(text: str, start: int, end: int, lang: str) -> list[Word]:
    """The words of text[start:end], digits read after ``fold_digits`` (offsets kept)."""
    folded = fold_digits(text[start:end])
    out = []
    for m in _word_re(lang).finditer(folded):
        w = m.group(0)
        if folded[m.end():m.end() + 1] == "." and _abbreviation(w + ".", lang):
            w += "."  # an abbreviated scale ("тыс.", "Mio."), not a full stop
        elif out and out[-1].end > start + m.start():
            continue  # the full stop of an abbreviation already read
        out.append(Word(start + m.start(), start + m.start() + len(w), w))
    return out


@functools.lru_cache(maxsize=None)
def _abbreviations(lang: str) -> frozenset[str]:
    return frozenset(t for t in _scales(lang) if t.endswith("."))


def _abbreviation(w: str, lang: str) -> bool:
    return w.lower() in _abbreviations(lang)


# ---------------------------------------------------------------- the table


@functools.lru_cache(maxsize=None)
def _table(lang: str) -> dict[str, tuple[int, str]]:
    """form or lemma -> (value, kind) of the language's number words (not digit scales)."""
    out: dict[str, tuple[int, str]] = {}
    for r in lexicon.rows("figure_number_words", lang):
        if r.kind in ("unit", "ten", "hundred", "scale", "collective") and r.value:
            out.setdefault(fold_apostrophes(r.term.lower()), (int(r.value), r.kind))
    return out


@functools.lru_cache(maxsize=None)
def _scales(lang: str) -> dict[str, int]:
    """Scale words after digits ("тыс.", "Millionen", "آلاف") -> value."""
    return {fold_apostrophes(r.term.lower()): int(r.value) for r in lexicon.rows("figure_number_words", lang)
            if r.kind == "digit_scale" and r.value}


@functools.lru_cache(maxsize=None)
def _vague_self(lang: str) -> frozenset[str]:
    return lexicon.terms("figure_vague", lang, position="self")


@functools.lru_cache(maxsize=100_000)
def forms(word: str, lang: str) -> tuple[str, ...]:
    """The ways a word may be looked up: the lower-cased form (typographic apostrophes and
    Arabic vowel marks taken off), then its lemma candidates (nlp.lemma_candidates)."""
    low = fold_apostrophes(word.lower())
    if lang == "ar":
        low = _AR_MARKS.sub("", low)
    return tuple(dict.fromkeys((low, *(fold_apostrophes(c) for c in lemma_candidates(word, lang)))))


@functools.lru_cache(maxsize=100_000)
def word_value(word: str, lang: str) -> tuple[int, str] | None:
    """(value, kind) of one number word; kind is unit, ten, hundred or scale."""
    if not word[:1].isalpha():
        return None
    low = word.lower()
    if low in _vague_self(lang):
        return None
    if lang in TEXT2NUM:
        if low in function_words("number_joiner", lang):
            return None
        try:
            n = text2num(low, lang)
        except ValueError:
            return None
        return (n, "scale" if n >= 1000 and n in (1000, 10**6, 10**9) else "unit")
    table = _table(lang)
    for f in forms(word, lang):
        if f in table:
            return table[f]
    return None


def scale_of(word: str, lang: str) -> int | None:
    s = _scales(lang)
    for f in forms(word, lang):
        if f in s:
            return s[f]
    return None


def _joined(w: Word, lang: str) -> bool:
    return w.low in function_words("number_joiner", lang)


def _digits_value(s: str, decimal_ok: bool) -> float | None:
    """"2000", "12.500", "12,500" -> int; "1,5" / "2.5" -> float (only before a scale)."""
    if re.fullmatch(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*", s):
        return int(re.sub(r"\D", "", s))
    if re.fullmatch(r"\d+", s):
        return int(s)
    if decimal_ok and re.fullmatch(r"\d+[.,]\d{1,3}", s):
        return float(s.replace(",", "."))
    return None


_GROUP_GAP = frozenset(" \u00a0\u202f\u2009")


def numbers(ws: list[Word], text: str, lang: str) -> list[Number]:
    """The numbers among ``ws`` (words of ``text``), in order, none overlapping."""
    out: list[Number] = []
    i = 0
    while i < len(ws):
        n = _digits_at(ws, i, text, lang) if ws[i].is_digits else _words_at(ws, i, lang) if ws[i].is_alpha else None
        if n is None:
            i += 1
            continue
        out.append(n)
        i = n.last + 1
    return out


def _digits_at(ws: list[Word], i: int, text: str, lang: str) -> Number | None:
    w = ws[i]
    j = i
    raw = w.text
    # "2 000", "62 000 000": groups of three digits after one space
    while j + 1 < len(ws) and re.fullmatch(r"\d{3}", ws[j + 1].text) and re.fullmatch(r"\d{1,3}", ws[i].text) \
            and ws[j + 1].start - ws[j].end == 1 and text[ws[j].end] in _GROUP_GAP:
        j += 1
        raw += ws[j].text
    scale = scale_of(ws[j + 1].text, lang) if j + 1 < len(ws) and ws[j + 1].is_alpha else None
    value = _digits_value(raw, decimal_ok=scale is not None)
    if value is None:
        return None
    if scale:
        j += 1
        value = value * scale
        # "36 ألفا و183", "7 آلاف و455": what is joined after the scale adds to it
        k = j + 1
        if k < len(ws) and _joined(ws[k], lang) and k + 1 < len(ws) and ws[k + 1].is_digits \
                and ws[k + 1].start == ws[k].end and int(value) % scale == 0:
            rest = _digits_value(ws[k + 1].text, False)
            if rest is not None and rest < scale:
                value, j = value + rest, k + 1
        elif k < len(ws) and ws[k].is_digits and ws[k].start - ws[j].end == 1 and \
                (rest := _digits_value(ws[k].text, False)) is not None and rest < scale and lang not in TEXT2NUM:
            value, j = value + rest, k  # "3 тысячи 500"
    return Number(i, j, w.start, ws[j].end, int(round(value)), True, scale or 1)


def _words_at(ws: list[Word], i: int, lang: str) -> Number | None:
    first = word_value(ws[i].text, lang)
    if first is None:
        # Arabic "وعشرين" alone: a joined number word only continues a number
        return None
    j = i
    parts = [(ws[i].text, first)]
    k = i + 1
    while k < len(ws):
        if ws[k].start - ws[k - 1].end > 1 and ws[k].text != "-":
            break
        if ws[k].text == "-" and k + 1 < len(ws) and word_value(ws[k + 1].text, lang):
            k += 1
            continue
        if _joined(ws[k], lang) and k + 1 < len(ws) and word_value(ws[k + 1].text, lang):
            k += 1
            continue
        v = word_value(ws[k].text, lang)
        if v is None:
            break
        parts.append((ws[k].text, v))
        j = k
        k += 1
    if any(kind == "collective" for _, (_, kind) in parts):
        if len(parts) > 1:
            return None
        return Number(i, i, ws[i].start, ws[i].end, parts[0][1][0], False, 1, True)
    value = _phrase_value(parts, ws[i:j + 1], lang)
    if value is None:
        return None
    return Number(i, j, ws[i].start, ws[j].end, value, False, 1)


def _phrase_value(parts: list[tuple[str, tuple[int, str]]], span: list[Word], lang: str) -> int | None:
    if parts[0][1][1] == "scale" and lang not in TEXT2NUM:
        return None  # "тысячи людей", "آلاف": a scale with no count before it is vague
    if lang in TEXT2NUM:
        phrase = " ".join(w.text.lower() for w in span if w.text != "-")
        try:
            return text2num(phrase, lang)
        except ValueError:
            return parts[0][1][0] if len(parts) == 1 else None
    total = current = 0
    for _, (v, kind) in parts:
        if kind == "scale":
            total += max(current, 1) * v
            current = 0
        else:
            current += v
    return total + current
