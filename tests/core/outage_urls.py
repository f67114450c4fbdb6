from django.db import OperationalError
from django.urls import path


def broken(request):
    raise OperationalError("could not connect to server: Connection refused")


def buggy(request):
    raise ValueError("a bug")


urlpatterns = [path("page/", broken), path("api/v1/thing", broken), path("bug/", buggy), path("api/v1/bug", buggy)]
handler500 = "tongban.core.views.server_error"
