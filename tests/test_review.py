"""Review: users and roles, decisions in an audit log that survive re-analysis, exports
limited to reviewed incidents (real store, real API)."""
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sitroom import pipeline
from sitroom.api.app import create_app
from sitroom.cli import app as cli
from sitroom.store.db import Store, StoreError

STORY = Path(__file__).parent / "fixtures" / "story.jsonl"


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "s.db")
    store = Store(path)
    assert pipeline.analyze([str(STORY)], store, online=False).ok
    store.add_user("ana", "analyst", "analyst-pass")
    store.add_user("vic", "viewer", "viewer-pass")
    return path


def login(client, name, password):
    r = client.post("/api/login", json={"name": name, "password": password})
    assert r.status_code == 200
    return {"Authorization": f"Bearer {r.json()['token']}"}


def kherson(client):
    return next(i for i in client.get("/api/incidents").json() if i["place"] == "Kherson")


def test_roles_and_passwords(db):
    store = Store(db)
    with pytest.raises(StoreError, match="role"):
        store.add_user("x", "boss", "long-enough")
    with pytest.raises(StoreError, match="10 characters"):
        store.add_user("y", "viewer", "short")
    assert store.login("ana", "wrong-pass") is None


def test_analyst_edit_persists_in_the_audit_log_and_survives_reanalysis(db):
    client = TestClient(create_app(db))
    auth = login(client, "ana", "analyst-pass")
    inc = kherson(client)
    r = client.post(f"/api/incidents/{inc['id']}/review", headers=auth,
                    json={"action": "edit", "data": {"label": "Shelling of Kherson central market", "killed_high": 14},
                          "note": "hospital list of 5 March"})
    assert r.status_code == 200
    got = client.get(f"/api/incidents/{inc['id']}").json()
    assert got["label"] == "Shelling of Kherson central market" and got["killed_high"] == 14
    assert got["review"] == "edited by ana"
    log = client.get("/api/audit", headers=auth).json()
    assert log[-1]["user_name"] == "ana" and log[-1]["action"] == "edit" and log[-1]["note"]
    assert log[-1]["status"] == "applies"
    # re-analysis from scratch: the same reports, the same incident id, the decision still applies
    r = CliRunner().invoke(cli, ["--db", db, "analyze", "--reextract"])
    assert r.exit_code == 0 and "6 extracted" in r.output
    again = TestClient(create_app(db)).get(f"/api/incidents/{inc['id']}").json()
    assert again["label"] == "Shelling of Kherson central market"


def test_viewer_and_anonymous_cannot_change_anything(db):
    client = TestClient(create_app(db))
    inc = kherson(client)
    body = {"action": "reject", "data": {}}
    assert client.post(f"/api/incidents/{inc['id']}/review", json=body).status_code == 401
    r = client.post(f"/api/incidents/{inc['id']}/review", json=body, headers=login(client, "vic", "viewer-pass"))
    assert r.status_code == 403 and "viewer" in r.json()["detail"]
    assert client.get("/api/audit", headers=login(client, "ana", "analyst-pass")).json() == []


def test_bad_review_requests_are_named(db):
    client = TestClient(create_app(db))
    auth = login(client, "ana", "analyst-pass")
    inc = kherson(client)
    r = client.post(f"/api/incidents/{inc['id']}/review", headers=auth, json={"action": "edit", "data": {"sql": 1}})
    assert r.status_code == 422 and any("sql" in e["loc"] for e in r.json()["detail"])
    assert client.post("/api/incidents/nope/review", headers=auth, json={"action": "accept"}).status_code == 404


