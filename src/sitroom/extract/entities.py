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
"""
from __future__ import annotations

import re
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
    doc = ctx.doc
    cands = _candidates(ctx)
    cands = _resolve(ctx, cands)
    roles: dict[str, str] = {}
    out: list[Entity] = []
    for c in cands:
        span = doc.char_span(c.start, c.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        role = role_of(span) if c.label == "PERSON" else None
        if role and c.canonical not in roles:
            roles[c.canonical] = role
        out.append(Entity(start=c.start, end=c.end, sentence=span.sent.text.strip(), text=ctx.text[c.start:c.end],
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


def _name_run(doc: Doc, i: int) -> tuple[int, int] | None:
    """The run of name tokens starting at token ``i`` (particles like "al-" or "bin" allowed inside)."""
    j = i
    while j < len(doc):
        tok = doc[j]
        if _is_name_token(tok) and tok.ent_type_ not in ("DATE", "TIME", "CARDINAL", "GPE") and not (
                j > i and tok.pos_ == "VERB" and tok.tag_ == "VBZ") or \
                (tok.lower_ in PARTICLES and j > i and j + 1 < len(doc) and (_is_name_token(doc[j + 1]) or (
                    doc[j + 1].text == "-" and j + 2 < len(doc) and _is_name_token(doc[j + 2])))):
            j += 1
            continue
        if tok.text in ("-",) and j > i and j + 1 < len(doc) and _is_name_token(doc[j + 1]) and not tok.whitespace_ \
                and not doc[j - 1].whitespace_:
            j += 1
            continue
        break
    while j > i and doc[j - 1].lower_ in PARTICLES:
        j -= 1
    return (i, j) if j > i else None


def _candidates(ctx: DocContext) -> list[_Cand]:
    doc, text = ctx.doc, ctx.text
    out: list[_Cand] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, label: str) -> None:
        name = _clean(text[start:end], label)
        if not name:
            return
        # keep the offsets of the cleaned name
        off = text.find(name, start, end)
        if off >= 0:
            start, end = off, off + len(name)
        clash = [k for k, (a, b) in enumerate(taken) if a < end and start < b]
        if clash:
            # a longer name that contains the ones taken replaces them ("Jane" + "Doe-Smith")
            if all(start <= taken[k][0] and taken[k][1] <= end and (start, end) != taken[k] for k in clash) \
                    and all(out[k].label == label for k in clash):
                for k in sorted(clash, reverse=True):
                    del taken[k]
                    del out[k]
            else:
                return
        taken.append((start, end))
        out.append(_Cand(start=start, end=end, label=label, name=name))

    # bylines: "SMITH Jane"
    for m in _BYLINE.finditer(text):
        sur, given = m.group(1), m.group(2)
        if len(sur) > 2 and any(ch in "AEIOUY" for ch in sur):
            c = _Cand(start=m.start(1), end=m.end(2), label="PERSON", name=f"{given} {sur.title()}")
            taken.append((c.start, c.end))
            out.append(c)

    # "Agency for Relief (AFR)": the expansion and the acronym are organisations
    for m in re.finditer(r"\(([A-Z][A-Za-z0-9&.]{1,11})\)", text):
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
    for tok in doc:
        if tok.lower_ not in ROLE_WORDS or tok.lower_ in _WEAK_ROLE:
            continue
        j = tok.i + 1
        if j < len(doc) and doc[j].text in ("-",):
            continue
        run = _name_run(doc, j)
        if run is None:
            # "Ambassador to the US John Smith": skip a short "to the X" / "of X" complement
            k = j
            if k < len(doc) and doc[k].lower_ in ("to", "of", "for") and tok.text[:1].isupper():
                k += 1
                if k < len(doc) and doc[k].lower_ == "the":
                    k += 1
                while k < len(doc) and doc[k].text[:1].isupper() and doc[k].text.isupper():
                    k += 1
                run = _name_run(doc, k) if k > j + 1 else None
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
        if label in ("PERSON", "ORG") and (any(p.start <= s and e <= p.end for p in ctx.places)
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
    for tok in doc:
        if tok.pos_ != "PROPN" or tok.ent_type_ in ("PERSON", "ORG", "NORP", "DATE", "TIME") or not _is_name_token(tok):
            continue
        if any(a <= tok.idx < b for a, b in taken) or any(p.start <= tok.idx < p.end for p in ctx.places) \
                or tok.text in place_names:
            continue
        run = _name_run(doc, tok.i)
        if run is None or (tok.i > 0 and _is_name_token(doc[tok.i - 1]) and doc[tok.i - 1].pos_ == "PROPN"):
            continue
        a, b = run
        if b - a > 3 or _placey_tok(doc, a):
            continue
        last = doc[b - 1]
        if _appos_person(doc, b) or _speaks(last):
            add(doc[a].idx, last.idx + len(last), "PERSON")
    # later mentions of a surname or an acronym the model missed: "Doe left", "AFR said"
    surnames = {_surname_key(c.name.split()[-1]): c for c in out if c.label == "PERSON" and len(c.name.split()) >= 2}
    acronyms = {c.name for c in out if c.label == "ORG" and c.name.isupper() and len(c.name) >= 2}
    for tok in doc:
        if any(a <= tok.idx < b for a, b in taken) or not tok.text[:1].isupper():
            continue
        if tok.text in acronyms:
            add(tok.idx, tok.idx + len(tok.text), "ORG")
        elif _is_name_token(tok) and _surname_key(tok.text) in surnames and len(tok.text) > 2 \
                and not (tok.i + 1 < len(doc) and _is_name_token(doc[tok.i + 1])):
            add(tok.idx, tok.idx + len(tok.text), "PERSON")
    out.sort(key=lambda c: c.start)
    return out


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
    text = ctx.text
    full: list[_Cand] = [c for c in cands if c.label == "PERSON" and len(c.name.split()) >= 2]
    by_last: dict[str, list[_Cand]] = {}
    for c in full:
        by_last.setdefault(_surname_key(c.name.split()[-1]), []).append(c)

    def full_for(c: _Cand) -> str | None:
        words = c.name.split()
        key = _surname_key(words[-1])
        options = [f for f in by_last.get(key, []) if f is not c and len(f.name) > len(c.name)
                   and (len(words) == 1 or f.name.endswith(c.name) or words[0] == f.name.split()[0])]
        if not options:
            if len(words) == 1:  # "Doe" after "Jane Doe Smith"? a given name alone: "Jane" -> "Jane Doe"
                options = [f for f in full if f.name.split()[0] == words[0] and f.start < c.start]
                if len(options) > 1 and len({o.name for o in options}) > 1:
                    return None
            if not options:
                return None
        before = [f for f in options if f.start < c.start]
        pick = before[-1] if before else options[0]
        return pick.canonical or pick.name

    # acronyms: "Agency for Relief (AFR)"
    aliases: dict[str, str] = {}
    for m in re.finditer(r"\(([A-Z][A-Za-z0-9&.]{1,11})\)", text):
        acr = m.group(1).replace(".", "")
        long = _expansion(text[max(0, m.start() - 160):m.start()].rstrip(), acr)
        if long:
            aliases[acr] = long
    for c in cands:
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
    # an organisation named in full, then by its acronym alone: one canonical name
    for c in cands:
        if c.label == "ORG":
            for acr, long in aliases.items():
                if c.name == long or c.name.endswith(long):
                    c.canonical = long
    # an acronym never spelled out in brackets, whose letters are the initials of an organisation
    # named in full in the document ("the World Health Organization ... the WHO said")
    fulls = [c for c in cands if c.label == "ORG" and len(c.name.split()) >= 2]
    for c in cands:
        if c.label == "ORG" and c.canonical == c.name and c.name.isupper() and 2 <= len(c.name) <= 6 \
                and c.name not in aliases:
            spelled = {f.canonical or f.name for f in fulls if _initials(f.name) == c.name}
            if len(spelled) == 1:
                c.canonical = spelled.pop()
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
