"""The SQL of stored incidents: rows, their links to mentions and their blocking keys.

Only this module (and ``db.py``) speaks SQL; ``fuse/stored.py`` decides what to write.
Every function takes the connection of the caller's transaction, so that one fusion step
or one review decision is written whole or not at all (``Store.incident_write``).
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timezone

from sqlalchemy import Connection, bindparam, delete, func, insert, or_, select, tuple_, update

from sitroom.models import EventMention
from sitroom.store.schema import (FACT_TABLES, incident_blocks, incident_mentions, incidents, source_bands,
                                  source_signatures, sources)

ACTIVE = ("active",)
_CHUNK = 500  # ids per IN (...) list: well under every database's limit on parameters


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _chunks(values: Iterable, n: int = _CHUNK):
    values = list(values)
    for i in range(0, len(values), n):
        yield values[i:i + n]


# ---------------------------------------------------------------- incidents

def rows(conn: Connection, *, ids: Iterable[str] | None = None, collection: str | None = None,
         statuses: tuple[str, ...] | None = ACTIVE) -> list[dict]:
    """Incident rows (JSON columns decoded), by id and/or collection. An incident is in a
    collection when it was opened there or when a report of that collection is one of its
    mentions (fusion across collections, when asked, joins them)."""
    q = select(incidents)
    if statuses:
        q = q.where(incidents.c.status.in_(statuses))
    if collection is not None:
        linked = (select(incident_mentions.c.incident_id).join(sources, sources.c.id == incident_mentions.c.source_id)
                  .where(sources.c.collection == collection))
        q = q.where(or_(incidents.c.collection == collection, incidents.c.id.in_(linked)))
    if ids is None:
        return [_decode(r) for r in conn.execute(q.order_by(incidents.c.id)).mappings()]
    out = []
    for chunk in _chunks(set(ids)):
        out += [_decode(r) for r in conn.execute(q.where(incidents.c.id.in_(chunk))).mappings()]
    return sorted(out, key=lambda r: r["id"])


def _decode(r) -> dict:
    d = dict(r)
    for k, empty in (("actors", []), ("toll_trail", []), ("edits", {}), ("extra", {})):
        try:
            d[k] = json.loads(d.get(k) or "null") or empty
        except ValueError:
            d[k] = empty
    return d


def _encode(row: dict) -> dict:
    out = dict(row)
    for k in ("actors", "toll_trail", "edits", "extra"):
        if k in out and not isinstance(out[k], str):
            out[k] = json.dumps(out[k], ensure_ascii=False, default=str)
    return out


def insert_incident(conn: Connection, row: dict) -> None:
    conn.execute(insert(incidents).values(**_encode(row)))


def update_incident(conn: Connection, incident_id: str, values: dict) -> None:
    conn.execute(update(incidents).where(incidents.c.id == incident_id).values(**_encode(values)))


def delete_incident(conn: Connection, incident_id: str) -> None:
    conn.execute(delete(incident_blocks).where(incident_blocks.c.incident_id == incident_id))
    conn.execute(delete(incident_mentions).where(incident_mentions.c.incident_id == incident_id))
    conn.execute(delete(incidents).where(incidents.c.id == incident_id))


def exists(conn: Connection, incident_id: str) -> bool:
    return conn.execute(select(incidents.c.id).where(incidents.c.id == incident_id)).first() is not None


def resolve(conn: Connection, incident_id: str) -> str | None:
    """The incident that now stands for ``incident_id``: itself, or the one it was merged
    into (followed to the end); None if there is no such incident."""
    seen = set()
    cur = incident_id
    while cur and cur not in seen:
        seen.add(cur)
        row = conn.execute(select(incidents.c.status, incidents.c.merged_into)
                           .where(incidents.c.id == cur)).first()
        if row is None:
            return None
        if row.status != "merged" or not row.merged_into:
            return cur
        cur = row.merged_into
    return cur


def merged_into(conn: Connection, incident_id: str) -> list[str]:
    """Incidents merged (directly or through others) into ``incident_id``."""
    out, todo = [], [incident_id]
    while todo:
        cur = todo.pop()
        for (iid,) in conn.execute(select(incidents.c.id).where(incidents.c.merged_into == cur,
                                                                incidents.c.status == "merged")):
            if iid not in out and iid != incident_id:
                out.append(iid)
                todo.append(iid)
    return out


def related(conn: Connection, incident_id: str) -> dict[str, list[str]]:
    """Parts (umbrella -> part), split-off children and incidents merged into it."""
    def ids(q) -> list[str]:
        return [r[0] for r in conn.execute(q.order_by(incidents.c.id))]

    return {"parts": ids(select(incidents.c.id).where(incidents.c.parent_id == incident_id,
                                                        incidents.c.status == "active")),
            "split_into": ids(select(incidents.c.id).where(incidents.c.split_from == incident_id,
                                                             incidents.c.status == "active")),
            "merged": merged_into(conn, incident_id)}


def fingerprint(conn: Connection) -> tuple:
    return tuple(conn.execute(select(agg)).scalar()  # apart: the max is an index lookup (ix_incidents_updated)
                 for agg in (func.count(incidents.c.id), func.max(incidents.c.updated_at)))


def collections(conn: Connection) -> list[dict]:
    """Every collection with its sources and active incidents."""
    n_src = dict(conn.execute(select(sources.c.collection, func.count()).group_by(sources.c.collection)).all())
    n_inc = dict(conn.execute(select(incidents.c.collection, func.count()).where(incidents.c.status == "active")
                              .group_by(incidents.c.collection)).all())
    return [{"name": c, "sources": n_src.get(c, 0), "incidents": n_inc.get(c, 0)}
            for c in sorted(set(n_src) | set(n_inc))]


# ---------------------------------------------------------------- links

def links(conn: Connection, *, incident_ids: Iterable[str] | None = None,
          source_ids: Iterable[int] | None = None, review_id: int | None = None) -> list[dict]:
    q = select(incident_mentions)
    if review_id is not None:
        return [dict(r) for r in conn.execute(q.where(incident_mentions.c.review_id == review_id)
                                              .order_by(incident_mentions.c.id)).mappings()]
    if incident_ids is None and source_ids is None:
        return [dict(r) for r in conn.execute(q.order_by(incident_mentions.c.id)).mappings()]
    out: list[dict] = []
    for col, values in ((incident_mentions.c.incident_id, incident_ids), (incident_mentions.c.source_id, source_ids)):
        if values is None:
            continue
        for chunk in _chunks(set(values)):
            out += [dict(r) for r in conn.execute(q.where(col.in_(chunk))).mappings()]
    seen, uniq = set(), []
    for r in sorted(out, key=lambda r: r["id"]):
        if r["id"] not in seen:
            seen.add(r["id"])
            uniq.append(r)
    return uniq


def insert_links(conn: Connection, rows_: list[dict]) -> None:
    if rows_:
        conn.execute(insert(incident_mentions), rows_)


def update_link(conn: Connection, link_id: int, values: dict) -> None:
    conn.execute(update(incident_mentions).where(incident_mentions.c.id == link_id).values(**values))


def delete_links(conn: Connection, link_ids: Iterable[int]) -> None:
    for chunk in _chunks(link_ids):
        conn.execute(delete(incident_mentions).where(incident_mentions.c.id.in_(chunk)))


def incidents_of_source(conn: Connection, source_id: int) -> list[str]:
    return sorted({r[0] for r in conn.execute(select(incident_mentions.c.incident_id)
                                              .where(incident_mentions.c.source_id == source_id))})


def reported_days(conn: Connection, source_ids: Iterable[int]) -> dict[int, date]:
    """For each source, the day of the incident it reports that most independent sources
    give: an active incident dated to the day and joined by a mention of another source too
    (so that the day does not come from the source itself). Sources with none are left out.
    One query per chunk of ids."""
    other = incident_mentions.alias("other")
    best: dict[int, tuple[int, date]] = {}
    for chunk in _chunks(source_ids):
        q = (select(incident_mentions.c.source_id, incidents.c.date_end, incidents.c.source_count)
             .join(incidents, incident_mentions.c.incident_id == incidents.c.id)
             .where(incident_mentions.c.source_id.in_(chunk), incidents.c.status == "active",
                    incidents.c.date_precision == "day", incidents.c.date_end.is_not(None),
                    select(other.c.id).where(other.c.incident_id == incidents.c.id,
                                             other.c.source_id != incident_mentions.c.source_id).exists()))
        for sid, day, count in conn.execute(q):
            if sid not in best or (count, day) > best[sid]:
                best[sid] = (count, day)
    return {sid: day for sid, (_, day) in best.items()}


# ---------------------------------------------------------------- blocking keys

def replace_blocks(conn: Connection, incident_id: str, keys: set[tuple[str, str, str]]) -> None:
    conn.execute(delete(incident_blocks).where(incident_blocks.c.incident_id == incident_id))
    if keys:
        conn.execute(insert(incident_blocks), [dict(incident_id=incident_id, family=f, week=w, loc=loc[:200])
                                               for f, w, loc in sorted(keys)])


def candidates(conn: Connection, family: str, locs: set[str], weeks: set[str] | None,
               collections: set[str] | None) -> set[str]:
    """Active incidents with a blocking key of this family, one of these locations and one
    of these weeks (or undated; any week when ``weeks`` is None), in these collections
    (any when None)."""
    if not locs:
        return set()
    q = (select(incident_blocks.c.incident_id).distinct()
         .join(incidents, incidents.c.id == incident_blocks.c.incident_id)
         .where(incident_blocks.c.family == family, incidents.c.status == "active"))
    if weeks is not None:
        q = q.where(incident_blocks.c.week.in_(sorted(weeks | {"undated"})))
    if collections is not None:
        q = q.where(incidents.c.collection.in_(sorted(collections)))
    out: set[str] = set()
    for chunk in _chunks(sorted(loc[:200] for loc in locs)):
        out |= {r[0] for r in conn.execute(q.where(incident_blocks.c.loc.in_(chunk)))}
    return out


# ---------------------------------------------------------------- sources and their mentions

def source_info(conn: Connection, *, ids: Iterable[int] | None = None, collection: str | None = None,
                collections: Iterable[str] | None = None) -> dict[int, dict]:
    cols = [sources.c[n] for n in ("id", "external_id", "outlet", "published", "first_published", "collection",
                                   "origin_group", "status", "analyzed_at", "fused_at", "language")]
    q = select(*cols)
    if collection is not None:
        q = q.where(sources.c.collection == collection)
    if collections is not None:
        q = q.where(sources.c.collection.in_(sorted(set(collections))))
    if ids is None:
        return {r["id"]: dict(r) for r in conn.execute(q.order_by(sources.c.id)).mappings()}
    out = {}
    for chunk in _chunks(set(ids)):
        out.update({r["id"]: dict(r) for r in conn.execute(q.where(sources.c.id.in_(chunk))).mappings()})
    return out


def source_texts(conn: Connection, collections: Iterable[str] | None = None, *,
                 ids: Iterable[int] | None = None) -> list[dict]:
    """What independence grouping reads: id, text, outlet, syndicated_from (of these
    collections, or of these sources)."""
    q = select(sources.c.id, sources.c.text, sources.c.outlet, sources.c.syndicated_from, sources.c.collection)
    if collections is not None:
        q = q.where(sources.c.collection.in_(sorted(set(collections))))
    if ids is None:
        return [dict(r) for r in conn.execute(q.order_by(sources.c.id)).mappings()]
    out = []
    for chunk in _chunks(sorted(set(ids))):
        out += [dict(r) for r in conn.execute(q.where(sources.c.id.in_(chunk))).mappings()]
    return sorted(out, key=lambda r: r["id"])


def set_groups(conn: Connection, groups: dict[int, str]) -> None:
    if groups:
        conn.execute(update(sources).where(sources.c.id == bindparam("b_id")).values(origin_group=bindparam("b_group")),
                     [{"b_id": sid, "b_group": g} for sid, g in sorted(groups.items())])


# ---------------------------------------------------------------- independence signatures

def source_count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(sources)).scalar() or 0


def unsigned(conn: Connection, scheme: str) -> list[int]:
    """Sources to be (re)grouped: no signature of this scheme, no group, or redacted (the
    audit log says when) since their signature was computed. Every query reads an index
    or the audit log, never the sources' rows."""
    from sitroom.store.schema import reviews

    sig = source_signatures
    none = select(sources.c.id).where(~select(sig.c.source_id).where(sig.c.source_id == sources.c.id,
                                                                       sig.c.scheme == scheme).exists())
    ungrouped = select(sources.c.id).where(sources.c.origin_group.is_(None))
    out = {i for q in (none, ungrouped) for i in conn.execute(q).scalars()}
    redacted = {}
    for target, at in conn.execute(select(reviews.c.target, func.max(reviews.c.at))
                                   .where(reviews.c.action == "redact", reviews.c.target.like("source:%"))
                                   .group_by(reviews.c.target)).all():
        if target[7:].isdigit():
            redacted[int(target[7:])] = at
    for r in signatures(conn, redacted):
        if r["signed_at"] < redacted[r["source_id"]]:
            out.add(r["source_id"])
    return sorted(out)


