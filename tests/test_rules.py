"""Every rule table holds together: each rule names a handler that exists, its pattern
compiles and matches its own example, and the example runs through the whole extraction
without any extractor failing."""
import pytest

from datetime import date

from sitroom.extract import rules
from sitroom.extract.document import extract_document

TABLES = rules.all_tables()
ALL_RULES = [(name, i, r) for name, t in TABLES.items() for i, r in enumerate(t)]


def test_there_are_rule_tables():
    assert "dates.en" in TABLES and len(TABLES["dates.en"]) > 10


@pytest.mark.parametrize("name", sorted(TABLES))
def test_table_is_consistent(name):
    assert TABLES[name].check() == []


@pytest.mark.slow
@pytest.mark.parametrize("name, i, r", ALL_RULES, ids=[f"{n}[{i}]:{r.label}" for n, i, r in ALL_RULES])
def test_example_runs_through_the_extraction(name, i, r):
    text = r.example if r.example.rstrip().endswith((".", "!", "?")) else f"Officials said it happened {r.example}."
    facts = extract_document(text, date(2024, 5, 15), language=TABLES[name].language)
    assert facts.failures == [], facts.failures


def test_a_missing_handler_is_reported():
    t = rules.RuleTable("test.broken", object, [rules.rule(r"\bfoo\b", "no_such_handler", "a foo here"),
                                                rules.rule(r"\bbar\b", "__init__", "no match")])
    try:
        problems = t.check()
    finally:
        rules._TABLES.pop("test.broken", None)
    assert any("no_such_handler" in p for p in problems)
    assert any("not matched" in p for p in problems)


def test_the_day_range_of_a_month_first_date_resolves():
    facts = extract_document("Talks were held March 3-5 in Vienna, a diplomat said.", date(2024, 5, 15))
    assert facts.failures == []
    assert [(d.surface, d.value) for d in facts.dates] == [("March 3-5", "2024-03-03/2024-03-05")]
    assert any(p.surface == "Vienna" for p in facts.places)
