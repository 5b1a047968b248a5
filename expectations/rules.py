"""The expectations of each table: generic checks derived from the data contract (schemas/tables.yaml) and
the table's own business rules. Severity lives on the expectation (GX ``severity``): critical (the default)
blocks publication, ``"warning"`` is recorded in the validation report.

Import this module only inside a task: great_expectations costs seconds to import.
"""
from __future__ import annotations

from collections.abc import Callable

import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column

import schemas
from schemas import vocabulary

TOTAL_TOLERANCE = 0.005     # relative difference allowed between a printed total and its parts
_PAIR = gxe.ExpectColumnPairValuesAToBeGreaterThanB


def _column_expectations(col: schemas.Column, keys: list[str]) -> list:
    out: list = []
    if not col.nullable or col.name in keys:
        out.append(gxe.ExpectColumnValuesToNotBeNull(column=col.name))
    if col.enum:
        out.append(gxe.ExpectColumnValuesToBeInSet(column=col.name, value_set=list(col.enum)))
    if col.vocabulary:
        out.append(gxe.ExpectColumnValuesToBeInSet(column=col.name, value_set=vocabulary(col.vocabulary)))
    if col.min is not None or col.max is not None:
        out.append(gxe.ExpectColumnValuesToBeBetween(column=col.name, min_value=col.min, max_value=col.max))
    if col.pattern:
        out.append(gxe.ExpectColumnValuesToMatchRegex(column=col.name, regex=col.pattern))
    return out


def contract_expectations(table: schemas.Table) -> list:
    """The checks the contract implies: key unique and not null, non-null columns, enums and vocabularies,
    ranges, patterns (all critical)."""
    keys = list(table.primary_key)
    if len(keys) == 1:
        out: list = [gxe.ExpectColumnValuesToBeUnique(column=keys[0])]
    else:
        out = [gxe.ExpectCompoundColumnsToBeUnique(column_list=keys)]
    for col in table.columns:
        out += _column_expectations(col, keys)
    return out


def _ordered(low: str, high: str, *, skip_missing: bool = True):
    """``high`` is not below ``low`` (rows missing either are skipped unless ``skip_missing`` is False)."""
    if skip_missing:
        return _PAIR(column_A=high, column_B=low, or_equal=True, ignore_row_if="either_value_is_missing")
    return _PAIR(column_A=high, column_B=low, or_equal=True)


def _adds_up() -> list:
    # A printed total against its parts. A mismatch is the source's own error: a warning and a quality flag,
    # never "fixed".
    return [gxe.ExpectColumnValuesToBeBetween(column="relative_difference", min_value=-TOTAL_TOLERANCE,
                                              max_value=TOTAL_TOLERANCE, severity="warning")]


def _market_figures() -> list:
    return [_ordered("value_low", "value_high", skip_missing=False),
            _ordered("period_start", "period_end"),
            _ordered("value_low_base", "value_high_base")]


def _indicators() -> list:
    # A ranking is a position from 1; a figure's period runs forwards; a share in percent is not negative.
    return [_ordered("period_start", "period_end"),
            gxe.ExpectColumnValuesToBeBetween(column="value", min_value=1, row_condition=Column("unit") == "rank"),
            gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0, row_condition=Column("unit") == "%",
                                              severity="warning")]


def _patent_counts() -> list:
    return [_ordered("period_start", "period_end", skip_missing=False),
            gxe.ExpectColumnValuesToBeBetween(column="patent_families", min_value=1, severity="warning")]


def _report_tables() -> list:
    return [_ordered("line_start", "line_end", skip_missing=False)]


def _policies() -> list:
    return [gxe.ExpectColumnValuesToNotBeNull(column="issuer", severity="warning"),
            gxe.ExpectColumnValuesToNotBeNull(column="issued_on", severity="warning")]


def _policy_integrity() -> list:
    # Every mention resolves to a policy, every relation links two policies, and a policy's mention_count is
    # the number of its mentions: a broken link would orphan a record.
    return [gxe.ExpectColumnValuesToBeInSet(column="holds", value_set=[True])]


def _budgets() -> list:
    # Periods run forwards; a single-year amount has its fiscal year; amounts are not negative.
    return [_ordered("period_start", "period_end", skip_missing=False),
            gxe.ExpectColumnValuesToNotBeNull(column="fiscal_year", row_condition=Column("period_basis") == "year"),
            gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0)]


def _kpis() -> list:
    # A statement without a readable figure, or a baseline after its target year, is worth a look.
    return [gxe.ExpectColumnValuesToNotBeNull(column="target_value", severity="warning"),
            _ordered("baseline_year", "target_year")]


_RULES: dict[str, Callable[[], list]] = {
    "market_figures": _market_figures,
    "indicators": _indicators,
    "patent_counts": _patent_counts,
    "report_tables": _report_tables,
    "policies": _policies,
    "policy_integrity": _policy_integrity,
    "budgets": _budgets,
    "kpis": _kpis,
    # a budget table's 總計 row against its items, per year and over the period (document 003 表 5, 表 6)
    "budget_totals": _adds_up,
    # a table that prints a total: its parts should add up; the sources do not always (表 2-2, 2027)
    "printed_totals": _adds_up,
}


def table_rules(name: str) -> list:
    """Business rules of one table beyond its contract (fresh expectation objects; empty when it has none)."""
    factory = _RULES.get(name)
    return factory() if factory else []
