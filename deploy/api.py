"""The Airflow 3 REST API (``/api/v2``) of a deployed cluster, authenticated with a JWT from ``/auth/token``, and
the figures of a run read from it.

Calls used (Airflow 3.3 public API): ``POST /auth/token`` (SimpleAuthManager: username and password -> access
token), ``GET/PATCH /api/v2/dags/{dag_id}`` (wait for the dag-processor, unpause), ``POST .../dagRuns`` (trigger),
``GET .../dagRuns`` and ``.../dagRuns/{run_id}`` (state), ``GET .../dagRuns/{run_id}/taskInstances`` (per task:
``queued_when``, ``start_date``, ``end_date``, ``try_number``, ``hostname``). Times are ISO 8601 UTC strings.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import requests

FINISHED = {"success", "failed"}


class ApiError(RuntimeError):
    """A call answered with an unexpected status, or a wait ran out of time (names the call or the run)."""


@dataclass
class Api:
    url: str
    username: str
    password: str
    token: str = ""

    def login(self) -> None:
        """A JWT for ``username`` (POST /auth/token). Raises ApiError on a refusal."""
        resp = requests.post(f"{self.url}/auth/token", json={"username": self.username, "password": self.password},
                             timeout=30)
        if resp.status_code not in (200, 201):
            raise ApiError(f"POST /auth/token: HTTP {resp.status_code} {resp.text[:200]}")
        self.token = resp.json()["access_token"]

    def call(self, method: str, path: str, **kwargs) -> dict:
        """One API call (path under /api/v2); the JSON answer. Logs in again once on a 401."""
        for attempt in (1, 2):
            if not self.token:
                self.login()
            resp = requests.request(method, f"{self.url}/api/v2{path}", timeout=60,
                                    headers={"Authorization": f"Bearer {self.token}"}, **kwargs)
            if resp.status_code == 401 and attempt == 1:
                self.token = ""
                continue
            if resp.status_code >= 400:
                raise ApiError(f"{method} /api/v2{path}: HTTP {resp.status_code} {resp.text[:300]}")
            return resp.json() if resp.content else {}
        raise AssertionError("unreachable")

    def wait_for_dag(self, dag_id: str, timeout: float = 240) -> dict:
        """The DAG once the dag-processor has serialised it. Raises ApiError after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                return self.call("GET", f"/dags/{dag_id}")
            except ApiError as exc:
                if "HTTP 404" not in str(exc):
                    raise
            time.sleep(1)
        raise ApiError(f"DAG {dag_id} not parsed after {timeout:g} s")

    def unpause(self, dag_id: str) -> None:
        self.call("PATCH", f"/dags/{dag_id}", json={"is_paused": False})

    def trigger(self, dag_id: str) -> dict:
        """A new manual run (its JSON: ``dag_run_id``, ``queued_at``, ...)."""
        return self.call("POST", f"/dags/{dag_id}/dagRuns", json={"logical_date": None})

    def run(self, dag_id: str, run_id: str) -> dict:
        return self.call("GET", f"/dags/{dag_id}/dagRuns/{run_id}")

    def runs(self, dag_id: str) -> list[dict]:
        return self.call("GET", f"/dags/{dag_id}/dagRuns", params={"limit": 100})["dag_runs"]

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        return self.call("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances",
                         params={"limit": 100})["task_instances"]

    def wait_run(self, dag_id: str, run_id: str, timeout: float) -> dict:
        """The run once it finished (success or failed). Raises ApiError after ``timeout`` s, with its tasks."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = self.run(dag_id, run_id)
            if run["state"] in FINISHED:
                return run
            time.sleep(1)
        states = {t["task_id"]: t["state"] for t in self.task_instances(dag_id, run_id)}
        raise ApiError(f"run {dag_id}/{run_id} not finished after {timeout:g} s: {states}")

    def wait_new_run(self, dag_id: str, known: set[str], timeout: float) -> dict:
        """A run of ``dag_id`` not in ``known`` (e.g. one an asset event started). Raises ApiError on time-out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            fresh = [r for r in self.runs(dag_id) if r["dag_run_id"] not in known]
            if fresh:
                return fresh[0]
            time.sleep(1)
        raise ApiError(f"no new run of {dag_id} after {timeout:g} s")


def _t(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _seconds(start: str | None, end: str | None) -> float | None:
    a, b = _t(start), _t(end)
    return round((b - a).total_seconds(), 2) if a and b else None


def run_figures(run: dict, tis: list[dict]) -> dict:
    """Figures of a finished run, in seconds: ``pickup`` (run queued -> first task queued: the scheduler's
    pick-up latency), ``end_to_end`` (run queued -> run ended) and per task instance (``task_id`` or
    ``task_id[map_index]``) its ``queue`` (queued -> started on a worker) and ``run`` (started -> ended) time."""
    queued = [t["queued_when"] for t in tis if t.get("queued_when")]
    tasks = {}
    for t in sorted(tis, key=lambda t: (t.get("start_date") or "", t["task_id"], t.get("map_index", -1))):
        key = t["task_id"] + (f"[{t['map_index']}]" if t.get("map_index", -1) >= 0 else "")
        tasks[key] = {"queue": _seconds(t.get("queued_when"), t.get("start_date")),
                      "run": _seconds(t.get("start_date"), t.get("end_date")), "try": t.get("try_number"),
                      "host": t.get("hostname"), "state": t.get("state")}
    return {"pickup": _seconds(run["queued_at"], min(queued)) if queued else None,
            "end_to_end": _seconds(run["queued_at"], run.get("end_date")), "tasks": tasks}


def format_figures(title: str, figures: dict, dag_test_seconds: float | None = None) -> str:
    """The figures as a small text table (printed by the smoke test)."""
    lines = [f"== {title}", f"scheduler pick-up latency (run queued -> first task queued): {figures['pickup']} s",
             f"end to end (run queued -> run ended): {figures['end_to_end']} s"]
    if dag_test_seconds is not None:
        lines.append(f"same DAG under dag.test(): {dag_test_seconds:.2f} s")
    lines.append(f"{'task':<28} {'queue s':>8} {'run s':>8} {'try':>4}  host")
    for key, f in figures["tasks"].items():
        lines.append(f"{key:<28} {f['queue']!s:>8} {f['run']!s:>8} {f['try']!s:>4}  {f['host']} {f['state']}")
    return "\n".join(lines)
