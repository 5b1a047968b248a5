"""The accuracy measurement (benchmarks/accuracy.py) runs on the current extraction and reports figures.

Asserts only that it runs and returns per-table figures: accuracy thresholds are not a test.
"""
from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "tests" / "reference"


def _load_script():
    spec = importlib.util.spec_from_file_location("atlas_accuracy", ROOT / "benchmarks" / "accuracy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reference_files_are_well_formed():
    for name in ("policies", "patent_counts", "market_figures", "budgets", "kpis", "indicators"):
        doc = yaml.safe_load((REFERENCE / f"{name}.yaml").read_text(encoding="utf-8"))
        scopes = {s["id"]: s for s in doc["scopes"]}
        assert doc["records"], name
        for rec in doc["records"]:
            lo, hi = scopes[rec["scope"]]["lines"]
            lines = rec.get("lines") or [rec["line"]]
            assert all(lo <= ln <= hi for ln in lines), (name, rec)


def test_accuracy_script_runs_and_reports_per_table_figures():
    accuracy = _load_script()
    out = io.StringIO()
    summary = accuracy.main([], out=out)
    tables = summary["tables"]
    assert set(tables) == set(accuracy.REFERENCE_TABLES)
    for name, res in tables.items():
        assert "status" in res, name
        if "tp" in res:
            assert {"precision", "recall", "fp", "fn", "scopes", "misses", "extras"} <= set(res), name
    assert "policies" in tables and "recall" in tables["policies"]
    assert "== summary ==" in out.getvalue()
    assert "total" in summary["timing"]


def test_missing_table_is_reported_not_extracted(tmp_path):
    accuracy = _load_script()
    results = accuracy.measure({}, REFERENCE)
    for res in results.values():
        assert res["status"].startswith("not extracted") or res["status"] == "measured"
