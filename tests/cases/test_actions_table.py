"""The staff action table (`cases.actions`): what the console and the API offer is exactly what the
services allow — tried for every demo member of staff on every demo case in every state, each
action performed for real and rolled back. And claims: acting claims, a clerk who continues needs no
second claim, city handlers are not offered intake claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tests.conftest import _Quiet
from tests.factories.accounts import CitizenFactory
from tongban.accounts.models import User, UserKind
from tongban.cases import actions, guards, services
from tongban.cases.errors import Conflict
from tongban.cases.models import Case, CaseStatus, CaseTask, Supervision, TaskStatus
from tongban.catalog.models import ServiceItem
from tongban.demo import cases as demo_cases
from tongban.orgs.models import Department

pytestmark = pytest.mark.django_db

CITY_ITEM = "SJ-009"  # 食品生产许可: 广州市市场监管局 (shishijian reviews and decides), result collected at the window
CITY_HANDLERS = ("shiweijian", "shigongan", "shiyibao", "shirenshe", "shishijian", "shishuiwu", "shigongjijin")


@pytest.fixture
def world(demo, media):
    """The demo (organisations, people, catalogue, processes, its cases) and more cases, one per state."""
    from tongban.demo import catalog, workflow

    catalog.load(stdout=_Quiet())
    workflow.load(stdout=_Quiet())
    demo_cases.load(stdout=_Quiet())
    staff = {u.username: u for u in User.objects.filter(kind=UserKind.STAFF)}
    _more_states(staff)
    return staff


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def _submit(item_code: str) -> Case:
    item = ServiceItem.objects.get(code=item_code)
    needs = [m.name for m in item.materials.all() if m.required and not m.government_held]
    answers = demo_cases.ANSWERS if item_code == demo_cases.ITEM else {}
    return services.submit_application(
        applicant=CitizenFactory(),
        item=item,
        answers=dict(answers),
        uploads=[(name, demo_cases._pdf(f"{n}.pdf")) for n, name in enumerate(needs)],
        idempotency_key="actions-table",
    )


def _accept(case: Case, clerk: User) -> Case:
    services.accept_case(case=fresh(case), clerk=clerk, expected_version=fresh(case).version)
    return fresh(case)


def _review(case: Case, clerk: User) -> Case:
    services.review_case(
        case=fresh(case), clerk=clerk, agree=True, comment="同意", expected_version=fresh(case).version
    )
    return fresh(case)


def _more_states(staff: dict[str, User]) -> None:
    """States the demo's five cases do not show: claimed tasks, the decision step, a special
    procedure, a supplement at intake, concluded ones, a city case awaiting pickup, 督办."""
    intake, banli, head, city = staff["chuangkou"], staff["banli"], staff["kezhang"], staff["shichuangkou"]
    claimed = _submit(demo_cases.ITEM)  # the intake task claimed by the window
    task = claimed.tasks.get(status=TaskStatus.OPEN)
    services.claim_task(task=task, clerk=intake, expected_version=task.version)
    in_hand = _accept(_submit(demo_cases.ITEM), intake)  # the review claimed by the handling clerk
    task = in_hand.tasks.get(status=TaskStatus.OPEN)
    services.claim_task(task=task, clerk=banli, expected_version=task.version)
    _review(_accept(_submit(demo_cases.ITEM), intake), banli)  # the head's decision is next
    special = _accept(_submit(demo_cases.ITEM), intake)
    services.start_special_procedure(
        case=special, clerk=head, kind="hearing", reason="举行听证", expected_version=special.version
    )
    at_intake = _submit(demo_cases.ITEM)
    services.request_supplement(
        case=at_intake,
        clerk=intake,
        items=[{"field": "其他问题", "reason": "平面图无比例"}],
        note="",
        expected_version=at_intake.version,
    )
    refused = _submit(demo_cases.ITEM)
    services.refuse_at_intake(
        case=refused,
        clerk=intake,
        reasons=["不属于本部门职权"],
        legal_basis="《行政许可法》第三十二条",
        expected_version=refused.version,
    )
    withdrawn = _submit(demo_cases.ITEM)
    services.withdraw_case(case=withdrawn, applicant=withdrawn.applicant, reason="不办了")
    city_submitted = _submit(CITY_ITEM)
    city_review = _accept(_submit(CITY_ITEM), city)
    pickup = _review(_accept(_submit(CITY_ITEM), city), staff["shishijian"])
    services.decide_case(
        case=pickup,
        clerk=staff["shishijian"],
        approve=True,
        decision_text="准予许可。",
        expected_version=pickup.version,
    )
    assert fresh(pickup).awaits_pickup and city_submitted.status == CaseStatus.SUBMITTED
    red = Case.objects.get(idempotency_key="demo-red")
    services.supervise_case(
        case=red, supervisor=staff["jiancha"], instruction="已超期，请说明原因", reply_within_days=2, clerk=banli
    )
    services.supervise_case(
        case=city_review, supervisor=staff["jiancha"], instruction="请加快办理", reply_within_days=3
    )


# --- the property ---------------------------------------------------------------------------------


class _RolledBack(Exception):
    """Raised inside the attempt's transaction so that nothing it did is kept."""


