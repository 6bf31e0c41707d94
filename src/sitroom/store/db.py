"""The store: the only module that speaks SQL.

SQLite is the embedded default (a file path); a ``postgresql://`` URL selects a server.
Each write is one transaction, so an interrupted run leaves either a whole source (and
later its whole set of facts) or nothing of it.
"""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from sitroom.models import DocumentFacts, ExtractorFailure, Metadata, Source
from sitroom.store import migrations
from sitroom.store.schema import FACT_TABLES, extraction_failures, methods, reviews, sessions, sources, users

ROLES = ("viewer", "analyst", "admin")


class StoreError(RuntimeError):
    pass


def database_url(db: str) -> str:
    """A SQLite path, a ``postgresql://`` URL (read with psycopg 3) or any SQLAlchemy URL."""
    if db.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + db.split("://", 1)[1]
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser()}"


def _encode_offsets(offsets: list[int]) -> str:
    """Run-length: [[clean_start, raw_start, length], ...] for runs of consecutive offsets."""
    runs: list[list[int]] = []
    for i, o in enumerate(offsets):
        if runs and o == runs[-1][1] + runs[-1][2] and i == runs[-1][0] + runs[-1][2]:
            runs[-1][2] += 1
        else:
            runs.append([i, o, 1])
    return json.dumps(runs, separators=(",", ":"))


