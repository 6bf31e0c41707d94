"""Counts of people killed, injured, missing, displaced, arrived, evacuated, detained,
affected, and populations, read over the dependency parse.

quantulum3 finds numbers but never links a count to people or to what happened to them
(see notes/dependencies), so this is our own. Number words are read by text2num (right for
en, fr, es, de); what it does not read stays ours: "a dozen", "half a million", "a
quarter of a million", "a hundred", and the refusal of vague amounts ("a few hundred").
Every word list is a lexicon (data/lexicons/figure_*.tsv, and the shared speech_verbs,
titles and demonyms tables), so another language is added as rows; the patterns around
a number (qualifiers, vague amounts, units, "according to") form the rule table
``figures.<lang>``, built from those lexicons.

1. find each number in the text: digits ("41,000", "1.2 million", "1.5m") and number
   words ("five", "forty-two", "a dozen", "two hundred and fifty", "half a million");
   vague amounts ("hundreds", "a few thousand", "tens of thousands", "dozens") are not
   numbers; ages ("69-year-old", "aged 12"), percentages, money, distances, durations,
   years, times, ordinals and numbers inside a date expression are dropped;
2. join ranges: "20-30", "20 to 30", "between 20 and 30", "from 20 to 30", "five or six"
   (value = the low end, as the gold files code it, low/high set, qualifier "range");
   "rose from 20 to 68" is a change, not a range: the figure is 68; "not 200 or 500" (the
   second more than twice the first) are two counts;
3. walk from the number to the noun it counts ("68 people", "five of the dead") and
   require that noun to count people (a lexicon of people nouns, demonyms, NORP
   entities), or the number to stand for people itself ("300 were arrested",
   "killing 12 and wounding 40"), or a tally to govern it ("the death toll rose to
   1,200", "put the number of dead at 48", "a death toll of 57", "injuries stood at 87");
4. the category comes from, in order: words on the counted noun ("displaced
   families", "people killed"), the governing verb/adjective/noun, walking up
   coordination ("killed and 290 injured": the second number takes its own verb; "killed
   five soldiers and three civilians": the second noun takes the shared verb), the
   words just after the number, sub-counts ("including two children", "120 of them")
   inheriting from the count they belong to ("among the 45 dead were 12 children", "the
   27 wounded included four officers"); a resultative takes its predicate ("left 40
   residents wounded": not flight); a place's people with nothing said to happen to them
   are its population ("the territory's 2 million people"), people at a place when
   something happened are ``other`` ("4,000 people were at the station");
5. qualifier from the words before (and just after: "or more", "or so", "-plus") the
   number (figure_qualifiers.tsv). Convention, as the gold files code it: "nearly",
   "almost", "close to", "about", "around", "some", "an estimated" are ``about``;
   "fewer than", "under", "just under" are ``fewer_than``;
6. attribution: "according to X", "X said/told/reported ..." governing the clause
   (subject of a verb of saying above the number, or the sentence's reporting verb; not
   through a background clause: "said ... after a shell killed 9" is the outlet's), and
   for numbers inside a direct quote, the quote's speaker found cheaply from
   "X said: "..."", ""...," X said" patterns (the verbs: the document's own tokens whose
   lemma is a verb of saying). None when the outlet asserts it. After the quotes, a
   number left without a source that lies in a quotation or reported speech takes its
   speaker (``speakers_from_quotes``);
7. as_of: the nearest date expression in the sentence (its end, so "in 2020" is the
   end of 2020, never after the report; "since X" starts a running count and is ignored),
   else the publication date; standing populations have no as_of unless a date is given.
   A toll of the week before the report ("wounded on Tuesday") is a running tally, as of
   the report (the project's annotation convention): the day dates the harm. The day stays
   where it dates the count: a tally's ("the toll rose to 1,200 on Tuesday"), a
   statement's ("said on Tuesday that ..."), an earlier happening's ("had been wounded").
"""
from __future__ import annotations

import functools
import re
from dataclasses import replace
from datetime import date, timedelta
from itertools import islice

from spacy.tokens import Span, Token
from text_to_num import text2num

from sitroom.extract import lexicon
from sitroom.extract.context import DocContext
from sitroom.extract.rules import RuleTable, rule
from sitroom.models import Figure, TimeExpr


# ---------------------------------------------------------------- lexicons

# Every word list is a lexicon of data/lexicons (figure_*.tsv, and the shared
# speech_verbs, titles and demonyms): another language is added as rows.


@functools.lru_cache(maxsize=None)
def _words(role: str, lang: str = "en") -> frozenset[str]:
    """Closed-class words by role (figure_function_words.tsv)."""
    return lexicon.terms("figure_function_words", lang, role=role)


@functools.lru_cache(maxsize=None)
def _categories(lang: str = "en") -> dict[str, tuple[str, str]]:
    """lemma or form -> (category, condition) (figure_categories.tsv)."""
    return {t: (r.category, r.condition) for t, r in lexicon.table("figure_categories", lang).items()}


@functools.lru_cache(maxsize=None)
def _people(lang: str = "en") -> frozenset[str]:
    """Nouns that count people, and the demonyms of the shared table (lower-cased)."""
    return lexicon.terms("figure_people", lang) | lexicon.terms("demonyms", lang)


@functools.lru_cache(maxsize=None)
def _qualifier_words(lang: str = "en") -> frozenset[str]:
    """Every word of a qualifier phrase ("at", "least", "nearly"): not part of a subject."""
    return frozenset(w for r in lexicon.rows("figure_qualifiers", lang) for w in r.term.lower().split())


@functools.lru_cache(maxsize=None)
def _standing_nouns(lang: str = "en") -> frozenset[str]:
    """People nouns a population is counted in ("residents", "people", not "members")."""
    return lexicon.terms("figure_people", lang, standing="yes")


@functools.lru_cache(maxsize=None)
def _tally_nouns(lang: str = "en") -> frozenset[str]:
    return lexicon.terms("figure_tally_nouns", lang, role="tally")


@functools.lru_cache(maxsize=None)
def _quantity_nouns(lang: str = "en") -> frozenset[str]:
    return lexicon.terms("figure_tally_nouns", lang)  # tallies and quantities


@functools.lru_cache(maxsize=None)
def _states(lang: str = "en") -> dict[str, tuple[str, frozenset[str]]]:
    """"in custody" -> detained, "in hospital" -> injured (figure_states.tsv)."""
    return {t: (r.category, frozenset(r.prep.lower().split("/")))
            for t, r in lexicon.table("figure_states", lang).items()}


@functools.lru_cache(maxsize=None)
def _speech(lang: str = "en") -> frozenset[str]:
    """Verbs whose subject gives a number: reporting verbs of speech_verbs.tsv and the
    verbs of counting and recording of figure_source_verbs.tsv."""
    return lexicon.terms("speech_verbs", lang, reporting="yes") | lexicon.terms("figure_source_verbs", lang)


@functools.lru_cache(maxsize=None)
def _speech_through(lang: str = "en") -> frozenset[str]:
    """Source verbs under which the one who speaks may be further up ("said it counted")."""
    return lexicon.terms("figure_source_verbs", lang, through="yes")


@functools.lru_cache(maxsize=None)
def _honorifics(lang: str = "en") -> frozenset[str]:
    return lexicon.terms("titles", lang, type="honorific")


def _alt(terms) -> str:
    """A regular-expression alternation of phrases, longest first, any whitespace between words."""
    return _alt_of(frozenset(terms))


@functools.lru_cache(maxsize=256)
def _alt_of(terms: frozenset[str]) -> str:
    out = []
    for t in sorted(terms, key=lambda t: (-len(t), t)):
        out.append(r"\s+".join(re.escape(w) for w in t.split()))
    return "|".join(out) or r"(?!x)x"


# ---------------------------------------------------------------- numbers

@functools.lru_cache(maxsize=None)
def _number_words(lang: str = "en") -> dict[str, tuple[int | None, str]]:
    """word -> (value, kind) of figure_number_words.tsv (kinds: unit, ten, scale, dozen, half,
    article, joiner, digit_scale)."""
    out: dict[str, tuple[int | None, str]] = {}
    for r in lexicon.rows("figure_number_words", lang):
        out.setdefault((r.term.lower(), r.kind), (int(r.value) if r.value else None, r.kind))
    return out


@functools.lru_cache(maxsize=None)
def _kind_words(lang: str, *kinds: str) -> dict[str, int | None]:
    return {w: v for (w, k), (v, _) in _number_words(lang).items() if k in kinds}


@functools.lru_cache(maxsize=None)
def _num_patterns(lang: str = "en") -> tuple[re.Pattern, re.Pattern]:
    """(a number anywhere, a number right after a range separator)."""
    w = _alt(_kind_words(lang, "unit", "ten", "scale", "dozen"))
    half = _alt(_kind_words(lang, "half"))
    art = _alt(_kind_words(lang, "article"))
    join = _alt(_kind_words(lang, "joiner"))
    scale = _alt(_kind_words(lang, "digit_scale"))
    words = r"(?:" + w + r")(?:(?:\s+|-|\s+(?:" + join + r")\s+)(?:" + w + r"))*"
    num = re.compile(
        # digits: not part of a word, decimal, time ("10:30"), date ("7/10"), model ("Su-25") or id ("#5")
        r"(?<![\w.,:/#№-])(?P<num>\d{1,3}(?:,\d{3})+(?![\d,]*\d)|\d+(?:\.\d+)?)(?![\d:/]|\.\d|,\d|[’']?s\b)"
        r"(?:\s*(?P<scale>" + scale + r")\b)?"
        # words: "forty-two", "two hundred and fifty", "a dozen", "half a million"
        r"|\b(?P<word>(?:(?:" + half + r")\s+)?(?:(?:" + art + r")\s+)?" + words + r")\b", re.IGNORECASE)
    num2 = re.compile(r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(?P<scale>" + scale + r")\b)?"
                      r"|(?P<word>" + words + r")\b", re.IGNORECASE)
    return num, num2


