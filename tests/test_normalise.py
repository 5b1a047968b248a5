"""Unit tests of extractors/core/normalise.py on values printed in the documents.

Line numbers refer to document 000 (sources/tier-2025-genai-global-economy/2026-11-21/document.txt) unless
another snapshot is named;
``⟶`` stands for a TAB between table cells.
"""
from __future__ import annotations

import datetime as dt

import pytest

from extractors.core import normalise as nz


# --- jurisdictions -----------------------------------------------------------------------------

@pytest.mark.parametrize("name,code", [
    ("中國", "CN"),    # 表 3-13 L1985
    ("美國", "US"),    # L1986
    ("韓國", "KR"),    # L1987 (alias: pycountry calls it 大韓民國)
    ("日本", "JP"),    # L1988
    ("印度", "IN"),    # L1989
    ("英國", "GB"),    # L1990
    ("德國", "DE"),    # L1991
    ("芬蘭", "FI"),    # 表 3-2 (超級電腦所在地)
    ("臺灣", "TW"),
    ("台灣", "TW"),
    ("歐盟", "EU"),
    ("中国", "CN"),    # simplified script
    ("美国", "US"),
    ("韩国", "KR"),
    (" 中 國 ", "CN"),  # wrapped/padded cell
])
def test_jurisdiction(name, code):
    assert nz.jurisdiction(name) == code


@pytest.mark.parametrize("name", ["火星國", "宏觀經濟影響", "全球", "", "abc"])
def test_jurisdiction_unknown_raises(name):
    with pytest.raises(nz.NormaliseError) as exc:
        nz.jurisdiction(name)
    assert repr(name) in str(exc.value)


def test_scope():
    assert nz.scope("全球") == "WLD"      # 表 2-3 L413
    assert nz.scope("市場") == "WLD"      # 表 2-3 L417
    assert nz.scope("美國") == "US"       # 表 2-3 L418
    assert nz.scope("中國") == "CN"       # 表 2-3 L419
    with pytest.raises(nz.NormaliseError):
        nz.scope("宏觀經濟影響")


def test_jurisdiction_in_caption():
    assert nz.jurisdiction_in("美國 GenAI 政策比較") == "US"          # L807
    assert nz.jurisdiction_in("日本推動 GenAI 發展相關政策") == "JP"   # L1011
    assert nz.jurisdiction_in("中國推動 GenAI 的有關政策比較") == "CN"  # L1181
    assert nz.jurisdiction_in("GenAI 對於全球整體經濟影響") is None     # L410


# --- numbers, ranges, units --------------------------------------------------------------------

def test_parse_number():
    assert nz.parse_number("2,869.0") == 2869.0     # 表 2-2 L346
    assert nz.parse_number("38,210") == 38210.0     # 表 3-13 L1985
    with pytest.raises(nz.NormaliseError):
        nz.parse_number("2 兆美元")
    with pytest.raises(nz.NormaliseError):
        nz.parse_number("")


@pytest.mark.parametrize("printed,expected", [
    ("2.6~7.9 兆美元", (2.6, 7.9, "兆美元")),           # 表 2-3 L414
    ("209~1,367 億美元", (209.0, 1367.0, "億美元")),     # L416
    ("7 兆美元", (7.0, 7.0, "兆美元")),                  # L413
    ("32%", (32.0, 32.0, "%")),                          # 表 2-2 L346
    ("0.3~6.0", (0.3, 6.0, "")),                         # 表 2-1 L327: the unit is in the header
    ("4,568.0", (4568.0, 4568.0, "")),                   # 表 2-2 L352
])
def test_parse_range(printed, expected):
    assert nz.parse_range(printed) == expected


@pytest.mark.parametrize("printed", ["", "-", "兆美元", "約兩兆"])
def test_parse_range_unreadable(printed):
    with pytest.raises(nz.NormaliseError):
        nz.parse_range(printed)


@pytest.mark.parametrize("printed,multiplier,currency", [
    ("億美元", 1e8, "USD"),          # 表 2-2 header L345 "(億美元)"
    ("(億美元)", 1e8, "USD"),
    ("兆美元", 1e12, "USD"),         # 表 2-3 L413
    ("新臺幣億元", 1e8, "TWD"),
    ("億元人民幣", 1e8, "CNY"),      # L2017 "39.1 億元人民幣"
    ("萬歐元", 1e4, "EUR"),          # L839 "900 萬歐元"
    ("百萬美元", 1e6, "USD"),        # longest magnitude word wins over 萬
])
def test_parse_unit_currency(printed, multiplier, currency):
    unit = nz.parse_unit(printed)
    assert unit.multiplier == multiplier
    assert unit.currency == currency


