"""URL map: portal at /, staff console at /console/, API at /api/v1/."""

from django.urls import include, path
from django.views.i18n import set_language

from tongban.api.root import api

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("console/calendar/", include("tongban.timelimits.console_urls")),
    path("console/workflow/", include("tongban.workflow.console_urls")),
    path("console/search/", include("tongban.search.console_urls")),
    path("console/catalog/", include("tongban.catalog.console_urls")),
    path("console/cases/", include("tongban.cases.console_urls")),
    path("console/", include("tongban.console.urls")),
    path("", include("tongban.cases.urls")),
    path("", include("tongban.search.urls")),
    path("", include("tongban.catalog.urls")),
    path("", include("tongban.portal.urls")),
]

handler400 = "tongban.core.views.bad_request"
handler500 = "tongban.core.views.server_error"
