"""The REST API under /api: each route declares what it needs (``deps``) and every answer
it may give (the OpenAPI description at /openapi.json)."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from sitroom.api import deps
from sitroom.api.deps import Services, analyst, error_responses, reader, reviewer, services, writer
from sitroom.api.schemas import (FACT_REVIEW_IN, MAX_ID, Category, CollectionName, CollectionOut, FeatureCollection,
                                 FilterText, IncidentOut, IncidentReviewIn, IsoDate, LoggedOut, LoginIn, MentionOut,
                                 PointOut, QueueItemOut, ReviewOut, SearchText, SourceOut, TokenOut, TollOut)
from sitroom.fuse import grading, picture, review, series
from sitroom.fuse.incidents import Incident
from sitroom.store.db import Store, StoreError, User

router = APIRouter(prefix="/api")
read = [Depends(reader)]

SourceId = Annotated[int, Path(ge=1, le=MAX_ID, description="a source's id")]
IncidentId = Annotated[str, Path(max_length=64, description="an incident's id")]
Offset = Annotated[int, Path(ge=0, le=2**31 - 1)]
Collection = Annotated[CollectionName | None, Query(description="only this collection (a store may hold several crises)")]


def incident_out(inc: Incident, detail: bool = False) -> IncidentOut:
    g = grading.grade(inc)
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    out = IncidentOut(
        id=inc.id, collection=getattr(inc, "collection", "default"), event_type=inc.event_type,
        sub_event_type=inc.sub_event_type, label=inc.label, date_start=inc.date_start, date_end=inc.date_end,
        date_known=inc.date_start is not None,
        date_precision=inc.date_precision if inc.date_start is not None else "unknown", place=inc.place,
        country=inc.country, lat=inc.lat, lon=inc.lon, geo_precision=inc.geo_precision, actors=inc.actors,
        killed_low=inc.killed_low, killed_best=inc.killed_best, killed_high=inc.killed_high,
        injured_low=inc.injured_low, injured_best=inc.injured_best, injured_high=inc.injured_high,
        grade=g.grade, grade_reason=g.reason, independent_sources=g.independent_sources, articles=inc.articles,
        review=inc.review, needs_review=bool(getattr(inc, "needs_review", False)),
        review_reason=getattr(inc, "review_reason", None), confidence=getattr(inc, "confidence", 1.0),
        edits=getattr(inc, "edits", {}) or {}, parent_id=getattr(inc, "parent_id", None),
        split_from=getattr(inc, "split_from", None), status=getattr(inc, "status", "active"),
        merged_into=getattr(inc, "merged_into", None), created_at=iso(getattr(inc, "created_at", None)),
        updated_at=iso(getattr(inc, "updated_at", None)), method=getattr(inc, "method", None))
    if detail:
        out.mentions = [MentionOut(article=m.article, source_id=m.source_id, stance=m.mention.stance,
                                   trigger=m.mention.trigger, sentence=m.mention.sentence, start=m.mention.start,
                                   end=m.mention.end) for m in inc.mentions]
        names = set(TollOut.model_fields)
        out.toll_trail = [TollOut(**{k: v for k, v in t.__dict__.items() if k in names}) for t in inc.toll_trail]
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
        # an undated incident is matched by no date filter (its date is unknown, not any)
        if (since or until) and inc.date_start is None:
            continue
        if since and (inc.date_end or inc.date_start) < since:
            continue
        if until and inc.date_start > until:
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


class Filters:
    """The incident filters shared by the list and the map."""

    def __init__(self, event_type: Annotated[FilterText | None, Query()] = None,
                 since: Annotated[IsoDate | None, Query(description="YYYY-MM-DD")] = None,
                 until: Annotated[IsoDate | None, Query(description="YYYY-MM-DD")] = None,
                 q: Annotated[SearchText | None, Query(description="free text in labels, places and sentences")] = None,
                 grade: Annotated[FilterText | None, Query()] = None,
                 outlet: Annotated[FilterText | None, Query()] = None,
                 place: Annotated[FilterText | None, Query()] = None,
                 actor: Annotated[FilterText | None, Query()] = None,
                 collection: Collection = None):
        self.kw = dict(event_type=event_type, since=since, until=until, q=q, grade=grade, outlet=outlet, place=place,
                       actor=actor)
        self.collection = collection

    def apply(self, svc: Services) -> list[Incident]:
        return filter_incidents(svc.views.picture(collection=self.collection), store=svc.store, **self.kw)


@router.get("/collections", response_model=list[CollectionOut], tags=["sources"], dependencies=read,
            summary="The collections of the store (one crisis each) with their sources and incidents",
            responses=error_responses(401))
def list_collections(svc: Services = Depends(services)) -> list[CollectionOut]:
    return [CollectionOut(**c) for c in svc.store.collections()]


@router.get("/sources", response_model=list[SourceOut], tags=["sources"], dependencies=read,
            responses=error_responses(401))
def list_sources(collection: Collection = None, svc: Services = Depends(services)) -> list[SourceOut]:
    pic = svc.views.picture(collection=collection)
    return [source_out(pic, sid) for sid in sorted(pic.sources)]


@router.get("/sources/{source_id}", response_model=SourceOut, tags=["sources"], dependencies=read,
            responses=error_responses(401, 404))
def get_source(source_id: SourceId, svc: Services = Depends(services)) -> SourceOut:
    pic = svc.views.picture()
    if source_id not in pic.sources:
        raise HTTPException(404, f"no source {source_id}")
    return source_out(pic, source_id)


@router.get("/sources/{source_id}/raw", response_class=PlainTextResponse, tags=["sources"],
            summary="The archived original, always as plain text (never rendered as HTML); analysts only",
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                             "headers": {"X-Content-SHA256": {"schema": {"type": "string"}}}},
                       **error_responses(401, 403, 404)})
def get_raw(source_id: SourceId, svc: Services = Depends(services), _: User = Depends(analyst)) -> PlainTextResponse:
    try:
        s = svc.store.get_source(source_id)
    except StoreError as exc:
        raise HTTPException(404, str(exc))
    return PlainTextResponse(s.raw.decode("utf-8", "replace"),
                             headers={"Content-Disposition": f'attachment; filename="source-{source_id}.txt"',
                                      "X-Content-SHA256": s.sha256})


@router.get("/incidents", response_model=list[IncidentOut], tags=["incidents"], dependencies=read,
            responses=error_responses(401))
def list_incidents(filters: Filters = Depends(), limit: int = Query(1000, ge=0, le=100_000),
                   offset: int = Query(0, ge=0, le=2**31 - 1),
                   svc: Services = Depends(services)) -> list[IncidentOut]:
    return [incident_out(i) for i in filters.apply(svc)[offset:offset + limit]]


@router.get("/incidents/{incident_id}", response_model=IncidentOut, tags=["incidents"], dependencies=read,
            responses=error_responses(401, 404))
def get_incident(incident_id: IncidentId, svc: Services = Depends(services)) -> IncidentOut:
    """One incident, whatever its state; the id of an incident merged into another gives
    the survivor (with ``asked_as`` saying so)."""
    inc, asked = picture.find(svc.store, incident_id)
    if inc is None:
        raise HTTPException(404, f"no incident {incident_id}")
    out = incident_out(inc, detail=True)
    rel = picture.related(svc.store, inc.id)
    out.asked_as, out.parts, out.split_into, out.merged = asked, rel["parts"], rel["split_into"], rel["merged"]
    return out


@router.get("/review-queue", response_model=list[QueueItemOut], tags=["review"], dependencies=read,
            summary="Incidents to review, the most uncertain first: flagged for review, low-confidence merges, "
                    "contested, single sources, undated",
            responses=error_responses(401))
def review_queue(collection: Collection = None, limit: int = Query(200, ge=0, le=10_000),
                 svc: Services = Depends(services)) -> list[QueueItemOut]:
    items = review.queue(svc.views.picture(collection=collection).incidents)[:limit]
    return [QueueItemOut(incident=incident_out(inc), reasons=reasons) for inc, reasons in items]


@router.get("/map.geojson", tags=["incidents"], summary="Located incidents as a GeoJSON FeatureCollection",
            response_model=FeatureCollection, dependencies=read, responses=error_responses(401))
def map_geojson(filters: Filters = Depends(), svc: Services = Depends(services)) -> JSONResponse:
    # plain dicts, the few properties a map draws, sent as they are (described by the model,
    # not validated against it): this endpoint returns thousands of features
    return JSONResponse({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [i.lon, i.lat]},
         "properties": {"id": i.id, "event_type": i.event_type, "sub_event_type": i.sub_event_type,
                        "label": i.label, "date_start": i.date_start.isoformat() if i.date_start else None,
                        "place": i.place, "killed_best": i.killed_best, "grade": grading.grade(i).grade}}
        for i in filters.apply(svc) if i.lat is not None and i.lon is not None]})


@router.get("/figures/{category}", response_model=list[PointOut], tags=["figures"], dependencies=read,
            responses=error_responses(401))
def figure_series(category: Category, collection: Collection = None,
                  svc: Services = Depends(services)) -> list[PointOut]:
    pic = svc.views.picture(collection=collection)
    figures = [f for f in svc.store.all_facts("figures") if f.source_id in pic.sources]
    ser = series.build(figures, pic.sources, category, pic.incident_of)
    return [PointOut(as_of=p.as_of, value=p.value, qualifier=p.qualifier, party=p.party, article=p.article,
                     stock=p.stock, incident=p.incident, flags=p.flags, sentence=p.sentence) for p in ser.points]


@router.post("/login", tags=["review"], response_model=TokenOut,
             summary="A session token for Authorization: Bearer (12 h idle, 7 days at most)",
             responses=error_responses(400, 401, 403, 413, 429))
def login(body: LoginIn, request: Request, svc: Services = Depends(services)) -> TokenOut:
    return TokenOut(token=deps.login(svc, request, body.name, body.password))


@router.post("/logout", tags=["review"], response_model=LoggedOut,
             summary="End the session of this token (or cookie): it is refused from then on",
             responses=error_responses(400, 401, 403, 413))
def logout(request: Request, response: Response, user: User = Depends(writer),
           svc: Services = Depends(services)) -> LoggedOut:
    if user.scope is not None:
        raise HTTPException(400, "an API key does not log out: revoke it with `sitroom users key --revoke`")
    svc.store.logout(request.state.token)
    response.delete_cookie(deps.SESSION_COOKIE)
    return LoggedOut(logged_out=True)


@router.post("/incidents/{incident_id}/review", response_model=ReviewOut, tags=["review"],
             summary="Accept, edit, reject, merge, split an incident, or revert a decision on it",
             responses=error_responses(400, 401, 403, 404, 409, 413))
def review_incident(incident_id: IncidentId, body: Annotated[IncidentReviewIn, Body()],
                    who: User = Depends(reviewer), svc: Services = Depends(services)) -> ReviewOut:
    return deps.record_review(svc, who, incident_id, body)


def _fact_route(kind: str) -> None:
    body_type = FACT_REVIEW_IN[kind]

    def review_fact(source_id: SourceId, start: Offset, end: Offset, body: Annotated[body_type, Body()],
                    who: User = Depends(reviewer), svc: Services = Depends(services)) -> ReviewOut:
        return deps.record_fact_review(svc, who, source_id, kind, start, end, body)

    review_fact.__annotations__["body"] = Annotated[body_type, Body()]  # this kind's body, not a name to look up

    router.add_api_route(f"/sources/{{source_id}}/facts/{kind}/{{start}}/{{end}}/review", review_fact,
                         methods=["POST"], response_model=ReviewOut, tags=["review"],
                         name=f"review_{kind}", operation_id=f"review_fact_{kind}",
                         summary=f"Accept, edit or reject one extracted fact of {kind} (known by its span)",
                         responses=error_responses(400, 401, 403, 404, 409, 413))


for _kind in FACT_REVIEW_IN:
    _fact_route(_kind)


@router.get("/audit", response_model=list[ReviewOut], tags=["review"],
            summary="Every review decision, with whether it still applies; analysts only",
            responses=error_responses(401, 403))
def audit(target: Annotated[FilterText | None, Query(description="only decisions on this target, e.g. incident:ID")] = None,
          _: User = Depends(analyst), svc: Services = Depends(services)) -> list[ReviewOut]:
    return deps.audit_log(svc, target)
