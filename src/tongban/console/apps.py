from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "tongban.console"
    label = "console"
