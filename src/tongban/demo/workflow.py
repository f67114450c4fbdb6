"""Demo process definitions: the three shipped BPMN processes as version 1."""

from __future__ import annotations

from typing import Any

from tongban.workflow.models import ProcessDefinition
from tongban.workflow.services import ensure_builtin_processes


def load(*, stdout: Any) -> None:
    created = ensure_builtin_processes()
    stdout.write(f"processes: {ProcessDefinition.objects.count()} definitions ({len(created)} new)")
