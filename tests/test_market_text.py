"""Market figures printed in running text (issue 15, item 1): document 003's 壹 計畫緣起 (L54-146) and
document 001's 前言 (L26-76), read by extractors/report_text/mappers/market_text.py.

The real extraction runs on the verified snapshots; expected values were read by hand from the snapshot text
(line numbers 1-based, cited next to them).
"""
from __future__ import annotations


import pytest

from extractors.core import snapshots
from extractors.core.records import SpecError
from extractors.report_text import extract
from tests.helpers import broken_spec

MODA = "moda-2025-ai-industry-programme"
AIGC = "aigc-us-gb-kr-tw-2024"
COLS = ("source_locator", "other_locators", "metric", "scope", "period_start", "period_end", "period_basis",
        "value_low", "value_high", "unit", "currency", "value_printed", "publisher", "publisher_printed")


def _text_rows(source_id: str) -> list[tuple]:
    ex = extract.extract_source(snapshots.load(source_id))
    return [tuple(r[c] for c in COLS) for r in ex.rows["market_figures"] if r["record_id"].split(":")[1][:5] == "text-"
            and r["record_id"].split(":")[1] != "text-計畫內容"]     # 003's rest: tests/test_figures_001_003.py


def test_003_background_figures():
    assert _text_rows(MODA) == [
        # L75 根據國際知名統計機構 Statista 預估，全球 AI 軟體市場產值 2023 年約爲 1,359 億美元，而至 2030 年時，
        # 將成長達到 8,268 億美元，其 2023-2030 年…複合年均成長率約爲 29%。 L103 prints the same three figures.
        ("L75-75", "L103-103", "market_size", "WLD", 2023, 2023, "point", 1359.0, 1359.0, "億美元", "USD",
         "1,359 億美元", "Statista", "Statista"),
        ("L75-75", "L103-103", "market_size", "WLD", 2030, 2030, "point", 8268.0, 8268.0, "億美元", "USD",
         "8,268 億美元", "Statista", "Statista"),
        ("L75-75", "L103-103", "cagr", "WLD", 2023, 2030, "period", 29.0, 29.0, "%", None, "29%", "Statista",
         "Statista"),
        # L77-79 國際研究機構麥肯錫 (McKinsey) … (page break) 球經濟每年帶來 2.6 兆至 4.4 兆美元 GDP 增長 (= L104,
        # and L535 in 肆, read by mappers/market_clauses.py)
        ("L79-79", "L104-104; L535-535", "gdp_impact", "WLD", None, None, "per_year", 2.6, 4.4, "兆美元", "USD",
         "2.6 兆至 4.4 兆美元", "McKinsey & Company", "麥肯錫"),
        # L79 這四者就佔了總體預計價值增長的 75%
        ("L79-79", None, "share_of_value", "WLD", None, None, "point", 75.0, 75.0, "%", None, "75%",
         "McKinsey & Company", "麥肯錫"),
        # L104 依國際研究機構 MicKinsey 於 2023 年發布之…2030 年 AI 產值將高達 13 兆美元，
        # 每年能為全球 GDP 貢獻 1.2%成長率
        ("L104-104", None, "market_size", "WLD", 2030, 2030, "point", 13.0, 13.0, "兆美元", "USD", "13 兆美元",
         "McKinsey & Company", "MicKinsey"),
        ("L104-104", None, "gdp_growth_contribution", "WLD", None, None, "per_year", 1.2, 1.2, "%", None, "1.2%",
         "McKinsey & Company", "MicKinsey"),
    ]


def test_text_figures_get_the_publication_date_the_text_prints():
    # L104 依國際研究機構 MicKinsey 於 2023 年發布之《生成式 AI 的經濟潛力》 (rules/market.yaml: a misprint of McKinsey)
    ex = extract.extract_source(snapshots.load(MODA))
    r = next(r for r in ex.rows["market_figures"] if r["source_locator"] == "L104-104")
    assert (r["published_printed"], r["published_locator"], r["published_precision"]) == ("2023 年", "L104", "year")


def test_001_forecast_publisher_from_its_figure():
    # L28 如圖1所示，…市場規模迅速成長，預計在2030年時將會超越3.5億美元; 圖1's 資料來源 (L34-36) … by / Statista，
    # L38's Gartner risk shares, L68's 15.7% / 24.69% and L72's 1,000萬美元 saving are not market figures
    assert _text_rows(AIGC) == [
        ("L28-28", None, "market_size", "WLD", 2030, 2030, "point", 3.5, 3.5, "億美元", "USD", "3.5億美元", "Statista",
         "Statista")]


def test_market_text_section_with_a_bad_pattern_names_its_entry(tmp_path, monkeypatch):
    """A fault derived from the real spec of 001: its start pattern loses its closing bracket."""
    path, _ = broken_spec(tmp_path, monkeypatch, AIGC, "start: '^前言$'", "start: '^(前言$'")
    with pytest.raises(SpecError) as err:
        extract.load_spec(AIGC)
    assert f"{path} line " in str(err.value) and "(market_text entry 1)" in str(err.value)
