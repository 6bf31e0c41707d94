"""How outlets differ: what each reports or omits, whom it names, the words it uses.

For each outlet: the incidents it reports and those others report but it does not, its
figures next to the others' for the same category, the actors it names as responsible
(perpetrators of its incident mentions), and its loaded terms: words of the lexicon of
contested framings (``data/lexicons/loaded_terms.tsv``: atrocity, delegitimising, legitimising, euphemism,
dehumanising, hedge; per language, read in the source's own language) and phrases it
puts in scare quotes.
"""
from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sitroom.extract import lexicon
from sitroom.fuse.picture import Picture
from sitroom.models import Figure

_SCARE = re.compile(r"[“\"]([^”\"\n]{2,40})[”\"]")


@functools.lru_cache(maxsize=32)
def _loaded(lang: str) -> re.Pattern:
    """Loaded terms of one language as whole words (Unicode word boundaries)."""
    words = lexicon.alternation("loaded_terms", lang.split("-")[0]) or r"(?!x)x"
    return re.compile(r"(?<!\w)(" + words + r")(?!\w)", re.I)


@dataclass(kw_only=True)
class OutletView:
    outlet: str
    articles: list[str]
    incidents: list[str] = field(default_factory=list)
    omits: list[str] = field(default_factory=list)
    figures: dict[str, list[int]] = field(default_factory=dict)
    responsible: Counter = field(default_factory=Counter)
    loaded_terms: Counter = field(default_factory=Counter)
    scare_quotes: Counter = field(default_factory=Counter)


def compare(pic: Picture, figures: list[Figure]) -> list[OutletView]:
    outlet_of = {sid: (s.meta.outlet or s.article_id) for sid, s in pic.sources.items()}
    views: dict[str, OutletView] = {}
    for sid, s in pic.sources.items():
        v = views.setdefault(outlet_of[sid], OutletView(outlet=outlet_of[sid], articles=[]))
        v.articles.append(s.article_id)
        for m in _loaded(s.meta.language or "en").finditer(s.text):
            v.loaded_terms[m.group(1).lower()] += 1
        for m in _SCARE.finditer(s.text):
            words = m.group(1).strip(" ,.")
            if 1 <= len(words.split()) <= 4:
                v.scare_quotes[words] += 1
    reported: dict[str, set[str]] = defaultdict(set)
    for inc in pic.incidents:
        for ref in inc.mentions:
            o = outlet_of[ref.source_id]
            reported[o].add(inc.id)
            if ref.mention.actors:
                views[o].responsible[ref.mention.actors.split(";")[0].strip()] += 1
    labels = {inc.id: f"{inc.id} {inc.label} ({inc.date_start})" for inc in pic.incidents}
    multi = {inc.id for inc in pic.incidents if len({outlet_of[r.source_id] for r in inc.mentions}) > 1}
    for o, v in views.items():
        v.incidents = [labels[i] for i in sorted(reported[o])]
        # what several other outlets report and this one does not
        v.omits = [labels[i] for i in sorted(multi - reported[o])]
    for f in figures:
        v = views[outlet_of[f.source_id]]
        v.figures.setdefault(f.category, []).append(f.value)
    return sorted(views.values(), key=lambda v: v.outlet)
