"""Server-rendered pages over the API's views.

Every string from an article reaches the page through Jinja2's autoescaping, or through
``highlight`` which escapes each piece itself: nothing an article contains can run as
script. The map is inline SVG drawn from the incidents' coordinates, so it renders with
no network; the archived original is only ever served as plain text.
"""
from __future__ import annotations

import html
import os
from datetime import date
from pathlib import Path

from urllib.parse import parse_qs

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from sitroom.fuse import grading, series
from sitroom.fuse.review import reviewed_facts
from sitroom.report.sitrep import svg_map, svg_series, svg_timeline

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(["html"]))
EVENT_TYPES = ["Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
               "Strategic developments"]
# Scripts only from this server (our map and the map libraries it serves); none inline, none
# from an article. connect-src 'self' lets the map fetch the API; tiles only when configured.
CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"
STATIC = Path(__file__).parent / "static"


def vendor_dir() -> Path | None:
    """The npm packages of the web app (``npm install`` at the repository root), if installed."""
    env = os.environ.get("SITROOM_WEB_ASSETS")
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


def _page(name: str, status: int = 200, **ctx) -> HTMLResponse:
    return HTMLResponse(TEMPLATES.get_template(name).render(**ctx), status_code=status,
                        headers={"Content-Security-Policy": CSP})


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise HTTPException(400, f"not a YYYY-MM-DD date: {value!r}")


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[-1] for k, v in parse_qs(body).items()}


VENDOR_FILES = {  # what the page loads, from which package's folder
    "leaflet.js": "leaflet/dist/leaflet.js", "leaflet.css": "leaflet/dist/leaflet.css",
    "markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    "MarkerCluster.Default.css": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "topojson-client.js": "topojson-client/dist/topojson-client.min.js",
    "countries-110m.json": "world-atlas/countries-110m.json",
}


