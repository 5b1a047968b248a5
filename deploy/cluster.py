"""The production deployment, started for real on this machine without Docker: PostgreSQL (metadata DB), Redis
(Celery broker), the Airflow api-server, scheduler, dag-processor, triggerer and two Celery workers, all on
127.0.0.1, each Airflow component with its own ``AIRFLOW_HOME`` (no component shares a disk folder with another
except the DAG folder, the sources and the shared storage named by ``ATLAS_WORK_URL`` / ``ATLAS_RELEASES_URL``).

Settings: :func:`compose_settings` reads the literal Airflow settings of ``docker-compose.yml`` (the
``x-airflow-common`` environment: executor, DAGs paused at creation, examples off, ...); :func:`cluster_settings`
uses exactly those and replaces only what differs between a container and a process on this host
(:data:`HOST_SPECIFIC`: hosts, ports, folders, generated secrets) and the faster fault detection of
:data:`FAULT_TIMING`. ``tests/test_deploy.py`` checks that nothing else differs.

Every process started here is stopped here, by PID (its process group): :meth:`Cluster.stop` runs on leaving the
``with`` block, on an error and at interpreter exit (``atexit``). Postgres runs as the ``postgres`` user when this
runs as root (it refuses root). Programs: the Debian packages ``postgresql`` and ``redis-server``
(``make deploy-debian-packages``), and the ``airflow`` of this virtual environment.
"""
from __future__ import annotations

import atexit
import glob
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from cryptography.fernet import Fernet

PROJECT_ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
PORT_RANGE = (47000, 47999)
ADMIN = "admin"
# The compose file's auth manager (tests/test_compose.py checks they agree): Airflow's own SimpleAuthManager, users
# from config, a password file. (Not FAB: the FAB provider cannot enter the lock, every flask-appbuilder 5 needs
# python-dateutil<3 and the lock has 4.0.0.)
SIMPLE_AUTH_MANAGER = "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
# Settings that differ between a container of docker-compose.yml and a process of this cluster, and why.
HOST_SPECIFIC = {
    "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": "in the cluster's folder instead of the airflow-auth volume",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": "Postgres on 127.0.0.1:<port> instead of the `postgres` service",
    "AIRFLOW__CELERY__RESULT_BACKEND": "same",
    "AIRFLOW__CELERY__BROKER_URL": "Redis on 127.0.0.1:<port> instead of the `redis` service",
    "AIRFLOW__CORE__FERNET_KEY": "generated for the run",
    "AIRFLOW__API_AUTH__JWT_SECRET": "generated for the run",
    "AIRFLOW__API__SECRET_KEY": "generated for the run",
    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": "the api-server on 127.0.0.1:<port>",
}
# Faster fault detection than Airflow's defaults (300 s), so that the worker-kill test stays bounded. A task
# whose worker died stops heart-beating; after this long the scheduler fails that try and, with retries > 0,
# queues the next try, which any live worker takes (docker-compose.yml keeps the default).
FAULT_TIMING = {
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "30",
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "3",
    "ATLAS_RETRY_DELAY_SECONDS": "2",
}


def compose_settings(compose_file: Path = COMPOSE_FILE) -> dict[str, str]:
    """The literal ``AIRFLOW__*`` settings of the compose file's common environment (no ``${...}`` in them)."""
    common = yaml.safe_load(compose_file.read_text(encoding="utf-8"))["x-airflow-common"]["environment"]
    return {k: str(v) for k, v in common.items() if k.startswith("AIRFLOW__") and "${" not in str(v)}


def free_port(taken: set[int]) -> int:
    """A port of :data:`PORT_RANGE` nobody listens on (bind test), not in ``taken``."""
    start = random.randint(*PORT_RANGE)
    for offset in range(PORT_RANGE[1] - PORT_RANGE[0]):
        port = PORT_RANGE[0] + (start - PORT_RANGE[0] + offset) % (PORT_RANGE[1] - PORT_RANGE[0])
        if port in taken:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        taken.add(port)
        return port
    raise RuntimeError(f"no free port in {PORT_RANGE}")


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"{name} not found: install the Debian package postgresql (make deploy-debian-packages)")
    return found[-1]


