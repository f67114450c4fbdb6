"""The catalogue change log the search index follows (`CatalogChange`, read in id order).

Every service that creates, changes or deletes an item, a theme or a bundle calls
`record_change` (or `record_changes` for many at once) inside its transaction, so a change and
its log row commit together.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from tongban.catalog.models import CatalogChange

BATCH = 2000


def record_change(*, kind: str, code: str, deleted: bool = False) -> CatalogChange:
    """Log one change: `kind` is "item", "bundle" or "theme"."""
    return CatalogChange.objects.create(kind=kind, code=code, deleted=deleted)


def record_changes(*, kind: str, codes: Iterable[str], deleted: bool = False) -> int:
    """Log many changes of one kind with bulk inserts; returns how many rows were written."""
    at = timezone.now()
    rows = [CatalogChange(kind=kind, code=code, deleted=deleted, at=at) for code in codes]
    CatalogChange.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
