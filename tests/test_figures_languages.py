"""Figures in French, German, Spanish, Russian, Ukrainian and Arabic: number words and
digits of each language, casualty words by lemma, qualifiers, ranges, sub-counts, lists,
attribution, offsets and sentences. Sentences of our own, from several crises."""
from datetime import date

import pytest

from sitroom.extract import numbers
from sitroom.extract.document import extract_document, kinds_for

PUB = date(2024, 5, 15)

# (lang, sentence, [(surface, value, category, qualifier, low, high)], attributed_to or None)
CASES = [
    # French: Sahel, DR Congo, Mozambique, Yemen, Haiti
    ("fr", "Au moins vingt-sept civils ont été tués lundi lors d'une attaque près de Mopti, au Mali, selon la MINUSMA.",
     [("vingt-sept", 27, "killed", "at_least", None, None)], "MINUSMA"),
    ("fr", "Plus de 1 200 personnes ont fui les combats dans la province du Nord-Kivu.",
     [("1 200", 1200, "displaced", "more_than", None, None)], None),
    ("fr", "Le bilan du cyclone au Mozambique s'élève désormais à 64 morts et 150 blessés.",
     [("64", 64, "killed", "exact", None, None), ("150", 150, "injured", "exact", None, None)], None),
    ("fr", "Entre 15 et 20 migrants sont portés disparus au large des côtes du Yémen.",
     [("15 et 20", 15, "missing", "range", 15, 20)], None),
    ("fr", "La police haïtienne a arrêté 13 personnes à Port-au-Prince.",
     [("13", 13, "detained", "exact", None, None)], None),
    # German: Afghanistan, Myanmar, South Sudan, Turkey
    ("de", "Bei dem Erdbeben in der Provinz Herat wurden mindestens 41 Menschen getötet.",
     [("41", 41, "killed", "at_least", None, None)], None),
    ("de", "Nach Angaben der Behörden wurden dreiundzwanzig Menschen verletzt, 9 davon schwer.",
     [("dreiundzwanzig", 23, "injured", "exact", None, None), ("9", 9, "injured", "exact", None, None)], "Behörden"),
    ("de", "Rund 2.500 Menschen flohen aus der Stadt Bentiu im Südsudan.",
     [("2.500", 2500, "displaced", "about", None, None)], None),
    ("de", "In Myanmar wurden zwischen 11 und 19 Demonstranten festgenommen.",
     [("11 und 19", 11, "detained", "range", 11, 19)], None),
    ("de", "Nach dem Beben in Hatay stieg die Zahl der Toten auf 73.",
     [("73", 73, "killed", "exact", None, None)], None),
    # Spanish: Haiti, Mozambique, Venezuela, Ethiopia
    ("es", "Al menos treinta y cinco personas murieron en las inundaciones de Haití.",
     [("treinta y cinco", 35, "killed", "at_least", None, None)], None),
    ("es", "Más de 1.800 personas fueron desplazadas por la violencia en Cabo Delgado.",
     [("1.800", 1800, "displaced", "more_than", None, None)], None),
    ("es", "Según la Cruz Roja, 22 personas resultaron heridas y ocho siguen desaparecidas.",
     [("22", 22, "injured", "exact", None, None), ("ocho", 8, "missing", "exact", None, None)], "Cruz Roja"),
    ("es", "La policía detuvo a 17 manifestantes en Caracas.",
     [("17", 17, "detained", "exact", None, None)], None),
    ("es", "Entre 40 y 45 civiles murieron en el ataque contra una aldea de Tigray.",
     [("40 y 45", 40, "killed", "range", 40, 45)], None),
    # Russian: Syria, Ukraine, Libya
    ("ru", "По данным ООН, в результате обстрела погибли 13 мирных жителей.",
     [("13", 13, "killed", "exact", None, None)], "United Nations"),   # the name reports in every language share
    ("ru", "Не менее двадцати семи человек получили ранения при взрыве в Луганске.",
     [("двадцати семи", 27, "injured", "at_least", None, None)], None),
    ("ru", "Более 2 тысяч человек эвакуированы из Херсона.",
     [("2 тысяч", 2000, "evacuated", "more_than", None, None)], None),
    ("ru", "В Бенгази задержаны от 15 до 20 человек.",
     [("15 до 20", 15, "detained", "range", 15, 20)], None),
    ("ru", "Семеро военных пропали без вести в Сирии.",
     [("Семеро", 7, "missing", "exact", None, None)], None),
    # Ukrainian: Kharkiv, Pokrovsk, Mykolaiv, Odesa
    ("uk", "Внаслідок удару по Харкову загинули щонайменше 11 людей.",
     [("11", 11, "killed", "at_least", None, None)], None),
    ("uk", "Понад 24 особи отримали поранення, з них семеро дітей.",
     [("24", 24, "injured", "more_than", None, None), ("семеро", 7, "injured", "exact", None, None)], None),
    ("uk", "Близько 1500 мешканців евакуювали з Покровська.",
     [("1500", 1500, "evacuated", "about", None, None)], None),
    ("uk", "Двадцять три цивільних загинули в Миколаєві.",
     [("Двадцять три", 23, "killed", "exact", None, None)], None),
    ("uk", "Після атаки на Одесу до лікарень доправили 19 людей.",
     [("19", 19, "injured", "exact", None, None)], None),
    # Arabic: Yemen, Syria, Somalia, Libya, Iraq
    ("ar", "قُتل ما لا يقل عن ٢٧ مدنيا في قصف على مدينة تعز اليمنية.",
     [("٢٧", 27, "killed", "at_least", None, None)], None),
    ("ar", "وأصيب خمسة عشر شخصا بجروح في حلب.",
     [("خمسة عشر", 15, "injured", "exact", None, None)], None),
    ("ar", "أعلنت المنظمة الدولية للهجرة نزوح 8 آلاف و250 شخصا من مقديشو.",
     [("8 آلاف و250", 8250, "displaced", "exact", None, None)], None),
    ("ar", "ارتفع عدد القتلى في درنة إلى 73 قتيلا.",
     [("73", 73, "killed", "exact", None, None)], None),
    ("ar", "اعتقلت الشرطة 19 متظاهرا في بغداد.",
     [("19", 19, "detained", "exact", None, None)], None),
]


