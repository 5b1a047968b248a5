"""``atlas query``, ``atlas export`` and ``atlas validate``: reading a published release."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.markup import escape

import schemas
from warehouse.cli.common import (DUCKDB_FILE, ExportFormat, QueryFormat, ReleaseOption, RootOption, UsageProblem,
                                  _cell, _fail, _out, _resolve_release,
                                  _root, _show, _titled, app)
from warehouse.release.integrity import connect_read_only, verify_release
from warehouse.release.sql import quote_identifier, quote_literal


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
                try:
                    frames[name] = con.execute("SELECT * FROM read_parquet(?)", [str(path)]).df()
                except duckdb.Error as exc:
                    _fail(f"release {version}: cannot read {path.name}: {exc}", code=1)
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
