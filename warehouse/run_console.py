"""What the main job (``make run``, ``atlas build``) shows a person: progress, a summary, and the logs in a file.

- :func:`captured_output` sends everything the process and its children write to stdout and stderr (Airflow's and
  Great Expectations' logging, warnings, ``airflow db migrate``) to one log file, ``.atlas/logs/build-<UTC time>.log``
  (folder: ``$ATLAS_LOG_DIR``, default ``.atlas/logs/`` of the project, git-ignored), by pointing file descriptors
  1 and 2 at it (``os.dup2``), and hands back streams on the original terminal for what a person should read.
  A successful run so prints nothing of Airflow's own (its "[error] XCom not found" line for a mapped task's
  missing offset, GX's "Skipping registering function" lines): those are in the log.
- :class:`TaskProgress` is an Airflow listener (``on_task_instance_running / success / failed``, the task SDK's
  listener hooks, called by ``dag.test()`` in-process) that prints one line per task when it ends: ``✓`` with its
  duration, ``✗`` with the error; the mapped ``extract`` task gets one line for all its sources, printed when the
  next task starts. On a terminal a transient spinner names the running task (``rich.live.Live``, never
  redirecting stdout, so that stray prints still go to the log).
- :func:`summary` is the closing block: release, what changed, the page, the files, the row counts and every
  validation warning, from the release's ``manifest.json`` and ``validation.json``.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, TextIO

import pluggy
from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.spinner import Spinner

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MAPPED_TASK = "extract"
# The marker of Airflow's listener hooks (airflow.listeners.hookimpl is this marker; importing airflow here would
# configure its logging before captured_output redirects it).
hookimpl = pluggy.HookimplMarker("airflow")


def log_dir() -> Path:
    """Folder of the build logs: ``$ATLAS_LOG_DIR``, default ``<project>/.atlas/logs``."""
    return Path(os.environ.get("ATLAS_LOG_DIR") or PROJECT_ROOT / ".atlas" / "logs")


def new_log_path() -> Path:
    """``<log_dir>/build-<YYYYmmddTHHMMSSZ>.log`` for a run starting now (UTC); ``-2``, ``-3``... if taken."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path, n = log_dir() / f"build-{stamp}.log", 1
    while path.exists():
        n += 1
        path = log_dir() / f"build-{stamp}-{n}.log"
    return path


def _terminal(stream: TextIO) -> TextIO:
    """A stream that keeps writing where ``stream`` writes now, after fds 1 and 2 are redirected: a duplicate of its
    file descriptor, or ``stream`` itself when it has none (a test's captured stream)."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return stream
    stream.flush()
    return os.fdopen(os.dup(fd), "w", encoding="utf-8", errors="replace", buffering=1)


@contextmanager
def captured_output(log_path: Path) -> Iterator[tuple[TextIO, TextIO]]:
    """Redirect this process's file descriptors 1 and 2 (what ``sys.stdout`` / ``sys.stderr``, logging handlers and
    child processes write to) into ``log_path`` (appended; folders created) until the block ends; yields
    ``(out, err)``, text streams on the original stdout and stderr. The ``sys.stdout`` / ``sys.stderr`` objects are
    left in place, so a logging handler created meanwhile never holds a stream that closes with the block. Raises
    OSError when the log file cannot be opened."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    out, err = _terminal(sys.stdout), _terminal(sys.stderr)
    saved = (os.dup(1), os.dup(2))
    with open(log_path, "ab", buffering=0) as log:
        try:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            yield out, err
        finally:
            for stream in (sys.stdout, sys.stderr, out, err):
                stream.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            for stream in (out, err):
                if stream not in (sys.stdout, sys.stderr):
                    stream.close()


def _source(task_instance) -> str | None:
    kwargs = getattr(getattr(task_instance, "task", None), "op_kwargs", None) or {}
    return kwargs.get("source_id") if isinstance(kwargs, dict) else None


