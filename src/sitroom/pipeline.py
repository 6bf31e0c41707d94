"""ingest -> extract -> fuse, through the store; streaming and resumable.

Three phases, each in its own transactions: every input is first archived (raw bytes,
hash, capture time, clean text, metadata, its collection), then extracted, then its
mentions are fused into the stored incidents (``fuse/stored.py``: only the incidents
they touch are recomputed). A crash loses no accepted source: the next run picks up the
sources still pending, and fuses the extracted sources not fused since their extraction.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sitroom.ingest.clean import clean_text
from sitroom.ingest.decode import decode_bytes
from sitroom.ingest.fetch import Fetcher
from sitroom.ingest.language import detect_language
from sitroom.ingest.metadata import find_metadata
from sitroom.ingest.readers import iter_inputs
from sitroom.models import InputError, Metadata, RawInput, Source
from sitroom.store.db import SourceWithheld, Store

# Which languages are read, and how far (``full``, ``places and dates``, ``none``): the
# registry in extract/document.py (``READ``). ``EXTRACTED_LANGUAGES`` is read from it when
# asked for (importing the extractors loads spaCy); any other language is archived and
# tagged, not misread with another language's rules.


def __getattr__(name: str):
    if name == "EXTRACTED_LANGUAGES":
        from sitroom.extract.document import extracted_languages

        return extracted_languages()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def language_name(code: str | None) -> str:
    """The English name of an ISO 639-1 code ("hy" -> "Armenian"), else the code."""
    from sitroom.ingest.language import language_name as _name

    return _name(code)


def read_levels(languages: dict[int, str] | list[str | None]) -> list[str]:
    """What was read of each language's sources, said out loud, most sources first:
    "12 sources in Armenian: archived, not read", "3 sources in French: places and dates"."""
    from collections import Counter

    from sitroom.extract.document import NONE, read_level

    langs = list(languages.values()) if isinstance(languages, dict) else list(languages)
    out = []
    for lang, n in sorted(Counter(x or "und" for x in langs).items(), key=lambda kv: (-kv[1], kv[0])):
        level = read_level(lang)
        what = "archived, not read" if level == NONE else level
        out.append(f"{n} source{'s' if n != 1 else ''} in {language_name(lang)}: {what}")
    return out


@dataclass
class AnalyzeResult:
    added: list[int] = field(default_factory=list)       # new source ids
    duplicates: list[int] = field(default_factory=list)  # inputs already archived
    extracted: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)     # archived, not extracted (language)
    # source id -> its language, for every source this run extracted or skipped (read levels)
    languages: dict[int, str] = field(default_factory=dict)
    errors: list[InputError] = field(default_factory=list)
    # inputs whose content was deleted from the store by a recorded decision: not archived again
    withheld: list[InputError] = field(default_factory=list)
    # extractors that raised on a source that was otherwise extracted (its other facts kept)
    extractor_failures: list[InputError] = field(default_factory=list)
    # sources whose extraction gave up (over the time budget, an error): marked failed, with
    # the reason, not tried again until `analyze --retry-failed` (each is also in ``errors``)
    failed: list[int] = field(default_factory=list)
    fused_sources: int = 0                               # sources whose mentions were fused
    incidents_touched: int = 0                           # stored incidents opened or recomputed
    # where the extraction phase's time went: its wall clock, the part this process spent
    # in the store (claiming, reading texts, writing facts: the one writer), and fusion
    workers: int = 0                                     # worker threads that extracted (1: this process)
    extract_seconds: float = 0.0
    writer_seconds: float = 0.0
    anchored: list[int] = field(default_factory=list)   # undated sources read against their incident's day
    fuse_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


def build_source(item: RawInput, sha256: str | None = None) -> Source:
    """Decode, clean and describe one input. Raises ValueError with the problem."""
    raw_text = item.text if item.text is not None else decode_bytes(item.raw, item.origin)
    if not raw_text.strip():
        raise ValueError("empty document")
    _check_unicode("text", raw_text)
    for name in ("title", "author", "outlet", "url", "external_id"):
        if getattr(item, name) is not None:
            _check_unicode(name, getattr(item, name))
    clean = clean_text(raw_text)
    if not clean.text.strip():
        raise ValueError("nothing left after removing page furniture")
    given = Metadata(title=item.title, author=item.author, outlet=item.outlet, url=item.url,
                     published=item.published)
    meta = find_metadata(raw_text, clean.text, given)
    meta.language = detect_language(clean.text)
    return Source(external_id=item.external_id, origin=printable(item.origin),
                  sha256=sha256 or hashlib.sha256(item.raw).hexdigest(),
                  captured_at=_captured_at(item),
                  content_type=item.content_type, raw=item.raw, raw_text=raw_text,
                  text=clean.text, offsets=clean.offsets, meta=meta)


def _known_source(item: RawInput, sha256: str) -> Source:
    """What recording one more origin of archived bytes reads: hash, origin, url, ids and
    capture time (nothing decoded)."""
    for name in ("url", "external_id"):
        if getattr(item, name) is not None:
            _check_unicode(name, getattr(item, name))
    return Source(external_id=item.external_id, origin=printable(item.origin), sha256=sha256,
                  captured_at=_captured_at(item), content_type=item.content_type, raw=b"", raw_text="",
                  text="", offsets=[], meta=Metadata(url=item.url, title=item.title, outlet=item.outlet))


def _captured_at(item: RawInput) -> datetime:
    fetched = (item.capture or {}).get("fetched_at")
    if isinstance(fetched, datetime):
        return fetched
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _check_unicode(name: str, value: str) -> None:
    """Text the store can hold: no lone surrogates (which no UTF-8 encoder accepts)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{name!r} holds a lone surrogate (\\u{ord(value[exc.start]):04x} at character "
                         f"{exc.start + 1}), which is not valid Unicode text") from None


