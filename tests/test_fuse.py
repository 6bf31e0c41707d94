"""Across sources, on a corpus of our own: one story republished by three outlets and
reported independently by two more."""
from pathlib import Path

import pytest

from sitroom import pipeline
from sitroom.fuse import grading, picture
from sitroom.store.db import Store

STORY = Path(__file__).parent / "fixtures" / "story.jsonl"


@pytest.fixture(scope="module")
def pic(tmp_path_factory):
    store = Store(str(tmp_path_factory.mktemp("story") / "s.db"))
    result = pipeline.analyze([str(STORY)], store, online=False)
    assert result.ok and len(result.extracted) == 6
    return picture.build(store)


def test_republications_are_one_source(pic):
    by_article = {s.article_id: pic.groups[sid] for sid, s in pic.sources.items()}
    reposts = {by_article[a] for a in ("story-orig", "story-repost-1", "story-repost-2", "story-repost-3")}
    assert len(reposts) == 1
    assert len(set(by_article.values())) == 3


def test_market_shelling_is_one_incident_from_three_sources(pic):
    shelling = [i for i in pic.incidents if i.event_type == "Explosions/Remote violence" and i.place == "Kherson"]
    assert len(shelling) == 1
    inc = shelling[0]
    assert set(inc.articles) == {"story-orig", "story-repost-1", "story-repost-2", "story-repost-3",
                                 "story-indep-1", "story-indep-2"}
    assert inc.independent_sources == 3
    assert str(inc.date_start) == "2024-03-04"


def test_later_higher_toll_is_the_high_of_the_range(pic):
    inc = next(i for i in pic.incidents if i.event_type == "Explosions/Remote violence" and i.place == "Kherson")
    assert inc.killed_low == 7 and inc.killed_high == 12
    assert [t.killed for t in inc.toll_trail if t.killed][-1] == 12   # the trail is in time order


def test_denial_marks_the_claim_contested(pic):
    inc = next(i for i in pic.incidents if i.event_type == "Explosions/Remote violence" and i.place == "Kherson")
    g = grading.grade(inc)
    assert g.grade == "contested" and "denied" in g.reason