def _words_value(phrase: str, lang: str = "en") -> int | None:
    """Value of a number-word phrase; None when it is vague ("hundred" alone, "a few thousand").

    text2num reads the plain phrases ("two hundred and fifty", "forty-two"); what it does
    not read stays ours: "a"/"an" before a scale ("a hundred", "a million"), "half" ("half a
    million"), "dozen" ("a dozen", "two dozen"), and the refusal of a scale word with no
    count before it ("hundred" in "a few hundred" is not a number)."""
    kinds = _number_words(lang)
    kind = {w: k for (w, k) in kinds}  # one kind per word is enough here
    for (w, k) in kinds:
        if k in ("scale", "dozen", "half", "article", "joiner"):
            kind[w] = k
    words = [w for w in re.split(r"[\s-]+", phrase.lower()) if w]
    half = bool(words) and kind.get(words[0]) == "half"
    if half:
        words = words[1:]
    if words and kind.get(words[0]) == "article":
        if len(words) < 2 or kind.get(words[1]) not in ("scale", "dozen"):
            return None
        words = words[1:]  # "a hundred": the scale word alone is its value
        lead = 1
    elif words and kind.get(words[0]) in ("scale", "dozen"):
        return None  # "hundred" without a count: "a few hundred", "several thousand"
    else:
        lead = None
    if not words:
        return None
    if any(kind.get(w) == "dozen" for w in words):
        dozen = _kind_words(lang, "dozen")
        i = next(i for i, w in enumerate(words) if kind.get(w) == "dozen")
        before = _words_value(" ".join(words[:i]), lang) if i else (lead or 1)
        if before is None or i + 1 < len(words):
            return None  # "a dozen thousand": not a way of writing a count
        n = before * (dozen[words[i]] or 12)
    else:
        try:
            n = text2num(" ".join(words), lang)
        except ValueError:
            return None
    return n // 2 if half else n


def _fraction_before(before: str, value: int, lang: str = "en") -> int | None:
    """"a quarter of a million" is 250,000; "two-thirds of a million" is not read (None)."""
    fractions = _kind_words(lang, "fraction")
    m = re.search(r"(?:^|\W)(?:(?P<one>" + _alt(_kind_words(lang, "article")) + r")\s+)?(?P<f>"
                  + _alt(fractions) + r")s?\s+(?:" + _alt(_words("partitive", lang)) + r")\s*$", before, re.I)
    if not m:
        return value
    if not m.group("one"):
        return None
    return value // (fractions[m.group("f").lower()] or 1)


def _value(m: re.Match, lang: str = "en") -> int | None:
    if m.group("num"):
        raw = m.group("num").replace(",", "")
        n = float(raw)
        if m.group("scale"):
            n *= _kind_words(lang, "digit_scale")[m.group("scale").lower()] or 1
        elif "." in raw:
            return None  # 2.5 without a scale word is not a count of people
        return int(round(n))
    return _words_value(m.group("word"), lang)


# ---------------------------------------------------------------- rule tables


# Examples of the rule tables, one language a dict (each must be matched by its rule).
_EXAMPLES = {"en": {
    "qualifier_before": "The storm killed at least", "qualifier_after": " or more people were hurt.",
    "vague": "The clashes displaced tens of", "unit_after": " per cent of the homes burned.",
    "unit_before": "The boy, aged", "label_before": "The jet, a Su-",
    "according": "Nine were hurt, according to the fire brigade.",
}, "fr": {
    "qualifier_before": "La tempête a tué au moins", "qualifier_after": " ou plus ont été blessés.",
    "vague": "Les combats ont déplacé des centaines de", "unit_after": " pour cent des maisons ont brûlé.",
    "unit_before": "Le garçon, âgé de", "according": "Neuf blessés, selon les pompiers.",
}, "de": {
    "qualifier_before": "Der Sturm tötete mindestens", "qualifier_after": " oder mehr wurden verletzt.",
    "vague": "Die Kämpfe vertrieben Hunderte", "unit_after": " Prozent der Häuser brannten.",
    "unit_before": "Ein Mann im Alter von", "according": "Neun Verletzte, laut der Feuerwehr.",
}, "es": {
    "qualifier_before": "La tormenta mató por lo menos", "qualifier_after": " o más resultaron heridos.",
    "vague": "Los combates desplazaron a cientos de", "unit_after": " por ciento de las casas ardieron.",
    "unit_before": "Un joven de edad", "according": "Nueve heridos, según los bomberos.",
}, "ru": {
    "qualifier_before": "Шторм унёс жизни не менее", "qualifier_after": " с лишним человек ранены.",
    "vague": "Бои вынудили бежать несколько", "unit_after": " процентов домов сгорели.",
    "unit_before": "Мужчина в возрасте", "according": "Девять ранены, по данным спасателей.",
}, "uk": {
    "qualifier_before": "Буря забрала життя щонайменше", "qualifier_after": " з гаком людей поранені.",
    "vague": "Бої змусили тікати кілька", "unit_after": " відсотків будинків згоріли.",
    "unit_before": "Чоловік у віці", "according": "Дев'ятеро поранені, за даними рятувальників.",
}, "ar": {
    "qualifier_before": "قتلت العاصفة ما لا يقل عن", "qualifier_after": " على الأقل من الجرحى.",
    "vague": "شردت المعارك عشرات", "unit_after": " بالمئة من المنازل.",
    "unit_before": "رجل عمره", "according": "أصيب تسعة بحسب الدفاع المدني.",
}}


class _Rules:
    """Handlers of the figure rule tables: each reads one match and says what it means."""

    @staticmethod
    def qualifier(m: re.Match, lang: str = "en") -> str:
        """A qualifier phrase before or after the number -> the schema's qualifier."""
        phrase = re.sub(r"\s+", " ", m.group("q").lower())
        for r in lexicon.rows("figure_qualifiers", lang):
            if r.term.lower() == phrase:
                return r.qualifier
        return "exact"

    @staticmethod
    def vague(m: re.Match, lang: str = "en") -> bool:
        """"tens of", "a few", "several" before a number: a vague amount, not a figure."""
        return True

    @staticmethod
    def unit(m: re.Match, lang: str = "en") -> bool:
        """A unit, currency, label or age beside the number: not a count of people."""
        return True

    @staticmethod
    def according(m: re.Match, lang: str = "en") -> str:
        """"according to the Red Cross" -> "Red Cross"."""
        return _clean_who(m.group("who"), lang)


@functools.lru_cache(maxsize=None)
def _rule_table(lang: str = "en") -> RuleTable:
    """The patterns around a number, built from the language's lexicons; each names the
    _Rules handler that reads its match (tests/test_rules.py checks handlers and examples)."""
    def q(position):
        return _alt(r.term.lower() for r in lexicon.rows("figure_qualifiers", lang) if r.position == position)

    def units(position, joined=None, case=None):
        return _alt(r.term for r in lexicon.rows("figure_units", lang) if r.position == position
                    and (joined is None or r.joined == joined) and (case is None or r.case == case))

    lead = _alt(lexicon.terms("figure_attribution", lang, role="lead"))
    stop = _alt(lexicon.terms("figure_attribution", lang, role="stop"))
    articles = _alt(_words("article", lang))
    ex = _EXAMPLES.get(lang, _EXAMPLES["en"])
    return RuleTable(f"figures.{lang}", _Rules, [r for r in [
        # qualifiers: "at least 12", "nearly 500"; "12 or more", "a dozen or so"
        rule(r"(?:^|(?<=\W))(?P<q>" + q("before") + r")\s*$", "qualifier", ex.get("qualifier_before", ""),
             name="qualifier_before", flags=re.I),
        rule(r"^\s*(?P<q>" + q("after") + r")(?:\b|(?=\W)|$)", "qualifier", ex.get("qualifier_after", ""),
             name="qualifier_after", flags=re.I),
        # vague amounts: "tens of thousands", "a few hundred"
        rule(r"(?:^|(?<=\W))(?:" + _alt(lexicon.terms("figure_vague", lang)) + r")\s*$", "vague",
             ex.get("vague", ""), name="vague_before", flags=re.I),
        # not a count: units after ("20 per cent", "3 km", "300-strong"), labels and ages before
        rule(r"^\s*(?:-?\s*(?:" + units("after", "any") + r")s?(?:\b|(?<=\W))|-\s*(?:" + units("after", "hyphen")
             + r")s?\b)", "unit", ex.get("unit_after", ""), name="unit_after", flags=re.I),
        rule(r"(?:^|(?<=\W))(?:" + units("before", case="any") + r")\s*$", "unit",
             ex.get("unit_before", ""), name="unit_before", flags=re.I),
        rule(r"(?:^|(?<=\W))(?:" + units("before", case="exact") + r")[\s-]*$", "unit",
             ex.get("label_before", ""), name="label_before"),
        # who gives the number: "according to the health ministry"
        rule(r"\b(?:" + lead + r")\s+(?P<who>(?:(?:" + articles + r")\s+)?[^,.;:\"“”()]{2,80}?)"
             r"(?=[,.;:\"“”()]|\s+(?:" + stop + r")\b|\s+and\s+(?:" + articles + r")\s|$)", "according",
             ex.get("according", ""), name="according", flags=re.I),
    ] if lang == "en" or r.example], language=lang)


_RULES = _rule_table("en")
for _lang in _EXAMPLES:
    _rule_table(_lang)  # every language's table registers itself (tests/test_rules.py)
_NEVER = rule(r"(?!x)x", "unit", "-", name="never")


def _rule(name: str, lang: str = "en"):
    return _rules_by_label(lang).get(name, _NEVER)


@functools.lru_cache(maxsize=None)
def _rules_by_label(lang: str = "en") -> dict:
    out: dict = {}
    for r in _rule_table(lang):
        out.setdefault(r.label, r)  # the first rule of a label, as a scan would find it
    return out


_STOCK_CATEGORIES = {"population"}
_HARM = ("population", "killed", "injured", "displaced", "missing", "detained", "evacuated")


# ---------------------------------------------------------------- main loop


def extract(ctx: DocContext) -> list[Figure]:
    lang = ctx.language or "en"
    if lang != "en":
        return _extract_by_words(ctx)  # the other languages: see the section at the end
    out: list[Figure] = []
    text = ctx.text
    num_re = _num_patterns(lang)[0]
    for sent in ctx.sentences():
        ctx.check()
        s0, s1 = sent.start_char, sent.end_char
        stext = text[s0:s1]
        taken_until = -1
        sent_figs: list[Figure] = []
        for m in num_re.finditer(stext):
            ctx.check()
            start, end = s0 + m.start(), s0 + m.end()
            if start < taken_until:
                continue
            value = _value(m, lang)
            if value is not None and m.group("word"):
                value = _fraction_before(text[max(s0, start - 30):start], value, lang)
            if value is None or value <= 0 or value > _MAX_COUNT:
                continue  # nothing, or more people than live on Earth: not a count
            if _not_a_count(ctx, m, start, end, value, s0):
                continue
            low = high = None
            qualifier = None
            first_end = end
            rng = _range_after(ctx, start, end, s0, s1, value)
            if rng and rng[1] > _MAX_COUNT:
                continue
            if rng:
                lo, hi, end, is_change = rng
                if is_change:  # "rose from 20 to 68": the figure is 68
                    start, value = _start_of_last_number(text, first_end, end, lang), hi
                else:  # the gold files' convention: a range's value is its low end
                    low, high, qualifier, value = lo, hi, "range", lo
            first = _token_at(ctx, s0 + m.start(), first_end)
            tok = _token_at(ctx, start, end)
            if tok is None or first is None:
                continue
            if m.group("word") and value == 1 and not _one_counts_people(tok):
                continue
            num_tok = first if qualifier == "range" else tok
            counted = _counted_noun(num_tok)
            category, subject = _category(ctx, num_tok, counted, sent, sent_figs)
            if category is None:
                continue
            if qualifier is None:
                qualifier = _qualifier(text[max(s0, start - 40):start], text[end:min(s1, end + 12)], lang)
            taken_until = end
            fig = Figure(
                start=start if qualifier != "range" else s0 + m.start(), end=end, sentence=ctx.sentence_text(sent),
                value=value, low=low, high=high, qualifier=qualifier, category=category, subject=subject,
                as_of=_as_of(ctx, sent, start, category), attributed_to=_attribution(ctx, sent, tok),
                cue=_cue(text, s0 + m.start(), end, s0, s1))
            sent_figs.append(fig)
        out.extend(sent_figs)
    return out


