"""送达: an electronic result reaches the applicant at approval; a paper one waits at the window."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from tests.cases.conftest import MARKET, _item, submit
from tests.cases.test_api import token_client
from tests.cases.test_handling import fresh, run_to_approval
from tests.conftest import staff_client
from tongban.cases import actions, services
from tongban.cases.errors import Conflict
from tongban.cases.models import CaseStatus, DeliveryMethod
from tongban.core.models import AuditEntry
from tongban.notices.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper_item(catalogue):
    """A licence handed out on paper: accepted online (depth 3), no electronic certificate."""
    from tongban.catalog.importer import import_catalogue
    from tongban.catalog.models import ServiceItem

    line = _item(
        "TEST-SJ-PAPER", "户外广告设置许可（测试）", MARKET, online_depth=3, result={"name": "户外广告设置许可证"}
    )
    report = import_catalogue(stream=io.StringIO(json.dumps(line, ensure_ascii=False) + "\n"), actor=None)
    assert report.written, report.errors
    return ServiceItem.objects.get(code="TEST-SJ-PAPER")


def test_a_result_handled_wholly_online_is_delivered_at_approval(item, people, media):
    case = run_to_approval(submit(people["zhangsan"], item), people)
    assert case.delivery == DeliveryMethod.ELECTRONIC
    assert case.delivered_at == case.concluded_at and not case.awaits_pickup
    assert "deliver" not in actions.allowed_actions(people["chuangkou"], case)
    assert any(e.action == "deliver" and e.public for e in case.events.all())


def test_a_paper_result_waits_at_the_window_until_it_is_collected(paper_item, people, media):
    case = run_to_approval(submit(people["zhangsan"], paper_item, key="paper", answers={}, files=[]), people)
    assert case.status == CaseStatus.APPROVED and case.delivery == DeliveryMethod.PICKUP
    assert case.awaits_pickup and case.delivered_at is None
    # one message for the decision that also says where to collect the paper result
    decision = Message.objects.filter(recipient=people["zhangsan"], body__contains="窗口领取")
    assert decision.count() == 1 and case.number in decision.get().body
    # the applicant is told what to do now, on the list and on the case page
    citizen = Client()
    citizen.force_login(people["zhangsan"])
    assert "待领取" in citizen.get("/my/cases/").content.decode()
    assert "待领取" in citizen.get(f"/my/cases/{case.number}/").content.decode()

    assert "deliver" in actions.allowed_actions(people["chuangkou"], case)
    with pytest.raises(PermissionDenied):
        services.record_delivery(case=fresh(case), clerk=people["gongan"], expected_version=case.version)
    services.record_delivery(
        case=fresh(case), clerk=people["chuangkou"], expected_version=case.version, note="本人领取"
    )
    case = fresh(case)
    assert case.delivered_at is not None and not case.awaits_pickup
    assert AuditEntry.objects.filter(action="case.deliver", subject_id=str(case.pk)).exists()
    assert "已领取办理结果" in [e.label for e in case.events.filter(public=True)][-1]
    with pytest.raises(Conflict):  # handed out once
        services.record_delivery(case=fresh(case), clerk=people["chuangkou"], expected_version=case.version)


def test_the_window_records_the_collection_in_the_console_after_checking_identity(paper_item, people, media):
    case = run_to_approval(submit(people["zhangsan"], paper_item, key="paper", answers={}, files=[]), people)
    console = staff_client("chuangkou")
    page = console.get(f"/console/cases/{case.number}/").content.decode()
    assert "登记领取" in page
    url = f"/console/cases/{case.number}/act/deliver/"
    refused = console.post(url, {"deliver-expected_version": case.version})
    assert refused.status_code == 400 and "请先核验领取人的身份证件" in refused.content.decode()
    assert fresh(case).awaits_pickup
    done = console.post(url, {"deliver-expected_version": case.version, "deliver-identity_checked": "on"})
    assert done.status_code == 302
    assert fresh(case).delivered_at is not None


def test_the_api_shows_and_records_delivery(paper_item, people, media):
    case = run_to_approval(submit(people["zhangsan"], paper_item, key="paper", answers={}, files=[]), people)
    citizen = Client()
    citizen.force_login(people["zhangsan"])
    mine = citizen.get(f"/api/v1/cases/mine/{case.number}").json()
    assert mine["delivery"] == "pickup" and mine["awaits_pickup"] is True
    police = token_client(people["gongan"])
    other = police.post(
        f"/api/v1/cases/{case.number}/actions/deliver",
        {"expected_version": case.version},
        content_type="application/json",
    )
    assert other.status_code in (403, 404)
    window = token_client(people["chuangkou"])
    answer = window.post(
        f"/api/v1/cases/{case.number}/actions/deliver",
        {"expected_version": case.version, "note": "本人领取"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["delivered_at"] and answer.json()["awaits_pickup"] is False
