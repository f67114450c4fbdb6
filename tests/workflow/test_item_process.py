"""An item's process (办理流程) in the console item editor and through `assign_process`."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.catalog.conftest import small_catalogue, stream
from tests.catalog.test_edit import _form_data
from tests.conftest import staff_client
from tongban.accounts.models import User
from tongban.catalog.models import ServiceItem
from tongban.catalog.services import import_catalogue
from tongban.core.models import AuditEntry
from tongban.demo.orgs import department_code
from tongban.workflow.services import assign_process

pytestmark = pytest.mark.django_db

CODE = "440100-GA-001"
URL = f"/console/catalog/items/{CODE}/"
POLICE, HEALTH = department_code(1), department_code(4)


@pytest.fixture
def catalogue(demo):
    report = import_catalogue(stream=stream(*small_catalogue()), actor=None)
    assert report.written


def item() -> ServiceItem:
    return ServiceItem.objects.get(code=CODE)


def test_the_editor_sets_a_parallel_review_with_its_departments(catalogue):
    client = staff_client("admin")
    data = _form_data(client, URL)
    data.update({"process": "parallel_review", "review_departments": f"{POLICE}\n{HEALTH}\n"})
    response = client.post(URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert item().process == "parallel_review" and item().extra["departments"] == [POLICE, HEALTH]
    assert AuditEntry.objects.filter(action="workflow.assign_process", subject_id=str(item().pk)).exists()
    page = client.get(URL).content.decode()
    assert "并联审批" in page and POLICE in page

    data = _form_data(client, URL)
    data.update({"process": "", "review_departments": ""})
    assert client.post(URL, data).status_code == 302
    assert item().process == "" and "departments" not in item().extra


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"process": "no_such_process"}, "选择一个有效的选项"),
        ({"process": "parallel_review", "review_departments": POLICE}, "至少两个审查部门"),
        ({"process": "parallel_review", "review_departments": f"{POLICE}\nNOPE"}, "这些部门编码不存在：NOPE"),
    ],
)
def test_the_editor_refuses_what_cannot_run(catalogue, changes, message):
    client = staff_client("admin")
    data = {**_form_data(client, URL), **changes}
    response = client.post(URL, data)
    assert response.status_code == 200 and message in response.content.decode()
    assert item().process == ""


def test_a_stored_wrong_key_is_shown_and_must_be_fixed(catalogue):
    ServiceItem.objects.filter(code=CODE).update(process="gone")
    client = staff_client("admin")
    page = client.get(URL).content.decode()
    assert "流程不存在，请重新选择" in page
    response = client.post(URL, _form_data(client, URL))
    assert response.status_code == 200 and "没有可用的流程“gone”" in response.content.decode()


def test_assign_process_checks_rights_and_keys(catalogue):
    with pytest.raises(PermissionDenied):
        assign_process(
            item=item(), key="parallel_review", departments=[POLICE, HEALTH], actor=User.objects.get(username="banli")
        )
    with pytest.raises(ValidationError) as failure:
        assign_process(item=item(), key="nope", actor=User.objects.get(username="admin"))
    assert "process" in failure.value.message_dict
    assert item().process == ""
