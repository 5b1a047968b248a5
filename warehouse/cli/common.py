"""The ``atlas`` app, its options and output helpers, shared by the command modules."""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from warehouse.release.versions import MANIFEST_FILE, release_versions

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
