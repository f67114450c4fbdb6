from django.apps import AppConfig


class NoticesConfig(AppConfig):
    """通知: in-app messages and the SMS / e-mail outbox."""

    name = "tongban.notices"
    label = "notices"
    verbose_name = "通知"

    def ready(self) -> None:
        from tongban.notices import sms  # noqa: F401  (registers the local gateway)
