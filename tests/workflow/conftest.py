from __future__ import annotations

from importlib import resources


def shipped(name: str) -> bytes:
    return resources.files("tongban.workflow").joinpath("processes", name).read_bytes()


def bpmn(body: str, *, executable: str = "true", extra_process: str = "") -> bytes:
    """A small process document around `body` (flow nodes and sequence flows)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="p" name="测试流程" isExecutable="{executable}">{body}</bpmn:process>{extra_process}
</bpmn:definitions>""".encode()


def user_task(task_id: str, role: str | None = "handling_clerk", name: str = "审查") -> str:
    props = (
        f'<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="role" value="{role}"/>'
        "</spiffworkflow:properties></bpmn:extensionElements>"
        if role is not None
        else ""
    )
    return f'<bpmn:userTask id="{task_id}" name="{name}">{props}</bpmn:userTask>'


def flow(source: str, target: str) -> str:
    return f'<bpmn:sequenceFlow id="f_{source}_{target}" sourceRef="{source}" targetRef="{target}"/>'
