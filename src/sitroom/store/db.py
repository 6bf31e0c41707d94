"""The store: the only module that speaks SQL.

SQLite is the embedded default (a file path); a ``postgresql://`` URL selects a server.
Each write is one transaction, so an interrupted run leaves either a whole source (and
later its whole set of facts) or nothing of it.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Engine, String, Text, bindparam, create_engine, event, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from sitroom.models import DocumentFacts, ExtractorFailure, Metadata, Source
from sitroom.store import accounts, migrations
from sitroom.store import incidents as incident_sql
from sitroom.store.schema import deleted_sources, incident_mentions, incidents, source_origins
from sitroom.store.schema import changes, feed_items, feeds
from sitroom.store.schema import (FACT_TABLES, api_keys, extraction_failures, methods, reviews, sessions, sources,
                                  users)

ROLES = ("viewer", "analyst", "admin")
DEFAULT_COLLECTION = "default"
API_SCOPES = ("read", "review")


class StoreError(RuntimeError):
    pass


class SourceWithheld(StoreError):
    """Content that a recorded decision deleted from the store: not archived again."""


class ClaimLost(StoreError):
    """A run's claim on a source ran out and another run took it: its work is not stored."""


CLAIM_LEASE = 600.0  # seconds a claim on a source holds unless it is released before


def new_claim() -> str:
    """A run's claim token: this host, this process (its id and start time, as process ids
    are reused) and a random part. A claim held by a process of this host that is no
    longer alive is released at once (reap_claims)."""
    import os
    import socket

    return f"{socket.gethostname()[:32]}/{os.getpid()}/{_process_start(os.getpid()) or 0}/{secrets.token_hex(4)}"


def _process_start(pid: int) -> int | None:
    """When process ``pid`` started (clock ticks since boot, Linux), None where unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode("ascii", "replace")
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _claim_alive(claim: str, host: str) -> bool:
    """Whether the process that made ``claim`` may still be running (claims of other hosts
    and of unknown form always may: their lease decides)."""
    import os

    parts = claim.split("/")
    if len(parts) != 4 or parts[0] != host or not parts[1].isdigit() or not parts[2].isdigit():
        return True
    pid, started = int(parts[1]), int(parts[2])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        pass  # exists, another user's
    now = _process_start(pid)
    return now is None or not started or now == started  # a reused id is another process


def database_url(db: str) -> str:
    """A SQLite path, a ``postgresql://`` URL (read with psycopg 3) or any SQLAlchemy URL."""
    if db.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + db.split("://", 1)[1]
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser()}"


def _encode_offsets(offsets: list[int]) -> str:
    """Run-length: [[clean_start, raw_start, length], ...] for runs of consecutive offsets
    (a run ends where an offset is not the one before plus one; found with numpy, the
    offsets being one per character)."""
    import numpy as np

    a = np.asarray(offsets, dtype=np.int64)
    if not len(a):
        return "[]"
    starts = np.concatenate(([0], np.flatnonzero(np.diff(a) != 1) + 1))
    lengths = np.diff(np.append(starts, len(a)))
    return json.dumps(np.stack([starts, a[starts], lengths], 1).tolist(), separators=(",", ":"))


def _decode_offsets(data: str) -> list[int]:
    out: list[int] = []
    for _, raw, n in json.loads(data):
        out.extend(range(raw, raw + n))
    return out


class _SaveStatements:
    """save_facts' statements, built once: building them for each source cost the writer
    more than running them, and the writer is the one process every worker waits on."""

    def __init__(self) -> None:
        sid = bindparam("sid")
        self.release = update(sources).where(sources.c.id == sid, sources.c.claimed_by == bindparam("claim")) \
            .values(claimed_by=None, claimed_until=None)
        self.held = select(*(exists().where(t.c.source_id == sid) for t, _ in FACT_TABLES.values()),
                           exists().where(extraction_failures.c.source_id == sid))
        self.done = update(sources).where(sources.c.id == sid).values(
            status="done", language=bindparam("language"), note=None, analyzed_at=bindparam("at"))


_SAVE = _SaveStatements()


