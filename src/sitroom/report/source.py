"""One source in the terminal: its metadata and every fact beside its sentence."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from sitroom.models import DocumentFacts, Fact, Source


def _in_sentence(fact: Fact, source: Source, width: int = 110) -> Text:
    """The sentence with the fact's span highlighted (trimmed around it when long)."""
    s_start = source.text.find(fact.sentence, max(0, fact.start - len(fact.sentence)))
    if s_start < 0 or not (s_start <= fact.start <= s_start + len(fact.sentence)):
        return Text(fact.sentence[:width])
    a, b = fact.start - s_start, min(fact.end - s_start, len(fact.sentence))
    lo = max(0, a - (width - (b - a)) // 2)
    t = Text(("…" if lo else "") + fact.sentence[lo:a])
    t.append(fact.sentence[a:b], style="bold yellow")
    t.append(fact.sentence[b:b + max(0, width - (b - lo))])
    return t


def render_source(console: Console, source: Source, facts: DocumentFacts | None) -> None:
    m = source.meta
    meta = Table.grid(padding=(0, 2))
    for label, value in [("id", source.id), ("external id", source.external_id), ("origin", source.origin),
                         ("sha256", source.sha256), ("captured", source.captured_at), ("title", m.title),
                         ("author", m.author), ("outlet", m.outlet), ("url", m.url),
                         ("published", m.published), ("first published", m.first_published),
                         ("republished from", m.syndicated_from), ("language", m.language),
                         ("status", source.status + (f" ({source.note})" if source.note else ""))]:
        if value not in (None, ""):
            meta.add_row(Text(label, style="dim"), Text(str(value)))
    if facts is not None:
        stamps = sorted({f.method for kind in ("places", "dates", "figures", "quotes", "entities", "events")
                         for f in getattr(facts, kind) if f.method})
        if stamps:
            meta.add_row(Text("method", style="dim"), Text(", ".join(stamps)))
    console.print(meta)
    if facts is None:
        return
    for f in facts.failures:  # an extractor that raised: its facts are missing, the others are here
        console.print(Text(f"the {f.extractor} extractor failed on this source: {f.error}"
                           f"{' (' + f.where + ')' if f.where else ''}", style="yellow"))
    sections = [
        ("places", facts.places, lambda p: (p.surface, f"{p.name} ({p.country or '?'}) {p.lat:.3f},{p.lon:.3f} {p.kind}/{p.precision}" if p.lat is not None else f"{p.name} (unresolved)")),
        ("dates", facts.dates, lambda d: (d.surface, f"{d.value} ({d.precision})")),
        ("figures", facts.figures, lambda f: (f"{f.value:,}", f"{f.category} {f.qualifier} · {f.subject} · as of {f.as_of or '?'} · {f.attributed_to or 'outlet'}")),
        ("quotes", facts.quotes, lambda q: (q.speaker or "?", f"{q.kind}{' · ' + q.medium if q.medium else ''}{' · ' + q.speaker_role if q.speaker_role else ''}")),
        ("entities", facts.entities, lambda e: (e.text, f"{e.label} → {e.canonical}{' · ' + e.role if e.role else ''}")),
    ]
    for name, items, describe in sections:
        if not items:
            continue
        console.print(Text(f"\n{name} ({len(items)})", style="bold"))
        for item in items:
            what, resolved = describe(item)
            line = Text("  ")
            line.append(what, style="bold")
            line.append(" → " + resolved)
            console.print(line)
            quote = Text("      “")
            quote.append_text(_in_sentence(item, source, width=max(40, console.width - 10)))
            quote.append("”")
            console.print(quote, style="dim")
