"""Reads of cases: to-do lists, my cases, visible-case look-up, the public progress page, forms."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404

from tongban.accounts.models import StaffRole, UserKind
from tongban.accounts.permissions import assignments, can
from tongban.cases import numbers
from tongban.cases.material_sources import find_materials
from tongban.cases.models import (
    CASE_NUMBER_KEY,
    FINAL_STATUSES,
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseStatus,
    CaseTask,
    ClockState,
    Draft,
    MaterialFile,
    Supervision,
    Supplement,
    TaskStatus,
)
from tongban.cases.permissions import answers_supervision
from tongban.cases.schema import form_schema_for, merged_form_for, share_form_for
from tongban.catalog.form_order import ordered_properties
from tongban.catalog.models import Bundle, Material, ServiceItem
from tongban.core import audit, crypto
from tongban.core.masking import mask_bank_card, mask_id_number, mask_mobile, mask_name, mask_personal_data
from tongban.orgs.selectors import departments_within

__all__ = [
    "MaterialNeed",
    "ProgressView",
    "applicant_actions",
    "cases_of",
    "form_schema_for",
    "get_case_for",
    "materials_needed",
    "merged_form_for",
    "merged_materials_for",
    "open_supplement",
    "oversight_for",
    "progress",
    "query_code_for",
    "supervisions_for",
    "todo_for",
]

_CASE_RELATED = ("item", "bundle", "department__region", "applicant", "acting_for", "process_version")


def todo_for(
    *, clerk: Any, status: str | None = None, order: str = "due_on"
) -> tuple[QuerySet[CaseTask], dict[str, int]]:
    """待办: open tasks of the clerk's departments and roles (intake tasks also at the comprehensive window)."""
    condition = Q(pk__in=[])
    for a in assignments(clerk):
        if a.role in (StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR, StaffRole.DATA_OFFICER):
            continue
        condition |= Q(department_id=a.department_id, role=a.role)
        if a.role == StaffRole.INTAKE_CLERK:
            condition |= Q(role=a.role, department__region__path__startswith=a.scope.path + "/")
            condition |= Q(role=a.role, department__region=a.scope)
        if a.role == StaffRole.DEPARTMENT_HEAD:
            condition |= Q(department_id=a.department_id)
    tasks = CaseTask.objects.filter(condition).exclude(status=TaskStatus.DONE)
    if status:
        tasks = tasks.filter(status=status)
    tasks = tasks.select_related(
        "case__item", "case__bundle", "case__applicant", "case__department__region", "department__region", "claimed_by"
    )
    ordering = {"due_on": ("case__due_on", "created_at"), "created": ("created_at",)}.get(order, ("case__due_on",))
    counts = tasks.aggregate(
        total=Count("pk"),
        yellow=Count("pk", filter=Q(case__clock_state=ClockState.YELLOW)),
        red=Count("pk", filter=Q(case__clock_state=ClockState.RED)),
    )
    return tasks.order_by(*ordering), {k: int(v or 0) for k, v in counts.items()}


def oversight_for(
    *, user: Any, state: str | None = None, order: str = "due_on"
) -> tuple[QuerySet[Case], dict[str, int]]:
    """电子监察: the open cases turned yellow (预警) or red (超期) that `user` oversees, with counts.

    Supervisors and administrators see the cases of every department in their region scope; a
    department head sees their department's. Anyone else sees none. `state` narrows to
    "yellow" or "red"; bundle parents count like any case.
    """
    condition = Q(pk__in=[])
    for a in assignments(user):
        if a.role in (StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR):
            condition |= Q(department__in=departments_within(a.scope))
        elif a.role == StaffRole.DEPARTMENT_HEAD and a.department.region.is_within(a.scope):
            condition |= Q(department_id=a.department_id)
    cases = Case.objects.filter(condition, status__in=OPEN_STATUSES).exclude(clock_state=ClockState.GREEN)
    counts = cases.aggregate(
        total=Count("pk"),
        yellow=Count("pk", filter=Q(clock_state=ClockState.YELLOW)),
        red=Count("pk", filter=Q(clock_state=ClockState.RED)),
    )
    if state in (ClockState.YELLOW, ClockState.RED):
        cases = cases.filter(clock_state=state)
    ordering = {"due_on": ("due_on", "pk"), "department": ("department__name", "due_on", "pk")}.get(
        order, ("due_on", "pk")
    )
    cases = cases.select_related("item", "bundle", "applicant", "department__region").prefetch_related(
        "clock_pauses", "supervisions"
    )
    cases = cases.order_by(*ordering)
    return cases, {k: int(v or 0) for k, v in counts.items()}


