"""People and organisations, with their aliases and roles within the document.

Candidates come from spaCy's entities and from rules, because the small model often
mislabels names from outside the English-speaking world:

* title words before a run of capitalised words make a person ("Health Minister Jane
  Doe", "Ambassador to the UN John Smith");
* a capitalised word with an apposition of a role or an age ("Nour, a nurse,";
  "Nour, 34,") or the subject/object of a verb of saying ("said Nour") is a person;
* a byline's "SURNAME Given" is put in reading order ("SMITH Jane" -> "Jane Smith").

Within a document, a later "Doe", "Ms Doe" or "Minister Doe" resolves to the "Jane Doe"
named in full (and so does an earlier one); a surname the model took for a place or an
organisation becomes the person. "Agency for Relief (AFR)" makes AFR an alias. A role is
read from the title words before a name ("Kenyan Health Minister"), from an apposition
after it ("X, a builder,") or before it ("Kenya's health minister, X,"), and is shared
by every mention of the same person. Spans the place extractor took, or that follow
"in"/"to"/"village of", are not made people.

Bounded work (issue 9): the names taken so far are kept in order (they never overlap),
so "is this offset taken" and "which names does this one clash with" are answered by
bisection; a run of capitalised words is walked only as far as the caller can use
(a name has at most four words); surnames, first names, acronyms and initials are
looked up in indexes built once per document; ``ctx.check()`` runs in every loop over
tokens, entities or candidates.
"""
from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from sitroom.extract import lexicon
from sitroom.extract.context import DocContext
from sitroom.models import Entity

# words that make a title or a role (lower case); the head of a role phrase is one of these
# (titles.tsv: role, qualifier, honorific; org_words.tsv; speech_verbs.tsv; entity_cues.tsv)
_QUALIFIERS = lexicon.terms("titles", type="qualifier")
ROLE_WORDS = lexicon.terms("titles", type="role") | _QUALIFIERS
# words that are titles but never a whole role on their own
_WEAK_ROLE = _QUALIFIERS
HONORIFICS = lexicon.terms("titles", type="honorific")
PARTICLES = lexicon.terms("entity_cues", cue="particle")
PLACE_PREPS = lexicon.terms("entity_cues", cue="place_prep")
PLACE_NOUNS = lexicon.terms("entity_cues", cue="place_noun")
SAY_LEMMAS = lexicon.terms("speech_verbs", reporting="yes")
ORG_WORDS = lexicon.terms("org_words")
_BYLINE = re.compile(r"(?:^|\bby\s+|\n)([A-Z][A-Z'’-]{2,}(?:\s[A-Z][A-Z'’-]{2,})?)\s+([A-Z][a-z][\w'’-]+)\b")
_POSS = re.compile(r"(?:'s|’s|'|’)$")


@dataclass
class _Cand:
    start: int          # char offsets of the name proper (titles excluded)
    end: int
    label: str
    name: str           # cleaned surface of the name
    canonical: str | None = None


