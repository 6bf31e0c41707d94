"""Grade incidents by independent corroboration, in the spirit of Airwars' assessments.

- denied: every report of it is a denial;
- contested: someone denies it, or independent sources give different tolls for the same
  day (``Incident.toll_contested``; a toll that rises over days is a series, not a dispute);
- corroborated: asserted by two or more independent sources (republications and one
  wire story count once, see independence.py);
- single source: asserted by one source only;
and "unconfirmed" is noted when every assertion is hedged ("unconfirmed reports").
"""
from __future__ import annotations

from dataclasses import dataclass

from sitroom.fuse.incidents import Incident

GRADES = ("corroborated", "single source", "contested", "denied")


@dataclass(kw_only=True)
class Grade:
    grade: str
    reason: str
    independent_sources: int
    hedged: bool = False


def grade(inc: Incident) -> Grade:
    asserting = {m.origin_group for m in inc.mentions if m.mention.stance in ("asserted", "claimed", "unconfirmed")}
    denying = sorted({m.outlet or m.article for m in inc.mentions if m.mention.stance == "denied"})
    hedged = all(m.mention.stance == "unconfirmed" for m in inc.mentions if m.mention.stance != "denied")
    n = len(asserting)
    if not asserting:
        return Grade(grade="denied", reason=f"only denials ({', '.join(denying)})", independent_sources=0)
    if denying:
        return Grade(grade="contested", independent_sources=n, hedged=hedged,
                     reason=f"reported by {n} independent source(s), denied in {', '.join(denying)}")
    if inc.toll_contested and n > 1:
        return Grade(grade="contested", independent_sources=n, hedged=hedged,
                     reason=f"independent sources give different tolls for one day: {inc.killed_low} to "
                            f"{inc.killed_high} killed")
    if n >= 2:
        return Grade(grade="corroborated", independent_sources=n, hedged=hedged,
                     reason=f"reported by {n} independent sources")
    return Grade(grade="single source", independent_sources=1, hedged=hedged,
                 reason="reported by one source (or by republications of one story)")
