"""Notifications of live monitoring (``sitroom watch``): what changed in the stored
incidents in one round, as JSON payloads (docs/watch.md describes them), delivered to
a JSON Lines file, a webhook (POST, through the fetcher's rules) and the store (read by
the web app and ``GET /api/changes``).

Three kinds:

* ``new_incident``: fusion opened an incident;
* ``toll_rise``: an incident's best count of killed (or injured) is higher than before;
* ``contradiction``: an incident's tolls are now contested (independent sources give
  different counts for the same day) where they were not before.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Protocol

PAYLOAD_VERSION = 1
KINDS = ("new_incident", "toll_rise", "contradiction")


def _iso(v):
    if isinstance(v, datetime):
        return v.replace(microsecond=0).isoformat() + ("Z" if v.tzinfo is None else "")
    if isinstance(v, date):
        return v.isoformat()
    return v


def incident_summary(row: dict) -> dict:
    """The incident as a notification carries it (a stored incident row, JSON decoded)."""
    return {"id": row["id"], "collection": row.get("collection"), "label": row.get("label"),
            "event_type": row.get("event_type"), "sub_event_type": row.get("sub_event_type"),
            "place": row.get("place"), "country": row.get("country"), "lat": row.get("lat"), "lon": row.get("lon"),
            "date_start": _iso(row.get("date_start")), "date_end": _iso(row.get("date_end")),
            "killed": {"low": row.get("killed_low"), "best": row.get("killed_best"), "high": row.get("killed_high")},
            "injured": {"low": row.get("injured_low"), "best": row.get("injured_best"),
                        "high": row.get("injured_high")},
            "sources": row.get("source_count"), "mentions": row.get("mention_count"),
            "api": f"/api/incidents/{row['id']}"}


def _same_day_figures(row: dict) -> list[dict]:
    """The toll trail's counts for days on which they differ (what contradicts what)."""
    by_day: dict[str, list[dict]] = {}
    for t in row.get("toll_trail") or []:
        if t.get("killed") is None:
            continue
        day = str(t.get("as_of") or t.get("published") or "")
        by_day.setdefault(day, []).append({"article": t.get("article"), "outlet": t.get("outlet"),
                                           "killed": t.get("killed"), "attributed_to": t.get("attributed_to"),
                                           "sentence": t.get("sentence")})
    return [{"day": d, "figures": f} for d, f in sorted(by_day.items()) if len({x["killed"] for x in f}) > 1]


def changes(before: dict[str, dict], after: list[dict], *, at: datetime | None = None) -> list[dict]:
    """The notifications for incidents written in a round: ``before`` maps the ids of
    incidents that existed before it to their tolls and contested flag (``snapshot``),
    ``after`` holds the rows written since (active ones)."""
    at = at or datetime.now(timezone.utc).replace(tzinfo=None)
    out = []
    for row in sorted(after, key=lambda r: r["id"]):
        if row.get("status", "active") != "active":
            continue
        base = {"version": PAYLOAD_VERSION, "at": _iso(at), "incident": incident_summary(row)}
        old = before.get(row["id"])
        if old is None:
            out.append({"kind": "new_incident", **base})
            continue
        for what in ("killed", "injured"):
            was, now = old.get(f"{what}_best"), row.get(f"{what}_best")
            if now is not None and (was is None or now > was):
                out.append({"kind": "toll_rise", **base, "toll": what, "previous": was, "current": now})
        contested = bool((row.get("extra") or {}).get("toll_contested"))
        if contested and not old.get("contested"):
            out.append({"kind": "contradiction", **base, "figures": _same_day_figures(row)})
    return out


# ---------------------------------------------------------------- where they go


class Notifier(Protocol):
    name: str

    def send(self, notes: list[dict]) -> None: ...


@dataclass
class JsonlFile:
    """Appends one JSON object a line to a file."""
    path: Path

    @property
    def name(self) -> str:
        return f"file {self.path}"

    def send(self, notes: list[dict]) -> None:
        if not notes:
            return
        with open(self.path, "a", encoding="utf-8") as fh:
            for n in notes:
                fh.write(json.dumps(n, ensure_ascii=False, default=str) + "\n")


@dataclass
class Webhook:
    """POSTs one JSON object per round, ``{"type": "sitroom.changes", "version", "changes"}``,
    through a Fetcher (its address checks: a loopback or private hook needs allow_private)."""
    url: str
    fetcher: object  # sitroom.ingest.fetch.Fetcher

    @property
    def name(self) -> str:
        return f"webhook {self.url}"

    def send(self, notes: list[dict]) -> None:
        if not notes:
            return
        body = json.dumps({"type": "sitroom.changes", "version": PAYLOAD_VERSION, "changes": notes},
                          ensure_ascii=False, default=str).encode("utf-8")
        self.fetcher.post(self.url, body)


@dataclass
class StoreChanges:
    """Records each change in the store: the web app and GET /api/changes read them."""
    store: object  # sitroom.store.db.Store

    name: str = "store"

    def send(self, notes: list[dict]) -> None:
        for n in notes:
            n["change_id"] = self.store.add_change(n["kind"], n, incident_id=n["incident"]["id"],
                                                   collection=n["incident"].get("collection"))


def targets(specs: Iterable[str], *, fetcher) -> list[Notifier]:
    """``--notify`` values: an http(s) URL is a webhook, anything else a JSON Lines file."""
    out: list[Notifier] = []
    for spec in specs:
        if spec.startswith(("http://", "https://")):
            out.append(Webhook(spec, fetcher))
        else:
            out.append(JsonlFile(Path(spec.removeprefix("file:")).expanduser()))
    return out
