"""特别程序 (听证、现场核查、检验检测、专家评审) and 延期: what the head may start and when, the clock
standing still and running again, what the applicant is told, and the cap on extensions for a single
item and for joint handling (并联审批, 一件事)."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import CaseFactory, StaffFactory
from tests.factories.accounts import staff_of
from tests.factories.cases import _Clerks, advance, working_days_ago
from tongban.accounts.models import StaffRole
from tongban.cases import services
from tongban.cases.errors import Conflict
from tongban.cases.models import Case, CaseStatus, ClockPause
from tongban.timelimits import calendar, case_clock

pytestmark = pytest.mark.django_db


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def head_of(case: Case):
    return staff_of(case.department, StaffRole.DEPARTMENT_HEAD)


def start(case: Case, *, kind: str = "inspection", reason: str = "需现场核查经营场所", clerk=None, **kwargs):
    case = fresh(case)
    return services.start_special_procedure(
        case=case, clerk=clerk or head_of(case), kind=kind, reason=reason, expected_version=case.version, **kwargs
    )


def end(case: Case, clerk=None):
    case = fresh(case)
    return services.end_special_procedure(case=case, clerk=clerk or head_of(case), expected_version=case.version)


@pytest.mark.parametrize(("kind", "code"), [("supplement", "pause_kind"), ("holiday", "pause_kind")])
def test_only_the_special_procedures_of_the_law_may_be_started(kind, code):
    case = CaseFactory(accepted=True)
    with pytest.raises(ValidationError) as refused:
        start(case, kind=kind)
    assert refused.value.code == code
    assert fresh(case).status == CaseStatus.ACCEPTED


def test_a_reason_is_required():
    case = CaseFactory(accepted=True)
    with pytest.raises(ValidationError) as refused:
        start(case, reason="   ")
    assert refused.value.code == "reason_required"
    assert not ClockPause.objects.filter(case=case).exists()


@pytest.mark.parametrize("trait", ["submitted", "supplement_requested", "approved"])
def test_only_while_the_clock_runs(trait):
    case = CaseFactory(**{trait: True})
    head = StaffFactory(head=True, department=case.department)
    with pytest.raises(Conflict):
        start(case, clerk=head)
    assert fresh(case).status == case.status


def test_only_the_head_of_the_department_starts_one():
    case = CaseFactory(accepted=True)
    for clerk in (
        staff_of(case.department, StaffRole.HANDLING_CLERK),
        StaffFactory(head=True),  # the head of another department
    ):
        with pytest.raises(PermissionDenied):
            start(case, clerk=clerk)
    assert fresh(case).status == CaseStatus.ACCEPTED


@pytest.mark.parametrize(
    ("kind", "label"), [("hearing", "听证"), ("testing", "检验检测"), ("expert_review", "专家评审")]
)
def test_the_clock_stops_and_the_applicant_is_told_why(kind, label):
    case = CaseFactory(accepted=True)
    start(case, kind=kind, reason="依法需要")
    case = fresh(case)
    assert case.status == CaseStatus.SPECIAL_PROCEDURE
    pause = ClockPause.objects.get(case=case)
    assert (pause.kind, pause.ended_on, pause.reason) == (kind, None, "依法需要")
    assert case.clock().is_paused()
    event = case.events.filter(public=True).order_by("-pk").first()
    assert event.label == f"进入特别程序：{label}（不计入办理时限）" and event.comment == "依法需要"
    newest = case.applicant.messages.order_by("-pk").first()
    assert label in newest.title and case.number in newest.body


def test_ending_runs_the_clock_again_later_by_the_working_days_it_stood_still():
    case = CaseFactory(accepted=True)
    moment = timezone.make_aware(dt.datetime.combine(working_days_ago(8), dt.time(10, 0)))
    Case.objects.filter(pk=case.pk).update(accepted_at=moment, submitted_at=moment)
    case = fresh(case)
    case_clock.refresh(case)
    case.save(update_fields=["due_on", "warn_on", "clock_state"])
    due = case.due_on
    start(case)
    started = working_days_ago(3)  # the procedure started three working days ago
    ClockPause.objects.filter(case=case).update(started_on=started)
    end(case)
    case = fresh(case)
    assert case.status == CaseStatus.IN_REVIEW
    assert ClockPause.objects.get(case=case).ended_on == timezone.localdate()
    assert not case.clock().is_paused()
    stood_still = calendar.working_days_between(started - timedelta(days=1), timezone.localdate())
    assert case.due_on == calendar.add_working_days(due, stood_still)
    assert case.events.filter(public=True).order_by("-pk").first().label == "特别程序结束，恢复计时"


def test_ending_a_procedure_that_is_not_running_is_a_conflict():
    case = CaseFactory(accepted=True)
    with pytest.raises(Conflict):
        end(case)


def test_ending_is_for_the_head_too():
    case = CaseFactory(accepted=True)
    start(case)
    with pytest.raises(PermissionDenied):
        end(case, clerk=staff_of(case.department, StaffRole.HANDLING_CLERK))
    assert fresh(case).status == CaseStatus.SPECIAL_PROCEDURE


def test_a_decision_closes_an_open_procedure():
    case = CaseFactory(accepted=True)
    start(case)
    end(case)  # back in review, then decided: nothing stays paused
    case = advance(fresh(case), "approved", _Clerks({}))
    assert not ClockPause.objects.filter(case=case, ended_on__isnull=True).exists()


# --- 延期 ------------------------------------------------------------------------------------------


def test_an_extension_keeps_the_case_running_and_moves_the_due_day():
    case = CaseFactory(accepted=True)
    due = case.due_on
    start(case, kind="extension", reason="情况复杂", days=3)
    case = fresh(case)
    assert case.status == CaseStatus.ACCEPTED and case.extended_days == 3
    assert case.due_on == calendar.add_working_days(due, 3)
    label = case.events.filter(public=True).order_by("-pk").first().label
    assert label == f"经负责人批准延期 3 个工作日，办结期限至 {case.due_on}"


def test_an_extension_of_no_days_is_refused():
    case = CaseFactory(accepted=True)
    with pytest.raises(ValidationError) as refused:
        start(case, kind="extension", reason="情况复杂", days=0)
    assert refused.value.code == "extension_cap"
    assert fresh(case).extended_days == 0


def test_a_single_item_may_be_extended_by_ten_working_days():
    assert services.extension_cap(CaseFactory(accepted=True)) == 10


def test_joint_handling_may_be_extended_by_fifteen():
    assert services.extension_cap(CaseFactory(item__parallel=True, accepted=True)) == 15


def test_a_bundle_and_its_items_may_be_extended_by_fifteen():
    child = CaseFactory(bundle_child=True, accepted=True)
    assert services.extension_cap(child) == 15
    parent = Case.objects.get(pk=child.bundle_case_id)
    assert services.extension_cap(parent) == 15
