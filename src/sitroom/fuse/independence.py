"""Which sources are independent: republications and wire copy grouped by origin.

Three signals, joined with union-find:
- the page says so: a republished page names its original outlet (``syndicated_from``,
  found by ingest/metadata), and pages naming the same origin (or the origin itself,
  when we hold it) are one story;
- near-duplicate text: MinHash over word 5-shingles with LSH (datasketch), so the
  cost stays near-linear in the number of sources;
- wire copy: pages crediting the same wire agency ("(Reuters) -", "told Reuters",
  "AFP reported") that share a good part of their text (a lower threshold) are one
  wire story, rewritten.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH

from sitroom.extract import lexicon

NEAR_DUPLICATE = 0.6     # estimated Jaccard of 5-shingles: a republication, lightly edited
SAME_WIRE_STORY = 0.25   # two pages crediting one agency and sharing this much: one story
NUM_PERM = 128
# agency names and their aliases: data/lexicons/wire_agencies.tsv
WIRES = {r.term.lower(): r.agency for r in lexicon.rows("wire_agencies", None)}
_NAMES = lexicon.alternation("wire_agencies", None)
_WIRE_CREDIT = re.compile(
    r"\((" + _NAMES + r")\)\s*[-–—]|"                                           # "GOMA (Reuters) -"
    r"\btold (?:the )?(" + _NAMES + r")\b|"                                      # "told Reuters"
    r"\b(?:[Tt]he )?(" + _NAMES + r") (?:reported|said|news agency|reports|says)\b")


@dataclass(kw_only=True)
class SourceText:
    source_id: int
    text: str
    outlet: str | None
    syndicated_from: str | None


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def wire_credits(text: str) -> set[str]:
    out = set()
    for m in _WIRE_CREDIT.finditer(text):
        name = next(g for g in m.groups() if g)
        key = name.lower().removeprefix("the ")
        out.add(WIRES.get(key, name))
    return out


def _minhash(text: str) -> MinHash:
    words = re.findall(r"\w+", text.lower())
    shingles = {" ".join(words[i:i + 5]).encode() for i in range(max(1, len(words) - 4))}
    mh = MinHash(num_perm=NUM_PERM)
    mh.update_batch(list(shingles))
    return mh


def origin_groups(sources: list[SourceText]) -> dict[int, str]:
    """source id -> group key; sources with one key are one story as far as corroboration goes."""
    parent = {s.source_id: s.source_id for s in sources}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    outlet = {s.source_id: _norm(s.outlet) if s.outlet else None for s in sources}
    claims = {s.source_id: _norm(s.syndicated_from) if s.syndicated_from else None for s in sources}
    hashes = {s.source_id: _minhash(s.text) for s in sources}
    credits = {s.source_id: wire_credits(s.text) for s in sources}
    lsh = MinHashLSH(threshold=SAME_WIRE_STORY, num_perm=NUM_PERM)
    for sid, mh in hashes.items():
        lsh.insert(str(sid), mh)
    for sid, mh in hashes.items():
        for other in lsh.query(mh):
            o = int(other)
            if o == sid or find(o) == find(sid):
                continue
            sim = mh.jaccard(hashes[o])
            one_origin = (claims[sid] and claims[sid] in (claims[o], outlet[o])) or \
                (claims[o] and claims[o] == outlet[sid])
            if sim >= NEAR_DUPLICATE or (sim >= SAME_WIRE_STORY and (credits[sid] & credits[o] or one_origin)):
                union(sid, o)
    return {s.source_id: f"g{find(s.source_id)}" for s in sources}
