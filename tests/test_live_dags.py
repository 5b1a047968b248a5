"""The fetch DAGs (dags/fetch_sources.py) and the build DAG's schedule on their assets."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _module(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"atlas_{name}_under_test", PROJECT_ROOT / "dags" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_one_fetch_dag_per_live_source_and_the_build_scheduled_on_their_assets(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    from warehouse.sources import LIVE_SOURCES

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
    assert bag.import_errors == {}
    assert sorted(bag.dag_ids) == sorted(["genai_policy_atlas", *(f"fetch_{s}" for s in LIVE_SOURCES)])
    for sid in LIVE_SOURCES:
        dag = bag.get_dag(f"fetch_{sid}")
        assert dag.max_active_runs == 1 and dag.doc_md
        assert [o.name for o in dag.get_task("fetch").outlets] == [f"source_{sid}"]
    assert _module("fetch_sources").LIVE_SOURCES == _module("genai_policy_atlas").LIVE_SOURCES == LIVE_SOURCES
    build = bag.get_dag("genai_policy_atlas")
    schedule = build.timetable
    assert type(schedule).__name__ == "AssetOrTimeSchedule"
    assert sorted(a.name for a in schedule.asset_condition.objects) == sorted(f"source_{s}" for s in LIVE_SOURCES)


def test_the_dag_folder_parses_in_under_half_a_second(airflow_db):
    """Parse time of the DAG files themselves (DagBag's own measure), the Airflow import excluded."""
    code = ("from airflow.dag_processing.dagbag import DagBag; "
            f"bag = DagBag(dag_folder={str(PROJECT_ROOT / 'dags')!r}); "
            "print(sum(s.duration.total_seconds() for s in bag.dagbag_stats))")
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    seconds = float(out.stdout.strip().splitlines()[-1])
    print(f"DAG folder parse time: {seconds:.3f} s")
    assert seconds < 0.5


def test_dags_import_only_from_airflow_sdk_and_nothing_heavy():
    for name in ("genai_policy_atlas", "fetch_sources"):
        text = (PROJECT_ROOT / "dags" / f"{name}.py").read_text(encoding="utf-8")
        imports = set(re.findall(r"^\s*(?:from|import) (airflow[\w.]*)", text, flags=re.M))
        assert imports <= {"airflow.sdk", "airflow.sdk.exceptions"}, name
    code = ("import runpy, sys; runpy.run_path('dags/fetch_sources.py'); "
            "print(','.join(m for m in ('requests', 'pandas', 'duckdb', 'pyarrow', 'warehouse') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1:] in ([], [""])
