"""The reconciled picture of a store: its sources' independence and its incidents."""
from __future__ import annotations

from dataclasses import dataclass, field

from sitroom.fuse import review
from sitroom.fuse.incidents import Incident, MentionRef, merge
from sitroom.fuse.independence import SourceText, origin_groups
from sitroom.models import EventMention, Source
from sitroom.store.db import Store


@dataclass
class Picture:
    sources: dict[int, Source]
    groups: dict[int, str]            # source id -> independence group
    incidents: list[Incident]

    by_sentence: dict[tuple[int, str], str] = field(default_factory=dict)

    def incident_of(self, source_id: int, sentence: str) -> str | None:
        """The incident a sentence of a source reports (for linking its figures)."""
        return self.by_sentence.get((source_id, sentence))


def build(store: Store, *, asserted_only: bool = False, reviewed_only: bool = False,
          include_rejected: bool = False) -> Picture:
    """The picture with analysts' reviews applied. ``reviewed_only``: only incidents an
    analyst accepted or edited; rejected ones are left out unless ``include_rejected``."""
    sources = {s.id: s for s in store.iter_sources()}
    groups = origin_groups([SourceText(source_id=s.id, text=s.text, outlet=s.meta.outlet,
                                       syndicated_from=s.meta.syndicated_from) for s in sources.values()])
    refs = []
    for m in store.all_facts("events"):
        assert isinstance(m, EventMention)
        s = sources[m.source_id]
        refs.append(MentionRef(mention=m, source_id=s.id, article=s.article_id, origin_group=groups[s.id],
                               published=s.meta.first_published or s.meta.published, outlet=s.meta.outlet))
    incidents = review.apply(merge(refs, asserted_only=asserted_only), store.reviews())
    if not include_rejected:
        incidents = [i for i in incidents if not i.rejected]
    if reviewed_only:
        incidents = [i for i in incidents if i.reviewed]
    by_sentence: dict[tuple[int, str], str] = {}
    for inc in incidents:
        for r in inc.mentions:
            by_sentence.setdefault((r.source_id, r.mention.sentence), inc.id)
            for t in inc.toll_trail:  # the sentence that gave a toll belongs to the incident too
                if t.article == r.article:
                    by_sentence.setdefault((r.source_id, t.sentence), inc.id)
    return Picture(sources=sources, groups=groups, incidents=incidents, by_sentence=by_sentence)
