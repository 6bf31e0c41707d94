"""Counts of people killed, injured, missing, displaced, arrived, evacuated, detained,
and populations, read over the dependency parse.

quantulum3 finds numbers but never links a count to people or to what happened to them
(see notes/dependencies), so this is our own: find each number (digits or words), walk
from it to the noun it counts and to the verb or noun that says what happened, then
read the qualifier before it, the attribution around it ("according to X", "X said")
and the date it refers to.
"""
from __future__ import annotations

import re

from spacy.tokens import Span, Token

from sitroom.extract.context import DocContext
from sitroom.models import Figure, TimeExpr

WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
         "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
         "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
         "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12, "a dozen": 12, "hundred": 100}
SCALE = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "m": 1_000_000, "k": 1_000,
         "mn": 1_000_000, "bn": 1_000_000_000}
_NUM = re.compile(
    r"(?<![\w.,-])(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(?P<scale>million|billion|thousand|mn|bn|m|k)\b)?"
    r"|\b(?P<word>(?:a\s+)?dozen|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen)(?:\s+(?P<wscale>hundred|thousand|million))?\b",
    re.IGNORECASE)

# What happened to the people counted: lemma of a verb / noun / adjective near the number.
CATEGORY_LEMMAS: dict[str, str] = {
    **dict.fromkeys(["kill", "die", "dead", "death", "fatality", "body", "corpse", "casualty_killed", "perish",
                     "execute", "massacre", "slay", "murder", "toll", "drown"], "killed"),
    **dict.fromkeys(["injure", "wound", "hurt", "injury", "injured", "wounded", "hospitalize", "hospitalise",
                     "burn", "treat"], "injured"),
    **dict.fromkeys(["missing", "disappear", "unaccounted"], "missing"),
    **dict.fromkeys(["flee", "displace", "refugee", "displaced", "evict", "expel", "leave", "uproot",
                     "homeless", "exodus", "idp"], "displaced"),
    **dict.fromkeys(["arrive", "reach", "cross", "enter", "register"], "arrived"),
    **dict.fromkeys(["evacuate", "rescue", "evacuation", "relocate"], "evacuated"),
    **dict.fromkeys(["detain", "arrest", "capture", "abduct", "kidnap", "hold", "imprison", "jail", "detainee",
                     "prisoner", "hostage"], "detained"),
    **dict.fromkeys(["population", "inhabitant", "resident", "live", "home", "populate", "indigenous"], "population"),
    **dict.fromkeys(["affect", "need", "trap", "starve", "besiege", "stranded", "strand"], "affected"),
}
# Nouns that count people (the thing a number counts must be one of these, or a group of them).
PEOPLE = {
    "people", "person", "civilian", "resident", "inhabitant", "man", "woman", "child", "kid", "boy", "girl",
    "baby", "infant", "soldier", "troop", "fighter", "serviceman", "servicemen", "officer", "policeman",
    "peacekeeper", "militant", "rebel", "refugee", "migrant", "worker", "journalist", "doctor", "nurse",
    "patient", "student", "villager", "family", "household", "member", "protester", "demonstrator", "detainee",
    "prisoner", "hostage", "victim", "body", "casualty", "fatality", "survivor", "passenger", "pilgrim",
    "citizen", "national", "settler", "teacher", "farmer", "volunteer", "staff", "employee", "miner",
    "idp", "evacuee", "individual", "adult", "elderly", "minor", "teenager", "youth", "crew", "guard",
    "personnel", "recruit", "conscript", "combatant", "militiaman", "gunman", "dead", "injured", "wounded",
    "missing", "displaced", "inhabitants", "population", "armenian", "azerbaijani", "ukrainian", "russian",
    "palestinian", "israeli", "syrian", "sudanese", "afghan", "iraqi", "yemeni", "rohingya", "kurd",
    "other", "others",
}
# "the death toll rose to 1,200", "the number of displaced reached 40,000"
_TALLY_NOUNS = {"toll", "number", "count", "tally", "total", "figure"}
_NOT_PEOPLE_UNITS = re.compile(
    r"^\s*(?:%|per\s*cent|percent|-?\s*(?:year|month|week|day|hour|minute|km|kilomet|mile|metre|meter|mm|kg|ton|tonne|"
    r"dollar|euro|pound|usd|eur|gbp|\$|€|£)|years?\b|months?\b|weeks?\b|days?\b|hours?\b|minutes?\b|times\b|"
    r"(?:square\s+)?(?:km|kilometres?|kilometers?|miles?|metres?|meters?|acres?|hectares?)\b)", re.I)
