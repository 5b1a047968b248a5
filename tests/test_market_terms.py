"""Comparable market figures (extractors/report_text/mappers/market_terms.py, rules/market.yaml) on the real text
of document 000 (sources/tier-2025-genai-global-economy/2026-11-21/document.txt): English publisher, publication
date and printed row group. Line numbers (1-based) of the snapshot are cited; values are read from those lines."""
from __future__ import annotations

import datetime as dt

import pytest

from extractors.report_text.mappers import market_terms

# fixtures snapshot, extraction (document 000): tests/conftest.py


def _market(extraction, table_id: str) -> list[dict]:
    return [r for r in extraction.rows["market_figures"] if r["source_locator"].startswith(f"表 {table_id} ")]


def test_one_publisher_one_english_name(snapshot, extraction):
    # L306 prints 彭博資訊(Bloomberg Intelligence, BI); 表 2-1/2-2 name it Bloomberg Intelligence (資料來源 L322)
    assert "彭博資訊(Bloomberg Intelligence, BI)" in snapshot.lines[306 - 1]
    by_printed = {r["publisher_printed"]: r["publisher"] for r in extraction.rows["market_figures"]}
    assert by_printed["彭博資訊"] == by_printed["Bloomberg Intelligence"] == "Bloomberg Intelligence"
    assert by_printed == {"Bloomberg Intelligence": "Bloomberg Intelligence", "彭博資訊": "Bloomberg Intelligence",
                          "高盛": "Goldman Sachs", "麥肯錫": "McKinsey & Company", "摩根大通": "J.P. Morgan",
                          "MarketsandMarkets": "MarketsandMarkets", "Cognizant": "Cognizant",
                          "麥肯錫大中華區": "McKinsey & Company", "Deloitte": "Deloitte",
                          # running text (mappers/market_clauses.py): L338 BI 預測; L1812 依韓國信用資訊院報告預估 and
                          # L2017 根據中國賽迪研究院發布 print no English name, so they are kept as printed
                          "BI": "Bloomberg Intelligence", "韓國信用資訊院": "韓國信用資訊院",
                          "中國賽迪研究院": "中國賽迪研究院",
                          # L1597 德國 Statista 資料庫分析 (a Latin name: kept as printed)
                          "Statista": "Statista"}
    unmapped = {f["source_locator"] for f in extraction.rows["quality_flags"]
                if f["check_name"] == "publisher_unmapped"}
    assert unmapped == {"L1812-1812", "L2017-2017"}     # the two Chinese-only names above, an info flag per row


@pytest.mark.parametrize("line,printed,published,precision,date_line", [
    (413, "高盛", dt.date(2023, 3, 26), "day", 282),          # L282 高盛(Goldman Sachs)於 2023 年 3 月 26 日發布
    (415, "摩根大通", dt.date(2024, 2, 1), "month", 294),      # L294 摩根大通 (J.P.Morgan) 研究部亦於 2024 年 2 月預 測
    (417, "彭博資訊", dt.date(2024, 3, 28), "day", 306),
    (419, "麥肯錫大中華區", dt.date(2023, 11, 27), "day", 372),
    (420, "Deloitte", dt.date(2024, 5, 29), "day", 382),
])
def test_forecast_vintage_as_printed(snapshot, extraction, line, printed, published, precision, date_line):
    row = next(r for r in _market(extraction, "2-3") if r["source_locator"] == f"表 2-3 L{line}-{line}")
    assert row["publisher_printed"] == printed
    assert (row["published_on"], row["published_precision"], row["published_locator"]) == \
        (published, precision, f"L{date_line}")
    assert row["published_printed"] in snapshot.lines[date_line - 1]


def test_differing_dates_of_one_publisher_are_flagged(snapshot, extraction):
    # 麥肯錫's report is dated 2023 年 6 月 14 日 at L115 and 2023 年 7 月 14 日 at L290: the first is used, flagged
    assert "麥肯錫(McKinsey)於 2023 年 6 月 14 日發布" in snapshot.lines[115 - 1]
    assert "麥肯錫 (McKinsey)於 2023 年 7 月 14 日所發布" in snapshot.lines[290 - 1]
    row = next(r for r in _market(extraction, "2-3") if r["publisher_printed"] == "麥肯錫")
    assert (row["published_on"], row["published_locator"]) == (dt.date(2023, 6, 14), "L115")
    flags = [f for f in extraction.rows["quality_flags"]
             if f["check_name"] == "published_dates_differ" and f["record_key"] == row["record_id"]]
    assert len(flags) == 1 and "(L115)" in flags[0]["detail"] and "(L290)" in flags[0]["detail"]


def test_row_groups_as_printed(snapshot, extraction):
    # 表 2-3 column 0 prints each group once (L414 宏觀, L417 市場, L418 國家, L420 負面); L415 and L419 print OCR
    # noise there, L413 sits above its group's label
    assert [snapshot.lines[n - 1].split("\t")[0] for n in (414, 415, 417, 418, 419, 420)] == \
        ["宏觀經濟影響", "<b>乙</b> 既經濟別音", "市場經濟影響", "國家經濟影響", "四", "負面經濟影響"]
    rows = _market(extraction, "2-3")
    assert [(r["row_group"], r["publisher_printed"]) for r in rows] == [
        ("macro", "高盛"), ("macro", "麥肯錫"), ("macro", "摩根大通"), ("macro", "MarketsandMarkets"),
        ("market", "彭博資訊"), ("country", "Cognizant"), ("country", "麥肯錫大中華區"), ("negative", "Deloitte")]
    assert {r["direction"] for r in rows if r["row_group"] == "negative"} == {"negative"}
    assert {r["row_group"] for r in _market(extraction, "2-2")} == {None}     # 表 2-2 prints no groups


def test_groups_rule():
    assert market_terms.groups([None, "宏觀經濟影響", "噪音", None, "負面 經濟影響"]) == \
        [("macro", "宏觀經濟影響")] * 4 + [("negative", "負面經濟影響")]
    assert market_terms.groups([None, "x"]) == [(None, None), (None, None)]
