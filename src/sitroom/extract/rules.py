"""Rule tables: patterns that name the handler resolving what they match.

A rule is a compiled pattern, the name of the handler that reads its match and one
example it must match. A table knows the object that holds its handlers, so that
``check()`` can prove, without running a document, that every handler a rule names
exists and every example is matched by its own pattern (tests/test_rules.py runs it over
every table, and then each example through the extraction).

Tables register themselves when their module is imported; ``all_tables()`` imports the
extractors and returns every table.
"""
from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .fast_patterns import compile_fast

_TABLES: dict[str, "RuleTable"] = {}
EXTRACTOR_MODULES = ("dates", "figures", "quotes", "events", "places", "entities")


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern
    handler: str           # a method or function name on the table's handler owner
    example: str           # text the pattern must find a match in
    name: str = ""         # optional label for messages

    @property
    def label(self) -> str:
        return self.name or self.handler


@dataclass
class RuleTable:
    name: str              # "dates.en"
    owner: object          # class or module holding the handlers
    rules: list[Rule] = field(default_factory=list)
    language: str = "en"

    def __post_init__(self) -> None:
        _TABLES[self.name] = self

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def check(self) -> list[str]:
        """Problems, in words: a missing handler, an example its pattern does not match."""
        problems = []
        for i, r in enumerate(self.rules):
            where = f"{self.name}[{i}] ({r.label})"
            if not callable(getattr(self.owner, r.handler, None)):
                problems.append(f"{where}: handler {r.handler!r} does not exist on {getattr(self.owner, '__name__', self.owner)}")
            if not isinstance(r.pattern, re.Pattern):
                problems.append(f"{where}: pattern is not compiled")
            elif not r.example or r.pattern.search(r.example) is None:
                problems.append(f"{where}: its example {r.example!r} is not matched by its pattern")
        return problems


def rule(pattern: str | re.Pattern, handler: str, example: str, name: str = "", flags: int = 0) -> Rule:
    """A rule; a string pattern is compiled here (``compile_fast``: the same matches), so a
    bad one fails at import, by name."""
    if isinstance(pattern, str):
        try:
            pattern = compile_fast(pattern, flags)
        except re.error as exc:
            raise re.error(f"rule {name or handler!r}: {exc}") from exc
    return Rule(pattern, handler, example, name)


def all_tables() -> dict[str, RuleTable]:
    for mod in EXTRACTOR_MODULES:
        importlib.import_module(f"sitroom.extract.{mod}")
    return dict(_TABLES)
