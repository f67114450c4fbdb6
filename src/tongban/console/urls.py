from django.urls import path

from tongban.console import views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("departments/<str:code>/staff/", views.department_staff, name="department_staff"),
]
