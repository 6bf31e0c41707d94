"""Server-rendered pages over the same store, as a router of their own.

Every string from an article reaches the page through Jinja2's autoescaping, or through
``highlight`` which escapes each piece itself: nothing an article contains can run as
script. The map is inline SVG drawn from the incidents' coordinates, so it renders with
no network; the archived original is only ever served as plain text, to analysts.
Who may see or do what comes from ``sitroom.api.deps``, as for the API; every form that
posts carries a CSRF token (the session's, or before login the login form's own).
"""
from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Path as PathParam, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pydantic import TypeAdapter, ValidationError

from sitroom.api import deps
from sitroom.api.deps import Services, analyst, reader, reviewer, services
from sitroom.api.routes import Filters
from sitroom.api.schemas import FACT_REVIEW_IN, MAX_ID, FilterText, IncidentFilters, IncidentReviewIn
from sitroom.fuse import grading, picture, review, series
from sitroom.fuse.review import EVENT_TYPES, reviewed_facts
from sitroom.report.sitrep import svg_map, svg_series, svg_timeline
from sitroom.settings import Settings
from sitroom.store.db import User

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(["html"]))
STATIC = Path(__file__).parent / "static"
VENDOR_FILES = {  # what the page loads, from which package's folder
    "leaflet.js": "leaflet/dist/leaflet.js", "leaflet.css": "leaflet/dist/leaflet.css",
    "markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    "MarkerCluster.Default.css": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "topojson-client.js": "topojson-client/dist/topojson-client.min.js",
    "countries-110m.json": "world-atlas/countries-110m.json",
}
NUMERIC_FACT_FIELDS = {"figures": ("value", "low", "high"), "places": ("lat", "lon")}
CATEGORIES = ["killed", "injured", "displaced", "arrived", "evacuated", "missing", "detained", "population"]

router = APIRouter(include_in_schema=False)
read = [Depends(reader)]
SourceId = Annotated[int, PathParam(ge=1, le=MAX_ID)]


def vendor_dir(settings: Settings) -> Path | None:
    """The npm packages of the web app (``npm install`` at the repository root), if installed."""
    env = settings.web_assets
    for cand in ([Path(env)] if env else []) + [Path.cwd() / "node_modules",
                                                 Path(__file__).resolve().parents[3] / "node_modules"]:
        if (cand / "leaflet" / "dist" / "leaflet.js").exists():
            return cand
    return None


def highlight(text: str, spans: list[tuple[int, int, str]]) -> Markup:
    """``text`` with each (start, end, kind) span marked; every piece escaped."""
    out, pos = [], 0
    for start, end, kind in sorted(spans):
        if start < pos or end <= start:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark class="{html.escape(kind)}">{html.escape(text[start:end])}</mark>')
        pos = end
    out.append(html.escape(text[pos:]))
    return Markup("".join(out).replace("\n\n", "<br><br>"))


def render(request: Request, name: str, status: int = 200, **ctx) -> HTMLResponse:
    """A page, with the user and the CSRF token its forms carry."""
    if not hasattr(request.state, "user"):  # a page no dependency ran for (a 404): who is asking, all the same
        try:
            deps.current_user(request, request.app.state.services)
        except Exception:  # noqa: BLE001 - the page still renders, logged out
            request.state.user = None
    user: User | None = getattr(request.state, "user", None)
    new_cookie = None
    if user is not None and user.csrf:
        csrf = user.csrf
    else:
        csrf = request.cookies.get(deps.CSRF_COOKIE) or ""
        if len(csrf) < 32:
            csrf = new_cookie = deps.new_csrf()
    resp = HTMLResponse(TEMPLATES.get_template(name).render(user=user, csrf=csrf, **ctx), status_code=status)
    if new_cookie:
        settings: Settings = request.app.state.services.settings
        resp.set_cookie(deps.CSRF_COOKIE, new_cookie, httponly=True, samesite="strict", secure=settings.cookie_secure)
    return resp


ERROR_TITLES = {400: "Bad request", 401: "Log in first", 403: "Not allowed", 404: "Not found",
                413: "Too large", 422: "Not valid", 429: "Too many tries"}


