"""Incident mentions in French, Russian, Ukrainian, German, Spanish and Arabic: typed as
ACLED does from the trigger lemmas of each language's lexicon rows, with the place, date
and actors of their sentence; one strike reported in two languages is one stored incident;
read levels said out loud; right-to-left text shown with dir="auto"; full-text search on
Cyrillic and Arabic sentences. Sentences of our own, several crises."""
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitroom import pipeline
from sitroom.extract.document import extract_document, read_level
from sitroom.fuse import picture
from sitroom.store.db import Store

PUB = date(2024, 5, 15)   # a Wednesday
REMOTE, BATTLE, VAC = "Explosions/Remote violence", "Battles", "Violence against civilians"
PROTEST, STRAT = "Protests", "Strategic developments"

# (language, sentence, trigger, event type, sub-event type, place, first day, an actor or None)
CASES = [
    # French: Mali, DR Congo, Haiti, Yemen
    ("fr", "Mardi, une frappe de drone de l'armée malienne a touché un marché à Gao.", "frappe de drone",
     REMOTE, "Air/drone strike", "Gao", date(2024, 5, 14), "Military Forces of Mali"),
    ("fr", "Des rebelles ont attaqué des villageois près de Bunia dimanche.", "attaqué",
     VAC, "Attack", "Bunia", date(2024, 5, 12), None),
    ("fr", "Samedi, la police a dispersé des manifestants à Port-au-Prince avec du gaz lacrymogène.", "dispersé",
     PROTEST, "Protest with intervention", "Port-au-Prince", date(2024, 5, 11), "Protesters (Haiti)"),
    ("fr", "Des obus sont tombés sur un quartier de Taïz lundi.", "obus",
     REMOTE, "Shelling/artillery/missile attack", "Taiz", date(2024, 5, 13), None),
    ("fr", "Jeudi, les forces armées maliennes ont repris le contrôle de Kidal.", "repris",
     BATTLE, "Government regains territory", "Kidal", date(2024, 5, 9), "Military Forces of Mali"),
    # Russian: Ukraine, Iraq, Myanmar
    ("ru", "В понедельник российские войска обстреляли Харьков из артиллерии.", "обстреляли",
     REMOTE, "Shelling/artillery/missile attack", "Kharkiv", date(2024, 5, 13), "Military Forces of Russia"),
    ("ru", "Беспилотник атаковал жилой дом в Сумах в среду.", "Беспилотник",
     REMOTE, "Air/drone strike", "Sumy", date(2024, 5, 15), None),
    ("ru", "Боевики похитили двух журналистов в Мосуле в пятницу.", "похитили",
     VAC, "Abduction/forced disappearance", "Mosul", date(2024, 5, 10), None),
    ("ru", "В четверг в Янгоне прошёл митинг против военных.", "митинг",
     PROTEST, "Peaceful protest", "Yangon", None, None),
    ("ru", "Во вторник в Мосуле повстанцы захватили здание министерства.", "захватили",
     BATTLE, "Non-state actor overtakes territory", "Mosul", date(2024, 5, 14), None),
    # Ukrainian: Ukraine, DR Congo, Georgia
    ("uk", "У вівторок російські війська обстріляли Суми.", "обстріляли",
     REMOTE, "Shelling/artillery/missile attack", "Sumy", date(2024, 5, 14), "Military Forces of Russia"),
    ("uk", "Вибух пролунав на ринку в Одесі в неділю.", "Вибух",
     STRAT, "Other", "Odesa", date(2024, 5, 12), None),
    ("uk", "У суботу повстанці захопили місто Гома.", "захопили",
     BATTLE, "Non-state actor overtakes territory", "Goma", date(2024, 5, 11), None),
    ("uk", "Поліція затримала протестувальників у Тбілісі в понеділок.", "затримала",
     STRAT, "Arrests", "Tbilisi", date(2024, 5, 13), None),
    ("uk", "У середу в Сумах ракета влучила в школу.", "ракета",
     REMOTE, "Shelling/artillery/missile attack", "Sumy", date(2024, 5, 15), None),
    # German: Ukraine, Yemen, Mali, Haiti
    ("de", "Am Montag beschossen russische Truppen die Stadt Charkiw.", "beschossen",
     REMOTE, "Shelling/artillery/missile attack", "Kharkiv", date(2024, 5, 13), "Military Forces of Russia"),
    ("de", "Bei einem Luftangriff auf ein Krankenhaus in Sanaa wurden am Mittwoch zwölf Menschen getötet.",
     "Luftangriff", REMOTE, "Air/drone strike", "Sanaa", date(2024, 5, 15), None),
    ("de", "Dschihadisten entführten am Freitag zwanzig Dorfbewohner in der Nähe von Mopti.", "entführten",
     VAC, "Abduction/forced disappearance", "Mopti", date(2024, 5, 10), None),
    ("de", "Tausende Menschen demonstrierten am Samstag in Port-au-Prince gegen die Regierung.", "demonstrierten",
     PROTEST, "Peaceful protest", "Port-au-Prince", date(2024, 5, 11), None),
    ("de", "Am Dienstag kam es zu heftigen Gefechten bei Gao.", "Gefechten",
     BATTLE, "Armed clash", "Gao", date(2024, 5, 14), None),
    # Spanish: Mali, DR Congo, Haiti
    ("es", "El lunes, un ataque aéreo alcanzó un mercado en Kidal.", "ataque aéreo",
     REMOTE, "Air/drone strike", "Kidal", date(2024, 5, 13), None),
    ("es", "Los rebeldes capturaron la ciudad de Goma el sábado.", "capturaron",
     BATTLE, "Non-state actor overtakes territory", "Goma", date(2024, 5, 11), None),
    ("es", "La policía disparó gas lacrimógeno contra manifestantes en Puerto Príncipe el viernes.", "gas lacrimógeno",
     PROTEST, "Protest with intervention", "Port-au-Prince", date(2024, 5, 10), "Protesters (Haiti)"),
    ("es", "Un artefacto explosivo mató a tres soldados cerca de Gao el martes.", "artefacto explosivo",
     REMOTE, "Remote explosive/landmine/IED", "Gao", date(2024, 5, 14), None),
    ("es", "Hombres armados secuestraron a doce pasajeros cerca de Bunia el domingo.", "secuestraron",
     VAC, "Abduction/forced disappearance", "Bunia", date(2024, 5, 12), None),
    # Arabic: Yemen, DR Congo, Mali, Iraq
    ("ar", "قصفت طائرات مسيرة سوقا في مدينة تعز يوم الاثنين", "قصفت",
     REMOTE, "Air/drone strike", "Taiz", date(2024, 5, 13), None),
    ("ar", "اشتباكات عنيفة بين الجيش والمتمردين في غوما يوم السبت", "اشتباكات",
     BATTLE, "Armed clash", "Goma", date(2024, 5, 11), None),
    ("ar", "اختطف مسلحون عشرة مزارعين قرب موبتي يوم الجمعة", "اختطف",
     VAC, "Abduction/forced disappearance", "Mopti", date(2024, 5, 10), "Unidentified Armed Group (Mali)"),
    ("ar", "تظاهر آلاف في بغداد يوم الخميس", "تظاهر",
     PROTEST, "Peaceful protest", "Baghdad", date(2024, 5, 9), None),
    ("ar", "انفجرت عبوة ناسفة في سوق بمدينة تعز يوم الأحد", "عبوة ناسفة",
     REMOTE, "Remote explosive/landmine/IED", "Taiz", date(2024, 5, 12), None),
]

