"""Quotes with speakers, and the people and organisations they resolve to, in French,
German, Spanish, Russian, Ukrainian and Arabic: quotation marks and dialogue dashes of
each language, verbs of saying by lemma, "selon X"/"laut X"/"по словам X"/"بحسب X",
titles as roles. Sentences of our own, invented people, several crises."""
from __future__ import annotations

from datetime import date

import pytest

from sitroom.extract.document import extract_document, read_level

# (language, text, quoted or reported words, speaker, role or None, kind)
CASES = [
    # French (parser: the subject of the verb of saying)
    ("fr", "« Nous n'avons plus d'eau depuis trois jours », a déclaré Aminata Traoré, porte-parole de la Croix-Rouge à Mopti.",
     "Nous n'avons plus d'eau depuis trois jours", "Aminata Traoré", "porte-parole de la Croix-Rouge à Mopti", "direct"),
    ("fr", "Le ministre de la Santé, Jean-Baptiste Moïse, a affirmé que les hôpitaux de Port-au-Prince manquaient de carburant.",
     "les hôpitaux de Port-au-Prince manquaient de carburant", "Jean-Baptiste Moïse", None, "indirect"),
    ("fr", "Selon le gouverneur du Nord-Kivu, les combats ont repris près de Goma.",
     "les combats ont repris près de Goma", "gouverneur du Nord-Kivu", None, "indirect"),
    ("fr", "Les écoles resteront fermées jusqu'à nouvel ordre, a indiqué Pierre Kabila, maire de Bunia.",
     "Les écoles resteront fermées jusqu'à nouvel ordre", "Pierre Kabila", "maire de Bunia", "indirect"),
    ("fr", "Le colonel Moussa Diarra a dit : « Nos soldats tiennent toujours la ville de Gao. »",
     "Nos soldats tiennent toujours la ville de Gao", "Moussa Diarra", "colonel", "direct"),
    # German (no parser: the phrase next to the verb)
    ("de", "„Die Lage in den Lagern ist verzweifelt“, sagte die Sprecherin Anna Becker am Dienstag.",
     "Die Lage in den Lagern ist verzweifelt", "Anna Becker", "Sprecherin", "direct"),
    ("de", "Laut UNICEF sind in Mosambik mehr als tausend Schulen geschlossen.",
     "sind in Mosambik mehr als tausend Schulen geschlossen", "UNICEF", None, "indirect"),
    ("de", "Der Gouverneur Karl Richter erklärte, dass die Brücke bei Cabo Delgado zerstört worden sei.",
     "die Brücke bei Cabo Delgado zerstört worden sei", "Karl Richter", "Gouverneur", "indirect"),
    ("de", "Die Armee habe keine Zivilisten angegriffen, sagte Oberst Lukas Brandt.",
     "Die Armee habe keine Zivilisten angegriffen", "Lukas Brandt", "Oberst", "indirect"),
    ("de", "Ministerin Petra Vogel sagte: „Wir werden die Hilfe für Haiti verdoppeln.“",
     "Wir werden die Hilfe für Haiti verdoppeln", "Petra Vogel", "Ministerin", "direct"),
    # Spanish
    ("es", "«No tenemos medicinas para los heridos», dijo la portavoz María Torres.",
     "No tenemos medicinas para los heridos", "María Torres", "portavoz", "direct"),
    ("es", "Según la ONU, miles de familias huyeron de Puerto Príncipe en una semana.",
     "miles de familias huyeron de Puerto Príncipe en una semana", "ONU", None, "indirect"),
    ("es", "El ministro Carlos Ramírez afirmó que el ejército controla la frontera con Sudán.",
     "el ejército controla la frontera con Sudán", "Carlos Ramírez", "ministro", "indirect"),
    ("es", "Los refugios de Beira están llenos, aseguró el alcalde Tomás Mendes.",
     "Los refugios de Beira están llenos", "Tomás Mendes", "alcalde", "indirect"),
    ("es", "El coronel Diego Fuentes declaró: «Las tropas no abandonarán Mopti».",
     "Las tropas no abandonarán Mopti", "Diego Fuentes", "coronel", "direct"),
    # Russian (parser: natasha)
    ("ru", "— Мы остались без воды и света, — заявил глава администрации Иван Сидоров.",
     "Мы остались без воды и света", "Иван Сидоров", "глава администрации", "direct"),
    ("ru", "По словам представителя ООН, в Судане за неделю бежали тысячи людей.",
     "в Судане за неделю бежали тысячи людей", "ООН", None, "indirect"),
    ("ru", "Министр обороны Олег Морозов заявил, что войска отошли от Хартума.",
     "войска отошли от Хартума", "Олег Морозов", "Министр обороны", "indirect"),
    ("ru", "«Город полностью окружён с трёх сторон», — сказал командир батальона Андрей Волков.",
     "Город полностью окружён с трёх сторон", "Андрей Волков", "командир батальона", "direct"),
    ("ru", "Губернатор Павел Орлов сообщил, что в Мьянме разрушены три моста.",
     "в Мьянме разрушены три моста", "Павел Орлов", "Губернатор", "indirect"),
    # Ukrainian
    ("uk", "«Ми не залишимо місто без допомоги», — заявив речник Олег Коваль.",
     "Ми не залишимо місто без допомоги", "Олег Коваль", "речник", "direct"),
    ("uk", "За словами голови громади, в Мозамбіку евакуювали дві тисячі людей.",
     "в Мозамбіку евакуювали дві тисячі людей", "голови громади", None, "indirect"),
    ("uk", "Міністр охорони здоров'я Ірина Бондар повідомила, що лікарні в Судані переповнені.",
     "лікарні в Судані переповнені", "Ірина Бондар", "Міністр охорони здоров'я", "indirect"),
    ("uk", "— Обстріли не припиняються з ранку, — сказав мешканець Андрій Мельник.",
     "Обстріли не припиняються з ранку", "Андрій Мельник", "мешканець", "direct"),
    ("uk", "Губернатор Петро Шевчук заявив, що в Гаїті бракує пального для генераторів.",
     "в Гаїті бракує пального для генераторів", "Петро Шевчук", "Губернатор", "indirect"),
    # Arabic (no parser, no capitals: the phrase after the verb, up to the complementizer)
    ("ar", "وقال المتحدث باسم الهلال الأحمر إن القصف دمر مستشفى في الخرطوم.",
     "القصف دمر مستشفى في الخرطوم", "المتحدث باسم الهلال الأحمر", None, "indirect"),
    ("ar", "وبحسب الأمم المتحدة، نزح آلاف الأشخاص من مدينة نيالا خلال أسبوع.",
     "نزح آلاف الأشخاص من مدينة نيالا خلال أسبوع", "الأمم المتحدة", None, "indirect"),
    ("ar", "وأكد وزير الصحة أن المستشفيات في اليمن تعاني نقصا حادا في الوقود.",
     "المستشفيات في اليمن تعاني نقصا حادا في الوقود", "وزير الصحة", None, "indirect"),
    ("ar", "وقالت منظمة أطباء بلا حدود: «لا يوجد مكان آمن للمرضى في غزة».",
     "لا يوجد مكان آمن للمرضى في غزة", "منظمة أطباء بلا حدود", None, "direct"),
    ("ar", "وأضاف محافظ الإقليم أن الفيضانات في موزمبيق شردت مئات العائلات.",
     "الفيضانات في موزمبيق شردت مئات العائلات", "محافظ الإقليم", None, "indirect"),
]