def mount(app: FastAPI, views) -> None:
    from fastapi.responses import FileResponse

    from sitroom.api.app import (SESSION_COOKIE, ReviewIn, current_user, filter_incidents, record_fact_review,
                                 record_review)

    vendor = vendor_dir()

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str):
        path = STATIC / name
        if name not in {p.name for p in STATIC.iterdir()}:
            raise HTTPException(404, "no such file")
        return FileResponse(path)

    @app.get("/vendor/{name}", include_in_schema=False)
    def vendored(name: str):
        if vendor is None or name not in VENDOR_FILES:
            raise HTTPException(404, "map assets are not installed (npm install at the repository root)")
        return FileResponse(vendor / VENDOR_FILES[name])

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, failed: int = 0) -> HTMLResponse:
        return _page("login.html", failed=failed, user=current_user(views.store, request))

    @app.post("/login", include_in_schema=False)
    async def login_submit(request: Request):
        f = await _form(request)
        token = views.store.login(f.get("name", ""), f.get("password", ""))
        if token is None:
            return RedirectResponse("/login?failed=1", status_code=303)
        resp = RedirectResponse("/", status_code=303)
        # SameSite=Strict: no other site can post a review with this cookie
        resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict")
        return resp

    @app.post("/logout", include_in_schema=False)
    def logout():
        resp = RedirectResponse("/", status_code=303)
        resp.delete_cookie(SESSION_COOKIE)
        return resp

    @app.post("/incidents/{incident_id}/review", include_in_schema=False)
    async def review_submit(incident_id: str, request: Request):
        f = await _form(request)
        action = f.get("action", "")
        data: dict = {}
        if action == "edit":
            for k in ("label", "killed_low", "killed_high", "injured_low", "injured_high", "event_type", "sub_event_type"):
                v = f.get(k, "").strip()
                if v:
                    data[k] = int(v) if k.startswith(("killed", "injured")) and v.isdigit() else v
        elif action == "merge":
            data = {"into": f.get("into", "").strip()}
        elif action == "split":
            data = {"articles": [a.strip() for a in f.get("articles", "").split(",") if a.strip()]}
        try:
            record_review(views, current_user(views.store, request), incident_id,
                          ReviewIn(action=action, data=data, note=f.get("note") or None))
        except HTTPException as exc:
            return _page("error.html", status=exc.status_code, code=exc.status_code, message=exc.detail)
        return RedirectResponse(f"/incidents/{incident_id}", status_code=303)

    @app.post("/sources/{source_id}/review", include_in_schema=False)
    async def fact_review_submit(source_id: int, request: Request):
        f = await _form(request)
        try:
            kind, start, end = f.get("fact", "::").split(":")
            start_i, end_i = int(start), int(end)
        except ValueError:
            return _page("error.html", status=422, code=422, message="choose a fact to review")
        action, data = f.get("action", ""), {}
        if action == "edit" and f.get("field"):
            value: object = f.get("value", "")
            if f["field"] in ("value", "low", "high"):
                value = int(value) if str(value).isdigit() else value
            elif f["field"] in ("lat", "lon"):
                try:
                    value = float(value)
                except ValueError:
                    pass
            data = {f["field"]: value}
        try:
            record_fact_review(views, current_user(views.store, request), source_id, kind, start_i, end_i,
                               ReviewIn(action=action, data=data, note=f.get("note") or None))
        except HTTPException as exc:
            return _page("error.html", status=exc.status_code, code=exc.status_code, message=exc.detail)
        return RedirectResponse(f"/sources/{source_id}", status_code=303)

    @app.get("/audit", response_class=HTMLResponse, include_in_schema=False)
    def audit_page() -> HTMLResponse:
        return _page("audit.html", reviews=list(reversed(views.store.reviews())))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request, event_type: str | None = None, since: str | None = None, until: str | None = None,
              q: str | None = None, grade: str | None = None, outlet: str | None = None,
              actor: str | None = None, place: str | None = None) -> HTMLResponse:
        pic = views.picture()
        found = filter_incidents(pic, event_type=event_type or None, since=_date(since), until=_date(until),
                                 q=q or None, grade=grade or None, outlet=outlet or None, actor=actor or None,
                                 place=place or None, store=views.store)
        shown = type(pic)(sources=pic.sources, groups=pic.groups, incidents=found)
        outlets = sorted({s.meta.outlet for s in pic.sources.values() if s.meta.outlet})
        rows = [(i, grading.grade(i)) for i in found]
        link = lambda i: f"/incidents/{i.id}"  # noqa: E731
        from urllib.parse import urlencode

        filters = {"event_type": event_type, "since": since, "until": until, "q": q, "grade": grade,
                   "outlet": outlet, "actor": actor, "place": place}
        api = "/api/map.geojson?" + urlencode({k: v for k, v in filters.items() if v})
        return _page("index.html", leaflet=vendor is not None, map_src=api,
                     tiles=os.environ.get("SITROOM_TILES", ""),
                     map=Markup(svg_map(shown, width=900, height=480, link=link)),
                     timeline=Markup(svg_timeline(shown, link=link)), rows=rows, event_types=EVENT_TYPES,
                     grades=grading.GRADES, outlets=outlets, f=filters,
                     total=len(pic.incidents))

    @app.get("/incidents/{incident_id}", response_class=HTMLResponse, include_in_schema=False)
    def incident_page(incident_id: str, request: Request) -> HTMLResponse:
        pic = views.picture(everything=True)
        inc = next((i for i in pic.incidents if i.id == incident_id), None)
        if inc is None:
            raise HTTPException(404, f"no incident {incident_id}")
        mentions = []
        for m in inc.mentions:
            s = m.mention.sentence
            at = s.find(m.mention.trigger)
            spans = [(at, at + len(m.mention.trigger), "trigger")] if at >= 0 else []
            mentions.append((m, highlight(s, spans)))
        return _page("incident.html", inc=inc, g=grading.grade(inc), mentions=mentions,
                     user=current_user(views.store, request), history=views.store.reviews(f"incident:{inc.id}"),
                     event_types=EVENT_TYPES)

    @app.get("/sources/{source_id}", response_class=HTMLResponse, include_in_schema=False)
    def source_page(source_id: int, request: Request) -> HTMLResponse:
        pic = views.picture()
        s = pic.sources.get(source_id)
        if s is None:
            raise HTTPException(404, f"no source {source_id}")
        facts = reviewed_facts(views.store, s) if s.status == "done" else None
        spans = []
        if facts:
            for kind in ("places", "dates", "figures", "quotes"):
                spans += [(f.start, f.end, kind) for f in getattr(facts, kind)]
        same_story = [o for sid, o in pic.sources.items() if sid != s.id and pic.groups.get(sid) == pic.groups.get(s.id)]
        choices = [(f"{kind}:{f.start}:{f.end}", f"{kind[:-1]} · {s.text[f.start:f.end][:60]}")
                   for kind in ("figures", "places", "dates", "quotes") for f in (getattr(facts, kind) if facts else [])]
        return _page("source.html", s=s, text=highlight(s.text, spans), facts=facts, same_story=same_story,
                     user=current_user(views.store, request), choices=choices)

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page() -> HTMLResponse:
        from sitroom.fuse.compare import compare

        pic = views.picture()
        return _page("compare.html", views_=compare(pic, list(views.store.all_facts("figures"))))

    @app.get("/figures", response_class=HTMLResponse, include_in_schema=False)
    def figures_page(category: str = "displaced") -> HTMLResponse:
        pic = views.picture()
        ser = series.build(list(views.store.all_facts("figures")), pic.sources, category, pic.incident_of)
        return _page("figures.html", ser=ser, chart=Markup(svg_series(ser)), category=category,
                     categories=["killed", "injured", "displaced", "arrived", "evacuated", "missing", "detained",
                                 "population"])
