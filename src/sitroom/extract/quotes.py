"""Quotes, direct and reported, with the speaker resolved to a name or organisation.

Direct quotes are the spans between quotation marks. Each mark is read as opening or
closing from the characters around it (straight marks too), and a quotation left open
at the end of a paragraph goes on in the next one when that paragraph opens again with
a mark or closes one before opening any. A direct quote is attributed by

* a verb of saying in its sentence ('"...," said X', 'X told Reuters: "..."'), the one
  nearest the quote; a quote of up to three words only by a verb of saying that governs
  it ('in what X called an "operation"'), else it is a scare quote;
* a colon after a clause whose subject speaks ('The minister was blunt: "..."'),
  "in the words of X" or "according to X";
* the previous quote's speaker when it follows that quote without an attribution of its
  own ('"...," she said. "..."'): each part is a quote of its own.

Reported speech is the clause a reporting verb governs ("X said that ...", "X told
Reuters ...", "officials denied targeting ...", "according to X, ..."); verbs that speak
only with a quotation ("hope", "fear", "believe") report nothing, and neither do
headlines, nor a clause that is itself another's speech ("X denied it, CNN reported":
the quote is X's). A quotation inside a reported clause makes the clause a direct quote
when its words are most of the clause, else the clause is reported and the quoted words
are part of it.

The speaker is the subject of the verb, read over the parse: titles and appositions
become the role; "he"/"she" go to the nearest compatible person named before (gender
only from what the text says: a title, a role noun such as "spokeswoman", a pronoun
that can only be theirs); "it"/"they"/"the agency" to the organisation that spoke last;
"the report" to the document named before; "the president" to the person named with
that role; collective speakers ("Kenyan officials") to the government they speak for.
Every word list is a lexicon (speech_verbs, titles, demonyms, quote_speakers,
quote_media, quote_channels, entity_pronouns, entity_gender, entity_country_names).

Bounded work (issue 9): quotations never overlap, and neither do the entities, so
"is this word quoted", "which quotations meet this sentence" and "who is named between
these offsets" are answered by bisection (``_QList``, ``_Ents``); a quotation across
paragraphs is checked paragraph by paragraph once, not again at every mark; the speakers
heard so far are searched back only as far as the window asked for; names, role words
and organisation words are looked up in indexes built once per document; ``ctx.check()``
runs once per mark, sentence, quote and verb.
"""
from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from spacy.tokens import Span, Token

from sitroom.extract import lexicon
from sitroom.extract.context import PAGE_DATE_LABEL, DocContext
from sitroom.extract.entities import gender_of, person_gender_words
from sitroom.extract.rules import RuleTable, rule
from sitroom.models import Entity, Quote

# ---------------------------------------------------------------- lexicons


@functools.lru_cache(maxsize=None)
def _lex(lang: str = "en"):
    speakers = lexicon.table("quote_speakers", lang)
    pron = lexicon.table("entity_pronouns", lang)
    return {
        "speech": lexicon.terms("speech_verbs", lang),
        "reporting": lexicon.terms("speech_verbs", lang, reporting="yes"),
        "roles": lexicon.terms("titles", lang, type="role"),
        "qualifiers": lexicon.terms("titles", lang, type="qualifier"),
        "title_small": lexicon.terms("quote_cues", lang, cue="title_small"),
        "mention": lexicon.terms("quote_cues", lang, cue="mention"),
        "speaker_kind": {t: r.speaker for t, r in speakers.items()},
        "person_pron": {t: r.gender for t, r in pron.items() if r.refers == "person"},
        "group_pron": {t for t, r in pron.items() if r.refers == "group"},
        "relative": {t for t, r in pron.items() if r.refers == "relative"},
        "demonyms": {t: r.country for t, r in lexicon.table("demonyms", lang).items() if r.country},
        "country_names": {r.term: r.name for r in lexicon.rows("entity_country_names", lang)},
        "media": re.compile(r"\b(?:" + lexicon.alternation("quote_media", lang) + r")\b"),
        "platforms": [(re.compile(rf"\bon {re.escape(r.term)}\b|\b{re.escape(r.term)} (?:post|channel|account|"
                                  rf"message|video|page|thread)\b"), r.medium)
                      for r in lexicon.rows("quote_channels", lang) if r.type == "platform"],
        "phrases": [(re.compile(rf"\b{re.escape(r.term)}\b", re.I), r.medium)
                    for r in sorted(lexicon.rows("quote_channels", lang), key=lambda r: -len(r.term))
                    if r.type == "phrase"],
    }


def L(key: str):
    return _lex("en")[key]


def _frame(frame: str) -> frozenset[str]:
    """Verbs of a frame beyond a clause (quote_verb_frames.tsv): gerund ("denied targeting
    civilians"), object_infinitive ("urged the council to act"), hearsay ("is said to")."""
    return lexicon.terms("quote_verb_frames", frame=frame)


def _determiners() -> frozenset[str]:
    return lexicon.terms("entity_cues", cue="determiner")


def _country_name(iso2: str | None) -> str | None:
    if not iso2:
        return None
    if iso2 in L("country_names"):
        return L("country_names")[iso2]
    from sitroom.extract.gazetteer import gazetteer

    e = gazetteer().country(iso2)
    return e.name if e else None


# ---------------------------------------------------------------- spans


@dataclass
class _Q:
    start: int          # of the quoted words (inside the marks)
    end: int
    text: str


_MARKS = "\"“”„«»"


def _mark_kind(text: str, i: int) -> str | None:
    """'open', 'close' or None (either) for the quotation mark at ``i``."""
    ch = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if ch in "«„":
        return "open"
    if ch == "»":
        return "close"
    space_before = before.isspace() or before in "([{—–-/:" or i == 0
    space_after = after.isspace() or after in ".,;:!?)]}—–-" or i + 1 == len(text)
    if ch == "“" and not space_after:
        return "open"
    if ch == "”" and not space_before:
        return "close"
    if space_before and not space_after:
        return "open"
    if space_after and not space_before:
        return "close"
    return None


class _QList(list):
    """Quotations in text order. They never overlap (``_quote_spans`` makes them so, and any
    sub-list keeps it), so their ends are in order too: whether an offset lies in one, and
    which ones meet a span, is found by bisection. A list out of order is scanned instead."""

    def _index(self) -> tuple[list[int], list[int], bool]:
        got = self.__dict__.get("_ix")
        if got is None or got[0] != len(self):  # built, or grown since
            ordered = all(a.end <= b.start for a, b in zip(self, self[1:]))
            got = self._ix = (len(self), [q.start for q in self], [q.end for q in self], ordered)
        return got[1], got[2], got[3]

    def covers(self, pos: int, margin: int = 0) -> bool:
        """``any(q.start - margin <= pos < q.end + margin for q in self)``."""
        starts, _, ordered = self._index()
        if not ordered:
            return any(q.start - margin <= pos < q.end + margin for q in self)
        k = bisect_right(starts, pos + margin) - 1
        return k >= 0 and pos < self[k].end + margin

    def meeting(self, a: int, b: int) -> _QList:
        """``[q for q in self if q.start < b and a < q.end]``."""
        starts, ends, ordered = self._index()
        if not ordered:
            return _QList(q for q in self if q.start < b and a < q.end)
        return _QList(self[bisect_right(ends, a):max(bisect_right(ends, a), bisect_left(starts, b))])


_DE_MARK = re.compile("[„“”«»]")


def _quote_spans(text: str, check=None, unclosed: bool = False) -> _QList:
    marks = [(m.start(), _mark_kind(text, m.start())) for m in re.finditer(f"[{_MARKS}]", text)]
    out = _QList()
    open_at: int | None = None
    inner: int | None = None           # a second „ inside the open quotation
    paras: _Paragraphs | None = None   # the paragraphs after the quotation open now
    for i, kind in marks:
        if check is not None:
            check()
        if open_at is None:
            if kind != "close":
                open_at = i
            continue
        if text[open_at] == "«" and text[i] not in "«»" and "\n" not in text[open_at:i]:
            continue  # a quotation inside a «quotation» ("«... „...“ ...»"): the outer one is the quote
        if paras is None or paras.a != open_at:
            paras = _Paragraphs(text, open_at)
        if paras.newline_before(i):
            inner = None
            if kind != "close" and _para_start(text, i) and paras.continues(i):
                continue  # the mark that opens the quotation's next paragraph again
            if kind == "close" and _marked_block(text, open_at, i, paras):
                _add(out, text, open_at + 1, i)   # one mark at each end of a block of paragraphs
                open_at = None
                continue
            if kind != "open" and paras.continues(i, last_may_not_reopen=True):
                _add(out, text, open_at + 1, i)
                open_at = None
                continue
            if unclosed:
                _unclosed(out, text, open_at, paras.breaks[0])
            open_at = i if kind != "close" else None  # the earlier one was never closed
            continue
        if kind == "open":
            if text[open_at] in "„“" and text[i] in "„«" and inner is None:
                inner = i  # perhaps a short quotation inside this one ("„... mit „Grad“-Raketen ...“")
                continue
            open_at, inner = i, None  # two openings: the first was never closed
        else:
            if inner is not None:
                nl = text.find("\n", i + 1)
                nxt = _DE_MARK.search(text, i + 1, nl if nl >= 0 else len(text))
                at, inner = inner, None
                if i - at <= 60 and text[i] == ("»" if text[at] == "«" else "“") and \
                        (nxt is None or nxt.group() != "„"):
                    continue   # the inner one closed; the outer closes at the next mark
                open_at = at  # the first was never closed: the second is the quote
            _add(out, text, open_at + 1, i)
            open_at = None
    if unclosed and open_at is not None and text.find("\n", open_at) >= 0:
        # (a text that ends in the quotation may have been cut there: nothing)
        _unclosed(out, text, open_at, text.find("\n", open_at))
    return out


_BLOCK_PARAS = 6   # paragraphs a quotation marked only at its two ends may run over


def _marked_block(text: str, a: int, b: int, paras: _Paragraphs) -> bool:
    """A quotation of several paragraphs marked only where it opens and where it closes
    (“... ¶ ... ¶ ...”, as Ukrainian and Russian pages often set a statement): the mark at
    ``a`` opens a paragraph, the closing one at ``b`` ends one, no other mark lies between
    (but for «names» quoted inside a “statement”), and it spans at most ``_BLOCK_PARAS``
    paragraphs."""
    if not _para_start(text, a) and a != 0:
        return False
    after = text[b + 1:b + 3]
    if after.strip(" .!?…") and not after.startswith("\n") and not after.lstrip(" .!?…").startswith("\n"):
        return False
    inside = text[a + 1:b]
    if text[a] not in "“«" or any(m in inside for m in "\"“”„") or inside.count("«") != inside.count("»"):
        return False   # other marks between, but for a «name» quoted inside “...”
    k = bisect_left(paras.starts, b)
    return 1 <= k <= _BLOCK_PARAS - 1


def _unclosed(out: list[_Q], text: str, a: int, b: int) -> None:
    """A quotation mark never closed in its paragraph: the paragraph's rest is the quotation
    (a quotation of several paragraphs not each opened again, a closing mark left out) where
    the mark opens the paragraph or is an opening one for sure, and six words or more follow."""
    if _mark_kind(text, a) != "open" and not _para_start(text, a):
        return
    rest = text[a + 1:b].rstrip()
    if len(rest.split()) < 6 or '"' in rest or rest.count("«") != rest.count("»") or \
            rest.count("„") > rest.count("“"):
        return
    _add(out, text, a + 1, a + 1 + len(rest.rstrip(".!?…")) if rest[-1:] in ".!?…" else a + 1 + len(rest))


def _para_start(text: str, i: int) -> bool:
    """Only blanks between the line break before ``i`` and ``i``."""
    j = i - 1
    while j >= 0 and text[j] != "\n" and text[j].isspace():
        j -= 1
    return j >= 0 and text[j] == "\n"


class _Paragraphs:
    """The paragraph breaks after a quotation mark at ``a``, read once however many marks
    after it ask whether the quotation goes on to them (the marks come in text order)."""

    def __init__(self, text: str, a: int):
        self.text, self.a = text, a
        self.breaks: list[int] = []   # each break's first line break
        self.starts: list[int] = []   # where the paragraph after it starts (after the blanks)
        self.pos = a                  # where the search for the next break goes on
        self.bad: int | None = None   # the first paragraph that does not open with a mark

    def _read(self, b: int) -> None:
        """Every break before ``b``, and the first paragraph that starts at ``b`` or later."""
        text = self.text
        while not self.starts or self.starts[-1] < b:
            nl = text.find("\n", self.pos, b)
            if nl < 0:
                self.pos = max(self.pos, b)
                return
            j = nl
            while j < len(text) and text[j] in "\n \t":
                j += 1
            self.breaks.append(nl)
            self.starts.append(j)
            if self.bad is None and j < len(text) and text[j] not in _MARKS:
                self.bad = len(self.starts) - 1
            self.pos = j + 1

    def newline_before(self, b: int) -> bool:
        """``"\\n" in text[a:b]``."""
        self._read(b)
        return bool(self.breaks) and self.breaks[0] < b

    def continues(self, b: int, last_may_not_reopen: bool = False) -> bool:
        """The quotation goes on to ``b`` across paragraphs: each paragraph between opens
        again with a mark (the last one need not when the quotation closes in it: no line
        break between its start and ``b``)."""
        self._read(b)
        k = bisect_left(self.starts, b)   # the paragraphs that start before b
        if self.bad is None or self.bad >= k:
            return True
        if self.bad < k - 1:
            return False
        return last_may_not_reopen and (k == len(self.starts) or self.breaks[k] >= b)


def _add(out: list[_Q], text: str, a: int, b: int) -> None:
    inner = text[a:b]
    lead = len(inner) - len(inner.lstrip())
    body = inner.rstrip()
    trail = len(body) - len(body.rstrip(",."))
    a, b = a + lead, a + len(body) - trail
    if b - a >= 2 and b - a <= 4000:
        out.append(_Q(start=a, end=b, text=text[a:b]))


def _in_quotes(tok: Token, qs: list[_Q]) -> bool:
    if isinstance(qs, _QList):
        return qs.covers(tok.idx, 1)
    return any(q.start - 1 <= tok.idx < q.end + 1 for q in qs)


class _Ents:
    """Entities in text order: those that start between two offsets, and the one at an
    offset, by bisection."""

    def __init__(self, ents: list[Entity]):
        self.ents = ents
        self.starts = [e.start for e in ents]
        self.disjoint = all(a.end <= b.start for a, b in zip(ents, ents[1:]))
        self.longest = max((e.end - e.start for e in ents), default=0)

    def between(self, a: int, b: int) -> list[Entity]:
        """``[e for e in ents if a <= e.start < b]``."""
        return self.ents[bisect_left(self.starts, a):bisect_left(self.starts, b)]

    def before(self, b: int) -> int:
        """How many start before ``b``."""
        return bisect_left(self.starts, b)

    def at(self, pos: int) -> Entity | None:
        """The first entity that holds char ``pos``."""
        if self.disjoint:
            k = bisect_right(self.starts, pos) - 1
            return self.ents[k] if k >= 0 and pos < self.ents[k].end else None
        for e in self.ents[bisect_left(self.starts, pos - self.longest):bisect_right(self.starts, pos)]:
            if pos < e.end:
                return e
        return None


# ---------------------------------------------------------------- speakers


@dataclass
class _Said:
    name: str
    role: str | None
    person: bool
    at: int


