"""
### GenAI Policy Atlas: one fetch DAG per live source

``fetch_<source_id>`` (weekly; monthly for `patentsview`, whose bulk files are released at most monthly and
whose downloads count against a yearly quota) runs ``warehouse.pipeline.fetch``: the source's API is asked what
changed (its cheap change probe and conditional requests); what changed becomes a new, never-rewritten snapshot
version in `sources/<source_id>/`, pinned for the next build. The task's outlet, the asset ``source_<source_id>``, then
triggers the build DAG (`genai_policy_atlas`, scheduled on these assets or weekly).

- **Upstream unchanged**: no snapshot is written and the task ends *skipped*, with the reason in its log: no asset
  event, so no build and no release.
- **Not configured** (a source that needs an API key and has none, e.g. `patentsview` without
  `ATLAS_PATENTSVIEW_API_KEY` or the Airflow connection `patentsview`): the task ends *skipped* saying so; the
  build goes on without the source.
- **Source down or broken** (time-outs after retries, a quota, schema drift, an invalid body): the task fails with a
  message naming source, URL and cause; the last good snapshot stays pinned, `sources/fetch_status.yaml` records
  since when the source is stale, and the next build says so (manifest, release page, a `source_stale` quality
  flag). The other sources' DAGs are not affected.

Nothing heavy is imported at parse time; the list of live sources is checked against `warehouse.sources` by a test.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import Asset, dag, task

# = warehouse.sources.LIVE_SOURCES (a test checks)
LIVE_SOURCES = ("federal_register", "agora", "owid", "tw_law", "eur_lex", "kr_law", "jp_egov",
                "patentsview")
# Sources fetched on another schedule than weekly.
SCHEDULES = {"patentsview": "@monthly"}


def source_asset(source_id: str) -> Asset:
    """The asset a fetch updates when it pinned a new snapshot of ``source_id``."""
    return Asset(name=f"source_{source_id}", uri=f"file://sources/{source_id}", group="source")


def make_fetch_dag(source_id: str):
    @dag(dag_id=f"fetch_{source_id}", schedule=SCHEDULES.get(source_id, "@weekly"), start_date=datetime(2026, 1, 1),
         catchup=False, max_active_runs=1, doc_md=__doc__, tags=["genai-policy-atlas", "fetch"],
         default_args={"owner": "genai-policy-atlas", "retries": 1,
                       "retry_delay": timedelta(seconds=int(os.environ.get("ATLAS_RETRY_DELAY_SECONDS") or 1800)),
                       "execution_timeout": timedelta(minutes=30)})
    def fetch_dag():
        @task(task_id="fetch", outlets=[source_asset(source_id)])
        def fetch() -> dict:
            """A new pinned snapshot, or skipped (no asset event) when upstream is unchanged."""
            from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

            from extractors.core.fetch import NotConfigured
            from warehouse import pipeline

            try:
                result = pipeline.fetch(source_id)
            except NotConfigured as exc:
                raise AirflowSkipException(f"{exc} (not configured: skipped)") from exc
            except Exception as exc:
                if pipeline.is_transient(exc):
                    raise
                raise AirflowFailException(f"{type(exc).__name__}: {exc} (permanent: not retried; the last good "
                                           f"snapshot stays in use)") from exc
            if not result["changed"]:
                raise AirflowSkipException(result["message"])
            return result

        fetch()

    return fetch_dag()


for _sid in LIVE_SOURCES:
    globals()[f"fetch_{_sid}"] = make_fetch_dag(_sid)