class Store:
    def __init__(self, db: str = "sitroom.db"):
        self.url = database_url(db)
        kwargs = {}
        if self.url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 30}
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        migrations.upgrade(self.engine)
        self._methods_seen: set[str] = set()   # method stamps found stored (save_facts asks once)

    # ------------------------------------------------------------ sources

    def add_source(self, source: Source, capture: dict | None = None,
                   collection: str | None = None) -> tuple[int, bool]:
        """Archive a source; returns (id, created). Identical content is stored once, and
        every origin it comes from is recorded with its capture time (``capture``: how a
        URL was fetched). Content deleted by a recorded decision raises SourceWithheld.
        ``collection``: the crisis it belongs to (default: "default"); content already
        archived keeps its collection, unless that is the default one (then it moves, and
        is fused again in its new collection)."""
        for attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    _refuse_deleted(conn, source.sha256)
                    existing = conn.execute(select(sources.c.id, sources.c.collection)
                                            .where(sources.c.sha256 == source.sha256)).first()
                    if existing is not None:
                        _record_origin(conn, existing.id, source, capture)
                        if collection and collection != existing.collection and existing.collection == DEFAULT_COLLECTION:
                            conn.execute(update(sources).where(sources.c.id == existing.id)
                                         .values(collection=collection, fused_at=None))
                        return existing.id, False
                    row = _source_row(source)
                    row["collection"] = collection or DEFAULT_COLLECTION
                    sid = conn.execute(insert(sources).values(**row)).inserted_primary_key[0]
                    _record_origin(conn, sid, source, capture)
                return sid, True
            except (IntegrityError, OperationalError):
                # a concurrent writer archived it (or its origin) first, or moved the
                # database on under this transaction: try again, seeing what it wrote
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def add_origin_if_known(self, source: Source, capture: dict | None = None,
                            collection: str | None = None) -> int | None:
        """Re-ingest that hashes first: when content with ``source.sha256`` is archived,
        record ``source``'s origin (and move its collection as ``add_source`` does) and
        return its id; None when the content is new (nothing written). Only the hash,
        origin, url, external id and capture time of ``source`` are read, so a caller can
        ask before decoding or cleaning. Content deleted by a recorded decision raises
        SourceWithheld."""
        for attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    _refuse_deleted(conn, source.sha256)
                    existing = conn.execute(select(sources.c.id, sources.c.collection)
                                            .where(sources.c.sha256 == source.sha256)).first()
                    if existing is None:
                        return None
                    _record_origin(conn, existing.id, source, capture)
                    if collection and collection != existing.collection and existing.collection == DEFAULT_COLLECTION:
                        conn.execute(update(sources).where(sources.c.id == existing.id)
                                     .values(collection=collection, fused_at=None))
                    return existing.id
            except (IntegrityError, OperationalError):
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def origins(self, source_id: int) -> list[dict]:
        """Every origin of a source's bytes, first captured first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(source_origins).where(source_origins.c.source_id == source_id)
                                .order_by(source_origins.c.captured_at, source_origins.c.id)).mappings().all()
        out = []
        for r in rows:
            d = {k: r[k] for k in ("origin", "url", "external_id", "captured_at", "last_captured_at", "captures")}
            d["capture"] = json.loads(r["capture"]) if r["capture"] else None
            out.append(d)
        return out

    def source_record(self, source_id: int) -> dict:
        """The custody columns of a source that its Source record does not carry."""
        cols = [sources.c[n] for n in ("id", "sha256", "captured_at", "analyzed_at", "status", "note",
                                       "redacted_sha256", "redacted_at")]
        with self.engine.connect() as conn:
            row = conn.execute(select(*cols).where(sources.c.id == source_id)).mappings().first()
            if row is None:
                raise StoreError(f"no source with id {source_id}")
            stamps = set()
            for table, _ in FACT_TABLES.values():
                stamps |= set(conn.execute(select(table.c.method).where(table.c.source_id == source_id)
                                           .distinct()).scalars())
        return {**dict(row), "methods": sorted(s for s in stamps if s)}

    def iter_archive(self) -> Iterator[dict]:
        """Every source's stored bytes and texts with their recorded hashes, streamed (for
        re-verification: the whole archive is never held in memory)."""
        cols = [sources.c[n] for n in ("id", "external_id", "origin", "sha256", "redacted_sha256", "raw", "text",
                                       "offsets", "status")]
        with self.engine.connect() as conn:
            result = conn.execution_options(yield_per=64).execute(select(*cols).order_by(sources.c.id))
            for row in result.mappings():
                yield dict(row)

    def archive_checks(self) -> dict[str, list]:
        """Structural problems an interrupted or concurrent write could leave: the same
        bytes archived twice, a source with no origin, an origin recorded twice, facts or
        origins of a source that is not there, an unknown status."""
        with self.engine.connect() as conn:
            dup = conn.execute(select(sources.c.sha256).group_by(sources.c.sha256)
                               .having(func.count() > 1)).scalars().all()
            no_origin = conn.execute(select(sources.c.id).where(
                ~select(source_origins.c.id).where(source_origins.c.source_id == sources.c.id).exists())).scalars().all()
            dup_origin = conn.execute(select(source_origins.c.source_id, source_origins.c.origin_key)
                                      .group_by(source_origins.c.source_id, source_origins.c.origin_key)
                                      .having(func.count() > 1)).all()
            orphans = []
            for name, table in [("origins", source_origins), ("extraction_failures", extraction_failures),
                                ("incident_mentions", incident_mentions),
                                *((n, t) for n, (t, _) in FACT_TABLES.items())]:
                orphans += [f"{name} of source {sid}" for sid in conn.execute(
                    select(table.c.source_id).distinct().where(
                        ~select(sources.c.id).where(sources.c.id == table.c.source_id).exists())).scalars()]
            bad_status = conn.execute(select(sources.c.id).where(
                sources.c.status.not_in(("pending", "done", "skipped", "failed")))).scalars().all()
        return {"duplicate_hashes": list(dup), "sources_without_origin": list(no_origin),
                "duplicate_origins": [f"source {s}" for s, _ in dup_origin], "orphans": orphans,
                "unknown_status": list(bad_status)}

    def delete_source(self, source_id: int, *, by: str, reason: str) -> dict:
        """Delete a source, its facts and origins, and record the decision in the audit log
        (target ``source:ID``, action ``delete``), in one transaction. Its hash is kept, so
        the same bytes are refused if they come in again."""
        if not (reason or "").strip():
            raise StoreError("a deletion needs a reason (it goes in the audit log)")
        with self.engine.begin() as conn:
            row = conn.execute(select(sources.c.id, sources.c.sha256, sources.c.external_id, sources.c.captured_at)
                               .where(sources.c.id == source_id)).mappings().first()
            if row is None:
                raise StoreError(f"no source with id {source_id}")
            origins = conn.execute(select(source_origins.c.origin).where(source_origins.c.source_id == source_id)
                                   .order_by(source_origins.c.captured_at)).scalars().all()
            touched = incident_sql.incidents_of_source(conn, source_id)
            conn.execute(incident_mentions.delete().where(incident_mentions.c.source_id == source_id))
            counts = {}
            for name, (table, _) in FACT_TABLES.items():
                counts[name] = conn.execute(table.delete().where(table.c.source_id == source_id)).rowcount
            conn.execute(extraction_failures.delete().where(extraction_failures.c.source_id == source_id))
            conn.execute(source_origins.delete().where(source_origins.c.source_id == source_id))
            if self.has_fts:
                conn.exec_driver_sql("DELETE FROM events_fts WHERE source_id = ?", (source_id,))
            conn.execute(sources.delete().where(sources.c.id == source_id))
            data = {"sha256": row["sha256"], "external_id": row["external_id"],
                    "captured_at": row["captured_at"].isoformat(sep=" "), "origins": list(origins), "facts": counts}
            rid = _audit(conn, f"source:{source_id}", "delete", data, by, reason)
            conn.execute(insert(deleted_sources).values(sha256=row["sha256"], deleted_at=_now(), review_id=rid))
        # the incidents it reported are recomputed from their other reports by the caller
        # (fuse.stored.recompute); meanwhile no derived text of it stays in them
        self._strip_incident_text(touched, pattern=None, mask="", article=row["external_id"] or str(source_id))
        return {"review_id": rid, "incidents": touched, **data}

    def _strip_incident_text(self, ids: list[str], *, pattern, mask: str, article: str | None = None) -> None:
        """Take a deleted source's tolls out of the toll trails of ``ids`` (``article``), or
        mask redacted terms in their labels and trails (``pattern``)."""
        if not ids:
            return
        with self.engine.begin() as conn:
            for r in incident_sql.rows(conn, ids=ids, statuses=None):
                trail = r["toll_trail"]
                if article is not None:
                    trail = [t for t in trail if t.get("article") != article]
                values = {"toll_trail": trail}
                if pattern is not None:
                    values["toll_trail"] = [{k: (_mask(pattern, v, mask)[0] if isinstance(v, str) else v)
                                             for k, v in t.items()} for t in trail]
                    values["label"] = _mask(pattern, r["label"], mask)[0]
                incident_sql.update_incident(conn, r["id"], values)

    def redact_source(self, source_id: int, terms: list[str], *, by: str, reason: str, mask: str = "█") -> dict:
        """Mask ``terms`` (a person's name, ...) wherever the store holds this source: its
        bytes, texts, metadata, origins, facts and extractor failures; matching ignores case
        and treats any run of spaces and line breaks as one. Characters are masked one for
        one, so every stored offset stays valid. The decision goes in the audit log
        (target ``source:ID``, action ``redact``) without the terms themselves. Earlier
        audit-log entries are never rewritten: the count of those that mention a term is
        returned so that the operator knows."""
        terms = [t.strip() for t in terms if t and t.strip()]
        if not terms:
            raise StoreError("nothing to redact: give the words to mask")
        if not (reason or "").strip():
            raise StoreError("a redaction needs a reason (it goes in the audit log)")
        pattern = _terms_pattern(terms)
        replaced = 0

        def masked(value):
            nonlocal replaced
            if not isinstance(value, str) or not value:
                return value
            new, n = _mask(pattern, value, mask)
            replaced += n
            return new

        with self.engine.begin() as conn:
            row = conn.execute(select(sources).where(sources.c.id == source_id)).mappings().first()
            if row is None:
                raise StoreError(f"no source with id {source_id}")
            before = hashlib.sha256(row["raw"]).hexdigest()
            changes = {c: masked(row[c]) for c in ("raw_text", "text", "title", "author", "outlet", "url", "origin",
                                                   "external_id", "syndicated_from", "syndicated_url", "note")}
            changes = {c: v for c, v in changes.items() if v != row[c]}
            raw, how = _mask_raw(row["raw"], row["content_type"], terms, mask, changes.get("raw_text", row["raw_text"]))
            fields = sorted(changes) + (["raw"] if how != "unchanged" else [])
            after = hashlib.sha256(raw).hexdigest()
            conn.execute(update(sources).where(sources.c.id == source_id)
                         .values(**changes, raw=raw, redacted_sha256=after, redacted_at=_now()))
            for o in conn.execute(select(source_origins).where(source_origins.c.source_id == source_id)).mappings().all():
                new = {c: masked(o[c]) for c in ("origin", "url", "external_id", "capture")}
                new = {c: v for c, v in new.items() if v != o[c]}
                if new:
                    if "origin" in new:
                        new["origin_key"] = _origin_key(new["origin"])
                    conn.execute(update(source_origins).where(source_origins.c.id == o["id"]).values(**new))
                    fields.append("origins")
            for name, table in [*((n, t) for n, (t, _) in FACT_TABLES.items()), ("extraction_failures", extraction_failures),
                                ("incident_mentions", incident_mentions)]:
                text_cols = [c.name for c in table.columns if isinstance(c.type, (String, Text)) and c.name != "method"]
                for f in conn.execute(select(table).where(table.c.source_id == source_id)).mappings().all():
                    new = {c: masked(f[c]) for c in text_cols}
                    new = {c: v for c, v in new.items() if v != f[c]}
                    if new:
                        conn.execute(update(table).where(table.c.id == f["id"]).values(**new))
                        fields.append(name)
            if self.has_fts:
                conn.exec_driver_sql("DELETE FROM events_fts WHERE source_id = ?", (source_id,))
                events = FACT_TABLES["events"][0]
                rows = conn.execute(select(events.c.sentence, events.c.start).where(events.c.source_id == source_id)).all()
                if rows:
                    conn.exec_driver_sql("INSERT INTO events_fts (sentence, source_id, start) VALUES (?, ?, ?)",
                                         [(s, source_id, st) for s, st in rows])
            mentioned = sum(1 for r in conn.execute(select(reviews.c.data, reviews.c.note)).all()
                            if pattern.search(r.data or "") or pattern.search(r.note or ""))
            data = {"sha256": row["sha256"], "sha256_before": before, "sha256_after": after, "terms": len(terms),
                    "replaced": replaced, "raw": how, "fields": sorted(set(fields))}
            rid = _audit(conn, f"source:{source_id}", "redact", data, by, reason)
            touched = incident_sql.incidents_of_source(conn, source_id)
        self._strip_incident_text(touched, pattern=pattern, mask=mask)
        return {"review_id": rid, "reviews_mentioning": mentioned, "incidents": touched, **data}

    def backup(self, target: str | Path, *, overwrite: bool = False) -> dict:
        """A consistent copy of the live store: SQLite's online backup API (writers may go
        on meanwhile; the copy is one snapshot, checked with integrity_check), or pg_dump's
        custom format on PostgreSQL. The copy is written beside the target and renamed
        into place, so an interrupted backup never leaves a half file under its name."""
        target = Path(target).expanduser()
        if target.exists() and not overwrite:
            raise StoreError(f"{target} exists already (give another name, or --force to replace it)")
        if target.parent and not target.parent.is_dir():
            raise StoreError(f"no such folder: {target.parent}")
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            if self.engine.dialect.name == "sqlite":
                info = self._backup_sqlite(tmp)
            elif self.engine.dialect.name == "postgresql":
                info = self._backup_postgres(tmp)
            else:
                raise StoreError(f"backup is not supported on {self.engine.dialect.name}")
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        return {"path": str(target), "bytes": target.stat().st_size, **info}

    def _backup_sqlite(self, tmp: Path) -> dict:
        import sqlite3

        raw = self.engine.raw_connection()
        try:
            dst = sqlite3.connect(tmp)
            try:
                raw.driver_connection.backup(dst)  # one step: a single consistent snapshot
                ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
                n = dst.execute("SELECT count(*) FROM sources").fetchone()[0]
            finally:
                dst.close()
        finally:
            raw.close()
        if ok != "ok":
            raise StoreError(f"the copy failed its integrity check: {ok}")
        return {"method": "sqlite backup API", "sources": n, "integrity": ok}

    def _backup_postgres(self, tmp: Path) -> dict:
        import subprocess

        exe = _pg_dump()
        if exe is None:
            raise StoreError("pg_dump is not installed (Debian: apt-get install postgresql-client)")
        url = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        proc = subprocess.run([exe, "--format=custom", "--no-owner", f"--file={tmp}", f"--dbname={url}"],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise StoreError(f"pg_dump failed: {proc.stderr.strip()[:500]}")
        with self.engine.connect() as conn:
            n = conn.execute(select(func.count(sources.c.id))).scalar()
        return {"method": f"pg_dump, custom format (restore with pg_restore; {exe})", "sources": n}

    def source_id_by_hash(self, sha256: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(sources.c.id).where(sources.c.sha256 == sha256)).scalar_one()

    def fingerprint(self) -> tuple:
        """Changes whenever a source is added or (re-)extracted or a review is recorded: for
        caching derived views."""
        with self.engine.connect() as conn:  # one aggregate a query: each max is an index lookup
            return (*(conn.execute(select(agg)).scalar() for agg in (
                        func.count(sources.c.id), func.max(sources.c.id), func.max(sources.c.analyzed_at))),
                    conn.execute(select(func.max(reviews.c.id))).scalar(), *incident_sql.fingerprint(conn))

    # ------------------------------------------------------------ incidents (see store/incidents.py)

    def incident_write(self, fn, *, attempts: int = 5):
        """Run ``fn(conn)`` in one transaction that writes incidents, and return its result.
        Writers of incidents take turns: on PostgreSQL a transaction-scoped advisory lock;
        on SQLite the database's own write lock, the whole step tried again when another
        writer moved the database on under it."""
        import time

        for attempt in range(attempts):
            try:
                with self.engine.begin() as conn:
                    if conn.dialect.name == "postgresql":
                        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7312001)")
                    return fn(conn)
            except OperationalError:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def incident_read(self, fn):
        """Run ``fn(conn)`` on one connection (one consistent view on PostgreSQL and SQLite WAL)."""
        with self.engine.connect() as conn:
            with conn.begin():
                return fn(conn)

    def collections(self) -> list[dict]:
        """Collections with their counts of sources and active incidents."""
        with self.engine.connect() as conn:
            return incident_sql.collections(conn)

    def set_collection(self, source_ids: list[int], collection: str) -> int:
        """Tag sources with a collection (their incidents follow at the next fusion)."""
        with self.engine.begin() as conn:
            return incident_sql.set_collection(conn, source_ids, collection)

    def pending_ids(self, collection: str | None = None) -> list[int]:
        q = select(sources.c.id).where(sources.c.status == "pending").order_by(sources.c.id)
        if collection is not None:
            q = q.where(sources.c.collection == collection)
        with self.engine.connect() as conn:
            return list(conn.execute(q).scalars())

    # ------------------------------------------------------------ claims (concurrent runs)

    def claim_pending(self, claim: str, *, lease_seconds: float = CLAIM_LEASE, collection: str | None = None,
                      limit: int = 1) -> list[int]:
        """Claim up to ``limit`` pending sources (of ``collection``) for extraction, lowest
        id first: sources no other run holds, or whose holder's lease ran out. The claim
        is an atomic conditional UPDATE (on PostgreSQL the candidates are read with
        ``FOR UPDATE SKIP LOCKED``, so concurrent runs take different sources without
        waiting); on SQLite the database's single writer does the same. Returns the ids
        claimed ([] when nothing is left to claim)."""
        for attempt in range(50):
            now = _now()
            free = (sources.c.status == "pending") & (sources.c.claimed_until.is_(None)
                                                       | (sources.c.claimed_until < now))
            q = select(sources.c.id).where(free).order_by(sources.c.id).limit(limit)
            if collection is not None:
                q = q.where(sources.c.collection == collection)
            try:
                with self.engine.begin() as conn:
                    if conn.dialect.name == "postgresql":
                        q = q.with_for_update(skip_locked=True)
                    candidates = conn.execute(q).scalars().all()
                    if not candidates:
                        return []
                    until = now + timedelta(seconds=lease_seconds)
                    got = [sid for sid in candidates
                           if conn.execute(update(sources).where(sources.c.id == sid, free)
                                           .values(claimed_by=claim, claimed_until=until)).rowcount]
            except OperationalError:  # SQLite: another writer moved the database on; look again
                if attempt == 49:
                    raise
                continue
            if got:
                return got
            # another run took these between our read and our write: look again
        return []

    def release_claim(self, source_id: int, claim: str) -> bool:
        """Give a claimed source back (still pending) for another run to take."""
        with self.engine.begin() as conn:
            return conn.execute(update(sources).where(sources.c.id == source_id, sources.c.claimed_by == claim)
                                .values(claimed_by=None, claimed_until=None)).rowcount > 0

    def reap_claims(self) -> int:
        """Release the claims of processes of this host that are no longer alive (a run
        killed mid-extraction), without waiting for their lease to run out; claims of
        other hosts wait for their lease. Returns how many sources were released."""
        import socket

        host = socket.gethostname()[:32]
        with self.engine.connect() as conn:
            holders = conn.execute(select(sources.c.claimed_by).distinct()
                                   .where(sources.c.claimed_by.is_not(None), sources.c.status == "pending")).scalars().all()
        dead = [h for h in holders if not _claim_alive(h, host)]
        if not dead:
            return 0
        with self.engine.begin() as conn:
            return conn.execute(update(sources).where(sources.c.claimed_by.in_(dead))
                                .values(claimed_by=None, claimed_until=None)).rowcount

    def claims(self) -> list[dict]:
        """Sources held by a run now: id, claimed_by, claimed_until."""
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(
                select(sources.c.id, sources.c.claimed_by, sources.c.claimed_until)
                .where(sources.c.claimed_by.is_not(None)).order_by(sources.c.id)).mappings()]

    # ------------------------------------------------------------ live monitoring (ingest/watch.py)

    def feed_state(self, url: str) -> dict:
        """What the store keeps of a followed feed (validators, failures, backoff); a feed
        never polled has only its key and URL."""
        key = _origin_key(url)
        with self.engine.connect() as conn:
            row = conn.execute(select(feeds).where(feeds.c.key == key)).mappings().first()
        return dict(row) if row is not None else {"key": key, "url": url, "failures": 0, "items": 0}

    def update_feed(self, url: str, **values) -> None:
        """Record a poll of ``url`` (any columns of the feeds table)."""
        key = _origin_key(url)
        for attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    if conn.execute(update(feeds).where(feeds.c.key == key).values(**values)).rowcount == 0:
                        conn.execute(insert(feeds).values(key=key, url=url, **{"failures": 0, "items": 0, **values}))
                return
            except (IntegrityError, OperationalError):
                if attempt == 2:
                    raise

    def feeds(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(feeds).order_by(feeds.c.url)).mappings()]

    def seen_items(self, url: str, item_keys: list[str]) -> set[str]:
        """Which of these items of the feed at ``url`` were ingested before."""
        key, out = _origin_key(url), set()
        with self.engine.connect() as conn:
            for i in range(0, len(item_keys), 500):
                out |= set(conn.execute(select(feed_items.c.item_key).where(
                    feed_items.c.feed_key == key, feed_items.c.item_key.in_(item_keys[i:i + 500]))).scalars())
        return out

    def add_feed_item(self, url: str, item_key: str, item_url: str | None, source_id: int | None) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(feed_items).values(feed_key=_origin_key(url), item_key=item_key, url=item_url,
                                                       first_seen=_now(), source_id=source_id))
        except IntegrityError:  # a concurrent watcher recorded it first
            pass

    def add_change(self, kind: str, payload: dict, *, incident_id: str | None = None,
                   collection: str | None = None, at: datetime | None = None) -> int:
        """Record what monitoring noticed (read by GET /api/changes); returns its id."""
        with self.engine.begin() as conn:
            return conn.execute(insert(changes).values(
                at=at or _now(), kind=kind, incident_id=incident_id, collection=collection,
                payload=json.dumps(payload, default=str, ensure_ascii=False))).inserted_primary_key[0]

    def changes_since(self, since: datetime | None, limit: int = 1000) -> list[dict]:
        """Changes recorded after ``since`` (all when None), oldest first: their payloads
        with the change's id."""
        q = select(changes).order_by(changes.c.at, changes.c.id).limit(limit)
        if since is not None:
            q = q.where(changes.c.at > since)
        with self.engine.connect() as conn:
            return [{**json.loads(r["payload"]), "change_id": r["id"]} for r in conn.execute(q).mappings()]

    def changes_seen(self, user_id: int, at: datetime | None = None) -> datetime | None:
        """When the user last looked at what changed; with ``at``, record that they looked now."""
        with self.engine.begin() as conn:
            before = conn.execute(select(users.c.changes_seen_at).where(users.c.id == user_id)).scalar()
            if at is not None:
                conn.execute(update(users).where(users.c.id == user_id).values(changes_seen_at=at))
        return before

    def health(self) -> dict:
        """Whether the store answers, its schema version and a few counts (GET /api/health)."""
        with self.engine.connect() as conn:
            version = migrations.current_version(conn)
            counts = dict(conn.execute(select(sources.c.status, func.count()).group_by(sources.c.status)).all())
            last = conn.execute(select(func.max(changes.c.at))).scalar()
        return {"schema": version, "sources": sum(counts.values()), "pending": counts.get("pending", 0),
                "last_change": last}

    def get_source(self, source_id: int) -> Source:
        with self.engine.connect() as conn:
            row = conn.execute(select(sources).where(sources.c.id == source_id)).mappings().first()
        if row is None:
            raise StoreError(f"no source with id {source_id}")
        return _row_source(row)

    def find_source(self, ref: str) -> Source:
        """By numeric id or by the input's external id."""
        with self.engine.connect() as conn:
            row = None
            if ref.isdigit():
                row = conn.execute(select(sources).where(sources.c.id == int(ref))).mappings().first()
            if row is None:
                row = conn.execute(select(sources).where(sources.c.external_id == ref)
                                   .order_by(sources.c.id.desc())).mappings().first()
        if row is None:
            raise StoreError(f"no source with id or external id {ref!r}")
        return _row_source(row)

    def sources(self, collection: str | None = None) -> list[dict]:
        """Source listing with fact counts (for tables, not for pipelines)."""
        cols = [sources.c[n] for n in ("id", "external_id", "origin", "outlet", "title", "published",
                                       "first_published", "syndicated_from", "language", "status", "note",
                                       "collection")]
        q = select(*cols).order_by(sources.c.id)
        if collection is not None:
            q = q.where(sources.c.collection == collection)
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(q).mappings()]
            for name, (table, _) in FACT_TABLES.items():
                counts = dict(conn.execute(select(table.c.source_id, func.count())
                                           .group_by(table.c.source_id)).all())
                for r in rows:
                    r[name] = counts.get(r["id"], 0)
        return rows

    def iter_sources(self, collection: str | None = None) -> Iterator[Source]:
        """Every source (of ``collection``), in the order they were archived."""
        q = select(sources).order_by(sources.c.id)
        if collection is not None:
            q = q.where(sources.c.collection == collection)
        with self.engine.connect() as conn:  # one query, not one per source
            rows = conn.execute(q).mappings().all()
        for row in rows:
            yield _row_source(row)

    def source_ids(self) -> list[int]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(sources.c.id).order_by(sources.c.id)).scalars())

    # ------------------------------------------------------------ facts

    def save_facts(self, source_id: int, facts: DocumentFacts, *, claim: str | None = None) -> None:
        """Replace a source's facts (and its record of extractor failures) and mark it
        done, in one transaction. Facts are stamped with the method that made them.
        ``claim``: the run's claim on the source (claim_pending); when another run holds it
        now (the lease ran out and it was taken), nothing is written and ClaimLost is
        raised. Each fact's position is unique per source, so two writers storing one
        source at once cannot double its facts: the second one fails."""
        with self.engine.begin() as conn:
            if claim is not None and not conn.execute(_SAVE.release, {"sid": source_id, "claim": claim}).rowcount:
                raise ClaimLost(f"source {source_id} is no longer claimed by this run")
            if facts.method and facts.method not in self._methods_seen:
                if self._record_method(conn, facts.method):
                    self._methods_seen.add(facts.method)   # stored before this transaction: never asked again
            # what this source already has (one query; a source extracted for the first time
            # has nothing, and then no table is touched to delete it)
            held = dict(zip([*FACT_TABLES, "failures"], conn.execute(_SAVE.held, {"sid": source_id}).one()))
            for name, (table, rec) in FACT_TABLES.items():
                if held[name]:
                    conn.execute(table.delete().where(table.c.source_id == source_id))
                rows = []
                names = _field_names(rec)
                for i, fact in enumerate(getattr(facts, name)):
                    row = {n: getattr(fact, n) for n in names}   # dataclasses.asdict: every field is a scalar
                    row["source_id"] = source_id
                    row["ordinal"] = i
                    row["method"] = row.get("method") or facts.method
                    rows.append(row)
                if rows:
                    conn.execute(insert(table), rows)
            if held["failures"]:
                conn.execute(extraction_failures.delete().where(extraction_failures.c.source_id == source_id))
            if facts.failures:
                conn.execute(insert(extraction_failures), [
                    dict(source_id=source_id, extractor=f.extractor, error=f.error[:2000], where=f.where,
                         method=f.method or facts.method, at=_now()) for f in facts.failures])
            if self.has_fts:  # the search index follows the incident sentences
                if held["events"]:   # its rows are written with the events and never without them
                    conn.exec_driver_sql("DELETE FROM events_fts WHERE source_id = ?", (source_id,))
                if facts.events:
                    conn.exec_driver_sql("INSERT INTO events_fts (sentence, source_id, start) VALUES (?, ?, ?)",
                                         [(e.sentence, source_id, e.start) for e in facts.events])
            conn.execute(_SAVE.done, {"sid": source_id, "language": facts.language, "at": _now()})

    @staticmethod
    def _record_method(conn, stamp: str) -> bool:
        """Record what ``stamp`` stands for; True where it was stored already."""
        if conn.execute(select(methods.c.stamp).where(methods.c.stamp == stamp)).first() is not None:
            return True
        from sitroom.extract.method import current  # the method running now made the stamp

        m = current()
        if m.stamp != stamp:
            return False
        try:
            with conn.begin_nested():
                conn.execute(insert(methods).values(stamp=m.stamp, version=m.version, lexicons=m.lexicons,
                                                    code=m.code, models=m.models, first_used=_now()))
        except IntegrityError:  # another writer recorded it first
            pass
        return False

    def methods(self) -> list[dict]:
        """Every method stamp seen on a fact, with what it stands for."""
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(methods).order_by(methods.c.first_used)).mappings()]

    def failures(self, source_id: int | None = None) -> list[ExtractorFailure]:
        """Extractors that raised, per source (all sources when ``source_id`` is None)."""
        q = select(extraction_failures).order_by(extraction_failures.c.source_id, extraction_failures.c.id)
        if source_id is not None:
            q = q.where(extraction_failures.c.source_id == source_id)
        with self.engine.connect() as conn:
            return [ExtractorFailure(extractor=r["extractor"], error=r["error"], where=r["where"] or "",
                                     source_id=r["source_id"], method=r["method"])
                    for r in conn.execute(q).mappings()]

    @property
    def has_fts(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def search_sentences(self, query: str) -> set[tuple[int, int]] | None:
        """(source id, offset) of incident sentences matching ``query`` (every word, accents
        and case ignored), or None where the database has no full-text index."""
        if not self.has_fts:
            return None
        words = [w.replace('"', '""') for w in query.split() if w.strip()]
        if not words:
            return set()
        match = " ".join(f'"{w}"' for w in words)
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT source_id, start FROM events_fts WHERE events_fts MATCH ?",
                                        (match,)).all()
        return {(int(a), int(b)) for a, b in rows}

    def undated_sources(self, collection: str | None = None) -> list[int]:
        """Extracted sources (of ``collection``) whose page gives no date and whose dates
        were not yet read against an inferred day (``anchor_undated``)."""
        q = select(sources.c.id).where(sources.c.status == "done", sources.c.published.is_(None),
                                       sources.c.first_published.is_(None), sources.c.anchor_inferred.is_(None))
        if collection is not None:
            q = q.where(sources.c.collection == collection)
        with self.engine.connect() as conn:
            return list(conn.execute(q.order_by(sources.c.id)).scalars())

    def reported_days(self, source_ids: list[int]) -> dict:
        """The day of the incident each source reports, as dated reports give it (sources
        with none left out)."""
        from sitroom.store import incidents as sql

        return self.incident_read(lambda conn: sql.reported_days(conn, source_ids))

    def claim_anchor(self, source_id: int, day) -> bool:
        """Record that an undated source is read against ``day`` (the day of the incident it
        reports); False where another run recorded one first (it reads it then: once)."""
        with self.engine.begin() as conn:
            return conn.execute(update(sources).where(sources.c.id == source_id, sources.c.anchor_inferred.is_(None))
                                .values(anchor_inferred=day)).rowcount > 0

    def mark_all_pending(self, collection: str | None = None) -> int:
        """Queue every source (of ``collection``) for extraction again (after an upgrade of
        the extractors)."""
        q = update(sources).values(status="pending", note=None, anchor_inferred=None)   # (read again: anchored again)
        if collection is not None:
            q = q.where(sources.c.collection == collection)
        with self.engine.begin() as conn:
            return conn.execute(q).rowcount

    def mark_skipped(self, source_id: int, language: str | None, note: str, *, claim: str | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(sources).where(sources.c.id == source_id, *_held(claim))
                         .values(status="skipped", language=language, note=note, analyzed_at=_now(),
                                 claimed_by=None, claimed_until=None))

    def mark_failed(self, source_id: int, reason: str, detail: str = "", *, claim: str | None = None) -> None:
        """Extraction of a source gave up (``reason``: ``time_budget``, ``error``, ...): the
        source is ``failed`` with ``reason: detail`` as its note, its earlier facts are
        kept, and it is not tried again until ``retry_failed`` (``analyze --retry-failed``)."""
        note = f"{reason}: {detail}" if detail else reason
        with self.engine.begin() as conn:
            conn.execute(update(sources).where(sources.c.id == source_id, *_held(claim))
                         .values(status="failed", note=note[:2000], analyzed_at=_now(),
                                 claimed_by=None, claimed_until=None))

    def failed_sources(self) -> list[dict]:
        """Sources whose extraction gave up: id, origin, reason (``time_budget``, ...), note, when."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(sources.c.id, sources.c.origin, sources.c.note, sources.c.analyzed_at)
                                .where(sources.c.status == "failed").order_by(sources.c.id)).mappings().all()
        return [{"id": r["id"], "origin": r["origin"], "reason": (r["note"] or "").split(":", 1)[0],
                 "note": r["note"], "at": r["analyzed_at"]} for r in rows]

    def retry_failed(self) -> int:
        """Queue every failed source for extraction again; returns how many."""
        with self.engine.begin() as conn:
            return conn.execute(update(sources).where(sources.c.status == "failed")
                                .values(status="pending", note=None)).rowcount

    def all_facts(self, kind: str) -> Iterator[object]:
        """Every stored fact of one kind (a FACT_TABLES name), with source_id set."""
        table, rec = FACT_TABLES[kind]
        with self.engine.connect() as conn:
            for row in conn.execute(select(table).order_by(table.c.source_id, table.c.start)).mappings():
                yield _row_record(rec, row)

    # ------------------------------------------------------------ users and review

    def add_user(self, name: str, role: str, password: str, *, min_length: int = 10) -> User:
        if role not in ROLES:
            raise StoreError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
        name = (name or "").strip()
        if not name or len(name) > 100 or any(c.isspace() or not c.isprintable() for c in name):
            raise StoreError("a user needs a name of 1-100 printable characters, no spaces")
        try:
            accounts.check_password(password, name, min_length)
        except accounts.PasswordPolicyError as exc:
            raise StoreError(str(exc)) from None
        with self.engine.begin() as conn:
            if conn.execute(select(users.c.id).where(users.c.name == name)).first():
                raise StoreError(f"user {name!r} exists already")
            uid = conn.execute(insert(users).values(name=name, role=role, password_hash=accounts.hash_password(password),
                                                    salt="", created_at=_now())).inserted_primary_key[0]
        return User(id=uid, name=name, role=role)

    def users(self) -> list[dict]:
        """Every user with when it was made, its open sessions and API keys."""
        with self.engine.connect() as conn:
            n_sessions = dict(conn.execute(select(sessions.c.user_id, func.count()).group_by(sessions.c.user_id)).all())
            n_keys = dict(conn.execute(select(api_keys.c.user_id, func.count()).group_by(api_keys.c.user_id)).all())
            return [dict(id=r.id, name=r.name, role=r.role, created_at=r.created_at,
                         sessions=n_sessions.get(r.id, 0), keys=n_keys.get(r.id, 0))
                    for r in conn.execute(select(users.c.id, users.c.name, users.c.role, users.c.created_at)
                                          .order_by(users.c.name))]

    def remove_user(self, name: str) -> None:
        """The user, its sessions and its keys; its decisions stay in the audit log."""
        with self.engine.begin() as conn:
            uid = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
            if uid is None:
                raise StoreError(f"no user {name!r}")
            conn.execute(sessions.delete().where(sessions.c.user_id == uid))
            conn.execute(api_keys.delete().where(api_keys.c.user_id == uid))
            conn.execute(users.delete().where(users.c.id == uid))

    def set_password(self, name: str, password: str, *, min_length: int = 10) -> None:
        """A new password; every session of the user ends."""
        try:
            accounts.check_password(password, name, min_length)
        except accounts.PasswordPolicyError as exc:
            raise StoreError(str(exc)) from None
        with self.engine.begin() as conn:
            uid = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
            if uid is None:
                raise StoreError(f"no user {name!r}")
            conn.execute(update(users).where(users.c.id == uid)
                         .values(password_hash=accounts.hash_password(password), salt=""))
            conn.execute(sessions.delete().where(sessions.c.user_id == uid))

    def check_login(self, name: str, password: str) -> int | None:
        """The user's id when the password is right. Takes one password verification
        whether or not the user exists; an old scrypt hash is replaced by argon2id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
        ok, rehash = accounts.verify_password(row["password_hash"] if row else None, row["salt"] if row else None,
                                              password)
        if not ok:
            return None
        if rehash:
            with self.engine.begin() as conn:
                conn.execute(update(users).where(users.c.id == row["id"])
                             .values(password_hash=accounts.hash_password(password), salt=""))
        return row["id"]

    def login(self, name: str, password: str) -> str | None:
        """A new session token, or None for a wrong name or password. The store keeps only
        the token's hash."""
        uid = self.check_login(name, password)
        if uid is None:
            return None
        token, digest = accounts.new_token(accounts.SESSION_PREFIX)
        now = _now()
        with self.engine.begin() as conn:
            conn.execute(insert(sessions).values(token_hash=digest, user_id=uid, csrf=secrets.token_urlsafe(32),
                                                 created_at=now, last_seen=now))
        return token

    def logout(self, token: str | None) -> bool:
        """End the session of ``token``; True if there was one."""
        if not token:
            return False
        with self.engine.begin() as conn:
            return conn.execute(sessions.delete().where(sessions.c.token_hash == accounts.token_hash(token))).rowcount > 0

    def expire_sessions(self, idle_seconds: float = 12 * 3600, max_seconds: float = 7 * 86400) -> int:
        now = _now()
        with self.engine.begin() as conn:
            return conn.execute(sessions.delete().where(
                (sessions.c.last_seen < now - timedelta(seconds=idle_seconds))
                | (sessions.c.created_at < now - timedelta(seconds=max_seconds)))).rowcount

    def user_for(self, token: str | None, *, idle_seconds: float = 12 * 3600,
                 max_seconds: float = 7 * 86400) -> User | None:
        """The user a session token or an API key stands for, if it is valid now."""
        if not token or len(token) > 200:
            return None
        digest, now = accounts.token_hash(token), _now()
        if token.startswith(accounts.KEY_PREFIX):
            with self.engine.begin() as conn:
                row = conn.execute(select(users.c.id, users.c.name, users.c.role, api_keys.c.scope,
                                          api_keys.c.expires_at, api_keys.c.id.label("key_id"))
                                   .join(api_keys, api_keys.c.user_id == users.c.id)
                                   .where(api_keys.c.key_hash == digest)).mappings().first()
                if row is None or (row["expires_at"] is not None and row["expires_at"] < now):
                    return None
                conn.execute(update(api_keys).where(api_keys.c.id == row["key_id"]).values(last_used=now))
            return User(id=row["id"], name=row["name"], role=row["role"], scope=row["scope"])
        with self.engine.connect() as conn:
            row = conn.execute(select(users.c.id, users.c.name, users.c.role, sessions.c.csrf, sessions.c.created_at,
                                      sessions.c.last_seen)
                               .join(sessions, sessions.c.user_id == users.c.id)
                               .where(sessions.c.token_hash == digest)).mappings().first()
        if row is None:
            return None
        if (now - row["last_seen"]).total_seconds() > idle_seconds or \
                (now - row["created_at"]).total_seconds() > max_seconds:
            self.logout(token)
            return None
        if (now - row["last_seen"]).total_seconds() > 60:  # one write a minute at most
            with self.engine.begin() as conn:
                conn.execute(update(sessions).where(sessions.c.token_hash == digest).values(last_seen=now))
        return User(id=row["id"], name=row["name"], role=row["role"], csrf=row["csrf"])

    def add_api_key(self, name: str, scope: str = "read", label: str = "", days: float | None = None) -> str:
        """A long-lived key for scripts (shown once; the store keeps its hash). Scope
        ``read`` looks; ``review`` may also record decisions if the user's role may."""
        if scope not in API_SCOPES:
            raise StoreError(f"unknown scope {scope!r}: one of {', '.join(API_SCOPES)}")
        token, digest = accounts.new_token(accounts.KEY_PREFIX)
        now = _now()
        with self.engine.begin() as conn:
            uid = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
            if uid is None:
                raise StoreError(f"no user {name!r}")
            conn.execute(insert(api_keys).values(key_hash=digest, user_id=uid, label=label[:100], scope=scope,
                                                 created_at=now,
                                                 expires_at=now + timedelta(days=days) if days else None))
        return token

    def api_keys(self, name: str | None = None) -> list[dict]:
        q = (select(api_keys.c.id, users.c.name, api_keys.c.label, api_keys.c.scope, api_keys.c.created_at,
                    api_keys.c.expires_at, api_keys.c.last_used)
             .join(users, users.c.id == api_keys.c.user_id).order_by(api_keys.c.id))
        if name:
            q = q.where(users.c.name == name)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def revoke_api_key(self, key_id: int) -> bool:
        with self.engine.begin() as conn:
            return conn.execute(api_keys.delete().where(api_keys.c.id == key_id)).rowcount > 0

    def add_review(self, user: User, target: str, action: str, data: dict | None = None,
                   note: str | None = None) -> Review:
        if not user.can_review:
            raise PermissionError(f"{user.name} is a {user.role}: only analysts and admins review")
        at = _now()
        with self.engine.begin() as conn:
            rid = conn.execute(insert(reviews).values(target=target, action=action, data=json.dumps(data or {}),
                                                      user_name=user.name, at=at, note=note)).inserted_primary_key[0]
        return Review(id=rid, target=target, action=action, data=data or {}, user_name=user.name, at=at, note=note)

    def reviews(self, target: str | None = None) -> list[Review]:
        """The audit log, oldest first. A decision whose stored data cannot be read comes
        back with empty ``data`` and the reason in ``problem``: reading never fails on it."""
        q = select(reviews).order_by(reviews.c.id)
        if target:
            q = q.where(reviews.c.target == target)
        with self.engine.connect() as conn:
            return [_row_review(r) for r in conn.execute(q).mappings()]

    def facts(self, source_id: int) -> DocumentFacts:
        with self.engine.connect() as conn:
            lang = conn.execute(select(sources.c.language).where(sources.c.id == source_id)).scalar()
            out = DocumentFacts(language=lang or "und")
            for name, (table, rec) in FACT_TABLES.items():
                rows = conn.execute(select(table).where(table.c.source_id == source_id)
                                    .order_by(table.c.start, table.c.id)).mappings()
                setattr(out, name, [_row_record(rec, r) for r in rows])
        out.failures = self.failures(source_id)
        return out


