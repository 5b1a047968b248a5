"""Give the Airflow admin account its password (SimpleAuthManager) without the password on any command line.

Run by the ``airflow-init`` service as ``python /opt/atlas/create_admin.py``. Airflow's SimpleAuthManager takes
its users from ``AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS`` (``<username>:<role>``, set in docker-compose.yml)
and their passwords from the JSON file ``AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE``
(``{"<username>": "<password>"}``). This script writes that file for AIRFLOW_ADMIN_USERNAME (default ``admin``)
with the password from AIRFLOW_ADMIN_PASSWORD_FILE (a file, e.g. a Docker secret) or else AIRFLOW_ADMIN_PASSWORD
(the environment), readable by its owner only (0600). A file that already names the account is left as it is.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

PASSWORDS_FILE_VAR = "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"


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


def write_passwords_file(environ=os.environ) -> tuple[str, bool]:
    """Write the SimpleAuthManager passwords file for the admin account; returns (username, written).

    ``written`` is False when the file already holds the account (nothing changed). Raises SystemExit when
    $AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE is unset or the password is unusable."""
    target = environ.get(PASSWORDS_FILE_VAR)
    if not target:
        raise SystemExit(f"ERROR: {PASSWORDS_FILE_VAR} is not set (docker-compose.yml sets it)")
    username = environ.get("AIRFLOW_ADMIN_USERNAME") or "admin"
    path = Path(target)
    existing = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    if username in existing:
        return username, False
    password = admin_password(environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({**existing, username: password}, out)
    os.replace(tmp, path)
    return username, True


def main() -> None:
    """Write the passwords file (:func:`write_passwords_file`) and say what was done, never the password."""
    username, written = write_passwords_file()
    print(f"Admin user {username}: password {'set' if written else 'already set, left as it is'}", file=sys.stdout)


if __name__ == "__main__":
    main()
