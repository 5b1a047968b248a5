"""Test settings: every test run gets its own Airflow home (SQLite), work folder and release root.

Set before anything imports Airflow, so the DAG tests never touch the developer's `.airflow/` or `releases/`.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="atlas-tests-"))
os.environ["AIRFLOW_HOME"] = str(_SESSION_DIR / "airflow")
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_SESSION_DIR / 'airflow' / 'airflow.db'}"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(PROJECT_ROOT / "dags")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["ATLAS_WORK_DIR"] = str(_SESSION_DIR / "work")
os.environ["ATLAS_RELEASES_DIR"] = str(_SESSION_DIR / "releases")
os.environ["GX_ANALYTICS_ENABLED"] = "False"
os.environ.pop("ATLAS_SOURCES_DIR", None)


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """A migrated Airflow metadata DB (SQLite) for dag.test()."""
    Path(os.environ["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    airflow = Path(sys.executable).with_name("airflow")
    subprocess.run([str(airflow), "db", "migrate"], check=True, stdout=subprocess.DEVNULL)
    return Path(os.environ["AIRFLOW_HOME"])


@pytest.fixture
def atlas_dirs(tmp_path, monkeypatch) -> dict[str, Path]:
    """Fresh release root and work folder for one test."""
    dirs = {"releases": tmp_path / "releases", "work": tmp_path / "work"}
    monkeypatch.setenv("ATLAS_RELEASES_DIR", str(dirs["releases"]))
    monkeypatch.setenv("ATLAS_WORK_DIR", str(dirs["work"]))
    return dirs


@pytest.fixture
def sources_copy(tmp_path, monkeypatch) -> Path:
    """A writable copy of sources/ that ATLAS_SOURCES_DIR points to (for tampering tests)."""
    import shutil

    folder = tmp_path / "sources"
    shutil.copytree(PROJECT_ROOT / "sources", folder)
    for p in folder.iterdir():
        p.chmod(0o644)
    monkeypatch.setenv("ATLAS_SOURCES_DIR", str(folder))
    return folder


# --- document 000, extracted once for the session (test_report_tables, test_tables_000, test_resolve) ---

DOC_000 = "tier-2025-genai-global-economy"


@pytest.fixture(scope="session")
def snapshot():
    """The verified snapshot of document 000."""
    from extractors import snapshots

    return snapshots.load(DOC_000)


@pytest.fixture(scope="session")
def extraction(snapshot):
    """The real extraction of document 000 (mapping.extract_source), run once."""
    from extractors import mapping

    return mapping.extract_source(snapshot)


@pytest.fixture(scope="session")
def tables(snapshot):
    """Document 000's spec tables as printed (the find_tables call extract_source makes), by table id."""
    from extractors import mapping
    from extractors import report_tables as rt

    spec = mapping.load_spec(DOC_000)
    return {t.table_id: t for t in rt.find_tables(DOC_000, snapshot.lines, spec["tables"])}
