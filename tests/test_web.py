"""The REST API and the pages over a real store (FastAPI's test client, no browser)."""
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sitroom import pipeline
from sitroom.api.app import create_app
from sitroom.store.db import Store

STORY = Path(__file__).parent / "fixtures" / "story.jsonl"
HOSTILE = {
    "id": "hostile-1", "outlet": "Hostile Gazette", "published": "2024-03-05",
    "title": "Shelling <script>alert(1)</script> in Kherson",
    "text": ("Shelling <script>alert('x')</script> in Kherson\n\n"
             "Shells hit the port of Kherson on Monday, killing at least 3 people, officials said. "
             "<img src=x onerror=alert(2)> was written on a wall, residents said."),
}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web")
    hostile = tmp / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n")
    db = str(tmp / "s.db")
    store = Store(db)
    result = pipeline.analyze([str(STORY), str(hostile)], store, online=False)
    assert result.ok
    store.add_user("ana", "analyst", "analyst-pass")
    return TestClient(create_app(db))


def test_openapi_describes_the_api(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/sources", "/api/incidents", "/api/incidents/{incident_id}", "/api/map.geojson",
                 "/api/figures/{category}", "/api/sources/{source_id}/raw"):
        assert path in spec["paths"]


def test_incidents_api_filters_and_details(client):
    all_ = client.get("/api/incidents").json()
    shelling = client.get("/api/incidents", params={"event_type": "Explosions/Remote violence", "q": "market"}).json()
    assert 0 < len(shelling) < len(all_) + 1
    inc = next(i for i in shelling if i["place"] == "Kherson" and i["killed_high"] == 12)
    detail = client.get(f"/api/incidents/{inc['id']}").json()
    # the three sources of the story, and the hostile page reporting the same shelling
    assert detail["grade"] == "contested" and detail["independent_sources"] == 4
    assert any(m["stance"] == "denied" for m in detail["mentions"])
    assert [t["killed"] for t in detail["toll_trail"] if t["killed"]][-1] == 12
    assert client.get("/api/incidents", params={"since": "2030-01-01"}).json() == []
    assert client.get("/api/incidents/nope").status_code == 404


def test_map_geojson_and_figures(client):
    fc = client.get("/api/map.geojson").json()
    assert fc["type"] == "FeatureCollection" and all(f["geometry"]["type"] == "Point" for f in fc["features"])
    pts = client.get("/api/figures/killed").json()
    assert [p["value"] for p in pts if p["article"] == "story-indep-1"] == [12, 12] or \
        12 in [p["value"] for p in pts]


def test_pages_render_map_filter_incident_and_source(client):
    page = client.get("/").text
    assert "<svg" in page and "Kherson" in page and 'class="incident"' in page
    narrowed = client.get("/", params={"q": "no-such-words"}).text
    assert "0 of" in narrowed
    inc = next(i for i in client.get("/api/incidents").json() if i["place"] == "Kherson")
    page = client.get(f"/incidents/{inc['id']}").text
    assert '<mark class="trigger">' in page and "How the tolls were derived" in page
    sid = client.get("/api/sources").json()[0]["id"]
    page = client.get(f"/sources/{sid}").text
    assert "SHA-256" in page and '<mark class="places">' in page
    assert client.get("/figures", params={"category": "killed"}).status_code == 200
    page = client.get("/compare").text
    assert "River Post" in page and "Hostile Gazette" in page


def test_article_markup_is_shown_as_text_never_run(client):
    src = next(s for s in client.get("/api/sources").json() if s["article"] == "hostile-1")
    page = client.get(f"/sources/{src['id']}")
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text and "onerror=alert(2)" in page.text.replace("&lt;img src=x ", "")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    for inc in client.get("/api/incidents", params={"outlet": "Hostile Gazette"}).json():
        body = client.get(f"/incidents/{inc['id']}").text
        assert "<script>alert" not in body and "<img src=x" not in body
    token = client.post("/api/login", json={"name": "ana", "password": "analyst-pass"}).json()["token"]
    raw = client.get(f"/api/sources/{src['id']}/raw", headers={"Authorization": f"Bearer {token}"})
    assert raw.headers["content-type"].startswith("text/plain") and "attachment" in raw.headers["content-disposition"]
    assert raw.headers["x-content-type-options"] == "nosniff"  # never sniffed into HTML


def test_no_page_loads_remote_assets(client):
    assert client.get("/docs").status_code == 404  # Swagger UI would load from a CDN
    for path in ("/", "/figures"):
        body = client.get(path).text
        assert "https://" not in body and "http://" not in body.replace("http://www.w3.org", "")


def test_full_text_search_uses_the_index(client, tmp_path):
    # words of a reporting sentence, in another case and without its accents' help
    hits = client.get("/api/incidents", params={"q": "VOLUNTEERS reached"}).json()
    assert hits and all(i["place"] == "Kherson" for i in hits)
    assert client.get("/api/incidents", params={"q": "\"unbalanced quote"}).status_code == 200
    assert client.get("/api/incidents", params={"q": "zzzz-nothing"}).json() == []
    narrowed = client.get("/", params={"place": "Kherson", "actor": "no-such-actor"}).text
    assert "0 of" in narrowed
