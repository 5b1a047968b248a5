"""A newer version of a tracked law, served by a loopback stand-in of the e-Gov law API v2, reaches a release: the
fetch writes a new pinned version, the build's CHANGELOG names the new stages and the changed status.

The newer answer is derived here from the real recorded revisions JSON (tests/fixtures/live/jp_egov/, see
PROVENANCE.md there): an amending law promulgated 2026-05-20 and in force 2026-10-01 (inserted at the head of
the list, as e-Gov lists the newest first), and a repeal recorded for 2026-10-01 (a date before both test clocks,
so the status on the build day changes either way).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from helpers import build_release
from live_server import StandIn
from test_jp_egov import ENGLISH, LAW, LAW_ID, REVISIONS_PATH, TRANSLATION_PATH, newer_revisions
from extractors.jp_egov.fetch import LAW_PATH
from warehouse import pipeline

PROJECT_ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.release


def _repealed() -> bytes:
    data = json.loads(newer_revisions())
    data["revisions"][0].update(repeal_status="Repeal", repeal_date="2026-10-01")
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def test_a_newer_revision_yields_a_release_naming_the_new_stages_and_the_changed_status(
        tmp_path, monkeypatch, atlas_dirs):
    folder = tmp_path / "sources"
    shutil.copytree(PROJECT_ROOT / "sources", folder)
    monkeypatch.setenv("ATLAS_SOURCES_DIR", str(folder))
    first = build_release("before")
    with StandIn() as api:
        api.route(REVISIONS_PATH.format(law_id=LAW_ID), body=_repealed())
        api.route(LAW_PATH.format(law_id=LAW_ID), body=LAW)
        api.route(TRANSLATION_PATH, body=ENGLISH)
        monkeypatch.setenv("ATLAS_JP_EGOV_URL", api.url)
        result = pipeline.fetch("jp_egov")
    assert result["changed"] and "revisions/507AC0000000053.json" in result["changed_files"]
    second = build_release("after")
    assert second != first

    con = duckdb.connect(str(second / "atlas.duckdb"), read_only=True)
    try:
        (pid,) = con.execute("SELECT policy_id FROM policies WHERE identifiers LIKE '%JP-LAW:507AC0000000053%'") \
            .fetchone()
        before = duckdb.connect(str(first / "atlas.duckdb"), read_only=True)
        assert before.execute("SELECT status FROM policies WHERE policy_id = ?", [pid]).fetchone() == ("in_force",)
        before.close()
        assert con.execute("SELECT status, status_basis FROM policies WHERE policy_id = ?", [pid]).fetchone() == (
            "repealed", "events")
        new_stages = con.execute(
            "SELECT e.event_id, e.event, e.event_on::VARCHAR FROM policy_events e JOIN read_parquet(?) c "
            "ON c.record_key = e.event_id AND c.table_name = 'policy_events' AND c.change = 'added' "
            "ORDER BY e.event_on, e.event", [str(second / "changes.parquet")]).fetchall()
        assert [(event, on) for _, event, on in new_stages] == [("amended", "2026-05-20"), ("repealed", "2026-10-01")]
        assert con.execute("SELECT count(*) FROM read_parquet(?) WHERE change = 'removed' AND table_name IN "
                           "('policy_events', 'policy_mentions')", [str(second / "changes.parquet")]).fetchone() == (0,)
    finally:
        con.close()
    changelog = (second / "CHANGELOG.md").read_text(encoding="utf-8")
    for event_id, _, _ in new_stages:
        assert f"- `{event_id}`" in changelog
    assert f"- `{pid}`\n  - status: `in_force` -> `repealed`" in changelog
