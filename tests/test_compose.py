"""Checks of the production deployment: docker-compose.yml, docker/Dockerfile, .env.example.

There is no Docker engine in CI, so these tests validate the configuration only:
``docker-compose config -q`` must accept the file, and the parsed file must describe
the Airflow 3 CeleryExecutor deployment of the genai_policy_atlas DAG, built from
requirements.lock, with every secret coming from variables.

The compose CLI is required: when it is missing the tests FAIL (they never skip),
telling you to ``apt-get install docker-compose``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "docker" / "Dockerfile"
ENV_EXAMPLE = REPO / ".env.example"
LOCK_FILE = REPO / "requirements.lock"

BASE_IMAGE = "python:3.11-slim-bookworm"      # plain Python: the image holds exactly the lock
AIRFLOW_SERVICES = {
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
}
REQUIRED_SERVICES = {"postgres", "redis"} | AIRFLOW_SERVICES
# Long-running Airflow services and the airflow CLI command each one runs.
SERVICE_COMMANDS = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
    "airflow-worker": "celery worker",
}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|FERNET|TOKEN|_KEY$|PASSWD|CREDENTIAL", re.IGNORECASE)
REQUIRED_VAR_REF = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*):\?[^}]*\}")
ANY_VAR_REF = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)")
URL_CREDENTIALS = re.compile(r"[a-z0-9+.-]+://(?P<user>[^:/@\s]*):(?P<password>[^@\s]+)@", re.IGNORECASE)

INSTALL_HINT = (
    "The docker-compose CLI is required to validate docker-compose.yml but was not found "
    "on PATH (neither `docker-compose` nor `docker compose`). Install it with: "
    "`apt-get install -y docker-compose` (Debian package `docker-compose`)."
)


# --------------------------------------------------------------------------- helpers


def _compose_command() -> list[str]:
    """The compose CLI: the v1 `docker-compose` binary, else the `docker compose` v2 plugin."""
    v1 = shutil.which("docker-compose")
    if v1:
        return [v1]
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run(
            [docker, "compose", "version"], capture_output=True, text=True, timeout=60
        )
        if probe.returncode == 0:
            return [docker, "compose"]
    pytest.fail(INSTALL_HINT, pytrace=False)


@pytest.fixture(scope="module")
def compose_text() -> str:
    assert COMPOSE_FILE.is_file(), f"missing {COMPOSE_FILE}"
    return COMPOSE_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compose(compose_text: str) -> dict:
    data = yaml.safe_load(compose_text)  # safe_load resolves the `<<: *anchor` merge keys
    assert isinstance(data, dict) and isinstance(data.get("services"), dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile_text() -> str:
    assert DOCKERFILE.is_file(), f"missing {DOCKERFILE}"
    return DOCKERFILE.read_text(encoding="utf-8")


def _env_file_vars(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def _clean_env(compose_text: str) -> dict[str, str]:
    """The current environment without the variables the compose file interpolates.

    Shell variables take precedence over --env-file, so a developer's exported
    POSTGRES_PASSWORD (say) must not mask a variable missing from .env.example.
    """
    referenced = {m.group("name") for m in ANY_VAR_REF.finditer(compose_text)}
    return {
        k: v
        for k, v in os.environ.items()
        if k not in referenced and not k.startswith("COMPOSE_")
    }


def _run_config(compose_cmd: list[str], compose_text: str, env_file: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            *compose_cmd,
            "--project-directory", str(REPO),
            "-f", str(COMPOSE_FILE),
            "--env-file", str(env_file),
            "config", "-q",
        ],
        cwd=REPO,
        env=_clean_env(compose_text),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def _mounts(service: dict) -> list[tuple[str, str, str]]:
    """(source, target, mode) for every volume of a service, short or long syntax."""
    mounts = []
    for vol in service.get("volumes") or []:
        if isinstance(vol, str):
            parts = vol.split(":")
            source, target = parts[0], parts[1] if len(parts) > 1 else parts[0]
            mode = parts[2] if len(parts) > 2 else "rw"
        else:
            source, target = str(vol.get("source", "")), str(vol.get("target", ""))
            mode = "ro" if vol.get("read_only") else "rw"
        mounts.append((source.rstrip("/"), target.rstrip("/"), mode))
    return mounts


def _command_text(service: dict) -> str:
    cmd = service.get("command") or ""
    return " ".join(cmd) if isinstance(cmd, list) else str(cmd)


def _all_strings(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _all_strings(key)
            yield from _all_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _all_strings(value)
    elif isinstance(node, str):
        yield node


# ------------------------------------------------------------------ compose CLI


def test_compose_config_is_valid(compose_text):
    compose_cmd = _compose_command()
    result = _run_config(compose_cmd, compose_text, ENV_EXAMPLE)
    assert result.returncode == 0, (
        f"`{' '.join(compose_cmd)} --env-file .env.example config -q` failed "
        f"(exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
    )


def test_compose_config_refuses_missing_secrets(compose_text, tmp_path):
    compose_cmd = _compose_command()
    empty_env = tmp_path / "empty.env"
    empty_env.write_text("# no variables\n", encoding="utf-8")
    result = _run_config(compose_cmd, compose_text, empty_env)
    assert result.returncode != 0, "compose config must fail when the required secrets are unset"
    assert ".env" in result.stderr + result.stdout


# ------------------------------------------------------------ compose structure


def test_all_services_exist(services):
    missing = REQUIRED_SERVICES - set(services)
    assert not missing, f"services missing from docker-compose.yml: {sorted(missing)}"


def test_executor_is_celery_everywhere(services):
    for name in AIRFLOW_SERVICES:
        env = _environment(services[name])
        assert env.get("AIRFLOW__CORE__EXECUTOR") == "CeleryExecutor", name
        assert "redis" in env.get("AIRFLOW__CELERY__BROKER_URL", ""), name
        assert "postgres" in env.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", ""), name


def test_service_commands(services):
    for name, command in SERVICE_COMMANDS.items():
        assert _command_text(services[name]).strip() == command, name
    assert "airflow db migrate" in _command_text(services["airflow-init"])


def test_airflow_services_use_the_project_image(services):
    for name in AIRFLOW_SERVICES:
        build = services[name].get("build")
        assert isinstance(build, dict), f"{name} must be built from docker/Dockerfile"
        assert build.get("dockerfile") == "docker/Dockerfile", name
        assert Path(REPO / build.get("context", ".")).resolve() == REPO, name


def test_dags_folder_is_mounted(services):
    for name in AIRFLOW_SERVICES:
        assert any(
            src == "./dags" and dst == "/opt/airflow/dags" for src, dst, _ in _mounts(services[name])
        ), f"{name} must mount ./dags at /opt/airflow/dags"


def test_sources_are_mounted_read_only(services):
    for name in AIRFLOW_SERVICES:
        env = _environment(services[name])
        sources_dir = env.get("ATLAS_SOURCES_DIR")
        assert sources_dir, f"{name} must set ATLAS_SOURCES_DIR"
        assert ("./sources", sources_dir, "ro") in _mounts(services[name]), name


def test_releases_volume_is_mounted(compose, services):
    assert "releases" in (compose.get("volumes") or {}), "named volume `releases` must be declared"
    for name in AIRFLOW_SERVICES:
        env = _environment(services[name])
        releases_dir = env.get("ATLAS_RELEASES_DIR")
        assert releases_dir, f"{name} must set ATLAS_RELEASES_DIR"
        assert env.get("ATLAS_WORK_DIR"), f"{name} must set ATLAS_WORK_DIR"
        assert any(
            src == "releases" and dst == releases_dir and mode != "ro"
            for src, dst, mode in _mounts(services[name])
        ), f"{name} must mount the `releases` volume at ATLAS_RELEASES_DIR ({releases_dir})"


def test_healthchecks_and_startup_order(services):
    for name in {"postgres", "redis"} | set(SERVICE_COMMANDS):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} needs a healthcheck"
    for name in AIRFLOW_SERVICES:
        deps = services[name].get("depends_on")
        assert isinstance(deps, dict), name
        assert deps["postgres"]["condition"] == "service_healthy", name
        assert deps["redis"]["condition"] == "service_healthy", name
    for name in SERVICE_COMMANDS:
        deps = services[name]["depends_on"]
        assert deps["airflow-init"]["condition"] == "service_completed_successfully", name


# -------------------------------------------------------------------- Dockerfile


def test_dockerfile_installs_the_lock(dockerfile_text):
    from_lines = re.findall(r"^FROM\s+(\S+)", dockerfile_text, re.MULTILINE)
    assert from_lines == [BASE_IMAGE]
    assert re.search(r"^COPY\s.*\brequirements\.lock\b", dockerfile_text, re.MULTILINE)
    assert re.search(
        r"^RUN python \S*tools/install_lock\.py \S*requirements\.lock$", dockerfile_text, re.MULTILINE
    ), "the image must install requirements.lock with tools/install_lock.py, as the Makefile does"
    assert re.search(r"pip install --no-deps --no-build-isolation \.(\s|$)", dockerfile_text), \
        "the image must install the project with --no-deps, from the locked setuptools"
    lock_install = dockerfile_text.index("requirements.lock")
    project_install = dockerfile_text.index("--no-deps")
    assert lock_install < project_install, "install the lock before the project"


def test_every_airflow_service_runs_the_image_that_installs_exactly_the_lock(services, dockerfile_text):
    """One image for every Airflow service, built from docker/Dockerfile, which installs requirements.lock with the
    command of the fresh-clone install (Makefile) and nothing else that resolves dependencies."""
    assert {services[name].get("image") for name in AIRFLOW_SERVICES} == {"genai-policy-atlas-airflow:3.3.2"}
    assert {services[name]["build"]["dockerfile"] for name in AIRFLOW_SERVICES} == {"docker/Dockerfile"}
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^\t\$\(BIN\)/python tools/install_lock\.py requirements\.lock$", makefile, re.MULTILINE)
    assert re.search(r"^COPY\s.*\btools\b", dockerfile_text, re.MULTILINE), "the image needs tools/install_lock.py"
    installs = re.findall(r"pip install[^\n]*", dockerfile_text)
    assert installs and all("--no-deps" in line for line in installs), installs


def test_the_lock_holds_what_the_compose_settings_need(services):
    """CeleryExecutor with a Redis broker and Postgres (psycopg2, asyncpg for Airflow's async engine, the Celery
    result backend named with its driver): the lock's deploy extra."""
    locked = {re.match(r"[A-Za-z0-9._-]+", line).group(0).lower() for line in
              LOCK_FILE.read_text(encoding="utf-8").splitlines() if re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*==", line)}
    assert {"apache-airflow-providers-celery", "celery", "redis", "kombu", "psycopg2-binary", "asyncpg"} <= locked
    env = _environment(services["airflow-scheduler"])
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql+psycopg2://")


def test_image_tag_matches_locked_airflow_and_python(services, dockerfile_text):
    """Airflow comes from the lock only (the base image is plain Python 3.11, the lock's Python); the image tag
    names the locked Airflow version, and every service runs an ``airflow`` subcommand through the entrypoint."""
    match = re.search(r"^apache-airflow==(\S+)", LOCK_FILE.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, "requirements.lock must pin apache-airflow"
    assert {services[name]["image"] for name in AIRFLOW_SERVICES} == {f"genai-policy-atlas-airflow:{match.group(1)}"}
    assert BASE_IMAGE.startswith("python:3.11-")
    assert re.search(r'^ENTRYPOINT \["airflow"\]$', dockerfile_text, re.MULTILINE)
    assert "/entrypoint" not in COMPOSE_FILE.read_text(encoding="utf-8"), "the official image's entrypoint is gone"
    for name in SERVICE_COMMANDS:
        test = " ".join(_as_list(services[name]["healthcheck"]["test"]))
        assert "curl" not in test, f"{name}: the image has no curl"


def test_auth_manager_is_the_one_the_lock_holds_and_the_deployment_harness_uses(services):
    from deploy.cluster import SIMPLE_AUTH_MANAGER

    env = _environment(services["airflow-apiserver"])
    assert env["AIRFLOW__CORE__AUTH_MANAGER"] == SIMPLE_AUTH_MANAGER
    assert env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] == "${AIRFLOW_ADMIN_USERNAME:-admin}:admin"
    passwords = env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]
    assert passwords.startswith("/opt/airflow/auth/")
    for name in AIRFLOW_SERVICES:
        assert ("airflow-auth", "/opt/airflow/auth") in {m[:2] for m in _mounts(services[name])}, name


