"""Console forms: an item's guide fields and its material list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.catalog.models import (
    Channel,
    Handling,
    ItemStatus,
    Material,
    MaterialForm,
    MaterialSource,
    OnlineDepth,
    Scope,
    ServiceItem,
    Situation,
)

_BLANK = [("", "—")]


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class ItemForm(forms.Form):
    """修改事项: the fields an administrator may change (rules are checked by the service)."""

    name = forms.CharField(label=_("事项名称"), max_length=200)
    aliases = forms.CharField(
        label=_("俗称"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("每行一个")
    )
    summary = forms.CharField(label=_("事项简介"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.CharField(label=_("受理条件"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("设定依据"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    handling = forms.ChoiceField(label=_("办件类型"), choices=Handling.choices)
    statutory_days = forms.IntegerField(label=_("法定办结时限（工作日）"), required=False, min_value=0)
    committed_days = forms.IntegerField(label=_("承诺办结时限（工作日）"), min_value=0, help_text=_("即办件填 0"))
    online_depth = forms.TypedChoiceField(label=_("网上办理深度"), choices=OnlineDepth.choices, coerce=int)
    max_visits = forms.TypedChoiceField(label=_("到办事现场次数"), choices=[(0, "0"), (1, "1"), (2, "2")], coerce=int)
    visit_reason = forms.CharField(
        label=_("到现场的理由"), required=False, max_length=300, help_text=_("到现场次数大于 0 时必填")
    )
    scope = forms.ChoiceField(label=_("通办范围"), choices=_BLANK + list(Scope.choices), required=False)
    channels = forms.MultipleChoiceField(
        label=_("办理渠道"), choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    fee_charged = forms.BooleanField(label=_("收费"), required=False)
    fee_amount = forms.CharField(label=_("收费金额（元）"), required=False, max_length=20)
    fee_basis = forms.CharField(label=_("收费依据"), required=False, max_length=300)
    fee_online_payment = forms.BooleanField(label=_("可网上缴费"), required=False)
    phone = forms.CharField(label=_("咨询电话"), required=False, max_length=30)
    complaint_phone = forms.CharField(label=_("监督投诉电话"), required=False, max_length=30)
    situation = forms.ChoiceField(label=_("情形"), choices=_BLANK + list(Situation.choices), required=False)
    status = forms.ChoiceField(label=_("状态"), choices=ItemStatus.choices)
    process = forms.ChoiceField(
        label=_("办理流程"),
        required=False,
        help_text=_("新申请按所选流程办理，已在办的办件不受影响；上传新流程请到“流程管理”"),
    )
    review_departments = forms.CharField(
        label=_("并联审查部门"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("并联审批时填写，每行一个部门编码，至少两个"),
    )

    PROCESS_FIELDS = ("process", "review_departments")

    def __init__(self, *args: Any, item: ServiceItem | None = None, **kwargs: Any) -> None:
        from tongban.workflow.selectors import process_keys

        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [("", str(_("单部门审批（默认）")))]
        choices += [(key, f"{name or key}（{key}）") for key, name in process_keys()]
        current = item.process if item is not None else ""
        if current and current not in {key for key, _label in choices}:
            choices.append((current, str(_("%(key)s（流程不存在，请重新选择）") % {"key": current})))
        field = self.fields["process"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        """The process must exist; 并联审批 needs existing departments (checked by the workflow service)."""
        from tongban.workflow.services import check_item_process

        data = super().clean() or {}
        key = data.get("process") or ""
        codes = _lines(data.get("review_departments") or "")
        for field, problems in check_item_process(key=key, departments=codes).items():
            for problem in problems:
                self.add_error("process" if field == "process" else "review_departments", problem)
        return data

    def process_choice(self) -> tuple[str, list[str]]:
        """(process key, reviewing department codes) for `workflow.services.assign_process`."""
        return self.cleaned_data.get("process") or "", _lines(self.cleaned_data.get("review_departments") or "")

    @classmethod
    def initial_for(cls, item: ServiceItem) -> dict[str, Any]:
        fee = item.fee or {}
        return {
            "name": item.name,
            "aliases": "\n".join(item.aliases),
            "summary": item.summary,
            "conditions": item.conditions,
            "legal_basis": item.legal_basis,
            "handling": item.handling,
            "statutory_days": item.statutory_days,
            "committed_days": item.committed_days,
            "online_depth": item.online_depth,
            "max_visits": item.max_visits,
            "visit_reason": item.extra.get("visit_reason", ""),
            "scope": item.scope,
            "channels": item.channels,
            "fee_charged": bool(fee.get("charged")),
            "fee_amount": fee.get("amount", ""),
            "fee_basis": fee.get("basis", ""),
            "fee_online_payment": bool(fee.get("online_payment")),
            "phone": item.extra.get("phone", ""),
            "complaint_phone": item.extra.get("complaint_phone", ""),
            "situation": item.situation,
            "status": item.status,
            "process": item.process,
            "review_departments": "\n".join(str(c) for c in (item.extra or {}).get("departments") or []),
        }

    def changes(self, item: ServiceItem) -> dict[str, Any]:
        """What to hand to `services.update_item`; the fee keeps keys this form does not show."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.PROCESS_FIELDS}
        fee = {k: v for k, v in (item.fee or {}).items() if k not in ("charged", "amount", "basis", "online_payment")}
        fee["charged"] = data.pop("fee_charged")
        for key, name in (("amount", "fee_amount"), ("basis", "fee_basis")):
            value = data.pop(name).strip()
            if value:
                fee[key] = value
        if data.pop("fee_online_payment"):
            fee["online_payment"] = True
        data["fee"] = fee if (item.fee is not None or fee != {"charged": False}) else None
        data["aliases"] = _lines(data["aliases"])
        return data


