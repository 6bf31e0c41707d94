"""Analysts' decisions on stored incidents and on facts.

Reviews are an append-only log in the store (who, when, what); nothing in it is ever
updated or deleted. Decisions on an incident (target ``incident:ID``) are written with
their effects on the stored incident in one transaction (``decide``):
- edit: the given fields (label, types, place, tolls) replace the machine's; edits
  accumulate (a later edit of one field overrides an earlier one of that field only);
- accept: the incident, with its edits, is confirmed as it stands;
- reject: the incident is kept out of lists and exports (still listed with ``everything``);
- merge {"into": ID}: its reports join incident ID (the survivor), recomputed from them;
  the merged incident's id then resolves to the survivor, and decisions sent to it go there;
- split {"articles": [...]}: the reports of those articles become a new incident, linked
  to the one it was split from; each is recomputed from its own reports
  (``fuse.incidents.summarise``: type, date, place, actors, label, tolls);
- revert {"review": N}: decision N no longer counts (a new entry; N stays in the log); a
  merge or split reverted puts the reports back where they were.
The state an incident shows (its accumulated edits, "accepted by ana") is replayed from
its decisions (``replay``) and kept on the stored incident (``refresh_state``).

Every decision's data has a schema (the pydantic models below): a write is checked
against it before it is stored, and the log is checked again when it is read, so a
decision stored by an older version, or by hand, that no longer fits is left out and
reported (``problems``), never fatal: reads never depend on every past decision being
well-formed.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from sitroom.fuse.incidents import Incident, recompute_tolls, stable_id
from sitroom.models import (DatePrecision, DocumentFacts, FigureCategory, GeoPrecision, PlaceKind, QuoteKind,
                            Qualifier, Source)
from sitroom.store.db import Review, Store

EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
               "Strategic developments")
ACTIONS = ("accept", "edit", "reject", "merge", "split", "revert")
# a ULID (fuse/stored.py) or, in stores made before incidents were stored, a hash
INCIDENT_ID = r"^i([0-9a-hjkmnp-tv-z]{26}|[0-9a-f]{10}x*)$"
MACHINE_ACTIONS = ("moved-out",)   # what fusion records in the log (fuse/stored.py)
MAX_TOLL = 100_000_000

Text = Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=r"\S")]  # not blank
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"\S")]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


def _whole(value: object) -> object:
    """A JSON integer (12, or 12.0, which JSON Schema counts as one); never "12" or true."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("a whole number is written as a JSON number")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("a whole number is needed")
    return int(value)