@dataclasses.dataclass(kw_only=True)
class User:
    id: int
    name: str
    role: str
    scope: str | None = None   # an API key's scope (read | review); None for a login
    csrf: str | None = None    # a login session's CSRF token

    @property
    def is_analyst(self) -> bool:
        """May read the audit log and the archived originals."""
        return self.role in ("analyst", "admin")

    @property
    def can_review(self) -> bool:
        return self.is_analyst and self.scope in (None, "review")


@dataclasses.dataclass(kw_only=True)
class Review:
    id: int
    target: str
    action: str
    data: dict
    user_name: str
    at: datetime
    note: str | None = None
    problem: str | None = None  # why the stored data could not be read


def _row_review(r) -> Review:
    data, problem = {}, None
    try:
        data = json.loads(r["data"] or "{}")
        if not isinstance(data, dict):
            data, problem = {}, f"stored data is a {type(data).__name__}, not an object"
    except (ValueError, RecursionError) as exc:
        problem = f"stored data is not JSON: {exc}"
    return Review(id=r["id"], target=r["target"], action=r["action"], data=data, user_name=r["user_name"],
                  at=r["at"], note=r["note"], problem=problem)


@functools.lru_cache(maxsize=None)
def _field_names(rec: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(rec))


def _held(claim: str | None) -> list:
    """The condition that a source is still held by ``claim`` (none without a claim)."""
    return [] if claim is None else [sources.c.claimed_by == claim]


