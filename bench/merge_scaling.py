"""Merging time for 1k, 10k and 100k synthetic incident mentions (blocking keeps it near-linear).

    python bench/merge_scaling.py [--sizes 1000 10000 100000]

Mentions are drawn over a year and the six ACLED event types, with one in three repeating
an earlier happening (as wire copy and follow-ups do). More reports cover more ground: the
number of places grows with the number of mentions (one per 50), at a constant density of
about 6 places per square degree, so the work per mention should stay flat.
"""
from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta

from sitroom.fuse.incidents import MentionRef, merge
from sitroom.models import EventMention

TYPES = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
         ("Violence against civilians", "Attack"), ("Protests", "Peaceful protest"), ("Riots", "Mob violence"),
         ("Strategic developments", "Other")]


def synthetic(n: int, seed: int = 7) -> list[MentionRef]:
    rnd = random.Random(seed)
    n_places = max(200, n // 50)
    side = (n_places / 6) ** 0.5
    places = [(f"P{i}", 20 + rnd.random() * side, 10 + rnd.random() * side) for i in range(n_places)]
    day0 = date(2024, 1, 1)
    refs: list[MentionRef] = []
    for i in range(n):
        if refs and rnd.random() < 0.33:
            m = rnd.choice(refs[-500:]).mention
            etype, sub, place, lat, lon, d = m.event_type, m.sub_event_type, m.place, m.lat, m.lon, m.date_start
        else:
            etype, sub = rnd.choice(TYPES)
            place, lat, lon = rnd.choice(places)
            d = day0 + timedelta(days=rnd.randrange(366))
        m = EventMention(start=0, end=1, sentence="s", trigger="t", event_type=etype, sub_event_type=sub, label="x",
                         place=place, lat=lat, lon=lon, geo_precision="point", date_start=d, date_end=d,
                         date_precision="day", killed=rnd.choice([None, None, rnd.randrange(1, 50)]))
        refs.append(MentionRef(mention=m, source_id=i % 997, article=f"a{i % 997}", origin_group=f"g{i % 311}"))
    return refs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    args = ap.parse_args()
    print(f"{'mentions':>10s}{'incidents':>11s}{'seconds':>10s}{'µs/mention':>12s}")
    for n in args.sizes:
        refs = synthetic(n)
        t0 = time.perf_counter()
        incidents = merge(refs)
        dt = time.perf_counter() - t0
        print(f"{n:>10d}{len(incidents):>11d}{dt:>10.2f}{dt / n * 1e6:>12.1f}")


if __name__ == "__main__":
    main()
