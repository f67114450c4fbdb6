"""Mounted at /console/calendar/."""

from django.urls import path

from tongban.timelimits import views

app_name = "timelimits_console"

urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("remove/", views.remove_day, name="remove"),
]