def error_page(request: Request, status: int, message: str, headers: dict | None = None,
               problems: list[tuple[str, str]] | None = None) -> Response:
    resp = render(request, "error.html", status=status, code=status, message=message, problems=problems or [],
                  title=ERROR_TITLES.get(status, "Error"), path=request.url.path)
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def validation_page(request: Request, errors: list[dict]) -> Response:
    """A 422 page naming each field that is not valid and why, in words: for a page's
    address (a filter it does not know, a value it cannot read) or a form."""
    problems = []
    for e in errors:
        where = [str(p) for p in e.get("loc", ()) if p not in ("body", "query")]
        field = ".".join(where) or "the request"
        msg = str(e.get("msg", "")).removeprefix("Value error, ")
        if e.get("type") == "extra_forbidden":
            msg = "this page has no such filter"
        problems.append((field, msg))
    if request.method == "GET":
        said = "The address asks for something this page cannot show."
    else:
        said = "Not recorded: the form has a value that is not valid."
    return error_page(request, 422, said, problems=problems)


def _safe_next(path: str | None) -> str:
    """Only a path of this server: never //host, a scheme, a backslash or a character a
    browser would drop (a tab in "/\t/host" is "//host" to it)."""
    if (path and path.startswith("/") and not path.startswith("//") and len(path) < 2000
            and not any(c <= " " or c in "\\\x7f" for c in path)):
        return path
    return "/"


def _validation(exc: ValidationError) -> Exception:
    from fastapi.exceptions import RequestValidationError

    return RequestValidationError([{"type": e["type"], "loc": ("body",) + tuple(e["loc"]), "msg": e["msg"],
                                    "input": e.get("input")} for e in exc.errors(include_url=False)])


def _number(value: str) -> object:
    """A form's text as the number it spells (the schema then checks it), else as it is."""
    v = value.strip()
    try:
        return int(v)
    except ValueError:
        pass
    try:
        return float(v)
    except ValueError:
        return value


@router.get("/static/{name}")
def static(name: str):
    if name not in {p.name for p in STATIC.iterdir()}:
        raise HTTPException(404, "no such file")
    return FileResponse(STATIC / name)


@router.get("/vendor/{name}")
def vendored(name: str, svc: Services = Depends(services)):
    vendor = vendor_dir(svc.settings)
    if vendor is None or name not in VENDOR_FILES:
        raise HTTPException(404, "map assets are not installed (npm install at the repository root)")
    return FileResponse(vendor / VENDOR_FILES[name])


# ---------------------------------------------------------------- login

@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, failed: int = 0, next: str = "/",
               _: User | None = Depends(deps.current_user)) -> HTMLResponse:
    return render(request, "login.html", failed=failed, next=_safe_next(next))


@router.post("/login")
async def login_submit(request: Request, svc: Services = Depends(services)):
    f = await deps.form_fields(request)
    # login CSRF: the form's token must be the one this browser was given with the form
    if not deps._same(f.get(deps.CSRF_FIELD), request.cookies.get(deps.CSRF_COOKIE)):
        return error_page(request, 403, "The login form has expired or came from another site: reload it.")
    target = _safe_next(f.get("next"))
    try:
        token = deps.login(svc, request, f.get("name", "")[:100], f.get("password", "")[:1024])
    except HTTPException as exc:
        if exc.status_code == 429:
            return error_page(request, 429, exc.detail, exc.headers)
        return RedirectResponse("/login?" + urlencode({"failed": 1, "next": target}), status_code=303)
    resp = RedirectResponse(target, status_code=303)
    # HttpOnly; SameSite=Strict: no other site can send it; Secure where served over HTTPS
    resp.set_cookie(deps.SESSION_COOKIE, token, httponly=True, samesite="strict", secure=svc.settings.cookie_secure,
                    max_age=int(svc.settings.session_max_seconds))
    resp.delete_cookie(deps.CSRF_COOKIE)
    return resp


@router.post("/logout")
async def logout(request: Request, user: User | None = Depends(deps.current_user),
                 svc: Services = Depends(services)):
    """End the session (its token is refused from then on) and drop the cookie. With no
    valid session left (it expired) there is nothing to end: the cookie goes all the same."""
    if user is not None:
        await deps.writer(request, user)  # the form's CSRF token
        svc.store.logout(request.state.token)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(deps.SESSION_COOKIE)
    return resp


# ---------------------------------------------------------------- reviews

EDIT_FIELDS = ("label", "event_type", "sub_event_type", "place", "killed_low", "killed_best", "killed_high",
               "injured_low", "injured_best", "injured_high")


