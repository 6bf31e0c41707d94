"""Schema migrations: an ordered list of steps, each applied once and recorded.

A step is a function of a connection; append new ones, never edit applied ones.
(Alembic would be the choice for a bigger schema; ours is small and must also upgrade
stores that users keep on their laptops, with no tool to run by hand.)
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import Connection, Engine, inspect, select

from sitroom.store.schema import metadata, schema_version


def _v1_initial(conn: Connection) -> None:
    metadata.create_all(conn)


def _v2_review(conn: Connection) -> None:
    from sitroom.store.schema import reviews, sessions, users

    metadata.create_all(conn, tables=[users, sessions, reviews])


def _v3_search(conn: Connection) -> None:
    """Full-text search over the sentences that report incidents (SQLite's FTS5; on other
    databases the search falls back to matching text in memory)."""
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5("
                         "sentence, source_id UNINDEXED, start UNINDEXED, tokenize='unicode61 remove_diacritics 2')")
    conn.exec_driver_sql("INSERT INTO events_fts (sentence, source_id, start) SELECT sentence, source_id, start FROM events")


def _v4_method(conn: Connection) -> None:
    """Every fact records the method that produced it; extractor failures are kept."""
    from sitroom.store.schema import FACT_TABLES, extraction_failures, methods

    metadata.create_all(conn, tables=[methods, extraction_failures])
    insp = inspect(conn)
    for name in FACT_TABLES:
        if "method" not in {c["name"] for c in insp.get_columns(name)}:
            conn.exec_driver_sql(f"ALTER TABLE {name} ADD COLUMN method VARCHAR(64)")


def _add_missing_fact_columns(conn: Connection) -> None:
    """Columns that fact records gained (a field with a default) and an older store lacks."""
    from sitroom.store.schema import FACT_TABLES

    insp = inspect(conn)
    for name, (table, _) in FACT_TABLES.items():
        have = {c["name"] for c in insp.get_columns(name)}
        for col in table.columns:
            if col.name not in have:
                conn.exec_driver_sql(f"ALTER TABLE {name} ADD COLUMN {col.name} {col.type.compile(conn.dialect)}")


def _v5_timex(conn: Connection) -> None:
    """Time expressions carry their TIMEX3 type and value."""
    _add_missing_fact_columns(conn)


def _v6_hashed_sessions(conn: Connection) -> None:
    """Sessions hold the SHA-256 of their token and expire; the plain-text sessions of
    older stores are dropped (everyone logs in again); API keys for scripts."""
    from sqlalchemy import Table

    from sitroom.store.schema import api_keys, sessions

    Table("sessions", metadata).drop(conn, checkfirst=True)  # whatever columns it had
    metadata.create_all(conn, tables=[sessions, api_keys])


def _v7_custody(conn: Connection) -> None:
    """Chain of custody: every origin of identical bytes with its capture times (backfilled
    from each source's first origin), redaction columns, and deleted content."""
    import hashlib

    from sitroom.store.schema import deleted_sources, source_origins, sources

    have = {c["name"] for c in inspect(conn).get_columns("sources")}
    for col in (sources.c.redacted_sha256, sources.c.redacted_at):
        if col.name not in have:
            conn.exec_driver_sql(f"ALTER TABLE sources ADD COLUMN {col.name} {col.type.compile(conn.dialect)}")
    metadata.create_all(conn, tables=[source_origins, deleted_sources])  # checkfirst: idempotent
    known = set(conn.execute(select(source_origins.c.source_id)).scalars())
    rows = conn.execute(select(sources.c.id, sources.c.origin, sources.c.url, sources.c.external_id,
                               sources.c.captured_at)).all()
    missing = [dict(source_id=r.id, origin=r.origin, origin_key=hashlib.sha256(r.origin.encode("utf-8")).hexdigest(),
                    url=r.url, external_id=r.external_id, captured_at=r.captured_at,
                    last_captured_at=r.captured_at, captures=1) for r in rows if r.id not in known]
    if missing:
        conn.execute(source_origins.insert(), missing)


def _add_columns(conn: Connection, *columns) -> None:
    """Add the schema's ``columns`` (of one table each) that the database's table lacks."""
    for col in columns:
        if col.name not in {c["name"] for c in inspect(conn).get_columns(col.table.name)}:
            conn.exec_driver_sql(f"ALTER TABLE {col.table.name} ADD COLUMN {col.name} "
                                 f"{col.type.compile(conn.dialect)}")


def _create_indexes(conn: Connection, table, *names: str) -> None:
    """Create the schema's indexes of ``table`` named ``names`` that the database lacks."""
    for ix in table.indexes:
        if ix.name in names:
            ix.create(conn, checkfirst=True)


def _v8_incidents(conn: Connection) -> None:
    """Incidents as stored records (incidents, incident_mentions, incident_blocks) and
    collections: every source gets a collection ("default"), its independence group and
    when it was fused. A store that already holds extracted sources gets its incidents
    now, under the ids they had (fuse.stored.adopt_legacy: the hash of their first report,
    so that analysts' decisions keep their targets), with the merges and splits analysts
    had decided applied as they were."""
    from sitroom.store.schema import incident_blocks, incident_mentions, incidents, sources

    _add_missing_fact_columns(conn)  # adopting reads events with the columns they have now
    have = {c["name"] for c in inspect(conn).get_columns("sources")}
    if "collection" not in have:
        conn.exec_driver_sql("ALTER TABLE sources ADD COLUMN collection VARCHAR(100) NOT NULL DEFAULT 'default'")
    _add_columns(conn, sources.c.origin_group, sources.c.fused_at)
    _create_indexes(conn, sources, "ix_sources_collection")
    metadata.create_all(conn, tables=[incidents, incident_mentions, incident_blocks])  # checkfirst
    if conn.execute(select(incidents.c.id).limit(1)).first() is None:
        from sitroom.fuse.stored import adopt_legacy

        adopt_legacy(conn)


def _v9_claims_and_feeds(conn: Connection) -> None:
    """A team's store and live monitoring: claims on sources (a run claims a source before
    extracting it, with a lease), each fact's position unique per source (no double
    write), the state of followed feeds (conditional GET validators, backoff, items seen),
    the changes that monitoring notified, and when each user last looked at them."""
    from sitroom.store.schema import FACT_TABLES, changes, feed_items, feeds, sources, users

    _add_columns(conn, sources.c.claimed_by, sources.c.claimed_until)
    _add_missing_fact_columns(conn)
    for table, _ in FACT_TABLES.values():
        for ix in table.indexes:
            if ix.unique:
                ix.create(conn, checkfirst=True)
    _add_columns(conn, users.c.changes_seen_at)
    metadata.create_all(conn, tables=[feeds, feed_items, changes])  # checkfirst


def _v10_fingerprint_indexes(conn: Connection) -> None:
    """Indexes on when sources were analysed and incidents updated: the store's
    fingerprint (read on every request of the app) looks their maxima up instead of
    scanning both tables."""
    from sitroom.store.schema import incidents, sources

    _create_indexes(conn, sources, "ix_sources_analyzed")
    _create_indexes(conn, incidents, "ix_incidents_updated")


def _v11_signatures(conn: Connection) -> None:
    """Each source's independence signature and LSH band keys, stored once, so that
    fusion groups new sources by index lookups (fuse.stored.update_groups) instead of
    reading every text again; an index on a source's group. The sources
    of an older store get their signatures at the next fusion, all at once (as grouping
    did on every fusion before)."""
    from sitroom.store.schema import source_bands, source_signatures, sources

    metadata.create_all(conn, tables=[source_signatures, source_bands])  # checkfirst
    _create_indexes(conn, sources, "ix_sources_origin_group")


def _v12_status_index(conn: Connection) -> None:
    """An index on a source's status and id: claims find the next pending source without
    reading past every source extracted before it."""
    from sitroom.store.schema import sources

    _create_indexes(conn, sources, "ix_sources_status")


def _v13_inferred_anchor(conn: Connection) -> None:
    """The day an undated page's dates were read against (the day of the incident it
    reports), so that it is read again only once."""
    from sitroom.store.schema import sources

    _add_columns(conn, sources.c.anchor_inferred)


STEPS: list[Callable[[Connection], None]] = [_v1_initial, _v2_review, _v3_search, _v4_method, _v5_timex,
                                             _v6_hashed_sessions, _v7_custody, _v8_incidents, _v9_claims_and_feeds,
                                             _v10_fingerprint_indexes, _v11_signatures,
                                             _v12_status_index, _v13_inferred_anchor]


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(select(schema_version.c.version).order_by(schema_version.c.version.desc())).scalar() or 0


def upgrade(engine: Engine) -> int:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # runs opening one store at once upgrade it once
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7312000)")
        have = current_version(conn)
        if have > len(STEPS):
            raise RuntimeError(f"store schema version {have} is newer than this sitroom ({len(STEPS)}): upgrade sitroom")
        for version, step in enumerate(STEPS[have:], start=have + 1):
            step(conn)
            conn.execute(schema_version.insert().values(version=version, applied_at=datetime.now(timezone.utc)))
        if have:
            # a fact field added with a default needs no step of its own: an older store gets the column
            _add_missing_fact_columns(conn)
        return len(STEPS)
