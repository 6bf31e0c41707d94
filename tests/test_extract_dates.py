"""The time-expression extractor on sentences of our own, with the real spaCy parse.

Each case names the surface the extractor must report and the value it must resolve to
against the publication date. The seed check at the end reads the shared seed corpus
and gold at test time and scores with the shared scorer.
"""
import importlib.util
import json
from datetime import date
from pathlib import Path

import pytest

from sitroom.extract import dates
from sitroom.extract.document import parse

PUB = date(2024, 3, 14)  # a Thursday
SHARED = Path(__file__).resolve().parents[2] / "shared"


def found(text, pub=PUB, language="en"):
    return dates.extract(parse(text, pub, language=language))


def values(text, pub=PUB, language="en"):
    return {d.surface: d.value for d in found(text, pub, language)}


@pytest.mark.parametrize("text, surface, value", [
    # absolute
    ("The earthquake struck on 6 February 2023, killing thousands.", "on 6 February 2023", "2023-02-06"),
    ("Deliveries resumed on Friday, March 8.", "on Friday, March 8", "2024-03-08"),
    ("The levee broke on 2024-01-01 after heavy rain.", "on 2024-01-01", "2024-01-01"),
    ("The cyclone made landfall in mid-October 2023.", "in mid-October 2023", "2023-10"),
    ("Prices of bread doubled in late 2022.", "in late 2022", "2022"),
    ("The camp was first built in the 1990s.", "in the 1990s", "1990-01-01/1999-12-31"),
    ("The 2004 tsunami destroyed the harbour.", "The 2004 tsunami", "2004"),
    ("Refugees have arrived since the 2011 uprising.", "the 2011 uprising", "2011"),
    ("The militia held the town until 1996.", "until 1996", "1996"),
    # ranges
    ("Voting took place from 20 to 22 September 2023.", "from 20 to 22 September 2023", "2023-09-20/2023-09-22"),
    ("Shelling continued between 3 and 5 March.", "between 3 and 5 March", "2024-03-03/2024-03-05"),
    ("The drought lasted from 2019 to 2021.", "from 2019 to 2021", "2019-01-01/2021-12-31"),
    ("The siege lasted from March to May 2022.", "from March to May 2022", "2022-03-01/2022-05-31"),
    ("The region was occupied in 2014-15.", "in 2014-15", "2014-01-01/2015-12-31"),
    ("The report covers January through March.", "January through March", "2024-01-01/2024-03-31"),
    # relative to publication
    ("Floods swept the valley on Sunday night.", "on Sunday night", "2024-03-10"),
    ("Officials said Monday that the road was closed.", "Monday", "2024-03-11"),
    ("Also on Wednesday, the port reopened.", "Also on Wednesday", "2024-03-13"),
    ("Drones struck the port overnight, the governor said.", "overnight", "2024-03-13"),
    ("A curfew was imposed earlier this month.", "earlier this month", "2024-03"),
    ("More strikes hit the capital this week.", "this week", "2024-03-11/2024-03-17"),  # the ISO week
    ("The harvest failed last year.", "last year", "2023"),
    ("Last weekend's storm flooded the coast.", "Last weekend", "2024-03-09/2024-03-10"),
    ("Over the past week, thousands crossed the border.", "the past week", "2024-03-07/2024-03-14"),
    ("Aid convoys have been blocked since January.", "since January", "2024-01"),
    ("The blockade began last April.", "last April", "2023-04"),
    ("A year ago, the border was still open.", "A year ago", "2023"),  # year precision
    ("Fighting intensified over the weekend.", "over the weekend", "2024-03-09/2024-03-10"),
    ("Clinics closed during the winter.", "during the winter", "2023-12-01/2024-02-29"),
    ("Cholera spread in the spring of 2021.", "in the spring of 2021", "2021-03-01/2021-05-31"),
    ("We have been without clean water for three weeks.", "three weeks", "2024-02-22/2024-03-14"),
    # future tense looks forward
    ("Rescue teams will return on Monday.", "on Monday", "2024-03-18"),
    ("The mission will end in June.", "in June", "2024-06"),
    ("Donors will meet next week.", "next week", "2024-03-18/2024-03-24"),
    # relative to the narrative
    ("On 3 February 2024 the dam failed. Two days later, the river burst its banks.", "Two days later", "2024-02-05"),
    ("Talks began on Tuesday. The ceasefire had collapsed the previous day.", "the previous day", "2024-03-11"),
    ("He was elected in 1999 and re-elected four years later.", "four years later", "2003"),
    ("Two months ago the agency warned of famine. A year earlier it had asked for aid.",
     "A year earlier", "2023-01"),
    ("The assault began on 10 March. After one day of shelling, the garrison withdrew.", "one day", "2024-03-10"),
])
def test_resolved(text, surface, value):
    assert values(text).get(surface) == value


def test_now_is_a_present_reference_not_a_date():
    text = "Now, the town is surrounded. Now that the roads are open, aid can enter. They now hold the bridge."
    ctx = parse(text, PUB)
    assert [(t.surface, t.type, t.value) for t in dates.timexes(ctx)] == [
        ("Now", "DATE", "PRESENT_REF"), ("now", "DATE", "PRESENT_REF")]
    assert dates.extract(ctx) == []  # no calendar window: not a date of the store


