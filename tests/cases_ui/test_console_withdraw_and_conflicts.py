"""Console: withdrawal on the applicant's request; stale special-procedure and release forms are conflicts."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tests.conftest import staff_client
from tongban.accounts.models import User
from tongban.cases import services
from tongban.cases.errors import Conflict
from tongban.cases.models import Case, CaseStatus
from tongban.core.models import AuditEntry

pytestmark = pytest.mark.django_db

CONFLICT = "该办件已被其他工作人员处理，请刷新后查看最新状态。"


def _accepted(case: Case) -> Case:
    services.accept_case(case=case, clerk=User.objects.get(username="chuangkou"), expected_version=case.version)
    case.refresh_from_db()
    return case


def test_clerk_records_a_withdrawal_the_applicant_asked_for(submitted):
    client = staff_client("chuangkou")
    url = f"/console/cases/{submitted.number}/"
    assert "应申请人要求撤回" in client.get(url).content.decode()
    act = f"/console/cases/{submitted.number}/act/withdraw_on_request/"
    missing = client.post(act, {"withdraw-expected_version": submitted.version, "withdraw-reason": ""})
    assert missing.status_code == 400 and "请写明申请人提出撤回的方式和理由。" in missing.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.SUBMITTED

    done = client.post(
        act, {"withdraw-expected_version": submitted.version, "withdraw-reason": "申请人到窗口书面申请撤回"}
    )
    assert done.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.WITHDRAWN
    assert "申请人到窗口书面申请撤回" in submitted.decision_text
    entry = AuditEntry.objects.get(action="case.withdraw_on_request", subject_id=str(submitted.pk))
    assert entry.actor_id == User.objects.get(username="chuangkou").pk
    assert submitted.events.filter(action="withdraw", public=True).exists()


def test_withdrawal_on_request_is_refused_to_others_and_after_a_decision(submitted):
    def fresh() -> Case:
        return Case.objects.get(pk=submitted.pk)

    for clerk in (User.objects.get(username="gongan"), submitted.applicant):
        with pytest.raises(PermissionDenied):
            services.withdraw_on_request(case=fresh(), clerk=clerk, reason="x", expected_version=fresh().version)
    assert fresh().status == CaseStatus.SUBMITTED and fresh().version == submitted.version
    chuangkou = User.objects.get(username="chuangkou")
    services.withdraw_on_request(case=fresh(), clerk=chuangkou, reason="窗口书面申请", expected_version=fresh().version)
    with pytest.raises(Conflict):
        services.withdraw_on_request(case=fresh(), clerk=chuangkou, reason="再次", expected_version=fresh().version)


def test_withdrawal_on_request_through_the_api(submitted):
    client = staff_client("chuangkou")
    url = f"/api/v1/cases/{submitted.number}/actions/withdraw_on_request"
    answer = client.post(url, {"expected_version": submitted.version, "reason": ""}, content_type="application/json")
    assert answer.status_code == 422 and answer.json()["code"] == "reason_required"
    answer = client.post(
        url, {"expected_version": submitted.version, "reason": "申请人来电要求撤回"}, content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "withdrawn"
    stale = client.post(url, {"expected_version": submitted.version, "reason": "再次"}, content_type="application/json")
    assert stale.status_code == 409


def test_stale_special_procedure_forms_are_conflicts(submitted):
    case = _accepted(submitted)
    client = staff_client("kezhang")
    stale = case.version
    start = f"/console/cases/{case.number}/act/start_special_procedure/"
    first = client.post(start, {"special-kind": "hearing", "special-reason": "听证", "special-expected_version": stale})
    assert first.status_code == 302
    # a second head's page was loaded before the first started it: now ending is offered, starting not
    case.refresh_from_db()
    running = case.version
    end = f"/console/cases/{case.number}/act/end_special_procedure/"
    assert client.post(end, {"plain-expected_version": running}).status_code == 302
    restart = client.post(
        start, {"special-kind": "testing", "special-reason": "检测", "special-expected_version": stale}
    )
    assert restart.status_code == 409 and CONFLICT in restart.content.decode()
    assert "检测" in restart.content.decode(), "what the head typed is kept"
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW and case.clock_pauses.count() == 1


def test_a_stale_release_is_a_conflict(submitted):
    client = staff_client("chuangkou")
    task = submitted.tasks.get(status="open")
    client.post(f"/console/cases/{submitted.number}/act/claim/", {"task": task.pk, "expected_version": task.version})
    task.refresh_from_db()
    release = f"/console/cases/{submitted.number}/act/release/"
    assert client.post(release, {"task": task.pk, "expected_version": task.version - 1}).status_code == 409
    task.refresh_from_db()
    assert task.status == "claimed"
    assert client.post(release, {"task": task.pk, "expected_version": task.version}).status_code == 302
    task.refresh_from_db()
    assert task.status == "open"
