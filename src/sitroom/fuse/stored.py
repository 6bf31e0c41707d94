"""Incidents kept in the store: minted once, attached to incrementally, recomputed only
where something changed.

- **Incremental fusion** (``fuse_pending``, run by ``pipeline.extract_pending`` after
  extraction): a source's mentions are matched with the links it had (a re-extracted
  mention keeps its incident), the ones that no longer fit move out, and every mention not
  placed is scored (``fuse.incidents.attach_score``) against the stored incidents that
  share a blocking key with it (type family, ISO week, place name, grid cell or country,
  as ``merge`` blocks) in its collection: it joins the best one at ``JOIN_THRESHOLD`` or
  above; a mention located only to an area (or nowhere) that fits none joins the incident
  of a place inside the area (``fuse.incidents.area_fit``, as ``merge`` attaches areas);
  else it opens a new incident. A mention that fits several incidents no analyst has
  touched joins them into one (as ``merge``'s single link does, unless ``can_join``
  forbids: two sites, or unlocated dates too far apart); the others keep their
  ids and the absorbed one is kept as ``merged`` so its id still resolves. Only the
  incidents touched are recomputed (``fuse.incidents.summarise``).
- **Re-fusion** (``refuse``, ``analyze --reextract``): ``merge`` over a whole collection,
  each new cluster keeping the id of the stored incident it shares most mentions with;
  mentions an analyst placed (a merge, a split) stay where the analyst put them.
- **Analysts' decisions** (``fuse/review.py``) change stored incidents through
  ``merge_into``, ``split_off``, ``undo`` and ``recompute`` here.
- **Independence groups** (``regroup``, before each fusion): each source's signature is
  stored once; a new source is compared with the sources sharing an LSH band key with it,
  and the incidents of sources whose group changed are recomputed.

When a mention leaves an incident that an analyst has decided on (re-extraction moved it,
or it vanished), an entry in the audit log says so and the incident is flagged
``needs_review``.

Ids are ULIDs (``new_id``): 48 bits of milliseconds and 80 random bits in Crockford's
base 32, written lower-case after an "i". Minted without asking the database (the same on
SQLite and PostgreSQL, and by several writers at once), they sort by creation time, so
listings in id order are in the order incidents were first seen. It is 20 lines, so it is
written here rather than taken as a dependency. Stores made before incidents were stored
keep the ids their incidents had (``adopt_legacy``: the first report's hash).
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import Connection

from sitroom.fuse import incidents as fusion
from sitroom.fuse.incidents import Incident, MentionRef, TollReport, attach_score, family, name_tokens, summarise
from sitroom.models import EventMention
from sitroom.store import incidents as sql

MACHINE = "sitroom (fusion)"       # who the audit log names for what fusion records
LOW_CONFIDENCE = 0.75             # an incident joined by a weaker score is a low-confidence merge
SCORE_SAMPLE = 40                 # members a confidence score is computed against (batch re-fusion)
AREA = ("region", "country", "admin")
DATE_FIELDS = ("date_start", "date_end")


# ---------------------------------------------------------------- ids

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_ulid_lock = threading.Lock()
_ulid_last = [0, 0]  # (ms, random) of the last id: ids minted in one millisecond still sort


def new_id() -> str:
    """A new incident id: "i" and a ULID in lower case (see the module's docstring)."""
    with _ulid_lock:
        ms = int(time.time() * 1000)
        if ms <= _ulid_last[0]:
            ms, rnd = _ulid_last[0], (_ulid_last[1] + 1) % (1 << 80)
        else:
            rnd = int.from_bytes(os.urandom(10), "big")
        _ulid_last[:] = [ms, rnd]
    n = (ms << 80) | rnd
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[n & 31])
        n >>= 5
    return "i" + "".join(reversed(chars))


def id_time(incident_id: str) -> datetime | None:
    """When a ULID id was minted (None for an id of an older store)."""
    if len(incident_id) != 27:
        return None
    n = 0
    for c in incident_id[1:]:
        n = n * 32 + _CROCKFORD.index(c)
    return datetime.utcfromtimestamp((n >> 80) / 1000)


@functools.lru_cache(maxsize=1)
def method_stamp() -> str:
    """The fusion method: sitroom's version and a hash of the fusion code and lexicons."""
    from pathlib import Path

    from sitroom import __version__
    from sitroom.extract import lexicon

    h = hashlib.sha256()
    for name in ("incidents.py", "stored.py"):
        p = Path(__file__).with_name(name)
        h.update(p.read_bytes() if p.exists() else b"")
    h.update(lexicon.digest().encode())
    return f"{__version__}+fuse.{h.hexdigest()[:10]}"


# ---------------------------------------------------------------- the stored record

@dataclass(kw_only=True)
class StoredIncident(Incident):
    """An incident as the store keeps it: the fused fields (analysts' edits applied) and
    what the store knows besides."""

    collection: str = "default"
    status: str = "active"
    merged_into: str | None = None
    parent_id: str | None = None        # the umbrella incident this one is a part of
    split_from: str | None = None       # the incident an analyst split this one off
    needs_review: bool = False
    review_reason: str | None = None
    confidence: float = 1.0
    edits: dict = field(default_factory=dict)
    asserted: bool = True
    method: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def date_known(self) -> bool:
        return self.date_start is not None

    @property
    def when(self) -> str:
        """The date as people read it: a day, a range, or "date unknown" (never "None")."""
        if self.date_start is None:
            return "date unknown"
        if self.date_end and self.date_end != self.date_start:
            return f"{self.date_start} – {self.date_end}"
        return str(self.date_start)


_INCIDENT_FIELDS = {f.name for f in dataclasses.fields(Incident)}
_COLUMNS = ("event_type", "sub_event_type", "label", "date_start", "date_end", "date_precision", "place", "country",
            "lat", "lon", "geo_precision", "killed_low", "killed_best", "killed_high", "injured_low", "injured_best",
            "injured_high")