@router.post("/incidents/{incident_id}/review")
async def review_submit(incident_id: str, request: Request, who: User = Depends(reviewer),
                        svc: Services = Depends(services)):
    f = await deps.form_fields(request)
    action = f.get("action", "")
    data: dict = {}
    if action == "edit":
        for k in EDIT_FIELDS:
            v = f.get(k, "").strip()
            if v:
                data[k] = _number(v) if k.startswith(("killed", "injured")) else v
    elif action == "merge":
        data = {"into": f.get("into", "").strip()}
    elif action == "split":
        data = {"articles": [a.strip() for a in f.get("articles", "").split(",") if a.strip()]}
    elif action == "revert":
        data = {"review": _number(f.get("review", ""))}
    try:
        body = TypeAdapter(IncidentReviewIn).validate_python(
            {"action": action, "data": data, "note": f.get("note") or None})
    except ValidationError as exc:
        raise _validation(exc)
    r = deps.record_review(svc, who, incident_id, body)
    after = f"/incidents/{incident_id}"
    if action == "split":  # to the new incident, which links back to the one it came from
        child = (r.data.get("applied") or {}).get("child")
        after = f"/incidents/{child}" if child else after
    return RedirectResponse(after, status_code=303)


@router.post("/sources/{source_id}/review")
async def fact_review_submit(source_id: SourceId, request: Request, who: User = Depends(reviewer),
                             svc: Services = Depends(services)):
    f = await deps.form_fields(request)
    try:
        kind, start, end = f.get("fact", "::").split(":")
        start_i, end_i = int(start), int(end)
    except ValueError:
        return error_page(request, 422, "choose a fact to review")
    if kind not in FACT_REVIEW_IN:
        return error_page(request, 422, f"no kind of fact {kind!r}")
    data: dict = {}
    if f.get("action") == "edit" and f.get("field"):
        value = f.get("value", "")
        data = {f["field"]: _number(value) if f["field"] in NUMERIC_FACT_FIELDS.get(kind, ()) else value}
    try:
        body = TypeAdapter(FACT_REVIEW_IN[kind]).validate_python(
            {"action": f.get("action", ""), "data": data, "note": f.get("note") or None})
    except ValidationError as exc:
        raise _validation(exc)
    deps.record_fact_review(svc, who, source_id, kind, start_i, end_i, body)
    return RedirectResponse(f"/sources/{source_id}", status_code=303)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, _: User = Depends(analyst), svc: Services = Depends(services)) -> HTMLResponse:
    return render(request, "audit.html", reviews=list(reversed(deps.audit_log(svc))))


# ---------------------------------------------------------------- reading

def _collections(svc: Services) -> list[str]:
    return [c["name"] for c in svc.store.collections()]


LIST_FILTERS = {name for name, f in IncidentFilters.model_fields.items()
                if str(f.annotation).startswith(("list", "typing.List"))}


def page_filters(request: Request) -> IncidentFilters:
    """The page's query as the API's filters: the form's empty fields are no filter; an
    unknown parameter or a bad value is a 422 page (the app's handler)."""
    from fastapi.exceptions import RequestValidationError

    raw: dict[str, object] = {}
    for key in request.query_params.keys():
        values = [v for v in request.query_params.getlist(key) if v != ""]
        if values:
            raw[key] = values if key in LIST_FILTERS else values[-1]
    try:
        return IncidentFilters.model_validate(raw)
    except ValidationError as exc:
        raise RequestValidationError([{"type": e["type"], "loc": ("query", *e["loc"]), "msg": e["msg"],
                                       "input": e.get("input")} for e in exc.errors(include_url=False)])


@router.get("/", response_class=HTMLResponse, dependencies=read)
def index(request: Request, svc: Services = Depends(services)) -> HTMLResponse:
    flt = page_filters(request)
    pic = svc.views.picture(collection=flt.collection)
    found = Filters(flt).apply(svc)
    shown = type(pic)(sources=pic.sources, groups=pic.groups, incidents=found)
    outlets = sorted({s.meta.outlet for s in pic.sources.values() if s.meta.outlet})
    rows = [(i, grading.grade(i)) for i in found]
    link = lambda i: f"/incidents/{i.id}"  # noqa: E731
    query = urlencode(flt.query())
    first = lambda v: v[0] if v else None  # noqa: E731 - the form's selects show one value
    filters = {"event_type": first(flt.event_type), "since": flt.since, "until": flt.until, "q": flt.q,
               "grade": first(flt.grade), "outlet": first(flt.outlet), "actor": flt.actor,
               "place": first(flt.place), "collection": flt.collection}
    from sitroom.export import geo

    codes = {c: f"{geo.country(c).numeric:03d}" for c in {i.country for i in found if i.country} if geo.country(c)}
    downloads = [(fmt, f"/api/incidents.{fmt}" + (f"?{query}" if query else "")) for fmt in ("csv", "geojson", "parquet")]
    return render(request, "index.html", leaflet=vendor_dir(svc.settings) is not None,
                  map_src="/api/map.geojson" + (f"?{query}" if query else ""),
                  tiles=svc.settings.tiles, map=Markup(svg_map(shown, width=900, height=480, link=link)),
                  timeline=Markup(svg_timeline(shown, link=link)), rows=rows, event_types=EVENT_TYPES,
                  grades=grading.GRADES, outlets=outlets, f=filters, total=len(pic.incidents),
                  collections=_collections(svc), downloads=downloads, country_codes=json.dumps(codes))


