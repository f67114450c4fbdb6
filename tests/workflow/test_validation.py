"""Checks of uploaded BPMN files and the upload service."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongban.accounts.models import StaffRole
from tongban.core.models import AuditEntry
from tongban.workflow import engine, services
from tongban.workflow.models import ProcessDefinition
from tongban.workflow.validation import validate_process

from .conftest import bpmn, flow, shipped, user_task

START = '<bpmn:startEvent id="start"/>'
END = '<bpmn:endEvent id="end"/>'


def simple(task: str) -> bytes:
    return bpmn(START + task + END + flow("start", "review") + flow("review", "end"))


def test_shipped_processes_are_valid():
    assert validate_process(shipped("single_review.bpmn"), None) == []
    assert validate_process(shipped("parallel_review.bpmn"), None) == []
    assert validate_process(shipped("instant.bpmn"), shipped("instant_rules.dmn")) == []
    assert validate_process(simple(user_task("review"))) == []


def test_not_xml():
    assert validate_process(b"this is not xml") == ["BPMN 文件不是有效的 XML（或包含不允许的 DOCTYPE/实体声明）。"]
    assert "不是 BPMN 2.0" in validate_process(b"<html><body/></html>")[0]
    assert "DMN 文件不是有效的 XML" in validate_process(simple(user_task("review")), b"<dmn")[0]


def test_entities_are_refused():
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + simple(user_task("review")).split(b"?>", 1)[1]
    )
    assert "DOCTYPE" in validate_process(evil)[0]


def test_user_task_without_role():
    errors = validate_process(simple(user_task("review", role=None)))
    assert errors == ["用户任务「审查（review）」没有指定办理角色（属性 role 或泳道名称）。"]


def test_unknown_role():
    errors = validate_process(simple(user_task("review", role="janitor")))
    assert len(errors) == 1 and "“janitor”不存在" in errors[0]


def test_role_from_lane():
    lanes = (
        '<bpmn:laneSet id="ls"><bpmn:lane id="l1" name="业务办理员"><bpmn:flowNodeRef>review</bpmn:flowNodeRef>'
        "</bpmn:lane></bpmn:laneSet>"
    )
    document = bpmn(
        lanes + START + user_task("review", role=None) + END + flow("start", "review") + flow("review", "end")
    )
    assert validate_process(document) == []


def test_dead_end():
    body = START + user_task("review") + user_task("stuck", name="卡住") + END
    body += flow("start", "review") + flow("review", "end") + flow("review", "stuck")
    errors = validate_process(bpmn(body))
    assert "节点「卡住（stuck）」没有后续连线（死胡同）。" in errors


def test_unreachable_node():
    body = START + user_task("review") + user_task("orphan", name="孤立") + END
    body += flow("start", "review") + flow("review", "end") + flow("orphan", "end")
    assert validate_process(bpmn(body)) == ["节点「孤立（orphan）」从开始事件无法到达。"]


def test_loop_without_way_to_an_end():
    body = START + user_task("review") + user_task("a", name="甲") + user_task("b", name="乙") + END
    body += flow("start", "review") + flow("review", "end") + flow("review", "a") + flow("a", "b") + flow("b", "a")
    errors = validate_process(bpmn(body))
    assert "从节点「甲（a）」无法到达任何结束事件。" in errors
    assert "从节点「乙（b）」无法到达任何结束事件。" in errors


def test_exactly_one_executable_process():
    other = '<bpmn:process id="q" isExecutable="true"><bpmn:startEvent id="s2"/></bpmn:process>'
    assert "实际为 2 个" in validate_process(bpmn(START, extra_process=other))[0]
    assert "实际为 0 个" in validate_process(bpmn(START, executable="false"))[0]


def test_missing_decision_table():
    errors = validate_process(shipped("instant.bpmn"), None)
    assert len(errors) == 1 and errors[0].startswith("流程无法解析")


def test_double_underscore_is_refused():
    body = START + user_task("review") + END + flow("start", "review")
    body += (
        '<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"><bpmn:conditionExpression>'
        "().__class__</bpmn:conditionExpression></bpmn:sequenceFlow>"
    )
    assert "双下划线" in validate_process(bpmn(body))[0]


@pytest.mark.django_db
class TestUpload:
    def test_new_versions_and_audit(self, administrator):
        first = services.upload_process_definition(
            key="park_permit", bpmn_xml=simple(user_task("review")), dmn_xml=None, actor=administrator
        )
        second = services.upload_process_definition(
            key="park_permit", bpmn_xml=simple(user_task("review", name="复审")), dmn_xml=b"", actor=administrator
        )
        assert (first.version, second.version) == (1, 2)
        first.refresh_from_db()
        assert not first.is_active and second.is_active and second.name == "测试流程" and second.process_id == "p"
        assert AuditEntry.objects.filter(action="workflow.upload_process").count() == 2
        state = engine.start_process(key="park_permit", data={})
        assert engine.ready_tasks(state)[0].name == "复审"

    def test_invalid_file_is_refused_with_messages(self, administrator):
        with pytest.raises(ValidationError) as caught:
            services.upload_process_definition(
                key="park_permit", bpmn_xml=simple(user_task("review", role=None)), dmn_xml=None, actor=administrator
            )
        assert caught.value.messages == ["用户任务「审查（review）」没有指定办理角色（属性 role 或泳道名称）。"]
        assert not ProcessDefinition.objects.filter(key="park_permit").exists()

    def test_bad_key(self, administrator):
        with pytest.raises(ValidationError):
            services.upload_process_definition(
                key="../etc", bpmn_xml=simple(user_task("review")), dmn_xml=None, actor=administrator
            )

    def test_only_administrators(self, make_staff):
        clerk = make_staff(StaffRole.HANDLING_CLERK)
        with pytest.raises(PermissionDenied):
            services.upload_process_definition(
                key="park_permit", bpmn_xml=simple(user_task("review")), dmn_xml=None, actor=clerk
            )
        assert not ProcessDefinition.objects.exists()
