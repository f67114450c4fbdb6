"""Notices: secrets in SMS, the gateway and failures, the e-mail outbox, the inbox and its unread count."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory

from tests.factories import CitizenFactory, StaffFactory, portal_client
from tongban.notices import services
from tongban.notices.context_processors import unread
from tongban.notices.models import Message, OutgoingEmail, OutgoingSms
from tongban.notices.sms import OutboxSmsGateway, SmsGateway, SmsNotSent, current_gateway, gateways

pytestmark = pytest.mark.django_db


class Recorder(SmsGateway):
    sent: list[tuple[str, str]] = []

    def send(self, *, phone: str, text: str) -> None:
        Recorder.sent.append((phone, text))


class Refuser(SmsGateway):
    def send(self, *, phone: str, text: str) -> None:
        raise SmsNotSent("the carrier said no")


@pytest.fixture
def gateway(settings: Any, monkeypatch: pytest.MonkeyPatch) -> type[Recorder]:
    """Two test gateways, registered for this test only (a carrier's plugin registers the same way)."""
    monkeypatch.setattr(gateways, "_plugins", dict(gateways._plugins))
    gateways.register("test-recorder")(Recorder)
    gateways.register("test-refuser")(Refuser)
    settings.SMS_GATEWAY = "test-recorder"
    Recorder.sent = []
    return Recorder


def test_a_secret_is_masked_in_the_outbox_and_sent_whole(
    gateway: type[Recorder], django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sms = services.queue_sms(phone="13800000001", text="您的验证码是 123456，5 分钟内有效。", secret="123456")
    assert sms.text == "您的验证码是 ******，5 分钟内有效。"
    assert OutgoingSms.objects.get().sealed_text == "您的验证码是 123456，5 分钟内有效。"
    for callback in callbacks:
        callback()
    assert gateway.sent == [("13800000001", "您的验证码是 123456，5 分钟内有效。")]
    stored = OutgoingSms.objects.get()
    assert stored.status == OutgoingSms.Status.SENT and stored.sealed_text == "" and stored.sent_at is not None


def test_a_secret_that_could_not_be_sent_is_wiped_too(
    settings: Any, gateway: type[Recorder], django_capture_on_commit_callbacks
) -> None:
    settings.SMS_GATEWAY = "test-refuser"
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_sms(phone="13800000001", text="验证码 654321", secret="654321")
    stored = OutgoingSms.objects.get()
    assert stored.status == OutgoingSms.Status.FAILED and stored.attempts == 1
    assert stored.sealed_text == "" and "654321" not in stored.text


def test_a_secret_must_be_part_of_the_text() -> None:
    with pytest.raises(ValueError):
        services.queue_sms(phone="13800000001", text="验证码 ******", secret="123456")
    assert not OutgoingSms.objects.exists()


def test_the_phone_number_is_stored_encrypted_and_shown_masked() -> None:
    sms = services.queue_sms(phone="13800000001", text="您的办件已受理")
    assert sms.phone_masked == "138****0001"
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM notices_outgoingsms WHERE id = %s", [sms.pk])
        (raw,) = cursor.fetchone()
    assert "13800000001" not in raw
    assert OutgoingSms.objects.get().phone == "13800000001"


def test_a_message_is_delivered_once(gateway: type[Recorder]) -> None:
    sms = services.queue_sms(phone="13800000001", text="t")
    services.deliver_sms(sms_id=sms.pk)
    services.deliver_sms(sms_id=sms.pk)
    assert len(gateway.sent) == 1 and OutgoingSms.objects.get().attempts == 1


def test_the_local_gateway_delivers_nothing_anywhere(settings: Any) -> None:
    settings.SMS_GATEWAY = "outbox"
    assert isinstance(current_gateway(), OutboxSmsGateway)
    assert current_gateway().send(phone="13800000001", text="t") is None
    assert "outbox" in gateways.names()


def test_an_unknown_gateway_is_named_with_the_known_ones(settings: Any) -> None:
    settings.SMS_GATEWAY = "carrier-x"
    with pytest.raises(LookupError, match=r"carrier-x.*outbox"):
        current_gateway()


def test_an_email_subject_is_cut_to_its_column() -> None:
    email = services.queue_email(to="a@example.cn", subject="长" * 250, body="b")
    assert len(OutgoingEmail.objects.get(pk=email.pk).subject) == 200


# --- the inbox ------------------------------------------------------------------------------------------


def test_a_message_lands_in_the_recipients_inbox_newest_first() -> None:
    citizen = CitizenFactory()
    first = services.post_message(recipient=citizen, title="已收到您的申请", body="办件编号 X。", link="/cases/X/")
    second = services.post_message(recipient=citizen, title="办件 X 已受理", body="承诺 10 个工作日。")
    assert list(citizen.messages.all()) == [second, first]
    page = portal_client(citizen).get("/messages/").content.decode()
    assert page.index("办件 X 已受理") < page.index("已收到您的申请")


def test_reading_a_message_marks_it_read_once() -> None:
    citizen = CitizenFactory()
    message = services.post_message(recipient=citizen, title="办件 X 已受理", body="b")
    services.mark_read(message=message)
    first_read = Message.objects.get(pk=message.pk).read_at
    services.mark_read(message=Message.objects.get(pk=message.pk))
    assert first_read is not None and Message.objects.get(pk=message.pk).read_at == first_read


def test_opening_a_message_reads_it_and_only_its_recipient_may() -> None:
    citizen, other = CitizenFactory(), CitizenFactory()
    message = services.post_message(recipient=citizen, title="办件 X 已受理", body="承诺 10 个工作日。")
    assert portal_client(other).get(f"/messages/{message.pk}/").status_code == 404
    assert Message.objects.get(pk=message.pk).read_at is None
    response = portal_client(citizen).get(f"/messages/{message.pk}/")
    assert response.status_code == 200 and "承诺 10 个工作日。" in response.content.decode()
    assert Message.objects.get(pk=message.pk).read_at is not None
    assert Client().get("/messages/").status_code == 302  # to the log-in page


def request_of(user: Any) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_unread_count_is_a_citizens_unread_messages() -> None:
    from django.contrib.auth.models import AnonymousUser

    citizen = CitizenFactory()
    for n in range(3):
        services.post_message(recipient=citizen, title=f"消息{n}", body="b")
    services.mark_read(message=citizen.messages.first())
    assert unread(request_of(citizen)) == {"unread_count": 2}
    assert unread(request_of(AnonymousUser())) == {}
    staff = StaffFactory()
    services.post_message(recipient=staff, title="督办", body="b")
    assert unread(request_of(staff)) == {}  # staff read theirs in the console


def test_the_navigation_shows_how_many_messages_are_unread() -> None:
    citizen = CitizenFactory()
    client = portal_client(citizen)
    assert 'class="count"' not in client.get("/").content.decode()
    first = services.post_message(recipient=citizen, title="办件 X 已受理", body="b")
    services.post_message(recipient=citizen, title="办件 X 待补正", body="b")
    assert '<span class="count">2<span class="visually-hidden"> 条未读' in client.get("/").content.decode()
    client.get(f"/messages/{first.pk}/")
    page = client.get("/messages/").content.decode()
    assert '<span class="count">1<' in page
    assert page.count('class="unread"') == 1


def test_the_outbox_sends_emails_too_and_leaves_refused_ones_failed(settings: Any, gateway: type[Recorder]) -> None:
    from django.core import mail

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    services.queue_email(to="zhang@example.cn", subject="办件已受理", body="您的办件已受理。")
    services.queue_sms(phone="13800000001", text="您的办件已受理")
    settings.SMS_GATEWAY = "test-refuser"
    assert services.deliver_outbox() == 2
    assert [m.subject for m in mail.outbox] == ["办件已受理"]
    assert OutgoingSms.objects.get().status == OutgoingSms.Status.FAILED
    assert services.deliver_outbox() == 0  # a failed message is not retried by the loop
