"""What the API takes and gives, as pydantic models: the OpenAPI description is built from
these, and every write is checked against them before anything is stored."""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, create_model, BeforeValidator, ConfigDict, Field, StringConstraints

from sitroom.fuse import review
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
    place: str | None
    killed_best: int | None
    grade: str


class PointGeometry(BaseModel):
    type: Literal["Point"]
    coordinates: list[float]


class Feature(BaseModel):
    type: Literal["Feature"]
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