def _number(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("a number is written as a JSON number")
    return value


# numbers are numbers: "12" or true for a toll is refused, not converted
Toll = Annotated[int, Field(ge=0, le=MAX_TOLL), BeforeValidator(_whole)]
Lat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False), BeforeValidator(_number)]
Lon = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False), BeforeValidator(_number)]
ArticleId = Annotated[str, StringConstraints(min_length=1, max_length=512)]
IncidentId = Annotated[str, StringConstraints(pattern=INCIDENT_ID)]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Edit(_Data):
    """Edits name one or more fields. A field typed without None cannot be cleared: it is
    left out to keep the machine's value (its default None is never stored)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})


class NoData(_Data):
    """accept and reject take no data."""


class IncidentEdit(_Edit):
    """Fields of an incident an analyst may set (at least one)."""

    label: Text = None  # type: ignore[assignment]
    event_type: Literal[EVENT_TYPES] = None  # type: ignore[valid-type, assignment]
    sub_event_type: ShortText = None  # type: ignore[assignment]
    place: Text | None = None
    country: Country | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    killed_low: Toll | None = None
    killed_best: Toll | None = None
    killed_high: Toll | None = None
    injured_low: Toll | None = None
    injured_best: Toll | None = None
    injured_high: Toll | None = None

    @model_validator(mode="after")
    def _some(self) -> "IncidentEdit":
        if not self.model_fields_set:
            raise ValueError(f"edit takes one or more fields among {', '.join(EDITABLE)}")
        return self


def conflict(target: object, changes: dict) -> str | None:
    """What would be inconsistent in ``target`` (an incident or a fact) with ``changes``
    made: tolls or a figure's range out of order, a latitude without a longitude. The
    schema cannot say this, as it depends on the values the target already has."""
    def after(name: str):
        return changes[name] if name in changes else getattr(target, name, None)

    ranges = [(f"{w}_low", f"{w}_best", f"{w}_high") for w in ("killed", "injured")] + [("low", "value", "high")]
    for names in ranges:
        if not all(hasattr(target, n) for n in names):
            continue
        given = [(n, after(n)) for n in names if after(n) is not None]
        if [v for _, v in given] != sorted(v for _, v in given):
            return f"{', '.join(n for n, _ in given)} would be out of order ({', '.join(f'{n}={v}' for n, v in given)})"
    if hasattr(target, "lat") and hasattr(target, "lon") and (after("lat") is None) != (after("lon") is None):
        return "lat and lon: a point needs both"
    return None


class MergeData(_Data):
    into: IncidentId = Field(description="the incident whose reports these join")


class SplitData(_Data):
    articles: list[ArticleId] = Field(min_length=1, max_length=1000,
                                      description="the articles whose reports become an incident of their own")


class RevertData(_Data):
    review: int = Field(ge=1, le=2**53 - 1, description="the audit-log id of the decision to revert")


DATA_MODELS: dict[str, type[_Data]] = {"accept": NoData, "reject": NoData, "edit": IncidentEdit,
                                       "merge": MergeData, "split": SplitData, "revert": RevertData}
EDITABLE = tuple(IncidentEdit.model_fields)


def parse(action: str, data: object) -> _Data:
    """The decision's data as its model; raises ValueError (or pydantic's ValidationError,
    a ValueError) naming the problem."""
    model = DATA_MODELS.get(action)
    if model is None:
        raise ValueError(f"unknown action {action!r}: one of {', '.join(ACTIONS)}")
    return model.model_validate(data if data is not None else {})


def parse_logged(action: str, data: object) -> _Data:
    """A decision as read from the log: what the server recorded of its effects
    (``applied``: the new incident of a split, the reports moved) is not part of it."""
    if isinstance(data, dict) and "applied" in data:
        data = {k: v for k, v in data.items() if k != "applied"}
    return parse(action, data)


def check(action: str, data: dict) -> None:
    """Raise ValueError naming the problem with a review request."""
    parse(action, data)


def describe(exc: Exception) -> str:
    """A validation error in one line: the fields and what is wrong with each."""
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'data'}: {e['msg']}" for e in exc.errors())
    return str(exc)


@dataclasses.dataclass(kw_only=True)
class Problem:
    """A stored decision that is not applied, and why."""

    review_id: int
    target: str
    reason: str


def _latest_valid(reviews: list[Review], prefix: str, parse_one: Callable[[Review], _Data],
                  problems: list[Problem] | None) -> dict[str, tuple[Review, _Data]]:
    latest: dict[str, tuple[Review, _Data]] = {}
    for r in reviews:  # in log order: the latest well-formed decision on a target wins
        if not r.target.startswith(prefix):
            continue
        try:
            if r.problem:
                raise ValueError(r.problem)
            decision = parse_one(r)
        except (ValueError, TypeError, KeyError) as exc:
            if problems is not None:
                problems.append(Problem(review_id=r.id, target=r.target, reason=f"malformed: {describe(exc)}"))
            continue
        latest[r.target[len(prefix):]] = (r, decision)
    return latest


def apply(incidents: list[Incident], reviews: list[Review], problems: list[Problem] | None = None) -> list[Incident]:
    """How stores made before incidents were stored read the log (``fuse.stored.adopt_legacy``
    uses it once, to keep their merges and splits): the incidents with the latest
    well-formed decision on each applied. A decision that does not fit its schema, or
    fails to apply, is skipped (and added to ``problems``)."""
    by_id = {i.id: i for i in incidents}
    reviews = [r for r in reviews if r.action not in MACHINE_ACTIONS and r.action != "revert"]
    latest = _latest_valid(reviews, "incident:", lambda r: parse_logged(r.action, r.data), problems)

    def skipped(r: Review, reason: str) -> None:
        if problems is not None:
            problems.append(Problem(review_id=r.id, target=r.target, reason=reason))

    # structural decisions first (split, merge), then the ones on content
    for iid, (r, d) in latest.items():
        inc = by_id.get(iid)
        if inc is None:
            continue
        try:
            if isinstance(d, SplitData):
                wanted = set(d.articles)
                moved = [m for m in inc.mentions if m.article in wanted]
                kept = [m for m in inc.mentions if m.article not in wanted]
                if moved and kept:
                    inc.mentions = kept
                    recompute_tolls(inc)
                    new = dataclasses.replace(inc, id=stable_id(moved), mentions=moved, toll_trail=[])
                    recompute_tolls(new)
                    new.review = f"split from {inc.id} by {r.user_name}"
                    by_id[new.id] = new
                else:
                    skipped(r, "no longer applies: the incident has no report of those articles to split off")
            elif isinstance(d, MergeData):
                if d.into in by_id and d.into != iid:
                    target = by_id[d.into]
                    target.mentions = target.mentions + inc.mentions
                    recompute_tolls(target)
                    del by_id[iid]
                else:
                    skipped(r, f"no longer applies: no incident {d.into} to merge into")
        except Exception as exc:  # noqa: BLE001 - one decision never breaks the picture
            skipped(r, f"not applied: {type(exc).__name__}: {exc}")
    for iid, (r, d) in latest.items():
        inc = by_id.get(iid)
        if inc is None or isinstance(d, (MergeData, SplitData)):
            continue
        if isinstance(d, IncidentEdit):
            changes = d.model_dump(exclude_unset=True)
            why = conflict(inc, changes)
            if why:
                skipped(r, f"no longer applies: {why}")
                continue
            for k, v in changes.items():
                setattr(inc, k, v)
        inc.review = {"accept": "accepted", "edit": "edited", "reject": "rejected"}[r.action] + f" by {r.user_name}"
    return sorted(by_id.values(), key=lambda i: (i.date_start is None, i.date_start, i.label))


# ---------------------------------------------------------------- facts

FACT_KINDS = ("places", "dates", "figures", "quotes", "entities")
Count = Annotated[int, Field(ge=0, le=10**12), BeforeValidator(_whole)]
_DAY = r"[1-9]\d{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?"
DateValue = Annotated[str, StringConstraints(pattern=rf"^{_DAY}(/{_DAY})?$")]


class PlaceEdit(_Edit):
    name: Text = None  # type: ignore[assignment]
    country: Country | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    kind: PlaceKind = None  # type: ignore[assignment]
    precision: GeoPrecision = None  # type: ignore[assignment]


class DateEdit(_Edit):
    value: DateValue = None  # type: ignore[assignment]
    precision: DatePrecision = None  # type: ignore[assignment]

    @field_validator("value")
    @classmethod
    def _real_dates(cls, v: str | None) -> str | None:
        from datetime import date

        for part in (v or "").split("/"):
            bits = [int(x) for x in part.split("-") if x]
            if bits:
                date(bits[0], *(bits[1:] + [1, 1])[:2])  # raises ValueError for month 13, day 32
        return v


class FigureEdit(_Edit):
    value: Count = None  # type: ignore[assignment]
    low: Count | None = None
    high: Count | None = None
    qualifier: Qualifier = None  # type: ignore[assignment]
    category: FigureCategory = None  # type: ignore[assignment]
    subject: Text = None  # type: ignore[assignment]
    attributed_to: Text | None = None


class QuoteEdit(_Edit):
    speaker: Text | None = None
    speaker_role: Text | None = None
    kind: QuoteKind = None  # type: ignore[assignment]
    medium: Text | None = None


class EntityEdit(_Edit):
    canonical: Text = None  # type: ignore[assignment]
    label: Literal["PERSON", "ORG", "NORP", "GPE", "OTHER"] = None  # type: ignore[assignment]
    role: Text | None = None


FACT_MODELS: dict[str, type[_Data]] = {"places": PlaceEdit, "dates": DateEdit, "figures": FigureEdit,
                                       "quotes": QuoteEdit, "entities": EntityEdit}
FACT_EDITABLE = {kind: set(model.model_fields) for kind, model in FACT_MODELS.items()}


def fact_target(source: Source, kind: str, start: int, end: int) -> str:
    """A fact is known by its source's content and its span: stable across re-analysis."""
    return f"fact:{kind}:{source.sha256[:16]}:{start}:{end}"


