"""Record-level diff between releases, the changelog and the content digest, on real releases.

Three releases are built once for the module with the pipeline's own functions (no Airflow): two from identical
inputs (in two release roots, since unchanged content is not published twice), then one after a declared change
of one printed number in a copy of the sources (表 3-13, China: 38,210 -> 38,211, snapshot metadata updated).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import schemas
from helpers import build_release, printed_versions, rewrite_snapshot
from warehouse.release import diff

pytestmark = pytest.mark.release

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SOURCE_000 = "tier-2025-genai-global-economy"


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("diff")
    sources = base / "sources"
    shutil.copytree(PROJECT_ROOT / "sources", sources)
    for p in sources.iterdir():
        p.chmod(0o644)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ATLAS_RELEASES_DIR", str(base / "releases"))
        mp.setenv("ATLAS_WORK_DIR", str(base / "work"))
        mp.setenv("ATLAS_SOURCES_DIR", str(sources))
        first = build_release("first")
        # identical inputs publish nothing new into the same root: build the twin in a root of its own
        mp.setenv("ATLAS_RELEASES_DIR", str(base / "releases-twin"))
        second = build_release("second")
        mp.setenv("ATLAS_RELEASES_DIR", str(base / "releases"))
        rewrite_snapshot(sources, SOURCE_000, "中國\t1\t38,210", "中國\t1\t38,211")
        changed = build_release("changed")
    return {"first": first, "second": second, "changed": changed}


def test_identical_inputs_diff_to_nothing_and_have_equal_digests(releases):
    first, second = releases["first"], releases["second"]
    changes = diff.diff_releases(first, second)
    assert changes.num_rows == 0
    assert changes.schema.names == ["table_name", "record_key", "change", "field", "old_value", "new_value"]
    assert diff.content_digest(first) == diff.content_digest(second)
    assert re.fullmatch(r"[0-9a-f]{64}", diff.content_digest(first))


def test_one_changed_number_is_one_changed_record_per_table_that_holds_it(releases):
    changes = diff.diff_releases(releases["second"], releases["changed"])
    rows = changes.to_pylist()
    # The one printed number changed in the snapshot reaches three tables, each as exactly one field:
    # - patent_counts: the parsed count of China in 表 3-13 (the change the issue is about);
    # - report_tables: the same cell as printed (row 1, column 2 of 表 3-13: "38,210" -> "38,211");
    # - sources: the snapshot's sha256 (the declared change of the document; same length, so size_bytes equal).
    # Nothing is added or removed, no quality flag or market figure changes.
    patent = [r for r in rows if r["table_name"] == "patent_counts"]
    assert len(patent) == 1
    assert patent[0]["change"] == "changed"
    assert "3-13:CN" in patent[0]["record_key"]
    assert patent[0]["record_key"] == f"{SOURCE_000}:3-13:CN:*"
    assert (patent[0]["field"], patent[0]["old_value"], patent[0]["new_value"]) == ("patent_families", "38210", "38211")

    report = [r for r in rows if r["table_name"] == "report_tables"]
    assert report == [{"table_name": "report_tables", "record_key": f"{SOURCE_000}|3-13|1|2", "change": "changed",
                       "field": "value", "old_value": "38,210", "new_value": "38,211"}]
    source = [r for r in rows if r["table_name"] == "sources"]
    assert len(source) == 1 and source[0]["record_key"] == SOURCE_000 and source[0]["field"] == "sha256"
    assert source[0]["old_value"] != source[0]["new_value"]
    assert [r["table_name"] for r in rows] == ["sources", "patent_counts", "report_tables"]   # contract order
    assert {r["change"] for r in rows} == {"changed"}
    assert diff.summarise(changes)["patent_counts"] == {"added": 0, "removed": 0, "changed": 1}
    assert diff.content_digest(releases["second"]) != diff.content_digest(releases["changed"])


def readme_changes_query() -> str:
    """README question 7 ("What changed since the last release?"): the SQL block that reads ``changes``."""
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    [sql] = [b for b in re.findall(r"```sql\n(.*?)```", text, flags=re.S) if "FROM changes" in b]
    return sql


def test_readme_question_7_answers_what_changed_from_the_release_database(releases):
    import duckdb

    con = duckdb.connect(str(releases["changed"] / "atlas.duckdb"), read_only=True)
    rows = con.execute(readme_changes_query()).fetchall()
    comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'changes'").fetchone()[0]
    con.close()
    # the one changed printed number, and the document's checksum: the same rows as changes.parquet
    assert [r[:4] for r in rows] == [
        ("patent_counts", "changed", f"{SOURCE_000}:3-13:CN:*", "patent_families"),
        ("report_tables", "changed", f"{SOURCE_000}|3-13|1|2", "value"),
        ("sources", "changed", SOURCE_000, "sha256")]
    assert rows[0][4:] == ("38210", "38211") and rows[1][4:] == ("38,210", "38,211")
    assert comment == f"Record-level changes since release {releases['first'].name}."
    assert len(rows) == pq.read_metadata(releases["changed"] / "changes.parquet").num_rows


def test_diff_is_deterministic_and_symmetric(releases):
    forward = diff.diff_releases(releases["second"], releases["changed"])
    assert forward.equals(diff.diff_releases(releases["second"], releases["changed"]))
    backward = diff.diff_releases(releases["changed"], releases["second"]).to_pylist()
    patent = [r for r in backward if r["table_name"] == "patent_counts"][0]
    assert (patent["old_value"], patent["new_value"]) == ("38211", "38210")


def test_first_release_lists_every_record_as_added(releases, tmp_path):
    changes = diff.diff_releases(None, releases["first"])
    counts = diff.summarise(changes)
    for name in schemas.tables():
        assert counts[name]["added"] == pq.read_metadata(releases["first"] / f"{name}.parquet").num_rows
        assert counts[name]["removed"] == counts[name]["changed"] == 0
    assert set(changes.column("field").to_pylist()) == {None}
    written = diff.write_changes(changes, tmp_path, None, releases["first"].name)
    assert written == ["changes.parquet", "CHANGELOG.md"]
    text = (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "First release: there is no previous release to compare with" in text
    assert pq.read_table(tmp_path / "changes.parquet").num_rows == changes.num_rows


def test_write_changes_writes_parquet_and_changelog(releases, tmp_path):
    old, new = releases["second"], releases["changed"]
    changes = diff.diff_releases(old, new)
    diff.write_changes(changes, tmp_path, old.name, new.name)
    table = pq.read_table(tmp_path / "changes.parquet")
    assert table.num_rows == 3
    assert table.schema.metadata[b"old_version"].decode() == old.name
    assert table.schema.metadata[b"new_version"].decode() == new.name
    text = (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"Compared with release {old.name}" in text and printed_versions(text) == [new.name, old.name]
    assert "| patent_counts | 0 | 0 | 1 |" in text
    assert "| **total** | 0 | 0 | 3 |" in text
    assert f"- `{SOURCE_000}:3-13:CN:*`\n  - patent_families: `38210` -> `38211`" in text
    assert "value: `38,210` -> `38,211`" in text

    diff.write_changes(diff.diff_releases(releases["first"], releases["second"]), tmp_path / "same",
                       releases["first"].name, releases["second"].name)
    assert "No record was added, removed or changed." in (tmp_path / "same" / "CHANGELOG.md").read_text("utf-8")


def test_changelog_of_one_changed_number_exactly(releases, tmp_path):
    old, new = releases["second"], releases["changed"]
    diff.write_changes(diff.diff_releases(old, new), tmp_path, old.name, new.name)
    sha = [pq.read_table(r / "sources.parquet", filters=[("source_id", "=", SOURCE_000)]).column("sha256")[0]
           .as_py() for r in (old, new)]
    counts = {name: (1 if name in ("sources", "patent_counts", "report_tables") else 0) for name in schemas.tables()}
    assert (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8") == "\n".join([
        f"# Release {new.name}: changes", "",
        f"Compared with release {old.name}, record by record (records matched by each table's primary key; "
        "`changes.parquet` has every change).", "",
        "| table | added | removed | changed |", "|---|---:|---:|---:|",
        *(f"| {name} | 0 | 0 | {n} |" for name, n in counts.items()),
        "| **total** | 0 | 0 | 3 |", "",
        "## sources", "", "### Changed (1)", "", f"- `{SOURCE_000}`", f"  - sha256: `{sha[0]}` -> `{sha[1]}`", "",
        "## patent_counts", "", "### Changed (1)", "", f"- `{SOURCE_000}:3-13:CN:*`",
        "  - patent_families: `38210` -> `38211`", "",
        "## report_tables", "", "### Changed (1)", "", f"- `{SOURCE_000}|3-13|1|2`", "  - value: `38,210` -> `38,211`",
        ""])
    table = pq.read_table(tmp_path / "changes.parquet")
    assert table.schema.remove_metadata() == diff.changes_schema().remove_metadata()
    assert [f.metadata for f in table.schema] == [f.metadata for f in diff.changes_schema()]
    assert table.to_pylist() == diff.diff_releases(old, new).to_pylist()


def test_added_and_removed_records_by_key(releases, tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(releases["first"], old)
    shutil.copytree(releases["first"], new)
    policies = pq.read_table(old / "policies.parquet")
    dropped = policies.column("policy_id")[0].as_py()
    pq.write_table(policies.slice(1), new / "policies.parquet")                  # one policy removed
    flags = pq.read_table(old / "quality_flags.parquet")
    extra = flags.slice(0, 1).set_column(0, "flag_id", pa.array(["flag-000000000000"]))
    pq.write_table(pa.concat_tables([flags, extra.cast(flags.schema)]), new / "quality_flags.parquet")
    rows = diff.diff_releases(old, new).to_pylist()
    assert rows == [
        {"table_name": "policies", "record_key": dropped, "change": "removed", "field": None,
         "old_value": None, "new_value": None},
        {"table_name": "quality_flags", "record_key": "flag-000000000000", "change": "added", "field": None,
         "old_value": None, "new_value": None},
    ]
    diff.write_changes(diff.diff_releases(old, new), tmp_path / "out", "A", "B")
    text = (tmp_path / "out" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"### Removed (1)\n\n- `{dropped}`" in text
    assert "### Added (1)\n\n- `flag-000000000000`" in text


def test_digest_ignores_parquet_metadata_but_not_values(releases, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(releases["first"], copy)
    table = pq.read_table(copy / "patent_counts.parquet")
    # Same rows rewritten: other metadata, compression and row groups -> other file bytes, same digest.
    pq.write_table(table.replace_schema_metadata({"written": "elsewhere"}), copy / "patent_counts.parquet",
                   compression="gzip", row_group_size=5)
    assert (copy / "patent_counts.parquet").read_bytes() != (releases["first"] / "patent_counts.parquet").read_bytes()
    assert diff.content_digest(copy) == diff.content_digest(releases["first"])
    # Row order is content: the file order of a release is deterministic, so a reorder is a change.
    pq.write_table(table.take(list(reversed(range(table.num_rows)))), copy / "patent_counts.parquet")
    assert diff.content_digest(copy) != diff.content_digest(releases["first"])


# --- the SQL diff on small hand-made tables (no release needed) ------------------------------------------------

def _cell(row_index: int, column_index: int, **values) -> dict:
    row = {"source_id": SOURCE_000, "table_id": "3-13", "caption": "表 3-13", "row_index": row_index,
           "is_header": False, "column_index": column_index, "column_name": "件數", "value": "1",
           "line_start": 1985, "line_end": 1985}
    return {**row, **values}


def _write_cells(path: Path, rows: list[dict]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schemas.arrow_schema("report_tables")),
                   path / "report_tables.parquet")
    return path


def test_sql_diff_reports_each_change_exactly_in_key_order(tmp_path):
    """A FULL OUTER JOIN on the composite key (source_id, table_id, row_index, column_index): the changed cell
    38,210 -> 38,211, a NULL -> value and a boolean change on one record (two rows, in column order), an added
    and a removed cell; keys ordered numerically (row 2 before row 10), rows shuffled in the files."""
    old = _write_cells(tmp_path / "old", [
        _cell(10, 1), _cell(1, 2, value="38,210"), _cell(2, 1, column_name=None), _cell(0, 0, is_header=True)])
    new = _write_cells(tmp_path / "new", [
        _cell(0, 0, is_header=True), _cell(2, 2), _cell(2, 1, column_name="國家", is_header=True),
        _cell(1, 2, value="38,211")])
    rows = diff.diff_tables("report_tables", old / "report_tables.parquet", new / "report_tables.parquet")
    assert rows.schema == diff.changes_schema()
    key = f"{SOURCE_000}|3-13"
    assert rows.to_pylist() == [
        {"table_name": "report_tables", "record_key": f"{key}|1|2", "change": "changed", "field": "value",
         "old_value": "38,210", "new_value": "38,211"},
        {"table_name": "report_tables", "record_key": f"{key}|2|1", "change": "changed", "field": "is_header",
         "old_value": "false", "new_value": "true"},
        {"table_name": "report_tables", "record_key": f"{key}|2|1", "change": "changed", "field": "column_name",
         "old_value": None, "new_value": "國家"},
        {"table_name": "report_tables", "record_key": f"{key}|2|2", "change": "added", "field": None,
         "old_value": None, "new_value": None},
        {"table_name": "report_tables", "record_key": f"{key}|10|1", "change": "removed", "field": None,
         "old_value": None, "new_value": None},
    ]
    # the whole folder diff: the same rows, and a table file missing on both sides has no rows
    assert diff.diff_releases(old, new).to_pylist() == rows.to_pylist()
    assert diff.summarise(rows)["report_tables"] == {"added": 1, "removed": 1, "changed": 2}
    assert diff.diff_tables("report_tables", None, new / "report_tables.parquet").column("change").to_pylist() \
        == ["added"] * 4


def test_sql_diff_refuses_duplicate_and_missing_keys(tmp_path):
    dup = _write_cells(tmp_path / "dup", [_cell(1, 2), _cell(3, 1), _cell(1, 2, value="2")])
    ok = _write_cells(tmp_path / "ok", [_cell(1, 2)])
    with pytest.raises(ValueError, match=rf"table report_tables has duplicate primary key '{SOURCE_000}\|3-13\|1\|2'"):
        diff.diff_releases(ok, dup)
    pq.write_table(pa.table({"source_id": ["a"], "value": ["1"]}), tmp_path / "ok" / "report_tables.parquet")
    with pytest.raises(ValueError, match="lacks primary key column.s. table_id, row_index, column_index"):
        diff.diff_releases(None, ok)


def test_sql_value_text_agrees_with_python():
    """The text the SQL diff compares and reports equals :func:`diff.value_text` of the Python value."""
    import datetime as dt

    import duckdb

    values = {
        "DOUBLE": [38210.0, 0.1, 2.6e12, 1e16, 1.5e-05, -0.0, 6.6000000000000005, float("nan"), float("inf"), None],
        "BIGINT": [0, -7, 2**62, None],
        "BOOLEAN": [True, False, None],
        "DATE": [dt.date(2025, 3, 1), dt.date(999, 12, 31), None],
        "VARCHAR": ["38,210", "", "表 3-13\n", None],
    }
    con = duckdb.connect()
    for duck_type, items in values.items():
        con.register("data", pa.table({"v": pa.array(items)}))
        got = con.sql(f"SELECT {diff.text_sql('v', duck_type)} FROM data").fetchall()
        assert [g[0] for g in got] == [diff.value_text(v) for v in items], duck_type
    con.close()


def test_changelog_lists_at_most_limit_records_per_list(tmp_path):
    from warehouse.release.changelog import changelog_markdown

    old = _write_cells(tmp_path / "old", [_cell(1, 1), _cell(1, 2), _cell(1, 3, value="a`b")])
    new = _write_cells(tmp_path / "new", [_cell(1, 1, value="2"), _cell(1, 2, value="3"), _cell(1, 3, value=None),
                                          _cell(2, 1), _cell(2, 2)])
    text = changelog_markdown(diff.diff_releases(old, new), "A", "B", limit=1)
    key = f"{SOURCE_000}|3-13"
    assert text.endswith(
        "| **total** | 2 | 0 | 3 |\n\n"
        "## report_tables\n\n"
        "### Changed (3)\n\n"
        f"- `{key}|1|1`\n  - value: `1` -> `2`\n"
        "- … and 2 more (see `changes.parquet`)\n\n"
        "### Added (2)\n\n"
        f"- `{key}|2|1`\n"
        "- … and 1 more (see `changes.parquet`)\n")
    assert "`` a`b `` -> NULL" in changelog_markdown(diff.diff_releases(old, new), "A", "B")
