"""Independence groups kept incrementally (fuse.stored.regroup): sources added in several
batches, deleted or redacted get the groups that grouping every source at once gives
(independence.origin_groups), on SQLite and on a real PostgreSQL server; a store from
before signatures were stored gets them at its next fusion.

Reports of our own on three invented crises (a flood, a shelling, a dockworkers' strike):
for each, an original article and a lightly edited republication of it, a page that says
it republishes the original and shares part of it, three rewrites of one wire story (the
first shares a part with each of the other two, which share nothing with each other), and
an independent report."""
from __future__ import annotations

import hashlib
import sqlite3
from datetime import date, datetime

import pytest
from sqlalchemy import text

from sitroom.fuse import independence, stored
from sitroom.fuse.independence import SourceText, origin_groups
from sitroom.models import DocumentFacts, EventMention, Metadata, Source
from sitroom.store import incidents as sql
from sitroom.store import migrations
from sitroom.store.db import Store

CRISES = {
    "flood": dict(
        place=("Vellmoor", 47.31, 19.42, "HU"), kind=("Strategic developments", "Disrupted weapons use"),
        trigger="floodwater", day=date(2024, 9, 14), wire="AFP", outlet="Northern Ledger",
        own=["Floodwater broke through the old levee at Vellmoor before dawn on Saturday.",
             "Rescue crews in flat boats moved from street to street along the lower quarter.",
             "The county emergency office said four hundred homes stood in water by noon.",
             "Families carried mattresses and goats up the hill to the grain cooperative.",
             "A pumping station on the east bank failed when its generator flooded.",
             "Engineers warned that a second crest could reach the town within two days.",
             "The mayor asked residents of the riverside lanes to leave before nightfall.",
             "Volunteers filled sandbags in the car park of the closed textile mill."],
        wire_core=["The river rose faster than at any time since records began at the gauge near the weir.",
                   "Hydrologists at the basin authority said rain upstream had fallen for six days.",
                   "Two bridges on the regional road were closed to traffic as a precaution."],
        wire_tail=["Insurers said claims from the valley were already arriving by the thousand.",
                   "Farmers downstream opened sluices to spare their winter wheat from the water.",
                   "Rail services between the valley towns were replaced by buses until further notice."],
        extra=[["Schools in the district will stay shut for the rest of the week, officials said.",
                "The army sent two helicopters and a field kitchen to the stadium."],
               ["A church on the square opened its crypt as a shelter for the elderly.",
                "Power was cut to three villages on the plain to protect the substations."]],
        other=["Our reporter spent the night at the shelter in the gymnasium above the river.",
               "Children slept on gym mats while their parents queued for tea and blankets.",
               "An old boatman said he had never seen the current carry whole sheds before.",
               "By morning the water had reached the steps of the town hall."]),
    "shelling": dict(
        place=("Kasrin", 36.52, 40.11, "SY"), kind=("Explosions/Remote violence", "Shelling/artillery/missile attack"),
        trigger="shells", day=date(2024, 5, 3), wire="Reuters", outlet="Valley Courier",
        own=["Artillery shells struck the covered market of Kasrin on Friday morning.",
             "Stallholders said the first round landed near the spice sellers at the west gate.",
             "Medics at the district hospital counted eleven wounded by the afternoon.",
             "Smoke rose for hours over the roofs of the old quarter after the strike.",
             "The market committee said thirty stalls and a flour store were destroyed.",
             "Residents sheltered in the basement of the mosque until the firing stopped.",
             "A local council member blamed batteries positioned on the ridge to the south.",
             "Shopkeepers swept glass from the lanes as night fell over the town."],
        wire_core=["Monitors counted more than forty impacts across the town during the morning.",
                   "A spokesman for the armed group on the ridge denied targeting civilians.",
                   "Aid agencies said convoys to the northern camps were suspended for the day."],
        wire_tail=["Diplomats meeting in the capital called for an inquiry into the attack.",
                   "The health ministry asked for blood donors at the district hospital.",
                   "Farmers on the plain said they had seen launchers moving at night."],
        extra=[["Ceasefire talks due next week were put in doubt by the attack.",
                "Several families left for the villages in the hills before curfew."],
               ["The price of bread in the town doubled within hours of the attack.",
                "Teachers said the secondary school would move its classes to a mosque."]],
        other=["I walked through the market an hour after the last round fell.",
               "A boy was sorting undamaged oranges from a crushed crate beside a crater.",
               "The tailor whose shop faces the gate said he had lost every bolt of cloth.",
               "Nobody I met expected the market to open again before the holiday."]),
    "strike": dict(
        place=("Port Tobrany", -4.05, 39.66, "KE"), kind=("Protests", "Peaceful protest"),
        trigger="marched", day=date(2024, 11, 21), wire="Associated Press", outlet="Coast Herald",
        own=["Dockworkers marched from the container terminal of Port Tobrany on Thursday.",
             "They carried banners demanding the return of the night shift allowance.",
             "The union said nine thousand workers had stopped the cranes since Monday.",
             "Ships waiting at anchor could be seen from the harbour wall by the crowd.",
             "Police closed the avenue to the customs house but let the march pass.",
             "The port authority said talks with the union would resume on Saturday.",
             "Truck drivers parked along the coast road said they had waited four days.",
             "Traders warned that cooking oil would run short in the markets by next week."],
        wire_core=["The stoppage has left more than sixty vessels waiting outside the harbour.",
                   "Shipping lines have begun to divert cargo to ports further along the coast.",
                   "The labour ministry offered to mediate between the union and the authority."],
        wire_tail=["Economists said each day of the strike cost the country millions in fees.",
                   "Importers of medicine asked for their containers to be released first.",
                   "A court is due to rule on whether the strike is lawful next month."],
        extra=[["Fishermen joined the march with their nets draped over their shoulders.",
                "The crowd dispersed peacefully at dusk after a rally at the clock tower."],
               ["Students from the technical college handed out water along the route.",
                "Union leaders said the strike would go on until an agreement is signed."]],
        other=["At the gate of berth twelve the crane operators sat on upturned crates.",
               "They played cards and listened to the radio for news of the talks.",
               "One of them said his children had not had school fees paid since June.",
               "When the march passed they stood and clapped the fishermen."]),
}