def test_dockerignore_keeps_local_state_and_secrets_out():
    lines = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for entry in (".venv", "releases", ".airflow", ".atlas", ".git", ".env"):
        assert entry in lines, f".dockerignore must exclude {entry}"
    assert "__pycache__" in lines or "**/__pycache__" in lines


# ----------------------------------------------------------------------- secrets


def test_secret_settings_come_from_required_variables(services):
    for name, service in services.items():
        for key, value in _environment(service).items():
            if key.endswith("_FILE") and value.startswith("/opt/airflow/auth/"):
                continue            # where a secret is kept (a volume of the deployment's own), not the secret
            if SECRET_NAME.search(key):
                assert REQUIRED_VAR_REF.fullmatch(value), (
                    f"{name}: {key} must be a required variable `${{VAR:?...}}`, not a literal"
                )


def test_no_credentials_in_urls(compose):
    for text in _all_strings(compose):
        for match in URL_CREDENTIALS.finditer(text):
            assert REQUIRED_VAR_REF.fullmatch(match.group("password")), (
                f"literal password in URL: {text!r}"
            )


def test_no_secret_literals(compose_text, compose):
    example = _env_file_vars(ENV_EXAMPLE)
    for key, value in example.items():
        if SECRET_NAME.search(key):
            assert value and value not in compose_text, f"{key}'s placeholder appears in docker-compose.yml"
    fernet_key = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}=")
    hex_token = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{32,}(?![0-9A-Za-z])")
    for text in _all_strings(compose):
        assert not fernet_key.search(text), f"value looks like a Fernet key: {text!r}"
        assert not hex_token.search(text), f"value looks like a secret token: {text!r}"


