"""What the API takes and gives, as pydantic models: the OpenAPI description is built from
these, and every write is checked against them before anything is stored."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Annotated, Any, Literal, Union

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, create_model, field_validator)

from sitroom.fuse import review
from sitroom.fuse.grading import GRADES
from sitroom.models import FigureCategory

MAX_NOTE = 2000
MAX_ID = 2**63 - 1  # the largest id a database integer holds
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: object) -> object:
    """Only YYYY-MM-DD (pydantic alone would also take 0 as 1970-01-01)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


NO_NUL = r"^[^\x00]*$"                                   # no database takes a NUL in a query
PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"        # text with no control characters but tab and newline

IsoDate = Annotated[date, BeforeValidator(_iso_date)]
SearchText = Annotated[str, StringConstraints(max_length=500, pattern=NO_NUL)]
FilterText = Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]
CollectionName = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]
Note = Annotated[str, StringConstraints(max_length=MAX_NOTE, pattern=PRINTABLE)]


class ErrorOut(BaseModel):
    detail: str


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
    collection: str = "default"
    event_type: str
    sub_event_type: str
    label: str
    date_start: date | None = Field(description="null when no report dates it (then date_known is false)")
    date_end: date | None
    date_known: bool = True
    date_precision: str = Field(description="day, week, month, year; unknown when undated")
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
    needs_review: bool = False
    review_reason: str | None = None
    confidence: float = Field(1.0, description="the lowest attach score of a report joined to it (1: sure)")
    edits: dict[str, Any] = Field(default_factory=dict, description="the fields analysts set (accumulated)")
    parent_id: str | None = Field(None, description="the umbrella incident (offensive, siege) this is a part of")
    split_from: str | None = Field(None, description="the incident an analyst split this one off")
    status: str = "active"
    merged_into: str | None = None
    asked_as: str | None = Field(None, description="the id asked for, when it was merged into this incident")
    parts: list[str] | None = None
    split_into: list[str] | None = None
    merged: list[str] | None = None
    created_at: str | None = None
    updated_at: str | None = None
    method: str | None = None
    mentions: list[MentionOut] | None = None
    toll_trail: list[TollOut] | None = None


class QueueItemOut(BaseModel):
    incident: IncidentOut
    reasons: list[str] = Field(description="why it is uncertain, the most pressing first")


class CollectionOut(BaseModel):
    name: str
    sources: int
    incidents: int


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


class FeatureProperties(BaseModel):
    id: str
    event_type: str
    sub_event_type: str
    label: str
    date_start: str | None
    date_end: str | None = None
    date_precision: str = Field("unknown", description="day, week, month, year; unknown when undated")
    place: str | None
    country: str | None = None
    geo_precision: str = Field("unknown", description="how exact the point is: point (a town or site), "
                                                      "near, admin, region, country")
    killed_best: int | None
    grade: str


class PointGeometry(BaseModel):
    type: Literal["Point"]
    coordinates: list[float]


class Feature(BaseModel):
    type: Literal["Feature"]
    id: str | None = None
    geometry: PointGeometry
    properties: FeatureProperties


class FeatureCollection(BaseModel):
    type: Literal["FeatureCollection"]
    features: list[Feature]


class LoginIn(BaseModel):
    name: str = Field(max_length=100)
    password: str = Field(max_length=1024)


class TokenOut(BaseModel):
    token: str = Field(description="send as Authorization: Bearer TOKEN; ends at POST /api/logout or on expiry")


class LoggedOut(BaseModel):
    logged_out: bool


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AcceptIn(_In):
    action: Literal["accept"]
    data: review.NoData = Field(default_factory=review.NoData)
    note: Note | None = None


class RejectIn(_In):
    action: Literal["reject"]
    data: review.NoData = Field(default_factory=review.NoData)
    note: Note | None = None


class EditIn(_In):
    action: Literal["edit"]
    data: review.IncidentEdit
    note: Note | None = None


class MergeIn(_In):
    action: Literal["merge"]
    data: review.MergeData
    note: Note | None = None


class SplitIn(_In):
    action: Literal["split"]
    data: review.SplitData
    note: Note | None = None


class RevertIn(_In):
    action: Literal["revert"]
    data: review.RevertData
    note: Note | None = None


IncidentReviewIn = Annotated[Union[AcceptIn, EditIn, RejectIn, MergeIn, SplitIn, RevertIn],
                             Field(discriminator="action")]


class FactAcceptIn(_In):
    action: Literal["accept"]
    data: review.NoData = Field(default_factory=review.NoData)
    note: Note | None = None


class FactRejectIn(_In):
    action: Literal["reject"]
    data: review.NoData = Field(default_factory=review.NoData)
    note: Note | None = None


def _fact_edit_in(kind: str, model: type) -> type:
    return create_model(f"{model.__name__}In", __base__=_In, action=(Literal["edit"], ...), data=(model, ...),
                        note=(Note | None, None))


# one body per kind of fact: what an edit may set depends on the kind
FACT_REVIEW_IN = {kind: Annotated[Union[FactAcceptIn, _fact_edit_in(kind, model), FactRejectIn],
                                  Field(discriminator="action")]
                  for kind, model in review.FACT_MODELS.items()}


Category = FigureCategory


class ReviewOut(BaseModel):
    id: int
    target: str
    action: str
    data: dict[str, Any]
    user_name: str
    at: str
    note: str | None
    status: str | None = Field(None, description="applies, superseded, malformed: ..., no longer applies: ...")