@pytest.mark.parametrize("text, surface", [
    ("In recent weeks, hundreds have fled the camps.", "recent weeks"),
    ("The assault began on 10 March. In the weeks preceding the assault, troops massed.", "the weeks"),
    ("Aid agencies expect more arrivals in the coming days.", "the coming days"),
])
def test_vague_windows_stay_vague(text, surface):
    ctx = parse(text, PUB)
    got = {t.surface: (t.type, t.value) for t in dates.timexes(ctx)}
    assert got[surface][0] == "DURATION" and got[surface][1].startswith("PX")
    assert all(d.surface.lower().find(surface) < 0 for d in dates.extract(ctx))


@pytest.mark.parametrize("text", [
    "The 69-year-old farmer walked for 24 hours.",
    "It is a decades-long dispute over water.",
    "They may return when the roads reopen.",
    "March organisers said the march would go ahead.",
    "The camp housed 2500 families and 1800 children.",
    "The ministry counted 2,019 deaths.",
    "Some 1,500 people fled.",
    "Her novel Waiting For Tomorrow sold well.",
    "The refugees stayed in the camp for two weeks before moving on.",
    "The Arab Spring reached the city.",
    "Flight 2017 was diverted to the coast.",
    "UN Security Council Resolution 2334 was cited.",
])
def test_not_dates(text):
    assert values(text) == {}


def test_one_expression_per_mention():
    got = found("Since June 2023 the road has been closed; on 3 March it reopened.")
    assert [d.surface for d in got] == ["Since June 2023", "on 3 March"]


def test_records_carry_span_sentence_precision_and_anchor():
    text = "The ceasefire held. Shelling resumed on Monday near the dam."
    [d] = found(text)
    assert text[d.start:d.end] == d.surface == "on Monday"
    assert d.sentence == "Shelling resumed on Monday near the dam."
    assert (d.precision, d.date_start, d.date_end, d.anchor) == ("day", date(2024, 3, 11), date(2024, 3, 11), PUB)
    [w] = found("Talks collapsed last week.")
    assert (w.precision, w.date_start, w.date_end) == ("week", date(2024, 3, 4), date(2024, 3, 10))


def test_without_publication_date_only_absolute_ones():
    text = "Shelling resumed on Monday after the ceasefire of 12 January 2024. Yesterday it stopped in 2024."
    got = found(text, pub=None)
    assert [(d.surface, d.value) for d in got] == [("12 January 2024", "2024-01-12"), ("in 2024", "2024")]


def test_seasons_follow_the_publication_month():
    july = date(2023, 7, 10)
    assert values("It was hot last summer.", pub=july) == {"last summer": "2022-06-01/2022-08-31"}
    assert values("Crossings closed during the summer.", pub=july) == {"during the summer": "2023-06-01/2023-08-31"}
    assert values("Shelters will open this winter.", pub=july) == {"this winter": "2023-12-01/2024-02-29"}


def test_relative_days_other_publication_weekday():
    # published on a Monday: "on Monday" is that day, "last Monday" the week before
    pub = date(2024, 3, 11)
    got = values("Protests grew on Monday, a week after last Monday's arrests.", pub=pub)
    assert got["on Monday"] == "2024-03-11"
    assert [v for s, v in got.items() if s.endswith("last Monday")] == ["2024-03-04"]


@pytest.mark.parametrize("language, text, expected", [
    ("fr", "Le séisme a frappé le 6 février 2023. Hier, les secours sont arrivés. En mars 2022, la ville était calme.",
     {"6 février 2023": "2023-02-06", "Hier": "2024-03-13", "mars 2022": "2022-03"}),
    ("es", "El 3 de marzo de 2024 hubo inundaciones; ayer llegaron refuerzos.",
     {"3 de marzo de 2024": "2024-03-03", "ayer": "2024-03-13"}),
    ("de", "Am 14. März 2024 brach der Damm. Seit 2015 herrscht Krieg.",
     {"14. März 2024": "2024-03-14", "Seit 2015": "2015"}),
])
def test_other_languages(language, text, expected):
    assert values(text, language=language) == expected


def test_english_patterns_only_on_english():
    assert values("Le 6 février, yesterday, last week.", language="fr") == {"6 février": "2024-02-06"}


def _seed_inputs():
    corpus = SHARED / "seeds" / "corpus.jsonl"
    gold = SHARED / "seeds" / "gold.json"
    if not corpus.exists() or not gold.exists():
        pytest.skip("shared seeds not present")
    return corpus, json.loads(gold.read_text(encoding="utf-8"))


def test_seed_dates_meet_floors():
    from sitroom.ingest.clean import clean_text
    from sitroom.ingest.metadata import find_metadata
    from sitroom.models import Metadata

    corpus, gold = _seed_inputs()
    spec = importlib.util.spec_from_file_location("score", SHARED / "eval" / "score.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    pred = {"dates": []}
    for line in corpus.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        clean = clean_text(rec["text"])
        given = Metadata(title=rec.get("title"),
                         published=date.fromisoformat(rec["published"]) if rec.get("published") else None)
        meta = find_metadata(rec["text"], clean.text, given)
        seen = set()
        for d in dates.extract(parse(clean.text, meta.first_published or meta.published)):
            if d.surface.lower() not in seen:
                seen.add(d.surface.lower())
                pred["dates"].append({"article": rec["id"], "surface": d.surface, "value": d.value})
    got = scorer.score_dates(gold, pred)
    assert got["found"]["f1"] >= 0.85
    assert got["value_agrees"] >= 0.9
