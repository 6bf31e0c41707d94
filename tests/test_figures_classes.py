"""Classes of figure errors, each on sentences written for this test in the styles of
several crises (earthquakes, floods, wars, migration, gang violence), with the real
spaCy model; and the lexicons and rule tables the figure extractor reads."""
from datetime import date

import pytest

from sitroom.extract import dates, entities, figures, lexicon, places, rules
from sitroom.extract.document import parse

PUB = date(2024, 3, 10)


def run(text, published=PUB):
    ctx = parse(text, published)
    ctx.places = places.extract(ctx)
    ctx.entities = entities.extract(ctx)
    ctx.dates = dates.extract(ctx)
    return figures.extract(ctx)


def pairs(text):
    return [(f.value, f.category) for f in run(text)]


@pytest.mark.parametrize("text, expected", [
    # coordination: each number takes its own participle, not the one it is joined to
    ("Eight soldiers were killed and another 14 wounded in the raid.", [(8, "killed"), (14, "injured")]),
    ("The mayor, Lina Osei, told the radio of 12 dead and more than 40 injured, "
     "calling it a planned attack on the market.", [(12, "killed"), (40, "injured")]),
    ("The blast left 14 residents of the block injured and 3 missing.", [(14, "injured"), (3, "missing")]),
    ("Five killed, 12 wounded in Kabul blast", [(5, "killed"), (12, "injured")]),
    ("The earthquake killed more than 50,000 people in Turkey and Syria and injured over 100,000.",
     [(50000, "killed"), (100000, "injured")]),
    # a resultative "leave": the category comes from the predicate, not from flight
    ("The shelling of the market also left 40 residents of the district wounded, the mayor said.",
     [(40, "injured")]),
    ("The attack left 40 people dead in Kharkiv.", [(40, "killed")]),
    ("The quake rendered 2,000 families homeless in the valley.", [(2000, "displaced")]),
    ("The floods also left 350 families stranded in the delta.", [(350, "affected")]),
    # "leave" with a place is flight
    ("About 12,000 residents have left Mariupol.", [(12000, "displaced")]),
    ("Some 300 people left for Poland on Sunday.", [(300, "displaced")]),
    # a nominalisation counts its "of" object
    ("Rights groups reported the abduction of more than 200 students.", [(200, "detained")]),
    ("The killing of 19 villagers sparked protests.", [(19, "killed")]),
    # a category noun as a tally: "deaths rose to", "injuries standing at"
    ("The death toll stood at 45 with injuries standing at 120.", [(45, "killed"), (120, "injured")]),
    ("Deaths have risen to 300.", [(300, "killed")]),
    # a total of the people of a noun takes its category
    ("The displaced families, totalling some 9,000 people, need food.", [(9000, "displaced")]),
    # a place's people with nothing happening to them: its population
    ("The 1.1 million people of the north were told to move.", [(1_100_000, "population")]),
    ("Idlib's 2.9 million people have nowhere to go.", [(2_900_000, "population")]),
    # people present where something happened (category other)
    ("Around 3,000 people were at the stadium when the bomb exploded.", [(3000, "other")]),
    ("About 900 fans had been inside the arena and near it.", [(900, "other")]),
    # states: "in critical condition", "at risk", "without shelter"
    ("Twelve people are in critical condition.", [(12, "injured")]),
    ("About 2 million children are at risk of malnutrition.", [(2_000_000, "affected")]),
    ("Some 200,000 people remain without shelter.", [(200_000, "displaced")]),
    ("About 1.5 million people were left without power after the storm.", [(1_500_000, "affected")]),
    # sub-counts: joined ones, "among the dead were", "the wounded included"
    ("Gangs killed at least 70 people, including 10 women and three infants, in the town.",
     [(70, "killed"), (10, "killed"), (3, "killed")]),
    ("Among the 45 dead were 12 children and 9 women.", [(45, "killed"), (12, "killed"), (9, "killed")]),
    ("The 27 wounded included four police officers.", [(27, "injured"), (4, "injured")]),
    ("The rebels are holding 30 hostages, including five foreigners.", [(30, "detained"), (5, "detained")]),
    # number words
    ("At least three dozen people were hurt.", [(36, "injured")]),
    ("He said a quarter of a million people had fled.", [(250_000, "displaced")]),
    ("Two hundred thousand people fled.", [(200_000, "displaced")]),
    ("One hundred and twenty people were arrested.", [(120, "detained")]),
])
def test_classes(text, expected):
    assert pairs(text) == expected


