"""Stored incidents on a real PostgreSQL server (started by the postgres_url fixture):
fusion, decisions with their effects, a store of the previous schema migrated with its
ids, and the tables read with pandas."""
import pytest
from sqlalchemy import text

from incident_corpus import MARKET_A, MARKET_B, MARKET_C, PROTEST_LESK, UNDATED, add
from sitroom.fuse import picture, review, stored
from sitroom.fuse.incidents import stable_id
from sitroom.store import migrations
from sitroom.store.db import Store, User
from test_postgres import fresh_db

ANA = User(id=1, name="ana", role="analyst")


def test_fusion_and_decisions_on_postgres(postgres_url):
    pd = pytest.importorskip("pandas")
    store = Store(fresh_db(postgres_url))
    add(store, [MARKET_A, PROTEST_LESK, UNDATED])
    add(store, [MARKET_B, MARKET_C])
    incs = picture.build(store).incidents
    assert sorted(i.place for i in incs) == ["Dunmar", "Kelmira", "Varnovo"]
    market = next(i for i in incs if i.place == "Varnovo")
    assert sorted(market.articles) == ["varnovo-hill", "varnovo-plain", "varnovo-river"]
    review.decide(store, ANA, market.id, "edit", review.IncidentEdit(label="Varnovo market, checked"))
    review.decide(store, ANA, market.id, "accept", review.NoData())
    r = review.decide(store, ANA, market.id, "split", review.SplitData(articles=["varnovo-hill", "varnovo-plain"]))
    child = r.data["applied"]["child"]
    got = picture.find(store, child)[0]
    assert got.split_from == market.id and got.sub_event_type == "Air/drone strike"
    review.decide(store, ANA, child, "revert", review.RevertData(review=r.id))
    back = picture.find(store, market.id)[0]
    assert len(back.articles) == 3 and back.label == "Varnovo market, checked" and back.review == "accepted by ana"
    with store.engine.connect() as conn:
        links = pd.read_sql_query(text("SELECT * FROM incident_mentions"), conn)
        rows = pd.read_sql_query(text("SELECT * FROM incidents WHERE status = 'active'"), conn)
    assert len(links) == 5 and set(rows["place"]) == {"Dunmar", "Kelmira", "Varnovo"}
    assert rows.loc[rows["place"] == "Dunmar", "date_precision"].item() == "unknown"
    assert stored.refuse(store)["sources"] == 5
    assert sorted(i.id for i in picture.build(store).incidents) == sorted(i.id for i in incs)


def test_a_postgres_store_of_the_previous_schema_keeps_its_ids(postgres_url):
    url = fresh_db(postgres_url)
    store = Store(url)
    add(store, [MARKET_A, MARKET_B], fuse=False)
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE incident_blocks; DROP TABLE incident_mentions; DROP TABLE incidents"))
        conn.execute(text("DELETE FROM schema_version WHERE version >= :v"),
                     {"v": migrations.STEPS.index(migrations._v8_incidents) + 1})
    store.engine.dispose()
    again = Store(url)
    (inc,) = picture.build(again).incidents
    assert inc.id == stable_id(inc.mentions) and len(inc.articles) == 2
    with again.engine.connect() as conn:
        assert conn.execute(text("select count(*) from schema_version")).scalar() == len(migrations.STEPS)
