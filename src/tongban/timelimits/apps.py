from django.apps import AppConfig


class TimelimitsConfig(AppConfig):
    """办理时限: the legal working-day calendar (工作日历) and its administrator overrides."""

    name = "tongban.timelimits"
    label = "timelimits"
    verbose_name = "办理时限"

    def ready(self) -> None:
        from tongban.timelimits import permissions  # noqa: F401  (registers the rules)
