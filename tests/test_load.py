"""Review writes under load on loopback: every acknowledged write is in the audit log, and
reads keep answering (the long run is bench/load.py; its figures are in the README)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import load  # noqa: E402


@pytest.mark.slow
def test_no_acknowledged_write_is_lost_under_load(tmp_path):
    db = str(tmp_path / "load.db")
    key = load.make_store(db)
    with load.Server(db) as srv:
        res = load.run_load(srv.url, key, clients=4, seconds=5)
    assert res.writes_acknowledged > 0 and res.reads > 0
    assert res.lost == [] and res.read_errors == 0
