"""Places and dates in French, German, Spanish, Russian, Ukrainian and Arabic reports (issue 11):
sentences of our own, written as a journalist of each language would, about several crises
(floods in Mozambique, fighting in the Sahel, the earthquake in Turkey, Myanmar, Yemen, Haiti,
Libya, Somalia, Colombia, Ethiopia). Exonyms, case forms and proclitics for places; each
language's month and weekday names, ranges and words relative to the publication date for
dates. Each case runs the whole extraction and checks the span, the resolution and that no
extractor failed."""
from datetime import date

import pytest

from sitroom.extract.document import extract_document
from sitroom.models import NOT_LOCATIONS

PUB = date(2024, 5, 15)  # a Wednesday
LANGUAGES = ("fr", "de", "es", "ru", "uk", "ar")


def facts_of(lang, text):
    facts = extract_document(text, PUB, language=lang)
    assert facts.failures == []
    return facts


# ---------------------------------------------------------------- places

# (lang, crisis, sentence, [(surface, gazetteer name, ISO country, kind)])
PLACES = [
    # French: exonyms, "aux"/"d'" contractions, "l'État" before a region
    ("fr", "mozambique", "Des pluies torrentielles ont inondé la ville de Beira, au Mozambique, dans la nuit de samedi à dimanche.",
     [("Beira", "Beira", "MZ", "settlement"), ("Mozambique", "Mozambique", "MZ", "country")]),
    ("fr", "mozambique", "Le cyclone a touché terre près de Pemba, dans la province de Cabo Delgado.",
     [("Pemba", "Pemba", "MZ", "settlement"), ("Cabo Delgado", "Cabo Delgado", "MZ", "region")]),
    ("fr", "sahel", "Au moins douze soldats ont été tués près de Gao, dans le nord du Mali.",
     [("Gao", "Gao", "ML", "settlement"), ("Mali", "Mali", "ML", "country")]),
    ("fr", "sahel", "Les réfugiés arrivent chaque jour à Ouagadougou, la capitale du Burkina Faso.",
     [("Ouagadougou", "Ouagadougou", "BF", "settlement"), ("Burkina Faso", "Burkina Faso", "BF", "country")]),
    ("fr", "turkey", "Le séisme a été ressenti jusqu'à Gaziantep, dans le sud-est de la Turquie.",
     [("Gaziantep", "Gaziantep", "TR", "settlement"), ("Turquie", "Turkey", "TR", "country")]),
    ("fr", "myanmar", "En Birmanie, l'armée a bombardé plusieurs villages de l'État Rakhine.",
     [("Birmanie", "Myanmar", "MM", "country"), ("Rakhine", "Rakhine", "MM", "region")]),
    ("fr", "haiti", "Les secours sont arrivés aux Cayes, dans le sud d'Haïti.",
     [("Cayes", "Les Cayes", "HT", "settlement"), ("Haïti", "Haiti", "HT", "country")]),
    ("fr", "somalia", "Le ministère de la Santé a annoncé la fin de l'épidémie de choléra à Mogadiscio.",
     [("Mogadiscio", "Mogadishu", "SO", "settlement")]),
    # a region named after its people ("région Amhara"), a town sharing its region's name after "la ville de"
    ("fr", "ethiopia", "Les combats ont repris dans la région Amhara, selon des habitants.",
     [("Amhara", "Amhara", "ET", "region")]),
    ("fr", "sahel", "Près de la ville de Tombouctou, un convoi a sauté sur une mine.",
     [("Tombouctou", "Timbuktu", "ML", "settlement")]),
    ("fr", "sahel", "Des tirs ont été entendus dans la ville de Kidal dimanche.",
     [("Kidal", "Kidal", "ML", "settlement")]),

    # German: exonyms (Mogadischu, Tripolis, Hodeida), genitive -s, "im Bundesstaat"
    ("de", "yemen", "In der jemenitischen Hafenstadt Hodeida schlugen am Montag mehrere Raketen ein.",
     [("Hodeida", "Al Ḩudaydah", "YE", "settlement")]),
    ("de", "somalia", "In Mogadischu explodierte gestern eine Autobombe.",
     [("Mogadischu", "Mogadishu", "SO", "settlement")]),
    ("de", "libya", "Hunderte Menschen flohen aus Tripolis in Richtung Tunesien.",
     [("Tripolis", "Tripoli", "LY", "settlement"), ("Tunesien", "Tunisia", "TN", "country")]),
    ("de", "myanmar", "In Myanmar, im Bundesstaat Rakhine, wurden Dörfer niedergebrannt.",
     [("Myanmar", "Myanmar", "MM", "country"), ("Rakhine", "Rakhine", "MM", "region")]),
    ("de", "mozambique", "Der Zyklon traf die Küste Mosambiks nahe der Stadt Beira.",
     [("Mosambiks", "Mozambique", "MZ", "country"), ("Beira", "Beira", "MZ", "settlement")]),
    ("de", "turkey", "Helfer suchten in Antakya im Süden der Türkei nach Überlebenden.",
     [("Antakya", "Antakya", "TR", "settlement"), ("Türkei", "Turkey", "TR", "country")]),
    ("de", "ethiopia", "Die Kämpfe in der Region Tigray dauern an.",
     [("Tigray", "Tigray", "ET", "region")]),
    ("de", "ethiopia", "Die Kämpfe im Norden Äthiopiens, in der Region Amhara, flammten wieder auf.",
     [("Äthiopiens", "Ethiopia", "ET", "country"), ("Amhara", "Amhara", "ET", "region")]),

    # Spanish: exonyms (Puerto Príncipe, Mogadiscio, Turquía), departments and provinces
    ("es", "mozambique", "Las lluvias dejaron sin hogar a miles de familias en Cabo Delgado, Mozambique.",
     [("Cabo Delgado", "Cabo Delgado", "MZ", "region"), ("Mozambique", "Mozambique", "MZ", "country")]),
    ("es", "turkey", "El terremoto sacudió la ciudad de Antakya, en el sur de Turquía.",
     [("Antakya", "Antakya", "TR", "settlement"), ("Turquía", "Turkey", "TR", "country")]),
    ("es", "colombia", "Hombres armados atacaron una aldea del departamento del Cauca, en Colombia.",
     [("Cauca", "Cauca", "CO", "region"), ("Colombia", "Colombia", "CO", "country")]),
    ("es", "colombia", "Las Fuerzas Armadas entraron en la ciudad de Cúcuta, en Norte de Santander.",
     [("Cúcuta", "Cúcuta", "CO", "settlement"), ("Norte de Santander", "Norte de Santander", "CO", "region")]),
    ("es", "haiti", "Las pandillas controlan gran parte de Puerto Príncipe.",
     [("Puerto Príncipe", "Port-au-Prince", "HT", "settlement")]),
    ("es", "somalia", "En Mogadiscio, la capital somalí, se registraron dos explosiones.",
     [("Mogadiscio", "Mogadishu", "SO", "settlement")]),
    ("es", "libya", "Las inundaciones en Libia, en la ciudad de Derna, causaron miles de muertos.",
     [("Libia", "Libya", "LY", "country"), ("Derna", "Darnah", "LY", "settlement")]),
    ("es", "sahel", "Cientos de personas huyeron de Mopti, en el centro de Malí.",
     [("Mopti", "Mopti", "ML", "settlement"), ("Malí", "Mali", "ML", "country")]),

    # Russian: locative, accusative, genitive and instrumental forms; indeclinable names
    ("ru", "iraq", "В Мосуле в понедельник прогремел взрыв.",
     [("Мосуле", "Mosul", "IQ", "settlement")]),
    ("ru", "yemen", "Гуманитарный конвой прибыл в Сану, столицу Йемена.",
     [("Сану", "Sanaa", "YE", "settlement"), ("Йемена", "Yemen", "YE", "country")]),
    ("ru", "haiti", "В Гаити, в Порт-о-Пренсе, банды захватили тюрьму.",
     [("Гаити", "Haiti", "HT", "country"), ("Порт-о-Пренсе", "Port-au-Prince", "HT", "settlement")]),
    ("ru", "myanmar", "Беженцы из Мьянмы прибывают в Бангладеш.",
     [("Мьянмы", "Myanmar", "MM", "country"), ("Бангладеш", "Bangladesh", "BD", "country")]),
    ("ru", "ethiopia", "В Эфиопии, в области Амхара, начались столкновения.",
     [("Эфиопии", "Ethiopia", "ET", "country"), ("Амхара", "Amhara", "ET", "region")]),
    ("ru", "somalia", "Позавчера в Байдоа взорвался автомобиль.",
     [("Байдоа", "Baidoa", "SO", "settlement")]),
    ("ru", "turkey", "В Антакье спасатели работали всю ночь.",
     [("Антакье", "Antakya", "TR", "settlement")]),
    ("ru", "libya", "Бои под Триполи, столицей Ливии, не утихают.",
     [("Триполи", "Tripoli", "LY", "settlement"), ("Ливии", "Libya", "LY", "country")]),
    ("ru", "mozambique", "В Бейре снова начались дожди.",
     [("Бейре", "Beira", "MZ", "settlement")]),

    # Ukrainian: locative after "у"/"в", genitive after "до", indeclinable names
    ("uk", "iraq", "У Мосулі в понеділок пролунав вибух.",
     [("Мосулі", "Mosul", "IQ", "settlement")]),
    ("uk", "turkey", "Землетрус у Туреччині зруйнував тисячі будинків.",
     [("Туреччині", "Turkey", "TR", "country")]),
    ("uk", "haiti", "У Гаїті, в Порт-о-Пренсі, банди захопили в'язницю.",
     [("Гаїті", "Haiti", "HT", "country"), ("Порт-о-Пренсі", "Port-au-Prince", "HT", "settlement")]),
    ("uk", "somalia", "Позавчора в Байдоа вибухнув автомобіль.",
     [("Байдоа", "Baidoa", "SO", "settlement")]),
    ("uk", "yemen", "Учора ввечері в Сані пролунали вибухи.",
     [("Сані", "Sanaa", "YE", "settlement")]),
    ("uk", "mozambique", "Бойовики напали на село в Мозамбіку.",
     [("Мозамбіку", "Mozambique", "MZ", "country")]),
    ("uk", "libya", "Повінь у Лівії зруйнувала квартали Бенгазі.",
     [("Лівії", "Libya", "LY", "country"), ("Бенгазі", "Benghazi", "LY", "settlement")]),
    ("uk", "sahel", "До Мопті прибули тисячі біженців.",
     [("Мопті", "Mopti", "ML", "settlement")]),
    # Ukrainian names of foreign towns the gazetteer lacks: looked up in their Russian and Latin spellings
    ("uk", "turkey", "Землетрус зруйнував Газіантеп.",
     [("Газіантеп", "Gaziantep", "TR", "settlement")]),
    ("uk", "turkey", "Рятувальники працюють в Антакії.",
     [("Антакії", "Antakya", "TR", "settlement")]),
    ("uk", "libya", "Гуманітарний конвой вирушив з Тріполі.",
     [("Тріполі", "Tripoli", "LY", "settlement")]),

    # Arabic: proclitics (و, ب, وب), the article, names the gazetteer has in Latin letters only
    ("ar", "iraq", "وبمدينة الموصل، انفجرت سيارة مفخخة يوم الاثنين.",
     [("الموصل", "Mosul", "IQ", "settlement")]),
    ("ar", "turkey", "وضرب زلزال مدمر جنوب تركيا.",
     [("تركيا", "Turkey", "TR", "country")]),
    ("ar", "libya", "اجتاحت الفيضانات مدينة درنة الليبية.",
     [("درنة", "Darnah", "LY", "settlement")]),
    ("ar", "yemen", "تتواصل الاشتباكات في الحديدة باليمن.",
     [("الحديدة", "Al Ḩudaydah", "YE", "settlement"), ("اليمن", "Yemen", "YE", "country")]),
    ("ar", "mozambique", "ووصل آلاف النازحين إلى مدينة بيرا في موزمبيق.",
     [("بيرا", "Beira", "MZ", "settlement"), ("موزمبيق", "Mozambique", "MZ", "country")]),
    ("ar", "myanmar", "وفي ولاية راخين في ميانمار، أحرقت قرى بأكملها.",
     [("راخين", "Rakhine", "MM", "region"), ("ميانمار", "Myanmar", "MM", "country")]),
    ("ar", "somalia", "وفي العاصمة الصومالية مقديشو، انفجرت سيارة مفخخة.",
     [("مقديشو", "Mogadishu", "SO", "settlement")]),
    ("ar", "haiti", "وتشهد هايتي أزمة أمنية حادة.",
     [("هايتي", "Haiti", "HT", "country")]),
    pytest.param(
        "ar", "haiti", "وتشهد هايتي أزمة أمنية حادة، لا سيما في العاصمة بورت أو برنس.",
        [("هايتي", "Haiti", "HT", "country")],
        marks=pytest.mark.xfail(strict=True, reason="class: a word of a multi-word transliterated name that begins "
                                "with a proclitic letter is stripped and read as a town ('برنس' -> Reims, FR)")),
]


