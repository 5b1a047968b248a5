"""Policy recall in running text, second round (issue 15 item 3): names whose kind the words around them tell
(``extractors/report_text/prose/named.py``: issuer + year + kind, a fund set up, a successor, a system a public
body builds) and names printed shorter (``prose/again.py`` with ``extractors/core/shortened.py``), with the
resolve joins that keep each one instrument (rules 1f, 1g). Every assertion is on the real extraction of the
real snapshot text (documents 000 tier-2025-genai-global-economy and 001 aigc-us-gb-kr-tw-2024); no text is
invented."""
from __future__ import annotations

import pytest

from extractors import resolve
from extractors.core import records, snapshots
from extractors.core.shortened import MIN_LETTERS, SHARE, is_shortened, shortened_start
from extractors.report_text import extract, prose
from extractors.report_text.prose.named import named_spans
from extractors.report_text.prose.titles import accept
from extractors.resolve.overrides import load_overrides

S000 = "tier-2025-genai-global-economy"
S001 = "aigc-us-gb-kr-tw-2024"
S003 = "moda-2025-ai-industry-programme"


def _prose(source_id: str) -> tuple[list[str], list[dict]]:
    lines = snapshots.load(source_id).lines
    ex = records.Extraction(source_id=source_id)
    prose.extract_mentions(ex, lines, extract.load_prose_spec(source_id))
    return lines, ex.rows["policy_mentions"]


@pytest.fixture(scope="module")
def doc000() -> tuple[list[str], list[dict]]:
    return _prose(S000)


@pytest.fixture(scope="module")
def doc001() -> tuple[list[str], list[dict]]:
    return _prose(S001)


@pytest.fixture(scope="module")
def full000() -> records.Extraction:
    """Document 000 as the pipeline reads it: tables and prose."""
    return extract.extract_source(snapshots.load(S000))


def _rows(mentions: list[dict], title: str) -> list[tuple]:
    return [(m["source_locator"], m["jurisdiction"], m["title_printed"], m["issuer_printed"], m["issued_printed"],
             m["instrument_type"]) for m in mentions if m["title"] == title]


def test_an_instrument_named_by_its_issuer_a_year_and_its_kind(doc000):
    lines, mentions = doc000
    assert "在韓 國科技部 2024 年政策實施計畫中260" in lines[2320 - 1]
    # the year and the name are the title; the ministry (printed with a line-wrap space) is its issuer
    assert _rows(mentions, "2024 年政策實施計畫") == [
        ("L2320-2328", "KR", "2024 年政策實施計畫", "科技部", None, "strategy")]
    # a year after a company is no instrument: L1800 三菱綜合研究所…2020 年即在中期經營計畫 (no organisation of
    # the rules before the year)
    assert not [m for m in mentions if "經營計畫" in m["title"]]
    # derived from the real L2320 line (so said): a verb after the year makes it a clause, not a name
    clause = lines[2320 - 1][lines[2320 - 1].index("韓 國科技部"):lines[2320 - 1].index("中260")]
    assert [t for t, *_ in named_spans(clause)] == ["2024 年政策實施計畫"]
    assert named_spans(clause.replace("2024 年政策", "2024 年推動政策")) == []


def test_a_fund_a_government_sets_up(doc000):
    lines, mentions = doc000
    assert "北京也於 2024 年初設立了目標規模為 100 億人民幣的北京機器人產業發展投資基金" in lines[2382 - 1]
    # the size phrase ending in 的 is skipped; the name begins with a jurisdiction (北京: jurisdiction_aliases)
    assert _rows(mentions, "北京機器人產業發展投資基金") == [
        ("L2382-2382", "CN", "北京機器人產業發展投資基金", None, "2024 年", "funding")]
    # foundations (基金會) and funds named without a set-up verb are not read
    assert not [m for m in mentions if "基金會" in m["title"] or m["title"].endswith("國發基金")]


