"""谁用了我的数据 (who used my data): the uses of a person's data by others, grouped and paged.

A use is an audit entry whose data subject is the person and whose actor is someone else (a
member of staff, the platform itself, another account). The list reads in plain words: the
department by name (entries name it by code or credit code), the member of staff by role and
staff number (never by name), the purpose, the case number.

Repeated reads of the same thing (one case) by the same member of staff for the same purpose in
the same clock hour are shown once, with a count and the first and last time; anything else is
shown one by one. Grouping and paging happen in the database, so a page costs the same whether
the person has ten uses or ten thousand; departments and staff roles are resolved in bulk.

Staff accounts carry no personnel number (工号), so the staff number shown is the platform's own
stable identifier of the staff account (`staff_number`): it names no person, yet the department
or a supervisor can tell from it who it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload

from django.core.paginator import Page, Paginator
from django.db.models import BigIntegerField, Count, F, Max, Min, Prefetch, Q, QuerySet, Value, When
from django.db.models import Case as Choose
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import TruncHour
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from tongban.accounts.models import StaffAssignment, StaffRole, User, UserKind
from tongban.accounts.selectors import data_uses_of
from tongban.core.models import AuditEntry
from tongban.orgs.models import Department

PAGE_SIZE = 20
READ = "personal_data.read"

# Purposes the callers store untranslated (cases.selectors.get_case_for, the console's material and
# decision-document downloads); listed here so that their translations are kept.
KNOWN_PURPOSES = (gettext_noop("办件办理"), gettext_noop("查阅申请材料"), gettext_noop("查阅办理结果文书"))

#: What was done, in plain words, by audit action. Unknown case actions read "处理了您的办件".
DONE: dict[str, Promise] = {
    "case.claim": gettext_lazy("认领了您的办件"),
    "case.release": gettext_lazy("放回了您的办件，由他人认领"),
    "case.accept": gettext_lazy("受理了您的办件"),
    "case.auto_accept": gettext_lazy("您的办件已依法视为受理"),
    "case.refuse_at_intake": gettext_lazy("决定不予受理您的申请"),
    "case.review": gettext_lazy("审查了您的办件"),
    "case.decide": gettext_lazy("对您的办件作出了决定"),
    "case.transfer": gettext_lazy("把您的办件移交给了其他部门"),
    "case.request_supplement": gettext_lazy("请您补正材料"),
    "case.start_special_procedure": gettext_lazy("为您的办件启动了特别程序"),
    "case.end_special_procedure": gettext_lazy("结束了您办件的特别程序"),
    "case.extend": gettext_lazy("延长了您办件的办理期限"),
    "case.withdraw_on_request": gettext_lazy("按您的请求撤回了办件"),
    "case.deliver": gettext_lazy("向您送达了办理结果"),
    "case.file_at_window": gettext_lazy("在窗口为您提交了申请"),
    "case.supplement_expired": gettext_lazy("补正期满未补正，办件已办结"),
}

#: The role an action is taken in, where the action says it (a clerk with two roles shows one).
ACTION_ROLE: dict[str, str] = {
    "case.accept": StaffRole.INTAKE_CLERK,
    "case.refuse_at_intake": StaffRole.INTAKE_CLERK,
    "case.file_at_window": StaffRole.INTAKE_CLERK,
    "case.review": StaffRole.HANDLING_CLERK,
    "case.request_supplement": StaffRole.HANDLING_CLERK,
    "case.transfer": StaffRole.HANDLING_CLERK,
    "case.decide": StaffRole.DEPARTMENT_HEAD,
}


class ActorKind:
    STAFF = "staff"
    SYSTEM = "system"
    OTHER = "other"


@dataclass(frozen=True)
class DataUse:
    """One card of the list: one use, or repeated reads folded into one with `times`."""

    at: datetime
    first_at: datetime
    times: int
    actor_kind: str
    department: str
    role: str
    staff_number: str
    actor_name: str
    who: str
    action: str
    done: str
    purpose: str
    case_number: str


def staff_number(user_id: int) -> str:
    """The staff number shown to citizens: stable, unique, and no personal data."""
    return f"S{user_id:06d}"


def grouped_uses(person: User) -> QuerySet[AuditEntry, dict[str, Any]]:
    """One row per card, newest first: reads folded by actor, case, purpose and clock hour."""
    return (
        data_uses_of(person)
        .order_by()
        .annotate(
            hour=TruncHour("at"),
            what=KeyTextTransform("what", "details"),
            number=KeyTextTransform("number", "details"),
            single=Choose(When(Q(action=READ), then=Value(0)), default=F("id"), output_field=BigIntegerField()),
        )
        .values("actor", "actor_label", "action", "purpose", "department_code", "what", "number", "hour", "single")
        .annotate(latest=Max("at"), earliest=Min("at"), last_id=Max("id"), times=Count("id"))
        .order_by("-latest", "-last_id")
    )


class _Uses(Sequence[DataUse]):
    """The grouped rows as `DataUse`s: counted and sliced by the database, a slice resolved in bulk."""

    def __init__(self, rows: QuerySet[AuditEntry, dict[str, Any]]) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return self.rows.count()

    @overload
    def __getitem__(self, index: int) -> DataUse: ...

    @overload
    def __getitem__(self, index: slice) -> list[DataUse]: ...

    def __getitem__(self, index: int | slice) -> DataUse | list[DataUse]:
        if isinstance(index, slice):
            return _resolve(list(self.rows[index]))
        return _resolve([self.rows[index]])[0]


def data_uses_page(
    *, person: User, number: int | str | None, per_page: int = PAGE_SIZE, clamp: bool = True
) -> Page[DataUse]:
    """A page of `person`'s data uses, ready to show. Out-of-range pages give the last page
    (`clamp`, for pages people follow) or an empty page (for API clients reading until empty)."""
    paginator = Paginator(_Uses(grouped_uses(person)), per_page)
    if clamp:
        return paginator.get_page(number)
    wanted = int(number or 1)
    if wanted > paginator.num_pages:
        return Page([], wanted, paginator)
    return paginator.page(wanted)


# --- resolving a page in bulk -------------------------------------------------------------------


@dataclass(frozen=True)
class _Actor:
    kind: str
    name: str
    assignments: tuple[StaffAssignment, ...]


def _resolve(rows: list[dict[str, Any]]) -> list[DataUse]:
    actors = _actors({row["actor"] for row in rows if row["actor"]})
    departments = _departments({row["department_code"] for row in rows if row["department_code"]})
    return [_use(row, actors, departments) for row in rows]


def _actors(ids: Iterable[int]) -> dict[int, _Actor]:
    ids = list(ids)
    if not ids:
        return {}
    users = User.objects.filter(pk__in=ids).only("pk", "kind", "name")
    users = users.prefetch_related(
        Prefetch("assignments", queryset=StaffAssignment.objects.select_related("department").order_by("pk"))
    )
    return {
        u.pk: _Actor(
            kind=u.kind,
            name=u.masked_name,
            assignments=tuple(u.assignments.all()) if u.kind == UserKind.STAFF else (),
        )
        for u in users
    }


def _departments(codes: set[str]) -> dict[str, Department]:
    """Departments by code and by credit code (entries carry either)."""
    if not codes:
        return {}
    found: dict[str, Department] = {}
    query = Department.objects.filter(Q(code__in=codes) | Q(credit_code__in=codes)).order_by()
    for department in query.only("pk", "code", "credit_code", "name"):
        found[department.code] = department
        if department.credit_code:
            found[department.credit_code] = department
    return found


def _use(row: dict[str, Any], actors: dict[int, _Actor], departments: dict[str, Department]) -> DataUse:
    action = row["action"]
    case_number = row["number"] or _case_in(row["what"] or "")
    actor = actors.get(row["actor"]) if row["actor"] else None
    kind = _kind(actor, row["actor_label"])
    recorded = departments.get(row["department_code"]) if row["department_code"] else None
    department, role = "", ""
    if kind == ActorKind.STAFF:
        department, role = _department_and_role(actor.assignments if actor else (), action, recorded)
    elif recorded is not None:
        department = recorded.name
    number = staff_number(_actor_id(row)) if kind == ActorKind.STAFF else ""
    name = actor.name if kind == ActorKind.OTHER and actor is not None else ""
    return DataUse(
        at=row["latest"],
        first_at=row["earliest"],
        times=row["times"],
        actor_kind=kind,
        department=department,
        role=role,
        staff_number=number,
        actor_name=name,
        who=_who(kind, role, number, name),
        action=action,
        done=_done(action, case_number),
        purpose=_(row["purpose"]) if row["purpose"] else "",
        case_number=case_number,
    )


def _case_in(what: str) -> str:
    """`cases.selectors.get_case_for` records reads as "case <number>"."""
    return what[len("case ") :] if what.startswith("case ") else ""


def _kind(actor: _Actor | None, label: str) -> str:
    if actor is not None:
        return ActorKind.STAFF if actor.kind == UserKind.STAFF else ActorKind.OTHER
    if label.startswith(f"{UserKind.STAFF}:"):
        return ActorKind.STAFF  # an account removed since: still staff, still its number
    return ActorKind.SYSTEM if label in ("", "system") else ActorKind.OTHER


def _actor_id(row: dict[str, Any]) -> int:
    if row["actor"]:
        return int(row["actor"])
    parts = str(row["actor_label"]).split(":")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def _department_and_role(
    assignments: tuple[StaffAssignment, ...], action: str, recorded: Department | None
) -> tuple[str, str]:
    """Who used it: the department the entry names when the member of staff works there, else
    their own department(s); and the role they hold there (the one the action needs, if named)."""
    here = [a for a in assignments if recorded is not None and a.department_id == recorded.pk]
    if here or not assignments:
        department = recorded.name if recorded is not None else ""
    else:
        here = list(assignments)
        department = "、".join(dict.fromkeys(a.department.name for a in here))
    hinted = [a for a in here if a.role == ACTION_ROLE.get(action)]
    roles = dict.fromkeys(str(StaffRole(a.role).label) for a in (hinted or here))
    return department, "、".join(roles)


def _who(kind: str, role: str, number: str, name: str) -> str:
    """Who used it, in plain words: role and staff number, the platform, or another account."""
    if kind == ActorKind.STAFF:
        if role:
            return _("%(role)s，编号 %(number)s") % {"role": role, "number": number}
        return _("编号 %(number)s") % {"number": number}
    if kind == ActorKind.SYSTEM:
        return _("平台自动处理")
    return name or _("其他账户")


def _done(action: str, case_number: str) -> str:
    if action == READ:
        return _("查看了您的办件") if case_number else _("查看了您的个人信息")
    if action in DONE:
        return str(DONE[action])
    if action.startswith("case."):
        return _("处理了您的办件")
    return _("使用了您的个人信息")
