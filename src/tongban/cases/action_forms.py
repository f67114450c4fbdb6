"""The console forms of the staff actions (see `cases.actions`): validation at the edge, messages in
the user's language, and `arguments()` — the keyword arguments of the action's service.

Each form is built for one case and one target (the task or 督办 it acts on, or None). Forms that
change the case carry `expected_version` (乐观锁): a stale page is a conflict, not an overwrite.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import StaffRole, User
from tongban.cases.decision_wording import wording_for
from tongban.cases.models import Case, CaseTask, Supervision
from tongban.cases.services.supervision import CLERK_ROLES, LONGEST_REPLY_DAYS
from tongban.orgs.models import Department
from tongban.timelimits.calendar import PauseKind

Target = CaseTask | Supervision | None


class ActionForm(forms.Form):
    """A staff action's form for `case` (and `target`); `arguments()` feed the service."""

    #: fields the page needs but the service does not take
    page_only: tuple[str, ...] = ()

    def __init__(self, data: Any = None, *, case: Case, target: Target = None, **kwargs: Any) -> None:
        self.case = case
        self.target = target
        super().__init__(data, **kwargs)

    def arguments(self) -> dict[str, Any]:
        """The service's keyword arguments (values of several types, hence `Any`)."""
        return {k: v for k, v in self.cleaned_data.items() if k not in self.page_only}