@pytest.mark.parametrize("printed", ["%", "%", "(%)"])
def test_parse_unit_percent(printed):
    unit = nz.parse_unit(printed)
    assert (unit.multiplier, unit.currency) == (None, None)


@pytest.mark.parametrize("word,factor", [("萬", 1e4), ("億", 1e8), ("兆", 1e12)])
def test_magnitude_words(word, factor):
    assert nz.parse_unit(f"{word}美元").multiplier == factor
    low, high, rest = nz.parse_range(f"2.5 {word}美元")
    assert low * nz.parse_unit(rest).multiplier == pytest.approx(2.5 * factor)


@pytest.mark.parametrize("printed", [
    "兆元",       # L1995 "14.4 兆元": no currency printed, not guessed
    "項",
    "件",
    "億美元/年",
    "",
])
def test_parse_unit_unknown_raises(printed):
    with pytest.raises(nz.NormaliseError) as exc:
        nz.parse_unit(printed)
    assert repr(printed) in str(exc.value)


# --- years and dates ---------------------------------------------------------------------------

def test_roc_to_gregorian():
    assert nz.roc_to_gregorian(114) == 2025
    assert nz.roc_to_gregorian(1) == 1912
    for bad in (0, 201, 2025):
        with pytest.raises(nz.NormaliseError):
            nz.roc_to_gregorian(bad)


@pytest.mark.parametrize("printed,year", [
    ("民國114年", 2025),
    ("114年", 2025),
    ("114 年", 2025),     # document 003 L193 "執行至 114 年 8 月"
    ("2025", 2025),
    ("2025 年", 2025),
])
def test_parse_year(printed, year):
    assert nz.parse_year(printed) == year


@pytest.mark.parametrize("printed", ["abc", "20250年", "明年"])
def test_parse_year_unreadable(printed):
    with pytest.raises(nz.NormaliseError):
        nz.parse_year(printed)


@pytest.mark.parametrize("printed,value,precision,issues", [
    ("2023 年 7月13日", dt.date(2023, 7, 13), "day", ()),                   # 表 3-7 L1184
    ("2023 年 12 月 28日", dt.date(2023, 12, 28), "day", ()),               # 表 3-7 L1191 + L1194
    ("2023 年 10 月", dt.date(2023, 10, 1), "month", ()),                   # 表 3-1 L810
    ("2024年6月", dt.date(2024, 6, 1), "month", ()),                        # 表 3-1 L813
    ("2024年", dt.date(2024, 1, 1), "year", ()),
    ("2020年、2023年7月", dt.date(2020, 1, 1), "year", ("multiple_dates",)),  # 表 3-1 L815
    ("2024月2月", dt.date(2024, 2, 1), "month", ("malformed",)),            # 表 3-6 L1105
    ("民國114年3月", dt.date(2025, 3, 1), "month", ()),
])
def test_parse_date(printed, value, precision, issues):
    parsed = nz.parse_date(printed)
    assert (parsed.value, parsed.precision, parsed.issues) == (value, precision, issues)


@pytest.mark.parametrize("printed", [None, "", "-", "—"])
def test_parse_date_empty(printed):
    assert nz.parse_date(printed) is None


@pytest.mark.parametrize("printed", ["待定", "2023 年 2月30日"])
def test_parse_date_unreadable(printed):
    with pytest.raises(nz.NormaliseError):
        nz.parse_date(printed)


@pytest.mark.parametrize("printed,expected", [
    ("2023-2032", (2023, 2032, "period")),     # 表 2-3 L413
    ("2024-2030", (2024, 2030, "period")),     # L416
    ("每年", (None, None, "per_year")),         # L414
    ("2030 年前", (None, 2030, "by_year")),     # L419
    ("-", (None, None, None)),                  # L415
    ("", (None, None, None)),
    (None, (None, None, None)),
    ("2027", (2027, 2027, "point")),
])
def test_parse_period(printed, expected):
    assert nz.parse_period(printed) == expected


def test_parse_period_unreadable():
    with pytest.raises(nz.NormaliseError):
        nz.parse_period("明年")


# --- classifications ---------------------------------------------------------------------------

