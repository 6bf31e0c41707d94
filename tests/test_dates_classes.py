"""Classes of dates in French, German, Spanish, Russian, Ukrainian and Arabic that the
lexicon and the shared logic of extract/dates.py read (sentences of our own, on several
crises): a month named alone after a preposition, with a part of the month or a relative
word; weeks and days named relative to publication in words dateparser's locales lack;
German compounds of weekday and part of the day; the Levantine Arabic month names; digits
in Arabic-Indic script. And reports without a publication date: a weekday written with
its day gives the year; a month label gives its year to the days named without one."""
from datetime import date, timedelta

import pytest

from sitroom.extract.document import extract_document

PUB = date(2024, 5, 15)  # a Wednesday

# (lang, crisis, sentence, [(surface, value, precision)]): every date found, against PUB
CASES = [
    ("fr", "haiti", "Les gangs ont attaqué la prison de Port-au-Prince en avril.",
     [("avril", "2024-04", "month")]),
    ("fr", "haiti", "Depuis février, les gangs contrôlent la capitale.",
     [("février", "2024-02", "month")]),
    ("de", "mali", "Im März flohen Tausende aus Timbuktu nach Mauretanien.",
     [("März", "2024-03", "month")]),
    ("de", "myanmar", "Seit Februar wird die Stadt Sittwe beschossen.",
     [("Februar", "2024-02", "month")]),
    ("es", "haiti", "Desde enero, más de 2.000 personas murieron en Haití.",
     [("enero", "2024-01", "month")]),
    # a month's name standing for something else
    ("fr", "space", "Le robot a atterri sur Mars.",
     []),
    ("es", "migration", "Los migrantes cruzaron el mar hacia Canarias.",
     []),
    ("de", "weather", "Der Mai ist gekommen.",
     []),
    # a count of days is no date ("يومين": two days)
    ("ar", "yemen", "استمرت الاشتباكات في عدن لمدة يومين.",
     []),
    ("ru", "mali", "В марте боевики захватили город Кидаль.",
     [("марте", "2024-03", "month")]),
    ("ru", "yemen", "С января в Йемене погибли сотни человек.",
     [("января", "2024-01", "month")]),
    ("uk", "mali", "У квітні бойовики захопили місто Кідаль.",
     [("квітні", "2024-04", "month")]),
    ("uk", "myanmar", "З лютого місто Сітве зазнає обстрілів.",
     [("лютого", "2024-02", "month")]),
    ("ar", "somalia", "اندلعت المعارك في مقديشو في أبريل.",
     [("أبريل", "2024-04", "month")]),
    ("ar", "syria", "وفي شهر شباط، ضرب زلزال شمال سوريا.",
     [("شباط", "2024-02", "month")]),
    ("fr", "libya", "La tempête Daniel a frappé Derna en septembre.",
     [("septembre", "2023-09", "month")]),
    ("fr", "ethiopia", "Les négociations reprendront en juin prochain à Addis-Abeba.",
     [("juin prochain", "2024-06", "month")]),
    ("de", "libya", "Im vergangenen September zerstörte ein Sturm die Stadt Derna.",
     [("vergangenen September", "2023-09", "month")]),
    ("de", "myanmar", "Im Februar vergangenen Jahres begann die Offensive.",
     [("Februar vergangenen Jahres", "2023-02", "month")]),
    ("es", "ecuador", "El estado de excepción se decretó el pasado enero en Ecuador.",
     [("el pasado enero", "2024-01", "month")]),
    ("es", "peru", "Las protestas en Lima comenzaron en diciembre pasado.",
     [("diciembre pasado", "2023-12", "month")]),
    ("ru", "syria", "Землетрясение в Сирии произошло в феврале прошлого года.",
     [("феврале прошлого года", "2023-02", "month")]),
    ("uk", "libya", "Повінь у Дерні сталася у вересні минулого року.",
     [("вересні минулого року", "2023-09", "month")]),
    ("ar", "libya", "ضربت العاصفة دانيال مدينة درنة في سبتمبر الماضي.",
     [("سبتمبر الماضي", "2023-09", "month")]),
    ("ar", "lebanon", "وتعود الاشتباكات إلى تشرين الأول الماضي في جنوب لبنان.",
     [("تشرين الأول الماضي", "2023-10", "month")]),
    ("fr", "mali", "Début mars, les rebelles ont pris la ville de Kidal.",
     [("Début mars", "2024-03", "month")]),
    ("fr", "mali", "À la mi-avril, l'armée malienne a repris Kidal.",
     [("À la mi-avril", "2024-04", "month")]),
    ("de", "yemen", "Mitte März erreichte ein Schiff mit Hilfsgütern den Hafen von Hodeida.",
     [("Mitte März", "2024-03", "month")]),
    ("de", "mozambique", "Ende April wurden Dörfer bei Beira evakuiert.",
     [("Ende April", "2024-04", "month")]),
    ("es", "ecuador", "A principios de enero, bandas armadas asaltaron un canal de televisión.",
     [("A principios de enero", "2024-01", "month")]),
    ("es", "haiti", "A finales de febrero, las pandillas atacaron las cárceles.",
     [("A finales de febrero", "2024-02", "month")]),
    ("ru", "somalia", "В начале марта конвой с гуманитарной помощью был обстрелян у Байдоа.",
     [("В начале марта", "2024-03", "month")]),
    ("ru", "myanmar", "В конце апреля бои охватили окрестности Мандалая.",
     [("В конце апреля", "2024-04", "month")]),
    ("uk", "mozambique", "На початку травня повінь затопила Бейру.",
     [("На початку травня", "2024-05", "month")]),
    ("uk", "yemen", "Наприкінці березня до Адена прибув корабель з допомогою.",
     [("Наприкінці березня", "2024-03", "month")]),
    ("ar", "yemen", "وفي منتصف مارس، وصلت سفينة مساعدات إلى عدن.",
     [("منتصف مارس", "2024-03", "month")]),
    ("ar", "libya", "وفي أواخر أبريل، اشتدت المعارك في طرابلس.",
     [("أواخر أبريل", "2024-04", "month")]),
    ("fr", "haiti", "La semaine passée, des gangs ont attaqué le port de Port-au-Prince.",
     [("La semaine passée", "2024-05-06/2024-05-12", "week")]),
    ("de", "sahel", "In der vergangenen Woche flohen Tausende aus Mopti.",
     [("vergangenen Woche", "2024-05-06/2024-05-12", "week")]),
    ("de", "somalia", "Vorige Woche erreichte ein Konvoi Baidoa.",
     [("Vorige Woche", "2024-05-06/2024-05-12", "week")]),
    ("es", "ecuador", "La pasada semana, un motín estalló en la cárcel de Guayaquil.",
     [("La pasada semana", "2024-05-06/2024-05-12", "week")]),
    ("ru", "sahel", "На минувшей неделе в Мопти погибли десятки человек.",
     [("На минувшей неделе", "2024-05-06/2024-05-12", "week")]),
    ("uk", "mali", "На минулому тижні бойовики обстріляли Кідаль.",
     [("На минулому тижні", "2024-05-06/2024-05-12", "week")]),
    ("ar", "yemen", "نزح آلاف المدنيين من الحديدة الأسبوع المنصرم.",
     [("الأسبوع المنصرم", "2024-05-06/2024-05-12", "week")]),
    ("ar", "syria", "قصفت الطائرات مدينة إدلب أمس الأول.",
     [("أمس الأول", "2024-05-13", "day")]),
    ("ar", "lebanon", "سقطت قذائف على بلدة الخيام أول من أمس.",
     [("أول من أمس", "2024-05-13", "day")]),
    ("de", "ethiopia", "Am Freitagmorgen erreichten die ersten Lastwagen die Stadt Mekele.",
     [("Freitagmorgen", "2024-05-10", "day")]),
    ("de", "yemen", "In der Sonntagnacht griffen Drohnen die Stadt Sanaa an.",
     [("Sonntagnacht", "2024-05-12", "day")]),
    ("de", "sahel", "Am Montagnachmittag wurde der Markt von Gao beschossen.",
     [("Montagnachmittag", "2024-05-13", "day")]),
    ("de", "avalanche", "Die Lawine ging Sonntagfrüh im Tiroler Ötztal ab.",
     [("Sonntagfrüh", "2024-05-12", "day")]),
    ("ar", "syria", "ضرب زلزال مدمر شمال سوريا في 6 شباط 2023.",
     [("6 شباط 2023", "2023-02-06", "day")]),
    ("ar", "lebanon", "اندلعت المواجهات على الحدود في 8 تشرين الأول 2023.",
     [("8 تشرين الأول 2023", "2023-10-08", "day")]),
    ("ar", "iraq", "سيطر التنظيم على الموصل في حزيران 2014.",
     [("حزيران 2014", "2014-06", "month")]),
    ("ar", "syria", "عاد آلاف اللاجئين إلى حلب في 3 كانون الثاني.",
     [("3 كانون الثاني", "2024-01-03", "day")]),
    ("ar", "lebanon", "وقع انفجار مرفأ بيروت في 4 آب/أغسطس 2020.",
     [("4 آب/أغسطس 2020", "2020-08-04", "day")]),
    ("ar", "turkey", "ضرب الزلزال جنوب تركيا في ٦ فبراير ٢٠٢٣.",
     [("٦ فبراير ٢٠٢٣", "2023-02-06", "day")]),
    ("ar", "libya", "غرقت أحياء في درنة بين ١٠ و١٢ سبتمبر ٢٠٢٣.",
     [("١٠ و١٢ سبتمبر ٢٠٢٣", "2023-09-10/2023-09-12", "range")]),
    ("ar", "syria", "يعيش ملايين السوريين في المخيمات منذ عام ٢٠١٢.",
     [("عام ٢٠١٢", "2012", "year")]),
    ("ar", "yemen", "اندلعت الاشتباكات في عدن في ١٥ أبريل.",
     [("١٥ أبريل", "2024-04-15", "day")]),
]


