"""The figure extractor on sentences written for these tests, in the styles of several
crises (earthquake, Yemen, Sahel, Ukraine, migration), with the real spaCy model."""
from datetime import date

import pytest

from sitroom.extract import dates, entities, figures, places
from sitroom.extract.document import parse

PUB = date(2024, 3, 10)  # a Sunday


def run(text, published=PUB):
    ctx = parse(text, published)
    ctx.places = places.extract(ctx)
    ctx.entities = entities.extract(ctx)
    ctx.dates = dates.extract(ctx)
    return figures.extract(ctx)


def triples(text):
    return [(f.value, f.category, f.qualifier) for f in run(text)]


@pytest.mark.parametrize("text, expected", [
    # tallies
    ("The death toll from the earthquake rose to 1,200 on Tuesday.", [(1200, "killed", "exact")]),
    ("Officials put the death toll at 2,300.", [(2300, "killed", "exact")]),
    ("Activists put the number of people detained by the militia at about 3,500.", [(3500, "detained", "about")]),
    ("The total number of refugees now stands at 6.3 million.", [(6_300_000, "displaced", "exact")]),
    ("The toll has climbed from 20 to 68, the interior ministry said.", [(68, "killed", "exact")]),
    # verbs, nouns and adjectives that say what happened
    ("Some 3,000 families were displaced by the floods.", [(3000, "displaced", "about")]),
    ("A dozen soldiers died in the ambush.", [(12, "killed", "exact")]),
    ("Forty-two bodies were recovered from the rubble.", [(42, "killed", "exact")]),
    ("Fifteen people were hospitalised with burns.", [(15, "injured", "exact")]),
    ("Fourteen people are still unaccounted for.", [(14, "missing", "exact")]),
    ("Gunmen abducted 287 pupils from a school.", [(287, "detained", "exact")]),
    ("Over 500,000 Afghans have been deported since November.", [(500_000, "displaced", "more_than")]),
    ("More than 1.5 million people are sheltering in the southern city.", [(1_500_000, "displaced", "more_than")]),
    # "nearly" is coded about (the gold files' convention); "fewer than", "just under" are fewer_than
    ("Nearly 7,000 people crossed into the neighbouring country on Monday.", [(7000, "arrived", "about")]),
    ("Just under 2,000 people crossed the border on Sunday.", [(2000, "arrived", "fewer_than")]),
    ("The agency said 65,000 refugees had arrived from the enclave.", [(65000, "arrived", "exact")]),
    ("About 6,000 people were evacuated from villages near the volcano.", [(6000, "evacuated", "about")]),
    ("Some 25 million people need humanitarian assistance, the UN says.", [(25_000_000, "affected", "about")]),
    ("The floods have affected 1.2 million people across the delta.", [(1_200_000, "affected", "exact")]),
    ("Twenty-five miners remain trapped underground.", [(25, "affected", "exact")]),
    ("The district is home to some 1.2 million people.", [(1_200_000, "population", "about")]),
    ("The city's population of 400,000 has been without power.", [(400_000, "population", "exact")]),
    ("Doctors treated 85 people for smoke inhalation.", [(85, "injured", "exact")]),
    ("Fewer than 1,000 prisoners remain in custody.", [(1000, "detained", "fewer_than")]),
    ("Two children were among the dead.", [(2, "killed", "exact")]),
    ("At least 1,000 people are feared dead after the dam burst.", [(1000, "killed", "at_least")]),
    # coordination: each number takes its own verb, or the shared one
    ("The airstrike hit a market, killing at least 12 and wounding 40, witnesses said.",
     [(12, "killed", "at_least"), (40, "injured", "exact")]),
    ("The attack left 9 dead and 30 wounded.", [(9, "killed", "exact"), (30, "injured", "exact")]),
    ("One person was killed and four were wounded in the drone attack.",
     [(1, "killed", "exact"), (4, "injured", "exact")]),
    ("Officials said 3 people died and 12 others were hurt when the bus overturned.",
     [(3, "killed", "exact"), (12, "injured", "exact")]),
    ("The quake left 4,000 people homeless and injured 1,500.", [(4000, "displaced", "exact"),
                                                                 (1500, "injured", "exact")]),
    # sub-counts take the category of the count they belong to
    ("The strike killed three people, including two children.", [(3, "killed", "exact"), (2, "killed", "exact")]),
    ("About 700 were killed in the fighting, 120 of them civilians.", [(700, "killed", "about"),
                                                                       (120, "killed", "exact")]),
    ("The strike wounded 27 people, seven of them seriously.", [(27, "injured", "exact"), (7, "injured", "exact")]),
    # a count whose clause holds another count is not given that clause's category
    ("The ship carried 600 volunteers, 12 of whom were arrested.", [(12, "detained", "exact")]),
    # detention and hostages
    ("300 were arrested during the protests, police said.", [(300, "detained", "exact")]),
    ("The army said 240 hostages were taken across the border.", [(240, "detained", "exact")]),
    # number words and scales
    ("Around half a million people live in the besieged city.", [(500_000, "population", "about")]),
    ("Two hundred and fifty migrants drowned when the boat capsized.", [(250, "killed", "exact")]),
    ("The rebels freed 1.2m prisoners, the minister claimed.", [(1_200_000, "detained", "exact")]),
    # qualifiers after the number
    ("A dozen or so fishermen are missing.", [(12, "missing", "about")]),
    ("We counted 100 or more bodies in the ravine.", [(100, "killed", "at_least")]),
])
def test_counts_of_people(text, expected):
    assert triples(text) == expected


