"""Configuration by environment: safe embedded defaults, refusal of unsafe production settings."""

import os
import secrets
import subprocess
import sys


def _check(env_extra: dict[str, str], tmp_path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGBAN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"TONGBAN_DATA_DIR": str(tmp_path), **env_extra})
    return subprocess.run(
        [sys.executable, "-m", "tongban.cli", "check", "--deploy", "--fail-level", "ERROR"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_refuses_the_default_secret(tmp_path):
    result = _check({"TONGBAN_DEBUG": "false", "TONGBAN_DEMO": "false"}, tmp_path)
    assert result.returncode != 0
    assert "TONGBAN_SECRET_KEY" in result.stderr


def test_demo_mode_is_not_production_and_runs_with_the_demo_keys(tmp_path):
    # TONGBAN_DEMO=true alone (as `make demo` sets it): no debug, public demo keys accepted
    result = _check({"TONGBAN_DEMO": "true"}, tmp_path)
    assert result.returncode == 0, result.stderr


def test_production_mode_needs_its_own_personal_data_key(tmp_path):
    secret = secrets.token_urlsafe(48)
    for extra in ({}, {"TONGBAN_PERSONAL_DATA_KEY": secret}):
        result = _check(
            {"TONGBAN_DEBUG": "false", "TONGBAN_DEMO": "false", "TONGBAN_SECRET_KEY": secret, **extra}, tmp_path
        )
        assert result.returncode != 0 and "TONGBAN_PERSONAL_DATA_KEY" in result.stderr, extra


def test_production_mode_starts_with_real_keys(tmp_path):
    result = _check(
        {
            "TONGBAN_DEBUG": "false",
            "TONGBAN_DEMO": "false",
            "TONGBAN_SECRET_KEY": secrets.token_urlsafe(48),
            "TONGBAN_PERSONAL_DATA_KEY": secrets.token_urlsafe(48),
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr


def test_database_follows_the_environment(settings):
    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("TONGBAN_DATABASE_URL", "").startswith("postgres"):
        assert engine == "django.db.backends.postgresql"
    else:
        assert engine == "django.db.backends.sqlite3"
        assert "journal_mode=WAL" in settings.DATABASES["default"]["OPTIONS"]["init_command"]
