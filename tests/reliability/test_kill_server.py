"""R1: the server is killed (SIGKILL) during concurrent submissions.

After a restart, every acknowledged submission exists exactly once, and retrying every request
whose answer was lost (same idempotency key) never creates a second case.
The real server (`tongban serve`, gunicorn, 2 workers) runs in its own process group with its own
data directory (SQLite file), or in a database `tongban_r1` created on the PostgreSQL server when
TONGBAN_DATABASE_URL is set (dropped afterwards).
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.reliability.servers import ROOT, free_port, start_server

ITEM = "THGA-001"  # 天河区居民身份证换领: online, no upload required
REQUESTS = 48
THREADS = 8

SETUP = """
import django, sys
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
import importlib
class Quiet:
    def write(self, *a, **k): pass
for name in ("orgs", "people", "catalog", "workflow"):  # the search index is not needed here
    importlib.import_module("tongban.demo." + name).load(stdout=Quiet())
from tongban.accounts.models import User
from tongban.accounts.services import issue_api_token
from tongban.catalog.models import ServiceItem
# many cases of one item for one person: allowed here as the catalogue allows it for, e.g., shops
item = ServiceItem.objects.get(code="THGA-001")
ServiceItem.objects.filter(pk=item.pk).update(extra={**item.extra, "several_open": True})
print(issue_api_token(user=User.objects.get(username="zhangsan"), name="r1"))
"""


@pytest.fixture
def server_env(tmp_path):
    env = {**os.environ, "TONGBAN_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tongban.settings"}
    # production mode (the default): `tongban serve` starts only with strong keys of its own
    env.setdefault("TONGBAN_SECRET_KEY", secrets.token_urlsafe(48))
    env.setdefault("TONGBAN_PERSONAL_DATA_KEY", secrets.token_urlsafe(48))
    env.pop("TONGBAN_REDIS_URL", None)
    env["TONGBAN_TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    env["TONGBAN_HTTPS_REDIRECT"] = "false"  # no TLS proxy in front: the test speaks plain HTTP
    pg_url = os.environ.get("TONGBAN_DATABASE_URL", "")
    admin = None
    if pg_url.startswith("postgres"):
        import psycopg

        base = pg_url.rsplit("/", 1)[0]
        admin = psycopg.connect(base + "/postgres", autocommit=True)
        admin.execute("DROP DATABASE IF EXISTS tongban_r1 WITH (FORCE)")
        admin.execute("CREATE DATABASE tongban_r1")
        env["TONGBAN_DATABASE_URL"] = base + "/tongban_r1"
    else:
        env.pop("TONGBAN_DATABASE_URL", None)
    yield env
    if admin is not None:
        admin.execute("DROP DATABASE IF EXISTS tongban_r1 WITH (FORCE)")
        admin.close()


def _submit(port: int, token: str, key: str) -> dict | None:
    body = json.dumps({"item_code": ITEM, "answers": {}}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/cases/submit",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError, http.client.HTTPException, ValueError):
        return None  # no answer, or one cut off by the kill (IncompleteRead): not acknowledged


def _counts(env: dict[str, str]) -> dict[str, int]:
    sql = "SELECT idempotency_key, COUNT(*) FROM cases_case WHERE idempotency_key LIKE 'r1-%' GROUP BY idempotency_key"
    url = env.get("TONGBAN_DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url) as conn:
            return {k: int(n) for k, n in conn.execute(sql).fetchall()}
    with sqlite3.connect(Path(env["TONGBAN_DATA_DIR"]) / "tongban.sqlite3") as conn:
        return {k: int(n) for k, n in conn.execute(sql).fetchall()}


def test_kill_server_during_submissions(server_env):
    setup = subprocess.run(
        [sys.executable, "-c", SETUP], env=server_env, capture_output=True, text=True, check=True, cwd=ROOT
    )
    token = setup.stdout.strip().splitlines()[-1]
    port = free_port()
    proc = start_server(server_env, port, workers=2)
    keys = [f"r1-{i:03d}" for i in range(REQUESTS)]
    acknowledged: dict[str, str] = {}
    lock = threading.Lock()
    enough = threading.Event()

    def worker(mine: list[str]) -> None:
        for key in mine:
            answer = _submit(port, token, key)
            if answer is not None and "number" in answer:
                with lock:
                    acknowledged[key] = answer["number"]
                    if len(acknowledged) >= REQUESTS // 3:
                        enough.set()

    threads = [threading.Thread(target=worker, args=(keys[i::THREADS],)) for i in range(THREADS)]
    for t in threads:
        t.start()
    assert enough.wait(120), "no submissions were acknowledged"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    for t in threads:
        t.join()
    assert len(acknowledged) < REQUESTS, "the kill came too late to test anything"

    proc = start_server(server_env, port, workers=2)
    try:
        for key in keys:
            answer = _submit(port, token, key)
            assert answer is not None and "number" in answer, answer
            if key in acknowledged:
                assert answer["number"] == acknowledged[key]
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    counts = _counts(server_env)
    assert set(counts) == set(keys)
    assert all(n == 1 for n in counts.values()), {k: n for k, n in counts.items() if n != 1}