_MAX_COUNT = 10_000_000_000  # a larger number counts no people (and a store's integers end at 2**63)


def _not_a_count(ctx: DocContext, m: re.Match, start: int, end: int, value: int, s0: int) -> bool:
    text, lang = ctx.text, ctx.language or "en"
    after = text[end:end + 30]
    before = text[max(s0, start - 40):start]
    if _rule("unit_after", lang).pattern.match(after):
        return True
    if _rule("unit_before", lang).pattern.search(before) or _rule("label_before", lang).pattern.search(before):
        return True
    if _rule("vague_before", lang).pattern.search(before) and m.group("word") is None:
        return True
    if m.group("num") and 1800 <= value <= 2100 and "," not in m.group("num") and not m.group("scale"):
        return True  # a year ("2500 families" is not: too late to be a year in news)
    if ctx.facts_at("dates", start):  # inside a date expression
        return True
    # a day of a month the date extractor did not take ("on March 14", "14 March")
    tok = _token_at(ctx, start, end)
    if tok is not None and m.group("num") and value <= 31 and not m.group("scale"):
        near = [ctx.doc[i] for i in (tok.i - 1, tok.i + 1) if 0 <= i < len(ctx.doc)]
        if any(t.ent_type_ == "DATE" and t.lower_ in _months(lang) for t in near) and tok.ent_type_ == "DATE":
            return True
    return False


@functools.lru_cache(maxsize=None)
def _months(lang: str = "en") -> frozenset[str]:
    return _words("month", lang)


def _range_after(ctx: DocContext, start: int, end: int, s0: int, s1: int, value: int):
    """(low, high, new end, is_change) when the number opens a range or a change."""
    text, lang = ctx.text, ctx.language or "en"
    rm = _range_sep_re(lang).match(text[end:end + 8])
    if not rm:
        return None
    sep = rm.group(0).strip().lower()
    m2 = _num_patterns(lang)[1].match(text, end + rm.end())
    if not m2 or end + rm.end() + len(m2.group(0)) > s1:
        return None
    v2 = _value(m2, lang)
    if v2 is None or v2 <= value:
        return None
    before = text[max(s0, start - 30):start].lower()
    scale2 = m2.group("scale")
    scales = _kind_words(lang, "digit_scale")
    if scale2 and not re.match(r"\s*(?:" + _alt(scales) + r")\b", text[end:end + 10], re.I):
        # "2 to 3 million": the scale word after the second number applies to the first
        value *= scales[scale2.lower()] or 1
        if value >= v2:
            return None
    new_end = end + rm.end() + len(m2.group(0))
    lead = re.search(r"(?:^|\W)(" + _alt(_words("range_lead", lang)) + r")\s*$", before)
    and_words, or_words, to_words = (_words(r, lang) for r in ("range_and", "range_or", "range_to"))
    if lead and lead.group(1) in _words("range_from", lang) and sep in to_words:
        return (value, v2, new_end, _is_change(ctx, start))
    if sep in and_words and not lead:
        return None  # "between 20 and 30" is a range; "killed 20 and 30 ..." are two counts
    if sep in or_words:
        if (m2.group("num") is None) != (re.match(r"\d", text[start]) is None):
            return None  # "two or 3": not a written range
        if v2 > 2 * value:
            return None  # "not 200 or 500": two counts set against each other, not one estimate
    if sep in to_words and not re.search(r"(?:^|\W)(?:" + _alt(_words("range_to_lead", lang)) + r")\s*$|"
                                         r"^|[\s,(]$", before):
        return None
    return (value, v2, new_end, False)


@functools.lru_cache(maxsize=None)
def _range_sep_re(lang: str = "en") -> re.Pattern:
    return re.compile(r"\s*(?:" + _alt(_words("range_sep", lang)) + r")\s*", re.I)


def _is_change(ctx: DocContext, start: int) -> bool:
    """"rose from 20 to 68", "the toll was revised from 20 to 68": a verb of change governs
    the "from" just before the number."""
    tok = _token_at(ctx, start, start + 1)
    if tok is None or tok.i == 0:
        return False
    prep = ctx.doc[tok.i - 1]
    changes = _words("change_verb", tok.doc.lang_)
    cands = [prep.head, *[ctx.doc[i] for i in range(max(0, prep.i - 3), prep.i)]]
    return any(c.lemma_.lower() in changes for c in cands)


def _start_of_last_number(text: str, first_end: int, end: int, lang: str = "en") -> int:
    m = _range_sep_re(lang).match(text[first_end:end])
    return first_end + (m.end() if m else 0)


def _token_at(ctx: DocContext, start: int, end: int) -> Token | None:
    span = ctx.doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    # the number's last token (in "41,000" or "1.2 million" the scale word is the head)
    scales = _scale_words(ctx.language or "en")
    nums = [t for t in span if t.like_num or t.pos_ == "NUM" or t.lower_ in scales]
    roots = [t for t in nums if not (span.start <= t.head.i < span.end) or t.head.i == t.i]
    if len(roots) == 1:
        return roots[0]  # the one the rest of the number hangs on ("three" in "three dozen")
    return (nums or list(span))[-1]


@functools.lru_cache(maxsize=None)
def _scale_words(lang: str = "en") -> frozenset[str]:
    return frozenset(_kind_words(lang, "scale", "dozen", "digit_scale"))


def _one_counts_people(tok: Token) -> bool:
    """"one" is a count only in "one person was killed", not in "one of", "no one", "one day"."""
    prev = tok.doc[tok.i - 1] if tok.i > 0 else None
    if prev is not None and prev.lower_ in _words("not_one", tok.doc.lang_):
        return False
    if tok.dep_ == "nummod" and _is_people(tok.head):
        return True
    return False


# ---------------------------------------------------------------- what is counted


def _counted_noun(tok: Token) -> Token | None:
    """The noun a number counts: its head in "68 people", the pobj in "five of the dead"."""
    t = tok
    if t.dep_ == "conj" and t.head.pos_ == "NUM" and t.head.i < t.i and t.i - t.head.i <= 3:
        t = t.head  # "20 and 30 migrants": the range's first number carries the noun
    while t.dep_ in ("compound", "quantmod", "nummod", "conj") and t.head.i != t.i and \
            (t.head.pos_ == "NUM" or t.head.lower_ in _scale_words(t.doc.lang_)) and t.head.i > t.i:
        t = t.head
    noun = None
    if t.dep_ == "nummod" or (t.dep_ in ("amod", "compound", "quantmod") and t.head.pos_ in ("NOUN", "PROPN", "ADJ")
                              and t.head.i > t.i):
        noun = t.head
    else:
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in _words("partitive", tok.doc.lang_):
                objs = [g for g in c.children if g.dep_ == "pobj"]
                if objs:
                    return objs[0] if objs[0].pos_ != "PRON" else None  # "120 of them": a sub-count
        # "five men" parsed as a compound chain, "Eleven Chadian soldiers"
        nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
        if nxt is not None and nxt.pos_ in ("NOUN", "PROPN") and tok.head.i == nxt.i:
            noun = nxt
    if noun is None:
        return None
    # climb a compound chain to the head noun: "Chadian soldiers", "aid workers"
    hops = 0
    while noun.dep_ in ("compound", "amod") and noun.head.pos_ in ("NOUN", "PROPN") and noun.head.i > noun.i \
            and hops < 3:
        noun, hops = noun.head, hops + 1
    return noun


def _is_people(noun: Token | None) -> bool:
    if noun is None:
        return False
    lemma = noun.lemma_.lower()
    low = noun.lower_
    people = _people(noun.doc.lang_)
    return (lemma in people or low in people or low.rstrip("s") in people
            or (noun.ent_type_ == "NORP" and noun.pos_ in ("PROPN", "NOUN") and low.endswith("s")))


def _category(ctx: DocContext, tok: Token, counted: Token | None, sent: Span,
              sent_figs: list[Figure]) -> tuple[str | None, str]:
    """(category, subject) or (None, "") when the number does not count people."""
    if counted is not None and not _is_people(counted):
        # "120,000 population" / "5 dead": the counted noun may itself say what happened
        cat = _category_of(counted, as_noun=True)
        if cat in ("population", "killed", "injured", "displaced", "missing", "detained", "evacuated"):
            return cat, _subject(counted, tok)
        return None, ""
    if counted is None:
        if cat := _of_noun(tok):
            return cat, _subject_of_noun(tok)
        if cat := _tally(tok):
            return cat, "people"
        if (cat := _sub_count(tok, sent_figs)) is not None:
            return cat, _subject_of_sub(tok)
        if (cat := _predicate_after(tok, None)) is not None:
            return cat, "people"  # "12 wounded", "five dead" (a headline's "Five killed, 12 wounded")
        if not _bare_number_counts_people(tok):
            return None, ""
    elif (cat := _including(counted, sent_figs)) is not None:
        return cat, _subject(counted, tok)
    # what happened: words attached to the number or the counted noun ("290 injured",
    # "displaced families", "people killed"), then the governing verb, then nearby words
    head = counted or tok
    own = _category_of(counted, as_noun=True) if counted is not None else None
    cat = None
    if head.dep_ in ("conj", "appos") or tok.dep_ in ("conj", "appos"):
        # "12 dead and more than 40 injured", "killed 8 and another 14 wounded": each number
        # of a coordination takes its own participle before the one it shares
        cat = _predicate_after(tok, counted)
    if cat is None and counted is not None and (counted.pos_ in ("ADJ", "VERB") or counted.tag_ in ("JJ", "VBN")) and \
            own not in (None, "population", "other"):
        cat = own  # "3 missing", "40 wounded": the counted word is what happened to them
    if cat is None:
        cat = _from_modifiers(head)
    if cat is None and (cat := _total_of(head)):
        return cat, _subject(counted, tok)  # "displaced families, totalling 16,000 people"
    gov = _from_governor(head) if cat is None else None
    if cat is None and gov not in (None, "other", "affected", "population"):
        cat = gov  # what happened to them: "80,000 refugees arrived", "1,000 residents were killed"
    if cat is None and own not in (None, "population", "other"):
        cat = own  # "80,000 refugees", "15 hostages", "40 bodies"
    if cat is None:
        cat = gov
    if cat is None:
        cat = _from_window(tok, sent)
    if cat is None:
        cat = own  # "100 residents", "300 victims"
    if cat is None and counted is not None:
        cat = _standing(counted)  # "the city's 400,000 people", "the 2 million people of the north"
    if cat is None:
        cat = _present(head)  # "about 4,000 people were at the station"
    if cat is None:
        return None, ""
    return cat, _subject(counted, tok)


