"""Citizen pages of the catalogue: item guides, themes, bundles."""

from django.urls import path

from tongban.catalog import views

app_name = "catalog"

urlpatterns = [
    path("services/<str:code>/", views.item_guide, name="item"),
    path("themes/<str:code>/", views.theme_page, name="theme"),
    path("bundles/<str:code>/", views.bundle_page, name="bundle"),
]
