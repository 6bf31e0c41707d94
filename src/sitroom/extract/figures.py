"""Counts of people killed, injured, missing, displaced, arrived, evacuated, detained,
affected, and populations, read over the dependency parse.

quantulum3 finds numbers but never links a count to people or to what happened to them
(see notes/dependencies), so this is our own:

1. find each number in the text: digits ("41,000", "1.2 million", "1.5m") and number
   words ("five", "forty-two", "a dozen", "two hundred and fifty", "half a million");
   vague amounts ("hundreds", "a few thousand", "tens of thousands", "dozens") are not
   numbers; ages ("69-year-old", "aged 12"), percentages, money, distances, durations,
   years, times, ordinals and numbers inside a date expression are dropped;
2. join ranges: "20-30", "20 to 30", "between 20 and 30", "from 20 to 30", "five or six"
   (value = the high end, low/high set, qualifier "range"); "rose from 20 to 68" is a
   change, not a range: the figure is 68;
3. walk from the number to the noun it counts ("68 people", "five of the dead") and
   require that noun to count people (a lexicon of people nouns, demonyms, NORP
   entities), or the number to stand for people itself ("300 were arrested",
   "killing 12 and wounding 40"), or a tally to govern it ("the death toll rose to
   1,200", "put the number of dead at 48", "a death toll of 57");
4. the category comes from, in order: words on the counted noun ("displaced
   families", "people killed"), the governing verb/adjective/noun, walking up
   coordination ("killed and 290 injured": the second number takes its own verb; "killed
   five soldiers and three civilians": the second noun takes the shared verb), the
   words just after the number, sub-counts ("including two children", "120 of them")
   inheriting from the count they belong to;
5. qualifier from the words before (and just after: "or more", "or so", "-plus") the
   number. Convention: "nearly", "almost", "close to", "just under" are ``fewer_than``
   (the count is below the number given); "about", "around", "some", "an estimated",
   "roughly", "approximately" are ``about``;
6. attribution: "according to X", "X said/told/reported ..." governing the clause
   (subject of a verb of saying above the number, or the sentence's reporting verb),
   and for numbers inside a direct quote, the quote's speaker found cheaply from
   "X said: "..."", ""...," X said" patterns. None when the outlet asserts it;
7. as_of: the nearest date expression in the sentence (its end, so "in 2020" is the
   end of 2020; "since X" starts a running count and is ignored), else the publication
   date; standing populations have no as_of unless a date is given.
"""
from __future__ import annotations

import re
from datetime import date

from spacy.tokens import Span, Token

from sitroom.extract.context import DocContext
from sitroom.models import Figure, TimeExpr

# ---------------------------------------------------------------- numbers

_ONES = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
         "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_WORD_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "dozen": 12}
_DIGIT_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "m": 1_000_000,
                 "mn": 1_000_000, "mln": 1_000_000, "k": 1_000, "bn": 1_000_000_000}
_W = "|".join(sorted([*_ONES, *_TENS, *_WORD_SCALES], key=len, reverse=True))
_NUM = re.compile(
    # digits: not part of a word, decimal, time ("10:30"), date ("7/10"), model ("Su-25") or id ("#5")
    r"(?<![\w.,:/#№-])(?P<num>\d{1,3}(?:,\d{3})+(?![\d,]*\d)|\d+(?:\.\d+)?)(?![\d:/]|\.\d|,\d)"
    r"(?:\s*(?P<scale>million|billion|thousand|mln|mn|bn|m|k)\b)?"
    # words: "forty-two", "two hundred and fifty", "a dozen", "half a million"
    r"|\b(?P<word>(?:half\s+)?(?:an?\s+)?(?:" + _W + r")(?:(?:\s+|-|\s+and\s+)(?:" + _W + r"))*)\b",
    re.IGNORECASE)
# a second number right after a range separator (no look-behind: "20-30")
_NUM2 = re.compile(r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(?P<scale>million|billion|thousand|mln|mn|bn|m|k)\b)?"
                   r"|(?P<word>(?:" + _W + r")(?:(?:\s+|-|\s+and\s+)(?:" + _W + r"))*)\b", re.IGNORECASE)


def _words_value(phrase: str) -> int | None:
    """Value of a number-word phrase; None when it is vague ("hundred" alone, "a few thousand")."""
    words = [w for w in re.split(r"[\s-]+", phrase.lower()) if w and w != "and"]
    half = words[:1] == ["half"]
    if half:
        words = words[1:]
    if words[:1] in (["a"], ["an"]):
        if len(words) < 2 or words[1] not in _WORD_SCALES:
            return None
        words = ["one", *words[1:]]
    elif words[0] in _WORD_SCALES:
        return None  # "hundred" without a count: "a few hundred", "several thousand"
    total = current = 0
    prev = None
    for w in words:
        if w in _ONES or w in _TENS:
            n = _ONES.get(w, _TENS.get(w))
            if prev is not None and prev in _ONES or (prev in _TENS and w in _TENS):
                return None  # "five six": not one number
            current += n
        elif w == "hundred":
            current = (current or 1) * 100
        elif w == "dozen":
            current = (current or 1) * 12
        else:
            total += (current or 1) * _WORD_SCALES[w]
            current = 0
        prev = w
    n = total + current
    return n // 2 if half else n