def extract(ctx: DocContext) -> list[Entity]:
    if ctx.language != "en":
        return _extract_other(ctx)
    doc = ctx.doc
    cands = _candidates(ctx)
    cands = _resolve(ctx, cands)
    roles: dict[str, str] = {}
    out: list[Entity] = []
    for c in cands:
        ctx.check()
        span = doc.char_span(c.start, c.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        role = role_of(span) if c.label == "PERSON" else None
        if role and c.canonical not in roles:
            roles[c.canonical] = role
        sent = ctx.sentence_of(c.start)
        # the sentence of the name's first word (span.sent, read once per sentence); a name
        # across a sentence end keeps spaCy's span.sent, which runs to the end of its last word's
        sentence = ctx.sentence_text(sent) if sent.start <= span.start and span.end <= sent.end \
            else span.sent.text.strip()
        out.append(Entity(start=c.start, end=c.end, sentence=sentence, text=ctx.text[c.start:c.end],
                          label=c.label, canonical=c.canonical, role=role))
    for e in out:  # a person's role, once read, holds for every mention of them
        if e.role is None and e.label == "PERSON":
            e.role = roles.get(e.canonical)
    return out


# ---------------------------------------------------------------- candidates


def _is_name_token(tok: Token) -> bool:
    """A capitalised word that can be part of a person's name: not an acronym, title or honorific."""
    t = tok.text
    if not t[:1].isupper() or (t.isupper() and len(t) > 1):
        return False
    if tok.lower_ in ROLE_WORDS or tok.lower_.rstrip(".") in HONORIFICS or tok.lower_ in _NOT_NAMES:
        return False
    return re.fullmatch(r"[^\W\d_][\w'’.-]*", t) is not None


_NOT_NAMES = lexicon.terms("entity_cues", cue="not_name")


def _name_run(doc: Doc, i: int, longest: int | None = None) -> tuple[int, int] | None:
    """The run of name tokens starting at token ``i`` (particles like "al-" or "bin" allowed inside).

    ``longest``: the most tokens the caller can use. A longer run is not walked to its end
    (a run of capitalised words may be the whole text): ``(i, i + longest + 1)`` comes back,
    which the caller rejects as too long. The run is known to be longer once a word that is
    no particle is taken at ``i + longest`` or after, since only particles are trimmed off
    its end."""
    j = i
    while j < len(doc):
        tok = doc[j]
        if _is_name_token(tok) and tok.ent_type_ not in ("DATE", "TIME", "CARDINAL", "GPE") and not (
                j > i and tok.pos_ == "VERB" and tok.tag_ == "VBZ") or \
                (tok.lower_ in PARTICLES and j > i and j + 1 < len(doc) and (_is_name_token(doc[j + 1]) or (
                    doc[j + 1].text == "-" and j + 2 < len(doc) and _is_name_token(doc[j + 2])))):
            pass
        elif tok.text in ("-",) and j > i and j + 1 < len(doc) and _is_name_token(doc[j + 1]) and not tok.whitespace_ \
                and not doc[j - 1].whitespace_:
            pass
        else:
            break
        if longest is not None and j - i >= longest and tok.lower_ not in PARTICLES:
            return i, i + longest + 1
        j += 1
    while j > i and doc[j - 1].lower_ in PARTICLES:
        j -= 1
    return (i, j) if j > i else None


class _Taken:
    """The names taken so far, in text order. They never overlap (a new one that clashes
    is dropped or replaces the ones it contains), so their ends are in order too and a
    clash or a covered offset is found by bisection."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.cands: list[_Cand] = []

    def clashing(self, start: int, end: int) -> range:
        """Indexes of the names that overlap [start, end)."""
        return range(bisect_right(self.ends, start), max(bisect_right(self.ends, start), bisect_left(self.starts, end)))

    def covers(self, pos: int) -> bool:
        k = bisect_right(self.starts, pos) - 1
        return k >= 0 and pos < self.ends[k]

    def put(self, c: _Cand) -> None:
        k = bisect_left(self.starts, c.start)
        self.starts.insert(k, c.start)
        self.ends.insert(k, c.end)
        self.cands.insert(k, c)

    def drop(self, ks: range) -> None:
        del self.starts[ks.start:ks.stop], self.ends[ks.start:ks.stop], self.cands[ks.start:ks.stop]


def _candidates(ctx: DocContext) -> list[_Cand]:
    doc, text = ctx.doc, ctx.text
    taken = _Taken()

    def add(start: int, end: int, label: str) -> None:
        name = _clean(text[start:end], label)
        if not name:
            return
        # keep the offsets of the cleaned name
        off = text.find(name, start, end)
        if off >= 0:
            start, end = off, off + len(name)
        clash = taken.clashing(start, end)
        if clash:
            # a longer name that contains the ones taken replaces them ("Jane" + "Doe-Smith")
            if all(start <= taken.starts[k] and taken.ends[k] <= end
                   and (start, end) != (taken.starts[k], taken.ends[k]) and taken.cands[k].label == label
                   for k in clash):
                taken.drop(clash)
            else:
                return
        taken.put(_Cand(start=start, end=end, label=label, name=name))

    # bylines: "SMITH Jane"
    for m in _BYLINE.finditer(text):
        ctx.check()
        sur, given = m.group(1), m.group(2)
        if len(sur) > 2 and any(ch in "AEIOUY" for ch in sur):
            taken.put(_Cand(start=m.start(1), end=m.end(2), label="PERSON", name=f"{given} {sur.title()}"))

    # "Agency for Relief (AFR)": the expansion and the acronym are organisations
    for m in re.finditer(r"\(([A-Z][A-Za-z0-9&.]{1,11})\)", text):
        ctx.check()
        before = text[max(0, m.start() - 160):m.start()].rstrip()
        long = _expansion(before, m.group(1).replace(".", ""))
        if long:
            s0 = m.start() - (len(text[:m.start()]) - len(text[:m.start()].rstrip())) - len(long)
            if text[s0:s0 + len(long)] == long:
                add(s0, s0 + len(long), "ORG")
                add(m.start(1), m.end(1), "ORG")

    # "Centre for Policy Studies", "Socialist Movement": capitalised runs with an organisation word
    i = 0
    while i < len(doc):
        ctx.check()
        if not doc[i].text[:1].isupper() or doc[i].is_sent_start and doc[i].lower_ in _NOT_NAMES:
            i += 1
            continue
        j = i
        while j < len(doc) and (doc[j].text[:1].isupper() and not doc[j].is_punct or
                                doc[j].lower_ in ("of", "for", "and", "on", "the", "&") and j + 1 < len(doc)
                                and doc[j + 1].text[:1].isupper() and j > i):
            j += 1
        words = [t.lower_ for t in doc[i:j]]
        last = max((k for k, w in enumerate(words) if w in ORG_WORDS), default=-1)
        if 0 <= last < len(words) - 1 and words[last + 1] not in ("of", "for", "on", "&", "and"):
            # "Niger Army Chief X Confirms ...": the name ends with its organisation word
            j = i + last + 1
            words = words[:last + 1]
        if j - i >= 2 and any(w in ORG_WORDS for w in words) and doc[i].lower_ != "the":
            add(doc[i].idx, doc[j - 1].idx + len(doc[j - 1]), "ORG")
        i = max(j, i + 1)

    # title words + a capitalised name: "Health Minister Jane Doe", "Ambassador to the UN John Smith"
    caps_end: dict[int, int] = {}  # token -> the end of the run of all-capitals words it starts
    for tok in ctx.tokens():
        ctx.check()
        if tok.lower_ not in ROLE_WORDS or tok.lower_ in _WEAK_ROLE:
            continue
        j = tok.i + 1
        if j < len(doc) and doc[j].text in ("-",):
            continue
        run = _name_run(doc, j, longest=4)
        if run is None:
            # "Ambassador to the US John Smith": skip a short "to the X" / "of X" complement
            k = j
            if k < len(doc) and doc[k].lower_ in ("to", "of", "for") and tok.text[:1].isupper():
                k += 1
                if k < len(doc) and doc[k].lower_ == "the":
                    k += 1
                k = _caps_run_end(doc, k, caps_end)
                run = _name_run(doc, k, longest=4) if k > j + 1 else None
        if run is None:
            continue
        a, b = run
        if b - a > 4 or any(doc[x].ent_type_ in ("ORG", "GPE", "NORP") and doc[x].ent_iob_ == "B" and
                            doc[x].ent_type_ != "PERSON" and b - a == 1 for x in range(a, b)):
            continue
        if b - a == 1 and not tok.text[:1].isupper():
            continue  # "the minister Smith"? too weak alone
        if doc[a].text[:1].isupper() and (b - a >= 2 or tok.text[:1].isupper()):
            add(doc[a].idx, doc[b - 1].idx + len(doc[b - 1]), "PERSON")

    place_names = {ctx.text[p.start:p.end] for p in ctx.places} | {p.surface for p in ctx.places}
    # spaCy's entities
    for ent in doc.ents:
        ctx.check()
        label = ent.label_
        if label not in ("PERSON", "ORG", "NORP"):
            continue
        s, e = ent.start_char, ent.end_char
        if "(" in ent.text:  # "Agency for Relief (AFR": the name ends before the bracket
            e = s + len(ent.text[:ent.text.index("(")].rstrip())
            if e <= s:
                continue
        if label in ("PERSON", "ORG") and "," in ent.text:
            # "Kharkiv, Jane Doe": an apposition run together by the model
            head, _, tail = ent.text.rpartition(",")
            tail_s = s + len(head) + 1 + (len(tail) - len(tail.lstrip()))
            if len(tail.split()) >= 2 and all(w[:1].isupper() for w in tail.split()):
                add(tail_s, e, "PERSON")
            continue
        if label == "PERSON" and _placey(ctx, ent):
            continue
        if label in ("PERSON", "ORG") and (any(e <= p.end for p in ctx.facts_at("places", s))
                                           or _clean(ent.text, label) in place_names):
            continue
        if label == "PERSON":
            words = ent.text.split()
            if words and (words[0].lower() in ROLE_WORDS and len(words) == 1):
                continue
            if len(ent) == 1 and ent.end < len(doc) and doc[ent.end].lower_ in ROLE_WORDS and \
                    not doc[ent.end].text[:1].isupper():
                continue  # "Gang leader X": a modifier of a title, not a name
            # "Gang leader Jane Doe" / "President Doe": keep the name after the title words
            k = ent.start
            while k < ent.end and (doc[k].lower_ in ROLE_WORDS or doc[k].lower_.rstrip(".") in HONORIFICS
                                   or (doc[k].pos_ != "PROPN" and k + 1 < ent.end and doc[k + 1].lower_ in ROLE_WORDS)):
                k += 1
            if k >= ent.end:
                continue
            s = doc[k].idx
        if label == "ORG" and _placey(ctx, ent) and len(ent) == 1:
            continue
        add(s, e, label)

    # a capitalised word with a role or an age in apposition, or that speaks: "Nour, a nurse,"
    for tok in ctx.tokens():
        ctx.check()
        if tok.pos_ != "PROPN" or tok.ent_type_ in ("PERSON", "ORG", "NORP", "DATE", "TIME") or not _is_name_token(tok):
            continue
        if taken.covers(tok.idx) or ctx.facts_at("places", tok.idx) or tok.text in place_names:
            continue
        run = _name_run(doc, tok.i, longest=3)
        if run is None or (tok.i > 0 and _is_name_token(doc[tok.i - 1]) and doc[tok.i - 1].pos_ == "PROPN"):
            continue
        a, b = run
        if b - a > 3 or _placey_tok(doc, a):
            continue
        last = doc[b - 1]
        if _appos_person(doc, b) or _speaks(last):
            add(doc[a].idx, last.idx + len(last), "PERSON")
    # later mentions of a surname or an acronym the model missed: "Doe left", "AFR said"
    out = taken.cands
    surnames = {_surname_key(c.name.split()[-1]) for c in out if c.label == "PERSON" and len(c.name.split()) >= 2}
    acronyms = {c.name for c in out if c.label == "ORG" and c.name.isupper() and len(c.name) >= 2}
    for tok in ctx.tokens():
        ctx.check()
        if not tok.text[:1].isupper() or taken.covers(tok.idx):
            continue
        if tok.text in acronyms:
            add(tok.idx, tok.idx + len(tok.text), "ORG")
        elif _is_name_token(tok) and _surname_key(tok.text) in surnames and len(tok.text) > 2 \
                and not (tok.i + 1 < len(doc) and _is_name_token(doc[tok.i + 1])):
            add(tok.idx, tok.idx + len(tok.text), "PERSON")
    return list(taken.cands)  # in text order


def _caps_run_end(doc: Doc, k: int, memo: dict[int, int]) -> int:
    """The first token from ``k`` on that is not a word in capitals ("UN", "US"), each run
    walked once per document."""
    j = k
    while j not in memo and j < len(doc) and doc[j].text[:1].isupper() and doc[j].text.isupper():
        j += 1
    end = memo.get(j, j)
    for x in range(k, j + 1):
        memo[x] = end
    return end


def _appos_person(doc: Doc, b: int) -> bool:
    """A name ending before token ``b`` is followed by ", a builder," or ", 34,"."""
    if b + 1 >= len(doc) or doc[b].text != ",":
        return False
    nxt = doc[b + 1]
    if nxt.like_num and b + 2 < len(doc) and doc[b + 2].text in (",", ")") and nxt.text.isdigit() and \
            5 <= int(nxt.text) <= 110:
        return True
    if nxt.lower_ in ("a", "an", "the", "who", "whose"):
        for t in doc[b + 2:b + 9]:
            if t.text in (",", ".", ";") or t.is_sent_start:
                break
            if t.lower_ in ROLE_WORDS and t.lower_ not in _WEAK_ROLE or re.fullmatch(r"\d+-year-old", t.lower_) \
                    or t.lower_ in ("year", "old") or (nxt.lower_ in ("who", "whose")):
                return True
    return False


def _speaks(tok: Token) -> bool:
    head = tok.head
    return tok.dep_ in ("nsubj",) and head.lemma_.lower() in SAY_LEMMAS and head.pos_ in ("VERB", "AUX") \
        and tok.ent_type_ not in ("GPE", "LOC", "FAC")


def _placey_tok(doc: Doc, i: int) -> bool:
    j = i - 1
    if j >= 0 and doc[j].lower_ == "the":
        j -= 1
    if j < 0:
        return False
    prev = doc[j]
    if prev.lower_ in PLACE_PREPS:
        return True
    if prev.lower_ == "of" and j > 0 and doc[j - 1].lower_ in PLACE_NOUNS:
        return True
    return prev.lower_ in PLACE_NOUNS and prev.i + 1 == i


def _placey(ctx: DocContext, ent: Span) -> bool:
    """A span the model called a person that reads as a place: "in X", "village of X"."""
    if not _placey_tok(ctx.doc, ent.start):
        return False
    from sitroom.extract.gazetteer import gazetteer

    return len(ent) == 1 or bool(gazetteer().lookup(ent.text)) or ctx.doc[ent.start - 1].lower_ in PLACE_NOUNS \
        or ctx.doc[ent.start - 1].lower_ == "of"


def _clean(name: str, label: str) -> str:
    name = name.strip(" \n\t,.;:\"“”'‘’()")
    name = _POSS.sub("", name).strip()
    name = re.sub(r"^(?:[Tt]he|[Aa]n?)\s+", "", name)
    if label == "PERSON":
        words = name.split()
        while words and (words[0].lower().rstrip(".") in HONORIFICS or words[0].lower() in ROLE_WORDS):
            words = words[1:]
        name = " ".join(words)
    if not name or not name[0].isupper():
        return ""
    return name


# ---------------------------------------------------------------- aliases


def _surname_key(word: str) -> str:
    w = word.lower().replace("’", "'")
    w = re.sub(r"^(?:al|el|ad|ar|as|an|at|az)-", "", w)
    return w


def _resolve(ctx: DocContext, cands: list[_Cand]) -> list[_Cand]:
    """Canonical names (``cands`` in text order): a surname, a given name or a shorter form
    to the person named in full, an acronym to its organisation. Every lookup goes through
    an index built once (by surname, by given name, by acronym, by initials)."""
    text = ctx.text
    full: list[_Cand] = [c for c in cands if c.label == "PERSON" and len(c.name.split()) >= 2]
    by_last: dict[str, list[_Cand]] = {}
    by_first: dict[str, list[_Cand]] = {}
    for c in full:
        words = c.name.split()
        by_last.setdefault(_surname_key(words[-1]), []).append(c)
        by_first.setdefault(words[0], []).append(c)
    first_starts = {w: [f.start for f in fs] for w, fs in by_first.items()}
    # for the full names sharing a given name: the first place where a second name appears
    first_mixed = {w: next((k for k, f in enumerate(fs) if f.name != fs[0].name), len(fs))
                   for w, fs in by_first.items()}
    order = {id(f): k for k, f in enumerate(full)}
    by_last_first: dict[tuple[str, str], list[_Cand]] = {}
    for f in full:
        by_last_first.setdefault((_surname_key(f.name.split()[-1]), f.name.split()[0]), []).append(f)
    # full names that end with a shorter name of two words or more ("Jane Doe" in "Mary Jane Doe")
    multi = {c.name for c in cands if len(c.name.split()) >= 2}
    lengths = sorted({len(n) for n in multi})
    ending: dict[str, list[_Cand]] = {}
    for f in full:
        ctx.check()
        for n in lengths:
            if n >= len(f.name):
                break
            if f.name[-n:] in multi:
                ending.setdefault(f.name[-n:], []).append(f)
    longer: dict[tuple, tuple[list[_Cand], list[int]]] = {}

    def longer_than(key: tuple, group: list[_Cand], size: int) -> tuple[list[_Cand], list[int]]:
        """The names of ``group`` longer than ``size`` characters, and their offsets."""
        got = longer.get(key)
        if got is None:
            ctx.check()
            picked = group if size < 0 else [f for f in group if len(f.name) > size]
            got = longer[key] = (picked, [f.start for f in picked])
        return got

    def full_for(c: _Cand) -> str | None:
        """The name of the full name ``c`` is a shorter form of: a longer one with its surname
        that ends with it or starts with the same given name (for a surname alone, any
        longer one); the last one before it, else the first after it."""
        words = c.name.split()
        key = _surname_key(words[-1])
        if len(words) == 1:
            lists = [longer_than((key, len(c.name)), by_last.get(key, []), len(c.name))]
        else:  # a longer name is never ``c`` itself
            lists = [longer_than((key, words[0], len(c.name)), by_last_first.get((key, words[0]), []), len(c.name)),
                     longer_than(("ends", c.name), ending.get(c.name, []), -1)]
        before = [fs[k - 1] for fs, starts in lists if (k := bisect_left(starts, c.start))]
        pick = max(before, key=lambda f: order[id(f)]) if before else \
            min((fs[0] for fs, _ in lists if fs), key=lambda f: order[id(f)], default=None)
        if pick is not None:
            return pick.canonical or pick.name
        if len(words) != 1:
            return None
        # "Doe" after "Jane Doe Smith"? a given name alone: "Jane" -> "Jane Doe", when every
        # full name with that given name before it is the same
        n = bisect_left(first_starts.get(words[0], []), c.start)
        if n == 0 or n > first_mixed[words[0]]:
            return None
        pick = by_first[words[0]][n - 1]
        return pick.canonical or pick.name

    # acronyms: "Agency for Relief (AFR)"
    aliases: dict[str, str] = {}
    for m in re.finditer(r"\(([A-Z][A-Za-z0-9&.]{1,11})\)", text):
        ctx.check()
        acr = m.group(1).replace(".", "")
        long = _expansion(text[max(0, m.start() - 160):m.start()].rstrip(), acr)
        if long:
            aliases[acr] = long
    for c in cands:
        ctx.check()
        if c.label == "PERSON":
            c.canonical = full_for(c) or c.name
        elif c.label == "ORG":
            if c.name in aliases:
                c.canonical = aliases[c.name]
            else:
                c.canonical = c.name
            if len(c.name.split()) <= 2 and (f := full_for(c)) and \
                    _surname_key(c.name.split()[-1]) == _surname_key(f.split()[-1]):
                c.label, c.canonical = "PERSON", f  # the model called a person's surname an organisation
        else:
            c.canonical = c.name
    # an organisation named in full, then by its acronym alone: one canonical name (of the
    # expansions it ends with, the one of the acronym spelled out last)
    last_of = {long: k for k, long in enumerate(aliases.values())}
    lengths = sorted({len(long) for long in last_of})
    for c in cands:
        if c.label == "ORG" and lengths:
            ctx.check()
            ends = [c.name[len(c.name) - n:] for n in lengths if n <= len(c.name)]
            hits = [e for e in ends if e in last_of]
            if hits:
                c.canonical = max(hits, key=last_of.__getitem__)
    # an acronym never spelled out in brackets, whose letters are the initials of an organisation
    # named in full in the document ("the World Health Organization ... the WHO said")
    by_initials: dict[str, list[_Cand]] = {}
    for f in cands:
        if f.label == "ORG" and len(f.name.split()) >= 2:
            by_initials.setdefault(_initials(f.name), []).append(f)
    spelled_as: dict[str, set[str]] = {}
    for c in cands:
        if c.label == "ORG" and c.canonical == c.name and c.name.isupper() and 2 <= len(c.name) <= 6 \
                and c.name not in aliases:
            ctx.check()
            spelled = spelled_as.get(c.name)
            if spelled is None:
                spelled = spelled_as[c.name] = {f.canonical or f.name for f in by_initials.get(c.name, [])}
            if len(spelled) == 1:
                c.canonical = next(iter(spelled))
                if len(c.name.split()) >= 2:  # itself a full name: the sets that hold it are read again
                    spelled_as.pop(_initials(c.name), None)
    return cands


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s-]+", name) if w and w.lower() not in _SMALL and w[0].isupper())


_SMALL = lexicon.terms("entity_cues", cue="acronym_small")


def _expansion(before: str, acr: str) -> str | None:
    """The words before "(ACR)" whose initials spell the acronym: "Agency for Relief" for AFR."""
    words = before.split()
    letters = ""
    take: list[str] = []
    for w in reversed(words[-14:]):
        clean = w.strip(",;:\"“”")
        if not clean:
            break
        take.insert(0, clean)
        if clean.lower() in _SMALL:
            if clean[:1].isupper() and clean.lower() in ("sans",):
                letters = clean[0] + letters
            continue
        if not clean[:1].isupper():
            return None
        letters = (clean if clean.isupper() and len(clean) <= 3 else clean[0]) + letters
        if letters.upper() == acr.upper():
            return " ".join(take)
        if len(letters) > len(acr) or not acr.upper().endswith(letters.upper()):
            return None
    return None


# ---------------------------------------------------------------- roles


def _trim_role(words: list[str]) -> str | None:
    while words and words[0].lower() in ("a", "an", "the", ",", "and", "its", "his", "her", "their"):
        words = words[1:]
    while words and words[-1] in (",", "-", "—", "the", "of", "to"):
        words = words[:-1]
    if not words:
        return None
    role = " ".join(words)
    role = re.sub(r"\s+(['’]s)\b", r"\1", role)
    role = re.sub(r"\s*-\s*", "-", role)
    role = re.sub(r"^\d+-year-old\s+", "", role)
    if not any(w.lower().strip("'’s") in ROLE_WORDS - _WEAK_ROLE or w.lower() in ROLE_WORDS - _WEAK_ROLE
               for w in re.split(r"[\s-]", role)):
        return None
    return role if len(role) <= 90 else None


def role_of(ent: Span) -> str | None:
    """Title words before the name, an apposition after it, or a role phrase it is the apposition of."""
    doc = ent.doc
    # 1. title words before: "Kenya's Health Minister", "Ambassador to the US", "UN Secretary-General"
    words: list[Token] = []
    i = ent.start - 1
    while i >= 0:
        t = doc[i]
        low = t.lower_
        if t.is_sent_start and low not in ROLE_WORDS and not t.text[:1].isupper():
            break
        if t.is_sent_start and t.text[:1].isupper() and words and words[0].lower_ in ROLE_WORDS:
            words.insert(0, t)
            break
        ok = (low in ROLE_WORDS or low.rstrip(".") in HONORIFICS
              or (t.text[:1].isupper() and t.pos_ in ("PROPN", "ADJ", "NOUN") and not t.is_sent_start)
              or (t.text[:1].isupper() and t.is_sent_start and (t.ent_type_ in ("NORP", "GPE", "ORG") or low in ROLE_WORDS))
              or t.text in ("-",) and not t.whitespace_
              or (t.dep_ in ("compound", "amod") and t.pos_ in ("NOUN", "ADJ") and t.head.i >= i and words)
              or t.text in ("'s", "’s") and i > 0 and doc[i - 1].ent_type_ in ("GPE", "ORG", "NORP")
              or low in ("of", "to", "for", "the") and words and words[0].text[:1].isupper()
              and any(x.lower_ in ROLE_WORDS for x in doc[max(0, i - 3):i]))
        if not ok or t.is_punct and t.text != "-":
            break
        if t.ent_type_ == "PERSON" and t.lower_ not in ROLE_WORDS:
            break
        words.insert(0, t)
        i -= 1
    while words and words[0].lower_ in ("of", "to", "for", "the", "-", "'s", "’s"):
        words.pop(0)
    while words and words[0].lower_.rstrip(".") in HONORIFICS:
        words.pop(0)
    title = None
    if any(w.lower_ in ROLE_WORDS - _WEAK_ROLE for w in words):
        text = "".join(w.text_with_ws for w in words).strip()
        title = _trim_role(text.replace(" - ", "-").split())
        if title and " " in title:
            return title
        # a bare rank ("General X") gives way to a fuller role in apposition before it
    # 2. apposition after: "X, a 69-year-old driver who ...," / "X, the chair of ...,"
    j = ent.end
    if j < len(doc) and doc[j].text == ",":
        k = j + 1
        buf: list[Token] = []
        while k < len(doc) and doc[k].text not in (",", ".", ";", ":", "(", "—", "–", "\"", "“", "”") \
                and doc[k].lower_ not in ("who", "whose", "which", "said", "says", "told", "and") \
                and not doc[k].is_sent_start and len(buf) < 14:
            buf.append(doc[k])
            k += 1
        if buf and buf[0].lower_ in ("a", "an", "the") or buf and (buf[0].text[:1].isupper() and
                                                                   any(t.text in ("'s", "’s") for t in buf[:4])):
            r = _trim_role([t.text for t in buf])
            if r:
                return r
    # 3. a role phrase the name is in apposition to: "Kenya's health minister, X,"
    k0 = ent.start
    while k0 > 0 and (doc[k0 - 1].lower_ in ROLE_WORDS or doc[k0 - 1].lower_.rstrip(".") in HONORIFICS):
        k0 -= 1
    if k0 >= 2 and doc[k0 - 1].text == ",":
        k = k0 - 2
        buf = []
        while k >= 0 and doc[k].text not in (",", ".", ";", ":", "\"", "“", "”") and len(buf) < 12:
            buf.insert(0, doc[k])
            if doc[k].is_sent_start:
                break
            if doc[k].pos_ in ("VERB", "AUX") or doc[k].lower_ in ("and", "but", "by", "with", "said", "that"):
                buf.pop(0)
                break
            k -= 1
        if buf and buf[-1].lower_ in ROLE_WORDS - _WEAK_ROLE | {"official", "spokesman", "spokeswoman"} or \
                buf and any(t.lower_ in ROLE_WORDS - _WEAK_ROLE for t in buf[-4:]) and buf[-1].pos_ in ("NOUN", "PROPN"):
            text = "".join(t.text_with_ws for t in buf).strip()
            r = _trim_role(text.split())
            if r:
                return r
    return title


# ---------------------------------------------------------------- gender


def person_gender_words(lang: str = "en") -> dict[str, str]:
    """Titles, honorifics and role nouns that tell a person's gender (entity_gender.tsv)."""
    return {t: r.gender for t, r in lexicon.table("entity_gender", lang).items()}


def gender_of(doc: Doc, e: Entity, words: dict[str, str] | None = None) -> str | None:
    """"f", "m" or None: what the words that go with a person's name say ("Mrs", "Prince", "a
    spokeswoman", "mother of three"); never read from the name itself."""
    words = words if words is not None else person_gender_words()
    seen: list[str] = []
    if e.role:
        seen += re.split(r"[\s-]", e.role.lower())
    span = doc.char_span(e.start, e.end, alignment_mode="expand")
    if span is not None:
        i = span.start - 1
        while i >= 0 and span.start - i <= 3 and (doc[i].text == "." or doc[i].lower_.rstrip(".") in words
                                                   or doc[i].lower_ in ROLE_WORDS):
            seen.append(doc[i].lower_.rstrip("."))
            i -= 1
    seen = [re.sub(r"['’]s?$", "", w) for w in seen]
    got = {words[w] for w in seen if w in words}
    return next(iter(got)) if len(got) == 1 else None


# ---------------------------------------------------------------- other languages
#
# French, German, Spanish, Russian, Ukrainian, Arabic: the model's PERSON and ORG entities
# where there is one (French spaCy, Russian natasha), a title word of the language
# followed by a capitalised name ("porte-parole Marie Dupont", "Sprecher Hans Weber",
# "речник Олег Коваль"), names pymorphy3 knows as first names or surnames (Russian,
# Ukrainian), acronyms in capitals ("ONU", "ООН"). Russian and Ukrainian names are put in
# the nominative for the canonical name ("Ивана Петрова" -> "Иван Петров"); surnames then
# resolve to the full name as in English. Title words are rows of titles.tsv with the
# language, read by lemma (``token._.lemmas``).


def _lemmas_of(tok: Token) -> tuple[str, ...]:
    got = tok._.lemmas if Token.has_extension("lemmas") else None
    return tuple(got or ()) + (tok.lower_,)


def _other_words(lang: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    return (lexicon.terms("titles", lang, type="role"), lexicon.terms("entity_cues", lang, cue="determiner"),
            lexicon.terms("entity_cues", lang, cue="particle"))


def _morph_names(lang: str, word: str) -> bool:
    """pymorphy3 knows the word as a first name, patronymic or surname (ru, uk)."""
    if lang not in ("ru", "uk"):
        return False
    from sitroom.extract.nlp import morph_analyzer

    try:
        parses = morph_analyzer(lang).parse(word)
    except Exception:  # noqa: BLE001 - no analyzer: no names from it
        return False
    return any(("Name" in p.tag or "Surn" in p.tag or "Patr" in p.tag) and p.score >= 0.1 for p in parses[:3])


def _canonical_other(name: str, lang: str) -> str:
    if lang not in ("ru", "uk"):
        return name
    from sitroom.extract.nlp import morph_analyzer, nominatives

    out = []
    for w in name.split():
        got: tuple[str, ...] = ()
        if w[:1].isupper() and not w.isupper():
            parses = morph_analyzer(lang).parse(w)[:3]
            if not any("nomn" in p.tag and "plur" not in p.tag or "Fixd" in p.tag for p in parses):
                got = nominatives(w, lang)   # "Ивана Петрова" -> "Иван Петров"; a nominative stays as it is
        out.append(got[0].capitalize() if got else w)
    return " ".join(out)


def _extract_other(ctx: DocContext) -> list[Entity]:
    doc, text, lang = ctx.doc, ctx.text, ctx.language
    roles, determiners, particles = _other_words(lang)
    taken = _Taken()

    def placey(a: int, b: int) -> bool:
        return any(p.start < b and a < p.end for x in range(a, b, max(1, (b - a) // 3 or 1))
                   for p in ctx.facts_at("places", x))

    def add(a: int, b: int, label: str) -> None:
        name = text[a:b].strip(" \n\t,.;:\"“”«»„'()")
        if not name:
            return
        a = text.find(name, a, b)
        b = a + len(name)
        if label == "PERSON" and placey(a, b):
            return
        if taken.clashing(a, b):
            clash = taken.clashing(a, b)
            if all(a <= taken.starts[k] and taken.ends[k] <= b and (a, b) != (taken.starts[k], taken.ends[k])
                   for k in clash):
                taken.drop(clash)
            else:
                return
        taken.put(_Cand(start=a, end=b, label=label, name=name))

    def cap(t: Token) -> bool:
        return t.text[:1].isupper() and bool(re.fullmatch(r"[^\W\d_][\w'’.-]*", t.text)) and \
            not (t.text.isupper() and len(t.text) > 1) and not set(_lemmas_of(t)) & roles and \
            t.lower_ not in determiners

    # the model's entities (fr, ru)
    for ent in doc.ents:
        ctx.check()
        if ent.label_ not in ("PERSON", "ORG"):
            continue
        toks = list(ent)
        while toks and (toks[0].lower_ in determiners or set(_lemmas_of(toks[0])) & roles):
            toks = toks[1:]
        if not toks:
            continue
        a, b = toks[0].idx, ent.end_char
        if ent.label_ == "ORG" and placey(a, b) and len(toks) == 1:
            continue
        add(a, b, ent.label_)
    # a title word, then a capitalised name: "porte-parole Marie Dupont", "Sprecher Hans Weber"
    for tok in ctx.tokens():
        ctx.check()
        if not set(_lemmas_of(tok)) & roles:
            continue
        j = tok.i + 1
        while j < len(doc) and doc[j].text in (",",) and j == tok.i + 1:
            j += 1
        k = j
        while k < len(doc) and k - j < 4 and (cap(doc[k]) or doc[k].lower_ in particles and k + 1 < len(doc)
                                              and cap(doc[k + 1]) and k > j):
            k += 1
        # the role's body before the name ("речниця облради Ірина Гуцал"): not part of it
        while k - j >= 2 and (body_canonical(doc[j].text, lang, head=0) or k - j >= 3 and lang in ("ru", "uk")
                              and not _morph_names(lang, doc[j].text)):
            j += 1
        if k == j:
            # "der Leiter der Verwaltung von X, Vorname Name,": the name after the role's complement
            c = next((c for c in range(tok.i + 1, min(len(doc), tok.i + 15)) if doc[c].text == ","), None)
            if c is not None and not any(doc[x].text in (".", ";", ":", "!", "?") or doc[x].is_space or
                                         doc[x].lower_ in ("und", "и", "і", "та", "et", "y") for x in range(tok.i + 1, c)):
                e = c + 1
                while e < len(doc) and e - c - 1 < 4 and cap(doc[e]):
                    e += 1
                if e - c - 1 >= 2 and (e == len(doc) or doc[e].is_punct) and not taken.covers(doc[c + 1].idx):
                    add(doc[c + 1].idx, doc[e - 1].idx + len(doc[e - 1]), "PERSON")
            continue
        if k > j and not taken.covers(doc[j].idx):
            if k - j >= 2 or lang not in ("de",) or k == len(doc) or not doc[k].text[:1].isalpha():
                add(doc[j].idx, doc[k - 1].idx + len(doc[k - 1]), "PERSON")
    # first names and surnames pymorphy3 knows (ru, uk): two or three in a row
    if lang in ("ru", "uk"):
        i = 0
        while i < len(doc):
            ctx.check()
            j = i
            while j < len(doc) and j - i < 3 and cap(doc[j]) and _morph_names(lang, doc[j].text):
                j += 1
            if j - i >= 2 and not taken.covers(doc[i].idx) and not doc[i].is_sent_start:
                add(doc[i].idx, doc[j - 1].idx + len(doc[j - 1]), "PERSON")
            elif j - i >= 2 and not taken.covers(doc[i].idx):
                add(doc[i].idx, doc[j - 1].idx + len(doc[j - 1]), "PERSON")
            i = max(j, i + 1)
    # acronyms: "ONU", "UNRWA", "ООН"
    for tok in ctx.tokens():
        ctx.check()
        t = tok.text
        if 2 <= len(t) <= 8 and t.isupper() and t.isalpha() and not taken.covers(tok.idx) and \
                not ctx.facts_at("places", tok.idx):
            add(tok.idx, tok.idx + len(t), "ORG")
    cands = list(taken.cands)
    for c in cands:
        if c.label == "PERSON":
            c.name = _canonical_other(c.name, lang)
    cands = _resolve(ctx, cands)
    out: list[Entity] = []
    roles_of: dict[str, str] = {}
    for c in cands:
        ctx.check()
        span = doc.char_span(c.start, c.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        role = _role_other(span, roles, determiners) if c.label == "PERSON" else None
        if role and c.canonical not in roles_of:
            roles_of[c.canonical] = role
        out.append(Entity(start=c.start, end=c.end, sentence=ctx.sentence_text(ctx.sentence_of(c.start)),
                          text=text[c.start:c.end], label=c.label, canonical=c.canonical, role=role))
    for e in out:
        if e.role is None and e.label == "PERSON":
            e.role = roles_of.get(e.canonical)
    return out


def _role_other(span: Span, roles: frozenset[str], determiners: frozenset[str]) -> str | None:
    """Title words just before the name ("Militärsprecher", "глава администрации") or an
    apposition after it with a role word ("X, porte-parole de l'armée,")."""
    doc = span.doc
    i = span.start - 1
    words: list[Token] = []
    while i >= 0 and span.start - i <= 6 and not doc[i].is_punct and not doc[i].is_sent_start:
        words.insert(0, doc[i])
        i -= 1
    if i >= 0 and doc[i].is_sent_start and not doc[i].is_punct and span.start - i <= 6:
        words.insert(0, doc[i])
    k = next((n for n, t in enumerate(words) if set(_lemmas_of(t)) & roles), None)
    if k is not None:
        got = doc.text[words[k].idx:words[-1].idx + len(words[-1])].strip()
        if got:
            return got
    j = span.end
    if j < len(doc) and doc[j].text == ",":
        buf: list[Token] = []
        for t in doc[j + 1:j + 11]:
            if t.is_punct and t.text != "-" or t.is_sent_start:
                break
            buf.append(t)
        while buf and buf[0].lower_ in determiners:
            buf = buf[1:]
        if buf and any(set(_lemmas_of(t)) & roles for t in buf[:3]):
            return doc.text[buf[0].idx:buf[-1].idx + len(buf[-1])]
    return None


# ---------------------------------------------------------------- one name across languages

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "«": "", "»": "", "\"": "", "„": "", "“": "", "”": ""})


def _org_key(name: str) -> str:
    return " ".join(name.translate(_APOSTROPHES).casefold().replace("ё", "е").split()).strip(" .,;:")


@functools.lru_cache(maxsize=None)
def _org_table(lang: str) -> dict[str, str]:
    rows = list(lexicon.rows("org_names", "en")) + ([] if lang == "en" else list(lexicon.rows("org_names", lang)))
    return {_org_key(r.term): r.canonical for r in rows}


def org_canonical(name: str | None, lang: str) -> str | None:
    """The usual English name of an international organisation or news agency the text names
    in its own language or by its acronym ("МОМ", "l'OIM", "المنظمة الدولية للهجرة" ->
    International Organization for Migration; lexicon org_names), else None."""
    if not name:
        return None
    table = _org_table(lang)
    key = _org_key(name)
    keys = [key, re.sub(r"^(?:l'|d'|la |le |les |die |der |das |el |la )", "", key)]
    if lang == "ar":   # a conjunction or preposition glued on: "والمنظمة", "للأمم"
        keys += [key[1:]] if key[:1] in "وفبل" else []
        keys += ["ال" + key[2:]] if key.startswith("لل") else []
    return next((table[k] for k in keys if k in table), None)


@functools.lru_cache(maxsize=4)   # asked once a speaker, for the same text
def orgs_named(text: str, lang: str) -> frozenset[str]:
    """The organisations of lexicon org_names a text names (their English names)."""
    key = _org_key(text)
    return frozenset(canon for term, canon in _org_table(lang).items()
                     if len(term) > 2 and re.search(r"(?<!\w)" + re.escape(term) + r"(?!\w)", key))


def org_in_context(name: str | None, lang: str, text: str) -> str | None:
    """``org_canonical``, and where the speaker is written short, the organisation of the text it
    stands for: the start of a name the text gives in full ("المنظمة الدولية" for "المنظمة الدولية
    للهجرة"), or a word referring back ("the organisation", lexicon org_anaphors) when the text
    names one organisation only."""
    got = org_canonical(name, lang)
    if got or not name:
        return got
    key = _org_key(name)
    named = orgs_named(text, lang)
    if not named:
        return None
    table = _org_table(lang)
    longer = {table[t] for t in table if t.startswith(key + " ") and len(key.split()) >= 2 and table[t] in named}
    if len(longer) == 1:
        return longer.pop()
    anaphors = {_org_key(r.term) for r in lexicon.rows("org_anaphors", lang)}
    if (key in anaphors or (lang == "ar" and key[1:] in anaphors and key[:1] in "وف")) and len(named) == 1:
        return next(iter(named))
    return None


@functools.lru_cache(maxsize=None)
def _translit(lang: str) -> tuple[dict[str, str], dict[str, str]]:
    anywhere, initial = {}, {}
    for r in lexicon.rows("translit", lang):
        (initial if r.at == "initial" else anywhere)[r.term] = r.latin
    return anywhere, initial


def latin_name(name: str, lang: str) -> str | None:
    """A person's name written in Cyrillic, in Latin letters by the system the lexicon
    translit gives for ``lang`` (Ukrainian: the national system, "Андрій Мельник" ->
    "Andrii Melnyk"); None where the language has no table or the name is not Cyrillic."""
    anywhere, initial = _translit(lang)
    if not anywhere or not re.search(r"[А-Яа-яЁёІіЇїЄєҐґ]", name):
        return None
    words = []
    for word in name.split():
        out, i, low = [], 0, word.lower()
        while i < len(low):
            two = low[i:i + 2]
            if two in anywhere and len(two) == 2:
                piece, i = anywhere[two], i + 2
            else:
                ch = low[i]
                start = i == 0 or not low[i - 1].isalpha()
                piece = initial.get(ch) if start and ch in initial else anywhere.get(ch, ch)
                i += 1
            out.append(piece)
        latin = "".join(out)
        words.append(latin[:1].upper() + latin[1:] if word[:1].isupper() else latin)
    return " ".join(words)


# ---------------------------------------------------------------- generic bodies (ministries, services)


def _word_lemmas(word: str, lang: str) -> frozenset[str]:
    from sitroom.extract.nlp import lemma_candidates

    low = word.lower().strip(".,;:«»\"„“”()").replace("’", "'").replace("ё", "е")
    # French elision ("l'armée", "l'Intérieur"): the word after the apostrophe too
    forms = {low} | ({low.split("'", 1)[1]} if "'" in low[:3] and lang in ("fr", "es") else set())
    out = set(forms)
    for f in forms:
        if f:
            out.update(c.replace("ё", "е") for c in lemma_candidates(f, lang))
    return frozenset(x for x in out if x)


@functools.lru_cache(maxsize=None)
def _body_table(lang: str, kind: str = "org_bodies") -> tuple[tuple[tuple[frozenset[str], ...], str], ...]:
    rows = []
    for r in lexicon.rows(kind, lang):
        words = tuple(_word_lemmas(w, lang) for w in r.term.replace("’", "'").split())
        rows.append((words, r.canonical))
    return tuple(sorted(rows, key=lambda x: -len(x[0])))


def speaker_noun_canonical(name: str | None, lang: str) -> str | None:
    """The English words for a speaker named by a common noun at the head of its phrase
    ("plusieurs témoins" -> Witnesses, "un haut responsable" -> Official; lexicon
    quote_speaker_names), else None."""
    return body_canonical(name, lang, head=1, kind="quote_speaker_names")


def body_canonical(name: str | None, lang: str, head: int = 2, rest: int | None = None,
                   kind: str = "org_bodies") -> str | None:
    """The shared English name of a generic public body a phrase names in its own language,
    by lemmas ("Минобороны" -> Ministry of Defence, "la diplomatie française" -> Ministry of Foreign
    Affairs, "وزارة الصحة" -> Ministry of Health; lexicon org_bodies), else None."""
    if not name or lang == "en":
        return None
    table = _body_table(lang, kind)
    if not table:
        return None
    words = [_word_lemmas(w, lang) for w in name.replace("’", "'").split()]
    for term, canonical in table:
        n = len(term)
        if rest is not None and len(words) - n > rest:
            continue    # a name that only holds the body's word ("General Staff Ivan Petrov")
        # the body heads the phrase (a determiner or adjective or two before it), not a word
        # further on ("the resistance backing the army" is not the army)
        for i in range(min(len(words) - n + 1, head + 1)):
            if all(term[k] & words[i + k] for k in range(n)):
                return canonical
    return None
