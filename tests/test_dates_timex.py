"""TIMEX3 typing and values, tense-aware anchoring, vague windows, other languages and
what the evaluation export keeps: on sentences of our own, with the real spaCy parse."""
from datetime import date

import pytest

from sitroom.extract import dates
from sitroom.extract.document import extract_document, parse
from sitroom.export.eval import document_records

PUB = date(2024, 3, 14)  # a Thursday, ISO week 2024-W11


def timex(text, pub=PUB, language="en"):
    return {t.surface: (t.type, t.value) for t in dates.timexes(parse(text, pub, language=language))}


def found(text, pub=PUB, language="en"):
    return {d.surface: d.value for d in dates.extract(parse(text, pub, language=language))}


@pytest.mark.parametrize("text, surface, typ, value", [
    # durations
    ("The shelter was closed for three weeks in January.", "three weeks", "DURATION", "P3W"),
    ("It was the worst flood in a decade.", "a decade", "DURATION", "P10Y"),
    ("The 18-month siege ended in a truce.", "18-month", "DURATION", "P18M"),
    ("Repairs will take two and a half years.", "two and a half years", "DURATION", "P2.5Y"),
    ("Rain fell for 36 hours without a break.", "36 hours", "DURATION", "PT36H"),
    ("Convoys waited for several days at the crossing.", "several days", "DURATION", "PXD"),
    ("Families have lived in tents for years.", "years", "DURATION", "PXY"),
    ("The ferry sank minutes before the storm hit.", "minutes", "DURATION", "PTXM"),
    ("The clean-up could take between 12 and 18 months.", "12", "DURATION", "P12M"),
    ("The clean-up could take between 12 and 18 months.", "18 months", "DURATION", "P18M"),
    ("Prices rose sharply over the past two years.", "the past two years", "DURATION", "P2Y"),
    ("Aid cuts are expected in the next few months.", "the next few months", "DURATION", "PXM"),
    # sets
    ("The ministry updates the toll every week.", "every week", "SET", "P1W"),
    ("Water is trucked in every other day.", "every other day", "SET", "P2D"),
    ("Patrols leave the base every morning.", "every morning", "SET", "XXXX-XX-XXTMO"),
    ("Medical teams visit the camp weekly.", "weekly", "SET", "P1W"),
    ("The river floods annually.", "annually", "SET", "P1Y"),
    # clock times and parts of the day
    ("The curfew starts at 8 pm on weekdays.", "8 pm", "TIME", "2024-03-14T20:00"),
    ("The match was moved to 15:00 GMT Saturday.", "15:00 GMT Saturday", "TIME", "2024-03-09T15:00Z"),
    ("Sirens sounded on Tuesday night across the city.", "Tuesday night", "TIME", "2024-03-12TNI"),
    ("Shells hit the market this morning.", "this morning", "TIME", "2024-03-14TMO"),
    ("Drones attacked the port last night.", "last night", "TIME", "2024-03-13TNI"),
    # references with no calendar value
    ("The road is currently closed to trucks.", "currently", "DATE", "PRESENT_REF"),
    ("The valley has flooded in the past.", "the past", "DATE", "PAST_REF"),
    ("The mayor recently visited the camp.", "recently", "DATE", "PAST_REF"),
    # calendar values
    ("Talks collapsed last week.", "last week", "DATE", "2024-W10"),
    ("Two clinics reopened this week.", "this week", "DATE", "2024-W11"),
    ("Fighting flared over the weekend.", "the weekend", "DATE", "2024-W10-WE"),
    ("The drought hit hardest last summer.", "last summer", "DATE", "2023-SU"),
    ("Exports fell in the fourth quarter of 2023.", "the fourth quarter of 2023", "DATE", "2023-Q4"),
    ("The camp was first built in the 1990s.", "the 1990s", "DATE", "199"),
    ("The border was drawn in the 19th century.", "19th century", "DATE", "18"),
    ("The dam burst four years ago.", "four years ago", "DATE", "2020"),
    ("The harbour was rebuilt six months ago.", "six months ago", "DATE", "2023-09"),
])
def test_types_and_values(text, surface, typ, value):
    assert timex(text).get(surface) == (typ, value)


def test_extent_leaves_out_the_preposition():
    got = timex("Since June 2023 the road has been closed; on Monday it reopened.")
    assert set(got) == {"June 2023", "Monday"}


@pytest.mark.parametrize("text", [
    "Children aged 6 months and older get the vaccine.",
    "The 45-year-old driver was unhurt.",
    "A second convoy arrived.",
    "A quarter of the houses were damaged.",
    "Now that the bridge is open, aid can cross.",
    "The score was 3:1 at half time.",
])
def test_not_time_expressions(text):
    assert timex(text) == {}


# ---------------------------------------------------------------- anchoring

@pytest.mark.parametrize("text, surface, value", [
    # a later month of this year when the clause is present, future or an infinitive
    ("The mandate runs through June.", "through June", "2024-06"),
    ("The relief programme is to run until June.", "until June", "2024-06"),
    ("Elections are due in November.", "in November", "2024-11"),
    ("The vote is on 5 May.", "on 5 May", "2024-05-05"),
    # the most recent one in a past clause
    ("The ministry agreed in October to sell the port.", "in October", "2023-10"),
    ("The river peaked in June.", "in June", "2023-06"),
    ("The tribunal opened on 5 May.", "on 5 May", "2023-05-05"),
    # a month before publication never moves to next year on the present tense alone
    ("The report covers February.", "February", "2024-02"),
    # "until" looks ahead unless the clause is in the simple past
    ("The match has been postponed until Saturday.", "until Saturday", "2024-03-16"),
    ("The curfew lasted until Saturday.", "until Saturday", "2024-03-09"),
    # "by the end of the year": last year's end in a past clause
    ("Cases rose in the autumn and peaked by the end of the year.", "the end of the year", "2023"),
    ("The road will reopen by the end of the year.", "the end of the year", "2024"),
    ("Shipments resume after October of next year.", "October of next year", "2025-10"),
])
def test_tense_decides_the_year(text, surface, value):
    got = {d.surface.removeprefix("by ").removeprefix("after "): d.value for d in
           dates.extract(parse(text, PUB))}
    assert got.get(surface) == value, got


