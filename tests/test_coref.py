"""Event coreference within and across reports, parent and part, undated reports: on
reports of our own from several crises and countries."""
from datetime import date

from sitroom.extract.document import extract_document
from sitroom.fuse import coref
from sitroom.fuse.incidents import JOIN_THRESHOLD, MentionRef, attach_score, merge, summarise
from sitroom.models import EventMention

REMOTE, BATTLE, VAC, STRAT = ("Explosions/Remote violence", "Battles", "Violence against civilians",
                              "Strategic developments")


def mentions(text: str, published: date | None = date(2024, 5, 15)) -> list[EventMention]:
    facts = extract_document(text, published)
    assert facts.failures == [], facts.failures
    return facts.events


def refs(*reports: tuple[str, date | None]) -> list[MentionRef]:
    out = []
    for k, (text, published) in enumerate(reports, start=1):
        out += [MentionRef(mention=m, source_id=k, article=f"r{k}", origin_group=f"g{k}", published=published)
                for m in mentions(text, published)]
    return out


# ---------------------------------------------------------------- within one report

def test_the_blast_refers_back_to_the_explosion_within_a_report():
    incs = merge(refs(("A fuel depot exploded in Beira on Monday. The blast killed 14 people, "
                       "local officials said.", date(2024, 5, 15))))
    assert len(incs) == 1
    assert incs[0].killed_high == 14 and incs[0].place == "Beira"


def test_trigger_families_come_from_the_lexicon():
    assert coref.family("exploded") == coref.family("blast") == "explosion"
    assert coref.family("shelled") == coref.family("bombardment") == "shelling"
    assert coref.family("air strike") == "strike"
    assert "explosion" in coref.family_of("the blast").refers_to


# ---------------------------------------------------------------- across reports

def test_an_explosion_and_a_missile_strike_in_two_reports_are_one_incident():
    incs = merge(refs(
        ("A loud explosion shook the port of Odesa on Tuesday, witnesses said.", date(2024, 5, 15)),
        ("A Russian missile struck the port of Odesa on Tuesday, killing three dock workers.", date(2024, 5, 15))))
    assert len([i for i in incs if i.place == "Odesa"]) == 1
    inc = next(i for i in incs if i.place == "Odesa")
    assert inc.event_type == REMOTE and set(inc.articles) == {"r1", "r2"}


def test_a_facility_and_the_town_around_it_join_when_the_site_agrees():
    incs = merge(refs(
        ("An air strike hit a hospital in Sanaa on Sunday, killing seven patients.", date(2024, 5, 15)),
        ("Seven patients died when the Al-Sabeen hospital was hit from the air on Sunday, doctors said. "
         "The Al-Sabeen hospital lies in the south of Sanaa.", date(2024, 5, 15))))
    strikes = [i for i in incs if i.event_type == REMOTE]
    assert len(strikes) == 1 and set(strikes[0].articles) == {"r1", "r2"}


def test_two_sites_hit_on_one_day_stay_apart():
    incs = merge(refs(
        ("An air strike hit a church in Aleppo on Thursday.", date(2024, 5, 17)),
        ("An air strike hit a school in Aleppo on Thursday.", date(2024, 5, 17))))
    assert len([i for i in incs if i.event_type == REMOTE]) == 2


def test_two_towns_shelled_on_one_day_in_one_region_stay_apart():
    incs = merge(refs(("Artillery shelled Izium on Monday.", date(2024, 5, 15)),
                      ("Artillery shelled Sloviansk on Monday.", date(2024, 5, 15))))
    assert len(incs) == 2


def test_a_ceasefire_and_a_blast_never_join():
    a = EventMention(start=0, end=5, sentence="ceasefire", trigger="ceasefire", event_type=STRAT,
                     sub_event_type="Agreement", label="x", place="Aden", lat=12.8, lon=45.0,
                     geo_precision="point", date_start=date(2024, 3, 4), date_end=date(2024, 3, 4))
    b = EventMention(**{**a.__dict__, "trigger": "blast", "sub_event_type": "Other"})
    assert coref.type_weight(a, b) == 0
    assert coref.score(a, b) == 0


def test_attach_score_and_merge_decide_by_the_same_evidence():
    rs = refs(("Rebels seized the town of Bunia on Monday after heavy fighting.", date(2024, 5, 15)),
              ("Rebels captured Bunia on Monday, residents said.", date(2024, 5, 15)),
              ("Police arrested 40 protesters in Kinshasa on Monday.", date(2024, 5, 15)))
    first, second = [r for r in rs if r.article == "r1"], [r for r in rs if r.article == "r2"]
    other = [r for r in rs if r.article == "r3"]
    assert attach_score(second[0], first) >= JOIN_THRESHOLD
    assert attach_score(other[0], first) < JOIN_THRESHOLD
    joined = [i for i in merge(rs) if {"r1", "r2"} <= set(i.articles)]
    assert len(joined) == 1 and "r3" not in joined[0].articles


def test_an_undated_report_joins_the_incident_its_place_and_words_name():
    incs = merge(refs(("A roadside bomb killed four soldiers near Kunduz on Wednesday.", date(2024, 5, 16)),
                      ("A roadside bomb killed four soldiers near Kunduz.", None)))
    assert len(incs) == 1 and str(incs[0].date_start) == "2024-05-15"


def test_an_incident_no_report_dates_is_marked_unknown():
    incs = merge(refs(("Gunmen killed five villagers near Gao.", None)))
    assert incs and all(i.date_start is None and i.date_precision == "unknown" and not i.date_known for i in incs)


# ---------------------------------------------------------------- parent and part

def test_a_siege_and_the_shelling_inside_it_are_parent_and_part():
    incs = merge(refs(
        ("The militia has besieged Kadugli since May 2, cutting the roads into the town.", date(2024, 5, 20)),
        ("Militiamen shelled the main market of Kadugli on Friday, killing six traders.", date(2024, 5, 20))))
    siege = next(i for i in incs if i.umbrella == "siege")
    shelling = next(i for i in incs if i.event_type == REMOTE)
    assert shelling.parent_id == siege.id and shelling.id in siege.parts
    assert siege.id != shelling.id and "r2" not in siege.articles


def test_an_offensive_over_weeks_holds_the_battles_inside_it():
    base = dict(start=0, end=5, sentence="s", label="x", country="SD", geo_precision="point")
    offensive = EventMention(trigger="offensive", event_type=BATTLE, sub_event_type="Armed clash", place="Kadugli",
                             lat=11.01, lon=29.72, date_start=date(2024, 3, 1), date_end=date(2024, 3, 30), **base)
    clash = EventMention(trigger="clashes", event_type=BATTLE, sub_event_type="Armed clash", place="Kadugli",
                         lat=11.01, lon=29.72, date_start=date(2024, 3, 12), date_end=date(2024, 3, 12), **base)
    incs = merge([MentionRef(mention=offensive, source_id=1, article="a1", origin_group="g1"),
                  MentionRef(mention=clash, source_id=2, article="a2", origin_group="g2")])
    assert len(incs) == 2
    umbrella = next(i for i in incs if i.umbrella)
    part = next(i for i in incs if not i.umbrella)
    assert part.parent_id == umbrella.id


def test_summarise_keeps_the_fields_merge_gives():
    rs = refs(("Rebels seized the town of Bunia on Monday after heavy fighting.", date(2024, 5, 15)))
    inc = summarise(rs, "i-fixed")
    assert inc.id == "i-fixed" and inc.event_type == BATTLE and inc.date_precision in ("day", "week")
