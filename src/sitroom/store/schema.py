"""Tables. Fact tables are derived from the typed records in ``models.py`` so that a
field added to a record is a column (plus a migration), never a second definition."""
from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime

from sqlalchemy import (BigInteger, Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer,
                        LargeBinary, MetaData, String, Table, Text, UniqueConstraint)

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
    # the crisis a source belongs to (``analyze --collection NAME``): a store may hold
    # several, and fusion never joins incidents across them unless asked
    Column("collection", String(100), nullable=False, default="default", server_default="default"),
    # its independence group (fuse/independence.py) as of the last fusion, and when its
    # mentions were last fused into stored incidents (NULL or before analyzed_at: pending)
    Column("origin_group", String(40)),
    Column("fused_at", DateTime),
    # a run extracting it holds a claim (a random token) until ``claimed_until`` (a lease:
    # a killed run's claim expires and another run takes the source), so that concurrent
    # runs on one store never extract the same source twice
    Column("claimed_by", String(64)),
    Column("claimed_until", DateTime),
    # a page that gives no date has its dates read against the day of the incident it
    # reports, once fusion has joined it to one that dated reports give (pipeline.anchor_undated)
    Column("anchor_inferred", Date),
    UniqueConstraint("sha256", name="uq_sources_sha256"),
)
Index("ix_sources_external_id", sources.c.external_id)
Index("ix_sources_collection", sources.c.collection)
Index("ix_sources_analyzed", sources.c.analyzed_at)   # the store's fingerprint reads its max
Index("ix_sources_origin_group", sources.c.origin_group)  # a group's members, when grouping changes it
# the pending sources in id order, for claims (without it each claim reads past every source
# already extracted: a cost growing with the store, 20 ms a claim at 30k sources)
Index("ix_sources_status", sources.c.status, sources.c.id)

# Independence grouping's view of each source (fuse/independence.py), computed once when
# the source is first grouped: its MinHash values and the other things grouping compares,
# and its LSH band keys, so that a new source finds the sources that may be copies of it
# by index lookups instead of every text being read again (fuse.stored.update_groups).
# No foreign key to sources: the row of a deleted source tells grouping which group to
# look at again (and is removed then).
source_signatures = Table(
    "source_signatures", metadata,
    Column("source_id", Integer, primary_key=True, autoincrement=False),
    Column("scheme", String(40), nullable=False),         # independence.SCHEME it was computed with
    Column("minhash", LargeBinary, nullable=False),       # NUM_PERM little-endian uint32
    Column("bands", LargeBinary, nullable=False),         # its band keys, little-endian int64
    Column("credits", Text, nullable=False, default=""),  # wire agencies credited, one a line
    Column("outlet_key", Text),                           # normalised outlet
    Column("claim_key", Text),                            # normalised outlet it says it republishes
    Column("signed_at", DateTime, nullable=False),        # redacted after this: computed again
)

source_bands = Table(
    "source_bands", metadata,
    Column("band_key", BigInteger, primary_key=True, autoincrement=False),
    Column("source_id", Integer, primary_key=True, autoincrement=False),
    sqlite_with_rowid=False,
)

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
    # a fact's position in its source's extraction: unique per source, so that one
    # source's facts can never be written twice (two runs storing the same source at once)
    cols.append(Column("ordinal", Integer))
    table = Table(name, metadata, *cols)
    Index(f"ix_{name}_source", table.c.source_id)
    Index(f"uq_{name}_ordinal", table.c.source_id, table.c.ordinal, unique=True)
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
    Column("changes_seen_at", DateTime),  # when the user last looked at what changed (GET /api/changes)
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


# ---------------------------------------------------------------- incidents
# Stored, first-class incidents (fuse/stored.py keeps them): the machine's fields from
# its mentions (fuse.incidents.summarise), the analysts' accumulated edits and review state
# (a cache of the audit log, recomputed whenever a decision on it is recorded or reverted),
# and the links to the mentions that report it. Ids are minted once and kept while at
# least one mention survives.

INCIDENT_ID_LEN = 40

