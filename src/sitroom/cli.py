"""The command line: thin over the pipeline, the store and the exports."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from sitroom import pipeline
from sitroom.store.db import Store, StoreError

app = typer.Typer(help="sitroom: sourced, reconciled, geolocated facts from crisis reporting.",
                  no_args_is_help=True, add_completion=False)
console = Console()
err = Console(stderr=True, soft_wrap=True)


class _State:
    db: str = "sitroom.db"


state = _State()


def _row(table: Table, *cells: object) -> None:
    """Cells as plain text: what articles say is never read as console markup."""
    table.add_row(*(c if isinstance(c, Text) else Text(str(c)) for c in cells))


@app.callback()
def main(db: Annotated[str, typer.Option(
        "--db", envvar="SITROOM_DB",
        help="SQLite file (default ./sitroom.db) or a database URL (postgresql://...).")] = "sitroom.db") -> None:
    state.db = db


def _store() -> Store:
    try:
        return Store(state.db)
    except Exception as exc:  # a bad path or URL: say which and why
        err.print(f"[red]error:[/] cannot open store {state.db!r}: {exc}")
        raise typer.Exit(2)


@app.command()
def analyze(
    reports: Annotated[Optional[list[str]], typer.Argument(help="Files, folders, JSON Lines, URLs or feeds.")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Do not fetch URLs.")] = False,
    reextract: Annotated[bool, typer.Option("--reextract", help="Extract every archived source again.")] = False,
) -> None:
    """Archive REPORTS and extract what each one says."""
    store = _store()
    if reextract:
        store.mark_all_pending()
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=err, transient=False) as progress:
        t_in = progress.add_task("archiving", total=None)
        result = pipeline.ingest(reports or [], store, online=not offline,
                                 on_item=lambda origin: progress.advance(t_in))
        progress.update(t_in, total=progress.tasks[t_in].completed)
        pending = len(store.pending_ids())
        t_ex = progress.add_task("extracting", total=pending)
        pipeline.extract_pending(store, result, on_source=lambda sid: progress.advance(t_ex))
    for e in result.errors:
        err.print(f"[red]error:[/] {escape(e.origin)}: {escape(e.problem)}")
    for e in result.extractor_failures:
        err.print(f"[yellow]warning:[/] {escape(e.origin)}: {escape(e.problem)}")
    console.print(f"{len(result.added)} new source(s), {len(result.duplicates)} already archived, "
                  f"{len(result.extracted)} extracted, {len(result.skipped)} skipped, "
                  f"{len(result.errors)} failed -> {store.url}", soft_wrap=True)
    if result.errors:
        raise typer.Exit(1)


@app.command()
def sources() -> None:
    """List archived sources with what was extracted from each."""
    rows = _store().sources()
    # fits 80 columns: the id users know (the input's, else ours), then what matters most
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1))
    for name, width in (("id", 10), ("outlet", 14), ("published", 10), ("status", 7), ("pl/da/fi/qu", 11)):
        table.add_column(name, no_wrap=True, overflow="ellipsis", min_width=width, max_width=width)
    table.add_column("title", no_wrap=True, overflow="ellipsis", min_width=10, max_width=max(10, console.width - 68))
    for r in rows:
        pub = r["first_published"] or r["published"]
        status = r["status"] if r["language"] in (None, "en") else f"{r['status']}·{r['language']}"
        _row(table, r["external_id"] or str(r["id"]), r["outlet"] or "", str(pub or ""), status,
             "/".join(str(r[k]) for k in ("places", "dates", "figures", "quotes")), r["title"] or r["origin"])
    console.print(table)


@app.command()
def show(source_id: Annotated[str, typer.Argument(help="Source id or the input's external id.")]) -> None:
    """Show one source: metadata, and every fact with the sentence it came from."""
    from sitroom.report.source import render_source  # rich rendering lives with the reports

    store = _store()
    try:
        source = store.find_source(source_id)
    except StoreError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1)
    from sitroom.fuse.review import reviewed_facts

    render_source(console, source, reviewed_facts(store, source) if source.status == "done" else None)


@app.command()
def incidents(
    detail: Annotated[bool, typer.Option("--detail", help="Show every mention and the toll reasoning.")] = False,
) -> None:
    """Incidents merged across sources, with low/best/high tolls and their grade."""
    from sitroom.fuse import grading, picture

    pic = picture.build(_store())
    table = Table("id", "date", "type", "where", "killed (low/best/high)", "injured", "grade", "sources", "label")
    rng = lambda lo, best, hi: "" if lo is None else f"{lo}/{best}/{hi}"
    for inc in pic.incidents:
        g = grading.grade(inc)
        when = str(inc.date_start or "") + ("" if inc.date_end in (None, inc.date_start) else f"..{inc.date_end}")
        _row(table, inc.id, when, inc.sub_event_type, inc.place or "", rng(inc.killed_low, inc.killed_best, inc.killed_high),
                      rng(inc.injured_low, inc.injured_best, inc.injured_high), g.grade,
                      f"{g.independent_sources} ({len(inc.articles)} art.)", inc.label[:50])
    console.print(table)
    if detail:
        for inc in pic.incidents:
            console.print(f"\n[bold]{inc.id}[/] {escape(inc.label)} — {escape(grading.grade(inc).reason)}")
            for t in inc.toll_trail:
                console.print(escape(f"  toll: {t.article} ({t.outlet or '?'}, {t.published or '?'}): "
                                     f"killed {t.killed}, injured {t.injured}"))
            for m in inc.mentions:
                console.print(escape(f"  [{m.mention.stance}] {m.article}: {m.mention.sentence[:160]}"))


@app.command()
def figures(
    series_: Annotated[str, typer.Option("--series", help="Category: killed, injured, displaced, arrived, ...")] = "displaced",
) -> None:
    """A count over time, per source and party, with flags on drops and same-day contradictions."""
    from sitroom.fuse import picture, series

    store = _store()
    pic = picture.build(store)
    ser = series.build(list(store.all_facts("figures")), pic.sources, series_, pic.incident_of)
    table = Table("as of", "value", "qualifier", "given by", "article", "stock", "flags", "sentence")
    for p in ser.points:
        _row(table, str(p.as_of or "?"), f"{p.value:,}", p.qualifier, p.party, p.article, "yes" if p.stock else "",
                      "; ".join(p.flags), p.sentence[:80])
    console.print(table)


@app.command()
def compare() -> None:
    """What each outlet reports that others do not, whom it names, and the words it uses."""
    from sitroom.fuse import picture
    from sitroom.fuse.compare import compare as compare_outlets

    store = _store()
    pic = picture.build(store)
    for v in compare_outlets(pic, list(store.all_facts("figures"))):
        console.rule(f"[bold]{escape(v.outlet)}[/] ({len(v.articles)} article(s))")
        console.print(f"incidents reported: {len(v.incidents)}; reported by others but not here: {len(v.omits)}")
        for o in v.omits[:10]:
            console.print(f"  [dim]omits[/] {escape(o)}")
        if v.figures:
            console.print("figures: " + "; ".join(f"{k} {sorted(set(vals))}" for k, vals in sorted(v.figures.items())))
        if v.responsible:
            console.print(escape("names as responsible: " + ", ".join(f"{a} ({n})" for a, n in v.responsible.most_common(5))))
        if v.loaded_terms:
            console.print(escape("loaded terms: " + ", ".join(f"{t} ({n})" for t, n in v.loaded_terms.most_common(10))))
        if v.scare_quotes:
            console.print(escape("in scare quotes: " + ", ".join(f"“{t}”" for t, _ in v.scare_quotes.most_common(8))))


@app.command()
def report(
    output: Annotated[Path, typer.Option("-o", "--output", help="sitrep.html or sitrep.md")] = Path("sitrep.html"),
    title: Annotated[str, typer.Option("--title")] = "Situation report",
    reviewed_only: Annotated[bool, typer.Option("--reviewed-only", help="Only incidents an analyst accepted or edited.")] = False,
) -> None:
    """Write a situation report (HTML with map and charts, or Markdown), every statement cited."""
    from sitroom.report import sitrep

    r = sitrep.build(_store(), title, reviewed_only)
    text = sitrep.markdown(r) if output.suffix.lower() in (".md", ".markdown") else sitrep.to_html(r)
    output.write_text(text, encoding="utf-8")
    err.print(f"wrote {output} ({len(r.timeline)} incident(s), {len(r.citations.items)} cited sentence(s))")


users_app = typer.Typer(help="Who may look (viewer) and who may review (analyst, admin).", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="viewer, analyst or admin.")] = "viewer",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True,
                                          help="At least 8 characters.")] = "",
) -> None:
    """Add a user of the web app."""
    try:
        user = _store().add_user(name, role, password)
    except StoreError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2)
    console.print(f"added {escape(user.name)} ({user.role})")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Serve the web app and the REST API (described at /openapi.json) over the store."""
    import uvicorn

    from sitroom.api.app import create_app

    _store()  # a clear error for a bad --db before the server starts
    console.print(f"sitroom on http://{host}:{port}/ (API described at /openapi.json), store {state.db}")
    uvicorn.run(create_app(state.db), host=host, port=port, log_level="warning")


