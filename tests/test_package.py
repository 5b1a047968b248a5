"""Release packaging (warehouse/release/package.py) on a real release built from the bundled sources in a tmp folder:
the Frictionless Data Package validates, matches the contract and the Parquet data, CITATION.cff and LICENSE.md
say what they must, and SHA256SUMS verifies with ``sha256sum -c`` and catches tampering."""
from __future__ import annotations

import datetime as dt
import json
import math
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

import schemas
from helpers import build_release, release_env
from warehouse.release import package
from warehouse.release.package import PackageError, write_package, write_sha256sums
from warehouse.release.package_texts import project_url

pytestmark = pytest.mark.release

TYPE_MAP = {"VARCHAR": "string", "INTEGER": "integer", "BIGINT": "integer", "DOUBLE": "number",
            "BOOLEAN": "boolean", "DATE": "date"}


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> dict:
    """One real release (all sources, validated, published and packaged); built once for the module."""
    with release_env(tmp_path_factory.mktemp("package")):
        folder = build_release("pkg")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {"dir": folder, "manifest": manifest}


def _copy(release: dict, tmp_path: Path) -> Path:
    dest = tmp_path / release["dir"].name
    shutil.copytree(release["dir"], dest)
    return dest


def _errors(report) -> str:
    return "\n".join(str(e) for e in report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "note"]))


def _sources(folder: Path) -> list[dict]:
    return pq.read_table(folder / "sources.parquet").to_pylist()


# --- datapackage.json ------------------------------------------------------------------------------------------

def test_write_package_reports_what_it_wrote(release, tmp_path):
    names = list(schemas.tables())
    expected = [f"data/{n}.csv" for n in names] + ["datapackage.json", "CITATION.cff", "CITATION.bib", "LICENSE.md",
                                                  "SHA256SUMS"]
    for rel in expected:                       # the publisher packaged the release
        assert (release["dir"] / rel).is_file(), rel
    unpackaged = _copy(release, tmp_path)      # the same release with its package removed, packaged again
    shutil.rmtree(unpackaged / "data")
    for rel in expected[len(names):]:
        (unpackaged / rel).unlink()
    assert write_package(unpackaged, release["manifest"]) == expected
    for rel in expected:
        assert (unpackaged / rel).is_file(), rel


def test_datapackage_is_valid_frictionless(release):
    import frictionless

    report = frictionless.validate(str(release["dir"] / "datapackage.json"))
    print(_errors(report))
    assert report.valid, _errors(report)
    assert [t.name for t in report.tasks] == list(schemas.tables())
    assert all(t.stats.get("rows", 0) == release["manifest"]["row_counts"][t.name] for t in report.tasks)


