"""Incident mentions: sentences that report something happening, typed as ACLED does.

No library codes news text into ACLED's event taxonomy (POLECAT/PLOVER coders need
models we cannot ship), so this is our own, read over the dependency parse:

- Triggers are data: ``data/lexicons/event_triggers.tsv`` gives each word's event type and
  sub-type and what else it needs (a weapon named as used, a target, a victim, who takes
  the ground, ...); multi-word triggers are the rule table ``events.en`` below. Another
  language is rows in the lexicons and a table of its own.
- Who acts and who is hit decide between sub-types (``event_actors.tsv``): a state force
  retaking ground is "Government regains territory", a non-state group taking it
  "Non-state actor overtakes territory"; civilians targeted are "Violence against
  civilians", forces firing on forces a battle; a state force arrests, a non-state group
  abducts. A document's own words say which named group is non-state ("the paramilitary
  X", "X militants").
- Each mention gets the place (the most specific one near the trigger, a facility the
  sentence refers back to, else the narrative's), the date (the sentence's time
  expression, else the narrative's, else the week before the telling), actors, tolls and
  a stance (asserted, denied, unconfirmed, claimed; threats, plans and negations are not
  mentions). Background (wars, events over a year before publication) is left out.
- Within one report, mentions of one happening ("a fuel depot exploded", "the blast")
  are one event frame (event coreference): compatible types, overlapping dates,
  places that are the same or contain one another. Every mention of a frame is given the
  frame's type, most specific place and most precise date, so that reports merge.
"""
from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections import Counter
from datetime import date, timedelta
from itertools import islice, takewhile

from spacy.tokens import Span, Token

from sitroom.extract import lexicon
from sitroom.extract.context import DocContext
from sitroom.extract.rules import RuleTable, rule
from sitroom.fuse import coref
from sitroom.fuse.incidents import blast_word, compatible_types, km, name_tokens
from sitroom.models import EventMention, Place, TimeExpr

BATTLE, REMOTE, VAC = "Battles", "Explosions/Remote violence", "Violence against civilians"
PROTEST, RIOT, STRAT = "Protests", "Riots", "Strategic developments"
VIOLENT = (BATTLE, REMOTE, VAC, PROTEST, RIOT)

GRT, NSA, CLASH = "Government regains territory", "Non-state actor overtakes territory", "Armed clash"
AIR, SHELL, IED = "Air/drone strike", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED"

_HISTORY_DAYS = 366      # older than this before publication: background, not a current incident
_LONG_DAYS = 92          # a range longer than this is a war or campaign, unless a siege or flight


# ---------------------------------------------------------------- lexicons


@functools.lru_cache(maxsize=None)
def _triggers(lang: str) -> dict[str, object]:
    return lexicon.table("event_triggers", lang)


@functools.lru_cache(maxsize=None)
def _cues(lang: str, cue: str) -> frozenset[str]:
    return lexicon.terms("event_cues", lang, cue=cue)


@functools.lru_cache(maxsize=None)
def _cue_re(lang: str, cue: str) -> re.Pattern | None:
    """Cue words as one pattern: lower-case terms match in any case, capitalised ones as written."""
    ts = [r.term for r in lexicon.rows("event_cues", lang) if r.cue == cue]
    if not ts:
        return None
    ts.sort(key=lambda t: (-len(t), t))
    alt = "|".join(re.escape(t) if t != t.lower() else "(?i:" + re.escape(t) + ")" for t in ts)
    return re.compile(r"(?<![\w-])(?:" + alt + r")(?![\w-])")


def _cue_in(lang: str, cue: str, text: str) -> re.Match | None:
    pat = _cue_re(lang, cue)
    return pat.search(text) if pat else None


@functools.lru_cache(maxsize=None)
def _actors(lang: str) -> dict[str, str]:
    return {t: r.kind for t, r in lexicon.table("event_actors", lang).items()}


@functools.lru_cache(maxsize=None)
def _actor_multi(lang: str) -> re.Pattern | None:
    multi = [t for t in _actors(lang) if " " in t]
    if not multi:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(t) for t in sorted(multi, key=len, reverse=True)) + r")\b", re.I)


@functools.lru_cache(maxsize=None)
def _demonyms(lang: str) -> frozenset[str]:
    return lexicon.terms("demonyms", lang)


# ---------------------------------------------------------------- multi-word triggers


class _Phrase:
    """Handlers of the multi-word triggers: (event type, sub-event type) or None."""

    @staticmethod
    def air_strike(m, sent, tok, ctx):
        return REMOTE, AIR

    @staticmethod
    def suicide_bomb(m, sent, tok, ctx):
        return REMOTE, "Suicide bomb"

    @staticmethod
    def remote_explosive(m, sent, tok, ctx):
        return REMOTE, IED

    @staticmethod
    def chemical(m, sent, tok, ctx):
        return REMOTE, "Chemical weapon"

    @staticmethod
    def gunfire(m, sent, tok, ctx):
        """"opened fire on ...": typed by who was fired on."""
        after = sent.text[m.end() - sent.start_char:][:70]
        kinds = _kinds_in_text(after, ctx)
        if "protester" in kinds:
            return PROTEST, "Excessive force against protesters"
        if kinds & {"civilian", "site", "people"} and not kinds & {"state", "nonstate", "armed", "military"}:
            return VAC, "Attack"
        return BATTLE, CLASH

    @staticmethod
    def shot(m, sent, tok, ctx):
        return _victim_type(tok, ctx) or (VAC, "Attack")

    @staticmethod
    def protest_intervention(m, sent, tok, ctx):
        return PROTEST, "Protest with intervention"

    @staticmethod
    def excessive_force(m, sent, tok, ctx):
        return PROTEST, "Excessive force against protesters"

    @staticmethod
    def peaceful_protest(m, sent, tok, ctx):
        return _protest_type(sent, ctx)

    @staticmethod
    def base_established(m, sent, tok, ctx):
        return STRAT, "Headquarters or base established"

    @staticmethod
    def nonviolent_transfer(m, sent, tok, ctx):
        return STRAT, "Non-violent transfer of territory"

    @staticmethod
    def disrupted(m, sent, tok, ctx):
        return STRAT, "Disrupted weapons use"

    @staticmethod
    def sexual_violence(m, sent, tok, ctx):
        return VAC, "Sexual violence"

    @staticmethod
    def abduction(m, sent, tok, ctx):
        return VAC, "Abduction/forced disappearance"

    @staticmethod
    def property_destruction(m, sent, tok, ctx):
        return STRAT, "Looting/property destruction"

    @staticmethod
    def agreement(m, sent, tok, ctx):
        return STRAT, "Agreement"

    @staticmethod
    def detained(m, sent, tok, ctx):
        return _detain_type(tok, sent, ctx)

    @staticmethod
    def change_group(m, sent, tok, ctx):
        return STRAT, "Change to group/activity"

    @staticmethod
    def took_control(m, sent, tok, ctx):
        return _territory_type(tok, sent, ctx, NSA, need_object=False)

    @staticmethod
    def mass_flight(m, sent, tok, ctx):
        return STRAT, "Other"

    @staticmethod
    def military_operation(m, sent, tok, ctx):
        return BATTLE, _battle_sub(tok, sent, ctx)


_I = re.I
PHRASES = RuleTable("events.en", _Phrase, [
    rule(r"\b(?:air|drone|aerial)[ -]?(?:strike|raid|attack|bombardment|bombing)s?\b", "air_strike",
         "An air strike hit a fuel depot outside the port on Tuesday.", flags=_I),
    rule(r"\bsuicide (?:bomb|bomber|bombers|bombing|bombings|attack|attacks|attacker|vest|car bomb)s?\b|"
         r"\bblew (?:himself|herself|themselves) up\b", "suicide_bomb",
         "A suicide bomber blew himself up at a checkpoint in the provincial capital.", flags=_I),
    rule(r"\b(?:roadside|car|truck|parcel|planted|home-?made|magnetic) bombs?\b|\bimprovised explosive\b|"
         r"\bexplosive devices?\b|\b(?:land)?mines? (?:exploded|blast|explosion)s?\b|\bstepped on a (?:land)?mine\b|"
         r"\bbooby[- ]trap", "remote_explosive", "Two soldiers died when a roadside bomb hit their patrol.", flags=_I),
    rule(r"\b(?:chemical|poison gas|toxic gas|nerve agent|chlorine gas|gas) (?:attack|attacks|weapons?|strike|munitions)\b",
         "chemical", "Inspectors said a chemical attack on the suburb used chlorine.", flags=_I),
    rule(r"\b(?:opened|open|opening|opens) fire\b|\bfired (?:on|at|upon|into)\b|\bexchanged? (?:of )?fire\b|"
         r"\bexchanges of fire\b|\bgun ?battles?\b|\bshoot-?outs?\b", "gunfire",
         "Border guards opened fire on a patrol from the other side.", flags=_I),
    rule(r"\b(?:was|were|been|being) shot\b|\bshot (?:dead|at|and killed)\b|\bgunned down\b", "shot",
         "Three farmers were shot dead near the river crossing.", flags=_I),
    rule(r"\btear ?gas\b|\bwater cannons?\b|\brubber bullets\b|\bdispersed (?:the )?(?:protest|crowd|demonstrat|rall|march)",
         "protest_intervention", "Police fired tear gas at students marching on parliament.", flags=_I),
    rule(r"\b(?:fired|opened fire|shot) (?:on|at|into) (?:the )?(?:protesters|demonstrators|protestors)\b|"
         r"\b(?:protesters|demonstrators|protestors) (?:were |had been )?(?:shot|killed)\b|"
         r"\bkill(?:ed|ing) (?:\w+ ){0,2}(?:protesters|demonstrators|protestors)\b", "excessive_force",
         "Soldiers fired on protesters outside the governor's office, killing four.", flags=_I),
    rule(r"\b(?:general|hunger|labou?r|nationwide) strikes?\b|\bwent on strike\b|\bon strike\b|\bwalk-?outs?\b",
         "peaceful_protest", "Dock workers went on strike over unpaid wages.", flags=_I),
    rule(r"\b(?:set up|sets up|setting up|established|establishes|establishing|opened|built) (?:a |an |its |their |new |"
         r"military |forward |operating |command )*(?:base|bases|headquarters|outpost|garrison|command post)\b",
         "base_established", "The militia set up a new headquarters in the abandoned school.", flags=_I),
    rule(r"\b(?:handed over|hand over|handing over|handover of|transferred|ceded|ceding) (?:full )?(?:control|"
         r"the (?:town|city|base|territory|area|region|district))\b|\bwithdr(?:ew|awn|awal) without (?:a )?(?:fight|resistance)\b",
         "nonviolent_transfer", "The army handed over control of the district to local elders.", flags=_I),
    rule(r"\b(?:defused|foiled|thwarted|dismantled|seized) (?:a |an |the |\w+ ){0,3}(?:bombs?|explosives?|IEDs?|"
         r"weapons? caches?|arms caches?|explosive devices?|plot|attack)\b|\bshot down\b|\bintercepted\b", "disrupted",
         "Engineers defused a bomb found under the bridge.", flags=_I),
    rule(r"\bsexual(?:ly)? (?:violence|assaults?|assaulted|abuse|abused|attacks?)\b|\bgang[- ]rap", "sexual_violence",
         "Witnesses described sexual violence by fighters going from house to house.", flags=_I),
    rule(r"\btaken hostage\b|\btook (?:\w+ ){0,3}hostages?\b|\bforcibly disappeared\b|\benforced disappearances?\b|"
         r"\bhostage[- ]taking\b", "abduction", "Gunmen took twelve passengers hostage on the highway.", flags=_I),
    rule(r"\bset (?:fire to|ablaze|on fire)\b|\bburn(?:ed|t|ing) (?:down )?(?:\w+ ){0,2}(?:houses|homes|villages?|shops|"
         r"markets?|buildings|churches|mosques)\b", "property_destruction",
         "Attackers burned dozens of homes in the hamlet.", flags=_I),
    rule(r"\b(?:peace|ceasefire|cease-fire|truce|power-sharing) (?:deal|agreement|accord|pact)s?\b|"
         r"\b(?:prisoner|hostage) (?:exchange|swap)s?\b|\bcease-fire\b", "agreement",
         "The two sides signed a peace agreement in the capital.", flags=_I),
    rule(r"\btaken into custody\b|\brounded up\b", "detained", "Police rounded up dozens of opposition supporters.", flags=_I),
    rule(r"\bannounced (?:the |its |their )?(?:formation|creation|merger|dissolution)\b|\bmerged with\b|\brenamed itself\b|"
         r"\bsplit from\b|\bjoined forces with\b", "change_group",
         "Two armed factions announced their merger under a new name.", flags=_I),
    rule(r"\b(?:took|taken|take|takes|taking|seized|gained|assumed|wrested|regained|retook) (?:full |complete |effective )?"
         r"control (?:of|over)\b|\bfell (?:in)?to the hands of\b|\bfell to\b", "took_control",
         "Rebels took control of the border town after two days of fighting.", flags=_I),
    rule(r"\bfled (?:their|the) homes\b|\b(?:mass|forced) (?:exodus|displacement|evacuations?|flight)\b", "mass_flight",
         "Thousands of families fled their homes as the floods rose.", flags=_I),
    rule(r"\b(?:military|armed|ground) (?:offensive|operation|intervention|incursion)s?\b", "military_operation",
         "The army launched a ground offensive against the insurgents.", flags=_I),
])


# ---------------------------------------------------------------- actors


def _kinds_of_token(tok: Token, ctx: DocContext) -> set[str]:
    table = _actors(ctx.language)
    k = table.get(tok.lower_) or table.get(tok.lemma_.lower())
    out = {k} if k else set()
    prof = _profile(ctx).get(tok.lower_)
    if prof:
        out.add(prof)
    return out