def credit(name: str, k: int) -> str:
    return [f"({name}) - ", f"Officials told {name} on the day. ", f"{name} reported. "][k]


def reports(crisis: str) -> dict[str, dict]:
    """The reports of one crisis: name -> text, outlet, syndicated_from."""
    c = CRISES[crisis]
    own, core, tail, extra, wire = c["own"], c["wire_core"], c["wire_tail"], c["extra"], c["wire"]
    edited = [s.replace("on Saturday", "on the weekend").replace("Friday morning", "Friday").replace(
        "on Thursday", "this week") for s in own] + ["Reporting by our correspondent."]
    return {
        "original": dict(text=" ".join(own), outlet=c["outlet"]),
        "copy": dict(text=" ".join(edited), outlet="Hill Gazette"),
        "syndicated": dict(text=" ".join(own[:5] + extra[0]), outlet="Plain Post",
                           syndicated_from=c["outlet"]),
        # wire_a shares the core with wire_b and the tail with wire_c: it bridges them
        "wire_a": dict(text=credit(wire, 0) + " ".join(core + tail), outlet="Lake Monitor"),
        "wire_b": dict(text=credit(wire, 1) + " ".join(core), outlet="River Times"),
        "wire_c": dict(text=" ".join(tail) + " " + credit(wire, 2), outlet="Harbour Echo"),
        "other": dict(text=" ".join(c["other"]), outlet="Field Notes"),
    }


