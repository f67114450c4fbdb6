"""`tongban demo` twice: the second run changes nothing and fails nothing."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "django_tasks_database", "django_tasks_db"}
    }


def test_demo_loads_twice_without_changing_anything(settings, tmp_path):
    settings.DEMO_MODE = True  # `tongban demo` runs only in demo mode (TONGBAN_DEMO=true)
    settings.DATA_DIR = tmp_path
    first = io.StringIO()
    call_command("demo", stdout=first)
    counts = _row_counts()
    assert counts["accounts.User"] >= 15 and counts["catalog.ServiceItem"] >= 120
    second = io.StringIO()
    call_command("demo", stdout=second)
    assert _row_counts() == counts
    out = second.getvalue()
    assert "zhangsan" in out and "otpauth://totp/" in out and "code now" in out
