"""Incident mentions: sentences that report something happening, typed as ACLED does.

No library codes news text into ACLED's event taxonomy (POLECAT/PLOVER coders need
models we cannot ship), so this is our own: a lexicon of trigger words for each of the
25 sub-event types, read over the dependency parse. The trigger's sentence gives the
place (the most specific place near the trigger, else the document's main area), the
date (the sentence's time expression, else the narrative's last one, else the
publication week), the actors (forces and groups named as agent or subject) and the
tolls (killed / injured figures in the sentence or in the toll sentence that follows).
Denials, hedges ("unconfirmed reports") and threats or plans are told apart from
assertions, and background history (events years before publication) is left out.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from spacy.tokens import Span, Token

from sitroom.extract.context import DocContext
from sitroom.models import EventMention, Place, TimeExpr

BATTLE, REMOTE, VAC = "Battles", "Explosions/Remote violence", "Violence against civilians"
PROTEST, RIOT, STRAT = "Protests", "Riots", "Strategic developments"

# lemma -> (event type, sub-event type, parts of speech it may have)
TRIGGERS: dict[str, tuple[str, str, set[str]]] = {
    **{w: (REMOTE, "Shelling/artillery/missile attack", {"VERB", "NOUN"}) for w in (
        "shell", "shelling", "bombard", "bombardment", "barrage", "rocket", "missile", "mortar",
        "artillery")},
    **{w: (REMOTE, "Air/drone strike", {"VERB", "NOUN"}) for w in ("airstrike", "air-strike", "warplane", "drone")},
    **{w: (REMOTE, "Remote explosive/landmine/IED", {"NOUN"}) for w in ("landmine", "ied")},
    "grenade": (REMOTE, "Grenade", {"NOUN"}),
    **{w: (BATTLE, "Armed clash", {"VERB", "NOUN"}) for w in (
        "clash", "fighting", "firefight", "battle", "skirmish", "offensive", "assault", "counteroffensive")},
    **{w: (BATTLE, "Government regains territory", {"VERB"}) for w in ("recapture", "retake", "regain", "liberate")},
    **{w: (BATTLE, "Non-state actor overtakes territory", {"VERB"}) for w in ("overrun",)},
    **{w: (VAC, "Abduction/forced disappearance", {"VERB", "NOUN"}) for w in ("abduct", "kidnap", "abduction")},
    **{w: (VAC, "Sexual violence", {"VERB", "NOUN"}) for w in ("rape",)},
    **{w: (VAC, "Attack", {"VERB", "NOUN"}) for w in ("massacre", "execute", "lynch")},
    **{w: (PROTEST, "Peaceful protest", {"VERB", "NOUN"}) for w in (
        "protest", "protester", "protestor", "demonstration", "demonstrator", "rally", "march", "sit-in")},
    **{w: (RIOT, "Violent demonstration", {"VERB", "NOUN"}) for w in ("riot", "rioter")},
    **{w: (STRAT, "Agreement", {"VERB", "NOUN"}) for w in ("ceasefire", "truce", "armistice", "surrender")},
    **{w: (STRAT, "Arrests", {"VERB", "NOUN"}) for w in ("arrest", "detain", "detention")},
    **{w: (STRAT, "Looting/property destruction", {"VERB", "NOUN"}) for w in ("loot", "looting", "torch", "demolish")},
    **{w: (STRAT, "Other", {"VERB", "NOUN"}) for w in (
        "blockade", "blockaded", "explode", "explosion", "blast", "encircle", "surround", "besiege", "siege")},
    **{w: (STRAT, "Change to group/activity", {"VERB", "NOUN"}) for w in ("dissolve", "disband", "dissolution")},
}
# Multi-word triggers, matched on the sentence text.
PHRASES: list[tuple[re.Pattern, str, str]] = [
    (re.compile(r"\b(?:air|drone)[ -]?(?:strike|raid|attack)s?\b", re.I), REMOTE, "Air/drone strike"),
    (re.compile(r"\bsuicide (?:bomb|bomber|bombing|attack)s?\b", re.I), REMOTE, "Suicide bomb"),
    (re.compile(r"\b(?:roadside|car) bombs?\b|\bimprovised explosive\b", re.I), REMOTE, "Remote explosive/landmine/IED"),
    (re.compile(r"\b(?:opened|open|opening) fire\b|\bfired (?:on|at|upon)\b|\bexchanged? (?:of )?fire\b", re.I),
     BATTLE, "Armed clash"),
    (re.compile(r"\b(?:was|were|been|being) shot\b|\bshot (?:dead|at)\b", re.I), VAC, "Attack"),
    (re.compile(r"\btear ?gas\b|\bdispersed (?:the )?(?:protest|crowd|demonstrat)", re.I), PROTEST, "Protest with intervention"),
    (re.compile(r"\b(?:military|armed) (?:offensive|operation|intervention)\b", re.I), BATTLE, "Armed clash"),
]
# Government forces taking ground: the offensive is a territorial one.
_REGAIN = re.compile(r"\b(?:regain\w*|retak\w*|recaptur\w*|took control|take control|claimed (?:complete )?victory|"
                     r"forced .* to surrender|surrender)\b", re.I)
_CIVILIAN_TARGET = re.compile(r"\b(?:civilians?|residents?|villagers?|women|children|families|column|refugees|cars)\b", re.I)
_DENY = {"deny", "refute", "reject", "dismiss"}
_DENIAL_OF = re.compile(r"\b(?:denied|denies|deny|rejected|refuted|dismissed)\b.{0,60}\b(?:the|this|that) "
                        r"(?:attack|strike|shelling|killing|massacre|incident|blast|explosion|report|claims?)\b", re.I)
_HEDGE = re.compile(r"\b(?:unconfirmed|unverified|reportedly|allegedly|rumou?rs?)\b", re.I)
_CLAIM = {"claim", "allege"}
_IRREALIS = {"threaten", "plan", "fear", "warn", "hope", "prepare", "vow", "risk", "seek", "want", "threat",
             "maintain", "respect", "urge", "demand", "propose", "negotiate", "prevent", "avoid", "halt"}
_MODAL = {"will", "would", "could", "might", "may", "should", "can", "must", "shall"}
_FORCE = re.compile(
    r"\b(?:[A-Z][\w'-]+\s+){1,3}(?:forces|troops|army|military|soldiers|police|border guards|militias?|"
    r"rebels|fighters|peacekeepers|gunmen|protesters|government|authorities|officials)\b")
_ANAPHOR = re.compile(r"\b(?:the|that|this) (?:blast|explosion|attack|strike|shelling|bombardment|"
                      r"fighting|offensive|assault|clashes|violence|massacre)\b|\bfatalities\b", re.I)
_HISTORY_DAYS = 366
_BLAST = {"explode", "explosion", "blast"}


def extract(ctx: DocContext) -> list[EventMention]:
    out: list[EventMention] = []
    main = _main_place(ctx.places)
    last_date: TimeExpr | None = None
    sents = list(ctx.doc.sents)
    undated: set[int] = set()
    prev_end = 0
    para = 0
    para_of: list[int] = []
    for sent in sents:
        if "\n" in ctx.text[prev_end:sent.start_char + 1]:
            para += 1
        para_of.append(para)
        prev_end = sent.start_char + len(sent.text.rstrip())
    for i, sent in enumerate(sents):
        if i and para_of[i] != para_of[i - 1]:
            last_date = None  # a new paragraph: the narrative date no longer holds
        # years are background ("in 2020"): incidents are dated to the day, week or month
        s_dates = [d for d in ctx.dates if sent.start_char <= d.start < sent.end_char
                   and not _about_speech(ctx, d) and d.precision not in ("year", "decade")]
        nearby = [sents[j] for j in (i - 1, i + 1) if 0 <= j < len(sents) and para_of[j] == para_of[i]]
        found: dict[str, EventMention] = {}
        hits = _triggers(sent)
        denied_prev = None
        if not hits and out and _DENIAL_OF.search(sent.text):
            # "X denied responsibility for the attack": a denial of what was just reported
            denied_prev = out[-1]
            hits = [(t, denied_prev.event_type, denied_prev.sub_event_type) for t in sent
                    if t.lemma_.lower() in _DENY][:1]
        for trig, etype, sub in hits:
            stance = _stance(trig, sent)
            if stance is None:
                continue
            mention = _mention(ctx, sent, trig, etype, sub, stance, s_dates, last_date, main, nearby)
            if mention is None:
                continue
            if denied_prev is None and not s_dates and (_anaphoric(trig) or stance == "denied") \
                    and (ante := _antecedent(out, etype)):
                denied_prev = ante  # "the blockade", "denied that they shelled": the one reported before
            if denied_prev is None and not s_dates and last_date is None:
                undated.add(id(mention))
            if denied_prev is not None:
                for f in ("place", "country", "lat", "lon", "geo_precision", "date_start", "date_end",
                          "date_precision", "label"):
                    setattr(mention, f, getattr(denied_prev, f))
            prev = found.get(etype)
            if prev is None or _rank(mention) > _rank(prev):
                found[etype] = mention
        for m in found.values():
            if m.sub_event_type == "Other" and _part_of_attack(m, out):
                continue  # "we heard explosions": the blasts of an attack already reported
            _attach_tolls(ctx, m, sent, sents[i + 1:i + 3])
            out.append(m)
            out.extend(_coordinated(ctx, m, sent))
        if s_dates:
            last_date = s_dates[-1]
    _date_undated(out, undated)
    return out


def _date_undated(out: list[EventMention], undated: set[int]) -> None:
    """A headline or a summary sentence without a date reports the happening the article
    dates elsewhere: the same type at the same place. Left undated (a week before
    publication), it would bridge unrelated incidents when merged."""
    for m in out:
        if id(m) not in undated:
            continue
        for d in out:
            if id(d) not in undated and d.event_type == m.event_type and d.place == m.place and d.date_start:
                m.date_start, m.date_end, m.date_precision = d.date_start, d.date_end, d.date_precision
                break


def _triggers(sent: Span) -> list[tuple[Token | Span, str, str]]:
    hits: list[tuple[Token | Span, str, str]] = []
    for tok in sent:
        if tok.lemma_.lower() in ("attack", "strike") and tok.pos_ in ("VERB", "NOUN"):
            typed = _attack_type(tok)
            if typed:
                etype, sub = typed
                if etype == BATTLE and _REGAIN.search(sent.text):
                    sub = "Government regains territory"
                hits.append((tok, etype, sub))
            continue
        entry = TRIGGERS.get(tok.lemma_.lower()) or TRIGGERS.get(tok.lower_) or TRIGGERS.get(tok.lower_.rstrip("s"))
        # a capitalised first word ("Drones struck ...") is often tagged a proper noun
        pos = "NOUN" if tok.pos_ == "PROPN" and tok.is_sent_start else tok.pos_
        if entry and pos in entry[2] and tok.dep_ != "amod":  # "surrounding territories"
            etype, sub, _ = entry
            if sub == "Armed clash" and etype == BATTLE and _REGAIN.search(sent.text):
                sub = "Government regains territory"
            if etype == REMOTE and tok.lower_.rstrip("s") in ("drone", "missile", "rocket") and pos == "NOUN" \
                    and not any(c.lemma_ in ("strike", "attack", "hit", "fire", "launch") for c in (tok.head, *tok.children)):
                continue  # "drones" as equipment, not an attack
            hits.append((tok, etype, sub))
    for pat, etype, sub in PHRASES:
        for m in pat.finditer(sent.text):
            span = sent.doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(), alignment_mode="expand")
            if span is not None:
                if etype == BATTLE and _REGAIN.search(sent.text):
                    sub = "Government regains territory"
                if etype == BATTLE and sub == "Armed clash" and "fire" in m.group(0).lower() \
                        and _CIVILIAN_TARGET.search(sent.text[m.end():m.end() + 60]):
                    etype, sub = VAC, "Attack"
                hits.append((span, etype, sub))
    return hits


_FORCES = re.compile(r"\b(?:forces|troops|army|military|soldiers|positions|fighters|units|peacekeepers|"
                     r"separatists|rebels|militias?|guards)\b", re.I)


def _attack_type(tok: Token) -> tuple[str, str] | None:
    """"attacked civilians" is violence against civilians; "struck government forces" a battle."""
    targets = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
    targets += [g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("on", "against") for g in c.children]
    text = " ".join(" ".join(t.text for t in c.subtree) for c in targets)
    if not text:
        return None
    if _CIVILIAN_TARGET.search(text) and not _FORCES.search(text):
        return VAC, "Attack"
    if _FORCES.search(text):
        return BATTLE, "Armed clash"
    return None


def _head(trig: Token | Span) -> Token:
    return trig.root if isinstance(trig, Span) else trig


def _stance(trig: Token | Span, sent: Span) -> str | None:
    """asserted / denied / unconfirmed / claimed, or None for threats, plans and negations."""
    tok = _head(trig)
    if any(c.dep_ == "neg" for c in tok.children):
        return None
    chain = [tok, *tok.ancestors]
    if any(a.lemma_ in _MODAL for t in chain[:2] for a in t.children if a.dep_ == "aux"):
        return None
    lemmas = {t.lemma_.lower() for t in chain}
    if lemmas & _IRREALIS or (tok.dep_ in ("pobj", "dobj") and tok.head.lemma_ in _IRREALIS):
        return None
    if lemmas & _DENY:
        return "denied"
    if _HEDGE.search(sent.text):
        return "unconfirmed"
    if lemmas & _CLAIM:
        return "claimed"
    return "asserted"


def _mention(ctx: DocContext, sent: Span, trig, etype: str, sub: str, stance: str,
             s_dates: list[TimeExpr], last_date: TimeExpr | None, main: Place | None,
             nearby: list[Span]) -> EventMention | None:
    tok = _head(trig)
    if _time_reference(tok) or _of_a_place(ctx, tok, sub):
        return None
    if sub == "Other" and tok.lemma_.lower() in _BLAST and _WEAPONS.search(_paragraph(ctx, sent)):
        etype, sub = REMOTE, "Shelling/artillery/missile attack"  # blasts amid missiles and shells
    when = _nearest(s_dates, tok.idx) or last_date
    d0, d1, prec = _when(ctx, when)
    if d1 and ctx.published and (ctx.published - d1).days > _HISTORY_DAYS:
        return None  # background history, not a current incident
    place, gprec = _where(ctx, sent, tok, main, nearby)
    trig_text = trig.text if isinstance(trig, Span) else tok.text
    label = f"{sub} in {place.name}" if place else sub
    return EventMention(
        start=tok.idx, end=tok.idx + len(tok.text), sentence=sent.text.strip(), trigger=trig_text,
        event_type=etype, sub_event_type=sub, label=label, actors="; ".join(_actors(sent)),
        place=place.name if place else None, country=place.country if place else None,
        lat=place.lat if place else None, lon=place.lon if place else None, geo_precision=gprec,
        date_start=d0, date_end=d1, date_precision=prec, stance=stance)


_SPEECH = {"say", "tell", "report", "announce", "add", "state", "confirm", "write", "tweet", "claim"}


def _about_speech(ctx: DocContext, d: TimeExpr) -> bool:
    """"..., officials said on Wednesday": the date of the telling, not of the event."""
    span = ctx.doc.char_span(d.start, d.end, alignment_mode="expand")
    if span is None:
        return False
    for tok in span.root.ancestors:
        if tok.pos_ in ("VERB", "AUX"):
            return tok.lemma_.lower() in _SPEECH
    return False


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


_WEAPONS = re.compile(r"\b(?:missiles?|rockets?|shell(?:s|ing|ed)?|mortars?|artillery|drones?|bombs?|bombing|"
                      r"air ?strikes?|Smerch|Grad|Iskander|HIMARS|Shahed|Kalibr|Uragan|Tochka)\b")
_TIME_HEADS = {"preceding", "following", "after", "before", "since", "during", "ahead", "until", "prior"}
_DEFINITE = {"the", "this", "that", "its"}


def _paragraph(ctx: DocContext, sent: Span) -> str:
    a = ctx.text.rfind("\n", 0, sent.start_char) + 1
    b = ctx.text.find("\n", sent.end_char)
    return ctx.text[a:b if b >= 0 else len(ctx.text)]


def _time_reference(tok: Token) -> bool:
    """"in the weeks preceding the offensive", "after the blast": a time reference, not a report."""
    if tok.pos_ != "NOUN":
        return False
    head = tok.head
    if tok.dep_ in ("pobj", "dobj") and head.lower_ in _TIME_HEADS:
        return True
    return False


def _of_a_place(ctx: DocContext, tok: Token, sub: str) -> bool:
    """"the dissolution of the Soviet Union": a state's history, not a group's change of activity."""
    if sub != "Change to group/activity":
        return False
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            for o in c.children:
                if any(p.start <= o.idx < p.end for p in ctx.places):
                    return True
    return False


def _anaphoric(trig) -> bool:
    tok = _head(trig)
    return tok.pos_ == "NOUN" and any(c.dep_ in ("det", "poss") and c.lower_ in _DEFINITE for c in tok.children)


def _antecedent(out: list[EventMention], etype: str) -> EventMention | None:
    for m in reversed(out[-6:]):
        if m.event_type == etype:
            return m
    return None


def _coordinated(ctx: DocContext, m: EventMention, sent: Span) -> list[EventMention]:
    """"the towns of A and B are surrounded": one mention per place."""
    here = [p for p in ctx.places if sent.start_char <= p.start < sent.end_char and p.kind == "settlement"]
    out = []
    for a, b in zip(here, here[1:]):
        if re.fullmatch(r"\s*(?:,|and|, and)\s*", ctx.text[a.end:b.start]):
            other = b if a.name == m.place else a if b.name == m.place else None
            if other is not None and other.name != m.place:
                clone = EventMention(**{**m.__dict__})
                clone.place, clone.country, clone.lat, clone.lon = other.name, other.country, other.lat, other.lon
                clone.geo_precision = "point" if other.precision == "point" else "near"
                clone.label = f"{m.sub_event_type} in {other.name}"
                out.append(clone)
    return out


_SPECIFIC = {"facility": 0, "settlement": 1, "route": 2, "other": 2, "water": 3, "region": 4, "country": 5}


def _where(ctx: DocContext, sent: Span, tok: Token, main: Place | None,
           nearby: list[Span] = ()) -> tuple[Place | None, str]:
    def located(s: Span) -> list[Place]:
        found = [p for p in ctx.places if s.start_char <= p.start < s.end_char and p.lat is not None]
        # where people fled *to* is not where it happened
        return [p for p in found if not _is_destination(ctx, p, tok)]

    here = located(sent)
    if not any(p.kind != "country" for p in here):
        # the narrative's place: the sentence before or after, in the same paragraph
        for other in nearby:
            near = [p for p in located(other) if p.kind in ("settlement", "facility", "other", "route")]
            if near:
                here = near[-1:] if other.start < sent.start else near[:1]
                break
    if here:
        best = min(here, key=lambda p: (_SPECIFIC.get(p.kind, 3), abs(p.start - tok.idx)))
        if best.kind == "country":
            return best, "country"
        if best.kind in ("settlement", "facility", "other", "route"):
            # a point; "near" for a facility placed at its town or a route; "region" for a
            # place the gazetteer lacks, located at the centre of the area around it
            return best, {"point": "point", "near": "near", "admin": "near"}.get(best.precision, "region") \
                if best.kind != "route" else "near"
        return best, "region"
    return main, ("region" if main and main.kind != "country" else "country")


def _is_destination(ctx: DocContext, p: Place, tok: Token) -> bool:
    before = ctx.text[max(0, p.start - 12):p.start].lower()
    return bool(re.search(r"\b(?:to|towards|into|reach(?:ed)?)\s+(?:the\s+)?$", before)) and tok.lemma_ not in (
        "flee", "march")


def _main_place(places: list[Place]) -> Place | None:
    """The document's main area: the most mentioned sub-national region or settlement."""
    counts: dict[str, tuple[int, Place]] = {}
    for p in places:
        if p.lat is None or p.kind == "country":
            continue
        n, _ = counts.get(p.name, (0, p))
        counts[p.name] = (n + 1, p)
    if counts:
        return max(counts.values(), key=lambda t: (t[0], t[1].kind == "region"))[1]
    countries = [p for p in places if p.lat is not None]
    return countries[0] if countries else None


