"""Great Expectations 1.x suites, written as code from the data contract (schemas/tables.yaml).

One builder per dataset table (:func:`build_suite`): generic checks derived from the contract (keys not null
and unique, non-null columns, vocabularies, ranges, patterns) plus the table's own rules (ranges ordered,
printed totals add up). Critical expectations block publication; ``severity="warning"`` ones are recorded.

Import this module only inside a task: great_expectations costs seconds to import.
"""
from __future__ import annotations

import json
import logging
import os
from functools import lru_cache
from pathlib import Path

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd

import schemas

log = logging.getLogger(__name__)
_EXAMPLES = 5
_TOTAL_TOLERANCE = 0.005     # relative difference allowed between a printed total and its parts


class ValidationFailed(RuntimeError):
    """A critical expectation failed; the message names the table, the expectation and example rows."""


@lru_cache(maxsize=1)
def jurisdiction_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes plus EU and INT (the contract's jurisdiction vocabulary)."""
    import pycountry

    return frozenset({c.alpha_2 for c in pycountry.countries} | {"EU", "INT"})


def _vocabulary(name: str) -> list[str]:
    if name == "jurisdiction":
        return sorted(jurisdiction_codes())
    if name == "scope":
        return sorted(jurisdiction_codes() | {"WLD"})
    raise KeyError(f"unknown vocabulary {name!r}")


def _contract_expectations(table: schemas.Table) -> list:
    out: list = []
    keys = list(table.primary_key)
    if len(keys) == 1:
        out.append(gxe.ExpectColumnValuesToBeUnique(column=keys[0]))
    else:
        out.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=keys))
    for col in table.columns:
        if not col.nullable or col.name in keys:
            out.append(gxe.ExpectColumnValuesToNotBeNull(column=col.name))
        if col.enum:
            out.append(gxe.ExpectColumnValuesToBeInSet(column=col.name, value_set=list(col.enum)))
        if col.vocabulary:
            out.append(gxe.ExpectColumnValuesToBeInSet(column=col.name, value_set=_vocabulary(col.vocabulary)))
        if col.min is not None or col.max is not None:
            out.append(gxe.ExpectColumnValuesToBeBetween(column=col.name, min_value=col.min, max_value=col.max))
        if col.pattern:
            out.append(gxe.ExpectColumnValuesToMatchRegex(column=col.name, regex=col.pattern))
    return out


def _table_rules(name: str) -> list:  # noqa: C901  (over the complexity budget: to be split, issue 9)
    """Business rules of one table beyond its contract."""
    pair = gxe.ExpectColumnPairValuesAToBeGreaterThanB
    if name == "market_figures":
        return [
            pair(column_A="value_high", column_B="value_low", or_equal=True),
            pair(column_A="period_end", column_B="period_start", or_equal=True,
                 ignore_row_if="either_value_is_missing"),
            pair(column_A="value_high_base", column_B="value_low_base", or_equal=True,
                 ignore_row_if="either_value_is_missing"),
        ]
    if name == "indicators":
        from great_expectations.expectations.row_conditions import Column  # noqa: PLC0415
        # A ranking is a position from 1; a figure's period runs forwards; a share in percent is not negative.
        return [pair(column_A="period_end", column_B="period_start", or_equal=True,
                     ignore_row_if="either_value_is_missing"),
                gxe.ExpectColumnValuesToBeBetween(column="value", min_value=1, row_condition=Column("unit") == "rank"),
                gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0, row_condition=Column("unit") == "%",
                                                  severity="warning")]
    if name == "patent_counts":
        return [pair(column_A="period_end", column_B="period_start", or_equal=True),
                gxe.ExpectColumnValuesToBeBetween(column="patent_families", min_value=1, severity="warning")]
    if name == "report_tables":
        return [pair(column_A="line_end", column_B="line_start", or_equal=True)]
    if name == "policies":
        return [gxe.ExpectColumnValuesToNotBeNull(column="issuer", severity="warning"),
                gxe.ExpectColumnValuesToNotBeNull(column="issued_on", severity="warning")]
    if name == "policy_integrity":
        # Every mention resolves to a policy, every relation links two policies, and a policy's
        # mention_count is the number of its mentions: a broken link would orphan a record.
        return [gxe.ExpectColumnValuesToBeInSet(column="holds", value_set=[True])]
    if name == "budgets":
        # Periods run forwards; a single-year amount has its fiscal year; amounts are not negative.
        return [pair(column_A="period_end", column_B="period_start", or_equal=True),
                gxe.ExpectColumnValuesToNotBeNull(column="fiscal_year", row_condition='period_basis=="year"',
                                                  condition_parser="pandas"),
                gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0)]
    if name == "kpis":
        # A statement without a readable figure, or a baseline after its target year, is worth a look.
        return [gxe.ExpectColumnValuesToNotBeNull(column="target_value", severity="warning"),
                pair(column_A="target_year", column_B="baseline_year", or_equal=True,
                     ignore_row_if="either_value_is_missing")]
    if name == "budget_totals":
        # A budget table's 總計 row against its items, per year and over the period (document 003 表 5, 表 6).
        # A mismatch is the source's own error: a warning and a quality flag, never "fixed".
        return [gxe.ExpectColumnValuesToBeBetween(column="relative_difference", min_value=-_TOTAL_TOLERANCE,
                                                  max_value=_TOTAL_TOLERANCE, severity="warning")]
    if name == "printed_totals":
        # A table that prints a total: its parts should add up. The sources do not always (表 2-2, 2027):
        # that is the source's own error, recorded as a warning and a quality flag, never "fixed".
        return [gxe.ExpectColumnValuesToBeBetween(column="relative_difference", min_value=-_TOTAL_TOLERANCE,
                                                  max_value=_TOTAL_TOLERANCE, severity="warning")]
    return []


