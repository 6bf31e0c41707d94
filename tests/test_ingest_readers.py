"""Reading files and folders: text, Markdown, HTML articles, JSON Lines, bad inputs."""
import json
import os
import struct
import zlib
from datetime import date
from pathlib import Path

import pytest

from sitroom.ingest.decode import decode_bytes
from sitroom.ingest.html import NotAnArticle, article_from_html
from sitroom.ingest.readers import iter_inputs
from sitroom.models import InputError, RawInput

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
REPORT = ("Flooding closed the coastal highway on Monday and about 400 people spent the night "
          "in a sports hall, the municipal council said.\n\nThe council expects the road to reopen on Thursday.\n")


def items(*specs, online=False):
    return list(iter_inputs([str(s) for s in specs], online=online))


def one(*specs, **kw):
    (item,) = items(*specs, **kw)
    return item


# ---------------------------------------------------------------- text and Markdown


def test_text_and_markdown_files_keep_their_bytes(tmp_path):
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "b.md").write_text("# Road closed\n\n" + REPORT, encoding="utf-8")
    (tmp_path / "c.markdown").write_text("## Update\n\n" + REPORT, encoding="utf-8")
    txt, md, mdown = items(tmp_path / "a.txt", tmp_path / "b.md", tmp_path / "c.markdown")
    assert isinstance(txt, RawInput) and txt.content_type == "text/plain"
    assert txt.raw == REPORT.encode("utf-8") and txt.text == REPORT
    assert md.content_type == "text/markdown" and md.text.startswith("# Road closed")
    assert mdown.content_type == "text/markdown"
    assert txt.origin == str(tmp_path / "a.txt")


def test_legacy_encodings_and_boms_are_decoded(tmp_path):
    ru = "Спасатели весь день разбирали завалы после обрушения дома, сообщили в администрации города."
    (tmp_path / "cp1251.txt").write_bytes(ru.encode("cp1251"))
    (tmp_path / "bom.txt").write_bytes("\ufeff".encode("utf-8") + REPORT.encode("utf-8"))
    (tmp_path / "wide.txt").write_bytes(REPORT.encode("utf-16"))  # with its BOM
    cyr, bom, wide = items(tmp_path / "cp1251.txt", tmp_path / "bom.txt", tmp_path / "wide.txt")
    assert cyr.text == ru
    assert bom.text == REPORT and bom.raw.startswith(b"\xef\xbb\xbf")  # raw untouched
    assert wide.text == REPORT


def test_decode_prefers_utf8_over_a_wrong_declared_latin1():
    text = "Les secours ont évacué 120 personnes à Nîmes."
    assert decode_bytes(text.encode("utf-8"), "x", declared="iso-8859-1") == text
    assert decode_bytes(text.encode("cp1252"), "x", declared="windows-1252") == text
    assert decode_bytes(text.encode("utf-16-le"), "x", declared="utf-16-le") == text


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    pixels = b"".join(b"\x00" + bytes((x * 7 + y * 13) % 256 for x in range(64)) for y in range(64))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b""))


def test_binary_files_are_refused_with_a_clear_reason(tmp_path):
    (tmp_path / "photo.txt").write_bytes(_png())
    (tmp_path / "noise.txt").write_bytes(bytes((i * 97 + 31) % 256 for i in range(4096)))
    (tmp_path / "noise.html").write_bytes(bytes((i * 89 + 7) % 256 for i in range(4096)))
    for item in items(tmp_path / "photo.txt", tmp_path / "noise.txt", tmp_path / "noise.html"):
        assert isinstance(item, InputError), item
        assert item.problem.startswith("cannot decode"), item.problem
    with pytest.raises(ValueError, match="cannot decode"):
        decode_bytes(_png(), "photo.png")