def _predicate_after(tok: Token, counted: Token | None) -> str | None:
    """The participle or adjective right after a number (or its counted noun) that says
    what happened to them: "100 injured", "another 14 wounded", "12 people missing"."""
    doc = tok.doc
    i = (counted or tok).i + 1
    people = _people(doc.lang_)
    for _ in range(2):
        if i < len(doc) and doc[i].pos_ in ("NOUN", "ADJ") and doc[i].lower_ in people | {"more", "others", "other"}:
            i += 1  # "40 others wounded"
    if i < len(doc) and doc[i].pos_ in ("VERB", "ADJ") and doc[i].tag_ in ("VBN", "JJ", "VBD") and \
            (cat := _category_of(doc[i])) and cat not in ("other", "population"):
        return cat
    return None


def _total_of(head: Token) -> str | None:
    """"3,000 displaced families, totalling 16,000 people": a total counts the people of the
    noun it sums, and takes that noun's category."""
    verb = head.head
    if head.dep_ not in ("dobj", "attr", "npadvmod", "pobj") or verb.pos_ != "VERB" or \
            verb.lemma_.lower() not in _words("total_verb", head.doc.lang_) and \
            verb.lower_ not in _words("total_verb", head.doc.lang_):
        return None
    noun = verb.head if verb.dep_ in ("acl", "relcl", "advcl", "appos") else None
    if noun is None or noun.pos_ not in ("NOUN", "PROPN"):
        return None
    return _from_modifiers(noun) or _category_of(noun, as_noun=True)


def _standing(counted: Token) -> str | None:
    """"the province's 1.8 million people", "the 1.1 million people of the north": a count
    of people owned by a place, with nothing said to have happened to them, is a population."""
    lang = counted.doc.lang_
    if not (counted.lemma_.lower() in _standing_nouns(lang) or counted.lower_ in _standing_nouns(lang)
            or counted.lower_ in lexicon.terms("demonyms", lang)):
        return None  # "the UN's 193 members" are not a population
    if any(c.dep_ == "poss" for c in counted.children):
        return "population"
    det = [c for c in counted.children if c.dep_ == "det"]
    of = [c for c in counted.children if c.dep_ == "prep" and c.lower_ in _words("partitive", counted.doc.lang_)]
    if det and det[0].lower_ in _words("definite", counted.doc.lang_) and of:
        return "population"
    return None


def _present(head: Token) -> str | None:
    """"About 4,000 people were at the station", "300 passengers were aboard": people
    present at a place when something happened (category other)."""
    verb = head.head
    if head.dep_ != "nsubj" or verb.lemma_.lower() not in _words("copula", head.doc.lang_):
        return None
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in _words("locative", head.doc.lang_) and _state(c) is None and \
                any(g.dep_ == "pobj" and (g.pos_ == "PROPN" or g.ent_type_ in ("GPE", "LOC", "FAC") or
                                          g.pos_ == "NOUN" and any(d.dep_ in ("det", "poss") for d in g.children))
                    for g in c.subtree):  # "in and around the station"; not "on alert", "at risk"
            return "other"
    return None


