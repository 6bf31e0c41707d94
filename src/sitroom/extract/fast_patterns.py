"""Regular expressions compiled to scan faster with the same matches (``compile_fast``).

Python's ``re`` tries a pattern at every position of a text; patterns that open with
optional words or long alternations (the date rules) pay a repeat's set-up or one test per
alternative at every character. Rewriting those groups behind a one-character lookahead
keeps every match and skips most positions. No library does this for ``re``'s own
patterns, hence our own, on ``re``'s parser.
"""
from __future__ import annotations

import functools
import re

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]


def compile_fast(pattern: str, flags: int = 0) -> re.Pattern:
    """``re.compile(pattern, flags)`` with the same matches, faster to scan: an optional
    group ``(?:X)?`` (greedy, X never empty) whose first character is one of a known set
    is compiled as ``(?:(?=[first])X|)``, which tries X only where the next character can
    start it. Python's ``re`` compiles an optional group as a repeat that is set up at
    every position it is tried; a pattern opening with optional words ("in", "since",
    "early") paid that at every character of the text. Likewise a group of many
    alternatives (number words, month names) gets ``(?=[first])`` before it: one test of
    the next character instead of one per alternative. The pattern object keeps its
    ``pattern`` string and groups; a pattern this cannot rewrite is compiled as it is.

    The pattern is also given the set of characters any of its matches can begin with
    (``_info_with_first_characters``): ``re`` then skips every other position of the text in
    a loop of its own, as it does for a pattern that opens with a plain class."""
    try:
        from re import _compiler
        import _sre

        p = _p.parse(pattern, flags)
        all_flags = flags | p.state.flags
        guarded = not all_flags & re.IGNORECASE and _guard(p)
        code = _info_with_first_characters(p, all_flags)
        if not guarded and code is None:
            return re.compile(pattern, flags)
        if code is None:
            code = []
            _compiler._compile_info(code, p, all_flags)
        _compiler._compile(code, p.data, all_flags)
        code.append(_c.SUCCESS)
        groupindex = p.state.groupdict
        indexgroup = [None] * p.state.groups
        for k, i in groupindex.items():
            indexgroup[i] = k
        return _sre.compile(pattern, flags | p.state.flags, code, p.state.groups - 1, groupindex, tuple(indexgroup))
    except Exception:  # noqa: BLE001 - another Python's internals: the plain pattern
        return re.compile(pattern, flags)


_BRANCH_GUARD = 6   # alternatives from which one test of the next character is cheaper than trying each
_MAX_GUARD = 200    # items in a guard's class, above which the guard costs more than it saves

# A set of first characters is a set of class items: ("lit", code point, case-folded) or
# ("cat", category) (\\d, \\w, \\s). A case-folded literal comes from a (?i:...) group: its
# guard is tested case-insensitively too, by re itself, so that exactly the characters that
# group accepts ("K", "k" and the Kelvin sign) pass.
First = set


def _charset(items, icase: bool = False) -> First | None:
    out: First = set()
    for op, av in items:
        if op is _c.LITERAL:
            out.add(("lit", av, icase))
        elif op is _c.RANGE and av[1] - av[0] < 256:
            out.update(("lit", c, icase) for c in range(av[0], av[1] + 1))
        elif op is _c.CATEGORY:
            out.add(("cat", av))
        else:
            return None         # a negated class: not followed here
    return out


def _guard_node(state, first: First):
    """A lookahead that passes exactly the characters of ``first``: one class, and the
    case-folded literals in a (?i:...) class of their own."""
    plain = sorted((_c.LITERAL, x[1]) if x[0] == "lit" else (_c.CATEGORY, x[1]) for x in first
                   if not (x[0] == "lit" and x[2]))
    folded = sorted((_c.LITERAL, x[1]) for x in first if x[0] == "lit" and x[2])
    alts = []
    if plain:
        alts.append(_p.SubPattern(state, [(_c.IN, plain)]))
    if folded:
        alts.append(_p.SubPattern(state, [(_c.SUBPATTERN, (None, re.IGNORECASE, 0,
                                                           _p.SubPattern(state, [(_c.IN, folded)])))]))
    look = alts[0] if len(alts) == 1 else _p.SubPattern(state, [(_c.BRANCH, (None, alts))])
    return (_c.ASSERT, (1, look))


