"""State changes of the working-day calendar, each one transaction and audited."""

from __future__ import annotations

from datetime import date as Date
from typing import Any

from django.db import transaction

from tongban.accounts.permissions import ensure_can
from tongban.core import audit
from tongban.timelimits import calendar
from tongban.timelimits.models import CalendarDay


@transaction.atomic
def set_calendar_day(*, date: Date, is_workday: bool, name: str = "", note: str = "", actor: Any) -> CalendarDay:
    """调整工作日历: declare one date a working day or a day off, ahead of chinese-calendar."""
    ensure_can(actor, "timelimits.edit_calendar")
    day, created = CalendarDay.objects.update_or_create(
        date=date, defaults={"is_workday": is_workday, "name": name.strip(), "note": note.strip()}
    )
    audit.record(
        actor=actor,
        action="calendar.set_day",
        subject=day,
        details={"date": date.isoformat(), "is_workday": is_workday, "name": day.name, "created": created},
    )
    calendar.invalidate()
    transaction.on_commit(calendar.invalidate)
    return day


@transaction.atomic
def remove_calendar_day(*, date: Date, actor: Any) -> None:
    """删除调整: the date follows chinese-calendar (or Monday–Friday) again."""
    ensure_can(actor, "timelimits.edit_calendar")
    day = CalendarDay.objects.filter(date=date).first()
    if day is None:
        return
    audit.record(
        actor=actor,
        action="calendar.remove_day",
        subject=day,
        details={"date": date.isoformat(), "is_workday": day.is_workday, "name": day.name},
    )
    day.delete()
    calendar.invalidate()
    transaction.on_commit(calendar.invalidate)