def _wait_port(port: int, timeout: float, what: str, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before listening on {port}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"{what} not listening on 127.0.0.1:{port} after {timeout:g} s")


@dataclass
class Cluster:
    """One deployment in ``base`` (a temporary folder). ``env`` is the common environment of every Airflow
    component; ``procs`` the processes started, by name; ``ports`` by role; ``password`` the admin's."""
    base: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    password: str = field(default_factory=lambda: secrets.token_hex(16))

    # ------------------------------------------------------------------ settings
    def __post_init__(self):
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))      # so that atexit stops the processes
        self.base.chmod(0o755)
        taken: set[int] = set()
        for role in ("postgres", "redis", "api", "scheduler_health", "triggerer_log", "worker1_log", "worker2_log"):
            self.ports[role] = free_port(taken)
        self.redis_password = secrets.token_hex(16)
        self.env = self.cluster_settings()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['api']}"

    def cluster_settings(self) -> dict[str, str]:
        """The Airflow environment: :func:`compose_settings`, then :data:`HOST_SPECIFIC` and :data:`FAULT_TIMING`."""
        db = f"airflow@127.0.0.1:{self.ports['postgres']}/airflow"
        settings = compose_settings()
        settings.update({
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://{db}",
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql+psycopg2://{db}",
            "AIRFLOW__CELERY__BROKER_URL": f"redis://:{self.redis_password}@127.0.0.1:{self.ports['redis']}/0",
            "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
            "AIRFLOW__API__SECRET_KEY": secrets.token_hex(32),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.api_url}/execution/",
        })
        settings.update(FAULT_TIMING)
        settings.update({
            "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(self.base / "passwords.json"),
            "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(self.ports["scheduler_health"]),
            "AIRFLOW__LOGGING__TRIGGERER_LOG_SERVER_PORT": str(self.ports["triggerer_log"]),
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": "deploy.hostname.get",
            "GX_ANALYTICS_ENABLED": "False",
            "PYTHONPATH": str(PROJECT_ROOT),
            "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        })
        settings.update(self.extra_env)
        return settings

    def component_env(self, name: str) -> dict[str, str]:
        """The environment of one Airflow component: the common one with its own AIRFLOW_HOME, its name as host name
        (:mod:`deploy.hostname`) and, for a worker, its own log-server port. (Airflow binds that log server to every
        interface, not only 127.0.0.1; its requests are signed with the JWT secret.)"""
        env = {**self.env, "AIRFLOW_HOME": str(self.base / "homes" / name), "ATLAS_HOSTNAME": name}
        if name.startswith("worker"):
            env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] = str(self.ports[f"{name}_log"])
        Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
        return env

    # ------------------------------------------------------------------ processes
    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None, user: str | None = None):
        log = open(self.base / "logs" / f"{name}.log", "ab")
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, user=user,
                                start_new_session=True, cwd=self.base)
        log.close()
        self.procs[name] = proc
        return proc

    def start_postgres(self) -> None:
        """initdb into ``base/pg`` (role ``airflow``, trust on loopback only), then ``postgres`` on the port."""
        user = "postgres" if os.geteuid() == 0 else None
        data, sock = self.base / "pg", self.base / "pgsock"
        for folder in (data, sock):
            folder.mkdir()
            if user:
                shutil.chown(folder, user)
        subprocess.run([_pg_bin("initdb"), "-D", str(data), "-U", "airflow", "--auth=trust", "-E", "UTF8"],
                       check=True, user=user, capture_output=True, cwd="/")
        proc = self._spawn("postgres", [_pg_bin("postgres"), "-D", str(data), "-k", str(sock), "-p",
                                        str(self.ports["postgres"]), "-h", "127.0.0.1"], user=user)
        _wait_port(self.ports["postgres"], 60, "postgres", proc)
        for _ in range(50):
            done = subprocess.run([_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.ports["postgres"]),
                                   "-U", "airflow", "airflow"], capture_output=True, text=True)
            if done.returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError(f"createdb failed: {done.stderr}")

    def start_redis(self) -> None:
        """redis-server on the port, no persistence, the password in a config file (as in docker-compose.yml)."""
        conf = self.base / "redis.conf"
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(f'requirepass "{self.redis_password}"\nport {self.ports["redis"]}\nbind 127.0.0.1\n'
                     f'save ""\nappendonly no\ndir {self.base}\n')
        proc = self._spawn("redis", ["redis-server", str(conf)])
        _wait_port(self.ports["redis"], 30, "redis", proc)

    def airflow(self, name: str, *args: str) -> subprocess.Popen:
        """Start ``airflow <args>`` as component ``name`` (its own AIRFLOW_HOME and process group)."""
        return self._spawn(name, [str(Path(sys.executable).with_name("airflow")), *args], self.component_env(name))

    def migrate(self) -> None:
        """``airflow db migrate`` and the admin's password file (SimpleAuthManager reads it)."""
        fd = os.open(self.base / "passwords.json", os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump({ADMIN: self.password}, fh)
        proc = self.airflow("migrate", "db", "migrate")
        if proc.wait(timeout=600):
            raise RuntimeError(f"airflow db migrate failed: see {self.base / 'logs' / 'migrate.log'}")

    def start_worker(self, name: str) -> subprocess.Popen:
        return self.airflow(name, "celery", "worker", "--celery-hostname", f"{name}@%h", "--concurrency", "2")

    def start_scheduler(self) -> subprocess.Popen:
        return self.airflow("scheduler", "scheduler")

    def start(self) -> "Cluster":
        """Postgres, Redis, migrate, then every Airflow component; returns when the API answers."""
        (self.base / "logs").mkdir(exist_ok=True)
        atexit.register(self.stop)
        self.start_postgres()
        self.start_redis()
        self.migrate()
        api = self.airflow("api-server", "api-server", "--host", "127.0.0.1", "--port", str(self.ports["api"]))
        self.start_scheduler()
        self.airflow("dag-processor", "dag-processor")
        self.airflow("triggerer", "triggerer")
        for name in ("worker1", "worker2"):
            self.start_worker(name)
        _wait_port(self.ports["api"], 180, "api-server", api)
        return self

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to component ``name``'s whole process group (a worker and its task processes)."""
        proc = self.procs[name]
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass

    def stop_one(self, name: str, timeout: float = 20) -> None:
        """SIGTERM the component's process group, SIGKILL after ``timeout`` s; waits for it (by PID)."""
        proc = self.procs[name]
        self.kill(name, signal.SIGINT if name == "postgres" else signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill(name, signal.SIGKILL)
            proc.wait(timeout=10)
        self.kill(name, signal.SIGKILL)      # what the group leader left behind (task processes)

    def stop(self) -> None:
        """Stop every process started: the Airflow components together (SIGTERM, then SIGKILL after 20 s), then
        Redis and Postgres. Safe to call twice."""
        airflow = [n for n in self.procs if n not in ("redis", "postgres")]
        for name in airflow:
            self.kill(name, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for name in airflow:
            try:
                self.procs[name].wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            self.kill(name, signal.SIGKILL)          # the leader if still there, and what it left (task processes)
            self.procs[name].wait(timeout=10)
        for name in ("redis", "postgres"):
            if name in self.procs:
                self.stop_one(name)
        self.procs.clear()

    def __enter__(self) -> "Cluster":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()


def new_cluster(extra_env: dict[str, str] | None = None) -> Cluster:
    """A cluster in a fresh temporary folder (kept after the run for its logs: ``<base>/logs``)."""
    return Cluster(Path(tempfile.mkdtemp(prefix="atlas-deploy-")), extra_env=dict(extra_env or {}))
