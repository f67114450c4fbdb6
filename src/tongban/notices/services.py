"""Sending notices: in-app messages at once, SMS queued and delivered after commit."""

from __future__ import annotations

from smtplib import SMTPException
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from tongban.core.masking import mask_mobile
from tongban.notices.models import Message, OutgoingEmail, OutgoingSms
from tongban.notices.sms import SmsNotSent, current_gateway


def post_message(*, recipient: Any, title: str, body: str, link: str = "") -> Message:
    """站内消息: put a message in the person's inbox (inside the caller's transaction)."""
    return Message.objects.create(recipient=recipient, title=title, body=body, link=link)


def queue_sms(*, phone: str, text: str) -> OutgoingSms:
    """Queue an SMS in the caller's transaction; it is delivered only if that transaction commits."""
    from tongban.notices.tasks import deliver_sms

    sms = OutgoingSms.objects.create(phone=phone, phone_masked=mask_mobile(phone), text=text)
    transaction.on_commit(lambda: deliver_sms.enqueue(sms_id=sms.pk))
    return sms


def queue_email(*, to: str, subject: str, body: str) -> OutgoingEmail:
    """Queue an e-mail in the caller's transaction; it is sent only if that transaction commits."""
    from tongban.notices.tasks import deliver_email

    email = OutgoingEmail.objects.create(to=to, subject=subject[:200], body=body)
    transaction.on_commit(lambda: deliver_email.enqueue(email_id=email.pk))
    return email


@transaction.atomic
def deliver_email(*, email_id: int) -> None:
    """Send through Django's e-mail backend (TONGBAN_EMAIL_URL); a refusal leaves it `failed`."""
    email = OutgoingEmail.objects.select_for_update().get(pk=email_id)
    if email.status == OutgoingEmail.Status.SENT:
        return
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


@transaction.atomic
def deliver_sms(*, sms_id: int) -> None:
    sms = OutgoingSms.objects.select_for_update().get(pk=sms_id)
    if sms.status == OutgoingSms.Status.SENT:
        return
    sms.attempts += 1
    try:
        current_gateway().send(phone=sms.phone, text=sms.text)
    except SmsNotSent:
        sms.status = OutgoingSms.Status.FAILED
        sms.save(update_fields=["status", "attempts"])
        return
    sms.status = OutgoingSms.Status.SENT
    sms.sent_at = timezone.now()
    sms.save(update_fields=["status", "attempts", "sent_at"])


@transaction.atomic
def mark_read(*, message: Message) -> None:
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
