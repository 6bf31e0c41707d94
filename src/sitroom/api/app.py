"""The REST API (FastAPI, described by OpenAPI at /openapi.json) and the web pages.

Both read the store; the cross-source picture is built once per state of the store (its
fingerprint changes when sources are added or re-extracted) and reused between requests.
"""
from __future__ import annotations

import dataclasses
import threading
from datetime import date

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from sitroom.fuse import grading, picture, review, series
from sitroom.fuse.incidents import Incident
from sitroom.store.db import Store, StoreError, User

SESSION_COOKIE = "sitroom_session"


class SourceOut(BaseModel):
    id: int
    article: str
    origin: str
    sha256: str
    captured_at: str
    outlet: str | None
    title: str | None
    author: str | None
    url: str | None
    published: date | None
    first_published: date | None
    syndicated_from: str | None
    language: str | None
    status: str
    independence_group: str | None = None


class MentionOut(BaseModel):
    article: str
    source_id: int
    stance: str
    trigger: str
    sentence: str
    start: int
    end: int


class TollOut(BaseModel):
    article: str
    outlet: str | None
    published: date | None
    killed: int | None
    injured: int | None
    sentence: str


class IncidentOut(BaseModel):
    id: str
    event_type: str
    sub_event_type: str
    label: str
    date_start: date | None
    date_end: date | None
    date_precision: str
    place: str | None
    country: str | None
    lat: float | None
    lon: float | None
    geo_precision: str
    actors: list[str]
    killed_low: int | None
    killed_best: int | None
    killed_high: int | None
    injured_low: int | None
    injured_best: int | None
    injured_high: int | None
    grade: str
    grade_reason: str
    independent_sources: int
    articles: list[str]
    review: str | None = None
    mentions: list[MentionOut] | None = None
    toll_trail: list[TollOut] | None = None


class PointOut(BaseModel):
    as_of: date | None
    value: int
    qualifier: str
    party: str
    article: str
    stock: bool
    incident: str | None
    flags: list[str]
    sentence: str


class LoginIn(BaseModel):
    name: str
    password: str


class ReviewIn(BaseModel):
    action: str = Field(description="accept | edit | reject | merge | split")
    data: dict = Field(default_factory=dict, description='edit: fields; merge: {"into": ID}; split: {"articles": [...]}')
    note: str | None = None


class ReviewOut(BaseModel):
    id: int
    target: str
    action: str
    data: dict
    user_name: str
    at: str
    note: str | None


def current_user(store: Store, request: Request) -> User | None:
    token = request.cookies.get(SESSION_COOKIE)
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        token = auth[7:].strip()
    return store.user_for(token)


def record_review(views: "Views", user: User | None, incident_id: str, body: ReviewIn) -> ReviewOut:
    """The one way a review is made, from the API and from the pages."""
    if user is None:
        raise HTTPException(401, "log in to review")
    if not user.can_review:
        raise HTTPException(403, f"{user.name} is a {user.role}: viewers cannot change anything")
    if not any(i.id == incident_id for i in views.picture(everything=True).incidents):
        raise HTTPException(404, f"no incident {incident_id}")
    try:
        review.check(body.action, body.data)
    except ValueError as exc:
        raise HTTPException(422, str(exc))
    r = views.store.add_review(user, f"incident:{incident_id}", body.action, body.data, body.note)
    views.invalidate()
    return ReviewOut(id=r.id, target=r.target, action=r.action, data=r.data, user_name=r.user_name,
                     at=r.at.isoformat(), note=r.note)


def record_fact_review(views: "Views", user: User | None, source_id: int, kind: str, start: int, end: int,
                       body: ReviewIn) -> ReviewOut:
    """Accept, edit or reject one fact of a source (known by its span)."""
    if user is None:
        raise HTTPException(401, "log in to review")
    if not user.can_review:
        raise HTTPException(403, f"{user.name} is a {user.role}: viewers cannot change anything")
    try:
        review.check_fact(kind, body.action, body.data)
        source = views.store.get_source(source_id)
    except (ValueError, StoreError) as exc:
        raise HTTPException(422 if isinstance(exc, ValueError) else 404, str(exc))
    if not any(f.start == start and f.end == end for f in getattr(views.store.facts(source_id), kind)):
        raise HTTPException(404, f"source {source_id} has no {kind} fact at {start}-{end}")
    r = views.store.add_review(user, review.fact_target(source, kind, start, end), body.action, body.data, body.note)
    views.invalidate()
    return ReviewOut(id=r.id, target=r.target, action=r.action, data=r.data, user_name=r.user_name,
                     at=r.at.isoformat(), note=r.note)