def source(key: str, r: dict) -> Source:
    raw = r["text"].encode()
    return Source(external_id=key, origin=f"test:{key}", sha256=hashlib.sha256(raw).hexdigest(),
                  captured_at=datetime(2024, 12, 1, 9, 0), content_type="text/plain", raw=raw,
                  raw_text=r["text"], text=r["text"], offsets=list(range(len(r["text"]))),
                  meta=Metadata(title=r["text"][:40], outlet=r["outlet"], published=date(2024, 12, 1),
                                syndicated_from=r.get("syndicated_from"), language="en"))


def mention(crisis: str, body: str) -> EventMention:
    """One mention of the crisis's happening, so that its reports make one incident."""
    c = CRISES[crisis]
    name, lat, lon, cc = c["place"]
    sent = f"{c['trigger'].capitalize()} reported in {name}."
    return EventMention(start=0, end=len(c["trigger"]), sentence=sent + " " + body[:200], trigger=c["trigger"],
                        event_type=c["kind"][0], sub_event_type=c["kind"][1], label=f"{c['kind'][1]} in {name}",
                        place=name, country=cc, lat=lat, lon=lon, geo_precision="point", date_start=c["day"],
                        date_end=c["day"], date_precision="day", killed=None, actors="", stance="asserted")


ALL = [(crisis, name) for crisis in CRISES for name in reports(crisis)]


def add(store: Store, which: list[tuple[str, str]], *, facts: bool = False) -> dict[tuple[str, str], int]:
    ids = {}
    for crisis, name in which:
        r = reports(crisis)[name]
        sid, _ = store.add_source(source(f"{crisis}-{name}", r))
        if facts:
            store.save_facts(sid, DocumentFacts(language="en", events=[mention(crisis, r["text"])]))
        ids[(crisis, name)] = sid
    return ids


def stored_groups(store: Store) -> dict[int, str]:
    return {sid: r["origin_group"] for sid, r in store.incident_read(sql.source_info).items()}


def at_once(store: Store) -> dict[int, str]:
    texts = store.incident_read(sql.source_texts)
    return origin_groups([SourceText(source_id=t["id"], text=t["text"], outlet=t["outlet"],
                                     syndicated_from=t["syndicated_from"]) for t in texts])


def same(groups: dict[int, str], ids: dict, a: tuple[str, str], b: tuple[str, str]) -> bool:
    return groups[ids[a]] == groups[ids[b]]


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return Store(str(tmp_path / "s.db"))
    from test_postgres import fresh_db

    return Store(fresh_db(request.getfixturevalue("postgres_url")))


def test_the_texts_are_what_the_tests_need():
    """The signals each pair of reports was written to show."""
    for crisis in CRISES:
        rs = reports(crisis)
        sig = {k: independence.signature(SourceText(source_id=i, text=r["text"], outlet=r["outlet"],
                                                    syndicated_from=r.get("syndicated_from")))
               for i, (k, r) in enumerate(rs.items())}
        assert independence.similarity(sig["original"], sig["copy"]) >= independence.NEAR_DUPLICATE
        for a, b in (("original", "syndicated"), ("wire_a", "wire_b"), ("wire_a", "wire_c")):
            sim = independence.similarity(sig[a], sig[b])
            assert independence.SAME_WIRE_STORY <= sim < independence.NEAR_DUPLICATE, (crisis, a, b, sim)
            assert set(sig[a].band_keys()) & set(sig[b].band_keys())
            assert independence.one_story(sig[a], sig[b])
        for a, b in (("wire_b", "wire_c"), ("original", "other"), ("copy", "wire_a"), ("original", "wire_b")):
            assert not independence.one_story(sig[a], sig[b]), (crisis, a, b)
        assert sig["wire_a"].credits == {independence.WIRES.get(CRISES[crisis]["wire"].lower(), CRISES[crisis]["wire"])}


