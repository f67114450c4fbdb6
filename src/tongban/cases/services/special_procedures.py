"""特别程序 and 延期: pauses of the legal clock and extensions approved by the head."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tongban.cases import flow, guards
from tongban.cases.models import (
    Case,
    CaseStatus,
    PauseKind,
)
from tongban.cases.services.common import (
    N_,
    announce_status,
    audit_case,
    in_source_language,
    lock_case,
    save_case,
)
from tongban.timelimits import case_clock as clock


@transaction.atomic
def start_special_procedure(
    *, case: Case, clerk: Any, kind: str, reason: str, expected_version: int, days: int | None = None
) -> Case:
    """特别程序 (听证、现场核查、检验检测、专家评审): the clock stops, with the reason.

    延期 (`kind="extension"`, 行政许可法 Art. 42) does not stop the clock: the head approves `days`
    more working days (default: all that is left of the cap, see `extension_cap`).
    """
    if kind not in PauseKind.values or kind == PauseKind.SUPPLEMENT:
        raise ValidationError(_("请选择特别程序的种类。"), code="pause_kind")
    if not reason.strip():
        raise ValidationError(_("请写明特别程序的原因。"), code="reason_required")
    case = lock_case(case, expected_version)
    guards.check_start_special_procedure(clerk, case, None)
    if kind == PauseKind.EXTENSION:
        _extend(case, clerk=clerk, reason=reason.strip(), days=days)
        return case
    clock.open_pause(case, kind=kind, reason=reason.strip())
    case.status = CaseStatus.SPECIAL_PROCEDURE
    clock.refresh(case)
    save_case(case, "status", "due_on", "warn_on", "clock_state")
    audit_case(case, actor=clerk, action="start_special_procedure", kind=kind, reason=reason)
    announce_status(
        case,
        actor=clerk,
        action="special_procedure",
        label=N_("进入特别程序：%(kind)s（不计入办理时限）") % {"kind": in_source_language(PauseKind(kind).label)},
        comment=reason.strip(),
    )
    return case


def extension_cap(case: Case) -> int:
    """延期上限: working days an approved extension may add in all (行政许可法 Art. 42).

    Settings `TONGBAN["EXTENSION_DAYS"]` (default 10) and, for joint handling — 并联审批 and
    一件事 — `TONGBAN["JOINT_EXTENSION_DAYS"]` (default 15).
    """
    in_bundle = case.bundle_id is not None or case.bundle_case_id is not None  # the bundle or one of its items
    joint = in_bundle or (case.item is not None and case.item.process == flow.PARALLEL_PROCESS)
    if joint:
        return int(settings.TONGBAN.get("JOINT_EXTENSION_DAYS", 15))
    return int(settings.TONGBAN.get("EXTENSION_DAYS", 10))


def _extend(case: Case, *, clerk: Any, reason: str, days: int | None) -> None:
    cap = extension_cap(case)
    left = cap - case.extended_days
    if left <= 0:
        raise ValidationError(
            _("该办件已延期 %(used)s 个工作日，达到延期上限（%(cap)s 个工作日），不能再延期。")
            % {"used": case.extended_days, "cap": cap},
            code="extension_cap",
        )
    days = left if days is None else days
    if days < 1 or days > left:
        raise ValidationError(
            _("延期天数须为 1 至 %(left)s 个工作日（上限 %(cap)s 个工作日，已延期 %(used)s 个）。")
            % {"left": left, "cap": cap, "used": case.extended_days},
            code="extension_cap",
        )
    case.extended_days += days
    case.limit_days += days
    clock.refresh(case)
    save_case(case, "extended_days", "limit_days", "due_on", "warn_on", "clock_state")
    audit_case(case, actor=clerk, action="extend", days=days, extended_days=case.extended_days, reason=reason)
    announce_status(
        case,
        actor=clerk,
        action="extend",
        label=N_("经负责人批准延期 %(days)s 个工作日，办结期限至 %(due)s") % {"days": days, "due": case.due_on},
        comment=reason,
    )


@transaction.atomic
def end_special_procedure(*, case: Case, clerk: Any, expected_version: int) -> Case:
    """特别程序结束: the clock runs again (of two heads ending it at once, one gets Conflict)."""
    case = lock_case(case, expected_version)
    guards.check_end_special_procedure(clerk, case, None)
    clock.close_pauses(case)
    case.status = CaseStatus.IN_REVIEW
    clock.refresh(case)
    save_case(case, "status", "due_on", "warn_on", "clock_state")
    audit_case(case, actor=clerk, action="end_special_procedure")
    announce_status(case, actor=clerk, action="special_procedure_end", label=N_("特别程序结束，恢复计时"))
    return case