@pytest.mark.parametrize("lang, crisis, text, expected", CASES)
def test_dates(lang, crisis, text, expected):
    facts = extract_document(text, PUB, language=lang)
    assert facts.failures == []
    for d in facts.dates:
        assert text[d.start:d.end] == d.surface and d.sentence
    assert sorted((d.surface, d.value, d.precision) for d in facts.dates) == sorted(expected)


def test_each_class_is_tested_in_each_language_it_applies_to():
    langs = {c[0] for c in CASES}
    assert langs == {"fr", "de", "es", "ru", "uk", "ar"}
    month_alone = {c[0] for c in CASES if any(p == "month" for _, _, p in c[3])}
    weeks = {c[0] for c in CASES if any(p == "week" for _, _, p in c[3])}
    assert month_alone == weeks == langs


def latest_year_of(month, day, weekday):
    """The latest day-month up to today on that weekday (the rule a report without a date follows)."""
    d = date.today()
    for y in range(d.year, d.year - 29, -1):
        c = date(y, month, day)
        if c <= d and c.weekday() == weekday:
            return c


# a report with no publication date that names a day with its weekday, then another weekday
UNDATED = [
    ("en", "mozambique", "The dam burst on Thursday, March 14. On Saturday, rescuers reached the flooded villages.",
     "on Thursday, March 14", "On Saturday"),
    ("fr", "mozambique", "Le barrage a cédé jeudi 14 mars. Samedi, les secours ont atteint les villages inondés.",
     "jeudi 14 mars", "Samedi"),
    ("de", "mozambique", "Der Damm brach am Donnerstag, 14. März. Am Samstag erreichten Helfer die überfluteten Dörfer.",
     "Donnerstag, 14. März", "Samstag"),
    ("es", "mozambique", "La presa cedió el jueves 14 de marzo. El sábado, los rescatistas llegaron a las aldeas inundadas.",
     "jueves 14 de marzo", "sábado"),
    ("ru", "mozambique", "Плотина прорвалась в четверг, 14 марта. В субботу спасатели добрались до затопленных деревень.",
     "четверг, 14 марта", "субботу"),
    ("uk", "mozambique", "Дамба прорвалася у четвер, 14 березня. У суботу рятувальники дісталися затоплених сіл.",
     "четвер, 14 березня", "суботу"),
    ("ar", "mozambique", "انهار السد يوم الخميس 14 مارس. ووصل المسعفون السبت إلى القرى المغمورة.",
     "الخميس 14 مارس", "السبت"),
]


@pytest.mark.parametrize("lang, crisis, text, dated, weekday", UNDATED)
def test_a_weekday_written_with_its_day_gives_the_year(lang, crisis, text, dated, weekday):
    facts = extract_document(text, None, language=lang)
    got = {d.surface: d.value for d in facts.dates}
    day = latest_year_of(3, 14, 3)                                   # a Thursday
    assert got[dated] == day.isoformat()
    assert got[weekday] == (day + timedelta(days=2)).isoformat()   # the nearest Saturday to that Thursday


def test_a_month_label_gives_its_year_to_the_days_named_without_one():
    text = (" date 2019-07 Überschwemmungen in Mosambik\n\nDer Regen hatte am 9. Juli eingesetzt. "
            "Am Mittwoch wurden weitere Tote geborgen, teilte die Provinzregierung am Donnerstag mit.")
    got = {d.surface: (d.value, d.anchor) for d in extract_document(text, None, language="de").dates}
    assert got["9. Juli"] == ("2019-07-09", date(2019, 7, 9))   # the anchor: the latest day named
    assert got["Mittwoch"][0] == "2019-07-10" and got["Donnerstag"][0] == "2019-07-11"