def test_calendar_week_and_rolling_window():
    assert found("Talks collapsed last week.") == {"last week": "2024-03-04/2024-03-10"}
    assert found("Over the past week, thousands crossed.") == {"the past week": "2024-03-07/2024-03-14"}
    assert timex("Over the past week, thousands crossed.") == {"the past week": ("DURATION", "P1W")}


def test_durations_of_an_ongoing_state_keep_their_window():
    ctx = parse("The town has been under siege for nine months.", PUB)
    [d] = dates.extract(ctx)
    assert (d.surface, d.value, d.timex_type, d.timex_value) == ("nine months", "2023-06-14/2024-03-14",
                                                                 "DURATION", "P9M")
    assert dates.extract(parse("The refugees stayed there for two weeks in 2019.", PUB))[0].surface == "in 2019"


def test_weekday_named_with_its_date():
    got = found("The dam was hit this Tuesday (12). A report was seen on Thursday (Mar 7) by reporters.")
    assert got == {"this Tuesday (12)": "2024-03-12", "on Thursday (Mar 7)": "2024-03-07"}


def test_weekday_after_a_place_name():
    assert found("Markets fell sharply in Europe and Asia Monday.") == {"Monday": "2024-03-11"}


def test_the_narrative_day():
    got = timex("Stocks fell on Tuesday. The index closed the day 3% lower.")
    assert got["the day"] == ("DATE", "2024-03-12")


# ---------------------------------------------------------------- the page around the text

def test_a_page_date_label_is_not_a_date_of_the_story():
    assert found(" date 2024-03-14 Floods in the north\nRivers rose on Monday.") == {"on Monday": "2024-03-11"}


def test_a_page_stamp_after_publication_is_dropped():
    text = "Monday, 2 February 2026\nFloods in the north\nRivers rose on Monday, officials said."
    assert found(text) == {"on Monday": "2024-03-11"}


# ---------------------------------------------------------------- other languages

@pytest.mark.parametrize("language, text, expected", [
    ("fr", "Le port a été bombardé mardi soir. Les secours sont arrivés lundi.",
     {"mardi soir": "2024-03-12", "lundi": "2024-03-11"}),
    ("fr", "La ville a été prise au cours du week-end.", {"week-end": "2024-03-09/2024-03-10"}),
    ("fr", "Des milliers de personnes ont fui entre dimanche et mercredi.",
     {"entre dimanche et mercredi": "2024-03-10/2024-03-13"}),
    ("de", "Die Brücke wurde am Dienstag zerstört.", {"Dienstag": "2024-03-12"}),
    ("ru", "Школа была обстреляна во вторник.", {"вторник": "2024-03-12"}),
    ("uk", "Серед загиблих є діти; у середу евакуація тривала.", {"середу": "2024-03-13"}),
    ("ar", "أعلنت المنظمة الأربعاء نزوح الآلاف بين 10 و12 مارس.",
     {"الأربعاء": "2024-03-13", "10 و12 مارس": "2024-03-10/2024-03-12"}),
    ("ar", "اجتاحت القوات المدينة هذا الأسبوع.", {"هذا الأسبوع": "2024-03-11/2024-03-17"}),
])
def test_other_languages(language, text, expected):
    assert found(text, language=language) == expected


def test_part_of_day_in_another_language_is_a_time():
    assert timex("Le port a été bombardé mardi soir.", language="fr") == {"mardi soir": ("TIME", "2024-03-12TEV")}


# ---------------------------------------------------------------- what the evaluation export keeps

def test_export_keeps_calendar_dates_once_each():
    text = ("Shelling resumed on Friday. Friday's attack killed three people. Since Friday, roads are closed. "
            "The region was occupied in 2014 and again from 2020 to 2022. Residents have been without power "
            "for three weeks. Now the town is quiet. On Tuesday night a convoy arrived.")
    facts = extract_document(text, PUB)
    got = {(d["surface"], d["value"]) for d in document_records("x", facts)["dates"]}
    assert got == {("on Friday", "2024-03-08"), ("Since Friday", "2024-03-08"),
                   ("On Tuesday night", "2024-03-12")}


def test_an_interval_after_nothing_dated_is_a_duration():
    """"Three weeks later" with no date before it resolves to no day: the shorter reading
    inside it ("Three weeks") is kept; after a dated sentence, the whole is that day."""
    alone = "Three weeks later, the first aid convoy reached Kadugli."
    ctx = parse(alone, date(2024, 5, 1))
    assert [(alone[t.start:t.end], t.type, t.value) for t in dates.timexes(ctx)] == [("Three weeks", "DURATION", "P3W")]
    dated = "The siege of Kadugli began on 2 April. Three weeks later, the first aid convoy reached it."
    ctx = parse(dated, date(2024, 5, 1))
    got = [(dated[t.start:t.end], t.type, t.value) for t in dates.timexes(ctx)]
    assert ("Three weeks later", "DATE", "2024-04-23") in got
