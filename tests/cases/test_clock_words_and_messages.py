"""The legal clock said once and truly, messages that name the item and the number, and one open
case per person and item unless the catalogue says several are normal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.cases.conftest import submit, upload
from tests.conftest import staff_client
from tongban.cases import services
from tongban.cases.models import Case, CaseStatus, ClockPause
from tongban.notices.models import Message, OutgoingSms
from tongban.timelimits import calendar
from tongban.timelimits.selectors import clock_words

pytestmark = pytest.mark.django_db


def fresh(case):
    return Case.objects.get(pk=case.pk)


def accepted(people, item, **kwargs):
    case = submit(people["zhangsan"], item, **kwargs)
    services.accept_case(case=fresh(case), clerk=people["chuangkou"], expected_version=fresh(case).version)
    return fresh(case)


# --- the clock in words -----------------------------------------------------------------------------


def test_a_supplement_asked_and_answered_the_same_day_leaves_no_pause_shown(item, people, media):
    case = accepted(people, item)
    services.request_supplement(
        case=case,
        clerk=people["banli"],
        items=[{"material": "营业执照", "reason": "已过期"}],
        note="",
        expected_version=case.version,
    )
    assert clock_words(fresh(case)).state == "paused"
    services.submit_supplement(case=fresh(case), applicant=people["zhangsan"], uploads=[("营业执照", upload())])
    case = fresh(case)
    pause = ClockPause.objects.get(case=case)
    assert pause.started_on == pause.ended_on  # started and ended today: closed
    assert case.clock() is not None and not case.clock().is_paused()
    words = clock_words(case)
    assert words.state in ("green", "yellow") and "暂停" not in words.words
    page = staff_client("banli").get(f"/console/cases/{case.number}/").content.decode()
    assert "暂停计时中" not in page


def test_a_concluded_case_reads_concluded_not_paused_nor_counting(item, people, media):
    case = accepted(people, item)
    services.review_case(case=case, clerk=people["banli"], agree=True, comment="", expected_version=case.version)
    case = fresh(case)
    services.decide_case(
        case=case, clerk=people["kezhang"], approve=True, decision_text="同意", expected_version=case.version
    )
    case = fresh(case)
    assert case.status in (CaseStatus.APPROVED, CaseStatus.CONCLUDED)
    assert clock_words(case).words == "已办结"
    page = staff_client("kezhang").get(f"/console/cases/{case.number}/").content.decode()
    assert "暂停计时中" not in page and "剩余" not in page


def test_an_overdue_case_says_overdue_once_with_no_negative_days_left(item, people, media):
    case = accepted(people, item)
    today = calendar.add_working_days(case.due_on, 2)
    words = clock_words(case, today)
    assert words.state == "red"
    assert words.words == "超期 2 个工作日"
    # the page as of the real today: push the case's dates into the past instead
    shift = (today - timezone.localdate()).days
    Case.objects.filter(pk=case.pk).update(
        accepted_at=case.accepted_at - timedelta(days=shift),
        due_on=case.due_on - timedelta(days=shift),
        warn_on=case.warn_on - timedelta(days=shift),
    )
    page = staff_client("banli").get(f"/console/cases/{case.number}/").content.decode()
    assert "剩余" not in page
    clock_line = page.split('id="clock-words"')[1].split("</p>")[0]
    assert "超期 2 个工作日" in clock_line and "-2" not in clock_line
    assert page.count("超期 ") >= 1 and "已超期，已超期" not in page


def test_yellow_and_not_started(item, people, media):
    submitted = submit(people["lisi"], item)
    assert clock_words(fresh(submitted)).state == "not_started"
    case = accepted(people, item)
    assert case.warn_on is not None
    words = clock_words(case, case.warn_on)
    assert words.state in ("yellow", "red") or case.warn_on == case.due_on
    if words.state == "yellow":
        assert words.words.startswith("即将超期")


# --- messages -----------------------------------------------------------------------------------


def test_every_message_names_the_item_and_the_case_number(item, people, media):
    case = accepted(people, item)
    services.review_case(case=case, clerk=people["banli"], agree=True, comment="", expected_version=case.version)
    case = fresh(case)
    services.decide_case(
        case=case, clerk=people["kezhang"], approve=True, decision_text="同意", expected_version=case.version
    )
    inbox = list(Message.objects.filter(recipient=people["zhangsan"]))
    assert inbox
    for message in inbox:
        text = message.title + message.body
        assert item.name in text, text
        assert case.number in text, text
    for sms in OutgoingSms.objects.all():
        assert case.number in sms.text and item.name in sms.text, sms.text


def test_one_message_per_meaningful_event(item, people, media):
    case = accepted(people, item)
    # submitted + accepted; claiming, internal review steps say nothing to the applicant
    services.review_case(case=case, clerk=people["banli"], agree=True, comment="", expected_version=case.version)
    titles = list(Message.objects.filter(recipient=people["zhangsan"]).values_list("title", flat=True))
    assert len(titles) == len(set(titles)), titles
    assert len(titles) <= 3, titles


# --- applying twice -----------------------------------------------------------------------------


def test_a_second_open_case_of_the_same_item_is_refused_with_the_first_named(item, people, media):
    first = submit(people["zhangsan"], item)
    with pytest.raises(ValidationError) as refused:
        submit(people["zhangsan"], item, key="another-key")
    assert refused.value.code == "already_open"
    assert first.number in refused.value.messages[0]
    assert Case.objects.filter(item=item, applicant=people["zhangsan"]).count() == 1
    # the same key again is a retry, not a second application
    assert submit(people["zhangsan"], item).pk == first.pk


def test_the_apply_page_warns_before_anything_is_typed(item, people, media, citizen_client):
    first = submit(people["zhangsan"], item)
    page = citizen_client.get(f"/apply/{item.code}/").content.decode()
    assert 'id="already-open"' in page and first.number in page


def test_after_withdrawal_or_conclusion_a_new_application_is_fine(item, people, media):
    first = submit(people["zhangsan"], item)
    services.withdraw_case(case=fresh(first), applicant=people["zhangsan"], reason="填错了")
    second = submit(people["zhangsan"], item, key="again")
    assert second.pk != first.pk


def test_items_where_several_are_normal_allow_a_second_open_case(item, people, media):
    extra = dict(item.extra or {})
    extra["several_open"] = True
    type(item).objects.filter(pk=item.pk).update(extra=extra)
    item.refresh_from_db()
    submit(people["zhangsan"], item)
    second = submit(people["zhangsan"], item, key="second-shop", answers={"shop_name": "第二家店", "area": 20})
    assert Case.objects.filter(item=item, applicant=people["zhangsan"]).count() == 2
    assert second.status == CaseStatus.SUBMITTED


def test_acting_for_a_company_is_counted_apart_from_the_person(item, people, media):
    from tongban.accounts.models import User

    company = User.objects.get(username="naichadian")
    submit(people["lisi"], item)  # lisi for himself
    for_company = submit(people["lisi"], item, key="company", acting_for=company)
    assert for_company.acting_for_id == company.pk
    with pytest.raises(ValidationError):
        submit(people["lisi"], item, key="company-again", acting_for=company)


def test_where_several_open_cases_are_normal_the_page_says_so_and_still_offers_the_form(
    item, people, media, citizen_client
):
    extra = {**(item.extra or {}), "several_open": True}
    type(item).objects.filter(pk=item.pk).update(extra=extra)
    first = submit(people["zhangsan"], item)
    page = citizen_client.get(f"/apply/{item.code}/").content.decode()
    assert 'id="also-open"' in page and first.number in page
    assert 'id="already-open"' not in page and "<form" in page
