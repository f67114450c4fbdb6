"""一次性告知 (one supplement request per stage) and the cap on 延期 (extension)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.cases.conftest import submit, upload
from tongban.cases import actions, services
from tongban.cases.models import Case, CaseStatus, ClockPause
from tongban.core.models import AuditEntry
from tongban.timelimits import calendar

pytestmark = pytest.mark.django_db


def fresh(case):
    return Case.objects.get(pk=case.pk)


def ask(case, clerk, what="营业执照"):
    case = fresh(case)
    return services.request_supplement(
        case=case, clerk=clerk, items=[{"material": what, "reason": "不清晰"}], note="", expected_version=case.version
    )


def supply(case, applicant, what="营业执照"):
    services.submit_supplement(case=fresh(case), applicant=applicant, uploads=[(what, upload())])


def test_supplement_once_at_intake_and_once_in_review(item, people, media):
    zhang, intake, banli = people["zhangsan"], people["chuangkou"], people["banli"]
    case = submit(zhang, item)
    ask(case, intake)
    supply(case, zhang)
    assert fresh(case).status == CaseStatus.SUBMITTED
    assert "request_supplement" not in actions.allowed_actions(intake, fresh(case))
    with pytest.raises(ValidationError) as again:
        ask(case, intake, "健康证明")
    assert again.value.code == "supplement_once" and "受理环节已一次性告知过补正" in again.value.messages[0]
    assert fresh(case).status == CaseStatus.SUBMITTED

    services.accept_case(case=fresh(case), clerk=intake, expected_version=fresh(case).version)
    assert "request_supplement" in actions.allowed_actions(banli, fresh(case))
    ask(case, banli)  # the review stage has its own one-time notice
    supply(case, zhang)
    with pytest.raises(ValidationError) as again:
        ask(case, banli, "健康证明")
    assert again.value.code == "supplement_once"
    assert fresh(case).supplements.count() == 2


def _accepted(item, people, key="k1"):
    case = submit(people["zhangsan"], item, key=key)
    services.accept_case(case=fresh(case), clerk=people["chuangkou"], expected_version=fresh(case).version)
    return fresh(case)


def extend(case, head, days=None):
    case = fresh(case)
    return services.start_special_procedure(
        case=case,
        clerk=head,
        kind="extension",
        reason="情况复杂，经负责人批准",
        expected_version=case.version,
        days=days,
    )


def test_extension_adds_working_days_up_to_the_cap(item, people, media):
    head = people["kezhang"]
    case = _accepted(item, people)
    due, limit = case.due_on, case.limit_days
    extend(case, head, days=4)
    case = fresh(case)
    assert case.status == CaseStatus.ACCEPTED, "an extension does not stop the handling"
    assert case.limit_days == limit + 4 and case.extended_days == 4
    assert case.due_on == calendar.add_working_days(due, 4)
    assert not ClockPause.objects.filter(case=case).exists()
    assert AuditEntry.objects.filter(action="case.extend", subject_id=str(case.pk)).exists()
    assert any("延期 4 个工作日" in e.label for e in case.events.filter(public=True))

    with pytest.raises(ValidationError) as too_many:
        extend(case, head, days=7)
    assert too_many.value.code == "extension_cap" and "1 至 6" in too_many.value.messages[0]
    extend(case, head)  # the rest of the cap
    assert fresh(case).extended_days == 10
    with pytest.raises(ValidationError) as capped:
        extend(case, head, days=1)
    assert "达到延期上限（10 个工作日）" in capped.value.messages[0]
    assert fresh(case).limit_days == limit + 10


def test_joint_handling_and_the_setting_raise_the_cap(item, people, media, settings):
    case = _accepted(item, people)
    settings.TONGBAN = {**settings.TONGBAN, "EXTENSION_DAYS": 3}
    assert services.extension_cap(case) == 3
    from tongban.catalog.models import ServiceItem

    ServiceItem.objects.filter(pk=item.pk).update(process="parallel_review")
    assert services.extension_cap(fresh(case)) == 15
    settings.TONGBAN = {**settings.TONGBAN, "JOINT_EXTENSION_DAYS": 20}
    assert services.extension_cap(fresh(case)) == 20
