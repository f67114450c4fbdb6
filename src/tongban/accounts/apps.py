from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """统一身份认证: citizens, legal persons, staff, real-name levels, login and second factor."""

    name = "tongban.accounts"
    label = "accounts"
    verbose_name = "统一身份认证"
