"""流程引擎适配: the small interface the cases app calls to run BPMN processes.

    state = start_process(key="single_review", data={"item": "…"})
    for task in ready_tasks(state): …                      # to-do entries: role, department
    state = complete_task(state, task_id=t.id, data={"outcome": "accept"})
    if is_finished(state): result(state)                  # {"decision": "approved", "reasons": […], …}

`ProcessState.to_json()` is plain JSON for a JSONField; `ProcessState.from_json()` restores it, so
a case survives restarts. The state names the definition version it started with: uploading a
new version never changes running cases. These functions open no transactions and write nothing
but (lazily, once) the built-in definitions; the caller owns the transaction and the audit entry.

Data conventions: a user task is completed with `outcome` (one of the task's `outcomes`, when it
declares them) and `reasons` (a list of strings, default []); any other keys join the process data.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

from django.db import connection
from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.defaults import EndEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import TaskState

from tongban.workflow.bpmn import build_parser, parse_xml, property_of, role_of, script_engine
from tongban.workflow.models import ProcessDefinition


class WorkflowError(Exception):
    """A process could not start or go on; `code` is stable, the message is for people."""

    code = "workflow_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ProcessNotFound(WorkflowError):
    code = "process_not_found"


class TaskNotReady(WorkflowError):
    """The task is done already or does not exist (e.g. two clerks acted at the same moment)."""

    code = "task_not_ready"


class InvalidOutcome(WorkflowError):
    code = "invalid_outcome"


@dataclass(frozen=True)
class TaskInfo:
    """待办任务: a user task waiting for a member of staff with `role` (in `department`, if set)."""

    id: str
    name: str
    bpmn_id: str
    role: str
    department: str | None
    outcomes: tuple[str, ...]
    pause: str
    data: dict[str, Any] = field(compare=False, repr=False)


@dataclass(frozen=True)
class _Spec:
    definition_id: int
    checksum: str
    key: str
    version: int
    spec: Any
    subprocess_specs: dict[str, Any]


class ProcessState:
    """流程状态: the definition version + the serialized workflow. Store `to_json()`."""

    __slots__ = ("_finished", "_ready", "_workflow", "checksum", "definition_id", "workflow_json")

    def __init__(
        self,
        *,
        definition_id: int,
        checksum: str,
        workflow_json: dict[str, Any],
        workflow: BpmnWorkflow | None = None,
        ready: list[TaskInfo] | None = None,
    ) -> None:
        self.definition_id = definition_id
        self.checksum = checksum
        self.workflow_json = workflow_json
        self._workflow = workflow
        self._ready: list[TaskInfo] | None = ready
        # known without restoring the workflow when it was just started from a snapshot
        self._finished: bool | None = False if ready is not None else None

    def to_json(self) -> dict[str, Any]:
        return {"definition": self.definition_id, "checksum": self.checksum, "workflow": self.workflow_json}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> ProcessState:
        return cls(definition_id=int(value["definition"]), checksum=value["checksum"], workflow_json=value["workflow"])

    @property
    def ready(self) -> list[TaskInfo]:
        if self._ready is None:
            self._ready = [_task_info(t) for t in _ready_user_tasks(self._live())]
        return self._ready

    def _live(self) -> BpmnWorkflow:
        if self._workflow is None:
            self._workflow = _restore(self.definition_id, self.checksum, self.workflow_json)
        return self._workflow

    def __repr__(self) -> str:
        return f"<ProcessState definition={self.definition_id}>"


# --- serialization without the spec (it lives in ProcessDefinition, cached here) ----------------


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Leaves the spec out of the serialized workflow: it is rebuilt from the definition version."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None) -> BpmnWorkflow:
        dct = {**dct, "tasks": _parents_first(dct["tasks"], dct["root"])}
        dct["subprocesses"] = {
            key: {**sub, "tasks": _parents_first(sub["tasks"], sub["root"])} for key, sub in dct["subprocesses"].items()
        }
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _parents_first(tasks: dict[str, Any], root: str) -> dict[str, Any]:
    """The serialized tasks with every parent before its children, as SpiffWorkflow wrote them.

    A task's data is stored as a change to its parent's and rebuilt from the parent while the
    tasks are restored in order. PostgreSQL's jsonb does not keep the order of object keys, so the
    order is rebuilt from the tree (root first, children in their own order).
    """
    ordered: dict[str, Any] = {}
    queue = deque([root] if root in tasks else [])
    while queue:
        task_id = queue.popleft()
        if task_id in ordered or task_id not in tasks:
            continue
        ordered[task_id] = tasks[task_id]
        queue.extend(tasks[task_id].get("children", []))
    for task_id, task in tasks.items():  # anything off the tree keeps its place at the end
        ordered.setdefault(task_id, task)
    return ordered


_config = dict(SPIFF_CONFIG)
_config[BpmnWorkflow] = _SpeclessWorkflowConverter
_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config))
_script_engine = script_engine()

_specs: dict[int, _Spec] = {}
_specs_lock = threading.Lock()


def _spec(definition_id: int, checksum: str) -> _Spec:
    """The parsed spec of a definition version, cached per process (keyed by id, checked by checksum)."""
    cached = _specs.get(definition_id)
    if cached is not None and cached.checksum == checksum:
        return cached
    definition = ProcessDefinition.objects.filter(pk=definition_id, checksum=checksum).first()
    if definition is None:
        raise ProcessNotFound(_("流程定义 %(id)s 不存在或已被更改。") % {"id": definition_id})
    parser = build_parser(parse_xml(definition.bpmn_xml), parse_xml(definition.dmn_xml) if definition.dmn_xml else None)
    spec = parser.get_spec(definition.process_id)
    entry = _Spec(
        definition_id=definition.pk,
        checksum=definition.checksum,
        key=definition.key,
        version=definition.version,
        spec=spec,
        subprocess_specs=parser.get_subprocess_specs(definition.process_id),
    )
    with _specs_lock:
        _specs[definition.pk] = entry
    return entry


def _lookup_definition(key: str, version: int | None) -> tuple[int, str] | None:
    # One plain query, without the ORM's compile step: this runs on every case submission.
    table = connection.ops.quote_name(ProcessDefinition._meta.db_table)
    column = connection.ops.quote_name("key")
    condition, param = ("version = %s", version) if version is not None else ("is_active = %s", True)
    sql = f"SELECT id, checksum FROM {table} WHERE {column} = %s AND {condition} ORDER BY version DESC LIMIT 1"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, param])
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else None


def _active_definition(key: str, version: int | None) -> tuple[int, str]:
    found = _lookup_definition(key, version)
    if found is None:
        from tongban.workflow.services import BUILTIN_KEYS, ensure_builtin_processes

        if key in BUILTIN_KEYS:
            ensure_builtin_processes()
            found = _lookup_definition(key, version)
    if found is None:
        raise ProcessNotFound(_("没有可用的流程“%(key)s”。") % {"key": key})
    return found


def _restore(definition_id: int, checksum: str, workflow_json: dict[str, Any]) -> BpmnWorkflow:
    entry = _spec(definition_id, checksum)
    workflow: BpmnWorkflow = _serializer.from_dict(
        workflow_json, spec=entry.spec, subprocess_specs=entry.subprocess_specs
    )
    workflow.script_engine = _script_engine
    return workflow


def _state(entry: _Spec, workflow: BpmnWorkflow) -> ProcessState:
    return ProcessState(
        definition_id=entry.definition_id,
        checksum=entry.checksum,
        workflow_json=_serializer.to_dict(workflow),
        workflow=workflow,
    )


def _ready_user_tasks(workflow: BpmnWorkflow) -> list[Any]:
    return list(workflow.get_tasks(state=TaskState.READY, manual=True))


def _task_info(task: Any) -> TaskInfo:
    spec = task.task_spec
    extensions = getattr(spec, "extensions", None)
    outcomes = tuple(o.strip() for o in property_of(extensions, "outcomes").split(",") if o.strip())
    department = task.data.get("department")
    return TaskInfo(
        id=str(task.id),
        name=spec.bpmn_name or spec.bpmn_id or spec.name,
        bpmn_id=spec.bpmn_id or spec.name,
        role=role_of(extensions, getattr(spec, "lane", None)),
        department=str(department) if department is not None else None,
        outcomes=outcomes,
        pause=property_of(extensions, "pause"),
        data=task.data,
    )


def _run(workflow: BpmnWorkflow) -> None:
    try:
        workflow.do_engine_steps()
    except SpiffWorkflowException as exc:
        raise WorkflowError(_("流程执行出错：%(error)s") % {"error": str(exc)}) from exc
    except (NameError, KeyError, TypeError, ValueError) as exc:
        raise WorkflowError(_("流程数据不完整或有误：%(error)s") % {"error": str(exc)}) from exc


# --- the interface --------------------------------------------------------------------------


def _new_workflow(entry: _Spec, data: dict[str, Any]) -> BpmnWorkflow:
    workflow = BpmnWorkflow(entry.spec, entry.subprocess_specs, script_engine=_script_engine)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    _run(workflow)
    return workflow


def start_process(*, key: str, data: dict[str, Any], version: int | None = None) -> ProcessState:
    """启动流程: the newest active version of `key` (or `version`), run until it waits for people."""
    entry = _spec(*_active_definition(key, version))
    snapshot = _snapshot_of(entry) if _plain_json(data) else None
    if snapshot is not None:
        return snapshot.instance(entry, data)
    return _state(entry, _new_workflow(entry, data))


# --- starting from a snapshot ---------------------------------------------------------------------
#
# Most processes begin the same way whatever the case: the start event, then a first user task
# (受理) that waits for a clerk. Running SpiffWorkflow for that on every submission costs more than
# the rest of the submission's own work, so each process keeps, per definition version, the
# serialized state reached from a start with placeholder data; a new case gets a copy with its
# own data, fresh task ids and the current time. Only definitions whose path to the first wait
# runs nothing but start events qualify (no gateway, script or rule has looked at the data), and
# only when the placeholder data appears nowhere but as the tasks' whole data; any other process
# is started by running it. `tests/workflow/test_snapshot.py` checks both ways give the same state.

_SNAPSHOT_KEY = "__tongban_snapshot__"
_SNAPSHOT_SAFE_SPECS = frozenset({"BpmnStartTask", "StartEvent"})
_UUID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class _Snapshot:
    """The serialized state after the start of a definition version, with placeholders."""

    text: str
    placeholder: str
    keys_placeholder: str
    task_ids: tuple[str, ...]
    ready: tuple[TaskInfo, ...]

    def instance(self, entry: _Spec, data: dict[str, Any]) -> ProcessState:
        fresh = {old: str(uuid4()) for old in self.task_ids}
        text = _UUID_PATTERN.sub(lambda m: fresh.get(m.group(0), m.group(0)), self.text)
        text = text.replace(self.placeholder, json.dumps(data, ensure_ascii=False))
        text = text.replace(self.keys_placeholder, json.dumps(list(data), ensure_ascii=False))
        workflow_json = json.loads(text)
        now = time.time()
        for task in workflow_json["tasks"].values():
            task["last_state_change"] = now
        ready = [
            TaskInfo(
                id=fresh[info.id],
                name=info.name,
                bpmn_id=info.bpmn_id,
                role=info.role,
                department=str(data["department"]) if data.get("department") is not None else None,
                outcomes=info.outcomes,
                pause=info.pause,
                data=dict(data),
            )
            for info in self.ready
        ]
        return ProcessState(
            definition_id=entry.definition_id, checksum=entry.checksum, workflow_json=workflow_json, ready=ready
        )


_snapshots: dict[tuple[int, str], _Snapshot | None] = {}


def _plain_json(value: Any) -> bool:
    """True for data that JSON carries unchanged (the serializer would convert anything else)."""
    if value is None or isinstance(value, str | bool | int | float):
        return True
    if isinstance(value, list):
        return all(_plain_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_json(v) for k, v in value.items())
    return False


def _snapshot_of(entry: _Spec) -> _Snapshot | None:
    key = (entry.definition_id, entry.checksum)
    if key not in _snapshots:
        _snapshots[key] = _make_snapshot(entry)
    return _snapshots[key]


def _make_snapshot(entry: _Spec) -> _Snapshot | None:
    marker = uuid4().hex
    try:
        workflow = _new_workflow(entry, {_SNAPSHOT_KEY: marker})
    except WorkflowError:
        return None  # its start reads the data (rules, scripts): it is run for every case
    if workflow.is_completed() or workflow.subprocesses:
        return None
    for task in workflow.get_tasks(state=TaskState.COMPLETED):
        if type(task.task_spec).__name__ not in _SNAPSHOT_SAFE_SPECS:
            return None  # something on the way may have looked at the data
    ready = [_task_info(t) for t in _ready_user_tasks(workflow)]
    if not ready:
        return None
    placeholder = json.dumps({_SNAPSHOT_KEY: marker}, ensure_ascii=False)
    text = json.dumps(_serializer.to_dict(workflow), ensure_ascii=False)
    # the tasks not reached yet record the start data's keys as deleted (their data is empty)
    keys_placeholder = json.dumps([_SNAPSHOT_KEY])
    rest = text.replace(placeholder, "").replace(keys_placeholder, "")
    if marker in rest or _SNAPSHOT_KEY in rest:
        return None  # the placeholder data was copied or changed somewhere: not a plain start
    return _Snapshot(
        text=text,
        placeholder=placeholder,
        keys_placeholder=keys_placeholder,
        task_ids=tuple(str(t.id) for t in workflow.get_tasks()),
        ready=tuple(ready),
    )


def ready_tasks(state: ProcessState) -> list[TaskInfo]:
    """The user tasks waiting now (none once finished)."""
    return state.ready


def complete_task(state: ProcessState, *, task_id: str, data: dict[str, Any]) -> ProcessState:
    """办理任务: record the task's result (`outcome`, `reasons`, …) and run on to the next waiting state."""
    workflow = _restore(state.definition_id, state.checksum, state.workflow_json)
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except (ValueError, TaskNotFoundException):
        task = None
    if task is None or task.state != TaskState.READY or not task.task_spec.manual:
        raise TaskNotReady(_("该任务已办理或不存在，请刷新后重试。"))
    info = _task_info(task)
    payload = dict(data)
    reasons = payload.get("reasons", [])
    payload["reasons"] = [reasons] if isinstance(reasons, str) else list(reasons or [])
    if info.outcomes and payload.get("outcome") not in info.outcomes:
        raise InvalidOutcome(
            _("任务「%(task)s」的办理结果须为：%(outcomes)s。")
            % {"task": info.name, "outcomes": "、".join(info.outcomes)}
        )
    task.data.update(payload)
    try:
        task.run()
    except SpiffWorkflowException as exc:
        raise WorkflowError(_("流程执行出错：%(error)s") % {"error": str(exc)}) from exc
    _run(workflow)
    return _state(_spec(state.definition_id, state.checksum), workflow)