def _row_record(rec: type, row) -> object:
    names = {f.name for f in dataclasses.fields(rec)}  # source_id is a field of every Fact
    return rec(**{k: v for k, v in row.items() if k in names})


def _source_row(s: Source) -> dict:
    m = s.meta
    return dict(external_id=s.external_id, origin=s.origin, sha256=s.sha256, captured_at=s.captured_at,
                content_type=s.content_type, raw=s.raw, raw_text=s.raw_text, text=s.text,
                offsets=_encode_offsets(s.offsets), title=m.title, author=m.author, outlet=m.outlet,
                url=m.url, published=m.published, first_published=m.first_published,
                syndicated_from=m.syndicated_from, syndicated_url=m.syndicated_url,
                language=m.language, status="pending")


def _row_source(r) -> Source:
    meta = Metadata(title=r["title"], author=r["author"], outlet=r["outlet"], url=r["url"],
                    published=r["published"], first_published=r["first_published"],
                    syndicated_from=r["syndicated_from"], syndicated_url=r["syndicated_url"],
                    language=r["language"])
    return Source(id=r["id"], external_id=r["external_id"], origin=r["origin"], sha256=r["sha256"],
                  captured_at=r["captured_at"], content_type=r["content_type"], raw=r["raw"],
                  raw_text=r["raw_text"], text=r["text"], offsets=_decode_offsets(r["offsets"]),
                  meta=meta, status=r["status"], note=r["note"])


