"""并联审批 through the cases services: several departments review at once; all must agree."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.cases.conftest import MARKET, POLICE, _item, submit
from tongban.cases import actions, selectors, services
from tongban.cases.errors import Conflict
from tongban.cases.models import Case, CaseStatus, CaseTask, TaskStatus

pytestmark = pytest.mark.django_db

FORM = {
    "type": "object",
    "required": ["shop_name"],
    "properties": {"shop_name": {"type": "string", "title": "店铺名称"}},
}


def _import(*lines):
    from tongban.catalog.importer import import_catalogue

    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n"
    report = import_catalogue(stream=io.StringIO(text), actor=None)
    assert report.written, report.errors


@pytest.fixture
def joint_item(catalogue):
    from tongban.catalog.models import ServiceItem

    _import(
        _item(
            "TEST-BL-001",
            "娱乐场所设立（并联审批测试）",
            MARKET,
            form=FORM,
            process="parallel_review",
            departments=[MARKET, POLICE],
        )
    )
    return ServiceItem.objects.get(code="TEST-BL-001")


def fresh(case):
    return Case.objects.get(pk=case.pk)


def accepted(joint_item, people):
    case = submit(people["zhangsan"], joint_item, answers={"shop_name": "星光KTV"}, files=[])
    services.accept_case(case=fresh(case), clerk=people["chuangkou"], expected_version=fresh(case).version)
    return fresh(case)


def review(case, clerk, agree, comment=""):
    case = fresh(case)
    return services.review_case(case=case, clerk=clerk, agree=agree, comment=comment, expected_version=case.version)


def test_each_department_reviews_its_own_task_in_parallel(joint_item, people, media):
    case = accepted(joint_item, people)
    tasks = {t.department.code: t for t in CaseTask.objects.filter(case=case).exclude(status=TaskStatus.DONE)}
    assert set(tasks) == {MARKET, POLICE}
    assert {t.bpmn_id for t in tasks.values()} == {"department_review"}
    # each department's clerk has exactly their own task in the to-do list
    for username, code in (("banli", MARKET), ("gongan", POLICE)):
        todo, _counts = selectors.todo_for(clerk=people[username])
        assert [t.department.code for t in todo if t.case_id == case.pk] == [code]
        assert "review" in actions.allowed_actions(people[username], fresh(case))
    # the police clerk may claim their own task although the case belongs to the market department
    police_task = tasks[POLICE]
    services.claim_task(task=police_task, clerk=people["gongan"], expected_version=police_task.version)

    review(case, people["gongan"], True, "消防与治安条件符合")
    case = fresh(case)
    assert case.status == CaseStatus.IN_REVIEW
    open_tasks = list(CaseTask.objects.filter(case=case).exclude(status=TaskStatus.DONE))
    assert [t.department.code for t in open_tasks] == [MARKET]
    with pytest.raises(PermissionDenied):  # the police's part is done: nothing left for them
        review(case, people["gongan"], True)

    review(case, people["banli"], True, "经营条件符合")
    case = fresh(case)
    assert case.status == CaseStatus.APPROVED and case.decision == "approved"
    assert not CaseTask.objects.filter(case=case).exclude(status=TaskStatus.DONE).exists()


def test_one_refusal_ends_it_and_the_applicant_sees_why(joint_item, people, media):
    case = accepted(joint_item, people)
    review(case, people["gongan"], False, "消防验收未通过")
    case = fresh(case)
    assert case.status == CaseStatus.REFUSED and case.decision == "refused"
    assert case.decision_text == "广州市公安局天河区分局：消防验收未通过"
    assert not CaseTask.objects.filter(case=case).exclude(status=TaskStatus.DONE).exists()
    view = selectors.progress(number=case.number, query_code=_code(case))
    assert view is not None and any("消防验收未通过" in e.comment for e in view.timeline)


def _code(case):
    from tongban.core import crypto

    return crypto.decrypt(case.query_code_encrypted)


def test_a_department_cannot_review_twice_or_for_another(joint_item, people, media):
    case = accepted(joint_item, people)
    with pytest.raises(PermissionDenied):
        review(case, people["kezhang"], True)  # head, not a handling clerk
    stale = fresh(case).version
    review(case, people["banli"], True)
    with pytest.raises(Conflict):
        services.review_case(case=fresh(case), clerk=people["gongan"], agree=True, comment="", expected_version=stale)


def test_supplement_at_intake_is_not_offered_and_answers_clearly(joint_item, people, media):
    case = submit(people["zhangsan"], joint_item, answers={"shop_name": "星光KTV"}, files=[])
    assert "request_supplement" not in actions.allowed_actions(people["chuangkou"], fresh(case))
    with pytest.raises(ValidationError) as info:
        services.request_supplement(
            case=fresh(case),
            clerk=people["chuangkou"],
            items=[{"material": "营业执照", "reason": "模糊"}],
            note="",
            expected_version=fresh(case).version,
        )
    assert info.value.code == "supplement_not_in_process"
    assert fresh(case).status == CaseStatus.SUBMITTED


def test_unknown_review_department_is_refused_on_submit(catalogue, people, media):
    from tongban.catalog.models import ServiceItem

    _import(
        _item("TEST-BL-002", "并联（错误部门）", MARKET, form=FORM, process="parallel_review", departments=["NOPE"])
    )
    item = ServiceItem.objects.get(code="TEST-BL-002")
    with pytest.raises(ValidationError) as info:
        submit(people["zhangsan"], item, answers={"shop_name": "x"}, files=[])
    assert info.value.code == "unknown_department"
    assert not Case.objects.filter(item=item).exists()


def test_unknown_process_key_is_a_clear_error_on_submit(catalogue, people, media):
    from tongban.catalog.models import ServiceItem

    _import(_item("TEST-BL-003", "流程配置错误", MARKET, form=FORM, process="no_such_process"))
    item = ServiceItem.objects.get(code="TEST-BL-003")
    with pytest.raises(ValidationError) as info:
        submit(people["zhangsan"], item, answers={"shop_name": "x"}, files=[])
    assert info.value.code == "process_not_found"
    assert not Case.objects.filter(item=item).exists()
