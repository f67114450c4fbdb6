"""Console pages of the catalogue (mounted at /console/catalog/): administrators edit items."""

from django.urls import path

from tongban.catalog import console_views

app_name = "catalog_console"

urlpatterns = [
    path("", console_views.item_list, name="items"),
    path("items/<str:code>/", console_views.item_edit, name="item_edit"),
]
