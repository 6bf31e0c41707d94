"""Tolls linked to the happening their sentence or discourse names, and per incident
low/best/high, the trail, and a rising toll read as one series: sentences of our own."""
from datetime import date

from sitroom.extract.document import extract_document
from sitroom.fuse.incidents import MentionRef, merge
from sitroom.models import EventMention

PUB = date(2024, 5, 15)


def events(text: str, published: date = PUB):
    facts = extract_document(text, published)
    assert facts.failures == [], facts.failures
    return facts.events


def by_trigger(text: str) -> dict[str, EventMention]:
    return {e.trigger.lower(): e for e in events(text)}


def test_the_toll_from_the_blast_goes_to_the_blast_not_to_the_other_happening_of_the_sentence():
    got = by_trigger("The death toll from the market bombing in Maiduguri rose to 41 on Thursday, while a separate "
                     "attack on a church in Bauchi wounded three.")
    assert got["bombing"].killed == 41 and got["bombing"].injured is None
    assert got["attack"].killed is None and got["attack"].injured == 3


def test_a_toll_in_the_sentence_after_the_trigger_is_the_triggers():
    got = events("Artillery shelled a hospital in Kharkiv on Monday. Officials said four people were killed.")
    assert [e.killed for e in got] == [4]
    assert got[0].toll_source == "Officials"


def test_a_toll_after_a_definite_reference_is_the_happening_referred_to():
    got = events("A missile struck the railway station in Lozova on Friday. The death toll from the strike "
                 "rose to 23 on Saturday, officials said.")
    assert {e.killed for e in got} == {23}


def test_a_toll_of_another_place_in_the_next_sentence_is_not_the_triggers():
    got = events("A drone hit a bus station in Sumy on Friday. Meanwhile, volunteers in Izium exhumed "
                 "at least 40 bodies from a burial site.")
    assert all(e.killed != 40 for e in got if e.place == "Sumy")


def test_a_sub_count_is_not_a_whole_toll():
    got = events("A drone strike hit a fuel convoy near Tillaberi on Sunday, killing 11 drivers, "
                 "including two children.")
    assert [e.killed for e in got] == [11]
    got = events("Shelling killed 30 people in Idlib on Monday. Five children were among the dead.")
    assert {e.killed for e in got} == {30}


def test_a_count_over_two_happenings_is_no_toll_of_either():
    got = events("Two bombings shook Mogadishu on Monday. The two attacks killed 12 people, police said.")
    assert got and all(e.killed != 12 for e in got)
    got = events("A car bomb exploded outside a hotel in Mogadishu on Monday and a second bomb hit a checkpoint "
                 "nearby. The two attacks killed 12 people, police said.")
    assert got and all(e.killed != 12 for e in got)


def _m(killed, as_of, source=None):
    return EventMention(start=0, end=5, sentence=f"{killed} killed", trigger="strike", event_type=
                        "Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack", label="x",
                        place="Zaporizhzhia", country="UA", lat=47.84, lon=35.14, geo_precision="point",
                        date_start=date(2024, 3, 4), date_end=date(2024, 3, 4), date_precision="day",
                        killed=killed, toll_as_of=as_of, toll_source=source)


def test_a_toll_rising_over_days_is_one_series_with_the_latest_as_best():
    rs = [MentionRef(mention=_m(v, date(2024, 3, d), who), source_id=k, article=f"a{k}", origin_group=f"g{k}",
                     published=date(2024, 3, d))
          for k, (v, d, who) in enumerate([(9, 4, "regional governor"), (23, 5, "emergency service"),
                                           (41, 7, "regional governor")], start=1)]
    inc = merge(rs)[0]
    assert (inc.killed_low, inc.killed_best, inc.killed_high) == (9, 41, 41)
    assert inc.toll_series and not inc.toll_contested
    assert [(t.killed, t.as_of, t.attributed_to) for t in inc.toll_trail] == [
        (9, date(2024, 3, 4), "regional governor"), (23, date(2024, 3, 5), "emergency service"),
        (41, date(2024, 3, 7), "regional governor")]


def test_two_sources_giving_different_tolls_for_one_day_contradict():
    rs = [MentionRef(mention=_m(v, date(2024, 3, 5)), source_id=k, article=f"a{k}", origin_group=f"g{k}",
                     published=date(2024, 3, 5)) for k, v in enumerate([12, 40], start=1)]
    inc = merge(rs)[0]
    assert inc.toll_contested and not inc.toll_series
    assert (inc.killed_low, inc.killed_high) == (12, 40)


def test_the_grade_calls_a_dispute_contested_and_a_rising_series_not():
    from sitroom.fuse.grading import grade

    rising = [MentionRef(mention=_m(v, date(2024, 3, d)), source_id=k, article=f"a{k}", origin_group=f"g{k}",
                         published=date(2024, 3, d)) for k, (v, d) in enumerate([(9, 4), (23, 5), (41, 7)], start=1)]
    assert grade(merge(rising)[0]).grade == "corroborated"   # 9 -> 41 over three days is not a dispute
    dispute = [MentionRef(mention=_m(v, date(2024, 3, 5)), source_id=k, article=f"a{k}", origin_group=f"g{k}",
                          published=date(2024, 3, 5)) for k, v in enumerate([12, 40], start=1)]
    g = grade(merge(dispute)[0])
    assert g.grade == "contested" and "12 to 40" in g.reason
