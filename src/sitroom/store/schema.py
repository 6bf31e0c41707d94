"""Tables. Fact tables are derived from the typed records in ``models.py`` so that a
field added to a record is a column (plus a migration), never a second definition."""
from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime

from sqlalchemy import (Column, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary,
                        MetaData, String, Table, Text, UniqueConstraint)

from sitroom import models

metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", DateTime, nullable=False),
)

sources = Table(
    "sources", metadata,
    Column("id", Integer, primary_key=True),
    Column("external_id", String(512)),
    Column("origin", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("captured_at", DateTime, nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("raw", LargeBinary, nullable=False),        # the bytes as received
    Column("raw_text", Text, nullable=False),          # decoded (HTML: extracted article)
    Column("text", Text, nullable=False),              # clean text
    Column("offsets", Text, nullable=False),           # clean -> raw_text map, run-length JSON
    Column("title", Text), Column("author", Text), Column("outlet", Text), Column("url", Text),
    Column("published", Date), Column("first_published", Date),
    Column("syndicated_from", Text), Column("syndicated_url", Text),
    Column("language", String(16)),
    # pending: archived, not yet extracted; done: facts stored; skipped: not extracted
    # (with the reason in ``note``, e.g. a language the pipeline does not read yet)
    Column("status", String(16), nullable=False, default="pending"),
    Column("note", Text),
    Column("analyzed_at", DateTime),
    # a redaction masks text in place: sha256 stays the hash of the bytes as received (so
    # the same bytes are still recognised and never archived again unredacted), and
    # redacted_sha256 is the hash of the bytes now stored, which `sitroom verify` checks
    Column("redacted_sha256", String(64)),
    Column("redacted_at", DateTime),
    UniqueConstraint("sha256", name="uq_sources_sha256"),
)
Index("ix_sources_external_id", sources.c.external_id)

# Every origin the same bytes came from (file, URL, JSON Lines line), with its capture
# times: the first one is also in sources.origin. One row per (source, origin).
source_origins = Table(
    "source_origins", metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    Column("origin", Text, nullable=False),
    Column("origin_key", String(64), nullable=False),     # sha256 of origin: indexable at any length
    Column("url", Text),
    Column("external_id", String(512)),
    Column("captured_at", DateTime, nullable=False),      # first capture from this origin
    Column("last_captured_at", DateTime, nullable=False),  # latest capture of the same bytes from it
    Column("captures", Integer, nullable=False, default=1),
    Column("capture", Text),                              # JSON: final URL, redirects, address, status
    UniqueConstraint("source_id", "origin_key", name="uq_source_origins"),
)
Index("ix_source_origins_source", source_origins.c.source_id)

# Content deleted by a recorded decision (reviews row): never archived again.
deleted_sources = Table(
    "deleted_sources", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("deleted_at", DateTime, nullable=False),
    Column("review_id", Integer),
)

_SQL_TYPES = {int: Integer, float: Float, str: Text, date: Date, datetime: DateTime}


def _column_type(tp) -> type:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _column_type(args[0])
    if origin is typing.Literal:
        return String(32)
    return _SQL_TYPES[tp]


def fact_table(name: str, record: type) -> Table:
    hints = typing.get_type_hints(record)
    cols = [Column("id", Integer, primary_key=True),
            Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False)]
    for f in dataclasses.fields(record):
        if f.name == "source_id":
            continue
        cols.append(Column(f.name, _column_type(hints[f.name])))
    table = Table(name, metadata, *cols)
    Index(f"ix_{name}_source", table.c.source_id)
    return table


FACT_TABLES: dict[str, tuple[Table, type]] = {
    name: (fact_table(name, rec), rec)
    for name, rec in [("entities", models.Entity), ("places", models.Place), ("dates", models.TimeExpr),
                      ("figures", models.Figure), ("quotes", models.Quote),
                      ("events", models.EventMention)]
}


# What each method stamp on a fact stands for (see extract/method.py).
methods = Table(
    "methods", metadata,
    Column("stamp", String(64), primary_key=True),
    Column("version", String(32), nullable=False),
    Column("lexicons", String(64), nullable=False),
    Column("code", String(64), nullable=False),
    Column("models", Text, nullable=False),
    Column("first_used", DateTime, nullable=False),
)

# An extractor that raised on a source: the source keeps the other extractors' facts.
extraction_failures = Table(
    "extraction_failures", metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    Column("extractor", String(32), nullable=False),
    Column("error", Text, nullable=False),
    Column("where", Text),
    Column("method", String(64)),
    Column("at", DateTime, nullable=False),
)
Index("ix_extraction_failures_source", extraction_failures.c.source_id)


# ---------------------------------------------------------------- people and review

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(16), nullable=False),          # viewer | analyst | admin
    Column("password_hash", String(128), nullable=False),  # argon2id (older stores: scrypt, hex)
    Column("salt", String(64), nullable=False),            # scrypt's; "" with argon2id
    Column("created_at", DateTime, nullable=False),
)

# A login: only the SHA-256 of its token is stored, so a copy of the store opens no session.
sessions = Table(
    "sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf", String(64), nullable=False),            # the token every form and cookie write carries
    Column("created_at", DateTime, nullable=False),        # ends session_max_days after this
    Column("last_seen", DateTime, nullable=False),         # and session_idle_hours after this
)
Index("ix_sessions_user", sessions.c.user_id)

# Long-lived keys for scripts, scoped: "read" looks, "review" may also record decisions.
api_keys = Table(
    "api_keys", metadata,
    Column("id", Integer, primary_key=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("label", String(100), nullable=False, default=""),
    Column("scope", String(16), nullable=False),           # read | review
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime),
    Column("last_used", DateTime),
)

# The audit log: every review decision, never updated or deleted. Targets are stable
# (an incident's id derives from its first report), so decisions survive re-analysis.
reviews = Table(
    "reviews", metadata,
    Column("id", Integer, primary_key=True),
    Column("target", String(200), nullable=False),        # "incident:i0a1b2c3d4e"
    Column("action", String(16), nullable=False),         # accept | reject | edit | merge | split
    Column("data", Text, nullable=False, default="{}"),   # JSON: edited fields, merge target, ...
    Column("user_name", String(100), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("note", Text),
)
Index("ix_reviews_target", reviews.c.target)
