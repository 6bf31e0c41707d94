"""Places on texts of our own: lookup, aliases, disambiguation, misspellings, fallbacks."""
from datetime import date

from sitroom.extract import places
from sitroom.extract.document import parse
from sitroom.extract.gazetteer import Gazetteer, load_user_places


def found(text):
    ctx = parse(text, date(2024, 5, 1))
    return {p.surface: p for p in places.extract(ctx)}


def test_countries_cities_regions_and_aliases():
    got = found("Shells fell on Kharkiv and Zaporizhzhia. In Sudan's Kordofan, residents of Kadugli fled north. "
                "The UK and the US condemned the strikes.")
    assert got["Kharkiv"].country == "UA" and got["Kharkiv"].kind == "settlement"
    assert got["Sudan"].kind == "country" and got["Kordofan"].kind == "region"
    assert abs(got["Kadugli"].lat - 11.01) < 0.2
    assert got["UK"].country == "GB" and got["US"].country == "US"


def test_ambiguous_name_goes_to_the_document_region():
    # Paris, Texas would be far away: the document is about France
    got = found("Protesters gathered in Lyon and Marseille. Police in Paris arrested dozens.")
    assert got["Paris"].country == "FR"


def test_people_and_organisations_are_not_places():
    got = found("President Emmanuel Macron met Linda Thomas-Greenfield. Human Rights Watch and NATO issued statements, "
                "Miller said.")
    assert got == {}


def test_misspelt_town_near_the_document_places():
    got = found("Fighting was reported around Izium and Sloviansk. The town of Sloviyansk was shelled.")
    assert got["Sloviyansk"].name.lower().startswith("slov") and got["Sloviyansk"].country == "UA"


def test_unknown_village_gets_the_enclosing_area():
    got = found("In South Kordofan, gunmen attacked the village of Zzqarta overnight.")
    p = got["Zzqarta"]
    assert p.kind == "settlement" and p.precision in ("region", "admin") and p.country == "SD"
    assert p.gazetteer_id is None and p.confidence < 1


def test_square_located_by_its_city_and_routes_by_name():
    got = found("Thousands rallied in Kharkiv's Freedom Square. Trucks queued at the Bab al-Hawa crossing.")
    assert got["Freedom Square"].precision == "near" and got["Freedom Square"].country == "UA"
    assert got["Bab al-Hawa crossing"].kind == "route"


def test_provenance():
    text = "Aid reached Goma on Monday."
    (p,) = places.extract(parse(text, None))
    assert text[p.start:p.end] == "Goma" and p.sentence == text and p.country == "CD"


def test_user_places_file(tmp_path):
    csv = tmp_path / "places.csv"
    csv.write_text("name,aliases,country,lat,lon,kind\nCamp Zeta,Zeta camp,SD,13.1,24.2,settlement\n")
    g = Gazetteer({})
    g.add(load_user_places(csv))
    (e,) = g.lookup("Zeta camp")
    assert (e.name, e.lat, e.country) == ("Camp Zeta", 13.1, "SD")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lat,lon\nX,north,1\n")
    import pytest
    with pytest.raises(ValueError, match="bad.csv line 2"):
        load_user_places(bad)


def test_places_and_dates_in_other_languages():
    """Reports in other languages: the gazetteer's Latin and Cyrillic names, dateparser's dates,
    and the language's own number and casualty words."""
    from sitroom.extract.document import extract_document

    de = extract_document("Am 3. März 2024 wurden in Charkiw fünf Menschen getötet.", date(2024, 3, 5), language="de")
    assert [(p.name, p.country) for p in de.places] == [("Kharkiv", "UA")]
    assert [d.value for d in de.dates] == ["2024-03-03"] and de.quotes == []
    assert [(f.value, f.category) for f in de.figures] == [(5, "killed")]
    ru = extract_document("Удар по Одессе. Обстрел Харькова продолжается.", date(2024, 3, 5), language="ru")
    assert ru.quotes == []  # nothing read as English
