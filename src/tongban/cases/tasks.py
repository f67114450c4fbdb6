"""Background tasks of cases (django-tasks): the daily deadline scan."""

from __future__ import annotations

from django_tasks import task

from tongban.cases import services


@task()
def scan_deadlines() -> dict[str, list[str]]:
    """Daily: auto-accept cases not told within 5 working days, flag yellow/red, notify the watchers."""
    return services.scan_deadlines()
