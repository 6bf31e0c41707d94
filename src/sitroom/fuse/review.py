"""Analysts' decisions applied to the machine's picture: incidents and facts.

Reviews are an append-only log in the store (who, when, what); the latest decision on an
incident wins. Incident ids derive from an incident's first report, so a decision made
today still applies after re-analysis or when new sources arrive:
- accept: the incident is marked reviewed as it is;
- edit: the given fields (label, types, place, tolls) replace the machine's;
- reject: the incident is kept out of lists and exports (still listed with ``everything``);
- merge {"into": ID}: its reports join incident ID, whose tolls are recomputed;
- split {"articles": [...]}: the reports of those articles become an incident of their own.
"""
from __future__ import annotations

import dataclasses

from sitroom.fuse.incidents import Incident, recompute_tolls, stable_id
from sitroom.models import DocumentFacts, Source
from sitroom.store.db import Review, Store

EDITABLE = {"label", "event_type", "sub_event_type", "place", "country", "lat", "lon", "killed_low",
            "killed_best", "killed_high", "injured_low", "injured_best", "injured_high"}
ACTIONS = ("accept", "edit", "reject", "merge", "split")


def check(action: str, data: dict) -> None:
    """Raise ValueError naming the problem with a review request."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}: one of {', '.join(ACTIONS)}")
    if action == "edit":
        bad = set(data) - EDITABLE
        if bad or not data:
            raise ValueError(f"edit takes fields among {', '.join(sorted(EDITABLE))}; got {', '.join(sorted(bad)) or 'none'}")
    if action == "merge" and not isinstance(data.get("into"), str):
        raise ValueError("merge needs {\"into\": INCIDENT_ID}")
    if action == "split" and not (isinstance(data.get("articles"), list) and data["articles"]):
        raise ValueError("split needs {\"articles\": [ARTICLE_ID, ...]}")


def apply(incidents: list[Incident], reviews: list[Review]) -> list[Incident]:
    by_id = {i.id: i for i in incidents}
    latest: dict[str, Review] = {}
    for r in reviews:  # in log order: the latest decision on a target wins
        if r.target.startswith("incident:"):
            latest[r.target.split(":", 1)[1]] = r
    # structural decisions first (split, merge), then the ones on content
    for iid, r in latest.items():
        inc = by_id.get(iid)
        if inc is None:
            continue
        if r.action == "split":
            moved = [m for m in inc.mentions if m.article in set(r.data["articles"])]
            kept = [m for m in inc.mentions if m not in moved]
            if moved and kept:
                inc.mentions = kept
                recompute_tolls(inc)
                new = dataclasses.replace(inc, id=stable_id(moved), mentions=moved, toll_trail=[])
                recompute_tolls(new)
                new.review = f"split from {inc.id} by {r.user_name}"
                by_id[new.id] = new
        elif r.action == "merge" and r.data["into"] in by_id and r.data["into"] != iid:
            target = by_id[r.data["into"]]
            target.mentions = target.mentions + inc.mentions
            recompute_tolls(target)
            del by_id[iid]
    for iid, r in latest.items():
        inc = by_id.get(iid)
        if inc is None or r.action in ("merge", "split"):
            continue
        if r.action == "edit":
            for k, v in r.data.items():
                setattr(inc, k, v)
        inc.review = {"accept": "accepted", "edit": "edited", "reject": "rejected"}[r.action] + f" by {r.user_name}"
    return sorted(by_id.values(), key=lambda i: (i.date_start is None, i.date_start, i.label))


# ---------------------------------------------------------------- facts

FACT_KINDS = ("places", "dates", "figures", "quotes", "entities")
FACT_EDITABLE = {
    "places": {"name", "country", "lat", "lon", "kind", "precision"},
    "dates": {"value", "precision"},
    "figures": {"value", "low", "high", "qualifier", "category", "subject", "attributed_to"},
    "quotes": {"speaker", "speaker_role", "kind", "medium"},
    "entities": {"canonical", "label", "role"},
}


def fact_target(source: Source, kind: str, start: int, end: int) -> str:
    """A fact is known by its source's content and its span: stable across re-analysis."""
    return f"fact:{kind}:{source.sha256[:16]}:{start}:{end}"


def check_fact(kind: str, action: str, data: dict) -> None:
    if kind not in FACT_KINDS:
        raise ValueError(f"unknown kind of fact {kind!r}: one of {', '.join(FACT_KINDS)}")
    if action not in ("accept", "edit", "reject"):
        raise ValueError("a fact is accepted, edited or rejected")
    if action == "edit":
        bad = set(data) - FACT_EDITABLE[kind]
        if bad or not data:
            raise ValueError(f"edit of {kind} takes fields among {', '.join(sorted(FACT_EDITABLE[kind]))}; "
                             f"got {', '.join(sorted(bad)) or 'none'}")


def apply_facts(source: Source, facts: DocumentFacts, reviews: list[Review]) -> DocumentFacts:
    """The source's facts with analysts' decisions: rejected ones out, edits in."""
    latest: dict[str, Review] = {r.target: r for r in reviews if r.target.startswith("fact:")}
    if not latest:
        return facts
    for kind in FACT_KINDS:
        kept = []
        for f in getattr(facts, kind):
            r = latest.get(fact_target(source, kind, f.start, f.end))
            if r is not None and r.action == "reject":
                continue
            if r is not None and r.action == "edit":
                for k, v in r.data.items():
                    setattr(f, k, v)
            kept.append(f)
        setattr(facts, kind, kept)
    return facts


def reviewed_facts(store: Store, source: Source, reviews: list[Review] | None = None) -> DocumentFacts:
    """What a source says, as analysts have reviewed it (the one way readers get facts).
    Pass ``reviews`` when reading many sources, to read the log once."""
    return apply_facts(source, store.facts(source.id), store.reviews() if reviews is None else reviews)
