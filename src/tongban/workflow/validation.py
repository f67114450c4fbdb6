"""流程校验: checks of an uploaded BPMN file (and DMN tables) before it may run cases.

`validate_process(bpmn_xml, dmn_xml)` returns plain Chinese messages, an empty list when fine.
"""

from __future__ import annotations

from collections import defaultdict, deque
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException

from tongban.accounts.models import StaffRole
from tongban.workflow.bpmn import BPMN_NS, NS, UnsafeXml, build_parser, parse_xml, role_of

FLOW_NODES = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity", "subProcess", "transaction",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
}  # fmt: skip
ROLES = {str(role.value) for role in StaffRole}
CODE_ELEMENTS = {
    "conditionExpression", "script", "completionCondition", "loopCardinality", "preScript", "postScript",
    "text", "inputDataItem", "outputDataItem", "loopDataInputRef", "loopDataOutputRef",
}  # fmt: skip


def _local(el: Any) -> str:
    return etree.QName(el).localname


def _label(el: Any) -> str:
    name = el.get("name") or ""
    return f"{name}（{el.get('id')}）" if name else str(el.get("id"))


def _extension_properties(el: Any) -> dict[str, str]:
    props = el.xpath("./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=NS)
    return {p.get("name"): p.get("value") for p in props}


def _lanes(process: Any) -> dict[str, str]:
    lanes: dict[str, str] = {}
    for lane in process.xpath(".//bpmn:lane", namespaces=NS):
        for ref in lane.xpath("./bpmn:flowNodeRef", namespaces=NS):
            lanes[(ref.text or "").strip()] = lane.get("name") or ""
    return lanes


def _check_expressions(roots: list[Any]) -> list[str]:
    """Refuse `__` in any expression or script: it is how code escapes a restricted eval."""
    errors = []
    for root in roots:
        for el in root.iter():
            if not isinstance(el.tag, str) or el.text is None or "__" not in el.text:
                continue
            if _local(el) in CODE_ELEMENTS:
                errors.append(_("表达式或脚本中不允许出现双下划线“__”：%(text)s") % {"text": el.text.strip()[:80]})
    return errors


def _check_tasks(process: Any) -> list[str]:
    errors = []
    lanes = _lanes(process)
    for task in process.xpath(".//bpmn:userTask", namespaces=NS):
        role = role_of({"properties": _extension_properties(task)}, lanes.get(task.get("id") or ""))
        if not role:
            errors.append(_("用户任务「%(task)s」没有指定办理角色（属性 role 或泳道名称）。") % {"task": _label(task)})
        elif role not in ROLES:
            errors.append(
                _("用户任务「%(task)s」的办理角色“%(role)s”不存在，可用角色：%(roles)s。")
                % {"task": _label(task), "role": role, "roles": "、".join(sorted(ROLES))}
            )
    return errors


def _check_graph(process: Any) -> list[str]:
    """No dead ends: every node has a way out, is reachable from a start and reaches an end."""
    nodes = {el.get("id"): el for el in process if isinstance(el.tag, str) and _local(el) in FLOW_NODES}
    outgoing: dict[str, set[str]] = defaultdict(set)
    incoming: dict[str, set[str]] = defaultdict(set)
    errors = []
    for flow in process.xpath("./bpmn:sequenceFlow", namespaces=NS):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if source not in nodes or target not in nodes:
            errors.append(_("连线「%(flow)s」连接了不存在的节点。") % {"flow": _label(flow)})
            continue
        outgoing[source].add(target)
        incoming[target].add(source)
    for node_id, el in nodes.items():
        if _local(el) == "boundaryEvent" and el.get("attachedToRef") in nodes:
            outgoing[el.get("attachedToRef")].add(node_id)
            incoming[node_id].add(el.get("attachedToRef"))
    starts = [n for n, el in nodes.items() if _local(el) == "startEvent"]
    ends = {n for n, el in nodes.items() if _local(el) == "endEvent"}
    if not starts:
        errors.append(_("流程没有开始事件。"))
    if not ends:
        errors.append(_("流程没有结束事件。"))
    for node_id, el in nodes.items():
        if _local(el) != "endEvent" and not outgoing[node_id]:
            errors.append(_("节点「%(node)s」没有后续连线（死胡同）。") % {"node": _label(el)})
    reached = _walk(starts, outgoing)
    for node_id, el in nodes.items():
        if node_id not in reached:
            errors.append(_("节点「%(node)s」从开始事件无法到达。") % {"node": _label(el)})
    finishing = _walk(list(ends), incoming)
    for node_id, el in nodes.items():
        if node_id in reached and node_id not in finishing and outgoing[node_id]:
            errors.append(_("从节点「%(node)s」无法到达任何结束事件。") % {"node": _label(el)})
    return errors


def _walk(starts: list[str], edges: dict[str, set[str]]) -> set[str]:
    seen = set(starts)
    queue = deque(starts)
    while queue:
        for nxt in edges[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def validate_process(bpmn_xml: bytes, dmn_xml: bytes | None = None) -> list[str]:
    """All problems of an uploaded process, in Chinese; [] when it may be used."""
    for what, data in (("BPMN", bpmn_xml), ("DMN", dmn_xml or b"")):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return [_("%(what)s 文件须使用 UTF-8 编码。") % {"what": what}]
    try:
        bpmn_root = parse_xml(bpmn_xml)
    except UnsafeXml:
        return [_("BPMN 文件不是有效的 XML（或包含不允许的 DOCTYPE/实体声明）。")]
    if etree.QName(bpmn_root).namespace != BPMN_NS or _local(bpmn_root) != "definitions":
        return [_("文件不是 BPMN 2.0 流程定义（根元素应为 bpmn:definitions）。")]
    dmn_root = None
    if dmn_xml:
        try:
            dmn_root = parse_xml(dmn_xml)
        except UnsafeXml:
            return [_("DMN 文件不是有效的 XML（或包含不允许的 DOCTYPE/实体声明）。")]
    processes = bpmn_root.xpath("./bpmn:process[@isExecutable='true']", namespaces=NS)
    if len(processes) != 1:
        return [_('文件须恰好包含一个可执行流程（isExecutable="true"），实际为 %(n)d 个。') % {"n": len(processes)}]
    process = processes[0]
    errors = _check_expressions([bpmn_root] + ([dmn_root] if dmn_root is not None else []))
    errors += _check_tasks(process)
    errors += _check_graph(process)
    if errors:
        return errors
    try:
        parser = build_parser(bpmn_root, dmn_root, validate=True)
        parser.get_spec(process.get("id"))
    except ValidationException as exc:
        return [_("流程无法解析：%(error)s") % {"error": str(exc).strip()}]
    except (SpiffWorkflowException, KeyError, ValueError, TypeError, SyntaxError) as exc:
        return [_("流程无法解析：%(error)s") % {"error": str(exc).strip() or type(exc).__name__}]
    return []


def executable_process(bpmn_xml: bytes | str) -> tuple[str, str]:
    """(id, name) of the one executable process of a file that passed validation."""
    process = parse_xml(bpmn_xml).xpath("./bpmn:process[@isExecutable='true']", namespaces=NS)[0]
    return process.get("id"), process.get("name") or ""