def _body(action: actions.StaffAction, case: Case, target: guards.Target) -> dict[str, Any]:
    """A valid API body for the action (the service still judges it): what a careful clerk sends."""
    task_action = action.aim == actions.Aim.TASK and isinstance(target, CaseTask)
    version = target.version if task_action and isinstance(target, CaseTask) else case.version
    other = Department.objects.exclude(pk=case.department_id).order_by("pk").first()
    assert other is not None
    return {
        "expected_version": version,
        "reasons": ["不符合受理条件"],
        "legal_basis": "《中华人民共和国行政许可法》第三十二条",
        "items": [{"field": "其他问题", "reason": "请补充说明"}],
        "agree": True,
        "approve": True,
        "comment": "同意",
        "decision_text": "准予许可。",
        "department_code": other.code,
        "reason": "申请人书面要求",
        "kind": "hearing",
        "note": "本人领取",
        "instruction": "请加快办理",
        "reply_within_days": 2,
        "reply": "已加快办理，预计三日内办结",
    }


def _performs(action: actions.StaffAction, user: User, case: Case, target: guards.Target) -> tuple[bool, str]:
    """Perform it through the table, as the API does, and roll it back: (succeeded, why not)."""
    case = fresh(case)
    if isinstance(target, CaseTask):
        target = CaseTask.objects.get(pk=target.pk)
    elif isinstance(target, Supervision):
        target = Supervision.objects.get(pk=target.pk)
    arguments = action.schema(**_body(action, case, target)).arguments()
    try:
        with transaction.atomic():
            action.perform(user=user, case=case, target=target, arguments=arguments)
            raise _RolledBack
    except _RolledBack:
        return True, ""
    except (PermissionDenied, Conflict, ValidationError) as exc:
        return False, f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class Tried:
    user: str
    case: str
    action: str
    target: str
    offered: bool
    succeeded: bool
    why: str


