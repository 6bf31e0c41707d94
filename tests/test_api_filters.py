"""Typed, validated filters on the API's list routes, pagination with a total and a next
link, and downloads of a filtered view read back with the users' tools (issue 12, item 4).

The store is export_corpus's: reports of our own in several countries, fused as the
pipeline fuses (no model is loaded)."""
import csv
import io
import re

import pytest
from fastapi.testclient import TestClient

import export_corpus as ec
from sitroom.api.app import create_app
from sitroom.settings import Settings


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("filters") / "s.db"
    ec.build(str(path))
    ec.build(str(path), docs=[ec.Doc("east-raid", "Plains Gazette", None,
                                     "Gunmen raided a village near Selka on Tuesday, killing 3 people.",
                                     [ec.Ev("raided", ("Violence against civilians", "Attack"), "Selka", ec.TUE,
                                            killed=3)])], collection="east")
    return str(path)


@pytest.fixture(scope="module")
def client(db):
    return TestClient(create_app(db))


def ids(r) -> set[str]:
    assert r.status_code == 200, r.text
    return {i["id"] for i in r.json()}


def places(r) -> set[str]:
    assert r.status_code == 200, r.text
    return {i["place"] for i in r.json()}


def test_unknown_parameters_and_bad_values_are_refused(client):
    for params in ({"bbox": "1,2,3"}, {"bbox": "200,0,210,10"}, {"bbox": "0,95,1,96"}, {"country": "Atlantis"},
                   {"country": "ZZ"}, {"format": "csv"}, {"colour": "red"}, {"event_type": "Picnics"},
                   {"grade": "probable"}, {"limit": "-1"}, {"offset": "-5"}, {"limit": "1001"},
                   {"updated_since": "yesterday"}, {"updated_since": "1700000000"}):
        r = client.get("/api/incidents", params=params)
        assert r.status_code == 422, (params, r.status_code)
        assert r.json()["detail"], params
    # each named in the answer
    loc = client.get("/api/incidents", params={"format": "csv"}).json()["detail"][0]["loc"]
    assert loc == ["query", "format"]
    for path in ("/api/map.geojson", "/api/incidents.csv", "/api/sources", "/api/review-queue", "/api/figures/killed"):
        assert client.get(path, params={"bbox": "1,2,3,4", "nonsense": "1"}).status_code == 422, path


def test_filters_narrow_and_repeated_values_are_an_or(client):
    everything = ids(client.get("/api/incidents"))
    shelling = places(client.get("/api/incidents", params={"event_type": "Explosions/Remote violence"}))
    battles = places(client.get("/api/incidents", params={"event_type": "Battles"}))
    both = client.get("/api/incidents", params=[("event_type", "Explosions/Remote violence"), ("event_type", "Battles")])
    assert places(both) == shelling | battles and "Kelmira" in battles and "Varnovo" in shelling
    assert len(ids(both)) < len(everything)
    # country by ISO 3166-1 alpha-2 or alpha-3; repeated: either
    assert places(client.get("/api/incidents", params={"country": "NE"})) == {"Kelmira"}
    assert places(client.get("/api/incidents", params={"country": "NER"})) == {"Kelmira"}
    assert places(client.get("/api/incidents", params=[("country", "NE"), ("country", "SY")])) == {"Kelmira", "Tal Semra"}
    # a box around the Ukrainian towns of the corpus, and one across the antimeridian with nothing in it
    assert places(client.get("/api/incidents", params={"bbox": "24,44,34,50"})) == {"Varnovo", "Ostrelka", "Selka"}
    assert places(client.get("/api/incidents", params={"bbox": "170,-10,-170,10"})) == set()
    assert places(client.get("/api/incidents", params={"bbox": "24,50,34,44"})) == set()  # south above north
    assert places(client.get("/api/incidents", params={"since": "2024-03-06", "until": "2024-03-04"})) == set()
    # date range: undated incidents match no date filter
    wed = places(client.get("/api/incidents", params={"since": "2024-03-06", "until": "2024-03-06"}))
    assert "Ostrelka" in wed and "Kelmira" in wed and "Dunmar" not in wed and "Varnovo" not in wed
    # collection, and an AND of different filters
    assert places(client.get("/api/incidents", params={"collection": "east"})) == {"Selka"}
    assert places(client.get("/api/incidents", params={"country": "UA", "event_type": "Battles"})) == set()
    # updated since: everything was computed before a time in the future, after one in the past
    assert ids(client.get("/api/incidents", params={"updated_since": "2000-01-01T00:00:00Z"})) == everything
    assert ids(client.get("/api/incidents", params={"updated_since": "2999-01-01T00:00:00+02:00"})) == set()


