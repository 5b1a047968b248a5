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
    assert len(queries) == 10               # 8 + "What the data covers": the sources and Korea queries
    queries += ["SELECT count(*) FROM country_profile", "SELECT * FROM report_table_3_13 ORDER BY row_index",
                "SELECT policy_id, status, status_basis, status_since FROM policy_status_on(DATE '2025-06-01')",
                "SELECT count(*) FROM country_timeline", "SELECT * FROM patent_reconciliation"]
    old = read_with(COMPAT_PYTHON, release / "atlas.duckdb", queries)
    new = read_with(sys.executable, release / "atlas.duckdb", queries)
    assert old["version"] == "1.1.3" and new["version"].split(".")[0] == "2"
    first = next(i for i, q in enumerate(queries) if "FROM patent_counts c" in q)
    assert old["rows"][first][0] == ["CN", 1, 38210, 7887, 20.6]      # README question 1: China first
    for sql, rows_old, rows_new in zip(queries, old["rows"], new["rows"], strict=True):
        assert sorted(map(json.dumps, rows_old)) == sorted(map(json.dumps, rows_new)), sql
    answers = dict(zip(queries, old["rows"], strict=True))
    _check_strategies(next(a for q, a in answers.items() if "instrument_type = 'strategy'" in q))
    _check_budget(next(a for q, a in answers.items() if "FROM budget_year_totals" in q))
    _check_forecasts(next(a for q, a in answers.items() if "row_group = 'macro'" in q))


def _check_strategies(rows):
    """README question 4: national AI strategies and since when (as the release's sources print them)."""
    by_country = {r[0]: (r[1], r[2]) for r in rows}
    assert set(by_country) == {"TW", "GB", "US", "JP", "KR"}
    # 003 L66-68: 臺灣 AI 行動計畫(2018-2021), 2017 年 7 月; 001 L166-181: the UK's 國家人工智慧戰略, 2021年
    assert by_country["TW"][0] == "2017-07-01" and by_country["TW"][1][0] == "臺灣 AI 行動計畫(2018-2021)"
    assert "臺灣 AI 行動計畫 2.0" in by_country["TW"][1]
    assert by_country["GB"] == ("2021-01-01", ["國家人工智慧戰略"])
    assert not any("路線圖" in t and "AI" not in t and "人工智慧" not in t for _, ts in by_country.values() for t in ts)


def _check_budget(rows):
    """README question 5: one non-overlapping total per year; 2025 is 表 5's printed 總計 (003 L1586: 8.265)."""
    assert [(r[1], r[2], r[7]) for r in rows] == [(2025, 8.265, "matches_printed_total"),
                                                 (2026, 9.5, "matches_printed_total"),
                                                 (2027, 9.5, "matches_printed_total"),
                                                 (2028, 9.5, "matches_printed_total")]


def _check_forecasts(rows):
    """README question 6: world GDP impacts of the 表 2-3 macro group only (000 L413-416), never Deloitte's
    fraud losses (L420, negative group) nor a one-country figure."""
    assert [r[1] for r in rows] == ["高盛", "麥肯錫", "摩根大通", "MarketsandMarkets"]
    assert [r[0] for r in rows] == ["Goldman Sachs", "McKinsey & Company", "J.P. Morgan", "MarketsandMarkets"]
    assert [r[2] for r in rows] == ["2023-03-26", "2023-06-14", "2024-02-01", "2024-04-01"]


def test_history_database_opens_in_duckdb_1_1(release):
    history = release.parent / "history.duckdb"
    queries = ["SELECT release, count(*) FROM patent_counts GROUP BY release",
               "SELECT version, is_latest FROM releases"]
    old = read_with(COMPAT_PYTHON, history, queries)
    assert old["version"] == "1.1.3"
    assert old["rows"] == [[[release.name, 27]], [[release.name, True]]]
    assert old["rows"] == read_with(sys.executable, history, queries)["rows"]