def _tally(tok: Token) -> str | None:
    """A number that a toll or count is, rises to or is put at: the category from the tally."""
    t = tok
    hops = 0
    while t.dep_ in ("quantmod", "compound", "nummod") and t.head.pos_ == "NUM" and hops < 3:
        t, hops = t.head, hops + 1
    # "a death toll of 57", "the number of dead at 48"
    preps = _words("tally_prep", t.doc.lang_)
    if t.dep_ == "pobj" and t.head.lower_ in preps and t.head.head.lemma_.lower() in _tally_nouns(t.doc.lang_):
        return _tally_category(t.head.head)
    via_prep = t.dep_ == "pobj" and t.head.lower_ in preps | _words("tally_prep_loose", t.doc.lang_)
    for anc in islice(t.ancestors, 6):
        if anc.lemma_.lower() in _speech(t.doc.lang_) - _speech_through(t.doc.lang_) - {"estimate"}:
            return None  # "officials said 300 ...": the clause stops here
        if via_prep and anc.lemma_.lower() in _tally_nouns(t.doc.lang_) and anc.pos_ == "NOUN":
            return _tally_category(anc)  # "put the number of people detained at 3,500" (misattached "at")
        if anc.pos_ not in ("VERB", "AUX"):
            continue
        args = [c for c in anc.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")]
        if anc.dep_ in ("acl", "relcl"):
            args.append(anc.head)  # "injuries standing at 87"
        for arg in args:
            if arg.i == t.i:
                continue
            if arg.lemma_.lower() in _tally_nouns(t.doc.lang_):
                if (cat := _tally_category(arg)) is not None:
                    return cat
            elif arg.pos_ == "NOUN" and not _is_people(arg) and \
                    (cat := _category_of(arg, as_noun=True)) in _HARM and cat != "population":
                return cat  # "deaths rose to 300", "injuries stood at 87"
        if not via_prep:
            return None
    return None


def _tally_category(noun: Token) -> str | None:
    for t in noun.subtree:
        if t is noun:
            continue
        if t.lower_ in ("death", "deaths", "dead"):
            return "killed"
        if (cat := _category_of(t)) and cat not in ("other",):
            return cat
    if noun.lemma_.lower() == "toll":
        return "killed"  # a toll without a qualifier is a death toll
    return None


def _of_noun(tok: Token) -> str | None:
    """"a population of 120,000", "a death toll of 57" (tallies are read by _tally)."""
    t = tok
    while t.dep_ in ("quantmod", "compound", "nummod") and t.head.pos_ == "NUM":
        t = t.head
    if t.dep_ == "pobj" and t.head.lower_ in _words("partitive", t.doc.lang_) and t.head.head.pos_ in ("NOUN", "PROPN"):
        noun = t.head.head
        if noun.lemma_.lower() in _tally_nouns(t.doc.lang_):
            return None
        cat = _category_of(noun, as_noun=True)
        if cat in ("population", "killed", "injured", "displaced", "missing", "detained", "evacuated"):
            return cat
    return None


def _subject_of_noun(tok: Token) -> str:
    t = tok
    while t.dep_ in ("quantmod", "compound", "nummod") and t.head.pos_ == "NUM":
        t = t.head
    noun = t.head.head
    return _population_of(noun) if noun.lemma_.lower() == "population" else "people"


def _population_of(noun: Token) -> str:
    """"Tigray's 9,000 population" -> "population of Tigray"; "its population" -> "population"."""
    owner = [c for c in noun.children if c.dep_ == "poss" and c.pos_ != "PRON"]
    if owner:
        doc = noun.doc
        own = doc[owner[0].left_edge.i: owner[0].i + 1].text
        own = re.sub(r"(?:'s|’s|')$", "", own).strip()
        own = re.sub(r"^(?:the)\s+", "", own, flags=re.I)
        return f"population of {own}"
    return "population"


def _sub_count(tok: Token, sent_figs: list[Figure]) -> str | None:
    """"120 of them civilians", "two of whom were children": a part of a count given before."""
    if not sent_figs:
        return None
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in _words("partitive", tok.doc.lang_) and any(
                g.lower_ in _words("sub_pronoun", tok.doc.lang_) for g in c.children):
            return sent_figs[-1].category
    return None


def _subject_of_sub(tok: Token) -> str:
    for t in tok.doc[tok.i + 1: tok.i + 5]:
        if t.pos_ == "NOUN" and _is_people(t):
            return t.text
    return "people"


def _including(counted: Token, sent_figs: list[Figure]) -> str | None:
    """"three people, including two children": the sub-count takes its parent's category."""
    hops = 0
    while counted.dep_ == "conj" and hops < 3:  # "including 10 women and three infants"
        counted, hops = counted.head, hops + 1
    prep = counted.head
    incl = _words("including", counted.doc.lang_)
    if counted.dep_ in ("dobj", "attr") and prep.lemma_.lower() in incl and sent_figs:
        # "the 27 wounded included four police officers"
        for subj in (c for c in prep.children if c.dep_ in ("nsubj", "nsubjpass")):
            for f in reversed(sent_figs):
                if subj.left_edge.idx <= f.start < subj.right_edge.idx + len(subj.right_edge.text):
                    return f.category
    if counted.dep_ == "pobj" and prep.lower_ in incl and sent_figs:
        parent = prep.head
        for f in reversed(sent_figs):  # the count the sub-count belongs to
            if f.start <= parent.idx <= f.end + 40:
                return f.category
        if parent.pos_ == "VERB":
            return sent_figs[-1].category
    return None


def _bare_number_counts_people(tok: Token) -> bool:
    """"killing 12 and wounding 40", "68 were killed", "five, including a captain, were killed"."""
    if tok.dep_ in ("nsubj", "nsubjpass", "dobj", "conj", "appos", "attr", "ROOT", "oprd") or \
            (tok.head.pos_ == "VERB" and tok.dep_ not in ("npadvmod", "advmod", "prep")):
        return True
    if tok.dep_ == "pobj" and tok.head.lower_ in _words("agent", tok.doc.lang_):
        return True
    if tok.dep_ == "pobj" and tok.head.head.pos_ == "VERB" and \
            _rule("qualifier_before", tok.doc.lang_).pattern.search(tok.head.text):
        return True  # "injured over 100,000": the qualifier parsed as a preposition
    return False


def _from_governor(head: Token) -> str | None:
    t, hops = head, 0
    while hops < 4 and t.head.i != t.i:
        parent = t.head
        if t.dep_ in ("conj", "appos") and parent.pos_ in ("NUM", "NOUN", "PROPN", "PRON"):
            t, hops = parent, hops + 1  # "five soldiers and three civilians": the shared verb
            continue
        if t.dep_ in ("prep", "pobj", "pcomp") and parent.pos_ == "ADP":
            t, hops = parent, hops + 1
            continue
        if parent.pos_ in ("VERB", "AUX") and t.dep_ == "dobj":
            # a resultative: "left 40 people dead", "rendered 2,000 homeless": the category
            # comes from the predicate, not from the verb ("leave" is not flight here)
            for c in parent.children:
                if c.dep_ in ("oprd", "xcomp", "acomp", "ccomp") and c.i > t.i and (cat := _category_of(c)):
                    return cat
        if parent.pos_ in ("VERB", "AUX", "ADJ", "NOUN"):
            cat = _category_of(parent, arg=t)
            if cat:
                return cat
            if parent.pos_ in ("VERB", "AUX"):
                for c in parent.children:
                    if c.dep_ in ("acomp", "xcomp", "attr", "oprd", "ccomp") and (cat := _category_of(c)):
                        return cat
                    if c.dep_ == "prep" and (cat := _state(c)):
                        return cat  # "1,000 remain in custody", "40 are in hospital"
                    if c.dep_ == "prep" and c.lower_ in _words("member_of", c.doc.lang_):
                        # "two were among the dead", "among the 45 dead were 12 children"
                        for g in c.subtree:
                            if g.i != c.i and ((cat := _category_of(g, as_noun=True)) and cat != "population"
                                               or g.dep_ == "pobj" and (cat := _from_modifiers(g))):
                                return cat
                if parent.lemma_.lower() in ("be", "remain", "become", "stay", "lie") or parent.dep_ == "aux":
                    t, hops = parent, hops + 1
                    continue
                return None
            if parent.pos_ == "NOUN" and t.dep_ not in ("nummod", "compound", "amod") and \
                    parent.lemma_.lower() not in _quantity_nouns(t.doc.lang_):
                return None
        t, hops = parent, hops + 1
    return None


def _from_modifiers(noun: Token) -> str | None:
    for c in noun.children:
        if c.dep_ in ("acl", "relcl") and any(g.like_num and g.i > noun.i for g in c.subtree):
            continue  # "600 activists, 12 of whom were arrested": the clause has its own count
        if c.dep_ in ("amod", "acl", "relcl", "compound", "acomp") and (cat := _category_of(c, arg=noun)):
            return cat
        if c.dep_ in ("acl", "relcl"):
            for g in c.subtree:
                if g.pos_ in ("VERB", "ADJ") and (cat := _category_of(g)):
                    return cat
        if c.dep_ == "prep" and c.lower_ in _words("place_prep", noun.doc.lang_) and noun.pos_ in ("NUM",):
            break
    return None


def _from_window(tok: Token, sent: Span) -> str | None:
    """Elliptical counts: "killed and 290 injured" -> the nearest following category word."""
    doc = tok.doc
    for t in doc[tok.i + 1: min(tok.i + 4, sent.end)]:
        if t.pos_ in ("VERB", "ADJ", "NOUN") and (cat := _category_of(t)) and cat not in ("other",):
            return cat
        if t.is_punct and t.text not in (",",) or t.lower_ in _words("clause_break", doc.lang_):
            break
    return None


def _category_of(t: Token, arg: Token | None = None, as_noun: bool = False) -> str | None:
    """The category a word says (figure_categories.tsv), where its condition holds: ``arg``
    is the word on the path from the count (its subject, object...), ``as_noun`` that ``t``
    is the counted noun itself."""
    table = _categories(t.doc.lang_)
    row = table.get(t.lemma_.lower()) or table.get(t.lower_)
    if row is None:
        return None
    cat, cond = row
    return cat if _holds(cond, t, arg, as_noun) else None


def _holds(cond: str, t: Token, arg: Token | None, as_noun: bool) -> bool:
    """A condition of figure_categories.tsv: alternatives "|", all of "&", "!" negates."""
    if not cond:
        return True
    return any(all(_atom(a.strip(), t, arg, as_noun) for a in alt.split("&")) for alt in cond.split("|"))


def _atom(atom: str, t: Token, arg: Token | None, as_noun: bool) -> bool:
    if atom.startswith("!"):
        return not _atom(atom[1:], t, arg, as_noun)
    name, _, args = atom.partition(":")
    words = set(args.lower().split("/")) if args else set()
    if name == "verb":
        return t.pos_ == "VERB"
    if name == "noun":
        return as_noun
    if name == "count_subject":
        return arg is None or arg.dep_ in ("nsubj", "nsubjpass")
    if name == "count_object":
        return arg is None or arg.dep_ in ("dobj", "nsubjpass")
    if name == "count_arg":
        return arg is None or arg.dep_ in ("nsubj", "nsubjpass", "dobj")
    if name == "place_object":
        places = lexicon.terms("figure_place_nouns", t.doc.lang_)
        objs = [c for c in t.children if c.dep_ in ("dobj", "pobj", "attr")]
        objs += [g for c in t.children if c.dep_ == "prep" and c.lower_ in _words("away", t.doc.lang_)
                 for g in c.children if g.dep_ == "pobj"]  # "escaped from the city", "left for Poland"
        return any(o.lemma_.lower() in places or o.ent_type_ in ("GPE", "LOC") or o.pos_ == "PROPN" for o in objs)
    if name == "prep":
        return any(c.dep_ in ("prep", "agent", "prt") and c.lower_ in words for c in t.children)
    if name == "particle":
        return any(c.dep_ == "prt" and c.lower_ in words for c in t.children)
    if name == "xcomp":
        return any(c.dep_ in ("xcomp", "ccomp", "advcl") and _category_of(c) in words for c in t.children)
    raise ValueError(f"figure_categories.tsv: unknown condition {atom!r}")


def _state(prep: Token) -> str | None:
    """"in custody" -> detained, "in hospital" -> injured (figure_states.tsv)."""
    states = _states(prep.doc.lang_)
    for g in prep.children:
        if g.dep_ == "pobj" and (row := states.get(g.lemma_.lower()) or states.get(g.lower_)):
            cat, preps = row
            if prep.lower_ in preps:
                return cat
    return None


def _subject(counted: Token | None, tok: Token) -> str:
    """Who is counted: the counted noun with its modifiers ("Colombian soldiers",
    "displaced families of Tigray", "people at the market")."""
    if counted is None or counted.lemma_.lower() in ("dead", "injured", "wounded", "missing", "displaced") or \
            counted.pos_ in ("ADJ", "VERB") and _category_of(counted, as_noun=True):
        return "people"
    if counted.lemma_.lower() == "population":
        return _population_of(counted)
    keep: list[Token] = []
    for c in counted.lefts:
        for t in c.subtree:
            if t.i >= tok.i and not (t.like_num or t.lower_ in _scale_words(t.doc.lang_)) and t.dep_ not in ("det", "punct", "quantmod",
                                                                                              "nummod", "predet", "cc",
                                                                                              "conj", "poss", "case") \
                    and t.lower_ not in _qualifier_words(t.doc.lang_):
                keep.append(t)
    keep.append(counted)
    for c in counted.rights:
        if c.dep_ == "prep" and c.lower_ in _words("subject_prep", counted.doc.lang_) and c.i == counted.i + 1:
            sub = list(c.subtree)
            if len(sub) <= 5 and not any(t.like_num for t in sub):
                keep.extend(sub)
        break
    keep.sort(key=lambda t: t.i)
    doc = counted.doc
    phrase = doc[keep[0].i: keep[-1].i + 1].text if keep else counted.text
    if any(t.i not in {k.i for k in keep} for t in doc[keep[0].i: keep[-1].i + 1]):
        phrase = " ".join(t.text for t in keep)
    phrase = re.sub(r"\s+", " ", phrase).strip(" ,")
    return phrase[:80] or counted.text


def _qualifier(before: str, after: str, lang: str = "en") -> str:
    for name, text in (("qualifier_before", before), ("qualifier_after", after)):
        r = _rule(name, lang)
        if m := r.pattern.search(text):
            return getattr(_Rules, r.handler)(m, lang)
    return "exact"


# ---------------------------------------------------------------- who says so


def _attribution(ctx: DocContext, sent: Span, tok: Token) -> str | None:
    who = _attribution_raw(ctx, sent, tok)
    if not who:
        return None
    # a person named by surname only resolves to the full name the entities found: the
    # first PERSON entity whose text is ``who`` or whose full name ends in " " + ``who``
    return _person_names(ctx).get(who, who)


def _person_names(ctx: DocContext) -> dict[str, str]:
    """text or trailing words of a full name -> the full name, of the first PERSON entity
    (in the entities' order) that has it; built once per document."""
    got = ctx._cache.get("figures.person_names")
    if got is None or got[0] is not ctx.entities or got[1] != len(ctx.entities):
        names: dict[str, str] = {}
        for e in ctx.entities:
            if e.label == "PERSON" and e.canonical:
                keys = [e.text] + [e.canonical[i + 1:] for i, ch in enumerate(e.canonical) if ch == " "]
                for k in keys:
                    names.setdefault(k, e.canonical)
        got = ctx._cache["figures.person_names"] = (ctx.entities, len(ctx.entities), names)
    return got[2]


def _attribution_raw(ctx: DocContext, sent: Span, tok: Token) -> str | None:
    who = _quote_speaker(ctx, sent, tok)
    if who:
        return who
    lang = ctx.language or "en"
    r = _rule("according", lang)
    if m := r.pattern.search(sent.text):
        return getattr(_Rules, r.handler)(m, lang)
    # "..., the health ministry said" / "officials told Reuters": subject of a speech verb
    # that governs the clause the number is in
    background = False
    for anc in [tok, *tok.ancestors]:
        if anc.pos_ in ("VERB", "AUX") and anc.lemma_.lower() in _speech(lang) and anc.i != tok.i:
            if background:
                return None  # "X said he would ask for ... after a shell killed 9": the outlet narrates it
            who = _speaker_of(ctx, anc, tok)
            if who:
                return who
            if anc.lemma_.lower() not in _speech_through(lang):
                break
        if _background_clause(anc, lang):
            background = True
    for t in sent:
        if t.pos_ == "VERB" and t.lemma_.lower() in _speech(lang) \
                and t.dep_ in ("ROOT", "parataxis") and t.i > tok.i and not _in_quote(ctx, sent, t.idx) \
                and _in_quote(ctx, sent, tok.idx) == _in_quote(ctx, sent, t.idx):
            who = _speaker_of(ctx, t, tok)
            if who:
                return who
    return None


def _background_clause(t: Token, lang: str) -> bool:
    """A clause that sets the scene ("after a shell killed 9", "following the
    attack that left 9 dead"): what it says is the outlet's narration."""
    return t.dep_ in ("advcl", "ccomp") and any(c.dep_ == "mark" and c.lower_ in _words("background", lang)
                                                 for c in t.children) or \
        t.dep_ == "pcomp" and t.head.lower_ in _words("background", lang)


def speakers_from_quotes(ctx: DocContext) -> list[Figure]:
    """Who gives a number its sentence leaves unsaid: the speaker of the quotation or the
    reported speech it lies in (the innermost). The quote extractor follows a speaker
    where this module's sentence rules do not: across sentences and pronouns ("..., it
    added"), through reported speech in every language ("teilte ... mit", "a affirmé
    le porte-parole") and to the name shared across languages. Runs after the quotes; a
    number in a clause that sets the scene ("X said he would ask for ... after a shell
    killed 9") stays the outlet's, as in ``_attribution``. A source this module found itself
    in another language is given the shared name too ("МЧС" -> Emergency
    Services), so that the same source agrees across reports."""
    lang = ctx.language or "en"
    quotes = [q for q in ctx.quotes if q.speaker]
    out = []
    for f in ctx.figures:
        inside = sorted((q for q in quotes if q.start <= f.start and f.end <= q.end), key=lambda q: q.end - q.start)
        if f.attributed_to is not None:
            if inside and _anaphor(f.attributed_to, lang):
                # "..., the organisation said": the body the quotes found it refers to
                f = replace(f, attributed_to=inside[0].speaker)
            elif lang != "en":     # "по данным МЧС": the name shared across languages, as the quotes give it
                shared = _shared_source(f.attributed_to, inside, lang, ctx.text)
                if shared and shared != f.attributed_to:
                    f = replace(f, attributed_to=shared)
        elif inside:
            tok = _token_at_char(ctx, f.start)
            if tok is None or not any(_background_clause(a, lang) for a in [tok, *tok.ancestors]):
                f = replace(f, attributed_to=inside[0].speaker)
        out.append(f)
    return out


def _anaphor(who: str, lang: str) -> bool:
    """A source written as a word that refers back ("the organisation", "l'organisme"),
    not a name (lexicon org_anaphors, with or without its article)."""
    return who.lower().replace("’", "'") in _org_anaphors(lang)


@functools.lru_cache(maxsize=None)
def _org_anaphors(lang: str) -> frozenset[str]:
    terms = {t.replace("’", "'") for t in lexicon.terms("org_anaphors", lang)}
    return frozenset(terms | {t.split(" ", 1)[1] for t in terms if " " in t})


def _shared_source(who: str, inside: list, lang: str, text: str) -> str | None:
    """The shared name of a source this module found: the speaker of the quotation the
    number is in where the source names it ("porte-parole de la MONUSCO" -> MONUSCO: the
    quotes tell the role from the body), else the shared form of the words; a role alone
    ("Spokesperson") never stands for words that name a body."""
    from sitroom.extract.quotes import shared_speaker

    for q in inside:
        if (q.speaker_written or q.speaker) in who:
            return q.speaker
    shared = shared_speaker(who, lang, text)
    if shared and len(shared.split()) == 1 and any(w[:1].isupper() for w in who.split()[1:]):
        return None
    return shared


def _is_pronoun(word: str, lang: str = "en") -> bool:
    """"they", "it"; not an acronym spelt like one ("WHO")."""
    return word.lower() in _words("pronoun", lang) and not (len(word) > 1 and word.isupper())


def _speaker_of(ctx: DocContext, verb: Token, tok: Token) -> str | None:
    subj = [c for c in verb.children if c.dep_ in ("nsubj",)][-1:]  # the one nearest the verb
    if subj and subj[0].tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
        subj = [verb.head]  # "an assessment that estimates ...": the noun the clause is about
    elif subj and any(t.i == tok.i for t in subj[0].subtree):
        return None
    if not subj or _is_pronoun(subj[0].text, verb.doc.lang_):
        return None
    left = subj[0].left_edge.i
    for t in ctx.doc[left: subj[0].i]:
        if t.is_punct and t.text not in (",", ".", "'", "’", "-") and not t.is_quote:
            left = t.i + 1  # a dateline before the name: "CITY (Agency) — the minister said"
    right = subj[0].right_edge.i if subj[0].i != verb.head.i else subj[0].i
    span = ctx.doc[left: right + 1]
    if any(t.like_num for t in span):
        return None
    return _canonical(ctx, span) or _clean_who(span.text, verb.doc.lang_)


def _canonical(ctx: DocContext, span: Span) -> str | None:
    """The full name of a named speaker (entities resolve "Ali" to "Hassan Ali")."""
    for e in ctx.facts_in("entities", span.start_char, span.end_char):
        if e.label in ("PERSON",) and e.end <= span.end_char and span.end_char - span.start_char <= len(e.text) + 4:
            return e.canonical
    return None


def _in_quote(ctx: DocContext, sent: Span, at: int) -> bool:
    para0 = ctx.text.rfind("\n", max(0, sent.start_char - 2000), sent.start_char) + 1
    before = ctx.text[max(para0, sent.start_char - 2000):at]
    opens = before.count("“")
    closes = before.count("”")
    straight = before.count('"')
    return opens > closes or straight % 2 == 1


@functools.lru_cache(maxsize=4)
def _say_patterns(doc) -> tuple[re.Pattern, re.Pattern] | None:
    """'X said: "..."' and '"...," X said' for one document: the verbs of saying are the
    forms of its own tokens whose lemma is a source verb (no table of inflections)."""
    lang = doc.lang_
    forms = {t.text for t in doc if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in _speech(lang)}
    if not forms:
        return None
    say = r"(?:" + _alt(forms) + r")"
    art = _alt(_words("article", lang))
    particles = _alt(_words("name_particle", lang))
    name = (r"(?P<who>(?i:" + art + r")\s+(?:[\w'’-]+\s+){0,3}?[\w'’-]+"
            r"|[^\W\d_a-z][\w'’.-]*(?:\s+(?:[^\W\d_a-z][\w'’.-]*|" + particles + r"))*)")
    before = re.compile(name + r"(?:,\s*[^,\"“”]{2,80},)?\s+" + say + r"\b[^\"“”.]{0,60}[:,]\s*$")
    after = re.compile(r"\s*[,.?!]?\s*(?:" + name + r"\s+" + say + r"\b|" + say + r"\s+"
                       + name.replace("who", "who2") + r")")
    return before, after


def _quote_speaker(ctx: DocContext, sent: Span, tok: Token) -> str | None:
    """Speaker of a direct quote the number sits in: 'X tweeted: "..."', '"...," X said',
    or a later quote of the same paragraph after one of those ("...," she said. "...")."""
    text = ctx.text
    at = tok.idx
    if not _in_quote(ctx, sent, at):
        return None
    # the paragraph, or as much of it as _PARA_WINDOW characters each side (a longer one is
    # no paragraph of prose, and is not searched through for each number)
    lo = max(0, at - _PARA_WINDOW)
    para0 = max(text.rfind("\n", lo, at) + 1, lo)
    para1 = text.find("\n", at, at + _PARA_WINDOW)
    para1 = min(len(text), at + _PARA_WINDOW) if para1 < 0 else para1
    opening = max(text.rfind('"', para0, at), text.rfind("“", para0, at))
    closes = [i for i in (text.find('"', at, para1), text.find("”", at, para1)) if i >= 0]
    if opening >= 0 and (who := _speaker_before(ctx, max(para0, opening - 160), opening)):
        return who
    if closes:
        who = _speaker_after(ctx, min(closes) + 1, min(para1, min(closes) + 160))
        if who is not None:
            return who or None
    # a continued quote: the last speaker named with a quote earlier in the paragraph
    last = None
    for q in re.finditer(r"[\"“]([^\"“”]{2,600})[\"”]", text[para0:max(para0, opening)]):
        qa, qb = para0 + q.start(), para0 + q.end()
        who = _speaker_before(ctx, max(para0, qa - 160), qa) or _speaker_after(ctx, qb, min(para1, qb + 160))
        if who:
            last = who
    return last


_PARA_WINDOW = 5000


def _speaker_before(ctx: DocContext, a: int, b: int) -> str | None:
    pats = _say_patterns(ctx.doc)
    m = pats[0].search(ctx.text[a:b]) if pats else None
    lang = ctx.doc.lang_
    return _clean_who(m.group("who"), lang) if m and not _is_pronoun(m.group("who"), lang) \
        else None


def _speaker_after(ctx: DocContext, a: int, b: int) -> str | None:
    """The speaker named after a closing quote; "" for a pronoun ("he said"), None for none."""
    pats = _say_patterns(ctx.doc)
    m = pats[1].match(ctx.text[a:b]) if pats else None
    if not m:
        return None
    who = m.group("who") or m.group("who2")
    if _is_pronoun(who, ctx.doc.lang_):
        return ""
    return _clean_who(who, ctx.doc.lang_)


def _clean_who(who: str, lang: str = "en") -> str:
    who = re.sub(r"^(?:" + _alt(_words("article", lang)) + r")\s+", "", who.strip(), flags=re.I)
    who = re.sub(r"^(?:(?:" + _alt(_honorifics(lang)) + r")\.?\s+)+", "", who, flags=re.I)
    who = re.sub(r"\s+(?:" + _alt(_words("source_suffix", lang)) + r")$", "", who, flags=re.I)
    return re.sub(r"\s+", " ", who).strip(" ,.")


# ---------------------------------------------------------------- when


def _as_of(ctx: DocContext, sent: Span, start: int, category: str) -> date | None:
    dates = _dates_in(ctx, sent)
    if category in _STOCK_CATEGORIES and not dates:
        return None  # a standing population is not a dated count
    if dates:
        nearest = min(dates, key=lambda d: abs(d.start - start))
        day = nearest.date_end or nearest.date_start
        if ctx.published and not ctx.anchor_estimated:
            day = min(day, ctx.published)   # "this week": up to the report, not the week's end
        if category in _TALLIES and ctx.published and not ctx.anchor_estimated and nearest.precision == "day" and \
                timedelta(0) <= ctx.published - day <= RUNNING_DAYS and not _dates_statement(ctx, sent, nearest) \
                and not _before_the_past(ctx, start) and not _tally_before(ctx, sent, start):
            # "injured Thursday", "abducted on Tuesday": the day of the harm; the toll of the
            # days the report covers stands as of the report (a statement's day dates its count,
            # and a period, "between Sunday and Wednesday", its end)
            return ctx.published
        return day
    return ctx.published


# a toll whose day lies this close before the report's is a running tally, as of the report
RUNNING_DAYS = timedelta(days=7)
_TALLIES = {"killed", "injured", "missing", "displaced", "evacuated", "detained", "affected", "arrived"}


def _tally_before(ctx: DocContext, sent: Span, at: int) -> bool:
    """A tally names the count ("the death toll rose to 1,200 on Tuesday", "the number of
    dead climbed from 12 on Monday"): its day is the day the tally stood at that number."""
    nouns = _tally_nouns(ctx.language or "en")
    return any(t.lemma_.lower() in nouns or t.lower_ in nouns for t in sent if t.idx < at)


def _before_the_past(ctx: DocContext, at: int) -> bool:
    """The count's verb is in the past perfect ("had been wounded", "avaient été blessés"):
    an earlier happening, told as background, whose day dates its count."""
    tok = _token_at_char(ctx, at)
    if tok is None or not ctx.doc.has_annotation("DEP"):
        return False
    verb = next((a for a in [tok, *tok.ancestors] if a.pos_ == "VERB"), None)
    if verb is None:
        return False
    perfect = _words("perfect_aux", ctx.language or "en")
    return any(c.dep_.startswith("aux") and c.lemma_.lower() in perfect and set(c.morph.get("Tense")) & {"Past", "Imp"}
               for c in verb.children)


def _dates_statement(ctx: DocContext, sent: Span, d: TimeExpr) -> bool:
    """The date is the day of a statement ("said Wednesday", "صباح الاثنين، أعلن"): a
    verb that gives a number stands within two words of it."""
    lang = ctx.language or "en"
    verbs = _speech(lang)
    near = [t for t in sent if t.idx + len(t.text) > d.start - 12 and t.idx < d.end + 12 and not t.is_punct]
    for t in near:
        if t.idx + len(t.text) <= d.start:
            gap = len([u for u in near if t.idx < u.idx < d.start])
        elif t.idx >= d.end:
            gap = len([u for u in near if d.end <= u.idx < t.idx])
        else:
            continue
        if gap <= 2 and {t.lemma_.lower(), t.lower_, *t._.lemmas} & verbs:
            return True
    return False


def _dates_in(ctx: DocContext, sent: Span) -> list[TimeExpr]:
    # "since 20 September" starts a running count: the count itself is as of publication
    out = []
    since = _since_re(ctx.language or "en")
    for d in ctx.facts_in("dates", sent.start_char, sent.end_char):
        if since.match(d.surface):
            continue
        if d.precision == "range" and ctx.published and d.date_end == ctx.published:
            continue  # "for nine months", "the past week": a running count
        if ctx.published and d.date_start > ctx.published:
            continue  # a future date: a forecast, not when the count was made
        if re.match(r"(?i)the\s+\d{4}s?\s+[a-z]", d.surface.strip()) or (
                re.fullmatch(r"\d{4}s?", d.surface.strip())
                and re.search(r"\bthe\s+$", ctx.text[max(0, d.start - 5):d.start], re.I)):
            continue  # "the 2023 earthquake": names the event, does not date the count
        out.append(d)
    return out


@functools.lru_cache(maxsize=None)
def _since_re(lang: str = "en") -> re.Pattern:
    return re.compile(r"(?i)(?:" + _alt(_words("since", lang)) + r")\b")


def _cue(text: str, start: int, end: int, s0: int, s1: int) -> str:
    """The number with up to three words before and four after it, inside its sentence."""
    a = start
    for _ in range(3):
        m = re.search(r"\S+\s+$", text[s0:a])
        if not m:
            break
        a = s0 + m.start()
    b = end
    for _ in range(4):
        m = re.match(r"\s*\S+", text[b:s1])
        if not m:
            break
        b += m.end()
    return re.sub(r"\s+", " ", text[a:b]).strip()


# ---------------------------------------------------------------- other languages
#
# French, Russian (parsed), German, Spanish, Ukrainian and Arabic (not parsed) share one
# reading over the words around each number: the numbers come from extract/numbers.py; the
# counted noun is the people noun or category word just after the number ("2 000 civils",
# "пятеро жителей", "83 Todesopfer", "4 من المسعفين"); what happened to them comes from
# that noun, else (where there is a parse) from the verb or noun that governs it, else from
# the nearest category word of its clause, after or before it ("ont été tuées", "погибли
# 83 человек", "نزوح 4500 شخص"), a tally before it ("le bilan s'élève à 50", "Zahl der
# Toten ... auf 3000"), a place it is taken to ("до лікарень доправлено 98 осіб"); a
# sub-count ("з них п'ятеро", "fünf davon") and the items of a list ("16 enfants, 46
# femmes et 36 hommes") take the category of the count before them. Every word is a row of
# the figure_* lexicons with its ``lang``; the logic is the same for every language.

_STOPS = frozenset(".;:!?()[]«»\"“”„–—|/")
_WINDOW = 6         # words looked at after and before a number for what happened
_TALLY_WINDOW = 10  # before it, when a tally noun is among them ("число погибших возросло до 50")


@functools.lru_cache(maxsize=None)
def _lexicon_terms(kind: str, lang: str, **where: str) -> frozenset[str]:
    from sitroom.extract.nlp import fold_apostrophes
    return frozenset(fold_apostrophes(t) for t in lexicon.terms(kind, lang, **where))


def _w_lookup(ctx: DocContext, ws: list, k: int, table) -> tuple[str, int] | None:
    """(the entry, how many words it spans) for words[k] (and words[k+1]: "ums Leben") in a
    set or dict keyed by lower-cased forms and lemmas; French lemmas come from the parse."""
    from sitroom.extract import numbers
    lang = ctx.language or "en"
    if k + 1 < len(ws):
        two = f"{numbers.forms(ws[k].text, lang)[0]} {numbers.forms(ws[k + 1].text, lang)[0]}"
        if two in table:
            return two, 2
    cands = list(numbers.forms(ws[k].text, lang))
    tok = _token_at_char(ctx, ws[k].start)
    if tok is not None and tok.lemma_ and lang not in ("ar",):
        cands.insert(0, tok.lemma_.lower())
    for c in cands:
        if c in table:
            return c, 1
    return None


def _token_at_char(ctx: DocContext, at: int) -> Token | None:
    span = ctx.doc.char_span(at, at + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _w_category(ctx: DocContext, ws: list, k: int) -> str | None:
    lang = ctx.language or "en"
    table = _categories(lang)
    got = _w_lookup(ctx, ws, k, table)
    if got is None:
        return None
    cat, cond = table[got[0]]
    if cond == "place_object":
        places = _lexicon_terms("figure_place_nouns", lang)
        for j in range(k + 1, min(len(ws), k + 5)):
            if _w_lookup(ctx, ws, j, places) or ctx.facts_at("places", ws[j].start):
                return cat
        return None
    return cat if not cond or cond == "noun" else None


def _w_people(ctx: DocContext, ws: list, k: int) -> bool:
    lang = ctx.language or "en"
    return _w_lookup(ctx, ws, k, _people(lang) | _lexicon_terms("figure_people", lang)) is not None


def _w_is(ctx: DocContext, ws: list, k: int, role: str) -> bool:
    return 0 <= k < len(ws) and ws[k].low in _words(role, ctx.language or "en")


def _w_phrase_before(ws: list, k: int, terms: frozenset[str], reach: int = 3) -> bool:
    """Whether one of ``terms`` (phrases) ends just before word k, within ``reach`` words."""
    for a in range(max(0, k - reach), k):
        if " ".join(w.low for w in ws[a:k]) in terms:
            return True
    return False


def _extract_by_words(ctx: DocContext) -> list[Figure]:
    from sitroom.extract import numbers
    out: list[Figure] = []
    text = ctx.text
    lang = ctx.language or "en"
    for sent in ctx.sentences():
        ctx.check()
        s0, s1 = sent.start_char, sent.end_char
        ws = numbers.words(text, s0, s1, lang)
        nums = [n for n in numbers.numbers(ws, text, lang) if not _w_not_a_count(ctx, ws, n, s0, s1)]
        sent_figs: list[Figure] = []
        again: list[Figure] = []  # "з 98 поранених, ...": a count given before, framing a list
        i = 0
        while i < len(nums):
            n = nums[i]
            rng = _w_range(ctx, ws, nums, i)
            low = high = qualifier = None
            first, last, value = n, n, n.value
            if rng is not None:
                last, lo, hi, change = rng
                i += 1
                if change:
                    first, value = last, hi
                else:
                    low, high, qualifier, value = lo, hi, "range", lo
            i += 1
            got = _w_category_of(ctx, ws, nums, first, last, sent_figs)
            if got is None:
                continue
            category, subject = got
            start, end = first.start, last.end
            if qualifier is None:
                qualifier = _qualifier(text[max(s0, start - 40):start], text[end:min(s1, end + 15)], lang)
            tok = _token_at(ctx, start, end)
            fig = Figure(
                start=start, end=end, sentence=ctx.sentence_text(sent), value=value, low=low, high=high,
                qualifier=qualifier, category=category, subject=subject, as_of=_as_of(ctx, sent, start, category),
                attributed_to=_w_attribution(ctx, sent, tok) if tok is not None else None,
                cue=_cue(text, start, end, s0, s1))
            if _w_is(ctx, ws, first.first - 1, "partitive") or _w_is(ctx, ws, first.first - 2, "partitive"):
                if any(f.value == fig.value and f.category == fig.category for f in out):
                    again.append(fig)
            sent_figs.append(fig)
        out.extend(f for f in sent_figs if not any(f is a for a in again))
    return out


_DATE_LIKE = re.compile(r"\d{4}-\d{1,2}(?:-\d{1,2})?|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}:\d{2}")


def _w_not_a_count(ctx: DocContext, ws: list, n, s0: int, s1: int) -> bool:
    text, lang = ctx.text, ctx.language or "en"
    if n.value <= 0 or n.value > _MAX_COUNT or (not n.digits and n.value == 1):
        return True  # "un", "eine", "один": an article or "one of", not a count
    before = text[max(s0, n.start - 40):n.start]
    after = text[n.end:min(s1, n.end + 30)]
    if _rule("unit_after", lang).pattern.match(after) or _rule("unit_before", lang).pattern.search(before):
        return True
    if _rule("vague_before", lang).pattern.search(before):
        return True
    if n.digits and n.scale == 1 and 1800 <= n.value <= 2100 and re.fullmatch(r"\d{4}", ctx.text[n.start:n.end]):
        return True  # a year
    if ctx.facts_at("dates", n.start) or ctx.facts_at("dates", n.end - 1):
        return True
    if n.digits:
        a = n.start
        while a > s0 and not text[a - 1].isspace():
            a -= 1
        b = n.end
        while b < s1 and not text[b].isspace():
            b += 1
        if text[n.start] == "0" and n.end - n.start > 1 or _DATE_LIKE.search(text[a:b]):
            return True  # "2025-11-01", "01", "10:30": a date or a time, not a count
        if re.match(r"\.\s+\w", text[n.end:s1]) and not n.scale > 1:
            return True  # "am 18. Oktober": an ordinal
    if n.collective and not _rule("qualifier_before", lang).pattern.search(before):
        return True  # "сотні людей" are hundreds; "близько сотні" is about a hundred
    return False


def _w_range(ctx: DocContext, ws: list, nums: list, i: int):
    """(the last number, low, high, is_change) where nums[i] opens a range ("от 300 до 500",
    "entre 10 et 50", "7-8 тисяч", "cinq ou six") or a change ("passé de 20 à 68")."""
    lang = ctx.language or "en"
    if i + 1 >= len(nums):
        return None
    a, b = nums[i], nums[i + 1]
    between = [w.low for w in ws[a.last + 1:b.first]]
    if len(between) != 1:
        return None
    sep = between[0]
    va, vb = a.value, b.value
    if b.scale > 1 and a.scale == 1 and a.digits and va * b.scale <= vb:
        va *= b.scale  # "7-8 тисяч": the scale after the second number is the first's too
    if vb <= va:
        return None
    lead = ws[a.first - 1].low if a.first > 0 else ""
    froms, leads = _words("range_from", lang), _words("range_lead", lang)
    if sep in _words("range_to", lang) and lead in froms:
        change = any(_w_lookup(ctx, ws, k, _words("change_verb", lang))
                     for k in range(max(0, a.first - 4), a.first - 1))
        return (b, va, vb, change)
    if sep in ("-", "–", "—") and a.digits and b.digits:
        return (b, va, vb, False)
    if sep in _words("range_and", lang) and lead in leads - froms:
        return (b, va, vb, False)
    if sep in _words("range_or", lang) and a.digits == b.digits and vb <= 2 * va:
        return (b, va, vb, False)
    return None


def _w_category_of(ctx: DocContext, ws: list, nums: list, first, last, sent_figs: list[Figure]):
    """(category, subject) of the number(s) first..last, or None when they count no people."""
    lang = ctx.language or "en"
    num_words = {k for n in nums for k in range(n.first, n.last + 1)}
    # the counted noun: a people noun or category word just after the number, past at most
    # two other words ("12.500 weitere Menschen") and a partitive ("3 من الكوادر")
    counted = own = None
    k, skipped = last.last + 1, 0
    while k < len(ws) and skipped <= 2:
        w = ws[k]
        if w.text in _STOPS or w.text == ",":
            break
        if k in num_words:
            # "200 ou 500 morts": the second number's noun is the first's too
            if k - 1 > last.last and ws[k - 1].low in _words("range_or", lang) | _words("range_and", lang):
                nxt = next(n for n in nums if n.first == k)
                k = nxt.last + 1
                continue
            break
        if (cat := _w_category(ctx, ws, k)) is not None and cat not in ("other",):
            counted, own = k, cat
            break
        if _w_people(ctx, ws, k):
            counted = k
            break
        if not _w_is(ctx, ws, k, "partitive") and not _w_is(ctx, ws, k, "article"):
            skipped += 1
        k += 1
    if counted is not None and own is None and (cat := _w_category(ctx, ws, counted)) is not None:
        own = cat
    subject = ws[counted].text if counted is not None and own is None else "people"
    if own is not None and own not in ("population", "other"):
        return own, subject
    # the governing word, where there is a parse
    gov = _w_governor(ctx, ws, counted if counted is not None else first.first)
    after = _w_window(ctx, ws, (counted if counted is not None else last.last) + 1, 1, num_words)
    lead = first.first  # the first word before the number and its qualifier ("ما لا يقل عن")
    q = _rule("qualifier_before", lang).pattern.search(ctx.text[max(0, first.start - 40):first.start])
    if q:
        qstart = first.start - 40 + q.start() if first.start >= 40 else q.start()
        while lead > 0 and ws[lead - 1].start >= qstart:
            lead -= 1
    tally = _w_tally_before(ctx, ws, lead)
    before = _w_window(ctx, ws, lead - 1, -1, num_words, _TALLY_WINDOW if tally else _WINDOW)
    sub = _w_subcount(ctx, ws, first.first, last.last) and sent_figs
    cat = None
    if gov:
        cat = gov
    elif sub:
        cat = after[1] if after and after[0] <= 3 else sent_figs[-1].category
    elif after and before:
        cat = after[1] if after[0] <= before[0] else before[1]
    elif after or before:
        cat = (after or before)[1]
    if cat is None:
        cat = _w_listed(ctx, ws, first.first, last.last, counted, sent_figs)
        if cat is not None:
            return cat, subject
        return None
    if counted is not None or tally or sub:
        return cat, subject
    # a bare number: its category word must be right beside it ("314 sind verletzt", "ont
    # tué 12"), and the word after it no other noun ("12 chèvres")
    near = (after and after[1] == cat and (after[0] <= 3 or after[2] and after[0] <= _WINDOW - 1)) or \
        (before and before[0] <= 2 and before[1] == cat) or gov
    if not near or _w_other_noun(ctx, ws, last.last + 1):
        return None
    return cat, subject


def _w_window(ctx: DocContext, ws: list, k: int, step: int, num_words: set, reach: int = _WINDOW):
    """(distance, category) of the nearest category word (or state: "in Krankenhäuser")
    from word k on, in direction ``step``, within the clause and before another number."""
    dist = 0
    lang = ctx.language or "en"
    states = _states(lang)
    while 0 <= k < len(ws) and dist < reach:
        w = ws[k]
        if w.text in _STOPS or w.text == "," or k in num_words:
            return None
        if step > 0 and (w.low in _words("range_and", lang) or _w_and_prefixed(ctx, w)):
            return None  # "39 людей та понад 87 отримали ...": the next clause's word
        dist += 1
        if (cat := _w_category(ctx, ws, k)) is not None and cat not in ("other", "population"):
            return dist, cat, False
        if (st := _w_lookup(ctx, ws, k, states)) is not None:
            cat, preps = states[st[0]]
            if any(ws[j].low in preps for j in range(max(0, k - 2), k)) or \
                    any(ws[k].low.startswith(p) and len(p) == 1 for p in preps):
                return dist, cat, True
        k += step
    return None


def _w_and_prefixed(ctx: DocContext, w) -> bool:
    """A word with "and" written onto it (Arabic "وأصيب"): it opens another clause."""
    from sitroom.extract import numbers
    joiners = [j for j in _words("number_joiner", ctx.language or "en") if len(j) == 1]
    return any(w.low.startswith(j) and len(w.low) > 3 and w.low[1:] in numbers.forms(w.text, ctx.language or "en")
               for j in joiners)


def _w_tally_before(ctx: DocContext, ws: list, k: int) -> bool:
    """A tally noun in the words before the number ("Zahl der Toten ... auf 3000")."""
    tallies = _lexicon_terms("figure_tally_nouns", ctx.language or "en")
    for j in range(k - 1, max(-1, k - _TALLY_WINDOW - 1), -1):
        if ws[j].text in _STOPS:
            return False
        if _w_lookup(ctx, ws, j, tallies):
            return True
    return False


def _w_subcount(ctx: DocContext, ws: list, a: int, b: int) -> bool:
    """"з них п'ятеро", "dont cinq", "fünf davon", "darunter fünf Kinder"."""
    lang = ctx.language or "en"
    terms = _words("sub_pronoun", lang) | _words("including", lang)
    if _w_phrase_before(ws, a, terms) or (a > 1 and ws[a - 1].low in terms):
        return True
    return b + 1 < len(ws) and ws[b + 1].low in _words("sub_pronoun", lang)


def _w_listed(ctx: DocContext, ws: list, k: int, last: int, counted: int | None,
              sent_figs: list[Figure]) -> str | None:
    """"9 дітей, 21 жінка та 14 чоловіків": an item of a list takes the count before it;
    so does a number that ends its clause ("..., mais plutôt entre 10 et 50") and the
    people of a count framed before ("З 98 поранених, ..., 16 дітей")."""
    if not sent_figs:
        return None
    if last + 1 >= len(ws) or ws[last + 1].text in _STOPS:
        return sent_figs[-1].category  # elliptical: nothing said after it
    lang = ctx.language or "en"
    framed = [sent_figs[0]] if _w_frames(ctx, ws, sent_figs[0]) else []
    if framed and counted is not None:
        return framed[-1].category
    prev_end = sent_figs[-1].end
    between = [w for w in ws[:k] if w.start >= prev_end]
    if len(between) > 4:
        return None
    for j, w in enumerate(ws[:k]):
        if w.start < prev_end:
            continue
        if not (w.text in (",", ":", ";") or w.low in _words("range_and", lang) or _w_people(ctx, ws, j)):
            return None
    return sent_figs[-1].category


def _w_frames(ctx: DocContext, ws: list, f: Figure) -> bool:
    """The first count of a sentence, after a partitive ("З 98 поранених", "von den 98
    Verwundeten"): it frames the counts of the list that follows."""
    k = next((j for j, w in enumerate(ws) if w.start == f.start), None)
    return k is not None and (_w_is(ctx, ws, k - 1, "partitive") or _w_is(ctx, ws, k - 2, "partitive"))


def _w_governor(ctx: DocContext, ws: list, k: int) -> str | None:
    """Where the text is parsed (French, Russian): the category of the word the counted
    noun (or the number) hangs on: its verb ("ont été tuées"), a verb's object ("получили
    ранения"), or a modifier of the noun ("civils tués")."""
    if not ctx.doc.has_annotation("DEP") or not 0 <= k < len(ws):
        return None
    tok = _token_at_char(ctx, ws[k].start)
    if tok is None:
        return None
    lang = ctx.language or "en"
    for c in tok.children:
        if c.dep_ in ("acl", "amod", "acl:relcl") and (cat := _tok_category(c, lang)):
            return cat
    t = tok
    for _ in range(3):
        h = t.head
        if h.i == t.i:
            return None
        if h.lemma_.lower() in _speech(lang):
            return None
        if (cat := _tok_category(h, lang)) is not None and cat not in ("other", "population"):
            return cat
        if h.pos_ in ("VERB", "AUX"):
            for c in h.children:
                if c.dep_ in ("obj", "xcomp") and c.i != t.i and (cat := _tok_category(c, lang)):
                    return cat
            return None
        t = h
    return None


def _tok_category(t: Token, lang: str) -> str | None:
    from sitroom.extract import numbers
    table = _categories(lang)
    for c in (t.lemma_.lower(), *numbers.forms(t.text, lang)):
        if c in table:
            cat, cond = table[c]
            return cat if not cond or cond == "noun" else None
    return None


def _w_other_noun(ctx: DocContext, ws: list, k: int) -> bool:
    """The word after a bare number is a noun that counts no people ("12 chèvres")."""
    if k >= len(ws) or not ws[k].is_alpha:
        return False
    if _w_people(ctx, ws, k) or _w_category(ctx, ws, k) or _w_is(ctx, ws, k, "partitive"):
        return False
    tok = _token_at_char(ctx, ws[k].start)
    if tok is not None and tok.pos_ in ("NOUN", "PROPN"):
        return True
    return (ctx.language == "de" and ws[k].text[:1].isupper())


def _w_attribution(ctx: DocContext, sent: Span, tok: Token) -> str | None:
    """Who gives the number: "selon l'ONU", "по данным МЧС"; where there is a parse, the
    subject of the verb of saying above it, as in English."""
    try:
        return _attribution(ctx, sent, tok)
    except (IndexError, ValueError):
        return None
