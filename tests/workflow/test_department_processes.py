"""A department's own process, uploaded and run: its roles, outcomes, pauses and decisions; what scripts
may not do; the reads of the console (versions by key, startable keys) and an item's process choice."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import verified_client
from tests.factories import CaseFactory, DepartmentFactory, RegionFactory, ServiceItemFactory, StaffFactory
from tongban.catalog.models import CatalogChange
from tongban.core.models import AuditEntry
from tongban.workflow import engine, selectors, services
from tongban.workflow.bpmn import MAX_XML_BYTES, UnsafeXml, parse_xml
from tongban.workflow.engine import InvalidOutcome, ProcessNotFound, TaskNotReady, WorkflowError
from tongban.workflow.models import ProcessDefinition

from .conftest import bpmn, flow

pytestmark = pytest.mark.django_db

SPIFF = "spiffworkflow"


def properties(**values: str) -> str:
    props = "".join(f'<{SPIFF}:property name="{k}" value="{v}"/>' for k, v in values.items())
    return f"<bpmn:extensionElements><{SPIFF}:properties>{props}</{SPIFF}:properties></bpmn:extensionElements>"


def inspection_process() -> bytes:
    """现场核查: the intake clerk checks on site (a clock pause), then the end says approved or refused."""
    return bpmn(
        '<bpmn:startEvent id="start"/>'
        f'<bpmn:userTask id="check" name="现场核查">{properties(role="intake_clerk", outcomes="ok,no", pause="inspection")}'
        "</bpmn:userTask>"
        '<bpmn:exclusiveGateway id="gw" default="f_no"/>'
        f'<bpmn:endEvent id="yes" name="核查通过">{properties(decision="approved")}</bpmn:endEvent>'
        f'<bpmn:endEvent id="no" name="核查不通过">{properties(decision="refused")}</bpmn:endEvent>'
        + flow("start", "check")
        + flow("check", "gw")
        + '<bpmn:sequenceFlow id="f_yes" sourceRef="gw" targetRef="yes">'
        '<bpmn:conditionExpression>outcome == "ok"</bpmn:conditionExpression></bpmn:sequenceFlow>'
        '<bpmn:sequenceFlow id="f_no" sourceRef="gw" targetRef="no"/>'
    )


def with_script(code: str) -> bytes:
    return bpmn(
        '<bpmn:startEvent id="start"/>'
        f'<bpmn:scriptTask id="s" name="脚本"><bpmn:script>{code}</bpmn:script></bpmn:scriptTask>'
        f'<bpmn:userTask id="review" name="审查">{properties(role="handling_clerk")}</bpmn:userTask>'
        '<bpmn:endEvent id="end"/>' + flow("start", "s") + flow("s", "review") + flow("review", "end")
    )


@pytest.fixture
def admin():
    """An administrator of the province: every item of the tests lies within their scope."""
    return StaffFactory(administrator=True, scope=RegionFactory(province=True))


def upload(key: str, document: bytes, actor) -> ProcessDefinition:
    return services.upload_process_definition(key=key, bpmn_xml=document, dmn_xml=None, actor=actor)


# --- running an uploaded process ------------------------------------------------------------------


def test_the_task_names_its_role_outcomes_and_pause(admin):
    upload("site_check", inspection_process(), admin)
    state = engine.start_process(key="site_check", data={"item_code": "X"})
    (task,) = engine.ready_tasks(state)
    assert (task.bpmn_id, task.name, task.role) == ("check", "现场核查", "intake_clerk")
    assert task.outcomes == ("ok", "no") and task.pause == "inspection" and task.department is None


@pytest.mark.parametrize(
    ("outcome", "decision", "end_name"), [("ok", "approved", "核查通过"), ("no", "refused", "核查不通过")]
)
def test_the_end_reached_gives_the_decision(admin, outcome, decision, end_name):
    upload("site_check", inspection_process(), admin)
    state = engine.start_process(key="site_check", data={})
    (task,) = engine.ready_tasks(state)
    state = engine.complete_task(state, task_id=task.id, data={"outcome": outcome, "reasons": "场地不符"})
    result = engine.result(state)
    assert engine.is_finished(state) and result["finished"]
    assert (result["decision"], result["end_name"]) == (decision, end_name)
    assert result["reasons"] == ["场地不符"]  # one reason given as text becomes a list


def test_an_outcome_the_task_does_not_list_is_refused_and_nothing_moves(admin):
    upload("site_check", inspection_process(), admin)
    state = engine.start_process(key="site_check", data={})
    (task,) = engine.ready_tasks(state)
    with pytest.raises(InvalidOutcome) as refused:
        engine.complete_task(state, task_id=task.id, data={"outcome": "maybe"})
    assert "ok、no" in str(refused.value)
    assert [t.id for t in engine.ready_tasks(state)] == [task.id]


def test_completing_a_task_that_is_not_there_is_refused(admin):
    upload("site_check", inspection_process(), admin)
    state = engine.start_process(key="site_check", data={})
    for task_id in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(TaskNotReady):
            engine.complete_task(state, task_id=task_id, data={"outcome": "ok"})


def test_a_cancelled_process_has_no_tasks_and_says_cancelled(admin):
    upload("site_check", inspection_process(), admin)
    state = engine.cancel_process(engine.start_process(key="site_check", data={}))
    assert engine.ready_tasks(state) == [] and engine.is_finished(state)
    assert engine.result(state)["decision"] == "cancelled"


def test_a_definition_changed_under_a_running_case_is_not_used(admin):
    definition = upload("site_check", inspection_process(), admin)
    state = engine.start_process(key="site_check", data={})
    (task,) = engine.ready_tasks(state)
    engine.clear_spec_cache()  # a restart
    ProcessDefinition.objects.filter(pk=definition.pk).update(checksum="0" * 64)
    with pytest.raises(ProcessNotFound):
        engine.complete_task(state, task_id=task.id, data={"outcome": "ok"})


def test_an_inactive_version_is_not_started_by_key_but_by_number(admin):
    upload("site_check", inspection_process(), admin)
    ProcessDefinition.objects.filter(key="site_check").update(is_active=False)
    with pytest.raises(ProcessNotFound):
        engine.start_process(key="site_check", data={})
    state = engine.start_process(key="site_check", data={}, version=1)
    assert engine.definition_of(state) == ("site_check", 1)


# --- what scripts may not do ----------------------------------------------------------------------


@pytest.mark.parametrize("code", ["x = open('/etc/passwd').read()", "import os", "x = eval('1')"])
def test_scripts_cannot_open_files_import_or_eval(admin, code):
    upload("scripted", with_script(code), admin)
    with pytest.raises(WorkflowError):
        engine.start_process(key="scripted", data={})


def test_scripts_see_the_data_and_harmless_builtins(admin):
    upload("scripted", with_script("n = len(items)"), admin)
    state = engine.start_process(key="scripted", data={"items": ["a", "b", "c"]})
    assert engine.ready_tasks(state)[0].data["n"] == 3


def test_xml_larger_than_the_limit_is_refused_unread():
    with pytest.raises(UnsafeXml):
        parse_xml(b"<a>" + b"x" * MAX_XML_BYTES + b"</a>")


def test_a_file_not_in_utf8_is_refused(admin):
    document = inspection_process().replace("现场核查".encode(), "现场核查".encode("gbk"))
    with pytest.raises(ValidationError) as refused:
        upload("gbk_file", document, admin)
    assert refused.value.messages == ["BPMN 文件须使用 UTF-8 编码。"]
    assert not ProcessDefinition.objects.filter(key="gbk_file").exists()


@pytest.mark.parametrize("key", ["Site", "1site", "site check", "s" * 61, ""])
def test_keys_are_lower_case_words(admin, key):
    with pytest.raises(ValidationError) as refused:
        upload(key, inspection_process(), admin)
    assert refused.value.code == "invalid_key"
    assert not ProcessDefinition.objects.exists()


# --- the console's reads -------------------------------------------------------------------------


def test_versions_are_grouped_by_key_newest_first(admin):
    upload("site_check", inspection_process(), admin)
    upload("site_check", inspection_process(), admin)
    upload("another", inspection_process(), admin)
    grouped = {key: [d.version for d in versions] for key, versions in selectors.definitions_by_key()}
    assert grouped == {"another": [1], "site_check": [2, 1]}
    assert str(ProcessDefinition.objects.get(key="site_check", version=2)) == "site_check v2"


def test_startable_keys_are_the_builtins_and_active_uploads(admin):
    upload("site_check", inspection_process(), admin)
    upload("retired", inspection_process(), admin)
    ProcessDefinition.objects.filter(key="retired").update(is_active=False)
    keys = dict(selectors.process_keys())
    assert {"single_review", "parallel_review", "instant", "site_check"} <= set(keys)
    assert "retired" not in keys and keys["site_check"] == "测试流程"
    assert selectors.is_startable("parallel_review") and selectors.is_startable("site_check")
    assert not selectors.is_startable("retired")


def test_the_console_refuses_a_bad_key_next_to_the_form(admin):
    client = verified_client(admin)
    response = client.post(
        "/console/workflow/", {"key": "Site", "bpmn_file": SimpleUploadedFile("p.bpmn", inspection_process())}
    )
    assert response.status_code == 400
    assert "流程标识须以小写字母开头" in response.content.decode()
    assert not ProcessDefinition.objects.filter(key__iexact="site").exists()


def test_the_console_lists_an_upload_with_its_uploader(admin):
    client = verified_client(admin)
    response = client.post(
        "/console/workflow/", {"key": "site_check", "bpmn_file": SimpleUploadedFile("p.bpmn", inspection_process())}
    )
    assert response.status_code == 302
    page = client.get("/console/workflow/").content.decode()
    assert "site_check" in page and "测试流程" in page
    assert ProcessDefinition.objects.get(key="site_check").uploaded_by == admin


# --- an item's process --------------------------------------------------------------------------


def test_item_process_problems_by_field():
    one, two = DepartmentFactory(), DepartmentFactory()
    assert services.check_item_process(key="", departments=[]) == {}
    assert services.check_item_process(key="parallel_review", departments=[one.code, two.code]) == {}
    assert "process" in services.check_item_process(key="no_such", departments=[])
    assert services.check_item_process(key="parallel_review", departments=[one.code]) == {
        "departments": ["并联审批须列出至少两个审查部门。"]
    }
    problems = services.check_item_process(key="parallel_review", departments=[one.code, "NOPE"])
    assert problems == {"departments": ["这些部门编码不存在：NOPE。"]}


def test_assigning_a_process_records_a_change_once_and_drops_repeated_departments(admin):
    item = ServiceItemFactory()
    other = DepartmentFactory(region=item.department.region)
    codes = [item.department.code, other.code, item.department.code, " "]
    item = services.assign_process(item=item, key="parallel_review", departments=codes, actor=admin)
    assert item.process == "parallel_review"
    assert item.extra["departments"] == [item.department.code, other.code]
    changes = CatalogChange.objects.filter(kind="item", code=item.code).count()
    audits = AuditEntry.objects.filter(action="workflow.assign_process").count()
    services.assign_process(item=item, key="parallel_review", departments=codes, actor=admin)  # nothing new
    assert CatalogChange.objects.filter(kind="item", code=item.code).count() == changes
    assert AuditEntry.objects.filter(action="workflow.assign_process").count() == audits == 1


def test_a_new_case_of_the_item_runs_the_assigned_process(admin):
    item = ServiceItemFactory()
    upload("site_check", inspection_process(), admin)
    item = services.assign_process(item=item, key="site_check", actor=admin)
    case = CaseFactory(item=item)
    assert list(case.tasks.values_list("bpmn_id", "role")) == [("check", "intake_clerk")]