def test_grouping_in_batches_gives_the_groups_of_grouping_at_once(store):
    first = [x for x in ALL if x[1] in ("original", "wire_b", "other")]
    second = [x for x in ALL if x[1] in ("copy", "wire_c")]
    third = [x for x in ALL if x[1] in ("syndicated", "wire_a")]
    ids = add(store, first)
    stored.update_groups(store)                      # all new: grouped at once
    assert stored_groups(store) == at_once(store)
    ids |= add(store, second)
    changed = stored.update_groups(store)            # a few new ones among many: incremental
    groups = stored_groups(store)
    assert groups == at_once(store)
    assert changed == {ids[x] for x in second}       # nothing grouped before changed its group
    for crisis in CRISES:
        assert same(groups, ids, (crisis, "original"), (crisis, "copy"))
        assert not same(groups, ids, (crisis, "wire_b"), (crisis, "wire_c"))
    ids |= add(store, third)
    changed = stored.update_groups(store)            # the bridge merges two groups
    groups = stored_groups(store)
    assert groups == at_once(store)
    for crisis in CRISES:
        c = lambda name: (crisis, name)  # noqa: E731
        assert same(groups, ids, c("wire_a"), c("wire_b")) and same(groups, ids, c("wire_b"), c("wire_c"))
        assert same(groups, ids, c("syndicated"), c("original"))
        assert not same(groups, ids, c("original"), c("wire_a")) and not same(groups, ids, c("other"), c("original"))
        assert groups[ids[c("wire_b")]] == f"g{min(ids[c('wire_b')], ids[c('wire_c')], ids[c('wire_a')])}"
        assert ids[c("wire_c")] in changed           # it took the name of the group it joined
    assert len(set(groups.values())) == 3 * 3
    assert stored.update_groups(store) == set()     # nothing new: nothing to do
    with store.engine.connect() as conn:
        assert {r["source_id"] for r in sql.all_signatures(conn)} == set(ids.values())


def test_a_deleted_bridge_or_a_redacted_copy_regroups_as_at_once(store):
    ids = add(store, ALL[:len(ALL) - 2])
    stored.update_groups(store)
    ids |= add(store, ALL[len(ALL) - 2:])
    stored.update_groups(store)
    bridge = ids[("flood", "wire_a")]
    store.delete_source(bridge, by="ana", reason="a duplicate upload")
    changed = stored.update_groups(store)
    groups = stored_groups(store)
    assert groups == at_once(store)
    assert not same(groups, ids, ("flood", "wire_b"), ("flood", "wire_c"))
    assert changed == {ids[("flood", "wire_b")], ids[("flood", "wire_c")]}  # it was named after the bridge
    assert same(groups, ids, ("shelling", "wire_b"), ("shelling", "wire_c"))
    # a redaction that masks what the copy shares with the original: no longer one story
    copy = ids[("strike", "copy")]
    words = ["Dockworkers", "banners", "union", "cranes", "harbour", "Police", "customs", "port", "talks",
             "marched", "terminal", "allowance", "Ships", "anchor", "crowd", "avenue"]
    store.redact_source(copy, words, by="ana", reason="names a person")
    changed = stored.update_groups(store)
    groups = stored_groups(store)
    assert groups == at_once(store)
    assert not same(groups, ids, ("strike", "copy"), ("strike", "original")) and copy in changed
    with store.engine.connect() as conn:
        (row,) = sql.signatures(conn, [copy])
        redacted = store.get_source(copy).text
        assert (independence.Signature.from_row(row).values == independence.minhash(redacted)).all()
        assert bridge not in {r["source_id"] for r in sql.all_signatures(conn)}
        assert conn.execute(text(f"select count(*) from source_bands where source_id = {bridge}")).scalar() == 0


def test_fusion_counts_a_merged_group_once_in_the_incident(store):
    """Incidents are recomputed when a new report merges the groups of two of theirs."""
    flood = [("flood", n) for n in ("original", "wire_b", "wire_c", "other")]
    ids = add(store, flood, facts=True)
    stored.fuse_pending(store)
    count = lambda: store.incident_read(lambda c: [r["source_count"] for r in sql.rows(c)])  # noqa: E731
    assert count() == [4]
    add(store, [("flood", "copy")], facts=True)     # a copy of the original: still four
    stored.fuse_pending(store)
    assert count() == [4]
    add(store, [("flood", "wire_a")], facts=True)   # one wire story with wire_b and wire_c
    stored.fuse_pending(store)
    assert count() == [3]
    assert stored_groups(store) == at_once(store) and len(ids) == 4