def test_env_example_documents_every_required_variable(compose_text):
    required = {m.group("name") for m in REQUIRED_VAR_REF.finditer(compose_text)}
    assert required, "secrets must be required variables `${VAR:?message}`"
    documented = _env_file_vars(ENV_EXAMPLE)
    missing = required - set(documented)
    assert not missing, f".env.example lacks {sorted(missing)}"


def test_env_file_is_git_ignored():
    gitignore = REPO / ".gitignore"
    assert gitignore.is_file(), ".gitignore is missing"
    patterns = {line.strip() for line in gitignore.read_text(encoding="utf-8").splitlines()}
    assert patterns & {".env", "/.env"}, ".env must be listed in .gitignore"
    assert not (
        (REPO / ".git").exists()
        and shutil.which("git")
        and subprocess.run(
            ["git", "ls-files", "--error-unmatch", ".env"],
            cwd=REPO, capture_output=True, text=True,
        ).returncode == 0
    ), ".env is tracked by git: remove it with `git rm --cached .env`"


# ------------------------------------------------------- placeholders are refused

CHECK_SCRIPT = REPO / "docker" / "check_secrets.sh"
CREATE_ADMIN = REPO / "docker" / "create_admin.py"


def _secret_variables(compose_text: str) -> set[str]:
    return {m.group("name") for m in REQUIRED_VAR_REF.finditer(compose_text) if SECRET_NAME.search(m.group("name"))}


