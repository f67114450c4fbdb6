from __future__ import annotations

from collections.abc import Callable
from importlib import resources

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from tongban.accounts import services as accounts
from tongban.accounts.models import StaffRole, User
from tongban.orgs.models import RegionLevel
from tongban.orgs.services import upsert_department, upsert_region


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


@pytest.fixture
def make_staff(db: None) -> Callable[..., User]:
    city = upsert_region(code="440100", name="广州市", level=RegionLevel.CITY, parent=None)
    department = upsert_department(code="DEPT-GZ-ZSJ", name="广州市政务服务和数据管理局", region=city)
    counter = iter(range(1, 100))

    def make(role: str) -> User:
        n = next(counter)
        user, _device = accounts.create_staff(
            username=f"wfstaff{n}",
            password="Tongban@2026!",
            name=f"员工{n}",
            phone=f"139000020{n:02d}",
            roles=[(department, role, city)],
        )
        return user

    return make


@pytest.fixture
def administrator(make_staff: Callable[..., User]) -> User:
    return make_staff(StaffRole.ADMINISTRATOR)


def verified_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    return client