def oversees_any(user: Any) -> bool:
    """Whether the oversight list (电子监察) is for this member of staff."""
    return can(user, "cases.oversee")


def tasks_with_departments() -> Prefetch:
    """A case's tasks with what the permission and action checks read of them (department, holder)."""
    return Prefetch("tasks", queryset=CaseTask.objects.select_related("department__region", "claimed_by"))


def get_case_for(*, user: Any, number: str, purpose: str = "办件办理") -> Case:
    """The case if `user` may see it, else 404 (never tells whether it exists). Staff reads are audited.

    The case comes with its decision document, if any (`decision_documents.document_of`), and for staff
    with its tasks and their departments (one query), which the permission check, the audit entry's
    department and the action table all read."""
    case = Case.objects.select_related(*_CASE_RELATED, "decision_document").filter(number=number).first()
    if case is not None and getattr(user, "kind", None) == UserKind.STAFF:
        prefetch_related_objects([case], tasks_with_departments())
    if case is None or not can(user, "cases.view", case):
        raise Http404
    if user.kind == UserKind.STAFF:
        audit.record_data_access(
            actor=user,
            data_subject=case.applicant,
            purpose=purpose,
            what=f"case {case.number}",
            department_code=reading_department_code(user, case),
            number=case.number,
        )
    return case


def load_case_page(case: Case) -> Case:
    """Fetch once, with what is shown of each, what the console case page reads several times: the
    clock's pauses, the materials, the history with its actors, the 督办 with who issued, received and
    answered them, the tasks with their departments. Returns the case."""
    prefetch_related_objects(
        [case],
        "clock_pauses",
        "materials",
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        Prefetch(
            "supervisions",
            queryset=Supervision.objects.select_related("issued_by", "department__region", "clerk", "replied_by"),
        ),
        tasks_with_departments(),
    )
    return case


def cases_of(*, applicant: Any) -> QuerySet[Case]:
    """我的办件: cases the person applied for (or for a company they act for); bundle children fold in."""
    return (
        Case.objects.filter(Q(applicant=applicant) | Q(acting_for__representatives__person=applicant))
        .filter(bundle_case__isnull=True)
        .select_related("item", "bundle", "department")
        .prefetch_related("clock_pauses")  # the time status of each case (API) reads its pauses
        .distinct()
        .order_by("-submitted_at", "-pk")
    )


def query_code_for(case: Case, user: Any) -> str:
    """The applicant sees their query code again; nobody else does."""
    if not case.query_code_encrypted or not can(user, "cases.withdraw", case):
        return ""
    return crypto.decrypt(case.query_code_encrypted)


def open_supplement(case: Case) -> Supplement | None:
    """What is asked of the applicant now (补正), if anything."""
    if case.status != CaseStatus.SUPPLEMENT_REQUESTED:
        return None
    return case.supplements.filter(answered_at__isnull=True).first()


@dataclass(frozen=True)
class TimelineEntry:
    """One public step as stored; shown through `event_labels` in the reader's language."""

    at: datetime
    label: str
    comment: str
    action: str = ""


@dataclass(frozen=True)
class ProgressView:
    """办件进度 as anyone with number + query code sees it: the applicant masked, public steps only."""

    number: str
    title: str
    department: str
    applicant: str
    status: str
    status_label: str
    submitted_at: datetime
    accepted_at: datetime | None
    due_on: date | None
    time_status: str
    decision: str
    rule: str
    timeline: list[TimelineEntry] = field(default_factory=list)
    parts: list[ProgressView] = field(default_factory=list)


def _progress_view(case: Case) -> ProgressView:
    time_status, _ratio = case.time_status
    return ProgressView(
        number=case.number,
        title=case.title,
        department=case.department.name,
        applicant=case.masked_applicant_name,
        status=case.status,
        status_label=str(case.get_status_display()),
        submitted_at=case.submitted_at,
        accepted_at=case.accepted_at,
        due_on=case.due_on,
        time_status=time_status,
        decision=case.decision,
        rule=case.rule,
        timeline=[
            TimelineEntry(at=e.at, label=e.label, comment=e.comment, action=e.action)
            for e in case.events.all()
            if e.public
        ],
        parts=[_progress_view(c) for c in case.children.select_related(*_CASE_RELATED).order_by("position")],
    )