def _as_older_store(store: Store, *, sqlite_path=None) -> None:
    """Make a store of the schema before signatures (v10), its groups named as grouping
    named them then (not after their smallest id)."""
    v11 = migrations.STEPS.index(migrations._v11_signatures) + 1
    drop = ["DROP TABLE source_bands", "DROP TABLE source_signatures", "DROP INDEX ix_sources_origin_group",
            f"DELETE FROM schema_version WHERE version >= {v11}"]
    members: dict[str, list[int]] = {}
    for sid, g in stored_groups(store).items():
        members.setdefault(g, []).append(sid)
    with store.engine.begin() as conn:
        for stmt in drop:
            conn.execute(text(stmt))
        for sids in members.values():  # then: named after whichever source union-find left at the root
            conn.execute(text("UPDATE sources SET origin_group = :g WHERE id = :i"),
                         [{"g": f"g{max(sids)}", "i": sid} for sid in sids])
    store.engine.dispose()


def test_an_older_store_gets_its_signatures_at_the_next_fusion(store):
    ids = add(store, ALL[:-3], facts=True)
    stored.fuse_pending(store)
    url = store.url
    _as_older_store(store)
    again = Store(url)
    with again.engine.connect() as conn:
        assert conn.execute(text("select count(*) from source_signatures")).scalar() == 0
        assert conn.execute(text("select max(version) from schema_version")).scalar() == len(migrations.STEPS)
    ids |= add(again, ALL[-3:], facts=True)
    stored.fuse_pending(again)
    with again.engine.connect() as conn:
        assert {r["source_id"] for r in sql.all_signatures(conn)} == set(ids.values())
        assert all(r["scheme"] == independence.SCHEME for r in sql.all_signatures(conn))
    assert stored_groups(again) == at_once(again)
    Store(url)  # reopening applies nothing twice


def test_sqlite_older_store_file(tmp_path):
    """The same on a file touched by nothing but SQLite itself (as a user's laptop store)."""
    path = tmp_path / "old.db"
    store = Store(str(path))
    add(store, ALL[:6])
    stored.update_groups(store)
    store.engine.dispose()
    con = sqlite3.connect(path)
    v11 = migrations.STEPS.index(migrations._v11_signatures) + 1
    con.executescript("DROP TABLE source_bands; DROP TABLE source_signatures; DROP INDEX ix_sources_origin_group; "
                      f"DELETE FROM schema_version WHERE version >= {v11};")
    con.close()
    again = Store(str(path))
    add(again, ALL[6:9])
    stored.update_groups(again)
    assert stored_groups(again) == at_once(again)
    names = {r[0] for r in sqlite3.connect(path).execute("select name from sqlite_master where type = 'index'")}
    assert "ix_sources_origin_group" in names


def test_a_band_key_shared_by_thousands_pairs_each_source_twice_not_all_with_all():
    # one templated bulletin republished 5,000 times: every copy shares one band key
    n = 5000
    ids = __import__("numpy").arange(1, n + 1, dtype="int64")
    keys = __import__("numpy").zeros((n, 3), dtype="int64")
    keys[:, 1] = 10**9 + 2 * ids
    keys[:, 2] = 10**9 + 2 * ids + 1
    pairs = independence.candidate_pairs(ids, keys)
    assert len(pairs) < 2 * n   # not n*(n-1)/2 = 12.5 million
    g = independence.Groups()
    for a, b in pairs.tolist():
        g.union(("s", a), ("s", b))
    assert len({g.find(("s", i)) for i in ids.tolist()}) == 1
    # a small bucket still gives every pair
    few = independence.candidate_pairs(ids[:5], keys[:5])
    assert len(few) == 10
