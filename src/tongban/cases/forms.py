"""办件页面的表单: validation at the edge, messages in the user's language.

The applicant's answers are a `form_rendering.SchemaForm`; these are the other forms of the
portal and console pages. Every console action form carries `expected_version` (乐观锁).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tongban.core.calendar import PauseKind
from tongban.core.validators import validate_id_number, validate_mobile


class ProgressForm(forms.Form):
    """办件进度查询: number and query code, no log-in."""

    number = forms.CharField(
        label=_("办件编号"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("请填写办件编号。")},
    )
    query_code = forms.CharField(
        label=_("查询码"),
        max_length=32,
        help_text=_("提交申请时页面和短信中给出的查询码"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("请填写查询码。")},
    )

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip()

    def clean_query_code(self) -> str:
        return self.cleaned_data["query_code"].strip()


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回原因"),
        required=False,
        max_length=500,
        help_text=_("可不填"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VersionedForm(forms.Form):
    """An action on a case as the clerk saw it: a stale version is a conflict, not an overwrite."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class RefuseAtIntakeForm(VersionedForm):
    reasons = forms.CharField(
        label=_("不予受理的理由（必填）"),
        max_length=2000,
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

    def __init__(self, *args: Any, material_names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["materials"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(n, n) for n in material_names]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("materials") and not (data.get("other") or "").strip():
            raise ValidationError(_("请至少勾选一项材料或写明一个问题，一次性告知申请人。"), code="supplement_empty")
        return data

    def items(self) -> list[dict[str, str]]:
        result = [{"material": name, "reason": str(_("请重新提交此材料"))} for name in self.cleaned_data["materials"]]
        for line in (self.cleaned_data.get("other") or "").splitlines():
            if line.strip():
                result.append({"field": str(_("其他问题")), "reason": line.strip()})
        return result


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
        error_messages={"required": _("请选择准予或不予许可。")},
    )
    decision_text = forms.CharField(
        label=_("决定书内容（必填）"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写决定书内容。")},
    )


class TransferForm(VersionedForm):
    department: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("转交给部门（必填）"),
        queryset=None,
        empty_label=_("请选择部门"),
        error_messages={"required": _("请选择部门。")},
    )
    reason = forms.CharField(
        label=_("转交原因（必填）"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请写明转交原因。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from tongban.orgs.models import Department

        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Department.objects.order_by("code")


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


class WindowIntakeForm(forms.Form):
    """综合窗口 无差别受理: the clerk files for a citizen who stands at the window."""

    person_name = forms.CharField(label=_("申请人姓名（必填）"), max_length=50)
    id_number = forms.CharField(
        label=_("居民身份证号码（必填）"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("手机号码（必填）"),
        max_length=20,
        help_text=_("办件编号和查询码将以短信发送到此号码"),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "off"}),
    )
    consent = forms.BooleanField(
        label=_("已核验身份证原件，申请人同意由窗口代为提交"),
        error_messages={"required": _("请核验身份证原件并征得申请人同意后勾选。")},
    )

    def clean_id_number(self) -> str:
        return validate_id_number(self.cleaned_data["id_number"])

    def clean_phone(self) -> str:
        return validate_mobile(self.cleaned_data["phone"])
