"""The REST API under /api: each route declares what it needs (``deps``) and every answer
it may give (the OpenAPI description at /openapi.json)."""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, BeforeValidator

from sitroom.api import deps
from sitroom.api.deps import Services, analyst, current_user, error_responses, reader, reviewer, services, writer
from sitroom.api.schemas import (FACT_REVIEW_IN, MAX_ID, PAGE_HEADERS, Category, CollectionName, CollectionOnly,
                                 CollectionOut, FeatureCollection, FilterText, IncidentFilters, IncidentOut,
                                 IncidentReviewIn, IsoDate, LoggedOut, LoginIn, MentionOut, Page, PagedFilters,
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


def _any(value: str | list[str] | tuple | None) -> set[str]:
    """A filter's values, lower-cased (one value or several, meaning any of them)."""
    if not value:
        return set()
    return {v.lower() for v in ([value] if isinstance(value, str) else value) if v}


def filter_incidents(pic: picture.Picture, *, event_type: str | list[str] | None = None, since: date | None = None,
                     until: date | None = None, q: str | None = None, grade: str | list[str] | None = None,
                     outlet: str | list[str] | None = None, place: str | list[str] | None = None,
                     actor: str | None = None, country: list[str] | None = None, admin1: list[str] | None = None,
                     bbox: tuple[float, float, float, float] | None = None, updated_since: datetime | None = None,
                     store: Store | None = None) -> list[Incident]:
    """Incidents passing every given filter (a list: any of its values). ``q``: the words
    anywhere in a report of the incident (SQLite's FTS5 index when ``store`` has one), or
    in its label and place; ``country``: ISO2 codes; ``bbox``: (min_lon, min_lat,
    max_lon, max_lat), across the antimeridian when min_lon > max_lon."""
    from sitroom.export import geo

    if since and until and since > until:
        return []
    hits = store.search_sentences(q) if (q and store is not None) else None
    types, grades, outlets, places = _any(event_type), _any(grade), _any(outlet), _any(place)
    countries, admins = _any(country), _any(admin1)
    if not (types or grades or outlets or places or countries or admins or since or until or q or actor
            or bbox is not None or updated_since is not None):
        return list(pic.incidents)
    out = []
    for inc in pic.dated_between(since, until):
        if types and inc.event_type.lower() not in types:
            continue
        if countries and (inc.country or "").lower() not in countries:
            continue
        if bbox is not None:
            w, s, e, n = bbox
            if inc.lat is None or inc.lon is None or not s <= inc.lat <= n:
                continue
            if not (w <= inc.lon <= e if w <= e else (inc.lon >= w or inc.lon <= e)):
                continue
        if updated_since is not None:
            at = getattr(inc, "updated_at", None)
            if at is None or at < updated_since:
                continue
        if admins and geo.admin1(inc.country, inc.lat, inc.lon).lower() not in admins:
            continue
        # an undated incident is matched by no date filter (its date is unknown, not any)
        if (since or until) and inc.date_start is None:
            continue
        if since and (inc.date_end or inc.date_start) < since:
            continue
        if until and inc.date_start > until:
            continue
        if places and (inc.place or "").lower() not in places:
            continue
        if actor and not any(actor.lower() in a.lower() for a in inc.actors):
            continue
        if outlets and not any((m.outlet or "").lower() in outlets for m in inc.mentions):
            continue
        if grades and grading.grade(inc).grade.lower() not in grades:
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
    """The incident filters shared by the list, the map, the downloads and the page
    (``schemas.IncidentFilters``: unknown parameters and bad values are a 422)."""

    def __init__(self, f: IncidentFilters):
        self.f = f
        self.collection = f.collection
        self.kw = dict(event_type=f.event_type, since=f.since, until=f.until, q=f.q, grade=f.grade,
                       outlet=f.outlet, place=f.place, actor=f.actor, country=f.country, admin1=f.admin1,
                       bbox=f.box(), updated_since=f.updated_since)

    def apply(self, svc: Services) -> list[Incident]:
        return filter_incidents(svc.views.picture(collection=self.collection), store=svc.store, **self.kw)


def filters(f: Annotated[IncidentFilters, Query()]) -> Filters:
    return Filters(f)


def paged(request: Request, response: Response, items: list, offset: int, limit: int) -> list:
    """One page of ``items``, with the total (X-Total-Count) and the next page (Link)."""
    response.headers["X-Total-Count"] = str(len(items))
    if offset + limit < len(items) and limit > 0:
        nxt = request.url.include_query_params(offset=offset + limit, limit=limit)
        response.headers["Link"] = f'<{nxt}>; rel="next"'
    return items[offset:offset + limit]


@router.get("/collections", response_model=list[CollectionOut], tags=["sources"], dependencies=read,
            summary="The collections of the store (one crisis each) with their sources and incidents",
            responses=error_responses(401))
def list_collections(svc: Services = Depends(services)) -> list[CollectionOut]:
    return [CollectionOut(**c) for c in svc.store.collections()]


@router.get("/sources", response_model=list[SourceOut], tags=["sources"], dependencies=read,
            summary="The archived sources, by id (a page of them: offset, limit; the total in X-Total-Count)",
            responses={200: {"headers": PAGE_HEADERS}, **error_responses(401)})
def list_sources(request: Request, response: Response, page: Annotated[Page, Query()],
                 svc: Services = Depends(services)) -> list[SourceOut]:
    pic = svc.views.picture(collection=page.collection)
    ids = paged(request, response, sorted(pic.sources), page.offset, page.limit)
    return [source_out(pic, sid) for sid in ids]


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
            summary="The incidents passing the filters (a repeated filter: any of its values), a page at a time: "
                    "offset, limit (default 100, at most 1,000); the total in X-Total-Count, the next page in Link",
            responses={200: {"headers": PAGE_HEADERS}, **error_responses(401)})
