"""Typed records passed between the stages: ingest -> extract -> fuse -> store.

Every extracted fact carries its provenance: the source it came from, the character
span in the source's *clean* text, and the sentence that contains it. Stages take and
return these records; only ``store/`` turns them into rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

# "demonym" ("Turkish shelling") and "metonym" ("Moscow said": a capital standing for its
# government) name a place without being one: kept, typed, and left out of place lists
# that count locations (the eval export, the map), as the benchmarks' gold does.
PlaceKind = Literal["settlement", "region", "country", "route", "facility", "water", "other",
                    "demonym", "metonym"]
NOT_LOCATIONS = ("demonym", "metonym")
GeoPrecision = Literal["point", "near", "admin", "region", "country"]
DatePrecision = Literal["day", "week", "month", "season", "year", "range", "decade"]
Qualifier = Literal["exact", "at_least", "about", "more_than", "up_to", "fewer_than", "range"]
FigureCategory = Literal[
    "killed", "injured", "missing", "displaced", "arrived", "evacuated",
    "population", "detained", "affected", "other",
]
QuoteKind = Literal["direct", "indirect"]


# ---------------------------------------------------------------- ingest


@dataclass(kw_only=True)
class RawInput:
    """One input as received, before cleaning: bytes plus what the reader knew."""

    origin: str                      # path, URL or "file.jsonl#line"
    raw: bytes                       # exactly as received
    content_type: str                # "text/plain", "text/markdown", "text/html", "application/json"
    external_id: str | None = None   # the id given with the input (JSON Lines "id")
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: date | None = None
    author: str | None = None
    text: str | None = None          # when the input already carries text (JSON Lines)
    capture: dict | None = None      # how a URL was fetched (time, final URL, redirects, address, status)


@dataclass(kw_only=True)
class InputError:
    """An input that could not be taken: which one and why, in words a user can act on."""

    origin: str
    problem: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.problem}"


@dataclass(kw_only=True)
class Metadata:
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: date | None = None            # date of this page
    first_published: date | None = None      # original publication when republished
    syndicated_from: str | None = None       # original outlet when republished
    syndicated_url: str | None = None
    language: str | None = None


@dataclass(kw_only=True)
class CleanText:
    """Clean text and a map from each clean character to its offset in the raw text."""

    text: str
    offsets: list[int]               # len(offsets) == len(text); raw offset of each char

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        if not self.offsets:
            return (0, 0)
        a = self.offsets[min(start, len(self.offsets) - 1)]
        b = self.offsets[min(max(end - 1, 0), len(self.offsets) - 1)] + 1
        return a, b


@dataclass(kw_only=True)
class Source:
    """An archived, cleaned input with its metadata; what a document is extracted from."""

    id: int | None = None
    external_id: str | None = None
    origin: str
    sha256: str
    captured_at: datetime
    content_type: str
    raw: bytes                       # exactly as received
    raw_text: str                    # decoded input (for HTML: the extracted article text)
    text: str                        # clean text
    offsets: list[int]               # clean char -> raw_text offset
    meta: Metadata = field(default_factory=Metadata)
    status: str = "pending"          # pending | done | skipped
    note: str | None = None          # why a source was skipped

    @property
    def article_id(self) -> str:
        """The id users know a source by: the input's own id, else ours."""
        return self.external_id or str(self.id)


# ---------------------------------------------------------------- extract


@dataclass(kw_only=True)
class Fact:
    """Provenance shared by every extracted fact."""

    start: int                       # char offset in the clean text
    end: int
    sentence: str                    # the sentence that contains the span
    source_id: int | None = None     # filled in by the pipeline
    method: str | None = None        # the method that produced it (see extract/method.py)


@dataclass(kw_only=True)
class Entity(Fact):
    text: str                        # surface form
    label: Literal["PERSON", "ORG", "NORP", "GPE", "OTHER"]
    canonical: str                   # full name this mention resolves to in the document
    role: str | None = None          # "President of Kenya", "USAID chief"