class MaterialRowForm(forms.Form):
    """One material; `key` is its place in the stored list, so unknown fields survive an edit."""

    key = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("材料名称"), max_length=300, required=False, help_text=_("留空则不保存这一行"))
    required = forms.BooleanField(label=_("必要"), required=False, initial=True)
    form = forms.ChoiceField(label=_("形式"), choices=_BLANK + list(MaterialForm.choices), required=False)
    copies = forms.IntegerField(label=_("份数"), required=False, min_value=0)
    source = forms.ChoiceField(label=_("来源"), choices=_BLANK + list(MaterialSource.choices), required=False)
    certificate_type = forms.CharField(
        label=_("电子证照类型"), required=False, max_length=64, help_text=_("填写后申请人免提交")
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        described = any(data.get(k) not in (None, "") for k in ("form", "copies", "source", "certificate_type", "note"))
        if described and not data.get("name") and not data.get("DELETE"):
            self.add_error("name", _("请填写材料名称"))
        return data


MaterialFormSet = forms.formset_factory(MaterialRowForm, extra=1, can_delete=True)


def material_initial(materials: list[Material]) -> list[dict[str, Any]]:
    return [
        {
            "key": m.position,
            "name": m.name,
            "required": m.required,
            "form": m.form,
            "copies": m.copies,
            "source": m.source,
            "certificate_type": m.certificate_type,
            "note": m.note,
        }
        for m in materials
    ]


def material_records(formset: Any, stored: list[Material]) -> list[dict[str, Any]]:
    """The material list in the exchange format, in the order of the form."""
    extras = {m.position: m.extra for m in stored}
    records = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not data.get("name"):
            continue
        record: dict[str, Any] = {"name": data["name"], "required": bool(data.get("required"))}
        for key in ("form", "copies", "source", "certificate_type", "note"):
            if data.get(key) not in (None, ""):
                record[key] = data[key]
        record.update(extras.get(data.get("key"), {}) if data.get("key") is not None else {})
        records.append(record)
    return records
