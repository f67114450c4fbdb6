"""Issue 9, finding 1: unsafe default mode.

Debug is off unless asked for; demo features exist only with TONGBAN_DEMO=true and then only for the
demo's own accounts, under a 演示环境 banner; production (neither debug nor demo) refuses to start with
a public, short or low-entropy secret key or with the demo personal-data key.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tongban.accounts.models import User
from tongban.core.checks import key_weakness
from tongban.notices.services import queue_sms

TONGBAN = Path(sys.executable).with_name("tongban")
PRINT_MODE = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps([settings.DEBUG, settings.DEMO_MODE]))"
)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a fresh install: no TONGBAN_ variable but the data folder and `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGBAN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"TONGBAN_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tongban.settings", **extra})
    return env


def _mode(tmp_path: Path, **extra: str) -> list[bool]:
    done = subprocess.run(
        [sys.executable, "-c", PRINT_MODE], env=_env(tmp_path, **extra), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def _deploy_check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tongban.cli", "check", "--deploy", "--fail-level", "ERROR"],
        env=_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _serve(tmp_path: Path, **extra: str) -> tuple[int, str]:
    """Run `tongban serve` and expect it to stop by itself; a server that starts instead is killed."""
    proc = subprocess.Popen(
        [str(TONGBAN), "serve", "--no-worker", "--port", "0", "--workers", "1"],
        env=_env(tmp_path, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("tongban serve started instead of refusing")
    return proc.returncode, err


def strong_key() -> str:
    return secrets.token_urlsafe(48)


# --- the mode ---------------------------------------------------------------------------------------


def test_no_environment_means_no_debug_and_no_demo(tmp_path):
    assert _mode(tmp_path) == [False, False]


def test_the_demo_flag_turns_on_demo_only(tmp_path):
    assert _mode(tmp_path, TONGBAN_DEMO="true") == [False, True]
    assert _mode(tmp_path, TONGBAN_DEBUG="true") == [True, False]


def test_the_suite_runs_in_the_default_mode(settings):
    assert not settings.DEBUG and not settings.DEMO_MODE


# --- no demo features outside demo mode ---------------------------------------------------------------


def test_the_console_login_page_shows_no_codes_outside_demo_mode(demo):
    page = Client().get("/console/login/").content.decode()
    assert 'class="demo-code"' not in page and "演示模式" not in page and "演示环境" not in page


def test_the_demo_outbox_is_not_there_outside_demo_mode(demo):
    queue_sms(phone="13800000001", text="【通办】您的登录验证码是 123456")
    response = Client().get("/demo/outbox/")
    assert response.status_code == 404
    assert "123456" not in response.content.decode()


# --- demo mode: only the demo's own accounts, and a banner ------------------------------------------------


def _codes_shown(page: str) -> set[str]:
    import re

    return set(re.findall(r'data-user="([^"]+)"', page))


def test_demo_mode_shows_only_the_demo_accounts_codes(settings, demo, make_staff):
    from tongban.accounts.models import StaffRole

    settings.DEMO_MODE = True
    real = make_staff(StaffRole.ADMINISTRATOR)  # a real member of staff beside the demo ones
    impostor = User.objects.get(username="shuju")  # a demo user name with a number not the demo's
    impostor.phone = "13912345678"
    impostor.save()
    shown = _codes_shown(Client().get("/console/login/").content.decode())
    assert {"banli", "admin", "chuangkou", "shiweijian"} <= shown
    assert real.username not in shown and "shuju" not in shown


def test_demo_mode_outbox_shows_only_messages_to_demo_accounts(settings, demo):
    settings.DEMO_MODE = True
    queue_sms(phone="13800000001", text="【通办】您的登录验证码是 111111")
    queue_sms(phone="13711112222", text="【通办】您的登录验证码是 999999")
    page = Client().get("/demo/outbox/").content.decode()
    assert "111111" in page and "999999" not in page


@pytest.mark.parametrize("path", ["/", "/login/", "/console/login/", "/no-such-page/"])
def test_every_page_carries_the_demo_banner_in_demo_mode_only(settings, db, path):
    settings.DEMO_MODE = True
    assert "data-demo-banner" in Client().get(path).content.decode()
    settings.DEMO_MODE = False
    assert "data-demo-banner" not in Client().get(path).content.decode()


def test_the_console_carries_the_banner_in_demo_mode(settings, demo):
    from tests.conftest import staff_client

    settings.DEMO_MODE = True
    page = staff_client("banli").get("/console/").content.decode()
    assert "data-demo-banner" in page and "演示环境" in page


# --- production refuses weak keys --------------------------------------------------------------------------


def test_serve_refuses_to_start_with_the_default_secret(tmp_path):
    code, err = _serve(tmp_path)
    assert code != 0
    assert "TONGBAN_SECRET_KEY" in err and "TONGBAN_PERSONAL_DATA_KEY" in err and "TONGBAN_DEMO" in err


@pytest.mark.parametrize(
    ("secret", "why"),
    [
        (secrets.token_urlsafe(30), "50"),  # 40 characters
        ("k" * 60 + "-production-secret", "entropy"),
        ("abcdefghij" * 6, "repeats"),
        ("x" * 60, "different characters"),
    ],
)
def test_production_refuses_a_short_or_low_entropy_secret(tmp_path, secret, why):
    result = _deploy_check(tmp_path, TONGBAN_SECRET_KEY=secret, TONGBAN_PERSONAL_DATA_KEY=strong_key())
    assert result.returncode != 0
    assert "TONGBAN_SECRET_KEY is too weak" in result.stderr and why in result.stderr


def test_serve_refuses_a_weak_secret_and_says_why(tmp_path):
    code, err = _serve(tmp_path, TONGBAN_SECRET_KEY="short-secret", TONGBAN_PERSONAL_DATA_KEY=strong_key())
    assert code != 0 and "TONGBAN_SECRET_KEY is too weak" in err and "at least 50" in err


def test_production_refuses_the_demo_personal_data_key(tmp_path):
    from django.conf import settings

    for personal in ({}, {"TONGBAN_PERSONAL_DATA_KEY": settings.DEMO_PERSONAL_DATA_KEY}):
        result = _deploy_check(tmp_path, TONGBAN_SECRET_KEY=strong_key(), **personal)
        assert result.returncode != 0, personal
        assert "TONGBAN_PERSONAL_DATA_KEY is not set or is the public demo key" in result.stderr


def test_production_starts_with_strong_keys_of_its_own(tmp_path):
    result = _deploy_check(tmp_path, TONGBAN_SECRET_KEY=strong_key(), TONGBAN_PERSONAL_DATA_KEY=strong_key())
    assert result.returncode == 0, result.stderr


def test_what_counts_as_a_strong_key():
    from django.core.management.utils import get_random_secret_key

    assert key_weakness(secrets.token_urlsafe(48)) is None
    assert key_weakness(secrets.token_hex(32)) is None
    assert key_weakness(get_random_secret_key()) is None
    assert key_weakness("django-insecure-" + get_random_secret_key()) is not None
    assert key_weakness("0123456789" * 5) is not None