def cancel_process(state: ProcessState) -> ProcessState:
    """撤回/作废: stop the process; no task stays ready."""
    workflow = state._live()
    workflow.cancel()
    return _state(_spec(state.definition_id, state.checksum), workflow)


def is_finished(state: ProcessState) -> bool:
    if state._finished is not None:
        return state._finished
    return bool(state._live().is_completed())


def result(state: ProcessState) -> dict[str, Any]:
    """结果: decision (from the end event reached), reasons, the deciding rule (即办), the end event.

    `decision` is None while running and "cancelled" after `cancel_process`.
    """
    workflow = state._live()
    ends = [
        t
        for t in workflow.get_tasks(state=TaskState.COMPLETED)
        if isinstance(t.task_spec, EndEvent) and t.workflow is workflow
    ]
    data = dict(workflow.data) if workflow.is_completed() else {}
    if ends:
        end = ends[-1]
        data = data or dict(end.data)
        decision = property_of(getattr(end.task_spec, "extensions", None), "decision") or data.get("decision")
        end_id, end_name = end.task_spec.bpmn_id, end.task_spec.bpmn_name or ""
    else:
        decision = "cancelled" if workflow.is_completed() else None
        end_id, end_name = None, ""
    return {
        "finished": workflow.is_completed(),
        "decision": decision,
        "reasons": list(data.get("reasons") or []),
        "rule": data.get("rule"),
        "reviews": data.get("reviews"),
        "end": end_id,
        "end_name": end_name,
        "data": data,
    }


def clear_spec_cache() -> None:
    """Forget the parsed specs and start snapshots of this process (as a restart would); rebuilt on demand."""
    with _specs_lock:
        _specs.clear()
        _snapshots.clear()


def definition_of(state: ProcessState) -> tuple[str, int]:
    """(key, version) of the definition the state runs on."""
    entry = _spec(state.definition_id, state.checksum)
    return entry.key, entry.version
