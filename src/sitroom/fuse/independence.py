"""Which sources are independent: republications and wire copy grouped by origin.

Three signals, joined with union-find:
- the page says so: a republished page names its original outlet (``syndicated_from``,
  found by ingest/metadata), and pages naming the same origin (or the origin itself,
  when we hold it) are one story;
- near-duplicate text: MinHash over word 5-shingles with LSH banding, so the cost stays
  near-linear in the number of sources;
- wire copy: pages crediting the same wire agency ("(Reuters) -", "told Reuters",
  "AFP reported") that share a good part of their text (a lower threshold) are one
  wire story, rewritten.

A source's ``Signature`` (its MinHash values, LSH band keys, wire credits, outlet and
claimed origin) is all that grouping reads, so the store keeps it (``source_signatures``,
``source_bands``) and groups new sources incrementally (``fuse.stored.update_groups``):
a new source is compared only with the sources that share a band key with it. Groups
are the connected components of "one story" between sources that share a band key,
named after their smallest source id, so incremental grouping and grouping all at once
give the same groups under the same names. The MinHash is computed here (SHA-1 of each
shingle, mixed with one fixed seed per permutation) rather than by a library, so that
stored signatures stay valid whatever library version computes the next ones; ``SCHEME``
names the method, and a signature of another scheme is computed again.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from sitroom.extract import lexicon

NEAR_DUPLICATE = 0.6     # estimated Jaccard of 5-shingles: a republication, lightly edited
SAME_WIRE_STORY = 0.25   # two pages crediting one agency and sharing this much: one story
NUM_PERM = 128
# LSH banding: 42 bands of 3 values (the optimum for SAME_WIRE_STORY at 128 permutations:
# a pair at 0.25 is a candidate half the time, at 0.4 94%, at 0.6 always)
BANDS, ROWS = 42, 3
SCHEME = f"mh{NUM_PERM}-w5-b{BANDS}r{ROWS}-v1"   # stored with each signature
_SEEDS = np.random.default_rng(0x51D0).integers(0, 2 ** 32, NUM_PERM, dtype=np.uint64).astype(np.uint32)
_BAND_MIX = np.random.default_rng(0xB4D5).integers(1, 2 ** 63, (3, BANDS), dtype=np.uint64) | np.uint64(1)
EMPTY = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
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


@dataclass(kw_only=True)
class Signature:
    """What grouping compares of a source (stored per source: see module docstring)."""
    source_id: int
    values: np.ndarray            # NUM_PERM uint32 minima; EMPTY for a text without words
    credits: frozenset[str]       # wire agencies the text credits
    outlet: str | None            # normalised outlet name
    claim: str | None             # normalised outlet it says it republishes

    @property
    def empty(self) -> bool:
        return bool((self.values == EMPTY).all())

    def band_keys(self) -> list[int]:
        return [] if self.empty else band_keys(self.values[None, :])[0].tolist()

    @classmethod
    def from_row(cls, r) -> Signature:
        return cls(source_id=r["source_id"], values=np.frombuffer(r["minhash"], dtype="<u4").astype(np.uint32),
                   credits=frozenset(c for c in (r["credits"] or "").split("\n") if c),
                   outlet=r["outlet_key"] or None, claim=r["claim_key"] or None)


def stored_rows(sigs: list[Signature]) -> tuple[list[dict], list[tuple[int, int]]]:
    """``source_signatures`` rows (less ``signed_at``) and (band key, source id) pairs."""
    if not sigs:
        return [], []
    keys = band_keys(np.stack([s.values for s in sigs]))
    rows, bands = [], []
    for s, ks in zip(sigs, keys):
        ks = [] if s.empty else ks
        rows.append({"source_id": s.source_id, "scheme": SCHEME, "minhash": s.values.astype("<u4").tobytes(),
                     "bands": np.asarray(ks, dtype="<i8").tobytes(), "credits": "\n".join(sorted(s.credits)),
                     "outlet_key": s.outlet, "claim_key": s.claim})
        bands += [(k, s.source_id) for k in np.asarray(ks).tolist()]
    return rows, bands


def stored_band_keys(row) -> list[int]:
    """The band keys a ``source_signatures`` row was stored with (whatever its scheme)."""
    return np.frombuffer(row["bands"], dtype="<i8").tolist()


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def wire_credits(text: str) -> set[str]:
    out = set()
    for m in _WIRE_CREDIT.finditer(text):
        name = next(g for g in m.groups() if g)
        key = name.lower().removeprefix("the ")
        out.add(WIRES.get(key, name))
    return out


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's finaliser: a bijection of 32-bit values that mixes every bit."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _shingle_hashes(text: str) -> list[int]:
    words = re.findall(r"\w+", text.lower())
    if not words:
        return []
    shingles = {" ".join(words[i:i + 5]).encode() for i in range(max(1, len(words) - 4))}
    return [int.from_bytes(hashlib.sha1(s).digest()[:4], "little") for s in shingles]


def minhashes(texts: list[str]) -> np.ndarray:
    """(len(texts), NUM_PERM): each text's minima over its word 5-shingles (all of it when
    shorter), each permutation its own hash function; EMPTY for a text with no word."""
    out = np.tile(EMPTY, (len(texts), 1))
    hashes = [_shingle_hashes(t or "") for t in texts]
    rows = [i for i, h in enumerate(hashes) if h]
    for c in range(0, len(rows), 256):  # a few texts at a time: (shingles, NUM_PERM) values in memory
        chunk = rows[c:c + 256]
        hv = np.fromiter((h for i in chunk for h in hashes[i]), dtype=np.uint32)
        starts = np.cumsum([0] + [len(hashes[i]) for i in chunk[:-1]])
        with np.errstate(over="ignore"):
            out[chunk] = np.minimum.reduceat(_fmix32(hv[:, None] ^ _SEEDS[None, :]), starts, axis=0)
    return out


def minhash(text: str) -> np.ndarray:
    return minhashes([text])[0]


def band_keys(values: np.ndarray) -> np.ndarray:
    """(n, NUM_PERM) MinHash values -> (n, BANDS) band keys: each band's values and
    its number hashed to 63 bits (a signed 64-bit column holds them)."""
    v = values[:, :BANDS * ROWS].reshape(len(values), BANDS, ROWS).astype(np.uint64)
    with np.errstate(over="ignore"):
        k = np.arange(BANDS, dtype=np.uint64)[None, :] * np.uint64(0x9E3779B97F4A7C15)
        for j in range(ROWS):
            k = (k ^ (v[:, :, j] * _BAND_MIX[j][None, :])) * np.uint64(0xBF58476D1CE4E5B9)
            k = k ^ (k >> np.uint64(31))
    return (k >> np.uint64(1)).astype(np.int64)


def signatures(sources: list[SourceText]) -> list[Signature]:
    values = minhashes([s.text for s in sources])
    return [Signature(source_id=s.source_id, values=v, credits=frozenset(wire_credits(s.text or "")),
                      outlet=(_norm(s.outlet) or None) if s.outlet else None,
                      claim=(_norm(s.syndicated_from) or None) if s.syndicated_from else None)
            for s, v in zip(sources, values)]


def signature(s: SourceText) -> Signature:
    return signatures([s])[0]


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two texts' shingles."""
    return float(np.count_nonzero(a.values == b.values)) / NUM_PERM


