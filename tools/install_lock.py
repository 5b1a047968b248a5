"""Install a hash-pinned lock exactly as written, then prove the installed set is the lock's complete closure.

    python tools/install_lock.py [LOCK]          install LOCK (default requirements.lock) into this interpreter
    python tools/install_lock.py --check [LOCK]  only check: installed versions match LOCK and LOCK is closed

Used by the Makefile, ``.ci/run`` (through ``make test``) and ``docker/Dockerfile``: one way to install.

Nothing is resolved: pip runs with ``--no-deps --require-hashes --only-binary :all:``, so it installs exactly the
files whose hashes the lock lists and never looks at a requirement a package declares. A newer upstream release
of anything (the case of ``uvicorn[standard]>=0.15.0`` picking 0.55.0 over the locked 0.54.0) cannot enter.
pip itself is first replaced by the lock's pip, so the outcome does not depend on the pip a venv ships.

Because ``--no-deps`` also means pip no longer notices a package missing from the lock, the closure is checked
after the install: starting from the project's requirements (``pyproject.toml`` dependencies and the extras the
lock was compiled with, plus ``tools/lock-tools.in``), every requirement that applies on this platform,
including those of requested extras (PEP 508 markers with ``extra``), must name a locked package whose locked
version satisfies it. ``pip check`` runs too; it does not follow extras, which is why both run.

The stdlib only until the install is done; the check then uses ``packaging`` (itself in the lock).
Exit status 0 when installed and closed, 1 with one line per problem otherwise.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIP_FLAGS = ["--disable-pip-version-check", "--no-input", "--no-deps", "--require-hashes", "--only-binary", ":all:"]
_ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")
_OPTIONS_WITH_VALUE = {"--extra", "--python-version", "--python-platform", "-o", "--output-file", "-c", "--constraint"}


def parse_lock(text: str) -> dict[str, tuple[str, str]]:
    """Lock text (``uv pip compile --generate-hashes`` format) -> {normalised name: (version, entry text)}.

    An entry is its ``name==version \\`` line with the ``--hash`` lines that follow; comments are dropped.
    Raises ValueError on a line that is neither an entry, a hash line nor a comment.
    """
    entries: dict[str, tuple[str, list[str]]] = {}
    name = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _ENTRY.match(line)
        if match:
            name = canonical(match.group(1))
            entries[name] = (match.group(2).rstrip("\\").strip(), [line])
        elif stripped.startswith("--hash=") and name:
            entries[name][1].append(line)
        else:
            raise ValueError(f"lock line {number}: not a pinned entry or a hash: {line!r}")
    return {name: (version, "\n".join(lines)) for name, (version, lines) in entries.items()}


def canonical(name: str) -> str:
    """PEP 503 normalised project name (``Foo_Bar`` -> ``foo-bar``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _pip(python: str, *args: str) -> None:
    subprocess.run([python, "-m", "pip", *args], check=True)


def install(lock: Path, python: str = sys.executable) -> None:
    """Install ``lock`` into ``python``'s environment: the lock's pip first (if it pins one), then every entry.

    Raises subprocess.CalledProcessError when pip refuses (a hash mismatch, a file missing from the index).
    """
    entries = parse_lock(lock.read_text(encoding="utf-8"))
    if "pip" in entries:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
            fh.write(entries["pip"][1] + "\n")
        try:
            _pip(python, "install", "--quiet", *PIP_FLAGS, "-r", fh.name)
        finally:
            os.unlink(fh.name)
    _pip(python, "install", "--quiet", *PIP_FLAGS, "-r", str(lock))


def root_requirements(lock_text: str, base: Path = ROOT) -> list[str]:
    """The requirements a lock was compiled from, read from the ``uv pip compile`` command in its header: each
    input file (relative to ``base``): a ``pyproject.toml`` gives the project's dependencies and those of every
    ``--extra``; any other file gives its requirement lines. Raises ValueError when the header is missing."""
    header = next((line for line in lock_text.splitlines() if "pip compile" in line), None)
    if header is None:
        raise ValueError("the lock has no 'uv pip compile' header naming its inputs")
    tokens = header.split("pip compile", 1)[1].split()
    inputs, extras, i = [], [], 0
    while i < len(tokens):
        token = tokens[i]
        if token.startswith("-"):
            value_follows = "=" not in token and token in _OPTIONS_WITH_VALUE
            if token.split("=")[0] == "--extra":
                extras.append(tokens[i + 1] if value_follows else token.split("=", 1)[1])
            i += 2 if value_follows else 1
            continue
        inputs.append(base / token)
        i += 1
    roots: list[str] = []
    for path in inputs:
        if path.name == "pyproject.toml":
            project = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
            roots += project.get("dependencies", [])
            for extra in extras:
                roots += project.get("optional-dependencies", {}).get(extra, [])
        else:
            roots += [line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
                      if line.split("#")[0].strip()]
    return roots


def closure_problems(locked: dict[str, str], roots: list[str], requires) -> list[str]:
    """Walk the requirement graph from ``roots``; return one line per requirement the lock does not satisfy.

    locked: {normalised name: version}; requires(name) -> the ``Requires-Dist`` strings of that locked package
    (from its installed metadata). Markers are evaluated for this interpreter and platform, with ``extra`` set
    to each extra that some requirement asks of the package (so ``uvicorn[standard]`` pulls in httptools).
    """
    try:
        from packaging.requirements import Requirement
        from packaging.version import Version
    except ImportError:             # an environment whose lock does not include packaging: pip's own copy
        from pip._vendor.packaging.requirements import Requirement
        from pip._vendor.packaging.version import Version

    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    queue: list[tuple[str, Requirement]] = [("the project", Requirement(r)) for r in roots]
    while queue:
        parent, req = queue.pop()
        name = canonical(req.name)
        if name not in locked:
            problems.append(f"{parent} requires {req}, which is not in the lock")
            continue
        if req.specifier and not req.specifier.contains(Version(locked[name]), prereleases=True):
            problems.append(f"{parent} requires {req}, but the lock pins {name}=={locked[name]}")
        for extra in {"", *req.extras}:
            if (name, extra) in seen:
                continue
            seen.add((name, extra))
            for dep in map(Requirement, requires(name) or []):
                if dep.marker is None or dep.marker.evaluate({"extra": extra}):
                    queue.append((f"{name}=={locked[name]}" + (f"[{extra}]" if extra else ""), dep))
    return sorted(set(problems))


def _installed_requires(name: str) -> list[str]:
    try:
        return importlib.metadata.requires(name) or []
    except importlib.metadata.PackageNotFoundError:     # reported as not installed
        return []


def check(lock: Path) -> list[str]:
    """Problems with the environment against ``lock``: packages not installed at the locked version, the
    closure walk (:func:`closure_problems`) and ``pip check``. Empty when all is well."""
    importlib.invalidate_caches()
    text = lock.read_text(encoding="utf-8")
    locked = {name: version for name, (version, _) in parse_lock(text).items()}
    problems = []
    for name, version in sorted(locked.items()):
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{name}=={version} is locked but not installed")
            continue
        if installed != version:
            problems.append(f"{name} is installed at {installed}, the lock pins {version}")
    problems += closure_problems(locked, root_requirements(text), _installed_requires)
    pip_check = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    if pip_check.returncode:
        problems += [f"pip check: {line}" for line in pip_check.stdout.splitlines() if line.strip()]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lock", nargs="?", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--check", action="store_true", help="check only, install nothing")
    args = parser.parse_args(argv)
    if not args.check:
        install(args.lock)
    problems = check(args.lock)
    for line in problems:
        print(f"{args.lock.name}: {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