def _run_check(names: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", str(CHECK_SCRIPT), *names], env={"PATH": os.environ.get("PATH", ""), **env},
                          capture_output=True, text=True, timeout=60)


def test_preflight_refuses_placeholders_before_anything_starts(compose_text, services):
    secrets = _secret_variables(compose_text)
    assert secrets >= {"POSTGRES_PASSWORD", "REDIS_PASSWORD", "AIRFLOW_ADMIN_PASSWORD"}
    preflight = services["preflight"]
    assert preflight["entrypoint"] == ["sh", "/atlas/check_secrets.sh"]
    assert ("./docker/check_secrets.sh", "/atlas/check_secrets.sh", "ro") in _mounts(preflight)
    assert set(preflight["command"]) == secrets, "preflight must check every secret the compose file requires"
    assert set(_environment(preflight)) == secrets
    for name in ("postgres", "redis"):
        assert services[name]["depends_on"]["preflight"]["condition"] == "service_completed_successfully", name
    init_script = _command_text(services["airflow-init"])
    checked = re.search(r"sh /opt/atlas/check_secrets\.sh ([A-Z_\s\\]+)", init_script)
    assert checked, "airflow-init must run the secrets check first"
    init_names = set(checked.group(1).replace("\\", " ").split())
    assert init_names == {k for k in _environment(services["airflow-init"]) if k in secrets}
    assert init_script.index("check_secrets.sh") < init_script.index("db migrate")


