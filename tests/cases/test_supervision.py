"""督办: a supervisor (or the department head) instructs the handling department and clerk on a
yellow or red case with a reply deadline in working days; the clerk answers from the case page.
Internal: on the clerk's to-do list and in the case history for staff, never on the applicant's pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from tests.cases.conftest import submit
from tests.conftest import verified_client
from tests.factories.cases import age_clock
from tongban.accounts import services as accounts
from tongban.accounts.models import StaffRole
from tongban.cases import actions, services
from tongban.cases.errors import Conflict
from tongban.cases.models import Case, CaseEvent, Supervision
from tongban.core.models import AuditEntry
from tongban.orgs.models import Department, Region
from tongban.timelimits import calendar

pytestmark = pytest.mark.django_db


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def red_case(item, people, media) -> Case:
    case = submit(people["zhangsan"], item)
    services.accept_case(case=fresh(case), clerk=people["chuangkou"], expected_version=fresh(case).version)
    code = case.query_code_plain
    case = age_clock(fresh(case), "red")
    assert case.clock_state == "red"
    case.query_code_plain = code  # the code the applicant was given on submission
    return case


@pytest.fixture
def yuexiu_supervisor(people):
    """电子监察员 of 越秀区: another region than the case's (天河区)."""
    region = Region.objects.get(code="440104")
    user, _device = accounts.create_staff(
        username="yxjiancha",
        password="Tongban@2026!",
        name="越秀监察",
        phone="13900000098",
        roles=[(Department.objects.filter(region=region).first(), StaffRole.SUPERVISOR, region)],
    )
    return user


def _supervise(case: Case, supervisor, clerk=None, days: int = 2) -> Supervision:
    return services.supervise_case(
        case=fresh(case),
        supervisor=supervisor,
        instruction="已超期，请说明原因并加快办理",
        reply_within_days=days,
        clerk=clerk,
    )


def test_a_supervisor_instructs_the_department_and_clerk_with_a_reply_deadline(red_case, people):
    supervision = _supervise(red_case, people["jiancha"], clerk=people["banli"], days=3)
    assert supervision.department == red_case.department and supervision.clerk == people["banli"]
    assert supervision.reply_due_on == calendar.add_working_days(timezone.localdate(), 3)
    assert supervision.is_open and supervision.issued_by == people["jiancha"]
    event = CaseEvent.objects.get(case=red_case, action="supervise")
    assert not event.public and "已超期，请说明原因" in event.comment and "刘办理" in event.label
    assert AuditEntry.objects.filter(action="case.supervise", subject_id=str(red_case.pk)).exists()
    assert fresh(red_case).version == red_case.version, "督办 changes nothing of the case itself"


def test_the_head_of_the_department_may_supervise_too(red_case, people):
    assert actions.ACTIONS["supervise"].permits(people["kezhang"], fresh(red_case), None)
    _supervise(red_case, people["kezhang"])
    assert Supervision.objects.filter(case=red_case, issued_by=people["kezhang"]).exists()


@pytest.mark.parametrize("who", ["yxjiancha", "banli", "chuangkou", "gongan", "admin", "zhangsan"])
def test_others_may_not_supervise_and_nothing_is_written(red_case, people, yuexiu_supervisor, who):
    user = yuexiu_supervisor if who == "yxjiancha" else people[who]
    assert not actions.ACTIONS["supervise"].permits(user, fresh(red_case), None)
    assert "supervise" not in actions.allowed_actions(user, fresh(red_case))
    with pytest.raises(PermissionDenied):
        _supervise(red_case, user)
    assert not Supervision.objects.exists()
    assert not CaseEvent.objects.filter(action="supervise").exists()


def test_the_instruction_the_deadline_and_the_clerk_are_checked(red_case, people):
    with pytest.raises(ValidationError):
        services.supervise_case(case=red_case, supervisor=people["jiancha"], instruction=" ", reply_within_days=2)
    with pytest.raises(ValidationError):
        services.supervise_case(case=red_case, supervisor=people["jiancha"], instruction="请办理", reply_within_days=0)
    with pytest.raises(ValidationError) as wrong_clerk:
        _supervise(red_case, people["jiancha"], clerk=people["gongan"])  # 公安: another department
    assert wrong_clerk.value.code == "clerk_not_in_department"
    assert not Supervision.objects.exists()


def test_a_concluded_case_is_not_supervised(item, people, media):
    case = submit(people["zhangsan"], item)
    services.withdraw_case(case=fresh(case), applicant=people["zhangsan"], reason="不办了")
    assert not actions.ACTIONS["supervise"].permits(people["jiancha"], fresh(case), None)
    with pytest.raises(Conflict):
        _supervise(case, people["jiancha"])


