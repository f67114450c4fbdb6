"""The console page of process definitions."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import verified_client
from tongban.accounts.models import StaffRole
from tongban.workflow.models import ProcessDefinition
from tongban.workflow.services import ensure_builtin_processes

from .conftest import shipped

URL = "/console/workflow/"


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


def test_without_second_factor_is_sent_to_login(client, administrator):
    client.force_login(administrator)
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


def test_clerk_is_refused(make_staff):
    client = verified_client(make_staff(StaffRole.DEPARTMENT_HEAD))
    assert client.get(URL).status_code == 403
    upload = SimpleUploadedFile("p.bpmn", shipped("single_review.bpmn"))
    assert client.post(URL, {"key": "x", "bpmn_file": upload}).status_code == 403
    assert not ProcessDefinition.objects.exists()


def test_administrator_lists_and_uploads(administrator):
    ensure_builtin_processes()
    client = verified_client(administrator)
    page = client.get(URL).content.decode()
    assert "single_review" in page and "parallel_review" in page and "系统内置" in page
    upload = SimpleUploadedFile("single_review.bpmn", shipped("single_review.bpmn"))
    response = client.post(URL, {"key": "single_review", "bpmn_file": upload})
    assert response.status_code == 302
    assert ProcessDefinition.objects.filter(key="single_review").count() == 2
    page = client.get(URL).content.decode()
    assert "v2" in page and "历史版本" in page


def test_upload_errors_are_shown(administrator):
    client = verified_client(administrator)
    broken = shipped("single_review.bpmn").replace(b'value="department_head"', b'value="mayor"')
    response = client.post(URL, {"key": "broken", "bpmn_file": SimpleUploadedFile("b.bpmn", broken)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "“mayor”不存在" in page
    assert not ProcessDefinition.objects.filter(key="broken").exists()
    response = client.post(
        URL,
        {
            "key": "instant2",
            "bpmn_file": SimpleUploadedFile("i.bpmn", shipped("instant.bpmn")),
            "dmn_file": SimpleUploadedFile("i.dmn", b"not xml"),
        },
    )
    assert response.status_code == 400 and "DMN 文件不是有效的 XML" in response.content.decode()


def test_upload_with_decision_table(administrator):
    client = verified_client(administrator)
    response = client.post(
        URL,
        {
            "key": "elderly_allowance",
            "bpmn_file": SimpleUploadedFile("i.bpmn", shipped("instant.bpmn")),
            "dmn_file": SimpleUploadedFile("i.dmn", shipped("instant_rules.dmn")),
        },
    )
    assert response.status_code == 302
    assert ProcessDefinition.objects.get(key="elderly_allowance").dmn_xml