def test_every_action_offered_succeeds_and_every_action_refused_is_not_offered(world):
    tried: list[Tried] = []
    cases = list(Case.objects.order_by("pk"))
    assert {c.status for c in cases} >= {
        CaseStatus.SUBMITTED,
        CaseStatus.ACCEPTED,
        CaseStatus.IN_REVIEW,
        CaseStatus.SUPPLEMENT_REQUESTED,
        CaseStatus.SPECIAL_PROCEDURE,
        CaseStatus.APPROVED,
        CaseStatus.REFUSED_AT_INTAKE,
        CaseStatus.WITHDRAWN,
    }
    for username, user in sorted(world.items()):
        for case in cases:
            shown = actions.load_for_actions(fresh(case))
            offers = actions.offers(user, shown)
            offered = {(o.action.name, o.target_id) for o in offers}
            for offer in offers:  # the console's form shows the version the service expects
                form = offer.form()
                if "expected_version" in form.fields:
                    assert (
                        form["expected_version"].value() == _body(offer.action, shown, offer.target)["expected_version"]
                    )
            for action in actions.STAFF_ACTIONS:
                for target in actions.targets(action, user, shown):
                    target_id = target.pk if target is not None else None
                    ok, why = _performs(action, user, case, target)
                    tried.append(
                        Tried(
                            username,
                            case.number,
                            action.name,
                            str(target_id),
                            (action.name, target_id) in offered,
                            ok,
                            why,
                        )
                    )
    wrong = [t for t in tried if t.offered != t.succeeded]
    assert not wrong, "\n".join(
        f"{t.user} {t.action} on {t.case} (target {t.target}): "
        + ("offered but refused — " + t.why if t.offered else "not offered but it succeeds")
        for t in wrong[:40]
    )
    done = [t for t in tried if t.succeeded]
    assert len(done) > 50 and len(tried) > 1000, (len(done), len(tried))
    assert {t.action for t in done} == set(actions.ACTIONS), "every action is offered somewhere in the demo"


def test_the_api_lists_what_the_console_offers(world):
    from tests.conftest import verified_client

    case = Case.objects.get(idempotency_key="demo-yellow")
    for username in ("banli", "kezhang", "chuangkou", "jiancha", "shishijian"):
        user = world[username]
        client = verified_client(user)
        listed = client.get(f"/api/v1/cases/staff/cases/{case.number}")
        page = client.get(f"/console/cases/{case.number}/")
        names = set(listed.json()["allowed_actions"]) if listed.status_code == 200 else set()
        assert names == actions.allowed_actions(user, fresh(case)), username
        html = page.content.decode() if page.status_code == 200 else ""
        for name in names:
            assert f"/act/{name}/" in html, (username, name)


# --- claims ----------------------------------------------------------------------------------------


def test_the_handling_clerk_is_not_offered_the_heads_decision(world):
    case = Case.objects.filter(tasks__bpmn_id="decide", tasks__status=TaskStatus.OPEN).first()
    assert case is not None
    decide = case.tasks.get(bpmn_id="decide")
    banli, head = world["banli"], world["kezhang"]
    assert not actions.ACTIONS["claim"].permits(banli, fresh(case), decide)
    assert "decide" not in actions.allowed_actions(banli, fresh(case))
    html = _console(banli).get(f"/console/cases/{case.number}/").content.decode()
    assert "认领：决定" not in html and "您没有权限" not in html
    assert {"claim", "decide"} <= actions.allowed_actions(head, fresh(case))


def test_city_handlers_are_not_offered_intake_claims(world):
    submitted = [c for c in Case.objects.filter(status=CaseStatus.SUBMITTED) if c.item and c.item.code == CITY_ITEM]
    assert submitted
    case = submitted[0]
    intake = case.tasks.get(bpmn_id="accept")
    for username in CITY_HANDLERS:
        user = world[username]
        assert not actions.ACTIONS["claim"].permits(user, fresh(case), intake), username
        assert not actions.task_offers(user, fresh(case), intake), username
    handler = _console(world["shishijian"])
    todo = handler.get("/console/cases/").content.decode()
    assert f"/console/cases/{case.number}/act/claim/" not in todo
    assert actions.ACTIONS["claim"].permits(world["shichuangkou"], fresh(case), intake)


def test_acting_on_an_unclaimed_task_claims_it_in_the_same_transaction(world):
    case = _submit(demo_cases.ITEM)
    intake = world["chuangkou"]
    task = case.tasks.get(bpmn_id="accept")
    assert task.status == TaskStatus.OPEN and task.claimed_by is None
    services.accept_case(case=case, clerk=intake, expected_version=case.version)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.claimed_by == intake and task.done_by == intake


