from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """政务服务事项目录: service items, themes ("我要…"), bundles (一件事), import and export."""

    name = "tongban.catalog"
    label = "catalog"
    verbose_name = "事项目录"

    def ready(self) -> None:
        from tongban.catalog import permissions  # noqa: F401  (registers the catalog rules)
