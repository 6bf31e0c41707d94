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

CollectionOpt = Annotated[Optional[str], typer.Option(
    "--collection", "-c", help="Only this collection (a store may hold several crises; `sitroom collections` lists them).")]


def _row(table: Table, *cells: object) -> None:
    """Cells as plain text: what articles say is never read as console markup."""
    table.add_row(*(c if isinstance(c, Text) else Text(str(c)) for c in cells))


@app.callback()
def main(db: Annotated[str, typer.Option(
        "--db", envvar="SITROOM_DB",
        help="SQLite file (default ./sitroom.db) or a database URL (postgresql://...).")] = "sitroom.db") -> None:
    state.db = db


def _missing_store(db: str) -> Path | None:
    """The SQLite file ``db`` names when it does not exist (None for a database URL, an
    in-memory store or a file that is there)."""
    from sitroom.store.db import database_url

    url = database_url(db)
    if not url.startswith("sqlite:///"):
        return None
    path = url.removeprefix("sqlite:///")
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return None if Path(path).exists() else Path(path)


def _store(create: bool = False) -> Store:
    """The store of --db. Only the commands that fill a store (``analyze``, ``watch``,
    ``users add``) pass ``create``: for the others a store that does not exist is an error
    (a typo in --db must not leave an empty store behind)."""
    missing = None if create else _missing_store(state.db)
    if missing is not None:
        err.print(f"[red]error:[/] no store at {escape(str(missing))!r}: the file does not exist. Give the right "
                  "--db (or SITROOM_DB), or create a store with `sitroom analyze REPORTS`.")
        raise typer.Exit(2)
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
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Fetch from loopback, private and link-local addresses too (refused by default; "
                                "the setting SITROOM_ALLOW_PRIVATE=1 does the same).")] = False,
    allow_network: Annotated[Optional[list[str]], typer.Option(
        "--allow-network", help="Allow fetching from this one non-public network only, e.g. 10.1.0.0/16 "
                                "(repeat for several; SITROOM_ALLOW_PRIVATE=NET,NET does the same).")] = None,
    max_fetch: Annotated[Optional[int], typer.Option(
        "--max-fetch", min=0, help="At most this many HTTP requests in this run "
                                   "(default: the setting max_fetch, SITROOM_MAX_FETCH, else 500).")] = None,
    time_budget: Annotated[Optional[float], typer.Option(
        "--time-budget", min=0.001, help="Seconds of extraction per source; a source over it is marked failed "
                                         "(default: the setting time_budget, SITROOM_TIME_BUDGET, else 30).")] = None,
    retry_failed: Annotated[bool, typer.Option(
        "--retry-failed", help="Extract again the sources whose extraction failed (over the time budget, an error); "
                               "otherwise they are left alone.")] = False,
    collection: Annotated[Optional[str], typer.Option(
        "--collection", "-c", help="The crisis these reports belong to (default: \"default\"); with --reextract, "
                                   "only this collection is extracted and fused again.")] = None,
    across: Annotated[bool, typer.Option(
        "--across-collections", help="Let incidents join reports of other collections (never done otherwise).")] = False,
    refuse: Annotated[bool, typer.Option(
        "--refuse", help="Fuse the stored mentions into incidents again from scratch (ids and analysts' "
                         "placements kept); --reextract does it too.")] = False,
    workers: Annotated[Optional[int], typer.Option(
        "--workers", min=1, help="Extract on a local Dask cluster of N worker processes (each loads the models "
                                 "once); this process stays the one writer of the store.")] = None,
    scheduler: Annotated[Optional[str], typer.Option(
        "--scheduler", help="Extract on the workers of a running Dask scheduler (tcp://HOST:PORT); they need "
                            "sitroom and its models installed.")] = None,
) -> None:
    """Archive REPORTS, extract what each one says, and fuse the mentions into incidents."""
    from sitroom.ingest.fetch import Fetcher

    store = _store(create=True)
    try:
        fetcher = Fetcher(allow_private=True if allow_private else (allow_network or None),
                          max_fetches=max_fetch if max_fetch is not None else _settings().max_fetch)
    except ValueError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2)
    budget = time_budget if time_budget is not None else _settings().time_budget
    if collection is not None and not collection.strip():
        err.print("[red]error:[/] a collection needs a name")
        raise typer.Exit(2)
    if workers and scheduler:
        err.print("[red]error:[/] --workers starts a local cluster, --scheduler uses a running one: give one")
        raise typer.Exit(2)
    if reextract:
        store.mark_all_pending(collection)
    if retry_failed:
        store.retry_failed()
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=err, transient=False) as progress:
        t_in = progress.add_task("archiving", total=None)
        with fetcher:
            result = pipeline.ingest(reports or [], store, online=not offline, fetcher=fetcher,
                                     on_item=lambda origin: progress.advance(t_in), collection=collection)
        progress.update(t_in, total=progress.tasks[t_in].completed)
        pending = len(store.pending_ids())
        t_ex = progress.add_task("extracting", total=pending)
        try:
            pipeline.extract_pending(store, result, on_source=lambda sid: progress.advance(t_ex),
                                     time_budget=budget, refuse=reextract or refuse, across=across,
                                     collection=collection if reextract else None, workers=workers,
                                     scheduler=scheduler)
        except (OSError, TimeoutError) as exc:
            if not (workers or scheduler):
                raise
            err.print(f"[red]error:[/] cannot run the Dask workers ({escape(str(exc))}); what was archived is "
                      "kept, and the next run extracts it")
            raise typer.Exit(2)
    for e in result.errors:
        err.print(f"[red]error:[/] {escape(e.origin)}: {escape(e.problem)}")
    for e in result.extractor_failures + result.withheld:
        err.print(f"[yellow]warning:[/] {escape(e.origin)}: {escape(e.problem)}")
    withheld = f"{len(result.withheld)} withheld (deleted by decision), " if result.withheld else ""
    console.print(f"{len(result.added)} new source(s), {len(result.duplicates)} already archived, {withheld}"
                  f"{len(result.extracted)} extracted, {len(result.skipped)} skipped, "
                  f"{len(result.errors)} failed -> {store.url}", soft_wrap=True)
    for line in pipeline.read_levels(result.languages):   # what each language's sources were read for
        console.print(line, soft_wrap=True)
    if result.fused_sources:
        console.print(f"fused {result.fused_sources} source(s): {result.incidents_touched} incident(s) opened or "
                      "updated", soft_wrap=True)
    if result.anchored:
        console.print(f"{len(result.anchored)} undated page(s) read again against the day of the incident they "
                      "report", soft_wrap=True)
    if workers or scheduler:   # the one writer's share of the extraction phase
        share = result.writer_seconds / result.extract_seconds if result.extract_seconds else 0.0
        console.print(f"extraction on {result.workers} Dask worker thread(s): {result.extract_seconds:.1f} s, "
                      f"of which the writer (this process, the store) {result.writer_seconds:.1f} s "
                      f"({share:.0%}); fusion {result.fuse_seconds:.1f} s", soft_wrap=True)
    if result.errors:
        raise typer.Exit(1)


