"""My case as the applicant's page shows it at each stage: the history without the clerks' internal
steps, what is asked of me (补正) with the way to it, the result to download or to collect, a
bundle's items each with their state; and my cases list with each state in words."""

from __future__ import annotations

import pytest

from tests.factories import BundleCaseFactory, BundleFactory, CaseFactory, ServiceItemFactory, portal_client
from tests.factories.accounts import staff_of
from tests.factories.cases import _Clerks, advance
from tongban.accounts.models import StaffRole
from tongban.cases import services

pytestmark = pytest.mark.django_db


def page_of(case) -> str:
    response = portal_client(case.applicant).get(f"/my/cases/{case.number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_history_shows_what_happened_not_the_clerks_internal_steps():
    case = CaseFactory(yellow=True)  # the daily scan flagged it: an internal event
    task = case.tasks.get(bpmn_id="review")
    clerk = staff_of(case.department, StaffRole.HANDLING_CLERK)
    services.claim_task(task=task, clerk=clerk, expected_version=task.version)  # 认领: internal too
    internal = set(case.events.filter(public=False).values_list("label", flat=True))
    assert {"即将到期", "认领：审查"} <= internal
    page = page_of(case)
    assert "已受理" in page
    for label in internal:
        assert label not in page, label


def test_a_supplement_asked_for_is_listed_with_the_way_to_answer_it():
    case = CaseFactory(supplement_requested=True)
    page = page_of(case)
    assert "经营面积（平方米）" in page and "与平面图不一致" in page
    assert f"/my/cases/{case.number}/supplement/" in page and "去补正" in page


def test_an_approved_case_offers_its_decision_document():
    case = CaseFactory(approved=True)
    page = page_of(case)
    assert f"/my/cases/{case.number}/result/" in page and "下载《" in page
    download = portal_client(case.applicant).get(f"/my/cases/{case.number}/result/")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert download["Content-Disposition"].startswith("attachment")


def test_a_paper_result_says_it_waits_to_be_collected():
    case = CaseFactory(approved=True, item__online_depth=3)
    assert case.awaits_pickup
    assert "待领取" in page_of(case)


def test_an_electronic_result_does_not_wait_at_a_window():
    case = CaseFactory(approved=True, item__result={"name": "食品经营许可证", "certificate_type": "food_licence"})
    assert not case.awaits_pickup
    assert "待领取" not in page_of(case)


def test_a_decided_case_offers_no_withdrawal():
    assert "撤回申请" not in page_of(CaseFactory(approved=True))
    assert "撤回申请" in page_of(CaseFactory(accepted=True))


def test_a_bundle_shows_each_item_with_its_state_and_the_way_to_its_supplement():
    first, second = ServiceItemFactory(name="新生儿医保参保"), ServiceItemFactory(name="出生登记")
    parent = BundleCaseFactory(bundle=BundleFactory(items=[first, second]))
    advance(parent.children.get(item=first), "approved", _Clerks({}))
    waiting = advance(parent.children.get(item=second), "supplement_requested", _Clerks({}))
    page = page_of(parent)
    assert "新生儿医保参保" in page and "出生登记" in page
    assert f"/my/cases/{waiting.number}/supplement/" in page


def test_my_cases_lists_each_state_in_words():
    submitted = CaseFactory()
    applicant = submitted.applicant
    accepted = CaseFactory(applicant=applicant, item=ServiceItemFactory(), accepted=True)
    withdrawn = CaseFactory(applicant=applicant, item=ServiceItemFactory(), withdrawn=True)
    listing = portal_client(applicant).get("/my/cases/").content.decode()
    for case, word in ((submitted, "已申报"), (accepted, "已受理"), (withdrawn, "已撤回")):
        assert case.number in listing and word in listing
    assert listing.index(withdrawn.number) < listing.index(submitted.number)  # newest first
