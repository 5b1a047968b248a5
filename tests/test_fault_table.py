"""The README's fault table names real tests: every `tests/<file>.py::<test>` it cites exists."""
from __future__ import annotations

import ast
import re
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def test_every_test_the_fault_table_names_exists():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What happens when something goes wrong", 1)[1].split("\n## ", 1)[0]
    cited = re.findall(r"`(tests/test_\w+\.py)::(test_\w+)`", section)
    assert len(cited) == 25
    for path, name in cited:
        tree = ast.parse((PROJECT_ROOT / path).read_text(encoding="utf-8"))
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert name in names, f"README fault table cites {path}::{name}, which does not exist"