class _Speakers:
    """Who was named and who spoke, for pronouns and definite descriptions."""

    def __init__(self, ctx: DocContext, qs: list[_Q]):
        self.ctx = ctx
        self.qs = qs if isinstance(qs, _QList) else _QList(qs)
        self.ents = sorted(ctx.entities, key=lambda e: e.start)
        self.ix = _Ents(self.ents)
        self.gender = _genders(ctx, self.ents, self.qs, self.ix)
        self.said: list[_Said] = []
        self.said_max: list[int] = []   # the latest offset among said[:k + 1]
        self.group: tuple[str, str | None] | None = None   # the organisation last a subject
        self.names = {e.canonical for e in self.ents}
        self.person_names = {e.canonical for e in self.ents if e.label == "PERSON"}
        self._first_named: dict[str, Entity] = {}
        for e in reversed(self.ents):
            self._first_named[e.canonical] = e
        self._orgs_by_word: dict[str, tuple[list[Entity], list[int]]] | None = None
        self._roles: dict[str, dict[str, tuple[list[int], list[int]]]] = {}
        self._role_people: list[tuple[Entity, set[str]]] | None = None

    def spoke(self, name: str, role: str | None, at: int) -> None:
        person = name in self.person_names or (name not in self.names and name.split()[-1].lower() in _person_heads())
        self.said.append(_Said(name, role, person, at))
        self.said_max.append(max(at, self.said_max[-1]) if self.said_max else at)

    def entity_at(self, tok: Token) -> Entity | None:
        return self.ix.at(tok.idx)

    def first_named(self, name: str) -> Entity | None:
        """The first entity whose canonical name is ``name``."""
        return self._first_named.get(name)

    def quoted(self, pos: int) -> bool:
        """Char ``pos`` lies inside a quotation."""
        return self.qs.covers(pos)

    def last_speaker(self, at: int, person: bool | None = None, within: int = 1500) -> _Said | None:
        for k in range(len(self.said) - 1, -1, -1):
            if self.said_max[k] < at - within:
                return None  # everyone heard up to here spoke before the window
            s = self.said[k]
            if s.at < at and at - s.at <= within and (person is None or s.person == person):
                return s
        return None

    def last_org_named(self, word: str, at: int) -> Entity | None:
        """The last organisation outside quotations that starts before ``at`` and has the word
        ``word`` in its canonical name."""
        if self._orgs_by_word is None:
            self._orgs_by_word = {}
            for e in self.ents:
                if e.label == "ORG" and not self.quoted(e.start):
                    for w in set(e.canonical.lower().split()):
                        got = self._orgs_by_word.setdefault(w, ([], []))
                        got[0].append(e)
                        got[1].append(e.start)
        ents, starts = self._orgs_by_word.get(word, ([], []))
        k = bisect_left(starts, at)
        return ents[k - 1] if k else None

    def people_with_role_words(self, low: str) -> dict[str, tuple[list[int], list[int]]]:
        """For the people named with a role that has the word ``low``: each word of their
        roles -> (their positions in ``role_people()``, their offsets)."""
        got = self._roles.get(low)
        if got is None:
            got = self._roles[low] = {}
            for k, (e, have) in enumerate(self.role_people()):
                if low in have:
                    for w in have:
                        ks, starts = got.setdefault(w, ([], []))
                        ks.append(k)
                        starts.append(e.start)
        return got

    def role_people(self) -> list[tuple[Entity, set[str]]]:
        """The people named with a role, in order, with the words of their role."""
        if self._role_people is None:
            self._role_people = [(e, {_bare(w.lower()) for w in re.split(r"[\s-]", e.role)})
                                 for e in self.ents if e.label == "PERSON" and e.role]
        return self._role_people

    def pronoun(self, low: str, at: int) -> tuple[str, str | None] | None:
        """The person a "he"/"she" at char ``at`` refers to: the nearest person named before it
        whose gender, as far as the text tells, fits; sentence by sentence going back, a
        subject first."""
        want = L("person_pron").get(low)
        doc = self.ctx.doc
        sent = self.ctx.sentence_of(at)
        # the person who spoke last, when no one else was named since
        s = self.last_speaker(at, person=True, within=600)
        if s is not None and self.gender.get(s.name) in (want, None) and not any(
                e.label == "PERSON" and s.at < e.start and e.canonical != s.name and not self.quoted(e.start)
                for e in self.ix.between(s.at, at)):
            return s.name, s.role
        # a person the text says is of that gender, named in this sentence or the two before
        near = self.ctx.sentence_of(at)
        first = near.start_char
        for _ in range(2):
            if near.start == 0:
                break
            near = doc[near.start - 1].sent
            first = near.start_char
        known = [e for e in self.ix.between(first, at) if e.label == "PERSON" and want is not None
                 and self.gender.get(e.canonical) == want and not self.quoted(e.start)]
        if known and len({e.canonical for e in known}) == 1:
            return known[-1].canonical, known[-1].role
        for _ in range(6):
            self.ctx.check()
            people = [e for e in self.ix.between(sent.start_char, min(sent.end_char, at)) if e.label == "PERSON"
                      and not self.quoted(e.start)]
            fits = [e for e in people if self.gender.get(e.canonical) in (want, None)]
            if fits:
                known = [e for e in fits if self.gender.get(e.canonical) == want]
                pool = known if known and len({e.canonical for e in fits}) > 1 else fits
                best = [e for e in pool if self._subject(e)] or pool
                pick = best[-1] if sent.start_char <= at < sent.end_char else best[0]
                return pick.canonical, pick.role
            if sent.start == 0:
                break
            sent = doc[sent.start - 1].sent
        s = self.last_speaker(at, person=True, within=3000)
        if s and self.gender.get(s.name) in (want, None):
            return s.name, s.role
        return None

    def _subject(self, e: Entity) -> bool:
        span = self.ctx.doc.char_span(e.start, e.end, alignment_mode="expand")
        r = span.root if span is not None else None
        return r is not None and (r.dep_ in ("nsubj", "nsubjpass") or
                                  (r.dep_ in ("appos", "compound") and r.head.dep_ in ("nsubj", "nsubjpass")))

    def organisation(self, at: int) -> tuple[str, str | None] | None:
        """What "it", "they" or "the agency" at ``at`` stands for: the organisation that spoke
        last, else the one last a subject."""
        s = self.last_speaker(at, person=False)
        if s is not None:
            return s.name, s.role
        return self.group

    def observe(self, sent: Span) -> None:
        for e in self.ix.between(sent.start_char, sent.end_char):
            if e.label == "ORG":
                tok = self.ctx.doc.char_span(e.start, e.end, alignment_mode="expand")
                if tok is not None and (tok.root.dep_ in ("nsubj", "nsubjpass") or
                                        tok.root.head.dep_ in ("nsubj", "nsubjpass") and tok.root.dep_ in
                                        ("compound", "poss", "appos")):
                    self.group = (e.canonical, None)


def _genders(ctx: DocContext, ents: list[Entity], qs: _QList, ix: _Ents | None = None) -> dict[str, str | None]:
    """Each person's gender as far as the text tells: a title or role word that has one
    ("Mrs", "spokeswoman"), or a pronoun in a sentence where they are the only person named
    and the subject ("X fled with her sons"). Conflicting evidence leaves it unknown.
    ``ents`` in text order (``ix`` their index)."""
    ix = ix or _Ents(ents)
    votes: dict[str, set[str]] = {}
    words = person_gender_words()
    for e in ents:
        ctx.check()
        if e.label != "PERSON":
            continue
        g = gender_of(ctx.doc, e, words)
        if g:
            votes.setdefault(e.canonical, set()).add(g)
    pron = L("person_pron")
    for sent in ctx.sentences():
        ctx.check()
        here = ix.between(sent.start_char, sent.end_char)
        people = {e.canonical for e in here if e.label == "PERSON" and not qs.covers(e.start)}
        if len(people) != 1:
            continue
        name = next(iter(people))
        e = next(e for e in here if e.canonical == name)
        span = ctx.doc.char_span(e.start, e.end, alignment_mode="expand")
        if span is None or span.root.dep_ not in ("nsubj", "nsubjpass"):
            continue
        gs = {pron[t.lower_] for t in sent if t.lower_ in pron and t.idx > e.start and not _in_quotes(t, qs)
              and t.pos_ == "PRON"}
        if len(gs) == 1:
            votes.setdefault(name, set()).update(gs)
    return {name: next(iter(g)) if len(g) == 1 else None for name, g in votes.items()}


@functools.lru_cache(maxsize=None)
def _person_heads() -> frozenset[str]:
    """Role words and words for a person ("spokeswoman", "witness")."""
    return L("roles") | {k for k, v in L("speaker_kind").items() if v == "person"}


def _subject(verb: Token) -> Token | None:
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if subjects:
        # two subjects (a dateline read as one: "CITY (AP) — X said"): the one nearest the verb
        return min(subjects, key=lambda c: abs(c.i - verb.i))
    # "..., stating that" / "replied by accusing" / "issued a statement calling ...": the subject
    # of the verb it hangs from
    t = verb
    for _ in range(4):
        if t.dep_ not in ("advcl", "xcomp", "conj", "acl", "pcomp", "prep", "dobj", "pobj") or t.head.i == t.i:
            return None
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            return _subject(t)
    return None


def _speaker_of(ctx: DocContext, state: _Speakers, verb: Token) -> tuple[str | None, str | None]:
    if verb.lemma_.lower() not in ("quote", "cite"):   # "X was quoted by Y": X still speaks
        # "residents were told by the utility ...": the agent speaks, not the one told
        for agent in (c for c in verb.children if c.dep_ == "agent"):
            for pobj in (c for c in agent.children if c.dep_ == "pobj"):
                return _noun_phrase_speaker(state, pobj)
    subj = _subject(verb)
    if subj is None:
        # "the government's only comment was to say that ...": the possessor speaks
        if verb.dep_ == "xcomp" or verb.head.lemma_ == "be":
            for c in verb.head.children:
                if c.dep_ == "nsubj":
                    poss = [p for p in c.children if p.dep_ == "poss"]
                    if poss:
                        return _noun_phrase_speaker(state, poss[0])
        return None, None
    return _noun_phrase_speaker(state, subj)


def _government(state: _Speakers, phrase: list[Token], head: Token) -> str | None:
    """ "Kenyan officials", "US officials", "Peru's foreign ministry": the country spoken for."""
    for t in phrase:
        if t.i == head.i:
            continue
        iso = L("demonyms").get(t.lower_)
        if iso:
            return _country_name(iso)
        for p in state.ctx.facts_at("places", t.idx):
            if p.kind == "country" and p.country:
                return _country_name(p.country)
    return None


def _noun_phrase_speaker(state: _Speakers, tok: Token) -> tuple[str | None, str | None]:
    """A subject phrase as (speaker, role): a named person or organisation inside it wins."""
    low = tok.lower_
    at = tok.idx
    if tok.text.isupper() and len(tok.text) > 1:
        low = tok.text  # an acronym ("WHO", "IT") is no pronoun
    if low in L("person_pron"):
        return state.pronoun(low, at) or (None, None)
    if low in L("relative"):
        # "X, who says ...", "an assessment that estimates ...": the noun the clause hangs from
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.head.dep_ in ("relcl", "acl") and tok.head.head.i != tok.i:
            return _noun_phrase_speaker(state, tok.head.head)
        return None, None
    if low in L("group_pron"):
        subj = _plural_subject_before(state.ctx, tok) if low == "they" else None
        if subj is not None:
            # "Exhausted women who reached X described ... They said ...": the people just named
            got = _noun_phrase_speaker(state, subj)
            if got[0]:
                return got
        got = state.organisation(at)
        if got is None and low == "they":
            s = state.last_speaker(at)
            got = (s.name, s.role) if s else None
        return got or (None, None)
    if low == "one" and not list(tok.children):
        # "Other analysts agree. One pointed out that ...": one of the group named just before
        sent = tok.sent
        if sent.start > 0:
            for t in state.ctx.doc[sent.start - 1].sent:
                if t.dep_ in ("nsubj", "nsubjpass") and t.tag_ == "NNS":
                    return f"unnamed {t.lemma_.lower()}", t.lemma_.lower()
        return None, None
    sub = list(tok.subtree)
    in_sub = {t.i for t in sub}
    phrase = [t for t in sub if t.dep_ not in ("appos", "relcl", "punct", "det", "acl")
              and not any(a.dep_ in ("appos", "relcl", "acl") and a.i in in_sub and a.i != tok.i for a in t.ancestors
                          if a.i != tok.i)]
    # a dateline before a dash ("CITY (AP) — X said") is not part of the subject
    dash = [t.i for t in sub if t.text in ("—", "–", "--") and t.i < tok.i]
    if dash:
        phrase = [t for t in phrase if t.i > dash[-1]]
        sub = [t for t in sub if t.i > dash[-1]]
    roles = L("roles")
    person_heads = _person_heads()
    appos = [t for t in sub if t.dep_ == "appos" and (t.head.i == tok.i or low in person_heads)]
    kind = L("speaker_kind").get(tok.lemma_.lower()) or L("speaker_kind").get(low)
    if kind == "document":  # "the statement on Telegram": where it was given out, not who gave it
        where = {t.i for c in tok.children if c.dep_ == "prep" and c.lower_ in ("on", "in", "via", "at")
                 for t in c.subtree}
        phrase = [t for t in phrase if t.i not in where]
    ents = [state.entity_at(t) for t in phrase]
    for ap in appos:  # "Niger's army chief, General X," / "X, a builder,"
        ents += [state.entity_at(t) for t in ap.subtree if t.dep_ not in ("relcl",)]
    names = [e for e in ents if e is not None and e.label in ("PERSON", "ORG")]
    if not any(e.label == "PERSON" for e in names) and (low in person_heads or kind is None):
        # "the boss of the railway company, X,": a person in apposition deeper in the phrase
        deep = [state.entity_at(t) for t in sub if t.dep_ == "appos" or t.head.dep_ == "appos"]
        names = [e for e in deep if e is not None and e.label == "PERSON"] + names
    head_ent = state.entity_at(tok)
    if names:
        persons = [e for e in names if e.label == "PERSON"]
        orgs = [e for e in names if e.label == "ORG"]
        if persons and (head_ent is not None and head_ent.label == "PERSON" or low in person_heads
                        or any(e.start <= ap.idx < e.end for ap in appos for e in persons)
                        or kind not in ("group", "government", "document")):
            e = persons[0] if head_ent is None or head_ent.label != "PERSON" else head_ent
            return e.canonical, e.role or _rest_role(phrase, e)
        e = head_ent if head_ent is not None and head_ent.label == "ORG" else (orgs or names)[0]
        if head_ent is None and kind in ("group", "government") and tok.pos_ == "NOUN" and \
                not any(t.dep_ == "prep" for t in tok.children):
            # "the UN migration agency", "the WHO team": the organisation's body, named in full
            text = _phrase_text(phrase)
            if text and 2 <= len(text.split()) <= 6 and text.lower() != e.canonical.lower():
                return text, None
        role = None
        if low in person_heads and head_ent is None:  # "a spokesman for the ministry"
            role = tok.text
        return e.canonical, role
    text = _phrase_text(phrase)
    if not text or text.lower() in L("person_pron") or text.lower() in L("group_pron"):
        return None, None
    words = text.split()
    definite = any(c.lower_ in ("the", "this", "its", "that") and c.dep_ in ("det", "poss") for c in tok.children)
    if kind == "government" and len(words) <= 4:
        country = _government(state, phrase, tok)
        if country:
            return f"Government of {country}", text
    if kind in ("group", "government") and tok.tag_ == "NN" and len(words) == 1 and definite:
        # "the agency said": the organisation named before it in its sentence, else the one that spoke last
        sent = tok.sent
        # an organisation outside quotations named before: with the word ("the council": "X
        # Refugee Council"), else the last one named in this sentence
        named = state.last_org_named(low, at)
        if named is None:
            named = next((e for e in reversed(state.ix.between(sent.start_char, at))
                          if e.label == "ORG" and not state.quoted(e.start)), None)
        if named is not None:
            return named.canonical, None
        got = state.organisation(at)
        if got:
            return got
        return text, None  # "the army said", nothing named before: the army
    if kind == "document" and definite and len(words) <= 2:
        return _document(state, tok) or (text, None)
    if low in ("regime", "government", "administration") and any(t.dep_ == "poss" for t in tok.children):
        poss = next(t for t in tok.children if t.dep_ == "poss")
        pe = state.entity_at(poss)
        if poss.lower_ == "whose" and tok.head.dep_ == "relcl":
            pe = state.entity_at(tok.head.head)
        elif poss.lower_ in L("person_pron"):
            got = state.pronoun(poss.lower_, poss.idx)
            pe = state.first_named(got[0]) if got else None
        if pe is not None and pe.label == "PERSON":
            country = _country_of_role(state, pe.role)
            if country:
                return f"Government of {country}", f"{pe.canonical}'s {tok.text}"
            return f"{pe.canonical}'s {tok.text}", None
    if low in roles and tok.tag_ == "NN" and len(words) <= 4:
        # "the president said", "Niger's army chief said": the person named with that role
        got = _person_with_role(state, tok, phrase)
        if got:
            return got
        return text, text
    if text[0].islower() and kind is None and not (tok.tag_ == "NNS" and len(words) <= 4):
        return None, None
    if len(words) > 8:
        return None, None
    return text, None


def _phrase_text(phrase: list[Token]) -> str:
    text = " ".join(t.text for t in phrase).strip()
    text = re.sub(r"\s+(['’]s)\b", r"\1", text)
    text = re.sub(r"\s*-\s*", "-", text)
    words = text.split()
    while words and words[0].lower() in _determiners():
        words = words[1:]
    return " ".join(words)


def _person_with_role(state: _Speakers, tok: Token, phrase: list[Token]) -> tuple[str, str | None] | None:
    """The person named with the role word ``tok`` (and its other content words), before the
    phrase, else after it."""
    low = tok.lower_
    want = {_bare(t.lower_) for t in phrase if t.pos_ in ("NOUN", "PROPN", "ADJ") and t.lower_ not in
            _determiners()}
    want.add(low)
    # a person fits when their role has the word and, if the phrase has more words, one more
    # of them: the people whose role has both, from an index by word pairs
    by_word = state.people_with_role_words(low)
    lists = [by_word[w] for w in ([low] if len(want) == 1 else want - {low}) if w in by_word]
    people = state.role_people()
    before = max((ks[k - 1] for ks, starts in lists if (k := bisect_left(starts, tok.idx))), default=None)
    if before is not None:
        e = people[before][0]
        return e.canonical, e.role
    after = min((ks[k] for ks, starts in lists if (k := bisect_right(starts, tok.idx)) < len(ks)), default=None)
    if after is not None:
        e = people[after][0]
        return e.canonical, e.role
    return None


def _bare(word: str) -> str:
    return re.sub(r"['’]s?$", "", word)