@app.command()
def sources(collection: CollectionOpt = None) -> None:
    """List archived sources with what was extracted from each."""
    from sitroom.report.titles import shown

    rows = _store().sources(collection)
    # fits 80 columns: the id users know (the input's, else ours), then what matters most
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1))
    for name, width in (("id", 10), ("outlet", 14), ("published", 10), ("status", 7), ("pl/da/fi/qu", 11)):
        table.add_column(name, no_wrap=True, overflow="ellipsis", min_width=width, max_width=width)
    table.add_column("title", no_wrap=True, overflow="ellipsis", min_width=10, max_width=max(10, console.width - 68))
    for r in rows:
        pub = r["first_published"] or r["published"]
        status = r["status"] if r["language"] in (None, "en") else f"{r['status']}·{r['language']}"
        _row(table, r["external_id"] or str(r["id"]), r["outlet"] or "", str(pub or ""), status,
             "/".join(str(r[k]) for k in ("places", "dates", "figures", "quotes")), shown(r["title"], r["origin"]))
    console.print(table)
    for line in pipeline.read_levels([r["language"] for r in rows]):   # what each language was read for
        console.print(line, soft_wrap=True)


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
    collection: CollectionOpt = None,
    queue: Annotated[bool, typer.Option("--queue", help="The review queue: the most uncertain incidents first, "
                                                        "with why.")] = False,
) -> None:
    """Incidents merged across sources (as stored), with low/best/high tolls and their grade."""
    from sitroom.fuse import grading, picture, review

    pic = picture.build(_store(), collection=collection)
    if queue:
        table = Table("id", "why", "date", "type", "where", "label")
        for inc, reasons in review.queue(pic.incidents):
            _row(table, inc.id, "; ".join(reasons), str(inc.date_start or "date unknown"), inc.sub_event_type,
                 inc.place or "", inc.label[:50])
        console.print(table)
        return
    table = Table("id", "date", "type", "where", "killed (low/best/high)", "injured", "grade", "sources", "label")
    rng = lambda lo, best, hi: "" if lo is None else f"{lo}/{best}/{hi}"
    for inc in pic.incidents:
        g = grading.grade(inc)
        when = ("date unknown" if inc.date_start is None else
                str(inc.date_start) + ("" if inc.date_end in (None, inc.date_start) else f"..{inc.date_end}"))
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
    collection: CollectionOpt = None,
) -> None:
    """A count over time, per source and party, with flags on drops and same-day contradictions."""
    import typing

    from sitroom.fuse import picture, series
    from sitroom.models import FigureCategory

    valid = typing.get_args(FigureCategory)
    if series_ not in valid:
        err.print(f"[red]error:[/] unknown series {escape(repr(series_))}: one of {', '.join(valid)}")
        raise typer.Exit(2)
    store = _store()
    pic = picture.build(store, collection=collection)
    figs = [f for f in store.all_facts("figures") if f.source_id in pic.sources]
    ser = series.build(figs, pic.sources, series_, pic.incident_of)
    table = Table("as of", "value", "qualifier", "given by", "article", "stock", "flags", "sentence")
    for p in ser.points:
        _row(table, str(p.as_of or "?"), f"{p.value:,}", p.qualifier, p.party, p.article, "yes" if p.stock else "",
                      "; ".join(p.flags), p.sentence[:80])
    console.print(table)


