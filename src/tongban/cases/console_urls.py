"""Console pages of cases, mounted at /console/cases/."""

from django.urls import path

from tongban.cases import console_views, window_views

app_name = "cases_console"

urlpatterns = [
    path("", console_views.todo, name="todo"),
    path("counts/", console_views.todo_counts, name="counts"),
    path("window/", window_views.window, name="window"),
    path("oversight/", console_views.oversight, name="oversight"),
    path("<str:number>/", console_views.case_page, name="case"),
    path("<str:number>/act/<slug:action>/", console_views.act, name="act"),
    path("<str:number>/materials/<int:pk>/", console_views.material_download, name="material"),
    path("<str:number>/result/", console_views.result_download, name="result"),
]