def test_empty_and_whitespace_files_are_empty_documents(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text(" \n\t\n")
    (tmp_path / "blank.jsonl").write_text("\n\n")
    (tmp_path / "nbsp.txt").write_text("\u00a0\u2003\n", encoding="utf-8")
    for item in items(*(tmp_path / n for n in ("empty.txt", "blank.md", "blank.jsonl", "nbsp.txt"))):
        assert isinstance(item, InputError) and item.problem == "empty document", item


def test_missing_and_unreadable_files_name_the_os_reason(tmp_path):
    item = one(tmp_path / "nope.txt")
    assert isinstance(item, InputError) and item.origin.endswith("nope.txt")
    assert "No such file or directory" in item.problem
    if os.geteuid() != 0:  # root reads anything
        locked = tmp_path / "locked.txt"
        locked.write_text(REPORT)
        locked.chmod(0)
        item = one(locked)
        assert isinstance(item, InputError) and "Permission denied" in item.problem


def test_unknown_extension_is_sniffed(tmp_path):
    (tmp_path / "page.php").write_bytes((FIXTURES / "article.html").read_bytes())
    (tmp_path / "notes.log").write_text(REPORT)
    page, notes = items(tmp_path / "page.php", tmp_path / "notes.log")
    assert page.content_type == "text/html" and page.title == "Landslide buries road to Kolvara"
    assert notes.content_type == "text/plain" and notes.text == REPORT


# ---------------------------------------------------------------- folders


def test_directory_is_read_recursively_sorted_without_hidden_files(tmp_path):
    (tmp_path / "b.txt").write_text(REPORT)
    (tmp_path / "a.md").write_text(REPORT)
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "c.html").write_bytes((FIXTURES / "article.html").read_bytes())
    (tmp_path / "sub" / "deeper" / "d.jsonl").write_text(json.dumps({"id": "d1", "text": REPORT}) + "\n")
    (tmp_path / ".hidden.txt").write_text(REPORT)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "e.txt").write_text(REPORT)
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")  # not an input type: skipped
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    got = items(tmp_path)
    assert all(isinstance(i, RawInput) for i in got), got
    rel = [Path(i.origin.split(" line ")[0]).relative_to(tmp_path).as_posix() for i in got]
    assert rel == ["a.md", "b.txt", "sub/c.html", "sub/deeper/d.jsonl"]
    assert got[3].external_id == "d1"


def test_folder_without_inputs_says_so(tmp_path):
    (tmp_path / "x.bin").write_bytes(b"\x00\x01")
    item = one(tmp_path)
    assert isinstance(item, InputError) and "no inputs" in item.problem


# ---------------------------------------------------------------- JSON Lines