def _kinds_in_text(text: str, ctx: DocContext) -> set[str]:
    out: set[str] = set()
    multi = _actor_multi(ctx.language)
    table = _actors(ctx.language)
    if multi:
        for m in multi.finditer(text):
            out.add(table[m.group(0).lower()])
    for w in re.findall(r"[\w'-]+", text):
        k = table.get(w.lower())
        if k:
            out.add(k)
    found = _profile_re(ctx)
    if found is not None and found.search(text.lower()):
        out.add("nonstate")  # every name of the profile is a non-state group's
    return out


def _phrase_kind(head: Token, ctx: DocContext) -> str | None:
    """The kind of the actor a noun phrase names: its head noun, refined by its modifiers
    ("Russian forces" are a state's; "the paramilitary forces" are not)."""
    sub = list(islice(head.subtree, 12))
    text = " ".join(t.text for t in sub)
    kinds = _kinds_in_text(text, ctx)
    head_kinds = _kinds_of_token(head, ctx)
    multi = _actor_multi(ctx.language)
    if multi:
        for m in multi.finditer(text):
            if m.group(0).lower().split()[-1] in (head.lower_, head.lemma_.lower()):
                head_kinds = {_actors(ctx.language)[m.group(0).lower()]}
    if "nonstate" in kinds and not head_kinds & {"civilian", "site", "protester"}:
        return "nonstate"
    if head_kinds & {"site"} and kinds & {"state", "nonstate", "armed", "irregular"}:
        return "military"   # "an army convoy", "rebel camps"
    if head_kinds & {"state", "nonstate", "civilian", "site", "military", "aircraft", "protester", "mob"}:
        for k in ("nonstate", "state", "aircraft", "protester", "mob", "civilian", "military", "site"):
            if k in head_kinds:
                return k
    owner = _owned_by_state(head, ctx)
    if "irregular" in head_kinds:
        return "state" if owner else "nonstate"
    if "armed" in head_kinds or "armed" in kinds:
        if owner:
            return "state"
        if "state" in kinds:
            return "state"
        return "armed"
    if head.pos_ == "PROPN" or head.ent_type_ in ("ORG", "NORP", "GPE"):
        if owner or head.ent_type_ == "GPE" or _is_country(head, ctx):
            return "state"
    if kinds:
        for k in ("nonstate", "state", "aircraft", "protester", "civilian", "people", "military", "site"):
            if k in kinds:
                return k
    return None


def _is_country(tok: Token, ctx: DocContext) -> bool:
    return any(p.kind in ("country", "metonym") for p in ctx.facts_at("places", tok.idx))


def _owned_by_state(head: Token, ctx: DocContext) -> bool:
    """"Malian forces", "Myanmar's army", "government troops", "Ethiopian National Defense Force"."""
    dem = _demonyms(ctx.language)
    for c in head.children:
        if c.dep_ in ("amod", "compound", "poss", "nmod") and (c.lower_ in dem or _is_country(c, ctx)
                                                                or c.lower_ in ("government", "state", "federal", "national")):
            return True
    return False


@functools.lru_cache(maxsize=64)
def _profile_of(text: str, lang: str) -> dict[str, str]:
    """Named groups the document itself calls non-state ("the paramilitary X (XY)",
    "X militants", "X, a rebel group"): lower-cased name -> "nonstate"."""
    nonstate = sorted((t for t, k in _actors(lang).items() if k in ("nonstate", "irregular")), key=len, reverse=True)
    if not nonstate:
        return {}
    cue = "(?:" + "|".join(re.escape(t) for t in nonstate) + ")"
    name = r"((?:[A-Z][\w'’-]*\s+){0,4}[A-Z][\w'’-]*)"
    acr = r"(?:\s*\(([A-Z][\w-]{1,9})\))?"
    out: dict[str, str] = {}
    pats = [
        re.compile(r"(?i:\b" + cue + r")(?:\s+(?i:group|movement|force|forces|organi[sz]ation))?\s+" + name + acr),
        re.compile(name + acr + r"\s+(?i:" + cue + r")\b"),
        re.compile(name + acr + r",\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?i:" + cue + r")"),
    ]
    for pat in pats:
        for m in pat.finditer(text):
            for g in m.groups():
                if g and g.strip() and g.strip().lower() not in _actors(lang) and g.strip()[0].isupper():
                    n = g.strip().lower()
                    if n not in ("the", "a", "an") and n.split()[0] not in ("the", "a", "an"):
                        out[n] = "nonstate"
    return out


def _profile(ctx: DocContext) -> dict[str, str]:
    return _profile_of(ctx.text, ctx.language)


def _profile_re(ctx: DocContext) -> re.Pattern | None:
    """One pattern for every name of the profile (a word on each side): a match says some
    name is in a text, in one pass instead of one search per name."""
    got = ctx._cache.get("events.profile_re")
    if got is None:
        names = sorted(_profile(ctx), key=len, reverse=True)
        pat = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b") if names else None
        got = ctx._cache["events.profile_re"] = (pat,)
    return got[0]


def _args(tok: Token, roles: tuple[str, ...]) -> list[Token]:
    """The heads of a trigger's arguments: "agent" (who acts) or "patient" (who or what is hit)."""
    out: list[Token] = []
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children)
    for c in tok.children:
        if "agent" in roles:
            if c.dep_ == "nsubj" and not passive:
                out.append(c)
            if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
                out.extend(g for g in c.children if g.dep_ == "pobj")
            if tok.pos_ in ("NOUN", "PROPN") and c.dep_ in ("poss", "compound", "amod") and c.i < tok.i:
                out.append(c)
        if "patient" in roles:
            if c.dep_ in ("dobj", "nsubjpass", "attr"):
                out.append(c)
            if c.dep_ == "prep" and c.lower_ in ("on", "against", "at", "upon", "of", "into"):
                out.extend(g for g in c.children if g.dep_ == "pobj")
    if "agent" in roles and not out and tok.dep_ in ("conj", "advcl", "xcomp") and tok.head.pos_ == "VERB":
        out.extend(c for c in tok.head.children if c.dep_ == "nsubj")  # "... attacked X and killed Y"
    return out


def _kind(tokens: list[Token], ctx: DocContext) -> str | None:
    for t in tokens:
        k = _phrase_kind(t, ctx)
        if k:
            return k
    return None


# ---------------------------------------------------------------- typing by the words' needs


def _battle_sub(tok: Token, sent: Span, ctx: DocContext) -> str:
    """A battle in which the ground changed hands is typed by who took it; "forced them to
    surrender" says nothing of who that was."""
    if not _territory_told(sent, ctx):
        return CLASH
    agents = _args(tok, ("agent",))
    agent = _kind(agents, ctx)
    if agent == "state":
        here = [p.country for p in ctx.facts_in("places", sent.start_char, sent.end_char)
                if p.kind not in ("demonym", "metonym", "country") and p.country]
        return NSA if _foreign(agents, here, ctx) else GRT
    if agent == "nonstate":
        return NSA
    return CLASH


def _territory_told(sent: Span, ctx: DocContext) -> bool:
    """The sentence says ground changed hands: a territory cue that is not an aim ("fought to
    take control of X", "se battent pour prendre le contrôle de X")."""
    pat = _cue_re(ctx.language, "territory")
    if pat is None:
        return False
    if ctx.language != "en":   # cues by lemma too ("erobert" for "eroberten")
        terms = _cues(ctx.language, "territory")
        if any(set(_forms(t)) & terms and not _purpose(ctx, sent, t.i, t) for t in sent):
            return True
    for m in pat.finditer(sent.text):
        span = sent.doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(), alignment_mode="expand")
        if span is None or len(span) == 0:
            return True
        if not _purpose(ctx, sent, span[0].i, span[0]):
            return True
    return False


def _actor_country(tokens: list[Token], ctx: DocContext) -> str | None:
    dem = lexicon.table("demonyms", ctx.language)
    for t in tokens:
        for x in t.subtree:
            row = dem.get(x.lower_)
            if row is not None and row.country:
                return row.country
            for p in ctx.facts_at("places", x.idx):
                if p.kind in ("country", "metonym") and p.country:
                    return p.country
    return None


def _foreign(agents: list[Token], countries: list[str], ctx: DocContext) -> bool:
    """A state's force taking ground in another country overtakes it (ACLED codes a foreign
    state as it codes a non-state group); in its own, it regains it."""
    own = _actor_country(agents, ctx)
    return bool(own and countries and all(c != own for c in countries))


_TERRITORY_NOUNS = {"city", "town", "village", "base", "territory", "area", "region", "headquarters", "airport",
                    "district", "province", "capital", "garrison", "positions", "stronghold", "outskirts", "hill",
                    "bridge", "port", "border", "crossing", "division", "camp", "state", "county", "locality"}


def _named_place(t: Token, ctx: DocContext) -> bool:
    return any(p.kind not in ("facility", "demonym") for p in ctx.facts_at("places", t.idx))


def _is_place_token(t: Token, ctx: DocContext) -> bool:
    if any(p.kind not in ("demonym", "metonym") for p in ctx.facts_at("places", t.idx)):
        return True
    return t.lemma_.lower() in _TERRITORY_NOUNS or t.lower_ in _TERRITORY_NOUNS


def _territory_type(tok: Token, sent: Span, ctx: DocContext, default: str, need_object: bool = True):
    """Ground taken: by a state's force -> Government regains territory; by a non-state group
    -> Non-state actor overtakes territory; who took it unsaid -> the word's own leaning."""
    lemma = tok.lemma_.lower()
    if lemma == "fall":
        # "the town fell to the rebels", "the fall of the town"
        objs = [c for c in tok.children if c.dep_ in ("nsubj",)]
        objs += [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children]
        agents = [g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("to", "into") for g in c.children]
        if not any(_is_place_token(o, ctx) for o in objs):
            return None
    else:
        objs = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
        objs += [g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("of", "over") for g in c.children]
        if need_object and not any(_is_place_token(o, ctx) or any(_is_place_token(x, ctx) for x in o.subtree)
                                   for o in objs):
            return None
        agents = _args(tok, ("agent",))
    kind = _kind(agents, ctx)
    if kind is None and not agents:
        kind = _sentence_side(sent, ctx)
    if kind == "state":
        where = [p.country for o in objs for x in o.subtree for p in ctx.facts_at("places", x.idx)
                 if p.kind not in ("demonym", "metonym") and p.country]
        return BATTLE, NSA if _foreign(agents, where, ctx) else GRT
    if kind == "nonstate":
        return BATTLE, NSA
    return BATTLE, default


def _sentence_side(sent: Span, ctx: DocContext) -> str | None:
    """The one side of the fighting a sentence names, if only one."""
    kinds = set()
    for t in sent:
        if t.pos_ in ("NOUN", "PROPN"):
            k = _phrase_kind(t, ctx) if t.dep_ not in ("compound", "amod") else None
            if k in ("state", "nonstate"):
                kinds.add(k)
    return kinds.pop() if len(kinds) == 1 else None


def _target_type(tok: Token, sent: Span, ctx: DocContext, row) -> tuple[str, str] | None:
    """"attacked civilians" is violence against civilians, "struck army positions" a battle,
    "a strike on the station" a strike from afar."""
    lemma = tok.lemma_.lower()
    remote_word = row.event_type == REMOTE
    patients = _args(tok, ("patient",))
    if not remote_word and patients and all(_named_place(t, ctx) for t in patients):
        return None  # "attacked Mogadishu": a campaign against a place, not one incident
    target = _kind(patients, ctx)
    agent = _kind(_args(tok, ("agent",)), ctx)
    if remote_word:
        if tok.pos_ == "VERB" and agent in ("state", "nonstate", "armed") and target in ("state", "nonstate", "armed",
                                                                                        "military"):
            return BATTLE, _battle_sub(tok, sent, ctx)   # "forces struck enemy forces"
        if tok.pos_ == "VERB" and agent is None and target is None:
            return None
        if tok.pos_ != "VERB" and target is None and not _specific(tok):
            return None  # "strikes extended across the territory"
        if tok.pos_ == "VERB" and agent in ("state", "nonstate", "armed") and target in ("civilian", "people"):
            return VAC, "Attack"
        return REMOTE, _weapon_sub(sent, ctx, AIR)
    if target in ("civilian", "people", "site"):
        if agent == "mob":
            return RIOT, "Mob violence"
        return VAC, "Attack"
    if target in ("state", "nonstate", "armed", "military"):
        return BATTLE, _battle_sub(tok, sent, ctx)
    return None


def _weapon_sub(sent: Span, ctx: DocContext, default: str) -> str:
    """A strike typed by the weapons the sentence names, else the report's."""
    for text in (sent.text, None):
        if text is None:  # the whole report: counted once per document
            air, shell = ctx._cache.get("events.weapons") or ctx._cache.setdefault("events.weapons", _weapon_counts(
                ctx.text, ctx.language))
        else:
            air, shell = _weapon_counts(text, ctx.language)
        if shell > air:
            return SHELL
        if air > shell:
            return AIR
    return default


def _weapon_counts(text: str, lang: str) -> tuple[int, int]:
    """How many times a text names air weapons and shells."""
    air = len(_cue_re(lang, "air_weapon").findall(text)) if _cue_re(lang, "air_weapon") else 0
    shell = len(_cue_re(lang, "shell_weapon").findall(text)) if _cue_re(lang, "shell_weapon") else 0
    return air, shell


def _specific(tok: Token) -> bool:
    """A noun that names one happening: with a determiner, a number, an owner or a modifier
    ("the strike", "a strike", "Russian strikes", "Friday's strike"), not a bare plural."""
    return any(c.dep_ in ("det", "nummod", "poss", "compound", "amod") for c in tok.children) \
        or tok.tag_ not in ("NNS", "NNPS")


