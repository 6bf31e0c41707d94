"""ingest -> extract -> fuse, through the store; streaming and resumable.

Three phases, each in its own transactions: every input is first archived (raw bytes,
hash, capture time, clean text, metadata, its collection), then extracted, then its
mentions are fused into the stored incidents (``fuse/stored.py``: only the incidents
they touch are recomputed). A crash loses no accepted source: the next run picks up the
sources still pending, and fuses the extracted sources not fused since their extraction.
"""
from __future__ import annotations

import hashlib
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

    @property
    def ok(self) -> bool:
        return not self.errors


def build_source(item: RawInput) -> Source:
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
                  sha256=hashlib.sha256(item.raw).hexdigest(),
                  captured_at=_captured_at(item),
                  content_type=item.content_type, raw=item.raw, raw_text=raw_text,
                  text=clean.text, offsets=clean.offsets, meta=meta)


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
        if isinstance(item, InputError):
            result.errors.append(InputError(origin=printable(item.origin), problem=item.problem))
        else:
            try:
                source = build_source(item)
                sid, created = store.add_source(source, capture=item.capture, collection=collection)
            except SourceWithheld as exc:
                result.withheld.append(InputError(origin=printable(item.origin), problem=str(exc)))
            except ValueError as exc:
                result.errors.append(InputError(origin=printable(item.origin), problem=str(exc)))
            except Exception as exc:  # noqa: BLE001 - one input must never stop the others
                result.errors.append(InputError(origin=printable(item.origin),
                                                problem=f"cannot archive ({exc.__class__.__name__}: "
                                                        f"{str(exc)[:300]})"))
            else:
                (result.added if created else result.duplicates).append(sid)
        if on_item:
            on_item(item.origin)
    return result


def extract_pending(store: Store, result: AnalyzeResult | None = None,
                    on_source: Callable[[int], None] | None = None, *,
                    time_budget: float | None = None, retry_failed: bool = False,
                    fuse: bool = True, refuse: bool = False, across: bool = False,
                    collection: str | None = None) -> AnalyzeResult:
    """Extract facts for every archived source (of ``collection``) not yet extracted, then
    fuse them into the stored incidents.

    Each source gets ``time_budget`` seconds (None: the setting ``time_budget``, 30 s by
    default); one that runs over it, or whose extraction raises, is marked ``failed`` with
    the reason (``time_budget``, ``error``) and the run goes on; failed sources are tried
    again only with ``retry_failed``.

    Fusion (``fuse``): every extracted source not fused since its extraction attaches its
    mentions to stored incidents or opens new ones (``fuse.stored.fuse_pending``); with
    ``refuse`` the collections are fused again from scratch (``fuse.stored.refuse``: after
    a re-extraction). Incidents never join across collections unless ``across``."""
    from sitroom.extract.context import TimeBudgetExceeded
    from sitroom.extract.document import extract_document, kinds_for, read_level, warm_up  # loads spaCy: only when needed
    from sitroom.extract.nlp import ModelMissing

    result = result or AnalyzeResult()
    if time_budget is None:
        time_budget = _time_budget_setting()
    if retry_failed:
        store.retry_failed()
    for sid in store.pending_ids(collection):
        source = store.get_source(sid)
        lang = source.meta.language or "und"
        result.languages[sid] = lang
        if not kinds_for(lang):
            store.mark_skipped(sid, lang, f"in {language_name(lang)} ({lang}): archived, not read "
                                          f"(read level {read_level(lang)!r})")
            result.skipped.append(sid)
        else:
            published = source.meta.first_published or source.meta.published
            try:
                warm_up(lang)  # once per language and process: loading models is no document's time
                facts = extract_document(source.text, published, source.meta.title, language=lang,
                                         time_budget=time_budget)
            except TimeBudgetExceeded as exc:
                _failed(store, result, sid, source.origin, exc.reason, str(exc))
            except ModelMissing:
                raise  # nothing can be extracted: the run stops, every source stays pending
            except Exception as exc:  # noqa: BLE001 - one document must not stop the run
                _failed(store, result, sid, source.origin, "error", f"{exc.__class__.__name__}: {str(exc)[:500]}")
            else:
                try:
                    store.save_facts(sid, facts)
                except Exception as exc:  # noqa: BLE001 - facts the store cannot hold cost this source only
                    _failed(store, result, sid, source.origin, "store_error",
                            f"cannot store the facts ({exc.__class__.__name__}: {str(exc)[:300]})")
                    if on_source:
                        on_source(sid)
                    continue
                result.extracted.append(sid)
                result.extractor_failures.extend(
                    InputError(origin=source.origin, problem=f"the {f.extractor} extractor failed ({f.error}"
                                                             f"{'; at ' + f.where if f.where else ''}); "
                                                             "the other facts are kept")
                    for f in facts.failures)
        if on_source:
            on_source(sid)
    if fuse:
        fuse_stored(store, result, refuse=refuse, across=across, collection=collection)
    return result


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


def _failed(store: Store, result: AnalyzeResult, sid: int, origin: str, reason: str, detail: str) -> None:
    store.mark_failed(sid, reason, detail)
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
            retry_failed: bool = False, collection: str | None = None, across: bool = False) -> AnalyzeResult:
    """The main job, without progress display (the CLI adds one)."""
    result = ingest(specs, store, online=online, fetcher=fetcher, collection=collection)
    return extract_pending(store, result, time_budget=time_budget, retry_failed=retry_failed, across=across)