def build_suite(name: str) -> gx.ExpectationSuite:
    """The expectation suite of one dataset table (or the derived ``printed_totals`` check frame)."""
    suite = gx.ExpectationSuite(name=f"atlas.{name}")
    exps = [] if name in _DERIVED else _contract_expectations(schemas.table(name))
    for exp in exps + _table_rules(name):
        suite.add_expectation(exp)
    return suite


_DERIVED = ("printed_totals", "policy_integrity", "budget_totals")


def policy_integrity(policies: pd.DataFrame, mentions: pd.DataFrame, relations: pd.DataFrame) -> pd.DataFrame:
    """One row per link check between the policy tables: ``check``, ``key``, ``holds`` (bool).

    Checks: each mention's policy_id is a policy (mention_resolves); each relation's two ids are policies
    (relation_resolves); each policy's mention_count equals its number of mentions (mention_count)."""
    known = set(policies["policy_id"]) if len(policies) else set()
    rows = [{"check": "mention_resolves", "key": m, "holds": p in known}
            for m, p in zip(mentions.get("mention_id", []), mentions.get("policy_id", []), strict=True)]
    for r, a, b in zip(relations.get("relation_id", []), relations.get("policy_id", []),
                       relations.get("related_policy_id", []), strict=True):
        rows.append({"check": "relation_resolves", "key": r, "holds": a in known and b in known})
    counts = mentions["policy_id"].value_counts().to_dict() if len(mentions) else {}
    for pid, n in zip(policies.get("policy_id", []), policies.get("mention_count", []), strict=True):
        rows.append({"check": "mention_count", "key": pid, "holds": int(counts.get(pid, 0)) == int(n)})
    return pd.DataFrame(rows, columns=["check", "key", "holds"])


def printed_totals(market: pd.DataFrame) -> pd.DataFrame:
    """One row per printed total in market_figures (segment NULL next to segment rows of the same table,
    metric and period) with the sum of its parts and their relative difference."""
    cols = ["source_id", "table_id", "metric", "period_start", "period_end", "total", "parts_sum",
            "relative_difference", "source_locator"]
    if market.empty:
        return pd.DataFrame(columns=cols)
    df = market.assign(table_id=market["source_locator"].str.extract(r"^表 (\S+)")[0])
    df = df[(df["unit"] != "%") & (df["value_low"] == df["value_high"])]
    keys = ["source_id", "table_id", "metric", "period_start", "period_end"]
    totals = df[df["segment"].isna()]
    parts = df[df["segment"].notna()].groupby(keys, dropna=False)["value_low"].sum().rename("parts_sum")
    merged = totals.merge(parts.reset_index(), on=keys, how="inner")
    merged = merged.rename(columns={"value_low": "total"})
    merged["relative_difference"] = (merged["parts_sum"] - merged["total"]) / merged["total"].abs().clip(lower=1)
    return merged[cols].reset_index(drop=True)


def budget_totals(budgets: pd.DataFrame) -> pd.DataFrame:
    """One row per printed total of a budget table (kind ``total``) with the sum of the table's items
    (kind ``item``) over the same period and their relative difference."""
    cols = ["source_id", "table_id", "period_start", "period_end", "period_basis", "total", "parts_sum",
            "relative_difference", "source_locator"]
    if budgets.empty:
        return pd.DataFrame(columns=cols)
    df = budgets.assign(table_id=budgets["source_locator"].str.extract(r"^表 (\S+)")[0])
    keys = ["source_id", "table_id", "period_start", "period_end", "period_basis"]
    totals = df[df["kind"] == "total"]
    items = df[df["kind"] == "item"]
    by_year = items[items["period_basis"] == "year"]
    parts = by_year.groupby(keys, dropna=False)["amount"].sum().rename("parts_sum").reset_index()
    # a whole-period total (合計 column of the 總計 row) against all the table's single-year items
    span = by_year.groupby(["source_id", "table_id"])["amount"].sum().rename("span_sum").reset_index()
    merged = totals.merge(parts, on=keys, how="left").merge(span, on=["source_id", "table_id"], how="left")
    merged["parts_sum"] = merged["parts_sum"].where(merged["period_basis"] == "year", merged["span_sum"])
    merged = merged[merged["parts_sum"].notna()].rename(columns={"amount": "total"})
    merged["relative_difference"] = (merged["parts_sum"] - merged["total"]) / merged["total"].abs().clip(lower=1)
    return merged[cols].reset_index(drop=True)


