"""Reads of the comprehensive window (综合窗口): the filing receipt (收件回执) and the scans held so far."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from tongban.cases.models import Case, DeliveryMethod, Draft, MaterialFile, MaterialOrigin
from tongban.cases.schema import form_schema_for
from tongban.cases.selectors import materials_needed
from tongban.catalog.form_order import ordered_properties
from tongban.catalog.models import ItemStatus, ServiceItem
from tongban.orgs.models import Region, ServiceHall
from tongban.search import services as search_services


@dataclass(frozen=True)
class ReceivedMaterial:
    name: str
    how: str  # 收到扫描件 / 政府已有，免提交 / 复用已办结果


@dataclass(frozen=True)
class Receipt:
    """收件回执: what the applicant takes home from the window."""

    number: str
    item: str
    applicant: str  # masked: the receipt may lie on a counter
    filed_at: datetime
    department: str
    materials: list[ReceivedMaterial]
    promise: str
    due_on: date | None
    collect_at: str


def held_scans(draft: Draft | None) -> dict[str, list[MaterialFile]]:
    """Scans received for a window filing not yet submitted, by material name."""
    held: dict[str, list[MaterialFile]] = {}
    if draft is None:
        return held
    for material in draft.materials.filter(case__isnull=True).order_by("pk"):
        held.setdefault(material.material_name, []).append(material)
    return held


def _hall_for(region: Region) -> ServiceHall | None:
    """The service hall of the region, else of the nearest region above it."""
    current: Region | None = region
    while current is not None:
        hall = ServiceHall.objects.filter(region=current).order_by("code").first()
        if hall is not None:
            return hall
        current = current.parent
    return None


#: form questions by which the applicant chooses how to get the result (领取方式, 领卡方式, 送达方式 …)
_COLLECTING = re.compile(r"(领取|领卡|领证|送达|邮寄)方式")


def _chosen_way_of_collecting(case: Case) -> str:
    """The answer to the item form's own "how do you want to get it" question, if it asks one."""
    if case.item is None:
        return ""
    for name, spec in ordered_properties(form_schema_for(case.item)).items():
        title = str((spec or {}).get("title") or "") if isinstance(spec, dict) else ""
        answer = (case.answers or {}).get(name)
        if _COLLECTING.search(title) and isinstance(answer, str) and answer.strip():
            return answer.strip()
    return ""


def window_receipt(case: Case) -> Receipt:
    how = {
        MaterialOrigin.UPLOAD: _("已收扫描件"),
        MaterialOrigin.REUSED: _("复用已有材料，免提交"),
        MaterialOrigin.CERTIFICATE: _("电子证照，免提交"),
        MaterialOrigin.EXCHANGE: _("部门共享数据，免提交"),
    }
    materials = [
        ReceivedMaterial(name=m.material_name, how=str(how.get(MaterialOrigin(m.source), _("已收"))))
        for m in case.materials.exclude(source=MaterialOrigin.RESULT).order_by("pk")
    ]
    if case.item is not None:
        given = {m.name for m in materials}
        materials += [
            ReceivedMaterial(name=need.name, how=str(_("政府部门已有，免提交")))
            for need in materials_needed(item=case.item, applicant=case.applicant)
            if need.held_by_government and need.name not in given
        ]
    if case.due_on is not None:
        promise = _("已受理，承诺 %(days)s 个工作日内办结，最迟 %(due)s") % {
            "days": case.limit_days,
            "due": case.due_on.isoformat(),
        }
    else:
        promise = _("由%(department)s受理后 %(days)s 个工作日内办结") % {
            "department": case.department.name,
            "days": case.limit_days,
        }
    chosen = _chosen_way_of_collecting(case)
    if chosen:
        collect_at = _("按申请时选择的方式：%(way)s") % {"way": chosen}
    elif case.delivery == DeliveryMethod.ELECTRONIC:
        collect_at = _("电子送达：办结后结果发送到申请人的通办账户，可在“我的办件”下载")
    else:
        hall = _hall_for(case.department.region)
        collect_at = (
            _("凭本回执和身份证件到%(hall)s（%(address)s，%(hours)s）领取")
            % {"hall": hall.name, "address": hall.address, "hours": hall.opening_hours or _("工作日办公时间")}
            if hall is not None
            else _("凭本回执和身份证件到%(department)s窗口领取") % {"department": case.department.name}
        )
    return Receipt(
        number=case.number,
        item=case.title,
        applicant=case.masked_applicant_name,
        filed_at=case.submitted_at,
        department=case.department.name,
        materials=materials,
        promise=str(promise),
        due_on=case.due_on,
        collect_at=str(collect_at),
    )


def items_for_window(query: str) -> list[ServiceItem]:
    """The window's item search: the portal's search engine (“老人坐车免费” finds the bus pass), items only."""
    if not query:
        return list(
            ServiceItem.objects.filter(status=ItemStatus.ACTIVE)
            .select_related("department")
            .order_by("-popularity", "code")[:50]
        )
    codes = [hit.code for hit in search_services.search(query, limit=30, log=False) if hit.type == "item"]
    found = {
        i.code: i
        for i in ServiceItem.objects.filter(code__in=codes, status=ItemStatus.ACTIVE).select_related("department")
    }
    return [found[c] for c in codes if c in found]