class ExportFormat(str, Enum):
    eval = "eval"
    jsonl = "jsonl"
    geojson = "geojson"
    acled = "acled"
    csv = "csv"


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="eval: the interchange format; jsonl: everything with offsets; geojson: incidents; acled: ACLED-style CSV; csv: one kind of fact.")] = ExportFormat.jsonl,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="File to write (default: stdout).")] = None,
    kind: Annotated[str, typer.Option("--kind", help="For csv: figures, quotes, places, dates, entities or events.")] = "figures",
    reviewed_only: Annotated[bool, typer.Option("--reviewed-only", help="Only incidents an analyst accepted or edited (eval, acled, geojson).")] = False,
) -> None:
    """Write what the store holds."""
    from sitroom.export import acled, facts_csv, geojson, jsonl
    from sitroom.export import eval as eval_export

    store = _store()
    writer = {ExportFormat.eval: lambda st, path: eval_export.write(st, path, reviewed_only),
              ExportFormat.jsonl: jsonl.write,
              ExportFormat.geojson: lambda st, path: geojson.write(st, path, reviewed_only),
              ExportFormat.acled: lambda st, path: acled.write(st, path, reviewed_only),
              ExportFormat.csv: lambda st, path: facts_csv.write(st, path, kind)}[format]
    target = output or Path("/dev/stdout")
    try:
        n = writer(store, target)
    except ValueError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2)
    if output:
        err.print(f"wrote {n} record(s) to {output}")


if __name__ == "__main__":  # pragma: no cover
    app()
