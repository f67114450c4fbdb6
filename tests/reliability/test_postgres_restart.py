"""R2: PostgreSQL restarted under load — 503 with Retry-After while it is down, never a 500, and the app
recovers by itself when it is back.

Only in the PostgreSQL suite (TONGBAN_DATABASE_URL=postgres://…; skipped on SQLite). The machine's
shared PostgreSQL is left alone: the test starts a private cluster of its own (initdb into a temporary
folder, pg_ctl on a free port — as the `postgres` user when run as root) and stops and starts that
one while the real server (`tongban serve`, gunicorn, 2 workers) answers clients that keep asking for
a service page, a public API read and an authenticated API read.

    TONGBAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test TONGBAN_DATA_DIR=$(mktemp -d) \\
        .venv/bin/pytest -p no:cacheprovider tests/reliability/test_postgres_restart.py
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.reliability.servers import ROOT, TONGBAN, free_port

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.skipif(
        not os.environ.get("TONGBAN_DATABASE_URL", "").startswith("postgres"),
        reason="R2 runs in the PostgreSQL suite (TONGBAN_DATABASE_URL=postgres://…)",
    ),
]

CLIENTS = 4
#: answers each kind of request must have given in each phase before the next one starts
ENOUGH = 5
#: bounds: how long a phase may take at most before the test gives up (never asserted as a timing)
PHASE_LIMIT = 90.0

SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
import importlib
class Quiet:
    def write(self, *a, **k): pass
for name in ("orgs", "people", "catalog"):
    importlib.import_module("tongban.demo." + name).load(stdout=Quiet())
from tongban.accounts.models import User
from tongban.accounts.services import issue_api_token
print(issue_api_token(user=User.objects.get(username="zhangsan"), name="r2"))
"""

PAGE = "/services/THGA-001/"
PUBLIC_API = "/api/v1/catalog/items/THGA-001"
PRIVATE_API = "/api/v1/cases/mine"
TARGETS = (PAGE, PUBLIC_API, PRIVATE_API)


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PrivateCluster:
    """A PostgreSQL cluster of the test's own in a temporary folder, started and stopped with pg_ctl."""

    def __init__(self, bindir: Path, folder: Path, port: int) -> None:
        self.bindir, self.folder, self.port = bindir, folder, port
        self.data = folder / "data"
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.folder)

    def create(self) -> None:
        if self.as_root:
            shutil.chown(self.folder, user="postgres", group="postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    bindir = _postgres_bin()
    if bindir is None or not (bindir / "pg_ctl").exists():
        pytest.skip("R2 needs PostgreSQL's server binaries (/usr/lib/postgresql/*/bin/initdb, pg_ctl)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("R2 as root needs runuser to start PostgreSQL as the postgres user")
    folder = Path(tempfile.mkdtemp(prefix="tongban-r2-"))
    cluster = PrivateCluster(bindir, folder, free_port())
    try:
        cluster.create()
        import psycopg

        with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
            admin.execute("CREATE DATABASE tongban_r2")
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped: it failed while down
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def server_env(cluster, tmp_path) -> dict[str, str]:
    env = {**os.environ, "TONGBAN_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tongban.settings"}
    env["TONGBAN_SECRET_KEY"] = secrets.token_urlsafe(48)  # production mode needs strong keys of its own
    env["TONGBAN_PERSONAL_DATA_KEY"] = secrets.token_urlsafe(48)
    env["TONGBAN_DATABASE_URL"] = cluster.url("tongban_r2")
    env.pop("TONGBAN_REDIS_URL", None)  # sessions, cache and rate limits in the database: it all goes down
    env["TONGBAN_TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    env["TONGBAN_HTTPS_REDIRECT"] = "false"  # no TLS proxy in front: the test speaks plain HTTP
    return env


@pytest.fixture
def server(server_env) -> Iterator[int]:
    port = free_port()
    proc = subprocess.Popen(
        [str(TONGBAN), "serve", "--no-worker", "--port", str(port), "--workers", "2"],
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_until(lambda: _get(port, "/healthz", {}).status == 200, "the server did not come up")
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


@dataclass
class Answer:
    status: int
    retry_after: str | None = None
    body: bytes = b""


def _get(port: int, path: str, headers: dict[str, str]) -> Answer:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(response.status, response.headers.get("Retry-After"), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers.get("Retry-After"), error.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return Answer(0)  # no answer at all: counted, and must not happen either


def _wait_until(condition, message: str) -> None:
    deadline = time.monotonic() + PHASE_LIMIT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)  # polling interval, not a timing assumption
    raise AssertionError(message)


@dataclass
class Load:
    """Clients asking for TARGETS in turn until stopped; every answer is kept with the phase it fell in."""

    port: int
    token: str
    phase: str = "up"
    answers: dict[str, dict[str, list[Answer]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def client(self) -> None:
        while not self.stop.is_set():
            for path in TARGETS:
                headers = {"Authorization": f"Bearer {self.token}"} if path == PRIVATE_API else {}
                answer = _get(self.port, path, headers)
                phase = self.phase  # when the answer came: an "up" answer came before the stop began
                with self.lock:
                    self.answers.setdefault(phase, {}).setdefault(path, []).append(answer)

    def count(self, phase: str, status: int) -> int:
        with self.lock:
            found = self.answers.get(phase, {})
            return min(sum(a.status == status for a in found.get(path, [])) for path in TARGETS)

    def all(self) -> list[tuple[str, str, Answer]]:
        with self.lock:
            return [
                (phase, path, a)
                for phase, by_path in self.answers.items()
                for path, got in by_path.items()
                for a in got
            ]


def test_postgres_restart_under_load_answers_503_then_recovers(cluster, server_env, server):
    setup = subprocess.run(
        [sys.executable, "-c", SETUP], env=server_env, capture_output=True, text=True, check=True, cwd=ROOT
    )
    token = setup.stdout.strip().splitlines()[-1]
    load = Load(port=server, token=token)
    clients = [threading.Thread(target=load.client, daemon=True) for _ in range(CLIENTS)]
    for thread in clients:
        thread.start()
    try:
        _wait_until(lambda: load.count("up", 200) >= ENOUGH, "no 200 answers before the restart")
        load.phase = "stopping"
        cluster.stop()
        load.phase = "down"
        _wait_until(lambda: load.count("down", 503) >= ENOUGH, "no 503 answers while PostgreSQL was down")
        load.phase = "restarting"
        cluster.start()
        load.phase = "back"
        _wait_until(lambda: load.count("back", 200) >= ENOUGH, "the app did not recover after PostgreSQL came back")
    finally:
        load.stop.set()
        for thread in clients:
            thread.join(timeout=60)

    answers = load.all()
    summary = {
        phase: {path: sorted({a.status for a in got}) for path, got in by_path.items()}
        for phase, by_path in load.answers.items()
    }
    print(f"\nR2: {len(answers)} requests; statuses by phase and path: {json.dumps(summary)}")
    assert set(summary["up"][PAGE]) == set(summary["up"][PRIVATE_API]) == {200}, summary
    # never a 500, never a dropped connection: served (200) or "come back shortly" (503)
    assert {a.status for _phase, _path, a in answers} <= {200, 503}, summary
    for _phase, path, a in answers:
        if a.status == 503:
            assert a.retry_after == "5"
            if path.startswith("/api/"):
                assert json.loads(a.body)["code"] == "service_unavailable"
            else:
                assert "稍后再试" in a.body.decode()