def printable(origin: str) -> str:
    """An input's name as valid Unicode: a file name in another encoding than the
    system's comes from the OS with surrogate escapes; its bytes are shown as \\xNN."""
    try:
        origin.encode("utf-8")
        return origin
    except UnicodeEncodeError:
        try:
            return origin.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            return origin.encode("utf-8", "backslashreplace").decode("utf-8")


def ingest(specs: Sequence[str], store: Store, *, online: bool = True, fetcher: Fetcher | None = None,
           on_item: Callable[[str], None] | None = None, collection: str | None = None) -> AnalyzeResult:
    """Archive every input; bad inputs become errors and the others go on.

    ``fetcher`` carries the run's fetching policy (addresses allowed, fetch limit,
    pacing); a default one (public addresses only, 500 fetches) is used when None.
    ``collection``: the crisis the inputs belong to (a store may hold several)."""
    result = AnalyzeResult()
    for item in iter_inputs(specs, online=online, fetcher=fetcher):
        archive_item(item, store, result, collection=collection)
        if on_item:
            on_item(item.origin)
    return result


def archive_item(item: RawInput | InputError, store: Store, result: AnalyzeResult, *,
                 collection: str | None = None) -> int | None:
    """Archive one input (or record its problem) in ``result``; returns its source id."""
    if isinstance(item, InputError):
        result.errors.append(InputError(origin=printable(item.origin), problem=item.problem))
        return None
    try:
        # hash first: bytes already archived only get their new origin recorded, before
        # any decoding, cleaning or language detection
        sha = hashlib.sha256(item.raw).hexdigest()
        known = store.add_origin_if_known(_known_source(item, sha), capture=item.capture, collection=collection)
        if known is not None:
            sid, created = known, False
        else:
            source = build_source(item, sha)
            sid, created = store.add_source(source, capture=item.capture, collection=collection)
    except SourceWithheld as exc:
        result.withheld.append(InputError(origin=printable(item.origin), problem=str(exc)))
    except ValueError as exc:
        result.errors.append(InputError(origin=printable(item.origin), problem=str(exc)))
    except Exception as exc:  # noqa: BLE001 - one input must never stop the others
        result.errors.append(InputError(origin=printable(item.origin),
                                        problem=f"cannot archive ({exc.__class__.__name__}: {str(exc)[:300]})"))
    else:
        (result.added if created else result.duplicates).append(sid)
        return sid
    return None