def _victim_type(tok: Token, ctx: DocContext) -> tuple[str, str] | None:
    """Killing typed by who was killed and by whom."""
    victims = _args(tok, ("patient",))
    victim = _kind(victims, ctx)
    agents = _args(tok, ("agent",))
    agent = _kind(agents, ctx)
    if agents and agent is None:
        return None  # "hunger and disease are killing civilians"
    if victim == "protester":
        return PROTEST, "Excessive force against protesters"
    if victim in ("state", "nonstate", "armed"):
        return (BATTLE, CLASH) if agent in ("state", "nonstate", "armed") else None
    if agent == "mob":
        return RIOT, "Mob violence"
    if victim == "civilian":
        return VAC, "Attack"
    if victim in ("people", "site") and agent in ("state", "nonstate", "armed"):
        return VAC, "Attack"
    return None


def _detain_type(tok: Token, sent: Span, ctx: DocContext) -> tuple[str, str]:
    """A state's force arrests; a non-state group that seizes people abducts them."""
    agent = _kind(_args(tok, ("agent",)), ctx)
    if agent is None:
        agent = _sentence_side(sent, ctx)
    if agent == "nonstate":
        return VAC, "Abduction/forced disappearance"
    return STRAT, "Arrests"


def _bomb_type(tok: Token, sent: Span, ctx: DocContext) -> tuple[str, str]:
    agent = _kind(_args(tok, ("agent",)), ctx)
    if agent in ("aircraft", "state") or _cue_in(ctx.language, "air_weapon", sent.text):
        return REMOTE, AIR
    return REMOTE, IED


def _protest_type(sent: Span, ctx: DocContext) -> tuple[str, str]:
    text = sent.text
    for t in sent:
        if t.lemma_.lower() in ("kill", "shoot") and _kind(_args(t, ("patient",)), ctx) == "protester":
            return PROTEST, "Excessive force against protesters"
    if _cue_in(ctx.language, "excessive_force", text):
        return PROTEST, "Excessive force against protesters"
    if _cue_in(ctx.language, "violent_protest", text):
        return RIOT, "Violent demonstration"
    if _cue_in(ctx.language, "intervention", text):
        return PROTEST, "Protest with intervention"
    return PROTEST, "Peaceful protest"


def _weapon_used(tok: Token, ctx: DocContext) -> bool:
    """A weapon named as used ("drones struck", "fired rockets", "a missile strike"), not as equipment."""
    use = _cues(ctx.language, "attack_use")
    trig = _triggers(ctx.language)
    near = [tok.head, *tok.children]
    if tok.head.dep_ == "prep":
        near.append(tok.head.head)       # "hit by rockets", "attack with drones"
    for c in tok.children:
        if c.dep_ == "prep":
            near.extend(c.children)
    for n in near:
        lem = n.lemma_.lower()
        if n is tok:
            continue
        if lem in use or (lem in trig and trig[lem].event_type in VIOLENT and n.pos_ == "NOUN"):
            return True
    return False


def _flight_type(tok: Token, sent: Span, ctx: DocContext) -> tuple[str, str] | None:
    """A mass flight: many people leaving (a count, or a plural of civilians), not one family."""
    if tok.lemma_.lower() in ("exodus",):
        return STRAT, "Other"
    movers = _args(tok, ("agent", "patient"))
    movers += [c for c in tok.children if c.dep_ == "nsubj"]
    many = False
    for m in movers:
        words = {t.lower_ for t in m.subtree}
        if ctx.facts_in("figures", m.left_edge.idx, m.right_edge.idx + len(m.right_edge.text) + 1) or words & {"thousands", "hundreds", "tens", "millions", "families"}:
            many = True
        if m.tag_ in ("NNS", "NNPS") and _kinds_of_token(m, ctx) & {"civilian", "people"}:
            many = True
        if any(t.like_num for t in m.subtree):
            many = True
    if tok.pos_ == "NOUN" and any(f.category in ("displaced", "evacuated", "arrived")
                                  for f in ctx.facts_in("figures", sent.start_char, sent.end_char)):
        many = True
    return (STRAT, "Other") if many else None


# ---------------------------------------------------------------- triggers in a sentence


def _find(sent: Span, ctx: DocContext) -> list[tuple[Token | Span, str, str, bool]]:
    """(trigger, event type, sub-event type, weak) for each trigger in the sentence."""
    if ctx.language != "en":
        return _find_general(sent, ctx)
    hits: list[tuple[Token | Span, str, str, bool]] = []
    covered: set[int] = set()
    stext = sent.text
    for r in PHRASES:
        ctx.check()
        for m in r.pattern.finditer(stext):
            span = sent.doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(), alignment_mode="expand")
            if span is None or any(t.i in covered for t in span):
                continue
            typed = getattr(_Phrase, r.handler)(_Shift(m, sent.start_char), sent, span.root, ctx)
            covered.update(t.i for t in span)
            if typed:
                hits.append((span, *typed, r.handler in ("disrupted", "shot")))
    trig = _triggers(ctx.language)
    for tok in sent:
        if tok.i in covered:
            continue
        ctx.check()
        row = trig.get(tok.lemma_.lower()) or trig.get(tok.lower_)
        if row is None:
            continue
        pos = "NOUN" if tok.pos_ == "PROPN" and tok.is_sent_start else tok.pos_
        if row.pos != "*" and pos not in row.pos.split(",") and not (tok.lower_ in trig and trig[tok.lower_].pos == "*"):
            continue
        if tok.dep_ == "amod" and tok.tag_ in ("VBG", "VBN", "JJ"):  # "surrounding territories", "the besieged city"
            continue
        if tok.dep_ == "compound" and row.needs in ("-", "flight") and row.event_type == STRAT:
            continue  # "siege conditions", "evacuation routes": a qualifier, not a happening
        typed = _typed(tok, sent, ctx, row)
        if typed:
            hits.append((tok, *typed, row.weak == "yes"))
    strong = [h for h in hits if not h[3] and h[1] in VIOLENT]
    if strong:
        # a weak word yields to a strong one ("bombed a market, killing 12"), unless it names a
        # happening of its own ("while a separate attack on a church ...")
        hits = [h for h in hits if not h[3] or h[1] not in VIOLENT and h[1] != STRAT or _distinct(h[0], ctx)]
    elif any(not h[3] for h in hits):
        hits = [h for h in hits if not h[3] or h[2] != "Disrupted weapons use"]
    return hits


def _distinct(trig, ctx: DocContext) -> bool:
    tok = _head(trig)
    words = _cues(ctx.language, "distinct")
    return tok.pos_ == "NOUN" and any(c.lower_ in words for c in tok.children if c.dep_ in ("amod", "det"))


class _Shift:
    """A match of a pattern run on the sentence text, with offsets in the document."""

    def __init__(self, m: re.Match, base: int):
        self._m, self._base = m, base

    def start(self) -> int:
        return self._base + self._m.start()

    def end(self) -> int:
        return self._base + self._m.end()

    def group(self, *a):
        return self._m.group(*a)


def _typed(tok: Token, sent: Span, ctx: DocContext, row) -> tuple[str, str] | None:
    needs = row.needs
    etype, sub = row.event_type, row.sub_event_type
    if _umbrella(tok, ctx):
        return None
    if needs == "weapon":
        if tok.pos_ == "VERB" and tok.lemma_.lower() == "rocket":
            return None  # "prices rocketed"
        if not _weapon_used(tok, ctx):
            return None
        return etype, sub
    if needs == "target":
        return _target_type(tok, sent, ctx, row)
    if needs == "victim":
        return _victim_type(tok, ctx)
    if needs == "territory":
        return _territory_type(tok, sent, ctx, sub)
    if needs == "detain":
        return _detain_type(tok, sent, ctx)
    if needs == "bomb":
        return _bomb_type(tok, sent, ctx)
    if needs == "blast":
        # blasts amid missiles and shells: the weapons named in the sentence or its paragraph
        para = _paragraph(ctx, sent)
        if etype == STRAT and (_cue_in(ctx.language, "shell_weapon", para) or _cue_in(ctx.language, "air_weapon", para)):
            return REMOTE, _weapon_sub(sent, ctx, SHELL)
        return etype, sub
    if needs == "flight":
        return _flight_type(tok, sent, ctx)
    if needs == "protest":
        return _protest_type(sent, ctx)
    if etype == BATTLE and sub == CLASH:
        return BATTLE, _battle_sub(tok, sent, ctx)
    return etype, sub


def _umbrella(tok: Token, ctx: DocContext) -> bool:
    """"fighting a war", "the war has killed thousands": a war, not one incident."""
    umb = _cues(ctx.language, "umbrella")
    heads = [tok]
    if tok.dep_ in ("conj", "xcomp") and tok.head.pos_ in ("VERB", "AUX"):
        heads.append(tok.head)
    for h in heads:
        for c in h.children:
            if c.dep_ in ("nsubj", "dobj", "nsubjpass") and c.lemma_.lower() in umb:
                return True
    return False


# ---------------------------------------------------------------- stance


def _head(trig: Token | Span) -> Token:
    return trig.root if isinstance(trig, Span) else trig


def _stance(trig: Token | Span, sent: Span, ctx: DocContext) -> str | None:
    """asserted / denied / unconfirmed / claimed, or None for threats, plans and negations."""
    lang = ctx.language
    tok = _head(trig)
    if any(c.dep_ == "neg" for c in tok.children):
        return None
    gov = tok.head.head if tok.dep_ == "pobj" else tok.head
    if tok.dep_ in ("dobj", "pobj", "nsubjpass", "attr") and any(c.dep_ == "neg" for c in gov.children):
        return None  # "did not launch an attack"
    chain = [tok, *tok.ancestors]
    for t in chain[:3]:
        for c in t.children:
            if c.dep_ == "mark" and c.lower_ in _cues(lang, "irrealis_mark") and \
                    (c.lower_ not in ("before", "until") or t.tag_ in ("VBZ", "VBP", "MD")):
                return None  # "before fighting intensifies", "if the town falls"
    if _purpose(ctx, sent, tok.i, tok):
        return None  # "have fought for two years to seize X": an aim, not a happening
    habitual = _cues(lang, "habitual")
    if any(c.lower_ in habitual for t in (tok, tok.head) for c in t.children):
        return None  # "fired daily rocket barrages": a pattern, not an incident
    if any(a.lemma_.lower() in _cues(lang, "modal") for t in chain[:2] for a in t.children if a.dep_ == "aux"):
        return None
    lemmas = {t.lemma_.lower() for t in chain}
    irrealis = _cues(lang, "irrealis")
    if lemmas & irrealis or (tok.dep_ in ("pobj", "dobj") and tok.head.lemma_.lower() in irrealis):
        return None
    if tok.dep_ == "pobj" and f"{tok.head.head.lemma_.lower()} {tok.head.lower_}" in irrealis:
        return None  # "calling for a ceasefire"
    if lemmas & _cues(lang, "deny"):
        return "denied"
    if _cue_in(lang, "hedge", sent.text):
        return "unconfirmed"
    if lemmas & _cues(lang, "claim"):
        return "claimed"
    return "asserted"


# ---------------------------------------------------------------- the extractor


_DENIAL_OF = re.compile(r"\b(?:denied|denies|deny|rejected|refuted|dismissed)\b.{0,60}\b(?:the|this|that) "
                        r"(?:attack|strike|shelling|killing|massacre|incident|blast|explosion|report|claims?)\b", re.I)
_ANAPHOR = re.compile(r"\b(?:the|that|this) (?:blast|explosion|attack|strike|shelling|bombardment|"
                      r"fighting|offensive|assault|clashes|violence|massacre)\b|\bfatalities\b", re.I)
_DEFINITE = {"the", "this", "that", "its"}


def extract(ctx: DocContext) -> list[EventMention]:
    out: list[EventMention] = []
    info: dict[int, dict] = {}            # id(mention) -> what frames need to know
    main = _main_place(ctx.places)
    last_date: TimeExpr | None = None
    sents = ctx.sentences()
    prev_end = 0
    para = 0
    para_of: list[int] = []
    for sent in sents:
        if "\n" in ctx.text[prev_end:sent.start_char + 1]:
            para += 1
        para_of.append(para)
        prev_end = sent.start_char + len(sent.text.rstrip())
    hits_of = [_find(sent, ctx) for sent in sents]
    for i, sent in enumerate(sents):
        ctx.check()
        if i and para_of[i] != para_of[i - 1]:
            last_date = None  # a new paragraph: the narrative date no longer holds
        here = [d for d in ctx.facts_in("dates", sent.start_char, sent.end_char)
                if d.precision not in ("year", "decade") and not _dateline(ctx, d)]
        told = [d for d in here if _about_speech(ctx, d)]
        s_dates = [d for d in here if d not in told]
        nearby = [sents[j] for j in (i - 1, i + 1) if 0 <= j < len(sents) and para_of[j] == para_of[i]]
        found: dict[str, EventMention] = {}
        hits = hits_of[i]
        denied_prev = None
        if not hits and out and _DENIAL_OF.search(sent.text):
            # "X denied responsibility for the attack": a denial of what was just reported
            denied_prev = out[-1]
            hits = [(t, denied_prev.event_type, denied_prev.sub_event_type, False) for t in sent
                    if t.lemma_.lower() in _cues(ctx.language, "deny")][:1]
        separate = bool(_cue_in(ctx.language, "separate", sent.text[:40]))
        if hits and _generic_subject(sent, ctx):
            hits = []   # "whoever kills our children ...": a maxim, not a happening
        for trig, etype, sub, _weak in hits:
            stance = _stance(trig, sent, ctx) if ctx.language == "en" else _stance_general(trig, sent, ctx)
            if stance is None:
                continue
            mention, meta = _mention(ctx, sent, trig, etype, sub, stance, s_dates, told, last_date, main, nearby)
            if mention is None:
                continue
            meta["separate"] = separate
            meta["anaphor"] = _anaphoric(trig)
            if denied_prev is None and not s_dates and (meta["anaphor"] or stance == "denied") \
                    and (ante := _antecedent(out, etype, mention.trigger)):
                denied_prev = ante  # "the blockade", "denied that they shelled": the one reported before
            if denied_prev is not None:
                for f in ("place", "country", "lat", "lon", "geo_precision", "date_start", "date_end",
                          "date_precision", "label"):
                    setattr(mention, f, getattr(denied_prev, f))
                mention.site = mention.site or denied_prev.site
                mention.target = mention.target or denied_prev.target
                meta.update(info.get(id(denied_prev), {}), anaphor=True, separate=False)
            prev = found.get(etype)
            if prev is None or _rank(mention) > _rank(prev):
                found[etype] = mention
                info[id(mention)] = meta
        _sentence_tolls(ctx, sent, list(found.values()), info,
                        [(s, bool(h)) for s, h in zip(sents[i + 1:i + 3], hits_of[i + 1:i + 3])])
        for m in found.values():
            out.append(m)
            for clone in _coordinated(ctx, m, sent):
                info[id(clone)] = {**info[id(m)], "own_place": True, "coordinated": True}
                out.append(clone)
        narrative = [d for d in s_dates if _narrative_date(ctx, d)]
        if narrative:
            last_date = narrative[-1]
    frames(out, info, ctx.check)
    out = _one_per_happening(out, info)
    # a mention that names neither where nor when ("hundreds were abducted") is kept in every
    # language, as in English: it takes the report's place and narrative date, and fusion
    # joins it to the incident of its type there (dropping such mentions outside English cost
    # the incidents of abductions, sexual violence and killings told without a place name)
    return [m for m in out if not _long(m)]


