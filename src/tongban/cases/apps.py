from django.apps import AppConfig


class CasesConfig(AppConfig):
    """办件: applications, cases, materials, supplements, time limits, decisions, progress query."""

    name = "tongban.cases"
    label = "cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from tongban.cases import checks, material_sources, permissions  # noqa: F401  (registers rules, plugins, checks)