_QUALIFIERS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\b(?:at\s+least|no\s+fewer\s+than|no\s+less\s+than|a\s+minimum\s+of|at\s+a\s+minimum)\s*$", re.I), "at_least"),
    (re.compile(r"\b(?:more\s+than|over|upwards\s+of|in\s+excess\s+of|above|exceeding)\s*$", re.I), "more_than"),
    (re.compile(r"\b(?:up\s+to|as\s+many\s+as|a\s+maximum\s+of)\s*$", re.I), "up_to"),
    (re.compile(r"\b(?:fewer\s+than|less\s+than|under|below|nearly|almost|close\s+to|just\s+under)\s*$", re.I), "fewer_than"),
    (re.compile(r"\b(?:about|around|some|approximately|roughly|an\s+estimated|estimated|nearly\s+about|"
                r"an\s+approximate|circa|c\.|perhaps|maybe|reportedly)\s*$", re.I), "about"),
]
_RANGE = re.compile(r"^\s*(?:-|–|to|and)\s*$", re.I)
_ATTRIB_ACCORDING = re.compile(r"\b(?:according\s+to|citing|as\s+reported\s+by|figures\s+from|data\s+from)\s+"
                               r"(?P<who>(?:the\s+)?[^,.;:\"“”]{2,80}?)(?=[,.;:\"“”]|\s+(?:on|as|which|who|in)\b|$)", re.I)
_SPEECH = {"say", "tell", "report", "announce", "state", "estimate", "claim", "confirm", "count", "put", "record",
           "add", "write", "tweet", "declare", "update", "post", "publish", "show"}
_PRONOUNS = {"it", "he", "she", "they", "we", "i", "you", "this", "that", "which", "who"}
_STOCK_CATEGORIES = {"population", "affected"}


def extract(ctx: DocContext) -> list[Figure]:
    out: list[Figure] = []
    text = ctx.text
    for sent in ctx.doc.sents:
        s0 = sent.start_char
        stext = text[s0:sent.end_char]
        taken_until = -1
        for m in _NUM.finditer(stext):
            start, end = s0 + m.start(), s0 + m.end()
            if start < taken_until:
                continue
            value = _value(m)
            if value is None or value <= 0:
                continue
            if m.group("word") and re.match(r"^\s+of\b", text[end:end + 5]) and value == 1:
                continue  # "one of the dead": an individual, not a count
            after = text[end:end + 30]
            before = text[max(s0, start - 40):start]
            if _NOT_PEOPLE_UNITS.match(after) or re.match(r"^\s*-\s*(?:year|month|day|week|hour|km|mile)", after, re.I):
                continue
            if re.search(r"[$€£]\s*$", before) or re.match(r"^\s*(?:st|nd|rd|th)\b", after):
                continue
            if m.group("num") and 1800 <= value <= 2100 and "," not in m.group("num") and not m.group("scale"):
                continue  # a year
            # a range "20-30", "between 20 and 30", "from 20 to 30"
            low = high = None
            qualifier = None
            rm = re.match(r"^\s*(?:-|–|to|and)\s*", text[end:end + 6])
            if rm:
                m2 = _NUM.match(text, end + rm.end())
                if m2 and (v2 := _value(m2)) and v2 > value:
                    low, high, qualifier = value, v2, "range"
                    end = m2.end()
                    value = v2
            tok = _token_at(ctx, start, end)
            if tok is None:
                continue
            counted = _counted_noun(tok)
            category, subject = _category(ctx, tok, counted, sent)
            if category is None:
                continue
            if qualifier is None:
                qualifier = _qualifier(text[max(s0, start - 40):start])
            taken_until = end
            out.append(Figure(
                start=start, end=end, sentence=sent.text.strip(), value=value, low=low, high=high,
                qualifier=qualifier, category=category, subject=subject,
                as_of=_as_of(ctx, sent, start, category), attributed_to=_attribution(ctx, sent, tok),
                cue=_cue(text, start, end, s0, sent.end_char)))
    return out


def _value(m: re.Match) -> int | None:
    if m.group("num"):
        n = float(m.group("num").replace(",", ""))
        if m.group("scale"):
            n *= SCALE[m.group("scale").lower()]
        elif "." in m.group("num"):
            return None  # 2.5 without a scale word is not a count of people
        return int(round(n))
    word = re.sub(r"\s+", " ", m.group("word").lower())
    if "-" in word:
        tens, ones = word.split("-")
        n = WORDS[tens] + WORDS[ones]
    else:
        n = WORDS.get(word)
    if n is None:
        return None
    if m.group("wscale"):
        n *= SCALE.get(m.group("wscale").lower(), 100) if m.group("wscale").lower() != "hundred" else 100
    return n