def list_incidents(request: Request, response: Response, f: Annotated[PagedFilters, Query()],
                   svc: Services = Depends(services)) -> list[IncidentOut]:
    return [incident_out(i) for i in paged(request, response, Filters(f).apply(svc), f.offset, f.limit)]


def _download(name: str, summary: str, media_type: str, schema: dict[str, Any]):
    def register(fn):
        return router.get(f"/incidents.{name}", tags=["incidents"], dependencies=read, response_class=Response,
                          summary=summary, operation_id=f"download_incidents_{name}",
                          responses={200: {"content": {media_type: {"schema": schema}},
                                           "headers": {"Content-Disposition": {"schema": {"type": "string"}}}},
                                     **error_responses(401)})(fn)
    return register


def _attachment(body: bytes | str, media_type: str, name: str) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@_download("csv", "The filtered incidents as CSV (the columns of `sitroom export --format csv --kind incidents`)",
           "text/csv", {"type": "string"})
def download_csv(f: Annotated[IncidentFilters, Query()], svc: Services = Depends(services)) -> Response:
    import csv
    import io

    from sitroom.export import tables

    cols = tables.columns("incidents")
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(cols)
    for inc in Filters(f).apply(svc):
        row = tables.incident_row(inc)
        w.writerow([tables.text(row.get(c)) for c in cols])
    return _attachment(buf.getvalue(), "text/csv; charset=utf-8", "incidents.csv")


@_download("geojson", "The filtered incidents that have a location, as GeoJSON (RFC 7946; the properties of "
                      "`sitroom export --format geojson`)", "application/geo+json",
           {"$ref": "#/components/schemas/FeatureCollection"})
def download_geojson(f: Annotated[IncidentFilters, Query()], svc: Services = Depends(services)) -> Response:
    import json

    from sitroom.export import geojson

    fc = {"type": "FeatureCollection", "features": geojson.features(Filters(f).apply(svc))}
    return _attachment(json.dumps(fc, ensure_ascii=False), geojson.MEDIA_TYPE, "incidents.geojson")


@_download("parquet", "The filtered incidents as one Parquet file (the incidents table of "
                      "`sitroom export --format parquet`); needs pyarrow on the server, else 501",
           "application/vnd.apache.parquet", {"type": "string", "format": "binary"})
def download_parquet(f: Annotated[IncidentFilters, Query()], svc: Services = Depends(services)) -> Response:
    import io

    from sitroom.export import parquet, tables

    try:
        pa = parquet._pyarrow()
    except parquet.MissingDependency as exc:
        raise HTTPException(501, str(exc))
    import pyarrow.parquet as pq

    cols = tables.columns("incidents")
    rows = [{c: r.get(c) for c in cols} for r in map(tables.incident_row, Filters(f).apply(svc))]
    table = pa.Table.from_pylist(rows) if rows else pa.table({c: pa.array([], pa.string()) for c in cols})
    buf = io.BytesIO()
    pq.write_table(table.replace_schema_metadata({"generator": "sitroom", "table": "incidents"}), buf)
    return _attachment(buf.getvalue(), "application/vnd.apache.parquet", "incidents.parquet")


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
            responses={200: {"headers": PAGE_HEADERS}, **error_responses(401)})
def review_queue(request: Request, response: Response, page: Annotated[Page, Query()],
                 svc: Services = Depends(services)) -> list[QueueItemOut]:
    items = paged(request, response, review.queue(svc.views.picture(collection=page.collection).incidents),
                  page.offset, page.limit)
    return [QueueItemOut(incident=incident_out(inc), reasons=reasons) for inc, reasons in items]


class GeoJSONResponse(JSONResponse):
    media_type = "application/geo+json"  # RFC 7946

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else super().render(content)


