from django.urls import path

from tongban.search import views

app_name = "search"

urlpatterns = [
    path("search/", views.results, name="results"),
    path("search/suggest", views.suggest, name="suggest"),
    path("search/go", views.go, name="go"),
]