def _guard(p, icase: bool = False) -> bool:
    """Rewrite the optional groups of a parsed pattern in place (see ``compile_fast``);
    True where anything was rewritten. ``icase``: whether ``p`` is read case-insensitively
    (inside a (?i:...) group)."""
    changed = False
    data = p.data
    for k in range(len(data) - 1, -1, -1):   # from the end: a guard inserted keeps the indices before it
        op, av = data[k]
        if op is _c.SUBPATTERN:
            inner = (icase or bool(av[1] & re.IGNORECASE)) and not av[2] & re.IGNORECASE
            changed |= _guard(av[3], inner)
        elif op is _c.BRANCH:
            for alt in av[1]:
                changed |= _guard(alt, icase)
            if len(av[1]) >= _BRANCH_GUARD:
                f, empty = _lead([(op, av)], icase)
                if f is not None and not empty and len(f) < _MAX_GUARD:
                    data.insert(k, _guard_node(p.state, f))
                    changed = True
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            changed |= _guard(av[2], icase)
            lo, hi, sub = av
            if op is _c.MAX_REPEAT and lo == 0 and hi == 1 and not _is_simple(sub):
                f, empty = _lead(list(sub), icase)
                if f is not None and not empty and len(f) < _MAX_GUARD:
                    body = _p.SubPattern(p.state, [_guard_node(p.state, f), *sub.data])
                    data[k] = (_c.BRANCH, (None, [body, _p.SubPattern(p.state, [])]))
                    changed = True
    return changed


def _info_with_first_characters(p, flags: int) -> list[int] | None:
    """``re``'s INFO block for the parsed pattern ``p``, holding the characters every match
    begins with (its "charset", which ``re`` derives only for a pattern opening with a
    class or a branch of literals); None where ``re``'s own block is as good (a literal
    prefix) or no such set is known (a pattern that may match empty, or open with any
    character)."""
    from re import _compiler

    first, empty = _lead(list(p), bool(flags & re.IGNORECASE))
    if first is None or empty or _compiler._get_literal_prefix(p, flags)[0]:
        return None
    items = []
    for x in first:
        if x[0] == "cat":
            items.append((_c.CATEGORY, x[1]))
        elif x[2]:      # case-insensitive: every character re matches to it, listed
            items.extend((_c.LITERAL, y) for y in _case_variants(x[1]))
        else:
            items.append((_c.LITERAL, x[1]))
    lo, hi = p.getwidth()
    code = [_c.INFO, 0, _c.SRE_INFO_CHARSET, min(lo, _compiler.MAXCODE), min(hi, _compiler.MAXCODE)]
    charset, _cased = _compiler._optimize_charset(items)
    _compiler._compile_charset(charset, flags & ~re.IGNORECASE, code)
    code[1] = len(code) - 1
    return code


