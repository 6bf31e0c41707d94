"""A small store for the export tests: reports of our own (invented towns and outlets,
several countries) with hand-made facts of every kind, written through the store's API
and fused as the pipeline fuses; no model is loaded."""
from __future__ import annotations

import dataclasses
import hashlib
from datetime import date, datetime

from incident_corpus import PLACES
from sitroom.models import DocumentFacts, Entity, EventMention, Figure, Metadata, Place, Quote, Source, TimeExpr
from sitroom.store.db import Store

MON, TUE, WED, THU = date(2024, 3, 4), date(2024, 3, 5), date(2024, 3, 6), date(2024, 3, 7)


@dataclasses.dataclass
class Ev:
    trigger: str
    kind: tuple[str, str]
    place: str | None
    start: date | None
    end: date | None = None
    killed: int | None = None
    actors: str = ""
    types: str = ""
    country: str | None = None


@dataclasses.dataclass
class Doc:
    ext: str
    outlet: str
    url: str | None
    text: str
    events: list[Ev]
    title: str | None = "auto"


DOCS = [
    Doc("varnovo-1", "River Post", "https://www.riverpost.ua/news/varnovo-market",
        "Shells hit the market of Varnovo on Monday, killing 4 people, officials said. "
        "\"We counted the dead at dawn,\" said Mayor Olena Brisk. 200 people fled the town.",
        [Ev("Shells hit", ("Explosions/Remote violence", "Shelling/artillery/missile attack"), "Varnovo", MON,
            killed=4, actors="Northern Army; Civilians (Ukraine)", types="1; 7")]),
    Doc("varnovo-2", "Reuters", "https://www.reuters.com/world/varnovo",
        "Artillery shelled the Varnovo market on Monday; six people were killed, medics said.",
        [Ev("Artillery shelled", ("Explosions/Remote violence", "Shelling/artillery/missile attack"), "Varnovo", MON,
            killed=6, actors="Northern Army", types="1")]),
    Doc("kelmira-clash", "Sahel Wire", None,
        "Fighting between the army and the Kelmira Liberation Front lasted from Monday to Wednesday; "
        "seven fighters died in all, a local official said.",
        [Ev("Fighting", ("Battles", "Armed clash"), "Kelmira", MON, WED, killed=7,
            actors="Military Forces of Niger; Kelmira Liberation Front", types="1; 2")]),
    Doc("kelmira-protest", "Sahel Wire", "https://sahelwire.example.org/protest",
        "Hundreds protested in Kelmira against the curfew on Tuesday; two people died in a crush nearby.",
        [Ev("protested", ("Protests", "Peaceful protest"), "Kelmira", TUE, killed=2)]),
    Doc("tal-semra-deal", "Levant Daily", None,
        "The two sides signed a ceasefire agreement in Tal Semra on Thursday after clashes that killed three.",
        [Ev("signed a ceasefire agreement", ("Strategic developments", "Agreement"), "Tal Semra", THU, killed=3)],
        title=None),
    Doc("dunmar-arrests", "Nile Monitor", None,
        "Security forces arrested several journalists in Dunmar, a press group said.",
        [Ev("arrested", ("Strategic developments", "Arrests"), "Dunmar", None, actors="Security forces",
            types="1")]),
    Doc("ostrelka-drone", "Hill Courier", "https://t.me/hillcourier/77",
        "A drone struck a fuel depot near Ostrelka on Wednesday, the regional governor said.",
        [Ev("drone struck", ("Explosions/Remote violence", "Air/drone strike"), "Ostrelka", WED)]),
]


def source(d: Doc) -> Source:
    raw = d.text.encode()
    title = d.text[:40] if d.title == "auto" else d.title
    return Source(external_id=d.ext, origin=d.url or f"reports/{d.ext}.txt", sha256=hashlib.sha256(raw).hexdigest(),
                  captured_at=datetime(2024, 3, 8, 8, 0), content_type="text/plain", raw=raw, raw_text=d.text,
                  text=d.text, offsets=list(range(len(d.text))),
                  meta=Metadata(title=title, outlet=d.outlet, url=d.url, published=THU, language="en"))


def facts(d: Doc) -> DocumentFacts:
    t = d.text
    events = []
    for e in d.events:
        at = t.index(e.trigger)
        lat, lon, cc = PLACES.get(e.place, (None, None, e.country)) if e.place else (None, None, e.country)
        events.append(EventMention(
            start=at, end=at + len(e.trigger), sentence=t, trigger=e.trigger, event_type=e.kind[0],
            sub_event_type=e.kind[1], label=f"{e.kind[1]} in {e.place or 'an unnamed place'}", place=e.place,
            country=cc, lat=lat, lon=lon, geo_precision="point" if lat is not None else "country",
            date_start=e.start, date_end=e.end or e.start, date_precision="day", killed=e.killed,
            actors=e.actors, actor_types=e.types))
    out = DocumentFacts(language="en", events=events)
    first = d.events[0]
    if first.place:
        at = t.index(first.place)
        lat, lon, cc = PLACES[first.place]
        out.places.append(Place(start=at, end=at + len(first.place), sentence=t, surface=first.place,
                                name=first.place, country=cc, lat=lat, lon=lon, gazetteer_id=f"user:{first.place}"))
    for word, n, cat in (("killing 4", 4, "killed"), ("six people", 6, "killed"), ("200 people", 200, "displaced")):
        if word in t:
            at = t.index(word)
            out.figures.append(Figure(start=at, end=at + len(word), sentence=t, value=n, category=cat,
                                      subject="people", cue=word, as_of=first.start))
    if "Monday" in t:
        at = t.index("Monday")
        out.dates.append(TimeExpr(start=at, end=at + 6, sentence=t, surface="Monday", value=MON.isoformat(),
                                  precision="day", date_start=MON, date_end=MON, anchor=THU, timex_value="2024-03-04"))
    if "\"We counted" in t:
        at = t.index("We counted")
        out.quotes.append(Quote(start=at, end=at + 27, sentence=t, text=t[at:at + 27], speaker="Olena Brisk",
                                speaker_role="Mayor"))
        at = t.index("Olena Brisk")
        out.entities.append(Entity(start=at, end=at + 11, sentence=t, text="Olena Brisk", label="PERSON",
                                   canonical="Olena Brisk", role="Mayor"))
    return out


def build(path: str, docs: list[Doc] | None = None, collection: str | None = None) -> Store:
    from sitroom.fuse.stored import fuse_pending

    store = Store(path)
    for d in docs or DOCS:
        sid, _ = store.add_source(source(d), collection=collection)
        store.save_facts(sid, facts(d))
    fuse_pending(store)
    return store
