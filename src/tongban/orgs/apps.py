from django.apps import AppConfig


class OrgsConfig(AppConfig):
    """组织机构: regions, departments, service halls and windows."""

    name = "tongban.orgs"
    label = "orgs"
    verbose_name = "组织机构"
