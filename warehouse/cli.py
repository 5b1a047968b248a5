"""``atlas``: the command line of the GenAI Policy Atlas (console script ``atlas = "warehouse.cli:app"``).

    atlas build                          run the DAG once (the main job) and print the release's row counts
    atlas releases                       list local releases, marking LATEST
    atlas diff A B                       record-level changes from release A to release B (writes nothing)
    atlas query "SQL" [--release V]      run SQL against a release's atlas.duckdb (read-only)
    atlas export --format csv|parquet|json [--release V] [--out DIR] [--table T]
    atlas validate [--release V]         re-run the expectation suites on a release

The release root is ``--root`` or ``$ATLAS_RELEASES_DIR`` (default ``releases/``); ``--release`` defaults to
the version named in ``LATEST``. A problem with the request (unknown release or table, bad SQL) exits with
code 2 and a one-line message; a failed build or a critical validation failure exits with 1.
Heavy modules (duckdb, pyarrow, pandas, great_expectations, airflow) are imported inside the commands.

Over the size budget: one typer command per release operation (build, releases, diff, query, export, validate).
"""
from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import schemas
from warehouse.release.versions import MANIFEST_FILE, release_versions
from warehouse.release.integrity import connect_read_only, verify_release
from warehouse.release.sql import quote_identifier, quote_literal

