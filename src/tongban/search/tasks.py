"""Background tasks of search (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from tongban.search import services


@task()
def update_search_index() -> int:
    """Apply pending catalogue changes to this server's index; enqueue after commit of a catalogue change."""
    return services.apply_catalogue_changes()