def test_a_successor_of_a_system_named_in_marks(doc000, full000):
    lines, mentions = doc000
    assert "文部科學省也正著手" in lines[2604 - 1] and "超級電腦「富岳」後繼機型的研發設計" in lines[2604 - 1]
    assert "「富岳」後繼機型之次世代算力「富岳 NEXT」計畫" in lines[995 - 1]
    got = _rows(mentions, "「富岳」後繼機型")
    # L997 and L2604 name an organisation (文部科學省) before it; the L995 heading names none, so it is not read
    # there (the heading names 「富岳 NEXT」計畫)
    assert [(loc, juris) for loc, juris, *_ in got] == [("L997-997", "JP"), ("L2604-2604", "JP")]
    assert got[1][5] == "infrastructure"          # a sentence about compute (types.py context rule)
    # L1003 prints it again without marks
    assert _rows(mentions, "富岳後繼機型")[0][:3] == ("L1003-1003", "JP", "富岳後繼機型")
    # rule 1g: the successor and 「富岳 NEXT」 are one instrument (the table row's title leads)
    out = resolve.resolve(full000.rows["policy_mentions"], full000.rows["policy_relations"], overrides=[])
    ids = {m["policy_id"] for m in out["policy_mentions"] if "富岳" in m["title"]}
    assert len(ids) == 1


def test_a_system_a_public_body_builds_named_after_its_kind(doc001):
    lines, mentions = doc001
    assert "國科會打造的在地大型語言模型TADIE" in lines[273 - 1]
    # printed as spelled; curation/overrides.yaml joins the misspelling to TAIDE (L297, L299)
    assert _rows(mentions, "TADIE") == [("L273-273", "TW", "TADIE", "國科會", None, "other")]
    # technology words are not names: L277 新創公司開發應用AIGC names no organisation of the rules either
    assert not [m for m in mentions if m["title"] in ("AIGC", "GenAI")]


def test_the_misspelled_model_is_taide():
    # the reviewed alias of curation/overrides.yaml (001 L273 TADIE, L297 TAIDE), applied alone to 000 and 001
    tadie = [o for o in load_overrides() if o["action"] == "same_as" and o["match"]["title"] == "TADIE"]
    mentions = [m for sid in (S000, S001) for m in extract.extract_source(snapshots.load(sid)).rows["policy_mentions"]]
    out = resolve.resolve(mentions, overrides=tadie)
    taide = [p for p in out["policies"] if p["jurisdiction"] == "TW" and "TAIDE" in p["title"]]
    assert [p["title"] for p in taide] == ["可信任 AI 對話引擎(TAIDE)計畫"]
    titles = {m["title"] for m in out["policy_mentions"] if m["policy_id"] == taide[0]["policy_id"]}
    assert {"TADIE", "TAIDE"} <= titles


def test_an_item_of_an_enumeration_ending_with_an_instrument_word():
    lines, mentions = _prose(S003)
    assert "包括台灣人工智慧學校、AI Forum、TAIDE 計畫、NTUCE-NCREE AI 中心" in lines[824 - 1]
    assert "、教育部苗圃計畫、" in lines[824 - 1]
    # the checks of a name printed without marks: TAIDE before 計畫 makes it specific; 教育部苗圃計畫 is 苗圃計畫 once
    # its organisation is set aside, with no Latin letter or digit: not read
    assert [(m["source_locator"], m["jurisdiction"], m["title_printed"], m["instrument_type"])
            for m in mentions if m["source_locator"] == "L824-824"] == [("L824-824", "TW", "TAIDE 計畫", "programme")]
    # rule 1e: an acronym with its kind word names what the acronym names (000 可信任 AI 對話引擎(TAIDE)計畫)
    rows = [m for sid in (S000, S003) for m in extract.extract_source(snapshots.load(sid)).rows["policy_mentions"]]
    out = resolve.resolve(rows, overrides=[])
    named = ("TAIDE 計畫", "可信任 AI 對話引擎(TAIDE)計畫")
    ids = {m["policy_id"] for m in out["policy_mentions"] if m["title"] in named}
    assert len(ids) == 1