def _value(m: re.Match) -> int | None:
    if m.group("num"):
        raw = m.group("num").replace(",", "")
        n = float(raw)
        if m.group("scale"):
            n *= _DIGIT_SCALES[m.group("scale").lower()]
        elif "." in raw:
            return None  # 2.5 without a scale word is not a count of people
        return int(round(n))
    return _words_value(m.group("word"))


# ---------------------------------------------------------------- lexicon

# What happened to the people counted: lemma (or form) of a verb / noun / adjective.
CATEGORY_LEMMAS: dict[str, str] = {
    **dict.fromkeys(["kill", "die", "dead", "death", "fatality", "body", "corpse", "perish", "execute", "massacre",
                     "slay", "murder", "toll", "drown", "bury", "behead", "slaughter", "shoot_dead", "lifeless"],
                    "killed"),
    **dict.fromkeys(["injure", "wound", "hurt", "injury", "injured", "wounded", "hospitalize", "hospitalise",
                     "maim", "treat", "burn"], "injured"),
    **dict.fromkeys(["missing", "disappear", "unaccounted", "disappeared"], "missing"),
    **dict.fromkeys(["flee", "displace", "refugee", "displaced", "evict", "expel", "leave", "uproot", "homeless",
                     "exodus", "idp", "deport", "shelter", "asylum", "force", "exile", "escape"], "displaced"),
    **dict.fromkeys(["arrive", "reach", "cross", "enter", "register", "arrival"], "arrived"),
    **dict.fromkeys(["evacuate", "rescue", "evacuation", "relocate", "evacuee", "airlift"], "evacuated"),
    **dict.fromkeys(["detain", "arrest", "capture", "abduct", "kidnap", "imprison", "jail", "detainee",
                     "prisoner", "hostage", "hold", "seize", "round"], "detained"),
    **dict.fromkeys(["population", "inhabitant", "resident", "live", "home", "populate", "indigenous", "inhabit",
                     "populous"], "population"),
    **dict.fromkeys(["affect", "need", "trap", "starve", "besiege", "stranded", "strand", "face", "require",
                     "receive", "lack", "risk", "threaten", "hungry", "famine", "trapped", "isolate", "cut",
                     "besieged", "starving"], "affected"),
    **dict.fromkeys(["return", "returnee", "repatriate", "casualty", "victim"], "other"),
}
# verbs that name a category only in some uses; checked in _category_of
_AMBIGUOUS = {"leave", "hold", "reach", "cross", "enter", "treat", "live", "need", "register", "home", "burn",
              "force", "face", "require", "receive", "lack", "risk", "threaten", "shelter", "seize", "round",
              "escape", "return", "body", "cut", "resident", "population", "indigenous", "casualty", "victim"}
_PLACE_OBJECTS = {"home", "house", "country", "region", "city", "town", "village", "enclave", "area", "land",
                  "territory", "homeland", "camp", "strip", "capital", "province", "state", "district"}
# Nouns that count people (the thing a number counts must be one of these, or a demonym).
PEOPLE = {
    "people", "person", "civilian", "resident", "inhabitant", "man", "men", "woman", "women", "child", "children",
    "kid", "boy", "girl", "baby", "infant", "soldier", "troop", "fighter", "serviceman", "servicemen", "officer",
    "policeman", "peacekeeper", "militant", "rebel", "refugee", "migrant", "worker", "journalist", "reporter",
    "doctor", "nurse", "medic", "paramedic", "patient", "student", "pupil", "villager", "family", "household",
    "member", "protester", "protestor", "demonstrator", "detainee", "prisoner", "hostage", "victim", "body",
    "casualty", "fatality", "survivor", "passenger", "pilgrim", "citizen", "national", "settler", "teacher",
    "farmer", "volunteer", "staff", "staffer", "employee", "miner", "idp", "evacuee", "individual", "adult",
    "elderly", "minor", "teenager", "teen", "youth", "crew", "guard", "personnel", "recruit", "conscript",
    "combatant", "militiaman", "gunman", "jihadist", "insurgent", "dead", "injured", "wounded", "missing",
    "displaced", "population", "other", "others", "asylum-seeker", "seeker", "returnee", "inmate", "suspect",
    "activist", "opponent", "dissident", "official", "diplomat", "tourist", "visitor", "sailor", "pilot",
    "marine", "paratrooper", "commander", "contractor", "mercenary", "aid worker", "firefighter", "rescuer",
    "resident", "occupant", "local", "native", "ethnic", "mourner", "worshipper", "worshiper", "fisherman",
    "fishermen", "herder", "nomad", "peasant", "labourer", "laborer", "athlete", "spectator", "fan", "voter",
    "bystander", "pedestrian", "motorist", "driver", "hiker", "climber", "swimmer", "crewman", "crewmen",
    "crewmember", "policemen", "policewoman", "gendarme", "cadet", "veteran", "orphan", "widow", "newborn",
    "toddler", "schoolchild", "schoolchildren", "schoolgirl", "schoolboy", "armenian", "azerbaijani",
    "ukrainian", "russian", "palestinian", "israeli", "syrian", "sudanese", "afghan", "iraqi", "yemeni",
    "rohingya", "kurd", "lebanese", "somali", "congolese", "haitian", "venezuelan", "libyan", "ethiopian",
}
# "the death toll rose to 1,200", "the number of displaced reached 40,000"
_TALLY_NOUNS = {"toll", "number", "count", "tally", "total", "figure"}
# "a total of 1,300 people were rescued": the count's own verb is above these nouns
_QUANTITY_NOUNS = _TALLY_NOUNS | {"group", "crowd", "majority", "minimum", "maximum", "estimate", "batch", "convoy",
                                  "wave", "boatload", "busload", "handful", "further", "additional", "another"}
