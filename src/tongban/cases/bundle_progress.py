"""Reads of a bundle (一件事) as its pages show it: the parent, every item's progress, and the
materials of an item that are not on file (and why)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from tongban.cases.models import FINAL_STATUSES, Case, CaseStatus
from tongban.cases.selectors import material_list_of


@dataclass(frozen=True)
class BundleView:
    """一件事 seen from one of its cases: the parent case and each item's case, in order."""

    parent: Case
    parts: list[Case]

    @property
    def done(self) -> int:
        return sum(1 for part in self.parts if part.status in FINAL_STATUSES)

    @property
    def approved(self) -> int:
        return sum(1 for part in self.parts if part.decision == "approved")


def bundle_of(case: Case) -> BundleView | None:
    """The bundle the case is the parent or an item of, or None for a case of its own."""
    if case.bundle_case_id is not None:
        parent = Case.objects.select_related("bundle", "department").get(pk=case.bundle_case_id)
    elif case.bundle_id is not None and case.item_id is None:
        parent = case
    else:
        return None
    parts = list(parent.children.select_related("item", "department").order_by("position"))
    return BundleView(parent=parent, parts=parts)


@dataclass(frozen=True)
class MaterialNotOnFile:
    """A material of the item's list with no file in the case, and why (免提交, still to come …)."""

    name: str
    why: str


def materials_not_on_file(case: Case) -> list[MaterialNotOnFile]:
    """The item's materials the case holds no file for: held by the government (checked through data
    sharing), to come from an earlier item of the bundle, or optional and not given."""
    if case.item is None:
        return []
    on_file = {m.material_name for m in case.materials.all()}
    before = case.waits_for if case.status == CaseStatus.WAITING and case.waits_for_id is not None else None
    coming = str(((before.item.result if before is not None and before.item else None) or {}).get("name") or "")
    missing = []
    for material in material_list_of(case.item):
        if material.name in on_file:
            continue
        if before is not None and material.name == coming:
            why = _("由本一件事中的“%(item)s”办结后复用") % {"item": before.title}
        elif material.government_held:
            why = _("政府部门已有，免于提交（请通过数据共享核验）")
        elif not material.required:
            why = _("非必要材料，申请人未提供")
        else:
            why = _("未提供")
        missing.append(MaterialNotOnFile(name=material.name, why=why))
    return missing
