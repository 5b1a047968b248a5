"""The expectation suites and their run (expectations/): severity on the expectations, example rows named by the
table's key through GX's ``unexpected_index_column_names``, errors reported, one reused context, and the
package's import boundary (it depends on schemas only).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from expectations import rules, suites

PACKAGE = Path(suites.__file__).parent


def _entry(report: dict, table: str, expectation: str, **kwargs) -> dict:
    found = [e for e in report["tables"][table]["expectations"]
             if e["expectation"] == expectation and all(e["kwargs"].get(k) == v for k, v in kwargs.items())]
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module")
def patents_report():
    # only two of patent_counts' columns: the checks on the others cannot run and say why
    frame = pd.DataFrame({"record_id": ["r1", "r2", "r3"], "patent_families": [5, -3, 0]})
    return suites.validate_frames({"patent_counts": frame})


def test_severity_is_carried_by_the_expectations():
    suite = suites.build_suite("patent_counts")
    severities = {(e.expectation_type, getattr(e, "column", None), getattr(e, "min_value", None)): e.severity.value
                  for e in suite.expectations}
    assert severities[("expect_column_values_to_be_between", "patent_families", 0)] == "critical"
    assert severities[("expect_column_values_to_be_between", "patent_families", 1)] == "warning"
    assert suite.name == "atlas.patent_counts"
    assert rules.table_rules("sources") == [] and rules.table_rules("no_such_table") == []


def test_failed_rows_are_named_by_the_key(patents_report):
    critical = _entry(patents_report, "patent_counts", "expect_column_values_to_be_between",
                      column="patent_families", min_value=0)
    assert (critical["severity"], critical["success"], critical["unexpected_count"]) == ("critical", False, 1)
    assert critical["examples"] == [{"patent_families": -3, "record_id": "r2"}]
    warning = _entry(patents_report, "patent_counts", "expect_column_values_to_be_between",
                     column="patent_families", min_value=1)
    assert (warning["severity"], warning["success"], warning["unexpected_count"]) == ("warning", False, 2)
    assert [x["record_id"] for x in warning["examples"]] == ["r2", "r3"]
    unique = _entry(patents_report, "patent_counts", "expect_column_values_to_be_unique", column="record_id")
    assert (unique["success"], unique["unexpected_count"], unique["examples"]) == (True, 0, [])


def test_an_expectation_that_cannot_run_fails_with_gx_message(patents_report):
    missing = _entry(patents_report, "patent_counts", "expect_column_values_to_not_be_null", column="basis")
    assert (missing["success"], missing["severity"], missing["unexpected_count"]) == (False, "critical", None)
    assert 'column "basis"' in missing["exception"] and "does not exist" in missing["exception"]
    assert patents_report["tables"]["patent_counts"]["success"] is False
    assert patents_report["success"] is False
    with pytest.raises(suites.ValidationFailed) as failed:
        suites.enforce(patents_report)
    text = str(failed.value)
    assert ('table patent_counts: expect_column_values_to_be_between on patent_families failed for 1 row(s), '
            'e.g. [{"patent_families": -3, "record_id": "r2"}]') in text
    assert 'table patent_counts: expect_column_values_to_not_be_null on basis failed for None row(s), e.g. []' \
        in text and 'column "basis" in BatchData does not exist' in text
    assert "on patent_families failed for 2 row(s)" not in text          # the warning does not block


def test_row_conditions_apply():
    frame = pd.DataFrame({"record_id": ["b1", "b2", "b3"], "period_basis": ["year", "period", "year"],
                          "fiscal_year": [None, None, 2025], "source_id": "s", "source_locator": "表 5 L1-1",
                          "kind": "item", "amount": 1.0, "period_start": 2025, "period_end": 2025})
    report = suites.validate_frames({"budgets": frame})
    entry = _entry(report, "budgets", "expect_column_values_to_not_be_null", column="fiscal_year")
    assert entry["kwargs"]["row_condition"] == {"column": {"name": "period_basis"}, "operator": "==",
                                                "parameter": "year", "type": "comparison"}
    assert (entry["success"], entry["unexpected_count"]) == (False, 1)
    assert [x["record_id"] for x in entry["examples"]] == ["b1"]


def test_one_context_is_reused_and_reruns_leave_nothing_behind(patents_report):
    runner = suites._runner()
    frame = pd.DataFrame({"record_id": ["r1", "r2", "r3"], "patent_families": [5, -3, 0]})
    again = suites.validate_frames({"patent_counts": frame})
    assert suites._runner() is runner
    assert again == patents_report
    names = {s.name for s in runner.context.suites.all()}
    assert "atlas.patent_counts" in names and not any(n.endswith(".failed") for n in names)
    assert not any(v.name.endswith(".failed") for v in runner.context.validation_definitions.all())


def test_key_columns_name_rows_of_tables_and_check_frames():
    assert suites.key_columns("patent_counts", pd.DataFrame(columns=["source_locator", "record_id", "x"])) == \
        ["record_id", "source_locator"]
    assert suites.key_columns("report_tables", pd.DataFrame(columns=["column_index", "table_id", "source_id",
                                                                     "row_index"])) == \
        ["source_id", "table_id", "row_index", "column_index"]
    assert suites.key_columns("printed_totals", pd.DataFrame(columns=["total", "source_locator"])) == \
        ["source_locator"]
    assert suites.key_columns("policy_integrity", pd.DataFrame(columns=["check", "key", "holds"])) == ["check", "key"]


def test_the_package_depends_on_schemas_only():
    imported = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    project = {p.name for p in PACKAGE.parent.iterdir() if (p / "__init__.py").exists()}
    assert imported & project == {"schemas", "expectations"}
