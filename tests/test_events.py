"""Incident mentions, on sentences of our own: every ACLED sub-type, the actor checks that
choose between sub-types, stance, and one happening told many ways in one report."""
from datetime import date

import pytest

from sitroom.extract.document import extract_document

PUB = date(2024, 5, 15)


def events(text: str, published: date = PUB):
    facts = extract_document(text, published)
    assert facts.failures == [], facts.failures
    return facts.events


def types(text: str) -> set[tuple[str, str]]:
    return {(e.event_type, e.sub_event_type) for e in events(text)}


REMOTE, BATTLE, VAC = "Explosions/Remote violence", "Battles", "Violence against civilians"
PROTEST, RIOT, STRAT = "Protests", "Riots", "Strategic developments"

# one sentence per sub-type, from several crises and countries
SUB_TYPES = [
    (BATTLE, "Armed clash", "Government troops clashed with insurgents near Djibo on Tuesday."),
    (BATTLE, "Government regains territory", "The Malian army recaptured the town of Ansongo from jihadists on Sunday."),
    (BATTLE, "Non-state actor overtakes territory", "Rebels seized the town of Bunia after heavy fighting on Monday."),
    (REMOTE, "Chemical weapon", "Doctors said a chemical attack on a suburb of Idlib killed nine people on Friday."),
    (REMOTE, "Air/drone strike", "An air strike hit a fuel depot outside Marib on Tuesday, officials said."),
    (REMOTE, "Suicide bomb", "A suicide bomber blew himself up at a checkpoint in Baidoa on Saturday."),
    (REMOTE, "Shelling/artillery/missile attack", "Artillery shelled the outskirts of Kharkiv overnight on Monday."),
    (REMOTE, "Remote explosive/landmine/IED", "A roadside bomb hit a minibus near Kunduz on Wednesday, killing four."),
    (REMOTE, "Grenade", "Attackers threw a grenade into a bar in Bujumbura on Friday."),
    (VAC, "Sexual violence", "Witnesses reported sexual violence by soldiers in villages near Mopti last week."),
    (VAC, "Attack", "Gunmen killed five villagers near Gao on Monday."),
    (VAC, "Abduction/forced disappearance", "Bandits kidnapped 20 students from a school in Kaduna on Thursday."),
    (PROTEST, "Peaceful protest", "Thousands of teachers marched through Lima on Tuesday to demand higher pay."),
    (PROTEST, "Protest with intervention", "Police fired tear gas at students protesting in Dhaka on Sunday."),
    (PROTEST, "Excessive force against protesters", "Soldiers opened fire on protesters in Mandalay on Saturday, killing four."),
    (RIOT, "Violent demonstration", "Rioters torched cars and shops in Nairobi on Monday."),
    (RIOT, "Mob violence", "A mob lynched a man accused of theft in Port-au-Prince on Friday."),
    (STRAT, "Agreement", "The army and the rebels agreed a ceasefire in Tripoli on Wednesday."),
    (STRAT, "Arrests", "Police arrested 40 opposition supporters in Harare on Tuesday."),
    (STRAT, "Change to group/activity", "The militia announced its dissolution in Basra on Sunday."),
    (STRAT, "Disrupted weapons use", "Engineers defused a bomb found under a bridge in Mosul on Monday."),
    (STRAT, "Headquarters or base established", "The rebels set up a new headquarters in the town of Rutshuru last week."),
    (STRAT, "Looting/property destruction", "Fighters looted the central market of Wau on Thursday."),
    (STRAT, "Non-violent transfer of territory", "The army handed over control of the district to local elders in Jowhar on Friday."),
    (STRAT, "Other", "Thousands of families fled Palma on Saturday as the insurgents approached."),
]


def test_every_sub_type_is_covered():
    assert len({(t, s) for t, s, _ in SUB_TYPES}) == 25


@pytest.mark.parametrize("etype, sub, text", SUB_TYPES, ids=[s for _, s, _ in SUB_TYPES])
def test_each_sub_type_has_a_mention(etype, sub, text):
    assert (etype, sub) in types(text)


def test_a_bombing_with_its_toll_is_one_mention():
    es = events("Militants bombed a market in Kunduz on Monday, killing 12 people.")
    assert [(e.event_type, e.sub_event_type) for e in es] == [(REMOTE, "Remote explosive/landmine/IED")]
    assert es[0].killed == 12 and es[0].place == "Kunduz" and str(es[0].date_start) == "2024-05-13"


def test_killing_of_villagers_is_violence_against_civilians():
    es = events("Gunmen killed five villagers near Gao on Monday.")
    assert [(e.event_type, e.sub_event_type, e.killed) for e in es] == [(VAC, "Attack", 5)]


def test_killing_of_soldiers_by_insurgents_is_a_battle():
    assert (BATTLE, "Armed clash") in types("Insurgents ambushed an army convoy near Maiduguri on Friday, "
                                            "killing seven soldiers.")


def test_aircraft_bombing_is_an_air_strike():
    assert (REMOTE, "Air/drone strike") in types("Warplanes bombed a village near Maaret al-Numan on Sunday.")