def _generic_subject(sent: Span, ctx: DocContext) -> bool:
    """A sentence that opens on "whoever", "quiconque", "wer", "кто" (event_cues
    generic_subject rows) says what anyone who does it is, or asks who did: no incident."""
    first = next((t for t in sent if not t.is_punct and not t.is_space), None)
    return first is not None and first.lower_ in _cues(ctx.language, "generic_subject")


def _one_per_happening(out: list[EventMention], info: dict[int, dict]) -> list[EventMention]:
    """One mention a happening a sentence: two triggers of one sentence that their frame gave
    the same type, place and dates ("an explosive device exploded in the market") are one
    mention, the one that says most (placed, with its toll, the word that typed it rather
    than the blast)."""
    best: dict[tuple, EventMention] = {}
    for m in out:
        key = (m.sentence, m.event_type, m.sub_event_type, m.place, m.date_start, m.date_end)
        cur = best.get(key)
        if cur is None or _rank(m) + (not info.get(id(m), {}).get("blast"),) > \
                _rank(cur) + (not info.get(id(cur), {}).get("blast"),):
            best[key] = m
    keep = {id(m) for m in best.values()}
    return [m for m in out if id(m) in keep]


def _long(m: EventMention) -> bool:
    """A range of months is a war or a campaign, not one incident (a siege, a blockade or a
    flight may last that long)."""
    if m.date_start is None or m.date_end is None or (m.event_type == STRAT and m.sub_event_type == "Other"):
        return False
    return (m.date_end - m.date_start).days > _LONG_DAYS


def _dateline(ctx: DocContext, d: TimeExpr) -> bool:
    """A date heading the text ("date 2024-05-15" on the first line) is when it was published."""
    return d.start < 25 and "\n" not in ctx.text[:d.start].strip() and bool(re.fullmatch(r"\d{4}-\d\d-\d\d", d.surface))


def _mention(ctx: DocContext, sent: Span, trig, etype: str, sub: str, stance: str,
             s_dates: list[TimeExpr], told: list[TimeExpr], last_date: TimeExpr | None, main: Place | None,
             nearby: list[Span]) -> tuple[EventMention | None, dict]:
    tok = _head(trig)
    if _time_reference(tok, ctx) or _of_a_place(ctx, tok, sub):
        return None, {}
    s_dates = [d for d in s_dates if ";" not in ctx.text[min(d.start, tok.idx):max(d.start, tok.idx)]]
    told = [d for d in told if ";" not in ctx.text[min(d.start, tok.idx):max(d.start, tok.idx)]]
    other = [d for d in s_dates if _date_of_another_verb(ctx, d, tok)]
    s_dates, told = [d for d in s_dates if d not in other], told + other
    own = _nearest(s_dates, tok.idx)
    when = own or last_date
    d0, d1, prec = _when(ctx, when)
    if own is None and told:
        # "officials said on Wednesday that ...": on or before the telling
        t = _nearest(told, tok.idx)
        if last_date is None or last_date.date_end > t.date_end:
            d0, d1, prec = t.date_end - timedelta(days=6), t.date_end, "week"
    if d1 and ctx.published and (ctx.published - d1).days > _HISTORY_DAYS:
        return None, {}  # background history, not a current incident
    place, gprec, own_place = _where(ctx, sent, tok, main, nearby)
    trig_text = trig.text if isinstance(trig, Span) else tok.text
    if ctx.language == "en":
        site, target = _site(tok, ctx), _target(tok, ctx)
        actors, aliases = _sentence_actors(ctx, sent, tok, place.country if place else None)
    else:   # a label and a site are named in English: left to the English reports of it
        site, target = None, None
        actors, aliases = _sentence_actors_general(ctx, sent, trig, place.country if place else None), []
    m = EventMention(
        start=tok.idx, end=tok.idx + len(tok.text), sentence=ctx.sentence_text(sent), trigger=trig_text,
        event_type=etype, sub_event_type=sub, label="", actors="; ".join(a for a, _ in actors),
        actor_types="; ".join(c for _, c in actors), actor_aliases="|".join(aliases),
        place=place.name if place else None, country=place.country if place else None,
        lat=place.lat if place else None, lon=place.lon if place else None, geo_precision=gprec,
        date_start=d0, date_end=d1, date_precision=prec, stance=stance, site=site, target=target)
    m.label = mention_label(m, ctx.language)
    meta = {"own_date": own is not None, "own_place": own_place, "kind": place.kind if place else None,
            "new": own is not None and own_place and tok.pos_ == "NOUN" and any(
                c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.children),
            "blast": blast_word(tok.lemma_, ctx.language) or blast_word(tok.text, ctx.language),
            "site": site if ctx.language == "en" else _site_general(trig, sent, ctx),
            "generic": _generic(tok), "tok": tok}
    return m, meta


def _site_general(trig, sent: Span, ctx: DocContext) -> str | None:
    """The word of the site hit ("вокзал", "hôpital"), in the report's language: two
    mentions of one report that hit the same site are one happening (gunmen "stormed the
    depot" after the shelling of that depot). Kept for framing within the report only (a
    mention's ``site`` is named in English)."""
    table = _actors(ctx.language)
    # "город", "ville": the town, not a site in it
    towns = lexicon.terms("place_words", ctx.language, role="settlement_cue") | \
        lexicon.terms("place_words", ctx.language, role="region_cue")
    head = _head(trig)
    # what the trigger's own words hit, else the site its sentence names nearest to it (a
    # weapon's trigger, "struck the hospital with missiles", has no patient of its own)
    near = sorted(sent, key=lambda t: abs(t.i - head.i))
    for t in [*_side_tokens(trig, sent, "patient"), *near]:
        forms = _forms(t)
        if towns & set(forms):
            continue
        for f in forms:
            if table.get(f) == "site":
                return f
    return None


def _generic(tok: Token) -> bool:
    """"bombing its towns and farms", "airstrikes on towns": many places, not one."""
    pats = _args(tok, ("patient",))
    if tok.pos_ == "NOUN" and tok.tag_ == "NNS" and not _specific(tok):
        return True
    return bool(pats) and all(p.tag_ == "NNS" and not any(c.dep_ in ("det", "nummod") for c in p.children)
                              for p in pats)


def _site(tok: Token, ctx: DocContext) -> str | None:
    """The kind of place hit ("hospital", "church", "market"), to tell two happenings apart."""
    cands = _args(tok, ("patient",))
    holders = [tok]
    if tok.dep_ in ("nsubj", "nsubjpass", "dobj", "compound") and tok.head.pos_ in ("VERB", "NOUN"):
        holders.append(tok.head)
        cands += _args(tok.head, ("patient",))
    # what was hit, and the nouns inside it ("a church housing displaced families"), before
    # where it was: a strike *near* a hospital did not hit the hospital
    cands = cands + [t for c in cands for t in islice(c.subtree, 12) if t.pos_ == "NOUN" and t is not c]
    for h in holders:
        cands += [g for c in h.children if c.dep_ == "prep" and c.lower_ in ("at", "in", "on", "inside")
                  for g in c.children if g.dep_ == "pobj"]
    table = _actors(ctx.language)
    for c in cands:
        lem = c.lemma_.lower()
        if table.get(lem) in ("site", "military") and lem not in ("city", "town", "village", "home", "house"):
            return lem
    return None


def _about_speech(ctx: DocContext, d: TimeExpr) -> bool:
    """"..., officials said on Wednesday": the date of the telling, not of the event."""
    span = ctx.doc.char_span(d.start, d.end, alignment_mode="expand")
    if span is None:
        return False
    for tok in span.root.ancestors:
        if tok.pos_ in ("VERB", "AUX"):
            return tok.lemma_.lower() in _cues(ctx.language, "speech")
    return False


def _narrative_date(ctx: DocContext, d: TimeExpr) -> bool:
    """A date that moves the narrative on: of a happening, not of a telling or a blaming."""
    span = ctx.doc.char_span(d.start, d.end, alignment_mode="expand")
    if span is None:
        return True
    verb = next((a for a in span.root.ancestors if a.pos_ in ("VERB", "AUX")), None)
    if verb is None:
        return True
    lem = verb.lemma_.lower()
    return lem in _triggers(ctx.language) or lem in _cues(ctx.language, "attack_use") \
        or lem in _cues(ctx.language, "happen") or lem in ("be", "have")


def _date_of_another_verb(ctx: DocContext, d: TimeExpr, tok: Token) -> bool:
    """"The army blamed a misfired rocket for the blast on Wednesday": the date is the
    blaming's; the blast was before it. Only for a noun mention under a verb that is not
    itself a happening."""
    if tok.pos_ not in ("NOUN", "PROPN"):
        return False
    span = ctx.doc.char_span(d.start, d.end, alignment_mode="expand")
    if span is None:
        return False
    verb = None
    for a in span.root.ancestors:
        if a == tok:
            return False  # "the capture of the town on Sunday": the capture's own date
        if a.pos_ in ("VERB", "AUX"):
            verb = a
            break
    if verb is None or verb not in list(tok.ancestors):
        return False
    if tok.head.head == verb and tok.head.lower_ in _cues(ctx.language, "just_after"):
        return False  # "the buses were halted on Thursday following a drone strike": the strike's day too
    lem = verb.lemma_.lower()
    return lem not in _triggers(ctx.language) and lem not in _cues(ctx.language, "attack_use") \
        and lem not in _cues(ctx.language, "happen") and lem not in ("be", "have")


def _nearest(dates: list[TimeExpr], pos: int) -> TimeExpr | None:
    return min(dates, key=lambda d: abs(d.start - pos)) if dates else None


def _when(ctx: DocContext, t: TimeExpr | None) -> tuple[date | None, date | None, str]:
    if t is not None:
        start, end = t.date_start, t.date_end
        if re.match(r"(?i)(?:since|from|starting)\b", t.surface):
            end = max(end, ctx.published or end)  # "since June": from then until the report
        span = (end - start).days
        prec = "day" if span == 0 else "week" if span <= 8 else "month" if span <= 31 else "year"
        return start, end, prec
    if ctx.published:  # an undated report of something recent: within the week before publication
        return ctx.published - timedelta(days=7), ctx.published, "week"
    return None, None, "week"


def _paragraph(ctx: DocContext, sent: Span) -> str:
    """The sentence's paragraph, or as much of it as _PARA_WINDOW characters each side."""
    lo, hi = max(0, sent.start_char - _PARA_WINDOW), min(len(ctx.text), sent.end_char + _PARA_WINDOW)
    a = max(ctx.text.rfind("\n", lo, sent.start_char) + 1, lo)
    b = ctx.text.find("\n", sent.end_char, hi)
    return ctx.text[a:b if b >= 0 else hi]


_PARA_WINDOW = 5000


def _time_reference(tok: Token, ctx: DocContext) -> bool:
    """"in the weeks preceding the offensive", "after the blast": a time reference, not a report."""
    if any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.children):
        return False  # "killed during a battle", "after a two-week siege": a happening named anew
    return tok.dep_ in ("pobj", "dobj", "pcomp") and tok.head.lower_ in _cues(ctx.language, "time_head") \
        and (tok.pos_ == "NOUN" or tok.dep_ == "pcomp")


def _of_a_place(ctx: DocContext, tok: Token, sub: str) -> bool:
    """"the dissolution of Czechoslovakia": a state's history, not a group's change of activity."""
    if sub != "Change to group/activity":
        return False
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            for o in c.children:
                if ctx.facts_at("places", o.idx):
                    return True
    return False


def _anaphoric(trig) -> bool:
    tok = _head(trig)
    return tok.pos_ == "NOUN" and any(c.dep_ in ("det", "poss") and c.lower_ in _DEFINITE for c in tok.children)


def _antecedent(out: list[EventMention], etype: str, trigger: str = "") -> EventMention | None:
    """The mention a definite one ("the blast", "the attack") refers back to: the nearest
    earlier one of its type, or of a family it may name (``event_families.tsv``: "the
    blast" may be the strike reported before)."""
    row = coref.family_of(trigger) if trigger else None
    refs = set(row.refers_to.split()) if row is not None else set()
    for m in reversed(out[-6:]):
        if m.event_type == etype:
            return m
        fam = coref.family(m.trigger)
        if refs and (fam in refs or ("*" in refs and m.event_type in VIOLENT)):
            return m
    return None