# ---------------------------------------------------------------- filters of the list routes and downloads


EventType = Literal[review.EVENT_TYPES]  # type: ignore[valid-type]
Grade = Literal[GRADES]  # type: ignore[valid-type]
MAX_REPEAT = 50          # values of one repeated filter
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
_LON = r"-?(180(\.0+)?|(1[0-7]\d|[1-9]?\d)(\.\d+)?)"
_LAT = r"-?(90(\.0+)?|[1-8]?\d(\.\d+)?)"
_BBOX = rf"^{_LON},{_LAT},{_LON},{_LAT}$"
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?(Z|[+-]\d{2}:?\d{2})?$")


def _iso_time(value: object) -> object:
    """Only an ISO 8601 date or time (pydantic alone would also take a number of seconds)."""
    if isinstance(value, (date, datetime)):
        return value
    if not isinstance(value, str) or not _ISO_TIME.match(value):
        raise ValueError("a time is written YYYY-MM-DDTHH:MM:SS, with Z or an offset (else UTC)")
    return value


def _country_codes() -> tuple[str, ...]:
    from sitroom.export import geo

    return tuple(sorted({c.iso2 for c in geo.countries().values()} | {c.iso3 for c in geo.countries().values()}))


CountryCode = Literal[_country_codes()]  # type: ignore[valid-type]
IsoTime = Annotated[datetime, BeforeValidator(_iso_time)]


class IncidentFilters(BaseModel):
    """The filters of the incident list, the map and the downloads (the page's too): an
    unknown parameter or a bad value is refused (422), a repeated one is an OR
    (``event_type=Battles&event_type=Riots``), different ones are an AND."""

    model_config = ConfigDict(extra="forbid")

    event_type: list[EventType] = Field(default_factory=list, max_length=MAX_REPEAT,
                                        description="ACLED event type; repeat for several")
    grade: list[Grade] = Field(default_factory=list, max_length=MAX_REPEAT, description="repeat for several")
    country: list[CountryCode] = Field(default_factory=list, max_length=MAX_REPEAT,
                                       description="ISO 3166-1 alpha-2 or alpha-3 code")
    admin1: list[FilterText] = Field(default_factory=list, max_length=MAX_REPEAT,
                                     description="first-level division (province, oblast, governorate), by name")
    place: list[FilterText] = Field(default_factory=list, max_length=MAX_REPEAT, description="the place's name")
    outlet: list[FilterText] = Field(default_factory=list, max_length=MAX_REPEAT, description="an outlet reporting it")
    actor: FilterText | None = Field(None, description="words of an actor's name")
    q: SearchText | None = Field(None, description="free text in labels, places and sentences")
    since: IsoDate | None = Field(None, description="YYYY-MM-DD: incidents ending on or after")
    until: IsoDate | None = Field(None, description="YYYY-MM-DD: incidents starting on or before")
    updated_since: IsoTime | None = Field(None, description="ISO 8601 time (UTC unless it says otherwise): "
                                                             "incidents recomputed or reviewed since")
    bbox: Annotated[str, StringConstraints(max_length=200, pattern=_BBOX)] | None = Field(
        None, description="min_lon,min_lat,max_lon,max_lat (WGS 84 degrees; across the antimeridian when "
                          "min_lon > max_lon; nothing when min_lat > max_lat): only located incidents inside")
    collection: CollectionName | None = Field(None, description="only this collection (a store may hold several crises)")

    @field_validator("country")
    @classmethod
    def _known_country(cls, values: list[str]) -> list[str]:
        from sitroom.export import geo

        return [geo.by_name(v).iso2 for v in values]

    @field_validator("updated_since")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def box(self) -> tuple[float, float, float, float] | None:
        if self.bbox is None:
            return None
        w, s, e, n = (float(v) for v in self.bbox.split(","))
        return w, s, e, n

    def query(self, **change: Any) -> list[tuple[str, str]]:
        """These filters (and ``change``) as query parameters, for links."""
        out: list[tuple[str, str]] = []
        for name, value in {**self.model_dump(exclude_defaults=True), **change}.items():
            if value is None:
                continue
            for v in value if isinstance(value, list) else [value]:
                out.append((name, v.isoformat() if hasattr(v, "isoformat") else str(v)))
        return out


class PagedFilters(IncidentFilters):
    offset: int = Field(0, ge=0, le=2**31 - 1, description="skip this many")
    limit: int = Field(DEFAULT_LIMIT, ge=0, le=MAX_LIMIT, description=f"at most this many (at most {MAX_LIMIT})")


class Page(BaseModel):
    """Pagination alone (the lists of sources and of the review queue)."""

    model_config = ConfigDict(extra="forbid")

    collection: CollectionName | None = Field(None, description="only this collection (a store may hold several crises)")
    offset: int = Field(0, ge=0, le=2**31 - 1, description="skip this many")
    limit: int = Field(DEFAULT_LIMIT, ge=0, le=MAX_LIMIT, description=f"at most this many (at most {MAX_LIMIT})")


class CollectionOnly(BaseModel):
    model_config = ConfigDict(extra="forbid")

    collection: CollectionName | None = Field(None, description="only this collection (a store may hold several crises)")


PAGE_HEADERS = {
    "X-Total-Count": {"schema": {"type": "integer"}, "description": "how many match the filters in all"},
    "Link": {"schema": {"type": "string"}, "description": 'the next page, as <URL>; rel="next" (RFC 8288), '
                                                           "when there is one"},
}
