def test_settings():
    from django_tasks import task_backends

    assert type(task_backends["default"]).__name__ == "ImmediateBackend"