def _document(state: _Speakers, tok: Token) -> tuple[str, str | None] | None:
    """ "the report said": the document last named with more words ("an unclassified US
    intelligence assessment"), or the document that spoke last."""
    s = state.last_speaker(tok.idx, person=False)
    doc = state.ctx.doc
    for t in reversed(doc[max(0, tok.i - 400):tok.i]):
        if L("speaker_kind").get(t.lemma_.lower()) == "document" and t.pos_ == "NOUN" and t.i != tok.i \
                and not _in_quotes(t, state.qs):
            mods = [c for c in t.children if c.dep_ in ("amod", "compound", "nmod", "poss") and c.i < t.i
                    and c.pos_ != "PRON"]
            if mods:
                first = min(min(x.i for x in m.subtree) for m in mods)
                text = _phrase_text(list(doc[first:t.i + 1]))
                if s is not None and s.at > t.idx:
                    return s.name, s.role
                return text, None
    return (s.name, s.role) if s else None


def _rest_role(phrase: list[Token], e: Entity) -> str | None:
    rest = " ".join(t.text for t in phrase if not (e.start <= t.idx < e.end)).strip()
    if rest and any(w.lower() in L("roles") for w in rest.split()) and len(rest.split()) <= 8:
        return re.sub(r"\s+(['’]s)\b", r"\1", rest)
    return None


def _country_of_role(state: _Speakers, role: str | None) -> str | None:
    if not role:
        return None
    for w in re.findall(r"[A-Za-z.]+", role):
        if w.lower() in L("demonyms"):
            return _country_name(L("demonyms")[w.lower()])
    m = re.search(r"\b(?:of|for) ([A-Z][a-z]+)", role) or re.search(r"\b([A-Z][a-z]+)['’]s\b", role)
    return m.group(1) if m else None


def _medium(ctx: DocContext, verb: Token | None, sent: Span) -> str | None:
    if verb is not None:
        if verb.lemma_.lower() == "tell":
            for o in (c for c in verb.children if c.dep_ in ("dobj", "dative", "iobj")):
                phrase = " ".join(t.text for t in o.subtree)
                if L("media").search(phrase) or (o.pos_ == "PROPN" and o.ent_type_ == "ORG"):
                    return f"told {phrase}"
    channel, told = _sentence_media(ctx, sent)
    if channel is not None:
        return channel
    if verb is not None and verb.lemma_.lower() in ("tweet", "post"):
        return "tweeted" if verb.lemma_.lower() == "tweet" else "posted"
    return told


def _sentence_media(ctx: DocContext, sent: Span) -> tuple[str | None, str | None]:
    """What the sentence's words alone tell of the medium: a platform or a channel phrase,
    and "told <outlet>" (read once per sentence, however many quotes it has)."""
    memo = ctx._cache.setdefault("quotes.media", {})
    key = (sent.start, sent.end)
    if key in memo:
        return memo[key]
    s = sent.text
    channel = told = None
    for pat, name in L("platforms"):
        if pat.search(s):
            channel = name
            break
    if channel is None:
        for pat, name in L("phrases"):
            if pat.search(s):
                channel = name
                break
    m = re.search(r"\btold ((?:the )?[A-Z][\w-]+(?: [A-Z][\w-]+)*)", s)
    if m:
        told = f"told {m.group(1)}"
    else:
        m = re.search(r"\btold (" + L("media").pattern + ")", s)
        if m:
            told = f"told {m.group(1)}"
    memo[key] = channel, told
    return channel, told


def _headline(ctx: DocContext, sent: Span) -> bool:
    """A title or heading: the document's title, or a short line without a final stop whose
    words are capitalised."""
    text = sent.text.strip()
    title = (ctx.title or "").strip()
    if len(title) > 10 and len(text) > 10 and (text in title or title in text):
        return True
    if "\n" in text or not text or text[-1] in ".!?\"”»:":
        return False
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text)]
    if len(words) < 3 or len(words) > 25:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps / len(words) >= 0.6


# ---------------------------------------------------------------- direct


def _speech_verbs(sent: Span, qs: list[_Q]) -> list[Token]:
    return [t for t in sent if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in L("speech") and not _in_quotes(t, qs)
            and not _not_speech(t)]


def _not_speech(t: Token) -> bool:
    """ "needless to say", "so to speak", "the talks are said to ...": no one speaks."""
    if t.lemma_.lower() in ("say", "speak") and any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children) and \
            t.dep_ in ("xcomp", "advcl", "acomp") and t.head.pos_ in ("ADJ", "ADV", "AUX"):
        return True
    if t.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in t.children) and not any(
            c.dep_ == "agent" for c in t.children) and t.lemma_.lower() in _frame("hearsay"):
        return True  # "he is said to have ...", "is reported to be": hearsay without a speaker
    return False


class _Cue:
    """Quote introductions that are no verb of saying (handlers of the "quotes.en" table)."""

    @staticmethod
    def according_to(ctx: DocContext, state: _Speakers, sent: Span, m: re.Match):
        return _phrase_speaker(ctx, state, sent, m.start(1), m.end(1))

    @staticmethod
    def in_the_words_of(ctx: DocContext, state: _Speakers, sent: Span, m: re.Match):
        return _phrase_speaker(ctx, state, sent, m.start(1), m.end(1))


CUES = RuleTable("quotes.en", _Cue, [
    rule(r"\b[Aa]ccording to ((?:the |a |an )?[^,.;:“”\"]{2,80}?)(?=,|\.|:|$|\s[“\"])", "according_to",
         "According to the provincial governor, the bridge was destroyed."),
    rule(r"\b[Ii]n the words of ((?:the |a |an )?[^,.;:“”\"]{2,80}?)(?=,|\.|:|$|\s[“\"])", "in_the_words_of",
         "In the words of the camp's director, \"we have run out of everything.\""),
])


def _phrase_speaker(ctx: DocContext, state: _Speakers, sent: Span, a: int, b: int):
    span = ctx.doc.char_span(sent.start_char + a, sent.start_char + b, alignment_mode="expand")
    speaker, role = _noun_phrase_speaker(state, span.root) if span is not None else (None, None)
    if speaker is None:
        text = sent.text[a:b]
        words = text.split()
        if words and words[0].lower() in _determiners():
            words = words[1:]
        speaker = " ".join(words) or None
    return speaker, role


def _attribute(ctx: DocContext, state: _Speakers, sent: Span, q: _Q, qs: list[_Q]):
    """(speaker, role, medium, verb) of a direct quote, or None."""
    words = q.text.split()
    short = len(words) <= 3
    if short:
        if re.search(r"so-called\s*[\"“]?$", ctx.text[max(0, q.start - 12):q.start]):
            return None
        verb = _governing_speech_verb(ctx, q, qs)
        if verb is None:
            return None
    else:
        verbs = _speech_verbs(sent, qs)
        end_sent = ctx.sentence_of(max(q.start, q.end - 1))
        if end_sent.start != sent.start:  # a quote of several sentences: attributed after its end
            verbs += _speech_verbs(end_sent, qs)
        after = ctx.doc.char_span(q.end, min(len(ctx.text), q.end + 3), alignment_mode="expand")
        if after is not None and after[-1].sent.start not in (sent.start, end_sent.start):
            verbs += [v for v in _speech_verbs(after[-1].sent, qs) if v.idx - q.end < 40]
        # a verb of saying inside another quotation of the sentence, or beyond a paragraph, is not this one's
        # (but "X stated,|:" closing a paragraph introduces the quotation that opens the next)
        verbs = [v for v in verbs if "\n" not in ctx.text[min(v.idx, q.end):max(v.idx, q.start)] or
                 re.fullmatch(r"[,:]?\s*[\"“„«]?", ctx.text[v.idx + len(v.text):q.start])]
        if not verbs:
            return _other_cues(ctx, state, sent, q)
        # the verb nearest the quote, preferring one just after it ('"...," X said')
        verb = min(verbs, key=lambda v: (abs(v.idx - q.end) if v.idx >= q.end else abs(q.start - v.idx) + 5))
    # "X tweeted a thread from a woman in Y: ..." - the words are the woman's
    for obj in (c for c in verb.children if c.dep_ == "dobj"):
        if L("speaker_kind").get(obj.lemma_.lower()) == "document" or obj.lemma_.lower() in ("thread", "video",
                                                                                               "account", "testimony"):
            for prep in (c for c in obj.children if c.dep_ == "prep" and c.lower_ in ("from", "by")):
                for src in (c for c in prep.children if c.dep_ == "pobj"):
                    phrase = " ".join(t.text for t in src.subtree)
                    return re.sub(r"^(?:a|an|the)\s+", "", phrase), None, _medium(ctx, verb, sent), verb
    # "X quoted Y as saying": Y speaks
    quoting = verb if verb.lemma_.lower() in ("quote", "cite") else verb.head.head if (
        verb.dep_ in ("pcomp", "advcl") and verb.head.lower_ == "as") else None
    if quoting is not None and quoting.lemma_.lower() in ("quote", "cite") and any(
            c.lower_ == "as" for c in quoting.children):
        objs = [c for c in quoting.children if c.dep_ == "dobj"]
        if objs:
            speaker, role = _noun_phrase_speaker(state, objs[0])
            if speaker:
                return speaker, role, _medium(ctx, verb, sent), verb
    speaker, role = _speaker_of(ctx, state, verb)
    if speaker is None:
        return None
    return speaker, role, _medium(ctx, verb, sent), verb


def _other_cues(ctx: DocContext, state: _Speakers, sent: Span, q: _Q):
    """A quote without a verb of saying: "in the words of X", "according to X", or a colon
    after a clause whose subject speaks ('The minister was blunt: "..."')."""
    for r in CUES:
        for m in r.pattern.finditer(sent.text):
            if not (q.start <= sent.start_char + m.start() < q.end):
                speaker, role = getattr(CUES.owner, r.handler)(ctx, state, sent, m)
                if speaker:
                    return speaker, role, _medium(ctx, None, sent), None
    before = ctx.text[max(0, q.start - 4):q.start]
    if ":" in before:
        colon = ctx.text.rfind(":", 0, q.start)
        lead = ctx.doc.char_span(sent.start_char, colon, alignment_mode="contract") if colon > sent.start_char else None
        if lead is None or len(lead) == 0:
            # the colon closes the sentence before: "It writes:" then the quotation
            prev = ctx.doc[sent.start - 1].sent if sent.start > 0 else None
            while prev is not None and prev.start > 0 and all(t.is_punct or t.is_space for t in prev):
                prev = ctx.doc[prev.start - 1].sent   # an opening mark the parser left on its own
            if prev is None or not prev.text.rstrip(" \n\"“„«").endswith(":"):
                return None
            lead = prev
        roots = [t for t in lead if t.dep_ == "ROOT" or (t.head.i >= lead.end or t.head.i < lead.start)]
        for root in roots:
            if root.pos_ in ("VERB", "AUX") and not _in_quotes(root, [q]):
                speaker, role = _speaker_of(ctx, state, root)
                if speaker:
                    return speaker, role, _medium(ctx, root, lead), root
    elif sent.start > 0 and _opens_sentence(ctx, q, sent):
        # "X stated," at the end of a paragraph, the quotation in the next one
        prev = ctx.doc[sent.start - 1].sent
        while prev.start > 0 and all(t.is_punct or t.is_space for t in prev):
            prev = ctx.doc[prev.start - 1].sent   # an opening mark the parser left on its own
        last = [t for t in prev if not t.is_space]
        if len(last) >= 3 and last[-1].text == "," and last[-2].lemma_.lower() in L("speech") and \
                last[-2].pos_ == "VERB":
            speaker, role = _speaker_of(ctx, state, last[-2])
            if speaker:
                return speaker, role, _medium(ctx, last[-2], prev), last[-2]
    return None


def _governing_speech_verb(ctx: DocContext, q: _Q, qs: list[_Q]) -> Token | None:
    span = ctx.doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None:
        return None
    t = span.root
    for _ in range(7):
        if t.head.i == t.i:
            return None
        came_as = t.dep_
        t = t.head
        if _in_quotes(t, qs) or t.pos_ not in ("VERB", "AUX"):
            continue
        if t.lemma_.lower() in L("speech"):
            if any(c.dep_ in ("nsubjpass", "auxpass") for c in t.children) and \
                    not any(c.dep_ == "agent" for c in t.children):
                return None   # "troops were told to prepare a "...": the one spoken to, no speaker
            return t
        if t.lemma_.lower() == "be":
            # "in what X called an "operation"": the copula of a "what"-clause
            said = [c for c in t.children if c.dep_ in ("csubj", "nsubj", "ccomp") and c.lemma_.lower() in L("speech")
                    and any(w.lower_ == "what" for w in c.subtree)]
            if said:
                return said[0]
            if any(c.lower_ == "what" for c in t.subtree):
                continue
            return None
        if came_as not in ("xcomp", "pcomp", "advcl", "pobj", "dobj", "prep", "attr", "nsubj") or \
                t.dep_ not in ("xcomp", "pcomp", "advcl", "ROOT"):
            return None  # quoted words inside a reported clause belong to that clause
    return None


def _reported_clause(verb: Token, sent: Span, memo: dict | None = None) -> list[Token]:
    """The clause a verb of saying governs, in its sentence (``memo``: the clauses read
    already, for the next quote of the sentence)."""
    if memo is not None:
        key = (verb.i, sent.start, sent.end)
        got = memo.get(key)
        if got is None:
            got = memo[key] = _reported_clause(verb, sent)
        return got
    comps = [c for c in verb.children if c.dep_ == "ccomp"]
    if not comps:
        # "said in a statement that ...": a "that" clause the parser hung elsewhere
        for t in sent[verb.i - sent.start + 1: verb.i - sent.start + 9]:
            if t.lower_ == "that" and t.dep_ == "mark" and verb in t.head.ancestors:
                comps = [t.head]
                break
    if not comps:
        return []
    toks = sorted((t for t in comps[0].subtree if sent.start <= t.i < sent.end), key=lambda t: t.i)
    if comps[0].i < verb.i:
        toks = [t for t in toks if t.i < verb.i]   # "<claim>, officials said."
    else:
        toks = [t for t in toks if t.i > verb.i]
    return toks


def _mixed(ctx: DocContext, q: _Q, sent: Span, qs: list[_Q]) -> tuple[Token, list[Token]] | None:
    """The reporting verb and its clause when the quote lies inside a reported clause."""
    memo = ctx._cache.setdefault("quotes.clauses", {})
    for verb in sent:
        if verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() not in L("reporting") or _in_quotes(verb, qs):
            continue
        ctx.check()
        toks = _reported_clause(verb, sent, memo)
        if toks and toks[0].idx <= q.start and q.end <= toks[-1].idx + len(toks[-1].text) + 1 and \
                not (toks[0].idx >= q.start - 1 and toks[-1].idx + len(toks[-1]) <= q.end + 1):
            return verb, toks
    return None


def _quoted_share(toks: list[Token], q: _Q) -> float:
    words = [t for t in toks if not t.is_punct]
    inside = [t for t in words if q.start <= t.idx < q.end]
    return len(inside) / max(1, len(words))


def extract(ctx: DocContext) -> list[Quote]:
    out = _extract_en(ctx) if ctx.language == "en" else _extract_other(ctx)
    return _past_date_label(ctx, out)


def _past_participle_phrase(ctx: DocContext, sent: Span, a: int) -> int:
    """"According to a nurse treating the wounded, gathered in the yard, at least 20 people
    died": a claim does not open on a verb without a subject left over from the speaker's
    phrase; it starts with the subject of the sentence's verb, where that comes after it."""
    first = next((t for t in sent if t.idx >= a and not t.is_punct), None)
    root = sent.root
    if first is None or first.pos_ != "VERB" or first is root or \
            any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in first.children):
        return a   # a clause of its own ("killed 12 people" has its subject before it)
    subj = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass", "expl") and c.idx > first.idx]
    if not subj or root.idx < first.idx:
        return a
    return min(t.idx for t in subj[0].subtree)


def _past_date_label(ctx: DocContext, quotes: list[Quote]) -> list[Quote]:
    """A reported clause that opens the text starts after the page's date label ("date
    2024-05-01 Some 300 families arrived ...": the quotation is "Some 300 families ...")."""
    label = PAGE_DATE_LABEL.match(ctx.text)
    if label is None:
        return quotes
    end = label.end()
    for q in quotes:
        if q.start < end < q.end and q.text == ctx.text[q.start:q.end]:
            q.start, q.text = end, ctx.text[end:q.end]
    return quotes


def _extract_en(ctx: DocContext) -> list[Quote]:
    spans = _quote_spans(ctx.text, ctx.check)
    state = _Speakers(ctx, spans)
    out: list[Quote] = []
    prev: Quote | None = None        # the last direct quote attributed
    by_sent: dict[int, _QList] = {}
    for q in spans:
        by_sent.setdefault(ctx.sentence_of(q.start).start, _QList()).append(q)
    for sent in ctx.sentences():
        ctx.check()
        qs = by_sent.get(sent.start, _QList())
        mark = len(out)
        partial: list[tuple[_Q, Token]] = []   # quoted words inside a reported clause
        for q in qs:
            ctx.check()
            if _named_words(ctx, q, sent):
                continue
            mixed = _mixed(ctx, q, sent, spans)
            if mixed is not None and _quoted_share(mixed[1], q) < 0.5:
                partial.append((q, mixed[0]))
                continue  # part of a reported clause: the clause is the quote
            attr = _attribute(ctx, state, sent, q, qs)
            if attr is None:
                attr = _continued(ctx, state, sent, q, prev)
            if attr is None or attr[0] is None:
                continue
            speaker, role, medium, _ = attr
            quote = Quote(start=q.start, end=q.end, sentence=ctx.sentence_text(sent), text=q.text, speaker=speaker,
                          speaker_role=role, kind="direct", medium=medium)
            out.append(quote)
            state.spoke(speaker, role, q.start)
            prev = quote
        over = spans.meeting(sent.start_char, sent.end_char)
        # the direct quotes of this sentence (every quote starts in the sentence it was found in)
        direct = [o for o in out[mark:] if sent.start_char <= o.start < sent.end_char]
        reported = _reported(ctx, state, sent, over, direct)
        for r in reported:
            out.append(r)
            state.spoke(r.speaker, r.speaker_role, r.start)
        for q, verb in partial:
            quote = _partial_quote(ctx, state, sent, q, verb, reported)
            if quote is not None:
                out.append(quote)
        state.observe(sent)
    out = _pull_quotes(ctx, spans, out)
    out = _introduced_paragraphs(ctx, state, spans, out)
    out.sort(key=lambda x: x.start)
    return out


