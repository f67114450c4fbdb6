"""Portal pages of cases: apply, drafts, my cases, supplements, progress query."""

from django.urls import path

from tongban.cases import supplement_views, views

app_name = "cases"

urlpatterns = [
    path("apply/<str:code>/", views.apply, name="apply"),
    path("apply/<str:code>/draft/", views.draft_save, name="draft_save"),
    path("bundles/<str:code>/apply/", views.apply_bundle, name="apply_bundle"),
    path("bundles/<str:code>/draft/", views.bundle_draft_save, name="bundle_draft_save"),
    path("my/cases/", views.my_cases, name="my_cases"),
    path("my/cases/<str:number>/", views.case_detail, name="case_detail"),
    path("my/cases/<str:number>/submitted/", views.submitted, name="submitted"),
    path("my/cases/<str:number>/supplement/", supplement_views.supplement, name="supplement"),
    path("my/cases/<str:number>/withdraw/", views.withdraw, name="withdraw"),
    path("my/cases/<str:number>/result/", views.case_result, name="case_result"),
    path("progress/", views.progress, name="progress"),
    path("cases/<str:number>/", views.case_link, name="case_link"),
]
