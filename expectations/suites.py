"""Great Expectations 1.x suites, written as code from the data contract (schemas/tables.yaml), and their run.

One suite per dataset table (:func:`build_suite`): the contract's generic checks plus the table's own rules
(:mod:`expectations.rules`), and one per derived check frame (:mod:`expectations.derived`). Severity is
carried by each expectation: critical ones block publication, ``severity="warning"`` ones are recorded.

:func:`validate_frames` runs them through GX's own machinery: one ephemeral context, and per table one pandas
data asset, batch definition and ``ValidationDefinition``. Every suite runs with ``BOOLEAN_ONLY`` results (the
cheap pass); only the expectations that failed run again with ``SUMMARY`` results and
``unexpected_index_column_names`` set to the table's key, so GX itself names example rows by their id.

Import this module only inside a task: great_expectations costs seconds to import.
"""
from __future__ import annotations

import json
import logging
import os
import threading
from functools import lru_cache
from pathlib import Path

import great_expectations as gx
import pandas as pd

import schemas
from expectations.derived import DERIVED, add_derived, budget_totals, policy_integrity, printed_totals
from expectations.rules import contract_expectations, table_rules
from schemas import jurisdiction_codes

__all__ = ["ValidationFailed", "budget_totals", "build_suite", "enforce", "jurisdiction_codes", "policy_integrity",
           "printed_totals", "validate_dir", "validate_frames"]

log = logging.getLogger(__name__)
_EXAMPLES = 5
_table_rules = table_rules       # the name the tests and older callers use
_LOCATING = ("source_locator", "check", "key")   # columns that find a row again where the key alone does not


class ValidationFailed(RuntimeError):
    """A critical expectation failed; the message names the table, the expectation and example rows."""


def build_suite(name: str) -> gx.ExpectationSuite:
    """The expectation suite of one dataset table (or of a derived check frame such as ``printed_totals``)."""
    exps = [] if name in DERIVED else contract_expectations(schemas.table(name))
    return gx.ExpectationSuite(name=f"atlas.{name}", expectations=exps + table_rules(name))


def key_columns(name: str, frame: pd.DataFrame) -> list[str]:
    """The columns that name a row of ``frame`` in the report: the table's primary key, then the locating
    columns it has (``source_locator`` for tables, ``check``/``key`` for the integrity frame)."""
    keys = list(schemas.table(name).primary_key) if name in schemas.tables() else []
    return [c for c in keys if c in frame.columns] + [c for c in _LOCATING if c in frame.columns and c not in keys]


class _Runner:
    """One ephemeral GX context for the process: a pandas data source with one data asset and batch definition
    per table, and per table (made on first use) its suite and ``ValidationDefinition``."""

    def __init__(self) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
        self.context = gx.get_context(mode="ephemeral")
        try:
            from great_expectations.data_context.types.base import ProgressBarsConfig

            self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        except ImportError:
            pass
        # declared at once, as a configuration file would: adding them one by one re-saves the config each time
        assets = [{"name": n, "type": "dataframe", "batch_definitions": [{"name": "all"}]}
                  for n in (*schemas.tables(), *DERIVED)]
        self.source = self.context.data_sources.add_pandas("atlas", assets=assets)
        self.lock = threading.Lock()
        self._definitions: dict[str, gx.ValidationDefinition] = {}

    def _add(self, name: str, suite: gx.ExpectationSuite) -> gx.ValidationDefinition:
        batch = self.source.get_asset(name).get_batch_definition("all")
        suite = self.context.suites.add(suite)
        return self.context.validation_definitions.add(gx.ValidationDefinition(name=suite.name, data=batch,
                                                                                suite=suite))

    def definition(self, name: str) -> gx.ValidationDefinition:
        """The ``ValidationDefinition`` of one table or derived frame, made on first use."""
        if name not in self._definitions:
            self._definitions[name] = self._add(name, build_suite(name))
        return self._definitions[name]

    def table(self, name: str, frame: pd.DataFrame) -> list[dict]:
        """Validate one table; returns one report entry per expectation."""
        definition = self.definition(name)
        first = definition.run(batch_parameters={"dataframe": frame}, result_format="BOOLEAN_ONLY")
        entries = {r.expectation_config.id: _entry(r) for r in first.results}      # in GX's result order
        failed = [e for e in definition.suite.expectations if not entries[e.id]["success"]]
        if failed:
            entries.update(self._explain(name, frame, failed))
        return list(entries.values())

    def _explain(self, name: str, frame: pd.DataFrame, failed: list) -> dict[str, dict]:
        """Run the failed expectations again for their unexpected counts and example rows (named by key)."""
        suite = gx.ExpectationSuite(name=f"atlas.{name}.failed",
                                    expectations=[e.copy(update={"id": None}) for e in failed])
        definition = self._add(name, suite)
        result_format = {"result_format": "SUMMARY", "partial_unexpected_count": _EXAMPLES,
                         "return_unexpected_index_query": False}
        keys = key_columns(name, frame)
        if keys:
            result_format["unexpected_index_column_names"] = keys
        try:
            second = definition.run(batch_parameters={"dataframe": frame}, result_format=result_format)
        finally:
            self.context.validation_definitions.delete(definition.name)
            self.context.suites.delete(definition.suite.name)
        by_id = {r.expectation_config.id: r for r in second.results}
        return {old.id: _entry(by_id[new.id]) for old, new in zip(failed, definition.suite.expectations,
                                                                  strict=True)}


