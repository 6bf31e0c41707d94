"""Classes of quotations outside English, each on sentences of our own (invented people,
several crises and countries): nested and unclosed quotation marks, "Das teilte X mit" past
a name in apposition, "comme l'avait rapporté X", participles and perfect infinitives of
saying, a second verb of the sentence's subject in Arabic, seats standing for a government
("le Quai d'Orsay", "в Кремле"), local administrations by their acronyms, bodies named in
Arabic or French given English names, summary lines "- X: claim", and the false claims a
fronted time phrase, a subject's apposition or a relative clause would make."""
from __future__ import annotations

from datetime import date

import pytest

from sitroom.extract.document import extract_document


def quotes(text: str, lang: str):
    facts = extract_document(text, date(2024, 5, 1), language=lang)
    assert not [f for f in facts.failures if f.extractor == "quotes"]
    return facts.quotes


def said(text: str, lang: str) -> dict[str, tuple[str, str]]:
    """{quoted words: (speaker, kind)}"""
    return {q.text: (q.speaker, q.kind) for q in quotes(text, lang)}


def written(text: str, lang: str) -> dict[str, str]:
    """{quoted words: speaker as the report writes it}"""
    return {q.text: q.speaker_written or q.speaker for q in quotes(text, lang)}


# ---------------------------------------------------------------- quotation marks

def test_a_short_quotation_inside_a_german_quotation_keeps_the_outer_one():
    text = ("Das teilte der Bürgermeister von Mossul, Karim Haddad, am Abend mit. „Neun Tote, zwei davon "
            "Kinder. Die Angreifer haben die Brücke mit „Grad“-Raketen beschossen“, schrieb der Bürgermeister.")
    got = [q for q in quotes(text, "de") if q.kind == "direct"]
    assert len(got) == 1 and got[0].text.startswith("Neun Tote, zwei davon Kinder") and "„Grad“" in got[0].text
    assert got[0].speaker == "Karim Haddad"
    # Ukrainian: «...» inside “...”
    text = ("Олег Синєгубов:\n\n“Таку кількість загиблих маємо станом на цю годину внаслідок удару ракетою "
            "«Іскандер» по центру Харкова.\n\nНа цей момент до лікарень доправлено 40 осіб”.")
    got = quotes(text, "uk")
    assert got and got[0].text.startswith("Таку кількість загиблих маємо") and got[0].speaker == "Oleh Syniehubov"


@pytest.mark.parametrize("lang,text,start,speaker", [
    # a quotation of several paragraphs that are not opened again: its first paragraph
    ("uk", "Голова громади Ірина Бондар:\n\n“Ворог влучив у міст через річку, рух зупинено до ранку.\n\n"
           "Рятувальники працюють на місці всю ніч”.", "Ворог влучив у міст через річку", "Iryna Bondar"),
    # a closing mark left out: the paragraph's rest
    ("ar", 'وذكرت المنظمة، أن فرقها في الميناء "شاهدت نقصا حادا في مياه الشرب والدواء في كل الأحياء.\n\n'
           'وأضافت المنظمة أن الوضع ما زال صعبا.', "شاهدت نقصا حادا في مياه الشرب", "المنظمة"),
])
def test_a_quotation_mark_never_closed_in_its_paragraph(lang, text, start, speaker):
    got = [q for q in quotes(text, lang) if q.text.startswith(start)]
    assert got and got[0].kind == "direct" and speaker in (got[0].speaker, got[0].speaker_written)


def test_a_text_cut_inside_a_quotation_gives_no_quotation():
    text = 'Le Comité international de la Croix-Rouge a dit être « profondément choqué » par les récits de "violences'
    assert not [q for q in quotes(text, "fr") if q.text.startswith("violences")]


# ---------------------------------------------------------------- reported speech

