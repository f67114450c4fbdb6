"""In-app messages and the local SMS outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tongban.core.fields import EncryptedTextField


class OutgoingEmail(models.Model):
    """电子邮件通知: queued in the transaction that caused it (the outbox), delivered after commit."""

    class Status(models.TextChoices):
        QUEUED = "queued", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["id"], condition=models.Q(status="queued"), name="outgoingemail_queued")]


class Message(models.Model):
    """站内消息: a message in a person's inbox ("我的消息")."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages", db_index=False
    )  # led by message_recipient_created
    title = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="message_recipient_created")]


class OutgoingSms(models.Model):
    """短信: one text message, queued in the transaction that caused it (the outbox), delivered after commit.

    The number is encrypted here, so no task argument or log line ever carries it whole. A message
    that carries a secret (an SMS log-in code) keeps it only in `sealed_text`, encrypted, until the
    one delivery attempt; `text` shows the secret as ****** from the start (notices.services.queue_sms).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    phone = EncryptedTextField()
    phone_masked = models.CharField(max_length=20)
    text = models.TextField()
    sealed_text = EncryptedTextField(blank=True, default="")  # the whole text, only while a secret waits to go out
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["id"], condition=models.Q(status="queued"), name="outgoingsms_queued")]
