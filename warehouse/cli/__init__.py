"""``atlas``: the command line of the GenAI Policy Atlas (console script ``atlas = "warehouse.cli:app"``).

    atlas fetch [SOURCE ...]             fetch live sources into new snapshot versions; print what changed
    atlas build                          run the DAG once (the main job, as make run): a line per task, a summary
    atlas releases                       list local releases, marking LATEST
    atlas diff A B                       record-level changes from release A to release B (writes nothing)
    atlas query "SQL" [--release V]      run SQL against a release's atlas.duckdb (read-only)
    atlas export --format csv|parquet|json [--release V] [--out DIR] [--table T]
    atlas validate [--release V]         re-run the expectation suites on a release

The release root is ``--root`` or ``$ATLAS_RELEASES_DIR`` (default ``releases/``); ``--release`` defaults to
the version named in ``LATEST``. A problem with the request (unknown release or table, bad SQL) exits with
code 2 and a one-line message; a failed build or a critical validation failure exits with 1.
Heavy modules (duckdb, pyarrow, pandas, great_expectations, airflow) are imported inside the commands.

``common`` holds the app, options and output helpers; ``releases`` the build, fetch, releases and diff commands;
``data`` the query, export and validate commands.

"""
from warehouse.cli import releases  # noqa: F401  (registers build, fetch, releases, diff on the app, in this order)
from warehouse.cli import data  # noqa: F401  (then query, export, validate)
from warehouse.cli.common import app

__all__ = ["app"]