@pytest.mark.parametrize("text", [
    "The 69-year-old was killed by shrapnel 3 km from the front line.",
    "The 7.8 magnitude quake struck at 4:17 am, 18 km from the city.",
    "Nigeria has carried out 180 strikes in 24 hours.",
    "Rebels seized 14 villages and destroyed 20 tanks.",
    "Russian forces fired 30 missiles and 25 drones overnight.",
    "Only 20 per cent of hospitals are functioning.",
    "The fighting has displaced tens of thousands and killed hundreds.",
    "Hundreds were killed and thousands more were displaced.",
    "Several thousand people gathered in the square.",
    "A few hundred protesters were detained.",
    "Dozens of people were injured.",
    "Children under 5 are most at risk.",
    "Men aged 18 to 60 are banned from leaving the country.",
    "The $2 billion package includes 50 Patriot missiles.",
    "He spent 12 years in jail.",
    "No one was hurt in the incident.",
    "The army said one of its soldiers was killed.",
    "At one point, the convoy stopped for two days.",
    "The battalion, 300-strong, withdrew across the river.",
    "Aid trucks carrying 1,000 tonnes of flour entered the territory.",
    "The UN adopted resolution 2720 by 13 votes to none.",
    "In 1994, the genocide began on 7 April.",
])
def test_not_figures(text):
    assert run(text) == []


def test_ranges():
    (a,) = run("Between 20 and 30 migrants drowned off the coast.")
    # a range's value is its low end (the gold files' convention); low and high carry both
    assert (a.value, a.low, a.high, a.qualifier, a.category) == (20, 20, 30, "range", "killed")
    assert a.subject == "migrants"
    _, b = run("The fire killed 7 people and injured 20-30 others.")
    assert (b.low, b.high, b.qualifier, b.category) == (20, 30, "range", "injured")
    (c,) = run("From 2 to 3 million people have been uprooted.")
    assert (c.low, c.high, c.qualifier, c.category) == (2_000_000, 3_000_000, "range", "displaced")
    (d,) = run("Five or six soldiers were captured near the bridge.")
    assert (d.low, d.high, d.qualifier, d.category) == (5, 6, "range", "detained")