@router.get("/incidents/{incident_id}", response_class=HTMLResponse, dependencies=read)
def incident_page(incident_id: str, request: Request, svc: Services = Depends(services)) -> Response:
    inc, asked = picture.find(svc.store, incident_id)
    if inc is None:
        raise HTTPException(404, f"no incident {incident_id}")
    if asked:  # merged into another: the survivor's page
        return RedirectResponse(f"/incidents/{inc.id}", status_code=303)
    mentions = []
    for m in inc.mentions:
        s = m.mention.sentence
        at = s.find(m.mention.trigger)
        spans = [(at, at + len(m.mention.trigger), "trigger")] if at >= 0 else []
        mentions.append((m, highlight(s, spans)))
    user = request.state.user
    rel = picture.related(svc.store, inc.id)
    history = []
    if user is not None and user.is_analyst:
        targets = {f"incident:{i}" for i in [inc.id, *rel["merged"]]}
        status = {r.id: r.status for r in deps.audit_log(svc)}
        history = [(r, status.get(r.id)) for r in svc.store.reviews() if r.target in targets
                   or (r.action == "split" and (r.data.get("applied") or {}).get("child") == inc.id)]
    return render(request, "incident.html", inc=inc, g=grading.grade(inc), mentions=mentions, history=history,
                  event_types=EVENT_TYPES, rel=rel)


@router.get("/review", response_class=HTMLResponse, dependencies=read)
def review_queue_page(request: Request, collection: FilterText | None = None,
                      svc: Services = Depends(services)) -> HTMLResponse:
    items = review.queue(svc.views.picture(collection=collection or None).incidents)
    return render(request, "queue.html", items=items, collection=collection, collections=_collections(svc))


@router.get("/sources/{source_id}", response_class=HTMLResponse, dependencies=read)
def source_page(source_id: SourceId, request: Request, svc: Services = Depends(services)) -> HTMLResponse:
    pic = svc.views.picture()
    s = pic.sources.get(source_id)
    if s is None:
        raise HTTPException(404, f"no source {source_id}")
    facts = reviewed_facts(svc.store, s) if s.status == "done" else None
    spans = []
    if facts:
        for kind in ("places", "dates", "figures", "quotes"):
            spans += [(f.start, f.end, kind) for f in getattr(facts, kind)]
    same_story = [o for sid, o in pic.sources.items() if sid != s.id and pic.groups.get(sid) == pic.groups.get(s.id)]
    choices = [(f"{kind}:{f.start}:{f.end}", f"{kind[:-1]} · {s.text[f.start:f.end][:60]}")
               for kind in ("figures", "places", "dates", "quotes") for f in (getattr(facts, kind) if facts else [])]
    return render(request, "source.html", s=s, text=highlight(s.text, spans), facts=facts, same_story=same_story,
                  choices=choices)


def comparison(svc: Services, collection: str | None = None):
    """How outlets differ, for the /compare page: computed once per state of the store
    (and at start-up, see ``api.app``), not on each request."""
    from sitroom.fuse.compare import compare

    def views_(pic):
        return compare(pic, [f for f in svc.store.all_facts("figures") if f.source_id in pic.sources])

    return svc.views.derived("compare", collection, views_)


@router.get("/compare", response_class=HTMLResponse, dependencies=read)
def compare_page(request: Request, collection: FilterText | None = None,
                 svc: Services = Depends(services)) -> HTMLResponse:
    return render(request, "compare.html", views_=comparison(svc, collection or None),
                  collection=collection,
                  collections=_collections(svc))


@router.get("/figures", response_class=HTMLResponse, dependencies=read)
def figures_page(request: Request, category: FilterText = "displaced", collection: FilterText | None = None,
                 svc: Services = Depends(services)) -> HTMLResponse:
    pic = svc.views.picture(collection=collection or None)
    figures = [f for f in svc.store.all_facts("figures") if f.source_id in pic.sources]
    ser = series.build(figures, pic.sources, category, pic.incident_of)
    return render(request, "figures.html", ser=ser, chart=Markup(svg_series(ser)), category=category,
                  categories=CATEGORIES, collection=collection, collections=_collections(svc))
