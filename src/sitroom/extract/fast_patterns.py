"""Regular expressions compiled to scan faster with the same matches (``compile_fast``).

Python's ``re`` tries a pattern at every position of a text; patterns that open with
optional words or long alternations (the date rules) pay a repeat's set-up or one test per
alternative at every character. Rewriting those groups behind a one-character lookahead
keeps every match and skips most positions. No library does this for ``re``'s own
patterns, hence our own, on ``re``'s parser.
"""
from __future__ import annotations

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
    ``pattern`` string and groups; a pattern this cannot rewrite is compiled as it is."""
    try:
        from re import _compiler
        import _sre

        p = _p.parse(pattern, flags)
        if (flags | p.state.flags) & re.IGNORECASE or not _guard(p):
            return re.compile(pattern, flags)
        code = _compiler._code(p, flags)
        groupindex = p.state.groupdict
        indexgroup = [None] * p.state.groups
        for k, i in groupindex.items():
            indexgroup[i] = k
        return _sre.compile(pattern, flags | p.state.flags, code, p.state.groups - 1, groupindex, tuple(indexgroup))
    except Exception:  # noqa: BLE001 - another Python's internals: the plain pattern
        return re.compile(pattern, flags)


_BRANCH_GUARD = 6   # alternatives from which one test of the next character is cheaper than trying each


def _first(items, i: int = 0) -> set[int] | None:
    """The characters (code points) the sequence ``items[i:]`` can start with, where every
    match of it consumes at least one character; None where unknown or possibly empty."""
    out: set[int] = set()
    for op, av in items[i:]:
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue            # zero width: the first character comes after it
        if op is _c.LITERAL:
            out.add(av)
            return out
        if op is _c.IN:
            got = _charset(av)
            if got is None:
                return None
            return out | got
        sub_first, sub_empty = _node_first(op, av)
        if sub_first is None:
            return None
        out |= sub_first
        if not sub_empty:
            return out
    return None                 # the sequence can match empty


def _node_first(op, av) -> tuple[set[int] | None, bool]:
    """(first characters, can it match empty) of one node."""
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags & re.IGNORECASE or del_flags:
            return None, True
        return _seq_first(sub)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        lo, _hi, sub = av
        f, empty = _seq_first(sub)
        return f, empty or lo == 0
    if op is _c.BRANCH:
        out: set[int] = set()
        empty = False
        for alt in av[1]:
            f, e = _seq_first(alt)
            if f is None and not e:
                return None, True
            if f is None:       # an empty alternative: nothing to start with
                empty = True
                continue
            out |= f
            empty = empty or e
        return out, empty
    return None, True


def _seq_first(sub) -> tuple[set[int] | None, bool]:
    items = list(sub)
    if not items:
        return None, True
    f = _first(items)
    if f is not None:
        return f, False
    # possibly empty: the union of what each item can start with, until a non-empty one
    out: set[int] = set()
    for op, av in items:
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue
        if op is _c.LITERAL:
            out.add(av)
            return out, False
        if op is _c.IN:
            got = _charset(av)
            if got is None:
                return None, True
            out |= got
            return out, False
        nf, ne = _node_first(op, av)
        if nf is None:
            return None, True
        out |= nf
        if not ne:
            return out, False
    return (out or None), True


def _charset(items) -> set[int] | None:
    out: set[int] = set()
    for op, av in items:
        if op is _c.LITERAL:
            out.add(av)
        elif op is _c.RANGE and av[1] - av[0] < 256:
            out.update(range(av[0], av[1] + 1))
        else:
            return None         # a negated class, a category (\d, \w): not followed here
    return out


def _guard(p) -> bool:
    """Rewrite the optional groups of a parsed pattern in place (see ``compile_fast``);
    True where anything was rewritten."""
    changed = False
    data = p.data
    for k in range(len(data) - 1, -1, -1):   # from the end: a guard inserted keeps the indices before it
        op, av = data[k]
        if op is _c.SUBPATTERN:
            if not (av[1] | av[2]) & re.IGNORECASE:   # case-folded parts are left as they are
                changed |= _guard(av[3])
        elif op is _c.BRANCH:
            for alt in av[1]:
                changed |= _guard(alt)
            if len(av[1]) >= _BRANCH_GUARD:
                f, empty = _node_first(op, av)
                if f is not None and not empty and len(f) < 200:
                    data.insert(k, (_c.ASSERT, (1, _p.SubPattern(p.state, [(_c.IN, sorted((_c.LITERAL, c) for c in f))]))))
                    changed = True
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            changed |= _guard(av[2])
            lo, hi, sub = av
            if op is _c.MAX_REPEAT and lo == 0 and hi == 1 and not _is_simple(sub):
                f, empty = _seq_first(sub)
                if f is not None and not empty and len(f) < 200:
                    guard = _p.SubPattern(p.state, [(_c.IN, sorted((_c.LITERAL, c) for c in f))])
                    body = _p.SubPattern(p.state, [(_c.ASSERT, (1, guard)), *sub.data])
                    data[k] = (_c.BRANCH, (None, [body, _p.SubPattern(p.state, [])]))
                    changed = True
    return changed


def _is_simple(sub) -> bool:
    """One unit that ``re`` repeats without setting up a repeat (a character, a class)."""
    from re import _compiler

    return _compiler._simple(sub)