def test_check_script_rejects_the_env_example_placeholders(compose_text):
    secrets = sorted(_secret_variables(compose_text))
    result = _run_check(secrets, _env_file_vars(ENV_EXAMPLE))
    assert result.returncode == 1
    for name in secrets:
        assert f"secret {name} still holds the .env.example placeholder" in result.stderr, name
    assert "replace-with-" not in result.stdout + result.stderr.replace("`replace-with-`", "")


def test_check_script_rejects_empty_and_missing_secrets():
    result = _run_check(["EMPTY_SECRET", "UNSET_SECRET", "GOOD_SECRET"], {"EMPTY_SECRET": "", "GOOD_SECRET": "a1"})
    assert result.returncode == 1
    assert "secret EMPTY_SECRET is empty or unset" in result.stderr
    assert "secret UNSET_SECRET is empty or unset" in result.stderr
    assert "GOOD_SECRET" not in result.stderr
    assert _run_check(["NOT;A NAME"], {}).returncode == 2


def test_check_script_accepts_real_secrets(compose_text):
    secrets = sorted(_secret_variables(compose_text))
    good = {name: f"{i:02d}" + "9f3c" * 12 for i, name in enumerate(secrets)}
    result = _run_check(secrets, good)
    assert result.returncode == 0, result.stderr
    assert "Secrets check passed" in result.stdout
    output = result.stdout + result.stderr
    assert not any(value in output for value in good.values()), "the check must not print secrets"


def test_image_ships_the_helper_scripts(dockerfile_text):
    assert re.search(r"^COPY\s.*docker/check_secrets\.sh docker/create_admin\.py /opt/atlas/$", dockerfile_text,
                     re.MULTILINE)


# ------------------------------------------------------- no secret on a command line

SHELLS = {"sh", "bash", "/bin/sh", "/bin/bash"}
# Words that run inside the shell itself (never exec'd), so their arguments reach no process's command line.
SHELL_BUILTINS = {"printf", "echo", "export", "test", "[", ":"}
EXPANSION = re.compile(r"\$\{?(?P<name>[A-Za-z_][A-Za-z0-9_]*)")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _secret_args(words: list[str]) -> list[str]:
    """The words of one simple command (env assignments stripped) that expand a secret variable."""
    while words and ASSIGNMENT.match(words[0]):
        words = words[1:]
    if words and words[0] == "exec":
        words = words[1:]
    if not words or words[0] in SHELL_BUILTINS:
        return []
    return [w for w in words if any(SECRET_NAME.search(m.group("name")) for m in EXPANSION.finditer(w))]


