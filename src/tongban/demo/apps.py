from django.apps import AppConfig


class DemoConfig(AppConfig):
    """演示数据: the demo regions, people, catalogue and cases; installed for its `tongban demo` command."""

    name = "tongban.demo"
    label = "demo"

    def ready(self) -> None:
        from tongban.demo import handset  # noqa: F401  registers the `demo` SMS gateway
