"""ingest -> extract (-> fuse), through the store; streaming and resumable.

Two phases, each in its own transactions: every input is first archived (raw bytes,
hash, capture time, clean text, metadata) and only then extracted. A crash during
extraction loses no accepted source: the next run picks up the sources still pending.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sitroom.ingest.clean import clean_text
from sitroom.ingest.decode import decode_bytes
from sitroom.ingest.language import detect_language
from sitroom.ingest.metadata import find_metadata
from sitroom.ingest.readers import iter_inputs
from sitroom.models import InputError, Metadata, RawInput, Source
from sitroom.store.db import Store

# English gets every extractor; these other languages get places and dates (see
# extract/document.py); any other language is archived and tagged, not misread as English.
EXTRACTED_LANGUAGES = {"en", "fr", "de", "es", "it", "pt", "ru", "uk", "pl", "nl", "tr", "ro"}


@dataclass
class AnalyzeResult:
    added: list[int] = field(default_factory=list)       # new source ids
    duplicates: list[int] = field(default_factory=list)  # inputs already archived
    extracted: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)     # archived, not extracted (language)
    errors: list[InputError] = field(default_factory=list)
    # extractors that raised on a source that was otherwise extracted (its other facts kept)
    extractor_failures: list[InputError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def build_source(item: RawInput) -> Source:
    """Decode, clean and describe one input. Raises ValueError with the problem."""
    raw_text = item.text if item.text is not None else decode_bytes(item.raw, item.origin)
    if not raw_text.strip():
        raise ValueError("empty document")
    clean = clean_text(raw_text)
    if not clean.text.strip():
        raise ValueError("nothing left after removing page furniture")
    given = Metadata(title=item.title, author=item.author, outlet=item.outlet, url=item.url,
                     published=item.published)
    meta = find_metadata(raw_text, clean.text, given)
    meta.language = detect_language(clean.text)
    return Source(external_id=item.external_id, origin=item.origin,
                  sha256=hashlib.sha256(item.raw).hexdigest(),
                  captured_at=datetime.now(timezone.utc).replace(tzinfo=None),
                  content_type=item.content_type, raw=item.raw, raw_text=raw_text,
                  text=clean.text, offsets=clean.offsets, meta=meta)


def ingest(specs: Sequence[str], store: Store, *, online: bool = True,
           on_item: Callable[[str], None] | None = None) -> AnalyzeResult:
    """Archive every input; bad inputs become errors and the others go on."""
    result = AnalyzeResult()
    for item in iter_inputs(specs, online=online):
        if isinstance(item, InputError):
            result.errors.append(item)
        else:
            try:
                source = build_source(item)
            except ValueError as exc:
                result.errors.append(InputError(origin=item.origin, problem=str(exc)))
            else:
                sid, created = store.add_source(source)
                (result.added if created else result.duplicates).append(sid)
        if on_item:
            on_item(item.origin)
    return result


def extract_pending(store: Store, result: AnalyzeResult | None = None,
                    on_source: Callable[[int], None] | None = None) -> AnalyzeResult:
    """Extract facts for every archived source not yet extracted."""
    from sitroom.extract.document import extract_document  # loads spaCy: only when needed

    result = result or AnalyzeResult()
    for sid in store.pending_ids():
        source = store.get_source(sid)
        lang = source.meta.language or "und"
        if lang not in EXTRACTED_LANGUAGES:
            store.mark_skipped(sid, lang, f"language {lang!r}: not read yet (archived and tagged only)")
            result.skipped.append(sid)
        else:
            published = source.meta.first_published or source.meta.published
            try:
                facts = extract_document(source.text, published, source.meta.title, language=lang)
            except Exception as exc:  # one document must not stop the run; it stays pending
                result.errors.append(InputError(origin=source.origin,
                                                problem=f"extraction failed ({exc.__class__.__name__}: {exc}); "
                                                        "the source is archived and will be retried"))
            else:
                store.save_facts(sid, facts)
                result.extracted.append(sid)
                result.extractor_failures.extend(
                    InputError(origin=source.origin, problem=f"the {f.extractor} extractor failed ({f.error}"
                                                             f"{'; at ' + f.where if f.where else ''}); "
                                                             "the other facts are kept")
                    for f in facts.failures)
        if on_source:
            on_source(sid)
    return result


def analyze(specs: Sequence[str], store: Store, *, online: bool = True) -> AnalyzeResult:
    """The main job, without progress display (the CLI adds one)."""
    result = ingest(specs, store, online=online)
    return extract_pending(store, result)
