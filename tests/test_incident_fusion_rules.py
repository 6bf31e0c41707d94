"""Rules of fusion across reports, on mentions of our own (invented towns and facilities in
several countries): unlocated reports on consecutive days do not chain into one incident;
one facility named in several languages and alphabets is one place; a facility and the
bare name it is called by; a report located only to an area joins the incident inside it
in the store as in the batch merge; an umbrella spans the days its reports speak of."""
from datetime import date, timedelta

from incident_corpus import SHELLING, Mention, Report, add

from sitroom.fuse import coref
from sitroom.fuse.incidents import JOIN_THRESHOLD, MentionRef, attach_score, can_join, merge, similar_names
from sitroom.models import EventMention
from sitroom.store.db import Store

REMOTE, STRAT = "Explosions/Remote violence", "Strategic developments"
D0 = date(2024, 6, 3)


def _m(place=None, day=D0, *, etype=REMOTE, sub="Shelling/artillery/missile attack", trigger="shelling",
       sentence=None, lat=None, lon=None, cc=None, precision=None, days=0, actors="", killed=None, dprec="day"):
    return EventMention(start=0, end=len(trigger), sentence=sentence or f"Heavy {trigger} hit villages overnight.",
                        trigger=trigger, event_type=etype, sub_event_type=sub, label=f"{sub}", place=place,
                        country=cc, lat=lat, lon=lon,
                        geo_precision=precision or ("point" if lat is not None else "country"),
                        date_start=day, date_end=(day + timedelta(days=days)) if day else None,
                        date_precision=dprec, actors=actors, killed=killed)


def _refs(*ms):
    return [MentionRef(mention=m, source_id=k + 1, article=f"a{k + 1}", origin_group=f"g{k + 1}")
            for k, m in enumerate(ms)]


# ---------------------------------------------------------------- unlocated reports do not chain

def _daily_unlocated(days: int):
    """One report a day of shelling somewhere unnamed, by the same force, in near-identical
    words (each pair of consecutive days scores above the join threshold)."""
    return [_m(None, D0 + timedelta(days=k), actors="Eastern Brigade",
               sentence="The Eastern Brigade said its artillery shelled enemy positions overnight.")
            for k in range(days)]


def test_a_week_of_daily_unlocated_shelling_reports_is_not_one_incident():
    ms = _daily_unlocated(7)
    assert coref.score(ms[0], ms[1]) >= JOIN_THRESHOLD      # consecutive days would join pairwise
    incs = merge(_refs(*ms))
    assert len(incs) >= 3
    for inc in incs:
        assert (inc.date_end - inc.date_start) <= timedelta(days=1)


def test_two_reports_of_one_unlocated_event_on_the_same_day_still_join():
    a = _m(None, D0, actors="Eastern Brigade",
           sentence="The Eastern Brigade said its artillery shelled enemy positions.")
    b = _m(None, D0, actors="Eastern Brigade", sentence="Artillery of the Eastern Brigade shelled enemy positions.")
    assert len(merge(_refs(a, b))) == 1


def test_attaching_a_third_day_to_an_unlocated_incident_of_two_days_is_refused():
    d1, d2, d3 = _daily_unlocated(3)
    members = _refs(d1, d2)
    third = MentionRef(mention=d3, source_id=9, article="a9", origin_group="g9")
    assert attach_score(third, members[1:]) >= JOIN_THRESHOLD     # the day before alone would take it
    assert attach_score(third, members) == 0.0
    assert not can_join([third], members)


def test_located_reports_are_not_held_to_the_unlocated_rule():
    town = dict(lat=47.1, lon=9.4, cc="CH")
    a, b = _m("Orvasca", D0, **town), _m("Orvasca", D0 + timedelta(days=1), **town)
    assert can_join(_refs(a), _refs(b)[:1])