@pytest.mark.parametrize("text", [
    "The war has killed 10,000s.",                       # a vague amount
    "Two-thirds of a million people fled.",              # a fraction we do not read
    "The UN's 193 members voted on the text.",           # members are not a population
    "The army's 40,000 soldiers are on alert.",          # "on alert" is not a place
    "He was born on March 14 in a village near the border.",
    "The clashes over 3 villages continued.",
])
def test_not_figures(text):
    assert run(text) == []


def test_ranges_and_alternatives():
    (a,) = run("Some 40 to 50 migrants were rescued off the coast.")
    assert (a.value, a.low, a.high, a.qualifier) == (40, 40, 50, "range")
    (b,) = run("Two or three fishermen are missing.")
    assert (b.low, b.high, b.qualifier, b.category) == (2, 3, "range", "missing")
    # far-apart numbers set against each other are two counts, not one estimate
    got = [(f.value, f.qualifier) for f in run("There were not 200 or 500 dead, the official said.")]
    assert got == [(200, "exact"), (500, "exact")]
    # a change is not a range: the figure is where it went
    (c,) = run("The toll was revised from 30 to 52 on Sunday.")
    assert (c.value, c.low, c.qualifier) == (52, None, "exact")


def test_qualifiers():
    def q(text):
        return [f.qualifier for f in run(text)]
    assert q("Nearly 900 people were evacuated.") == ["about"]
    assert q("Just under 2,000 people crossed the border.") == ["fewer_than"]
    assert q("We found 40 or more bodies.") == ["at_least"]
    assert q("An estimated 7,000 people fled.") == ["about"]
    assert q("No fewer than 12 journalists were detained.") == ["at_least"]


def test_attribution_classes():
    def who(text):
        return [f.attributed_to for f in run(text)]
    # a dateline is not the speaker; a count in a background clause is the outlet's
    assert who("LIMA, Peru (Reuters) — President Ana Ruiz said she wants a full inquiry after a bridge "
               "collapsed, killing at least 31 people.") == [None]
    assert who("LIMA (Reuters) - Interior Minister Ana Ruiz said 12 miners were trapped.") == \
        ["Interior Minister Ana Ruiz"]
    # "an assessment that estimates": the noun the relative clause is about
    got = who("A report quoted a United Nations survey that estimates that between 40 and 60 people "
              "died in the blaze.")
    assert got and "United Nations" in got[0]
    # an acronym spelt like a pronoun is a source
    assert who("More than 3,000 have been injured since the fighting began, WHO said.") == ["WHO"]
    # the verbs of saying of a direct quote are read from the document's own words
    text = ("\"We buried 14 people this morning,\" the village chief told reporters.\n\n"
            "The regional governor wrote on Telegram: \"Nine people were rescued from the ruins.\"")
    assert [(f.value, f.attributed_to) for f in run(text)] == [(14, "village chief"), (9, "regional governor")]


def test_lexicons_are_data():
    # every figure lexicon has the lang/term/.../source header and English rows
    for kind in ("figure_people", "figure_categories", "figure_qualifiers", "figure_units", "figure_vague",
                 "figure_number_words", "figure_function_words", "figure_states", "figure_tally_nouns",
                 "figure_attribution", "figure_source_verbs", "figure_place_nouns"):
        assert lexicon.rows(kind, "en"), kind
    # every category is a schema category and every condition parses
    schema = {"killed", "injured", "missing", "displaced", "arrived", "evacuated", "population", "detained",
              "affected", "other"}
    atoms = {"verb", "noun", "count_subject", "count_object", "count_arg", "place_object", "prep", "particle",
             "xcomp"}
    for r in lexicon.rows("figure_categories", "en"):
        assert r.category in schema, r
        for alt in filter(None, r.condition.split("|")):
            for atom in alt.split("&"):
                assert atom.lstrip("!").partition(":")[0] in atoms, r
    assert {r.qualifier for r in lexicon.rows("figure_qualifiers", "en")} <= \
        {"at_least", "more_than", "up_to", "fewer_than", "about"}


def test_rule_table_registered():
    table = rules.all_tables()["figures.en"]
    assert table.check() == []
    assert {r.label for r in table} >= {"qualifier_before", "qualifier_after", "vague_before", "unit_after",
                                        "unit_before", "label_before", "according"}


def test_number_words_through_text2num():
    assert figures._words_value("two hundred and fifty") == 250
    assert figures._words_value("forty-two") == 42
    assert figures._words_value("twelve hundred") == 1200
    assert figures._words_value("a dozen") == 12
    assert figures._words_value("half a million") == 500_000
    assert figures._words_value("a hundred") == 100
    assert figures._words_value("hundred") is None      # "a few hundred": no count before the scale
    assert figures._words_value("five six") is None     # two numbers, not one
