"""State changes of process definitions, each one transaction and audited."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tongban.accounts.permissions import ensure_can
from tongban.core import audit
from tongban.workflow.models import ProcessDefinition
from tongban.workflow.validation import executable_process, validate_process

# key → (BPMN file, DMN file or None) shipped in tongban/workflow/processes/
BUILTIN_PROCESSES: dict[str, tuple[str, str | None]] = {
    "single_review": ("single_review.bpmn", None),
    "parallel_review": ("parallel_review.bpmn", None),
    "instant": ("instant.bpmn", "instant_rules.dmn"),
}
BUILTIN_KEYS = frozenset(BUILTIN_PROCESSES)
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,59}$")


def _read(name: str) -> bytes:
    return resources.files("tongban.workflow").joinpath("processes", name).read_bytes()


def ensure_builtin_processes() -> list[ProcessDefinition]:
    """Load the shipped processes as version 1 of their keys, once (idempotent, safe to race)."""
    created = []
    for key, (bpmn_name, dmn_name) in BUILTIN_PROCESSES.items():
        if ProcessDefinition.objects.filter(key=key).exists():
            continue
        bpmn_xml, dmn_xml = _read(bpmn_name), (_read(dmn_name) if dmn_name else None)
        errors = validate_process(bpmn_xml, dmn_xml)
        if errors:
            raise ValueError(f"shipped process {bpmn_name} is invalid: {errors}")
        process_id, name = executable_process(bpmn_xml)
        bpmn_text, dmn_text = bpmn_xml.decode(), dmn_xml.decode() if dmn_xml else ""
        with transaction.atomic():
            definition, was_created = ProcessDefinition.objects.get_or_create(
                key=key,
                version=1,
                defaults={
                    "name": name,
                    "process_id": process_id,
                    "bpmn_xml": bpmn_text,
                    "dmn_xml": dmn_text,
                    "checksum": ProcessDefinition.compute_checksum(bpmn_text, dmn_text),
                },
            )
            if was_created:
                audit.record(actor=None, action="workflow.load_builtin", subject=definition, details={"key": key})
                created.append(definition)
    return created


@transaction.atomic
def upload_process_definition(
    *, key: str, bpmn_xml: bytes, dmn_xml: bytes | None = None, actor: Any
) -> ProcessDefinition:
    """上传流程: a new version of `key`; it starts new cases, running ones keep theirs.

    Raises ValidationError with every problem (Chinese) when the file may not be used.
    """
    ensure_can(actor, "workflow.upload_process")
    key = (key or "").strip()
    if not KEY_PATTERN.match(key):
        raise ValidationError(
            _("流程标识须以小写字母开头，只含小写字母、数字、下划线或连字符，最多 60 个字符。"), code="invalid_key"
        )
    errors = validate_process(bpmn_xml, dmn_xml or None)
    if errors:
        raise ValidationError(errors, code="invalid_process")
    process_id, name = executable_process(bpmn_xml)
    existing = ProcessDefinition.objects.select_for_update().filter(key=key)
    version = (existing.aggregate(v=Max("version"))["v"] or 0) + 1
    existing.filter(is_active=True).update(is_active=False)
    bpmn_text, dmn_text = bpmn_xml.decode(), dmn_xml.decode() if dmn_xml else ""
    definition = ProcessDefinition.objects.create(
        key=key,
        version=version,
        name=name,
        process_id=process_id,
        bpmn_xml=bpmn_text,
        dmn_xml=dmn_text,
        checksum=ProcessDefinition.compute_checksum(bpmn_text, dmn_text),
        uploaded_by=actor,
        is_active=True,
    )
    audit.record(
        actor=actor,
        action="workflow.upload_process",
        subject=definition,
        details={"key": key, "version": version, "process_id": process_id},
    )
    return definition
