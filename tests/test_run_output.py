"""What `make run` shows a person: the main job (`python -m warehouse.run`, as the Makefile runs it, in its own
process with fresh Airflow, release, work and log folders) prints one line per task and a summary, fewer than 40
lines in all and none that looks like an error on success; Airflow's and Great Expectations' logs go to the log
file it names. On failure it names the failed task and its error on stderr.

The release's version depends on the real date (the job runs in its own process, outside the test clock), so it
is read from the release root's LATEST, never computed here.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from helpers import rewrite_snapshot

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TASKS = ("check_snapshots", "extract", "combine", "resolve", "validate", "publish", "clean_scratch")
MAKE_ECHO_LINES = 1            # make prints the command it runs
ERROR_WORDS = re.compile(r"error|Error|ERROR|Traceback")


def _run_job(tmp_path: Path, **extra: str) -> tuple[subprocess.CompletedProcess, Path]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "AIRFLOW_HOME": str(tmp_path / "airflow"),
           "ATLAS_RELEASES_DIR": str(tmp_path / "releases"), "ATLAS_WORK_DIR": str(tmp_path / "work"),
           "ATLAS_LOG_DIR": str(tmp_path / "logs"), "COLUMNS": "120", **extra}
    for key in ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__CORE__DAGS_FOLDER"):
        env.pop(key, None)                  # the job sets its own, under AIRFLOW_HOME
    proc = subprocess.run([sys.executable, "-m", "warehouse.run"], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=900)
    logs = sorted((tmp_path / "logs").glob("build-*.log"))
    assert len(logs) == 1, logs
    return proc, logs[0]


def test_make_run_prints_progress_and_a_summary_and_logs_to_a_file(tmp_path):
    proc, log = _run_job(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = (proc.stdout + proc.stderr).splitlines()
    assert len(lines) + MAKE_ECHO_LINES < 40, "\n".join(lines)
    assert [line for line in lines if ERROR_WORDS.search(line)] == []
    assert proc.stderr == ""

    assert lines[0] == f"Building the GenAI Policy Atlas (log: {log})"
    progress = [re.match(r"  ✓ (\w+) +\d+\.\d s", line) for line in lines[1:1 + len(TASKS)]]
    assert [m.group(1) for m in progress if m] == list(TASKS)
    assert re.search(r"  ✓ extract +\d+\.\d s  12 sources$", lines[2])

    root = tmp_path / "releases"
    version = (root / "LATEST").read_text(encoding="utf-8").strip()
    release = root / version
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    validation = json.loads((release / "validation.json").read_text(encoding="utf-8"))
    text = proc.stdout
    assert f"Release {version} written to {release}\n" in text
    assert f"  Changes     first release: {manifest['changes']['added']} added\n" in text
    assert f"  Page        {release / 'index.html'}\n" in text
    files = [p for p in release.rglob("*") if p.is_file()]
    assert f"  Files       {len(files)} files, " in text
    assert f" policies {manifest['row_counts']['policies']:,} · " in text
    assert (f"  Validation  {validation['evaluated']} expectations, 0 critical failures, "
            f"{validation['warnings']} warnings\n") in text
    failed = [(t, x) for t, r in validation["tables"].items() for x in r["expectations"] if not x["success"]]
    assert len(failed) == validation["warnings"] > 0
    for table, x in failed:
        column = x["kwargs"]["column"]
        assert f"    warning: {table}.{column} {x['expectation']} ({x['unexpected_count']} rows)\n" in text
    assert lines[-1] == f"  Log         {log}"

    logged = log.read_text(encoding="utf-8")
    assert len(logged.splitlines()) > 10 * len(lines)             # what Airflow and GX say is in the file
    assert "great_expectations" in logged and "[DAG TEST] end task task_id=publish" in logged
    assert "great_expectations" not in text and "DAG TEST" not in text


def test_a_failed_run_names_the_task_and_its_error(tmp_path, sources_copy):
    # a real snapshot with one patent count made negative (declared in its metadata): a critical expectation fails
    rewrite_snapshot(sources_copy, "tier-2025-genai-global-economy", "中國\t1\t38,210", "中國\t1\t-38,210")
    proc, log = _run_job(tmp_path, ATLAS_SOURCES_DIR=str(sources_copy))
    assert proc.returncode == 1
    assert re.search(r"^  ✗ validate +ValidationFailed: critical expectations failed, nothing published",
                     proc.stdout, flags=re.M)
    assert "  ✓ publish" not in proc.stdout
    err = proc.stderr.splitlines()
    assert re.fullmatch(r"Error: genai_policy_atlas run \S+ ended failed: no release was published\.", err[0])
    assert err[1].startswith("  validate failed: ValidationFailed: critical expectations failed")
    assert any("patent_families" in line and "-38210" in line for line in err)
    assert err[-1] == f"Task logs: {log}"
    assert not (tmp_path / "releases" / "LATEST").exists()
