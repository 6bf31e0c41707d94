"""Actors named as ACLED names them, from the reports themselves: definitions, demonyms,
the user's actors file, inter codes; one actor per party across reports. Groups and places
are of our own invention or general geography."""
from datetime import date

from sitroom.extract.document import extract_document
from sitroom.fuse import coref
from sitroom.fuse.incidents import MentionRef, merge

PUB = date(2024, 5, 15)


def events(text: str):
    facts = extract_document(text, PUB)
    assert facts.failures == [], facts.failures
    return facts.events


def actors(text: str) -> list[tuple[str, str]]:
    out = []
    for e in events(text):
        out += [pair for pair in coref.actors_of(e) if pair not in out]
    return out


def test_a_defined_acronym_is_the_group_it_spells_out():
    got = actors("The Coastal Liberation Front (CLF) attacked an army convoy near Pemba on Tuesday. "
                 "CLF fighters killed nine soldiers.")
    assert ("Coastal Liberation Front", "2") in got
    assert all(name != "CLF fighters" for name, _ in got)
    e = events("The Coastal Liberation Front (CLF) attacked an army convoy near Pemba on Tuesday.")[0]
    assert "CLF=Coastal Liberation Front" in e.actor_aliases


def test_a_group_described_after_its_acronym_is_typed_by_the_description():
    got = actors("RDC, the paramilitary group led by a former general, has besieged Kadugli for months. "
                 "RDC fighters shelled the market in Kadugli on Monday.")
    assert ("RDC", "3") in got


def test_a_demonym_before_a_force_noun_is_the_countrys_military():
    got = actors("Chadian soldiers clashed with fighters of the Northern Unity Movement near Abeche on Monday.")
    assert ("Military Forces of Chad", "1") in got
    assert ("Northern Unity Movement", "3") in got
    assert ("Military Forces of Peru", "1") in actors("Peruvian troops clashed with rebels near Ayacucho on Monday.")


def test_police_and_government_follow_acled_names():
    got = actors("Kenyan police fired tear gas at students protesting in Nairobi on Tuesday.")
    assert ("Police Forces of Kenya", "1") in got


def test_unnamed_gunmen_are_an_unidentified_armed_group_of_the_country():
    got = actors("Gunmen stormed a school in Kaduna on Friday and abducted 20 pupils.")
    assert got[0] == ("Unidentified Armed Group (Nigeria)", "3")
    assert ("Civilians (Nigeria)", "7") in got


def test_an_acronym_in_one_report_and_the_full_name_in_another_are_one_actor():
    r1 = events("The Western Hills Brigade (WHB) shelled the market of Mopti on Monday, killing six people.")
    r2 = events("WHB fighters shelled Mopti on Monday, residents said.")
    refs = [MentionRef(mention=m, source_id=k, article=f"a{k}", origin_group=f"g{k}")
            for k, ms in ((1, r1), (2, r2)) for m in ms]
    incs = merge(refs)
    assert len(incs) == 1
    assert incs[0].actors[0] == "Western Hills Brigade"
    assert incs[0].actor_types.get("Western Hills Brigade") == "3"


def test_a_users_actors_file_joins_names_across_languages(tmp_path, monkeypatch):
    f = tmp_path / "actors.csv"
    f.write_text("name,aliases,inter\nSouthern Defence Front,Front de défense du Sud;FDS,2\n", encoding="utf-8")
    monkeypatch.setenv("SITROOM_ACTORS", str(f))
    al = coref.Aliases.of([])
    assert al.canonical("Front de défense du Sud") == "Southern Defence Front"
    assert al.canonical("FDS") == "Southern Defence Front"
    assert al.inter["Southern Defence Front"] == "2"


def test_inter_codes_come_from_the_lexicon():
    assert coref.INTER["1"] == "State forces" and coref.INTER["7"] == "Civilians"
    from sitroom.extract import lexicon
    table = lexicon.table("actor_types")
    assert table["rebels"].inter == "2" and table["protesters"].inter == "6" and table["militia"].inter == "3"