app = typer.Typer(name="atlas", help="GenAI Policy Atlas: build, inspect, query and export dataset releases.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

DUCKDB_FILE = "atlas.duckdb"

RootOption = Annotated[Optional[Path], typer.Option(
    "--root", envvar="ATLAS_RELEASES_DIR", show_default=False, file_okay=False,
    help="Release root (default: $ATLAS_RELEASES_DIR or releases/ of the project).")]
ReleaseOption = Annotated[Optional[str], typer.Option(
    "--release", "-r", show_default=False, help="Release version, e.g. 2025.06.30 (default: LATEST).")]


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(str, Enum):
    csv = "csv"
    parquet = "parquet"
    json = "json"


class UsageProblem(Exception):
    """A request the CLI cannot serve (unknown release, table, bad SQL): exit code 2, no traceback."""


def _out() -> Console:
    # Created per call so that COLUMNS and redirected streams (tests, pipes) are honoured.
    return Console(highlight=False)


def _err() -> Console:
    return Console(stderr=True, highlight=False)


def _fail(message: str, code: int = 2) -> NoReturn:
    _err().print(f"[bold red]Error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code)


def _root(root: Path | None) -> Path:
    from warehouse.release.publish import releases_dir

    return Path(root) if root is not None else releases_dir()


def _latest(root: Path) -> str | None:
    from warehouse.release.publish import latest_version

    return latest_version(root)


def _resolve_release(root: Path, version: str | None) -> tuple[str, Path]:
    """(version, folder) of the named release, or of LATEST when ``version`` is None or ``latest``."""
    versions = release_versions(root)
    if not versions:
        raise UsageProblem(f"no releases in {root} (run `atlas build`, or point --root / ATLAS_RELEASES_DIR "
                           f"at a release root)")
    if version is None or version.lower() == "latest":
        latest = _latest(root)
        version = latest if latest in versions else versions[-1]
    if version not in versions:
        raise UsageProblem(f"unknown release {version!r} in {root}; available: {', '.join(versions)}")
    return version, root / version


def _manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _cell(value: Any) -> str:
    from warehouse.release.diff import value_text

    text = value_text(value)
    return "NULL" if text is None else text


class _TitledTable(Table):
    """A rich table whose heading :func:`_show` prints on its own line (a rich title wraps to the table width)."""

    def __init__(self, heading: str) -> None:
        super().__init__()
        self.heading = heading


def _titled(heading: str) -> _TitledTable:
    return _TitledTable(heading)


def _show(console: Console, table: Table) -> None:
    heading = getattr(table, "heading", None)
    if heading:
        console.print(f"[bold]{escape(heading)}[/]", soft_wrap=True)
    console.print(table)


def _counts_table(title: str, counts: dict[str, int]) -> Table:
    table = _titled(title)
    table.add_column("table", no_wrap=True)
    table.add_column("rows", justify="right", no_wrap=True)
    for name, count in counts.items():
        table.add_row(name, str(count))
    table.add_row("[bold]total[/]", f"[bold]{sum(counts.values())}[/]")
    return table


# --- build ---------------------------------------------------------------------------------------------------

@app.command()
def build(root: RootOption = None) -> None:
    """Run the genai_policy_atlas DAG once in-process (the main job) and print the new release's row counts.

    Exit code 1 when the run fails (nothing is published then; see the task logs)."""
    if root is not None:
        os.environ["ATLAS_RELEASES_DIR"] = str(Path(root).resolve())
    from warehouse import run

    out = _out()
    release_root = _root(root)
    before = _latest(release_root)
    try:
        with out.status("Preparing the Airflow metadata DB …", spinner="dots") as status:
            run.configure_airflow()
            run.migrate_db()
            status.update("Running the genai_policy_atlas DAG (check_snapshots → extract → combine → "
                          "resolve → validate → publish) …")
            dag_run = run.run_dag()
    except Exception as exc:  # noqa: BLE001 - a failed job is reported, not dumped
        _fail(f"the run failed before finishing: {type(exc).__name__}: {exc}", code=1)
    state = str(getattr(dag_run.state, "value", dag_run.state))
    if state != "success":
        _fail(f"genai_policy_atlas run {dag_run.run_id} ended {state}: no release was published "
              f"(see the task logs above)", code=1)
    version = _latest(release_root)
    if version is None:
        _fail(f"the run succeeded but {release_root} has no LATEST release", code=1)
    folder = release_root / version
    if version == before:
        out.print(f"No new release: the latest is still [bold]{escape(version)}[/] ({escape(str(folder))}).")
    else:
        out.print(f"Release [bold green]{escape(version)}[/] written to {escape(str(folder))}", soft_wrap=True)
    _show(out, _counts_table(f"Release {version}", _manifest(folder).get("row_counts", {})))


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


# --- query ---------------------------------------------------------------------------------------------------

def _run_sql(db: Path, sql: str):
    """(column names, numeric flags, list of row tuples) of a read-only query, or None for a statement
    without a result. Raises UsageProblem with DuckDB's message for bad SQL."""
    import duckdb
    import pyarrow as pa

    con = connect_read_only(db)
    try:
        rel = con.sql(sql)
        if rel is None:
            return None
        result = rel.to_arrow_table()
    except duckdb.Error as exc:
        raise UsageProblem(f"query failed: {exc}") from None
    finally:
        con.close()
    columns = list(result.column_names)
    numeric = [pa.types.is_integer(f.type) or pa.types.is_floating(f.type) or pa.types.is_decimal(f.type)
               for f in result.schema]
    data = [result.column(i).to_pylist() for i in range(result.num_columns)]
    return columns, numeric, list(zip(*data, strict=True)) if data else []


def _json_value(value: Any) -> Any:
    import math

    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    return _cell(value)


@app.command()
def query(
    sql: Annotated[str, typer.Argument(metavar="SQL", help="SQL to run (read-only).")],
    release: ReleaseOption = None,
    root: RootOption = None,
    fmt: Annotated[QueryFormat, typer.Option("--format", "-f", help="Output format.")] = QueryFormat.table,
) -> None:
    """Run SQL against a release's atlas.duckdb (read-only) and print the result."""
    root = _root(root)
    try:
        version, folder = _resolve_release(root, release)
        result = _run_sql(folder / DUCKDB_FILE, sql)
    except UsageProblem as exc:
        _fail(str(exc))
    if result is None:
        _out().print("OK (no result)")
        return
    columns, numeric, rows = result
    if fmt is QueryFormat.csv:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else _cell(v) for v in row])
        return
    if fmt is QueryFormat.json:
        typer.echo(json.dumps([{c: _json_value(v) for c, v in zip(columns, row, strict=True)} for row in rows],
                              ensure_ascii=False, indent=2))
        return
    table = _titled(f"release {version}: {len(rows)} row{'s' if len(rows) != 1 else ''}")
    for col, is_number in zip(columns, numeric, strict=True):
        table.add_column(escape(col), justify="right" if is_number else "left")
    for row in rows:
        table.add_row(*[("[dim]NULL[/]" if v is None else escape(_cell(v))) for v in row])
    _show(_out(), table)