@pytest.mark.parametrize("lang,text,words,speaker,role,kind", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_quote_speaker_and_offsets(lang, text, words, speaker, role, kind):
    facts = extract_document(text, date(2024, 5, 1), language=lang)
    assert not facts.failures
    got = [q for q in facts.quotes if q.text == words]
    assert got, [(q.text, q.speaker) for q in facts.quotes]
    q = got[0]
    assert (q.speaker_written or q.speaker) == speaker   # as the report writes it (speaker: the shared form)
    assert q.kind == kind
    if role is not None:
        assert q.speaker_role == role
    assert text[q.start:q.end] == q.text       # offsets into the text
    assert q.text in q.sentence and text.startswith(q.sentence)   # the sentence it was said in


def test_quotes_and_entities_are_read_in_these_languages():
    for lang in ("fr", "de", "es", "ru", "uk", "ar"):
        assert read_level(lang) == "full" or "quotes" in read_level(lang)


def test_a_pronoun_or_no_subject_goes_to_the_last_speaker():
    text = ("La porte-parole Fatou Diallo a déclaré que les routes vers Tombouctou étaient coupées. "
            "Elle a ajouté que les convois attendaient à Mopti.")
    facts = extract_document(text, date(2024, 5, 1), language="fr")
    said = {q.text: q.speaker_written or q.speaker for q in facts.quotes}
    assert said["les convois attendaient à Mopti"] == "Fatou Diallo"
    text = ("وقال مدير المستشفى إن الكهرباء انقطعت عن الأجنحة منذ الصباح. "
            "وأضاف أن الأطباء يعملون على ضوء الهواتف.")
    facts = extract_document(text, date(2024, 5, 1), language="ar")
    said = {q.text: q.speaker_written or q.speaker for q in facts.quotes}
    assert said["الأطباء يعملون على ضوء الهواتف"] == "مدير المستشفى"


def test_a_later_surname_resolves_to_the_full_name_in_the_nominative():
    text = ("Глава региона Сергей Климов прибыл в Бахмут. "
            "«Мы эвакуируем всех жителей до пятницы», — сказал Климов журналистам.")
    facts = extract_document(text, date(2024, 5, 1), language="ru")
    assert [q.speaker_written for q in facts.quotes] == ["Сергей Климов"]
    assert [q.speaker for q in facts.quotes] == ["Sergey Klimov"]
    people = {e.canonical for e in facts.entities if e.label == "PERSON"}
    assert people == {"Сергей Климов"}
    text = "Речник ООН заявив, що допомога не дійшла до Судану, повідомила радниця Марії Гнатюк."
    facts = extract_document(text, date(2024, 5, 1), language="uk")
    assert all(e.canonical != "Марії Гнатюк" for e in facts.entities)


def test_a_quotation_inside_a_quotation_and_a_scare_quote():
    text = ("«Они называют это „гуманитарной паузой“, но обстрелы идут каждую ночь», — заявил "
            "врач Николай Зуев. Военные объявили «режим тишины».")
    facts = extract_document(text, date(2024, 5, 1), language="ru")
    assert len(facts.quotes) == 1
    q = facts.quotes[0]
    assert q.text.startswith("Они называют это „гуманитарной паузой“") and q.speaker_written == "Николай Зуев"
    assert q.kind == "direct"


def test_no_speaker_no_quote_and_headlines_skip():
    # a quotation with no one saying it, and a sentence that cites no one
    text = "Die Regierung in Port-au-Prince nennt den Plan „einen Neuanfang für das ganze Land“ ohne Datum. Die Straßen sind leer."
    facts = extract_document(text, date(2024, 5, 1), language="de")
    assert facts.quotes == []


# ---------------------------------------------------------------- one speaker across languages

@pytest.mark.parametrize("lang, text, speaker, written", [
    ("uk", "«Ми евакуювали понад двісті людей із прикордонних сіл», — сказав Андрій Мельник, голова районної "
           "адміністрації.", "Andrii Melnyk", "Андрій Мельник"),
    ("ru", "«Дороги в Хартум перекрыты уже третью неделю», — заявил Сергей Волков, сотрудник гуманитарной миссии.",
     "Sergey Volkov", "Сергей Волков"),
    ("ar", "قالت المنظمة الدولية للهجرة إن أكثر من ثلاثة آلاف أسرة نزحت من القرى الواقعة شمال مدينة كسلا خلال "
           "الأسبوع الماضي.", "International Organization for Migration", "المنظمة الدولية للهجرة"),
    ("fr", "« Les camps de Goma ne peuvent plus accueillir personne », a déclaré l’OIM dans un communiqué publié "
           "mardi.", "International Organization for Migration", "OIM"),
    ("ru", "Международная организация по миграции сообщила, что тысячи семей покинули район Кассалы.",
     "International Organization for Migration", "Международная организация по миграции"),
])
def test_a_speaker_gets_the_name_reports_in_every_language_share(lang, text, speaker, written):
    """People in Latin letters (the national system for Ukrainian), organisations by their
    English names; the words of the report are kept beside."""
    (q,) = extract_document(text, date(2024, 3, 5), language=lang).quotes
    assert q.speaker == speaker and q.speaker_written == written
    assert text[q.start:q.end] == q.text


def test_the_organisation_referred_back_to_is_the_one_the_text_names():
    from sitroom.extract.entities import org_in_context

    text = "L'Organisation mondiale de la santé a alerté mardi sur la situation des hôpitaux de Port-au-Prince."
    assert org_in_context("l'organisation", "fr", text) == "World Health Organization"
    assert org_in_context("l'organisation", "fr", text + " L'UNICEF a livré des vaccins.") is None  # two: unknown
    assert org_in_context("Jean Dupont", "fr", text) is None