def parse_fact(kind: str, action: str, data: object) -> _Data:
    if kind not in FACT_KINDS:
        raise ValueError(f"unknown kind of fact {kind!r}: one of {', '.join(FACT_KINDS)}")
    if action not in ("accept", "edit", "reject"):
        raise ValueError("a fact is accepted, edited or rejected")
    if action != "edit":
        return NoData.model_validate(data if data is not None else {})
    out = FACT_MODELS[kind].model_validate(data if data is not None else {})
    if not out.model_fields_set:
        raise ValueError(f"edit of {kind} takes one or more fields among {', '.join(sorted(FACT_EDITABLE[kind]))}")
    return out


def check_fact(kind: str, action: str, data: dict) -> None:
    parse_fact(kind, action, data)


def _fact_parts(target: str) -> tuple[str, str, int, int]:
    kind, sha, start, end = target.split(":")[1:5]
    return kind, sha, int(start), int(end)


def apply_facts(source: Source, facts: DocumentFacts, reviews: list[Review],
                problems: list[Problem] | None = None) -> DocumentFacts:
    """The source's facts with analysts' decisions: rejected ones out, edits in."""
    latest = _latest_valid(reviews, "fact:", lambda r: parse_fact(_fact_parts(r.target)[0], r.action, r.data),
                           problems)
    if not latest:
        return facts
    for kind in FACT_KINDS:
        kept = []
        for f in getattr(facts, kind):
            found = latest.get(fact_target(source, kind, f.start, f.end)[len("fact:"):])
            if found is not None:
                r, d = found
                if r.action == "reject":
                    continue
                if r.action == "edit":
                    changes = d.model_dump(exclude_unset=True)
                    why = conflict(f, changes)
                    if why:
                        if problems is not None:
                            problems.append(Problem(review_id=r.id, target=r.target,
                                                    reason=f"no longer applies: {why}"))
                    else:
                        for k, v in changes.items():
                            setattr(f, k, v)
            kept.append(f)
        setattr(facts, kind, kept)
    return facts