_SIGNED = re.compile(r"(?:^|(?<=[.!?])[\"”’]?\s+)(?:[—–-]\s*)?(?=[A-Z])")


def _pull_quotes(ctx: DocContext, spans: _QList, taken: list[Quote]) -> list[Quote]:
    """A quotation set off without quotation marks and signed by its speaker: a paragraph
    whose last words are a name with nothing else but a role ("... we will rebuild. Maria
    Lopez, mayor of the town", a pull quote or block quote), or a line "— Name, role" under
    it. The signature has no verb; the words before it are the speaker's (clauses reported
    inside them are part of the quotation). ``taken``: the quotes found so far; returns them
    with the signed ones."""
    text = ctx.text
    out: list[Quote] = list(taken)
    paras = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    for k, (a, b) in enumerate(paras):
        ctx.check()
        line = text[a:b]
        for m in _SIGNED.finditer(line):
            at = a + m.end()
            sign = _signature(ctx, at, b)
            if sign is None:
                continue
            if m.end() == 0 or not line[:m.start()].strip():
                # the signature is the whole line ("— Name, role"): the line before is the quotation
                if not re.match(r"\s*[—–-]", line) or k == 0:
                    break
                qa, qb = paras[k - 1]
            else:
                qa, qb = a, a + m.start()
            body = text[qa:qb].strip()
            qa += len(text[qa:qb]) - len(text[qa:qb].lstrip())
            body = body.rstrip(" .,;:")
            qb = qa + len(body)
            if len(body.split()) < 6 or spans.meeting(qa, qb) or any(
                    o.start < qb and qa < o.end and o.kind == "direct" for o in out):
                break
            out = [o for o in out if not (qa <= o.start < qb)]
            sent = ctx.sentence_of(qa)
            out.append(Quote(start=qa, end=qb, sentence=ctx.sentence_text(sent), text=body, speaker=sign[0],
                             speaker_role=sign[1], kind="direct", medium=None))
            break
    return out


def _introduced_paragraphs(ctx: DocContext, state: _Speakers, spans: _QList, taken: list[Quote]) -> list[Quote]:
    """A paragraph without quotation marks after one that ends in a verb of saying and a colon
    ("The ministry rejected the claims:" then its words, set as a block quote): a direct quote of
    that verb's speaker. A list (items opening with a dash, a bullet or a number) is not one."""
    text = ctx.text
    out = list(taken)
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]
    for (a, b), (qa, qb) in zip(lines, lines[1:]):
        ctx.check()
        if not text[a:b].rstrip().endswith(":"):
            continue
        body = text[qa:qb].strip()
        qa += len(text[qa:qb]) - len(text[qa:qb].lstrip())
        if len(body.split()) < 6 or body[0] in _MARKS or not body.rstrip(_MARKS + "’'").endswith((".", "!", "?")) or \
                re.match(r"[-–—•*\d]", body) or spans.meeting(qa, qa + len(body)):
            continue
        qb = qa + len(body)
        for sent in ctx.sentences()[ctx.sentences().index(ctx.sentence_of(qa)) + 1:]:
            if sent.start_char >= qb:
                break
            if any(t.lemma_.lower() in L("speech") and t.pos_ == "VERB" and any(
                    c.dep_ == "nsubj" and c.lower_ not in ("i", "we") for c in t.children) for t in sent):
                qb = sent.start_char   # the report's own voice again ("They also said ...")
                break
        body = text[qa:qb].rstrip(" .")
        qb = qa + len(body)
        if any(o.start < qb and qa < o.end and o.kind == "direct" for o in out):
            continue
        lead = ctx.sentence_of(text.rfind(":", a, b))
        verbs = [t for t in lead if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in L("speech") and
                 not _in_quotes(t, spans) and not _not_speech(t)]
        if not verbs:
            continue
        speaker, role = _speaker_of(ctx, state, verbs[-1])
        if not speaker:
            continue
        out = [o for o in out if not (qa <= o.start < qb)]
        out.append(Quote(start=qa, end=qb, sentence=ctx.sentence_text(ctx.sentence_of(qa)), text=body,
                         speaker=speaker, speaker_role=role, kind="direct", medium=_medium(ctx, verbs[-1], lead)))
    return out


def _signature(ctx: DocContext, a: int, b: int) -> tuple[str, str | None] | None:
    """(name, role) when ``text[a:b]`` is a person's name alone or followed by ", role"."""
    tail = ctx.text[a:b].rstrip(" .")
    if not tail or len(tail) > 120 or len(tail.split()) > 14:
        return None
    ents = [e for e in ctx.entities if e.label == "PERSON" and e.start == a]
    if ents:
        e = max(ents, key=lambda e: e.end)
        name, end = e.canonical or e.text, e.end
    else:
        # a name the recogniser missed: two to four capitalised words whose last one speaks
        # elsewhere in the report ("Okafor said", "Okafor also claims")
        m = re.match(r"[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,3}(?=,|$)", tail)
        if not m or not _speaks_elsewhere(ctx, m.group().split()[-1], a):
            return None
        name, end = m.group(), a + m.end()
    rest = ctx.text[end:a + len(tail)]
    if rest.strip() and not re.match(r"\s*,\s*\S", rest):
        return None
    span = ctx.doc.char_span(a, a + len(tail), alignment_mode="expand")
    if span is None or any(t.pos_ in ("VERB", "AUX") and t.tag_ != "VBN" for t in span):
        return None
    return name, rest.strip(" ,") or None


def _speaks_elsewhere(ctx: DocContext, word: str, at: int) -> bool:
    """``word`` is, somewhere else in the text, the subject of a verb of saying."""
    return any(t.text == word and t.dep_ == "nsubj" and t.head.lemma_.lower() in L("speech") and
               abs(t.idx - at) > 2 for t in ctx.doc)


def _partial_quote(ctx: DocContext, state: _Speakers, sent: Span, q: _Q, verb: Token,
                   reported: list[Quote]) -> Quote | None:
    """Quoted words inside a reported clause that gave no reported quote of its own (told the
    police "everything he knew"): the quoted words are the speaker's, a direct quote. Where the
    clause was taken, it stands for them (one quote, not two); a single word or a name in
    quotation marks is no quotation."""
    if any(r.start <= q.start < r.end for r in reported) or len(q.text.split()) < 2 or _is_title(q.text):
        return None
    speaker, role = _speaker_of(ctx, state, verb)
    if not speaker:
        return None
    state.spoke(speaker, role, q.start)
    return Quote(start=q.start, end=q.end, sentence=ctx.sentence_text(sent), text=q.text, speaker=speaker,
                 speaker_role=role, kind="direct", medium=_medium(ctx, verb, sent))


def _named_words(ctx: DocContext, q: _Q, sent: Span) -> bool:
    """Words in quotation marks that are named rather than quoted: a title inside a sentence
    (a robot named "Hope for the Valley"), or words a noun introduces ("adding the words "and
    Relief" to its name", "under the slogan "..."")."""
    if not _opens_sentence(ctx, q, sent) and _is_title(q.text):
        return True
    before = ctx.text[max(sent.start_char, q.start - 40):q.start]
    m = re.search(r"(\S+)\s+([^\W\d_]+)\s*[\"“«„]?$", before)
    # "his words: ..." / "in her words, ..." are a speaker's: only a noun right before the marks
    return bool(m) and m.group(2).lower() in L("mention") and \
        m.group(1).lower() not in L("person_pron") and m.group(1).lower() not in L("group_pron") and not re.search(r"['’]s?$", m.group(1))