def one_story(a: Signature, b: Signature) -> bool:
    """Are these two sources (candidates of each other by a band key) one story? The
    relation is symmetric."""
    if a.empty or b.empty:
        return False
    return _decide(int(np.count_nonzero(a.values == b.values)), a, b)


def _decide(equal: int, a: Signature, b: Signature) -> bool:
    sim = equal / NUM_PERM
    if sim >= NEAR_DUPLICATE:
        return True
    if sim < SAME_WIRE_STORY:
        return False
    one_origin = bool((a.claim and a.claim in (b.claim, b.outlet)) or (b.claim and b.claim == a.outlet))
    return bool(a.credits & b.credits) or one_origin


class Groups:
    """Union-find over hashable nodes."""

    def __init__(self):
        self.parent: dict = {}

    def find(self, x):
        p = self.parent.setdefault(x, x)
        while p != x:
            self.parent[x] = self.parent.setdefault(p, p)
            x, p = p, self.parent[p]
        return x

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb

    def components(self, nodes: Iterable) -> dict:
        out = defaultdict(list)
        for n in nodes:
            out[self.find(n)].append(n)
        return out


BUCKET_CAP = 64


def candidate_pairs(ids: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """(m, 2) pairs of ids (smaller first, each pair once) that share a band key, from
    (n,) ids and their (n, BANDS) keys. A key shared by more than ``BUCKET_CAP`` sources
    (boilerplate, templated bulletins, one wire story republished thousands of times) gives
    each of them paired with the first and with the next rather than all n²/2 pairs, which
    at 30k near-identical sources would be hundreds of millions: memory stays linear, and
    such a bucket is one story in practice, so the groups are the same."""
    flat, owner = keys.ravel(), np.repeat(ids, keys.shape[1])
    order = np.argsort(flat, kind="stable")
    flat, owner = flat[order], owner[order]
    starts = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]])
    lens = np.diff(np.r_[starts, len(flat)])
    twos = starts[lens == 2]
    parts = [np.stack([owner[twos], owner[twos + 1]], axis=1)]
    for st, n in zip(starts[lens > 2].tolist(), lens[lens > 2].tolist()):
        run = owner[st:st + n]
        if n > BUCKET_CAP:
            parts.append(np.stack([np.full(n - 1, run[0]), run[1:]], axis=1))
            parts.append(np.stack([run[1:-1], run[2:]], axis=1))
            continue
        i, j = np.triu_indices(n, 1)
        parts.append(np.stack([run[i], run[j]], axis=1))
    pairs = np.concatenate(parts) if parts else np.empty((0, 2), dtype=ids.dtype)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs = np.sort(pairs, axis=1)
    return np.unique(pairs, axis=0) if len(pairs) else pairs


