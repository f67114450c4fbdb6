"""办件页面的表单: validation at the edge, messages in the user's language.

The applicant's answers are a `form_rendering.SchemaForm`; these are the other forms of the
portal pages and the window. The forms of the staff actions are in `action_forms`.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
