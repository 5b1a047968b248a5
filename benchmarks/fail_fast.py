"""How fast a permanent error ends the main job: each scenario runs `python -m warehouse.run` (the DAG with
dag.test(), fresh SQLite metadata DB) against a broken copy of the inputs and prints the pipeline time (the
DAG run's start to end, from the metadata DB) and the wall time of the whole job (Airflow start-up and
`db migrate` included), next to the bound: 30 s of pipeline time (issue "errors that fail fast"; before the
fix a permanent error in a retried task took 10m11s-10m27s: two retries five minutes apart).

    .venv/bin/python benchmarks/fail_fast.py
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT / "tests"))

from helpers import rewrite_snapshot  # noqa: E402  (the tests' own way of breaking a snapshot copy)

SOURCE = "tier-2025-genai-global-economy"
BOUND_S = 30.0


def _changed_snapshot(sources: Path, _base: Path) -> dict:
    rewrite_snapshot(sources, SOURCE, "38,210", "38,211", update_meta=False)
    return {}


def _failed_expectation(sources: Path, _base: Path) -> dict:
    rewrite_snapshot(sources, SOURCE, "中國\t1\t38,210", "中國\t1\t-38,210", update_meta=True)
    return {}


def _bad_override(_sources: Path, base: Path) -> dict:
    overrides = base / "overrides.yaml"
    text = (PROJECT_ROOT / "curation" / "overrides.yaml").read_text(encoding="utf-8")
    overrides.write_text(text.replace("    reason:", "    reasn:", 1), encoding="utf-8")
    return {"ATLAS_OVERRIDES_FILE": str(overrides)}


def _unwritable_release_root(_sources: Path, base: Path) -> dict:
    blocker = base / "not-a-folder"
    blocker.write_text("a file where the release root should be\n", encoding="utf-8")
    return {"ATLAS_RELEASES_DIR": str(blocker / "releases")}


SCENARIOS = {
    "changed snapshot (check_snapshots)": _changed_snapshot,
    "unknown key in an override (resolve)": _bad_override,
    "failed critical expectation (validate)": _failed_expectation,
    "release root cannot be created (publish)": _unwritable_release_root,
}


def _pipeline_seconds(airflow_home: Path) -> float:
    """Seconds from the start to the end of the (one) DAG run recorded in the SQLite metadata DB."""
    con = sqlite3.connect(airflow_home / "airflow.db")
    try:
        (seconds,) = con.execute("SELECT (julianday(end_date) - julianday(start_date)) * 86400 "
                                 "FROM dag_run").fetchone()
    finally:
        con.close()
    return seconds


def run_scenario(name: str, base: Path) -> tuple[float, float, str]:
    """(pipeline seconds, wall seconds, last error line) of the main job on the broken inputs of ``name``."""
    sources = base / "sources"
    shutil.copytree(PROJECT_ROOT / "sources", sources)
    env = {**os.environ, "AIRFLOW_HOME": str(base / "airflow"), "ATLAS_RELEASES_DIR": str(base / "releases"),
           "ATLAS_WORK_DIR": str(base / "work"), "ATLAS_SOURCES_DIR": str(sources)}
    env.pop("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", None)
    env.update(SCENARIOS[name](sources, base))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "warehouse.run"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=1800)
    elapsed = time.perf_counter() - start
    if proc.returncode == 0:
        sys.exit(f"{name}: the run succeeded, but it should have failed")
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if "permanent: not retried" in line]
    return (_pipeline_seconds(base / "airflow"), elapsed,
            lines[-1].strip()[:110] if lines else "(no 'permanent: not retried' line)")


def main() -> int:
    print(f"{'scenario':<44}{'pipeline s':>11}{'wall s':>8}{'bound':>7}  the error")
    worst = 0.0
    for name in SCENARIOS:
        with tempfile.TemporaryDirectory(prefix="atlas-failfast-") as tmp:
            pipeline_s, wall_s, line = run_scenario(name, Path(tmp))
        worst = max(worst, pipeline_s)
        print(f"{name:<44}{pipeline_s:>11.1f}{wall_s:>8.1f}{BOUND_S:>7.0f}  {line}")
    verdict = "within" if worst <= BOUND_S else "OVER"
    print(f"{'slowest pipeline time':<44}{worst:>11.1f}{'':>8}{BOUND_S:>7.0f}  ({verdict} the bound)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
