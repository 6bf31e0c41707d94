"""English direct quotes: where a quotation begins and ends, what counts as one, and whose
it is (partial quotes in reported clauses, titles and mentions in quotation marks, block
quotes signed by a name or introduced by a colon, a paragraph that opens after "X stated,",
the one spoken to in a passive). Sentences of our own, on several crises."""
from __future__ import annotations

from datetime import date

import pytest

from sitroom.extract.document import extract_document


def quotes(text: str):
    facts = extract_document(text, date(2024, 3, 4))
    assert not facts.failures
    return facts.quotes


def direct(text: str):
    return [q for q in quotes(text) if q.kind == "direct"]


def covering(qs, words: str, text: str):
    at = text.index(words)
    return [q for q in qs if q.start <= at < q.end]


# ---------------------------------------------------------------- partial quotes


@pytest.mark.parametrize("text, words", [
    ('The coordinator told Radio Kivu that on Sunday after the rains stopped, the convoy "crossed the river '
     'and reached the camp at dusk", and told aid workers "everything it carried".', "crossed the river"),
    ('A nurse told reporters on Monday that the ward "ran out of oxygen twice" during the night.', "ran out of"),
    ('After the earthquake, Ramirez told the radio station "everything we built is gone".', "everything we built"),
    ('The engineer said a "full structural survey" is needed before families in Antakya return.',
     "full structural survey"),
])
def test_quoted_words_inside_a_report_are_never_lost(text, words):
    qs = quotes(text)
    assert covering(qs, words, text), qs


def test_a_clause_with_quoted_fragments_is_one_reported_quote():
    text = ('The colonel said field officers proposed moving "to a quieter district" to protect families from '
            '"relentless shelling and looting."')
    qs = quotes(text)
    assert len(qs) == 1
    assert qs[0].kind == "indirect" and qs[0].speaker == "colonel"
    assert qs[0].text.startswith("field officers proposed")


def test_fragments_of_a_report_inside_a_report_go_with_the_outer_speaker():
    text = ('The governor said relief teams reported that the dam was "holding for now" but that villages '
            'downstream should prepare to leave.')
    qs = quotes(text)
    assert [q.speaker for q in qs] == ["governor"]


# ---------------------------------------------------------------- named, not quoted


@pytest.mark.parametrize("text", [
    'The school team built a pump named "Clean Water for the Valley," which won two rounds, the coach said.',
    'The ministry added the words "and Disaster Relief" to the agency\'s name, the decree said.',
    'Thousands marched in Nairobi under the slogan "no more evictions" on Sunday, organisers said.',
])
def test_a_title_or_a_mention_in_quotation_marks_is_no_quote(text):
    assert direct(text) == []


def test_a_speakers_own_words_after_a_possessive_are_still_quoted():
    qs = direct('The mayor of Derna repeated his words "we will not leave this city" to reporters.')
    assert [q.text for q in qs] == ["we will not leave this city"]


def test_a_title_that_opens_the_sentence_is_still_speech():
    qs = direct('"Help Us Now," the displaced families in Goma wrote on a banner, the aid group said.')
    assert qs == [] or qs[0].text == "Help Us Now"  # a banner's words: either reading, never a crash


# ---------------------------------------------------------------- block quotes


def test_a_paragraph_signed_with_a_name_and_role_is_that_persons_quote():
    text = ("The river rose three metres overnight.\n\n"
            "We lost the harvest and the school in one night, and nobody came for two days. "
            "Amina Diallo, a farmer near Mopti\n\n"
            "The government said it would send aid.")
    qs = direct(text)
    assert len(qs) == 1
    assert qs[0].speaker == "Amina Diallo" and qs[0].speaker_role == "a farmer near Mopti"
    assert qs[0].text == "We lost the harvest and the school in one night, and nobody came for two days"


def test_a_dash_signature_line_signs_the_paragraph_above():
    text = ("Officials met in Valencia on Monday.\n\n"
            "Nothing prepared us for the speed of the water, and we are still counting the missing.\n"
            "— Carlos Mendoza, regional civil defence chief\n\n"
            "The search continues.")
    qs = direct(text)
    assert [(q.speaker, q.speaker_role) for q in qs] == [("Carlos Mendoza", "regional civil defence chief")]
    assert qs[0].text.startswith("Nothing prepared us")


def test_a_signature_the_recogniser_misses_is_read_when_the_name_speaks_elsewhere():
    text = ("Okafor says the camp outside Maiduguri has no clean water.\n\n"
            "We walked for four days with the children and nothing to eat on the road. Ngozi Okafor\n\n"
            "The agency said it would send aid.")
    qs = direct(text)
    assert [q.speaker for q in qs] == ["Ngozi Okafor"]


def test_a_name_alone_on_the_last_line_is_a_byline_not_a_signature():
    text = ("Floodwater covered most of the district by Thursday, and schools stayed closed for a week.\n\n"
            "Daniel Osei")
    assert direct(text) == []


def test_a_paragraph_introduced_by_a_verb_of_saying_and_a_colon_is_a_quote():
    text = ("The governor of Sindh denied the accusations:\n\n"
            "No one was turned away from the shelters. Every family received blankets and food. "
            "Opposition leaders said the count was far lower.")
    qs = quotes(text)
    d = [q for q in qs if q.kind == "direct"]
    assert len(d) == 1 and d[0].speaker == "governor of Sindh"
    # the quotation stops where the report's own voice comes back
    assert d[0].text == "No one was turned away from the shelters. Every family received blankets and food"
    assert any(q.kind == "indirect" and q.text.startswith("the count was far lower") for q in qs)


def test_a_list_after_a_colon_is_no_quote():
    text = ("The council in Beira said it needs:\n\n"
            "- 400 tents for the families on the coast road\n"
            "- water pumps and chlorine tablets for the camps")
    assert direct(text) == []


def test_a_quotation_that_opens_the_paragraph_after_x_stated_is_xs():
    text = ("Relief workers reached the village on Friday. The district officer stated,\n\n"
            '"The bridge was swept away before dawn and the families on the far bank were cut off for three days."')
    qs = direct(text)
    assert len(qs) == 1 and qs[0].speaker == "district officer"


def test_a_quotation_after_a_colon_that_ends_a_paragraph():
    text = ("The clinic in Taiz reopened on Tuesday. Its director wrote:\n\n"
            '"We have power for six hours a day, and we are treating three times the patients we can hold."')
    qs = direct(text)
    assert len(qs) == 1 and qs[0].text.startswith("We have power")


# ---------------------------------------------------------------- who speaks


def test_the_one_told_is_not_the_speaker():
    assert direct('Residents of Kharkiv were told to expect "rolling blackouts" through the winter.') == []


def test_the_agent_of_a_passive_verb_of_saying_speaks():
    qs = quotes('Residents of Kharkiv were warned by the grid operator that the cuts would last "well into '
                'the spring and possibly longer".')
    assert [q.speaker for q in qs] == ["grid operator"]


def test_a_city_speaks_for_its_government():
    qs = direct('The city argued, "because the shelters are run by charities, no rent can be charged for them."')
    assert [q.speaker for q in qs] == ["city"]
