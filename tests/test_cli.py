"""The `atlas` command line (typer CliRunner) on real releases built in a temporary root, plus the
country_profile view and the history database.

Two releases are built once for the module through the pipeline functions (no Airflow). `atlas build` itself
is tested with the Airflow run replaced by a stand-in (a real run takes 25-35 s).
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import schemas
from helpers import build_release, printed_versions, release_env, staged_tables
from warehouse import pipeline
from warehouse.cli import app

pytestmark = pytest.mark.release

ENV = {"COLUMNS": "200"}       # wide enough that rich never folds a version or a value in the output


def build_changed_release(run_id: str) -> Path:
    """A real release whose content differs (one quality flag fewer): unchanged content is not published."""
    tables, validation = staged_tables(run_id)
    flags = pq.read_table(Path(tables) / "quality_flags.parquet")
    pq.write_table(flags.slice(0, flags.num_rows - 1), Path(tables) / "quality_flags.parquet")
    return Path(pipeline.publish(tables, validation)["release"])


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("cli")
    with release_env(base):
        build_release("one")
        build_changed_release("two")
    return base / "releases"


@pytest.fixture(scope="module")
def versions(root) -> list[str]:
    from warehouse.release.versions import release_versions

    found = release_versions(root)
    assert len(found) == 2
    return found


def invoke(*args: str, root: Path | None = None):
    extra = ["--root", str(root)] if root is not None else []
    return CliRunner().invoke(app, [*args, *extra], env=ENV)


def test_releases_lists_versions_and_marks_latest(root, versions):
    result = invoke("releases", root=root)
    assert result.exit_code == 0, result.output
    assert printed_versions(result.output) == versions
    rows = {printed_versions(line)[0]: line for line in result.output.splitlines() if printed_versions(line)}
    assert "LATEST" in rows[versions[-1]] and "LATEST" not in rows[versions[0]]
    assert "patent_counts=27" in rows[versions[0]] and "patent_counts=27" in rows[versions[-1]]


def test_root_from_environment(root, versions):
    result = CliRunner().invoke(app, ["releases"], env={**ENV, "ATLAS_RELEASES_DIR": str(root)})
    assert result.exit_code == 0, result.output
    assert printed_versions(result.output) == versions


def test_query_latest_and_named_release(root, versions):
    sql = "SELECT jurisdiction, patent_families FROM patent_counts WHERE applicant IS NULL ORDER BY rank"
    result = invoke("query", sql, root=root)
    assert result.exit_code == 0, result.output
    assert f"release {versions[-1]}: 7 rows" in result.output
    assert re.search(r"CN\s*│\s*38210", result.output)
    result = invoke("query", "SELECT count(*) AS n FROM policies", "--release", versions[0], root=root)
    assert result.exit_code == 0, result.output
    assert printed_versions(result.output) == [versions[0]]
    assert f"release {versions[0]}: 1 row\n" in result.output
    policies = json.loads((root / versions[0] / "manifest.json").read_text(encoding="utf-8"))["row_counts"]["policies"]
    assert re.search(rf"│\s*{policies}\s*│", result.output) and policies == 172   # 159 before issue 15 item 3


def test_query_csv_and_json(root):
    sql = ("SELECT jurisdiction, patent_families, applicant FROM patent_counts WHERE applicant IS NULL "
           "ORDER BY rank LIMIT 2")
    result = invoke("query", sql, "--format", "csv", root=root)
    assert result.exit_code == 0, result.output
    assert list(csv.reader(result.output.splitlines())) == [
        ["jurisdiction", "patent_families", "applicant"], ["CN", "38210", ""], ["US", "6276", ""]]
    result = invoke("query", sql, "--format", "json", root=root)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"jurisdiction": "CN", "patent_families": 38210, "applicant": None},
                                         {"jurisdiction": "US", "patent_families": 6276, "applicant": None}]


def test_bad_sql_is_a_clear_error(root):
    result = invoke("query", "SELEC * FROM policies", root=root)
    assert result.exit_code == 2
    assert "query failed: Parser Error" in result.output
    assert "Traceback" not in result.output
    result = invoke("query", "SELECT * FROM no_such_table", root=root)
    assert result.exit_code == 2
    assert "no_such_table does not exist" in result.output


def test_unknown_release_names_the_available_ones(root, versions):
    for args in (["query", "SELECT 1", "--release", "1999.01.01"], ["validate", "--release", "1999.01.01"],
                 ["export", "--format", "csv", "--release", "1999.01.01"], ["diff", "1999.01.01", versions[0]]):
        result = invoke(*args, root=root)
        assert result.exit_code == 2, (args, result.output)
        assert "unknown release '1999.01.01'" in result.output
        assert f"available: {versions[0]}, {versions[1]}" in result.output
        assert "Traceback" not in result.output


def test_empty_root_says_there_are_no_releases(tmp_path):
    result = invoke("query", "SELECT 1", root=tmp_path / "empty")
    assert result.exit_code == 2
    assert "no releases in" in result.output


def _row_count(root, table: str) -> int:
    """Rows of a table in the latest release, as its manifest counts them."""
    latest = (root / "LATEST").read_text(encoding="utf-8").strip()
    return json.loads((root / latest / "manifest.json").read_text(encoding="utf-8"))["row_counts"][table]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_export_writes_every_table(root, tmp_path, fmt):
    out = tmp_path / "out"
    result = invoke("export", "--format", fmt, "--out", str(out), root=root)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.{fmt}" for n in schemas.tables())
    if fmt == "csv":
        with (out / "patent_counts.csv").open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == 27 and rows[0]["patent_families"] == "38210"
    elif fmt == "json":
        rows = json.loads((out / "policies.json").read_text(encoding="utf-8"))
        assert len(rows) == _row_count(root, "policies") and rows[0]["policy_id"].startswith("pol-")
    else:
        assert pq.read_table(out / "report_tables.parquet").num_rows == _row_count(root, "report_tables")


def test_export_one_view_and_unknown_table(root, tmp_path):
    result = invoke("export", "--format", "csv", "--table", "report_table_3_13", "--out", str(tmp_path), root=root)
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["report_table_3_13.csv"]
    assert "38,210" in (tmp_path / "report_table_3_13.csv").read_text(encoding="utf-8")
    result = invoke("export", "--format", "csv", "--table", "nope", "--out", str(tmp_path / "x"), root=root)
    assert result.exit_code == 2
    assert "unknown table 'nope'" in result.output and "patent_counts" in result.output
    assert not (tmp_path / "x").exists()


def test_validate_passes_on_a_good_release(root, versions):
    result = invoke("validate", "--release", versions[0], root=root)
    assert result.exit_code == 0, result.output
    assert f"Validation of release {versions[0]}" in result.output
    assert printed_versions(result.output) == [versions[0]]
    assert "OK: no critical expectation failed" in result.output
    assert re.search(r"patent_counts\s*│\s*27", result.output)


def _negate_patent_counts(release: Path) -> None:
    table = pq.read_table(release / "patent_counts.parquet")
    col = table.schema.get_field_index("patent_families")
    table = table.set_column(col, table.schema.field(col), pc.multiply(table.column(col), -1))
    pq.write_table(table, release / "patent_counts.parquet")


def test_validate_fails_on_a_broken_release(root, versions, tmp_path):
    # A release whose data breaks the contract, with its checksums made to match (so the expectations run).
    from warehouse.release.integrity import make_writable
    from warehouse.release.package import write_sha256sums

    broken = tmp_path / "releases"
    shutil.copytree(root / versions[-1], broken / versions[-1])
    make_writable(broken / versions[-1])
    _negate_patent_counts(broken / versions[-1])
    manifest_path = broken / versions[-1] / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"]["patent_counts.parquet"]["sha256"] = hashlib.sha256(
        (broken / versions[-1] / "patent_counts.parquet").read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    write_sha256sums(broken / versions[-1])
    result = invoke("validate", root=broken)
    assert result.exit_code == 1
    assert "table patent_counts: expect_column_values_to_be_between on patent_families failed" in result.output


def test_validate_names_every_altered_file(root, versions, tmp_path):
    from warehouse.release.integrity import make_writable

    altered = tmp_path / "releases"
    shutil.copytree(root / versions[-1], altered / versions[-1])
    release = altered / versions[-1]
    make_writable(release)
    _negate_patent_counts(release)
    (release / "data" / "sources.csv").unlink()
    (release / "notes.txt").write_text("added later", encoding="utf-8")
    result = invoke("validate", root=altered)
    assert result.exit_code == 1
    assert f"release {versions[-1]} was altered after publication (4 file(s))" in result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert lines[-4:] == ["data/sources.csv is missing (listed in SHA256SUMS)",
                          "notes.txt is not listed in SHA256SUMS (added after publication)",
                          "patent_counts.parquet differs from its sha256 in manifest.json",
                          "patent_counts.parquet was changed (its sha256 differs from SHA256SUMS)"]


def test_validate_names_an_unreadable_table_in_one_line(root, versions, tmp_path):
    # A corrupt Parquet file whose checksums were rewritten to match: read errors are one line, exit 1.
    from warehouse.release.integrity import make_writable
    from warehouse.release.package import write_sha256sums

    broken = tmp_path / "releases"
    shutil.copytree(root / versions[-1], broken / versions[-1])
    release = broken / versions[-1]
    make_writable(release)
    (release / "kpis.parquet").write_bytes(b"not a parquet file")
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["kpis.parquet"]["sha256"] = hashlib.sha256(b"not a parquet file").hexdigest()
    (release / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    write_sha256sums(release)
    result = invoke("validate", root=broken)
    assert result.exit_code == 1
    assert f"Error: release {versions[-1]}: cannot read kpis.parquet:" in result.output
    assert "Traceback" not in result.output


def test_published_files_are_read_only(root, versions):
    import stat

    for version in versions:
        release = root / version
        modes = {p.relative_to(release).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in release.rglob("*")}
        assert stat.S_IMODE(release.stat().st_mode) == 0o555
        assert modes["data"] == 0o555 and modes["atlas.duckdb"] == 0o444
        assert {m for name, m in modes.items() if name != "data"} == {0o444}


# Statements a user could try through `atlas query`: each is refused, and nothing is written anywhere.
ATTACKS = {
    "copy over a release file": ("COPY policies TO '{release}/policies.parquet'", "Permission Error"),
    "attach history read-write": ("ATTACH '{root}/history.duckdb' AS h (READ_WRITE)", "Permission Error"),
    "read a system file": ("SELECT * FROM read_csv('/etc/passwd')", "Permission Error"),
    "write anywhere": ("COPY (SELECT 1 AS x) TO '{tmp}/x.csv'", "Permission Error"),
    "install an extension": ("INSTALL httpfs", "Permission Error"),
    "load an extension": ("LOAD httpfs", "Permission Error"),
    "lift the restriction": ("SET enable_external_access = true", "the configuration has been locked"),
    "write to the database": ("CREATE TABLE t AS SELECT 1", "read-only"),
}


@pytest.mark.parametrize("attack", ATTACKS, ids=list(ATTACKS))
def test_query_is_read_only(root, versions, tmp_path, attack):
    from warehouse.release.integrity import verify_release

    sql, refusal = ATTACKS[attack]
    sql = sql.format(release=root / versions[-1], root=root, tmp=tmp_path)
    before = sorted(p.name for p in root.iterdir())
    result = invoke("query", sql, root=root)
    assert result.exit_code == 2, result.output
    assert "query failed:" in result.output and refusal in result.output
    assert "Traceback" not in result.output
    assert verify_release(root / versions[-1]) == [] and sorted(p.name for p in root.iterdir()) == before
    assert not (tmp_path / "x.csv").exists()


def test_export_refuses_the_release_root(root, versions):
    before = {p.relative_to(root) for p in root.rglob("*")}
    for target in (root / versions[-1] / "data", root / "exports"):
        result = invoke("export", "--format", "csv", "--out", str(target), root=root)
        assert result.exit_code == 2
        assert "refusing to export into the release root" in result.output
    assert {p.relative_to(root) for p in root.rglob("*")} == before


def test_diff_prints_the_change_and_writes_nothing(root, versions, tmp_path):
    other = tmp_path / "releases"
    shutil.copytree(root, other)
    result = invoke("diff", versions[1], versions[1], root=other)
    assert result.exit_code == 0, result.output
    assert "No record was added, removed or changed." in result.output
    # A third release whose 表 3-13 China count differs (the parquet file edited in place).
    changed = other / "2999.01.01"
    shutil.copytree(other / versions[-1], changed)
    table = pq.read_table(changed / "patent_counts.parquet")
    col = table.schema.get_field_index("patent_families")
    values = [38211 if v == 38210 else v for v in table.column(col).to_pylist()]
    table = table.set_column(col, table.schema.field(col), [values])
    pq.write_table(table, changed / "patent_counts.parquet")
    before = sorted(p.relative_to(other) for p in other.rglob("*"))
    result = invoke("diff", versions[-1], "2999.01.01", root=other)
    assert result.exit_code == 0, result.output
    assert re.search(r"patent_counts\s*│\s*0\s*│\s*0\s*│\s*1", result.output)
    assert "changed  patent_counts tier-2025-genai-global-economy:3-13:CN:*  patent_families: 38210 -> 38211" \
        in result.output
    assert sorted(p.relative_to(other) for p in other.rglob("*")) == before


def test_country_profile_one_row_per_jurisdiction(root, versions):
    from warehouse.release.views import create_country_profile, instrument_columns

    con = duckdb.connect()
    for name in ("policies", "patent_counts", "market_figures"):
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet(?)",
                    [str(root / versions[-1] / f"{name}.parquet")])
    assert create_country_profile(con) == "country_profile"
    expected = {r[0] for r in con.execute(
        "SELECT jurisdiction FROM policies UNION SELECT jurisdiction FROM patent_counts "
        "UNION SELECT scope FROM market_figures WHERE scope <> 'WLD'").fetchall()}
    rows = con.execute("SELECT jurisdiction FROM country_profile").fetchall()
    assert len(rows) == len(expected) == len({r[0] for r in rows})
    assert {r[0] for r in rows} == expected and "WLD" not in expected
    cn = con.execute("SELECT * FROM country_profile WHERE jurisdiction = 'CN'").df().iloc[0]
    assert cn["patent_families"] == 38210
    assert cn["top_applicant_patent_families"] == 7887          # README: 20.6 % of 38,210 from its top-20 firms
    assert cn["policies"] == sum(cn[c] for c in instrument_columns().values())
    assert con.execute("SELECT sum(policies) FROM country_profile").fetchone()[0] == \
        con.execute("SELECT count(*) FROM policies").fetchone()[0]
    assert con.execute("SELECT sum(market_figures) FROM country_profile").fetchone()[0] == \
        con.execute("SELECT count(*) FROM market_figures WHERE scope <> 'WLD'").fetchone()[0]
    comment = con.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'country_profile'").fetchone()[0]
    assert comment and "jurisdiction" in comment


def test_history_answers_as_of_queries(root, versions):
    from warehouse.release.history import build_history

    path = build_history(root)
    assert path == root.resolve() / "history.duckdb"
    assert not list(root.glob(".history.duckdb*"))
    con = duckdb.connect(str(path), read_only=True)
    try:
        for v in versions:
            assert con.execute("SELECT count(*) FROM patent_counts WHERE release = ?", [v]).fetchone()[0] == 27
        assert con.execute("SELECT count(DISTINCT release) FROM report_tables").fetchone()[0] == 2
        rows = con.execute("SELECT version, is_latest, json_extract(row_counts, '$.policies')::INT, "
                           "code_revision FROM releases ORDER BY version").fetchall()
        assert [r[0] for r in rows] == versions and [r[1] for r in rows] == [False, True]
        for version, _, policies, revision in rows:
            assert revision and policies == con.execute(
                "SELECT count(*) FROM policies WHERE release = ?", [version]).fetchone()[0] > 0
        sql = con.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'policies'").fetchone()[0]
        assert str(root.resolve() / versions[0] / "policies.parquet") in sql
    finally:
        con.close()
    con = duckdb.connect(str(build_history(root)), read_only=True)   # rebuilt from scratch over the old file
    assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 24      # 12 sources in each of 2 releases
    con.close()


def test_build_runs_the_main_job(root, versions, tmp_path, monkeypatch):
    import airflow.sdk.listener  # noqa: F401  (the build's progress listener imports Airflow: do it outside the
    #                              CliRunner, whose streams close after the command, so its logging holds none)

    from warehouse import run

    target = tmp_path / "built"
    calls = []

    def fake_run_dag():
        # stands in for dag.test(): "publishes" a copy of a real release into the release root in use
        import os

        release_root = Path(os.environ["ATLAS_RELEASES_DIR"])
        shutil.copytree(root / versions[-1], release_root / versions[-1])
        (release_root / "LATEST").write_text(versions[-1] + "\n", encoding="utf-8")
        calls.append("run_dag")
        return SimpleNamespace(state="success", run_id="manual__test")

    monkeypatch.setenv("ATLAS_RELEASES_DIR", str(target))            # restored after the test
    monkeypatch.setattr(run, "configure_airflow", lambda: calls.append("configure_airflow"))
    monkeypatch.setattr(run, "migrate_db", lambda: calls.append("migrate_db"))
    monkeypatch.setattr(run, "run_dag", fake_run_dag)
    result = invoke("build", root=target)
    assert result.exit_code == 0, result.output
    assert calls == ["configure_airflow", "migrate_db", "run_dag"]
    assert f"Release {versions[-1]} written to {target.resolve() / versions[-1]}\n" in result.output
    assert f" report_tables {_row_count(target, 'report_tables'):,} " in result.output

    monkeypatch.setattr(run, "run_dag", lambda: SimpleNamespace(state="failed", run_id="manual__bad"))
    result = invoke("build", root=target)
    assert result.exit_code == 1
    assert "run manual__bad ended failed: no release was published" in result.output