def _is_title(text: str) -> bool:
    """Every word capitalised but the short function words ("Lessons From the Flood"): the
    name of a work, a campaign or a thing in quotation marks, not quoted speech."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    if len(words) < 2 or len(words) > 12 or re.search(r"[.!?,;:]", text.rstrip(".!?")):
        return False
    small = L("title_small")
    return all(w[0].isupper() or w.lower() in small for w in words) and words[0][0].isupper()


def _continued(ctx: DocContext, state: _Speakers, sent: Span, q: _Q, prev: Quote | None):
    """A quotation with no attribution of its own that follows the last one attributed ('"...,"
    she said. "..."'), or opens a paragraph after a speaker's introduction ("It writes:")."""
    if len(q.text.split()) < 4:
        return None
    if prev is not None and min(q.start, len(ctx.text)) - prev.end < 600:
        gap = ctx.text[prev.end:q.start]
        # the sentences between the two (not the one that attributes the first) name no one else
        first = ctx.sentence_of(max(prev.start, prev.end - 1))
        between = [t for t in ctx.doc[first.end:sent.start] if t.idx >= prev.end]
        if gap.count("\n") <= 4 and not any(
                t.ent_type_ in ("PERSON", "ORG") or t.lemma_.lower() in L("speech") or _person_subject(t)
                for t in between) and _opens_sentence(ctx, q, sent):
            return prev.speaker, prev.speaker_role, prev.medium, None
    # a quotation that makes a sentence of its own just after one whose subject is a person
    # ("A nurse walked through the ward. "I had never seen so many wounded ..."")
    if len(q.text.split()) >= 6 and _opens_sentence(ctx, q, sent) and sent.start > 0:
        before = ctx.doc[sent.start - 1].sent
        if not any(_in_quotes(t, state.qs) for t in before) and ctx.text[before.end_char:q.start].count("\n") <= 2:
            subj = next((t for t in before if t.dep_ in ("nsubj", "nsubjpass") and t.head.pos_ in ("VERB", "AUX")), None)
            if subj is not None and _person_subject(subj):
                speaker, role = _noun_phrase_speaker(state, subj)
                if speaker:
                    return speaker, role, None, None
    return None


def _person_subject(t: Token) -> bool:
    """A subject that is a person: a name, or a noun for a person ("a woman", "the governor")."""
    return t.dep_ in ("nsubj", "nsubjpass") and (
        t.ent_type_ == "PERSON" or L("speaker_kind").get(t.lemma_.lower()) == "person" or t.lower_ in L("roles"))


def _opens_sentence(ctx: DocContext, q: _Q, sent: Span) -> bool:
    return ctx.text[sent.start_char:q.start].strip(" \"“«„") == ""


# ---------------------------------------------------------------- reported


_CUT = re.compile(r",?\s+(?:while|whereas|but|although|though)\s|;\s|\s[—–]\s|,\s(?:according to|citing)\s|\n")


def _span_quote(ctx: DocContext, sent: Span, a: int, b: int, speaker: str, role: str | None, medium: str | None,
                qs: list[_Q]) -> Quote | None:
    text = ctx.text
    body = text[a:b]
    m = _CUT.search(body)
    if m and m.start() > 10:
        body = body[:m.start()]
    lead = re.match(r"^(?:that\s+|,\s*|:\s*)+", body)
    if lead:
        a += lead.end()
        body = body[lead.end():]
    body = body.rstrip(" ,.;:\"“”")
    if len(body.split()) < 2 or not speaker:
        return None
    return Quote(start=a, end=a + len(body), sentence=ctx.sentence_text(sent), text=body, speaker=speaker,
                 speaker_role=role, kind="indirect", medium=medium)


def _strip_lead(toks: list[Token]) -> list[Token]:
    """Marks and sentence adverbs before a clause's subject ("that", "However,")."""
    while toks and (toks[0].dep_ in ("mark", "cc") or toks[0].is_punct or
                    (toks[0].dep_ == "advmod" and len(toks) > 1 and toks[1].is_punct and toks[1].text == ",")):
        toks = toks[1:]
    return toks


def _speaks_itself(toks: list[Token], verb: Token) -> bool:
    """The clause is someone else's speech ("X denied it, CNN reported"): its root is a verb of
    saying with a subject of its own."""
    ids = {t.i for t in toks}
    roots = [t for t in toks if t.head.i == verb.i or t.head.i not in ids]
    return any(r.lemma_.lower() in L("reporting") and r.pos_ == "VERB" and any(
        c.dep_ == "nsubj" for c in r.children) for r in roots)


def _reported(ctx: DocContext, state: _Speakers, sent: Span, qs: list[_Q], direct: list[Quote]) -> list[Quote]:
    out: list[Quote] = []
    if _headline(ctx, sent):
        return out

    def covered(a: int, b: int, toks: list[Token] | None = None) -> bool:
        """A direct quote stands for the clause: one taken inside it, or a quotation that is most
        of it."""
        if any(a <= d.start < b for d in direct):
            return True
        return any(a <= q.start < b and (toks is None and q.end - q.start > 40 or
                                          toks is not None and _quoted_share(toks, q) >= 0.5) for q in qs)

    for r in CUES:
        if r.handler != "according_to":
            continue
        for m in r.pattern.finditer(sent.text):
            speaker, role = _Cue.according_to(ctx, state, sent, m)
            cue = ctx.doc.char_span(sent.start_char + m.start(), sent.start_char + m.start() + 9,
                                    alignment_mode="expand")
            sub = sorted(cue[0].subtree, key=lambda t: t.i) if cue is not None else []
            if m.start() <= 2:  # "According to X, <claim>."
                a = sent.start_char + m.end()
                if sub and sub[0].i == cue[0].i and sub[-1].i + 1 < sent.end:
                    # the speaker's phrase as the parse reads it ("a nurse treating ..., gathered ...")
                    rest = [t for t in sent if t.i > sub[-1].i and not t.is_punct]
                    a = max(a, rest[0].idx) if rest and rest[0].idx < sent.end_char else a
                    a = _past_participle_phrase(ctx, sent, a)
                b = sent.end_char
            else:  # "<claim>, according to X."
                a, b = sent.start_char, sent.start_char + m.start()
                lead = re.match(r"^[\s\"“]*", ctx.text[a:b])
                a += lead.end() if lead else 0
            if not covered(a, b) and speaker:
                q = _span_quote(ctx, sent, a, b, speaker, role, _medium(ctx, None, sent), qs)
                if q:
                    out.append(q)
    memo = ctx._cache.setdefault("quotes.clauses", {})
    for verb in sent:
        lemma = verb.lemma_.lower()
        if verb.pos_ not in ("VERB", "AUX") or _in_quotes(verb, qs) or _not_speech(verb):
            continue
        ctx.check()
        toks: list[Token] = []
        if lemma in L("reporting") or (lemma == "point" and any(c.lower_ == "out" for c in verb.children)):
            toks = _reported_clause(verb, sent, memo)
            if toks and toks[0].i < verb.i and _speaks_itself(toks, verb):
                continue  # "<X denied it>, CNN reported": X's words (after the verb they are its speaker's)
            if not toks and lemma in _frame("gerund"):
                toks = _gerund_object(verb)
            if not toks:
                toks = _counted_object(ctx, verb, ("dobj",), lexicon.terms("quote_cues", "en", cue="count_at"))
        elif lemma in _frame("gerund"):
            toks = _gerund_object(verb)
        if not toks and lemma in _frame("object_infinitive"):
            toks = _urged(verb)
        toks = _strip_lead(toks)
        if len(toks) < 2:
            continue
        a, b = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        words = [t for t in toks if not t.is_punct]   # the quotation marks are no words of it
        if sum(1 for t in words if _in_quotes(t, qs)) > len(words) / 2:
            continue  # the clause is a direct quote, counted as one
        if any(o.start <= a < o.end for o in out):
            continue  # a report inside a clause taken already ("X said Y proposed ..."): X's quote holds it
        speaker, role = _speaker_of(ctx, state, verb)
        if speaker is None or covered(a, b, toks):
            continue
        q = _span_quote(ctx, sent, a, b, speaker, role, _medium(ctx, verb, sent), qs)
        if q and not any(o.start == q.start for o in out):
            out.append(q)
    return out


def _counted_object(ctx: DocContext, verb: Token, obj_deps: tuple[str, ...], at_words: frozenset[str]) -> list[Token]:
    """"announced the deaths of 40 civilians", "puts the number of displaced at some 3,200",
    "a annoncé la mort de 40 civils": a verb of saying whose object is a count of people (a
    figure found in it) reports that count; the object, and where the count is given after
    it ("at some 3,200", "à quelque 3 200"), that too. Other objects ("announced new
    measures") are no quotation."""
    obj = next((c for c in verb.children if c.dep_ in obj_deps and c.i > verb.i), None)
    if obj is None:
        return []
    toks = set(obj.subtree)
    for c in verb.children:
        if c.i > obj.i and c.dep_ in ("prep", "obl", "obl:arg", "obl:mod") and (
                c.lower_ in at_words or any(x.dep_ == "case" and x.lower_ in at_words for x in c.children)):
            toks |= set(c.subtree)
    out = sorted(toks, key=lambda t: t.i)
    a, b = out[0].idx, out[-1].idx + len(out[-1].text)
    if not any(f.category in _COUNTED for f in ctx.facts_in("figures", a, b)):
        return []
    return out


_COUNTED = ("killed", "injured", "missing", "displaced", "evacuated", "arrived", "detained", "affected")   # not "population"


def _counted_words(ctx: DocContext, sent: Span, v: Token, lex: dict, qs) -> tuple[int, int] | None:
    """``_counted_object`` read on the words, where there is no parse: a verb of saying
    that opens its sentence (after a day or a conjunction at most), its speaker just after
    it up to a comma, with a day after that, then its object, which gives a count of
    people ("أعلنت X، الاثنين، نزوح 4500 شخص"). The object runs to the next comma or
    the sentence's end and must hold a count of people harmed, displaced or held.
    (start, end) of the object, or None."""
    doc = ctx.doc
    label = PAGE_DATE_LABEL.match(ctx.text)
    page = label.end() if label else 0

    def dated(t: Token) -> bool:
        return bool(ctx.facts_in("dates", t.idx, t.idx + len(t.text)) or ctx.facts_at("dates", t.idx))

    lead = [t for t in doc[sent.start:v.i] if not (t.is_punct or t.idx < page or t.lower_ in lex["and"]
                                                   or t.lower_ in lex["time_lead"] or dated(t))]
    if lead:
        return None   # the speaker before the verb: its clause has other readings (a subject, an object)
    i = v.i + 1   # past the speaker, to its comma, and a day or time set off by commas
    while i < sent.end and doc[i].text not in (",", "،"):
        i += 1
    while i < sent.end and (doc[i].text in (",", "،") or dated(doc[i])):
        i += 1
    if i >= sent.end or doc[i].is_punct or _in_quotes(doc[i], qs) or doc[i].lower_ in lex["comp"]:
        return None
    j = i
    while j < sent.end and doc[j].text not in (",", "،", ";", ".", ":") and not _m_is_speech(doc[j], lex, qs):
        j += 1
    a, b = doc[i].idx, doc[j - 1].idx + len(doc[j - 1].text)
    if not any(f.category in _COUNTED for f in ctx.facts_in("figures", a, b)):
        return None
    return a, b


def _gerund_object(verb: Token) -> list[Token]:
    """ "denied targeting civilians" -> "targeting civilians"."""
    for c in verb.children:
        if c.dep_ in ("xcomp", "dobj", "pcomp") and c.tag_ == "VBG" and c.i > verb.i:
            return sorted(c.subtree, key=lambda t: t.i)
    return []


def _urged(verb: Token) -> list[Token]:
    """ "urged the council to act", "called on both sides to open corridors": object and infinitive."""
    obj = None
    for c in verb.children:
        if c.dep_ in ("dobj", "dative") and c.i > verb.i:
            obj = c
        elif c.dep_ == "prep" and c.lower_ in ("on", "upon") and verb.lemma_.lower() in ("call", "appeal"):
            objs = [x for x in c.children if x.dep_ == "pobj"]
            obj = objs[0] if objs else None
    if obj is None:
        return []
    comp = [c for c in list(verb.children) + list(obj.children) if c.dep_ in ("xcomp", "advcl", "ccomp", "acl")
            and c.i > obj.i and any(x.lower_ == "to" and x.dep_ == "aux" for x in c.children)]
    if not comp:
        return []
    toks = [t for t in obj.subtree if t.i < comp[0].i or t in comp[0].subtree] + list(comp[0].subtree)
    seen: dict[int, Token] = {t.i: t for t in toks}
    return sorted(seen.values(), key=lambda t: t.i)


# ---------------------------------------------------------------- other languages
#
# French, German, Spanish, Russian, Ukrainian, Arabic (and any language given lexicon
# rows): the same steps as English over what each language's parse gives (see
# notes/LANGUAGES.md). Quotation marks of every language (« », „ “, the dialogue dash
# that opens a paragraph in Russian and Ukrainian); verbs of saying by lemma
# (``token._.lemmas`` against speech_verbs rows of the language); the speaker is the
# verb's subject where there is a parser (French, Russian: ``nsubj``), else the phrase
# next to the verb (either side: "sagte der Sprecher", "Der Sprecher sagte", "وقال
# المتحدث"), the named person or organisation in it first, then a role or a speaker noun
# (titles, quote_speakers), a pronoun or no subject at all the last speaker;
# "selon X", "laut X", "по словам X", "وفقا لـX" (quote_cues, according_to) and a verb of
# saying with its complementizer ("a déclaré que", "заявил, что", "قال إن") or with the
# claim before it ("..., a déclaré X", "..., sagte X") make reported speech.

_M_STOP = set(",.;:!?()[]{}«»„“”\"—–،؛؟")
_M_CUT = re.compile(r";\s|\s[—–]\s|\n|؛")


@functools.lru_cache(maxsize=None)
def _mlex(lang: str):
    speakers = lexicon.table("quote_speakers", lang)
    pron = lexicon.table("entity_pronouns", lang)
    cues = lexicon.rows("quote_cues", lang)

    def alt(terms: list[str]) -> str:
        parts = []
        for t in sorted(terms, key=lambda t: (-len(t), t)):
            parts.append(re.escape(t[:-1]) + "ـ?" if t.endswith("ـ") else re.escape(t) + r"(?=[\s,])")
        return "|".join(parts)

    according = [r.term for r in cues if r.cue == "according_to"]
    return {
        "speech": lexicon.terms("speech_verbs", lang),
        "reporting": lexicon.terms("speech_verbs", lang, reporting="yes"),
        "roles": lexicon.terms("titles", lang, type="role"),
        "speaker_kind": {t: r.speaker for t, r in speakers.items()},
        "person_pron": {t: r.gender for t, r in pron.items() if r.refers == "person"},
        "group_pron": {t for t, r in pron.items() if r.refers == "group"},
        "determiners": lexicon.terms("entity_cues", lang, cue="determiner"),
        "according": re.compile(rf"(?<!\w)(?:{alt(according)})\s*", re.I) if according else None,
        "comp": lexicon.terms("quote_cues", lang, cue="complementizer"),
        "phrase_end": lexicon.terms("quote_cues", lang, cue="phrase_end"),
        "particle": lexicon.terms("quote_cues", lang, cue="particle"),
        "anaphor": {t.replace("’", "'") for t in lexicon.terms("quote_cues", lang, cue="anaphor")},
        "demonstrative": lexicon.terms("quote_cues", lang, cue="demonstrative"),
        "org_anaphors": {t.replace("’", "'") for t in lexicon.terms("org_anaphors", lang)},
        "after_quote": lexicon.terms("quote_cues", lang, cue="after_quote"),
        "as": lexicon.terms("quote_cues", lang, cue="as"),
        "passive_aux": lexicon.terms("quote_cues", lang, cue="passive_aux"),
        "time_lead": lexicon.terms("quote_cues", lang, cue="time_lead"),
        "count_at": lexicon.terms("quote_cues", lang, cue="count_at"),
        "infinitive": {t.replace("’", "'") for t in lexicon.terms("quote_cues", lang, cue="infinitive")},
        "channels": {t.lower() for t in lexicon.terms("quote_channels", lang) | lexicon.terms("quote_channels", "en")
                     | lexicon.terms("quote_media", lang)},
        "lang": lang,
        "org_words": lexicon.terms("org_words", lang),
        "and": lexicon.terms("quote_cues", lang, cue="and"),
        "demonyms": {r.term.lower(): r.country for r in lexicon.rows("demonyms", lang) if r.country and r.form == "adj"},
    }


def _lemmas(t: Token) -> tuple[str, ...]:
    got = t._.lemmas if Token.has_extension("lemmas") else None
    if "-" in t.text[1:-1] and t.is_alpha is False and t.text[:1].isalpha():
        # a compound's head after its hyphen ("UN-Generalsekretär", "US-Präsident", "экс-министр")
        return tuple(got or ()) + (t.lower_, t.lower_.rsplit("-", 1)[1])
    return tuple(got or ()) + (t.lower_,)


def _has_deps(doc) -> bool:
    return doc.has_annotation("DEP")


def _m_is_speech(t: Token, lex: dict, qs: _QList, reporting: bool = False) -> bool:
    if t.is_punct or t.is_space or _in_quotes(t, qs):
        return False
    words = lex["reporting"] if reporting else lex["speech"]
    if not any(x in words for x in _lemmas(t)) and not _separable(t, lex, words):
        return False
    # where the parse tags words, a verb (a participle or gerund included), never a noun
    return t.pos_ not in ("NOUN", "PROPN", "ADJ", "ADP", "PRON", "DET", "NUM")


def _particle_at(t: Token, lex: dict) -> Token | None:
    """The particle at the end of a verb's clause ("teilte die Armee am Montag mit"; quote_cues
    particle), or None."""
    if not lex["particle"] or not t.is_alpha or t.text[:1].isupper() and not t.is_sent_start:
        return None
    doc = t.doc
    end = t.sent.end if t.doc.has_annotation("SENT_START") else len(doc)
    commas = 0
    for j in range(t.i + 1, min(end, t.i + 24)):
        u = doc[j]
        if u.is_punct or u.is_space or u.lower_ in lex["comp"]:
            if j - 1 > t.i and doc[j - 1].lower_ in lex["particle"]:
                return doc[j - 1]
            # "teilte der Leiter der Behörde, Jan Berg, am Abend mit": past a name set off by commas
            if u.text == "," and commas < 2 and j + 1 < end and \
                    (commas or doc[j + 1].is_alpha and doc[j + 1].text[:1].isupper()):
                commas += 1
                continue
            return None
    return None


def _separable(t: Token, lex: dict, words: frozenset[str]) -> bool:
    """A verb whose particle stands at its clause's end ("teilte ... mit" -> mitteilen)."""
    p = _particle_at(t, lex)
    return p is not None and any(p.lower_ + x in words for x in _lemmas(t))


def _m_stop(t: Token, lex: dict) -> bool:
    return t.is_punct and (t.text in _M_STOP or t.text[:1] in _M_STOP) or t.lower_ in lex["comp"] or "\n" in t.text


class _MState:
    """Who spoke so far (for pronouns and speakers left out: "Añadió que...", "وأضاف أن...")."""

    def __init__(self, ctx: DocContext, qs: _QList):
        self.ctx, self.qs = ctx, qs
        self.ents = sorted(ctx.entities, key=lambda e: e.start)
        self.ix = _Ents(self.ents)
        self.said: list[_Said] = []

    def spoke(self, name: str, role: str | None, person: bool, at: int) -> None:
        self.said.append(_Said(name, role, person, at))

    def last(self, at: int, person: bool | None = None, within: int = 1200) -> _Said | None:
        for s in reversed(self.said):
            if s.at < at - within:
                return None
            if s.at < at and (person is None or s.person == person):
                return s
        return None


def _m_phrase_text(toks: list[Token], lex: dict) -> str:
    while toks and (toks[0].lower_ in lex["determiners"] or toks[0].is_punct):
        toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].lower_ in lex["determiners"]):
        toks = toks[:-1]
    # words not next to each other (a quotation mark left out between): a space between them
    text = "".join(t.text + (t.whitespace_ or (" " if k + 1 < len(toks) and toks[k + 1].i != t.i + 1 else ""))
                   for k, t in enumerate(toks)).strip()
    return re.sub(r"\s+", " ", text)


def _m_role(toks: list[Token], e: Entity, lex: dict) -> str | None:
    """The words of the phrase outside the name, when they hold a role word."""
    if e.role:
        return e.role
    rest = [t for t in toks if not (e.start <= t.idx < e.end)]
    if not any(set(_lemmas(t)) & lex["roles"] for t in rest):
        return None
    # the role words next to the name: a run without punctuation on either side of it
    before = [t for t in rest if t.idx < e.start]
    after = [t for t in rest if t.idx >= e.end]
    cut = next((k for k, t in enumerate(after) if t.is_punct and k > 0), len(after))
    after = after[:cut]
    for part in (before, after):
        if any(set(_lemmas(t)) & lex["roles"] for t in part):
            text = _m_phrase_text(part, lex)
            if text and len(text.split()) <= 10:
                return text
    return None


def _m_resolve(ctx: DocContext, state: _MState, toks: list[Token], lex: dict, at: int):
    """(score, speaker, role, person) of a phrase next to a verb of saying, or None."""
    toks = [t for t in toks if not t.is_space]
    # after the verb, a body the words were said in ("сообщают в городской администрации", "повідомили в
    # міністерстві"): its name is the speaker where nothing else in the phrase is
    inst = None
    k = next((k for k, t in enumerate(toks[:3]) if t.lower_ in lex["phrase_end"]), None)
    if k is not None and len(toks) > k + 1 and toks[0].idx >= at and toks[k].is_alpha and len(toks[k].text) <= 3 \
            and toks[k + 1].is_alpha and toks[k + 1].lower_ not in lex["channels"] and \
            not ctx.facts_at("dates", toks[k + 1].idx) and not toks[k + 1].like_num:
        inst = []
        for u in toks[k + 1:]:
            if _m_stop(u, lex) or u.like_num or ctx.facts_at("dates", u.idx) or len(inst) >= 6 or \
                    inst and u.lower_ in lex["phrase_end"]:
                break
            inst.append(u)
        # "in einer Erklärung der Gruppe": the one whose statement it is
        doc_at = next((j for j, u in enumerate(inst) if any(lex["speaker_kind"].get(x) == "document"
                                                            for x in _lemmas(u))), None)
        if doc_at is not None:
            owner = [u for u in inst[doc_at + 1:] if u.lower_ not in lex["determiners"]]
            inst = owner if owner and owner[0].text[:1].isupper() else inst
    if inst and k == 0:
        # "сообщают в городской администрации": the body, not the words after its first one
        got = _m_resolve_phrase(ctx, state, inst, lex, at)
        if got is not None and got[0] >= 2:
            return got
    got = _m_resolve_phrase(ctx, state, toks, lex, at)
    if inst and (got is None or k == 0 and got[0] < 3):
        # "hieß es in einer Erklärung der Gruppe": the body named in the phrase
        named = _m_resolve_phrase(ctx, state, inst, lex, at)
        if named is not None and named[0] >= 3:
            return named
        text = _m_phrase_text(inst, lex)
        body = _body_of(text, lex)
        caps = [u for u in inst if u.text[:1].isupper()]
        place = bool(caps) and len(inst) <= 2 and all(ctx.facts_at("places", u.idx) for u in caps)
        if body or (k == 0 or any(u.text[:1].isupper() for u in inst)) and not place:
            return 2, body or text, None, False
    if got is None or got[0] < 3:
        # a body named only by the words of its kind ("نقابة المعلمين المستقلة", "le collectif des
        # avocats"), which no entity finder tags: the whole phrase glosses to an English name
        text = _m_phrase_text(toks, lex)
        if 1 < len(text.split()) <= 6 and _glossed_org(text, lex["lang"]):
            return 3, text, None, False
    return got


def org_canonical(name: str, lang: str) -> str | None:
    from sitroom.extract.entities import org_canonical as canon

    return canon(name, lang)


def _role_then_name(ctx: DocContext, toks: list[Token], lex: dict) -> tuple[str, str] | None:
    """(name, role) where a role word opens the phrase and it ends with two to four capitalised
    words that are no place or date; None otherwise."""
    people = lex["roles"] | {w for w, kind in lex["speaker_kind"].items() if kind == "person"}
    k = next((k for k, t in enumerate(toks[:3]) if set(_lemmas(t)) & people), None)
    if k is None:
        return None
    run: list[Token] = []
    for t in reversed(toks[k + 1:]):
        if t.is_alpha and t.text[:1].isupper() and not t.is_sent_start and len(run) < 4 and \
                (not ctx.facts_at("places", t.idx) or _morph_names(lex["lang"], t.text)) and \
                not ctx.facts_at("dates", t.idx):
            run.insert(0, t)
        else:
            break
    while run and run[0].i <= toks[k].i:
        run.pop(0)   # the role word itself, capitalised ("Sprecher", "UN-Generalsekretär")
    if len(run) < 2 or run[0].i == toks[k].i + 1 and toks[k].is_alpha and toks[k].text[:1].isupper() and \
            lex["lang"] != "de":
        return None
    role = _m_phrase_text([t for t in toks if toks[k].i <= t.i < run[0].i], lex)
    return _m_phrase_text(run, lex), role


def _morph_names(lang: str, word: str) -> bool:
    from sitroom.extract.entities import _morph_names as names

    return names(lang, word)


def _body_of(text: str, lex: dict) -> str | None:
    from sitroom.extract.entities import body_canonical

    return body_canonical(text, lex["lang"])


