"""Cases, built through `cases.services` so each trait is a state the services leave behind.

`CaseFactory()` submits an application (with a PDF for each material the applicant must upload);
the traits then act as the clerks would, each clerk a member of staff of the case's department with
the right role (found or made by `staff_of`):

- `accepted` — 受理 by the intake clerk;
- `in_review` — accepted, then one review (审查通过) by a handling clerk: the head's decision is next;
- `supplement_requested` — 一次性告知补正 at intake; the clock of an accepted case is not running yet;
- `approved` / `refused` — reviewed and decided by the head (并联审批: every department reviewed);
- `refused_at_intake` — 不予受理 with reasons and legal basis;
- `withdrawn` — withdrawn by the applicant before the decision;
- `yellow` / `overdue` — accepted long enough ago that the daily scan turned it yellow (one working
  day left) or red (three working days late); the acceptance day is moved back, then
  `scan_deadlines` runs;
- `window` — filed at the comprehensive window by an intake clerk (accepted on the spot);
- `for_company` — applied for by a company's legal representative (`acting_for`);
- `bundle_child` — the item's case inside a 一件事 submitted with one more item.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from tests.factories.accounts import CitizenFactory, CompanyFactory, staff_of
from tests.factories.catalog import BundleFactory, ServiceItemFactory
from tongban.accounts.models import StaffRole, User
from tongban.cases import services
from tongban.cases.models import Case, CaseStatus, TaskStatus
from tongban.cases.selectors import materials_needed, merged_materials_for
from tongban.catalog.models import Bundle, ServiceItem
from tongban.timelimits import calendar, case_clock

STATES = (
    "submitted",
    "accepted",
    "in_review",
    "supplement_requested",
    "approved",
    "refused",
    "refused_at_intake",
    "withdrawn",
)
_PDF: list[bytes] = []


def pdf_bytes() -> bytes:
    """A small valid one-page PDF (made once per process)."""
    if not _PDF:
        writer = PdfWriter()
        writer.add_blank_page(width=200, height=200)
        out = io.BytesIO()
        writer.write(out)
        _PDF.append(out.getvalue())
    return _PDF[0]


def pdf_upload(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def uploads_for(names: list[str]) -> list[tuple[str, SimpleUploadedFile]]:
    return [(name, pdf_upload(f"material-{i}.pdf")) for i, name in enumerate(names)]


def must_upload(*, item: ServiceItem | None = None, bundle: Bundle | None = None, applicant: Any) -> list[str]:
    """The materials the applicant has to upload for the item (or bundle)."""
    needs = (
        merged_materials_for(bundle, applicant)
        if bundle is not None
        else materials_needed(item=item, applicant=applicant)
    )
    return [n.name for n in needs if n.must_upload]


def fresh(case: Case) -> Case:
    return Case.objects.select_related("item", "department__region", "applicant").get(pk=case.pk)


def working_days_ago(n: int) -> dt.date:
    """The day n working days before today (today counted when it is a working day)."""
    today = timezone.localdate()
    day = today
    while calendar.working_days_between(day, today) < n:
        day -= dt.timedelta(days=1)
    return day


class _Clerks:
    """The members of staff who act on a case: given ones first, else found or made per department."""

    def __init__(self, given: dict[str, User | None]) -> None:
        self.given = given

    def of(self, role: str, department: Any) -> User:
        user = self.given.get(role)
        return user if user is not None else staff_of(department, role)


def _open_tasks(case: Case) -> list[Any]:
    return list(case.tasks.exclude(status=TaskStatus.DONE).select_related("department").order_by("pk"))


def _accept(case: Case, clerks: _Clerks) -> Case:
    if case.status == CaseStatus.SUBMITTED:
        clerk = clerks.of(StaffRole.INTAKE_CLERK, case.department)
        services.accept_case(case=case, clerk=clerk, expected_version=case.version)
    return fresh(case)


def _review_once(case: Case, clerks: _Clerks, *, agree: bool) -> Case:
    task = next(t for t in _open_tasks(case) if t.bpmn_id in ("review", "department_review"))
    clerk = clerks.of(StaffRole.HANDLING_CLERK, task.department)
    services.review_case(
        case=case, clerk=clerk, agree=agree, comment="" if agree else "材料不符合要求", expected_version=case.version
    )
    return fresh(case)


def _decide(case: Case, clerks: _Clerks, *, approve: bool) -> Case:
    """Review what is left to review, then decide (the head; 即办 without rules: the handling clerk)."""
    while case.is_open:
        tasks = _open_tasks(case)
        reviews = [t for t in tasks if t.bpmn_id in ("review", "department_review")]
        if reviews:
            case = _review_once(case, clerks, agree=approve or len(reviews) > 1)
            continue
        task = next(t for t in tasks if t.bpmn_id in ("decide", "manual_review"))
        role = StaffRole.HANDLING_CLERK if task.bpmn_id == "manual_review" else StaffRole.DEPARTMENT_HEAD
        services.decide_case(
            case=case,
            clerk=clerks.of(role, case.department),
            approve=approve,
            decision_text="符合法定条件，准予许可。" if approve else "申请材料不符合法定条件，不予许可。",
            expected_version=case.version,
        )
        case = fresh(case)
    return case


def advance(case: Case, state: str, clerks: _Clerks) -> Case:
    """Act as the clerks (or the applicant) until the case is in `state`."""
    if state not in STATES:
        raise ValueError(f"unknown case state {state!r}; one of {STATES}")
    case = fresh(case)
    if state == "submitted" or not case.is_open:
        return case
    if state == "withdrawn":
        services.withdraw_case(case=case, applicant=case.applicant, reason="申请人不再需要办理")
        return fresh(case)
    intake = clerks.of(StaffRole.INTAKE_CLERK, case.department)
    if state == "refused_at_intake":
        services.refuse_at_intake(
            case=case,
            clerk=intake,
            reasons=["不属于本部门职权范围"],
            legal_basis="《中华人民共和国行政许可法》第三十二条",
            expected_version=case.version,
        )
        return fresh(case)
    if state == "supplement_requested":
        services.request_supplement(
            case=case,
            clerk=intake,
            items=[{"field": "经营面积（平方米）", "reason": "与平面图不一致"}],
            note="请一次性补正。",
            expected_version=case.version,
        )
        return fresh(case)
    case = _accept(case, clerks)
    if state == "accepted" or not case.is_open:
        return case
    if state == "in_review":
        return _review_once(case, clerks, agree=True)
    return _decide(case, clerks, approve=state == "approved")


def age_clock(case: Case, clock: str) -> Case:
    """Move the acceptance back so that today the case is yellow (one working day left) or red
    (three working days late), then let the daily scan flag it and tell the watchers."""
    if clock not in ("yellow", "red"):
        raise ValueError(f"clock must be 'yellow' or 'red', not {clock!r}")
    limit = case.limit_days
    days = limit - 1 if clock == "yellow" else limit + 3
    day = working_days_ago(days)
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    Case.objects.filter(pk=case.pk).update(accepted_at=when, submitted_at=when)
    case = fresh(case)
    case_clock.refresh(case)
    case.save(update_fields=["due_on", "warn_on"])
    services.scan_deadlines()
    return fresh(case)


class CaseFactory(factory.Factory):
    """办件 of a new citizen for a new item; see the module docstring for the traits.

    `uploads` are the material names to upload (default: those the applicant must upload).
    `intake_clerk`, `handling_clerk`, `head` choose who acts (default: staff of the department).
    """

    class Meta:
        model = Case

    class Params:
        submitted = factory.Trait(state="submitted")
        accepted = factory.Trait(state="accepted")
        in_review = factory.Trait(state="in_review")
        supplement_requested = factory.Trait(state="supplement_requested")
        approved = factory.Trait(state="approved")
        refused = factory.Trait(state="refused")
        refused_at_intake = factory.Trait(state="refused_at_intake")
        withdrawn = factory.Trait(state="withdrawn")
        yellow = factory.Trait(clock="yellow")
        overdue = factory.Trait(clock="red")
        window = factory.Trait(channel="window")
        bundle_child = factory.Trait(in_bundle=True)
        for_company = factory.Trait(
            acting_for=factory.SubFactory(CompanyFactory),
            applicant=factory.LazyAttribute(lambda o: o.acting_for.legal_representative),
        )

    item = factory.SubFactory(ServiceItemFactory)
    applicant = factory.SubFactory(CitizenFactory, verified=True)
    acting_for = None
    answers = factory.LazyFunction(dict)
    uploads = None
    channel = "web"
    state = "submitted"
    clock = ""
    in_bundle = False
    bundle = None
    intake_clerk = None
    handling_clerk = None
    head = None

    @classmethod
    def _build(cls, model_class: type[Case], *args: Any, **kwargs: Any) -> Case:
        raise TypeError("CaseFactory only creates: a case exists once the services made it")

    @classmethod
    def _create(cls, model_class: type[Case], *args: Any, **kwargs: Any) -> Case:
        clerks = _Clerks(
            {
                StaffRole.INTAKE_CLERK: kwargs.pop("intake_clerk"),
                StaffRole.HANDLING_CLERK: kwargs.pop("handling_clerk"),
                StaffRole.DEPARTMENT_HEAD: kwargs.pop("head"),
            }
        )
        state, clock = kwargs.pop("state"), kwargs.pop("clock")
        if clock and state == "submitted":
            state = "accepted"
        item, applicant = kwargs["item"], kwargs["applicant"]
        names = kwargs["uploads"]
        if kwargs.pop("in_bundle") or kwargs["bundle"] is not None:
            bundle = kwargs["bundle"] or BundleFactory(items=[item, ServiceItemFactory()])
            names = must_upload(bundle=bundle, applicant=applicant) if names is None else names
            parent = services.submit_bundle(
                applicant=applicant,
                bundle=bundle,
                answers=kwargs["answers"],
                uploads=uploads_for(names),
                idempotency_key=uuid.uuid4().hex,
                channel=kwargs["channel"],
            )
            case = parent.children.get(item=item)
        elif kwargs["channel"] == "window":
            names = must_upload(item=item, applicant=applicant) if names is None else names
            case = services.file_at_window(
                clerk=clerks.of(StaffRole.INTAKE_CLERK, item.department),
                person_name=applicant.name,
                id_number=applicant.id_number,
                phone=applicant.phone,
                item=item,
                answers=kwargs["answers"],
                uploads=uploads_for(names),
                consent=True,
                idempotency_key=uuid.uuid4().hex,
            )
        else:
            names = must_upload(item=item, applicant=applicant) if names is None else names
            case = services.submit_application(
                applicant=applicant,
                item=item,
                answers=kwargs["answers"],
                uploads=uploads_for(names),
                idempotency_key=uuid.uuid4().hex,
                channel=kwargs["channel"],
                acting_for=kwargs["acting_for"],
            )
        query_code = getattr(case, "query_code_plain", "")
        case = advance(case, state, clerks)
        if clock:
            case = age_clock(case, clock)
        case.query_code_plain = query_code  # type: ignore[attr-defined]
        return case


class BundleCaseFactory(factory.Factory):
    """一件事 submitted by a citizen: the parent case (its children: `case.children`)."""

    class Meta:
        model = Case

    bundle = factory.SubFactory(BundleFactory)
    applicant = factory.SubFactory(CitizenFactory, verified=True)
    answers = factory.LazyFunction(dict)
    uploads = None

    @classmethod
    def _create(cls, model_class: type[Case], *args: Any, **kwargs: Any) -> Case:
        bundle, applicant = kwargs["bundle"], kwargs["applicant"]
        names = kwargs["uploads"]
        names = must_upload(bundle=bundle, applicant=applicant) if names is None else names
        return services.submit_bundle(
            applicant=applicant,
            bundle=bundle,
            answers=kwargs["answers"],
            uploads=uploads_for(names),
            idempotency_key=uuid.uuid4().hex,
        )
