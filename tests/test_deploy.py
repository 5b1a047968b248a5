"""The production deployment run for real (issue 13): PostgreSQL, Redis, the Airflow api-server, scheduler,
dag-processor, triggerer and two Celery workers with separate AIRFLOW_HOMEs, started on 127.0.0.1 by
:mod:`deploy.cluster` from the settings of docker-compose.yml; DAGs driven through the authenticated REST API.

Marked ``deploy``: ``make deploy-smoke`` runs this module (``-s``: it prints the figures), ``make test`` leaves it
out. The tests share one cluster and run in file order; each waits with a bounded time-out.

The sources folder is a copy of a few of the project's sources (the reports, the Federal Register) without OWID;
OWID is fetched from a stand-in on 127.0.0.1 serving its recorded responses (tests/fixtures/live/owid). Work and
releases go to a shared folder through ``file://`` URLs (ATLAS_WORK_URL, ATLAS_RELEASES_URL): the two workers share
no AIRFLOW_HOME, only that folder. Nothing here depends on today's date: release folders are counted, not named.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from deploy.api import Api, format_figures, run_figures
from deploy.cluster import ADMIN, FAULT_TIMING, HOST_SPECIFIC, compose_settings, new_cluster
from live_server import StandIn
from test_owid import GENAI, PRIVATE, real

pytestmark = pytest.mark.deploy
PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUILD, FETCH = "genai_policy_atlas", "fetch_owid"
# The sources of the cluster's builds: the five reports (curation/overrides.yaml names their policies) and one
# live source; OWID is fetched during the tests.
KEPT = ("aigc-us-gb-kr-tw-2024", "federal_register", "ipas-2025-genai-study-guide", "moda-2025-ai-industry-programme",
        "nstc-2024-ai-industry-law-report", "tier-2025-genai-global-economy")
RUN_TIMEOUT = 420                                                      # seconds, per DAG run


def _sources(folder: Path) -> Path:
    """A sources folder with the sources of KEPT only (their pinned versions) and fetch state."""
    folder.mkdir()
    pins = yaml.safe_load((PROJECT_ROOT / "sources" / "pins.yaml").read_text(encoding="utf-8"))
    for sid in KEPT:
        shutil.copytree(PROJECT_ROOT / "sources" / sid / pins[sid], folder / sid / pins[sid])
    (folder / "pins.yaml").write_text("".join(f'{k}: "{pins[k]}"\n' for k in KEPT), encoding="utf-8")
    return folder


def _versions(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")) if root.is_dir() \
        else []


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    shared = tmp_path_factory.mktemp("shared")
    shared.chmod(0o755)
    with StandIn() as owid:
        for slug in (GENAI, PRIVATE):
            owid.route(f"/grapher/{slug}.metadata.json", body=real(f"{slug}.metadata.json"), etag=f'"m-{slug}"',
                       headers={"Content-Type": "application/json"})
            owid.route(f"/grapher/{slug}.csv", body=real(f"{slug}.csv"), etag=f'"c-{slug}"',
                       headers={"Content-Type": "text/csv"})
        env = {"ATLAS_SOURCES_DIR": str(_sources(shared / "sources")), "ATLAS_OWID_URL": owid.url,
               "ATLAS_WORK_URL": (shared / "work").as_uri(), "ATLAS_RELEASES_URL": (shared / "releases").as_uri(),
               "ATLAS_PUBLISH_LOCK_WAIT": "120"}
        started = time.monotonic()
        with new_cluster(env) as cluster:
            print(f"\ncluster up in {time.monotonic() - started:.1f} s at {cluster.base} (logs in logs/)")
            api = Api(cluster.api_url, ADMIN, cluster.password)
            for dag_id in (BUILD, FETCH):
                api.wait_for_dag(dag_id)
            yield {"cluster": cluster, "api": api, "shared": shared, "owid": owid, "hosts": set()}


def _finish(deployment, run: dict, title: str) -> dict:
    """Wait for ``run``; print its figures; returns the finished run with its ``figures``."""
    api = deployment["api"]
    done = api.wait_run(run["dag_id"], run["dag_run_id"], RUN_TIMEOUT)
    figures = run_figures(done, api.task_instances(run["dag_id"], run["dag_run_id"]))
    deployment["hosts"] |= {t["host"] for t in figures["tasks"].values() if t["host"]}
    print(format_figures(f"{title}: {run['dag_id']} {run['dag_run_id']} {done['state']}", figures))
    done["figures"] = figures
    return done


def test_the_harness_uses_the_compose_settings(deployment):
    """One place: every literal Airflow setting of docker-compose.yml reaches the cluster unchanged, and the
    cluster differs from it only in the documented host-specific settings and the faster fault detection."""
    env = deployment["cluster"].env
    compose = compose_settings()
    assert {k: env[k] for k in compose if k not in HOST_SPECIFIC} == \
        {k: v for k, v in compose.items() if k not in HOST_SPECIFIC}
    assert compose["AIRFLOW__CORE__EXECUTOR"] == env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert set(FAULT_TIMING) & set(compose) == set()


def test_two_builds_triggered_at_once_publish_one_release(deployment):
    """Two manual runs triggered at once (and the latest weekly run, which unpausing schedules) run one after the
    other (max_active_runs=1); the first publishes, the others find the content already published: one release."""
    api, releases = deployment["api"], deployment["shared"] / "releases"
    api.unpause(BUILD)
    runs = [api.trigger(BUILD), api.trigger(BUILD)]
    done = [_finish(deployment, r, "build") for r in runs]
    done += [_finish(deployment, r, "build") for r in api.runs(BUILD) if r["dag_run_id"] not in
             {d["dag_run_id"] for d in done}]
    assert [r["state"] for r in done] == ["success"] * len(done) and len(done) >= 2
    assert len(_versions(releases)) == 1
    version = _versions(releases)[0]
    manifest = json.loads((releases / version / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["sources"]) == sorted(KEPT)
    assert manifest["validation"]["success"] is True
    assert (releases / "LATEST").read_text(encoding="utf-8").strip() == version
    assert not any((deployment["shared"] / "work").iterdir())          # scratch cleaned after each success
    deployment["first_release"] = version


def test_a_fetch_through_the_scheduler_publishes_a_new_release(deployment):
    """fetch_owid, triggered through the API (unpausing also schedules its latest weekly run), fetches the
    stand-in's recorded responses: the first run to fetch pins a first OWID snapshot and updates the source_owid
    asset, a second finds upstream unchanged (skipped). The asset event starts a build, which publishes a release
    with OWID's rows."""
    api, owid, releases = deployment["api"], deployment["owid"], deployment["shared"] / "releases"
    known = {r["dag_run_id"] for r in api.runs(BUILD)}
    api.unpause(FETCH)
    manual = api.trigger(FETCH)
    fetches = [_finish(deployment, manual, "fetch")]
    fetches += [_finish(deployment, r, "fetch") for r in api.runs(FETCH) if r["dag_run_id"] != manual["dag_run_id"]]
    assert [r["state"] for r in fetches] == ["success"] * len(fetches)
    assert sorted(r["figures"]["tasks"]["fetch"]["state"] for r in fetches) in (["success"], ["skipped", "success"])
    assert owid.count(f"/grapher/{GENAI}.csv") == 1       # a second fetch stops at the change probe (metadata)
    pins = yaml.safe_load((deployment["shared"] / "sources" / "pins.yaml").read_text(encoding="utf-8"))
    assert "owid" in pins
    build = _finish(deployment, api.wait_new_run(BUILD, known, 120), "build after fetch")
    assert build["state"] == "success" and build["run_type"] == "asset_triggered"
    deployment["build_run"] = build
    versions = _versions(releases)
    assert len(versions) == 2 and deployment["first_release"] in versions
    manifest = json.loads((releases / versions[-1] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["previous_version"] == deployment["first_release"]
    assert "owid" in manifest["sources"] and manifest["row_counts"]["indicators"] > 0


def test_figures_against_dag_test(deployment, tmp_path):
    """The same build DAG under dag.test() (SQLite, one process, the same sources as the build after the fetch),
    for the end-to-end comparison."""
    env = {**os.environ, "AIRFLOW_HOME": str(tmp_path / "airflow"), "ATLAS_RELEASES_DIR": str(tmp_path / "rel"),
           "ATLAS_WORK_DIR": str(tmp_path / "work"), "ATLAS_SOURCES_DIR": str(deployment["shared"] / "sources"),
           "AIRFLOW__CORE__EXECUTOR": "LocalExecutor", "PYTHONPATH": str(PROJECT_ROOT)}
    for key in ("ATLAS_WORK_URL", "ATLAS_RELEASES_URL", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"):
        env.pop(key, None)
    script = ("import time, warehouse.run as r; r.configure_airflow(); r.migrate_db(); t = time.monotonic(); "
              "run = r.run_dag(); print('DAGTEST', run.state, time.monotonic() - t)")
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT, cwd=tmp_path)
    line = next(line for line in proc.stdout.splitlines() if line.startswith("DAGTEST"))
    _, state, seconds = line.split()
    assert state.endswith("success")
    run = deployment["build_run"]
    print(format_figures("deployed build after the fetch against dag.test()", run["figures"], float(seconds)))


def _wait_running(api: Api, run: dict, task_id: str, timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for ti in api.task_instances(run["dag_id"], run["dag_run_id"]):
            if ti["task_id"] == task_id and ti["state"] == "running" and ti.get("hostname"):
                return ti
        time.sleep(0.5)
    raise AssertionError(f"{task_id} of {run['dag_run_id']} not running after {timeout} s")


def test_a_worker_killed_mid_task_the_task_is_retried_on_the_other(deployment):
    """SIGKILL to the whole process group of the worker running ``validate`` (the worker and its task process,
    as a crashed host): the task stops heart-beating, the scheduler fails that try after the heartbeat time-out,
    and the retry (retries=2) runs on the other worker; the run succeeds."""
    api, cluster = deployment["api"], deployment["cluster"]
    run = api.trigger(BUILD)
    ti = _wait_running(api, run, "validate")
    victim = ti["hostname"]
    cluster.kill(victim)
    try:
        done = _finish(deployment, run, f"build with {victim} killed mid-validate")
    finally:
        cluster.procs[victim].wait(timeout=30)
        cluster.start_worker(victim)
    assert done["state"] == "success"
    validate = done["figures"]["tasks"]["validate"]
    assert validate["try"] >= 2 and validate["host"] != victim


def test_the_scheduler_restarted_mid_run_the_run_completes(deployment):
    api, cluster = deployment["api"], deployment["cluster"]
    run = api.trigger(BUILD)
    _wait_running(api, run, "combine")
    cluster.stop_one("scheduler")
    cluster.start_scheduler()
    assert _finish(deployment, run, "build with the scheduler restarted")["state"] == "success"


def test_both_workers_ran_tasks_from_their_own_homes(deployment):
    """The runs above used both workers, which share no AIRFLOW_HOME: the extracts one wrote, the other's
    combine read, through the file:// work URL."""
    assert deployment["hosts"] == {"worker1", "worker2"}
    homes = {deployment["cluster"].component_env(w)["AIRFLOW_HOME"] for w in ("worker1", "worker2")}
    assert len(homes) == 2