def orphan_signatures(conn: Connection) -> list[dict]:
    """Signature rows of sources deleted since."""
    sig = source_signatures
    gone = select(sig.c.source_id).where(~select(sources.c.id).where(sources.c.id == sig.c.source_id).exists())
    return signatures(conn, list(conn.execute(gone).scalars()))


def signatures(conn: Connection, source_ids: Iterable[int]) -> list[dict]:
    out: list[dict] = []
    for chunk in _chunks(sorted(set(source_ids))):
        out += [dict(r) for r in conn.execute(select(source_signatures)
                                              .where(source_signatures.c.source_id.in_(chunk))).mappings()]
    return out


def all_signatures(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(select(source_signatures)).mappings()]


def write_signatures(conn: Connection, rows_: list[dict], bands: list[tuple[int, int]]) -> None:
    """Signature rows (``signed_at`` now unless given) and their (band key, source id) rows."""
    t = now()
    for k in range(0, len(rows_), 5000):
        conn.execute(insert(source_signatures), [{"signed_at": t, **r} for r in rows_[k:k + 5000]])
    # many rows (BANDS a source): straight to the driver, without building SQLAlchemy parameters
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    for k in range(0, len(bands), 20000):
        conn.exec_driver_sql(f"INSERT INTO source_bands (band_key, source_id) VALUES ({mark}, {mark})",
                             [(int(b), int(s)) for b, s in bands[k:k + 20000]])