class TaskProgress:
    """Airflow task listener printing one line per finished task to ``console`` (see the module docstring).

    ``failures`` collects ``(task, error text)`` of every failed attempt, for the closing message."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.failures: list[tuple[str, str]] = []
        self._started: dict[tuple[str, int], float] = {}
        self._mapped: dict[str, float] = {}          # source (or map index) -> seconds, of finished extract tasks
        self._mapped_since: float | None = None
        self._live: Live | None = None

    # -- display ---------------------------------------------------------------------------------------------
    def __enter__(self) -> TaskProgress:
        if self.console.is_terminal:
            self._live = Live(Spinner("dots", "starting …"), console=self.console, transient=True,
                              redirect_stdout=False, redirect_stderr=False, refresh_per_second=8)
            self._live.start()
        return self

    def __exit__(self, *exc) -> None:
        self.flush()
        if self._live is not None:
            self._live.stop()

    def status(self, text: str) -> None:
        """Show ``text`` beside the spinner (on a terminal only)."""
        if self._live is not None:
            self._live.update(Spinner("dots", escape(text)))

    def flush(self) -> None:
        """Print the pending line of the mapped task (all its finished instances), if any."""
        if self._mapped:
            took = time.monotonic() - (self._mapped_since or time.monotonic())
            self.console.print(f"  [green]✓[/] {MAPPED_TASK:<16} {took:6.1f} s  {len(self._mapped)} sources")
            self._mapped.clear()
        self._mapped_since = None

    # -- Airflow listener hooks (airflow.sdk listener spec: taskinstance) ------------------------------------
    def _key(self, task_instance) -> tuple[str, int]:
        return task_instance.task_id, getattr(task_instance, "map_index", -1)

    @hookimpl
    def on_task_instance_running(self, previous_state, task_instance) -> None:
        task_id = task_instance.task_id
        if task_id != MAPPED_TASK:
            self.flush()
        elif self._mapped_since is None:
            self._mapped_since = time.monotonic()
        self._started[self._key(task_instance)] = time.monotonic()
        source = _source(task_instance)
        self.status(f"{task_id} {source}" if source else task_id)

    @hookimpl
    def on_task_instance_success(self, previous_state, task_instance) -> None:
        key = self._key(task_instance)
        took = time.monotonic() - self._started.pop(key, time.monotonic())
        if key[0] == MAPPED_TASK:
            self._mapped[_source(task_instance) or str(key[1])] = took
            return
        self.console.print(f"  [green]✓[/] {key[0]:<16} {took:6.1f} s")

    @hookimpl
    def on_task_instance_failed(self, previous_state, task_instance, error) -> None:
        key = self._key(task_instance)
        self._started.pop(key, None)
        source = _source(task_instance)
        name = f"{key[0]} {source}" if source else key[0]
        text = str(error) if error is not None else "failed (no error recorded)"
        self.failures.append((name, text))
        first = text.splitlines()[0] if text.strip() else text
        self.console.print(f"  [bold red]✗ {escape(name):<16}[/] {escape(first[:150])}", soft_wrap=True)


@contextmanager
def progress(console: Console) -> Iterator[TaskProgress]:
    """A :class:`TaskProgress` registered with the task SDK's listener manager for the block."""
    from airflow.sdk.listener import get_listener_manager

    manager = get_listener_manager()
    with TaskProgress(console) as listener:
        manager.add_listener(listener)
        try:
            yield listener
        finally:
            manager.pm.unregister(listener)


# --- the closing summary -------------------------------------------------------------------------------------

def _size(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def shown(path: Path) -> str:
    """``path`` relative to the working folder when inside it, else as given."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _changes(manifest: dict) -> str:
    changes = manifest.get("changes") or {}
    counts = ", ".join(f"{v} {k}" for k, v in changes.items() if v) or "no record changed"
    previous = manifest.get("previous_version")
    return f"since {previous}: {counts}" if previous else f"first release: {counts}"


def _warnings(validation: dict) -> list[str]:
    lines = []
    for table, result in (validation.get("tables") or {}).items():
        for x in result.get("expectations") or []:
            if not x.get("success"):
                column = (x.get("kwargs") or {}).get("column", "")
                lines.append(f"    {x.get('severity')}: {table}.{column} {x.get('expectation')} "
                             f"({x.get('unexpected_count')} rows)")
    return lines


def summary(release: Path, fresh: bool, log_path: Path | None) -> list[str]:
    """The closing lines (rich markup) for a successful run whose release is ``release`` (``fresh``: written by
    this run, else the unchanged latest one): release, changes, page, files, rows, validation and each failed
    expectation, log file. Reads ``manifest.json`` and ``validation.json``; raises OSError / ValueError when
    they are missing or not JSON."""
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    validation = json.loads((release / "validation.json").read_text(encoding="utf-8"))
    files = [p for p in release.rglob("*") if p.is_file()]
    rows = " · ".join(f"{t} {n:,}" for t, n in (manifest.get("row_counts") or {}).items())
    head = (f"[bold green]Release {escape(manifest['version'])}[/] written to {escape(shown(release))}" if fresh
            else f"[bold]Nothing changed[/] since release {escape(manifest['version'])}: no new release "
                 f"published ({escape(shown(release))})")
    lines = [head,
             f"  Changes     {escape(_changes(manifest))}",
             f"  Page        {escape(shown(release / 'index.html'))}",
             f"  Database    {escape(shown(release / 'atlas.duckdb'))}",
             f"  Files       {len(files)} files, {_size(sum(p.stat().st_size for p in files))}: Parquet, CSV "
             f"package (data/, datapackage.json), atlas.duckdb, codebook.md, CITATION.cff/.bib, LICENSE.md, "
             f"SHA256SUMS",
             f"  Rows        {escape(rows)}",
             f"  Validation  {validation.get('evaluated', 0)} expectations, {validation.get('critical_failures', 0)}"
             f" critical failures, {validation.get('warnings', 0)} warnings"]
    lines += [escape(w) for w in _warnings(validation)]
    if log_path is not None:
        lines.append(f"  Log         {escape(shown(log_path))}")
    return lines