_HELD = {"custody", "detention", "captivity", "prison", "jail", "arrest", "cell"}
_UNIT_AFTER = re.compile(
    r"^\s*(?:%|per\s*cent\b|percent\b|pc\b|°|"
    r"-?\s*(?:year|month|week|day|hour|minute|second|km|kilomet|mile|metre|meter|mm|cm|kg|ton|tonne|storey|story|"
    r"floor|strong|member|point|page|seat|bed|mile|acre|hectare|inch|foot|feet|gram|litre|liter|gallon|lb|kw|mw|"
    r"degree)s?\b|"
    r"(?:years?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?|seconds?|times|decades?|centuries|century)\b|"
    r"(?:square\s+)?(?:km|kilometres?|kilometers?|miles?|metres?|meters?|m\b|acres?|hectares?|feet|ft)\b|"
    r"(?:dollars?|euros?|pounds?|usd|eur|gbp|rubles?|roubles?|shekels?|hryvnias?|dirhams?|dinars?|yuan|yen|"
    r"francs?|rupees?|lira|manats?|drams?)\b|"
    r"(?:am|pm|a\.m\.|p\.m\.|gmt|utc)\b|"
    r"(?:st|nd|rd|th)\b)", re.I)
_BEFORE_UNITS = re.compile(r"(?:[$€£¥₴₽]|\b(?:US\$|USD|EUR|GBP|Rs\.?|No\.?|number|Resolution|Article|Route|Highway|"
                           r"Flight|Unit|Brigade|Division|Battalion|Regiment|Building|Block|Gate|Room|Ward|Camp|"
                           r"Chapter|Section|Paragraph|page|pages|aged?|ages|age\s+of|aged\s+between|"
                           r"ages\s+of|between\s+the\s+ages\s+of|under\s+the\s+age\s+of|over\s+the\s+age\s+of|"
                           r"Level|Category|Phase|Grade|magnitude|magnitude-|scale\s+of|kilometre|km|mile|"
                           r"score|out\s+of|G|F|Su|MiG|T|Mi|Ka|Tu|Il|An|HIMARS|BM)\s*)$")
_QUALIFIERS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\b(?:at\s+least|no\s+fewer\s+than|no\s+less\s+than|a\s+minimum\s+of|at\s+a\s+minimum|"
                r"not\s+less\s+than|not\s+fewer\s+than)\s*$", re.I), "at_least"),
    (re.compile(r"\b(?:more\s+than|over|upwards\s+of|in\s+excess\s+of|above|exceeding|beyond|well\s+over|"
                r"well\s+above|just\s+over|just\s+above|some\s+more\s+than)\s*$", re.I), "more_than"),
    (re.compile(r"\b(?:up\s+to|as\s+many\s+as|a\s+maximum\s+of|as\s+much\s+as|at\s+most|no\s+more\s+than|"
                r"not\s+more\s+than)\s*$", re.I), "up_to"),
    (re.compile(r"\b(?:fewer\s+than|less\s+than|under|below|nearly|almost|close\s+to|just\s+under|"
                r"just\s+short\s+of|short\s+of|not\s+quite|shy\s+of)\s*$", re.I), "fewer_than"),
    (re.compile(r"\b(?:about|around|some|approximately|approx\.?|roughly|(?:an|the)\s+estimated|estimated|"
                r"an\s+approximate|circa|ca\.|c\.|perhaps|maybe|an\s+estimate\s+of|reportedly|"
                r"in\s+the\s+region\s+of|of\s+some|of\s+about|of\s+around|on\s+the\s+order\s+of)\s*$", re.I),
     "about"),
]
_AFTER_QUALIFIERS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^\s*(?:or|and)\s+more\b|^\s*(?:-\s*)?plus\b|^\+", re.I), "at_least"),
    (re.compile(r"^\s*or\s+so\b|^\s*odd\b", re.I), "about"),
]
_VAGUE_BEFORE = re.compile(r"\b(?:tens|hundreds|thousands|millions|dozens|scores)\s+of\s*$|"
                           r"\b(?:few|several|many|couple)\s*$", re.I)
_ATTRIB_ACCORDING = re.compile(
    r"\b(?:according\s+to|citing|as\s+reported\s+by|figures\s+(?:from|released\s+by)|data\s+from|"
    r"(?:a\s+)?(?:count|tally|estimate)\s+by|said\s+by)\s+"
    r"(?P<who>(?:the\s+)?[^,.;:\"“”()]{2,80}?)"
    r"(?=[,.;:\"“”()]|\s+(?:on|as|which|who|in|at|from|for|that|and\s+(?:the|a)\s+\w+\s+(?:said|say))\b|$)", re.I)
