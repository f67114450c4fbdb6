"""Sending notices: in-app messages at once; SMS and e-mail through a transactional outbox.

An SMS or e-mail is a row (`OutgoingSms`, `OutgoingEmail`) written in the transaction that caused
it, so it exists exactly when that change committed. With the database task backend (production
and `make demo`) the rows are the queue: `tongban worker` delivers what is queued every interval
(`deliver_outbox`, rows taken with SKIP LOCKED, so several workers share the work). With any
other task backend (the immediate one in tests) a delivery task is enqueued after commit.
"""

from __future__ import annotations

from smtplib import SMTPException
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from tongban.core.masking import mask_mobile
from tongban.notices.models import Message, OutgoingEmail, OutgoingSms
from tongban.notices.sms import SmsNotSent, current_gateway

OUTBOX_BATCH = 100


def outbox_is_polled() -> bool:
    """True when `tongban worker` polls the outbox tables (the database task backend)."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def _after_commit(task: Any, **kwargs: Any) -> None:
    if not outbox_is_polled():
        transaction.on_commit(lambda: task.enqueue(**kwargs))


def post_message(*, recipient: Any, title: str, body: str, link: str = "") -> Message:
    """站内消息: put a message in the person's inbox (inside the caller's transaction)."""
    return Message.objects.create(recipient=recipient, title=title, body=body, link=link)


SECRET_MASK = "******"


def queue_sms(*, phone: str, text: str, secret: str = "") -> OutgoingSms:
    """Queue an SMS in the caller's transaction; it is delivered only if that transaction commits.

    `secret` names the part of `text` that is a credential (an SMS log-in code): the stored `text`
    shows it as ******, the whole text waits encrypted in `sealed_text` and is wiped by the one
    delivery attempt, sent or not — no code stays in the outbox afterwards.
    """
    from tongban.notices.tasks import deliver_sms

    if secret and secret not in text:
        raise ValueError("the secret must be part of the text")
    sms = OutgoingSms.objects.create(
        phone=phone,
        phone_masked=mask_mobile(phone),
        text=text.replace(secret, SECRET_MASK) if secret else text,
        sealed_text=text if secret else "",
    )
    _after_commit(deliver_sms, sms_id=sms.pk)
    return sms


def queue_email(*, to: str, subject: str, body: str) -> OutgoingEmail:
    """Queue an e-mail in the caller's transaction; it is sent only if that transaction commits."""
    from tongban.notices.tasks import deliver_email

    email = OutgoingEmail.objects.create(to=to, subject=subject[:200], body=body)
    _after_commit(deliver_email, email_id=email.pk)
    return email


def _send_email(email: OutgoingEmail) -> None:
    """Send through Django's e-mail backend (TONGBAN_EMAIL_URL); a refusal leaves it `failed`."""
    email.attempts += 1
    try:
        send_mail(email.subject, email.body, None, [email.to], fail_silently=False)
    except (OSError, SMTPException):
        email.status = OutgoingEmail.Status.FAILED
        email.save(update_fields=["status", "attempts"])
        return
    email.status = OutgoingEmail.Status.SENT
    email.sent_at = timezone.now()
    email.save(update_fields=["status", "attempts", "sent_at"])


def _send_sms(sms: OutgoingSms) -> None:
    """Send through the configured SMS gateway; a refusal leaves it `failed`. A secret it carried is
    wiped either way (a log-in code that did not go out is asked for again, never resent)."""
    sms.attempts += 1
    text, sms.sealed_text = sms.sealed_text or sms.text, ""
    try:
        current_gateway().send(phone=sms.phone, text=text)
    except SmsNotSent:
        sms.status = OutgoingSms.Status.FAILED
        sms.save(update_fields=["status", "attempts", "sealed_text"])
        return
    sms.status = OutgoingSms.Status.SENT
    sms.sent_at = timezone.now()
    sms.save(update_fields=["status", "attempts", "sent_at", "sealed_text"])


@transaction.atomic
def deliver_email(*, email_id: int) -> None:
    email = OutgoingEmail.objects.select_for_update().get(pk=email_id)
    if email.status == OutgoingEmail.Status.QUEUED:
        _send_email(email)


@transaction.atomic
def deliver_sms(*, sms_id: int) -> None:
    sms = OutgoingSms.objects.select_for_update().get(pk=sms_id)
    if sms.status == OutgoingSms.Status.QUEUED:
        _send_sms(sms)


def deliver_outbox(*, limit: int = OUTBOX_BATCH) -> int:
    """发送待发通知: deliver up to `limit` queued SMS and as many e-mails; returns how many were tried.

    Each kind in its own transaction; rows another worker holds are skipped, not waited for.
    """
    tried = 0
    with transaction.atomic():
        queued_sms = OutgoingSms.objects.select_for_update(skip_locked=True).filter(status=OutgoingSms.Status.QUEUED)
        for sms in queued_sms.order_by("pk")[:limit]:
            _send_sms(sms)
            tried += 1
    with transaction.atomic():
        queued_email = OutgoingEmail.objects.select_for_update(skip_locked=True).filter(
            status=OutgoingEmail.Status.QUEUED
        )
        for email in queued_email.order_by("pk")[:limit]:
            _send_email(email)
            tried += 1
    return tried


@transaction.atomic
def mark_read(*, message: Message) -> None:
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
