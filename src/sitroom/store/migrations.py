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


STEPS: list[Callable[[Connection], None]] = [_v1_initial, _v2_review, _v3_search, _v4_method]


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(select(schema_version.c.version).order_by(schema_version.c.version.desc())).scalar() or 0


def upgrade(engine: Engine) -> int:
    with engine.begin() as conn:
        have = current_version(conn)
        if have > len(STEPS):
            raise RuntimeError(f"store schema version {have} is newer than this sitroom ({len(STEPS)}): upgrade sitroom")
        for version, step in enumerate(STEPS[have:], start=have + 1):
            step(conn)
            conn.execute(schema_version.insert().values(version=version, applied_at=datetime.now(timezone.utc)))
        return len(STEPS)