@app.command()
def compare(collection: CollectionOpt = None) -> None:
    """What each outlet reports that others do not, whom it names, and the words it uses."""
    from sitroom.fuse import picture
    from sitroom.fuse.compare import compare as compare_outlets

    store = _store()
    pic = picture.build(store, collection=collection)
    for v in compare_outlets(pic, [f for f in store.all_facts("figures") if f.source_id in pic.sources]):
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


@app.command("compare-with")
def compare_with(
    file: Annotated[Path, typer.Argument(help="An ACLED CSV or a UCDP GED CSV.")],
    km: Annotated[float, typer.Option("--km", min=0, help="Places this close (km) can be one event's.")] = 25.0,
    days: Annotated[int, typer.Option("--days", min=0, help="Dates this many days apart can be one event's.")] = 1,
    everything: Annotated[bool, typer.Option("--all", help="Compare every reference event, not only those inside "
                                                           "the store's dates and countries.")] = False,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Also write the comparison as CSV.")] = None,
    collection: CollectionOpt = None,
) -> None:
    """Against a reference dataset: which of its events sitroom also found, which it
    missed, and which incidents sitroom has that it does not (by type, date and place)."""
    from sitroom.report import reference

    store = _store()
    try:
        res = reference.compare(store, file, km=km, days=days, collection=collection, everything=everything)
    except reference.ReferenceError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2)
    name = {"acled": "ACLED", "ucdp": "UCDP GED"}[res.dataset]
    found = Table("reference event", "date", "type", "location", "sitroom incident", "km", "days",
                  title=f"found by both ({len(res.matched)})", box=box.SIMPLE_HEAD)
    for m in res.matched:
        _row(found, m.ref.id, m.ref.start, m.ref.type, m.ref.location, m.incident.id, m.km, m.days)
    missed = Table("reference event", "date", "type", "location", "fatalities",
                   title=f"missed by sitroom ({len(res.missed)})", box=box.SIMPLE_HEAD)
    for r in res.missed:
        _row(missed, r.id, r.start, r.type, r.location, "" if r.fatalities is None else r.fatalities)
    extra = Table("sitroom incident", "date", "type", "where", "label",
                  title=f"only in sitroom ({len(res.extra)})", box=box.SIMPLE_HEAD)
    for i in res.extra:
        _row(extra, i.id, i.when, i.sub_event_type, i.place or "", i.label[:50])
    for t in (found, missed, extra):
        console.print(t)
    recall = "n/a" if res.recall is None else f"{res.recall:.0%}"
    outside = f"; {res.outside} reference event(s) outside the store's dates and countries left out" \
        if res.outside else ""
    console.print(f"{name}: {len(res.matched)} found, {len(res.missed)} missed (recall {recall}), "
                  f"{len(res.extra)} incident(s) only in sitroom{outside}", soft_wrap=True)
    if output:
        reference.write_csv(res, output)
        err.print(f"wrote the comparison to {output}")