def group_signatures(sigs: list[Signature]) -> dict[int, str]:
    """source id -> group key, all at once: the connected components of ``one_story``
    between sources sharing a band key, each named after its smallest source id."""
    by_id = {s.source_id: s for s in sigs}
    g = Groups()
    live = [s for s in sigs if not s.empty]
    if len(live) > 1:
        ids = np.array([s.source_id for s in live], dtype=np.int64)
        values = np.stack([s.values for s in live])
        pairs = candidate_pairs(ids, band_keys(values))
        row = {sid: i for i, sid in enumerate(ids.tolist())}
        equal = np.zeros(len(pairs), dtype=np.int64)
        for c in range(0, len(pairs), 100_000):  # equal values of each candidate pair
            ia = np.array([row[x] for x in pairs[c:c + 100_000, 0].tolist()], dtype=np.int64)
            ib = np.array([row[x] for x in pairs[c:c + 100_000, 1].tolist()], dtype=np.int64)
            equal[c:c + len(ia)] = np.count_nonzero(values[ia] == values[ib], axis=1)
        for (a, b), e in zip(pairs.tolist(), equal.tolist()):
            if e >= SAME_WIRE_STORY * NUM_PERM and _decide(e, by_id[a], by_id[b]):
                g.union(a, b)
    return {sid: f"g{min(members)}" for members in g.components(by_id).values() for sid in members}


def origin_groups(sources: list[SourceText]) -> dict[int, str]:
    """source id -> group key; sources with one key are one story as far as corroboration goes."""
    return group_signatures(signatures(sources))
