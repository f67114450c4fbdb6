"""Reads of the working-day calendar for the console."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractYear

from tongban.core import calendar
from tongban.timelimits.models import CalendarDay


@dataclass(frozen=True)
class YearWarning:
    """A year chinese-calendar does not know, with the number of days entered by hand."""

    year: int
    overrides: int


def calendar_overrides() -> list[CalendarDay]:
    return list(CalendarDay.objects.order_by("-date"))


def calendar_warnings() -> list[YearWarning]:
    counts = dict(
        CalendarDay.objects.annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(n=Count("id"))
        .values_list("year", "n")
    )
    years = calendar.years_without_official_calendar(extra_years=counts)
    return [YearWarning(year=y, overrides=counts.get(y, 0)) for y in years]