def test_admin1_filter_uses_the_gazetteers_divisions(client):
    from sitroom.export import geo

    located = [i for i in client.get("/api/incidents").json() if i["lat"] is not None]
    named = {(i["place"], geo.admin1(i["country"], i["lat"], i["lon"])) for i in located}
    place, division = next((p, d) for p, d in sorted(named) if d)
    got = places(client.get("/api/incidents", params={"admin1": division}))
    assert place in got and got == {p for p, d in named if d == division}
    assert places(client.get("/api/incidents", params={"admin1": "No Such Province"})) == set()


def test_pagination_with_total_and_next_link(client):
    everything = client.get("/api/incidents", params={"limit": 1000}).json()
    n = len(everything)
    assert n >= 5
    first = client.get("/api/incidents", params={"limit": 2, "event_type": ["Battles", "Explosions/Remote violence",
                                                                            "Protests", "Strategic developments",
                                                                            "Violence against civilians"]})
    total = int(first.headers["x-total-count"])
    assert len(first.json()) == 2 and total > 2
    seen, r = [], first
    while True:
        seen += [i["id"] for i in r.json()]
        link = r.headers.get("link")
        if not link:
            break
        url = re.match(r'<([^>]+)>; rel="next"', link).group(1)
        assert "event_type=Battles" in url  # the filters go on to the next page
        r = client.get(url)
    assert len(seen) == total == len(set(seen))
    # the default page is 100; the last page has no next link
    assert client.get("/api/incidents").headers["x-total-count"] == str(n)
    assert "link" not in client.get("/api/incidents").headers
    assert client.get("/api/incidents", params={"offset": n}).json() == []
    assert int(client.get("/api/sources", params={"limit": 1}).headers["x-total-count"]) >= 7
    assert 'rel="next"' in client.get("/api/sources", params={"limit": 1}).headers["link"]


def test_downloads_of_a_filtered_view_read_by_the_users_tools(client):
    import json

    import pandas as pd

    params = [("country", "UA"), ("country", "NE")]
    want = places(client.get("/api/incidents", params=params))
    r = client.get("/api/incidents.csv", params=params)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {row["place"] for row in rows} == want and all(row["incident_id"] for row in rows)
    assert set(pd.read_csv(io.StringIO(r.text))["country"]) <= {"UA", "NE"}

    g = client.get("/api/incidents.geojson", params=params)
    assert g.headers["content-type"].startswith("application/geo+json")
    fc = json.loads(g.text)
    assert {f["properties"]["place"] for f in fc["features"]} == want and all(f["id"] for f in fc["features"])

    pytest.importorskip("pyarrow")
    p = client.get("/api/incidents.parquet", params=params)
    assert p.headers["content-type"] == "application/vnd.apache.parquet"
    frame = pd.read_parquet(io.BytesIO(p.content))
    assert set(frame["place"]) == want and len(frame) == len(rows)
    # nothing matches: still a valid, empty file
    empty = pd.read_parquet(io.BytesIO(client.get("/api/incidents.parquet", params={"country": "FR"}).content))
    assert len(empty) == 0 and "incident_id" in empty.columns
    assert client.get("/api/incidents.csv", params={"country": "FR"}).text.splitlines()[0].startswith("incident_id")


def test_downloads_need_what_the_data_needs(db):
    private = TestClient(create_app(db, Settings(private=True)))
    for fmt in ("csv", "geojson", "parquet"):
        assert private.get(f"/api/incidents.{fmt}").status_code == 401
    assert private.get("/api/incidents").status_code == 401


def test_the_openapi_description_has_the_filters_pages_and_downloads(client):
    spec = client.get("/openapi.json").json()
    listed = spec["paths"]["/api/incidents"]["get"]
    names = {p["name"] for p in listed["parameters"]}
    assert {"bbox", "country", "admin1", "collection", "since", "until", "updated_since", "event_type", "offset",
            "limit"} <= names
    event_type = next(p for p in listed["parameters"] if p["name"] == "event_type")
    assert event_type["schema"]["type"] == "array" and "Battles" in event_type["schema"]["items"]["enum"]
    limit = next(p for p in listed["parameters"] if p["name"] == "limit")["schema"]
    assert (limit["default"], limit["minimum"], limit["maximum"]) == (100, 0, 1000)
    assert {"X-Total-Count", "Link"} <= set(listed["responses"]["200"]["headers"])
    for fmt, media in (("csv", "text/csv"), ("geojson", "application/geo+json"),
                       ("parquet", "application/vnd.apache.parquet")):
        op = spec["paths"][f"/api/incidents.{fmt}"]["get"]
        assert media in op["responses"]["200"]["content"] and "bbox" in {p["name"] for p in op["parameters"]}


def test_the_page_takes_the_same_filters_and_links_the_downloads(client):
    page = client.get("/", params=[("country", "NE"), ("event_type", "")])
    assert page.status_code == 200 and "Kelmira" in page.text and "Varnovo" not in page.text
    assert "/api/incidents.csv?country=NE" in page.text and "/api/incidents.parquet?country=NE" in page.text
    bad = client.get("/", params={"bbox": "nope"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")
    assert "bbox" in bad.text