@pytest.mark.parametrize("lang, crisis, text, expected", PLACES)
def test_places(lang, crisis, text, expected):
    facts = facts_of(lang, text)
    for p in facts.places:
        assert text[p.start:p.end] == p.surface and p.sentence
    got = {p.surface: p for p in facts.places}
    for surface, name, iso, kind in expected:
        assert surface in got, (surface, sorted(got))
        p = got[surface]
        assert (p.name, p.country, p.kind) == (name, iso, kind)
    # nothing located in a country the sentence does not name
    located = {p.country for p in facts.places if p.kind not in NOT_LOCATIONS}
    assert located <= {iso for _, _, iso, _ in expected}


def test_one_town_in_six_languages_is_one_gazetteer_entry():
    written = {"fr": "à Mogadiscio", "de": "in Mogadischu", "es": "en Mogadiscio",
               "ru": "в Могадишо", "uk": "у Могадішо", "ar": "في مقديشو"}
    ids = set()
    for lang, where in written.items():
        (p,) = [p for p in facts_of(lang, where + ".").places]
        ids.add(p.gazetteer_id)
    assert len(ids) == 1 and None not in ids


# ---------------------------------------------------------------- dates

# (lang, crisis, sentence, [(surface, value, precision)]): every date found, against PUB
DATES = [
    # French: day and month names, "entre ... et ...", "avant-hier", part of the day
    ("fr", "sahel", "Au moins douze soldats ont été tués près de Gao le 3 mai.",
     [("3 mai", "2024-05-03", "day")]),
    ("fr", "mozambique", "Mercredi 8 mai, des inondations ont frappé la ville de Beira.",
     [("Mercredi 8 mai", "2024-05-08", "day")]),
    ("fr", "ethiopia", "Les combats se poursuivent dans le nord de l'Éthiopie depuis août 2023.",
     [("août 2023", "2023-08", "month")]),
    ("fr", "sahel", "Entre le 3 et le 6 mai, plus de 4 000 personnes ont fui Gao.",
     [("3 et le 6 mai", "2024-05-03/2024-05-06", "range")]),
    ("fr", "somalia", "Le ministère de la Santé a annoncé avant-hier la fin de l'épidémie de choléra à Mogadiscio.",
     [("avant-hier", "2024-05-13", "day")]),
    ("fr", "sahel", "Depuis 2012, le nord du Mali échappe au contrôle de l'État.",
     [("Depuis 2012", "2012", "year")]),
    ("fr", "myanmar", "En Birmanie, l'armée a bombardé plusieurs villages la semaine dernière.",
     [("la semaine dernière", "2024-05-06/2024-05-12", "week")]),
    ("fr", "haiti", "Les secours haïtiens sont arrivés aux Cayes jeudi matin.",
     [("jeudi matin", "2024-05-09", "day")]),
    ("fr", "haiti", "La ville de Cap-Haïtien a été privée d'électricité le 12 avril 2024.",
     [("12 avril 2024", "2024-04-12", "day")]),
    ("fr", "mozambique", "Les pluies ont repris en septembre dernier à Beira.",
     [("septembre dernier", "2023-09", "month")]),

    # German: "am 6. Februar", "seit", "zwischen dem ... und ...", "vorgestern", two mentions of one day
    ("de", "turkey", "Das Erdbeben erschütterte am 6. Februar 2023 den Süden der Türkei.",
     [("6. Februar 2023", "2023-02-06", "day")]),
    ("de", "somalia", "In Mogadischu explodierte gestern eine Autobombe.",
     [("gestern", "2024-05-14", "day")]),
    ("de", "ethiopia", "Die Kämpfe in der Region Tigray dauern seit November 2020 an.",
     [("November 2020", "2020-11", "month")]),
    ("de", "mozambique", "Letzte Woche trafen Hilfsgüter in Beira ein.",
     [("Letzte Woche", "2024-05-06/2024-05-12", "week")]),
    ("de", "sahel", "Zwischen dem 3. und 5. Mai flohen Tausende aus der Region Mopti.",
     [("3. und 5. Mai", "2024-05-03/2024-05-05", "range")]),
    ("de", "turkey", "Im Erdbebengebiet um Kahramanmaraş suchten Helfer vorgestern nach Überlebenden.",
     [("vorgestern", "2024-05-13", "day")]),
    ("de", "somalia", "Am Samstag, dem 11. Mai, erreichte ein Konvoi die somalische Stadt Baidoa.",
     [("Samstag", "2024-05-11", "day"), ("11. Mai", "2024-05-11", "day")]),
    ("de", "libya", "Die Kämpfe um Tripolis begannen im April 2019.",
     [("April 2019", "2019-04", "month")]),
    ("de", "yemen", "In der jemenitischen Hafenstadt Hodeida schlugen am Montag mehrere Raketen ein.",
     [("Montag", "2024-05-13", "day")]),
    ("de", "mozambique", "Vergangene Woche trafen Hilfsgüter in Beira ein.",
     [("Vergangene Woche", "2024-05-06/2024-05-12", "week")]),
    ("de", "mozambique", "Anfang Mai wurde die Hafenstadt Pemba überflutet.",
     [("Anfang Mai", "2024-05", "month")]),
    ("de", "yemen", "Nach Angaben aus Sanaa wurden am Dienstagabend drei Schiffe getroffen.",
     [("Dienstagabend", "2024-05-14", "day")]),

    # Spanish: "de ... de", "el pasado fin de semana", "por la mañana", "anteayer", "desde"
    ("es", "turkey", "El terremoto sacudió la ciudad de Antakya el 6 de febrero de 2023.",
     [("6 de febrero de 2023", "2023-02-06", "day")]),
    ("es", "mozambique", "Las lluvias dejaron sin hogar a miles de familias el pasado fin de semana.",
     [("fin de semana", "2024-05-11/2024-05-12", "range")]),
    ("es", "colombia", "Las Fuerzas Armadas entraron en la ciudad de Cúcuta el domingo por la mañana.",
     [("domingo por la mañana", "2024-05-12", "day")]),
    ("es", "haiti", "Desde el 29 de febrero, las pandillas controlan gran parte de Puerto Príncipe.",
     [("29 de febrero", "2024-02-29", "day")]),
    ("es", "somalia", "En Mogadiscio, la capital somalí, se registraron dos explosiones ayer.",
     [("ayer", "2024-05-14", "day")]),
    ("es", "libya", "Las inundaciones en Derna causaron miles de muertos en septiembre de 2023.",
     [("septiembre de 2023", "2023-09", "month")]),
    ("es", "mozambique", "El ciclón tocó tierra cerca de Pemba la semana pasada.",
     [("la semana pasada", "2024-05-06/2024-05-12", "week")]),
    ("es", "mozambique", "Entre el 3 y el 6 de mayo, las lluvias arrasaron la provincia de Sofala.",
     [("3 y el 6 de mayo", "2024-05-03/2024-05-06", "range")]),
    ("es", "somalia", "Anteayer, un coche bomba estalló en Baidoa.",
     [("Anteayer", "2024-05-13", "day")]),
    ("es", "myanmar", "En Birmania, el ejército bombardea aldeas del estado de Rakhine desde 2017.",
     [("desde 2017", "2017", "year")]),
    ("es", "somalia", "El martes por la tarde, un coche bomba estalló en Mogadiscio.",
     [("martes por la tarde", "2024-05-14", "day")]),
    ("es", "colombia", "La tregua con la guerrilla se firmó en marzo, según la ONU.",
     [("marzo", "2024-03", "month")]),

    # Russian: genitive months with "года", "с ... по ...", weekday in the accusative, part of the day
    ("ru", "turkey", "Землетрясение магнитудой 7,8 произошло в Турции 6 февраля 2023 года.",
     [("6 февраля 2023", "2023-02-06", "day")]),
    ("ru", "iraq", "В Мосуле в понедельник прогремел взрыв.",
     [("понедельник", "2024-05-13", "day")]),
    ("ru", "yemen", "Боевые действия в Йемене продолжаются с 2015 года.",
     [("с 2015", "2015", "year")]),
    ("ru", "somalia", "В Могадишо вчера взорвался заминированный автомобиль.",
     [("вчера", "2024-05-14", "day")]),
    ("ru", "ethiopia", "Вечером 10 мая в Эфиопии начались столкновения.",
     [("Вечером 10 мая", "2024-05-10", "day")]),
    ("ru", "sahel", "На прошлой неделе в Мопти прибыли тысячи беженцев.",
     [("На прошлой неделе", "2024-05-06/2024-05-12", "week")]),
    ("ru", "mozambique", "С 3 по 6 мая в провинции Софала шли проливные дожди.",
     [("3 по 6 мая", "2024-05-03/2024-05-06", "range")]),
    ("ru", "libya", "Бои под Триполи не утихают с апреля 2019 года.",
     [("апреля 2019", "2019-04", "month")]),
    ("ru", "haiti", "В Гаити банды захватили тюрьму в субботу.",
     [("субботу", "2024-05-11", "day")]),
    # a month in the locative case, which dateparser's locale lacks (lexicon rows)
    ("ru", "libya", "Наводнение в Ливии затронуло Бенгази в сентябре 2023 года.",
     [("сентябре 2023", "2023-09", "month")]),

    # Ukrainian: genitive months with "року", "з ... по ...", "минулого тижня", "позавчора"
    ("uk", "iraq", "У Мосулі в понеділок пролунав вибух.",
     [("понеділок", "2024-05-13", "day")]),
    ("uk", "turkey", "Землетрус у Туреччині стався 6 лютого 2023 року.",
     [("6 лютого 2023", "2023-02-06", "day")]),
    ("uk", "somalia", "У Могадішо вчора вибухнув автомобіль.",
     [("вчора", "2024-05-14", "day")]),
    ("uk", "mozambique", "Бойовики напали на село в Мозамбіку минулого тижня.",
     [("минулого тижня", "2024-05-06/2024-05-12", "week")]),
    ("uk", "yemen", "З 2015 року в Ємені триває війна.",
     [("З 2015", "2015", "year")]),
    ("uk", "mozambique", "З 3 по 6 травня в провінції Софала йшли зливи.",
     [("3 по 6 травня", "2024-05-03/2024-05-06", "range")]),
    ("uk", "libya", "Бої під Тріполі тривають з квітня 2019 року.",
     [("квітня 2019", "2019-04", "month")]),
    ("uk", "somalia", "Позавчора в Байдоа вибухнув автомобіль.",
     [("Позавчора", "2024-05-13", "day")]),
    ("uk", "haiti", "У Гаїті банди захопили в'язницю в суботу.",
     [("суботу", "2024-05-11", "day")]),
    ("uk", "libya", "Повінь у Лівії зруйнувала квартали Бенгазі у вересні 2023 року.",
     [("вересні 2023", "2023-09", "month")]),

    # Arabic: "يوم" + weekday, "منذ عام", "بين ... و..."، "صباح", "الماضي"
    ("ar", "iraq", "وبمدينة الموصل، انفجرت سيارة مفخخة يوم الاثنين.",
     [("الاثنين", "2024-05-13", "day")]),
    ("ar", "turkey", "وضرب زلزال مدمر جنوب تركيا في 6 فبراير 2023.",
     [("6 فبراير 2023", "2023-02-06", "day")]),
    ("ar", "somalia", "في مقديشو، انفجرت سيارة مفخخة أمس.",
     [("أمس", "2024-05-14", "day")]),
    ("ar", "yemen", "تتواصل الاشتباكات في الحديدة منذ عام 2015.",
     [("عام 2015", "2015", "year")]),
    ("ar", "myanmar", "وصل آلاف اللاجئين إلى بنغلاديش من ميانمار الأسبوع الماضي.",
     [("الأسبوع الماضي", "2024-05-06/2024-05-12", "week")]),
    ("ar", "libya", "اندلعت الاشتباكات في طرابلس في أبريل 2019.",
     [("أبريل 2019", "2019-04", "month")]),
    ("ar", "libya", "غرقت أحياء كاملة في مدينة درنة بين 10 و12 سبتمبر 2023.",
     [("10 و12 سبتمبر 2023", "2023-09-10/2023-09-12", "range")]),
    ("ar", "yemen", "وقعت الاشتباكات صباح الأحد في مدينة الحديدة.",
     [("صباح الأحد", "2024-05-12", "day")]),
    ("ar", "mozambique", "ووصل آلاف النازحين إلى مدينة بيرا يوم السبت الماضي.",
     [("السبت", "2024-05-11", "day")]),
    ("ar", "somalia", "وفي مدينة بايدوا، انفجرت سيارة مفخخة أول أمس.",
     [("أول أمس", "2024-05-13", "day")]),
    ("ar", "yemen", "قتل ثلاثة صيادين في 12 أيار 2024.",
     [("12 أيار 2024", "2024-05-12", "day")]),
    ("ar", "yemen", "قتل ثلاثة صيادين في ١٢ مايو ٢٠٢٣.",
     [("١٢ مايو ٢٠٢٣", "2023-05-12", "day")]),
]


@pytest.mark.parametrize("lang, crisis, text, expected", DATES)
def test_dates(lang, crisis, text, expected):
    facts = facts_of(lang, text)
    for d in facts.dates:
        assert text[d.start:d.end] == d.surface and d.sentence
    assert sorted((d.surface, d.value, d.precision) for d in facts.dates) == sorted(expected)


# ---------------------------------------------------------------- what issue 11 asks

@pytest.mark.parametrize("cases", [PLACES, DATES], ids=["places", "dates"])
def test_each_language_has_five_passing_sentences_from_three_crises(cases):
    held = [c for c in cases if type(c) is tuple]   # not the xfail cases (pytest.param, a named tuple)
    for lang in LANGUAGES:
        mine = [c for c in held if c[0] == lang]
        assert len(mine) >= 5 and len({c[1] for c in mine}) >= 3, lang
