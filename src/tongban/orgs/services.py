"""State changes of organisations, each one transaction and audited (creation and every change)."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from tongban.core import audit
from tongban.core.validators import validate_credit_code
from tongban.orgs.models import Department, Region
from tongban.orgs.selectors import root_region

PLATFORM_DEPARTMENT_SUFFIX = "-PLATFORM"


def _changes(obj: models.Model, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value differs from `values`, as {field: [old, new]} (foreign keys by id)."""
    changed: dict[str, list[Any]] = {}
    for field, new in values.items():
        old = getattr(obj, field)
        if isinstance(new, models.Model) or isinstance(old, models.Model):
            old_id = getattr(old, "pk", None)
            new_id = getattr(new, "pk", None)
            if old_id != new_id:
                changed[field] = [old_id, new_id]
        elif old != new:
            changed[field] = [old, new]
    return changed


def _upsert(model: type[models.Model], *, key: dict[str, Any], values: dict[str, Any], actor: Any, action: str) -> Any:
    obj = model._default_manager.select_for_update().filter(**key).first()
    if obj is None:
        obj = model._default_manager.create(**key, **values)
        audit.record(actor=actor, action=f"{action}.create", subject=obj)
        return obj
    changed = _changes(obj, values)
    if changed:
        for field, new in values.items():
            setattr(obj, field, new)
        obj.save(update_fields=list(changed))
        audit.record(actor=actor, action=f"{action}.update", subject=obj, details={"changed": changed})
    return obj


@transaction.atomic
def upsert_region(*, code: str, name: str, level: int, parent: Region | None, actor: Any = None) -> Region:
    """Create or update one region (行政区划); its path follows its parent. Changes are audited."""
    path = f"{parent.path}/{code}" if parent else code
    region: Region = _upsert(
        Region,
        key={"code": code},
        values={"name": name, "level": level, "parent": parent, "path": path},
        actor=actor,
        action="region",
    )
    return region


@transaction.atomic
def upsert_department(
    *,
    code: str,
    name: str,
    region: Region,
    short_name: str = "",
    phone: str = "",
    credit_code: str | None = None,
    actor: Any = None,
) -> Department:
    """Create or update a department (部门); `credit_code`, when given, must pass the GB 32100 check."""
    checked = validate_credit_code(credit_code) if credit_code else None
    department: Department = _upsert(
        Department,
        key={"code": code.strip()},
        values={"name": name, "region": region, "short_name": short_name, "phone": phone, "credit_code": checked},
        actor=actor,
        action="department",
    )
    return department


@transaction.atomic
def ensure_platform_department(*, actor: Any = None) -> Department:
    """平台运营管理: the department that holds the platform administrators, at the root region."""
    region = root_region()
    code = f"{region.code}{PLATFORM_DEPARTMENT_SUFFIX}"
    existing = Department.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return upsert_department(
        code=code, name=_("%(region)s通办平台运营管理") % {"region": region.name}, region=region, actor=actor
    )