REPORT_SUFFIXES = {".html": "HTML", ".htm": "HTML", ".md": "Markdown text", ".markdown": "Markdown text",
                   ".txt": "Markdown text", ".pdf": "PDF (printed by headless Chromium)"}


@app.command()
def report(
    output: Annotated[Path, typer.Option("-o", "--output", help="sitrep.html (HTML), sitrep.md or sitrep.txt (Markdown text), sitrep.pdf (PDF: needs Chromium)")] = Path("sitrep.html"),
    title: Annotated[str, typer.Option("--title")] = "Situation report",
    reviewed_only: Annotated[bool, typer.Option("--reviewed-only", help="Only incidents an analyst accepted or edited.")] = False,
    collection: CollectionOpt = None,
) -> None:
    """Write a situation report (HTML with map and charts, or Markdown), every statement cited."""
    from sitroom.report import sitrep

    suffix = output.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        err.print(f"[red]error:[/] cannot tell the format of {escape(str(output))!r} by its suffix: name it "
                  f"{', '.join('*' + k for k in REPORT_SUFFIXES)} ({'; '.join(sorted(set(REPORT_SUFFIXES.values())))})")
        raise typer.Exit(2)
    r = sitrep.build(_store(), title, reviewed_only, collection=collection)
    if suffix == ".pdf":
        try:
            sitrep.to_pdf(r, output)
        except sitrep.PdfUnavailable as exc:
            err.print(f"[red]error:[/] {escape(str(exc))}")
            raise typer.Exit(1)
    else:
        text = sitrep.to_html(r) if REPORT_SUFFIXES[suffix] == "HTML" else sitrep.markdown(r)
        output.write_text(text, encoding="utf-8")
    err.print(f"wrote {output} ({len(r.timeline)} incident(s), {len(r.citations.items)} cited sentence(s))")


users_app = typer.Typer(help="Who may look (viewer) and who may review (analyst, admin).", no_args_is_help=True)
app.add_typer(users_app, name="users")


def _settings():
    from sitroom.settings import SettingsError, load

    try:
        return load(state.db)
    except SettingsError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2)