def _token_at(ctx: DocContext, start: int, end: int) -> Token | None:
    span = ctx.doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    # the number's last token (in "28,000" or "1.2 million" the scale word is the head)
    return span[-1]


def _counted_noun(tok: Token) -> Token | None:
    """The noun a number counts: its head in "68 people", itself in "five of the dead"."""
    t = tok
    while t.dep_ in ("compound", "quantmod", "nummod") and t.head is not t and t.head.pos_ == "NUM":
        t = t.head
    if t.dep_ == "nummod" or (t.dep_ in ("amod", "compound") and t.head.pos_ in ("NOUN", "PROPN")):
        return t.head
    for c in t.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if objs:
                return objs[0]
    return None


_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ians|ans|ese|is|ish|ch|ers)$")


def _is_people(noun: Token | None) -> bool:
    if noun is None:
        return False
    lemma = noun.lemma_.lower()
    return (lemma in PEOPLE or noun.lower_ in PEOPLE or noun.lower_.rstrip("s") in PEOPLE
            or noun.ent_type_ == "NORP" or bool(_DEMONYM.match(noun.text)))


def _category(ctx: DocContext, tok: Token, counted: Token | None, sent: Span) -> tuple[str | None, str]:
    """(category, subject) or (None, "") when the number does not count people."""
    num_head = counted or tok
    if counted is not None and not _is_people(counted):
        # "120,000 population" / "5 dead": the counted noun may itself say what happened
        cat = CATEGORY_LEMMAS.get(counted.lemma_.lower())
        if cat in ("population", "killed", "injured", "displaced", "missing", "detained") and \
                counted.lemma_.lower() not in ("home", "leave", "hold", "reach", "cross", "enter", "treat", "burn",
                                              "register", "live", "need"):
            return cat, _subject(counted, tok)
        return None, ""
    if counted is None and (cat := _tally(tok)):
        return cat, "people"
    if counted is None and not _bare_number_counts_people(tok):
        return None, ""
    # what happened: words attached to the number or the counted noun ("290 injured",
    # "displaced families"), then the governing verb, then nearby words
    cat = _from_modifiers(tok) if counted is None else _from_modifiers(counted)
    if cat is None:
        cat = _from_governor(num_head)
    if cat is None:
        cat = _from_window(tok, sent)
    if cat is None:
        return ("other", _subject(counted, tok)) if counted is not None and _is_people(counted) and \
            _loose_people(counted) else (None, "")
    return cat, _subject(counted, tok)


def _tally(tok: Token) -> str | None:
    """A number that a toll rises to: the category comes from the toll's subject."""
    for anc in list(tok.ancestors)[:3]:
        if anc.pos_ not in ("VERB", "AUX"):
            continue
        for subj in (c for c in anc.children if c.dep_ in ("nsubj", "nsubjpass")):
            if subj.lemma_.lower() in _TALLY_NOUNS:
                for t in subj.subtree:
                    if t is not subj and (cat := _category_of(t)):
                        return cat
                    if t.lower_ == "death":
                        return "killed"
                if subj.lemma_.lower() == "toll":
                    return "killed"  # a toll without a qualifier is a death toll
        return None
    return None


def _loose_people(noun: Token) -> bool:
    """Unqualified head counts of people are kept as "other" only for clear people nouns."""
    return noun.lemma_.lower() in {"victim", "casualty"}


def _bare_number_counts_people(tok: Token) -> bool:
    """"killing 12 and wounding 40", "68 were killed", "five, including a captain, were killed"."""
    if tok.dep_ in ("nsubj", "nsubjpass", "dobj", "conj", "appos", "pobj", "attr", "npadvmod", "ROOT") \
            or tok.head.pos_ == "VERB":
        return True
    return False


def _from_governor(head: Token) -> str | None:
    t, hops = head, 0
    while hops < 4 and t.head is not t:
        parent = t.head
        if t.dep_ in ("conj",) and parent.pos_ in ("NUM", "NOUN"):
            t, hops = parent, hops + 1
            continue
        if parent.pos_ in ("VERB", "AUX", "ADJ", "NOUN"):
            cat = _category_of(parent)
            if cat:
                # "killed and 290 injured": the second number belongs to its own verb
                return cat
            if parent.pos_ in ("VERB", "AUX"):
                for c in parent.children:
                    if c.dep_ in ("acomp", "xcomp", "attr", "oprd", "ccomp") and (cat := _category_of(c)):
                        return cat
                return None
        t, hops = parent, hops + 1
    return None


