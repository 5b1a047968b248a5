"""A market figure the running text restates from a table is one row with both locators
(extractors/report_text/mappers/restated.py), on the real document 000 (1-based snapshot lines)."""
from __future__ import annotations

import pytest

from extractors.core import snapshots
from extractors.report_text import extract
from extractors.report_text.mappers.restated import join_locators

TIER = "tier-2025-genai-global-economy"


@pytest.fixture(scope="module")
def rows():
    return extract.extract_source(snapshots.load(TIER)).rows["market_figures"]


def test_text_restating_a_table_joins_the_table_row(rows):
    lines = snapshots.load(TIER).lines
    # L338 prints 635 億美元 for 2023, 表 2-2 (L352) the same Bloomberg Intelligence figure as 635.0
    assert "635 億美元" in lines[338 - 1]
    row = next(r for r in rows if r["source_locator"] == "表 2-2 L352-352" and r["value_printed"] == "635.0")
    assert (row["publisher"], row["period_start"], row["other_locators"]) == ("Bloomberg Intelligence", 2023,
                                                                             "L338-338")
    assert not [r for r in rows if r["source_locator"] == "L338-338" and r["value_low"] == 635.0]
    # L384 prints Deloitte's 123 億美元 (2023) and 400 億美元 (2027) apart: 表 2-3 prints them as one range, so
    # they stay rows of their own
    assert {r["value_printed"] for r in rows if r["source_locator"] == "L384-384"} >= {"123 億美元", "400 億美元"}


def test_join_locators_keeps_order_and_drops_repeats():
    row = {"source_locator": "表 2-2 L352-352", "other_locators": "L338-338"}
    join_locators(row, "L340-340; L338-338", None, "表 2-2 L352-352")
    assert row["other_locators"] == "L338-338; L340-340"