def test_reject_merge_split_and_reviewed_only_exports(db, tmp_path):
    client = TestClient(create_app(db))
    auth = login(client, "ana", "analyst-pass")
    incs = client.get("/api/incidents").json()
    target = kherson(client)
    others = [i for i in incs if i["id"] != target["id"]]
    if others:
        client.post(f"/api/incidents/{others[0]['id']}/review", headers=auth, json={"action": "reject"})
        assert others[0]["id"] not in {i["id"] for i in client.get("/api/incidents").json()}
    r = client.post(f"/api/incidents/{target['id']}/review", headers=auth,
                    json={"action": "split", "data": {"articles": ["story-indep-2"]}})
    assert r.status_code == 200
    after = client.get("/api/incidents").json()
    split = [i for i in after if i["articles"] == ["story-indep-2"]]
    assert split and "story-indep-2" not in client.get(f"/api/incidents/{target['id']}").json()["articles"]
    client.post(f"/api/incidents/{split[0]['id']}/review", headers=auth,
                json={"action": "merge", "data": {"into": target["id"]}})
    assert "story-indep-2" in client.get(f"/api/incidents/{target['id']}").json()["articles"]
    client.post(f"/api/incidents/{target['id']}/review", headers=auth, json={"action": "accept"})
    out = tmp_path / "pred.json"
    r = CliRunner().invoke(cli, ["--db", db, "export", "--format", "eval", "--reviewed-only", "-o", str(out)])
    assert r.exit_code == 0
    assert [i["id"] for i in json.loads(out.read_text())["incidents"]] == [target["id"]]


def test_users_command(db):
    r = CliRunner().invoke(cli, ["--db", db, "users", "add", "adm", "--role", "admin", "--password", "admin-pass"])
    assert r.exit_code == 0 and "adm (admin)" in r.output
    r = CliRunner().invoke(cli, ["--db", db, "users", "add", "adm", "--role", "admin", "--password", "admin-pass"])
    assert r.exit_code == 2 and "exists" in r.output


def test_fact_review_rejects_and_edits_facts_in_exports(db, tmp_path):
    client = TestClient(create_app(db))
    auth = login(client, "ana", "analyst-pass")
    store = Store(db)
    src = next(s for s in store.iter_sources() if s.external_id == "story-indep-1")
    figs = store.facts(src.id).figures
    twelve = next(f for f in figs if f.value == 12)
    url = f"/api/sources/{src.id}/facts/figures/{twelve.start}/{twelve.end}/review"
    assert client.post(url, json={"action": "edit", "data": {"value": 13}}).status_code == 401
    r = client.post(url, headers=auth, json={"action": "edit", "data": {"value": 13}, "note": "hospital recount"})
    assert r.status_code == 200
    bad = client.post(url, headers=auth, json={"action": "edit", "data": {"sentence": "x"}})
    assert bad.status_code == 422 and any("sentence" in e["loc"] for e in bad.json()["detail"])
    out = tmp_path / "facts.jsonl"
    assert CliRunner().invoke(cli, ["--db", db, "export", "--format", "jsonl", "-o", str(out)]).exit_code == 0
    values = [json.loads(x)["value"] for x in out.read_text().splitlines()
              if json.loads(x)["type"] == "figure" and json.loads(x)["article"] == "story-indep-1"]
    assert 13 in values and 12 in values  # one of the two "12"s was edited
    client.post(url, headers=auth, json={"action": "reject"})
    assert CliRunner().invoke(cli, ["--db", db, "export", "--format", "jsonl", "-o", str(out)]).exit_code == 0
    values = [json.loads(x)["value"] for x in out.read_text().splitlines()
              if json.loads(x)["type"] == "figure" and json.loads(x)["article"] == "story-indep-1"]
    assert 13 not in values and values.count(12) == 1
    assert client.get("/api/audit", headers=auth).json()[-1]["target"].startswith("fact:figures:")


