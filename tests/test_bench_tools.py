"""The benchmark scripts run on inputs users give them."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_throughput_reads_json_lines_holding_unicode_line_separators(tmp_path):
    # U+0085 and U+2028 may stand unescaped inside a JSON string: a line is split at "\n" only
    recs = [{"id": "n1", "published": "2024-04-02", "text": "Flooding hit Beira on Monday.\u0085Roads were cut."},
            {"id": "n2", "published": "2024-04-03", "text": "Aid reached Dondo\u2028on Tuesday, officials said."}]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    r = subprocess.run([sys.executable, str(ROOT / "bench" / "throughput.py"), "--corpus", str(corpus),
                        "--copies", "1"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "2 documents" in r.stdout and "0 errors" in r.stdout