def _from_modifiers(noun: Token) -> str | None:
    for c in noun.children:
        if c.dep_ in ("amod", "acl", "relcl", "compound") and (cat := _category_of(c)):
            return cat
        if c.dep_ in ("acl", "relcl"):
            for g in c.subtree:
                if g.pos_ in ("VERB", "ADJ") and (cat := _category_of(g)):
                    return cat
    return None


def _from_window(tok: Token, sent: Span) -> str | None:
    """Elliptical counts: "killed and 290 injured" -> the nearest following category word."""
    doc = tok.doc
    for t in doc[tok.i + 1: min(tok.i + 4, sent.end)]:
        if t.pos_ in ("VERB", "ADJ", "NOUN") and (cat := _category_of(t)):
            return cat
        if t.is_punct and t.text not in (",",):
            break
    return None


def _category_of(t: Token) -> str | None:
    lemma = t.lemma_.lower()
    if lemma == "home" and any(c.dep_ == "prep" and c.lower_ == "to" for c in t.children):
        return "population"  # "home to 50,000 people"
    if lemma in ("leave", "hold", "reach", "cross", "enter", "treat", "live", "need", "register", "home", "burn"):
        # ambiguous verbs: only in their casualty/displacement senses
        if lemma == "leave" and not any(c.dep_ == "dobj" and c.lemma_ in ("home", "country", "region", "city", "town", "enclave") for c in t.children):
            return None
        if lemma in ("live",) and t.pos_ == "VERB":
            return "population"
        if lemma in ("hold", "need", "treat", "burn", "home"):
            return None
    return CATEGORY_LEMMAS.get(lemma) or CATEGORY_LEMMAS.get(t.lower_)


def _subject(counted: Token | None, tok: Token) -> str:
    if counted is None:
        return "people"
    words = [t for t in counted.subtree if t.i >= tok.i and t.i <= counted.i + 6 and t.dep_ not in ("punct", "relcl")]
    phrase = " ".join(t.text for t in words if not t.like_num and t.i != tok.i and t.lower_ not in ("at", "least"))
    phrase = re.sub(r"\s+", " ", phrase).strip(" ,")
    return phrase[:80] or counted.text


def _qualifier(before: str) -> str:
    for pat, q in _QUALIFIERS:
        if pat.search(before):
            return q
    return "exact"


def _attribution(ctx: DocContext, sent: Span, tok: Token) -> str | None:
    m = _ATTRIB_ACCORDING.search(sent.text)
    if m:
        return _clean_who(m.group("who"))
    # "..., the health ministry said" / "officials told Reuters": subject of a speech verb
    # that governs the clause the number is in
    for anc in tok.ancestors:
        if anc.pos_ == "VERB" and anc.lemma_.lower() in _SPEECH and anc.lemma_.lower() not in ("count", "record", "show"):
            subj = [c for c in anc.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subj and subj[0].lower_ not in _PRONOUNS and not any(t.i == tok.i for t in subj[0].subtree):
                return _clean_who(" ".join(t.text for t in subj[0].subtree))
    for t in sent:
        if t.pos_ == "VERB" and t.lemma_.lower() in ("say", "tell", "report", "announce", "state", "estimate") \
                and t.dep_ in ("ROOT", "parataxis") and t.i > tok.i:
            subj = [c for c in t.children if c.dep_ == "nsubj"]
            if subj and subj[0].lower_ not in _PRONOUNS:
                return _clean_who(" ".join(x.text for x in subj[0].subtree))
    # inside a quotation attributed in the sentence: "... 120,000 ...," X tweeted
    return None


def _clean_who(who: str) -> str:
    who = re.sub(r"^(?:the)\s+", "", who.strip(), flags=re.I)
    return re.sub(r"\s+", " ", who).strip(" ,.")


def _as_of(ctx: DocContext, sent: Span, start: int, category: str) -> object:
    if category in _STOCK_CATEGORIES and not _dates_in(ctx, sent):
        return None  # a standing population is not a dated count
    dates = _dates_in(ctx, sent)
    if dates:
        nearest = min(dates, key=lambda d: abs(d.start - start))
        return nearest.date_end if nearest.date_end else nearest.date_start
    return ctx.published


def _dates_in(ctx: DocContext, sent: Span) -> list[TimeExpr]:
    # "since 20 September" starts a running count: the count itself is as of publication
    return [d for d in ctx.dates if sent.start_char <= d.start < sent.end_char and d.precision in ("day", "week")
            and not re.match(r"(?i)(?:since|from|starting)\b", d.surface)]


def _cue(text: str, start: int, end: int, s0: int, s1: int) -> str:
    left = text[max(s0, start - 30):start].split()[-3:]
    right = text[end:min(s1, end + 40)].split()[:4]
    return " ".join(left + [text[start:end]] + right)
