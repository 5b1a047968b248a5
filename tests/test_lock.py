"""The lock is the complete, hash-pinned closure and this environment is exactly it (tools/install_lock.py)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT / "tools"))

import install_lock  # noqa: E402  (a script folder, not a package)

LOCK = PROJECT_ROOT / "requirements.lock"


def without(text: str, name: str) -> str:
    """The lock text with the entry of ``name`` (its pin, hashes and comments) cut out."""
    cut = re.sub(rf"(?ms)^{re.escape(name)}==.*?(?=^\S)", "", text)
    assert cut != text, name
    return cut


def problems(text: str) -> list[str]:
    locked = {name: version for name, (version, _) in install_lock.parse_lock(text).items()}
    return install_lock.closure_problems(locked, install_lock.root_requirements(text),
                                         install_lock._installed_requires)


def test_environment_is_the_lock_and_the_lock_is_closed():
    assert install_lock.check(LOCK) == []


def test_every_entry_is_pinned_with_hashes():
    entries = install_lock.parse_lock(LOCK.read_text(encoding="utf-8"))
    assert {"pip", "setuptools", "uv", "apache-airflow", "duckdb", "ruff", "time-machine"} <= set(entries)
    for name, (version, entry) in entries.items():
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", version), name
        assert "--hash=sha256:" in entry, name


def test_a_lock_missing_a_package_is_not_closed():
    text = LOCK.read_text(encoding="utf-8")
    assert problems(text) == []
    assert problems(without(text, "uvicorn")) == [
        "apache-airflow-core==3.3.2 requires uvicorn>=0.37.0, which is not in the lock",
        "fastapi-cli==0.0.34 requires uvicorn[standard]>=0.15.0, which is not in the lock",
        "fastapi-cli==0.0.34[standard-no-fastapi-cloud-cli] requires uvicorn[standard]>=0.15.0, "
        "which is not in the lock",
        'fastapi-cli==0.0.34[standard-no-fastapi-cloud-cli] requires uvicorn[standard]>=0.15.0; '
        'extra == "standard-no-fastapi-cloud-cli", which is not in the lock',
        'fastapi==0.136.3[standard-no-fastapi-cloud-cli] requires uvicorn[standard]>=0.12.0; '
        'extra == "standard-no-fastapi-cloud-cli", which is not in the lock',
    ]


def test_requirements_of_a_requested_extra_are_followed():
    # uvicorn[standard] (asked for by fastapi-cli) needs httptools; pip check alone does not follow extras.
    assert problems(without(LOCK.read_text(encoding="utf-8"), "httptools")) == [
        'uvicorn==0.54.0[standard] requires httptools>=0.8.0; extra == "standard", which is not in the lock']


def test_a_pin_outside_a_requirement_is_reported():
    text = re.sub(r"(?m)^duckdb==2\.0\.0", "duckdb==1.0.0", LOCK.read_text(encoding="utf-8"))
    assert problems(text) == ["the project requires duckdb>=1.1, but the lock pins duckdb==1.0.0"]


def test_the_roots_are_the_compile_inputs():
    roots = install_lock.root_requirements(LOCK.read_text(encoding="utf-8"))
    assert roots[0] == "apache-airflow>=3.3,<4"
    assert roots[-11:] == ["pytest>=8", "time-machine>=2.15", "ruff>=0.8", "import-linter>=2.1",
                           "apache-airflow-providers-celery>=3.10", "celery[redis]>=5.4", "psycopg2-binary>=2.9",
                           "asyncpg>=0.30", "pip", "setuptools>=64", "uv"]


def test_a_malformed_lock_is_refused():
    with pytest.raises(ValueError, match=r"lock line 2: not a pinned entry or a hash: 'duckdb>=1.1'"):
        install_lock.parse_lock("# header\nduckdb>=1.1\n")
    with pytest.raises(ValueError, match="no 'uv pip compile' header"):
        install_lock.root_requirements("duckdb==2.0.0 \\\n    --hash=sha256:00\n")
