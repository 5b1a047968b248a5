"""Create the Airflow admin account (FAB auth manager) without its password on any command line.

Run by the ``airflow-init`` service as ``python /opt/atlas/create_admin.py``. The account comes from
AIRFLOW_ADMIN_USERNAME, AIRFLOW_ADMIN_EMAIL and the password from AIRFLOW_ADMIN_PASSWORD_FILE (a file, e.g. a
Docker secret) or else AIRFLOW_ADMIN_PASSWORD (the environment). It runs the standard ``airflow users create``
command inside this process (the ``airflow`` console script's ``main`` with an in-memory argument list), so the
password never appears in a process's command line (``ps``, ``/proc/<pid>/cmdline``). An existing account is left
as it is (``airflow users create`` says so and changes nothing).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


def admin_password(environ=os.environ) -> str:
    """The admin password: the first line of $AIRFLOW_ADMIN_PASSWORD_FILE, else $AIRFLOW_ADMIN_PASSWORD.

    Raises SystemExit naming the variable when it is empty or still the ``replace-with-`` placeholder."""
    path = environ.get("AIRFLOW_ADMIN_PASSWORD_FILE")
    if path:
        name, lines = "AIRFLOW_ADMIN_PASSWORD_FILE", Path(path).read_text(encoding="utf-8").splitlines()
        password = lines[0] if lines else ""
    else:
        name, password = "AIRFLOW_ADMIN_PASSWORD", environ.get("AIRFLOW_ADMIN_PASSWORD", "")
    if not password or password.startswith("replace-with-"):
        raise SystemExit(f"ERROR: {name} is empty or still the .env.example placeholder: set it in .env")
    return password


def create_admin_argv(environ=os.environ) -> list[str]:
    """The ``airflow users create`` arguments for the admin account (password included: keep it in memory)."""
    return ["airflow", "users", "create", "--role", "Admin",
            "--username", environ.get("AIRFLOW_ADMIN_USERNAME") or "admin",
            "--email", environ.get("AIRFLOW_ADMIN_EMAIL") or "admin@example.org",
            "--firstname", "Atlas", "--lastname", "Admin",
            "--password", admin_password(environ)]


def main() -> None:
    """Run ``airflow users create`` in this process with the arguments of :func:`create_admin_argv`."""
    sys.argv = create_admin_argv()
    from airflow.__main__ import main as airflow_main

    airflow_main()


if __name__ == "__main__":
    main()