def reviewed_facts(store: Store, source: Source, reviews: list[Review] | None = None) -> DocumentFacts:
    """What a source says, as analysts have reviewed it (the one way readers get facts).
    Pass ``reviews`` when reading many sources, to read the log once."""
    return apply_facts(source, store.facts(source.id), store.reviews() if reviews is None else reviews)


# ---------------------------------------------------------------- decisions on stored incidents

class DecisionError(ValueError):
    """A decision the store refuses: ``status`` 404 (a thing it names is not there) or
    409 (it would leave the record inconsistent)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclasses.dataclass(kw_only=True)
class State:
    edits: dict
    review: str | None
    reverted: set[int]


def reverted_ids(decisions: list[Review]) -> dict[int, int]:
    """Decision id -> the id of the revert that undid it."""
    out = {}
    for r in decisions:
        if r.action == "revert" and not r.problem:
            try:
                out[parse_logged("revert", r.data).review] = r.id
            except ValueError:
                continue
    return out


def replay(decisions: list[Review], base: str | None = None, problems: list[Problem] | None = None) -> State:
    """An incident's state from its decisions, in log order: edits accumulate, accept and
    reject set the state (accept confirms the incident with its edits), reverted decisions
    do not count."""
    undone = reverted_ids(decisions)
    edits: dict = {}
    state = base
    for r in decisions:
        if r.action in MACHINE_ACTIONS or r.action == "revert" or r.id in undone:
            continue
        try:
            if r.problem:
                raise ValueError(r.problem)
            d = parse_logged(r.action, r.data)
        except (ValueError, TypeError) as exc:
            if problems is not None:
                problems.append(Problem(review_id=r.id, target=r.target, reason=f"malformed: {describe(exc)}"))
            continue
        if isinstance(d, IncidentEdit):
            edits.update(d.model_dump(mode="json", exclude_unset=True))
            state = f"edited by {r.user_name}"
        elif r.action == "accept":
            state = f"accepted by {r.user_name}"
        elif r.action == "reject":
            state = f"rejected by {r.user_name}"
    return State(edits=edits, review=state, reverted=set(undone))


def _split_base(conn, row: dict) -> str | None:
    from sitroom.store.db import reviews_in

    parent = row.get("split_from")
    if not parent:
        return None
    log = reviews_in(conn, [f"incident:{parent}"])
    undone = reverted_ids(log)
    for r in reversed(log):
        if r.action == "split" and r.id not in undone and (r.data.get("applied") or {}).get("child") == row["id"]:
            return f"split from {parent} by {r.user_name}"
    return None


def refresh_state(conn, incident_id: str) -> None:
    """Store an incident's review state and accumulated edits as its log says (in the
    caller's transaction); ``fuse.stored.recompute`` then applies the edits."""
    from sitroom.store import incidents as sql
    from sitroom.store.db import reviews_in

    rows = sql.rows(conn, ids=[incident_id], statuses=None)
    if not rows:
        return
    st = replay(reviews_in(conn, [f"incident:{incident_id}"]), base=_split_base(conn, rows[0]))
    sql.update_incident(conn, incident_id, {"review": st.review, "edits": st.edits, "updated_at": sql.now()})


