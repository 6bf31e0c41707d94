"""A report that comes without a publication date is read against the day its text supplies."""
from sitroom.extract.document import extract_document


def values(text, language="en"):
    return {d.surface: (d.value, d.anchor) for d in extract_document(text, None, language=language).dates}


def test_the_latest_day_named_with_its_year_anchors_weekdays_either_side():
    got = values("Floods reached Beira on March 14, 2019. On Saturday, rescuers found survivors. "
                 "On Wednesday, warnings had gone out.")
    assert got["On Saturday"][0] == "2019-03-16"      # the nearest Saturday, after the day named
    assert got["On Wednesday"][0] == "2019-03-13"
    assert {a for _, a in got.values()} == {__import__("datetime").date(2019, 3, 14)}


def test_a_month_label_gives_the_year():
    got = values(" date 2021-08 Am 14. August bebte die Erde im Süden Haitis.", language="de")
    assert got["14. August"][0] == "2021-08-14"


def test_a_text_naming_no_year_resolves_nothing_relative():
    assert values("Officials said on Monday that 12 people died.") == {}