def _m_resolve_phrase(ctx: DocContext, state: _MState, toks: list[Token], lex: dict, at: int):
    full = toks
    if toks and toks[0].idx < at and toks[0].lower_ in ("hat", "hatte", "habe", "haben", "hatten"):
        toks = toks[1:]   # "..., hat der Minister in Nairobi gesagt": the auxiliary, then the subject
    # the phrase ends at a word that opens what was said where or when ("dans un communiqué",
    # "am Montag", "في بيان"): the phrase before it, if any, when it comes after the verb
    for _ in range(2):
        cut = next((k for k, t in enumerate(toks) if t.lower_ in lex["phrase_end"]), None)
        if cut is None:
            break
        # after the verb, a phrase that opens with it ("заявив у Telegram Мельник"): past it and its word;
        # before the verb, one that opens the clause ("Am Montag hatte die Gruppe mitgeteilt"): past the
        # next such word, if any
        if cut == 0 and toks[0].idx < at:
            nxt = next((k for k, t in enumerate(toks[1:4], 1) if t.lower_ in lex["phrase_end"]), None)
            toks = toks[nxt + 1:] if nxt is not None else []
        else:
            toks = toks[:cut] if cut > 0 or toks[0].idx < at else toks[2:]
    if not toks:
        return None
    a, b = toks[0].idx, toks[-1].idx + len(toks[-1])
    ents = [e for e in state.ix.between(a - 40, b) if e.start < b and e.end > a and e.label in ("PERSON", "ORG")
            and not state.qs.covers(e.start)]
    persons = [e for e in ents if e.label == "PERSON"]
    if persons:
        e = persons[0]
        return 3, e.canonical, _m_role(toks, e, lex), True
    # "die Gruppe warf ... vor", "l'organisation a indiqué": the group that spoke last
    if 1 <= len(toks) <= 3 and lex["org_anaphors"] & {
            _m_phrase_text(toks, lex).lower().replace("’", "'"),
            "".join(t.text_with_ws for t in toks).strip().lower().replace("’", "'")}:
        s = state.last(at, person=False) or state.last(at)
        if s:
            return 2, s.name, s.role, s.person
    if len(toks) >= 2 and toks[0].lower_ in lex["demonstrative"] and any(
            set(_lemmas(u)) & (lex["roles"] | set(lex["speaker_kind"])) for u in toks[1:3]):
        # "a affirmé ce responsable", "sagte dieser Sprecher": the one who spoke last
        s = state.last(at)
        if s:
            return 2, s.name, s.role, s.person
    for t in toks[:3]:
        low = t.lower_
        if low in lex["person_pron"]:
            s = state.last(at, person=True)
            return (2, s.name, s.role, True) if s else None
        if low in lex["group_pron"]:
            # "Les déplacés arrivés à X ont rapporté ... Ils ont raconté ...": the plural subject
            # of the sentence before, where it names people; else the last body that spoke
            subj = _subject_words(_plural_subject_before(ctx, t))
            if subj is not None and t.morph.get("Number") != ["Sing"]:
                got = _m_resolve_phrase(ctx, state, subj, lex, at)
                if got is not None:
                    return got
                return 1, _m_phrase_text(subj, lex), None, True   # people the words describe
            s = state.last(at, person=False) or state.last(at)
            return (2, s.name, s.role, s.person) if s else None
    # a role and a name the entity finder missed ("речниця облради Ірина Гуцал"): the name
    named = _role_then_name(ctx, toks, lex)
    if named is not None:
        return 2, named[0], named[1], True
    # a generic public body ("le ministère de la Santé", "Минздрав", "وزارة الصحة"): its shared name
    body = _body_of("".join(t.text_with_ws for t in toks), lex)
    if body and not any(e.label == "ORG" and org_canonical(e.text, lex["lang"]) for e in ents):
        # a national body: its country with it ("l'armée malienne" -> Army of Mali), as for governments
        country = next((_country_name(p.country) for t in toks for p in ctx.facts_at("places", t.idx)
                        if p.country and p.kind in ("country", "demonym", "metonym")), None) or \
            next((_country_name(lex["demonyms"][y]) for t in toks for x in _lemmas(t)
                  for y in (x, x[:-1], x[:-2]) if len(y) >= 5 and y in lex["demonyms"]), None)
        return 3, f"{body} of {country}" if country else body, None, False
    # a body the organisation table names, which the entity finder missed ("le Quai d'Orsay")
    for n in range(min(len(toks), 6), 0, -1) if not ents else ():
        if toks[n - 1].is_punct:
            continue
        cand = _m_phrase_text(toks[:n], lex)
        if cand and org_canonical(cand, lex["lang"]):
            return 3, cand, None, False
    if ents:
        e = ents[0]
        after = [t for t in toks if t.idx >= e.end]
        if len(after) >= 2 and after[0].lower_ in lex["and"] and not persons:
            # "l'OMS et des témoins": both, joined (each gets its shared name)
            return 3, _m_phrase_text([t for t in toks if t.idx >= e.start], lex), None, False
        return 3, e.canonical, None, False
    # a country as the subject of a verb of saying ("le Mali affirme", "Молдова заявила"): its government
    for k, t in enumerate(toks[:2]):
        if k and toks[0].lower_ not in lex["determiners"]:
            break
        for p in ctx.facts_at("places", t.idx):
            if p.kind in ("country", "metonym") and p.country and t.dep_ in ("nsubj", "nsubj:pass", ""):
                country = _country_name(p.country)
                if country and len(toks) <= 3:
                    return 2, f"Government of {country}", None, False
    # a role or a speaker noun: "der Sprecher des Ministeriums", "глава администрации", "المتحدث باسم الجيش"
    for k, t in enumerate(toks):
        lem = set(_lemmas(t))
        role = lem & lex["roles"]
        kind = next((lex["speaker_kind"][x] for x in _lemmas(t) if x in lex["speaker_kind"]), None)
        if not role and kind is None:
            continue
        start = 0 if k <= 3 else k
        phrase: list[Token] = []
        for u in toks[start:]:
            if phrase and (u.like_num or ctx.facts_at("dates", u.idx) or _m_stop(u, lex)):
                break
            phrase.append(u)
            if len(phrase) >= 7:
                break
        text = _m_phrase_text(phrase, lex)
        if not text:
            continue
        if role and len(text.split()) <= 4:
            # "the head of the region said": the person named with that role, before it, else after
            named = [e for e in state.ents if e.label == "PERSON" and e.role and not state.qs.covers(e.start)
                     and role & set(re.split(r"[\s-]", e.role.lower()))]
            if not named:
                # "der Leiter der Verwaltung, X," earlier: a person whose name follows the role word
                named = [e for e in state.ents if e.label == "PERSON" and not state.qs.covers(e.start)
                         and e.start < at and any(re.search(r"(?<!\w)" + re.escape(r) + r"\w{0,3}(?!\w)",
                                                            ctx.text[max(0, e.start - 90):e.start].lower())
                                                  for r in role)]
            pick = max((e for e in named if e.start < at), key=lambda e: e.start, default=None) or \
                min(named, key=lambda e: e.start, default=None)
            if pick is not None:
                return 2, pick.canonical, pick.role, True
        if kind == "document" and not role and len(text.split()) <= 2:
            # "в заявлении говорится", "hieß es in der Erklärung": the statement of the one who spoke last
            s = state.last(at, within=1500)
            if s:
                return 2, s.name, s.role, s.person
        if kind == "government":
            for u in full:
                for p in ctx.facts_at("places", u.idx):
                    if p.country:
                        country = _country_name(p.country)
                        if country:
                            return 2, f"Government of {country}", text, False
        return 2, text, text if role else None, kind == "person" or bool(role)
    # a name in quotation marks opening the phrase ("وقالت "اللجنة" في بيان", "повідомила «Служба»")
    lead = [t for t in toks if t.lower_ not in lex["determiners"]][:1]
    if lead and state.qs.covers(lead[0].idx):
        q = next(iter(state.qs.meeting(lead[0].idx, lead[0].idx + 1)), None)
        if q is not None and len(q.text.split()) <= 3 and q.start >= toks[0].idx - 2:
            return 2, q.text.strip(), None, False
    # a capitalised name that nothing else took ("sagte Weber", "dijo Pérez", "hatte die Hamas")
    if len(toks) <= 6:
        for k, t in enumerate(toks):
            if t.is_sent_start or not (t.text[:1].isupper() and t.is_alpha) or t.lower_ in lex["determiners"]:
                continue
            if k > 0 and toks[k - 1].lower_ not in lex["determiners"] and not toks[k - 1].is_sent_start:
                break
            run = [t]
            for u in toks[k + 1:]:
                if not (u.text[:1].isupper() and u.is_alpha) or len(run) >= 4:
                    break
                run.append(u)
            if any(ctx.facts_at("places", u.idx) or ctx.facts_at("dates", u.idx) for u in run):
                break
            return 1, _m_phrase_text(run, lex), None, True
    return None


def _short_quoted(t: Token, qs: _QList) -> bool:
    q = next(iter(qs.meeting(t.idx - 1, t.idx + 2)), None)
    return q is not None and len(q.text.split()) <= 3


def _m_side(sent: Span, v: Token, lex: dict, after: bool, qs: _QList | None = None) -> list[Token]:
    """The words next to a verb of saying up to punctuation, a complementizer or a quotation."""
    out: list[Token] = []
    rng = range(v.i + 1, sent.end) if after else range(v.i - 1, sent.start - 1, -1)
    doc = v.doc
    skip_to = None
    for j in rng:
        t = doc[j]
        if skip_to is not None:
            if j == skip_to:
                skip_to = None
            continue
        if t.text in ("(", ")"):
            # "das Kinderhilfswerk (UNICEF)": an acronym in brackets stays in the phrase, a longer aside not
            close = ")" if t.text == "(" else "("
            step = 1 if after else -1
            k = next((k for k in range(j + step, j + step * 12, step) if sent.start <= k < sent.end
                      and doc[k].text == close), None)
            if k is None or (t.text == "(") != after:
                break
            if abs(k - j) > 3:
                skip_to = k
            continue
        if qs is not None and t.text in _MARKS and _short_quoted(t, qs):
            # "директорка «Водоканалу»": a name in quotation marks inside the phrase
            continue
        if _m_stop(t, lex) or len(out) >= 10:
            break
        if t.is_space:
            continue
        out.append(t)
    return out if after else out[::-1]


def _m_subject(v: Token) -> list[Token]:
    """The subject phrase of a verb over a UD parse (its appositions kept, relative clauses not)."""
    heads = [v] + ([v.head] if v.dep_.startswith("aux") or v.dep_ == "cop" else [])
    # a second verb of one subject ("X denies it and says that ..."): the first verb's subject
    if v.dep_ == "conj" and v.head.i < v.i:
        heads.append(v.head)
    # a participle after the main verb ("a annoncé X, expliquant que ..."): the main verb's subject
    form = v.morph.get("VerbForm")
    if v.dep_ == "advcl" and v.head.i < v.i and not any(c.dep_.startswith("aux") for c in v.children) and \
            ("Ger" in form or "Part" in form and "Pres" in v.morph.get("Tense")):
        heads.append(v.head)
    # "X a fait savoir que": the subject of the verb before it
    heads += [c for c in v.children if c.dep_ in ("dep", "aux:caus") and c.i < v.i and c.pos_ in ("VERB", "AUX")]
    for h in heads:
        subs = [c for c in h.children if c.dep_ in ("nsubj", "nsubj:pass", "csubj")]
        if subs:
            subj = min(subs, key=lambda c: abs(c.i - v.i))
            if "Rel" in subj.morph.get("PronType") and h.dep_ == "acl:relcl" and h.head.i < h.i:
                # "le comité, qui a déclaré que ...": the noun phrase the relative clause follows,
                # read on the words (a parse often hangs the clause on the last noun of a
                # name: "la Commission nationale des droits humains, qui"), back to a verb or a stop
                doc, k = subj.doc, subj.i - 1
                if k >= 0 and doc[k].text in (",", "،"):
                    k -= 1
                phrase: list[Token] = []
                while k >= 0 and len(phrase) < 10 and not doc[k].is_punct and \
                        doc[k].pos_ not in ("VERB", "AUX") and not doc[k].is_sent_start:
                    phrase.insert(0, doc[k])
                    k -= 1
                if k >= 0 and doc[k].is_sent_start and not doc[k].is_punct and doc[k].pos_ not in ("VERB", "AUX"):
                    phrase.insert(0, doc[k])
                while phrase and phrase[0].pos_ == "ADP":
                    phrase = phrase[1:]
                return phrase
            # two subjects on one side: a name the parser split off its role ("le porte-parole de X, Marc Dubois")
            subs = [c for c in subs if (c.i < v.i) == (subj.i < v.i)] if len(subs) > 1 else [subj]
            skip = {t.i for sj in subs for c in sj.subtree if c.dep_ in ("acl:relcl", "acl", "parataxis")
                    and c.i != sj.i for t in c.subtree}
            toks = sorted((t for sj in subs for t in sj.subtree if t.i not in skip), key=lambda t: t.i)
            # a name in apposition after a long role ("le porte-parole de <long body>, Marc Dubois")
            appos = [c for sj in subs for c in sj.children if c.dep_ == "appos" and c.pos_ == "PROPN" and c.i - sj.i > 12]
            appos += subs[1:]
            keep = {t.i for c in appos for t in c.subtree}
            return [t for k, t in enumerate(toks) if k < 14 or t.i in keep]
    return []


def _m_speaker(ctx: DocContext, state: _MState, sent: Span, v: Token, lex: dict, after_first: bool):
    """(speaker, role, person) of a verb of saying, or None."""
    at = v.idx
    if _has_deps(ctx.doc):
        subj = _m_subject(v)
        relative = v.dep_ == "acl:relcl" and any(
            c.dep_.startswith("nsubj") and "Rel" in c.morph.get("PronType") for c in v.children)
        if relative and not subj:
            return None   # "X, qui ...": X speaks or no one does, never the last speaker
        if subj:
            got = _m_resolve(ctx, state, subj, lex, at)
            if relative and not got:
                return None
            if got and not got[3] and any(set(_lemmas(t)) & lex["roles"] for t in subj[:4]):
                # "le directeur de <body>, Amadou Diallo, a dit": the name the parse hung elsewhere
                e = _appos_person(ctx, state, subj[0].idx, sent, lex)
                if e is not None:
                    return e.canonical, _m_phrase_text([t for t in subj if t.idx < e.start], lex) or None, True
            if got:
                return got[1:]
    sides = [_m_side(sent, v, lex, after=True, qs=state.qs), _m_side(sent, v, lex, after=False, qs=state.qs)]
    if not after_first:
        sides.reverse()
    best = None
    for n, side in enumerate(sides):
        got = _m_resolve(ctx, state, side, lex, at)
        if got and (best is None or got[0] > best[0]):
            best = got
        if n == 0 and got and got[0] >= 2 and lex["particle"]:
            break   # German word order: the subject stands on the side the clause puts it

    if best and (not best[3] or best[1] == best[2]) and sides[0] and \
            any(set(_lemmas(t)) & lex["roles"] for t in sides[0][:4]):
        # "a précisé la directrice de <body>, Ngozi Obi, ...": the name in apposition
        e = _appos_person(ctx, state, sides[0][0].idx, sent, lex)
        if e is not None and e.start > sides[0][0].idx:
            return e.canonical, _m_phrase_text([t for t in sides[0] if t.idx < e.start], lex) or None, True
    if (best is None or best[0] < 3) and not _has_deps(ctx.doc) and v.i > sent.start + 1 and \
            (v.doc[v.i - 1].lower_ in lex["and"] or v.text[:1] in lex["and"] and v.lower_[1:] in lex["speech"]):
        # a verb joined to the sentence's first one ("رفضت الجماعة التقارير وقالت إن ..."): the body or
        # person named after the sentence's opening verb, the subject of both
        lead = []
        for t in sent[1:min(v.i, sent.start + 8)]:
            if _m_stop(t, lex) or t.is_space:
                break
            lead.append(t)
        got = _m_resolve(ctx, state, lead, lex, at) if lead else None
        if got and got[0] >= 3:
            return got[1:]
    if best:
        return best[1:]
    s = state.last(at, within=800)   # a verb without a subject: the last speaker goes on
    return (s.name, s.role, s.person) if s else None


def _dash_spans(text: str, qs: _QList) -> list[_Q]:
    """Dialogue dashes: a paragraph opening with a dash is speech up to ", — said X", and
    after it again from the next " — " to the paragraph's end."""
    out: list[_Q] = []
    for m in re.finditer(r"(?m)^[ \t]*[—–][ \t\u00a0]+", text):
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        para = text[m.end():end]
        parts = re.split(r"(?<=[,.!?…])[ \t\u00a0]+[—–][ \t\u00a0]+", para)
        pos = m.end()
        for k, part in enumerate(parts):
            if k % 2 == 0 and not qs.covers(pos):
                before = len(out)
                _add(out, text, pos, pos + len(part))
                if len(out) > before:
                    out[-1] = _Q(out[-1].start, out[-1].end, text[out[-1].start:out[-1].end].rstrip(",.!?… "))
                    out[-1].end = out[-1].start + len(out[-1].text)
            pos += len(part)
            rest = text[pos:end]
            sep = re.match(r"[ \t\u00a0]+[—–][ \t\u00a0]+", rest)
            pos += sep.end() if sep else 0
    return out


def _m_spans(ctx: DocContext) -> _QList:
    spans = _quote_spans(ctx.text, ctx.check, unclosed=True)
    extra = _dash_spans(ctx.text, spans)
    if not extra:
        return spans
    return _QList(sorted(list(spans) + [q for q in extra if not spans.meeting(q.start, q.end)],
                         key=lambda q: q.start))


