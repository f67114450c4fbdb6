from django.apps import AppConfig


class CoreConfig(AppConfig):
    """共享内核: shared kernel — validators, personal-data fields, audit log."""

    name = "tongban.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from tongban.core import checks  # noqa: F401 - registers the production settings checks
