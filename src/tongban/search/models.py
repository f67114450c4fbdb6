"""Search data administrators edit and read: the synonym table and the log of unmet queries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchSynonym(models.Model):
    """同义词/俗语: a colloquial phrase and the official words it means ("丢了" → 补领/挂失)."""

    phrase = models.CharField(_("口语说法"), max_length=50, unique=True)
    expansion = models.CharField(
        _("对应的规范词"),
        max_length=300,
        help_text=_("多个词用空格分隔，每个词都会参与搜索；可互相替代的词用“/”分隔，如：补领/补办 身份证"),
    )
    enabled = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["phrase"]
        verbose_name = _("搜索同义词")

    def __str__(self) -> str:
        return f"{self.phrase} → {self.expansion}"


class SearchQueryLog(models.Model):
    """搜索日志: one row per distinct query a day that found nothing or was rarely clicked."""

    query = models.CharField(max_length=200)
    normalized = models.CharField(max_length=200, db_index=True)
    day = models.DateField(default=timezone.localdate)
    searches = models.PositiveIntegerField(default=0)
    zero_results = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)
    last_results = models.PositiveSmallIntegerField(default=0)
    last_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-searches"]
        constraints = [models.UniqueConstraint(fields=["normalized", "day"], name="search_log_query_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.query} ({self.searches})"

    @property
    def click_rate(self) -> float:
        return self.clicks / self.searches if self.searches else 0.0
