"""Mounted at /console/workflow/."""

from django.urls import path

from tongban.workflow import views

app_name = "workflow_console"

urlpatterns = [
    path("", views.definitions_page, name="definitions"),
]
