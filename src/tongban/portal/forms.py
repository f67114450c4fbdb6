"""Portal forms: validation at the edge, messages in the user's language."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tongban.core.validators import validate_mobile


class PasswordLoginForm(forms.Form):
    username = forms.CharField(
        label=_("账号"),
        help_text=_("用户名或手机号码"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("密码"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SmsCodeRequestForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric", "type": "tel"}),
    )

    def clean_phone(self) -> str:
        return validate_mobile(self.cleaned_data["phone"])


class SmsCodeLoginForm(SmsCodeRequestForm):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise ValidationError(_("验证码是 6 位数字。"), code="code_format")
        return code


class IdentityForm(forms.Form):
    """补充身份信息 for real-name level 2."""

    id_number = forms.CharField(label=_("居民身份证号码"), max_length=18, min_length=15)
