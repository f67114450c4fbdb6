"""Issue 8 item 15: limits hold across the server's processes, in the embedded mode too.

Two real servers (`tongban serve`, one gunicorn worker each, so two processes) on one database — a
SQLite file in a fresh data directory, or a database created on the PostgreSQL server when
TONGBAN_DATABASE_URL is set (dropped afterwards) — and no Redis. Requests alternate between them:
every limit counts both processes' requests, and a refusal by one holds at the other.
Clients come from 127.0.0.1 and, as "another address", from 127.0.0.2 (both loopback).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.reliability.servers import ROOT, free_port, start_server

ITEM = "THGA-001"  # 天河区居民身份证换领: online, no upload required
PHONE = "13800000001"  # zhangsan
ADDRESS_FAILURE_LIMIT = 6

SETUP = """
import django
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
print(issue_api_token(user=User.objects.get(username="zhangsan"), name="two-processes"))
"""


@dataclass
class Answer:
    status: int
    body: str
    cookies: dict[str, str]

    def json(self) -> dict[str, object]:
        return json.loads(self.body)


def _request(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    source: str = "127.0.0.1",
) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        return Answer(response.status, response.read().decode(), {k: m.value for k, m in cookies.items()})
    finally:
        connection.close()


def _progress(port: int, number: str, code: str, source: str = "127.0.0.1") -> int:
    return _request(
        port, "GET", "/api/v1/cases/progress?" + urlencode({"number": number, "code": code}), source=source
    ).status


@dataclass
class Servers:
    ports: tuple[int, int]
    token: str
    env: dict[str, str]

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        url = self.env.get("TONGBAN_DATABASE_URL", "")
        if url.startswith("postgres"):
            import psycopg

            with psycopg.connect(url) as conn:
                return list(conn.execute(sql).fetchall())
        with sqlite3.connect(Path(self.env["TONGBAN_DATA_DIR"]) / "tongban.sqlite3") as conn:
            return list(conn.execute(sql).fetchall())


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    data_dir = tmp_path_factory.mktemp("two-processes")
    env = {
        **os.environ,
        "TONGBAN_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "tongban.settings",
        "TONGBAN_DEBUG": "true",
        "TONGBAN_SECRET_KEY": secrets.token_urlsafe(48),
        "TONGBAN_PERSONAL_DATA_KEY": secrets.token_urlsafe(48),
        "TONGBAN_TASK_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "TONGBAN_LOGIN_ADDRESS_FAILURE_LIMIT": str(ADDRESS_FAILURE_LIMIT),
    }
    env.pop("TONGBAN_REDIS_URL", None)  # the embedded mode: no shared cache server
    pg_url = os.environ.get("TONGBAN_DATABASE_URL", "")
    admin = None
    database = f"tongban_two_processes_{os.getpid()}"
    if pg_url.startswith("postgres"):
        import psycopg

        base = pg_url.rsplit("/", 1)[0]
        admin = psycopg.connect(base + "/postgres", autocommit=True)
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {database}")
        env["TONGBAN_DATABASE_URL"] = f"{base}/{database}"
    else:
        env.pop("TONGBAN_DATABASE_URL", None)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        setup = subprocess.run([sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, cwd=ROOT)
        assert setup.returncode == 0, setup.stderr[-3000:]
        token = setup.stdout.strip().splitlines()[-1]
        ports = (free_port(), free_port())
        for port in ports:
            procs.append(start_server(env, port, workers=1))
        yield Servers(ports=ports, token=token, env=env)
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if admin is not None:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            admin.close()


def _submit(servers: Servers, key: str) -> tuple[str, str]:
    answer = _request(
        servers.ports[0],
        "POST",
        "/api/v1/cases/submit",
        body=json.dumps({"item_code": ITEM, "answers": {}}).encode(),
        headers={
            "Authorization": f"Bearer {servers.token}",
            "Idempotency-Key": key,
            "Content-Type": "application/json",
        },
    )
    assert answer.status == 201, answer.body[:500]
    return str(answer.json()["number"]), str(answer.json()["query_code"])


def test_wrong_query_codes_are_refused_after_the_configured_count_across_processes(servers):
    number, code = _submit(servers, "two-processes-1")
    a, b = servers.ports
    guesses = [_progress((a, b)[n % 2], number, f"WRONG{n:05d}") for n in range(10)]
    assert guesses == [404] * 10, "10 wrong codes per number and address, counted by both processes together"
    assert _progress(a, number, "WRONG99999") == 429
    assert _progress(b, number, "WRONG99998") == 429, "after a 429 the next try on the other process is refused"
    assert _progress(b, number, code) == 429, "the right code from the guessing address is refused too"
    assert _progress(a, number, code, source="127.0.0.2") == 200, "the owner at another address is not"
    assert _progress(b, number, code, source="127.0.0.2") == 200


def _sms_request(port: int, cookies: dict[str, str], token: str, phone: str) -> Answer:
    return _request(
        port,
        "POST",
        "/login/?mode=sms",
        body=urlencode({"csrfmiddlewaretoken": token, "action": "send_code", "phone": phone}).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        },
    )


def test_sms_limit_shared_across_processes(servers):
    a, b = servers.ports
    form = _request(a, "GET", "/login/?mode=sms")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
    assert form.status == 200 and token is not None
    first = _sms_request(a, form.cookies, token.group(1), PHONE)
    assert first.status == 200 and "138****0001" in first.body
    second = _sms_request(b, form.cookies, token.group(1), PHONE)
    assert second.status == 429 and "获取验证码过于频繁" in second.body, "1 a minute per phone, on every process"
    assert servers.rows("SELECT COUNT(*) FROM accounts_logincode") == [(1,)], "one code went out, not two"


def test_login_failures_of_one_address_count_across_processes_whatever_the_user_agent(servers):
    a, b = servers.ports
    statuses = []
    for n in range(ADDRESS_FAILURE_LIMIT + 1):
        answer = _request(
            (a, b)[n % 2],
            "POST",
            "/api/v1/accounts/tokens",
            body=json.dumps({"username": f"sprayed{n}", "password": "Spring2026!"}).encode(),
            headers={"Content-Type": "application/json", "User-Agent": f"agent/{n}"},
            source="127.0.0.3",
        )
        statuses.append(answer.status)
    assert statuses == [401] * (ADDRESS_FAILURE_LIMIT - 1) + [429, 429], statuses