def _extract_other(ctx: DocContext) -> list[Quote]:
    lex = _mlex(ctx.language)
    if not lex["speech"]:
        return []
    spans = _m_spans(ctx)
    state = _MState(ctx, spans)
    out: list[Quote] = []
    prev: Quote | None = None
    by_sent: dict[int, list[_Q]] = {}
    for q in spans:
        by_sent.setdefault(ctx.sentence_of(q.start).start, []).append(q)
    for sent in ctx.sentences():
        ctx.check()
        direct: list[Quote] = []
        for q in by_sent.get(sent.start, []):
            ctx.check()
            if len(q.text.split()) < 4:
                continue
            got = _m_attribute(ctx, state, sent, q, spans, lex, prev)
            if got is None:
                continue
            speaker, role, person = got
            quote = Quote(start=q.start, end=q.end, sentence=ctx.sentence_text(sent), text=q.text, speaker=speaker,
                          speaker_role=role, kind="direct", medium=None)
            out.append(quote)
            direct.append(quote)
            state.spoke(speaker, role, person, q.start)
            prev = quote
        if _headline(ctx, sent):
            continue
        for r, person in _m_reported(ctx, state, sent, spans, direct, lex):
            out.append(r)
            state.spoke(r.speaker, r.speaker_role, person, r.start)
    out += _bullets(ctx, state, spans, lex, out)
    out.sort(key=lambda x: x.start)
    return [_shared_name(q, ctx.language, ctx.text) for q in out]


_BULLET = re.compile(r"(?m)^[ \t]*[-–—•][ \t]*(?P<who>[^:\n]{2,60}?)[ \t]*:[ \t]*(?P<claim>[^\n]{12,400})$")


def _bullets(ctx: DocContext, state: _MState, spans: _QList, lex: dict, taken: list[Quote]) -> list[Quote]:
    """Summary lines "- <speaker>: <claim>" ("-"اللجنة": المدينة صامدة ..."): the claim, said by a
    named body or person (an entity, a body of the tables, a name in quotation marks), never
    one already taken as a quotation."""
    out: list[Quote] = []
    for m in _BULLET.finditer(ctx.text):
        ctx.check()
        a, b = m.start("who"), m.end("who")
        span = ctx.doc.char_span(a, b, alignment_mode="expand")
        if span is None or not 1 <= len(span) <= 8:
            continue
        who = m.group("who").strip()
        quoted = who[:1] in _MARKS and who[-1:] in _MARKS
        got = _m_resolve(ctx, state, list(span), lex, a)
        if got is not None and (got[0] >= 3 or got[0] >= 2 and quoted):
            speaker, role, person = got[1], got[2], got[3]
        elif _glossed_org(who.strip(_MARKS), lex["lang"]) or _body_of(who.strip(_MARKS), lex):
            speaker, role, person = who.strip(_MARKS), None, False
        else:
            continue
        c = m.start("claim")
        if any(c <= q.start < m.end("claim") for q in taken):
            continue
        sent = ctx.sentence_of(c)
        q = _m_clause(ctx, sent, c, min(m.end("claim"), sent.end_char), speaker, role)
        if q is not None and len(q.text.split()) >= 4:
            out.append(q)
            state.spoke(speaker, role, person, c)
    return out


def _shared_name(q: Quote, lang: str, text: str) -> Quote:
    """The speaker in the form reports in every language share; the words of the report
    kept in speaker_written."""
    shared = shared_speaker(q.speaker, lang, text) if q.speaker else None
    if shared and shared != q.speaker:
        q.speaker_written, q.speaker = q.speaker, shared
    return q


def shared_speaker(speaker: str, lang: str, text: str) -> str | None:
    """A speaker or source in the form reports in every language share: an organisation's
    English name ("МЧС" -> Emergency Services), a person's name in
    Latin letters; None where none is known."""
    from sitroom.extract.entities import body_canonical, latin_name, org_in_context, speaker_noun_canonical
    from sitroom.extract.nlp import press_latin

    shared = org_in_context(speaker, lang, text) or _declined_org(speaker, lang, text) \
        or body_canonical(speaker, lang, rest=1)
    if shared is None:
        shared = _joined_speakers(speaker, lang, text)
    if shared is None and sum(w[:1].isupper() for w in speaker.split()) < 2:
        shared = speaker_noun_canonical(speaker, lang)   # "témoins" -> Witnesses
    if shared is None and sum(w[:1].isupper() for w in speaker.split()) < 2:
        shared = _glossed_org(speaker, lang)   # "الحركة الشعبية" -> Popular Movement
    if shared is None and sum(w[:1].isupper() for w in speaker.split()) >= 2:
        # a person's full name (a body's name stays as written), as the English press spells it
        shared = press_latin(speaker, lang) or latin_name(speaker, lang)
    return shared


def _glossed_org(speaker: str, lang: str) -> str | None:
    """A body named only by words of lexicon quote_org_words (languages that put the head noun
    first): their English words read backwards ("نقابة المعلمين المستقلة" -> Independent Teachers
    Union, "le collectif des avocats bénévoles" -> Volunteers Lawyers Collective); a
    name closing the phrase left out; None unless two words or more are known."""
    from sitroom.extract.nlp import arabic_stems

    table = lexicon.table("quote_org_words", lang)
    if not table:
        return None
    skip = lexicon.terms("entity_cues", lang, cue="determiner") | {"de", "des", "du", "d'", "et"}
    words = speaker.replace("’", "'").split()
    out: list[str] = []
    for k, w in enumerate(words):
        low = w.lower().strip("«»\"“”()")
        if low in skip:
            continue
        cands = [low] + ([low[2:]] if low[:2] in ("d'", "l'") else []) + \
            (list(arabic_stems(low, strip_article=False)) if lang == "ar" else [])
        hit = next((table[c].english for c in cands if c in table), None)
        if hit is None:
            if k == len(words) - 1 and len(out) >= 2:
                break   # a place or name closing the phrase ("لجان مقاومة <town>")
            return None
        out.append(hit)
    return " ".join(reversed(out)) if len(out) >= 2 else None


_CASE_ENDINGS = ("ами", "ями", "ою", "ею", "ой", "ей", "ом", "ем", "ах", "ях", "ам", "ям", "а", "я", "е", "і", "и",
                 "ы", "у", "ю", "о", "ь")


def _stem(word: str) -> str:
    w = word.casefold().replace("ё", "е")
    end = next((e for e in _CASE_ENDINGS if w.endswith(e) and len(w) - len(e) >= 4), "")
    return w[:len(w) - len(end)]


def _declined_org(speaker: str, lang: str, text: str) -> str | None:
    """ru/uk: an organisation of lexicon org_names named in an oblique case ("в Хезболле",
    "у Хезболли"): each word's stem without its case ending matches the name's."""
    from sitroom.extract.entities import _org_table

    words = speaker.split()
    if lang not in ("ru", "uk") or not 0 < len(words) <= 4:
        return None
    stems = [_stem(w) for w in words]
    for term, canonical in _org_table(lang).items():
        t = term.split()
        if len(t) == len(words) and all(_stem(x) == y for x, y in zip(t, stems)) and len(stems[-1]) >= 4:
            return canonical
    return None


def _joined_speakers(speaker: str, lang: str, text: str) -> str | None:
    """Two speakers joined ("l'OMS et un responsable tchadien", "المنظمة ومسؤول"): each in its
    shared form, where both have one ("World Health Organization and Official"); else None."""
    from sitroom.extract.entities import body_canonical, org_in_context, speaker_noun_canonical

    ands = lexicon.terms("quote_cues", lang, cue="and")
    words = speaker.split()
    for k in range(1, len(words)):
        w = words[k]
        if w.lower() in ands:
            left, right = " ".join(words[:k]), " ".join(words[k + 1:])
        elif any(len(a) == 1 and w.startswith(a) and len(w) > 3 for a in ands):   # glued (Arabic "و")
            left, right = " ".join(words[:k]), " ".join([w[1:]] + words[k + 1:])
        else:
            continue
        got = [org_in_context(x, lang, text) or body_canonical(x, lang, rest=1) or speaker_noun_canonical(x, lang)
               for x in (left, right)]
        if all(got):
            return " and ".join(got)
    return None


def _m_attribute(ctx: DocContext, state: _MState, sent: Span, q: _Q, qs: _QList, lex: dict, prev: Quote | None):
    """(speaker, role, person) of a direct quote, or None."""
    end_sent = ctx.sentence_of(max(q.start, q.end - 1))
    sents = [sent] + ([end_sent] if end_sent.start != sent.start else [])
    after = ctx.doc.char_span(q.end, min(len(ctx.text), q.end + 4), alignment_mode="expand")
    # a full stop after the closing mark ends the sentence: the next one is not its attribution
    ended = re.match(r"[\"“”»]?\s*\.(?!\.)", ctx.text[q.end:q.end + 4]) is not None
    if after is not None and len(after) and after[-1].sent.start not in (s.start for s in sents) and not ended:
        sents.append(after[-1].sent)
    verbs = [t for s in sents for t in s if _m_is_speech(t, lex, qs)
             and "\n" not in ctx.text[min(t.idx, q.end):max(t.idx, q.start)]]
    colon = _colon_subject(ctx, state, sent, q, lex)
    if verbs:
        def far(v: Token) -> int:
            if v.idx < q.end:
                return q.start - v.idx + 5
            # a verb after the quotation with other words between ("«...», فيما نفى X"): a clause of its own
            gap = ctx.doc.char_span(q.end, v.idx, alignment_mode="expand")
            between = [t for t in ctx.doc[gap.start:v.i] if t.is_alpha] if gap is not None else []
            other = [t for t in between if t.pos_ not in ("AUX", "PRON") and t.lower_ not in lex["person_pron"]
                     and t.lower_ not in lex["passive_aux"] and t.lower_ not in ("a", "ha", "hat", "habe")]
            return v.idx - q.end + (300 if other else 0)

        v = min(verbs, key=far)
        incise = ctx.text[q.end:v.idx].strip(" »“”\"'?!.,—–-")
        if colon is not None and v.idx >= q.end and all(
                w.strip("-").removeprefix("t-") in set(lex["person_pron"]) | lex["group_pron"] | {"a", "t", "ont"}
                for w in re.split(r"[\s-]+", incise.lower()) + re.findall(r"-\w+", ctx.text[v.idx:v.idx + 40].split(".")[0])
                if w.strip("-")):
            # "X a contesté ... : « ... » a-t-il demandé": the subject before the colon
            return colon
        got = _m_speaker(ctx, state, v.sent, v, lex, after_first=v.idx >= q.end)
        if got:
            return got
    # "„...“, so X." (quote_cues after_quote): the name after the cue
    if lex["after_quote"]:
        m = re.match(r"[\"“”„«»]?\s*,\s*(\w+)\s+", ctx.text[q.end:q.end + 80])
        if m and m.group(1).lower() in lex["after_quote"]:
            a = q.end + m.end()
            stop = re.search(r"[,.;:!?()«»„“”\"—–\n]", ctx.text[a:a + 80])
            span = ctx.doc.char_span(a, a + (stop.start() if stop else 0), alignment_mode="expand")
            if span is not None and 0 < len(span) <= 6:
                got = _m_resolve(ctx, state, list(span), lex, q.end)
                if got:
                    return got[1:]
    # "selon X : « ... »"
    if lex["according"] is not None:
        for m in lex["according"].finditer(sent.text):
            if not (q.start <= sent.start_char + m.start() < q.end):
                got = _m_cue_speaker(ctx, state, sent, m, lex)
                if got:
                    return got[:3]
    # "X : « ... »": the named speaker before a colon
    head = ctx.text[sent.start_char:q.start].rstrip(" «„“\"")
    start = sent.start_char
    if not head.strip() and sent.start > 0:
        # "X:" on the line before a quotation that opens a paragraph
        before = ctx.doc[sent.start - 1].sent
        if before.text.rstrip().endswith(":") and len(before) <= 10:
            head, start = ctx.text[before.start_char:before.end_char].rstrip(), before.start_char
    if colon is not None:
        return colon
    if head.endswith(":"):
        lead = ctx.doc.char_span(start, start + len(head) - 1, alignment_mode="contract")
        if lead is not None and len(lead):
            got = _m_resolve(ctx, state, list(lead)[-8:], lex, q.start)
            # a line that is only a name ("Ivan Petrenko:") before the quotation
            only_name = start != sent.start_char and 2 <= len(lead) <= 4 and all(
                t.is_alpha and t.text[:1].isupper() for t in lead)
            if got and (got[0] >= 2 or only_name):
                return got[1:]
    # a quotation that goes on from the last one, nothing said between
    if prev is not None and 0 <= q.start - prev.end < 600 and len(q.text.split()) >= 4 and \
            ctx.text[ctx.sentence_of(q.start).start_char:q.start].strip(" \"“«„—–-") == "" and \
            not any(e.label == "PERSON" for e in state.ix.between(prev.end, q.start)):
        return prev.speaker, prev.speaker_role, True
    return None


def _colon_subject(ctx: DocContext, state: _MState, sent: Span, q: _Q, lex: dict):
    """Where the parse gives subjects: (speaker, role, person) of the verb of the clause a colon
    before the quotation closes ("Le porte-parole, X, a contesté le bilan : « ... »"), where it
    names a person or a body; else None."""
    if not _has_deps(ctx.doc):
        return None
    head = ctx.text[sent.start_char:q.start].rstrip(" «„“\"")
    if not head.endswith(":"):
        return None
    lead = ctx.doc.char_span(sent.start_char, sent.start_char + len(head) - 1, alignment_mode="contract")
    if lead is None or not len(lead):
        return None
    verbs = [t for t in lead if t.pos_ == "VERB" and (t.dep_ == "ROOT" or t.head.i >= lead.end or t.head.i < lead.start)]
    if not verbs or not _m_subject(verbs[0]):
        return None
    got = _m_speaker(ctx, state, sent, verbs[0], lex, after_first=False)
    return got if got and got[0] and (got[2] or org_canonical(got[0], lex["lang"])) else None


def _m_cue_speaker(ctx: DocContext, state: _MState, sent: Span, m: re.Match, lex: dict):
    """The speaker after "selon"/"laut"/"по словам"/"بحسب": (speaker, role, person, end of the phrase)."""
    a = sent.start_char + m.end()
    rest = ctx.text[a:sent.end_char]
    stop = re.search(r"[,.;:!?()«»„“”\"—–،؛؟\n]", rest)
    b = a + (stop.start() if stop else len(rest.rstrip()))
    span = ctx.doc.char_span(a, b, alignment_mode="expand")
    if span is not None and len(span) > 8:
        # no comma after the speaker ("Laut UNICEF sind ..."): the name that opens the phrase
        e = state.ix.at(span[0].idx)
        if e is None or e.label not in ("PERSON", "ORG"):
            return None
        b = e.end
        span = ctx.doc.char_span(a, b, alignment_mode="expand")
    if span is None or not len(span) or b - a > 120:
        return None
    got = _m_resolve(ctx, state, list(span), lex, a)
    if got:
        return got[1], got[2], got[3], b
    text = _m_phrase_text(list(span), lex)
    return (text, None, False, b) if text and len(text.split()) <= 8 else None


_GLUED = re.compile(r"[^\W\d_]{2}[.!?](?=[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ][a-zß-öø-ÿа-яёіїєґ])")


def _m_clause(ctx: DocContext, sent: Span, a: int, b: int, speaker: str, role: str | None) -> Quote | None:
    body = ctx.text[a:b]
    glued = list(_GLUED.finditer(body))
    if glued:
        # two sentences with no space between ("...des Lagers.Die Armee prüfe..."): the last one
        a += glued[-1].end()
        body = body[glued[-1].end():]
    m = _M_CUT.search(body)
    if m and m.start() > 10 and len(body[:m.start()].split()) <= 8 and a == sent.start_char and (
            "(" in body[:m.start()] or ctx.facts_in("dates", a, a + m.start())):
        # a dateline ("Bamako (Mali), 3 mai (AP) – <claim>"): the claim after it
        a += m.end()
        body = body[m.end():]
        m = _M_CUT.search(body)
    if m and m.start() > 10:
        body = body[:m.start()]
    lead = re.match(r"^[\s,:«»„“”\"—–،]+", body)
    if lead:
        a += lead.end()
        body = body[lead.end():]
    body = body.rstrip(" ,.;:«»„“”\"—–،.")
    if body.count("«") > body.count("»") and ctx.text[a + len(body):a + len(body) + 1] == "»":
        body += "»"   # a name in quotation marks that ends the claim: its closing mark
    if len(body.split()) < 3 or not speaker:
        return None
    return Quote(start=a, end=a + len(body), sentence=ctx.sentence_text(sent), text=body, speaker=speaker,
                 speaker_role=role, kind="indirect", medium=None)