@pytest.mark.parametrize("lang, text, want, who", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_figures_in_other_languages(lang, text, want, who):
    facts = extract_document(text, PUB, language=lang)
    assert facts.failures == []
    got = [(text[f.start:f.end], f.value, f.category, f.qualifier, f.low, f.high) for f in facts.figures]
    assert got == want
    for f in facts.figures:
        assert f.sentence.strip() == text.strip()
        # as of the report: "tués lundi" dates the killing, and the toll stands as of publication
        assert f.as_of == PUB
    if who is not None:
        assert who in (facts.figures[0].attributed_to or "")


@pytest.mark.parametrize("lang, text", [
    ("fr", "Une mère de trois enfants a fui Goma avec des centaines de personnes."),
    ("fr", "Le 14 mars 2023, le convoi se trouvait 3 km plus loin."),
    ("de", "Tausende Menschen demonstrierten am 3. Mai in der Hauptstadt."),
    ("de", "Das Dorf liegt 12 Kilometer von der Grenze entfernt."),
    ("es", "Miles de personas huyeron de la ciudad."),
    ("es", "El herido tiene 45 años."),
    ("ru", "Сотни людей вышли на улицы Алеппо."),
    ("ru", "Ему 45 лет, он живёт в Идлибе."),
    ("uk", "Кілька сотень людей залишили місто."),
    ("uk", "Йому 45 років."),
    ("ar", "فر عشرات الآلاف من المدينة."),
    ("ar", "عمره 45 عاما."),
])
def test_vague_amounts_ages_and_measures_are_not_figures(lang, text):
    facts = extract_document(text, PUB, language=lang)
    assert facts.failures == []
    assert facts.figures == []


def test_the_two_reports_of_one_strike_give_one_count():
    fr = extract_document("Au moins 64 personnes ont été tuées dans le bombardement de Sumy.", PUB, language="fr")
    uk = extract_document("Внаслідок обстрілу Сум загинули щонайменше 64 людини.", PUB, language="uk")
    assert [(f.value, f.category, f.qualifier) for f in fr.figures] == \
        [(f.value, f.category, f.qualifier) for f in uk.figures] == [(64, "killed", "at_least")]


@pytest.mark.parametrize("lang, text, values", [
    ("fr", "deux cent cinquante, 2 000, 1,5 million, quatre-vingts", [250, 2000, 1_500_000, 80]),
    ("de", "dreiundzwanzig, 12.500, 2,5 Millionen", [23, 12500, 2_500_000]),
    ("es", "treinta y cinco, 3.400", [35, 3400]),
    ("ru", "пятерых, 40 тысяч, 3 тыс., двадцати трёх", [5, 40000, 3000, 23]),
    ("uk", "п’ятеро, двадцять три, Дванадцятеро", [5, 23, 12]),
    ("ar", "٢٥، 7 آلاف و455، خمسة وعشرين، ثلاثة عشر", [25, 7455, 25, 13]),
])
def test_numbers_of_each_language(lang, text, values):
    ws = numbers.words(text, 0, len(text), lang)
    assert [n.value for n in numbers.numbers(ws, text, lang)] == values


@pytest.mark.parametrize("lang", ["fr", "de", "es", "ru", "uk", "ar"])
def test_figures_are_read_in_the_language(lang):
    assert "figures" in kinds_for(lang)


@pytest.mark.parametrize("lang, text, value, who", [
    # the quote extractor follows the speaker across sentences and pronouns
    ("en", "Caritas said its teams reached Goma on Monday. "
           "Nine volunteers were injured when their convoy came under fire, it added.", 9, "Caritas"),
    # reported speech without a parse, and the name shared across languages
    ("de", "Die Vereinten Nationen teilten am Montag mit, bei dem Angriff auf das Lager seien 14 Menschen "
           "getötet worden.", 14, "United Nations"),
    # a verb of saying that opens its sentence, its speaker, the day, then the count
    ("ar", "أعلنت الأمم المتحدة، الاثنين، نزوح 4500 شخص من مدينة كادوقلي خلال يومين.", 4500, "United Nations"),
    # the role and the body told apart by the quotes
    ("fr", "Le porte-parole de la MONUSCO a affirmé que « 23 civils ont été tués » dans l’attaque de Beni.", 23,
     "MONUSCO"),
    # "the organisation said": the body it refers back to
    ("en", "The World Food Programme said its warehouse in Bentiu was looted. Four staff were wounded in the "
           "raid, the organisation said.", 4, "World Food Programme"),
    # a clause that sets the scene stays the outlet's
    ("en", "Officials said they would open an inquiry, after drones hit a bus depot in Kharkiv and killed nine people.",
     9, None),
])
def test_who_gives_a_number_inside_a_quotation(lang, text, value, who):
    facts = extract_document(text, PUB, language=lang)
    assert facts.failures == []
    got = [f for f in facts.figures if f.value == value]
    assert got and got[0].attributed_to == who
