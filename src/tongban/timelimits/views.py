"""Console page of the working-day calendar (administrators, second factor required)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongban.accounts.permissions import ensure_can
from tongban.console.decorators import staff_required
from tongban.timelimits import selectors, services
from tongban.timelimits.forms import CalendarDayForm, RemoveDayForm

ACTION = "timelimits.edit_calendar"


@staff_required
@require_http_methods(["GET", "POST"])
def calendar_page(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, ACTION)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        day = services.set_calendar_day(
            date=form.cleaned_data["date"],
            is_workday=form.cleaned_data["is_workday"],
            name=form.cleaned_data["name"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
        messages.success(request, _("已保存：%(day)s") % {"day": day})
        return redirect("timelimits_console:calendar")
    context = {
        "form": form,
        "overrides": selectors.calendar_overrides(),
        "warnings": selectors.calendar_warnings(),
    }
    return render(request, "timelimits/calendar.html", context, status=400 if form.errors else 200)


@staff_required
@require_POST
def remove_day(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, ACTION)
    form = RemoveDayForm(request.POST)
    if form.is_valid():
        services.remove_calendar_day(date=form.cleaned_data["date"], actor=request.user)
        messages.success(request, _("已删除该日期的调整。"))
    return redirect("timelimits_console:calendar")
