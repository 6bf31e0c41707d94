"""Analysts' decisions applied to the machine's picture: incidents and facts.

Reviews are an append-only log in the store (who, when, what); the latest decision on an
incident wins. Incident ids derive from an incident's first report, so a decision made
today still applies after re-analysis or when new sources arrive:
- accept: the incident is marked reviewed as it is;
- edit: the given fields (label, types, place, tolls) replace the machine's;
- reject: the incident is kept out of lists and exports (still listed with ``everything``);
- merge {"into": ID}: its reports join incident ID, whose tolls are recomputed;
- split {"articles": [...]}: the reports of those articles become an incident of their own.

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
ACTIONS = ("accept", "edit", "reject", "merge", "split")
INCIDENT_ID = r"^i[0-9a-f]{10}$"
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


DATA_MODELS: dict[str, type[_Data]] = {"accept": NoData, "reject": NoData, "edit": IncidentEdit,
                                       "merge": MergeData, "split": SplitData}
EDITABLE = tuple(IncidentEdit.model_fields)


def parse(action: str, data: object) -> _Data:
    """The decision's data as its model; raises ValueError (or pydantic's ValidationError,
    a ValueError) naming the problem."""
    model = DATA_MODELS.get(action)
    if model is None:
        raise ValueError(f"unknown action {action!r}: one of {', '.join(ACTIONS)}")
    return model.model_validate(data if data is not None else {})


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
    """The incidents with the latest well-formed decision on each applied. A decision that
    does not fit its schema, or fails to apply, is skipped (and added to ``problems``)."""
    by_id = {i.id: i for i in incidents}
    latest = _latest_valid(reviews, "incident:", lambda r: parse(r.action, r.data), problems)

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


# ---------------------------------------------------------------- the log's state

def log_status(store: Store, reviews: list[Review], incident_ids: set[str]) -> dict[int, str]:
    """For each decision of the log: "applies", "superseded" (a later decision on the same
    target), "malformed: ..." or "no longer applies: ..." (its incident or fact is gone).
    ``incident_ids``: the incidents of the current picture (rejected ones included)."""
    problems: list[Problem] = []
    latest_inc = _latest_valid(reviews, "incident:", lambda r: parse(r.action, r.data), problems)
    latest_fact = _latest_valid(reviews, "fact:", lambda r: parse_fact(_fact_parts(r.target)[0], r.action, r.data),
                                problems)
    out = {p.review_id: p.reason for p in problems}
    for iid, (r, d) in latest_inc.items():
        if isinstance(d, MergeData):
            ok = d.into in incident_ids and iid not in incident_ids
            out[r.id] = "applies" if ok else f"no longer applies: no incident {d.into} to merge into" \
                if d.into not in incident_ids else f"no longer applies: no incident {iid}"
        else:
            out[r.id] = "applies" if iid in incident_ids else f"no longer applies: no incident {iid}"
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
