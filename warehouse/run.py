"""Main job: run the `genai_policy_atlas` DAG in-process with `dag.test()` and report the release.

Defaults are embedded so that a fresh clone needs nothing else: the Airflow metadata DB is SQLite in
`.airflow/` (git-ignored), releases go to `releases/`, scratch to `.atlas/work/` (a successful run's scratch folder
is removed afterwards, the most recent failed run's is kept). Each can be overridden with
AIRFLOW_HOME, ATLAS_RELEASES_DIR and ATLAS_WORK_DIR. Exit code 0 only when the run succeeded.
"""
from __future__ import annotations

import os
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


def main() -> int:
    configure_airflow()
    migrate_db()
    dag_run = run_dag()
    from warehouse import staging
    from warehouse.release.publish import latest_version, releases_dir

    state = str(getattr(dag_run.state, "value", dag_run.state))
    staging.clean_scratch(dag_run.run_id, succeeded=state == "success")   # again: the DAG's teardown may not have run
    if state != "success":
        print(f"genai_policy_atlas run {dag_run.run_id} ended {state}: no release was published "
              f"(see the task logs above)", file=sys.stderr)
        return 1
    import json

    version = latest_version()
    release = releases_dir() / version
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    publish_ti = next((ti for ti in dag_run.get_task_instances() if ti.task_id == "publish"), None)
    fresh = publish_ti is not None and publish_ti.start_date and manifest["created"] >= \
        publish_ti.start_date.replace(microsecond=0).isoformat(timespec="seconds")
    if fresh:
        print(f"\nRelease {version} written to {release}")
        print(f"Changes since {manifest.get('previous_version') or 'nothing (first release)'}: "
              f"{manifest.get('changes') or 'none'}")
    else:
        print(f"\nNothing changed since release {version}: no new release published ({release})")
    print(f"DuckDB database: {release / 'atlas.duckdb'}")
    for table, count in manifest["row_counts"].items():
        print(f"  {table:<16} {count:>6} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