def test_a_name_printed_shorter(doc000, full000):
    lines, mentions = doc000
    # L1094 設置 AI 安全性研究所; L2636 成立「AI安全研究所」 (性 left out)
    assert "設置 AI 安全性研究所(AI Safety Institute, AISI)" in lines[1094 - 1]
    assert "成立「AI安全研究所」" in lines[2636 - 1]
    assert _rows(mentions, "AI安全研究所") == [("L2636-2638", "JP", "AI安全研究所", None, None, "institution")]
    # L689 國家 AI 研究資源試點計畫; L2592 prints AI 試點計畫 (6 of 12 letters: not read) and AI 資源試點計畫
    # (國家 and 研究 left out: 8 of 12)
    assert "建立 AI 試點計畫以" in lines[2592 - 1] and "2024 年 1 月的 AI 資源試點計畫" in lines[2592 - 1]
    assert _rows(mentions, "AI 資源試點計畫") == [
        ("L2592-2592", "US", "AI 資源試點計畫", None, None, "infrastructure")]
    assert not _rows(mentions, "AI 試點計畫")
    # rule 1f: each is one instrument with the name it shortens
    out = resolve.resolve(full000.rows["policy_mentions"], full000.rows["policy_relations"], overrides=[])
    by_title = {m["title"]: m["policy_id"] for m in out["policy_mentions"]}
    assert by_title["AI安全研究所"] == by_title["AI 安全性研究所"]
    assert by_title["AI 資源試點計畫"] == by_title["國家 AI 研究資源試點計畫"]


def test_what_a_shortened_form_is():
    # the forms of the document above: one run left out inside, leading words may go too
    assert is_shortened("AI安全研究所", "AI 安全性研究所", SHARE, MIN_LETTERS)
    assert is_shortened("AI資源試點計畫", "國家AI研究資源試點計畫", SHARE, MIN_LETTERS)
    # not: the name whole, a suffix of it (no run left out inside), too few letters kept
    assert not is_shortened("AI 安全性研究所", "AI 安全性研究所", SHARE, MIN_LETTERS)
    assert not is_shortened("AI資源試點計畫", "國家AI資源試點計畫", SHARE, MIN_LETTERS)
    assert not is_shortened("AI試點計畫", "國家AI研究資源試點計畫", SHARE, MIN_LETTERS)
    # the walk stops at a mark or a letter the name does not hold: L2592 的 AI 資源試點計畫 starts after 的
    text = "且 2024 年 1 月的 AI 資源試點計畫更推動"
    end = text.index("計畫") + 2
    assert text[shortened_start(text, end, "國家 AI 研究資源試點計畫", SHARE, MIN_LETTERS):end] == "AI 資源試點計畫"


def test_a_company_fund_is_not_read(doc000):
    # derived from the real L2382 sentence (so said): the city replaced by a company (鴻海, a name the rules do not
    # list as an organisation) leaves a fund no jurisdiction or public body begins
    line = doc000[0][2382 - 1]
    clause = line[line.index("而北京也於"):line.index(",期望打造")]
    assert [(t, how) for t, _, _, how in named_spans(clause)] == [("北京機器人產業發展投資基金", "set_up")]
    assert named_spans(clause.replace("北京", "鴻海")) == []


def test_a_marked_programme_named_by_what_it_pushes():
    lines, mentions = _prose(S003)
    assert "在「推動各產業導入生成式 AI 先期計畫」的基礎上" in lines[447 - 1]
    # 推動 opens the name, 計畫 ends it: a programme's name, not a verb phrase (titles._marked_name)
    got = [(m["source_locator"], m["title_printed"], m["issued_printed"])
           for m in mentions if m["title"] == "推動各產業導入生成式 AI 先期計畫"]
    assert got == [("L166-166", "推動各產業導入生成式 AI 先期計畫", "113 年"),
                   ("L173-173", "「推動各產業導入生成式 AI 先期計畫」", "113 年 4 月"),
                   ("L447-447", "「推動各產業導入生成式 AI 先期計畫」", None),
                   ("L451-453", "「推動各產業導入生成式 AI 先期計畫」", None),
                   ("L537-539", "「推動各產業導入生成式 AI 先期計畫」", None)]
    # a verb phrase in marks stays one: 「制定 AI 治理規範」 ends with no programme word
    assert accept("「推動各產業導入生成式 AI 先期計畫」", True, "quoted")
    assert not accept("「制定 AI 治理規範」", True, "quoted")