def _coordinated(ctx: DocContext, m: EventMention, sent: Span) -> list[EventMention]:
    """"the towns of A and B are surrounded": one mention per place."""
    here = [p for p in ctx.facts_in("places", sent.start_char, sent.end_char) if p.kind == "settlement"]
    out = []
    for a, b in zip(here, here[1:]):
        if re.fullmatch(r"\s*(?:,|and|, and)\s*", ctx.text[a.end:b.start]):
            other = b if a.name == m.place else a if b.name == m.place else None
            if other is not None and other.name != m.place:
                clone = EventMention(**{**m.__dict__})
                clone.place, clone.country, clone.lat, clone.lon = other.name, other.country, other.lat, other.lon
                clone.geo_precision = "point" if other.precision == "point" else "near"
                clone.label = mention_label(clone)
                out.append(clone)
    return out


_SPECIFIC = {"facility": 0, "settlement": 1, "route": 2, "other": 2, "water": 3, "region": 4, "country": 5}
_POINTLIKE = ("settlement", "facility", "other", "route")


def _where(ctx: DocContext, sent: Span, tok: Token, main: Place | None,
           nearby: list[Span] = ()) -> tuple[Place | None, str, bool]:
    """The place, its precision, and whether the sentence itself names it."""
    def located(s: Span) -> list[Place]:
        found = [p for p in ctx.facts_in("places", s.start_char, s.end_char) if p.lat is not None
                 and p.kind not in ("demonym", "metonym")
                 and not (p.gazetteer_id or "").startswith("continent:")]   # no incident is placed at a continent
        # where people fled *to* is not where it happened
        return [p for p in found if not _is_destination(ctx, p, tok)]

    here = located(sent)
    own = any(p.kind != "country" for p in here)
    if not own:
        ref = _facility_referred(ctx, sent, tok)
        if ref is not None:
            return ref, _precision(ref), True
        if main is not None and main.kind in _POINTLIKE and _place_anaphor(sent, ctx):
            return main, _precision(main), True       # "the city's central market"
        # the narrative's place: the sentence before or after, in the same paragraph
        for other in nearby:
            before = other.start < sent.start
            if not before and _cue_in(ctx.language, "separate", other.text[:40]):
                continue  # "Separately, ...": another happening's place
            near = located(other)
            cand = [p for p in near if p.kind in _POINTLIKE] or \
                ([p for p in near if p.kind == "region"] if before else [])
            if cand:
                here = cand[-1:] if before else cand[:1]
                break
        else:
            if main is not None and main.kind != "country" and here and all(p.country == main.country for p in here):
                here = []  # "in eastern Congo": the report's own area, inside that country
    if here:
        earlier = _earlier_happening(ctx, sent, tok)
        best = min(here, key=lambda p: (any(a <= p.start < b for a, b in earlier), _modifier(ctx, p),
                                        _SPECIFIC.get(p.kind, 3), abs(p.start - tok.idx)))
        return best, _precision(best), own
    return main, ("region" if main and main.kind != "country" else "country"), False


def _earlier_happening(ctx: DocContext, sent: Span, tok: Token) -> list[tuple[int, int]]:
    """Spans before the trigger that tell of something earlier ("After the strike on the market
    in Gao, hundreds protested in Bamako"; "Nach dem Angriff auf X protestierten ..."): from a
    time word (time_head cues) to the next comma or the trigger. A place in one is where that
    happened, not where this did."""
    pat = _cue_re(ctx.language, "time_head")
    if pat is None:
        return []
    text = ctx.text[sent.start_char:tok.idx]
    out = []
    for m in pat.finditer(text):
        comma = text.find(",", m.end())
        end = comma if comma >= 0 else len(text)
        out.append((sent.start_char + m.start(), sent.start_char + end))
    return out


def _modifier(ctx: DocContext, p: Place) -> bool:
    """A place name used to qualify something else ("the Caracas regime"), not where it happened."""
    span = ctx.doc.char_span(p.start, p.end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    if root.dep_ not in ("compound", "amod", "nmod"):
        return False
    head = root.head.lemma_.lower()
    return head not in _TERRITORY_NOUNS and _actors(ctx.language).get(head) not in ("site", "military")


def _place_anaphor(sent: Span, ctx: DocContext) -> bool:
    words = _cues(ctx.language, "place_anaphor")
    return any(t.lower_ in words and any(c.lower_ in _DEFINITE for c in t.children) for t in sent)


def _precision(p: Place) -> str:
    if p.kind == "country":
        return "country"
    if p.kind in _POINTLIKE:
        # a point; "near" for a facility placed at its town or a route; "admin" for a place
        # the gazetteer lacks, located at the centre of the area around it (a named place,
        # not an area: it is compared by its name)
        if p.kind == "route":
            return "near"
        return {"point": "point", "near": "near", "admin": "near"}.get(p.precision, "admin")
    return "region"


def _facility_referred(ctx: DocContext, sent: Span, tok: Token) -> Place | None:
    """"the hospital" in a sentence without a place: the hospital the report named before."""
    nouns = {t.lower_ for t in sent if t.pos_ == "NOUN" and any(c.lower_ in _DEFINITE for c in t.children)}
    if not nouns:
        return None
    # the last facility (in the places' order) named before the sentence with one of the
    # nouns among its words: looked up by word, not by a scan of every place
    index = _facility_words(ctx)
    best = -1
    for noun in nouns:
        got = index.get(noun)
        if got is not None:
            starts, latest = got
            k = bisect_left(starts, sent.start_char)
            if k:
                best = max(best, latest[k - 1])
    return ctx.places[best] if best >= 0 else None


def _facility_words(ctx: DocContext) -> dict[str, tuple[list[int], list[int]]]:
    """word -> (starts of the located facilities whose surface or name has it, sorted; the
    highest position in ctx.places among the first k of them, for each k)."""
    got = ctx._cache.get("events.facility_words")
    if got is not None and got[0] is ctx.places and got[1] == len(ctx.places):
        return got[2]
    by_word: dict[str, list[tuple[int, int]]] = {}
    for i, p in enumerate(ctx.places):
        if p.kind != "facility" or p.lat is None:
            continue
        for w in set(re.findall(r"\w+", (p.surface + " " + p.name).lower())):
            by_word.setdefault(w, []).append((p.start, i))
    index: dict[str, tuple[list[int], list[int]]] = {}
    for w, items in by_word.items():
        items.sort()
        latest, top = [], -1
        for _, i in items:
            top = max(top, i)
            latest.append(top)
        index[w] = ([a for a, _ in items], latest)
    ctx._cache["events.facility_words"] = (ctx.places, len(ctx.places), index)
    return index


def _is_destination(ctx: DocContext, p: Place, tok: Token) -> bool:
    """Where people went ("fled toward X", "ont fui vers X": event_cues destination), not
    where it happened; a march's goal is where the march is."""
    pat = _destination_re(ctx.language or "en")
    if pat is None or tok.lemma_ in ("march",):
        return False
    return pat.search(ctx.text[max(0, p.start - 30):p.start]) is not None


@functools.lru_cache(maxsize=None)
def _destination_re(lang: str) -> re.Pattern | None:
    words = _cues(lang, "destination")
    if not words:
        return None
    def alt(ws) -> str:
        return "|".join(re.escape(w).replace(r"\ ", r"\s+").replace("'", "['’]")
                        for w in sorted(ws, key=len, reverse=True))

    # the word, then at most a determiner before the name ("to the", "vers la", "nach der"):
    # entity_cues determiner rows, elided ones ("l'") glued to the name
    dets = lexicon.terms("entity_cues", lang, cue="determiner")
    det = r"(?:(?:" + alt(dets) + r")(?:\s+|(?<=['’])))?" if dets else ""
    return re.compile(r"(?:^|[^\w'’])(?:" + alt(words) + r")(?:\s+|(?<=['’]))" + det + "$", re.I)


def _main_place(places: list[Place]) -> Place | None:
    """The document's main area: the most mentioned sub-national region or settlement."""
    counts: dict[str, tuple[int, Place]] = {}
    for p in places:
        if p.lat is None or p.kind in ("country", "demonym", "metonym"):
            continue
        n, _ = counts.get(p.name, (0, p))
        counts[p.name] = (n + 1, p)
    if counts:
        return max(counts.values(), key=lambda t: (t[0], t[1].kind == "region"))[1]
    countries = [p for p in places if p.lat is not None and p.kind == "country"]
    return countries[0] if countries else None


# ---------------------------------------------------------------- actors, named as ACLED does

@functools.lru_cache(maxsize=None)
def _actor_table(lang: str) -> dict[str, object]:
    return lexicon.table("actor_types", lang) or lexicon.table("actor_types", "en")


@functools.lru_cache(maxsize=None)
def _actor_terms_re(lang: str) -> re.Pattern:
    terms = sorted(_actor_table(lang), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(t) for t in terms) + r")(?![\w-])", re.I)


_CONNECT = {"of", "for", "and", "the", "de", "du", "des", "la", "le", "el", "al", "pour", "et", "der", "die", "für"}
_ACRONYM = re.compile(r"\(\s*([A-Z][A-Za-z&-]{1,9})\s*\)")
_ACRONYM_FIRST = re.compile(r"\b([A-Z][A-Z&-]{1,8}),\s+(?:the|a|an)\s+([^,.;()]{3,60}?)(?=[,.;]|\s+(?:which|that|who)\b)")


def _initials_fit(words: list[str], acronym: str) -> bool:
    """"Rapid Defence Corps" for "RDC"; connecting words may be skipped ("Organization for
    Migration": "OM" or "OFM")."""
    letters = [c for c in acronym.lower() if c.isalpha()]
    initials = [w[0].lower() for w in words if w]
    if not letters or not initials or initials[0] != letters[0]:
        return False
    k = 0
    for w, ini in zip(words, initials):
        if k < len(letters) and ini == letters[k]:
            k += 1
        elif w.lower() not in _CONNECT:
            return False
    return k == len(letters)


def _definitions(ctx: DocContext) -> tuple[dict[str, str], dict[str, str]]:
    """What the report defines: (acronym -> full name, name -> the words that describe it):
    "the Rapid Defence Corps (RDC)", "RDC, the paramilitary group that ...". Once per report."""
    got = ctx._cache.get("events.definitions")
    if got is not None:
        return got
    text = ctx.text
    full: dict[str, str] = {}
    described: dict[str, str] = {}
    for m in _ACRONYM.finditer(text):
        acr = m.group(1)
        before = re.findall(r"[\w'’.-]+", text[max(0, m.start() - 120):m.start()])[-9:]
        for k in range(len(before) - 1, -1, -1):
            words = before[k:]
            if words[0][:1].isupper() and _initials_fit(words, acr):
                name = " ".join(words)
                full.setdefault(acr, name)
                after = re.findall(r"[\w'-]+", text[m.end():m.end() + 30])[:2]
                typed = [w for w in after[:2] if _cue_code(w, ctx.language)][:1] if after and after[0][:1].islower() \
                    else []   # "(ABC) militants", not "(ABC) attacked an army convoy"
                described.setdefault(name, " ".join(before[max(0, k - 3):k] + typed))
                break
    for m in _ACRONYM_FIRST.finditer(text):
        described.setdefault(full.get(m.group(1), m.group(1)), m.group(2))
    ctx._cache["events.definitions"] = (full, described)
    return full, described


def _country_name(cc: str | None) -> str | None:
    if not cc:
        return None
    from sitroom.extract import gazetteer
    e = gazetteer.gazetteer().country(cc)
    return e.name if e is not None else None


def _cue_code(text: str, lang: str) -> str:
    """The ACLED inter code the words give (the last cue wins: "paramilitary group")."""
    hits = _actor_terms_re(lang).findall(text or "")
    rows = _actor_table(lang)
    for h in reversed(hits):
        row = rows.get(h.lower())
        if row is not None:
            return row.inter
    return ""


def _named_actor(ctx: DocContext, name: str) -> tuple[str, str]:
    """(canonical name, inter code) of a force named in a report: a demonym before a force
    noun is the country's ("Chadian soldiers" -> Military Forces of Chad); a group is
    typed by how the report describes it ("the paramilitary ...", "..., a rebel group")."""
    lang = ctx.language
    words = name.split()
    dem = lexicon.table("demonyms", lang)
    rows = _actor_table(lang)
    row = rows.get(" ".join(words[1:]).lower()) or rows.get(words[-1].lower())
    for k in range(len(words) - 2, -1, -1):
        d = dem.get(words[k].lower())
        if d is None or not d.country:
            continue
        head = " ".join(words[k + 1:]).lower()
        row = rows.get(head) or rows.get(words[-1].lower())
        if row is not None and row.canonical:   # "Chadian soldiers", "... Sudanese army"
            country = _country_name(d.country)
            if country:
                return row.canonical.replace("{country}", country), row.inter
        break
    _full, described = _definitions(ctx)
    desc = described.get(name, "")
    if not desc:
        k = ctx.text.find(name)
        desc = " ".join(re.findall(r"[\w'-]+", ctx.text[max(0, k - 40):k])[-3:]) if k >= 0 else ""
    code = _cue_code(desc, lang)
    if not code and row is not None and not row.canonical:
        code = row.inter       # "... Militia", "... Rebels"
    if not code and _profile(ctx).get(name.lower()) == "nonstate":
        code = "3"
    return name, code


_FORCE_NAME = re.compile(
    r"\b(?:[A-Z][\w'’-]+\s+){1,4}(?:[Ff]orces|[Tt]roops|[Aa]rmy|[Mm]ilitary|[Ss]oldiers|[Pp]olice|[Bb]order [Gg]uards|"
    r"[Mm]ilitias?|[Rr]ebels|[Ff]ighters|[Pp]eacekeepers|[Gg]unmen|[Pp]rotesters|[Gg]overnment|[Aa]uthorities|"
    r"[Cc]orps|[Bb]rigades?|[Ff]ront|[Mm]ovement|[Gg]uards?|[Aa]ir [Dd]efen[cs]es)\b")