# --- export --------------------------------------------------------------------------------------------------


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="File format.")],
    release: ReleaseOption = None,
    out: Annotated[Optional[Path], typer.Option(
        "--out", "-o", file_okay=False, show_default=False,
        help="Output folder (default: ./atlas-<version>-<format>).")] = None,
    tables: Annotated[Optional[list[str]], typer.Option(
        "--table", "-t", show_default=False,
        help="Table or view to export (repeatable; default: every dataset table).")] = None,
    root: RootOption = None,
) -> None:
    """Export a release's tables (or views, e.g. report_table_3_13) as CSV, Parquet or JSON files."""
    import shutil

    import duckdb

    root = _root(root)
    try:
        version, folder = _resolve_release(root, release)
    except UsageProblem as exc:
        _fail(str(exc))
    con = duckdb.connect(str(folder / DUCKDB_FILE), read_only=True)
    try:
        available = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() UNION ALL "
            "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall()]
        wanted = list(tables) if tables else list(schemas.tables())
        unknown = [t for t in wanted if t not in available]
        if unknown:
            _fail(f"unknown table {', '.join(repr(t) for t in unknown)} in release {version}; "
                  f"available: {', '.join(available)}")
        target = Path(out) if out is not None else Path.cwd() / f"atlas-{version}-{fmt.value}"
        if target.resolve().is_relative_to(root.resolve()):
            _fail(f"refusing to export into the release root {root}: published releases are never rewritten; "
                  f"choose an --out outside it")
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            _fail(f"cannot create the output folder {target}: {exc.strerror or exc}")
        report = _titled(f"Exported release {version} to {target}")
        report.add_column("table", no_wrap=True)
        report.add_column("rows", justify="right")
        report.add_column("file", no_wrap=True)
        for name in wanted:
            path = target / f"{name}.{fmt.value}"
            parquet = folder / f"{name}.parquet"
            if fmt is ExportFormat.parquet and name in schemas.tables() and parquet.is_file():
                shutil.copyfile(parquet, path)        # the release file itself, contract metadata included
            else:
                options = {ExportFormat.csv: "FORMAT csv, HEADER true",
                           ExportFormat.json: "FORMAT json, ARRAY true",
                           ExportFormat.parquet: "FORMAT parquet"}[fmt]
                con.execute(f"COPY (SELECT * FROM {quote_identifier(name)}) TO {quote_literal(str(path))} ({options})")
            rows = con.execute(f"SELECT count(*) FROM {quote_identifier(name)}").fetchone()[0]
            report.add_row(name, str(rows), path.name)
    except duckdb.Error as exc:
        _fail(f"export failed: {exc}")
    finally:
        con.close()
    _show(_out(), report)


# --- validate ------------------------------------------------------------------------------------------------

@app.command()
def validate(release: ReleaseOption = None, root: RootOption = None) -> None:
    """Re-run the expectation suites on a release's tables (read through DuckDB into pandas).

    Prints per table the rows, expectations evaluated, critical failures and warnings; exit code 1 when a
    critical expectation fails."""
    root = _root(root)
    try:
        version, folder = _resolve_release(root, release)
    except UsageProblem as exc:
        _fail(str(exc))
    altered = verify_release(folder)
    if altered:
        _fail(f"release {version} was altered after publication ({len(altered)} file(s)); its data cannot be "
              f"trusted:\n  " + "\n  ".join(altered), code=1)
    out = _out()
    with out.status(f"Validating release {version} …", spinner="dots"):
        import duckdb

        from expectations.suites import ValidationFailed, enforce, validate_frames

        con = duckdb.connect()
        frames = {}
        try:
            for name in schemas.tables():
                path = folder / f"{name}.parquet"
                if not path.is_file():
                    _fail(f"release {version} has no {path.name}", code=1)
                frames[name] = con.execute("SELECT * FROM read_parquet(?)", [str(path)]).df()
        finally:
            con.close()
        report = validate_frames(frames)
    table = _titled(f"Validation of release {version}")
    for col, justify in (("table", "left"), ("rows", "right"), ("expectations", "right"),
                         ("critical failures", "right"), ("warnings", "right")):
        table.add_column(col, justify=justify, no_wrap=True)
    for name, tbl in report["tables"].items():
        entries = tbl["expectations"]
        critical = sum(1 for e in entries if not e["success"] and e["severity"] == "critical")
        warnings = sum(1 for e in entries if not e["success"] and e["severity"] != "critical")
        table.add_row(name, str(tbl["rows"]), str(len(entries)),
                      f"[bold red]{critical}[/]" if critical else "0", str(warnings))
    table.add_row("[bold]total[/]", "", str(report["evaluated"]), str(report["critical_failures"]),
                  str(report["warnings"]))
    _show(out, table)
    try:
        enforce(report)
    except ValidationFailed as exc:
        _fail(str(exc), code=1)
    out.print(f"[green]OK[/]: no critical expectation failed ({report['warnings']} warning(s)).")


if __name__ == "__main__":
    app()
