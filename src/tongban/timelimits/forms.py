from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CalendarDayForm(forms.Form):
    """One override of the working-day calendar."""

    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=_("这一天是"),
        choices=[("1", _("工作日（含调休上班）")), ("0", _("休息日（节假日）"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("名称"), max_length=60, required=False, help_text=_("例如：春节、国庆节调休上班"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class RemoveDayForm(forms.Form):
    date = forms.DateField(widget=forms.HiddenInput)
