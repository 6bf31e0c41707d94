"""Across sources, on a corpus of our own: one story republished by three outlets and
reported independently by two more."""
from pathlib import Path

import pytest

from sitroom import pipeline
from sitroom.fuse import grading, picture
from sitroom.store.db import Store

STORY = Path(__file__).parent / "fixtures" / "story.jsonl"


@pytest.fixture(scope="module")
def pic(tmp_path_factory):
    store = Store(str(tmp_path_factory.mktemp("story") / "s.db"))
    result = pipeline.analyze([str(STORY)], store, online=False)
    assert result.ok and len(result.extracted) == 6
    return picture.build(store)


def test_republications_are_one_source(pic):
    by_article = {s.article_id: pic.groups[sid] for sid, s in pic.sources.items()}
    reposts = {by_article[a] for a in ("story-orig", "story-repost-1", "story-repost-2", "story-repost-3")}
    assert len(reposts) == 1
    assert len(set(by_article.values())) == 3


def test_market_shelling_is_one_incident_from_three_sources(pic):
    shelling = [i for i in pic.incidents if i.event_type == "Explosions/Remote violence" and i.place == "Kherson"]
    assert len(shelling) == 1
    inc = shelling[0]
    assert set(inc.articles) == {"story-orig", "story-repost-1", "story-repost-2", "story-repost-3",
                                 "story-indep-1", "story-indep-2"}
    assert inc.independent_sources == 3
    assert str(inc.date_start) == "2024-03-04"


def test_later_higher_toll_is_the_high_of_the_range(pic):
    inc = next(i for i in pic.incidents if i.event_type == "Explosions/Remote violence" and i.place == "Kherson")
    assert inc.killed_low == 7 and inc.killed_high == 12
    assert [t.killed for t in inc.toll_trail if t.killed][-1] == 12   # the trail is in time order


def test_denial_marks_the_claim_contested(pic):
    inc = next(i for i in pic.incidents if i.event_type == "Explosions/Remote violence" and i.place == "Kherson")
    g = grading.grade(inc)
    assert g.grade == "contested" and "denied" in g.reason


# ---------------------------------------------------------------- merging rules, on mentions of our own

from datetime import date as _date

from sitroom.fuse.incidents import MentionRef, merge, similar_names
from sitroom.models import EventMention

_PLACES = {"Taiz": (13.58, 44.02, "YE"), "Taiz general hospital": (13.59, 44.03, "YE"), "Ibb": (13.97, 44.18, "YE"),
           "Hodeidah": (14.80, 42.95, "YE"), "Marib": (15.46, 45.32, "YE"), "Yemen": (15.5, 47.5, "YE"),
           "Shabwa": (14.5, 46.8, "YE"), "Central highlands": (15.2, 44.2, "YE")}


def _m(etype, sub, place, day=None, trigger="shelled", precision="point", killed=None, start=0, days=0):
    lat, lon, cc = _PLACES[place]
    d0 = _date(2024, 3, day) if day else None
    return EventMention(start=start, end=start + 5, sentence=f"{trigger} {place}", trigger=trigger, event_type=etype,
                        sub_event_type=sub, label=f"{sub} in {place}", place=place, country=cc, lat=lat, lon=lon,
                        geo_precision=precision, date_start=d0, date_end=(d0 + __import__("datetime").timedelta(days=days))
                        if d0 else None, date_precision="day" if days == 0 else "week", killed=killed)


def _refs(*ms):
    return [MentionRef(mention=m, source_id=i + 1, article=f"a{i + 1}", origin_group=f"g{i + 1}") for i, m in enumerate(ms)]


_R, _S = "Explosions/Remote violence", "Strategic developments"


def test_an_explosion_and_a_missile_strike_on_one_day_and_place_are_one_incident():
    incs = merge(_refs(_m(_S, "Other", "Taiz", 4, "explosion"),
                       _m(_R, "Shelling/artillery/missile attack", "Taiz", 4, "missile"),
                       _m(_R, "Shelling/artillery/missile attack", "Taiz", 5, "missile")))
    assert len(incs) == 1
    assert (incs[0].event_type, incs[0].sub_event_type) == (_R, "Shelling/artillery/missile attack")