def _m_reported(ctx: DocContext, state: _MState, sent: Span, qs: _QList, direct: list[Quote], lex: dict):
    out: list[tuple[Quote, bool]] = []

    def covered(a: int, b: int) -> bool:
        if any(a <= d.start < b or d.start <= a < d.end for d in direct):
            return True
        inside = sum(min(b, q.end) - max(a, q.start) for q in qs.meeting(a, b))
        return inside > (b - a) / 2

    def add(q: Quote | None, person: bool) -> None:
        if q is not None and not covered(q.start, q.end) and not any(
                o.start < q.end and q.start < o.end for o, _ in out):
            out.append((q, person))

    lead_sp = len(sent.text) - len(sent.text.lstrip())
    if lex["according"] is not None:
        for m in lex["according"].finditer(sent.text):
            if qs.covers(sent.start_char + m.start()):
                continue
            got = _m_cue_speaker(ctx, state, sent, m, lex)
            if not got:
                continue
            speaker, role, person, end = got
            if m.start() <= lead_sp + 4:   # "Selon X, <claim>."
                named = _named_apposition(state, ctx, end, sent)
                if named is not None and not person:
                    # "Selon un responsable de l'ONU, Ahmed Saleh, ...": the person named
                    e, end = named
                    speaker, role, person = e.canonical, _m_phrase_text(
                        list(ctx.doc.char_span(sent.start_char + m.end(), e.start, alignment_mode="contract") or []),
                        lex) or None, True
                add(_m_clause(ctx, sent, _past_apposition(ctx, end, sent, lex), sent.end_char, speaker, role), person)
            else:                          # "<claim>, selon X."
                before = sent.text[:m.start()].rstrip(" ,").split()
                if before and before[-1].lower() in lex["comp"]:
                    continue               # "... said that, according to X, <claim>": a source inside the claim
                add(_m_clause(ctx, sent, sent.start_char, sent.start_char + m.start(), speaker, role), person)
    doc = ctx.doc
    for v in sent:
        passive = _passive_comma(v, sent, lex, qs)
        if passive is None and not _m_is_speech(v, lex, qs, reporting=True):
            continue
        ctx.check()
        if passive is not None:
            # "<claim>, wurde X in den Medien zitiert."
            got = _m_speaker(ctx, state, sent, v, lex, after_first=False)
            if got:
                add(_m_clause(ctx, sent, sent.start_char, doc[passive].idx, got[0], got[1]), got[2])
            continue
        j = v.i - 1   # past auxiliaries and clitics ("comme l'avait rapporté X")
        while j > sent.start and j >= v.i - 3 and doc[j].lower_ not in lex["as"] and \
                (doc[j].pos_ in ("AUX", "PRON") or doc[j].dep_.startswith("aux")):
            j -= 1
        if v.i > sent.start and doc[j].lower_ in lex["as"]:
            # "Як зазначив X, <claim>." / "<claim>, wie X sagte."
            cue = doc[j]
            stop = next((t.i for t in doc[v.i + 1:sent.end] if t.text in (",", "،", ".")), sent.end)
            named = any(t.text[:1].isupper() or set(_lemmas(t)) & (lex["roles"] | set(lex["speaker_kind"]))
                        for t in doc[v.i + 1:stop])
            # "як повідомлялося раніше, ..." names no one: not a quotation
            got = _m_speaker(ctx, state, sent, v, lex, after_first=True) if named else None
            if got and cue.idx - sent.start_char <= lead_sp + 2:
                comma = next((t for t in doc[v.i + 1:sent.end] if t.text in (",", "،") and not _in_quotes(t, qs)), None)
                if comma is not None:
                    # "Comme l'a indiqué le maire, Jean Dupont, <claim>": past the name in apposition
                    named = _named_apposition(state, ctx, comma.idx, sent)
                    a = named[1] if named is not None and named[0].canonical == got[0] else comma.idx + 1
                    add(_m_clause(ctx, sent, a, sent.end_char, got[0], got[1]), got[2])
            elif got:
                add(_m_clause(ctx, sent, sent.start_char, cue.idx, got[0], got[1]), got[2])
            continue
        # a complementizer after the verb (and its subject): "a déclaré que", "заявил, что", "قال إن"
        comp = None
        for j in range(v.i + 1, min(sent.end, v.i + _COMP_REACH)):
            t = doc[j]
            if t.lower_ in lex["comp"]:
                # where the parse tags words, a relative pronoun is no complementizer ("racontent la
                # terreur qu'ils font régner")
                comp = t if not (_has_deps(doc) and t.pos_ == "PRON") else None
                break
            if t.is_punct and t.text not in (",", "،") and t.text not in _NAME_MARKS and not _short_quoted(t, qs) or \
                    _in_quotes(t, qs) and not _short_quoted(t, qs) or _m_is_speech(t, lex, qs):
                break   # a quoted name of a word or two ("via «X»") is part of the speaker's phrase
        if comp is not None and v.i + 2 < comp.i and doc[v.i + 1].text == "," and \
                doc[v.i + 2].lower_ in lex["person_pron"]:
            comp = None   # "sagte, er glaube nicht, dass ...": the clause after the comma is what was said
        if comp is not None:
            got = _m_speaker(ctx, state, sent, v, lex, after_first=True)
            if got:
                end = sent.end_char
                if v.dep_ == "acl:relcl":   # "X, qui a déclaré que <claim>, ...": the claim ends with the clause
                    last = max(v.subtree, key=lambda t: t.i)
                    end = min(end, last.idx + len(last.text))
                add(_m_clause(ctx, sent, comp.idx + len(comp), end, got[0], got[1]), got[2])
            continue
        counted = _counted_object(ctx, v, ("obj",), lex["count_at"]) if _has_deps(doc) else []
        if counted:
            # "ont annoncé la mort de 40 civils": the count of people the verb's object gives
            got = _m_speaker(ctx, state, sent, v, lex, after_first=False)
            if got:
                add(_m_clause(ctx, sent, counted[0].idx, counted[-1].idx + len(counted[-1].text), got[0], got[1]),
                    got[2])
            continue
        words = _counted_words(ctx, sent, v, lex, qs) if not _has_deps(doc) else None
        if words is not None:
            # no parse: "أعلنت X، الاثنين، نزوح 4500 شخص"
            got = _m_speaker(ctx, state, sent, v, lex, after_first=True)   # the speaker follows the verb
            if got:
                add(_m_clause(ctx, sent, *words, got[0], got[1]), got[2])
            continue
        inf = _perfect_infinitive(doc, sent, v, lex) if lex["infinitive"] else None
        if inf is not None:
            # "ont raconté avoir fui ...", "nie avoir tiré": the perfect infinitive and what follows
            got = _m_speaker(ctx, state, sent, v, lex, after_first=False)
            if got:
                add(_m_clause(ctx, sent, inf.idx, sent.end_char, got[0], got[1]), got[2])
            continue
        prev_sent = _attributed_before(ctx, sent, v, lex, qs)
        if prev_sent is not None:
            # "Про це повідомив X." / "Das sagte X." / "Розповідає X.": the sentence before
            got = _m_speaker(ctx, state, sent, v, lex, after_first=True)
            if got:
                q = _m_clause(ctx, prev_sent, prev_sent.start_char, prev_sent.end_char, got[0], got[1])
                if q is not None and not any(d.start < q.end and q.start < d.end for d in direct):
                    out.append((q, got[2]))
            continue
        prev_tok = doc[v.i - 1] if v.i > sent.start else None
        k = v.i - 1
        while k > sent.start and (doc[k].text in ("—", "–") or doc[k].dep_.startswith("aux") or
                                  doc[k].lower_ in ("a", "ha", "hat", "habe")):
            k -= 1
        if k > sent.start and doc[k].text in (",", "،"):
            # "<claim>, a déclaré X." / "..., sagte X" / "..., — заявил X"
            a = sent.start_char
            # not a time or place opening the sentence ("وفي وقت سابق الأحد، ادعت X سيطرتها على ..."): a
            # clause, and the verb's own words not quoted after it
            lead = ctx.text[a:doc[k].idx]
            undated = [w for w in lead.split() if not ctx.facts_in("dates", a + lead.find(w), a + lead.find(w) + len(w))]
            if " ".join(undated).lower().strip(" ,،") in lex["time_lead"]:
                undated = []
            quoted_after = any(len(q.text.split()) >= 4 for q in qs.meeting(v.idx, sent.end_char))
            # where words are tagged, a claim has a verb ("Le groupe, à l'origine de ..., nie": no claim)
            # (a relative clause of the subject is no claim: "Des vidéos, dont ... sont ..., racontent")
            relative = {t.i for h in doc[sent.start:k] if h.dep_ == "acl:relcl" for t in h.subtree}
            first = next((t for t in doc[sent.start:k] if t.text in (",", "،")), None)
            if first is not None and first.i + 1 < k and ("Rel" in doc[first.i + 1].morph.get("PronType")
                                                          or doc[first.i + 1].lower_ in ("dont", "qui")):
                # the subject, then a relative clause set off by commas: no verb of the claim before it
                close = next((t.i for t in doc[first.i + 1:k] if t.text in (",", "،")), k)
                relative |= set(range(first.i, close))
            verbless = _has_deps(doc) and any(t.pos_ in ("NOUN", "PROPN") for t in doc[sent.start:k]) and \
                not any(t.pos_ in ("VERB", "AUX") and t.i not in relative for t in doc[sent.start:k])
            if len(undated) >= 3 and not quoted_after and not verbless and \
                    not any(len(q.text.split()) >= 4 for q in qs.meeting(doc[k].idx - 2, doc[k].idx - 1)):
                got = _m_speaker(ctx, state, sent, v, lex, after_first=True)
                if got:
                    add(_m_clause(ctx, sent, a, doc[k].idx, got[0], got[1]), got[2])
            continue
        nxt = doc[v.i + 1] if v.i + 1 < sent.end else None
        part = _particle_at(v, lex)
        if part is not None and part.i + 1 < sent.end and part.i > v.i + 1:
            nxt = doc[part.i + 1]   # "Die Gruppe warf der Armee vor, ..."
        if nxt is not None and nxt.text in (",", ":") and prev_tok is not None and not prev_tok.is_punct:
            # "Der Sprecher sagte, die Armee habe ...": the clause after the comma
            got = _m_speaker(ctx, state, sent, v, lex, after_first=False)
            if got:
                add(_m_clause(ctx, sent, nxt.idx + 1, sent.end_char, got[0], got[1]), got[2])
    return out


_COMP_REACH = 30   # tokens from a verb of saying to its complementizer: a long title and role may stand between
_NAME_MARKS = frozenset('"“”«»„‘’')   # marks around a name ("via ”X“") that no quotation span holds


def _passive_comma(v: Token, sent: Span, lex: dict, qs: _QList) -> int | None:
    """"<claim>, wurde X zitiert.": the comma's index where a passive verb of saying ends the
    sentence and its auxiliary opens the clause after the comma (quote_cues passive_aux)."""
    if not lex["passive_aux"] or v.i + 1 < sent.end and not v.doc[v.i + 1].is_punct:
        return None
    if v.lower_ in lex["passive_aux"] or not _m_is_speech(v, lex, qs):
        return None
    doc = v.doc
    for j in range(v.i - 1, max(sent.start, v.i - 15) - 1, -1):
        t = doc[j]
        if t.text == ",":
            return j if j + 1 < v.i and doc[j + 1].lower_ in lex["passive_aux"] else None
        if t.is_punct or t.lower_ in lex["comp"]:
            return None
    return None


def _attributed_before(ctx: DocContext, sent: Span, v: Token, lex: dict, qs: _QList) -> Span | None:
    """The sentence before one that opens with a verb of saying, or with a word pointing back
    before it ("Про це повідомив X.", "Об этом сообщил X.", "Das teilte X mit."), in the same
    paragraph; None otherwise."""
    doc = v.doc
    j = v.i   # past the verb's auxiliaries ("c'est ce qu'a annoncé")
    while j - 1 > sent.start and (doc[j - 1].pos_ == "AUX" or doc[j - 1].dep_.startswith("aux")):
        j -= 1
    lead = ctx.text[sent.start_char:doc[j].idx].strip(" \t\n\"«»„“”—–-").lower().replace("’", "'")
    lead = re.sub(r"\s+", " ", lead)
    if lead and lead not in lex["anaphor"]:
        return None
    nxt = doc[v.i + 1] if v.i + 1 < sent.end else None
    if nxt is not None and nxt.text in (",", ":", "،"):
        return None
    if sent.start == 0:
        return None
    prev = doc[sent.start - 1].sent
    between = ctx.text[prev.end_char:sent.start_char]
    if "\n\n" in between or "\n\n" in prev.text.strip() or _headline(ctx, prev) or not prev.text.strip():
        return None
    inside = sum(min(prev.end_char, q.end) - max(prev.start_char, q.start) for q in qs.meeting(prev.start_char, prev.end_char))
    if inside > (prev.end_char - prev.start_char) / 3 or prev.text.rstrip()[-1:] in (":", "?"):
        return None
    return prev


def _past_apposition(ctx: DocContext, end: int, sent: Span, lex: dict) -> int:
    """Past ", <role of the speaker>," after a speaker ("По словам X, представителя Y, ..."):
    where the reported clause starts."""
    rest = ctx.text[end:sent.end_char]
    m = re.match(r"\s*,\s*([^,;:«»„“”\"]{3,90}),", rest)
    if not m:
        return end
    span = ctx.doc.char_span(end + m.start(1), end + m.end(1), alignment_mode="expand")
    if span is None or len(span) > 10:
        return end
    if any(set(_lemmas(t)) & (lex["roles"] | set(lex["speaker_kind"])) for t in span):
        return end + m.end()
    return end


def _named_apposition(state: _MState, ctx: DocContext, end: int, sent: Span):
    """(person, end of it) where ", <a person's name>," follows a speaker's phrase, else None."""
    m = re.match(r"\s*,\s*([^,;:«»„“”\"]{3,60}),", ctx.text[end:sent.end_char])
    if not m:
        return None
    a, b = end + m.start(1), end + m.end(1)
    e = next((e for e in state.ix.between(a - 1, b) if e.label == "PERSON" and e.start <= a + 1 and e.end >= b - 1), None)
    return (e, end + m.end()) if e is not None else None


def _appos_person(ctx: DocContext, state: _MState, a: int, sent: Span, lex: dict) -> Entity | None:
    """The first person named after ", " within 160 characters of a role phrase starting at a,
    closed by a comma or the sentence's end, with no quotation between (a name the model took
    for an organisation counts: two to four capitalised words, no organisation word, no known body)."""
    for e in state.ix.between(a, min(sent.end_char, a + 160)):
        if state.qs.covers(e.start):
            continue
        if e.label != "PERSON":
            words = e.text.split()
            if e.label != "ORG" or not 2 <= len(words) <= 4 or not all(w[:1].isupper() for w in words) or \
                    any(w.lower() in lex["org_words"] for w in words) or org_canonical(e.text, lex["lang"]) or \
                    ctx.text[max(0, e.start - 2):e.start] != ", ":
                continue
        closed = ctx.text[e.end:e.end + 1] in (",", ".", "") or e.label == "PERSON" and not ctx.text[e.end:e.end + 1].isalnum()
        if ctx.text[max(0, e.start - 2):e.start] == ", " and closed and \
                not state.qs.meeting(a, e.start):
            return e
        return None
    return None


def _perfect_infinitive(doc, sent: Span, v: Token, lex: dict) -> Token | None:
    """The infinitive opening what was said after a verb of saying ("ont raconté avoir fui",
    "nie avoir tiré", "s'est vanté d'avoir pris"), also past a short phrase between them
    ("s'est vanté sur les réseaux sociaux d'avoir pris"): no punctuation and no other verb
    on the way."""
    for j in range(v.i + 1, min(sent.end, v.i + 9)):
        t = doc[j]
        if t.lower_.replace("’", "'") in lex["infinitive"] and (not t.has_morph() or "Fin" not in t.morph.get("VerbForm")):
            if j == v.i + 1 or doc[j - 1].lower_ in ("de", "d'", "d’"):
                return t
            return None
        if t.is_punct or t.pos_ in ("VERB", "AUX"):
            return None
    return None


def _plural_subject_before(ctx: DocContext, pron: Token) -> Token | None:
    """The plural subject of the sentence before ``pron``'s, in the same paragraph, where it
    is a noun for people (None where the parse has no morphology, or the subject is a name,
    a pronoun, singular or a thing)."""
    doc = pron.doc
    sent = pron.sent
    if sent.start == 0 or not _has_deps(doc):
        return None
    prev = doc[sent.start - 1].sent
    if "\n\n" in ctx.text[prev.end_char:sent.start_char] or "\n\n" in prev.text.strip():
        return None
    subj = next((t for t in prev if t.dep_ in ("nsubj", "nsubj:pass", "nsubjpass") and t.head == prev.root), None)
    if subj is None or subj.pos_ != "NOUN" or (subj.morph.get("Number") != ["Plur"] and subj.tag_ != "NNS"):
        return None
    lang = ctx.language
    if not {subj.lemma_.lower(), subj.lower_} & _people_nouns(lang):
        return None   # things do not speak: "The strikes destroyed homes. They said ..." is not the strikes
    return subj


def _subject_words(subj: Token | None) -> list[Token] | None:
    """A subject noun and what describes it, up to a comma or the verb ("Les hommes épuisés
    arrivés à X")."""
    if subj is None:
        return None
    words = []
    for t in subj.doc[subj.left_edge.i:subj.right_edge.i + 1]:
        if t.is_punct or t.i > subj.i and t.pos_ == "AUX":
            break
        words.append(t)
    return words if 0 < len(words) <= 8 else None


@functools.lru_cache(maxsize=None)
def _people_nouns(lang: str) -> frozenset[str]:
    """Nouns for people: those figures count, speakers that are people, groups of people
    given a speaker's name, and civilians as actors (lemmas, lower case)."""
    return frozenset(t.lower() for t in (
        set(lexicon.terms("figure_people", lang)) | set(lexicon.terms("quote_speaker_names", lang)) |
        {r.term for r in lexicon.rows("quote_speakers", lang) if r.speaker == "person"} |
        {r.term for r in lexicon.rows("event_actors", lang) if r.kind == "civilian"}))
