"""督办: a supervisor (电子监察) or the department head instructs the handling department — and, if
named, a clerk — on a case, with a reply deadline in working days; the department answers.

Both steps are internal: they appear in the case's history for staff and on the to-do list of those
who answer, never on the applicant's pages or the public progress look-up.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.models import StaffRole, User
from tongban.accounts.permissions import acts_in_department
from tongban.cases import guards
from tongban.cases.errors import Conflict
from tongban.cases.models import Case, Supervision
from tongban.cases.services.common import N_, audit_case, record_event
from tongban.timelimits import calendar

#: A reply is due within 1 to this many working days.
LONGEST_REPLY_DAYS = 20
CLERK_ROLES = (StaffRole.HANDLING_CLERK, StaffRole.DEPARTMENT_HEAD)


@transaction.atomic
def supervise_case(
    *, case: Case, supervisor: User, instruction: str, reply_within_days: int, clerk: User | None = None
) -> Supervision:
    """督办: record the instruction to the case's department (and `clerk`, one of its handling clerks
    or heads) with a reply due `reply_within_days` working days from today."""
    instruction = (instruction or "").strip()
    if not instruction:
        raise ValidationError(_("请写明督办意见。"), code="instruction_required")
    if not 1 <= reply_within_days <= LONGEST_REPLY_DAYS:
        raise ValidationError(
            _("答复期限须为 1 至 %(n)s 个工作日。") % {"n": LONGEST_REPLY_DAYS}, code="reply_within_days"
        )
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("department__region", "applicant").get(pk=case.pk)
    )
    guards.check_supervise(supervisor, case, None)
    if clerk is not None and not acts_in_department(clerk, case.department, CLERK_ROLES):
        raise ValidationError(
            _("%(name)s不是%(department)s的办理人员。") % {"name": clerk.name, "department": case.department.name},
            code="clerk_not_in_department",
        )
    due = calendar.add_working_days(timezone.localdate(), reply_within_days)
    supervision = Supervision.objects.create(
        case=case,
        issued_by=supervisor,
        department=case.department,
        clerk=clerk,
        instruction=instruction,
        reply_within_days=reply_within_days,
        reply_due_on=due,
    )
    to = case.department.name + (f"（{clerk.name}）" if clerk is not None else "")
    record_event(
        case,
        actor=supervisor,
        action="supervise",
        label=N_("督办：请%(to)s于 %(due)s 前答复") % {"to": to, "due": due.isoformat()},
        comment=instruction,
        public=False,
    )
    audit_case(
        case,
        actor=supervisor,
        action="supervise",
        purpose=N_("电子监察督办"),
        supervision=supervision.pk,
        clerk=clerk.pk if clerk is not None else None,
        reply_due_on=due.isoformat(),
    )
    return supervision


@transaction.atomic
def reply_to_supervision(*, supervision: Supervision, clerk: User, reply: str) -> Supervision:
    """督办答复: the named clerk or the department answers, once."""
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError(_("请填写督办答复。"), code="reply_required")
    supervision = (
        Supervision.objects.select_for_update(of=("self",))
        .select_related("case__department__region", "case__applicant", "department__region")
        .get(pk=supervision.pk)
    )
    case = supervision.case
    guards.check_reply_supervision(clerk, case, supervision)
    now = timezone.now()
    if not Supervision.objects.filter(pk=supervision.pk, replied_at__isnull=True).update(
        reply=reply, replied_by=clerk, replied_at=now
    ):
        raise Conflict(_("这条督办已经答复。"))
    supervision.refresh_from_db()
    record_event(case, actor=clerk, action="supervision_reply", label=N_("督办答复"), comment=reply, public=False)
    audit_case(case, actor=clerk, action="reply_supervision", supervision=supervision.pk)
    return supervision