_SPEECH = {"say", "tell", "report", "announce", "state", "estimate", "claim", "confirm", "put", "add", "write",
           "tweet", "declare", "update", "post", "publish", "warn", "note", "insist", "allege", "quote", "cite",
           "acknowledge", "admit", "indicate", "explain", "reveal", "disclose", "deny", "count", "record", "show",
           "tally", "document", "verify", "suggest", "believe"}
_SAY_RE = (r"(?:said|says|told|tells|tweeted|tweets|wrote|writes|posted|posts|added|adds|stated|states|"
           r"announced|announces|declared|declares|warned|warns|reported|reports|explained|explains|"
           r"insisted|insists|noted|notes|claimed|claims)")
_PRONOUNS = {"it", "he", "she", "they", "we", "i", "you", "this", "that", "which", "who", "one", "someone",
             "some", "others", "many", "both"}
_STOCK_CATEGORIES = {"population"}


# ---------------------------------------------------------------- main loop


def extract(ctx: DocContext) -> list[Figure]:
    out: list[Figure] = []
    text = ctx.text
    date_spans = [(d.start, d.end) for d in ctx.dates]
    for sent in ctx.doc.sents:
        s0, s1 = sent.start_char, sent.end_char
        stext = text[s0:s1]
        taken_until = -1
        sent_figs: list[Figure] = []
        for m in _NUM.finditer(stext):
            start, end = s0 + m.start(), s0 + m.end()
            if start < taken_until:
                continue
            value = _value(m)
            if value is None or value <= 0:
                continue
            if _not_a_count(ctx, m, start, end, value, s0, date_spans):
                continue
            low = high = None
            qualifier = None
            first_end = end
            rng = _range_after(text, start, end, s0, s1, value)
            if rng:
                lo, hi, end, is_change = rng
                if is_change:  # "rose from 20 to 68": the figure is 68
                    start, value = _start_of_last_number(text, first_end, end), hi
                else:
                    low, high, qualifier, value = lo, hi, "range", hi
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
                qualifier = _qualifier(text[max(s0, start - 40):start], text[end:min(s1, end + 12)])
            taken_until = end
            fig = Figure(
                start=start if qualifier != "range" else s0 + m.start(), end=end, sentence=sent.text.strip(),
                value=value, low=low, high=high, qualifier=qualifier, category=category, subject=subject,
                as_of=_as_of(ctx, sent, start, category), attributed_to=_attribution(ctx, sent, tok),
                cue=_cue(text, s0 + m.start(), end, s0, s1))
            sent_figs.append(fig)
        out.extend(sent_figs)
    return out


def _not_a_count(ctx: DocContext, m: re.Match, start: int, end: int, value: int, s0: int,
                 date_spans: list[tuple[int, int]]) -> bool:
    text = ctx.text
    after = text[end:end + 30]
    before = text[max(s0, start - 40):start]
    if _UNIT_AFTER.match(after):
        return True
    if _BEFORE_UNITS.search(before) and not re.search(r"\b(?:over|under)\s+the\s+age", before, re.I) or \
            re.search(r"\b(?:over|under)\s+the\s+age\s+of\s*$", before, re.I):
        return True
    if _VAGUE_BEFORE.search(before) and m.group("word") is None:
        return True
    if m.group("num") and 1800 <= value <= 2100 and "," not in m.group("num") and not m.group("scale"):
        return True  # a year ("2500 families" is not: too late to be a year in news)
    return any(a <= start < b for a, b in date_spans)


def _range_after(text: str, start: int, end: int, s0: int, s1: int, value: int):
    """(low, high, new end, is_change) when the number opens a range or a change."""
    rm = re.match(r"\s*(?:-|–|—|to|and|or)\s*", text[end:end + 8], re.I)
    if not rm:
        return None
    sep = rm.group(0).strip().lower()
    m2 = _NUM2.match(text, end + rm.end())
    if not m2 or end + rm.end() + len(m2.group(0)) > s1:
        return None
    v2 = _value(m2)
    if v2 is None or v2 <= value:
        return None
    before = text[max(s0, start - 30):start].lower()
    scale2 = m2.group("scale")
    if scale2 and not re.match(r"\s*(?:million|billion|thousand|mln|mn|bn|m|k)\b", text[end:end + 10], re.I):
        # "2 to 3 million": the scale word after the second number applies to the first
        value *= _DIGIT_SCALES[scale2.lower()]
        if value >= v2:
            return None
    new_end = end + rm.end() + len(m2.group(0))
    if re.search(r"\bfrom\s*$", before) and sep == "to":
        change = re.search(r"\b(?:rose|rise[sn]?|rising|climb(?:ed|s|ing)?|increas(?:ed|es|ing)|jump(?:ed|s|ing)?|"
                           r"gr(?:ew|own|ows|owing)|soar(?:ed|s|ing)?|swell(?:ed|s|ing)?|surg(?:ed|es|ing)|"
                           r"went\s+up|go(?:es)?\s+up|doubl(?:ed|es|ing)|mount(?:ed|s|ing)|revised|fell|dropped|"
                           r"fall(?:en|s|ing)?)\s+(?:\w+\s+)?from\s*$", before)
        return (value, v2, new_end, bool(change))
    if sep == "and" and not re.search(r"\bbetween\s*$", before):
        return None
    if sep == "or" and (m2.group("num") is None) != (re.match(r"\d", text[start]) is None):
        return None  # "two or 3": not a written range
    if sep == "to" and not re.search(r"\b(?:between|from|some|about|around|of|roughly|approximately|estimated)\s*$|"
                                     r"^|[\s,(]$", before):
        return None
    return (value, v2, new_end, False)


