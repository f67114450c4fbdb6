"""Demo process definitions: the three shipped BPMN processes as version 1, and one demo item that
runs the parallel joint review (并联审批) so the demo shows several departments reviewing at once."""

from __future__ import annotations

from typing import Any

from tongban.accounts.models import User
from tongban.catalog.models import ServiceItem
from tongban.demo.orgs import department_code
from tongban.workflow.models import ProcessDefinition
from tongban.workflow.services import PARALLEL_KEY, assign_process, ensure_builtin_processes

#: 劳务派遣经营许可 (市人社局) reviewed at once by 市人社局, 市市场监管局 and 市税务局 — each has a
#: demo member of staff who reviews (shirenshe, shishijian, shishuiwu).
JOINT_ITEM = "RS-017"
JOINT_DEPARTMENTS = (2, 6, 7)


def load(*, stdout: Any) -> None:
    created = ensure_builtin_processes()
    stdout.write(f"processes: {ProcessDefinition.objects.count()} definitions ({len(created)} new)")
    item = ServiceItem.objects.filter(code=JOINT_ITEM).select_related("region").first()
    admin = User.objects.filter(username="admin").first()
    if item is None or admin is None:
        stdout.write(f"processes: item {JOINT_ITEM} or the demo administrator missing, no joint review")
        return
    assign_process(
        item=item,
        key=PARALLEL_KEY,
        departments=[department_code(serial) for serial in JOINT_DEPARTMENTS],
        actor=admin,
    )
    stdout.write(f"processes: {JOINT_ITEM} {item.name} runs {PARALLEL_KEY}")
