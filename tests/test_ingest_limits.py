"""One input never aborts a run: inputs beyond what one report may hold (a lone surrogate,
nesting 100k deep, a 5,000-digit number, an over-long line, a deeply nested feed, a file
name in another encoding) each become an error naming the input and the problem, and
the inputs after them are archived."""
import json
import os

import pytest

from sitroom import pipeline
from sitroom.ingest import readers
from sitroom.ingest.readers import MAX_JSON_DEPTH, MAX_NUMBER_DIGITS, iter_inputs, parse_json
from sitroom.models import InputError, RawInput
from sitroom.store.db import Store

GOOD = "Floodwater cut the road to the river port on Sunday and 300 families moved to a school, the mayor said."


def record(rid: str, text: str = GOOD, **extra) -> str:
    return json.dumps({"id": rid, "text": text, **extra})


def ingest(tmp_path, *specs):
    store = Store(str(tmp_path / "s.db"))
    result = pipeline.ingest([str(s) for s in specs], store, online=False)
    return store, result


def archived_ids(store):
    return sorted(s["external_id"] for s in store.sources())


def test_lone_surrogate_in_a_jsonl_field_is_named_and_the_run_goes_on(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [record("before"),
             '{"id": "bad-text", "text": "Shelling hit \\ud800 the depot overnight, officials said."}',
             '{"id": "bad-title", "title": "Update \\udfff", "text": "Aid convoys reached the camp on Tuesday."}',
             record("after", "Rain eased on Wednesday and the bridge reopened to traffic, engineers said.")]
    path.write_text("\n".join(lines) + "\n")
    store, result = ingest(tmp_path, path, tmp_path / "missing.txt")
    problems = {e.origin: e.problem for e in result.errors}
    assert "lone surrogate" in problems[f"{path} line 2"] and "'text'" in problems[f"{path} line 2"]
    assert "\\ud800" in problems[f"{path} line 2"]
    assert "lone surrogate" in problems[f"{path} line 3"] and "'title'" in problems[f"{path} line 3"]
    assert str(tmp_path / "missing.txt") in problems  # the spec after the bad file was still read
    assert archived_ids(store) == ["after", "before"]


def test_json_nested_100k_deep_is_refused_in_jsonl_and_json_files(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    jsonl = tmp_path / "deep.jsonl"
    jsonl.write_text(record("a") + "\n" + '{"id": "deep", "text": "x", "extra": ' + deep + "}\n" + record("b", GOOD + " Later.") + "\n")
    doc = tmp_path / "deep.json"
    doc.write_text(deep)
    store, result = ingest(tmp_path, jsonl, doc, tmp_path / "after.txt")
    problems = {e.origin: e.problem for e in result.errors}
    assert problems[f"{jsonl} line 2"] == f"nested too deeply (more than {MAX_JSON_DEPTH} levels of arrays or objects)"
    assert problems[str(doc)].startswith("nested too deeply")
    assert archived_ids(store) == ["a", "b"]


def test_json_within_the_depth_limit_and_brackets_inside_strings_are_fine():
    text = json.dumps({"id": "x", "text": "[[[[" * 1000, "extra": [[[[{"a": [1]}]]]]})
    assert parse_json(text)["text"].startswith("[[[[")
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert parse_json(nested) is not None


def test_integer_of_5000_digits_is_named_and_the_run_goes_on(tmp_path):
    path = tmp_path / "ids.jsonl"
    path.write_text('{"id": ' + "7" * 5000 + ', "text": "x"}\n' + '{"id": "n", "n": ' + "1" * 4301 + "}\n"
                    + record("ok") + "\n")
    store, result = ingest(tmp_path, path)
    problems = {e.origin: e.problem for e in result.errors}
    assert problems[f"{path} line 1"] == f"a number is too long (5,000 digits; the limit is {MAX_NUMBER_DIGITS})"
    assert "4,301 digits" in problems[f"{path} line 2"]
    assert archived_ids(store) == ["ok"]
    # ordinary numeric ids are still numbers
    (item,) = list(readers.read_jsonl(b'{"id": 12345, "text": "a report"}', "x.jsonl"))
    assert isinstance(item, RawInput) and item.external_id == "12345"


def test_json_array_item_with_a_surrogate_is_named(tmp_path):
    path = tmp_path / "items.json"
    path.write_text('[{"id": "a", "text": "Flooding \\udc80 again."}, ' + record("b") + "]")
    store, result = ingest(tmp_path, path)
    assert [(e.origin, "lone surrogate" in e.problem) for e in result.errors] == [(f"{path} item 1", True)]
    assert archived_ids(store) == ["b"]


def test_over_long_jsonl_line_is_skipped_without_holding_it(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_RECORD_BYTES", 1000)
    path = tmp_path / "long.jsonl"
    path.write_text(record("long", "word " * 500) + "\n" + record("short") + "\n")
    got = list(iter_inputs([str(path)], online=False))
    assert isinstance(got[0], InputError) and got[0].origin == f"{path} line 1"
    assert got[0].problem.startswith("line too long (over 1,000 bytes")
    assert isinstance(got[1], RawInput) and got[1].external_id == "short"


def test_feed_nested_too_deeply_is_refused_at_once(tmp_path):
    feed = tmp_path / "deep.rss"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>' + "<x>" * 100_000
                    + "</x>" * 100_000 + "<item><title>a</title><link>https://example.org/a</link></item>"
                    "</channel></rss>")
    (item,) = list(iter_inputs([str(feed)], online=False))
    assert isinstance(item, InputError) and item.problem == "nested too deeply (more than 256 levels of elements)"


@pytest.mark.skipif(os.name != "posix", reason="file names as bytes")
def test_file_named_in_another_encoding_is_archived_under_a_printable_name(tmp_path):
    name = os.fsencode(tmp_path) + b"/r\xe9sum\xe9.txt"  # Latin-1 bytes: not UTF-8
    with open(name, "wb") as f:
        f.write(GOOD.encode())
    store, result = ingest(tmp_path, tmp_path)
    assert result.errors == []
    (src,) = store.sources()
    assert src["origin"].endswith("r\\xe9sum\\xe9.txt")