_POSSESSOR = re.compile(r"^(?:[A-Z][\w-]+\s+){0,2}[A-Z][\w-]+['’]s?\s+")   # "Chad's ..."
_LEADING = re.compile(r"^(?:The|A|An|Both|Some|His|Her|Their|Its|Meanwhile|But|And|When|After|While|As)\s+")


def _sentence_actors(ctx: DocContext, sent: Span, tok: Token, country: str | None) -> tuple[list[tuple[str, str]], list[str]]:
    """The parties a sentence names, canonical and typed, perpetrator first, and the
    aliases the report defines for them ("RDC=Rapid Defence Corps")."""
    full, _ = _definitions(ctx)
    text, base = sent.text, sent.start_char
    found: list[tuple[int, int, str, str]] = []     # start, end, name, code
    aliases: list[str] = []
    _full2, described = _definitions(ctx)
    named = set(full) | set(full.values()) | {a for a in described if a.isupper()}
    for m in _FORCE_NAME.finditer(text):
        name = _POSSESSOR.sub("", _LEADING.sub("", m.group(0).strip()))
        if not name or name.lower() in _actor_table(ctx.language):
            continue
        if any(re.search(r"(?<![\w-])" + re.escape(n) + r"(?![\w-])", name) for n in named):
            continue   # "RDC fighters": the group itself, found below
        canon, code = _named_actor(ctx, name)
        found.append((base + m.end() - len(name), base + m.end(), canon, code))
    for acr, long in full.items():
        code = _named_actor(ctx, long)[1]
        if not code:
            continue   # an agency or an outlet ("(AFP)"), not a party
        for m in re.finditer(r"(?<![\w-])" + re.escape(acr) + r"(?![\w-])", text):
            found.append((base + m.start(), base + m.end(), long, code))
            aliases.append(f"{acr}={long}")
        if long in text:
            aliases.append(f"{acr}={long}")
    for acr, desc in described.items():
        if acr.isupper() and acr not in full and _cue_code(desc, ctx.language):
            for m in re.finditer(r"(?<![\w-])" + re.escape(acr) + r"(?![\w-])", text):
                found.append((base + m.start(), base + m.end(), acr, _cue_code(desc, ctx.language)))
    # a named group inside a longer match ("the RDC forces") is that group
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    agents = {t.i for a in _args(tok, ("agent",)) for t in a.subtree}
    ordered: list[tuple[bool, int, str, str]] = []
    seen: set[str] = set()
    for start, end, name, code in found:
        if name in seen:
            continue
        seen.add(name)
        span = ctx.doc.char_span(start, end, alignment_mode="expand")
        is_agent = span is not None and any(t.i in agents for t in span)
        ordered.append((not is_agent, start, name, code))
    ordered.sort()
    out = [(n, c) for _, _, n, c in ordered][:3]
    if country and not any(not o[0] for o in ordered):   # no named party acts: "gunmen", "attackers"
        rows = _actor_table(ctx.language)
        for a in _args(tok, ("agent",)):
            row = rows.get(a.lower_) or rows.get(a.lemma_.lower())
            if row is not None and row.canonical.startswith("Unidentified"):
                cname = _country_name(country)
                if cname:
                    out.insert(0, (row.canonical.replace("{country}", cname), row.inter))
                break
    victims = _kind(_args(tok, ("patient",)), ctx)
    if victims in ("civilian", "people") and country and not any(c == "7" for _, c in out):
        cname = _country_name(country)
        if cname:
            out.append((f"Civilians ({cname})", "7"))
    return out, sorted(set(aliases))


def _target(tok: Token, ctx: DocContext) -> str | None:
    """What was hit, as a label names it ("a civilian gathering", "displaced families"):
    the head noun of the trigger's patient with its modifiers, never a named place."""
    cands = _args(tok, ("patient",))
    if tok.dep_ in ("nsubj", "nsubjpass") and tok.head.pos_ == "VERB":
        cands += _args(tok.head, ("patient",))   # "a drone struck a gathering"
    for p in cands:
        if p.pos_ != "NOUN" or p.i == tok.i or _named_place(p, ctx):
            continue
        if _triggers(ctx.language).get(p.lemma_.lower()) is not None:
            continue   # "the attack on the shelling": not a target
        kind = _phrase_kind(p, ctx)
        if kind not in ("civilian", "people", "site", "military", "protester"):
            continue   # "an involvement", "control": not what was hit; an armed party is an actor
        if kind in ("civilian", "people") and blast_word(tok.lemma_, ctx.language):
            continue   # "the blast killed 14 people": its toll, not its target
        lo = p.i
        while lo > sent_start(p) and p.doc[lo - 1].head.i in range(lo, p.i + 1) and \
                p.doc[lo - 1].dep_ in ("amod", "compound") and p.doc[lo - 1].pos_ in ("ADJ", "NOUN") and \
                not p.doc[lo - 1].like_num and not _named_place(p.doc[lo - 1], ctx):
            lo -= 1
        phrase = " ".join(t.text for t in p.doc[lo:p.i + 1])
        if not phrase or len(phrase) > 40:
            continue
        if p.tag_ in ("NNS", "NNPS"):
            return phrase
        return ("an " if phrase[0].lower() in "aeiou" else "a ") + phrase
    site = _site(tok, ctx)
    return f"a {site}" if site else None


def sent_start(t: Token) -> int:
    return t.sent.start if t.doc.has_annotation("SENT_START") else 0


def mention_label(m: EventMention, lang: str = "en") -> str:
    """"<event noun> [of/on <target>] in/near <place>" for one mention."""
    noun, prep = coref.label_noun(m.event_type, m.sub_event_type, [m.trigger], lang)
    return coref.compose_label(noun, prep, m.target, m.place, m.geo_precision,
                               facility=bool(m.place and name_tokens(m.place)[1]))


# ---------------------------------------------------------------- tolls linked to their happening

_SUBCOUNT_AFTER = re.compile(r"(?i)^[\w\s-]{0,25}?\b(?:were|are|was|is)\s+(?:also\s+)?among\s+(?:the\s+)?"
                             r"(?:dead|killed|victims|casualties|fatalities|injured|wounded)\b")
_SUBCOUNT = re.compile(r"(?i)\b(?:including|includ(?:es|ed)|among them|among whom|of whom|of them|among the dead|"
                       r"among those killed)\s+(?:at least |some |about |around |nearly |more than |over )?$")


def _subcount(ctx: DocContext, f) -> bool:
    """"12 people, including three children": a part of another count, not a whole toll."""
    return bool(_SUBCOUNT.search(ctx.text[max(0, f.start - 40):f.start])) or \
        bool(_SUBCOUNT_AFTER.search(ctx.text[f.end:f.end + 60]))


def _tree_distance(a: Token, b: Token) -> int:
    up_a = [a, *islice(a.ancestors, 40)]
    up_b = {t.i: k for k, t in enumerate([b, *islice(b.ancestors, 40)])}
    for k, t in enumerate(up_a):
        if t.i in up_b:
            return k + up_b[t.i]
    return 99


_TOLL_NOUNS = frozenset({"toll", "tally", "number", "count", "casualties", "dead", "death"})


def _named_by_toll(ft: Token, takers: list[EventMention], toks: dict[int, Token | None]) -> EventMention | None:
    """"the death toll from the blast rose to 41": the happening the toll noun's own
    phrase names, whatever else the sentence holds."""
    by_tok = {t.i: m for m in takers if (t := toks[id(m)]) is not None}
    for a in [ft, *islice(ft.ancestors, 4)]:
        subjects = [c for c in a.children if c.dep_ in ("nsubj", "nsubjpass")]
        for c in subjects:
            if c.lemma_.lower() in _TOLL_NOUNS:
                for t in islice(c.subtree, 16):
                    if t.i in by_tok:
                        return by_tok[t.i]
        if subjects:
            return None   # the figure's own clause: its subject says whose toll it is
    return None


def _combined(tok: Token) -> bool:
    """"the two attacks killed 12", "both strikes": a count over several happenings."""
    if tok.tag_ not in ("NNS", "NNPS"):
        return False
    return any((c.dep_ == "nummod" and c.lower_ not in ("one", "1")) or c.lower_ in ("both", "these", "those")
               for c in tok.children)