def progress(*, number: str, query_code: str) -> ProgressView | None:
    """None for a wrong code and for an unknown number alike. The number matches in any case, with or
    without hyphens and spaces, full-width or not (`numbers.normalise_case_number`)."""
    number = numbers.normalise_case_number(number)
    case = (
        Case.objects.select_related(*_CASE_RELATED).alias(number_key=CASE_NUMBER_KEY).filter(number_key=number).first()
    )
    if case is None:
        numbers.query_code_hash(number, query_code)  # same work either way
        return None
    if not numbers.query_code_matches(case.number, query_code, case.query_code_hash):
        return None
    return _progress_view(case)


def applicant_actions(*, case: Case, user: Any) -> set[str]:
    """What the applicant may do now: 撤回 (withdraw) before the decision, 补正 (supplement) when asked.

    Staff actions come from the action table (`cases.actions.allowed_actions`).
    """
    found: set[str] = set()
    if user.kind == UserKind.STAFF or case.status in FINAL_STATUSES:
        return found
    if can(user, "cases.withdraw", case) and case.status in OPEN_STATUSES:
        found.add("withdraw")
    if case.status == CaseStatus.SUPPLEMENT_REQUESTED and can(user, "cases.supplement", case):
        found.add("supplement")
    return found


def supervisions_for(*, clerk: Any) -> list[Supervision]:
    """督办 waiting for `clerk`'s answer (named to them, or to their department), soonest due first."""
    departments = [a.department_id for a in assignments(clerk, (StaffRole.HANDLING_CLERK, StaffRole.DEPARTMENT_HEAD))]
    found = (
        Supervision.objects.filter(Q(clerk=clerk) | Q(department_id__in=departments), replied_at__isnull=True)
        .select_related("case__item", "case__bundle", "case__applicant", "department__region", "issued_by", "clerk")
        .order_by("reply_due_on", "pk")
    )
    return [s for s in found if answers_supervision(clerk, s)]


@dataclass(frozen=True)
class MaterialNeed:
    """One line of the material list, and whether the applicant must bring it."""

    name: str
    required: bool
    held_by_government: bool
    source: str
    reusable_file: MaterialFile | None
    produced_by: str = ""
    note: str = ""

    @property
    def must_upload(self) -> bool:
        return self.required and not self.held_by_government and self.reusable_file is None and not self.produced_by


_MATERIAL_LISTS: dict[tuple[int, str], list[Material]] = {}
_MATERIAL_LISTS_MAX = 10_000


def material_list_of(item: ServiceItem) -> list[Material]:
    """The item's material list (申请材料), cached per process by the item's content hash.

    The hash covers the whole catalogue record, materials included, and changes with every import or
    edit that changes them, so a cached list is never stale. Items without a hash are not cached.
    """
    if not item.content_hash:
        return list(item.materials.all())
    key = (item.pk, item.content_hash)
    found = _MATERIAL_LISTS.get(key)
    if found is None:
        found = list(item.materials.all())
        if len(_MATERIAL_LISTS) >= _MATERIAL_LISTS_MAX:
            _MATERIAL_LISTS.clear()
        _MATERIAL_LISTS[key] = found
    return found


def materials_needed(*, item: ServiceItem, applicant: Any) -> list[MaterialNeed]:
    needs = []
    materials = material_list_of(item)
    found_all = find_materials(materials=materials, applicant=applicant) if applicant is not None else {}
    for material in materials:
        found = found_all.get(material.pk)
        if found is not None:
            source = found.description
        elif material.government_held:
            source = "政府部门已有，免于提交"
        else:
            source = "申请人提供"
        needs.append(
            MaterialNeed(
                name=material.name,
                required=material.required,
                held_by_government=material.government_held,
                source=source,
                reusable_file=found.material_file if found is not None else None,
                note=material.note,
            )
        )
    return needs


def produced_in_bundle(bundle: Bundle) -> dict[str, str]:
    """Result name → item code, for the items of the bundle (a later item reuses an earlier result)."""
    produced: dict[str, str] = {}
    for link in bundle.bundle_items.select_related("item").order_by("position"):
        name = (link.item.result or {}).get("name")
        if name:
            produced.setdefault(name, link.item.code)
    return produced


def merged_materials_for(bundle: Bundle, applicant: Any = None) -> list[MaterialNeed]:
    """一套材料: each material once; one that an earlier item of the bundle produces is not asked for."""
    produced = produced_in_bundle(bundle)
    seen: dict[str, MaterialNeed] = {}
    for link in bundle.bundle_items.select_related("item").order_by("position"):
        for need in materials_needed(item=link.item, applicant=applicant):
            maker = produced.get(need.name, "")
            if maker == link.item.code:
                maker = ""
            if need.name in seen:
                old = seen[need.name]
                if need.required and not old.required:
                    seen[need.name] = MaterialNeed(**{**old.__dict__, "required": True})
                continue
            seen[need.name] = MaterialNeed(**{**need.__dict__, "produced_by": maker})
    return list(seen.values())


