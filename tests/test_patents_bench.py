"""A smoke run of benchmarks/patents_scale.py at a tiny size (the timed benchmark itself is not a test): the
generated files read back through the recount, and the recount and the plain query agree."""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def test_patents_scale_smoke(tmp_path, capsys, monkeypatch):
    import patents_scale

    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    patents_scale.main(["--patents", "4000", "--cpc", "8800", "--repeats", "1", "--dir", str(tmp_path / "b")])
    out = capsys.readouterr().out
    found = dict(re.findall(r"^full (plain|recount)\s+GenAI patents found (\d+)$", out, flags=re.M))
    assert found["plain"] == found["recount"] and int(found["recount"]) > 0
    for figure in ("throughput ratio recount/plain", "peak RSS", "scaling recount cost per row full/half"):
        assert figure in out
    assert not (tmp_path / "b").exists()          # generated files are removed
