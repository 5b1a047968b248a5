"""The live legal records of Korea (kr_law) and Japan (jp_egov) resolved with every other pinned source, as the
pipeline resolves them (extractors/resolve): each act is one policy keyed by its identifier, its events and
relations follow it to the final policy id, and no report mention joins it.

No report names these acts: the tier-2025 report (written in 2024) prints Korea's 2023/2024 AI *bills*
(L1305 《促進 AI 產業和建立可信賴 AI 架構法案》, 表 3-10 L1326-1333), which the AI Basic Act's committee bill
replaced, and names Japan's AI Strategy Council papers, not the 2025 AI Promotion Act; 人工智慧基本法 in the
reports is Taiwan's draft (L2416, jurisdiction TW). So curation/overrides.yaml has no alias for them.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extractors import resolve
from extractors.core import snapshots
from extractors.resolve import lifecycle

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def resolved() -> dict:
    from warehouse import sources

    rows = [sources.extract(s).rows for s in snapshots.verify_all(ROOT / "sources")]
    pick = lambda name: [r for x in rows for r in x[name]]            # noqa: E731
    out = resolve.resolve(pick("policy_mentions"), pick("policy_relations"), events=pick("policy_events"),
                          roles={x["sources"][0]["source_id"]: x["sources"][0]["role"] for x in rows})
    return {**out, "sources": pick("sources")}


def _policy(out: dict, identifier: str) -> dict:
    (policy,) = [p for p in out["policies"] if identifier in (p["identifiers"] or "").split("; ")]
    return policy


@pytest.mark.parametrize("identifier, source, jurisdiction, title, events", [
    ("KR-LAW:014820", "kr_law", "KR", "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법", 13),
    ("KR-LAW:015032", "kr_law", "KR", "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법 시행령", 3),
    ("JP-LAW:507AC0000000053", "jp_egov", "JP", "人工知能関連技術の研究開発及び活用の推進に関する法律", 3),
])
def test_each_act_is_one_policy_with_its_own_mention_and_events(resolved, identifier, source, jurisdiction, title,
                                                                events):
    policy = _policy(resolved, identifier)
    assert (policy["jurisdiction"], policy["title"], policy["identifiers"]) == (jurisdiction, title, identifier)
    assert [m["source_id"] for m in resolved["policy_mentions"] if m["policy_id"] == policy["policy_id"]] == [source]
    assert sum(e["policy_id"] == policy["policy_id"] for e in resolved["policy_events"]) == events


def test_the_decree_implements_the_act_between_final_policies(resolved):
    act, decree = _policy(resolved, "KR-LAW:014820"), _policy(resolved, "KR-LAW:015032")
    assert [(r["policy_id"], r["relation"], r["related_policy_id"]) for r in resolved["policy_relations"]
            if r["source_id"] == "kr_law"] == [(decree["policy_id"], "implements", act["policy_id"])]


def test_status_on_a_day_follows_the_recorded_stages(resolved):
    """policy_status_on (extractors/resolve/lifecycle.py) over these events: the Korean Act is partly in force
    between 2026-01-22 and the articles that apply from 2026-07-21; Japan's Act between its promulgation
    (2025-06-04, in force that day) and 2025-09-01, when chapters 3 and 4 apply."""
    ids = {k: _policy(resolved, k)["policy_id"] for k in ("KR-LAW:014820", "KR-LAW:015032", "JP-LAW:507AC0000000053")}
    on = {day: lifecycle.derive_status(resolved, dt.date.fromisoformat(day)) for day in (
        "2025-03-01", "2025-07-01", "2026-01-21", "2026-03-01", "2026-08-01")}
    assert {day: tuple(status[i][0] for i in ids.values()) for day, status in on.items()} == {
        "2025-03-01": ("adopted", None, None),
        "2025-07-01": ("adopted", None, "partly_in_force"),
        "2026-01-21": ("adopted", "adopted", "in_force"),
        "2026-03-01": ("partly_in_force", "in_force", "in_force"),
        "2026-08-01": ("in_force", "in_force", "in_force"),
    }