def decide(store: Store, user, incident_id: str, action: str, data: _Data, note: str | None = None) -> Review:
    """Record one analyst's decision on an incident with its effects, in one transaction.
    A decision sent to a merged incident goes to the one it was merged into. Raises
    DecisionError (404, 409) when the store refuses it, PermissionError for a viewer."""
    from sitroom.fuse import stored
    from sitroom.store import incidents as sql
    from sitroom.store.db import audit

    if not user.can_review:
        raise PermissionError(f"{user.name} is a {user.role}: only analysts and admins review")

    def fn(conn) -> Review:
        iid = sql.resolve(conn, incident_id)
        if iid is None:
            raise DecisionError(404, f"no incident {incident_id}")
        row = sql.rows(conn, ids=[iid], statuses=None)[0]
        if row["status"] != "active" and action != "revert":
            raise DecisionError(409, f"incident {iid} is {row['status']}: only a revert applies to it")
        target = f"incident:{iid}"
        payload = data.model_dump(mode="json", exclude_unset=True)
        if isinstance(data, IncidentEdit):
            why = conflict(stored.from_row(row, []), data.model_dump(exclude_unset=True))
            if why:
                raise DecisionError(409, f"data: {why}")
        elif isinstance(data, MergeData):
            into = sql.resolve(conn, data.into)
            if into is None:
                raise DecisionError(404, f"data.into: no incident {data.into} to merge into")
            if into == iid:
                raise DecisionError(409, "data.into: an incident cannot be merged into itself")
            if sql.rows(conn, ids=[into])[:1] == []:
                raise DecisionError(409, f"data.into: incident {into} is not active")
            payload["into"] = into
        elif isinstance(data, SplitData):
            articles = {l["source_id"] for l in sql.links(conn, incident_ids=[iid])}
            have = {(s["external_id"] or str(sid)) for sid, s in sql.source_info(conn, ids=articles).items()}
            unknown = sorted(set(data.articles) - have)
            if unknown:
                raise DecisionError(409, f"data.articles: not reports of {iid}: {', '.join(unknown)}")
            if have <= set(data.articles):
                raise DecisionError(409, "data.articles: a split leaves at least one article in the incident")
        elif isinstance(data, RevertData):
            return _revert(conn, user, iid, data.review, note)
        child = None
        if isinstance(data, SplitData):  # the new incident's id goes in the decision, as it is made
            child = stored.new_id()
            payload["applied"] = {"child": child}
        r = audit(conn, target, action, payload, user.name, note)
        touched = {iid}
        if isinstance(data, MergeData):
            stored.merge_into(conn, iid, payload["into"], r.id)
            touched = {payload["into"]}
        elif isinstance(data, SplitData):
            stored.split_off(conn, iid, set(data.articles), r.id, child)
            touched |= {child}
        else:
            sql.update_incident(conn, iid, {"needs_review": False, "review_reason": None})
        for t in touched:
            refresh_state(conn, t)
        stored.recompute(None, touched, conn=conn)
        return r

    return store.incident_write(fn)