def _shell_script_secret_args(script: str) -> list[str]:
    import shlex

    found = []
    script = script.replace("\\\n", " ")
    for line in script.splitlines():
        for command in re.split(r"\|\||&&|[|;]|\b(?:then|else|do)\b|^\s*(?:if|while)\b", line):
            try:
                words = shlex.split(command, comments=True)
            except ValueError:
                words = command.split()
            found += _secret_args(words)
    return found


def _argv_secret_args(argv: list[str]) -> list[str]:
    """Secret expansions on the command line that ``argv`` (compose command/entrypoint, or a healthcheck) runs."""
    argv = [a.replace("$$", "$") for a in argv]
    if argv[:1] in (["CMD-SHELL"],):
        return _shell_script_secret_args(" ".join(argv[1:]))
    if argv[:1] == ["CMD"]:
        argv = argv[1:]
    if argv and argv[0] in SHELLS and "-c" in argv:
        script_at = argv.index("-c") + 1
        return _secret_args(argv[:script_at]) + _shell_script_secret_args(" ".join(argv[script_at:script_at + 1]))
    return _secret_args(argv)


def _service_argvs(service: dict) -> list[list[str]]:
    entrypoint, command = _as_list(service.get("entrypoint")), _as_list(service.get("command"))
    if isinstance(service.get("command"), str) and not entrypoint:
        argvs = [["sh", "-c", command[0]]]      # conservative: read a string command as a shell line
    else:
        argvs = [entrypoint + command]
    health = (service.get("healthcheck") or {}).get("test")
    if health:
        argvs.append(_as_list(health))
    return argvs


def test_no_secret_on_a_command_line(services):
    for name, service in services.items():
        for argv in _service_argvs(service):
            assert not _argv_secret_args(argv), (
                f"{name} passes a secret as a command-line argument ({_argv_secret_args(argv)}): "
                "pass it through the environment or a file instead"
            )


def test_the_command_line_check_finds_secrets():
    script = ('set -eu\nairflow users create \\\n  --username "${ADMIN_USER}" \\\n'
              '  --password "$${AIRFLOW_ADMIN_PASSWORD}"\n')
    assert _argv_secret_args(["/bin/bash", "-c", script]) == ["${AIRFLOW_ADMIN_PASSWORD}"]
    assert _argv_secret_args(["sh", "-c", 'exec redis-server --requirepass "$${REDIS_PASSWORD}"'])
    assert _argv_secret_args(["redis-server", "--requirepass", "${REDIS_PASSWORD}"])
    assert _argv_secret_args(["CMD-SHELL", 'x && redis-cli -a "$${REDIS_PASSWORD}" ping'])
    assert not _argv_secret_args(["CMD-SHELL", 'REDISCLI_AUTH="$${REDIS_PASSWORD}" redis-cli ping | grep -q PONG'])
    assert not _argv_secret_args(["sh", "-c", "printf '%s' \"$${REDIS_PASSWORD}\" > /tmp/f\nexec redis-server /tmp/f"])


def test_admin_account_is_created_without_a_password_argument(services):
    init_script = _command_text(services["airflow-init"])
    assert "python /opt/atlas/create_admin.py" in init_script
    assert "--password" not in init_script
    assert _environment(services["airflow-init"])["AIRFLOW_ADMIN_PASSWORD"].startswith("${AIRFLOW_ADMIN_PASSWORD:?")