def _origin_key(origin: str) -> str:
    return hashlib.sha256(origin.encode("utf-8")).hexdigest()


def _record_origin(conn, source_id: int, source: Source, capture: dict | None) -> None:
    """One row per (source, origin): first capture kept, later ones counted and dated."""
    key = _origin_key(source.origin)
    row = conn.execute(select(source_origins.c.id, source_origins.c.last_captured_at)
                       .where(source_origins.c.source_id == source_id, source_origins.c.origin_key == key)).first()
    if row is not None:
        conn.execute(update(source_origins).where(source_origins.c.id == row.id)
                     .values(last_captured_at=max(row.last_captured_at, source.captured_at),
                             captures=source_origins.c.captures + 1))
        return
    conn.execute(insert(source_origins).values(
        source_id=source_id, origin=source.origin, origin_key=key, url=source.meta.url, external_id=source.external_id,
        captured_at=source.captured_at, last_captured_at=source.captured_at, captures=1,
        capture=json.dumps(capture, default=str, ensure_ascii=False) if capture else None))


def _refuse_deleted(conn, sha256: str) -> None:
    row = conn.execute(select(deleted_sources).where(deleted_sources.c.sha256 == sha256)).mappings().first()
    if row is not None:
        raise SourceWithheld(f"this content was deleted from the store on {row['deleted_at']:%Y-%m-%d} by a recorded "
                             f"decision (audit log entry {row['review_id']}): not archived again")