class TestTerritory:
    def test_state_force_retaking_ground_regains_it(self):
        assert (BATTLE, "Government regains territory") in types(
            "Government forces took control of the town of Kidal on Tuesday.")

    def test_named_group_the_report_calls_paramilitary_overtakes(self):
        text = ("The paramilitary Northern Shield Brigades (NSB) stormed the garrison town of Kassala on Friday. "
                "The NSB captured the town after two days of fighting.")
        assert (BATTLE, "Non-state actor overtakes territory") in types(text)

    def test_forced_to_surrender_follows_who_won(self):
        by_state = types("Ethiopian troops attacked rebel positions near Dessie on Monday and forced "
                         "the rebels to surrender.")
        by_group = types("Insurgents attacked an army base near Palma on Monday and forced the soldiers to surrender.")
        unknown = types("Fighting near the bridge on Monday forced many to surrender.")
        assert (BATTLE, "Government regains territory") in by_state
        assert (BATTLE, "Non-state actor overtakes territory") in by_group
        assert (BATTLE, "Government regains territory") not in unknown

    def test_foreign_state_taking_ground_overtakes_it(self):
        assert (BATTLE, "Non-state actor overtakes territory") in types(
            "Turkish troops seized the town of Afrin on Sunday.")

    def test_a_town_falling_to_rebels(self):
        assert (BATTLE, "Non-state actor overtakes territory") in types("The town of Mweso fell to the rebels on Sunday.")


class TestDetention:
    def test_police_arrest(self):
        assert (STRAT, "Arrests") in types("Police detained twelve journalists in Minsk on Thursday.")

    def test_armed_group_detaining_civilians_abducts_them(self):
        assert (VAC, "Abduction/forced disappearance") in types(
            "Militiamen detained dozens of civilians at a checkpoint near Tillaberi on Thursday.")


class TestFlight:
    def test_mass_flight_is_a_strategic_development(self):
        es = events("More than 40,000 people have fled Kidal since Sunday, the UN said.")
        assert [(e.event_type, e.sub_event_type) for e in es] == [(STRAT, "Other")]

    def test_one_family_fleeing_is_not_a_mass_flight(self):
        assert types("He fled the village with his wife on Monday.") == set()

    def test_flight_after_shelling_is_the_shelling(self):
        assert types("The family fled Shebekino after it was shelled by artillery on Monday.") == {
            (REMOTE, "Shelling/artillery/missile attack")}


class TestStance:
    def test_denial(self):
        es = events("The army denied that it shelled the village of Kalma on Monday.")
        assert {e.stance for e in es} == {"denied"}

    def test_unconfirmed(self):
        es = events("There were unconfirmed reports that militias shelled Kadugli on Monday.")
        assert {e.stance for e in es} == {"unconfirmed"}

    def test_threats_plans_and_negations_are_no_mentions(self):
        assert events("The rebels threatened to attack Goma.") == []
        assert events("The ministry said it did not launch an attack on the port of Berdyansk.") == []
        assert events("Residents left before fighting in the valley intensifies, officials said.") == []
        assert events("The envoy called for a ceasefire in Juba.") == []

    def test_a_war_is_not_an_incident(self):
        assert events("The two armies have been fighting a war since 2019 that has killed thousands.") == []


class TestFrames:
    """One happening told several ways in one report is one event frame."""

    TEXT = ("A fuel depot exploded in Taiz on Monday, witnesses said.\n\n"
            "At least 14 people were killed in the blast, the health ministry said.\n\n"
            "Separately, police arrested three men in Aden on Tuesday.")

    def test_the_blast_refers_back_to_the_explosion(self):
        es = [e for e in events(self.TEXT) if e.event_type == STRAT and e.sub_event_type == "Other"]
        assert len(es) == 2
        assert {e.place for e in es} == {"Taiz"} and {str(e.date_start) for e in es} == {"2024-05-13"}
        assert any(e.killed == 14 for e in es)

    def test_a_separate_happening_keeps_its_own_frame(self):
        arrests = [e for e in events(self.TEXT) if e.sub_event_type == "Arrests"]
        assert [(e.place, str(e.date_start)) for e in arrests] == [("Aden", "2024-05-14")]

    def test_two_villages_shelled_are_two_happenings(self):
        es = events("Artillery shelled the village of Kupiansk on Monday.\n\n"
                    "Troops also shelled the town of Vovchansk the same day.")
        assert len({e.place for e in es}) == 2 and len(es) == 2

    def test_a_strike_named_by_its_weapon_then_by_the_site(self):
        es = events("A missile struck a railway station in Lviv on Friday, killing 9 people.\n\n"
                    "Officials said the strike on the station was deliberate.")
        assert {(e.event_type, e.sub_event_type) for e in es} == {(REMOTE, "Shelling/artillery/missile attack")}
        assert {e.place for e in es} == {"Lviv"}


def test_a_strike_named_anew_after_a_dated_clause_is_of_that_day():
    """"were stopped on Thursday following a drone strike": the strike is Thursday's, a happening of
    its own beside Friday's shelling in the same report, not a part of it."""
    evs = events("Shelling hit the market in Mopti on Friday, killing 12 people.\n\n"
                 "Two buses carrying refugees were stopped in the Mopti region on Thursday following a drone strike "
                 "on the road, officials said.", published=date(2024, 5, 18))
    strike = next(e for e in evs if "drone" in e.trigger)
    assert (strike.sub_event_type, strike.date_start, strike.date_end) == \
        ("Air/drone strike", date(2024, 5, 16), date(2024, 5, 16))
    shelling = next(e for e in evs if "drone" not in e.trigger)
    assert shelling.date_start == date(2024, 5, 17) and shelling.sub_event_type == "Shelling/artillery/missile attack"
