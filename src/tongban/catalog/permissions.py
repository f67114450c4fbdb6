"""Who may change the catalogue: administrators (系统管理员) within the regions they look after."""

from __future__ import annotations

from typing import Any

from tongban.accounts.models import StaffRole, User
from tongban.accounts.permissions import assignments, rule
from tongban.catalog.models import ServiceItem


def _significant_prefix(code: str) -> str:
    """The part of a GB/T 2260 code that names the area: 440000 → 44, 440100 → 4401, 440106 → 440106."""
    if len(code) == 6:
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
    return code


def region_code_within(code: str, scope_code: str) -> bool:
    """True when the division `code` lies in the division `scope_code` (judged by the codes alone,
    so it also works for regions an import is about to create)."""
    return code.startswith(_significant_prefix(scope_code))


def administered_scopes(user: User) -> list[str] | None:
    """Region codes an administrator looks after; None means everywhere (superuser)."""
    if user.is_superuser:
        return None
    return [a.scope.code for a in assignments(user, (StaffRole.ADMINISTRATOR,))]


def administers_region_code(user: User, code: str) -> bool:
    scopes = administered_scopes(user)
    return scopes is None or any(region_code_within(code, scope) for scope in scopes)


@rule("catalog.edit_item")
def _edit_item(user: User, item: ServiceItem) -> bool:
    if user.is_superuser:
        return True
    return any(item.region.is_within(a.scope) for a in assignments(user, (StaffRole.ADMINISTRATOR,)))


@rule("catalog.import")
def _import(user: User, obj: Any) -> bool:
    """Import a catalogue file; each item must still lie in the administrator's regions."""
    return user.is_superuser or bool(assignments(user, (StaffRole.ADMINISTRATOR,)))


@rule("catalog.manage")
def _manage(user: User, obj: Any) -> bool:
    """Open the catalogue pages of the console."""
    return user.is_superuser or bool(assignments(user, (StaffRole.ADMINISTRATOR,)))
