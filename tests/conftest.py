"""Test settings: every test run gets its own Airflow home (SQLite), work folder and release root, and a clock.

Set before anything imports Airflow, so the DAG tests never touch the developer's `.airflow/` or `releases/`.

The clock: the whole session runs with the time set by ``--clock`` (ISO 8601, default ``$ATLAS_TEST_CLOCK`` or
2026-11-21T12:00:00+00:00; ``now`` keeps the real clock), moving on from there (time-machine, ``tick=True``), so
release versions and created times are the same on every day. ``make test`` runs the release-building tests
(marker ``release``) a second time at another date: an assertion that holds on one date only fails there.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="atlas-tests-"))
os.environ["AIRFLOW_HOME"] = str(_SESSION_DIR / "airflow")
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_SESSION_DIR / 'airflow' / 'airflow.db'}"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(PROJECT_ROOT / "dags")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["ATLAS_WORK_DIR"] = str(_SESSION_DIR / "work")
os.environ["ATLAS_RELEASES_DIR"] = str(_SESSION_DIR / "releases")
os.environ["ATLAS_LOG_DIR"] = str(_SESSION_DIR / "logs")
os.environ["GX_ANALYTICS_ENABLED"] = "False"
os.environ.pop("ATLAS_SOURCES_DIR", None)


DEFAULT_CLOCK = "2026-11-21T12:00:00+00:00"


def pytest_addoption(parser):
    parser.addoption("--clock", default=os.environ.get("ATLAS_TEST_CLOCK", DEFAULT_CLOCK),
                     help="ISO 8601 time the test session starts at (the clock then runs on); 'now' for the real one")


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def _loopback_only() -> None:
    """Tests never contact any address but loopback: a connection or name lookup elsewhere raises at once
    (in this process; subprocesses such as docker-compose are not covered)."""
    import socket

    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(sock, address):
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and host not in LOOPBACK and sock.family in (socket.AF_INET, socket.AF_INET6):
            raise ConnectionRefusedError(f"tests may only contact loopback, not {host!r}")
        return real_connect(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if host not in LOOPBACK and host is not None:
            raise socket.gaierror(f"tests may only contact loopback, not {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.getaddrinfo = getaddrinfo


def pytest_configure(config):
    _loopback_only()
    clock = config.getoption("--clock")
    if clock != "now":
        import datetime as dt

        import time_machine

        start = dt.datetime.fromisoformat(clock)
        if start.tzinfo is None:
            raise pytest.UsageError(f"--clock {clock!r} needs a UTC offset, e.g. {DEFAULT_CLOCK}")
        config._atlas_clock = time_machine.travel(start, tick=True)
        config._atlas_clock.start()


@pytest.fixture(scope="session")
def release_date(pytestconfig):
    """The UTC date the session's clock started on: the date part of every release version built in the tests."""
    import datetime as dt

    clock = pytestconfig.getoption("--clock")
    start = dt.datetime.now(dt.timezone.utc) if clock == "now" else dt.datetime.fromisoformat(clock)
    return start.astimezone(dt.timezone.utc).date()


def pytest_unconfigure(config):
    if getattr(config, "_atlas_clock", None) is not None:
        config._atlas_clock.stop()


def pytest_report_header(config):
    return f"clock: {config.getoption('--clock')}"


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """A migrated Airflow metadata DB (SQLite) for dag.test()."""
    Path(os.environ["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    airflow = Path(sys.executable).with_name("airflow")
    subprocess.run([str(airflow), "db", "migrate"], check=True, stdout=subprocess.DEVNULL)
    return Path(os.environ["AIRFLOW_HOME"])


@pytest.fixture
def atlas_dirs(tmp_path, monkeypatch) -> dict[str, Path]:
    """Fresh release root and work folder for one test."""
    dirs = {"releases": tmp_path / "releases", "work": tmp_path / "work"}
    monkeypatch.setenv("ATLAS_RELEASES_DIR", str(dirs["releases"]))
    monkeypatch.setenv("ATLAS_WORK_DIR", str(dirs["work"]))
    return dirs


@pytest.fixture
def sources_copy(tmp_path, monkeypatch) -> Path:
    """A writable copy of sources/ that ATLAS_SOURCES_DIR points to (for tampering tests)."""
    import shutil

    folder = tmp_path / "sources"
    shutil.copytree(PROJECT_ROOT / "sources", folder)
    for p in folder.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    monkeypatch.setenv("ATLAS_SOURCES_DIR", str(folder))
    return folder


# --- document 000, extracted once for the session (test_report_tables, test_tables_000, test_resolve) ---

DOC_000 = "tier-2025-genai-global-economy"


@pytest.fixture(scope="session")
def snapshot():
    """The verified snapshot of document 000."""
    from extractors.core import snapshots
    return snapshots.load(DOC_000)


@pytest.fixture(scope="session")
def extraction(snapshot):
    """The real extraction of document 000 (extract.extract_source), run once."""
    from extractors.report_text import extract
    return extract.extract_source(snapshot)


@pytest.fixture(scope="session")
def tables(snapshot):
    """Document 000's spec tables as printed (the find_tables call extract_source makes), by table id."""
    from extractors.report_text import extract
    from extractors.report_text import tables as rt

    spec = extract.load_spec(DOC_000)
    return {t.table_id: t for t in rt.find_tables(DOC_000, snapshot.lines, spec["tables"])}
