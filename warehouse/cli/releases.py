"""``atlas build``, ``atlas releases`` and ``atlas diff``."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from warehouse.cli.common import (RootOption, UsageProblem,
                                  _cell, _fail, _latest, _manifest, _out, _resolve_release,
                                  _root, _show, _titled, app)
from warehouse.release.versions import release_versions


# --- build ---------------------------------------------------------------------------------------------------

@app.command()
def build(root: RootOption = None) -> None:
    """Run the genai_policy_atlas DAG once in-process (the main job), as `make run` does: one progress line per
    task, Airflow's and Great Expectations' logs in the file it names, then the summary (release, page, files, row
    counts, validation warnings).

    Exit code 1 when the run fails (nothing is published then; the failed task and its error are shown)."""
    if root is not None:
        os.environ["ATLAS_RELEASES_DIR"] = str(Path(root).resolve())
    from warehouse import run

    code = run.build()
    if code:
        raise typer.Exit(code)


# --- fetch ---------------------------------------------------------------------------------------------------

@app.command()
def fetch(source: Annotated[Optional[list[str]], typer.Argument(
        show_default=False, help="Live sources to fetch (default: all of them).")] = None) -> None:
    """Fetch live sources into new snapshot versions and print what changed, one line per source.

    Upstream unchanged: no snapshot is written. A source that fails keeps its last good snapshot (the next build
    reports it stale); the others are still fetched. A source not configured here (no API key) is skipped, not
    failed. Exit code 1 when any source failed, 2 for an unknown source."""
    from extractors.core.fetch import NotConfigured
    from warehouse import pipeline
    from warehouse.sources import LIVE_SOURCES

    wanted = list(source or LIVE_SOURCES)
    unknown = [s for s in wanted if s not in LIVE_SOURCES]
    if unknown:
        _fail(f"unknown live source(s) {', '.join(unknown)}; known: {', '.join(LIVE_SOURCES)}")
    out, failed = _out(), []
    for sid in wanted:
        try:
            result = pipeline.fetch(sid)
        except NotConfigured as exc:
            out.print(f"{escape(sid)}: skipped: {escape(str(exc))}", soft_wrap=True)
            continue
        except Exception as exc:  # noqa: BLE001 - one failed source is reported; the others go on
            failed.append(sid)
            out.print(f"[red]{escape(sid)}: failed[/]: {escape(str(exc))}; the last good snapshot stays in use",
                      soft_wrap=True)
            continue
        mark = "[green]new snapshot[/]" if result["changed"] else "unchanged"
        out.print(f"{escape(sid)}: {mark}: {escape(result['message'])}", soft_wrap=True)
    if failed:
        raise typer.Exit(code=1)


# --- releases ------------------------------------------------------------------------------------------------

@app.command()
def releases(root: RootOption = None) -> None:
    """List the local releases (oldest first) with their creation time and row counts; marks LATEST."""
    root = _root(root)
    versions = release_versions(root)
    out = _out()
    if not versions:
        out.print(f"No releases in {escape(str(root))}.")
        return
    latest = _latest(root)
    table = _titled(f"Releases in {root}")
    table.add_column("version", no_wrap=True, min_width=12)
    table.add_column("latest", no_wrap=True)
    table.add_column("created (UTC)", no_wrap=True)
    table.add_column("records", justify="right", no_wrap=True)
    table.add_column("row counts")
    for version in versions:
        manifest = _manifest(root / version)
        counts = manifest.get("row_counts", {})
        created = str(manifest.get("created", "")).replace("T", " ").replace("+00:00", "")
        table.add_row(version, "LATEST" if version == latest else "", created, str(sum(counts.values())),
                      ", ".join(f"{name}={count}" for name, count in counts.items()),
                      style="bold" if version == latest else None)
    _show(out, table)


# --- diff ----------------------------------------------------------------------------------------------------

@app.command()
def diff(
    old: Annotated[str, typer.Argument(metavar="A", help="Older release version (or 'latest').")],
    new: Annotated[str, typer.Argument(metavar="B", help="Newer release version (or 'latest').")],
    root: RootOption = None,
    limit: Annotated[int, typer.Option(help="Changes listed at most (the summary counts all).")] = 100,
) -> None:
    """Record-level changes from release A to release B, by each table's primary key. Writes nothing."""
    from warehouse.release.diff import diff_releases, summarise

    root = _root(root)
    try:
        old_version, old_dir = _resolve_release(root, old)
        new_version, new_dir = _resolve_release(root, new)
        changes = diff_releases(old_dir, new_dir)
    except (UsageProblem, ValueError) as exc:
        _fail(str(exc))
    out = _out()
    summary = summarise(changes)
    table = _titled(f"Changes {old_version} → {new_version}")
    for col, justify in (("table", "left"), ("added", "right"), ("removed", "right"), ("changed", "right")):
        table.add_column(col, justify=justify, no_wrap=True)
    for name, counts in summary.items():
        table.add_row(name, *(str(counts[k]) for k in ("added", "removed", "changed")))
    _show(out, table)
    rows = changes.to_pylist()
    if not rows:
        out.print("No record was added, removed or changed.")
        return
    for r in rows[:limit]:
        line = f"{r['change']:<8} {r['table_name']} {r['record_key']}"
        if r["change"] == "changed":
            line += f"  {r['field']}: {_cell(r['old_value'])} -> {_cell(r['new_value'])}"
        out.print(escape(line), soft_wrap=True)
    if len(rows) > limit:
        out.print(f"… and {len(rows) - limit} more change rows (use --limit).")
