from django.urls import path

from tongban.search import views

app_name = "search_console"

urlpatterns = [
    path("synonyms/", views.synonyms, name="synonyms"),
    path("synonyms/<int:pk>/delete/", views.delete_synonym, name="delete_synonym"),
    path("queries/", views.queries, name="queries"),
]
