"""Table mechanics and dataset content on the real document 000
(sources/tier-2025-genai-global-economy/2026-11-21/document.txt).

Every test runs the real extraction on the verified snapshot; nothing is mocked. Expected values were read
by hand from the snapshot text: line numbers (1-based, as in ``snapshot.lines[n - 1]``) are cited next to
them. The cells of the snapshot are tab-separated; ``⟶`` in the comments below stands for a TAB.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest

from extractors.core import normalise as nz
from extractors.report_text import tables as rt

SOURCE_ID = "tier-2025-genai-global-economy"
LOCATOR_RE = re.compile(r"^表 (\d+-\d+) L(\d+)-(\d+)$")


# fixtures snapshot, extraction, tables (document 000): tests/conftest.py


@pytest.fixture(scope="module")
def captions(snapshot):
    return rt.find_captions(snapshot.lines)


# --- helpers -----------------------------------------------------------------------------------

def _line(snapshot, n: int) -> str:
    return snapshot.lines[n - 1]


def _nospace(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _rows(extraction, table: str, table_id: str) -> list[dict]:
    return [r for r in extraction.rows[table]
            if (m := LOCATOR_RE.match(r["source_locator"])) and m.group(1) == table_id]


def _flags(extraction, check: str) -> list[dict]:
    return [f for f in extraction.rows["quality_flags"] if f["check_name"] == check]


def _table_mentions(extraction) -> list[dict]:
    return [r for r in extraction.rows["policy_mentions"] if r["context"] == "table"]


def _policies(extraction, table_id: str) -> list[dict]:
    rows = [r for r in _rows(extraction, "policy_mentions", table_id) if r["context"] == "table"]
    return sorted(rows, key=lambda r: int(LOCATOR_RE.match(r["source_locator"]).group(2)))


def _column_texts(snapshot, first: int, last: int) -> list[str]:
    """Per printed column, the text of lines first..last joined top to bottom, without whitespace."""
    split = [_line(snapshot, n).split("\t") for n in range(first, last + 1)]
    width = max(len(cells) for cells in split)
    return [_nospace("".join(cells[c] for cells in split if c < len(cells))) for c in range(width)]


# --- captions ----------------------------------------------------------------------------------

ALL_TABLE_IDS = ["1-1", "2-1", "2-2", "2-3", "2-4", "2-5", "2-6"] + [f"3-{i}" for i in range(1, 15)]


def test_exactly_one_body_caption_per_table_id(captions):
    ids = [c.table_id for c in captions]
    assert ids == ALL_TABLE_IDS            # document order, each id once, nothing else


def test_list_of_tables_is_not_taken_for_captions(snapshot, captions):
    # L50-70: the list of tables, "表 1-1⟶GPU 需求量在訓練端與推理端之預測⟶6" ... "表 3-14⟶...⟶116"
    toc_lines = range(50, 71)
    for n in toc_lines:
        assert _line(snapshot, n).startswith("表 ") and "\t" in _line(snapshot, n)
    caption_lines = {c.line for c in captions}
    assert not caption_lines & set(toc_lines)
    assert min(caption_lines) == 141       # L141 "表 1-1 GPU 需求量在訓練端與推理端之預測" is the first body caption


def test_prose_references_are_not_captions(snapshot, captions):
    assert _line(snapshot, 1179) == "# 表 3-7 為中國推動 GenAI 的有關政策比較。"
    assert _line(snapshot, 2061) == "## 表 3-14)。"
    by_id = {c.table_id: c for c in captions}
    assert {1179, 2061}.isdisjoint(c.line for c in captions)
    # the real captions sit two lines below the references
    assert (by_id["3-7"].line, by_id["3-7"].title) == (1181, "中國推動 GenAI 的有關政策比較")          # L1181
    assert (by_id["3-14"].line, by_id["3-14"].title) == (
        2063, "2014 年至 2023 年 GenAI 專利申請數量前 20 大企業")                                     # L2063


# --- caption after its body (表 2-1) -----------------------------------------------------------

def test_caption_after_body_2_1(tables):
    t = tables["2-1"]
    assert t.caption.line == 334                         # L334 "表 2-1 GenAI 相關領域 2023 至 2032 年渗透率"
    assert t.body_lines == (326, 332)                    # L326 header, L327-332 data, L333 blank
    assert [r.cells for r in t.header] == [["領域", "2023 渗透率 (%)", "2027 渗透率 (%)", "2032 渗透率 (%)"]]
    assert [(r.line_start, r.line_end, r.cells) for r in t.rows] == [
        (327, 327, ["硬體", "0.3~6.0", "2.0~10.5", "1.9~8.5"]),
        (328, 328, ["軟體", "0.0~0.6", "1.2~3.0", "3.8~12.0"]),
        (329, 329, ["資通訊服務", "0.0", "2.0", "6.0"]),
        (330, 330, ["商業服務", "0.0", "2.0", "5.0"]),
        (331, 331, ["數位廣告", "0.2~1.0", "1.5~6.0", "4.0~12.0"]),
        (332, 332, ["游戲", "0.1~0.2", "2.5~4.5", "6.0~10.0"]),
    ]
    assert t.source_note == "Bloomberg Intelligence (2024)。"   # L336, below the caption


# --- page break with a repeated header (表 3-14) ------------------------------------------------

def test_page_break_3_14_rows(snapshot, tables):
    t = tables["3-14"]
    assert _line(snapshot, 2083) == _line(snapshot, 2065) == "企業(國別)\t專利數量"
    assert t.body_lines == (2065, 2091)
    assert t.page_breaks == [2083]
    # L2066-2077 before the break, L2084-2091 after it; L2078-2082 are footnotes 226/227 and blanks
    assert [r.line_start for r in t.rows] == list(range(2066, 2078)) + list(range(2084, 2092))
    assert all(r.line_start == r.line_end for r in t.rows)
    assert len(t.rows) == 20
    assert not any(2078 <= r.line_start <= 2083 for r in t.rows)
    assert all(r.cells[0] != "企業(國別)" for r in t.rows)
    assert t.rows[11].cells == ["NTT (日本)", "330"]       # L2077, last row before the break
    assert t.rows[12].cells == ["華為(中國)", "328"]        # L2084, first row after it


def test_page_break_3_14_in_dataset(extraction):
    header_cells = [r for r in extraction.rows["report_tables"]
                    if r["table_id"] == "3-14" and r["value"] == "企業(國別)"]
    assert len(header_cells) == 1 and header_cells[0]["is_header"] and header_cells[0]["line_start"] == 2065
    data_lines = {r["line_start"] for r in extraction.rows["report_tables"]
                  if r["table_id"] == "3-14" and not r["is_header"]}
    assert len(data_lines) == 20 and data_lines.isdisjoint(range(2078, 2084))
    flags = [f for f in _flags(extraction, "page_break") if f["record_key"] == "3-14"]
    assert [f["source_locator"] for f in flags] == ["表 3-14 L2083-2083"]


# --- wrapped cells (表 3-7) ----------------------------------------------------------------------

# Hand-read from L1184-1215: (lines, issuer column 1, date column 2, title column 3 as printed).
WRAPPED_3_7 = [
    ((1184, 1186), "網信辦、發改委、教育部、科技部、工信部、公安部、廣電總局", "2023 年 7月13日",
     "《生成式人工智慧服務管理暫行辦法》"),
    ((1187, 1190), "工信部、科技部、國家能源局、國家標準委", "2023 年8月3日",
     "《新產業標準化領航工程實施方案 (2023—2035 年)》"),
    ((1191, 1194), "工信部、發改委、教育部、財政部、中國央行、稅務總局、金融監理總局、中國證監會",
     "2023 年 12 月 28日", "《關於加快傳統製造業轉型升級的指導意見》"),
    ((1195, 1204), "市場監管總局、網信辦、發改委、科技部、工信部、公安部、民政部、自然資源部、住房城鄉建設部、"
                   "交通運輸部、水利部、農村農業部、商務部、衛健委、應急管理部、中國央行、國資委、全國工商聯",
     "2024年3月18日", "《貫徹實施〈國家標準化發展綱要〉行動計畫(2024 —2025年)》"),
    ((1205, 1208), "文旅部、網信辦、發改委、工信部", "2024年5月6日", "《智慧旅遊創新發展行動計畫》"),
    ((1209, 1210), "中共中央政治局會議", "2023 年4月28日", "會議文件"),
    ((1211, 1215), "中共第二十屆三中全會", "2024 年7月18日",
     "《中共中央關於進一步全面深化改革推動中國式現代化的決定》"),
]


def test_wrapped_3_7_rebuilds_seven_logical_rows(tables):
    t = tables["3-7"]
    assert t.body_lines == (1183, 1215)
    assert len(t.rows) == 7
    got = [((r.line_start, r.line_end), r.cells[1], r.cells[2], r.cells[3]) for r in t.rows]
    assert got == WRAPPED_3_7
    # summaries close with 。 (column 4), e.g. L1198-1201 for the 4th row
    assert t.rows[3].cells[4] == "聚焦人機介面、量子資訊、生成式人工智慧、元宇宙等領域,前瞻布局未來產業標準研究。"


def test_wrapped_3_7_long_issuer_list_spans_to_line_1204(snapshot, tables):
    row = tables["3-7"].rows[3]
    assert (row.line_start, row.line_end) == (1195, 1204)
    assert _line(snapshot, 1204).split("\t")[1] == "聯"        # L1204 "⟶聯⟶⟶⟶": the tail of 全國工商聯
    assert row.cells[1].endswith("全國工商聯")
    assert row.cells[1].count("、") == 17                       # 18 issuers


def test_wrapped_3_7_policies(extraction):
    rows = _policies(extraction, "3-7")
    # L1209-1210 會議文件 (a meeting's papers, rules/prose.yaml meeting_records) is a table row, not a policy
    instruments = [w for w in WRAPPED_3_7 if w[3] != "會議文件"]
    expected_dates = [dt.date(2023, 7, 13), dt.date(2023, 8, 3), dt.date(2023, 12, 28), dt.date(2024, 3, 18),
                      dt.date(2024, 5, 6), dt.date(2024, 7, 18)]
    assert [r["source_locator"] for r in rows] == [f"表 3-7 L{a}-{b}" for (a, b), *_ in instruments]
    assert [r["issuer_printed"] for r in rows] == [w[1] for w in instruments]
    assert [r["issued_on"] for r in rows] == expected_dates
    assert {r["issued_precision"] for r in rows} == {"day"}
    assert [r["title"] for r in rows] == [w[3].strip("《》") for w in instruments]
    assert {r["jurisdiction"] for r in rows} == {"CN"}


# --- merged cells printed on a middle row ------------------------------------------------------

def test_fill_merged_3_1(tables):
    # L810-817 column 0: 美國白宮 / 白宮國家科學 技術委員會 / NIST / 能源部 / - / - / NSF / -
    assert rt.fill_merged(tables["3-1"].rows, 0) == [
        "美國白宮", "白宮國家科學技術委員會", "NIST", "能源部",
        "能源部",      # L814 FASST: DOE's programme, under 能源部 printed on L813
        "NSF",         # L815 國家人工智慧研究機構計畫: NSF is printed on L816, the middle row of L815-817
        "NSF", "NSF",
    ]


def test_fill_merged_3_4_and_3_6(tables):
    # L1014 文部科學省, L1015 (blank: GENIAC), L1016 經濟產業省
    assert rt.fill_merged(tables["3-4"].rows, 0) == ["文部科學省", "經濟產業省", "經濟產業省"]
    # L1105-1107: every row prints its issuer
    assert rt.fill_merged(tables["3-6"].rows, 0) == ["總務省", "內閣府", "內閣府"]


def test_merged_issuers_in_policies(extraction):
    by_title = {r["title"]: r for r in _table_mentions(extraction)}
    assert by_title["FASST"]["issuer_printed"] == "能源部"                               # L814
    assert by_title["國家人工智慧研究機構計畫"]["issuer_printed"] == "NSF"                 # L815
    assert by_title["NDIF 研究協作平台"]["issuer_printed"] == "NSF"                       # L817
    assert by_title["GenAI 加速器挑戰 (GENIAC)"]["issuer_printed"] == "經濟產業省"         # L1015
    resolved = sorted(f["source_locator"] for f in _flags(extraction, "merged_cell_resolved")
                      if f["table_name"] == "policy_mentions")     # 表 2-4's publishers: tests/test_tables_000.py
    assert resolved == ["表 3-1 L814-814", "表 3-1 L815-815", "表 3-1 L817-817", "表 3-4 L1015-1015"]


# --- OCR garbage -------------------------------------------------------------------------------

# (line, column, raw cell text as printed in the snapshot)
GARBAGE = [
    (1186, 2, "/Д 15 ц"),                  # 表 3-7, date column
    (1209, 3, "会送士从"),                  # 表 3-7, title column
    (1211, 4, "⇒¥○ AI欢目《然四班山"),       # 表 3-7, summary column
    (817, 3, "灰/六 AI / 介 九 貝 源"),      # 表 3-1, summary column of the NDIF row
]
GARBAGE_IDS = [f"L{g[0]}" for g in GARBAGE]


@pytest.mark.parametrize("line,column,text", GARBAGE, ids=GARBAGE_IDS)
def test_garbage_is_printed_where_cited(snapshot, line, column, text):
    assert _line(snapshot, line).split("\t")[column].strip() == text


@pytest.mark.parametrize("line,column,text", GARBAGE, ids=GARBAGE_IDS)
def test_is_ocr_garbage_detects(line, column, text):
    assert rt.is_ocr_garbage(text)


@pytest.mark.parametrize("line,column,text", GARBAGE, ids=GARBAGE_IDS)
def test_garbage_never_in_dataset_values(extraction, line, column, text):
    needle = _nospace(text)
    leaks = [(table, key, value) for table, rows in extraction.rows.items() if table != "quality_flags"
             for row in rows for key, value in row.items()
             if isinstance(value, str) and needle in _nospace(value)]
    assert leaks == []


@pytest.mark.parametrize("line,column,text", GARBAGE, ids=GARBAGE_IDS)
def test_garbage_produces_a_flag(extraction, line, column, text):
    flags = [f for f in _flags(extraction, "ocr_garbage") if f["source_locator"].endswith(f" L{line}-{line}")]
    assert len(flags) == 1, f"no ocr_garbage flag for L{line} {text!r}"
    assert flags[0]["record_key"].endswith(f":L{line}:c{column}")


def test_no_garbage_flag_on_real_cells(extraction):
    # The only noise cells in the mapped tables: the four above and L1205 "/ 如 ** * * ..." (表 3-7, column 3)
    # (the tables mapped later, 表 1-1, 3-3, 3-5 and 3-8, have their own noise: tests/test_tables_000.py)
    later = ("表 1-1 ", "表 3-3 ", "表 3-5 ", "表 3-8 ")
    flagged = {int(re.search(r"L(\d+)-", f["source_locator"]).group(1)) for f in _flags(extraction, "ocr_garbage")
               if not f["source_locator"].startswith(later)}
    assert flagged <= {817, 1186, 1205, 1209, 1211}
    assert {1186, 1205, 1209, 1211} <= flagged


@pytest.mark.parametrize("text", [
    "腾訊控股(中國)",        # L2066 (腾 printed in simplified script)
    "2,074",                # L2066
    "2024年6月",             # L813
    "AI RMF 簡介、SSDP",     # L812
    "能源部生成式人工智慧指南 (第2版公眾版本)",   # L813
    "2020年、2023年7月",     # L815
    "38,210",               # L1985
])
def test_real_values_are_not_garbage(text):
    assert not rt.is_ocr_garbage(text)


@pytest.mark.parametrize("line,column", [(1015, 3), (345, 0)])
def test_html_stripped_cells_are_not_garbage(snapshot, line, column):
    # L1015 "<ol> <li>NEDO 提供開發者 GPU、補助金等支援</li> ...", L345 "<b>行人</b> 200"
    raw = _line(snapshot, line).split("\t")[column]
    assert "<" in raw
    cleaned = rt.clean_cell(raw)
    assert "<" not in cleaned and ">" not in cleaned
    assert not rt.is_ocr_garbage(cleaned)


def test_real_cells_survive_in_dataset(extraction):
    by_title = {r["title"]: r for r in _table_mentions(extraction)}
    assert by_title["AI RMF 簡介、SSDP"]["issued_printed"] == "2024 年 7 月"                     # L812
    assert by_title["GenAI 加速器挑戰 (GENIAC)"]["text"].startswith("NEDO 提供開發者 GPU、補助金等支援")  # L1015
    tencent = [r for r in extraction.rows["patent_counts"] if r["source_locator"] == "表 3-14 L2066-2066"]
    assert [(r["applicant"], r["patent_families"]) for r in tencent] == [("腾訊控股", 2074)]


# --- list of tables numbered differently from the body -----------------------------------------

def test_list_of_tables_mismatch_flag(snapshot, extraction):
    assert _line(snapshot, 63) == "表 3-7\t韓國 AI 策略高層諮詢委員會組織圖\t73"
    flags = {f["record_key"]: f for f in _flags(extraction, "list_of_tables_mismatch")}
    assert "3-7" in flags
    flag = flags["3-7"]
    assert "韓國 AI 策略高層諮詢委員會組織圖" in flag["detail"]
    assert "中國推動 GenAI 的有關政策比較" in flag["detail"]
    assert flag["source_locator"] == "表 3-7 L1181-1181"
    # tables whose list entry matches the body caption are not flagged
    assert {"1-1", "2-1", "2-2", "2-3", "3-1", "3-4", "3-6", "3-13", "3-14"}.isdisjoint(flags)


# --- total check (表 2-2) ------------------------------------------------------------------------

def test_total_mismatch_2_2(snapshot, extraction):
    # L352 "總計⟶635.0⟶4,568.0⟶13,610.0⟶41%"; the 2027 column L346-351 sums to
    # 2,869.0 + 617.0 + 205.0 + 971.0 + 532.0 + 249.0 = 5,443.0
    assert _line(snapshot, 352).split("\t")[2] == "4,568.0"
    flags = _flags(extraction, "total_mismatch")
    assert len(flags) == 1
    flag = flags[0]
    assert flag["source_locator"] == "表 2-2 L352-352"
    assert "5,443.0" in flag["detail"] and "4,568.0" in flag["detail"]
    figures = {r["record_id"]: r for r in extraction.rows["market_figures"]}
    total = figures[flag["record_key"]]
    assert total["segment"] is None and total["period_start"] == 2027 and total["metric"] == "genai_revenue"
    assert total["value_low"] == total["value_high"] == 4568.0          # kept as printed, never corrected
    assert total["value_printed"] == "4,568.0"
    assert total["value_low_base"] == pytest.approx(4568.0e8)
    parts = [r["value_low"] for r in _rows(extraction, "market_figures", "2-2")
             if r["metric"] == "genai_revenue" and r["period_start"] == 2027 and r["segment"] is not None]
    assert sum(parts) == pytest.approx(5443.0)


# --- dataset content: patents ------------------------------------------------------------------

def test_patent_counts_3_13(extraction):
    rows = _rows(extraction, "patent_counts", "3-13")
    # L1985-1991 "中國⟶1⟶38,210" ... "德國⟶7⟶708"; L1982 caption gives 2014-2023; L1993 "資料來源: WIPO (2024)。"
    expected = [("CN", 1, 38210, 1985), ("US", 2, 6276, 1986), ("KR", 3, 4155, 1987), ("JP", 4, 3409, 1988),
                ("IN", 5, 1350, 1989), ("GB", 6, 714, 1990), ("DE", 7, 708, 1991)]
    assert [(r["jurisdiction"], r["rank"], r["patent_families"], int(LOCATOR_RE.match(r["source_locator"])[2]))
            for r in rows] == expected
    for r in rows:
        assert (r["period_start"], r["period_end"]) == (2014, 2023)
        assert r["publisher"] == "WIPO"
        assert r["applicant"] is None
        assert r["basis"] == "inventor_location"


APPLICANTS_3_14 = [   # L2066-2077 and L2084-2091: "applicant(country)⟶count"
    ("腾訊控股", "CN", 2074, 2066), ("平安保險", "CN", 1564, 2067), ("百度", "CN", 1234, 2068),
    ("IBM", "US", 601, 2069), ("阿里巴巴集團", "CN", 571, 2070), ("三星電子", "KR", 468, 2071),
    ("Alphabet/Google", "US", 443, 2072), ("字節跳動", "CN", 418, 2073), ("Microsoft", "US", 377, 2074),
    ("步步高電子", "CN", 377, 2075), ("網易", "CN", 337, 2076), ("NTT", "JP", 330, 2077),
    ("華為", "CN", 328, 2084), ("中國移動", "CN", 300, 2085), ("國家電網", "CN", 291, 2086),
    ("Adobe", "US", 257, 2087), ("Sony Group", "JP", 218, 2088), ("Siemens", "DE", 208, 2089),
    ("螞蟻集團", "CN", 202, 2090), ("中國工商銀行", "CN", 191, 2091),
]


def test_patent_counts_3_14(extraction):
    rows = _rows(extraction, "patent_counts", "3-14")
    assert [(r["applicant"], r["jurisdiction"], r["patent_families"],
             int(LOCATOR_RE.match(r["source_locator"])[2])) for r in rows] == APPLICANTS_3_14
    for r in rows:
        assert (r["period_start"], r["period_end"]) == (2014, 2023)
        assert r["publisher"] == "WIPO"                                  # L2093
        assert r["rank"] is None and r["basis"] == "applicant"
    assert len({r["record_id"] for r in rows}) == 20
    assert not _flags(extraction, "applicant_unreadable")


# --- dataset content: market figures ------------------------------------------------------------

PENETRATION_2_1 = {   # L327-332: segment -> (2023, 2027, 2032) printed, unit (%) from the header L326
    "硬體": ("0.3~6.0", "2.0~10.5", "1.9~8.5"),
    "軟體": ("0.0~0.6", "1.2~3.0", "3.8~12.0"),
    "資通訊服務": ("0.0", "2.0", "6.0"),
    "商業服務": ("0.0", "2.0", "5.0"),
    "數位廣告": ("0.2~1.0", "1.5~6.0", "4.0~12.0"),
    "游戲": ("0.1~0.2", "2.5~4.5", "6.0~10.0"),
}


def _low_high(printed: str) -> tuple[float, float]:
    parts = printed.replace(",", "").rstrip("%").split("~")
    return float(parts[0]), float(parts[-1])


def test_market_figures_2_1(extraction):
    rows = _rows(extraction, "market_figures", "2-1")
    assert len(rows) == 18
    got = {(r["segment"], r["period_start"]): r for r in rows}
    for line, (segment, printed) in enumerate(PENETRATION_2_1.items(), start=327):
        for year, value in zip((2023, 2027, 2032), printed, strict=True):
            r = got[(segment, year)]
            assert r["value_printed"] == value
            assert (r["value_low"], r["value_high"]) == _low_high(value)
            assert (r["period_end"], r["period_basis"]) == (year, "point")
            assert (r["unit"], r["currency"], r["value_low_base"], r["value_high_base"]) == ("%", None, None, None)
            assert (r["scope"], r["metric"], r["publisher"]) == ("WLD", "genai_penetration_rate",
                                                                  "Bloomberg Intelligence")
            assert r["source_locator"] == f"表 2-1 L{line}-{line}"


REVENUE_2_2 = {   # L346-352: segment -> (2023, 2027, 2032 in 億美元, 2023-2032 CAGR %); header L344-345
    "硬體": ("531.0", "2,869.0", "6,394.0", "32%"),
    "軟體": ("50.0", "617.0", "3,180.0", "59%"),
    "資通訊服務": ("2.0", "205.0", "809.0", "99%"),
    "商業服務": ("0.8", "971.0", "324.0", "95%"),
    "數位廣告": ("46.0", "532.0", "2,067.0", "53%"),
    "游戲": ("5.0", "249.0", "836.0", "75%"),
    None: ("635.0", "4,568.0", "13,610.0", "41%"),           # 總計 row: segment NULL
}


def test_market_figures_2_2(extraction):
    rows = _rows(extraction, "market_figures", "2-2")
    assert len(rows) == 28
    got = {(r["segment"], r["metric"], r["period_start"]): r for r in rows}
    for line, (segment, printed) in enumerate(REVENUE_2_2.items(), start=346):
        for year, value in zip((2023, 2027, 2032), printed[:3], strict=True):
            r = got[(segment, "genai_revenue", year)]
            low = float(value.replace(",", ""))
            assert (r["value_printed"], r["value_low"], r["value_high"]) == (value, low, low)
            assert (r["period_end"], r["period_basis"], r["unit"], r["currency"]) == (year, "point", "億美元", "USD")
            assert r["value_low_base"] == pytest.approx(low * 1e8)
            assert r["source_locator"] == f"表 2-2 L{line}-{line}"
        r = got[(segment, "genai_revenue_cagr", 2023)]
        cagr = float(printed[3].rstrip("%"))
        assert (r["value_printed"], r["value_low"], r["value_high"]) == (printed[3], cagr, cagr)
        assert (r["period_end"], r["period_basis"], r["unit"], r["currency"], r["value_low_base"]) == (
            2032, "period", "%", None, None)
    assert {(r["scope"], r["publisher"]) for r in rows} == {("WLD", "Bloomberg Intelligence")}


IMPACT_2_3 = [   # L413-420: publisher, scope, direction, period, printed value -> low, high, unit
    (413, "高盛", "WLD", "positive", (2023, 2032, "period"), "7 兆美元", 7.0, 7.0, "兆美元"),
    (414, "麥肯錫", "WLD", "positive", (None, None, "per_year"), "2.6~7.9 兆美元", 2.6, 7.9, "兆美元"),
    (415, "摩根大通", "WLD", "positive", (None, None, None), "7~10 兆美元", 7.0, 10.0, "兆美元"),
    (416, "MarketsandMarkets", "WLD", "positive", (2024, 2030, "period"), "209~1,367 億美元", 209.0, 1367.0, "億美元"),
    (417, "彭博資訊", "WLD", "positive", (2023, 2032, "period"), "4.4~10.0 兆美元", 4.4, 10.0, "兆美元"),   # 市場
    (418, "Cognizant", "US", "positive", (2024, 2032, "period"), "0.5~1.0 兆美元", 0.5, 1.0, "兆美元"),
    (419, "麥肯錫大中華區", "CN", "positive", (None, 2030, "by_year"), "2 兆美元", 2.0, 2.0, "兆美元"),
    (420, "Deloitte", "WLD", "negative", (2023, 2027, "period"), "123~400 億美元", 123.0, 400.0, "億美元"),
]


def test_market_figures_2_3(extraction):
    rows = _rows(extraction, "market_figures", "2-3")
    assert len(rows) == 8
    for r, (line, publisher, scope, direction, period, printed, low, high, unit) in zip(rows, IMPACT_2_3, strict=True):
        assert r["source_locator"] == f"表 2-3 L{line}-{line}"
        assert (r["publisher_printed"], r["scope"], r["direction"]) == (publisher, scope, direction)
        assert (r["period_start"], r["period_end"], r["period_basis"]) == period
        assert (r["value_printed"], r["value_low"], r["value_high"]) == (printed, low, high)
        assert (r["unit"], r["currency"], r["metric"]) == (unit, "USD", "genai_economic_impact")
        factor = 1e12 if unit == "兆美元" else 1e8
        assert r["value_low_base"] == pytest.approx(low * factor)
        assert r["value_high_base"] == pytest.approx(high * factor)
    mckinsey = rows[1]                                           # L414 "2.6~7.9 兆美元"
    assert mckinsey["value_low_base"] == pytest.approx(2.6e12)
    assert mckinsey["value_high_base"] == pytest.approx(7.9e12)


def test_no_unreadable_market_rows(extraction):
    assert not _flags(extraction, "value_unreadable") and not _flags(extraction, "row_unreadable")


# --- dataset content: policies ------------------------------------------------------------------

POLICIES_LINE_TABLES = {
    "3-1": [   # L810-817: title, issuer, issued_on, precision, instrument_type
        ("第 14110 號行政命令", "美國白宮", dt.date(2023, 10, 1), "month", "executive_order"),
        ("國家人工智慧研發戰略計畫 2023 年更新版", "白宮國家科學技術委員會", dt.date(2023, 5, 1), "month", "strategy"),
        ("AI RMF 簡介、SSDP", "NIST", dt.date(2024, 7, 1), "month", "framework"),
        ("能源部生成式人工智慧指南 (第2版公眾版本)", "能源部", dt.date(2024, 6, 1), "month", "guideline"),
        ("FASST", "能源部", dt.date(2024, 7, 1), "month", "other"),
        ("國家人工智慧研究機構計畫", "NSF", dt.date(2020, 1, 1), "year", "programme"),   # "2020年、2023年7月"
        ("國家人工智慧資源試點計畫", "NSF", dt.date(2024, 1, 1), "month", "infrastructure"),   # AI 資源: a resource
        ("NDIF 研究協作平台", "NSF", dt.date(2024, 5, 1), "month", "infrastructure"),
    ],
    "3-4": [   # L1014-1016
        ("關於次世代運算基盤「富岳 NEXT」的推進", "文部科學省", dt.date(2024, 8, 1), "month", "infrastructure"),
        ("GenAI 加速器挑戰 (GENIAC)", "經濟產業省", dt.date(2024, 2, 1), "month", "programme"),
        (None, "經濟產業省", dt.date(2023, 8, 1), "month", None),   # long title, checked separately
    ],
    "3-6": [   # L1105-1107
        ("針對開發高度 AI 系統的組織之廣島進程國際行動規範", "總務省", dt.date(2024, 2, 1), "month", "guideline"),
        ("AI 戰略會議「關於 AI 之暫定論點整理」", "內閣府", dt.date(2023, 5, 1), "month", "strategy"),
        ("統合創新戰略 2024", "內閣府", dt.date(2024, 6, 1), "month", "strategy"),
    ],
}
FIRST_LINE = {"3-1": 810, "3-4": 1014, "3-6": 1105}
JURISDICTION = {"3-1": "US", "3-4": "JP", "3-6": "JP", "3-7": "CN"}


@pytest.mark.parametrize("table_id", ["3-1", "3-4", "3-6"])
def test_policies_line_tables(extraction, table_id):
    rows = _policies(extraction, table_id)
    expected = POLICIES_LINE_TABLES[table_id]
    assert len(rows) == len(expected)
    for n, (r, (title, issuer, issued, precision, kind)) in enumerate(zip(rows, expected, strict=True)):
        line = FIRST_LINE[table_id] + n
        assert r["source_locator"] == f"表 {table_id} L{line}-{line}"
        assert (r["issuer_printed"], r["issued_on"], r["issued_precision"]) == (issuer, issued, precision)
        assert r["jurisdiction"] == JURISDICTION[table_id]
        if title is not None:
            assert r["title"] == title
            assert r["instrument_type"] == kind


def test_policy_counts(extraction):
    counts = {tid: len(_policies(extraction, tid)) for tid in ("3-1", "3-4", "3-6", "3-7")}
    assert counts == {"3-1": 8, "3-4": 3, "3-6": 3, "3-7": 6}     # 3-7: 會議文件 (L1209) is not an instrument
    four = [r for r in _table_mentions(extraction)              # 表 3-10 (Korean bills): tests/test_tables_000.py
            if LOCATOR_RE.match(r["source_locator"]).group(1) in ("3-1", "3-4", "3-6", "3-7")]
    assert len(four) == 20
    assert len({r["policy_id"] for r in four}) == 20


def test_policy_date_issues_flagged(extraction):
    multiple = _flags(extraction, "date_multiple_dates")                 # L815 "2020年、2023年7月"
    assert [f["source_locator"] for f in multiple] == ["表 3-1 L815-815"]
    malformed = _flags(extraction, "date_malformed")                     # L1105 "2024月2月"
    assert [f["source_locator"] for f in malformed] == ["表 3-6 L1105-1105"]


def test_policy_genai_specific(extraction):
    genai = sorted(r["title"] for r in _table_mentions(extraction) if nz.genai_specific(r["title"]))
    assert genai == sorted([
        "能源部生成式人工智慧指南 (第2版公眾版本)",                  # L813
        "GenAI 加速器挑戰 (GENIAC)",                                # L1015
        _policies(extraction, "3-4")[2]["title"],                   # L1016 "「在 GenAI 的時代 中為推進數位轉型 …」"
        "生成式人工智慧服務管理暫行辦法",                            # L1184-1186
    ])


def test_policy_locators_contain_their_titles(snapshot, extraction, tables):
    for r in _table_mentions(extraction):
        m = LOCATOR_RE.match(r["source_locator"])
        assert m, r["source_locator"]
        table_id, first, last = m.group(1), int(m.group(2)), int(m.group(3))
        body = tables[table_id].body_lines
        assert body[0] < first <= last <= body[1]
        assert r["issuer_printed"] and r["issued_on"] and r["issued_precision"]
        columns = _column_texts(snapshot, first, last)
        assert any(_nospace(r["title"]) in text for text in columns), (r["source_locator"], r["title"])


# --- malformed tables ---------------------------------------------------------------------------

def test_unknown_table_id_raises(snapshot):
    with pytest.raises(rt.TableError) as exc:
        rt.find_tables(SOURCE_ID, snapshot.lines, [{"table_id": "9-9"}])
    assert SOURCE_ID in str(exc.value) and "表 9-9" in str(exc.value)


def test_caption_without_tab_body_raises(snapshot):
    # L610 "表 2-5 應用 GenAI 技術提升工作活動之自動化程度" is printed as an image: no tab-separated body
    with pytest.raises(rt.TableError) as exc:
        rt.find_tables(SOURCE_ID, snapshot.lines, [{"table_id": "2-5"}])
    assert SOURCE_ID in str(exc.value) and "表 2-5" in str(exc.value)


def test_repeated_caption_raises(snapshot):
    lines = list(snapshot.lines)
    lines.insert(2000, _line(snapshot, 1982))                  # a second "表 3-13 ..." caption
    with pytest.raises(rt.TableError) as exc:
        rt.find_tables(SOURCE_ID, lines, [{"table_id": "3-13"}])
    assert SOURCE_ID in str(exc.value) and "表 3-13" in str(exc.value) and "found 2" in str(exc.value)