def _over_several(ctx: DocContext, f) -> bool:
    """"The two attacks killed 12": the figure's clause has a subject counting happenings."""
    span = ctx.doc.char_span(f.start, f.end, alignment_mode="expand")
    if span is None:
        return False
    for a in [span.root, *islice(span.root.ancestors, 4)]:
        subjects = [c for c in a.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return any(_combined(c) and coref.family_of(c.lemma_, ctx.language) is not None for c in subjects)
    return False


def _takes_toll(m: EventMention) -> bool:
    if m.stance not in ("asserted", "unconfirmed"):
        return False
    return not (m.event_type == STRAT and m.sub_event_type != "Other" or m.trigger.lower() in _NO_TOLL)


def _give(m: EventMention, f) -> None:
    if f.category == "killed":
        if m.killed is None or f.value > m.killed:
            m.killed, m.toll_source, m.toll_as_of = f.value, f.attributed_to, f.as_of
    elif f.category == "injured":
        m.injured = max(m.injured or 0, f.value)


def _sentence_tolls(ctx: DocContext, sent: Span, mentions: list[EventMention], info: dict[int, dict],
                    following: list[tuple[Span, bool]]) -> None:
    """Killed / injured figures go to the happening their sentence names: the one whose
    trigger the figure hangs from ("the strike killed 12"; "the toll from the blast rose to
    41": the nearest trigger in the parse), never to every mention the sentence holds. A
    toll sentence after the trigger (one that reports no happening of its own, or refers
    back: "the blast killed 12") goes to the sentence's main happening. Sub-counts
    ("including two children") and counts over several happenings ("the two attacks
    killed ...") are no whole-incident toll."""
    takers = [m for m in mentions if _takes_toll(m)]
    if not takers:
        return
    figs = [f for f in ctx.facts_in("figures", sent.start_char, sent.end_char)
            if f.category in ("killed", "injured") and not _subcount(ctx, f)]
    toks = {id(m): info.get(id(m), {}).get("tok") for m in takers}
    if figs:
        for f in figs:
            span = ctx.doc.char_span(f.start, f.end, alignment_mode="expand")
            ft = span.root if span is not None else None
            best = _named_by_toll(ft, takers, toks) if ft is not None else None
            best = best or min(takers, key=lambda m: (_tree_distance(ft, toks[id(m)]) if ft is not None and
                                                      toks[id(m)] is not None else 99, abs(m.start - f.start)))
            tok = toks[id(best)]
            if tok is not None and _combined(tok) or _over_several(ctx, f):
                continue
            _give(best, f)
    else:
        main = min(takers, key=lambda m: (len(list(islice(toks[id(m)].ancestors, 40))) if toks[id(m)] is not None
                                          else 99, m.start))
        for nxt, reports in following:
            if any(p.kind not in ("demonym", "metonym", "country") and p.name != main.place
                   for p in ctx.facts_in("places", nxt.start_char, nxt.end_char)):
                break   # a happening of another place
            if reports and not _ANAPHOR.search(nxt.text):
                break   # another happening
            later = [f for f in ctx.facts_in("figures", nxt.start_char, nxt.end_char)
                     if f.category in ("killed", "injured") and not _subcount(ctx, f)]
            if later:
                for f in later:
                    if not _over_several(ctx, f) and not (toks[id(main)] is not None and _combined(toks[id(main)])):
                        _give(main, f)
                break
    for m in takers:
        if m.killed is None or m.injured is None:
            for vm in _VAGUE_TOLL.finditer(sent.text):
                value = VAGUE[vm.group("amount").lower()]
                if vm.group("what").lower() in ("killed", "dead", "died", "killing", "fatalities", "deaths"):
                    m.killed = m.killed if m.killed is not None else value
                else:
                    m.injured = m.injured if m.injured is not None else value
            break   # a vague toll is the first happening's


# a siege, a blockade or a flight is no toll's incident
_NO_TOLL = {t for t, r in lexicon.table("event_triggers").items() if r.needs == "flight"} | {
    "siege", "blockade", "besieged", "blockaded", "surrounded", "encircled", "fled", "evacuated", "evacuating"}


# Vague amounts where a number is needed, after ACLED's practice of coding the lowest
# number the words allow ("dozens" at least 12, "hundreds" at least 100).
VAGUE = {"a few": 3, "several": 3, "some": 3, "many": 10, "dozens": 12, "scores": 20, "hundreds": 100,
         "thousands": 1000}
_VAGUE_TOLL = re.compile(
    r"\b(?P<amount>a few|several|many|dozens|scores|hundreds|thousands)\s+(?:of\s+)?(?:more\s+)?"
    r"(?:\w+\s+){0,2}?(?:(?:were|have been|had been|are)\s+)?(?P<what>killed|dead|died|killing|wounded|injured|"
    r"hurt|fatalities|deaths|injuries)\b", re.I)


def _rank(m: EventMention) -> tuple:
    return (m.place is not None, m.sub_event_type in (GRT, NSA), m.killed is not None, m.sub_event_type != "Other")


# ---------------------------------------------------------------- event frames within one report


def _km(a: EventMention, b: EventMention) -> float:
    return km(a.lat, a.lon, b.lat, b.lon)


def _places_compatible(a: EventMention, ia: dict, b: EventMention, ib: dict) -> bool:
    if ia.get("site") and ib.get("site") and ia["site"] != ib["site"]:
        return False  # a church and a hospital hit on one day are two happenings
    if a.place is None or b.place is None or a.place == b.place:
        return True
    if ia.get("kind") == ib.get("kind") == "facility" and name_tokens(a.place)[1] & name_tokens(b.place)[1]:
        return True   # "a Goma hospital", "the Heal Africa hospital": one report's one hospital
    if a.lat is None or b.lat is None:
        return False
    if not ia.get("own_place") or not ib.get("own_place"):
        # a place taken from the narrative: no objection within the country
        return not (a.country and b.country and a.country != b.country) or "country" in (a.geo_precision, b.geo_precision)
    if a.country and b.country and a.country != b.country:
        return False
    ka, kb = ia.get("kind"), ib.get("kind")
    if ka == "country" or kb == "country":
        return True
    if ka in _POINTLIKE and kb in _POINTLIKE:
        # two named places are two places, unless one is a facility in the other
        return "facility" in (ka, kb) and a.geo_precision in ("point", "near") and \
            b.geo_precision in ("point", "near") and _km(a, b) <= 8
    if ia.get("generic") or ib.get("generic"):
        return False  # "bombing its towns and farms": not the strike on one town
    return _km(a, b) <= 150  # an area and a place in it


def _frame_types(a: EventMention, ia: dict, b: EventMention, ib: dict) -> bool:
    """``b`` the later mention. Different types name one happening only when the later one
    refers back ("the blast") or they hit the same site."""
    same_site = bool(ia.get("site") and ia.get("site") == ib.get("site")) or bool(
        a.place and a.place == b.place and ia.get("own_place") and ib.get("own_place") and "facility" in
        (ia.get("kind"), ib.get("kind")))
    if a.event_type == b.event_type or {a.sub_event_type, b.sub_event_type} == \
            {"Arrests", "Abduction/forced disappearance"}:
        return compatible_types(a, b, ia.get("blast", False), ib.get("blast", False))
    loose_blast = ib.get("blast") and b.event_type == STRAT and not (ib.get("own_date") or ib.get("own_place"))
    if not (ib.get("anaphor") or same_site or loose_blast):   # "we heard explosions": the attack's
        return False
    if compatible_types(a, b, ia.get("blast", False), ib.get("blast", False)):
        return True
    # "a massacre at the hospital" and "the strike on the hospital": one happening
    return {a.event_type, b.event_type} == {VAC, REMOTE} and \
        (a.sub_event_type if a.event_type == VAC else b.sub_event_type) == "Attack"


def _dates_compatible(a: EventMention, ia: dict, b: EventMention, ib: dict) -> bool:
    if not (a.date_start and b.date_start and a.date_end and b.date_end):
        return True
    slack = timedelta(days=0 if ia.get("own_date") and ib.get("own_date") else 1)
    return not (a.date_start - slack > b.date_end or b.date_start - slack > a.date_end)


_FRAME_LOOKBACK = 40   # a mention is compared with the last this many frames of its report
_FRAME_SAMPLE = 24     # and with at most this many of a frame's mentions (its first and last ones)


def frames(out: list[EventMention], info: dict[int, dict], check=None) -> None:
    """Group a report's mentions into event frames and give every mention its frame's type,
    most specific place and most precise date. Bounded: a mention is compared with the last
    ``_FRAME_LOOKBACK`` frames, and with the first and last ``_FRAME_SAMPLE // 2`` mentions
    of a larger frame (a report has far fewer); ``check`` (the time budget) runs per mention."""
    groups: list[list[EventMention]] = []
    coordinated: list[bool] = []   # the frame holds a mention of a coordination
    anchored: list[bool] = []      # the frame holds a mention with its own date and place
    for m in out:
        if check is not None:
            check()
        im = info.get(id(m), {})
        best = None
        for gi in range(len(groups) - 1, max(-1, len(groups) - 1 - _FRAME_LOOKBACK), -1):
            g = groups[gi]
            if im.get("separate") and not im.get("anaphor"):
                break
            if im.get("coordinated") or coordinated[gi]:
                continue
            if im.get("new") and not anchored[gi]:
                continue  # "an airstrike hit a church late Thursday": a happening of its own
            members = g if len(g) <= _FRAME_SAMPLE else g[:_FRAME_SAMPLE // 2] + g[-(_FRAME_SAMPLE // 2):]
            if all(_frame_types(m, im, x, info.get(id(x), {}))
                   and _places_compatible(m, im, x, info.get(id(x), {}))
                   and _dates_compatible(m, im, x, info.get(id(x), {})) for x in members):
                best = gi
                break
        if best is None:
            groups.append([m])
            coordinated.append(False)
            anchored.append(False)
            best = len(groups) - 1
        else:
            groups[best].append(m)
        coordinated[best] = coordinated[best] or bool(im.get("coordinated"))
        anchored[best] = anchored[best] or bool(im.get("own_date") and im.get("own_place"))
    for g in groups:
        if len(g) > 1:
            _harmonise(g, info)


def _harmonise(g: list[EventMention], info: dict[int, dict]) -> None:
    votes: Counter = Counter()
    for m in g:
        im = info.get(id(m), {})
        w = 0.3 if im.get("blast") and m.event_type == STRAT else 1.0
        if m.sub_event_type in ("Arrests",):
            w = 0.5
        votes[(m.event_type, m.sub_event_type)] += w
    types: Counter = Counter()
    for (t, _s), w in votes.items():
        types[t] += w
    etype = max(types, key=lambda t: (types[t], t == REMOTE))
    sub = max((s for (t, s) in votes if t == etype), key=lambda s: (s in (GRT, NSA), votes[(etype, s)]))

    def place_key(m: EventMention):
        im = info.get(id(m), {})
        return (not im.get("own_place"), _SPECIFIC.get(im.get("kind") or "", 6),
                {"point": 0, "near": 1, "admin": 2, "region": 3, "country": 4}.get(m.geo_precision, 5))
    placed = [m for m in g if m.place is not None]
    where = min(placed, key=place_key) if placed else None

    def date_key(m: EventMention):
        span = (m.date_end - m.date_start).days if m.date_start and m.date_end else 9999
        return (not info.get(id(m), {}).get("own_date"), span)
    dated = [m for m in g if m.date_start is not None]
    when = min(dated, key=date_key) if dated else None
    owned = [m for m in dated if info.get(id(m), {}).get("own_date")]
    if len(owned) > 1:
        # every report of the happening bounds it: "since September 20" and "last week"
        lo, hi = max(m.date_start for m in owned), min(m.date_end for m in owned)
        if lo <= hi and when is not None and (lo, hi) != (when.date_start, when.date_end):
            span = (hi - lo).days
            when = EventMention(**{**when.__dict__, "date_start": lo, "date_end": hi,
                                   "date_precision": "day" if span == 0 else "week" if span <= 8 else "month"})
    for m in g:
        if m.event_type != etype or m.sub_event_type != sub:
            m.event_type, m.sub_event_type = etype, sub
        if where is not None:
            m.place, m.country, m.lat, m.lon, m.geo_precision = (where.place, where.country, where.lat, where.lon,
                                                                 where.geo_precision)
        if when is not None and not (info.get(id(m), {}).get("own_date") and m.date_precision == "day"):
            m.date_start, m.date_end, m.date_precision = when.date_start, when.date_end, when.date_precision
        m.label = mention_label(m)


# ---------------------------------------------------------------- other languages
#
# French, Russian, Ukrainian, German, Spanish, Arabic: the same types, sub-types and needs
# (event_triggers.tsv rows with their ``lang``), the same place, date, frame and toll logic
# as English above; the words are read by their lemma candidates (``token._.lemmas``:
# spaCy for French, pymorphy3 for Russian and Ukrainian, simplemma for German and Spanish,
# proclitics taken off for Arabic), so that one row serves every inflected form. Who acts
# and who is hit come from the Universal Dependencies parse where there is one (French,
# Russian: nsubj / obj / obl / nsubj:pass), else from the words before and after the
# trigger in its sentence. Actors are named canonically in English ("Military Forces of
# <country>"), so that reports in two languages name the same parties.

_AGENT_WINDOW, _PATIENT_WINDOW, _NEG_WINDOW, _IRREALIS_WINDOW = 6, 8, 3, 5


def _forms(tok: Token) -> tuple[str, ...]:
    """A token's lower-case lemma candidates and its form, apostrophes folded."""
    from sitroom.extract.nlp import fold_apostrophes
    got = getattr(tok._, "lemmas", None) if tok.has_extension("lemmas") else None
    out = [*(got or (tok.lemma_.lower(),)), tok.lower_]
    return tuple(dict.fromkeys(fold_apostrophes(w) for w in out if w))


def _stem_forms(tok: Token) -> tuple[str, ...]:
    """Where no lemmatizer knows the word (its candidates are only its own forms: Arabic,
    German verbs), the forms with one or two final letters taken off ("قصفت" -> "قصف"),
    keeping at least three."""
    forms = _forms(tok)
    if tok.lemma_.lower() != tok.lower_ and len(forms) > 1 and forms[0] != tok.lower_:
        return ()
    return tuple(f[:-k] for f in forms for k in (1, 2) if len(f) - k >= 3)


@functools.lru_cache(maxsize=None)
def _word_keys(word: str, lang: str) -> frozenset[str]:
    from sitroom.extract.nlp import fold_apostrophes, lemma_candidates
    w = fold_apostrophes(word.lower())
    return frozenset({w, *(fold_apostrophes(c) for c in lemma_candidates(w, lang))})


@functools.lru_cache(maxsize=None)
def _multi_index(kind: str, lang: str) -> dict[str, list[tuple[tuple[frozenset[str], ...], str]]]:
    """Multi-word terms of a lexicon by each key of their first word: (keys of each word, term)."""
    out: dict[str, list] = {}
    for r in lexicon.rows(kind, lang):
        words = r.term.lower().split()
        if len(words) < 2:
            continue
        keys = tuple(_word_keys(w, lang) for w in words)
        for k in keys[0]:
            out.setdefault(k, []).append((keys, r.term.lower()))
    for v in out.values():
        v.sort(key=lambda x: -len(x[0]))
    return out


def _match_single(tok: Token, table: dict) -> object | None:
    for f in _forms(tok):
        if f in table and " " not in f:
            return table[f]
    for f in _stem_forms(tok):
        if f in table and " " not in f:
            return table[f]
    return None


def _match_multi(sent: Span, i: int, kind: str, lang: str) -> tuple[str, int] | None:
    """The longest multi-word term of ``kind`` starting at token ``i`` (words may be one or
    two tokens apart: "prendre le contrôle", "взять под контроль"): (term, last token index)."""
    index = _multi_index(kind, lang)
    doc = sent.doc
    for f in _forms(doc[i]):
        for keys, term in index.get(f, ()):
            j, ok = i, True
            for wk in keys[1:]:
                nxt = next((k for k in range(j + 1, min(j + 4, sent.end)) if set(_forms(doc[k])) & wk), None)
                if nxt is None:
                    ok = False
                    break
                j = nxt
            if ok:
                return term, j
    return None


def _lexicon_hits(sent: Span, ctx: DocContext, kind: str) -> list[tuple[int, int, object]]:
    """(first token, last token, row) of each term of a lexicon in a sentence, longest first."""
    table = lexicon.table(kind, ctx.language)
    out, covered = [], set()
    for i in range(sent.start, sent.end):
        if i in covered:
            continue
        got = _match_multi(sent, i, kind, ctx.language)
        if got is not None:
            out.append((i, got[1], table[got[0]]))
            covered.update(range(i, got[1] + 1))
            continue
        row = _match_single(sent.doc[i], table)
        if row is not None:
            out.append((i, i, row))
    return out


def _cue_general(ctx: DocContext, cue: str, tokens) -> bool:
    """A cue of the language among the tokens, by lemma or as a phrase of the text."""
    terms = _cues(ctx.language, cue)
    if not terms:
        return False
    toks = list(tokens)
    if any(f in terms for t in toks for f in _forms(t)):
        return True
    if toks:
        text = ctx.text[toks[0].idx:toks[-1].idx + len(toks[-1].text)]
        return _cue_in(ctx.language, cue, text) is not None
    return False


def _parsed(doc) -> bool:
    return doc.has_annotation("DEP")


def _ud_args(tok: Token, role: str) -> list[Token]:
    """Heads of a trigger's arguments in a UD parse: agent (nsubj, obl:agent) or patient
    (obj, nsubj:pass, an obl/nmod); a noun trigger's agent is its nmod or amod."""
    out: list[Token] = []
    passive = any(c.dep_ in ("aux:pass", "nsubj:pass", "expl:pass") for c in tok.children)
    for c in tok.children:
        if role == "agent":
            if c.dep_ == "nsubj" and not passive or c.dep_ == "obl:agent":
                out.append(c)
            if tok.pos_ == "NOUN" and c.dep_ in ("nmod", "amod") and c.i < tok.i:
                out.append(c)
        else:
            if c.dep_ in ("obj", "nsubj:pass", "iobj") or (c.dep_ == "nsubj" and passive):
                out.append(c)
            if c.dep_ in ("obl", "nmod", "obl:arg") and c.i > tok.i:
                out.append(c)
            elif c.pos_ == "NUM" and c.i > tok.i and c.dep_ not in ("nummod", "nsubj"):
                out.append(c)   # "a tué 200 civils" parsed with the number as the head ("civils" under it)
    if role == "agent" and not out and tok.dep_ in ("conj", "advcl", "xcomp") and tok.head.pos_ == "VERB":
        out.extend(c for c in tok.head.children if c.dep_ == "nsubj")
    return out


def _side_tokens(trig: Token | Span, sent: Span, role: str) -> list[Token]:
    """The words naming who acts (role "agent") or who is hit ("patient"): their subtrees
    in a UD parse, else the words before / after the trigger in its sentence."""
    tok = _head(trig)
    lo = trig.start if isinstance(trig, Span) else tok.i
    hi = trig.end if isinstance(trig, Span) else tok.i + 1
    if _parsed(sent.doc):
        heads = _ud_args(tok, role)
        return [t for h in heads for t in islice(h.subtree, 12)]
    if role == "agent":
        return list(sent.doc[max(sent.start, lo - _AGENT_WINDOW):lo])
    return list(sent.doc[hi:min(sent.end, hi + _PATIENT_WINDOW)])


def _kind_general(tokens: list[Token], ctx: DocContext) -> str | None:
    """The kind of party some words name (event_actors.tsv rows of the language): a
    non-state group before a state's force, an armed force of a country a state's."""
    if not tokens:
        return None
    table = _actors(ctx.language)
    kinds: set[str] = set()
    for t in tokens:
        for f in _forms(t):
            if f in table:
                kinds.add(table[f])
                break
    lo, hi = tokens[0].i, tokens[-1].i
    sent = tokens[0].sent if tokens[0].doc.has_annotation("SENT_START") else tokens[0].doc[:]
    for i in range(lo, hi + 1):
        got = _match_multi(sent, i, "event_actors", ctx.language)
        if got is not None:
            kinds.add(table[got[0]])
    owned = any(_demonym_country(t, ctx) or _is_country(t, ctx) for t in tokens)
    if "irregular" in kinds:
        kinds.add("state" if owned else "nonstate")
    if "armed" in kinds and owned:
        kinds.add("state")
    for k in ("nonstate", "state", "aircraft", "protester", "mob", "civilian", "people", "military", "site", "armed"):
        if k in kinds:
            return k
    return None


def _demonym_country(tok: Token, ctx: DocContext) -> str | None:
    dem = lexicon.table("demonyms", ctx.language)
    for f in _forms(tok):
        row = dem.get(f)
        if row is not None and row.country:
            return row.country
    return None


def _find_general(sent: Span, ctx: DocContext) -> list[tuple[Token | Span, str, str, bool]]:
    """Triggers of the language in a sentence, by lemma, typed as English's are."""
    hits: list[tuple[Token | Span, str, str, bool]] = []
    for a, b, row in _lexicon_hits(sent, ctx, "event_triggers"):
        ctx.check()
        trig = sent.doc[a:b + 1] if b > a else sent.doc[a]
        typed = _typed_general(trig, sent, ctx, row)
        if typed:
            hits.append((trig, *typed, row.weak == "yes"))
    if any(not h[3] and h[1] in VIOLENT for h in hits):
        hits = [h for h in hits if not h[3] or h[1] not in VIOLENT and h[1] != STRAT]
    elif any(not h[3] for h in hits):
        hits = [h for h in hits if not h[3] or h[2] != "Disrupted weapons use"]
    return hits


def _typed_general(trig: Token | Span, sent: Span, ctx: DocContext, row) -> tuple[str, str] | None:
    needs, etype, sub = row.needs, row.event_type, row.sub_event_type
    multi = isinstance(trig, Span)
    if needs == "weapon":
        # a weapon named as used: a verb of use or another happening's word in the sentence
        others = [t for t in sent if t.i != _head(trig).i and not (multi and trig.start <= t.i < trig.end)]
        if _cue_general(ctx, "attack_use", others) or any(
                r.event_type in VIOLENT and r.needs != "weapon" for _, _, r in _lexicon_hits(sent, ctx, "event_triggers")):
            return etype, sub
        return None
    agent = _kind_general(_side_tokens(trig, sent, "agent"), ctx)
    target = _kind_general(_side_tokens(trig, sent, "patient"), ctx)
    if needs == "target":
        armed = ("state", "nonstate", "armed")
        if etype == REMOTE:
            if agent in armed and target in (*armed, "military") and not multi:
                return BATTLE, _battle_sub_general(trig, sent, ctx, agent)
            if agent is None and target is None and not multi and row.weak == "yes":
                return None
            return REMOTE, _weapon_sub_general(sent, ctx, sub)
        if target in ("civilian", "people", "site"):
            return (RIOT, "Mob violence") if agent == "mob" else (VAC, "Attack")
        if target in (*armed, "military"):
            return BATTLE, _battle_sub_general(trig, sent, ctx, agent)
        return None
    if needs == "victim":
        if target == "protester":
            return PROTEST, "Excessive force against protesters"
        if target in ("state", "nonstate", "armed"):
            return (BATTLE, CLASH) if agent in ("state", "nonstate", "armed") else None
        if agent == "mob":
            return RIOT, "Mob violence"
        if target == "civilian" or target in ("people", "site") and agent in ("state", "nonstate", "armed"):
            return VAC, "Attack"
        return None
    if needs == "territory":
        if not any(p.kind not in ("demonym", "metonym", "country") and p.country
                   for p in ctx.facts_in("places", sent.start_char, sent.end_char)):
            return None   # ground taken is a named place of a country
        return BATTLE, _territory_general(trig, sent, ctx, agent, sub)
    if needs == "detain":
        side = agent or _side_general(sent, ctx)
        return (VAC, "Abduction/forced disappearance") if side == "nonstate" else (STRAT, "Arrests")
    if needs == "bomb":
        if agent in ("aircraft", "state") or _cue_general(ctx, "air_weapon", sent):
            return REMOTE, AIR
        return REMOTE, IED
    if needs == "blast":
        para = _paragraph(ctx, sent)
        if etype == STRAT and (_cue_in(ctx.language, "shell_weapon", para) or _cue_in(ctx.language, "air_weapon", para)
                               or _cue_general(ctx, "shell_weapon", sent) or _cue_general(ctx, "air_weapon", sent)):
            return REMOTE, _weapon_sub_general(sent, ctx, SHELL)
        return etype, sub
    if needs == "flight":
        # many people leaving: a count of the displaced, or a plural of civilians
        many = any(f.category in ("displaced", "evacuated", "arrived", "refugees")
                   for f in ctx.facts_in("figures", sent.start_char, sent.end_char))
        movers = _side_tokens(trig, sent, "agent")
        many = many or (_kind_general(movers, ctx) in ("civilian", "people")
                        and any("Plur" in t.morph.get("Number") for t in movers))
        return (STRAT, "Other") if many else None
    if needs == "protest":
        return _protest_general(sent, ctx)
    if etype == BATTLE and sub == CLASH:
        return BATTLE, _battle_sub_general(trig, sent, ctx, agent)
    return etype, sub


def _side_general(sent: Span, ctx: DocContext) -> str | None:
    kinds = set()
    for t in sent:
        k = _kind_general([t], ctx)
        if k in ("state", "nonstate"):
            kinds.add(k)
    return kinds.pop() if len(kinds) == 1 else None


def _battle_sub_general(trig, sent: Span, ctx: DocContext, agent: str | None) -> str:
    if not _territory_told(sent, ctx):
        return CLASH
    return _territory_general(trig, sent, ctx, agent, CLASH)


def _territory_general(trig, sent: Span, ctx: DocContext, agent: str | None, default: str) -> str:
    kind = agent if agent in ("state", "nonstate") else _side_general(sent, ctx)
    if kind == "state":
        agents = _side_tokens(trig, sent, "agent")
        own = next((c for t in agents for c in [_demonym_country(t, ctx)] if c), None)
        here = [p.country for p in ctx.facts_in("places", sent.start_char, sent.end_char)
                if p.kind not in ("demonym", "metonym", "country") and p.country]
        return NSA if own and here and all(c != own for c in here) else GRT
    if kind == "nonstate":
        return NSA
    return default


def _weapon_sub_general(sent: Span, ctx: DocContext, default: str) -> str:
    """A strike typed by the weapons the sentence names (by lemma), else the report's."""
    air = sum(1 for t in sent if set(_forms(t)) & _cues(ctx.language, "air_weapon"))
    shell = sum(1 for t in sent if set(_forms(t)) & _cues(ctx.language, "shell_weapon"))
    if air == shell:
        a2, s2 = _weapon_counts(sent.text, ctx.language)
        air, shell = air + a2, shell + s2
    if shell > air:
        return SHELL
    if air > shell:
        return AIR
    return _weapon_sub(sent, ctx, default) if ctx.language in ("en",) else default


def _protest_general(sent: Span, ctx: DocContext) -> tuple[str, str]:
    if _cue_general(ctx, "excessive_force", sent):
        return PROTEST, "Excessive force against protesters"
    if _cue_general(ctx, "violent_protest", sent):
        return RIOT, "Violent demonstration"
    if _cue_general(ctx, "intervention", sent):
        return PROTEST, "Protest with intervention"
    return PROTEST, "Peaceful protest"


def _stance_general(trig: Token | Span, sent: Span, ctx: DocContext) -> str | None:
    """As ``_stance``: None for a negation, a threat, a plan or a possibility (cue lemmas
    just before the trigger, or over it in a UD parse); else denied / unconfirmed /
    claimed / asserted."""
    tok = _head(trig)
    lo = trig.start if isinstance(trig, Span) else tok.i
    before = list(sent.doc[max(sent.start, lo - _NEG_WINDOW):lo])
    if _cue_general(ctx, "negation", before):
        return None
    if tok.pos_ != "VERB" and _cue_general(ctx, "time_head", before[-2:]):
        return None   # "après le siège", "после обстрела": a time reference, not a report
    if _purpose(ctx, sent, lo, tok):
        return None   # "se battent pour prendre le contrôle de X": an aim, not a happening
    if _parsed(sent.doc):
        chain = [tok, *islice(tok.ancestors, 2)]
        if any(str(c.morph.get("Polarity")) == "['Neg']" or set(_forms(c)) & _cues(ctx.language, "negation")
               for t in chain for c in t.children if c.dep_ in ("advmod", "neg", "advmod:neg", "aux", "particle")):
            return None
        over = [c for t in chain for c in t.children if c.dep_ in ("aux", "aux:pass")] + chain[1:]
        # a verb in the future over it: yet to come ("les combats reprendront", "бои
        # возобновятся"); but what a future verb does to a happening named as its object or
        # passive subject ("l'attaque sera examinée") is about a past one
        if tok.dep_ not in ("nsubj:pass", "obj") and any(
                "Fut" in c.morph.get("Tense") for c in [*chain, *(x for x in over if x.dep_.startswith("aux"))]):
            return None
    else:
        over = list(sent.doc[max(sent.start, lo - _IRREALIS_WINDOW):lo])
    if _cue_general(ctx, "modal", over) or _cue_general(ctx, "irrealis", over):
        return None
    if _cue_general(ctx, "deny", list(sent.doc[sent.start:lo])):
        return "denied"
    if _cue_general(ctx, "hedge", sent):
        return "unconfirmed"
    if _cue_general(ctx, "claim", list(sent.doc[sent.start:lo])) and not _cue_general(ctx, "speech", [tok]):
        return "claimed"
    return "asserted"


def _purpose(ctx: DocContext, sent: Span, lo: int, tok: Token) -> bool:
    """An infinitive (a trigger, or a cue starting at ``lo``) after a word of purpose ("pour
    prendre", "para tomar", "чтобы захватить"; German "um ... zu erobern"; English by the
    parse: "fought to take", an adverbial clause with "to"): what someone aims at."""
    if ctx.language == "en":
        return tok.tag_ == "VB" and tok.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to"
                                                                 for c in tok.children)
    if _parsed(sent.doc) and tok.has_morph() and "Inf" not in tok.morph.get("VerbForm"):
        return False
    reflexive = _cues(ctx.language, "reflexive")
    words = [t for t in sent.doc[max(sent.start, lo - 9):lo]]
    k = len(words)
    while k and words[k - 1].lower_ in reflexive:
        k -= 1
    if ctx.language == "de":   # "um die Kontrolle über X zu übernehmen": "um" before, "zu" before the verb
        opener = next((j for j in range(k - 1, -1, -1) if words[j].is_punct or words[j].lower_ in
                       _cues("de", "purpose")), None)
        if opener is None or words[opener].is_punct:
            return False
        after = sent.doc[lo:min(sent.end, lo + 8)]
        return (k and words[k - 1].lower_ == "zu") or any(
            t.lower_ == "zu" for t in takewhile(lambda t: not t.is_punct, after))
    purpose = _cues(ctx.language, "purpose")
    # the purpose word just before, or a few words before with its infinitive right after it
    # ("para tomar el control de X": the cue "control de" lies inside the aim)
    for j in range(k - 1, max(-1, k - 5), -1):
        w = words[j]
        if w.is_punct:
            return False
        pair = f"{words[j - 1].lower_} {w.lower_}" if j >= 1 else ""
        if w.lower_ in purpose or pair in purpose:
            if j == k - 1:
                return True
            nxt = words[j + 1]
            while nxt.lower_ in reflexive and nxt.i + 1 < lo:
                nxt = sent.doc[nxt.i + 1]
            return nxt.pos_ in ("VERB", "AUX", "") and nxt.is_alpha and nxt.is_lower and \
                nxt.lower_ not in lexicon.terms("entity_cues", ctx.language, cue="determiner")
    return False


def _sentence_actors_general(ctx: DocContext, sent: Span, trig: Token | Span,
                             country: str | None) -> list[tuple[str, str]]:
    """The parties a sentence names, canonically in English (actor_types.tsv rows of the
    language: "l'armée malienne" -> Military Forces of Mali; "мирные жители" -> Civilians
    (<country>)), those before the trigger first."""
    tok = _head(trig)
    rows = _actor_table(ctx.language)
    if rows is _actor_table("en") and ctx.language != "en":
        return []
    found: list[tuple[bool, int, str, str]] = []
    for a, b, row in _lexicon_hits(sent, ctx, "actor_types"):
        canon = row.canonical
        if not canon:
            continue   # a group is named by its own name, which another report may spell otherwise
        if "{country}" in canon:
            near = sent.doc[max(sent.start, a - 2):min(sent.end, b + 4)]
            cc = next((c for t in near for c in [_demonym_country(t, ctx)] if c), None)
            if cc is None:
                cc = next((p.country for p in ctx.facts_in("places", near.start_char, near.end_char)
                           if p.kind in ("country", "metonym") and p.country), None)
            if cc is None and (canon.startswith(("Civilians", "Protesters", "Unidentified", "Rioters"))):
                cc = country
            name = _country_name(cc)
            if not name:
                continue
            canon = canon.replace("{country}", name)
        found.append((a > tok.i or row.inter in ("6", "7"), a, canon, row.inter))
    found.sort()
    out: list[tuple[str, str]] = []
    for _, _, n, c in found:
        if n not in (x for x, _ in out):
            out.append((n, c))
    return out[:3]