def _users_call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except StoreError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="viewer, analyst or admin.")] = "viewer",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True,
                                          help="10 characters or more, not a common password.")] = "",
) -> None:
    """Add a user of the web app."""
    store, cfg = _store(create=True), _settings()
    user = _users_call(store.add_user, name, role, password, min_length=cfg.password_min_length)
    console.print(f"added {escape(user.name)} ({user.role})")


@users_app.command("list")
def users_list() -> None:
    """Users with their role, open sessions and API keys."""
    table = Table("name", "role", "created", "sessions", "API keys", box=box.SIMPLE_HEAD)
    for u in _store().users():
        _row(table, u["name"], u["role"], u["created_at"].strftime("%Y-%m-%d %H:%M"), u["sessions"], u["keys"])
    console.print(table)


@users_app.command("remove")
def users_remove(name: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Remove a user with its sessions and keys (its decisions stay in the audit log)."""
    _users_call(_store().remove_user, name)
    console.print(f"removed {escape(name)}")


@users_app.command("passwd")
def users_passwd(
    name: Annotated[str, typer.Argument(help="Login name.")],
    password: Annotated[str, typer.Option(prompt="New password", hide_input=True, confirmation_prompt=True,
                                          help="10 characters or more, not a common password.")] = "",
) -> None:
    """Set a user's password; every session of the user ends."""
    store, cfg = _store(), _settings()
    _users_call(store.set_password, name, password, min_length=cfg.password_min_length)
    console.print(f"password of {escape(name)} changed; its sessions ended")


@users_app.command("key")
def users_key(
    name: Annotated[Optional[str], typer.Argument(help="Login name (the key acts as this user).")] = None,
    scope: Annotated[str, typer.Option(help="read: look only; review: also record decisions.")] = "read",
    label: Annotated[str, typer.Option(help="What the key is for.")] = "",
    days: Annotated[Optional[float], typer.Option(help="Expires after this many days (default: never).")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the keys (of NAME, or all).")] = False,
    revoke: Annotated[Optional[int], typer.Option(help="Revoke the key with this id.")] = None,
) -> None:
    """A long-lived API key for scripts (Authorization: Bearer KEY), shown once."""
    store = _store()
    if revoke is not None:
        if not store.revoke_api_key(revoke):
            err.print(f"[red]error:[/] no API key {revoke}")
            raise typer.Exit(2)
        console.print(f"revoked key {revoke}")
        return
    if list_:
        table = Table("id", "user", "scope", "label", "created", "expires", "last used", box=box.SIMPLE_HEAD)
        fmt = lambda d: d.strftime("%Y-%m-%d %H:%M") if d else ""  # noqa: E731
        for k in store.api_keys(name):
            _row(table, k["id"], k["name"], k["scope"], k["label"], fmt(k["created_at"]), fmt(k["expires_at"]),
                 fmt(k["last_used"]))
        console.print(table)
        return
    if not name:
        err.print("[red]error:[/] name the user the key acts as")
        raise typer.Exit(2)
    token = _users_call(store.add_api_key, name, scope, label, days)
    err.print(f"API key for {escape(name)} (scope {scope}); it is shown only this once:")
    print(token)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    private: Annotated[Optional[bool], typer.Option(
        "--private/--public", help="Require a login for every page and API route (setting: private).")] = None,
) -> None:
    """Serve the web app and the REST API (described at /openapi.json) over the store."""
    import uvicorn

    from sitroom.api.app import create_app
    from sitroom.settings import SettingsError, load

    _store()  # a clear error for a bad --db before the server starts
    try:
        cfg = load(state.db, private=private)
    except SettingsError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2)
    mode = "private: login required" if cfg.private else "public reads"
    console.print(f"sitroom on http://{host}:{port}/ (API described at /openapi.json), store {state.db}, {mode}")
    uvicorn.run(create_app(state.db, cfg), host=host, port=port, log_level="warning")


