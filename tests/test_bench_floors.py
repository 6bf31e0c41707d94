"""The benchmarks' CI slices hold their floors (bench/slices/floors.json: the score when
the slice landed, minus 0.02, raised as scores rise), and no document of a slice loses
an extractor. The gold is in ../shared/benchmarks; the benchmarks read it at run time."""
import importlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
FLOORS = json.loads((BENCH / "slices" / "floors.json").read_text(encoding="utf-8")) \
    if (BENCH / "slices" / "floors.json").exists() else {}
MODULES = ["geoparse", "timex", "quotes", "articles", "failures"]


@pytest.fixture(scope="module", autouse=True)
def bench_on_path():
    if not (ROOT.parent / "shared" / "benchmarks").exists():
        pytest.skip("../shared/benchmarks is not beside the checkout")
    sys.path.insert(0, str(BENCH))
    yield
    sys.path.remove(str(BENCH))


def _results(module: str):
    if not (BENCH / f"{module}.py").exists():
        pytest.skip(f"bench/{module}.py is not there yet")
    return importlib.import_module(module).run(slices=True)


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES)
def test_slices_hold_their_floors(module):
    results = _results(module)
    assert results, f"bench/{module}.py ran no slice"
    for r in results:
        assert r.subset == "slice" and r.docs >= 20, f"{r.name}: a slice of {r.docs} documents"
        assert r.failures == 0, f"{r.name}: {r.failures} document(s) lost an extractor"
        floors = FLOORS.get(r.name, {})
        below = {k: (r.get(k), f) for k, f in floors.items() if r.get(k) is None or r.get(k) < f}
        assert not below, f"{r.name}: below the floor (score, floor): {below}"


def test_every_slice_has_twenty_documents_and_floors():
    slices = {p.stem for p in (BENCH / "slices").glob("*.txt")}
    assert slices, "no CI slices in bench/slices"
    for name in slices:
        assert len([l for l in (BENCH / "slices" / f"{name}.txt").read_text().splitlines()
                    if l.split("#")[0].strip()]) >= 20, f"slice {name} has fewer than 20 documents"
        # (the failures slice is held by its failure count, 0, not by a score floor)
        assert name in FLOORS, f"slice {name} has no floors: python bench/run_all.py --slice --set-floors"
