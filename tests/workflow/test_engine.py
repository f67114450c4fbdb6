"""The engine adapter: the shipped processes from start to end, restarts, versions."""

from __future__ import annotations

import json

import pytest

from tongban.workflow import engine, services
from tongban.workflow.engine import InvalidOutcome, ProcessNotFound, ProcessState, TaskNotReady, WorkflowError
from tongban.workflow.models import ProcessDefinition

from .conftest import shipped


def only_task(state: ProcessState) -> engine.TaskInfo:
    tasks = engine.ready_tasks(state)
    assert len(tasks) == 1, tasks
    return tasks[0]


def step(state: ProcessState, bpmn_id: str, outcome: str, **data: object) -> ProcessState:
    task = only_task(state)
    assert task.bpmn_id == bpmn_id
    return engine.complete_task(state, task_id=task.id, data={"outcome": outcome, **data})


def reload(state: ProcessState) -> ProcessState:
    """What the cases app does: JSON into a JSONField and back."""
    return ProcessState.from_json(json.loads(json.dumps(state.to_json())))


pytestmark = pytest.mark.django_db


class TestSingleReview:
    def test_approve(self):
        state = engine.start_process(key="single_review", data={"item_code": "X1"})
        task = only_task(state)
        assert (task.name, task.role, task.outcomes) == ("受理", "intake_clerk", ("accept", "refuse", "supplement"))
        assert task.department is None and task.data["item_code"] == "X1"
        state = step(state, "accept", "accept")
        assert only_task(state).role == "handling_clerk" and only_task(state).name == "审查"
        state = step(state, "review", "pass")
        assert only_task(state).role == "department_head"
        assert not engine.is_finished(state)
        state = step(state, "decide", "approve")
        assert engine.is_finished(state)
        assert engine.ready_tasks(state) == []
        outcome = engine.result(state)
        assert outcome["decision"] == "approved" and outcome["end_name"] == "准予许可"
        assert outcome["data"]["item_code"] == "X1"

    def test_refused_at_intake(self):
        state = engine.start_process(key="single_review", data={})
        state = step(state, "accept", "refuse", reasons=["不属于本部门职权范围"])
        assert engine.is_finished(state)
        assert engine.result(state)["decision"] == "not_accepted"
        assert engine.result(state)["reasons"] == ["不属于本部门职权范围"]

    def test_refused_at_decision(self):
        state = engine.start_process(key="single_review", data={})
        state = step(state, "accept", "accept")
        state = step(state, "review", "refuse", reasons=["场地面积不足"])
        state = step(state, "decide", "refuse", reasons="场地面积不符合标准")
        outcome = engine.result(state)
        assert outcome["decision"] == "refused" and outcome["reasons"] == ["场地面积不符合标准"]

    def test_supplement_at_intake_then_supplied(self):
        state = engine.start_process(key="single_review", data={})
        state = step(state, "accept", "supplement", reasons=["缺少身份证复印件"])
        task = only_task(state)
        assert task.pause == "supplement" and task.role == "intake_clerk"
        state = step(state, "supplement_intake", "supplied")
        state = step(state, "accept", "accept")
        state = step(state, "review", "supplement")
        state = step(state, "supplement_review", "supplied")
        state = step(state, "review", "pass")
        state = step(state, "decide", "approve")
        assert engine.result(state)["decision"] == "approved"

    def test_supplement_not_delivered(self):
        state = engine.start_process(key="single_review", data={})
        state = step(state, "accept", "accept")
        state = step(state, "review", "supplement")
        state = step(state, "supplement_review", "expired")
        assert engine.result(state)["decision"] == "not_supplemented"

    def test_wrong_outcome_and_stale_task_are_refused(self):
        state = engine.start_process(key="single_review", data={})
        task = only_task(state)
        with pytest.raises(InvalidOutcome) as caught:
            engine.complete_task(state, task_id=task.id, data={"outcome": "approve"})
        assert "accept" in caught.value.message
        later = engine.complete_task(state, task_id=task.id, data={"outcome": "accept"})
        # A second clerk acting on the same task from the state saved after the first one.
        with pytest.raises(TaskNotReady):
            engine.complete_task(later, task_id=task.id, data={"outcome": "accept"})
        with pytest.raises(TaskNotReady):
            engine.complete_task(later, task_id="not-a-uuid", data={"outcome": "accept"})

    def test_cancel(self):
        state = engine.start_process(key="single_review", data={})
        state = engine.cancel_process(reload(state))
        assert engine.is_finished(state) and engine.ready_tasks(state) == []
        assert engine.result(state)["decision"] == "cancelled"