@pytest.mark.parametrize("title,kind,genai", [
    ("第 14110 號行政命令", "executive_order", False),                           # 表 3-1 L810
    ("國家人工智慧研發戰略計畫", "strategy", False),                              # L811
    ("國家人工智慧研發戰略計畫 2023 年更新版", "strategy", False),
    ("AI RMF 簡介、SSDP", "framework", False),                                   # L812
    ("能源部生成式人工智慧指南 (第2版公眾版本)", "guideline", True),               # L813
    ("國家人工智慧研究機構計畫", "programme", False),                              # L815
    ("NDIF 研究協作平台", "infrastructure", False),                              # L817
    ("GenAI 加速器挑戰 (GENIAC)", "programme", True),                            # 表 3-4 L1015
    ("統合創新戰略 2024", "strategy", False),                                     # 表 3-6 L1107
    ("生成式人工智慧服務管理暫行辦法", "regulation", True),                        # 表 3-7 L1184-1186
    ("《生成式人工智慧服務管理暫行辦法》", "regulation", True),                      # with title marks
    ("生成式人工智能服务管理暂行办法", "regulation", True),                         # simplified script
    ("關於加快傳統製造業轉型升級的指導意見", "guideline", False),                  # L1191-1194
    ("智慧旅遊創新發展行動計畫", "strategy", False),      # L1206: an action plan is a plan (OECD.AI strategies)
    ("臺灣 AI 行動計畫 2.0", "strategy", False),                                  # moda L93
    ("AI 協調計畫", "strategy", False),                                           # nstc L334
    ("算力基礎設施高品質發展行動計畫", "strategy", False),   # L1151: an action plan, whatever it plans
    ("新產業標準化領航工程實施方案 (2023—2035 年)", "programme", False),   # L1119: 標準化 is its field, not a standard
    ("貫徹實施〈國家標準化發展綱要〉行動計畫(2024—2025 年)", "strategy", False),  # L1129
    ("數位技能標準 (DSS)", "standard", False),                                   # L979
    ("高速電腦公私夥伴聯合計畫", "infrastructure", False),                        # L831 (EuroHPC JU)
    ("歐洲共同資料空間", "infrastructure", False),                                # L893
    ("在 GenAI 的時代中為推進數位轉型所需人才及技術之思維 (GenAI 時代の DX 推進に必要な人材・スキルの考え方)",
     "guideline", True),                                                        # 表 3-4 L1016
    ("AI 與著作權相關觀點", "guideline", False),                                   # L1096
    ("廣島 AI 進程", "framework", False),                                         # L1022
    ("後 5G 情報通信系統基礎建設強化研究開發事業", "programme", False),               # L957
    ("金融科技發展規劃(2022-2025年)", "strategy", False),        # L2380: the head word before the trailing years
    ("第 四期智慧機器人基本計畫(2024-2028年)", "strategy", False),  # L2318: a basic plan is a plan
    ("AI 創新套案", "programme", False),                           # L823: a package of support measures
    ("促進資料創新利用發展條例(草案)", "bill", False),                # L2460: (草案) is kept for the bill rule
    ("無顯著風險之人工智慧/機器學習技術醫療器材軟體臨床試驗態樣說明及示例", "guideline", False),  # nstc L1144
    ("人工智慧規則指南手冊", "guideline", False),                                   # nstc L397
    ("AI 時代個資安全使用方針", "guideline", False),                                # L1339
    ("人工智慧風險分級框 架", "framework", False),                                  # L2422: a line-wrap space
    ("新一代AI創新發展試驗區", "programme", False),                                 # nstc L366
    ("加強投資 AI 新創方案", "funding", False),                                    # L2476
    ("中共中央關於進一步全面深化改革推動中國式現代化的決定", "strategy", False),    # L1211-1215
])
def test_instrument_type_and_genai_specific(title, kind, genai):
    assert nz.instrument_type(title) == kind
    assert nz.genai_specific(title) is genai


@pytest.mark.parametrize("title", ["大型語言模型評測指引", "AIGC 標識辦法", "深度偽造防制條例",
                                   "Generative AI Framework"])
def test_genai_specific_terms(title):
    assert nz.genai_specific(title)


def test_to_traditional():
    assert nz.to_traditional("腾讯") == "騰訊"     # 表 3-14 L2066 prints 腾訊 with a simplified 腾


def test_places_in_running_text():
    # document 000 L368: 83%中國決策者表示已開始使用 GenAI 技術,而美國只有 65%; 001 L72 瑞典金融科技公司Klarna
    text = "結果發現,83%中國決策者表示已開始使用 GenAI 技術,而美國只有 65%;瑞典金融科技公司Klarna;G7 與 OECD"
    assert nz.places_in(text) == [(text.index("中國"), "CN"), (text.index("美國"), "US"), (text.index("瑞典"), "SE")]
