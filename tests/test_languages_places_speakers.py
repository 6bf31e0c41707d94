"""Places and quote speakers in Russian, Ukrainian and Arabic reports: error classes of the
other-language paths, each on sentences of our own about several crises."""
from datetime import date

import pytest

from sitroom.extract.document import extract_document
from sitroom.extract.nlp import arabic_skeleton, latin_skeleton, press_latin

DAY = date(2024, 3, 5)


def places(lang, text):
    facts = extract_document(text, DAY, language=lang)
    assert not facts.failures
    return {p.surface: p for p in facts.places}


def speakers(lang, text):
    facts = extract_document(text, DAY, language=lang)
    assert not facts.failures
    return [q.speaker for q in facts.quotes]


# ---------------------------------------------------------------- Russian: polities by initials

@pytest.mark.parametrize("text, acronym", [
    ("Как заявили в ПМР, обстрелов на границе не было.", "ПМР"),
    ("Представители НКР сообщили о новых беженцах из Степанакерта.", "НКР"),
])
def test_a_polity_named_by_its_initials_is_its_authorities_not_a_place(text, acronym):
    got = places("ru", text)
    assert got[acronym].kind == "metonym"


def test_a_country_inside_a_bodys_name_is_not_a_place_but_the_country_itself_is():
    got = places("ru", "Как сообщила служба государственной безопасности Грузии, задержаны трое.")
    assert got["Грузии"].kind == "metonym"
    got = places("ru", "Беженцы прибыли в Грузию на прошлой неделе.")
    assert got["Грузию"].kind == "country"


# ---------------------------------------------------------------- Russian/Ukrainian: facility names

@pytest.mark.parametrize("lang, text, name, town, iso", [
    ("ru", "Снаряд попал в больницу Аль-Джумхурия в Мосуле, погибли пять человек.", "Аль-Джумхурия", "Мосуле", "IQ"),
    ("ru", "Раненых доставили в госпиталь Аль-Авда в Сане.", "Аль-Авда", "Сане", "YE"),
    ("uk", "Ракета влучила в лікарню Охматдит у Києві.", "Охматдит", "Києві", "UA"),
])
def test_a_facility_is_named_by_its_own_name_not_the_declined_noun(lang, text, name, town, iso):
    got = places(lang, text)
    assert got[name].kind in ("facility", "hospital") and got[name].country == iso
    assert town in got
    assert not any(s != name and s.endswith(name) for s in got)   # "больницу Аль-Джумхурия" is not a surface


# ---------------------------------------------------------------- Arabic: names the gazetteer has in Latin letters only

@pytest.mark.parametrize("arabic, latin", [
    ("زليتن", "Zliten"), ("ترهونة", "Tarhuna"), ("افجوي", "Afgooye"), ("الحديدة", "Hodeidah"),
    ("بنغازي", "Benghazi"), ("غريان", "Gharyan"),
])
def test_arabic_and_latin_spellings_share_a_skeleton(arabic, latin):
    assert arabic_skeleton(arabic) == latin_skeleton(latin)


@pytest.mark.parametrize("text, surface, name, iso", [
    ("فر السكان من طرابلس إلى مدينة ترهونة بعد الاشتباكات.", "ترهونة", "Tarhuna", "LY"),
    ("وصل آلاف النازحين من مقديشو إلى مدينة افجوي.", "افجوي", "Afgooye", "SO"),
])
def test_an_arabic_town_name_is_found_by_its_skeleton_near_the_texts_places(text, surface, name, iso):
    got = places("ar", text)
    assert got[surface].name == name and got[surface].country == iso


def test_a_skeleton_needs_a_cue_and_a_town_near_the_story():
    # common words after a preposition are no towns; a cue with no place around finds nothing
    got = places("ar", "قال مسؤول إن الجرحى نقلوا من موقع الهجوم إلى المستشفى في مقديشو.")
    assert set(got) == {"مقديشو"}
    assert places("ar", "وصل النازحون إلى مدينة افجوي.") == {}


# ---------------------------------------------------------------- Russian speakers in the English press's form

@pytest.mark.parametrize("written, press", [
    ("Дмитрий Колесников", "Dmitry Kolesnikov"),
    ("Сергей Орехов", "Sergey Orekhov"),
    ("Мария Соколова", "Maria Sokolova"),
    ("Николай Шойгин", "Nikolai Shoigin"),
])
def test_russian_names_in_the_press_spelling(written, press):
    assert press_latin(written, "ru") == press


def test_a_borrowed_indeclinable_name_keeps_its_h():
    # "х" of a name no Russian case ending changes is the h of its own language
    assert press_latin("Ахмад Хури", "ru").split()[-1] == "Huri"
    assert press_latin("Михаил Орехов", "ru") == "Mikhail Orekhov"


@pytest.mark.parametrize("text, speaker", [
    ("Губернатор Дмитрий Колесников заявил, что в городе нет света и воды уже третий день.",
     "Dmitry Kolesnikov"),
    ("Как сообщили в штабе территориальной обороны Херсона, ночью город обстреляли из артиллерии.",
     "Territorial Defence Headquarters"),
])
def test_russian_speakers_in_the_shared_form(text, speaker):
    assert speaker in speakers("ru", text)


@pytest.mark.parametrize("lang, text, speaker", [
    ("ru", "Как заявили в Хезболле, обстрелы севера будут продолжаться ещё несколько дней.", "Hezbollah"),
    ("uk", "Як заявили в ЗСУ, ворог обстріляв місто вночі з артилерії.", "Armed Forces of Ukraine"),
    ("de", "Die Hisbollah erklärte, die Angriffe auf den Norden würden weitergehen.", "Hezbollah"),
    ("fr", "Selon les talibans, les frontières resteront fermées aux réfugiés pendant l'hiver.", "Taliban"),
])
def test_armed_groups_are_named_as_the_english_press_names_them(lang, text, speaker):
    assert speaker in speakers(lang, text)
