"""Quotes, direct and reported, with the speaker resolved to a name or organisation.

Direct quotes are the spans between quotation marks; reported speech is the clause a
verb of saying governs ("X said that ...", "X told Reuters ...", "officials denied
that ...", "according to X, ..."). The speaker is the subject of that verb, read over
the parse: titles and appositions become the role, pronouns go to the person or
organisation last named, collective speakers ("Israeli officials") to the government
they speak for. One- to three-word quotes are scare quotes unless a speaker is said to
have used the words ("in what X called an "operation""). A quotation that goes on after
its attribution ('"...," she said. "..."') is one quote.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from sitroom.extract.context import DocContext
from sitroom.extract.entities import ROLE_WORDS
from sitroom.models import Entity, Quote

SPEECH = {"say", "tell", "tweet", "write", "add", "declare", "state", "ask", "reply", "answer", "announce",
          "insist", "warn", "urge", "explain", "claim", "note", "continue", "comment", "recall", "respond",
          "argue", "deny", "confirm", "admit", "acknowledge", "suggest", "agree", "believe", "report", "post",
          "stress", "emphasise", "emphasize", "point", "assert", "allege", "predict", "promise", "vow", "pledge",
          "complain", "describe", "call", "propose", "order", "accuse", "demand", "boast", "hail", "echo",
          "condemn", "denounce", "lash", "appeal", "mention", "indicate", "estimate", "fear", "hope", "think",
          "know", "charge", "maintain", "concede", "threaten", "observe", "reiterate", "repeat", "dub", "term", "label", "brand"}
# verbs whose clause is reported speech (a subset: "know", "hope" etc. only with a quote)
REPORTING = {"say", "tell", "state", "declare", "deny", "claim", "insist", "warn", "argue", "confirm", "admit",
             "acknowledge", "suggest", "agree", "report", "announce", "add", "note", "point", "stress", "assert",
             "allege", "write", "tweet", "explain", "reply", "believe", "maintain", "concede", "reiterate",
             "emphasise", "emphasize", "predict", "complain", "boast", "recall", "charge", "estimate"}
MEDIA = re.compile(r"\b(?:Reuters|AFP|Agence France-Presse|the Associated Press|AP|the BBC|BBC|CNN|Al Jazeera|"
                   r"TASS|Interfax|RIA Novosti|the New York Times|the Guardian|the Washington Post|"
                   r"Le Monde|Der Spiegel|reporters|journalists|international media|local media|"
                   r"state media|state television|local television|[A-Z][\w-]+ (?:TV|radio|television))\b")
DEMONYMS = {
    "azeri": "Azerbaijan", "azerbaijani": "Azerbaijan", "armenian": "Armenia", "russian": "Russia",
    "ukrainian": "Ukraine", "turkish": "Turkey", "iranian": "Iran", "israeli": "Israel", "palestinian": "Palestine",
    "american": "the United States", "us": "the United States", "u.s.": "the United States", "british": "the United Kingdom",
    "uk": "the United Kingdom", "french": "France", "german": "Germany", "chinese": "China", "syrian": "Syria",
    "iraqi": "Iraq", "sudanese": "Sudan", "ethiopian": "Ethiopia", "georgian": "Georgia", "belarusian": "Belarus",
    "polish": "Poland", "lebanese": "Lebanon", "egyptian": "Egypt", "saudi": "Saudi Arabia", "yemeni": "Yemen",
    "afghan": "Afghanistan", "pakistani": "Pakistan", "indian": "India", "congolese": "DR Congo",
    "malian": "Mali", "nigerian": "Nigeria", "somali": "Somalia", "libyan": "Libya", "kazakh": "Kazakhstan",
    "european": "the European Union", "eu": "the European Union",
}
COLLECTIVE = {"officials", "official", "government", "authorities", "ministry", "foreign ministry",
              "defence ministry", "defense ministry", "military", "army", "forces", "leadership", "presidency"}
GOVERNMENT = {"officials", "official", "government", "authorities", "ministry", "leadership", "presidency"}
PRONOUNS = {"he", "she", "him", "her"}
# A first name ending in -a is most often a woman's across the languages of the news; the
# exceptions below are common men's names. Used only to choose between people for "she"/"he".
MALE_A = {"luca", "nikita", "ilya", "kosta", "joshua", "andrea", "mustafa", "musa", "isa", "yahya", "taha",
          "hamza", "attila", "sasha", "misha", "pasha", "vova", "dima", "kolya", "zhenya", "abdulla", "akira"}
FEMALE = {"narine", "ursula", "catherine", "marie", "elizabeth", "sarah", "karen", "ruth", "esther", "alice",
          "helen", "hélène", "ingrid", "margrethe", "kamala", "nicole", "agnès", "agnes", "rachel", "miriam",
          "susan", "jane", "anne", "claire", "jennifer", "kristen", "nour", "zeynep", "gül", "yasmin", "leila",
          "hanan", "amal", "ruben_no"}
ORG_PRONOUNS = {"it", "they", "which"}


@dataclass
class _Q:
    start: int          # of the quoted words (inside the marks)
    end: int
    text: str


def extract(ctx: DocContext) -> list[Quote]:
    spans = _quote_spans(ctx.text)
    state = _Speakers(ctx)
    out: list[Quote] = []
    prev_attr: tuple[str | None, str | None, str | None] | None = None
    prev_end = -1
    prev_after = False  # the previous quote's attribution came after it
    by_sent: dict[int, list[_Q]] = {}
    for q in spans:
        sent = ctx.sentence_of(q.start)
        by_sent.setdefault(sent.start, []).append(q)
    for sent in ctx.doc.sents:
        qs = by_sent.get(sent.start, [])
        for q in qs:
            attr = _attribute(ctx, state, sent, q, qs)
            words = q.text.split()
            if attr is None:
                # a continuation of the quote just attributed ('"...," she said. "..."')
                gap = ctx.text[prev_end:q.start]
                if prev_attr and prev_after and len(gap) < 120 and "\n\n" not in gap:
                    prev_end = q.end
                    continue
                if len(words) >= 6 and (_colon_before(ctx, q, sent) or _opens_sentence(ctx, q, sent)):
                    attr = _previous_speaker(ctx, state, sent)
                if attr is None:
                    continue
            speaker, role, medium = attr
            if speaker is None:
                continue
            out.append(Quote(start=q.start, end=q.end, sentence=sent.text.strip(), text=q.text, speaker=speaker,
                             speaker_role=role, kind="direct", medium=medium))
            prev_attr = attr
            prev_end = q.end
            prev_after = _attribution_after(ctx, q, sent)
        over = [q for q in spans if q.start < sent.end_char and sent.start_char < q.end]
        out.extend(_reported(ctx, state, sent, over, [o for o in out if sent.start_char <= o.start < sent.end_char]))
        state.observe(sent)
    out.sort(key=lambda x: x.start)
    return out


# ---------------------------------------------------------------- spans


def _quote_spans(text: str) -> list[_Q]:
    out: list[_Q] = []
    # a quotation that runs over paragraphs leaves each but the last open and opens the next one again
    pat = (r"“([^”“\n]{1,2000}(?:\n+“[^”“\n]{1,2000})+)”|\"([^\"\n]{1,2000}(?:\n+\"[^\"\n]{1,2000})+)\""
           r"|“([^”“\n]{1,2000})”|\"([^\"\n]{1,2000})\"")
    for m in re.finditer(pat, text):
        g = next(k for k in (1, 2, 3, 4) if m.group(k) is not None)
        a, b = m.start(g), m.end(g)
        inner = text[a:b]
        lead = len(inner) - len(inner.lstrip())
        trail = len(inner.rstrip()) - len(inner.rstrip().rstrip(",."))
        a, b = a + lead, a + len(inner.rstrip()) - trail
        if b - a >= 2:
            out.append(_Q(start=a, end=b, text=text[a:b]))
    return out


def _in_quotes(tok: Token, qs: list[_Q]) -> bool:
    return any(q.start - 1 <= tok.idx < q.end + 1 for q in qs)


# ---------------------------------------------------------------- speakers


def _female(name: str) -> bool | None:
    first = name.split()[0].lower()
    if first in FEMALE or (first.endswith("a") and first not in MALE_A and len(first) > 2):
        return True
    return False if " " in name else None


class _Speakers:
    """Who was named last, for pronouns: people (by likely gender) and organisations."""

    def __init__(self, ctx: DocContext):
        self.ctx = ctx
        self.people: list[tuple[str, str | None]] = []   # most recent last
        self.group: tuple[str, str | None] | None = None
        self.ents = sorted(ctx.entities, key=lambda e: e.start)

    @property
    def person(self) -> tuple[str, str | None] | None:
        return self.people[-1] if self.people else None

    def pronoun(self, low: str, at: int | None = None) -> tuple[str, str | None] | None:
        """The person a "he"/"she" at char ``at`` refers to: the last compatible person named before it,
        preferring, sentence by sentence going back, one who is a subject."""
        if at is None:
            return self._pronoun_seen(low)
        want_female = low in ("she", "her")
        doc = self.ctx.doc
        sent = self.ctx.sentence_of(at)
        for _ in range(5):
            people = [e for e in self.ents if e.label == "PERSON" and sent.start_char <= e.start < min(sent.end_char, at)]
            if people:
                fits = [e for e in people if _female(e.canonical) == want_female] or \
                       [e for e in people if _female(e.canonical) is None]
                if fits:
                    def subj(e: Entity) -> bool:
                        span = doc.char_span(e.start, e.end, alignment_mode="expand")
                        r = span.root if span is not None else None
                        return r is not None and (r.dep_ in ("nsubj", "nsubjpass") or
                                                  (r.dep_ == "appos" and r.head.dep_ in ("nsubj", "nsubjpass")))
                    best = [e for e in fits if subj(e)] or fits
                    pick = best[-1] if sent.start_char <= at < sent.end_char else best[0]
                    return pick.canonical, pick.role
            if sent.start == 0:
                break
            sent = doc[sent.start - 1].sent
        return self._pronoun_seen(low)

    def _pronoun_seen(self, low: str) -> tuple[str, str | None] | None:
        want_female = low in ("she", "her")
        recent = list(reversed(self.people[-4:]))
        for name, role in recent:  # a likely match of gender first, then anyone unknown
            if _female(name) == want_female:
                return name, role
        for name, role in recent:
            if _female(name) is None:
                return name, role
        return self.person

    def _add_person(self, name: str, role: str | None) -> None:
        self.people = [p for p in self.people if p[0] != name] + [(name, role)]

    def entity_at(self, tok: Token) -> Entity | None:
        for e in self.ents:
            if e.start <= tok.idx < e.end:
                return e
        return None

    def observe(self, sent: Span) -> None:
        seen: list[tuple[int, str, str | None]] = []
        for e in self.ents:
            if sent.start_char <= e.start < sent.end_char:
                tok = self.ctx.doc.char_span(e.start, e.end, alignment_mode="expand")
                if tok is None:
                    continue
                if e.label == "PERSON" and tok.root.dep_ in ("nsubj", "nsubjpass", "appos", "ROOT", "dobj", "pobj", "compound"):
                    seen.append((e.start, e.canonical, e.role))
                elif e.label == "ORG" and (tok.root.dep_ in ("nsubj", "nsubjpass") or
                                           any(a.dep_ in ("nsubj", "nsubjpass") for a in tok.root.ancestors)):
                    self.group = (e.canonical, None)
        for tok in sent:
            if tok.dep_ in ("nsubj", "nsubjpass") and tok.pos_ in ("NOUN", "PROPN") and not self.entity_at(tok):
                name, role = _noun_phrase_speaker(self, tok)
                if name and tok.pos_ == "PROPN" and tok.ent_type_ in ("", "PERSON") and " " not in name \
                        and not any(p.start <= tok.idx < p.end for p in self.ctx.places):
                    seen.append((tok.idx, name, role))
                elif name and (tok.lemma_.lower() in COLLECTIVE | {"statement", "movement", "group", "report"}
                               or (tok.pos_ == "PROPN" and " " in name)):
                    self.group = (name, role)
        for _, name, role in sorted(seen):
            self._add_person(name, role)


def _subject(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            return c
    # "..., stating that" / "replied by accusing": the subject of the verb it hangs from
    t = verb
    while t.dep_ in ("advcl", "xcomp", "conj", "acl", "pcomp", "prep") and t.head.i != t.i:
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            return _subject(t)
    return None


def _speaker_of(ctx: DocContext, state: _Speakers, verb: Token) -> tuple[str | None, str | None]:
    subj = _subject(verb)
    if subj is None:
        # "the government's only comment was to say that ...": the possessor speaks
        if verb.dep_ == "xcomp" or verb.head.lemma_ == "be":
            head = verb.head
            for c in head.children:
                if c.dep_ == "nsubj":
                    poss = [p for p in c.children if p.dep_ == "poss"]
                    if poss:
                        return _noun_phrase_speaker(state, poss[0])
        return None, None
    low = subj.lower_
    if low in PRONOUNS:
        return state.pronoun(low, subj.idx) or (None, None)
    if low in ORG_PRONOUNS:
        if subj.dep_ == "nsubj" and low == "which":
            return _noun_phrase_speaker(state, subj.head.head) if subj.head.head is not None else (None, None)
        return state.group if state.group else (state.person if low == "they" and state.person else (None, None))
    if low == "one" and not list(subj.children):
        # "Other analysts agree. One pointed out that ...": one of the group named just before
        sent = subj.sent
        if sent.start > 0:
            prev = ctx.doc[sent.start - 1].sent
            for t in prev:
                if t.dep_ in ("nsubj", "nsubjpass") and t.tag_ == "NNS":
                    return f"unnamed {t.lemma_.lower()}", t.lemma_.lower()
        return None, None
    if low in ("one", "who", "whose"):
        return None, None
    return _noun_phrase_speaker(state, subj)


LOWER_SPEAKERS = COLLECTIVE | {"civilian", "resident", "source", "witness", "analyst", "expert", "survivor",
                               "refugee", "statement", "report", "doctor", "medic", "media", "medium", "agency",
                               "group", "organisation", "organization", "charity", "police", "rescuer", "worker",
                               "activist", "observer", "monitor", "villager", "people", "spokesman", "spokeswoman",
                               "spokesperson", "official", "ministry", "office", "council", "court", "committee",
                               "mission", "junta", "regime", "administration", "coalition", "commission", "paramedic",
                               "volunteer", "journalist", "reporter", "correspondent", "diplomat", "mother", "father",
                               "farmer", "teacher", "student", "nurse", "engineer", "relative", "family", "neighbour",
                               "neighbor", "fighter", "soldier", "commander", "militant", "rebel", "protester",
                               "demonstrator", "leader", "lawmaker", "prosecutor", "investigator", "inspector"}
ORG_NOUNS = {"agency", "group", "organisation", "organization", "charity", "ministry", "office", "council", "court",
             "committee", "mission", "movement", "company", "firm", "party", "union", "bank", "fund", "body",
             "institute", "department", "network", "alliance", "coalition", "commission", "statement", "report",
             "think-tank", "tank", "broadcaster", "newspaper", "agency", "operator", "authority", "service"}
PERSON_HEADS = ROLE_WORDS


def _noun_phrase_speaker(state: _Speakers, tok: Token) -> tuple[str | None, str | None]:
    """A subject phrase as (speaker, role): a named person or organisation inside it wins."""
    sub = list(tok.subtree)
    phrase = [t for t in sub if t.dep_ not in ("appos", "relcl", "punct", "det", "acl")
              and not any(a.dep_ in ("appos", "relcl", "acl") and a in sub and a.i != tok.i for a in t.ancestors
                          if a.i != tok.i)]
    appos = [t for t in sub if t.dep_ == "appos" and (t.head.i == tok.i or tok.lower_ in PERSON_HEADS)]
    ents = [state.entity_at(t) for t in phrase]
    for ap in appos:  # "Sudan's army chief, General X," / "X, a builder,"
        ents += [state.entity_at(t) for t in ap.subtree if t.dep_ not in ("relcl",)]
    names = [e for e in ents if e is not None and e.label in ("PERSON", "ORG")]
    head_ent = state.entity_at(tok)
    if names:
        persons = [e for e in names if e.label == "PERSON"]
        orgs = [e for e in names if e.label == "ORG"]
        if persons and (head_ent is not None and head_ent.label == "PERSON" or tok.lower_ in PERSON_HEADS
                        or any(e.start <= ap.idx < e.end for ap in appos for e in persons)
                        or tok.lemma_.lower() not in ORG_NOUNS | COLLECTIVE):
            e = persons[0] if head_ent is None or head_ent.label != "PERSON" else head_ent
            return e.canonical, e.role or _rest_role(state, phrase, e)
        e = head_ent if head_ent is not None and head_ent.label == "ORG" else (orgs or names)[0]
        role = None
        if tok.lower_ in PERSON_HEADS and head_ent is None:  # "a spokesman for the ministry"
            role = tok.text
        return e.canonical, role
    text = " ".join(t.text for t in phrase).strip()
    text = re.sub(r"\s+(['’]s)\b", r"\1", text)
    text = re.sub(r"^(?:[Tt]he|[Aa]n?|[Ss]ome|[Tt]hese|[Tt]hose|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er)\s+", "", text)
    if not text or text.lower() in PRONOUNS | ORG_PRONOUNS:
        return None, None
    words = text.split()
    if words[0].lower() in DEMONYMS and words[-1].lower() in GOVERNMENT and len(words) <= 4:
        return f"Government of {DEMONYMS[words[0].lower()]}", text
    low = tok.lemma_.lower()
    if tok.tag_ == "NN" and low in ORG_NOUNS and len(words) == 1 and state.group and \
            any(c.lower_ in ("the", "its", "this") for c in tok.children):
        return state.group  # "the agency said": the organisation named before
    if low in ("regime", "government", "administration") and any(t.dep_ == "poss" for t in tok.children):
        poss = next(t for t in tok.children if t.dep_ == "poss")
        pe = state.entity_at(poss)
        if poss.lower_ == "whose" and tok.head.dep_ == "relcl":
            pe = state.entity_at(tok.head.head)
        elif poss.lower_ in ("his", "her"):
            got = state.pronoun("she" if poss.lower_ == "her" else "he", poss.idx)
            pe = next((e for e in state.ents if got and e.canonical == got[0]), None)
        if pe is not None and pe.label == "PERSON":
            country = _country_of_role(pe.role)
            if country:
                return f"Government of {country}", f"{pe.canonical}'s {tok.text}"
            return f"{pe.canonical}'s {tok.text}", None
    if low in ROLE_WORDS and tok.tag_ == "NN" and len(words) <= 3:
        # "the president said": the person named before with that role
        for e in reversed([e for e in state.ents if e.label == "PERSON" and e.start < tok.idx and e.role]):
            if low in e.role.lower().split():
                return e.canonical, e.role
        return text, text
    if text[0].islower() and low not in LOWER_SPEAKERS and not (tok.tag_ == "NNS" and len(words) <= 4):
        return None, None
    if len(words) > 8:
        return None, None
    return text, None


def _rest_role(state: _Speakers, phrase: list[Token], e: Entity) -> str | None:
    rest = " ".join(t.text for t in phrase if not (e.start <= t.idx < e.end)).strip()
    if rest and any(w.lower() in ROLE_WORDS for w in rest.split()) and len(rest.split()) <= 8:
        return re.sub(r"\s+(['’]s)\b", r"\1", rest)
    return None


def _country_of_role(role: str | None) -> str | None:
    if not role:
        return None
    for w in re.findall(r"[A-Za-z.]+", role):
        if w.lower() in DEMONYMS:
            return DEMONYMS[w.lower()]
    m = re.search(r"\b(?:of|for) ([A-Z][a-z]+)", role) or re.search(r"\b([A-Z][a-z]+)['’]s\b", role)
    return m.group(1) if m else None


PLATFORMS = (
    (r"\bon Telegram\b|\bTelegram (?:channel|post|message)", "Telegram"),
    (r"\bon (?:X|Twitter)\b|\b(?:X|Twitter) (?:post|account)\b", "Twitter"),
    (r"\bon Facebook\b|\bFacebook post\b", "Facebook"),
    (r"\bon Instagram\b", "Instagram"),
    (r"\bon (?:his|her|their|its) website\b", "website"),
    (r"\btelevised (?:address|speech|statement)|address to the nation|national address", "televised address"),
    (r"\bpress conference\b|\bnews conference\b|\bbriefing\b", "press conference"),
    (r"\bin an interview\b|\binterview with\b", "interview"),
    (r"\bin a (?:written |joint |short |brief )?statement\b|\bstatement (?:said|read)\b|\bstatement\b", "statement"),
    (r"\bin a (?:video|speech|letter|report|post)\b", None),
)


def _medium(ctx: DocContext, verb: Token | None, sent: Span) -> str | None:
    s = sent.text
    if verb is not None:
        lem = verb.lemma_.lower()
        if lem == "tell":
            for o in (c for c in verb.children if c.dep_ in ("dobj", "dative", "iobj")):
                phrase = " ".join(t.text for t in o.subtree)
                if MEDIA.search(phrase) or (o.pos_ == "PROPN" and o.ent_type_ == "ORG"):
                    return f"told {phrase}"
    for pat, name in PLATFORMS:
        m = re.search(pat, s)
        if m:
            return name or m.group(0).replace("in a ", "").replace("in an ", "")
    if verb is not None and verb.lemma_.lower() in ("tweet", "post"):
        return "tweeted" if verb.lemma_.lower() == "tweet" else "posted"
    m = re.search(r"\btold ((?:the )?[A-Z][\w-]+(?: [A-Z][\w-]+)*|international media|local media|reporters|"
                  r"journalists|the media)", s)
    if m:
        return f"told {m.group(1)}"
    return None


# ---------------------------------------------------------------- direct


def _speech_verbs(sent: Span, qs: list[_Q]) -> list[Token]:
    return [t for t in sent if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in SPEECH and not _in_quotes(t, qs)]


def _attribute(ctx: DocContext, state: _Speakers, sent: Span, q: _Q, qs: list[_Q]):
    words = q.text.split()
    verbs = _speech_verbs(sent, qs)
    end_sent = ctx.sentence_of(max(q.start, q.end - 1))
    if end_sent.start != sent.start:  # a quote of several sentences: attributed after its end
        verbs += _speech_verbs(end_sent, qs)
    after = ctx.doc.char_span(q.end, min(len(ctx.text), q.end + 3), alignment_mode="expand")
    if after is not None and after[-1].sent.start not in (sent.start, end_sent.start):
        verbs += [v for v in _speech_verbs(after[-1].sent, qs) if v.idx - q.end < 40]
    short = len(words) <= 3
    if short:
        if re.search(r"so-called\s*[\"“]?$", ctx.text[max(0, q.start - 12):q.start]):
            return None
        verb = _governing_speech_verb(ctx, q, qs)
        if verb is None:
            return None
    else:
        if not verbs:
            return None
        # the verb nearest the quote, preferring one just after it ('"...," X said')
        verb = min(verbs, key=lambda v: (abs(v.idx - q.end) if v.idx >= q.end else abs(q.start - v.idx) + 5))
    # "X tweeted a thread from a woman in Y: ..." - the words are the woman's
    for obj in (c for c in verb.children if c.dep_ == "dobj"):
        if obj.lemma_.lower() in ("thread", "message", "post", "letter", "video", "statement", "account", "testimony"):
            for prep in (c for c in obj.children if c.dep_ == "prep" and c.lower_ in ("from", "by")):
                for src in (c for c in prep.children if c.dep_ == "pobj"):
                    phrase = " ".join(t.text for t in src.subtree)
                    return re.sub(r"^(?:a|an|the)\s+", "", phrase), None, _medium(ctx, verb, sent)
    speaker, role = _speaker_of(ctx, state, verb)
    if speaker is None:
        return None
    return speaker, role, _medium(ctx, verb, sent)


def _governing_speech_verb(ctx: DocContext, q: _Q, qs: list[_Q]) -> Token | None:
    span = ctx.doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None:
        return None
    t = span.root
    for _ in range(6):
        if t.head.i == t.i:
            return None
        came_as = t.dep_
        t = t.head
        if _in_quotes(t, qs) or t.pos_ not in ("VERB", "AUX"):
            continue
        if t.lemma_.lower() in SPEECH:
            return t
        if t.lemma_.lower() == "be":
            # "in what X called an "operation"": the copula of a "what"-clause
            said = [c for c in t.children if c.dep_ in ("csubj", "nsubj", "ccomp") and c.lemma_.lower() in SPEECH
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


def _attribution_after(ctx: DocContext, q: _Q, sent: Span) -> bool:
    return bool(re.match(r"^[,.!?]?[\"”]?\s*,?\s*(?:[a-z]+\s+)?(?:he|she|they|it|[A-Z][\w'-]+)(?:\s+[A-Z][\w'-]+)*\s+"
                         r"(?:said|says|told|added|wrote|tweeted|declared|continued)", ctx.text[q.end:q.end + 80]))


def _colon_before(ctx: DocContext, q: _Q, sent: Span) -> bool:
    before = ctx.text[max(0, q.start - 4):q.start]
    return ":" in before


def _opens_sentence(ctx: DocContext, q: _Q, sent: Span) -> bool:
    return ctx.text[sent.start_char:q.start].strip(" \"“") == ""


def _previous_speaker(ctx: DocContext, state: _Speakers, sent: Span):
    """"It writes:" then the quotation in a paragraph of its own."""
    prev = ctx.doc[sent.start - 1].sent if sent.start > 0 else None
    if prev is None:
        return None
    verbs = [t for t in prev if t.lemma_.lower() in SPEECH]
    if not verbs:
        return None
    speaker, role = _speaker_of(ctx, state, verbs[-1])
    return (speaker, role, _medium(ctx, verbs[-1], prev)) if speaker else None


# ---------------------------------------------------------------- reported


_CUT = re.compile(r",?\s+(?:while|whereas|but|although|though)\s|;\s|\s[—–]\s|,\s(?:according to|citing)\s")
ACCORDING = re.compile(r"\b[Aa]ccording to ((?:the |a |an )?[^,.;]{2,80}?)(?:,\s*|\.|$)")
DENY_LIKE = {"deny", "admit", "acknowledge", "confirm", "report", "describe", "recall", "suggest", "propose",
             "threaten", "promise", "pledge", "vow", "reject", "dismiss"}
URGE_LIKE = {"urge", "ask", "call", "appeal", "implore", "press", "encourage", "beg", "warn", "tell", "order",
             "instruct", "advise", "request"}


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
    return Quote(start=a, end=a + len(body), sentence=sent.text.strip(), text=body, speaker=speaker,
                 speaker_role=role, kind="indirect", medium=medium)


def _reported(ctx: DocContext, state: _Speakers, sent: Span, qs: list[_Q], direct: list[Quote]) -> list[Quote]:
    out: list[Quote] = []

    def covered(a: int, b: int, speaker: str | None = None) -> bool:
        """The clause holds a direct quote of the same speaker already taken: that quote stands for it."""
        return any(a <= d.start < b and (speaker is None or d.speaker == speaker) for d in direct) or \
            any(a <= q.start < b and q.end - q.start > 40 and
                not any(d.start == q.start and d.speaker != speaker for d in direct) for q in qs)

    for m in ACCORDING.finditer(sent.text):
        who = sent.start_char + m.start(1), sent.start_char + m.end(1)
        span = ctx.doc.char_span(*who, alignment_mode="expand")
        speaker, role = _noun_phrase_speaker(state, span.root) if span is not None else (None, None)
        if speaker is None:
            speaker, role = re.sub(r"^(?:the|a|an)\s+", "", m.group(1)).strip(), None
        if m.start() <= 2:  # "According to X, <claim>."
            a, b = sent.start_char + m.end(), sent.end_char
        else:  # "<claim>, according to X."
            a, b = sent.start_char, sent.start_char + m.start()
            lead = re.match(r"^[\s\"“]*", ctx.text[a:b])
            a += lead.end() if lead else 0
        if not covered(a, b):
            q = _span_quote(ctx, sent, a, b, speaker, role, _medium(ctx, None, sent), qs)
            if q:
                out.append(q)
    for verb in sent:
        lemma = verb.lemma_.lower()
        if verb.pos_ not in ("VERB", "AUX") or _in_quotes(verb, qs):
            continue
        toks: list[Token] = []
        if lemma in REPORTING or (lemma == "point" and any(c.lower_ == "out" for c in verb.children)):
            comps = [c for c in verb.children if c.dep_ == "ccomp"]
            if not comps:
                # "said in a statement that ...": a "that" clause the parser hung elsewhere
                for t in sent[verb.i - sent.start + 1: verb.i - sent.start + 9]:
                    if t.lower_ == "that" and t.dep_ == "mark" and verb in t.head.ancestors:
                        comps = [t.head]
                        break
            if comps:
                toks = sorted(comps[0].subtree, key=lambda t: t.i)
                if comps[0].i < verb.i:
                    # "<claim>, officials said." - the clause before the verb of saying
                    if verb.i + 3 < sent.end and not any(t.is_punct for t in sent[verb.i - sent.start:]
                                                        if t.i < sent.end - 1 and t.text in (",", ";")):
                        pass
                    toks = [t for t in toks if t.i < verb.i]
                else:
                    toks = [t for t in toks if t.i > verb.i]
            elif lemma in DENY_LIKE | {"deny"}:
                toks = _gerund_object(verb)
        elif lemma in DENY_LIKE:
            toks = _gerund_object(verb)
        if not toks and lemma in URGE_LIKE:
            toks = _urged(verb)
        if not toks and lemma == "call":
            for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ == "for"):
                toks = sorted(prep.subtree, key=lambda t: t.i)[1:]
        if not toks and lemma in ("claim", "proclaim"):
            objs = [c for c in verb.children if c.dep_ == "dobj" and c.pos_ == "NOUN"]
            if objs:
                toks = sorted(objs[0].subtree, key=lambda t: t.i)
        while toks and (toks[0].dep_ == "mark" or toks[0].is_punct):
            toks = toks[1:]
        if len(toks) < 2:
            continue
        a, b = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        inner = sum(1 for t in toks if _in_quotes(t, qs))
        if inner > len(toks) / 2:
            continue  # the clause is a direct quote, counted as one
        speaker, role = _speaker_of(ctx, state, verb)
        if speaker is None or covered(a, b, speaker):
            continue
        q = _span_quote(ctx, sent, a, b, speaker, role, _medium(ctx, verb, sent), qs)
        if q and not any(o.start == q.start for o in out):
            out.append(q)
    return out


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
    # and "..., and on the world to impose sanctions": one quote from the first object on
    return sorted(seen.values(), key=lambda t: t.i)
