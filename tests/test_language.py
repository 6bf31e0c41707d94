"""Language of a text: ISO 639-1, deterministic, "und" when there is too little to tell."""
import pytest

from sitroom.ingest.language import detect_language

PARAGRAPHS = {
    "en": "Heavy rain cut the main road on Tuesday, and hundreds of families took shelter in the "
          "schools of the district, the town council said in a statement.",
    "ru": "Вечером в понедельник над городом снова прозвучали сирены. Жители спустились в подвалы и "
          "провели там несколько часов, пока спасатели разбирали завалы на соседней улице.",
    "uk": "У понеділок увечері над містом знову пролунали сирени. Мешканці спустилися до підвалів і "
          "провели там кілька годин, поки рятувальники розбирали завали на сусідній вулиці.",
    "fr": "Les pluies torrentielles ont coupé la route principale mardi, et des centaines de familles "
          "ont trouvé refuge dans les écoles du quartier, selon la mairie.",
    "de": "Nach den heftigen Regenfällen wurde die Hauptstraße am Dienstag gesperrt, und Hunderte "
          "Familien fanden Zuflucht in den Schulen des Viertels, teilte die Stadt mit.",
    "es": "Las lluvias torrenciales cortaron la carretera principal el martes y cientos de familias "
          "se refugiaron en las escuelas del barrio, según el ayuntamiento.",
    "ar": "قطعت الأمطار الغزيرة الطريق الرئيسي يوم الثلاثاء، ولجأت مئات العائلات إلى مدارس الحي، "
          "بحسب ما أعلنت البلدية في بيان.",
}


@pytest.mark.parametrize("lang", sorted(PARAGRAPHS))
def test_paragraphs_in_each_language(lang):
    assert detect_language(PARAGRAPHS[lang]) == lang


# one-sentence reports, where Russian and Ukrainian share most of their n-grams
SHORT_RU = ["Власти заявили, что дорога будет закрыта до пятницы.",
            "Спасатели эвакуировали жителей из трёх домов на берегу реки.",
            "По словам губернатора, ночью были повреждены электростанция и два моста."]
SHORT_UK = ["Влада заявила, що дорога буде закрита до п'ятниці.",
            "Рятувальники евакуювали мешканців із трьох будинків на березі річки.",
            "За словами губернатора, вночі були пошкоджені електростанція і два мости.",
            "Сили ППО збили дрони над Києвом."]  # n-grams alone say Macedonian


@pytest.mark.parametrize("text", SHORT_RU)
def test_short_russian(text):
    assert detect_language(text) == "ru"


@pytest.mark.parametrize("text", SHORT_UK)
def test_short_ukrainian(text):
    assert detect_language(text) == "uk"


def test_a_ukrainian_place_name_in_russian_text_stays_russian():
    text = ("Жители Миколаєва, как пишут местные издания, провели ночь в укрытиях; "
            "утром мэр сообщил, что пострадавших нет.")
    assert detect_language(text) == "ru"


def test_too_little_text_is_undetermined():
    for text in ("", "   ", "12 345 — 67", "OK", "Mosul, 2024", "https://news.example/a/b/c?id=12345"):
        assert detect_language(text) == "und", text


def test_deterministic():
    mixed = "Shelling hit the market. Обстрел рынка. Marché bombardé ce matin, selon la mairie."
    assert len({detect_language(mixed) for _ in range(20)}) == 1
    assert all(detect_language(PARAGRAPHS["uk"]) == "uk" for _ in range(10))