class TestParallelReview:
    DEPARTMENTS = ["市公安局", "市人社局", "市医保局"]

    def start(self) -> ProcessState:
        state = engine.start_process(key="parallel_review", data={"departments": self.DEPARTMENTS})
        return step(state, "accept", "accept")

    def test_all_agree(self):
        state = self.start()
        tasks = engine.ready_tasks(state)
        assert sorted(t.department or "" for t in tasks) == sorted(self.DEPARTMENTS)
        assert {(t.bpmn_id, t.role, t.name) for t in tasks} == {("department_review", "handling_clerk", "部门并联审查")}
        for department in self.DEPARTMENTS:
            task = next(t for t in engine.ready_tasks(state) if t.department == department)
            state = engine.complete_task(reload(state), task_id=task.id, data={"outcome": "approve"})
        assert engine.is_finished(state)
        outcome = engine.result(state)
        assert outcome["decision"] == "approved" and outcome["reasons"] == []
        assert sorted(r["department"] for r in outcome["reviews"]) == sorted(self.DEPARTMENTS)

    def test_one_refusal_ends_it_with_reasons(self):
        state = self.start()
        first = next(t for t in engine.ready_tasks(state) if t.department == "市公安局")
        state = engine.complete_task(state, task_id=first.id, data={"outcome": "approve"})
        refusing = next(t for t in engine.ready_tasks(state) if t.department == "市医保局")
        state = engine.complete_task(
            state, task_id=refusing.id, data={"outcome": "refuse", "reasons": ["参保信息与申请不符"]}
        )
        assert engine.is_finished(state)
        assert engine.ready_tasks(state) == []  # 市人社局's task is withdrawn
        outcome = engine.result(state)
        assert outcome["decision"] == "refused"
        assert outcome["reasons"] == ["市医保局：参保信息与申请不符"]

    def test_refused_at_intake(self):
        state = engine.start_process(key="parallel_review", data={"departments": self.DEPARTMENTS})
        state = step(state, "accept", "refuse")
        assert engine.result(state)["decision"] == "not_accepted"


class TestInstant:
    def test_approved_by_rule_without_clerk(self):
        state = engine.start_process(
            key="instant", data={"age": 86, "local_household": True, "already_receiving": False}
        )
        assert engine.is_finished(state) and engine.ready_tasks(state) == []
        outcome = engine.result(state)
        assert outcome["decision"] == "approved"
        assert outcome["rule"].startswith("规则4")

    @pytest.mark.parametrize(
        ("data", "rule"),
        [
            ({"age": 70, "local_household": True, "already_receiving": False}, "规则1"),
            ({"age": 90, "local_household": False, "already_receiving": False}, "规则2"),
            ({"age": 90, "local_household": True, "already_receiving": True}, "规则3"),
        ],
    )
    def test_refused_by_rule(self, data, rule):
        outcome = engine.result(engine.start_process(key="instant", data=data))
        assert outcome["decision"] == "refused" and outcome["rule"].startswith(rule)

    def test_no_rule_matches_a_clerk_decides(self):
        state = engine.start_process(
            key="instant", data={"age": 90, "local_household": None, "already_receiving": None}
        )
        state = step(state, "manual_review", "approve")
        assert engine.result(state)["decision"] == "approved"
        assert engine.result(state)["rule"] is None

    def test_missing_data_is_a_clear_error(self):
        with pytest.raises(WorkflowError):
            engine.start_process(key="instant", data={"local_household": True})