@app.command()
def watch(
    feeds: Annotated[list[str], typer.Argument(help="RSS/Atom feed URLs (or pages) to follow.")],
    every: Annotated[str, typer.Option("--every", help="Time between two rounds: 90s, 10m, 1h.")] = "10m",
    once: Annotated[bool, typer.Option("--once", help="One round, then stop.")] = False,
    notify: Annotated[Optional[list[str]], typer.Option(
        "--notify", help="Where changes go besides the store (GET /api/changes): a JSON Lines file, or an "
                         "http(s) webhook URL (POST); repeat for several. Payload: docs/watch.md.")] = None,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Fetch from (and notify to) loopback, private and link-local addresses too.")] = False,
    allow_network: Annotated[Optional[list[str]], typer.Option(
        "--allow-network", help="Allow this one non-public network only, e.g. 10.1.0.0/16 (repeatable).")] = None,
    max_fetch: Annotated[Optional[int], typer.Option(
        "--max-fetch", min=0, help="At most this many HTTP requests per round (default: the setting max_fetch).")] = None,
    collection: Annotated[Optional[str], typer.Option(
        "--collection", "-c", help="The crisis these feeds' reports belong to (default: \"default\").")] = None,
    time_budget: Annotated[Optional[float], typer.Option(
        "--time-budget", min=0.001, help="Seconds of extraction per source (default: the setting time_budget).")] = None,
) -> None:
    """Follow feeds: poll them (conditional GET, backoff on failure), archive what is new,
    attach it to the stored incidents, and notify what changed. Runs until SIGTERM or
    Ctrl-C (the round in progress finishes its step); logs one JSON object a line on stderr."""
    import logging
    import signal
    import sys
    import threading

    from sitroom.ingest import watch as watching
    from sitroom.ingest.fetch import Fetcher

    try:
        interval = watching.parse_every(every)
        allowed = True if allow_private else (allow_network or None)
        Fetcher(allow_private=allowed).close()  # a bad --allow-network is said now, not in a round
    except ValueError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2)
    store = _store(create=True)
    limit = max_fetch if max_fetch is not None else _settings().max_fetch
    budget = time_budget if time_budget is not None else _settings().time_budget
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    watching.log.addHandler(handler)
    watching.log.setLevel(logging.INFO)
    watching.log.propagate = False
    stop = threading.Event()
    previous = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            previous[sig] = signal.signal(sig, lambda *_: stop.set())
        except ValueError:  # not the main thread (a test runner): no handlers
            pass
    failed = False

    def report(rnd) -> None:
        nonlocal failed
        new = sum(p.new for p in rnd.polls)
        failed = any(p.outcome == "failed" for p in rnd.polls) or bool(rnd.result.errors)
        console.print(f"round: {len(rnd.polls)} feed(s), {new} new item(s), {len(rnd.result.added)} new source(s), "
                      f"{rnd.result.fused_sources} fused, {len(rnd.notifications)} change(s) notified",
                      soft_wrap=True)

    try:
        watching.watch(store, feeds, every=interval, rounds=1 if once else None, stop=stop,
                       make_fetcher=lambda: Fetcher(allow_private=allowed, max_fetches=limit),
                       notify_to=notify or [], collection=collection, time_budget=budget, on_round=report)
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
        watching.log.removeHandler(handler)
    if once and failed:
        raise typer.Exit(1)