def test_an_action_on_a_task_claimed_meanwhile_by_someone_else_is_a_conflict(world):
    case = _accept(_submit(demo_cases.ITEM), world["chuangkou"])
    other = User.objects.get(username="banli")
    colleague = _colleague_of(other)
    review = case.tasks.get(bpmn_id="review")
    services.claim_task(task=review, clerk=colleague, expected_version=review.version)
    assert "review" not in actions.allowed_actions(other, fresh(case))
    with pytest.raises(Conflict):
        services.review_case(
            case=fresh(case), clerk=other, agree=True, comment="", expected_version=fresh(case).version
        )
    assert fresh(case).status == CaseStatus.ACCEPTED


def test_the_clerk_who_continues_at_the_next_step_needs_no_second_claim(world):
    handler = world["shishijian"]  # reviews and decides for the city department
    case = _accept(_submit(CITY_ITEM), world["shichuangkou"])
    review = case.tasks.get(bpmn_id="review")
    services.claim_task(task=review, clerk=handler, expected_version=review.version)
    case = _review(case, handler)
    decide = case.tasks.get(bpmn_id="decide")
    assert decide.status == TaskStatus.CLAIMED and decide.claimed_by == handler
    assert "claim" not in actions.allowed_actions(handler, fresh(case))
    assert "decide" in actions.allowed_actions(handler, fresh(case))
    services.decide_case(
        case=fresh(case), clerk=handler, approve=True, decision_text="准予许可。", expected_version=fresh(case).version
    )
    assert fresh(case).status == CaseStatus.APPROVED


def test_the_clerk_who_asked_for_a_supplement_continues_after_it(world):
    from tests.cases.conftest import upload

    banli = world["banli"]
    case = _accept(_submit(demo_cases.ITEM), world["chuangkou"])
    services.request_supplement(
        case=case,
        clerk=banli,
        items=[{"material": "食品安全管理制度", "reason": "未盖章"}],
        note="",
        expected_version=case.version,
    )
    services.submit_supplement(case=fresh(case), applicant=case.applicant, uploads=[("食品安全管理制度", upload())])
    review = fresh(case).tasks.exclude(status=TaskStatus.DONE).get(bpmn_id="review")
    assert review.status == TaskStatus.CLAIMED and review.claimed_by == banli


def test_an_action_not_offered_is_refused_by_the_console_with_nothing_changed(world):
    case = Case.objects.get(idempotency_key="demo-yellow")
    version = case.version
    response = _console(world["chuangkou"]).post(
        f"/console/cases/{case.number}/act/decide/",
        {"decide-expected_version": version, "decide-approve": "yes", "decide-decision_text": "准予"},
    )
    assert response.status_code == 302
    assert fresh(case).version == version and fresh(case).status == case.status


def _colleague_of(clerk: User) -> User:
    from tongban.accounts import services as accounts

    assignment = clerk.assignments.get()
    user, _device = accounts.create_staff(
        username="banli2",
        password="Tongban@2026!",
        name="王办理",
        phone="13900000099",
        roles=[(assignment.department, assignment.role, assignment.scope)],
    )
    return user


def _console(user: User):
    from tests.conftest import verified_client

    return verified_client(user)


def test_a_refused_attempt_leaves_the_other_forms_on_the_version_the_case_has(world):
    import re

    case = Case.objects.get(idempotency_key="demo-yellow")
    head = _console(world["kezhang"])
    response = head.post(
        f"/console/cases/{case.number}/act/start_special_procedure/",
        {
            "special-expected_version": case.version,
            "special-kind": "extension",
            "special-reason": "需要补充核查",
            "special-days": "30",  # more than the cap: refused by the service after it locked the case
        },
    )
    assert response.status_code == 400 and "延期天数须为" in response.content.decode()
    shown = re.search(r'name="transfer-expected_version" value="(\d+)"', response.content.decode())
    assert shown is not None and int(shown.group(1)) == fresh(case).version == case.version
