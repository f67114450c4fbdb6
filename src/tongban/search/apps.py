from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "tongban.search"
    label = "search"
    verbose_name = "搜索"

    def ready(self) -> None:
        from tongban.search import rules  # noqa: F401  (registers permission rules)
