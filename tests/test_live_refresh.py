"""End to end through the DAGs (``dag.test()``): fetch DAGs against a stand-in playing the three APIs on 127.0.0.1
with real recorded responses, then the build DAG.

The sources folder is a copy of the project's with the bundled Federal Register version but without AGORA and OWID
(the state before their first fetch). The stand-in plays Zenodo/AGORA and OWID with their recorded bodies (the
Zenodo record is derived from a real record, as ``tests/test_agora.py`` says) and the Federal Register with its
recorded zero-match search; it holds no recorded answer for the bundled orders' document JSON, so that fetch fails:
the source that is down must not stop the others, and the release must say it is stale.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml

from live_server import StandIn
from test_agora import agora_zip, serve
from test_owid import GENAI, PRIVATE, real

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FR_FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "live" / "federal_register"
LIVE = ("agora", "owid")




def _dag(file: str, attribute: str):
    spec = importlib.util.spec_from_file_location(f"atlas_{attribute}_e2e", PROJECT_ROOT / "dags" / file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, attribute)


def _build():
    return _dag("genai_policy_atlas.py", "genai_policy_atlas")().test()


def _fetch(source_id: str):
    """Run ``fetch_<source_id>`` once; returns the fetch task's state."""
    run = _dag("fetch_sources.py", f"fetch_{source_id}").test()
    (ti,) = [ti for ti in run.get_task_instances() if ti.task_id == "fetch"]
    return str(getattr(ti.state, "value", ti.state))


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "fetch_status.yaml"}


