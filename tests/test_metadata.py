from datetime import date

from sitroom.ingest.clean import clean_text
from sitroom.ingest.metadata import find_metadata, person_name
from sitroom.models import Metadata


def meta_of(raw: str, **given) -> Metadata:
    return find_metadata(raw, clean_text(raw).text, Metadata(**given))


def test_header_lines_give_title_author_date():
    m = meta_of("Dam breach floods the delta\n\nJane Q. Reporter\n\n4 March 2024\n\nWater rose overnight.")
    assert m.title == "Dam breach floods the delta"
    assert m.author == "Jane Q. Reporter"
    assert m.published == date(2024, 3, 4)


def test_republished_page_names_origin_and_first_date():
    raw = ("Siege tightens\n\nMonday 5 February 2024, by DOE Jane (Date first published: 2 February 2024).\n\n"
           "The town was cut off.\n\nP.S.\n\nThe Valley Gazette\n\n<https://valleygazette.example/2024/02/02/siege/>\n")
    m = meta_of(raw, outlet="Aggregator Weekly")
    assert m.published == date(2024, 2, 5)
    assert m.first_published == date(2024, 2, 2)
    assert m.syndicated_from == "The Valley Gazette"
    assert m.author == "Jane Doe"


def test_origin_stated_in_words():
    m = meta_of("Talks stall\n\nThe talks stalled again.\n\nThis article was first published by Harbour Post.")
    assert m.syndicated_from == "Harbour Post"


def test_given_metadata_wins_and_self_credit_is_not_syndication():
    raw = "Headline here\n\n1 May 2024\n\nBody text.\n\nHarbour Post\n\n<https://harbourpost.example/a>"
    m = meta_of(raw, published=date(2024, 5, 2), outlet="Harbour Post", url="https://harbourpost.example/a")
    assert m.published == date(2024, 5, 2)
    assert m.syndicated_from is None


def test_person_name_surname_first_in_capitals():
    assert person_name("PHIPPS Mike") == "Mike Phipps"
    assert person_name("Mike Phipps") == "Mike Phipps"


def test_an_agency_credited_in_the_dateline_is_the_origin():
    """Wire copy says whose it is in its dateline: the agency's one name (lexicon
    wire_agencies), also after the outlet's own ("(Outlet/AFP)"); not on the agency's own
    page, and not from a photo credit further down."""
    story = "Clashes resume near Goma\n\nGOMA, Congo (AP) — Fighting resumed overnight north of the city, officials said."
    assert meta_of(story, outlet="Valley Gazette").syndicated_from == "Associated Press"
    assert meta_of(story, outlet="apnews.com").syndicated_from is None
    assert meta_of(story, outlet="Japan Times").syndicated_from == "Associated Press"
    fr = "Niamey (Niger), 3 mars (Sahel Presse/AFP) – Au moins 12 soldats ont été tués dans une embuscade."
    assert meta_of(fr, outlet="Sahel Presse").syndicated_from == "AFP"
    photo = ("Floods in Sylhet\n\n" + "Water rose in the night and reached the market by dawn. " * 10
             + "Photo: (Reuters) - A boat on a flooded road.")
    assert meta_of(photo, outlet="Dhaka Courier").syndicated_from is None
    given = meta_of(story, outlet="Valley Gazette", syndicated_from="Harbour Post")
    assert given.syndicated_from == "Harbour Post"