@lru_cache(maxsize=1)
def _runner() -> _Runner:
    return _Runner()


def prepare() -> None:
    """Set up this process's GX context with every suite and ``ValidationDefinition`` ahead of the first
    validation (the main job does it while the Airflow metadata DB migrates); validating works without it."""
    runner = _runner()
    for name in (*schemas.tables(), *DERIVED):
        runner.definition(name)


def _entry(result) -> dict:
    """One expectation's line in the report, from GX's own (JSON-serialised) validation result."""
    doc = result.to_json_dict()
    cfg = doc["expectation_config"]
    details = doc.get("result") or {}
    entry = {"expectation": cfg["type"], "kwargs": {k: v for k, v in cfg["kwargs"].items() if k != "value_set"},
             "severity": cfg["severity"], "success": bool(doc["success"]),
             # a passing expectation (none sets ``mostly``) has no unexpected row; the cheap pass omits the count
             "unexpected_count": details.get("unexpected_count", 0 if doc["success"] else None),
             "examples": details.get("partial_unexpected_index_list") or []}
    if cfg["type"] == "expect_column_values_to_not_be_null":
        # the unexpected value is a missing one; GX serialises a missing date as the string "NaT"
        column = cfg["kwargs"]["column"]
        entry["examples"] = [{**row, column: None} for row in entry["examples"]]
    error = _exception(doc.get("exception_info"))
    if error:
        entry["exception"] = error
    return entry


def _exception(info: dict | None) -> str | None:
    """The message of an expectation that raised (GX nests it per metric when a metric failed), else None."""
    infos = [info] if info and "raised_exception" in info else list((info or {}).values())
    messages = dict.fromkeys(i.get("exception_message") for i in infos
                             if isinstance(i, dict) and i.get("raised_exception"))
    return "; ".join(m for m in messages if m) or None


def validate_frames(frames: dict[str, pd.DataFrame]) -> dict:
    """Run every table's suite (and the derived check frames'). Returns a JSON-able report: per table its rows,
    success and, per expectation, its type, arguments, severity, success, unexpected count and example rows
    (up to five, named by the table's key). Never raises for failures (see :func:`enforce`)."""
    run = _runner()
    report: dict = {"tables": {}, "critical_failures": 0, "warnings": 0, "evaluated": 0}
    for name, frame in add_derived(frames).items():
        with run.lock:
            entries = run.table(name, frame)
        failed = [e for e in entries if not e["success"]]
        critical = sum(e["severity"] == "critical" for e in failed)
        report["evaluated"] += len(entries)
        report["critical_failures"] += critical
        report["warnings"] += len(failed) - critical
        report["tables"][name] = {"rows": int(len(frame)), "success": critical == 0, "expectations": entries}
    report["success"] = report["critical_failures"] == 0
    return report


def _columns(kwargs: dict) -> str | list:
    return kwargs.get("column") or kwargs.get("column_list") or f"{kwargs.get('column_A')} vs {kwargs.get('column_B')}"


def enforce(report: dict) -> None:
    """Raise ValidationFailed naming each failed critical expectation, its table, column and example rows."""
    problems = [f"table {name}: {e['expectation']} on {_columns(e['kwargs'])} failed for {e['unexpected_count']} "
                f"row(s), e.g. {json.dumps(e['examples'][:3], ensure_ascii=False, default=str)}"
                + (f" ({e['exception']})" if e.get("exception") else "")
                for name, tbl in report["tables"].items() for e in tbl["expectations"]
                if not e["success"] and e["severity"] == "critical"]
    if problems:
        raise ValidationFailed("critical expectations failed, nothing published:\n  " + "\n  ".join(problems))


def validate_dir(folder: Path, out_file: Path) -> dict:
    """Validate the Parquet tables in ``folder`` (pulled through DuckDB into pandas), write the report to
    ``out_file`` (JSON) and return it. Raises ValidationFailed after writing when a critical one fails."""
    import duckdb

    con = duckdb.connect()
    try:
        frames = {name: con.execute("SELECT * FROM read_parquet(?)", [str(folder / f"{name}.parquet")]).df()
                  for name in schemas.tables() if (folder / f"{name}.parquet").exists()}
    finally:
        con.close()
    report = validate_frames(frames)
    out_file.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    log.info("validation: %s expectations, %s critical failures, %s warnings",
             report["evaluated"], report["critical_failures"], report["warnings"])
    enforce(report)
    return report