def _start_of_last_number(text: str, first_end: int, end: int) -> int:
    m = re.match(r"\s*(?:-|–|—|to|and|or)\s*", text[first_end:end], re.I)
    return first_end + (m.end() if m else 0)


def _token_at(ctx: DocContext, start: int, end: int) -> Token | None:
    span = ctx.doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    # the number's last token (in "41,000" or "1.2 million" the scale word is the head)
    nums = [t for t in span if t.like_num or t.pos_ == "NUM" or t.lower_ in _WORD_SCALES]
    return (nums or list(span))[-1]


def _one_counts_people(tok: Token) -> bool:
    """"one" is a count only in "one person was killed", not in "one of", "no one", "one day"."""
    prev = tok.doc[tok.i - 1] if tok.i > 0 else None
    if prev is not None and prev.lower_ in ("no", "any", "every", "the", "that", "this", "which", "each"):
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
    while t.dep_ in ("compound", "quantmod", "nummod", "conj") and t.head is not t and \
            (t.head.pos_ == "NUM" or t.head.lower_ in _WORD_SCALES) and t.head.i > t.i:
        t = t.head
    noun = None
    if t.dep_ == "nummod" or (t.dep_ in ("amod", "compound", "quantmod") and t.head.pos_ in ("NOUN", "PROPN", "ADJ")
                              and t.head.i > t.i):
        noun = t.head
    else:
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                objs = [g for g in c.children if g.dep_ == "pobj"]
                if objs:
                    return objs[0] if objs[0].pos_ != "PRON" else None  # "120 of them": a sub-count
        # "five men" parsed as a compound chain, "Eleven Azerbaijani soldiers"
        nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
        if nxt is not None and nxt.pos_ in ("NOUN", "PROPN") and tok.head.i == nxt.i:
            noun = nxt
    if noun is None:
        return None
    # climb a compound chain to the head noun: "Azerbaijani soldiers", "aid workers"
    hops = 0
    while noun.dep_ in ("compound", "amod") and noun.head.pos_ in ("NOUN", "PROPN") and noun.head.i > noun.i \
            and hops < 3:
        noun, hops = noun.head, hops + 1
    return noun


_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ians|ans|ese|is|ish|ch|ers|ites|ks|ars)$")


def _is_people(noun: Token | None) -> bool:
    if noun is None:
        return False
    lemma = noun.lemma_.lower()
    low = noun.lower_
    return (lemma in PEOPLE or low in PEOPLE or low.rstrip("s") in PEOPLE
            or (noun.ent_type_ == "NORP" and noun.pos_ in ("PROPN", "NOUN") and low.endswith("s"))
            or bool(_DEMONYM.match(noun.text)))


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
        if not _bare_number_counts_people(tok):
            return None, ""
    elif (cat := _including(counted, sent_figs)) is not None:
        return cat, _subject(counted, tok)
    # what happened: words attached to the number or the counted noun ("290 injured",
    # "displaced families", "people killed"), then the governing verb, then nearby words
    head = counted or tok
    own = _category_of(counted, as_noun=True) if counted is not None else None
    cat = _from_modifiers(head)
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
    if cat is None:
        return None, ""
    return cat, _subject(counted, tok)


