import pytest
from django.core import mail

from tongban.notices import services
from tongban.notices.models import OutgoingEmail, OutgoingSms

pytestmark = pytest.mark.django_db


def test_email_is_sent_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = services.queue_email(to="zhang@example.cn", subject="办件已受理", body="您的办件已受理。")
    assert mail.outbox == [] and email.status == OutgoingEmail.Status.QUEUED
    for callback in callbacks:
        callback()
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 1
    assert mail.outbox[0].subject == "办件已受理" and mail.outbox[0].to == ["zhang@example.cn"]


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.queue_sms(phone="13800000001", text="t")
    assert len(callbacks) == 1, "delivery waits for the commit"
    assert OutgoingSms.objects.get().status == OutgoingSms.Status.QUEUED


def test_a_refused_email_is_marked_failed(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with django_capture_on_commit_callbacks(execute=True):
        email = services.queue_email(to="zhang@example.cn", subject="s", body="b")
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
