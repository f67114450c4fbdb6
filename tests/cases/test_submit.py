"""Applying: validation, materials, numbers, query codes, idempotency, the process start."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from tests.cases.conftest import submit, upload
from tongban.cases import selectors, services
from tongban.cases.models import Case, CaseStatus, CaseTask, MaterialFile
from tongban.core.models import AuditEntry
from tongban.notices.models import Message, OutgoingSms

pytestmark = pytest.mark.django_db


def test_submit_creates_case_with_number_code_task_audit_and_notices(item, people, media):
    zhang = people["zhangsan"]
    case = submit(zhang, item)
    assert re.fullmatch(r"TEST-SJ-001\d{8}000001", case.number)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{10}", case.query_code_plain)
    assert case.status == CaseStatus.SUBMITTED
    assert case.query_code_plain not in case.query_code_hash and case.query_code_plain not in case.query_code_encrypted
    task = CaseTask.objects.get(case=case)
    assert (task.bpmn_id, task.role, task.department_id) == ("accept", "intake_clerk", item.department.pk)
    assert case.workflow_state and case.process_version.key == "single_review"
    material = MaterialFile.objects.get(case=case)
    assert len(material.sha256) == 64 and material.file.name.startswith("cases/")
    assert (media / material.file.name).exists()
    assert AuditEntry.objects.filter(action="case.submit", data_subject=zhang).count() == 1
    assert Message.objects.filter(recipient=zhang, title__contains="已收到").exists()
    assert OutgoingSms.objects.filter(text__contains=case.number).exists()
    assert selectors.query_code_for(case, zhang) == case.query_code_plain
    assert selectors.query_code_for(case, people["lisi"]) == ""


def test_numbers_count_up_per_item_and_day(item, people, media):
    a = submit(people["zhangsan"], item, key="a")
    b = submit(people["lisi"], item, key="b")
    assert int(b.number[-6:]) == int(a.number[-6:]) + 1


def test_retry_with_same_key_returns_the_same_case(item, people, media):
    first = submit(people["zhangsan"], item, key="same")
    again = submit(people["zhangsan"], item, key="same")
    assert again.pk == first.pk and again.query_code_plain == first.query_code_plain
    assert Case.objects.count() == 1
    assert MaterialFile.objects.count() == 1
    assert sum(1 for _ in media.rglob("*.pdf")) == 1


def test_answers_are_checked_with_field_titles(item, people, media):
    with pytest.raises(ValidationError) as info:
        submit(people["zhangsan"], item, answers={"area": 0, "open_date": "明天"})
    messages = " ".join(info.value.messages)
    assert "请填写“店铺名称”" in messages
    assert "“经营面积（平方米）”不能小于 1" in messages
    assert "“开业日期”：日期应按 年-月-日 填写" in messages
    assert info.value.code == "invalid_answers"
    assert Case.objects.count() == 0


def test_missing_material_is_named(item, people, media):
    with pytest.raises(ValidationError) as info:
        submit(people["zhangsan"], item, files=[])
    assert info.value.code == "missing_materials" and "营业执照" in info.value.messages[0]
    assert "居民身份证" not in info.value.messages[0]  # the government holds it


def test_item_not_online_is_refused_online(catalogue, people, media):
    from tongban.catalog.models import ServiceItem

    window_only = ServiceItem.objects.get(code="TEST-SJ-002")
    with pytest.raises(ValidationError) as info:
        submit(people["zhangsan"], window_only, answers={}, files=[])
    assert info.value.code == "not_online"


def test_draft_resumes_and_materials_carry_over(item, people, media):
    zhang = people["zhangsan"]
    draft = services.save_draft(applicant=zhang, item=item, answers={"shop_name": "甜心"})
    resumed = selectors.draft_of(applicant=zhang, key=str(draft.key))
    assert resumed is not None and resumed.answers == {"shop_name": "甜心"}
    assert selectors.draft_of(applicant=people["lisi"], key=str(draft.key)) is None
    services.attach_upload(applicant=zhang, draft=draft, material_name="营业执照", upload=upload())
    services.save_draft(applicant=zhang, draft=draft, answers={"shop_name": "甜心", "area": 10})
    case = services.submit_application(
        applicant=zhang, item=item, answers={"shop_name": "甜心", "area": 10}, draft=draft, idempotency_key="d"
    )
    assert case.materials.filter(material_name="营业执照").count() == 1


def test_instant_item_decided_by_rule_shown_to_applicant(catalogue, people, media):
    from tongban.catalog.models import ServiceItem

    instant = ServiceItem.objects.get(code="TEST-MZ-001")
    case = submit(
        people["zhangsan"], instant, answers={"age": 86, "local_household": True, "already_receiving": False}, files=[]
    )
    assert case.status == CaseStatus.APPROVED
    assert case.rule.startswith("规则4")
    view = selectors.progress(number=case.number, query_code=case.query_code_plain)
    assert view is not None and view.rule.startswith("规则4")
    refused = submit(
        people["lisi"],
        instant,
        key="r",
        answers={"age": 70, "local_household": True, "already_receiving": False},
        files=[],
    )
    assert refused.status == CaseStatus.REFUSED and refused.rule.startswith("规则1")


def test_reuses_result_of_earlier_approved_case(catalogue, people, media):
    from tongban.cases.models import MaterialOrigin
    from tongban.catalog.models import ServiceItem

    zhang = people["zhangsan"]
    first_item = ServiceItem.objects.get(code="TEST-B-001")
    second_item = ServiceItem.objects.get(code="TEST-B-002")
    case = submit(zhang, first_item, answers={"shop_name": "甜心"}, files=[])
    from tests.cases.test_handling import run_to_approval

    run_to_approval(case, people)
    needs = {n.name: n for n in selectors.materials_needed(item=second_item, applicant=zhang)}
    assert needs["设立登记通知书"].reusable_file is not None
    second = submit(zhang, second_item, key="s", answers={"shop_name": "甜心", "seal_count": 2}, files=[])
    reused = second.materials.get(material_name="设立登记通知书")
    assert reused.source == MaterialOrigin.REUSED and reused.source_case_id == case.pk