def _lead(items, icase: bool) -> tuple[First | None, bool]:
    """(the characters a match of the sequence ``items`` can begin with, whether it can
    match empty); None for the characters where any may begin it (an empty group is told
    from an unknown one). For the guards and for the INFO block alike."""
    out: First = set()
    for op, av in items:
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue            # zero width: the first character comes after it
        if op is _c.LITERAL:
            out.add(("lit", av, icase))
            return out, False
        if op is _c.IN:
            got = _charset(av, icase)
            return (None, False) if got is None else (out | got, False)
        if op is _c.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            inner = (icase or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
            f, empty = _lead(list(sub), inner)
        elif op is _c.BRANCH:
            f, empty = set(), False
            for alt in av[1]:
                af, ae = _lead(list(alt), icase)
                if af is None:
                    return None, False
                f |= af
                empty = empty or ae
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            lo, _hi, sub = av
            f, empty = _lead(list(sub), icase)
            empty = empty or lo == 0
        else:
            return None, False  # any character, a back reference, ...
        if f is None:
            return None, False
        out |= f
        if not empty:
            return out, False
    return out, True


def _case_variants(c: int) -> set[int]:
    """Every character ``re`` matches case-insensitively to the literal ``c``: those whose
    lower case is its lower case, or one ``re`` adds to it ("ſ" for "s", "K" for "k")."""
    import _sre
    from re import _casefix

    low = _sre.unicode_tolower(c)
    out: set[int] = set()
    for t in (low, *_casefix._EXTRA_CASES.get(low, ())):
        out.add(t)
        out.update(_lower_inverse().get(t, ()))
    return out


@functools.lru_cache(maxsize=1)
def _lower_inverse() -> dict[int, list[int]]:
    """Lower case -> the characters that lower-case to it (the last character with a lower
    case, U+1E921, lies below U+1F000); built once, in about 20 ms."""
    import _sre

    inverse: dict[int, list[int]] = {}
    for x in range(0x1F000):
        low = _sre.unicode_tolower(x)
        if low != x:
            inverse.setdefault(low, []).append(x)
    return inverse


def _is_simple(sub) -> bool:
    """One unit that ``re`` repeats without setting up a repeat (a character, a class)."""
    from re import _compiler

    return _compiler._simple(sub)


# ---------------------------------------------------------------- words every match holds

_MIN_WORD = 2    # a one-letter "word" is in nearly every text: no use as a gate


def needed_words(pattern: re.Pattern) -> frozenset[str] | None:
    """Words (folded with ``fold``) of which every match of ``pattern`` holds at least
    one: "ago" for a pattern ending in "ago", the month names for one that needs a month.
    A text whose folded form holds none of them has no match, and the pattern need not be
    run over it (``could_match``). None where no such set is known (a pattern that may
    match digits alone, say)."""
    try:
        p = _p.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - another Python's internals: no gate
        return None
    got = _seq_words(list(p))
    return frozenset(got) if got else None


def _seq_words(items) -> set[str] | None:
    """The best word set of a sequence: any one element's set will do (every match of the
    sequence holds a match of each element), and a run of literals is a word itself."""
    best: set[str] | None = None
    run: list[str] = []

    def consider(words: set[str] | None) -> None:
        nonlocal best
        if words and min(map(len, words)) >= _MIN_WORD and (
                best is None or (min(map(len, words)), -len(words)) > (min(map(len, best)), -len(best))):
            best = words

    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            consider({fold("".join(run))})
            run = []
        consider(_node_words(op, av))
    if run:
        consider({fold("".join(run))})
    return best


def _node_words(op, av) -> set[str] | None:
    if op is _c.SUBPATTERN:
        return _seq_words(list(av[3]))
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        lo, _hi, sub = av
        return _seq_words(list(sub)) if lo >= 1 else None
    if op is _c.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            words = _seq_words(list(alt))
            if not words:
                return None     # an alternative without a word: no gate for the branch
            out |= words
        return out
    return None


def _fold_table() -> dict[int, int]:
    """Characters that ``re`` matches case-insensitively to another beyond lower case
    ("ſ" to "s", "ı" to "i", "K" to "k"), mapped to one of their class."""
    try:
        from re import _casefix
    except ImportError:  # pragma: no cover - before Python 3.11
        return {}
    table: dict[int, int] = {}
    for c, others in _casefix._EXTRA_CASES.items():
        members = {ord(chr(x).lower()) if len(chr(x).lower()) == 1 else x for x in (c, *others)}
        first = min(members)
        for x in (c, *others):
            table[x] = first
            low = chr(x).lower()
            if len(low) == 1:
                table[ord(low)] = first
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """``text`` lower-cased, with the characters ``re`` also matches case-insensitively to
    another letter folded to one of their class, so that a word's case-insensitive match
    is found in the folded text (``needed_words``)."""
    return text.lower().translate(_FOLD)


def could_match(words: frozenset[str] | None, folded: str, text: str) -> bool:
    """Whether a pattern needing one of ``words`` could match ``text`` (``folded`` is
    ``fold(text)``). A text with a dotted capital I (which lower-cases to two characters
    where ``re`` reads one) is always run."""
    return words is None or "\u0130" in text or any(w in folded for w in words)