class TestPersistence:
    def test_restart_survival(self):
        state = engine.start_process(key="single_review", data={"applicant": "张三"})
        state = step(state, "accept", "accept")
        stored = json.dumps(state.to_json())
        engine.clear_spec_cache()  # a new process: nothing cached
        restored = ProcessState.from_json(json.loads(stored))
        assert only_task(restored).bpmn_id == "review"
        restored = step(restored, "review", "pass")
        restored = step(reload(restored), "decide", "approve")
        assert engine.result(restored)["decision"] == "approved"
        assert engine.result(restored)["data"]["applicant"] == "张三"

    def test_running_case_keeps_version_1(self, administrator):
        old = engine.start_process(key="single_review", data={})
        assert engine.definition_of(old) == ("single_review", 1)
        renamed = shipped("single_review.bpmn").replace('name="决定"'.encode(), 'name="审批决定（新版）"'.encode())
        services.upload_process_definition(key="single_review", bpmn_xml=renamed, dmn_xml=None, actor=administrator)
        new = engine.start_process(key="single_review", data={})
        assert engine.definition_of(new) == ("single_review", 2)
        old = step(step(reload(old), "accept", "accept"), "review", "pass")
        assert engine.definition_of(old) == ("single_review", 1)
        assert only_task(old).name == "决定"
        new = step(step(new, "accept", "accept"), "review", "pass")
        assert only_task(new).name == "审批决定（新版）"
        assert engine.result(step(old, "decide", "approve"))["decision"] == "approved"
        v1 = engine.start_process(key="single_review", data={}, version=1)
        assert engine.definition_of(v1) == ("single_review", 1)


class TestBuiltins:
    def test_loaded_lazily_and_idempotently(self):
        assert not ProcessDefinition.objects.exists()
        engine.start_process(key="instant", data={"age": 81, "local_household": True, "already_receiving": False})
        assert set(ProcessDefinition.objects.values_list("key", "version")) == {
            ("single_review", 1),
            ("parallel_review", 1),
            ("instant", 1),
        }
        assert services.ensure_builtin_processes() == []
        assert ProcessDefinition.objects.count() == 3
        instant = ProcessDefinition.objects.get(key="instant")
        assert "instant_decision" in instant.dmn_xml and instant.uploaded_by is None

    def test_unknown_key(self):
        with pytest.raises(ProcessNotFound):
            engine.start_process(key="no_such_process", data={})

    def test_demo_loader(self):
        import io

        from tongban.demo import workflow as demo

        out = io.StringIO()
        demo.load(stdout=out)
        demo.load(stdout=out)
        assert ProcessDefinition.objects.count() == 3
        assert "processes: 3" in out.getvalue()


def _as_jsonb(value):
    """What PostgreSQL's jsonb gives back: object keys reordered (shorter first, then bytewise)."""
    if isinstance(value, dict):
        return {k: _as_jsonb(value[k]) for k in sorted(value, key=lambda k: (len(k.encode()), k.encode()))}
    if isinstance(value, list):
        return [_as_jsonb(v) for v in value]
    return value


def test_a_state_whose_keys_were_reordered_restores_the_same():
    """Task data is stored as changes to the parent's: the restore rebuilds parents first."""
    state = engine.start_process(key="parallel_review", data={"item": "X", "departments": ["A", "B"]})
    state = ProcessState.from_json(_as_jsonb(state.to_json()))
    state = step(state, "accept", "accept")
    state = ProcessState.from_json(_as_jsonb(state.to_json()))
    reviews = engine.ready_tasks(state)
    assert [(t.bpmn_id, t.department) for t in reviews] == [("department_review", "A"), ("department_review", "B")]
    assert all(t.data["item"] == "X" for t in reviews)
    for task in reviews:
        state = ProcessState.from_json(_as_jsonb(state.to_json()))
        state = engine.complete_task(state, task_id=task.id, data={"outcome": "approve"})
    assert engine.is_finished(state)
    assert engine.result(state)["decision"] == "approved"
