"""A fresh release opens in DuckDB 1.1, the oldest client the README names, and answers the README's queries.

The release is built with the DuckDB of the lock (2.x); the reader is DuckDB 1.1.3 in its own environment
(``.venv-duckdb1.1``, installed by ``make test`` from ``tests/compat/duckdb-1.1.lock``), run as a subprocess.
Both clients run the same queries on the same files and must return the same rows.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import build_release, release_env

pytestmark = pytest.mark.release

PROJECT_ROOT = Path(__file__).resolve().parent.parent
COMPAT_PYTHON = Path(os.environ.get("ATLAS_DUCKDB_COMPAT_PYTHON",
                                    PROJECT_ROOT / ".venv-duckdb1.1" / "bin" / "python"))

# Reads {"db": path, "queries": [sql, ...]} on stdin; prints the client's version and each query's rows.
_READER = """
import json, sys, duckdb
job = json.load(sys.stdin)
con = duckdb.connect(job["db"], read_only=True)
rows = [[list(r) for r in con.execute(sql).fetchall()] for sql in job["queries"]]
print(json.dumps({"version": duckdb.__version__, "rows": rows}, default=str, ensure_ascii=False))
"""


def readme_queries() -> list[str]:
    """The README's SQL examples, except those with ``string_agg`` (its order within a group is unspecified)."""
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", text, flags=re.S)
    return [b.strip().rstrip(";") for b in blocks if "string_agg" not in b]


def read_with(python: Path | str, db: Path, queries: list[str]) -> dict:
    proc = subprocess.run([str(python), "-c", _READER], input=json.dumps({"db": str(db), "queries": queries}),
                          capture_output=True, text=True, timeout=120, cwd=db.parent)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    if not COMPAT_PYTHON.exists():
        pytest.fail(f"{COMPAT_PYTHON} is missing: `make test` installs it (make .venv-duckdb1.1/.installed)")
    with release_env(tmp_path_factory.mktemp("compat")):
        return build_release("compat")


def test_release_database_opens_in_duckdb_1_1(release):
    queries = readme_queries()
    assert len(queries) == 7
    queries += ["SELECT count(*) FROM country_profile", "SELECT * FROM report_table_3_13 ORDER BY row_index",
                "SELECT policy_id, status, status_basis, status_since FROM policy_status_on(DATE '2025-06-01')",
                "SELECT count(*) FROM country_timeline", "SELECT * FROM patent_reconciliation"]
    old = read_with(COMPAT_PYTHON, release / "atlas.duckdb", queries)
    new = read_with(sys.executable, release / "atlas.duckdb", queries)
    assert old["version"] == "1.1.3" and new["version"].split(".")[0] == "2"
    assert old["rows"][0][0] == ["CN", 1, 38210, 7887, 20.6]          # README question 1: China first
    for sql, rows_old, rows_new in zip(queries, old["rows"], new["rows"], strict=True):
        assert sorted(map(json.dumps, rows_old)) == sorted(map(json.dumps, rows_new)), sql


def test_history_database_opens_in_duckdb_1_1(release):
    history = release.parent / "history.duckdb"
    queries = ["SELECT release, count(*) FROM patent_counts GROUP BY release",
               "SELECT version, is_latest FROM releases"]
    old = read_with(COMPAT_PYTHON, history, queries)
    assert old["version"] == "1.1.3"
    assert old["rows"] == [[[release.name, 27]], [[release.name, True]]]
    assert old["rows"] == read_with(sys.executable, history, queries)["rows"]
