"""Kernel tables: the hash-chained audit log and idempotency records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """审计日志: one append-only entry; `entry_hash` covers the fields and the previous hash.

    Entries are written by the business transaction without a chain position; the sealer
    (`audit.seal_pending`) gives them `seq`, `prev_hash` and `entry_hash` right after commit.
    """

    seq = models.BigIntegerField(unique=True, null=True, blank=True)
    at = models.DateTimeField(db_index=True)
    # The ids of actor and data subject are part of `entry_hash`: deleting a user must not touch
    # them (SET_NULL would make verify-audit report tampering), so no database constraint either.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200, blank=True)
    department_code = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    subject_type = models.CharField(max_length=80, blank=True)
    subject_id = models.CharField(max_length=80, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    data_subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # led by the index audit_data_subject_at
        related_name="data_uses",
        help_text="whose personal data this action used (shown on their 'who used my data' page)",
    )
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["data_subject", "-at"], name="audit_data_subject_at"),
            models.Index(fields=["id"], name="audit_unsealed", condition=models.Q(seq__isnull=True)),
        ]
        verbose_name = _("审计记录")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditChainHead(models.Model):
    """The tip of the audit chain; its row lock serialises sealing (never business transactions)."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)


class RateCounter(models.Model):
    """限流计数: the hits of one subject against one limit in the current window (core.ratelimit).

    A window starts at its first hit and lasts the limit's length; the count is raised by one
    `INSERT … ON CONFLICT DO UPDATE … RETURNING` statement, atomic on SQLite and PostgreSQL, so
    every process of every app server counts in the same row.
    """

    name = models.CharField(max_length=120, primary_key=True)
    hits = models.IntegerField()
    expires_at = models.FloatField(db_index=True, help_text="end of the window, Unix time in seconds")


class CacheEntry(models.Model):
    """The table of Django's database cache (`CACHES` without Redis), created by `migrate`.

    Same columns as `createcachetable` makes; only Django's DatabaseCache reads and writes it.
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "tongban_cache"