class Views:
    """The store and its cached cross-source picture."""

    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._views: tuple[picture.Picture, picture.Picture] | None = None

    def picture(self, everything: bool = False) -> picture.Picture:
        """The picture (``everything``: with rejected incidents), built once per state of the
        store; the usual view is the full one less what analysts rejected."""
        key = self.store.fingerprint()
        with self._lock:
            if self._views is None or key != self._key:
                full = picture.build(self.store, include_rejected=True)
                kept = dataclasses.replace(full, incidents=[i for i in full.incidents if not i.rejected])
                self._views, self._key = (full, kept), key
            return self._views[0] if everything else self._views[1]

    def invalidate(self) -> None:
        with self._lock:
            self._views = None


def incident_out(inc: Incident, detail: bool = False) -> IncidentOut:
    g = grading.grade(inc)
    out = IncidentOut(
        id=inc.id, event_type=inc.event_type, sub_event_type=inc.sub_event_type, label=inc.label,
        date_start=inc.date_start, date_end=inc.date_end, date_precision=inc.date_precision, place=inc.place,
        country=inc.country, lat=inc.lat, lon=inc.lon, geo_precision=inc.geo_precision, actors=inc.actors,
        killed_low=inc.killed_low, killed_best=inc.killed_best, killed_high=inc.killed_high,
        injured_low=inc.injured_low, injured_best=inc.injured_best, injured_high=inc.injured_high,
        grade=g.grade, grade_reason=g.reason, independent_sources=g.independent_sources, articles=inc.articles,
        review=inc.review)
    if detail:
        out.mentions = [MentionOut(article=m.article, source_id=m.source_id, stance=m.mention.stance,
                                   trigger=m.mention.trigger, sentence=m.mention.sentence, start=m.mention.start,
                                   end=m.mention.end) for m in inc.mentions]
        out.toll_trail = [TollOut(**t.__dict__) for t in inc.toll_trail]
    return out


def filter_incidents(pic: picture.Picture, *, event_type: str | None = None, since: date | None = None,
                     until: date | None = None, q: str | None = None, grade: str | None = None,
                     outlet: str | None = None, place: str | None = None, actor: str | None = None,
                     store: Store | None = None) -> list[Incident]:
    """Incidents passing every given filter. ``q``: the words anywhere in a report of the
    incident (SQLite's FTS5 index when ``store`` has one), or in its label and place."""
    hits = store.search_sentences(q) if (q and store is not None) else None
    out = []
    for inc in pic.incidents:
        if event_type and inc.event_type != event_type:
            continue
        if since and (inc.date_end or inc.date_start or date.max) < since:
            continue
        if until and (inc.date_start or date.min) > until:
            continue
        if place and (inc.place or "").lower() != place.lower():
            continue
        if actor and not any(actor.lower() in a.lower() for a in inc.actors):
            continue
        if outlet and not any((m.outlet or "").lower() == outlet.lower() for m in inc.mentions):
            continue
        if grade and grading.grade(inc).grade != grade:
            continue
        if q:
            needle = q.lower()
            in_label = needle in f"{inc.label} {inc.place or ''}".lower()
            if hits is not None:
                found = in_label or any((m.source_id, m.mention.start) in hits for m in inc.mentions)
            else:
                found = in_label or any(needle in m.mention.sentence.lower() for m in inc.mentions)
            if not found:
                continue
        out.append(inc)
    return out


def source_out(pic: picture.Picture, sid: int) -> SourceOut:
    s = pic.sources.get(sid)
    if s is None:
        raise HTTPException(404, f"no source {sid}")
    m = s.meta
    return SourceOut(id=s.id, article=s.article_id, origin=s.origin, sha256=s.sha256,
                     captured_at=s.captured_at.isoformat(), outlet=m.outlet, title=m.title, author=m.author,
                     url=m.url, published=m.published, first_published=m.first_published,
                     syndicated_from=m.syndicated_from, language=m.language, status=s.status,
                     independence_group=pic.groups.get(s.id))