def _feature(i: Incident) -> bytes:
    """An incident's map feature, serialised as JSONResponse writes it."""
    return json.dumps(
        {"type": "Feature", "id": i.id, "geometry": {"type": "Point", "coordinates": [i.lon, i.lat]},
         "properties": {"id": i.id, "event_type": i.event_type, "sub_event_type": i.sub_event_type,
                        "label": i.label, "date_start": i.date_start.isoformat() if i.date_start else None,
                        "date_end": i.date_end.isoformat() if i.date_end else None,
                        "date_precision": i.date_precision if i.date_start else "unknown",
                        "place": i.place, "country": i.country, "geo_precision": i.geo_precision,
                        "killed_best": i.killed_best, "grade": grading.grade(i).grade}},
        ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode("utf-8")


def _features(svc: Services, collection: str | None) -> dict[str, bytes]:
    """Each located incident's map feature, serialised once per picture of the store."""
    return svc.views.derived("map_features", collection, lambda pic: {
        i.id: _feature(i) for i in pic.incidents if i.lat is not None and i.lon is not None})


def warm(svc: Services) -> None:
    """Build what the reads keep per state of the store (the picture, its date index and
    its map features) so that the first request is no slower than the others."""
    svc.views.picture().dated_between(date.today(), None)
    _features(svc, None)


@router.get("/map.geojson", tags=["incidents"], summary="Located incidents as a GeoJSON FeatureCollection",
            response_model=FeatureCollection, response_class=GeoJSONResponse, dependencies=read,
            responses=error_responses(401))
def map_geojson(filters: Filters = Depends(filters), svc: Services = Depends(services)) -> JSONResponse:
    # the few properties a map draws, sent as they are (described by the model, not
    # validated against it): this endpoint returns thousands of features
    features = _features(svc, filters.collection)
    parts = [features[i.id] for i in filters.apply(svc) if i.id in features]
    return GeoJSONResponse(b'{"type":"FeatureCollection","features":[' + b",".join(parts) + b"]}")


@router.get("/figures/{category}", response_model=list[PointOut], tags=["figures"], dependencies=read,
            responses=error_responses(401))
def figure_series(category: Category, only: Annotated[CollectionOnly, Query()],
                  svc: Services = Depends(services)) -> list[PointOut]:
    pic = svc.views.picture(collection=only.collection)
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


# ---------------------------------------------------------------- service: health, what changed (docs/watch.md)

def _iso_time(value: object) -> object:
    """Only an ISO 8601 date and time (pydantic alone would also take 0.5 as a Unix time)."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", value):
        raise ValueError("a time is written YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]")
    return value


IsoTime = Annotated[datetime, BeforeValidator(_iso_time)]


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: str
    schema_version: int
    sources: int
    pending: int
    last_change: str | None = None


class ChangedIncidents(BaseModel):
    opened: list[str]
    updated: list[str]


class ChangesOut(BaseModel):
    since: str | None
    until: str
    changes: list[dict[str, Any]]
    incidents: ChangedIncidents


@router.get("/health", response_model=HealthOut, tags=["service"],
            summary="Whether the service and its store answer (no login needed)",
            responses={503: {"description": "The store does not answer",
                             "content": {"application/json": {"schema": {"type": "object", "properties": {
                                 "detail": {"type": "string"}}, "required": ["detail"]}}}}})
def health(svc: Services = Depends(services)) -> HealthOut:
    from sitroom import __version__

    try:
        h = svc.store.health()
    except Exception as exc:  # noqa: BLE001 - the answer says the store is down, with why
        raise HTTPException(503, f"the store does not answer ({exc.__class__.__name__})") from None
    last = h["last_change"]
    return HealthOut(status="ok", version=__version__, schema_version=h["schema"], sources=h["sources"],
                     pending=h["pending"], last_change=last.isoformat() + "Z" if last else None)


@router.get("/changes", response_model=ChangesOut, tags=["service"], dependencies=read,
            summary="What changed since a time: the changes live monitoring notified, and the incidents opened "
                    "or updated (without since: since the logged-in user's last look, else the last 24 hours)",
            responses=error_responses(401))
def changes(since: Annotated[IsoTime | None, Query(description="ISO 8601 time (UTC unless it says otherwise)")] = None,
            user: User | None = Depends(current_user), svc: Services = Depends(services)) -> ChangesOut:
    from datetime import timedelta, timezone

    from sqlalchemy import select

    from sitroom.store.schema import incidents as incident_table

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    if since is not None and since.tzinfo is not None:
        since = since.astimezone(timezone.utc).replace(tzinfo=None)
    if since is None and user is not None:
        since = svc.store.changes_seen(user.id, at=now)
    elif user is not None:
        svc.store.changes_seen(user.id, at=now)
    if since is None:
        since = now - timedelta(hours=24)
    t = incident_table.c

    def changed(conn):
        rows = conn.execute(select(t.id, t.created_at).where(t.updated_at > since, t.status == "active")
                            .order_by(t.updated_at, t.id).limit(1000)).all()
        return ([r.id for r in rows if r.created_at > since], [r.id for r in rows if r.created_at <= since])

    opened, updated = svc.store.incident_read(changed)
    return ChangesOut(since=since.isoformat() + "Z", until=now.isoformat() + "Z", changes=svc.store.changes_since(since),
                      incidents=ChangedIncidents(opened=opened, updated=updated))
