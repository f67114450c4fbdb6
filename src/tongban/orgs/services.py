"""State changes of organisations, each one transaction and audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tongban.core import audit
from tongban.core.validators import validate_credit_code
from tongban.orgs.models import Department, Region


@transaction.atomic
def upsert_region(*, code: str, name: str, level: int, parent: Region | None, actor: Any = None) -> Region:
    """Create or update one region; its path follows its parent."""
    path = f"{parent.path}/{code}" if parent else code
    region, created = Region.objects.update_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent, "path": path}
    )
    if created:
        audit.record(actor=actor, action="region.create", subject=region)
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
    """Create or update a department; `credit_code`, when given, must pass the GB 32100 check."""
    checked = validate_credit_code(credit_code) if credit_code else None
    department, created = Department.objects.update_or_create(
        code=code.strip(),
        defaults={"name": name, "region": region, "short_name": short_name, "phone": phone, "credit_code": checked},
    )
    if created:
        audit.record(actor=actor, action="department.create", subject=department)
    return department