# threats, possibilities and negations are no mentions
NOT_MENTIONS = [
    ("fr", "Les rebelles menacent d'attaquer Goma."),
    ("ru", "Армия не обстреливала Алеппо."),
    ("uk", "Військові можуть атакувати Запоріжжя."),
    ("de", "Die Armee drohte mit einem Angriff auf Goma."),
    ("es", "El ejército amenazó con bombardear Taiz."),
    ("ar", "لم يقصف الجيش مدينة حلب"),
]


@pytest.mark.parametrize("lang,text,trigger,etype,sub,place,day,actor", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_incident_mentions_in_six_languages(lang, text, trigger, etype, sub, place, day, actor):
    facts = extract_document(text, PUB, language=lang)
    assert not facts.failures
    (m,) = [e for e in facts.events if e.event_type == etype]
    assert (m.event_type, m.sub_event_type, m.place) == (etype, sub, place)
    assert m.trigger == trigger and text[m.start:m.start + len(trigger)].startswith(text[m.start:m.end])
    assert text[m.start:m.end] in trigger and m.sentence.strip() == text.strip()
    assert m.stance == "asserted"
    if day is not None:
        assert m.date_start == day and m.date_end == day
    if actor is not None:
        assert actor in m.actors.split("; ")
    assert m.label   # labelled in English, as every incident is
    assert m.label.endswith(place) and not m.label.startswith(("Shelling/", "Air/", "Remote"))


@pytest.mark.parametrize("lang,text", NOT_MENTIONS, ids=[c[0] for c in NOT_MENTIONS])
def test_threats_and_negations_are_not_mentions(lang, text):
    assert extract_document(text, PUB, language=lang).events == []


def test_every_language_reads_incidents():
    for lang in ("fr", "ru", "uk", "de", "es", "ar"):
        assert read_level(lang) != "none" and "events" in __import__(
            "sitroom.extract.document", fromlist=["kinds_for"]).kinds_for(lang)


def _corpus(tmp_path: Path, reports: list[dict]) -> Path:
    path = tmp_path / "reports.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in reports) + "\n", encoding="utf-8")
    return path


TWO_LANGUAGES = [
    {"id": "en-1", "outlet": "Harbour Post", "published": "2024-05-15", "language": "en",
     "text": "A drone strike hit a market in Gao on Tuesday, killing nine civilians, local officials said."},
    {"id": "fr-1", "outlet": "Le Veilleur", "published": "2024-05-15", "language": "fr",
     "text": "Mardi, une frappe de drone a touché un marché à Gao, tuant neuf civils, selon des responsables locaux."},
    {"id": "ru-1", "outlet": "Вечерний курьер", "published": "2024-05-16", "language": "ru",
     "text": "Во вторник беспилотник нанёс удар по рынку в Гао, погибли девять мирных жителей."},
]


def test_one_strike_in_three_languages_is_one_stored_incident(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    result = pipeline.analyze([str(_corpus(tmp_path, TWO_LANGUAGES))], store, online=False)
    assert result.ok and len(result.extracted) == 3
    incidents = [i for i in picture.build(store).incidents if i.place == "Gao"]
    assert len(incidents) == 1
    inc = incidents[0]
    assert inc.event_type == REMOTE and inc.sub_event_type == "Air/drone strike"
    assert inc.date_start == date(2024, 5, 14)
    langs = {store.find_source(str(m.source_id)).meta.language for m in inc.mentions}
    assert langs == {"en", "fr", "ru"}


def test_read_levels_said_in_the_run_summary_and_sources(tmp_path, monkeypatch):
    reports = TWO_LANGUAGES[:2] + [
        {"id": "hy-1", "outlet": "Lraber", "published": "2024-05-15",
         "text": "Երեքշաբթի օրը Գաոյի շուկայում անօդաչու թռչող սարքի հարված է տեղի ունեցել, զոհվել է ինը խաղաղ բնակիչ։"}]
    monkeypatch.setenv("SITROOM_DB", str(tmp_path / "s.db"))
    from sitroom.cli import app
    runner = CliRunner()
    got = runner.invoke(app, ["analyze", str(_corpus(tmp_path, reports)), "--offline"])
    assert got.exit_code == 0, got.output
    assert "1 source in Armenian: archived, not read" in got.output
    assert "1 source in French: " in got.output and "1 source in English: full" in got.output
    listed = runner.invoke(app, ["sources"])
    assert listed.exit_code == 0
    assert "1 source in Armenian: archived, not read" in listed.output
    assert "in French: " in listed.output and "events" in listed.output.split("in French: ")[1].splitlines()[0] \
        or "full" in listed.output.split("in French: ")[1].splitlines()[0]


def test_search_finds_cyrillic_and_arabic_sentences(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    pipeline.analyze([str(_corpus(tmp_path, [
        TWO_LANGUAGES[2],
        {"id": "ar-1", "outlet": "الرصيف", "published": "2024-05-15", "language": "ar",
         "text": "قصفت طائرات مسيرة سوقا في مدينة تعز يوم الاثنين"}]))], store, online=False)
    assert store.search_sentences("рынку")
    assert store.search_sentences("РЫНКУ") == store.search_sentences("рынку")   # case folded
    assert store.search_sentences("تعز")
    assert not store.search_sentences("Гао рынок-которого-нет")


def test_right_to_left_text_is_shown_with_dir_auto():
    """Every element of the pages holding source text (sentences, the article, titles,
    labels, quoted words) and the report's citations say dir="auto"."""
    root = Path(__file__).resolve().parent.parent / "src" / "sitroom"
    held = ("sentence }}", "{{ text }}", "meta.title", "inc.label }}</", "scare_quotes")
    seen = 0
    for tpl in (root / "web" / "templates").glob("*.html"):
        for line in tpl.read_text(encoding="utf-8").splitlines():
            if any(h in line for h in held) and "{% block title" not in line:
                seen += 1
                assert 'dir="auto"' in line, (tpl.name, line.strip())
    assert seen >= 7
    sitrep = (root / "report" / "sitrep.py").read_text(encoding="utf-8")
    assert sitrep.count('dir=\\"auto\\"') + sitrep.count('dir="auto"') >= 2


# A happening told without a place or a day of its own, after a sentence that gives them: a
# mention in every language (it takes the report's place), as in English.
UNANCHORED = [
    ("fr", "Des hommes armés ont attaqué le village de Kiwanja, dans le Nord-Kivu, lundi. "
           "Des dizaines de personnes ont été enlevées, selon des témoins.", "enlevées"),
    ("de", "Bewaffnete haben am Montag im Osten Kongos Dörfer angegriffen. "
           "Dutzende Menschen wurden entführt, berichteten Zeugen.", "entführt"),
    ("es", "Hombres armados atacaron el lunes la aldea de Kiwanja, en el este del Congo. "
           "Decenas de personas fueron secuestradas, según testigos.", "secuestradas"),
    ("ru", "В понедельник боевики напали на деревню под Мосулом. "
           "Десятки жителей были похищены, сообщили свидетели.", "похищены"),
]


@pytest.mark.parametrize("lang,text,trigger", UNANCHORED, ids=[c[0] for c in UNANCHORED])
def test_a_happening_told_without_its_own_place_is_a_mention_in_every_language(lang, text, trigger):
    facts = extract_document(text, PUB, language=lang)
    (m,) = [e for e in facts.events if e.sub_event_type == "Abduction/forced disappearance"]
    assert m.trigger == trigger and m.event_type == VAC
    assert m.place   # the report's place, for fusion to join it to what happened there


# A sentence that opens on an earlier happening ("after the strike on X") and tells of a new
# one elsewhere: the new one is where its own clause says.
EARLIER = [
    ("en", "Hours after the strike on the Al-Nour hospital in Gao, hundreds of people protested in Bamako.",
     "Bamako"),
    ("fr", "Après la frappe sur l'hôpital Al-Nour de Gao, une foule en colère a manifesté à Bamako.",
     "Bamako"),
    ("de", "Nach dem Luftangriff auf den Markt in Gao protestierten Hunderte Menschen in Bamako.", "Bamako"),
    ("ru", "После удара по рынку в Мосуле сотни людей вышли на акцию протеста в Багдаде.", "Baghdad"),
]


@pytest.mark.parametrize("lang,text,place", EARLIER, ids=[c[0] for c in EARLIER])
def test_a_place_of_an_earlier_happening_is_not_where_the_new_one_is(lang, text, place):
    facts = extract_document(text, PUB, language=lang)
    (m,) = [e for e in facts.events if e.event_type == PROTEST]
    assert m.place == place


# An aim is not a happening: "fought to take control of X", "pour prendre le contrôle de X".
AIMS = [
    ("en", "The rebels have battled the army for two years to seize Goma."),
    ("fr", "Les rebelles affrontent l'armée depuis deux ans afin de s'emparer de Goma."),
    ("de", "Die Rebellen kämpfen seit zwei Jahren, um Goma zu erobern."),
    ("es", "Los rebeldes combaten al ejército desde hace dos años para tomar el control de Goma."),
    ("ru", "Боевики второй год воюют с армией, чтобы захватить Гому."),
]
TAKEN = [
    ("en", "Rebels fought their way into Goma and took control of the airport on Monday."),
    ("fr", "Après deux jours de combats, les rebelles se sont emparés de Goma lundi."),
    ("de", "Nach heftigen Kämpfen haben die Rebellen Goma am Montag erobert."),
]


@pytest.mark.parametrize("lang,text", AIMS, ids=[c[0] for c in AIMS])
def test_ground_a_party_fights_to_take_is_not_taken(lang, text):
    facts = extract_document(text, PUB, language=lang)
    assert not [e for e in facts.events if e.sub_event_type == "Non-state actor overtakes territory"]


@pytest.mark.parametrize("lang,text", TAKEN, ids=[c[0] for c in TAKEN])
def test_ground_taken_is_still_taken(lang, text):
    facts = extract_document(text, PUB, language=lang)
    assert [e for e in facts.events if e.sub_event_type == "Non-state actor overtakes territory"]


def test_no_incident_is_placed_at_a_continent():
    text = ("Clashes broke out in Goma on Monday. Days later, rebels shelled villages in central Africa, "
            "the report said.")
    facts = extract_document(text, PUB, language="en")
    shelled = [e for e in facts.events if e.trigger == "shelled"]
    assert shelled and all(e.place == "Goma" for e in shelled)


def test_a_toll_written_in_digits_is_who_was_killed_in_french():
    # the French parser can head "200 civils" by the number: the civilians are still the victims
    facts = extract_document("Le chef de la milice a tué 200 civils à Goma lundi.", PUB, language="fr")
    (m,) = [e for e in facts.events if e.event_type == VAC]
    assert m.sub_event_type == "Attack" and m.place == "Goma"


# a noun mention whose verb says it happened ("une explosion est survenue ... le 3 mai")
# keeps that date as its own; an earlier strike told in the pluperfect on another day of
# the same report is a strike of its own
EARLIER_STRIKE = [
    ("fr", "Une explosion est survenue au dépôt de carburant de Bouaké, le 13 mai en fin de soirée.\n\n"
           "Le dépôt avait déjà subi un bombardement le 9 mai, sans faire de victimes.",
     "explosion", "bombardement"),
    ("ru", "Взрыв произошёл на нефтебазе в Бердянске 13 мая поздно вечером.\n\n"
           "Нефтебаза уже была повреждена обстрелом 9 мая.",
     "Взрыв", "обстрелом"),
]


@pytest.mark.parametrize("lang,text,first,earlier", EARLIER_STRIKE)
def test_a_happening_keeps_the_date_its_verb_gives_and_an_earlier_strike_its_own(lang, text, first, earlier):
    evs = {e.trigger: e for e in extract_document(text, PUB, language=lang).events}
    assert evs[first].date_start == date(2024, 5, 13) and evs[first].date_end == date(2024, 5, 13)
    assert evs[earlier].date_start == date(2024, 5, 9)


# an attack on a site after the missile strike on that site, in one report: one strike,
# with the toll the attack sentence gives
SAME_SITE = [
    ("uk", "Російські війська вдарили ракетами по залізничному вокзалу в Лозовій.\n\n"
           "Окупанти атакували вокзал вранці. Загинули 14 людей.", "Lozova"),
    ("ru", "Армия нанесла ракетный удар по больнице в Северодонецке.\n\n"
           "Вечером больницу атаковали снова. Погибли 14 человек.", "Sievierodonetsk"),
]


@pytest.mark.parametrize("lang,text,town", SAME_SITE)
def test_an_attack_on_the_site_a_strike_hit_is_that_strike(lang, text, town):
    evs = extract_document(text, PUB, language=lang).events
    assert evs and {e.event_type for e in evs} == {REMOTE}
    assert any(e.killed == 14 for e in evs)


@pytest.mark.parametrize("lang,text", [
    ("en", "Whoever shells a hospital commits a war crime, the minister said."),
    ("ru", "Кто жестоко бомбит наши школы, тот бомбит и свои."),
    ("fr", "Quiconque bombarde une école commet un crime de guerre, a déclaré le ministre."),
])
def test_a_maxim_about_whoever_does_it_is_no_incident(lang, text):
    assert extract_document(text, PUB, language=lang).events == []



@pytest.mark.parametrize("lang,text", [
    ("fr", "Les combats reprendront demain à Goma, selon des sources locales."),
    ("ru", "Вскоре Лозовая окажется в центре тяжёлых боев на востоке."),
])
def test_a_happening_under_a_verb_in_the_future_is_yet_to_come(lang, text):
    assert extract_document(text, PUB, language=lang).events == []


@pytest.mark.parametrize("lang, text", [
    ("fr", "À Goma, lundi, des milliers de civils ont fui vers Gisenyi."),
    ("en", "In Goma on Monday, thousands of civilians fled toward Gisenyi."),
])
def test_where_people_fled_to_is_not_where_they_fled(lang, text):
    """The place after a word of destination (event_cues destination: "vers", "toward") is
    where people went: the flight is placed where they fled from."""
    facts = extract_document(text, date(2024, 5, 15), language=lang)
    assert not facts.failures
    assert [e.place for e in facts.events] == ["Goma"]