def test_the_named_clerk_replies_once(red_case, people):
    supervision = _supervise(red_case, people["jiancha"], clerk=people["banli"])
    for other in ("gongan", "chuangkou", "jiancha"):
        assert not actions.ACTIONS["reply_supervision"].permits(people[other], fresh(red_case), supervision)
        with pytest.raises(PermissionDenied):
            services.reply_to_supervision(supervision=supervision, clerk=people[other], reply="x")
    services.reply_to_supervision(supervision=supervision, clerk=people["banli"], reply="材料已齐，明日办结")
    supervision.refresh_from_db()
    assert supervision.reply == "材料已齐，明日办结" and supervision.replied_by == people["banli"]
    assert supervision.replied_at is not None
    assert not CaseEvent.objects.get(case=red_case, action="supervision_reply").public
    with pytest.raises(Conflict):
        services.reply_to_supervision(supervision=supervision, clerk=people["banli"], reply="再答一次")
    with pytest.raises(ValidationError):
        services.reply_to_supervision(
            supervision=_supervise(red_case, people["jiancha"]), clerk=people["banli"], reply=" "
        )


def test_a_supervision_to_the_department_is_answered_by_its_clerks_or_head(red_case, people):
    supervision = _supervise(red_case, people["jiancha"])  # no clerk named
    for who in ("banli", "kezhang"):
        assert actions.ACTIONS["reply_supervision"].permits(people[who], fresh(red_case), supervision), who
    services.reply_to_supervision(supervision=supervision, clerk=people["kezhang"], reply="已安排专人办理")


def test_shown_on_the_to_do_list_of_those_who_answer(red_case, people):
    _supervise(red_case, people["jiancha"], clerk=people["banli"], days=2)
    due = calendar.add_working_days(timezone.localdate(), 2).isoformat()
    banli = verified_client(people["banli"]).get("/console/cases/").content.decode()
    assert "督办" in banli and f"答复期限 {due}" in banli and "已超期，请说明原因" in banli
    assert "已超期，请说明原因" in verified_client(people["kezhang"]).get("/console/cases/").content.decode()
    gongan = verified_client(people["gongan"]).get("/console/cases/").content.decode()
    assert "已超期，请说明原因" not in gongan
    api = verified_client(people["banli"]).get(f"/api/v1/cases/staff/cases/{red_case.number}").json()
    assert api["supervisions"][0]["reply_due_on"] == due and "reply_supervision" in api["allowed_actions"]


def test_in_the_case_history_for_staff_never_for_the_applicant(red_case, people, citizen_client):
    _supervise(red_case, people["jiancha"], clerk=people["banli"])
    page = verified_client(people["banli"]).get(f"/console/cases/{red_case.number}/").content.decode()
    assert "已超期，请说明原因并加快办理" in page and "督办" in page and "内部" in page
    mine = citizen_client.get(f"/my/cases/{red_case.number}/").content.decode()
    assert "督办" not in mine and "已超期，请说明原因" not in mine
    api = citizen_client.get(f"/api/v1/cases/mine/{red_case.number}").json()
    assert all("督办" not in e["label"] and "请说明原因" not in e["comment"] for e in api["timeline"])
    progress = (
        Client().get("/api/v1/cases/progress", {"number": red_case.number, "code": red_case.query_code_plain}).json()
    )
    assert all("督办" not in e["label"] for e in progress["timeline"])


def test_over_http_the_clerk_answers_from_the_case_page_and_the_supervisor_sees_it(red_case, people):
    jiancha = verified_client(people["jiancha"])
    home = jiancha.get("/console/").content.decode()
    assert "/console/cases/oversight/" in home
    oversight = jiancha.get("/console/cases/oversight/").content.decode()
    assert red_case.number in oversight and "?open=supervise#action-supervise" in oversight
    response = jiancha.post(
        f"/console/cases/{red_case.number}/act/supervise/",
        {
            "supervise-instruction": "请于两日内说明超期原因",
            "supervise-reply_within_days": "2",
            "supervise-clerk": people["banli"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    supervision = Supervision.objects.get(case=red_case)
    banli = verified_client(people["banli"])
    page = banli.get(f"/console/cases/{red_case.number}/").content.decode()
    assert f'name="reply-{supervision.pk}-reply"' in page
    empty = banli.post(
        f"/console/cases/{red_case.number}/act/reply_supervision/",
        {"supervision": supervision.pk, f"reply-{supervision.pk}-reply": ""},
    )
    assert empty.status_code == 400 and "请填写督办答复" in empty.content.decode()
    done = banli.post(
        f"/console/cases/{red_case.number}/act/reply_supervision/",
        {"supervision": supervision.pk, f"reply-{supervision.pk}-reply": "已补齐材料，明日办结"},
    )
    assert done.status_code == 302
    seen = jiancha.get(f"/console/cases/{red_case.number}/").content.decode()
    assert "已补齐材料，明日办结" in seen
    assert "已答复" in jiancha.get("/console/cases/oversight/").content.decode()


def test_over_the_api(red_case, people):
    from tests.cases.test_api import token_client

    refused = token_client(people["banli"]).post(
        f"/api/v1/cases/{red_case.number}/actions/supervise", {"instruction": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    done = token_client(people["jiancha"]).post(
        f"/api/v1/cases/{red_case.number}/actions/supervise",
        {"instruction": "请加快办理", "reply_within_days": 2, "clerk": "banli"},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["supervisions"][0]["clerk"] == people["banli"].name
    reply = token_client(people["banli"]).post(
        f"/api/v1/cases/{red_case.number}/actions/reply_supervision",
        {"reply": "已办理"},
        content_type="application/json",
    )
    assert reply.status_code == 200 and reply.json()["supervisions"][0]["reply"] == "已办理"
