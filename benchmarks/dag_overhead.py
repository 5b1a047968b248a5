"""Full build against its floor: `make run`'s job into an empty release root, side by side with an empty DAG of
the same task graph run the same way (fresh SQLite metadata DB, `airflow db migrate`, `dag.test()`, one
process each), median wall time of N runs each (default 5), and the ratio full ÷ floor.

    .venv/bin/python benchmarks/dag_overhead.py [--repeats 3]

The floor is what Airflow itself costs for this graph (check_snapshots -> extract x5 -> combine -> resolve ->
validate -> publish -> clean_scratch); the ratio says how much the pipeline's own work adds (issue 9's budget:
1.3 or less).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The same graph as dags/genai_policy_atlas.py, every task a no-op returning a small value.
FLOOR_DAG = '''
from datetime import datetime
from airflow.sdk import dag, task, teardown

@dag(dag_id="genai_policy_atlas_floor", schedule=None, start_date=datetime(2026, 1, 1), catchup=False)
def genai_policy_atlas_floor():
    @task(retries=0)
    def check_snapshots() -> list[str]:
        return ["a", "b", "c", "d", "e"]

    @task(retries=0)
    def extract(source_id: str) -> str:
        return source_id

    @task(retries=0)
    def combine(extract_dirs: list[str]) -> str:
        return ",".join(extract_dirs)

    @task(retries=0)
    def resolve(combined_dir: str) -> str:
        return combined_dir

    @task(retries=0)
    def validate(tables_dir: str) -> str:
        return tables_dir

    @task
    def publish(tables_dir: str, validation_file: str) -> dict:
        return {"release": tables_dir}

    @teardown
    @task(retries=0)
    def clean_scratch(release: dict | None) -> list[str]:
        return []

    tables = resolve(combine(extract.expand(source_id=check_snapshots())))
    clean_scratch(publish(tables, validate(tables)))


genai_policy_atlas_floor()
'''

# Runs the floor DAG exactly as warehouse.run runs the real one: configure, migrate, dag.test().
FLOOR_RUNNER = '''
import importlib.util, sys
from warehouse import run
run.configure_airflow()
run.migrate_db()
spec = importlib.util.spec_from_file_location("floor_dag", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
dag_run = module.genai_policy_atlas_floor().test()
sys.exit(0 if str(getattr(dag_run.state, "value", dag_run.state)) == "success" else 1)
'''


def _timed(cmd: list[str], base: Path, dags_folder: Path) -> float:
    """Wall seconds of one run of ``cmd`` with a fresh Airflow home, release root and work folder in ``base``."""
    env = {**os.environ, "AIRFLOW_HOME": str(base / "airflow"), "ATLAS_RELEASES_DIR": str(base / "releases"),
           "ATLAS_WORK_DIR": str(base / "work"), "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder)}
    env.pop("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", None)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"{' '.join(cmd[:3])} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    full, floor = [], []
    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as tmp:
        dag_file = Path(tmp) / "dags" / "floor_dag.py"
        dag_file.parent.mkdir()
        dag_file.write_text(FLOOR_DAG, encoding="utf-8")
        for i in range(args.repeats):          # interleaved, so drift in machine load hits both alike
            floor.append(_timed([sys.executable, "-c", FLOOR_RUNNER, str(dag_file)], Path(tmp) / f"floor{i}",
                                dag_file.parent))
            full.append(_timed([sys.executable, "-m", "warehouse.run"], Path(tmp) / f"full{i}",
                               PROJECT_ROOT / "dags"))
    med_full, med_floor = statistics.median(full), statistics.median(floor)
    print(f"{'run':<40}{'median s':>10}{'runs s':>28}")
    print(f"{'empty DAG, same task graph (floor)':<40}{med_floor:>10.1f}{' '.join(f'{t:.1f}' for t in floor):>28}")
    print(f"{'full build into an empty release root':<40}{med_full:>10.1f}{' '.join(f'{t:.1f}' for t in full):>28}")
    print(f"{'ratio full / floor':<40}{med_full / med_floor:>10.2f}{'(budget 1.30; before issue 9: 1.66)':>38}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