def _revert(conn, user, iid: str, review_id: int, note: str | None) -> Review:
    from sitroom.fuse import stored
    from sitroom.store import incidents as sql
    from sitroom.store.db import audit, review_by_id, reviews_in

    d = review_by_id(conn, review_id)
    if d is None or not d.target.startswith("incident:"):
        raise DecisionError(404, f"data.review: no decision {review_id} on an incident")
    if d.action == "revert":
        raise DecisionError(409, "data.review: a revert is not reverted; record the decision again instead")
    if d.action not in ACTIONS:
        raise DecisionError(409, f"data.review: {d.action!r} is fusion's record, not a decision")
    on = d.target[len("incident:"):]
    related = {iid, *sql.merged_into(conn, iid)}
    child = (d.data.get("applied") or {}).get("child") if d.action == "split" else None
    if on not in related and child != iid and sql.resolve(conn, on) != iid:
        raise DecisionError(409, f"data.review: decision {review_id} is on {on}, not on {iid} or what was merged into it")
    log = reviews_in(conn, [d.target])
    if review_id in reverted_ids(log):
        raise DecisionError(409, f"data.review: decision {review_id} is reverted already")
    r = audit(conn, d.target, "revert", {"review": review_id}, user.name, note)
    touched = {on}
    if d.action in ("merge", "split"):
        touched |= set(stored.undo(conn, d, r.id))
        if child:
            touched.add(child)
    sql.update_incident(conn, iid, {"needs_review": False, "review_reason": None})
    for t in touched:
        refresh_state(conn, t)
    stored.recompute(None, [t for t in touched], conn=conn)
    return r


# ---------------------------------------------------------------- the review queue

QUEUE_REASONS = ("needs review", "low-confidence merge", "contested", "single source", "date unknown", "unreviewed")


def queue(incidents: list[Incident]) -> list[tuple[Incident, list[str]]]:
    """Incidents an analyst should look at, most uncertain first: flagged for review
    (a report left a reviewed incident), low-confidence merges, contested tolls or
    denials, single sources, undated ones, then the rest not yet reviewed. Accepted,
    edited and rejected incidents come back only when flagged."""
    from sitroom.fuse import grading
    from sitroom.fuse.stored import LOW_CONFIDENCE

    out = []
    for inc in incidents:
        needs = bool(getattr(inc, "needs_review", False))
        if inc.review and not needs:
            continue
        reasons = []
        if needs:
            reasons.append(f"needs review: {getattr(inc, 'review_reason', None) or 'flagged'}")
        conf = getattr(inc, "confidence", 1.0)
        if len(inc.mentions) > 1 and conf < LOW_CONFIDENCE:
            reasons.append(f"low-confidence merge: {conf:.2f}")
        g = grading.grade(inc)
        if g.grade in ("contested", "denied"):
            reasons.append(f"{g.grade}: {g.reason}")
        if g.independent_sources <= 1:
            reasons.append("single source")
        if inc.date_start is None:
            reasons.append("date unknown")
        if not reasons:
            reasons.append("unreviewed")
        rank = min(i for i, name in enumerate(QUEUE_REASONS) for x in reasons
                   if x.startswith(name) or (name == "contested" and x.startswith("denied")))
        out.append((rank, conf, -len(inc.mentions), inc.id, inc, reasons))
    out.sort(key=lambda x: x[:4])
    return [(inc, reasons) for *_, inc, reasons in out]


# ---------------------------------------------------------------- the log's state