def test_a_blockade_and_a_blast_are_two_incidents():
    incs = merge(_refs(_m(_S, "Other", "Taiz", 4, "blockade"), _m(_S, "Other", "Taiz", 4, "blast")))
    assert len(incs) == 2


def test_strategic_developments_of_other_sub_types_do_not_chain():
    incs = merge(_refs(_m(_S, "Arrests", "Ibb", 4, "arrested"), _m(_S, "Other", "Ibb", 4, "siege"),
                       _m(_S, "Agreement", "Ibb", 4, "ceasefire")))
    assert len(incs) == 3


def test_an_undated_report_joins_the_dated_incident_at_its_place():
    incs = merge(_refs(_m(_R, "Air/drone strike", "Marib", 6, "airstrike", killed=4),
                       _m(_R, "Air/drone strike", "Marib", None, "airstrike", killed=6)))
    assert len(incs) == 1 and (incs[0].killed_low, incs[0].killed_high) == (4, 6)
    assert str(incs[0].date_start) == "2024-03-06"


def test_mentions_one_report_told_apart_stay_apart():
    a, b = _m(_R, "Air/drone strike", "Taiz", 4, "airstrike"), _m(_S, "Other", "Taiz", 4, "explosion", start=400)
    refs = [MentionRef(mention=m, source_id=1, article="a1", origin_group="g1") for m in (a, b)]
    assert len(merge(refs)) == 2


def test_a_report_located_to_an_area_joins_the_one_incident_inside_it():
    incs = merge(_refs(_m(_R, "Air/drone strike", "Hodeidah", 8, "airstrike"),
                       _m(_R, "Air/drone strike", "Hodeidah", 8, "airstrike"),
                       _m(_R, "Air/drone strike", "Yemen", 8, "airstrike", precision="country")))
    assert len(incs) == 1 and incs[0].place == "Hodeidah"


def test_an_area_report_between_two_equal_incidents_stays_apart():
    incs = merge(_refs(_m(_R, "Air/drone strike", "Hodeidah", 8, "airstrike"),
                       _m(_R, "Air/drone strike", "Marib", 8, "airstrike"),
                       _m(_R, "Air/drone strike", "Central highlands", 8, "airstrike", precision="region")))
    assert len(incs) == 3


def test_a_facility_spelled_two_ways_is_one_place():
    assert similar_names("Al-Thawra General Hospital", "Thawra hospital")
    assert similar_names("Odesa railway station", "Odesa train station")
    assert not similar_names("Thawra hospital", "Thawra school")
    assert not similar_names("Taiz", "Taiz general hospital")


def test_killings_across_a_town_over_days_are_not_the_killing_at_its_hospital():
    hospital = _m("Violence against civilians", "Attack", "Taiz general hospital", 9, "killing", precision="near")
    town_week = _m("Violence against civilians", "Attack", "Taiz", 6, "massacre", days=5)
    town_day = _m("Violence against civilians", "Attack", "Taiz", 9, "massacre")
    hospital_week = _m("Violence against civilians", "Attack", "Taiz general hospital", 6, "killing", precision="near",
                       days=5)
    assert len(merge(_refs(hospital, town_week))) == 2      # the town's week contains the hospital's day
    assert len(merge(_refs(hospital, town_day))) == 1
    assert len(merge(_refs(hospital_week, town_day))) == 1  # a vaguer report of the site joins the dated one


def test_a_battle_in_which_ground_changed_hands_is_typed_by_it():
    incs = merge(_refs(_m("Battles", "Armed clash", "Ibb", 4, "fighting"), _m("Battles", "Armed clash", "Ibb", 4, "clashes"),
                       _m("Battles", "Non-state actor overtakes territory", "Ibb", 4, "captured")))
    assert [(i.event_type, i.sub_event_type) for i in incs] == [("Battles", "Non-state actor overtakes territory")]
