"""Reads of process definitions for the console."""

from __future__ import annotations

from itertools import groupby

from tongban.workflow.models import ProcessDefinition


def definitions_by_key() -> list[tuple[str, list[ProcessDefinition]]]:
    """Every key with its versions, newest first."""
    rows = (
        ProcessDefinition.objects.select_related("uploaded_by").defer("bpmn_xml", "dmn_xml").order_by("key", "-version")
    )
    return [(key, list(versions)) for key, versions in groupby(rows, key=lambda d: d.key)]


def process_keys() -> list[tuple[str, str]]:
    """(key, name) of every process that can start new cases (an active version), built-ins included."""
    from tongban.workflow.services import ensure_builtin_processes

    ensure_builtin_processes()
    names: dict[str, str] = {}
    for key, name in (
        ProcessDefinition.objects.filter(is_active=True).order_by("key", "-version").values_list("key", "name")
    ):
        names.setdefault(key, name)
    return sorted(names.items())


def is_startable(key: str) -> bool:
    """Whether `key` names a process with an active version (or a built-in one, loaded on first use)."""
    from tongban.workflow.services import BUILTIN_KEYS

    return key in BUILTIN_KEYS or ProcessDefinition.objects.filter(key=key, is_active=True).exists()