def log_status(store: Store, reviews: list[Review], incident_ids: set[str] | None = None) -> dict[int, str]:
    """For each decision of the log: "applies", "superseded" (a later decision sets the
    same state or fields), "reverted by N", "malformed: ...", "no longer applies: ..." (its
    incident is gone, or its fact), "merged into X" (decisions on an incident merged since)."""
    from sitroom.store import incidents as sql

    problems: list[Problem] = []
    out: dict[int, str] = {}
    by_target: dict[str, list[Review]] = {}
    for r in reviews:
        if r.target.startswith("incident:"):
            by_target.setdefault(r.target, []).append(r)
    rows = store.incident_read(lambda c: {r["id"]: r for r in sql.rows(
        c, ids=[t[len("incident:"):] for t in by_target], statuses=None)}) if by_target else {}
    for target, decisions in by_target.items():
        iid = target[len("incident:"):]
        undone = reverted_ids(decisions)
        row = rows.get(iid)
        later_fields: set[str] = set()
        later_state = False
        for r in reversed(decisions):
            if r.action in MACHINE_ACTIONS:
                out[r.id] = "recorded by fusion"
                continue
            try:
                d = parse_logged(r.action, r.data) if not r.problem else None
                if d is None:
                    raise ValueError(r.problem)
            except (ValueError, TypeError) as exc:
                out[r.id] = f"malformed: {describe(exc)}"
                continue
            if r.id in undone:
                out[r.id] = f"reverted by {undone[r.id]}"
                continue
            if r.action == "revert":
                out[r.id] = "applies"
                continue
            if row is None:
                out[r.id] = f"no longer applies: no incident {iid}"
                continue
            if isinstance(d, MergeData):
                out[r.id] = "applies" if row["status"] == "merged" and row["merged_into"] == d.into else \
                    f"no longer applies: no incident {d.into} to merge into" if d.into not in rows and \
                    not store.incident_read(lambda c: sql.exists(c, d.into)) else \
                    "no longer applies: it was not merged into " + d.into
                continue
            if isinstance(d, SplitData):
                child = (r.data.get("applied") or {}).get("child")
                out[r.id] = "applies" if child and store.incident_read(lambda c: sql.exists(c, child)) else \
                    "no longer applies: nothing was split off by it"
                continue
            if row["status"] == "merged":
                out[r.id] = f"merged into {row['merged_into']}"
                continue
            if row["status"] in ("gone", "withdrawn") and r.action not in ("merge", "split"):
                out[r.id] = f"no longer applies: incident {iid} is {row['status']}"
                continue
            if isinstance(d, IncidentEdit):
                fields = set(d.model_fields_set)
                out[r.id] = "superseded" if fields <= later_fields else "applies"
                later_fields |= fields
            elif r.action in ("accept", "reject"):
                out[r.id] = "superseded" if later_state else "applies"
                later_state = True
            else:
                out[r.id] = "applies"
    latest_fact = _latest_valid(reviews, "fact:", lambda r: parse_fact(_fact_parts(r.target)[0], r.action, r.data),
                                problems)
    out.update({p.review_id: p.reason for p in problems})
    sources_by_sha: dict[str, Source] | None = None
    spans: dict[tuple[int, str], set[tuple[int, int]]] = {}
    for key, (r, _) in latest_fact.items():
        if sources_by_sha is None:
            sources_by_sha = {s.sha256[:16]: s for s in store.iter_sources()}
        kind, sha, start, end = _fact_parts("fact:" + key)
        s = sources_by_sha.get(sha)
        if s is None:
            out[r.id] = "no longer applies: its source is gone"
            continue
        if (s.id, kind) not in spans:
            spans[(s.id, kind)] = {(f.start, f.end) for f in getattr(store.facts(s.id), kind)}
        out[r.id] = "applies" if (start, end) in spans[(s.id, kind)] else \
            f"no longer applies: source {s.id} has no {kind} fact at {start}-{end}"
    for r in reviews:
        out.setdefault(r.id, "superseded" if r.target.startswith(("incident:", "fact:")) else "unknown target")
    return out