@pytest.mark.parametrize("lang,text,claim,speaker", [
    ("de", "Die Lage bleibt angespannt. In Beira ist die Zahl der Toten nach dem Zyklon auf 40 gestiegen, darunter "
           "zwölf Kinder. Das teilte der Gouverneur der Provinz, Tomás Mendes, auf Facebook mit.",
     "In Beira ist die Zahl der Toten nach dem Zyklon auf 40 gestiegen", "Tomás Mendes"),
    ("de", "Am Montag hatte die Caritas mitgeteilt, die Zahl der Toten in Aleppo sei auf 300 gestiegen.",
     "die Zahl der Toten in Aleppo sei auf 300 gestiegen", "Caritas"),
    ("de", "Auch Kenias Außenminister Daniel Kiprop sagte, er halte es für möglich, dass die Miliz die Brücke sprengte.",
     "er halte es für möglich, dass die Miliz die Brücke sprengte", "Daniel Kiprop"),
    ("de", "Der UN-Sondergesandte Henrik Aalto sagte, die Versorgung in Tigray sei völlig zusammengebrochen.",
     "die Versorgung in Tigray sei völlig zusammengebrochen", "Henrik Aalto"),
    ("fr", "L'école de Gao avait déjà été pillée en mars, et deux enseignants avaient été enlevés, comme l'avait "
           "rapporté lundi Marc Dubois, directeur de l'ONG locale.",
     "L'école de Gao avait déjà été pillée en mars", "Marc Dubois"),
    ("fr", "Comme l'a indiqué le maire de Bangui, Pierre Ngaba, les inondations ont détruit deux cents maisons.",
     "les inondations ont détruit deux cents maisons", "Pierre Ngaba"),
    ("fr", "Plus de 300 personnes ont été tuées à Goma. C'est ce qu'a annoncé le directeur de l'Unicef, Marc Dubois, "
           "expliquant que 120 enfants auraient été tués dans une école de la ville.",
     "120 enfants auraient été tués dans une école de la ville", "Marc Dubois"),
    ("fr", "Le chef de la police, Paul Ngoy, nie avoir bombardé le marché de Goma.",
     "avoir bombardé le marché de Goma", "Paul Ngoy"),
    ("fr", "L'hôpital, qui accueillait 300 patients, a été détruit, a déclaré le directeur Paul Ngoy.",
     "L'hôpital, qui accueillait 300 patients, a été détruit", "Paul Ngoy"),
    ("fr", "Le gouverneur du Nord-Kivu, Paul Ngoy, a rejeté les chiffres publiés par le M23 : « Qui a compté "
           "ces victimes ? » a-t-il demandé.", "Qui a compté ces victimes", "Paul Ngoy"),
    ("uk", "Як зазначив голова ОВА Павло Ткаченко, у Харкові зруйновано три школи.",
     "у Харкові зруйновано три школи", "Pavlo Tkachenko"),
    ("ar", "أعلنت منظمة الصحة العالمية أن الميناء تعرض للقصف.\n\nونفت حركة الشباب الاتهامات واعتبرتها "
           "كاذبة وأكدت في تصريح أن مقاتليها لم يقتربوا من الميناء.",
     "مقاتليها لم يقتربوا من الميناء", "al-Shabaab"),
])
def test_reported_speech_and_its_speaker(lang, text, claim, speaker):
    got = said(text, lang)
    hit = [k for k in got if k.startswith(claim)]
    assert hit, got
    quoted = text[:text.find(claim)].rstrip().endswith("«")
    assert got[hit[0]][1] == ("direct" if quoted else "indirect")
    assert speaker in (got[hit[0]][0], written(text, lang)[hit[0]])


# ---------------------------------------------------------------- speakers in the shared form

@pytest.mark.parametrize("lang,text,speaker", [
    ("fr", "Jeudi, le Quai d'Orsay rappelle que « les convois d'aide doivent pouvoir passer sans "
           "délai ».", "Ministry of Foreign Affairs of France"),
    ("fr", "« Nous restons en contact étroit avec les autorités du Niger », a indiqué l'Élysée.", "Presidency of France"),
    ("ru", "«Мы не планируем переговоры с Киевом», — заявили в Кремле.", "Kremlin"),
    ("ru", "Представитель Госдепартамента США заявил, что помощь Судану будет увеличена.", "US State Department"),
    ("uk", "«Ми не погодимося на такі умови», — заявили в Офісі президента.", "Office of the President of Ukraine"),
    ("uk", "Ворог обстріляв два села біля кордону, повідомила Харківська ОВА.", "Regional Military Administration"),
    ("uk", "Зокрема з Покровська сьогодні виїхало понад 400 людей, повідомляє Покровська МВА.",
     "Municipal Military Administration"),
    ("ar", 'وقالت "الجبهة الثورية" في تعز في بيان إن "الطريق إلى الميناء ما زال مغلقا أمام الشاحنات".',
     "Revolutionary Front"),
    ("ar", "وذكرت نقابة المعلمين المستقلة أن المدارس في الحي الشرقي أغلقت أبوابها منذ أسبوعين.",
     "Independent Teachers Union"),
    ("ar", "فيما ذكرت تنسيقية المهنيين أن الكهرباء عادت إلى نصف الأحياء.", "Professionals Coordination"),
    ("fr", "Le collectif des avocats bénévoles a annoncé que trois journalistes avaient été libérés à Bamako.",
     "Volunteers Lawyers Collective"),
])
def test_a_speaker_gets_the_name_reports_in_every_language_share(lang, text, speaker):
    got = quotes(text, lang)
    assert got and got[0].speaker == speaker, [(q.text, q.speaker) for q in got]


def test_words_apart_in_a_speaker_keep_a_space():
    text = 'وفي صباح الأربعاء، أعلن "الحوثيون" أنهم أسقطوا "طائرة مسيرة فوق ساحل مدينة الحديدة"، فيما نفت البحرية ذلك.'
    got = quotes(text, "ar")
    assert [(q.text, q.kind) for q in got] == [("طائرة مسيرة فوق ساحل مدينة الحديدة", "direct")]
    assert got[0].speaker == "Houthis"


# ---------------------------------------------------------------- summary lines

