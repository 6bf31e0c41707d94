"""Independence grouping of generated reports at 1k, 10k and 30k: signatures, candidate
pairs and groups, with the process's peak memory.

    python bench/grouping_scale.py [--sizes 1000 10000 30000]

The reports are ``speed.generated``'s: short templated texts, three per happening, so band
keys are shared by thousands of sources at once (as boilerplate or a wire story republished
all day would be). Before candidate pairs were capped per band key (``BUCKET_CAP``), 30k of
them made 73 million pairs, 14 GB and 466 s; grouping should now stay near-linear.
Results: ``bench/results/grouping_scale.json``.
"""
from __future__ import annotations

import argparse
import json
import resource
import time

import numpy as np

from common import ROOT
from speed import generated

from sitroom.fuse import independence as ind


def measure(n: int) -> dict:
    docs = generated(n)
    t0 = time.perf_counter()
    sigs = ind.signatures([ind.SourceText(source_id=i + 1, text=d["text"], outlet=d.get("outlet") or "wire",
                                          syndicated_from=None) for i, d in enumerate(docs)])
    t1 = time.perf_counter()
    live = [s for s in sigs if not s.empty]
    pairs = ind.candidate_pairs(np.array([s.source_id for s in live]), ind.band_keys(np.stack([s.values for s in live])))
    t2 = time.perf_counter()
    groups = ind.group_signatures(sigs)
    t3 = time.perf_counter()
    return {"reports": n, "sign_s": round(t1 - t0, 2), "candidate_pairs": int(len(pairs)),
            "pairs_s": round(t2 - t1, 2), "group_s": round(t3 - t2, 2), "groups": len(set(groups.values())),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 30000])
    args = ap.parse_args()
    rows = [measure(n) for n in args.sizes]
    print(f"{'reports':>8s}{'pairs':>10s}{'sign s':>8s}{'pairs s':>9s}{'group s':>9s}{'groups':>8s}{'peak MB':>9s}")
    for r in rows:
        print(f"{r['reports']:>8d}{r['candidate_pairs']:>10d}{r['sign_s']:>8.1f}{r['pairs_s']:>9.1f}"
              f"{r['group_s']:>9.1f}{r['groups']:>8d}{r['peak_rss_mb']:>9d}")
    (ROOT / "bench" / "results" / "grouping_scale.json").write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