def _actors(sent: Span) -> list[str]:
    seen: list[str] = []
    for m in _FORCE.finditer(sent.text):
        name = m.group(0).strip()
        name = re.sub(r"^(?:The|A|An|Both|Some|His|Her|Their|Its)\s+", "", name)
        if name and name not in seen:
            seen.append(name)
    return seen[:3]


def _attach_tolls(ctx: DocContext, m: EventMention, sent: Span, following: list[Span]) -> None:
    """Killed / injured figures in the sentence, or in a toll sentence that follows it."""
    if m.stance != "asserted" and m.stance != "unconfirmed":
        return
    candidates = [f for f in ctx.figures if sent.start_char <= f.start < sent.end_char]
    if not any(f.category in ("killed", "injured") for f in candidates):
        for nxt in following:
            if any(t.lemma_.lower() in TRIGGERS for t in nxt) and not _ANAPHOR.search(nxt.text):
                break
            figs = [f for f in ctx.figures if nxt.start_char <= f.start < nxt.end_char]
            if any(f.category in ("killed", "injured") for f in figs):
                candidates = figs
                break
    for f in candidates:
        if f.category == "killed":
            m.killed = max(m.killed or 0, f.value)
        elif f.category == "injured":
            m.injured = max(m.injured or 0, f.value)
    if m.killed is None or m.injured is None:
        for vm in _VAGUE_TOLL.finditer(sent.text):
            value = VAGUE[vm.group("amount").lower()]
            if vm.group("what").lower() in ("killed", "dead", "died", "killing", "fatalities", "deaths"):
                m.killed = m.killed if m.killed is not None else value
            else:
                m.injured = m.injured if m.injured is not None else value


def _part_of_attack(m: EventMention, earlier: list[EventMention]) -> bool:
    if m.trigger.lower() not in {"explosions", "explosion", "blast", "blasts", "exploded", "explode"}:
        return False
    return any(e.event_type in (REMOTE, BATTLE) and e.place == m.place and e.date_start == m.date_start
               for e in earlier)


# Vague amounts where a number is needed, after ACLED's practice of coding the lowest
# number the words allow ("dozens" at least 12, "hundreds" at least 100).
VAGUE = {"a few": 3, "several": 3, "some": 3, "many": 10, "dozens": 12, "scores": 20, "hundreds": 100,
         "thousands": 1000}
_VAGUE_TOLL = re.compile(
    r"\b(?P<amount>a few|several|many|dozens|scores|hundreds|thousands)\s+(?:of\s+)?(?:more\s+)?"
    r"(?:\w+\s+){0,2}?(?:(?:were|have been|had been|are)\s+)?(?P<what>killed|dead|died|killing|wounded|injured|"
    r"hurt|fatalities|deaths|injuries)\b", re.I)


def _rank(m: EventMention) -> tuple:
    return (m.place is not None, m.killed is not None, m.sub_event_type != "Other")
