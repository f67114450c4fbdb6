"""Handling: claim, accept, supplement, review, decide, transfer, withdraw, permissions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.cases.conftest import submit, upload
from tongban.cases import actions, selectors, services
from tongban.cases.errors import Conflict
from tongban.cases.models import Case, CaseStatus, CaseTask, ClockPause, TaskStatus
from tongban.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def fresh(case):
    return Case.objects.get(pk=case.pk)


def run_to_approval(case, people):
    case = fresh(case)
    services.accept_case(case=case, clerk=people["chuangkou"], expected_version=case.version)
    case = fresh(case)
    services.review_case(
        case=case, clerk=people["banli"], agree=True, comment="材料齐全", expected_version=case.version
    )
    case = fresh(case)
    services.decide_case(
        case=case, clerk=people["kezhang"], approve=True, decision_text="准予许可", expected_version=case.version
    )
    return fresh(case)


def test_full_path_to_approval(item, people, media):
    case = submit(people["zhangsan"], item)
    case = run_to_approval(case, people)
    assert case.status == CaseStatus.APPROVED and case.decision == "approved"
    assert case.accepted_at and case.due_on and case.decided_at
    assert not CaseTask.objects.filter(case=case).exclude(status=TaskStatus.DONE).exists()
    labels = [e.label for e in case.events.filter(public=True)]
    assert labels[0] == "申报" and "已受理" in labels and "准予许可，办结" in labels
    actions = set(AuditEntry.objects.filter(subject_id=str(case.pk)).values_list("action", flat=True))
    assert {"case.submit", "case.accept", "case.review", "case.decide"} <= actions


def test_stale_version_is_a_conflict(item, people, media):
    case = submit(people["zhangsan"], item)
    stale = case.version
    services.accept_case(case=fresh(case), clerk=people["chuangkou"], expected_version=stale)
    with pytest.raises(Conflict):
        services.accept_case(case=fresh(case), clerk=people["chuangkou"], expected_version=stale)


def test_roles_and_departments_are_enforced(item, people, media):
    case = submit(people["zhangsan"], item)
    for name in ("banli", "gongan", "jiancha", "zhangsan"):
        with pytest.raises(PermissionDenied):
            services.accept_case(case=fresh(case), clerk=people[name], expected_version=fresh(case).version)
    assert fresh(case).status == CaseStatus.SUBMITTED and fresh(case).version == case.version
    services.accept_case(case=fresh(case), clerk=people["chuangkou"], expected_version=case.version)
    with pytest.raises(PermissionDenied):  # police clerk: another department
        services.review_case(
            case=fresh(case), clerk=people["gongan"], agree=True, comment="", expected_version=fresh(case).version
        )
    services.review_case(
        case=fresh(case), clerk=people["banli"], agree=True, comment="", expected_version=fresh(case).version
    )
    with pytest.raises(PermissionDenied):  # only the head decides
        services.decide_case(
            case=fresh(case),
            clerk=people["banli"],
            approve=True,
            decision_text="",
            expected_version=fresh(case).version,
        )
    assert "decide" in actions.allowed_actions(people["kezhang"], fresh(case))
    assert actions.allowed_actions(people["jiancha"], fresh(case)) == {"supervise"}  # 督办, nothing else


def test_refuse_at_intake_needs_reasons_and_basis(item, people, media):
    case = submit(people["zhangsan"], item)
    with pytest.raises(ValidationError):
        services.refuse_at_intake(
            case=fresh(case), clerk=people["chuangkou"], reasons=[], legal_basis="", expected_version=case.version
        )
    services.refuse_at_intake(
        case=fresh(case),
        clerk=people["chuangkou"],
        reasons=["不属于本部门职权范围"],
        legal_basis="《行政许可法》第三十二条",
        expected_version=case.version,
    )
    case = fresh(case)
    assert case.status == CaseStatus.REFUSED_AT_INTAKE and "第三十二条" in case.decision_text


def test_supplement_at_once_stops_clock_and_applicant_sees_it(item, people, media):
    zhang = people["zhangsan"]
    case = submit(zhang, item)
    services.accept_case(case=fresh(case), clerk=people["chuangkou"], expected_version=case.version)
    case = fresh(case)
    with pytest.raises(ValidationError):
        services.request_supplement(case=case, clerk=people["banli"], items=[], note="", expected_version=case.version)
    services.request_supplement(
        case=case,
        clerk=people["banli"],
        items=[{"material": "营业执照", "reason": "已过期"}, {"field": "area", "reason": "与执照不符"}],
        note="请一次补齐",
        expected_version=case.version,
    )
    case = fresh(case)
    assert case.status == CaseStatus.SUPPLEMENT_REQUESTED
    asked = selectors.open_supplement(case)
    assert asked is not None and [i.get("material") or i.get("field") for i in asked.items] == ["营业执照", "area"]
    assert ClockPause.objects.get(case=case, kind="supplement").ended_on is None
    assert "supplement" in actions.allowed_actions(zhang, case)
    with pytest.raises(ValidationError):  # the material asked for is missing
        services.submit_supplement(case=case, applicant=zhang, answers={"area": 50})
    with pytest.raises(PermissionDenied):
        services.submit_supplement(
            case=fresh(case), applicant=people["lisi"], answers={}, uploads=[("营业执照", upload())]
        )
    services.submit_supplement(
        case=fresh(case), applicant=zhang, answers={"area": 50}, uploads=[("营业执照", upload())]
    )
    case = fresh(case)
    assert case.status == CaseStatus.IN_REVIEW and case.answers["area"] == 50
    assert ClockPause.objects.get(case=case).ended_on is not None
    assert CaseTask.objects.filter(case=case, bpmn_id="review").exclude(status=TaskStatus.DONE).exists()


def test_claim_release_and_conflict(item, people, media):
    case = submit(people["zhangsan"], item)
    task = CaseTask.objects.get(case=case)
    services.claim_task(task=task, clerk=people["chuangkou"], expected_version=task.version)
    with pytest.raises(Conflict):
        services.claim_task(
            task=CaseTask.objects.get(pk=task.pk), clerk=people["chuangkou"], expected_version=task.version
        )
    with pytest.raises(PermissionDenied):
        services.claim_task(
            task=CaseTask.objects.get(pk=task.pk), clerk=people["gongan"], expected_version=task.version + 1
        )
    claimed = CaseTask.objects.get(pk=task.pk)
    services.release_task(task=claimed, clerk=people["chuangkou"], expected_version=claimed.version)
    assert CaseTask.objects.get(pk=task.pk).status == TaskStatus.OPEN


def test_transfer_moves_the_queue(item, people, media):
    from tests.cases.conftest import POLICE
    from tongban.orgs.models import Department

    case = submit(people["zhangsan"], item)
    services.accept_case(case=fresh(case), clerk=people["chuangkou"], expected_version=case.version)
    police = Department.objects.get(code=POLICE)
    services.transfer_case(
        case=fresh(case),
        clerk=people["banli"],
        department=police,
        reason="属公安职责",
        expected_version=fresh(case).version,
    )
    tasks, counts = selectors.todo_for(clerk=people["gongan"])
    assert [t.case_id for t in tasks] == [case.pk] and counts["total"] == 1
    assert not list(selectors.todo_for(clerk=people["banli"])[0])


def test_withdraw_before_decision_only(item, people, media):
    zhang = people["zhangsan"]
    case = submit(zhang, item)
    with pytest.raises(PermissionDenied):
        services.withdraw_case(case=fresh(case), applicant=people["lisi"], reason="")
    services.withdraw_case(case=fresh(case), applicant=zhang, reason="不需要了")
    case = fresh(case)
    assert case.status == CaseStatus.WITHDRAWN
    with pytest.raises(Conflict):
        services.withdraw_case(case=case, applicant=zhang, reason="")


def test_special_procedure_pauses_and_only_head(item, people, media):
    case = submit(people["zhangsan"], item)
    services.accept_case(case=fresh(case), clerk=people["chuangkou"], expected_version=case.version)
    with pytest.raises(PermissionDenied):
        services.start_special_procedure(
            case=fresh(case), clerk=people["banli"], kind="hearing", reason="听证", expected_version=fresh(case).version
        )
    services.start_special_procedure(
        case=fresh(case),
        clerk=people["kezhang"],
        kind="hearing",
        reason="申请人要求听证",
        expected_version=fresh(case).version,
    )
    assert fresh(case).status == CaseStatus.SPECIAL_PROCEDURE
    services.end_special_procedure(case=fresh(case), clerk=people["kezhang"], expected_version=fresh(case).version)
    assert fresh(case).status == CaseStatus.IN_REVIEW
    assert ClockPause.objects.get(case=case, kind="hearing").ended_on is not None


def test_file_at_window_for_present_citizen(item, people, media):
    from tongban.accounts.models import User
    from tongban.demo.codes import id_number
    from tongban.notices.models import OutgoingSms

    number = id_number("440104", "20000229", 77)  # 赵六: in the population registry, no account yet
    with pytest.raises(ValidationError):
        services.file_at_window(
            clerk=people["chuangkou"],
            person_name="赵六",
            id_number=number,
            phone="13800000099",
            item=item,
            answers={"shop_name": "赵记", "area": 12},
            uploads=[("营业执照", upload())],
            consent=False,
            idempotency_key="w",
        )
    with pytest.raises(ValidationError):
        services.file_at_window(
            clerk=people["chuangkou"],
            person_name="赵七",
            id_number=number,
            phone="13800000099",
            item=item,
            answers={"shop_name": "赵记", "area": 12},
            uploads=[("营业执照", upload())],
            consent=True,
            idempotency_key="w",
        )
    case = services.file_at_window(
        clerk=people["chuangkou"],
        person_name="赵六",
        id_number=number,
        phone="13800000099",
        item=item,
        answers={"shop_name": "赵记", "area": 12},
        uploads=[("营业执照", upload())],
        consent=True,
        idempotency_key="w",
    )
    person = User.objects.get(pk=case.applicant_id)
    assert person.name == "赵六" and not person.has_usable_password()
    assert case.channel == "window" and case.filed_by_id == people["chuangkou"].pk and case.consent_at
    assert case.status == CaseStatus.ACCEPTED  # 无差别受理 on the spot
    # the query code reaches the phone; the outbox keeps it masked (no credential at rest)
    assert OutgoingSms.objects.filter(phone_masked="138****0099", text__contains="查询码 ******").exists()
    assert not OutgoingSms.objects.filter(text__contains=case.query_code_plain).exists()
    tasks, _ = selectors.todo_for(clerk=people["banli"])
    assert case.pk in [t.case_id for t in tasks]
    with pytest.raises(PermissionDenied):
        services.file_at_window(
            clerk=people["banli"],
            person_name="赵六",
            id_number=number,
            phone="13800000099",
            item=item,
            answers={"shop_name": "赵记", "area": 12},
            consent=True,
            idempotency_key="w2",
        )


def test_applicant_with_an_email_address_is_told_by_email_too(item, people, media):
    from tongban.notices.models import OutgoingEmail

    applicant = people["zhangsan"]
    applicant.email = "zhangsan@example.cn"
    applicant.save(update_fields=["email"])
    case = submit(applicant, item)
    services.accept_case(case=fresh(case), clerk=people["chuangkou"], expected_version=fresh(case).version)
    emails = OutgoingEmail.objects.filter(to="zhangsan@example.cn")
    assert emails.count() >= 2, "one for the submission, one for the acceptance"
    assert any(case.number in e.subject for e in emails)
