"""Clean a received text of page furniture, keeping a map back to the raw offsets.

trafilatura removes furniture from HTML; this module handles what reaches us as text or
Markdown (pastes, JSON Lines, trafilatura's own output): breadcrumb trails, share /
subscribe / contact footers, link and emphasis markup, bare URLs, and words or sentences
broken by hard line breaks. Every step keeps, for each clean character, the offset of
the raw character it came from, so a fact found in the clean text can be shown in the
archived original.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from sitroom.models import CleanText

# A breadcrumb trail: "Home > World > Europe > Story" (three or more parts).
_BREADCRUMB = re.compile(r"^[^\n>]{1,120}(?:\s(?:>|»|›|/)\s[^\n>]{1,200}){2,}$")
# Footer and call-to-action lines: the line is about the page, not the story.
_FURNITURE = re.compile(
    r"^\s*(?:"
    r"(?:to\s+)?contact\s+(?:us|the)\b.*|"
    r".*\b(?:click|sign\s+up|tap)\s+here\b.*\b(?:subscribe|newsletter)s?\b.*|"
    r".*\bsubscribe\s+to\s+(?:our|the)\b.*\bnewsletters?\b.*|"
    r"share\s+(?:this|on)\b.*|follow\s+us\b.*|"
    r"(?:all\s+rights\s+reserved|copyright\s+©|©).*|"
    r"(?:advertisement|related\s+(?:articles|stories)|read\s+more)\s*:?\s*|"
    # a teaser for another story, with its label: "• Read also: LIVE | ...", "Lire aussi : ..."
    r"(?:[•·*]\s*)?(?:read\s+also|also\s+read|see\s+also|read\s+more|(?:à\s+)?lire\s+(?:aussi|également)|"
    r"voir\s+aussi|lesen\s+sie\s+(?:auch|mehr)|mehr\s+zum\s+thema|lea\s+también|lee\s+también|"
    r"читайте\s+(?:также|також)|смотрите\s+также|дивіться\s+також|اقرأ\s+(?:أيضا|أيضاً))\s*[:|—–].*|"
    r"p\.?\s?s\.?|"
    r"<?https?://\S+>?|[\w.-]+\.(?:org|com|net|info|uk|fr|de)/\S*"
    r")\s*$",
    re.IGNORECASE,
)
_MD_LINK = re.compile(r"\[([^\]\n]{1,300})\]\((?:[^)\s]*)\)")
_MD_EMPH = re.compile(r"(\*{1,2}|_{2})(\S(?:[^\n]*?\S)?)\1")
# "Port-au- Prince": a hyphenated name split by a hard line break.
_HYPHEN_BREAK = re.compile(r"(?<=\w)-[ \t]*\n?[ \t]+(?=[A-Z])")
# runs of blanks other than one plain space (which would be rewritten as itself)
_SPACES = re.compile(r"[\t\u00a0][ \t\u00a0]*| [ \t\u00a0]+")
_SENT_END = re.compile(r"[.!?:;\"”’)\]…]$")


class _Text:
    """A string with the raw offset of each character, edited by regex rewrites."""

    def __init__(self, text: str, offsets: list[int]):
        self.text, self.offsets = text, offsets

    def rewrite(self, pattern: re.Pattern, repl: Callable[[re.Match], list[tuple[int, int] | str]]) -> None:
        """Replace each match by pieces: (start, end) spans of the current text kept with
        their offsets, or literal strings mapped to the match start."""
        matches = list(pattern.finditer(self.text))
        if not matches:
            return
        out_t: list[str] = []
        out_o: list[int] = []
        pos = 0
        for m in matches:
            out_t.append(self.text[pos:m.start()])
            out_o.extend(self.offsets[pos:m.start()])
            for piece in repl(m):
                if isinstance(piece, str):
                    out_t.append(piece)
                    anchor = self.offsets[m.start()] if m.start() < len(self.offsets) else (self.offsets[-1] if self.offsets else 0)
                    out_o.extend([anchor] * len(piece))
                else:
                    a, b = piece
                    out_t.append(self.text[a:b])
                    out_o.extend(self.offsets[a:b])
            pos = m.end()
        out_t.append(self.text[pos:])
        out_o.extend(self.offsets[pos:])
        self.text, self.offsets = "".join(out_t), out_o


def _is_furniture(line: str) -> bool:
    s = line.strip()
    return bool(s) and (bool(_BREADCRUMB.match(s)) or bool(_FURNITURE.match(s)))


def clean_text(raw: str) -> CleanText:
    """Clean ``raw`` (plain text or Markdown); paragraphs end up separated by one blank line."""
    t = _Text(raw.replace("\r\n", "\n").replace("\r", "\n"), [])
    # offsets must refer to ``raw``: recompute for the CRLF-normalised text
    t.offsets = _crlf_offsets(raw)
    # drop furniture lines (the whole line, its newline kept as paragraph separator)
    t.rewrite(re.compile(r"^[^\n]*$", re.MULTILINE),
              lambda m: [] if _is_furniture(m.group(0)) else [(m.start(), m.end())])
    t.rewrite(re.compile(r"^#{1,6}[ \t]+", re.MULTILINE), lambda m: [])  # Markdown heading marks
    t.rewrite(_MD_LINK, lambda m: [m.span(1)])
    t.rewrite(_MD_EMPH, lambda m: [m.span(2)])
    t.rewrite(re.compile(r"<(https?://[^>\s]+)>"), lambda m: [m.span(1)])
    t.rewrite(_HYPHEN_BREAK, lambda m: ["-"])
    t.rewrite(_SPACES, lambda m: [" "])
    t.rewrite(re.compile(r" *\n *"), lambda m: ["\n"])
    # paragraphs: blank-line separated blocks; single newlines inside a block are spaces
    t.rewrite(re.compile(r"(?<!\n)\n(?!\n)"), lambda m: [" "])
    t.rewrite(re.compile(r"\n{2,}"), lambda m: ["\n\n"])
    # a paragraph that stops mid-sentence and one that goes on in lower case (or with a
    # number, as in "a\n\n69-year-old") are one sentence broken by a hard line break
    t.rewrite(re.compile(r"(?<=[^\s])\n\n(?=[a-z0-9“\"(])"),
              lambda m: [" "] if _broken_sentence(t.text, m.start()) else ["\n\n"])
    # a closing lead-in whose target was furniture ("For more, visit:")
    t.rewrite(re.compile(r"\n\n[^\n]{0,120}:\s*$"), lambda m: [])
    t.rewrite(re.compile(r"^\s+|\s+$"), lambda m: [])
    return CleanText(text=t.text, offsets=t.offsets)


def _broken_sentence(text: str, end: int) -> bool:
    """Does the paragraph ending at ``end`` stop mid-sentence? Short lines (bylines,
    datelines) are paragraphs of their own even without a full stop."""
    start = text.rfind("\n", 0, end) + 1
    para = text[start:end]
    return not _SENT_END.search(para) and (len(para) >= 60 or para.endswith(","))


def _crlf_offsets(raw: str) -> list[int]:
    if "\r" not in raw:
        return list(range(len(raw)))
    offs: list[int] = []
    i = 0
    while i < len(raw):
        if raw[i] == "\r":
            offs.append(i)
            i += 2 if raw[i + 1:i + 2] == "\n" else 1
        else:
            offs.append(i)
            i += 1
    return offs
