"""Shared test set-up. Tasks run inline (immediate backend) so after-commit work is observable."""

from __future__ import annotations

from django.conf import settings

settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def pytest_report_header() -> list[str]:
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return [f"tongban: database {db}, cache {cache}"]
