"""A small store for the tests of access, sessions and reviews: real sources and facts
written through the store's own API (no extraction, so the tests are quick and do not
depend on what the extractors find). Two reports of one shelling in an invented town,
a protest in another, and figures to review."""
from __future__ import annotations

import hashlib
from datetime import date, datetime

from sitroom.models import DocumentFacts, EventMention, Figure, Metadata, Place, Source
from sitroom.store.db import Store

SHELLING = "Shells hit the market of Varnovo on Monday, killing 4 people, officials said."
SHELLING_2 = "Artillery shelled the market in Varnovo on Monday; 6 people were killed, medics said."
PROTEST = "Hundreds protested in Lesk against the curfew on Tuesday, witnesses said."

PASSWORDS = {"ana": "hospital-lists-agree", "vic": "watching-quietly-42", "adm": "keys-to-the-room-7"}


def _source(ext: str, outlet: str, text: str) -> Source:
    raw = text.encode()
    return Source(external_id=ext, origin=f"test:{ext}", sha256=hashlib.sha256(raw).hexdigest(),
                  captured_at=datetime(2024, 3, 6, 8, 0), content_type="text/plain", raw=raw, raw_text=text,
                  text=text, offsets=list(range(len(text))),
                  meta=Metadata(title=text[:40], outlet=outlet, published=date(2024, 3, 5), language="en"))


def _event(text: str, trigger: str, etype: str, sub: str, place: str, lat: float, lon: float, day: date,
           killed: int | None) -> EventMention:
    at = text.index(trigger)
    return EventMention(start=at, end=at + len(trigger), sentence=text, trigger=trigger, event_type=etype,
                        sub_event_type=sub, label=f"{sub} in {place}", place=place, country="XX", lat=lat, lon=lon,
                        geo_precision="point", date_start=day, date_end=day, date_precision="day", killed=killed)


def build(path: str, users: bool = True) -> Store:
    store = Store(path)
    monday, tuesday = date(2024, 3, 4), date(2024, 3, 5)
    shell = ("Explosions/Remote violence", "Shelling/artillery/missile attack")
    for ext, outlet, text, trigger, killed in (("t-shell-1", "River Post", SHELLING, "Shells hit", 4),
                                               ("t-shell-2", "Hill Courier", SHELLING_2, "shelled", 6)):
        sid, _ = store.add_source(_source(ext, outlet, text))
        n = str(killed)
        at = text.index(n)
        fig = Figure(start=at, end=at + 1, sentence=text, value=killed, category="killed", subject="people",
                     cue=text[max(0, at - 10):at + 12])
        p = text.index("Varnovo")
        place = Place(start=p, end=p + 7, sentence=text, surface="Varnovo", name="Varnovo", country="XX",
                      lat=45.1, lon=33.2)
        store.save_facts(sid, DocumentFacts(language="en", figures=[fig], places=[place],
                                            events=[_event(text, trigger, *shell, "Varnovo", 45.1, 33.2, monday,
                                                           killed)]))
    sid, _ = store.add_source(_source("t-protest", "River Post", PROTEST))
    store.save_facts(sid, DocumentFacts(language="en", events=[
        _event(PROTEST, "protested", "Protests", "Peaceful protest", "Lesk", 47.0, 30.0, tuesday, None)]))
    from sitroom.fuse.stored import fuse_pending

    fuse_pending(store)  # what the pipeline does after extraction: the mentions become stored incidents
    if users:
        store.add_user("ana", "analyst", PASSWORDS["ana"])
        store.add_user("vic", "viewer", PASSWORDS["vic"])
    return store