def _load_create_admin():
    import importlib.util

    spec = importlib.util.spec_from_file_location("create_admin", CREATE_ADMIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_create_admin_writes_the_passwords_file_once_and_prints_no_password(tmp_path, capsys, monkeypatch):
    create_admin = _load_create_admin()
    target = tmp_path / "auth" / "passwords.json"
    env = {"AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(target),
           "AIRFLOW_ADMIN_USERNAME": "atlas-admin", "AIRFLOW_ADMIN_PASSWORD": "s3cret-from-env"}
    assert create_admin.write_passwords_file(env) == ("atlas-admin", True)
    assert json.loads(target.read_text(encoding="utf-8")) == {"atlas-admin": "s3cret-from-env"}
    assert target.stat().st_mode & 0o777 == 0o600
    # a second run (airflow-init runs on every `up`) keeps the account's password as it is
    assert create_admin.write_passwords_file({**env, "AIRFLOW_ADMIN_PASSWORD": "changed"}) == ("atlas-admin", False)
    assert json.loads(target.read_text(encoding="utf-8")) == {"atlas-admin": "s3cret-from-env"}
    with pytest.raises(SystemExit, match="AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE is not set"):
        create_admin.write_passwords_file({"AIRFLOW_ADMIN_PASSWORD": "x"})
    for key, value in {**env, "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(tmp_path / "p2.json")}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AIRFLOW_ADMIN_PASSWORD_FILE", raising=False)
    create_admin.main()
    out = capsys.readouterr()
    assert "Admin user atlas-admin: password set" in out.out
    assert "s3cret-from-env" not in out.out + out.err


def test_create_admin_password_sources(tmp_path):
    create_admin = _load_create_admin()
    secret_file = tmp_path / "admin_password"
    secret_file.write_text("from-a-file\n", encoding="utf-8")
    assert create_admin.admin_password({"AIRFLOW_ADMIN_PASSWORD_FILE": str(secret_file),
                                        "AIRFLOW_ADMIN_PASSWORD": "ignored"}) == "from-a-file"
    assert create_admin.admin_password({"AIRFLOW_ADMIN_PASSWORD": "from-env"}) == "from-env"
    for env in ({}, {"AIRFLOW_ADMIN_PASSWORD": ""}, {"AIRFLOW_ADMIN_PASSWORD": "replace-with-a-strong-admin-password"}):
        with pytest.raises(SystemExit, match="AIRFLOW_ADMIN_PASSWORD is empty or still the .env.example placeholder"):
            create_admin.admin_password(env)


# ------------------------------------------------------------- API bound to loopback


def _config_output(compose_text: str, env_file: Path) -> dict:
    result = subprocess.run(
        [*_compose_command(), "--project-directory", str(REPO), "-f", str(COMPOSE_FILE),
         "--env-file", str(env_file), "config"],
        cwd=REPO, env=_clean_env(compose_text), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def _published(config: dict) -> list[str]:
    ports = config["services"]["airflow-apiserver"]["ports"]
    return [p if isinstance(p, str) else f"{p.get('host_ip', '')}:{p['published']}:{p['target']}" for p in ports]


def test_api_port_is_bound_to_loopback_by_default(compose_text, services, tmp_path):
    assert services["airflow-apiserver"]["ports"] == ["${AIRFLOW_API_BIND:-127.0.0.1}:${AIRFLOW_API_PORT:-8080}:8080"]
    example = ENV_EXAMPLE.read_text(encoding="utf-8")
    default_env = tmp_path / "default.env"
    default_env.write_text(re.sub(r"^AIRFLOW_API_BIND=.*$", "", example, flags=re.MULTILINE), encoding="utf-8")
    default = _published(_config_output(compose_text, default_env))
    assert [p.startswith("127.0.0.1:8080:8080") for p in default] == [True]
    assert [p.startswith("127.0.0.1:") for p in _published(_config_output(compose_text, ENV_EXAMPLE))] == [True]
    exposed_env = tmp_path / "exposed.env"
    exposed_env.write_text(example + "\nAIRFLOW_API_BIND=0.0.0.0\nAIRFLOW_API_PORT=9090\n", encoding="utf-8")
    assert [p.startswith("0.0.0.0:9090:8080") for p in _published(_config_output(compose_text, exposed_env))] == [True]