@pytest.fixture
def sources_before_first_fetch(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "sources"
    shutil.copytree(PROJECT_ROOT / "sources", folder)
    pins = yaml.safe_load((folder / "pins.yaml").read_text(encoding="utf-8"))
    for sid in LIVE:
        shutil.rmtree(folder / sid)
        del pins[sid]
    (folder / "pins.yaml").write_text("".join(f'{k}: "{v}"\n' for k, v in sorted(pins.items())), encoding="utf-8")
    monkeypatch.setenv("ATLAS_SOURCES_DIR", str(folder))
    return folder


@pytest.fixture
def stand_in(monkeypatch):
    with StandIn() as api:
        serve(api, agora_zip())
        for slug in (GENAI, PRIVATE):
            api.route(f"/grapher/{slug}.metadata.json", body=real(f"{slug}.metadata.json"), etag=f'"m-{slug}"')
            api.route(f"/grapher/{slug}.csv", body=real(f"{slug}.csv"), etag=f'"c-{slug}"')
        api.route("/api/v1/documents.json",
                  body=(FR_FIXTURES / "KalebCooper__swift-federal-register__search-terminal.json").read_bytes())
        for sid in ("agora", "owid", "federal_register"):
            monkeypatch.setenv(f"ATLAS_{sid.upper()}_URL", api.url)
        yield api


def _latest(root: Path) -> str:
    return (root / "LATEST").read_text(encoding="utf-8").strip()


@pytest.mark.release
def test_fetch_then_build_publishes_exactly_the_new_records_and_an_unchanged_upstream_publishes_nothing(
        airflow_db, atlas_dirs, sources_before_first_fetch, stand_in, release_date):
    folder, root = sources_before_first_fetch, atlas_dirs["releases"]
    assert str(_build().state).endswith("success")
    first = _latest(root)

    assert {sid: _fetch(sid) for sid in ("agora", "owid", "federal_register")} == {
        "agora": "success", "owid": "success", "federal_register": "failed"}
    day = release_date.isoformat()
    assert {sid: yaml.safe_load((folder / "pins.yaml").read_text())[sid] for sid in LIVE} == {"agora": day,
                                                                                            "owid": day}
    assert str(_build().state).endswith("success")
    second = _latest(root)
    assert second != first

    release = root / second
    con = duckdb.connect(str(release / "atlas.duckdb"), read_only=True)
    con.execute(f"CREATE TEMP TABLE changes AS SELECT * FROM read_parquet('{release / 'changes.parquet'}')")
    q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
    # every added mention, indicator, source and file is a record of the newly fetched sources, and all of them are
    for table, key in (("policy_mentions", "mention_id"), ("indicators", "record_id"), ("sources", "source_id"),
                       ("policy_relations", "relation_id")):
        added = {k for (k,) in q(f"SELECT record_key FROM changes WHERE table_name = '{table}' AND change = 'added'")}
        fetched = {k for (k,) in q(f"SELECT {key} FROM {table} WHERE source_id IN ('agora', 'owid')")}
        assert added == fetched, table
    # nothing is removed but quality flags whose text now names the new sources' values (a flag's id hashes it)
    assert {t for (t,) in q("SELECT DISTINCT table_name FROM changes WHERE change = 'removed'")} <= {"quality_flags"}
    assert {t for (t,) in q("SELECT DISTINCT table_name FROM changes WHERE change = 'changed'")} <= {
        "policies", "sources"}
    added_policies = {k for (k,) in q("SELECT record_key FROM changes WHERE table_name = 'policies' "
                                      "AND change = 'added'")}
    assert added_policies == {p for (p,) in q(
        "SELECT policy_id FROM policies WHERE list_contains(['agora'], source_id) AND mention_count = "
        "(SELECT count(*) FROM policy_mentions m WHERE m.policy_id = policies.policy_id AND m.source_id = 'agora')")}
    changelog = (release / "CHANGELOG.md").read_text(encoding="utf-8")
    for table in ("policy_mentions", "indicators", "source_files"):
        (n,) = q(f"SELECT count(*) FROM {table} WHERE source_id IN ('agora', 'owid')")[0]
        assert f"| {table} | {n} | 0 | 0 |" in changelog
        assert n > 0
    for (key,) in q("SELECT mention_id FROM policy_mentions WHERE source_id = 'agora'"):
        assert f"- `{key}`" in changelog              # every new record is named

    # the source that was down: its bundled version is used, and the release says since when it is stale
    stale = q("SELECT snapshot_version, stale_since, fetch_error FROM sources WHERE source_id = 'federal_register'")
    assert stale[0][0] == "2026-12-05" and stale[0][1].startswith(day)
    assert "HTTP 404" in stale[0][2] and stale_in(release)
    assert q("SELECT count(*) FROM quality_flags WHERE check_name = 'source_stale'") == [(1,)]
    assert q("SELECT count(*) FROM policy_mentions WHERE source_id = 'federal_register'") == [(3,)]
    con.close()

    # upstream unchanged: no snapshot, the fetch tasks skipped, and the build publishes nothing
    before = _tree(folder)
    assert {sid: _fetch(sid) for sid in LIVE} == {"agora": "skipped", "owid": "skipped"}
    assert _tree(folder) == before
    assert str(_build().state).endswith("success")
    assert _latest(root) == second


def stale_in(release: Path) -> bool:
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    page = (release / "index.html").read_text(encoding="utf-8") if (release / "index.html").exists() else ""
    return bool(manifest["sources"]["federal_register"]["stale_since"]) and 'id="stale-sources"' in page


def test_atlas_fetch_prints_what_changed_and_goes_on_past_a_failed_source(sources_before_first_fetch, stand_in):
    from typer.testing import CliRunner

    from warehouse.cli import app

    env = {"COLUMNS": "200"}
    result = CliRunner().invoke(app, ["fetch", "owid", "federal_register", "agora"], env=env)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("owid: new snapshot: owid: new snapshot ")
    assert lines[1].startswith("federal_register: failed: source federal_register: http://127.0.0.1:")
    assert "HTTP 404" in lines[1] and result.output.count("the last good snapshot stays in use") == 1
    assert any(line.startswith("agora: new snapshot: agora: new snapshot ") for line in lines)
    again = CliRunner().invoke(app, ["fetch", "owid", "agora"], env=env)
    assert again.exit_code == 0
    assert [line.split(":")[1].strip() for line in again.output.splitlines() if line.strip()] == ["unchanged"] * 2
    unknown = CliRunner().invoke(app, ["fetch", "nowhere"], env=env)
    assert unknown.exit_code == 2 and "unknown live source(s) nowhere" in unknown.output
