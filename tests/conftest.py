from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared() -> Path:
    if not (SHARED / "seeds" / "corpus.jsonl").exists():
        pytest.skip("../shared/seeds is not beside the checkout")
    return SHARED


@pytest.fixture
def demo_reports() -> Path:
    return ROOT / "demo" / "reports"