def test_subjects():
    assert run("Eleven Chadian soldiers were killed overnight.")[0].subject == "Chadian soldiers"
    assert run("The army said it had detained 45 suspected militants.")[0].subject == "suspected militants"
    assert run("At least 17,500 Ukrainians have fled the region.")[0].subject == "Ukrainians"
    assert run("A large part of the province's 900,000 population has fled.")[0].subject == \
        "population of province"
    assert run("The strike killed five civilians, including a 10-year-old girl.")[0].subject == "civilians"


def test_attribution():
    def who(text):
        return [f.attributed_to for f in run(text)]
    assert who("Eleven soldiers were killed, according to the defence ministry in the capital.") == \
        ["defence ministry"]
    assert who("An estimated 25,000 people have been killed in the conflict, according to ACLED.") == ["ACLED"]
    assert who("At least 23 people were injured when a missile struck, officials say.") == ["officials"]
    assert who("The health ministry said 31,045 people had been killed and 72,654 wounded.") == \
        ["health ministry", "health ministry"]
    assert who("At least 60 people died in the landslide.") == [None]
    assert who("Around half a million people live in the city, according to UN estimates.") == ["UN"]


def test_attribution_inside_quotes():
    text = ("Dr. Leila Haddad runs the only working hospital in the town.\n\n"
            "\"We received 120 wounded in a single night,\" said Dr. Leila Haddad. "
            "\"Twelve of them died before we could operate.\"\n\n"
            "The governor wrote on Telegram: \"Two people were killed in the strike on the depot.\"\n\n"
            "\"More than 100 people were detained,\" Haddad told reporters.")
    got = [(f.value, f.category, f.attributed_to) for f in run(text)]
    assert got == [(120, "injured", "Leila Haddad"), (12, "killed", "Leila Haddad"),
                   (2, "killed", "governor"), (100, "detained", "Leila Haddad")]


def test_as_of():
    def as_of(text):
        return [f.as_of for f in run(text)]
    # a weekday in the sentence dates a tally; else the publication date
    assert as_of("The death toll rose to 1,200 on Tuesday.") == [date(2024, 3, 5)]
    # a toll of the days the report covers stands as of the report: the day dates the harm
    assert as_of("Nine people were wounded on Tuesday when a shell hit a bus.") == [PUB]
    # ... unless it is the day of the statement that gives it, or an earlier happening
    assert as_of("The Red Crescent said on Tuesday that nine people were wounded.") == [date(2024, 3, 5)]
    assert as_of("Nine people had been wounded in a raid on Tuesday.") == [date(2024, 3, 5)]
    # weeks before the report, a dated happening keeps its day
    assert as_of("On 3 February, 14 people were killed in Bunia.") == [date(2024, 2, 3)]
    assert as_of("At least 60 people died in the landslide.") == [PUB]
    # "since ..." opens a running count: it is as of publication
    assert as_of("12,480 Yemenis had been killed since March 26.") == [PUB]
    # a year: the end of it
    assert as_of("In 2020, 6,500 soldiers were killed in the war.") == [date(2020, 12, 31)]
    # an event named by its year does not date the count
    assert as_of("The 2023 earthquake killed 59,000 people.") == [PUB]
    # a standing population has no date unless one is given
    assert as_of("The district is home to some 1.2 million people.") == [None]


def test_provenance_and_cue():
    text = "Fighting resumed. Some 3,000 families were displaced by the floods on Friday."
    (f,) = run(text)
    assert text[f.start:f.end] == "3,000"
    assert f.sentence == "Some 3,000 families were displaced by the floods on Friday."
    assert 3 <= len(f.cue.split()) <= 8 and "3,000" in f.cue
    assert f.as_of == PUB   # displaced on Friday: the count stands as of the report


def test_one_figure_per_mention_across_sentences():
    text = ("At least 40 people were killed in the shelling. Another 40 people were wounded, "
            "the regional governor said. Rescuers evacuated 150 residents.")
    got = [(f.value, f.category) for f in run(text)]
    assert got == [(40, "killed"), (40, "injured"), (150, "evacuated")]


def test_no_publication_date():
    (f,) = run("At least 12 people were killed.", published=None)
    assert f.as_of is None and f.category == "killed"
