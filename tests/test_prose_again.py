"""Names printed again (extractors/report_text/prose/again.py, resolve rule 1e) on the real documents: a name a
document gave an instrument is a mention where a later sentence prints it again. Lines cited are 1-based snapshot
lines of sources/<id>/2026-11-21/document.txt."""
from __future__ import annotations

import pytest

from extractors import resolve
from extractors.core import snapshots
from extractors.report_text import extract
from extractors.report_text.prose.again import names_of

TIER = "tier-2025-genai-global-economy"
SOURCES = ("tier-2025-genai-global-economy", "aigc-us-gb-kr-tw-2024", "nstc-2024-ai-industry-law-report",
           "moda-2025-ai-industry-programme", "ipas-2025-genai-study-guide")


@pytest.fixture(scope="module")
def full():
    return {sid: extract.extract_source(snapshots.load(sid)) for sid in SOURCES}


@pytest.fixture(scope="module")
def resolved(full):
    return resolve.resolve([m for ex in full.values() for m in ex.rows["policy_mentions"]],
                           [r for ex in full.values() for r in ex.rows["policy_relations"]])


def _at(full, locator: str) -> list[tuple[str, str]]:
    return [(m["jurisdiction"], m["title_printed"]) for m in full[TIER].rows["policy_mentions"]
            if m["source_locator"] == locator]


def test_names_of_a_mention():
    # 000 L741: 「人工智慧風險管理架構:生成式人工智慧簡介」(… Profile, AI RMF): the title and the acronym ending the
    # English name; L719's title has a 、 inside (科學、安全與技術) and keeps its names
    assert names_of({"title_printed": "「人工智慧風險管理架構:生成式人工智慧簡介」",
                     "title_en": "Artificial Intelligence Risk Management Framework: Generative Artificial "
                                 "Intelligence Profile, AI RMF"}) \
        == ["人工智慧風險管理架構:生成式人工智慧簡介", "AI RMF"]
    assert names_of({"title_printed": "「用於科學、安全與技術的人工智慧尖端計畫」",
                     "title_en": "Frontiers in Artificial Intelligence for Science, Security and Technology, FASST"}
                    ) == ["FASST"]
    # a table cell listing two names gives neither as a name (表 3-1 L812 AI RMF 簡介、SSDP); AI 法案 is too short
    assert names_of({"title_printed": "AI RMF 簡介、SSDP"}) == []
    assert names_of({"title_printed": "《AI 法案》"}) == []
    assert names_of({"title_printed": "GenAI 加速器挑戰 (GENIAC)"}) == ["GenAI 加速器挑戰", "GENIAC"]


def test_conclusions_name_instruments_again(full):
    lines = snapshots.load(TIER).lines
    assert "美國能源部也透過 FASST 提供" in lines[2592 - 1]
    assert ("US", "FASST") in _at(full, "L2592-2592")
    assert "產官學亦可與 EuroHPC JU 合作" in lines[2598 - 1]      # 讓中小企業也受惠 before it: not a company's
    assert ("EU", "EuroHPC JU") in _at(full, "L2598-2598")
    assert "日本提出 GenAI 加速器挑戰" in lines[2604 - 1]
    assert ("JP", "GenAI 加速器挑戰") in _at(full, "L2604-2604")
    assert "「AI RMF 簡介」及「SSDP」管理架構" in lines[2620 - 1]
    assert {("US", "AI RMF"), ("US", "SSDP")} <= set(_at(full, "L2620-2620"))
    # L2256 2023 年廣島 AI 進程 後: the G7 process stays INT in Japan's section
    assert ("INT", "廣島 AI 進程") in _at(full, "L2256-2256")


def test_a_name_inside_a_longer_name_is_not_read(full):
    lines = snapshots.load(TIER).lines
    # L757 AI 風險管理架構(AI RMF 1.0) is the framework, not the profile the document calls AI RMF (L741, the L755
    # heading's (AI RMF 簡介), L757 AIRMF 簡介): AI RMF followed by a version is not read
    assert "AI 風險管理架構(AI RMF 1.0)" in lines[757 - 1]
    texts = [m["text"] for m in full[TIER].rows["policy_mentions"] if m["source_locator"] == "L755-757"
             and m["title_printed"].replace(" ", "") == "AIRMF"]
    assert len(texts) == 2                                 # the heading's AI RMF 簡介 and L757's AIRMF 簡介
    # L961 透過成立 GENIAC Community … 而未參與 GENIAC 計畫之開發者: the community is not the challenge, the second
    # naming is (one mention at L961, located by the challenge's name)
    assert "GENIAC Community" in lines[961 - 1] and "未參與 GENIAC 計畫" in lines[961 - 1]
    geniac = [m for m in full[TIER].rows["policy_mentions"] if m["title_printed"] == "GENIAC"]
    assert [m["source_locator"] for m in geniac] == ["L953-955", "L957-957", "L959-959", "L961-961"]


def test_a_name_printed_again_carries_no_date_or_status(full):
    # L1241 該國家 AI 委員會在 2024 年 9 月進一步發布「國家 AI 戰略政策方向」: the date is the direction's
    row = next(m for m in full[TIER].rows["policy_mentions"]
               if m["source_locator"] == "L1241-1241" and m["title_printed"] == "國家 AI 委員會")
    assert (row["issued_printed"], row["status"], row["issuer_printed"]) == (None, None, None)
    events = [e for e in full[TIER].rows["policy_events"] if e["source_locator"] == "L1241-1241"]
    assert all(e["policy_id"] != row["policy_id"] for e in events)


def test_names_printed_again_join_their_instrument(resolved):
    # rule 1e: the acronym rows join the policy of the full name, which keeps its title (the longest key leads)
    by_title = {p["title"]: p for p in resolved["policies"]}
    assert "SSDP" not in by_title and "EuroHPC JU" not in by_title and "GENIAC" not in by_title
    ssdp = by_title["用於生成式人工智慧及雙用途基礎模型的安全軟體開發實務"]
    locators = {m["source_locator"] for m in resolved["policy_mentions"] if m["policy_id"] == ssdp["policy_id"]}
    assert {"L775-777", "L2620-2620"} <= locators
    # a bracket of years is an edition, not a name: 臺灣 AI 行動計畫(2018-2021) stays apart from 臺灣AI行動計畫
    assert {"臺灣 AI 行動計畫(2018-2021)", "臺灣AI行動計畫"} <= set(by_title)