def test_frictionless_cli_accepts_the_package(release):
    cli = Path(sys.executable).with_name("frictionless")
    proc = subprocess.run([str(cli), "validate", str(release["dir"] / "datapackage.json")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_package_metadata(release):
    dp = json.loads((release["dir"] / "datapackage.json").read_text(encoding="utf-8"))
    manifest = release["manifest"]
    assert dp["name"] == "genai-policy-atlas"
    assert dp["title"] == "GenAI Policy Atlas"
    assert dp["version"] == manifest["version"]
    assert dp["created"] == manifest["created"]
    assert dp["description"]
    assert dp["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                               "title": "Creative Commons Attribution 4.0 International"}]
    assert dp["contributors"] and dp["contributors"][0]["title"] == "GenAI Policy Atlas contributors"
    sources = _sources(release["dir"])
    assert [s["title"] for s in dp["sources"]] == [s["title"] for s in sources]
    for entry, src in zip(dp["sources"], sources, strict=True):
        assert src["licence"] in entry["description"]
        assert src["publisher"] in entry["description"]


def test_every_contract_table_is_a_resource_with_its_schema(release):
    dp = json.loads((release["dir"] / "datapackage.json").read_text(encoding="utf-8"))
    contract = schemas.tables()
    assert [r["name"] for r in dp["resources"]] == list(contract)
    for res in dp["resources"]:
        tbl = contract[res["name"]]
        assert res["path"] == f"data/{tbl.name}.csv"
        assert f"{tbl.name}.parquet" in res["description"]
        fields = res["schema"]["fields"]
        assert [f["name"] for f in fields] == tbl.column_names          # contract order
        assert res["schema"]["primaryKey"] == list(tbl.primary_key)
        for f, col in zip(fields, tbl.columns, strict=True):
            constraints = f.get("constraints", {})
            assert f["type"] == TYPE_MAP[col.type]
            assert f["description"] == col.description
            assert constraints.get("required", False) == (not col.nullable or col.name in tbl.primary_key)
            if col.enum:
                assert constraints["enum"] == list(col.enum)
            if col.vocabulary:
                assert "TW" in constraints["enum"]
            if col.pattern:
                assert "pattern" in constraints
            if col.min is not None:
                assert constraints["minimum"] == col.min
            if col.max is not None:
                assert constraints["maximum"] == col.max
        data = release["dir"] / res["path"]
        assert res["bytes"] == data.stat().st_size
        assert res["hash"] == "sha256:" + package.sha256_file(data)


def test_csv_holds_the_parquet_rows(release):
    """Read back through the Table Schema, every CSV value equals the Parquet value (NULLs, dates, booleans,
    floats exactly)."""
    import frictionless

    dp = frictionless.Package(str(release["dir"] / "datapackage.json"))
    for name in schemas.tables():
        expected = pq.read_table(release["dir"] / f"{name}.parquet").to_pylist()
        with dp.get_resource(name) as res:
            got = [row.to_dict() for row in res.read_rows()]
        assert len(got) == len(expected), name
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            for col, want in e.items():
                have = g[col]
                if isinstance(have, Decimal):
                    have = float(have)
                assert have == want and type(have) is type(want) or (want is None and have is None), \
                    (name, i, col, have, want)


def test_csv_text_format(release):
    text = (release["dir"] / "data" / "policies.csv").read_bytes().decode("utf-8")
    header, first = text.split("\r\n")[:2]
    assert header.split(",") == schemas.table("policies").column_names
    assert re.search(r",\d{4}-\d{2}-\d{2},", text)                      # ISO dates
    assert re.search(r",(true|false),", first)                          # boolean


def test_constraints_are_enforced(release, tmp_path):
    """A value outside the contract (enum) and changed bytes (hash) make the package invalid."""
    import frictionless

    folder = _copy(release, tmp_path)
    csv_file = folder / "data" / "quality_flags.csv"
    text = csv_file.read_text(encoding="utf-8")
    assert ",warning," in text
    csv_file.write_text(text.replace(",warning,", ",severe,", 1), encoding="utf-8")
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert not report.valid
    types = {e[0] for e in report.flatten(["type"])}
    assert "constraint-error" in types and "hash-count" in types, _errors(report)


def test_table_schema_patterns_match_like_the_contract():
    samples = ["zh-Hant", "en", "EN", "zh_Hant", "a" * 64, "0" * 64, "表 3-13 L1985-1985", "表 3-1 L812",
               "3-13", "3-", "USD", "usd", "pol-0123456789ab", "pol-0123"]
    for tbl in schemas.tables().values():
        for col in tbl.columns:
            if col.pattern:
                ts = package.table_schema_pattern(col.pattern)
                assert "(?:" not in ts and not ts.startswith("^") and not ts.endswith("$")
                for s in samples:
                    assert bool(re.fullmatch(ts, s)) == bool(re.match(col.pattern, s)), (col.name, s)


def test_vocabularies_match_the_expectation_suites():
    from expectations.suites import jurisdiction_codes

    assert set(package.vocabulary("jurisdiction")) == set(jurisdiction_codes())
    assert set(package.vocabulary("scope")) == set(jurisdiction_codes()) | {"WLD"} | {"002", "009", "019", "021",
                                                                                      "142", "150", "419"}


def _export(tmp_path: Path, name: str, rows: list[dict]) -> tuple[str, list[list[str]]]:
    """Rows of contract table ``name`` exported by package.export_csv: (text, cells). Unset columns are NULL,
    or "x" / 1 / 1.0 / false where the contract requires a value."""
    import csv

    schema = schemas.arrow_schema(name)
    filler = {"VARCHAR": "x", "INTEGER": 1, "BIGINT": 1, "DOUBLE": 1.0, "BOOLEAN": False, "DATE": dt.date(2026, 1, 1)}
    defaults = {c.name: None if c.nullable else filler[c.type] for c in schemas.table(name).columns}
    pq.write_table(pa.Table.from_pylist([{**defaults, **r} for r in rows], schema=schema),
                   tmp_path / f"{name}.parquet")
    out = tmp_path / "data" / f"{name}.csv"
    assert package.export_csv(tmp_path / f"{name}.parquet", out, name) == len(rows)
    text = out.read_bytes().decode("utf-8")
    with out.open(encoding="utf-8", newline="") as fh:
        cells = list(csv.reader(fh))
    assert cells[0] == schema.names
    return text, [dict(zip(schema.names, r, strict=True)) for r in cells[1:]]


def test_csv_cells(tmp_path):
    """Cells as the CSV export writes them: NULL as an empty field, booleans true/false, ISO dates, floats in
    the shortest round-trip form (exactly), NaN and infinities as frictionless reads them, CRLF line ends and a
    field quoted only where it holds a comma, quote or line break."""
    floats = [0.1, 2.6e12, 1e16, 7.9, 0.0, 38210.0, math.nan, math.inf, -math.inf]
    printed = ["0.1", "2600000000000.0", "1e+16", "7.9", "0.0", "38210.0", "NaN", "INF", "-INF"]
    text, rows = _export(tmp_path, "market_figures", [
        {"record_id": f"m{i}", "value_low": x, "value_printed": 'a,"b"\nc' if i == 0 else "plain text"}
        for i, x in enumerate(floats)])
    assert [r["value_low"] for r in rows] == printed
    assert all(float(p) == x for p, x in zip(printed, floats, strict=True) if not math.isnan(x))
    assert {r["value_high_base"] for r in rows} == {""} and {r["period_start"] for r in rows} == {""}
    assert text.startswith("record_id,scope,")
    assert text.count("\r\n") == len(floats) + 1              # header and rows; a cell keeps its "\n"
    assert ',"a,""b""\nc",' in text and ",plain text," in text
    _, rows = _export(tmp_path, "policies", [
        {"policy_id": "pol-1", "issued_on": dt.date(2025, 3, 1), "genai_specific": True, "mention_count": 12},
        {"policy_id": "pol-2", "issued_on": None, "genai_specific": False, "mention_count": 1}])
    assert [(r["issued_on"], r["genai_specific"], r["mention_count"]) for r in rows] == \
        [("2025-03-01", "true", "12"), ("", "false", "1")]


def test_table_schema_is_frictionless_and_in_the_package(release):
    from frictionless import Schema, fields

    dp = json.loads((release["dir"] / "datapackage.json").read_text(encoding="utf-8"))
    for res in dp["resources"]:
        schema = package.table_schema(res["name"])
        assert isinstance(schema, Schema)
        assert schema.to_descriptor() == res["schema"]
    policies = package.table_schema("policies")
    assert isinstance(policies.get_field("issued_on"), fields.DateField)
    assert isinstance(policies.get_field("mention_count"), fields.IntegerField)
    assert policies.get_field("mention_count").constraints == {"required": True, "minimum": 1}
    assert policies.get_field("policy_id").constraints == {"required": True, "pattern": "pol-[0-9a-f]{12}"}


def test_empty_string_is_refused(tmp_path):
    schema = schemas.arrow_schema("quality_flags")
    row = {"flag_id": "f1", "table_name": "policies", "record_key": "", "check_name": "x", "severity": "info",
           "detail": "d", "source_id": "s", "source_locator": "表 1-1 L1"}
    pq.write_table(pa.Table.from_pylist([row], schema=schema), tmp_path / "quality_flags.parquet")
    with pytest.raises(PackageError, match="record_key"):
        package.export_csv(tmp_path / "quality_flags.parquet", tmp_path / "out.csv", "quality_flags")


def test_off_contract_parquet_is_refused(tmp_path):
    pq.write_table(pa.table({"source_id": ["a"]}), tmp_path / "sources.parquet")
    with pytest.raises(PackageError, match="differ from the contract"):
        package.export_csv(tmp_path / "sources.parquet", tmp_path / "out.csv", "sources")


def test_a_packaged_release_is_not_rewritten(release, tmp_path):
    folder = _copy(release, tmp_path)
    before = (folder / "datapackage.json").read_bytes()
    with pytest.raises(PackageError, match="never rewritten"):
        write_package(folder, release["manifest"])
    assert (folder / "datapackage.json").read_bytes() == before


def test_manifest_without_version_is_refused(release, tmp_path):
    with pytest.raises(PackageError, match="version"):
        write_package(tmp_path, {"created": release["manifest"]["created"]})


# --- CITATION.cff ----------------------------------------------------------------------------------------------

# Keys allowed by the CFF 1.2.0 schema (root and reference) that matter here.
CFF_ROOT_KEYS = {"abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi", "identifiers",
                 "keywords", "license", "license-url", "message", "preferred-citation", "references", "repository",
                 "repository-artifact", "repository-code", "title", "type", "url", "version"}
CFF_REFERENCE_KEYS_USED = {"type", "title", "authors", "institution", "year", "month", "date-published",
                           "languages", "notes"}


def test_citation_cff(release, release_date):
    cff = yaml.safe_load((release["dir"] / "CITATION.cff").read_text(encoding="utf-8"))
    manifest = release["manifest"]
    assert set(cff) <= CFF_ROOT_KEYS
    for key in ("cff-version", "message", "title", "authors", "version", "date-released", "license", "type",
                "references"):
        assert key in cff, key
    assert cff["cff-version"] == "1.2.0"
    assert cff["title"] == "GenAI Policy Atlas"
    assert cff["type"] == "dataset"
    assert cff["license"] == "CC-BY-4.0"
    assert str(cff["version"]) == manifest["version"]
    assert str(cff["date-released"]) == manifest["created"][:10]
    assert str(cff["date-released"]) == release_date.isoformat()
    assert cff["authors"] == [{"name": "GenAI Policy Atlas contributors"}]
    assert cff["url"] == cff["repository-code"] == project_url()
    key = "genai_policy_atlas_" + manifest["version"].replace(".", "_")
    assert cff["preferred-citation"]["version"] == manifest["version"]
    assert key in cff["message"] and key in cff["preferred-citation"]["notes"]
    bib = (release["dir"] / "CITATION.bib").read_text(encoding="utf-8")
    assert bib.startswith(f"@misc{{{key},\n") and f"  url          = {{{project_url()}}},\n" in bib
    assert "YourReferenceHere" not in bib
    sources = _sources(release["dir"])
    assert len(cff["references"]) == len(sources)
    for ref, src in zip(cff["references"], sources, strict=True):
        assert set(ref) <= CFF_REFERENCE_KEYS_USED
        assert ref["type"] == "report"
        assert ref["title"] == src["title"]
        assert ref["authors"] == [{"name": src["publisher"]}]
        assert ref["institution"] == {"name": src["publisher"]}
        assert all(re.fullmatch(r"[a-z]{2,3}", lang) for lang in ref.get("languages", []))


# --- LICENSE.md ------------------------------------------------------------------------------------------------

def test_license_names_cc_by_and_every_source(release):
    text = (release["dir"] / "LICENSE.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in text
    assert "https://creativecommons.org/licenses/by/4.0/" in text
    sources = _sources(release["dir"])
    for src in sources:
        assert src["title"] in text, src["source_id"]
        assert src["licence"] in text, src["source_id"]
    phrase = "values are quoted from the source; the source's own terms apply to them"
    assert text.lower().count(phrase) >= len(sources)


# --- SHA256SUMS ------------------------------------------------------------------------------------------------

def _sha256sum_check(folder: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("sha256sum")
    if exe is None:
        pytest.skip("sha256sum (coreutils) not installed")
    return subprocess.run([exe, "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True, timeout=120)


def test_sha256sums_verify_and_cover_every_file(release):
    folder = release["dir"]
    proc = _sha256sum_check(folder)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    listed = [line.split("  ", 1)[1] for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()]
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert sorted(listed) == [p for p in on_disk if p != "SHA256SUMS"]
    assert "data/policies.csv" in listed and "manifest.json" in listed and "datapackage.json" in listed


def test_sha256sums_catch_a_tampered_file(release, tmp_path):
    folder = _copy(release, tmp_path)
    with (folder / "data" / "sources.csv").open("ab") as fh:
        fh.write(b"\n")
    proc = _sha256sum_check(folder)
    assert proc.returncode != 0
    assert "data/sources.csv: FAILED" in proc.stdout


def test_write_sha256sums_can_be_rerun_after_more_files(release, tmp_path):
    folder = _copy(release, tmp_path)
    (folder / "extra").mkdir()
    (folder / "extra" / "notes.txt").write_text("late file\n", encoding="utf-8")
    assert write_sha256sums(folder) == folder / "SHA256SUMS"
    assert "extra/notes.txt" in (folder / "SHA256SUMS").read_text(encoding="utf-8")
    assert _sha256sum_check(folder).returncode == 0