def _tally(tok: Token) -> str | None:
    """A number that a toll or count is, rises to or is put at: the category from the tally."""
    t = tok
    hops = 0
    while t.dep_ in ("quantmod", "compound", "nummod") and t.head.pos_ == "NUM" and hops < 3:
        t, hops = t.head, hops + 1
    # "a death toll of 57", "the number of dead at 48"
    if t.dep_ == "pobj" and t.head.lower_ in ("of", "at", "to") and t.head.head.lemma_.lower() in _TALLY_NOUNS:
        return _tally_category(t.head.head)
    via_prep = t.dep_ == "pobj" and t.head.lower_ in ("at", "to", "of", "around", "near")
    for anc in list(t.ancestors)[:6]:
        if anc.lemma_.lower() in _SPEECH - {"put", "estimate", "count", "record"}:
            return None  # "officials said 300 ...": the clause stops here
        if via_prep and anc.lemma_.lower() in _TALLY_NOUNS and anc.pos_ == "NOUN":
            return _tally_category(anc)  # "put the number of people detained at 3,500" (misattached "at")
        if anc.pos_ not in ("VERB", "AUX"):
            continue
        for arg in (c for c in anc.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")):
            if arg.lemma_.lower() in _TALLY_NOUNS and arg.i != t.i:
                if (cat := _tally_category(arg)) is not None:
                    return cat
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
    if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.pos_ in ("NOUN", "PROPN"):
        noun = t.head.head
        if noun.lemma_.lower() in _TALLY_NOUNS:
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
    """"Darfur's 9,000 population" -> "population of Darfur"; "its population" -> "population"."""
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
        if c.dep_ == "prep" and c.lower_ == "of" and any(g.lower_ in ("them", "whom", "those", "these")
                                                          for g in c.children):
            return sent_figs[-1].category
    return None


def _subject_of_sub(tok: Token) -> str:
    for t in tok.doc[tok.i + 1: tok.i + 5]:
        if t.pos_ == "NOUN" and _is_people(t):
            return t.text
    return "people"


def _including(counted: Token, sent_figs: list[Figure]) -> str | None:
    """"three people, including two children": the sub-count takes its parent's category."""
    prep = counted.head
    if counted.dep_ == "pobj" and prep.lower_ in ("including", "among", "includes", "include") and sent_figs:
        parent = prep.head
        last = sent_figs[-1]
        if last.start <= parent.idx <= last.end + 40 or parent.pos_ == "VERB":
            return last.category
    return None


def _bare_number_counts_people(tok: Token) -> bool:
    """"killing 12 and wounding 40", "68 were killed", "five, including a captain, were killed"."""
    if tok.dep_ in ("nsubj", "nsubjpass", "dobj", "conj", "appos", "attr", "ROOT", "oprd") or \
            (tok.head.pos_ == "VERB" and tok.dep_ not in ("npadvmod", "advmod", "prep")):
        return True
    if tok.dep_ == "pobj" and tok.head.lower_ in ("by", "among"):
        return True
    return False


def _from_governor(head: Token) -> str | None:
    t, hops = head, 0
    while hops < 4 and t.head is not t:
        parent = t.head
        if t.dep_ in ("conj", "appos") and parent.pos_ in ("NUM", "NOUN", "PROPN", "PRON"):
            t, hops = parent, hops + 1  # "five soldiers and three civilians": the shared verb
            continue
        if t.dep_ in ("prep", "pobj", "pcomp") and parent.pos_ == "ADP":
            t, hops = parent, hops + 1
            continue
        if parent.pos_ in ("VERB", "AUX", "ADJ", "NOUN"):
            cat = _category_of(parent, arg=t)
            if cat:
                return cat
            if parent.pos_ in ("VERB", "AUX"):
                for c in parent.children:
                    if c.dep_ in ("acomp", "xcomp", "attr", "oprd", "ccomp") and (cat := _category_of(c)):
                        return cat
                    if c.dep_ == "prep" and c.lower_ in ("in", "into", "under") and any(
                            g.lemma_.lower() in _HELD for g in c.children):
                        return "detained"  # "1,000 remain in custody"
                    if c.dep_ == "prep" and c.lower_ in ("among", "as"):  # "two were among the dead"
                        for g in c.children:
                            if g.dep_ == "pobj" and ((cat := _category_of(g, as_noun=True)) and cat != "population"
                                                     or (cat := _from_modifiers(g))):
                                return cat
                if parent.lemma_.lower() in ("be", "remain", "become", "stay", "lie") or parent.dep_ == "aux":
                    t, hops = parent, hops + 1
                    continue
                return None
            if parent.pos_ == "NOUN" and t.dep_ not in ("nummod", "compound", "amod") and \
                    parent.lemma_.lower() not in _QUANTITY_NOUNS:
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
        if c.dep_ == "prep" and c.lower_ in ("in", "from") and noun.pos_ in ("NUM",):
            break
    return None


def _from_window(tok: Token, sent: Span) -> str | None:
    """Elliptical counts: "killed and 290 injured" -> the nearest following category word."""
    doc = tok.doc
    for t in doc[tok.i + 1: min(tok.i + 4, sent.end)]:
        if t.pos_ in ("VERB", "ADJ", "NOUN") and (cat := _category_of(t)) and cat not in ("other",):
            return cat
        if t.is_punct and t.text not in (",",) or t.lower_ in ("and", "but", "while"):
            break
    return None


def _category_of(t: Token, arg: Token | None = None, as_noun: bool = False) -> str | None:
    lemma = t.lemma_.lower()
    low = t.lower_
    cat = CATEGORY_LEMMAS.get(lemma) or CATEGORY_LEMMAS.get(low)
    if cat is None:
        return None
    if lemma not in _AMBIGUOUS and low not in _AMBIGUOUS:
        return cat
    children = list(t.children)
    objs = [c for c in children if c.dep_ in ("dobj", "pobj", "attr")]
    preps = {c.lower_: c for c in children if c.dep_ in ("prep", "agent")}
    if lemma in ("home",):
        return "population" if "to" in preps else None  # "home to 50,000 people"
    if lemma in ("resident", "population", "indigenous"):
        return "population"
    if lemma in ("casualty", "victim"):
        return "other"
    if lemma == "body":
        return "killed" if as_noun else None
    if lemma == "live":
        return "population" if t.pos_ == "VERB" else None
    if lemma in ("leave", "escape"):
        # "left their homes", "escaped the city"; "left 9 dead" is not flight
        return "displaced" if any(o.lemma_.lower() in _PLACE_OBJECTS or o.ent_type_ in ("GPE", "LOC")
                                  or o.pos_ == "PROPN"
                                  for o in objs) or lemma == "escape" and arg is not None and arg.dep_ == "nsubj" \
            else None
    if lemma == "force":
        sub = " ".join(x.lower_ for x in t.subtree)
        return "displaced" if re.search(r"\b(?:from|out\s+of|to\s+(?:flee|leave|evacuate|abandon|move))\b", sub) \
            and not re.search(r"\bsurrender\b", sub) else None
    if lemma == "shelter":
        return "displaced" if t.pos_ == "VERB" else None
    if lemma in ("hold", "seize", "round"):
        return "detained" if lemma != "round" or any(c.lower_ == "up" for c in children) else None
    if lemma in ("reach", "cross", "enter", "register"):
        return "arrived" if t.pos_ == "VERB" and (arg is None or arg.dep_ in ("nsubj", "nsubjpass")) else None
    if lemma in ("treat", "burn"):
        # "treated 85 people", "treated 1,100 wounded": a casualty count, not "treated as"
        return "injured" if t.pos_ == "VERB" and (arg is None or arg.dep_ in ("dobj", "nsubjpass")) and \
            "as" not in preps else None
    if lemma in ("need", "face", "require", "receive", "lack", "risk", "threaten"):
        return "affected" if t.pos_ == "VERB" and (arg is None or arg.dep_ in ("nsubj", "nsubjpass", "dobj")) \
            else None
    if lemma == "cut":  # "cut off 300,000 residents"
        return "affected" if any(c.dep_ == "prt" and c.lower_ == "off" for c in children) else None
    if lemma == "return":
        return "other" if t.pos_ == "VERB" and (arg is None or arg.dep_ == "nsubj") else None
    return cat


def _subject(counted: Token | None, tok: Token) -> str:
    """Who is counted: the counted noun with its modifiers ("Ukrainian soldiers",
    "displaced families of Tigray", "people at the market")."""
    if counted is None or counted.lemma_.lower() in ("dead", "injured", "wounded", "missing", "displaced"):
        return "people"
    if counted.lemma_.lower() == "population":
        return _population_of(counted)
    keep: list[Token] = []
    for c in counted.lefts:
        for t in c.subtree:
            if t.i >= tok.i and not (t.like_num or t.lower_ in _WORD_SCALES) and t.dep_ not in ("det", "punct", "quantmod",
                                                                                              "nummod", "predet", "cc",
                                                                                              "conj", "poss", "case") \
                    and t.lower_ not in ("at", "least", "some", "about", "around", "more", "than", "over", "nearly"):
                keep.append(t)
    keep.append(counted)
    for c in counted.rights:
        if c.dep_ == "prep" and c.lower_ in ("of", "from", "at", "in") and c.i == counted.i + 1:
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


def _qualifier(before: str, after: str) -> str:
    for pat, q in _QUALIFIERS:
        if pat.search(before):
            return q
    for pat, q in _AFTER_QUALIFIERS:
        if pat.search(after):
            return q
    return "exact"


# ---------------------------------------------------------------- who says so


def _attribution(ctx: DocContext, sent: Span, tok: Token) -> str | None:
    who = _attribution_raw(ctx, sent, tok)
    if not who:
        return None
    # a person named by surname only resolves to the full name the entities found
    for e in ctx.entities:
        if e.label == "PERSON" and e.canonical and (e.text == who or e.canonical.endswith(" " + who)):
            return e.canonical
    return who


def _attribution_raw(ctx: DocContext, sent: Span, tok: Token) -> str | None:
    who = _quote_speaker(ctx, sent, tok)
    if who:
        return who
    m = _ATTRIB_ACCORDING.search(sent.text)
    if m:
        return _clean_who(m.group("who"))
    # "..., the health ministry said" / "officials told Reuters": subject of a speech verb
    # that governs the clause the number is in
    for anc in tok.ancestors:
        if anc.pos_ in ("VERB", "AUX") and anc.lemma_.lower() in _SPEECH:
            who = _speaker_of(ctx, anc, tok)
            if who:
                return who
            if anc.lemma_.lower() not in ("count", "record", "show", "put", "add", "report"):
                break
    for t in sent:
        if t.pos_ == "VERB" and t.lemma_.lower() in ("say", "tell", "report", "announce", "state", "estimate",
                                                      "confirm", "claim", "add", "write", "tweet", "post") \
                and t.dep_ in ("ROOT", "parataxis") and t.i > tok.i and not _in_quote(ctx, sent, t.idx) \
                and _in_quote(ctx, sent, tok.idx) == _in_quote(ctx, sent, t.idx):
            who = _speaker_of(ctx, t, tok)
            if who:
                return who
    return None


def _speaker_of(ctx: DocContext, verb: Token, tok: Token) -> str | None:
    subj = [c for c in verb.children if c.dep_ in ("nsubj",)]
    if not subj or subj[0].lower_ in _PRONOUNS or any(t.i == tok.i for t in subj[0].subtree):
        return None
    span = ctx.doc[subj[0].left_edge.i: subj[0].right_edge.i + 1]
    if any(t.like_num for t in span):
        return None
    return _canonical(ctx, span) or _clean_who(span.text)


def _canonical(ctx: DocContext, span: Span) -> str | None:
    """The full name of a named speaker (entities resolve "Ali" to "Hassan Ali")."""
    for e in ctx.entities:
        if e.label in ("PERSON",) and e.start >= span.start_char and e.end <= span.end_char and \
                span.end_char - span.start_char <= len(e.text) + 4:
            return e.canonical
    return None


def _in_quote(ctx: DocContext, sent: Span, at: int) -> bool:
    para0 = ctx.text.rfind("\n", 0, sent.start_char) + 1
    before = ctx.text[max(para0, sent.start_char - 2000):at]
    opens = before.count("“")
    closes = before.count("”")
    straight = before.count('"')
    return opens > closes or straight % 2 == 1


_NAME = (r"(?P<who>(?:the|a|an)\s+(?:[\w'’-]+\s+){0,3}?[\w'’-]+"
         r"|[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|of|the|for|de|al|bin|van|von|el|da|du))*)")
_SAY_BEFORE = re.compile(_NAME + r"(?:,\s*[^,\"“”]{2,80},)?\s+" + _SAY_RE + r"\b[^\"“”.]{0,60}[:,]\s*$")
_SAY_AFTER = re.compile(r"\s*[,.?!]?\s*(?:" + _NAME + r"\s+" + _SAY_RE + r"\b|" + _SAY_RE + r"\s+"
                        + _NAME.replace("who", "who2") + r")")


def _quote_speaker(ctx: DocContext, sent: Span, tok: Token) -> str | None:
    """Speaker of a direct quote the number sits in: 'X tweeted: "..."', '"...," X said',
    or a later quote of the same paragraph after one of those ("...," she said. "...")."""
    text = ctx.text
    at = tok.idx
    if not _in_quote(ctx, sent, at):
        return None
    para0 = text.rfind("\n", 0, at) + 1
    para1 = text.find("\n", at)
    para1 = len(text) if para1 < 0 else para1
    opening = max(text.rfind('"', para0, at), text.rfind("“", para0, at))
    closes = [i for i in (text.find('"', at, para1), text.find("”", at, para1)) if i >= 0]
    if opening >= 0 and (who := _speaker_before(text, max(para0, opening - 160), opening)):
        return who
    if closes:
        who = _speaker_after(text, min(closes) + 1, min(para1, min(closes) + 160))
        if who is not None:
            return who or None
    # a continued quote: the last speaker named with a quote earlier in the paragraph
    last = None
    for q in re.finditer(r"[\"“]([^\"“”]{2,600})[\"”]", text[para0:max(para0, opening)]):
        qa, qb = para0 + q.start(), para0 + q.end()
        who = _speaker_before(text, max(para0, qa - 160), qa) or _speaker_after(text, qb, min(para1, qb + 160))
        if who:
            last = who
    return last


def _speaker_before(text: str, a: int, b: int) -> str | None:
    m = _SAY_BEFORE.search(text[a:b])
    return _clean_who(m.group("who")) if m and m.group("who").lower() not in _PRONOUNS else None


def _speaker_after(text: str, a: int, b: int) -> str | None:
    """The speaker named after a closing quote; "" for a pronoun ("he said"), None for none."""
    m = _SAY_AFTER.match(text[a:b])
    if not m:
        return None
    who = m.group("who") or m.group("who2")
    if who.lower() in _PRONOUNS:
        return ""
    return _clean_who(who)


_TITLES = re.compile(r"^(?:(?:Dr|Mr|Mrs|Ms|Prof|Gen|Col|Lt|Capt|Maj|Sgt|Rev|Sen|Rep|Gov)\.?\s+)+")


def _clean_who(who: str) -> str:
    who = re.sub(r"^(?:the|a|an)\s+", "", who.strip(), flags=re.I)
    who = _TITLES.sub("", who)
    who = re.sub(r"\s+(?:estimates?|figures?|data|statistics|tallies|tally|counts?|numbers?)$", "", who, flags=re.I)
    return re.sub(r"\s+", " ", who).strip(" ,.")


# ---------------------------------------------------------------- when


def _as_of(ctx: DocContext, sent: Span, start: int, category: str) -> date | None:
    dates = _dates_in(ctx, sent)
    if category in _STOCK_CATEGORIES and not dates:
        return None  # a standing population is not a dated count
    if dates:
        nearest = min(dates, key=lambda d: abs(d.start - start))
        return nearest.date_end or nearest.date_start
    return ctx.published


def _dates_in(ctx: DocContext, sent: Span) -> list[TimeExpr]:
    # "since 20 September" starts a running count: the count itself is as of publication
    out = []
    for d in ctx.dates:
        if not (sent.start_char <= d.start < sent.end_char):
            continue
        if re.match(r"(?i)(?:since|from|starting|after|for|over|during|throughout|in\s+the\s+past|"
                    r"in\s+recent)\b", d.surface):
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