def test_daily_unlocated_reports_in_the_store_do_not_chain(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    for k in range(6):
        day = D0 + timedelta(days=k)
        text = f"Shelling of enemy positions continued overnight, the Eastern Brigade said (day {k})."
        add(store, [Report(f"daily-{k}", f"Outlet {k}", text,
                           [Mention("Shelling", SHELLING, None, day, actors="Eastern Brigade")], published=day)])
    from sitroom.fuse import picture
    incs = picture.build(store).incidents
    assert len(incs) >= 3
    for inc in incs:
        assert (inc.date_end - inc.date_start) <= timedelta(days=1)


def test_a_report_between_two_unlocated_days_joins_one_of_them_not_both(tmp_path):
    """The store's single link (a mention fitting two incidents joins them) stops where the
    joined incident would span more than a day of slack."""
    store = Store(str(tmp_path / "s.db"))
    words = "The Eastern Brigade said its artillery shelled enemy positions overnight."
    for ext, k in (("first", 0), ("third", 2), ("second", 1)):
        _store_add(store, ext, f"Outlet {ext}", f"{words} ({ext})",
                   [_m(None, D0 + timedelta(days=k), actors="Eastern Brigade", sentence=words)])
    from sitroom.fuse import picture
    incs = picture.build(store).incidents
    assert len(incs) == 2
    assert all((i.date_end - i.date_start) <= timedelta(days=1) for i in incs)


# ---------------------------------------------------------------- strikes dated to a day do not chain

def _strike(day, *, dprec="day", days=0, sentence="Missiles struck the Orvasca water plant."):
    return _m("Orvasca water plant", day, trigger="missile strike", lat=47.1, lon=9.4, cc="CH", precision="near",
              dprec=dprec, days=days, sentence=sentence)


def test_two_strikes_on_one_site_three_days_apart_stay_two_through_a_report_of_the_week():
    """A report dated only to the week fits both strikes; the strikes' own days are three
    days apart, so they are two strikes, whichever order the reports come in."""
    first, later = _strike(D0), _strike(D0 + timedelta(days=3))
    week = _strike(D0 - timedelta(days=2), dprec="week", days=6)
    for order in ((first, week, later), (week, later, first), (later, first, week)):
        incs = merge(_refs(*order))
        dated = sorted(i.date_start for i in incs if i.date_precision == "day")
        assert dated == [D0, D0 + timedelta(days=3)], order
    assert not can_join(_refs(first, week), _refs(later)[:1])


def test_reports_of_one_strike_a_day_apart_still_join():
    a, b, c = _strike(D0), _strike(D0 + timedelta(days=1)), _strike(D0 - timedelta(days=1))
    assert len(merge(_refs(a, b, c))) == 1


def test_a_siege_is_not_held_to_one_day():
    a = _m("Orvasca", D0, etype=STRAT, sub="Other", trigger="siege", lat=47.1, lon=9.4, cc="CH")
    b = _m("Orvasca", D0 + timedelta(days=5), etype=STRAT, sub="Other", trigger="siege", lat=47.1, lon=9.4, cc="CH")
    assert can_join(_refs(a), _refs(b)[:1])


def test_a_strike_three_days_from_the_stored_one_opens_its_own_incident(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    _store_add(store, "first", "River Post", "Missiles struck the Orvasca water plant on Monday.", [_strike(D0)])
    _store_add(store, "week", "Hill Courier", "The Orvasca water plant has been struck this week.",
               [_strike(D0 - timedelta(days=2), dprec="week", days=6)])
    _store_add(store, "later", "Wire", "Missiles struck the Orvasca water plant again on Thursday.",
               [_strike(D0 + timedelta(days=3))])
    from sitroom.fuse import picture
    incs = picture.build(store).incidents
    assert sorted(i.date_start for i in incs if i.date_precision == "day") == [D0, D0 + timedelta(days=3)]
    assert all((i.date_end - i.date_start) <= timedelta(days=1) for i in incs if i.date_precision == "day")


# ---------------------------------------------------------------- one place in several languages

def test_a_facility_named_in_several_languages_is_one_place():
    assert similar_names("Al-Mirna hospital", "hôpital Al-Mirna")
    assert similar_names("Krankenhaus Al-Mirna", "Al Mirna General Hospital")
    assert similar_names("Teslovka train station", "вокзал Тесловки")       # inflected, Cyrillic
    assert similar_names("école Vesna-Dorel", "Vesna Dorel school")
    assert not similar_names("hôpital Al-Mirna", "école Al-Mirna")          # a hospital and a school
    assert not similar_names("Al-Mirna hospital", "Al-Qassar hospital")


def test_a_name_in_two_alphabets_has_one_skeleton():
    assert coref.skeleton("Тесловка") == coref.skeleton("Teslovka")
    assert coref.skeleton("Харків") == coref.skeleton("Kharkiv")
    assert coref.skeleton("Nour") == coref.skeleton("Noor")
    assert coref.skeleton("Teslovka") != coref.skeleton("Tessel")


def test_a_facility_and_the_bare_name_it_is_called_by():
    assert coref.named_within("Teslovka railway station", "Teslovka")
    assert coref.named_within("Al-Mirna", "hôpital Al-Mirna")
    assert coref.named_within("Аль-Мирна", "Al-Mirna General Hospital")     # the article in Cyrillic
    assert not coref.named_within("Teslovka", "Orvasca")
    assert not coref.named_within("Al-Mirna hospital", "Al-Mirna school")   # two facilities: similar_names decides


def test_reports_of_one_hospital_strike_in_three_languages_are_one_incident():
    # located only by the area around them (the geocoder found no point for the facility)
    area = dict(lat=14.2, lon=-4.1, cc="ML", precision="admin")
    en = _m("Al-Mirna hospital", D0, sub="Air/drone strike", trigger="air strike", **area)
    fr = _m("hôpital Al-Mirna", D0, sub="Air/drone strike", trigger="frappe aérienne", **area)
    de = _m("Al-Mirna-Krankenhaus", D0 + timedelta(days=1), sub="Air/drone strike", trigger="Luftangriff", **area)
    school = _m("école Al-Mirna", D0, sub="Air/drone strike", trigger="frappe aérienne", **area)
    incs = merge(_refs(en, fr, de, school))
    assert sorted(len(i.mentions) for i in incs) == [1, 3]


def test_a_strike_on_a_station_and_on_the_town_it_is_named_after_join():
    station = _m("Teslovka railway station", D0, sub="Shelling/artillery/missile attack", trigger="missile strike",
                 lat=50.11, lon=36.2, cc="UA", precision="near", killed=12)
    town = _m("Тесловка", D0, trigger="ракетный удар", cc="UA", precision="admin", lat=50.0, lon=36.0,
              killed=12)
    assert len(merge(_refs(station, town))) == 1


# ---------------------------------------------------------------- areas, in the store as in merge

def _store_add(store: Store, ext: str, outlet: str, text: str, ms: list[EventMention]) -> None:
    from incident_corpus import source

    from sitroom.fuse.stored import fuse_pending
    from sitroom.models import DocumentFacts

    sid, _ = store.add_source(source(Report(ext, outlet, text)))
    store.save_facts(sid, DocumentFacts(language="en", events=ms))
    fuse_pending(store)


def test_a_report_located_only_to_its_region_joins_the_incident_inside_it_in_the_store(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    town = dict(lat=45.10, lon=33.20, cc="UA")
    for k, outlet in enumerate(("River Post", "Hill Courier")):
        _store_add(store, f"varnovo-{k}", outlet, f"Shells hit the market of Varnovo on Monday ({k}).",
                   [_m("Varnovo", D0, **town)])
    _store_add(store, "region-wide", "Wire", "Shelling in the southern steppe on Monday killed several people.",
               [_m("Southern Steppe", D0, lat=45.6, lon=33.9, cc="UA", precision="region")])
    from sitroom.fuse import picture
    incs = picture.build(store).incidents
    assert len(incs) == 1 and incs[0].place == "Varnovo"
    assert sorted(incs[0].articles) == ["region-wide", "varnovo-0", "varnovo-1"]
    # as the batch merge groups them
    refs = [r for i in incs for r in i.mentions]
    assert len(merge(refs)) == 1
    # extracted again, the same facts: it stays where it was
    from sitroom.fuse.stored import fuse_pending
    from sitroom.store import incidents as sql
    with store.engine.begin() as conn:
        conn.execute(sql.sources.update().values(fused_at=None))
    fuse_pending(store)
    again = picture.build(store).incidents
    assert [(i.id, sorted(i.articles)) for i in again] == [(incs[0].id, sorted(incs[0].articles))]


def test_an_area_report_between_two_equal_incidents_stays_apart_in_the_store(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    _store_add(store, "west", "River Post", "Shells hit Varnovo on Monday.",
               [_m("Varnovo", D0, lat=45.10, lon=33.20, cc="UA")])
    _store_add(store, "east", "Hill Courier", "Shells hit Ostrelka on Monday.",
               [_m("Ostrelka", D0, lat=45.30, lon=34.10, cc="UA")])
    _store_add(store, "region-wide", "Wire", "Shelling in the southern steppe on Monday.",
               [_m("Southern Steppe", D0, lat=45.6, lon=33.9, cc="UA", precision="region")])
    from sitroom.fuse import picture
    assert len(picture.build(store).incidents) == 3


# ---------------------------------------------------------------- umbrellas span

def test_a_siege_spans_the_days_its_reports_speak_of():
    town = dict(lat=12.4, lon=14.9, cc="NE")
    week = _m("Kelmira", D0, etype=STRAT, sub="Other", trigger="siege", days=6, dprec="week", **town)
    day = _m("Kelmira", D0 + timedelta(days=9), etype=STRAT, sub="Other", trigger="siege", **town)
    later = _m("Kelmira", D0 + timedelta(days=5), etype=STRAT, sub="Other", trigger="siege", days=6, dprec="week",
               **town)
    (inc,) = [i for i in merge(_refs(week, later, day)) if i.umbrella]
    assert inc.date_start == D0 and inc.date_end == D0 + timedelta(days=11)


# ---------------------------------------------------------------- the incident's date

def test_the_date_most_sources_give_not_the_one_a_single_report_repeats():
    from sitroom.fuse.incidents import summarise

    wrong, right = D0 - timedelta(days=1), D0
    where = dict(place="Port Halden", lat=-6.2, lon=39.3, cc="TZ")
    # one report repeats a wrong weekday in four sentences; three others give the right day once each
    one = [MentionRef(mention=_m(day=wrong, **where), source_id=1, article="a1", origin_group="g1") for _ in range(4)]
    others = [MentionRef(mention=_m(day=right, **where), source_id=k, article=f"a{k}", origin_group=f"g{k}")
              for k in (2, 3, 4)]
    inc = summarise(one + others)
    assert (inc.date_start, inc.date_end) == (right, right)
    # copies of one story count once: three republications of the wrong day against two reports
    copies = [MentionRef(mention=_m(day=wrong, **where), source_id=k, article=f"c{k}", origin_group="wire")
              for k in (5, 6, 7)]
    inc = summarise(copies + others[:2])
    assert inc.date_start == right