def delete_signatures(conn: Connection, source_ids: Iterable[int], bands: Iterable[tuple[int, int]]) -> None:
    for chunk in _chunks(bands, 200):
        conn.execute(delete(source_bands).where(tuple_(source_bands.c.band_key, source_bands.c.source_id).in_(chunk)))
    for chunk in _chunks(source_ids):
        conn.execute(delete(source_signatures).where(source_signatures.c.source_id.in_(chunk)))


def sources_by_band(conn: Connection, keys: Iterable[int]) -> list[tuple[int, int]]:
    """(band key, source id) of the stored sources with one of these band keys."""
    out: list[tuple[int, int]] = []
    for chunk in _chunks(sorted(set(keys))):
        out += [tuple(r) for r in conn.execute(select(source_bands.c.band_key, source_bands.c.source_id)
                                                .where(source_bands.c.band_key.in_(chunk)))]
    return out


def groups_of(conn: Connection, source_ids: Iterable[int]) -> dict[int, str | None]:
    out: dict[int, str | None] = {}
    for chunk in _chunks(set(source_ids)):
        out.update(conn.execute(select(sources.c.id, sources.c.origin_group).where(sources.c.id.in_(chunk))).all())
    return out


def group_members(conn: Connection, groups: Iterable[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for chunk in _chunks(sorted(set(groups))):
        for sid, g in conn.execute(select(sources.c.id, sources.c.origin_group)
                                   .where(sources.c.origin_group.in_(chunk))).all():
            out[g].append(sid)
    return dict(out)


def mark_fused(conn: Connection, source_ids: Iterable[int]) -> None:
    t = now()
    for chunk in _chunks(source_ids):
        conn.execute(update(sources).where(sources.c.id.in_(chunk)).values(fused_at=t))


def unfused(conn: Connection, ids: Iterable[int] | None = None) -> list[int]:
    """Extracted sources (of ``ids``) whose mentions are not (or no longer) fused: never
    fused, or extracted again since."""
    q = select(sources.c.id).where(sources.c.status == "done",
                                   or_(sources.c.fused_at.is_(None), sources.c.fused_at < sources.c.analyzed_at))
    if ids is not None:
        q = q.where(sources.c.id.in_(list(ids)))
    return list(conn.execute(q.order_by(sources.c.id)).scalars())


def events(conn: Connection, source_ids: Iterable[int]) -> dict[int, list[EventMention]]:
    """The event mentions of these sources, in text order."""
    import dataclasses

    table, rec = FACT_TABLES["events"]
    names = {f.name for f in dataclasses.fields(rec)}
    out: dict[int, list[EventMention]] = defaultdict(list)
    for chunk in _chunks(source_ids):
        for r in conn.execute(select(table).where(table.c.source_id.in_(chunk))
                              .order_by(table.c.source_id, table.c.start, table.c.id)).mappings():
            out[r["source_id"]].append(rec(**{k: v for k, v in r.items() if k in names}))
    return out


def set_collection(conn: Connection, source_ids: Iterable[int], collection: str) -> int:
    n = 0
    for chunk in _chunks(source_ids):
        n += conn.execute(update(sources).where(sources.c.id.in_(chunk)).values(collection=collection)).rowcount
    return n
