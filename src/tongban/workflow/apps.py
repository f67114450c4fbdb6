from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    """流程: BPMN process definitions, the engine adapter and task routing to departments."""

    name = "tongban.workflow"
    label = "workflow"
    verbose_name = "流程"

    def ready(self) -> None:
        from tongban.workflow import permissions  # noqa: F401  (registers the rules)
