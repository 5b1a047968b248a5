"""One record per instrument: extractors/resolve on the real extraction, the genai_specific rule and
the reviewed overrides file."""
from __future__ import annotations

import pytest

from extractors.core import records
from extractors import resolve
from extractors.core import snapshots
from extractors.core import normalise as nz

SOURCE_000 = "tier-2025-genai-global-economy"


POLICY_TABLES = ("表 3-1 ", "表 3-4 ", "表 3-6 ", "表 3-7 ")


def _table_mentions(ex):
    """Mentions from 000's four policy comparison tables (US, JP, JP, CN)."""
    return [m for m in ex.rows["policy_mentions"] if m["source_locator"].startswith(POLICY_TABLES)]


def test_bills_of_one_title_by_two_sponsors_stay_two(extraction):
    bills = [m for m in extraction.rows["policy_mentions"] if m["source_locator"].startswith("表 3-10 ")]
    out = resolve.resolve(bills, overrides=[])
    assert len(bills) == 6 and len(out["policies"]) == 6          # 趙寅喆 L1329 and 金成願 L1330-1331
    assert all(p["status"] == "proposed" and p["instrument_type"] == "bill" for p in out["policies"])


@pytest.mark.parametrize("printed, key", [
    ("《人工智慧基本法》草案", "AI基本法"),                    # a bill and the act it becomes share a key
    ("人工智能基本法", "AI基本法"),                           # Simplified-region wording, same key
    ("生成式 AI 使用指引", "生成式AI使用指引"),
    ("「國家人工智慧研發戰略計畫」2023 年更新版", "國家AI研發戰略計畫2023年更新版"),
])
def test_title_key(printed, key):
    assert resolve.title_key(printed) == key


def test_table_policies_resolve_one_row_each(extraction):
    out = resolve.resolve(_table_mentions(extraction), overrides=[])
    assert len(out["policies"]) == 20                        # 表 3-1 8, 3-4 3, 3-6 3, 3-7 6 (no repeats)
    assert all(p["mention_count"] == 1 and p["source_count"] == 1 for p in out["policies"])
    ids = {p["policy_id"] for p in out["policies"]}
    assert {m["policy_id"] for m in out["policy_mentions"]} == ids
    fasst = next(p for p in out["policies"] if p["title"] == "FASST")
    assert (fasst["issuer"], fasst["source_locator"]) == ("能源部", "表 3-1 L814-814")


def test_same_instrument_named_twice_is_one_policy(extraction):
    """A second naming of the EO (as prose would print it, with title marks and a month date) joins the
    table row; the differing month is kept as printed and raised as a flag."""
    eo = next(m for m in _table_mentions(extraction) if m["title"].startswith("第 14110"))
    again = dict(eo, mention_id="men-000000000001", context="prose", source_locator="L700-700",
                 title_printed="《第14110號行政命令》", title="第14110號行政命令",
                 issued_printed="2023年11月", issued_on=nz.parse_date("2023年11月").value, issued_precision="month",
                 policy_id=records.policy_id("US", "第14110號行政命令"))
    out = resolve.resolve([eo, again], overrides=[])
    assert len(out["policies"]) == 1
    pol = out["policies"][0]
    assert (pol["mention_count"], pol["title"], pol["issued_printed"]) == (2, "第 14110 號行政命令",
                                                                            eo["issued_printed"])
    flags = [f for f in out["quality_flags"] if f["check_name"] == "dates_disagree"]
    assert len(flags) == 1 and "2023年11月" in flags[0]["detail"]


def test_genai_specific_rule_on_table_rows(extraction):
    genai = sorted(p["title"] for p in resolve.resolve(_table_mentions(extraction), overrides=[])["policies"]
                   if p["genai_specific"])
    assert "生成式人工智慧服務管理暫行辦法" in genai               # title (表 3-7 L1184-1186)
    assert "AI RMF 簡介、SSDP" in genai                          # summary subject "提供 GenAI 安全發展架構" (L812)
    # 表 3-7's summaries name GenAI among other topics: general AI policy (L1190 list, 三中全會 decision)
    assert not any(t.startswith("中共中央關於進一步全面深化改革") for t in genai)
    assert not any(t.startswith("貫徹實施") for t in genai)