@dataclass(kw_only=True)
class Place(Fact):
    surface: str
    name: str                        # gazetteer name
    country: str | None              # ISO 3166-1 alpha-2 ("SU" etc. for historical)
    lat: float | None
    lon: float | None
    kind: PlaceKind = "settlement"
    precision: GeoPrecision = "point"  # "near"/"admin"/...: coordinates of an enclosing area
    gazetteer_id: str | None = None  # "geonames:146970", "user:...", "region:..."
    admin1: str | None = None
    confidence: float = 1.0


@dataclass(kw_only=True)
class TimeExpr(Fact):
    surface: str
    value: str                       # "YYYY-MM-DD" | "YYYY-MM" | "YYYY" | "YYYY-MM-DD/YYYY-MM-DD"
    precision: DatePrecision
    date_start: date
    date_end: date
    anchor: date | None = None       # the date relative expressions were resolved against
    timex_type: str = "DATE"         # TIMEX3 type: DATE | TIME | DURATION | SET
    timex_value: str | None = None   # TIMEX3 value: "2013-03-22", "2013-W11", "2013-SU", "P3W", "2013-03-22TNI"


@dataclass(kw_only=True)
class Figure(Fact):
    value: int
    low: int | None = None
    high: int | None = None
    qualifier: Qualifier = "exact"
    category: FigureCategory
    subject: str                     # who is counted
    as_of: date | None = None
    attributed_to: str | None = None  # who gives the number; None when the outlet asserts it
    cue: str                         # a few words around the number


@dataclass(kw_only=True)
class Quote(Fact):
    text: str                        # the quoted or reported words
    speaker: str | None              # full name or organisation
    speaker_role: str | None = None
    kind: QuoteKind = "direct"
    medium: str | None = None        # "told Reuters", "tweeted", "televised address"
    speaker_written: str | None = None  # the speaker as the report writes it, where ``speaker`` is
    # the name in the form shared across languages ("МОМ" -> International Organization for Migration)


@dataclass(kw_only=True)
class EventMention(Fact):
    """One report, in one sentence, that something happened: typed with ACLED's event
    types and sub-types, with where, when, who and the tolls given with it."""

    trigger: str                     # the word that names the happening ("shelled", "blast")
    event_type: str                  # ACLED event type
    sub_event_type: str              # ACLED sub-event type
    label: str                       # short description for listings
    actors: str = ""                 # "; "-separated actor names, perpetrator first
    place: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geo_precision: GeoPrecision = "region"
    date_start: date | None = None
    date_end: date | None = None
    date_precision: Literal["day", "week", "month", "year"] = "week"
    killed: int | None = None
    injured: int | None = None
    stance: Literal["asserted", "denied", "unconfirmed", "claimed"] = "asserted"
    # event coreference and actors (see fuse/coref.py)
    actor_types: str = ""            # "; "-separated ACLED inter codes, one per actor ("3; 7")
    actor_aliases: str = ""          # "|"-separated "ALIAS=Canonical name" the report defines
    site: str | None = None          # the kind of place hit ("hospital", "convoy")
    target: str | None = None        # what was hit, for labels ("a fuel convoy")
    toll_source: str | None = None   # who gives the killed toll (None: the outlet)
    toll_as_of: date | None = None   # the day the toll counts to


@dataclass(kw_only=True)
class ExtractorFailure:
    """One extractor that raised on one document: recorded, while the other extractors'
    facts are kept."""

    extractor: str                   # "dates", "figures", ...
    error: str                       # "AttributeError: ..."
    where: str = ""                  # the innermost frame of ours: "extract/dates.py:663 in extract"
    source_id: int | None = None
    method: str | None = None


@dataclass(kw_only=True)
class DocumentFacts:
    """Everything extracted from one source."""

    language: str
    method: str | None = None        # stamp of the method that produced these facts
    failures: list[ExtractorFailure] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    dates: list[TimeExpr] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[EventMention] = field(default_factory=list)