incidents = Table(
    "incidents", metadata,
    Column("id", String(INCIDENT_ID_LEN), primary_key=True),
    Column("collection", String(100), nullable=False, default="default"),
    # active; merged (into ``merged_into`` by a decision); gone (no mention left, kept
    # because analysts decided on it); withdrawn (a split undone by a revert)
    Column("status", String(16), nullable=False, default="active"),
    Column("merged_into", String(INCIDENT_ID_LEN)),
    Column("parent_id", String(INCIDENT_ID_LEN)),      # umbrella (offensive, siege, exodus) -> its part
    Column("split_from", String(INCIDENT_ID_LEN)),     # the incident an analyst split this one off
    Column("event_type", String(64), nullable=False),
    Column("sub_event_type", String(100), nullable=False),
    Column("label", Text, nullable=False),
    Column("date_start", Date), Column("date_end", Date),
    Column("date_precision", String(16), nullable=False),  # day | week | month | year | unknown (undated)
    Column("place", Text), Column("country", String(8)), Column("lat", Float), Column("lon", Float),
    Column("geo_precision", String(16)),
    Column("actors", Text, nullable=False, default="[]"),        # JSON list
    Column("killed_low", Integer), Column("killed_best", Integer), Column("killed_high", Integer),
    Column("injured_low", Integer), Column("injured_best", Integer), Column("injured_high", Integer),
    Column("toll_trail", Text, nullable=False, default="[]"),    # JSON: who gave which toll when
    Column("mention_count", Integer, nullable=False, default=0),
    Column("source_count", Integer, nullable=False, default=0),  # independent sources asserting it
    Column("asserted", Boolean, nullable=False, default=True),   # rests on more than denials and hearsay
    Column("confidence", Float, nullable=False, default=1.0),    # lowest attach score of a joined mention
    Column("review", String(200)),                               # "accepted by ana", "edited by ...", ...
    Column("edits", Text, nullable=False, default="{}"),         # JSON: analysts' fields, accumulated
    Column("needs_review", Boolean, nullable=False, default=False),
    Column("review_reason", Text),                               # why it needs review
    Column("extra", Text, nullable=False, default="{}"),         # JSON: other fields of the fused record
    Column("method", String(64)),                                # the fusion method stamp
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
Index("ix_incidents_collection", incidents.c.collection, incidents.c.status)
Index("ix_incidents_parent", incidents.c.parent_id)
Index("ix_incidents_updated", incidents.c.updated_at)  # the store's fingerprint reads its max

# A mention (an event fact of a source, known by its span and place: fact rows are
# replaced on re-extraction, their ids are not stable) in an incident. One incident per
# mention.
incident_mentions = Table(
    "incident_mentions", metadata,
    Column("id", Integer, primary_key=True),
    Column("incident_id", String(INCIDENT_ID_LEN), ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    Column("mention_key", String(64), nullable=False),  # start:end:sha1(place), + #n for a repeat
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("place", Text),
    Column("trigger", Text),
    Column("event_type", String(64)),
    Column("score", Float, nullable=False, default=1.0),  # attach score when it joined (1: it opened the incident)
    Column("how", String(16), nullable=False),            # opened | attached | refused | merged | split | migrated
    Column("pinned", Boolean, nullable=False, default=False),  # placed by an analyst: fusion leaves it there
    Column("review_id", Integer),                          # the decision that placed it
    Column("added_at", DateTime, nullable=False),
    UniqueConstraint("source_id", "mention_key", name="uq_incident_mentions"),
)
Index("ix_incident_mentions_incident", incident_mentions.c.incident_id)

# Blocking keys of stored incidents (type family, ISO week or "undated", place name, grid
# cell or country), so that a new mention is scored against a few candidates, not all.
incident_blocks = Table(
    "incident_blocks", metadata,
    Column("id", Integer, primary_key=True),
    Column("incident_id", String(INCIDENT_ID_LEN), ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("family", String(16), nullable=False),
    Column("week", String(10), nullable=False),
    Column("loc", String(200), nullable=False),
)
Index("ix_incident_blocks_key", incident_blocks.c.family, incident_blocks.c.loc, incident_blocks.c.week)
Index("ix_incident_blocks_incident", incident_blocks.c.incident_id)


# ---------------------------------------------------------------- live monitoring
# Feeds that `sitroom watch` follows: the validators of the last answer (conditional GET),
# the backoff after failures, and each item seen (so that an article is fetched once).

feeds = Table(
    "feeds", metadata,
    Column("key", String(64), primary_key=True),       # sha256 of the URL
    Column("url", Text, nullable=False),
    Column("etag", Text), Column("last_modified", Text),
    Column("checked_at", DateTime), Column("ok_at", DateTime),
    Column("status", Integer),                         # HTTP status of the last answer (304: unchanged)
    Column("error", Text),                             # the last failure, cleared by a success
    Column("failures", Integer, nullable=False, default=0),  # failures in a row
    Column("retry_after", DateTime),                   # backoff: not polled again before this
    Column("items", Integer, nullable=False, default=0),     # items ingested from it in all
)

feed_items = Table(
    "feed_items", metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_key", String(64), nullable=False),
    Column("item_key", String(64), nullable=False),    # sha256 of the item's guid (or link)
    Column("url", Text),
    Column("first_seen", DateTime, nullable=False),
    Column("source_id", Integer),                      # the source it was archived as (None: failed)
    UniqueConstraint("feed_key", "item_key", name="uq_feed_items"),
)

# What monitoring noticed (docs/watch.md has the payload): a new incident, a toll that
# rose, a figure that contradicts another; read by GET /api/changes.
changes = Table(
    "changes", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("kind", String(32), nullable=False),        # new_incident | toll_rise | contradiction
    Column("collection", String(100)),
    Column("incident_id", String(INCIDENT_ID_LEN)),
    Column("payload", Text, nullable=False),           # JSON, as notified
)
Index("ix_changes_at", changes.c.at)
