"""Data of the working-day calendar."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """工作日历调整: an administrator's ruling on one date, consulted before chinese-calendar.

    Used for years the library does not know yet (the State Council publishes each year's
    holidays in November) and for local exceptions.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("名称"), max_length=60, blank=True, help_text=_("例如：春节、国庆节调休上班"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")

    def __str__(self) -> str:
        kind = _("工作日") if self.is_workday else _("休息日")
        return f"{self.date.isoformat()} {kind} {self.name}".strip()
