"""Main job: run the `genai_policy_atlas` DAG in-process with `dag.test()` and report the release.

Defaults are embedded so that a fresh clone needs nothing else: the Airflow metadata DB is SQLite in
`.airflow/` (git-ignored), releases go to `releases/`, scratch to `.atlas/work/` (a successful run's scratch folder
is removed afterwards, the most recent failed run's is kept). Each can be overridden with
AIRFLOW_HOME, ATLAS_RELEASES_DIR and ATLAS_WORK_DIR. Exit code 0 only when the run succeeded.

What it prints (:func:`build`, shared with ``atlas build``; :mod:`warehouse.run_console`): the log file it writes
(``.atlas/logs/build-<UTC time>.log``, or in ``$ATLAS_LOG_DIR``), which receives every line Airflow, Great
Expectations and the tasks log; one line per task as it ends; then the summary (release, changes, page, files, row
counts, validation warnings). A failed run names the failed task and its error, on stderr, and the log to read.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def configure_airflow(home: Path | None = None) -> Path:
    """Point Airflow at a local home with a SQLite DB and this project's DAG folder (before importing it)."""
    home = Path(os.environ.get("AIRFLOW_HOME") or home or PROJECT_ROOT / ".airflow")
    home.mkdir(parents=True, exist_ok=True)
    os.environ["AIRFLOW_HOME"] = str(home)
    os.environ.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{home / 'airflow.db'}")
    os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(PROJECT_ROOT / "dags"))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    return home


def migrate_db() -> None:
    """Create or upgrade the Airflow metadata DB (`airflow db migrate`, its own process), warming this process
    up meanwhile (:func:`warm_up`). Raises CalledProcessError when the migration fails."""
    airflow = Path(sys.executable).with_name("airflow")
    cmd = [str(airflow), "db", "migrate"]
    with subprocess.Popen(cmd, stdout=subprocess.DEVNULL) as proc:
        try:
            warm_up()
        finally:
            returncode = proc.wait()
    if returncode:
        raise subprocess.CalledProcessError(returncode, cmd)


def warm_up() -> None:
    """Import what the tasks use (great_expectations, pandas, pyarrow, DuckDB, matplotlib, frictionless, the
    extractors) and set up the GX suites, on this process's core while the migration runs on the other: the
    tasks of the in-process DAG run then start warm. Nothing here writes anything."""
    from expectations import suites
    from warehouse import pipeline  # noqa: F401  (extractors, pyarrow)
    from warehouse.release import package, page, publish  # noqa: F401  (duckdb, frictionless, matplotlib)

    suites.prepare()


def load_dag():
    """The DAG object, imported from the DAG file (fails loudly on an import error)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("genai_policy_atlas_dag",
                                                  PROJECT_ROOT / "dags" / "genai_policy_atlas.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.genai_policy_atlas()


def run_dag():
    """Run the DAG once in-process; returns the DagRun (its state says whether it succeeded)."""
    return load_dag().test()


def _is_fresh(dag_run, release: Path) -> bool:
    """Whether ``release`` was written by ``dag_run`` (created at or after its publish task started)."""
    import json

    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    try:
        publish_ti = next((ti for ti in dag_run.get_task_instances() if ti.task_id == "publish"), None)
    except AttributeError:          # a stand-in run without task instances
        return True
    return bool(publish_ti is not None and publish_ti.start_date and manifest["created"] >=
                publish_ti.start_date.replace(microsecond=0).isoformat(timespec="seconds"))


_PROBLEM_LINE = re.compile(r"^[\w.]*(?:Error|Exception|Exit)\b.*:|\[(?:error|critical|exception)\s*\]")


def problem_lines(log_path: Path, limit: int = 5) -> list[str]:
    """The last ``limit`` lines of the log that state a problem: an exception's closing line
    (``sqlalchemy.exc.OperationalError: ...``) or a record logged at error / critical level; the last ``limit``
    lines when none does, no lines when the log cannot be read."""
    try:
        lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    found = [line for line in lines if _PROBLEM_LINE.search(line)]
    return (found or lines)[-limit:]


def _run_logged(out):
    """Configure, migrate and run the DAG with the task progress on ``out``; returns (dag_run, failures)."""
    from warehouse.run_console import progress

    mod = sys.modules[__name__]          # looked up at call time, so that tests can stand in for the steps
    mod.configure_airflow()              # before anything imports airflow
    with progress(out) as listener:
        listener.status("preparing the Airflow metadata DB")
        mod.migrate_db()
        dag_run = mod.run_dag()
    return dag_run, listener.failures


def build() -> int:
    """Run the main job, printing progress and the summary (see the module docstring); returns the exit code: 0
    when the run succeeded, 1 when it failed (nothing is published then)."""
    from rich.console import Console
    from rich.markup import escape

    from warehouse.run_console import captured_output, new_log_path, shown, summary

    log_path = new_log_path()
    with captured_output(log_path) as (out_stream, err_stream):
        out = Console(file=out_stream, highlight=False)
        err = Console(file=err_stream, highlight=False)
        out.print(f"Building the GenAI Policy Atlas (log: {escape(shown(log_path))})", soft_wrap=True)
        try:
            dag_run, failures = _run_logged(out)
        except Exception as exc:  # noqa: BLE001 - a job that cannot start is reported, with the log's end
            err.print(f"[bold red]Error:[/] the run failed before finishing: {escape(type(exc).__name__)}: "
                      f"{escape(str(exc))}", soft_wrap=True)
            for line in problem_lines(log_path):
                err.print(f"  {escape(line)}", soft_wrap=True, highlight=False)
            err.print(f"Full log: {escape(shown(log_path))}", soft_wrap=True)
            return 1
        return _report(dag_run, failures, out, err, log_path, summary)


def _report(dag_run, failures, out, err, log_path: Path, summary) -> int:
    from rich.markup import escape

    from warehouse import staging
    from warehouse.release.publish import latest_version, releases_dir
    from warehouse.run_console import shown

    state = str(getattr(dag_run.state, "value", dag_run.state))
    try:                    # again: the DAG's teardown may not have run
        staging.clean_scratch(dag_run.run_id, succeeded=state == "success")
    except OSError:
        pass
    if state != "success":
        err.print(f"[bold red]Error:[/] genai_policy_atlas run {escape(str(dag_run.run_id))} ended {state}: no "
                  f"release was published.", soft_wrap=True)
        for task, text in failures[-3:]:
            err.print(f"  {escape(task)} failed: {escape(text)}", soft_wrap=True)
        err.print(f"Task logs: {escape(shown(log_path))}", soft_wrap=True)
        return 1
    version = latest_version()
    if version is None:
        err.print(f"[bold red]Error:[/] the run succeeded but {escape(str(releases_dir()))} has no LATEST release")
        return 1
    release = releases_dir() / version
    out.print()
    for line in summary(release, _is_fresh(dag_run, release), log_path):
        out.print(line, soft_wrap=True)
    return 0


def main() -> int:
    return build()


if __name__ == "__main__":
    sys.exit(main())