_ROW_ONLY = ("collection", "status", "merged_into", "parent_id", "split_from", "needs_review", "review_reason",
             "confidence", "edits", "asserted", "method", "created_at", "updated_at", "review")


def _plain(v):
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if dataclasses.is_dataclass(v):
        return {k: _plain(x) for k, x in dataclasses.asdict(v).items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


def _trail_in(items: list[dict]) -> list[TollReport]:
    names = {f.name: f for f in dataclasses.fields(TollReport)}
    out = []
    for t in items:
        kw = {k: v for k, v in t.items() if k in names}
        if isinstance(kw.get("published"), str):
            try:
                kw["published"] = date.fromisoformat(kw["published"])
            except ValueError:
                kw["published"] = None
        try:
            out.append(TollReport(**kw))
        except TypeError:
            continue
    return out


def from_row(row: dict, mentions: list[MentionRef]) -> StoredIncident:
    kw = {k: row.get(k) for k in _COLUMNS}
    kw["date_precision"] = kw["date_precision"] or "unknown"
    kw["geo_precision"] = kw["geo_precision"] or "region"
    inc = StoredIncident(id=row["id"], actors=list(row.get("actors") or []), mentions=mentions,
                         toll_trail=_trail_in(row.get("toll_trail") or []), review=row.get("review"),
                         **kw, **{k: row.get(k) for k in _ROW_ONLY if k != "review"})
    inc.needs_review = bool(inc.needs_review)
    inc.asserted = bool(inc.asserted) if inc.asserted is not None else True
    inc.edits = dict(row.get("edits") or {})
    for k, v in (row.get("extra") or {}).items():  # fields a newer fusion gives that have no column
        if k in _INCIDENT_FIELDS and k not in kw:
            try:
                setattr(inc, k, v)
            except (AttributeError, TypeError):
                pass
    return inc


def _row_values(inc: Incident, members: list["Member"], edits: dict) -> dict:
    """The columns of a recomputed incident, analysts' edits applied on top."""
    for k, v in edits.items():
        if k in _INCIDENT_FIELDS:
            if k in DATE_FIELDS and isinstance(v, str):
                v = date.fromisoformat(v)
            setattr(inc, k, v)
    values = {k: getattr(inc, k) for k in _COLUMNS}
    if inc.date_start is None:
        values["date_precision"] = "unknown"  # undated: shown as unknown, matched by no date filter
    values["actors"] = list(inc.actors)
    values["toll_trail"] = _plain(inc.toll_trail)
    values["extra"] = {k: _plain(getattr(inc, k)) for k in _INCIDENT_FIELDS
                       if k not in _COLUMNS and k not in ("id", "actors", "toll_trail", "mentions", "review")}
    values["mention_count"] = len(members)
    values["source_count"] = inc.independent_sources
    values["asserted"] = any(m.ref.mention.stance in ("asserted", "claimed") for m in members)
    values["confidence"] = min((m.score for m in members), default=1.0)
    values["method"] = method_stamp()
    values["updated_at"] = sql.now()
    return values


# ---------------------------------------------------------------- mentions: keys and blocking

def mention_keys(ms: list[EventMention]) -> list[str]:
    """A mention's key in its source: span and place (one sentence may report a happening
    in two places); a repeat of one key gets "#2", "#3"."""
    seen: dict[str, int] = {}
    out = []
    for m in ms:
        base = f"{m.start}:{m.end}:{hashlib.sha1((m.place or '').encode()).hexdigest()[:10]}"
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return out


def _weeks(m: EventMention) -> set[str]:
    if not m.date_start:
        return set()
    d, end = m.date_start - fusion.SLACK, (m.date_end or m.date_start) + fusion.SLACK
    out = set()
    while d <= end and len(out) < 8:
        y, w, _ = d.isocalendar()
        out.add(f"{y}-{w:02d}")
        d += timedelta(days=7)
    y, w, _ = end.isocalendar()
    out.add(f"{y}-{w:02d}")
    return out


def _cell(lat: float, lon: float) -> tuple[int, int]:
    import math

    return int(math.floor(lat * 2)), int(math.floor(lon))


def _name_locs(m: EventMention) -> set[str]:
    words, _ = name_tokens(m.place or "")
    return {"n:" + (m.place or "").lower()} | {"w:" + w for w in words}


def _own_locs(m: EventMention) -> set[str]:
    locs = _name_locs(m)
    if m.geo_precision in ("point", "near") and m.lat is not None:
        cy, cx = _cell(m.lat, m.lon)
        locs.add(f"c:{cy}:{cx}")
    if m.country:
        locs.add("k:" + m.country)
    return locs


def _query_locs(m: EventMention) -> set[str]:
    locs = _name_locs(m)
    if m.geo_precision in ("point", "near") and m.lat is not None:
        cy, cx = _cell(m.lat, m.lon)
        locs |= {f"c:{cy + dy}:{cx + dx}" for dy in (-1, 0, 1) for dx in (-1, 0, 1)}
    if (m.geo_precision in AREA or m.lat is None) and m.country:
        locs.add("k:" + m.country)  # an area-wide report looks at the incidents of its country
    return locs


def block_keys(ms: list[EventMention]) -> set[tuple[str, str, str]]:
    out = set()
    for m in ms:
        fam = family(m)
        for w in (_weeks(m) or {"undated"}):
            for loc in _own_locs(m):
                out.add((fam, w, loc))
    return out


# ---------------------------------------------------------------- the working set of one step

@dataclass(kw_only=True)
class Member:
    ref: MentionRef
    key: str
    score: float = 1.0
    how: str = "attached"
    pinned: bool = False
    review_id: int | None = None
    link_id: int | None = None
    added_at: datetime | None = None


class Work:
    """Incidents loaded for one transaction: their rows and members, what changed."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.rows: dict[str, dict] = {}
        self.members: dict[str, list[Member]] = {}
        self.loaded_links: dict[int, dict] = {}
        self.touched: set[str] = set()
        self.new: set[str] = set()
        self.new_written: set[str] = set()
        self.lost: dict[str, list[tuple[Member, str]]] = defaultdict(list)   # incident -> (mention, why)
        self.sources: dict[int, dict] = {}
        self._events: dict[int, list[EventMention]] = {}
        self._keys: dict[int, dict[str, EventMention]] = {}
        self.overrides: dict[int, dict[int, Member | None]] = {}  # source -> link id -> its new member (None: gone)
        self.mem_blocks: dict[tuple[str, str], set[str]] = defaultdict(set)   # (family, loc) -> incidents
        self.mem_weeks: dict[str, set[str]] = defaultdict(set)
        self._analysed: dict[str, bool] = {}

    # -- sources and mentions
    def source(self, sid: int) -> dict:
        if sid not in self.sources:
            self.sources.update(sql.source_info(self.conn, ids=[sid]))
        return self.sources[sid]

    def load_sources(self, sids) -> None:
        missing = [s for s in set(sids) if s not in self.sources]
        if missing:
            self.sources.update(sql.source_info(self.conn, ids=missing))

    def events(self, sid: int) -> list[EventMention]:
        if sid not in self._events:
            self.prefetch_events([sid])
        return self._events[sid]

    def prefetch_events(self, sids) -> None:
        missing = [s for s in set(sids) if s not in self._events]
        if not missing:
            return
        got = sql.events(self.conn, missing)
        for s in missing:
            self._events[s] = got.get(s, [])
            self._keys[s] = dict(zip(mention_keys(self._events[s]), self._events[s]))

    def keyed(self, sid: int) -> dict[str, EventMention]:
        self.events(sid)
        return self._keys[sid]

    def ref(self, sid: int, m: EventMention) -> MentionRef:
        s = self.source(sid)
        return MentionRef(mention=m, source_id=sid, article=s["external_id"] or str(sid),
                          origin_group=s.get("origin_group") or f"g{sid}",
                          published=s.get("first_published") or s.get("published"), outlet=s.get("outlet"))

    # -- incidents
    def load(self, ids) -> None:
        ids = [i for i in set(ids) if i not in self.rows]
        if not ids:
            return
        for r in sql.rows(self.conn, ids=ids, statuses=None):
            self.rows[r["id"]] = r
            self.members[r["id"]] = []
        links = sql.links(self.conn, incident_ids=ids)
        self.load_sources(l["source_id"] for l in links)
        self.prefetch_events(l["source_id"] for l in links if l["source_id"] not in self.overrides)
        for l in links:
            self.loaded_links[l["id"]] = l
            iid = l["incident_id"]
            if l["source_id"] in self.overrides:
                member = self.overrides[l["source_id"]].get(l["id"])
                if member is not None:
                    self.members[iid].append(member)
                continue
            m = self.keyed(l["source_id"]).get(l["mention_key"])
            if m is None:  # its fact is gone (a crash between extraction and fusion): drop the link
                self.lost[iid].append((Member(ref=None, key=l["mention_key"], link_id=l["id"]),  # type: ignore[arg-type]
                                       "its report is no longer extracted"))
                self.touched.add(iid)
                continue
            self.members[iid].append(Member(ref=self.ref(l["source_id"], m), key=l["mention_key"], score=l["score"],
                                            how=l["how"], pinned=bool(l["pinned"]), review_id=l["review_id"],
                                            link_id=l["id"], added_at=l["added_at"]))

    def open(self, collection: str, *, split_from: str | None = None, iid: str | None = None) -> str:
        iid = iid or new_id()
        t = sql.now()
        self.rows[iid] = {"id": iid, "collection": collection, "status": "active", "edits": {}, "review": None,
                          "split_from": split_from, "created_at": t, "needs_review": False}
        self.members[iid] = []
        self.new.add(iid)
        self.touched.add(iid)
        return iid

    def add(self, iid: str, member: Member) -> None:
        self.members[iid].append(member)
        self.touched.add(iid)
        m = member.ref.mention
        fam = family(m)
        for loc in _own_locs(m):
            self.mem_blocks[(fam, loc)].add(iid)
        self.mem_weeks[iid] |= (_weeks(m) or {"undated"})

    def remove(self, iid: str, member: Member, why: str | None) -> None:
        self.members[iid] = [x for x in self.members[iid] if x is not member]
        self.touched.add(iid)
        if why:
            self.lost[iid].append((member, why))

    def analysed(self, iid: str) -> bool:
        """Has an analyst decided anything on it (or placed a mention in it)?"""
        if iid not in self._analysed:
            row = self.rows.get(iid) or {}
            from sitroom.store.db import reviews_in

            self._analysed[iid] = bool(
                row.get("review") or row.get("edits") or row.get("split_from")
                or any(m.pinned for m in self.members.get(iid, []))
                or any(r.action in ANALYST_ACTIONS for r in reviews_in(self.conn, [f"incident:{iid}"])))
        return self._analysed[iid]

    def candidates(self, m: EventMention, collections: set[str] | None) -> set[str]:
        fam, locs = family(m), _query_locs(m)
        weeks = _weeks(m) or None
        found = sql.candidates(self.conn, fam, locs, weeks, collections)
        for loc in locs:
            for iid in self.mem_blocks.get((fam, loc), ()):
                if weeks is None or self.mem_weeks[iid] & (weeks | {"undated"}):
                    found.add(iid)
        self.load(found)
        return {i for i in found if self.rows[i]["status"] == "active" and self.members[i]
                and (collections is None or self.rows[i]["collection"] in collections)}

    # -- writing
    def flush(self) -> list[str]:
        """Write every touched incident: recomputed, or removed when no mention is left.
        Returns the ids written."""
        conn = self.conn
        final_links: dict[int, tuple[str, Member]] = {}
        inserts: list[tuple[str, Member]] = []
        for iid, mems in self.members.items():  # loaded and untouched ones keep their links
            for mem in mems:
                if mem.link_id is not None:
                    final_links[mem.link_id] = (iid, mem)
                elif iid in self.touched:
                    inserts.append((iid, mem))
        # links that no longer belong anywhere: everything loaded and not kept, and the
        # links of sources whose mentions were matched again but ended nowhere
        gone = {lid for lid in self.loaded_links if lid not in final_links}
        for by_link in self.overrides.values():
            gone |= {lid for lid in by_link if lid not in final_links}
        t = sql.now()
        written, empty = [], []
        # 1. incident rows (new ones first exist, so that links can point at them)
        for iid in sorted(self.touched):
            row = self.rows[iid]
            members = self.members[iid]
            if not members:
                empty.append(iid)
                continue
            inc = summarise([m.ref for m in members], iid)
            values = _row_values(inc, members, row.get("edits") or {})
            if iid in self.new:
                sql.insert_incident(conn, {**row, **values, "created_at": row.get("created_at") or t})
                self.new_written.add(iid)
            else:
                sql.update_incident(conn, iid, values)
            row.update(values)
            written.append(iid)
        # 2. links: removals, then moves and changes (in two steps when a key changes, so
        # that two links swapping keys never collide), then new ones
        sql.delete_links(conn, gone)
        changed = []
        for lid, (iid, mem) in final_links.items():
            old = self.loaded_links.get(lid) or {}
            values = dict(incident_id=iid, mention_key=mem.key, start=mem.ref.mention.start, end=mem.ref.mention.end,
                          place=mem.ref.mention.place, trigger=mem.ref.mention.trigger,
                          event_type=mem.ref.mention.event_type, score=mem.score, how=mem.how, pinned=mem.pinned,
                          review_id=mem.review_id)
            if any(old.get(k) != v for k, v in values.items()):
                changed.append((lid, values, old.get("mention_key") != mem.key))
        for lid, _, rekey in changed:
            if rekey:
                sql.update_link(conn, lid, {"mention_key": f"~{lid}"})
        for lid, values, _ in changed:
            sql.update_link(conn, lid, values)
        sql.insert_links(conn, [dict(incident_id=iid, source_id=mem.ref.source_id, mention_key=mem.key,
                                     start=mem.ref.mention.start, end=mem.ref.mention.end, place=mem.ref.mention.place,
                                     trigger=mem.ref.mention.trigger, event_type=mem.ref.mention.event_type,
                                     score=mem.score, how=mem.how, pinned=mem.pinned, review_id=mem.review_id,
                                     added_at=t) for iid, mem in inserts])
        # 3. incidents left with no mention: kept as gone when analysts decided on them
        for iid in empty:
            if iid in self.new:
                continue
            if self.analysed(iid):
                sql.update_incident(conn, iid, {"status": "gone", "needs_review": True, "mention_count": 0,
                                                "review_reason": "no report of it is left", "updated_at": t})
                sql.replace_blocks(conn, iid, set())
            else:
                sql.delete_incident(conn, iid)
        for iid in written:
            sql.replace_blocks(conn, iid, block_keys([m.ref.mention for m in self.members[iid]]))
        self._record_losses()
        return written

    def _record_losses(self) -> None:
        """A mention that left an incident an analyst decided on: an entry in the audit log,
        and the incident flagged for review."""
        from sitroom.store.db import audit

        for iid, lost in self.lost.items():
            if not lost or iid in self.new or not self.analysed(iid):
                continue
            moved = [{"article": m.ref.article if m.ref else None, "mention": m.key,
                      "sentence": m.ref.mention.sentence[:300] if m.ref else None, "why": why} for m, why in lost]
            where = {}
            for m, _ in lost:
                for other, mems in self.members.items():
                    if m.ref is not None and any(x is m for x in mems):
                        where[m.key] = other
            for entry in moved:
                entry["now_in"] = where.get(entry["mention"])
            audit(self.conn, f"incident:{iid}", "moved-out", {"mentions": moved}, MACHINE,
                  f"{len(moved)} report(s) left this reviewed incident after re-extraction")
            reason = "; ".join(sorted({e["why"] for e in moved}))
            sql.update_incident(self.conn, iid, {"needs_review": True, "updated_at": sql.now(),
                                                 "review_reason": f"a report left it: {reason}"[:500]})


ANALYST_ACTIONS = ("accept", "edit", "reject", "merge", "split", "revert")


# ---------------------------------------------------------------- incremental fusion

def _match(old: list[dict], keyed: dict[str, EventMention]) -> dict[int, str | None]:
    """Old links of a source -> the key of the same mention after re-extraction (same
    key; else the same span; else the same trigger nearest to it), or None."""
    out: dict[int, str | None] = {}
    free = dict(keyed)
    for l in old:
        if l["mention_key"] in free:
            out[l["id"]] = l["mention_key"]
            del free[l["mention_key"]]
    for l in old:
        if l["id"] in out:
            continue
        same = [k for k, m in free.items() if (m.start, m.end) == (l["start"], l["end"])]
        if not same:
            same = sorted((k for k, m in free.items() if m.trigger == l["trigger"] and abs(m.start - l["start"]) < 300),
                          key=lambda k: abs(free[k].start - l["start"]))
        if same:
            out[l["id"]] = same[0]
            del free[same[0]]
        else:
            out[l["id"]] = None
    return out


def _fits(member: Member, others: list[Member]) -> bool:
    if not others or attach_score(member.ref, [o.ref for o in others]) >= fusion.JOIN_THRESHOLD:
        return True
    # an area-wide report placed in the incident of a place inside the area stays there
    return fusion.vague([member.ref.mention]) and fusion.area_fit([member.ref], {0: [o.ref for o in others]}) == 0


def fuse_source(conn: Connection, sid: int, *, across: bool = False) -> list[str]:
    """Fuse one extracted source's mentions into the stored incidents (one transaction).
    Returns the incidents written."""
    w = Work(conn)
    info = w.source(sid)
    collection = info["collection"]
    allowed = None if across else {collection}
    keyed = w.keyed(sid)
    old = sql.links(conn, source_ids=[sid])
    matched = _match(old, keyed)
    by_link: dict[int, Member | None] = {}
    for l in old:
        key = matched[l["id"]]
        by_link[l["id"]] = None if key is None else Member(
            ref=w.ref(sid, keyed[key]), key=key, score=l["score"], how=l["how"], pinned=bool(l["pinned"]),
            review_id=l["review_id"], link_id=l["id"], added_at=l["added_at"])
    w.overrides[sid] = by_link
    w.load({l["incident_id"] for l in old})
    placed: set[str] = set()
    unplaced: list[tuple[Member, str | None]] = []  # (mention, the incident it left)
    for l in old:
        iid, mem = l["incident_id"], by_link[l["id"]]
        w.touched.add(iid)
        if mem is None:
            w.lost[iid].append((Member(ref=None, key=l["mention_key"], link_id=l["id"]),  # type: ignore[arg-type]
                                "its report is no longer extracted"))
            continue
        placed.add(mem.key)
        if mem.pinned:
            continue
        row = w.rows[iid]
        others = [o for o in w.members[iid] if o is not mem]
        if not across and row["collection"] != collection:
            w.remove(iid, mem, f"its source is now in collection {collection!r}")
            unplaced.append((mem, iid))
        elif not _fits(mem, others):
            w.remove(iid, mem, "it no longer fits after re-extraction")
            unplaced.append((mem, iid))
    for key, m in keyed.items():
        if key not in placed:
            unplaced.append((Member(ref=w.ref(sid, m), key=key), None))
    unplaced.sort(key=lambda x: (x[0].ref.mention.start, x[0].key))
    for mem, left in unplaced:
        attach(w, mem, allowed, collection, exclude={left} if left else set())
    return w.flush()


def attach(w: Work, mem: Member, allowed: set[str] | None, collection: str, exclude: set[str] = frozenset()) -> str:
    """Place one mention: the best stored incident it fits, or a new one."""
    scored = []
    cands = sorted(w.candidates(mem.ref.mention, allowed) - set(exclude))
    for iid in cands:
        s = attach_score(mem.ref, [m.ref for m in w.members[iid]])
        if s >= fusion.JOIN_THRESHOLD:
            scored.append((s, iid))
    if not scored and fusion.vague([mem.ref.mention]):
        # a report located only to an area: the incident of a place inside it, as merge does
        placed = {iid: refs for iid, refs in ((i, [m.ref for m in w.members[i]]) for i in cands)
                  if any(r.mention.geo_precision in ("point", "near") for r in refs)
                  and fusion.can_join([mem.ref], refs)}
        iid = fusion.area_fit([mem.ref], placed)
        if iid is not None:
            mem.how, mem.score = "attached", fusion.JOIN_THRESHOLD
            w.add(iid, mem)
            return iid
    if not scored:
        iid = w.open(collection)
        mem.how, mem.score = "opened", 1.0
        w.add(iid, mem)
        return iid

    def rank(x):
        s, iid = x
        row = w.rows[iid]
        return (-s, not w.analysed(iid), str(row.get("created_at") or ""), iid)

    scored.sort(key=rank)
    best_score, best = scored[0]
    mem.how, mem.score = "attached", best_score
    w.add(best, mem)
    # one mention fitting several incidents joins them, as merge's single link does,
    # unless an analyst has decided on one of them (then it only joins the best)
    if not w.analysed(best):
        for _, other in scored[1:]:
            if w.analysed(other) or w.rows[other]["collection"] != w.rows[best]["collection"]:
                continue
            if not fusion.can_join([m.ref for m in w.members[best]], [m.ref for m in w.members[other]]):
                continue
            for m in list(w.members[other]):
                w.remove(other, m, None)
                w.add(best, m)
            if other in w.new:
                w.new.discard(other)
                w.touched.discard(other)
                del w.members[other]
            else:
                w.rows[other]["status"] = "merged"
                sql.update_incident(w.conn, other, {"status": "merged", "merged_into": best, "mention_count": 0,
                                                    "updated_at": sql.now()})
                sql.replace_blocks(w.conn, other, set())
                w.touched.discard(other)
                w.members[other] = []
    return best


def update_groups(store) -> set[int]:
    """Independence groups (fuse/independence.py) brought up to date and stored; returns
    the sources whose group changed. Groups span the store (a republication is one story
    whatever collection holds each copy). See ``regroup``."""
    return store.incident_write(regroup)


def regroup(conn: Connection) -> set[int]:
    """Group the sources not grouped yet (new ones, redacted ones, those of an older store),
    and again those whose group lost a source (deleted or redacted), from the stored
    signatures: each new source is compared with the sources sharing an LSH band key with
    it (index lookups), and only the groups it joins or merges change. Gives the groups
    that ``independence.origin_groups`` gives over every source at once (named after their
    smallest source id). When most sources are new (an older store's first fusion), all
    are grouped at once in memory. Returns the sources whose group changed."""
    from sitroom.fuse import independence as ind

    stale = set(sql.unsigned(conn, ind.SCHEME))
    gone = sql.orphan_signatures(conn)
    if not stale and not gone:
        return set()
    if len(stale) * 2 > sql.source_count(conn) or any(r["scheme"] != ind.SCHEME for r in gone):
        return _regroup_all(conn, stale, gone)
    old = sql.signatures(conn, stale)  # out of date (a redaction since, another scheme)
    affected = {g for g in sql.groups_of(conn, [r["source_id"] for r in old]).values() if g}
    _drop_signatures(conn, old + gone)
    if gone:  # a deleted source's group: that of the live sources it was one story with
        sigs = {r["source_id"]: ind.Signature.from_row(r) for r in gone}
        linked = {o for _, o in _one_story_with(conn, sigs, exclude=stale)}
        affected |= {g for g in sql.groups_of(conn, linked).values() if g}
    members = sql.group_members(conn, affected) if affected else {}
    redo = stale | {sid for ms in members.values() for sid in ms}
    fresh = _sign(conn, stale)
    sigs = {**{r["source_id"]: ind.Signature.from_row(r) for r in sql.signatures(conn, redo - stale)}, **fresh}
    g = ind.Groups()
    for sid in redo:
        g.find(("s", sid))
    live = [x for x in sigs.values() if not x.empty]
    if len(live) > 1:  # among the sources grouped again
        ids = np.array([x.source_id for x in live], dtype=np.int64)
        for a, b in ind.candidate_pairs(ids, ind.band_keys(np.stack([x.values for x in live]))).tolist():
            if ind.one_story(sigs[a], sigs[b]):
                g.union(("s", a), ("s", b))
    links = _one_story_with(conn, {x.source_id: x for x in live}, exclude=redo)
    group_of = sql.groups_of(conn, {o for _, o in links})
    for a, o in links:  # with the groups of the others, which stay whole
        g.union(("s", a), ("g", group_of.get(o) or f"g{o}"))
    nodes = list(g.parent)
    others = sql.group_members(conn, {x for kind, x in nodes if kind == "g"})
    new: dict[int, str] = {}
    for comp in g.components(nodes).values():
        ids_ = [x for kind, x in comp if kind == "s"] + [m for kind, x in comp if kind == "g" for m in others.get(x, [])]
        for sid in ids_:
            new[sid] = f"g{min(ids_)}"
    before = sql.groups_of(conn, new)
    changed = {sid for sid, label in new.items() if before.get(sid) != label}
    sql.set_groups(conn, {sid: new[sid] for sid in changed})
    _store_signatures(conn, list(fresh.values()))
    return changed


def _sign(conn: Connection, ids) -> dict:
    from sitroom.fuse import independence as ind

    texts = sql.source_texts(conn, ids=ids)
    return {x.source_id: x for x in ind.signatures([ind.SourceText(source_id=t["id"], text=t["text"], outlet=t["outlet"],
                                                                   syndicated_from=t["syndicated_from"]) for t in texts])}


def _store_signatures(conn: Connection, sigs: list) -> None:
    from sitroom.fuse import independence as ind

    rows, bands = ind.stored_rows(sigs)
    sql.write_signatures(conn, rows, bands)


def _drop_signatures(conn: Connection, rows: list[dict]) -> None:
    from sitroom.fuse import independence as ind

    sql.delete_signatures(conn, [r["source_id"] for r in rows],
                          [(k, r["source_id"]) for r in rows for k in ind.stored_band_keys(r)])


def _one_story_with(conn: Connection, sigs: dict, exclude: set[int]) -> list[tuple[int, int]]:
    """(source of ``sigs``, stored source not in ``exclude``) pairs that share a band key
    and are one story."""
    from sitroom.fuse import independence as ind

    holders: dict[int, list[int]] = defaultdict(list)
    for sid, x in sigs.items():
        for k in x.band_keys():
            holders[k].append(sid)
    if not holders:
        return []
    pairs = {(a, o) for k, o in sql.sources_by_band(conn, holders) if o not in exclude and o not in sigs
             for a in holders[k]}
    stored_ = {r["source_id"]: ind.Signature.from_row(r) for r in sql.signatures(conn, {o for _, o in pairs})}
    return sorted((a, o) for a, o in pairs if o in stored_ and ind.one_story(sigs[a], stored_[o]))


def _regroup_all(conn: Connection, stale: set[int], gone: list[dict]) -> set[int]:
    """Every source grouped at once, in memory (stored signatures read, missing ones computed)."""
    from sitroom.fuse import independence as ind

    _drop_signatures(conn, sql.signatures(conn, stale) + gone)
    fresh = _sign(conn, stale)
    sigs = [ind.Signature.from_row(r) for r in sql.all_signatures(conn)] + list(fresh.values())
    groups = ind.group_signatures(sigs)
    before = sql.groups_of(conn, groups)
    changed = {sid for sid, label in groups.items() if before.get(sid) != label}
    sql.set_groups(conn, {sid: groups[sid] for sid in changed})
    _store_signatures(conn, list(fresh.values()))
    return changed


def fuse_pending(store, *, across: bool = False, on_source=None) -> dict:
    """Fuse every extracted source not fused since its extraction, one source per
    transaction; independence groups first, and the incidents of sources whose group
    changed are recomputed. Returns counts."""
    pending = store.incident_read(sql.unfused)
    if not pending:
        return {"sources": 0, "incidents": 0}
    changed = update_groups(store) - set(pending)
    touched: set[str] = set()
    if changed:
        regroup = store.incident_read(lambda c: {l["incident_id"] for l in sql.links(c, source_ids=changed)})
        touched |= set(recompute(store, regroup))
    for sid in pending:
        def one(conn, sid=sid):
            if sid not in sql.unfused(conn, ids=[sid]):
                return []  # a concurrent run fused it meanwhile (writers of incidents take turns)
            written = fuse_source(conn, sid, across=across)
            sql.mark_fused(conn, [sid])
            return written

        touched |= set(store.incident_write(one))
        if on_source:
            on_source(sid)
    return {"sources": len(pending), "incidents": len(touched)}


def recompute(store, ids, *, conn: Connection | None = None) -> list[str]:
    """Recompute these incidents from their current mentions (after an analyst's decision,
    a deletion, a redaction, a change of independence groups)."""
    ids = list(ids)
    if not ids:
        return []

    def fn(c):
        w = Work(c)
        w.load(ids)
        w.touched |= {i for i in ids if i in w.rows and w.rows[i]["status"] == "active"}
        return w.flush()

    return fn(conn) if conn is not None else store.incident_write(fn)


# ---------------------------------------------------------------- re-fusion and adoption

def _refs_of(w: Work, sids: list[int]) -> list[Member]:
    w.prefetch_events(sids)
    out = []
    for sid in sids:
        for key, m in w.keyed(sid).items():
            out.append(Member(ref=w.ref(sid, m), key=key))
    return out


def _score_members(members: list[Member]) -> None:
    """Each member's attach score against the others (a sample of them): the confidence of
    an incident made by a batch merge."""
    if len(members) < 2:
        for m in members:
            m.score = 1.0
        return
    for i, m in enumerate(members):
        others = [o.ref for j, o in enumerate(members) if j != i][:SCORE_SAMPLE]
        m.score = round(float(attach_score(m.ref, others)), 4)


def refuse(store, collections: set[str] | None = None, *, across: bool = False) -> dict:
    """Fuse these collections (all when None) again from scratch with ``merge``; ids kept
    by overlap, analysts' placements kept (``analyze --reextract``)."""
    update_groups(store)

    def fn(conn):
        w = Work(conn)
        infos = sql.source_info(conn, collections=collections) if collections is not None else sql.source_info(conn)
        w.sources.update(infos)
        sids = [sid for sid, r in infos.items() if r["status"] == "done"]
        members = _refs_of(w, sids)
        by_mkey = {(m.ref.source_id, m.key): m for m in members}
        old_links = sql.links(conn, source_ids=sids)
        old_ids = {l["incident_id"] for l in old_links}
        # every stored incident of these sources, whatever it holds now
        w.overrides = {sid: {} for sid in sids}
        old_home: dict[tuple[int, str], str] = {}
        pinned: dict[tuple[int, str], dict] = {}
        for l in old_links:
            k = (l["source_id"], l["mention_key"])
            old_home[k] = l["incident_id"]
            if l["pinned"]:
                pinned[k] = l
        w.load(old_ids)
        for iid in old_ids:
            w.touched.add(iid)
        # what merge() clusters, collection by collection unless asked otherwise
        groups_of: dict[str, list[Member]] = defaultdict(list)
        for m in members:
            groups_of["*" if across else infos[m.ref.source_id]["collection"]].append(m)
        clusters: list[tuple[str, list[Member]]] = []
        for col, ms in groups_of.items():
            ref_member = {id(m.ref): m for m in ms}
            for inc in fusion.merge([m.ref for m in ms]):
                group = [ref_member[id(r)] for r in inc.mentions if (r.source_id, ref_member[id(r)].key) not in pinned]
                if group:
                    clusters.append((col, group))
        # ids by overlap with what was stored, largest overlaps first
        overlaps = []
        for n, (_, group) in enumerate(clusters):
            counts: dict[str, int] = defaultdict(int)
            for m in group:
                home = old_home.get((m.ref.source_id, m.key))
                if home and w.rows.get(home, {}).get("status") == "active":
                    counts[home] += 1
            overlaps += [(c, n, iid) for iid, c in counts.items()]
        overlaps.sort(key=lambda x: (-x[0], x[1], x[2]))
        assigned: dict[int, str] = {}
        used: set[str] = set()
        for _, n, iid in overlaps:
            if n not in assigned and iid not in used:
                assigned[n], used = iid, used | {iid}
        # mentions of other collections' sources (fused across) stay where they are
        final: dict[str, list[Member]] = {iid: list(w.members.get(iid, [])) for iid in old_ids}
        for n, (col, group) in enumerate(clusters):
            iid = assigned.get(n)
            if iid is None:
                iid = w.open(infos[group[0].ref.source_id]["collection"] if col == "*" else col)
            final.setdefault(iid, []).extend(group)
        for k, l in pinned.items():
            m = by_mkey.get(k)
            if m is not None:
                m.pinned, m.review_id, m.how = True, l["review_id"], l["how"]
                final.setdefault(l["incident_id"], []).append(m)
        link_of = {(l["source_id"], l["mention_key"]): l for l in old_links}
        placed_in: dict[tuple[int, str], str] = {}
        for iid, group in final.items():
            _score_members(group)
            for m in group:
                placed_in[(m.ref.source_id, m.key)] = iid
                l = link_of.get((m.ref.source_id, m.key))
                if l is not None:
                    m.link_id, m.added_at = l["id"], l["added_at"]
                    if not m.pinned:
                        m.how = "refused" if l["incident_id"] != iid else l["how"]
                elif not m.pinned:
                    m.how = "opened" if iid in w.new and m is group[0] else "refused"
            w.members[iid] = group
            w.touched.add(iid)
        for l in old_links:  # what left the incident it was in
            k = (l["source_id"], l["mention_key"])
            if placed_in.get(k) != l["incident_id"]:
                m = by_mkey.get(k)
                w.lost[l["incident_id"]].append((m or Member(ref=None, key=l["mention_key"]),  # type: ignore[arg-type]
                                                 "re-fusion placed it in another incident" if m
                                                 else "its report is no longer extracted"))
            w.loaded_links.setdefault(l["id"], l)
        written = w.flush()
        sql.mark_fused(conn, sids)
        return {"sources": len(sids), "incidents": len(written)}

    return store.incident_write(fn)


def adopt_legacy(conn: Connection) -> int:
    """Store the incidents of a store made before incidents were stored, under the ids
    they had (the hash of their first report), with the merges and splits analysts had
    decided applied as they were; the decisions' state then comes from the log. Runs in
    the migration's transaction."""
    from sitroom.fuse import review
    from sitroom.fuse.independence import SourceText, origin_groups
    from sitroom.store.db import reviews_in

    texts = sql.source_texts(conn)
    if not texts:
        return 0
    groups = origin_groups([SourceText(source_id=t["id"], text=t["text"], outlet=t["outlet"],
                                       syndicated_from=t["syndicated_from"]) for t in texts])
    sql.set_groups(conn, groups)
    w = Work(conn)
    infos = sql.source_info(conn)
    w.sources.update(infos)
    sids = [sid for sid, r in infos.items() if r["status"] == "done"]
    members = _refs_of(w, sids)
    if not members:
        sql.mark_fused(conn, sids)
        return 0
    member_of = {id(m.ref): m for m in members}
    machine = fusion.merge([m.ref for m in members])
    home0 = {id(r): inc.id for inc in machine for r in inc.mentions}
    log = reviews_in(conn)
    decided = review.apply(machine, log)
    merged_into: dict[str, str] = {}
    structural: dict[str, int] = {}
    for r in log:  # the latest merge or split on each incident (what apply applied)
        if r.target.startswith("incident:") and r.action in ("merge", "split"):
            structural[r.target[9:]] = r.id
            if r.action == "merge" and isinstance(r.data, dict) and r.data.get("into"):
                merged_into[r.target[9:]] = r.data["into"]
    t = sql.now()
    for inc in decided:
        group = [member_of[id(r)] for r in inc.mentions]
        for m in group:
            was = home0.get(id(m.ref))
            if was != inc.id:
                m.pinned, m.how = True, "split" if inc.review and inc.review.startswith("split") else "merged"
                m.review_id = structural.get(was) or structural.get(inc.id)
            else:
                m.how = "migrated"
        _score_members(group)
        w.rows[inc.id] = {"id": inc.id, "collection": "default", "status": "active", "edits": {}, "review": None,
                          "created_at": t, "needs_review": False,
                          "split_from": inc.review.split(" ")[2] if (inc.review or "").startswith("split from") else None}
        w.members[inc.id] = group
        w.new.add(inc.id)
        w.touched.add(inc.id)
    w.flush()
    present = {inc.id for inc in decided}
    for old, into in merged_into.items():
        if old not in present and old in home0.values():
            sql.insert_incident(conn, {"id": old, "collection": "default", "status": "merged", "merged_into": into,
                                       "event_type": "", "sub_event_type": "", "label": "", "date_precision": "unknown",
                                       "created_at": t, "updated_at": t, "edits": {}, "actors": [], "toll_trail": []})
    for iid in present:
        review.refresh_state(conn, iid)
    recompute(None, present, conn=conn)
    sql.mark_fused(conn, sids)
    return len(present)


# ---------------------------------------------------------------- analysts' structural decisions

def merge_into(conn: Connection, source_id: str, target_id: str, review_id: int) -> list[str]:
    """Every mention of ``source_id`` joins ``target_id`` (pinned there by the decision);
    ``source_id`` is kept as merged, so its id resolves to the survivor."""
    w = Work(conn)
    w.load([source_id, target_id])
    moved = []
    for m in list(w.members[source_id]):
        w.remove(source_id, m, None)
        m.pinned, m.review_id, m.how = True, review_id, "merged"
        w.add(target_id, m)
        moved.append(m.key + f"@{m.ref.source_id}")
    w.touched.discard(source_id)
    sql.update_incident(conn, source_id, {"status": "merged", "merged_into": target_id, "mention_count": 0,
                                          "updated_at": sql.now()})
    sql.replace_blocks(conn, source_id, set())
    w.flush()
    return moved


def split_off(conn: Connection, parent_id: str, articles: set[str], review_id: int,
              child: str | None = None) -> tuple[str, list[str]]:
    """The mentions of ``articles`` become a new incident (``child``, minted when None),
    split from ``parent_id``; both are recomputed from their own mentions."""
    w = Work(conn)
    w.load([parent_id])
    child = w.open(w.rows[parent_id]["collection"], split_from=parent_id, iid=child)
    moved = []
    for m in list(w.members[parent_id]):
        if m.ref.article in articles:
            w.remove(parent_id, m, None)
            m.pinned, m.review_id, m.how = True, review_id, "split"
            w.add(child, m)
            moved.append(m.key + f"@{m.ref.source_id}")
    w.flush()
    return child, moved


def undo(conn: Connection, decision, by_review: int) -> list[str]:
    """Undo a merge or a split (``decision``): the mentions it placed go back, pinned
    there by the revert; a split-off incident left empty is kept as withdrawn."""
    w = Work(conn)
    placed = sql.links(conn, review_id=decision.id)
    w.load({l["incident_id"] for l in placed})
    home = decision.target[len("incident:"):]
    w.load([home])
    child = (decision.data.get("applied") or {}).get("child") if decision.action == "split" else None
    if decision.action == "merge":
        sql.update_incident(conn, home, {"status": "active", "merged_into": None, "updated_at": sql.now()})
        w.rows[home]["status"] = "active"
    link_ids = {l["id"] for l in placed}
    for iid in list(w.members):
        for m in list(w.members[iid]):
            if m.link_id in link_ids:
                w.remove(iid, m, None)
                m.review_id, m.how = by_review, "reverted"
                w.add(home, m)
    w.touched.add(home)
    if child:
        w.load([child])
        if not w.members[child]:  # nothing else joined it since: withdrawn, kept for the record
            sql.update_incident(conn, child, {"status": "withdrawn", "mention_count": 0, "updated_at": sql.now()})
            sql.replace_blocks(conn, child, set())
            w.touched.discard(child)
            w.rows[child]["status"] = "withdrawn"
        else:
            w.touched.add(child)
    return w.flush()
