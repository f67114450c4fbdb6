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
