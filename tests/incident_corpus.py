"""Small stores of reports of our own (invented towns in several countries), written
through the store's API with hand-made event facts: the tests of stored incidents,
review and collections do not depend on what the extractors find, and need no model."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from sitroom.models import DocumentFacts, EventMention, Metadata, Source
from sitroom.store.db import Store

REMOTE = "Explosions/Remote violence"
SHELLING = (REMOTE, "Shelling/artillery/missile attack")
AIR = (REMOTE, "Air/drone strike")
PROTEST = ("Protests", "Peaceful protest")
ARREST = ("Strategic developments", "Arrests")

# invented places: name -> (lat, lon, country)
PLACES = {"Varnovo": (45.10, 33.20, "UA"), "Selka": (45.10, 33.31, "UA"), "Midway": (45.10, 33.255, "UA"), "Kelmira": (12.40, 14.90, "NE"), "Ostrelka": (49.80, 24.10, "UA"),
          "Dunmar": (6.30, 31.50, "SS"), "Tal Semra": (34.70, 36.70, "SY")}


@dataclass
class Mention:
    trigger: str
    kind: tuple[str, str]
    place: str | None
    day: date | None
    killed: int | None = None
    actors: str = ""
    stance: str = "asserted"


@dataclass
class Report:
    ext: str
    outlet: str
    text: str
    mentions: list[Mention] = field(default_factory=list)
    published: date = date(2024, 3, 5)


def source(r: Report) -> Source:
    raw = r.text.encode()
    return Source(external_id=r.ext, origin=f"test:{r.ext}", sha256=hashlib.sha256(raw).hexdigest(),
                  captured_at=datetime(2024, 3, 6, 8, 0), content_type="text/plain", raw=raw, raw_text=r.text,
                  text=r.text, offsets=list(range(len(r.text))),
                  meta=Metadata(title=r.text[:40], outlet=r.outlet, published=r.published, language="en"))


def event(text: str, m: Mention) -> EventMention:
    at = text.index(m.trigger)
    lat, lon, cc = PLACES.get(m.place, (None, None, None)) if m.place else (None, None, None)
    return EventMention(start=at, end=at + len(m.trigger), sentence=text, trigger=m.trigger, event_type=m.kind[0],
                        sub_event_type=m.kind[1], label=f"{m.kind[1]} in {m.place or 'somewhere'}", place=m.place,
                        country=cc, lat=lat, lon=lon, geo_precision="point" if lat is not None else "country",
                        date_start=m.day, date_end=m.day, date_precision="day", killed=m.killed, actors=m.actors,
                        stance=m.stance)


def facts(r: Report) -> DocumentFacts:
    return DocumentFacts(language="en", events=[event(r.text, m) for m in r.mentions])


def add(store: Store, reports: list[Report], collection: str | None = None, fuse: bool = True,
        across: bool = False) -> dict[str, int]:
    """Archive and "extract" the reports, then fuse as the pipeline does."""
    from sitroom.fuse.stored import fuse_pending

    ids = {}
    for r in reports:
        sid, _ = store.add_source(source(r), collection=collection)
        store.save_facts(sid, facts(r))
        ids[r.ext] = sid
    if fuse:
        fuse_pending(store, across=across)
    return ids


MON, TUE, WED = date(2024, 3, 4), date(2024, 3, 5), date(2024, 3, 6)

MARKET_A = Report("varnovo-river", "River Post",
                  "Shells hit the market of Varnovo on Monday, killing 4 people, officials said.",
                  [Mention("Shells hit", SHELLING, "Varnovo", MON, 4, "Northern Army")])
MARKET_B = Report("varnovo-hill", "Hill Courier",
                  "A drone struck the market in Varnovo on Monday; 6 people were killed, medics said.",
                  [Mention("drone struck", AIR, "Varnovo", MON, 6, "Northern Army")])
MARKET_C = Report("varnovo-plain", "Plain Daily",
                  "The strike on the Varnovo market on Monday killed 6, the governor said.",
                  [Mention("strike", AIR, "Varnovo", MON, 6)])
PROTEST_LESK = Report("kelmira-protest", "Sahel Wire",
                      "Hundreds protested in Kelmira against the curfew on Tuesday, witnesses said.",
                      [Mention("protested", PROTEST, "Kelmira", TUE)])
UNDATED = Report("dunmar-arrests", "Nile Monitor",
                 "Security forces arrested several journalists in Dunmar, a press group said.",
                 [Mention("arrested", ARREST, "Dunmar", None, actors="Security forces")])
