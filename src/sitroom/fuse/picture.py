"""The reconciled picture of a store, as stored: its sources' independence and its
incidents. Reading it fuses nothing: incidents, their mentions and analysts' decisions
are read as fusion (``fuse/stored.py``) and review (``fuse/review.py``) left them."""
from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field
from datetime import date, timedelta

from sitroom.fuse.incidents import MentionRef
from sitroom.fuse.stored import StoredIncident, from_row, mention_keys
from sitroom.models import Source
from sitroom.store import incidents as sql
from sitroom.store.db import Store


@dataclass
class Picture:
    sources: dict[int, Source]
    groups: dict[int, str]            # source id -> independence group
    incidents: list[StoredIncident]

    by_sentence: dict[tuple[int, str], str] = field(default_factory=dict)
    collection: str | None = None

    def incident_of(self, source_id: int, sentence: str) -> str | None:
        """The incident a sentence of a source reports (for linking its figures)."""
        return self.by_sentence.get((source_id, sentence))

    @functools.cached_property
    def _by_start(self) -> tuple[list[date], list[int], int]:
        """The dated incidents' start dates, sorted, their positions in ``incidents``, and the
        longest span of one incident in days (built once per picture)."""
        dated = sorted((inc.date_start, k) for k, inc in enumerate(self.incidents) if inc.date_start is not None)
        span = max([((inc.date_end or inc.date_start) - inc.date_start).days
                    for inc in self.incidents if inc.date_start is not None] + [0])
        return [d for d, _ in dated], [k for _, k in dated], span

    def dated_between(self, since: date | None, until: date | None) -> list[StoredIncident]:
        """The incidents a date filter may keep, in the picture's order: with dates, those
        starting from ``since`` less the longest span of an incident up to ``until`` (a
        bisection, not a pass over all); every incident when neither bound is given."""
        if not (since or until):
            return self.incidents
        starts, positions, span = self._by_start
        lo = 0
        if since:
            try:
                lo = bisect.bisect_left(starts, since - timedelta(days=span))
            except OverflowError:
                lo = 0
        hi = bisect.bisect_right(starts, until) if until else len(starts)
        return [self.incidents[k] for k in sorted(positions[lo:hi])]


def order(inc) -> tuple:
    """Dated incidents by date, then the undated ones."""
    return (inc.date_start is None, inc.date_start or date.min, inc.label, inc.id)


def build(store: Store, *, asserted_only: bool = False, reviewed_only: bool = False,
          include_rejected: bool = False, collection: str | None = None) -> Picture:
    """The stored incidents (of ``collection``: all when None) with analysts' decisions
    applied. ``asserted_only``: incidents that rest on more than denials and unconfirmed
    reports (what an event dataset codes); ``reviewed_only``: only incidents an analyst
    accepted, edited or split off; rejected ones are left out unless ``include_rejected``."""
    sources = {s.id: s for s in store.iter_sources(collection=collection)}

    def read(conn):
        rows = sql.rows(conn, collection=collection)
        links = sql.links(conn, incident_ids=[r["id"] for r in rows]) if rows else []
        sids = {l["source_id"] for l in links}
        return rows, links, sql.events(conn, sids), sql.source_info(conn, ids=sids | set(sources))

    rows, links, events, infos = store.incident_read(read)
    for sid in {l["source_id"] for l in links} - set(sources):  # fused across collections
        sources[sid] = store.get_source(sid)
    groups = {sid: (infos.get(sid) or {}).get("origin_group") or f"g{sid}" for sid in sources}
    keyed = {sid: dict(zip(mention_keys(ms), ms)) for sid, ms in events.items()}
    mentions: dict[str, list[MentionRef]] = {}
    for l in links:
        m = keyed.get(l["source_id"], {}).get(l["mention_key"])
        s = sources.get(l["source_id"])
        if m is None or s is None:
            continue  # a source extracted again and not fused yet: its link is renewed at fusion
        mentions.setdefault(l["incident_id"], []).append(MentionRef(
            mention=m, source_id=s.id, article=s.article_id, origin_group=groups[s.id],
            published=s.meta.first_published or s.meta.published, outlet=s.meta.outlet))
    incidents = []
    for r in rows:
        ms = sorted(mentions.get(r["id"], []), key=lambda x: (x.source_id, x.mention.start))
        if not ms:
            continue
        inc = from_row(r, ms)
        if asserted_only and not inc.asserted:
            continue
        if inc.rejected and not include_rejected:
            continue
        if reviewed_only and not inc.reviewed:
            continue
        incidents.append(inc)
    incidents.sort(key=order)
    by_sentence: dict[tuple[int, str], str] = {}
    for inc in incidents:
        for ref in inc.mentions:
            by_sentence.setdefault((ref.source_id, ref.mention.sentence), inc.id)
            for t in inc.toll_trail:  # the sentence that gave a toll belongs to the incident too
                if t.article == ref.article:
                    by_sentence.setdefault((ref.source_id, t.sentence), inc.id)
    return Picture(sources=sources, groups=groups, incidents=incidents, by_sentence=by_sentence,
                   collection=collection)


def find(store: Store, incident_id: str) -> tuple[StoredIncident | None, str | None]:
    """One incident by id, with its mentions, whatever its state (rejected, gone); a merged
    incident's id gives the survivor. Returns (incident, the id it was asked by when that
    was merged into it)."""
    target = store.incident_read(lambda c: sql.resolve(c, incident_id))
    if target is None:
        return None, None

    def read(conn):
        rows = sql.rows(conn, ids=[target], statuses=None)
        links = sql.links(conn, incident_ids=[target])
        sids = {l["source_id"] for l in links}
        return rows, links, sql.events(conn, sids), sql.source_info(conn, ids=sids)

    rows, links, events, infos = store.incident_read(read)
    if not rows:
        return None, None
    keyed = {sid: dict(zip(mention_keys(ms), ms)) for sid, ms in events.items()}
    ms = []
    for l in links:
        m = keyed.get(l["source_id"], {}).get(l["mention_key"])
        info = infos.get(l["source_id"])
        if m is None or info is None:
            continue
        ms.append(MentionRef(mention=m, source_id=l["source_id"], article=info["external_id"] or str(l["source_id"]),
                             origin_group=info.get("origin_group") or f"g{l['source_id']}",
                             published=info.get("first_published") or info.get("published"), outlet=info.get("outlet")))
    ms.sort(key=lambda x: (x.source_id, x.mention.start))
    return from_row(rows[0], ms), (incident_id if target != incident_id else None)


def related(store: Store, incident_id: str) -> dict[str, list[str]]:
    """Parts, split-off incidents and incidents merged into this one."""
    return store.incident_read(lambda c: sql.related(c, incident_id))


def queue(store: Store, collection: str | None = None):
    """The review queue (``review.queue``) of a collection."""
    from sitroom.fuse import review

    return review.queue(build(store, collection=collection).incidents)