def _decode_offsets(data: str) -> list[int]:
    out: list[int] = []
    for _, raw, n in json.loads(data):
        out.extend(range(raw, raw + n))
    return out


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

    # ------------------------------------------------------------ sources

    def add_source(self, source: Source) -> tuple[int, bool]:
        """Archive a source; returns (id, created). Identical content is stored once."""
        with self.engine.begin() as conn:
            existing = conn.execute(select(sources.c.id).where(sources.c.sha256 == source.sha256)).scalar()
            if existing is not None:
                return existing, False
            try:
                sid = conn.execute(insert(sources).values(**_source_row(source))).inserted_primary_key[0]
            except IntegrityError:  # a concurrent writer archived it first
                conn.rollback()
                return self.source_id_by_hash(source.sha256), False
        return sid, True

    def source_id_by_hash(self, sha256: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(sources.c.id).where(sources.c.sha256 == sha256)).scalar_one()

    def fingerprint(self) -> tuple:
        """Changes whenever a source is added or (re-)extracted or a review is recorded: for
        caching derived views."""
        with self.engine.connect() as conn:
            return (*conn.execute(select(func.count(sources.c.id), func.max(sources.c.id),
                                         func.max(sources.c.analyzed_at))).one(),
                    conn.execute(select(func.max(reviews.c.id))).scalar())

    def pending_ids(self) -> list[int]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(sources.c.id).where(sources.c.status == "pending")
                                     .order_by(sources.c.id)).scalars())

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

    def sources(self) -> list[dict]:
        """Source listing with fact counts (for tables, not for pipelines)."""
        cols = [sources.c[n] for n in ("id", "external_id", "origin", "outlet", "title", "published",
                                       "first_published", "syndicated_from", "language", "status", "note")]
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(select(*cols).order_by(sources.c.id)).mappings()]
            for name, (table, _) in FACT_TABLES.items():
                counts = dict(conn.execute(select(table.c.source_id, func.count())
                                           .group_by(table.c.source_id)).all())
                for r in rows:
                    r[name] = counts.get(r["id"], 0)
        return rows

    def iter_sources(self) -> Iterator[Source]:
        with self.engine.connect() as conn:  # one query, not one per source
            rows = conn.execute(select(sources).order_by(sources.c.id)).mappings().all()
        for row in rows:
            yield _row_source(row)

    def source_ids(self) -> list[int]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(sources.c.id).order_by(sources.c.id)).scalars())

    # ------------------------------------------------------------ facts

    def save_facts(self, source_id: int, facts: DocumentFacts) -> None:
        """Replace a source's facts (and its record of extractor failures) and mark it
        done, in one transaction. Facts are stamped with the method that made them."""
        with self.engine.begin() as conn:
            if facts.method:
                self._record_method(conn, facts.method)
            for name, (table, _) in FACT_TABLES.items():
                conn.execute(table.delete().where(table.c.source_id == source_id))
                rows = []
                for rec in getattr(facts, name):
                    row = dataclasses.asdict(rec)
                    row["source_id"] = source_id
                    row["method"] = row.get("method") or facts.method
                    rows.append(row)
                if rows:
                    conn.execute(insert(table), rows)
            conn.execute(extraction_failures.delete().where(extraction_failures.c.source_id == source_id))
            if facts.failures:
                conn.execute(insert(extraction_failures), [
                    dict(source_id=source_id, extractor=f.extractor, error=f.error[:2000], where=f.where,
                         method=f.method or facts.method, at=_now()) for f in facts.failures])
            if self.has_fts:  # the search index follows the incident sentences
                conn.exec_driver_sql("DELETE FROM events_fts WHERE source_id = ?", (source_id,))
                if facts.events:
                    conn.exec_driver_sql("INSERT INTO events_fts (sentence, source_id, start) VALUES (?, ?, ?)",
                                         [(e.sentence, source_id, e.start) for e in facts.events])
            conn.execute(update(sources).where(sources.c.id == source_id)
                         .values(status="done", language=facts.language, note=None, analyzed_at=_now()))

    @staticmethod
    def _record_method(conn, stamp: str) -> None:
        if conn.execute(select(methods.c.stamp).where(methods.c.stamp == stamp)).first() is not None:
            return
        from sitroom.extract.method import current  # the method running now made the stamp

        m = current()
        if m.stamp != stamp:
            return
        try:
            with conn.begin_nested():
                conn.execute(insert(methods).values(stamp=m.stamp, version=m.version, lexicons=m.lexicons,
                                                    code=m.code, models=m.models, first_used=_now()))
        except IntegrityError:  # another writer recorded it first
            pass

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

    def mark_all_pending(self) -> int:
        """Queue every source for extraction again (after an upgrade of the extractors)."""
        with self.engine.begin() as conn:
            return conn.execute(update(sources).values(status="pending", note=None)).rowcount

    def mark_skipped(self, source_id: int, language: str | None, note: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(sources).where(sources.c.id == source_id)
                         .values(status="skipped", language=language, note=note, analyzed_at=_now()))

    def all_facts(self, kind: str) -> Iterator[object]:
        """Every stored fact of one kind (a FACT_TABLES name), with source_id set."""
        table, rec = FACT_TABLES[kind]
        with self.engine.connect() as conn:
            for row in conn.execute(select(table).order_by(table.c.source_id, table.c.start)).mappings():
                yield _row_record(rec, row)

    # ------------------------------------------------------------ users and review

    def add_user(self, name: str, role: str, password: str) -> User:
        if role not in ROLES:
            raise StoreError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
        if not name or len(password) < 8:
            raise StoreError("a user needs a name and a password of 8 characters or more")
        salt = secrets.token_bytes(16)
        with self.engine.begin() as conn:
            if conn.execute(select(users.c.id).where(users.c.name == name)).first():
                raise StoreError(f"user {name!r} exists already")
            uid = conn.execute(insert(users).values(name=name, role=role, password_hash=_hash(password, salt),
                                                    salt=salt.hex(), created_at=_now())).inserted_primary_key[0]
        return User(id=uid, name=name, role=role)

    def login(self, name: str, password: str) -> str | None:
        """A new session token, or None for a wrong name or password."""
        with self.engine.begin() as conn:
            row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
            if row is None or not hmac.compare_digest(row["password_hash"], _hash(password, bytes.fromhex(row["salt"]))):
                return None
            token = secrets.token_hex(32)
            conn.execute(insert(sessions).values(token=token, user_id=row["id"], created_at=_now()))
        return token

    def user_for(self, token: str | None) -> User | None:
        if not token:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(users.c.id, users.c.name, users.c.role)
                               .join(sessions, sessions.c.user_id == users.c.id)
                               .where(sessions.c.token == token)).mappings().first()
        return User(**row) if row else None

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
        q = select(reviews).order_by(reviews.c.id)
        if target:
            q = q.where(reviews.c.target == target)
        with self.engine.connect() as conn:
            return [Review(id=r["id"], target=r["target"], action=r["action"], data=json.loads(r["data"] or "{}"),
                           user_name=r["user_name"], at=r["at"], note=r["note"]) for r in conn.execute(q).mappings()]

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

    @property
    def can_review(self) -> bool:
        return self.role in ("analyst", "admin")


@dataclasses.dataclass(kw_only=True)
class Review:
    id: int
    target: str
    action: str
    data: dict
    user_name: str
    at: datetime
    note: str | None = None


def _hash(password: str, salt: bytes) -> str:
    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1).hex()


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


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