@pytest.mark.parametrize("title, summary, expected", [
    ("深度偽造防制條例", None, True),
    ("AI 基本法", "規範 AI 發展", False),
    ("某計畫", "提供 GenAI 安全發展架構", True),
    ("某計畫", "聚焦人機介面、量子資訊、生成式人工智慧、元宇宙等領域", False),
    ("某計畫", "探討利用 GenAI 等人機協作方式進行行銷內容創作", False),
    ("某決定", "完善GenAI發展和管理機制,加強網路空間法治建設,健全網路生態治理長效機制", False),
])
def test_genai_specific_rule(title, summary, expected):
    assert nz.genai_specific(title, summary) is expected


def test_override_needs_reason_and_source_line(tmp_path):
    path = tmp_path / "overrides.yaml"
    path.write_text("overrides:\n  - {table: policies, action: same_as, match: {jurisdiction: KR, title: x}, "
                    "same_as: y}\n", encoding="utf-8")
    with pytest.raises(resolve.OverrideError, match="reason"):
        resolve.load_overrides(path)


def test_stale_override_stops_the_run(extraction):
    stale = [{"table": "policies", "action": "same_as", "match": {"jurisdiction": "US", "title": "不存在的法"},
              "same_as": "FASST", "reason": "test", "source_line": "000 L1", "_where": "test entry"}]
    with pytest.raises(resolve.OverrideError, match="test entry"):
        resolve.resolve(_table_mentions(extraction), overrides=stale)


def test_same_as_override_merges_and_is_counted(extraction):
    entry = {"table": "policies", "action": "same_as", "match": {"jurisdiction": "US", "title": "FASST"},
             "same_as": "國家人工智慧資源試點計畫", "reason": "test", "source_line": "000 L814", "_where": "e1"}
    out = resolve.resolve(_table_mentions(extraction), overrides=[entry])
    assert len(out["policies"]) == 19
    assert out["overrides_applied"] == {"policies": 1}


def test_repository_overrides_file_is_valid():
    for e in resolve.load_overrides():
        assert e["reason"] and e["source_line"]


@pytest.fixture(scope="module")
def all_sources():
    """Every pinned source (the five reports and AGORA), extracted by its own reader as the pipeline does."""
    from warehouse import sources

    rows = {"policy_mentions": [], "policy_relations": [], "sources": []}
    for snap in snapshots.verify_all():
        ex = sources.extract(snap)
        for name in rows:
            rows[name] += ex.rows[name]
    roles = {s["source_id"]: s["role"] for s in rows["sources"]}
    return resolve.resolve(rows["policy_mentions"], rows["policy_relations"], roles=roles)


def _policy_of(out, source_id: str, locator: str) -> dict:
    pid = next(m["policy_id"] for m in out["policy_mentions"]
               if m["source_id"] == source_id and m["source_locator"] == locator)
    return next(p for p in out["policies"] if p["policy_id"] == pid)


def test_bracketed_acronym_joins_variant_titles(all_sources):
    # 000 L2478 「可信任生成式 AI 對話引擎(TAIDE)」計畫 and L2816-2820 可信任 AI 對話引擎(TAIDE)計畫
    assert _policy_of(all_sources, SOURCE_000, "L2478-2478") is _policy_of(all_sources, SOURCE_000, "L2816-2820")


def test_aigc_and_generative_ai_wordings_are_one_guideline(all_sources):
    # 001 L283 行政院及所屬機關(構)使用AIGC參考指引; 002 L190 …使用生成式AI參考指引(112.10); 000 L2416
    pol = _policy_of(all_sources, "aigc-us-gb-kr-tw-2024", "L283-283")
    assert pol is _policy_of(all_sources, "nstc-2024-ai-industry-law-report", "L190-190")
    assert pol["source_count"] >= 3 and pol["genai_specific"]


def test_revoked_order_and_reviewed_merges(all_sources):
    eo = [p for p in all_sources["policies"] if p["title"] == "第 14110 號行政命令"]
    # 000, the 002 slide (L395), the Federal Register and AGORA 307 (identifier EO 14110)
    assert len(eo) == 1 and eo[0]["status"] == "revoked" and eo[0]["source_count"] == 4
    assert all_sources["overrides_applied"]["policies"] == len(
        [e for e in resolve.load_overrides() if e["table"] == "policies"])