class ExportFormat(str, Enum):
    eval = "eval"
    jsonl = "jsonl"
    geojson = "geojson"
    acled = "acled"
    csv = "csv"
    hxl = "hxl"
    parquet = "parquet"
    warc = "warc"


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="eval: the interchange format; jsonl: everything with offsets, a type on every line; geojson: incidents; acled: ACLED CSV (the 31 fields of ACLED's event model); csv: one table (--kind); hxl: HXL-tagged CSV of incidents or figures (--kind); parquet: one file per table in the folder -o DIR; warc: the archived bytes as WARC 1.1 (gzipped when the name ends in .gz).")] = ExportFormat.jsonl,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="File to write (default: stdout); a folder for parquet.")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="For csv: sources, incidents, incident_mentions, figures (default), quotes, places, dates, events or entities; for hxl: incidents (default) or figures.")] = None,
    reviewed_only: Annotated[bool, typer.Option("--reviewed-only", help="Only incidents an analyst accepted or edited (eval, acled, geojson, csv, hxl, parquet).")] = False,
    collection: CollectionOpt = None,
) -> None:
    """Write what the store holds (of one collection with --collection)."""
    from sitroom.export import acled, facts_csv, geojson, hxl, jsonl, parquet, tables
    from sitroom.export import eval as eval_export
    from sitroom.store.evidence import write_warc

    if kind is not None and format not in (ExportFormat.csv, ExportFormat.hxl):
        err.print(f"[red]error:[/] --kind is for --format csv or hxl, not {format.value}")
        raise typer.Exit(2)
    valid = hxl.HXL_TABLES if format == ExportFormat.hxl else tables.KINDS
    if kind is not None and kind not in valid:
        err.print(f"[red]error:[/] unknown kind {escape(repr(kind))} for {format.value}: one of {', '.join(valid)}")
        raise typer.Exit(2)
    if format == ExportFormat.parquet and output is None:
        err.print("[red]error:[/] the Parquet export writes a folder: name it with -o DIR")
        raise typer.Exit(2)
    store = _store()
    c = collection
    writer = {ExportFormat.eval: lambda st, path: eval_export.write(st, path, reviewed_only, collection=c),
              ExportFormat.jsonl: lambda st, path: jsonl.write(st, path, c),
              ExportFormat.geojson: lambda st, path: geojson.write(st, path, reviewed_only, c),
              ExportFormat.acled: lambda st, path: acled.write(st, path, reviewed_only, collection=c),
              ExportFormat.csv: lambda st, path: facts_csv.write(st, path, kind or "figures", collection=c,
                                                                 reviewed_only=reviewed_only),
              ExportFormat.hxl: lambda st, path: hxl.write(st, path, kind or "incidents", collection=c,
                                                           reviewed_only=reviewed_only),
              ExportFormat.parquet: lambda st, path: parquet.write(st, path, collection=c,
                                                                   reviewed_only=reviewed_only),
              ExportFormat.warc: lambda st, path: write_warc(st, path, collection=c)}[format]
    target = output or Path("/dev/stdout")
    try:
        n = writer(store, target)
    except ValueError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2)
    if output:
        err.print(f"wrote {n} record(s) to {output}")


# ---------------------------------------------------------------- evidence: verify, custody, delete, redact, backup


def _operator(by: str | None) -> str:
    import getpass

    if by:
        return by
    try:
        return f"{getpass.getuser()} (command line)"
    except Exception:  # noqa: BLE001 - no login name in this environment
        return "command line"


def _find(store: Store, ref: str):
    try:
        return store.find_source(ref)
    except StoreError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1)


def _recompute(store: Store, ids: list[str] | None) -> None:
    """The incidents a deleted or redacted source reported, recomputed from what is left."""
    from sitroom.fuse import stored

    if ids:
        stored.recompute(store, ids)


@app.command()
def collections() -> None:
    """The collections of the store (one crisis each), with their sources and incidents."""
    table = Table("collection", "sources", "incidents", box=box.SIMPLE_HEAD)
    for c in _store().collections():
        _row(table, c["name"], c["sources"], c["incidents"])
    console.print(table)