def create_app(db: str = "sitroom.db") -> FastAPI:
    from sitroom.web import pages

    try:
        store = Store(db)
    except Exception as exc:
        raise StoreError(f"cannot open store {db!r}: {exc}") from exc
    views = Views(store)
    # no Swagger/ReDoc pages: they load their assets from a CDN, and sitroom works offline;
    # the description itself is at /openapi.json
    app = FastAPI(title="sitroom", version="0.1.0", docs_url=None, redoc_url=None,
                  description="Sourced, reconciled, geolocated facts from crisis reporting.")

    @app.get("/api/sources", response_model=list[SourceOut], tags=["sources"])
    def list_sources() -> list[SourceOut]:
        pic = views.picture()
        return [source_out(pic, sid) for sid in sorted(pic.sources)]

    @app.get("/api/sources/{source_id}", response_model=SourceOut, tags=["sources"])
    def get_source(source_id: int) -> SourceOut:
        return source_out(views.picture(), source_id)

    @app.get("/api/sources/{source_id}/raw", response_class=PlainTextResponse, tags=["sources"],
             summary="The archived original, always as plain text (never rendered as HTML)")
    def get_raw(source_id: int) -> PlainTextResponse:
        try:
            s = store.get_source(source_id)
        except StoreError as exc:
            raise HTTPException(404, str(exc))
        return PlainTextResponse(s.raw.decode("utf-8", "replace"),
                                 headers={"Content-Disposition": f'attachment; filename="source-{source_id}.txt"',
                                          "X-Content-SHA256": s.sha256})

    @app.get("/api/incidents", response_model=list[IncidentOut], tags=["incidents"])
    def list_incidents(event_type: str | None = None, since: date | None = None, until: date | None = None,
                       q: str | None = Query(None, description="free text in labels, places and sentences"),
                       grade: str | None = None, outlet: str | None = None, place: str | None = None,
                       actor: str | None = None, limit: int = Query(1000, le=100_000), offset: int = 0) -> list[IncidentOut]:
        found = filter_incidents(views.picture(), event_type=event_type, since=since, until=until, q=q, grade=grade,
                                 outlet=outlet, place=place, actor=actor, store=store)
        return [incident_out(i) for i in found[offset:offset + limit]]

    @app.get("/api/incidents/{incident_id}", response_model=IncidentOut, tags=["incidents"])
    def get_incident(incident_id: str) -> IncidentOut:
        inc = next((i for i in views.picture(everything=True).incidents if i.id == incident_id), None)
        if inc is None:
            raise HTTPException(404, f"no incident {incident_id}")
        return incident_out(inc, detail=True)

    @app.get("/api/map.geojson", tags=["incidents"], summary="Located incidents as a GeoJSON FeatureCollection")
    def map_geojson(event_type: str | None = None, since: date | None = None, until: date | None = None,
                    q: str | None = None, grade: str | None = None, outlet: str | None = None,
                    place: str | None = None, actor: str | None = None) -> dict:
        found = filter_incidents(views.picture(), event_type=event_type, since=since, until=until, q=q, grade=grade,
                                 outlet=outlet, place=place, actor=actor, store=store)
        # plain dicts, the few properties a map draws: this endpoint returns thousands of features
        return {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [i.lon, i.lat]},
             "properties": {"id": i.id, "event_type": i.event_type, "sub_event_type": i.sub_event_type,
                            "label": i.label, "date_start": i.date_start.isoformat() if i.date_start else None,
                            "place": i.place, "killed_best": i.killed_best, "grade": grading.grade(i).grade}}
            for i in found if i.lat is not None]}

    @app.get("/api/figures/{category}", response_model=list[PointOut], tags=["figures"])
    def figure_series(category: str) -> list[PointOut]:
        pic = views.picture()
        ser = series.build(list(store.all_facts("figures")), pic.sources, category, pic.incident_of)
        return [PointOut(as_of=p.as_of, value=p.value, qualifier=p.qualifier, party=p.party, article=p.article,
                         stock=p.stock, incident=p.incident, flags=p.flags, sentence=p.sentence) for p in ser.points]

    def user(request: Request) -> User | None:
        return current_user(store, request)

    @app.post("/api/login", tags=["review"], summary="A session token for Authorization: Bearer")
    def login(body: LoginIn) -> dict:
        token = store.login(body.name, body.password)
        if token is None:
            raise HTTPException(401, "wrong name or password")
        return {"token": token}

    @app.post("/api/incidents/{incident_id}/review", response_model=ReviewOut, tags=["review"])
    def review_incident(incident_id: str, body: ReviewIn, who: User | None = Depends(user)) -> ReviewOut:
        return record_review(views, who, incident_id, body)

    @app.post("/api/sources/{source_id}/facts/{kind}/{start}/{end}/review", response_model=ReviewOut,
              tags=["review"], summary="Accept, edit or reject one extracted fact")
    def review_fact(source_id: int, kind: str, start: int, end: int, body: ReviewIn,
                    who: User | None = Depends(user)) -> ReviewOut:
        return record_fact_review(views, who, source_id, kind, start, end, body)

    @app.get("/api/audit", response_model=list[ReviewOut], tags=["review"], summary="Every review decision")
    def audit() -> list[ReviewOut]:
        return [ReviewOut(id=r.id, target=r.target, action=r.action, data=r.data, user_name=r.user_name,
                          at=r.at.isoformat(), note=r.note) for r in store.reviews()]

    pages.mount(app, views)
    return app
