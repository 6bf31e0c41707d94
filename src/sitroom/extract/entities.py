"""People and organisations, with their aliases and roles within the document.

spaCy's entities are the start; on top of them: a later "Aliyev" or "President Aliyev"
resolves to the "Ilham Aliyev" named before, "Agency for International Development
(USAID)" makes USAID an alias, bylines' "SURNAME Given" are put in reading order, and a
role is read from the title words before a name ("Turkish President", "State
Department spokesman") or from an apposition ("X, a builder,"; "Azerbaijan's
president, X"). Names that the gazetteer knows as places are not made people.
"""
from __future__ import annotations

import re

from spacy.tokens import Span, Token

from sitroom.extract.context import DocContext
from sitroom.models import Entity

ROLE_WORDS = {
    "president", "prime", "minister", "spokesman", "spokeswoman", "spokesperson", "chief", "head", "leader",
    "ambassador", "secretary", "general", "commander", "governor", "mayor", "chair", "chairman", "chairwoman",
    "director", "envoy", "representative", "official", "officer", "captain", "colonel", "lieutenant", "sergeant",
    "activist", "journalist", "reporter", "analyst", "researcher", "professor", "doctor", "nurse", "driver",
    "builder", "farmer", "teacher", "resident", "priest", "imam", "bishop", "king", "queen", "prince", "senator",
    "deputy", "adviser", "advisor", "negotiator", "chancellor", "premier", "foreign", "defence", "defense",
    "interior", "state", "department", "high", "vice", "former", "military", "army", "navy", "ombudsman",
    "commissioner", "coordinator", "founder", "member", "lawmaker", "mp", "witness", "survivor", "worker",
    "volunteer", "medic", "paramedic", "student", "father", "mother", "son", "daughter", "woman", "man",
}
_BYLINE_CAPS = re.compile(r"^([A-Z][A-Z'-]+)\s+([A-Z][a-z][\w'-]*)$")
_ACRONYM = re.compile(r"\(([A-Z][A-Z0-9&.-]{1,10})\)")


def extract(ctx: DocContext) -> list[Entity]:
    from sitroom.extract.gazetteer import gazetteer

    g = gazetteer()
    out: list[Entity] = []
    people: list[str] = []             # full names seen so far, for surname resolution
    aliases: dict[str, str] = {}       # acronym -> organisation
    for ent in ctx.doc.ents:
        if ent.label_ not in ("PERSON", "ORG", "NORP"):
            continue
        text = ent.text.strip(" '’s")
        if not text or not text[0].isupper():
            continue
        label = ent.label_
        if label in ("PERSON", "ORG") and any(p.start <= ent.start_char < p.end for p in ctx.places):
            continue  # "in Stepanakert": a place the model took for a person
        if label == "PERSON" and len(ent) == 1 and g.lookup(text) and _placey(ent):
            continue
        canonical = text
        if label == "PERSON":
            m = _BYLINE_CAPS.match(text)
            if m:
                canonical = f"{m.group(2)} {m.group(1).capitalize()}"
            canonical = _strip_titles(canonical)
            if not canonical:
                continue
            full = _full_name(canonical, people)
            if full != canonical:
                canonical = full
            elif " " in canonical and canonical not in people:
                people.append(canonical)
        elif label == "ORG":
            after = ctx.text[ent.end_char:ent.end_char + 14]
            am = _ACRONYM.match(after.lstrip())
            if am:
                aliases[am.group(1)] = text
            canonical = aliases.get(text, text)
        out.append(Entity(start=ent.start_char, end=ent.end_char, sentence=ent.sent.text.strip(), text=ent.text,
                          label=label if label in ("PERSON", "ORG", "NORP") else "OTHER", canonical=canonical,
                          role=role_of(ent) if label == "PERSON" else None))
    return out


def _placey(ent: Span) -> bool:
    prev = ent.doc[ent.start - 1] if ent.start > 0 else None
    return prev is not None and prev.lower_ in {"in", "to", "from", "of", "near", "at", "into", "outside"}


def _strip_titles(name: str) -> str:
    words = name.split()
    while words and words[0].lower().rstrip(".") in ROLE_WORDS | {"mr", "mrs", "ms", "dr", "first", "rank"}:
        words = words[1:]
    return " ".join(words)


def _full_name(name: str, people: list[str]) -> str:
    """"Aliyev" -> "Ilham Aliyev" when the document named him in full before."""
    last = name.split()[-1]
    for full in reversed(people):
        if full.split()[-1] == last and len(full) > len(name):
            return full
    return name


def role_of(ent: Span) -> str | None:
    """Title words before the name, or an apposition after it."""
    doc = ent.doc
    words: list[Token] = []
    i = ent.start - 1
    while i >= 0 and (doc[i].lower_ in ROLE_WORDS or (doc[i].pos_ in ("PROPN", "ADJ") and doc[i].text[:1].isupper()
                                                       and doc[i].ent_type_ in ("NORP", "GPE", "ORG", ""))
                      or doc[i].dep_ == "compound") and doc[i].text not in (",", "."):
        if doc[i].is_sent_start and doc[i].lower_ not in ROLE_WORDS and doc[i].ent_type_ == "":
            break
        words.insert(0, doc[i])
        i -= 1
    while words and words[0].lower_ not in ROLE_WORDS and words[0].ent_type_ not in ("NORP", "GPE", "ORG"):
        words.pop(0)
    if any(w.lower_ in ROLE_WORDS for w in words):
        return " ".join(w.text for w in words)
    # "X, a 69-year-old driver who ...," / "X, the Chair of ...,"
    root = ent.root
    for c in root.children:
        if c.dep_ == "appos":
            phrase = [t for t in c.subtree if t.dep_ not in ("relcl",) and not any(a.dep_ == "relcl" for a in t.ancestors if a in c.subtree)]
            text = " ".join(t.text for t in phrase).strip(" ,")
            text = re.sub(r"^(?:a|an|the)\s+", "", text)
            text = re.sub(r"^\d+\s*-\s*year\s*-\s*old\s+", "", text)
            if text and len(text) < 80:
                return text
    return None
