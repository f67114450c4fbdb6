from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API (/api/v1/): installed as an app for its management commands (export-openapi)."""

    name = "tongban.api"
    label = "tongban_api"