def test_summary_lines_with_a_named_speaker():
    text = ("الوضع في الساحل اليوم\n\n"
            '-"الجبهة الثورية": الطريق الساحلي مفتوح أمام قوافل الإغاثة منذ الصباح.\n\n'
            "-نقابة المعلمين المستقلة: المدارس في الأحياء الغربية بقيت مغلقة بسبب الاشتباكات.\n\n"
            "-حصيلة: 12 جريحا في الاشتباكات قرب الجسر.")
    got = said(text, "ar")
    assert got == {"الطريق الساحلي مفتوح أمام قوافل الإغاثة منذ الصباح": ("Revolutionary Front", "indirect"),
                   "المدارس في الأحياء الغربية بقيت مغلقة بسبب الاشتباكات": ("Independent Teachers Union", "indirect")}
    text = ("Les points clés :\n- L'OMS : plus de 400 personnes ont été tuées dans l'hôpital de la ville.\n"
            "- Bilan : 40 morts dans le bombardement des quartiers est.")
    got = said(text, "fr")
    assert list(got.values()) == [("World Health Organization", "indirect")]


# ---------------------------------------------------------------- no false claims

@pytest.mark.parametrize("lang,text", [
    # a time phrase before the verb, and the verb's own object after it
    ("ar", 'وفي صباح الأربعاء، أعلن "الحوثيون" سيطرتهم على المطار.'),
    # the subject's apposition before the verb
    ("fr", "Le M23, maître de la ville depuis janvier, rejette toute responsabilité dans le pillage du dépôt."),
    # a relative clause of the subject; a relative pronoun after the verb
    ("fr", "Des messages, dont les soldats sont à la fois les auteurs et les diffuseurs, décrivent les pillages."),
    ("fr", "Des photos prises par les soldats décrivent les pillages qu'ils commettent dans le quartier."),
    # a place after "in", not a speaker
    ("de", "Der Minister sprach von „Terror“. „Wir werden die Täter finden und bestrafen“, sagte er in Nairobi."),
])
def test_no_claim_or_speaker_is_made_up(lang, text):
    got = quotes(text, lang)
    assert all(q.kind == "direct" for q in got) and not [q for q in got if q.speaker == "Nairobi"]
    if lang != "de":
        assert not [q for q in got if q.kind == "indirect"]


def test_a_quotation_then_a_new_sentence_takes_no_speaker_from_it():
    text = ("Das Rote Kreuz nannte den Beschuss „empörend“. Er zeige die „völlige Missachtung für das Leben der "
            "Flüchtlinge“. Es gebe viele Verletzte, auch Helfer.Die Armee prüfe die Vorwürfe, wurde Oberst Jonas "
            "Keller im Rundfunk zitiert.")
    got = said(text, "de")
    assert got.get("völlige Missachtung für das Leben der Flüchtlinge", ("",))[0] != "Jonas Keller"
    assert got["Die Armee prüfe die Vorwürfe"] == ("Jonas Keller", "indirect")


# ------------------------------------------------------------------ infinitives past a phrase


def test_a_perfect_infinitive_after_a_phrase_between_it_and_the_verb():
    got = said("Le chef de milice s'est vanté sur les réseaux sociaux d'avoir pris la ville à lui seul.", "fr")
    (claim,) = [k for k in got if k.startswith("avoir pris la ville")]
    assert "milice" in got[claim][0] and got[claim][1] == "indirect"


def test_an_infinitive_after_another_verb_is_not_what_was_said():
    got = said("Le ministre a promis aux familles de reconstruire les écoles de Bunia.", "fr")
    assert not any(k.startswith("avoir") for k in got)


# ------------------------------------------------------------------ "they": the people just named


@pytest.mark.parametrize("lang,text,claim,part", [
    ("fr", "Selon l'ONU, 40 000 personnes ont quitté Goma. Les hommes épuisés arrivés à Sake ont décrit "
           "une route dangereuse. Ils ont dit avoir marché trois jours sans eau.", "avoir marché", "hommes"),
    ("ru", "По данным ООН, 40 тысяч человек покинули Гому. Измученные беженцы прибыли в Саке вечером. "
           "Они рассказали, что шли три дня.", "шли три дня", "Refugees"),
    ("en", "According to the UN, 40,000 people left Goma. Exhausted women who reached Sake described terrible "
           "journeys. They said they had walked for three days.", "they had walked", "women"),
])
def test_a_plural_pronoun_speaks_for_the_people_named_just_before(lang, text, claim, part):
    got = said(text, lang)
    (key,) = [k for k in got if k.startswith(claim)]
    assert part in got[key][0] and "UN" not in got[key][0] and "Nations" not in got[key][0]


@pytest.mark.parametrize("lang,text", [
    ("en", "UN agencies sent food to Goma on Monday. The strikes destroyed dozens of homes. "
           "They said the army had fired first."),
    ("fr", "Les agences de l'ONU ont envoyé des vivres à Goma lundi. Les frappes ont détruit des maisons. "
           "Elles ont affirmé que l'armée avait tiré la première."),
])
def test_things_named_just_before_do_not_speak(lang, text):
    for speaker, _ in said(text, lang).values():
        assert "strike" not in (speaker or "").lower() and "frappe" not in (speaker or "").lower()
