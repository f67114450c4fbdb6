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
from tongban.workflow.selectors import is_startable
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


PARALLEL_KEY = "parallel_review"


def check_item_process(*, key: str, departments: list[str]) -> dict[str, list[str]]:
    """The problems of a process choice for an item (field → messages); empty when it may be used.

    `key` "" means the default (单部门审批). 并联审批 needs at least two existing departments.
    """
    from tongban.orgs.models import Department

    problems: dict[str, list[str]] = {}
    if key and not is_startable(key):
        problems["process"] = [_("没有可用的流程“%(key)s”，请先在流程管理中上传。") % {"key": key}]
    if departments:
        known = set(Department.objects.filter(code__in=departments).values_list("code", flat=True))
        unknown = [c for c in departments if c not in known]
        if unknown:
            problems["departments"] = [_("这些部门编码不存在：%(codes)s。") % {"codes": "、".join(unknown)}]
    if key == PARALLEL_KEY and len(departments) < 2 and "departments" not in problems:
        problems["departments"] = [_("并联审批须列出至少两个审查部门。")]
    return problems


@transaction.atomic
def assign_process(*, item: Any, key: str, departments: list[str] | None = None, actor: Any) -> Any:
    """配置办理流程: the process an item's new cases run and, for 并联审批, the departments that review.

    Running cases keep their process. Raises ValidationError keyed by field ("process",
    "departments") when the key names no startable process or a department does not exist.
    """
    from tongban.catalog.changes import record_change
    from tongban.catalog.models import ServiceItem

    ensure_can(actor, "catalog.edit_item", item)
    key = (key or "").strip()
    codes = list(dict.fromkeys(str(c).strip() for c in (departments or []) if str(c).strip()))
    problems = check_item_process(key=key, departments=codes)
    if problems:
        raise ValidationError(problems)
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    extra = dict(item.extra or {})
    before = {"process": item.process, "departments": extra.get("departments")}
    if codes:
        extra["departments"] = codes
    else:
        extra.pop("departments", None)
    after = {"process": key, "departments": extra.get("departments")}
    if before == after:
        return item
    item.process, item.extra = key, extra
    item.save(update_fields=["process", "extra"])
    audit.record(actor=actor, action="workflow.assign_process", subject=item, details={"code": item.code, **after})
    record_change(kind="item", code=item.code)
    return item