def draft_of(*, applicant: Any, key: str) -> Draft | None:
    """The applicant's own unsubmitted draft by its key (resume on another device)."""
    return (
        Draft.objects.select_related("item", "bundle")
        .filter(applicant=applicant, key=key, submitted_case__isnull=True)
        .first()
    )


def latest_draft(*, applicant: Any, item: ServiceItem | None = None, bundle: Bundle | None = None) -> Draft | None:
    drafts = Draft.objects.filter(applicant=applicant, submitted_case__isnull=True)
    drafts = drafts.filter(item=item) if item is not None else drafts.filter(bundle=bundle)
    return drafts.order_by("-updated_at").first()


def drafts_of(*, applicant: Any) -> QuerySet[Draft]:
    return Draft.objects.filter(applicant=applicant, submitted_case__isnull=True).select_related("item", "bundle")


def draft_materials(*, draft: Draft) -> list[MaterialFile]:
    return list(draft.materials.filter(case__isnull=True).order_by("pk"))


def timeline_of(*, case: Case, public_only: bool = True) -> list[CaseEvent]:
    events = case.events.select_related("actor")
    return list(events.filter(public=True) if public_only else events)


def materials_of(*, case: Case) -> list[MaterialFile]:
    return list(case.materials.order_by("pk"))


def children_of(*, case: Case) -> list[Case]:
    return list(case.children.select_related("item", "department").order_by("position"))


def form_schema_of_case(case: Case) -> dict[str, Any]:
    """The form a case was filled in with: its item's (for an item of a bundle, its share of the
    bundle's merged form), or the merged form of its bundle."""
    if case.item is not None:
        parent = case.bundle_case if case.bundle_case_id is not None else None
        if parent is not None and parent.bundle is not None:
            return share_form_for(parent.bundle, case.item)
        return form_schema_for(case.item)
    if case.bundle is not None:
        return merged_form_for(case.bundle)
    return {}


_ID_LIKE = re.compile(r"^\d{17}[\dXx]$")
_MOBILE_LIKE = re.compile(r"^1\d{10}$")


def _masked_answer(name: str, title: str, value: Any) -> Any:
    """One answer as shown: a whole-field ID, mobile or card number, or an adult's name, masked; any
    personal number inside free text or a list or object, at any depth, masked too (core.masking)."""
    if isinstance(value, dict | list):
        return mask_personal_data(value)
    if not isinstance(value, str | int) or isinstance(value, bool):
        return value
    text = str(value).strip()
    if _ID_LIKE.match(text):
        return mask_id_number(text)
    if _MOBILE_LIKE.match(text):
        return mask_mobile(text)
    lowered = name.lower()
    if ("account" in lowered or "card" in lowered or "账号" in title or "卡号" in title) and text.isdigit():
        return mask_bank_card(text)
    if "姓名" in title and name != "child_name" and isinstance(value, str):
        return mask_name(text)
    return mask_personal_data(value)


def masked_answers(case: Case, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """A case's answers for display, in the form's order (then any the form lacks): ID, mobile and
    card numbers and adults' names masked. `schema`: the case's form when the caller has it already.

    Pages and API answers show these; the whole values stay in the case for the services.
    """
    properties = ordered_properties(form_schema_of_case(case) if schema is None else schema)
    answers = case.answers or {}
    names = [*(n for n in properties if n in answers), *(n for n in answers if n not in properties)]
    return {
        name: _masked_answer(name, str((properties.get(name) or {}).get("title") or name), answers[name])
        for name in names
    }


def open_case_of(*, applicant: Any, item: ServiceItem, acting_for: Any = None) -> Case | None:
    """The case for `item` still being handled of this person for themselves — or, with `acting_for`,
    of that company, whoever applied for it — if any (重复申请)."""
    whose = (
        Q(acting_for=acting_for) | Q(applicant=acting_for)
        if acting_for is not None
        else Q(applicant=applicant, acting_for__isnull=True)
    )
    return (
        Case.objects.filter(whose, item=item, status__in=OPEN_STATUSES)
        .only("pk", "number", "status")
        .order_by("-pk")
        .first()
    )


def reading_department_code(user: Any, case: Case) -> str:
    """The department a clerk reads a case for: the case's (or one of its tasks') if they work there,
    else their own first department (a window clerk, a supervisor)."""
    codes = [a.department.code for a in assignments(user) if a.department is not None]
    for department in (case.department, *(t.department for t in case.tasks.all())):
        if department.code in codes:
            return department.code
    return codes[0] if codes else ""