def _context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    ctx = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    except Exception:  # noqa: BLE001 - cosmetic only
        pass
    return ctx


def _key_columns(name: str, frame: pd.DataFrame) -> list[str]:
    try:
        keys = list(schemas.table(name).primary_key)
    except KeyError:
        keys = []
    extra = [c for c in ("source_locator", "check", "key") if c in frame.columns and c not in keys]
    return [c for c in keys if c in frame.columns] + extra


def validate_frames(frames: dict[str, pd.DataFrame]) -> dict:
    """Run every table's suite. Returns a JSON-able report: per table, each expectation's type, column,
    severity, success, unexpected count and example rows. Never raises for failures (see :func:`enforce`)."""
    frames = dict(frames)
    if "market_figures" in frames:
        frames["printed_totals"] = printed_totals(frames["market_figures"])
    if "budgets" in frames:
        frames["budget_totals"] = budget_totals(frames["budgets"])
    if {"policies", "policy_mentions", "policy_relations"} <= set(frames):
        frames["policy_integrity"] = policy_integrity(frames["policies"], frames["policy_mentions"],
                                                      frames["policy_relations"])
    ctx = _context()
    source = ctx.data_sources.add_pandas("atlas")
    report: dict = {"tables": {}, "critical_failures": 0, "warnings": 0, "evaluated": 0}
    for name, frame in frames.items():
        batch_def = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
        batch = batch_def.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(build_suite(name), result_format="COMPLETE")
        entries = []
        for r in result.results:
            cfg = r.expectation_config
            severity = getattr(cfg.severity, "value", str(cfg.severity)).lower()
            idx = (r.result or {}).get("unexpected_index_list") or []
            keys = _key_columns(name, frame)
            examples = [
                {k: (None if pd.isna(v) else str(v)) for k, v in frame.loc[i, keys].items()}
                for i in idx[:_EXAMPLES] if i in frame.index
            ]
            entries.append({
                "expectation": cfg.type, "kwargs": {k: v for k, v in cfg.kwargs.items() if k != "value_set"},
                "severity": severity, "success": bool(r.success),
                "unexpected_count": (r.result or {}).get("unexpected_count"),
                "examples": examples,
            })
            report["evaluated"] += 1
            if not r.success:
                report["critical_failures" if severity == "critical" else "warnings"] += 1
        report["tables"][name] = {"rows": int(len(frame)), "success": all(
            e["success"] or e["severity"] != "critical" for e in entries), "expectations": entries}
    report["success"] = report["critical_failures"] == 0
    return report


def enforce(report: dict) -> None:
    """Raise ValidationFailed naming each failed critical expectation, its table and example rows."""
    problems = []
    for name, tbl in report["tables"].items():
        for e in tbl["expectations"]:
            if not e["success"] and e["severity"] == "critical":
                col = e["kwargs"].get("column") or e["kwargs"].get("column_list") or \
                    f"{e['kwargs'].get('column_A')} vs {e['kwargs'].get('column_B')}"
                examples = json.dumps(e["examples"][:3], ensure_ascii=False)
                problems.append(f"table {name}: {e['expectation']} on {col} failed for "
                                f"{e['unexpected_count']} row(s), e.g. {examples}")
    if problems:
        raise ValidationFailed("critical expectations failed, nothing published:\n  " + "\n  ".join(problems))


def validate_dir(folder: Path, out_file: Path) -> dict:
    """Validate the Parquet tables in ``folder`` (pulled through DuckDB into pandas), write the report to
    ``out_file`` (JSON) and return it. Raises ValidationFailed after writing when a critical one fails."""
    import duckdb

    con = duckdb.connect()
    frames = {}
    for name in schemas.tables():
        path = folder / f"{name}.parquet"
        if path.exists():
            frames[name] = con.execute("SELECT * FROM read_parquet(?)", [str(path)]).df()
    report = validate_frames(frames)
    out_file.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    log.info("validation: %s expectations, %s critical failures, %s warnings",
             report["evaluated"], report["critical_failures"], report["warnings"])
    enforce(report)
    return report