@app.command()
def verify() -> None:
    """Re-hash every archived source and check that each one is whole; exit 1 on any change."""
    from sitroom.store.evidence import verify as verify_store

    v = verify_store(_store())
    for m in v.mismatches:
        err.print(escape(f"CHANGED: source {m['id']} ({m['article']}, {m['origin']}): recorded sha256 "
                         f"{m['expected']}, the stored bytes now hash to {m['actual']}"))
    for p in v.problems:
        err.print(escape(f"PROBLEM: {p}"))
    redacted = f" ({v.redacted} redacted, checked against their redacted hash)" if v.redacted else ""
    if v.ok:
        console.print(f"{v.checked} source(s) verified{redacted}: every hash matches, every source is whole")
    else:
        console.print(f"{v.checked} source(s) checked{redacted}: {len(v.mismatches)} changed, "
                      f"{len(v.problems)} other problem(s)")
        raise typer.Exit(1)


@app.command()
def custody(
    source_id: Annotated[str, typer.Argument(help="Source id or the input's external id.")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="File to write (default: stdout).")] = None,
) -> None:
    """Export a source's chain of custody as JSON: hash, capture, origins, every
    transformation and every review."""
    import json

    from sitroom.store.evidence import custody as custody_of

    store = _store()
    _find(store, source_id)
    text = json.dumps(custody_of(store, source_id), indent=2, ensure_ascii=False, default=str)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        err.print(f"wrote the chain of custody of {source_id} to {output}")
    else:
        typer.echo(text)


@app.command()
def delete(
    source_id: Annotated[str, typer.Argument(help="Source id or the input's external id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the audit log).")],
    by: Annotated[Optional[str], typer.Option("--by", help="Who decides (default: your login name).")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a source and its facts, with the decision in the audit log; the same bytes
    are not archived again."""
    store = _store()
    source = _find(store, source_id)
    if not yes:
        from sitroom.report.titles import shown

        typer.confirm(f"Delete source {source.id} ({source.article_id}: "
                      f"{shown(source.meta.title, source.origin, source.meta.url)})?",
                      abort=True)
    try:
        done = store.delete_source(source.id, by=_operator(by), reason=reason)
    except StoreError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2)
    _recompute(store, done.get("incidents"))
    console.print(escape(f"deleted source {source.id} (sha256 {done['sha256']}); audit log entry {done['review_id']}"))


@app.command()
def redact(
    source_id: Annotated[str, typer.Argument(help="Source id or the input's external id.")],
    term: Annotated[list[str], typer.Option("--term", "-t", help="Words to mask (repeat for several); case and "
                                                                 "line breaks ignored.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the audit log; the terms are not).")],
    by: Annotated[Optional[str], typer.Option("--by", help="Who decides (default: your login name).")] = None,
) -> None:
    """Mask words (a person's name in a quote, ...) everywhere the store holds a source:
    bytes, texts, metadata, origins and facts; the decision goes in the audit log."""
    store = _store()
    source = _find(store, source_id)
    try:
        done = store.redact_source(source.id, term, by=_operator(by), reason=reason)
    except StoreError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2)
    _recompute(store, done.get("incidents"))
    raw = {"masked": "masked in the original bytes", "replaced": "original bytes replaced by the redacted text",
           "unchanged": "not in the original bytes"}[done["raw"]]
    console.print(escape(f"redacted source {source.id}: {done['replaced']} occurrence(s) masked in "
                         f"{', '.join(done['fields']) or 'nothing'}; {raw}; audit log entry {done['review_id']}"))
    if done["reviews_mentioning"]:
        err.print(escape(f"warning: {done['reviews_mentioning']} earlier audit-log entr(ies) mention a redacted term; "
                         "the audit log is never rewritten"))


@app.command()
def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the copy (SQLite file, or pg_dump archive).")],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Copy the live store safely (SQLite's backup API; pg_dump on PostgreSQL)."""
    try:
        done = _store().backup(file, overwrite=force)
    except StoreError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2)
    console.print(escape(f"backed up {done['sources']} source(s) to {done['path']} ({done['bytes']:,} bytes, "
                         f"{done['method']})"))


if __name__ == "__main__":  # pragma: no cover
    app()
