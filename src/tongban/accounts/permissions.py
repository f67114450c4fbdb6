"""The single permission layer: `ensure_can(user, action, obj)`.

Every page, endpoint and service that acts for someone calls it. Rules are registered per action
by the apps (`@rule("orgs.view_department_staff")`). Staff rights come from their assignments:
a role in a department, scoped to a region subtree. No rule means no access.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from tongban.accounts.models import StaffAssignment, StaffRole, User, UserKind
from tongban.orgs.models import Department, Region

Rule = Callable[[User, Any], bool]
_rules: dict[str, Rule] = {}

OVERSEEING_ROLES = (StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR)


def rule(action: str) -> Callable[[Rule], Rule]:
    def decorator(fn: Rule) -> Rule:
        _rules[action] = fn
        return fn

    return decorator


def can(user: Any, action: str, obj: Any = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    check = _rules.get(action)
    if check is None:
        return False
    return bool(check(user, obj))


def ensure_can(user: Any, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied with a plain message unless `user` may do `action` on `obj`."""
    if not can(user, action, obj):
        raise PermissionDenied(_("您没有权限进行此操作。"))


def assignments(user: User, roles: Iterable[str] | None = None) -> list[StaffAssignment]:
    if user.kind != UserKind.STAFF:
        return []
    cached: list[StaffAssignment] | None = getattr(user, "_assignments_cache", None)
    if cached is None:
        cached = list(user.assignments.select_related("department__region", "scope"))
        user._assignments_cache = cached  # type: ignore[attr-defined]
    if roles is None:
        return cached
    wanted = set(roles)
    return [a for a in cached if a.role in wanted]


def _covers(scope: Region, region: Region) -> bool:
    return region.is_within(scope)


def acts_in_department(user: User, department: Department, roles: Iterable[str] | None = None) -> bool:
    """Has a role in this department (and the department lies in the role's scope)."""
    return any(
        a.department_id == department.pk and _covers(a.scope, department.region) for a in assignments(user, roles)
    )


def oversees_region(user: User, region: Region) -> bool:
    """A supervisor or administrator whose scope covers the region."""
    return any(_covers(a.scope, region) for a in assignments(user, OVERSEEING_ROLES))


@rule("console.enter")
def _console_enter(user: User, obj: Any) -> bool:
    return bool(assignments(user)) or user.is_superuser


@rule("orgs.view_department_staff")
def _view_department_staff(user: User, department: Department) -> bool:
    return acts_in_department(user, department) or oversees_region(user, department.region)


@rule("accounts.view_own_data")
def _view_own_data(user: User, subject: User) -> bool:
    return subject is not None and subject.pk == user.pk


@rule("accounts.act_for")
def _act_for(user: User, legal_person: User) -> bool:
    return user.representations.filter(legal_person=legal_person).exists()


@rule("accounts.check_identity")
def _check_identity(user: User, obj: Any) -> bool:
    return bool(assignments(user, (StaffRole.INTAKE_CLERK, StaffRole.ADMINISTRATOR)))
