from django.urls import path

from tongban.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/", views.account, name="account"),
    path("account/act-for/", views.act_for, name="act_for"),
    path("account/data-uses/", views.data_uses, name="data_uses"),
    path("messages/", views.message_list, name="messages"),
    path("messages/<int:pk>/", views.message_detail, name="message_detail"),
    path("elder-mode/", views.elder_mode, name="elder_mode"),
    path("demo/outbox/", views.demo_outbox, name="demo_outbox"),
]
