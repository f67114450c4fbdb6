"""History and messages are stored in the platform's language (zh-Hans) whoever acted in which
language; each reader then sees them in theirs (tongban.cases.event_labels)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.cases.conftest import submit
from tongban.cases import services
from tongban.cases.models import Case, CaseEvent
from tongban.notices.models import Message

pytestmark = pytest.mark.django_db


def fresh(case):
    return Case.objects.get(pk=case.pk)


def test_a_clerk_working_in_english_stores_the_history_in_chinese(item, people, media):
    with translation.override("en"):
        case = submit(people["zhangsan"], item)
        services.accept_case(case=fresh(case), clerk=people["chuangkou"], expected_version=fresh(case).version)
        case = fresh(case)
        services.start_special_procedure(
            case=case, clerk=people["kezhang"], kind="inspection", reason="现场核查", expected_version=case.version
        )
    labels = list(CaseEvent.objects.filter(case=case).values_list("label", flat=True))
    assert "申报" in labels and "已受理" in labels
    assert "进入特别程序：现场核查（不计入办理时限）" in labels
    assert not any("Accepted" in label or "inspection" in label.lower() for label in labels)
    for message in Message.objects.filter(recipient=people["zhangsan"]):
        assert message.title.isascii() is False and "Received" not in message.title


def test_errors_still_answer_in_the_language_of_the_person_who_caused_them(item, people, media):
    submit(people["zhangsan"], item)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        submit(people["zhangsan"], item, key="second")
    assert "already" in refused.value.messages[0].lower()


def test_an_english_reader_sees_messages_in_english_with_the_item_name_as_catalogued(item, people, media):
    from django.test import Client

    case = submit(people["zhangsan"], item)
    services.accept_case(case=fresh(case), clerk=people["chuangkou"], expected_version=fresh(case).version)
    client = Client()
    client.force_login(people["zhangsan"])
    client.cookies["django_language"] = "en"
    inbox = client.get("/messages/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{item.name}: Accepted" in inbox
    assert f"{item.name}: We have received your application" in inbox
    accepted = Message.objects.get(recipient=people["zhangsan"], title__endswith="已受理")
    page = client.get(f"/messages/{accepted.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Case number {case.number}." in page
    assert "working days" in page  # the promise, in English
    chinese = Client()
    chinese.force_login(people["zhangsan"])
    assert f"{item.name}：已受理" in chinese.get("/messages/").content.decode()


def test_a_message_without_detail_reads_in_english_too(item, people, media):
    from django.test import Client

    case = submit(people["zhangsan"], item)
    received = Message.objects.get(recipient=people["zhangsan"], title__endswith="已收到您的申请")
    assert received.body == f"办件编号 {case.number}。"
    client = Client()
    client.force_login(people["zhangsan"])
    page = client.get(f"/messages/{received.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Case number {case.number}." in page and "办件编号" not in page
