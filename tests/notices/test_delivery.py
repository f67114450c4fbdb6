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


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_with_the_database_backend_the_outbox_rows_are_the_queue(settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    assert services.outbox_is_polled()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sms = services.queue_sms(phone="13800000001", text="您的办件已受理")
        email = services.queue_email(to="zhang@example.cn", subject="办件已受理", body="b")
    assert callbacks == [] and not DBTaskResult.objects.exists(), "no task row per notice"
    assert services.deliver_outbox() == 2
    sms.refresh_from_db()
    email.refresh_from_db()
    assert sms.status == OutgoingSms.Status.SENT and email.status == OutgoingEmail.Status.SENT
    assert mail.outbox[0].subject == "办件已受理"
    assert services.deliver_outbox() == 0, "each notice is delivered once"


def test_the_outbox_delivers_in_batches_oldest_first(settings):
    settings.TASKS = DATABASE_TASKS
    for n in range(3):
        services.queue_sms(phone="13800000001", text=f"第{n}条")
    assert services.deliver_outbox(limit=2) == 2
    sent = OutgoingSms.objects.filter(status=OutgoingSms.Status.SENT).values_list("text", flat=True)
    assert sorted(sent) == ["第0条", "第1条"]
    assert services.deliver_outbox(limit=2) == 1


@pytest.mark.django_db(transaction=True)  # the task worker closes its database connection when done
def test_the_worker_in_batch_mode_empties_the_outbox(settings):
    from django.core.management import call_command

    settings.TASKS = DATABASE_TASKS
    services.queue_sms(phone="13800000001", text="t")
    call_command("worker", "--batch")
    assert OutgoingSms.objects.get().status == OutgoingSms.Status.SENT