def audit(conn, target: str, action: str, data: dict, by: str, note: str | None = None) -> Review:
    """An entry in the audit log in the caller's transaction (decisions that change stored
    incidents are written with their effects, in one transaction)."""
    at = _now()
    rid = conn.execute(insert(reviews).values(target=target, action=action, data=json.dumps(data),
                                              user_name=by or "unknown", at=at, note=note)).inserted_primary_key[0]
    return Review(id=rid, target=target, action=action, data=data, user_name=by or "unknown", at=at, note=note)


def reviews_in(conn, targets: list[str] | None = None) -> list[Review]:
    """The audit log (of ``targets``), oldest first, read in the caller's transaction."""
    q = select(reviews).order_by(reviews.c.id)
    if targets is not None:
        if not targets:
            return []
        q = q.where(reviews.c.target.in_(sorted(set(targets))))
    return [_row_review(r) for r in conn.execute(q).mappings()]


def review_by_id(conn, review_id: int) -> Review | None:
    row = conn.execute(select(reviews).where(reviews.c.id == review_id)).mappings().first()
    return _row_review(row) if row is not None else None


def _audit(conn, target: str, action: str, data: dict, by: str, note: str | None) -> int:
    """An entry in the audit log (the reviews table), in the caller's transaction."""
    return conn.execute(insert(reviews).values(target=target, action=action, data=json.dumps(data),
                                               user_name=by or "unknown", at=_now(),
                                               note=note)).inserted_primary_key[0]


