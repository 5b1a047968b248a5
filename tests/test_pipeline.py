"""End to end: the DAG loads cleanly, runs with dag.test() into a temporary folder, and refuses bad input."""
from __future__ import annotations

import errno
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from helpers import rewrite_snapshot, staged_tables
from extractors import resolve
from warehouse import pipeline, staging
from warehouse.release.publish import latest_version, list_releases

pytestmark = pytest.mark.release

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SOURCE_000 = "tier-2025-genai-global-economy"


def _state(dag_run) -> str:
    return str(getattr(dag_run.state, "value", dag_run.state))


def _run_dag():
    from warehouse.run import load_dag

    return load_dag().test()


def _snapshot_tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- DAG integrity -----------------------------------------------------------------------------

def test_dag_folder_imports_cleanly_with_policies(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
    assert bag.import_errors == {}
    dag = bag.get_dag("genai_policy_atlas")
    assert dag is not None
    assert dag.tags and dag.doc_md
    assert dag.max_active_runs == 1
    assert {t.task_id for t in dag.tasks} == {"check_snapshots", "extract", "combine", "resolve", "validate", "publish",
                                              "clean_scratch"}
    assert dag.get_task("clean_scratch").is_teardown      # runs however the run ends, never decides its state
    for t in dag.tasks:
        assert t.execution_timeout is not None
    assert dag.default_args["retries"] >= 1


def test_dag_file_imports_nothing_heavy_at_parse_time():
    code = ("import runpy, sys; runpy.run_path('dags/genai_policy_atlas.py'); "
            "heavy = [m for m in ('great_expectations', 'pandas', 'duckdb', 'pyarrow') if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1:] in ([], [""])


def test_dag_imports_only_from_airflow_sdk():
    text = (PROJECT_ROOT / "dags" / "genai_policy_atlas.py").read_text(encoding="utf-8")
    airflow_imports = re.findall(r"^\s*(?:from|import) (airflow[\w.]*)", text, flags=re.M)
    assert airflow_imports and set(airflow_imports) == {"airflow.sdk", "airflow.sdk.exceptions"}


def _dag_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("atlas_dag_under_test",
                                                  PROJECT_ROOT / "dags" / "genai_policy_atlas.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("error, retried", [
    (pipeline.PublishLockHeld("another run is publishing into /r (lock held)"), True),
    (OSError(errno.EBUSY, "Device or resource busy"), True),
    (OSError(errno.ENOSPC, "No space left on device"), False),
    (resolve.OverrideError("curation/overrides.yaml", "entry 3, same_as 'ABC'", "matches no mention", 12), False),
    (KeyError("columns"), False),
], ids=["lock held", "busy", "disk full", "bad override", "bug"])
def test_only_transient_errors_are_retried(monkeypatch, error, retried):
    from airflow.sdk.exceptions import AirflowFailException

    def failing(*_args):
        raise error

    monkeypatch.setattr(pipeline, "resolve", failing)
    step = _dag_module()._step
    if retried:
        with pytest.raises(type(error)) as raised:
            step("resolve", "combined", "run")
        assert raised.value is error
    else:
        with pytest.raises(AirflowFailException) as raised:
            step("resolve", "combined", "run")
        assert str(raised.value) == f"{type(error).__name__}: {error} (permanent: not retried)"
        assert raised.value.__cause__ is error


# --- end to end --------------------------------------------------------------------------------

def test_dag_run_publishes_a_release(airflow_db, atlas_dirs, release_date):
    dag_run = _run_dag()
    assert _state(dag_run) == "success"
    assert not list(atlas_dirs["work"].iterdir()), "the clean_scratch teardown removes a successful run's scratch"

    root = atlas_dirs["releases"]
    version = latest_version(root)
    release = root / version
    assert version == release_date.strftime("%Y.%m.%d")       # the first release of the day in an empty root
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["created"].startswith(release_date.isoformat() + "T")
    for name in ("sources", "policies", "patent_counts", "market_figures", "report_tables", "quality_flags"):
        assert (release / f"{name}.parquet").exists()
        assert manifest["row_counts"][name] > 0
    for fname, entry in manifest["files"].items():
        assert hashlib.sha256((release / fname).read_bytes()).hexdigest() == entry["sha256"]
    assert set(manifest["inputs"]) == {str(p.relative_to(PROJECT_ROOT / "sources"))
                                       for pattern in ("*/*/document.txt", "*/*/SHA256SUMS")
                                       for p in (PROJECT_ROOT / "sources").glob(pattern)}
    assert {sid for sid, s in manifest["sources"].items() if s["kind"] == "live"} == {
        "agora", "federal_register", "owid", "eur_lex", "kr_law", "jp_egov", "tw_law"}
    assert not any(s["stale_since"] for s in manifest["sources"].values())
    assert manifest["validation"]["success"] is True
    assert manifest["code_revision"]

    con = duckdb.connect(str(release / "atlas.duckdb"), read_only=True)
    # what the "done when" asks of document 000
    assert con.execute("SELECT count(*) FROM patent_counts WHERE applicant IS NULL "
                       "AND source_locator LIKE '表 3-13 %'").fetchone()[0] == 7
    assert con.execute("SELECT count(*) FROM patent_counts WHERE applicant IS NOT NULL "
                       "AND source_locator LIKE '表 3-14 %'").fetchone()[0] == 20
    per_table = dict(con.execute(
        "SELECT split_part(source_locator, ' ', 2), count(*) FROM market_figures GROUP BY 1").fetchall())
    # the tables of 000, and 65 figures of running text (003 計畫緣起 7 and the rest of the plan 2, 001 前言 1, 000
    # 第二章 and 第三章 第二節 55; locators "L75-75", no table)
    # running text: 65 rows, less 12 restating a table (one row each with the table row: mappers/restated.py)
    assert per_table == {"2-1": 18, "2-2": 28, "2-3": 8, "2-4": 5, "": 53}
    table_mentions = dict(con.execute(
        "SELECT split_part(source_locator, ' ', 2), count(*) FROM policy_mentions "
        "WHERE context = 'table' AND source_id = ? AND issuer_printed IS NOT NULL AND issued_on IS NOT NULL "
        "GROUP BY 1", [SOURCE_000]).fetchall())
    assert table_mentions == {"3-1": 8, "3-4": 3, "3-6": 3, "3-7": 6, "3-10": 6}   # 3-7: 會議文件 is no instrument
    # one policies row per instrument, each with its mentions; curation counted in the manifest
    assert con.execute("SELECT count(*) FROM policies p WHERE mention_count <> "
                       "(SELECT count(*) FROM policy_mentions m WHERE m.policy_id = p.policy_id)").fetchone()[0] == 0
    assert con.execute("SELECT count(DISTINCT source_id) FROM policy_mentions").fetchone()[0] == 11  # not owid
    assert manifest["overrides"]["policies"] == len(
        [e for e in resolve.load_overrides() if e["table"] == "policies"])
    # report views show the tables as printed
    rows = con.execute("SELECT * FROM report_table_3_13").fetchall()
    assert len(rows) == 7
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert {"report_table_2_1", "report_table_3_14", "report_table_3_7"} <= views
    con.close()


def test_changed_snapshot_fails_the_run_and_publishes_nothing(airflow_db, atlas_dirs, sources_copy, capfd):
    rewrite_snapshot(sources_copy, SOURCE_000, "38,210", "38,211", update_meta=False)
    dag_run = _run_dag()
    assert _state(dag_run) == "failed"
    assert latest_version(atlas_dirs["releases"]) is None
    assert not any(atlas_dirs["releases"].glob("2*")) if atlas_dirs["releases"].exists() else True
    logs = capfd.readouterr()
    assert ("source tier-2025-genai-global-economy: snapshot tier-2025-genai-global-economy/2026-11-21/document.txt "
            "changed") in logs.out + logs.err


def test_changed_snapshot_error_names_the_file(sources_copy):
    from extractors.core.snapshots import SnapshotError

    rewrite_snapshot(sources_copy, SOURCE_000, "38,210", "38,211", update_meta=False)
    with pytest.raises(SnapshotError, match=r"source tier-2025-genai-global-economy: snapshot "
                                            r"tier-2025-genai-global-economy/2026-11-21/document\.txt changed"):
        pipeline.check_snapshots()


def test_critical_expectation_failure_stops_publication(airflow_db, atlas_dirs, sources_copy, capfd):
    # A declared change of the snapshot (metadata updated) whose content breaks the contract:
    # a negative patent count in 表 3-13 violates patent_families >= 0.
    rewrite_snapshot(sources_copy, SOURCE_000, "中國\t1\t38,210", "中國\t1\t-38,210", update_meta=True)
    first = _run_dag()
    assert _state(first) == "failed"           # the teardown ran and succeeded, yet the run failed
    assert latest_version(atlas_dirs["releases"]) is None
    kept = [p.name for p in atlas_dirs["work"].iterdir()]
    assert kept == [staging.run_dir(first.run_id).name], "a failed run's scratch is kept for inspection"
    assert (staging.run_dir(first.run_id) / staging.FAILED_MARK).is_file()
    assert (staging.run_dir(first.run_id) / "tables" / "patent_counts.parquet").is_file()
    out = capfd.readouterr()
    text = out.out + out.err
    assert "table patent_counts: expect_column_values_to_be_between on patent_families failed" in text
    assert "tier-2025-genai-global-economy:3-13:CN" in text


def test_failed_validation_leaves_existing_release_untouched(atlas_dirs, sources_copy):
    """Plain functions, no Airflow: a good release, then a bad run; the first stays as it was."""
    from expectations.suites import ValidationFailed

    first = pipeline.publish(*staged_tables("good"))
    before = _snapshot_tree(Path(first["release"]))

    rewrite_snapshot(sources_copy, SOURCE_000, "中國\t1\t38,210", "中國\t1\t-38,210", update_meta=True)
    ids = pipeline.check_snapshots()
    tables = pipeline.resolve(pipeline.combine([pipeline.extract(i, "bad") for i in ids], "bad"), "bad")
    with pytest.raises(ValidationFailed, match="patent_counts"):
        pipeline.validate(tables, "bad")
    assert latest_version(atlas_dirs["releases"]) == first["version"]
    assert list_releases(atlas_dirs["releases"]) == [first["version"]]
    assert _snapshot_tree(Path(first["release"])) == before


def test_unchanged_rerun_publishes_nothing_and_a_changed_value_is_in_the_changelog(
        airflow_db, atlas_dirs, sources_copy, capfd):
    root = atlas_dirs["releases"]
    assert _state(_run_dag()) == "success"
    assert _state(_run_dag()) == "success"
    assert len(list_releases(root)) == 1

    rewrite_snapshot(sources_copy, SOURCE_000, "中國\t1\t38,210", "中國\t1\t38,211", update_meta=True)
    assert _state(_run_dag()) == "success"
    first, second = list_releases(root)
    changelog = (root / second / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "patent_families: `38210` -> `38211`" in changelog
    changes = duckdb.sql(f"SELECT table_name, record_key, change, field, old_value, new_value "
                         f"FROM read_parquet('{root / second / 'changes.parquet'}') ORDER BY table_name").fetchall()
    assert ("patent_counts", "tier-2025-genai-global-economy:3-13:CN:*", "changed", "patent_families",
            "38210", "38211") in changes
    # the same cell as printed, and the snapshot's checksum: nothing else changed
    assert sorted((t, f) for t, _, _, f, _, _ in changes) == [
        ("patent_counts", "patent_families"), ("report_tables", "value"), ("sources", "sha256")]