def test_fact_review_from_the_source_page(db):
    client = TestClient(create_app(db))
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    r = client.post("/login", content=f"name=ana&password=analyst-pass&csrf={csrf}",
                    headers={"content-type": "application/x-www-form-urlencoded"}, follow_redirects=False)
    assert r.status_code == 303
    store = Store(db)
    src = next(s for s in store.iter_sources() if s.external_id == "story-orig")
    page = client.get(f"/sources/{src.id}").text
    assert 'id="fact-review"' in page
    place = store.facts(src.id).places[0]
    before = page.count('<mark class="places">')
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    r = client.post(f"/sources/{src.id}/review",
                    content=f"fact=places:{place.start}:{place.end}&action=reject&csrf={csrf}",
                    headers={"content-type": "application/x-www-form-urlencoded"}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get(f"/sources/{src.id}").text.count('<mark class="places">') == before - 1


# ---------------------------------------------------------------- review that never loses work
# (stores of our own reports, no extraction: incident_corpus.py)

from incident_corpus import MARKET_A, MARKET_B, MARKET_C, PROTEST_LESK, UNDATED, add  # noqa: E402


@pytest.fixture
def market_db(tmp_path):
    path = str(tmp_path / "m.db")
    store = Store(path)
    add(store, [MARKET_A, MARKET_B, MARKET_C, PROTEST_LESK, UNDATED])
    store.add_user("ana", "analyst", "analyst-pass")
    return path


def _market(client):
    return next(i for i in client.get("/api/incidents").json() if i["place"] == "Varnovo")


def _post(client, auth, iid, body):
    r = client.post(f"/api/incidents/{iid}/review", headers=auth, json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_edits_accumulate_and_accept_confirms_the_edited_incident(market_db):
    client = TestClient(create_app(market_db))
    auth = login(client, "ana", "analyst-pass")
    inc = _market(client)
    _post(client, auth, inc["id"], {"action": "edit", "data": {"label": "Strike on Varnovo market"}})
    _post(client, auth, inc["id"], {"action": "edit", "data": {"killed_high": 7}})
    _post(client, auth, inc["id"], {"action": "accept", "note": "checked"})
    got = client.get(f"/api/incidents/{inc['id']}").json()
    assert got["label"] == "Strike on Varnovo market" and got["killed_high"] == 7
    assert got["review"] == "accepted by ana" and got["edits"] == {"label": "Strike on Varnovo market", "killed_high": 7}
    # exports say the same
    out = Path(market_db).with_name("pred.json")
    assert CliRunner().invoke(cli, ["--db", market_db, "export", "-f", "eval", "--reviewed-only", "-o", str(out)]
                              ).exit_code == 0
    (rec,) = json.loads(out.read_text())["incidents"]
    assert rec["label"] == "Strike on Varnovo market" and rec["killed"]["high"] == 7
    states = {e["id"]: e["status"] for e in client.get("/api/audit", headers=auth).json()}
    assert sorted(states.values()) == ["applies", "applies", "applies"]


def test_a_decision_is_reverted_by_a_new_entry_and_nothing_is_deleted(market_db):
    client = TestClient(create_app(market_db))
    auth = login(client, "ana", "analyst-pass")
    inc = _market(client)
    machine_label = inc["label"]
    edit = _post(client, auth, inc["id"], {"action": "edit", "data": {"label": "Wrong label", "killed_low": 5}})
    _post(client, auth, inc["id"], {"action": "accept"})
    _post(client, auth, inc["id"], {"action": "revert", "data": {"review": edit["id"]}, "note": "wrong town"})
    got = client.get(f"/api/incidents/{inc['id']}").json()
    assert got["label"] == machine_label and got["killed_low"] == inc["killed_low"] and got["edits"] == {}
    assert got["review"] == "accepted by ana"
    log = client.get("/api/audit", headers=auth).json()
    assert [e["action"] for e in log] == ["edit", "accept", "revert"]
    assert log[0]["status"] == f"reverted by {log[2]['id']}"
    # a revert is not reverted, nor a decision twice
    for review_id in (log[2]["id"], edit["id"]):
        r = client.post(f"/api/incidents/{inc['id']}/review", headers=auth,
                        json={"action": "revert", "data": {"review": review_id}})
        assert r.status_code == 409
    other = next(i for i in client.get("/api/incidents").json() if i["place"] == "Kelmira")
    r = client.post(f"/api/incidents/{other['id']}/review", headers=auth,
                    json={"action": "revert", "data": {"review": log[1]["id"]}})
    assert r.status_code == 409  # a decision on another incident


def test_a_merge_goes_to_the_surviving_incident_and_can_be_undone(market_db):
    client = TestClient(create_app(market_db))
    auth = login(client, "ana", "analyst-pass")
    inc = _market(client)
    protest = next(i for i in client.get("/api/incidents").json() if i["place"] == "Kelmira")
    merge = _post(client, auth, protest["id"], {"action": "merge", "data": {"into": inc["id"]}})
    ids = [i["id"] for i in client.get("/api/incidents").json()]
    assert protest["id"] not in ids
    got = client.get(f"/api/incidents/{protest['id']}").json()  # the old id finds the survivor
    assert got["id"] == inc["id"] and got["asked_as"] == protest["id"] and protest["id"] in got["merged"]
    assert "kelmira-protest" in got["articles"]
    # a decision sent to the merged id goes to the survivor
    r = _post(client, auth, protest["id"], {"action": "edit", "data": {"label": "Two reports, one page"}})
    assert r["target"] == f"incident:{inc['id']}"
    assert client.get(f"/api/incidents/{inc['id']}").json()["label"] == "Two reports, one page"
    _post(client, auth, inc["id"], {"action": "revert", "data": {"review": merge["id"]}})
    back = client.get(f"/api/incidents/{protest['id']}").json()
    assert back["id"] == protest["id"] and back["articles"] == ["kelmira-protest"] and back["event_type"] == "Protests"
    assert "kelmira-protest" not in client.get(f"/api/incidents/{inc['id']}").json()["articles"]


def test_a_split_recomputes_from_its_own_reports_and_links_parent_and_child(market_db):
    client = TestClient(create_app(market_db))
    auth = login(client, "ana", "analyst-pass")
    inc = _market(client)
    assert inc["sub_event_type"] == "Air/drone strike"  # two reports of a drone strike, one of shelling
    r = _post(client, auth, inc["id"], {"action": "split", "data": {"articles": ["varnovo-river"]}})
    child_id = r["data"]["applied"]["child"]
    child = client.get(f"/api/incidents/{child_id}").json()
    parent = client.get(f"/api/incidents/{inc['id']}").json()
    assert child["articles"] == ["varnovo-river"] and child["split_from"] == inc["id"]
    assert child["sub_event_type"] == "Shelling/artillery/missile attack" and child["label"] != inc["label"]
    assert child["actors"] == ["Northern Army"] and (child["killed_low"], child["killed_high"]) == (4, 4)
    assert child["review"].startswith("split from") and child_id in parent["split_into"]
    assert parent["sub_event_type"] == "Air/drone strike" and parent["killed_low"] == 6
    assert sorted(parent["articles"]) == ["varnovo-hill", "varnovo-plain"]
    # a split-off incident is reviewed like any other; undoing the split withdraws it
    _post(client, auth, child_id, {"action": "revert", "data": {"review": r["id"]}})
    assert sorted(client.get(f"/api/incidents/{inc['id']}").json()["articles"]) == \
        ["varnovo-hill", "varnovo-plain", "varnovo-river"]
    assert client.get(f"/api/incidents/{child_id}").json()["status"] == "withdrawn"
    assert child_id not in [i["id"] for i in client.get("/api/incidents").json()]


def test_the_review_queue_puts_uncertainty_first(market_db):
    client = TestClient(create_app(market_db))
    auth = login(client, "ana", "analyst-pass")
    queue = client.get("/api/review-queue").json()
    order = [q["incident"]["place"] for q in queue]
    # contested tolls (4 against 6 is not contested; single sources are), undated last among single sources
    assert order[-1] == "Varnovo" and set(order) == {"Varnovo", "Kelmira", "Dunmar"}
    assert any("single source" in x for x in queue[0]["reasons"])
    dunmar = next(q for q in queue if q["incident"]["place"] == "Dunmar")
    assert "date unknown" in dunmar["reasons"]
    _post(client, auth, queue[0]["incident"]["id"], {"action": "accept"})
    assert queue[0]["incident"]["id"] not in [q["incident"]["id"] for q in client.get("/api/review-queue").json()]
    page = client.get("/review").text
    assert "Review queue" in page and "date unknown" in page
    r = CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["--db", market_db, "incidents", "--queue"])
    assert r.exit_code == 0 and "single source" in r.output