def _terms_pattern(terms: list[str]) -> re.Pattern:
    alts = [r"\s+".join(re.escape(w) for w in t.split()) for t in sorted(set(terms), key=len, reverse=True)]
    return re.compile("|".join(alts), re.IGNORECASE)


def _mask(pattern: re.Pattern, text: str, mask: str) -> tuple[str, int]:
    """Every match masked character for character (spaces and line breaks kept)."""
    return pattern.subn(lambda m: "".join(c if c.isspace() else mask for c in m.group(0)), text)


def _mask_raw(raw: bytes, content_type: str, terms: list[str], mask: str, redacted_text: str) -> tuple[bytes, str]:
    """The bytes as received with the terms masked ("masked"); where a term survives in a
    form that cannot be masked in place (another encoding, character references, JSON
    escapes), the bytes are replaced by the redacted text in UTF-8 ("replaced")."""
    import html as html_lib

    pattern = _terms_pattern(terms)
    forms = set(terms)
    for t in terms:
        forms |= {html_lib.escape(t, quote=False), json.dumps(t)[1:-1]}
    raw_pattern = _terms_pattern(sorted(forms))
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = None
    if decoded is not None:
        new_text, n = _mask(raw_pattern, decoded, mask)
        if not _still_there(pattern, new_text, content_type):
            return (new_text.encode("utf-8"), "masked") if n else (raw, "unchanged")
    return redacted_text.encode("utf-8"), "replaced"


def _still_there(pattern: re.Pattern, text: str, content_type: str) -> bool:
    import html as html_lib

    views = [text, html_lib.unescape(text)]
    if content_type == "application/json":
        try:
            views.append(json.dumps(json.loads(text), ensure_ascii=False))
        except ValueError:
            pass
    return any(pattern.search(v) for v in views)


def _pg_dump() -> str | None:
    import glob
    import shutil

    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"), key=lambda p: int(p.split("/")[4]))
    return versions[-1] if versions else shutil.which("pg_dump")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
