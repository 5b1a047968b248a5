"""Status on any day from the stages of an instrument (extractors/resolve/lifecycle.py): the rules on stated
stages, and the release database's ``policy_status_on(date)`` agreeing with ``policies.status``.

The unit tests state stages as rows (the rule is the thing under test, not an extraction); the release test runs
the real pipeline on the bundled snapshots."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from extractors.resolve import lifecycle
from helpers import build_release, release_env

D = dt.date


def _tables(events: list[tuple], stated: str | None = None, issued: D | None = None) -> dict:
    """One policy ``pol-000000000001`` with stages (event, date, source_id[, scope]); sources: a legal record
    ``law``, a registry ``reg`` and a report ``rep``."""
    policy = {"policy_id": "pol-000000000001", "jurisdiction": "EU", "title": "AI 法案", "issued_on": issued,
              "instrument_type": "regulation", "status_stated": stated, "genai_specific": False,
              "mention_count": 1, "source_count": 1, "source_id": "rep", "source_locator": "L1",
              "non_commercial": False, "status_as_of": D(2026, 1, 1)}
    sources = [{"source_id": sid, "kind": "live", "role": role, "date_accessed": D(2026, 12, 5),
                "snapshot_version": "v", "file_count": 1, "non_commercial": False, "title": sid, "publisher": sid,
                "language": "en", "sha256": "0" * 64, "size_bytes": 1, "origin": "o", "snapshot_file": "f"}
               for sid, role in (("law", "legal_record"), ("reg", "registry"), ("rep", "report"))]
    rows = [{"event_id": f"evt-{i:012x}", "policy_id": policy["policy_id"], "event": e[0], "event_on": e[1],
             "event_precision": "day" if e[1] else None, "event_printed": str(e[1]), "scope": e[3] if len(e) > 3
             else None, "non_commercial": False, "source_id": e[2], "source_locator": "L1"}
            for i, e in enumerate(events)]
    return {"policies": [policy], "policy_events": rows, "sources": sources}


def _status(tables: dict, day: D) -> tuple:
    return lifecycle.derive_status(tables, day)["pol-000000000001"]


AI_ACT = [("proposed", D(2021, 4, 21), "law"), ("adopted", D(2024, 6, 13), "law"),
          ("published", D(2024, 7, 12), "law"), ("entered_into_force", D(2024, 8, 1), "law"),
          ("applies_from", D(2025, 2, 2), "law", "Chapters I and II"),
          ("applies_from", D(2026, 8, 2), "law", "the rest"),
          ("applies_from", D(2027, 8, 2), "law", "Article 6(1)")]


@pytest.mark.parametrize("day, expected", [
    (D(2021, 1, 1), (None, "events")),                 # every dated stage is later: not yet
    (D(2021, 4, 21), ("proposed", "events")),
    (D(2024, 7, 1), ("adopted", "events")),
    (D(2024, 8, 1), ("partly_in_force", "events")),    # in force, application stages still ahead
    (D(2027, 8, 1), ("partly_in_force", "events")),
    (D(2027, 8, 2), ("in_force", "events")),
])
def test_the_stages_of_the_ai_act_give_its_status_on_each_day(day, expected):
    assert _status(_tables(AI_ACT), day) == expected


def test_an_ended_stage_wins_from_its_day_on():
    tables = _tables([("signed", D(2023, 10, 30), "law"), ("revoked", D(2025, 1, 20), "law")])
    assert _status(tables, D(2024, 1, 1)) == ("adopted", "events")      # no entry into force stated: adopted
    assert _status(tables, D(2025, 1, 20)) == ("revoked", "events")


def test_per_stage_the_highest_precedence_source_decides():
    # the report prints entry into force in 2024-07, the legal record 2024-08-01: on 2024-07-15 the record decides
    tables = _tables([("entered_into_force", D(2024, 7, 1), "rep"), ("entered_into_force", D(2024, 8, 1), "law")])
    assert _status(tables, D(2024, 7, 15)) == (None, "events")
    assert _status(tables, D(2024, 8, 1)) == ("in_force", "events")
    tables["policy_events"][0]["event_precision"] = "month"
    (flag,) = lifecycle.stage_disagreements(tables["policy_events"], {"law": "legal_record", "rep": "report"})
    assert flag["check_name"] == "sources_disagree" and flag["source_id"] == "law"
    assert flag["detail"] == ("entered_into_force: sources give different dates: '2024-08-01' (law L1); "
                              "'2024-07-01' (rep L1); status uses '2024-08-01' (legal_record)")


def test_without_dated_stages_the_stated_status_is_used_once_issued():
    tables = _tables([], stated="proposed", issued=D(2024, 3, 1))
    assert _status(tables, D(2024, 3, 1)) == ("proposed", "mentions")
    assert _status(tables, D(2024, 2, 29)) == (None, "mentions")
    assert _status(_tables([], stated="adopted"), D(1990, 1, 1)) == ("adopted", "mentions")


@pytest.mark.release
def test_policy_status_on_agrees_with_policies_status_on_the_release_day(tmp_path, release_date):
    with release_env(tmp_path):
        release = build_release("lifecycle")
    con = duckdb.connect(str(release / "atlas.duckdb"), read_only=True)
    try:
        (as_of,) = {r[0] for r in con.execute("SELECT DISTINCT status_as_of FROM policies").fetchall()}
        assert as_of == release_date
        differ = con.execute(
            "SELECT p.policy_id, p.status, s.status FROM policies p JOIN policy_status_on(?) s USING (policy_id) "
            "WHERE p.status IS DISTINCT FROM s.status OR p.status_basis <> s.status_basis", [as_of]).fetchall()
        assert differ == []
        assert con.execute("SELECT count(*) FROM policy_status_on(DATE '1900-01-01') WHERE status_basis = "
                           "'events' AND status IS NOT NULL").fetchone() == (0,)
        timeline = con.execute("SELECT count(*) FROM country_timeline").fetchone()[0]
        assert timeline == con.execute("SELECT count(*) FROM policy_events").fetchone()[0]
    finally:
        con.close()
