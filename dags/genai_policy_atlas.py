"""
### GenAI Policy Atlas: sources to a validated, versioned release

Builds the open dataset of national generative-AI policies, GenAI patent counts and market figures from
the source snapshots in `sources/` (document snapshots, and the pinned versions of live sources that the fetch
DAGs in `dags/fetch_sources.py` keep current). It runs when a fetch pinned a new snapshot (the sources' assets) and
every Monday 06:00 UTC; one run at a time. The build reads snapshots only, never the network:

1. **check_snapshots**: every snapshot's sha256 and size must match its origin metadata;
2. **extract** (one mapped task per source): captioned report tables rebuilt as printed, mapped to the
   dataset tables by the source's spec (`extractors/report_text/specs/`), policies named in the prose;
3. **combine**: per-source extracts combined into one deterministic table each;
4. **resolve**: the policy mentions of all sources resolved into one `policies` row per instrument
   (`extractors/resolve/`, reviewed curation from `curation/overrides.yaml`);
5. **validate**: Great Expectations suites generated from `schemas/`; a critical failure stops the run;
6. **publish**: Parquet + DuckDB + manifest in `$ATLAS_RELEASES_DIR/<version>/`, written aside and renamed;
   updates the `genai_policy_atlas_release` asset, which downstream DAGs can be scheduled on;
7. **clean_scratch** (a teardown: runs however the run ends, never decides its state): removes the run's scratch
   folder in `$ATLAS_WORK_DIR` after a success; after a failure keeps it for inspection (the most recent only).

Each task is a thin wrapper over `warehouse.pipeline`; nothing heavy is imported at parse time. Only transient
faults are retried (another run holding the publish lock, a network or OS fault that passes); a permanent one
(changed snapshot, bad configuration, failed critical expectation, full disk, a bug) fails the task at once.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import Asset, AssetAny, AssetOrTimeSchedule, CronTriggerTimetable, dag, get_current_context, task, \
    teardown

# = warehouse.sources.LIVE_SOURCES (a test checks)
LIVE_SOURCES = ("federal_register", "agora", "owid", "tw_law", "eur_lex", "kr_law", "jp_egov",
                "patentsview")
# A fetch DAG that pinned a new snapshot updates its source's asset (dags/fetch_sources.py); the build runs then,
# and weekly in any case (a document source or a curation change needs no fetch).
SCHEDULE = AssetOrTimeSchedule(
    timetable=CronTriggerTimetable("0 6 * * 1", timezone="UTC"),
    assets=AssetAny(*(Asset(name=f"source_{s}", uri=f"file://sources/{s}", group="source") for s in LIVE_SOURCES)))

# Retries: a task whose worker died (no heartbeat) is failed by the scheduler and retried on a live worker.
# ATLAS_RETRY_DELAY_SECONDS shortens the wait for the deployment smoke test (deploy/cluster.py).
DEFAULT_ARGS = {
    "owner": "genai-policy-atlas",
    "retries": 2,
    "retry_delay": timedelta(seconds=int(os.environ.get("ATLAS_RETRY_DELAY_SECONDS") or 300)),
    "execution_timeout": timedelta(minutes=20),
}


RELEASE = Asset(name="genai_policy_atlas_release", group="release")   # a new release in $ATLAS_RELEASES_DIR


def _run_id() -> str:
    return get_current_context()["run_id"]


def _step(name: str, *args):
    """Run ``warehouse.pipeline.<name>(*args)``. A permanent error becomes AirflowFailException (no retry);
    a transient one (``pipeline.is_transient``) is raised as it is, for Airflow to retry."""
    from airflow.sdk.exceptions import AirflowFailException

    from warehouse import pipeline

    try:
        return getattr(pipeline, name)(*args)
    except Exception as exc:
        if pipeline.is_transient(exc):
            raise
        raise AirflowFailException(f"{type(exc).__name__}: {exc} (permanent: not retried)") from exc


@dag(
    dag_id="genai_policy_atlas",
    schedule=SCHEDULE,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["genai-policy-atlas", "release"],
)
def genai_policy_atlas():
    @task
    def check_snapshots() -> list[str]:
        """A changed snapshot is a permanent fault: the task fails at once, naming the file."""
        return _step("check_snapshots")

    @task
    def extract(source_id: str) -> str:
        return _step("extract", source_id, _run_id())

    @task
    def combine(extract_dirs: list[str]) -> str:
        return _step("combine", list(extract_dirs), _run_id())

    @task
    def resolve(combined_dir: str) -> str:
        return _step("resolve", combined_dir, _run_id())

    @task
    def validate(tables_dir: str) -> str:
        return _step("validate", tables_dir, _run_id())

    @task(outlets=[RELEASE])
    def publish(tables_dir: str, validation_file: str) -> dict:
        return _step("publish", tables_dir, validation_file)

    @teardown
    @task(retries=0)
    def clean_scratch(release: dict | None) -> list[str]:
        """``release`` is publish's result, None when publish did not succeed."""
        from warehouse import staging

        return [str(p) for p in staging.clean_scratch(_run_id(), succeeded=release is not None)]

    tables = resolve(combine(extract.expand(source_id=check_snapshots())))
    clean_scratch(publish(tables, validate(tables)))


genai_policy_atlas()
