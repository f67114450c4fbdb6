"""The API bodies of the staff actions (see `cases.actions`): one schema per action, and `arguments()`
— the keyword arguments of the action's service, as `action_forms` gives them for the console.

Fields the service checks itself (a reason, a decision text …) default to empty, so that a request
that may not act is answered 403/404 before its body is judged, and a missing value gets the
service's own message.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Schema

from tongban.accounts.models import User, UserKind
from tongban.orgs.models import Department


class ActionIn(Schema):
    """An action without anything to say."""

    def target_id(self) -> int | None:
        """The task or 督办 the request names, if the action works on one."""
        return None

    def arguments(self) -> dict[str, Any]:
        """The service's keyword arguments (values of several types, hence `Any`)."""
        return self.model_dump()


class VersionIn(ActionIn):
    expected_version: int = Field(description="the case's `version` as the caller saw it (乐观锁)")


class TaskIn(ActionIn):
    """认领 / 退回: a task of the case (default: the first one the caller may act on)."""

    expected_version: int = Field(description="the task's `version` as the caller saw it")
    task_id: int | None = None

    def target_id(self) -> int | None:
        return self.task_id

    def arguments(self) -> dict[str, Any]:
        return {"expected_version": self.expected_version}


class RefuseAtIntakeIn(VersionIn):
    reasons: list[str] = []
    legal_basis: str = ""


class SupplementItemIn(Schema):
    material: str = Field("", description="a material of the list, or")
    field: str = Field("", description="a form field's key, or a heading such as 其他问题")
    reason: str = ""


class SupplementRequestIn(VersionIn):
    items: list[SupplementItemIn] = []
    note: str = ""


class ReviewIn(VersionIn):
    agree: bool = False
    comment: str = ""


class DecideIn(VersionIn):
    approve: bool = False
    decision_text: str = ""


class TransferIn(VersionIn):
    department_code: str = ""
    reason: str = ""

    def arguments(self) -> dict[str, Any]:
        department = Department.objects.filter(code=self.department_code).first()
        if department is None:
            raise ValidationError(_("没有找到要移交的部门。"), code="unknown_department")
        return {"department": department, "reason": self.reason, "expected_version": self.expected_version}


class SpecialProcedureIn(VersionIn):
    kind: str = Field("", description="hearing | inspection | testing | expert_review | extension")
    reason: str = ""
    days: int | None = None


class ReasonIn(VersionIn):
    reason: str = ""


class DeliveryIn(VersionIn):
    note: str = ""


class SuperviseIn(ActionIn):
    instruction: str = ""
    reply_within_days: int = Field(3, description="working days the department has to answer")
    clerk: str = Field("", description="username of the clerk it is addressed to (default: the department)")

    def arguments(self) -> dict[str, Any]:
        clerk = None
        if self.clerk:
            clerk = User.objects.filter(username=self.clerk, kind=UserKind.STAFF).first()
            if clerk is None:
                raise ValidationError(_("没有找到该工作人员。"), code="unknown_clerk")
        return {"instruction": self.instruction, "reply_within_days": self.reply_within_days, "clerk": clerk}


class SupervisionReplyIn(ActionIn):
    supervision_id: int | None = Field(None, description="default: the first open 督办 addressed to the caller")
    reply: str = ""

    def target_id(self) -> int | None:
        return self.supervision_id

    def arguments(self) -> dict[str, Any]:
        return {"reply": self.reply}