def test_jsonl_records_become_inputs_and_bad_lines_are_named(tmp_path):
    good = {"id": "r-1", "url": "https://paper.example/r1", "outlet": "Paper", "published": "2024-06-02",
            "title": "Road closed", "text": REPORT}
    lines = [
        json.dumps(good, ensure_ascii=False),
        '{"id": "r-2", "text": "Half a line',                                   # 2: bad JSON
        json.dumps({"id": "r-3", "title": "No text"}),                          # 3: missing text
        json.dumps({"id": "r-4", "text": "   "}),                               # 4: empty text
        "",                                                                     # 5: blank: skipped
        json.dumps({"id": "r-6", "text": REPORT, "published": 20240602}),       # 6: wrong type
        json.dumps(["not", "an", "object"]),                                    # 7: not an object
        json.dumps({"id": 7, "text": "Schools reopened\u2028in the north.", "published": None,
                    "url": None}, ensure_ascii=False),                          # 8: fine, numeric id
        json.dumps({"id": "r-9", "text": REPORT, "published": "last Tuesday"}),  # 9: bad date
        json.dumps({"id": "r-10", "text": REPORT, "published": "2024-06-03T08:15:00Z"}),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8") + b"\n")
    got = items(path)
    ok = {i.external_id: i for i in got if isinstance(i, RawInput)}
    bad = {i.origin: i.problem for i in got if isinstance(i, InputError)}
    assert set(ok) == {"r-1", "7", "r-10"}
    r1 = ok["r-1"]
    assert r1.origin == f"{path} line 1" and r1.content_type == "application/json"
    assert (r1.url, r1.outlet, r1.title, r1.text) == (good["url"], "Paper", "Road closed", REPORT)
    assert r1.published == date(2024, 6, 2)
    assert r1.raw == lines[0].encode("utf-8")                                # that line's bytes
    assert ok["7"].text == "Schools reopened\u2028in the north." and ok["7"].published is None
    assert ok["r-10"].published == date(2024, 6, 3)
    assert set(bad) == {f"{path} line {n}" for n in (2, 3, 4, 6, 7, 9)}
    assert "malformed JSON" in bad[f"{path} line 2"]
    assert "missing 'text'" in bad[f"{path} line 3"]
    assert "empty document" in bad[f"{path} line 4"]
    assert "'published' must be a string" in bad[f"{path} line 6"]
    assert "JSON object" in bad[f"{path} line 7"]
    assert "YYYY-MM-DD" in bad[f"{path} line 9"]


def test_jsonl_with_crlf_and_bom_and_a_non_utf8_line(tmp_path):
    path = tmp_path / "win.jsonl"
    first = json.dumps({"id": "w1", "text": REPORT}).encode()
    third = json.dumps({"id": "w3", "text": "Caf\u00e9 closed."}, ensure_ascii=False).encode("cp1252")
    path.write_bytes(b"\xef\xbb\xbf" + first + b"\r\n" + json.dumps({"id": "w2", "text": REPORT}).encode()
                     + b"\r\n" + third + b"\r\n")
    a, b, c = items(path)
    assert a.external_id == "w1" and a.raw == first and b.external_id == "w2"
    assert isinstance(c, InputError) and c.origin.endswith("line 3") and "UTF-8" in c.problem


def test_json_file_holding_an_array_or_one_record(tmp_path):
    (tmp_path / "many.json").write_text(json.dumps([{"id": "m1", "text": REPORT}, {"id": "m2"},
                                                    {"id": "m3", "text": REPORT + "More."}], indent=2))
    (tmp_path / "single.json").write_text(json.dumps({"id": "s1", "title": "T", "text": REPORT}, indent=2))
    m1, m2, m3, s1 = items(tmp_path / "many.json", tmp_path / "single.json")
    assert m1.external_id == "m1" and m3.external_id == "m3" and m1.raw != m3.raw
    assert isinstance(m2, InputError) and m2.origin.endswith("many.json item 2")
    assert s1.external_id == "s1" and s1.title == "T" and s1.origin == str(tmp_path / "single.json")


def test_shared_seed_corpus_reads_cleanly(shared):
    got = items(shared / "seeds" / "corpus.jsonl")
    assert got and all(isinstance(i, RawInput) for i in got)
    assert all(i.external_id and i.text.strip() for i in got)


# ---------------------------------------------------------------- HTML


def test_html_article_text_and_metadata():
    raw = (FIXTURES / "article.html").read_bytes()
    item = one(FIXTURES / "article.html")
    assert isinstance(item, RawInput) and item.content_type == "text/html"
    assert item.raw == raw                                       # archived as received
    assert item.title == "Landslide buries road to Kolvara"
    assert item.author == "Mira Dalton" and item.outlet == "Valley Courier"
    assert item.published == date(2023, 11, 7)
    assert item.url == "https://valley-courier.example/news/landslide-kolvara"  # the canonical link
    paragraphs = item.text.split("\n\n")
    assert paragraphs[0] == "Landslide buries road to Kolvara"
    assert len(paragraphs) >= 5 and all(p.strip() == p and p for p in paragraphs)
    assert any(p.startswith("Crews with two excavators") for p in paragraphs)
    for furniture in ("Subscribe", "Most read", "Football", "Home"):
        assert furniture not in item.text


def test_html_from_text_or_bytes_and_in_a_legacy_charset():
    html = (FIXTURES / "second.html").read_text(encoding="utf-8")
    text, meta = article_from_html(html, "https://valley-courier.example/shelters")
    assert text.startswith("Shelters fill as river keeps rising\n\nThe river")
    assert meta.url == "https://valley-courier.example/shelters" and meta.author == "Tomas Reyes"
    assert meta.published == date(2023, 11, 8)
    fr = html.replace('charset="utf-8"', 'charset="windows-1252"').replace(
        "volunteers said", "a déclaré la bénévole Hélène").encode("cp1252")
    text_fr, _ = article_from_html(fr)
    assert "a déclaré la bénévole Hélène" in text_fr


def test_page_without_an_article_is_refused():
    with pytest.raises(NotAnArticle, match="no article text found"):
        article_from_html((FIXTURES / "links.html").read_bytes(), "https://valley-courier.example/news")
    item = one(FIXTURES / "links.html")
    assert isinstance(item, InputError)
    assert item.problem == "no article text found (is this a news article page?)"


def test_event_dates_in_the_body_are_not_the_page_date():
    html = (FIXTURES / "second.html").read_text(encoding="utf-8")
    undated = html.replace('<meta property="article:published_time" content="2023-11-08T18:10:00Z">', "")
    undated = undated.replace("</article>", "<p>The last flood this size came on 14 March 2019.</p></article>")
    _, meta = article_from_html(undated)
    assert meta.published is None


def test_offline_url_and_feed_file_entries_are_not_fetched(tmp_path):
    feed = (FIXTURES / "feed.rss.in").read_text().replace("{base}", "http://127.0.0.1:9")
    (tmp_path / "news.rss").write_text(feed)
    got = items("https://paper.example/story", tmp_path / "news.rss", online=False)
    assert all(isinstance(i, InputError) and i.problem == "offline mode: URL not fetched" for i in got)
    assert [i.origin for i in got] == ["https://paper.example/story", "http://127.0.0.1:9/article",
                                       "http://127.0.0.1:9/gone", "http://127.0.0.1:9/second"]


def test_xml_that_is_not_a_feed(tmp_path):
    (tmp_path / "data.xml").write_text('<?xml version="1.0"?><inventory><item sku="1"/></inventory>')
    item = one(tmp_path / "data.xml")
    assert isinstance(item, InputError) and "not an RSS/Atom feed" in item.problem


def test_blank_spec_is_not_the_current_folder():
    item = one("  ")
    assert isinstance(item, InputError) and "blank" in item.problem