def extract_pending(store: Store, result: AnalyzeResult | None = None,
                    on_source: Callable[[int], None] | None = None, *,
                    time_budget: float | None = None, retry_failed: bool = False,
                    fuse: bool = True, refuse: bool = False, across: bool = False,
                    collection: str | None = None, workers: int | None = None,
                    scheduler: str | None = None, in_flight: int | None = None) -> AnalyzeResult:
    """Extract facts for every archived source (of ``collection``) not yet extracted, then
    fuse them into the stored incidents.

    Each source gets ``time_budget`` seconds (None: the setting ``time_budget``, 30 s by
    default); one that runs over it, or whose extraction raises, is marked ``failed`` with
    the reason (``time_budget``, ``error``) and the run goes on; failed sources are tried
    again only with ``retry_failed``.

    ``workers`` (a local Dask cluster of that many one-thread worker processes) or
    ``scheduler`` (the address of a running Dask scheduler, ``tcp://host:port``): the
    extraction runs on the workers, each loading its models once; this process claims the
    sources, sends their texts, and is the one writer of the store (``_extract_on_dask``).

    Fusion (``fuse``): every extracted source not fused since its extraction attaches its
    mentions to stored incidents or opens new ones (``fuse.stored.fuse_pending``); with
    ``refuse`` the collections are fused again from scratch (``fuse.stored.refuse``: after
    a re-extraction). Incidents never join across collections unless ``across``."""
    from sitroom.store.db import CLAIM_LEASE, new_claim

    result = result or AnalyzeResult()
    if time_budget is None:
        time_budget = _time_budget_setting()
    if retry_failed:
        store.retry_failed()
    # each source is claimed before it is extracted, so that runs sharing a store never
    # extract one source twice; a claim outlives a source's time budget several times over
    claim = new_claim()
    lease = max(CLAIM_LEASE, 4 * time_budget) if time_budget else CLAIM_LEASE
    store.reap_claims()  # claims of runs of this host that were killed
    import sitroom.extract.document  # noqa: F401 - the registry of languages read (imports spaCy): not the writer's time
    started = time.perf_counter()
    writer = _Clock()
    if workers or scheduler:
        _extract_on_dask(store, result, on_source, claim=claim, lease=lease, time_budget=time_budget,
                         collection=collection, workers=workers, scheduler=scheduler, in_flight=in_flight,
                         writer=writer)
    else:
        result.workers = 1
        # as many at once as the lease outlasts, each using its whole time budget
        batch = max(1, min(CLAIM_BATCH, int(lease // time_budget) - 1)) if time_budget else CLAIM_BATCH
        while True:
            with writer:
                got = store.claim_pending(claim, lease_seconds=lease, collection=collection, limit=batch)
            if not got:
                break
            _extract_claimed(store, result, got, claim, time_budget, writer, on_source)
    result.extract_seconds += time.perf_counter() - started
    result.writer_seconds += writer.seconds
    if fuse:
        t0 = time.perf_counter()
        fuse_stored(store, result, refuse=refuse, across=across, collection=collection)
        if anchor_undated(store, result, collection=collection, time_budget=time_budget):
            fuse_stored(store, result, across=across, collection=collection)
        result.fuse_seconds += time.perf_counter() - t0
    return result


def anchor_undated(store: Store, result: AnalyzeResult | None = None, *, collection: str | None = None,
                   time_budget: float | None = None) -> list[int]:
    """Read again, once, each extracted page that gives no date (no publication date, so
    "on Friday" or "March 14" stay unresolved) against the day of the incident fusion joined
    it to, as the dated reports of that incident give it: its weekdays, "yesterday" and
    dates without a year then resolve, and each date keeps that day as its ``anchor``.
    Returns the sources read again (fuse them again after)."""
    result = result or AnalyzeResult()
    done = []
    days = store.reported_days(store.undated_sources(collection))
    for sid, day in sorted(days.items()):
        if not store.claim_anchor(sid, day):
            continue
        source = store.get_source(sid)
        lang = source.meta.language or "und"
        outcome = extract_job(source.text, day, source.meta.title, lang, time_budget)
        if outcome[0] != "ok":
            continue   # the facts read without a day stay
        try:
            store.save_facts(sid, outcome[1])
        except Exception as exc:  # noqa: BLE001 - the facts read without a day stay
            result.errors.append(InputError(origin=source.origin, problem=f"cannot store the facts read against "
                                                                          f"{day} ({exc.__class__.__name__})"))
            continue
        result.anchored.append(sid)
        done.append(sid)
    return done


class _Clock:
    """Adds up the time spent inside ``with clock:`` blocks (the writer's share)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._t = 0.0

    def __enter__(self) -> "_Clock":
        self._t = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds += time.perf_counter() - self._t


@dataclass
class _Job:
    """One claimed source on its way to a worker: what the worker needs, what the writer
    needs back."""
    sid: int
    origin: str
    lang: str
    text: str
    published: object
    title: str | None


def _prepare(store: Store, result: AnalyzeResult, sid: int, claim: str) -> _Job | None:
    """Read a claimed source; a language that is not read is marked skipped here (None)."""
    from sitroom.extract.document import kinds_for, read_level

    source = store.get_source(sid)
    lang = source.meta.language or "und"
    result.languages[sid] = lang
    if not kinds_for(lang):
        store.mark_skipped(sid, lang, f"in {language_name(lang)} ({lang}): archived, not read "
                                      f"(read level {read_level(lang)!r})", claim=claim)
        result.skipped.append(sid)
        return None
    return _Job(sid=sid, origin=source.origin, lang=lang, text=source.text,
                published=source.meta.first_published or source.meta.published, title=source.meta.title)


def extract_job(text: str, published, title: str | None, lang: str, time_budget: float | None,
                ctx=None) -> tuple:
    """Extract one text (on whichever process runs it: this one, or a Dask worker, which
    loads its models once); ``ctx``: its parse, where it was parsed with others
    (``parse_together``). Returns ("ok", DocumentFacts), ("failed", reason, detail) or
    ("missing", message) when no model can be loaded."""
    from sitroom.extract.context import TimeBudgetExceeded
    from sitroom.extract.document import extract_document, warm_up  # loads spaCy: only when needed
    from sitroom.extract.nlp import ModelMissing

    try:
        warm_up(lang)  # once per language and process: loading models is no document's time
        return ("ok", extract_document(text, published, title, language=lang, ctx=ctx, time_budget=time_budget))
    except TimeBudgetExceeded as exc:
        return ("failed", exc.reason, str(exc))
    except ModelMissing as exc:
        return ("missing", str(exc))
    except Exception as exc:  # noqa: BLE001 - one document must not stop the run
        return ("failed", "error", f"{exc.__class__.__name__}: {str(exc)[:500]}")


def extract_jobs(jobs: list[tuple], time_budget: float | None) -> list[tuple]:
    """``extract_job`` over several texts ((text, published, title, lang) each) in one Dask
    task: short reports travel together, so the scheduler's and the writer's cost per task
    is shared among them, and they are parsed together (``parse_together``); each text
    keeps its own time budget for its extraction."""
    ctxs = parse_together(jobs)
    return [extract_job(*job, time_budget, ctx=ctx) for job, ctx in zip(jobs, ctxs)]


# sources claimed at once by one process, to be parsed together
CLAIM_BATCH = 16
# a text longer than this is parsed on its own (with its time budget between pieces)
TOGETHER_CHARS = 20_000


def parse_together(jobs: list[tuple]) -> list:
    """The parses of (text, published, title, lang) jobs, those of one language and at
    most ``TOGETHER_CHARS`` characters parsed together (``document.parse_many``: the same
    parses, ~15% less CPU per text); None for a text parsed on its own when it is
    extracted: a long one, the only one of its language, or a group whose parse failed
    (each text then fails, or not, on its own)."""
    from sitroom.extract.document import parse_many, warm_up

    out: list = [None] * len(jobs)
    groups: dict[str, list[int]] = {}
    for i, (text, _published, _title, lang) in enumerate(jobs):
        if len(text) <= TOGETHER_CHARS:
            groups.setdefault(lang, []).append(i)
    for lang, idx in groups.items():
        if len(idx) < 2:
            continue
        try:
            warm_up(lang)
            ctxs = parse_many([(jobs[i][0], jobs[i][1], jobs[i][2]) for i in idx], lang)
        except Exception:  # noqa: BLE001 - each text is parsed again on its own (a missing model included)
            continue
        for i, ctx in zip(idx, ctxs):
            out[i] = ctx
    return out


# a Dask task carries texts up to about this many characters together (a long report goes
# alone), and as many texts as a process claims to parse together
TASK_CHARS = 16000
TASK_TEXTS = CLAIM_BATCH


def _tasks(jobs: list[_Job]) -> list[list[_Job]]:
    """Pack jobs, in order, into tasks of at most TASK_TEXTS texts and about TASK_CHARS characters."""
    out: list[list[_Job]] = []
    size = 0
    for job in jobs:
        if not out or len(out[-1]) >= TASK_TEXTS or size + len(job.text) > TASK_CHARS:
            out.append([])
            size = 0
        out[-1].append(job)
        size += len(job.text)
    return out


def _store_outcome(store: Store, result: AnalyzeResult, job: _Job, outcome: tuple, claim: str) -> None:
    """Write what extracting one claimed source gave (facts, or why it failed)."""
    from sitroom.extract.nlp import ModelMissing
    from sitroom.store.db import ClaimLost

    if outcome[0] == "missing":
        raise ModelMissing(outcome[1])  # nothing can be extracted: the run stops, every source stays pending
    if outcome[0] == "failed":
        _failed(store, result, job.sid, job.origin, outcome[1], outcome[2], claim)
        return
    facts = outcome[1]
    try:
        store.save_facts(job.sid, facts, claim=claim)
    except ClaimLost:
        raise
    except Exception as exc:  # noqa: BLE001 - facts the store cannot hold cost this source only
        _failed(store, result, job.sid, job.origin, "store_error",
                f"cannot store the facts ({exc.__class__.__name__}: {str(exc)[:300]})", claim)
        return
    result.extracted.append(job.sid)
    result.extractor_failures.extend(
        InputError(origin=job.origin, problem=f"the {f.extractor} extractor failed ({f.error}"
                                              f"{'; at ' + f.where if f.where else ''}); "
                                              "the other facts are kept")
        for f in facts.failures)


def _extract_claimed(store: Store, result: AnalyzeResult, sids: list[int], claim: str, time_budget: float,
                     writer: _Clock, on_source: Callable[[int], None] | None) -> None:
    """Extract the sources this run has claimed, parsed together (``parse_together``), and
    store each one's facts (or why it failed) as soon as it is read. Sources not stored
    when the run stops (ModelMissing, Ctrl-C) are released at once for another run."""
    from sitroom.store.db import ClaimLost

    done: set[int] = set()
    try:
        jobs: list[_Job] = []
        for sid in sids:
            try:
                with writer:
                    job = _prepare(store, result, sid, claim)
            except ClaimLost:
                job = None   # another run took it
            if job is None:
                done.add(sid)
                if on_source:
                    on_source(sid)
            else:
                jobs.append(job)
        ctxs = parse_together([(j.text, j.published, j.title, j.lang) for j in jobs])
        for job, ctx in zip(jobs, ctxs):
            outcome = extract_job(job.text, job.published, job.title, job.lang, time_budget, ctx=ctx)
            try:
                with writer:
                    _store_outcome(store, result, job, outcome, claim)
            except ClaimLost:
                pass  # its lease ran out and another run took it: that run stores it
            done.add(job.sid)
            if on_source:
                on_source(job.sid)
    except BaseException:
        for sid in sids:
            if sid not in done:
                try:
                    store.release_claim(sid, claim)  # another run may take it at once
                except Exception:  # noqa: BLE001 - the lease runs out in any case
                    pass
        raise


def _dask_client(workers: int | None, scheduler: str | None):
    """A Dask client: on the scheduler at ``scheduler``, else on a local cluster of
    ``workers`` one-thread processes (closed with the client)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - a dependency; said plainly where it is missing
        raise RuntimeError("analyze --workers/--scheduler needs Dask's 'distributed' package "
                           "(pip install distributed)") from None
    import logging

    if scheduler:
        return Client(scheduler, timeout="30s")
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR)
    client = Client(cluster)
    client._sitroom_cluster = cluster  # closed with the client
    return client


def _extract_on_dask(store: Store, result: AnalyzeResult, on_source: Callable[[int], None] | None, *,
                     claim: str, lease: float, time_budget: float | None, collection: str | None,
                     workers: int | None, scheduler: str | None, in_flight: int | None, writer: _Clock) -> None:
    """Extraction on Dask workers, streaming: sources are claimed only as slots open (at
    most ``in_flight`` texts out at once: 2 tasks of up to TASK_TEXTS short texts per worker
    thread by default), results are written as they come back (``as_completed``) by this
    process alone, so memory stays bounded and a kill loses only what was in flight (claims
    of a dead process are released by the next run: ``reap_claims``). Slots are refilled
    once a worker's worth of them is free, so sources are claimed several at a time."""
    from distributed import as_completed

    from sitroom.store.db import ClaimLost

    if not store.pending_ids(collection):
        return   # nothing to extract: no cluster started
    client = _dask_client(workers, scheduler)
    out: dict = {}   # future -> its jobs
    try:
        threads = sum(client.nthreads().values()) or (workers or 1)
        result.workers = threads
        limit = max(1, in_flight or 2 * TASK_TEXTS * threads)
        queue = as_completed()
        exhausted = False

        def flying() -> int:
            return sum(len(jobs) for jobs in out.values())

        def fill() -> None:
            nonlocal exhausted
            # (sources skipped for their language take no slot: claim again until the slots are full)
            while not exhausted and (room := limit - flying()) >= min(limit, TASK_TEXTS):
                with writer:
                    got = store.claim_pending(claim, lease_seconds=lease, collection=collection, limit=room)
                    if not got:
                        exhausted = True
                        return
                    jobs = []
                    for sid in got:
                        job = _prepare(store, result, sid, claim)
                        if job is None:
                            if on_source:
                                on_source(sid)
                        else:
                            jobs.append(job)
                for task in _tasks(jobs):
                    fut = client.submit(extract_jobs, [(j.text, j.published, j.title, j.lang) for j in task],
                                        time_budget, pure=False,
                                        key=f"sitroom-extract-{task[0].sid}-{claim.rsplit('/', 1)[-1]}")
                    out[fut] = task
                    queue.add(fut)

        fill()
        while out:
            fut = next(queue)
            jobs = out[fut]   # left in ``out`` until stored: a stop on the way gives back those not stored
            try:
                outcomes = fut.result()
            except Exception as exc:  # noqa: BLE001 - a worker lost with the task: these sources only
                outcomes = [("failed", "error", f"the worker failed ({exc.__class__.__name__}: {str(exc)[:300]})")] \
                    * len(jobs)
            fut.release()
            for job, outcome in zip(jobs, outcomes):
                try:
                    with writer:
                        _store_outcome(store, result, job, outcome, claim)
                except ClaimLost:
                    pass  # its lease ran out and another run took it: that run stores it
                if on_source:
                    on_source(job.sid)
            del out[fut]
            fill()
    except BaseException:
        for job in (j for jobs in out.values() for j in jobs):   # ModelMissing, Ctrl-C: in-flight sources go back at once
            try:
                store.release_claim(job.sid, claim)
            except Exception:  # noqa: BLE001 - the lease runs out in any case
                pass
        raise
    finally:
        cluster = getattr(client, "_sitroom_cluster", None)
        client.close()
        if cluster is not None:
            cluster.close()


def fuse_stored(store: Store, result: AnalyzeResult | None = None, *, refuse: bool = False, across: bool = False,
                collection: str | None = None) -> AnalyzeResult:
    """Fuse what was extracted into the stored incidents. A failure is reported and
    costs nothing extracted: the sources stay unfused, and the next run fuses them."""
    from sitroom.fuse import stored

    result = result or AnalyzeResult()
    try:
        if refuse:
            cols = None if across or collection is None else {collection}
            done = stored.refuse(store, cols, across=across)
        else:
            done = stored.fuse_pending(store, across=across)
    except Exception as exc:  # noqa: BLE001 - extraction is kept; fusion is tried again next run
        result.errors.append(InputError(origin="(fusion)", problem=f"fusing incidents failed "
                                                                   f"({exc.__class__.__name__}: {str(exc)[:300]}); "
                                                                   "the facts are stored, the next run fuses them"))
        return result
    result.fused_sources += done["sources"]
    result.incidents_touched += done["incidents"]
    return result


def _failed(store: Store, result: AnalyzeResult, sid: int, origin: str, reason: str, detail: str,
            claim: str | None = None) -> None:
    store.mark_failed(sid, reason, detail, claim=claim)
    result.failed.append(sid)
    result.errors.append(InputError(origin=origin, problem=f"extraction failed ({reason}: {detail}); the source is "
                                                           "archived and marked failed (analyze --retry-failed "
                                                           "tries it again)"))


def _time_budget_setting() -> float:
    """The setting ``time_budget`` (SITROOM_TIME_BUDGET, or sitroom.toml in the working folder)."""
    from sitroom.extract.document import DEFAULT_TIME_BUDGET
    from sitroom.settings import SettingsError, load

    try:
        return load().time_budget
    except (SettingsError, AttributeError):
        return DEFAULT_TIME_BUDGET


def analyze(specs: Sequence[str], store: Store, *, online: bool = True,
            fetcher: Fetcher | None = None, time_budget: float | None = None,
            retry_failed: bool = False, collection: str | None = None, across: bool = False,
            workers: int | None = None, scheduler: str | None = None) -> AnalyzeResult:
    """The main job, without progress display (the CLI adds one)."""
    result = ingest(specs, store, online=online, fetcher=fetcher, collection=collection)
    return extract_pending(store, result, time_budget=time_budget, retry_failed=retry_failed, across=across,
                           workers=workers, scheduler=scheduler)
