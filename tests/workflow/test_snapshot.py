"""Starting from a snapshot gives the same process state as running the start, and runs on the same."""

from __future__ import annotations

import json
import re

import pytest

from tongban.workflow import engine

pytestmark = pytest.mark.django_db

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _shape(state: engine.ProcessState) -> str:
    """The serialized state with task ids numbered by first appearance and times left out."""
    workflow = json.loads(json.dumps(state.to_json()["workflow"]))
    for task in workflow["tasks"].values():
        task.pop("last_state_change")
    text = json.dumps(workflow, ensure_ascii=False)
    numbering: dict[str, str] = {}
    return UUID.sub(lambda m: numbering.setdefault(m.group(0), f"task-{len(numbering)}"), text)


def _run_start(key: str, data: dict) -> engine.ProcessState:
    entry = engine._spec(*engine._active_definition(key, None))
    return engine._state(entry, engine._new_workflow(entry, data))


@pytest.mark.parametrize("key", ["single_review", "parallel_review"])
def test_a_snapshot_start_is_the_state_running_the_start_gives(key):
    data = {"item": "TEST-1", "department": "dept-a", "departments": ["dept-a", "dept-b"]}
    from_snapshot = engine.start_process(key=key, data=data)
    entry = engine._spec(*engine._active_definition(key, None))
    assert engine._snapshot_of(entry) is not None, "a process that starts with a user task has a snapshot"
    assert _shape(from_snapshot) == _shape(_run_start(key, data))
    restored = engine.ProcessState.from_json(json.loads(json.dumps(from_snapshot.to_json())))
    assert [(t.bpmn_id, t.role, t.department) for t in engine.ready_tasks(from_snapshot)] == [
        (t.bpmn_id, t.role, t.department) for t in engine.ready_tasks(restored)
    ]
    assert [t.id for t in engine.ready_tasks(from_snapshot)] == [t.id for t in engine.ready_tasks(restored)]
    assert not engine.is_finished(from_snapshot) and not engine.is_finished(restored)


def test_every_case_gets_its_own_task_ids_and_data():
    first = engine.start_process(key="single_review", data={"item": "A", "department": "d1"})
    second = engine.start_process(key="single_review", data={"item": "B", "department": "d2"})
    ids_first = set(first.to_json()["workflow"]["tasks"])
    ids_second = set(second.to_json()["workflow"]["tasks"])
    assert not ids_first & ids_second
    assert engine.ready_tasks(first)[0].data["item"] == "A"
    assert engine.ready_tasks(second)[0].department == "d2"


def test_a_snapshot_started_case_runs_to_its_end():
    state = engine.start_process(key="single_review", data={"item": "A", "department": "d1"})
    for bpmn_id, outcome in (("accept", "accept"), ("review", "pass"), ("decide", "approve")):
        state = engine.ProcessState.from_json(json.loads(json.dumps(state.to_json())))
        (task,) = engine.ready_tasks(state)
        assert task.bpmn_id == bpmn_id
        state = engine.complete_task(state, task_id=task.id, data={"outcome": outcome})
    assert engine.is_finished(state)
    assert engine.result(state)["decision"] == "approved"


def test_a_process_that_decides_at_once_is_run_not_copied():
    entry = engine._spec(*engine._active_definition("instant", None))
    assert engine._snapshot_of(entry) is None  # its rules read the data before anything waits


def test_data_json_would_change_is_not_put_into_a_snapshot():
    from datetime import date

    state = engine.start_process(key="single_review", data={"item": "A", "department": "d1", "on": date(2026, 1, 2)})
    assert engine.ready_tasks(state)[0].data["on"] == date(2026, 1, 2)
