"""Forms of the search pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.search.analysis import parse_expansion

DEPTH_CHOICES = [
    ("", _("不限")),
    ("2", _("可网上预审")),
    ("3", _("可网上受理")),
    ("4", _("全程网办（不用跑）")),
]
AUDIENCE_CHOICES = [("", _("不限")), ("person", _("个人办事")), ("legal_person", _("企业办事"))]


class SearchFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索服务"), max_length=100)
    audience = forms.ChoiceField(label=_("办事对象"), choices=AUDIENCE_CHOICES, required=False)
    theme = forms.ChoiceField(label=_("主题"), choices=[("", _("不限"))], required=False)
    department = forms.ChoiceField(label=_("部门"), choices=[("", _("不限"))], required=False)
    region = forms.ChoiceField(label=_("地区"), choices=[("", _("不限"))], required=False)
    online_depth = forms.ChoiceField(label=_("网上办理程度"), choices=DEPTH_CHOICES, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from tongban.catalog.models import Theme
        from tongban.orgs.models import Department, Region

        self.fields["theme"].choices = [("", _("不限")), *Theme.objects.values_list("code", "name")]  # type: ignore[attr-defined]
        self.fields["department"].choices = [("", _("不限")), *Department.objects.values_list("code", "name")]  # type: ignore[attr-defined]
        self.fields["region"].choices = [  # type: ignore[attr-defined]
            ("", _("不限")),
            *Region.objects.filter(level__lte=3).values_list("code", "name"),
        ]


class SynonymForm(forms.Form):
    phrase = forms.CharField(label=_("口语说法"), max_length=50, help_text=_("如：丢了、上户口、开店"))
    expansion = forms.CharField(
        label=_("对应的规范词"),
        max_length=300,
        help_text=_("多个词用空格分隔；可互相替代的词用“/”分隔。如：补领/补办 身份证"),
    )
    enabled = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def clean_expansion(self) -> str:
        value: str = self.cleaned_data["expansion"]
        if not parse_expansion(value):
            raise forms.ValidationError(_("请至少填写一个规范词。"))
        return value
