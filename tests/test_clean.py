from sitroom.ingest.clean import clean_text

PAGE = (
    "Home > World > Europe > Floods\n\n"
    "Floods hit the valley\n\n"
    "Rescuers reached the [village of Rivne](#) on Monday, where the river had cut the road to Ivano- Frankivsk\n"
    "in two places. A resident, a\n\n"
    "54-year-old teacher, said the water rose **within an hour**.\n\n"
    "Share this article\n\n"
    "Click here to subscribe to our newsletters.\n\n"
    "<https://example.org/floods>\n"
)


def test_furniture_removed_and_text_kept():
    c = clean_text(PAGE)
    assert "Home >" not in c.text
    assert "Share this" not in c.text and "subscribe" not in c.text
    assert "https://" not in c.text
    assert c.text.startswith("Floods hit the valley\n\n")
    assert "village of Rivne on Monday" in c.text          # link markup gone, words kept
    assert "within an hour" in c.text and "**" not in c.text


def test_broken_words_and_sentences_joined():
    c = clean_text(PAGE)
    assert "Ivano-Frankivsk in two places" in c.text      # hyphen and line break joined
    assert "A resident, a 54-year-old teacher" in c.text   # paragraph break mid-sentence


def test_offsets_map_back_to_raw():
    c = clean_text(PAGE)
    assert len(c.offsets) == len(c.text)
    for word in ("Rivne", "teacher", "within an hour", "Floods hit"):
        i = c.text.index(word)
        a, b = c.raw_span(i, i + len(word))
        assert PAGE[a:b] == word


def test_short_header_lines_stay_paragraphs():
    c = clean_text("A headline\n\nJane Doe\n\n3 March 2024\n\nThe story starts here.")
    assert c.text.split("\n\n") == ["A headline", "Jane Doe", "3 March 2024", "The story starts here."]


def test_crlf_input():
    raw = "First line of a long paragraph that goes on and on and on,\r\nsecond line.\r\n"
    c = clean_text(raw)
    assert c.text == "First line of a long paragraph that goes on and on and on, second line."
    i = c.text.index("second")
    assert raw[c.offsets[i]:c.offsets[i] + 6] == "second"


def test_markdown_heading_marks_are_dropped():
    c = clean_text("# Floods in the delta\n\n## Day two\n\nWater rose again.")
    assert c.text.split("\n\n") == ["Floods in the delta", "Day two", "Water rose again."]


def test_teasers_for_other_stories_are_dropped_in_several_languages():
    """A "Read also: ..." line between two paragraphs is the page's, not the story's (a
    pronoun after it must not read its headline as the last thing named)."""
    raw = ("Shells hit the depot in Bouaké.\n\n• Read also: LIVE | Talks resume in the capital\n\n"
           "Lire aussi : Le point sur la saison des pluies\n\nЧитайте также: Новости региона\n\n"
           "“We lost everything,” he said.\n\nRead also the full report of the commission.")
    got = clean_text(raw).text
    assert "Talks resume" not in got and "saison des pluies" not in got and "Новости" not in got
    assert "“We lost everything,” he said." in got and "Read also the full report" in got