class VersionedForm(ActionForm):
    """An action on a case (or task) as the clerk saw it."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, data: Any = None, *, case: Case, target: Target = None, **kwargs: Any) -> None:
        super().__init__(data, case=case, target=target, **kwargs)
        self.fields["expected_version"].initial = case.version  # a task's action says the task's (see `actions`)


class RefuseAtIntakeForm(VersionedForm):
    reasons = forms.CharField(
        label=_("不予受理的理由（必填）"),
        max_length=2000,
        help_text=_("每行写一条理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请写明不予受理的理由。")},
    )
    legal_basis = forms.CharField(
        label=_("法律依据（必填）"),
        max_length=1000,
        help_text=_("例如：《中华人民共和国行政许可法》第三十二条"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请写明法律依据。")},
    )

    def arguments(self) -> dict[str, Any]:
        lines = [line.strip() for line in self.cleaned_data["reasons"].splitlines() if line.strip()]
        return {**super().arguments(), "reasons": lines}


class SupplementRequestForm(VersionedForm):
    """一次性告知: every missing or wrong item at once."""

    materials = forms.MultipleChoiceField(
        label=_("需要补正的材料"), required=False, widget=forms.CheckboxSelectMultiple
    )
    other = forms.CharField(
        label=_("其他需要补正的问题"),
        required=False,
        max_length=2000,
        help_text=_("每行写一个问题，例如：申请表中出生日期与出生医学证明不一致"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(
        label=_("给申请人的说明"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, data: Any = None, *, case: Case, target: Target = None, **kwargs: Any) -> None:
        super().__init__(data, case=case, target=target, **kwargs)
        names = [m.name for m in case.item.materials.all()] if case.item is not None else []
        names += [m.material_name for m in case.materials.all() if m.material_name not in names]
        field = self.fields["materials"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(n, n) for n in names]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("materials") and not (data.get("other") or "").strip():
            raise ValidationError(_("请至少勾选一项材料或写明一个问题，一次性告知申请人。"), code="supplement_empty")
        return data

    def arguments(self) -> dict[str, Any]:
        items = [{"material": name, "reason": str(_("请重新提交此材料"))} for name in self.cleaned_data["materials"]]
        for line in (self.cleaned_data.get("other") or "").splitlines():
            if line.strip():
                items.append({"field": str(_("其他问题")), "reason": line.strip()})
        return {
            "items": items,
            "note": self.cleaned_data["note"],
            "expected_version": self.cleaned_data["expected_version"],
        }


class ReviewForm(VersionedForm):
    agree = forms.TypedChoiceField(
        label=_("审查意见（必填）"),
        choices=[("yes", _("同意")), ("no", _("退回"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择同意或退回。")},
    )
    comment = forms.CharField(
        label=_("意见说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecideForm(VersionedForm):
    approve = forms.TypedChoiceField(
        label=_("决定（必填）"),
        choices=[("yes", _("准予许可")), ("no", _("不予许可"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择准予或不予。")},
    )
    decision_text = forms.CharField(
        label=_("决定书内容（必填）"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写决定书内容。")},
    )

    def __init__(self, data: Any = None, *, case: Case, target: Target = None, **kwargs: Any) -> None:
        super().__init__(data, case=case, target=target, **kwargs)
        # the item's own words: 准予登记 / 不予登记 for a registration, 准予给付 for a benefit …
        kind = wording_for(case.item)
        field = self.fields["approve"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("yes", kind.grant), ("no", kind.refuse)]


class TransferForm(VersionedForm):
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(
        label=_("转交给部门（必填）"),
        queryset=Department.objects.none(),
        empty_label=_("请选择部门"),
        error_messages={"required": _("请选择部门。")},
    )
    reason = forms.CharField(
        label=_("转交原因（必填）"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请写明转交原因。")},
    )

    def __init__(self, data: Any = None, *, case: Case, target: Target = None, **kwargs: Any) -> None:
        super().__init__(data, case=case, target=target, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Department.objects.exclude(pk=case.department_id).order_by("code")


class SpecialProcedureForm(VersionedForm):
    kind = forms.ChoiceField(
        label=_("特别程序（必填）"),
        choices=[("", _("请选择"))] + [(k.value, k.label) for k in PauseKind if k != PauseKind.SUPPLEMENT],
        error_messages={"required": _("请选择特别程序的种类。")},
    )
    reason = forms.CharField(
        label=_("原因（必填）"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请写明原因。")},
    )
    days = forms.IntegerField(
        label=_("延期天数（工作日）"),
        required=False,
        min_value=1,
        max_value=60,
        help_text=_("仅延期时填写；不填则按上限延期（一般 10 个工作日，联合办理 15 个）"),
    )


class WithdrawOnRequestForm(VersionedForm):
    """代为撤回: the applicant asked a clerk to withdraw (at the window, by phone, in writing)."""

    reason = forms.CharField(
        label=_("申请人提出撤回的方式和理由（必填）"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如：申请人于窗口书面申请撤回，已核验身份"),
        error_messages={"required": _("请写明申请人提出撤回的方式和理由。")},
    )


class DeliveryForm(VersionedForm):
    """送达登记: the result is handed over at the window."""

    page_only = ("identity_checked",)

    identity_checked = forms.BooleanField(
        label=_("已核验领取人身份（本人或其书面委托的代领人）"),
        error_messages={"required": _("请先核验领取人的身份证件。")},
    )
    note = forms.CharField(
        label=_("备注（选填）"),
        max_length=500,
        required=False,
        help_text=_("例如：由受托人李四代领，委托书已留存"),
    )


class ClerkChoiceField(forms.ModelChoiceField[User]):
    """The handling clerks and heads of one department, each with their roles there."""

    department_id: int | None = None

    def label_from_instance(self, obj: User) -> str:
        roles = "、".join(
            str(StaffRole(a.role).label)
            for a in obj.assignments.all()
            if a.department_id == self.department_id and a.role in CLERK_ROLES
        )
        return f"{obj.name}（{roles}）" if roles else str(obj.name)


class SupervisionForm(ActionForm):
    """督办: the instruction, to whom, and by when the department answers."""

    instruction = forms.CharField(
        label=_("督办意见（必填）"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：该件已超期，请说明原因并于期限内办结"),
        error_messages={"required": _("请写明督办意见。")},
    )
    reply_within_days = forms.IntegerField(
        label=_("答复期限（工作日，必填）"),
        min_value=1,
        max_value=LONGEST_REPLY_DAYS,
        initial=3,
        error_messages={"required": _("请填写答复期限。")},
    )
    clerk = ClerkChoiceField(
        label=_("督办对象"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("办理部门（不指定具体人员）"),
    )

    def __init__(self, data: Any = None, *, case: Case, target: Target = None, **kwargs: Any) -> None:
        super().__init__(data, case=case, target=target, **kwargs)
        field = self.fields["clerk"]
        assert isinstance(field, ClerkChoiceField)
        field.department_id = case.department_id
        field.queryset = (
            User.objects.filter(assignments__department=case.department, assignments__role__in=CLERK_ROLES)
            .distinct()
            .prefetch_related("assignments")
            .order_by("name")
        )
        field.help_text = _("%(department)s的办理人员；不指定时交由部门负责人和全体办理人员") % {
            "department": case.department.name
        }
        holder = next((t.claimed_by_id for t in case.tasks.all() if t.status == "claimed"), None)
        if holder is not None:
            field.initial = holder


class SupervisionReplyForm(ActionForm):
    """督办答复."""

    reply = forms.CharField(
        label=_("答复内容（必填）"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写督办答复。")},
    )
