from django.apps import AppConfig


class CoreConfig(AppConfig):
    """共享内核: shared kernel — validators, personal-data fields, audit log, idempotency."""

    name = "tongban.core"
    label = "core"
    verbose_name = "核心"
